"""Several processes writing one store at once, on a SQLite file and on a throwaway PostgreSQL server.

The writers are real processes running the real Store against a real database; their extractions are built by
hand from invented reports (tests/test_store.py's helpers), so the merged events do not depend on NLP accuracy.
Whatever the interleaving, the store must end exactly as one process writing the same reports one after another
leaves it (compared row by row, less timestamps and autoincrement ids), and no writer may fail.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from pg import pg_database, pg_server  # noqa: F401 - fixtures
from test_store import MOSUL, make_event, make_report

import dateline
from dateline.records import Extraction, Location
from dateline.store import Base, Store

SRC = str(Path(dateline.__file__).resolve().parents[1])  # writers run the dateline this test imported
# Columns that differ between two stores holding the same data: when a row was written, a row counter.
VOLATILE = {"ingested_at", "updated_at"}
VOLATILE_BY_TABLE = {"quotes": {"id"}}

# A writer process: open the store (creating it if new), say so (GO.PID.ready), wait for GO, store every extraction of
# its corpus in order; prints one status per report as JSON, a traceback and exit status 1 on any failure.
# FAULT "link:N" SIGKILLs the process inside its Nth merge (report rows written, not committed, write lock held);
# "migrate" SIGKILLs it when the schema upgrade has run but not committed.
WRITER = textwrap.dedent("""
    import json, os, signal, sys, time
    from alembic import command
    from dateline.records import Extraction
    from dateline.store import Store
    url, corpus, go, fault = sys.argv[1:5]
    def die_after(original, calls=[0], at=None):
        def dying(*args, **kwargs):
            original(*args, **kwargs)
            calls[0] += 1
            if at is None or calls[0] == at:
                os.kill(os.getpid(), signal.SIGKILL)
        return dying
    if fault.startswith("link:"):
        Store._link = die_after(Store._link, at=int(fault[5:]))
    if fault == "migrate":
        command.upgrade = die_after(command.upgrade)
    store = Store(url)
    if go != "-":
        open(f"{go}.{os.getpid()}.ready", "w").close()
    while go != "-" and not os.path.exists(go):
        time.sleep(0.002)
    statuses = [store.add_extraction(Extraction.model_validate_json(line)) for line in open(corpus)]
    store.close()
    print(json.dumps(statuses))
""")

SITES = [
    MOSUL,
    Location(name="Kirkuk", country="IQ", admin1="Kirkuk", lat=35.47, lon=44.39, precision="city", text="Kirkuk"),
    Location(name="Erbil", country="IQ", admin1="Erbil", lat=36.19, lon=44.01, precision="city", text="Erbil"),
]
OUTLETS = ["Northern Ledger", "Tigris Wire", "Daily Compass", "River Post"]


def incident_reports(incidents: int) -> list[Extraction]:
    """Invented attacks, each told by every outlet of OUTLETS, some outlets a day late (chains of one-day slop).

    Incidents are a week apart or in another city, so they never merge with each other; an outlet's report of
    incident i also tells a second, unrelated protest, so one report feeds two merged events.
    """
    reports = []
    for i in range(incidents):
        day = dt.date(2024, 1, 2) + dt.timedelta(days=7 * (i // len(SITES)))
        site = SITES[i % len(SITES)]
        for j, outlet in enumerate(OUTLETS):
            told = (day + dt.timedelta(days=j // 2)).isoformat()  # two outlets a day late: linked only via others
            text = (
                f"A drone strike hit a depot in {site.name} on {told}, killing {i + j + 1} guards, according to "
                f"{outlet}. Later, dock workers marched in {site.name} demanding wages number {i}."
            )
            strike = text.split(". ")[0] + "."

            def attack(t: str, s=strike, k=i + j + 1, d=told, loc=site) -> object:
                return make_event(t, s, killed=k, day=d, location=loc)

            def protest(t: str, d=told, loc=site) -> object:
                s = t.split(". ")[1]
                return make_event(
                    t,
                    s,
                    eid="e2",
                    type_="PROTEST",
                    mode=None,
                    day=d,
                    location=loc,
                    initiator="dock workers",
                    target=None,
                    trigger="marched",
                )

            rid = f"{outlet.split()[-1].lower()}-{i}"
            reports.append(make_report(rid, outlet, text, [attack, protest], published=told, quote=strike))
    return reports


def write_corpus(path: Path, reports: list[Extraction]) -> Path:
    path.write_text("".join(x.model_dump_json() + "\n" for x in reports))
    return path


def shares(reports: list[Extraction], writers: int, overlap: int) -> list[list[Extraction]]:
    """Deal the reports round-robin to the writers, so every incident is written by several at once; the first
    ``overlap`` reports go to every writer (the same report stored by two processes at the same moment)."""
    dealt = [reports[overlap + w :: writers] for w in range(writers)]
    return [reports[:overlap] + d for d in dealt]


def start_writer(url: str, corpus: Path, go: Path | None = None, fault: str = "-") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""), "DATELINE_EMBED": "0"}
    argv = [sys.executable, "-c", WRITER, url, str(corpus), str(go) if go else "-", fault]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs: list[subprocess.Popen], timeout: float = 120) -> list[list[str]]:
    """Each writer's statuses; fails with the writer's stderr when one did not exit cleanly."""
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, f"a writer failed:\n{err}"
        results.append(json.loads(out))
    return results


def wait_ready(procs: list[subprocess.Popen], go: Path, timeout: float = 60) -> None:
    """Wait until every gated writer has opened the store."""
    deadline = time.monotonic() + timeout
    for proc in procs:
        while not Path(f"{go}.{proc.pid}.ready").exists():
            assert proc.poll() is None, f"a writer died opening the store:\n{proc.communicate()[1]}"
            assert time.monotonic() < deadline, "a writer did not open the store in time"
            time.sleep(0.01)


def run_concurrently(url: str, corpora: list[Path], tmp_path: Path, gated: bool = True) -> list[list[str]]:
    """Start one writer per corpus; with ``gated`` they open the store first and then start writing together."""
    go = tmp_path / f"go-{os.urandom(4).hex()}" if gated else None
    procs = [start_writer(url, c, go) for c in corpora]
    if go is not None:
        wait_ready(procs, go)
        go.touch()
    return finish(procs)


def canonical(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, JSON as sorted-key text, less the columns that name a moment or a
    counter: two stores with equal canonical forms hold the same reports, mentions, events, sources, quotes."""
    from sqlalchemy import select

    out = {}
    with store.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            skip = VOLATILE | VOLATILE_BY_TABLE.get(name, set())
            cols = [c for c in table.columns if c.name not in skip]
            rows = conn.execute(select(*cols)).all()
            out[name] = sorted(tuple(_plain(v) for v in row) for row in rows)
    return out


