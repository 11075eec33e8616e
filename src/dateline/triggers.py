"""Trigger detection: which words tell of an event, and of which PLOVER type.

A verb triggers by its lemma, a noun by its form (the lexicon is data, in ``lang/en/events/``), and the parse
decides the rest: what the verb acts on ("suspended talks" is a rejection, "suspended aid" a sanction),
whether it happened at all ("urged them to withdraw", "accused X of shelling"), whether it is one event or a
tally ("115 attacks since October"), and which triggers of a sentence tell of one happening ("killed in a
strike"). ``trigger_type`` is memoised on the Doc, since several stages ask about the same token.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from dateline import casualties
from dateline.lexicon import lexicon
from dateline.patterns import pattern_set
from dateline.records import Count
from dateline.taxonomy import (
    BOMB_NOUNS,
    COMMENT_VERBS,
    CROWD_WORDS,
    GROUP_NOUNS,
    LIGHT_VERBS,
    PARTICLE_REQUIRED,
    POLICE_WORDS,
    PROJECTILES,
    QUANTITY_NOUNS,
    TARGET_PREPS,
    VERBAL_TYPES,
    WEAK_ASSAULT_NOUNS,
    WEAPON_SUBJECTS,
    trigger_types,
)

# The words the rules below match on, read once (lang/en/events/triggers/ and time/sequence_marks).
CROWD_CONTROL_VERBS = lexicon().words("events/triggers/crowd_control_verbs")
IMPACT_PREPS = lexicon().words("events/triggers/impact_preps")
OBJECT_REQUIRED = lexicon().words("events/triggers/object_required")
HARM_VERBS = lexicon().words("events/triggers/harm_verbs")
PLEDGE_OBJECTS = lexicon().words("events/triggers/pledge_objects")
RELEASE_VERBS = lexicon().words("events/triggers/release_verbs")
CHARGE_PREPS = lexicon().words("events/triggers/charge_preps")
ASKING_FOR_HEADS = lexicon().words("events/triggers/asking_for_heads")
DISPERSAL_VERBS = lexicon().words("events/triggers/dispersal_verbs")
DISPERSAL_MARKS = lexicon().words("events/triggers/dispersal_marks")
COLLECTIVE_NOUNS = lexicon().words("events/triggers/collective_nouns")
PEOPLE_PRONOUNS = lexicon().words("events/triggers/people_pronouns")
THING_RELATIVES = lexicon().words("events/triggers/thing_relatives")
VIOLENT_MODIFIERS = lexicon().words("events/triggers/violent_modifiers")
REPETITION_ADVERBS = lexicon().words("events/triggers/repetition_adverbs")
MANY_TIMES_WORDS = lexicon().words("events/triggers/many_times_words")
TALLY_WORDS = lexicon().words("events/triggers/tally_words")
SEQUENCE_HEADS = lexicon().words("events/triggers/sequence_heads")
SEQUENCE_WORDS = lexicon().words("events/triggers/sequence_words")
SEQUENCE_MARKS = lexicon().words("time/sequence_marks")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], dict[str, str]]:
    return trigger_types()


def noun_triggers() -> dict[str, str]:
    """Noun word form -> PLOVER type, from the lexicon."""
    return _lexicon()[1]


def trigger_type(tok: Token) -> str | None:
    """The PLOVER type a token triggers, or None (memoised on the Doc: many stages ask about one token)."""
    cache = tok.doc.user_data.setdefault("dateline.trigger_types", {})
    if tok.i not in cache:
        cache[tok.i] = _trigger_type(tok)
    return cache[tok.i]


def _trigger_type(tok: Token) -> str | None:
    verbs, nouns = _lexicon()
    if tok.pos_ == "VERB" and (
        tok.ent_type_ in ("ORG", "PERSON", "GPE", "FAC", "WORK_OF_ART", "LAW") or _in_title(tok)
    ):
        return None  # "the Group to Support Islam and Muslims": a word of a name
    if tok.pos_ == "VERB":
        return _verb_type(tok, verbs)
    if tok.pos_ in ("NOUN", "PROPN") and tok.ent_type_ not in ("PERSON", "ORG", "GPE", "DATE", "TIME"):
        return _noun_type(tok, nouns)
    return None


def _verb_type(tok: Token, verbs: dict[str, str]) -> str | None:
    """The type a verb triggers: by what it acts on, else by its lemma, unless its use rules an event out."""
    lemma = tok.lemma_.lower()
    if lemma in CROWD_CONTROL_VERBS and crowd_control(tok):
        return "COERCE"  # tear gas and water cannon disperse a crowd: coercion, not an armed attack
    if lemma in IMPACT_VERBS and any(c.dep_ == "prep" and c.lower_ in IMPACT_PREPS for c in tok.children):
        # "a missile slammed into a block of flats": an attack when a weapon does it, never an accusation
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        return "ASSAULT" if any(_weapon_like(s) for s in subjects) else None
    by_object = _typed_by_object(tok, lemma)
    if by_object is not None:
        return by_object or None
    ptype = verbs.get(lemma)
    if ptype is None:
        return _special_verb(tok)
    return None if _verb_ruled_out(tok, lemma, ptype) else ptype


def _verb_ruled_out(tok: Token, lemma: str, ptype: str) -> bool:
    """A lexicon verb whose use here tells of no event: a missing particle or object, an unreal, habitual or
    descriptive use, an accident."""
    need = PARTICLE_REQUIRED.get(lemma)
    if need and not any(c.lower_ in need for c in tok.children):
        return True
    if lemma == "fire" and not _fires_at_something(tok):
        return True
    if lemma in OBJECT_REQUIRED and not any(c.dep_ in ("dobj", "nsubjpass") for c in tok.children):
        return True
    if _irrealis(tok) or _repeated(tok) or _characterizes(tok):
        return True
    if ptype == "ASSAULT" and _habitual(tok):
        return True  # "the rebels say they target ships linked to Israel": what they do, not an event
    if ptype == "ASSAULT" and lemma in HARM_VERBS and _accidental_cause(tok):
        return True  # "a canopy collapse that killed 15", "floods killed 20": no one attacked
    if ptype in VERBAL_TYPES - {"AGREE"} and tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod"):
        return True  # "an armed group opposed to the junta", "a militia backed by Iran": who they are
    if ptype != "ASSAULT" and tok.tag_ == "VBN" and tok.dep_ == "amod" and tok.i < tok.head.i:
        return True  # "the banned group", "a detained activist": a description, not the act
    if lemma == "pledge" and any(c.dep_ == "dobj" and c.lower_ in PLEDGE_OBJECTS for c in tok.children):
        return True
    # "released a statement": no captives freed
    return lemma in RELEASE_VERBS and not any(_people(c) for c in _objects(tok))


def _noun_type(tok: Token, nouns: dict[str, str]) -> str | None:
    """The type a noun triggers: by its use (``patterns/nouns_by_use``), else by its form (or its last hyphenated
    part) unless its use rules an event out."""
    rule = NOUNS_BY_USE.first(tok)
    if rule is not None:
        return rule.label  # "a roadside bomb tore through the market", "a general strike", "a police raid"
    word = tok.lower_
    ptype = nouns.get(word)
    if ptype is None and "-" in word:
        ptype = nouns.get(word.split("-")[-1])
    if ptype is None:
        return None  # no event noun: nothing to rule out (the tests below are pure, and most nouns get here)
    return None if _noun_ruled_out(tok, word, ptype) else ptype


def _noun_ruled_out(tok: Token, word: str, ptype: str | None) -> bool:
    """An event noun whose use here tells of no one event: promised, stopped, a name, a tally, a generality."""
    if ptype != "DEMAND" and _promised(tok):
        return True  # "vowed that the government would intensify its offensive": a vow, not an offensive
    if ptype in ("CONSULT", "AID", "AGREE", "COOPERATE", "RETREAT", "CONCEDE") and _undone_by_head(tok):
        return True  # "suspended talks", "rejected the deal": the talks are what was stopped, not an event
    if ptype and tok.pos_ == "PROPN" and tok.ent_type_ in ("LAW", "EVENT", "WORK_OF_ART", "NORP", "FAC"):
        return True  # "the Warsaw Pact", "the Paris Agreement": a name, not an event
    if ptype == "ASSAULT" and word in WEAK_ASSAULT_NOUNS and not _violent_modifier(tok):
        return True
    vague_tally = _is_summary_count(tok) and series_count(tok) is None
    if ptype and (vague_tally or _modifies_other_noun(tok) or _generic_activity(tok)):
        return True
    bare_plural = tok.tag_ == "NNS" and not any(c.dep_ in ("det", "poss", "nummod") for c in tok.children)
    if ptype in VERBAL_TYPES and bare_plural:
        return True  # "condemnations no longer matter": statements in general, not one statement
    # "have repeatedly blamed the group for attacks in the region": a charge, not one event
    return bare_plural and tok.head.lower_ in CHARGE_PREPS and tok.head.head.lemma_.lower() in ACCUSING_WORDS


CROWD_CONTROL = {tuple(p.split()) for p in lexicon().phrases("events/weapons/crowd_control")}


IMPACT_VERBS = lexicon().words("events/triggers/impact_verbs")


_WEAPON_WORDS = PROJECTILES | WEAPON_SUBJECTS | BOMB_NOUNS  # joined once, not at every subject asked about


def _weapon_like(tok: Token) -> bool:
    return tok.lower_ in _WEAPON_WORDS or tok.lower_.rstrip("s") in PROJECTILES


VOW_VERBS = lexicon().words("events/triggers/vow_verbs")


def _promised(tok: Token) -> bool:
    """A noun inside what someone vows or demands ('vowed that ... would intensify its offensive')."""
    node = tok
    for _ in range(5):
        if node.head.i == node.i:
            return False
        if node.dep_ in ("ccomp", "xcomp") and node.head.lemma_.lower() in _VOWING_HEADS:
            return any(c.dep_ == "aux" and c.lower_ in VOWED_CLAUSE_AUX for c in node.children) or (
                node.dep_ == "xcomp"
            )
        node = node.head
    return False


def _undone_by_head(tok: Token) -> bool:
    """'suspended talks', 'called for his release': what is stopped or asked for has not happened."""
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() in DEMAND_HEADS | ASKING_FOR_HEADS:
        return True
    if tok.dep_ not in ("dobj", "nsubjpass") or head.pos_ != "VERB":
        return False
    return trigger_type(head) in ("REJECT", "SANCTION") or head.lemma_.lower() in DEMAND_HEADS


def crowd_control(verb: Token) -> bool:
    """'fired tear gas and water cannon', 'used rubber bullets': non-lethal means of dispersing a crowd."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [conj for o in objects for conj in o.conjuncts]
    for obj in objects:
        mods = {c.lower_ for c in obj.children if c.dep_ in ("compound", "amod", "nmod")}
        if any(word in mods and obj.lower_ == head for word, head in CROWD_CONTROL) or obj.lower_ == "batons":
            return True
    return False


