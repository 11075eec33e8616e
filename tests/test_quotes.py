"""Quotes: direct and indirect speech with speakers, read from short invented reports."""

from __future__ import annotations

import pytest

from dateline import DatelineError
from dateline.entities import find_entities
from dateline.nlp import load_nlp
from dateline.quotes import find_quotes, quote_spans

REPORT = (
    "Foreign Minister Lena Varga arrived in Tirana on Monday for talks. "
    "\u201cWe came to listen, not to lecture,\u201d Varga told reporters at the airport. "
    "\u201cNobody gains from another winter of shelling.\u201d\n\n"
    "The Red Crescent Brigade, a militia that operates in the northern hills, said in a statement that its "
    "fighters had withdrawn from two villages. Its spokesman Omar Haddad said the pullback was temporary.\n\n"
    "Haddad accused the army of shelling homes. \u201cThey want us gone,\u201d he said.\n\n"
    "\u201cThe water has been off for nine days,\u201d said Mariam Dabbas, 41, who runs a bakery near the square. "
    "She added that prices had doubled.\n\n"
    "The Ministry of Health described the situation as \u201cclose to collapse,\u201d according to a statement "
    "released late Tuesday.\n\n"
    "\u201cMy neighbour kept shouting \u2018run, run\u2019 when the roof fell,\u201d one man said.\n\n"
    "According to local officials, at least 14 people were wounded.\n"
)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def quotes(nlp):
    doc = nlp(REPORT)
    return find_quotes(doc, find_entities(doc))


def quote_with(quotes, words):
    found = [q for q in quotes if words in q.text]
    assert found, f"no quote containing {words!r}: {[q.text for q in quotes]}"
    return found[0]


def test_offsets_are_the_content_without_marks(quotes):
    for q in quotes:
        assert REPORT[q.start : q.end] == q.text
        assert not q.text.startswith(("\u201c", '"'))


def test_speaker_before_quote_with_title(quotes):
    q = quote_with(quotes, "We came to listen")
    assert q.direct
    assert q.speaker == "Lena Varga"
    assert q.speaker_title == "Foreign Minister"
    assert q.cue.startswith("told")


def test_follow_on_quote_keeps_the_speaker(quotes):
    q = quote_with(quotes, "Nobody gains")
    assert q.direct and q.speaker == "Lena Varga"


def test_organisation_statement_is_indirect(quotes):
    q = quote_with(quotes, "fighters had withdrawn")
    assert not q.direct
    assert q.speaker == "Red Crescent Brigade"
    assert q.cue == "said in a statement"
    assert not q.text.startswith("that ")


def test_spokesman_affiliation(quotes):
    q = quote_with(quotes, "pullback was temporary")
    assert q.speaker == "Omar Haddad"
    assert q.speaker_affiliation == "Red Crescent Brigade"
    assert "spokesman" in (q.speaker_title or "")


def test_accusation_is_indirect_speech(quotes):
    q = quote_with(quotes, "of shelling homes")
    assert not q.direct and q.speaker == "Omar Haddad" and q.cue == "accused"


def test_pronoun_speaker_resolves_to_the_person(quotes):
    q = quote_with(quotes, "They want us gone")
    assert q.speaker == "Omar Haddad"


def test_speaker_after_quote_and_pronoun_in_next_sentence(quotes):
    assert quote_with(quotes, "off for nine days").speaker == "Mariam Dabbas"
    added = quote_with(quotes, "prices had doubled")
    assert added.speaker == "Mariam Dabbas" and not added.direct and added.cue == "added"


def test_partial_quote_with_statement_author(quotes):
    q = quote_with([q for q in quotes if q.direct], "close to collapse")
    assert q.text == "close to collapse,"
    assert q.speaker == "Ministry of Health"
    assert q.cue == "according to"
    clause = quote_with([q for q in quotes if not q.direct], "close to collapse")
    assert clause.text.endswith("\u201d"), "an indirect clause keeps a partial quote whole"


def test_nested_quote_stays_inside_and_anonymous_speaker(quotes):
    q = quote_with(quotes, "kept shouting")
    assert "\u2018run, run\u2019" in q.text
    assert q.speaker == "one man"
    assert not any(other.text == "run, run" for other in quotes)


def test_according_to_clause(quotes):
    q = quote_with(quotes, "14 people were wounded")
    assert not q.direct and q.speaker == "local officials" and q.cue == "according to"


