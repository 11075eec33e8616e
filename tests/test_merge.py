"""Cross-outlet merging on invented events: pure functions, no database, no NLP."""

from __future__ import annotations

import itertools
import random

import pytest

from dateline.merge import (
    actor_signature,
    candidate_pairs,
    cluster,
    matches,
    mention_from_event,
    merge_counts,
    merge_event,
    prepare,
)

MOSUL = {"name": "Mosul", "country": "IQ", "admin1": "Nineveh", "lat": 36.34, "lon": 43.13, "precision": "city"}


def event(
    summary: str,
    *,
    day="2024-03-11",
    end=None,
    precision="day",
    type_="ASSAULT",
    mode="drone",
    initiator="Northern Shield militia",
    target="Red Valley Brigade",
    killed=None,
    location=None,
    certainty="asserted",
    trigger="strike",
) -> dict:
    actors = []
    if initiator:
        actors.append({"name": initiator, "role": "initiator"})
    if target:
        actors.append({"name": target, "role": "target"})
    return {
        "id": "e1",
        "type": type_,
        "mode": mode,
        "trigger": {"text": trigger, "start": 0, "end": len(trigger)},
        "date": {"start": day, "end": end or day, "precision": precision},
        "location": dict(location or MOSUL),
        "actors": actors,
        "certainty": certainty,
        "fatalities": {"low": None, "best": killed, "high": None} if killed is not None else None,
        "summary": summary,
        "weapons": [],
        "evidence": [{"sentence": summary, "start": 0, "end": len(summary)}],
    }


def member(report: str, outlet: str | None, ev: dict, published="2024-03-12") -> dict:
    return {
        "key": f"{report}#{ev['id']}",
        "report_id": report,
        "outlet": outlet,
        "published": published,
        "url": f"https://example.org/{report}",
        "title": None,
        "event": ev,
    }


def strike_reports() -> list[dict]:
    """One drone strike told by three outlets with 2, 3 and 5 dead; the third is a day late and only regional."""
    return [
        member("ledger-1", "Northern Ledger", event("drone strike on a fuel depot in Mosul", killed=2)),
        member("wire-7", "Tigris Wire", event("drone strike hits fuel depot, militia fighters killed", killed=3)),
        member(
            "compass-3",
            "Daily Compass",
            event(
                "a drone strike destroyed a fuel depot",
                day="2024-03-12",
                killed=5,
                location={"name": "Nineveh", "country": "IQ", "admin1": "Nineveh", "precision": "admin1"},
            ),
        ),
    ]


def other_reports() -> list[dict]:
    """Different events the same day in the same city, and one elsewhere."""
    return [
        # different initiator, weapon and target
        member(
            "ledger-2",
            "Northern Ledger",
            event(
                "gunmen opened fire on traders at a market",
                mode="firearms",
                initiator="Red Valley Brigade",
                target="market traders",
                trigger="opened fire",
                killed=4,
            ),
        ),
        # same initiator and weapon, different target and specifics
        member(
            "wire-8",
            "Tigris Wire",
            event("a drone hit a police checkpoint at the bridge", target="Sun River police", trigger="hit", killed=1),
        ),
        # same kind of event 250 km away
        member(
            "ledger-3",
            "Northern Ledger",
            event(
                "drone strike on a fuel depot",
                location={
                    "name": "Kirkuk",
                    "country": "IQ",
                    "admin1": "Kirkuk",
                    "lat": 35.47,
                    "lon": 44.39,
                    "precision": "city",
                },
                killed=2,
            ),
        ),
        # a protest in the same city the same day
        member(
            "compass-4",
            "Daily Compass",
            event(
                "dock workers marched over unpaid wages",
                type_="PROTEST",
                mode=None,
                initiator="dock workers",
                target=None,
                trigger="marched",
            ),
        ),
    ]


def groups_of(members: list[dict]) -> list[list[str]]:
    return cluster(prepare(members))


