"""Casualty figures: who was killed or hurt in an event, as a {low, best, high} range.

Figures are read from the dependency parse around kill / injure words ("killed at least 12",
"18 others were wounded", "left two dead", "the death toll rose to 30"), so counts of attacks
or of troops in the same sentence are never mistaken for casualties.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from dateline.lexicon import lexicon
from dateline.records import Count
from dateline.taxonomy import INJURE_WORDS, KILL_WORDS

WORD_NUMBERS: dict[str, int] = lexicon().table("events/casualties/word_numbers")
# ACLED's convention for vague plurals: several/many -> 10, dozens -> 12, hundreds -> 100.
VAGUE_NUMBERS: dict[str, int] = lexicon().table("events/casualties/vague_numbers")
MULTIPLIERS: dict[str, int] = lexicon().table("events/casualties/multipliers")
LOWER_BOUND = lexicon().words("events/casualties/lower_bound")
UPPER_BOUND = lexicon().words("events/casualties/upper_bound")
MULTIPLIER_ARTICLES = lexicon().words("events/casualties/multiplier_articles")
BOUND_WORDS = lexicon().words("events/casualties/bound_words")  # the single words of a bound phrase
PERSON_NOUNS = lexicon().words("events/casualties/person_nouns")
# The largest figure read as a casualty count. The deadliest events on record killed a few million people over
# years; a larger figure in a report is a sum of money, a phone number or garbage, and would overflow the store's
# integer columns (PostgreSQL INTEGER ends at 2**31 - 1, SQLite's at 2**63 - 1). Such a figure is no count: its
# words stay in the evidence sentence.
MAX_COUNT = 10_000_000
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")


def plausible(value: int | None) -> int | None:
    """The figure if it can be a casualty count (see MAX_COUNT), else None."""
    return value if value is None or value <= MAX_COUNT else None


def number_value(token: Token) -> int | None:
    """The integer a number token stands for: '1,200', '18', 'twelve', 'dozens'; None past MAX_COUNT."""
    return plausible(_raw_number(token))


def _raw_number(token: Token) -> int | None:
    """number_value before the MAX_COUNT bound."""
    word = token.lower_
    if _DIGITS.match(word):
        return _digits(word)
    if word in WORD_NUMBERS and (word not in MULTIPLIER_ARTICLES or token.head.lower_ in MULTIPLIERS):
        return WORD_NUMBERS[word]
    if "-" in word:
        parts = [WORD_NUMBERS.get(p) for p in word.split("-")]
        if all(parts):
            return sum(parts)  # type: ignore[arg-type]
    return VAGUE_NUMBERS.get(word)


def _digits(text: str) -> int:
    """'1,200', '18' or '2.5' as a whole number; one too long to be a count is never converted (MAX_COUNT + 1)."""
    whole = text.replace(",", "").split(".")[0].lstrip("0") or "0"
    return int(whole) if len(whole) <= len(str(MAX_COUNT)) else MAX_COUNT + 1


def count_of(noun: Token) -> Count | None:
    """The figure a noun phrase gives: 'at least 12 people', '1,200', 'a soldier', 'dozens of civilians'."""
    if noun.like_num or noun.lower_ in VAGUE_NUMBERS:
        return _count_from_number(noun)
    nums = [c for c in noun.children if c.dep_ in ("nummod", "quantmod") or (c.like_num and c.dep_ != "npadvmod")]
    if nums:
        return _count_from_number(nums[0])
    of_nums = [c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"]
    if noun.lower_ in VAGUE_NUMBERS and of_nums:
        return _count_from_number(noun)
    if noun.tag_ in ("NN", "NNP") and (noun.lower_ in PERSON_NOUNS or noun.ent_type_ == "PERSON"):
        conj = [c for c in noun.conjuncts if c.tag_ in ("NN", "NNP")]
        n = 1 + len(conj)
        return Count(low=n, best=n, high=n, text=_phrase(noun))
    return None


def _count_from_number(tok: Token) -> Count | None:
    value = _with_multiplier(tok)
    if value is None:
        return None
    span = _number_span(tok)
    words = span.text.lower()
    upper_to = _range_upper(tok)
    if upper_to is not None:  # an implausible upper figure leaves the range open
        return Count(low=value, best=value, high=plausible(upper_to), text=span.text)
    if any(w in words for w in UPPER_BOUND):
        return Count(low=None, best=value, high=value, text=span.text)
    if any(w in words for w in LOWER_BOUND) or tok.lower_ in VAGUE_NUMBERS:
        return Count(low=value, best=value, high=None, text=span.text)
    return Count(low=value, best=value, high=value, text=span.text)


def _with_multiplier(tok: Token) -> int | None:
    value = _raw_number(tok)
    if value is None:
        return None
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ in MULTIPLIERS:
        value *= MULTIPLIERS[nxt.lower_]
    return plausible(value)


def _range_upper(tok: Token) -> int | None:
    """The upper figure of '10 to 15', 'between 10 and 15', '10-15' (before the MAX_COUNT bound)."""
    doc = tok.doc
    if tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ in ("to", "and", "-", "or") and doc[tok.i + 2].like_num:
        return _raw_number(doc[tok.i + 2])
    if "-" in tok.text:
        parts = tok.text.split("-")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return _digits(parts[1])
    return None


def _number_span(tok: Token) -> Span:
    doc = tok.doc
    start = tok.i
    while (
        start > 0
        and doc[start - 1].dep_ in ("advmod", "quantmod", "amod", "det")
        and doc[start - 1].head.i
        in (
            tok.i,
            start,
        )
    ):
        start -= 1
    # "at least" is parsed as two modifiers of the number: walk back over them.
    while start > 0 and doc[start - 1].lower_ in BOUND_WORDS:
        start -= 1
    return doc[start : tok.i + 1]


def _phrase(tok: Token) -> str:
    return tok.doc[tok.left_edge.i : tok.i + 1].text


def is_kill_word(tok: Token) -> bool:
    return tok.lemma_.lower() in KILL_WORDS or tok.lower_ in KILL_WORDS


def is_injure_word(tok: Token) -> bool:
    return tok.lemma_.lower() in INJURE_WORDS or tok.lower_ in INJURE_WORDS


def casualty_nouns(word: Token) -> list[Token]:
    """The noun phrases a kill / injure word counts: its object, passive subject, or the noun it describes."""
    if word.pos_ in ("VERB", "AUX"):
        if word.lemma_ == "die":
            return [c for c in word.children if c.dep_ in ("nsubj",)]
        found = [c for c in word.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
        if not found:  # "nine were killed and 20 wounded": a bare figure as subject is the passive's
            found = [c for c in word.children if c.dep_ == "nsubj" and (c.like_num or c.lower_ in VAGUE_NUMBERS)]
        if not found and word.dep_ == "acl":  # "... people killed in the blast"
            found = [word.head]
        if not found and word.dep_ in ("amod",):
            found = [word.head]
        return found
    if word.pos_ == "ADJ":
        # "two dead", "12 people dead", "left N dead / wounded"
        if word.dep_ in ("amod",):
            return [word.head]
        if word.dep_ in ("acomp", "oprd", "ccomp", "xcomp", "advcl"):
            head = word.head
            subj = [c for c in head.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
            return subj or [c for c in word.children if c.like_num]
        return [c for c in word.children if c.like_num or c.dep_ in ("npadvmod", "nsubj")]
    if word.lower_ in ("toll",):
        return [t for t in word.head.subtree if t.like_num][:1]
    return [c for c in word.children if c.dep_ in ("nummod",)]
