"""`dateline eval`: measure extractions against gold annotations, and gate regressions.

Scoring is pure (``score_report`` on one gold annotation and one Extraction, ``aggregate`` over many) and kept
apart from reading files and running the pipeline, so tests and notebooks can call it directly. Public gold sets
(TimeML, LGL, GeoWebNews) are scored per stage: time normalisation and geocoding. Only the standard library is
imported at top level so that building the CLI parser stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline import DatelineError
from dateline.taxonomy import OLDER_TYPE_NAMES

if TYPE_CHECKING:
    from dateline.gold import GoldDoc, GoldEvent, GoldReport, PlaceDoc, TimeDoc
    from dateline.records import Event, Extraction

STAGE_FORMATS = ("timeml", "lgl", "gwn")
HEADLINE = ("event_f1", "event_precision", "event_recall", "date_exact", "geo_50km", "actor_role", "fatalities")

# ---------------------------------------------------------------------------------------------------------
# Name and number comparison

_STOP = {"the", "a", "an", "of", "and", "for", "in", "on", "s", "mr", "mrs", "ms", "dr", "sir", "to", "at"}
_WORD = re.compile(r"[^\W_]+")


# Words that name the same thing: a state's armed forces, whatever the report calls them.
_SYNONYMS = {"army": "military", "soldiers": "military", "troops": "military", "armed": "military"}


def name_tokens(name: str | None) -> frozenset[str]:
    """Lower-cased content words: 'the Rapid Support Forces' and 'Rapid Support Forces' compare equal.

    Nationality words count as their country and the words for a state's army as one ('Indian Army' and
    'Military Forces of India' compare equal).
    """
    words = [w for w in _WORD.findall((name or "").lower()) if w not in _STOP]
    out: set[str] = set()
    for w in words:
        out |= _country_words(w) or {_SYNONYMS.get(w, w)}
    return frozenset(out)


@lru_cache(maxsize=4096)
def _country_words(word: str) -> frozenset[str]:
    """'indian' -> {'india'}: a demonym as the words of its country's name (empty for other words)."""
    from dateline.gazetteer import country, country_of_demonym

    cc = country_of_demonym().get(word)
    entry = country(cc) if cc else None
    return frozenset(_WORD.findall(entry.name.lower())) - _STOP if entry else frozenset()


