"""`python -m dateline.learned.train` (`make train`): fit the learned components and write their weights and
model cards under src/dateline/learned/weights/.

The ACLED sub-event classifier learns from team-written text in the repository (train/). The place ranker learns
from the public event-location sentences in ../shared/data, and the case restorer counts word forms in them and in
the ECB+ texts, read where present (their MIT and CC BY licences allow shipping weights trained on them; their text
never enters the project); without them the committed weights are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from dateline.learned import casing
from dateline.learned.acled import NO_EVENT
from dateline.learned.place_ranker import WEIGHTS_PATH as PLACE_WEIGHTS
from dateline.learned.place_ranker import fit, score
from dateline.learned.textcat import train

ROOT = Path(__file__).resolve().parents[3]
WEIGHTS = Path(__file__).resolve().parent / "weights"
ACLED_DATA = ROOT / "train" / "acled" / "snippets.jsonl"
ACLED_MODEL = WEIGHTS / "acled-subevent.npz"
# Public, MIT-licensed (ahalterman/event_location); read where present beside the project, never copied into it.
EVENT_LOCATION_DATA = ROOT.parent / "shared" / "data" / "events" / "event-location-train.jsonl"
NO_EVENT_DATA = ROOT / "train" / "acled" / "no_event.jsonl"
# Public cased news text for the case restorer: the event-location sentences (MIT) and the ECB+ texts (CC BY 3.0).
ECBPLUS_DATA = ROOT.parent / "shared" / "data" / "events" / "ecbplus-dev"
FOLDS = 5
# The lede threshold lets at most this share of held-out "No event" sentences through, and is never below the floor.
LEDE_FALSE_FIRES = 0.02
LEDE_FLOOR = 0.25
# A band of probabilities whose held-out answers are right less often than this is a guess: the rules code those.
UNSURE_ACCURACY = 0.5
UNSURE_BAND_WIDTH = 0.05
UNSURE_BANDS = tuple(round(UNSURE_BAND_WIDTH * k, 2) for k in range(1, 21))


def read_snippets(path: Path) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def folds_of(labels: list[str], folds: int = FOLDS) -> list[int]:
    """Stratified folds: the n-th example of each label goes to fold n mod folds."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        out.append(seen.get(label, 0) % folds)
        seen[label] = seen.get(label, 0) + 1
    return out


def out_of_fold(texts: list[str], labels: list[str], folds: int = FOLDS) -> list[tuple[str, float]]:
    """Each example's (label, probability) from the model trained on the folds it is not in."""
    fold = folds_of(labels, folds)
    out: list[tuple[str, float]] = [("", 0.0)] * len(texts)
    for k in range(folds):
        seen = [i for i in range(len(texts)) if fold[i] != k]
        model = train([texts[i] for i in seen], [labels[i] for i in seen])
        for i in (i for i in range(len(texts)) if fold[i] == k):
            out[i] = model.predict(texts[i])
    return out


def lede_threshold(labels: list[str], predicted: list[tuple[str, float]], rate: float = LEDE_FALSE_FIRES) -> float:
    """The lowest probability (at least LEDE_FLOOR) at which no more than ``rate`` of the held-out "No event"
    sentences would be read as an event."""
    fires = sorted(p for (label, p), gold in zip(predicted, labels, strict=True) if gold == NO_EVENT != label)
    allowed = int(rate * labels.count(NO_EVENT))
    above = fires[-(allowed + 1)] if len(fires) > allowed else 0.0
    return round(max(LEDE_FLOOR, above + 1e-4), 4)


def unsure_threshold(labels: list[str], predicted: list[tuple[str, float]], accuracy: float = UNSURE_ACCURACY) -> float:
    """Where the low-probability bands (0.05 wide, from the bottom) whose held-out answers are right less than
    ``accuracy`` of the time end: below it the model guesses, and the rules' code stands."""
    pairs = [(p, label == gold) for (label, p), gold in zip(predicted, labels, strict=True) if gold != NO_EVENT]
    for top in UNSURE_BANDS:
        band = [right for p, right in pairs if top - UNSURE_BAND_WIDTH <= p < top]
        if band and sum(band) / len(band) >= accuracy:
            return round(top - UNSURE_BAND_WIDTH, 2)
    return 0.0


