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
from typing import IO, BinaryIO, NamedTuple

from dateline import DatelineError, countries
from dateline.lexicon import lexicon
from dateline.merged import DateSpan, Figures, MergedEvent
from dateline.records import AcledCode, Actor, Location

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
DATELINE_COLUMNS = [
    "dateline_id",
    "url",
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
    "background",
    "status",
    "sources_count",
    "reports_count",
    "country_code",
]
COLUMNS = ACLED_COLUMNS + DATELINE_COLUMNS
INT_COLUMNS = {
    "year",
    "time_precision",
    "inter1",
    "inter2",
    "interaction",
    "iso",
    "geo_precision",
    "fatalities",
    "timestamp",
    "sources_count",
    "reports_count",
    *(c for c in DATELINE_COLUMNS if c.startswith(("fatalities_", "injuries_"))),
}
DATE_COLUMNS = {"event_date", "date_start", "date_end"}
FLOAT_COLUMNS = {"latitude", "longitude"}
BOOL_COLUMNS = {"background"}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection"): report text and
# metadata are untrusted, so such a text cell gets a leading single quote, which makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("table", "json", "jsonl", "csv", "geojson", "parquet")
WEEK_DAYS, MONTH_DAYS = 7, 31  # ACLED's time_precision 2 is a week or a few days, 3 a month; longer has no code
_FEATURE_SOURCE = {"report_id", "outlet", "published", "url"}
_NEAR = re.compile(r"\b(near|outside|outskirts|around|close to|area)\b", re.IGNORECASE)
_RULES: dict = lexicon().table("export/acled")
_FORMS: dict[str, dict] = _RULES["forms"]
_POLITICAL_VIOLENCE = {t for t, d in _RULES["disorder"]["event_types"].items() if d == "Political violence"}


class AcledActor(NamedTuple):
    name: str
    inter: int | None


def country_name(code: str | None) -> str | None:
    """ACLED writes common country names ('Russia', 'Democratic Republic of Congo'), not codes."""
    return countries.name(code)


def geo_precision(location: Location) -> int | None:
    """ACLED geo_precision: 1 the town itself, 2 near a town or part of a region, 3 only the region or wider."""
    if location.precision is None:
        return None
    if location.precision in ("street", "district", "city"):
        return 2 if _NEAR.search(location.text or "") else 1
    return 3


def _days(date: DateSpan) -> int | None:
    return (date.end - date.start).days + 1 if date.start and date.end else None


def time_precision(date: DateSpan) -> int | None:
    """ACLED time_precision: 1 the day, 2 a week or a few days, 3 a month; a longer range has no ACLED code."""
    days = _days(date)
    if date.precision == "day" or days == 1:
        return 1
    if days is None:
        return None
    return 2 if days <= WEEK_DAYS else 3 if days <= MONTH_DAYS else None


