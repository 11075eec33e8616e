"""How an event was carried out and how sure the report is of it: mode, weapons, certainty and attribution.

The mode ('aerial', 'arrest', 'riot') from the lexicon's words near the trigger; the weapons the sentence names
(also in a forensic sentence after the attack); hedges, denials and 'could not independently verify'; and who
says so ('the army said', 'according to X', the speaker of the quote it is in). A state force that reports
air, drone, missile or artillery strikes nobody is said to have carried out is taken to report its own.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from dateline import certainty
from dateline.coref import reporter_subjects
from dateline.events.arguments import _quote_speaker_at, actor_for
from dateline.events.context import Context, Mention
from dateline.lexicon import lexicon
from dateline.nlp import span_text
from dateline.taxonomy import BLAME_VERBS, MODE_WORDS, WEAPON_NAME_HEADS, WEAPON_WORDS

RIOT_WORDS = lexicon().words("events/triggers/riot_words")
WEAPON_NAME_LINKS = lexicon().words("events/weapons/weapon_name_links")


def _mode_for(sent: Span, group: list[Token], alone: bool = True) -> str | None:
    near = " ".join(f"{t.lower_} {t.lemma_.lower()}" for t in group)
    phrase = " ".join(t.lower_ for g in group for t in g.subtree if abs(t.i - g.i) < 6)
    text = span_text(sent).lower()
    for scope in (near, phrase, text) if alone else (near, phrase):
        for mode, words in MODE_WORDS:
            if any(_has_word(scope, w) for w in words):
                return mode
    if any(t.lower_ in RIOT_WORDS for t in group) or "clashed with police" in text:
        return "riot"
    return None


def _has_word(text: str, word: str) -> bool:
    i = text.find(word)
    while i != -1:
        before = text[i - 1] if i else " "
        after_i = i + len(word)
        after = text[after_i] if after_i < len(text) else " "
        if not before.isalpha() and (not after.isalpha() or after == "s"):
            return True
        i = text.find(word, i + 1)
    return False


def _weapons_in(sent: Span) -> list[str]:
    text = span_text(sent).lower()
    found = [w for w in WEAPON_WORDS if _has_word(text, w)]
    found = [w for w in found if not any(w != o and w in o for o in found)]
    for name in _weapon_names(sent):
        found = [w for w in found if w != name.split()[-1].lower()]  # "missile" is the named missile itself
        found.append(name)
    return sorted(set(found))


def _maker(tok: Token) -> bool:
    return tok.lower_.endswith(("-made", "-built", "-supplied", "-designed", "-produced")) or (
        tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in ("-made", "made", "-built")
    )


def _in_name(tok: Token) -> bool:
    """Part of a capitalised name: a capitalised word, a hyphen, or 'to'/'of' between hyphens ('Air-to-Ground')."""
    if tok.text[:1].isupper() or tok.text == "-":
        return True
    return tok.lower_ in WEAPON_NAME_LINKS and tok.i > 0 and tok.doc[tok.i - 1].text == "-"


def _weapon_names(sent: Span) -> list[str]:
    """Capitalised weapon names ending in a weapon word: 'the Joint Air-to-Ground Missile', 'a Shahed Drone'."""
    names = []
    for tok in sent:
        if tok.lower_ not in WEAPON_NAME_HEADS or not tok.text[:1].isupper() or tok.i == sent.start:
            continue
        start = tok.i
        while start > sent.start and _in_name(sent.doc[start - 1]):
            start -= 1
        while start < tok.i and (not sent.doc[start].text[:1].isupper() or _maker(sent.doc[start])):
            start += 1  # "U.S.-made" says who made it, not what it is called
        if start < tok.i and not sent.doc[start].is_sent_start:
            names.append(sent.doc[start : tok.i + 1].text)
    return names


FORENSIC_WORDS = lexicon().words("events/weapons/forensic_words")


def _add_weapon_evidence(ctx: Context, sent: Span, mentions: list[Mention]) -> None:
    """'Fragments found at the site were consistent with a guided missile': a sentence that names weapons but
    tells of no event of its own describes the last attack told, within the next paragraph at most."""
    last = next((m for m in reversed(mentions) if m.type == "ASSAULT" and not m.occurrences), None)
    if last is None or sent.start_char - last.sent.end_char > 1500:
        return
    words = {t.lower_ for t in sent}
    if not _weapon_names(sent) and not words & FORENSIC_WORDS:
        return  # "fired his gun into the air": a weapon, but not evidence of the attack
    weapons = _weapons_in(sent)
    if weapons:
        last.weapons = sorted({*last.weapons, *weapons})
        last.evidence.append(sent)


def _read_certainty(ctx: Context, sent: Span, group: list[Token], m: Mention) -> None:
    main = group[0]
    hedges = [h for t in group for h in certainty.hedges_near(sent, t)]
    m.hedges = sorted(set(hedges))
    speakers = _attribution(ctx, main)
    if m.blamed:  # "the army blamed the attack on X": the army says X did it
        blamers = [s for t in group for s in _blamer(t)]
        speakers += [a.name for s in blamers if (a := actor_for(ctx, s, "initiator"))]
    m.attributed_to = list(dict.fromkeys(speakers))
    if any(certainty.denied(t) for t in group):
        m.certainty = "denied"
    elif m.hedges:
        m.certainty = "hedged"
    elif speakers:
        m.certainty = "claimed"


def _blamer(tok: Token) -> list[Token]:
    head = tok.head.head if tok.dep_ == "pobj" else tok.head
    if head.lemma_.lower() not in BLAME_VERBS:
        return []
    return [c for c in head.children if c.dep_ == "nsubj"] + [
        p for c in head.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
    ]


def _attribution(ctx: Context, trigger: Token) -> list[str]:
    """Who says so: the subject of a reporting verb above the trigger, 'according to X', or the quote's speaker."""
    out: list[str] = []
    for s in reporter_subjects(trigger):
        actor = actor_for(ctx, s, "initiator")
        if actor:
            out.append(actor.name)
    for tok in trigger.sent:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc) and tok.nbor(1).lower_ == "to":
            for p in tok.nbor(1).children:
                actor = actor_for(ctx, p, "initiator")
                if actor:
                    out.append(actor.name)
    speaker = _quote_speaker_at(ctx, trigger.idx)
    if speaker:
        out.append(speaker)
    return list(dict.fromkeys(out))


HEAVY_MODES = lexicon().words("events/modes/heavy_weapons")


def _own_strike(ctx: Context, m: Mention) -> None:
    """'The army said dozens of assailants were killed in air strikes': a state force reporting strikes nobody
    is said to have carried out is reporting its own (a claim, so the event stays attributed to it)."""
    if m.type != "ASSAULT" or m.mode not in HEAVY_MODES or any(a.role == "initiator" for a in m.actors):
        return
    for s in reporter_subjects(m.trigger):
        actor = actor_for(ctx, s, "initiator")
        if actor is not None and actor.kind in ("military", "state"):
            m.actors.append(actor)


def _mark_unverified(ctx: Context, mentions: list[Mention]) -> None:
    """'X could not independently verify ...' casts doubt on the events of that sentence and the one before."""
    sents = ctx.sents
    doubtful: set[int] = set()
    for i, sent in enumerate(sents):
        if certainty.is_unverified(span_text(sent)):
            doubtful |= {sent.start, sents[i - 1].start if i else sent.start}
    for m in mentions:
        if m.sent.start in doubtful and m.certainty == "asserted":
            m.certainty = "unverified"
