"""PolNeAR (political news attribution relations in brat standoff) scored against dateline's quotes.

Input: the PolNeAR folder (the one holding ``data/``; its ``data/dev`` compartment is read), a compartment folder
(``text/*.txt`` and ``attributions/*.ann``), or one folder of ``NAME.txt`` + ``NAME.ann`` pairs. An article
annotated by several annotators has one ``NAME_<annotator>.ann`` each; the first in name order is gold.
``metadata.tsv`` (in the folder, its ``data/``, or above the compartment) gives each report its publication date.

Gold: every brat event (``E`` line) with a Content argument is one attribution: Content spans (possibly
discontinuous, ``start end;start end``), its Cue text and its Source text (absent for Attribution-no-source).
An event without Content cannot be matched and is left out; Discuss and Discard spans are no attributions.

Matching rules:

- found: a predicted quote (``quotes[]``) covers at least half of the gold Content characters (shared characters
  over the gold content's length: a relaxed match, as content boundaries are loose); one-to-one, pairs with the
  highest Dice overlap first. Other quotes of the same speaker lying mostly inside that content add their
  characters: PolNeAR makes a quotation broken by its cue ('"A," she said. "B."') one content of two fragments,
  where dateline gives two quotes.
- false alarm: an unmatched prediction, unless at least half of it lies inside a found gold content. PolNeAR
  gives each token one attribution, so the second half of a broken quotation, or a quotation inside reported
  speech, has no gold of its own: such fragments are counted apart (``fragments``), neither hit nor false alarm.
- speaker: on found attributions with a Source, the predicted speaker (plus every name and alias of the entity
  it names) matches the gold Source text by ``evaluate.names_match``. PolNeAR does not link a pronoun Source to
  its antecedent, so "he" (or a possessive: "his" claim) also accepts the nearest earlier named Source in the
  article, and "who" (or which, that) a speaker named in the eight words before it.
- cue kind, from the gold Cue words (recall) or the predicted quote's cue (precision): ``according_to``,
  ``speech`` (a verb of uttering or writing words, ``SPEECH_VERBS``), else ``other`` (thoughts, evidence,
  evaluation and stance: believe, show, find, want, deny, criticize; bare punctuation cues).
- events: an event whose trigger lies inside a gold Content span should carry ``attributed_to`` naming the
  Source; an attributed event outside every Content span is a false alarm.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline import DatelineError
from dateline.evalsets.common import extract_all, first, overlap
from dateline.evaluate import Tally, _rounded, greedy, names_match, prf

if TYPE_CHECKING:
    from dateline.records import Entity, Event, Extraction, Quote

KIND = "polnear"
MIN_COVER = 0.5  # share of the gold content a prediction must cover
CUE_KINDS = ("speech", "according_to", "other")
# Verbs whose meaning is uttering or writing words; any inflection of them makes a cue a speech cue.
SPEECH_VERB_LIST = (
    "say tell add state note write tweet post announce declare ask answer reply respond explain comment remark "
    "mention argue claim insist assert contend report testify recall describe warn urge call quip joke boast "
    "complain acknowledge admit concede confirm stress emphasize reiterate repeat chant shout yell scream speak "
    "talk quote continue put discuss caution statement interview speech"
)
SPEECH_VERBS = frozenset(SPEECH_VERB_LIST.split())
IRREGULAR_FORMS = {"said": "say", "told": "tell", "wrote": "write", "written": "write", "spoke": "speak"}
# Personal pronouns, possessives too: PolNeAR marks the owner of 'his claim', 'her view' as the Source.
PRONOUNS = frozenset(
    {"i", "we", "you", "he", "she", "it", "they", "me", "us", "him", "her", "them", "his", "its", "their", "our", "my"}
)
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
RELATIVE_REACH = 8  # words before a relative pronoun that may name its antecedent
QUOTE_MARKS = frozenset("\"“”‘’'«»")
_WORD = re.compile(r"[a-z]+")
_OFFSETS = re.compile(r"\d+ \d+(?:;\d+ \d+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_IGNORED_LINES = "#ARMN*"  # notes, attributes, relations, normalisations, equivalences: not part of attributions

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Attribution:
    """One gold attribution: what was attributed (Content spans), how (Cue text) and to whom (Source text)."""

    content: Spans
    cue: str | None = None
    source: str | None = None
    source_at: int | None = None  # where the Source starts, to find a pronoun's antecedent

    @property
    def length(self) -> int:
        return sum(end - start for start, end in self.content)


@dataclass
class Doc:
    """One article with its gold attributions in text order."""

    id: str
    text: str
    published: str | None = None
    attributions: list[Attribution] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# Reading


def read(path: Path) -> list[Doc]:
    """The gold articles under a PolNeAR folder, a compartment folder or a folder of .txt + .ann pairs."""
    text_dir, ann_dir = _folders(path)
    texts = sorted(text_dir.glob("*.txt"))
    if not texts:
        raise DatelineError(f"{text_dir} holds no .txt files")
    dates = _publication_dates(_metadata_file(path, text_dir))
    return [_read_doc(txt, _annotation_file(txt, ann_dir), dates.get(txt.stem)) for txt in texts]


def _folders(path: Path) -> tuple[Path, Path]:
    """(text folder, annotation folder): a compartment's text/ and attributions/, or one folder holding both."""
    if not path.is_dir():
        raise DatelineError(f"{path} is not a folder (give the PolNeAR folder or a folder of .txt + .ann files)")
    for compartment in (path, path / "dev", path / "data" / "dev"):
        if (compartment / "text").is_dir() and (compartment / "attributions").is_dir():
            return compartment / "text", compartment / "attributions"
    return path, path


