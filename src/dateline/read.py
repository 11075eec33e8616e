"""Reading reports: plain text, HTML and JSON Lines, with `.meta.json` sidecars, from files, folders or stdin.

Every problem with an input (missing, binary, undecodable, empty, not English, impossible date)
becomes a one-line ``DatelineError`` naming the input, so a batch can report it and go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from dateline import DatelineError
from dateline.records import Report

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
GZIP_JSONL_SUFFIXES = tuple(s + ".gz" for s in sorted(JSONL_SUFFIXES))  # read row by row, never all at once
META_FIELDS = ("id", "published", "outlet", "url", "title", "language")
# The language check (see `detect_language`): it reads the first LANGUAGE_SAMPLE_CHARS characters. When at least
# NON_LATIN_LETTER_SHARE of their letters are of another script than Latin (Han, Cyrillic, Arabic...), the report
# is not English. Otherwise the identifier judges the first LANGUAGE_SAMPLE_WORDS Latin words of at most
# LANGUAGE_WORD_MAX_CHARS letters (URLs, codes, numbers and run-on tokens left out), and refuses the report only
# when it names another language with at least LANGUAGE_MIN_CONFIDENCE: a list of place names is no language.
# With fewer than MIN_WORDS_FOR_LANGUAGE_CHECK such words the text is too short to judge and taken as English.
LANGUAGE_SAMPLE_CHARS = 20_000
NON_LATIN_LETTER_SHARE = 0.3
LANGUAGE_SAMPLE_WORDS = 400
LANGUAGE_WORD_MAX_CHARS = 30
LANGUAGE_MIN_CONFIDENCE = 0.8
MIN_WORDS_FOR_LANGUAGE_CHECK = 12
# The largest report read, in megabytes of UTF-8 text (`dateline extract --max-mb`); a file past it is refused
# before it is read. A JSON Lines file holds many reports, so the limit applies to each row's text instead.
MAX_REPORT_MB = 5.0
# The latest publication date accepted, in days after today in UTC: a report's own time zone can be up to a day
# ahead of UTC, and anything later is a typo or a forgery that would date its events in the future.
PUBLISHED_DAYS_AHEAD = 1
_JSON_KINDS = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}


def iter_report_results(
    paths: list[str], overrides: dict | None = None, max_mb: float = MAX_REPORT_MB
) -> Iterator[Report | DatelineError]:
    """Each report found under `paths`, or the error that stopped one input, in order.

    A bad file stops only itself and a bad JSON Lines row only itself, so a batch reads everything good around
    them. Reports in a folder are named by their path inside it ('a/report'), so same-named files in two
    subfolders stay two reports.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    limit = round(max_mb * 1_000_000)
    for path in paths:
        if path == "-":
            yield from _results_from_bytes(sys.stdin.buffer.read(), "<stdin>", None, overrides, limit)
            continue
        folder = Path(path)
        if not folder.is_dir():
            yield from _results_from_file(folder, path, overrides, limit, default_id=None)
            continue
        files = report_files(folder)
        if not files:
            yield DatelineError(f"{path}: no .txt, .html, .jsonl or .jsonl.gz reports in this folder")
        for f in files:
            default_id = f.relative_to(folder).with_suffix("").as_posix()
            yield from _results_from_file(f, str(f), overrides, limit, default_id=default_id)


def iter_reports(paths: list[str], overrides: dict | None = None) -> Iterator[Report]:
    """Each report under `paths`; the first bad input raises."""
    for item in iter_report_results(paths, overrides):
        if isinstance(item, DatelineError):
            raise item
        yield item


def report_files(folder: Path) -> list[Path]:
    """The readable reports under a folder, recursively, in a stable order (sidecars and gold files left out)."""
    return sorted(f for f in folder.rglob("*") if f.is_file() and _is_report_file(f))


def _is_report_file(f: Path) -> bool:
    name = f.name.lower()
    readable = f.suffix.lower() in READABLE_SUFFIXES or name.endswith(GZIP_JSONL_SUFFIXES)
    return readable and not name.endswith((".meta.json", ".gold.json"))


def _results_from_file(
    p: Path, label: str, overrides: dict, limit: int, default_id: str | None
) -> Iterator[Report | DatelineError]:
    if not p.exists():
        yield DatelineError(f"{label}: no such file")
        return
    if p.name.lower().endswith(GZIP_JSONL_SUFFIXES):
        yield from _results_from_gzip_jsonl(p, label, overrides)
        return
    try:
        if p.suffix.lower() not in JSONL_SUFFIXES:
            check_size(p.stat().st_size, limit, label)
        data = p.read_bytes()
    except OSError as err:
        yield DatelineError(f"{label}: cannot read ({err.strerror})")
        return
    except DatelineError as err:
        yield err
        return
    yield from _results_from_bytes(data, label, p, overrides, limit, default_id)


