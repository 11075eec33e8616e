"""The attribute ruler's array matcher gives every token the attributes spaCy's own Matcher gives it."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from dateline.attribute_rules import ArrayMatcher, compile_pattern, use_array_matcher
from dateline.nlp import MODEL, load_nlp

TEXTS = [
    "Y'all ain't seen nothin' yet, the mayor told farmers in the valley on Tuesday.",
    "The ministry said it doesn't know who's behind the raid; they'd been warned twice.",
    "Shells hit a depot near the river.\n\n  Two guards were hurt, and one   later died.",
    "AN ARMED GROUP TOOK THREE HOSTAGES AT DAWN, THE POLICE SAID.",
    "  \t ",
    "",
]


def _tokens(nlp: Language, texts: list[str]) -> list[list[tuple]]:
    return [
        [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]
        for doc in nlp.pipe(texts, batch_size=4)
    ]


@pytest.fixture(scope="module")
def stock() -> Language:
    return spacy.load(MODEL)


def test_the_shipped_ruler_uses_the_array_matcher() -> None:
    assert isinstance(load_nlp().get_pipe("attribute_ruler").matcher, ArrayMatcher)


def test_every_token_gets_the_attributes_the_matcher_gives(stock: Language) -> None:
    fast = spacy.load(MODEL)
    assert use_array_matcher(fast)
    assert _tokens(fast, TEXTS) == _tokens(stock, TEXTS)


def test_the_ruler_still_lists_its_patterns(stock: Language) -> None:
    fast = spacy.load(MODEL)
    use_array_matcher(fast)
    assert fast.get_pipe("attribute_ruler").patterns == stock.get_pipe("attribute_ruler").patterns


def test_a_pattern_with_an_operator_keeps_the_matcher(stock: Language) -> None:
    assert compile_pattern(stock.vocab, [{"LOWER": "very", "OP": "+"}]) is None
    assert compile_pattern(stock.vocab, [{"SHAPE": "Xxxx"}]) is None
    assert compile_pattern(stock.vocab, [{"LOWER": {"REGEX": "^n'?t$"}, "TAG": {"NOT_IN": ["NN"]}}]) is not None
    nlp = spacy.load(MODEL)
    nlp.get_pipe("attribute_ruler").add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    assert not use_array_matcher(nlp)
    assert not isinstance(nlp.get_pipe("attribute_ruler").matcher, ArrayMatcher)
