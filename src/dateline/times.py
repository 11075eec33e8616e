"""Temporal normaliser: finds time expressions in a report and resolves them, TIMEX3-style.

News text dates events relative to the publication date (the document creation time, P), so most
expressions ('Thursday', 'late last month', 'three days ago') only mean something once anchored to P.
Detection combines a small grammar of compiled patterns (one rule per kind of expression, each with its
resolver) with spaCy's DATE/TIME entities, which miss or mis-bound many news forms.

Conventions (documented here because downstream stages rely on them):
- A bare weekday, month or holiday means the most recent one on or before P (news report the past), unless
  the clause points forward ('will meet on Monday', 'is expected in April', 'by Jan. 14') or the phrase says
  'next'. A month/day without a year takes the nearer of its two occurrences around P (reports give the year
  for other years, so 'Jan. 14' in a Jan. 5 report is nine days ahead), keeping the past one in a past-tense
  clause unless that is most of a year back and the coming one within a month. A bare month up to three months
  ahead is the coming one unless the clause is in the past tense. A possessive weekday ('Tuesday's vote') is past
  unless it follows 'ahead of' / 'until'. 'since X' always reaches back. A past tense dates only the phrases that
  hang close to its verb ('fell in November', not 'cut its outlook for November shipments'); an infinitive after a
  noun is still to come ('the rules to be published in May').
- Nights: 'overnight into Sunday' / 'Saturday night into Sunday' cover both days (value 2023-07-01TNI); a bare
  'overnight' is the night into the day its sentence names, else into P. 'over the weekend' runs Friday..Sunday
  (Friday-night raids), 'the weekend' Saturday..Sunday.
- Clock times ('about 10 a.m.', '0600 GMT', 'dawn') take the day named last before them (within a paragraph or
  so); inside a named night, the small hours go to its morning side but keep the night as their range. With no day
  named, they are P or the day before (range).
- Adjectival 'current' / 'recent' are PRESENT_REF / PAST_REF without a calendar range (they date a state, not an
  event); 'recent months', 'days ago', 'a few years ago' carry an estimated range ending at or before P.
- Quarters: 'the quarter' / 'the latest quarter' is the last one ended by P (what a results report covers), unless
  the report has named a quarter shortly before ('its fiscal first quarter ... in the quarter'; a comparison a year
  back or, for 'the latest', one not yet over does not count); 'year-ago' / 'year-earlier' is that quarter a year
  before. Decades are written as TimeML does ('199').
- Phrases anchored to an event in the text ('the next day', 'later that year') keep anchor 'text'. find_times
  counts them from the date named last before them (if it is fine enough: not 'the next day' after 'in 2019');
  otherwise, and for 'the day before the vote' (counted from an event named next) and in resolve_expression, the
  value stays None for the events stage to resolve against the event they follow.
- 'early/mid/late X' keeps X's value (e.g. 2023-12) but narrows start_date/end_date to the first, middle or
  last third of X; precision is then 'range' because the covered days are narrower than X. 'this week/month/year'
  in a past (future) clause covers only the part before (after) P; 'earlier this month' ends the day before P.
- 'since X' keeps X's value and covers X..P with precision 'range'; 'the past three months' is a DURATION
  (P3M) covering P-3 months..P. Spans leave out 'before' / 'after' ('three days' in 'three days after the vote'),
  as TimeML does; 'ago', 'earlier' and 'later' stay in.
- Offsets ('three days ago', 'a week earlier', 'almost four years to the day') are counted back from P; the
  precision follows the unit (days give a day, months a month, years a year). Round figures stay approximate:
  'almost four years to the day' covers a week either side of that day, 'two decades earlier' the ten years
  around the year it points at (precision 'decade').
- 'a year ago' / 'a year earlier' right after a named quarter or half (within a paragraph) compares that period
  with the same one a year back: 'third-quarter profit rose from a year earlier' is 1988-Q3, not 1988 (anchor
  'text'); after a month or season it stays the year. 'the 1988 period', "last year's quarter", 'the same period a
  year ago' are the quarter (half, month) under discussion in that year, else the year itself.
- Without P, absolute expressions still resolve; relative ones get value None and anchor 'none'.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from dateline import DatelineError
from dateline.lexicon import alternation, lexicon
from dateline.records import TimeMention

# ---------------------------------------------------------------------------------------------- lexicon

_MONTHS: dict[str, int] = lexicon().table("time/months")
_WEEKDAYS: dict[str, int] = lexicon().table("time/weekdays")
_NUMBERS: dict[str, int] = lexicon().table("time/numbers")
# Vague quantities: TIMEX3 writes them as X; the number is only used to estimate a covered range.
_VAGUE: dict[str, int] = lexicon().table("time/vague_numbers")
# Number words by value, for compound numbers ('twenty-one') and years as transcripts say them ('nineteen ninety-six').
_SPOKEN_NUMBERS: dict[str, list[str]] = lexicon().table("time/spoken_numbers")
_TEENS, _TENS, _ONES = _SPOKEN_NUMBERS["teens"], _SPOKEN_NUMBERS["tens"], _SPOKEN_NUMBERS["ones"]
_ORDINALS: dict[str, int] = lexicon().table("time/ordinals")
_SEASONS: dict[str, str] = lexicon().table("time/seasons")
_PARTS: dict[str, str] = lexicon().table("time/day_parts")
_UNIT_CODES: dict[str, str] = lexicon().table("time/unit_codes")
_TIME_UNITS = lexicon().words("time/clock_units")  # the units TIMEX3 writes as times (PT...), not dates
_DAY_UNITS = lexicon().words("time/day_units")
_WEEK_UNITS = lexicon().words("time/week_units")
_DECADE_UNITS = lexicon().words("time/decade_units")
_NEXT = lexicon().words("time/next_words")  # 'next', 'the coming'
_LAST = lexicon().words("time/last_words")  # 'last', 'this past', 'previous'
_THIS = lexicon().words("time/this_words")
_FULL_SHORT_MONTHS = lexicon().words("time/full_short_months")  # 'may', 'june', 'july': not abbreviations
_DEADLINE_GRACE = 7  # days a forward-pointing month/day may lie before P and still be this year's
_ABOUT_DAYS = 7  # 'almost N years to the day' covers this many days either side of the day
# How far back an unnumbered 'recent weeks' reaches, in days: an estimate, so precision stays 'range'.
_RECENT_DAYS: dict[str, int] = lexicon().table("time/recent_days")


def _phrase_alt(name: str) -> str:
    """A word list of the lexicon as a regex alternation, in file order, with any whitespace between words."""
    return alternation(lexicon().phrases(name), r"\s+")


def _alt(words: list[str]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


def _names(words: dict[str, int], strict: bool, abbrev: bool) -> str:
    """Month or weekday names; in strict (detection) mode they must be capitalised, to skip the modal 'may'."""
    forms = []
    for word in words:
        is_abbr = len(word) <= 4 and word not in _FULL_SHORT_MONTHS
        if is_abbr and not abbrev:
            continue
        tail = (r"(?:\.|(?=\s*\d))" if strict else r"\.?") if is_abbr else ""
        forms.append(f"{word.capitalize()}{tail}" if strict else f"{word}{tail}")
        if strict:
            forms.append(f"{word.upper()}{tail}")
    body = "|".join(sorted(forms, key=len, reverse=True))
    return f"(?-i:{body})" if strict else f"(?:{body})"


_NUM = (
    rf"(?:\d+(?:\.\d+|\s+1/2)?|(?:{'|'.join(_TENS)})[\s-](?:{'|'.join(_ONES)})|"
    + _alt(list(_NUMBERS) + list(_VAGUE))
    + r")(?:\s+and\s+a\s+half)?"
)
_UNIT = r"(?:second|minute|hour|day|week(?:end)?|fortnight|month|year|decade|centur(?:y|ie))s?"
_MOD = (
    r"(?:(?P<mod>early|mid|middle|late|the\s+(?:end|beginning|start|middle|close)\s+of"
    r"|(?:end|beginning|start|middle)\s+of)(?:\s*-\s*|\s+))"
)
_REL = f"(?P<rel>{_phrase_alt('time/relative_words')})"  # before a month, weekday, season or holiday
_UNIT_REL = _phrase_alt("time/unit_relative_words")  # before a calendar unit
_YEAR_RELS: dict[str, int] = lexicon().table("time/year_rels")  # 'last year': years from P's
_SEASON_NAMES = alternation(_SEASONS)
_DAYNUM = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_APPROX = rf"(?:(?P<approx>{_phrase_alt('time/approximators')})\s+)?"


# years as broadcast transcripts write them: 'nineteen ninety-six', 'the year two thousand', 'two thousand and one'
_SPOKEN_YEAR = (
    rf"(?:(?P<cent>nineteen|twenty)[\s-](?P<tens>{'|'.join(_TEENS + _TENS)})(?:[\s-](?P<ones>{'|'.join(_ONES)}))?"
    rf"|(?P<y2k>(?:the\s+year\s+)?two\s+thousand)(?:\s+and\s+(?P<ones2>{'|'.join(_ONES)}))?(?!\s+[a-z]+s\b))"
)


# ----------------------------------------------------------------------------------------- date helpers


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(d.day, _last_day(year, month + 1)))


def _shift(d: date, unit: str, n: float) -> date:
    """Move d by n units (negative = back); months and years clamp to month ends (Feb 29 -> Feb 28)."""
    if unit in _DAY_UNITS:
        days = n if unit == "day" else n / {"hour": 24, "minute": 1440, "second": 86400}[unit]
        return d + timedelta(days=round(days))
    if unit in _WEEK_UNITS:
        return d + timedelta(days=round(n * (14 if unit == "fortnight" else 7)))
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}[unit]
    return _add_months(d, round(n * months))


# ------------------------------------------------------------------------------------------ the results


@dataclass
class _Res:
    """A resolved expression before it gets its text and offsets."""

    value: str | None
    type: str = "DATE"
    start: date | None = None
    end: date | None = None
    precision: str = "unknown"
    anchor: str = "publication"


class _NoAnchor(Exception):
    """Raised by a resolver that needs the publication date when there is none."""


@dataclass
class _Ctx:
    published: date | None
    future: bool = False
    past: bool = False  # the clause is clearly in the past tense

    @property
    def p(self) -> date:
        if self.published is None:
            raise _NoAnchor
        return self.published


def _day(d: date, anchor: str = "publication") -> _Res:
    return _Res(d.isoformat(), "DATE", d, d, "day", anchor)


def _month(year: int, month: int, anchor: str = "publication") -> _Res:
    start = date(year, month, 1)
    return _Res(f"{year:04d}-{month:02d}", "DATE", start, date(year, month, _last_day(year, month)), "month", anchor)


def _year(year: int, anchor: str = "publication") -> _Res:
    return _Res(f"{year:04d}", "DATE", date(year, 1, 1), date(year, 12, 31), "year", anchor)


def _week(d: date, anchor: str = "publication") -> _Res:
    monday = d - timedelta(days=d.weekday())
    iso = monday.isocalendar()
    return _Res(f"{iso[0]:04d}-W{iso[1]:02d}", "DATE", monday, monday + timedelta(days=6), "week", anchor)


def _weekend(d: date) -> _Res:
    """The weekend of d's ISO week."""
    res = _week(d)
    assert res.start is not None
    return _Res(f"{res.value}-WE", "DATE", res.start + timedelta(days=5), res.end, "week")


def _decade(first_year: int, anchor: str = "explicit") -> _Res:
    start, end = date(first_year, 1, 1), date(first_year + 9, 12, 31)
    return _Res(f"{first_year // 10:03d}", "DATE", start, end, "decade", anchor)  # TimeML: the 1990s = 199


def _season(year: int, code: str, anchor: str = "publication") -> _Res:
    first = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    start = date(year, first, 1)
    end = _add_months(start, 3) - timedelta(days=1)
    return _Res(f"{year:04d}-{code}", "DATE", start, end, "season", anchor)


def _quarter(year: int, q: int, anchor: str = "publication") -> _Res:
    start = date(year, 3 * q - 2, 1)
    end = _add_months(start, 3) - timedelta(days=1)
    return _Res(f"{year:04d}-Q{q}", "DATE", start, end, "range", anchor)


def _mod_key(mod: str | None) -> str | None:
    if not mod:
        return None
    mod = mod.lower()
    if "end" in mod or "late" in mod or "close" in mod:
        return "late"
    if "mid" in mod:
        return "mid"
    return "early"  # early, earlier, beginning, start