def test_split_quote_around_the_cue(nlp):
    text = (
        'The mayor, Ines Moro, toured the flooded district. "We will rebuild," she said. '
        '"But not before the river is tamed."'
    )
    doc = nlp(text)
    found = find_quotes(doc, find_entities(doc))
    assert [q.text for q in found] == ["We will rebuild,", "But not before the river is tamed."]
    assert all(q.speaker == "Ines Moro" and q.direct for q in found)


def test_colon_introduces_the_quote(nlp):
    doc = nlp('The general Paul Okafor was blunt. Okafor said: "The road stays closed until the mines are cleared."')
    q = find_quotes(doc, find_entities(doc))[0]
    assert q.speaker == "Paul Okafor" and q.text.startswith("The road stays closed")


def test_scare_quotes_without_a_speaker_are_dropped(nlp):
    doc = nlp('The so-called "green line" runs through the old town.')
    assert find_quotes(doc, find_entities(doc)) == []


def test_quote_spans_handle_paragraphs_and_apostrophes():
    text = "\u201cFirst part, it\u2019s long\n\u201cSecond part.\u201d\nHe\u2019d left."
    spans = quote_spans(text)
    assert [text[a:b] for a, b in spans] == ["First part, it\u2019s long", "Second part."]


def test_quote_spans_mixed_styles():
    straight = 'He shouted "they chant \u201cleave now\u201d every night" and left.'
    assert [straight[a:b] for a, b in quote_spans(straight)] == ["they chant \u201cleave now\u201d every night"]
    typewriter = "''We stay,'' the farmer said."
    assert [typewriter[a:b] for a, b in quote_spans(typewriter)] == ["We stay,"]
    stray = "\u201dWe were never warned. Nobody came.\u201d\n\u2015 Ana Ruiz"
    assert [stray[a:b] for a, b in quote_spans(stray)] == ["We were never warned. Nobody came."]


def test_statement_clause_hung_on_the_noun(nlp):
    doc = nlp(
        "The Northern Shield Brigade said in a statement that two of its fighters were killed near the dam. "
        "The Northern Shield Brigade group said later it would not retaliate."
    )
    found = find_quotes(doc, find_entities(doc))
    clause = quote_with(found, "two of its fighters")
    assert clause.speaker == "Northern Shield Brigade" and clause.cue == "said in a statement"
    assert quote_with(found, "would not retaliate").speaker == "Northern Shield Brigade"


def test_signed_quote_in_a_list_of_voices(nlp):
    doc = nlp("\u201cThe buses stopped running in March and nobody told us why.\u201d \u2015 Paolo Bruni, Naples\n")
    q = find_quotes(doc, find_entities(doc))[0]
    assert q.speaker == "Paolo Bruni"


def test_bad_input_is_a_dateline_error():
    with pytest.raises(DatelineError):
        find_quotes("text", [])


def speaker_of(nlp, text: str, words: str) -> str | None:
    doc = nlp(text)
    return quote_with(find_quotes(doc, find_entities(doc)), words).speaker


def test_one_of_them_takes_its_antecedent(nlp):
    text = (
        "Three nurses at the clinic described the night to the Valley Herald. "
        '"We ran out of bandages by midnight," one of them said.'
    )
    assert speaker_of(nlp, text, "bandages") == "nurses"


def test_one_noun_takes_the_modifiers_of_the_plural_before(nlp):
    text = (
        "Harbour workers refused to unload the ship. Their families joined them. "
        '"We will not touch that cargo," one worker said.'
    )
    assert speaker_of(nlp, text, "cargo") == "harbour worker"


def test_he_after_an_unnamed_witness_is_that_witness(nlp):
    text = (
        "A fisherman told the Valley Herald that the bridge collapsed at dawn. "
        'He asked not to be named. "The whole span just folded," he said.'
    )
    assert speaker_of(nlp, text, "whole span") == "fisherman"


def test_the_group_refers_back_to_the_named_group(nlp):
    text = (
        "The Riverside Relief Network said its trucks were stopped at the checkpoint. "
        'The group called the delay "a death sentence for the sick."'
    )
    assert speaker_of(nlp, text, "death sentence") == "Riverside Relief Network"


def test_a_name_given_inside_the_speaker_phrase(nlp):
    text = '"They took everything," said a woman who gave her name only as Mirela.'
    assert speaker_of(nlp, text, "took everything") == "Mirela"


def test_the_statement_speaks_for_its_author(nlp):
    text = (
        "The raid was confirmed in a statement from the Coastal Guard Command. "
        'It was carried out "with full regard for civilian life," the statement said.'
    )
    assert speaker_of(nlp, text, "civilian life") == "Coastal Guard Command"


