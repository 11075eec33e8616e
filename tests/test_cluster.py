"""Ingest at scale: Dask workers give the store one process gives, syndicated copies are extracted once and stored
as if extracted (near copies too), gzip JSON Lines in folder trees are read, and --out writes the Parquet datasets."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dateline.cli import main as cli_main
from dateline.filters import EventFilter
from dateline.read import iter_reports
from dateline.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"
WIRE_COPY = "Hundreds of nurses marched through Kisumu on Tuesday demanding unpaid wages, and police fired tear gas."


def _corpus(folder: Path) -> Path:
    """The example reports in a nested tree, plus a gzip JSON Lines file: a story, its copy, a bad row."""
    shutil.copytree(EXAMPLES, folder / "outlets" / "examples")
    rows = [
        {"id": "wire-1", "published": "2024-05-07", "outlet": "Lake Courier", "text": WIRE_COPY},
        {"id": "wire-2", "published": "2024-05-07", "outlet": "Valley Times", "text": WIRE_COPY},
        {"id": "broken", "published": "2024-05-07"},
    ]
    with gzip.open(folder / "outlets" / "wire.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    return folder


def _dump(db: str) -> list[dict]:
    """The merged events, canonically: every field, in id order."""
    with Store(db, create=False) as store:
        events = [e.model_dump(mode="json") for e in store.iter_events(EventFilter(), limit=0)]
    return sorted(events, key=lambda e: e["id"])


def test_two_dask_workers_store_what_one_process_stores(tmp_path, capsys):
    corpus = _corpus(tmp_path / "corpus")
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    assert cli_main(["ingest", "--db", one, str(corpus)]) == 1  # the bad row fails alone
    summary_one = capsys.readouterr().err.splitlines()[-1]
    assert cli_main(["ingest", "--db", two, "--workers", "2", str(corpus)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert sum("error:" in line for line in err) == 1 and "wire.jsonl.gz:3" in err[0]
    assert err[-1] == summary_one and "5 added" in summary_one and "1 failed" in summary_one
    dump = _dump(one)
    assert dump and dump == _dump(two)
    wire = [{s["report_id"] for s in e["sources"]} for e in dump if e["sources"][0]["report_id"].startswith("wire")]
    assert wire and all(ids == {"wire-1", "wire-2"} for ids in wire)  # each copied event merged with its original


def _busy_worker(client, timeout: float = 120.0) -> str:
    """The address of a worker that holds a task, once the scheduler has given it one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [worker for worker, tasks in client.processing().items() if tasks]
        if busy:
            return busy[0]
        time.sleep(0.02)
    raise AssertionError("no worker took the batch")


def test_a_batch_whose_worker_is_killed_is_run_again_elsewhere():
    """SIGKILL the worker holding a batch: the scheduler runs the batch on the other worker, nothing is lost."""
    from dateline import pipeline
    from dateline.cluster import DaskExtractor

    reports = list(iter_reports([str(EXAMPLES)]))
    expected = [x.model_dump() for x in pipeline.extract_many(reports)]
    extractor = DaskExtractor(workers=2)
    try:
        pids = extractor.client.run(os.getpid)  # worker address -> its process
        extractor.submit(reports)
        killed = pids[_busy_worker(extractor.client)]
        os.kill(killed, signal.SIGKILL)
        [(batch, result)] = list(extractor.done(wait=True))
        assert killed not in extractor.client.run(os.getpid).values()  # the batch came back from another process
    finally:
        extractor.close()
    assert batch == reports
    assert not [x for x in result.results if isinstance(x, Exception)]
    assert [x.model_dump() for x in result.results] == expected


