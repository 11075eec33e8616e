"""Event location (Halterman's event_location sentences): is the place dateline gives an event the place the
sentence says it happened?

Input: JSON Lines, one sentence a line: ``text``, ``spans`` (``start``, ``end`` character offsets, ``label``
VERB or LOCATION, optional ``text``, ``token_start``), optional ``_id`` and ``answer`` (Prodigy's accept /
reject / ignore). Each row marks one VERB (an event) and, where the sentence says, the LOCATION span(s) of that
event. Each sentence is one report with no date.

Matching rules:
- Rows answered reject or ignore, and rows that do not mark exactly one VERB, are left out and counted.
- A span whose offsets do not cover its own ``text`` (some rows of the public file give token numbers as
  offsets) is re-found in the sentence from its text, the occurrence nearest its token number; counted.
- The event of a row is dateline's event whose trigger overlaps the VERB span most; none: "no event".
- The place of that event is the stretch of the sentence its location was read from: the places[] mention with
  the location's text (nearest the trigger), else that text found in the sentence, else the mention with the
  location's gazetteer name. A location with none of these (a country inferred from elsewhere) is a place given
  that matches no span.
- Right: that stretch shares a word with a gold LOCATION span (any of them; words are runs of letters and digits,
  function words aside). Wrong: another place or one not in the sentence. None: no location given.
- Rows without a gold location are right when the event has no location.
- Baseline: the first places[] mention starting after the VERB, the simplest rule a geocoder-only system has.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline import DatelineError
from dateline.evalsets.common import extract_all, first, overlap
from dateline.evaluate import Tally, _rounded
from dateline.records import Event, Extraction, Report, toponyms

KIND = "eventloc"
LEFT_OUT_ANSWERS = {"reject", "ignore"}
_WORD = re.compile(r"[^\W_]+")
_FUNCTION_WORDS = {"the", "of", "a", "an", "and", "in", "at", "on", "near", "to", "from"}

Span = tuple[int, int]


@dataclass(frozen=True)
class LocationRow:
    """One sentence: the marked verb (None unless exactly one is marked) and its gold location spans."""

    id: str
    line: int
    text: str
    verb: Span | None
    locations: tuple[Span, ...] = ()
    answer: str | None = None
    repaired: int = 0


# ---------------------------------------------------------------------------------------------------------
# Reading


def read(path: Path) -> list[LocationRow]:
    """Every row of an event-location JSON Lines file, left-out ones included (score counts them)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise DatelineError(f"cannot read event-location rows {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise DatelineError(f"{path} is not UTF-8 text: {err}") from err
    return [_row(line, f"{path}: line {n}", n) for n, line in enumerate(lines, 1) if line.strip()]


def _row(line: str, where: str, n: int) -> LocationRow:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as err:
        raise DatelineError(f"{where}: not valid JSON ({err.msg})") from err
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not isinstance(item.get("spans"), list):
        raise DatelineError(f"{where}: expected an object with 'text' and a 'spans' list")
    text = item["text"]
    spans = {"VERB": [], "LOCATION": []}
    repaired = 0
    for raw in item["spans"]:
        label = raw.get("label") if isinstance(raw, dict) else None
        if label in spans:
            span, fixed = _span(raw, text, where)
            spans[label].append(span)
            repaired += fixed
    verbs = spans["VERB"]
    return LocationRow(
        id=str(item.get("_id", f"line-{n}")).strip(),
        line=n,
        text=text,
        verb=verbs[0] if len(verbs) == 1 else None,
        locations=tuple(spans["LOCATION"]),
        answer=item.get("answer") if isinstance(item.get("answer"), str) else None,
        repaired=repaired,
    )


def _span(raw: dict[str, Any], text: str, where: str) -> tuple[Span, bool]:
    """The span's offsets, re-found from its own text when they do not cover it; and whether they were."""
    start, end, said = raw.get("start"), raw.get("end"), raw.get("text")
    if not isinstance(start, int) or not isinstance(end, int):
        raise DatelineError(f"{where}: a span needs integer 'start' and 'end'")
    if not isinstance(said, str) or not said or text[start:end] == said:
        if not 0 <= start <= end <= len(text):
            raise DatelineError(f"{where}: span {start}-{end} lies outside the text")
        return (start, end), False
    spot = _find(text, said, raw.get("token_start"))
    if spot is None:
        raise DatelineError(f"{where}: span text {said!r} is not in the sentence")
    return spot, True


def _find(text: str, said: str, token: Any) -> Span | None:
    """The occurrence of ``said`` whose word number is nearest ``token`` (the first when no number is given)."""
    spots = [m.start() for m in re.finditer(re.escape(said), text)]
    want = token if isinstance(token, int) else 0
    start = min(spots, key=lambda s: abs(len(_WORD.findall(text[:s])) - want), default=None)
    return None if start is None else (start, start + len(said))


# ---------------------------------------------------------------------------------------------------------
# Scoring


def _words(text: str, span: Span) -> set[int]:
    """Start offsets of the content words inside a span."""
    return {m.start() for m in _WORD.finditer(text, span[0], span[1]) if m.group().lower() not in _FUNCTION_WORDS}


def spans_agree(text: str, gold: tuple[Span, ...], pred: Span) -> bool:
    """The predicted stretch shares a content word with one of the gold spans."""
    words = _words(text, pred)
    return any(words & _words(text, g) for g in gold)


def event_at(events: list[Event], verb: Span) -> Event | None:
    """The event whose trigger overlaps the marked verb most (earliest on ties)."""
    hits = [e for e in events if overlap((e.trigger.start, e.trigger.end), verb)]
    return max(hits, key=lambda e: (overlap((e.trigger.start, e.trigger.end), verb), -e.trigger.start), default=None)


def nearest_event(events: list[Event], verb: Span) -> Event | None:
    """The event whose trigger lies nearest the verb: dateline folds "a bomb went off, killing three" into one
    event whose trigger may be another word of the clause than the one marked."""

    def gap(e: Event) -> int:
        return max(e.trigger.start - verb[1], verb[0] - e.trigger.end, 0)

    return min(events, key=lambda e: (gap(e), e.trigger.start), default=None)


def _occurrences(text: str, said: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(said), text)]


