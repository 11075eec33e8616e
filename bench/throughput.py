"""Throughput of ingest against spaCy's bare parse, on the same texts, for 1 and 2 processes.

    PYTHONPATH=src .venv/bin/python bench/throughput.py                 # 32 synthetic reports of ~1,000 words
    PYTHONPATH=src .venv/bin/python bench/throughput.py --reports 40 --copies 60
    PYTHONPATH=src .venv/bin/python bench/throughput.py --folder corpus/   # your own reports (.txt, .jsonl, ...)

Each measure runs in its own process tree: spaCy's bare ``nlp.pipe`` of the model as shipped (``spacy.load``,
none of dateline's changes to the pipeline; ``n_process`` 1 and 2), ``dateline extract``
(``--processes`` 1 and 2) and ``dateline ingest`` end to end into a fresh SQLite store (one process, then
``--workers`` 1 and 2). It prints articles/s and words/s (wall clock), CPU seconds per article (all processes of
the tree, so a loaded machine does not hide the work) and the tree's peak RSS, with ratios to the bare parse
with the same number of processes. Then the syndication case: one text from ``--copies`` outlets, and its near
copies (each outlet adds a byline and a credit line), against the distinct reports (the one-process ingest
above), ingested per report. Batches are 16 reports (as ingest
and extract use), so 2 processes need at least 32 reports to both have work.

The synthetic reports are built from the templates and word lists below (written for this benchmark): each is a
different mix of paragraphs, places, actors, figures and days, so no two reports are copies of one text.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PLACES = ["Mosul", "Basra", "Kirkuk", "Nairobi", "Mombasa", "Kisumu", "Goma", "Bukavu", "Aleppo", "Homs", "Sanaa"]
PLACES += ["Aden", "Kharkiv", "Odesa", "Gao", "Mopti", "Maiduguri", "Kano", "Mogadishu", "Kismayo", "Tripoli"]
ARMED = ["gunmen", "armed men", "the Red Valley Brigade", "the Northern Front", "government forces", "rebels"]
ARMED += ["militia fighters", "the Coastal Guard", "an armed group", "soldiers", "the Eastern Legion"]
CROWDS = ["teachers", "dock workers", "students", "taxi drivers", "nurses", "farmers", "traders", "miners"]
TARGETS = ["a police post", "a market", "a bus station", "an army checkpoint", "a fuel depot", "a village"]
TARGETS += ["a water plant", "a school", "a convoy", "a hospital annex", "a grain store", "a bridge"]
OFFICIALS = ["the governor", "a police spokesman", "the health ministry", "a local council member", "witnesses"]
OFFICIALS += ["the interior minister", "a hospital director", "the regional commander", "residents"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"]
DAYS += ["overnight", "early on Monday", "late on Friday", "on Sunday evening"]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "nine", "eleven", "twelve", "at least 15", "about 20"]
DEMANDS = ["unpaid wages", "lower fuel prices", "the release of detained colleagues", "clean water", "new elections"]
TOPICS = ["the harvest", "the currency", "road repairs", "the school year", "power cuts", "rainfall", "trade"]
EVENT_PARAGRAPHS = [
    "{armed} attacked {target} in {place} {day}, killing {n} people and wounding {n2}, {official} said.",
    "{official} said {n} civilians died when shells hit {target} near {place} {day}.",
    "Hundreds of {crowd} marched through {place} {day} demanding {demand}, and police fired tear gas.",
    "Police arrested {n} men in {place} {day} after {armed} set fire to {target}.",
    "A drone strike hit {target} outside {place} {day}; {official} put the death toll at {n}.",
    "{crowd_cap} went on strike in {place} {day} over {demand}, closing {target}.",
    "{armed} ambushed {target} on the road to {place} {day}, and {n} soldiers were reported missing.",
    "A car bomb exploded near {target} in {place} {day}, injuring {n2} people, according to {official}.",
    "Clashes between {armed} and {armed2} in {place} {day} left {n} fighters dead, {official} said.",
    "{official} accused {armed} of looting {target} in {place} {day}, which the group denied.",
]
FILLER_PARAGRAPHS = [
    "Prices of bread and cooking oil in {place} have risen for a third month, traders said, blaming {topic}.",
    "The city council in {place} met {day} to discuss {topic}, but no decision was announced.",
    "Aid groups said roads into {place} remained open and that deliveries of food would continue next week.",
    "{official_cap} told reporters that schools in {place} would reopen once the repairs were finished.",
    "Residents of {place} described long queues at petrol stations and said {topic} worried them most.",
    "Analysts said the talks on {topic} were unlikely to conclude before the end of the year.",
    "Local radio in {place} reported heavy rain, and several roads were closed to traffic {day}.",
    "The market in {place} was busy again, with {crowd} selling goods at stalls along the main street.",
]
WORDS_PER_REPORT = 1000


def synthetic_report(i: int) -> dict:
    """One ~1,000-word report, its own mix of event and background paragraphs (seeded by ``i``)."""
    rng = random.Random(i)
    home = rng.choice(PLACES)
    parts: list[str] = []
    words = 0
    while words < WORDS_PER_REPORT:
        template = rng.choice(EVENT_PARAGRAPHS if rng.random() < 0.35 else FILLER_PARAGRAPHS)
        crowd, official = rng.choice(CROWDS), rng.choice(OFFICIALS)
        sentence = template.format(
            armed=rng.choice(ARMED),
            armed2=rng.choice(ARMED),
            target=rng.choice(TARGETS),
            place=home if rng.random() < 0.6 else rng.choice(PLACES),
            day=rng.choice(DAYS),
            n=rng.choice(NUMBERS),
            n2=rng.choice(NUMBERS),
            official=official,
            official_cap=official[0].upper() + official[1:],
            crowd=crowd,
            crowd_cap=crowd[0].upper() + crowd[1:],
            demand=rng.choice(DEMANDS),
            topic=rng.choice(TOPICS),
        )
        sentence = sentence[0].upper() + sentence[1:]
        if parts and rng.random() < 0.5:
            parts[-1] += " " + sentence
        else:
            parts.append(sentence)
        words += len(sentence.split())
    published = f"2024-{1 + i % 12:02}-{1 + i % 27:02}"
    return {"id": f"syn-{i:05}", "published": published, "outlet": f"Outlet {i % 9}", "text": "\n\n".join(parts)}


def copies(text_row: dict, n: int) -> list[dict]:
    """The same story from ``n`` outlets: one text, each row with its own id, outlet and URL."""
    return [
        {**text_row, "id": f"copy-{k:03}", "outlet": f"Wire client {k}", "url": f"https://example.org/{k}"}
        for k in range(n)
    ]


def near_copies(text_row: dict, n: int) -> list[dict]:
    """The same story as ``n`` outlets print it: each adds its byline on top and its credit line at the end."""
    return [
        {**row, "text": f"By a {row['outlet']} correspondent\n\n{row['text']}\n\n(Reporting by {row['outlet']} staff)"}
        for row in copies(text_row, n)
    ]


def write_jsonl(rows: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def read_folder(folder: str) -> list[dict]:
    from dateline.read import iter_reports
    from dateline.records import iso

    rows = iter_reports([folder])
    return [{"id": r.id, "published": iso(r.published), "outlet": r.outlet, "text": r.text} for r in rows]


def measure(cmd: list[str]) -> dict:
    """Wall seconds, CPU seconds of the whole process tree and its peak RSS (sampled every 50 ms)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    peak = [0]

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"throughput: {' '.join(cmd[:4])} ... failed:\n{err.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss_mb": peak[0] / 2**20}


