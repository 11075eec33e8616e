"""MUC-4 terrorism templates: does dateline find the violent incidents a wire story reports, and their slots?

Input: a MUC-3/MUC-4 story file (``tst3-muc4``, ``dev-muc3-0001-0100``: stories headed by ids like
``TST3-MUC4-0001``) with its answer key beside it (``key-tst3.v2``, ``key-dev-0001.muc4``), or a folder holding
such pairs, read recursively. Each story becomes a Report with its text as it is (all caps, dateline header
included) and ``published`` from the header date (``SAN SALVADOR, 19 NOV 89 (RADIO ...) --``): a wire feed gives
its dispatch date as metadata, and MUC keys resolve "yesterday" against it too.

Key conventions read: ``*`` in MESSAGE: TEMPLATE marks an irrelevant story (no incident); ``N (OPTIONAL)`` (or a
leading ``?``) an optional template; ``-`` an empty slot; ``"A" / "B"`` alternative fills of one slot line, each
further line of a slot another entity; a leading ``?`` an optional fill; ``SET: "STRING"`` a set fill tied to a
string; dates ``16 NOV 89``, ``- 16 NOV 89`` (on or before), ``10 NOV 89 - 16 NOV 89`` ranges, ``(...) / (...)``
alternatives; locations ``COUNTRY: PLACE (KIND): PLACE (KIND)``, ``A (CITY) - B (CITY)`` for a route.

Matching rules (the MUC-4 practice of one-to-one template mapping, simplified to the slots dateline fills):
- a dateline event is an incident when it happened as told: not negated, not denied, not background, its status
  not planned, hypothetical or habitual (a threatened incident is one, at the stage THREATENED); ASSAULT
  maps to KIDNAPPING (trigger or mode abduction), BOMBING (trigger a bomb/explosion word, or mode explosives or
  suicide-bomb), ARSON (trigger a burning word, or mode arson), else ATTACK; a COERCE event whose trigger is a
  kidnapping word is a KIDNAPPING (arrests and seizures are not). ROBBERY and FORCED WORK STOPPAGE have no
  dateline counterpart and are only missed.
- story level: a story is relevant when its key has a template; one predicted incident makes it predicted
  relevant. A story whose templates are all optional is not missed when nothing is predicted.
- incidents: events and templates are paired one to one (best first) when the type is one of the key's
  alternatives and the location agrees. Location agrees when the event's country is the key's country and the
  event's place does not contradict the fill: a country-level event agrees with any fill in its country; a
  finer event agrees when its name or admin1 names one of the key's places (most specific first) or lies within
  50 km of one the gazetteer knows, or when the key gives only the country; an event without a place agrees with
  nothing. The most specific agreement wins, then an agreeing date. An unmatched optional template is not a
  miss; ``incident_type`` pairs on type alone.
- fields are read on aligned incidents (the incident pairs, then type-only pairs among the rest, so that a field
  is not read only where the place already agreed) where the key fills the slot (a slot with only optional fills
  counts only when matched): date (a key range, open "on or before" ranges included, overlaps the event's
  dates), location (the event names or lies near one of the key's places, or the key is country-only and the
  country agrees), perpetrator (a PERP INDIVIDUAL/ORGANIZATION string matches an initiator by
  ``evaluate.names_match``), target (a HUM TGT NAME/DESCRIPTION or PHYS TGT ID string matches a target or
  victim), effect (DEATH means fatalities > 0, INJURY injuries > 0, NO DEATH / NO INJURY / NO INJURY OR DEATH
  none).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline import DatelineError
from dateline.evalsets.common import extract_all, first, prf_counts
from dateline.evaluate import Tally, _rounded, count_interval, greedy, haversine_km, names_match

if TYPE_CHECKING:
    from dateline.records import Event, Extraction

KIND = "muc4"
MUC_TYPES = ("ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED WORK STOPPAGE")
NEAR_KM = 50.0

SLOTS = (
    "MESSAGE: ID", "MESSAGE: TEMPLATE", "INCIDENT: DATE", "INCIDENT: LOCATION", "INCIDENT: TYPE",
    "INCIDENT: STAGE OF EXECUTION", "INCIDENT: INSTRUMENT ID", "INCIDENT: INSTRUMENT TYPE",
    "PERP: INCIDENT CATEGORY", "PERP: INDIVIDUAL ID", "PERP: ORGANIZATION ID", "PERP: ORGANIZATION CONFIDENCE",
    "PHYS TGT: ID", "PHYS TGT: TYPE", "PHYS TGT: NUMBER", "PHYS TGT: FOREIGN NATION", "PHYS TGT: EFFECT OF INCIDENT",
    "PHYS TGT: TOTAL NUMBER", "HUM TGT: NAME", "HUM TGT: DESCRIPTION", "HUM TGT: TYPE", "HUM TGT: NUMBER",
    "HUM TGT: FOREIGN NATION", "HUM TGT: EFFECT OF INCIDENT", "HUM TGT: TOTAL NUMBER",
)  # fmt: skip
PERP_SLOTS = (9, 10)
TARGET_SLOTS = (12, 18, 19)
EFFECT_SLOT = 23

STORY_FILE = re.compile(r"(?P<set>[a-z0-9]+)-muc\d(?:-(?P<first>\d{4})-\d{4})?", re.IGNORECASE)
STORY_START = re.compile(r"^(?P<id>[A-Z0-9]+-MUC\d-\d{4})\b[^\n]*$", re.MULTILINE)
SLOT_LINE = re.compile(r"(\d+)\.\s+(.*)")
HEADER_DATE = re.compile(r",\s*(\d{1,2})\s+([A-Z]{3})[A-Z]*\.?\s+(\d{2})\b")
KEY_DATE = re.compile(r"(?:(\d{1,2})\s+)?([A-Za-z]{3})[A-Za-z]*\.?(?:\s+(\d{2}))?")
PLACE_KIND = re.compile(r"(.*?)\s*\(([A-Z ]+)\)")
MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTHS = {name: i for i, name in enumerate(MONTH_NAMES, 1)}

# Words of an ASSAULT's trigger that say which MUC incident it is (checked before the event's mode).
NOT_HAPPENED = ("planned", "hypothetical", "habitual")  # threatened incidents are MUC incidents (stage THREATENED)
KIDNAP_WORDS = ("kidnap", "abduct", "hostage")
BOMB_WORDS = ("bomb", "explo", "blast", "dynamit", "detonat", "blew", "blow")
ARSON_WORDS = ("burn", "torch", "arson", "set fire")
# HUM TGT: EFFECT OF INCIDENT fills -> what they say about deaths and injuries.
EFFECTS: dict[str, dict[str, bool]] = {
    "DEATH": {"death": True},
    "INJURY": {"injury": True},
    "NO DEATH": {"death": False},
    "NO INJURY": {"injury": False},
    "NO INJURY OR DEATH": {"death": False, "injury": False},
}
MODE_TYPES = {"abduction": "KIDNAPPING", "explosives": "BOMBING", "suicide-bomb": "BOMBING", "arson": "ARSON"}


# ---------------------------------------------------------------------------------------------------------
# Gold records


@dataclass(frozen=True)
class Fill:
    """One line of a slot: the alternative fills of one entity ("A" / "B"); optional when marked "?"."""

    values: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class DateSpan:
    """An INCIDENT: DATE alternative as ISO days; start None for "on or before" (``- 16 NOV 89``)."""

    start: str | None
    end: str


@dataclass(frozen=True)
class KeyLocation:
    """One INCIDENT: LOCATION alternative: the country and the place names below it, broadest level first."""

    country: str
    levels: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Template:
    """One incident of a story's answer key, with the slots the scorer reads."""

    story: str
    number: int
    optional: bool
    types: tuple[str, ...]
    stage: str | None = None
    dates: tuple[DateSpan, ...] = ()
    dates_optional: bool = False
    locations: tuple[KeyLocation, ...] = ()
    locations_optional: bool = False
    perpetrators: tuple[Fill, ...] = ()
    targets: tuple[Fill, ...] = ()
    effects: tuple[Fill, ...] = ()


