"""What the public-set adapters share: running the pipeline over gold documents and matching spans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dateline import DatelineError

if TYPE_CHECKING:
    from dateline.records import Event, Extraction, Report, Span


def extract_all(reports: Sequence[Report], processes: int = 1) -> list[Extraction]:
    """The pipeline's Extraction of each report, in order (worker processes when processes > 1)."""
    try:
        from dateline.pipeline import extract_many
    except ImportError as err:
        raise DatelineError(f"the extraction pipeline is not available: {err}") from err
    return list(extract_many(reports, n_process=processes))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters (or tokens) two half-open spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlap_ratio(gold: tuple[int, int], pred: tuple[int, int]) -> float:
    """Shared length over the longer span's length: 1.0 for the same span, 0.0 for disjoint ones."""
    longest = max(gold[1] - gold[0], pred[1] - pred[0])
    return overlap(gold, pred) / longest if longest > 0 else 0.0


def prf_counts(counter: Counter) -> dict[str, Any]:
    """``evaluate.prf`` of a counter holding tp, fp and fn."""
    from dateline.evaluate import prf

    return prf(counter["tp"], counter["fp"], counter["fn"])


def first(items: Iterable, n: int = 40) -> list:
    """The first n items, for a summary's list of misses."""
    out = []
    for item in items:
        if len(out) >= n:
            break
        out.append(item)
    return out


def event_mentions(event: Event) -> list[Span]:
    """The words an event is told by: its mentions' triggers, or its own trigger where it lists none."""
    return event.mentions or [event.trigger]
