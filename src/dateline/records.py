"""The typed records that flow between pipeline stages and make up the output.

Every stage reads a ``Report`` (plus the spaCy ``Doc``) and returns lists of the
records below; ``pipeline.extract()`` assembles them into an ``Extraction``.
The JSON Schema of the output (``schema.json``) is generated from these models,
so this module is the one place where the output format is defined.

Calendar days are ``datetime.date`` here, read once where a report enters (``read.parse_published``); pydantic
writes them as YYYY-MM-DD in JSON mode, and what leaves as text another way (SQL columns, hashes, plain dicts) is
formatted with ``iso``. TIMEX3 values such as ``2024-W07`` or ``199X`` are not days and stay strings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dateline.taxonomy import MODES, PLOVER_TYPES

DatePrecision = Literal["day", "week", "month", "season", "year", "range", "decade", "unknown"]
PlacePrecision = Literal["street", "district", "city", "admin1", "country", "region"]
ActorRole = Literal["initiator", "target", "victim"]
ActorKind = Literal["person", "group", "state", "military", "government", "organization", "civilians", "unknown"]
Certainty = Literal["asserted", "claimed", "hedged", "unverified", "denied"]
# Whether the event took place as told: it happened, is planned or threatened, is denied, is a supposition, or recurs.
Status = Literal["occurred", "planned", "threatened", "denied", "hypothetical", "habitual"]
PloverType = Literal[PLOVER_TYPES]
Mode = Literal[MODES]


class Record(BaseModel):
    """Base for output records: strict field names, plain JSON out."""

    model_config = ConfigDict(extra="forbid")


class Report(Record):
    """One input news report with its metadata, as read from a file, stdin or a JSON Lines row."""

    id: str = Field("", description="Stable identifier; derived from the file name or content hash when not given.")
    text: str = Field(description="Plain report text; every character offset in the output points into it.")
    published: dt.date | None = Field(None, description="Publication date, YYYY-MM-DD: the anchor for relative dates.")
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    language: str = "en"
    source_path: str | None = Field(None, description="File the report was read from, if any.")

    @model_validator(mode="after")
    def _content_id(self) -> Report:
        """A report given without an id gets the one `dateline extract` gives text read from stdin."""
        if not self.id:
            self.id = content_id(self.text)
        return self


def iso(day: dt.date | None) -> str | None:
    """A day as YYYY-MM-DD for what leaves the typed records (SQL columns, CSV, plain dicts); None stays None."""
    return day.isoformat() if day is not None else None


def content_id(text: str) -> str:
    """The id of a report that has none: 'r-' and the first 16 hex digits of its text's SHA-256."""
    return "r-" + hashlib.sha256(text.encode()).hexdigest()[:16]


class Span(Record):
    """A stretch of the report text: [start, end) character offsets."""

    text: str
    start: int
    end: int


class Evidence(Record):
    """The sentence a field was read from, with its offsets in the report text."""

    sentence: str
    start: int
    end: int


class TimeMention(Record):
    """A time expression normalised against the publication date (TIMEX3-style value)."""

    text: str
    start: int
    end: int
    value: str | None = Field(None, description="TIMEX3 value, e.g. 2024-01-04, 2023-12, 2023-W52, P3M, PRESENT_REF.")
    type: Literal["DATE", "TIME", "DURATION", "SET"] = "DATE"
    start_date: dt.date | None = Field(None, description="First calendar day covered, YYYY-MM-DD.")
    end_date: dt.date | None = Field(None, description="Last calendar day covered, YYYY-MM-DD.")
    precision: DatePrecision = "unknown"
    anchor: Literal["publication", "explicit", "text", "none"] = Field(
        "publication", description="What the value was resolved against."
    )


class PlaceMention(Record):
    """A toponym in the text, resolved against the gazetteer."""

    text: str
    start: int
    end: int
    name: str | None = Field(None, description="Canonical gazetteer name of the resolved place.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    admin1: str | None = Field(None, description="First-order administrative division name.")
    lat: float | None = None
    lon: float | None = None
    precision: PlacePrecision | None = None
    geonames_id: int | None = None
    feature: str | None = Field(
        None,
        description="Kind of place: street, city, admin1, country, region, airport, ...; 'demonym' for a nationality"
        " word ('Iraqi') listed as a mention of its country, which a reader of places proper may leave out",
    )


DEMONYM = "demonym"  # the feature of a nationality word ('Iraqi') listed as a mention of its country


def toponyms(places: list[PlaceMention]) -> list[PlaceMention]:
    """The place mentions that name a place: without the nationality words listed as their country's."""
    return [p for p in places if p.feature != DEMONYM]


class Quote(Record):
    """A direct or indirect quotation and who said it."""

    speaker: str | None = None
    speaker_title: str | None = None
    speaker_affiliation: str | None = None
    text: str
    direct: bool
    start: int
    end: int
    cue: str | None = Field(None, description="The reporting verb or phrase: said, told, according to, ...")


class Entity(Record):
    """A named participant (person, group, state, organisation) with its in-report aliases."""

    id: str
    name: str
    kind: ActorKind = "unknown"
    aliases: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)
    affiliation: str | None = None
    country: str | None = None
    mentions: list[Span] = Field(default_factory=list)