def train_acled(data: Path = ACLED_DATA, negatives: Path = NO_EVENT_DATA, out: Path = ACLED_MODEL) -> dict:
    texts, labels = read_snippets(data)
    no_texts, no_labels = read_snippets(negatives)
    texts, labels = texts + no_texts, labels + no_labels
    predicted = out_of_fold(texts, labels)
    threshold = lede_threshold(labels, predicted)
    unsure = unsure_threshold(labels, predicted)
    model = train(texts, labels)
    card = {
        "model": "ACLED sub-event type from an event's evidence sentences, or No event",
        "method": "multinomial logistic regression on hashed word, word-pair and character 3- and 4-gram features",
        "training_data": [str(data.relative_to(ROOT)), str(negatives.relative_to(ROOT))],
        "training_data_sha256": _digest(data, negatives),
        "training_data_source": "written by the dateline team for this project (see train/acled/README.md)",
        "licence": "Apache-2.0, as the project",
        "examples": len(texts),
        "labels": model.labels,
        "features": len(model.feature_ids),
        **_cross_validated(labels, predicted, threshold),
        "unsure_below": unsure,
        "trained": dt.date.today().isoformat(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out, card)
    return card


def _cross_validated(labels: list[str], predicted: list[tuple[str, float]], threshold: float) -> dict:
    """Accuracy over every example, and what the lede threshold does to held-out events and non-events."""
    pairs = list(zip(predicted, labels, strict=True))
    events = [(p, g) for p, g in pairs if g != NO_EVENT]
    false_fires = sum(p[0] != NO_EVENT and p[1] >= threshold for p, g in pairs if g == NO_EVENT)
    return {
        "cross_validated_accuracy": round(sum(p[0] == g for p, g in pairs) / len(pairs), 4),
        "lede_threshold": threshold,
        "lede_cross_validated": {
            "events_read_right": round(sum(p[0] == g and p[1] >= threshold for p, g in events) / len(events), 4),
            "no_event_read_as_event": round(false_fires / max(1, len(pairs) - len(events)), 4),
        },
    }


def _digest(*paths: Path) -> str:
    """One SHA-256 over the training files, in order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train_place_ranker(data: Path = EVENT_LOCATION_DATA, out: Path = PLACE_WEIGHTS) -> dict:
    """Fit the place ranker on four fifths of the event-location sentences; report it on the fifth held out."""
    from dateline.learned.place_data import rows

    train_rows, test_rows = list(rows(data, want_held_out=False)), list(rows(data, want_held_out=True))
    weights = fit([(f, y) for feats, labels, _rule in train_rows for f, y in zip(feats, labels, strict=True)])
    card = {
        "model": "which candidate place of a sentence is where its event happened",
        "method": "logistic regression over parse features of each candidate (dateline.learned.place_ranker)",
        "training_data": "event-location sentences (ahalterman/event_location, labeled_text.jsonl), four fifths",
        "training_data_licence": "MIT (annotations); the sentences belong to their outlets and are not in the project",
        "licence": "weights: Apache-2.0, as the project",
        "sentences_with_two_or_more_places": {"train": len(train_rows), "held_out": len(test_rows)},
        "held_out_accuracy": {"ranker": _pick_accuracy(test_rows, weights), "rule": _pick_accuracy(test_rows, None)},
        "trained": dt.date.today().isoformat(),
    }
    out.write_text(json.dumps({**card, "weights": weights}, indent=1) + "\n", encoding="utf-8")
    return card


def train_casing(out: Path = casing.WEIGHTS_PATH) -> dict:
    """Count each word's usual form in cased news (the public event-location and ECB+ texts and the team's own
    training text); report, on a fifth held out, how often a word of text set in capitals gets its case back."""
    from dateline.evalsets import ecbplus
    from dateline.nlp import common_words, load_nlp

    texts = [json.loads(line)["text"] for line in EVENT_LOCATION_DATA.read_text(encoding="utf-8").splitlines()]
    texts += [ecbplus.report_of(doc).text for doc in ecbplus.read(ECBPLUS_DATA)]
    texts += [text for path in (ACLED_DATA, NO_EVENT_DATA) for text in read_snippets(path)[0]]
    common, names = common_words(load_nlp()), _place_names()
    held = [t for k, t in enumerate(texts) if k % FOLDS == 0]
    fitted = casing.usual_forms(casing.count_forms(t for k, t in enumerate(texts) if k % FOLDS))
    fitted |= casing.name_pairs(names, fitted, common)
    forms = casing.usual_forms(casing.count_forms(texts))
    pairs = casing.name_pairs(names, forms, common)
    forms = dict(sorted((forms | pairs).items()))
    card = {
        "model": "the usual form of each word (and of a word after another) inside sentences of cased news",
        "method": "counts of each word's forms, first words of sentences left out (dateline.learned.casing)",
        "training_data": "event-location sentences (ahalterman/event_location), ECB+ topics 1-35 (cltl/ECB-parser), "
        "the team's train/acled/ text; pairs of words in the gazetteer's place names (GeoNames, CC BY 4.0)",
        "training_data_licence": "MIT and CC BY 3.0 (annotations); the texts belong to their outlets and are not in "
        "the project: only word counts are",
        "licence": "Apache-2.0, as the project",
        "texts": len(texts),
        "entries": len(forms),
        "place_name_pairs": len(pairs),
        "held_out_words_right": _casing_accuracy(held, fitted, common),
        "trained": dt.date.today().isoformat(),
    }
    out.write_text(json.dumps({**card, "forms": forms}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    casing.forget_forms()
    return card


def _place_names() -> list[str]:
    """The names of the gazetteer's countries, regions and first-level divisions, and of its towns of 5,000 or more."""
    from dateline import gazetteer

    query = "SELECT name FROM places WHERE kind IN ('country', 'region', 'admin1') OR (kind = 'city' AND pop >= 5000)"
    return sorted({row[0] for row in gazetteer.connect().execute(query)})