def dispersed(verb: Token) -> list[Token]:
    """Whom tear gas was used on: '... to disperse the marchers', '... when protesters tried to ...'."""
    out = []
    for clause in (c for c in verb.children if c.dep_ in ("advcl", "xcomp")):
        if clause.lemma_.lower() in DISPERSAL_VERBS:
            out += [c for c in clause.children if c.dep_ == "dobj"]
        elif any(c.dep_ == "mark" and c.lower_ in DISPERSAL_MARKS for c in clause.children):
            out += [c for c in clause.children if c.dep_ == "nsubj"]
    return out


NOT_PEOPLE = lexicon().words("events/triggers/not_people")
WRAPPER_NOUNS = lexicon().words("events/triggers/wrapper_nouns")


_LOOK_THROUGH_NOUNS = QUANTITY_NOUNS | WRAPPER_NOUNS | COLLECTIVE_NOUNS  # 'thousands of', 'a group of'


def _objects(verb: Token) -> list[Token]:
    """The verb's objects, looking through quantity and wrapper words ('thousands of troops', 'a group of 28')."""
    out = []
    for c in verb.children:
        if c.dep_ not in ("dobj", "nsubjpass"):
            continue
        out.append(c)
        if c.lower_ in _LOOK_THROUGH_NOUNS:
            out += [p for prep in c.children if prep.lower_ == "of" for p in prep.children if p.dep_ == "pobj"]
    return out


