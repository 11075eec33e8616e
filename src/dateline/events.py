"""Event extraction: triggers from the PLOVER lexicon, arguments from the dependency parse.

For each sentence: find trigger words (verbs by lemma, nouns by form), fold the triggers that
describe one happening ("killed in a strike") into one mention, read its actors from the parse
(subject / agent = initiator, object / "on X" = target, people killed = victims), attach the time
and place expressions of its clause, casualty figures, weapons, hedges and attribution. Mentions of
the same event across the report ("a strike" ... "the U.S. airstrike" ... "the attack") are then
merged, so each real-world event becomes one record with all its evidence.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from dateline import casualties, certainty
from dateline.coref import antecedent, crowd_antecedent, described_antecedent, kind_of_word, reporter_subjects
from dateline.records import (
    AcledCode,
    Actor,
    Count,
    DateRange,
    Entity,
    Event,
    Evidence,
    Location,
    PlaceMention,
    Quote,
    Report,
    TimeMention,
)
from dateline.taxonomy import (
    BLAME_VERBS,
    CIVILIAN_WORDS,
    COERCE_MODES,
    COMMENT_VERBS,
    CROWD_WORDS,
    GOVERNMENT_WORDS,
    GROUP_WORDS,
    LIGHT_VERBS,
    MILITARY_WORDS,
    MODE_WORDS,
    POLICE_WORDS,
    PROJECTILES,
    PRONOUNS,
    QUANTITY_NOUNS,
    REPORTING_VERBS,
    TARGET_PREPS,
    WEAPON_NAME_HEADS,
    WEAPON_SUBJECTS,
    WEAPON_WORDS,
    acled_for,
    cameo_for,
)
from dateline.triggers import (
    crowd_control,
    dispersed,
    noun_triggers,
    series_count,
    trigger_groups,
    trigger_type,
)

PRECISION_RANK = {"street": 0, "district": 1, "city": 2, "admin1": 3, "region": 4, "country": 5}
LOCATIVE_PREPS = {
    "in",
    "at",
    "near",
    "on",
    "outside",
    "inside",
    "across",
    "throughout",
    "around",
    "into",
    "within",
    "from",
    "of",
    "along",
    "off",
    "through",
    "toward",
    "towards",
    "over",
}
BACKGROUND_DAYS = 30
MERGE_KM = 50.0
# Seats of government named for the state (metonyms): their actions are the state's.
INSTITUTION_COUNTRY = {
    "pentagon": "US",
    "white house": "US",
    "kremlin": "RU",
    "downing street": "GB",
    "elysee": "FR",
    "élysée": "FR",
    "knesset": "IL",
    "bundestag": "DE",
    "zhongnanhai": "CN",
    "state department": "US",
    "defense department": "US",
    "congress": "US",
    "capitol": "US",
}
GENERIC_LEMMAS = {"attack", "strike", "kill", "hit", "assault", "bomb", "shell", "fire", "target", "die", "wound"}
GENERIC_TRIGGERS = {"attack", "attacks", "strike", "strikes", "killed", "killing", "assault", "incident"}
# "a faction of X", "members of X": the participant is X.
PART_NOUNS = {
    "faction",
    "wing",
    "cell",
    "cells",
    "unit",
    "units",
    "members",
    "member",
    "branch",
    "splinter",
    "affiliate",
}
MEMBER_NOUNS = {"fighters", "militants", "gunmen", "soldiers", "troops", "officers", "supporters", "loyalists"}
ABSTRACT_NOUNS = {
    "escalation",
    "need",
    "time",
    "revenge",
    "fallout",
    "pressure",
    "violence",
    "job",
    "steps",
    "presence",
    "relevance",
    "face",
    "spirit",
    "end",
    "way",
    "part",
    "people's",
    "appearance",
}
RELATIVE_PRONOUNS = {"that", "which", "who", "whom"}


@dataclass
class Mention:
    """One sentence's description of an event, before mentions of the same event are merged."""

    type: str
    trigger: Token
    sent: Span
    anaphoric: bool = False
    actors: list[Actor] = field(default_factory=list)
    fatalities: Count | None = None
    injuries: Count | None = None
    time: TimeMention | None = None
    place: PlaceMention | None = None
    mode: str | None = None
    weapons: list[str] = field(default_factory=list)
    certainty: str = "asserted"
    attributed_to: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    negated: bool = False
    evidence: list[Span] = field(default_factory=list)
    hurt: list[Token] = field(default_factory=list)  # people the casualty figures count
    fallback_place: PlaceMention | None = None  # the story's place, for a mention whose sentence names none
    occurrences: Count | None = None  # how many events a tally ("115 attacks") sums up
    fallback_time: DateRange | None = None  # the story's date, for a mention whose sentence gives none
    blamed: bool = False  # the initiator is named by an accusation, not by the report itself


@dataclass
class Context:
    """Look-ups from token index to the mentions the earlier stages found."""

    doc: Doc
    report: Report
    published: dt.date | None
    times: dict[int, TimeMention]
    places: dict[int, PlaceMention]
    entities: dict[int, Entity]
    quotes: list[Quote]
    dateline: PlaceMention | None = None
    sents: list[Span] = field(default_factory=list)  # the report's sentences, listed once
    sent_index: dict[int, int] = field(default_factory=dict)  # sentence start token -> its position
    story_place: PlaceMention | None = None  # where the report's news happens (its lead's place)


DATELINE_RE = re.compile(
    r"^(?P<city>[A-Z][A-Z'’.\- ]{2,40}?)(?:,\s*(?P<region>[A-Z][A-Za-z .]{2,30}?))?\s*(?:\([^)\n]{1,60}\))?\s*[-–—:]\s",
    re.MULTILINE,
)


def find_dateline(text: str) -> PlaceMention | None:
    """The wire dateline ('MOSUL, Iraq (Wire) -'): where the report was filed, the fallback place of its news."""
    m = DATELINE_RE.search(text[:600])
    if m is None:
        return None
    try:
        from dateline.geocode import resolve_place
    except ImportError:
        return None
    city = m["city"].strip().title()
    hint = resolve_place(m["region"]) if m["region"] else None
    place = resolve_place(city, {hint.country} if hint and hint.country else None)
    if place is None:
        return None
    return place.model_copy(update={"text": m["city"].strip(), "start": m.start("city"), "end": m.end("city")})


def find_events(
    doc: Doc,
    report: Report,
    times: list[TimeMention],
    places: list[PlaceMention],
    entities: list[Entity],
    quotes: list[Quote],
) -> list[Event]:
    """Every event in the report, one record per real-world event, with its evidence."""
    ctx = Context(
        doc=doc,
        report=report,
        published=dt.date.fromisoformat(report.published) if report.published else None,
        times=_index(doc, times),
        places=_index(doc, places),
        entities=_entity_index(doc, entities),
        quotes=quotes,
        dateline=find_dateline(doc.text),
    )
    ctx.sents = sents = list(doc.sents)
    ctx.sent_index = {s.start: i for i, s in enumerate(sents)}
    mentions: list[Mention] = []
    for sent in sents[1:] if len(sents) > 2 and _is_headline(sents[0]) else sents:
        groups = trigger_groups(sent)
        if not groups:
            _add_rival_toll(sent, mentions)
            _add_weapon_evidence(ctx, sent, mentions)
        for group in groups:
            mention = _read_mention(ctx, sent, group, alone=len(groups) == 1)
            if mention is not None:
                mentions.extend(_split_by_places(ctx, mention))
    _mark_unverified(ctx, mentions)
    _inherit_narrative_dates(ctx, mentions)
    _inherit_places(ctx, mentions)
    _inherit_story_dates(ctx, mentions)
    merged = _merge_mentions(mentions, ctx.published)
    _target_the_culprits(merged)
    _blame_falls_on_the_attack(ctx, merged)
    return [_to_event(ctx, i, group) for i, group in enumerate(merged, 1)]


JOINT_TYPES = {"CONSULT", "AGREE", "COOPERATE"}
# Statements whose object can be an event: 'X condemned the bombing' is aimed at whoever carried it out.
AIMED_TYPES = {"ACCUSE", "DEMAND", "THREATEN"}


def _blame_falls_on_the_attack(ctx: Context, groups: list[list[Mention]]) -> None:
    """'Shells hit a market ... The group blamed the RSF': blaming a party right after an attack whose doer the
    report does not name makes that party the attack's alleged initiator (the blamer is who says so)."""
    for group in groups:
        m = group[0]
        if m.type != "ACCUSE" or m.trigger.lemma_.lower() != "blame":
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in m.trigger.children):
            continue  # "blamed X for the flooding", "blamed the attack on X": said what for, handled elsewhere
        accused = [a for a in m.actors if a.role == "target" and _is_named(a)]
        attack = _attack_before(ctx, groups, m)
        if (
            not accused
            or attack is None
            or any(a.role == "initiator" and _is_named(a) for g in attack for a in g.actors)
        ):
            continue
        blamers = [a.name for a in m.actors if a.role == "initiator"]
        attack[0].actors += [a.model_copy(update={"role": "initiator"}) for a in accused]
        attack[0].attributed_to = list(dict.fromkeys([*attack[0].attributed_to, *blamers]))


def _attack_before(ctx: Context, groups: list[list[Mention]], m: Mention) -> list[Mention] | None:
    """The current attack told in the two sentences before a mention, if any."""
    index = ctx.sent_index
    here = index[m.sent.start]
    best = None
    for group in groups:
        if group[0].type != "ASSAULT" or group[0].occurrences:
            continue
        nearest = max((index[g.sent.start] for g in group if index[g.sent.start] <= here), default=None)
        if nearest is not None and here - nearest <= 2 and (best is None or nearest > best[0]):
            best = (nearest, group)
    return best[1] if best else None