def test_a_quote_ending_its_sentence_keeps_the_cue_before_it(nlp):
    text = (
        'The Hill Front said it had shelled the depot "in answer to the raid." '
        "The army said most shells fell in empty fields."
    )
    assert speaker_of(nlp, text, "answer to the raid") == "Hill Front"


def test_the_next_paragraph_is_no_signature(nlp):
    text = (
        'Mayor Elena Brandt spoke first. "We will rebuild," she said. "Every house."\n\n'
        "Governor Tomas Weil thanked the volunteers."
    )
    assert speaker_of(nlp, text, "Every house") == "Elena Brandt"


def test_a_dash_signs_a_quote_even_across_a_line_break(nlp):
    text = "\u201cThe buses never come on time and nobody listens.\u201d\n\u2015 Marta Lindqvist, commuter\n"
    assert speaker_of(nlp, text, "buses never come") == "Marta Lindqvist"


def test_a_group_named_in_apposition_speaks(nlp):
    text = 'The rights group Vigilia accused the police of "firing first" during the raid.'
    assert speaker_of(nlp, text, "firing first") == "Vigilia"


def test_titles_in_quotation_marks_are_not_speech(nlp):
    doc = nlp('"We are ready," Ana Ruiz said on the programme "Morning With Marta." She left early.')
    texts = [q.text for q in find_quotes(doc, find_entities(doc))]
    assert not any("Morning" in t for t in texts)


def test_quoted_words_never_speak(nlp):
    text = (
        '"The wall will not hold," Ivo Marek, a retired engineer, said on Channel Nine\u2019s "River Watch." '
        '"Nobody listened to us."'
    )
    assert speaker_of(nlp, text, "wall will not hold") == "Ivo Marek"


def test_more_ways_to_report_words(nlp):
    text = (
        'Parents wrote to the council. "Our children are thriving," the letter reads.\n\n'
        'Lena Ostrova continued:\n\n"Nobody asked the teachers."\n'
    )
    doc = nlp(text)
    quotes = find_quotes(doc, find_entities(doc))
    assert quote_with(quotes, "thriving").cue == "reads"
    assert quote_with(quotes, "Nobody asked").speaker == "Lena Ostrova"


def test_a_dash_signature_needs_no_known_entity(nlp):
    text = "\u201cThe rent doubled in a year and nobody explained why.\u201d \u2015 Pia Halvorsen\n"
    assert speaker_of(nlp, text, "rent doubled") == "Pia Halvorsen"


def test_they_after_people_counted_are_those_people(nlp):
    text = (
        "The Delta Front accused the navy of sinking boats. Two aid workers described the scene to the "
        'Coastal Times. "There was nothing left," one of them said. They said the wells had been poisoned.'
    )
    assert speaker_of(nlp, text, "wells had been poisoned") == "aid workers"


def test_an_operation_that_continues_is_no_speaker(nlp):
    text = (
        "A senior officer, speaking on condition of anonymity, said the operation would continue. "
        '"We will finish the job," he said.'
    )
    assert speaker_of(nlp, text, "finish the job") == "senior officer"


def test_a_straight_mark_can_close_a_curly_quote():
    text = '\u201cThe deal must stop," Mara Voss said. "Now."'
    assert quote_spans(text)[0] == (1, text.index('"'))


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("Senior officials believe the rebels will accept the ceasefire within days.", "Senior officials", "believe"),
        ("A new poll shows that most voters back the reform.", "A new poll", "shows"),
        ("Investigators found that the fire had been set deliberately.", "Investigators", "found"),
    ],
)
def test_beliefs_and_findings_are_attributed_claims(nlp, text, speaker, cue):
    doc = nlp(text)
    [quote] = find_quotes(doc, find_entities(doc))
    assert (quote.speaker, quote.cue, quote.direct) == (speaker, cue, False)


def test_a_found_object_is_no_claim(nlp):
    doc = nlp("Police found the body of a man in a ditch near the market.")
    assert find_quotes(doc, find_entities(doc)) == []


@pytest.mark.parametrize(
    ("pronoun", "speaker"),
    [("she", "Dana Whitfield"), ("he", "Paul Okafor")],
)
def test_a_pronoun_speaker_agrees_in_gender(nlp, pronoun, speaker):
    text = (
        "Senator Paul Okafor met Mrs. Dana Whitfield in the capital on Monday. Okafor left after an hour. "
        f"\u201cWe are not finished,\u201d {pronoun} said."
    )
    assert speaker_of(nlp, text, "not finished") == speaker