def _people(tok: Token) -> bool:
    if tok.lower_ in NOT_PEOPLE:
        return False
    if tok.lower_ in PEOPLE_PRONOUNS:
        return True  # "they were released on Tuesday"
    return tok.ent_type_ in ("PERSON", "NORP") or tok.tag_ in ("NNS", "NNP", "NNPS") or tok.like_num


VERBS_BY_OBJECT = pattern_set("verbs_by_object")
SPECIAL_VERBS = pattern_set("special_verbs")
NOUNS_BY_USE = pattern_set("nouns_by_use")
TAKING_GROUND = "take-territory"  # the one rule of VERBS_BY_OBJECT that outranks seizing people
TAKING_VERBS = lexicon().words("events/triggers/taking_verbs")


def _typed_by_object(verb: Token, lemma: str) -> str | None:
    """Verbs whose event type depends on what they act on (``patterns/verbs_by_object``). '' means: no event.

    'suspended talks' is a rejection, 'suspended aid' a sanction, 'suspended the internet' coercion;
    'seized the town' an attack, 'seized weapons' coercion; 'expelled diplomats' a sanction. People seized are
    abducted by gunmen and arrested by police: who did it is decided here, not by a word pattern.
    """
    rule = VERBS_BY_OBJECT.first(verb)
    if rule is not None and rule.id == TAKING_GROUND:
        return rule.label
    if lemma in TAKING_VERBS and any(_people(o) for o in _objects(verb)):
        doers = [c for c in verb.children if c.dep_ == "nsubj"]
        doers += [p for c in verb.children if c.dep_ == "agent" for p in c.children]
        armed = any(d.lower_ in GROUP_NOUNS or d.ent_type_ == "ORG" and d.lower_ not in POLICE_WORDS for d in doers)
        return "ASSAULT" if armed else "COERCE"
    return None if rule is None else rule.label


