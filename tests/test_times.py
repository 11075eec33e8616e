"""Tests for the temporal normaliser: single phrases via resolve_expression, whole texts via find_times."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dateline import DatelineError
from dateline.nlp import load_nlp
from dateline.records import TimeMention, iso
from dateline.times import find_times, resolve_expression

P = date(2024, 1, 4)  # a Thursday, just after a year boundary


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def res(text: str, published: date | None = P) -> TimeMention:
    found = resolve_expression(text, published)
    assert found is not None, text
    return found


def test_days_are_dates_and_the_value_stays_timex_text():
    """A mention's days are datetime.date, written YYYY-MM-DD in JSON; a week's TIMEX3 value is no day, so text."""
    m = res("last week")
    assert (type(m.start_date), type(m.end_date), m.value) == (date, date, "2023-W52")
    assert (m.start_date, m.end_date) == (date(2023, 12, 25), date(2023, 12, 31))
    data = json.loads(m.model_dump_json())
    assert (data["value"], data["start_date"], data["end_date"]) == ("2023-W52", "2023-12-25", "2023-12-31")
    assert TimeMention.model_validate(data) == m  # the JSON reads back to the same days


def check(m: TimeMention, value: str | None, start: str | None, end: str | None, precision: str) -> None:
    """The tables write days as YYYY-MM-DD: the mention's dates are compared in that form."""
    assert (m.value, iso(m.start_date), iso(m.end_date), m.precision) == (value, start, end, precision), m


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Thursday", "2024-01-04"),  # published on that weekday: the day itself
        ("on Wednesday", "2024-01-03"),
        ("early Thursday", "2024-01-04"),
        ("Friday", "2023-12-29"),  # a bare weekday reaches back across the year boundary
        ("last Friday", "2023-12-29"),
        ("last Thursday", "2023-12-28"),  # 'last' never means today
        ("next Monday", "2024-01-08"),
        ("today", "2024-01-04"),
        ("yesterday", "2024-01-03"),
        ("earlier today", "2024-01-04"),
        ("tomorrow", "2024-01-05"),
    ],
)
def test_days(text: str, value: str) -> None:
    check(res(text), value, value, value, "day")


@pytest.mark.parametrize(
    ("text", "value", "day"),
    [("tonight", "2024-01-04TNI", "2024-01-04"), ("last night", "2024-01-03TNI", "2024-01-03"),
     ("this morning", "2024-01-04TMO", "2024-01-04"), ("Tuesday evening", "2024-01-02TEV", "2024-01-02")],
)  # fmt: skip
def test_parts_of_day(text: str, value: str, day: str) -> None:
    m = res(text)
    check(m, value, day, day, "day")
    assert m.type == "TIME"


@pytest.mark.parametrize(
    ("text", "value", "anchor"),
    [
        ("Oct. 17", "2023-10-17", "publication"),  # no year: the one before P
        ("October 17th", "2023-10-17", "publication"),
        ("17 October", "2023-10-17", "publication"),
        ("the 2nd of January", "2024-01-02", "publication"),
        ("March 3, 2019", "2019-03-03", "explicit"),
        ("Sunday, March 3, 2019", "2019-03-03", "explicit"),
        ("3 March 2019", "2019-03-03", "explicit"),
        ("2019-03-03", "2019-03-03", "explicit"),
        ("3/3/2019", "2019-03-03", "explicit"),
    ],
)
def test_explicit_days(text: str, value: str, anchor: str) -> None:
    m = res(text)
    check(m, value, value, value, "day")
    assert m.anchor == anchor


def test_leap_day_without_year_goes_back_to_a_leap_year() -> None:
    check(res("Feb. 29", date(2021, 3, 15)), "2020-02-29", "2020-02-29", "2020-02-29", "day")
    check(res("Feb. 29", date(2024, 3, 1)), "2024-02-29", "2024-02-29", "2024-02-29", "day")


def test_month_day_just_ahead_beats_one_almost_a_year_back() -> None:
    check(res("Feb. 29"), "2024-02-29", "2024-02-29", "2024-02-29", "day")  # 8 weeks ahead, not 4 years back
    check(res("Dec. 30"), "2023-12-30", "2023-12-30", "2023-12-30", "day")