BARE = """
import json, sys
import spacy
from dateline.nlp import MODEL
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
n = int(sys.argv[2])
for _ in spacy.load(MODEL).pipe(texts, batch_size=16, n_process=n):
    pass
"""


def runs(corpus: Path, tmp: Path) -> dict[str, list[str]]:
    py, cli = sys.executable, [sys.executable, "-m", "dateline"]
    out: dict[str, list[str]] = {}
    for n in (1, 2):
        out[f"bare parse, {n} proc"] = [py, "-c", BARE, str(corpus), str(n)]
        out[f"extract, {n} proc"] = [*cli, "extract", str(corpus), "--processes", str(n)]
    out["ingest, 1 proc (no Dask)"] = [*cli, "ingest", "-q", str(corpus), "--db", str(tmp / "one.db")]
    for n in (1, 2):
        out[f"ingest, {n} proc (--workers {n})"] = [
            *cli, "ingest", "-q", str(corpus), "--db", str(tmp / f"w{n}.db"), "--workers", str(n)
        ]  # fmt: skip
    return out


def table(results: dict[str, dict], articles: int, words: int) -> None:
    print(
        f"{'run':34} {'art/s':>7} {'words/s':>8} {'CPU s/art':>9} {'peak RSS':>9}"
        f" {'x bare (wall)':>13} {'x bare (CPU)':>12}"
    )
    for name, r in results.items():
        procs = "2 proc" if "2 proc" in name else "1 proc"
        bare = results[f"bare parse, {procs}"]
        print(
            f"{name:34} {articles / r['wall']:7.2f} {words / r['wall']:8.0f} {r['cpu'] / articles:9.3f}"
            f" {r['rss_mb']:7.0f}MB {r['wall'] / bare['wall']:13.2f} {r['cpu'] / bare['cpu']:12.2f}"
        )


