"""Who took part in an event: its initiators, targets and victims, read from the parse, and who is blamed.

Subject / agent = initiator, object / 'on X' = target, people killed = victims; a noun trigger's modifiers and
prepositions ('an Israeli strike on Gaza', 'fighting between X and Y'). A noun phrase is resolved to the
report's entities where it can be (pronouns, 'the group', 'its fighters', 'a number of militants'), else named
as the report words it. Accusations move blame: 'blamed the attack on X' makes X the alleged initiator, and a
condemnation of an attack targets whoever carried it out. Also the ACLED-style name of a state force or crowd
the report only describes.
"""

from __future__ import annotations

from spacy.tokens import Token

from dateline import casualties
from dateline.coref import antecedent, crowd_antecedent, described_antecedent, kind_of_word
from dateline.events.context import Context, Mention
from dateline.events.when import SEQUENCE_MARKS
from dateline.events.where import _country_place, demonym_country
from dateline.lexicon import lexicon
from dateline.records import Actor, Entity
from dateline.taxonomy import (
    BLAME_VERBS,
    CIVILIAN_WORDS,
    CROWD_WORDS,
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    LIGHT_VERBS,
    MILITARY_NOUNS,
    POLICE_WORDS,
    PROJECTILES,
    PRONOUNS,
    QUANTITY_NOUNS,
    TARGET_PREPS,
    WEAPON_SUBJECTS,
    types_with,
)
from dateline.triggers import noun_triggers, trigger_type

# Seats of government named for the state (metonyms): their actions are the state's.
INSTITUTION_COUNTRY: dict[str, str] = lexicon().table("actors/institution_countries")
# "a faction of X", "members of X": the participant is X.
PART_NOUNS = lexicon().words("actors/nouns/part_nouns")
MEMBER_NOUNS = lexicon().words("actors/nouns/member_nouns")
ABSTRACT_NOUNS = lexicon().words("events/arguments/abstract_nouns")
RELATIVE_PRONOUNS = lexicon().words("words/relative_pronouns")
JOINT_TYPES = types_with("joint")
# Verbs whose object, when it is a person, is the act's victim rather than its target.
VICTIM_VERBS = lexicon().words("events/arguments/victim_verbs")
CHARGE_PREPS = lexicon().words("events/arguments/charge_preps")
PEOPLE_WORDS = lexicon().words("events/arguments/people_words")
FIRST_PERSON = lexicon().words("events/arguments/first_person_pronouns")
CROWD_QUANTIFIERS = lexicon().words("events/arguments/crowd_quantifiers")
STATE_GOVERNMENT_NOUNS = lexicon().words("events/arguments/state_government_nouns")
NOBODY_DETERMINERS = lexicon().words("events/arguments/nobody_determiners")
BODY_POSSESSIVES = lexicon().words("events/arguments/body_possessives")
BLAME_REASON_PREPS = lexicon().words("events/arguments/blame_reason_preps")
RELATIVE_ADVERBS = lexicon().words("events/arguments/relative_adverbs")
OWNER_PREPS = lexicon().words("events/arguments/owner_preps")
ADDRESSED_TYPES = types_with("addressed")
PURPOSIVE_TYPES = types_with("purposive")
HARM_TYPES = {"ASSAULT", "COERCE"}  # acts done to someone: their object is a target whatever it names


def _read_actors(ctx: Context, tok: Token, m: Mention) -> None:
    """The participants one trigger word names, read from the parse around it."""
    if tok.pos_ in ("VERB", "AUX"):
        _read_verb_actors(ctx, tok, m)
    else:
        _read_noun_actors(ctx, tok, m)