def test_anniversary_of_a_leap_day_clamps_to_feb_28() -> None:
    check(res("a year ago to the day", date(2024, 2, 29)), "2023-02-28", "2023-02-28", "2023-02-28", "day")


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "precision"),
    [
        ("in October", "2023-10", "2023-10-01", "2023-10-31", "month"),
        ("in March", "2024-03", "2024-03-01", "2024-03-31", "month"),  # two months ahead beats ten back
        ("March 2019", "2019-03", "2019-03-01", "2019-03-31", "month"),
        ("February 2024", "2024-02", "2024-02-01", "2024-02-29", "month"),  # leap February
        ("last month", "2023-12", "2023-12-01", "2023-12-31", "month"),
        ("this month", "2024-01", "2024-01-01", "2024-01-31", "month"),
        ("earlier this month", "2024-01", "2024-01-01", "2024-01-03", "month"),  # before P, which would be 'today'
        ("earlier this week", "2024-W01", "2024-01-01", "2024-01-03", "week"),
        ("late last month", "2023-12", "2023-12-21", "2023-12-31", "range"),
        ("early last month", "2023-12", "2023-12-01", "2023-12-10", "range"),
        ("mid-December", "2023-12", "2023-12-11", "2023-12-20", "range"),
        ("July last year", "2023-07", "2023-07-01", "2023-07-31", "month"),
        ("since October 8 last year", "2023-10-08", "2023-10-08", "2024-01-04", "range"),
        ("in 2019", "2019", "2019-01-01", "2019-12-31", "year"),
        ("last year", "2023", "2023-01-01", "2023-12-31", "year"),
        ("this year", "2024", "2024-01-01", "2024-12-31", "year"),
        ("the end of last year", "2023", "2023-09-01", "2023-12-31", "range"),
        ("last week", "2023-W52", "2023-12-25", "2023-12-31", "week"),
        ("this week", "2024-W01", "2024-01-01", "2024-01-07", "week"),
        ("last weekend", "2023-W52-WE", "2023-12-30", "2023-12-31", "week"),
        ("last summer", "2023-SU", "2023-06-01", "2023-08-31", "season"),
        ("last winter", "2022-WI", "2022-12-01", "2023-02-28", "season"),
        ("the 1990s", "199", "1990-01-01", "1999-12-31", "decade"),  # TimeML writes a decade as 199
        ("the late 1990s", "199", "1997-01-01", "1999-12-31", "range"),
        ("the third quarter", "2023-Q3", "2023-07-01", "2023-09-30", "range"),
    ],
)
def test_calendar_units(text: str, value: str, start: str, end: str, precision: str) -> None:
    check(res(text), value, start, end, precision)


def test_iso_week_of_a_mid_year_date() -> None:
    check(res("next week", date(2023, 6, 14)), "2023-W25", "2023-06-19", "2023-06-25", "week")


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "precision"),
    [
        ("three months", "P3M", None, None, "unknown"),
        ("for two weeks", "P2W", None, None, "unknown"),
        ("a few days", "PXD", None, None, "unknown"),
        ("two and a half years later", "P2Y6M", None, None, "unknown"),
        ("in the three months since the vote", "P3M", "2023-10-04", "2024-01-04", "range"),
        ("the past 24 hours", "PT24H", "2024-01-03", "2024-01-04", "range"),
        ("over the last two weeks", "P2W", "2023-12-21", "2024-01-04", "range"),
        ("recent months", "PXM", "2023-07-05", "2024-01-04", "range"),
        ("in recent weeks", "PXW", "2023-11-23", "2024-01-04", "range"),
    ],
)
def test_durations(text: str, value: str, start: str | None, end: str | None, precision: str) -> None:
    m = res(text)
    check(m, value, start, end, precision)
    assert m.type == "DURATION"


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "precision"),
    [
        ("since Oct. 17", "2023-10-17", "2023-10-17", "2024-01-04", "range"),
        ("four years to the day", "2020-01-04", "2020-01-04", "2020-01-04", "day"),
        ("almost four years to the day", "2020-01-04", "2019-12-28", "2020-01-11", "range"),  # about, not exactly
        ("three days ago", "2024-01-01", "2024-01-01", "2024-01-01", "day"),
        ("two decades ago", "2004", "1999-01-01", "2008-12-31", "decade"),  # a round figure: decade-ish
        ("two decades earlier", "2004", "1999-01-01", "2008-12-31", "decade"),
        ("six months ago", "2023-07", "2023-07-01", "2023-07-31", "month"),
        ("a week earlier", "2023-W52", "2023-12-25", "2023-12-31", "week"),
    ],
)
def test_offsets_from_publication(text: str, value: str, start: str, end: str, precision: str) -> None:
    m = res(text)
    check(m, value, start, end, precision)
    assert m.anchor == "publication"


def test_vague_offset_is_a_past_reference() -> None:
    assert res("several years ago").value == "PAST_REF"


def test_present_reference() -> None:
    m = res("now")
    assert (m.value, m.start_date) == ("PRESENT_REF", date(2024, 1, 4))


@pytest.mark.parametrize("text", ["27", "Sarah", "the ministry", "12 people", "27 years old", "may"])
def test_non_times_are_rejected(text: str) -> None:
    assert resolve_expression(text, P) is None


def test_without_publication_date_relative_is_unanchored_and_absolute_resolves() -> None:
    rel = res("last Friday", None)
    assert (rel.value, rel.anchor, rel.start_date) == (None, "none", None)
    assert res("late last month", None).value is None
    absolute = res("March 3, 2019", None)
    assert (absolute.value, absolute.anchor) == ("2019-03-03", "explicit")
    assert res("the 1990s", None).value == "199"
    assert res("for two weeks", None).value == "P2W"


def _by_text(nlp, text: str, published: date | None = P) -> dict[str, TimeMention]:
    doc = nlp(text)
    found = find_times(doc, published)
    for m in found:
        assert doc.text[m.start : m.end] == m.text
        assert m.text == m.text.strip()
    return {m.text: m for m in found}


