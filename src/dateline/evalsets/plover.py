"""PLOVER gold-standard records: one coded sentence each, scored on event type and source / target actors.

Input: a JSON array of records (the Open Event Data Alliance's PLOVER GSR, version 0.5b1): ``id``, ``date``
(YYYY-MM-DD), ``text`` (one sentence), ``event`` (PLOVER type), ``eventText`` (the coder's trigger words) and
``source`` / ``target`` (lists of ``{actorText, code, sector}``; code is an ISO 3166 alpha-3 country or a CAMEO
actor code such as IGO). ``DOCUMENT`` records are file notes and are skipped. Each record's text is one report
published on its date.

Matching rules:
- Gold types are read as PLOVER 2021 names: the PLOVER 0.x names of ``taxonomy.OLDER_TYPE_NAMES`` and the two
  0.5 types PLOVER 2021 folded into others (FIGHT -> ASSAULT, INVESTIGATE -> ACCUSE, as in the CAMEO2PLOVER-2021
  table); types compare with ``evaluate.same_type``.
- type_acc (primary): the gold type is among the types of the events dateline finds in the sentence. A coder
  that returns several events per sentence is scored this way on the GSR (PETRARCH-style validation), and a
  sentence often holds several events ("agreed ... to cooperate") of which the coder kept one.
- aligned_type_acc: only the predicted event whose trigger best matches the gold eventText (words sharing their
  first five letters; no match: the first event) counts. Stricter: it also fails when the right type is there
  but on another trigger.
- Actors are read on records whose type matched, on the event of that type that agrees best. A gold source
  matches an initiator, a gold target a target or victim, by name (``evaluate.names_match`` on the actor's name,
  its ACLED-style name and its entity's aliases) or by country (the code's ISO alpha-2 equals the actor's
  country). A record agrees when any one of its gold actors in that role is matched (compound actors count once).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from dateline import DatelineError
from dateline.evalsets.common import extract_all, first
from dateline.evaluate import Tally, _rounded, names_match, same_role, same_type
from dateline.records import Actor, Entity, Event, Extraction, Report
from dateline.taxonomy import OLDER_TYPE_NAMES, PLOVER_TYPES

KIND = "plover"
# PLOVER 0.5 types that PLOVER 2021 folded into others (CAMEO 19 "fight" and CAMEO 09 "investigate").
GSR_TYPE_NAMES = {"FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}
NOTE_EVENTS = {"DOCUMENT"}
STEM = 5  # trigger and eventText words match on their first five letters ("arrested" / "arresting")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class GoldActor:
    text: str
    code: str | None = None


@dataclass(frozen=True)
class PloverRecord:
    """One coded sentence: its PLOVER 2021 type (``coded_type`` as written in the file) and actors."""

    id: str
    text: str
    type: str
    coded_type: str
    date: dt.date | None = None
    event_text: str = ""
    sources: tuple[GoldActor, ...] = ()
    targets: tuple[GoldActor, ...] = ()


# ---------------------------------------------------------------------------------------------------------
# Reading


def read(path: Path) -> list[PloverRecord]:
    """Every coded sentence of a PLOVER GSR file (DOCUMENT notes left out)."""
    items = _load(path)
    records = []
    for n, item in enumerate(items, 1):
        where = f"{path}: record {n}"
        if not isinstance(item, dict):
            raise DatelineError(f"{where} is not a JSON object")
        if item.get("event") not in NOTE_EVENTS:
            records.append(_record(item, where, n))
    return records


def _load(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DatelineError(f"cannot read PLOVER records {path}: {err.strerror}") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DatelineError(f"{path} is not valid JSON: {err}") from err
    if not isinstance(data, list):
        raise DatelineError(f"{path}: expected a JSON array of PLOVER records")
    return data


def _record(item: dict[str, Any], where: str, n: int) -> PloverRecord:
    text, coded = item.get("text"), item.get("event")
    if not isinstance(text, str) or not text.strip():
        raise DatelineError(f"{where}: no 'text'")
    if not isinstance(coded, str):
        raise DatelineError(f"{where}: no 'event' type")
    return PloverRecord(
        id=str(item.get("id") or f"record-{n}"),
        text=text,
        type=_plover_type(coded, where),
        coded_type=coded,
        date=_date(item.get("date"), where),
        event_text=item.get("eventText") if isinstance(item.get("eventText"), str) else "",
        sources=_actors(item.get("source"), where, "source"),
        targets=_actors(item.get("target"), where, "target"),
    )


def _plover_type(coded: str, where: str) -> str:
    name = coded.strip().upper()
    name = GSR_TYPE_NAMES.get(name, OLDER_TYPE_NAMES.get(name, name))
    if name not in PLOVER_TYPES:
        raise DatelineError(f"{where}: unknown PLOVER event type {coded!r}")
    return name


def _date(value: Any, where: str) -> dt.date | None:
    """The record's day, read once here: the report is published on it."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise DatelineError(f"{where}: date {value!r} is not YYYY-MM-DD") from err


