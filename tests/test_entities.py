"""Entities: names, aliases, titles, affiliations, kinds and countries read from short invented reports."""

from __future__ import annotations

import pytest

from dateline import DatelineError
from dateline.entities import find_entities, iso2
from dateline.nlp import load_nlp

REPORT = (
    "Foreign Minister Lena Varga arrived in Tirana on Monday for talks with her counterparts. "
    "Varga later met the Turkish ambassador.\n\n"
    "The Red Crescent Brigade, a militia that operates in the northern hills, said its fighters had withdrawn. "
    "Omar Haddad, who leads the Red Crescent Brigade's political office, denied any losses.\n\n"
    "The National Liberation Front (NLF) denied any role in the attack. A commander of the NLF, Tomas Reyes, "
    "warned that the group would respond. Later the NLF released a video.\n\n"
    "Iraqi Prime Minister Karim al-Maliki met the envoy in Baghdad. Al-Maliki's government has asked for calm, "
    "and Maliki told parliament the talks would continue.\n\n"
    "Sami Khalil, known as Abu Rami, was detained at a checkpoint. Iran's deputy foreign minister "
    "Hassan Taheri called for restraint, while the Iraqi army sealed the roads.\n\n"
    "A burned car blocked the road. Karen Holt for The Daily Ledger\n"
)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def entities(nlp):
    return find_entities(nlp(REPORT))


def by_name(entities, name):
    found = [e for e in entities if e.name == name]
    assert found, f"no entity named {name!r} in {[e.name for e in entities]}"
    return found[0]


def test_ids_follow_first_mention(entities):
    assert [e.id for e in entities] == [f"ent{i}" for i in range(1, len(entities) + 1)]
    firsts = [e.mentions[0].start for e in entities]
    assert firsts == sorted(firsts)


def test_title_is_split_from_the_name(entities):
    varga = by_name(entities, "Lena Varga")
    assert varga.kind == "person"
    assert "Foreign Minister" in varga.titles
    assert "Varga" in varga.aliases


def test_mentions_point_into_the_text(entities):
    for ent in entities:
        for m in ent.mentions:
            assert REPORT[m.start : m.end] == m.text


def test_surname_and_al_prefix_variants_corefer(entities):
    maliki = by_name(entities, "Karim al-Maliki")
    assert maliki.kind == "person"
    assert maliki.country == "IQ"
    assert any("Prime Minister" in t for t in maliki.titles)
    texts = {m.text for m in maliki.mentions}
    assert {"Al-Maliki", "Maliki"} <= texts
    assert not any(e.name in ("Maliki", "Al-Maliki") for e in entities if e is not maliki)


def test_militia_with_apposition_is_a_group(entities):
    brigade = by_name(entities, "Red Crescent Brigade")
    assert brigade.kind == "group"


def test_affiliation_from_relative_clause(entities):
    haddad = by_name(entities, "Omar Haddad")
    assert haddad.affiliation == "Red Crescent Brigade"


def test_acronym_in_brackets_is_an_alias(entities):
    front = by_name(entities, "National Liberation Front")
    assert "NLF" in front.aliases
    assert sum(m.text == "NLF" for m in front.mentions) >= 2


def test_commander_of_gives_title_and_affiliation(entities):
    reyes = by_name(entities, "Tomas Reyes")
    assert "commander" in reyes.titles
    assert reyes.affiliation == "National Liberation Front"


def test_known_as_alias(entities):
    khalil = by_name(entities, "Sami Khalil")
    assert "Abu Rami" in khalil.aliases
    assert not any(e.name == "Abu Rami" for e in entities)


def test_possessive_country_title(entities):
    taheri = by_name(entities, "Hassan Taheri")
    assert taheri.country == "IR"
    assert any("deputy foreign minister" in t for t in taheri.titles)


def test_national_army_and_states(entities):
    army = by_name(entities, "Iraqi army")
    assert army.kind == "military"
    assert army.country == "IQ"