def _narrow(res: _Res, mod: str | None) -> _Res:
    """'early/mid/late X': the first, middle or last third of X (years by months, decades by years)."""
    key = _mod_key(mod)
    if key is None or res.start is None or res.end is None or res.precision in ("day", "unknown"):
        return res
    if res.precision == "decade":
        y0 = res.start.year
        bounds = {"early": (y0, y0 + 3), "mid": (y0 + 4, y0 + 6), "late": (y0 + 7, y0 + 9)}[key]
        start, end = date(bounds[0], 1, 1), date(bounds[1], 12, 31)
    elif res.precision == "year":
        y = res.start.year
        months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[key]
        start, end = date(y, months[0], 1), date(y, months[1], _last_day(y, months[1]))
    else:
        n = (res.end - res.start).days + 1
        third = n // 3
        first, last = {"early": (0, third - 1), "mid": (third, 2 * third - 1), "late": (2 * third, n - 1)}[key]
        start, end = res.start + timedelta(days=first), res.start + timedelta(days=last)
    return _Res(res.value, res.type, start, end, "range", res.anchor)


# ------------------------------------------------------------------------------------ choosing the year


def _occurrence(p: date, month: int, day: int, forward: bool) -> date:
    """The first month/day on or after P (forward) or on or before it; Feb 29 skips to a leap year."""
    for offset in (0, 1, 2, 3, 4, 5, 6, 7, 8):
        try:
            d = date(p.year + (offset if forward else -offset), month, day)
        except ValueError:
            continue
        if (d >= p) if forward else (d <= p):
            return d
    raise _NoAnchor


def _month_day(ctx: _Ctx, month: int, day: int, rel: str | None = None) -> _Res:
    """Month and day without a year: the occurrence on or before P (on or after P when future / 'next').

    Reports give the year for dates outside the current one, so a coming date beats one most of a year ago:
    without a tense signal the nearer occurrence wins; in a past-tense clause a date up to a month ahead
    still wins over one more than 300 days back ('the offer was extended to Nov. 20').
    """
    p = ctx.p
    if rel in _NEXT:
        return _day(_occurrence(p, month, day, True))
    if ctx.future:  # a deadline a few days gone ('to repatriate the child by Jan. 14') is still this one
        before = _occurrence(p, month, day, False)
        return _day(before if (p - before).days <= _DEADLINE_GRACE else _occurrence(p, month, day, True))
    before = _occurrence(p, month, day, False)
    if rel in _LAST:
        return _day(before)
    after = _occurrence(p, month, day, True)
    ahead, back = (after - p).days, (p - before).days
    if (ctx.past and ahead <= 31 and back > 300) or (not ctx.past and ahead < back):
        return _day(after)
    return _day(before)


def _month_only(ctx: _Ctx, month: int, rel: str | None) -> _Res:
    """A month name without a year: most recent one begun by P, or the coming one when future / 'next'."""
    p = ctx.p
    rel = (rel or "").lower()
    if rel in _LAST:
        year = p.year if month < p.month else p.year - 1
    elif rel in _NEXT:
        year = p.year if month > p.month else p.year + 1
    elif rel in _THIS:
        year = p.year
    elif ctx.future:
        year = p.year if month >= p.month else p.year + 1
    else:
        year = p.year if month <= p.month else p.year - 1
        ahead = (month - p.month) % 12
        if not ctx.past and 0 < ahead <= 3:
            year += 1  # without a past tense, a month just ahead beats one most of a year back
    return _month(year, month)


def _weekday(ctx: _Ctx, wd: int, rel: str | None) -> date:
    p = ctx.p
    rel = (rel or "").lower()
    back = (p.weekday() - wd) % 7
    ahead = (wd - p.weekday()) % 7
    if rel in _LAST:
        return p - timedelta(days=back or 7)
    if rel in _NEXT:
        return p + timedelta(days=ahead or 7)
    if rel == "this":
        return p - timedelta(days=p.weekday()) + timedelta(days=wd)
    if ctx.future:
        return p + timedelta(days=ahead)
    return p - timedelta(days=back)


def _season_rel(ctx: _Ctx, code: str, rel: str | None) -> _Res:
    """'last summer' ended before P, 'next winter' starts after it, a bare season is the latest begun by P."""
    p = ctx.p
    rel = " ".join((rel or "").lower().split())
    seasons = [_season(y, code) for y in range(p.year - 3, p.year + 3)]
    if rel in _LAST:
        return [s for s in seasons if s.end and s.end < p][-1]
    if rel in _NEXT:
        return [s for s in seasons if s.start and s.start > p][0]
    if rel in _THIS:
        return _season(p.year - 1 if code == "WI" and p.month <= 2 else p.year, code)
    if ctx.future:
        return [s for s in seasons if s.end and s.end >= p][0]
    return [s for s in seasons if s.start and s.start <= p][-1]


# ------------------------------------------------------------------------------------------- numbers


_NUM_SPLIT = re.compile(r"[\s-]")


def _number(text: str) -> tuple[float, bool] | None:
    """Parse a quantity ('three', '24', 'two and a half', 'a few'); the flag says it is vague."""
    t = " ".join(text.lower().split())
    half = t.endswith((" and a half", " 1/2"))
    if half:
        t = t[: -len(" and a half")] if t.endswith(" and a half") else t[: -len(" 1/2")]
    extra = 0.5 if half else 0.0
    if t in _VAGUE:
        return _VAGUE[t] + extra, True
    if t in _NUMBERS:
        return _NUMBERS[t] + extra, False
    parts = _NUM_SPLIT.split(t)
    if len(parts) == 2 and parts[0] in _NUMBERS and parts[1] in _NUMBERS:
        return _NUMBERS[parts[0]] + _NUMBERS[parts[1]] + extra, False
    try:
        return float(t) + extra, False
    except ValueError:
        return None


def _unit(text: str) -> str:
    t = text.lower().rstrip("s")
    return "century" if t.startswith("centur") else t


# half a unit, written in the next smaller one
_HALVES = {"year": "6M", "day": "T12H", "hour": "30M", "minute": "30S"}


def _duration_value(n: float, unit: str, vague: bool) -> str:
    code = _UNIT_CODES[unit]
    if unit == "fortnight":
        n *= 2
    if unit == "decade":
        n, code = n * 10, "Y"
    elif unit == "century":
        n, code = n * 100, "Y"
    elif unit == "weekend":
        code = "WE"
    whole = int(n)
    if not vague and n - whole == 0.5 and unit in _HALVES:  # 'two and a half years' = P2Y6M, as TimeML writes it
        head = f"{whole}{code}" if whole else ""
        return f"{'PT' if unit in _TIME_UNITS else 'P'}{head}{_HALVES[unit]}"
    amount = "X" if vague else (str(whole) if n == whole else f"{n:g}")
    return f"PT{amount}{code}" if unit in _TIME_UNITS else f"P{amount}{code}"


# --------------------------------------------------------------------------------------------- resolvers


def _g(m: re.Match[str], name: str) -> str | None:
    """A named group, or None when the pattern has no such group or it did not take part."""
    try:
        return m.group(name)
    except IndexError:
        return None


def _r_iso(m: re.Match[str], ctx: _Ctx) -> _Res:
    return _day(date(int(m["year"]), int(m["month"]), int(m["day"])), "explicit")


def _r_numeric(m: re.Match[str], ctx: _Ctx) -> _Res:
    year = int(m["year"])
    year += 2000 if year < 50 else 1900 if year < 100 else 0
    first, second = int(m["a"]), int(m["b"])
    month, day = (first, second) if first <= 12 else (second, first)  # US order unless impossible
    return _day(date(year, month, day), "explicit")


def _r_full_date(m: re.Match[str], ctx: _Ctx) -> _Res:
    return _day(date(int(m["year"]), _MONTHS[m["month"].lower().rstrip(".")], int(m["day"])), "explicit")


def _r_month_day(m: re.Match[str], ctx: _Ctx) -> _Res:
    return _month_day(ctx, _MONTHS[m["month"].lower().rstrip(".")], int(m["day"]), _g(m, "rel"))


