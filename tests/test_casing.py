"""Reports set in capitals, and hard-wrapped reports: parsed with their case restored and their lines joined, with
every offset and every quoted text still the report's own."""

from __future__ import annotations

from dateline.layout import unwrap
from dateline.learned.casing import is_all_capitals, restore
from dateline.nlp import common_words, load_nlp, parse_text
from dateline.pipeline import extract
from dateline.records import Report

CAPITALS = (
    "TEGUCIGALPA, 3 MAR 90 (RADIO NORTE) -- [TEXT] ARMED MEN KIDNAPPED A JUDGE TODAY IN SAN PEDRO SULA, THE\n"
    "POLICE SAID.  THE JUDGE WAS TAKEN FROM HIS CAR NEAR THE CENTRAL PARK OF THE CITY BY FOUR MEN WHO\n"
    "CARRIED RIFLES AND DROVE AWAY TOWARD THE NORTH.\n"
    "\n"
    "   THE POLICE HAVE NOT NAMED ANY GROUP AS RESPONSIBLE FOR THE KIDNAPPING, WHICH IS THE THIRD IN THE\n"
    "DEPARTMENT THIS YEAR.  NO GROUP HAS CLAIMED IT SO FAR, A SPOKESMAN FOR THE POLICE TOLD REPORTERS AT A\n"
    "MEETING IN THE CAPITAL ON SATURDAY.\n"
)


def test_capitals_get_their_case_back_with_offsets_unchanged() -> None:
    text = restore(CAPITALS, common_words(load_nlp()))
    assert len(text) == len(CAPITALS) and text.upper() == CAPITALS
    assert "Armed men kidnapped a judge today in San Pedro Sula, the" in text
    assert text.startswith("TEGUCIGALPA, 3 MAR 90 (RADIO NORTE) --")  # a wire dateline stays in capitals
    assert "The judge was taken" in text  # the first word of a sentence is capitalised


def test_cased_text_and_a_capitals_headline_are_left_alone() -> None:
    cased = "SHOTS FIRED AT MARKET\nGunmen opened fire at a market in the town on Sunday, police said."
    assert not is_all_capitals(cased)
    assert restore(cased) == cased
    assert not is_all_capitals("UN TALKS")  # too few letters to tell


def test_hard_wrapped_paragraphs_are_joined_and_paragraphs_kept() -> None:
    joined = unwrap(CAPITALS)
    assert len(joined) == len(CAPITALS)
    assert "SULA, THE POLICE SAID" in joined and "WHO CARRIED RIFLES" in joined
    assert "\n\n   THE POLICE HAVE NOT" in joined  # the blank line and the indent still part the paragraphs


def test_one_paragraph_per_line_is_not_taken_for_wrapping() -> None:
    report = (
        "Gunmen opened fire at a market in the town on Sunday, police said.\n"
        "Two people were hurt and taken to the hospital in the capital.\n"
        "The police said they had arrested one man near the bus station.\n"
        "No group has said it carried out the attack, the police added.\n"
        "The market reopened on Monday morning under guard by soldiers.\n"
    )
    assert unwrap(report) == report


def test_a_capitals_report_is_read_and_quoted_as_written() -> None:
    report = Report(id="caps", text=CAPITALS, published="1990-03-03")
    assert parse_text(load_nlp(), CAPITALS) != CAPITALS
    extraction = extract(report)
    kidnapping = next(e for e in extraction.events if e.trigger.text == "KIDNAPPED")
    assert kidnapping.location.name == "San Pedro Sula"
    evidence = kidnapping.evidence[0]
    assert evidence.sentence == CAPITALS[evidence.start : evidence.end]
    assert "\n" in evidence.sentence  # the wrapped sentence was read whole, and is quoted as written