def _special_verb(tok: Token) -> str | None:
    """A verb outside the lexicon that tells of an event by a word beside it (``patterns/special_verbs``)."""
    rule = SPECIAL_VERBS.first(tok)
    return None if rule is None else rule.label


IRREALIS_HEADS = lexicon().words("events/triggers/irrealis_heads")
PRESENT_PERFECT_AUX = lexicon().words("events/triggers/present_perfect_aux")
VOWED_CLAUSE_AUX = lexicon().words("events/triggers/vowed_clause_aux")
ACCUSING_WORDS = lexicon().words("events/triggers/accusing_words")
DEMAND_HEADS = lexicon().words("events/triggers/demand_heads")
_VOWING_HEADS = VOW_VERBS | DEMAND_HEADS  # joined once, not at every noun's every head
GOVERNING_VERBS = lexicon().table("events/status/governing_verbs")


def _told_with_status(head: Token) -> bool:
    """'plans to attack', 'threatened to kill': the event is kept, with the status its governing verb gives
    (events/status.py reads the same table), so that an analyst of threats and plans still finds it."""
    return head.pos_ == "VERB" and head.lemma_.lower() in GOVERNING_VERBS


def _irrealis(tok: Token) -> bool:
    """'tried to dislodge', 'wary of withdrawing', 'plans to deploy': intended or feared, not happened."""
    if tok.dep_ in ("ccomp", "xcomp") and tok.head.lemma_.lower() in DEMAND_HEADS:
        return True  # "demanded that the levy be withdrawn", "urged the government to withdraw the bill"
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in IRREALIS_HEADS:
        return not _told_with_status(tok.head)
    if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
        gov = tok.head.head
        if gov.lemma_.lower() in ACCUSING_WORDS or gov.lower_ in ACCUSING_WORDS:
            return True  # "accused the army of shelling villages": the charge, told as an accusation event
        return gov.lemma_.lower() in IRREALIS_HEADS or gov.pos_ == "ADJ"
    return False