def _metadata_file(path: Path, text_dir: Path) -> Path | None:
    for candidate in (path / "metadata.tsv", path / "data" / "metadata.tsv", text_dir.parent.parent / "metadata.tsv"):
        if candidate.is_file():
            return candidate
    return None


def _publication_dates(path: Path | None) -> dict[str, str]:
    """Article file name -> publication date (YYYY-MM-DD) from metadata.tsv; rows without a date are left out."""
    if path is None:
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        if not {"filename", "publication_date"} <= set(rows.fieldnames or ()):
            raise DatelineError(f"{path}: no filename and publication_date columns")
        dates = {}
        for row in rows:
            if None in row or None in row.values():
                raise DatelineError(f"{path}:{rows.line_num}: expected {len(rows.fieldnames)} tab-separated fields")
            if _DATE.fullmatch(row["publication_date"]):
                dates[row["filename"]] = row["publication_date"]
    return dates


def _annotation_file(txt: Path, ann_dir: Path) -> Path:
    """NAME.ann, or the first NAME_<annotator>.ann of an article several annotators marked up."""
    exact = ann_dir / f"{txt.stem}.ann"
    if exact.is_file():
        return exact
    annotated = sorted(p for p in ann_dir.glob("*.ann") if p.stem.rpartition("_")[0] == txt.stem)
    if not annotated:
        raise DatelineError(f"{txt}: no annotation file {txt.stem}.ann or {txt.stem}_<annotator>.ann in {ann_dir}")
    return annotated[0]


def _read_doc(txt: Path, ann: Path, published: str | None) -> Doc:
    text = _decode(txt)
    return Doc(id=txt.stem, text=text, published=published, attributions=_read_ann(ann, text))