def syndication(base: dict, n: int, tmp: Path, distinct: dict, articles: int) -> None:
    """Per-report ingest cost of one text from n outlets, and of its n near copies, against the distinct reports'
    (one process each)."""
    runs = {}
    for name, rows in ((f"{n} copies", copies(base, n)), (f"{n} near copies", near_copies(base, n))):
        path = write_jsonl(rows, tmp / f"{name.replace(' ', '-')}.jsonl")
        db = tmp / f"{name.replace(' ', '-')}.db"
        runs[name] = measure([sys.executable, "-m", "dateline", "ingest", "-q", str(path), "--db", str(db)])
    print(f"\nsyndication: one text from {n} outlets vs the {articles} distinct reports, ingest in one process")
    for name, r, k in (*((name, r, n) for name, r in runs.items()), (f"{articles} distinct", distinct, articles)):
        print(
            f"  {name:16} wall {r['wall'] / k:6.3f} s/report   CPU {r['cpu'] / k:6.3f} s/report   {r['rss_mb']:.0f}MB"
        )
    for name, r in runs.items():
        ratio_wall = (r["wall"] / n) / (distinct["wall"] / articles)
        ratio_cpu = (r["cpu"] / n) / (distinct["cpu"] / articles)
        print(f"  {name} / distinct per report: wall {ratio_wall:.2f}x, CPU {ratio_cpu:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=32, help="synthetic reports (default: %(default)s)")
    parser.add_argument("--folder", help="measure these reports instead of synthetic ones")
    parser.add_argument("--copies", type=int, default=60, help="outlets of the syndication case (0 skips it)")
    args = parser.parse_args()
    rows = read_folder(args.folder) if args.folder else [synthetic_report(i) for i in range(args.reports)]
    if not rows:
        sys.exit("throughput: no reports to measure")
    words = sum(len(r["text"].split()) for r in rows)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = write_jsonl(rows, tmp / "corpus.jsonl")
        print(f"{len(rows)} reports, {words} words ({words // len(rows)} a report); {os.cpu_count()} cores")
        results = {name: measure(cmd) for name, cmd in runs(corpus, tmp).items()}
        table(results, len(rows), words)
        if args.copies:
            syndication(rows[0], args.copies, tmp, results["ingest, 1 proc (no Dask)"], len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
