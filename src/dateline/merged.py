"""The store's product as typed records: a merged event, its sources, and the quotes shown with it.

``merge.merge_event`` builds a merged event as plain JSON (it is the inner loop of bulk loads, and the JSON is what
the database keeps); the store validates that JSON into these models when it reads, so the CLI, the exports and
the API use attributes and real dates, and ISO strings exist only in the database and in what is written out.
``merged_schema.json`` is generated from these models (``python -m dateline.schema``), as ``schema.json`` is from
the extraction records.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field

from dateline.records import (
    AcledCode,
    Actor,
    Certainty,
    Count,
    DatePrecision,
    Evidence,
    Location,
    Mode,
    PloverType,
    Quote,
    Record,
    Span,
    Status,
)

# A store knows two levels a single report cannot: several outlets asserting the event, or reporting it at all.
MergedCertainty = Literal[Literal["confirmed", "corroborated"], Certainty]


class DateSpan(Record):
    """When an event happened, with calendar days as dates, as in the extraction's ``DateRange``.

    The defaults are DateRange's, for bulk-loaded events that leave fields out; what is written has every key.
    """

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    start: dt.date | None = Field(None, description="First day of the range (YYYY-MM-DD).")
    end: dt.date | None = Field(None, description="Last day of the range, inclusive.")
    precision: DatePrecision = "unknown"
    text: str | None = Field(None, description="The words the date was read from.")


class Figures(Record):
    """A casualty range merged across sources: low = min of lows, best = median of bests, high = max."""

    low: int | None
    best: int | None
    high: int | None


class MergedActor(Actor):
    """An actor of the merged event: one per role and name signature across all sources."""

    mentions: int = Field(description="How many sources name this actor in this role.")


class Source(Record):
    """One report's telling of a merged event: its own figures, certainty, date, place and evidence."""

    article: str = Field(description="The source report's id (the same as report_id).")
    report_id: str
    event_key: str = Field(description="The report's event: REPORT_ID#EVENT_ID.")
    outlet: str | None
    published: dt.date | None
    url: str | None
    title: str | None
    certainty: Certainty
    status: Status = Field(description="Whether this report tells the event as occurred, planned, denied, ...")
    background: bool = Field(description="This report tells it as past background, not as its news.")
    trigger: Span | None = Field(description="The words of this report that name the event.")
    fatalities: Count | None
    injuries: Count | None
    occurrences: Count | None = Field(description="How many times, when this report sums up a series.")
    date: DateSpan
    location: Location
    attributed_to: list[str] = Field(description="Who this report says the account comes from.")
    hedges: list[str] = Field(description="The words of this report that lowered its certainty.")
    summary: str
    evidence: list[Evidence] = Field(description="Sentences of the report, as offsets into its text.")


class MergedEvent(Record):
    """One real-world event merged from every report that tells it; fields come from the most precise source."""

    id: str = Field(description="ev_ and 16 hex digits, derived from the smallest member key.")
    type: PloverType
    mode: Mode | None
    acled: AcledCode | None
    cameo: str | None
    date: DateSpan
    location: Location
    actors: list[MergedActor]
    fatalities: Figures | None
    injuries: Figures | None
    weapons: list[str]
    certainty: MergedCertainty
    status: Status = Field(description="The status most sources tell; 'occurred' wins a tie, 'denied' needs all.")
    background: bool = Field(description="Past background in every source: no source tells it as news.")
    trigger: Span | None = Field(description="The representative source's trigger words.")
    occurrences: Figures | None = Field(description="How many times, merged like the casualty figures.")
    attributed_to: list[str] = Field(description="Every source's attributions, in order of first telling.")
    hedges: list[str] = Field(description="The hedging words of every source, sorted.")
    sources_count: int = Field(description="Distinct outlets (two articles of one outlet count once).")
    reports_count: int
    summary: str
    sources: list[Source] = Field(description="Every report's own telling, oldest publication first.")


class ReportRef(Record):
    report_id: str


class EventQuote(Quote, ReportRef):
    """A quote from one of the event's source reports (``report_id`` comes first, then the quote)."""


class EventDetail(MergedEvent):
    """A merged event as `dateline event` and GET /api/events/{id} show it: with its source reports' quotes."""

    quotes: list[EventQuote]