def test_find_times_in_a_report(nlp) -> None:
    text = (
        "Rescue teams worked through the night after the dam gave way early Thursday.\n"
        "Since Oct. 17, the river has risen sharply, and late last month villagers were told to leave.\n"
        "In the three months since the rains began, more than 2,000 families have moved, officials said on "
        "Wednesday. Omar, 27, said his farm had flooded almost four years to the day.\n"
    )
    found = _by_text(nlp, text)
    assert found["early Thursday"].value == "2024-01-04"
    assert (found["Since Oct. 17"].start_date, found["Since Oct. 17"].end_date) == (
        date(2023, 10, 17),
        date(2024, 1, 4),
    )
    assert found["late last month"].value == "2023-12"
    assert found["the three months"].value == "P3M"
    assert found["the three months"].start_date == date(2023, 10, 4)
    assert found["Wednesday"].value == "2024-01-03"
    assert found["almost four years to the day"].value == "2020-01-04"
    assert not any("27" in t for t in found)


def test_find_times_skips_counts_and_ages(nlp) -> None:
    found = _by_text(nlp, "Lena, 34, counted 1500 tents and 12 trucks at the camp.")
    assert found == {}


def test_find_times_keeps_years_in_date_context(nlp) -> None:
    found = _by_text(nlp, "The bridge was built in 1987 and repaired in the 1990s.")
    assert found["1987"].value == "1987"
    assert found["the 1990s"].value == "199"


def test_future_clause_points_forward(nlp) -> None:
    found = _by_text(nlp, "The envoys will meet on Monday, and the vote is expected in March.")
    assert found["Monday"].value == "2024-01-08"
    assert found["March"].value == "2024-03"


def test_past_clause_points_back(nlp) -> None:
    found = _by_text(nlp, "The envoys met on Monday and the vote was held in March.")
    assert found["Monday"].value == "2024-01-01"
    assert found["March"].value == "2023-03"


def test_deadline_soon_after_publication(nlp) -> None:
    found = _by_text(nlp, "The council must decide by Jan. 14 whether the shelter stays open.")
    assert found["Jan. 14"].value == "2024-01-14"


def test_clock_time_joins_its_day(nlp) -> None:
    found = _by_text(nlp, "The curfew lasted until 6 a.m. Tuesday.")
    m = found["6 a.m. Tuesday"]
    assert (m.value, m.type, m.start_date) == ("2024-01-02T06:00", "TIME", date(2024, 1, 2))


def test_modal_may_is_not_a_month(nlp) -> None:
    found = _by_text(nlp, "May the talks succeed, she said. The truce may hold until May 20.")
    assert list(found) == ["May 20"]


def test_fall_as_a_verb_is_not_a_season(nlp) -> None:
    found = _by_text(nlp, "Prices could fall again, traders said, as they did last fall.")
    assert list(found) == ["last fall"]
    assert found["last fall"].value == "2023-FA"


def test_no_publication_date_in_a_report(nlp) -> None:
    found = _by_text(nlp, "The strike hit the depot on Friday, months after the March 3, 2019 attack.", None)
    assert (found["Friday"].value, found["Friday"].anchor) == (None, "none")
    assert found["March 3, 2019"].value == "2019-03-03"


@pytest.mark.parametrize(
    ("text", "value"),
    [("Christmas", "2023-12-25"), ("New Year's Eve", "2023-12-31"), ("last Thanksgiving", "2023-11-23"),
     ("Thanksgiving 2022", "2022-11-24"), ("next Christmas", "2024-12-25"), ("Good Friday 2024", "2024-03-29"),
     ("Easter", "2023-04-09"), ("next Easter", "2024-03-31")],
)  # fmt: skip
def test_holidays(text: str, value: str) -> None:
    check(res(text), value, value, value, "day")


@pytest.mark.parametrize(("text", "precision"), [("the next day", "day"), ("later that year", "year"),
                                                 ("the week before", "week"), ("that same night", "day")])  # fmt: skip
def test_text_anchored_expressions_leave_the_value_open(text: str, precision: str) -> None:
    m = res(text)
    assert (m.value, m.anchor, m.precision) == (None, "text", precision)


def test_centuries() -> None:
    check(res("the 19th century"), "18", "1800-01-01", "1899-12-31", "range")


def test_the_last_week_is_the_seven_days_to_publication() -> None:
    check(res("for the last week"), "P1W", "2023-12-28", "2024-01-04", "range")


def test_published_as_report_string() -> None:
    assert res("yesterday", "2024-03-01").value == "2024-02-29"  # type: ignore[arg-type]


def test_bad_input_raises_dateline_error(nlp) -> None:
    with pytest.raises(DatelineError):
        find_times(nlp("On Monday."), "first of May")  # type: ignore[arg-type]
    with pytest.raises(DatelineError):
        find_times("On Monday.", P)  # type: ignore[arg-type]