def _decode(path: Path) -> str:
    """The file's text with line ends kept as they are: brat offsets count every character."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise DatelineError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err


def _read_ann(path: Path, text: str) -> list[Attribution]:
    spans: dict[str, tuple[Spans, str]] = {}
    events: list[tuple[int, dict[str, list[str]]]] = []
    for number, line in enumerate(_decode(path).splitlines(), 1):
        if not line.strip() or line[0] in _IGNORED_LINES:
            continue
        if line[0] == "T":
            key, value = _text_bound(line, text, f"{path}:{number}")
            spans[key] = value
        elif line[0] == "E":
            events.append((number, _event_arguments(line, f"{path}:{number}")))
        else:
            raise DatelineError(f"{path}:{number}: expected a T (span) or E (attribution) line")
    attributions = [_attribution(args, spans, f"{path}:{number}") for number, args in events if "Content" in args]
    return sorted(attributions, key=lambda a: a.content)


def _text_bound(line: str, text: str, where: str) -> tuple[str, tuple[Spans, str]]:
    """'T3<TAB>Content 10 20;25 30<TAB>words': id -> (fragments, their text joined by a space)."""
    parts = line.split("\t")
    label, _, offsets = parts[1].partition(" ") if len(parts) == 3 else ("", "", "")
    if not label or not _OFFSETS.fullmatch(offsets):
        raise DatelineError(f"{where}: expected 'ID<TAB>LABEL START END[;START END]<TAB>TEXT'")
    fragments = tuple((int(a), int(b)) for a, b in (pair.split() for pair in offsets.split(";")))
    if any(not 0 <= start <= end <= len(text) for start, end in fragments):
        raise DatelineError(f"{where}: offsets {offsets} fall outside the text ({len(text)} characters)")
    words = " ".join(text[start:end] for start, end in fragments)
    if words != parts[2]:
        raise DatelineError(f"{where}: the text at {offsets} is {words[:40]!r}, not {parts[2][:40]!r}")
    return parts[0], (fragments, words)


def _event_arguments(line: str, where: str) -> dict[str, list[str]]:
    """'E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1' -> {'Content': ['T3'], 'Cue': ['T2'], ...}."""
    parts = line.split("\t")
    items = parts[1].split() if len(parts) == 2 else []
    if not items or any(":" not in item for item in items):
        raise DatelineError(f"{where}: expected 'ID<TAB>TYPE:TRIGGER ROLE:ID ...'")
    args: dict[str, list[str]] = {}
    for item in items[1:]:
        role, _, ref = item.partition(":")
        args.setdefault(role.rstrip("0123456789"), []).append(ref)  # brat numbers repeated roles: Content2
    return args


def _attribution(args: dict[str, list[str]], spans: dict[str, tuple[Spans, str]], where: str) -> Attribution:
    missing = [ref for refs in args.values() for ref in refs if ref not in spans]
    if missing:
        raise DatelineError(f"{where}: the attribution refers to undefined span {missing[0]}")
    content = tuple(sorted(frag for ref in args["Content"] for frag in spans[ref][0]))
    source = args.get("Source", [])
    return Attribution(
        content=content,
        cue=" ".join(spans[ref][1] for ref in args.get("Cue", [])) or None,
        source=" ".join(spans[ref][1] for ref in source) or None,
        source_at=spans[source[0]][0][0][0] if source else None,
    )


# ---------------------------------------------------------------------------------------------------------
# Scoring


def cue_kind(cue: str | None) -> str:
    """'according_to', 'speech' when a word of the cue is a form of a speech verb, else 'other'."""
    words = _WORD.findall((cue or "").lower())
    if "according" in words:
        return "according_to"
    return "speech" if any(_lemmas(w) & SPEECH_VERBS for w in words) else "other"


def _lemmas(word: str) -> set[str]:
    """The words an inflected form may come from: 'noted' -> note, 'saying' -> say, 'cried' -> cry."""
    if word in IRREGULAR_FORMS:
        return {IRREGULAR_FORMS[word]}
    stems = {word, word[:-1], word[:-2], word[:-3], word[:-3] + "e", word[:-3] + "y", word[:-4]}
    return {s for s in stems if s}


@dataclass
class _Counts:
    """Tallies over all articles, keyed by cue kind where a figure is split by it."""

    gold: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)  # predictions that matched gold, by the prediction's cue
    form_gold: Counter = field(default_factory=Counter)
    form_found: Counter = field(default_factory=Counter)
    fragments: int = 0  # unmatched predictions inside a found gold content: neither hit nor false alarm
    speaker: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in CUE_KINDS})
    events: Counter = field(default_factory=Counter)
    event_source: Tally = field(default_factory=Tally)
    misses: list[dict[str, Any]] = field(default_factory=list)


def score(docs: Sequence[Doc], extractions: Sequence[Extraction]) -> dict[str, Any]:
    """Attribution P/R/F1 and speaker accuracy, overall and by cue kind; attributed events (rules: module doc)."""
    if len(docs) != len(extractions):
        raise DatelineError(f"{len(docs)} gold articles but {len(extractions)} extractions")
    counts = _Counts()
    for doc, extraction in zip(docs, extractions, strict=True):
        _score_doc(doc, extraction, counts)
    return _summary(len(docs), counts)


@dataclass
class _Article:
    """One article's gold and predictions, with what speaker matching needs."""

    doc: Doc
    quotes: list[Quote]
    sources: list[list[str]]  # per gold attribution: the names its Source accepts
    aliases: dict[str, list[str]]