def test_photo_credit_is_not_a_participant(entities):
    assert not any("Karen Holt" in e.name for e in entities)


def test_sentence_initial_common_noun_is_not_a_person(nlp):
    doc = nlp("Photographs shared by residents showed the damage. Soldiers from the Kenyan army arrived later.")
    assert not any(e.name == "Photographs" for e in find_entities(doc))


def test_country_names_resolve_to_iso2():
    assert iso2("U.S.") == "US"
    assert iso2("the United States") == "US"
    assert iso2("Syrian") == "SY"
    assert iso2("Lebanon") == "LB"
    assert iso2("Springfield") is None


def test_works_without_the_gazetteer(monkeypatch):
    from dateline import entities

    monkeypatch.setattr(entities, "_gazetteer", lambda: None)
    entities.iso2.cache_clear()
    entities.place_country.cache_clear()
    try:
        assert entities.iso2("Iraqi") == "IQ"
        assert entities.iso2("Norway") == "NO"
        assert entities.place_country("Tehran") is None
    finally:
        entities.iso2.cache_clear()
        entities.place_country.cache_clear()


def test_one_state_for_its_name_variants(nlp):
    doc = nlp("The U.S. sent aid. Officials in the United States said America would send more.")
    states = [e for e in find_entities(doc) if e.kind == "state"]
    assert len(states) == 1
    assert states[0].country == "US"
    assert len(states[0].mentions) == 3


def test_its_title_belongs_to_the_group_named_before(nlp):
    doc = nlp(
        "The Desert Falcons Brigade, an armed group based near the border, confirmed the raid. "
        "Its field commander, Yusuf Amari, was wounded."
    )
    amari = by_name(find_entities(doc), "Yusuf Amari")
    assert amari.affiliation == "Desert Falcons Brigade"
    assert any("commander" in t for t in amari.titles)


def test_bad_input_is_a_dateline_error():
    with pytest.raises(DatelineError):
        find_entities("not a doc")


KINDS_REPORT = (
    "NIAMEY (Savanna Courier) - Gunmen attacked a police post near the town of Tillabéri in western Niger "
    "on Sunday, residents told Savanna Courier. Harakat Ansar al-Din wal-Jihad (HADJ), a militia active "
    "along the border, said it had seized the post. Niger's army said the attackers had been repelled.\n\n"
    "Members of the Black Rock gang, part of the Sable Union coalition, were seen leaving the area. "
    "Moscow condemned the attack."
)


@pytest.fixture(scope="module")
def kinds(nlp):
    return find_entities(nlp(KINDS_REPORT))


def test_a_country_is_a_state_and_a_town_is_no_participant(kinds):
    assert by_name(kinds, "Niger").kind == "state"
    assert not any(e.name == "Tillabéri" for e in kinds)


def test_the_outlet_in_the_dateline_is_an_organization(kinds):
    assert by_name(kinds, "Savanna Courier").kind == "organization"


def test_a_name_cut_at_particles_is_rejoined_with_its_acronym(kinds):
    hadj = by_name(kinds, "Harakat Ansar al-Din wal-Jihad")
    assert hadj.kind == "group"
    assert "HADJ" in hadj.aliases


def test_names_vouched_for_by_a_group_noun(kinds):
    assert by_name(kinds, "Black Rock").kind == "group"
    assert by_name(kinds, "Sable Union").kind == "group"


def test_a_capital_that_acts_stands_for_its_state(kinds):
    moscow = by_name(kinds, "Moscow")
    assert moscow.kind == "state"
    assert moscow.country == "RU"


def test_name_head_words_give_the_kind(nlp):
    doc = nlp(
        "The Ministry of Water said the dam held. The Ghana Armed Forces sent engineers, and the "
        "Patriotic Renewal Front said it would help."
    )
    ents = find_entities(doc)
    assert by_name(ents, "Ministry of Water").kind == "government"
    assert by_name(ents, "Patriotic Renewal Front").kind == "group"


