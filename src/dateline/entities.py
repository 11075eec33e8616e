"""Named participants of a report, with in-report coreference of their names.

spaCy's NER gives candidate names; this module repairs its usual errors (titles inside names, militias tagged
as people, split names, possessives), links later short mentions ('Sudani') and explicit aliases ('X, known as
Y', 'X (ABC)') to the first full name, and reads titles, affiliations and countries from the parse around each
mention. Everything is rule-based so that every field can be traced back to words in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from dateline import DatelineError
from dateline.layout import dateline_outlet, ends_line, line_bounds
from dateline.lexicon import alternation, lexicon
from dateline.nlp import doc_text
from dateline.records import Entity
from dateline.records import Span as TextSpan

GROUP_NAME_PARTS = lexicon().words("actors/names/group_words")
# Transliterated words that mark armed or political groups in names (movement, brigades, army, party, ...).
GROUP_NAME_WORDS = lexicon().words("actors/names/group_name_words")
GOVERNMENT_NAME_PARTS = lexicon().words("actors/names/government_words")
# State security forces (police included, as ACLED and the events stage count them).
MILITARY_NAME_PARTS = lexicon().words("actors/names/military_words")
# Head words of names: 'Ministry of Defence', 'US Central Command', 'Popular Mobilization Front'.
GOVERNMENT_HEADS = lexicon().words("actors/names/government_heads")
MILITARY_HEADS = lexicon().words("actors/names/military_heads")
GROUP_HEADS = lexicon().words("actors/names/group_heads")
ORG_HEADS = GOVERNMENT_HEADS | MILITARY_HEADS | GROUP_HEADS | lexicon().words("actors/names/force_heads")
# Bodies whose names often go on with 'for ...' or 'of ...' ('Alliance for Justice', 'Council of Elders').
BODY_WORDS = lexicon().words("actors/names/body_words")
OUTLET_WORDS = lexicon().words("actors/names/outlet_words")
PLACE_NOUNS = lexicon().words("places/place_nouns")
# What a place has that is still the place, not its government: 'Baghdad's airport', 'Kyiv's residents'.
PLACE_PARTS = lexicon().words("places/place_parts")
ROUTES = lexicon().words("places/routes")
PLACE_HEADS = lexicon().words("places/place_heads")
DIRECTIONS = lexicon().words("places/relative_directions")
PLACE_NAME_PREPS = lexicon().words("places/place_name_preps")
SPEECH_VERBS = lexicon().words("words/speech_verb_forms")
BE_WORDS = lexicon().words("words/be_words")
ORG_HINTS = lexicon().words("actors/names/org_hints")
TITLE_WORDS = lexicon().words("actors/names/title_words")
PARTY_WORDS = lexicon().words("actors/names/party_words")
HONORIFICS = lexicon().words("actors/names/honorifics")
RELCL_TITLES: dict[str, str] = lexicon().table("actors/names/relcl_titles")
LED_VERBS: dict[str, str] = lexicon().table("actors/names/led_verbs")
# Ministerial portfolios: 'Interior Minister', 'Foreign Secretary'; never a name on their own.
PORTFOLIOS = lexicon().words("actors/names/portfolios")
GENERIC_POSS = lexicon().words("words/generic_possessives")
COUNTRY_ALIASES: dict[str, str | None] = lexicon().table("places/country_aliases")
DEMONYMS: dict[str, str | None] = lexicon().table("actors/demonyms")
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})  # spaCy's entity labels for names (its tag set, not words)
# Lower-case particles inside names: 'Jama'at Nusrat al-Islam wal-Muslimin', 'Osama bin Laden', 'Norte de Santander'.
NAME_PARTICLES = lexicon().words("actors/names/name_particles")
SPACED_PARTICLES = lexicon().words("actors/names/spaced_particles")
LONG_NAME_WORDS = NAME_PARTICLES | lexicon().words("actors/names/long_name_words")
NAME_JOINERS = tuple(joiner.split() for joiner in lexicon().phrases("actors/names/name_joiners"))
NAME_COMPLEMENT_PREPS = lexicon().words("actors/names/name_complement_preps")
ARTICLES = lexicon().words("words/articles")
LEADER_GOVERNMENT_NOUNS = lexicon().words("actors/names/leader_government_nouns")
TITLE_AFFILIATION_PREPS = lexicon().words("actors/names/title_affiliation_preps")
ROLE_AFFILIATION_PREPS = lexicon().words("actors/names/role_affiliation_preps")
OWNER_POSSESSIVES = lexicon().words("actors/names/owner_possessives")
OWNER_NOUNS = lexicon().words("actors/names/owner_nouns")
OWNER_NOUNS_WITH_S = lexicon().words("actors/names/owner_nouns_with_s")
STATE_FORCE_NOUNS = lexicon().words("actors/names/state_force_nouns")
KIND_HEADS = GOVERNMENT_HEADS | MILITARY_HEADS | GROUP_HEADS | lexicon().words("actors/names/kind_heads")
ARMED_HEADS = lexicon().words("actors/names/armed_heads")
PROXIMITY_PREPS = lexicon().phrases("places/proximity_preps")
COMMA_PROXIMITY = tuple([",", prep] for prep in PROXIMITY_PREPS)  # 'Humera, near the border'
EXAMPLE_PREPS = lexicon().words("places/example_preps")
GOVERNMENT_KIND_WORDS = lexicon().words("actors/names/government_kind_words")
MILITARY_KIND_WORDS = lexicon().words("actors/names/military_kind_words")
GROUP_KIND_WORDS = lexicon().words("actors/names/group_kind_words")
ALIAS_RE = re.compile(
    rf"[,(]?\s*(?:(?:{alternation(lexicon().phrases('actors/names/alias_cue_adverbs'))}) )?"
    rf"(?:{alternation(lexicon().phrases('actors/names/alias_cues'))})|\(|,\s*or"
)
CREDIT_RE = re.compile(r"\s+for\s+(?:the\s+)?[A-Z][\w.&' ]{1,60}\s*$", re.IGNORECASE)


@dataclass
class _Cand:
    """One mention of a would-be entity, before coreference."""

    start: int  # token indices [start, end)
    end: int
    label: str
    titles: list[str] = field(default_factory=list)
    affiliation: str | None = None
    country: str | None = None
    kind: str | None = None
    honorific: bool = False  # 'Mr.', 'Ms.' before the name: surely a person


@dataclass
class _Ent:
    name: str
    kind: str
    keys: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    affiliation: str | None = None
    country: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # character offsets
    acts: bool = False  # a place name used as an actor ('Washington has been wary')
    cands: list[_Cand] = field(default_factory=list)  # every mention the NER or the rules proposed
    quiet: set[str] = field(default_factory=set)  # aliases not to look for again (a town that once acted)


def find_entities(doc: Doc) -> list[Entity]:
    """The report's named participants in order of first mention, ids 'ent1', 'ent2', ..."""
    if not isinstance(doc, Doc):
        raise DatelineError("find_entities needs a spaCy Doc")
    cands = _candidates(doc)
    ents = [e for e in _merge_acronyms(_link(doc, cands)) if _settle_kind(doc, e)]
    for ent in ents:
        _prefer_country_name(ent)
    ents = _merge_capitals(ents)
    _resolve_affiliations(ents)
    _scan_mentions(doc, ents)
    ents.sort(key=lambda e: min(e.spans)[0] if e.spans else 0)
    return [_to_record(i, e, doc_text(doc)) for i, e in enumerate(ents, 1)]


# ---------------------------------------------------------------- candidates


def _candidates(doc: Doc) -> list[_Cand]:
    """Every name mention worth linking, with what its context says (titles, affiliation, kind)."""
    spans = _repair_spans(doc)
    common = {t.text for t in doc if t.is_lower and t.is_alpha}  # words this report uses as common nouns
    cands: list[_Cand] = []
    for start, end, label in spans:
        cand = _clean(doc, start, end, label, common)
        if cand is not None:
            cands.append(cand)
    collective = _collective_actors(doc, {i for c in cands for i in range(c.start, c.end)})
    bodies = [c for c in collective if c.kind == "government"]
    inside = [c for c in cands if c.label == "PERSON" and any(b.start <= c.start and c.end <= b.end for b in bodies)]
    cands = [c for c in cands if c not in inside] + collective
    cands.extend(_named_by_noun(doc, {i for c in cands for i in range(c.start, c.end)}))
    cands.sort(key=lambda c: c.start)
    for i, cand in enumerate(cands):
        _read_context(doc, cand)
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if cand.label == "PERSON" and nxt is not None and _of_between(doc, cand.end, nxt.start):
            cand.affiliation = doc[nxt.start : nxt.end].text
        if cand.label == "PERSON" and not cand.affiliation:
            cand.affiliation = _its_owner(doc, cand, cands[:i])
    _led_by(doc, cands)
    return cands