def _read_verb_actors(ctx: Context, tok: Token, m: Mention) -> None:
    """A verb's participants: the noun its participle describes, its subject (or the one it shares), its agent,
    its objects, and the targets of its prepositions."""
    lemma = tok.lemma_.lower()
    if tok.dep_ == "acl" and tok.tag_ == "VBN" and _actor_like(ctx, tok.head):
        # "137 schoolchildren kidnapped from a school": the noun the participle describes underwent it
        _add_actor(ctx, m, tok.head, "victim" if lemma in VICTIM_VERBS else "target")
    subj = [c for c in tok.children if c.dep_ in ("nsubj",)] or _inherited_subject(tok)
    marks = [c.i for c in tok.children if c.dep_ == "mark" and c.lower_ in SEQUENCE_MARKS]
    subj = [c for c in subj if not any(c.i < mark < tok.i for mark in marks)]  # outside "a day after ..."
    subj = [tok.head if s.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl" else s for s in subj]
    for s in subj:
        _add_actor(ctx, m, s, "victim" if lemma == "die" else "initiator")
    for c in tok.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    _add_actor(ctx, m, p, "initiator")
        elif c.dep_ == "dobj" and c.lower_ in PROJECTILES:  # "fired rockets at X"
            for p in (g for prep in c.children if prep.lower_ in TARGET_PREPS for g in prep.children):
                _add_actor(ctx, m, p, "target")
        elif c.dep_ in ("dobj", "nsubjpass") and m.type == "MOBILIZE":
            continue  # "deployed 5,000 soldiers": the force sent, not a party acted upon
        elif c.dep_ in ("dobj", "nsubjpass"):
            _read_object(ctx, m, c, lemma)
        elif c.dep_ == "dative" and _actor_like(ctx, c):  # "gave the province aid"
            _add_actor(ctx, m, c, "target")
        elif c.dep_ == "ccomp" and m.type in ADDRESSED_TYPES:  # "demanded that X withdraw"
            for s in (g for g in c.children if g.dep_ == "nsubj" and _actor_like(ctx, g)):
                _add_actor(ctx, m, s, "target")
        elif c.dep_ == "prep" and c.lower_ in TARGET_PREPS | {"for"} and m.type != "CONSULT":
            for p in c.children:
                if p.dep_ != "pobj" or _is_place_token(ctx, p) or _is_time_token(ctx, p):
                    continue
                if m.type == "ASSAULT" or _actor_like(ctx, p):
                    _add_actor(ctx, m, p, "target")
                else:  # "protested against X's decision"
                    for owner in _object_owners(ctx, p):
                        _add_actor(ctx, m, owner, "target")
    if m.type in PURPOSIVE_TYPES:
        _read_purpose(ctx, tok, m)


def _read_purpose(ctx: Context, verb: Token, m: Mention) -> None:
    """What a threat, demand or protest is done to do names its target: 'threatened to shell X', 'rallied to
    demand X's resignation', 'staged a strike to protest against X'. Only a to-infinitive: its objects and
    the targets of its prepositions, or their owners."""
    for clause in (c for c in verb.children if c.dep_ in ("xcomp", "advcl") and c.pos_ == "VERB"):
        if not any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children):
            continue
        harm = trigger_type(clause) in HARM_TYPES  # what one threatens to attack is the target, whatever it is
        for c in clause.children:
            objects = [c] if c.dep_ == "dobj" else []
            if c.dep_ == "prep" and c.lower_ in TARGET_PREPS:
                objects = [p for p in c.children if p.dep_ == "pobj"]
            for obj in (o for o in objects if not _is_place_token(ctx, o) and not _is_time_token(ctx, o)):
                for who in [obj] if harm or _actor_like(ctx, obj) else _object_owners(ctx, obj):
                    _add_actor(ctx, m, who, "target")


def _read_object(ctx: Context, m: Mention, c: Token, lemma: str) -> None:
    """A verb's object or passive subject: the victim of a killing, kidnapping or arrest, else the target; a
    statement's object only when it can name a participant."""
    role = "victim" if lemma in VICTIM_VERBS and _person_like(ctx, c) else "target"
    if m.type not in HARM_TYPES and c.dep_ == "dobj":
        if not _actor_like(ctx, c):  # "vowed revenge against X": X is the one threatened
            against = [p for g in c.children if g.lower_ == "against" for p in g.children]
            for p in (p for p in against if p.dep_ == "pobj" and _actor_like(ctx, p)):
                _add_actor(ctx, m, p, "target")
            for owner in _object_owners(ctx, c):
                _add_actor(ctx, m, owner, "target")
            return
        role = "target"
    _add_actor(ctx, m, c, role)


def _object_owners(ctx: Context, obj: Token) -> list[Token]:
    """Who owns a statement's abstract object: "rejected an Indian proposal", "praised Haiti's efforts", "demanded
    the withdrawal of X", "a request by X". What is said about the thing is aimed at them."""
    owners = [c for c in obj.children if c.dep_ in ("poss", "amod", "compound", "nmod") and _names_actor(ctx, c)]
    for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in OWNER_PREPS):
        owners += [p for p in prep.children if p.dep_ == "pobj" and _actor_like(ctx, p) and not _is_place_token(ctx, p)]
    return owners


