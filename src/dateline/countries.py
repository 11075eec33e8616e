"""Country names and codes for filters and exports: one resolver, so `country=Russia` and the export agree.

pycountry gives the codes; ``lang/en/countries/`` gives the common English names ACLED writes ("Russia",
"Democratic Republic of Congo"), the usual aliases ("Burma", "DR Congo"), the names that stand for more than one
country ("Congo", "Korea": refused with the candidates rather than silently meaning one) and ACLED's regions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from dateline import DatelineError
from dateline.lexicon import lexicon

_DATA = lexicon().table("countries/names")
_REGIONS: dict[str, list[str]] = lexicon().table("countries/regions")
NAMES: dict[str, str] = _DATA["names"]
ALIASES: dict[str, list[str]] = _DATA["aliases"]
AMBIGUOUS: dict[str, list[str]] = _DATA["ambiguous"]
EXTRA: dict[str, dict] = _DATA["extra"]
REGION_OF: dict[str, str] = {code: region for region, codes in _REGIONS.items() for code in codes}


class Country(NamedTuple):
    alpha_2: str
    alpha_3: str
    numeric: int
    name: str  # the common English name, as ACLED writes it
    region: str | None


def _key(name: str) -> str:
    """A name as compared: no accents, no case, punctuation as spaces, no leading 'the'."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    words = re.sub(r"[\W_]+", " ", plain.lower().replace("&", " and ")).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


@lru_cache(maxsize=1)
def _all() -> dict[str, Country]:
    import pycountry

    out = {}
    for c in pycountry.countries:
        name = NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = Country(c.alpha_2, c.alpha_3, int(c.numeric), name, REGION_OF.get(c.alpha_2))
    for code, entry in EXTRA.items():
        out[code] = Country(code, entry["alpha_3"], entry["numeric"], entry["name"], REGION_OF.get(code))
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, set[str]]:
    """Every accepted spelling -> the codes it names (more than one only for ambiguous names)."""
    import pycountry

    index: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        index.setdefault(_key(name), set()).add(code)

    for code, country in _all().items():
        for name in (code, country.alpha_3, country.name, *ALIASES.get(code, ())):
            add(name, code)
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if name:
                add(name, c.alpha_2)
    for name, codes in AMBIGUOUS.items():
        index[_key(name)] = set(codes)
    return index


def resolve(name_or_code: str) -> str:
    """ISO 3166 alpha-2 code for a code (IQ, IRQ), a common, official or usual name; DatelineError otherwise."""
    codes = _index().get(_key(name_or_code or ""), set())
    if len(codes) == 1:
        return next(iter(codes))
    if codes:
        options = "; ".join(f"{c} ({_all()[c].name})" for c in sorted(codes))
        raise DatelineError(f"country {name_or_code!r} is ambiguous: give one of {options}")
    raise DatelineError(f"unknown country {name_or_code!r}: give an ISO 3166 code such as IQ or a name such as Iraq")


def country(code: str | None) -> Country | None:
    """The country of an alpha-2 code, or None for no or an unknown code."""
    return _all().get(code.upper()) if code else None


def name(code: str | None) -> str | None:
    """The common English name of an alpha-2 code (the code itself if unknown)."""
    found = country(code)
    return found.name if found else code