def _led_by(doc: Doc, cands: list[_Cand]) -> None:
    """'the Y militia, led by X' / 'Y, headed by X': X leads Y (title and affiliation for X)."""
    people = {i: c for c in cands if c.label == "PERSON" for i in range(c.start, c.end)}
    for cand in cands:
        if cand.label == "PERSON":
            continue
        root = doc[cand.start : cand.end].root
        for verb in root.children:
            if verb.dep_ != "acl" or verb.lower_ not in LED_VERBS:
                continue
            agents = [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
            person = people.get(agents[0].i) if agents else None
            if person is not None and not person.affiliation:
                person.affiliation = doc[cand.start : cand.end].text
                person.titles.append(LED_VERBS[verb.lower_])


def _of_between(doc: Doc, end: int, start: int) -> bool:
    """Only 'of' or 'of the' between two names: 'X of the Y Party'."""
    words = [t.lower_ for t in doc[end:start]]
    return words in NAME_JOINERS


def _repair_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """spaCy entities, merged when a name was split in two ('Mushtaq' GPE + 'Jawad Al-Saidi' PERSON), widened
    where the NER cut a name short, split where it ran two names together, plus names it missed entirely."""
    out: list[list] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        prev = out[-1] if out else None
        adjacent = prev is not None and prev[1] == ent.start and doc[ent.start - 1].whitespace_ == " "
        if adjacent and "PERSON" in (prev[2], ent.label_) and doc[prev[1] - 1].sent == ent.sent:
            prev[1], prev[2] = ent.end, "PERSON"
            continue
        out.append([ent.start, _cut_at_bracket(doc, ent.start, ent.end), ent.label_])
    for item in out:
        item[0], item[1] = _widen_name(doc, item[0], item[1], item[2])
        if _who_follows(doc, item[1]):  # 'Aminu Kadawa, who represents ...': a person, whatever the NER said
            item[0], item[2] = _person_start(doc, item[0]), "PERSON"
    out = [list(x) for item in out for x in _split_person_of_org(doc, *item)]
    for item in out:
        _extend_with_proper_nouns(doc, item)
    spans = [tuple(x) for x in out]
    for start, end in _acronym_expansions(doc):  # 'the Pakistan Tehreek-e-Insaf (PTI)': one name
        spans = [x for x in spans if x[1] <= start or x[0] >= end] + [(start, end, "ORG")]
    spans += _acting_capitals(doc, spans)
    return _drop_overlaps(spans)


def _person_start(doc: Doc, start: int) -> int:
    """Untagged capitalised words before a person's name belong to it, even at a sentence start ('Aminu')."""
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].ent_iob_ == "O":
        if not doc[start - 1].text[:1].isupper() or _is_title_word(doc[start - 1]):
            break
        start -= 1
    return start


def _extend_with_proper_nouns(doc: Doc, item: list) -> None:
    """Untagged capitalised name words around a name: 'Harakat' + 'Hezbollah al-Nujaba', NORP 'Islamic' +
    'State', GPE 'Sinaloa' + 'Cartel'."""
    while (
        item[2] in ("PERSON", "ORG")
        and item[0] > 0
        and doc[item[0] - 1].pos_ == "PROPN"
        and doc[item[0] - 1].ent_iob_ == "O"
        and doc[item[0] - 1].text[:1].isupper()
        and not _is_title_word(doc[item[0] - 1])
        and (not _starts_sentence(doc[item[0] - 1]) or _transliterated(doc[item[0] - 1]))
    ):
        item[0] -= 1
    while (
        item[1] < len(doc)
        and doc[item[1]].pos_ == "PROPN"
        and doc[item[1]].text[:1].isupper()
        and doc[item[1]].ent_iob_ == "O"
        and (item[2] in ("NORP", "ORG") or doc[item[1]].lower_ in ORG_HEADS)
        and not _is_title_word(doc[item[1]])
    ):
        item[1] += 1
        item[2] = "ORG"


