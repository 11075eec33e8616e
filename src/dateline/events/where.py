"""Where a mention happened: the place its clause names, and the story's place for one told without.

The most precise place in a locative phrase of the trigger's clause ('in Baghdad', "Baghdad's airport"), not a
place that describes a participant ('U.S. forces'); a statement only where it was made ('told reporters in
Kyiv'); one happening per place joined in one phrase. An unplaced event on the ground takes the place of its
paragraph's story, else of the report's lead, else of the wire dateline (kept apart from its own place, so it
never decides which mentions are one event). Also: countries as places, and distances.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import replace

from spacy.tokens import Span, Token

from dateline.events.context import MATERIAL_TYPES, PLACED_TYPES, Context, Mention
from dateline.events.when import _clause_of, _is_past, _overlap, _same_story, _story_day
from dateline.layout import paragraph_breaks, wire_dateline
from dateline.learned import place_ranker
from dateline.lexicon import lexicon
from dateline.nlp import doc_text
from dateline.records import PlaceMention
from dateline.taxonomy import REPORTING_VERBS
from dateline.triggers import trigger_type

PRECISION_RANK = {"street": 0, "district": 1, "city": 2, "admin1": 3, "region": 4, "country": 5}
EVENT_PLACE_PREPS = lexicon().words("places/event_locative_preps")
# Nouns a place name may modify and still be where something happens: its designator, a kind of place, a site
PLACE_OWN_NOUNS = (
    lexicon().words("places/designators") | lexicon().words("places/place_nouns") | lexicon().words("places/site_nouns")
)
PLACE_OBJECT_VERBS = lexicon().words("places/place_object_verbs")
POSSESSED_PLACE_NOUNS = lexicon().words("events/where/possessed_place_nouns")
VISIT_VERBS = lexicon().words("events/where/visit_verbs")
STATEMENT_PLACE_PREPS = lexicon().words("events/where/statement_place_preps")
# A nationality word gives the event's country only after a preposition that places it, not one of origin.
DEMONYM_PLACE_PREPS = EVENT_PLACE_PREPS - lexicon().words("events/where/origin_preps")


def find_dateline(text: str) -> PlaceMention | None:
    """The wire dateline ('MOSUL, Iraq (Wire) -'): where the report was filed, the fallback place of its news."""
    m = wire_dateline(text)
    if m is None:
        return None
    try:
        from dateline.geocode import resolve_place
    except ImportError:
        return None
    city = m.city.strip().title()
    hint = resolve_place(m.region) if m.region else None
    place = resolve_place(city, {hint.country} if hint and hint.country else None, town=True)
    if place is None:
        return None
    return place.model_copy(update={"text": m.city.strip(), "start": m.start, "end": m.end})


def _place_for(ctx: Context, sent: Span, group: list[Token], alone: bool = True) -> PlaceMention | None:
    """The most precise place in the trigger's clause that is a location, not an actor's modifier."""
    candidates: list[tuple[int, int, PlaceMention, Token]] = []
    for tok, pm, in_clause in place_candidates(ctx.places, sent, group):
        if not in_clause and not alone:
            continue  # another event in this sentence may own that place
        candidates.append((*rule_key(in_clause, pm), pm, tok))
    if not candidates:
        return _demonym_place(ctx, group)
    ranked = _ranked(group[0], candidates)
    if ranked is not None:
        return ranked
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2]


def place_candidates(
    places: dict[int, PlaceMention], sent: Span, group: list[Token]
) -> list[tuple[Token, PlaceMention, bool]]:
    """The geocoded places of a sentence in a locative position, in text order: (first such token, place, whether
    it lies in the trigger's clause). The events stage and the place ranker's training rows both read these."""
    clauses = {_clause_of(t).i for t in group} | {t.i for t in group}
    out: list[tuple[Token, PlaceMention, bool]] = []
    seen: set[int] = set()
    for tok in sent:
        pm = places.get(tok.i)
        if pm is None or id(pm) in seen or pm.lat is None or not _locative(tok, pm):
            continue
        seen.add(id(pm))
        own = _clause_of(tok)
        # "as he left Baghdad's airport": an adverbial clause places the event it modifies
        out.append((tok, pm, own.i in clauses or (own.dep_ in ("advcl", "xcomp") and own.head.i in clauses)))
    return out


def rule_key(in_clause: bool, pm: PlaceMention) -> tuple[int, int]:
    """The rule's order of candidate places: the trigger's own clause first, then the most precise."""
    return (0 if in_clause else 1, PRECISION_RANK.get(pm.precision or "country", 5))


def _ranked(trigger: Token, candidates: list[tuple[int, int, PlaceMention, Token]]) -> PlaceMention | None:
    """Between two or more places, the learned ranker's choice (learned/place_ranker.py); None without weights."""
    table = place_ranker.weights()
    if table is None or len(candidates) < 2:
        return None
    n = len(candidates)
    scores = [
        place_ranker.score(place_ranker.candidate_features(trigger, tok, pm, clause == 0, k, n), table)
        for k, (clause, _rank, pm, tok) in enumerate(candidates)
    ]
    return candidates[max(range(n), key=scores.__getitem__)][2]


def _statement_place(ctx: Context, group: list[Token]) -> PlaceMention | None:
    """Where a statement was made: only a place said of the act itself ('told reporters in Kyiv'),
    never one its content is about ('accused the rebels of shelling Goma')."""
    for trig in group:
        if trig.lemma_.lower() in VISIT_VERBS and (pm := _visited(ctx, trig)) is not None:
            return pm
        if trig.dep_ in ("advcl", "xcomp", "conj") and trigger_type(trig.head) in PLACED_TYPES:
            act = _place_for(ctx, trig.sent, [trig.head])  # "marched through X, demanding ...": said there
            if _fine(act):
                return act
        verbs = [trig] + [a for a in trig.ancestors if a.lemma_.lower() in REPORTING_VERBS][:1]
        for verb in verbs:
            for prep in verb.children:
                if prep.dep_ != "prep" or prep.lower_ not in STATEMENT_PLACE_PREPS:
                    continue
                for obj in prep.children:
                    pm = ctx.places.get(obj.i)
                    if pm is not None and pm.lat is not None:
                        return pm
    return None


def _visited(ctx: Context, verb: Token) -> PlaceMention | None:
    """'visited Lebanon', 'toured the front in Kharkiv': the place visited."""
    for c in verb.children:
        pm = ctx.places.get(c.i)
        if c.dep_ == "dobj" and pm is not None and pm.lat is not None:
            return pm
    return None


def _demonym_place(ctx: Context, group: list[Token]) -> PlaceMention | None:
    """'throughout Israeli border communities': a nationality word in a locative phrase gives the country."""
    for trig in group:
        for prep in trig.children:
            if prep.dep_ != "prep" or prep.lower_ not in DEMONYM_PLACE_PREPS:
                continue
            for tok in prep.subtree:
                if tok.ent_type_ == "NORP" and (cc := demonym_country(tok.text)):
                    return _country_place(cc, tok)
    return None


def _country_place(cc: str, tok: Token) -> PlaceMention | None:
    try:
        from dateline import gazetteer
    except ImportError:
        return None
    c = gazetteer.country(cc)
    if c is None:
        return None
    return PlaceMention(
        text=tok.text,
        start=tok.idx,
        end=tok.idx + len(tok.text),
        name=c.name,
        country=cc,
        lat=c.lat,
        lon=c.lon,
        precision="country",
        geonames_id=c.geonames_id,
        feature="country",
    )


def demonym_country(word: str) -> str | None:
    """ISO2 for a nationality word ('Iraqi', 'American'), from the gazetteer's (cached) demonym table."""
    from dateline.gazetteer import country_of_demonym, norm

    return country_of_demonym().get(norm(word))


def _locative(tok: Token, pm: PlaceMention) -> bool:
    """'in Baghdad', 'on Palestine Street', "Baghdad's airport", 'northern Iraq' — not 'U.S. forces'."""
    if pm.precision in ("street", "district"):
        return True
    node = tok
    while (
        node.dep_ in ("compound", "flat", "amod", "nmod", "poss") and node.head.i != node.i and node.head.i - node.i < 4
    ):
        # 'in Morazan Department', 'outside his Istanbul office', "along Syria's border": the place's own noun
        if node.head.ent_type_ in ("GPE", "LOC", "FAC") or node.head.lower_ in PLACE_OWN_NOUNS:
            node = node.head
        else:
            break
    if node.dep_ == "pobj" and node.head.lower_ in EVENT_PLACE_PREPS:
        return True
    if node.dep_ == "poss" and node.head.lower_ in POSSESSED_PLACE_NOUNS:
        return True
    if node.dep_ in ("appos", "conj") and node.head.dep_ == "pobj":
        return node.head.head.lower_ in EVENT_PLACE_PREPS
    return node.dep_ == "dobj" and node.head.lemma_.lower() in PLACE_OBJECT_VERBS


def _split_by_places(ctx: Context, m: Mention) -> list[Mention]:
    """'Protests were held in Shire and Adigrat': one happening per place joined in the locative phrase."""
    if m.place is None or m.type not in MATERIAL_TYPES:
        return [m]
    span = ctx.doc.char_span(m.place.start, m.place.end, alignment_mode="expand")
    if span is None:
        return [m]
    others = []
    for conj in span.root.conjuncts:
        pm = ctx.places.get(conj.i)
        if pm is not None and pm is not m.place and pm.lat is not None and pm.precision == m.place.precision:
            others.append(pm)
    return [m] + [replace(m, place=pm, actors=list(m.actors), evidence=list(m.evidence)) for pm in others]


def _inherit_places(ctx: Context, mentions: list[Mention]) -> None:
    """An unplaced event on the ground takes the place of the story it is told in.

    First the latest placed, current event in its paragraph ("Gunmen attacked a post near X. The attack
    began at dawn"), else the first placed current event of the report (its lead), else the dateline.
    Kept apart from the mention's own place so it never decides which mentions are the same event.
    """
    breaks = paragraph_breaks(doc_text(ctx.doc))

    def current(m: Mention) -> bool:
        return m.time is None or not _is_past(m.time, ctx.published)

    story_time = next((m.time for m in mentions if _story_day(m.time) and current(m)), None)
    placed = [
        m.place
        for m in mentions
        if m.place and current(m) and m.type in PLACED_TYPES and (m.time is None or _same_story(m.time, story_time))
    ]
    lead = next((p for p in placed if _fine(p)), placed[0] if placed else None)
    ctx.story_place = lead
    latest: dict[int, PlaceMention] = {}  # paragraph -> the place of its latest placed, current mention so far
    for m in mentions:
        para = bisect_left(breaks, m.sent.start_char)  # layout.paragraph_of, by bisection: the breaks are in order
        near = latest.get(para)
        if m.place and current(m):
            latest[para] = m.place
        if _fine(m.place) or m.type not in MATERIAL_TYPES or not current(m) or m.occurrences:
            continue  # a tally of many events is not placed by the story's one
        if m.time is not None and story_time is not None and not _overlap(m.time, story_time):
            continue  # "last month, students kidnapped in another town": a different day is a different story
        m.fallback_place = _most_precise(near, lead, ctx.dateline)


def _inside(fine: PlaceMention, coarse: PlaceMention) -> bool:
    """'northeastern Colombia' and the story's Tibú: the town is the more precise account of the same place.

    A part of a country ('northern Iraq') holds the town only if the town lies nearer that part's centre
    than the country's centre: Baghdad is not in northern Iraq.
    """
    if fine.country != coarse.country:
        return False
    if coarse.precision == "admin1":
        return fine.admin1 == coarse.admin1
    if coarse.precision == "region" and coarse.feature != "country":
        from dateline.gazetteer import country as country_entry

        whole = country_entry(coarse.country) if coarse.country else None
        if whole is None or None in (fine.lat, coarse.lat):
            return False
        return distance_km(fine.lat, fine.lon, coarse.lat, coarse.lon) < distance_km(
            fine.lat, fine.lon, whole.lat, whole.lon
        )
    return True


def _fine(place: PlaceMention | None) -> bool:
    return place is not None and PRECISION_RANK.get(place.precision or "country", 5) <= PRECISION_RANK["city"]


def _most_precise(*places: PlaceMention | None) -> PlaceMention | None:
    """The first city-or-finer place in order of closeness; else the first coarse one, unless a later fine
    place lies inside it ("Nigeria" in the story, "GUSAU" in the dateline: Gusau)."""
    fine = next((p for p in places if _fine(p)), None)
    coarse = next((p for p in places if p is not None), None)
    if coarse is None or _fine(coarse):
        return coarse
    return fine if fine is not None and _inside(fine, coarse) else coarse


def distance_km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float:
    if None in (lat1, lon1, lat2, lon2):
        return math.inf
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