def _casing_accuracy(texts: list[str], forms: dict[str, str], common: frozenset[str]) -> dict[str, float]:
    """Share of the words of held-out texts, set in capitals, that get their own form back: by the fitted forms,
    and by lower case with capitals only at sentence starts."""
    right = {"restored": 0, "sentence_case": 0}
    total = 0
    for text in texts:
        upper = text.upper()
        if len(upper) != len(text):
            continue
        restored = casing.restore_with(upper, forms, common)
        plain = casing.restore_with(upper, {}, frozenset(), unseen_as_lower=True)
        for m in casing.WORDS.finditer(text):
            total += 1
            right["restored"] += restored[m.start() : m.end()] == m.group()
            right["sentence_case"] += plain[m.start() : m.end()] == m.group()
    return {name: round(n / max(1, total), 4) for name, n in right.items()}


def _pick_accuracy(rows: list[tuple[list[list[str]], list[bool], int]], weights: dict[str, float] | None) -> float:
    """How often the chosen candidate is the gold place: the ranker's choice, or (weights None) the rule's."""
    right = sum(labels[_pick(feats, weights) if weights is not None else rule] for feats, labels, rule in rows)
    return round(right / len(rows), 4) if rows else 0.0


def _pick(feats: list[list[str]], weights: dict[str, float]) -> int:
    return max(range(len(feats)), key=lambda k: score(feats[k], weights))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dateline.learned.train", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    for path in (ACLED_DATA, NO_EVENT_DATA):
        if not path.exists():
            print(f"train: no training file {path}", file=sys.stderr)
            return 2
    card = train_acled()
    accuracy, lede = card["cross_validated_accuracy"], card["lede_cross_validated"]
    print(f"ACLED sub-event model: {card['examples']} examples, {card['features']} features, {FOLDS}-fold accuracy")
    print(f"  {accuracy:.3f} -> {ACLED_MODEL.relative_to(ROOT)}")
    print(
        f"  lede threshold {card['lede_threshold']:.3f}: events read right {lede['events_read_right']:.3f}, "
        f"no-event sentences read as events {lede['no_event_read_as_event']:.3f}"
    )
    print(f"  unsure below {card['unsure_below']:.2f}: the rules code those events")
    if not EVENT_LOCATION_DATA.exists() or not ECBPLUS_DATA.exists():
        print("place ranker, case restorer: public data beside the project absent: committed weights kept")
        return 0
    card = train_casing()
    held = card["held_out_words_right"]
    print(
        f"case restorer: {card['entries']} entries; held-out words of capitals text right {held['restored']:.3f}"
        f" (sentence case {held['sentence_case']:.3f}) -> {casing.WEIGHTS_PATH.name}"
    )
    card = train_place_ranker()
    held = card["held_out_accuracy"]
    print(f"place ranker: held-out accuracy {held['ranker']:.3f} (rule {held['rule']:.3f}) -> {PLACE_WEIGHTS.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