def _acronym_expansions(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of names whose initials spell the bracketed acronym after them, however the NER cut them."""
    out = []
    for i in range(1, len(doc) - 2):
        acro = doc[i + 1].text
        if doc[i].text != "(" or doc[i + 2].text != ")" or not (acro.isupper() and acro.isalpha() and len(acro) >= 2):
            continue
        j = i
        while j > 0 and i - j < 10 and _in_long_name(doc[j - 1]):
            j -= 1
        for start in range(j, i):
            if not doc[start].text[:1].isupper():
                continue
            initials = "".join(t.text[0] for t in doc[start:i] if t.text[:1].isupper() and t.is_alpha)
            if initials == acro:
                out.append((start, i))
                break
    return out


def _in_long_name(tok: Token) -> bool:
    """Words of a long name: capitalised words, hyphens, short particles ('Tehreek-e-Insaf', 'al-Sham', 'for')."""
    if tok.text in ("-", "'", "’", "&"):
        return True
    if tok.text[:1].isupper():
        return tok.is_alpha or "-" in tok.text or "'" in tok.text
    return tok.lower_ in LONG_NAME_WORDS


def _acting_capitals(doc: Doc, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Capitals the NER missed that act as their government ('Kigali denies ...')."""
    taken = {i for s, e, _ in spans for i in range(s, e)}
    gaz = _gazetteer()
    out = []
    for tok in doc:
        if tok.i in taken or tok.ent_iob_ != "O" or tok.pos_ != "PROPN" or tok.dep_ != "nsubj" or gaz is None:
            continue
        if tok.head.pos_ != "VERB" or any(c.dep_ == "compound" for c in tok.children):
            continue
        try:
            places = gaz.lookup(tok.text)
        except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
            return out
        if places and any(p.capital for p in places[:2]):
            out.append((tok.i, tok.i + 1, "GPE"))
    return out


def _split_person_of_org(doc: Doc, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """'Nadia Osei of the Unity Party' tagged as one ORG: a person's name, 'of', and the organisation's name."""
    ofs = [i for i in range(start + 2, end - 1) if doc[i].lower_ == "of"]
    if label != "ORG" or not ofs:
        return [(start, end, label)]
    k = ofs[0]
    person = doc[start:k]
    org_start = k + 2 if doc[k + 1].lower_ == "the" else k + 1
    names_person = all(t.pos_ == "PROPN" and t.is_title and t.lower_ not in ORG_HEADS for t in person)
    if not names_person or len(person) > 3 or doc[end - 1].lower_ not in ORG_HEADS | GROUP_NAME_PARTS:
        return [(start, end, label)]
    return [(start, k, "PERSON"), (org_start, end, "ORG")]


def _who_follows(doc: Doc, end: int) -> bool:
    """', who' after a name: only people are 'who'."""
    return end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ == "who"


def _cut_at_bracket(doc: Doc, start: int, end: int) -> int:
    """'Hayat Tahrir al-Sham (HTS': the NER sometimes swallows the bracketed acronym; the name ends before it."""
    for i in range(start + 1, end):
        if doc[i].text in ("(", "[") or (doc[i].text in ("-", "–", "—") and doc[i - 1].whitespace_):
            return i
    return end


def _widen_name(doc: Doc, start: int, end: int, label: str) -> tuple[int, int]:
    """Names the NER cut at an apostrophe, a hyphen or a lower-case particle: 'Nusrat al-Islam' + 'wal-Muslimin'."""
    if label not in ("PERSON", "ORG", "NORP"):
        return start, end
    sent_end = doc[start].sent.end
    while end < sent_end:
        step = _name_continues(doc, end, sent_end)
        if not step:
            break
        end += step
    while start > 0 and doc[start].sent.start <= start - 1 and _joined(doc, start - 1):
        start -= 1
    if label == "ORG" and doc[end - 1].lower_ in BODY_WORDS:
        end = _of_complement(doc, end, sent_end)
    return start, end


def _of_complement(doc: Doc, end: int, sent_end: int) -> int:
    """'Northern Alliance' + 'for Justice', 'Observatory' + 'for Human Rights': a body's name goes on."""
    if end + 1 >= sent_end or doc[end].lower_ not in NAME_COMPLEMENT_PREPS or not doc[end + 1].is_title:
        return end
    j = end + 1
    while j < sent_end and (
        (doc[j].is_title and doc[j].pos_ == "PROPN" and doc[j].ent_type_ not in ("DATE", "TIME", "GPE"))
        or (doc[j].lower_ == "and" and j + 1 < sent_end and doc[j + 1].is_title)
    ):
        j += 1
    return j if j > end + 1 and doc[j - 1].lower_ != "and" else end


def _joined(doc: Doc, i: int) -> bool:
    """Token i is glued to the name after it: a particle or a hyphen with no space ('al' '-' 'Islam')."""
    tok = doc[i]
    if tok.whitespace_:
        return tok.lower_ in SPACED_PARTICLES and doc[i + 1].text[:1].isupper() and i > 0 and doc[i - 1].is_title
    return tok.text in ("-", "'", "’") or (tok.lower_ in NAME_PARTICLES and doc[i + 1].text == "-")


def _name_continues(doc: Doc, i: int, sent_end: int) -> int:
    """How many tokens from i continue the name (0: none): '-Muslimin', ' wal-Muslimin', ' de la Cruz', ' Eide'."""
    tok, prev = doc[i], doc[i - 1]
    nxt = doc[i + 1] if i + 1 < sent_end else None
    if nxt is None:
        return 1 if not prev.whitespace_ and tok.text[:1].isupper() and tok.is_alpha else 0
    if not prev.whitespace_ and tok.text in ("-", "'", "’") and not tok.whitespace_ and nxt.text[:1].isupper():
        return 2
    if tok.lower_ in NAME_PARTICLES:
        if not tok.whitespace_ and nxt.text == "-" and i + 2 < sent_end and doc[i + 2].is_alpha:
            return 3
        if (
            tok.lower_ in SPACED_PARTICLES
            and tok.whitespace_
            and nxt.text[:1].isupper()
            and nxt.pos_ == "PROPN"
            and nxt.ent_iob_ in ("O", "B")
        ):
            return 2
        return 0
    if (
        prev.whitespace_ == " "
        and tok.pos_ == "PROPN"
        and tok.text[:1].isupper()
        and tok.ent_iob_ == "O"
        and tok.is_alpha
        and not _is_title_word(tok)
        and not (nxt.text == "-" and not tok.whitespace_)
    ):
        return 1
    return 0


def _transliterated(tok: Token) -> bool:
    """'Jama'at', 'Ansar-ul': an inner apostrophe or hyphen marks a transliterated name word, not a common noun."""
    return any(ch in tok.text[1:-1] for ch in "'’-") and tok.text[:1].isupper()


def _drop_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A widened name may now cover the next one: keep the first of any overlapping pair."""
    out: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if out and span[0] < out[-1][1]:
            continue
        out.append(span)
    return out


def _clean(doc: Doc, start: int, end: int, label: str, common: set[str]) -> _Cand | None:
    """Trim determiners, possessives, titles and trailing group nouns; drop what is not a name."""
    titles: list[str] = []
    for i in range(end - 1, start - 1, -1):  # a name never runs across a line break
        if ends_line(doc[i]):
            start = i + 1
            break
    while start < end and (doc[start].lower_ in ARTICLES or doc[start].is_punct or doc[start].is_lower):
        if _joined(doc, start) and doc[start].lower_ in NAME_PARTICLES and start + 2 < end:
            break  # 'al-Shabaab' keeps its article
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].is_space
        or doc[end - 1].tag_ == "POS"
        or doc[end - 1].like_num
        or (doc[end - 1].is_lower and doc[end - 1].lower_ not in GROUP_NAME_PARTS)
    ):
        end -= 1
    if label == "PERSON":
        start = _strip_person_prefix(doc, start, end, common, titles)
    title_end = start
    while title_end < end - 1 and _is_title_word(doc[title_end]):
        title_end += 1
    if title_end > start and (label == "PERSON" or end - title_end > 1):
        if not all(t.lower_ in HONORIFICS for t in doc[start:title_end]):
            titles.append(doc[start:title_end].text.strip(" ."))
        start = title_end
        label = "PERSON" if label in ("GPE", "ORG", "NORP") else label
    kind = None
    if end - start > 1 and doc[end - 1].lower_ in GROUP_NAME_PARTS and doc[end - 1].is_lower:
        kind = "group"
        end -= 1
    if start >= end or not any(t.text[:1].isupper() for t in doc[start:end]):
        return None
    if end - start == 1 and _is_title_word(doc[start]):
        return None  # a rank cut off from its name ('Brig' of 'Brig. Gen. X')
    if all(t.lower_ in PORTFOLIOS for t in doc[start:end]) and end < len(doc) and _is_title_word(doc[end]):
        return None  # 'Interior' of 'Interior Minister X' is part of a title
    if label == "NORP" and not _norp_actor(doc[start:end]):
        return None
    if _is_false_name(doc, start, end, label) or _is_credit(doc, start, end):
        return None
    return _Cand(start, end, label, titles=titles, kind=kind)


def _strip_person_prefix(doc: Doc, start: int, end: int, common: set[str], titles: list[str]) -> int:
    """'Republican Jane Roe' -> title 'Republican'; 'Lawmakers Rip Jane Roe' (a headline) -> 'Rip Jane Roe'."""
    while end - start > 1 and doc[start].whitespace_:  # whole words only, never the 'al' of 'al-Maliki'
        tok = doc[start]
        if tok.lower_ in PARTY_WORDS or tok.lower_ in DEMONYMS:
            titles.append(tok.text)
        elif not (tok.lower_ in common and end - start > 2):
            break
        start += 1
    return start


def _is_title_word(tok: Token) -> bool:
    return tok.lower_ in TITLE_WORDS or tok.lower_ in HONORIFICS or tok.lower_.rstrip(".") in TITLE_WORDS


def _norp_actor(span: Span) -> bool:
    """A NORP is an actor only as a noun ('the Houthis'), not as an adjective ('Iraqi officials')."""
    root = span.root
    return root.dep_ not in ("amod", "compound", "npadvmod") and root.tag_ in ("NNPS", "NNS", "NNP")


def _is_false_name(doc: Doc, start: int, end: int, label: str) -> bool:
    """Sentence-initial capitalised common nouns ('Photographs released by ...') tagged as names."""
    if end - start != 1:
        return False
    tok = doc[start]
    if _starts_sentence(tok) and tok.tag_ in ("NNS", "NN", "VBG", "VBN", "JJ", "RB"):
        return True
    return (tok.is_stop and not tok.text.isupper()) or tok.like_num  # "US" is no stop word


def _starts_sentence(tok: Token) -> bool:
    """Sentence start, also where the parser missed a paragraph break."""
    if tok.is_sent_start or tok.i == 0:
        return True
    prev = tok.doc[tok.i - 1]
    return (prev.is_space and "\n" in prev.text) or prev.text in (".", "!", "?") or "\n" in prev.whitespace_


def _is_credit(doc: Doc, start: int, end: int) -> bool:
    """Photo credits and bylines: a bare name followed by 'for The Outlet' ending the line."""
    tok_end = doc[end - 1].idx + len(doc[end - 1])
    line_start, line_end = line_bounds(doc_text(doc), doc[start].idx, tok_end)
    rest = doc_text(doc)[tok_end:line_end]
    if CREDIT_RE.fullmatch(rest):
        return True
    before = doc_text(doc)[line_start : doc[start].idx]
    return bool(re.search(r"\S\.\s+[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}\s+for\s+$", before) and rest.strip() == "")


def _collective_actors(doc: Doc, taken: set[int]) -> list[_Cand]:
    """'the Iraqi army', 'U.S. forces', 'the Iraqi government': national forces and governments as actors."""
    out = []
    for tok in doc:
        low = tok.lower_
        official = low in GOVERNMENT_NAME_PARTS or low == "office"  # 'the Pakistan foreign office'
        if tok.i in taken or tok.pos_ != "NOUN" or (low not in MILITARY_NAME_PARTS and not official):
            continue
        mods = [
            c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod", "poss") and c.ent_type_ in ("NORP", "GPE")
        ]
        leader = [c for c in tok.lefts if c.dep_ == "compound" and c.ent_type_ == "PERSON" and c.i == tok.i - 1]
        if leader and low in LEADER_GOVERNMENT_NOUNS and tok.i not in taken:
            start = leader[0].left_edge.i  # 'the Biden administration': a government, not the man
            out.append(_Cand(start, tok.i + 1, "COLLECTIVE", kind="government"))
            continue
        if not mods:
            continue
        start = min(m.left_edge.i for m in mods)
        kind = "military" if low in MILITARY_NAME_PARTS else "government"
        country = _country_of_token_span(doc[start : tok.i])
        if not country and official and len(mods) == 1 and mods[0].ent_type_ == "GPE":
            country = place_country(_entity_span_at(doc, mods[0].i) or mods[0].text)  # 'the Manipur government'
        if country:  # national and regional forces and governments only, not 'Satanic forces'
            out.append(_Cand(start, tok.i + 1, "COLLECTIVE", kind=kind, country=country))
    return out


# the nouns that vouch for a name the NER missed, joined once here rather than at every word of every report
_GROUP_OR_ORG_WORDS = GROUP_NAME_PARTS | ORG_HINTS
_NAMING_NOUNS = _GROUP_OR_ORG_WORDS | ORG_HEADS | OUTLET_WORDS


def _named_by_noun(doc: Doc, taken: set[int]) -> list[_Cand]:
    """Names the NER missed but a noun vouches for: 'the Grand Ravine gang', 'the Viv Ansanm coalition',
    'the White Helmets civil defence group', 'press freedom group Article 19', 'the Sinaloa Cartel'."""
    out: list[_Cand] = []
    for tok in doc:
        low = tok.lower_
        if tok.pos_ not in ("NOUN", "PROPN") or low not in _NAMING_NOUNS:
            continue
        if low in OUTLET_WORDS and low not in _GROUP_OR_ORG_WORDS and tok.is_lower:
            continue  # 'the post', 'the press'; only a capitalised 'Courier' ends a name
        kind = "organization" if low in ORG_HINTS or low in OUTLET_WORDS else "group"
        if tok.is_lower:
            span = _capitalised_run(doc, _skip_modifiers(doc, tok), -1, taken) or _capitalised_run(
                doc, tok.i + 1, 1, taken
            )
        else:  # a capitalised head word ends the name itself: 'Sinaloa Cartel'
            run = _capitalised_run(doc, tok.i - 1, -1, taken, places=True)
            span = (run[0], tok.i + 1) if run and tok.i not in taken and tok.ent_iob_ == "O" else None
        if span and not any(i in taken for i in range(*span)):
            out.append(_Cand(span[0], span[1], "ORG", kind=kind))
            taken.update(range(*span))
    return out


def _skip_modifiers(doc: Doc, noun: Token) -> int:
    """Index just left of the lower-case modifiers of a noun: 'White Helmets [civil defence] group'."""
    i = noun.i - 1
    while i >= 0 and noun.i - i <= 3 and doc[i].is_lower and doc[i].is_alpha and doc[i].dep_ in ("compound", "amod"):
        i -= 1
    return i


def _capitalised_run(doc: Doc, i: int, step: int, taken: set[int], places: bool = False) -> tuple[int, int] | None:
    """Token range of capitalised name words from i going left (step -1) or right (+1); None if there are none."""
    j = i
    while 0 <= j < len(doc) and j not in taken and _name_word(doc[j]) and abs(j - i) < 5:
        j += step
    lo, hi = (j + 1, i + 1) if step < 0 else (i, j)
    if hi <= lo or doc[lo].is_sent_start and hi - lo == 1 and doc[lo].tag_ != "NNP":
        return None
    one = doc[lo].text if hi - lo == 1 else ""
    if one and (doc[lo].ent_type_ == "NORP" or iso2(one) or (not places and place_country(one))):
        return None  # 'Sudanese army', 'Amhara militias': nationality and region words, read elsewhere
    return lo, hi


def _name_word(tok: Token) -> bool:
    """A word that can sit inside a name: capitalised noun, or a number after one ('Daraa 24')."""
    if tok.is_punct or tok.lower_ in ARTICLES or tok.ent_type_ in ("DATE", "TIME") or _is_title_word(tok):
        return False
    if tok.like_num:
        return tok.i > 0 and tok.doc[tok.i - 1].text[:1].isupper()
    return tok.text[:1].isupper() and tok.pos_ in ("PROPN", "NOUN")


# ---------------------------------------------------------------- context: titles, affiliation, kind


def _read_context(doc: Doc, cand: _Cand) -> None:
    """Titles, affiliation, country and kind from the words around a mention (appositions, clauses, titles)."""
    span = doc[cand.start : cand.end]
    if cand.label == "COLLECTIVE":
        return
    _prenominal_title(doc, cand)
    root = span.root
    for child in root.children:
        if child.i >= cand.end and child.dep_ == "appos":
            _apposition(doc, cand, child)
        elif child.i >= cand.end and child.dep_ == "relcl":
            _relative_clause(doc, cand, child)
        elif child.i >= cand.end and child.dep_ == "prep" and child.lower_ == "of":
            _of_affiliation(doc, cand, child)
    if root.dep_ == "appos" and root.head.i < cand.start:  # 'the group, Y' -> kind from the head noun
        _kind_from_noun(cand, root.head)
    nxt = doc[cand.end] if cand.end < len(doc) else None
    if _region_word(doc, cand):
        return
    if nxt is not None and nxt.lower_ in GROUP_NAME_PARTS and nxt.is_lower:
        cand.kind = "group"
    if root.dep_ == "compound" and root.head.lower_ in GROUP_NAME_PARTS and cand.label in ("ORG", "PERSON", "NORP"):
        cand.kind = "group"
    title_head = _title_before(root, cand)
    if title_head is not None:
        cand.label = "PERSON"
        left = [t for t in title_head.lefts if t.dep_ in ("amod", "compound")]
        owner = [t for t in left if t.ent_type_ in ("ORG", "PERSON")]  # 'a Falcon Brigade commander, X'
        if owner:
            cand.affiliation = cand.affiliation or _entity_span_at(doc, owner[-1].i)
            left = [t for t in left if t.i > owner[-1].i]
        cand.titles.append(doc[left[0].i if left else title_head.i : title_head.i + 1].text)
        for prep in title_head.children:
            if prep.dep_ == "prep" and prep.lower_ in TITLE_AFFILIATION_PREPS:
                _of_affiliation(doc, cand, prep)
        cand.country = cand.country or _country_of_token_span(list(title_head.lefts))
    if not cand.titles and cand.label == "PERSON":
        _title_run_before(doc, cand)
    if not cand.titles:
        _surface_apposition(doc, cand)
    _abbreviated_rank(doc, cand)


def _region_word(doc: Doc, cand: _Cand) -> bool:
    """'Amhara militias', 'Kenyan army': a country or region name before a group noun is no group name."""
    if cand.label != "GPE":
        return False
    name = doc[cand.start : cand.end].text
    if iso2(name):
        return True
    gaz = _gazetteer()
    try:
        places = gaz.lookup(name) if gaz else ()
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return True
    return bool(places) and (places[0].kind in ("country", "admin1", "region") or places[0].population >= 100_000)


def _title_before(root: Token, cand: _Cand) -> Token | None:
    """'The ombudsman, X,' / 'The Congolese foreign minister, X,' / 'The governor of Y department, X,'.

    The parser sometimes hangs the name on the last noun of the title's prepositional phrase: climb to the title.
    """
    if root.dep_ != "appos" or root.head.i >= cand.start:
        return None
    head = root.head
    for _ in range(2):
        if _is_title_word(head) or (cand.label == "PERSON" and _role_noun(head)):
            return head
        if head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.i < head.i:
            head = head.head.head
        else:
            return None
    return head if _is_title_word(head) else None


def _abbreviated_rank(doc: Doc, cand: _Cand) -> None:
    """'Brig. Gen. X': the tokenizer may cut 'Brig.' off as a sentence of its own; put it back in the title."""
    text = doc_text(doc)
    name_start = doc[cand.start].idx
    for n, title in enumerate(cand.titles):
        at = text.rfind(title, max(0, name_start - len(title) - 3), name_start)
        if at < 0 or text[at + len(title) : name_start].strip():
            continue
        m = re.search(r"\b([A-Z][a-z]{1,4})\.\s*$", text[max(0, at - 8) : at])
        if m and m.group(1).lower() in TITLE_WORDS:
            cand.titles[n] = f"{m.group(1)}. {title}"


def _surface_apposition(doc: Doc, cand: _Cand) -> None:
    """'X, Paraguay's president, ...' when the parse missed the apposition: a short title phrase between commas."""
    if cand.end >= len(doc) or doc[cand.end].text != ",":
        return
    j = cand.end + 1
    while j < len(doc) and j - cand.end <= 5 and doc[j].text != "," and doc[j].pos_ not in ("VERB", "AUX"):
        j += 1
    words = [t for t in doc[cand.end + 1 : j] if t.dep_ != "det" and t.lower_ not in ARTICLES]
    if j >= len(doc) or doc[j].text != "," or not words or words[-1].lower_ not in TITLE_WORDS:
        return
    if words[-1].lower_ in GROUP_NAME_PARTS or cand.label not in ("PERSON", "ORG"):
        return
    cand.label = "PERSON"
    cand.titles.append(doc[words[0].i : words[-1].i + 1].text)
    cand.country = cand.country or _country_of_token_span(words)


def _title_run_before(doc: Doc, cand: _Cand) -> None:
    """'... and Foreign Minister X', 'said prefect X': title words right before the name that the parse missed."""
    i = cand.start
    while i > 0 and cand.start - i < 4:
        tok = doc[i - 1]
        titled = _is_title_word(tok) and tok.lower_ not in HONORIFICS
        capital_mod = i < cand.start and tok.text[:1].isupper() and tok.is_alpha and tok.ent_iob_ == "O"
        if not (titled or capital_mod) or tok.is_sent_start and not titled:
            break
        i -= 1
    if any(_is_title_word(t) for t in doc[i : cand.start]):
        cand.titles.append(doc[i : cand.start].text)
        return
    prev = doc[cand.start - 1] if cand.start else None
    if prev is not None and prev.is_lower and prev.dep_ == "compound" and _role_noun(prev):
        cand.titles.append(prev.text)


def _its_owner(doc: Doc, cand: _Cand, earlier: list[_Cand]) -> str | None:
    """'Its spokesman X' / 'their commander, X': the group named just before owns the title."""
    i = cand.start - 1
    while i >= 0 and cand.start - i <= 6 and doc[i].tag_ != "PRP$" and not doc[i].is_sent_start:
        i -= 1
    root = doc[cand.start : cand.end].root
    if root.dep_ == "appos" and root.head.i < cand.start:  # 'its deputy commander ..., X'
        owned = [t for t in root.head.lefts if t.tag_ == "PRP$"]
        i = owned[0].i if owned else i
    if i < 0 or doc[i].lower_ not in OWNER_POSSESSIVES or (cand.start - i > 6 and root.dep_ != "appos"):
        return None
    groups = [
        c
        for c in earlier[-40:]
        if c.label in ("ORG", "PERSON", "NORP")
        and c.kind in ("group", None)
        and c.start < i
        and _kind(doc, c) != "person"
        and doc[c.start].idx > doc[i].idx - 600
    ]
    return doc[groups[-1].start : groups[-1].end].text if groups else None


def _prenominal_title(doc: Doc, cand: _Cand) -> None:
    """'Iraq's military spokesman X', 'U.S. diplomatic envoy X', 'Iraqi Prime Minister X'."""
    root = doc[cand.start : cand.end].root
    i = cand.start
    while (
        i > root.left_edge.i
        and doc[i - 1].dep_ not in ("det", "punct", "prep", "cc", "appos")
        and not doc[i - 1].is_space
    ):
        i -= 1
    if i == cand.start:
        return
    words = doc[i : cand.start]
    if all(t.lower_ in HONORIFICS for t in words[-1:]):  # 'Ms. Atimadi': a person, but no title
        cand.label, cand.honorific = "PERSON", True
        words = doc[i : cand.start - 1]
    if not any(_is_title_word(t) and t.lower_ not in HONORIFICS for t in words):
        return
    poss = [t for t in words if t.dep_ == "poss" or t.tag_ == "POS"]
    owner = [t for t in words if t.dep_ == "poss" and t.ent_type_ in ("ORG", "PERSON")]
    if owner and cand.label == "PERSON":
        cand.affiliation = doc[owner[0].left_edge.i : owner[0].i + 1].text
    cand.country = cand.country or _country_of_token_span(words)
    text = words.text.strip(" ,")
    if poss and words[0].lower_ in ("the",):
        text = doc[i + 1 : cand.start].text
    cand.titles.insert(0, text)
    if cand.label != "PERSON" and any(t.lower_ in TITLE_WORDS for t in words):
        cand.label = "PERSON"


_NOT_ROLE_NOUNS = GROUP_NAME_PARTS | ORG_HINTS | PLACE_NOUNS | PLACE_HEADS | GOVERNMENT_NAME_PARTS | MILITARY_NAME_PARTS


def _role_noun(tok: Token) -> bool:
    """A common noun that can describe a person ('shopkeeper', 'ombudsman', 'student'), not a group or a place."""
    low = tok.lower_
    return (
        tok.pos_ == "NOUN"
        and tok.tag_ == "NN"
        and tok.is_alpha
        and low not in _NOT_ROLE_NOUNS
        and low not in OUTLET_WORDS
    )


def _apposition(doc: Doc, cand: _Cand, head: Token) -> None:
    """'X, the country's foreign minister,' / 'X, a commander of Y,' / 'Y, a militia that ...'."""
    if head.ent_type_ and head.ent_iob_ != "O" and head.pos_ == "PROPN":
        return  # alias apposition ('X, known as Y' is handled by linking)
    _kind_from_noun(cand, head)
    if cand.label in ("ORG", "GPE", "NORP") and head.lower_ in TITLE_WORDS and head.lower_ not in GROUP_NAME_PARTS:
        cand.label = "PERSON"  # 'Santiago Pena, Paraguay's president,' tagged as an organisation
    if cand.label == "PERSON" and (
        head.lower_ in TITLE_WORDS or head.lower_ in GOVERNMENT_NAME_PARTS or _role_noun(head)
    ):
        left = [
            t
            for t in head.lefts
            if t.dep_ not in ("det", "punct", "nummod")
            and not any(ch.isdigit() for w in t.subtree for ch in w.text)
            and t.lower_ not in GENERIC_POSS
            and not (t.dep_ == "poss" and t.lower_ in OWNER_NOUNS)
        ]
        words = [t for t in left if t.tag_ != "POS" or t.head.lower_ not in OWNER_NOUNS_WITH_S] + [head]
        words += [w for t in left if t.dep_ == "poss" for w in t.subtree if w not in words and w.dep_ != "det"]
        cand.titles.append(" ".join(t.text for t in sorted(words, key=lambda t: t.i)).replace(" 's", "'s"))
        cand.country = cand.country or _country_of_token_span(left)
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in ROLE_AFFILIATION_PREPS:
            _of_affiliation(doc, cand, child)
        if child.dep_ == "relcl" and cand.kind == "group":
            _relative_clause(doc, cand, child)


def _relative_clause(doc: Doc, cand: _Cand, verb: Token) -> None:
    """'X, who heads the ... Y militia' (affiliation Y), 'a militia that falls under the command of Z'."""
    objs = [t for t in verb.subtree if t.ent_type_ in ("ORG", "PERSON", "NORP", "GPE") and t.i > verb.i]
    objs.sort(key=lambda t: (t.ent_type_ in ("GPE", "NORP"), -t.i))
    if not objs:
        return
    named = _entity_span_at(doc, objs[0].i)
    if named is None:
        return
    if cand.label == "PERSON" and verb.lower_ in RELCL_TITLES:
        cand.affiliation = cand.affiliation or named
        cand.titles.append(RELCL_TITLES[verb.lower_])
    elif cand.kind == "group" and any(t.lower_ == "command" for t in verb.subtree):
        cand.affiliation = cand.affiliation or named


def _of_affiliation(doc: Doc, cand: _Cand, prep: Token) -> None:
    """'a commander of Y', 'X of the Y party', 'a spokesman for Y'."""
    for pobj in prep.children:
        if pobj.dep_ != "pobj":
            continue
        named = _entity_span_at(doc, pobj.i) or next(
            (_entity_span_at(doc, t.i) for t in pobj.lefts if t.ent_type_), None
        )
        if named and not cand.affiliation and cand.label == "PERSON":
            cand.affiliation = named
        elif pobj.ent_type_ == "GPE" and cand.label == "PERSON":
            cand.country = cand.country or iso2(pobj.text)


def _kind_from_noun(cand: _Cand, noun: Token) -> None:
    low = noun.lower_
    if low in GROUP_NAME_PARTS and low not in STATE_FORCE_NOUNS:
        cand.kind = "group"
    elif low in GOVERNMENT_NAME_PARTS:
        cand.kind = "government"
    elif low in ORG_HINTS:
        cand.kind = "organization"


def _entity_span_at(doc: Doc, i: int) -> str | None:
    tok = doc[i]
    if tok.ent_type_ not in NAME_LABELS | {"FAC", "LOC"}:
        return None  # 'a mother of five': numbers and dates name nobody
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    while start < end and doc[start].lower_ == "the":
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end].text if start < end else None


# ---------------------------------------------------------------- kinds


def _initials(name: str) -> str:
    """'Tigray People's Liberation Front' -> 'TPLF', 'World Food Programme' -> 'WFP'."""
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w[:1].isupper())