@dataclass
class Story:
    """One wire story: its text, the header's dispatch date, and its key's templates (none if irrelevant)."""

    id: str
    text: str
    published: str | None
    templates: list[Template] = field(default_factory=list)
    source: str = ""

    @property
    def relevant(self) -> bool:
        return bool(self.templates)

    @property
    def required(self) -> bool:
        return any(not t.optional for t in self.templates)


# ---------------------------------------------------------------------------------------------------------
# Reading stories and keys


def read(path: Path) -> list[Story]:
    """The stories of one story file (its key found beside it) or of every story file under a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _is_story_file(p, strict=True))
        if not files:
            raise DatelineError(f"{path}: no MUC story files (named like tst3-muc4 or dev-muc3-0001-0100)")
        return [story for f in files for story in _read_pair(f)]
    if not path.is_file():
        raise DatelineError(f"no such MUC story file: {path}")
    if not _is_story_file(path, strict=False):
        raise DatelineError(f"{path}: not a MUC story file (named like tst3-muc4 or dev-muc3-0001-0100)")
    return _read_pair(path)


def _is_story_file(path: Path, strict: bool) -> bool:
    """Story files are named SET-mucN[-FIRST-LAST]; in a folder the name must be exactly that (no variants)."""
    if path.name.startswith(("._", "key-")):
        return False
    match = STORY_FILE.fullmatch(path.name) if strict else STORY_FILE.match(path.name)
    return match is not None


def key_path(story_file: Path) -> Path:
    """The answer key beside a story file: ``key-SET[-FIRST]`` with any suffix (the latest version if several)."""
    match = STORY_FILE.match(story_file.name)
    if match is None:
        raise DatelineError(f"{story_file}: not a MUC story file name")
    stem = f"key-{match['set']}" + (f"-{match['first']}" if match["first"] else "")
    pattern = re.compile(re.escape(stem) + r"(\..*)?", re.IGNORECASE)
    keys = sorted(p for p in story_file.parent.iterdir() if p.is_file() and pattern.fullmatch(p.name))
    if not keys:
        raise DatelineError(f"{story_file}: no answer key beside it (expected {stem} or {stem}.*)")
    return keys[-1]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="latin-1")
    except OSError as err:
        raise DatelineError(f"cannot read {path}: {err.strerror}") from err


def _read_pair(story_file: Path) -> list[Story]:
    stories = read_stories(story_file)
    by_id = {s.id: s for s in stories}
    key = key_path(story_file)
    templates, keyed = read_key(key, {s.id: s.published for s in stories})
    unknown = sorted(keyed - set(by_id))
    if unknown:
        raise DatelineError(f"{key}: templates for {unknown[0]}, a story not in {story_file.name}")
    unkeyed = [s.id for s in stories if s.id not in keyed]
    if unkeyed:
        raise DatelineError(f"{key}: no template (not even '*') for story {unkeyed[0]} of {story_file.name}")
    for template in templates:
        by_id[template.story].templates.append(template)
    return stories


def read_stories(path: Path) -> list[Story]:
    """The stories of one story file, in file order (text, header date); their templates are added later."""
    text = _read_text(path)
    starts = list(STORY_START.finditer(text))
    if not starts:
        raise DatelineError(f"{path}: no stories (each starts with a line like TST3-MUC4-0001)")
    stories = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[match.end() : end].strip()
        if not body:
            line = text.count("\n", 0, match.start()) + 1
            raise DatelineError(f"{path}, line {line}: story {match['id']} has no text")
        stories.append(Story(id=match["id"], text=body, published=header_date(body), source=str(path)))
    return stories


def header_date(body: str) -> str | None:
    """The dispatch date of the story's dateline header (``PLACE, 19 NOV 89 (SOURCE) --``), None for NO DATE."""
    head = body[: body.find("--")] if "--" in body[:300] else body.split("\n", 1)[0]
    match = HEADER_DATE.search(head)
    if match is None or match[2] not in MONTHS:
        return None
    try:
        return dt.date(1900 + int(match[3]), MONTHS[match[2]], int(match[1])).isoformat()
    except ValueError:
        return None


