"""The Event record of one merged event: its date, location, participants, figures, codes and summary.

The narrowest date and the most precise place its mentions give, else the story's (a statement is placed in
its author's country, background in the report's country); every participant once, with ACLED-style names for
described forces and crowds; rival figures as a range; the strongest certainty; ACLED and CAMEO codes; the
evidence sentences; and a one-line summary.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from dateline import certainty
from dateline.events.arguments import _with_victim_groups, normalized_actor
from dateline.events.context import PLACED_TYPES, Context, Mention
from dateline.events.mentions import _group_place, _group_time
from dateline.events.tolls import _merge_counts
from dateline.events.when import BACKGROUND_DAYS
from dateline.events.where import _country_place, _fine, _inside
from dateline.learned.acled import classify
from dateline.lexicon import lexicon
from dateline.nlp import span_text
from dateline.records import AcledCode, Actor, DateRange, Event, Evidence, Location, PlaceMention
from dateline.taxonomy import acled_for, cameo_for

GENERIC_MODES = lexicon().words("events/record/generic_modes")
DEFAULT_INITIATORS: dict[str, dict[str, dict[str, str]]] = lexicon().table("events/record/default_initiators")
# Participants the pipeline supplies itself: with no country of their own, they are the event's.
DEFAULT_NAMES = frozenset(d["name"] for rules in DEFAULT_INITIATORS.values() for d in rules.values())


def _to_event(ctx: Context, n: int, group: list[Mention]) -> Event:
    first = group[0]
    mode = next((g.mode for g in group if g.mode and g.mode not in GENERIC_MODES), None) or next(
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
        if a.name in DEFAULT_NAMES and a.country is None:
            a.country = location.country
        a.normalized = normalized_actor(a, location.country if location.precision != "region" else None)
    trig = first.trigger
    evidence = [_evidence(s) for s in _unique_sents(group)]
    target_kinds = [a.kind for a in actors if a.role in ("target", "victim")]
    acled = (
        first.acled
        or classify(first.type, " ".join(e.sentence for e in evidence))
        or acled_for(first.type, mode, target_kinds)
    )
    event = Event(
        id=f"ev{n}",
        type=first.type,
        mode=mode,
        acled=AcledCode(event_type=acled[0], sub_event_type=acled[1]) if acled else None,
        cameo=cameo_for(first.type, mode),
        trigger=_span(trig),
        mentions=_mention_words(group),
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
        status=next((g.status for g in group if g.status == "occurred"), first.status),
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
    text = span_text(sent)
    lead = len(text) - len(text.lstrip())
    core = text.strip()
    start = sent.start_char + lead
    return Evidence(sentence=core, start=start, end=start + len(core))


def _span(tok: Token) -> dict:
    return {"text": tok.text, "start": tok.idx, "end": tok.idx + len(tok.text)}


def _mention_words(group: list[Mention]) -> list[dict]:
    """The trigger of every merged mention, once each, in text order."""
    words = {g.trigger.i: g.trigger for g in group}
    return [_span(words[i]) for i in sorted(words)]


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
        return DateRange(start=start, end=ctx.published, precision="range", text=None)
    return DateRange()


PART_WORDS = frozenset(lexicon().table("places/part_directions"))  # 'northern' of 'northern Iraq', kept in the name


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
    # "Protests also took place in X": a protest is by protesters (ACLED's "Protesters (Country)"); "23 people
    # were arrested": arrests are made by the police, unless the report says otherwise
    for default in (DEFAULT_INITIATORS["type"].get(group[0].type), DEFAULT_INITIATORS["mode"].get(group[0].mode)):
        if default is not None and not any(a.role == "initiator" for a in out.values()):
            out[(default["name"], "initiator")] = Actor(name=default["name"], role="initiator", kind=default["kind"])
    return list(out.values())


def _is_background(ctx: Context, date: DateRange) -> bool:
    if not ctx.published or not date.end:
        return False
    return (ctx.published - date.end).days > BACKGROUND_DAYS


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