def test_past_tense_deadline_just_ahead(nlp) -> None:
    found = _by_text(nlp, "The bank extended the offer to Jan. 19, and trading was halted on Dec. 2.")
    assert found["Jan. 19"].value == "2024-01-19"
    assert found["Dec. 2"].value == "2023-12-02"


def test_empty_text(nlp) -> None:
    assert find_times(nlp(""), P) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("every Thursday", "XXXX-WXX-4"), ("each July", "XXXX-07"), ("every day", "P1D"),
     ("every night", "XXXX-XX-XXTNI")],
)  # fmt: skip
def test_recurrences_are_sets(text: str, value: str) -> None:
    m = res(text)
    assert (m.value, m.type, m.start_date) == (value, "SET", None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2 1/2 years", "P2Y6M"), ("a minute and a half", "PT1M30S"), ("two and a half days", "P2DT12H"),
     ("1.5 months", "P1.5M")],
)  # fmt: skip
def test_fractional_durations(text: str, value: str) -> None:
    assert res(text).value == value


def test_decade_words_need_the(nlp) -> None:
    found = _by_text(nlp, "A man in his nineties recalled the late sixties.")
    assert list(found) == ["the late sixties"]
    assert (found["the late sixties"].start_date, found["the late sixties"].end_date) == (
        date(1967, 1, 1),
        date(1969, 12, 31),
    )


def test_overnight_into_a_weekday_spans_the_night() -> None:
    m = res("overnight into Tuesday")
    check(m, "2024-01-01TNI", "2024-01-01", "2024-01-02", "range")
    assert m.type == "TIME"


def test_over_the_weekend_takes_in_friday_night() -> None:
    check(res("over the weekend"), "2023-W52-WE", "2023-12-29", "2023-12-31", "week")
    check(res("the weekend"), "2023-W52-WE", "2023-12-30", "2023-12-31", "week")


def test_overnight_follows_the_day_its_sentence_names(nlp) -> None:
    found = _by_text(nlp, "Shops stayed shut on Tuesday, the mayor said, because of looting overnight.")
    m = found["overnight"]
    assert (m.value, m.start_date, m.end_date) == ("2024-01-01TNI", date(2024, 1, 1), date(2024, 1, 2))


def test_bare_overnight_is_the_night_into_publication(nlp) -> None:
    m = _by_text(nlp, "Drones struck the depot overnight, the governor said.")["overnight"]
    assert (m.start_date, m.end_date) == (date(2024, 1, 3), date(2024, 1, 4))


def test_clock_time_takes_the_day_named_before_it(nlp) -> None:
    found = _by_text(nlp, "The convoy left on Monday. Gunmen stopped it at around 7:15 p.m. near the bridge.")
    m = found["around 7:15 p.m."]
    assert (m.value, m.start_date, m.end_date, m.precision) == (
        "2024-01-01T19:15",
        date(2024, 1, 1),
        date(2024, 1, 1),
        "day",
    )


def test_clock_time_without_a_day_is_publication_or_the_day_before(nlp) -> None:
    m = _by_text(nlp, "The shelling stopped at midday.")["midday"]
    assert (m.value, m.start_date, m.end_date) == ("2024-01-04T12:00", date(2024, 1, 3), date(2024, 1, 4))


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The talks follow Tuesday's vote in the assembly.", "Tuesday", "2024-01-02"),
     ("Crowds gathered ahead of Saturday's march.", "Saturday", "2024-01-06"),
     ("The permit had been due to expire Friday evening.", "Friday evening", "2023-12-29TEV"),
     ("Trading is to resume on Monday.", "Monday", "2024-01-08"),
     ("Aides said the minister would be travelling to the capital on Saturday.", "Saturday", "2024-01-06"),
     ("The court ruled and set Friday as the deadline for the handover.", "Friday", "2023-12-29"),
     ("The firm's stake was small before Friday's purchases.", "Friday", "2023-12-29"),
     ("The board declared a dividend payable Feb. 15 to holders of record Feb. 1.", "Feb. 15", "2024-02-15"),
     ("The index stayed near the record set on July 6.", "July 6", "2023-07-06")],
)  # fmt: skip
def test_tense_of_the_phrase_sets_the_direction(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text)[phrase].value == value


def test_part_of_a_named_day() -> None:
    m = res("mid-afternoon yesterday")
    assert (m.value, m.type, m.start_date) == ("2024-01-03TAF", "TIME", date(2024, 1, 3))


@pytest.mark.parametrize(
    ("text", "published", "value", "start", "end"),
    [("the 2019 second quarter", P, "2019-Q2", "2019-04-01", "2019-06-30"),
     ("next year's first quarter", P, "2025-Q1", "2025-01-01", "2025-03-31"),
     ("the latest quarter", date(2023, 10, 26), "2023-Q3", "2023-07-01", "2023-09-30"),
     ("the year-ago quarter", date(2023, 10, 26), "2022-Q3", "2022-07-01", "2022-09-30"),
     ("the year-earlier third quarter", date(2023, 10, 26), "2022-Q3", "2022-07-01", "2022-09-30"),
     ("the first half of 2021", P, "2021-H1", "2021-01-01", "2021-06-30"),
     ("the second half of next year", P, "2025-H2", "2025-07-01", "2025-12-31")],
)  # fmt: skip
def test_quarters_and_halves(text: str, published: date, value: str, start: str, end: str) -> None:
    check(res(text, published), value, start, end, "range")


