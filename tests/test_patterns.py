"""Every pattern of ``lang/en/patterns/`` matches its example and not its counter-example, on the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.tokens import Doc

from dateline.lexicon import Lexicon, LexiconError, lexicon
from dateline.nlp import load_nlp
from dateline.patterns import PatternSet, pattern_set

NAMES = [n.removeprefix("patterns/") for n in lexicon().names() if n.startswith("patterns/")]
RULES = [(name, rule.id) for name in NAMES for rule in pattern_set(name).rules]


def words_matched(patterns: PatternSet, doc: Doc, rule_id: str) -> list[list[str]]:
    """The words of each match of one rule, in text order."""
    found = [tokens for hits in patterns.matches(doc).values() for rid, tokens in hits if rid == rule_id]
    return [[doc[i].text for i in sorted(tokens)] for tokens in found]


def test_there_are_pattern_files() -> None:
    assert {"verbs_by_object", "special_verbs", "nouns_by_use"} <= set(NAMES)
    assert len(RULES) >= 20


@pytest.mark.parametrize(("name", "rule_id"), RULES)
def test_pattern_matches_its_example_and_not_its_counter_example(name: str, rule_id: str) -> None:
    patterns = pattern_set(name)
    rule = patterns.by_id[rule_id]
    nlp = load_nlp()
    doc = nlp(rule.example.text)
    assert rule.example.match in words_matched(patterns, doc, rule_id), words_matched(patterns, doc, rule_id)
    anchor = next(i for i, hits in patterns.matches(doc).items() if any(rid == rule_id for rid, _ in hits))
    first = patterns.first(doc[anchor])
    assert first is not None and first.id == rule_id, f"an earlier rule {first and first.id} wins on the example"
    assert words_matched(patterns, nlp(rule.counter_example), rule_id) == []


def test_a_bad_pattern_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "patterns").mkdir()
    bad = {"#": "a rule without its example", "patterns": [{"id": "x", "kind": "token", "label": "", "means": "m"}]}
    (tmp_path / "patterns" / "broken.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(LexiconError, match="patterns/broken"):
        PatternSet("broken", Lexicon(tmp_path))


@pytest.mark.parametrize("name", NAMES)
def test_matching_only_the_sentences_that_can_match_finds_what_the_whole_doc_does(name: str) -> None:
    """The dependency matcher runs on the sentences holding a rule's first word only: every rule's example and
    counter-example, in one text among sentences no rule can match, gives the matches of the whole Doc."""
    patterns = pattern_set(name)
    assert patterns.anchor_ids is not None  # every shipped rule's first node names its words
    filler = "The weather was mild. Nobody expected much of the day."
    text = " ".join(f"{filler} {r.example.text} {r.counter_example}" for r in patterns.rules)
    doc = load_nlp()(text)
    _, dependency = patterns.matchers(doc.vocab)
    whole: dict[int, list[tuple[str, list[int]]]] = {}
    for match_id, tokens in dependency(doc):
        whole.setdefault(tokens[0], []).append((doc.vocab.strings[match_id], tokens))
    found = {i: [m for m in ms if patterns.by_id[m[0]].kind == "dependency"] for i, ms in patterns.matches(doc).items()}
    assert {i: ms for i, ms in found.items() if ms} == whole and whole