def _score_doc(doc: Doc, extraction: Extraction, counts: _Counts) -> None:
    article = _Article(doc, extraction.quotes, _source_names(doc), _alias_table(extraction.entities))
    found = _match(doc.attributions, article.quotes)
    for gi in range(len(doc.attributions)):
        _score_gold(article, gi, found.get(gi), counts)
    matched, found_golds = set(found.values()), [doc.attributions[gi] for gi in found]
    for pi, quote in enumerate(article.quotes):
        if pi not in matched and any(_shared(gold, quote) * 2 >= quote.end - quote.start for gold in found_golds):
            counts.fragments += 1
            continue
        kind = cue_kind(quote.cue)
        counts.predicted[kind] += 1
        if pi in matched:
            counts.correct[kind] += 1
        else:
            counts.misses.append(_row(doc.id, "false alarm", None, _pred_text(quote)))
    _score_events(article, extraction.events, counts)


def _match(golds: Sequence[Attribution], quotes: Sequence[Quote]) -> dict[int, int]:
    """Gold index -> quote index: quotes covering >= MIN_COVER of a gold content (with the same speaker's other
    quotes inside it), one-to-one, best Dice overlap first."""
    pairs = []
    for gi, gold in enumerate(golds):
        inside = [q for q in quotes if _shared(gold, q) * 2 >= q.end - q.start]
        for pi, quote in enumerate(quotes):
            if not gold.length or not _shared(gold, quote):
                continue
            spans = _union([quote, *(q for q in inside if q.speaker and q.speaker == quote.speaker)])
            covered = sum(overlap(fragment, span) for fragment in gold.content for span in spans)
            if covered / gold.length >= MIN_COVER:
                length = sum(end - start for start, end in spans)
                pairs.append((2 * covered / (gold.length + length), gi, pi))
    return greedy(pairs)


def _shared(gold: Attribution, quote: Quote) -> int:
    return sum(overlap(fragment, (quote.start, quote.end)) for fragment in gold.content)