def test_past_quarters_is_a_duration_not_the_past() -> None:
    check(res("the past two quarters"), "P2Q", "2023-07-04", "2024-01-04", "range")


@pytest.mark.parametrize(("text", "value"), [("daily", "P1D"), ("weekly", "P1W"), ("annually", "P1Y"),
                                             ("every quarter", "P1Q")])  # fmt: skip
def test_frequency_adverbs_are_sets(text: str, value: str) -> None:
    m = res(text)
    assert (m.value, m.type, m.start_date) == (value, "SET", None)


def test_current_and_recent_are_references_without_a_range(nlp) -> None:
    found = _by_text(nlp, "The current talks follow a recent surge in raids, and fighting goes on these days.")
    assert (found["current"].value, found["current"].start_date) == ("PRESENT_REF", None)
    assert (found["recent"].value, found["recent"].end_date) == ("PAST_REF", None)
    assert found["these days"].value == "PRESENT_REF"


def test_the_current_fiscal_year() -> None:
    assert res("the current fiscal year").value == "2024"


def test_rates_and_ordinals_are_not_amounts_of_time(nlp) -> None:
    found = _by_text(nlp, "The airline runs four flights a week and saves $2 million a year; a second convoy left.")
    assert found == {}


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The town was besieged for weeks.", "weeks", "PXW"), ("Talks could resume within months.", "months", "PXM")],
)  # fmt: skip
def test_unmeasured_stretches_are_vague_durations(nlp, text: str, phrase: str, value: str) -> None:
    m = _by_text(nlp, text)[phrase]
    assert (m.value, m.type, m.start_date) == (value, "DURATION", None)


def test_before_and_after_stay_outside_the_span(nlp) -> None:
    found = _by_text(nlp, "Two and a half years after the coup, and a day before the vote, rebels struck.")
    assert found["Two and a half years"].value == "P2Y6M"
    assert found["a day"].value == "P1D"


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "precision"),
    [("the night of Saturday into Sunday", "2023-12-30TNI", "2023-12-30", "2023-12-31", "range"),
     ("in the early hours of Monday", "2024-01-01TMO", "2024-01-01", "2024-01-01", "day"),
     ("dawn on Tuesday", "2024-01-02TMO", "2024-01-02", "2024-01-02", "day"),
     ("late on Tuesday", "2024-01-02", "2024-01-02", "2024-01-02", "day"),
     ("the day before yesterday", "2024-01-02", "2024-01-02", "2024-01-02", "day"),
     ("Q3 2023", "2023-Q3", "2023-07-01", "2023-09-30", "range"),
     ("the third quarter of last year", "2023-Q3", "2023-07-01", "2023-09-30", "range"),
     ("days ago", "PAST_REF", "2023-12-29", "2024-01-03", "range"),
     ("a few days ago", "PAST_REF", "2023-12-29", "2024-01-03", "range"),
     ("later in the year", "2024", "2024-01-05", "2024-12-31", "year")],
)  # fmt: skip
def test_news_day_phrases(text: str, value: str, start: str, end: str, precision: str) -> None:
    check(res(text), value, start, end, precision)


@pytest.mark.parametrize(("text", "value"), [("on Fridays", "XXXX-WXX-5"), ("Tuesday nights", "XXXX-WXX-2TNI")])
def test_plural_weekdays_are_sets(text: str, value: str) -> None:
    m = res(text)
    assert (m.value, m.type) == (value, "SET")


def test_unmeasured_offsets_from_an_event_are_left_to_the_text() -> None:
    m = res("hours later")
    assert (m.value, m.type, m.anchor) == ("PTXH", "DURATION", "text")
    assert (res("later in the day").value, res("later in the day").anchor) == (None, "text")


def test_pre_dawn_is_not_a_time_of_day(nlp) -> None:
    assert _by_text(nlp, "Police carried out a pre-dawn raid on the camp.") == {}


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "precision"),
    [("nineteen ninety-six", "1996", "1996-01-01", "1996-12-31", "year"),
     ("January nineteen ninety-seven", "1997-01", "1997-01-01", "1997-01-31", "month"),
     ("the year two thousand", "2000", "2000-01-01", "2000-12-31", "year"),
     ("by year-end", "2024-12", "2024-12-01", "2024-12-31", "month"),
     ("the full year", "2024", "2024-01-01", "2024-12-31", "year"),
     ("the week of March 6", "2024-W10", "2024-03-04", "2024-03-10", "week")],
)  # fmt: skip
def test_spoken_years_and_business_phrases(text: str, value: str, start: str, end: str, precision: str) -> None:
    check(res(text), value, start, end, precision)


def test_two_thousand_alone_is_a_count(nlp) -> None:
    assert _by_text(nlp, "About two thousand people marched.") == {}