def _r_day_span(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'March 3-5', 'May 10 to 12': the days of one month, dated like the first of them."""
    first = _r_month_day(m, ctx)
    assert first.start is not None
    last = first.start.replace(day=int(m["day2"]))
    if last <= first.start:
        raise ValueError("a day span must run forward")
    return _Res(first.value, "DATE", first.start, last, "range", first.anchor)


def _r_month_year(m: re.Match[str], ctx: _Ctx) -> _Res:
    return _narrow(_month(int(m["year"]), _MONTHS[m["month"].lower().rstrip(".")], "explicit"), _g(m, "mod"))


def _r_month_rel_year(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'July last year', 'April next year', 'October 8 last year'."""
    year = ctx.p.year + _YEAR_RELS[m["yrel"].lower()]
    if _g(m, "day"):
        return _day(date(year, _MONTHS[m["month"].lower().rstrip(".")], int(m["day"])))
    return _narrow(_month(year, _MONTHS[m["month"].lower().rstrip(".")]), _g(m, "mod"))


def _r_month(m: re.Match[str], ctx: _Ctx) -> _Res:
    return _narrow(_month_only(ctx, _MONTHS[m["month"].lower().rstrip(".")], _g(m, "rel")), _g(m, "mod"))


def _r_into(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'overnight into Sunday', 'Saturday night into Sunday': the night that ends on the named day."""
    day = _weekday(ctx, _WEEKDAYS[m["wd"].lower()], None)
    eve = day - timedelta(days=1)
    return _Res(f"{eve.isoformat()}TNI", "TIME", eve, day, "range")


def _r_night_of(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the night of Saturday', 'on the night of March 3': that day's night."""
    if _g(m, "wd"):
        d = _weekday(ctx, _WEEKDAYS[m["wd"].lower()], None)
    else:
        res = _month_day(ctx, _MONTHS[m["month"].lower().rstrip(".")], int(m["day"]))
        assert res.start is not None
        d = res.start
    return _Res(f"{d.isoformat()}TNI", "TIME", d, d, "day")


def _r_early_hours(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the early hours of Monday': that day before dawn; without a day it is placed like a clock time."""
    if _g(m, "wd"):
        d = _weekday(ctx, _WEEKDAYS[m["wd"].lower()], None)
        return _Res(f"{d.isoformat()}TMO", "TIME", d, d, "day")
    return _Res("XXXX-XX-XXTMO", "TIME", None, None, "unknown", "none")


def _r_weekday_set(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'on Fridays', 'Tuesday nights': a weekly recurrence."""
    part = _g(m, "plpart")
    code = f"T{_PARTS[part.lower()[:-1]]}" if part else ""
    return _Res(f"XXXX-WXX-{_WEEKDAYS[m['wd'].lower()] + 1}{code}", "SET", None, None, "unknown", "explicit")


def _r_vague_offset(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'days ago' (a few days back from P: a range, PAST_REF); 'hours later' (an unmeasured stretch from an event
    in the text)."""
    unit = _unit(m["unit"])
    if (_g(m, "dir") or "").lower() != "ago":
        return _Res(_duration_value(1, unit, True), "DURATION", None, None, "unknown", "text")
    p = ctx.p
    if unit == "hour":
        return _Res("PAST_REF", "DATE", p - timedelta(days=1), p, "range")
    return _Res("PAST_REF", "DATE", _shift(p, unit, -2 * _VAGUE["a few"]), _shift(p, unit, -1), "range")


def _r_part_day(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'morning Tuesday', 'mid-afternoon yesterday': a part of a named day."""
    if _g(m, "word"):
        d = ctx.p - timedelta(days=1 if m["word"].lower() == "yesterday" else 0)
    else:
        d = _weekday(ctx, _WEEKDAYS[m["wd"].lower()], None)
    part = (_g(m, "part") or m["part2"]).lower()
    return _Res(f"{d.isoformat()}T{_PARTS[part]}", "TIME", d, d, "day")


_TEXT_WD_REL = _phrase_alt("time/text_weekday_rels")


def _r_weekday(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'Monday', 'last Friday night'; 'the previous Friday' counts from the day the text names last (see
    _resolve_text_weekdays), from P until then."""
    trel = _g(m, "trel")
    rel = ("next" if _TEXT_ON.search(trel) else "last") if trel else _g(m, "rel")
    d = _weekday(ctx, _WEEKDAYS[m["wd"].lower()], rel)
    anchor = "text" if trel else "publication"
    part = _g(m, "part")
    if part:
        return _Res(f"{d.isoformat()}T{_PARTS[part.lower()]}", "TIME", d, d, "day", anchor)
    return _day(d, anchor)


_DEICTIC: dict[str, int] = lexicon().table("time/deictic_days")


def _r_deictic(m: re.Match[str], ctx: _Ctx) -> _Res:
    word = " ".join(m["word"].lower().split())
    part = _g(m, "part")
    if word == "overnight":  # told on day P, the night running into P
        d = ctx.p - timedelta(days=1)
        return _Res(f"{d.isoformat()}TNI", "TIME", d, ctx.p, "range")
    if word == "last night":
        d, part = ctx.p - timedelta(days=1), "night"
    elif word.startswith("this "):
        d, part = ctx.p, word.split()[1]
    else:
        d = ctx.p + timedelta(days=_DEICTIC[word])
        part = "night" if word == "tonight" else part
    if part:
        return _Res(f"{d.isoformat()}T{_PARTS[part.lower()]}", "TIME", d, d, "day")
    return _day(d)


_REFS: dict[str, str] = lexicon().table("time/refs")
# adjectives ('the current crisis', 'a recent raid'): they say when a state holds, not when anything happened
_ADJ_REFS = lexicon().words("time/adjective_refs")


def _r_ref(m: re.Match[str], ctx: _Ctx) -> _Res:
    word = " ".join(m["ref"].lower().split())
    value = _REFS[word]
    p = ctx.published
    if word in _ADJ_REFS:
        return _Res(value, "DATE", None, None, "unknown", "publication" if p else "none")
    if value == "PRESENT_REF":
        return _Res(value, "DATE", p, p, "unknown", "publication" if p else "none")
    if value == "PAST_REF":
        return _Res(value, "DATE", None, p, "unknown", "publication" if p else "none")
    return _Res(value, "DATE", p, None, "unknown", "publication" if p else "none")


def _calendar_unit(ctx: _Ctx, unit: str, steps: int) -> _Res:
    """The week/month/year/... that is `steps` units from the one containing P."""
    p = ctx.p
    if unit == "week":
        return _week(p + timedelta(weeks=steps))
    if unit == "weekend":
        if steps < 0:
            return _weekend(p - timedelta(days=p.weekday() + 1))  # the Sunday before P's week
        return _weekend(p + timedelta(weeks=steps))
    if unit == "month":
        d = _add_months(p, steps)
        return _month(d.year, d.month)
    if unit == "year":
        return _year(p.year + steps)
    if unit == "decade":
        return _decade((p.year // 10 + steps) * 10, "publication")
    if unit == "century":
        first = (p.year // 100 + steps) * 100
        return _Res(f"{first // 100:02d}", "DATE", date(max(first, 1), 1, 1), date(first + 99, 12, 31), "range")
    if unit == "quarter":
        q = (p.month - 1) // 3 + steps
        return _quarter(p.year + q // 4, q % 4 + 1)
    if unit == "day":
        return _day(p + timedelta(days=steps))
    raise _NoAnchor


_PAST_SPAN = lexicon().words("time/past_span_words")  # 'the last week': the 7 days to P
_SIDES = lexicon().phrases("time/this_period_sides")  # 'earlier this month', 'later in the year'
_UNIT_REL_STEPS: dict[str, int] = lexicon().table("time/unit_rel_steps")  # 'last week': -1
_NARROWED = lexicon().words("time/narrowed_units")  # 'this X' in a past (future) clause: the part of X before (after) P


def _r_unit_rel(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'last week', 'this month', 'earlier this year', 'late last month', 'the end of next week'."""
    rel = " ".join((_g(m, "rel") or "this").lower().split())
    unit = _unit(_g(m, "unit") or m["unit2"])
    mod = _g(m, "mod")
    if rel in _PAST_SPAN and unit != "weekend":  # 'for the last week': the 7 days to P
        return _r_past_n(m, ctx)
    steps = _UNIT_REL_STEPS.get(rel, 0)
    res = _calendar_unit(ctx, unit, steps)
    pre = (_g(m, "pre") or "").lower()
    if rel == "the":  # 'the weekend': the latest one begun by P (the coming one in a future clause)
        p = ctx.p
        res = _weekend(p if p.weekday() >= 5 or ctx.future else p - timedelta(days=7))
        if _g(m, "over") is not None and res.start is not None:  # 'over the weekend' takes in Friday night
            res.start -= timedelta(days=1)
        return res
    if steps == 0 and not (pre or mod) and unit in _NARROWED and res.start and res.end and (ctx.past or ctx.future):
        p = ctx.p  # 'was signed this month': the part of the month up to P ('will ... this month': from P)
        span = (res.start, min(p, res.end)) if ctx.past else (max(p, res.start), res.end)
        return _Res(res.value, res.type, span[0], span[1], res.precision, res.anchor)
    if steps == 0 and pre in _SIDES and res.start and res.end:
        p = ctx.p  # 'earlier this month' = the month before P (the report says 'today' for P); 'later' = after P
        before, after = max(res.start, p - timedelta(days=1)), min(res.end, p + timedelta(days=1))
        span = (res.start, before) if pre == "earlier" else (after, res.end)
        return _Res(res.value, res.type, span[0], span[1], res.precision, res.anchor)
    return _narrow(res, mod)


def _spoken_year(m: re.Match[str]) -> int:
    if _g(m, "y2k"):
        if not m["y2k"].lower().startswith("the") and not _g(m, "ones2"):
            raise ValueError("'two thousand' alone is mostly a count")
        return 2000 + (_ONES.index(m["ones2"].lower()) + 1 if _g(m, "ones2") else 0)
    tens = m["tens"].lower()
    value = _TEENS.index(tens) + 10 if tens in _TEENS else (_TENS.index(tens) + 2) * 10
    return (
        (1900 if m["cent"].lower() == "nineteen" else 2000)
        + value
        + (_ONES.index(m["ones"].lower()) + 1 if _g(m, "ones") else 0)
    )


def _r_spoken_year(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'nineteen ninety-six', 'January nineteen ninety-seven', 'the winter of nineteen ninety-four'."""
    year = _spoken_year(m)
    if _g(m, "month"):
        return _month(year, _MONTHS[m["month"].lower().rstrip(".")], "explicit")
    if _g(m, "season"):
        return _season(year, _SEASONS[m["season"].lower()], "explicit")
    return _year(year, "explicit")


def _r_year_ended(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the year ended March 31': a twelve-month (often fiscal) year, a stretch of a year rather than a calendar one."""
    return _Res("P1Y", "DURATION", None, None, "unknown", "explicit")


def _r_year_end(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'by year-end': December of P's year (of the year before in a past-tense clause told before December)."""
    p = ctx.p
    return _month(p.year - (1 if ctx.past and p.month < 12 else 0), 12)


def _r_week_of(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the week of March 6': the Monday..Sunday week holding that day."""
    res = _month_day(ctx, _MONTHS[m["month"].lower().rstrip(".")], int(m["day"]))
    assert res.start is not None
    return _week(res.start)


_FINAL_WEEK = lexicon().phrases("time/final_week")  # 'the last week of May'


def _r_week_of_month(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the first week of May': that month's value, narrowed to days 1-7 (8-14, ...; 'last': its final seven)."""
    month_no = _MONTHS[m["month"].lower().rstrip(".")]
    res = _month(int(m["year"]), month_no, "explicit") if _g(m, "year") else _month_only(ctx, month_no, None)
    assert res.start is not None and res.end is not None
    wk = m["wk"].lower()
    start = res.end - timedelta(days=6) if wk in _FINAL_WEEK else res.start + timedelta(weeks=_ORDINALS[wk] - 1)
    return _Res(res.value, "DATE", start, start + timedelta(days=6), "range", res.anchor)


def _opening_months(year: int, months: int, value: str) -> _Res:
    """The first `months` months of a year ('the first two quarters of 1990'): its first quarter or half when they
    are one, else a stretch of that year."""
    if months not in range(1, 13):
        return _Res(value, "DURATION", None, None, "unknown", "explicit")
    end = date(year, months, _last_day(year, months))
    if months in (3, 6):
        return _Res(f"{year:04d}-{'Q1' if months == 3 else 'H1'}", "DATE", date(year, 1, 1), end, "range", "explicit")
    return _Res(value, "DURATION", date(year, 1, 1), end, "range", "explicit")


def _r_past_n(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the past 24 hours', 'the last three months', 'the coming weeks': a duration that ends (or starts) at P."""
    unit = _unit(m["unit"])
    parsed = _number(_g(m, "num") or "one")
    n, vague = parsed if parsed else (1.0, False)
    if not _g(m, "num") and m["unit"].lower().endswith("s"):
        vague, n = True, _RECENT_DAYS.get(unit, 7) / {"day": 1, "week": 7, "month": 30.5, "year": 365.25}.get(unit, 1)
    value = _duration_value(n, unit, vague)
    far = _number(m["num2"]) if _g(m, "num2") else None
    n = max(n, far[0]) if far else n  # 'the next 12 to 18 months' reaches 18 months out
    rel = (_g(m, "rel") or "").lower()
    if rel == "first" and _g(m, "year"):  # 'the first two quarters of 1990': the first half of that year
        return _opening_months(int(m["year"]), round(n * 3), value)
    if rel == "first":  # 'the first three months' (of something named in the text): no range from P
        return _Res(value, "DURATION", None, None, "unknown", "explicit")
    if ctx.published is None:
        return _Res(value, "DURATION", None, None, "unknown", "none")
    p = ctx.published
    if rel in _NEXT:
        return _Res(value, "DURATION", p, _shift(p, unit, n), "range")
    return _Res(value, "DURATION", _shift(p, unit, -n), p, "range")


def _r_recent(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'recent weeks', 'in recent months': an approximate range ending at P."""
    unit = _unit(m["unit"])
    value = _duration_value(1, unit, True)
    if ctx.published is None:
        return _Res(value, "DURATION", None, None, "unknown", "none")
    p = ctx.published
    return _Res(value, "DURATION", p - timedelta(days=_RECENT_DAYS.get(unit, 7)), p, "range")


def _r_vague_span(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'for weeks', 'within months', 'over the years': an unmeasured stretch (PXW), with no place on the calendar."""
    return _Res(_duration_value(1, _unit(m["unit"]), True), "DURATION", None, None, "unknown", "explicit")


_SPAN_DIRECTIONS = lexicon().words("time/span_directions")  # 'three days later': not counted back from P
_FROM_NOW = lexicon().words("time/from_now")


def _r_offset(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'three days ago', 'a week earlier', 'almost four years to the day': counted back from P."""
    parsed = _number(m["num"])
    if parsed is None:
        raise _NoAnchor
    n, vague = parsed
    n += 0.5 if _g(m, "half") else 0.0
    unit = _unit(m["unit"])
    direction = (_g(m, "dir") or _g(m, "dir2") or "ago").lower()
    if direction in _SPAN_DIRECTIONS:
        value = _duration_value(n, unit, vague)
        if direction in _FROM_NOW and ctx.published:
            d = _shift(ctx.published, unit, n)
            return _Res(d.isoformat(), "DATE", d, d, "day")
        return _Res(value, "DURATION", None, None, "unknown", "explicit")
    if vague:  # 'a few days ago', 'several years ago': between one and twice the estimate back
        return _Res("PAST_REF", "DATE", _shift(ctx.p, unit, -2 * n), _shift(ctx.p, unit, -1), "range")
    near = _back(ctx.p, unit, n, m)
    far = _number(m["num2"]) if _g(m, "num2") else None
    if far is None or far[0] <= n or far[1]:
        return near
    wide = _back(ctx.p, unit, far[0], m)  # 'two to three weeks ago': from the far end to the near one
    return _Res(near.value, near.type, wide.start, near.end, "range", near.anchor)


_EXACT = lexicon().words("time/exact_words")  # 'exactly four years': not approximate


def _back(p: date, unit: str, n: float, m: re.Match[str]) -> _Res:
    """The unit-sized stretch n units before P ('three days ago' a day, 'six months ago' a month)."""
    d = _shift(p, unit, -n)
    word = (_g(m, "approx") or "").lower()
    approx = bool(word) and word not in _EXACT
    if _g(m, "exact"):
        return _about(d) if approx else _day(d)
    if unit in _DAY_UNITS:
        return _day(d)
    if unit in _DECADE_UNITS:
        return _decade_ish(d)
    if unit in _WEEK_UNITS:
        return _week(d)
    if unit == "month":
        return _month(d.year, d.month)
    return _year(d.year)


def _about(d: date) -> _Res:
    """'almost four years to the day': about day d, so a week either side rather than a claim to the day."""
    return _Res(d.isoformat(), "DATE", d - timedelta(days=_ABOUT_DAYS), d + timedelta(days=_ABOUT_DAYS), "range")


def _decade_ish(d: date) -> _Res:
    """'two decades earlier': a round figure, so the ten years around the year it points at."""
    return _Res(f"{d.year:04d}", "DATE", date(d.year - 5, 1, 1), date(d.year + 4, 12, 31), "decade")


def _r_duration(m: re.Match[str], ctx: _Ctx) -> _Res:
    parsed = _number(m["num"])
    if parsed is None:
        raise _NoAnchor
    n, vague = parsed
    n += 0.5 if _g(m, "half") else 0.0  # 'a minute and a half'
    unit = _unit(m["unit"])
    value = _duration_value(n, unit, vague)
    if ctx.future and ctx.published is not None and _IN_BEFORE.search(m.string, max(0, m.start() - 4), m.start()):
        if vague or _g(m, "or_two"):  # 'will recover in a few years', 'may, in a year or two': some time ahead
            return _Res("FUTURE_REF", "DATE", ctx.published, None, "unknown")
        return _back(ctx.published, unit, -n, m)  # 'will leave in two weeks': the week two weeks on
    if _g(m, "since") is not None and ctx.published is not None:  # 'the three months since ...' ends at P
        return _Res(value, "DURATION", _shift(ctx.published, unit, -n), ctx.published, "range")
    return _Res(value, "DURATION", None, None, "unknown", "explicit")


def _r_year(m: re.Match[str], ctx: _Ctx) -> _Res:
    res = _year(int(m["year"]), "explicit")
    return _narrow(res, _g(m, "mod"))


_DECADE_WORDS: dict[str, int] = lexicon().table("time/decade_words")


def _r_decade(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the 1990s', "the '90s", 'the nineties' (the 1900s when no year says otherwise)."""
    if _g(m, "word"):
        return _narrow(_decade(1900 + 10 * _DECADE_WORDS[m["word"].lower()]), _g(m, "mod"))
    if _g(m, "short"):
        digit = int(m["short"])
        century = 1900 if digit >= 3 or ctx.published is None or ctx.published.year < 2000 else 2000
        res = _decade(century + digit * 10)
    else:
        year = int(m["dec"]) * 10
        if year % 100 == 0 and year < 2000:  # 'the 1800s' is a century
            res = _Res(f"{year // 100:02d}", "DATE", date(year, 1, 1), date(year + 99, 12, 31), "range", "explicit")
        else:
            res = _decade(year)
    return _narrow(res, _g(m, "mod"))


def _r_season(m: re.Match[str], ctx: _Ctx) -> _Res:
    code = _SEASONS[m["season"].lower()]
    if _g(m, "year"):
        return _narrow(_season(int(m["year"]), code, "explicit"), _g(m, "mod"))
    return _narrow(_season_rel(ctx, code, _g(m, "rel")), _g(m, "mod"))


def _r_quarter(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the third quarter' (the latest one begun by P), 'the 1988 second quarter', "next year's first quarter",
    'the year-ago third quarter' (the one before the latest)."""
    q = int(m["qn"]) if _g(m, "qn") else _ORDINALS[m["ord"].lower()]
    year_text = _g(m, "year") or _g(m, "year2")
    if year_text:
        return _quarter(int(year_text), q, "explicit")
    p = ctx.p
    yrel = _g(m, "yrel") or _g(m, "yrel2")
    if yrel:
        return _quarter(p.year + _YEAR_RELS[yrel.lower()], q)
    year = p.year if date(p.year, 3 * q - 2, 1) <= p else p.year - 1
    return _quarter(year - (1 if _g(m, "ago") else 0), q)


def _r_fin_quarter(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the quarter', 'the latest quarter': the last quarter ended by P (what a results report covers);
    'the year-ago quarter', 'year-earlier': that quarter a year before."""
    p = ctx.p
    last = (p.year * 4 + (p.month - 1) // 3) - 1 - (4 if _g(m, "ago") else 0)
    return _quarter(last // 4, last % 4 + 1)


def _r_year_period(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the 1988 period', "last year's quarter", 'the same period a year ago': the year here; find_times makes it the
    quarter (half, month) under discussion in that year."""
    if _g(m, "year"):
        return _year(int(m["year"]), "explicit")
    rel = (_g(m, "yrel") or _g(m, "yrel2") or "last").lower()
    return _year(ctx.p.year + _YEAR_RELS[rel])


def _r_half(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the first half of 1990' (1990-H1), 'the second half of next year'."""
    if _g(m, "year"):
        year, anchor = int(m["year"]), "explicit"
    else:
        year, anchor = ctx.p.year + _YEAR_RELS[m["hrel"].lower()], "publication"
    h = 1 if m["half"].lower() == "first" else 2
    start = date(year, 1 if h == 1 else 7, 1)
    end = date(year, 6, 30) if h == 1 else date(year, 12, 31)
    return _Res(f"{year:04d}-H{h}", "DATE", start, end, "range", anchor)


def _r_clock(m: re.Match[str], ctx: _Ctx) -> _Res:
    """A time of day; the day it falls on is filled in later from the day mentions around it."""
    if _g(m, "dawn"):
        return _Res(f"XXXX-XX-XXT{_PARTS[m['dawn']]}", "TIME", None, None, "unknown", "none")
    if _g(m, "mid"):
        part = "AF" if "after" in m["mid"].lower() else "MO"
        return _Res(f"XXXX-XX-XXT{part}", "TIME", None, None, "unknown", "none")
    if _g(m, "hour2"):
        hour = int(m["hour2"]) % 12 + (12 if m["dpart"].lower() != "morning" else 0)
        return _Res(f"XXXX-XX-XXT{hour:02d}:00", "TIME", None, None, "unknown", "none")
    if _g(m, "h24"):  # '0735 GMT', '14:30 local time'
        return _Res(f"XXXX-XX-XXT{m['h24']}:{m['m24']}", "TIME", None, None, "unknown", "none")
    hour = int(m["hour"]) if _g(m, "hour") else (24 if m["word"].lower() == "midnight" else 12)  # the day's end
    minute = int(m["minute"] or 0) if _g(m, "hour") else 0
    ampm = (_g(m, "ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        raise _NoAnchor
    return _Res(f"XXXX-XX-XXT{hour:02d}:{minute:02d}", "TIME", None, None, "unknown", "none")


_HOLIDAYS: dict[str, tuple[int, int]] = {
    name: (month, day) for name, (month, day) in lexicon().table("time/holidays").items()
}
# month 0: days from Western Easter Sunday; day 0 in November: US Thanksgiving
_HOLIDAY_KEYS = {k.lower().replace("’", "'"): v for k, v in _HOLIDAYS.items()}


def _thanksgiving(year: int) -> date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    month, day = divmod(h + l_ - 7 * ((a + 11 * h + 22 * l_) // 451) + 114, 31)
    return date(year, month, day + 1)


def _holiday_date(month: int, day: int, year: int) -> date:
    if month == 0:
        return _easter(year) + timedelta(days=day)
    return _thanksgiving(year) if day == 0 else date(year, month, day)


def _r_holiday(m: re.Match[str], ctx: _Ctx) -> _Res:
    """Holidays ('Christmas Eve', 'last Thanksgiving', 'Good Friday', 'Easter week'): the latest one, the coming one
    in a future clause."""
    month, day = _HOLIDAY_KEYS[" ".join(m["holiday"].lower().replace("’", "'").split())]
    if _g(m, "year"):
        return _day(_holiday_date(month, day, int(m["year"])), "explicit")
    p = ctx.p
    rel = (_g(m, "rel") or "").lower()
    candidates = [_holiday_date(month, day, y) for y in range(p.year - 1, p.year + 2)]
    if rel in _LAST:
        d = [d for d in candidates if d < p][-1]
    else:
        before, after = [d for d in candidates if d <= p][-1], [d for d in candidates if d >= p][0]
        ahead, back = (after - p).days, (p - before).days  # as for a month and day: in a past clause, a holiday
        near = ctx.past and ahead <= 31 and back > 300  # days ahead beats last year's ('as Easter week began')
        d = after if ctx.future or rel in _NEXT or near else before
    return _week(d) if _g(m, "hweek") else _day(d)


def _r_text_anchored(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the next day', 'the week before', 'later that year': anchored to an event in the text, not to P, so
    the value is left to the caller; the precision still tells the granularity."""
    unit = (_g(m, "unit") or _g(m, "unit2") or _g(m, "unit3") or _g(m, "unit4") or "day").lower()
    precision = unit if unit in ("day", "week", "month", "year") else "day"
    return _Res(None, "DATE", None, None, precision, "text")


_SET_VALUES: dict[str, str] = lexicon().table("time/set_values")


def _r_set(m: re.Match[str], ctx: _Ctx) -> _Res:
    """Recurrences ('every Thursday', 'each July', 'daily'): TIMEX3 SET values, no calendar range."""
    if _g(m, "wd"):
        value = f"XXXX-WXX-{_WEEKDAYS[m['wd'].lower()] + 1}"
    elif _g(m, "month"):
        value = f"XXXX-{_MONTHS[m['month'].lower().rstrip('.')]:02d}"
    else:
        value = _SET_VALUES[(_g(m, "unit") or m["adverb"]).lower()]
    return _Res(value, "SET", None, None, "unknown", "explicit")


def _r_century(m: re.Match[str], ctx: _Ctx) -> _Res:
    """'the 20th century' = 1900-1999 (TIMEX3 value 19)."""
    first = (int(m["cent"]) - 1) * 100
    return _Res(f"{first // 100:02d}", "DATE", date(max(first, 1), 1, 1), date(first + 99, 12, 31), "range", "explicit")


_SOMEDAY_MODALS = lexicon().words("time/someday_modals")
# Read at import, as every stage reads its words (the rules below are built lazily, on the first report).
_COUNTED_DAYS = _phrase_alt("time/counted_days")  # 'eight trading days'
_PERIOD_ENDS = _phrase_alt("time/period_ends")  # 'the year ended March 31'
_SOMEDAY_MODAL = re.compile(rf"(?i)(?:^|[^\w'’])(?:{_phrase_alt('time/someday_modals')})\s+$")
_ONE_DAY = re.compile(r"(?i)one\s+day")


def _r_amount(m: re.Match[str], ctx: _Ctx) -> _Res:
    """An amount of time: an offset from P when it says 'ago', 'earlier', 'to the day'; else a duration ('will one
    day be' is no amount: some day ahead)."""
    if _ONE_DAY.fullmatch(m[0]) and _SOMEDAY_MODAL.search(m.string[max(0, m.start() - 12) : m.start()]):
        return _Res("FUTURE_REF", "DATE", ctx.published, None, "unknown", "publication" if ctx.published else "none")
    return _r_offset(m, ctx) if _g(m, "dir") or _g(m, "dir2") or _g(m, "exact") else _r_duration(m, ctx)


# ------------------------------------------------------------------------------------------------ grammar

Resolver = Callable[[re.Match[str], _Ctx], _Res]


def _grammar(strict: bool) -> list[tuple[str, Resolver]]:
    """Ordered (pattern, resolver) rules; strict patterns are for finding, lenient ones for single phrases."""
    month = f"(?P<month>{_names(_MONTHS, strict, True)})"
    wd = f"(?P<wd>{_names(_WEEKDAYS, strict, False)})"
    wd_any = _names(_WEEKDAYS, strict, False)
    part = r"(?:\s+(?P<part>morning|afternoon|evening|night)s?)"  # plural: 'Friday and Saturday nights'
    num = f"(?P<num>{_NUM})"
    unit = f"(?P<unit>{_UNIT})"
    not_age = r"(?![\s-]*(?:old|-old)\b)"
    the = r"(?:the\s+)?"
    since = r"(?:(?P<since>)(?=\s+since\b))?" if strict else r"(?P<since>\s+since\b.*)?"
    over = r"(?:(?<=\bover\s)(?P<over>))?" if strict else r"(?:(?P<over>over)\s+)?"
    counted = rf"(?:(?:{_COUNTED_DAYS})\s+(?=days?\b))?"  # 'eight trading days'
    # 'a week or so ago'; 'a year or two' (a rough amount)
    or_so = r"(?:\s+or\s+so(?=\s+(?:ago|earlier|later|before|after)\b)|(?P<or_two>\s+or\s+two\b))?"
    return [
        (rf"{_YEAR}-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])", _r_iso),
        (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4}|\d{2})", _r_numeric),
        (rf"(?:{wd_any},?\s+)?{month}\s+{_DAYNUM},?\s+{_YEAR}", _r_full_date),
        (rf"(?:{wd_any},?\s+)?(?:the\s+)?{_DAYNUM}(?:\s+of)?\s+{month},?\s+{_YEAR}", _r_full_date),
        (rf"(?:{wd_any},?\s+)?(?:{_REL}\s+)?{month}\s+{_DAYNUM}(?![\d,]*\d)(?!\s*(?:%|percent))", _r_month_day),
        (
            rf"{month}\s+{_DAYNUM}\s*(?:-|–|to|through|until|and)\s*(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]*\d)"
            rf"(?!\s*(?:%|percent))",
            _r_day_span,
        ),
        (rf"(?:{wd_any},?\s+)?(?:the\s+)?{_DAYNUM}(?:\s+of)?\s+{month}", _r_month_day),
        (rf"{_MOD}?{month},?\s+(?:of\s+)?{_YEAR}", _r_month_year),
        (rf"{_MOD}?{month}\s+(?P<yrel>{alternation(_YEAR_RELS)})\s+year", _r_month_rel_year),
        (rf"(?:{wd_any},?\s+)?{month}\s+{_DAYNUM},?\s+(?P<yrel>{alternation(_YEAR_RELS)})\s+year", _r_month_rel_year),
        (rf"{_MOD}?(?:{_REL}\s+)?{month}(?!\s+\d)", _r_month),
        (rf"(?<!\band\s){wd}(?:s|\s+(?P<plpart>mornings|afternoons|evenings|nights))", _r_weekday_set),
        (rf"(?:(?P<mod2>early|late)\s+(?:on\s+)?)?(?:(?P<trel>{_TEXT_WD_REL})\s+|{_REL}\s+)?{wd}{part}?", _r_weekday),
        (
            rf"(?:overnight|(?:late\s+)?(?:on\s+)?(?:(?:the\s+)?night\s+of\s+{wd_any}|{wd_any}\s+night))\s+(?:into|to)"
            rf"\s+(?:early\s+)?{wd}",
            _r_into,
        ),
        (
            rf"(?:the\s+)?night\s+of\s+(?:{wd}|{month}\s+{_DAYNUM})(?!\s+(?:into|to)\b)"
            rf"(?!,?\s+[A-Z][a-z]{{2,8}}\.?\s+\d)",
            _r_night_of,
        ),
        (rf"the\s+(?:early|small|wee)\s+hours(?:\s+of\s+(?:(?:the\s+)?morning|{wd}))?", _r_early_hours),
        (
            rf"(?:(?P<pmod>mid-|mid\s+|early\s+|late\s+)?(?P<part>morning|afternoon|evening|night|dawn|dusk)\s+(?:on\s+)?{wd}"
            r"|(?P<pmod2>mid-|mid\s+|early\s+|late\s+)(?P<part2>morning|afternoon|evening|night)"
            r"\s+(?P<word>yesterday|today))",
            _r_part_day,
        ),
        (
            r"(?:(?:early|late|earlier|later)\s+)?(?P<word>today|yesterday|tomorrow|tonight|last\s+night|overnight"
            r"|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow"
            r"|this\s+(?:morning|afternoon|evening))" + part + "?",
            _r_deictic,
        ),
        (
            r"(?P<ref>now|currently|nowadays|at\s+present|right\s+now|recently|the\s+(?:near\s+)?future"
            r"|the\s+(?:near|short)\s+term|these\s+days|at\s+the\s+moment|(?:then\s+)?current(?=\s+[a-z])"
            r"|(?<!most\s)recent(?=\s+[a-z])"
            rf"|the\s+past(?!\s+(?:{_NUM})\s))",
            _r_ref,
        ),
        (
            rf"{_MOD}?(?:(?P<pre>{alternation(_SIDES)})\s+)?(?P<rel>{_UNIT_REL})"
            r"\s+(?:fiscal\s+)?(?P<unit>week(?:end)?|month|year"
            r"|decade|quarter|century)",
            _r_unit_rel,
        ),
        (over + r"(?P<rel>the)\s+(?P<unit>weekend)", _r_unit_rel),
        (
            rf"(?P<pre>{alternation(_SIDES)})\s+in\s+the\s+(?P<unit>week|month|year)|the\s+(?:full\s+)?(?:fiscal\s+)?(?<!the\s)"
            r"(?P<unit2>year)(?!\s+(?:before|after|earlier|ago|ended|ending|to))",
            _r_unit_rel,
        ),
        (r"(?:the\s+)?(?:year[-\s]end|year['’]s\s+end)", _r_year_end),
        (rf"the\s+(?:fiscal\s+)?year(?=\s+(?:{_PERIOD_ENDS})\b)", _r_year_ended),
        (
            rf"(?:{month}\s+|(?:the\s+)?(?P<season>{_SEASON_NAMES})\s+of\s+)?{_SPOKEN_YEAR}",
            _r_spoken_year,
        ),
        (rf"the\s+week\s+of\s+{month}\s+{_DAYNUM}", _r_week_of),
        (
            rf"(?:the\s+)?(?P<wk>{alternation([*_ORDINALS, *_FINAL_WEEK])})\s+week\s+of\s+{month}(?:,?\s+{_YEAR})?",
            _r_week_of_month,
        ),
        (rf"{_MOD}(?:the\s+)?(?P<unit>week(?:end)?|month|year|decade)(?!s)", _r_unit_rel),
        (
            rf"(?:the\s+)?(?P<rel>past|last|previous|next|coming|(?P<first>first))\s+{num}(?:\s+(?:to|or)\s+(?P<num2>{_NUM}))?"
            rf"\s+(?P<unit>{_UNIT}|(?P<qs>quarters?)){not_age}(?(first)(?(qs)(?:\s+of\s+{_YEAR})?))",
            _r_past_n,
        ),
        (r"(?:the\s+)?(?P<rel>past|last|previous|next|coming)\s+(?P<unit>(?:day|week|month|year|decade)s)", _r_past_n),
        (r"recent\s+(?P<unit>(?:day|week|month|quarter|year|decade)s)", _r_recent),
        (
            r"(?:(?:just|only|mere)\s+)?(?P<unit>(?:hour|day|week|month|year|decade)s)(?:\s+(?P<dir>ago|earlier|later)\b"
            r"|(?=\s+(?P<dir2>before|after)\b))",
            _r_vague_offset,
        ),
        (
            r"(?:(?<=\bfor\s)|(?<=\bwithin\s)|(?<=\bover\s)|(?<=\bin\s))(?:the\s+)?(?P<unit>(?:hour|day|week|month|year"
            r"|decade)s|centuries)(?:\s+or\s+(?:hour|day|week|month|year|decade)s)?(?!\s+(?:ago|earlier|later|before|after))",
            _r_vague_span,
        ),
        (
            rf"{the}{_APPROX}{num}(?:\s+(?:to|or)\s+(?P<num2>{_NUM}))?[\s-]+(?:(?:more|additional|further)\s+)?{counted}{unit}(?P<half>\s+and\s+a\s+half)?{or_so}(?:\s+(?:(?:ago|earlier|before)\s+)?(?P<exact>to\s+the\s+day)"
            rf"|\s+(?P<dir>ago|earlier|later|from\s+now|hence)\b|(?=\s+(?P<dir2>before|after)\b)|{not_age}{since})",
            _r_amount,
        ),
        (rf"{_MOD}?(?:(?P<fiscal>fiscal)\s+(?:year\s+)?)?{_YEAR}(?!\s*(?:%|percent))", _r_year),
        (
            rf"(?:the\s+)?{_MOD}?(?:the\s+)?(?:(?P<dec>1[5-9]\d|20\d)0'?s|'(?P<short>\d)0s"
            rf"|(?P<word>{_alt(list(_DECADE_WORDS))}))",
            _r_decade,
        ),
        (rf"{_MOD}?(?:{_REL}\s+)?(?P<season>{_SEASON_NAMES})(?:\s+(?:of\s+)?{_YEAR})?", _r_season),
        (
            rf"(?:the\s+)?(?:(?P<year2>1[5-9]\d\d|20\d\d)\s+|(?P<yrel>{alternation(_YEAR_RELS)})\s+year['’]s\s+|"
            r"(?P<ago>year-(?:ago|earlier)\s+))?(?P<ord>first|second|third|fourth)[\s-]quarter"
            rf"(?:\s+of\s+(?:{_YEAR}|(?P<yrel2>last|next|this)\s+year))?",
            _r_quarter,
        ),
        (
            rf"(?-i:Q)(?P<qn>[1-4])(?:\s+{_YEAR}|(?=\s+(?:results|earnings|profits?|sales|revenues?|growth)\b))",
            _r_quarter,
        ),
        (
            rf"the\s+{_YEAR}\s+(?:quarter|period)(?!s)|(?P<yrel>{alternation(_YEAR_RELS)})\s+year['’]s\s+(?:quarter|period)(?!s)"
            r"|the\s+(?:(?:corresponding|comparable|same)\s+)?(?:quarter|period)\s+(?:of\s+)?"
            r"(?:(?P<yrel2>last|this)\s+year|a\s+year\s+(?:ago|earlier))",
            _r_year_period,
        ),
        (
            r"(?:the\s+)?(?:(?:comparable|same)\s+)?(?P<ago>year-(?:ago|earlier))(?:\s+(?:quarter|period))?"
            r"|the\s+(?:(?:latest|most\s+recent|just-ended)\s+)?(?P<q>quarter)(?!\s+(?:of|century|mile|point|final))(?!-)"
            r"|the\s+(?:latest|most\s+recent)\s+period",
            _r_fin_quarter,
        ),
        (
            rf"the\s+(?P<half>first|second|last|latter)\s+half\s+of\s+(?:{_YEAR}|(?P<hrel>{alternation(_YEAR_RELS)})\s+year)",
            _r_half,
        ),
        (
            r"(?:the\s+)?(?P<rel>next|following|previous|preceding|same)\s+(?P<unit>day|week|month|year|morning"
            r"|afternoon|evening|night)|(?:the\s+)?(?<!\ba\s)(?<!\bone\s)(?<!\blast\s)(?<!\bthis\s)(?<!\bnext\s)"
            r"(?P<unit2>day|week|month|year)"
            r"\s+(?:before|after|earlier)"
            r"|(?:(?:earlier|later)\s+)?that\s+(?:same\s+)?(?P<unit3>day|week|month|year|morning|afternoon|evening"
            r"|night)|(?:earlier|later)\s+in\s+the\s+(?P<unit4>day|morning|afternoon|evening)",
            _r_text_anchored,
        ),
        (
            rf"(?:each|every)\s+(?:{wd}|{month}|(?P<unit>day|week|month|quarter|year|morning|afternoon|evening|night))"
            r"|(?P<adverb>nightly|hourly|daily|weekly|monthly|yearly|annually)",
            _r_set,
        ),
        (r"(?:the\s+)?(?P<cent>1?\d|2[01])(?:st|nd|rd|th)\s+century", _r_century),
        (
            rf"(?:{_REL}\s+)?(?P<holiday>{_alt(list(_HOLIDAYS))})(?:\s+(?:of\s+)?{_YEAR}|(?P<hweek>\s+week\b))?",
            _r_holiday,
        ),
        (
            r"(?:(?:around|about|approximately|roughly)\s+)?(?:(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))?"
            r"\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m\b)|(?P<hour2>1[0-2]|[1-9])(?:\s+o'clock)?\s+in\s+the\s+"
            r"(?P<dpart>morning|afternoon|evening)|(?<!high\s)(?P<word>noon|midnight|midday)|(?P<mid>mid-?\s?(?:morning|afternoon))"
            r"|(?<!-)(?P<dawn>(?-i:dawn|dusk|daybreak|nightfall))"
            r"|(?P<h24>[01]\d|2[0-3]):?(?P<m24>[0-5]\d)(?=\s*(?:\(?(?-i:GMT|UTC)\b|local\s+time|hrs\b|hours\b)))",
            _r_clock,
        ),
    ]


_BOUND_L = r"(?<![\w'’])"
_BOUND_R = r"(?![\w])"


@lru_cache(maxsize=2)
def _rules(strict: bool) -> list[tuple[re.Pattern[str], Resolver]]:
    wrap = (lambda p: f"{_BOUND_L}(?:{p}){_BOUND_R}") if strict else (lambda p: f"(?:{p})")
    return [(re.compile(wrap(pat), re.IGNORECASE), fn) for pat, fn in _grammar(strict)]


def _run(fn: Resolver, m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """Apply a resolver; a missing P gives an unanchored result, an impossible date gives None."""
    try:
        return fn(m, ctx)
    except _NoAnchor:
        if ctx.published is None:
            return _Res(None, "DATE", None, None, "unknown", "none")
        return None
    except (ValueError, KeyError, OverflowError):
        return None


_LEAD = re.compile(r"^(?:(?:on|in|at|during|by|of|from|until|till|through|throughout|for|over(?!\s+the\s+weekend)"
                   r"|before|after|as\s+of"
                   r"|within)\s+)+", re.IGNORECASE)  # fmt: skip
_SINCE = re.compile(r"^since\s+", re.IGNORECASE)


def resolve_expression(text: str, published: date | str | None, future: bool = False) -> TimeMention | None:
    """Normalise one time phrase ('late last month', 'since Oct. 17'); None when it is not a time expression.

    Offsets in the result are relative to `text`. `future` makes bare weekdays and months point forward.
    """
    if not isinstance(text, str):
        raise DatelineError(f"resolve_expression needs a string, got {type(text).__name__}")
    published = _published(published)
    stripped = text.strip().strip("\"'“”‘’()[]").rstrip(".,;:")
    since = bool(_SINCE.match(stripped))
    core = _LEAD.sub("", _SINCE.sub("", stripped))
    if core == "may":  # the modal verb, not the month
        return None
    ctx = _Ctx(published, future and not since, since)
    cores = [core, core[4:]] if core.lower().startswith("the ") else [core]  # 'the summer of 2019'
    res = next((r for c in cores for r in _resolve_core(c, ctx)), None)
    if res is None:
        return None
    if since:
        res = _since(res, published)
    start = text.find(stripped)
    return _mention(text[start : start + len(stripped)], start, res)


def _resolve_core(core: str, ctx: _Ctx) -> Iterator[_Res]:
    """Results of the rules that match the whole phrase, in rule order (lazily: callers take the first)."""
    for pattern, fn in _rules(False):
        m = pattern.fullmatch(core)
        res = _run(fn, m, ctx) if m else None
        if res is not None:
            yield res


def _since(res: _Res, published: date | None) -> _Res:
    """'since X': from the start of X up to P."""
    if res.start is None or res.type == "DURATION" or (published is not None and published < res.start):
        return res  # 'since 2030' in a 2024 report: no range to give
    return _Res(res.value, res.type, res.start, published, "range", res.anchor)


def _mention(text: str, start: int, res: _Res) -> TimeMention:
    return TimeMention(
        text=text,
        start=start,
        end=start + len(text),
        value=res.value,
        type=res.type,  # type: ignore[arg-type]
        start_date=res.start,
        end_date=res.end,
        precision=res.precision,  # type: ignore[arg-type]
        anchor=res.anchor,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------------------------------ finding spans

_FUTURE_AUX = lexicon().words("time/future_aux")  # not 'would': 'said police would deploy Sunday' is past
_YEAR_CONTEXT = lexicon().words("time/year_context")


_FUTURE_GOVERNORS = lexicon().words("time/future_governors")
_PLANNED = lexicon().words("time/planned")
# present and past forms alike: a 'present' tag on them is too often a mistagged past ('when shells hit on Sunday')
_SAME_PAST = lexicon().words("time/same_past")
_REPORTING = lexicon().words("time/reporting_forms")
_PAST_MAIN_AUX = lexicon().words("time/past_main_aux")
_SET_FOR = lexicon().words("time/set_for")  # 'set for Monday', 'set to resume': a plan
_INFINITIVE_PASSIVE = lexicon().words("time/infinitive_passive")  # 'to be published'
_PAST_AUX = lexicon().words("time/past_aux")
_PERFECT_AUX = lexicon().words("time/perfect_aux")
_PRESENT_AUX = lexicon().words("time/present_aux")  # 'is heard in May'
_WOULD_BE = lexicon().words("time/would_be")  # 'would be traveling Thursday'
_DEADLINE = re.compile(rf"(?i)\b(?:{_phrase_alt('time/deadline_cues')})\s+$")


def _clause_verb(span: Span) -> tuple[Token, int]:
    """The verb a time expression hangs from, and how many arcs away it is."""
    head, steps = span.root, 0
    for steps in range(6):  # noqa: B007 - the count is returned
        if head.pos_ in ("VERB", "AUX") or head.head is head:
            break
        head = head.head
    return head, steps


_AHEAD_OF = re.compile(rf"(?i)\b(?:{_phrase_alt('time/ahead_of_cues')})\s+$")


def _possessive(doc: Doc, span: Span) -> bool:
    """'Tuesday's vote': the phrase names an occasion, whose tense the clause around it does not tell."""
    return span.end < len(doc) and doc[span.end].tag_ == "POS"


def _had_governor(verb: Token) -> bool:
    """'had been due to expire Friday', 'had been scheduled to ...': a plan told in the past perfect."""
    gov = verb.head
    if gov is verb or "to" not in {c.lower_ for c in verb.children if c.dep_ == "aux"}:
        return False
    return any(c.lower_ == "had" and c.dep_ in ("aux", "auxpass") for c in gov.children) or (
        gov.head is not gov and any(c.lower_ == "had" and c.dep_ == "aux" for c in gov.head.children)
    )


def _past_main(verb: Token) -> bool:
    """'a service planned for Saturday was cancelled': a plan modifying a noun in a past-tense clause."""
    if verb.dep_ != "acl":
        return False
    main = verb.head.head
    return main.tag_ == "VBD" or any(c.lower_ in _PAST_MAIN_AUX for c in main.children)


def _tense(doc: Doc, text: str, start: int, end: int) -> str | None:
    """'future' when a time expression points forward from P (future tense, plans and deadlines: 'will meet
    Monday', 'is expected in April', 'planned to leave on Thursday', 'payable Jan. 2', 'by Jan. 14'), 'past'
    for a clause in the past tense, else None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    if _possessive(doc, span):
        return "future" if _AHEAD_OF.search(text[max(0, start - 20) : start]) else "past"
    verb, steps = _clause_verb(span)
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    return _marked_tense(text, start, verb, auxes) or _tense_by_form(verb, steps, auxes)


def _marked_tense(text: str, start: int, verb: Token, auxes: set[str]) -> str | None:
    """Plans, perfects, deadlines and modals, which decide before the verb's form does."""
    # 'set for Monday' / 'set to resume', not 'set Friday as the deadline' or 'the record set on Aug. 6'
    set_for = any(c.lower_ in _SET_FOR for c in verb.children)
    planned = verb.lower_ in _PLANNED and (verb.lower_ != "set" or set_for)
    fronted = verb.tag_ == "VBD" and start < verb.idx  # 'On Friday, the town planned to ...': when it planned
    if planned and "had" not in auxes and not _past_main(verb) and not fronted:
        return "future"
    if auxes >= _INFINITIVE_PASSIVE:  # 'to be published in November': as the governing verb says
        gov = verb.head
        if gov.lower_ in _FUTURE_GOVERNORS or {c.lower_ for c in gov.children} & _FUTURE_AUX:
            return "future"
    # a clock time between the cue and the day ('until 9 a.m. Tuesday') unless the verb's form is past ('lasted')
    deadline = _deadline_before(text, start, verb.tag_ != "VBD")
    if deadline and auxes & _PERFECT_AUX and "had" not in auxes:  # 'has given them until Tuesday': still to come
        return "future"
    if auxes & _PAST_AUX or _had_governor(verb):
        return "past"
    if deadline or auxes & _FUTURE_AUX:
        return "future"
    return None


_CLOCK_BEFORE = re.compile(
    r"(?i)(?:\b\d{1,2}(?::\d\d)?\s*[ap]\.?\s?m\b\.?|\bnoon|\bmidnight)(?:\s+(?-i:[A-Z]{2,4}))?,?\s+$"
)  # a clock time between a deadline cue and its day: 'until 9 a.m. EST Tuesday'


def _deadline_before(text: str, start: int, past_clock: bool = True) -> bool:
    """A deadline cue just before the date, or (past_clock) before a clock time that precedes it."""
    lead = text[max(0, start - 45) : start]
    clock = _CLOCK_BEFORE.search(lead) if past_clock else None
    if clock:
        lead = lead[: clock.start()]
    return bool(_DEADLINE.search(lead[-25:]))


def _tense_by_form(verb: Token, steps: int, auxes: set[str]) -> str | None:
    """The tense the governing verb's form and auxiliaries show."""
    if "to" in auxes and (verb.tag_ == "VB" or (verb.tag_ == "VBN" and "be" in auxes)):
        gov = verb.head  # an infinitive: future when planned, expected, set to ...
        if gov.lower_ in _FUTURE_GOVERNORS or {c.lower_ for c in gov.children} & _FUTURE_AUX:
            return "future"
        if gov.lemma_ == "be" and gov.tag_ in ("VBZ", "VBP"):  # 'is to resume trading Tuesday'
            return "future"
        if verb.dep_ == "acl":  # 'the rules to be published in May', 'talks to begin Monday': still to come
            return "future"
        return None
    if "would" in auxes and verb.tag_ in ("VB", "VBN"):
        return None  # 'the summit would be held on April 24': reported plans, either side of P
    present = auxes & _PRESENT_AUX
    if verb.tag_ == "VBN" and steps <= 2 and present:
        return "future"  # a present passive: 'when the case is heard in May'
    if verb.tag_ in ("VBD", "VBN"):
        return "past" if steps <= 2 else None
    if verb.tag_ == "VBG":
        if auxes >= _WOULD_BE:  # 'would be traveling Thursday'
            return "future"
        return "future" if present and verb.lower_ != "saying" else None
    direct = steps <= 2  # 'resumes Monday', 'is on Monday'; not 'Monday's vote ... is'
    if not direct or verb.tag_ not in ("VBZ", "VBP") or verb.lower_ in _REPORTING or verb.lower_ in _SAME_PAST:
        return None
    return "future"


def _year_ok(doc: Doc, text: str, start: int, end: int) -> bool:
    """A bare four-digit number is a year only in a date-like context (else it may be a count)."""
    before = text[max(0, start - 12) : start].split()
    prev = before[-1].lower().strip("(,") if before else ""
    if prev in _YEAR_CONTEXT:
        return True
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.ent_type_ == "DATE" for t in span)


_SEASON_CONTEXT = lexicon().words("time/season_context")
_VERB_SEASONS = lexicon().words("time/verb_seasons")  # 'fall', 'spring': often a verb or a noun
_ARTICLES = lexicon().words("time/article_numbers")  # 'a week' may be a rate
_RATE_WORDS = lexicon().words("time/rate_words")  # 'twice a week'


_TITLE = re.compile(r"\d+\s+([A-Z][a-z]+)")  # '60 Minutes'
_MARCH_EVENT = re.compile(r"\s+(?:for|of|on|against|to)\s+(?:the\s+)?[A-Z]")


def _rate_or_ordinal(doc: Doc, start: int, end: int, unit: str) -> bool:
    """'four flights a week', '$2 million a year' (a rate, not an amount of time) and 'a second attack'."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if unit == "second" and span.end < len(doc) and doc[span.end].pos_ in ("NOUN", "ADJ", "PROPN"):
        return True
    prev = doc[span.start - 1] if span.start > 0 else None
    return prev is not None and (prev.pos_ in ("NUM", "NOUN", "PROPN") or prev.lower_ in _RATE_WORDS)


def _context_ok(doc: Doc, text: str, m: re.Match[str], fn: Resolver) -> bool:
    """Guards for words that are often not times: a bare year (a count?), 'May' (the modal), 'fall' (the verb)."""
    start, end = m.span()
    if fn is _r_year and m.group(0).isdigit():
        return _year_ok(doc, text, start, end)
    if fn is _r_month and m.group(0).lower() == "may":
        return _year_ok(doc, text, start, end)
    if fn is _r_month and m.group(0) == "March" and _MARCH_EVENT.match(text, end):
        return False  # 'the March for Life', 'the March of the Mothers': a march, not the month
    if fn is _r_amount and m["unit"][:1].isupper() and m["num"][:1].isdigit():
        return False  # '60 Minutes': a title
    if fn is _r_decade and _g(m, "word"):  # 'the nineties', not 'in his nineties'
        return m.group(0).lower().startswith("the")
    if fn is _r_amount and m["num"].lower() in _ARTICLES and not (_g(m, "dir") or _g(m, "dir2") or _g(m, "exact")):
        return not _rate_or_ordinal(doc, start, end, m["unit"].lower())
    if fn is _r_season and not (_g(m, "mod") or _g(m, "rel") or _g(m, "year")):
        before = text[max(0, start - 12) : start].split()
        prev = before[-1].lower() if before else ""
        return m["season"].lower() not in _VERB_SEASONS and prev in _SEASON_CONTEXT
    return True


_DIGITS = tuple("0123456789")
_MONTH_KEYS = tuple(dict.fromkeys(word[:3] for word in _MONTHS))  # what every month name starts with
_WEEKDAY_KEYS = tuple(dict.fromkeys(word[:3] for word in _WEEKDAYS))
_GATE_WORDS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in lexicon().table("time/rule_gates").items()}
_UNIT_KEYS = _GATE_WORDS["units"]


@lru_cache(maxsize=1)
def _gates() -> dict[Resolver, tuple[str, ...]]:
    """Words a rule cannot match without (lower case): a rule whose words are all absent is not run, which spares
    most of the ~45 scans over a sentence or a short report."""
    g = _GATE_WORDS
    return {
        _r_iso: _DIGITS, _r_numeric: _DIGITS, _r_full_date: _DIGITS, _r_year: _DIGITS,
        _r_month_day: _MONTH_KEYS, _r_month_year: _MONTH_KEYS, _r_day_span: _MONTH_KEYS,
        _r_month_rel_year: _MONTH_KEYS, _r_month: _MONTH_KEYS,
        _r_weekday: _WEEKDAY_KEYS, _r_into: _WEEKDAY_KEYS, _r_part_day: _WEEKDAY_KEYS + g["part_day"],
        _r_weekday_set: _WEEKDAY_KEYS, _r_night_of: g["night_of"], _r_early_hours: g["early_hours"],
        _r_deictic: g["deictic"], _r_ref: g["ref"],
        _r_unit_rel: _UNIT_KEYS, _r_past_n: _UNIT_KEYS, _r_recent: g["recent"], _r_vague_span: _UNIT_KEYS,
        _r_vague_offset: _UNIT_KEYS, _r_amount: _UNIT_KEYS, _r_text_anchored: _UNIT_KEYS + g["text_anchored"],
        _r_decade: _DIGITS + tuple(_DECADE_WORDS), _r_season: tuple(_SEASONS),
        _r_quarter: g["quarter"], _r_fin_quarter: g["fin_quarter"], _r_year_period: g["year_period"],
        _r_half: g["half"], _r_set: g["set"], _r_century: g["century"], _r_spoken_year: g["spoken_year"],
        _r_year_end: g["year_end"], _r_week_of: g["week_of"], _r_week_of_month: g["week_of"],
        _r_holiday: tuple(k.split()[0] for k in _HOLIDAY_KEYS), _r_clock: _DIGITS + g["clock"],
    }  # fmt: skip


def _candidates(text: str) -> list[_Cand]:
    found = []
    lower, gates = text.lower(), _gates()
    for order, (pattern, fn) in enumerate(_rules(True)):
        gate = gates.get(fn)
        if gate is not None and not any(k in lower for k in gate):
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), order, m, fn))
    return found


_Cand = tuple[int, int, int, re.Match[str], Resolver]


def _select(cands: list[_Cand]) -> list[tuple[int, int, re.Match[str], Resolver]]:
    """Keep the longest non-overlapping matches (ties go to the earlier rule)."""
    chosen: list[tuple[int, int, re.Match[str], Resolver]] = []
    taken = bytearray(max((c[1] for c in cands), default=0))  # 1 where a chosen match lies: no scan of them all
    for start, end, _, m, fn in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[2], c[0])):
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, m, fn))
    return sorted(chosen, key=lambda c: c[0])


_SINCE_BEFORE = re.compile(r"(?i)\bsince\s+$")


def _extend_since(text: str, start: int) -> int:
    m = _SINCE_BEFORE.search(text[max(0, start - 8) : start])
    return start - len(m.group(0)) if m else start


# rules whose direction (back or forward from P) is ambiguous and follows the clause's tense
_FORWARD_RULES = (_r_weekday, _r_month_day, _r_month, _r_season, _r_unit_rel, _r_holiday, _r_into, _r_night_of,
                  _r_early_hours, _r_part_day, _r_year_end, _r_week_of, _r_day_span, _r_week_of_month)  # fmt: skip


_IN_BEFORE = re.compile(r"(?i)\bin\s+$")


def _modal_clause(doc: Doc, start: int, end: int) -> bool:
    """Whether the verb the phrase hangs from has a modal or future auxiliary ('will leave', 'would be paid')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    verb, _ = _clause_verb(span)
    return any(c.dep_ == "aux" and c.lower_ in _SOMEDAY_MODALS | _FUTURE_AUX for c in verb.children)


def _grammar_mentions(doc: Doc, text: str, published: date | None) -> list[TimeMention]:
    out: list[TimeMention] = []
    for start, end, m, fn in _select(_candidates(text)):
        if not _context_ok(doc, text, m, fn):
            continue
        new_start = _extend_since(text, start)
        tense = _tense(doc, text, start, end) if fn in _FORWARD_RULES and published is not None else None
        if fn is _r_amount and _IN_BEFORE.search(text, max(0, start - 4), start) and _modal_clause(doc, start, end):
            tense = "future"  # 'would be redeemed in five years': a date five years on
        if new_start != start:
            tense = "past"  # 'since X': X is behind P
        res = _run(fn, m, _Ctx(published, tense == "future", tense == "past"))
        if res is None:
            continue
        if new_start != start:
            res, start = _since(res, published), new_start
        out.append(_mention(text[start:end], start, res))
    return out


def _ent_mentions(ents: list[Span], taken: list[TimeMention], published: date | None) -> list[TimeMention]:
    """spaCy DATE/TIME entities the grammar missed, kept only when they resolve to a value."""
    out = []
    covered = bytearray(max((t.end for t in taken), default=0))
    for t in taken:
        covered[t.start : t.end] = b"\x01" * (t.end - t.start)
    for ent in ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if covered.find(1, ent.start_char, ent.end_char) != -1:
            continue
        title = _TITLE.fullmatch(ent.text)
        if title and title[1].lower().rstrip("s") in _UNIT_CODES:  # '60 Minutes', not '3 March'
            continue
        if ent.text == "March" and _MARCH_EVENT.match(ent.doc.text, ent.end_char):
            continue
        found = resolve_expression(ent.text, published)
        if found is None or (found.value is None and found.anchor != "none"):
            continue
        found.start += ent.start_char
        found.end += ent.start_char
        out.append(found)
    return out


_CLOCK_DAY_GAP = re.compile(r"\s*(?:\(?[A-Z]{2,4}\)?,?\s+|local\s+time\s+)?(?:on\s+)?")  # '9 a.m. EST Tuesday'
_DAY_CLOCK_GAP = re.compile(r"\s*,?\s*(?:at\s+)?")  # 'Tuesday at 9 a.m.'


def _is_clock(t: TimeMention) -> bool:
    return t.type == "TIME" and (t.value or "").startswith("XXXX-XX-XXT")


def _is_day(t: TimeMention) -> bool:
    return t.precision == "day" and t.value is not None and len(t.value) >= 10 and t.value[4] == "-"


def _join_clock(text: str, first: TimeMention, second: TimeMention) -> TimeMention | None:
    """'9 a.m. Tuesday' / 'Tuesday at 9 a.m.' as one TIME mention on that day."""
    gap = text[first.end : second.start]
    clock, day = (first, second) if _is_clock(first) else (second, first)
    if not (_is_clock(clock) and _is_day(day)) or ")" in gap and text[max(0, first.start - 1) : first.start] == "(":
        return None  # not '(0735 GMT) Friday': a bracketed conversion of a clock time told before it
    if not (_CLOCK_DAY_GAP if clock is first else _DAY_CLOCK_GAP).fullmatch(gap):
        return None
    value = f"{(day.value or '')[:10]}{(clock.value or '')[10:]}"
    return TimeMention(text=text[first.start : second.end], start=first.start, end=second.end, value=value,
                       type="TIME", start_date=day.start_date, end_date=day.end_date, precision="day",
                       anchor=day.anchor)  # fmt: skip


def _merge_clocks(text: str, mentions: list[TimeMention]) -> list[TimeMention]:
    out: list[TimeMention] = []
    for t in mentions:
        joined = _join_clock(text, out[-1], t) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(t)
    return out


def _is_night(t: TimeMention) -> bool:
    """'overnight into Sunday': a night spanning two days."""
    return t.precision == "range" and (t.value or "").endswith("TNI") and bool(t.start_date and t.end_date)


def _day_near(mentions: list[TimeMention], i: int, lo: int, hi: int, nights: bool) -> TimeMention | None:
    """The closest day (or night) mention before mentions[i] starting at or after lo; else the first after it
    before hi."""
    ok = (lambda t: _is_day(t) or _is_night(t)) if nights else _is_day
    before = [t for t in mentions[:i] if t.start >= lo and ok(t)]
    if before:
        return before[-1]
    return next((t for t in mentions[i + 1 :] if t.start < hi and ok(t)), None)


def _clock_date(t: TimeMention, day: TimeMention) -> date:
    """The date of day (a day mention's value begins with its start_date); for a night, the morning side for small
    hours ('2:40 a.m.', 'dawn'), else the evening side."""
    if not _is_night(day):
        return day.start_date
    clock = (t.value or "")[11:]
    small_hours = clock == "MO" or (clock[:2].isdigit() and int(clock[:2]) < 12)
    return day.end_date if small_hours else day.start_date


def _on_day(t: TimeMention, day: TimeMention, eve: bool = False) -> TimeMention:
    """t moved onto day's date ('10 a.m.' after 'on Friday'); eve: the night running into that day. A clock time
    inside a named night keeps the night as its range: the value says which side of midnight, but a local small-hours
    time is the same night in another zone, and that night is how such an attack is dated."""
    d = _clock_date(t, day)
    first = d - timedelta(days=1) if eve else d
    lo, hi = (day.start_date, day.end_date) if _is_night(day) else (first, d)
    return t.model_copy(update={"value": f"{first.isoformat()}{(t.value or '')[10:]}", "start_date": lo,
                                "end_date": hi, "precision": "range" if lo != hi else "day",
                                "anchor": day.anchor})  # fmt: skip


_CLOCK_REACH = 800  # characters back to look for the day a clock time falls on (about the lead and a paragraph)


def _anchor_to_days(doc: Doc, text: str, mentions: list[TimeMention], published: date | None) -> list[TimeMention]:
    """A bare clock time falls on the day last named shortly before it (else later in its sentence): 'on Friday
    ... at about 10 a.m.'), else on P or the day before; a bare 'overnight' is the night into the day its sentence
    names ('imposed a curfew on Tuesday after overnight clashes'), rather than the night into P."""
    out = list(mentions)
    for i, t in enumerate(out):
        clock, night = _is_clock(t), t.text.lower() == "overnight"
        if not (clock or night):
            continue
        span = doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None:
            continue
        sent = span.sent
        lo = max(0, t.start - _CLOCK_REACH) if clock else sent.start_char
        day = _day_near(mentions, i, lo, sent.end_char, nights=clock)  # days as named, not clocks placed
        if day is not None and day.text.lower() != "overnight":
            out[i] = _on_day(t, day, eve=night)
        elif clock and published is not None:  # no day named: told on P, so P or the day before
            out[i] = t.model_copy(update={"value": f"{published.isoformat()}{(t.value or '')[10:]}",
                                          "start_date": published - timedelta(days=1),
                                          "end_date": published, "precision": "range",
                                          "anchor": "publication"})  # fmt: skip
    return out


_TEXT_SAME = re.compile(rf"(?i)\b(?:{_phrase_alt('time/text_same')})\b")
_TEXT_ON = re.compile(rf"(?i)\b(?:{_phrase_alt('time/text_next')})\b")
_TEXT_BACK = re.compile(rf"(?i)\b(?:{_phrase_alt('time/text_back')})\b")
_TEXT_PART = re.compile(r"(?i)\b(morning|afternoon|evening|night)\b")
_FOLLOWED_BY_WORD = re.compile(r"\s+[\w'‘“\"]")
_EVENT_ANCHORED_ENDS = lexicon().phrases("time/event_anchored_ends")  # 'the day before the vote'
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")
_MONTH_VALUE = re.compile(r"\d{4}-(?:\d\d|SP|SU|FA|WI)")
_TEXT_REACH = 1500  # characters back to look for the date a 'the next day' counts from
_GRAIN = {"day": 0, "week": 1, "month": 2, "season": 2, "year": 3}


def _text_step(phrase: str) -> int:
    """'the next day' +1, 'the week before' -1, 'later that day' / 'the same day' 0."""
    if _TEXT_SAME.search(phrase):
        return 0
    return 1 if _TEXT_ON.search(phrase) else -1 if _TEXT_BACK.search(phrase) else 0


def _text_ref(mentions: list[TimeMention], i: int, unit: str) -> date | None:
    """The day the last date named before mentions[i] starts on, if it is at least as fine as unit."""
    t = mentions[i]
    for ref in reversed(mentions[:i]):
        if ref.start < t.start - _TEXT_REACH:
            return None
        if ref.anchor == "text" or ref.type in ("DURATION", "SET") or not (ref.value or "")[:1].isdigit():
            continue
        if ref.start_date is None or _value_grain(ref.value or "") > _GRAIN[unit]:
            return None  # the last date named is too coarse ('in 2019 ... the next day')
        return ref.start_date
    return None


def _value_grain(value: str) -> int:
    """How fine a value is (0 = day ... 3 = year): 'since December 7' is a day however long its range."""
    if _DAY_VALUE.match(value):
        return _GRAIN["day"]
    if "-W" in value:
        return _GRAIN["week"]
    if _MONTH_VALUE.fullmatch(value):
        return _GRAIN["month"]
    return _GRAIN["year"] if value[:4].isdigit() and len(value) == 4 else _GRAIN["year"] + 1


_WEEKDAY_WORD = re.compile(rf"(?i)\b({_alt(list(_WEEKDAYS))})\b")


def _resolve_text_weekdays(mentions: list[TimeMention]) -> list[TimeMention]:
    """'the previous Friday', 'the following Monday': that weekday before or after the day named last (within a
    few paragraphs), which is where the narrative stands; P's when no day was named."""
    out = list(mentions)
    for i, t in enumerate(out):
        wd = _WEEKDAY_WORD.search(t.text) if t.anchor == "text" and t.value is not None else None
        d = _text_ref(out, i, "day") if wd else None
        if wd is None or d is None:
            continue
        target = _WEEKDAYS[wd[1].lower()]
        if _TEXT_ON.search(t.text):
            day = d + timedelta(days=(target - d.weekday()) % 7 or 7)
        else:
            day = d - timedelta(days=(d.weekday() - target) % 7 or 7)
        res = _day(day, "text")
        if t.type == "TIME" and t.value and "T" in t.value:
            res = _Res(f"{res.value}{t.value[t.value.index('T') :]}", "TIME", day, day, "day", "text")
        out[i] = _mention(t.text, t.start, res)
    return out


def _join_dated_anchor(text: str, mentions: list[TimeMention]) -> list[TimeMention]:
    """'the day before last Tuesday', 'the week after March 3': counted from the date right after it, one mention."""
    out: list[TimeMention] = []
    for t in mentions:
        prev = out[-1] if out else None
        if (
            prev is None or prev.anchor != "text" or prev.value is not None or prev.precision not in ("day", "week")
            or not prev.text.lower().endswith(_EVENT_ANCHORED_ENDS) or text[prev.end : t.start].strip()
            or t.start_date is None or not _DAY_VALUE.match(t.value or "")
        ):  # fmt: skip
            out.append(t)
            continue
        step = _text_step(prev.text)
        if prev.precision == "day":
            res = _day(t.start_date + timedelta(days=step), "text")
        else:
            res = _week(t.start_date + timedelta(weeks=step), "text")
        out[-1] = _mention(text[prev.start : t.end], prev.start, res)
    return out


def _resolve_text_anchored(text: str, mentions: list[TimeMention]) -> list[TimeMention]:
    """'the next day', 'later that year', 'the week before': counted from the date named last before them (within
    a few paragraphs), which is what a news report's narrative refers back to; left open when there is none, and
    for 'the day before the vote' (counted from an event the report names next, not from a date)."""
    out = list(mentions)
    for i, t in enumerate(out):
        if t.anchor != "text" or t.value is not None or t.precision not in _GRAIN:
            continue
        if t.text.lower().endswith(_EVENT_ANCHORED_ENDS) and _FOLLOWED_BY_WORD.match(text, t.end):
            continue
        d = _text_ref(out, i, t.precision)
        if d is None:
            continue
        step = _text_step(t.text)
        if t.precision == "day":
            res = _day(d + timedelta(days=step), "text")
            part = _TEXT_PART.search(t.text)
            if part:
                res = _Res(f"{res.value}T{_PARTS[part[1].lower()]}", "TIME", res.start, res.end, "day", "text")
        elif t.precision == "week":
            res = _week(d + timedelta(weeks=step), "text")
        elif t.precision == "month":
            shifted = _add_months(d.replace(day=1), step)
            res = _month(shifted.year, shifted.month, "text")
        else:
            res = _year(d.year + step, "text")
        out[i] = _mention(t.text, t.start, res)
    return out


_YEAR_ON_YEAR = re.compile(rf"(?i)(?:{_phrase_alt('time/year_on_year')})")
_PERIOD_VALUE = re.compile(
    r"(?P<year>\d{4})-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<month>0[1-9]|1[0-2])|(?P<season>SP|SU|FA|WI))"
)
_YEAR_PERIOD = re.compile(r"(?i)\b(?:quarter|period)\b")  # 'the 1988 period': a quarter or so of that year
_RESULTS_PERIOD = re.compile(r"-[QH][1-4]$")  # what results compare with a year before: quarters and halves
_YEAR_AGO = re.compile(r"(?i)\byear-(?:ago|earlier)\b")  # 'the year-earlier quarter': a comparison
_COMPARE_REACH = 600  # characters back to look for the period 'a year earlier' compares with


def _period_in(value: str, back: int | None, year: int | None = None) -> _Res | None:
    """The quarter, half, month or season of value, `back` years earlier ('1989-Q3', 1 -> 1988-Q3) or in `year`."""
    m = _PERIOD_VALUE.fullmatch(value)
    if m is None:
        return None
    year = int(m["year"]) - (back or 0) if year is None else year
    if m["q"]:
        return _quarter(year, int(m["q"]), "text")
    if m["month"]:
        return _month(year, int(m["month"]), "text")
    if m["season"]:
        return _season(year, m["season"], "text")
    h = int(m["h"])
    start, end = (date(year, 1, 1), date(year, 6, 30)) if h == 1 else (date(year, 7, 1), date(year, 12, 31))
    return _Res(f"{year:04d}-H{h}", "DATE", start, end, "range", "text")


def _copy(t: TimeMention) -> _Res:
    """A period already resolved by _resolve_year_on_year, as a result to copy."""
    return _Res(t.value, "DATE", t.start_date, t.end_date, t.precision, "text")


_STRETCH = re.compile(r"P(?:[2-9]|1[01])M|P[23]Q")  # 'the nine months', 'the first half': results to date
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z])")


def _resolve_year_on_year(text: str, mentions: list[TimeMention]) -> list[TimeMention]:
    """'profit rose in the third quarter from a year earlier': a one-year offset right after a named quarter or half
    is that period a year back (1988-Q3), not the year before P; 'the 1988 period', "last year's quarter" are the
    quarter, half or month under discussion in the year they name. Days and years named in between are passed over."""
    out = list(mentions)
    for i, t in enumerate(out):
        if t.value is None or t.type != "DATE":
            continue
        offset = _YEAR_ON_YEAR.fullmatch(t.text) is not None
        if not offset and not (_YEAR_PERIOD.search(t.text) and t.value.isdigit() and len(t.value) == 4):
            continue
        for ref in reversed(out[:i]):
            if ref.start < t.start - _COMPARE_REACH:
                break
            if _STRETCH.fullmatch(ref.value or "") and not _SENTENCE_END.search(text, ref.end, t.start):
                break  # 'for the nine months, net rose from a year earlier': those months, in the year before
            if ref.type in ("DURATION", "SET") or not (ref.value or "")[:1].isdigit() or _is_day(ref):
                continue
            if _value_grain(ref.value or "") == _GRAIN["year"]:
                continue  # a year named in between (in fiscal 1989) does not hide the quarter under discussion
            if offset and (_YEAR_ON_YEAR.fullmatch(ref.text) or _YEAR_AGO.search(ref.text)):
                if ref.anchor == "text" or _YEAR_AGO.search(ref.text):  # 'a year earlier ... a year ago', 'the
                    out[i] = _mention(t.text, t.start, _copy(ref))  # year-ago quarter ... a year ago': the same
                break
            if offset and not _RESULTS_PERIOD.search(ref.value or ""):
                break  # a month or season before it: 'a year earlier' is still the year
            res = _period_in(ref.value or "", 1) if offset else _period_in(ref.value or "", None, int(t.value))
            if res is not None:
                out[i] = _mention(t.text, t.start, res)
            break
    return out


_THE_QUARTER = re.compile(r"(?i)(?:the\s+)?(?:(?:latest|most\s+recent|just-ended)\s+)?(?:quarter|period)")
_QUARTER_VALUE = re.compile(r"\d{4}-Q[1-4]")
_LATEST = re.compile(r"(?i)\b(?:latest|most\s+recent|just-ended)\b")


_PERIOD_END = re.compile(rf"(?i)\s+(?:{_PERIOD_ENDS})\s+")


def _closing_day(text: str, mentions: list[TimeMention], i: int) -> date | None:
    """The day 'the quarter ended Sept. 30' names, when the next mention is that day."""
    after = mentions[i + 1] if i + 1 < len(mentions) else None
    if after is None or not _DAY_VALUE.fullmatch(after.value or "") or after.start_date is None:
        return None
    return after.start_date if _PERIOD_END.fullmatch(text, mentions[i].end, after.start) else None


def _resolve_the_quarter(text: str, mentions: list[TimeMention]) -> list[TimeMention]:
    """'the quarter', 'the latest period': the quarter the report has named last (a fiscal 'first
    quarter' ended in September stays the first) rather than the last one ended by P; quarters a year back are
    comparisons, not it, and 'the latest' quarter is over, so not one that ends after the last ended by P. With
    none named, 'the quarter ended July 31' is the calendar quarter holding most of it."""
    out = list(mentions)
    for i, t in enumerate(out):
        if not _THE_QUARTER.fullmatch(t.text) or not _QUARTER_VALUE.fullmatch(t.value or ""):
            continue
        ref = _named_quarter(out, i)
        closed = _closing_day(text, out, i) if ref is None else None
        if ref is not None:
            out[i] = _mention(t.text, t.start, _copy(ref))
        elif closed is not None:  # none named: 'the quarter ended July 31' is May to July, mostly the second
            mid = closed - timedelta(days=45)
            out[i] = _mention(t.text, t.start, _quarter(mid.year, (mid.month - 1) // 3 + 1, "text"))
    return out


def _named_quarter(mentions: list[TimeMention], i: int) -> TimeMention | None:
    """The quarter named last before mentions[i], as _resolve_the_quarter takes it."""
    t = mentions[i]
    for ref in reversed(mentions[:i]):
        if ref.start < t.start - _COMPARE_REACH:
            return None
        if not _QUARTER_VALUE.fullmatch(ref.value or "") or _THE_QUARTER.fullmatch(ref.text):
            continue
        if ref.anchor == "text" or _YEAR_AGO.search(ref.text):
            continue
        if _LATEST.search(t.text) and _ends_later(ref, t):
            continue  # 'the latest quarter' is over: not the fourth quarter a forecast has named
        return ref
    return None


def _ends_later(a: TimeMention, b: TimeMention) -> bool:
    """Whether a ends after b; a known end is later than an unknown one."""
    return a.end_date is not None and (b.end_date is None or a.end_date > b.end_date)


def _published(published: date | str | None) -> date | None:
    """The publication day, for callers of the public functions that pass a 'YYYY-MM-DD' string instead of a date
    (the pipeline passes Report.published, already a date); anything else is the caller's input error."""
    if published is None or (isinstance(published, date) and not isinstance(published, datetime)):
        return published
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, str):
        try:
            return date.fromisoformat(published.strip()[:10])
        except ValueError:
            pass
    raise DatelineError(f"publication date must be YYYY-MM-DD, got {published!r}")


def find_times(doc: Doc, published: date | str | None) -> list[TimeMention]:
    """Every time expression in the report, in text order, normalised against the publication date."""
    if not isinstance(doc, Doc):
        raise DatelineError(f"find_times needs a spaCy Doc, got {type(doc).__name__}")
    published = _published(published)
    text = doc.text  # built anew on each access: read it once
    mentions = _grammar_mentions(doc, text, published)
    mentions += _ent_mentions(list(doc.ents), mentions, published)
    mentions = _anchor_to_days(doc, text, _merge_clocks(text, sorted(mentions, key=lambda t: t.start)), published)
    mentions = _resolve_text_weekdays(_resolve_text_anchored(text, _join_dated_anchor(text, mentions)))
    return _resolve_year_on_year(text, _resolve_the_quarter(text, mentions))