def _merge_acronyms(ents: list[_Ent]) -> list[_Ent]:
    """An acronym seen before its expansion, or never bracketed at all ('RSF' ... 'Rapid Support Forces')."""
    out: list[_Ent] = []
    for ent in ents:
        if ent.name.isupper() and len(ent.name) >= 2:
            key = ent.name.lower()
            full = next(
                (
                    o
                    for o in ents
                    if o is not ent and not o.name.isupper() and (key in o.keys or _initials(o.name) == ent.name)
                ),
                None,
            )
            if full is not None:
                full.keys |= ent.keys
                full.aliases += [a for a in ent.aliases if a not in full.aliases]
                full.spans += ent.spans
                full.cands += ent.cands
                continue
        out.append(ent)
    return out


def _merge_capitals(ents: list[_Ent]) -> list[_Ent]:
    """'Kigali denies ...' when Rwanda is named too: the capital speaks for the state, one actor."""
    out: list[_Ent] = []
    for ent in ents:
        country = next(
            (
                o
                for o in ents
                if o is not ent
                and ent.kind == o.kind == "state"
                and o.country == ent.country
                and _is_country_name(o.name)
            ),
            None,
        )
        if country is not None and not _is_country_name(ent.name) and ent.name.lower() not in DEMONYMS:
            country.aliases += [a for a in ent.aliases if a not in country.aliases]
            country.quiet |= ent.quiet | set(ent.aliases)
            country.keys |= ent.keys
            country.spans += ent.spans
            continue
        out.append(ent)
    return out