def read_key(path: Path, published: dict[str, str | None]) -> tuple[list[Template], set[str]]:
    """The templates of one answer key and every story id it answers for (irrelevant ones included);
    ``published`` gives each story's date for the dates the key leaves without a year."""
    templates, keyed = [], set()
    for slots in _key_blocks(path):
        story = slots[0][0][0].split()[0] if slots[0][0][0] else ""
        if not story:
            raise DatelineError(f"{_where(path, slots, 0)}: MESSAGE: ID is empty")
        keyed.add(story)
        number = _template_number(slots, path)
        if number is not None:
            templates.append(_template(story, number, slots, published.get(story), path))
    return templates, keyed


Slots = dict[int, list[tuple[str, int]]]


def _where(path: Path, slots: Slots, number: int) -> str:
    """'FILE, line N' of a slot (of the template's first line when the slot is missing)."""
    lines = slots.get(number) or slots[0]
    return f"{path}, line {lines[0][1]}"


def _key_blocks(path: Path) -> Iterable[Slots]:
    """Each template's slots: slot number -> value lines with their line numbers."""
    block: Slots | None = None
    last: list[tuple[str, int]] | None = None
    for n, raw in enumerate(_read_text(path).splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        slot = SLOT_LINE.fullmatch(line) if not line[0].isspace() else None
        if slot is not None:
            number, value = _slot_value(slot, f"{path}, line {n}")
            if number == 0:
                if block is not None:
                    yield block
                block = {}
            elif block is None:
                raise DatelineError(f"{path}, line {n}: slot {number} before any MESSAGE: ID")
            last = block.setdefault(number, [])
            last.append((value, n))
        elif last is not None and line[0].isspace():
            _continue(last, line.strip(), n)
        else:
            raise DatelineError(f"{path}, line {n}: not a template slot line: {line.strip()[:60]!r}")
    if block is None:
        raise DatelineError(f"{path}: no templates (each starts with '0.  MESSAGE: ID')")
    yield block


def _slot_value(slot: re.Match, where: str) -> tuple[int, str]:
    number, rest = int(slot[1]), slot[2]
    if number >= len(SLOTS) or not rest.startswith(SLOTS[number]):
        raise DatelineError(f"{where}: slot {number} is not one of the 25 MUC-4 slots: {rest[:40]!r}")
    return number, rest[len(SLOTS[number]) :].strip()


def _continue(lines: list[tuple[str, int]], text: str, n: int) -> None:
    """A further line of a slot: another entity, or the rest of a fill whose quote is still open."""
    value, start = lines[-1]
    if value.count('"') % 2:
        lines[-1] = (f"{value} {text}", start)
    else:
        lines.append((text, n))


def _template_number(slots: Slots, path: Path) -> tuple[int, bool] | None:
    """(number, optional) from MESSAGE: TEMPLATE; None for ``*``, an irrelevant story."""
    value = _first(slots, 1, "")
    if value == "*":
        return None
    match = re.fullmatch(r"(\?\s*)?(\d+)\s*(\(OPTIONAL\))?", value)
    if match is None:
        where = _where(path, slots, 1)
        raise DatelineError(f"{where}: MESSAGE: TEMPLATE must be a number, 'N (OPTIONAL)' or '*', not {value!r}")
    return int(match[2]), bool(match[1] or match[3])


def _template(story: str, number: tuple[int, bool], slots: Slots, published: str | None, path: Path) -> Template:
    types = _alternatives(_first(slots, 4))
    if not types or not set(types) <= set(MUC_TYPES):
        where = _where(path, slots, 4)
        raise DatelineError(f"{where}: INCIDENT: TYPE {_first(slots, 4)!r} is not one of {', '.join(MUC_TYPES)}")
    dates = [_date_spans(v, published, f"{path}, line {n}") for v, n in slots.get(2, []) if _filled(v)]
    places = [_locations(v) for v, _ in slots.get(3, []) if _filled(v)]
    return Template(
        story=story,
        number=number[0],
        optional=number[1],
        types=types,
        stage=_alternatives(_first(slots, 5))[0] if _filled(_first(slots, 5)) else None,
        dates=tuple(d for spans in dates for d in spans),
        dates_optional=all(_is_optional(v) for v, _ in slots.get(2, []) if _filled(v)),
        locations=tuple(loc for alts in places for loc in alts),
        locations_optional=all(_is_optional(v) for v, _ in slots.get(3, []) if _filled(v)),
        perpetrators=_string_fills(slots, PERP_SLOTS),
        targets=_string_fills(slots, TARGET_SLOTS),
        effects=_set_fills(slots, EFFECT_SLOT),
    )


def _first(slots: Slots, number: int, missing: str = "-") -> str:
    lines = slots.get(number)
    return lines[0][0] if lines else missing


def _filled(value: str) -> bool:
    return value.lstrip("? ") not in ("", "-", "*", '"-"')


def _is_optional(value: str) -> bool:
    return value.startswith("?")


def _alternatives(value: str) -> tuple[str, ...]:
    """``A / B`` -> (A, B), splitting only outside parentheses and quotes, one pair of wrapping parens dropped."""
    parts, depth, quoted, current = [], 0, False, []
    for ch in value.lstrip("? "):
        depth += (ch == "(") - (ch == ")") if not quoted else 0
        quoted ^= ch == '"'
        if ch == "/" and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return tuple(_unwrap(p.strip()) for p in parts if p.strip())


def _unwrap(text: str) -> str:
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        return text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def _string_fills(slots: Slots, numbers: Sequence[int]) -> tuple[Fill, ...]:
    """Every quoted string of the slots, one Fill per line (a description's tied name is one more alternative)."""
    fills = []
    for number in numbers:
        for value, _ in slots.get(number, []):
            strings = tuple(s.strip() for s in re.findall(r'"([^"]*)"', value) if s.strip() not in ("", "-"))
            if strings:
                fills.append(Fill(strings, _is_optional(value)))
    return tuple(fills)


def _set_fills(slots: Slots, number: int) -> tuple[Fill, ...]:
    """Set fills (``DEATH: "JESUITS"`` -> DEATH), one Fill per line."""
    fills = []
    for value, _ in slots.get(number, []):
        head = value.split('"', 1)[0].rstrip(": ")
        if _filled(head):
            fills.append(Fill(_alternatives(head), _is_optional(value)))
    return tuple(fills)


def _date_spans(value: str, published: str | None, where: str) -> list[DateSpan]:
    spans = []
    for alt in _alternatives(value):
        span = _date_span(alt.lstrip("? "), published)
        if span is None:
            raise DatelineError(f"{where}: cannot read INCIDENT: DATE {value!r}")
        if span.end:
            spans.append(span)
    return spans


def _date_span(text: str, published: str | None) -> DateSpan | None:
    """``16 NOV 89`` / ``- 16 NOV 89`` / ``10 NOV 89 - 16 NOV 89``; an empty end when the year is unknown."""
    if text.startswith("-"):
        end = _key_day(text[1:].strip(), published, last=True)
        return None if end is None else DateSpan(None, end)
    parts = [p.strip() for p in text.split(" - ")] if " - " in text else [text]
    if len(parts) > 2:
        return None
    start = _key_day(parts[0], published, last=False)
    end = _key_day(parts[-1], published, last=True)
    if start is None or end is None:
        return None
    if not (start and end):
        return DateSpan(None, "")
    return DateSpan(min(start, end), max(start, end))


def _key_day(text: str, published: str | None, last: bool) -> str | None:
    """A key date (``16 NOV 89``, ``NOV 89``, ``16 NOV``) as its first or last ISO day; '' without a year."""
    match = KEY_DATE.fullmatch(text)
    if match is None or match[2].upper() not in MONTHS:
        return None
    month = MONTHS[match[2].upper()]
    year = 1900 + int(match[3]) if match[3] else (int(published[:4]) if published else None)
    if year is None:
        return ""
    month_end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    day = int(match[1]) if match[1] else (month_end if last else 1)
    if day < 1:
        return None
    return dt.date(year, month, min(day, month_end)).isoformat()  # a key's 31 NOV is the month's last day


def _locations(value: str) -> tuple[KeyLocation, ...]:
    """``PERU: LIMA (CITY): SAN ISIDRO (NEIGHBORHOOD)`` -> KeyLocation('PERU', (('LIMA',), ('SAN ISIDRO',)))."""
    out = []
    for alt in _alternatives(value):
        parts = [p.strip() for p in alt.split(":")]
        levels = tuple(tuple(_place_name(x) for x in part.split(" - ") if _place_name(x)) for part in parts[1:])
        out.append(KeyLocation(_place_name(parts[0]), tuple(level for level in levels if level)))
    return tuple(out)


def _place_name(text: str) -> str:
    match = PLACE_KIND.fullmatch(text.strip())
    return (match[1] if match else text).strip()


# ---------------------------------------------------------------------------------------------------------
# From dateline events to MUC incidents


def incident_type(event: Event) -> str | None:
    """The MUC incident type of a dateline event that happened as told, None for any other event."""
    if event.negated or event.background or event.certainty == "denied" or event.status in NOT_HAPPENED:
        return None
    trigger = event.trigger.text.lower()
    if event.type == "COERCE":
        return "KIDNAPPING" if any(w in trigger for w in KIDNAP_WORDS) else None
    if event.type != "ASSAULT":
        return None
    for muc_type, words in (("KIDNAPPING", KIDNAP_WORDS), ("BOMBING", BOMB_WORDS), ("ARSON", ARSON_WORDS)):
        if any(w in trigger for w in words):
            return muc_type
    return MODE_TYPES.get(event.mode or "", "ATTACK")


@lru_cache(maxsize=1024)
def _country_code(name: str) -> str | None:
    from dateline.gazetteer import lookup

    return next((p.country for p in lookup(name) if p.kind == "country"), None)


@lru_cache(maxsize=4096)
def _key_points(name: str, country: str) -> tuple[tuple[float, float], ...]:
    from dateline.gazetteer import lookup

    return tuple((p.lat, p.lon) for p in lookup(name) if p.country == country and p.kind != "country")


def _pred_place_names(event: Event) -> list[str]:
    loc = event.location
    return [n for n in (loc.name, loc.text, loc.admin1) if n]


def location_level(gold: KeyLocation, event: Event) -> int:
    """How an event's place agrees with one key location: 0 contradicts it (or is missing), 1 agrees but is coarser
    than the key, 2 names a key place or lies near one (or is finer than a country-only key), 3 names the most
    specific key place (or both give just the same country)."""
    loc = event.location
    code = _country_code(gold.country)
    if not _same_country(gold.country, code, loc.country):
        return 0
    coarse = loc.precision in (None, "country", "region") or not loc.name
    if not gold.levels:
        return 3 if coarse else 2
    if coarse:
        return 1
    names = _pred_place_names(event)
    if names_match(gold.levels[-1], names):
        return 3
    if any(names_match(level, names) for level in gold.levels[:-1]) or _near_key_place(gold, event, code):
        return 2
    return 0


def _same_country(key_country: str, key_code: str | None, code: str | None) -> bool:
    """The event's country is the key's (by ISO code, or by name when the gazetteer does not know the key's)."""
    if code is None:
        return False
    if key_code is not None:
        return code == key_code
    return names_match([key_country], [_country_name(code)])


def _country_name(code: str) -> str:
    from dateline.gazetteer import country

    entry = country(code)
    return entry.name if entry else code


def _near_key_place(gold: KeyLocation, event: Event, code: str | None) -> bool:
    lat, lon = event.location.lat, event.location.lon
    if lat is None or lon is None or code is None:
        return False
    points = (p for level in gold.levels for name in level for p in _key_points(name, code))
    return any(haversine_km(lat, lon, p[0], p[1]) <= NEAR_KM for p in points)


def best_location(template: Template, event: Event) -> int:
    """The best agreement over the key's location alternatives; 1 (agrees) when the key gives no location."""
    if not template.locations:
        return 1
    return max(location_level(loc, event) for loc in template.locations)


def date_ok(template: Template, event: Event) -> bool:
    """The event's range meets one of the key's; the key keeps its days as the ISO strings it was read into."""
    if event.date.start is None:
        return False
    start, end = event.date.start.isoformat(), (event.date.end or event.date.start).isoformat()
    return any((span.start is None or span.start <= end) and start <= span.end for span in template.dates)


def _actor_names(event: Event, roles: set[str], entities: dict[str, Any]) -> list[str]:
    names = []
    for actor in event.actors:
        if actor.role in roles:
            ent = entities.get(actor.entity or "")
            names += [actor.name, *([actor.normalized] if actor.normalized else [])]
            names += [ent.name, *ent.aliases] if ent is not None else []
    return names


def fills_match(fills: Sequence[Fill], names: list[str]) -> bool:
    return bool(names) and any(names_match(f.values, names) for f in fills)


def _positive(count: Any) -> bool:
    interval = count_interval(count)
    return interval is not None and interval[1] > 0


def effect_checks(template: Template) -> dict[str, bool]:
    """What the key's human effects say: 'death' / 'injury' -> whether some were killed / hurt.

    A line's alternatives must agree ('NO INJURY OR DEATH / NO DEATH' says no death); one victim killed is enough
    for 'death', and 'no death' needs every line that speaks of death to say so; optional lines are left out.
    """
    checks: dict[str, bool] = {}
    for fill in template.effects:
        if fill.optional:
            continue
        implied = [set(EFFECTS.get(v, {}).items()) for v in fill.values]
        for name, value in set.intersection(*implied):
            checks[name] = checks.get(name, False) or value
    return checks


def effect_ok(template: Template, event: Event) -> bool:
    predicted = {"death": _positive(event.fatalities), "injury": _positive(event.injuries)}
    return all(predicted[name] == want for name, want in effect_checks(template).items())


# ---------------------------------------------------------------------------------------------------------
# Scoring


Incident = tuple["Event", str]  # a dateline event and its MUC incident type
FIELDS = ("date", "location", "location_country", "perpetrator", "target", "effect")


@dataclass
class _Counts:
    story: Counter = field(default_factory=Counter)
    incident: Counter = field(default_factory=Counter)
    typed: Counter = field(default_factory=Counter)
    by_type: dict[str, Counter] = field(default_factory=dict)
    by_stage: dict[str, Tally] = field(default_factory=dict)
    fields: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in FIELDS})
    false_alarm_stories: int = 0
    false_alarm_incidents: int = 0
    why: Counter = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def type_count(self, muc_type: str, outcome: str) -> None:
        self.by_type.setdefault(muc_type, Counter())[outcome] += 1


