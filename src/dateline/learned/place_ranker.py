"""Which of a sentence's places is where its event happened: a logistic ranker over parse features.

The rule before it (prefer a place in the trigger's own clause, then the most precise) is right about 0.6 of the
time on wire sentences naming two or more places. The ranker learns from the event-location sentences (public,
MIT licence: which toponym belongs to which event verb) how the preposition, the dependency path, the distance
and direction from the trigger and the place's precision decide it. Weights are a small JSON table of feature ->
weight, trained by `make train` where the public set is present (only the weights are committed, never its text).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

from dateline.lexicon import lexicon
from dateline.records import PlaceMention

WEIGHTS_PATH = Path(__file__).parent / "weights" / "place-ranker.json"
PREPOSITIONS = lexicon().words("places/ranker_preps")  # feature names of the committed weights
DEPS = {"pobj", "nsubj", "nsubjpass", "dobj", "compound", "poss", "appos", "conj", "npadvmod", "amod"}


def _bucket(value: int, bounds: tuple[int, ...]) -> str:
    for bound in bounds:
        if value <= bound:
            return str(bound)
    return f">{bounds[-1]}"


def _path_length(a: Token, b: Token) -> int:
    """Arcs between two tokens of one sentence through their lowest common head."""
    up = {a.i: 0}
    for n, node in enumerate(a.ancestors, 1):
        up[node.i] = n
    if b.i in up:
        return up[b.i]
    for n, node in enumerate(b.ancestors, 1):
        if node.i in up:
            return n + up[node.i]
    return 12


def _preposition(tok: Token) -> Token | None:
    node = tok
    while node.dep_ in ("compound", "amod", "appos", "conj") and node.head.i != node.i:
        node = node.head
    return node.head if node.dep_ == "pobj" else None


def candidate_features(trigger: Token, tok: Token, pm: PlaceMention, in_clause: bool, order: int, n: int) -> list[str]:
    """The named features of one candidate place (its first token ``tok``) for one trigger."""
    prep = _preposition(tok)
    prep_word = prep.lower_ if prep is not None and prep.lower_ in PREPOSITIONS else ("other" if prep else "none")
    head = tok
    while head.dep_ in ("compound",) and head.head.i != head.i:
        head = head.head
    after = tok.i > trigger.i
    return [
        "bias",
        f"clause:{in_clause}",
        f"precision:{pm.precision or 'none'}",
        f"after:{after}",
        f"distance:{after}:{_bucket(abs(tok.i - trigger.i), (2, 5, 10, 20))}",
        f"prep:{prep_word}",
        f"prep_on_trigger:{prep is not None and prep.head.i == trigger.i}",
        f"prep_word_on_trigger:{prep_word}:{prep is not None and prep.head.i == trigger.i}",
        f"path:{_bucket(_path_length(trigger, tok), (1, 2, 3, 4, 6))}",
        f"dep:{head.dep_ if head.dep_ in DEPS else 'other'}",
        f"ent:{tok.ent_type_ or 'none'}",
        f"order:{min(order, 3)}",
        f"candidates:{min(n, 4)}",
        f"order_after:{min(order, 3)}:{after}",
    ]


@lru_cache(maxsize=1)
def weights() -> dict[str, float] | None:
    """The trained weights, or None where they are absent (then the rule chooses)."""
    if not WEIGHTS_PATH.exists():
        return None
    return json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))["weights"]


def score(names: list[str], table: dict[str, float]) -> float:
    """The probability that a candidate with these features is the event's place."""
    z = sum(table.get(f, 0.0) for f in names)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows: list[tuple[list[str], bool]], epochs: int = 300, rate: float = 1.0, l2: float = 1e-3) -> dict[str, float]:
    """Logistic regression over named binary features, by full-batch gradient descent."""
    import numpy as np

    names = sorted({f for feats, _ in rows for f in feats})
    index = {f: i for i, f in enumerate(names)}
    x = np.zeros((len(rows), len(names)), dtype=np.float32)
    for r, (feats, _) in enumerate(rows):
        x[r, [index[f] for f in feats]] = 1.0
    y = np.array([float(label) for _, label in rows], dtype=np.float32)
    w = np.zeros(len(names), dtype=np.float32)
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        w -= rate * (x.T @ (p - y) / len(rows) + l2 * w)
    return {f: round(float(w[i]), 5) for f, i in index.items()}