def test_titles_from_appositions_and_title_runs(nlp):
    doc = nlp(
        'The harbour master, Ana Pires, closed the port. "We had no choice," said Rui Costa, a 52-year-old '
        "fisherman. Later the mayor met Deputy Mayor Joana Reis and said inspector Tiago Lobo would report."
    )
    ents = find_entities(doc)
    assert any("master" in t for t in by_name(ents, "Ana Pires").titles)
    assert by_name(ents, "Rui Costa").titles == ["fisherman"]
    assert "Deputy Mayor" in by_name(ents, "Joana Reis").titles
    assert "inspector" in by_name(ents, "Tiago Lobo").titles


def test_an_acronym_seen_before_its_expansion_is_one_entity(nlp):
    doc = nlp("RLF fighters were seen near the river. Later the River Liberation Front said it had no fighters there.")
    ents = find_entities(doc)
    front = by_name(ents, "River Liberation Front")
    assert "RLF" in front.aliases
    assert not any(e.name == "RLF" for e in ents)


def test_affiliations_from_group_modifiers_and_of_phrases(nlp):
    doc = nlp(
        "A Falcon Brigade commander, Idris Kamara, said his men held the ridge. "
        "Nadia Osei of the Unity Party told reporters the vote would go ahead."
    )
    ents = find_entities(doc)
    kamara = by_name(ents, "Idris Kamara")
    assert kamara.affiliation == "Falcon Brigade"
    assert kamara.titles == ["commander"]
    assert by_name(ents, "Nadia Osei").affiliation == "Unity Party"
    assert by_name(ents, "Unity Party").kind == "group"


def test_a_capital_acting_in_a_later_untagged_mention(nlp):
    doc = nlp("The foreign ministry in Accra said it was concerned. Accra has repeatedly urged restraint.")
    accra = by_name(find_entities(doc), "Accra")
    assert accra.kind == "state"
    assert accra.country == "GH"


def test_places_listed_or_described_are_no_participants(nlp):
    doc = nlp(
        "Rebels briefly held towns including Oroville and Tarkin. The car was hit near the Velmar bridge, "
        "and a farmer from Dunmore, near the border, was hurt."
    )
    names = {e.name for e in find_entities(doc)}
    assert not names & {"Oroville", "Tarkin", "Velmar", "Dunmore"}


def test_acronyms_are_no_towns(nlp):
    doc = nlp("The EU said it would extend the sanctions, and the UN said it would send observers.")
    ents = find_entities(doc)
    assert by_name(ents, "EU").kind == "organization"
    assert by_name(ents, "EU").country is None


def test_bracketed_acronym_spells_out_its_full_name(nlp):
    doc = nlp("Supporters of the Kenya Jamhuri-e-Umoja Front (KJUF) party marched on Friday.")
    front = by_name(find_entities(doc), "Kenya Jamhuri-e-Umoja Front")
    assert "KJUF" in front.aliases
    assert front.kind == "group"


def test_a_capital_speaking_for_a_named_country_is_that_state(nlp):
    doc = nlp("Observers say the rebels are backed by Rwanda. Kigali denies supporting the rebels.")
    ents = find_entities(doc)
    rwanda = by_name(ents, "Rwanda")
    assert "Kigali" in rwanda.aliases
    assert not any(e.name == "Kigali" for e in ents)


def test_possessive_national_bodies_are_collective_actors(nlp):
    doc = nlp("Ghana's foreign office accused Togo of stalling, and the Ashanti government agreed.")
    office = by_name(find_entities(doc), "Ghana's foreign office")
    assert office.kind == "government"
    assert office.country == "GH"


def test_a_speaker_named_like_a_town_is_a_person(nlp):
    doc = nlp("Madison said the bill would pass. Santiago Pena, Paraguay's president, welcomed the deal.")
    ents = find_entities(doc)
    assert by_name(ents, "Madison").kind == "person"
    pena = by_name(ents, "Santiago Pena")
    assert pena.kind == "person"
    assert pena.country == "PY"