def _actors(value: Any, where: str, field: str) -> tuple[GoldActor, ...]:
    """A source or target list; the file writes an absent one as null, "" or a bare word."""
    if not isinstance(value, list):
        return ()
    actors = []
    for actor in value:
        if not isinstance(actor, dict) or not isinstance(actor.get("actorText"), str):
            raise DatelineError(f"{where}: each {field} needs an 'actorText'")
        code = actor.get("code")
        actors.append(GoldActor(actor["actorText"], code.strip().upper() if isinstance(code, str) else None))
    return tuple(actors)


# ---------------------------------------------------------------------------------------------------------
# Scoring


def _stems(text: str) -> set[str]:
    return {w[:STEM] for w in _WORD.findall(text.lower())}


def _trigger_hits(event: Event, event_text: str) -> int:
    """How many of the trigger's words are among the coder's eventText words."""
    return len(_stems(event.trigger.text) & _stems(event_text))


def aligned_event(events: list[Event], event_text: str) -> Event | None:
    """The event whose trigger best matches the gold eventText; with no match the first in the text."""
    ordered = sorted(events, key=lambda e: e.trigger.start)
    return max(ordered, key=lambda e: _trigger_hits(e, event_text), default=None)


@lru_cache(maxsize=512)
def country_of_code(code: str | None) -> str | None:
    """ISO alpha-2 of an ISO alpha-3 actor code; None for CAMEO codes that name no country (IGO, NGO)."""
    if not code or len(code) != 3:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else None


def _pred_names(actor: Actor, entities: dict[str, Entity]) -> list[str]:
    names = [actor.name, *([actor.normalized] if actor.normalized else [])]
    entity = entities.get(actor.entity or "")
    return names + ([entity.name, *entity.aliases] if entity else [])


def actor_agrees(gold: GoldActor, actor: Actor, entities: dict[str, Entity]) -> bool:
    """Same participant by name, or the same country by code."""
    cc = country_of_code(gold.code)
    return names_match([gold.text], _pred_names(actor, entities)) or (cc is not None and actor.country == cc)


def role_agrees(golds: tuple[GoldActor, ...], event: Event, role: str, entities: dict[str, Entity]) -> bool:
    """Any gold actor of the role is matched by a predicted actor in that role."""
    return any(actor_agrees(g, a, entities) for g in golds for a in event.actors if same_role(a.role, role))


def _agreement(record: PloverRecord, event: Event, entities: dict[str, Entity]) -> tuple[bool, bool]:
    return (
        role_agrees(record.sources, event, "initiator", entities),
        role_agrees(record.targets, event, "target", entities),
    )


