"""The event-location adapter: reader (left-out rows, span repair), location matching rules, and a pipeline run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import eventloc
from dateline.evalsets.eventloc import LocationRow
from dateline.records import Event, Extraction, Location, PlaceMention, Report, Span

DATA = Path(__file__).parent / "data" / "eventloc"

KISUMU = "Gunmen attacked a bus in Kisumu on Monday."
MANDERA = "Gunmen from Mandera attacked a bus in Kisumu."
FLED = "Police said the suspects fled after the robbery."


def test_read_keeps_every_row_and_repairs_token_offsets():
    rows = eventloc.read(DATA / "mini.jsonl")
    assert [r.id for r in rows] == ["k1", "k2", "k3", "k4", "k5"]
    assert rows[0].verb == (7, 15) and rows[0].locations == ((25, 31),)
    assert rows[1].locations == () and rows[1].answer is None
    assert rows[2].answer == "reject"
    garissa = rows[3]
    assert garissa.text[slice(*garissa.locations[0])] == "Garissa" and garissa.repaired == 1
    assert rows[4].verb is None  # two verbs marked


def test_read_malformed_line_is_named():
    with pytest.raises(DatelineError, match=r"bad\.jsonl: line 2: not valid JSON"):
        eventloc.read(DATA / "bad.jsonl")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "Gunmen fired."}, "'spans' list"),
        ({"text": "Gunmen fired.", "spans": [{"start": 7, "label": "VERB"}]}, "integer 'start' and 'end'"),
        ({"text": "Gunmen fired.", "spans": [{"start": 7, "end": 40, "label": "VERB"}]}, "outside the text"),
        (
            {"text": "Gunmen fired.", "spans": [{"start": 0, "end": 3, "label": "LOCATION", "text": "Kisumu"}]},
            "'Kisumu' is not in the sentence",
        ),
    ],
)
def test_read_rejects_bad_rows(tmp_path, row, message):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DatelineError, match=rf"rows\.jsonl: line 1: .*{message}"):
        eventloc.read(path)


def place(text: str, sentence: str, name: str | None = None) -> PlaceMention:
    start = sentence.index(text)
    return PlaceMention(text=text, start=start, end=start + len(text), name=name or text)


def event(sentence: str, trigger: str, location: Location | None = None) -> Event:
    start = sentence.index(trigger)
    return Event(
        id="e1",
        type="ASSAULT",
        trigger=Span(text=trigger, start=start, end=start + len(trigger)),
        location=location or Location(),
    )


def extraction(sentence: str, events=(), places=()) -> Extraction:
    return Extraction(
        report=Report(id="r", text=sentence), dateline_version="test", events=list(events), places=list(places)
    )


def row(sentence: str, verb: str, locations=(), answer: str | None = "accept", rid: str = "r") -> LocationRow:
    def span(word: str) -> tuple[int, int]:
        return sentence.index(word), sentence.index(word) + len(word)

    return LocationRow(
        id=rid, line=1, text=sentence, verb=span(verb), locations=tuple(span(w) for w in locations), answer=answer
    )


def test_score_location_rules_and_baseline():
    kisumu = [place("Kisumu", KISUMU)]
    at_kisumu = Location(text="Kisumu", name="Kisumu", country="KE")
    docs = [
        row(KISUMU, "attacked", ["Kisumu"], rid="right"),
        row(MANDERA, "attacked", ["Kisumu"], rid="wrong"),
        row(KISUMU, "attacked", ["Kisumu"], rid="none"),
        row(KISUMU, "attacked", ["Kisumu"], rid="no-event"),
        row(FLED, "fled", rid="none-right"),
        row(FLED, "fled", rid="spurious"),
        row(KISUMU, "attacked", ["Kisumu"], answer="reject"),
        LocationRow(id="two-verbs", line=9, text=KISUMU, verb=None),
    ]
    preds = [
        extraction(KISUMU, [event(KISUMU, "attacked", at_kisumu)], kisumu),
        extraction(
            MANDERA,
            [event(MANDERA, "attacked", Location(text="Mandera", name="Mandera"))],
            [place("Mandera", MANDERA), place("Kisumu", MANDERA)],
        ),
        extraction(KISUMU, [event(KISUMU, "attacked")]),
        extraction(KISUMU, [event(KISUMU, "bus", at_kisumu)], kisumu),  # the trigger misses the marked verb
        extraction(FLED, [event(FLED, "fled")]),
        extraction(FLED, [event(FLED, "fled", Location(country="KE"))]),  # a country with no words in the text
        extraction(KISUMU),
        extraction(KISUMU),
    ]
    out = eventloc.score(docs, preds)
    assert out["documents"] == 6
    assert out["left_out"] == {"reject": 1, "verb_spans_not_one": 1}
    assert out["with_location"] == {"right": 1, "wrong": 1, "none": 1, "no_event": 1}
    assert out["without_location"] == {"right": 1, "wrong": 1, "no_event": 0}
    assert out["headline"] == {
        "event_found": 0.8333,
        "loc_acc": 0.3333,
        "loc_acc_all": 0.25,
        "none_acc": 0.5,
        "baseline_first_after_verb": 0.75,
    }
    assert out["loc_acc_all_nearest_event"] == 0.5
    assert out["baseline_none_acc"] == 1.0
    assert out["event_in_sentence"] == 1.0
    assert out["gate"] == "loc_acc_all"
    assert [m["id"] for m in out["misses"]] == ["wrong", "none", "no-event", "spurious"]
    assert out["misses"][0]["pred"] == "Mandera" and out["misses"][0]["gold"] == ["Kisumu"]


def test_location_span_found_from_text_or_gazetteer_name():
    text = "Troops shelled villages in western Kitgum district."
    mention = place("western Kitgum", text, name="Kitgum")
    by_text = event(text, "shelled", Location(text="western Kitgum", name="Kitgum"))
    by_name = event(text, "shelled", Location(name="Kitgum"))
    x = extraction(text, [by_text], [mention])
    assert eventloc.location_span(by_text, x) == (27, 41)
    assert eventloc.location_span(by_name, x) == (27, 41)
    # a stretch sharing only a function word with gold is not the gold place
    assert not eventloc.spans_agree(text, ((15, 26),), (24, 34))
    assert eventloc.spans_agree(text, ((35, 41),), (27, 41))


def test_run_on_tiny_file_with_the_pipeline():
    out = eventloc.run(DATA / "mini.jsonl")
    assert out["kind"] == "eventloc"
    assert out["documents"] == 3 and out["left_out"] == {"reject": 1, "verb_spans_not_one": 1}
    assert out["repaired_spans"] == 1
    assert out["event_found"] == 1.0
    assert out["with_location"]["right"] == 2
    assert eventloc.run(DATA / "mini.jsonl", limit=2)["documents"] == 2


def test_held_out_keeps_only_the_sentences_the_place_ranker_did_not_learn_from():
    from dateline.learned.place_data import held_out

    scored = [r for r in eventloc.read(DATA / "mini.jsonl") if eventloc._left_out(r) is None]
    expected = sum(held_out(r.text) for r in scored)
    assert eventloc.run(DATA / "mini.jsonl", held_out=True)["documents"] == expected < len(scored)