def tokens_match(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same participant: one name's words contain the other's, or they share at least half of all words."""
    if not a or not b:
        return False
    return a <= b or b <= a or len(a & b) * 2 >= len(a | b)


def same_type(gold: str, pred: str) -> bool:
    """Equal PLOVER types, reading the PLOVER 0.x names of older data as their 2021 names."""
    return OLDER_TYPE_NAMES.get(gold, gold) == OLDER_TYPE_NAMES.get(pred, pred)


def same_role(pred: str, gold: str) -> bool:
    """Initiator is its own role; target and victim are both the side acted upon (annotators split them unevenly)."""
    return pred == gold or {pred, gold} == {"target", "victim"}


def names_match(golds: Iterable[str], preds: Iterable[str]) -> bool:
    gold_sets = [name_tokens(g) for g in golds]
    return any(tokens_match(g, name_tokens(p)) for g in gold_sets for p in preds)


def alias_groups(gold: GoldReport) -> list[set[str]]:
    return [{ent.name, *ent.aliases} for ent in gold.entities]


def expand(name: str, groups: list[set[str]]) -> set[str]:
    """A gold name plus every alias of the gold entity it names (exact word-set equality)."""
    tokens = name_tokens(name)
    names = {name}
    for group in groups:
        if any(name_tokens(member) == tokens for member in group):
            names |= group
    return names


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def count_interval(count: Any) -> tuple[int, int] | None:
    """A predicted Count as an inclusive interval: low .. (high or best or low)."""
    if count is None:
        return None
    values = [v for v in (count.low, count.best, count.high) if v is not None]
    if not values:
        return None
    low = count.low if count.low is not None else min(values)
    high = count.high if count.high is not None else (count.best if count.best is not None else low)
    return low, max(low, high)


def count_right(gold: Any, pred: Any) -> bool:
    """Right when the gold figure (or range) overlaps the predicted interval; nothing predicted is right only for 0."""
    interval = count_interval(pred)
    if interval is None:
        return gold.high == 0
    return interval[0] <= gold.high and gold.low <= interval[1]


# ---------------------------------------------------------------------------------------------------------
# Event comparison


@dataclass
class Check:
    """How one predicted event compares with one gold event of the same type."""

    date: bool
    place: bool
    actors: bool
    score: float

    @property
    def strict(self) -> bool:
        return self.date and self.place and self.actors

    @property
    def loose(self) -> bool:
        return self.date and self.place

    def failed(self) -> list[str]:
        return [name for name in ("date", "place", "actors") if not getattr(self, name)]


def _pred_range(event: Event) -> tuple[dt.date, dt.date] | None:
    if not event.date.start:
        return None
    return event.date.start, event.date.end or event.date.start


def date_ok(gold: GoldEvent, pred: Event) -> bool:
    if gold.date is None:
        return True
    rng = _pred_range(pred)
    return rng is not None and rng[0] <= gold.date.end and gold.date.start <= rng[1]


def place_ok(gold: GoldEvent, pred: Event, max_km: float) -> bool:
    """Within max_km when both sides have coordinates; otherwise the countries (or, lacking those, names) agree."""
    g, p = gold.location, pred.location
    if g is None or (g.lat is None and g.country is None and not g.name):
        return True
    if None not in (g.lat, g.lon, p.lat, p.lon):
        return haversine_km(g.lat, g.lon, p.lat, p.lon) <= max_km
    if g.country:
        return p.country == g.country
    return names_match([g.name or ""], [p.name or "", p.text or ""])


def _pred_names(actor: Any, entities: dict[str, Any]) -> list[str]:
    names = [actor.name, *([actor.normalized] if getattr(actor, "normalized", None) else [])]
    ent = entities.get(actor.entity or "")
    if ent is not None:
        names += [ent.name, *ent.aliases]
    return names


def actor_found(name: str, role: str, pred: Event, groups: list[set[str]], entities: dict[str, Any]) -> bool:
    golds = expand(name, groups)
    return any(
        same_role(a.role, role) and (names_match(golds, _pred_names(a, entities)) or _both_civilians(name, a))
        for a in pred.actors
    )


def _both_civilians(gold_name: str, actor: Any) -> bool:
    """Gold 'civilians' is matched by any actor the pipeline classed as civilians ('11 passengers')."""
    return name_tokens(gold_name) <= {"civilians", "civilian"} and getattr(actor, "kind", None) == "civilians"


def actors_ok(gold: GoldEvent, pred: Event, groups: list[set[str]], entities: dict[str, Any]) -> bool:
    """Every role gold fills is filled in the prediction by an actor whose name matches one gold actor in it."""
    by_role: dict[str, list[str]] = {}
    for actor in gold.actors:
        by_role.setdefault(actor.role, []).append(actor.name)
    return all(
        any(actor_found(name, role, pred, groups, entities) for name in names) for role, names in by_role.items()
    )


def _trigger_bonus(gold: GoldEvent, pred: Event) -> float:
    if not gold.trigger:
        return 0.0
    text = " ".join([pred.trigger.text, *(e.sentence for e in pred.evidence)])
    return (
        0.5
        if tokens_match(name_tokens(gold.trigger), name_tokens(pred.trigger.text))
        or (gold.trigger.lower() in text.lower())
        else 0.0
    )


def compare(gold: GoldEvent, pred: Event, groups: list[set[str]], entities: dict[str, Any], max_km: float) -> Check:
    d, p, a = date_ok(gold, pred), place_ok(gold, pred, max_km), actors_ok(gold, pred, groups, entities)
    partial = sum(actor_found(x.name, x.role, pred, groups, entities) for x in gold.actors)
    score = d + p + a + 0.1 * partial + _trigger_bonus(gold, pred)
    return Check(d, p, a, score)


def greedy(pairs: Iterable[tuple[float, int, int]]) -> dict[int, int]:
    """One-to-one matching, best score first (ties: earlier gold, then earlier prediction)."""
    used_g: dict[int, int] = {}
    used_p: set[int] = set()
    for _score, gi, pi in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if gi not in used_g and pi not in used_p:
            used_g[gi] = pi
            used_p.add(pi)
    return used_g


# ---------------------------------------------------------------------------------------------------------
# Per-report scores


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += bool(ok)
        self.total += 1

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class Scores:
    """What one report scored: event counts by type, field tallies, and the events that went wrong."""

    report_id: str
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    loose: Counter = field(default_factory=Counter)  # keys: tp, fp, fn (type + date + place, actors ignored)
    fields: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)

    def tally(self, name: str, ok: bool) -> None:
        self.fields.setdefault(name, Tally()).add(ok)


FIELDS = (
    "date_exact", "date_within", "geo_50km", "geo_161km", "country", "actor_role", "fatalities", "injuries",
    "quote_found", "quote_speaker", "entity_found", "entity_alias", "entity_title",
)  # fmt: skip


def _day_range(start: dt.date | None, end: dt.date | None) -> str | None:
    """A range as the miss tables (JSON) show it: one day as YYYY-MM-DD, else START..END."""
    if start is None:
        return None
    return start.isoformat() if end in (None, start) else f"{start.isoformat()}..{end.isoformat()}"


def _gold_row(ev: GoldEvent) -> dict[str, Any]:
    date = _day_range(ev.date.start, ev.date.end) if ev.date else None
    place = ev.location and (ev.location.name or ev.location.country)
    return {"type": ev.type, "date": date, "place": place, "trigger": ev.trigger}


def _pred_row(ev: Event) -> dict[str, Any]:
    date = _day_range(ev.date.start, ev.date.end)
    place = ev.location.name or ev.location.text or ev.location.country
    return {"type": ev.type, "date": date, "place": place, "trigger": ev.trigger.text}


def _match(checks: dict[tuple[int, int], Check], want: str) -> dict[int, int]:
    return greedy((c.score, gi, pi) for (gi, pi), c in checks.items() if getattr(c, want))


def _score_fields(scores: Scores, gold: GoldEvent, pred: Event, groups: list[set[str]], ents: dict[str, Any]) -> None:
    if gold.date is not None:
        rng = _pred_range(pred)
        scores.tally("date_exact", rng == (gold.date.start, gold.date.end))
        inside = rng is not None and (
            (rng[0] <= gold.date.start and gold.date.end <= rng[1])
            or (gold.date.start <= rng[0] and rng[1] <= gold.date.end)
        )
        scores.tally("date_within", inside)
    g, p = gold.location, pred.location
    if g is not None and g.lat is not None and g.lon is not None:
        km = haversine_km(g.lat, g.lon, p.lat, p.lon) if p.lat is not None and p.lon is not None else math.inf
        scores.tally("geo_50km", km <= 50)
        scores.tally("geo_161km", km <= 161)
    if g is not None and g.country:
        scores.tally("country", p.country == g.country)
    for actor in gold.actors:
        scores.tally("actor_role", actor_found(actor.name, actor.role, pred, groups, ents))
    if gold.fatalities is not None:
        scores.tally("fatalities", count_right(gold.fatalities, pred.fatalities))
    if gold.injuries is not None:
        scores.tally("injuries", count_right(gold.injuries, pred.injuries))


def _score_events(scores: Scores, gold: GoldReport, extraction: Extraction, max_km: float) -> None:
    groups = alias_groups(gold)
    ents = {e.id: e for e in extraction.entities}
    preds = extraction.events
    checks = {
        (gi, pi): compare(g, p, groups, ents, max_km)
        for gi, g in enumerate(gold.events)
        for pi, p in enumerate(preds)
        if same_type(g.type, p.type)
    }
    strict = _match(checks, "strict")
    loose = _match(checks, "loose")
    scores.loose.update(tp=len(loose), fp=len(preds) - len(loose), fn=len(gold.events) - len(loose))
    # Field accuracy is read on an alignment that tolerates the very field being measured.
    taken = set(strict.values())
    extra = greedy(
        (c.score, gi, pi) for (gi, pi), c in checks.items() if gi not in strict and pi not in taken and c.score > 0
    )
    aligned = {**strict, **extra}
    for gi, g in enumerate(gold.events):
        if gi in strict:
            scores.tp[g.type] += 1
        else:
            scores.fn[g.type] += 1
            row = _gold_row(g)
            if gi in aligned:
                row["near"] = _pred_row(preds[aligned[gi]])["trigger"]
                row["why"] = checks[(gi, aligned[gi])].failed()
            scores.misses.append(row)
        if gi in aligned:
            _score_fields(scores, g, preds[aligned[gi]], groups, ents)
    matched = set(strict.values())
    for pi, p in enumerate(preds):
        if pi not in matched:
            scores.fp[p.type] += 1
            scores.false_alarms.append(_pred_row(p))


def _score_quotes(scores: Scores, gold: GoldReport, extraction: Extraction) -> None:
    groups = alias_groups(gold)
    by_name = {e.name: e for e in extraction.entities}
    preds = [name_tokens(q.text) for q in extraction.quotes]
    pairs = []
    for gi, q in enumerate(gold.quotes):
        words = name_tokens(q.text)
        for pi, pw in enumerate(preds):
            common = len(words & pw)
            if words and pw and common / min(len(words), len(pw)) >= 0.6:
                pairs.append((common / max(len(words), len(pw)), gi, pi))
    found = greedy(pairs)
    for gi, q in enumerate(gold.quotes):
        scores.tally("quote_found", gi in found)
        if gi in found and q.speaker:
            pred = extraction.quotes[found[gi]]
            ent = by_name.get(pred.speaker or "")
            names = [pred.speaker or "", *(ent.aliases if ent else [])]
            scores.tally("quote_speaker", names_match(expand(q.speaker, groups), names))


def _score_entities(scores: Scores, gold: GoldReport, extraction: Extraction) -> None:
    for ent in gold.entities:
        names = [ent.name, *ent.aliases]
        candidates = [p for p in extraction.entities if names_match(names, [p.name, *p.aliases])]
        scores.tally("entity_found", bool(candidates))
        pred_aliases = {name_tokens(x) for p in candidates for x in (p.name, *p.aliases)}
        pred_titles = [name_tokens(t) for p in candidates for t in p.titles]
        for alias in ent.aliases:
            scores.tally("entity_alias", name_tokens(alias) in pred_aliases)
        for title in ent.titles:
            scores.tally("entity_title", any(tokens_match(name_tokens(title), t) for t in pred_titles))


def score_report(gold: GoldReport, extraction: Extraction, max_km: float = 50.0) -> Scores:
    """Score one report: strict one-to-one event matching, field accuracy on aligned events, quotes, entities."""
    scores = Scores(report_id=gold.id)
    _score_events(scores, gold, extraction, max_km)
    _score_quotes(scores, gold, extraction)
    _score_entities(scores, gold, extraction)
    return scores


# ---------------------------------------------------------------------------------------------------------
# Aggregation


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def aggregate(all_scores: Sequence[Scores]) -> dict[str, Any]:
    """Micro-averaged figures over reports, as a JSON-ready dict (the same object `--json` writes)."""
    tp, fp, fn, loose = Counter(), Counter(), Counter(), Counter()
    fields = {name: Tally() for name in FIELDS}
    for s in all_scores:
        tp.update(s.tp)
        fp.update(s.fp)
        fn.update(s.fn)
        loose.update(s.loose)
        for name, t in s.fields.items():
            fields.setdefault(name, Tally())
            fields[name].correct += t.correct
            fields[name].total += t.total
    events = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    types = sorted(set(tp) | set(fp) | set(fn))
    out: dict[str, Any] = {
        "kind": "events",
        "reports": len(all_scores),
        "events": events,
        "events_loose": prf(loose["tp"], loose["fp"], loose["fn"]),
        "by_type": {t: prf(tp[t], fp[t], fn[t]) for t in types},
        "fields": {
            n: {"accuracy": _rounded(t.accuracy), "correct": t.correct, "total": t.total} for n, t in fields.items()
        },
        "per_report": [
            {"id": s.report_id, "misses": s.misses, "false_alarms": s.false_alarms}
            for s in all_scores
            if s.misses or s.false_alarms
        ],
    }
    out["headline"] = headline(out)
    out["gate"] = "event_f1"
    return out


def headline(summary: dict[str, Any]) -> dict[str, float | None]:
    ev, fields = summary["events"], summary["fields"]
    figures = {"event_f1": ev["f1"], "event_precision": ev["precision"], "event_recall": ev["recall"]}
    for name in HEADLINE[3:]:
        figures[name] = fields[name]["accuracy"]
    return figures


# ---------------------------------------------------------------------------------------------------------
# Stage scoring on public formats: time normalisation (TimeML) and geocoding (LGL, GeoWebNews)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _span_match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> dict[int, int]:
    """One-to-one relaxed span matching: overlapping spans, most overlap first."""
    pairs = []
    order = sorted(range(len(pred)), key=lambda i: pred[i])
    for gi, g in enumerate(gold):
        for pi in order:
            if pred[pi][0] >= g[1]:
                break
            ov = _overlap(g, pred[pi])
            if ov:
                pairs.append((ov, gi, pi))
    return greedy(pairs)


_WEEK_DIGIT = re.compile(r"-W(\d)(?!\d)")
_X_PADDED = re.compile(r"(\d{2,3})X+")  # TIMEX2-style '199X' (a decade), '19XX' (a century)


def _timex_value(value: str | None) -> str | None:
    """A TIMEX3 value with notational variants of one meaning written one way: week numbers zero-padded (gold
    '2000-W7' = '2000-W07') and decades and centuries as TIMEX3 writes them ('199X' = '199', '19XX' = '19'). Values
    of different granularity ('1989-XX', a month of 1989, against '1989') stay different."""
    if value is None:
        return None
    value = _WEEK_DIGIT.sub(r"-W0\1", value)
    m = _X_PADDED.fullmatch(value)
    return m[1] if m and len(m[0]) == 4 else value


def score_times(docs: Sequence[TimeDoc], predicted: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """TIMEX3 span F1 (strict = same offsets, relaxed = overlap) and value/type accuracy on relaxed matches (values
    compared after _timex_value)."""
    strict = Counter()
    relaxed = Counter()
    value, vtype = Tally(), Tally()
    by_type: dict[str, Tally] = {}
    misses = []
    for doc, preds in zip(docs, predicted, strict=True):
        gold_spans = [(t.start, t.end) for t in doc.timexes]
        pred_spans = [(p.start, p.end) for p in preds]
        exact = len(set(gold_spans) & set(pred_spans))
        strict.update(tp=exact, fp=len(preds) - exact, fn=len(gold_spans) - exact)
        match = _span_match(gold_spans, pred_spans)
        relaxed.update(tp=len(match), fp=len(preds) - len(match), fn=len(gold_spans) - len(match))
        for gi, pi in match.items():
            gold, pred = doc.timexes[gi], preds[pi]
            ok = _timex_value(pred.value) == _timex_value(gold.value)
            value.add(ok)
            vtype.add(pred.type == gold.type)
            by_type.setdefault(gold.type, Tally()).add(ok)
            if not ok:
                misses.append({"id": doc.id, "text": gold.text, "gold": gold.value, "pred": pred.value})
    out = {
        "kind": "times",
        "documents": len(docs),
        "strict": prf(strict["tp"], strict["fp"], strict["fn"]),
        "relaxed": prf(relaxed["tp"], relaxed["fp"], relaxed["fn"]),
        "value_accuracy": _rounded(value.accuracy),
        "type_accuracy": _rounded(vtype.accuracy),
        "value_by_type": {t: _rounded(x.accuracy) for t, x in sorted(by_type.items())},
        "value_misses": misses,
        "gate": "value_accuracy",
    }
    out["headline"] = {
        "relaxed_f1": out["relaxed"]["f1"],
        "strict_f1": out["strict"]["f1"],
        "value_accuracy": out["value_accuracy"],
    }
    return out


def score_places(docs: Sequence[PlaceDoc], predicted: Sequence[Sequence[Any]], fmt: str = "lgl") -> dict[str, Any]:
    """Toponym detection P/R and, on detected gold toponyms with coordinates, accuracy at 161 km and median error."""
    from dateline.gold import GWN_LOCATIONAL

    det = Counter()
    errors: list[float] = []
    ids = Tally()
    misses = []
    for doc, preds in zip(docs, predicted, strict=True):
        gold = [t for t in doc.toponyms if fmt != "gwn" or t.kind in GWN_LOCATIONAL]
        pred_spans = [(p.start, p.end) for p in preds]
        match = _span_match([(t.start, t.end) for t in gold], pred_spans)
        every = _span_match([(t.start, t.end) for t in doc.toponyms], pred_spans)
        det.update(tp=len(match), fn=len(gold) - len(match), fp=len(preds) - len(every))
        for gi, pi in match.items():
            top, pred = gold[gi], preds[pi]
            if top.lat is None or top.lon is None:
                continue
            has = pred.lat is not None and pred.lon is not None
            km = haversine_km(top.lat, top.lon, pred.lat, pred.lon) if has else 20038.0
            errors.append(km)
            if top.geonames_id is not None:
                ids.add(pred.geonames_id == top.geonames_id)
            if km > 161:
                misses.append({"id": doc.id, "text": top.text, "km": round(km), "pred": pred.name})
    within = sum(e <= 161 for e in errors)
    out = {
        "kind": "places",
        "format": fmt,
        "documents": len(docs),
        "detection": prf(det["tp"], det["fp"], det["fn"]),
        "geocoded": len(errors),
        "acc_161km": _rounded(within / len(errors)) if errors else None,
        "acc_50km": _rounded(sum(e <= 50 for e in errors) / len(errors)) if errors else None,
        "median_km": round(statistics.median(errors), 1) if errors else None,
        "geonames_id_accuracy": _rounded(ids.accuracy),
        "far_misses": misses,
        "gate": "acc_161km",
    }
    out["headline"] = {
        "detection_f1": out["detection"]["f1"],
        "acc_161km": out["acc_161km"],
        "median_km": out["median_km"],
    }
    return out


# ---------------------------------------------------------------------------------------------------------
# Running the pipeline / reading the store


def _pipeline() -> Any:
    try:
        from dateline import pipeline
    except ImportError as err:
        raise DatelineError(
            f"the extraction pipeline is not available ({err}); use --db to score stored output"
        ) from err
    return pipeline


def extractions_for(docs: Sequence[GoldDoc], db: str | None, processes: int = 1) -> list[Extraction]:
    """One Extraction per gold report, from the pipeline (default) or the store; missing ones are empty."""
    from dateline.records import Extraction

    reports = [d.report for d in docs]
    if db is None:
        found = {x.report.id: x for x in _pipeline().extract_many(reports, n_process=processes)}
    else:
        try:
            from dateline.store import Store
        except ImportError as err:
            raise DatelineError(f"the event store is not available ({err}); run without --db") from err
        url = db if "://" in db else f"sqlite:///{db}"
        wanted = {r.id for r in reports}
        found = {x.report.id: x for x in Store(url).extractions() if x.report.id in wanted}
    out = []
    for report in reports:
        if report.id not in found:
            print(f"dateline eval: warning: no extraction for report {report.id}", file=sys.stderr)
        out.append(found.get(report.id) or Extraction(report=report, dateline_version="none"))
    return out


def _parse_docs(texts: Sequence[str]) -> Iterable[Any]:
    """The texts parsed as the pipeline parses them (``nlp.parse_text``: case restored, wrapped lines joined), one
    at a time as they are read."""
    from dateline.nlp import load_nlp, parse_text

    nlp = load_nlp()
    return nlp.pipe((parse_text(nlp, text) for text in texts), batch_size=16)


def run_times(path: Path, limit: int | None) -> dict[str, Any]:
    from dateline.gold import read_timeml_dir

    try:
        from dateline.times import find_times
    except ImportError as err:
        raise DatelineError(f"time normalisation (dateline.times) is not available: {err}") from err
    docs = read_timeml_dir(path)[:limit]
    preds = []
    for doc, parsed in zip(docs, _parse_docs([d.text for d in docs]), strict=True):
        preds.append(find_times(parsed, doc.published))
    return score_times(docs, preds)


def run_places(path: Path, fmt: str, limit: int | None) -> dict[str, Any]:
    from dateline.gold import read_places

    try:
        from dateline.geocode import find_places
    except ImportError as err:
        raise DatelineError(f"geocoding (dateline.geocode) is not available: {err}") from err
    docs = read_places(path, fmt)[:limit]
    parsed = _parse_docs([d.text for d in docs])
    preds = [find_places(doc, gold.outlet) for gold, doc in zip(docs, parsed, strict=True)]
    return score_places(docs, preds, fmt)


def detect_format(path: Path) -> str:
    from dateline.gold import detect_xml_format

    if path.is_dir():
        if any(path.glob("*.gold.json")):
            return "dateline"
        if any(path.glob("*.tml")):
            return "timeml"
        raise DatelineError(f"{path} holds neither *.gold.json nor *.tml files")
    if path.name.endswith(".gold.json"):
        return "dateline"
    if path.suffix == ".tml":
        return "timeml"
    if path.suffix == ".xml":
        return detect_xml_format(path)
    raise DatelineError(f"cannot tell the gold format of {path}; pass --format")


# ---------------------------------------------------------------------------------------------------------
# Baseline gate


def _read_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DatelineError(f"cannot read baseline {path}: {err.strerror}") from err
    except json.JSONDecodeError as err:
        raise DatelineError(f"baseline {path} is not valid JSON: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("parts", {}), dict):
        raise DatelineError(f"baseline {path} must be an object with a 'parts' object")
    return data


def gold_digest(path: Path) -> str:
    """SHA-256 over a gold folder's texts and annotations, so an edited gold cannot pass under an old baseline."""
    import hashlib

    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.suffix in (".txt", ".json"))
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def check_baseline(summary: dict[str, Any], baseline: dict[str, Any], part: str) -> tuple[bool, str]:
    """Passes unless the gated figure fell below the recorded figure minus the file's margin, or the gold the
    figure was recorded on has changed since."""
    figures = baseline.get("parts", {}).get(part)
    gate = summary["gate"]
    if not isinstance(figures, dict) or not isinstance(figures.get(gate), (int, float)):
        raise DatelineError(f"baseline has no {gate} for part {part!r}; record one with --record")
    recorded_digest = baseline.get("gold_digest", {}).get(part)
    if recorded_digest and summary.get("gold_digest") and recorded_digest != summary["gold_digest"]:
        return False, (
            f"GOLD CHANGED: {part} gold differs from the gold its baseline was recorded on; "
            "re-record with --record, in a commit that changes no rule"
        )
    margin = float(baseline.get("margin", 0.02))
    now = summary["headline"][gate] or 0.0
    floor = figures[gate] - margin
    verdict = "ok" if now >= floor else "REGRESSION"
    return now >= floor, f"{verdict}: {part} {gate} {now:.4f} (baseline {figures[gate]:.4f}, margin {margin:.4f})"


