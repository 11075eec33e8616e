"""ACLED sub-event types read by the learned classifier, within what an event's PLOVER type allows.

The rules map a PLOVER type and mode to one ACLED code (``taxonomy.acled_for``); that cannot tell an attack on
civilians from a clash of armed groups, a riot from a protest, or a grenade from an IED, and leaves nine of the 25
sub-event types unreachable. The classifier (``textcat``, trained by ``make train`` on team-written snippets)
reads the event's evidence sentences instead; the PLOVER type still bounds the answer
(``lang/en/events/acled_subevents.json``), so a protest is never coded an air strike.

The classifier also knows a "No event" class (team-written news sentences that report no ACLED event). With it,
``lede_event`` reads a lead sentence in which no trigger word was found ("soldiers set up a base", "men in uniform
raped two women" with a mis-lemmatised verb): where the classifier is sure the sentence reports an event, the
events stage reads it as one. The threshold is chosen at training time by cross-validation, so that few of the
held-out "No event" sentences pass it (the model card says how many).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from dateline.learned.textcat import TextCat
from dateline.lexicon import lexicon

MODEL_PATH = Path(__file__).parent / "weights" / "acled-subevent.npz"
SUBEVENTS = lexicon().table("events/acled_subevents")
EVENT_TYPES: dict[str, str] = SUBEVENTS["event_types"]
ALLOWED: dict[str, list[str]] = SUBEVENTS["allowed"]
PLOVER_TYPE: dict[str, str] = {k: v for k, v in SUBEVENTS["plover_type"].items() if not k.startswith("#")}
NO_EVENT = "No event"
# Sentences of a report's body, from its first, in which lede_event is asked: the lead tells the news.
LEDE_SENTENCES = 2


@lru_cache(maxsize=1)
def model() -> TextCat | None:
    """The trained classifier, or None where its weights are absent (then the rules' codes stand)."""
    return TextCat.load(MODEL_PATH) if MODEL_PATH.exists() else None


@lru_cache(maxsize=1)
def _card() -> dict:
    card = MODEL_PATH.with_suffix(".json")
    return json.loads(card.read_text(encoding="utf-8")) if card.exists() else {}


def lede_threshold() -> float | None:
    """The probability the classifier's answer needs to make an event on its own (model card), or None."""
    return _card().get("lede_threshold")


def unsure_below() -> float:
    """Below this probability the classifier guesses (model card): text unlike its training sentences, such as a
    wire story set in capitals, gets a near-flat distribution whose top is no better than chance."""
    return _card().get("unsure_below", 0.0)


def lede_event(text: str) -> tuple[str, str, str] | None:
    """(PLOVER type, ACLED event type, sub-event type) of the event a sentence without trigger words reports,
    where the classifier is sure of one; None where it says "No event" or is unsure."""
    classifier, threshold = model(), lede_threshold()
    if classifier is None or threshold is None or NO_EVENT not in classifier.labels or not text.strip():
        return None
    label, prob = classifier.predict(text)
    if label == NO_EVENT or prob < threshold or label not in PLOVER_TYPE:
        return None
    return PLOVER_TYPE[label], EVENT_TYPES[label], label


def classify(plover_type: str, text: str) -> tuple[str, str] | None:
    """(ACLED event type, sub-event type) for an event of this PLOVER type told by this text, or None where
    the type is not one the classifier codes or the classifier is unsure (then the rules' code stands)."""
    allowed = ALLOWED.get(plover_type)
    classifier = model()
    if not allowed or classifier is None or not text.strip():
        return None
    probs = classifier.scores(text)
    candidates = [(probs[classifier.labels.index(sub)], sub) for sub in allowed if sub in classifier.labels]
    if not candidates:
        return None
    prob, best = max(candidates)
    return (EVENT_TYPES[best], best) if prob >= unsure_below() else None
