"""The merged-event records and the event filters: the models, their shipped JSON Schema, and that what the store
keeps, returns and writes out is exactly what they describe (SQLite and PostgreSQL, hand-built and real extractions).
"""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from pg import pg_database, pg_server  # noqa: F401 - fixtures
from test_store import other_reports, strike_reports, write_e2e_corpus

from dateline import DatelineError
from dateline.cli import main as cli_main
from dateline.filters import EventFilter, Near
from dateline.merged import EventDetail, MergedEvent
from dateline.schema import merged_schema, shipped_schema
from dateline.store import EventRow, Store


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_database")


def stored_json(store: Store) -> list[dict]:
    """The merged events' JSON as the database holds it."""
    from sqlalchemy import select

    with store.engine.connect() as conn:
        return list(conn.execute(select(EventRow.data).order_by(EventRow.id)).scalars())


def validator(definition: str = "MergedEvent") -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**shipped_schema("merged_schema.json"), "$ref": f"#/$defs/{definition}"})


def test_shipped_merged_schema_matches_the_models():
    assert shipped_schema("merged_schema.json") == merged_schema()


def test_stored_events_are_exactly_the_models(db_url):
    """Every key and value merge.py stores survives the model unchanged: nothing added or lost. SQLite keeps the
    keys in merge.py's order, which is the models'; PostgreSQL's JSONB reorders them, and the models put them back."""
    with Store(db_url) as store:
        for x in strike_reports() + other_reports():
            store.add_extraction(x)
        raw = stored_json(store)
        events, _ = store.query_events(sort="oldest")
    assert len(raw) == 3
    for data in raw:
        dumped = MergedEvent.model_validate(data).model_dump(mode="json")
        assert dumped == data
        if db_url.endswith(".db"):
            assert json.dumps(dumped) == json.dumps(data)  # the same order too
        validator().validate(data)
    assert sorted(e.model_dump(mode="json")["id"] for e in events) == [d["id"] for d in raw]


def test_dates_are_dates_inside_and_iso_strings_outside(tmp_path):
    with Store(str(tmp_path / "d.db")) as store:
        for x in strike_reports():
            store.add_extraction(x)
        (event,), _ = store.query_events()
    assert event.date.start == dt.date(2024, 3, 11) and event.date.end == dt.date(2024, 3, 11)
    assert {s.published for s in event.sources} == {dt.date(2024, 3, 12)}
    assert all(isinstance(s.date.start, dt.date) for s in event.sources)
    out = event.model_dump(mode="json")
    assert out["date"]["start"] == "2024-03-11" and out["sources"][0]["published"] == "2024-03-12"


def test_real_extractions_follow_the_schema_in_every_output(tmp_path, capsys):
    """Events the real pipeline extracted and merged: `events --format jsonl`, `event --json` and the stored JSON."""
    write_e2e_corpus(tmp_path / "corpus", weeks=1)
    db = str(tmp_path / "real.db")
    assert cli_main(["ingest", "-q", "--db", db, str(tmp_path / "corpus")]) == 0
    assert cli_main(["events", "--db", db, "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    with Store(db) as store:
        raw = {d["id"]: d for d in stored_json(store)}
    assert len(lines) == len(raw) >= 3
    for event in lines:
        validator().validate(event)
        assert event == raw[event["id"]]
    merged = next(e for e in lines if e["sources_count"] == 2)
    assert cli_main(["event", "--db", db, merged["id"], "--json"]) == 0
    detail = json.loads(capsys.readouterr().out)
    validator("EventDetail").validate(detail)
    assert detail["quotes"] and {k: v for k, v in detail.items() if k != "quotes"} == merged
    assert EventDetail.model_validate(detail).model_dump(mode="json") == detail


# ---- filters ------------------------------------------------------------------------------------------------------


def test_filter_dates_take_days_months_and_years():
    f = EventFilter(since="2024", until="2024-02")
    assert (f.since, f.until) == (dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    f = EventFilter(since="2023-12", until="2023-12")
    assert (f.since, f.until) == (dt.date(2023, 12, 1), dt.date(2023, 12, 31))
    assert EventFilter(since="2024-03-05", until=dt.date(2024, 3, 5)).until == dt.date(2024, 3, 5)
    assert EventFilter(since=" 2024-03-05 ").since == dt.date(2024, 3, 5)


def test_filter_normalises_and_blank_is_no_filter():
    f = EventFilter(type=" assault ", country=" ", actor="  Red Valley ", text="", near="36.3, 43.1, 25")
    assert (f.type, f.country, f.actor, f.text) == ("ASSAULT", None, "Red Valley", None)
    assert f.near == Near(lat=36.3, lon=43.1, km=25) == EventFilter(near=(36.3, 43.1, 25)).near
    assert EventFilter.parse({}) == EventFilter()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"since": "March"}, ["'since'", "YYYY-MM-DD"]),
        ({"until": "2024-02-30"}, ["'until'", "out of range"]),
        ({"since": "2024-03", "until": "2024-02"}, ["'until'", "after"]),
        ({"near": "50,36"}, ["'near'", "lat,lon,km"]),
        ({"near": "95,36,10"}, ["'near'", "latitude"]),
        ({"near": "50,36,0"}, ["'near'", "radius"]),
        ({"near": "50,36,20001"}, ["'near'", "radius"]),
        ({"type": "massacre"}, ["'type'", "ASSAULT"]),
        ({"min_sources": 0}, ["'min_sources'", "greater than or equal to 1"]),
        ({"min_sources": "many"}, ["'min_sources'", "integer"]),
        ({"country": "X"}, ["'country'", "at least 2"]),
        ({"colour": "red"}, ["'colour'", "not permitted"]),
    ],
)
def test_bad_filters_are_one_line_naming_the_field(fields, words):
    with pytest.raises(DatelineError) as err:
        EventFilter.parse(fields)
    message = str(err.value)
    assert "\n" not in message and "Value error" not in message
    for word in words:
        assert word in message, message


def test_filter_errors_name_the_field_as_the_caller_calls_it():
    with pytest.raises(DatelineError, match="^--min-sources: "):
        EventFilter.parse({"min_sources": "x"}, label=lambda loc: "--" + loc[0].replace("_", "-"))


def test_every_order_has_its_sort_columns():
    from dateline.filters import SORTS
    from dateline.store import SORTS as COLUMNS

    assert tuple(COLUMNS) == SORTS


def test_store_takes_a_filter_or_its_fields(tmp_path):
    with Store(str(tmp_path / "f.db")) as store:
        for x in strike_reports() + other_reports():
            store.add_extraction(x)
        by_model, _ = store.query_events(EventFilter(type="ASSAULT", until="2024-03"))
        by_keywords, _ = store.query_events(type="assault", until="2024-03")
        assert [e.id for e in by_model] == [e.id for e in by_keywords] and len(by_model) == 2
        assert [e.id for e in store.iter_events(EventFilter(type="ASSAULT"), limit=1)] == [by_model[0].id]
        with pytest.raises(TypeError):
            store.query_events(EventFilter(), type="ASSAULT")
        with pytest.raises(DatelineError, match="'near'"):
            store.query_events(near="somewhere")