def _results_from_gzip_jsonl(p: Path, label: str, overrides: dict) -> Iterator[Report | DatelineError]:
    """The rows of a gzip JSON Lines file, decompressed as they are read (a corpus of any size in flat memory)."""
    import gzip
    import zlib

    rows = 0
    try:
        with gzip.open(p, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                rows += bool(raw.strip())
                yield from _gzip_row(raw, f"{label}:{lineno}", overrides)
    except (OSError, EOFError, zlib.error) as err:
        yield DatelineError(f"{label}: cannot read as gzip ({err})")
        return
    if not rows:
        yield DatelineError(f"{label}: empty input")


def _gzip_row(raw: bytes, label: str, overrides: dict) -> Iterator[Report | DatelineError]:
    if not raw.strip():
        return
    try:
        yield report_from_json_line(raw.decode("utf-8-sig"), label, overrides)
    except UnicodeDecodeError as err:
        yield DatelineError(f"{label}: not valid UTF-8 text (byte {err.start}); convert it to UTF-8 first")
    except DatelineError as err:
        yield err


def _results_from_bytes(
    data: bytes, label: str, path: Path | None, overrides: dict, limit: int, default_id: str | None = None
) -> Iterator[Report | DatelineError]:
    try:
        text = decode(data, label)
        kind = _kind_of(path, text)
        if kind != "jsonl":
            check_size(len(data), limit, label)
            yield _report_from_text(text, kind, label, path, overrides, default_id)
            return
    except DatelineError as err:
        yield err
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                check_size(len(line.encode("utf-8", "surrogatepass")), limit, f"{label}:{lineno}")
                yield report_from_json_line(line, f"{label}:{lineno}", overrides)
            except DatelineError as err:
                yield err


def _report_from_text(
    text: str, kind: str, label: str, path: Path | None, overrides: dict, default_id: str | None
) -> Report:
    meta = read_sidecar(path) if path else {}
    body, html_title = html_to_text(text, label) if kind == "html" else (text, None)
    fields = {**meta, **overrides}
    if html_title and not fields.get("title"):
        fields["title"] = html_title
    return make_report(body, fields, label, default_id=default_id or (path.stem if path else None))


def _kind_of(path: Path | None, text: str) -> str:
    suffix = path.suffix.lower() if path else ""
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    head = text.lstrip()[:200].lower()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p")):
        return "html"
    return "text"


def check_size(size: int, limit: int, label: str) -> None:
    """A one-line error for a report of more than `limit` bytes (see MAX_REPORT_MB)."""
    if size > limit:
        raise DatelineError(
            f"{label}: report is {size / 1e6:.3g} MB, over the {limit / 1e6:g} MB limit on one report (--max-mb)"
        )


def decode(data: bytes, label: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if not data.strip():
        raise DatelineError(f"{label}: empty input")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DatelineError(f"{label}: cannot decode as UTF-16") from err
    if b"\x00" in data[:8192]:
        raise DatelineError(f"{label}: binary file, not a text, HTML or JSON Lines report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DatelineError(f"{label}: not valid UTF-8 text (byte {err.start}); convert it to UTF-8 first") from err


def read_sidecar(path: Path) -> dict:
    """Metadata from NAME.meta.json beside NAME.txt (or NAME.html), if there is one."""
    meta_path = path.with_name(path.stem + ".meta.json")
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DatelineError(f"{meta_path}: unreadable metadata sidecar ({err})") from err
    if not isinstance(meta, dict):
        raise DatelineError(f"{meta_path}: metadata sidecar must be a JSON object")
    return metadata(meta, str(meta_path))


def metadata(source: dict, label: str) -> dict[str, str]:
    """The metadata fields given in a sidecar, row or request, each checked to be text.

    A wrongly typed field is an error naming it rather than a crash or a silent str(): an integer id is the one
    value taken as its digits.
    """
    fields = {}
    for name in META_FIELDS:
        value = source.get(name)
        if name == "id" and type(value) is int:
            value = str(value)
        if value is not None:
            fields[name] = text_field(value, name, label)
    return fields


def text_field(value: object, name: str, label: str) -> str:
    """`value` if it is a string without NUL bytes (which PostgreSQL cannot store), else a one-line error."""
    if not isinstance(value, str):
        kind = _JSON_KINDS.get(type(value), type(value).__name__)
        raise DatelineError(f"{label}: field '{name}' must be a string, not {kind}")
    if "\x00" in value:
        raise DatelineError(f"{label}: field '{name}' contains a NUL byte")
    _check_unicode(value, f"{label}: field '{name}'")
    return value


def _check_unicode(value: str, what: str) -> None:
    """A lone surrogate (a JSON escape such as \\ud800 without its pair) is no character: no UTF-8 output, store
    or parser can take it, so it is refused where it is read."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise DatelineError(f"{what} is not valid Unicode (a lone surrogate at character {err.start})") from err


def html_to_text(html: str, label: str) -> tuple[str, str | None]:
    """The main text of an HTML page (boilerplate, menus and comments dropped) and its title."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise DatelineError(f"{label}: no article text found in the HTML")
    meta = trafilatura.extract_metadata(html)
    return text, (meta.title if meta else None)


def report_from_json_line(line: str, label: str, overrides: dict) -> Report:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        raise DatelineError(f"{label}: not valid JSON ({err.msg})") from err
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise DatelineError(f"{label}: each JSON Lines row needs a 'text' string")
    text = row["text"]
    html = row.get("html")
    if html is not None:
        text_field(html, "html", label)
    if html and not text.strip():
        text, _ = html_to_text(html, label)
    return make_report(text, {**row, **overrides}, label, default_id=None)


def make_report(text: str, fields: dict, label: str, default_id: str | None) -> Report:
    """A validated Report: non-empty English text, metadata fields that are text, a real publication date.

    NUL bytes are dropped from the text: SQLite would store them and PostgreSQL refuses them, so both store the same.
    """
    fields = metadata(fields, label)
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DatelineError(f"{label}: empty report text")
    _check_unicode(text, f"{label}: report text")
    published = parse_published(fields.get("published"), label)
    language = fields.get("language") or detect_language(text)
    if not language.lower().startswith("en"):
        raise DatelineError(
            f"{label}: report is in language '{language}'{_script_note(text)}, dateline reads English only"
        )
    report_id = fields.get("id") or default_id or "r-" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return Report(
        id=report_id,
        text=text,
        published=published,
        outlet=fields.get("outlet"),
        url=fields.get("url"),
        title=fields.get("title"),
        language="en",
        source_path=None if label.startswith("<") else label,
    )


def _script_note(text: str) -> str:
    script = other_script(text[:LANGUAGE_SAMPLE_CHARS])
    return f" (written mostly in {script if len(script) <= 3 else script.title()} letters)" if script else ""


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?$")


def parse_published(value: object, label: str) -> dt.date | None:
    """The publication day of YYYY-MM-DD (a full ISO timestamp is cut to its date), read here once for the whole
    pipeline; an impossible or future date is an error."""
    if value in (None, ""):
        return None
    m = _DATE_RE.match(str(value).strip())
    if not m:
        raise DatelineError(f"{label}: publication date '{value}' is not YYYY-MM-DD")
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as err:
        raise DatelineError(f"{label}: impossible publication date '{value}' ({err})") from err
    latest = latest_published()
    if day > latest:
        raise DatelineError(f"{label}: publication date '{value}' is in the future (the latest accepted is {latest})")
    return day


def latest_published() -> dt.date:
    """The latest publication date accepted now (see PUBLISHED_DAYS_AHEAD)."""
    return dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=PUBLISHED_DAYS_AHEAD)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, 'und' when it is not English but cannot be named.

    The script decides first, since the identifier reads text without spaces (Chinese, Japanese) as too few words,
    and the identifier then reads only real words, since one run-on token or a table of figures swings it to
    'no language'. Short texts are taken as English (too little to judge).
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if other_script(sample) is not None:
        lang, _ = _identifier().classify(sample)
        return "und" if lang == "en" else lang
    words = latin_words(sample)[:LANGUAGE_SAMPLE_WORDS]
    if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return "en"
    lang, confidence = _identifier().classify(" ".join(words).lower())
    return lang if confidence >= LANGUAGE_MIN_CONFIDENCE else "en"


def other_script(sample: str) -> str | None:
    """The most common non-Latin script of the sample's letters ('CJK', 'CYRILLIC', 'ARABIC'...), if at least
    NON_LATIN_LETTER_SHARE of the letters are in such scripts."""
    scripts = Counter(_script(ch) for ch in sample if ch.isalpha())
    letters = sum(scripts.values())
    latin = scripts.pop("LATIN", 0)
    if not letters or (letters - latin) / letters < NON_LATIN_LETTER_SHARE:
        return None
    return scripts.most_common(1)[0][0]


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The script of a letter: the first word of its Unicode name ('LATIN', 'CJK', 'HIRAGANA', 'CYRILLIC')."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019-][A-Za-z\u00c0-\u024f]+)*")


def latin_words(sample: str) -> list[str]:
    """The sample's words in Latin letters, leaving out whitespace-parted tokens that hold a digit, a slash or an
    '@' (figures, URLs, addresses) or are longer than LANGUAGE_WORD_MAX_CHARS."""
    words: list[str] = []
    for token in sample.split():
        if len(token) > LANGUAGE_WORD_MAX_CHARS or any(c.isdigit() or c in "/@" for c in token):
            continue
        words.extend(_LATIN_WORD_RE.findall(token))
    return words


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's identifier with probabilities normalised, so its confidence can be compared to a threshold."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
