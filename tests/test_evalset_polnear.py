"""The PolNeAR adapter: the brat reader, the attribution matching rules on hand-built extractions, and one run."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import polnear
from dateline.evalsets.polnear import Attribution, Doc, cue_kind
from dateline.records import Entity, Event, Extraction, Quote, Report, Span

DATA = Path(__file__).parent / "data" / "polnear"
DEV = DATA / "data" / "dev"

# ---------------------------------------------------------------------------------------------------------
# Reading


def test_read_picks_first_annotator_dates_and_discontinuous_content():
    docs = polnear.read(DATA)
    assert [d.id for d in docs] == ["harbor-ferry", "storm-floods"]
    harbor, storm = docs
    assert harbor.published == "2021-03-09"
    assert storm.published is None  # metadata says None
    assert len(harbor.attributions) == 5  # annotator a1 (five), not b2 (one); the Discuss span is no attribution
    first = harbor.attributions[0]
    assert (first.source, first.cue) == ("officials", "said")
    assert harbor.text[slice(*first.content[0])] == "The harbor council approved a new ferry route on Tuesday"
    assert [storm.text[s:e] for s, e in storm.attributions[0].content] == [
        "\u201cThe rain came fast,\u201d",
        "\u201cNobody was ready.\u201d",
    ]
    assert storm.attributions[1] == Attribution(content=storm.attributions[1].content, cue="is expected")


def test_read_compartment_folder_and_flat_pairs(tmp_path):
    assert [d.id for d in polnear.read(DEV)] == ["harbor-ferry", "storm-floods"]
    shutil.copy(DEV / "text" / "storm-floods.txt", tmp_path / "storm-floods.txt")
    shutil.copy(DEV / "attributions" / "storm-floods_a1.ann", tmp_path / "storm-floods.ann")
    (doc,) = polnear.read(tmp_path)
    assert (doc.id, doc.published, len(doc.attributions)) == ("storm-floods", None, 2)


def _flat(tmp_path: Path, ann: str, text: str = "Ann Reyes said rain fell.\n") -> Path:
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.ann").write_text(ann, encoding="utf-8")
    return tmp_path


GOOD_T = "T1\tSource 0 9\tAnn Reyes\nT2\tCue 10 14\tsaid\nT3\tContent 15 24\train fell\n"


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tSource 0 x\tAnn\n", r"a\.ann:1: expected 'ID<TAB>LABEL"),
        ("T1\tSource 0 90\tAnn\n", r"a\.ann:1: offsets 0 90 fall outside"),
        ("T1\tSource 0 3\tBob\n", r"a\.ann:1: the text at 0 3 is 'Ann'"),
        (GOOD_T + "E1\tAttribution:T2 Content:T3 Source:T7\n", r"a\.ann:4: .*undefined span T7"),
        (GOOD_T + "E1\n", r"a\.ann:4: expected 'ID<TAB>TYPE"),
        ("X1\tSource 0 3\tAnn\n", r"a\.ann:1: expected a T \(span\) or E"),
    ],
)
def test_read_malformed_annotation_names_file_and_line(tmp_path, ann, message):
    with pytest.raises(DatelineError, match=message):
        polnear.read(_flat(tmp_path, ann))


def test_read_bad_folders_and_metadata(tmp_path):
    with pytest.raises(DatelineError, match="is not a folder"):
        polnear.read(tmp_path / "missing")
    with pytest.raises(DatelineError, match="holds no .txt files"):
        polnear.read(tmp_path)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DatelineError, match=r"a\.txt: no annotation file"):
        polnear.read(tmp_path)
    _flat(tmp_path, GOOD_T)
    (tmp_path / "metadata.tsv").write_text("filename\tpublication_date\na\t2020-01-01\textra\n", encoding="utf-8")
    with pytest.raises(DatelineError, match=r"metadata\.tsv:2: expected 2 tab-separated fields"):
        polnear.read(tmp_path)
    (tmp_path / "metadata.tsv").write_text("name\tdate\n", encoding="utf-8")
    with pytest.raises(DatelineError, match="no filename and publication_date columns"):
        polnear.read(tmp_path)


@pytest.mark.parametrize(
    ("cue", "kind"),
    [
        ("said", "speech"),
        ("has been saying", "speech"),
        ("noted", "speech"),
        ("told reporters", "speech"),
        ("According to", "according_to"),
        ("believe", "other"),
        ("shows", "other"),
        ("denied", "other"),
        (":", "other"),
        (None, "other"),
    ],
)
def test_cue_kind_word_lists(cue, kind):
    assert cue_kind(cue) == kind


# ---------------------------------------------------------------------------------------------------------
# Scoring on hand-built extractions

TEXT = (
    "Officials said the old dam is safe for now. "
    "The river will rise again, Ann Reyes warned. She added that the town must prepare. "
    "Engineers think repairs will take a year."
)


def _span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def _gold(content: str, cue: str, source: str | None) -> Attribution:
    return Attribution(
        content=(_span(content),), cue=cue, source=source, source_at=_span(source)[0] if source else None
    )


GOLD = Doc(
    id="dam",
    text=TEXT,
    attributions=[
        _gold("the old dam is safe for now", "said", "Officials"),
        _gold("The river will rise again", "warned", "Ann Reyes"),
        _gold("that the town must prepare", "added", "She"),
        _gold("repairs will take a year", "think", "Engineers"),
    ],
)


def _quote(start: int, end: int, speaker: str | None = None, cue: str | None = "said") -> Quote:
    return Quote(speaker=speaker, text=TEXT[start:end], direct=False, start=start, end=end, cue=cue)


def _extraction(quotes: list[Quote], entities: Sequence[Entity] = (), events: Sequence[Event] = ()) -> Extraction:
    report = Report(id="dam", text=TEXT)
    return Extraction(
        report=report, dateline_version="test", quotes=quotes, entities=list(entities), events=list(events)
    )


def _score(quotes: list[Quote], doc: Doc = GOLD, **kwargs) -> dict:
    return polnear.score([doc], [_extraction(quotes, **kwargs)])


def test_found_needs_half_of_the_gold_content():
    start, end = _span("the old dam is safe for now")  # 27 characters: 14 are at least half, 13 are not
    summary = _score([_quote(start, start + 14, "officials"), _quote(*_span("The river"), "Ann Reyes")])
    assert summary["attributions"] == {"precision": 0.5, "recall": 0.25, "f1": 0.3333, "tp": 1, "fp": 1, "fn": 3}
    assert summary["recall_by_cue"] == {"speech": 0.3333, "according_to": None, "other": 0.0}
    assert summary["headline"]["recall_other_cues"] == 0.0
    assert summary["gate"] == "attribution_f1"
    assert [m["error"] for m in summary["misses"]] == ["missed", "missed", "missed", "false alarm"]
    assert summary["misses"][0]["predicted"]["content"] == "The river"  # the nearest prediction


def test_one_to_one_and_fragments_inside_a_found_content():
    whole = (_span("Officials")[0], _span("prepare")[1])
    inner = _span("old dam")
    summary = _score([_quote(*whole, "Officials"), _quote(*inner, "Officials")])
    # one prediction covers three gold contents but finds only one; the short one inside it is a fragment
    assert summary["attributions"]["tp"] == 1
    assert summary["attributions"]["fn"] == 3
    assert summary["attributions"]["fp"] == 0
    assert summary["fragments"] == 1


def test_broken_quotation_is_found_by_its_fragments_of_one_speaker():
    parts = (_span("The river"), _span("will rise"), _span("again"))
    doc = Doc(id="dam", text=TEXT, attributions=[Attribution(content=parts, cue="warned", source="Ann Reyes")])
    same = _score([_quote(*parts[0], "Ann Reyes"), _quote(*parts[1], "Ann Reyes")], doc=doc)
    assert (same["attributions"]["tp"], same["attributions"]["fp"], same["fragments"]) == (1, 0, 1)
    other = _score([_quote(*parts[0], "Ann Reyes"), _quote(*parts[1], "Officials")], doc=doc)
    assert (other["attributions"]["tp"], other["attributions"]["fp"]) == (0, 2)  # 9 of 23 characters each


def test_speaker_names_aliases_and_pronoun_antecedent():
    quotes = [
        _quote(*_span("the old dam is safe for now"), "Officials"),
        _quote(*_span("The river will rise again"), "Mayor Ann Reyes"),  # word sets: gold is inside
        _quote(*_span("the town must prepare"), "Ann Reyes", cue="added"),  # gold 'She' -> Ann Reyes before it
        _quote(*_span("repairs will take a year"), "the engineering office", cue=None),
    ]
    entities = [Entity(id="e1", name="the engineering office", aliases=["Engineers"])]
    summary = _score(quotes, entities=entities)
    assert summary["attributions"]["f1"] == 1.0
    assert summary["speaker"] == {"correct": 4, "total": 4}
    wrong = _score([*quotes[:3], _quote(*_span("repairs will take a year"), "Ann Reyes", cue=None)])
    assert wrong["speaker_acc"] == 0.75
    assert wrong["speaker_acc_by_cue"] == {"speech": 1.0, "according_to": None, "other": 0.0}
    assert wrong["misses"] == [
        {
            "id": "dam",
            "error": "speaker",
            "gold": {"source": "Engineers", "cue": "think", "content": "repairs will take a year"},
            "predicted": {"speaker": "Ann Reyes", "cue": None, "content": "repairs will take a year"},
        }
    ]


def test_relative_pronoun_source_accepts_the_name_just_before_it():
    text = "The mayor, Ann Reyes, who warned that the river will rise, left early."
    start, end = text.index("that the river"), text.index(", left")
    who = text.index("who")
    doc = Doc(id="r", text=text, attributions=[Attribution(((start, end),), "warned", "who", who)])

    def speaker_acc(speaker: str) -> float | None:
        quote = Quote(speaker=speaker, text=text[start:end], direct=False, start=start, end=end, cue="warned")
        extraction = Extraction(report=Report(id="r", text=text), dateline_version="test", quotes=[quote])
        return polnear.score([doc], [extraction])["speaker_acc"]

    assert speaker_acc("Ann Reyes") == 1.0
    assert speaker_acc("Tom Baker") == 0.0


def test_possessive_pronoun_source_accepts_the_nearest_earlier_named_source():
    text = "Tom Baker warned that the river will rise. His claim that the dam would hold was wrong."
    first, claim = (text.index("that the river"), text.index(" will rise") + 10), text.index("that the dam")
    golds = [
        Attribution((first,), "warned", "Tom Baker", 0),
        Attribution(((claim, text.index(" was wrong")),), "claim", "His", text.index("His")),
    ]
    quotes = [
        Quote(speaker="Tom Baker", text=text[a:b], direct=False, start=a, end=b, cue="said")
        for a, b in (golds[0].content[0], golds[1].content[0])
    ]
    extraction = Extraction(report=Report(id="p", text=text), dateline_version="test", quotes=quotes)
    assert polnear.score([Doc(id="p", text=text, attributions=golds)], [extraction])["speaker_acc"] == 1.0


def test_no_source_is_found_but_not_speaker_scored_and_precision_uses_predicted_cue():
    doc = Doc(id="dam", text=TEXT, attributions=[_gold("the old dam is safe for now", "said", None)])
    quotes = [_quote(*_span("the old dam is safe for now"), "Officials", cue="according to"), _quote(0, 9, cue="x")]
    summary = _score(quotes, doc=doc)
    assert summary["speaker"] == {"correct": 0, "total": 0}
    assert summary["speaker_acc"] is None
    assert summary["precision_by_cue"] == {"speech": None, "according_to": 1.0, "other": 0.0}
    assert summary["recall_by_cue"]["speech"] == 1.0


def _event(words: str, attributed_to: list[str]) -> Event:
    start, end = _span(words)
    trigger = Span(text=words, start=start, end=end)
    return Event(id=words, type="ACCUSE", trigger=trigger, attributed_to=attributed_to)


def test_events_inside_gold_content_should_be_attributed_to_the_source():
    events = [
        _event("rise", ["Ann Reyes"]),  # inside, right source
        _event("repairs", ["Officials"]),  # inside, wrong source
        _event("prepare", []),  # inside, not attributed
        _event("Officials", ["Ann Reyes"]),  # outside every content, attributed: false alarm
    ]
    summary = _score([], events=events)
    assert summary["event_attribution"] == {
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
        "tp": 2,
        "fp": 1,
        "fn": 1,
    }
    assert summary["event_source_acc"] == 0.5


def test_score_needs_one_extraction_per_document():
    with pytest.raises(DatelineError, match="1 gold articles but 0 extractions"):
        polnear.score([GOLD], [])


# ---------------------------------------------------------------------------------------------------------
# The pipeline on the tiny files


def test_run_scores_the_pipeline_on_the_tiny_set():
    summary = polnear.run(DATA, limit=2)
    assert (summary["kind"], summary["documents"]) == ("polnear", 2)
    assert summary["gold_by_cue"] == {"speech": 4, "according_to": 1, "other": 2}
    assert set(summary["headline"]) == {
        "attribution_f1",
        "attribution_recall",
        "speaker_acc",
        "recall_speech",
        "recall_according_to",
        "recall_other_cues",
    }
    assert summary["recall_by_form"]["direct"] == 1.0  # both quotations in quotation marks are found
    assert summary["attributions"]["tp"] >= 4
    assert 0.0 < summary["headline"]["attribution_f1"] <= 1.0
