"""The extraction pipeline: spaCy parse, then one stage per field family, in this order.

    times     -> times.find_times(doc, published)         TimeMention[]
    places    -> geocode.find_places(doc)                 PlaceMention[]
    entities  -> entities.find_entities(doc)              Entity[]
    quotes    -> quotes.find_quotes(doc, entities)        Quote[]
    events    -> events.find_events(doc, report, ...)     Event[]

Each stage is a plain function over the parsed Doc and the earlier stages' records, so any one
can be run and measured alone.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from spacy.tokens import Doc

from dateline import __version__
from dateline.entities import find_entities
from dateline.events import find_events
from dateline.geocode import find_places
from dateline.nlp import load_nlp
from dateline.quotes import find_quotes
from dateline.records import Extraction, Report
from dateline.times import find_times

BATCH_SIZE = 16
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def extract(report: Report) -> Extraction:
    """Every event, quote, entity, place and time expression in one report."""
    return extract_doc(report, load_nlp()(report.text))


def extract_many(reports: Iterable[Report], n_process: int = 1) -> Iterator[Extraction]:
    """Extractions for a stream of reports, in input order.

    With n_process > 1 each worker process parses *and* runs every stage on its own batches, so the
    stages after parsing scale with the cores instead of queueing behind one process.
    """
    if n_process <= 1:
        nlp = load_nlp()
        pairs = ((r.text, r) for r in reports)
        for doc, report in nlp.pipe(pairs, as_tuples=True, batch_size=BATCH_SIZE):
            yield extract_doc(report, doc)
        return
    for var in THREAD_VARS:  # one process per core: workers must not each start a pool of BLAS threads
        os.environ.setdefault(var, "1")
    # fork shares the model loaded here with the workers; spawn (macOS, Windows) loads it in each
    forking = "fork" in multiprocessing.get_all_start_methods()
    if forking:
        load_nlp()
    ctx = multiprocessing.get_context("fork" if forking else "spawn")
    with ProcessPoolExecutor(max_workers=n_process, mp_context=ctx, initializer=_warm_worker) as pool:
        pending: deque = deque()
        for batch in _batches(reports, BATCH_SIZE):
            pending.append(pool.submit(_extract_batch, batch))
            if len(pending) > 2 * n_process:  # a bounded queue: a corpus of millions is never all in memory
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _batches(reports: Iterable[Report], size: int) -> Iterator[list[Report]]:
    batch: list[Report] = []
    for report in reports:
        batch.append(report)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _warm_worker() -> None:
    """Open this worker's own gazetteer connection (none is shared across a fork) and warm every lookup
    table once, before the first batch arrives."""
    from dateline import gazetteer

    gazetteer.connect.cache_clear()
    extract(Report(id="warm-up", text="Police arrested two men in Nairobi on Monday.", published="2024-01-03"))


def _extract_batch(batch: list[Report]) -> list[Extraction]:
    return list(extract_many(batch, n_process=1))


def extract_doc(report: Report, doc: Doc) -> Extraction:
    """The stages after parsing, on an already parsed Doc."""
    published = dt.date.fromisoformat(report.published) if report.published else None
    times = find_times(doc, published)
    places = find_places(doc)
    entities = find_entities(doc)
    quotes = find_quotes(doc, entities)
    events = find_events(doc, report, times, places, entities, quotes)
    return Extraction(
        report=report,
        dateline_version=__version__,
        events=events,
        quotes=quotes,
        entities=entities,
        places=places,
        times=times,
    )
