"""Tests for the measuring instrument: scoring rules, the gold loader, the public-format adapters and the gate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.cli import main
from dateline.evaluate import (
    aggregate,
    check_baseline,
    count_right,
    detect_format,
    haversine_km,
    record_baseline,
    score_places,
    score_report,
    score_times,
)
from dateline.gold import (
    GoldReport,
    GoldTimex,
    TimeDoc,
    load_gold,
    load_gold_dir,
    read_places,
    read_timeml,
)
from dateline.records import (
    Actor,
    Count,
    DateRange,
    Entity,
    Event,
    Extraction,
    Location,
    PlaceMention,
    Quote,
    Report,
    Span,
    TimeMention,
)

DATA = Path(__file__).parent / "data"
TEXT = "Gunmen attacked a checkpoint outside Lakeview on Monday, killing four guards, police said."

GOLD = {
    "id": "lakeview",
    "published": "2024-03-06",
    "events": [
        {
            "type": "ASSAULT",
            "date": {"start": "2024-03-04"},
            "location": {"name": "Nairobi", "country": "KE", "lat": -1.2864, "lon": 36.8172},
            "actors": [{"name": "gunmen", "role": "initiator"}, {"name": "Kenya Police", "role": "victim"}],
            "fatalities": 4,
            "trigger": "attacked",
        }
    ],
    "quotes": [{"speaker": "Jane Wambui", "text": "We will find the men who did this"}],
    "entities": [{"name": "Kenya Police Service", "aliases": ["Kenya Police", "police"], "titles": []}],
}


def gold(**changes) -> GoldReport:
    return GoldReport.model_validate({**GOLD, **changes})


def event(**changes) -> Event:
    base = dict(
        id="e1",
        type="ASSAULT",
        trigger=Span(text="attacked", start=7, end=15),
        date=DateRange(start="2024-03-04", end="2024-03-04", precision="day"),
        location=Location(name="Nairobi", country="KE", lat=-1.29, lon=36.82),
        actors=[Actor(name="Gunmen", role="initiator"), Actor(name="police", role="victim")],
        fatalities=Count(low=4, best=4, high=4),
    )
    base.update(changes)
    return Event(**base)


def extraction(*events: Event, quotes=(), entities=()) -> Extraction:
    report = Report(id="lakeview", text=TEXT, published="2024-03-06")
    return Extraction(
        report=report, dateline_version="test", events=list(events), quotes=list(quotes), entities=list(entities)
    )


def test_matching_event_is_a_true_positive_with_right_fields():
    scores = score_report(gold(), extraction(event()))
    assert scores.tp["ASSAULT"] == 1 and not scores.fp and not scores.fn
    for name in ("date_exact", "geo_50km", "geo_161km", "country", "actor_role", "fatalities"):
        assert scores.fields[name].correct == scores.fields[name].total > 0, name


def test_wrong_type_is_a_miss_and_a_false_alarm():
    scores = score_report(gold(), extraction(event(type="PROTEST")))
    assert scores.fn["ASSAULT"] == 1 and scores.fp["PROTEST"] == 1
    assert scores.misses[0]["type"] == "ASSAULT" and scores.false_alarms[0]["type"] == "PROTEST"


def test_date_outside_gold_range_fails_match_but_still_aligns_for_field_scoring():
    scores = score_report(gold(), extraction(event(date=DateRange(start="2024-02-20", end="2024-02-20"))))
    assert scores.fn["ASSAULT"] == 1
    assert scores.misses[0]["why"] == ["date"]
    assert scores.fields["date_exact"].correct == 0 and scores.fields["geo_50km"].correct == 1


def test_month_range_overlapping_gold_day_matches_and_counts_within_not_exact():
    rng = DateRange(start="2024-03-01", end="2024-03-31", precision="month")
    scores = score_report(gold(), extraction(event(date=rng)))
    assert scores.tp["ASSAULT"] == 1
    assert scores.fields["date_exact"].correct == 0 and scores.fields["date_within"].correct == 1


def test_place_too_far_fails_and_max_km_widens():
    mombasa = Location(name="Mombasa", country="KE", lat=-4.0547, lon=39.6636)
    assert score_report(gold(), extraction(event(location=mombasa))).fn["ASSAULT"] == 1
    assert score_report(gold(), extraction(event(location=mombasa)), max_km=500).tp["ASSAULT"] == 1


def test_missing_coordinates_fall_back_to_country():
    kenya = Location(name="Kenya", country="KE")
    assert score_report(gold(), extraction(event(location=kenya))).tp["ASSAULT"] == 1
    uganda = Location(name="Uganda", country="UG")
    assert score_report(gold(), extraction(event(location=uganda))).fn["ASSAULT"] == 1


def test_actor_in_wrong_role_fails_and_alias_from_gold_entity_counts():
    swapped = [Actor(name="police", role="initiator"), Actor(name="gunmen", role="victim")]
    assert score_report(gold(), extraction(event(actors=swapped))).misses[0]["why"] == ["actors"]
    # 'police' only matches 'Kenya Police' through the gold entity's aliases or word containment
    alias = [Actor(name="gunmen", role="initiator"), Actor(name="Kenya Police Service", role="victim")]
    assert score_report(gold(), extraction(event(actors=alias))).tp["ASSAULT"] == 1


@pytest.mark.parametrize(
    ("gold_count", "pred", "right"),
    [
        ({"low": 4, "high": 4}, Count(low=4, best=4, high=None), True),
        ({"low": 4, "high": 4}, Count(low=2, best=None, high=6), True),
        ({"low": 4, "high": 4}, Count(low=2, best=2, high=None), False),
        ({"low": 4, "high": 4}, Count(low=5, best=5, high=9), False),
        ({"low": 10, "high": 15}, Count(low=12, best=12, high=12), True),
        ({"low": 0, "high": 0}, None, True),
        ({"low": 3, "high": 3}, None, False),
    ],
)
def test_fatality_rule(gold_count, pred, right):
    from dateline.gold import GoldCount

    assert count_right(GoldCount(**gold_count), pred) is right


def test_one_to_one_matching_counts_duplicate_prediction_as_false_alarm():
    scores = score_report(gold(), extraction(event(), event(id="e2")))
    assert scores.tp["ASSAULT"] == 1 and scores.fp["ASSAULT"] == 1


def test_quotes_and_entities():
    quotes = [Quote(speaker="Wambui", text="we will find the men who did this", direct=True, start=0, end=5)]
    ents = [Entity(id="n1", name="Kenya Police Service", aliases=["police"], titles=[])]
    scores = score_report(gold(), extraction(event(), quotes=quotes, entities=ents))
    assert scores.fields["quote_found"].correct == 1 and scores.fields["quote_speaker"].correct == 1
    assert scores.fields["entity_found"].correct == 1
    assert (scores.fields["entity_alias"].correct, scores.fields["entity_alias"].total) == (1, 2)


def test_aggregate_figures():
    good = score_report(gold(), extraction(event()))
    bad = score_report(gold(id="other"), extraction(event(type="PROTEST")))
    summary = aggregate([good, bad])
    assert summary["events"]["tp"] == 1 and summary["events"]["fp"] == 1 and summary["events"]["fn"] == 1
    assert summary["events"]["f1"] == 0.5
    assert summary["by_type"]["PROTEST"]["precision"] == 0.0
    assert summary["headline"]["event_f1"] == 0.5
    assert [r["id"] for r in summary["per_report"]] == ["other"]
    json.dumps(summary)


def test_haversine():
    assert abs(haversine_km(51.5074, -0.1278, 48.8566, 2.3522) - 343.5) < 2


# --- gold loader ---------------------------------------------------------------------------------------


def write_gold(tmp_path: Path, data: dict, text: str = TEXT) -> Path:
    (tmp_path / "lakeview.txt").write_text(text)
    path = tmp_path / "lakeview.gold.json"
    path.write_text(json.dumps(data))
    return path


def test_loader_reads_text_and_meta(tmp_path):
    write_gold(tmp_path, GOLD)
    (tmp_path / "lakeview.meta.json").write_text(json.dumps({"url": "https://example.org/x", "outlet": "Lake FM"}))
    [doc] = load_gold_dir(tmp_path)
    assert doc.report.text == TEXT and doc.report.url == "https://example.org/x" and doc.report.outlet == "Lake FM"
    assert doc.gold.events[0].fatalities.low == 4 and doc.gold.events[0].date.end == dt.date(2024, 3, 4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"events": [{"type": "BOMBING"}]}, "events.0.type"),
        ({"events": [{"type": "ASSAULT", "date": {"start": "4 March"}}]}, "events.0.date.start"),
        ({"events": [{"type": "ASSAULT", "fatalities": {"low": 5, "high": 2}}]}, "events.0.fatalities"),
        ({"events": [{"type": "ASSAULT", "location": {"lat": 123}}]}, "events.0.location.lat"),
        ({"evnts": []}, "evnts"),
    ],
)
def test_loader_errors_are_one_line(tmp_path, change, message):
    path = write_gold(tmp_path, {**GOLD, **change})
    with pytest.raises(DatelineError) as err:
        load_gold(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_loader_bad_json_and_missing_text(tmp_path):
    (tmp_path / "a.gold.json").write_text("{not json")
    with pytest.raises(DatelineError, match="not valid JSON"):
        load_gold_dir(tmp_path)
    (tmp_path / "a.gold.json").write_text(json.dumps({**GOLD, "id": "a"}))
    with pytest.raises(DatelineError, match="a.txt"):
        load_gold_dir(tmp_path)
    with pytest.raises(DatelineError, match="no such gold directory"):
        load_gold_dir(tmp_path / "absent")


def test_devset_loads_and_is_the_agreed_size():
    root = Path(__file__).parent.parent / "devset"
    tune, heldout = load_gold_dir(root / "tune"), load_gold_dir(root / "heldout")
    assert len(tune) >= 34 and len(heldout) >= 10
    assert not {d.gold.id for d in tune} & {d.gold.id for d in heldout}
    for doc in tune + heldout:
        assert 150 <= len(doc.report.text.split()) <= 450, doc.gold.id
        assert doc.gold.events and doc.report.published and doc.report.url
        for quote in doc.gold.quotes:
            assert quote.text in doc.report.text, (doc.gold.id, quote.text)


# --- public formats ------------------------------------------------------------------------------------


def test_timeml_adapter_offsets_and_scoring():
    doc = read_timeml(DATA / "mini.tml")
    assert doc.published == dt.date(2021, 5, 14) and doc.id == "MINI001"
    assert [(t.text, t.value) for t in doc.timexes] == [
        ("Thursday", "2021-05-13"),
        ("next month", "2021-06"),
        ("three weeks", "P3W"),
    ]
    assert all(doc.text[t.start : t.end] == t.text for t in doc.timexes)
    thursday, month = doc.timexes[0], doc.timexes[1]
    preds = [
        TimeMention(text="Thursday", start=thursday.start, end=thursday.end, value="2021-05-13"),
        TimeMention(text="month", start=month.start + 5, end=month.end, value="2021-05"),
    ]
    out = score_times([doc], [preds])
    assert out["strict"]["tp"] == 1 and out["relaxed"]["tp"] == 2 and out["relaxed"]["fn"] == 1
    assert out["value_accuracy"] == 0.5


def test_time_values_compare_notational_variants_as_one():
    text = "the week, the 1970s, the 1800s and a month of 2011"
    spans = [(0, 8), (10, 19), (21, 30), (35, 50)]
    gold = ["2015-W3", "197X", "18XX", "2011-XX"]
    pred = ["2015-W03", "197", "18", "2011"]  # the last differs in granularity, not notation
    timexes = [GoldTimex(a, b, text[a:b], "DATE", v) for (a, b), v in zip(spans, gold, strict=True)]
    doc = TimeDoc("T1", text, dt.date(2015, 1, 20), timexes)
    preds = [TimeMention(text=text[a:b], start=a, end=b, value=v) for (a, b), v in zip(spans, pred, strict=True)]
    out = score_times([doc], [preds])
    assert out["value_accuracy"] == 0.75
    assert [m["gold"] for m in out["value_misses"]] == ["2011-XX"]


def test_lgl_adapter_and_place_scoring():
    [doc] = read_places(DATA / "mini-lgl.xml", "lgl")
    assert [(t.text, t.geonames_id) for t in doc.toponyms] == [("Dover", 2651048), ("Calais", 3029276)]
    preds = [
        PlaceMention(text="Dover", start=13, end=18, lat=51.13, lon=1.31, geonames_id=2651048),
        PlaceMention(text="Calais", start=22, end=28, lat=44.9, lon=-67.3),  # Calais, Maine
        PlaceMention(text="ferry", start=2, end=7),
    ]
    out = score_places([doc], [preds], "lgl")
    assert out["detection"]["tp"] == 2 and out["detection"]["fp"] == 1
    assert out["acc_161km"] == 0.5 and out["geonames_id_accuracy"] == 0.5
    assert out["far_misses"][0]["text"] == "Calais"


def test_gwn_adapter_scores_only_locational_toponyms():
    [doc] = read_places(DATA / "mini-gwn.xml", "gwn")
    assert [t.kind for t in doc.toponyms] == ["Literal", "Demonym"]
    preds = [
        PlaceMention(text="Lyon", start=11, end=15, lat=45.76, lon=4.84),
        PlaceMention(text="French", start=21, end=27, country="FR"),
    ]
    out = score_places([doc], [preds], "gwn")
    # the demonym is neither required nor a false alarm
    assert out["detection"]["tp"] == 1 and out["detection"]["fn"] == 0 and out["detection"]["fp"] == 0
    assert out["acc_161km"] == 1.0


def test_format_detection():
    assert detect_format(DATA / "mini.tml") == "timeml"
    assert detect_format(DATA / "mini-lgl.xml") == "lgl"
    assert detect_format(DATA / "mini-gwn.xml") == "gwn"
    assert detect_format(DATA) == "timeml"


# --- baseline gate -------------------------------------------------------------------------------------


def test_check_and_record(tmp_path):
    summary = aggregate([score_report(gold(), extraction(event()))])
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"margin": 0.02, "parts": {"tune": {"event_f1": 0.99}}}))
    ok, message = check_baseline(summary, json.loads(path.read_text()), "tune")
    assert ok and message.startswith("ok")
    record_baseline(summary, path, "heldout")
    data = json.loads(path.read_text())
    assert data["margin"] == 0.02 and data["parts"]["tune"]["event_f1"] == 0.99
    assert data["parts"]["heldout"]["event_f1"] == 1.0
    worse = aggregate([score_report(gold(), extraction(event(type="PROTEST")))])
    assert check_baseline(worse, data, "tune")[0] is False
    with pytest.raises(DatelineError, match="record one"):
        check_baseline(summary, data, "nowhere")


def test_cli_gate_exit_code_with_stored_extractions(tmp_path, monkeypatch, capsys):
    """The CLI path end to end, with the store replaced by extractions built here."""
    import sys
    import types

    golddir = tmp_path / "tune"
    golddir.mkdir()
    write_gold(golddir, GOLD)
    fake = types.ModuleType("dateline.store")

    class Store:
        def __init__(self, url: str) -> None:
            self.url = url

        def extractions(self):
            yield extraction(event(type=self.url.rsplit("/", 1)[-1].upper()))

    fake.Store = Store
    monkeypatch.setitem(sys.modules, "dateline.store", fake)
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps({"margin": 0.02, "parts": {"tune": {"event_f1": 0.5}}}))
    out = tmp_path / "out.json"
    assert main(["eval", str(golddir), "--db", "assault", "--check", str(base), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["events"]["f1"] == 1.0
    assert main(["eval", str(golddir), "--db", "protest", "--check", str(base)]) == 1
    printed = capsys.readouterr().out
    assert "REGRESSION" in printed and "MISS   ASSAULT" in printed and "FALSE  PROTEST" in printed
    assert main(["eval", str(tmp_path / "absent")]) == 2


def test_names_compare_nationalities_as_countries_and_armies_as_one():
    from dateline.evaluate import name_tokens, tokens_match

    assert tokens_match(name_tokens("Indian Army"), name_tokens("Military Forces of India"))
    assert tokens_match(name_tokens("Kenyan police"), name_tokens("Police Forces of Kenya"))
    assert not tokens_match(name_tokens("Kenyan police"), name_tokens("Military Forces of Uganda"))
    # a normalized actor name counts in matching, its own words do not have to
    normalized = [
        Actor(name="gunmen", role="initiator"),
        Actor(name="two officers", role="victim", normalized="Kenya Police"),
    ]
    assert score_report(gold(), extraction(event(actors=normalized))).tp["ASSAULT"] == 1


def test_gold_with_older_plover_names_loads(tmp_path):
    path = tmp_path / "old.gold.json"
    path.write_text(json.dumps({"id": "old", "events": [{"type": "REQUEST"}, {"type": "DISAPPROVE"}]}))
    assert [e.type for e in load_gold(path).events] == ["DEMAND", "ACCUSE"]


def test_gap_check_sees_the_tuned_part_pulling_away():
    from dateline.evaluate import check_gap

    def part(f1: float) -> dict:
        return {"gate": "event_f1", "headline": {"event_f1": f1}}

    baseline = {"gap_margin": 0.03, "gap": {"event_f1": 0.10}}
    assert check_gap({"tune": part(0.40), "heldout": part(0.28)}, baseline)[0] is True  # gap 0.12: within margin
    ok, message = check_gap({"tune": part(0.45), "heldout": part(0.30)}, baseline)  # gap 0.15: fitted to tune
    assert not ok and message.startswith("OVER-FITTING")
    assert check_gap({"tune": part(0.45)}, baseline)[0] is True  # one part alone: nothing to compare


def test_baseline_pins_the_gold_it_was_recorded_on(tmp_path):
    from dateline.evaluate import gold_digest

    write_gold(tmp_path, GOLD)
    summary = aggregate([score_report(gold(), extraction(event()))])
    summary["gold_digest"] = gold_digest(tmp_path)
    path = tmp_path / "baseline.json"
    record_baseline(summary, path, "tune")
    data = json.loads(path.read_text())
    assert check_baseline(summary, data, "tune")[0] is True
    write_gold(tmp_path, {**GOLD, "events": []})  # the gold is edited after recording
    summary["gold_digest"] = gold_digest(tmp_path)
    ok, message = check_baseline(summary, data, "tune")
    assert not ok and message.startswith("GOLD CHANGED")


def test_split_devset_runs_every_part_and_records_the_gap(tmp_path, monkeypatch, capsys):
    import sys
    import types

    for part in ("tune", "heldout"):
        (tmp_path / "devset" / part).mkdir(parents=True)
        write_gold(tmp_path / "devset" / part, GOLD)
    fake = types.ModuleType("dateline.store")

    class Store:
        def __init__(self, url: str) -> None:
            self.url = url

        def extractions(self):
            yield extraction(event())

    fake.Store = Store
    monkeypatch.setitem(sys.modules, "dateline.store", fake)
    base = tmp_path / "baseline.json"
    assert main(["eval", str(tmp_path / "devset"), "--db", "x", "--summary-only", "--record", str(base)]) == 0
    data = json.loads(base.read_text())
    assert set(data["parts"]) == {"tune", "heldout"} and data["gap"]["event_f1"] == 0.0
    assert set(data["gold_digest"]) == {"tune", "heldout"}
    assert main(["eval", str(tmp_path / "devset"), "--db", "x", "--summary-only", "--check", str(base)]) == 0
    out = capsys.readouterr().out
    assert "== heldout" in out and "ok: heldout event_f1" in out and "ok: tune - heldout event_f1 gap" in out
    assert main(["eval", str(tmp_path / "devset"), "--part", "tune"]) == 2  # a split set takes no --part


def test_db_is_refused_for_public_formats(tmp_path):
    assert main(["eval", str(DATA / "mini.tml"), "--db", str(tmp_path / "x.db")]) == 2
