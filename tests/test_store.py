"""The event store on a SQLite file and on a throwaway PostgreSQL server, with hand-built extractions.

Store tests do not depend on NLP accuracy: extractions are built by hand from invented reports. One CLI test
at the end runs the real pipeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pg import pg_database, pg_server  # noqa: F401 - fixtures

from dateline import DatelineError, embed
from dateline.cli import main as cli_main
from dateline.records import Actor, Count, DateRange, Event, Evidence, Extraction, Location, Quote, Report, Span
from dateline.store import MIGRATIONS, PENDING_BYTES, Store, database_url

MOSUL = Location(name="Mosul", country="IQ", admin1="Nineveh", lat=36.34, lon=43.13, precision="city", text="Mosul")
BASRA = Location(name="Basra", country="IQ", admin1="Basra", lat=30.51, lon=47.78, precision="city", text="Basra")


def make_event(
    text: str,
    sentence: str,
    *,
    eid="e1",
    type_="ASSAULT",
    mode="drone",
    day="2024-03-11",
    location=MOSUL,
    initiator="Northern Shield militia",
    target="Red Valley Brigade",
    killed=None,
    trigger="strike",
) -> Event:
    start = text.index(sentence)
    t0 = text.index(trigger)
    actors = [Actor(name=initiator, role="initiator", kind="group")]
    if target:
        actors.append(Actor(name=target, role="target", kind="group"))
    return Event(
        id=eid,
        type=type_,
        mode=mode,
        trigger=Span(text=trigger, start=t0, end=t0 + len(trigger)),
        date=DateRange(start=day, end=day, precision="day", text="on Monday"),
        location=location,
        actors=actors,
        fatalities=Count(low=killed, best=killed, text=f"{killed} killed") if killed is not None else None,
        evidence=[Evidence(sentence=sentence, start=start, end=start + len(sentence))],
        summary=sentence,
    )


def make_report(
    rid: str, outlet: str, text: str, events: list, published="2024-03-12", version="0.1.0", quote: str | None = None
) -> Extraction:
    report = Report(id=rid, text=text, published=published, outlet=outlet, url=f"https://example.org/{rid}")
    quotes = []
    if quote:
        q0 = text.index(quote)
        quotes.append(
            Quote(speaker="a local official", text=quote, direct=True, start=q0, end=q0 + len(quote), cue="said")
        )
    return Extraction(report=report, dateline_version=version, events=[f(text) for f in events], quotes=quotes)


def strike_reports() -> list[Extraction]:
    """The same invented drone strike told by three outlets: 2, 3 and 5 dead."""
    t1 = "A drone strike hit a fuel depot in Mosul on Monday, killing two guards. Smoke rose for hours."
    t2 = 'Three fighters died when a drone struck a fuel depot in Mosul, a local official said. "It burned all night."'
    t3 = "At least five people were killed in a drone strike on a fuel depot in northern Iraq on Monday."
    return [
        make_report("ledger-1", "Northern Ledger", t1, [lambda t: make_event(t, t.split(". ")[0] + ".", killed=2)]),
        make_report(
            "wire-7",
            "Tigris Wire",
            t2,
            [lambda t: make_event(t, t.split(", a local")[0], killed=3, trigger="struck")],
            quote="It burned all night.",
        ),
        make_report("compass-3", "Daily Compass", t3, [lambda t: make_event(t, t, killed=5)]),
    ]


def other_reports() -> list[Extraction]:
    """A different attack the same day in the same city, and a protest in another city."""
    t4 = "Gunmen opened fire on traders at a Mosul market on Monday, killing four."
    t5 = "Dock workers marched through Basra on Tuesday demanding unpaid wages."
    return [
        make_report(
            "ledger-2",
            "Northern Ledger",
            t4,
            [
                lambda t: make_event(
                    t,
                    t,
                    mode="firearms",
                    initiator="Red Valley Brigade",
                    target="market traders",
                    killed=4,
                    trigger="opened fire",
                )
            ],
        ),
        make_report(
            "compass-4",
            "Daily Compass",
            t5,
            [
                lambda t: make_event(
                    t,
                    t,
                    type_="PROTEST",
                    mode=None,
                    day="2024-03-12",
                    location=BASRA,
                    initiator="dock workers",
                    target=None,
                    trigger="marched",
                )
            ],
        ),
    ]


def snapshot(store: Store) -> list[tuple]:
    """Everything about the merged events that must not depend on ingest order."""
    page, _ = store.query_events(limit=1000)
    return sorted(
        (
            e.id,
            e.type,
            repr(e.fatalities),
            e.sources_count,
            e.certainty,
            tuple(s.event_key for s in e.sources),
            e.location.name,
        )
        for e in page
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_database")


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def test_three_outlets_merge_into_one_event(store):
    assert [store.add_extraction(x) for x in strike_reports()] == ["added"] * 3
    page, cursor = store.query_events()
    assert cursor is None and len(page) == 1
    ev = page[0]
    assert ev.fatalities.model_dump() == {"low": 2, "best": 3, "high": 5}
    assert ev.sources_count == 3 and ev.certainty == "confirmed"
    full = store.get_event(ev.id)
    assert {s.outlet: s.fatalities.best for s in full.sources} == {
        "Northern Ledger": 2,
        "Tigris Wire": 3,
        "Daily Compass": 5,
    }
    wire = next(s for s in full.sources if s.outlet == "Tigris Wire")
    report = store.get_report(wire.report_id)
    ev0 = wire.evidence[0]
    assert report["text"][ev0.start : ev0.end] == ev0.sentence
    assert report["events"][0]["merged_event_id"] == ev.id
    assert [q.text for q in full.quotes] == ["It burned all night."]
    assert store.get_event("wire-7#e1").id == ev.id
    assert store.get_event("nope") is None and store.get_report("nope") is None


def test_other_events_stay_apart_and_order_does_not_matter(db_url, tmp_path):
    reports = strike_reports() + other_reports()
    perms = list(itertools.permutations(range(len(reports))))
    chosen = perms[:: len(perms) // (6 if db_url.endswith(".db") else 2)]
    snaps = []
    for n, perm in enumerate(chosen):
        url = str(tmp_path / f"p{n}.db") if db_url.endswith(".db") else db_url
        with Store(url) as s:
            if not db_url.endswith(".db"):
                for x in reports:
                    s.remove_report(x.report.id)
            for i in perm:
                s.add_extraction(reports[i])
            snaps.append(snapshot(s))
    assert len(snaps[0]) == 3
    assert all(s == snaps[0] for s in snaps)


def links(store: Store) -> tuple[dict, dict]:
    """(mention key -> its merged event id, from report_events; the same from event_sources)."""
    from sqlalchemy import select

    from dateline.store import EventSourceRow, ReportEventRow

    with store.engine.connect() as conn:
        mentions = dict(conn.execute(select(ReportEventRow.key, ReportEventRow.event_id)).all())
        sources = dict(conn.execute(select(EventSourceRow.report_event_key, EventSourceRow.event_id)).all())
    return mentions, sources


def test_every_mention_points_at_the_event_that_lists_it(store):
    """The links of one write (one statement for every mention, many candidates asked once per block) put each
    mention in the merged event whose sources list it, through merges, a copy stored in one pass and a removal."""
    reports = strike_reports() + other_reports()
    for x in reports:
        store.add_extraction(x)
        mentions, sources = links(store)
        assert mentions == sources and None not in mentions.values()
    copies = [x.model_copy(update={"report": x.report.model_copy(update={"id": f"copy-{i}"})}) for i, x in
              enumerate([reports[0]] * 3)]  # fmt: skip
    store.add_new_extractions(copies)
    store.remove_report(reports[1].report.id)
    mentions, sources = links(store)
    assert mentions == sources and len(mentions) == sum(len(x.events) for x in reports) - 1 + 3
    assert {mentions[f"copy-{i}#e1"] for i in range(3)} == {mentions["ledger-1#e1"]}


def test_reingest_is_a_noop_and_reextract_updates(store):
    reports = strike_reports()
    for x in reports:
        store.add_extraction(x)
    before = snapshot(store)
    assert [store.add_extraction(x) for x in reports] == ["unchanged"] * 3
    assert [store.add_extraction(x, reextract=True) for x in reports] == ["unchanged"] * 3
    newer = reports[1].model_copy(update={"dateline_version": "0.2.0"})
    assert store.add_extraction(newer) == "unchanged"
    assert store.add_extraction(newer, reextract=True) == "updated"
    assert snapshot(store) == before
    assert store.stats()["reports"] == 3 and store.stats()["mentions"] == 3


def test_changed_report_is_replaced_and_events_remerged(store):
    for x in strike_reports():
        store.add_extraction(x)
    # the third outlet corrects its story: the strike was in Basra after all -> its event splits off
    third = strike_reports()[2]
    text = third.report.text.replace("northern Iraq", "Basra")
    fixed = make_report("compass-3", "Daily Compass", text, [lambda t: make_event(t, t, killed=5, location=BASRA)])
    assert store.add_extraction(fixed) == "updated"
    page, _ = store.query_events(sort="sources")
    assert [e.sources_count for e in page] == [2, 1]
    assert page[0].fatalities.model_dump() == {"low": 2, "best": 2, "high": 3}
    assert store.remove_report("ledger-1") and not store.remove_report("ledger-1")
    assert sorted(e.sources_count for e in store.query_events()[0]) == [1, 1]


def test_cli_filters_are_the_event_filter(store, capsys):
    """`dateline events` has one option per EventFilter field, parsed and checked by it."""
    import argparse

    from dateline.cmd_store import add_arguments
    from dateline.filters import SORTS, EventFilter

    events = argparse.ArgumentParser()
    add_arguments(events, "events")
    options = {a.dest: a for a in events._actions}
    assert set(options) - {"help", "db", "sort", "limit", "format", "output"} == set(EventFilter.model_fields)
    assert options["min_sources"].option_strings == ["--min-sources"] and tuple(options["sort"].choices) == SORTS
    for x in strike_reports() + other_reports():
        store.add_extraction(x)
    db = store.url
    assert (
        cli_main(
            [
                "events",
                "--db",
                db,
                "--format",
                "jsonl",
                "--since",
                "2024-03",
                "--until",
                "2024-03",
                "--type",
                "assault",
                "--near",
                "36.3,43.1,25",
            ]
        )
        == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert cli_main(["events", "--db", db, "--format", "jsonl", "--until", "2024-03-11"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # the Basra protest of the 12th is after
    for argv, words in (
        (["--type", "massacre"], "--type: Input should be"),
        (["--since", "2024-04", "--until", "2024-03"], "--until: since (2024-04-01) is after"),
        (["--near", "36,43,0"], "--near: radius must be"),
        (["--min-sources", "0"], "--min-sources: Input should be greater"),
    ):
        assert cli_main(["events", "--db", db, *argv]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"dateline events: error: {words}"), err


def test_filters_and_cursor_pages(store):
    for x in strike_reports() + other_reports():
        store.add_extraction(x)
    q = store.query_events
    assert len(q()[0]) == 3
    assert {e.type for e in q(type="assault")[0]} == {"ASSAULT"}
    assert len(q(country="Iraq")[0]) == 3 and q(country="SY")[0] == []
    assert [e.location.name for e in q(since="2024-03-12")[0]] == ["Basra"]
    assert len(q(until="2024-03")[0]) == 3 and q(since="2025")[0] == []
    assert len(q(near=(36.3, 43.1, 25))[0]) == 2 and q(near=(30.5, 47.8, 10))[0][0].type == "PROTEST"
    assert sorted(e.mode for e in q(actor="red valley")[0]) == ["drone", "firearms"]
    assert [e.mode for e in q(actor="shield")[0]] == ["drone"]
    assert q(text="market traders")[0][0].mode == "firearms"
    assert [e.sources_count for e in q(min_sources=2)[0]] == [3]
    seen, cursor = [], None
    while True:
        page, cursor = q(limit=1, cursor=cursor, sort="oldest")
        seen += [e.id for e in page]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 3
    assert [e.mode for e in q(sort="fatalities")[0]] == ["firearms", "drone", None]
    assert q(sort="sources", limit=1)[0][0].sources_count == 3
    with pytest.raises(DatelineError):
        q(since="March")
    with pytest.raises(DatelineError):
        q(cursor="!!!")


def test_stats_and_extractions_roundtrip(store):
    reports = strike_reports() + other_reports()
    for x in reports:
        store.add_extraction(x)
    stats = store.stats()
    assert stats["events"] == 3 and stats["reports"] == 5 and stats["mentions"] == 5
    assert stats["by_type"] == {"ASSAULT": 2, "PROTEST": 1}
    assert stats["by_country"] == {"IQ": 3} and stats["by_month"] == {"2024-03": 3}
    assert stats["multi_source_events"] == 1
    back = {x.report.id: x for x in store.extractions()}
    assert back == {x.report.id: x for x in reports}


def test_dates_are_text_in_the_columns_and_dates_in_what_is_read(store):
    """The date columns hold YYYY-MM-DD text (the filters compare it as text); what the store returns has dates."""
    from sqlalchemy import select

    from dateline.store import EventRow, ReportEventRow, ReportRow

    for x in strike_reports():
        store.add_extraction(x)
    with store.engine.connect() as conn:
        assert set(conn.execute(select(ReportRow.published)).scalars()) == {"2024-03-12"}
        mentions = conn.execute(select(ReportEventRow.date_start, ReportEventRow.date_end, ReportEventRow.published))
        assert set(mentions.all()) == {("2024-03-11", "2024-03-11", "2024-03-12")}
        assert conn.execute(select(EventRow.date_start, EventRow.sort_date)).all() == [("2024-03-11", "2024-03-11")]
    [event], _ = store.query_events()
    assert (event.date.start, event.sources[0].published) == (dt.date(2024, 3, 11), dt.date(2024, 3, 12))
    assert {type(x.report.published) for x in store.extractions()} == {dt.date}


def test_database_urls(tmp_path, monkeypatch):
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(str(tmp_path / "x.db")).startswith("sqlite:////")
    monkeypatch.setenv("DATELINE_DB", str(tmp_path / "env.db"))
    assert database_url(None).endswith("env.db")
    with pytest.raises(DatelineError, match="does not exist"):
        Store(str(tmp_path / "missing" / "x.db"))


@pytest.mark.parametrize(
    "argv",
    [["events"], ["events", "--format", "csv"], ["event", "ev_1"], ["stats", "--json"], ["serve", "--port", "8123"]],
)
@pytest.mark.parametrize("as_url", [False, True])
def test_reading_commands_refuse_a_missing_database(argv, as_url, tmp_path, capsys, monkeypatch):
    """A mistyped --db on a command that only reads is one error line and exit 2, and no empty store appears."""
    path = tmp_path / "evnets.db"
    db = f"sqlite:///{path}" if as_url else str(path)
    assert cli_main([*argv, "--db", db]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"dateline {argv[0]}: error: database {db} does not exist"), err
    assert "dateline ingest" in err[0] and captured.out == ""
    assert not path.exists()
    monkeypatch.chdir(tmp_path)  # no --db and no ./dateline.db: the default is refused too
    monkeypatch.delenv("DATELINE_DB", raising=False)
    assert cli_main(argv) == 2 and not (tmp_path / "dateline.db").exists()
    with pytest.raises(DatelineError, match="does not exist"):
        Store(db, create=False)
    Store(db).close()  # writing code (ingest, the API's create_app, tests) still creates it
    with Store(db, create=False) as s:
        assert s.stats()["events"] == 0


# ---- crash safety ---------------------------------------------------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    from dateline.records import Extraction
    from dateline.store import Store
    url, path, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(url)
    calls = 0
    original = Store._link
    def dying_link(self, conn, new):
        global calls
        calls += 1
        original(self, conn, new)
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction: report rows written, not committed
    Store._link = dying_link
    for line in open(path):
        store.add_extraction(Extraction.model_validate_json(line))
""")


