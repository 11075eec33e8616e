"""Fault injection on the store: writer processes SIGKILLed at random moments, inside a merge while holding the
write lock, and in the middle of creating the schema, on a SQLite file and on a throwaway PostgreSQL server.

After each fault the same reports are written again, and the store must equal, row by row, the store of one clean
sequential run: nothing lost, nothing stored twice, no event split. The random kill moments come from a seed that
a failure message names; DATELINE_FAULT_SEED=N replays one. Heavier variants are marked ``stress`` (`make stress`).
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
import test_concurrency
from pg import pg_database, pg_server  # noqa: F401 - fixtures
from test_concurrency import (
    OUTLETS,
    canonical,
    finish,
    incident_reports,
    reference,
    shares,
    start_writer,
    wait_ready,
    write_corpus,
)

from dateline.records import Extraction
from dateline.store import Store

store_url = test_concurrency.store_url  # the fixture: a new SQLite file or PostgreSQL database


def seeded() -> tuple[int, random.Random]:
    seed = int(os.environ.get("DATELINE_FAULT_SEED") or random.SystemRandom().randrange(2**32))
    return seed, random.Random(seed)


def write_seconds(reports: list[Extraction], tmp_path: Path) -> float:
    """How long one process takes to write the reports into an open store: the window random kills fall in."""
    with Store(str(tmp_path / "timing.db"), embed=False) as s:
        start = time.monotonic()
        for x in reports:
            s.add_extraction(x)
        return time.monotonic() - start


def kill_at_random(url: str, corpus: Path, rng: random.Random, window: float, tmp_path: Path) -> float:
    """Start a writer on ``corpus``, let it open the store, SIGKILL it a random moment into its writes; the delay."""
    go = tmp_path / f"go-{rng.randrange(10**9)}"
    proc = start_writer(url, corpus, go)
    wait_ready([proc], go)
    delay = rng.uniform(0.0, window)
    go.touch()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return delay if proc.returncode == -signal.SIGKILL else -1.0


def stored(url: str) -> int:
    with Store(url, embed=False) as s:
        return s.stats()["reports"]


def rerun(url: str, reports: list[Extraction]) -> dict:
    with Store(url, embed=False) as s:
        for x in reports:
            assert s.add_extraction(x) in ("added", "unchanged")
        return canonical(s)


def random_kills(url: str, tmp_path: Path, incidents: int, kills: int) -> None:
    """Kill a writer ``kills`` times at random moments of its writes, then write everything again."""
    seed, rng = seeded()
    reports = incident_reports(incidents)
    window = 0.5 * write_seconds(reports, tmp_path) / kills  # each kill lands before the writes could be done
    corpus = write_corpus(tmp_path / "corpus.jsonl", reports)
    trail = []
    for _ in range(kills):
        delay = kill_at_random(url, corpus, rng, window, tmp_path)
        trail.append((round(delay, 3), stored(url)))
    note = f"seed {seed}: (kill delay s, reports stored) {trail}"
    assert all(delay >= 0 for delay, _ in trail), f"a writer finished before it was killed; {note}"
    assert trail[-1][1] < len(reports), note
    assert rerun(url, reports) == reference(incidents), note


def test_killed_at_random_moments_then_rerun_equals_a_clean_run(store_url, tmp_path):
    random_kills(store_url, tmp_path, incidents=6, kills=2)


@pytest.mark.stress
def test_stress_killed_at_many_random_moments(store_url, tmp_path):
    random_kills(store_url, tmp_path, incidents=30, kills=12)


def test_a_writer_killed_holding_the_write_lock_does_not_stop_the_other(store_url, tmp_path):
    """Two writers at once; one is SIGKILLed inside its third merge, mid-transaction with the write lock held.
    The other must go on and finish (the lock dies with the process); writing the dead one's share again then
    gives the clean run's store."""
    url, reports = store_url, incident_reports(6)
    Store(url, embed=False).close()
    doomed, survivor = (write_corpus(tmp_path / f"half{w}.jsonl", p) for w, p in enumerate(shares(reports, 2, 0)))
    go = tmp_path / "go"
    procs = [start_writer(url, doomed, go, fault="link:3"), start_writer(url, survivor, go)]
    wait_ready(procs, go)
    go.touch()
    procs[0].communicate(timeout=60)
    assert procs[0].returncode == -signal.SIGKILL
    assert finish(procs[1:]) == [["added"] * len(shares(reports, 2, 0)[1])]
    assert stored(url) == len(shares(reports, 2, 0)[1]) + 2  # the killed writer's third report rolled back
    assert rerun(url, reports) == reference(len(reports) // len(OUTLETS))


def test_killed_while_creating_the_schema_then_opened_again(store_url, tmp_path):
    """SIGKILL after the migrations ran, before they committed: the next open creates the schema from scratch."""
    url, reports = store_url, incident_reports(2)
    proc = start_writer(url, write_corpus(tmp_path / "c.jsonl", reports), fault="migrate")
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert rerun(url, reports) == reference(len(reports) // len(OUTLETS))