def _prefer_country_name(ent: _Ent) -> None:
    """A state is named by its country name, not the demonym it was first seen as ('Ukrainian' -> 'Ukraine')."""
    if ent.kind != "state" or ent.name.lower() not in DEMONYMS and not _gazetteer_demonym(ent.name):
        return
    better = next((a for a in ent.aliases if a.lower() not in DEMONYMS and _is_country_name(a)), None)
    if better:
        ent.name = better


def _gazetteer_demonym(word: str) -> bool:
    """A nationality word the gazetteer knows ('Burkinabe'), beyond the short list here."""
    gaz = _gazetteer()
    try:
        return bool(gaz and gaz.country_of_demonym().get(word.lower()))
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return False


def _settle_kind(doc: Doc, ent: _Ent) -> bool:
    """Decide the kind from all mentions at once; False for a place that is only a place (not a participant).

    The evidence, strongest first: a person's title or honorific; the name's own words ('... Forces', 'Ministry
    of ...'); what the context called it ('a militia', 'the group'); the gazetteer (a country is a state, a
    town is a place); news-outlet words; and last the NER label. A town or region that acts ('Moscow said')
    stands for its government and becomes a state.
    """
    if any(c.label == "COLLECTIVE" for c in ent.cands):
        return True
    words = [w.lower() for w in ent.name.replace("-", " ").split()]
    if ent.titles or any(c.honorific for c in ent.cands):
        ent.kind = "person"
        return True
    named = _name_kind(words, ent.name)
    if named:
        ent.kind = named
        ent.country = ent.country or (_name_country(ent.name) if ent.kind == "military" else None)
        return True
    told = {c.kind for c in ent.cands if c.kind}
    for kind in ("group", "government", "organization"):
        if kind in told:
            ent.kind = kind
            return True
    if words[-1] in OUTLET_WORDS or any(_outlet_context(doc, c) for c in ent.cands):
        ent.kind = "organization"
        return True
    code = iso2(ent.name)
    if code and any(_is_country_name(a) or a.lower() in DEMONYMS for a in [ent.name, *ent.aliases]):
        ent.kind, ent.country = "state", ent.country or code
        return True
    if any(c.label == "PERSON" and _speaks(doc, c) for c in ent.cands) and not _is_capital(ent.name):
        ent.kind = "person"  # 'Madison said ...': a speaker named like a town is a person
        return True
    if _is_place(doc, ent):
        return _place_as_state(doc, ent)
    return ent.kind != "state" or bool(ent.country or ent.acts)


