"""WikiEvents (KAIROS ontology): trigger and argument F1 of dateline's events, KAIROS types mapped to PLOVER.

Input is the gen-arg JSON Lines format: one article a row with ``doc_id``, ``tokens``, ``sentences`` (each a list
of ``[token, start, end]`` and the sentence text), ``entity_mentions`` (token spans with ids) and
``event_mentions`` (KAIROS type, trigger token span, arguments as role + entity id). A coreference file beside it
(``NAME-coref.jsonlines``, or ``coref/NAME.jsonlines``) lists each document's entity clusters by ``doc_key``.

Matching rules (docs/gold-format.md, section "wikievents"):

- The text is rebuilt from the tokens: inside a sentence a space wherever the token offsets show a gap (the
  writer's own spacing); between sentences a space after closing punctuation, else a line break (headlines,
  captions), so spaCy splits where the annotators did. Every token keeps its character span.
- Gold types map to PLOVER by ``TYPE_MAP``; mentions of other types are left out of the scoring. A predicted
  mention that matches no gold mention is a false alarm unless it overlaps no scored trigger and either overlaps a
  left-out one or has a type outside ``JUDGED`` (types KAIROS annotates only in part, or not at all).
- Each predicted event stands for each of its mentions (``Event.mentions``, the trigger of each sentence's
  mention merged into it; else its trigger): WikiEvents annotates every mention. These match one-to-one by
  overlap with the gold trigger tokens, most overlap first: identification on the span alone, classification
  also on the event's PLOVER type.
- Life.Die and Life.Injure are the casualties of an attack: a mention that no trigger matched is found by a
  predicted ASSAULT whose fatalities (injuries) were read in the sentence of the mention's trigger, that is,
  the count's words occur in the event's evidence sentence holding the trigger. Such an ASSAULT counts as that
  mention's hit, not as a false alarm, if no trigger matched it.
- Arguments are scored on the trigger-classified pairs (given the event is found, as in WikiEvents' own argument
  task), and end to end (``arguments_end_to_end``: the gold arguments of mentions no event was found for count as
  misses too, so extraction as a whole is measured): gold roles map to initiator, target, victim or location
  (``ROLE_MAP``, target and victim alike); one predicted event pools the arguments of every gold mention paired with
  it, each (role, entity) once. A predicted argument is right when one of its spans overlaps the gold argument's
  entity mention (with coreference: any mention of the gold entity's cluster), one-to-one. A predicted actor's spans
  are the mentions of its entity and the occurrences of its name; a location's, the place mentions of its text or
  gazetteer name and the occurrences of that name; of these, those inside the event's evidence sentences where there
  are any, else all.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from dateline import DatelineError
from dateline.evalsets.common import event_mentions, extract_all, first, overlap, prf_counts
from dateline.evaluate import Tally, _rounded, greedy, same_role, same_type
from dateline.records import toponyms

if TYPE_CHECKING:
    from dateline.records import Event, Extraction

KIND = "wikievents"

# KAIROS type (in full, or its first two levels) -> (PLOVER type, PLOVER mode). Left out, with no real PLOVER
# equivalent: Contact.Contact.* (any communication: KAIROS marks testimony and remarks as Meet, not only
# consultations), Movement.*, Control.ImpedeInterfereWith, ArtifactExistence.* (damage follows an attack already
# annotated), Justice.TrialHearing, GenericCrime, Disaster, Medical, Personnel, Cognitive.
TYPE_MAP: dict[str, tuple[str, str | None]] = {
    "Conflict.Attack": ("ASSAULT", None),
    "Life.Die": ("ASSAULT", None),
    "Life.Injure": ("ASSAULT", None),
    "Conflict.Demonstrate": ("PROTEST", None),
    "Conflict.Demonstrate.DemonstrateWithViolence": ("PROTEST", "riot"),
    "Justice.ArrestJailDetain": ("COERCE", "arrest"),
    "Justice.ChargeIndict": ("COERCE", "arrest"),  # CAMEO 173: arrest, detain or charge with legal action
    "Justice.Sentence": ("COERCE", "sentence"),
    "Justice.Convict": ("ACCUSE", None),  # CAMEO 116: find guilty or liable
    "Justice.InvestigateCrime": ("ACCUSE", None),  # CAMEO 091: investigate crime
    "Justice.ReleaseParole": ("RETREAT", None),  # CAMEO 0841: release persons
    "Contact.ThreatenCoerce": ("THREATEN", None),
    "Contact.RequestCommand": ("DEMAND", None),
    "Transaction.Donation": ("AID", None),
}
# PLOVER types that KAIROS annotates as a whole, so that a prediction of one that matches no gold mention is a
# false alarm. The rest of TYPE_MAP's types (ACCUSE: only legal findings and investigations, RETREAT: only
# releases, AID: only donations) and the PLOVER types no KAIROS type covers count only where they match.
JUDGED = {"ASSAULT", "PROTEST", "COERCE", "THREATEN", "DEMAND"}
# The casualty field of an ASSAULT that a death or an injury is.
CASUALTY_FIELD = {"Life.Die": "fatalities", "Life.Injure": "injuries"}
ROLE_MAP = {
    **dict.fromkeys(
        ("Attacker", "Killer", "Injurer", "Jailer", "Demonstrator", "Communicator", "Investigator", "JudgeCourt")
        + ("Prosecutor", "Giver"),
        "initiator",
    ),
    **dict.fromkeys(("Target", "Detainee", "Defendant", "Recipient"), "target"),
    "Victim": "victim",
    "Place": "location",
}
ROLES = ("initiator", "target", "location")  # per-role figures: victim is counted with target
CLOSING = {".", "!", "?", ":", "—", "–", "-", "”", '"', "’", "'"}  # a sentence ending so runs on with a space
MISSED_TRIGGERS, MISSED_ARGUMENTS = 25, 15

Span = tuple[int, int]


# ---------------------------------------------------------------------------------------------------------
# Gold records


@dataclass(frozen=True)
class Argument:
    """A gold argument: its role, the entity mention that fills it and every mention coreferent with it."""

    role: str
    entity: str
    text: str
    span: Span
    coref: tuple[Span, ...]

    @property
    def dateline_role(self) -> str | None:
        return ROLE_MAP.get(self.role)


@dataclass(frozen=True)
class Mention:
    """A gold event mention: KAIROS type, trigger words and characters, arguments."""

    id: str
    kairos: str
    text: str
    trigger: Span
    arguments: tuple[Argument, ...]

    @property
    def plover(self) -> tuple[str, str | None]:
        """(PLOVER type, mode); ("", None) for a type with no PLOVER equivalent."""
        return TYPE_MAP.get(self.kairos) or TYPE_MAP.get(_family(self.kairos)) or ("", None)

    @property
    def casualty(self) -> str | None:
        return CASUALTY_FIELD.get(_family(self.kairos))


@dataclass(frozen=True)
class WikiDoc:
    id: str
    text: str
    mentions: tuple[Mention, ...]
    has_coref: bool


def _family(kairos: str) -> str:
    return ".".join(kairos.split(".")[:2])


# Rows as the file gives them, validated before use.


class _Trigger(BaseModel):
    start: int
    end: int
    text: str = ""


class _RawArgument(BaseModel):
    entity_id: str
    role: str
    text: str = ""


class _EventMention(BaseModel):
    id: str
    event_type: str
    trigger: _Trigger
    arguments: list[_RawArgument] = []


class _EntityMention(BaseModel):
    id: str
    start: int
    end: int


class _Row(BaseModel):
    doc_id: str
    tokens: list[str]
    sentences: list[tuple[list[tuple[str, int, int]], str]]
    entity_mentions: list[_EntityMention] = []
    event_mentions: list[_EventMention] = []


class _CorefRow(BaseModel):
    doc_key: str
    clusters: list[list[str]]


# ---------------------------------------------------------------------------------------------------------
# Reading

Model = TypeVar("Model", bound=BaseModel)


def read(path: Path) -> list[WikiDoc]:
    """The gold documents of a WikiEvents JSON Lines file, with the clusters of its coreference file if present."""
    rows = _read_jsonl(path, _Row)
    if not rows:
        raise DatelineError(f"{path} holds no documents")
    coref_path = next((p for p in _coref_paths(path) if p.is_file()), None)
    clusters = {row.doc_key: row.clusters for _, row in _read_jsonl(coref_path, _CorefRow)} if coref_path else {}
    return [_doc(path, n, row, clusters.get(row.doc_id)) for n, row in rows]


def _coref_paths(path: Path) -> tuple[Path, Path]:
    return path.with_name(f"{path.stem}-coref.jsonlines"), path.parent / "coref" / f"{path.stem}.jsonlines"


def _read_jsonl(path: Path, model: type[Model]) -> list[tuple[int, Model]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise DatelineError(f"cannot read {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise DatelineError(f"{path} is not UTF-8 text: {err.reason}") from err
    return [(n, _parse_line(path, n, line, model)) for n, line in enumerate(lines, 1) if line.strip()]


def _parse_line(path: Path, n: int, line: str, model: type[Model]) -> Model:
    try:
        return model.model_validate(json.loads(line))
    except json.JSONDecodeError as err:
        raise DatelineError(f"{path}, line {n}: not valid JSON ({err.msg})") from err
    except ValidationError as err:
        problem = err.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "row"
        raise DatelineError(f"{path}, line {n}: not a WikiEvents row ({where}: {problem['msg']})") from err


def _doc(path: Path, n: int, row: _Row, clusters: list[list[str]] | None) -> WikiDoc:
    def fail(problem: str) -> DatelineError:
        return DatelineError(f"{path}, line {n} ({row.doc_id}): {problem}")

    if [tok for sent in row.sentences for tok, _, _ in sent[0]] != row.tokens:
        raise fail("the tokens of 'sentences' are not those of 'tokens'")
    text, offsets = build_text(row.sentences)

    def chars(start: int, end: int, what: str) -> Span:
        if not 0 <= start < end <= len(offsets):
            raise fail(f"{what} has token span {start}..{end} outside the document's {len(offsets)} tokens")
        return offsets[start][0], offsets[end - 1][1]

    entities = {e.id: chars(e.start, e.end, f"entity mention {e.id}") for e in row.entity_mentions}
    cluster_of = {eid: tuple(c) for c in clusters or () for eid in c}

    def argument(ev: _EventMention, a: _RawArgument) -> Argument:
        if a.entity_id not in entities:
            raise fail(f"event {ev.id} names entity {a.entity_id}, which has no mention")
        coref = tuple(entities[e] for e in cluster_of.get(a.entity_id, (a.entity_id,)) if e in entities)
        return Argument(a.role, a.entity_id, a.text, entities[a.entity_id], coref or (entities[a.entity_id],))

    def mention(ev: _EventMention) -> Mention:
        span = chars(ev.trigger.start, ev.trigger.end, f"the trigger of event {ev.id}")
        args = tuple(argument(ev, a) for a in ev.arguments)
        return Mention(ev.id, ev.event_type, text[span[0] : span[1]], span, args)

    return WikiDoc(row.doc_id, text, tuple(mention(ev) for ev in row.event_mentions), clusters is not None)


def build_text(sentences: Sequence[tuple[Sequence[tuple[str, int, int]], str]]) -> tuple[str, list[Span]]:
    """The document text and each token's character span (see the module docstring for the spacing)."""
    parts: list[str] = []
    offsets: list[Span] = []
    pos = 0
    prev: tuple[str, int, int] | None = None
    for tokens, _ in sentences:
        for i, tok in enumerate(tokens):
            sep = _separator(prev, tok, i == 0)
            pos += len(sep)
            parts += [sep, tok[0]]
            offsets.append((pos, pos + len(tok[0])))
            pos += len(tok[0])
            prev = tok
    return "".join(parts), offsets


