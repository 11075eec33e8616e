"""dateline: news reports in, evidenced event records out."""

__version__ = "0.1.0"


class DatelineError(Exception):
    """A problem with the user's input or environment, shown as one line on stderr (never a traceback)."""