def _name_kind(words: list[str], name: str) -> str | None:
    """Kind told by the name's own words: 'Rapid Support Forces', 'Ministry of Health', 'Hayat Tahrir al-Sham'."""
    if set(words) & GROUP_NAME_WORDS:
        return "group"
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]  # 'Ministry of Health', 'Federal Government of Somalia'
    head = next((w for w in reversed(words) if w in KIND_HEADS), words[-1])  # 'Quezon City Police District'
    if head in GOVERNMENT_HEADS:
        return "government"
    if head in MILITARY_HEADS:
        return "military"
    if head == "force" and (set(words) & MILITARY_HEADS or "air" in words):
        return "military"  # 'Tanzania Police Force', 'Nigerian Air Force'
    if head in ARMED_HEADS:
        return "military" if _name_country(name) else "group"
    if head in GROUP_HEADS or (head == "state" and "islamic" in words):
        return "group"
    return None


def _name_country(name: str) -> str | None:
    """'Indian Army', 'US Central Command': the country word inside a name."""
    for word in name.split()[:-1]:
        code = iso2(word) if word[:1].isupper() else None
        if code:
            return code
    return None


def _is_country_name(name: str) -> bool:
    """A country's name, not a demonym or a city: 'Burkina Faso', 'DR Congo', 'the United States'."""
    low = name.lower().removeprefix("the ").strip()
    if low in COUNTRY_ALIASES:
        return True
    if low in DEMONYMS:
        return False
    gaz = _gazetteer()
    if gaz is None:
        return len(low) > 3
    try:
        places = gaz.lookup(name)
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return len(low) > 3
    return bool(places) and places[0].kind == "country"


def _is_place(doc: Doc, ent: _Ent) -> bool:
    """A town, region or landmark: the gazetteer knows it, or the text uses it as a place ('near the town of X')."""
    if any(_place_context(doc, c) for c in ent.cands):
        return True
    words = ent.name.lower().split()
    if words[-1] in PLACE_HEADS:
        return True
    gaz = _gazetteer()
    if gaz is None or (ent.name.isupper() and len(ent.name) <= 4):
        return False  # 'EU', 'UN': acronyms are no towns
    try:
        places = [p for p in gaz.lookup(ent.name) if not p.alt]
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return False
    if not places:
        return False
    people = sum(c.label == "PERSON" for c in ent.cands)
    return people * 2 <= len(ent.cands) or places[0].population >= 100_000


# place words joined once at import, not for every mention read
_PLACE_WORDS = PLACE_NOUNS | PLACE_HEADS
_PLACE_OR_DIRECTION = PLACE_NOUNS | DIRECTIONS
_PLACE_WORDS_AND_PARTS = PLACE_NOUNS | PLACE_HEADS | PLACE_PARTS


def _place_context(doc: Doc, cand: _Cand) -> bool:
    """'in X', 'near the town of X', 'the X base', 'X province', 'X, the capital of Y', '20 km east of X'."""
    root = doc[cand.start : cand.end].root
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in PLACE_NAME_PREPS:
        return True
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _PLACE_OR_DIRECTION:
        return True
    if root.dep_ in ("compound", "nmod") and head.lower_ in _PLACE_WORDS and head.i == cand.end:
        return True
    if cand.end < len(doc) and doc[cand.end].lower_ in _PLACE_WORDS and doc[cand.end].is_lower:
        return True
    after = [t.lower_ for t in doc[cand.end : cand.end + 2]]
    if any(c.dep_ == "prep" and c.lower_ in PROXIMITY_PREPS for c in root.children) or after in COMMA_PROXIMITY:
        return True  # 'from Humera, near the border'
    if root.dep_ in ("pobj", "conj") and _listed_among_places(root):
        return True
    return any(c.dep_ == "appos" and c.lower_ in PLACE_NOUNS for c in root.children)