def test_three_outlets_one_strike_merge_with_figure_ranges():
    members = strike_reports()
    groups = groups_of(members)
    assert groups == [sorted(m["key"] for m in members)]
    merged = merge_event(members)
    assert merged["fatalities"] == {"low": 2, "best": 3, "high": 5}
    assert merged["sources_count"] == 3
    assert merged["certainty"] == "confirmed"
    assert merged["location"]["name"] == "Mosul"  # the most precise source's place wins
    assert merged["date"]["start"] == "2024-03-11"
    own = {s["outlet"]: s["fatalities"]["best"] for s in merged["sources"]}
    assert own == {"Northern Ledger": 2, "Tigris Wire": 3, "Daily Compass": 5}
    assert all(s["evidence"] for s in merged["sources"])
    assert all({"article", "outlet", "published", "url", "evidence"} <= set(s) for s in merged["sources"])
    assert {s["article"] for s in merged["sources"]} == {m["report_id"] for m in members}
    assert [a["name"] for a in merged["actors"]] == ["Northern Shield militia", "Red Valley Brigade"]


def test_different_events_same_day_same_city_stay_apart():
    members = strike_reports() + other_reports()
    groups = groups_of(members)
    assert len(groups) == 5
    strike = next(g for g in groups if "ledger-1#e1" in g)
    assert strike == ["compass-3#e1", "ledger-1#e1", "wire-7#e1"]


def test_order_of_reports_does_not_change_the_result():
    members = strike_reports() + other_reports()
    expected = groups_of(members)
    merged = {tuple(g): merge_event([m for m in members if m["key"] in g]) for g in expected}
    for perm in itertools.islice(itertools.permutations(members), 0, 5040, 97):
        groups = groups_of(list(perm))
        assert groups == expected
        for g in groups:
            assert merge_event([m for m in perm if m["key"] in g]) == merged[tuple(g)]


def test_dates_allow_one_day_of_slop_but_not_three():
    a = mention_from_event("a#e1", "a", event("drone strike on depot"))
    b = mention_from_event("b#e1", "b", event("drone strike on depot", day="2024-03-12"))
    c = mention_from_event("c#e1", "c", event("drone strike on depot", day="2024-03-14"))
    assert matches(a, b) and matches(b, a)
    assert not matches(a, c)


def test_month_precision_report_joins_the_day_event():
    day = member("a", "A", event("drone strike on a fuel depot", killed=2))
    month = member(
        "b", "B", event("drone strike on a fuel depot", day="2024-03-01", end="2024-03-31", precision="month")
    )
    assert len(groups_of([day, month])) == 1
    assert merge_event([day, month])["date"]["precision"] == "day"


def test_same_outlet_twice_is_not_independent_corroboration():
    ms = [
        member("a1", "Tigris Wire", event("drone strike on depot", killed=3)),
        member("a2", "Tigris Wire", event("drone strike on depot", killed=3, certainty="claimed")),
    ]
    assert len(groups_of(ms)) == 1
    merged = merge_event(ms)
    assert merged["sources_count"] == 1 and merged["reports_count"] == 2
    assert merged["certainty"] == "asserted"


def test_two_outlets_with_claims_are_corroborated_not_confirmed():
    ms = [
        member("a", "A", event("drone strike on depot", certainty="claimed")),
        member("b", "B", event("drone strike on depot", certainty="hedged")),
    ]
    assert merge_event(ms)["certainty"] == "corroborated"


def test_events_of_one_report_are_never_merged_together():
    a = mention_from_event("r#e1", "r", event("drone strike on depot"))
    b = mention_from_event("r#e2", "r", event("drone strike on depot"))
    assert not matches(a, b)


def test_merge_counts_keeps_ranges():
    assert merge_counts([{"low": 10, "best": 10, "high": None}, {"low": None, "best": 14, "high": 20}]) == {
        "low": 10,
        "best": 10,
        "high": 20,
    }
    assert merge_counts([None, {"low": None, "best": None, "high": None}]) is None
    assert merge_counts([{"best": 2}, {"best": 3}, {"best": 5}]) == {"low": 2, "best": 3, "high": 5}


def test_actor_signatures_ignore_generic_words():
    assert actor_signature("Northern Shield forces") & actor_signature("the Northern Shield militia")
    assert not actor_signature("Eastern forces") & actor_signature("Western forces")
    assert actor_signature("police") == actor_signature("the police")


