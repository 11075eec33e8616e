"""Cross-outlet event merging: pure functions on plain data, no database.

Several outlets report the same real-world event; each report yields its own event record (a *mention*).
Merging links mentions by a symmetric pair test (same type, overlapping dates, nearby place, compatible actors and
wording) and joins them group to group, strongest links first, where no member of one group contradicts a member
of the other (``groups``). Because the pair test is symmetric and ties are broken by keys, the result is the same
whatever order reports arrive in.
Candidate pairs come from blocking on (type, country, day, grid cell), so clustering is near-linear in the number
of mentions.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import gc
import hashlib
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import get_args

from dateline.lexicon import lexicon
from dateline.records import Status

MAX_KM = 40.0  # two precisely located mentions further apart than this are different events
SLOP_DAYS = 1  # day-precision dates may differ by one day (time zones, "overnight", late reporting)
SHORT_SPAN = 7  # date ranges up to this many days are blocked per day; longer ones are compared by sweep
CELL_DEG = 0.5  # grid cell for spatial blocking: ~55 km of latitude, so the 3x3 neighbourhood covers MAX_KM
THRESHOLD = 0.6  # minimum pair score to link two mentions
EXACT_UP_TO = 200  # clusters of at most this many mentions test all pairs instead of blocking
# Grey-zone pairs (see pair_score) of two mentions that both carry a sentence embedding link when the cosine
# similarity of their evidence sentences reaches this (all-MiniLM-L6-v2; chosen on tests/test_embed.py's reports).
COS_SAME = 0.52
# Two mentions with neither a date nor a country (see nothing_known) link only on a near-identical description.
COS_UNPLACED = 0.8

FINE_PLACES = {"street", "district", "city"}
PLACE_RANK = {"street": 0, "district": 1, "city": 2, "admin1": 3, "country": 4, "region": 5, None: 6}
DATE_RANK = {"day": 0, "week": 1, "range": 2, "month": 3, "season": 4, "year": 5, "decade": 6, "unknown": 7}
CERTAINTY_RANK = {
    "confirmed": 0,
    "corroborated": 1,
    "asserted": 2,
    "claimed": 3,
    "hedged": 4,
    "unverified": 5,
    "denied": 6,
}
# Event statuses in the order that breaks a tie between sources: 'occurred' first.
STATUS_RANK = {s: i for i, s in enumerate(get_args(Status))}

# PLOVER types that outlets use for the same happening; everything else must match exactly.
TYPE_FAMILY = {"COERCE": "COERCE", "ASSAULT": "ASSAULT", "CONCEDE": "CONCEDE", "RETREAT": "CONCEDE"}
# Modes that describe one attack in different words ("air strike" vs "drone strike" vs "missile").
MODE_FAMILY = {
    "aerial": "air",
    "drone": "air",
    "missile": "air",
    "shelling": "artillery",
    "artillery": "artillery",
    "explosives": "explosive",
    "bombing": "explosive",
    "suicide": "explosive",
    "ied": "explosive",
}

_WORD = re.compile(r"[a-z][a-z0-9'-]+")


_STOP = lexicon().words("merge/stop_words")
# Words that say what kind of actor, not which one: "Israeli forces" and "Russian forces" must not match on "forces".
_GENERIC_ACTOR = lexicon().words("merge/generic_actor_words")
# Words of actor names that identify nobody; only the embedding grey zone uses these (see generic_actor).
_VAGUE_ACTOR = _GENERIC_ACTOR | lexicon().words("merge/vague_actor_words")


class _Pending:
    def __repr__(self) -> str:
        return "PENDING"


# The vector of a mention that has one, not computed yet: it is computed (dateline.store) for the pairs that need it
# (``needs_cosine``) before they are scored; ``pair_score`` never sees it.
PENDING = _Pending()


@dataclass(frozen=True, slots=True)
class Mention:
    """What the pair test needs from one report's event, precomputed once."""

    key: str
    report_id: str
    family: str
    country: str | None
    admin1: str | None
    d0: int | None  # first day (proleptic ordinal)
    d1: int | None  # last day
    lat: float | None
    lon: float | None
    fine: bool  # located to a town or better
    mode: str | None
    initiators: tuple[frozenset[str], ...]
    targets: tuple[frozenset[str], ...]
    tokens: frozenset[str]
    generic: bool = False  # every initiator is named only generically ("gunmen", "police", "armed men")
    vector: object = field(default=None, compare=False)  # unit sentence embedding (numpy float32), PENDING or None