def _separator(prev: tuple[str, int, int] | None, tok: tuple[str, int, int], sentence_start: bool) -> str:
    if prev is None:
        return ""
    if sentence_start:
        return " " if prev[0] in CLOSING else "\n"
    return " " if tok[1] > prev[2] else ""


# ---------------------------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class PredArg:
    """A predicted argument: dateline role (or 'location'), its words and where they are in the text."""

    role: str
    text: str
    spans: tuple[Span, ...]


@dataclass
class _Counts:
    trigger_id: Counter = field(default_factory=Counter)
    trigger_class: Counter = field(default_factory=Counter)
    by_type: dict[str, Counter] = field(default_factory=dict)
    args_id: Counter = field(default_factory=Counter)
    args: Counter = field(default_factory=Counter)
    args_coref: Counter = field(default_factory=Counter)
    args_e2e: Counter = field(default_factory=Counter)
    by_role: dict[str, Counter] = field(default_factory=lambda: {r: Counter() for r in ROLES})
    mentions: Counter = field(default_factory=Counter)
    unmapped: Counter = field(default_factory=Counter)
    mode: Tally = field(default_factory=Tally)
    in_evidence: Tally = field(default_factory=Tally)
    trigger_misses: list[dict[str, Any]] = field(default_factory=list)
    argument_misses: list[dict[str, Any]] = field(default_factory=list)