def location_span(event: Event, extraction: Extraction) -> Span | None:
    """The stretch of the sentence the event's location was read from (nearest the trigger), if any."""
    loc, places = event.location, toponyms(extraction.places)
    if loc.text:
        spans = [(p.start, p.end) for p in places if p.text == loc.text] or _occurrences(
            extraction.report.text, loc.text
        )
    else:
        spans = [(p.start, p.end) for p in places if loc.name and p.name == loc.name]
    return min(spans, key=lambda s: abs(s[0] - event.trigger.start), default=None)


def has_location(event: Event) -> bool:
    loc = event.location
    return any(v is not None for v in (loc.text, loc.name, loc.country, loc.lat))


def first_place_after(extraction: Extraction, verb: Span) -> Span | None:
    """Baseline: the first toponym that starts after the verb."""
    after = sorted((p.start, p.end) for p in toponyms(extraction.places) if p.start >= verb[1])
    return after[0] if after else None


def outcome(row: LocationRow, extraction: Extraction, event: Event | None) -> tuple[str, Span | None]:
    """The row's verdict for the event taken as the verb's (right, wrong, none: no location where gold has one,
    no_event) and the predicted stretch."""
    if event is None:
        return "no_event", None
    if not has_location(event):
        return ("none" if row.locations else "right"), None
    span = location_span(event, extraction)
    agrees = span is not None and spans_agree(row.text, row.locations, span)
    return ("right" if agrees else "wrong"), span


