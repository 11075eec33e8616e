"""The report's layout: wire datelines in the forms wires and papers write them, and text that only looks alike."""

from __future__ import annotations

import pytest

from dateline.layout import wire_dateline

DATELINES = [
    ("KISUMU, Kenya (Wire) - Police said", "KISUMU", "Kenya"),
    ("BAMAKO, Jan 4 (Wire) - Gunmen", "BAMAKO", None),
    ("GAROWE, Somalia, Dec. 3 (Wire) — Troops", "GAROWE", "Somalia"),
    ("PORT MORESBY, March 12, 2025 (Wire) - A", "PORT MORESBY", None),
    ("   CUZCO, 14 AUG 89 (RADIO SUR) -- [TEXT] A", "CUZCO", None),
    ("QUITO, NO DATE (RADIO ANDES) -- [TEXT] A", "QUITO", None),
    ("TORRINGTON — The town", "TORRINGTON", None),
    ("Headline line\nHARARE (Wire) - The", "HARARE", None),
    ("TEGUCIGALPA (HONDURAS), 3 MAR 90 (RADIO NORTE) -- [TEXT] A", "TEGUCIGALPA", "HONDURAS"),
]

NOT_DATELINES = [
    "Police said on Monday - a day after the raid - that two men were held.",
    "UN AND AU ENVOYS MET ON FRIDAY IN THE CAPITAL WITHOUT A DASH.",
    "The NATO summit - its first in years - opened.",
]


@pytest.mark.parametrize(("text", "city", "region"), DATELINES)
def test_wire_datelines_in_common_forms(text: str, city: str, region: str | None) -> None:
    found = wire_dateline(text)
    assert found is not None, text
    assert (found.city, found.region) == (city, region)
    assert text[found.start : found.end] == city


@pytest.mark.parametrize("text", NOT_DATELINES)
def test_text_that_only_looks_like_a_dateline(text: str) -> None:
    assert wire_dateline(text) is None


def test_a_dateline_names_a_town_not_a_province_of_its_name() -> None:
    from dateline.events.where import find_dateline

    place = find_dateline("LA PAZ, 3 MAR 90 (RADIO NORTE) -- [TEXT] Miners marched in the capital today.")
    assert place is not None and place.precision == "city" and place.country == "BO"
    province = find_dateline("SANTA CRUZ, Bolivia (Wire) - Miners marched in the city today.")
    assert province is not None and province.precision == "city"