def test_a_pronoun_speaker_is_the_reporter_not_the_one_reported_on(nlp):
    text = "Analyst Kim Sato said Jordan Reyes had quit the board. \u201cNobody saw it coming,\u201d she said."
    assert speaker_of(nlp, text, "Nobody saw") == "Kim Sato"


def test_a_pronoun_speaker_is_the_latest_subject_outside_reported_speech(nlp):
    text = "Analyst Kim Sato met Jordan Reyes on Friday. Reyes quit the board. \u201cNobody saw it,\u201d she said."
    assert speaker_of(nlp, text, "Nobody saw") == "Jordan Reyes"


def test_a_headline_opened_by_a_name_and_a_colon_is_that_persons_words(nlp):
    text = (
        "Miller: The Bridge Will Be Rebuilt by Spring\n\n"
        "Senator John Miller told reporters in Denver on Tuesday that repairs would start soon."
    )
    doc = nlp(text)
    q = quote_with(find_quotes(doc, find_entities(doc)), "Rebuilt by Spring")
    assert (q.speaker, q.cue) == ("John Miller", ":")  # the headline's surname is the senator named below


def test_a_headline_opened_by_a_word_and_a_colon_has_no_speaker(nlp):
    text = (
        "Update: The Bridge Will Be Rebuilt by Spring\n\n"
        "Senator John Miller told reporters in Denver on Tuesday that repairs would start soon."
    )
    doc = nlp(text)
    assert all("Rebuilt" not in q.text for q in find_quotes(doc, find_entities(doc)))


def test_transcript_turns_name_their_speakers(nlp):
    text = (
        "The interview went as follows.\n\n"
        "\u201cRUIZ: We will rebuild the bridge by spring, whatever it costs.\u201d\n\n"
        "\u201cBLAKE: And who pays for it?\u201d"
    )
    assert speaker_of(nlp, text, "rebuild the bridge") == "Ruiz"
    assert speaker_of(nlp, text, "who pays") == "Blake"


def test_an_inverted_speaker_is_found_when_the_parser_takes_a_quoted_word_for_a_subject(nlp):
    text = "\u201cThe party is in full retreat. Total retreat,\u201d said Carla Menendez, a Denver-based organiser."
    assert speaker_of(nlp, text, "full retreat") == "Carla Menendez"


def test_a_quoted_subject_without_a_name_outside_gives_no_speaker(nlp):
    doc = nlp("\u201cThe party is in full retreat. Total retreat,\u201d the headline said.")
    assert all(q.speaker != "retreat" for q in find_quotes(doc, find_entities(doc)))


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        ("Senator Ana Ruiz wants to close the old bridge next year.", "Ana Ruiz", "wants", "to close the old bridge"),
        ("Activists called for the release of the prisoners.", "Activists", "called for", "the release of the"),
        ("The senator called on the governor to resign.", "senator", "called on", "the governor to resign"),
        ("The mayor called the plan reckless.", "mayor", "called", "the plan reckless"),
        ("The union rejected the offer of a pay rise.", "union", "rejected", "the offer of a pay rise"),
        ("Critics pointed to the rising deficit.", "Critics", "pointed to", "the rising deficit"),
        ("The governor called for cutting the sales tax.", "governor", "called for", "cutting the sales tax"),
        ("The court halted the sale, citing a risk to public health.", "court", "citing", "a risk to public"),
        ("The latest polls show a close race in the state.", "latest polls", "show", "a close race"),
        ("The governor defended the new curfew in the capital.", "governor", "defended", "the new curfew"),
        ("The senator echoed the warning of the central bank.", "senator", "echoed", "the warning of"),
    ],
)
def test_stances_beyond_speech_are_attributed(nlp, text, speaker, cue, content):
    doc = nlp(text)
    [quote] = find_quotes(doc, find_entities(doc))
    assert (quote.speaker, quote.cue, quote.direct) == (speaker, cue, False)
    assert quote.text.startswith(content)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor began to close the old bridge next year.",
        "Activists called a meeting about the prisoners.",
        "The senator called on Friday to complain.",
        "The new offer of a pay rise was rejected on Friday.",
        "The guard showed his badge at the gate.",
        "Police questioned a man called Tomas Ruiz about the fire.",
        "Police arrested a man called Tomas Ruiz after the fire.",
    ],
)
def test_acts_without_a_stance_are_not_attributed(nlp, text):
    doc = nlp(text)
    assert find_quotes(doc, find_entities(doc)) == []


