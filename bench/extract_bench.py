"""Extraction speed: articles/s of the full pipeline against the bare spaCy parse of the same texts.

Long reports (about 1,200 words) are built from the development set's own reports. Prints figures;
asserts nothing. Usage: python bench/extract_bench.py [--reports 60] [--processes 1 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dateline.gazetteer import connect
from dateline.nlp import load_nlp
from dateline.pipeline import extract_doc, extract_many
from dateline.records import Report

DEVSET = Path(__file__).resolve().parent.parent / "devset"


def long_reports(n: int, words: int = 1200) -> list[Report]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEVSET.rglob("*.txt"))]
    reports, i = [], 0
    while len(reports) < n:
        parts: list[str] = []
        while sum(len(t.split()) for t in parts) < words:
            parts.append(texts[i % len(texts)])
            i += 1
        reports.append(Report(id=f"bench-{len(reports)}", text="\n\n".join(parts), published="2024-06-01"))
    return reports


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=60)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    nlp = load_nlp()
    connect()  # gazetteer opened once, as in a long-running ingest
    reports = long_reports(args.reports)
    words = sum(len(r.text.split()) for r in reports) / len(reports)
    extract_doc(reports[0], nlp(reports[0].text))  # warm caches
    print(f"{len(reports)} reports, {words:.0f} words each on average")
    for procs in args.processes:
        bare = timed(lambda p=procs: list(nlp.pipe((r.text for r in reports), batch_size=16, n_process=p)))
        full = timed(lambda p=procs: list(extract_many(reports, n_process=p)))
        print(
            f"processes={procs}: bare parse {len(reports) / bare:6.1f} articles/s | "
            f"dateline {len(reports) / full:6.1f} articles/s | ratio {full / bare:.2f}x"
        )


if __name__ == "__main__":
    main()