def _target_the_culprits(groups: list[list[Mention]]) -> None:
    """'The governor condemned the attack' / 'the sentence': it targets whoever carried it out."""
    event_of = {m.trigger.i: g for g in groups for m in g if m.type in ("ASSAULT", "COERCE")}
    for group in groups:
        if group[0].type not in AIMED_TYPES:
            continue
        for m in group:
            objects = [c for c in m.trigger.children if c.dep_ in ("dobj", "nsubjpass")]
            for obj in objects:
                event = event_of.get(obj.i)
                if event is None or any(x is m for x in event):
                    continue
                culprits = [a for g in event for a in g.actors if a.role == "initiator"]
                named = [a for a in culprits if _is_named(a)] or culprits
                have = {a.name for a in m.actors}
                m.actors += [a.model_copy(update={"role": "target"}) for a in named if a.name not in have]


# --- indexes -----------------------------------------------------------------------------------------------


def _index(doc: Doc, items: list) -> dict[int, object]:
    out: dict[int, object] = {}
    for item in items:
        span = doc.char_span(item.start, item.end, alignment_mode="expand")
        if span is not None:
            for tok in span:
                out.setdefault(tok.i, item)
    return out


def _entity_index(doc: Doc, entities: list[Entity]) -> dict[int, Entity]:
    out: dict[int, Entity] = {}
    for ent in entities:
        for m in ent.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for tok in span:
                    out.setdefault(tok.i, ent)
    return out


# --- triggers ----------------------------------------------------------------------------------------------


def _is_headline(sent: Span) -> bool:
    """A first line with no closing punctuation: a headline, which restates the lead in telegraphic grammar."""
    text = sent.text.rstrip()
    return "\n" in sent.text and len(sent) < 25 and not text.endswith((".", "!", "?", '"', "”", "'"))


# --- one mention ---------------------------------------------------------------------------------------------


def _read_mention(ctx: Context, sent: Span, group: list[Token], alone: bool = True) -> Mention | None:
    main = _main_trigger(group)
    ptype = trigger_type(main) or "ASSAULT"
    if any(certainty.negated(t) for t in group) and ptype != "ASSAULT":
        return None
    if all(certainty.denied(t) and t.tag_ == "VBG" for t in group) and not any(t.i in ctx.times for t in sent):
        return None  # "Moscow denies targeting civilians": a standing denial, not an event (the denial is REJECT)
    m = Mention(type=ptype, trigger=main, sent=sent, evidence=[sent], occurrences=series_count(main))
    m.anaphoric = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in main.children)
    m.negated = any(certainty.negated(t) for t in group)
    m.anaphoric = m.anaphoric or any(
        c.lower_ in PRONOUNS - RELATIVE_PRONOUNS and c.dep_ in ("nsubj", "nsubjpass", "poss")
        for t in group
        for c in t.children
    )
    for tok in group:
        _read_actors(ctx, tok, m)
    if ptype in MATERIAL_TYPES:
        _read_casualties(group, m)  # a demand or a condemnation counts no dead of its own
    for noun in m.hurt:
        if not noun.like_num and not any(a.role == "victim" and noun.text in a.name for a in m.actors):
            _add_actor(ctx, m, noun, "victim")
    m.time = _time_for(ctx, sent, group)
    m.place = _place_for(ctx, sent, group, alone) if ptype in PLACED_TYPES else _statement_place(ctx, group)
    if _commented_on(main):  # "the Pope, on Monday at the Vatican, condemned the killings": his day and place
        m.time, m.place, m.anaphoric = None, None, True
    m.mode = _mode_for(sent, group, alone) if ptype in ("ASSAULT", "PROTEST") else None
    if ptype == "COERCE":
        m.mode = next((COERCE_MODES.get(t.lemma_.lower()) or COERCE_MODES.get(t.lower_) for t in group), None)
    if ptype == "COERCE" and any(crowd_control(t) for t in group if t.pos_ == "VERB"):
        m.mode = "crowd-control"
        for crowd in (c for t in group for c in dispersed(t)):
            _add_actor(ctx, m, crowd, "target")
    _single_victim_killed(ctx, group, m)
    m.weapons = _weapons_in(sent) if ptype == "ASSAULT" or m.mode == "crowd-control" else []
    _read_certainty(ctx, sent, group, m)
    _own_strike(ctx, m)
    _dedupe_actors(m)
    return m


def _commented_on(trigger: Token) -> bool:
    """An event noun that is what a statement is about ('condemned the killings'), not told for itself."""
    if trigger.pos_ not in ("NOUN", "PROPN") or trigger.dep_ != "dobj":
        return False  # "blamed X for the killing of two officers last month" tells the killing itself
    verb = trigger.head
    return verb.pos_ == "VERB" and (
        verb.lemma_.lower() in COMMENT_VERBS or trigger_type(verb) in ("ACCUSE", "DEMAND", "REJECT", "SUPPORT")
    )


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


def _single_victim_killed(ctx: Context, group: list[Token], m: Mention) -> None:
    """'X was assassinated' / 'the killing of X': one named victim is one death."""
    killing = {"kill", "assassinate", "assassination", "killing", "murder", "execute", "execution", "slay"}
    if m.fatalities is not None or not any(t.lemma_.lower() in killing or t.lower_ in killing for t in group):
        return
    victims = [a for a in m.actors if a.role == "victim" and a.kind == "person"]
    if len(victims) == 1 and not victims[0].name.lower().endswith("s"):
        m.fatalities = Count(low=1, best=1, high=1, text=victims[0].name)


TOLL_NOUNS = {"toll", "number", "figure", "count", "tally"}


def _add_weapon_evidence(ctx: Context, sent: Span, mentions: list[Mention]) -> None:
    """'Fragments found at the site were consistent with a guided missile': a sentence that names weapons but
    tells of no event of its own describes the last attack told, within the next paragraph at most."""
    last = next((m for m in reversed(mentions) if m.type == "ASSAULT" and not m.occurrences), None)
    if last is None or sent.start_char - last.sent.end_char > 1500:
        return
    words = {t.lower_ for t in sent}
    if not _weapon_names(sent) and not words & FORENSIC_WORDS:
        return  # "fired his gun into the air": a weapon, but not evidence of the attack
    weapons = _weapons_in(sent)
    if weapons:
        last.weapons = sorted({*last.weapons, *weapons})
        last.evidence.append(sent)


FORENSIC_WORDS = {"fragments", "fragment", "debris", "remnants", "shrapnel", "casings", "wreckage", "munition"}


def _add_rival_toll(sent: Span, mentions: list[Mention]) -> None:
    """'Another source put the number at 40' / 'the toll rose to 31': a figure for the last attack told."""
    last = next((m for m in reversed(mentions) if m.type == "ASSAULT"), None)
    if last is None:
        return
    for count, injured in _toll_figures(sent)[:1]:
        _add_toll(last, count, injured)
        last.evidence.append(sent)


def _toll_figures(sent: Span) -> list[tuple[Count, bool]]:
    """Figures a sentence gives as a toll ('put the toll at seven', 'the number rose to 31'), and whether they
    count the injured."""
    out = []
    for tok in sent:
        if tok.lower_ not in TOLL_NOUNS or tok.dep_ not in ("dobj", "nsubj"):
            continue
        prep = [c for c in tok.head.children if c.dep_ == "prep" and c.lower_ in ("at", "to")]
        nums = [p for c in prep for p in c.children if p.like_num]
        if nums and (count := casualties.count_of(nums[0])):
            out.append((count, any(w.lower_ in ("injured", "wounded") for w in tok.children)))
    return out


def _add_toll(m: Mention, count: Count, injured: bool) -> None:
    if injured:
        m.injuries = _merge_counts([m.injuries, count])
    else:
        m.fatalities = _merge_counts([m.fatalities, count])


def _main_trigger(group: list[Token]) -> Token:
    """Prefer the most specific noun ('airstrike' over 'killed'); else the first trigger."""
    nouns = [t for t in group if t.pos_ in ("NOUN", "PROPN")]
    return nouns[0] if nouns else group[0]


