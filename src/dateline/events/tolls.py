"""How many were killed and injured in a mention, and how rival figures for one event are kept.

Figures come from kill / injure words near the mention's triggers in the parse ('killing three fighters',
'two soldiers and a guard'), from tolls ('put the toll at seven', 'the number rose to 31', also in a sentence of
its own right after the attack), and from one named victim of a killing. Rival figures of one event are kept as
a range.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from dateline import casualties
from dateline.events.context import Context, Mention
from dateline.lexicon import lexicon
from dateline.records import Count
from dateline.taxonomy import REPORTING_VERBS
from dateline.triggers import trigger_type

CONDITION_WORDS = lexicon().words("events/casualties/condition_words")
KILLING_WORDS = lexicon().words("events/casualties/killing_words")


def _read_casualties(group: list[Token], m: Mention) -> None:
    """Figures from kill / injure words governed by, governing or joined to this mention's triggers."""
    trigger_ids = {t.i for t in group}
    for tok in group[0].sent:
        is_kill, is_hurt = casualties.is_kill_word(tok), casualties.is_injure_word(tok)
        if not (is_kill or is_hurt) or not _belongs(tok, trigger_ids):
            continue
        if tok.i not in trigger_ids and trigger_type(tok):
            continue  # another event's own verb ("... since militants killed 1,200")
        for noun in casualties.casualty_nouns(tok):
            count = casualties.count_of(noun)
            if count is None:
                continue
            for other in noun.conjuncts if noun.lower_ != "others" else ():  # "two soldiers and a guard": three
                if _says(other):
                    continue  # "injuring 11 others, police and a militia leader said": the sources, not casualties
                extra = casualties.count_of(other) if other.pos_ == "NOUN" and not other.like_num else None
                if extra is not None:
                    count = _add_counts(count, extra)
                    m.hurt.append(other)
            if is_kill and m.fatalities is None:
                m.fatalities = count
            elif is_hurt and m.injuries is None:
                m.injuries = count
            m.hurt.append(noun)
    if m.type == "ASSAULT" and (m.fatalities or m.injuries):
        for count, injured in _toll_figures(group[0].sent):  # "..., while police put the toll at seven"
            _add_toll(m, count, injured)
    if m.injuries is None:
        for tok in group[0].sent:
            if tok.lower_ == "condition" and any(c.lower_ in CONDITION_WORDS for c in tok.children):
                verb = tok.head.head if tok.head.dep_ == "prep" else tok.head
                for noun in [t for t in verb.children if t.dep_ in ("dobj", "nsubj", "nsubjpass")]:
                    if _belongs(tok, trigger_ids) and (count := casualties.count_of(noun)):
                        m.injuries = count
                        m.hurt.append(noun)


def _says(tok: Token) -> bool:
    """A noun right before a reporting verb is who reports ('police and a militia leader said')."""
    end = max(t.i for t in tok.subtree) + 1
    return end < len(tok.doc) and tok.doc[end].lemma_.lower() in REPORTING_VERBS


def _add_counts(a: Count, b: Count) -> Count:
    """Two groups of casualties told together: their figures add up (an open bound stays open, and a sum past
    casualties.MAX_COUNT is no count)."""

    def add(x: int | None, y: int | None) -> int | None:
        return None if x is None or y is None else casualties.plausible(x + y)

    return Count(low=add(a.low, b.low), best=add(a.best, b.best), high=add(a.high, b.high), text=f"{a.text}; {b.text}")


def _belongs(tok: Token, trigger_ids: set[int]) -> bool:
    """A casualty word belongs to a mention when it is a trigger or sits near one in the parse tree."""
    if tok.i in trigger_ids:
        return True
    near = {tok.head.i} | {c.i for c in tok.children} | {g.i for c in tok.children for g in c.children}
    near |= {c.i for c in tok.head.children}
    node = tok
    for _ in range(5):  # up the tree: "...the campaign in Gaza, which has 22,000 people dead"
        if node.head.i == node.i:
            break
        node = node.head
        near.add(node.i)
    return bool(near & trigger_ids)


def _single_victim_killed(ctx: Context, group: list[Token], m: Mention) -> None:
    """'X was assassinated' / 'the killing of X': one named victim is one death."""
    if m.fatalities is not None or not any(
        t.lemma_.lower() in KILLING_WORDS or t.lower_ in KILLING_WORDS for t in group
    ):
        return
    victims = [a for a in m.actors if a.role == "victim" and a.kind == "person"]
    if len(victims) == 1 and not victims[0].name.lower().endswith("s"):
        m.fatalities = Count(low=1, best=1, high=1, text=victims[0].name)


TOLL_NOUNS = lexicon().words("events/casualties/toll_nouns")
TOLL_PREPS = lexicon().words("events/casualties/toll_preps")
INJURED_TOLL_WORDS = lexicon().words("events/casualties/injured_toll_words")


def _add_rival_toll(sent: Span, mentions: list[Mention]) -> None:
    """'Another source put the number at 40' / 'the toll rose to 31': a figure for the last attack told."""
    last = next((m for m in reversed(mentions) if m.type == "ASSAULT"), None)
    if last is None:
        return
    for count, injured in _toll_figures(sent)[:1]:
        _add_toll(last, count, injured)
        last.evidence.append(sent)


def _toll_figures(sent: Span) -> list[tuple[Count, bool]]:
    """Figures a sentence gives as a toll ('put the toll at seven', 'the number rose to 31'), and whether they
    count the injured."""
    out = []
    for tok in sent:
        if tok.lower_ not in TOLL_NOUNS or tok.dep_ not in ("dobj", "nsubj"):
            continue
        prep = [c for c in tok.head.children if c.dep_ == "prep" and c.lower_ in TOLL_PREPS]
        nums = [p for c in prep for p in c.children if p.like_num]
        if nums and (count := casualties.count_of(nums[0])):
            out.append((count, any(w.lower_ in INJURED_TOLL_WORDS for w in tok.children)))
    return out


def _add_toll(m: Mention, count: Count, injured: bool) -> None:
    if injured:
        m.injuries = _merge_counts([m.injuries, count])
    else:
        m.fatalities = _merge_counts([m.fatalities, count])


def _merge_counts(counts: list[Count | None]) -> Count | None:
    """Rival figures in one report are kept as a range: lowest low, highest high."""
    counts = [c for c in counts if c is not None]
    if not counts:
        return None
    if len(counts) == 1:
        return counts[0]
    lows = [c.low for c in counts if c.low is not None]
    highs = [c.high for c in counts if c.high is not None]
    bests = [c.best for c in counts if c.best is not None]
    # Best is the lowest figure any account gives (ACLED's conservative rule); high the largest stated.
    return Count(
        low=min(lows) if lows else None,
        best=min(bests) if bests else None,
        high=max(highs + bests) if highs or bests else None,
        text="; ".join(c.text for c in counts if c.text),
    )