def _union(quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """The quotes' spans with overlapping ones merged, so no character counts twice."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((q.start, q.end) for q in quotes):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _source_names(doc: Doc) -> list[list[str]]:
    """The names each gold Source accepts: its own text; for a personal pronoun also the nearest earlier named
    Source, for a relative pronoun ('Ann Reyes, who said') the words just before it."""
    golds = doc.attributions
    names: list[list[str]] = [[] for _ in golds]
    antecedent = None
    for gi in sorted((i for i, g in enumerate(golds) if g.source), key=lambda i: golds[i].source_at or 0):
        source = golds[gi].source or ""
        if source.lower() in RELATIVE_PRONOUNS:
            names[gi] = [source, " ".join(doc.text[: golds[gi].source_at].split()[-RELATIVE_REACH:])]
        elif source.lower() in PRONOUNS:
            names[gi] = [source, antecedent] if antecedent else [source]
        else:
            names[gi], antecedent = [source], source
    return names


def _alias_table(entities: Sequence[Entity]) -> dict[str, list[str]]:
    """Any name or alias of an entity -> all of that entity's names."""
    table: dict[str, list[str]] = {}
    for entity in entities:
        names = [entity.name, *entity.aliases]
        for name in names:
            table.setdefault(name, []).extend(names)
    return table


def _speaker_names(speakers: Sequence[str | None], aliases: dict[str, list[str]]) -> list[str]:
    return [n for s in speakers if s for n in (s, *aliases.get(s, ()))]


def _score_gold(article: _Article, gi: int, pi: int | None, counts: _Counts) -> None:
    doc, gold = article.doc, article.doc.attributions[gi]
    kind, form = cue_kind(gold.cue), _form(doc.text, gold)
    counts.gold[kind] += 1
    counts.form_gold[form] += 1
    if pi is None:
        near = _nearest(gold, article.quotes)
        counts.misses.append(_row(doc.id, "missed", _gold_text(doc.text, gold), near and _pred_text(near)))
        return
    counts.found[kind] += 1
    counts.form_found[form] += 1
    quote = article.quotes[pi]
    if article.sources[gi]:
        right = names_match(article.sources[gi], _speaker_names([quote.speaker], article.aliases))
        counts.speaker[kind].add(right)
        if not right:
            counts.misses.append(_row(doc.id, "speaker", _gold_text(doc.text, gold), _pred_text(quote)))


def _form(text: str, gold: Attribution) -> str:
    """'direct' when the content opens with a quotation mark, else 'indirect'."""
    start, end = gold.content[0]
    return "direct" if text[start:end].lstrip()[:1] in QUOTE_MARKS else "indirect"


def _nearest(gold: Attribution, quotes: Sequence[Quote]) -> Quote | None:
    """The prediction sharing most characters with a missed gold content (too little, or taken by another)."""
    best = max(quotes, key=lambda q: _shared(gold, q), default=None)
    return best if best is not None and _shared(gold, best) else None


def _score_events(article: _Article, events: Sequence[Event], counts: _Counts) -> None:
    for event in events:
        gi = _containing(article.doc.attributions, event.trigger.start)
        attributed = bool(event.attributed_to)
        if gi is None:
            counts.events["fp"] += attributed
        elif not attributed:
            counts.events["fn"] += 1
        else:
            counts.events["tp"] += 1
            if article.sources[gi]:
                names = _speaker_names(event.attributed_to, article.aliases)
                counts.event_source.add(names_match(article.sources[gi], names))


def _containing(golds: Sequence[Attribution], pos: int) -> int | None:
    return next((gi for gi, g in enumerate(golds) if any(s <= pos < e for s, e in g.content)), None)


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _gold_text(text: str, gold: Attribution) -> dict[str, Any]:
    content = " ".join(text[s:e] for s, e in gold.content)
    return {"source": gold.source, "cue": gold.cue, "content": _snippet(content)}


def _pred_text(quote: Quote) -> dict[str, Any]:
    return {"speaker": quote.speaker, "cue": quote.cue, "content": _snippet(quote.text)}


def _row(doc_id: str, error: str, gold: dict[str, Any] | None, predicted: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": doc_id, "error": error, "gold": gold, "predicted": predicted}


def _ratio(part: int, whole: int) -> float | None:
    return _rounded(part / whole) if whole else None


def _summary(documents: int, c: _Counts) -> dict[str, Any]:
    tp, gold, predicted = sum(c.found.values()), sum(c.gold.values()), sum(c.predicted.values())
    speaker = Tally(sum(t.correct for t in c.speaker.values()), sum(t.total for t in c.speaker.values()))
    out: dict[str, Any] = {
        "kind": KIND,
        "documents": documents,
        "attributions": prf(tp, predicted - tp, gold - tp),
        "fragments": c.fragments,
        "speaker_acc": _rounded(speaker.accuracy),
        "speaker": {"correct": speaker.correct, "total": speaker.total},
        "gold_by_cue": {k: c.gold[k] for k in CUE_KINDS},
        "recall_by_cue": {k: _ratio(c.found[k], c.gold[k]) for k in CUE_KINDS},
        "precision_by_cue": {k: _ratio(c.correct[k], c.predicted[k]) for k in CUE_KINDS},
        "predicted_by_cue": {k: c.predicted[k] for k in CUE_KINDS},
        "speaker_acc_by_cue": {k: _rounded(c.speaker[k].accuracy) for k in CUE_KINDS},
        "recall_by_form": {f: _ratio(c.form_found[f], c.form_gold[f]) for f in ("direct", "indirect")},
        "event_attribution": prf(c.events["tp"], c.events["fp"], c.events["fn"]),
        "event_source_acc": _rounded(c.event_source.accuracy),
        "misses": first(c.misses),
        "gate": "attribution_f1",
    }
    out["headline"] = {
        "attribution_f1": out["attributions"]["f1"],
        "attribution_recall": out["attributions"]["recall"],
        "speaker_acc": out["speaker_acc"],
        "recall_speech": out["recall_by_cue"]["speech"],
        "recall_according_to": out["recall_by_cue"]["according_to"],
        "recall_other_cues": out["recall_by_cue"]["other"],
    }
    return out


def run(path: Path, limit: int | None = None, processes: int = 1) -> dict[str, Any]:
    """Read the gold articles, run the pipeline on them (with their publication dates) and score its quotes."""
    from dateline.records import Report

    docs = read(path)[:limit]
    reports = [Report(id=d.id, text=d.text, published=d.published) for d in docs]
    return score(docs, extract_all(reports, processes))
