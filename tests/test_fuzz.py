"""Extraction on mutated synthetic reports (odd Unicode and control characters inserted, text deleted, paragraphs
repeated) never crashes: each input is either refused with a one-line error or extracted into output the shipped
JSON Schema accepts, with offsets that point into the text. `-m stress` runs many more examples."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline import DatelineError
from dateline.pipeline import extract
from dateline.read import make_report
from dateline.schema import shipped_schema

PARAGRAPHS = [
    "KAYA, Burkina Faso (Wire) - Gunmen attacked an army post near Kaya on Saturday, killing at least 12 soldiers "
    "and wounding 9 others, the army said.",
    '"We heard shooting from about 5 a.m.," said Issa Ouedraogo, a trader who fled with his family.',
    "Police in Goma arrested 23 protesters on Monday after crowds blocked the road to the airport.",
    "Three days earlier, an air strike hit a market in northern Mali, residents said. Dozens were reported missing.",
    "The governor condemned the attack and promised more troops for the region by early next month.",
]
ODD = st.sampled_from(
    ["\x00", "\x01", "\x07", "\x1b[31m", "\u200b", "\u200f", "\u202e", "\ufeff", "\ufffd", "\u2028", "\u00ad", "\t",
     "\r", "\r\n", "\n\n\n", "\u0301", "🙂", "𝔸", "ﷺ", "ꙮ", "\U000e0041", "“", "”", "—", "…", "½", "٣", "①", " "]
)  # fmt: skip
ODD_TEXT = st.one_of(ODD, st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8))


@st.composite
def mutated_reports(draw: st.DrawFn) -> str:
    """A report of synthetic paragraphs, some repeated, with odd characters inserted and spans deleted."""
    paras = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=6))
    text = "\n\n".join(paras)
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(ODD_TEXT) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
    return text


def _check(text: str, published: str | None) -> None:
    try:
        report = make_report(text, {"published": published} if published else {}, "fuzz.txt", default_id="fuzz")
    except DatelineError as err:
        assert "\n" not in str(err)
        return
    out = json.loads(extract(report).model_dump_json())
    jsonschema.validate(out, shipped_schema())
    body = out["report"]["text"]
    spans = [*out["places"], *out["times"], *out["quotes"], *(m for e in out["entities"] for m in e["mentions"])]
    for span in spans:
        assert 0 <= span["start"] <= span["end"] <= len(body), span


PUBLISHED = st.sampled_from([None, "2024-02-29", "2023-12-31", "1970-01-01"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_reports(), published=PUBLISHED)
def test_extract_never_crashes_on_mutated_reports(text, published):
    _check(text, published)


@pytest.mark.stress
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_reports(), published=PUBLISHED)
def test_extract_never_crashes_on_mutated_reports_stress(text, published):
    _check(text, published)