def _listed_among_places(tok: Token) -> bool:
    """'towns including Lalibela and Gondar', 'villages such as X': named as one of several places."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    prep = tok.head
    return tok.dep_ == "pobj" and prep.lower_ in EXAMPLE_PREPS and prep.head.lower_ in PLACE_NOUNS


def _speaks(doc: Doc, cand: _Cand) -> bool:
    """The name is the subject of a verb of saying ('X said', 'X told reporters')."""
    root = doc[cand.start : cand.end].root
    return root.dep_ == "nsubj" and root.head.lower_ in SPEECH_VERBS


def _is_capital(name: str) -> bool:
    """A national capital: the one kind of town whose name often stands for its government."""
    gaz = _gazetteer()
    try:
        return bool(gaz) and any(p.capital for p in gaz.lookup(name)[:2])
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return False


def _place_as_state(doc: Doc, ent: _Ent) -> bool:
    """A town or capital that acts stands for its state; only its acting mentions are the state's mentions."""
    words = ent.name.lower().split()
    country = ent.country or place_country(ent.name)
    if words[-1] in PLACE_HEADS or not country:
        return False  # a street or an unknown place never speaks for a state
    acting = [c for c in ent.cands if _place_acts(doc, c)] + _acts_untagged(doc, ent)
    if not acting:
        return False
    ent.kind, ent.country = "state", country
    ent.spans = [(doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1])) for c in acting]
    ent.quiet.update(ent.aliases)  # other mentions of the town are the place itself
    return True


def _acts_untagged(doc: Doc, ent: _Ent) -> list[_Cand]:
    """Later mentions the NER missed can act too: 'The ministry in Accra said ... Accra has urged restraint.'"""
    seen = {doc[c.start].idx for c in ent.cands}
    out = []
    for m in re.finditer(r"(?<![\w-])" + re.escape(ent.name) + r"(?![\w-])", doc_text(doc)):
        span = doc.char_span(m.start(), m.end())
        if span is not None and m.start() not in seen and _place_acts(doc, _Cand(span.start, span.end, "GPE")):
            out.append(_Cand(span.start, span.end, "GPE"))
    return out


def _place_acts(doc: Doc, cand: _Cand) -> bool:
    """A place name as a doer: subject of a doing or saying verb ('Moscow denied', 'Kinshasa has accused'),
    an agent ('ignored by Washington'), or a capital owning or relating ('Beijing's cooperation', 'relations
    between Harare and London')."""
    root = doc[cand.start : cand.end].root
    if cand.label == "PERSON" or _place_context(doc, cand):
        return False
    if root.dep_ == "pobj" and root.head.dep_ == "agent":
        return True
    if root.dep_ in ("poss", "pobj", "conj") and _is_capital(doc[cand.start : cand.end].text):
        return _capital_relation(root)
    if root.dep_ != "nsubj":
        return False
    verb = root.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    return verb.lower_ not in BE_WORDS or any(c.dep_ == "acomp" for c in verb.children)  # 'X has been wary'


def _capital_relation(root: Token) -> bool:
    """'Beijing's cooperation' and 'ties between Harare and London' are the state; 'Baghdad's airport' is not."""
    if root.dep_ == "poss":
        return root.head.lower_ not in _PLACE_WORDS_AND_PARTS
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    prep = root.head
    not_relation = PLACE_NOUNS | PLACE_HEADS | ROUTES  # 'flights between X and Y' join places, not states
    return root.dep_ == "pobj" and prep.lower_ == "between" and prep.head.lower_ not in not_relation


def _outlet_context(doc: Doc, cand: _Cand) -> bool:
    """'KABUL (Outlet) -': the name in brackets after an upper-case dateline is the news outlet."""
    return dateline_outlet(doc_text(doc), doc[cand.start].idx, doc[cand.end - 1].idx)


# ---------------------------------------------------------------- countries


