"""Coreference for actors: what a pronoun, a description or an 'others' stands for.

"The group said it had seized the base" (it = the group), "Harakat X, a militia ... the militia said"
(a description = the participant the report described that way), "Some residents wept. Others vowed revenge"
(others = residents). Works on the parse and the entity index (token -> Entity) of one report; what the report
says each participant is, is cached on the Doc.
"""

from __future__ import annotations

from collections.abc import Container

from spacy.tokens import Doc, Token

from dateline import casualties
from dateline.lexicon import lexicon
from dateline.records import Entity
from dateline.taxonomy import (
    CIVILIAN_WORDS,
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    MILITARY_NOUNS,
    PRONOUNS,
    REPORTING_VERBS,
)
from dateline.triggers import trigger_type

# spaCy dependency labels (the parser's tag set, not words) an antecedent may hold.
ANTECEDENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "ROOT", "attr", "agent"}
PERSON_PRONOUNS = lexicon().words("words/person_pronouns")
THING_PRONOUNS = lexicon().words("words/thing_pronouns")
SINGULAR_THING_PRONOUNS = lexicon().words("events/coref/singular_thing_pronouns")
PLURAL_PRONOUNS = lexicon().words("events/coref/plural_pronouns")
ANTECEDENT_SENTENCES = 2


def antecedent(entities: dict[int, Entity], tok: Token, places: Container[int] = ()) -> Token | None:
    """What a third-person pronoun stands for.

    "The group said it had seized the base": a pronoun in what a speaker says is the speaker. Otherwise the
    nearest earlier participant of the right sort in this or the two sentences before: a person for he/she,
    a group, state or organisation for it/they. A token in `places` (read as a place by the geocoder) stands for
    no one unless an entity of an actor's kind covers it: "marched through Kisumu ... scattered them".
    """
    word = tok.lower_
    if word not in PERSON_PRONOUNS | THING_PRONOUNS:
        return None
    speaker = reporting_subject(tok)
    if speaker is not None and speaker.i != tok.i and speaker.lower_ not in PRONOUNS and _fits(entities, speaker, word):
        return speaker
    first_sent = tok.sent
    for _ in range(ANTECEDENT_SENTENCES):
        if first_sent.start == 0:
            break
        first_sent = tok.doc[first_sent.start - 1].sent
    shared = [tok.head] + [v for v in tok.head.subtree if v.dep_ in ("conj", "xcomp") and v.pos_ == "VERB"]
    attacking = tok.dep_ == "nsubj" and any(trigger_type(v) == "ASSAULT" for v in shared)
    for i in range(tok.i - 1, first_sent.start - 1, -1):
        cand = tok.doc[i]
        if cand.dep_ not in ANTECEDENT_DEPS or cand.pos_ not in ("NOUN", "PROPN"):
            continue  # "a military-escorted convoy": a modifier is no antecedent
        if attacking and _attacked(cand):
            continue  # "gunmen fired on worshippers ... 'They started shooting'": they are not the worshippers
        if _co_argument(cand, tok):
            continue  # "officers dispersed them": them are not the officers
        if cand.i in places and _unclassed(entities, cand):
            continue  # a town, not who "they" are
        if _fits(entities, cand, word):
            return cand
        if cand.dep_ in ("nsubj", "nsubjpass") and word in SINGULAR_THING_PRONOUNS and cand.tag_ in ("NN", "NNP"):
            return None  # "the bus ... when it hit the device": the pronoun is the nearer subject, no actor
    return None


def _unclassed(entities: dict[int, Entity], tok: Token) -> bool:
    ent = entities.get(tok.i)
    return ent is None or ent.kind == "unknown"


def _co_argument(cand: Token, pronoun: Token) -> bool:
    """The subject of the verb whose object the pronoun is: a plain pronoun never stands for it (binding)."""
    return pronoun.dep_ in ("dobj", "pobj", "dative") and cand.dep_ == "nsubj" and cand.head == _governor(pronoun)


def _attacked(cand: Token) -> bool:
    """A noun an attack was done to: the object of an attack verb or of its preposition."""
    return cand.dep_ in ("dobj", "pobj", "nsubjpass") and trigger_type(_governor(cand)) == "ASSAULT"


def _governor(tok: Token) -> Token:
    """The word a noun is an argument of: its head, or for the object of a preposition, the preposition's head."""
    return tok.head.head if tok.dep_ == "pobj" else tok.head


def _fits(entities: dict[int, Entity], cand: Token, pronoun: str) -> bool:
    """A person for he/she; a named group, state or organisation (or a word for one) for it/they."""
    ent = entities.get(cand.i)
    kind = ent.kind if ent is not None else kind_of_word(cand.lower_, "unknown")
    if kind == "unknown" and (cand.ent_type_ in ("ORG", "NORP") or ent is not None and cand.pos_ == "PROPN"):
        kind = "group"  # a named body the small model could not class ("U.S. Africa Command"); not a town
    if pronoun in PERSON_PRONOUNS:
        return kind == "person" and (ent is not None or cand.ent_type_ == "PERSON")
    if pronoun in PLURAL_PRONOUNS:
        counted = any(c.dep_ == "nummod" for c in cand.children)  # "nine people" were counted as casualties
        return kind in ("group", "military", "government", "organization", "civilians") and not counted
    return kind in ("group", "military", "government", "state", "organization") and cand.tag_ != "NNS"