def test_every_attribution_cue_names_its_content_at_one_place():
    from dateline.patterns import pattern_set

    for rule in pattern_set("attribution_cues").rules:
        places = {[n["RIGHT_ID"] for n in pattern].index("content") for pattern in rule.patterns}
        assert len(places) == 1, rule.id


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("Analysts agreed that the plan would raise taxes on the rich.", "Analysts", "agreed"),
        ("Many voters feel the race is already decided.", "Many voters", "feel"),
        ("Farmers worry that the drought will last another year.", "Farmers", "worry"),
    ],
)
def test_agreement_feelings_and_worries_about_a_clause_are_attributed(nlp, text, speaker, cue):
    doc = nlp(text)
    [quote] = find_quotes(doc, find_entities(doc))
    assert (quote.speaker, quote.cue, quote.direct) == (speaker, cue, False)


@pytest.mark.parametrize("text", ["The two sides agreed on a ceasefire.", "Residents feel the cold every winter."])
def test_agreeing_on_a_thing_or_feeling_the_weather_is_no_claim(nlp, text):
    doc = nlp(text)
    assert find_quotes(doc, find_entities(doc)) == []


def test_a_follow_on_quote_keeps_its_speaker_across_abbreviations(nlp):
    text = (
        "\u201cThis is a sad day,\u201d said Rep. J.K. Barnfield (D-Ohio), head of the Rural Caucus. "
        "\u201cNobody wins this way.\u201d"
    )
    assert speaker_of(nlp, text, "Nobody wins") == "J.K. Barnfield"


def test_a_quote_after_three_sentences_of_narration_is_not_a_follow_on(nlp):
    text = (
        "\u201cThis is a sad day,\u201d said Rep. J.K. Barnfield. The vote was close. Turnout was low. "
        "Results came late. \u201cNobody wins this way.\u201d"
    )
    assert speaker_of(nlp, text, "Nobody wins") is None


def test_a_quoted_term_in_narration_does_not_continue_the_speech(nlp):
    text = (
        "\u201cThe tax code is broken,\u201d said Senator Ana Ruiz. "
        "The fight over \u201ccarried interest\u201d has gone on for years."
    )
    doc = nlp(text)
    assert all("carried interest" not in q.text for q in find_quotes(doc, find_entities(doc)))


def test_a_short_quoted_sentence_after_a_comma_still_continues_the_speech(nlp):
    text = "\u201cWe will rebuild the bridge,\u201d said Senator Ana Ruiz. And the cost, \u201cWhatever it takes.\u201d"
    assert speaker_of(nlp, text, "Whatever it takes") == "Ana Ruiz"


def indirect_quotes(nlp, text):
    doc = nlp(text)
    return [q for q in find_quotes(doc, find_entities(doc)) if not q.direct]


def test_the_reported_clause_runs_on_to_the_end_of_the_cues_clause(nlp):
    [q] = indirect_quotes(nlp, "Senator Ana Ruiz said the budget was balanced, because taxes had risen sharply.")
    assert q.speaker == "Ana Ruiz" and q.text == "the budget was balanced, because taxes had risen sharply"


def test_the_reported_clause_stops_before_a_second_cue(nlp):
    found = indirect_quotes(nlp, "Senator Ana Ruiz said the budget was balanced, arguing that taxes had risen.")
    assert [q.text for q in found] == ["the budget was balanced", "taxes had risen"]


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        ("Ines Moro noted the steep rise in rents across the city.", "Ines Moro", "noted", "the steep rise in rents"),
        ("The senator described the new tax plan as reckless.", "senator", "described", "the new tax plan as reckless"),
    ],
)
def test_what_a_speech_verb_takes_as_its_object_is_reported(nlp, text, speaker, cue, content):
    [q] = indirect_quotes(nlp, text)
    assert (q.speaker, q.cue) == (speaker, cue)
    assert q.text.startswith(content)


def test_a_cue_inside_the_sentence_reports_the_sentence_around_it(nlp):
    text = "The new bridge, Mayor Ines Moro said, will open to traffic in the spring."
    [q] = indirect_quotes(nlp, text)
    assert q.speaker == "Ines Moro" and q.text.startswith("The new bridge") and q.text.endswith("in the spring")