def _read_actors(ctx: Context, tok: Token, m: Mention) -> None:
    lemma = tok.lemma_.lower()
    victim_verbs = {
        "kill",
        "wound",
        "injure",
        "assassinate",
        "shoot",
        "abduct",
        "kidnap",
        "murder",
        "execute",
        "behead",
        "stab",
        "slay",
        "arrest",
        "detain",
        "lynch",
        "massacre",
    }
    if tok.pos_ in ("VERB", "AUX"):
        if tok.dep_ == "acl" and tok.tag_ == "VBN" and _actor_like(ctx, tok.head):
            # "137 schoolchildren kidnapped from a school": the noun the participle describes underwent it
            _add_actor(ctx, m, tok.head, "victim" if lemma in victim_verbs else "target")
        subj = [c for c in tok.children if c.dep_ in ("nsubj",)] or _inherited_subject(tok)
        marks = [c.i for c in tok.children if c.dep_ == "mark" and c.lower_ in SEQUENCE_MARKS]
        subj = [c for c in subj if not any(c.i < mark < tok.i for mark in marks)]  # outside "a day after ..."
        subj = [tok.head if s.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl" else s for s in subj]
        for s in subj:
            _add_actor(ctx, m, s, "victim" if lemma == "die" else "initiator")
        for c in tok.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        _add_actor(ctx, m, p, "initiator")
            elif c.dep_ == "dobj" and c.lower_ in PROJECTILES:  # "fired rockets at X"
                for p in (g for prep in c.children if prep.lower_ in TARGET_PREPS for g in prep.children):
                    _add_actor(ctx, m, p, "target")
            elif c.dep_ in ("dobj", "nsubjpass") and m.type == "MOBILIZE":
                continue  # "deployed 5,000 soldiers": the force sent, not a party acted upon
            elif c.dep_ in ("dobj", "nsubjpass"):
                role = "victim" if lemma in victim_verbs and _person_like(ctx, c) else "target"
                if m.type not in ("ASSAULT", "COERCE") and c.dep_ == "dobj":
                    if not _actor_like(ctx, c):  # "vowed revenge against X": X is the one threatened
                        against = [p for g in c.children if g.lower_ == "against" for p in g.children]
                        for p in (p for p in against if p.dep_ == "pobj" and _actor_like(ctx, p)):
                            _add_actor(ctx, m, p, "target")
                        continue
                    role = "target"
                _add_actor(ctx, m, c, role)
            elif c.dep_ == "prep" and c.lower_ in TARGET_PREPS | {"for"} and m.type != "CONSULT":
                for p in c.children:
                    if p.dep_ != "pobj" or _is_place_token(ctx, p) or _is_time_token(ctx, p):
                        continue
                    if m.type == "ASSAULT" or _actor_like(ctx, p):
                        _add_actor(ctx, m, p, "target")
        if lemma in LIGHT_VERBS:
            return
        return
    # noun trigger
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod", "poss") and _names_actor(ctx, c):
            place = ctx.places.get(c.i)
            if c.dep_ == "compound" and place is not None and place.precision in ("city", "district", "street"):
                continue  # "the Luanda talks", "a Kabul bombing": a city names where, not who
            # "America's expulsion", "the militant's arrest": the possessor undergoes it.
            patient = c.dep_ == "poss" and m.type in ("COERCE", "CONCEDE", "RETREAT") and tok.lower_ != "withdrawal"
            _add_actor(ctx, m, c, "target" if patient else "initiator")
        elif c.dep_ == "prep":
            word = c.lower_
            for p in c.children:
                if p.dep_ != "pobj" or _is_time_token(ctx, p):
                    continue
                if word == "by":
                    _add_actor(ctx, m, p, "initiator")
                elif word == "between":  # "fighting between the army and rebels": both sides
                    sides = [p, *p.conjuncts]
                    _add_actor(ctx, m, sides[0], "initiator")
                    for other in sides[1:]:  # talks and deals have no target: every party is a source (PLOVER)
                        _add_actor(ctx, m, other, "initiator" if m.type in JOINT_TYPES else "target")
                elif word == "on" and tok.head.lemma_.lower() in BLAME_VERBS:
                    _add_actor(ctx, m, p, "initiator")  # "blamed the attack on X" (parsed onto the noun)
                    m.blamed = True
                elif word in TARGET_PREPS and not _is_place_token(ctx, p):
                    _add_actor(ctx, m, p, "target")
                elif word == "of" and m.type in ("ASSAULT", "COERCE", "CONCEDE"):
                    _add_actor(ctx, m, p, "victim" if _person_like(ctx, p) else "target")
                elif word == "with" and m.type in JOINT_TYPES:
                    _add_actor(ctx, m, p, "initiator")  # "a peace deal with the rebels": a party to it
    head = tok.head
    _read_blamed(ctx, tok, m)
    if tok.dep_ in ("dobj", "pobj", "attr") and head.pos_ == "VERB" and head.lemma_.lower() in LIGHT_VERBS:
        for s in [c for c in head.children if c.dep_ == "nsubj"] or _inherited_subject(head):
            _add_actor(ctx, m, s, "initiator")
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in LIGHT_VERBS:
        for s in [c for c in head.head.children if c.dep_ == "nsubj"]:
            _add_actor(ctx, m, s, "initiator")


def _read_blamed(ctx: Context, tok: Token, m: Mention) -> None:
    """'blamed the attack on X', 'accused X of the bombing', 'X was blamed for the attack': X (allegedly) did it.

    The initiator so named is someone else's claim, so the mention's certainty is lowered to claimed.
    """
    head = tok.head
    if tok.dep_ == "dobj" and head.lemma_.lower() in LIGHT_VERBS and head.dep_ == "pcomp":
        tok, head = head, head.head  # "accused X of launching the attack": the charge is the attack
    if tok.dep_ in ("pobj", "pcomp") and head.dep_ == "prep" and head.lower_ in ("for", "of"):
        head = head.head  # "accused X of the attack", "blamed X for the attack"
    if head.pos_ != "VERB" or head.lemma_.lower() not in BLAME_VERBS:
        return
    culprits = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass") and c.i not in (tok.i, m.trigger.i)]
    culprits += [
        p for c in head.children if c.dep_ == "prep" and c.lower_ == "on" for p in c.children if p.dep_ == "pobj"
    ]
    for c in culprits:
        before = len(m.actors)
        _add_actor(ctx, m, c, "initiator")
        if len(m.actors) > before:
            m.blamed = True


def _inherited_subject(verb: Token) -> list[Token]:
    """The subject a verb shares with the verb it is joined to ('X launched strikes and killed ...')."""
    node = verb
    for _ in range(3):
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head.i != node.i:
            node = node.head
            subj = [c for c in node.children if c.dep_ == "nsubj"]
            if subj:
                return subj
        elif node.dep_ == "relcl":
            # "the gunmen who fired": the relative clause's head; "in Kalat, where ... were killed": no one
            adverbial = any(c.lower_ in ("where", "when") for c in node.children)
            return [] if adverbial else [node.head]
        else:
            break
    return []


def _names_actor(ctx: Context, tok: Token) -> bool:
    if tok.i in ctx.entities:
        return True
    if tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON"):
        return True
    return tok.lower_ in GROUP_WORDS | MILITARY_WORDS and tok.dep_ in ("compound", "nmod")


def _person_like(ctx: Context, tok: Token) -> bool:
    ent = ctx.entities.get(tok.i)
    if ent is not None:
        return ent.kind in ("person", "civilians")
    if any(c.dep_ == "appos" and (c.ent_type_ == "PERSON" or c.i in ctx.entities) for c in tok.children):
        return True
    return (
        tok.ent_type_ == "PERSON"
        or any(c.dep_ == "nummod" for c in tok.children)
        or tok.lower_ in ("others", "people", "persons")
        or tok.lower_ in casualties.PERSON_NOUNS
        or tok.lower_.rstrip("s") in (casualties.PERSON_NOUNS)
        or tok.lower_ in CIVILIAN_WORDS
        or tok.like_num
    )


def _actor_like(ctx: Context, tok: Token) -> bool:
    """A noun that can name a participant: an entity, a name, or a word for people, groups or states."""
    if tok.i in ctx.entities or tok.pos_ == "PROPN" or tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON"):
        return True
    words = GROUP_WORDS | MILITARY_WORDS | GOVERNMENT_WORDS | CIVILIAN_WORDS | casualties.PERSON_NOUNS
    return tok.lower_ in words or tok.lower_.rstrip("s") in words


def _is_place_token(ctx: Context, tok: Token) -> bool:
    return tok.i in ctx.places and tok.i not in ctx.entities


def _is_time_token(ctx: Context, tok: Token) -> bool:
    return tok.i in ctx.times


def _add_actor(ctx: Context, m: Mention, tok: Token, role: str) -> None:
    """The participant a noun names, and those joined to it ('Israel and Hezbollah', 'the governments of X and Y')."""
    actor = actor_for(ctx, tok, role)
    if actor is None:
        return
    m.actors.append(actor)
    joined = list(tok.conjuncts) if tok.pos_ in ("NOUN", "PROPN") else []
    if {tok.lower_, tok.lemma_.lower()} & (GOVERNMENT_WORDS | PART_NOUNS | MEMBER_NOUNS):
        of = [p for c in tok.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        joined += [c for p in of for c in p.conjuncts]
    for other in joined:
        if other.pos_ in ("NOUN", "PROPN") and (extra := actor_for(ctx, other, role)) is not None:
            m.actors.append(extra)


def actor_for(ctx: Context, tok: Token, role: str) -> Actor | None:
    """The participant a noun phrase names, resolved to the report's entities where it can be."""
    if tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
        return actor_for(ctx, tok.head.head, role)  # "the Front, which the government blames": the Front
    if tok.lower_ in PRONOUNS:
        if tok.lower_ in ("we", "i", "us"):
            speaker = _quote_speaker_at(ctx, tok.idx)
            return Actor(name=speaker, role=role, kind="unknown") if speaker else None
        meant = antecedent(ctx.entities, tok)
        return actor_for(ctx, meant, role) if meant is not None else None
    if tok.like_num and tok.dep_ in ("dobj", "nsubjpass"):
        return None
    if tok.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM"):
        return None
    if role == "initiator" and tok.lower_ in VEHICLE_WORDS:
        return None  # "the bus hit a mine": a vehicle is never who attacked
    if any(c.lower_ in ("no", "neither", "any") and c.dep_ == "det" for c in tok.children):
        return None  # "no group has claimed the attack" names nobody
    if tok.like_num:
        return None  # "12 injured": a figure, not a participant
    if tok.lower_ in PROJECTILES | WEAPON_SUBJECTS or _is_event_noun(tok):
        # "Russian artillery pounded ...", "the U.S. retaliation killed ...": the participant is its owner
        owner = next((c for c in tok.children if c.dep_ in ("amod", "compound", "poss") and _names_actor(ctx, c)), None)
        return actor_for(ctx, owner, role) if owner is not None else None
    owner = [c for c in tok.children if c.dep_ == "poss" and c.lower_ in ("its", "their")]
    if owner and tok.lower_ in GROUP_WORDS | MILITARY_WORDS | MEMBER_NOUNS:
        body = antecedent(ctx.entities, owner[0])  # "the movement said its fighters ..." -> the movement
        found = actor_for(ctx, body, role) if body is not None and body.i != tok.i else None
        if found is not None:
            return found.model_copy(update={"kind": kind_of_word(tok.lower_, found.kind)})
    if tok.lower_ in ("others", "some", "many", "most") and not any(c.dep_ == "prep" for c in tok.children):
        crowd = crowd_antecedent(tok)  # "Some residents wept. Others vowed revenge." -> residents
        return actor_for(ctx, crowd, role) if crowd is not None else None
    if tok.lower_ in ("government", "governments", "authorities") and (state := _state_of(ctx, tok)) is not None:
        return actor_for(ctx, state, role)  # "the governments of Congo and Rwanda" -> the states
    if tok.lower_ in QUANTITY_NOUNS | PART_NOUNS | MEMBER_NOUNS:  # "a number of militants" -> the militants
        of = [p for c in tok.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        named = of and (of[0].i in ctx.entities or of[0].pos_ == "PROPN")
        if of and (tok.lower_ not in MEMBER_NOUNS or named):  # "fighters of the X Army" -> the X Army
            return actor_for(ctx, of[0], role)
    if tok.lower_ in ABSTRACT_NOUNS:
        return None
    if tok.i not in ctx.entities and (ante := described_antecedent(ctx.entities, tok)) is not None:
        return actor_for(ctx, ante, role)  # "the group", "the paramilitary": the named group meant
    if tok.ent_type_ == "NORP" and tok.tag_ in ("NNPS", "NNS") and (cc := demonym_country(tok.text)):
        # "five Palestinians": people of that nation, not its state
        return Actor(name=_phrase_text(tok), role=role, kind="unknown", country=cc)
    if tok.ent_type_ == "NORP" and tok.dep_ in ("amod", "compound", "nmod") and (cc := demonym_country(tok.text)):
        state = _country_place(cc, tok)  # "American bombing" -> the United States
        if state is not None:
            return Actor(name=state.name or tok.text, role=role, kind="state", country=cc)
    ent = _entity_in_phrase(ctx, tok)
    if ent is not None:
        head_is_entity = ctx.entities.get(tok.i) is ent
        named_by_appos = any(c.dep_ == "appos" and ctx.entities.get(c.i) is ent for c in tok.children)
        # "M23 fighters", "Hamas militants": the armed group itself acts through its members
        members_of_group = tok.lower_ in MEMBER_NOUNS | GROUP_WORDS and ent.kind in ("group", "organization")
        # "a U.S. service member" is a person of that country, not the country itself
        whole = head_is_entity or named_by_appos or members_of_group or tok.pos_ == "PROPN"
        name = ent.name if whole else _phrase_text(tok)
        head_is_entity = head_is_entity or named_by_appos or members_of_group
        kind = ent.kind if head_is_entity else kind_of_word(tok.lower_, ent.kind)
        return Actor(
            name=name,
            role=role,
            kind=kind,
            country=ent.country
            or INSTITUTION_COUNTRY.get(ent.name.lower().removeprefix("the "))
            or _country_in_phrase(ctx, tok)
            or demonym_country(ent.name),
            affiliation=ent.affiliation,
            entity=ent.id if head_is_entity else None,
        )
    if tok.lower_ in INSTITUTION_COUNTRY and tok.i not in ctx.entities:
        return Actor(name=tok.text, role=role, kind="government", country=INSTITUTION_COUNTRY[tok.lower_])
    place = ctx.places.get(tok.i)
    if place is not None and place.precision == "country":
        return Actor(name=place.name or tok.text, role=role, kind="state", country=place.country)
    text = _phrase_text(tok)
    if not text or len(text) > 80:
        return None
    return Actor(name=text, role=role, kind=kind_of_word(tok.lower_, "unknown"), country=_country_in_phrase(ctx, tok))


def _state_of(ctx: Context, tok: Token) -> Token | None:
    """'the government of Rwanda': the country named in its 'of' phrase."""
    for prep in (c for c in tok.children if c.lower_ == "of"):
        for p in prep.children:
            place = ctx.places.get(p.i)
            if p.dep_ == "pobj" and place is not None and place.precision == "country":
                return p
    return None


def _is_event_noun(tok: Token) -> bool:
    """A noun that names a happening ('the retaliation', 'the bombing'), never a participant."""
    return tok.pos_ == "NOUN" and tok.lower_ in noun_triggers() and tok.lower_ not in GROUP_WORDS


def _entity_in_phrase(ctx: Context, tok: Token) -> Entity | None:
    if tok.i in ctx.entities:
        return ctx.entities[tok.i]
    for c in tok.children:
        if c.dep_ == "appos" and c.i in ctx.entities:
            return ctx.entities[c.i]
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "poss", "nmod", "flat") and c.i in ctx.entities:
            return ctx.entities[c.i]
    return None


def _country_in_phrase(ctx: Context, tok: Token) -> str | None:
    for c in tok.subtree:
        place = ctx.places.get(c.i)
        if place is not None and place.country and c.dep_ in ("compound", "amod", "poss", "nmod"):
            return place.country
        if c.ent_type_ == "NORP" and c.dep_ in ("compound", "amod", "nmod") and (cc := demonym_country(c.text)):
            return cc
    return None


def _phrase_text(tok: Token) -> str:
    """The noun phrase without determiners, relative clauses or trailing prepositions."""
    keep = [t for t in tok.subtree if t.i <= tok.i or t.dep_ in ("compound", "flat")]
    keep = [t for t in keep if t.dep_ not in ("det", "predet", "punct", "relcl", "acl", "prep", "pobj") or t.i == tok.i]
    if not keep:
        return tok.text
    start = keep[0].i
    while start < tok.i and (tok.doc[start].dep_ in ("det", "punct", "cc") or tok.doc[start].lower_ in STATE_WORDS):
        start += 1  # "shot dead 23 people": the figure's people, not "dead 23 people"
    return tok.doc[start : tok.i + 1].text.strip(" ,'\"“”")


STATE_WORDS = {"dead", "injured", "wounded", "alive"}
VEHICLE_WORDS = {"bus", "minibus", "car", "truck", "lorry", "van", "vehicle", "vehicles", "train", "boat", "ship"}


def _quote_speaker_at(ctx: Context, offset: int) -> str | None:
    for q in ctx.quotes:
        if q.start <= offset < q.end:
            return q.speaker
    return None


# --- casualties --------------------------------------------------------------------------------------------


def _read_casualties(group: list[Token], m: Mention) -> None:
    """Figures from kill / injure words governed by, governing or joined to this mention's triggers."""
    trigger_ids = {t.i for t in group}
    for tok in group[0].sent:
        is_kill, is_hurt = casualties.is_kill_word(tok), casualties.is_injure_word(tok)
        if not (is_kill or is_hurt) or not _belongs(tok, trigger_ids):
            continue
        if tok.i not in trigger_ids and trigger_type(tok):
            continue  # another event's own verb ("... since militants killed 1,200")
        for noun in casualties.casualty_nouns(tok):
            count = casualties.count_of(noun)
            if count is None:
                continue
            for other in noun.conjuncts if noun.lower_ != "others" else ():  # "two soldiers and a guard": three
                if _says(other):
                    continue  # "injuring 11 others, police and a militia leader said": the sources, not casualties
                extra = casualties.count_of(other) if other.pos_ == "NOUN" and not other.like_num else None
                if extra is not None:
                    count = _add_counts(count, extra)
                    m.hurt.append(other)
            if is_kill and m.fatalities is None:
                m.fatalities = count
            elif is_hurt and m.injuries is None:
                m.injuries = count
            m.hurt.append(noun)
    if m.type == "ASSAULT" and (m.fatalities or m.injuries):
        for count, injured in _toll_figures(group[0].sent):  # "..., while police put the toll at seven"
            _add_toll(m, count, injured)
    if m.injuries is None:
        for tok in group[0].sent:
            if tok.lower_ == "condition" and any(c.lower_ in ("critical", "serious") for c in tok.children):
                verb = tok.head.head if tok.head.dep_ == "prep" else tok.head
                for noun in [t for t in verb.children if t.dep_ in ("dobj", "nsubj", "nsubjpass")]:
                    if _belongs(tok, trigger_ids) and (count := casualties.count_of(noun)):
                        m.injuries = count
                        m.hurt.append(noun)


def _says(tok: Token) -> bool:
    """A noun right before a reporting verb is who reports ('police and a militia leader said')."""
    end = max(t.i for t in tok.subtree) + 1
    return end < len(tok.doc) and tok.doc[end].lemma_.lower() in REPORTING_VERBS


def _add_counts(a: Count, b: Count) -> Count:
    """Two groups of casualties told together: their figures add up (an open bound stays open)."""

    def add(x: int | None, y: int | None) -> int | None:
        return None if x is None or y is None else x + y

    return Count(low=add(a.low, b.low), best=add(a.best, b.best), high=add(a.high, b.high), text=f"{a.text}; {b.text}")


def _belongs(tok: Token, trigger_ids: set[int]) -> bool:
    """A casualty word belongs to a mention when it is a trigger or sits near one in the parse tree."""
    if tok.i in trigger_ids:
        return True
    near = {tok.head.i} | {c.i for c in tok.children} | {g.i for c in tok.children for g in c.children}
    near |= {c.i for c in tok.head.children}
    node = tok
    for _ in range(5):  # up the tree: "...the campaign in Gaza, which has 22,000 people dead"
        if node.head.i == node.i:
            break
        node = node.head
        near.add(node.i)
    return bool(near & trigger_ids)


# --- time and place ---------------------------------------------------------------------------------------


def _clause_of(tok: Token) -> Token:
    node = tok
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node


def _time_for(ctx: Context, sent: Span, group: list[Token]) -> TimeMention | None:
    """A date attached to the trigger's clause; else the only date in a sentence whose other clauses have none."""
    offset = _offset_date(ctx, group[0])
    if offset is not None:
        return offset
    clauses = {_clause_of(t).i for t in group} | {t.i for t in group}
    for t in group:  # "a raid on the camp that began on Wednesday": the noun's own relative clause dates it
        if t.pos_ in ("NOUN", "PROPN"):
            clauses |= {c.i for c in t.subtree if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"}
        else:  # "stormed a village during an operation that began on Tuesday"
            objs = [o for p in t.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
            clauses |= {c.i for o in objs for c in o.children if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"}
    for t in group:  # "blocked a road on Monday ... and shot 23 people": joined verbs share their modifiers
        node = _clause_of(t)
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
            clauses.add(node.i)
    sent_times: list[tuple[Token, TimeMention]] = []
    seen: set[int] = set()
    for tok in sent:
        tm = ctx.times.get(tok.i)
        if tm is None or id(tm) in seen:
            continue
        seen.add(id(tm))
        if tm.type == "DURATION":
            since = _since_clause_date(ctx, tok, tm, group)
            if since is not None:
                return since
            continue
        if tm.start_date:
            sent_times.append((tok, tm))
    material = trigger_type(group[0]) in MATERIAL_TYPES
    for tok, tm in sent_times:
        if _anniversary(tm) and tok.i > group[0].i:
            continue  # "the strike came N years to the day after X": the offset dates X, not the strike
        span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand") or [tok]
        if any(_time_clause(t).i in clauses or t.head.i in clauses for t in span):
            return _said_by(tm) if material and _right_after_saying(ctx, tm, group) else tm
    for tok, tm in sent_times:
        if _anniversary(tm) and tok.i < group[0].i:
            return tm
    plain = [tm for tok, tm in sent_times if _clause_of(tok).dep_ == "ROOT" and not _anniversary(tm)]
    if len(plain) != 1:
        return None
    tok = next(t for t, tm in sent_times if tm is plain[0])
    return _said_by(plain[0]) if material and _reports(_clause_of(tok), group) else plain[0]


OFFSET_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}


def _offset_date(ctx: Context, trigger: Token) -> TimeMention | None:
    """'since October 8, a day after the Hamas attack': the attack was one day before October 8."""
    prep = trigger.head
    if trigger.dep_ != "pobj" or prep.lower_ not in ("after", "before"):
        return None
    units = [c for c in prep.children if c.dep_ == "npadvmod" and c.lower_ in OFFSET_UNITS]
    units += [prep.head] if prep.head.lower_ in OFFSET_UNITS else []  # "a day after", parsed either way round
    if not units:
        return None
    unit = units[0]
    count = casualties.number_value(next((c for c in unit.children if c.dep_ == "nummod"), unit)) or 1
    anchor = None
    for i in range(unit.i - 1, max(unit.sent.start, unit.i - 8) - 1, -1):
        tm = ctx.times.get(i)
        since = tm is not None and tm.text.lower().startswith("since")  # "since October 8": its first day
        if tm is not None and tm.start_date and (tm.precision == "day" or since):
            anchor = tm
            break
    if anchor is None:
        return None
    days = count * OFFSET_UNITS[unit.lower_] * (-1 if prep.lower_ == "after" else 1)
    day = (dt.date.fromisoformat(anchor.start_date) + dt.timedelta(days=days)).isoformat()
    span = ctx.doc[unit.i : trigger.i + 1]
    return TimeMention(
        text=span.text, start=span.start_char, end=span.end_char, value=day, start_date=day, end_date=day,
        precision="day", anchor="text",
    )  # fmt: skip


def _time_clause(tok: Token) -> Token:
    """The clause a time word modifies. 'fled earlier this month after a warrant was issued': the parser often
    hangs the date on the clause that follows it; a date before that clause's 'after'/'when' belongs before."""
    clause = _clause_of(tok)
    marks = [c for c in clause.children if c.dep_ == "mark" and c.i > tok.i]
    if clause.dep_ == "advcl" and marks and clause.head.i < tok.i:
        return _clause_of(clause.head)
    if marks and clause.dep_ == "ROOT" and any(m.lower_ in SEQUENCE_MARKS for m in marks):
        return tok  # misparsed "X on Sunday, a day after Y happened": the date is X's, not Y's
    return clause


SEQUENCE_MARKS = {"after", "before", "since", "until"}


def _right_after_saying(ctx: Context, tm: TimeMention, group: list[Token]) -> bool:
    """'X said on Wednesday it had carried out a strike': the date follows the reporting verb, so it dates the
    saying, however the parser attached it."""
    span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    before = ctx.doc[span.start - 1]
    if before.lower_ in ("on", "late", "early") and span.start > 1:
        before = ctx.doc[span.start - 2]
    saying = before.pos_ in ("VERB", "AUX") and before.lemma_.lower() in REPORTING_VERBS
    announced = any(
        c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll", "shall") for t in group for c in t.children
    )
    return saying and not announced and all(t.i != before.i for t in group)  # "said on X it would deploy": X


def _said_by(tm: TimeMention) -> TimeMention:
    """What a speaker said on day D happened on D or in the days just before it."""
    if not tm.end_date or tm.precision != "day":
        return tm
    end = dt.date.fromisoformat(tm.end_date)
    start = end - dt.timedelta(days=2)
    return tm.model_copy(update={"start_date": start.isoformat(), "precision": "range", "value": None})


def _reports(verb: Token, group: list[Token]) -> bool:
    """'..., the spokesman said on Monday': that date is when it was said, not when the reported event happened."""
    return verb.lemma_.lower() in REPORTING_VERBS and all(t.i != verb.i for t in group)


def _anniversary(tm: TimeMention) -> bool:
    return "to the day" in tm.text.lower()


def _since_clause_date(ctx: Context, tok: Token, tm: TimeMention, group: list[Token]) -> TimeMention | None:
    """'in the three months since militants attacked ...': the attack was three months before publication."""
    end_tok = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    if end_tok is None or ctx.published is None or end_tok.end >= len(ctx.doc):
        return None
    nxt = ctx.doc[end_tok.end]
    if nxt.lower_ not in ("since", "ago"):
        return None  # "a day after the attack" counts from another date, not from publication
    amount = _duration_days(tm.value)
    if amount is None:
        return None
    day = ctx.published - dt.timedelta(days=amount)
    if group[0].i < nxt.i:
        return _ongoing_since(ctx, tm, nxt, day, group) if nxt.lower_ == "since" else None
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    precise = amount < 14
    return TimeMention(
        text=ctx.doc.text[tm.start : nxt.idx + len(nxt.text)],
        start=tm.start,
        end=nxt.idx + len(nxt.text),
        value=day.isoformat() if precise else day.strftime("%Y-%m"),
        start_date=(day if precise else first).isoformat(),
        end_date=(day if precise else last).isoformat(),
        precision="day" if precise else "month",
    )


def _ongoing_since(ctx: Context, tm: TimeMention, since: Token, day: dt.date, group: list[Token]) -> TimeMention | None:
    """'a campaign that has killed N in the three months since ...': the campaign runs from then to now."""
    span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    clause = _clause_of(span.root) if span is not None else None
    owners = {t.i for t in group} | {_clause_of(t).i for t in group}
    phrase = {t.i for g in group for t in g.subtree}  # "the campaign in Gaza, which has ..." (often parsed onto Gaza)
    if clause is None or not (clause.i in owners or clause.dep_ in ("relcl", "acl") and clause.head.i in phrase):
        return None
    first = day.replace(day=1)
    return TimeMention(
        text=ctx.doc.text[tm.start : since.idx + len(since.text)],
        start=tm.start,
        end=since.idx + len(since.text),
        value=f"{first:%Y-%m}/{ctx.published.isoformat()}",
        start_date=first.isoformat(),
        end_date=ctx.published.isoformat(),
        precision="range",
    )


def _duration_days(value: str | None) -> int | None:
    m = re.fullmatch(r"P(\d+(?:\.\d+)?)([DWMY])", value or "")
    if not m:
        return None
    return round(float(m[1]) * {"D": 1, "W": 7, "M": 30.44, "Y": 365.25}[m[2]])


def _place_for(ctx: Context, sent: Span, group: list[Token], alone: bool = True) -> PlaceMention | None:
    """The most precise place in the trigger's clause that is a location, not an actor's modifier."""
    clauses = {_clause_of(t).i for t in group} | {t.i for t in group}
    candidates: list[tuple[int, int, PlaceMention]] = []
    seen: set[int] = set()
    for tok in sent:
        pm = ctx.places.get(tok.i)
        if pm is None or id(pm) in seen or pm.lat is None:
            continue
        if not _locative(tok, pm):
            continue
        seen.add(id(pm))
        own = _clause_of(tok)
        # "as he left Baghdad's airport": an adverbial clause places the event it modifies
        in_clause = own.i in clauses or (own.dep_ in ("advcl", "xcomp") and own.head.i in clauses)
        if not in_clause and not alone:
            continue  # another event in this sentence may own that place
        rank = PRECISION_RANK.get(pm.precision or "country", 5)
        candidates.append((0 if in_clause else 1, rank, pm))
    if not candidates:
        return _demonym_place(ctx, group)
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2]


def _statement_place(ctx: Context, group: list[Token]) -> PlaceMention | None:
    """Where a statement was made: only a place said of the act itself ('told reporters in Kyiv'),
    never one its content is about ('accused the rebels of shelling Goma')."""
    for trig in group:
        if trig.lemma_.lower() in ("visit", "tour") and (pm := _visited(ctx, trig)) is not None:
            return pm
        if trig.dep_ in ("advcl", "xcomp", "conj") and trigger_type(trig.head) in PLACED_TYPES:
            act = _place_for(ctx, trig.sent, [trig.head])  # "marched through X, demanding ...": said there
            if _fine(act):
                return act
        verbs = [trig] + [a for a in trig.ancestors if a.lemma_.lower() in REPORTING_VERBS][:1]
        for verb in verbs:
            for prep in verb.children:
                if prep.dep_ != "prep" or prep.lower_ not in ("in", "at", "during"):
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
            if prep.dep_ != "prep" or prep.lower_ not in LOCATIVE_PREPS - {"of", "from"}:
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


SECURITY_WORDS = {"security", "paramilitary", "paramilitaries"}


def normalized_actor(actor: Actor, country: str | None) -> str | None:
    """ACLED-style name for a state force or a crowd the report only describes.

    'soldiers' in a Nigerian story -> 'Military Forces of Nigeria'; 'riot police' -> 'Police Forces of Kenya';
    'villagers' -> 'Civilians (Sudan)'. Named participants keep their own names (None here).
    """
    crowd = set(actor.name.lower().split()) & CROWD_WORDS
    force_entity = actor.kind == "military" and set(actor.name.lower().split()) & (POLICE_WORDS | {"army", "military"})
    if (actor.entity is not None and not force_entity) or (
        actor.kind not in ("military", "civilians", "government") and not crowd
    ):
        return None  # a named participant keeps its own name ("Kenyan police" is still the country's police)
    from dateline.gazetteer import country as country_entry

    cc = actor.country or country
    place = country_entry(cc) if cc else None
    if place is None:
        return None
    words = set(actor.name.lower().split())
    if crowd:
        return f"{'Rioters' if 'rioters' in crowd else 'Protesters'} ({place.name})"
    if actor.kind == "civilians":
        return f"Civilians ({place.name})"
    if actor.kind == "government":
        return f"Government of {place.name}" if words & {"government", "authorities", "officials"} else None
    if words & POLICE_WORDS:
        return f"Police Forces of {place.name}"
    if words & SECURITY_WORDS:
        return f"Security Forces of {place.name}"
    return f"Military Forces of {place.name}"


def _locative(tok: Token, pm: PlaceMention) -> bool:
    """'in Baghdad', 'on Palestine Street', "Baghdad's airport", 'northern Iraq' — not 'U.S. forces'."""
    if pm.precision in ("street", "district"):
        return True
    node = tok
    while node.dep_ in ("compound", "flat", "amod", "nmod") and node.head.i != node.i and node.head.i - node.i < 4:
        if node.head.ent_type_ in ("GPE", "LOC", "FAC") or node.head.i in ():
            node = node.head
        else:
            break
    if node.dep_ == "pobj" and node.head.lower_ in LOCATIVE_PREPS:
        return True
    if node.dep_ == "poss" and node.head.lower_ in ("airport", "capital", "outskirts", "center", "centre", "streets"):
        return True
    if node.dep_ in ("appos", "conj") and node.head.dep_ == "pobj":
        return node.head.head.lower_ in LOCATIVE_PREPS
    return node.dep_ == "dobj" and node.head.lemma_ in ("visit", "enter", "invade", "storm", "strike", "bomb", "hit")


# --- mode, weapons, certainty -----------------------------------------------------------------------------


def _mode_for(sent: Span, group: list[Token], alone: bool = True) -> str | None:
    near = " ".join(f"{t.lower_} {t.lemma_.lower()}" for t in group)
    phrase = " ".join(t.lower_ for g in group for t in g.subtree if abs(t.i - g.i) < 6)
    text = sent.text.lower()
    for scope in (near, phrase, text) if alone else (near, phrase):
        for mode, words in MODE_WORDS:
            if any(_has_word(scope, w) for w in words):
                return mode
    if (
        any(t.lower_ in ("riot", "riots", "rioters", "looted", "looting") for t in group)
        or "clashed with police" in text
    ):
        return "riot"
    return None


def _has_word(text: str, word: str) -> bool:
    i = text.find(word)
    while i != -1:
        before = text[i - 1] if i else " "
        after_i = i + len(word)
        after = text[after_i] if after_i < len(text) else " "
        if not before.isalpha() and (not after.isalpha() or after == "s"):
            return True
        i = text.find(word, i + 1)
    return False


def _weapons_in(sent: Span) -> list[str]:
    text = sent.text.lower()
    found = [w for w in WEAPON_WORDS if _has_word(text, w)]
    found = [w for w in found if not any(w != o and w in o for o in found)]
    for name in _weapon_names(sent):
        found = [w for w in found if w != name.split()[-1].lower()]  # "missile" is the named missile itself
        found.append(name)
    return sorted(set(found))


def _maker(tok: Token) -> bool:
    return tok.lower_.endswith(("-made", "-built", "-supplied", "-designed", "-produced")) or (
        tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in ("-made", "made", "-built")
    )


def _in_name(tok: Token) -> bool:
    """Part of a capitalised name: a capitalised word, a hyphen, or 'to'/'of' between hyphens ('Air-to-Ground')."""
    if tok.text[:1].isupper() or tok.text == "-":
        return True
    return tok.lower_ in ("to", "of") and tok.i > 0 and tok.doc[tok.i - 1].text == "-"


def _weapon_names(sent: Span) -> list[str]:
    """Capitalised weapon names ending in a weapon word: 'the Joint Air-to-Ground Missile', 'a Shahed Drone'."""
    names = []
    for tok in sent:
        if tok.lower_ not in WEAPON_NAME_HEADS or not tok.text[:1].isupper() or tok.i == sent.start:
            continue
        start = tok.i
        while start > sent.start and _in_name(sent.doc[start - 1]):
            start -= 1
        while start < tok.i and (not sent.doc[start].text[:1].isupper() or _maker(sent.doc[start])):
            start += 1  # "U.S.-made" says who made it, not what it is called
        if start < tok.i and not sent.doc[start].is_sent_start:
            names.append(sent.doc[start : tok.i + 1].text)
    return names


def _read_certainty(ctx: Context, sent: Span, group: list[Token], m: Mention) -> None:
    main = group[0]
    hedges = [h for t in group for h in certainty.hedges_near(sent, t)]
    m.hedges = sorted(set(hedges))
    speakers = _attribution(ctx, main)
    if m.blamed:  # "the army blamed the attack on X": the army says X did it
        blamers = [s for t in group for s in _blamer(t)]
        speakers += [a.name for s in blamers if (a := actor_for(ctx, s, "initiator"))]
    m.attributed_to = list(dict.fromkeys(speakers))
    if any(certainty.denied(t) for t in group):
        m.certainty = "denied"
    elif m.hedges:
        m.certainty = "hedged"
    elif speakers:
        m.certainty = "claimed"


def _blamer(tok: Token) -> list[Token]:
    head = tok.head.head if tok.dep_ == "pobj" else tok.head
    if head.lemma_.lower() not in BLAME_VERBS:
        return []
    return [c for c in head.children if c.dep_ == "nsubj"] + [
        p for c in head.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
    ]


def _attribution(ctx: Context, trigger: Token) -> list[str]:
    """Who says so: the subject of a reporting verb above the trigger, 'according to X', or the quote's speaker."""
    out: list[str] = []
    for s in reporter_subjects(trigger):
        actor = actor_for(ctx, s, "initiator")
        if actor:
            out.append(actor.name)
    for tok in trigger.sent:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc) and tok.nbor(1).lower_ == "to":
            for p in tok.nbor(1).children:
                actor = actor_for(ctx, p, "initiator")
                if actor:
                    out.append(actor.name)
    speaker = _quote_speaker_at(ctx, trigger.idx)
    if speaker:
        out.append(speaker)
    return list(dict.fromkeys(out))


HEAVY_MODES = {"aerial", "artillery", "missile", "drone"}


def _own_strike(ctx: Context, m: Mention) -> None:
    """'The army said dozens of assailants were killed in air strikes': a state force reporting strikes nobody
    is said to have carried out is reporting its own (a claim, so the event stays attributed to it)."""
    if m.type != "ASSAULT" or m.mode not in HEAVY_MODES or any(a.role == "initiator" for a in m.actors):
        return
    for s in reporter_subjects(m.trigger):
        actor = actor_for(ctx, s, "initiator")
        if actor is not None and actor.kind in ("military", "state"):
            m.actors.append(actor)


def _mark_unverified(ctx: Context, mentions: list[Mention]) -> None:
    """'X could not independently verify ...' casts doubt on the events of that sentence and the one before."""
    sents = ctx.sents
    doubtful: set[int] = set()
    for i, sent in enumerate(sents):
        if certainty.is_unverified(sent.text):
            doubtful |= {sent.start, sents[i - 1].start if i else sent.start}
    for m in mentions:
        if m.sent.start in doubtful and m.certainty == "asserted":
            m.certainty = "unverified"


def _inherit_narrative_dates(ctx: Context, mentions: list[Mention]) -> None:
    """An undated event told right after a dated past one continues that story ('..., as Tehran fired ...')."""
    sent_index = ctx.sent_index
    current_sents = {m.sent.start for m in mentions if m.time is not None and not _is_past(m.time, ctx.published)}
    last: Mention | None = None
    for m in mentions:
        if m.time is not None:
            last = m
            continue
        if last is None or m.anaphoric or not ctx.published or not last.time.end_date:
            continue
        if m.type not in MATERIAL_TYPES:
            continue  # reactions ("the UN condemned the sentence") are today's, not the story's past
        gap = sent_index[m.sent.start] - sent_index[last.sent.start]
        old = (ctx.published - dt.date.fromisoformat(last.time.end_date)).days > BACKGROUND_DAYS
        aside = gap == 0 and last.trigger not in m.trigger.ancestors  # "X, who led ... under a 2018 deal, was killed"
        aside = aside or last.sent.start in current_sents  # the past was an aside to today's news in that sentence
        if old and gap <= 2 and not aside:
            m.time = last.time


# Events that happen somewhere on the ground: an unplaced one is where the story around it is.
MATERIAL_TYPES = {"ASSAULT", "PROTEST", "COERCE", "MOBILIZE", "RETREAT", "AID"}
# Events whose own sentence places them ('held talks in Riyadh'), though the story's place may not be theirs.
PLACED_TYPES = MATERIAL_TYPES | {"CONSULT"}


def _inherit_places(ctx: Context, mentions: list[Mention]) -> None:
    """An unplaced event on the ground takes the place of the story it is told in.

    First the latest placed, current event in its paragraph ("Gunmen attacked a post near X. The attack
    began at dawn"), else the first placed current event of the report (its lead), else the dateline.
    Kept apart from the mention's own place so it never decides which mentions are the same event.
    """
    text = ctx.doc.text
    breaks = [mt.start() for mt in re.finditer(r"\n\s*\n", text)]

    def paragraph(m: Mention) -> int:
        return sum(1 for b in breaks if b < m.sent.start_char)

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
    for i, m in enumerate(mentions):
        if _fine(m.place) or m.type not in MATERIAL_TYPES or not current(m) or m.occurrences:
            continue  # a tally of many events is not placed by the story's one
        if m.time is not None and story_time is not None and not _overlap(m.time, story_time):
            continue  # "last month, students kidnapped in another town": a different day is a different story
        para = paragraph(m)
        near = next((o.place for o in reversed(mentions[:i]) if o.place and current(o) and paragraph(o) == para), None)
        m.fallback_place = _most_precise(near, lead, ctx.dateline)


def _inherit_story_dates(ctx: Context, mentions: list[Mention]) -> None:
    """An undated event of today's story happened when the story did.

    An undated happening takes the day of the nearest earlier dated current event ("Gunmen attacked the post
    on Saturday ... They also burned ..."), else of the first one; an undated statement about it was made
    between that day and publication. Kept apart from the mention's own date so it never decides merging.
    """
    if ctx.published is None:
        return
    dated = [i for i, m in enumerate(mentions) if _story_day(m.time) and not _is_past(m.time, ctx.published)]
    if not dated:
        return
    for i, m in enumerate(mentions):
        if m.time is not None or m.occurrences:
            continue
        before = [j for j in dated if j < i]
        source = mentions[before[-1] if before else dated[0]].time
        if m.type in MATERIAL_TYPES:
            m.fallback_time = DateRange(
                start=source.start_date, end=source.end_date, precision=source.precision, text=source.text
            )
        elif source.start_date <= ctx.published.isoformat():
            same_day = source.start_date == ctx.published.isoformat()
            m.fallback_time = DateRange(
                start=source.start_date, end=ctx.published.isoformat(), precision="day" if same_day else "range"
            )


def _same_story(tm: TimeMention, story: TimeMention | None) -> bool:
    return story is None or _overlap(tm, story)


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


def _story_day(tm: TimeMention | None) -> bool:
    """A date that pins a story down: a day or a few days ('last year' does not)."""
    return tm is not None and _time_width(tm) <= 7


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


def _dedupe_actors(m: Mention) -> None:
    seen: dict[tuple[str, str], Actor] = {}
    for a in m.actors:
        seen.setdefault((a.name.lower(), a.role), a)
    m.actors = list(seen.values())


# --- merging mentions of one event ------------------------------------------------------------------------


def _merge_mentions(mentions: list[Mention], published: dt.date | None = None) -> list[list[Mention]]:
    """Group mentions of the same real-world event: same type, nothing in conflict, and a reason to join."""
    groups: list[list[Mention]] = []
    for m in mentions:
        fits = [g for g in groups if g[0].type == m.type and not _conflict(g, m, published)]
        if not fits:
            groups.append([m])
            continue
        echoed = [g for g in fits if _echoes(g, m)]
        if echoed:
            target = echoed[-1]  # "retaliatory strikes" ... "the retaliation"
        elif _pronoun_led(m) or (_informative(m) and not m.anaphoric):
            target = fits[-1]  # "they killed ..." / a described mention: the latest compatible event
        else:
            target = max(fits, key=len)  # "the attack": the event the report is most about
        target.append(m)
    return [g for g in groups if _worth_keeping(g)]


def _echoes(group: list[Mention], m: Mention) -> bool:
    """A mention that repeats a distinctive word of an earlier one ('retaliatory' -> 'retaliation')."""
    stem = m.trigger.lower_[:6]
    if len(stem) < 6 or m.trigger.lower_ in GENERIC_TRIGGERS or m.trigger.lemma_.lower() in GENERIC_LEMMAS:
        return False
    words = {t.lower_[:6] for g in group for t in [g.trigger, *g.trigger.children] if len(t.text) >= 6}
    return stem in words


def _pronoun_led(m: Mention) -> bool:
    return any(c.lower_ in PRONOUNS and c.dep_ in ("nsubj", "nsubjpass") for c in m.trigger.children)


def _worth_keeping(group: list[Mention]) -> bool:
    """A mention with no participant, place, date or figure tells an analyst nothing: leave it out.

    A happening told inside a placed and dated story ("reinforcements were sent") has the story's place and day.
    """
    if any(g.actors or g.place or g.fatalities or g.injuries or g.time for g in group):
        return True
    return group[0].type in MATERIAL_TYPES and any(g.fallback_place and g.fallback_time for g in group)


def _informative(m: Mention) -> bool:
    return bool(m.time or m.place or m.fatalities or any(a.role == "initiator" for a in m.actors))


def _is_past(tm: TimeMention, published: dt.date | None) -> bool:
    if not published or not tm.end_date:
        return False
    return (published - dt.date.fromisoformat(tm.end_date)).days > BACKGROUND_DAYS


def _conflict(group: list[Mention], m: Mention, published: dt.date | None = None) -> bool:
    if (group[0].occurrences is None) != (m.occurrences is None):
        return True  # a tally of many events is never one of them
    modes = {g.mode for g in group if g.mode}
    if m.type == "COERCE" and m.mode and modes and m.mode not in modes:
        return True  # tear gas on a crowd and arrests afterwards are two acts of coercion
    if m.type == "ASSAULT" and _aerial_against_armed_group(group, m):
        return True  # "militants stormed the post ... killed in air strikes that followed": the army's reply
    if any(c.dep_ == "relcl" and c.lemma_ in ("follow", "ensue") for c in m.trigger.children):
        return True  # "the strikes that followed" are a later event
    t = _group_time(group)
    if t and m.time and not _overlap(t, m.time):
        return True
    if m.time and not t and not m.anaphoric and _is_past(m.time, published):
        return True  # a dated past event never joins the undated news of the day
    p = _group_place(group)
    if p and m.place and not _compatible_place(p, m.place):
        return True
    for role in ("initiator", "target"):  # victims differ between rival accounts of one event: no conflict
        a = [x for g in group for x in _with_victim_groups(g.actors) if x.role == role]
        b = [x for x in _with_victim_groups(m.actors) if x.role == role]
        if _actors_clash(a, b, role, material=group[0].type in MATERIAL_TYPES):
            return True
    return False


def _aerial_against_armed_group(group: list[Mention], m: Mention) -> bool:
    """An air strike does not continue a ground attack by an armed group: armed groups have no air force."""
    initiators = [a for g in group for a in g.actors if a.role == "initiator"]
    armed = bool(initiators) and all(a.kind == "group" for a in initiators)
    return m.mode == "aerial" and armed and not any(g.mode == "aerial" for g in group)


def _actors_clash(a: list[Actor], b: list[Actor], role: str, material: bool = True) -> bool:
    """Two accounts name different participants in one role.

    Named participants (entities, states, proper names) must agree; a generic description ("a military post",
    "jihadist fighters") can be the same participant as a named one, so it only clashes with another generic
    description of an initiator of a different kind ("gunmen" vs "police").
    """
    named_a, named_b = [x for x in a if _is_named(x)], [x for x in b if _is_named(x)]
    if named_a and named_b:  # a state's organs act as one ("the Pentagon", "U.S. forces"), but speak apart
        return not _actors_agree(named_a, named_b, by_country=role == "initiator" and material)
    if role != "initiator" or not a or not b:
        return False
    sides_a = {SIDES.get(x.kind) for x in a} - {None}
    sides_b = {SIDES.get(x.kind) for x in b} - {None}
    return bool(sides_a and sides_b and not sides_a & sides_b) and not _actors_agree(a, b, by_country=True)


# Which side of a conflict a kind of actor stands on: a militia's attack and a state's strike are two events.
SIDES = {"state": "state", "government": "state", "military": "state", "group": "armed", "civilians": "civilians"}


def _is_named(actor: Actor) -> bool:
    """An actor the report names (an entity, a state, a proper name), not a description ("the attackers")."""
    if actor.entity or actor.kind == "state":
        return True
    words = actor.name.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0][:1].isupper())


