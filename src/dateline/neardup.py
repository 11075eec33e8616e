"""Near-identical copies: found cheaply by MinHash, and given an earlier copy's extraction re-anchored on their text.

A wire story reaches several outlets with small edits: a byline, a '(Wire)' credit, a 'Reporting by' line, a
caption, other spacing, a trimmed last paragraph. Its copies are found by the MinHash signature of their word
5-shingles (``signature``; the hash functions come from a fixed seed through hashlib and zlib, so a signature is
the same in every process and on every machine) in a banded LSH index (``Index``), among earlier reports of the
same publication date whose estimated Jaccard similarity is at least ``THRESHOLD`` (0.8).

A copy then takes the earlier extraction with every character offset moved onto its own text (``reanchor``),
through a token alignment of the two texts. The re-use is refused, and the copy extracted as usual, unless it is
what extracting the copy would give: every span (trigger, evidence sentence, time, place, quote, entity mention)
is found with the very same characters in the copy, the spans keep their paragraphs and lines apart as before
(paragraphs and lines group an event's mentions and find a quote's speaker), and the wire dateline and the
headline, which place and skip news without being a span of it, are the same. What the copy alone says (a
byline's name, a caption) is not read: it carries no event of the story.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from bisect import bisect_right
from collections import OrderedDict
from difflib import SequenceMatcher

import numpy as np

from dateline.records import Extraction, Report, offset_records

SHINGLE = 5  # words a shingle holds
HASHES = 128  # MinHash functions: an estimate of a Jaccard similarity of 0.8 is within about 0.035
BANDS = 32  # LSH bands of 4 rows: a pair at 0.8 shares one with odds 0.99999, at 0.3 with 0.23 (then compared)
# Estimated Jaccard similarity from which a report is tried as a near copy: a 'Reporting by' line costs a 100-word
# story 0.1 of it; a copy is only ever taken on the exact test of ``reanchor``, which costs a few milliseconds.
THRESHOLD = 0.8
_PRIME = (1 << 31) - 1  # the universal hashes (a * x + b) mod p stay inside uint64
Signature = np.ndarray  # HASHES uint32 minima, one per hash function
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _seeded(i: int) -> tuple[int, int]:
    """The i-th hash function's (a, b), from a fixed seed: the same on every machine, unlike Python's hash()."""
    digest = hashlib.sha256(f"dateline-minhash-{i}".encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % (_PRIME - 1), int.from_bytes(digest[8:16], "big") % _PRIME


_A, _B = (np.array(column, dtype=np.uint64)[:, None] for column in zip(*map(_seeded, range(HASHES)), strict=True))


def shingles(text: str) -> set[str]:
    """The text's word 5-shingles, case, punctuation, quote marks and spacing aside (a shorter text is one)."""
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))} if words else set()


def signature(text: str) -> Signature | None:
    """The MinHash signature of the text's shingles (HASHES uint32 values); None for a text without words."""
    found = shingles(text)
    if not found:
        return None
    x = np.fromiter((zlib.crc32(s.encode()) % _PRIME for s in found), dtype=np.uint64, count=len(found))
    return ((_A * x + _B) % _PRIME).min(axis=1).astype(np.uint32)


def similarity(a: Signature, b: Signature) -> float:
    """The Jaccard similarity of two texts' shingles, as their signatures estimate it."""
    return float(np.mean(a == b))


