"""The ECB+ adapter: the CAT XML reader, trigger-to-mention matching, the coreference measures, and one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import ecbplus
from dateline.evalsets.ecbplus import EcbDoc, bcubed, ceaf_e, muc, why_apart
from dateline.records import DateRange, Event, Extraction, Location, Report, Span

DATA = Path(__file__).parent / "data" / "ecbplus"
TOPIC = DATA / "1"

# ---------------------------------------------------------------------------------------------------------
# Reading


def _docs() -> dict[str, EcbDoc]:
    return {d.id: d for d in ecbplus.read(TOPIC)}


def test_read_orders_documents_and_builds_text_with_offsets():
    docs = ecbplus.read(TOPIC)
    assert [d.id for d in docs] == ["1_1ecb", "1_1ecbplus", "1_2ecb"]  # by document number, ecb before ecbplus
    second = docs[2]
    assert (second.topic, second.subtopic) == ("1", "1ecb")
    assert second.text.splitlines()[1] == '"We heard loud shots," a trader said.'  # PTB quotes, no space before ","
    assert [second.text[s:e] for s, e in second.spans[:3]] == ["Four", "officers", "died"]
    assert second.text[slice(*second.spans[14])] == ","


def test_read_keeps_event_mentions_and_their_chains():
    docs = _docs()
    first = docs["1_1ecb"]
    assert [(m.tag, m.text) for m in first.mentions] == [
        ("ACTION_OCCURRENCE", "attacked"),
        ("ACTION_OCCURRENCE", "killing"),
        ("ACTION_OCCURRENCE", "rounded up"),
        ("ACTION_OCCURRENCE", "attack"),
    ]  # the location, person and time markables are not event mentions
    attacked, killing, rounded, attack = first.mentions
    assert attacked.chain == attack.chain == docs["1_2ecb"].mentions[1].chain == "1/ACT101"  # cross-document
    assert killing.chain == docs["1_2ecb"].mentions[0].chain == "1/ACT102"
    assert rounded.chain == "1/1_1ecb:m3"  # in no chain: a singleton
    plus = docs["1_1ecbplus"]
    assert plus.mentions[0].chain == plus.mentions[2].chain == "1/1_1ecbplus:r5"  # intra-document chain
    assert plus.mentions[3].tag == "NEG_ACTION_OCCURRENCE"


def test_read_one_file():
    (doc,) = ecbplus.read(TOPIC / "1_2ecb.xml")
    assert (doc.id, len(doc.mentions)) == ("1_2ecb", 4)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-xml", r"2_1ecb\.xml is not well-formed XML"),
        ("bad-anchor", r"3_1ecb\.xml: markable m_id=4 points at unknown token t_id=99"),
        ("missing", r"no such ECB\+ file or folder"),
    ],
)
def test_read_rejects_bad_input(name, message):
    with pytest.raises(DatelineError, match=message):
        ecbplus.read(DATA / name)


def test_read_rejects_wrong_names_and_roots(tmp_path):
    with pytest.raises(DatelineError, match="holds no ECB\\+ files"):
        ecbplus.read(tmp_path)
    (tmp_path / "notes.xml").write_text("<Document/>")
    with pytest.raises(DatelineError, match="notes.xml: name must look like TOPIC_Necb.xml"):
        ecbplus.read(tmp_path / "notes.xml")
    (tmp_path / "4_1ecb.xml").write_text("<TimeML/>")
    with pytest.raises(DatelineError, match=r"4_1ecb\.xml is not a CAT document \(root element <TimeML>\)"):
        ecbplus.read(tmp_path)
    (tmp_path / "4_1ecb.xml").write_text('<Document><token t_id="x" sentence="0">Hi</token></Document>')
    with pytest.raises(DatelineError, match=r"4_1ecb\.xml: <token> has no numeric t_id \('x'\)"):
        ecbplus.read(tmp_path)


# ---------------------------------------------------------------------------------------------------------
# Matching and scoring on hand-built extractions


def _event(doc: EcbDoc, n: int, word: str, nth: int = 0, day: str | None = None, **location) -> Event:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(word, start + 1)
    return Event(
        id=f"ev{n}",
        type="ASSAULT",
        trigger=Span(text=word, start=start, end=start + len(word)),
        date=DateRange(start=day, end=day, precision="day" if day else "unknown"),
        location=Location(**location),
    )


def _extraction(doc: EcbDoc, *events: Event) -> Extraction:
    return Extraction(report=Report(id=doc.id, text=doc.text), dateline_version="test", events=list(events))


def test_match_is_one_to_one_by_shared_tokens():
    doc = _docs()["1_1ecb"]
    events = [
        _event(doc, 1, "attacked"),
        _event(doc, 2, "attacked"),  # the same mention again: left unmatched
        _event(doc, 3, "up"),  # one token of "rounded up"
        _event(doc, 4, "rounded up"),  # both tokens: wins the mention though it comes later
        _event(doc, 5, "Gunmen"),  # no event mention there
    ]
    assert ecbplus.match(doc, _extraction(doc, *events)) == {0: (0, "attacked"), 2: (3, "rounded up")}


def test_each_word_an_event_is_told_by_finds_a_mention():
    """An event that merged the mentions 'attacked' and 'rounded up' finds both gold mentions, as one event."""
    doc = _docs()["1_1ecb"]
    attacked, rounded = _event(doc, 1, "attacked"), _event(doc, 2, "rounded up")
    both = attacked.model_copy(update={"mentions": [attacked.trigger, rounded.trigger]})
    assert ecbplus.match(doc, _extraction(doc, both)) == {0: (0, "attacked"), 2: (0, "rounded up")}


def test_measures_on_a_hand_checked_example():
    key = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    response = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    assert bcubed(key, response) == pytest.approx((8 / 15, 4 / 5))
    assert muc(key, response) == pytest.approx((1 / 3, 1 / 2))
    aligned = 0.8 + 2 / 3  # {a,b,c}-{a,b} and {d,e}-{e}, not {d,e}-{c,d}
    assert ceaf_e(key, response) == pytest.approx((aligned / 2, aligned / 3))
    assert muc({"a": 1}, {"a": 2}) == (0.0, 0.0)  # no link to find: counted as 0


def test_ceaf_alignment_is_optimal_not_greedy():
    weights = {(1, "x"): 0.9, (1, "y"): 0.8, (2, "x"): 0.8}
    assert ecbplus._best_alignment(weights) == pytest.approx(1.6)  # greedy would take 0.9 alone


def _three(docs: dict[str, EcbDoc], plus_word: str = "attacked", plus_nth: int = 0) -> list[Extraction]:
    first, plus, second = docs["1_1ecb"], docs["1_1ecbplus"], docs["1_2ecb"]
    return [
        _extraction(first, _event(first, 1, "attacked"), _event(first, 2, "rounded")),
        _extraction(plus, _event(plus, 1, plus_word, plus_nth), _event(plus, 2, "Gunmen")),
        _extraction(second, _event(second, 1, "attacked")),
    ]


def test_score_merge_and_same_lemma_baseline():
    docs = _docs()
    merged = {"1_1ecb#ev1": "m1", "1_2ecb#ev1": "m1", "1_1ecb#ev2": "m2", "1_1ecbplus#ev1": "m3"}
    summary = ecbplus.score(list(docs.values()), _three(docs), merged)
    assert (summary["kind"], summary["documents"], summary["gold_mentions"], summary["found_mentions"]) == (
        "ecbplus",
        3,
        12,
        4,
    )
    assert (summary["unmatched_events"], summary["found_undated"]) == (1, 4)
    assert summary["headline"] == {
        "mention_recall": 0.3333,
        "conll_f1_cross": 1.0,
        "bcubed_f1_cross": 1.0,
        "conll_f1_within": 0.6667,  # one mention per document and chain: MUC has no link to find
        "baseline_conll_f1_cross": 0.7289,  # "attacked" in both sub-topics lands in one cluster
    }
    baseline = summary["baseline_cross"]
    assert (baseline["bcubed_precision"], baseline["bcubed_recall"], baseline["bcubed_f1"]) == (0.6667, 1.0, 0.8)
    assert (baseline["muc_precision"], baseline["muc_recall"]) == (0.5, 1.0)
    assert (baseline["ceafe_precision"], baseline["ceafe_recall"], baseline["ceafe_f1"]) == (0.9, 0.6, 0.72)
    assert summary["within"]["muc_f1"] == 0.0
    assert summary["gate"] == "conll_f1_cross"
    assert (summary["missed_links"], summary["wrong_links"]) == ({}, 0)
    assert {m["kind"] for m in summary["misses"]} == {"not found", "no gold mention"}


def test_baseline_uses_the_lemmas_given():
    docs = _docs()
    extractions = _three(docs, plus_word="attack", plus_nth=1)
    merged = {"1_1ecb#ev1": "m1", "1_2ecb#ev1": "m1", "1_1ecb#ev2": "m2", "1_1ecbplus#ev1": "m3"}
    plain = ecbplus.score(list(docs.values()), extractions, merged)
    assert plain["headline"]["baseline_conll_f1_cross"] == 1.0  # "attacked" and "attack" differ as words
    lemmas = {"attacked": "attack", "rounded": "round"}
    lemmatised = ecbplus.score(list(docs.values()), extractions, merged, lemmas)
    assert lemmatised["headline"]["baseline_conll_f1_cross"] == 0.7289  # both sub-topics' attacks in one cluster again


def test_score_in_memory_merge_reports_wrong_and_missed_links():
    docs = _docs()
    first, plus, second = docs["1_1ecb"], docs["1_1ecbplus"], docs["1_2ecb"]
    nairobi = {"country": "KE", "lat": -1.28, "lon": 36.82, "precision": "city"}
    extractions = [
        _extraction(first, _event(first, 1, "attacked", day="2024-03-03", **nairobi)),
        _extraction(plus, _event(plus, 1, "attacked", day="2024-03-03", **nairobi)),  # gold: another attack
        _extraction(second, _event(second, 1, "attacked", **nairobi)),  # undated: the merge cannot link it
    ]
    summary = ecbplus.score(list(docs.values()), extractions)
    assert (summary["missed_links"], summary["wrong_links"]) == ({"undated": 1}, 1)
    kinds = [m["kind"] for m in summary["misses"]]
    assert kinds[:2] == ["missed merge", "wrong merge"]
    assert summary["misses"][0]["gold"] == "'attacked' ~ 1_2ecb 'attacked'"
    assert (summary["cross"]["bcubed_precision"], summary["cross"]["bcubed_recall"]) == (0.6667, 0.6667)


def test_why_apart_names_the_failed_condition():
    doc = _docs()["1_1ecb"]
    base = _event(doc, 1, "attacked", day="2024-03-03", country="KE")
    assert why_apart(base, base.model_copy(update={"type": "PROTEST"})) == "type differs"
    assert why_apart(base, _event(doc, 2, "attacked", country="KE")) == "undated"
    assert why_apart(base, _event(doc, 2, "attacked", day="2024-03-03", country="UG")) == "country differs"
    assert why_apart(base, _event(doc, 2, "attacked", day="2024-03-09", country="KE")) == "dates apart"
    assert why_apart(base, base) == "pair score below threshold"
    undated = _event(doc, 3, "attacked", country="KE")
    assert why_apart(undated, _event(doc, 4, "attacked", country="UG")) == "country differs"  # neither dated
    assert why_apart(undated, undated) == "pair score below threshold"


def test_score_rejects_mismatched_lengths():
    docs = list(_docs().values())
    with pytest.raises(DatelineError, match="3 ECB\\+ documents but 0 extractions"):
        ecbplus.score(docs, [])


# ---------------------------------------------------------------------------------------------------------
# The real pipeline and store


def test_run_merges_the_same_attack_across_documents_only():
    summary = ecbplus.run(TOPIC)
    assert (summary["documents"], summary["gold_mentions"]) == (3, 12)
    assert summary["found_mentions"] >= 3  # "attacked" in every document
    assert (summary["missed_links"], summary["wrong_links"]) == ({}, 0)  # Nairobi twice in one event, Mombasa apart
    assert summary["headline"]["conll_f1_cross"] == 1.0
    assert summary["headline"]["baseline_conll_f1_cross"] < 1.0  # same lemma joins the two attacks
    assert summary["ingest_ms_per_document"] >= 0
    assert ecbplus.run(TOPIC, limit=1)["documents"] == 1