def _with_victim_groups(actors: list[Actor]) -> list[Actor]:
    """Actors plus, as targets, the groups their victims belong to ('its commander was killed')."""
    extra = [
        Actor(name=a.affiliation, role="target", kind="group") for a in actors if a.role == "victim" and a.affiliation
    ]
    return actors + extra


def _actors_agree(a: list[Actor], b: list[Actor], by_country: bool) -> bool:
    """Same participants: a shared name word, or for states the same country ('the Pentagon', 'U.S. forces')."""
    if _names_overlap({x.name.lower() for x in a}, {x.name.lower() for x in b}):
        return True
    countries_a = {x.country for x in a if x.country}
    return by_country and bool(countries_a & {x.country for x in b if x.country})


def _names_overlap(a: set[str], b: set[str]) -> bool:
    words_a = {w for n in a for w in n.replace(".", "").split()}
    words_b = {w for n in b for w in n.replace(".", "").split()}
    generic = {"the", "of", "forces", "group", "militia", "government", "people", "troops", "country"}
    return bool(a & b - generic) or len((words_a & words_b) - generic) > 0


def _group_time(group: list[Mention]) -> TimeMention | None:
    times = [g.time for g in group if g.time]
    return min(times, key=_time_width) if times else None


def _time_width(tm: TimeMention) -> int:
    if not tm.start_date or not tm.end_date:
        return 10**6
    return (dt.date.fromisoformat(tm.end_date) - dt.date.fromisoformat(tm.start_date)).days