def test_a_stance_takes_the_rest_of_its_clause(nlp):
    [q] = indirect_quotes(nlp, "The governor cited the drought as the reason for the price rise.")
    assert q.cue == "cited" and q.text == "the drought as the reason for the price rise"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Dana Reyes, a nurse, began by saying that the clinic had run out of insulin.", "Dana Reyes"),
        ("The senator was quick to deny that he had met the lobbyist.", "senator"),
    ],
)
def test_the_speaker_of_a_cue_after_a_preposition_or_an_adjective(nlp, text, speaker):
    [q] = indirect_quotes(nlp, text)
    assert q.speaker == speaker


def test_it_is_worth_noting_has_no_speaker(nlp):
    assert indirect_quotes(nlp, "It is worth noting that the bridge was built in 1900.") == []


def test_a_pronoun_speaker_is_never_a_thing_a_relative_clause_describes(nlp):
    text = "The clinic stood near a road that would show the flood damage. \u201cWe had no warning,\u201d she said."
    assert speaker_of(nlp, text, "no warning") != "road"


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        ("Senator Ana Ruiz's claim that taxes had fallen was false.", "Ana Ruiz", "claim", "taxes had fallen"),
        ("The minister's comments on the teachers' strike angered the unions.", "minister", "comments on", "the"),
        ("Graham has long been critical of the new tax plan.", "Graham", "critical of", "the new tax plan"),
        ("The farmers were sure that the drought would end soon.", "farmers", "sure", "the drought would end"),
    ],
)
def test_owned_claims_and_stance_adjectives_are_attributed(nlp, text, speaker, cue, content):
    [q] = indirect_quotes(nlp, text)
    assert (q.speaker, q.cue) == (speaker, cue) and q.text.startswith(content)


@pytest.mark.parametrize(
    "text", ["The claim that taxes had fallen was false.", "The farmers were tired of the long drought."]
)
def test_a_claim_without_an_owner_or_a_mere_state_is_not_attributed(nlp, text):
    assert indirect_quotes(nlp, text) == []


def test_it_is_the_thing_the_sentence_before_was_about(nlp):
    text = "The new audit was published by the city on Monday. It says that rents rose by a third in two years."
    assert speaker_of(nlp, text, "rents rose") == "new audit"


def test_it_is_not_the_subject_of_the_words_it_reports(nlp):
    text = "The council met on Monday. The average weekly benefit, it says, would be $300 a month."
    assert all(q.speaker != "average weekly benefit" for q in indirect_quotes(nlp, text))


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("Mayor Ines Moro spoke about the long strike at the port.", "Ines Moro", "the long strike at the port"),
        ("The minister commented on the rising price of bread.", "minister", "the rising price of bread"),
    ],
)
def test_what_words_were_about_is_reported(nlp, text, speaker, content):
    [q] = indirect_quotes(nlp, text)
    assert (q.speaker, q.text) == (speaker, content)


def test_a_time_after_a_reporting_verb_is_no_topic(nlp):
    assert indirect_quotes(nlp, "The senator spoke on Tuesday in the capital.") == []


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("The new offer of a pay rise was rejected by the union.", "union", "The new offer of a pay rise"),
        ("The leak of the draft budget was first reported by the Daily Ledger.", "Daily Ledger", "The leak of the"),
    ],
)
def test_a_passive_stance_or_report_is_its_agents(nlp, text, speaker, content):
    [q] = indirect_quotes(nlp, text)
    assert q.speaker == speaker and q.text.startswith(content)


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        ("The senator railed against the new tax breaks for developers.", "senator", "railed against", "the new tax"),
        ("Investigators know that the files were taken from the archive.", "Investigators", "know", "the files were"),
    ],
)
def test_stances_towards_a_preposition_and_facts_known_are_attributed(nlp, text, speaker, cue, content):
    [q] = indirect_quotes(nlp, text)
    assert (q.speaker, q.cue) == (speaker, cue) and q.text.startswith(content)


@pytest.mark.parametrize("text", ["The town is known for its busy port.", "The senators voted on Tuesday evening."])
def test_being_known_for_a_thing_or_voting_at_a_time_is_no_stance(nlp, text):
    assert indirect_quotes(nlp, text) == []


def test_a_pronoun_speaker_follows_the_speaker_chain_past_names_it_only_mentions(nlp):
    text = (
        "Delegate Tom Ferris noted that the rules were thin. A contest would favour allies of Paul Gantz, Omar "
        "Lindqvist, Ivan Petrov, Ben Okoro, Karl Holm and David Stern. That is why, he argued, the party should "
        "prepare now."
    )
    assert speaker_of(nlp, text, "party should prepare") == "Tom Ferris"
