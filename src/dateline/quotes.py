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
from dateline.entities import GOVERNMENT_NAME_PARTS, GROUP_NAME_PARTS, HONORIFICS, TITLE_WORDS
from dateline.layout import line_bounds, previous_line_start
from dateline.lexicon import lexicon
from dateline.nlp import doc_text
from dateline.patterns import pattern_set
from dateline.records import Entity, Quote

# Reporting verbs: lemma -> other forms for the irregular and doubling ones, lemmas inflected by rule for the rest.
IRREGULAR: dict[str, list[str]] = lexicon().table("quotes/irregular_speech_verbs")
REGULAR = lexicon().phrases("quotes/regular_speech_verbs")
DOUBLED: dict[str, list[str]] = lexicon().table("quotes/doubled_speech_verbs")
ALWAYS_CUE = lexicon().words("quotes/always_cue")  # 'according to X'
STATEMENT_NOUNS = lexicon().phrases("quotes/statement_nouns")
CLAUSE_VERBS = lexicon().words("quotes/clause_verbs")
PERSON_PRONOUNS = lexicon().words("words/person_pronouns")  # the same list coref.py reads
GROUP_PRONOUNS = lexicon().words("quotes/group_pronouns")
GROUP_KINDS = {"group", "organization", "government", "military"}  # Entity.kind values (the schema's, not words)
# Nouns that, as 'the N said', refer back to a group named earlier rather than naming one themselves.
ANAPHORIC_NOUNS = lexicon().words("quotes/anaphoric_nouns")
WORK_NOUNS = lexicon().words("quotes/work_nouns")
OPENERS: dict[str, str] = lexicon().table("quotes/quote_marks")
ES_VERB_ENDINGS = lexicon().phrases("words/es_verb_endings")  # a tuple, for str.endswith
ES_PLURAL_ENDINGS = lexicon().phrases("words/es_plural_endings")  # a tuple, for str.endswith
PUT_IT_VERBS = lexicon().words("quotes/put_it_verbs")
AUDIENCE_NOUNS = lexicon().words("quotes/audience_nouns")
RELATIVE_SUBJECTS = lexicon().words("quotes/relative_subjects")
SOURCE_PREPS = lexicon().words("quotes/source_preps")
NAMING_WORDS = lexicon().words("quotes/naming_words")
ONE_OF_PRONOUNS = lexicon().words("quotes/one_of_pronouns")
CLAUSE_PREPS = lexicon().words("quotes/clause_preps")
OBJECT_VERBS = lexicon().words("quotes/object_speech_verbs")  # lemmas
TOPIC_PREPS = lexicon().words("quotes/topic_preps")
# Honorifics, title words and given names that tell a person's gender: 'she' is never resolved to a 'Mr.'.
GENDER_WORDS: dict[str, dict[str, list[str]]] = {
    k: v for k, v in lexicon().table("actors/names/gender_words").items() if not k.startswith("#")
}
PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}
# Cues beyond verbs of saying ('wants to', 'called for', 'rejected'): dependency patterns naming a 'content' node.
ATTRIBUTION_CUES = pattern_set("attribution_cues")
QUOTE_CHARS = re.compile(r"''|[“”\"«»‘’\n]")  # '' is the typewriter double quote of some archives


@lru_cache(maxsize=1)
def reporting_words() -> frozenset[str]:
    """Every inflected form of the reporting verbs (the pipeline runs without a lemmatizer)."""
    words: set[str] = set(ALWAYS_CUE)
    for lemma, forms in IRREGULAR.items():
        words.add(lemma)
        words.update(forms)
    for lemma in REGULAR:
        words.update(_inflect(lemma))
    for lemma, forms in DOUBLED.items():
        words.update([lemma, lemma + "s", *forms])
    return frozenset(words)


def _inflect(lemma: str) -> list[str]:
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(ES_VERB_ENDINGS):
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


def find_quotes(doc: Doc, entities: list[Entity]) -> list[Quote]:
    """Direct and indirect quotes in text order, each with speaker, cue and content offsets."""
    if not isinstance(doc, Doc):
        raise DatelineError("find_quotes needs a spaCy Doc")
    mentions = _Mentions(entities or [])
    spans = quote_spans(doc_text(doc))
    inside = _Inside(spans)
    direct = _direct(doc, spans, inside, mentions)
    direct += _colon_lines(doc, inside, mentions, direct)
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
        elif ch == state.closer or (ch == "”" and state.closer == '"') or _straight_closer(text, ch, pos, state):
            state.close(out, pos)
    state.close(out, len(text))
    return [s for s in (_strip(text, a, b) for a, b in out) if s[1] - s[0] >= 2 and text[s[0] : s[1]].strip("'")]