def _group_place(group: list[Mention]) -> PlaceMention | None:
    places = [g.place for g in group if g.place]
    return min(places, key=lambda p: PRECISION_RANK.get(p.precision or "country", 5)) if places else None


def _overlap(a: TimeMention, b: TimeMention) -> bool:
    if not (a.start_date and a.end_date and b.start_date and b.end_date):
        return True
    return a.start_date <= b.end_date and b.start_date <= a.end_date


def _compatible_place(a: PlaceMention, b: PlaceMention) -> bool:
    if a.country and b.country and a.country != b.country:
        return False
    coarse = {"country", "region", "admin1"}
    if a.precision in coarse or b.precision in coarse:
        return True
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= MERGE_KM


def distance_km(lat1, lon1, lat2, lon2) -> float:
    if None in (lat1, lon1, lat2, lon2):
        return math.inf
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


# --- the record ---------------------------------------------------------------------------------------------


def _to_event(ctx: Context, n: int, group: list[Mention]) -> Event:
    first = group[0]
    mode = next((g.mode for g in group if g.mode and g.mode not in ("explosives", "firearms")), None) or next(
        (g.mode for g in group if g.mode), None
    )
    date = _date_of(ctx, group)
    location = _location_of(group)
    actors = _merge_actors(group)
    fallback = next((g.fallback_place for g in group if g.fallback_place), None)
    own = _group_place(group)
    if own is not None and not _fine(own) and _fine(fallback) and _inside(fallback, own):
        location = _location_of([Mention(type=first.type, trigger=first.trigger, sent=first.sent, place=fallback)])
    if location.name is None and fallback is None and first.type not in PLACED_TYPES:
        # a statement is placed in its author's country, else in the country the story is about
        fallback = _speaker_country(group, actors) or _story_country(ctx, first.trigger)
    if location.name is None and fallback is None and not _is_background(ctx, date) and not first.occurrences:
        fallback = ctx.dateline
    if location.name is None and fallback is None:
        fallback = _story_country(ctx, first.trigger)  # background told in a report is mostly its country's past
    if location.name is None and fallback is not None:
        location = _location_of([Mention(type=first.type, trigger=first.trigger, sent=first.sent, place=fallback)])
    fatalities = _merge_counts([g.fatalities for g in group])
    injuries = _merge_counts([g.injuries for g in group])
    level = "denied"
    for g in group:
        level = certainty.stronger(level, g.certainty)
    for a in actors:
        if a.name in ("protesters", "police") and a.country is None:
            a.country = location.country
        a.normalized = normalized_actor(a, location.country if location.precision != "region" else None)
    acled = acled_for(first.type, mode)
    trig = first.trigger
    evidence = [_evidence(s) for s in _unique_sents(group)]
    event = Event(
        id=f"ev{n}",
        type=first.type,
        mode=mode,
        acled=AcledCode(event_type=acled[0], sub_event_type=acled[1]) if acled else None,
        cameo=cameo_for(first.type, mode),
        trigger={"text": trig.text, "start": trig.idx, "end": trig.idx + len(trig.text)},
        date=date,
        location=location,
        actors=actors,
        fatalities=fatalities,
        injuries=injuries,
        occurrences=_merge_counts([g.occurrences for g in group]),
        weapons=sorted({w for g in group for w in g.weapons}),
        certainty=level,
        attributed_to=list(dict.fromkeys(s for g in group for s in g.attributed_to)),
        hedges=sorted({h for g in group for h in g.hedges}),
        negated=all(g.negated for g in group),
        background=_is_background(ctx, date),
        evidence=evidence,
    )
    event.summary = summarize(event)
    return event


