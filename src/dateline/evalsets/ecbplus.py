"""ECB+ (CROMER/CAT XML): does the store's merge group event mentions the way annotators grouped them?

ECB+ annotates, per topic, news texts about two different real-world events of the same kind (sub-topics
``ecb`` and ``ecbplus``), their event mentions (``ACTION_*`` and ``NEG_ACTION_*`` markables) and the
coreference chains that link mentions of one event within and across documents. That is the question the
store's merge answers, so this adapter measures the merge, not extraction alone:

- Text: each document's tokens, one line per sentence, joined with spaces except before closing punctuation
  and clitics ("," "." "'s" "n't" ...) and after opening brackets; the PTB quotes `` and '' become ``"``.
  Every token keeps its character offsets. ECB+ gives no publication date, so ``published`` stays None.
- Found mentions: each mention of an extracted event (``Event.mentions``, else its trigger) is mapped to
  the gold event mention whose tokens it overlaps, one-to-one per document (most shared tokens first, then
  earlier mention, then earlier word). Gold mentions no word maps to are not found (``mention_recall``);
  events none of whose words maps to one are counted as ``unmatched_events``.
- Merge: all documents of a topic go into one fresh store (its default embedding setting) and each found
  mention takes the merged event its report event joined; the mentions one report event is told by are linked
  by the extraction's own merging of mentions.
- Scores: B-cubed, MUC and CEAF-e (entity-based, phi4 similarity, optimal alignment) and CoNLL F1 (their
  mean), computed over the found mentions only (the standard measures assume gold mentions; here they are
  the gold mentions dateline found), with gold chains and merged events restricted to them. Singletons
  count. ``cross`` puts all mentions of a topic in one space (cross-document coreference, the standard
  ECB+ setting; figures are pooled over topics); ``within`` splits every cluster by document. The merge
  never links two events of one report directly, only through events of other reports: within-document
  links come from the mentions of one report event, and that way.
- Baseline: on the same found mentions, one cluster per topic and trigger lemma (spaCy's lemma of the
  trigger word when ``run`` provides lemmas, else the lower-cased word), the usual same-lemma baseline.
"""

from __future__ import annotations

import bisect
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline import DatelineError
from dateline.evalsets.common import event_mentions, extract_all, first, overlap
from dateline.evaluate import _rounded, greedy

if TYPE_CHECKING:
    from dateline.records import Event, Extraction, Report