CONFLICT_NOUNS = lexicon().words("events/triggers/conflict_nouns")


def _in_title(tok: Token) -> bool:
    """A capitalised verb mid-sentence belongs to a name or title, not to the sentence's story."""
    if not tok.text[:1].isupper() or tok.is_sent_start or tok.i == 0:
        return False
    return tok.doc[tok.i - 1].text not in ('"', "“", "'", "‘", ":", "-", "—", "(")


def _accidental_cause(verb: Token) -> bool:
    """The killer is a thing or a disaster, not a person, group, weapon or attack."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if verb.dep_ == "relcl" and (not subjects or subjects[0].lower_ in THING_RELATIVES):
        subjects = [verb.head]
    if not subjects:
        return False
    subj = subjects[0]
    if subj.pos_ != "NOUN" or subj.ent_type_:
        return False
    word = subj.lower_
    agents = GROUP_NOUNS | PROJECTILES | WEAPON_SUBJECTS | BOMB_NOUNS | POLICE_WORDS | CROWD_WORDS
    if word in agents or word.rstrip("s") in agents or word in _lexicon()[1]:
        return False
    return word in ACCIDENT_WORDS or not any(c.dep_ in ("amod", "compound") and c.ent_type_ for c in subj.children)


ACCIDENT_WORDS = lexicon().words("events/triggers/accident_words")


def _habitual(tok: Token) -> bool:
    """A simple-present action verb in running text tells what someone does, not what happened."""
    return tok.tag_ in ("VBP", "VBZ") and not any(c.dep_ in ("aux", "auxpass") for c in tok.children)


def _characterizes(tok: Token) -> bool:
    """A perfect-tense verb that describes a participant or a whole war, not a dated event.

    "the paramilitary, which has fought the army since 2023" says who the paramilitary is;
    "the war has killed tens of thousands" sums up a conflict. Neither is one event.
    """
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children) and tok.tag_ == "VBN"
    if not perfect:
        return False
    if tok.dep_ == "relcl":
        return True
    objects = [c for c in tok.children if c.dep_ == "dobj"]
    present_perfect = any(c.dep_ == "aux" and c.lower_ in PRESENT_PERFECT_AUX for c in tok.children)
    if (
        present_perfect
        and objects
        and all(o.tag_ == "NNS" and not any(g.dep_ in ("det", "nummod", "poss") for g in o.children) for o in objects)
    ):
        return True  # "groups have attacked churches and mosques in the region": a pattern, not one event
    subjects = [c for c in tok.children if c.dep_ == "nsubj"]
    return any(s.lower_ in CONFLICT_NOUNS for s in subjects)


def _generic_activity(tok: Token) -> bool:
    """'involved in planning and carrying out attacks': a habit or plan, not a dated event."""
    if tok.tag_ != "NNS" or any(c.dep_ in ("det", "poss", "nummod") for c in tok.children):
        return False
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.tag_ == "VBG" and verb.dep_ in ("pcomp", "xcomp", "acl")


def _modifies_other_noun(tok: Token) -> bool:
    """'attack drones', 'strike group': the trigger word only describes another noun."""
    return tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and trigger_type(tok.head) is None


def _fires_at_something(tok: Token) -> bool:
    """'fired rockets at X' / 'opened fire on X' is an attack; 'fired his gun into the air' is not."""
    if any(c.dep_ == "prep" and c.lower_ in TARGET_PREPS for c in tok.children):
        return True
    return any(c.dep_ == "dobj" and c.lower_ in PROJECTILES for c in tok.children)


def _violent_modifier(tok: Token) -> bool:
    words = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound", "nmod")}
    return bool(words & VIOLENT_MODIFIERS) or tok.lower_ == "retaliation"


def _repeated(tok: Token) -> bool:
    """'targeted X several times', 'repeatedly shelled': a run of events, not one."""
    for c in tok.children:
        if c.lower_ in REPETITION_ADVERBS:
            return True
        if c.lower_ == "times" and any(
            g.lower_ in MANY_TIMES_WORDS or (casualties.number_value(g) or 0) > 1 for g in c.children
        ):
            return True
    return False


def _is_summary_count(tok: Token) -> bool:
    """'at least 115 attacks since October', 'several attacks': a tally of events, not one event."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return False
    for c in tok.children:
        if c.dep_ in ("nummod",) and (casualties.number_value(c) or 0) > 1:
            return True
        if c.lower_ in TALLY_WORDS:
            return True
    return False


