"""Every event filter, on a real SQLite file and a real PostgreSQL server, through the Store, the CLI and the API.

The store holds five invented reports, each one event told by one outlet, chosen so that each filter keeps a
different set of them; the expected sets come from that design (the CORPUS table), not from running the code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from pg import fresh_database, pg_server  # noqa: F401 - fixture
from test_api import running

from dateline.cli import main as cli_main
from dateline.records import AcledCode, Actor, Count, DateRange, Event, Evidence, Extraction, Location, Report, Span
from dateline.store import MIGRATIONS, Store

# report id -> (sentence, place, date, precision, ACLED codes, killed, certainty, background)
CORPUS = {
    "clash": (
        "Two armed groups fought for hours near the river bridge in Khartoum on Monday, leaving twelve dead.",
        Location(name="Khartoum", country="SD", admin1="Khartoum", lat=15.5, lon=32.53, precision="city"),
        ("2024-05-06", "2024-05-06", "day"),
        ("Battles", "Armed clash"),
        12,
        "asserted",
        False,
    ),
    "raid": (
        "Gunmen raided a cattle market outside Kassala in May, killing three traders, a local leader said.",
        Location(name="Kassala", country="SD", admin1="Kassala", lat=15.45, lon=36.4, precision="city"),
        ("2024-05-01", "2024-05-31", "month"),
        ("Violence against civilians", "Attack"),
        3,
        "claimed",
        False,
    ),
    "march": (
        "Teachers apparently marched in South Darfur on Tuesday to demand months of unpaid salaries.",
        Location(name="South Darfur", country="SD", admin1="South Darfur", lat=11.5, lon=24.9, precision="admin1"),
        ("2024-05-07", "2024-05-07", "day"),
        ("Protests", "Peaceful protest"),
        None,
        "hedged",
        False,
    ),
    "old-siege": (
        "In 2019 a siege of the old market in Khartoum left forty people dead, residents recall.",
        Location(name="Khartoum", country="SD", admin1="Khartoum", lat=15.51, lon=32.52, precision="city"),
        ("2019-01-01", "2019-12-31", "year"),
        ("Battles", "Armed clash"),
        40,
        "asserted",
        True,
    ),
    "denied-strike": (
        "The army denied that its aircraft struck a fuel depot in Port Sudan on Wednesday, saying nobody was hurt.",
        Location(name="Port Sudan", country="SD", admin1="Red Sea", lat=19.62, lon=37.22, precision="city"),
        ("2024-05-08", "2024-05-08", "day"),
        ("Explosions/Remote violence", "Air/drone strike"),
        0,
        "denied",
        False,
    ),
}
CURRENT = {"clash", "raid", "march", "denied-strike"}

# filter fields -> the reports whose event it keeps
CASES = [
    ({}, CURRENT),
    ({"background": "include"}, set(CORPUS)),
    ({"background": "only"}, {"old-siege"}),
    ({"admin1": "khartoum"}, {"clash"}),
    ({"admin1": "KHARTOUM", "background": "include"}, {"clash", "old-siege"}),
    ({"admin1": "Khart"}, set()),  # a whole name, not a part of one
    ({"acled_event_type": "battles"}, {"clash"}),
    ({"acled_event_type": "Battles", "background": "only"}, {"old-siege"}),
    ({"acled_sub_event_type": "ATTACK"}, {"raid"}),
    ({"acled_sub_event_type": "air/drone strike"}, {"denied-strike"}),
    ({"min_fatalities": 10}, {"clash"}),
    ({"min_fatalities": 10, "background": "include"}, {"clash", "old-siege"}),
    ({"max_fatalities": 5}, {"raid", "denied-strike"}),  # the march has no figure: not "at most 5"
    ({"min_fatalities": 3, "max_fatalities": 12}, {"clash", "raid"}),
    ({"min_fatalities": 0}, {"clash", "raid", "denied-strike"}),
    ({"place_precision": "admin1"}, {"march"}),
    ({"place_precision": "City"}, {"clash", "raid", "denied-strike"}),
    ({"date_precision": "month"}, {"raid"}),
    ({"date_precision": "year", "background": "include"}, {"old-siege"}),
    ({"certainty": "claimed"}, {"raid"}),
    ({"certainty": "denied"}, {"denied-strike"}),
    ({"certainty": "asserted", "background": "include"}, {"clash", "old-siege"}),
    ({"admin1": "Khartoum", "min_fatalities": 13, "background": "include"}, {"old-siege"}),
]
ERRORS = [
    ({"min_fatalities": "-1"}, "min_fatalities", "greater than or equal to 0"),
    ({"max_fatalities": "20000000"}, "max_fatalities", "less than or equal to 10000000"),
    ({"min_fatalities": "9", "max_fatalities": "2"}, "max_fatalities", "min_fatalities (9) is above"),
    ({"place_precision": "village"}, "place_precision", "Input should be"),
    ({"date_precision": "hour"}, "date_precision", "Input should be"),
    ({"certainty": "sure"}, "certainty", "Input should be"),
    ({"background": "maybe"}, "background", "Input should be 'exclude', 'include' or 'only'"),
]


def extraction(rid: str) -> Extraction:
    sentence, place, (start, end, precision), (etype, sub), killed, certainty, background = CORPUS[rid]
    word = sentence.split()[3]
    at = sentence.index(word)
    event = Event(
        id="ev1",
        type="PROTEST" if etype == "Protests" else "ASSAULT",
        acled=AcledCode(event_type=etype, sub_event_type=sub),
        trigger=Span(text=word, start=at, end=at + len(word)),
        date=DateRange(start=start, end=end, precision=precision),
        location=place,
        actors=[Actor(name=f"group of {rid}", role="initiator", kind="group")],
        fatalities=None if killed is None else Count(low=killed, best=killed, high=killed),
        certainty=certainty,
        background=background,
        attributed_to=["a local leader"] if certainty == "claimed" else [],
        hedges=["apparently"] if certainty == "hedged" else [],
        evidence=[Evidence(sentence=sentence, start=0, end=len(sentence))],
        summary=sentence,
    )
    report = Report(id=rid, text=sentence, published="2024-05-09", outlet=f"Outlet {rid}")
    return Extraction(report=report, dateline_version="test", events=[event])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """The corpus in a SQLite file, or in a fresh database on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("filters") / "events.db")
        _fill(url)
        yield url
        return
    with fresh_database(request.getfixturevalue("pg_server")) as url:
        _fill(url)
        yield url