KIND = "ecbplus"
_EVENT_TAG = re.compile(r"(NEG_)?ACTION_[A-Z]+$")
_FILE_NAME = re.compile(r"(\d+)_(\d+)(ecb|ecbplus)\.xml$")
_NO_SPACE_BEFORE = frozenset(",.:;?!)]}%") | {"''", "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "``"})
_QUOTES = {"``": '"', "''": '"'}
MISSES_PER_KIND = 10


@dataclass(frozen=True)
class Mention:
    """One gold event mention: its tokens (positions in the document), text and coreference chain."""

    id: str
    tag: str
    tokens: frozenset[int]
    text: str
    chain: str  # scoped to the topic: "<topic>/<instance id>", or a document-local id for intra-doc chains


@dataclass(frozen=True)
class EcbDoc:
    """One ECB+ document: the text built from its tokens, each token's offsets, and its event mentions."""

    id: str
    topic: str
    subtopic: str
    text: str
    spans: tuple[tuple[int, int], ...]
    mentions: tuple[Mention, ...]
    path: str

    def positions(self, start: int, end: int) -> frozenset[int]:
        """Tokens that a character span overlaps."""
        starts = [s for s, _ in self.spans]
        i = max(0, bisect.bisect_right(starts, start) - 1)
        out = set()
        while i < len(self.spans) and self.spans[i][0] < end:
            if overlap(self.spans[i], (start, end)):
                out.add(i)
            i += 1
        return frozenset(out)


# ---- reading ------------------------------------------------------------------------------------------------------


def read(path: Path) -> list[EcbDoc]:
    """Every ``TOPIC_Necb.xml`` / ``TOPIC_Necbplus.xml`` under a folder (or one such file), in topic order."""
    path = Path(path)
    if not path.exists():
        raise DatelineError(f"no such ECB+ file or folder: {path}")
    files = [path] if path.is_file() else [p for p in path.rglob("*.xml") if _FILE_NAME.search(p.name)]
    if not files:
        raise DatelineError(f"{path} holds no ECB+ files (TOPIC_Necb.xml or TOPIC_Necbplus.xml)")
    return [read_doc(p) for p in sorted(files, key=_order)]


def _order(path: Path) -> tuple:
    """Topic, document number, then ecb before ecbplus: a limited run keeps both sub-topics of a topic."""
    found = _FILE_NAME.search(path.name)
    return (int(found[1]), int(found[2]), found[3]) if found else (0, 0, path.name)


def read_doc(path: Path) -> EcbDoc:
    """One CROMER/CAT document; any problem becomes a one-line DatelineError naming the file."""
    found = _FILE_NAME.search(path.name)
    if not found:
        raise DatelineError(f"{path}: name must look like TOPIC_Necb.xml or TOPIC_Necbplus.xml")
    try:
        root = ET.parse(path).getroot()
    except OSError as err:
        raise DatelineError(f"cannot read {path}: {err.strerror}") from err
    except ET.ParseError as err:
        raise DatelineError(f"{path} is not well-formed XML: {err}") from err
    if root.tag != "Document":
        raise DatelineError(f"{path} is not a CAT document (root element <{root.tag}>)")
    doc_id, topic = path.name[: -len(".xml")], found[1]
    text, spans, index = _text(root, path)
    chains = _chains(root, path, doc_id)
    mentions = tuple(_mentions(root, path, text, spans, index, chains, topic))
    return EcbDoc(doc_id, topic, topic + found[3], text, spans, mentions, str(path))


def _int_attr(elem: ET.Element, name: str, path: Path) -> int:
    try:
        return int(elem.get(name, ""))
    except ValueError:
        raise DatelineError(f"{path}: <{elem.tag}> has no numeric {name} ({elem.get(name)!r})") from None


def _text(root: ET.Element, path: Path) -> tuple[str, tuple[tuple[int, int], ...], dict[int, int]]:
    """The document text, each token's [start, end) offsets, and t_id -> token position."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    index: dict[int, int] = {}
    length, sentence, previous = 0, None, None
    for token in root.iter("token"):
        t_id, number = _int_attr(token, "t_id", path), _int_attr(token, "sentence", path)
        word = (token.text or "").strip()
        gap = _gap(previous, word, number != sentence)
        spelled = _QUOTES.get(word, word)
        parts += [gap, spelled]
        start = length + len(gap)
        spans.append((start, start + len(spelled)))
        index[t_id] = len(spans) - 1
        length, sentence, previous = start + len(spelled), number, word
    if not spans:
        raise DatelineError(f"{path} has no <token> elements")
    return "".join(parts), tuple(spans), index


def _gap(previous: str | None, word: str, new_sentence: bool) -> str:
    if previous is None:
        return ""
    if new_sentence:
        return "\n"
    return "" if word in _NO_SPACE_BEFORE or previous in _NO_SPACE_AFTER else " "


def _chains(root: ET.Element, path: Path, doc_id: str) -> dict[str, str]:
    """m_id -> chain id: the instance id of a cross-document chain, a document-local id of an intra-document one."""
    chains: dict[str, str] = {}
    for relation in root.iterfind("Relations/*"):
        if relation.tag not in ("CROSS_DOC_COREF", "INTRA_DOC_COREF"):
            continue
        r_id = relation.get("r_id") or ""
        note = relation.get("note") if relation.tag == "CROSS_DOC_COREF" else None
        chain = note or f"{doc_id}:r{r_id}"
        for source in relation.iter("source"):
            m_id = source.get("m_id")
            if not m_id:
                raise DatelineError(f"{path}: relation r_id={r_id} has a <source> without m_id")
            chains[m_id] = chain
    return chains


def _mentions(
    root: ET.Element,
    path: Path,
    text: str,
    spans: Sequence[tuple[int, int]],
    index: Mapping[int, int],
    chains: Mapping[str, str],
    topic: str,
) -> Iterator[Mention]:
    """Event markables anchored to tokens; one not in any chain is a chain of its own."""
    doc_id = path.name[: -len(".xml")]
    for markable in root.iterfind("Markables/*"):
        anchors = markable.findall("token_anchor")
        if not _EVENT_TAG.match(markable.tag) or not anchors:
            continue
        m_id = markable.get("m_id") or ""
        tokens = []
        for anchor in anchors:
            t_id = _int_attr(anchor, "t_id", path)
            if t_id not in index:
                raise DatelineError(f"{path}: markable m_id={m_id} points at unknown token t_id={t_id}")
            tokens.append(index[t_id])
        words = " ".join(text[spans[i][0] : spans[i][1]] for i in sorted(tokens))
        chain = chains.get(m_id) or f"{doc_id}:m{m_id}"
        yield Mention(m_id, markable.tag, frozenset(tokens), words, f"{topic}/{chain}")


def report_of(doc: EcbDoc) -> Report:
    """The Report dateline reads: the document text, no publication date (ECB+ gives none)."""
    from dateline.records import Report

    return Report(id=doc.id, text=doc.text, source_path=doc.path)


# ---- mapping extracted events to gold mentions --------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A gold mention that an extracted event maps to."""

    doc: EcbDoc
    mention: Mention
    event: Event
    key: str  # the report event's key in the store (merge.event_key)
    word: str  # the word of the event that the gold mention overlaps


def match(doc: EcbDoc, extraction: Extraction) -> dict[int, tuple[int, str]]:
    """Gold mention -> (event index, the event's word it overlaps): token overlap of the events' words with the
    gold mentions, one-to-one, most shared tokens first."""
    words = [(pi, w) for pi, ev in enumerate(extraction.events) for w in event_mentions(ev)]
    pairs = []
    for k, (_pi, word) in enumerate(words):
        tokens = doc.positions(word.start, word.end)
        for gi, mention in enumerate(doc.mentions):
            shared = len(tokens & mention.tokens)
            if shared:
                pairs.append((float(shared), gi, k))
    return {gi: (words[k][0], words[k][1].text) for gi, k in greedy(pairs).items()}


def _found(docs: Sequence[EcbDoc], extractions: Sequence[Extraction]) -> tuple[list[Found], list[dict], list[dict]]:
    """Found mentions, plus the misses: gold mentions not found and events that matched no gold mention."""
    from dateline.merge import event_key

    found, not_found, unmatched = [], [], []
    for doc, extraction in zip(docs, extractions, strict=True):
        pairs = match(doc, extraction)
        for gi, mention in enumerate(doc.mentions):
            if gi not in pairs:
                not_found.append({"kind": "not found", "doc": doc.id, "gold": mention.text, "predicted": None})
                continue
            event = extraction.events[pairs[gi][0]]
            found.append(Found(doc, mention, event, event_key(doc.id, event.id), pairs[gi][1]))
        used = {pi for pi, _word in pairs.values()}
        unmatched += [
            {"kind": "no gold mention", "doc": doc.id, "gold": None, "predicted": f"{ev.type} {ev.trigger.text!r}"}
            for pi, ev in enumerate(extraction.events)
            if pi not in used
        ]
    return found, not_found, unmatched


# ---- coreference measures -----------------------------------------------------------------------------------------
# ``key`` and ``response`` map each mention to its cluster id; both cover the same mentions.
# Each measure returns (recall, precision).


def bcubed(key: Mapping[Hashable, Hashable], response: Mapping[Hashable, Hashable]) -> tuple[float, float]:
    """B-cubed: per mention, the share of its key cluster that its response cluster holds (recall) and the
    reverse (precision), averaged over mentions."""
    if not key:
        return 0.0, 0.0
    key_size, response_size = Counter(key.values()), Counter(response.values())
    shared = Counter((key[m], response[m]) for m in key)
    pairs = [(key[m], response[m]) for m in key]
    recall = sum(shared[p] / key_size[p[0]] for p in pairs) / len(pairs)
    precision = sum(shared[p] / response_size[p[1]] for p in pairs) / len(pairs)
    return recall, precision


def muc(key: Mapping[Hashable, Hashable], response: Mapping[Hashable, Hashable]) -> tuple[float, float]:
    """MUC: links kept; recall is sum(|K| - parts of K in the response) / sum(|K| - 1), precision the reverse."""
    return _muc_side(key, response), _muc_side(response, key)


def _muc_side(clusters: Mapping[Hashable, Hashable], other: Mapping[Hashable, Hashable]) -> float:
    sizes = Counter(clusters.values())
    parts: dict[Hashable, set] = defaultdict(set)
    for mention, cluster in clusters.items():
        parts[cluster].add(other[mention])
    links = sum(size - 1 for size in sizes.values())
    return sum(sizes[c] - len(parts[c]) for c in sizes) / links if links else 0.0


def ceaf_e(key: Mapping[Hashable, Hashable], response: Mapping[Hashable, Hashable]) -> tuple[float, float]:
    """Entity CEAF: the best one-to-one alignment of key and response clusters by phi4 = 2|K&R| / (|K|+|R|),
    its total over the number of key clusters (recall) and of response clusters (precision)."""
    if not key:
        return 0.0, 0.0
    key_size, response_size = Counter(key.values()), Counter(response.values())
    shared = Counter((key[m], response[m]) for m in key)
    phi = {(k, r): 2 * n / (key_size[k] + response_size[r]) for (k, r), n in shared.items()}
    total = sum(_best_alignment(part) for part in _components(phi))
    return total / len(key_size), total / len(response_size)


def _components(weights: Mapping[tuple, float]) -> Iterator[dict[tuple, float]]:
    """Split the key-response overlap graph into connected parts: alignments never cross them."""
    parent: dict[tuple, tuple] = {}

    def root(node: tuple) -> tuple:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for k, r in weights:
        parent[root(("r", r))] = root(("k", k))
    parts: dict[tuple, dict[tuple, float]] = defaultdict(dict)
    for (k, r), w in weights.items():
        parts[root(("k", k))][(k, r)] = w
    yield from parts.values()


def _best_alignment(weights: Mapping[tuple, float]) -> float:
    """Largest total weight of a one-to-one alignment of rows to columns (Hungarian method on costs -w)."""
    rows = sorted({k for k, _ in weights}, key=repr)
    cols = sorted({r for _, r in weights}, key=repr)
    if len(rows) == 1 or len(cols) == 1:
        return max(weights.values())
    if len(rows) > len(cols):
        return _best_alignment({(r, k): w for (k, r), w in weights.items()})
    matrix = [[-weights.get((k, r), 0.0) for r in cols] for k in rows]
    owner = _hungarian(matrix)
    return sum(-matrix[i][j] for j, i in enumerate(owner) if i is not None)


def _hungarian(cost: list[list[float]]) -> list[int | None]:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns): the row of each column."""
    n_cols = len(cost[0])
    row_pot = [0.0] * len(cost)
    col_pot = [0.0] * (n_cols + 1)  # index n_cols is the virtual start column
    owner: list[int | None] = [None] * (n_cols + 1)
    for row in range(len(cost)):
        owner[n_cols] = row
        _augment(cost, row_pot, col_pot, owner)
    return owner[:n_cols]


def _augment(cost: list[list[float]], row_pot: list[float], col_pot: list[float], owner: list[int | None]) -> None:
    """Grow the matching by the row held by the virtual column, along a shortest path of reduced costs."""
    n_cols = len(cost[0])
    slack = [float("inf")] * n_cols
    came_from = [n_cols] * n_cols
    done = [False] * (n_cols + 1)
    col = n_cols
    while owner[col] is not None:
        done[col] = True
        row = owner[col]
        delta, nxt = float("inf"), n_cols
        for j in range(n_cols):
            if done[j]:
                continue
            reduced = cost[row][j] - row_pot[row] - col_pot[j]
            if reduced < slack[j]:
                slack[j], came_from[j] = reduced, col
            if slack[j] < delta:
                delta, nxt = slack[j], j
        for j in range(n_cols + 1):
            if done[j]:
                row_pot[owner[j]] += delta
                col_pot[j] -= delta
            else:
                slack[j] -= delta
        col = nxt
    while col != n_cols:
        prev = came_from[col]
        owner[col] = owner[prev]
        col = prev


def _f1(recall: float, precision: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def coref_scores(key: Mapping, response: Mapping) -> dict[str, float | None]:
    """MUC, B-cubed and CEAF-e precision, recall and F1, and CoNLL F1 (the mean of the three F1s), flat."""
    if not key:
        return {"conll_f1": None}
    out: dict[str, float | None] = {}
    f1s = []
    for name, measure in (("muc", muc), ("bcubed", bcubed), ("ceafe", ceaf_e)):
        recall, precision = measure(key, response)
        f1s.append(_f1(recall, precision))
        out |= {
            f"{name}_precision": _rounded(precision),
            f"{name}_recall": _rounded(recall),
            f"{name}_f1": _rounded(f1s[-1]),
        }
    return {**out, "conll_f1": _rounded(sum(f1s) / 3)}


# ---- the merge as clusters ----------------------------------------------------------------------------------------


def _member(extraction: Extraction, event: Event) -> dict:
    from dateline.merge import event_key
    from dateline.records import iso

    report = extraction.report
    return {
        "key": event_key(report.id, event.id),
        "report_id": report.id,
        "outlet": report.outlet,
        "published": iso(report.published),
        "url": report.url,
        "title": report.title,
        "event": event.model_dump(mode="json"),
    }


def merge_in_memory(docs: Sequence[EcbDoc], extractions: Sequence[Extraction]) -> dict[str, str]:
    """Event key -> merged event id from merge.merge_all per topic (the store's pair test, without embeddings)."""
    from dateline.merge import merge_all

    out: dict[str, str] = {}
    for group in _by_topic(docs, extractions).values():
        members = [_member(x, ev) for x in group for ev in x.events]
        out |= {s["event_key"]: m["id"] for m in merge_all(members) for s in m["sources"]}
    return out


def merge_in_store(docs: Sequence[EcbDoc], extractions: Sequence[Extraction]) -> dict[str, str]:
    """Event key -> merged event id: each topic's extractions ingested into a fresh SQLite store, read back."""
    from dateline.merge import event_key
    from dateline.store import Store

    out: dict[str, str] = {}
    for group in _by_topic(docs, extractions).values():
        with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{Path(tmp) / 'topic.db'}") as store:
            for extraction in group:
                store.add_extraction(extraction)
            for extraction in group:
                stored = store.get_report(extraction.report.id) or {"events": []}
                out |= {event_key(extraction.report.id, ev["id"]): ev["merged_event_id"] for ev in stored["events"]}
    return out


def _by_topic(docs: Sequence[EcbDoc], extractions: Sequence[Extraction]) -> dict[str, list[Extraction]]:
    groups: dict[str, list[Extraction]] = defaultdict(list)
    for doc, extraction in zip(docs, extractions, strict=True):
        groups[doc.topic].append(extraction)
    return groups


# ---- scoring ------------------------------------------------------------------------------------------------------


def trigger_word(item: Found) -> str:
    """The baseline's word for a mention: the last word of the event's word it overlaps, lower-cased."""
    words = item.word.lower().split()
    return words[-1] if words else item.mention.text.lower()


def score(
    docs: Sequence[EcbDoc],
    extractions: Sequence[Extraction],
    merged: Mapping[str, str] | None = None,
    lemmas: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Coreference scores of the merge over the gold mentions dateline found, next to the same-lemma baseline.

    ``merged`` maps report event keys to merged event ids (``merge_in_store``); None merges in memory
    (``merge_in_memory``). ``lemmas`` maps trigger words to lemmas for the baseline; missing words stand for
    themselves.
    """
    if len(docs) != len(extractions):
        raise DatelineError(f"{len(docs)} ECB+ documents but {len(extractions)} extractions")
    merged = merge_in_memory(docs, extractions) if merged is None else merged
    lemmas = lemmas or {}
    found, not_found, unmatched = _found(docs, extractions)
    ids = {(f.doc.id, f.mention.id): f for f in found}
    gold = {i: f.mention.chain for i, f in ids.items()}
    system = {i: merged.get(f.key, f.key) for i, f in ids.items()}
    same_lemma = {i: (f.doc.topic, lemmas.get(trigger_word(f), trigger_word(f))) for i, f in ids.items()}
    total = sum(len(d.mentions) for d in docs)
    summary: dict[str, Any] = {
        "kind": KIND,
        "documents": len(docs),
        "topics": len({d.topic for d in docs}),
        "gold_mentions": total,
        "found_mentions": len(found),
        "mention_recall": _rounded(len(found) / total) if total else None,
        "extracted_events": sum(len(x.events) for x in extractions),
        "unmatched_events": len(unmatched),
        "gold_chains_found": len(set(gold.values())),
        "merged_events_found": len(set(system.values())),
        "found_undated": sum(not f.event.date.start for f in found),
    }
    for suffix, scope in (("cross", _topic_scope), ("within", _doc_scope)):
        key = scope(gold)
        summary[suffix] = coref_scores(key, scope(system))
        summary[f"baseline_{suffix}"] = coref_scores(key, scope(same_lemma))
    wrong, missed = _link_errors(found, system)
    summary["missed_links"] = dict(Counter(m["why"] for m in missed).most_common())
    summary["wrong_links"] = len(wrong)
    summary["headline"] = {
        "mention_recall": summary["mention_recall"],
        "conll_f1_cross": summary["cross"]["conll_f1"],
        "bcubed_f1_cross": summary["cross"].get("bcubed_f1"),
        "conll_f1_within": summary["within"]["conll_f1"],
        "baseline_conll_f1_cross": summary["baseline_cross"]["conll_f1"],
    }
    summary["gate"] = "conll_f1_cross"
    kinds = (_one_per(missed, "chain"), _one_per(wrong, "event"), not_found, unmatched)
    summary["misses"] = [m for kind in kinds for m in first(kind, MISSES_PER_KIND)]
    return summary


def _topic_scope(clusters: Mapping[tuple, Hashable]) -> dict[tuple, Hashable]:
    """Cluster ids as given: every mention of a topic in one space (ids never cross topics)."""
    return dict(clusters)


def _doc_scope(clusters: Mapping[tuple, Hashable]) -> dict[tuple, Hashable]:
    """Every cluster split by document."""
    return {i: (i[0], c) for i, c in clusters.items()}


def _link_errors(found: Sequence[Found], system: Mapping[tuple, str]) -> tuple[list[dict], list[dict]]:
    """Cross-document pairs of found mentions merged though gold tells them apart, and gold pairs not merged."""
    wrong, missed = [], []
    for a, b in _pairs_by_topic(found):
        same_gold = a.mention.chain == b.mention.chain
        same_system = system[(a.doc.id, a.mention.id)] == system[(b.doc.id, b.mention.id)]
        if same_gold == same_system:
            continue
        row = {"doc": a.doc.id, "gold": f"{a.mention.text!r} ~ {b.doc.id} {b.mention.text!r}"}
        if same_system:
            event = system[(a.doc.id, a.mention.id)]
            wrong.append({"kind": "wrong merge", **row, "predicted": "one merged event", "event": event})
        else:
            why = why_apart(a.event, b.event)
            missed.append(
                {"kind": "missed merge", **row, "predicted": "two events", "why": why, "chain": a.mention.chain}
            )
    return wrong, missed


def _one_per(rows: Iterable[dict], field: str) -> Iterator[dict]:
    """The first row of each value of ``field``: misses show many chains and merged events, not one pair each."""
    seen = set()
    for row in rows:
        if row[field] not in seen:
            seen.add(row[field])
            yield row


def _pairs_by_topic(found: Sequence[Found]) -> Iterable[tuple[Found, Found]]:
    by_topic: dict[str, list[Found]] = defaultdict(list)
    for item in found:
        by_topic[item.doc.topic].append(item)
    for items in by_topic.values():
        for i, a in enumerate(items):
            yield from ((a, b) for b in items[i + 1 :] if b.doc.id != a.doc.id)


def why_apart(a: Event, b: Event) -> str:
    """The first hard condition of the merge's pair test that two events fail (dateline.merge.pair_score)."""
    from dateline.merge import SLOP_DAYS, TYPE_FAMILY, both_undated, mention_from_event

    x, y = (mention_from_event("", "", e.model_dump(mode="json")) for e in (a, b))
    if TYPE_FAMILY.get(a.type, a.type) != TYPE_FAMILY.get(b.type, b.type):
        return "type differs"
    if (x.d0 is None or y.d0 is None) and not both_undated(x, y):
        return "undated"
    if x.country != y.country:
        return "country differs"
    if x.d0 is not None and (x.d1 + SLOP_DAYS < y.d0 or y.d1 + SLOP_DAYS < x.d0):
        return "dates apart"
    return "pair score below threshold"


# ---- running the pipeline -----------------------------------------------------------------------------------------


def lemmas_of(words: Iterable[str]) -> dict[str, str]:
    """spaCy's lemma of each trigger word, read alone (lower-cased)."""
    from dateline.nlp import load_nlp

    words = sorted(set(words))
    docs = load_nlp().pipe(words, batch_size=256)
    return {w: (d[0].lemma_.lower() if len(d) else w) for w, d in zip(words, docs, strict=True)}


def run(path: Path, limit: int | None = None, processes: int = 1) -> dict[str, Any]:
    """Read ECB+, extract every document, merge each topic in a fresh store, score. ``limit`` keeps the first N
    documents in topic order (a topic cut short keeps documents of both its sub-topics)."""
    docs = read(path)[:limit] if limit is not None else read(path)
    started = time.perf_counter()
    extractions = extract_all([report_of(d) for d in docs], processes)
    extracted = time.perf_counter()
    merged = merge_in_store(docs, extractions)
    ingested = time.perf_counter()
    words = [trigger_word(f) for f in _found(docs, extractions)[0]]
    summary = score(docs, extractions, merged, lemmas_of(words))
    per_doc = max(1, len(docs))
    summary["extract_ms_per_document"] = round(1000 * (extracted - started) / per_doc)
    summary["ingest_ms_per_document"] = round(1000 * (ingested - extracted) / per_doc)
    return summary
