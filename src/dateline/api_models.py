"""What the REST API takes and returns, as models: FastAPI validates requests with them and describes every
field in the OpenAPI document from them. Merged events are ``dateline.merged``'s; filters are ``dateline.filters``'.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dateline.api import MAX_BODY_BYTES, MAX_LIMIT
from dateline.filters import EventFilter, Sort
from dateline.merged import MergedEvent
from dateline.records import Entity, Event, PlaceMention, Quote, Report, TimeMention

ExportFormat = Literal["csv", "geojson", "jsonl", "parquet"]


class ErrorBody(BaseModel):
    """Every error the API answers: one line, never a traceback."""

    error: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    accepts_reports: bool = Field(description="Whether POST /api/reports is enabled (the server has a token).")
    tiles: list[str] = Field(
        [], description="Tile URL templates the dashboard may draw (`dateline serve --tiles`); none by default."
    )


class EventsQuery(EventFilter):
    """The query of GET /api/events: the event filters, then the page."""

    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="page size")
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the previous page")
    sort: Sort = Field("date", description="date (newest first), oldest, sources or fatalities")


class ExportQuery(EventFilter):
    """The query of GET /api/export: the event filters, the file format and the order."""

    format: ExportFormat = Field("jsonl", description="csv, geojson, jsonl or parquet")
    sort: Sort = Field("date", description="date (newest first), oldest, sources or fatalities")


class EventPage(BaseModel):
    events: list[MergedEvent]
    count: int
    next_cursor: str | None = Field(description="Pass it as cursor for the next page; null on the last one.")


class Stats(BaseModel):
    events: int
    reports: int
    mentions: int = Field(description="Events as the reports tell them, before merging.")
    multi_source_events: int
    fatalities: int = Field(description="Sum of the merged events' best figures.")
    by_type: dict[str, int]
    by_country: dict[str, int]
    by_month: dict[str, int]


class StoredEvent(Event):
    """A report's own event, with the merged event it joined."""

    merged_event_id: str | None


class StoredReport(Report):
    """A stored report: its text and metadata, then its own extraction."""

    dateline_version: str
    ingested_at: str
    events: list[StoredEvent] = []
    quotes: list[Quote] = []
    entities: list[Entity] = []
    places: list[PlaceMention] = []
    times: list[TimeMention] = []


class ReportIn(BaseModel):
    """A report to extract: plain `text`, or `html` to strip first; the rest is optional metadata."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, max_length=MAX_BODY_BYTES)
    html: str | None = Field(None, max_length=MAX_BODY_BYTES)
    published: str | None = Field(None, description="YYYY-MM-DD", max_length=40)
    outlet: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    id: str | None = Field(None, max_length=200, pattern=r"^[\w.:@+\-]+$")


class PostResult(BaseModel):
    id: str
    status: Literal["added", "updated", "unchanged"]
    events: int
    quotes: int
    report_url: str
