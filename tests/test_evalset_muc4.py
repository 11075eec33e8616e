"""The MUC-4 adapter: reading stories and answer keys, mapping events to incidents, and every matching rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline import DatelineError
from dateline.evalsets import muc4
from dateline.evalsets.muc4 import DateSpan, Fill, KeyLocation, Story, Template
from dateline.records import Actor, Count, DateRange, Event, Extraction, Location, Report, Span

DATA = Path(__file__).parent / "data" / "muc4"
LIMA = KeyLocation("PERU", (("LIMA",),))
MIRAFLORES = KeyLocation("PERU", (("LIMA",), ("MIRAFLORES",)))


# ---------------------------------------------------------------------------------------------------------
# Helpers: hand-built events and stories


def event(
    trigger: str = "ATTACKED",
    type_: str = "ASSAULT",
    *,
    mode: str | None = None,
    place: tuple | None = None,
    date: str | None = None,
    actors: tuple[tuple[str, str], ...] = (),
    killed: int | None = None,
    hurt: int | None = None,
    **flags: object,
) -> Event:
    """An event; place is (name, country, precision[, lat, lon]), actors (role, name) pairs."""
    location = Location()
    if place is not None:
        name, country, precision, *point = place
        lat, lon = point or (None, None)
        location = Location(name=name, country=country, precision=precision, text=name, lat=lat, lon=lon)
    return Event(
        id="e",
        type=type_,
        mode=mode,
        trigger=Span(text=trigger, start=0, end=len(trigger)),
        date=DateRange(start=date, end=date, precision="day") if date else DateRange(),
        location=location,
        actors=[Actor(name=name, role=role) for role, name in actors],
        fatalities=Count(low=killed, best=killed) if killed is not None else None,
        injuries=Count(low=hurt, best=hurt) if hurt is not None else None,
        **flags,
    )


def extraction(story: Story, *events: Event) -> Extraction:
    return Extraction(report=Report(id=story.id, text=story.text), dateline_version="test", events=list(events))


def template(types: tuple[str, ...] = ("ATTACK",), **fields: object) -> Template:
    return Template(story="S", number=1, optional=bool(fields.pop("optional", False)), types=types, **fields)


def story(sid: str, *templates: Template) -> Story:
    return Story(id=sid, text="TEXT", published="1990-01-15", templates=list(templates))


# ---------------------------------------------------------------------------------------------------------
# Reading


def test_read_folder_finds_every_story_file_and_its_key() -> None:
    docs = muc4.read(DATA)
    assert [d.id for d in docs] == ["EXTRA-MUC3-0001", "TINY-MUC4-0001", "TINY-MUC4-0002", "TINY-MUC4-0003"]
    assert [d.published for d in docs] == ["1989-06-05", "1990-03-14", "1990-04-02", None]
    assert [len(d.templates) for d in docs] == [1, 1, 2, 0]
    assert (docs[2].relevant, docs[2].required, docs[3].relevant, docs[3].required) == (True, True, False, False)
    assert docs[1].text.startswith("QUITO (ECUADOR), 14 MAR 90 (RADIO EXAMPLE) -- [TEXT] GUNMEN")


def test_read_story_file_parses_the_key_conventions() -> None:
    docs = muc4.read(DATA / "tiny-muc4")
    attack = docs[0].templates[0]
    assert attack.types == ("ATTACK",)
    assert attack.dates == (DateSpan("1990-03-13", "1990-03-13"),)
    assert attack.locations == (KeyLocation("ECUADOR", (("QUITO",),)),)
    assert attack.perpetrators == (Fill(("GUNMEN",)), Fill(("INVENTED LIBERATION ARMY",)))
    assert attack.targets == (Fill(("TOMAS VERANO",)), Fill(("JUDGE", "TOMAS VERANO")))
    assert attack.effects == (Fill(("DEATH",)),)
    bombing, kidnap = docs[1].templates
    assert bombing.dates == (DateSpan("1990-04-02", "1990-04-02"), DateSpan(None, "1990-04-02"))
    assert bombing.locations == (MIRAFLORES,)
    assert bombing.targets == (Fill(("BANK",)), Fill(("GUARDS", "TWO GUARDS")))
    assert (kidnap.optional, kidnap.stage) == (True, "THREATENED")
    assert kidnap.dates == (DateSpan(None, "1990-04-30"),)
    assert kidnap.locations == (KeyLocation("PERU"), KeyLocation("PERU", (("CALLAO", "LIMA"),)))
    assert kidnap.perpetrators == (Fill(("UNKNOWN CALLERS",), optional=True),)
    assert kidnap.targets == (Fill(("BANK MANAGER",)), Fill(("CASHIER",)))
    assert kidnap.effects == (Fill(("NO INJURY OR DEATH", "NO DEATH")),)
    assert docs[2].templates == []


def test_key_is_found_by_the_muc_naming_convention() -> None:
    assert muc4.key_path(DATA / "tiny-muc4").name == "key-tiny.v1"
    assert muc4.key_path(DATA / "more" / "extra-muc3-0001-0001").name == "key-extra-0001.muc4"


def test_header_date_is_the_dispatch_date() -> None:
    assert muc4.header_date("LIMA, 2 APR 90 (EXAMPLE) -- [TEXT] A BOMB") == "1990-04-02"
    assert muc4.header_date("QUITO (ECUADOR), 14 MAR 90 -- [TEXT] X") == "1990-03-14"
    assert muc4.header_date("BOGOTA, NO DATE (EXAMPLE TV) -- [TEXT] X") is None
    assert muc4.header_date("LIMA, 25 JAN (EXAMPLE) -- [TEXT] NO YEAR") is None


def test_key_dates_read_ranges_months_and_impossible_days() -> None:
    assert muc4._date_spans("10 NOV 89 - 16 NOV 89", None, "k") == [DateSpan("1989-11-10", "1989-11-16")]
    assert muc4._date_spans("NOV 89", None, "k") == [DateSpan("1989-11-01", "1989-11-30")]
    assert muc4._date_spans("? 31 NOV 89", None, "k") == [DateSpan("1989-11-30", "1989-11-30")]
    assert muc4._date_spans("- 12 JAN", "1990-01-15", "k") == [DateSpan(None, "1990-01-12")]
    assert muc4._date_spans("- 12 JAN", None, "k") == []


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    """A copy of the tiny story file and key, to break one way or another."""
    for name in ("tiny-muc4", "key-tiny.v1"):
        (tmp_path / name).write_text((DATA / name).read_text())
    return tmp_path


def _break_key(folder: Path, old: str, new: str) -> None:
    key = folder / "key-tiny.v1"
    key.write_text(key.read_text().replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("4.  INCIDENT: TYPE                 ATTACK", "4.  INCIDENT: TYPE   MURDER", "line 5: INCIDENT: TYPE 'MURDER'"),
        ("2.  INCIDENT: DATE                 13 MAR 90", "2.  INCIDENT: DATE  LAST WEEK", "cannot read INCIDENT: DATE"),
        ("1.  MESSAGE: TEMPLATE              1", "1.  MESSAGE: TEMPLATE  ONE", "line 2: MESSAGE: TEMPLATE must be"),
        ("5.  INCIDENT: STAGE", "5.  INCIDENT: PHASE", "line 6: slot 5 is not one of the 25 MUC-4 slots"),
        ("6.  INCIDENT: INSTRUMENT ID", "INSTRUMENT ID", "line 7: not a template slot line"),
        ("TINY-MUC4-0003", "TINY-MUC4-0009", "templates for TINY-MUC4-0009, a story not in tiny-muc4"),
    ],
)
def test_malformed_key_names_the_file_and_line(pair: Path, old: str, new: str, message: str) -> None:
    _break_key(pair, old, new)
    with pytest.raises(DatelineError, match="key-tiny.v1") as err:
        muc4.read(pair / "tiny-muc4")
    assert message in str(err.value)


def test_a_story_the_key_leaves_out_is_an_error(pair: Path) -> None:
    key = pair / "key-tiny.v1"
    key.write_text(key.read_text().split("0.  MESSAGE: ID                    TINY-MUC4-0003")[0])
    with pytest.raises(DatelineError, match="no template .* for story TINY-MUC4-0003"):
        muc4.read(pair)


def test_missing_files_and_names_are_errors(pair: Path, tmp_path: Path) -> None:
    (pair / "key-tiny.v1").unlink()
    with pytest.raises(DatelineError, match="tiny-muc4: no answer key beside it"):
        muc4.read(pair / "tiny-muc4")
    with pytest.raises(DatelineError, match="no such MUC story file"):
        muc4.read(tmp_path / "nothing-muc4")
    with pytest.raises(DatelineError, match="not a MUC story file"):
        muc4.read(DATA / "key-tiny.v1")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "._tiny-muc4").write_bytes(b"\x00\x05\x16\x07 apple double")
    with pytest.raises(DatelineError, match="no MUC story files"):
        muc4.read(empty)
    (empty / "tiny-muc4").write_text("NO STORY HEADERS HERE\n")
    with pytest.raises(DatelineError, match="tiny-muc4: no stories"):
        muc4.read(empty)


# ---------------------------------------------------------------------------------------------------------
# Events -> incidents


@pytest.mark.parametrize(
    ("ev", "expected"),
    [
        (event("KIDNAPPED"), "KIDNAPPING"),
        (event("SEIZED", mode="abduction"), "KIDNAPPING"),
        (event("ATTACK", mode="explosives"), "BOMBING"),
        (event("EXPLOSION"), "BOMBING"),
        (event("TORCHED"), "ARSON"),
        (event("ATTACK", mode="arson"), "ARSON"),
        (event("AMBUSHED", mode="firearms"), "ATTACK"),
        (event("ATTACKED", certainty="claimed"), "ATTACK"),
        (event("ATTACKED", background=True), None),
        (event("ATTACKED", negated=True), None),
        (event("ATTACKED", certainty="denied"), None),
        (event("HOSTAGE", "COERCE"), "KIDNAPPING"),
        (event("ARRESTED", "COERCE", mode="arrest"), None),
        (event("SEIZED", "COERCE", mode="seizure"), None),
        (event("PROTEST", "PROTEST"), None),
    ],
)
def test_incident_type(ev: Event, expected: str | None) -> None:
    assert muc4.incident_type(ev) == expected


@pytest.mark.parametrize(
    ("key", "place", "level"),
    [
        (MIRAFLORES, ("Miraflores", "PE", "district"), 3),
        (MIRAFLORES, ("Lima", "PE", "city"), 2),
        (MIRAFLORES, ("Peru", "PE", "country"), 1),
        (MIRAFLORES, ("Callao", "PE", "city", -12.05, -77.13), 2),  # within 50 km of Lima
        (MIRAFLORES, ("Cusco", "PE", "city", -13.53, -71.97), 0),
        (MIRAFLORES, ("Lima", "US", "city"), 0),
        (MIRAFLORES, None, 0),
        (KeyLocation("PERU"), ("Peru", "PE", "country"), 3),
        (KeyLocation("PERU"), ("Cusco", "PE", "city"), 2),
        (KeyLocation("REPUBLIC OF PERU"), ("Peru", "PE", "country"), 3),
        (KeyLocation("ATLANTIS"), ("Peru", "PE", "country"), 0),
    ],
)
def test_location_level(key: KeyLocation, place: tuple | None, level: int) -> None:
    assert muc4.location_level(key, event(place=place)) == level


# ---------------------------------------------------------------------------------------------------------
# Scoring


def test_story_level_and_false_alarms() -> None:
    docs = [
        story("S1", template(locations=(LIMA,))),
        story("S2"),
        story("S3", template(optional=True)),
        story("S4", template()),
    ]
    preds = [
        extraction(docs[0], event(place=("Lima", "PE", "city"))),
        extraction(docs[1], event("SHOT"), event("BOMBED")),
        extraction(docs[2]),
        extraction(docs[3], event("ARRESTED", "COERCE")),
    ]
    summary = muc4.score(docs, preds)
    assert summary["story"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert (summary["false_alarm_stories"], summary["false_alarm_incidents"]) == (1, 2)
    assert (summary["relevant_stories"], summary["optional_only_stories"], summary["irrelevant_stories"]) == (2, 1, 1)
    assert summary["incident"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4, "tp": 1, "fp": 2, "fn": 1}
    assert {m["why"] for m in summary["misses"]} == {"false alarm", "no incident"}


def test_incidents_pair_on_type_and_place_one_to_one() -> None:
    attack = template(
        locations=(LIMA,),
        dates=(DateSpan("1990-01-10", "1990-01-10"),),
        perpetrators=(Fill(("SHINING PATH",)),),
        targets=(Fill(("MAYOR",)),),
        effects=(Fill(("DEATH",)),),
    )
    bombing = template(("BOMBING", "ATTACK"), locations=(KeyLocation("PERU", (("CUSCO",),)),))
    optional = template(("KIDNAPPING",), optional=True)
    doc = story("S", attack, bombing, optional)
    lima = ("Lima", "PE", "city", -12.05, -77.04)
    events = (
        event(place=lima, date="1990-01-10", actors=(("initiator", "Shining Path"), ("target", "the mayor")), killed=1),
        event("BOMB", place=lima),
        event("SHOT", place=lima),
    )
    summary = muc4.score([doc], [extraction(doc, *events)])
    assert summary["incident"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4, "tp": 1, "fp": 2, "fn": 1}
    assert summary["incident_type"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "tp": 2, "fp": 1, "fn": 0}
    assert summary["by_type"]["BOMBING"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 1}
    assert summary["by_type"]["ATTACK"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    # fields are read on the match and on the bombing paired by type alone: its place is wrong, its country right
    assert summary["fields"] == {
        "date": 1.0, "location": 0.5, "location_country": 1.0, "perpetrator": 1.0, "target": 1.0, "effect": 1.0,
    }  # fmt: skip
    assert summary["field_counts"]["location"] == 2
    assert summary["recall_by_stage"] == {"-": 0.5}
    assert [m["why"] for m in summary["misses"]] == ["place disagrees", "spurious"]
    assert summary["headline"]["incident_f1"] == 0.4 and summary["gate"] == "incident_f1"


def test_field_rules_on_paired_incidents() -> None:
    murder = template(
        locations=(LIMA,),
        dates=(DateSpan(None, "1990-01-09"),),
        perpetrators=(Fill(("UNKNOWN MEN",), optional=True),),
        targets=(Fill(("JUDGE",)),),
        effects=(Fill(("DEATH",)),),
    )
    kidnap = template(
        ("KIDNAPPING",),
        locations=(KeyLocation("PERU"),),
        dates=(DateSpan("1990-01-15", "1990-01-15"),),
        perpetrators=(Fill(("ARMED MEN",), optional=True),),
        effects=(Fill(("NO INJURY OR DEATH", "NO DEATH")),),
    )
    doc = story("S", murder, kidnap)
    events = (
        event("KILLED", place=("Peru", "PE", "country"), date="1989-12-01", actors=(("victim", "a judge"),)),
        event("KIDNAPPED", place=("Lima", "PE", "city"), date="1990-01-12", actors=(("initiator", "armed men"),)),
    )
    summary = muc4.score([doc], [extraction(doc, *events)])
    assert summary["incident"]["tp"] == 2
    assert summary["fields"] == {
        "date": 0.5, "location": 0.5, "location_country": 1.0, "perpetrator": 1.0, "target": 1.0, "effect": 0.5,
    }  # fmt: skip
    assert summary["field_counts"] == {
        "date": 2, "location": 2, "location_country": 2, "perpetrator": 1, "target": 1, "effect": 2,
    }  # fmt: skip
    assert [m["why"] for m in summary["misses"]] == ["fields: effect, location", "fields: date"]


def test_effects_read_deaths_and_injuries() -> None:
    mixed = template(effects=(Fill(("DEATH",)), Fill(("NO DEATH",)), Fill(("INJURY",), optional=True)))
    assert muc4.effect_checks(mixed) == {"death": True}
    assert muc4.effect_checks(template(effects=(Fill(("NO INJURY OR DEATH",)),))) == {"death": False, "injury": False}
    assert muc4.effect_checks(template(effects=(Fill(("DEATH", "INJURY")),))) == {}
    hurt = template(effects=(Fill(("INJURY",)),))
    assert muc4.effect_ok(hurt, event(hurt=2)) and not muc4.effect_ok(hurt, event(killed=2))


def test_score_needs_one_extraction_per_story() -> None:
    with pytest.raises(DatelineError, match="2 stories but 1 extractions"):
        muc4.score([story("A"), story("B")], [extraction(story("A"))])


def test_run_with_the_pipeline_on_the_tiny_set() -> None:
    summary = muc4.run(DATA, limit=3)
    assert (summary["kind"], summary["documents"], summary["templates"]) == ("muc4", 3, 4)
    assert set(summary["headline"]) == {
        "story_f1", "incident_f1", "incident_type_f1", "date_acc", "location_acc", "perpetrator_acc", "target_acc",
    }  # fmt: skip
    assert all(v is None or 0.0 <= v <= 1.0 for v in summary["headline"].values())
    assert summary["story"]["tp"] + summary["story"]["fn"] == 3