def _read_noun_actors(ctx: Context, tok: Token, m: Mention) -> None:
    """A noun's participants: the names modifying it, its prepositions, who is blamed for it, and the subject
    of the light verb it is the object of ('launched an attack')."""
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod", "poss") and _names_actor(ctx, c):
            place = ctx.places.get(c.i)
            if c.dep_ == "compound" and place is not None and place.precision in ("city", "district", "street"):
                continue  # "the Luanda talks", "a Kabul bombing": a city names where, not who
            # "America's expulsion", "the militant's arrest": the possessor undergoes it.
            patient = c.dep_ == "poss" and m.type in ("COERCE", "CONCEDE", "RETREAT") and tok.lower_ != "withdrawal"
            _add_actor(ctx, m, c, "target" if patient else "initiator")
        elif c.dep_ == "prep":
            _read_noun_prep(ctx, tok, m, c)
    head = tok.head
    _read_blamed(ctx, tok, m)
    if tok.dep_ in ("dobj", "pobj", "attr") and head.pos_ == "VERB" and head.lemma_.lower() in LIGHT_VERBS:
        for s in [c for c in head.children if c.dep_ == "nsubj"] or _inherited_subject(head):
            _add_actor(ctx, m, s, "initiator")
        if m.type in PURPOSIVE_TYPES:  # "staged rallies to demand X's resignation"
            _read_purpose(ctx, head, m)
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in LIGHT_VERBS:
        for s in [c for c in head.head.children if c.dep_ == "nsubj"]:
            _add_actor(ctx, m, s, "initiator")


def _read_noun_prep(ctx: Context, tok: Token, m: Mention, c: Token) -> None:
    """A noun trigger's preposition: 'by X', 'between X and Y', 'on X', 'of X', 'with X'."""
    word = c.lower_
    for p in c.children:
        if p.dep_ != "pobj" or _is_time_token(ctx, p):
            continue
        if word == "by":
            _add_actor(ctx, m, p, "initiator")
        elif word == "between":  # "fighting between the army and rebels": both sides
            sides = [p, *p.conjuncts]
            _add_actor(ctx, m, sides[0], "initiator")
            for other in sides[1:]:  # talks and deals have no target: every party is a source (PLOVER)
                _add_actor(ctx, m, other, "initiator" if m.type in JOINT_TYPES else "target")
        elif word == "on" and tok.head.lemma_.lower() in BLAME_VERBS:
            _add_actor(ctx, m, p, "initiator")  # "blamed the attack on X" (parsed onto the noun)
            m.blamed = True
        elif word in TARGET_PREPS and not _is_place_token(ctx, p):
            _add_actor(ctx, m, p, "target")
        elif word == "of" and m.type in ("ASSAULT", "COERCE", "CONCEDE"):
            _add_actor(ctx, m, p, "victim" if _person_like(ctx, p) else "target")
        elif word == "with" and m.type in JOINT_TYPES:
            _add_actor(ctx, m, p, "initiator")  # "a peace deal with the rebels": a party to it


def _read_blamed(ctx: Context, tok: Token, m: Mention) -> None:
    """'blamed the attack on X', 'accused X of the bombing', 'X was blamed for the attack': X (allegedly) did it.

    The initiator so named is someone else's claim, so the mention's certainty is lowered to claimed.
    """
    head = tok.head
    if tok.dep_ == "dobj" and head.lemma_.lower() in LIGHT_VERBS and head.dep_ == "pcomp":
        tok, head = head, head.head  # "accused X of launching the attack": the charge is the attack
    if tok.dep_ in ("pobj", "pcomp") and head.dep_ == "prep" and head.lower_ in CHARGE_PREPS:
        head = head.head  # "accused X of the attack", "blamed X for the attack"
    if head.pos_ != "VERB" or head.lemma_.lower() not in BLAME_VERBS:
        return
    culprits = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass") and c.i not in (tok.i, m.trigger.i)]
    culprits += [
        p for c in head.children if c.dep_ == "prep" and c.lower_ == "on" for p in c.children if p.dep_ == "pobj"
    ]
    for c in culprits:
        before = len(m.actors)
        _add_actor(ctx, m, c, "initiator")
        if len(m.actors) > before:
            m.blamed = True