def score(docs: Sequence[WikiDoc], extractions: Sequence[Extraction]) -> dict[str, Any]:
    """Trigger identification / classification and argument P/R/F1 over all documents (micro-averaged)."""
    counts = _Counts()
    for doc, extraction in zip(docs, extractions, strict=True):
        _score_doc(doc, extraction, counts)
    return _summary(docs, counts)


@dataclass(frozen=True)
class PredMention:
    """One mention of a predicted event (``Event.mentions``; its trigger where it lists none)."""

    event: int  # index of the event in the extraction
    span: Span


def pred_mentions(events: Sequence[Event]) -> list[PredMention]:
    return [PredMention(pi, (w.start, w.end)) for pi, ev in enumerate(events) for w in event_mentions(ev)]


def _score_doc(doc: WikiDoc, x: Extraction, counts: _Counts) -> None:
    scored = [m for m in doc.mentions if m.plover[0]]
    unmapped = [m for m in doc.mentions if not m.plover[0]]
    counts.unmapped.update(m.kairos for m in unmapped)
    events = x.events
    preds = pred_mentions(events)
    left_out = {k for k, p in enumerate(preds) if _left_out(p, events[p.event].type, scored, unmapped)}
    found = _match_triggers(scored, events, preds, typed=False)
    _count_triggers(counts.trigger_id, found, len(scored), events, preds, left_out)
    classed = _match_triggers(scored, events, preds, typed=True)
    _count_triggers(counts.trigger_class, classed, len(scored), events, preds, left_out)
    by_event = {gi: pi for gi, (pi, _k) in classed.items()}
    counts.mentions.update(
        gold=len(doc.mentions),
        scored=len(scored),
        unmapped=len(unmapped),
        casualty_found=sum(k is None for _pi, k in classed.values()),
        predicted=len(events),
        predicted_mentions=len(preds),
        left_out=len(left_out),
    )
    _count_types(counts, scored, events, preds, classed, left_out)
    for gi, pi in by_event.items():
        mode = scored[gi].plover[1]
        if mode is not None:
            counts.mode.add(events[pi].mode == mode)
    for gi, m in enumerate(scored):
        counts.in_evidence.add(gi in classed or any(_told_by(m, ev) for ev in events))
    _score_arguments(doc, x, scored, by_event, counts)
    _trigger_misses(doc, scored, events, preds, classed, left_out, counts)