@lru_cache(maxsize=4096)
def iso2(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name, demonym or common short form; None when unsure."""
    low = re.sub(r"['’]s$", "", name.strip().lower().removeprefix("the ")).strip()
    if low in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[low]
    if low in DEMONYMS:
        return DEMONYMS[low]
    if len(low) <= 3:
        return None  # 'UN', 'EU', 'BLA' are not ISO codes or towns here
    gaz = _gazetteer_country(low)
    if gaz:
        return gaz
    try:
        import pycountry

        return pycountry.countries.lookup(low).alpha_2
    except (LookupError, ImportError):
        return None


def _gazetteer():
    """The parallel gazetteer module when it is there; this module must also work without it."""
    try:
        from dateline import gazetteer
    except ImportError:
        return None
    return gazetteer


def _gazetteer_country(low: str) -> str | None:
    """Demonyms and country names known to the gazetteer ('burkinabe', 'the Gambia')."""
    gaz = _gazetteer()
    if gaz is None:
        return None
    try:
        code = gaz.country_of_demonym().get(low)
        if code:
            return code
        places = gaz.lookup(low)
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return None
    return places[0].country if places and places[0].kind == "country" else None


@lru_cache(maxsize=4096)
def place_country(name: str) -> str | None:
    """Country of a city or region used as an actor ('Washington', 'Tehran'): the biggest place of that name."""
    gaz = _gazetteer()
    if gaz is None:
        return None
    try:
        places = gaz.lookup(name)
    except Exception:  # noqa: BLE001 - an optional helper must never break entity finding
        return None
    return places[0].country if places else None


def _country_of_token_span(tokens) -> str | None:
    """The first country word among the tokens ('Iraqi', 'Iraq's'), also when the NER took it for an ORG."""
    for tok in tokens:
        if tok.ent_type_ in ("GPE", "NORP") or tok.lower_ in DEMONYMS:
            code = iso2(_entity_span_at(tok.doc, tok.i) or tok.text)
            if code:
                return code
        elif tok.ent_type_ == "ORG" and tok.pos_ == "PROPN" and _is_country_name(tok.text):
            return iso2(tok.text)
    return None


# ---------------------------------------------------------------- linking


def _key_tokens(text: str) -> tuple[str, ...]:
    """Comparison form of a name: lower case, no 'al-'/'el-' prefixes, no possessive, no 'the'."""
    text = re.sub(r"['’]s$", "", text.strip())
    words = [w for w in re.split(r"[\s]+", text.lower()) if w and w != "the"]
    return tuple(re.sub(r"^(al|el|ad|ash|as|at|an|ar)-", "", w).strip(".,") for w in words)


def _link(doc: Doc, cands: list[_Cand]) -> list[_Ent]:
    ents: list[_Ent] = []
    alias_of: dict[int, int] = _explicit_aliases(doc, cands)
    by_cand: dict[int, _Ent] = {}
    for ci, cand in enumerate(cands):
        text = doc[cand.start : cand.end].text
        key = _key_tokens(text)
        if not key:
            continue
        target = by_cand.get(alias_of[ci]) if ci in alias_of else None
        target = target or _bare_surname(ents, key, cand) or _match(ents, key, cand) or _same_country(doc, ents, cand)
        if target is None:
            target = _Ent(name=text, kind=_kind(doc, cand))
            ents.append(target)
        _absorb(target, cand, text, key, doc)
        by_cand[ci] = target
    return [e for e in ents if e.name]


def _explicit_aliases(doc: Doc, cands: list[_Cand]) -> dict[int, int]:
    """'X, known as Y', 'X, also known as Y', 'X (Y)', 'X, or Y,' -> candidate index of Y maps to X's."""
    out: dict[int, int] = {}
    for ai, a in enumerate(cands[:-1]):
        b = cands[ai + 1]
        between = doc_text(doc)[doc[a.end - 1].idx + len(doc[a.end - 1]) : doc[b.start].idx].strip().lower()
        between = re.sub(r"^['’]s\s*", "", between)
        alias_cue = ALIAS_RE.fullmatch(between)
        if alias_cue and (between != "(" or b.label == a.label or doc[b.start : b.end].text.isupper()):
            out[ai + 1] = ai
    _acronyms(doc, cands, out)
    return out


def _acronyms(doc: Doc, cands: list[_Cand], out: dict[int, int]) -> None:
    """'the Islamic State (ISIS)' where spaCy did not tag the acronym: add it as its own candidate."""
    for ci, cand in enumerate(list(cands)):
        j = cand.end
        if (
            j + 2 < len(doc)
            and doc[j].text == "("
            and doc[j + 2].text == ")"
            and doc[j + 1].is_upper
            and len(doc[j + 1]) >= 2
            and not any(c.start == j + 1 for c in cands)
        ):
            cands.append(_Cand(j + 1, j + 2, cand.label, kind=cand.kind))
            out[len(cands) - 1] = ci


def _bare_surname(ents: list[_Ent], key: tuple[str, ...], cand: _Cand) -> _Ent | None:
    """'Trump' in a headline, then 'Donald Trump': the full name joins the entity its surname opened, which then
    is a person (the NER often tags a bare surname as an organisation). Only an entity known by that one word
    alone, with no kind told by its context, so a second person of the same surname stays apart."""
    if cand.label != "PERSON" or len(key) < 2:
        return None
    for ent in reversed(ents):
        if ent.keys == {key[-1]} and ent.kind in ("person", "organization") and not any(c.kind for c in ent.cands):
            ent.kind = "person"
            return ent
    return None


def _match(ents: list[_Ent], key: tuple[str, ...], cand: _Cand) -> _Ent | None:
    """Most recent entity whose name contains this mention's words (surname, short form, al- variant)."""
    for ent in reversed(ents):
        if " ".join(key) in ent.keys:
            return ent
    if cand.label == "COLLECTIVE":
        return None
    number = _number_variant(key)
    for ent in reversed(ents):  # 'the Houthis' and 'the Houthi movement' name one group
        if number in ent.keys and ent.kind != "person" and (cand.label != "PERSON" or len(key) == 1):
            return ent
    for ent in reversed(ents):
        if ent.kind in ("state",) or cand.label == "GPE":
            continue
        for other in ent.keys:
            words = tuple(other.split())
            if len(words) > len(key) and _contains(words, key, ent.kind == "person"):
                return ent
    return None


def _number_variant(key: tuple[str, ...]) -> str:
    """The same name in the other grammatical number: 'houthis' <-> 'houthi'."""
    last = key[-1]
    other = last[:-1] if last.endswith("s") and len(last) > 3 else last + "s"
    return " ".join((*key[:-1], other))


def _same_country(doc: Doc, ents: list[_Ent], cand: _Cand) -> _Ent | None:
    """'U.S.', 'the United States' and 'America' are one actor."""
    if cand.label != "GPE":
        return None
    code = iso2(doc[cand.start : cand.end].text)
    return next((e for e in ents if code and e.kind == "state" and e.country == code), None)


def _contains(words: tuple[str, ...], key: tuple[str, ...], person: bool) -> bool:
    n = len(key)
    if person:
        return words[-n:] == key
    return any(words[i : i + n] == key for i in range(len(words) - n + 1)) and (n > 1 or key[0] == words[-1])


def _kind(doc: Doc, cand: _Cand) -> str:
    if cand.kind:
        return cand.kind
    words = {t.lower_ for t in doc[cand.start : cand.end]}
    if words & GROUP_NAME_WORDS:
        return "group"
    if cand.label == "PERSON":
        return "person"
    if cand.label == "GPE":
        return "state"
    if cand.label == "NORP":
        return "state" if iso2(doc[cand.start : cand.end].text) else "group"
    if words & GOVERNMENT_KIND_WORDS:
        return "government"
    if words & MILITARY_KIND_WORDS:
        return "military" if _country_of_token_span(doc[cand.start : cand.end]) else "group"
    if words & GROUP_KIND_WORDS:
        return "group"
    return "organization"


def _absorb(ent: _Ent, cand: _Cand, text: str, key: tuple[str, ...], doc: Doc) -> None:
    ent.keys.add(" ".join(key))
    ent.cands.append(cand)
    if text not in ent.aliases:
        ent.aliases.append(text)
    if len(" ".join(key)) > len(" ".join(_key_tokens(ent.name))) and not text.isupper():
        ent.name = text
    for title in cand.titles:
        if title and not any(t.endswith(title) for t in ent.titles):
            ent.titles.append(title)
    ent.affiliation = ent.affiliation or cand.affiliation
    if cand.honorific:
        ent.kind = "person"
    if cand.kind == "group" or (ent.kind == "person" and cand.kind in ("government", "organization")):
        ent.kind = cand.kind if ent.kind != "group" else ent.kind
    if cand.label == "GPE":
        ent.country = ent.country or iso2(text)
    ent.country = ent.country or cand.country
    ent.acts = ent.acts or doc[cand.start : cand.end].root.dep_ in ("nsubj", "nsubjpass", "poss", "agent")
    start = doc[cand.start].idx
    ent.spans.append((start, doc[cand.end - 1].idx + len(doc[cand.end - 1])))


def _surnames(ent: _Ent) -> list[str]:
    """Later mentions of a person by surname alone ('Okafor', 'Maliki', 'al-Maliki')."""
    words = ent.name.split()
    if ent.kind != "person" or len(words) < 2 or not words[-1][:1].isupper() and "-" not in words[-1]:
        return []
    last = words[-1]
    bare = re.sub(r"^(?:[Aa]l|[Ee]l)-", "", last)
    forms = {last, bare, "al-" + bare, "Al-" + bare} if bare != last else {last}
    if len(words) >= 3 and all(w[:1].isupper() for w in words[-2:]):
        forms.add(" ".join(words[-2:]))  # 'Espen Barth Eide' -> 'Barth Eide
    return [f for f in forms if len(f) > 2 and f[:1].isalpha()]


def _resolve_affiliations(ents: list[_Ent]) -> None:
    """Affiliations point at the canonical name of a known entity when there is one ('Y militia' -> 'Y')."""
    for ent in ents:
        if not ent.affiliation:
            continue
        words = [w for w in ent.affiliation.split() if not (w.islower() and w in GROUP_NAME_PARTS)]
        key = " ".join(_key_tokens(" ".join(words)))
        match = next((o for o in ents if key in o.keys and o is not ent), None)
        ent.affiliation = match.name if match else " ".join(words)


def _scan_mentions(doc: Doc, ents: list[_Ent]) -> None:
    """Add occurrences of every known alias that the NER missed; one regex pass over the text."""
    owner: dict[str, _Ent] = {}
    for ent in ents:
        for alias in ent.aliases:
            if (len(alias) > 2 or alias.isupper()) and alias not in ent.quiet:
                owner.setdefault(alias, ent)
    for ent in ents:
        for surname in _surnames(ent):
            owner.setdefault(surname, ent)
    if not owner:
        return
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in sorted(owner, key=len, reverse=True)) + r")(?![\w-])"
    )
    taken = sorted(s for e in ents for s in e.spans)
    for m in pattern.finditer(doc_text(doc)):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        ent = owner[m.group()]
        span = doc.char_span(m.start(), m.end()) if ent.kind == "person" else None
        if span is not None and _place_context(doc, _Cand(span.start, span.end, "GPE")):
            continue  # 'Kadawa village' is no mention of Aminu Kadawa
        ent.spans.append((m.start(), m.end()))
        if m.group() not in ent.aliases and m.group() != ent.name:
            ent.aliases.append(m.group())


def _canonical(ent: _Ent, said: list[str]) -> str:
    """The full name, unless it was seen once and a shorter full form inside it recurs (headline noise)."""
    name = ent.name
    if said.count(name) > 1:
        return name
    inner = [a for a in ent.aliases if a != name and len(a.split()) >= 2 and a in name and said.count(a) > 1]
    return max(inner, key=len) if inner else name


def _to_record(n: int, ent: _Ent, text: str) -> Entity:
    spans = sorted(set(ent.spans))
    ent.name = _canonical(ent, [text[s:e] for s, e in spans])
    aliases = [a for a in ent.aliases if a != ent.name]
    if ent.kind == "state" and not ent.country:
        ent.country = iso2(ent.name) or place_country(ent.name)
    affiliation = ent.affiliation if ent.affiliation and ent.affiliation != ent.name else None
    return Entity(
        id=f"ent{n}",
        name=ent.name,
        kind=ent.kind,
        aliases=aliases,
        titles=ent.titles,
        affiliation=affiliation,
        country=ent.country,
        mentions=[TextSpan(text=text[s:e], start=s, end=e) for s, e in spans],
    )