@dataclass
class _Tallies:
    left_out: Counter = field(default_factory=Counter)
    with_location: Counter = field(default_factory=Counter)
    without_location: Counter = field(default_factory=Counter)
    event_in_sentence: Tally = field(default_factory=Tally)
    nearest: Tally = field(default_factory=Tally)
    baseline: Tally = field(default_factory=Tally)
    baseline_none: Tally = field(default_factory=Tally)
    misses: list[dict[str, Any]] = field(default_factory=list)


def _left_out(row: LocationRow) -> str | None:
    if row.answer in LEFT_OUT_ANSWERS:
        return row.answer
    return "verb_spans_not_one" if row.verb is None else None


def _miss(row: LocationRow, result: str, span: Span | None) -> dict[str, Any]:
    verb = row.verb or (0, 0)
    return {
        "id": row.id,
        "line": row.line,
        "why": result,
        "verb": row.text[verb[0] : verb[1]],
        "gold": [row.text[s:e] for s, e in row.locations],
        "pred": row.text[span[0] : span[1]] if span else None,
    }


def _score_row(t: _Tallies, row: LocationRow, extraction: Extraction) -> None:
    result, span = outcome(row, extraction, event_at(extraction.events, row.verb))
    t.event_in_sentence.add(bool(extraction.events))
    baseline = first_place_after(extraction, row.verb)
    if row.locations:
        t.with_location[result] += 1
        t.nearest.add(outcome(row, extraction, nearest_event(extraction.events, row.verb))[0] == "right")
        t.baseline.add(baseline is not None and spans_agree(row.text, row.locations, baseline))
    else:
        t.without_location[result] += 1
        t.baseline_none.add(baseline is None)
    if result != "right":
        t.misses.append(_miss(row, result, span))


def _share(part: int, whole: int) -> float | None:
    return _rounded(part / whole) if whole else None


def score(docs: list[LocationRow], extractions: list[Extraction]) -> dict[str, Any]:
    """Event found, location right / wrong / none on rows with a gold location, 'no location' right without."""
    t = _Tallies()
    scored = 0
    for row, extraction in zip(docs, extractions, strict=True):
        reason = _left_out(row)
        if reason:
            t.left_out[reason] += 1
            continue
        scored += 1
        _score_row(t, row, extraction)
    w, wo = t.with_location, t.without_location
    found_w, found_wo = w.total() - w["no_event"], wo.total() - wo["no_event"]
    out: dict[str, Any] = {
        "kind": KIND,
        "documents": scored,
        "left_out": dict(t.left_out),
        "repaired_spans": sum(r.repaired for r in docs),
        "event_found": _share(found_w + found_wo, scored),
        "event_in_sentence": _rounded(t.event_in_sentence.accuracy),
        "with_location": {k: w[k] for k in ("right", "wrong", "none", "no_event")},
        "without_location": {k: wo[k] for k in ("right", "wrong", "no_event")},
        "loc_acc": _share(w["right"], found_w),
        "loc_acc_all": _share(w["right"], w.total()),
        "none_acc": _share(wo["right"], found_wo),
        "loc_acc_all_nearest_event": _rounded(t.nearest.accuracy),
        "baseline_first_after_verb": _rounded(t.baseline.accuracy),
        "baseline_none_acc": _rounded(t.baseline_none.accuracy),
        "misses": first(t.misses),
        "gate": "loc_acc_all",
    }
    names = ("event_found", "loc_acc", "loc_acc_all", "none_acc", "baseline_first_after_verb")
    out["headline"] = {k: out[k] for k in names}
    return out


def run(path: Path, limit: int | None = None, processes: int = 1, held_out: bool = False) -> dict[str, Any]:
    """Read the rows, extract each sentence as an undated report, and score. ``held_out`` keeps only the fifth of
    the sentences the place ranker was not trained on (``learned.place_data.held_out``)."""
    from dateline.learned.place_data import held_out as kept_back

    docs = [d for d in read(path) if not held_out or kept_back(d.text)][:limit]
    reports = [Report(id=f"line-{d.line}", text=d.text) for d in docs]
    return score(docs, extract_all(reports, processes))