def _left_out(p: PredMention, ptype: str, scored: Sequence[Mention], unmapped: Sequence[Mention]) -> bool:
    """Neither hit nor false alarm unless it matches: it overlaps no scored trigger, and either overlaps a left-out
    one or has a type the KAIROS annotation covers only in part or not at all."""
    return not _overlaps_any(p.span, scored) and (ptype not in JUDGED or _overlaps_any(p.span, unmapped))


def _overlaps_any(span: Span, mentions: Iterable[Mention]) -> bool:
    return any(overlap(m.trigger, span) for m in mentions)


def _told_by(m: Mention, ev: Event) -> bool:
    """A predicted event of the mention's type has the mention's trigger in one of its evidence sentences."""
    inside = any(e.start <= m.trigger[0] and m.trigger[1] <= e.end for e in ev.evidence)
    return inside and same_type(m.plover[0], ev.type)


Match = dict[int, tuple[int, int | None]]  # gold mention -> (predicted event, predicted mention or None)


def _match_triggers(
    scored: Sequence[Mention], events: Sequence[Event], preds: Sequence[PredMention], typed: bool
) -> Match:
    """Gold mention -> predicted event and mention: one-to-one by trigger overlap, then deaths and injuries as
    the casualties of an attack (no predicted mention of their own)."""
    pairs = [
        (overlap(m.trigger, p.span), gi, k)
        for gi, m in enumerate(scored)
        for k, p in enumerate(preds)
        if overlap(m.trigger, p.span) > 0 and (not typed or same_type(m.plover[0], events[p.event].type))
    ]
    match: Match = {gi: (preds[k].event, k) for gi, k in greedy(pairs).items()}
    for gi, m in enumerate(scored):
        if gi not in match and m.casualty:
            carriers = [pi for pi, ev in enumerate(events) if _carries_casualty(m, ev)]
            taken = {pi for pi, _k in match.values()}
            free = [pi for pi in carriers if pi not in taken]
            if carriers:
                match[gi] = ((free or carriers)[0], None)
    return match


