"""What the events stage works on: a mention of an event as one sentence tells it, and the report's context.

A `Mention` is one sentence's account of an event before the accounts of one event are merged; the `Context`
holds the doc, the report and look-ups from token index to the times, places and entities the earlier stages
found. Also the two groups of event types every part of the stage distinguishes: material events, which happen
somewhere on the ground, and the events a sentence places.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from dateline.records import Actor, Count, DateRange, Entity, PlaceMention, Quote, Report, TimeMention
from dateline.taxonomy import types_with


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
    status: str = "occurred"  # whether it took place as told (events/status.py)
    evidence: list[Span] = field(default_factory=list)
    hurt: list[Token] = field(default_factory=list)  # people the casualty figures count
    fallback_place: PlaceMention | None = None  # the story's place, for a mention whose sentence names none
    occurrences: Count | None = None  # how many events a tally ("115 attacks") sums up
    fallback_time: DateRange | None = None  # the story's date, for a mention whose sentence gives none
    blamed: bool = False  # the initiator is named by an accusation, not by the report itself
    acled: tuple[str, str] | None = None  # (event type, sub-event type) where the classifier alone found the event


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
    quote_speakers: dict[int, str | None] = field(default_factory=dict)  # token start -> its quotation's speaker
    dateline: PlaceMention | None = None
    sents: list[Span] = field(default_factory=list)  # the report's sentences, listed once
    sent_index: dict[int, int] = field(default_factory=dict)  # sentence start token -> its position
    story_place: PlaceMention | None = None  # where the report's news happens (its lead's place)


def _index(doc: Doc, items: list) -> dict[int, object]:
    out: dict[int, object] = {}
    for item in items:
        span = doc.char_span(item.start, item.end, alignment_mode="expand")
        if span is not None:
            for tok in span:
                out.setdefault(tok.i, item)
    return out


def _speaker_index(doc: Doc, quotes: list[Quote]) -> dict[int, str | None]:
    """Each token inside a quotation -> the speaker of the first quotation that holds it (a look-up, not a scan)."""
    starts = [tok.idx for tok in doc]
    out: dict[int, str | None] = {}
    for q in quotes:
        for i in range(bisect_left(starts, q.start), bisect_left(starts, q.end)):
            out.setdefault(starts[i], q.speaker)
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


# Events that happen somewhere on the ground: an unplaced one is where the story around it is.
MATERIAL_TYPES = types_with("material")
# Events whose own sentence places them ('held talks in Riyadh'), though the story's place may not be theirs.
PLACED_TYPES = types_with("placed")
