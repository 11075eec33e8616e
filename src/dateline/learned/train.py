"""`python -m dateline.learned.train` (`make train`): fit the learned components from the project's own
training files and write their weights and model cards under src/dateline/learned/weights/.

Only team-written training text lives in the repository (train/); nothing is read from outside it, so a fresh
checkout trains the same weights.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from dateline.learned.textcat import train

ROOT = Path(__file__).resolve().parents[3]
WEIGHTS = Path(__file__).resolve().parent / "weights"
ACLED_DATA = ROOT / "train" / "acled" / "snippets.jsonl"
ACLED_MODEL = WEIGHTS / "acled-subevent.npz"
FOLDS = 5


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


def cross_validated_accuracy(texts: list[str], labels: list[str], folds: int = FOLDS, **settings: float) -> float:
    """Accuracy of models trained on all folds but one, each scored on the fold it did not see."""
    fold = folds_of(labels, folds)
    right = 0
    for k in range(folds):
        seen = [i for i in range(len(texts)) if fold[i] != k]
        model = train([texts[i] for i in seen], [labels[i] for i in seen], **settings)
        right += sum(model.predict(texts[i])[0] == labels[i] for i in range(len(texts)) if fold[i] == k)
    return right / len(texts)


def train_acled(data: Path = ACLED_DATA, out: Path = ACLED_MODEL) -> dict:
    texts, labels = read_snippets(data)
    model = train(texts, labels)
    card = {
        "model": "ACLED sub-event type from an event's evidence sentences",
        "method": "multinomial logistic regression on hashed word, word-pair and character 3- and 4-gram features",
        "training_data": str(data.relative_to(ROOT)),
        "training_data_sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
        "training_data_source": "written by the dateline team for this project (see train/acled/README.md)",
        "licence": "Apache-2.0, as the project",
        "examples": len(texts),
        "labels": model.labels,
        "features": len(model.feature_ids),
        "cross_validated_accuracy": round(cross_validated_accuracy(texts, labels), 4),
        "trained": dt.date.today().isoformat(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out, card)
    return card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dateline.learned.train", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if not ACLED_DATA.exists():
        print(f"train: no training file {ACLED_DATA}", file=sys.stderr)
        return 2
    card = train_acled()
    accuracy = card["cross_validated_accuracy"]
    print(f"ACLED sub-event model: {card['examples']} examples, {card['features']} features, {FOLDS}-fold accuracy")
    print(f"  {accuracy:.3f} -> {ACLED_MODEL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
