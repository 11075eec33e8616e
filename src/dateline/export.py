"""Writing merged events as CSV (ACLED column names plus dateline columns), JSON, JSON Lines, GeoJSON or Parquet.

The CSV keeps ACLED's column names and precision codes so existing ACLED tooling can read it; the dateline
columns carry what ACLED has no place for (ranges, PLOVER type, certainty, corroboration). JSON Lines and JSON
keep the full event with every source's own figures and evidence.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import IO

from dateline import DatelineError

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
_NEAR = re.compile(r"\b(near|outside|outskirts|around|close to|area)\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """ACLED writes country names, not codes."""
    if not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper())
    return getattr(country, "common_name", None) or (country.name if country else code)


def geo_precision(location: dict) -> int | None:
    """ACLED geo_precision: 1 the town itself, 2 near a town or part of a region, 3 only the region or wider."""
    precision = location.get("precision")
    if precision is None:
        return None
    if precision in ("street", "district", "city"):
        return 2 if _NEAR.search(location.get("text") or "") else 1
    return 3


def time_precision(date: dict) -> int | None:
    """ACLED time_precision: 1 the day, 2 within about a week, 3 a month or vaguer."""
    precision = date.get("precision") or "unknown"
    if precision == "day":
        return 1
    if precision in ("week", "range"):
        return 2
    return 3 if date.get("start") else None


def _acled_for(plover_type: str | None, mode: str | None) -> dict:
    """ACLED event and sub-event type from the PLOVER type and mode, for events stored without them."""
    from dateline.taxonomy import acled_for

    found = acled_for(plover_type, mode) if plover_type else None
    return {"event_type": found[0], "sub_event_type": found[1]} if found else {}


def _first_actor(actors: list[dict], roles: tuple[str, ...]) -> str | None:
    return next((a["name"] for a in actors if a.get("role") in roles), None)


def flat_row(event: dict) -> dict:
    """One event as a flat row of ACLED and dateline columns."""
    date, loc = event.get("date") or {}, event.get("location") or {}
    fat, inj = event.get("fatalities") or {}, event.get("injuries") or {}
    acled = event.get("acled") or _acled_for(event.get("type"), event.get("mode"))
    actors = event.get("actors") or []
    outlets = sorted({s.get("outlet") or s.get("report_id") for s in event.get("sources") or []})
    conservative = fat.get("low") if fat.get("low") is not None else fat.get("best")
    return {
        "event_date": date.get("start"),
        "event_type": acled.get("event_type"),
        "sub_event_type": acled.get("sub_event_type"),
        "actor1": _first_actor(actors, ("initiator",)),
        "actor2": _first_actor(actors, ("target", "victim")),
        "country": country_name(loc.get("country")),
        "admin1": loc.get("admin1"),
        "location": loc.get("name"),
        "latitude": loc.get("lat"),
        "longitude": loc.get("lon"),
        "geo_precision": geo_precision(loc),
        "time_precision": time_precision(date),
        "fatalities": conservative or 0,
        "source": "; ".join(outlets),
        "notes": event.get("summary") or "",
        "dateline_id": event.get("id"),
        "plover_type": event.get("type"),
        "mode": event.get("mode"),
        "cameo": event.get("cameo"),
        "date_start": date.get("start"),
        "date_end": date.get("end"),
        "date_precision": date.get("precision"),
        "fatalities_low": fat.get("low"),
        "fatalities_best": fat.get("best"),
        "fatalities_high": fat.get("high"),
        "injuries_low": inj.get("low"),
        "injuries_best": inj.get("best"),
        "injuries_high": inj.get("high"),
        "certainty": event.get("certainty"),
        "sources_count": event.get("sources_count"),
        "country_code": loc.get("country"),
    }


def feature(event: dict) -> dict:
    """A GeoJSON Feature: the point (if located), flat properties plus the sources' outlets and URLs."""
    loc = event.get("location") or {}
    point = None
    if loc.get("lat") is not None and loc.get("lon") is not None:
        point = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
    props = flat_row(event)
    props["sources"] = [
        {k: s.get(k) for k in ("report_id", "outlet", "published", "url")} for s in event.get("sources") or []
    ]
    return {"type": "Feature", "id": event.get("id"), "geometry": point, "properties": props}


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


def write_csv(events: Iterable[dict], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for event in events:
        writer.writerow({k: csv_cell(v) for k, v in flat_row(event).items()})
        n += 1
    return n


def write_jsonl(events: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for event in events:
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_json(events: Iterable[dict], out: IO[str]) -> int:
    items = list(events)
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(items)


def write_geojson(events: Iterable[dict], out: IO[str]) -> int:
    """A FeatureCollection, streamed so large exports do not build one big object."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for n, event in enumerate(events, 1):
        out.write((",\n" if n > 1 else "") + json.dumps(feature(event), ensure_ascii=False))
    out.write("\n]}\n")
    return n


def write_parquet(events: Iterable[dict], path: str) -> int:
    """Flat columns plus the full event as JSON text, so nothing is lost."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{**flat_row(e), "event_json": json.dumps(e, ensure_ascii=False)} for e in events]
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


def write_events(events: Iterable[dict], fmt: str, out: IO[str] | None = None, path: str | None = None) -> int:
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