def _inherited_subject(verb: Token) -> list[Token]:
    """The subject a verb shares with the verb it is joined to ('X launched strikes and killed ...')."""
    node = verb
    for _ in range(3):
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head.i != node.i:
            node = node.head
            subj = [c for c in node.children if c.dep_ == "nsubj"]
            if subj:
                return subj
        elif node.dep_ == "relcl":
            # "the gunmen who fired": the relative clause's head; "in Kalat, where ... were killed": no one
            adverbial = any(c.lower_ in RELATIVE_ADVERBS for c in node.children)
            return [] if adverbial else [node.head]
        else:
            break
    return []


# word lists joined once at import, not at every token asked about
_GROUP_OR_MILITARY = GROUP_NOUNS | MILITARY_NOUNS
_BODY_MEMBER_NOUNS = GROUP_NOUNS | MILITARY_NOUNS | MEMBER_NOUNS
_OWNED_WEAPONS = PROJECTILES | WEAPON_SUBJECTS
_PORTION_NOUNS = QUANTITY_NOUNS | PART_NOUNS | MEMBER_NOUNS
_MEMBERS_OR_GROUPS = MEMBER_NOUNS | GROUP_NOUNS


def _names_actor(ctx: Context, tok: Token) -> bool:
    if tok.i in ctx.entities:
        return True
    if tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON"):
        return True
    return tok.lower_ in _GROUP_OR_MILITARY and tok.dep_ in ("compound", "nmod")


def _person_like(ctx: Context, tok: Token) -> bool:
    ent = ctx.entities.get(tok.i)
    if ent is not None:
        return ent.kind in ("person", "civilians")
    if any(c.dep_ == "appos" and (c.ent_type_ == "PERSON" or c.i in ctx.entities) for c in tok.children):
        return True
    return (
        tok.ent_type_ == "PERSON"
        or any(c.dep_ == "nummod" for c in tok.children)
        or tok.lower_ in PEOPLE_WORDS
        or tok.lower_ in casualties.PERSON_NOUNS
        or tok.lower_.rstrip("s") in (casualties.PERSON_NOUNS)
        or tok.lower_ in CIVILIAN_WORDS
        or tok.like_num
    )


def _actor_like(ctx: Context, tok: Token) -> bool:
    """A noun that can name a participant: an entity, a name, or a word for people, groups or states."""
    if tok.i in ctx.entities or tok.pos_ == "PROPN" or tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON"):
        return True
    words = GROUP_NOUNS | MILITARY_NOUNS | GOVERNMENT_NOUNS | CIVILIAN_WORDS | casualties.PERSON_NOUNS
    return tok.lower_ in words or tok.lower_.rstrip("s") in words


def _is_place_token(ctx: Context, tok: Token) -> bool:
    return tok.i in ctx.places and tok.i not in ctx.entities


def _is_time_token(ctx: Context, tok: Token) -> bool:
    return tok.i in ctx.times


