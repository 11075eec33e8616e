"""Reports into the store: the one path from reports to merged events, for `dateline ingest` and POST /api/reports.

A report whose content hash is stored already is skipped before extraction; the others are extracted in batches
(spaCy parses a batch together) and each is stored in its own transaction, so a bad report fails alone and the rest
of the batch goes on. Sentence vectors are the writer's: the store computes one when a merge needs it.

Extraction reads only a report's text and publication date, so a syndicated copy (the same text and date from
another outlet) is extracted once: the copy gets the first one's extraction re-stamped with its own report.
A near copy (the same date and nearly the same text: a byline, a credit or a caption added, other spacing, as
``dateline.neardup`` finds by MinHash) gets the first one's extraction with its offsets moved onto its own text
when that is what extracting it would give (every span found unchanged, the layout around them kept); else it is
extracted as any report. A near copy of a report still being extracted waits for that extraction, and is stored
with it in one pass. Either way it is "added", like an exact copy.

Batches go to an ``Extractor``: in this process (``LocalExtractor``) or on Dask workers (``dateline.cluster``);
either way the results are written here, by the one writer, as they come back.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol, Union

from dateline import DatelineError, neardup
from dateline.records import Extraction, Report, iso
from dateline.store import Store, content_hash

Source = Union[str, "os.PathLike[str]", Report]  # what Store.ingest takes: a file or folder path, or a Report
BATCH = 16  # reports extracted together (spaCy batches); each is still stored in its own transaction
REMEMBERED = 256  # extractions (and signatures) kept for the syndicated and near copies that come later in the run
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


@dataclass
class BatchResult:
    """One extracted batch: an Extraction or the exception per report."""

    results: list[Extraction | Exception]


class Extractor(Protocol):
    """Where batches are extracted: ``submit`` one, then take the finished ones from ``done``."""

    def submit(self, batch: list[Report]) -> None: ...

    def done(self, wait: bool) -> Iterator[tuple[list[Report], BatchResult]]:
        """Finished batches: all that are left when ``wait``, else those ready without waiting beyond the limit."""
        ...


class LocalExtractor:
    """Extraction in this process, each batch as it is submitted."""

    def __init__(self) -> None:
        self._finished: list[tuple[list[Report], BatchResult]] = []

    def submit(self, batch: list[Report]) -> None:
        self._finished.append((batch, extract_batch(batch)))

    def done(self, wait: bool) -> Iterator[tuple[list[Report], BatchResult]]:
        while self._finished:
            yield self._finished.pop(0)


def extraction_key(report: Report) -> str:
    """What extraction reads from a report (its text and publication date): equal keys, equal extractions."""
    return hashlib.sha256(f"{iso(report.published) or ''}\x1f{report.text}".encode()).hexdigest()


def restamp(extraction: Extraction, report: Report) -> Extraction:
    """Another report's extraction of the same text and date, as this report's own."""
    return extraction.model_copy(update={"report": report})


def ingest(
    store: Store,
    items: Iterable[Report | DatelineError],
    reextract: bool = False,
    extractor: Extractor | None = None,
    on_batch=None,
) -> Iterator[Outcome]:
    """Store every report of ``items`` and merge its events, yielding one Outcome per item as it is decided.

    ``items`` may hold the DatelineError of an input that could not be read (as ``read.iter_report_results``
    yields them): it is passed on as a failure. ``reextract`` redoes stored reports made by other code.
    ``on_batch(extractions)`` is called with each stored batch's extractions (e.g. to write them to Parquet).
    """
    run = _Run(store, extractor or LocalExtractor(), on_batch)
    yield from run.feed(items, reextract)


class _Run:
    """One ingest run: reads items, forms batches of distinct texts, writes results as they come back."""

    def __init__(self, store: Store, extractor: Extractor, on_batch) -> None:
        self.store, self.extractor, self.on_batch = store, extractor, on_batch
        self.seen: dict[str, tuple[str, str]] = {}  # report id -> (content hash, where it came from) in this run
        self.waiting: dict[str, list[Report]] = {}  # extraction key in flight -> its syndicated copies
        # extraction key -> extraction or error, for the most recent keys
        self.known: OrderedDict[str, Extraction | Exception] = OrderedDict()
        self.near = neardup.Index(REMEMBERED)  # the signatures of the texts sent to extraction
        self.parked: dict[str, list[Report]] = {}  # extraction key in flight -> near copies waiting for it
        self.pending: list[Report] = []  # the next batch

    def feed(self, items: Iterable[Report | DatelineError], reextract: bool) -> Iterator[Outcome]:
        for item in items:
            if isinstance(item, DatelineError):
                yield Outcome("failed", stage="read", error=item, message=str(item))
                continue
            if (clash := _duplicate(self.seen, item)) is not None:
                # the same report given twice (a file and its folder) is unchanged; another one with its id, an error
                yield _failed(item, "read", DatelineError(clash), clash) if clash else Outcome("unchanged", item)
                continue
            if self.store.status(item, reextract) == "unchanged":
                yield Outcome("unchanged", item)
                continue
            key = extraction_key(item)
            if key in self.known:
                yield from self._emit(self._write_all([(item, self.known[key])]))
            elif key in self.waiting:
                self.waiting[key].append(item)
            else:
                self.waiting[key] = []
                yield from self._new_text(item)
            if len(self.pending) >= BATCH:
                yield from self._submit(wait=False)
        yield from self._submit(wait=True)
        while self.pending:  # near copies that could not take the extraction they waited for
            yield from self._submit(wait=True)

    def _new_text(self, report: Report) -> Iterator[Outcome]:
        """A text not seen in this run: a near copy takes (or waits for) an earlier extraction; else it is queued."""
        sig = neardup.signature(report.text)
        for near in self.near.similar(sig, report.published) if sig is not None else []:
            if near in self.waiting:
                self.parked.setdefault(near, []).append(report)
                return
            extracted = self.known.get(near)
            if isinstance(extracted, Extraction):
                reused = neardup.reanchor(extracted, report)
                if reused is not None:
                    yield from self._emit(self._write_all(self._settle(report, reused)))
                    return
                break
        self._queue(report, sig)

    def _queue(self, report: Report, sig: neardup.Signature | None = None) -> None:
        """Into the next batch, its signature into the index for the near copies that come later."""
        sig = neardup.signature(report.text) if sig is None else sig
        if sig is not None:
            self.near.add(extraction_key(report), sig, report.published)
        self.pending.append(report)

    def _settle(self, report: Report, reused: Extraction) -> list[tuple[Report, Extraction]]:
        """A near copy and its own exact copies, each with the extraction re-anchored on its text, to store."""
        key = extraction_key(report)
        self._remember(key, reused)
        return [(r, reused) for r in [report, *self.waiting.pop(key, [])]]

    def _submit(self, wait: bool) -> Iterator[Outcome]:
        if self.pending:
            batch, self.pending = self.pending, []
            self.extractor.submit(batch)
        yield from self._collect(wait)

    def _collect(self, wait: bool) -> Iterator[Outcome]:
        for batch, result in self.extractor.done(wait):
            yield from self._write_batch(batch, result)

    def _write_batch(self, batch: list[Report], result: BatchResult) -> Iterator[Outcome]:
        outcomes: list[Outcome] = []
        for report, extracted in zip(batch, result.results, strict=True):
            key = extraction_key(report)
            copies = self.waiting.pop(key, [])
            self._remember(key, extracted)
            story: list[tuple[Report, Extraction | Exception]] = [(r, extracted) for r in [report, *copies]]
            for near_copy in self.parked.pop(key, []):
                reused = neardup.reanchor(extracted, near_copy) if isinstance(extracted, Extraction) else None
                if reused is None:
                    self._queue(near_copy)
                else:
                    story += self._settle(near_copy, reused)
            outcomes += self._write_all(story)
        yield from self._emit(outcomes)

    def _emit(self, outcomes: list[Outcome]) -> Iterator[Outcome]:
        stored = [o.extraction for o in outcomes if o.extraction is not None]
        if self.on_batch and stored:
            self.on_batch(stored)
        yield from outcomes

    def _remember(self, key: str, done: Extraction | Exception) -> None:
        self.known[key] = done
        while len(self.known) > REMEMBERED:
            self.known.popitem(last=False)

    def _write_all(self, story: list[tuple[Report, Extraction | Exception]]) -> list[Outcome]:
        """Store each report with its extraction, the copies of one story in one pass."""
        if len(story) > 1 and not any(isinstance(x, Exception) for _, x in story):
            together = _store_together(self.store, [restamp(x, r) for r, x in story])
            if together:
                return together
        return [self._write_copy(report, extracted) for report, extracted in story]

    def _write_copy(self, report: Report, extracted: Extraction | Exception) -> Outcome:
        where = report.source_path or report.id
        if isinstance(extracted, Exception):
            return _failed(report, "extract", extracted, f"{where}: extraction failed: {extracted}")
        return _store_one(self.store, restamp(extracted, report))


def _store_together(store: Store, extractions: list[Extraction]) -> list[Outcome]:
    """Copies of one story stored in one pass ([] when one of them is stored already or the write fails: then
    they are stored one by one, each failing alone)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        store.add_new_extractions(extractions)
    except (DatelineError, SQLAlchemyError):
        return []
    return [Outcome("added", x.report, x) for x in extractions]


def _store_one(store: Store, extraction: Extraction) -> Outcome:
    from sqlalchemy.exc import SQLAlchemyError

    report = extraction.report
    try:
        # status() found it new, changed or stale: replace whatever is stored
        return Outcome(store.add_extraction(extraction, reextract=True), report, extraction)
    except (DatelineError, SQLAlchemyError) as err:
        where = report.source_path or report.id
        return _failed(report, "store", err, f"{where}: not stored: {str(err).splitlines()[0]}")


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


def extract_batch(reports: list[Report]) -> BatchResult:
    """Extract a batch; runs in this process or on a Dask worker."""
    return BatchResult(_extract_each(reports))


def _extract_each(reports: list[Report]) -> list[Extraction | Exception]:
    """An Extraction or the exception for each report: batched, falling back to one by one on an error."""
    if not reports:
        return []
    from dateline import pipeline

    try:
        return list(pipeline.extract_many(reports))
    except Exception:  # noqa: BLE001 - one bad report must not sink the batch; redo singly to find it
        pass
    results: list[Extraction | Exception] = []
    for report in reports:
        try:
            results.append(pipeline.extract(report))
        except Exception as err:  # noqa: BLE001 - reported per report, the batch goes on
            results.append(err)
    return results