def _story_country(ctx: Context, tok: Token) -> PlaceMention | None:
    """The country the report is about: that of its first placed current event, else of its dateline."""
    place = ctx.story_place or ctx.dateline
    return _country_place(place.country, tok) if place is not None and place.country else None


def _speaker_country(group: list[Mention], actors: list[Actor]) -> PlaceMention | None:
    """The country of a statement's author ('Pakistan's foreign office accused ...'), as a country-level place."""
    cc = next((a.country for a in actors if a.role == "initiator" and a.country), None)
    return _country_place(cc, group[0].trigger) if cc else None


def _evidence(sent: Span) -> Evidence:
    """The sentence without the line breaks and spaces around it, offsets to match."""
    text = sent.text
    lead = len(text) - len(text.lstrip())
    core = text.strip()
    start = sent.start_char + lead
    return Evidence(sentence=core, start=start, end=start + len(core))


def _unique_sents(group: list[Mention]) -> list[Span]:
    seen: dict[int, Span] = {}
    for g in group:
        for sent in g.evidence:
            seen.setdefault(sent.start, sent)
    return [seen[k] for k in sorted(seen)]


def _date_of(ctx: Context, group: list[Mention]) -> DateRange:
    tm = _group_time(group)
    if tm is not None:
        return DateRange(start=tm.start_date, end=tm.end_date, precision=tm.precision, text=tm.text)
    fallback = next((g.fallback_time for g in group if g.fallback_time), None)
    if fallback is not None:
        return fallback
    if ctx.published:
        # Undated news is about the days just before publication (the report's own news peg).
        start = ctx.published - dt.timedelta(days=2)
        return DateRange(start=start.isoformat(), end=ctx.published.isoformat(), precision="range", text=None)
    return DateRange()


