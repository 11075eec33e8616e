"""Who said what: direct quotations (in quotation marks) and indirect speech, with their speakers.

Direct quotes are found from the quotation marks in the text (one pass over the characters), then attached to
a reporting verb in the same sentence, the sentence before ('X said:'), or the previous quote of the same run
('"A," he said. "B."'). Indirect speech is read from the parse: the clause governed by a reporting verb
('X said that ...', 'according to X, ...'). Speakers are mapped onto the entities of the report so that a
pronoun or a surname comes back as the full name, with title and affiliation.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from dateline import DatelineError
from dateline.entities import GOVERNMENT_WORDS, GROUP_WORDS, TITLE_WORDS
from dateline.records import Entity, Quote

IRREGULAR = {
    "say": "says said saying",
    "tell": "tells told telling",
    "write": "writes wrote written writing",
    "speak": "speaks spoke spoken speaking",
    "tweet": "tweets tweeted tweeting",
}
REGULAR = (
    "add state announce declare warn claim deny insist argue ask urge yell shout scream cry explain note "
    "acknowledge admit suggest estimate predict promise vow threaten pledge describe confirm report allege accuse "
    "blame condemn criticize criticise praise post testify recall respond reply concede assert maintain contend "
    "charge emphasize emphasise stress observe remark quip joke boast complain lament demand implore call caution "
    "reiterate inform mention repeat disclose reveal comment chant"
)
DOUBLED = {"admit": "admitted admitting", "regret": "regretted regretting", "quip": "quipped quipping"}
ALWAYS_CUE = {"according"}  # 'according to X'
STATEMENT_NOUNS = ("statement", "interview", "post", "tweet", "speech", "briefing", "message", "video", "letter")
CLAUSE_VERBS = frozenset(
    {
        "accuse",
        "accused",
        "accuses",
        "accusing",
        "warn",
        "warned",
        "warns",
        "urge",
        "urged",
        "urges",
        "blame",
        "blamed",
        "blames",
        "promise",
        "promised",
        "vowed",
        "vow",
        "vows",
        "threaten",
        "threatened",
        "threatens",
        "pledged",
        "pledge",
        "demanded",
        "demand",
        "implored",
        "asked",
        "denied",
        "denies",
        "deny",
        "condemned",
        "criticized",
        "criticised",
        "praised",
    }
)
PERSON_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person"}
GROUP_PRONOUNS = {"they", "it", "we"}
OPENERS = {"“": "”", '"': '"', "«": "»", "''": "''"}
QUOTE_CHARS = re.compile(r"''|[“”\"«»‘’\n]")  # '' is the typewriter double quote of some archives


@lru_cache(maxsize=1)
def reporting_words() -> frozenset[str]:
    """Every inflected form of the reporting verbs (the pipeline runs without a lemmatizer)."""
    words: set[str] = set(ALWAYS_CUE)
    for lemma, forms in IRREGULAR.items():
        words.add(lemma)
        words.update(forms.split())
    for lemma in REGULAR.split():
        words.update(_inflect(lemma))
    for lemma, forms in DOUBLED.items():
        words.update([lemma, lemma + "s", *forms.split()])
    return frozenset(words)


def _inflect(lemma: str) -> list[str]:
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


@dataclass
class _Speaker:
    name: str | None
    title: str | None = None
    affiliation: str | None = None
    kind: str | None = None


class _Mentions:
    """Entity mentions by character offset, for turning a speaker's words into an entity."""

    def __init__(self, entities: list[Entity]) -> None:
        rows = sorted((m.start, m.end, e) for e in entities for m in e.mentions)
        self.rows = rows
        self.starts = [r[0] for r in rows]

    def within(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.rows) and self.rows[i][0] < end:
            if self.rows[i][1] <= end:
                out.append(self.rows[i])
            i += 1
        lo = bisect.bisect_right(self.starts, start) - 1
        if lo >= 0 and self.rows[lo][0] < start < self.rows[lo][1]:
            out.insert(0, self.rows[lo])
        return out

    def before(self, pos: int, lo: int, kinds: set[str]) -> list[tuple[int, int, Entity]]:
        """Mentions of the given kinds ending before pos and after lo, nearest first."""
        i = bisect.bisect_left(self.starts, pos)
        out = []
        while i > 0:
            i -= 1
            start, end, ent = self.rows[i]
            if start < lo:
                break
            if end <= pos and ent.kind in kinds:
                out.append(self.rows[i])
        return out


def _text(doc: Doc) -> str:
    """doc.text rebuilds the string on every access: keep one copy per Doc."""
    if "dateline_text" not in doc.user_data:
        doc.user_data["dateline_text"] = doc.text
    return doc.user_data["dateline_text"]


