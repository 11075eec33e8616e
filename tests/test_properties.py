"""Properties of the normalisers on any input: the date normaliser, the number parser and the gazetteer lookup
never crash and always give well-formed values. Fast settings here; `-m stress` runs many more examples."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.casualties import MAX_COUNT, count_of, number_value
from dateline.gazetteer import lookup, norm
from dateline.geocode import resolve_place
from dateline.nlp import load_nlp
from dateline.records import DatePrecision, TimeMention
from dateline.times import resolve_expression

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STRESS = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "last", "next", "this", "early", "mid", "late", "the", "of", "since", "on", "in", "ago", "earlier", "later",
    "Monday", "Sunday", "night", "overnight", "into", "weekend", "January", "Feb.", "March", "Sept", "December",
    "2024", "1999", "0", "31", "29", "30th", "1st", "week", "month", "year", "decade", "quarter", "spring", "summer",
    "three", "a", "few", "dozens", "days", "hours", "1990s", "'90s", "-", "/", "2024-02-30", "02/29/2023", "9999",
]  # fmt: skip
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
any_text = st.text(max_size=60)
published = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date(9999, 12, 30)))
PRECISIONS = set(DatePrecision.__args__)


def check_time(tm: TimeMention | None) -> None:
    if tm is None:
        return
    assert isinstance(tm, TimeMention)
    assert tm.precision in PRECISIONS
    days = [d for d in (tm.start_date, tm.end_date) if d is not None]
    assert all(type(d) is dt.date for d in days), tm  # real days, never strings or datetimes
    assert len(days) < 2 or days[0] <= days[1]


def _resolve(text: str, p: dt.date | None, future: bool) -> None:
    check_time(resolve_expression(text, p, future))


@FAST
@given(text=st.one_of(phrases, any_text), p=published, future=st.booleans())
def test_date_normaliser_gives_valid_dates(text, p, future):
    _resolve(text, p, future)


@pytest.mark.stress
@STRESS
@given(text=st.one_of(phrases, any_text), p=published, future=st.booleans())
def test_date_normaliser_gives_valid_dates_stress(text, p, future):
    _resolve(text, p, future)


NUMBER_WORDS = ["12", "1,200", "007", "2.5", "twelve", "twenty-one", "dozens", "hundreds", "a", "an", "of", "people"]
number_texts = st.one_of(
    st.lists(st.sampled_from(NUMBER_WORDS), min_size=1, max_size=5).map(" ".join),
    st.from_regex(r"[0-9][0-9,.]{0,40}", fullmatch=True),
    any_text,
)


def _numbers(text: str) -> None:
    for tok in load_nlp().tokenizer(text):
        value = number_value(tok)
        assert value is None or (type(value) is int and 0 <= value <= MAX_COUNT)


@FAST
@given(text=number_texts)
def test_number_parser_gives_bounded_whole_numbers(text):
    _numbers(text)


@pytest.mark.stress
@STRESS
@given(text=number_texts)
def test_number_parser_gives_bounded_whole_numbers_stress(text):
    _numbers(text)


@settings(max_examples=15, deadline=None)
@given(figure=st.from_regex(r"(at least |nearly |more than )?[0-9][0-9,]{0,25}", fullmatch=True))
def test_counts_read_from_a_parse_are_ranges_in_bounds(figure):
    doc = load_nlp()(f"Gunmen killed {figure} people in the town on Monday.")
    for tok in doc:
        count = count_of(tok)
        if count is None:
            continue
        values = [v for v in (count.low, count.best, count.high) if v is not None]
        assert all(type(v) is int and 0 <= v <= MAX_COUNT for v in values)
        assert count.low is None or count.high is None or count.low <= count.high


place_names = st.one_of(
    st.sampled_from(["Goma", "Paris", "New York", "São Paulo", "Kyiv", "EU", "Al-Hasakah", "  ", "", "'s"]),
    any_text,
)


def _places(name: str, countries: set[str]) -> None:
    assert isinstance(norm(name), str)
    for place in lookup(name):
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
    pm = resolve_place(name, countries)
    if pm is not None:
        assert pm.lat is None or -90 <= pm.lat <= 90
        assert pm.lon is None or -180 <= pm.lon <= 180
        assert pm.country is None or (len(pm.country) == 2 and pm.country.isupper())


@FAST
@given(name=place_names, countries=st.sets(st.sampled_from(["CD", "FR", "US", "xx", "", "B"]), max_size=2))
def test_gazetteer_lookup_gives_real_coordinates(name, countries):
    _places(name, countries)


@pytest.mark.stress
@STRESS
@given(name=place_names, countries=st.sets(st.sampled_from(["CD", "FR", "US", "xx", "", "B"]), max_size=2))
def test_gazetteer_lookup_gives_real_coordinates_stress(name, countries):
    _places(name, countries)
