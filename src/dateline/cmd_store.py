"""`dateline ingest | events | event | stats`: fill the event store and read merged events back out.

Only the standard library is imported at top level; the store, the pipeline and rich load inside ``run``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections import Counter
from typing import TYPE_CHECKING

from dateline import DatelineError

if TYPE_CHECKING:
    from dateline.filters import EventFilter
    from dateline.merged import EventDetail, MergedEvent
    from dateline.records import Count

BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
TABLE_LIMIT = 100  # rows a table shows unless --limit says otherwise; file formats export everything


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument(
        "--db", default=None, help="SQLite file or postgresql:// URL (default: $DATELINE_DB or ./dateline.db)"
    )
    if command == "ingest":
        parser.add_argument("paths", nargs="+", metavar="PATH", help="report files (.txt, .html, .jsonl) or folders")
        parser.add_argument(
            "--reextract",
            action="store_true",
            help="re-extract stored reports made by another dateline version or extraction code",
        )
        parser.add_argument(
            "--embed",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="embed each event's evidence sentences (all-MiniLM-L6-v2) to decide grey-zone merges "
            "(default: $DATELINE_EMBED, else on when the model package is installed)",
        )
        parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
        _add_scale_options(parser)
    elif command == "events":
        from dateline.filters import SORTS

        _add_filter_options(parser)
        parser.add_argument("--sort", default="date", choices=SORTS, help="order (default: %(default)s)")
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="at most this many events; 0 for all (default: 100 in a table, all in a file format)",
        )
        parser.add_argument(
            "--format", default="table", choices=["table", "json", "jsonl", "csv", "geojson", "parquet"]
        )
        parser.add_argument("--output", "-o", help="write to this file instead of stdout (required for parquet)")
    elif command == "event":
        parser.add_argument("event_id", metavar="ID", help="merged event id (ev_...) or a report's event key")
        parser.add_argument("--json", action="store_true", help="print the full event as JSON")
    elif command == "stats":
        _add_filter_options(parser)
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")


def _add_scale_options(parser: argparse.ArgumentParser) -> None:
    """Ingest's options for large corpora: Dask workers or an existing Dask cluster, and a Parquet dataset out."""
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="extract in N local worker processes through Dask's distributed scheduler (default: this process)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="extract on the workers of an existing Dask cluster, e.g. tcp://HOST:8786",
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="also write the run's report events and the store's merged events as a Parquet dataset (a folder)",
    )


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    """One option per EventFilter field (--min-sources for min_sources), with the field's description as help."""
    from dateline.filters import EventFilter

    for name, field in EventFilter.model_fields.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, help=field.description)


def _filters(args: argparse.Namespace) -> EventFilter:
    """The EventFilter of the command's options; a bad value is one error line naming its option."""
    from dateline.filters import EventFilter

    fields = {name: getattr(args, name) for name in EventFilter.model_fields if getattr(args, name) is not None}
    return EventFilter.parse(fields, label=lambda loc: "--" + loc[0].replace("_", "-"))


def run(args: argparse.Namespace) -> int:
    if args.command == "ingest":
        # before numpy loads: one BLAS thread, since default BLAS pools oversubscribe the cores and made embedding
        # about 4x slower; a process per core (--workers) is the way to use more of them
        for var in BLAS_THREAD_VARS:
            os.environ.setdefault(var, "1")
    from dateline.store import Store

    # only ingest creates a store: a mistyped --db on a reading command is an error, not a new empty database
    store = Store(args.db, embed=getattr(args, "embed", None), create=args.command == "ingest")
    try:
        return {"ingest": _ingest, "events": _events, "event": _event, "stats": _stats}[args.command](store, args)
    finally:
        store.close()


# ---- ingest ---------------------------------------------------------------------------------------------------------


def _ingest(store, args: argparse.Namespace) -> int:
    from rich.console import Console

    from dateline.ingest import ingest
    from dateline.read import iter_report_results

    console = Console(stderr=True)
    dataset = _dataset(args.out)
    extractor = _extractor(args)
    counts: Counter[str] = Counter()
    try:
        with _progress(console, args.quiet) as update:
            # a bad file or row is one error line; the rest is read, extracted and stored
            outcomes = ingest(
                store,
                iter_report_results(args.paths),
                reextract=args.reextract,
                extractor=extractor,
                on_batch=dataset.add if dataset else None,
            )
            for outcome in outcomes:
                counts[outcome.status] += 1
                if outcome.status == "failed":
                    print(f"dateline ingest: error: {outcome.message}", file=sys.stderr)
                update(_tally(counts))
    finally:
        if extractor is not None:
            extractor.close()
    merged = dataset.write_merged(store) if dataset else 0
    if not args.quiet:
        stats = store.stats()
        print(
            f"dateline ingest: {_tally(counts)}; store has {stats['events']} events from {stats['reports']} reports",
            file=sys.stderr,
        )
        if dataset:
            print(
                f"dateline ingest: wrote {args.out} ({dataset.parts} report parts, {merged} merged events)",
                file=sys.stderr,
            )
    return 1 if counts["failed"] else 0


def _dataset(out: str | None):
    from dateline.dataset import ParquetDataset

    return ParquetDataset(out) if out else None


def _extractor(args: argparse.Namespace):
    """Dask workers for --workers / --scheduler; None for this process (the one-process path)."""
    if args.workers is None and not args.scheduler:
        return None
    if args.workers is not None and args.scheduler:
        raise DatelineError("--workers starts a local cluster and --scheduler uses an existing one: give one of them")
    from dateline import cluster

    return cluster.extractor(args.workers, args.scheduler)