def _straight_closer(text: str, ch: str, pos: int, state: _QuoteState) -> bool:
    """'“Deals must stop," he said': a straight mark closing a curly quote, as pasted text often has."""
    if ch != '"' or state.closer != "”" or state.depth or pos == 0 or text[pos - 1].isspace():
        return False
    return pos + 1 >= len(text) or not text[pos + 1].isalnum()


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
        elif (named := _transcript_speaker(doc, start, mentions)) is not None:
            speaker, cue_text = named, ":"
        elif (signed := _signature(doc, end, mentions)) is not None:
            speaker = signed
        elif last is not None and not _term(doc_text(doc), start, end) and _same_run(doc_text(doc), last[0], start):
            speaker, cue_text = last[1], last[2]
        if (speaker is None and len(doc_text(doc)[start:end].split()) <= 3) or _is_title(doc_text(doc), start, end):
            continue  # a scare quote or a title, not speech
        speaker = speaker or _Speaker(None)
        quotes.append(_quote(doc_text(doc), start, end, True, speaker, cue_text))
        if speaker.name:
            last = (end, speaker, cue_text or "")
    return quotes


TRANSCRIPT_NAME = re.compile(r"([A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+)?):\s+\S")


def _transcript_speaker(doc: Doc, start: int, mentions: _Mentions) -> _Speaker | None:
    """'"SMITH: We will ...': a transcript turn in capitals names its speaker, the person of that surname if the
    report names one."""
    m = TRANSCRIPT_NAME.match(doc_text(doc), start)
    if m is None:
        return None
    word = m.group(1).split()[-1].lower()
    for _, _, ent in mentions.rows:
        if ent.kind == "person" and ent.name.lower().split()[-1:] == [word]:
            return _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)
    return _Speaker(m.group(1).title(), kind="person")


def _colon_lines(doc: Doc, inside: _Inside, mentions: _Mentions, direct: list[Quote]) -> list[Quote]:
    """'Jane Doe: We will not back down': a line opened by a person's name and a colon gives that person's words
    (headlines, transcripts). Other words before a colon ('Update:', 'Syria:') are no speaker."""
    text = doc_text(doc)
    taken = _Taken([(q.start, q.end) for q in direct])
    out = []
    for m in re.finditer(r"(?m)^[^\S\n]*([^\n:]{2,60}?):[^\S\n]+(?=\S)", text):
        start, end = _strip(text, m.end(), line_bounds(text, m.end(), m.end())[1])
        if inside(m.start(1)) or len(text[start:end].split()) < 3 or taken.covers_half(start, end):
            continue
        ents = [r for r in mentions.within(m.start(1), m.end(1)) if r[1] == m.end(1) and r[2].kind == "person"]
        if not ents or len(text[m.start(1) : ents[0][0]].split()) > 3:  # at most a title before the name
            continue
        ent = ents[0][2]
        speaker = _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)
        out.append(_quote(text, start, end, True, speaker, ":"))
    return out


def _is_title(text: str, start: int, end: int) -> bool:
    """'on Fox News's "Fox and Friends"', 'the programme "Meet the Press"': a quotation in title case after a
    possessive or a word for a work names that work; it is not speech (headline quotes are title case too)."""
    words = re.findall(r"[^\W\d_]+", text[start:end])
    content = [w for w in words if len(w) > 3 or w[:1].isupper()]
    if not (2 <= len(words) <= 5 and len(content) >= 2 and all(w[:1].isupper() for w in content)):
        return False
    before = text[max(0, start - 40) : start].rstrip(" “\"‘'«").lower()
    return before.endswith(("'s", "’s", " on")) or bool(before.split()) and before.split()[-1] in WORK_NOUNS


def _signature(doc: Doc, end: int, mentions: _Mentions) -> _Speaker | None:
    """'"...," – Jane Doe, Tulsa': a quote signed by a name right after it (vox pops, epigraphs)."""
    text = doc_text(doc)
    m = re.match(r"[”\"'»]*(?:\s*[-–—―]+|[^\S\n]*,?)[^\S\n]*", text[end : end + 12])  # a dash, or the same line
    pos = end + (m.end() if m else 0)
    found = [r for r in mentions.within(pos, pos + 60) if r[0] == pos and r[2].kind == "person"]
    if not found:
        dashed = m is not None and re.search(r"[-–—―]", m.group())
        name = re.match(r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}(?=\s*(?:[,.\n]|$))", text[pos : pos + 60])
        return _Speaker(name.group(), kind="person") if dashed and name else None
    ent = found[0][2]
    return _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)