def find_quotes(doc: Doc, entities: list[Entity]) -> list[Quote]:
    """Direct and indirect quotes in text order, each with speaker, cue and content offsets."""
    if not isinstance(doc, Doc):
        raise DatelineError("find_quotes needs a spaCy Doc")
    mentions = _Mentions(entities or [])
    spans = quote_spans(_text(doc))
    inside = _Inside(spans)
    direct = _direct(doc, spans, inside, mentions)
    indirect = _indirect(doc, inside, mentions, direct)
    return sorted(direct + indirect, key=lambda q: (q.start, q.end))


# ---------------------------------------------------------------- quotation marks


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Content offsets of every top-level quotation; an unclosed quote ends with its paragraph."""
    out: list[tuple[int, int]] = []
    state = _QuoteState()
    for m in QUOTE_CHARS.finditer(text):
        ch, pos = m.group(), m.start()
        if ch == "\n":
            state.close(out, pos)
            state.single = None
        elif state.opened is None:
            state.outside(text, ch, pos, out)
        elif ch in ("“", "«") and state.closer == '"':
            state.depth += 1  # curly quotes nested in a straight-quoted passage
        elif ch in ("”", "»") and state.depth:
            state.depth -= 1
        elif ch == state.closer or (ch == "”" and state.closer == '"'):
            state.close(out, pos)
    state.close(out, len(text))
    return [s for s in (_strip(text, a, b) for a, b in out) if s[1] - s[0] >= 2 and text[s[0] : s[1]].strip("'")]


class _QuoteState:
    """Where the open quotation started, what closes it, and how deep nested quotes go."""

    def __init__(self) -> None:
        self.opened: int | None = None
        self.closer = ""
        self.depth = 0
        self.single: int | None = None

    def close(self, out: list[tuple[int, int]], pos: int) -> None:
        if self.opened is not None:
            out.append((self.opened, pos))
        self.opened, self.depth = None, 0

    def outside(self, text: str, ch: str, pos: int, out: list[tuple[int, int]]) -> None:
        at_word_start = pos == 0 or text[pos - 1].isspace()
        if ch in OPENERS or (ch == "”" and at_word_start and pos + 1 < len(text) and text[pos + 1].isalnum()):
            self.opened, self.closer = pos + len(ch), OPENERS.get(ch, "”")
            self.single = None
        elif ch == "‘" and (pos == 0 or not text[pos - 1].isalnum()):
            self.single = pos + 1
        elif ch == "’" and self.single is not None and (pos + 1 >= len(text) or not text[pos + 1].isalpha()):
            out.append((self.single, pos))
            self.single = None


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class _Inside:
    """Is a character offset inside quoted content? (binary search over the sorted quote spans)"""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def __call__(self, pos: int) -> bool:
        return self.span_at(pos) is not None

    def span_at(self, pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.spans[i] if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1] else None


# ---------------------------------------------------------------- direct quotes


def _direct(doc: Doc, spans: list[tuple[int, int]], inside: _Inside, mentions: _Mentions) -> list[Quote]:
    quotes: list[Quote] = []
    last: tuple[int, _Speaker, str] | None = None  # end offset, speaker, cue of the previous attributed quote
    for start, end in spans:
        cue = _cue_near(doc, start, end, inside)
        speaker: _Speaker | None = None
        cue_text = None
        if cue is not None:
            speaker = _speaker_of(doc, cue, mentions, inside)
            cue_text = _cue_text(doc, cue)
        elif (signed := _signature(doc, end, mentions)) is not None:
            speaker = signed
        elif last is not None and _same_run(_text(doc), last[0], start):
            speaker, cue_text = last[1], last[2]
        if speaker is None and len(_text(doc)[start:end].split()) <= 3:
            continue  # a scare quote or a title, not speech
        speaker = speaker or _Speaker(None)
        quotes.append(_quote(_text(doc), start, end, True, speaker, cue_text))
        if speaker.name:
            last = (end, speaker, cue_text or "")
    return quotes


def _signature(doc: Doc, end: int, mentions: _Mentions) -> _Speaker | None:
    """'"...," – Jane Doe, Tulsa': a quote signed by a name right after it (vox pops, epigraphs)."""
    text = _text(doc)
    m = re.match(r"[”\"'»]*[\s,]*[-–—―]*\s*", text[end : end + 12])
    pos = end + (m.end() if m else 0)
    found = [r for r in mentions.within(pos, pos + 60) if r[0] == pos and r[2].kind == "person"]
    if not found:
        return None
    ent = found[0][2]
    return _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)


def _same_run(text: str, prev_end: int, start: int) -> bool:
    """A quote continues the previous speaker's words if little narration stands between them."""
    gap = text[prev_end:start]
    return len(gap) < 400 and gap.count("\n\n") <= 1 and len(re.findall(r"[.!?] ", gap)) <= 2