def _fill(url: str) -> None:
    with Store(url) as store:
        for rid in CORPUS:
            assert store.add_extraction(extraction(rid)) == "added"


@pytest.fixture(scope="module")
def api(db_url) -> Iterator[httpx.Client]:
    from dateline.api import create_app

    with running(create_app(db_url, None)) as base, httpx.Client(base_url=base, timeout=20) as http:
        yield http


def _reports(events) -> set[str]:
    """The report each merged event came from (every event here has one source)."""
    return {e["sources"][0]["report_id"] if isinstance(e, dict) else e.sources[0].report_id for e in events}


def _killed(rids: set[str]) -> int:
    return sum(CORPUS[r][4] or 0 for r in rids)


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=lambda v: json.dumps(v) if isinstance(v, dict) else "")
def test_store_filters(db_url, fields, expected):
    with Store(db_url) as store:
        assert _reports(store.query_events(limit=100, **fields)[0]) == expected
        assert _reports(store.events(**fields)) == expected
        stats = store.stats(**fields)
    assert (stats["events"], stats["fatalities"]) == (len(expected), _killed(expected))
    assert stats["reports"] == len(CORPUS)  # the store's own counts do not filter
    assert sum(stats["by_type"].values()) == sum(stats["by_month"].values()) == len(expected)


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=lambda v: json.dumps(v) if isinstance(v, dict) else "")
def test_cli_filters(db_url, fields, expected, capsys):
    options = [w for name, value in fields.items() for w in ("--" + name.replace("_", "-"), str(value))]
    assert cli_main(["events", "--db", db_url, "--format", "jsonl", *options]) == 0
    out = capsys.readouterr().out
    assert _reports(json.loads(line) for line in out.splitlines()) == expected
    assert cli_main(["stats", "--db", db_url, "--json", *options]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["events"], stats["fatalities"]) == (len(expected), _killed(expected))


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=lambda v: json.dumps(v) if isinstance(v, dict) else "")
def test_api_filters(api, fields, expected):
    page = api.get("/api/events", params=fields)
    assert page.status_code == 200, page.text
    assert _reports(page.json()["events"]) == expected
    export = api.get("/api/export", params={**fields, "format": "jsonl"})
    assert export.status_code == 200 and export.headers["X-Dateline-Events"] == str(len(expected))
    assert _reports(json.loads(line) for line in export.text.splitlines()) == expected
    stats = api.get("/api/stats", params=fields).json()
    assert (stats["events"], stats["fatalities"]) == (len(expected), _killed(expected))


