"""Extraction time of one long report against the bare spaCy parse of the same text, at several sizes.

The report is made of varied synthetic paragraphs (attacks, protests, arrests, statements in many places and on
many days), so every stage has work in every paragraph. Extraction time should grow about linearly with length:
the ratio to the parse should stay roughly flat. Prints figures; asserts nothing.
Usage: python bench/long_report.py [--sizes 50 200 500] [--profile]   (sizes in KB)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time

from dateline.gazetteer import connect
from dateline.nlp import load_nlp, parse
from dateline.pipeline import extract_doc
from dateline.records import Report

PLACES = ["Mosul", "Goma", "Kharkiv", "Maiduguri", "Tibu", "Aleppo", "Djibo", "Khartoum", "Gao", "Beni", "Lagos"]
ACTORS = ["gunmen", "soldiers", "police", "rebels", "protesters", "militiamen", "unidentified attackers"]
DAYS = ["on Monday", "on Tuesday", "late on Wednesday", "on March 3", "last week", "at dawn on Friday", "on Sunday"]
TEMPLATES = [
    "{Actor} attacked a village near {place} {day}, killing {n} people and wounding {m}, officials said.",
    "Hundreds of residents marched through {place} {day} to demand the release of {n} detained students.",
    "Police arrested {n} men in {place} {day} after a bomb exploded at a crowded market.",
    "A spokesman for the governor told reporters in {place} that {n} bodies had been recovered.",
    "The attack began {day}. {Actor} burned {n} houses and fled toward the border.",
    "An airstrike hit a convoy outside {place} {day}; at least {n} fighters were killed.",
    "Aid workers said {n} families had fled {place} since the fighting resumed {day}.",
    "{Actor} clashed with {actor} in northern {place} {day}, and {m} were reported missing.",
]


def paragraph(rng: random.Random) -> str:
    """Two to four synthetic sentences, each naming an actor, a place, a day and figures."""
    sentences = []
    for _ in range(rng.randint(2, 4)):
        actor = rng.choice(ACTORS)
        sentences.append(
            rng.choice(TEMPLATES).format(
                Actor=actor.capitalize(),
                actor=rng.choice(ACTORS),
                place=rng.choice(PLACES),
                day=rng.choice(DAYS),
                n=rng.randint(2, 90),
                m=rng.randint(1, 40),
            )
        )
    return " ".join(sentences)


def long_text(kb: int, seed: int = 7) -> str:
    """A report of about `kb` kilobytes: a wire dateline, then synthetic paragraphs parted by blank lines."""
    rng = random.Random(seed)
    parts = ["GOMA, Congo (Wire) - " + paragraph(rng)]
    size = len(parts[0])
    while size < kb * 1000:
        parts.append(paragraph(rng))
        size += len(parts[-1]) + 2
    return "\n\n".join(parts)


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500], help="report sizes in KB")
    ap.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    args = ap.parse_args()
    nlp = load_nlp()
    connect()
    warm = Report(id="warm", text=long_text(2), published="2024-06-01")
    extract_doc(warm, parse(nlp, warm.text))
    print(f"{'KB':>5} {'parse s':>9} {'extract s':>10} {'ratio':>7}")
    for kb in args.sizes:
        report = Report(id=f"long-{kb}", text=long_text(kb), published="2024-06-01")
        parse_s, doc = timed(lambda r=report: parse(nlp, r.text))
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        stages_s, _ = timed(lambda r=report, d=doc: extract_doc(r, d))
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)
        total = parse_s + stages_s
        print(f"{kb:>5} {parse_s:>9.1f} {total:>10.1f} {total / parse_s:>7.2f}")


if __name__ == "__main__":
    main()