def best_of_type(record: PloverRecord, events: list[Event], entities: dict[str, Entity]) -> Event | None:
    """The predicted event of the gold type that agrees best: actors first, then trigger, then text order."""
    same = sorted((e for e in events if same_type(record.type, e.type)), key=lambda e: e.trigger.start)
    return max(
        same, key=lambda e: (sum(_agreement(record, e, entities)), _trigger_hits(e, record.event_text)), default=None
    )


@dataclass
class _Tallies:
    type: Tally = field(default_factory=Tally)
    aligned_type: Tally = field(default_factory=Tally)
    event_found: Tally = field(default_factory=Tally)
    source: Tally = field(default_factory=Tally)
    target: Tally = field(default_factory=Tally)
    dyad: Tally = field(default_factory=Tally)
    by_type: dict[str, Tally] = field(default_factory=dict)
    confusion: Counter = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)


def _names(event: Event, role: str) -> list[str]:
    return [a.name for a in event.actors if same_role(a.role, role)]


def _score_actors(t: _Tallies, record: PloverRecord, event: Event, entities: dict[str, Entity]) -> None:
    source, target = _agreement(record, event, entities)
    for why, golds, ok, tally, role in (
        ("source", record.sources, source, t.source, "initiator"),
        ("target", record.targets, target, t.target, "target"),
    ):
        if not golds:
            continue
        tally.add(ok)
        if not ok:
            t.misses.append({"id": record.id, "why": why, "gold": [g.text for g in golds], "pred": _names(event, role)})
    if record.sources and record.targets:
        t.dyad.add(source and target)


def _score_record(t: _Tallies, record: PloverRecord, extraction: Extraction) -> None:
    events = extraction.events
    aligned = aligned_event(events, record.event_text)
    t.event_found.add(bool(events))
    t.aligned_type.add(aligned is not None and same_type(record.type, aligned.type))
    entities = {e.id: e for e in extraction.entities}
    best = best_of_type(record, events, entities)
    t.type.add(best is not None)
    t.by_type.setdefault(record.type, Tally()).add(best is not None)
    if best is None:
        predicted = aligned.type if aligned else "none"
        t.confusion[f"{record.type} -> {predicted}"] += 1
        pred_types = sorted({e.type for e in events})
        t.misses.append({"id": record.id, "why": "type", "gold": record.type, "pred": pred_types})
        return
    _score_actors(t, record, best, entities)


def score(docs: list[PloverRecord], extractions: list[Extraction]) -> dict[str, Any]:
    """Type accuracy (any event / aligned event), event found, and source / target agreement on typed records."""
    t = _Tallies()
    for record, extraction in zip(docs, extractions, strict=True):
        _score_record(t, record, extraction)
    out: dict[str, Any] = {
        "kind": KIND,
        "documents": len(docs),
        "type_acc": _rounded(t.type.accuracy),
        "aligned_type_acc": _rounded(t.aligned_type.accuracy),
        "event_found": _rounded(t.event_found.accuracy),
        "source_acc": _rounded(t.source.accuracy),
        "target_acc": _rounded(t.target.accuracy),
        "dyad_acc": _rounded(t.dyad.accuracy),
        "scored": {"source": t.source.total, "target": t.target.total, "dyad": t.dyad.total},
        "predicted_events": sum(len(x.events) for x in extractions),
        "type_acc_by_type": {k: _rounded(v.accuracy) for k, v in sorted(t.by_type.items())},
        "confusion": dict(t.confusion.most_common(15)),
        "misses": first(t.misses),
        "gate": "type_acc",
    }
    out["headline"] = {k: out[k] for k in ("type_acc", "event_found", "source_acc", "target_acc")}
    return out


def run(path: Path, limit: int | None = None, processes: int = 1) -> dict[str, Any]:
    """Read the records, extract each sentence as a report published on its date, and score."""
    docs = read(path)[:limit]
    reports = [Report(id=d.id, text=d.text, published=d.date) for d in docs]
    return score(docs, extract_all(reports, processes))
