"""`dateline extract`: reports in, one JSON object per report out (JSON Lines on stdout)."""

from __future__ import annotations

import argparse
import math
import sys

from dateline import DatelineError
from dateline.read import MAX_REPORT_MB


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files (.txt, .html, .jsonl), folders, or -")
    parser.add_argument("--published", help="publication date YYYY-MM-DD (anchors relative dates)")
    parser.add_argument("--outlet", help="outlet name")
    parser.add_argument("--url", help="report URL")
    parser.add_argument("--id", dest="report_id", help="report id")
    parser.add_argument("--title", help="report title")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON (one object per report)")
    parser.add_argument("--processes", type=int, default=1, help="parser processes for large batches")
    parser.add_argument(
        "--max-mb",
        type=_megabytes,
        default=MAX_REPORT_MB,
        help="refuse a report larger than this many megabytes (default: %(default)s)",
    )


def _megabytes(value: str) -> float:
    try:
        mb = float(value)
    except ValueError:
        mb = math.nan
    if not (mb > 0 and math.isfinite(mb)):
        raise argparse.ArgumentTypeError(f"must be a positive number of megabytes, not {value!r}")
    return mb


def run(args: argparse.Namespace) -> int:
    from dateline.pipeline import extract_each
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
    for item in iter_report_results(args.paths, overrides, max_mb=args.max_mb):
        if isinstance(item, DatelineError):
            _error(str(item))
            failures += 1
        else:
            good.append(item)
    if args.report_id and len(good) > 1:
        raise DatelineError("--id names one report, but several were given")
    for report, result in extract_each(good, n_process=max(1, args.processes)):
        if isinstance(result, DatelineError):  # this report only: the others are still extracted
            _error(f"{report.source_path or report.id}: {result}")
            failures += 1
            continue
        sys.stdout.write(result.model_dump_json(indent=2 if args.pretty else None) + "\n")
        sys.stdout.flush()
    return 1 if failures else 0


def _error(message: str) -> None:
    print(f"dateline extract: error: {message}", file=sys.stderr)
