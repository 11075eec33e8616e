"""The extraction pipeline: spaCy parse, then one stage per field family, in this order.

    times     -> times.find_times(doc, published)         TimeMention[]
    places    -> geocode.find_places(doc, url or outlet)  PlaceMention[]
    entities  -> entities.find_entities(doc)              Entity[]
    quotes    -> quotes.find_quotes(doc, entities)        Quote[]
    events    -> events.find_events(doc, report, ...)     Event[]

Each stage is a plain function over the parsed Doc and the earlier stages' records, so any one
can be run and measured alone.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from spacy.language import Language
from spacy.tokens import Doc

from dateline import DatelineError, __version__
from dateline.entities import find_entities
from dateline.events import find_events
from dateline.geocode import find_places
from dateline.nlp import PIECE_CHARS, doc_text, load_nlp, parse, parse_many
from dateline.quotes import find_quotes
from dateline.records import Extraction, Report, offset_records, toponyms
from dateline.times import find_times

BATCH_SIZE = 16
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def extract(report: Report) -> Extraction:
    """Every event, quote, entity, place and time expression in one report."""
    return extract_doc(report, parse(load_nlp(), report.text))


def extract_many(reports: Iterable[Report], n_process: int = 1) -> Iterator[Extraction]:
    """Extractions for a stream of reports, in input order; the first report that fails raises its error."""
    for _report, result in extract_each(reports, n_process):
        if isinstance(result, DatelineError):
            raise result
        yield result


def extract_each(reports: Iterable[Report], n_process: int = 1) -> Iterator[tuple[Report, Extraction | DatelineError]]:
    """(report, its Extraction or the one-line error that stopped it) for a stream of reports, in input order.

    A report that cannot be parsed or extracted fails alone: the rest of its batch is still extracted. With
    n_process > 1 each worker process parses *and* runs every stage on its own batches, so the stages after
    parsing scale with the cores instead of queueing behind one process.
    """
    if n_process <= 1:
        for report, doc in _parsed(load_nlp(), reports):
            yield report, doc if isinstance(doc, DatelineError) else _extract_or_error(report, doc)
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


def _parsed(nlp: Language, reports: Iterable[Report]) -> Iterator[tuple[Report, Doc | DatelineError]]:
    """Each report with its Doc (or the error parsing it), in order: short reports parsed in batches, a long one
    in pieces (nlp.parse)."""
    for batch in _batches(reports, BATCH_SIZE):
        short = [r for r in batch if len(r.text) <= PIECE_CHARS]
        docs = iter(_parse_batch(nlp, [r.text for r in short]))
        for report in batch:
            yield report, next(docs) if len(report.text) <= PIECE_CHARS else _parse_or_error(nlp, report.text)


def _parse_batch(nlp: Language, texts: list[str]) -> list[Doc | DatelineError]:
    """The texts parsed together; when that fails, one by one, so only the text at fault fails."""
    try:
        return parse_many(nlp, texts, BATCH_SIZE)
    except Exception:  # noqa: BLE001 - one bad text must not sink the batch; redo singly to find it
        return [_parse_or_error(nlp, text) for text in texts]


def _parse_or_error(nlp: Language, text: str) -> Doc | DatelineError:
    try:
        return parse(nlp, text)
    except Exception as err:  # noqa: BLE001 - reported for this report only
        return _failure("parsing failed", err)


def _extract_or_error(report: Report, doc: Doc) -> Extraction | DatelineError:
    try:
        return extract_doc(report, doc)
    except Exception as err:  # noqa: BLE001 - reported for this report only
        return _failure("extraction failed", err)


def _failure(what: str, err: Exception) -> DatelineError:
    """A one-line error for a report whose parse or extraction raised (the exception kept as its cause)."""
    detail = str(err).strip().splitlines()[0] if str(err).strip() else ""
    failure = DatelineError(f"{what} ({type(err).__name__}{': ' + detail if detail else ''})")
    failure.__cause__ = err
    return failure


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


def _extract_batch(batch: list[Report]) -> list[tuple[Report, Extraction | DatelineError]]:
    return list(extract_each(batch, n_process=1))


def extract_doc(report: Report, doc: Doc) -> Extraction:
    """The stages after parsing, on an already parsed Doc."""
    times = find_times(doc, report.published)
    places = find_places(doc, report.url or report.outlet)
    entities = find_entities(doc)
    quotes = find_quotes(doc, entities)
    events = find_events(doc, report, times, toponyms(places), entities, quotes)  # nationality words read apart
    extraction = Extraction(
        report=report,
        dateline_version=__version__,
        events=events,
        quotes=quotes,
        entities=entities,
        places=places,
        times=times,
    )
    return extraction if doc_text(doc) == report.text else _quoting_report(extraction)


def _quoting_report(extraction: Extraction) -> Extraction:
    """The extraction of a report parsed with its case restored or its lines unwrapped (``nlp.parse_text``), each
    span's text as the report has it: evidence quotes the report, not what the parser read."""
    data = extraction.model_dump(exclude={"report"})
    _requote(data, extraction.report.text)
    return Extraction.model_validate({**data, "report": extraction.report})


def _requote(data: dict, text: str) -> None:
    for node in offset_records(data):
        for field in ("text", "sentence"):  # a Span's text, an Evidence's sentence
            if isinstance(node.get(field), str):
                node[field] = text[node["start"] : node["end"]]