def event_key(report_id: str, event_id: str) -> str:
    """Identifier of one report's event (a mention)."""
    return f"{report_id}#{event_id}"


def merged_id(member_keys: Iterable[str]) -> str:
    """Deterministic id of a merged event: derived from its smallest member so it does not depend on ingest order."""
    return "ev_" + hashlib.sha1(min(member_keys).encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=65536)
def day_number(day: str | None) -> int | None:
    """Day number of a stored event's YYYY-MM-DD date: merging works on the store's JSON, so this is where its dates
    are read (cached: a corpus has few distinct dates and many events)."""
    if not day:
        return None
    try:
        return dt.date.fromisoformat(day[:10]).toordinal()
    except ValueError:
        return None


@functools.lru_cache(maxsize=65536)
def actor_signature(name: str) -> frozenset[str]:
    """Content words of an actor name; generic-only names ("police") keep their full text so they still compare."""
    words = [w for w in _WORD.findall(name.lower()) if w not in _STOP]
    content = frozenset(w for w in words if w not in _GENERIC_ACTOR)
    return content or frozenset([" ".join(words) or name.lower().strip()])


@functools.lru_cache(maxsize=65536)
def generic_actor(name: str) -> bool:
    """Whether an actor name says only what kind of actor it is ("gunmen", "unknown assailants", "the police")."""
    return not any(w not in _STOP and w not in _VAGUE_ACTOR for w in _WORD.findall(name.lower()))


def _text_tokens(event: dict) -> frozenset[str]:
    trigger = (event.get("trigger") or {}).get("text") or ""
    parts = [event.get("summary") or "", trigger, " ".join(event.get("weapons") or []), event.get("mode") or ""]
    return frozenset(w for w in _WORD.findall(" ".join(parts).lower()) if w not in _STOP)


def mention_from_event(key: str, report_id: str, event: dict, vector=None) -> Mention:
    """Build the pair-test view of one event (an ``Event`` as a JSON dict), with its sentence embedding if any."""
    date = event.get("date") or {}
    loc = event.get("location") or {}
    d0 = day_number(date.get("start"))
    d1 = day_number(date.get("end")) or d0
    if d0 is not None and d1 is not None and d1 < d0:
        d0, d1 = d1, d0
    actors = event.get("actors") or []
    initiators = [a["name"] for a in actors if a.get("role") == "initiator"]
    lat, lon = loc.get("lat"), loc.get("lon")
    return Mention(
        key=key,
        report_id=report_id,
        family=TYPE_FAMILY.get(event.get("type") or "", event.get("type") or ""),
        country=(loc.get("country") or None),
        admin1=(loc.get("admin1") or None),
        d0=d0,
        d1=d1,
        lat=lat,
        lon=lon,
        fine=lat is not None and lon is not None and loc.get("precision") in FINE_PLACES,
        mode=MODE_FAMILY.get(event.get("mode") or "", event.get("mode")),
        initiators=tuple(actor_signature(name) for name in initiators),
        targets=tuple(actor_signature(a["name"]) for a in actors if a.get("role") in ("target", "victim")),
        tokens=_text_tokens(event),
        generic=bool(initiators) and all(generic_actor(name) for name in initiators),
        vector=vector,
    )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building a million acyclic records otherwise spends most time in it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(members: Iterable[dict]) -> list[Mention]:
    """Mentions for many member dicts (``{"key", "report_id", "event", ...}``) at once."""
    with _gc_paused():
        return [mention_from_event(m["key"], m["report_id"], m["event"], m.get("embedding")) for m in members]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _actor_agreement(xs: tuple[frozenset[str], ...], ys: tuple[frozenset[str], ...]) -> float | None:
    """1 when the two sides name a common actor, None when both name actors but none in common, 0.5 when unknown."""
    if not xs or not ys:
        return 0.5
    return 1.0 if any(x & y for x in xs for y in ys) else None


def both_undated(a: Mention, b: Mention) -> bool:
    """Neither report could be dated (no publication date, no absolute date in the text), and the place is known
    to a country: the dates can neither join nor part the two, so the rest of the pair test decides alone."""
    return a.d0 is None and b.d0 is None and a.country is not None