# Heads of definite descriptions that stand for a named participant told of earlier ("the group"), and the kinds
# of participant some of them can stand for.
DESCRIPTION_WORDS = lexicon().words("actors/nouns/description_words")
DESCRIPTION_DETERMINERS = lexicon().words("events/coref/description_determiners")
DESCRIPTION_KINDS: dict[str, set[str]] = {
    word: set(kinds) for word, kinds in lexicon().table("actors/nouns/description_kinds").items()
}
DESCRIPTION_SENTENCES = 6


def described_antecedent(entities: dict[int, Entity], tok: Token) -> Token | None:
    """The named participant a definite description stands for: 'X, a militia that ...' ... 'the militia'.

    First the nearest earlier participant the report itself described with that word (an apposition, a
    modifier or its name), else the nearest earlier one of a fitting kind within a few sentences.
    """
    word = tok.lower_
    if word not in DESCRIPTION_WORDS or not any(
        c.dep_ == "det" and c.lower_ in DESCRIPTION_DETERMINERS for c in tok.children
    ):
        return None
    modifiers = [c for c in tok.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
    if any(c.pos_ == "PROPN" or c.ent_type_ or c.dep_ == "poss" for c in modifiers):
        return None  # "the Sudanese army", "Hamas's armed wing": named in place
    descriptors = _descriptors(entities, tok.doc)
    first = tok.sent
    for _ in range(DESCRIPTION_SENTENCES):
        if first.start == 0:
            break
        first = tok.doc[first.start - 1].sent
    earlier = [i for i in reversed(descriptors) if i < tok.i]  # _descriptors keeps document order
    for i in earlier:
        said = descriptors[i]
        if (word in said or word.rstrip("s") in said) and all(c.lower_ in said for c in modifiers):
            return tok.doc[i]
    if modifiers:  # "the paramilitary group" for "the RSF, a paramilitary force"; else it names itself
        return next((tok.doc[i] for i in earlier if all(c.lower_ in descriptors[i] for c in modifiers)), None)
    kinds = DESCRIPTION_KINDS.get(word, {"group", "organization"})
    return next((tok.doc[i] for i in earlier if i >= first.start and entities[i].kind in kinds), None)


def _descriptors(entities: dict[int, Entity], doc: Doc) -> dict[int, set[str]]:
    """Per entity mention (its last token), the common nouns the report describes it with."""
    cached = doc.user_data.get("dateline.descriptors")
    if cached is not None:
        return cached
    out: dict[int, set[str]] = {}
    for i, ent in entities.items():
        if i + 1 < len(doc) and entities.get(i + 1) is ent:
            continue  # only the mention's last token
        tok = doc[i]
        words = {w.lower() for w in ent.name.split()[-1:]}
        appos = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        words |= {c.lower_ for c in appos} | {g.lower_ for c in appos for g in c.children if g.dep_ == "amod"}
        words |= {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.pos_ in ("NOUN", "ADJ")}
        if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
            words.add(tok.head.lower_)  # "the paramilitary Rapid Support Forces" parsed the other way round
        out[i] = words
    doc.user_data["dateline.descriptors"] = dict(sorted(out.items()))
    return doc.user_data["dateline.descriptors"]


def crowd_antecedent(tok: Token) -> Token | None:
    """The plural group of people an 'others' or 'some' picks out of, told in this or the sentence before."""
    first = tok.sent if tok.sent.start == 0 else tok.doc[tok.sent.start - 1].sent
    for i in range(tok.i - 1, first.start - 1, -1):
        cand = tok.doc[i]
        if cand.tag_ == "NNS" and (cand.lower_ in CIVILIAN_WORDS or cand.lower_ in casualties.PERSON_NOUNS):
            return cand
    return None


def reporter_subjects(tok: Token) -> list[Token]:
    """The subjects of the first reporting verb above a word ('the army said ...')."""
    for anc in tok.ancestors:
        if anc.lemma_.lower() in REPORTING_VERBS:
            return [c for c in anc.children if c.dep_ == "nsubj"]
    return []


def reporting_subject(tok: Token) -> Token | None:
    return next(iter(reporter_subjects(tok)), None)


def kind_of_word(word: str, default: str) -> str:
    if word in MILITARY_NOUNS:
        return "military"
    if word in GROUP_NOUNS:
        return "group"
    if word in GOVERNMENT_NOUNS:
        return "government"
    if word in CIVILIAN_WORDS:
        return "civilians"
    if word in casualties.PERSON_NOUNS:
        return "person"
    return default