def event_date(date: DateSpan) -> dt.date | None:
    """The day ACLED codes: the day itself, or the middle of a week or month that holds the event."""
    days = _days(date)
    return date.start + dt.timedelta(days=(days - 1) // 2) if days else date.start


def _acled_for(event: MergedEvent) -> AcledCode | None:
    """ACLED event and sub-event type by the rules, for events stored without them: the same rules as extraction
    (the PLOVER type and mode, and a clash on unarmed targets is an attack), so the two never disagree."""
    from dateline.taxonomy import acled_for

    target_kinds = [a.kind for a in event.actors if a.role in ("target", "victim")]
    found = acled_for(event.type, event.mode, target_kinds)
    return AcledCode(event_type=found[0], sub_event_type=found[1]) if found else None


def _form(form: str, country: str | None) -> AcledActor | None:
    """An ACLED actor of a form ('military') in a country, or None when the country is not known."""
    if not country:
        return None
    entry = _FORMS[form]
    return AcledActor(entry["name"].format(country=country), entry["inter"])


def _is_named(actor: Actor) -> bool:
    """The report names the actor (an entity, a proper name), rather than describing it in lower-case words or
    figures ('the attackers', '23 people')."""
    described = all(w[:1].islower() or w[:1].isdigit() for w in actor.name.split())
    return actor.entity is not None or not described


def _group_inter(name: str) -> int:
    words = name.lower().split()
    return next((_RULES["group_inter"][w] for w in words if w in _RULES["group_inter"]), _RULES["group_default"])


def _kind_form(actor: Actor, event_type: str | None) -> str | None:
    """The ACLED form a described actor takes from its kind and the event type ('soldiers' -> military; 'gunmen'
    in an attack -> unidentified armed group, 'dock workers' marching -> protesters)."""
    violent = event_type in _POLITICAL_VIOLENCE
    kind = actor.kind
    if kind == "state":
        kind = "state_violent" if violent else "state_other"
    form = _RULES["kind_forms"].get(kind)
    if kind == "group":
        form = (
            None
            if _is_named(actor)
            else _RULES["group_forms"].get(event_type or "", "unidentified" if violent else None)
        )
    if form == "military" and set(actor.name.lower().split()) & set(_RULES["police_words"]):
        return "police"
    return form


def acled_actor(actor: Actor, event_country: str | None, event_type: str | None) -> AcledActor | None:
    """An actor as ACLED names it: a state force, crowd or civilians by form and country, a named group by its
    name; None for what is no actor (a building the text names as a target)."""
    country = country_name(actor.country or event_country)
    prefix = next((p for p in _RULES["normalized_forms"] if (actor.normalized or "").startswith(p)), None)
    if prefix:
        return _form(_RULES["normalized_forms"][prefix], country) or AcledActor(actor.normalized, None)
    if actor.kind == "person" and actor.role == "victim":
        return _form("civilians", country)
    if actor.kind == "person" and actor.affiliation:
        return AcledActor(actor.affiliation, _group_inter(actor.affiliation))
    form = _kind_form(actor, event_type)
    found = _form(form, country) if form else None
    if found or (actor.kind in _RULES["drop_kinds"] and not _is_named(actor)):
        return found
    inter = _group_inter(actor.name) if actor.kind == "group" else _RULES["kind_inter"].get(actor.kind)
    return AcledActor(actor.name, inter)


def _side(event: MergedEvent, roles: tuple[str, ...], event_type: str | None) -> list[AcledActor]:
    """The distinct ACLED actors of one side, most often named first."""
    actors = sorted((a for a in event.actors if a.role in roles), key=lambda a: -a.mentions)
    found = (acled_actor(a, event.location.country, event_type) for a in actors)
    return list(dict.fromkeys(a for a in found if a is not None))


def _sides(event: MergedEvent, event_type: str | None) -> tuple[list[AcledActor], list[AcledActor]]:
    """Actor 1's side (initiators) and actor 2's (targets, victims); a sole actor is actor 1, as ACLED codes it."""
    one = _side(event, ("initiator",), event_type)
    two = [a for a in _side(event, ("target", "victim"), event_type) if a not in one]
    return (one, two) if one else (two, [])


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: the two inter codes, lower first (17); a sole actor's code times ten (10)."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def disorder_type(acled: AcledCode | None) -> str | None:
    """ACLED's disorder type, which follows from the event type (and for a few sub-event types, from those)."""
    if acled is None:
        return None
    rules = _RULES["disorder"]
    return rules["sub_event_types"].get(acled.sub_event_type) or rules["event_types"].get(acled.event_type)


def civilian_targeting(acled: AcledCode | None, inter2: int | None) -> str | None:
    """'Civilian targeting' for violence against civilians, and for explosions or riots whose target is civilians."""
    rules = _RULES["civilian_targeting"]
    if acled and (acled.event_type in rules["always"] or (acled.event_type in rules["when_civilians"] and inter2 == 7)):
        return "Civilian targeting"
    return None


def source_scale(outlets: list[str]) -> str | None:
    """ACLED's source scale of the outlets whose scale is known, in ACLED's order ('National-International')."""
    scales = {_RULES["outlet_scales"][o] for o in outlets if o in _RULES["outlet_scales"]}
    return "-".join(s for s in _RULES["scale_order"] if s in scales) or None


def event_id_cnty(event: MergedEvent, country: countries.Country | None) -> str:
    """ISO alpha-3 plus a number that is the event id's hex digits read as decimal: stable across exports."""
    number = int(event.id.removeprefix("ev_"), 16) if re.fullmatch(r"ev_[0-9a-f]+", event.id) else event.id
    return f"{country.alpha_3 if country else ''}{number}"


def timestamp(event: MergedEvent) -> int | None:
    """Unix seconds of the event's last update: the newest source's publication day (UTC midnight)."""
    days = [s.published for s in event.sources if s.published]
    return int(dt.datetime.combine(max(days), dt.time(), dt.timezone.utc).timestamp()) if days else None


def _assoc(actors: list[AcledActor]) -> str | None:
    return "; ".join(a.name for a in actors[1:]) or None


def _first(actors: list[AcledActor]) -> AcledActor:
    return actors[0] if actors else AcledActor("", None)


def acled_row(event: MergedEvent) -> dict:
    """The event in ACLED's 31 columns, ACLED's value conventions (dates as date objects)."""
    date, loc = event.date, event.location
    fat = event.fatalities or Figures(low=None, best=None, high=None)
    acled = event.acled or _acled_for(event)
    side1, side2 = _sides(event, acled and acled.event_type)
    a1, a2 = _first(side1), _first(side2)
    country = countries.country(loc.country)
    day = event_date(date)
    outlets = sorted({s.outlet or s.report_id for s in event.sources})
    return {
        "event_id_cnty": event_id_cnty(event, country),
        "event_date": day,
        "year": day and day.year,
        "time_precision": time_precision(date),
        "disorder_type": disorder_type(acled),
        "event_type": acled and acled.event_type,
        "sub_event_type": acled and acled.sub_event_type,
        "actor1": a1.name or None,
        "assoc_actor_1": _assoc(side1),
        "inter1": a1.inter,
        "actor2": a2.name or None,
        "assoc_actor_2": _assoc(side2),
        "inter2": a2.inter,
        "interaction": interaction(a1.inter, a2.inter),
        "civilian_targeting": civilian_targeting(acled, a2.inter),
        "iso": country and country.numeric,
        "region": country and country.region,
        "country": country_name(loc.country),
        "admin1": loc.admin1,
        "admin2": None,
        "admin3": None,
        "location": loc.name,
        "latitude": loc.lat,
        "longitude": loc.lon,
        "geo_precision": geo_precision(loc),
        "source": "; ".join(outlets),
        "source_scale": source_scale(outlets),
        "notes": event.summary,
        "fatalities": (fat.low if fat.low is not None else fat.best) or 0,
        "tags": None,
        "timestamp": timestamp(event),
    }


def typed_row(event: MergedEvent) -> dict:
    """One event as a flat row of ACLED and dateline columns, with dates as dates (Parquet keeps them so)."""
    fat, inj = event.fatalities or Figures(low=None, best=None, high=None), event.injuries
    date = event.date
    return {
        **acled_row(event),
        "dateline_id": event.id,
        "url": next((s.url for s in event.sources if s.url), None),
        "plover_type": event.type,
        "mode": event.mode,
        "cameo": event.cameo,
        "date_start": date.start,
        "date_end": date.end,
        "date_precision": date.precision,
        "fatalities_low": fat.low,
        "fatalities_best": fat.best,
        "fatalities_high": fat.high,
        "injuries_low": inj and inj.low,
        "injuries_best": inj and inj.best,
        "injuries_high": inj and inj.high,
        "certainty": event.certainty,
        "background": getattr(event, "background", None),
        "status": getattr(event, "status", None),
        "sources_count": event.sources_count,
        "reports_count": event.reports_count,
        "country_code": event.location.country,
    }


def flat_row(event: MergedEvent) -> dict:
    """One event as a flat row of ACLED and dateline columns (dates as ISO strings), for CSV and GeoJSON."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in typed_row(event).items()}


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


def _parquet_schema():
    """Typed columns: dates as date32, counts and codes as int64, coordinates as float64, sources as a list of
    structs, and the full event as JSON text so nothing is lost."""
    import pyarrow as pa

    def column_type(column: str) -> pa.DataType:
        if column in DATE_COLUMNS:
            return pa.date32()
        if column in INT_COLUMNS:
            return pa.int64()
        if column in FLOAT_COLUMNS:
            return pa.float64()
        return pa.bool_() if column in BOOL_COLUMNS else pa.string()

    source = pa.struct(
        [
            ("report_id", pa.string()),
            ("outlet", pa.string()),
            ("published", pa.date32()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("certainty", pa.string()),
            ("fatalities_low", pa.int64()),
            ("fatalities_high", pa.int64()),
        ]
    )
    fields = [pa.field(c, column_type(c)) for c in COLUMNS]
    return pa.schema([*fields, pa.field("sources", pa.list_(source)), pa.field("event_json", pa.string())])


def _parquet_sources(event: MergedEvent) -> list[dict]:
    return [
        {
            "report_id": s.report_id,
            "outlet": s.outlet,
            "published": s.published,
            "url": s.url,
            "title": s.title,
            "certainty": s.certainty,
            "fatalities_low": s.fatalities and s.fatalities.low,
            "fatalities_high": s.fatalities and s.fatalities.high,
        }
        for s in event.sources
    ]


def write_parquet(events: Iterable[MergedEvent], path: str | BinaryIO) -> int:
    """A Parquet file (to a path or a binary stream) with typed columns, nested sources and the full event."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        {
            **typed_row(e),
            "sources": _parquet_sources(e),
            "event_json": json.dumps(e.model_dump(mode="json"), ensure_ascii=False),
        }
        for e in events
    ]
    schema = _parquet_schema()
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