def nothing_known(a: Mention, b: Mention) -> bool:
    """Neither mention has a date or a country: only what happened, and to whom, can tell whether they are one."""
    return a.d0 is None and b.d0 is None and a.country is None and b.country is None


def _date_agreement(a: Mention, b: Mention) -> float | None:
    """The date part of the pair score: None when the dates part the two (apart, or one side undated), 0 when
    neither is dated (``both_undated``: no evidence either way), else how closely they agree."""
    if both_undated(a, b):
        return 0.0
    if a.d0 is None or b.d0 is None or a.d1 + SLOP_DAYS < b.d0 or b.d1 + SLOP_DAYS < a.d0:
        return None
    short = a.d1 - a.d0 <= 1 and b.d1 - b.d0 <= 1
    return 1.0 if (a.d0 == b.d0 and a.d1 == b.d1 and short) else 0.7 if short else 0.4


def pair_score(a: Mention, b: Mention) -> float:
    """How likely two mentions describe the same real-world event, 0..1; symmetric in a and b.

    Type family, country, dates, place and named initiators are hard conditions; two reports neither of which
    could be dated pass the date condition with no date score, so place, actors and wording must carry them;
    two with neither date nor country (``nothing_known``) link only by the cosine, at COS_UNPLACED.
    When both mentions carry a sentence embedding, the *grey zone* among the pairs that pass them is decided by
    the cosine similarity of the two vectors instead of the word-overlap rules: no actor in common is known
    (initiators unknown on a side and no shared target), targets or modes disagree, or initiators differ but one
    side names them only generically ("gunmen" vs "the Red Valley Brigade").
    Without embeddings on both sides nothing changes.
    """
    score = _rule_score(a, b, a.vector is not None and b.vector is not None)
    if score is not None:
        return score
    cos = float(a.vector @ b.vector)
    return max(0.0, min(1.0, THRESHOLD + cos - (COS_UNPLACED if nothing_known(a, b) else COS_SAME)))


def needs_cosine(a: Mention, b: Mention) -> bool:
    """Whether ``pair_score`` decides this pair by the cosine of the two vectors when both mentions have one: the
    pairs for which a vector not computed yet (``PENDING``) has to be computed."""
    return _rule_score(a, b, True) is None


def _rule_score(a: Mention, b: Mention, embedded: bool) -> float | None:
    """``pair_score`` by the rules, or None for a grey-zone pair of two ``embedded`` mentions (cosine decides)."""
    if a.family != b.family or a.country != b.country or a.report_id == b.report_id:
        return 0.0
    if nothing_known(a, b):
        return None if embedded else 0.0
    date = _date_agreement(a, b)
    if date is None:
        return 0.0
    if a.fine and b.fine:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if km > MAX_KM:
            return 0.0
        place = 1.0 - 0.6 * km / MAX_KM
    elif a.admin1 and b.admin1:
        if a.admin1 != b.admin1:
            return 0.0
        place = 0.5
    else:
        place = 0.3
    initiators = _actor_agreement(a.initiators, b.initiators)
    if initiators is None and not (embedded and (a.generic or b.generic)):
        return 0.0
    text = len(a.tokens & b.tokens) / len(a.tokens | b.tokens) if a.tokens and b.tokens else 0.0
    targets = _actor_agreement(a.targets, b.targets)
    mode_conflict = a.mode is not None and b.mode is not None and a.mode != b.mode
    soft_conflict = (targets is None or mode_conflict) and text < 0.5
    if embedded and (initiators is None or targets is None or mode_conflict or (initiators == 0.5 and targets != 1.0)):
        return None
    if soft_conflict:
        return 0.0
    actors = (initiators + (targets or 0.0)) / 2
    return 0.3 * place + 0.2 * date + 0.3 * actors + 0.2 * text


def matches(a: Mention, b: Mention) -> bool:
    """The link predicate of the merge graph."""
    return pair_score(a, b) >= THRESHOLD


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _cell(m: Mention) -> tuple[int, int] | None:
    if not m.fine:
        return None
    return (math.floor(m.lat / CELL_DEG), math.floor(m.lon / CELL_DEG))


