"""`dateline eval-public`: every public development set in one table, against the recorded figures.

The sets, their formats and paths under the data folder are listed in ``devset/public-sets.json`` (settings in
one place); the figures last recorded are in ``devset/public-baseline.json``. Each row of the table is one
headline figure of one set: now, recorded, and the difference, so a change to extraction is judged on text
nobody here wrote before it is judged on the team's own devset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from dateline import DatelineError

DEFAULT_DATA = "../shared/data"
DEFAULT_SETS = "devset/public-sets.json"
DEFAULT_BASELINE = "devset/public-baseline.json"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--data", default=DEFAULT_DATA, help=f"folder of the public sets (default {DEFAULT_DATA})")
    parser.add_argument("--sets", default=DEFAULT_SETS, help=f"list of sets to run (default {DEFAULT_SETS})")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help=f"recorded figures (default {DEFAULT_BASELINE})")
    parser.add_argument("--only", metavar="NAME", action="append", help="run only this set (repeatable)")
    parser.add_argument("--processes", type=int, default=2, help="pipeline worker processes (default 2)")
    parser.add_argument("--record", action="store_true", help="write the figures measured now into the baseline")
    parser.add_argument("--check", action="store_true", help="exit 1 when a set's gated figure fell below its record")
    parser.add_argument("--json", metavar="OUT", help="also write every set's whole summary as JSON to OUT")


def read_sets(path: Path) -> list[dict[str, Any]]:
    """The sets to run: name, format, path under the data folder, and optionally limit, team, options (an
    adapter's own settings) and note."""
    try:
        sets = json.loads(path.read_text(encoding="utf-8"))["sets"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DatelineError(f"cannot read the list of public sets {path}: {err}") from err
    for entry in sets:
        if not isinstance(entry, dict) or not {"name", "format", "path"} <= entry.keys():
            raise DatelineError(f"{path}: every set needs name, format and path: {entry!r}")
    return sets


def read_baseline(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"margin": 0.02, "sets": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DatelineError(f"cannot read public baseline {path}: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("sets"), dict):
        raise DatelineError(f"public baseline {path} must be an object with a 'sets' object")
    return data


def set_path(entry: dict[str, Any], data: Path, sets_file: Path) -> Path:
    """Where a set lies: under the data folder, or (``"team": true``) beside the list of sets, in the project."""
    return (sets_file.parent if entry.get("team") else data) / entry["path"]


def measure(entry: dict[str, Any], path: Path, processes: int) -> dict[str, Any]:
    """One set's summary, with the seconds it took."""
    from dateline.evaluate import score_path

    began = time.monotonic()
    options = entry.get("options") or {}
    summary = score_path(path, entry["format"], limit=entry.get("limit"), processes=processes, options=options)
    summary["seconds"] = round(time.monotonic() - began, 1)
    return summary


def table_rows(name: str, summary: dict[str, Any], recorded: dict[str, Any]) -> list[list[str]]:
    rows = []
    for measure_name, now in summary["headline"].items():
        before = recorded.get(measure_name)
        gated = "*" if measure_name == summary.get("gate") else ""
        digits = 1 if measure_name.endswith("_km") else 3
        rows.append([name, measure_name + gated, _fig(now, digits), _fig(before, digits), _diff(now, before, digits)])
    return rows


def _fig(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _diff(now: float | None, before: float | None, digits: int) -> str:
    return "" if now is None or before is None else f"{now - before:+.{digits}f}"


def format_table(rows: list[list[str]]) -> str:
    """Columns padded to their widest cell: names left-aligned, figures right-aligned."""
    head = ["set", "measure", "now", "recorded", "diff"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(_cell(c, w, i) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in [head, *rows]]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def _cell(text: str, width: int, column: int) -> str:
    return text.ljust(width) if column < 2 else text.rjust(width)


def gate_failures(summaries: dict[str, dict[str, Any]], baseline: dict[str, Any]) -> list[str]:
    """Sets whose gated figure fell more than the margin below its record."""
    margin = float(baseline.get("margin", 0.02))
    failures = []
    for name, summary in summaries.items():
        gate = summary.get("gate")
        before = baseline["sets"].get(name, {}).get(gate)
        now = summary["headline"].get(gate)
        if isinstance(before, (int, float)) and (now or 0.0) < before - margin:
            failures.append(f"REGRESSION: {name} {gate} {now or 0.0:.4f} (recorded {before:.4f}, margin {margin})")
    return failures


def record(summaries: dict[str, dict[str, Any]], baseline: dict[str, Any], path: Path) -> None:
    for name, summary in summaries.items():
        baseline["sets"][name] = summary["headline"]
    baseline["recorded"] = dt.date.today().isoformat()
    path.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if args.processes < 1:
        raise DatelineError("--processes must be at least 1")
    sets = read_sets(Path(args.sets))
    unknown = set(args.only or []) - {s["name"] for s in sets}
    if unknown:
        raise DatelineError(f"no such set: {', '.join(sorted(unknown))} (see {args.sets})")
    baseline = read_baseline(Path(args.baseline))
    if not data.is_dir():
        print(f"dateline eval-public: no public development data at {data} (not part of the project); nothing measured")
        return 0
    summaries, rows = {}, []
    for entry in sets:
        if args.only and entry["name"] not in args.only:
            continue
        path = set_path(entry, data, Path(args.sets))
        if not path.exists():
            rows.append([entry["name"], "(absent)", "-", "-", ""])
            continue
        print(f"measuring {entry['name']} ({entry['format']})...", file=sys.stderr, flush=True)
        summaries[entry["name"]] = summary = measure(entry, path, args.processes)
        print(f"  {entry['name']}: {summary['documents']} documents, {summary['seconds']} s", file=sys.stderr)
        rows += table_rows(entry["name"], summary, baseline["sets"].get(entry["name"], {}))
    print(f"public development sets, {dt.date.today().isoformat()} (recorded {baseline.get('recorded', 'never')});"
          " * marks each set's gated figure")  # fmt: skip
    print(format_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(summaries, indent=2) + "\n", encoding="utf-8")
    if args.record:
        record(summaries, baseline, Path(args.baseline))
        print(f"recorded {len(summaries)} sets in {args.baseline}")
    failures = gate_failures(summaries, baseline) if args.check else []
    for line in failures:
        print(line)
    return 1 if failures else 0
