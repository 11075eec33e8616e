"""Case restored to an all-capitals report before it is parsed, offsets unchanged.

Older wire feeds and some agencies send every letter in capitals ("GUERRILLAS ATTACKED A POLICE POST IN ..."). A
parser trained on cased text then tags most words as proper nouns, finds names everywhere or nowhere, and the
lemmas it gives ("KIDNAPPED") match no trigger word. The restorer gives each word the form it most often has
inside a sentence of cased news (``weights/casing.json``: a word's lower-case form -> its usual form, counted by
``make train``), capitalises the first word of each sentence, and gives a word it has never seen the form of a
name (short ones, as acronyms mostly are, in capitals). Only the case of letters changes, so every character
offset of the parse is an offset into the report's own text.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path

from dateline.layout import DATELINE_RE
from dateline.lexicon import lexicon

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights" / "casing.json"
# A text is restored when at least this share of its cased letters are capitals (and it has MIN_LETTERS of them):
# a cased report with a capitals headline and dateline stays far below it.
CAPITALS_SHARE = 0.9
MIN_LETTERS = 40
# An unseen word this short is taken for an acronym ("DPA"), and so is one of four letters with at most one vowel
# ("FMLN"); a longer one for a name.
ACRONYM_LETTERS = 3
MIN_COUNT = 2  # a word's form is kept when seen at least this often inside sentences
WORDS = re.compile(r"[^\W\d_]+")
SUFFIXES = lexicon().phrases("words/inflection_suffixes")  # in the order tried
# What ends a sentence (or a header) before the next word: its first letter is a capital whatever the word.
# A single line break is not one: wire copy wraps its lines inside sentences; a blank line or an indent is.
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;]|--|\n\s*\n|\n[ \t]+|\])[\s\"'“‘(\[]*$")


def is_all_capitals(text: str) -> bool:
    """Whether the text is set in capitals throughout (so its case says nothing and is restored)."""
    upper = sum(1 for ch in text if ch.isupper())
    lower = sum(1 for ch in text if ch.islower())
    return upper + lower >= MIN_LETTERS and upper >= CAPITALS_SHARE * (upper + lower)


def restore(text: str, common: Collection[str] = ()) -> str:
    """The text with the case of each word restored when it is set in capitals; else the text itself. ``common``:
    lower-case words of the language (the parser's lemma index), so an English word the counts lack is not read as
    a name."""
    return restore_with(text, _forms(), common) if is_all_capitals(text) else text


def restore_with(text: str, forms: dict[str, str], common: Collection[str], unseen_as_lower: bool = False) -> str:
    """The text's words given their ``forms`` (the others: ``_unseen``; lower case with ``unseen_as_lower``)."""
    out = list(text)
    previous: re.Match | None = None
    header = DATELINE_RE.search(text[:600])  # a wire dateline is set in capitals in any copy: kept as it is
    for match in WORDS.finditer(text, header.end() if header else 0):
        start, word = match.start(), match.group()
        lower = word.lower()
        before = text[max(0, start - 12) : start]
        form = _form(lower if unseen_as_lower else None, lower, _pair_key(text, previous, match), forms, before, common)
        if len(form) == len(word):  # case mappings that change a word's length (rare letters) are left alone
            out[start : match.end()] = form
        previous = match
    return "".join(out)


def _pair_key(text: str, previous: re.Match | None, match: re.Match) -> str | None:
    """ "previous word" when the two words stand side by side (a space or a line break apart), for the forms of
    names of two words ("Mexico City", "Social Democratic")."""
    if previous is None or text[previous.end() : match.start()].strip(" \n"):
        return None
    return f"{previous.group().lower()} {match.group().lower()}"


def _form(
    default: str | None, lower: str, pair: str | None, forms: dict[str, str], before: str, common: Collection[str]
) -> str:
    if before.endswith(("'", "’")) and len(lower) <= 2:  # the "S" of "PARTY'S", the "T" of "DON'T"
        return lower
    form = (pair and forms.get(pair)) or forms.get(lower) or default or _unseen(lower, common)
    if _OPENS_SENTENCE.search(before) and form[:1].islower():
        return form[:1].upper() + form[1:]
    return form


def _unseen(lower: str, common: Collection[str]) -> str:
    """A word the counts lack: lower case when it (or its stem) is a common word, else an acronym or a name."""
    if any(stem in common for stem in _stems(lower)):
        return lower
    return lower.upper() if _acronym(lower) else lower.capitalize()


def _stems(lower: str) -> list[str]:
    """The word and what it may be inflected from ("communiques", "kidnappers", "wounded")."""
    out = [lower]
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            out.append(lower[: -len(suffix)])
    return out


def _acronym(lower: str) -> bool:
    return len(lower) <= ACRONYM_LETTERS or (len(lower) == 4 and sum(ch in "aeiouy" for ch in lower) <= 1)


def forget_forms() -> None:
    """Read the forms afresh (after training wrote them)."""
    _forms.cache_clear()


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    if not WEIGHTS_PATH.exists():
        return {}
    return json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))["forms"]


# ---- training ---------------------------------------------------------------------------------------------------


def count_forms(texts: Iterable[str]) -> dict[str, Counter]:
    """For each word (lower case), and each pair of words side by side ("mexico city"), how often each form of
    the word (of the pair's second word) is seen inside a sentence of cased text (the first word of a sentence,
    and sentences in capitals, say nothing of a word's case)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for line in text.splitlines():
            if not line.strip() or is_all_capitals(line):
                continue
            previous: re.Match | None = None
            for match in WORDS.finditer(line):
                if not _OPENS_SENTENCE.search(line[max(0, match.start() - 12) : match.start()]):
                    counts[match.group().lower()][match.group()] += 1
                    if pair := _pair_key(line, previous, match):
                        counts[pair][match.group()] += 1
                previous = match
    return counts


def usual_forms(counts: dict[str, Counter], min_count: int = MIN_COUNT) -> dict[str, str]:
    """Each word seen often enough with its most frequent form (ties to the lower-case form); a pair of words
    only where its second word's usual form differs from the word's own."""
    words = {k: _usual(k, c) for k, c in counts.items() if " " not in k and sum(c.values()) >= min_count}
    pairs = {}
    for key, forms in counts.items():
        if " " in key and sum(forms.values()) >= min_count:
            second = key.split(" ")[1]
            if (form := _usual(second, forms)) != words.get(second, second):
                pairs[key] = form
    return dict(sorted({**words, **pairs}.items()))


def name_pairs(names: Iterable[str], forms: dict[str, str], common: Collection[str]) -> dict[str, str]:
    """Pairs of words inside place names ("san pedro sula" -> "pedro sula": "Sula") whose second word the forms
    would get wrong alone (unseen in news and an English word, or usually lower case there)."""
    out: dict[str, str] = {}
    for name in names:
        words = list(WORDS.finditer(name))
        for previous, match in zip(words, words[1:], strict=False):
            second = match.group()
            pair = _pair_key(name, previous, match)
            alone = forms.get(second.lower()) or _unseen(second.lower(), common)
            if pair and second[:1].isupper() and pair not in forms and alone != second:
                out[pair] = second
    return out


def _usual(lower: str, forms: Counter) -> str:
    return max(forms, key=lambda f: (forms[f], f == lower))