def test_since_points_back_even_for_a_coming_date(nlp) -> None:
    m = _by_text(nlp, "Prices have doubled since March, traders say.")["since March"]
    assert (m.start_date, m.end_date) == (date(2023, 3, 1), date(2024, 1, 4))


def test_coordinated_weekday_nights_are_days_not_sets(nlp) -> None:
    found = _by_text(nlp, "Soldiers searched the hostels on Friday and Saturday nights.")
    assert found["Saturday nights"].value == "2023-12-30TNI"


def test_small_hours_after_a_night_fall_on_its_morning(nlp) -> None:
    found = _by_text(nlp, "Sirens sounded overnight into Tuesday; a blast came at 3:15 a.m. By dawn it was calm.")
    m = found["3:15 a.m."]
    assert (m.value, m.start_date, m.end_date, m.precision) == (
        "2024-01-02T03:15",
        date(2024, 1, 1),
        date(2024, 1, 2),
        "range",
    )
    assert found["dawn"].value == "2024-01-02TMO"


def test_day_span_within_a_month(nlp) -> None:
    m = _by_text(nlp, "Talks were held March 3-5 in the capital.")["March 3-5"]
    assert (m.value, m.start_date, m.end_date, m.precision) == (
        "2023-03-03",
        date(2023, 3, 3),
        date(2023, 3, 5),
        "range",
    )


def test_twenty_four_hour_clock_with_a_zone(nlp) -> None:
    found = _by_text(nlp, "The truce took effect at 0600 GMT on Tuesday.")
    assert found["0600 GMT on Tuesday"].value == "2024-01-02T06:00"


def test_titles_and_marches_are_not_times(nlp) -> None:
    found = _by_text(nlp, "Crowds joined the annual March for Life, and the case aired on 60 Minutes.")
    assert found == {}


def test_a_deadline_just_gone_stays_this_year(nlp) -> None:
    found = _by_text(nlp, "They will try to block the order to return the boy by Jan. 2.")
    assert found["Jan. 2"].value == "2024-01-02"


@pytest.mark.parametrize(
    ("text", "phrase", "value", "start", "end"),
    [("The summit would be held on April 24 and 25, he said.", "April 24 and 25", "2024-04-24", "2024-04-24",
      "2024-04-25"),
     ("The troops will stay for two more weeks.", "two more weeks", "P2W", None, None),
     ("It was the worst flood this century.", "this century", "20", "2000-01-01", "2099-12-31")],
)  # fmt: skip
def test_more_news_phrases(nlp, text: str, phrase: str, value: str, start: str | None, end: str | None) -> None:
    m = _by_text(nlp, text)[phrase]
    assert (m.value, iso(m.start_date), iso(m.end_date)) == (value, start, end)


def test_text_anchored_phrases_count_from_the_last_date_named(nlp) -> None:
    found = _by_text(nlp, "Rebels seized the town on Dec. 3. The next day, troops arrived. Later that day they left.")
    assert (found["The next day"].value, found["The next day"].anchor) == ("2023-12-04", "text")
    assert found["Later that day"].value == "2023-12-03"


def test_text_anchored_phrases_stay_open_without_a_fine_enough_date(nlp) -> None:
    found = _by_text(nlp, "The dam broke in 2019. The next day it rained, the day before the vote.")
    assert found["The next day"].value is None
    assert found["the day before"].value is None


def test_week_of_a_month() -> None:
    check(res("the first week of December"), "2023-12", "2023-12-01", "2023-12-07", "range")
    check(res("the last week of February 2023"), "2023-02", "2023-02-22", "2023-02-28", "range")


@pytest.mark.parametrize(
    ("text", "phrase", "start", "end"),
    [("The deal was signed this month.", "this month", "2024-01-01", "2024-01-04"),
     ("Talks will resume this week.", "this week", "2024-01-04", "2024-01-07")],
)  # fmt: skip
def test_this_unit_in_a_tensed_clause_keeps_to_its_side_of_publication(
    nlp, text: str, phrase: str, start: str, end: str
) -> None:
    m = _by_text(nlp, text)[phrase]
    assert (iso(m.start_date), iso(m.end_date), m.precision) == (start, end, phrase.split()[1])


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "precision"),
    [("two to three weeks ago", "2023-W51", "2023-12-11", "2023-12-24", "range"),
     ("five to six months ago", "2023-08", "2023-07-01", "2023-08-31", "range"),
     ("the next 12 to 18 months", "P12M", "2024-01-04", "2025-07-04", "range")],
)  # fmt: skip
def test_numeric_ranges_cover_both_ends(text: str, value: str, start: str, end: str, precision: str) -> None:
    check(res(text), value, start, end, precision)


def test_the_night_of_a_weekday_gives_way_to_a_full_date_after_it(nlp) -> None:
    # 'the night of Saturday' is a night only when no month and day follow the weekday
    assert list(_by_text(nlp, "Rebels attacked the town on the night of Saturday, March 2.", date(2024, 3, 5))) == [
        "Saturday, March 2"
    ]
    night = _by_text(nlp, "Rebels attacked the town on the night of Saturday.", date(2024, 3, 5))
    assert night["the night of Saturday"].value == "2024-03-02TNI"