def _term(text: str, start: int, end: int) -> bool:
    """'complained about "carried interest"': a word or two quoted inside a sentence is a term, not more speech."""
    before = text[:start].rstrip(" “\"‘'«")
    words = text[start:end]
    if len(words.split()) > 3 or words.rstrip()[-1:] in (".", "!", "?", ",") or not before:
        return False  # 'He paused. "Never," he said.': a short sentence of speech
    return before[-1].isalnum() or before[-1] in ",;"


def _same_run(text: str, prev_end: int, start: int) -> bool:
    """A quote continues the previous speaker's words if little narration stands between them."""
    gap = text[prev_end:start]
    return len(gap) < 400 and gap.count("\n\n") <= 1 and _sentence_ends(gap) <= 2


def _sentence_ends(text: str) -> int:
    """Full stops, question and exclamation marks ending a sentence: not those of 'Mr.', 'Rep.' or 'J.'."""
    ends = 0
    for m in re.finditer(r"(\S*)[.!?] ", text):
        word = m.group(1).lower().lstrip("(“\"'")
        short = (
            len(word) <= 1
            or "." in word
            or (m.group()[-2] == "." and (f"{word}." in HONORIFICS or word in TITLE_WORDS))
        )
        ends += not short
    return ends


def _cue_near(doc: Doc, start: int, end: int, inside: _Inside) -> Token | None:
    """The reporting verb that introduces this quote: same sentence(s), else a 'X said:' just before."""
    first = doc.char_span(start, end, alignment_mode="expand")
    if first is None:
        return None
    lo, hi = line_bounds(doc_text(doc), start, end)
    sents = {first[0].sent.start: first[0].sent, first[-1].sent.start: first[-1].sent}
    after = first[-1].i + 1
    while after < len(doc) and (doc[after].is_punct or doc[after].is_space) and doc[after].idx < hi:
        after += 1
    if after < len(doc) and doc[after].idx < hi and doc[after].idx - end <= 4:
        sents.setdefault(doc[after].sent.start, doc[after].sent)
    cands = [t for s in sents.values() for t in s if lo <= t.idx < hi and _is_cue(t) and not inside(t.idx)]
    direct_link = [t for t in cands if _governs(t, start, end)]
    if direct_link:
        return direct_link[0]
    if doc_text(doc)[start:end].rstrip()[-1:] in ".?!":  # the quote ends its sentence: its cue is not after it
        own = [t for t in cands if t.sent.start == first[0].sent.start and t.idx < start]
        cands = own or cands
    if cands:
        return min(cands, key=lambda t: min(abs(t.idx - start), abs(t.idx - end)))
    before = doc_text(doc)[max(0, start - 6) : start].rstrip("“\"«' \n")
    if before.endswith(":"):
        prev_sent = doc[first[0].sent.start - 1].sent if first[0].sent.start > 0 else None
        for sent in (first[0].sent, prev_sent):
            found = [t for t in sent or [] if t.idx < start and _is_cue(t) and not inside(t.idx)] if sent else []
            if found:
                return found[-1]
    return None


def _governs(cue: Token, start: int, end: int) -> bool:
    """The quote lies inside the clause the cue reports ('X said it had fired ... "in response ..."')."""
    for c in cue.children:
        if c.dep_ in ("ccomp", "parataxis"):
            lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge)
            if start <= c.idx < end or (lo <= start and end <= hi + 2):
                return True
    return False


def _is_cue(tok: Token) -> bool:
    """A reporting verb used as a verb ('said', 'according to', 'as X put it'), not 'the fighting continued'."""
    low = tok.lower_
    if low not in reporting_words():
        return False
    if low == "according":
        return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to"
    if low in PUT_IT_VERBS:
        return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "it"
    if low.startswith("continu"):  # '"...," he continued.' / 'Smith continued:', not 'the fighting continued'
        prev = tok.doc[tok.i - 1] if tok.i else tok
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else tok
        return nxt.text in (":", ",", ".") and (prev.lower_ in PERSON_PRONOUNS or prev.pos_ == "PROPN")
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
        if child.dep_ == "dative" or (child.dep_ == "dobj" and child.lower_ in AUDIENCE_NOUNS):
            end = max(end, child.i + 1)
    return doc[cue.i : end].text


# ---------------------------------------------------------------- speakers


def _speaker_of(doc: Doc, cue: Token, mentions: _Mentions, inside: _Inside) -> _Speaker | None:
    """Who the cue's subject is: a pronoun resolved, or the subject's phrase mapped onto the entities."""
    subj = _subject(cue)
    if subj is not None and inside(subj.idx):  # a misparse: words inside quotation marks never speak
        subj = _subject(cue, inside) or _name_before_cue(doc, cue, inside)
    if subj is None:
        return None
    if subj.lower_ in PERSON_PRONOUNS or subj.lower_ in GROUP_PRONOUNS:
        return _resolve_pronoun(doc, subj, mentions, inside)
    return _speaker_from_np(doc, subj, mentions)