def check_gap(parts: dict[str, dict[str, Any]], baseline: dict[str, Any]) -> tuple[bool, str]:
    """Over-fitting seen: the tuned part's lead over the held-back part grew by more than the gap margin."""
    recorded = baseline.get("gap")
    if not isinstance(recorded, dict) or not {"tune", "heldout"} <= parts.keys():
        return True, "gap: not checked (needs a tune and a heldout part and a recorded gap)"
    gate = parts["tune"]["gate"]
    now = (parts["tune"]["headline"][gate] or 0.0) - (parts["heldout"]["headline"][gate] or 0.0)
    margin = float(baseline.get("gap_margin", baseline.get("margin", 0.02)))
    ok = now - float(recorded[gate]) <= margin
    verdict = "ok" if ok else "OVER-FITTING"
    return ok, f"{verdict}: tune - heldout {gate} gap {now:.4f} (baseline {recorded[gate]:.4f}, margin {margin:.4f})"


def record_baseline(summary: dict[str, Any], path: Path, part: str) -> None:
    data = _read_baseline(path) if path.exists() else {"margin": 0.02, "parts": {}}
    data.setdefault("parts", {})[part] = summary["headline"]
    if summary.get("gold_digest"):
        data.setdefault("gold_digest", {})[part] = summary["gold_digest"]
    parts = data["parts"]
    if {"tune", "heldout"} <= parts.keys():
        data["gap"] = {k: _gap(parts["tune"].get(k), parts["heldout"].get(k)) for k in parts["tune"]}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _gap(tune: float | None, heldout: float | None) -> float | None:
    return None if tune is None or heldout is None else round(tune - heldout, 4)


