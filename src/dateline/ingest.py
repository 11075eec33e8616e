"""Reports into the store: the one path from reports to merged events, for `dateline ingest` and POST /api/reports.

A report whose content hash is stored already is skipped before extraction; the others are extracted in batches
(spaCy parses a batch together) and each is stored in its own transaction, so a bad report fails alone and the
rest of the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, Union

from dateline import DatelineError
from dateline.records import Extraction, Report
from dateline.store import Store, content_hash

Source = Union[str, "os.PathLike[str]", Report]  # what Store.ingest takes: a file or folder path, or a Report
BATCH = 16  # reports extracted together (spaCy batches); each is still stored in its own transaction
Status = Literal["added", "updated", "unchanged", "failed"]
Stage = Literal["read", "extract", "store"]


@dataclass(frozen=True)
class Outcome:
    """What ingesting one input did. A failure says where it happened (``stage``), why (``error``), and gives the
    one line to show a user (``message``)."""

    status: Status
    report: Report | None = None
    extraction: Extraction | None = None
    stage: Stage | None = None
    error: BaseException | None = None
    message: str = ""


def ingest(store: Store, items: Iterable[Report | DatelineError], reextract: bool = False) -> Iterator[Outcome]:
    """Store every report of ``items`` and merge its events, yielding one Outcome per item as it is decided.

    ``items`` may hold the DatelineError of an input that could not be read (as ``read.iter_report_results``
    yields them): it is passed on as a failure. ``reextract`` redoes stored reports made by other code.
    """
    seen: dict[str, tuple[str, str]] = {}  # report id -> (content hash, where it came from) in this run
    pending: list[Report] = []
    for item in items:
        if isinstance(item, DatelineError):
            yield Outcome("failed", stage="read", error=item, message=str(item))
        elif (clash := _duplicate(seen, item)) is not None:
            # the same report given twice (a file and its folder) is unchanged; another one with its id, an error
            yield _failed(item, "read", DatelineError(clash), clash) if clash else Outcome("unchanged", item)
        elif store.status(item, reextract) == "unchanged":
            yield Outcome("unchanged", item)
        else:
            pending.append(item)
        if len(pending) >= BATCH:
            yield from _store_batch(store, pending)
            pending = []
    yield from _store_batch(store, pending)


def reports_of(sources: Source | Iterable[Source]) -> Iterator[Report | DatelineError]:
    """Reports, and the error of each input that cannot be read, from paths (read as `dateline ingest` reads them)
    and Reports, in the order given; one path or Report alone is taken as a list of one."""
    from dateline.read import iter_report_results

    single = isinstance(sources, (str, os.PathLike, Report))
    for source in [sources] if single else sources:
        if isinstance(source, Report):
            yield source
        elif isinstance(source, (str, os.PathLike)):
            yield from iter_report_results([os.fspath(source)])
        else:
            yield DatelineError(f"cannot ingest a {type(source).__name__}: give a file or folder path or a Report")


def _failed(report: Report, stage: Stage, error: BaseException, message: str) -> Outcome:
    return Outcome("failed", report, stage=stage, error=error, message=message)


def _duplicate(seen: dict[str, tuple[str, str]], report: Report) -> str | None:
    """None for a report id not seen before in this run; "" for the same report again; else the error message.

    Two different reports with one id (e.g. a/report.txt and b/report.txt, whose ids default to the file name)
    would otherwise replace each other on every run, so the second one is refused instead.
    """
    digest, where = content_hash(report), report.source_path or report.id
    if report.id not in seen:
        seen[report.id] = (digest, where)
        return None
    if seen[report.id][0] == digest:
        return ""
    return (
        f"{where}: report id {report.id!r} is already used in this run by {seen[report.id][1]}; "
        'give one of them its own "id" (in its .meta.json or JSON Lines row)'
    )


def _store_batch(store: Store, reports: list[Report]) -> Iterator[Outcome]:
    """Extract and store a batch; each report is stored in its own transaction and fails alone."""
    from sqlalchemy.exc import SQLAlchemyError

    for report, result in _extract_each(reports):
        where = report.source_path or report.id
        if isinstance(result, Exception):
            yield _failed(report, "extract", result, f"{where}: extraction failed: {result}")
            continue
        try:
            # status() found it new, changed or stale: replace whatever is stored
            yield Outcome(store.add_extraction(result, reextract=True), report, result)
        except (DatelineError, SQLAlchemyError) as err:
            yield _failed(report, "store", err, f"{where}: not stored: {str(err).splitlines()[0]}")


def _extract_each(reports: list[Report]) -> list[tuple[Report, Extraction | Exception]]:
    """(report, Extraction or the exception) for each report: batched, falling back to one by one on an error."""
    if not reports:
        return []
    from dateline import pipeline

    try:
        return list(zip(reports, pipeline.extract_many(reports), strict=True))
    except Exception:  # noqa: BLE001 - one bad report must not sink the batch; redo singly to find it
        pass
    results: list[tuple[Report, Extraction | Exception]] = []
    for report in reports:
        try:
            results.append((report, pipeline.extract(report)))
        except Exception as err:  # noqa: BLE001 - reported per report, the batch goes on
            results.append((report, err))
    return results