PART_WORDS = {
    "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern", "southeastern",
    "southwestern", "north-eastern", "north-western", "south-eastern", "south-western",
}  # fmt: skip


def _location_of(group: list[Mention]) -> Location:
    pm = _group_place(group)
    if pm is None:
        return Location()
    name = pm.name or pm.text
    first_word = (pm.text or "").split(" ")[0].lower()
    if pm.precision == "region" and first_word in PART_WORDS and pm.name and pm.name in pm.text:
        name = f"{first_word} {pm.name}"  # "northern Iraq": a part of the country, named as the report does
    return Location(
        name=name,
        country=pm.country,
        admin1=pm.admin1,
        lat=pm.lat,
        lon=pm.lon,
        precision=pm.precision,
        geonames_id=pm.geonames_id,
        text=pm.text,
    )


def _merge_actors(group: list[Mention]) -> list[Actor]:
    out: dict[tuple[str, str], Actor] = {}
    for g in group:
        for a in g.actors:
            out.setdefault((a.name.lower(), a.role), a)
    # A victim's own group is the target: "its commander was killed" -> the group was attacked.
    for a in _with_victim_groups(list(out.values())):
        out.setdefault((a.name.lower(), a.role), a)
    if group[0].type == "PROTEST" and not any(a.role == "initiator" for a in out.values()):
        # "Protests also took place in X": a protest is always by protesters (ACLED's "Protesters (Country)")
        out[("protesters", "initiator")] = Actor(name="protesters", role="initiator", kind="civilians")
    if group[0].mode == "arrest" and not any(a.role == "initiator" for a in out.values()):
        # "23 people were arrested": arrests are made by the police unless the report says otherwise
        out[("police", "initiator")] = Actor(name="police", role="initiator", kind="military")
    return list(out.values())


