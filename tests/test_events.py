"""Event extraction on short reports written for these tests, through the whole pipeline with the real model."""

from __future__ import annotations

import pytest

from dateline.pipeline import extract
from dateline.records import Report


def run(text: str, published: str | None = "2024-03-14"):
    return extract(Report(id="t", text=text, published=published))


def assault_events(extraction):
    return [e for e in extraction.events if e.type == "ASSAULT"]


def actor_names(event, role):
    return {a.name for a in event.actors if a.role == role}


def test_air_strike_who_did_what_to_whom_when_where():
    ex = run(
        "Israeli warplanes struck a weapons depot in the Syrian city of Homs on Tuesday, killing three fighters, "
        "the war monitor said."
    )
    (event,) = assault_events(ex)
    assert event.mode == "aerial"
    assert event.acled.sub_event_type == "Air/drone strike"
    assert event.cameo == "19"
    assert event.date.start == event.date.end == "2024-03-12"
    assert event.date.precision == "day"
    assert event.location.name == "Homs" and event.location.country == "SY"
    assert event.fatalities.low == 3 and event.fatalities.high == 3
    assert any("Israel" in name for name in actor_names(event, "initiator"))
    assert (
        event.evidence and ex.report.text[event.evidence[0].start : event.evidence[0].end] == event.evidence[0].sentence
    )


def test_passive_voice_keeps_roles_from_the_parse():
    ex = run("Two police officers were shot dead by gunmen in Peshawar on Monday, officials said.")
    (event,) = assault_events(ex)
    assert actor_names(event, "initiator") == {"gunmen"}
    assert any("officers" in name for name in actor_names(event, "victim"))
    assert event.fatalities.best == 2
    assert event.location.country == "PK"


def test_killed_and_injured_are_told_apart_from_other_numbers():
    ex = run(
        "About 4,000 troops are stationed in the region. A car bomb exploded outside a market in Mogadishu on "
        "Saturday, killing at least 12 people and wounding 30 others, police said."
    )
    (event,) = assault_events(ex)
    assert (event.fatalities.low, event.fatalities.best, event.fatalities.high) == (12, 12, None)
    assert event.injuries.best == 30
    assert event.mode == "explosives"


def test_rival_tolls_in_one_report_become_a_range():
    ex = run(
        "Fighters attacked an army base near Gao on Sunday. One local official said 15 soldiers were killed in "
        "the attack. Another official put the toll at 22."
    )
    event = assault_events(ex)[0]
    assert event.fatalities.low == 15
    assert event.fatalities.high == 22


def test_hedges_and_unverified_claims_lower_certainty():
    ex = run(
        "An apparent drone strike hit a convoy near Marib on Wednesday, residents said. "
        "The Daily Example could not independently verify the reports."
    )
    (event,) = assault_events(ex)
    assert event.mode == "drone"
    assert event.certainty in ("hedged", "unverified")
    assert "apparent" in event.hedges


def test_a_claim_by_a_party_is_claimed_and_attributed():
    ex = run("The rebel movement said in a statement that its fighters shot down an army helicopter on Friday.")
    event = assault_events(ex)[0]
    assert event.certainty == "claimed"
    assert event.attributed_to


def test_background_event_keeps_its_own_date():
    ex = run(
        "Protesters marched through Dhaka on Thursday. The demonstrations recalled an uprising in July 2019, "
        "when police killed dozens of students in the capital."
    )
    old = [e for e in ex.events if e.date.start and e.date.start.startswith("2019")]
    assert old and old[0].background
    assert any(e.type == "PROTEST" and e.date.start == "2024-03-14" for e in ex.events)


def test_mentions_of_one_event_are_merged():
    ex = run(
        "A suicide bomber struck a mosque in Quetta on Friday, killing nine worshippers. "
        "The bombing was the deadliest in the province this year. "
        "No group has claimed the attack."
    )
    events = assault_events(ex)
    assert len(events) == 1
    assert len(events[0].evidence) >= 2
    assert events[0].mode == "suicide-bomb"


def test_statements_visits_and_demands_get_plover_types():
    ex = run(
        "The foreign minister visited Ankara on Monday. On Tuesday the opposition party accused the government "
        "of rigging the vote and demanded a recount."
    )
    types = {e.type for e in ex.events}
    assert {"CONSULT", "ACCUSE", "DEMAND"} <= types


def test_arrests_are_coercion_with_acled_equivalent():
    ex = run("Police arrested 40 protesters in Kampala on Wednesday after a march against corruption.")
    coerce = [e for e in ex.events if e.type == "COERCE"]
    assert coerce and coerce[0].acled.sub_event_type == "Arrests"


def test_summary_line_names_the_parts():
    ex = run("Soldiers shelled the village of Kalma in Darfur on Saturday, killing five civilians.")
    (event,) = assault_events(ex)
    assert "ASSAULT" in event.summary and "5 killed" in event.summary


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_no_events_in_empty_text(text):
    ex = extract(Report(id="e", text=text or " ", published=None))
    assert ex.events == []
