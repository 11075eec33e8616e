"""`dateline ingest | events | event | stats`: fill the event store and read merged events back out.

Only the standard library is imported at top level; the store, the pipeline and rich load inside ``run``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

from dateline import DatelineError

TABLE_LIMIT = 100  # rows a table shows unless --limit says otherwise; file formats export everything
BATCH = 16  # reports extracted together (spaCy batches); each is still stored in its own transaction


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
    elif command == "events":
        parser.add_argument("--type", help="PLOVER type, e.g. ASSAULT")
        parser.add_argument("--country", help="ISO 3166 code (IQ) or country name")
        parser.add_argument("--actor", help="words of an actor name")
        parser.add_argument("--since", help="YYYY-MM-DD, YYYY-MM or YYYY")
        parser.add_argument("--until", help="YYYY-MM-DD, YYYY-MM or YYYY")
        parser.add_argument("--near", help="LAT,LON,KM: events within KM kilometres of a point")
        parser.add_argument("--text", help="words that must all occur in the summary, place, actors or weapons")
        parser.add_argument("--min-sources", type=int, help="at least this many independent outlets")
        parser.add_argument("--sort", default="date", choices=["date", "oldest", "sources", "fatalities"])
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
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")


def run(args: argparse.Namespace) -> int:
    from dateline.store import Store

    store = Store(args.db, embed=getattr(args, "embed", None))
    try:
        return {"ingest": _ingest, "events": _events, "event": _event, "stats": _stats}[args.command](store, args)
    finally:
        store.close()


# ---- ingest ---------------------------------------------------------------------------------------------------------


def _ingest(store, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from dateline.read import iter_report_results

    console = Console(stderr=True)
    counts: Counter[str] = Counter()
    columns = [
        SpinnerColumn(),
        TextColumn("ingest"),
        BarColumn(bar_width=None),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=True, disable=args.quiet or not console.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def shown() -> None:
            bar.update(task, description=_tally(counts))

        pending = []
        seen: dict[str, tuple[str, str]] = {}  # report id -> (content hash, where it came from) in this run
        for item in iter_report_results(args.paths):  # a bad file or row is one error; the rest is read
            if isinstance(item, DatelineError):
                _fail(counts, str(item))
            elif (clash := _duplicate(seen, item)) is not None:
                if clash:
                    _fail(counts, clash)
                else:
                    counts["unchanged"] += 1  # the same report given twice (a file and its folder)
            elif store.status(item, args.reextract) == "unchanged":
                counts["unchanged"] += 1
            else:
                pending.append(item)
            if len(pending) >= BATCH:
                _store_batch(store, pending, counts, shown)
                pending = []
            shown()
        _store_batch(store, pending, counts, shown)
    if not args.quiet:
        stats = store.stats()
        print(
            f"dateline ingest: {_tally(counts)}; store has {stats['events']} events from {stats['reports']} reports",
            file=sys.stderr,
        )
    return 1 if counts["failed"] else 0


def _duplicate(seen: dict[str, tuple[str, str]], report) -> str | None:
    """None for a report id not seen before in this run; "" for the same report again; else the error message.

    Two different reports with one id (e.g. a/report.txt and b/report.txt, whose ids default to the file name)
    would otherwise replace each other on every run, so the second one is refused instead.
    """
    from dateline.store import content_hash

    digest, where = content_hash(report), report.source_path or report.id
    if report.id not in seen:
        seen[report.id] = (digest, where)
        return None
    if seen[report.id][0] == digest:
        return ""
    return (
        f"{where}: report id {report.id!r} is already used in this run by {seen[report.id][1]}; "
        'give one of them its own "id" (in its .meta.json or JSON Lines row)'
    )


def _tally(counts: Counter) -> str:
    done = sum(counts[k] for k in ("added", "updated", "unchanged", "failed"))
    return (
        f"{done} reports: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed"
    )


def _fail(counts: Counter, message: str) -> None:
    counts["failed"] += 1
    print(f"dateline ingest: error: {message}", file=sys.stderr)


def _store_batch(store, reports: list, counts: Counter, shown=lambda: None) -> None:
    """Extract and store a batch; each report is stored in its own transaction and fails alone."""
    from sqlalchemy.exc import SQLAlchemyError

    for report, result in _extract_each(reports):
        if isinstance(result, Exception):
            _fail(counts, f"{report.source_path or report.id}: extraction failed: {result}")
        else:
            try:
                counts[store.add_extraction(result, reextract=True)] += 1
            except (DatelineError, SQLAlchemyError) as err:
                _fail(counts, f"{report.source_path or report.id}: not stored: {str(err).splitlines()[0]}")
        shown()


def _extract_each(reports: list):
    """(report, Extraction or the exception) for each report: batched, falling back to one by one on an error."""
    if not reports:
        return []
    from dateline import pipeline

    try:
        return list(zip(reports, pipeline.extract_many(reports), strict=True))
    except Exception:  # noqa: BLE001 - one bad report must not sink the batch; redo singly to find it
        pass
    results = []
    for report in reports:
        try:
            results.append((report, pipeline.extract(report)))
        except Exception as err:  # noqa: BLE001 - reported per report, the batch goes on
            results.append((report, err))
    return results


# ---- events / event / stats -----------------------------------------------------------------------------------------


def _near(value: str | None) -> tuple[float, float, float] | None:
    if not value:
        return None
    try:
        lat, lon, km = (float(v) for v in value.split(","))
    except ValueError as err:
        raise DatelineError(f"--near {value!r}: give LAT,LON,KM, e.g. 33.3,44.4,25") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise DatelineError(f"--near {value!r}: latitude -90..90, longitude -180..180, distance above 0")
    return lat, lon, km


def iter_events(store, limit: int = 0, **filters):
    """All events matching the filters, page by page (limit 0: no limit)."""
    cursor, seen = None, 0
    while True:
        page_size = min(500, limit - seen) if limit else 500
        page, cursor = store.query_events(limit=page_size, cursor=cursor, **filters)
        yield from page
        seen += len(page)
        if not cursor or (limit and seen >= limit):
            return


def _events(store, args: argparse.Namespace) -> int:
    from dateline.export import write_events

    if args.format == "parquet" and not args.output:
        raise DatelineError("parquet is a binary format: give --output FILE")
    filters = {
        "type": args.type,
        "country": args.country,
        "actor": args.actor,
        "since": args.since,
        "until": args.until,
        "near": _near(args.near),
        "text": args.text,
        "min_sources": args.min_sources,
        "sort": args.sort,
    }
    limit = args.limit if args.limit is not None else (TABLE_LIMIT if args.format == "table" else 0)
    if limit < 0:
        raise DatelineError(f"--limit {limit}: give 0 (all) or a positive number")
    if args.format == "table":
        events = list(iter_events(store, limit + 1 if limit else 0, **filters))
        if limit and len(events) > limit:
            events = events[:limit]
            print(f"dateline events: showing the first {limit} events; --limit 0 shows all", file=sys.stderr)
        return _table(events, args.output)
    events = iter_events(store, limit, **filters)
    n = write_events(events, args.format, out=sys.stdout, path=args.output)
    if args.output:
        print(f"dateline events: wrote {n} events to {args.output}", file=sys.stderr)
    return 0


def _figure(count: dict | None) -> str:
    if not count:
        return ""
    low, best, high = count.get("low"), count.get("best"), count.get("high")
    if low is not None and high is not None and low != high:
        return f"{low}-{high}"
    return str(best if best is not None else low if low is not None else high)


def _actors(event: dict, roles: tuple[str, ...]) -> str:
    return ", ".join(a["name"] for a in event.get("actors") or [] if a.get("role") in roles)


def _table(events: list[dict], output: str | None) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False)
    for col in ("id", "date", "type", "place", "initiator", "target", "killed", "src", "summary"):
        table.add_column(
            col, overflow="fold" if col == "summary" else "ellipsis", max_width=60 if col == "summary" else 24
        )
    for e in events:
        loc = e.get("location") or {}
        place = ", ".join(p for p in (loc.get("name"), loc.get("country")) if p)
        table.add_row(
            e["id"],
            (e.get("date") or {}).get("start") or "",
            e["type"],
            place,
            _actors(e, ("initiator",)),
            _actors(e, ("target", "victim")),
            _figure(e.get("fatalities")),
            str(e["sources_count"]),
            e.get("summary") or "",
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
        print(json.dumps(event, ensure_ascii=False, indent=2))
        return 0
    for line in describe_event(event):
        print(line)
    return 0


def describe_event(event: dict) -> list[str]:
    """A merged event as readable lines: what, when, where, who, figures, then every source with its evidence."""
    date, loc = event.get("date") or {}, event.get("location") or {}
    when = date.get("start") or "unknown date"
    if date.get("end") and date.get("end") != date.get("start"):
        when += f" to {date['end']}"
    lines = [
        f"{event['id']}  {event['type']}{' / ' + event['mode'] if event.get('mode') else ''}  "
        f"({event['certainty']}, {event['sources_count']} outlet{'s' if event['sources_count'] != 1 else ''})",
        f"  when:       {when} ({date.get('precision', 'unknown')})",
        f"  where:      {', '.join(str(v) for v in (loc.get('name'), loc.get('admin1'), loc.get('country')) if v)}"
        + (f"  [{loc['lat']:.4f}, {loc['lon']:.4f}]" if loc.get("lat") is not None else ""),
        f"  initiator:  {_actors(event, ('initiator',)) or '-'}",
        f"  target:     {_actors(event, ('target', 'victim')) or '-'}",
        f"  killed:     {_figure(event.get('fatalities')) or '-'}    injured: {_figure(event.get('injuries')) or '-'}",
        f"  summary:    {event.get('summary') or ''}",
        "  sources:",
    ]
    for s in event.get("sources") or []:
        lines.append(
            f"    - {s.get('outlet') or '?'} {s.get('published') or ''} [{s['report_id']}] "
            f"killed {_figure(s.get('fatalities')) or '-'}, {s.get('certainty')}"
            + (f"  {s['url']}" if s.get("url") else "")
        )
        lines += [
            f"        \u201c{_oneline(ev['sentence'])}\u201d [{ev['start']}:{ev['end']}]"
            for ev in s.get("evidence") or []
        ]
    for q in event.get("quotes") or []:
        lines.append(f"  quote [{q['report_id']}] {q.get('speaker') or '?'}: \u201c{_oneline(q['text'])}\u201d")
    return lines


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _stats(store, args: argparse.Namespace) -> int:
    stats = store.stats()
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