def _neighbours(cell: tuple[int, int]) -> list[tuple[int, int]]:
    r, c = cell
    return [(r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def candidate_pairs(mentions: Sequence[Mention]) -> Iterable[tuple[int, int]]:
    """Index pairs worth testing: same type family and country, dates within slop, neighbouring grid cells.

    Short-dated mentions are bucketed per day and cell; long-dated ones (months, years) are few and are
    compared with everything in their (type, country) block whose dates overlap; undated ones with every other
    undated one of their block (``both_undated``, ``nothing_known``).
    """
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].d0 or 0, mentions[i].key))
    days: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))
    by_block: dict[tuple, list[int]] = defaultdict(list)
    long: dict[tuple, list[int]] = defaultdict(list)
    undated: dict[tuple, list[int]] = defaultdict(list)
    for i in order:
        m = mentions[i]
        if m.d0 is None:
            undated[(m.family, m.country)].append(i)
            continue
        block = (m.family, m.country)
        by_block[block].append(i)
        if m.d1 - m.d0 > SHORT_SPAN:
            long[block].append(i)
            continue
        cell = _cell(m)
        near = None if cell is None else [*_neighbours(cell), None]
        seen: set[int] = set()
        for day in range(m.d0 - SLOP_DAYS, m.d1 + SLOP_DAYS + 1):
            cells = days.get((block, day))
            if not cells:
                continue
            groups = cells.values() if near is None else [cells[n] for n in near if n in cells]
            for group in groups:
                for j in group:
                    if j not in seen:
                        seen.add(j)
                        yield j, i
        for day in range(m.d0, m.d1 + 1):
            days[(block, day)][cell].append(i)
    for block, longs in long.items():
        yield from _long_pairs(mentions, longs, by_block[block])
    for group in undated.values():  # both_undated and nothing_known pairs: few, as most reports can be dated
        yield from ((j, i) for n, i in enumerate(group) for j in group[:n])


def _long_pairs(mentions: Sequence[Mention], longs: list[int], block: list[int]) -> Iterable[tuple[int, int]]:
    """Pairs of each long-dated mention with every date-overlapping mention in its block (sorted by d0)."""
    starts = [mentions[j].d0 for j in block]
    long_set = set(longs)
    for n, i in enumerate(longs):
        m = mentions[i]
        lo = bisect.bisect_left(starts, m.d0 - SLOP_DAYS - SHORT_SPAN)
        hi = bisect.bisect_right(starts, m.d1 + SLOP_DAYS)
        for j in block[lo:hi]:
            if j not in long_set and mentions[j].d1 + SLOP_DAYS >= m.d0:
                yield j, i
        for j in longs[:n]:
            other = mentions[j]
            if other.d1 + SLOP_DAYS >= m.d0 and m.d1 + SLOP_DAYS >= other.d0:
                yield j, i


def cluster(mentions: Sequence[Mention]) -> list[list[str]]:
    """Group mentions into merged events (``groups``), as sorted key lists.

    The output is sorted and does not depend on the order of ``mentions``. Small sets (re-clustering a few
    events in the store) test every pair, so they agree exactly with the store's incremental merging.
    """
    with _gc_paused():
        edges = []
        for i, j in cluster_pairs(mentions):
            score = pair_score(mentions[i], mentions[j])
            if score >= THRESHOLD:
                edges.append((score, i, j))
        return sorted(sorted(mentions[i].key for i in g) for g in groups(mentions, edges))


def groups(mentions: Sequence[Mention], edges: Iterable[tuple[float, int, int]]) -> list[list[int]]:
    """Merged events from the scored links (score, i, j) of the match graph: strongest links first, two groups
    join over a link only when no member of one contradicts a member of the other (``contradict``).

    Connected components would chain: two look-alike events of one block join through a single chance link
    although their other mentions tell them apart (another town, other named attackers). Joining group to group
    keeps them apart and costs only tests inside a component. Ties are broken by the mentions' keys, so the
    result depends on the set of mentions, not on their order.
    """
    ordered = sorted(edges, key=lambda e: (-e[0], *sorted((mentions[e[1]].key, mentions[e[2]].key))))
    members: dict[int, list[int]] = {}
    owner: dict[int, int] = {}
    for _score, i, j in ordered:
        gi, gj = owner.setdefault(i, i), owner.setdefault(j, j)
        if gi == gj:
            continue
        a, b = members.setdefault(gi, [gi]), members.setdefault(gj, [gj])
        if any(contradict(mentions[x], mentions[y]) for x in a for y in b):
            continue
        if len(a) < len(b):
            gi, gj, a, b = gj, gi, b, a
        a += b
        for k in b:
            owner[k] = gi
        del members[gj]
    alone = [[i] for i in range(len(mentions)) if i not in owner]
    return list(members.values()) + alone