def _pair_score(template: Template, event: Event, level: int) -> float:
    """Higher for better pairs: location agreement first, then date, then a required template over an optional."""
    return level + 0.5 * date_ok(template, event) + 0.1 * (not template.optional)


def _pairs(templates: Sequence[Template], incidents: Sequence[Incident], use_place: bool) -> dict[int, int]:
    """One-to-one template -> incident pairing on type (and location agreement when use_place), best first."""
    pairs = []
    for ti, template in enumerate(templates):
        for ei, (event, muc_type) in enumerate(incidents):
            if muc_type not in template.types:
                continue
            level = best_location(template, event) if use_place else 1
            if level > 0:
                pairs.append((_pair_score(template, event, level), ti, ei))
    return greedy(pairs)


def _tally(counter: Counter, templates: Sequence[Template], n_events: int, match: dict[int, int]) -> None:
    missed = sum(1 for ti, t in enumerate(templates) if ti not in match and not t.optional)
    counter.update(tp=len(match), fp=n_events - len(match), fn=missed)


def _score_fields(counts: _Counts, template: Template, event: Event, entities: dict[str, Any]) -> dict[str, bool]:
    """Tally each field the key fills; returns the outcome of each tallied field (for the misses list)."""
    out: dict[str, bool] = {}

    def tally(name: str, present: bool, required: bool, ok: bool) -> None:
        if present and (required or ok):
            counts.fields[name].add(ok)
            out[name] = ok

    tally("date", bool(template.dates), not template.dates_optional, date_ok(template, event))
    level = best_location(template, event)
    tally("location", bool(template.locations), not template.locations_optional, level >= 2)
    country = any(
        _same_country(loc.country, _country_code(loc.country), event.location.country) for loc in template.locations
    )
    tally("location_country", bool(template.locations), not template.locations_optional, country)
    for name, fills, roles in (
        ("perpetrator", template.perpetrators, {"initiator"}),
        ("target", template.targets, {"target", "victim"}),
    ):
        ok = fills_match(fills, _actor_names(event, roles, entities))
        tally(name, bool(fills), any(not f.optional for f in fills), ok)
    tally("effect", bool(effect_checks(template)), True, effect_ok(template, event))
    return out