def _cue_near(doc: Doc, start: int, end: int, inside: _Inside) -> Token | None:
    """The reporting verb that introduces this quote: same sentence(s), else a 'X said:' just before."""
    first = doc.char_span(start, end, alignment_mode="expand")
    if first is None:
        return None
    lo, hi = _paragraph(_text(doc), start, end)
    sents = {first[0].sent.start: first[0].sent, first[-1].sent.start: first[-1].sent}
    after = first[-1].i + 1
    while after < len(doc) and (doc[after].is_punct or doc[after].is_space) and doc[after].idx < hi:
        after += 1
    if after < len(doc) and doc[after].idx < hi and doc[after].idx - end <= 4:
        sents.setdefault(doc[after].sent.start, doc[after].sent)
    cands = [t for s in sents.values() for t in s if lo <= t.idx < hi and _is_cue(t) and not inside(t.idx)]
    direct_link = [
        t for t in cands if any(start <= c.idx < end for c in t.children if c.dep_ in ("ccomp", "parataxis"))
    ]
    if direct_link:
        return direct_link[0]
    if cands:
        return min(cands, key=lambda t: min(abs(t.idx - start), abs(t.idx - end)))
    before = _text(doc)[max(0, start - 6) : start].rstrip("“\"«' \n")
    if before.endswith(":"):
        prev_sent = doc[first[0].sent.start - 1].sent if first[0].sent.start > 0 else None
        for sent in (first[0].sent, prev_sent):
            found = [t for t in sent or [] if t.idx < start and _is_cue(t) and not inside(t.idx)] if sent else []
            if found:
                return found[-1]
    return None


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def _is_cue(tok: Token) -> bool:
    low = tok.lower_
    if low not in reporting_words():
        return False
    if low == "according":
        return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to"
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _cue_text(doc: Doc, cue: Token) -> str:
    """'said', 'said in a statement', 'according to', 'told reporters'."""
    if cue.lower_ == "according":
        return "according to"
    end = cue.i + 1
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ == "in" and prep.i > cue.i:
            pobj = [c for c in prep.children if c.dep_ == "pobj" and c.lower_ in STATEMENT_NOUNS]
            if pobj and pobj[0].i - cue.i <= 4:
                end = pobj[0].i + 1
    for child in cue.children:
        if child.dep_ == "dative" or (child.dep_ == "dobj" and child.lower_ in ("reporters", "journalists")):
            end = max(end, child.i + 1)
    return doc[cue.i : end].text


# ---------------------------------------------------------------- speakers


def _speaker_of(doc: Doc, cue: Token, mentions: _Mentions, inside: _Inside) -> _Speaker | None:
    subj = _subject(cue)
    if subj is None:
        return None
    if subj.lower_ in PERSON_PRONOUNS or subj.lower_ in GROUP_PRONOUNS:
        return _resolve_pronoun(doc, subj, mentions, inside)
    return _speaker_from_np(doc, subj, mentions)


def _subject(cue: Token) -> Token | None:
    if cue.lower_ == "according":
        return _according_source(cue)
    verb: Token | None = cue
    for _ in range(4):  # 'saying ...' / 'and said ...': climb to the verb that has the subject
        if verb is None:
            return None
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj and subj[0].lower_ in ("who", "which", "that"):
            return verb.head if verb.dep_ == "relcl" else _noun_before(subj[0])
        if subj:
            return subj[0]
        if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") and verb.head is not verb:
            verb = verb.head
        else:
            return None
    return None


def _noun_before(tok: Token) -> Token | None:
    """Antecedent of a relative pronoun the parser did not attach: the nearest noun to its left."""
    for i in range(tok.i - 1, max(tok.i - 8, -1), -1):
        if tok.doc[i].pos_ in ("NOUN", "PROPN"):
            return tok.doc[i]
    return None