# ---------------------------------------------------------------------------------------------------------
# Output


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def _prf_line(label: str, d: dict[str, Any]) -> str:
    counts = f"(tp {d['tp']} fp {d['fp']} fn {d['fn']})" if {"tp", "fp", "fn"} <= d.keys() else ""
    return f"  {label:<18} P {_pct(d['precision'])}  R {_pct(d['recall'])}  F1 {_pct(d['f1'])}  {counts}"


def format_events(summary: dict[str, Any], details: bool = True) -> str:
    lines = [f"{summary['reports']} reports", _prf_line("events", summary["events"])]
    lines.append(_prf_line("type+date+place", summary["events_loose"]))
    lines += ["", "  by type:"] + [_prf_line(t, d) for t, d in summary["by_type"].items()]
    lines += ["", "  fields (on aligned events / gold quotes / gold entities):"]
    for name, d in summary["fields"].items():
        lines.append(f"  {name:<18} {_pct(d['accuracy'])}  ({d['correct']}/{d['total']})")
    if details:
        for rep in summary["per_report"]:
            lines += ["", f"  {rep['id']}"]
            for row in rep["misses"]:
                why = f"  [near {row['near']!r}: {', '.join(row['why'])}]" if "near" in row else ""
                lines.append(f"    MISS   {_row(row)}{why}")
            lines += [f"    FALSE  {_row(row)}" for row in rep["false_alarms"]]
    return "\n".join(lines)


