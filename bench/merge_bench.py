"""Benchmark: cross-outlet merge time on synthetic mentions, and query latency on a store of 100k events.

    python bench/merge_bench.py                   # 10k, 100k, 1M mentions + 100k-event query bench
    python bench/merge_bench.py --sizes 10000 --events 20000
    python bench/merge_bench.py --sizes 1000000 --countries 40 --events 0   # the denser fixed world
    python bench/merge_bench.py --sizes --events 0 --embed 2000    # sentence embeddings only

Prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import sys
import tempfile
import time

from dateline.merge import _gc_paused, cluster, merge_event, prepare

TYPES = ["ASSAULT", "PROTEST", "COERCE", "ACCUSE", "MOBILIZE"]
MODES = ["aerial", "firearms", "explosives", "shelling", None]
WORDS = [
    "strike",
    "raid",
    "blast",
    "convoy",
    "market",
    "checkpoint",
    "village",
    "hospital",
    "school",
    "border",
    "rally",
    "march",
    "crowd",
    "arrest",
    "rocket",
    "mortar",
    "ambush",
    "patrol",
    "bridge",
    "station",
    "camp",
    "clinic",
]
START = dt.date(2022, 1, 1).toordinal()
CODES = [
    "IQ",
    "SY",
    "UA",
    "SD",
    "ML",
    "MX",
    "NG",
    "SO",
    "YE",
    "AF",
    "PK",
    "CD",
    "ET",
    "MM",
    "BF",
    "CO",
    "IN",
    "PS",
    "LB",
    "LY",
    "NE",
    "CM",
    "HT",
    "MZ",
    "KE",
    "TD",
    "CF",
    "VE",
    "BR",
    "PH",
    "TR",
    "IR",
    "EG",
    "SS",
    "RU",
    "BD",
    "DZ",
    "TN",
    "GT",
    "HN",
]


def synthetic_events(n_mentions: int, seed: int = 7, countries: int | None = None, days: int = 1095) -> list[dict]:
    """Mentions of invented events: each real event is reported by 1-4 outlets with small disagreements.

    The world grows with the corpus as real coverage does: 40 countries up to 200k mentions, then one more per
    5,000 (200 at 1M, about the countries ACLED covers), so a country sees at most ~4 events a day over three
    years. A fixed 40-country world at 1M would put ~10 events of 5 types by 25 groups in each country every
    day, more than twice the densest real coverage; pass ``countries`` (``--countries``) to bench that anyway.
    """
    rng = random.Random(seed)
    countries = countries or max(40, n_mentions // 5000)
    codes = _country_codes(countries)
    centres = [(rng.uniform(-35, 60), rng.uniform(-100, 140)) for _ in range(countries)]
    rows: list[dict] = []
    n_event = 0
    while len(rows) < n_mentions:
        n_event += 1
        c = rng.randrange(countries)
        lat, lon = centres[c][0] + rng.uniform(-4, 4), centres[c][1] + rng.uniform(-4, 4)
        day = START + rng.randrange(days)
        kind, mode = rng.choice(TYPES), rng.choice(MODES)
        initiator = f"Group {c}-{rng.randrange(25)}"
        target = f"Target {c}-{rng.randrange(60)}"
        words = rng.sample(WORDS, 4)
        killed = rng.randrange(0, 30)
        for outlet in range(rng.choice((1, 1, 2, 2, 3, 4))):
            rows.append(
                _mention(rng, n_event, outlet, c, codes[c], lat, lon, day, kind, mode, initiator, target, words, killed)
            )
    return rows[:n_mentions]


def _country_codes(n: int) -> list[str]:
    """n distinct ISO 3166 alpha-2 codes, the commonly reported ones first."""
    import pycountry

    rest = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in CODES)
    codes = (CODES + rest)[:n]
    if len(codes) < n:
        raise SystemExit(f"at most {len(CODES) + len(rest)} countries")
    return codes


def _mention(rng, n_event, outlet, c, code, lat, lon, day, kind, mode, initiator, target, words, killed) -> dict:
    slip = rng.choice((0, 0, 0, 1, -1))
    when = dt.date.fromordinal(day + slip).isoformat()
    fine = rng.random() < 0.8
    event = {
        "id": "e1",
        "type": kind,
        "mode": mode,
        "trigger": {"text": words[0], "start": 0, "end": len(words[0])},
        "date": {"start": when, "end": when, "precision": "day"},
        "location": {
            "name": f"Town {c}",
            "country": code,
            "admin1": f"A{c}-{int(lat) % 5}",
            "lat": lat + rng.uniform(-0.05, 0.05) if fine else None,
            "lon": lon + rng.uniform(-0.05, 0.05) if fine else None,
            "precision": "city" if fine else "admin1",
        },
        "actors": [{"name": initiator, "role": "initiator"}, {"name": target, "role": "target"}],
        "fatalities": {"low": None, "best": max(0, killed + rng.randrange(-2, 3)), "high": None},
        "summary": " ".join(words[: 2 + rng.randrange(3)]),
    }
    report = f"r{n_event}-{outlet}"
    return {"key": f"{report}#e1", "report_id": report, "outlet": f"Outlet {outlet}", "event": event}


def bench_merge(sizes: list[int], countries: int | None = None) -> None:
    """Wall and CPU time of the whole in-memory merge: prepare the pair-test view, cluster, build merged events.

    CPU time is what counts when other jobs share the cores. Quality is measured against the synthetic truth:
    pair precision (linked mentions that are one real event) and pair recall (one real event's mentions linked).
    """
    for n in sizes:
        rows = synthetic_events(n, countries=countries)
        gc.collect()
        with _gc_paused():
            w0, c0 = time.perf_counter(), time.process_time()
            mentions = prepare(rows)
            w1 = time.perf_counter()
            groups = cluster(mentions)
            w2 = time.perf_counter()
            by_key = {r["key"]: r for r in rows}
            merged = [merge_event([by_key[k] for k in g]) for g in groups]
            w3, c3 = time.perf_counter(), time.process_time()
        print(
            f"merge {n:>9,} mentions: prepare {w1 - w0:5.1f} s  cluster {w2 - w1:5.1f} s  build {w3 - w2:5.1f} s  "
            f"total {w3 - w0:5.1f} s (cpu {c3 - c0:5.1f})  -> {len(merged):,} merged events; "
            f"{_quality(groups)}",
            flush=True,
        )
        del rows, mentions, groups, by_key, merged


def _quality(groups: list[list[str]]) -> str:
    """Pair precision and recall of the merged groups against the synthetic events they were generated from."""
    from collections import Counter

    truth: Counter[str] = Counter()
    linked = correct = 0
    for g in groups:
        per_event = Counter(k.split("-")[0] for k in g)  # key r<event>-<outlet>#e1
        linked += len(g) * (len(g) - 1) // 2
        correct += sum(c * (c - 1) // 2 for c in per_event.values())
        truth.update(per_event)
    true_pairs = sum(c * (c - 1) // 2 for c in truth.values())
    return f"pair precision {correct / max(1, linked):.3f}, recall {correct / max(1, true_pairs):.3f}"


def synthetic_sentences(n: int, seed: int = 5) -> list[str]:
    """Event sentences of about 20-40 tokens, as outlets write them (invented places and groups)."""
    rng = random.Random(seed)
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    out = []
    for _ in range(n):
        a, b = rng.sample(WORDS, 2)
        town = f"{rng.choice(['Var', 'Tal', 'Kes', 'Mor', 'Ost'])}{rng.choice(['ansk', 'ovo', 'ra', 'ville', 'abad'])}"
        group = f"{rng.choice(['Red', 'North', 'Free', 'Iron'])} {rng.choice(['Valley', 'Shield', 'Front'])}"
        source = rng.choice(["officials", "police", "medics"])
        out.append(
            f"Fighters of the {group} Brigade attacked a {a} near the {b} in {town} on {rng.choice(days)}, "
            f"killing {rng.randrange(2, 30)} people and wounding {rng.randrange(2, 60)} others, {source} said."
        )
    return out


def bench_embed(n: int) -> None:
    """Sentence embedding throughput (dateline.embed, numpy MiniLM), and the cost of cosine in the merge's grey zone.

    ``cpu`` is process CPU time: with BLAS on one thread (OPENBLAS_NUM_THREADS=1) sentences per CPU second is the
    one-core rate. Embedding runs once per mention at ingest, never in the bulk merge.
    """
    import numpy as np

    from dateline import embed

    if not embed.available():
        print(f"embed: skipped, model package not installed ({embed.INSTALL_HINT})")
        return
    t0 = time.perf_counter()
    model = embed.model()
    load = time.perf_counter() - t0
    texts = synthetic_sentences(n)
    tokens = sum(len(e.ids) for e in model.tokenizer.encode_batch(texts)) / n
    model.encode(texts[:64])  # warm
    w0, c0 = time.perf_counter(), time.process_time()
    vectors = model.encode(texts)
    w1, c1 = time.perf_counter(), time.process_time()
    print(
        f"embed {n:>9,} sentences ({tokens:.0f} tokens avg, model load {load:.2f} s): {w1 - w0:5.1f} s "
        f"(cpu {c1 - c0:5.1f}) -> {n / (w1 - w0):,.0f} sentences/s, {n / max(c1 - c0, 1e-9):,.0f} per cpu second",
        flush=True,
    )
    rows = synthetic_events(100_000)
    rng = np.random.default_rng(3)
    for r in rows:  # a real sentence vector per mention, drawn from the ones above plus noise
        v = vectors[rng.integers(n)] + rng.normal(0, 0.05, vectors.shape[1]).astype(np.float32)
        r["embedding"] = v / np.linalg.norm(v)
    gc.collect()
    with _gc_paused():
        w0, c0 = time.perf_counter(), time.process_time()
        groups = cluster(prepare(rows))
        w1, c1 = time.perf_counter(), time.process_time()
    print(
        f"merge   100,000 mentions with vectors (timing only): prepare + cluster {w1 - w0:5.1f} s "
        f"(cpu {c1 - c0:5.1f}) -> {len(groups):,} groups",
        flush=True,
    )


def bench_query(n_events: int) -> None:
    from dateline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.db"))
        rows = synthetic_events(int(n_events * 2.15), seed=11)
        t0 = time.perf_counter()
        n = store.bulk_load_merged(rows)
        print(
            f"bulk-loaded {len(rows):,} mentions as {n:,} merged events in {time.perf_counter() - t0:.1f} s", flush=True
        )
        spot = next(r["event"]["location"] for r in rows if r["event"]["location"]["lat"] is not None)
        queries = {
            "ASSAULT in IQ since 2023-10-01": {"type": "ASSAULT", "country": "IQ", "since": "2023-10-01"},
            "all since 2024-06-01, 100 newest": {"since": "2024-06-01"},
            f"near {spot['lat']:.1f},{spot['lon']:.1f} within 50 km": {"near": (spot["lat"], spot["lon"], 50.0)},
            "IQ, 2+ outlets, most killed first": {"country": "IQ", "min_sources": 2, "sort": "fatalities"},
            "actor 'Group 3-1'": {"actor": "Group 3-1"},
            "text 'market'": {"text": "market"},
        }
        for label, q in queries.items():
            store.query_events(**q)  # warm
            t0 = time.perf_counter()
            for _ in range(20):
                page, _ = store.query_events(**q)
            ms = (time.perf_counter() - t0) / 20 * 1000
            print(f"query {label:<34} {ms:7.2f} ms  ({len(page)} rows)", flush=True)
        t0 = time.perf_counter()
        store.stats()
        print(f"stats over {n_events:,} events {1000 * (time.perf_counter() - t0):7.1f} ms")
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--events", type=int, default=100_000, help="events in the query benchmark store (0: skip)")
    parser.add_argument("--countries", type=int, default=None, help="fixed number of countries (default: grows)")
    parser.add_argument("--embed", type=int, default=2000, help="sentences in the embedding benchmark (0: skip)")
    args = parser.parse_args(argv)
    bench_merge(args.sizes, args.countries)
    if args.embed:
        bench_embed(args.embed)
    if args.events:
        bench_query(args.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
