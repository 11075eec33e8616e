"""The layout of a report: which part of its text is the headline, the wire dateline, a line or a paragraph.

A report reaches the pipeline as plain text, where layout survives only as typography: a first line with no
closing punctuation is a headline; an upper-case place name opening a paragraph before a dash
('BAGHDAD (Reuters) -', 'SANTIAGO, 31 JUL 88 (EL MERCURIO) --') is the wire dateline, where the report was
filed; a line break ends a paragraph (most reports put each paragraph on one line), and a blank line always does.
Every stage asks this module instead of reading the typography itself:

- parse (``nlp.py``): a line break ends a sentence, and so does a dateline's dash (`mark_line_breaks`, `ends_line`);
- places (``geocode.py``): an upper-case name before a dash is a filing place (`dateline_head`);
- entities (``entities.py``): a name never runs across a line (`ends_line`, `line_bounds`), and the name in
  brackets after a dateline is the outlet (`dateline_outlet`);
- quotes (``quotes.py``): a quote's cue is sought in its own line and the one before (`line_bounds`,
  `previous_line_start`);
- events (``events/``): the headline is not news (`headline`), the dateline places undescribed news
  (`wire_dateline`), and a paragraph is one scene of the story (`paragraph_breaks`, `paragraph_of`).

The three dateline tests are the ones the stages used before they were gathered here, kept as they were: they
still disagree at the edges (which dashes count, how far into the text), which is later work, to be measured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from dateline.lexicon import lexicon

# --- lines and paragraphs -------------------------------------------------------------------------------------


def ends_line(tok: Token) -> bool:
    """A token that ends its line: a line break in it or in the whitespace after it."""
    return "\n" in tok.text or "\n" in tok.whitespace_


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line that holds text[start:end] (a paragraph, in most reports): from after the line break before it
    to the next line break, or to the end of the text."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def previous_line_start(text: str, offset: int) -> int:
    """Where the line before the one holding an offset begins (0 when there is none)."""
    return text.rfind("\n", 0, max(0, text.rfind("\n", 0, offset) - 1)) + 1


# Hard-wrapped copy (older wire feeds, e-mail, plain-text archives) breaks its lines at a fixed width inside
# sentences; a paragraph then starts after a blank line or with an indent. A text is taken for wrapped when it has
# WRAP_MIN_JOINS or more line breaks inside paragraphs and at least WRAP_SHARE of them follow a line that fills
# WRAP_FILL of the widest line and does not end a sentence.
WRAP_MIN_JOINS = 4
WRAP_SHARE = 0.5
WRAP_FILL = 0.6
WRAP_WIDTH = 120  # no wrapping is wider than this
_CLOSES_SENTENCE = (".", "!", "?", ":", '"', "”", "'", "--")


def unwrap(text: str) -> str:
    """The text with the line breaks of hard-wrapped paragraphs made spaces (the same length, so every offset
    stays), so that a line break ends a paragraph in every report; any other text as it is."""
    lines = text.split("\n")
    width = max(len(line.rstrip()) for line in lines)
    if width > WRAP_WIDTH:
        return text
    inside = [k for k in range(len(lines) - 1) if lines[k].strip() and lines[k + 1][:1].strip()]
    wrapped = [k for k in inside if _fills_line(lines[k], width)]
    if len(inside) < WRAP_MIN_JOINS or len(wrapped) < WRAP_SHARE * len(inside):
        return text
    joined = set(wrapped)
    return "".join(line + ("" if k == len(lines) - 1 else " " if k in joined else "\n") for k, line in enumerate(lines))


def _fills_line(line: str, width: int) -> bool:
    line = line.rstrip()
    return len(line) >= WRAP_FILL * width and not line.endswith(_CLOSES_SENTENCE)


def paragraph_breaks(text: str) -> list[int]:
    """The offsets of the blank lines that part a report's paragraphs, in order."""
    return [mt.start() for mt in re.finditer(r"\n\s*\n", text)]


def paragraph_of(breaks: list[int], offset: int) -> int:
    """The paragraph an offset falls in, counted from 0, given the report's `paragraph_breaks`."""
    return sum(1 for b in breaks if b < offset)


# --- sentence starts for the parser ---------------------------------------------------------------------------

DATELINE_DASHES = lexicon().words("layout/dateline_dashes")