def _carries_casualty(m: Mention, ev: Event) -> bool:
    """An ASSAULT whose fatalities (injuries) were read in the sentence of this death (injury)."""
    count = getattr(ev, m.casualty or "", None)
    if ev.type != "ASSAULT" or count is None or not count.text:
        return False
    sentences = [e.sentence for e in ev.evidence if e.start <= m.trigger[0] and m.trigger[1] <= e.end]
    return any(part and part in s for s in sentences for part in count.text.split("; "))


def _false_alarms(match: Match, events: Sequence[Event], preds: Sequence[PredMention], left_out: set[int]) -> set[int]:
    """Predicted mentions that stand for no gold mention and are not left out. An event found by a casualty
    match stands for that mention: its trigger's mention is no false alarm."""
    hit = {k for _pi, k in match.values() if k is not None}
    carriers = {pi for pi, k in match.values() if k is None}
    hit |= {k for k, p in enumerate(preds) if p.event in carriers and p.span == _own(events[p.event])}
    return set(range(len(preds))) - hit - left_out


def _own(ev: Event) -> Span:
    return (ev.trigger.start, ev.trigger.end)


def _count_triggers(
    counter: Counter,
    match: Match,
    n_gold: int,
    events: Sequence[Event],
    preds: Sequence[PredMention],
    left_out: set[int],
) -> None:
    counter.update(tp=len(match), fn=n_gold - len(match), fp=len(_false_alarms(match, events, preds, left_out)))


def _count_types(
    counts: _Counts,
    scored: Sequence[Mention],
    events: Sequence[Event],
    preds: Sequence[PredMention],
    classed: Match,
    left_out: set[int],
) -> None:
    for gi, m in enumerate(scored):
        counts.by_type.setdefault(m.plover[0], Counter())["tp" if gi in classed else "fn"] += 1
    for k in _false_alarms(classed, events, preds, left_out):
        counts.by_type.setdefault(events[preds[k].event].type, Counter())["fp"] += 1