def _add_actor(ctx: Context, m: Mention, tok: Token, role: str) -> None:
    """The participant a noun names, and those joined to it ('Israel and Hezbollah', 'the governments of X and Y')."""
    actor = actor_for(ctx, tok, role)
    if actor is None:
        return
    m.actors.append(actor)
    joined = list(tok.conjuncts) if tok.pos_ in ("NOUN", "PROPN") else []
    if {tok.lower_, tok.lemma_.lower()} & (GOVERNMENT_NOUNS | PART_NOUNS | MEMBER_NOUNS):
        of = [p for c in tok.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        joined += [c for p in of for c in p.conjuncts]
    for other in joined:
        if other.pos_ in ("NOUN", "PROPN") and (extra := actor_for(ctx, other, role)) is not None:
            m.actors.append(extra)


def actor_for(ctx: Context, tok: Token, role: str) -> Actor | None:
    """The participant a noun phrase names, resolved to the report's entities where it can be."""
    if tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
        return actor_for(ctx, tok.head.head, role)  # "the Front, which the government blames": the Front
    if tok.lower_ in PRONOUNS:
        if tok.lower_ in FIRST_PERSON:
            speaker = _quote_speaker_at(ctx, tok.idx)
            return Actor(name=speaker, role=role, kind="unknown") if speaker else None
        meant = antecedent(ctx.entities, tok, ctx.places)
        return actor_for(ctx, meant, role) if meant is not None else None
    if tok.like_num and tok.dep_ in ("dobj", "nsubjpass"):
        return None
    if tok.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM"):
        return None
    if role == "initiator" and tok.lower_ in VEHICLE_WORDS:
        return None  # "the bus hit a mine": a vehicle is never who attacked
    if any(c.lower_ in NOBODY_DETERMINERS and c.dep_ == "det" for c in tok.children):
        return None  # "no group has claimed the attack" names nobody
    if tok.like_num:
        return None  # "12 injured": a figure, not a participant
    if tok.lower_ in _OWNED_WEAPONS or _is_event_noun(tok):
        # "Russian artillery pounded ...", "the U.S. retaliation killed ...": the participant is its owner
        owner = next((c for c in tok.children if c.dep_ in ("amod", "compound", "poss") and _names_actor(ctx, c)), None)
        return actor_for(ctx, owner, role) if owner is not None else None
    owner = [c for c in tok.children if c.dep_ == "poss" and c.lower_ in BODY_POSSESSIVES]
    if owner and tok.lower_ in _BODY_MEMBER_NOUNS:
        body = antecedent(ctx.entities, owner[0], ctx.places)  # "the movement said its fighters ..." -> the movement
        found = actor_for(ctx, body, role) if body is not None and body.i != tok.i else None
        if found is not None:
            return found.model_copy(update={"kind": kind_of_word(tok.lower_, found.kind)})
    if tok.lower_ in CROWD_QUANTIFIERS and not any(c.dep_ == "prep" for c in tok.children):
        crowd = crowd_antecedent(tok)  # "Some residents wept. Others vowed revenge." -> residents
        return actor_for(ctx, crowd, role) if crowd is not None else None
    if tok.lower_ in STATE_GOVERNMENT_NOUNS and (state := _state_of(ctx, tok)) is not None:
        return actor_for(ctx, state, role)  # "the governments of Congo and Rwanda" -> the states
    if tok.lower_ in _PORTION_NOUNS:  # "a number of militants" -> the militants
        of = [p for c in tok.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        named = of and (of[0].i in ctx.entities or of[0].pos_ == "PROPN")
        if of and (tok.lower_ not in MEMBER_NOUNS or named):  # "fighters of the X Army" -> the X Army
            return actor_for(ctx, of[0], role)
    if tok.lower_ in ABSTRACT_NOUNS:
        return None
    if tok.i not in ctx.entities and (ante := described_antecedent(ctx.entities, tok)) is not None:
        return actor_for(ctx, ante, role)  # "the group", "the paramilitary": the named group meant
    if tok.ent_type_ == "NORP" and tok.tag_ in ("NNPS", "NNS") and (cc := demonym_country(tok.text)):
        # "five Palestinians": people of that nation, not its state
        return Actor(name=_phrase_text(tok), role=role, kind="unknown", country=cc)
    if tok.ent_type_ == "NORP" and tok.dep_ in ("amod", "compound", "nmod") and (cc := demonym_country(tok.text)):
        state = _country_place(cc, tok)  # "American bombing" -> the United States
        if state is not None:
            return Actor(name=state.name or tok.text, role=role, kind="state", country=cc)
    ent = _entity_in_phrase(ctx, tok)
    if ent is not None:
        head_is_entity = ctx.entities.get(tok.i) is ent
        named_by_appos = any(c.dep_ == "appos" and ctx.entities.get(c.i) is ent for c in tok.children)
        # "M23 fighters", "Hamas militants": the armed group itself acts through its members
        members_of_group = tok.lower_ in _MEMBERS_OR_GROUPS and ent.kind in ("group", "organization")
        # "a U.S. service member" is a person of that country, not the country itself
        whole = head_is_entity or named_by_appos or members_of_group or tok.pos_ == "PROPN"
        name = ent.name if whole else _phrase_text(tok)
        head_is_entity = head_is_entity or named_by_appos or members_of_group
        kind = ent.kind if head_is_entity else kind_of_word(tok.lower_, ent.kind)
        return Actor(
            name=name,
            role=role,
            kind=kind,
            country=ent.country
            or INSTITUTION_COUNTRY.get(ent.name.lower().removeprefix("the "))
            or _country_in_phrase(ctx, tok)
            or demonym_country(ent.name),
            affiliation=ent.affiliation,
            entity=ent.id if head_is_entity else None,
        )
    if tok.lower_ in INSTITUTION_COUNTRY and tok.i not in ctx.entities:
        return Actor(name=tok.text, role=role, kind="government", country=INSTITUTION_COUNTRY[tok.lower_])
    place = ctx.places.get(tok.i)
    if place is not None and place.precision == "country":
        return Actor(name=place.name or tok.text, role=role, kind="state", country=place.country)
    text = _phrase_text(tok)
    if not text or len(text) > 80:
        return None
    return Actor(name=text, role=role, kind=kind_of_word(tok.lower_, "unknown"), country=_country_in_phrase(ctx, tok))


def _state_of(ctx: Context, tok: Token) -> Token | None:
    """'the government of Rwanda': the country named in its 'of' phrase."""
    for prep in (c for c in tok.children if c.lower_ == "of"):
        for p in prep.children:
            place = ctx.places.get(p.i)
            if p.dep_ == "pobj" and place is not None and place.precision == "country":
                return p
    return None


def _is_event_noun(tok: Token) -> bool:
    """A noun that names a happening ('the retaliation', 'the bombing'), never a participant."""
    return tok.pos_ == "NOUN" and tok.lower_ in noun_triggers() and tok.lower_ not in GROUP_NOUNS


def _entity_in_phrase(ctx: Context, tok: Token) -> Entity | None:
    if tok.i in ctx.entities:
        return ctx.entities[tok.i]
    for c in tok.children:
        if c.dep_ == "appos" and c.i in ctx.entities:
            return ctx.entities[c.i]
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "poss", "nmod", "flat") and c.i in ctx.entities:
            return ctx.entities[c.i]
    return None


def _country_in_phrase(ctx: Context, tok: Token) -> str | None:
    for c in tok.subtree:
        place = ctx.places.get(c.i)
        if place is not None and place.country and c.dep_ in ("compound", "amod", "poss", "nmod"):
            return place.country
        if c.ent_type_ == "NORP" and c.dep_ in ("compound", "amod", "nmod") and (cc := demonym_country(c.text)):
            return cc
    return None


def _phrase_text(tok: Token) -> str:
    """The noun phrase without determiners, relative clauses or trailing prepositions."""
    keep = [t for t in tok.subtree if t.i <= tok.i or t.dep_ in ("compound", "flat")]
    keep = [t for t in keep if t.dep_ not in ("det", "predet", "punct", "relcl", "acl", "prep", "pobj") or t.i == tok.i]
    if not keep:
        return tok.text
    start = keep[0].i
    while start < tok.i and (tok.doc[start].dep_ in ("det", "punct", "cc") or tok.doc[start].lower_ in STATE_WORDS):
        start += 1  # "shot dead 23 people": the figure's people, not "dead 23 people"
    return tok.doc[start : tok.i + 1].text.strip(" ,'\"“”")


STATE_WORDS = lexicon().words("events/arguments/state_words")
VEHICLE_WORDS = lexicon().words("events/arguments/vehicle_words")


def _quote_speaker_at(ctx: Context, offset: int) -> str | None:
    return ctx.quote_speakers.get(offset)


def _dedupe_actors(m: Mention) -> None:
    seen: dict[tuple[str, str], Actor] = {}
    for a in m.actors:
        seen.setdefault((a.name.lower(), a.role), a)
    m.actors = list(seen.values())


def _is_named(actor: Actor) -> bool:
    """An actor the report names (an entity, a state, a proper name), not a description ("the attackers")."""
    if actor.entity or actor.kind == "state":
        return True
    words = actor.name.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0][:1].isupper())


