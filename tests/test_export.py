"""The ACLED-style exports as an ACLED user reads them: CSV back through csv, Parquet back through pyarrow, from
real SQLite stores of invented reports (hand-built extractions, and the real pipeline on examples/reports/)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_api import running

from dateline import DatelineError, countries
from dateline.cli import main as cli_main
from dateline.export import ACLED_COLUMNS, COLUMNS, interaction, write_events
from dateline.filters import EventFilter
from dateline.records import Actor, Count, DateRange, Event, Evidence, Extraction, Location, Report, Span
from dateline.store import Store

ACLED_ORDER = [
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
EXAMPLES = Path(__file__).parent.parent / "examples" / "reports"


def _event(text: str, *, type_: str, mode: str | None, start: str, end: str, precision: str, place: Location,
           actors: list[Actor], killed: tuple[int, int] | None = None) -> Event:  # fmt: skip
    return Event(
        id="e1",
        type=type_,
        mode=mode,
        trigger=Span(text=text.split()[1], start=text.index(text.split()[1]), end=0),
        date=DateRange(start=start, end=end, precision=precision),
        location=place,
        actors=actors,
        fatalities=Count(low=killed[0], best=killed[0], high=killed[1]) if killed else None,
        evidence=[Evidence(sentence=text, start=0, end=len(text))],
        summary=text,
    )


def _report(rid: str, outlet: str, published: str, event: Event) -> Extraction:
    report = Report(id=rid, text=event.summary, published=published, outlet=outlet, url=f"https://example.org/{rid}")
    return Extraction(report=report, dateline_version="0.1.0", events=[event])


def invented() -> list[Extraction]:
    """Four invented events: a drone strike in Iraq on a day, a protest in Kinshasa, a week-and-a-half of
    attacks near Brazzaville, and a decade-long campaign in Russia."""
    mosul = Location(name="Mosul", country="IQ", admin1="Nineveh", lat=36.34, lon=43.13, precision="city", text="Mosul")
    kinshasa = Location(name="Kinshasa", country="CD", admin1="Kinshasa", lat=-4.32, lon=15.31, precision="city")
    brazza = Location(name="Brazzaville", country="CG", lat=-4.27, lon=15.28, precision="city", text="near Brazzaville")
    russia = Location(name="Russia", country="RU", lat=60.0, lon=100.0, precision="country")
    soldiers = Actor(name="soldiers", role="initiator", kind="military", normalized="Military Forces of Iraq")
    villagers = Actor(name="villagers", role="victim", kind="civilians", normalized="Civilians (Iraq)")
    bus = Actor(name="their bus", role="target", kind="unknown")
    crowd = Actor(name="demonstrators", role="initiator", kind="group", normalized="Protesters (DR Congo)")
    police = Actor(name="riot police", role="target", kind="military")
    gunmen = Actor(name="gunmen", role="initiator", kind="group")
    front = Actor(name="Northern Liberation Front", role="initiator", kind="group", entity="ent1")
    brigade = Actor(name="Red Valley Brigade", role="target", kind="group", entity="ent2")
    strike = "A drone strike by soldiers hit villagers and their bus near Mosul."
    return [
        _report("w1", "Reuters", "2024-03-12", _event(strike, type_="ASSAULT", mode="drone", start="2024-03-11",
                end="2024-03-11", precision="day", place=mosul, actors=[soldiers, villagers, bus], killed=(2, 3))),
        _report("w2", "Tigris Ledger", "2024-03-13", _event(strike, type_="ASSAULT", mode="drone",
                start="2024-03-11", end="2024-03-11", precision="day", place=mosul, actors=[soldiers, villagers],
                killed=(4, 5))),
        _report("k1", "Congo Courier", "2024-05-02", _event("Crowds protested police in Kinshasa.", type_="PROTEST",
                mode=None, start="2024-05-01", end="2024-05-01", precision="day", place=kinshasa,
                actors=[crowd, police])),
        _report("b1", "Basin Post", "2024-06-12", _event("Gunmen attacked farms near Brazzaville.", type_="ASSAULT",
                mode="firearms", start="2024-06-01", end="2024-06-10", precision="range", place=brazza,
                actors=[gunmen, front, brigade])),
        _report("r1", "Steppe Review", "2030-02-20", _event("A campaign of arson went on for a decade.",
                type_="ASSAULT", mode="arson", start="2020-01-01", end="2030-02-18", precision="range", place=russia,
                actors=[])),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'events.db'}"
    with Store(url) as store:
        for extraction in invented():
            store.add_extraction(extraction)
    return url


def _csv_rows(db: str) -> list[dict]:
    with Store(db) as store:
        events = store.query_events(sort="oldest", limit=100)[0]
    out = io.StringIO()
    write_events(events, "csv", out=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _by_country(rows: list[dict]) -> dict[str, dict]:
    return {r["country"]: r for r in rows}


def test_the_csv_has_acleds_31_columns_in_order_then_datelines(db):
    rows = _csv_rows(db)
    assert ACLED_COLUMNS == ACLED_ORDER and len(ACLED_ORDER) == 31
    assert list(rows[0]) == COLUMNS and COLUMNS[:31] == ACLED_ORDER
    assert {"url", "date_start", "date_end", "plover_type", "certainty", "background", "status"} <= set(COLUMNS[31:])


def test_acled_actor_names_inter_and_interaction_codes(db):
    rows = _by_country(_csv_rows(db))
    iraq = rows["Iraq"]
    assert (iraq["actor1"], iraq["inter1"], iraq["actor2"], iraq["inter2"]) == (
        "Military Forces of Iraq",
        "1",
        "Civilians (Iraq)",
        "7",
    )
    assert iraq["interaction"] == "17" and iraq["assoc_actor_2"] == ""  # 'their bus' is no actor
    assert (iraq["disorder_type"], iraq["civilian_targeting"]) == ("Political violence", "Civilian targeting")
    kinshasa = rows["Democratic Republic of Congo"]
    assert (kinshasa["actor1"], kinshasa["actor2"]) == (
        "Protesters (Democratic Republic of Congo)",
        "Police Forces of Democratic Republic of Congo",
    )
    assert (kinshasa["inter1"], kinshasa["inter2"], kinshasa["interaction"]) == ("6", "1", "16")
    assert kinshasa["disorder_type"] == "Demonstrations" and kinshasa["civilian_targeting"] == ""
    congo = rows["Republic of Congo"]
    inter = {"Unidentified Armed Group (Republic of Congo)": "3", "Northern Liberation Front": "2"}
    assert {congo["actor1"], congo["assoc_actor_1"]} == set(inter) and congo["inter1"] == inter[congo["actor1"]]
    assert (congo["actor2"], congo["inter2"]) == ("Red Valley Brigade", "3")
    assert congo["interaction"] == str(interaction(int(congo["inter1"]), 3))
    russia = rows["Russia"]
    assert (russia["actor1"], russia["inter1"], russia["interaction"]) == ("", "", "")
    assert interaction(2, None) == 20 and interaction(7, 1) == 17


def test_dates_precision_country_codes_and_figures(db):
    rows = _by_country(_csv_rows(db))
    iraq, congo, russia = rows["Iraq"], rows["Republic of Congo"], rows["Russia"]
    assert (iraq["event_date"], iraq["year"], iraq["time_precision"]) == ("2024-03-11", "2024", "1")
    assert (congo["event_date"], congo["time_precision"]) == ("2024-06-05", "3")  # ten days: the middle, not a week
    assert (congo["date_start"], congo["date_end"], congo["geo_precision"]) == ("2024-06-01", "2024-06-10", "2")
    assert russia["time_precision"] == "" and russia["date_start"] == "2020-01-01"  # a decade has no ACLED code
    assert (iraq["iso"], iraq["region"], iraq["event_id_cnty"][:3]) == ("368", "Middle East", "IRQ")
    assert (congo["iso"], congo["region"], congo["event_id_cnty"][:3]) == ("178", "Middle Africa", "COG")
    assert (russia["iso"], russia["region"]) == ("643", "Europe")
    assert iraq["event_id_cnty"] in {r["event_id_cnty"] for r in _csv_rows(db)}  # stable across exports
    assert (iraq["fatalities"], iraq["fatalities_high"]) == ("2", "5")  # ACLED's conservative figure: the lowest
    assert iraq["source"] == "Reuters; Tigris Ledger" and iraq["source_scale"] == "International"
    assert iraq["url"] == "https://example.org/w1"
    assert iraq["timestamp"] == str(int(dt.datetime(2024, 3, 13, tzinfo=dt.timezone.utc).timestamp()))


def test_countries_resolve_common_official_and_alias_names():
    cases = {
        "Russia": "RU",
        "Russian Federation": "RU",
        "Palestine": "PS",
        "Turkey": "TR",
        "Türkiye": "TR",
        "DR Congo": "CD",
        "Congo, The Democratic Republic of the": "CD",
        "Republic of Congo": "CG",
        "Burma": "MM",
        "Ivory Coast": "CI",
        "côte d’ivoire": "CI",
        "IRQ": "IQ",
        "iq": "IQ",
        "Guinea": "GN",
    }
    assert {name: countries.resolve(name) for name in cases} == cases
    assert [countries.name(c) for c in ("RU", "CD", "CG", "PS", "TR", "MM", "CI", "IR", "SY", "KR")] == [
        "Russia", "Democratic Republic of Congo", "Republic of Congo", "Palestine", "Turkey", "Myanmar",
        "Ivory Coast", "Iran", "Syria", "South Korea",
    ]  # fmt: skip
    for name, codes in (("Congo", ("CD", "CG")), ("korea", ("KP", "KR"))):
        with pytest.raises(DatelineError, match="ambiguous") as err:
            countries.resolve(name)
        assert all(code in str(err.value) for code in codes)
    with pytest.raises(DatelineError, match="unknown country"):
        countries.resolve("Narnia")
    import pycountry

    assert [c.alpha_2 for c in pycountry.countries if countries.country(c.alpha_2).region is None] == []


def test_filters_and_the_store_take_country_names(db, capsys):
    assert EventFilter.parse({"country": "DR Congo"}).country == "CD"
    with Store(db) as store:
        assert [e.location.country for e in store.query_events(country="Russia")[0]] == ["RU"]
        assert [e.location.country for e in store.query_events(country="Republic of Congo")[0]] == ["CG"]
        with pytest.raises(DatelineError, match="CD .*CG"):
            store.query_events(country="Congo")
    assert cli_main(["events", "--db", db, "--country", "Congo"]) == 2
    err = capsys.readouterr().err.strip()
    assert "ambiguous" in err and "Republic of Congo" in err and len(err.splitlines()) == 1
    assert cli_main(["events", "--db", db, "--country", "Burma", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""


def test_parquet_from_the_cli_is_typed(db, tmp_path):
    path = tmp_path / "events.parquet"
    assert cli_main(["events", "--db", db, "--format", "parquet", "-o", str(path)]) == 0
    table = pq.read_table(path)
    schema = table.schema
    assert table.num_rows == 4 and schema.names[:31] == ACLED_ORDER
    for column in ("event_date", "date_start", "date_end"):
        assert schema.field(column).type == pa.date32()
    for column in ("year", "inter1", "interaction", "iso", "fatalities", "timestamp", "time_precision"):
        assert schema.field(column).type == pa.int64()
    assert schema.field("latitude").type == pa.float64() and schema.field("background").type == pa.bool_()
    sources = schema.field("sources").type
    assert pa.types.is_list(sources) and sources.value_type.field("published").type == pa.date32()
    rows = {r["country"]: r for r in table.to_pylist()}
    assert rows["Iraq"]["event_date"] == dt.date(2024, 3, 11) and rows["Iraq"]["interaction"] == 17
    assert [s["outlet"] for s in rows["Iraq"]["sources"]] == ["Reuters", "Tigris Ledger"]


def test_api_exports_parquet_and_the_csv_url(db):
    from dateline.api import create_app

    with running(create_app(db, None)) as base:
        got = httpx.get(f"{base}/api/export", params={"format": "parquet", "country": "Iraq"}, timeout=20)
        table = httpx.get(f"{base}/api/export", params={"format": "csv", "country": "Palestine"}, timeout=20)
        bad = httpx.get(f"{base}/api/export", params={"format": "csv", "country": "Congo"}, timeout=20)
    assert got.status_code == 200 and got.headers["content-type"] == "application/vnd.apache.parquet"
    parquet = pq.read_table(io.BytesIO(got.content))
    assert parquet.num_rows == 1 and parquet.schema.field("event_date").type == pa.date32()
    assert parquet.column("url").to_pylist() == ["https://example.org/w1"]
    assert table.status_code == 200 and table.text.splitlines() == [",".join(COLUMNS)]
    assert bad.status_code == 400 and "ambiguous" in bad.json()["error"]


def test_real_pipeline_exports_acled_actor_names(tmp_path):
    db = str(tmp_path / "examples.db")
    assert cli_main(["ingest", "--db", db, "-q", str(EXAMPLES)]) == 0
    rows = _csv_rows(db)
    shelling = next(r for r in rows if r["sub_event_type"] == "Shelling/artillery/missile attack" and r["actor1"])
    assert (shelling["actor1"], shelling["actor2"], shelling["interaction"]) == (
        "Military Forces of Russia",
        "Civilians (Ukraine)",
        "17",
    )
    assert shelling["country"] == "Ukraine" and shelling["region"] == "Europe" and shelling["url"].startswith("https")
    names = [n for r in rows for n in (r["actor1"], r["actor2"], *r["assoc_actor_1"].split("; ")) if n]
    assert names and all(n[:1].isupper() for n in names)  # ACLED names, not words as written ('the port')


@pytest.mark.parametrize(
    ("victim_kind", "sub_event_type"),
    [("civilians", "Attack"), ("person", "Attack"), ("group", "Armed clash"), ("military", "Armed clash")],
)
def test_an_event_stored_without_acled_codes_is_coded_by_the_extraction_rules(tmp_path, victim_kind, sub_event_type):
    """A shooting whose every victim is unarmed is an attack (ACLED's codebook), in the export as in extraction."""
    town = Location(name="Brazzaville", country="CG", lat=-4.27, lon=15.28, precision="city")
    victims = Actor(name="farmers", role="victim", kind=victim_kind)
    gunmen = Actor(name="gunmen", role="initiator", kind="group")
    text = "Gunmen shot farmers near Brazzaville."
    event = _event(text, type_="ASSAULT", mode="firearms", start="2024-06-01", end="2024-06-01", precision="day",
                   place=town, actors=[gunmen, victims])  # fmt: skip
    assert event.acled is None
    url = f"sqlite:///{tmp_path / 'events.db'}"
    with Store(url) as store:
        store.add_extraction(_report("s1", "Basin Post", "2024-06-02", event))
    (row,) = _csv_rows(url)
    assert (row["event_type"], row["sub_event_type"]) == (
        "Violence against civilians" if sub_event_type == "Attack" else "Battles",
        sub_event_type,
    )