def _template_row(template: Template) -> dict[str, Any]:
    loc = template.locations[0] if template.locations else None
    place = ": ".join([loc.country, *(" - ".join(level) for level in loc.levels)]) if loc else None
    span = template.dates[0] if template.dates else None
    date = None if span is None else span.end if span.start == span.end else f"{span.start or ''}..{span.end}"
    return {"template": template.number, "type": "/".join(template.types), "date": date, "place": place}


def _event_row(incident: Incident) -> dict[str, Any]:
    event, muc_type = incident
    loc = event.location
    day = event.date.start and event.date.start.isoformat()
    return {"type": muc_type, "trigger": event.trigger.text, "date": day, "place": loc.name or loc.country}


def _miss(counts: _Counts, story: Story, gold: Any, predicted: Sequence[Incident], why: str) -> None:
    counts.why[why.split(":")[0]] += 1
    rows = [_event_row(i) for i in predicted[:3]]
    counts.misses.append({"id": story.id, "gold": gold, "predicted": rows, "why": why})


def _score_story(counts: _Counts, story: Story, extraction: Extraction) -> None:
    incidents = [(e, t) for e in extraction.events if (t := incident_type(e)) is not None]
    _score_relevance(counts, story, incidents)
    templates = story.templates
    match = _pairs(templates, incidents, use_place=True)
    _tally(counts.incident, templates, len(incidents), match)
    _tally(counts.typed, templates, len(incidents), _pairs(templates, incidents, use_place=False))
    _by_type(counts, templates, incidents, match)
    aligned = _aligned(templates, incidents, match)
    entities = {e.id: e for e in extraction.entities}
    for ti, template in enumerate(templates):
        outcome = _score_fields(counts, template, incidents[aligned[ti]][0], entities) if ti in aligned else {}
        wrong = sorted(name for name, ok in outcome.items() if not ok)
        if ti in match and wrong:
            _miss(counts, story, _template_row(template), [incidents[match[ti]]], "fields: " + ", ".join(wrong))
        elif ti not in match and not template.optional:
            same = [i for i in incidents if i[1] in template.types]
            _miss(counts, story, _template_row(template), same or incidents, _why_missed(template, incidents))
    spurious = [i for ei, i in enumerate(incidents) if ei not in set(match.values())]
    if spurious and story.relevant:
        _miss(counts, story, None, spurious, "spurious")