def test_killed_midway_then_rerun_loses_and_doubles_nothing(db_url, tmp_path):
    reports = strike_reports() + other_reports()
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(x.model_dump_json() + "\n" for x in reports))
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    done = subprocess.run([sys.executable, str(script), db_url, str(corpus), "3"], capture_output=True, timeout=60)
    assert done.returncode == -9
    with Store(db_url) as s:
        assert s.stats()["reports"] == 2  # the third was rolled back
        statuses = [s.add_extraction(x) for x in reports]
        assert statuses == ["unchanged"] * 2 + ["added"] * 3
        got = snapshot(s)
    clean = tmp_path / "clean.db"
    with Store(str(clean)) as s:
        for x in reports:
            s.add_extraction(x)
        assert snapshot(s) == got


# ---- exports --------------------------------------------------------------------------------------------------------


def test_exports(store, tmp_path):
    from dateline.export import COLUMNS, write_events

    for x in strike_reports() + other_reports():
        store.add_extraction(x)
    events = store.query_events(sort="oldest")[0]
    out = io.StringIO()
    assert write_events(events, "csv", out=out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == COLUMNS
    assert COLUMNS[:8] == [
        "event_id_cnty",
        "event_date",
        "year",
        "time_precision",
        "disorder_type",
        "event_type",
        "sub_event_type",
        "actor1",
    ]
    protest = next(r for r in rows if r["plover_type"] == "PROTEST")
    assert (protest["event_type"], protest["event_date"], protest["actor1"], protest["inter1"]) == (
        "Protests",
        "2024-03-12",
        "Protesters (Iraq)",
        "6",
    )
    strike = next(r for r in rows if r["sources_count"] == "3")
    assert strike["country"] == "Iraq" and strike["fatalities"] == "2" and strike["fatalities_high"] == "5"
    assert strike["geo_precision"] == "1" and strike["time_precision"] == "1"
    assert strike["source"] == "Daily Compass; Northern Ledger; Tigris Wire"
    assert strike["event_type"] == "Explosions/Remote violence" and strike["sub_event_type"] == "Air/drone strike"
    assert (strike["actor1"], strike["actor2"], strike["interaction"]) == (
        "Northern Shield militia",
        "Red Valley Brigade",
        "33",
    )
    assert (strike["admin1"], strike["location"], strike["latitude"]) == ("Nineveh", "Mosul", "36.34")
    out = io.StringIO()
    write_events(events, "geojson", out=out)
    geo = json.loads(out.getvalue())
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 3
    assert geo["features"][0]["geometry"]["coordinates"] == [43.13, 36.34]
    out = io.StringIO()
    write_events(events, "jsonl", out=out)
    assert [json.loads(line)["sources"][0]["evidence"] for line in out.getvalue().splitlines()]
    import pyarrow.parquet as pq

    write_events(events, "parquet", path=str(tmp_path / "e.parquet"))
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == 3 and "event_json" in table.column_names
    with pytest.raises(DatelineError, match="--output"):
        write_events(events, "parquet", out=io.StringIO())


# ---- CLI ------------------------------------------------------------------------------------------------------------


def test_cli_events_event_stats(db_url, tmp_path, capsys):
    db = db_url
    with Store(db) as s:
        for x in strike_reports() + other_reports():
            s.add_extraction(x)
        strike_id = s.query_events(min_sources=3)[0][0].id
    assert cli_main(["events", "--db", db, "--format", "jsonl", "--type", "ASSAULT", "--near", "36.3,43.1,30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert cli_main(["events", "--db", db]) == 0
    assert strike_id in capsys.readouterr().out
    assert cli_main(["events", "--db", db, "--format", "csv", "--min-sources", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("event_id_cnty,event_date,year")
    assert cli_main(["events", "--db", db, "--limit", "2"]) == 0
    assert "showing the first 2 events" in capsys.readouterr().err
    assert cli_main(["events", "--db", db, "--limit", "-1"]) == 2
    assert "--limit" in capsys.readouterr().err
    assert cli_main(["events", "--db", db, "--format", "parquet"]) == 2
    assert "--output" in capsys.readouterr().err
    assert cli_main(["events", "--db", db, "--format", "geojson", "-o", str(tmp_path / "e.geojson")]) == 0
    assert len(json.loads((tmp_path / "e.geojson").read_text())["features"]) == 3
    assert cli_main(["event", "--db", db, strike_id]) == 0
    out = capsys.readouterr().out
    assert "killed:     2-5" in out and "Tigris Wire" in out and "It burned all night." in out
    assert cli_main(["event", "--db", db, "ev_missing"]) == 2
    assert cli_main(["stats", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["by_type"] == {"ASSAULT": 2, "PROTEST": 1}
    assert cli_main(["events", "--db", db, "--near", "x"]) == 2


def _write_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.txt").write_text("A drone strike hit a fuel depot in Mosul on Monday, killing two guards.\n")
    (folder / "a.meta.json").write_text(json.dumps({"published": "2024-03-12", "outlet": "Northern Ledger"}))
    (folder / "b.txt").write_text("Dock workers marched through Basra on Tuesday demanding unpaid wages.\n")
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary junk \x00")


def test_cli_ingest_with_stub_pipeline(tmp_path, monkeypatch, capsys):
    """Ingest machinery without NLP: bad files reported in one line, failures isolated, re-run is a no-op."""
    from dateline import pipeline

    def fake_extract(report):
        if "Basra" in report.text and os.environ.get("FAIL_BASRA"):
            raise RuntimeError("stage crashed")
        return Extraction(report=report, dateline_version="0.1.0")

    monkeypatch.setattr(pipeline, "extract", fake_extract)
    monkeypatch.setattr(pipeline, "extract_many", lambda reports, n_process=1: (fake_extract(r) for r in reports))
    _write_corpus(tmp_path / "in")
    db = str(tmp_path / "in.db")
    monkeypatch.setenv("FAIL_BASRA", "1")
    assert cli_main(["ingest", "--db", db, str(tmp_path / "in")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert sum("error:" in line for line in err) == 2
    assert any("bad.txt" in line for line in err) and any("stage crashed" in line for line in err)
    assert "1 added" in err[-1] and "2 failed" in err[-1]
    monkeypatch.delenv("FAIL_BASRA")
    assert cli_main(["ingest", "--db", db, "-q", str(tmp_path / "in" / "a.txt"), str(tmp_path / "in" / "b.txt")]) == 0
    assert capsys.readouterr().err == ""
    assert cli_main(["ingest", "--db", db, str(tmp_path / "in" / "a.txt"), str(tmp_path / "in" / "b.txt")]) == 0
    assert "2 unchanged" in capsys.readouterr().err


def test_ingest_yields_one_outcome_per_input(tmp_path, monkeypatch):
    """dateline.ingest, the path both `dateline ingest` and POST /api/reports take: skip unchanged before extracting,
    pass read errors on, refuse a second report with a used id, fail an extraction or a store write alone."""
    from dateline import pipeline
    from dateline.ingest import ingest

    extracted: list[str] = []

    def fake_extract(report):
        extracted.append(report.id)
        if "crash" in report.text:
            raise RuntimeError("stage crashed")
        return Extraction(report=report, dateline_version="0.1.0")

    monkeypatch.setattr(pipeline, "extract", fake_extract)
    monkeypatch.setattr(pipeline, "extract_many", lambda reports, n_process=1: [fake_extract(r) for r in reports])
    a = Report(id="a", text="Dock workers marched in Basra.", source_path="in/a.txt")
    other_a = Report(id="a", text="Something else entirely.", source_path="in/b/a.txt")
    crash = Report(id="c", text="This one makes a stage crash.")
    with Store(str(tmp_path / "i.db")) as store:
        outcomes = list(ingest(store, [a, DatelineError("in/junk.txt: binary file"), a, other_a, crash]))
        assert [(o.status, o.stage) for o in outcomes] == [
            ("failed", "read"),
            ("unchanged", None),
            ("failed", "read"),
            ("added", None),
            ("failed", "extract"),
        ]
        assert outcomes[0].message == "in/junk.txt: binary file"
        assert outcomes[2].message.startswith("in/b/a.txt: report id 'a' is already used in this run by in/a.txt")
        assert outcomes[3].extraction.report == a and outcomes[4].message == "c: extraction failed: stage crashed"
        extracted.clear()
        assert [o.status for o in ingest(store, [a])] == ["unchanged"] and extracted == []  # not extracted again
        assert [o.status for o in ingest(store, [a.model_copy(update={"title": "New"})])] == ["updated"]

        def full_disk(extraction, reextract=False):
            raise DatelineError("disk full\nsecond line")

        monkeypatch.setattr(store, "add_extraction", full_disk)
        (failed,) = ingest(store, [Report(id="d", text="Another report.")])
        assert (failed.status, failed.stage, failed.message) == ("failed", "store", "d: not stored: disk full")


def test_cli_ingest_real_pipeline(tmp_path, capsys):
    _write_corpus(tmp_path / "in")
    db = str(tmp_path / "real.db")
    assert cli_main(["ingest", "--db", db, str(tmp_path / "in")]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "2 added" in err
    with Store(db) as s:
        assert s.stats()["reports"] == 2
        report = s.get_report("a")
        assert report["outlet"] == "Northern Ledger" and report["published"] == "2024-03-12"
        assert report["text"].startswith("A drone strike")
        assert len(list(s.extractions())) == 2


def test_month_dated_report_joins_the_day_event(store):
    for x in strike_reports():
        store.add_extraction(x)
    text = "Earlier this month a drone strike on a fuel depot in Mosul killed several guards."

    def month_event(t: str) -> Event:
        ev = make_event(t, t)
        return ev.model_copy(update={"date": DateRange(start="2024-03-01", end="2024-03-31", precision="month")})

    assert store.add_extraction(make_report("late-9", "Late Review", text, [month_event])) == "added"
    page, _ = store.query_events()
    assert len(page) == 1 and page[0].sources_count == 4
    assert page[0].date.start == dt.date(2024, 3, 11)  # the day-precise sources decide the date


# ---- `dateline ingest` end to end: real pipeline, real processes, SQLite and PostgreSQL -----------------------------

# Invented reports (written for these tests): one drone strike told by two outlets, a different attack the same
# day in the same city, and a protest in another city. Each "week" repeats them a week later under new ids.
E2E_REPORTS = {
    "ledger-depot": (
        "Northern Ledger",
        "Drone strike on Mosul fuel depot kills two\n\n"
        "A drone strike hit a fuel depot in Mosul on Monday, killing two guards, police said.\n\n"
        "The depot, on the western edge of the city, burned for several hours before firefighters "
        "brought the blaze under control.\n",
    ),
    "wire-depot": (
        "Tigris Wire",
        "Three killed as drone strikes Mosul fuel depot\n\n"
        "Three people were killed when a drone struck a fuel depot in Mosul on Monday, a local official "
        'said.\n\n"The fire could be seen across the city," said Karim Haddad, a spokesman for the '
        "provincial council. No group has said it carried out the attack.\n",
    ),
    "compass-market": (
        "Daily Compass",
        "Gunmen attack Mosul market\n\n"
        "Gunmen opened fire on traders at a market in Mosul on Monday, killing four people, police "
        "said.\n\nThe attackers fled on motorcycles, witnesses said.\n",
    ),
    "compass-basra": (
        "Daily Compass",
        "Dock workers march in Basra\n\n"
        "Hundreds of dock workers marched through Basra on Tuesday to demand unpaid wages, organisers "
        "said.\n",
    ),
}


def write_e2e_corpus(folder: Path, weeks: int) -> int:
    """Weeks 0-5 as .txt files (one .html) with .meta.json sidecars in nested folders, later weeks as JSON Lines."""
    rows = []
    for week in range(weeks):
        published = (dt.date(2024, 3, 12) + dt.timedelta(days=7 * week)).isoformat()  # a Tuesday
        for rid, (outlet, text) in E2E_REPORTS.items():
            meta = {
                "id": f"{rid}-{week}",
                "outlet": outlet,
                "published": published,
                "url": f"https://example.org/{rid}/{week}",
            }
            if week < 6:
                sub = folder / f"week{week}"
                sub.mkdir(parents=True, exist_ok=True)
                if week == 1 and rid == "compass-basra":  # one web page, boilerplate and all
                    title, body = text.split("\n\n", 1)
                    (sub / f"{rid}.html").write_text(
                        f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home | World</nav>"
                        f"<article><h1>{title}</h1><p>{body}</p></article><footer>Daily Compass</footer></body></html>"
                    )
                else:
                    (sub / f"{rid}.txt").write_text(text)
                (sub / f"{rid}.meta.json").write_text(json.dumps(meta))
            else:
                rows.append({**meta, "text": text})
    if rows:
        (folder / "later.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return weeks * len(E2E_REPORTS)


def _count_reports(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM reports")).scalar()
    except Exception:  # noqa: BLE001 - the table does not exist until the killed run has migrated
        return 0
    finally:
        engine.dispose()


def table_counts(store: Store) -> dict[str, int]:
    from sqlalchemy import func, select

    from dateline.store import Base

    with store.engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar()
            for name, table in Base.metadata.tables.items()
        }


def assert_depot_merged_market_apart(store: Store, week: int) -> None:
    """What any reasonable extraction gives: the two depot reports are one event, the market attack another."""
    page, _ = store.query_events(limit=1000)
    owner = {s.report_id: e for e in page for s in e.sources}
    depot = owner[f"ledger-depot-{week}"]
    assert depot.type == "ASSAULT"
    assert {s.report_id for s in depot.sources} >= {f"ledger-depot-{week}", f"wire-depot-{week}"}
    assert depot.sources_count == 2
    assert f"compass-market-{week}" not in {s.report_id for s in depot.sources}
    figures = {s.outlet: s.fatalities and s.fatalities.best for s in depot.sources}
    if figures == {"Northern Ledger": 2, "Tigris Wire": 3}:  # the pipeline read both tolls: range is kept
        assert (depot.fatalities.low, depot.fatalities.high) == (2, 3)


def test_ingest_killed_midway_then_rerun_matches_a_clean_run(db_url, tmp_path, capsys):
    """SIGKILL a real `dateline ingest` process mid-corpus, run it again: nothing lost, nothing doubled."""
    import signal
    import time

    corpus = tmp_path / "corpus"
    n = write_e2e_corpus(corpus, weeks=12)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dateline", "ingest", "-q", "--db", db_url, str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while _count_reports(db_url) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    stored_when_killed = _count_reports(db_url)
    assert 0 < stored_when_killed < n

    assert cli_main(["ingest", "--db", db_url, str(corpus)]) == 0
    err = capsys.readouterr().err
    assert f"{n - stored_when_killed} added, 0 updated, {stored_when_killed} unchanged, 0 failed" in err
    assert cli_main(["ingest", "--db", db_url, str(corpus)]) == 0  # and again: a no-op
    assert f"0 added, 0 updated, {n} unchanged" in capsys.readouterr().err

    clean = str(tmp_path / "clean.db")
    assert cli_main(["ingest", "-q", "--db", clean, str(corpus)]) == 0
    with Store(db_url) as resumed, Store(clean) as reference:
        assert snapshot(resumed) == snapshot(reference)
        assert resumed.stats() == reference.stats()
        assert table_counts(resumed) == table_counts(reference)  # quotes, entities, sources: none lost or doubled
        assert table_counts(resumed)["entities"] > 0 and table_counts(resumed)["quotes"] > 0
        assert resumed.stats()["reports"] == n
        for week in (0, 11):  # a week read from files and one from the JSON Lines corpus
            assert_depot_merged_market_apart(resumed, week)
        page = resumed.get_report("compass-basra-1")
        assert page["title"] == "Dock workers march in Basra" and "Home | World" not in page["text"]


def test_ingest_order_does_not_change_the_events(db_url, tmp_path, capsys):
    """The same reports ingested file by file in two orders, and all at once, give the same merged events."""
    corpus = tmp_path / "corpus"
    write_e2e_corpus(corpus, weeks=1)
    files = sorted((corpus / "week0").glob("*.txt"))
    orders = [files, files[::-1], [corpus]]
    snaps = []
    for n, order in enumerate(orders):
        url = db_url if n == 0 else str(tmp_path / f"order{n}.db")
        for path in order:
            assert cli_main(["ingest", "-q", "--db", url, str(path)]) == 0
        with Store(url) as s:
            snaps.append(snapshot(s))
            assert_depot_merged_market_apart(s, 0)
    assert snaps[0] == snaps[1] == snaps[2]
    assert capsys.readouterr().err == ""


def test_ingest_bad_files_among_good_ones(db_url, tmp_path, capsys):
    """Each bad input costs one stderr line and exit status 1; every good report is stored."""
    corpus = tmp_path / "corpus"
    write_e2e_corpus(corpus, weeks=1)
    (corpus / "junk.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary junk \x00")
    (corpus / "empty.txt").write_text("   \n")
    (corpus / "broken.jsonl").write_text('{"text": "Police arrested two men in Basra on Monday."}\n{not json\n')
    assert cli_main(["ingest", "--db", db_url, str(corpus), str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in err if "error:" in line]
    assert len(errors) == 4, err
    for name in ("junk.txt", "empty.txt", "broken.jsonl:2", "missing.txt"):
        assert sum(name in line for line in errors) == 1, (name, errors)
    assert "Traceback" not in "\n".join(err)
    assert "5 added" in err[-1] and "4 failed" in err[-1]
    with Store(db_url) as s:
        assert s.stats()["reports"] == 5


def test_ingest_refuses_two_reports_with_one_id(tmp_path, capsys):
    """a/report.txt and b/report.txt both default to id 'report': the second is refused, not swapped in."""
    for sub, rid in (("a", "ledger-depot"), ("b", "wire-depot")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "report.txt").write_text(E2E_REPORTS[rid][1])
    db = str(tmp_path / "dup.db")
    assert cli_main(["ingest", "--db", db, str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err.splitlines()
    a, b = tmp_path / "a" / "report.txt", tmp_path / "b" / "report.txt"
    assert [line for line in err if "error:" in line] == [
        f"dateline ingest: error: {b}: report id 'report' is already used in this run by {a}; "
        'give one of them its own "id" (in its .meta.json or JSON Lines row)'
    ]
    assert "1 added" in err[-1] and "1 unchanged" in err[-1] and "1 failed" in err[-1]
    with Store(db) as s:
        assert s.get_report("report")["text"].startswith("Drone strike on Mosul")


# ---- hostile input --------------------------------------------------------------------------------------------------

FORMULA_CELLS = {
    "outlet": '=HYPERLINK("https://evil.example","click")',
    "initiator": "+cmd|' /C calc'!A0",
    "target": "-2+3",
    "summary": "@SUM(A1:A9)",
    "location": "\t=1+1",
    "admin1": "\r=1+1",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_report() -> Extraction:
    """An event whose every text field a spreadsheet would run as a formula, at a point with negative coordinates."""
    text = "A drone strike hit a fuel depot near Manaus on Monday, killing two guards."
    place = Location(
        name=FORMULA_CELLS["location"],
        admin1=FORMULA_CELLS["admin1"],
        country="BR",
        lat=-3.5,
        lon=-60.0,
        precision="city",
        text="Manaus",
    )
    event = make_event(
        text, text, location=place, initiator=FORMULA_CELLS["initiator"], target=FORMULA_CELLS["target"], killed=2
    )
    return make_report(
        "formula-1",
        FORMULA_CELLS["outlet"],
        text,
        [lambda t: event.model_copy(update={"summary": FORMULA_CELLS["summary"]})],
    )


def assert_formulas_neutralised(rows: list[dict]) -> None:
    """Each text cell that starts like a formula starts with a quote instead (OWASP); numbers are left alone. A
    carriage return is written as a line break inside the quoted cell, never as a bare CR that would end the row."""
    (row,) = rows
    assert (row["latitude"], row["longitude"], row["fatalities"]) == ("-3.5", "-60.0", "2")
    assert [k for k, v in row.items() if v.startswith(TRIGGERS) and k not in ("latitude", "longitude")] == []
    cells = {
        "source": "outlet",
        "actor1": "initiator",
        "actor2": "target",
        "notes": "summary",
        "location": "location",
        "admin1": "admin1",
    }
    expected = {col: "'" + FORMULA_CELLS[key].replace("\r", "\n") for col, key in cells.items()}
    assert {col: row[col] for col in cells} == expected


def test_csv_export_neutralises_formulas(db_url, capsys):
    with Store(db_url) as s:
        s.add_extraction(formula_report())
    assert cli_main(["events", "--db", db_url, "--format", "csv"]) == 0
    assert_formulas_neutralised(list(csv.DictReader(io.StringIO(capsys.readouterr().out))))


NUL_FREE = "Gunmen opened fire on a bus near Jos on Sunday, killing seven passengers, police said."


def test_ingest_implausible_figures_and_nul_bytes(db_url, tmp_path, capsys):
    """Figures past any toll are no counts (SQLite INTEGER stops at 2**63, PostgreSQL's at 2**31); NUL bytes, which
    PostgreSQL refuses in text, are dropped when the report is read, so both databases store the same text."""
    from dateline.casualties import MAX_COUNT

    rows = [
        {
            "id": "huge",
            "published": "2024-06-05",
            "text": f"Gunmen killed {2**63} villagers near Jos on Sunday. A bomb killed {'9' * 400} people in Kano on "
            "Monday and wounded 2147483648 others, officials said.",
        },
        {"id": "nul", "published": "2024-06-05", "text": NUL_FREE.replace("seven", "seven\x00")},
    ]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert cli_main(["ingest", "--db", db_url, str(tmp_path / "rows.jsonl")]) == 0, capsys.readouterr().err
    with Store(db_url) as s:
        assert s.get_report("nul")["text"] == NUL_FREE
        assert "Gunmen killed 9223372036854775808 villagers" in s.get_report("huge")["text"]
        events, _ = s.query_events(limit=100)
    figures = [
        v
        for e in events
        for c in (e.fatalities, e.injuries)
        if c
        for v in (c.low, c.best, c.high)
        if isinstance(v, int)
    ]
    assert 7 in figures and max(figures) <= MAX_COUNT


def test_ingest_wrongly_typed_metadata(tmp_path, capsys):
    """Each report with a wrongly typed field is one error line; every other report of the batch is stored."""
    good = {"text": "Troops arrested a militia commander in Goma on Monday.", "published": "2024-02-13"}
    rows = [{**good, "id": "ok"}, {**good, "id": "t", "title": 42}, {**good, "id": ["a"]}, {**good, "url": {}}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    (tmp_path / "side.txt").write_text("Dock workers marched through Basra on Tuesday demanding unpaid wages.\n")
    (tmp_path / "side.meta.json").write_text(json.dumps({"published": "2024-03-12", "outlet": ["Daily", "Compass"]}))
    db = str(tmp_path / "typed.db")
    assert cli_main(["ingest", "--db", db, str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in err if "error:" in line]
    expected = [
        ("rows.jsonl:2", "'title'"),
        ("rows.jsonl:3", "'id'"),
        ("rows.jsonl:4", "'url'"),
        ("side.meta.json", "'outlet'"),
    ]
    assert len(errors) == len(expected), errors
    for line, (where, field) in zip(errors, expected, strict=True):
        assert where in line and field in line, line
    assert "1 added" in err[-1] and "4 failed" in err[-1]
    with Store(db) as s:
        assert s.stats()["reports"] == 1 and s.get_report("ok")


def _run_in_terminal(argv: list[str]) -> tuple[int, str]:
    """Run a command with a pseudo-terminal as stdout and stderr, as a user at a shell would; its output and status."""
    import pty

    main_fd, sub_fd = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=sub_fd, stderr=sub_fd, env=env)
    os.close(sub_fd)
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 65536)
        except OSError:  # the terminal is closed once the process has exited
            break
        if not data:
            break
        chunks.append(data)
    os.close(main_fd)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_ingest_shows_progress_in_a_terminal_and_q_silences_it(tmp_path):
    corpus = tmp_path / "corpus"
    n = write_e2e_corpus(corpus, weeks=2)
    db = str(tmp_path / "tty.db")
    status, shown = _run_in_terminal([sys.executable, "-m", "dateline", "ingest", "--db", db, str(corpus)])
    assert status == 0, shown
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    bar, summary = plain.rsplit("dateline ingest: ", 1)
    assert "━" in bar and f" {n} reports: {n} added" in bar  # rich's bar, with the tally as reports are stored
    assert summary.startswith(f"{n} reports: {n} added")
    status, shown = _run_in_terminal([sys.executable, "-m", "dateline", "ingest", "-q", "--db", db, str(corpus)])
    assert (status, shown) == (0, "")


def _head_revision() -> str:
    """The newest Alembic revision in the project's migrations folder."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_migrations_build_exactly_the_models_schema(db_url):
    """The Alembic revisions and the SQLAlchemy models describe the same tables, indexes and types."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dateline.store import Base

    with Store(db_url) as s, s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert diff == []
    assert version == _head_revision()


def test_ingest_reextract_redoes_reports_of_older_code(tmp_path, capsys):
    """After an upgrade (another dateline version or extraction code), only `--reextract` redoes stored reports."""
    from sqlalchemy import update

    from dateline.store import ReportRow

    corpus = tmp_path / "corpus"
    n = write_e2e_corpus(corpus, weeks=1)
    db = str(tmp_path / "up.db")
    assert cli_main(["ingest", "-q", "--db", db, str(corpus)]) == 0
    with Store(db) as s, s.engine.begin() as conn:  # as if stored by an older release
        conn.execute(update(ReportRow).values(dateline_version="0.0.1", code_hash="older"))
        before = snapshot(s)
    assert cli_main(["ingest", "--db", db, str(corpus)]) == 0
    assert f"0 added, 0 updated, {n} unchanged" in capsys.readouterr().err
    assert cli_main(["ingest", "--reextract", "--db", db, str(corpus)]) == 0
    assert f"0 added, {n} updated, 0 unchanged" in capsys.readouterr().err
    with Store(db) as s:
        assert snapshot(s) == before and s.stats()["reports"] == n
        assert {x.dateline_version for x in s.extractions()} != {"0.0.1"}
    assert cli_main(["ingest", "--reextract", "--db", db, str(corpus)]) == 0
    assert f"0 added, 0 updated, {n} unchanged" in capsys.readouterr().err


def test_cli_file_formats_export_every_event_tables_show_a_page(tmp_path, capsys):
    db = str(tmp_path / "many.db")
    members = []
    for n in range(130):
        day = (dt.date(2024, 1, 1) + dt.timedelta(days=3 * n)).isoformat()  # apart: beyond the one-day slop
        text = f"Dock workers marched through Basra on day {n} demanding unpaid wages."
        ev = make_event(
            text,
            text,
            type_="PROTEST",
            mode=None,
            day=day,
            location=BASRA,
            initiator="dock workers",
            target=None,
            trigger="marched",
        )
        members.append(
            {
                "key": f"r{n}#e1",
                "report_id": f"r{n}",
                "outlet": "Daily Compass",
                "published": day,
                "url": None,
                "title": None,
                "event": ev.model_dump(mode="json"),
            }
        )
    with Store(db) as s:
        assert s.bulk_load_merged(members) == 130
    assert cli_main(["events", "--db", db, "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 131
    assert cli_main(["events", "--db", db, "--format", "jsonl", "--limit", "5"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert cli_main(["events", "--db", db]) == 0
    shown = capsys.readouterr()
    assert shown.out.count("PROTEST") == 100 and "showing the first 100 events" in shown.err


def test_a_store_made_before_embeddings_is_upgraded(tmp_path):
    """A database at revision 0001 (no embedding column) gets it when a Store opens, and keeps its reports."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect

    url = database_url(str(tmp_path / "old.db"))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        assert "embedding" not in {c["name"] for c in inspect(conn).get_columns("report_events")}
    engine.dispose()
    with Store(str(tmp_path / "old.db"), embed=False) as s:
        s.add_extraction(strike_reports()[0])
        with s.engine.connect() as conn:
            assert "embedding" in {c["name"] for c in inspect(conn).get_columns("report_events")}
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == _head_revision()
        assert len(s.query_events()[0]) == 1


def shepherd_reports() -> list[Extraction]:
    """One shooting told with a generic and a named initiator and different targets, and another attack."""
    t1 = "Gunmen shot dead a shepherd grazing his flock on the outskirts of Mosul on Monday."
    t2 = "A herder was killed by Red Valley Brigade gunfire in the pastures outside Mosul, his relatives said."
    t3 = "Two soldiers were killed when their patrol vehicle hit a roadside bomb outside Mosul on Monday."
    return [
        make_report(
            "herald-5",
            "Plains Herald",
            t1,
            [lambda t: make_event(t, t, mode="firearms", initiator="gunmen", target="shepherd", trigger="shot")],
        ),
        make_report(
            "wire-9",
            "Tigris Wire",
            t2,
            [
                lambda t: make_event(
                    t, t, mode="firearms", initiator="Red Valley Brigade", target="herder", trigger="killed"
                )
            ],
        ),
        make_report(
            "ledger-9",
            "Northern Ledger",
            t3,
            [lambda t: make_event(t, t, mode="explosives", initiator="gunmen", target="patrol vehicle", trigger="hit")],
        ),
    ]


@pytest.mark.skipif(not embed.available(), reason="model package not installed")
def test_ingest_with_embeddings_merges_the_grey_zone_in_any_order(db_url, tmp_path):
    from sqlalchemy import select

    from dateline.store import ReportEventRow

    with Store(str(tmp_path / "plain.db"), embed=False) as plain:
        for x in shepherd_reports():
            plain.add_extraction(x)
        assert len(plain.query_events()[0]) == 3  # generic vs named initiator: never linked on words alone
        with plain.engine.connect() as conn:
            assert set(conn.execute(select(ReportEventRow.embedding)).scalars()) == {None}
    snapshots = []
    for n, order in enumerate((shepherd_reports(), shepherd_reports()[::-1])):
        url = db_url if n == 0 else str(tmp_path / "reverse.db")
        with Store(url, embed=True) as s:
            for x in order:
                s.add_extraction(x)
            vectors = stored_vectors(s)
            assert {"herald-5#e1", "wire-9#e1"} <= {k for k, v in vectors.items() if v != PENDING_BYTES}
            snapshots.append(snapshot(s))
            if n == 0:  # removing a report re-clusters the rest with the stored vectors
                s.remove_report("wire-9")
                assert len(s.query_events()[0]) == 2
                s.add_extraction(shepherd_reports()[1])
                assert snapshot(s) == snapshots[0]
    assert snapshots[0] == snapshots[1]
    merged = [e for e in snapshots[0] if len(e[5]) == 2]
    assert len(snapshots[0]) == 2 and merged[0][5] == ("herald-5#e1", "wire-9#e1")


def stored_vectors(store: Store) -> dict[str, bytes | None]:
    """Each stored mention's embedding, checked: PENDING_BYTES or the vector of its event's text, as computed alone."""
    from sqlalchemy import select

    from dateline.store import ReportEventRow

    with store.engine.connect() as conn:
        rows = conn.execute(select(ReportEventRow.key, ReportEventRow.data, ReportEventRow.embedding)).all()
    for key, data, vector in rows:
        if vector not in (None, PENDING_BYTES):
            assert vector == embed.to_bytes(embed.embed([embed.event_text(data)])[0]), key
    return {key: vector for key, _, vector in rows}


@pytest.mark.skipif(not embed.available(), reason="model package not installed")
def test_vectors_computed_when_merging_needs_them_merge_as_vectors_for_every_event(tmp_path):
    """A store computes the vectors only of the events some grey-zone pair needs, those of stored events when a
    later report needs them, and merges as embedding every event at once would (merge.merge_all, every vector)."""
    from dateline.merge import merge_all

    reports = (
        shepherd_reports()
        + strike_reports()
        + [
            make_report(
                "late-1",
                "Late Courier",
                "Unknown assailants killed a shepherd near Mosul on Monday, his family said.",
                [
                    lambda t: make_event(
                        t, t, mode="firearms", initiator="unknown assailants", target="shepherd", trigger="killed"
                    )
                ],
            ),
            make_report(
                "far-1",
                "Far Post",
                "Teachers marched in Mosul in May over unpaid wages.",
                [
                    lambda t: make_event(
                        t, t, type_="PROTEST", day="2024-05-20", initiator="teachers", trigger="marched"
                    )
                ],
            ),
        ]
    )
    with Store(str(tmp_path / "lazy.db"), embed=True) as s:
        for n, x in enumerate(reports):
            s.add_extraction(x)
            if n == 0:
                assert set(stored_vectors(s).values()) == {PENDING_BYTES}  # alone, nothing needs its vector
        vectors = stored_vectors(s)
        assert PENDING_BYTES in vectors.values() and any(len(v) == 768 for v in vectors.values())
        assert len(vectors["herald-5#e1"]) == 768  # stored pending, computed when wire-9 came
        assert vectors["far-1#e1"] == PENDING_BYTES  # no other protest: never needed
        got = sorted(tuple(sorted(src.event_key for src in e.sources)) for e in s.query_events(limit=1000)[0])
        members = []
        for x in reports:
            for ev in x.events:
                data = ev.model_dump(mode="json")
                vector = embed.from_bytes(embed.to_bytes(embed.embed([embed.event_text(data)])[0]))
                members.append({"key": f"{x.report.id}#{ev.id}", "report_id": x.report.id, "outlet": x.report.outlet,
                                "published": x.report.published, "event": data, "embedding": vector})  # fmt: skip
        want = sorted(tuple(sorted(src["event_key"] for src in m["sources"])) for m in merge_all(members))
        assert got == want
        s.remove_report("wire-9")  # re-clusters the rest, computing what it needs
        stored_vectors(s)
        assert snapshot(s) == snapshot_of(reports, "wire-9", tmp_path)


def snapshot_of(reports: list[Extraction], without: str, tmp_path) -> list[tuple]:
    with Store(str(tmp_path / f"without-{without}.db"), embed=True) as s:
        for x in reports:
            if x.report.id != without:
                s.add_extraction(x)
        return snapshot(s)


def test_embeddings_asked_for_without_the_model_package_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "MODEL_PACKAGE", "no_such_model_package")
    with pytest.raises(DatelineError, match="model package"):
        Store(str(tmp_path / "x.db"), embed=True)
    monkeypatch.delenv("DATELINE_EMBED", raising=False)
    with Store(str(tmp_path / "y.db")) as s:  # by default: off when the model is missing, no error
        assert s.embed is False
    monkeypatch.setenv("DATELINE_EMBED", "1")
    with pytest.raises(DatelineError, match="model package"):
        Store(str(tmp_path / "z.db"))


@pytest.mark.skipif(not embed.available(), reason="model package not installed")
def test_a_store_opened_without_embeddings_merges_pending_mentions_on_the_rules(tmp_path, monkeypatch):
    """Mentions whose vectors are still PENDING, re-clustered by a store opened with embed=False: the rules decide,
    as in a store that never embedded, and no encoder is loaded (a user who turned embeddings off never pays)."""
    from sqlalchemy import update

    from dateline.store import ReportEventRow

    herald = shepherd_reports()[0]
    copy = make_report("copy-2", "Syndicate", herald.report.text, [lambda t: herald.events[0]])
    url = str(tmp_path / "mixed.db")
    with Store(url, embed=True) as s:
        for x in [*shepherd_reports(), copy]:
            s.add_extraction(x)
        with s.engine.begin() as conn:  # every vector not computed yet, as a store that never needed one keeps them
            conn.execute(update(ReportEventRow).values(embedding=PENDING_BYTES))

    def no_encoder(texts):
        raise AssertionError("the encoder was loaded by a store opened with embed=False")

    monkeypatch.setattr(embed, "embed", no_encoder)
    with Store(url, embed=False) as s:
        s.remove_report("copy-2")  # re-clusters the rest of its event: a grey-zone pair of two PENDING mentions
        got = snapshot(s)
    with Store(str(tmp_path / "plain.db"), embed=False) as plain:
        for x in shepherd_reports():
            plain.add_extraction(x)
        assert got == snapshot(plain)


def test_undated_reports_merge_in_the_store(store):
    """Reports with no publication date and no date in the text still meet: the store looks among the undated."""
    undated = DateRange(start=None, end=None, precision="unknown")
    for x in strike_reports()[:2] + other_reports()[:1]:
        x.report.published = None
        for ev in x.events:
            ev.date = undated
        store.add_extraction(x)
    page, _ = store.query_events()
    assert sorted(e.sources_count for e in page) == [1, 2]


def test_an_undated_mention_is_compared_with_the_newest_undated_ones_only(store, monkeypatch):
    """With no days to narrow the block, the store looks at the newest ``UNDATED_CANDIDATES`` undated mentions: a
    corpus of undated reports costs each new one a bounded lookup, not a scan of all before it."""
    import dateline.store as store_module

    monkeypatch.setattr(store_module, "UNDATED_CANDIDATES", 1)
    undated = DateRange(start=None, end=None, precision="unknown")
    first, second = strike_reports()[:2]
    days = (dt.date(2024, 3, 1), dt.date(2024, 3, 5), dt.date(2024, 3, 9))
    for x, published in zip((first, other_reports()[0], second), days, strict=True):
        x.report.published = published
        for ev in x.events:
            ev.date = undated
            ev.location = first.events[0].location
        store.add_extraction(x)
    page, _ = store.query_events()
    assert sorted(e.sources_count for e in page) == [1, 1, 1]  # the strike's first telling was out of reach
    monkeypatch.setattr(store_module, "UNDATED_CANDIDATES", 2)
    store.remove_report(second.report.id)
    store.add_extraction(second)
    assert sorted(e.sources_count for e in store.query_events()[0]) == [1, 2]  # within reach, they merge


def test_reports_with_neither_date_nor_place_merge_in_the_store_on_the_same_sentence(db_url):
    """The store looks among the undated, unplaced mentions too; their sentence vectors decide."""
    nowhere = Location()
    store = Store(db_url, embed=True)
    for rid in ("ledger-9", "wire-9"):
        text = "A drone strike hit a fuel depot, killing two guards."
        x = make_report(rid, rid, text, [lambda t: make_event(t, t, location=nowhere)], published=None)
        x.events[0].date = DateRange(start=None, end=None, precision="unknown")
        store.add_extraction(x)
    page, _ = store.query_events()
    store.close()
    assert [e.sources_count for e in page] == [2]