def _trigger_misses(
    doc: WikiDoc,
    scored: Sequence[Mention],
    events: Sequence[Event],
    preds: Sequence[PredMention],
    classed: Match,
    left_out: set[int],
    counts: _Counts,
) -> None:
    def told(p: PredMention) -> str:
        return f"{events[p.event].type} {doc.text[p.span[0] : p.span[1]]!r}"

    for gi, m in enumerate(scored):
        if gi not in classed:
            near = [told(p) for p in preds if overlap(m.trigger, p.span)]
            gold = f"{m.kairos} ({m.plover[0]}) {m.text!r}"
            counts.trigger_misses.append({"id": doc.id, "gold": gold, "pred": near[0] if near else None})
    for k in sorted(_false_alarms(classed, events, preds, left_out)):
        counts.trigger_misses.append({"id": doc.id, "gold": None, "pred": told(preds[k])})


# --- arguments ---------------------------------------------------------------------------------------------


def _score_arguments(
    doc: WikiDoc, x: Extraction, scored: Sequence[Mention], classed: dict[int, int], counts: _Counts
) -> None:
    by_event: dict[int, list[Mention]] = {}
    for gi, pi in sorted(classed.items()):
        by_event.setdefault(pi, []).append(scored[gi])
    for pi, mentions in by_event.items():
        gold = _gold_pool(mentions)
        preds = predicted_arguments(x.events[pi], x)
        _count_args(counts.args_id, _match_args(gold, preds, typed=False, coref=False), gold, preds)
        match = _match_args(gold, preds, typed=True, coref=False)
        _count_args(counts.args, match, gold, preds)
        _count_roles(counts.by_role, match, gold, preds)
        _count_args(counts.args_coref, _match_args(gold, preds, typed=True, coref=True), gold, preds)
        for gi, arg in enumerate(gold):
            if gi not in match:
                counts.argument_misses.append(_argument_miss(doc.id, mentions[0], arg, preds))
    unfound = [m for gi, m in enumerate(scored) if gi not in classed]
    counts.args_e2e.update(fn=len(_gold_pool(unfound)))


def _gold_pool(mentions: Sequence[Mention]) -> list[Argument]:
    """The scored arguments of the gold mentions one event stands for, each (role, entity) once."""
    pool: dict[tuple[str, str], Argument] = {}
    for m in mentions:
        for a in m.arguments:
            if a.dateline_role:
                pool.setdefault((_role_class(a.dateline_role), a.entity), a)
    return list(pool.values())


def _role_class(role: str) -> str:
    return "target" if role == "victim" else role


def _match_args(gold: Sequence[Argument], preds: Sequence[PredArg], typed: bool, coref: bool) -> dict[int, int]:
    pairs = []
    for gi, g in enumerate(gold):
        spans = g.coref if coref else (g.span,)
        for pi, p in enumerate(preds):
            if typed and not _roles_agree(g.dateline_role or "", p.role):
                continue
            best = max((overlap(s, q) for s in spans for q in p.spans), default=0)
            if best:
                pairs.append((best, gi, pi))
    return greedy(pairs)


def _roles_agree(gold: str, pred: str) -> bool:
    if "location" in (gold, pred):
        return gold == pred
    return same_role(pred, gold)


def _count_args(counter: Counter, match: dict[int, int], gold: Sequence[Argument], preds: Sequence[PredArg]) -> None:
    counter.update(tp=len(match), fn=len(gold) - len(match), fp=len(preds) - len(match))


def _count_roles(
    by_role: dict[str, Counter], match: dict[int, int], gold: Sequence[Argument], preds: Sequence[PredArg]
) -> None:
    hit = set(match.values())
    for gi, g in enumerate(gold):
        by_role[_role_class(g.dateline_role or "")]["tp" if gi in match else "fn"] += 1
    for pi, p in enumerate(preds):
        if pi not in hit:
            by_role[_role_class(p.role)]["fp"] += 1