def mark_line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and captions have no full stop to split on."""
    para_start = 0
    for tok in doc[1:]:
        if ends_line(doc[tok.i - 1]):
            tok.is_sent_start = True
            para_start = tok.i
        elif tok.i - para_start < 12 and doc[tok.i - 1].text in DATELINE_DASHES and _starts_with_caps(doc, para_start):
            tok.is_sent_start = True  # "BAMAKO, Mali (Wire) - Gunmen ...": the dateline is not part of the lead
            _keep_lead_whole(doc, tok.i)
    return doc


def _keep_lead_whole(doc: Doc, start: int) -> None:
    """The parser, seeing a sentence begin after the dateline, likes to cut off its first word ("Four"):
    keep the lead sentence in one piece up to its closing full stop."""
    for tok in doc[start + 1 : start + 80]:
        if "\n" in tok.text or "\n" in doc[tok.i - 1].whitespace_:
            return
        if doc[tok.i - 1].text in (".", "!", "?") and doc[tok.i - 1].whitespace_:
            return
        tok.is_sent_start = False


def _starts_with_caps(doc: Doc, start: int) -> bool:
    first = doc[start].text
    return len(first) > 2 and first.isupper() and first.isalpha()


# --- the headline ---------------------------------------------------------------------------------------------


def headline(sents: list[Span]) -> Span | None:
    """The report's headline, when a body follows it: its first line, if that has no closing punctuation."""
    return sents[0] if len(sents) > 2 and _is_headline(sents[0]) else None


def _is_headline(sent: Span) -> bool:
    """A first line with no closing punctuation: a headline, which restates the lead in telegraphic grammar."""
    text = sent.text.rstrip()
    return "\n" in sent.text and len(sent) < 25 and not text.endswith((".", "!", "?", '"', "”", "'"))


# --- the wire dateline ----------------------------------------------------------------------------------------

# The filing date a wire dateline may carry: 'Jan 4', 'Dec. 3, 2026', '31 JUL 88', or 'NO DATE'.
_MONTH = r"(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-zA-Z]*\.?"
_FILED = rf"(?:\d{{1,2}}\s+{_MONTH}(?:\s+\d{{2,4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|NO DATE)"
DATELINE_RE = re.compile(
    r"^[ \t]*(?P<city>[A-Z][A-Z'’.\- ]{2,40}?)"
    r"(?:\s*\((?P<bracketed>[A-Z][A-Za-z .]{2,30})\)(?=,))?"  # 'MEXICO CITY (MEXICO), 12 JAN 90 (OUTLET) --'
    rf"(?:,\s*(?!{_MONTH}\s+\d|NO DATE)(?P<region>[A-Z][A-Za-z .]{{2,30}}?))?"
    rf"(?:,\s*(?P<filed>{_FILED}))?"
    r"\s*(?:\([^)\n]{1,60}\))?\s*[-–—:]{1,2}\s",
    re.MULTILINE,
)
# What follows the upper-case name of a dateline head: a dash, or the comma or bracket before its region or outlet.
DATELINE_HEAD_ENDS = lexicon().words("layout/dateline_head_ends")


@dataclass(frozen=True)
class WireDateline:
    """A dateline as written: its city (offsets into the report's text) and the region after it, if any."""

    city: str
    start: int
    end: int
    region: str | None = None


def wire_dateline(text: str) -> WireDateline | None:
    """The wire dateline ('MOSUL, Iraq (Wire) -', 'SANTIAGO, 31 JUL 88 (OUTLET) --') of a report: a line in its
    first 600 characters opening with an upper-case city, then a region, the filing date, an outlet in brackets,
    and a dash, a double dash or a colon."""
    m = DATELINE_RE.search(text[:600])
    if m is None:
        return None
    region = m["region"] or m["bracketed"]
    return WireDateline(city=m["city"], start=m.start("city"), end=m.end("city"), region=region)


def dateline_head(doc: Doc, start: int, end: int) -> bool:
    """'TORRINGTON —', 'KANDAHAR, Afghanistan': an upper-case name opening a paragraph is where a report was filed."""
    if not doc[start].is_sent_start or not all(t.is_upper or t.is_punct for t in doc[start:end]):
        return False
    if end >= len(doc) or doc[end].text not in DATELINE_HEAD_ENDS:
        return False
    return doc[end].text in {",", "("} or bool(doc[end - 1].whitespace_)


def dateline_outlet(text: str, start: int, last: int) -> bool:
    """'KABUL (Outlet) -': a name starting at ``start`` (its last word at ``last``) in brackets after an upper-case
    dateline is the news outlet."""
    line = text[text.rfind("\n", 0, start) + 1 : start]
    return bool(re.fullmatch(r"[A-Z][A-Z .,'’-]+\(", line.rstrip())) and text[last:].find(")") < 40