@contextlib.contextmanager
def _progress(console, quiet: bool):
    """A transient progress line on a terminal; yields the function that updates its text."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [
        SpinnerColumn(),
        TextColumn("ingest"),
        BarColumn(bar_width=None),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=True, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task("", total=None)
        yield lambda text: bar.update(task, description=text)


def _tally(counts: Counter) -> str:
    done = sum(counts[k] for k in ("added", "updated", "unchanged", "failed"))
    return (
        f"{done} reports: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed"
    )


# ---- events / event / stats -----------------------------------------------------------------------------------------


def _events(store, args: argparse.Namespace) -> int:
    from dateline.export import write_events

    if args.format == "parquet" and not args.output:
        raise DatelineError("parquet is a binary format: give --output FILE")
    filters = _filters(args)
    limit = args.limit if args.limit is not None else (TABLE_LIMIT if args.format == "table" else 0)
    if limit < 0:
        raise DatelineError(f"--limit {limit}: give 0 (all) or a positive number")
    if args.format == "table":
        events = list(store.iter_events(filters, limit=limit + 1 if limit else 0, sort=args.sort))
        if limit and len(events) > limit:
            events = events[:limit]
            print(f"dateline events: showing the first {limit} events; --limit 0 shows all", file=sys.stderr)
        return _table(events, args.output)
    events = store.iter_events(filters, limit=limit, sort=args.sort)
    n = write_events(events, args.format, out=sys.stdout, path=args.output)
    if args.output:
        print(f"dateline events: wrote {n} events to {args.output}", file=sys.stderr)
    return 0


def _figure(count: Count | None) -> str:
    """A casualty figure as a table shows it: "2-5" for a range, else the one number; "" when unknown."""
    if not count:
        return ""
    low, best, high = count.low, count.best, count.high
    if low is not None and high is not None and low != high:
        return f"{low}-{high}"
    return str(best if best is not None else low if low is not None else high)


def _actors(event: MergedEvent, roles: tuple[str, ...]) -> str:
    return ", ".join(a.name for a in event.actors if a.role in roles)


def _table(events: list[MergedEvent], output: str | None) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False)
    for col in ("id", "date", "type", "place", "initiator", "target", "killed", "src", "summary"):
        table.add_column(
            col, overflow="fold" if col == "summary" else "ellipsis", max_width=60 if col == "summary" else 24
        )
    for e in events:
        place = ", ".join(p for p in (e.location.name, e.location.country) if p)
        table.add_row(
            e.id,
            e.date.start.isoformat() if e.date.start else "",
            e.type,
            place,
            _actors(e, ("initiator",)),
            _actors(e, ("target", "victim")),
            _figure(e.fatalities),
            str(e.sources_count),
            e.summary,
        )
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            Console(file=fh, width=200).print(table)
    else:
        Console(width=None if sys.stdout.isatty() else 200).print(table)
    if not events:
        print("dateline events: no events match", file=sys.stderr)
    return 0


def _event(store, args: argparse.Namespace) -> int:
    event = store.get_event(args.event_id)
    if event is None:
        raise DatelineError(f"no event {args.event_id!r} in the store (list ids with `dateline events`)")
    if args.json:
        print(json.dumps(event.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    for line in describe_event(event):
        print(line)
    return 0


def describe_event(event: EventDetail) -> list[str]:
    """A merged event (EventDetail) as readable lines: what, when, where, who, figures, then every source with its
    evidence and the quotes."""
    date, loc = event.date, event.location
    when = str(date.start or "unknown date")
    if date.end and date.end != date.start:
        when += f" to {date.end}"
    outlets = f"{event.sources_count} outlet{'s' if event.sources_count != 1 else ''}"
    lines = [
        f"{event.id}  {event.type}{' / ' + event.mode if event.mode else ''}  ({event.certainty}, {outlets})",
        f"  when:       {when} ({date.precision})",
        f"  where:      {', '.join(str(v) for v in (loc.name, loc.admin1, loc.country) if v)}"
        + (f"  [{loc.lat:.4f}, {loc.lon:.4f}]" if loc.lat is not None else ""),
        f"  initiator:  {_actors(event, ('initiator',)) or '-'}",
        f"  target:     {_actors(event, ('target', 'victim')) or '-'}",
        f"  killed:     {_figure(event.fatalities) or '-'}    injured: {_figure(event.injuries) or '-'}",
        f"  summary:    {event.summary}",
        "  sources:",
    ]
    for s in event.sources:
        lines.append(
            f"    - {s.outlet or '?'} {s.published or ''} [{s.report_id}] "
            f"killed {_figure(s.fatalities) or '-'}, {s.certainty}" + (f"  {s.url}" if s.url else "")
        )
        lines += [f"        \u201c{_oneline(ev.sentence)}\u201d [{ev.start}:{ev.end}]" for ev in s.evidence]
    for q in event.quotes:
        lines.append(f"  quote [{q.report_id}] {q.speaker or '?'}: \u201c{_oneline(q.text)}\u201d")
    return lines


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _stats(store, args: argparse.Namespace) -> int:
    stats = store.stats(_filters(args))
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(
        f"{stats['events']} events ({stats['multi_source_events']} from 2+ outlets) merged from "
        f"{stats['mentions']} report events in {stats['reports']} reports; {stats['fatalities']} killed (best)"
    )
    width = os.get_terminal_size().columns if sys.stdout.isatty() else 100
    for title, key in (("by type", "by_type"), ("by country", "by_country"), ("by month", "by_month")):
        print(f"\n{title}:")
        counts = stats[key]
        top = max(counts.values(), default=1)
        for name, n in counts.items():
            bar = "#" * max(1, round(n / top * max(10, width - 30))) if n else ""
            print(f"  {str(name):<12} {n:>7}  {bar}")
    return 0