def contradict(a: Mention, b: Mention) -> bool:
    """Whether two mentions cannot be one event whatever links them: located in different places (towns beyond
    MAX_KM, or different first-level regions). Dates and actors are left to the links: one-day slips chain
    within a true event, and ECB+ loses links when named actors part groups."""
    if a.fine and b.fine:
        if haversine_km(a.lat, a.lon, b.lat, b.lon) > MAX_KM:
            return True
    elif a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return True
    return False


def cluster_pairs(mentions: Sequence[Mention]) -> Iterable[tuple[int, int]]:
    """The index pairs ``cluster`` tests: every pair of a small set, else the candidate pairs."""
    n = len(mentions)
    return ((i, j) for i in range(n) for j in range(i + 1, n)) if n <= EXACT_UP_TO else candidate_pairs(mentions)


def merge_all(members: Sequence[dict]) -> list[dict]:
    """Merge many mentions at once (bulk loads, benchmarks): cluster them, then one merged event per component.

    Each member is a ``merge_event`` member dict; the result is sorted by the merged events' smallest member key.
    """
    with _gc_paused():
        by_key = {m["key"]: m for m in members}
        return [merge_event([by_key[k] for k in comp]) for comp in cluster(prepare(members))]


# ---- merging a component into one event -------------------------------------------------------------------------


def _majority(values: Iterable, default=None):
    """Most frequent non-empty value; ties broken by sort order so the result is order-independent."""
    counts: dict = {}
    for v in values:
        if v is not None and v != "":
            counts[v] = counts.get(v, 0) + 1
    if len(counts) <= 1:  # the common case: every source agrees (or none says)
        return next(iter(counts), default)
    return min(counts, key=lambda v: (-counts[v], str(v)))


def merge_counts(counts: Sequence[dict | None]) -> dict | None:
    """Merge casualty figures: low = min of lows, best = median of bests, high = max of highs and bests."""
    counts = [
        c for c in counts if c and (c.get("low") is not None or c.get("best") is not None or c.get("high") is not None)
    ]
    if not counts:
        return None
    if len(counts) == 1:  # one source: keep its range as told ("at least 12" stays open-ended)
        return {k: counts[0].get(k) for k in ("low", "best", "high")}
    lows = [c["low"] if c.get("low") is not None else c.get("best") for c in counts]
    bests = [c["best"] for c in counts if c.get("best") is not None]
    highs = [v for c in counts for v in (c.get("high"), c.get("best")) if v is not None]
    lows = [v for v in lows if v is not None]
    best = statistics.median_low(bests) if bests else None
    return {"low": min(lows) if lows else None, "best": best, "high": max(highs) if highs else None}


def _merge_certainty(members: Sequence[dict]) -> str:
    """'confirmed' when two or more outlets assert it; 'corroborated' when two or more report it at all."""
    live = [m for m in members if m["event"].get("certainty", "asserted") != "denied"]
    asserting = {_outlet_key(m) for m in live if m["event"].get("certainty", "asserted") == "asserted"}
    if len(asserting) >= 2:
        return "confirmed"
    if len({_outlet_key(m) for m in live}) >= 2:
        return "corroborated"
    return min((m["event"].get("certainty", "asserted") for m in members), key=lambda c: CERTAINTY_RANK.get(c, 9))


def _merge_status(members: Sequence[dict]) -> str:
    """The status most sources tell, ties to the earlier in STATUSES ('occurred' first); 'denied' only when every
    source denies it, as one outlet's denial does not undo the others' report (the certainty rule's too)."""
    told = [m["event"].get("status", "occurred") for m in members]
    live = [s for s in told if s != "denied"] or told
    return min(set(live), key=lambda s: (-live.count(s), STATUS_RANK.get(s, len(STATUS_RANK))))


def _outlet_key(member: dict) -> str:
    """Independence unit: the outlet, or the report itself when the outlet is unknown."""
    return (member.get("outlet") or "").strip().lower() or f"report:{member['report_id']}"