def _with_victim_groups(actors: list[Actor]) -> list[Actor]:
    """Actors plus, as targets, the groups their victims belong to ('its commander was killed')."""
    extra = [
        Actor(name=a.affiliation, role="target", kind="group") for a in actors if a.role == "victim" and a.affiliation
    ]
    return actors + extra


SECURITY_WORDS = lexicon().words("actors/nouns/security_words")
STATE_FORCE_WORDS = lexicon().words("actors/nouns/state_force_words")
GOVERNMENT_BODY_WORDS = lexicon().words("actors/nouns/government_body_words")


def normalized_actor(actor: Actor, country: str | None) -> str | None:
    """ACLED-style name for a state force or a crowd the report only describes.

    'soldiers' in a Nigerian story -> 'Military Forces of Nigeria'; 'riot police' -> 'Police Forces of Kenya';
    'villagers' -> 'Civilians (Sudan)'. Named participants keep their own names (None here).
    """
    crowd = set(actor.name.lower().split()) & CROWD_WORDS
    force_entity = actor.kind == "military" and set(actor.name.lower().split()) & (POLICE_WORDS | STATE_FORCE_WORDS)
    if (actor.entity is not None and not force_entity) or (
        actor.kind not in ("military", "civilians", "government") and not crowd
    ):
        return None  # a named participant keeps its own name ("Kenyan police" is still the country's police)
    from dateline.gazetteer import country as country_entry

    cc = actor.country or country
    place = country_entry(cc) if cc else None
    if place is None:
        return None
    words = set(actor.name.lower().split())
    if crowd:
        return f"{'Rioters' if 'rioters' in crowd else 'Protesters'} ({place.name})"
    if actor.kind == "civilians":
        return f"Civilians ({place.name})"
    if actor.kind == "government":
        return f"Government of {place.name}" if words & GOVERNMENT_BODY_WORDS else None
    if words & POLICE_WORDS:
        return f"Police Forces of {place.name}"
    if words & SECURITY_WORDS:
        return f"Security Forces of {place.name}"
    return f"Military Forces of {place.name}"