def test_a_year_earlier_after_a_quarter_is_that_quarter_a_year_back(nlp) -> None:
    found = _by_text(
        nlp,
        "The brewer said fourth-quarter profit rose to $12 million from $9 million a year earlier. "
        "Sales also beat the level of a year ago.",
        date(2024, 2, 10),
    )
    m = found["a year earlier"]
    assert (m.value, m.start_date, m.end_date) == ("2022-Q4", date(2022, 10, 1), date(2022, 12, 31))
    assert found["a year ago"].value == "2022-Q4"  # a second comparison with the same period, not one more year


def test_a_year_earlier_after_a_month_is_still_the_year(nlp) -> None:
    found = _by_text(nlp, "Exports fell in November, down 4% from a year earlier.", date(2024, 1, 4))
    assert found["a year earlier"].value == "2023"  # the year before P
    found = _by_text(nlp, "Sales in the first half of 2023 fell 4% from a year earlier.", date(2023, 8, 4))
    assert found["a year earlier"].value == "2022-H1"


def test_a_year_ago_with_no_period_named_is_the_year_before(nlp) -> None:
    found = _by_text(nlp, "The bakery opened on Friday; a year ago the building stood empty.")
    assert found["a year ago"].value == "2023"  # a day named before it is no period to compare with


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("Analysts said the agency cut its outlook for November shipments.", "November", "2023-11"),
     ("Exports fell in November.", "November", "2022-11"),  # the past verb dates the month it governs
     ("Traders bought heavily to open the first session of November trading.", "November", "2023-11")],
)  # fmt: skip
def test_past_tense_dates_only_the_phrases_close_to_its_verb(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text, date(2023, 10, 30))[phrase].value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The rules to be published in early December will set the limits.", "early December", "2023-12"),
     ("The talks to begin in December were welcomed by both sides.", "December", "2023-12"),
     ("The rules were published in early December.", "early December", "2022-12")],
)  # fmt: skip
def test_an_infinitive_after_a_noun_is_still_to_come(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text, date(2023, 10, 30))[phrase].value == value


def test_last_week_before_after_is_not_a_week_after(nlp) -> None:
    found = _by_text(nlp, "The minister met the envoy last week after a long delay.")
    assert found["last week"].value == "2023-W52"
    found = _by_text(nlp, "The envoy left the week after the vote.")  # counted from the vote: left open
    assert (found["the week after"].value, found["the week after"].anchor) == (None, "text")


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The retailer said third-quarter profit rose 8% to $40 million. In the 2022 quarter it lost $3 million.",
      "the 2022 quarter", "2022-Q3"),
     ("Second-quarter sales reached $9 million, against $7 million in the same period a year ago.",
      "the same period a year ago", "2022-Q2"),
     ("Exports in the third quarter beat last year's quarter by a wide margin.", "last year's quarter", "2022-Q3"),
     ("Its fourth-quarter net rose, though in fiscal 2022 it fell; the 2022 period included a charge.",
      "the 2022 period", "2022-Q4"),  # a year named in between does not hide the quarter
     ("Sales in the same period last year were lower, the company said.", "the same period last year", "2022")],
)  # fmt: skip
def test_a_period_of_a_named_year_is_the_quarter_under_discussion(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text, date(2023, 11, 2))[phrase].value == value


@pytest.mark.parametrize(
    ("text", "published", "phrase", "value"),
    [("The chain said its fiscal first quarter ended Sept. 30. Sales in the quarter rose 5%, up from a year earlier.",
      date(2023, 10, 26), "the quarter", "2023-Q1"),
     ("The chain said its fiscal first quarter ended Sept. 30. Sales in the quarter rose 5%, up from a year earlier.",
      date(2023, 10, 26), "a year earlier", "2022-Q1"),  # compared with the quarter under discussion
     ("Sales in the quarter rose 5%.", date(2023, 10, 26), "the quarter", "2023-Q3"),  # none named: the last ended
     ("The firm expects a fourth-quarter charge of $5 million. Profit in the latest quarter rose 3%.",
      date(2023, 11, 2), "the latest quarter", "2023-Q3"),  # the latest is over: not the coming one named
     ("The year-earlier quarter included a one-time gain. In the quarter, sales rose 2%.",
      date(2023, 11, 2), "the quarter", "2023-Q3")],  # a comparison is not the quarter under discussion
)  # fmt: skip
def test_the_quarter_is_the_one_the_report_named(nlp, text: str, published: date, phrase: str, value: str) -> None:
    assert _by_text(nlp, text, published)[phrase].value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The committee said it ordered the minister to testify on Feb. 10.", "Feb. 10", "2024-02-10"),
     # an infinitive under a past verb tells no direction: the nearer Feb. 10 wins
     ("The agency has given the families until 9 a.m. Tuesday to leave.", "9 a.m. Tuesday", "2024-01-09T09:00"),
     ("The council has extended its deadline until noon Monday.", "noon Monday", "2024-01-08T12:00")],
)  # fmt: skip
def test_a_deadline_points_forward_past_a_clock_and_a_perfect(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text)[phrase].value == value