def _merge_counts(counts: list[Count | None]) -> Count | None:
    """Rival figures in one report are kept as a range: lowest low, highest high."""
    counts = [c for c in counts if c is not None]
    if not counts:
        return None
    if len(counts) == 1:
        return counts[0]
    lows = [c.low for c in counts if c.low is not None]
    highs = [c.high for c in counts if c.high is not None]
    bests = [c.best for c in counts if c.best is not None]
    # Best is the lowest figure any account gives (ACLED's conservative rule); high the largest stated.
    return Count(
        low=min(lows) if lows else None,
        best=min(bests) if bests else None,
        high=max(highs + bests) if highs or bests else None,
        text="; ".join(c.text for c in counts if c.text),
    )


def _is_background(ctx: Context, date: DateRange) -> bool:
    if not ctx.published or not date.end:
        return False
    return (ctx.published - dt.date.fromisoformat(date.end)).days > BACKGROUND_DAYS


def summarize(event: Event) -> str:
    """One line a person can scan: 'ASSAULT (aerial) by X on Y in Baghdad, IQ on 2024-01-04: 1 killed'."""
    parts = [event.type + (f" ({event.mode})" if event.mode else "")]
    init = [a.name for a in event.actors if a.role == "initiator"]
    targ = [a.name for a in event.actors if a.role in ("target", "victim")]
    if init:
        parts.append("by " + ", ".join(init[:2]))
    if targ:
        parts.append("against " + ", ".join(targ[:2]))
    if event.location.name:
        parts.append(f"in {event.location.name}" + (f", {event.location.country}" if event.location.country else ""))
    if event.date.start:
        when = event.date.start if event.date.start == event.date.end else f"{event.date.start}..{event.date.end}"
        parts.append(f"on {when}")
    line = " ".join(parts)
    figures = []
    if event.fatalities and event.fatalities.best is not None:
        figures.append(f"{event.fatalities.best} killed")
    if event.injuries and event.injuries.best is not None:
        figures.append(f"{event.injuries.best} injured")
    return line + (": " + ", ".join(figures) if figures else "")