def _aligned(templates: Sequence[Template], incidents: Sequence[Incident], match: dict[int, int]) -> dict[int, int]:
    """The pairs fields are read on: the incident matches, then type-only pairs among the templates and incidents
    left over, so that a field is not measured only where the location already agreed (as ``evaluate`` does)."""
    taken = set(match.values())
    rest_t = [ti for ti in range(len(templates)) if ti not in match]
    rest_i = [ii for ii in range(len(incidents)) if ii not in taken]
    extra = _pairs([templates[ti] for ti in rest_t], [incidents[ii] for ii in rest_i], use_place=False)
    return {**match, **{rest_t[a]: rest_i[b] for a, b in extra.items()}}


def _why_missed(template: Template, incidents: Sequence[Incident]) -> str:
    """Why no incident was paired with a template, coarsest reason first."""
    same = [event for event, muc_type in incidents if muc_type in template.types]
    if not incidents:
        return "no incident"
    if not same:
        return "type differs"
    if all(event.location.country is None for event in same):
        return "no place"
    if all(best_location(template, event) == 0 for event in same):
        return "place disagrees"
    return "paired with another template"


def _score_relevance(counts: _Counts, story: Story, incidents: Sequence[Incident]) -> None:
    if incidents and story.relevant:
        counts.story["tp"] += 1
    elif incidents:
        counts.story["fp"] += 1
        counts.false_alarm_stories += 1
        counts.false_alarm_incidents += len(incidents)
        _miss(counts, story, "irrelevant", incidents, "false alarm")
    elif story.required:
        counts.story["fn"] += 1