def _merge_actors(members: Sequence[dict]) -> list[dict]:
    """Union of actors across sources, one entry per (role, signature), named by the most common spelling."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in members:
        for actor in m["event"].get("actors") or []:
            groups[(actor.get("role"), actor_signature(actor["name"]))].append(actor)
    merged = []
    for (role, _sig), actors in groups.items():
        if len(actors) == 1:
            first = actors[0]
        else:
            name = _majority(a["name"] for a in actors)
            named = [a for a in actors if a["name"] == name]
            first = named[0] if len(named) == 1 else min(named, key=lambda a: sorted(a.items(), key=str).__repr__())
        merged.append({**first, "role": role, "mentions": len(actors)})
    role_order = {"initiator": 0, "target": 1, "victim": 2}
    return sorted(merged, key=lambda a: (role_order.get(a["role"], 3), -a["mentions"], a["name"]))


def _representative(members: Sequence[dict]) -> dict:
    """The source whose event is most precise and complete; summary and codes are taken from it."""

    def rank(m: dict) -> tuple:
        ev = m["event"]
        filled = sum(bool(ev.get(k)) for k in ("actors", "fatalities", "injuries", "weapons", "mode", "summary"))
        return (
            DATE_RANK.get((ev.get("date") or {}).get("precision") or "unknown", 9),
            PLACE_RANK.get((ev.get("location") or {}).get("precision"), 6),
            -filled,
            m["key"],
        )

    return members[0] if len(members) == 1 else min(members, key=rank)


def _source(m: dict) -> dict:
    ev = m["event"]
    return {
        "article": m["report_id"],  # the and schema.md's name for the source report; report_id is the same
        "report_id": m["report_id"],
        "event_key": m["key"],
        "outlet": m.get("outlet"),
        "published": m.get("published"),
        "url": m.get("url"),
        "title": m.get("title"),
        "certainty": ev.get("certainty", "asserted"),
        "status": ev.get("status", "occurred"),
        "background": bool(ev.get("background")),
        "trigger": ev.get("trigger"),
        "fatalities": ev.get("fatalities"),
        "injuries": ev.get("injuries"),
        "occurrences": ev.get("occurrences"),
        "date": ev.get("date"),
        "location": ev.get("location"),
        "attributed_to": ev.get("attributed_to") or [],
        "hedges": ev.get("hedges") or [],
        "summary": ev.get("summary", ""),
        "evidence": ev.get("evidence") or [],
    }


def merge_event(members: Sequence[dict]) -> dict:
    """One merged event from the mentions of a component.

    Each member is ``{"key", "report_id", "outlet", "published", "url", "title", "event": <Event JSON>}``.
    Fields come from the most precise source; figures are merged; every source keeps its own figures and evidence.
    """
    members = sorted(members, key=lambda m: m["key"])
    rep = _representative(members)
    ev = rep["event"]
    sources = sorted(
        (_source(m) for m in members), key=lambda s: (s["published"] or "", s["outlet"] or "", s["event_key"])
    )
    return {
        "id": merged_id(m["key"] for m in members),
        "type": _majority((m["event"].get("type") for m in members), ev.get("type")),
        "mode": _majority(m["event"].get("mode") for m in members),
        "acled": ev.get("acled"),
        "cameo": ev.get("cameo"),
        "date": dict(ev.get("date") or {}),
        "location": dict(ev.get("location") or {}),
        "actors": _merge_actors(members),
        "fatalities": merge_counts([m["event"].get("fatalities") for m in members]),
        "injuries": merge_counts([m["event"].get("injuries") for m in members]),
        "weapons": sorted({w for m in members for w in m["event"].get("weapons") or []}),
        "certainty": _merge_certainty(members),
        "status": _merge_status(members),
        # background only when no source tells it as news: one outlet's current report makes it current
        "background": all(m["event"].get("background") for m in members),
        "trigger": ev.get("trigger"),
        "occurrences": merge_counts([m["event"].get("occurrences") for m in members]),
        "attributed_to": list(dict.fromkeys(a for m in members for a in m["event"].get("attributed_to") or [])),
        "hedges": sorted({h for m in members for h in m["event"].get("hedges") or []}),
        "sources_count": len({_outlet_key(m) for m in members}),
        "reports_count": len({m["report_id"] for m in members}),
        "summary": ev.get("summary", ""),
        "sources": sources,
    }