# Statements whose object can be an event: 'X condemned the bombing' is aimed at whoever carried it out.
AIMED_TYPES = types_with("aimed")


def _blame_falls_on_the_attack(ctx: Context, groups: list[list[Mention]]) -> None:
    """'Shells hit a market ... The group blamed the RSF': blaming a party right after an attack whose doer the
    report does not name makes that party the attack's alleged initiator (the blamer is who says so)."""
    for group in groups:
        m = group[0]
        if m.type != "ACCUSE" or m.trigger.lemma_.lower() != "blame":
            continue
        if any(c.dep_ == "prep" and c.lower_ in BLAME_REASON_PREPS for c in m.trigger.children):
            continue  # "blamed X for the flooding", "blamed the attack on X": said what for, handled elsewhere
        accused = [a for a in m.actors if a.role == "target" and _is_named(a)]
        attack = _attack_before(ctx, groups, m)
        if (
            not accused
            or attack is None
            or any(a.role == "initiator" and _is_named(a) for g in attack for a in g.actors)
        ):
            continue
        blamers = [a.name for a in m.actors if a.role == "initiator"]
        attack[0].actors += [a.model_copy(update={"role": "initiator"}) for a in accused]
        attack[0].attributed_to = list(dict.fromkeys([*attack[0].attributed_to, *blamers]))


def _attack_before(ctx: Context, groups: list[list[Mention]], m: Mention) -> list[Mention] | None:
    """The current attack told in the two sentences before a mention, if any."""
    index = ctx.sent_index
    here = index[m.sent.start]
    best = None
    for group in groups:
        if group[0].type != "ASSAULT" or group[0].occurrences:
            continue
        nearest = max((index[g.sent.start] for g in group if index[g.sent.start] <= here), default=None)
        if nearest is not None and here - nearest <= 2 and (best is None or nearest > best[0]):
            best = (nearest, group)
    return best[1] if best else None


def _target_the_culprits(groups: list[list[Mention]]) -> None:
    """'The governor condemned the attack' / 'the sentence': it targets whoever carried it out."""
    event_of = {m.trigger.i: g for g in groups for m in g if m.type in ("ASSAULT", "COERCE")}
    for group in groups:
        if group[0].type not in AIMED_TYPES:
            continue
        for m in group:
            objects = [c for c in m.trigger.children if c.dep_ in ("dobj", "nsubjpass")]
            for obj in objects:
                event = event_of.get(obj.i)
                if event is None or any(x is m for x in event):
                    continue
                culprits = [a for g in event for a in g.actors if a.role == "initiator"]
                named = [a for a in culprits if _is_named(a)] or culprits
                have = {a.name for a in m.actors}
                m.actors += [a.model_copy(update={"role": "target"}) for a in named if a.name not in have]