def _row(row: dict[str, Any]) -> str:
    return f"{row['type']:<9} {row['date'] or '-':<22} {str(row['place'] or '-')[:24]:<24} {row['trigger'] or ''}"


def format_stage(summary: dict[str, Any], details: bool = True) -> str:
    """A stage's or public set's figures, one a line; nested groups of figures indented under their name."""
    lines = _figure_lines({k: v for k, v in summary.items() if k not in _NOT_FIGURES}, indent="  ")
    misses = summary.get("value_misses") or summary.get("far_misses") or summary.get("misses") or []
    if details:
        lines += ["", f"  first misses ({len(misses)} listed):"] + [f"    {m}" for m in misses[:40]]
    return "\n".join(lines)


def _is_figure(value: Any) -> bool:
    return value is None or isinstance(value, (dict, int, float))


_NOT_FIGURES = ("headline", "gate", "value_misses", "far_misses", "misses")


def _figure_lines(figures: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for key, value in figures.items():
        if isinstance(value, dict) and "f1" in value:
            lines.append(indent[:-2] + _prf_line(str(key), value))
        elif isinstance(value, dict) and value and all(_is_figure(v) for v in value.values()):
            lines += [f"{indent}{key}:", *_figure_lines(value, indent + "  ")]
        else:
            lines.append(f"{indent}{key:<20} {value}")
    return lines


# ---------------------------------------------------------------------------------------------------------
# CLI


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument(
        "gold", metavar="GOLD", help="gold directory (NAME.txt + NAME.gold.json), .tml dir/file, or .xml"
    )
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--extract", action="store_true", help="run the pipeline on every report (the default)")
    src.add_argument("--db", metavar="DB", help="score extractions already in the store (URL or SQLite path)")
    parser.add_argument("--format", choices=formats(), help="gold format (default: detect from extension/root element)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON to OUT")
    parser.add_argument("--max-km", type=float, default=50.0, help="distance within which places agree (default 50)")
    parser.add_argument("--check", metavar="BASELINE", help="exit 1 if the gated figure fell below the baseline")
    parser.add_argument("--record", metavar="BASELINE", help="write the current headline figures into BASELINE")
    parser.add_argument("--part", help="name of this part in the baseline file (default: the gold path's name)")
    parser.add_argument("--limit", type=int, help="score only the first N documents (public formats)")
    parser.add_argument("--processes", type=int, default=1, help="pipeline worker processes (default 1)")
    parser.add_argument("--summary-only", action="store_true", help="leave out the per-report table of misses")


def formats() -> list[str]:
    """Every gold format `dateline eval` reads: the devset's own, the stage formats and the public-set adapters."""
    from dateline.evalsets import ADAPTERS

    return ["dateline", *STAGE_FORMATS, *ADAPTERS]


def evaluate(path: Path, fmt: str, args: argparse.Namespace) -> dict[str, Any]:
    return score_path(path, fmt, limit=args.limit, processes=args.processes, db=args.db, max_km=args.max_km)


def score_path(
    path: Path,
    fmt: str,
    limit: int | None = None,
    processes: int = 1,
    db: str | None = None,
    max_km: float = 50.0,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The summary of one gold set in one format: the library call behind `dateline eval` and `eval-public`
    (``options``: a public-set adapter's own settings)."""
    from dateline import evalsets

    if db is not None and fmt != "dateline":
        raise DatelineError(f"--db scores stored extractions against devset gold only, not --format {fmt}")
    if options and fmt not in evalsets.ADAPTERS:
        raise DatelineError(f"--format {fmt} takes no adapter options ({', '.join(options)})")
    if fmt in evalsets.ADAPTERS:
        return evalsets.run(fmt, path, limit=limit, processes=processes, **(options or {}))
    if fmt == "timeml":
        return run_times(path, limit)
    if fmt in ("lgl", "gwn"):
        return run_places(path, fmt, limit)
    from dateline.gold import load_gold_dir

    docs = load_gold_dir(path)
    extractions = extractions_for(docs, db, processes)
    summary = aggregate([score_report(d.gold, x, max_km) for d, x in zip(docs, extractions, strict=True)])
    summary["gold_digest"] = gold_digest(path)
    return summary


def gold_parts(path: Path) -> list[Path]:
    """The parts of a split devset ('devset/' -> tune/, heldout/): sub-folders that hold gold, when the folder
    itself holds none."""
    if not path.is_dir() or any(path.glob("*.gold.json")):
        return []
    return sorted(sub for sub in path.iterdir() if sub.is_dir() and any(sub.glob("*.gold.json")))


def run(args: argparse.Namespace) -> int:
    path = Path(args.gold)
    if not path.exists():
        raise DatelineError(f"no such gold path: {path}")
    if args.max_km <= 0:
        raise DatelineError("--max-km must be positive")
    if args.processes < 1:
        raise DatelineError("--processes must be at least 1")
    if args.limit is not None and args.limit < 1:
        raise DatelineError("--limit must be at least 1")
    baseline = _read_baseline(Path(args.check)) if args.check else None  # fail before the long run, not after
    parts = gold_parts(path)
    if parts and (args.format or args.part):
        raise DatelineError(f"{path} is split into parts ({', '.join(p.name for p in parts)}): no --format or --part")
    if parts:
        return _run_parts(parts, args, baseline)
    fmt = args.format or detect_format(path)
    part = args.part or path.name.removesuffix(".gold.json").removesuffix(".xml")
    summary = evaluate(path, fmt, args)
    _report(summary, args)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return _record_and_check({part: summary}, args, baseline)


def _run_parts(parts: list[Path], args: argparse.Namespace, baseline: dict[str, Any] | None) -> int:
    """Every part of a split devset, then each part's gate and the gap between tuned and held-back parts."""
    summaries = {}
    for part in parts:
        print(f"== {part.name}")
        summaries[part.name] = evaluate(part, "dateline", args)
        _report(summaries[part.name], args)
    if args.json:
        Path(args.json).write_text(json.dumps(summaries, indent=2) + "\n", encoding="utf-8")
    return _record_and_check(summaries, args, baseline)


def _report(summary: dict[str, Any], args: argparse.Namespace) -> None:
    text = format_events if summary["kind"] == "events" else format_stage
    print(text(summary, details=not args.summary_only))


def _record_and_check(summaries: dict[str, dict[str, Any]], args: argparse.Namespace, baseline: Any) -> int:
    if args.record:
        for part, summary in summaries.items():
            record_baseline(summary, Path(args.record), part)
        print(f"recorded {', '.join(summaries)} figures in {args.record}")
    if not args.check:
        return 0
    results = [check_baseline(summary, baseline or {}, part) for part, summary in summaries.items()]
    if len(summaries) > 1:
        results.append(check_gap(summaries, baseline or {}))
    for _ok, message in results:
        print(message)
    return 0 if all(ok for ok, _ in results) else 1
