"""Whether a mention tells of something that took place: its verb's auxiliaries and the clause around it.

An event that will, may, could or must happen, or happens only if something else does, keeps its type and its
participants but carries a status other than 'occurred' (``records.Status``), so that a count of what happened
leaves it out while an analyst of threats and plans still finds it. Words are data: ``events/status/``.
"""

from __future__ import annotations

from spacy.tokens import Token

from dateline.lexicon import lexicon
from dateline.taxonomy import REPORTING_VERBS

MODALS: dict[str, str] = lexicon().table("events/status/modals")
CONDITIONS = lexicon().words("events/status/conditions")
GOVERNING_VERBS: dict[str, str] = lexicon().table("events/status/governing_verbs")
_CLIMB = ("conj", "xcomp")  # 'could attack and burn', 'will try to attack': the status of the verb they hang on


def status_of(group: list[Token]) -> str:
    """The status the trigger words' verb gives: the first that is not 'occurred', else 'occurred'."""
    for tok in group:
        found = _noun_status(tok) if tok.pos_ in ("NOUN", "PROPN") else _clause_status(tok)
        if found != "occurred":
            return found
    return "occurred"


def _noun_status(noun: Token) -> str:
    """An event noun takes the status of the verb that governs it ('threatened new attacks', 'called for the
    assassination'): a governing verb from ``events/status/governing_verbs``, else the verb's own status ('will
    launch an offensive')."""
    while noun.dep_ == "conj" and noun.head.i != noun.i:
        noun = noun.head  # "threatened kidnappings and attacks"
    if noun.dep_ == "dobj":
        verb, key = noun.head, noun.head.lemma_.lower()
    elif noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        verb = noun.head.head
        key = f"{verb.lemma_.lower()} {noun.head.lower_}"
    else:
        return "occurred"
    governed = GOVERNING_VERBS.get(key)
    if governed is not None and verb.pos_ == "VERB":
        return governed
    return _clause_status(verb) if noun.dep_ == "dobj" else "occurred"


def _clause_status(tok: Token) -> str:
    """The status of a verb's clause: its own auxiliaries, else those of the verb it is coordinated with or is the
    infinitive of ('could attack and burn', 'will continue to fight'); a governing verb reached through an
    infinitive gives its status ('vowed to bomb' is planned, 'threatened to kill' threatened)."""
    node = tok
    for _ in range(3):
        if node.dep_ not in _CLIMB or node.head.i == node.i or _has_aux(node):
            break
        if node.dep_ == "xcomp" and node.head.pos_ == "VERB" and node.head.lemma_.lower() in GOVERNING_VERBS:
            return GOVERNING_VERBS[node.head.lemma_.lower()]
        node = node.head
    return _verb_status(node)


def _has_aux(verb: Token) -> bool:
    """An auxiliary of the verb's own, the infinitive's 'to' aside (spaCy labels it aux too)."""
    return any(c.dep_ == "aux" and c.tag_ != "TO" for c in verb.children)


def _verb_status(verb: Token) -> str:
    if verb.pos_ not in ("VERB", "AUX"):
        return "occurred"
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in MODALS:
            return _modal_status(verb, child.lower_)
        if child.dep_ == "mark" and child.lower_ in CONDITIONS:
            return "hypothetical"
    return "occurred"


def _modal_status(verb: Token, modal: str) -> str:
    """'would' in a reported clause ('said the army would attack') is a future told in the past."""
    if modal == "would" and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORTING_VERBS:
        return "planned"
    return MODALS[modal]
