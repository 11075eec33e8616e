"""Adapters that score dateline on public gold sets, one module per gold format.

Each adapter module provides the same three functions, so `dateline eval --format NAME` and
`dateline eval-public` call them alike and tests can score hand-written gold without the pipeline:

    read(path: Path) -> list[Doc]                        gold documents (DatelineError on bad input)
    score(docs, predictions) -> dict                     pure scoring of what the pipeline produced
    run(path: Path, limit: int | None, processes: int) -> dict   read, run the pipeline, score
                                                 (plus any settings of its own: eventloc's held_out)

The summary dict ``run`` and ``score`` return has ``kind`` (the format name), ``documents``, any number of
figures (a P/R/F1 dict from ``evaluate.prf``, a float in 0..1, a count, or a dict of those), ``headline``
(the figures ``eval-public`` tabulates and records, name -> float in 0..1 or None), ``gate`` (the headline
figure a baseline check compares) and ``misses`` (a list of short dicts, the first errors, for reading).
Only the standard library is imported here, so building the CLI parser stays fast.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from dateline import DatelineError

# format name -> adapter module
ADAPTERS: dict[str, str] = {
    "wikievents": "dateline.evalsets.wikievents",
    "muc4": "dateline.evalsets.muc4",
    "polnear": "dateline.evalsets.polnear",
    "labels": "dateline.evalsets.labels",
    "plover": "dateline.evalsets.plover",
    "ecbplus": "dateline.evalsets.ecbplus",
    "eventloc": "dateline.evalsets.eventloc",
}


def adapter(fmt: str) -> Any:
    """The adapter module for a gold format."""
    if fmt not in ADAPTERS:
        raise DatelineError(f"unknown gold format {fmt!r}; choose from {', '.join(sorted(ADAPTERS))}")
    return importlib.import_module(ADAPTERS[fmt])


def run(fmt: str, path: Path, limit: int | None = None, processes: int = 1, **options: Any) -> dict[str, Any]:
    """Score the pipeline on one public gold set (``options``: an adapter's own settings, from the set list)."""
    return adapter(fmt).run(path, limit=limit, processes=processes, **options)
