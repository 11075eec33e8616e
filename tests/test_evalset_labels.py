"""The labelled-snippets adapter: TSV and JSON Lines readers, label spellings, the main-event rule, macro F1."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import labels
from dateline.evalsets.labels import Snippet
from dateline.records import AcledCode, Event, Extraction, Report, Span

DATA = Path(__file__).parent / "data" / "labels"
DEVSET = Path(__file__).parent.parent / "devset" / "labels" / "acled-snippets.jsonl"
EXPECTED = [
    ("mw-1", "Arrests"),
    ("zm-1", "Peaceful protest"),
    ("ml-1", "Remote explosive/landmine/IED"),
]


def test_read_tsv_with_header_and_ids():
    assert [(s.id, s.label) for s in labels.read(DATA / "mini.tsv")] == EXPECTED


def test_read_jsonl_with_default_id():
    snippets = labels.read(DATA / "mini.jsonl")
    assert [(s.id, s.label) for s in snippets] == [*EXPECTED[:2], ("line-3", EXPECTED[2][1])]


def test_read_tsv_without_header(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text(
        "Rebels seized the town.\tnon state actor overtakes territory\n\nA mob beat a thief.\tMOB VIOLENCE\n"
    )
    snippets = labels.read(path)
    assert [(s.id, s.label) for s in snippets] == [
        ("line-1", "Non-state actor overtakes territory"),
        ("line-3", "Mob violence"),
    ]


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("shelling / artillery / missile attack", "Shelling/artillery/missile attack"),
        ("Remote-explosive/Landmine/IED", "Remote explosive/landmine/IED"),
        ("arrest", "Arrests"),
        ("Excessive force against protestors", "Excessive force against protesters"),
        ("Air strike", "Air/drone strike"),
        ("Candlelight vigil", None),
    ],
)
def test_label_spellings(spelling, name):
    assert labels.canonical_label(spelling) == name


def test_unknown_label_names_the_line():
    with pytest.raises(
        DatelineError, match=r"bad-label\.tsv: line 2: unknown ACLED sub-event type 'Candlelight vigil'"
    ):
        labels.read(DATA / "bad-label.tsv")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.tsv", "only one column\n", "line 1: expected text<TAB>label"),
        ("a.jsonl", '{"text": "Police fired tear gas."}\n[1]\n', "line 1: no label"),
        ("a.jsonl", '{"label": "Arrests"}\n', "line 1: no text"),
        ("a.jsonl", '{"text": "x", "label": "Arrests"}\n{oops\n', "line 2: not valid JSON"),
        ("a.tsv", "\n\n", "no snippets"),
    ],
)
def test_read_malformed(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatelineError, match=message):
        labels.read(path)


@pytest.mark.parametrize("path", [DEVSET, DEVSET.with_name("acled-snippets-heldout.jsonl")])
def test_each_half_of_the_devset_has_ten_snippets_per_type(path):
    snippets = labels.read(path)
    assert len(snippets) == 250 and len({s.id for s in snippets}) == 250
    counts = {t: sum(s.label == t for s in snippets) for t in labels.ACLED_SUB_EVENT_TYPES}
    assert set(counts.values()) == {10}


def test_the_halves_share_no_snippet():
    tuning = {s.text for s in labels.read(DEVSET)}
    held_back = {s.text for s in labels.read(DEVSET.with_name("acled-snippets-heldout.jsonl"))}
    assert not tuning & held_back


def coded(sub: str, start: int, **flags) -> Event:
    return Event(
        id=f"e{start}",
        type="ASSAULT",
        trigger=Span(text="x", start=start, end=start + 1),
        acled=AcledCode(event_type="-", sub_event_type=sub),
        **flags,
    )


def extraction(*events: Event) -> Extraction:
    return Extraction(report=Report(id="r", text="text"), dateline_version="test", events=list(events))


def test_main_event_is_the_first_coded_one_that_is_news():
    uncoded = Event(id="u", type="ACCUSE", trigger=Span(text="x", start=0, end=1))
    x = extraction(coded("Attack", 30), coded("Armed clash", 20, background=True), coded("Arrests", 5, negated=True))
    assert labels.predicted_label(extraction(uncoded, *x.events)) == "Attack"
    assert labels.predicted_label(extraction(coded("Armed clash", 20, background=True))) == "Armed clash"
    assert labels.predicted_label(extraction(uncoded)) is None


def test_score_accuracy_macro_f1_over_gold_types():
    docs = [
        Snippet("a", "t", "Armed clash"),
        Snippet("b", "t", "Armed clash"),
        Snippet("c", "t", "Attack"),
        Snippet("d", "t", "Grenade"),
    ]
    preds = [
        extraction(coded("Armed clash", 0)),
        extraction(coded("Attack", 0)),
        extraction(coded("Armed clash", 0)),
        extraction(),
    ]
    out = labels.score(docs, preds)
    assert out["headline"] == {"accuracy": 0.25, "macro_f1": round((0.5 + 0 + 0) / 3, 4)}
    assert out["by_type"]["Armed clash"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert set(out["by_type"]) == {"Armed clash", "Attack", "Grenade"}
    assert out["no_prediction"] == 1
    assert out["confusion"] == {"Armed clash -> Attack": 1, "Attack -> Armed clash": 1, "Grenade -> none": 1}
    assert out["gold_unproducible"] == 0.0  # the classifier may give Grenade to an ASSAULT
    assert out["types_producible"] == len(labels.producible_types() & set(labels.ACLED_SUB_EVENT_TYPES))
    assert out["gate"] == "macro_f1"
    assert out["misses"][0] == {"id": "b", "gold": "Armed clash", "pred": "Attack"}


def test_a_type_only_predicted_does_not_enter_the_macro_mean():
    out = labels.score([Snippet("a", "t", "Arrests")], [extraction(coded("Other", 0))])
    assert out["macro_f1"] == 0.0 and out["by_type"]["Other"]["fp"] == 1


def test_run_on_tiny_file_with_the_pipeline():
    out = labels.run(DATA / "mini.tsv")
    assert out["kind"] == "labels" and out["documents"] == 3
    assert out["accuracy"] == 1.0
    assert labels.run(DATA / "mini.jsonl", limit=1)["documents"] == 1