class DateRange(Record):
    """When an event happened: a calendar range and how precise it is."""

    start: dt.date | None = None
    end: dt.date | None = None
    precision: DatePrecision = "unknown"
    text: str | None = Field(None, description="The words the date was read from.")


class Location(Record):
    """Where an event happened."""

    name: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: PlacePrecision | None = None
    geonames_id: int | None = None
    text: str | None = Field(None, description="The words the place was read from.")


class Actor(Record):
    """A participant of one event in one role."""

    name: str
    role: ActorRole
    kind: ActorKind = "unknown"
    country: str | None = None
    affiliation: str | None = None
    normalized: str | None = Field(
        None,
        description="ACLED-style name for a described state force or crowd: 'Military Forces of Nigeria', "
        "'Police Forces of Kenya', 'Civilians (Sudan)'; empty for named participants.",
    )
    entity: str | None = Field(None, description="Id of the matching entry in entities[], if any.")


class Count(Record):
    """A casualty figure as a range: 'at least 12' is low 12, best 12, high null."""

    low: int | None = None
    best: int | None = None
    high: int | None = None
    text: str | None = None


class AcledCode(Record):
    event_type: str
    sub_event_type: str


class Event(Record):
    """One event in a report: what, who, when, where, how many, who says so, and the evidence."""

    id: str
    type: PloverType = Field(description="PLOVER 2021 event type, e.g. ASSAULT, PROTEST, ACCUSE, DEMAND.")
    mode: Mode | None = Field(None, description="PLOVER mode, e.g. aerial, drone, firearms, explosives.")
    acled: AcledCode | None = None
    cameo: str | None = Field(None, description="CAMEO root code, two digits.")
    trigger: Span
    mentions: list[Span] = Field(
        default_factory=list,
        description="The trigger of each mention of this event the report's sentences make, in text order.",
    )
    date: DateRange = Field(default_factory=DateRange)
    location: Location = Field(default_factory=Location)
    actors: list[Actor] = Field(default_factory=list)
    fatalities: Count | None = None
    injuries: Count | None = None
    occurrences: Count | None = Field(
        None, description="Set when the record sums up a series ('at least 115 attacks since October'): how many."
    )
    weapons: list[str] = Field(default_factory=list)
    certainty: Certainty = "asserted"
    attributed_to: list[str] = Field(default_factory=list)
    hedges: list[str] = Field(default_factory=list, description="The words that lowered certainty.")
    negated: bool = False
    background: bool = Field(False, description="True for a past event told as background, not the news itself.")
    status: Status = Field(
        "occurred", description="Whether it took place as told: occurred, planned, threatened, denied, ..."
    )
    evidence: list[Evidence] = Field(default_factory=list)
    summary: str = ""

    @model_validator(mode="after")
    def _denied_status(self) -> Event:
        """A negated or denied event has not occurred as told: the one status the extraction already knows."""
        if self.status == "occurred" and (self.negated or self.certainty == "denied"):
            self.status = "denied"
        return self


class Extraction(Record):
    """Everything dateline read from one report: the output object, one per report."""

    report: Report
    dateline_version: str
    events: list[Event] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    places: list[PlaceMention] = Field(default_factory=list)
    times: list[TimeMention] = Field(default_factory=list)


def offset_records(node: object) -> Iterator[dict]:
    """Every record of a dumped extraction (``model_dump``) that has integer character offsets ``start`` and
    ``end`` (a DateRange's are dates), parents before the records inside them: for passes that move or re-read
    every span of an extraction."""
    if isinstance(node, list):
        for item in node:
            yield from offset_records(item)
    elif isinstance(node, dict):
        if isinstance(node.get("start"), int) and isinstance(node.get("end"), int):
            yield node
        for value in node.values():
            yield from offset_records(value)