def series_count(tok: Token) -> Count | None:
    """'at least 115 attacks since October': a numbered tally is one record for the series, with its count."""
    if tok.tag_ not in ("NNS", "NNPS") or tok.pos_ != "NOUN":
        return None
    nums = [c for c in tok.children if c.dep_ == "nummod" and (casualties.number_value(c) or 0) > 1]
    return casualties.count_of(tok) if nums else None


def trigger_groups(sent: Span) -> list[list[Token]]:
    """Triggers in a sentence, with those describing one happening folded together ("killed in a strike")."""
    triggers = [(tok, t) for tok in sent if (t := trigger_type(tok))]
    groups: list[list[Token]] = []
    types: list[str] = []
    for tok, ptype in triggers:
        for gi, group in enumerate(groups):
            if types[gi] == ptype and any(_linked(tok, other) for other in group):
                group.append(tok)
                break
        else:
            groups.append([tok])
            types.append(ptype)
    return groups


def _sequenced(clause: Token) -> bool:
    """An adverbial clause that places another happening before or after this one ('after X fired rockets')."""
    if clause.dep_ not in ("advcl", "pcomp", "pobj") and clause.head.lower_ not in SEQUENCE_HEADS:
        return False
    marks = {c.lower_ for c in clause.children if c.dep_ in ("mark", "prep", "advmod")} | {clause.head.lower_}
    return bool(marks & SEQUENCE_WORDS)


def _outside_time_clause(x: Token, verb: Token) -> bool:
    """'the strike killed 35, a day after Hamas fired rockets', parsed with 'strike' under 'fired': a word
    before the clause's 'after' is not part of that clause, whatever the parse says."""
    marks = [c for c in verb.children if c.dep_ == "mark" and c.lower_ in SEQUENCE_MARKS]
    return any(x.i < m.i < verb.i for m in marks)


def _linked(a: Token, b: Token) -> bool:
    """Two triggers of one happening: one governs the other through a short path ("killed in a strike")."""
    for x, y in ((a, b), (b, a)):
        steps = 0
        node = x
        while node.head.i != node.i and steps < 3:
            if _sequenced(node):
                break  # "... killed 35 people, a day after Hamas fired rockets": another event, told for time
            node = node.head
            steps += 1
            if node.i == y.i:
                return not _outside_time_clause(x, y)
            light = node.lemma_ in LIGHT_VERBS or node.lemma_ in COMMENT_VERBS
            if node.pos_ == "VERB" and node.i != y.i and trigger_type(node) is None and not light:
                break
    return a.head.i == b.head.i and a.dep_ == "conj"
