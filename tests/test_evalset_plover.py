"""The PLOVER gold-standard-records adapter: reader, type and actor matching rules, and a run on a tiny file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import plover
from dateline.evalsets.plover import GoldActor, PloverRecord
from dateline.records import Actor, Entity, Event, Extraction, Report, Span

DATA = Path(__file__).parent / "data" / "plover"


def test_read_skips_notes_and_reads_older_type_names():
    records = plover.read(DATA / "mini.json")
    assert [r.id for r in records] == ["MINI-COERCE-0001", "MINI-PROTEST-0001", "MINI-FIGHT-0001"]
    fight = records[2]
    assert (fight.type, fight.coded_type) == ("ASSAULT", "FIGHT")
    assert fight.sources == (GoldActor("Rebel fighters", "COD"),)
    assert records[1].targets == ()  # the file writes a missing target as ""
    assert records[0].date == dt.date(2024, 5, 6)


def test_read_rejects_unknown_type_naming_the_record():
    with pytest.raises(DatelineError, match=r"bad-type\.json: record 2: unknown PLOVER event type 'CELEBRATE'"):
        plover.read(DATA / "bad-type.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "x"}', "expected a JSON array"),
        ("[{", "not valid JSON"),
        ('[{"id": "x", "event": "AGREE"}]', "record 1: no 'text'"),
        ('[{"id": "x", "event": "AGREE", "text": "They agreed.", "date": "2024-13-01"}]', "not YYYY-MM-DD"),
        ('[{"id": "x", "event": "AGREE", "text": "They agreed.", "source": [{"code": "USA"}]}]', "actorText"),
    ],
)
def test_read_malformed(tmp_path, content, message):
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatelineError, match=message):
        plover.read(path)


def test_read_missing_file(tmp_path):
    with pytest.raises(DatelineError, match="cannot read PLOVER records"):
        plover.read(tmp_path / "none.json")


def event(etype: str, trigger: str, start: int, actors=()) -> Event:
    return Event(
        id=f"e{start}",
        type=etype,
        trigger=Span(text=trigger, start=start, end=start + len(trigger)),
        actors=list(actors),
    )


def extraction(events=(), entities=()) -> Extraction:
    return Extraction(
        report=Report(id="r", text="text"), dateline_version="test", events=list(events), entities=list(entities)
    )


def record(rid: str, ptype: str, event_text: str, sources=(), targets=()) -> PloverRecord:
    return PloverRecord(
        id=rid, text="text", type=ptype, coded_type=ptype, event_text=event_text, sources=sources, targets=targets
    )


def test_score_type_actor_and_alignment_rules():
    docs = [
        record("agree", "AGREE", "agreed", (GoldActor("Kenya", "KEN"),), (GoldActor("Tanzania", "TZA"),)),
        record("fight", "ASSAULT", "attacked", (GoldActor("rebels"),), (GoldActor("police"),)),
        record("threat", "THREATEN", "warned", (GoldActor("Iran", "IRN"),)),
        record("demand", "DEMAND", "demanded", (GoldActor("United Nations", "IGO"),)),
        record("protest", "PROTEST", "marched"),
    ]
    preds = [
        # right type on the aligned trigger; actors agree by country only
        extraction(
            [
                event("CONSULT", "talks", 0),
                event(
                    "AGREE",
                    "agreed",
                    10,
                    [
                        Actor(name="officials", role="initiator", country="KE"),
                        Actor(name="Dodoma", role="target", country="TZ"),
                    ],
                ),
            ]
        ),
        # source by name; the victim is someone else
        extraction(
            [
                event(
                    "ASSAULT",
                    "attacked",
                    0,
                    [Actor(name="the rebels", role="initiator"), Actor(name="villagers", role="victim")],
                )
            ]
        ),
        # the gold type is there, but the trigger that matches eventText carries another type
        extraction(
            [
                event("THREATEN", "vowed", 0, [Actor(name="Tehran", role="initiator", country="IR")]),
                event("ACCUSE", "warned", 10),
            ]
        ),
        extraction([event("ACCUSE", "criticised", 0)]),
        extraction(),
    ]
    out = plover.score(docs, preds)
    assert out["headline"] == {"type_acc": 0.6, "event_found": 0.8, "source_acc": 1.0, "target_acc": 0.5}
    assert out["aligned_type_acc"] == 0.4
    assert out["dyad_acc"] == 0.5
    assert out["scored"] == {"source": 3, "target": 2, "dyad": 2}
    assert out["confusion"] == {"DEMAND -> ACCUSE": 1, "PROTEST -> none": 1}
    assert out["type_acc_by_type"]["ASSAULT"] == 1.0 and out["type_acc_by_type"]["DEMAND"] == 0.0
    assert out["gate"] == "type_acc"
    assert {"id": "fight", "why": "target", "gold": ["police"], "pred": ["villagers"]} in out["misses"]
    assert {"id": "demand", "why": "type", "gold": "DEMAND", "pred": ["ACCUSE"]} in out["misses"]
    json.dumps(out)


def test_actor_matching_by_name_entity_and_country_code():
    ent = Entity(id="ent1", name="John Ndege", aliases=["Ndege"])
    assert plover.actor_agrees(
        GoldActor("President John Ndege", "KEN"), Actor(name="he", role="initiator", entity="ent1"), {"ent1": ent}
    )
    assert plover.actor_agrees(
        GoldActor("Israeli troops", "ISR"), Actor(name="soldiers", role="initiator", country="IL"), {}
    )
    # a CAMEO code that names no country matches by name only
    assert not plover.actor_agrees(
        GoldActor("European Union", "IGO"), Actor(name="officials", role="initiator", country="BE"), {}
    )
    assert plover.country_of_code("IGO") is None and plover.country_of_code("PSE") == "PS"


def test_best_event_of_type_prefers_the_one_whose_actors_agree():
    rec = record("r", "ASSAULT", "shelled", (GoldActor("army"),))
    first = event("ASSAULT", "shelled", 0, [Actor(name="militants", role="initiator")])
    second = event("ASSAULT", "fired", 20, [Actor(name="the army", role="initiator")])
    assert plover.best_of_type(rec, [first, second], {}) is second
    assert plover.aligned_event([second, first], "shelled") is first


def test_run_on_tiny_file_with_the_pipeline():
    out = plover.run(DATA / "mini.json")
    assert out["kind"] == "plover" and out["documents"] == 3
    assert set(out["headline"]) == {"type_acc", "event_found", "source_acc", "target_acc"}
    assert out["type_acc"] == 1.0
    assert out["event_found"] == 1.0
    assert plover.run(DATA / "mini.json", limit=1)["documents"] == 1