def _argument_miss(doc_id: str, m: Mention, arg: Argument, preds: Sequence[PredArg]) -> dict[str, Any]:
    """A missed gold argument beside the event's predicted arguments in a role that would have matched."""
    rivals = [f"{p.role}: {p.text}" for p in preds if _roles_agree(arg.dateline_role or "", p.role)]
    return {
        "id": doc_id,
        "trigger": m.text,
        "role": f"{arg.role} ({arg.dateline_role})",
        "gold": arg.text,
        "pred": rivals,
    }


def predicted_arguments(ev: Event, x: Extraction) -> list[PredArg]:
    """An event's actors and location with their spans in the report text (see the module docstring)."""
    entities = {e.id: e for e in x.entities}
    text = x.report.text
    out = []
    for actor in ev.actors:
        ent = entities.get(actor.entity or "")
        known = [(s.start, s.end) for s in ent.mentions] if ent else []
        out.append(PredArg(actor.role, actor.name, _spans([actor.name], known, text, ev)))
    loc = ev.location
    if loc.name or loc.text:
        # the place mentions it was read from, and its gazetteer name where the text uses it; not the bare
        # words of loc.text: for a country the story or a speaker implies, they are the event's trigger
        places = toponyms(x.places)
        known = [(p.start, p.end) for p in places if p.text == loc.text or (loc.name and p.name == loc.name)]
        names = [loc.name] if loc.name else []
        out.append(PredArg("location", loc.name or loc.text or "", _spans(names, known, text, ev)))
    return out


def _spans(names: Sequence[str], known: Sequence[Span], text: str, ev: Event) -> tuple[Span, ...]:
    found = set(known)
    for name in names:
        found |= {(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)}
    inside = [s for s in found if any(e.start <= s[0] and s[1] <= e.end for e in ev.evidence)]
    return tuple(sorted(inside or found))


# --- summary -----------------------------------------------------------------------------------------------


def _summary(docs: Sequence[WikiDoc], counts: _Counts) -> dict[str, Any]:
    has_coref = any(d.has_coref for d in docs)
    out: dict[str, Any] = {
        "kind": KIND,
        "documents": len(docs),
        "mentions": {k: counts.mentions[k] for k in ("gold", "scored", "unmapped", "casualty_found")},
        "predictions": {
            "events": counts.mentions["predicted"],
            "mentions": counts.mentions["predicted_mentions"],
            "left_out": counts.mentions["left_out"],
        },
        "unmapped_types": dict(counts.unmapped.most_common()),
        "triggers_id": prf_counts(counts.trigger_id),
        "triggers_class": prf_counts(counts.trigger_class),
        "by_type": {t: prf_counts(c) for t, c in sorted(counts.by_type.items())},
        "mode_accuracy": _rounded(counts.mode.accuracy),
        "in_evidence_recall": _rounded(counts.in_evidence.accuracy),
        "arguments_id": prf_counts(counts.args_id),
        "arguments": prf_counts(counts.args),
        "arguments_coref": prf_counts(counts.args_coref) if has_coref else None,
        "arguments_end_to_end": prf_counts(counts.args + counts.args_e2e),
        "by_role": {r: prf_counts(c) for r, c in counts.by_role.items()},
    }
    out["headline"] = {
        "trigger_id_f1": out["triggers_id"]["f1"],
        "trigger_class_f1": out["triggers_class"]["f1"],
        "arg_f1": out["arguments"]["f1"],
        "arg_coref_f1": out["arguments_coref"]["f1"] if has_coref else None,
        "arg_end_to_end_f1": out["arguments_end_to_end"]["f1"],
    }
    out["gate"] = "trigger_class_f1"
    out["misses"] = first(counts.trigger_misses, MISSED_TRIGGERS) + first(counts.argument_misses, MISSED_ARGUMENTS)
    return out


def run(path: Path, limit: int | None = None, processes: int = 1) -> dict[str, Any]:
    """Read the gold file, run the pipeline on each article, score."""
    from dateline.records import Report

    docs = read(path)[:limit]
    extractions = extract_all([Report(id=d.id, text=d.text) for d in docs], processes)
    return score(docs, extractions)
