"""Labelled snippets: short news texts with one ACLED sub-event type each (the CASE 2021 fine-grained event
classification task), scored on the sub-event type of the snippet's main event.

Input: TSV (``text<TAB>label``, an optional third ``id`` column, an optional header row naming the columns) or
JSON Lines (``{"text": ..., "label": ..., "id": ...}``, id optional); ``.jsonl`` / ``.json`` / ``.ndjson`` files
and files whose first line opens an object are read as JSON Lines. Labels are the 25 ACLED sub-event types,
matched case-insensitively and ignoring spaces, slashes, hyphens and a plural "s"
("shelling / artillery / missile attack", "Remote-explosive/landmine/IED", "arrest"); an unknown label is an
error naming its line. Each snippet is one report with no date.

Matching rules:
- The prediction is ``Event.acled.sub_event_type`` of the snippet's main event: the first event in the text
  with an ACLED code that is neither negated nor background (a background one only when nothing else is coded).
  The lede of a short report states the news; events told as background or denied are not it. A snippet with
  no such event has no prediction and counts wrong.
- accuracy: prediction equals gold. macro_f1: the mean of per-type F1 over the types present in gold, as CASE
  2021 computed it (a type only predicted lowers its own precision, not the mean).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline import DatelineError
from dateline.evalsets.common import extract_all, first
from dateline.evaluate import _rounded, prf
from dateline.records import Event, Extraction, Report
from dateline.taxonomy import ACLED_MAP

KIND = "labels"
ACLED_SUB_EVENT_TYPES = (
    "Armed clash", "Government regains territory", "Non-state actor overtakes territory",
    "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED", "Grenade",
    "Sexual violence", "Attack", "Abduction/forced disappearance",
    "Peaceful protest", "Protest with intervention", "Excessive force against protesters",
    "Violent demonstration", "Mob violence",
    "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established",
    "Looting/property destruction", "Non-violent transfer of territory", "Other",
)  # fmt: skip
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
_KEY_DROP = re.compile(r"[^a-z0-9]+")


def _key(label: str) -> str:
    """'Shelling / Artillery / Missile attacks' -> 'shellingartillerymissileattack'."""
    key = _KEY_DROP.sub("", label.lower())
    return key[:-1] if key.endswith("s") else key


# Spellings beyond case and punctuation: ACLED's earlier names and the usual shortenings.
LABEL_ALIASES = {
    "Excessive force against protesters": ("excessive force against protestors",),
    "Air/drone strike": ("air strike", "airstrike", "drone strike"),
    "Remote explosive/landmine/IED": ("remote explosive", "IED", "landmine"),
    "Shelling/artillery/missile attack": ("shelling", "artillery attack", "missile attack"),
    "Suicide bomb": ("suicide bombing", "suicide attack"),
    "Abduction/forced disappearance": ("abduction", "forced disappearance", "kidnapping"),
    "Headquarters or base established": ("headquarters established", "base established"),
    "Non-state actor overtakes territory": ("non state actor overtakes territory",),
}
LABELS = {_key(name): name for name in ACLED_SUB_EVENT_TYPES} | {
    _key(alias): name for name, aliases in LABEL_ALIASES.items() for alias in aliases
}


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    label: str  # one of ACLED_SUB_EVENT_TYPES


# ---------------------------------------------------------------------------------------------------------
# Reading


def canonical_label(label: str) -> str | None:
    """The ACLED sub-event type a spelling names, or None."""
    return LABELS.get(_key(label))


def read(path: Path) -> list[Snippet]:
    """Every labelled snippet of a TSV or JSON Lines file."""
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DatelineError(f"cannot read labelled snippets {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise DatelineError(f"{path} is not UTF-8 text: {err}") from err
    lines = [(n, line) for n, line in enumerate(content.splitlines(), 1) if line.strip()]
    if not lines:
        raise DatelineError(f"{path}: no snippets")
    jsonl = path.suffix.lower() in JSONL_SUFFIXES or lines[0][1].lstrip().startswith("{")
    return _read_jsonl(path, lines) if jsonl else _read_tsv(path, lines)


def _snippet(path: Path, n: int, text: Any, label: Any, sid: Any) -> Snippet:
    if not isinstance(text, str) or not text.strip():
        raise DatelineError(f"{path}: line {n}: no text")
    if not isinstance(label, str) or not label.strip():
        raise DatelineError(f"{path}: line {n}: no label")
    if canonical_label(label) is None:
        raise DatelineError(f"{path}: line {n}: unknown ACLED sub-event type {label!r}")
    name = str(sid).strip() if sid not in (None, "") else f"line-{n}"
    return Snippet(id=name, text=text, label=canonical_label(label))


def _read_jsonl(path: Path, lines: list[tuple[int, str]]) -> list[Snippet]:
    out = []
    for n, line in lines:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise DatelineError(f"{path}: line {n}: not valid JSON ({err.msg})") from err
        if not isinstance(item, dict):
            raise DatelineError(f"{path}: line {n}: expected an object with 'text' and 'label'")
        out.append(_snippet(path, n, item.get("text"), item.get("label"), item.get("id")))
    return out


def _columns(header: list[str]) -> dict[str, int] | None:
    """Column positions from a header row naming text, label (and id), or None when the row is data."""
    names = [c.strip().lower() for c in header]
    if not {"text", "label"} <= set(names) <= {"text", "label", "id"}:
        return None
    return {name: i for i, name in enumerate(names)}


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str | None:
    i = columns.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else None


def _read_tsv(path: Path, lines: list[tuple[int, str]]) -> list[Snippet]:
    columns = _columns(lines[0][1].split("\t"))
    if columns is None:
        columns = {"text": 0, "label": 1, "id": 2}
    else:
        lines = lines[1:]
    out = []
    for n, line in lines:
        cells = line.split("\t")
        if len(cells) not in (2, 3):
            raise DatelineError(f"{path}: line {n}: expected text<TAB>label[<TAB>id], found {len(cells)} columns")
        out.append(
            _snippet(
                path, n, _cell(cells, columns, "text"), _cell(cells, columns, "label"), _cell(cells, columns, "id")
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------------
# Scoring


def producible_types() -> set[str]:
    """The ACLED sub-event types dateline can assign at all: the rules' codes and those the learned classifier
    may give an event of some PLOVER type."""
    from dateline.learned.acled import ALLOWED

    return {sub for _event_type, sub in ACLED_MAP.values()} | {sub for subs in ALLOWED.values() for sub in subs}


def main_event(extraction: Extraction) -> Event | None:
    """The first ACLED-coded event that is neither negated nor background (background ones as a last resort)."""
    coded = sorted((e for e in extraction.events if e.acled and not e.negated), key=lambda e: e.trigger.start)
    news = [e for e in coded if not e.background]
    return (news or coded or [None])[0]


def predicted_label(extraction: Extraction) -> str | None:
    event = main_event(extraction)
    return event.acled.sub_event_type if event and event.acled else None


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(docs: list[Snippet], extractions: list[Extraction]) -> dict[str, Any]:
    """Accuracy, macro F1 over the gold types, per-type P/R/F1 and the commonest confusions."""
    tp, fp, fn, confusion = Counter(), Counter(), Counter(), Counter()
    misses = []
    unpredicted = 0
    for doc, extraction in zip(docs, extractions, strict=True):
        pred = predicted_label(extraction)
        unpredicted += pred is None
        if pred == doc.label:
            tp[doc.label] += 1
            continue
        fn[doc.label] += 1
        fp[pred] += pred is not None
        confusion[f"{doc.label} -> {pred or 'none'}"] += 1
        misses.append({"id": doc.id, "gold": doc.label, "pred": pred})
    gold_types = sorted(set(tp) | set(fn))
    producible = producible_types()
    out: dict[str, Any] = {
        "kind": KIND,
        "documents": len(docs),
        "accuracy": _rounded(sum(tp.values()) / len(docs)) if docs else None,
        "macro_f1": _rounded(sum(_f1(tp[t], fp[t], fn[t]) for t in gold_types) / len(gold_types))
        if gold_types
        else None,
        "no_prediction": unpredicted,
        "by_type": {t: prf(tp[t], fp[t], fn[t]) for t in ACLED_SUB_EVENT_TYPES if tp[t] + fp[t] + fn[t]},
        "confusion": dict(confusion.most_common(15)),
        "types_producible": len(producible & set(ACLED_SUB_EVENT_TYPES)),
        "gold_unproducible": _rounded(sum(d.label not in producible for d in docs) / len(docs)) if docs else None,
        "misses": first(misses),
        "gate": "macro_f1",
    }
    out["headline"] = {"accuracy": out["accuracy"], "macro_f1": out["macro_f1"]}
    return out


def run(path: Path, limit: int | None = None, processes: int = 1) -> dict[str, Any]:
    """Read the snippets, extract each as an undated report, and score."""
    docs = read(path)[:limit]
    reports = [Report(id=d.id, text=d.text) for d in docs]
    return score(docs, extract_all(reports, processes))
