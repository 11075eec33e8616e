"""Training and checking rows for the place ranker, from the event-location sentences.

Each sentence marks one event verb and, where it says, the span of that event's location. A row is one
candidate place of the sentence (a geocoded toponym in a locative position, as the events stage sees it) with
its features and whether it is the marked location. Sentences are split by a hash of their text: one in five is
held out (``held_out``), so `make eval-public` measures the ranker on sentences it was not trained on.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from dateline.learned.place_ranker import candidate_features

HELD_OUT_EVERY = 5


def held_out(text: str) -> bool:
    """The sentences kept out of training (a stable fifth, by CRC-32 of the text)."""
    return zlib.crc32(text.encode("utf-8")) % HELD_OUT_EVERY == 0


def rows(path: Path, want_held_out: bool) -> Iterator[tuple[list[list[str]], list[bool], int]]:
    """Per sentence with two or more candidates: each candidate's features, whether it is the gold place, and
    the candidate the rule before the ranker picks (for comparison)."""
    from dateline.evalsets.eventloc import read
    from dateline.events.context import _index
    from dateline.events.where import place_candidates, rule_key
    from dateline.geocode import find_places
    from dateline.nlp import load_nlp

    gold = [r for r in read(path) if r.verb and r.locations and held_out(r.text) == want_held_out]
    for row, doc in zip(gold, load_nlp().pipe([r.text for r in gold], batch_size=64), strict=True):
        verb = doc.char_span(*row.verb, alignment_mode="expand")
        if verb is None:
            continue
        trigger = verb[0]
        cands = place_candidates(_index(doc, find_places(doc)), trigger.sent, [trigger])
        if len(cands) < 2:
            continue
        feats = [candidate_features(trigger, tok, pm, inc, k, len(cands)) for k, (tok, pm, inc) in enumerate(cands)]
        labels = [any(pm.start < e and s < pm.end for s, e in row.locations) for _tok, pm, _inc in cands]
        rule_pick = min(range(len(cands)), key=lambda k: rule_key(cands[k][2], cands[k][1]))
        if any(labels):
            yield feats, labels, rule_pick