def _by_type(
    counts: _Counts, templates: Sequence[Template], incidents: Sequence[Incident], match: dict[int, int]
) -> None:
    """Incident counts by MUC type (a miss under the key's first type) and recall of required templates by stage."""
    for ti, template in enumerate(templates):
        if ti in match:
            counts.type_count(incidents[match[ti]][1], "tp")
        elif not template.optional:
            counts.type_count(template.types[0], "fn")
        if not template.optional:
            counts.by_stage.setdefault(template.stage or "-", Tally()).add(ti in match)
    taken = set(match.values())
    for ei, (_event, muc_type) in enumerate(incidents):
        if ei not in taken:
            counts.type_count(muc_type, "fp")


def score(docs: Sequence[Story], extractions: Sequence[Extraction]) -> dict[str, Any]:
    """Story, incident and per-field figures of dateline's extractions against the stories' answer keys."""
    if len(docs) != len(extractions):
        raise DatelineError(f"{len(docs)} stories but {len(extractions)} extractions")
    counts = _Counts()
    for story, extraction in zip(docs, extractions, strict=True):
        _score_story(counts, story, extraction)
    fields = {name: _rounded(t.accuracy) for name, t in counts.fields.items()}
    summary: dict[str, Any] = {
        "kind": KIND,
        "documents": len(docs),
        "relevant_stories": sum(s.required for s in docs),
        "optional_only_stories": sum(s.relevant and not s.required for s in docs),
        "irrelevant_stories": sum(not s.relevant for s in docs),
        "templates": sum(len(s.templates) for s in docs),
        "story": prf_counts(counts.story),
        "false_alarm_stories": counts.false_alarm_stories,
        "false_alarm_incidents": counts.false_alarm_incidents,
        "incident": prf_counts(counts.incident),
        "incident_type": prf_counts(counts.typed),
        "by_type": {t: prf_counts(c) for t, c in sorted(counts.by_type.items())},
        "recall_by_stage": {stage: _rounded(t.accuracy) for stage, t in sorted(counts.by_stage.items())},
        "fields": fields,
        "field_counts": {name: t.total for name, t in counts.fields.items()},
        "miss_counts": dict(counts.why.most_common()),
    }
    summary["headline"] = {
        "story_f1": summary["story"]["f1"],
        "incident_f1": summary["incident"]["f1"],
        "incident_type_f1": summary["incident_type"]["f1"],
        "date_acc": fields["date"],
        "location_acc": fields["location"],
        "perpetrator_acc": fields["perpetrator"],
        "target_acc": fields["target"],
    }
    summary["gate"] = "incident_f1"
    summary["misses"] = first(counts.misses)
    return summary


def run(path: Path, limit: int | None = None, processes: int = 1) -> dict[str, Any]:
    """Read the stories and keys, run the pipeline on each story, and score it."""
    from dateline.records import Report

    docs = read(Path(path))[:limit]
    reports = [Report(id=s.id, text=s.text, published=s.published, source_path=s.source) for s in docs]
    return score(docs, extract_all(reports, processes))