def _according_source(cue: Token) -> Token | None:
    """'according to X'; for 'according to a statement (by X)' the author of the statement."""
    doc = cue.doc
    to = doc[cue.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    obj = objs[0] if objs else (doc[cue.i + 2] if cue.i + 2 < len(doc) else None)
    if obj is None or obj.lower_ not in STATEMENT_NOUNS:
        return obj
    for tok in obj.subtree:
        if tok.dep_ in ("pobj", "agent") and tok.head.lower_ in ("by", "from", "of") and tok.i > obj.i:
            return tok
    root = cue.sent.root
    subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    return subj[0] if subj and subj[0].i < cue.i else obj


def _speaker_from_np(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker:
    """The speaker's noun phrase, mapped onto an entity when one of its mentions is the phrase's name."""
    left = head.left_edge.i
    right = head.i + 1
    for child in head.rights:  # keep 'for the ministry', drop relative clauses and appositions
        if child.dep_ == "punct" and child.i == right:
            continue
        title_appos = child.dep_ == "appos" and head.lower_ in TITLE_WORDS
        if title_appos or (child.dep_ in ("prep", "compound", "nummod") and child.i == right):
            right = child.right_edge.i + 1
        else:
            break
    while left < head.i and doc[left].is_punct:
        left += 1
    span = doc[left:right]
    found = mentions.within(span.start_char, span.end_char)
    best = _best_mention(found, head) if found else None
    if best is not None:
        ent = best[2]
        title = _title_in(doc, span, best[0]) or (ent.titles[0] if ent.titles else None)
        return _Speaker(ent.name, title, ent.affiliation, ent.kind)
    words = [t for t in span if not (t.i == span.start and t.dep_ == "det" and t.lower_ == "the")]
    text = doc[words[0].i : span.end].text if words else span.text
    return _Speaker(text, kind="unknown")


def _best_mention(found: list[tuple[int, int, Entity]], head: Token) -> tuple[int, int, Entity] | None:
    """Prefer the mention holding the phrase's head word, then people, then the last name in the phrase."""
    for row in found:
        if row[0] <= head.idx < row[1]:
            return row
    if head.lower_ in GROUP_WORDS | GOVERNMENT_WORDS:  # 'the X militia said', 'the X group said'
        named = [r for r in found if r[1] <= head.idx and head.idx - r[1] <= 2]
        if named:
            return named[-1]
    people = [r for r in found if r[2].kind == "person"]
    if people and head.lower_ in TITLE_WORDS:
        return people[-1]
    return None


def _title_in(doc: Doc, span: Span, name_start: int) -> str | None:
    """Words before the name inside the speaker phrase: 'Iraq's military spokesman'."""
    before = [t for t in span if t.idx + len(t) <= name_start and t.dep_ != "det" and t.tag_ != "PRP$"]
    if not before or not any(t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in TITLE_WORDS for t in before):
        return None
    text = _text(doc)[before[0].idx : name_start].strip(" ,")
    return text or None


def _resolve_pronoun(doc: Doc, pron: Token, mentions: _Mentions, inside: _Inside) -> _Speaker:
    """'he'/'she' -> the latest person named outside quotes; 'they'/'it' -> the latest group or body."""
    low = pron.lower_
    if low == "they":
        plural = [t for t in pron.sent if t.i < pron.i and t.tag_ in ("NNS", "NNPS") and t.dep_ == "nsubj"]
        if plural:
            return _speaker_from_np(doc, plural[-1], mentions)
    kinds = {"person"} if low in PERSON_PRONOUNS else {"group", "organization", "government", "military", "state"}
    lo = max(0, pron.idx - 1500)
    found = [r for r in mentions.before(pron.idx, lo, kinds) if not inside(r[0])]
    subjects = [r for r in found[:6] if _is_subject_at(doc, r[0])]
    pick = subjects[0] if subjects else (found[0] if found else None)
    if pick is None:
        return _recent_named_speaker(doc, pron, mentions) or _Speaker(pron.text, kind="unknown")
    ent = pick[2]
    return _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)


def _recent_named_speaker(doc: Doc, pron: Token, mentions: _Mentions) -> _Speaker | None:
    """Fallback for a pronoun: the named subject of the latest reporting verb before it ('Smith said ...')."""
    for i in range(pron.i - 1, max(pron.i - 200, -1), -1):
        tok = doc[i]
        if not _is_cue(tok):
            continue
        subj = _subject(tok)
        if subj is not None and subj.pos_ == "PROPN":
            return _speaker_from_np(doc, subj, mentions)
    return None


def _is_subject_at(doc: Doc, char: int) -> bool:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    tok = span[0]
    while tok.dep_ in ("compound", "flat", "appos") and tok.head is not tok:
        tok = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass")


def _quote(text: str, start: int, end: int, direct: bool, sp: _Speaker, cue: str | None) -> Quote:
    return Quote(
        speaker=sp.name,
        speaker_title=sp.title,
        speaker_affiliation=sp.affiliation,
        text=text[start:end],
        direct=direct,
        start=start,
        end=end,
        cue=cue,
    )


# ---------------------------------------------------------------- indirect speech


def _indirect(doc: Doc, inside: _Inside, mentions: _Mentions, direct: list[Quote]) -> list[Quote]:
    taken = [(q.start, q.end) for q in direct]
    out: list[Quote] = []
    for tok in doc:
        if not _is_cue(tok) or inside(tok.idx):
            continue
        content = _reported_clause(doc, tok)
        if content is None:
            continue
        start, end = _strip_clause(doc, *content)
        lo, hi = _paragraph(_text(doc), tok.idx, tok.idx)
        start, end = max(start, lo), min(end, hi)
        start, end = _whole_quotes(doc, inside, start, end)
        if end - start < 12 or _covered(taken, start, end):
            continue
        speaker = _speaker_of(doc, tok, mentions, inside)
        if speaker is None or not speaker.name:
            continue
        out.append(_quote(_text(doc), start, end, False, speaker, _cue_text(doc, tok)))
        taken.append((start, end))
    return out


def _reported_clause(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """Token range of what was reported: the complement clause, or the clause the cue is attached to."""
    if cue.lower_ == "according":
        return _according_clause(doc, cue)
    comps = [c for c in cue.children if c.dep_ == "ccomp" and c.i > cue.i]
    if comps:
        return comps[0].left_edge.i, comps[0].right_edge.i + 1
    stated = _statement_clause(cue)
    if stated is not None:
        return stated.left_edge.i, stated.right_edge.i + 1
    front = [c for c in cue.children if c.dep_ == "ccomp" and c.i < cue.i]
    if front:
        return front[0].left_edge.i, front[0].right_edge.i + 1
    before = cue.left_edge.i - 1
    comma = before >= 0 and doc[before].text == ","
    if cue.dep_ in ("parataxis", "ccomp") and cue.head.i < cue.i and cue.head.pos_ in ("VERB", "AUX") and comma:
        head = cue.head
        return head.sent.start, cue.left_edge.i
    if cue.lower_ in CLAUSE_VERBS:
        rights = [c for c in cue.rights if c.dep_ in ("dobj", "prep", "xcomp", "dative", "ccomp")]
        clausal = [c for c in rights if c.dep_ in ("xcomp", "ccomp") or c.lower_ in ("of", "about", "against")]
        if clausal:
            return rights[0].left_edge.i, min(cue.right_edge.i + 1, cue.sent.end)
    return None


def _statement_clause(cue: Token) -> Token | None:
    """'said in a statement that ...': the parser often hangs the clause on the noun 'statement'."""
    for prep in cue.children:
        if prep.dep_ != "prep" or prep.i < cue.i:
            continue
        for noun in prep.children:
            if noun.dep_ == "pobj" and noun.lower_ in STATEMENT_NOUNS:
                for clause in noun.children:
                    if clause.dep_ in ("acl", "ccomp", "relcl") and any(
                        m.lower_ == "that" and m.dep_ == "mark" for m in clause.children
                    ):
                        return clause
    return None


def _according_clause(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """'According to X, CLAUSE' or 'CLAUSE, according to X': the sentence without the attribution."""
    sent = cue.sent
    prep_end = cue.right_edge.i + 1
    to = doc[cue.i + 1]
    prep_end = max(prep_end, to.right_edge.i + 1)
    if cue.i - sent.start <= 1:
        return prep_end, sent.end
    return sent.start, cue.i


def _strip_clause(doc: Doc, i: int, j: int) -> tuple[int, int]:
    while i < j and (doc[i].is_punct or doc[i].is_space or doc[i].lower_ == "that" and doc[i].dep_ == "mark"):
        i += 1
    while j > i and (doc[j - 1].is_punct or doc[j - 1].is_space):
        j -= 1
    if i >= j:
        return 0, 0
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1])


def _whole_quotes(doc: Doc, inside: _Inside, start: int, end: int) -> tuple[int, int]:
    """A clause never cuts a quotation in two: widen it to the quotation marks."""
    text = _text(doc)
    first, last = inside.span_at(start), inside.span_at(max(start, end - 1))
    if first is not None and first[0] < start:
        start = max(0, first[0] - 1)
    if last is not None:
        end = min(len(text), last[1] + 1)
    return start, end


def _covered(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Half or more of this clause is already a quote (partial quotes inside a clause do not count)."""
    overlap = sum(max(0, min(e, end) - max(s, start)) for s, e in taken)
    return overlap * 2 >= end - start