def test_only_the_acting_mentions_of_a_capital_are_the_state(nlp):
    doc = nlp(
        "An artist in Lisbon painted the wall. Talks between Lisbon and Madrid stalled, "
        "and the plan was rejected by Lisbon. Flights between Lisbon and Porto resumed."
    )
    lisbon = by_name(find_entities(doc), "Lisbon")
    assert lisbon.kind == "state"
    assert lisbon.country == "PT"
    assert len(lisbon.mentions) == 2


def test_streets_never_act_for_a_state(nlp):
    doc = nlp("Harbour Street was closed on Monday, and Harbour Street traders protested.")
    assert not any(e.kind == "state" for e in find_entities(doc))


def test_who_marks_a_person(nlp):
    doc = nlp("Residents fled Tamasi village. Yusuf Tamasi, who represents the area, said 20 people were taken.")
    tamasi = by_name(find_entities(doc), "Yusuf Tamasi")
    assert tamasi.kind == "person"
    assert [m.text for m in tamasi.mentions] == ["Yusuf Tamasi"]


def test_police_are_state_security_forces(nlp):
    doc = nlp("Kenyan police fired tear gas, and the Tanzania Police Force said it had arrested 12 people.")
    ents = find_entities(doc)
    police = by_name(ents, "Kenyan police")
    assert police.kind == "military"
    assert police.country == "KE"
    assert by_name(ents, "Tanzania Police Force").kind == "military"


def test_singular_and_plural_names_are_one_group(nlp):
    doc = nlp(
        "The Zarqa movement claimed the attack. Zarqa fighters later withdrew, and the Zarqas said they would return."
    )
    groups = [e for e in find_entities(doc) if "Zarqa" in e.name]
    assert len(groups) == 1


def test_abbreviated_ranks_stay_whole(nlp):
    doc = nlp("Brig. Gen. Samuel Ortega visited the base on Monday.")
    ents = find_entities(doc)
    assert by_name(ents, "Samuel Ortega").titles == ["Brig. Gen."]
    assert not any(e.name == "Brig" for e in ents)


def test_a_leaders_administration_is_a_government(nlp):
    doc = nlp("The Petrov administration said it was working on a plan.")
    ents = find_entities(doc)
    assert by_name(ents, "Petrov administration").kind == "government"
    assert not any(e.name == "Petrov" for e in ents)


def test_a_bodys_name_goes_on_after_for(nlp):
    doc = nlp("The Northern Alliance for Justice accused the army of burning homes.")
    assert by_name(find_entities(doc), "Northern Alliance for Justice").kind == "group"


def test_led_by_gives_the_leader_and_the_group(nlp):
    doc = nlp("The army blamed the Eastern Shield Brigade, led by Tarek Mansour, for the attack.")
    mansour = by_name(find_entities(doc), "Tarek Mansour")
    assert mansour.affiliation == "Eastern Shield Brigade"
    assert "leader" in mansour.titles


def test_a_ministry_portfolio_is_part_of_the_title(nlp):
    doc = nlp("Interior Minister Omar Diallo told reporters on Monday that the curfew would be lifted.")
    ents = find_entities(doc)
    assert [e.name for e in ents] == ["Omar Diallo"]
    assert ents[0].titles == ["Interior Minister"]


def test_a_surname_named_before_the_full_name_is_that_person(nlp):
    doc = nlp("Why voters doubt Varga\n\nFor weeks, Varga had kept to a script. Lena Varga then took questions.")
    ents = find_entities(doc)
    varga = by_name(ents, "Lena Varga")
    assert varga.kind == "person"
    assert [m.text for m in varga.mentions].count("Varga") == 2
    assert not any(e.name == "Varga" for e in ents)


def test_two_people_of_one_surname_stay_apart_after_a_bare_surname(nlp):
    doc = nlp(
        "Brandt spoke first.\n\nMaria Brandt and her brother Felix Brandt later addressed the crowd. Brandt left."
    )
    names = {e.name for e in find_entities(doc)}
    assert {"Maria Brandt", "Felix Brandt"} <= names
