"""Word and dependency patterns, read from ``lang/en/patterns/`` and matched with spaCy's own matchers.

A rule that is in effect a pattern ('suspend' with 'talks' as its object is a rejection) is a line of data, not
an ``if`` in a stage: each file is a lexicon table whose ``"patterns"`` list holds rules in order of precedence.
A rule has an ``id``, a ``kind`` (``"token"`` for spaCy's ``Matcher``, ``"dependency"`` for its
``DependencyMatcher``), one or more spaCy ``patterns``, a ``label`` (what a match means: an event type, a role;
``""`` for "no event"), an ``example`` (a sentence it must match, with the words it matches) and a
``counter_example`` (a sentence it must not match); ``tests/test_patterns.py`` runs them all.

A value ``"@name"`` inside an ``IN`` or ``NOT_IN`` list stands for the lexicon word list ``name``, so a rule
names the shared list instead of copying it. A match is anchored at its first token (a token pattern) or at its
first node (a dependency pattern); stages ask which rules matched at a token. The matchers are built once per
vocabulary and run once per Doc, lazily, when a stage first asks about that Doc. spaCy's ``DependencyMatcher``
costs time in proportion to the text it is given, so when every dependency rule's first node names its words
(``LEMMA`` or ``LOWER``, a word or an ``IN`` list), it runs only on the sentences holding one of those words: a
parse tree never leaves its sentence.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spacy.attrs import LEMMA, LOWER
from spacy.matcher import DependencyMatcher, Matcher
from spacy.strings import hash_string
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from dateline.lexicon import Lexicon, LexiconError, lexicon

Kind = Literal["token", "dependency"]


class Example(BaseModel):
    """A sentence a rule must match, and the words of the match (in text order)."""

    model_config = ConfigDict(extra="forbid")

    text: str
    match: list[str] = Field(min_length=1)


class Rule(BaseModel):
    """One pattern rule of a pattern file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: Kind
    label: str
    means: str = Field(min_length=1, description="What a match tells, in a few words.")
    patterns: list[list[dict[str, Any]]] = Field(min_length=1)
    example: Example
    counter_example: str = Field(min_length=1)


class PatternSet:
    """The rules of one pattern file, in order, with their matchers built once per vocabulary."""

    def __init__(self, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        lex = lex or lexicon()
        table = lex.table(f"patterns/{name}")
        try:
            self.rules = [Rule.model_validate(r) for r in table.pop("patterns")]
        except (KeyError, ValidationError) as err:
            raise LexiconError(f"pattern file patterns/{name}: {err}") from err
        if table:
            raise LexiconError(f"pattern file patterns/{name}: unknown keys {sorted(table)}")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise LexiconError(f"pattern file patterns/{name}: a rule id is given twice")
        self.by_id = {r.id: r for r in self.rules}
        self._expanded = [[[_expand(node, lex) for node in p] for p in r.patterns] for r in self.rules]
        self._vocab: Vocab | None = None
        self._matchers: tuple[Matcher, DependencyMatcher] | None = None
        dependency = [ps for r, ps in zip(self.rules, self._expanded, strict=True) if r.kind == "dependency"]
        words = _anchor_words([p[0].get("RIGHT_ATTRS", {}) for ps in dependency for p in ps])
        # the words' hashes, as Doc arrays hold them; None when some rule's first node can be any word
        self.anchor_ids = None if words is None else tuple(frozenset(hash_string(w) for w in ws) for ws in words)

    def matchers(self, vocab: Vocab) -> tuple[Matcher, DependencyMatcher]:
        """The token and dependency matchers for ``vocab`` (built on first use, rebuilt only for another vocab)."""
        if self._matchers is None or self._vocab is not vocab:
            token, dep = Matcher(vocab), DependencyMatcher(vocab)
            for rule, patterns in zip(self.rules, self._expanded, strict=True):
                (token if rule.kind == "token" else dep).add(rule.id, patterns)
            self._vocab, self._matchers = vocab, (token, dep)
        return self._matchers

    def matches(self, doc: Doc) -> dict[int, list[tuple[str, list[int]]]]:
        """Anchor token index -> (rule id, matched token indices) for every match in the Doc, memoised on it."""
        key = f"dateline.patterns.{self.name}"
        if key not in doc.user_data:
            token, dep = self.matchers(doc.vocab)
            found: dict[int, list[tuple[str, list[int]]]] = {}
            for match_id, start, end in token(doc) if len(token) else ():
                found.setdefault(start, []).append((doc.vocab.strings[match_id], list(range(start, end))))
            for match_id, tokens in self._dependency_matches(dep, doc) if len(dep) else ():
                found.setdefault(tokens[0], []).append((doc.vocab.strings[match_id], tokens))
            doc.user_data[key] = found
        return doc.user_data[key]

    def _dependency_matches(self, dep: DependencyMatcher, doc: Doc) -> list[tuple[int, list[int]]]:
        """The dependency matcher's matches, Doc token indices, run on the sentences that can hold one."""
        if self.anchor_ids is None or not doc.has_annotation("SENT_START"):
            return dep(doc)
        lemma_ids, lower_ids = self.anchor_ids
        # the words' hashes, read in one array: a Token per word to read its strings costs more than the test
        anchors = [lemma in lemma_ids or lower in lower_ids for lemma, lower in doc.to_array([LEMMA, LOWER]).tolist()]
        found = []
        for sent in doc.sents:
            if any(anchors[sent.start : sent.end]):
                found += [(match_id, [sent.start + i for i in tokens]) for match_id, tokens in dep(sent)]
        return found

    def matched(self, tok: Token) -> set[str]:
        """The ids of the rules that matched anchored at this token."""
        return {rule_id for rule_id, _ in self.matches(tok.doc).get(tok.i, ())}

    def first(self, tok: Token) -> Rule | None:
        """The first rule, in file order, that matched anchored at this token."""
        ids = self.matched(tok)
        return next((r for r in self.rules if r.id in ids), None) if ids else None


@cache
def pattern_set(name: str) -> PatternSet:
    """The rules of ``lang/en/patterns/<name>.json``, read once per process."""
    return PatternSet(name)


def _expand(node: dict[str, Any], lex: Lexicon) -> dict[str, Any]:
    """A pattern node with each ``"@name"`` of an ``IN``/``NOT_IN`` list replaced by that lexicon word list."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _expand(value, lex)
        elif key in ("IN", "NOT_IN") and isinstance(value, list):
            value = [w for v in value for w in (sorted(lex.words(v[1:])) if v.startswith("@") else [v])]
        out[key] = value
    return out


def _anchor_words(anchors: list[dict[str, Any]]) -> tuple[frozenset[str], frozenset[str]] | None:
    """The lemmas and lower-case forms some dependency rule's first node needs, or None when a first node does not
    name its words (then every sentence can match)."""
    lemmas: set[str] = set()
    lowers: set[str] = set()
    for attrs in anchors:
        named = False
        for attr, words in (("LEMMA", lemmas), ("LOWER", lowers)):
            value = attrs.get(attr)
            if isinstance(value, str):
                words.add(value)
                named = True
            elif isinstance(value, dict) and set(value) == {"IN"}:
                words.update(value["IN"])
                named = True
        if not named:
            return None
    return frozenset(lemmas), frozenset(lowers)