class Index:
    """The signatures of the most recent ``size`` reports, banded by publication date: which are near copies."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._signatures: OrderedDict[str, tuple[Signature, list[tuple]]] = OrderedDict()
        self._bands: dict[tuple, set[str]] = {}

    def add(self, key: str, sig: Signature, published: dt.date | None) -> None:
        """Remember a report (by its extraction key), forgetting the oldest beyond ``size``."""
        if key in self._signatures:
            return
        bands = _bands(sig, published)
        self._signatures[key] = (sig, bands)
        for band in bands:
            self._bands.setdefault(band, set()).add(key)
        while len(self._signatures) > self.size:
            self._forget(next(iter(self._signatures)))

    def similar(self, sig: Signature, published: dt.date | None) -> list[str]:
        """Keys of the remembered reports of this date at THRESHOLD or more, the most similar first."""
        keys = set().union(*(self._bands.get(band, ()) for band in _bands(sig, published)))
        scored = [(similarity(sig, self._signatures[k][0]), k) for k in keys]
        return [k for score, k in sorted(scored, reverse=True) if score >= THRESHOLD]

    def _forget(self, key: str) -> None:
        _, bands = self._signatures.pop(key)
        for band in bands:
            members = self._bands[band]
            members.discard(key)
            if not members:
                del self._bands[band]


def _bands(sig: Signature, published: dt.date | None) -> list[tuple]:
    """The LSH buckets of a signature: its date with each band of rows (two reports share one: a candidate)."""
    return [(published, n, part.tobytes()) for n, part in enumerate(np.split(sig, BANDS))]


# ---- re-anchoring ---------------------------------------------------------------------------------------------


class Alignment:
    """Where each character of one text is in another, inside the tokens the two share in order."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        a = [m.span() for m in _TOKEN.finditer(old)]
        b = [m.span() for m in _TOKEN.finditer(new)]
        matcher = SequenceMatcher(None, [old[s:e] for s, e in a], [new[s:e] for s, e in b], autojunk=False)
        self._starts: list[int] = []  # old start of each shared token, in order
        self._ends: list[int] = []
        self._shift: list[int] = []  # its new start minus its old start
        for i, j, n in matcher.get_matching_blocks():
            for k in range(n):
                self._starts.append(a[i + k][0])
                self._ends.append(a[i + k][1])
                self._shift.append(b[j + k][0] - a[i + k][0])

    def position(self, offset: int) -> int | None:
        """The new offset of the old character at ``offset``; None outside the shared tokens."""
        k = bisect_right(self._starts, offset) - 1
        return offset + self._shift[k] if k >= 0 and offset < self._ends[k] else None

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new offsets of old [start, end) when the new text has the very same characters there."""
        if end <= start:
            return None
        first, last = self.position(start), self.position(end - 1)
        if first is None or last is None or self.new[first : last + 1] != self.old[start:end]:
            return None
        return first, last + 1


def reanchor(extraction: Extraction, report: Report) -> Extraction | None:
    """The extraction of a near copy of another report's text, as this report's own; None when it is not
    exactly what extracting the report would give (a span changed, moved across a paragraph or line, or the
    dateline or the headline differs)."""
    old, new = extraction.report.text, report.text
    if extraction.report.published != report.published:
        return None
    align = Alignment(old, new)
    data = extraction.model_dump(exclude={"report"})
    moved: list[tuple[int, int]] = []  # (old start, new start) of every span
    if not _move_spans(data, align, moved) or not _layout_kept(align, moved):
        return None
    return Extraction.model_validate({**data, "report": report})


def _move_spans(data: dict, align: Alignment, moved: list[tuple[int, int]]) -> bool:
    """Every record with character offsets, moved onto the new text in place; False at the first one whose
    characters the new text does not have."""
    for node in offset_records(data):
        span = align.span(node["start"], node["end"])
        if span is None:
            return False
        moved.append((node["start"], span[0]))
        node["start"], node["end"] = span
    return True


def _layout_kept(align: Alignment, moved: list[tuple[int, int]]) -> bool:
    """The spans keep their paragraphs and lines (one to one), the wire dateline is the same, and no line is the
    headline (which is not news) of one text and news in the other."""
    from dateline.layout import paragraph_breaks, wire_dateline

    old, new = align.old, align.new
    if not _one_to_one(paragraph_breaks(old), paragraph_breaks(new), moved):
        return False
    if not _one_to_one(_line_breaks(old), _line_breaks(new), moved):
        return False
    was, now = wire_dateline(old), wire_dateline(new)
    if was is None or now is None:
        if was is not now:
            return False
    elif (was.city, was.region) != (now.city, now.region) or align.position(was.start) != now.start:
        return False
    # a headline is not news: no line may be the headline of one text and news in the other
    head_was, head_now = _headline(old), _headline(new)
    if head_was == head_now:
        return True
    return (head_was is None or head_was not in new) and (head_now is None or head_now not in old)


def _one_to_one(breaks_old: list[int], breaks_new: list[int], moved: list[tuple[int, int]]) -> bool:
    """Spans in one part (paragraph or line) of the old text are in one part of the new, and apart stay apart."""
    pairs = {(bisect_right(breaks_old, o), bisect_right(breaks_new, n)) for o, n in moved}
    return len({o for o, _ in pairs}) == len(pairs) == len({n for _, n in pairs})


def _line_breaks(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\n", text)]


def _headline(text: str) -> str | None:
    """The first line when it reads as a headline (no closing punctuation, as layout.headline tells)."""
    first, newline, _ = text.lstrip().partition("\n")
    line = first.rstrip()
    if not newline or not line or len(_TOKEN.findall(line)) >= 25:
        return None
    return None if line.endswith((".", "!", "?", '"', "”", "'")) else line
