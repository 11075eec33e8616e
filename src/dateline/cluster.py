"""Extraction on Dask workers for `dateline ingest --workers N` / `--scheduler tcp://HOST:PORT`.

Batches of reports go to the workers through Dask's distributed scheduler with a bounded number in flight, so
the client holds only a few batches however large the corpus; results come back as they finish and are written
by the one store writer in the client (``dateline.ingest``), which also computes the sentence vectors merging
needs. Each worker runs one task at a time with one BLAS thread (spaCy is single-threaded per core; more threads
only oversubscribe the cores), loads the spaCy pipeline once (``WarmUp``), and a batch whose worker dies is
retried on another (``RETRIES``). A batch that still cannot be run fails its reports, never the run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from distributed.diagnostics.plugin import WorkerPlugin

from dateline import DatelineError
from dateline.ingest import BatchResult, extract_batch
from dateline.records import Report

IN_FLIGHT_PER_WORKER = 2  # batches queued per worker: enough to keep it busy, few enough to keep memory flat
RETRIES = 2  # times a batch is re-run after its worker was lost
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class WarmUp(WorkerPlugin):
    """Worker plugin: load the spaCy pipeline and the gazetteer once per worker."""

    name = "dateline-warm-up"

    def setup(self, worker) -> None:  # noqa: ARG002 - the WorkerPlugin interface
        from dateline import pipeline

        pipeline._warm_worker()


class DaskExtractor:
    """Extraction on a Dask cluster: a LocalCluster of ``workers`` processes, or the one at ``scheduler``."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        from distributed import Client, LocalCluster, as_completed

        self._cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # a free port: never a clash with a running dashboard
                    silence_logs=logging.ERROR,
                    env=ONE_THREAD,
                )
                self.client = Client(self._cluster)
        except (OSError, TimeoutError, ValueError) as err:
            self.close()
            raise DatelineError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {err}") from err
        self.client.register_plugin(WarmUp(), name=WarmUp.name)
        n_workers = max(1, len(self.client.scheduler_info().get("workers", {})) or (workers or 1))
        self.limit = IN_FLIGHT_PER_WORKER * n_workers
        self._running = as_completed(with_results=False)
        self._batches: dict[str, list[Report]] = {}

    def submit(self, batch: list[Report]) -> None:
        future = self.client.submit(extract_batch, batch, retries=RETRIES, pure=False)
        self._batches[future.key] = batch
        self._running.add(future)

    def done(self, wait: bool) -> Iterator[tuple[list[Report], BatchResult]]:
        """Finished batches; without ``wait`` only as many as keep the in-flight count under the limit."""
        while self._batches and (wait or len(self._batches) >= self.limit):
            yield self._finish(next(self._running))
        while not wait and self._running.has_ready():
            yield self._finish(next(self._running))

    def _finish(self, future) -> tuple[list[Report], BatchResult]:
        batch = self._batches.pop(future.key)
        try:
            result = future.result()
        except Exception as err:  # noqa: BLE001 - a lost batch fails its reports, the run goes on
            message = f"batch lost on the cluster after {RETRIES} retries: {err}"
            result = BatchResult([DatelineError(message) for _ in batch])
        future.release()
        return batch, result

    def close(self) -> None:
        for part in (getattr(self, "client", None), self._cluster):
            if part is not None:
                part.close()


def extractor(workers: int | None, scheduler: str | None) -> DaskExtractor:
    """The DaskExtractor for the ingest command's --workers / --scheduler."""
    if workers is not None and workers < 1:
        raise DatelineError(f"--workers {workers}: give 1 or more worker processes")
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise DatelineError(f"--scheduler {scheduler}: give the scheduler's address, e.g. tcp://HOST:8786")
    return DaskExtractor(workers=workers, scheduler=scheduler)
