"""The Python API: dateline.extract and dateline.Store, with docs/python.md's examples run as written.

The examples run with the real pipeline on a new SQLite store in a temporary folder holding a copy of examples/;
the Store methods are also run on a real PostgreSQL server (tests/pg.py).
"""

from __future__ import annotations

import datetime as dt
import doctest
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pg import pg_database, pg_server  # noqa: F401 - fixtures

import dateline
from dateline.records import Report

ROOT = Path(__file__).parents[1]
TEXT = "Farmers blocked the main road into Eldoret on Monday with tractors, demanding lower fertiliser prices."


def test_docs_examples_run_as_written(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATELINE_DB", raising=False)
    path = ROOT / "docs" / "python.md"
    test = doctest.DocTestParser().get_doctest(path.read_text(encoding="utf-8"), {}, path.name, str(path), 0)
    assert len(test.examples) >= 20
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    failed, attempted = runner.run(test, out=report.append)
    assert failed == 0, "".join(report)
    assert attempted == len(test.examples)


def test_import_is_cheap():
    """`import dateline` loads neither pydantic, SQLAlchemy, spaCy nor pandas; dateline.Store loads the store."""
    code = (
        "import sys, dateline; heavy = {'pydantic', 'sqlalchemy', 'spacy', 'pandas'}; "
        "print(sorted(heavy & set(sys.modules))); dateline.Store; print('sqlalchemy' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "True"]
    with pytest.raises(AttributeError, match="no attribute 'Stor'"):
        dateline.Stor  # noqa: B018 - the attribute lookup is the test


def test_report_without_id_takes_its_text_hash():
    import hashlib

    one, two = Report(text=TEXT), Report(text=TEXT + " Police watched.")
    assert one.id == "r-" + hashlib.sha256(TEXT.encode()).hexdigest()[:16]
    assert two.id != one.id and Report(text=TEXT, id="mine").id == "mine"
    x = dateline.extract(TEXT, published="2025-04-15")
    assert x.report.id == one.id and x.report.published == dt.date(2025, 4, 15)
    assert dateline.extract(TEXT, id="farm-1").report.id == "farm-1"


def test_days_are_dates_in_the_records_and_yyyy_mm_dd_in_the_json():
    """Inside, a calendar day is a datetime.date (read once, never re-parsed); the JSON output writes YYYY-MM-DD."""
    x = dateline.extract(TEXT, published="2025-04-15")
    days = [x.report.published, *(d for e in x.events for d in (e.date.start, e.date.end))]
    days += [d for t in x.times for d in (t.start_date, t.end_date)]
    assert len(days) == 7 and all(type(d) is dt.date for d in days)
    data = json.loads(x.model_dump_json())
    assert data["report"]["published"] == "2025-04-15"
    assert [(e["date"]["start"], e["date"]["end"]) for e in data["events"]] == [("2025-04-14", "2025-04-14")] * 2
    monday = data["times"][0]
    assert (monday["text"], monday["value"], monday["start_date"], monday["end_date"]) == (
        ("Monday", "2025-04-14", "2025-04-14", "2025-04-14")
    )
    assert x.model_dump(mode="json") == data  # what the store keeps is the same JSON


def test_extract_takes_a_date_and_refuses_bad_input():
    x = dateline.extract(TEXT, published=dt.date(2025, 4, 15), outlet="Valley Post", url="https://valley.example/1")
    assert (x.report.outlet, x.report.url) == ("Valley Post", "https://valley.example/1")
    assert any(str(e.date.start) == "2025-04-14" for e in x.events)  # 'Monday' read against the date given
    with pytest.raises(dateline.DatelineError, match="empty report text"):
        dateline.extract("   ")
    with pytest.raises(dateline.DatelineError, match="impossible publication date"):
        dateline.extract(TEXT, published="2025-13-01")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = str(tmp_path / "api.db") if request.param == "sqlite" else request.getfixturevalue("pg_database")
    with dateline.Store(url) as s:
        yield s


def test_store_methods(store, tmp_path):
    reports = tmp_path / "in"
    reports.mkdir()
    (reports / "farm.txt").write_text(TEXT, encoding="utf-8")
    (reports / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    outcomes = store.ingest([reports, reports / "photo.png"])  # a folder reads only report files
    assert sorted(o.status for o in outcomes) == ["added", "failed"]
    assert "binary file" in next(o.message for o in outcomes if o.status == "failed")
    assert [o.status for o in store.ingest([Report(text=TEXT, published="2025-04-15")])] == ["added"]
    events = store.events()
    assert events and all(not e.background for e in events)
    assert store.events(limit=1) == events[:1]
    assert store.event(events[0].id).id == events[0].id
    with pytest.raises(dateline.DatelineError, match="no event 'ev_nope'"):
        store.event("ev_nope")
    with pytest.raises(dateline.DatelineError, match="'min_fatalities': Input should be greater"):
        store.events(min_fatalities=-3)
    [odd] = store.ingest([3])
    assert odd.status == "failed" and odd.message == "cannot ingest a int: give a file or folder path or a Report"
    df = store.to_pandas()
    assert list(df["dateline_id"]) == [e.id for e in events]
    empty = store.to_pandas(country="FR")
    assert len(empty) == 0 and list(empty.columns) == list(df.columns)
