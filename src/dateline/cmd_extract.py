"""`dateline extract`: reports in, one JSON object per report out (JSON Lines on stdout)."""

from __future__ import annotations

import argparse
import sys

from dateline import DatelineError


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files (.txt, .html, .jsonl), folders, or -")
    parser.add_argument("--published", help="publication date YYYY-MM-DD (anchors relative dates)")
    parser.add_argument("--outlet", help="outlet name")
    parser.add_argument("--url", help="report URL")
    parser.add_argument("--id", dest="report_id", help="report id")
    parser.add_argument("--title", help="report title")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON (one object per report)")
    parser.add_argument("--processes", type=int, default=1, help="parser processes for large batches")


def run(args: argparse.Namespace) -> int:
    from dateline.pipeline import extract_many
    from dateline.read import iter_report_results, parse_published

    if args.published:
        parse_published(args.published, "--published")
    overrides = {
        "published": args.published,
        "outlet": args.outlet,
        "url": args.url,
        "id": args.report_id,
        "title": args.title,
    }
    failures = 0
    good = []
    for item in iter_report_results(args.paths, overrides):
        if isinstance(item, DatelineError):
            print(f"dateline extract: error: {item}", file=sys.stderr)
            failures += 1
        else:
            good.append(item)
    if args.report_id and len(good) > 1:
        raise DatelineError("--id names one report, but several were given")
    for extraction in extract_many(good, n_process=max(1, args.processes)):
        sys.stdout.write(extraction.model_dump_json(indent=2 if args.pretty else None) + "\n")
        sys.stdout.flush()
    return 1 if failures else 0
