"""One mention: a group of triggers in one sentence read into a Mention, or into none.

Decides whether the triggers tell of an event at all (a negated statement, a standing denial), its type, and
whether it is anaphoric ('the attack', 'they'); a lead sentence with no trigger word may still be read as the event
the sentence classifier is sure it reports; then asks the other modules for its participants, figures, date,
place, mode, weapons and certainty. An event noun that a statement comments on ('condemned the killings')
takes neither the statement's day nor its place.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from dateline import certainty
from dateline.events.arguments import RELATIVE_PRONOUNS, _add_actor, _dedupe_actors, _read_actors
from dateline.events.attributes import _mode_for, _own_strike, _read_certainty, _weapons_in
from dateline.events.context import MATERIAL_TYPES, PLACED_TYPES, Context, Mention
from dateline.events.status import status_of
from dateline.events.tolls import _read_casualties, _single_victim_killed
from dateline.events.when import _time_for
from dateline.events.where import _place_for, _statement_place
from dateline.learned.acled import lede_event
from dateline.lexicon import lexicon
from dateline.nlp import span_text
from dateline.taxonomy import COERCE_MODES, COMMENT_VERBS, PRONOUNS, REPORTING_VERBS
from dateline.triggers import crowd_control, dispersed, series_count, trigger_type

ANAPHORIC_DETERMINERS = lexicon().words("events/coref/anaphoric_determiners")


def _read_mention(
    ctx: Context, sent: Span, group: list[Token], alone: bool = True, ptype: str | None = None
) -> Mention | None:
    main = _main_trigger(group)
    ptype = ptype or trigger_type(main) or "ASSAULT"
    if any(certainty.negated(t) for t in group) and ptype != "ASSAULT":
        return None
    if all(certainty.denied(t) and t.tag_ == "VBG" for t in group) and not any(t.i in ctx.times for t in sent):
        return None  # "Moscow denies targeting civilians": a standing denial, not an event (the denial is REJECT)
    m = Mention(type=ptype, trigger=main, sent=sent, evidence=[sent], occurrences=series_count(main))
    m.anaphoric = any(c.dep_ == "det" and c.lower_ in ANAPHORIC_DETERMINERS for c in main.children)
    m.negated = any(certainty.negated(t) for t in group)
    m.status = status_of(group)
    m.anaphoric = m.anaphoric or any(
        c.lower_ in PRONOUNS - RELATIVE_PRONOUNS and c.dep_ in ("nsubj", "nsubjpass", "poss")
        for t in group
        for c in t.children
    )
    for tok in group:
        _read_actors(ctx, tok, m)
    if ptype in MATERIAL_TYPES:
        _read_casualties(group, m)  # a demand or a condemnation counts no dead of its own
    for noun in m.hurt:
        if not noun.like_num and not any(a.role == "victim" and noun.text in a.name for a in m.actors):
            _add_actor(ctx, m, noun, "victim")
    m.time = _time_for(ctx, sent, group)
    m.place = _place_for(ctx, sent, group, alone) if ptype in PLACED_TYPES else _statement_place(ctx, group)
    if _commented_on(main):  # "the Pope, on Monday at the Vatican, condemned the killings": his day and place
        m.time, m.place, m.anaphoric = None, None, True
    m.mode = _mode_for(sent, group, alone) if ptype in ("ASSAULT", "PROTEST") else None
    if ptype == "COERCE":
        m.mode = next((COERCE_MODES.get(t.lemma_.lower()) or COERCE_MODES.get(t.lower_) for t in group), None)
    if ptype == "COERCE" and any(crowd_control(t) for t in group if t.pos_ == "VERB"):
        m.mode = "crowd-control"
        for crowd in (c for t in group for c in dispersed(t)):
            _add_actor(ctx, m, crowd, "target")
    _single_victim_killed(ctx, group, m)
    m.weapons = _weapons_in(sent) if ptype == "ASSAULT" or m.mode == "crowd-control" else []
    _read_certainty(ctx, sent, group, m)
    _own_strike(ctx, m)
    _dedupe_actors(m)
    return m


def _classified_mention(ctx: Context, sent: Span) -> Mention | None:
    """A lead sentence no trigger word marks, read as the event the sentence classifier is sure it reports
    (``learned.acled.lede_event``), its participants, figures, date and place read from the clause's verb."""
    found = lede_event(span_text(sent))
    if found is None:
        return None
    ptype, event_type, sub_event_type = found
    mention = _read_mention(ctx, sent, [_clause_verb(sent)], ptype=ptype)
    if mention is not None:
        mention.acled = (event_type, sub_event_type)
    return mention


def _clause_verb(sent: Span) -> Token:
    """The verb of the sentence's news: its root, or what a reporting root says ('X did Y, police said')."""
    verb = sent.root
    while verb.lemma_.lower() in REPORTING_VERBS:
        said = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")]
        if not said:
            break
        verb = said[0]
    return verb


def _commented_on(trigger: Token) -> bool:
    """An event noun that is what a statement is about ('condemned the killings'), not told for itself."""
    if trigger.pos_ not in ("NOUN", "PROPN") or trigger.dep_ != "dobj":
        return False  # "blamed X for the killing of two officers last month" tells the killing itself
    verb = trigger.head
    return verb.pos_ == "VERB" and (
        verb.lemma_.lower() in COMMENT_VERBS or trigger_type(verb) in ("ACCUSE", "DEMAND", "REJECT", "SUPPORT")
    )


def _main_trigger(group: list[Token]) -> Token:
    """Prefer the most specific noun ('airstrike' over 'killed'); else the first trigger."""
    nouns = [t for t in group if t.pos_ in ("NOUN", "PROPN")]
    return nouns[0] if nouns else group[0]
