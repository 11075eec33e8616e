"""ACLED sub-event types read by the learned classifier, within what an event's PLOVER type allows.

The rules map a PLOVER type and mode to one ACLED code (``taxonomy.acled_for``); that cannot tell an attack on
civilians from a clash of armed groups, a riot from a protest, or a grenade from an IED, and leaves nine of the 25
sub-event types unreachable. The classifier (``textcat``, trained by ``make train`` on team-written snippets)
reads the event's evidence sentences instead; the PLOVER type still bounds the answer
(``lang/en/events/acled_subevents.json``), so a protest is never coded an air strike.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dateline.learned.textcat import TextCat
from dateline.lexicon import lexicon

MODEL_PATH = Path(__file__).parent / "weights" / "acled-subevent.npz"
SUBEVENTS = lexicon().table("events/acled_subevents")
EVENT_TYPES: dict[str, str] = SUBEVENTS["event_types"]
ALLOWED: dict[str, list[str]] = SUBEVENTS["allowed"]


@lru_cache(maxsize=1)
def model() -> TextCat | None:
    """The trained classifier, or None where its weights are absent (then the rules' codes stand)."""
    return TextCat.load(MODEL_PATH) if MODEL_PATH.exists() else None


def classify(plover_type: str, text: str) -> tuple[str, str] | None:
    """(ACLED event type, sub-event type) for an event of this PLOVER type told by this text, or None where
    the type is not one the classifier codes."""
    allowed = ALLOWED.get(plover_type)
    classifier = model()
    if not allowed or classifier is None or not text.strip():
        return None
    probs = classifier.scores(text)
    candidates = [(probs[classifier.labels.index(sub)], sub) for sub in allowed if sub in classifier.labels]
    if not candidates:
        return None
    _prob, best = max(candidates)
    return EVENT_TYPES[best], best
