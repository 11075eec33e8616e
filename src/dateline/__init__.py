"""dateline: news reports in, evidenced event records out.

The Python API (docs/python.md): ``dateline.extract(text, published=...)`` reads one report into an
``Extraction``; ``dateline.Store(path_or_url)`` ingests reports and queries merged events. Both load on first use,
so ``import dateline`` stays cheap (the command line imports it for every sub-command).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dateline.records import Extraction
    from dateline.store import Store

__all__ = ["DatelineError", "Store", "__version__", "extract"]


class DatelineError(Exception):
    """A problem with the user's input or environment, shown as one line on stderr (never a traceback)."""


def extract(
    text: str,
    *,
    published: str | dt.date | None = None,
    outlet: str | None = None,
    title: str | None = None,
    url: str | None = None,
    id: str | None = None,  # noqa: A002 - the report field's name
) -> Extraction:
    """Every event, quote, entity, place and time of one report, as `dateline extract` reads it.

    The text and metadata are checked as a report file's are (a DatelineError for empty text or an impossible
    date); without ``id`` the report's id comes from its text's hash.
    """
    from dateline import pipeline
    from dateline.read import make_report

    if isinstance(published, dt.date):
        published = published.isoformat()
    fields = {"published": published, "outlet": outlet, "title": title, "url": url, "id": id}
    report = make_report(text, {k: v for k, v in fields.items() if v is not None}, "<text>", default_id=None)
    return pipeline.extract(report)


def __getattr__(name: str) -> Any:
    """``dateline.Store`` imports the store (SQLAlchemy, pydantic) only when it is first used."""
    if name == "Store":
        from dateline.store import Store

        return Store
    raise AttributeError(f"module 'dateline' has no attribute {name!r}")
