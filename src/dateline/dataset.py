"""`dateline ingest --out DIR.parquet`: the run's report events and the store's merged events as Parquet datasets.

A dataset is a folder of part files that Spark, DuckDB, pandas and pyarrow read as one table
(``DIR/reports/*.parquet``: one row per event of each report stored in this run, a part per stored batch, so
memory stays flat; ``DIR/merged/*.parquet``: the store's merged events after the run, a part per
``MERGED_PART`` events, in the columns of ``dateline events --format parquet``).
"""

from __future__ import annotations

import json
from pathlib import Path

from dateline import DatelineError
from dateline.records import Extraction, iso

MERGED_PART = 50_000  # merged events per part file
REPORT_COLUMNS = {  # column -> pyarrow type name
    "report_id": "string",
    "event_key": "string",
    "outlet": "string",
    "published": "string",
    "url": "string",
    "title": "string",
    "type": "string",
    "mode": "string",
    "date_start": "string",
    "date_end": "string",
    "date_precision": "string",
    "location": "string",
    "admin1": "string",
    "country_code": "string",
    "latitude": "float64",
    "longitude": "float64",
    "fatalities_best": "int64",
    "injuries_best": "int64",
    "certainty": "string",
    "summary": "string",
    "event_json": "string",
}


def _report_rows(extraction: Extraction) -> list[dict]:
    from dateline.merge import event_key

    r = extraction.report
    rows = []
    for ev in extraction.events:
        date, loc = ev.date, ev.location
        rows.append(
            {
                "report_id": r.id,
                "event_key": event_key(r.id, ev.id),
                "outlet": r.outlet,
                "published": iso(r.published),
                "url": r.url,
                "title": r.title,
                "type": ev.type,
                "mode": ev.mode,
                "date_start": iso(date.start),
                "date_end": iso(date.end),
                "date_precision": date.precision,
                "location": loc.name,
                "admin1": loc.admin1,
                "country_code": loc.country,
                "latitude": loc.lat,
                "longitude": loc.lon,
                "fatalities_best": ev.fatalities and ev.fatalities.best,
                "injuries_best": ev.injuries and ev.injuries.best,
                "certainty": ev.certainty,
                "summary": ev.summary,
                "event_json": json.dumps(ev.model_dump(mode="json"), ensure_ascii=False),
            }
        )
    return rows


class ParquetDataset:
    """Writes ``reports`` part files as batches are stored, and the ``merged`` parts at the end."""

    def __init__(self, path: str) -> None:
        self.root = Path(path)
        if self.root.exists() and not self.root.is_dir():
            raise DatelineError(f"--out {path}: exists and is not a folder (a Parquet dataset is a folder of parts)")
        for part in ("reports", "merged"):
            folder = self.root / part
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise DatelineError(f"--out {path}: cannot create {folder} ({err.strerror})") from err
            for old in folder.glob("part-*.parquet"):  # a re-run replaces the dataset instead of mixing two runs
                old.unlink()
        self.parts = 0

    def add(self, extractions: list[Extraction]) -> None:
        """One part file of the report events of a stored batch."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [row for x in extractions for row in _report_rows(x)]
        if not rows:
            return
        schema = pa.schema([pa.field(c, getattr(pa, t)()) for c, t in REPORT_COLUMNS.items()])
        pq.write_table(
            pa.Table.from_pylist(rows, schema=schema), self.root / "reports" / f"part-{self.parts:05}.parquet"
        )
        self.parts += 1

    def write_merged(self, store) -> int:
        """The store's merged events, in parts of MERGED_PART; returns how many."""
        from dateline.export import write_parquet
        from dateline.filters import EventFilter

        total, part, chunk = 0, 0, []
        for event in store.iter_events(EventFilter(), limit=0, sort="date"):
            chunk.append(event)
            if len(chunk) == MERGED_PART:
                total += write_parquet(chunk, str(self.root / "merged" / f"part-{part:05}.parquet"))
                part, chunk = part + 1, []
        if chunk or not part:
            total += write_parquet(chunk, str(self.root / "merged" / f"part-{part:05}.parquet"))
        return total