def test_blocking_finds_every_matching_pair():
    """Candidate generation must not lose pairs that the pair test accepts (brute force on a small random set)."""
    rng = random.Random(3)
    members = []
    for i in range(300):
        loc = {
            "name": "X",
            "country": rng.choice(["IQ", "SY"]),
            "admin1": rng.choice(["A", "B"]),
            "lat": 33 + rng.uniform(0, 1.5),
            "lon": 43 + rng.uniform(0, 1.5),
            "precision": rng.choice(["city", "city", "admin1"]),
        }
        long = rng.random() < 0.1
        ev = event(
            rng.choice(["drone strike on depot", "strike hits depot", "raid on a market"]),
            day=f"2024-03-{rng.randint(1, 9):02d}",
            end="2024-03-28" if long else None,
            precision="month" if long else "day",
            location=loc,
            initiator=rng.choice(["Northern Shield", "Red Valley", None]),
            target=None,
        )
        members.append(member(f"r{i}", f"O{i % 7}", ev))
    mentions = prepare(members)
    found = {frozenset(p) for p in candidate_pairs(mentions)}
    brute = {
        frozenset((i, j))
        for i, j in itertools.combinations(range(len(mentions)), 2)
        if matches(mentions[i], mentions[j])
    }
    assert brute and brute <= found


@pytest.mark.xfail(
    strict=True,
    reason="known gap: one-day slop links chain day after day (dates never part a group), "
    "so a protest repeated daily by one group in one city becomes one event; see docs/store.md",
)
def test_daily_repeated_protests_stay_separate_events():
    members = [
        member(
            f"r{n}",
            f"O{n % 3}",
            event(
                "dock workers marched over unpaid wages",
                type_="PROTEST",
                mode=None,
                initiator="dock workers",
                target=None,
                trigger="marched",
                day=f"2024-03-{n + 1:02d}",
            ),
        )
        for n in range(10)
    ]
    assert len(groups_of(members)) == 10


def _undated(ev: dict) -> dict:
    return {**ev, "date": {"start": None, "end": None, "precision": "unknown"}}


def test_undated_reports_merge_on_place_actors_and_wording():
    """Two reports neither of which could be dated: the dates neither join nor part them, the rest decides."""
    ledger, wire = (member(m["report_id"], m["outlet"], _undated(m["event"])) for m in strike_reports()[:2])
    assert groups_of([ledger, wire]) == [["ledger-1#e1", "wire-7#e1"]]
    dated = strike_reports()[1]
    assert len(groups_of([ledger, dated])) == 2  # one side dated: the dates part them as before
    market = member("ledger-2", "Northern Ledger", _undated(other_reports()[0]["event"]))
    assert len(groups_of([ledger, market])) == 2  # same city, other actors and weapon
    nowhere = {**_undated(wire["event"]), "location": {"name": None, "country": None}}
    assert len(groups_of([ledger, member("wire-7", "Tigris Wire", nowhere)])) == 2  # no country: nothing to go on


def test_blocking_pairs_undated_mentions_of_a_block():
    """candidate_pairs offers every pair of undated mentions in one (type, country) block, as cluster tests them."""
    members = [member(f"r{i}", f"O{i}", _undated(event("drone strike on a fuel depot in Mosul"))) for i in range(4)]
    members.append(member("r9", "O9", _undated(event("drone strike on a depot", location={**MOSUL, "country": "SY"}))))
    pairs = {frozenset(p) for p in candidate_pairs(prepare(members))}
    assert pairs == {frozenset(p) for p in itertools.combinations(range(4), 2)}


def test_reports_with_neither_date_nor_country_link_only_on_a_near_identical_description():
    """No date and no place: the sentence vectors must nearly agree (COS_UNPLACED); without vectors nothing links."""
    import numpy as np

    def unplaced(report: str, vector) -> dict:
        ev = {**_undated(event("drone strike on a fuel depot")), "location": {"name": None, "country": None}}
        return {**member(report, report, ev), "embedding": None if vector is None else np.asarray(vector, "float32")}

    near, far = [0.9, 0.43589], [0.7, 0.71414]  # cosines 0.9 and 0.7 with [1, 0]
    assert len(groups_of([unplaced("a", [1.0, 0.0]), unplaced("b", near)])) == 1
    assert len(groups_of([unplaced("a", [1.0, 0.0]), unplaced("b", far)])) == 2
    assert len(groups_of([unplaced("a", None), unplaced("b", None)])) == 2