def _name_before_cue(doc: Doc, cue: Token, inside: _Inside) -> Token | None:
    """The last person's name before the cue in its sentence, outside quotation marks ('..., Flynn, a ..., said')."""
    for i in range(cue.i - 1, cue.sent.start - 1, -1):
        tok = doc[i]
        if tok.ent_type_ == "PERSON" and not inside(tok.idx):
            while tok.dep_ in ("compound", "flat") and tok.head.i > tok.i and tok.head.ent_type_ == "PERSON":
                tok = tok.head
            return tok
    return None


def _subject(cue: Token, inside: _Inside | None = None) -> Token | None:
    """The cue's subject; given `inside`, one outside quotation marks ('"... retreat," said X': X)."""
    if cue.lower_ == "according":
        return _according_source(cue)
    if cue.pos_ == "NOUN":  # 'the senator's claim that ...': the claim's owner
        return next((c for c in cue.children if c.dep_ == "poss"), None)
    agent = [p for c in cue.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    if agent and any(c.dep_ == "nsubjpass" for c in cue.children):
        return agent[0]  # 'the plan was endorsed by the council'
    verb: Token | None = cue
    through = set()
    for _ in range(5):  # 'saying ...', 'and said ...', 'began by saying': climb to the verb that has the subject
        if verb is None:
            return None
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and not (inside and inside(c.idx))]
        if subj and subj[0].lower_ in RELATIVE_SUBJECTS:
            return verb.head if verb.dep_ == "relcl" else _noun_before(subj[0])
        if subj:
            return None if "acomp" in through and subj[0].lower_ == "it" else subj[0]  # 'it is worth noting'
        if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl", "prep", "acomp") and verb.head is not verb:
            through.add(verb.dep_)
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
        if tok.dep_ in ("pobj", "agent") and tok.head.lower_ in SOURCE_PREPS and tok.i > obj.i:
            return tok
    root = cue.sent.root
    subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    return subj[0] if subj and subj[0].i < cue.i else obj