def test_counted_days_and_or_so_are_amounts(nlp) -> None:
    found = _by_text(nlp, "Six trading days after the crash, the index had recovered. A week or so ago it fell.")
    assert found["Six trading days"].value == "P6D"
    assert found["A week or so ago"].value == "2023-W52"


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The index closed higher on Oct. 6, up 2% from the previous Friday.", "the previous Friday", "2023-09-29"),
     ("The talks opened on March 3. The following Monday they broke down.", "The following Monday", "2023-03-06"),
     ("Shares fell 3% from the previous Friday.", "the previous Friday", "2023-12-29")],  # no day named: P's
)  # fmt: skip
def test_the_previous_weekday_counts_from_the_day_the_report_named(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text)[phrase].value == value


@pytest.mark.parametrize(
    ("text", "published", "phrase", "value"),
    [("Pilgrims gathered as Easter week began.", date(2024, 3, 25), "Easter week", "2024-W13"),
     ("He spent Christmas in jail.", date(2024, 1, 4), "Christmas", "2023-12-25"),
     ("Shops filled up for Christmas.", date(2023, 12, 20), "Christmas", "2023-12-25")],
)  # fmt: skip
def test_a_holiday_days_ahead_beats_last_years(nlp, text: str, published: date, phrase: str, value: str) -> None:
    assert _by_text(nlp, text, published)[phrase].value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("Third-quarter profit rose. For the nine months, the chain earned $5 million, up from $4 million a year "
      "earlier.", "a year earlier", "2022"),  # the nine months a year back: in 2022, not its third quarter
     ("For the nine months, net was $3 million, against a loss in the 2022 period.", "the 2022 period", "2022"),
     ("Third-quarter profit rose 45%. Year-earlier results included a gain. Sales fell from a year earlier.",
      "a year earlier", "2022-Q3")],  # the same period as the year-earlier one, not a year before it
)  # fmt: skip
def test_results_to_date_compare_with_the_year_before(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text, date(2023, 11, 2))[phrase].value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("Holders may buy shares at half the then current price.", "then current", "PAST_REF"),
     ("Scientists say the vaccine could one day end the disease.", "one day", "FUTURE_REF"),
     ("The strike lasted one day.", "one day", "P1D"),
     ("Losses should last through the first two quarters of 2025.", "the first two quarters of 2025", "2025-H1")],
)  # fmt: skip
def test_refs_and_opening_quarters(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text)[phrase].value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The day before last Tuesday's hearing, he flew home.", "The day before last Tuesday", "2024-01-01"),
     ("The week after Dec. 5 was calm.", "The week after Dec. 5", "2023-W50")],
)  # fmt: skip
def test_a_day_before_a_date_counts_from_that_date(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text)[phrase].value == value


def test_a_day_before_an_event_stays_open(nlp) -> None:
    found = _by_text(nlp, "He left the day before the vote.")
    assert (found["the day before"].value, found["the day before"].anchor) == (None, "text")


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("The bonds would be redeemed in five years.", "five years", "2029"),
     ("The envoy will return in two weeks.", "two weeks", "2024-W03"),
     ("Prices may recover in a year or two.", "a year or two", "FUTURE_REF"),
     ("The crew finished the bridge in two weeks.", "two weeks", "P2W"),  # no modal: how long it took
     ("An appeal could take a month or two.", "a month or two", "P1M")],
)  # fmt: skip
def test_in_an_amount_under_a_modal_is_a_date_ahead(nlp, text: str, phrase: str, value: str) -> None:
    assert _by_text(nlp, text)[phrase].value == value


@pytest.mark.parametrize(
    ("text", "published", "phrase", "value"),
    [("On Friday, the ministry planned to pay the first claims.", P, "Friday", "2023-12-29"),  # when it planned
     ("Protesters planned a march on Saturday.", P, "Saturday", "2024-01-06"),  # what they planned
     ("They also can participate in planning for the trade summit in April.", date(2023, 12, 5), "April", "2024-04")],
)  # fmt: skip
def test_a_plan_points_forward_unless_dated_before_its_verb(
    nlp, text: str, published: date, phrase: str, value: str
) -> None:
    assert _by_text(nlp, text, published)[phrase].value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [("In the quarter ended July 31, the retailer earned $4 million.", "the quarter", "2023-Q2"),
     ("Its fiscal first quarter was strong. In the quarter ended Sept. 30, sales rose.", "the quarter", "2023-Q1")],
)  # fmt: skip
def test_the_quarter_ended_a_day_is_the_calendar_quarter_it_mostly_covers(nlp, text: str, phrase: str, value: str):
    assert _by_text(nlp, text, date(2023, 10, 30))[phrase].value == value


def test_the_year_ended_a_day_is_a_year_long_stretch(nlp) -> None:
    found = _by_text(nlp, "Revenue was $76 million for the fiscal year ended March 31.", date(2023, 10, 30))
    assert (found["the fiscal year"].value, found["the fiscal year"].type) == ("P1Y", "DURATION")
    assert found["March 31"].value == "2023-03-31"