def test_a_syndicated_copy_is_stored_as_if_extracted(tmp_path):
    """The copy re-stamped with its own report equals the copy's own extraction, and stores the same."""
    from dateline import pipeline
    from dateline.ingest import ingest, restamp
    from dateline.records import Report

    first = Report(id="a", text=WIRE_COPY, published="2024-05-07", outlet="Lake Courier")
    copy = first.model_copy(update={"id": "b", "outlet": "Valley Times", "url": "https://example.org/b"})
    own = pipeline.extract(copy)
    assert restamp(pipeline.extract(first), copy).model_dump() == own.model_dump()
    with Store(str(tmp_path / "dedup.db"), embed=False) as store:
        outcomes = list(ingest(store, [first, copy]))
        assert [o.status for o in outcomes] == ["added", "added"]
        deduped = store.get_report("b")
    with Store(str(tmp_path / "each.db"), embed=False) as store:
        store.add_extraction(pipeline.extract(first))
        store.add_extraction(own)
        extracted = store.get_report("b")
    assert deduped.pop("ingested_at") and extracted.pop("ingested_at")
    assert deduped == extracted
    assert _dump(str(tmp_path / "dedup.db")) == _dump(str(tmp_path / "each.db"))


def test_dask_workers_reuse_near_copies_as_one_process_does(tmp_path):
    """The writer decides: near copies take the original's extraction on Dask as in one process, and the copy
    whose event sentence changed is extracted (on a worker, after its original came back)."""
    from test_neardup import NEAR_COPIES, STORY

    from dateline import neardup, pipeline

    texts = {"first": STORY, "byline": NEAR_COPIES["byline"], "caption": NEAR_COPIES["caption"]}
    texts["changed"] = STORY.replace("killing two officers", "wounding four officers")
    rows = [{"id": rid, "published": "2024-05-07", "outlet": f"Outlet {rid}", "text": t} for rid, t in texts.items()]
    corpus = tmp_path / "near.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    stored = []
    for name, options in (("one", []), ("dask", ["--workers", "1"])):
        db = str(tmp_path / f"{name}.db")
        assert cli_main(["ingest", "-q", "--no-embed", "--db", db, *options, str(corpus)]) == 0
        with Store(db, create=False) as store:
            stored.append({x.report.id: x for x in store.extractions()})
    one, dask = stored
    assert {k: x.model_dump() for k, x in one.items()} == {k: x.model_dump() for k, x in dask.items()}
    for rid in ("byline", "caption"):
        assert dask[rid].model_dump() == neardup.reanchor(dask["first"], dask[rid].report).model_dump()
    assert dask["changed"].model_dump() == pipeline.extract(dask["changed"].report).model_dump()


def test_gzip_jsonl_tree_and_parquet_out(tmp_path, capsys):
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "junk.jsonl.gz").write_bytes(b"not gzip at all")
    db, out = str(tmp_path / "pq.db"), tmp_path / "events.parquet"
    assert cli_main(["ingest", "-q", "--db", db, "--out", str(out), "--no-embed", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "junk.jsonl.gz: cannot read as gzip" in err and "wire.jsonl.gz:3: each JSON Lines row needs" in err
    reports = pq.read_table(out / "reports").to_pylist()
    merged = pq.read_table(out / "merged").to_pylist()
    with Store(db, create=False) as store:
        stats = store.stats()
    ids = {r["report_id"] for r in reports}
    assert {"wire-1", "wire-2"} <= ids and len(ids) == 2 + len(list(EXAMPLES.glob("*.txt")))
    assert len(merged) == stats["events"] and len(reports) >= len(merged)
    by_key = {r["event_key"]: json.loads(r["event_json"]) for r in reports}
    assert all(by_key[r["event_key"]]["type"] == r["type"] for r in reports)
    assert {json.loads(m["event_json"])["id"] for m in merged} == {e["id"] for e in _dump(db)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers 0: give 1 or more"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "give one of them"),
        (["--scheduler", "127.0.0.1:8786"], "give the scheduler's address"),
    ],
)
def test_bad_cluster_options_are_one_line_errors(tmp_path, capsys, args, message):
    assert cli_main(["ingest", "-q", "--db", str(tmp_path / "x.db"), *args, str(EXAMPLES)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
