"""The WikiEvents adapter: reading KAIROS rows, and each matching rule on hand-built extractions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import wikievents
from dateline.records import Actor, Count, Entity, Event, Evidence, Extraction, Location, PlaceMention, Report, Span

DATA = Path(__file__).parent / "data" / "wikievents"
MINI = DATA / "mini.jsonl"
HEADLINE = "Gunmen attack market in Farlow"
LEAD = "Gunmen attacked a busy market in Farlow on Monday, killing three people."
SECOND = "They also wounded two guards, police said."


@pytest.fixture(scope="module")
def docs() -> list[wikievents.WikiDoc]:
    return wikievents.read(MINI)


def span(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def evidence(text: str, sentence: str) -> Evidence:
    start, end = span(text, sentence)
    return Evidence(sentence=sentence, start=start, end=end)


def event(doc: wikievents.WikiDoc, trigger: str, sentences: list[str], plover: str = "ASSAULT", **kw) -> Event:
    start, end = span(doc.text, trigger)
    return Event(
        id=f"ev-{trigger}",
        type=plover,
        trigger=Span(text=trigger, start=start, end=end),
        evidence=[evidence(doc.text, s) for s in sentences],
        **kw,
    )


def extraction(doc: wikievents.WikiDoc, events: list[Event], **kw) -> Extraction:
    return Extraction(report=Report(id=doc.id, text=doc.text), dateline_version="test", events=events, **kw)


def test_reader_rebuilds_the_text_and_keeps_every_span(docs):
    farlow, dunmore = docs
    assert farlow.text == f"{HEADLINE}\n{LEAD} {SECOND}"  # a line break after the headline, spaces elsewhere
    assert dunmore.text == "Police arrested two men in Dunmore on Friday. The men were released on Sunday."
    attack, die, injure, said = farlow.mentions
    assert (attack.kairos, attack.text, attack.plover) == ("Conflict.Attack.Unspecified", "attacked", ("ASSAULT", None))
    assert farlow.text[slice(*attack.trigger)] == "attacked"
    assert [(a.role, a.dateline_role, farlow.text[slice(*a.span)]) for a in attack.arguments] == [
        ("Attacker", "initiator", "Gunmen"),
        ("Target", "target", "market"),
        ("Place", "location", "Farlow"),
    ]
    they = injure.arguments[0]
    assert [farlow.text[slice(*s)] for s in they.coref] == ["Gunmen", "Gunmen", "They"]  # its cluster's mentions
    assert (die.casualty, injure.casualty, said.plover) == ("fatalities", "injuries", ("", None))
    assert dunmore.mentions[0].plover == ("COERCE", "arrest") and farlow.has_coref


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "line 1: not valid JSON"),
        ('{"doc_id": "x"}', r"gold.jsonl, line 1: not a WikiEvents row \(tokens: Field required\)"),
        ("", "holds no documents"),
    ],
)
def test_reader_rejects_malformed_files_with_the_file_and_line(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatelineError, match=message):
        wikievents.read(path)


def test_reader_rejects_a_bad_row_and_a_missing_file():
    with pytest.raises(DatelineError, match=r"bad.jsonl, line 2: .*trigger.end: Field required"):
        wikievents.read(DATA / "bad.jsonl")
    with pytest.raises(DatelineError, match="cannot read"):
        wikievents.read(DATA / "absent.jsonl")


def test_reader_rejects_spans_outside_the_document_and_unknown_entities(tmp_path):
    path = tmp_path / "gold.jsonl"
    row = json.loads(MINI.read_text(encoding="utf-8").splitlines()[1])
    row["entity_mentions"][0]["end"] = 99
    path.write_text(json.dumps(row), encoding="utf-8")
    with pytest.raises(DatelineError, match=r"line 1 \(dunmore-2\): entity mention .* outside the document"):
        wikievents.read(path)
    row = json.loads(MINI.read_text(encoding="utf-8").splitlines()[1])
    row["event_mentions"][1]["arguments"][0]["entity_id"] = "dunmore-2-T9"
    path.write_text(json.dumps(row), encoding="utf-8")
    with pytest.raises(DatelineError, match="names entity dunmore-2-T9, which has no mention"):
        wikievents.read(path)


def test_triggers_match_by_overlap_and_type_and_left_out_predictions_do_not_count(docs):
    farlow = docs[0]
    events = [
        event(farlow, "attacked", [LEAD]),  # Conflict.Attack: identified and classified
        event(farlow, "wounded", [SECOND], plover="COERCE"),  # Life.Injure found, but of the wrong type
        event(farlow, "said", [SECOND]),  # overlaps only an unmapped (Broadcast) trigger: left out
        event(farlow, "Monday", [LEAD], plover="CONSULT"),  # a type KAIROS does not annotate: left out
        event(farlow, "attack", [HEADLINE]),  # no gold trigger there: a false alarm
    ]
    summary = wikievents.score([farlow], [extraction(farlow, events)])
    assert summary["triggers_id"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "tp": 2, "fp": 1, "fn": 1}
    assert summary["triggers_class"] == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333, "tp": 1, "fp": 2, "fn": 2}
    assert summary["by_type"]["ASSAULT"] == {"precision": 0.5, "recall": 0.3333, "f1": 0.4, "tp": 1, "fp": 1, "fn": 2}
    assert summary["mentions"] == {"gold": 4, "scored": 3, "unmapped": 1, "casualty_found": 0}
    assert summary["predictions"] == {"events": 5, "mentions": 5, "left_out": 2}
    assert summary["unmapped_types"] == {"Contact.Contact.Broadcast": 1}
    assert summary["headline"]["trigger_class_f1"] == 0.3333 and summary["gate"] == "trigger_class_f1"
    assert {"id": "farlow-1", "gold": None, "pred": "ASSAULT 'attack'"} in summary["misses"]


def test_deaths_and_injuries_are_found_as_the_casualties_read_in_their_sentence(docs):
    farlow = docs[0]
    attack = event(farlow, "attacked", [LEAD], fatalities=Count(low=3, best=3, high=3, text="three"))
    summary = wikievents.score([farlow], [extraction(farlow, [attack])])
    # the death is the attack's toll; the injury, told in another sentence than the toll's evidence, is missed
    assert summary["triggers_class"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "tp": 2, "fp": 0, "fn": 1}
    assert summary["mentions"]["casualty_found"] == 1
    # an ASSAULT whose trigger matches nothing, carrying the injuries of the second sentence, is that mention's hit
    other = event(farlow, "attack", [HEADLINE, SECOND], injuries=Count(low=2, best=2, high=2, text="two"))
    summary = wikievents.score([farlow], [extraction(farlow, [attack, other])])
    assert summary["triggers_class"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 3, "fp": 0, "fn": 0}
    # a figure whose words are not in the mention's sentence finds nothing
    stray = event(farlow, "attack", [HEADLINE, SECOND], injuries=Count(low=4, best=4, high=4, text="four"))
    summary = wikievents.score([farlow], [extraction(farlow, [attack, stray])])
    assert summary["triggers_class"]["fn"] == 1 and summary["triggers_class"]["fp"] == 1


def test_each_word_an_event_is_told_by_is_a_mention_of_its_own(docs):
    """WikiEvents annotates every mention: an event told by 'attacked' and 'wounded' stands for both gold mentions,
    and a word of it that tells no gold mention is a false alarm."""
    farlow = docs[0]
    told = [Span(text=w, start=span(farlow.text, w)[0], end=span(farlow.text, w)[1]) for w in ("attacked", "wounded")]
    attack = event(farlow, "attacked", [LEAD, SECOND], mentions=told)
    summary = wikievents.score([farlow], [extraction(farlow, [attack])])
    assert summary["triggers_class"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "tp": 2, "fp": 0, "fn": 1}
    assert summary["predictions"] == {"events": 1, "mentions": 2, "left_out": 0}
    market = span(farlow.text, "market", 1)
    attack = event(farlow, "attacked", [LEAD], mentions=[told[0], Span(text="market", start=market[0], end=market[1])])
    summary = wikievents.score([farlow], [extraction(farlow, [attack])])
    assert summary["triggers_class"] == {"precision": 0.5, "recall": 0.3333, "f1": 0.4, "tp": 1, "fp": 1, "fn": 2}


def test_arguments_match_by_span_and_role_on_matched_events(docs):
    farlow = docs[0]
    start, end = span(farlow.text, "Gunmen", 1)
    gunmen = Entity(id="ent1", name="Gunmen", mentions=[Span(text="Gunmen", start=start, end=end)])
    farlow_place = PlaceMention(
        text="Farlow", start=span(farlow.text, "Farlow", 1)[0], end=span(farlow.text, "Farlow", 1)[1]
    )
    actors = [
        Actor(name="Gunmen", role="initiator", entity="ent1"),  # the entity's mention: the Attacker (and Killer)
        Actor(name="three people", role="victim"),  # its words overlap the Victim of the death
        Actor(name="busy market", role="initiator"),  # the Target's span in the wrong role
        Actor(name="police", role="target"),  # not an argument of this event
    ]
    attack = event(
        farlow,
        "attacked",
        [LEAD],
        actors=actors,
        location=Location(name="Farlow", text="Farlow"),
        fatalities=Count(low=3, best=3, high=3, text="three"),
    )
    summary = wikievents.score([farlow], [extraction(farlow, [attack], entities=[gunmen], places=[farlow_place])])
    # gold pool: Gunmen (initiator, once for Attacker and Killer), market (target), Farlow (location), people (victim)
    assert summary["arguments_id"] == {"precision": 0.8, "recall": 1.0, "f1": 0.8889, "tp": 4, "fp": 1, "fn": 0}
    assert summary["arguments"] == {"precision": 0.6, "recall": 0.75, "f1": 0.6667, "tp": 3, "fp": 2, "fn": 1}
    assert summary["by_role"] == {
        "initiator": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0},
        "target": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1},
        "location": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 1, "fp": 0, "fn": 0},
    }
    preds = ["victim: three people", "target: police"]  # the predictions in a role that would have matched
    miss = {"id": "farlow-1", "trigger": "attacked", "role": "Target (target)", "gold": "market", "pred": preds}
    assert miss in summary["misses"]


def test_coreferent_mentions_count_only_in_the_coref_figure(docs):
    farlow = docs[0]
    start, end = span(farlow.text, "Gunmen", 1)
    gunmen = Entity(id="ent1", name="Gunmen", mentions=[Span(text="Gunmen", start=start, end=end)])
    actors = [Actor(name="Gunmen", role="initiator", entity="ent1"), Actor(name="two guards", role="victim")]
    wounded = event(farlow, "wounded", [SECOND], actors=actors)  # gold Injurer is "They", coreferent with Gunmen
    summary = wikievents.score([farlow], [extraction(farlow, [wounded], entities=[gunmen])])
    assert summary["arguments"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert summary["arguments_coref"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0}
    assert (summary["headline"]["arg_f1"], summary["headline"]["arg_coref_f1"]) == (0.5, 1.0)


def test_arrest_modes_and_partly_covered_types(docs):
    dunmore = docs[1]
    sentences = ["Police arrested two men in Dunmore on Friday.", "The men were released on Sunday."]
    events = [
        event(dunmore, "arrested", sentences[:1], plover="COERCE", mode="arrest"),
        event(dunmore, "released", sentences[1:], plover="RETREAT"),  # Justice.ReleaseParole
        event(dunmore, "Sunday", sentences[1:], plover="RETREAT"),  # RETREAT is judged only where it matches
    ]
    summary = wikievents.score([dunmore], [extraction(dunmore, events)])
    assert summary["triggers_class"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0}
    assert summary["mode_accuracy"] == 1.0 and summary["in_evidence_recall"] == 1.0
    # no arguments predicted: every gold argument of the matched events is missed
    assert summary["arguments"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 4}


def test_without_a_coref_file_the_coref_figure_is_none(tmp_path):
    shutil.copy(MINI, tmp_path / "mini.jsonl")
    docs = wikievents.read(tmp_path / "mini.jsonl")
    assert not any(d.has_coref for d in docs)
    assert docs[0].mentions[2].arguments[0].coref == (docs[0].mentions[2].arguments[0].span,)
    summary = wikievents.score(docs, [extraction(d, []) for d in docs])
    assert summary["arguments_coref"] is None and summary["headline"]["arg_coref_f1"] is None
    assert summary["triggers_class"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 5}


def test_run_scores_the_real_pipeline_on_the_tiny_file():
    summary = wikievents.run(MINI)
    assert summary["kind"] == "wikievents" and summary["documents"] == 2
    assert set(summary["headline"]) == {
        "trigger_id_f1",
        "trigger_class_f1",
        "arg_f1",
        "arg_coref_f1",
        "arg_end_to_end_f1",
    }
    assert summary["mentions"]["scored"] == 5
    assert summary["triggers_class"]["tp"] >= 2  # "attacked" (ASSAULT) and "arrested" (COERCE) at least
    assert wikievents.run(MINI, limit=1)["documents"] == 1


def test_end_to_end_arguments_count_the_arguments_of_unfound_mentions(docs):
    dunmore = docs[1]
    events = [event(dunmore, "arrested", ["Police arrested two men in Dunmore on Friday."], plover="COERCE")]
    summary = wikievents.score([dunmore], [extraction(dunmore, events)])
    on_found = summary["arguments"]
    end_to_end = summary["arguments_end_to_end"]
    # the release was not found: its gold arguments are misses end to end, not on the found events
    assert end_to_end["tp"] == on_found["tp"] and end_to_end["fp"] == on_found["fp"]
    assert end_to_end["fn"] > on_found["fn"]