def _speaker_from_np(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker:
    """The speaker's noun phrase, mapped onto an entity when one of its mentions is the phrase's name.

    Before the phrase is read literally, the words that point elsewhere are followed: 'a woman who gave her
    name as Joy', 'one of them', 'one leader', 'the group', 'the statement'.
    """
    for follow in (_name_given, _one_of, _anaphoric_noun, _statement_author):
        found = follow(doc, head, mentions)
        if found is not None:
            return found
    return _literal_speaker(doc, head, mentions)


def _literal_speaker(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker:
    """The phrase itself: its entity when it names one, else its words ('security sources')."""
    left = head.left_edge.i
    right = head.i + 1
    for child in head.rights:  # keep 'for the ministry', drop relative clauses and appositions
        if child.dep_ == "punct" and child.i == right:
            continue
        title_appos = child.dep_ == "appos" and (head.lower_ in TITLE_WORDS or child.pos_ == "PROPN")
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
    member = _member_of(found, head)
    if member is not None:  # 'an RSF adviser': an unnamed member speaks for the group
        return _Speaker(member.name, head.text, member.name, member.kind)
    words = [t for t in span if not (t.i == span.start and t.dep_ == "det" and t.lower_ == "the")]
    text = doc[words[0].i : span.end].text if words else span.text
    return _Speaker(text, kind="unknown")


def _best_mention(found: list[tuple[int, int, Entity]], head: Token) -> tuple[int, int, Entity] | None:
    """Prefer the mention holding the phrase's head word, then people, then the last name in the phrase."""
    for row in found:
        if row[0] <= head.idx < row[1]:
            return row
    end = head.idx + len(head)
    named = [r for r in found if 0 <= r[0] - end <= 2 and r[2].kind != "state"]
    if named and head.pos_ == "NOUN":  # 'the rights group Karapatan', 'The ombudsman, Iris Marin,'
        return named[0]
    if head.lower_ in GROUP_NAME_PARTS | GOVERNMENT_NAME_PARTS:  # 'the X militia said', 'the X group said'
        named = [r for r in found if r[1] <= head.idx and head.idx - r[1] <= 2]
        if named:
            return named[-1]
    people = [r for r in found if r[2].kind == "person"]
    if people and head.lower_ in TITLE_WORDS:
        return people[-1]
    return None


def _member_of(found: list[tuple[int, int, Entity]], head: Token) -> Entity | None:
    """The group of 'a Hezbollah commander', 'an RSF adviser' (no person named in the phrase)."""
    if head.lower_ not in TITLE_WORDS or any(r[2].kind == "person" for r in found):
        return None
    groups = [r[2] for r in found if r[2].kind in GROUP_KINDS and r[1] <= head.idx]
    return groups[-1] if groups else None


def _name_given(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker | None:
    """'a woman who gave her name only as Joy', 'a man identified as X', 'a resident named X'."""
    if head.pos_ != "NOUN":
        return None
    for tok in head.subtree:
        if tok.pos_ == "PROPN" and tok.i > head.i and doc[tok.i - 1].lower_ in NAMING_WORDS:
            end = tok.i + 1
            while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                end += 1
            return _Speaker(doc[tok.i : end].text, head.text, kind="person")
    return None


def _one_of(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker | None:
    """'One of them said' -> the group named before ('security sources'); 'one of the nurses' -> 'nurses';
    'one leader said' -> 'community leader' from 'Community leaders ...'; 'one said' -> one of the people
    counted before ('Two residents ...' -> 'resident')."""
    low = head.lower_
    noun = None
    if low == "one":
        of = [p for c in head.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        if of and of[0].lower_ not in ONE_OF_PRONOUNS:
            return _Speaker(_phrase(of[0], singular=False), kind="person")
        if of:
            plural = _plural_antecedent(doc, head, None)
            return _Speaker(_phrase(plural, singular=False), kind="person") if plural is not None else None
    elif any(c.lower_ == "one" and c.dep_ in ("nummod", "det") for c in head.children):
        noun = head
    else:
        return None
    plural = _plural_antecedent(doc, head, noun)
    if plural is None:
        return None  # 'one man said' with nobody counted before: the phrase itself
    return _Speaker(_phrase(plural, singular=True), kind="person")


def _plural_antecedent(doc: Doc, head: Token, noun: Token | None) -> Token | None:
    """The nearest earlier plural person noun (as subject or counted): 'Residents ...', 'two security sources'."""
    want = noun.lower_ if noun is not None else None
    lo = max(0, head.i - 150)
    for i in range(head.i - 1, lo - 1, -1):
        tok = doc[i]
        if tok.tag_ != "NNS" or tok.pos_ != "NOUN" or tok.lower_ in GROUP_NAME_PARTS:
            continue
        if want is not None:
            if _singular(tok.lower_) == want:
                return tok
            continue
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return tok
    return None


def _singular(word: str) -> str:
    """'residents' -> 'resident', 'casualties' -> 'casualty' (no lemmatizer runs in the pipeline)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(ES_PLURAL_ENDINGS):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _phrase(noun: Token, singular: bool) -> str:
    """'two security sources' -> 'security sources' (or 'security source'); numbers and articles dropped."""
    mods = [t for t in noun.lefts if t.dep_ in ("compound", "amod") and not t.like_num and t.is_alpha]
    head = _singular(noun.lower_) if singular else noun.lower_
    return " ".join([t.lower_ if t.pos_ != "PROPN" else t.text for t in mods] + [head])


def _singular_phrase(noun: Token) -> str:
    """One of the people a plural phrase describes: 'Community leaders' -> 'community leader'."""
    return _phrase(noun, singular=True)


def _anaphoric_noun(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker | None:
    """'the group said' -> the group or organisation named last; 'the army said' keeps its own words."""
    if head.lower_ not in ANAPHORIC_NOUNS or head.pos_ != "NOUN":
        return None
    if not any(c.lower_ == "the" and c.dep_ == "det" for c in head.children):
        return None
    if any(c.dep_ in ("compound", "amod", "appos", "poss") for c in head.children):
        return None  # 'the human rights group Karapatan', 'the armed group': described, not a back-reference
    found = mentions.before(head.idx, max(0, head.idx - 1500), GROUP_KINDS)
    if not found:
        return None
    ent = found[0][2]
    return _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)


def _statement_author(doc: Doc, head: Token, mentions: _Mentions) -> _Speaker | None:
    """'the statement said' -> whoever issued the statement mentioned before ('a statement from X')."""
    if head.lower_ not in STATEMENT_NOUNS or not any(c.lower_ == "the" for c in head.children):
        return None
    for i in range(head.i - 1, max(head.i - 200, -1), -1):
        tok = doc[i]
        if tok.lower_ not in STATEMENT_NOUNS:
            continue
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in SOURCE_PREPS:
                src = [p for p in prep.children if p.dep_ == "pobj"]
                if src:
                    return _literal_speaker(doc, src[0], mentions)
        verb = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "in" else None
        if verb is not None and verb.lower_ in reporting_words():
            subj = _subject(verb)
            if subj is not None:
                return _literal_speaker(doc, subj, mentions)
    return None


def _title_in(doc: Doc, span: Span, name_start: int) -> str | None:
    """Words before the name inside the speaker phrase: 'Iraq's military spokesman'."""
    before = [t for t in span if t.idx + len(t) <= name_start and t.dep_ != "det" and t.tag_ != "PRP$"]
    if not before or not any(t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in TITLE_WORDS for t in before):
        return None
    text = doc_text(doc)[before[0].idx : name_start].strip(" ,")
    return text or None


def _resolve_pronoun(doc: Doc, pron: Token, mentions: _Mentions, inside: _Inside) -> _Speaker:
    """'he'/'she' -> the latest person named outside quotes; 'they'/'it' -> the latest group or body."""
    low = pron.lower_
    if low == "they":
        plural = [t for t in pron.sent if t.i < pron.i and t.tag_ in ("NNS", "NNPS") and t.dep_ == "nsubj"]
        if plural:
            return _speaker_from_np(doc, plural[-1], mentions)
        people = _plural_antecedent(doc, pron, None)  # 'Two aid workers described ... They said ...'
        groups = mentions.before(pron.idx, max(0, pron.idx - 1500), GROUP_KINDS)
        groups = [r for r in groups[:6] if _is_subject_at(doc, r[0])]  # groups that did something, not 'told X'
        if people is not None and not inside(people.idx) and (not groups or groups[0][0] < people.idx):
            return _Speaker(_phrase(people, singular=False), kind="person")
    kinds = {"person"} if low in PERSON_PRONOUNS else {"group", "organization", "government", "military", "state"}
    lo = max(0, pron.idx - 1500)
    found = [r for r in mentions.before(pron.idx, lo, kinds) if not inside(r[0]) and _agrees(doc, low, r[2])]
    subjects = [r for r in found[:6] if _is_subject_at(doc, r[0])]
    speakers = [r for r in subjects if not _reported_at(doc, r[0])]  # 'X said Y had left': X speaks, not Y
    chained = None if subjects or low not in PERSON_PRONOUNS else _chain_speaker(doc, pron, mentions, found)
    pick = (speakers or subjects or chained or found or [None])[0]
    if low in PERSON_PRONOUNS:
        unnamed = _unnamed_speaker_before(doc, pron, inside)
        if unnamed is not None and (pick is None or unnamed.idx > pick[1]):
            return _Speaker(_singular_phrase(unnamed), kind="person")
    thing = _thing_before(doc, pron, inside) if low == "it" else None
    if thing is not None and (pick is None or thing.idx >= pick[1]):
        return _speaker_from_np(doc, thing, mentions)
    if pick is None:
        return _recent_named_speaker(doc, pron, mentions) or _Speaker(pron.text, kind="unknown")
    ent = pick[2]
    return _Speaker(ent.name, ent.titles[0] if ent.titles else None, ent.affiliation, ent.kind)


def _thing_before(doc: Doc, pron: Token, inside: _Inside) -> Token | None:
    """'The ad opens with ... It also mentions ...': the latest singular subject of the sentence before, when it is
    a thing rather than a named body (a named group wins when it is nearer). Not the pronoun's own sentence: there
    a subject before it is the reported words ('The benefit, it says, would be $300')."""
    sent = pron.sent
    if sent.start == 0:
        return None
    lo = doc[sent.start - 1].sent.start
    for i in range(sent.start - 1, lo - 1, -1):
        tok = doc[i]
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.tag_ == "NN" and not inside(tok.idx) and not tok.ent_type_:
            return tok
    return None


def _unnamed_speaker_before(doc: Doc, pron: Token, inside: _Inside) -> Token | None:
    """'a teacher who survived told ...' / 'One of them, a farmer, said ...': the latest speaker described, not named.

    Only the reporting verbs of this and the previous paragraph count, so a pronoun never jumps to an old witness.
    """
    text = doc_text(doc)
    lo = previous_line_start(text, pron.idx)
    for i in range(pron.i - 1, -1, -1):
        tok = doc[i]
        if tok.idx < lo:
            return None
        if not _is_cue(tok) or inside(tok.idx):
            continue
        subj = _subject(tok)
        if subj is None or subj.i >= pron.i or subj.lower_ in PERSON_PRONOUNS or subj.head.i != tok.i:
            continue  # only the cue's own subject: not 'an angle that would show', 'the law ... to show up'
        appos = [c for c in subj.children if c.dep_ == "appos" and c.tag_ == "NN"]
        noun = appos[0] if subj.lower_ == "one" and appos else subj
        described = noun.tag_ == "NN" and noun.pos_ == "NOUN"
        if described and noun.lower_ not in GROUP_NAME_PARTS | ANAPHORIC_NOUNS | set(STATEMENT_NOUNS):
            return noun
        return None  # the latest speaker is named or a group: the caller's choice stands
    return None


def _chain_speaker(
    doc: Doc, pron: Token, mentions: _Mentions, found: list[tuple[int, int, Entity]]
) -> list[tuple[int, int, Entity]]:
    """'Ferris noted ... allies of Gantz and Holm. That is why, he argued, ...': with no person as subject
    among the nearest names, 'he' continues the speaker chain, the named subject of the latest reporting verb
    (when it is one of the compatible names before the pronoun), not the nearest name."""
    named = _recent_named_speaker(doc, pron, mentions)
    if named is None:
        return []
    return [r for r in found if r[2].name == named.name][:1]


def _recent_named_speaker(doc: Doc, pron: Token, mentions: _Mentions) -> _Speaker | None:
    """Fallback for a pronoun: the named subject of the latest reporting verb before it ('Smith said ...')."""
    for i in range(pron.i - 1, max(pron.i - 200, -1), -1):
        tok = doc[i]
        if not _is_cue(tok):
            continue
        subj = _subject(tok)
        if subj is not None and subj.pos_ == "PROPN":
            found = _speaker_from_np(doc, subj, mentions)
            ents = [r[2] for r in mentions.within(subj.idx, subj.idx + len(subj)) if r[2].name == found.name]
            if not ents or _agrees(doc, pron.lower_, ents[0]):
                return found
    return None


def _agrees(doc: Doc, pronoun: str, ent: Entity) -> bool:
    """'she' may stand for a woman or a person of unknown gender, never for a man (and 'he' the reverse)."""
    want = PRONOUN_GENDER.get(pronoun)
    if want is None or ent.kind != "person":
        return True
    gender = _gender(doc, ent)
    return gender is None or gender == want


def _gender(doc: Doc, ent: Entity) -> str | None:
    """A person's gender from the words of the report: an honorific before a mention ('Mrs. Reyes'), a title
    ('spokeswoman') or a given name; None when nothing tells, or the words disagree."""
    cache = doc.user_data.setdefault("dateline_gender", {})
    if ent.id in cache:
        return cache[ent.id]
    text = doc_text(doc)
    votes = set()
    for mention in ent.mentions:
        before = text[max(0, mention.start - 12) : mention.start].split()
        words = [*(before[-1:]), *text[mention.start : mention.end].lower().split()[:1]]
        votes.update(g for g, table in GENDER_WORDS.items() for w in words if w.lower() in table["honorifics"])
    titles = [*" ".join(ent.titles).lower().split(), *(t.lower() for t in ent.titles)]
    for name in (ent.name, *ent.aliases):
        parts = name.lower().split()
        if len(parts) >= 2:
            votes.update(g for g, table in GENDER_WORDS.items() if parts[0] in table["given_names"])
    votes.update(g for g, table in GENDER_WORDS.items() for w in titles if w in table["titles"])
    cache[ent.id] = votes.pop() if len(votes) == 1 else None
    return cache[ent.id]


def _reported_at(doc: Doc, char: int) -> bool:
    """The word at char lies in the clause a reporting verb governs ('X said *Y* had left')."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    tok = span[0]
    for _ in range(12):
        if tok.head is tok:
            return False
        if tok.dep_ in ("ccomp", "parataxis") and _is_cue(tok.head):
            return True
        tok = tok.head
    return False


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
    taken = _Taken([(q.start, q.end) for q in direct])
    out: list[Quote] = []
    for tok in doc:
        if inside(tok.idx):
            continue
        content = _reported_clause(doc, tok) if _is_cue(tok) else None
        cue_text = _cue_text(doc, tok) if content is not None else None
        if content is None and (found := _pattern_content(doc, tok)) is not None:
            *content, cue_text = found
        if content is None:
            continue
        start, end = _strip_clause(doc, *content)
        lo, hi = line_bounds(doc_text(doc), tok.idx, tok.idx)
        start, end = max(start, lo), min(end, hi)
        start, end = _whole_quotes(doc, inside, start, end)
        if end - start < 12 or taken.covers_half(start, end):
            continue
        speaker = _speaker_of(doc, tok, mentions, inside)
        if speaker is None or not speaker.name:
            continue
        out.append(_quote(doc_text(doc), start, end, False, speaker, cue_text))
        taken.add(start, end)
    return out


def _reported_clause(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """Token range of what was reported: the complement clause, or the clause the cue is attached to."""
    if cue.lower_ == "according":
        return _according_clause(doc, cue)
    comps = [c for c in cue.children if c.dep_ == "ccomp" and c.i > cue.i]
    if comps:
        return comps[0].left_edge.i, _clause_end(cue, comps[0])
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
    last = cue.right_edge.i
    closed = doc[last].text == "," or (last + 1 < cue.sent.end and doc[last + 1].text == ",")
    opened = comma or doc[cue.left_edge.i].text == ","
    if opened and closed and cue.dep_ in ("parataxis", "ccomp") and cue.head.i > cue.i:
        return cue.sent.start, cue.sent.end  # 'The museum, she said, tells the truth': the sentence around the cue
    if cue.lower_ in CLAUSE_VERBS:
        rights = [c for c in cue.rights if c.dep_ in ("dobj", "prep", "xcomp", "dative", "ccomp")]
        clausal = [c for c in rights if c.dep_ in ("xcomp", "ccomp") or c.lower_ in CLAUSE_PREPS]
        if clausal:
            return rights[0].left_edge.i, min(cue.right_edge.i + 1, cue.sent.end)
    objs = [c for c in cue.rights if c.dep_ in ("dobj", "xcomp") and c.pos_ != "PRON"]
    if objs and cue.lemma_.lower() in OBJECT_VERBS:  # 'noted the rise in prices', 'described the plan as reckless'
        return objs[0].left_edge.i, _clause_end(cue, objs[0])
    passive = [c for c in cue.children if c.dep_ == "nsubjpass"]
    if passive and any(c.dep_ == "agent" for c in cue.children):  # 'the leak was first reported by the Post'
        return passive[0].left_edge.i, passive[0].right_edge.i + 1
    return _topic(cue)


def _topic(cue: Token) -> tuple[int, int] | None:
    """'spoke about her ties to the church', 'commented on the shooting': what the words were about (not a time:
    'said on Tuesday')."""
    if ATTRIBUTION_CUES.first(cue) is not None:
        return None  # 'called on the governor to resign': a pattern of its own
    for prep in cue.rights:
        if prep.dep_ != "prep" or prep.lower_ not in TOPIC_PREPS:
            continue
        objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp") and c.ent_type_ not in ("DATE", "TIME")]
        if objs:
            return objs[0].left_edge.i, _clause_end(cue, prep)
    return None


def _clause_end(cue: Token, first: Token) -> int:
    """Where what the cue reports from its child `first` on ends: later parts of the cue's clause count too ('said
    A, because B'; 'said A, and there was B'), a second cue or a second act of the speaker does not ('said A,
    adding B'; 'said A and left')."""
    end = first.right_edge.i + 1
    for child in cue.rights:
        if child.i <= first.i or child.dep_ in ("punct", "cc"):
            continue
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children)
        if _is_cue(child) or (child.dep_ == "conj" and not own_subject):
            break
        end = child.right_edge.i + 1
    return _before_next_cue(cue.doc, first.i, min(end, cue.sent.end))


def _before_next_cue(doc: Doc, i: int, j: int) -> int:
    """'he believed A, arguing B': the reported clause stops before a participle of a second cue."""
    for k in range(i + 1, j):
        tok = doc[k]
        subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        participle = tok.dep_ in ("advcl", "conj", "xcomp") and not subject
        if doc[k - 1].text == "," and participle and _is_cue(tok):
            return k - 1
    return j


def _pattern_content(doc: Doc, cue: Token) -> tuple[int, int, str] | None:
    """Token range attributed by a cue of patterns/attribution_cues ('wants to close the bridge'), and the cue's
    words ('called for')."""
    rule = ATTRIBUTION_CUES.first(cue)
    if rule is None:
        return None
    tokens = next(t for rid, t in ATTRIBUTION_CUES.matches(doc)[cue.i] if rid == rule.id)
    node = doc[tokens[[n["RIGHT_ID"] for n in rule.patterns[0]].index("content")]]
    if rule.label == "to-end":
        end = cue.right_edge.i + 1
    else:  # 'cited the remarks as proof of his contempt': the rest of the cue's clause too
        end = _clause_end(cue, node) if node.head.i == cue.i else node.right_edge.i + 1
    words = [doc[i].text for i in sorted(tokens) if i == cue.i or doc[i].dep_ in ("prep", "prt")]
    return node.left_edge.i, min(end, cue.sent.end), " ".join(words)


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
    text = doc_text(doc)
    first, last = inside.span_at(start), inside.span_at(max(start, end - 1))
    if first is not None and first[0] < start:
        start = max(0, first[0] - 1)
    if last is not None:
        end = min(len(text), last[1] + 1)
    return start, end


class _Taken:
    """The spans already quoted, sorted by start, so a clause is compared with its neighbours only."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans: list[tuple[int, int]] = []
        self.longest = 0
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.spans, (start, end))
        self.longest = max(self.longest, end - start)

    def covers_half(self, start: int, end: int) -> bool:
        """Half or more of this clause is already a quote (partial quotes inside a clause do not count)."""
        lo = bisect.bisect_left(self.spans, (start - self.longest, -1))
        hi = bisect.bisect_left(self.spans, (end, -1))
        overlap = sum(max(0, min(e, end) - max(s, start)) for s, e in self.spans[lo:hi])
        return overlap * 2 >= end - start
