"""Writing merged events as CSV (ACLED column names plus dateline columns), JSON, JSON Lines, GeoJSON or Parquet.

The CSV keeps ACLED's column names and precision codes so existing ACLED tooling can read it; the dateline
columns carry what ACLED has no place for (ranges, PLOVER type, certainty, corroboration). JSON Lines and JSON
keep the full event with every source's own figures and evidence.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import IO

from dateline import DatelineError
from dateline.merged import DateSpan, Figures, MergedEvent
from dateline.records import AcledCode, Location

ACLED_COLUMNS = [
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "time_precision",
    "fatalities",
    "source",
    "notes",
]
DATELINE_COLUMNS = [
    "dateline_id",
    "plover_type",
    "mode",
    "cameo",
    "date_start",
    "date_end",
    "date_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injuries_low",
    "injuries_best",
    "injuries_high",
    "certainty",
    "sources_count",
    "country_code",
]
COLUMNS = ACLED_COLUMNS + DATELINE_COLUMNS
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection"): report text and
# metadata are untrusted, so such a text cell gets a leading single quote, which makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("table", "json", "jsonl", "csv", "geojson", "parquet")
_FEATURE_SOURCE = {"report_id", "outlet", "published", "url"}
_NEAR = re.compile(r"\b(near|outside|outskirts|around|close to|area)\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """ACLED writes country names, not codes."""
    if not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper())
    return getattr(country, "common_name", None) or (country.name if country else code)


def geo_precision(location: Location) -> int | None:
    """ACLED geo_precision: 1 the town itself, 2 near a town or part of a region, 3 only the region or wider."""
    if location.precision is None:
        return None
    if location.precision in ("street", "district", "city"):
        return 2 if _NEAR.search(location.text or "") else 1
    return 3


def time_precision(date: DateSpan) -> int | None:
    """ACLED time_precision: 1 the day, 2 within about a week, 3 a month or vaguer."""
    if date.precision == "day":
        return 1
    if date.precision in ("week", "range"):
        return 2
    return 3 if date.start else None


def _acled_for(plover_type: str, mode: str | None) -> AcledCode | None:
    """ACLED event and sub-event type from the PLOVER type and mode, for events stored without them."""
    from dateline.taxonomy import acled_for

    found = acled_for(plover_type, mode)
    return AcledCode(event_type=found[0], sub_event_type=found[1]) if found else None


def _first_actor(event: MergedEvent, roles: tuple[str, ...]) -> str | None:
    return next((a.name for a in event.actors if a.role in roles), None)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def flat_row(event: MergedEvent) -> dict:
    """One event as a flat row of ACLED and dateline columns (dates as ISO strings)."""
    date, loc = event.date, event.location
    fat, inj = event.fatalities or Figures(low=None, best=None, high=None), event.injuries
    acled = event.acled or _acled_for(event.type, event.mode)
    outlets = sorted({s.outlet or s.report_id for s in event.sources})
    return {
        "event_date": _iso(date.start),
        "event_type": acled and acled.event_type,
        "sub_event_type": acled and acled.sub_event_type,
        "actor1": _first_actor(event, ("initiator",)),
        "actor2": _first_actor(event, ("target", "victim")),
        "country": country_name(loc.country),
        "admin1": loc.admin1,
        "location": loc.name,
        "latitude": loc.lat,
        "longitude": loc.lon,
        "geo_precision": geo_precision(loc),
        "time_precision": time_precision(date),
        "fatalities": (fat.low if fat.low is not None else fat.best) or 0,
        "source": "; ".join(outlets),
        "notes": event.summary,
        "dateline_id": event.id,
        "plover_type": event.type,
        "mode": event.mode,
        "cameo": event.cameo,
        "date_start": _iso(date.start),
        "date_end": _iso(date.end),
        "date_precision": date.precision,
        "fatalities_low": fat.low,
        "fatalities_best": fat.best,
        "fatalities_high": fat.high,
        "injuries_low": inj and inj.low,
        "injuries_best": inj and inj.best,
        "injuries_high": inj and inj.high,
        "certainty": event.certainty,
        "sources_count": event.sources_count,
        "country_code": loc.country,
    }


def feature(event: MergedEvent) -> dict:
    """A GeoJSON Feature: the point (if located), flat properties plus the sources' outlets and URLs."""
    loc = event.location
    point = None
    if loc.lat is not None and loc.lon is not None:
        point = {"type": "Point", "coordinates": [loc.lon, loc.lat]}
    props = flat_row(event)
    props["sources"] = [s.model_dump(mode="json", include=_FEATURE_SOURCE) for s in event.sources]
    return {"type": "Feature", "id": event.id, "geometry": point, "properties": props}


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that would run as a formula is quoted; numbers stay numbers.

    A carriage return becomes a line break: Python's csv quotes only the line terminator's characters, so a bare
    CR would be written unquoted and end the row there for any reader.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def write_csv(events: Iterable[MergedEvent], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for event in events:
        writer.writerow({k: csv_cell(v) for k, v in flat_row(event).items()})
        n += 1
    return n


def write_jsonl(events: Iterable[MergedEvent], out: IO[str]) -> int:
    n = 0
    for event in events:
        out.write(json.dumps(event.model_dump(mode="json"), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_json(events: Iterable[MergedEvent], out: IO[str]) -> int:
    items = [event.model_dump(mode="json") for event in events]
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(items)


def write_geojson(events: Iterable[MergedEvent], out: IO[str]) -> int:
    """A FeatureCollection, streamed so large exports do not build one big object."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for n, event in enumerate(events, 1):
        out.write((",\n" if n > 1 else "") + json.dumps(feature(event), ensure_ascii=False))
    out.write("\n]}\n")
    return n


def write_parquet(events: Iterable[MergedEvent], path: str) -> int:
    """Flat columns plus the full event as JSON text, so nothing is lost."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{**flat_row(e), "event_json": json.dumps(e.model_dump(mode="json"), ensure_ascii=False)} for e in events]
    ints = {"geo_precision", "time_precision", "fatalities", "sources_count"} | {
        c for c in DATELINE_COLUMNS if c.startswith(("fatalities_", "injuries_"))
    }
    fields = [
        pa.field(c, pa.int64() if c in ints else pa.float64() if c in ("latitude", "longitude") else pa.string())
        for c in [*COLUMNS, "event_json"]
    ]
    schema = pa.schema(fields)
    table = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
    try:
        pq.write_table(table, path)
    except OSError as err:
        raise DatelineError(f"cannot write {path}: {err}") from err
    return len(rows)


TEXT_WRITERS = {"csv": write_csv, "json": write_json, "jsonl": write_jsonl, "geojson": write_geojson}


def write_events(events: Iterable[MergedEvent], fmt: str, out: IO[str] | None = None, path: str | None = None) -> int:
    """Write events in a file format to a text stream, or to ``path``; returns how many were written."""
    if fmt == "parquet":
        if not path:
            raise DatelineError("parquet is a binary format: give --output FILE")
        return write_parquet(events, path)
    if fmt not in TEXT_WRITERS:
        raise DatelineError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if path:
        try:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                return TEXT_WRITERS[fmt](events, fh)
        except OSError as err:
            raise DatelineError(f"cannot write {path}: {err.strerror}") from err
    return TEXT_WRITERS[fmt](events, out)