def _plain(value: object) -> object:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def sequential(url: str, reports: list[Extraction]) -> dict[str, list[tuple]]:
    with Store(url, embed=False) as s:
        for x in reports:
            s.add_extraction(x)
        return canonical(s)


@functools.lru_cache(maxsize=4)
def reference(incidents: int) -> dict[str, list[tuple]]:
    """What one process writing incident_reports(incidents) in order leaves, the same on either database: a
    SQLite file, written once per test session."""
    folder = Path(tempfile.mkdtemp(prefix="dateline-reference-"))
    try:
        return sequential(str(folder / "reference.db"), incident_reports(incidents))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """URL of a new, empty store: a SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_database")


def test_the_synthetic_incidents_merge_as_designed(tmp_path):
    """The corpus the concurrency tests use: one attack and one protest event per incident, all outlets in each."""
    reports = incident_reports(6)
    with Store(str(tmp_path / "s.db"), embed=False) as s:
        for x in reports:
            assert s.add_extraction(x) == "added"
        events, _ = s.query_events(limit=1000)
    assert len(events) == 2 * 6
    assert {e.sources_count for e in events} == {len(OUTLETS)}


def test_concurrent_writers_leave_the_store_a_sequential_run_leaves(store_url, tmp_path):
    """Three processes open a new store at the same moment (racing in the migrations), then write interleaved
    shares of one corpus, some reports by all three at once: no writer fails, every report is stored once, the
    merged events are those of one process writing everything in order."""
    url, reports = store_url, incident_reports(6)
    corpora = [write_corpus(tmp_path / f"part{w}.jsonl", part) for w, part in enumerate(shares(reports, 3, overlap=4))]
    statuses = run_concurrently(url, corpora, tmp_path, gated=False)
    for w in range(3):
        assert set(statuses[w]) <= {"added", "unchanged"}
    overlapped = [[statuses[w][i] for w in range(3)] for i in range(4)]
    assert all(sorted(s) == ["added", "unchanged", "unchanged"] for s in overlapped)  # stored once, by one of them
    with Store(url, embed=False) as s:
        got = canonical(s)
    assert got == reference(6)
    assert len(got["reports"]) == len(reports)


@pytest.mark.stress
def test_stress_writers_on_an_open_store(store_url, tmp_path):
    """Three writers start together on an existing store, each with a third of every incident and a shared tenth."""
    url, reports = store_url, incident_reports(45)
    Store(url, embed=False).close()
    parts = shares(reports, 3, overlap=len(reports) // 10)
    corpora = [write_corpus(tmp_path / f"part{w}.jsonl", part) for w, part in enumerate(parts)]
    statuses = run_concurrently(url, corpora, tmp_path)
    assert sum(s.count("added") for s in statuses) == len(reports)
    with Store(url, embed=False) as s:
        assert canonical(s) == reference(45)


@pytest.mark.stress
def test_stress_concurrent_dateline_ingest_runs(store_url, tmp_path):
    """Three real `dateline ingest` processes (real pipeline, embeddings as configured) at once on a new store,
    one outlet's files each, so every merged depot strike is written by two processes: the store equals one
    `dateline ingest` of all the files."""
    from test_store import write_e2e_corpus

    corpus = tmp_path / "corpus"
    write_e2e_corpus(corpus, weeks=6)
    files = sorted(corpus.rglob("*.txt")) + sorted(corpus.rglob("*.html"))
    groups = [[f for f in files if f.name.startswith(prefix)] for prefix in ("ledger", "wire", "compass")]
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    ingest = [sys.executable, "-m", "dateline", "ingest", "-q", "--db"]
    procs = [
        subprocess.Popen([*ingest, store_url, *map(str, g)], env=env, stderr=subprocess.PIPE, text=True) for g in groups
    ]
    for proc in procs:
        assert proc.wait(timeout=600) == 0, proc.stderr.read()
    clean = str(tmp_path / "clean.db")
    subprocess.run([*ingest, clean, *map(str, files)], env=env, check=True, timeout=600)
    with Store(store_url, embed=False) as got, Store(clean, embed=False) as want:
        assert canonical(got) == canonical(want)
        assert got.stats()["multi_source_events"] == 6