@pytest.mark.parametrize(("fields", "name", "words"), ERRORS, ids=lambda v: json.dumps(v) if isinstance(v, dict) else v)
def test_bad_filter_values_are_one_line_everywhere(db_url, api, fields, name, words, capsys):
    options = [w for key, value in fields.items() for w in ("--" + key.replace("_", "-"), value)]
    for command in ("events", "stats"):
        assert cli_main([command, "--db", db_url, *options]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"dateline {command}: error: --{name.replace('_', '-')}: ")
        assert words in err[0], err
    for route in ("/api/events", "/api/stats", "/api/export"):
        answer = api.get(route, params=fields)
        assert answer.status_code == 422 and name in answer.json()["error"] and words in answer.json()["error"]


def test_cli_and_api_take_the_same_filters(api):
    """Every filter the CLI has, the API has, and the reverse: both are EventFilter's fields."""
    import argparse

    from dateline.cmd_store import add_arguments
    from dateline.filters import EventFilter

    filters = set(EventFilter.model_fields)
    assert {"admin1", "min_fatalities", "max_fatalities", "place_precision", "date_precision", "background"} <= filters
    for command, extra in (("events", {"sort", "limit", "format", "output"}), ("stats", {"json"})):
        parser = argparse.ArgumentParser()
        add_arguments(parser, command)
        assert {a.dest for a in parser._actions} - {"help", "db"} - extra == filters, command
    operations = api.get("/openapi.json").json()["paths"]
    for route, extra in (("/api/events", {"limit", "cursor", "sort"}), ("/api/export", {"format", "sort"})):
        names = {p["name"] for p in operations[route]["get"]["parameters"]}
        assert names - extra == filters, route
    assert {p["name"] for p in operations["/api/stats"]["get"]["parameters"]} == filters


def test_merged_events_carry_background_status_and_the_telling(db_url, api):
    """What the extraction told of each event reaches the merged event and its source, in the API too."""
    detail = api.get("/api/events", params={"background": "only"}).json()["events"][0]
    assert detail["background"] is True and detail["sources"][0]["background"] is True
    assert detail["trigger"] == {"text": "siege", "start": 10, "end": 15}
    with Store(db_url) as store:
        raid = store.events(certainty="claimed")[0]
        denied = store.events(certainty="denied")[0]
        hedged = store.events(certainty="hedged")[0]
    assert raid.status == "occurred" and raid.attributed_to == ["a local leader"] == raid.sources[0].attributed_to
    assert denied.status == "denied" == denied.sources[0].status  # the extraction's denial is the event's status
    assert hedged.hedges == ["apparently"] and hedged.occurrences is None


def test_migration_fills_events_stored_before_it(tmp_path):
    """A store written before revision 0003 had no status or background: upgrading re-merges its events."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import select, update

    from dateline.store import EventRow

    url = str(tmp_path / "old.db")
    _fill(url)
    with Store(url) as store:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
        with store.engine.begin() as conn:  # the event data as the older code wrote it
            for eid, data in conn.execute(select(EventRow.id, EventRow.data)).all():
                old = {k: v for k, v in data.items() if k not in ("background", "status", "trigger", "hedges")}
                conn.execute(update(EventRow.__table__).where(EventRow.id == eid).values(data=old))
    with Store(url) as store:
        assert _reports(store.events()) == CURRENT
        assert _reports(store.events(background="only")) == {"old-siege"}
        assert store.events(certainty="denied")[0].status == "denied"
