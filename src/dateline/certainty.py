"""How sure a report is of an event: hedges, claims, denials and unverified material.

The reporter's own voice is ``asserted``; a party's statement is ``claimed``; hedge words
("apparent", "likely", "consistent with") make it ``hedged``; "could not independently verify"
makes it ``unverified``; a denial by a participant makes it ``denied``.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from dateline.lexicon import alternation, lexicon
from dateline.nlp import span_text

HEDGE_WORDS = lexicon().words("events/certainty/hedge_words")
MODAL_HEDGES = lexicon().words("events/certainty/modal_hedges")
HEDGE_PHRASES = re.compile(rf"\b({alternation(lexicon().phrases('events/certainty/hedge_phrases'))})\b", re.IGNORECASE)
# A negated ability to verify ('could not independently verify'): grammar, not a word list.
UNVERIFIED = re.compile(
    r"\b(could not|couldn't|was unable to|were unable to|unable to|cannot|can't|has not been able to|"
    r"have not been able to)\s+(?:be\s+)?(?:immediately\s+|independently\s+)*(?:verif|confirm|corroborat)\w*"
    r"|\bnot (?:be |been )?(?:independently )?(?:verified|confirmed)\b"
    r"|\b(?:neither|none)\b[^.;]*\b(?:could|can) be (?:independently )?(?:verified|confirmed)\b"
    r"|\bunconfirmed\b",
    re.IGNORECASE,
)
DENIAL_VERBS = lexicon().words("events/certainty/denial_verbs")
CLAIM_VERBS = lexicon().words("events/certainty/claim_verbs")

# Certainty levels (the output's labels, not words), most certain first.
RANK = {"asserted": 0, "claimed": 1, "hedged": 2, "unverified": 3, "denied": 4}


def hedges_near(sent: Span, trigger: Token) -> list[str]:
    """Hedge words that modify the trigger or its clause (not hedges elsewhere in a long sentence)."""
    found: list[str] = []
    clause = _clause(trigger)
    scope = {t.i for t in trigger.subtree} | {t.i for t in clause.children if t.dep_ in ("aux", "advmod", "amod")}
    scope |= {t.i for t in trigger.children}
    for tok in sent:
        if tok.lower_ in HEDGE_WORDS and (tok.i in scope or tok.head.i == trigger.i or tok.head.i == clause.i):
            if tok.lower_ in MODAL_HEDGES and tok.head.i != clause.i:
                continue
            found.append(tok.text)
    for m in HEDGE_PHRASES.finditer(span_text(sent)):
        found.append(m.group(0))
    return found


def is_unverified(text: str) -> bool:
    return bool(UNVERIFIED.search(text))


def denied(trigger: Token) -> bool:
    """'X denied carrying out the strike': the event sits under a denial verb."""
    for anc in trigger.ancestors:
        if anc.lemma_ in DENIAL_VERBS:
            return True
        if anc.dep_ == "ROOT":
            break
    return False


def negated(trigger: Token) -> bool:
    clause = _clause(trigger)
    return any(c.dep_ == "neg" for c in clause.children) or any(c.dep_ == "neg" for c in trigger.children)


def stronger(a: str, b: str) -> str:
    """The more certain of two levels: one plain assertion outweighs a hedged mention of the same event."""
    return a if RANK[a] <= RANK[b] else b


def _clause(tok: Token) -> Token:
    while tok.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT" and tok.head.i != tok.i:
        tok = tok.head
    return tok
