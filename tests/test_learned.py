"""The learned components: the text classifier, its training file, its committed weights and model card, and
how the events stage uses it (the PLOVER type bounds the ACLED code it may give)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from dateline.learned import acled
from dateline.learned.textcat import TextCat, features, train
from dateline.learned.train import (
    ACLED_DATA,
    ACLED_MODEL,
    NO_EVENT,
    NO_EVENT_DATA,
    folds_of,
    lede_threshold,
    unsure_threshold,
)

TEXTS = [
    "Troops and rebels exchanged fire near the river crossing.",
    "Rebel fighters and soldiers clashed for hours outside the town.",
    "Hundreds marched peacefully through the capital demanding lower fuel prices.",
    "Thousands of teachers rallied outside parliament over unpaid wages.",
]
LABELS = ["Armed clash", "Armed clash", "Peaceful protest", "Peaceful protest"]


def test_features_are_stable_hashes():
    assert features("Rebels clashed") == features("rebels  CLASHED")
    assert features("Rebels clashed") != features("Teachers rallied")


def test_training_separates_the_classes_and_weights_round_trip(tmp_path: Path):
    model = train(TEXTS, LABELS, epochs=200)
    assert model.predict("Soldiers and rebels clashed near the crossing.")[0] == "Armed clash"
    assert model.predict("Teachers marched through the capital over wages.")[0] == "Peaceful protest"
    path = tmp_path / "m.npz"
    model.save(path, {"model": "test"})
    again = TextCat.load(path)
    assert again.labels == model.labels
    assert again.predict(TEXTS[2])[0] == model.predict(TEXTS[2])[0]
    assert json.loads(path.with_suffix(".json").read_text()) == {"model": "test"}


def test_stratified_folds_spread_each_label():
    assert folds_of(["a", "a", "b", "a", "b"], folds=2) == [0, 1, 0, 0, 1]


def test_training_file_is_balanced_and_well_formed():
    rows = [json.loads(line) for line in ACLED_DATA.read_text().splitlines()]
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r.keys() == {"id", "text", "label"} for r in rows} == {True}
    counts = Counter(r["label"] for r in rows)
    assert set(counts) == set(acled.EVENT_TYPES) and len(set(counts.values())) == 1


def test_no_event_file_is_well_formed_and_its_class_is_learned():
    rows = [json.loads(line) for line in NO_EVENT_DATA.read_text().splitlines()]
    assert len({r["id"] for r in rows}) == len(rows) >= 300
    assert {r["label"] for r in rows} == {NO_EVENT} and {tuple(sorted(r)) for r in rows} == {("id", "label", "text")}
    assert NO_EVENT in acled.model().labels


def test_lede_threshold_lets_through_at_most_the_allowed_share_of_no_event_sentences():
    labels = [NO_EVENT] * 100 + ["Attack"] * 10
    predicted = [("Attack", p / 100) for p in range(100)] + [("Attack", 0.9)] * 10
    threshold = lede_threshold(labels, predicted, rate=0.02)
    assert sum(p >= threshold for _label, p in predicted[:100]) == 2
    assert lede_threshold(labels, [(NO_EVENT, 0.9)] * 110, rate=0.02) == 0.25  # never below the floor


def test_unsure_threshold_ends_where_the_low_probability_answers_stop_being_guesses():
    guesses = [("Attack", 0.12), ("Grenade", 0.13), ("Attack", 0.17), ("Grenade", 0.18)]  # right 1 of 4, 1 of 2
    sure = [("Attack", 0.22), ("Attack", 0.23), ("Grenade", 0.6)]  # right 2 of 2 at 0.20-0.25
    labels = ["Attack", "Attack", "Attack", "Attack", "Attack", "Attack", "Attack", NO_EVENT]
    predicted = [*guesses, *sure, (NO_EVENT, 0.05)]
    assert unsure_threshold(labels, predicted, accuracy=0.6) == 0.2
    assert unsure_threshold(labels[:3], predicted[:3], accuracy=0.6) == 0.15  # 0.15-0.20 right 1 of 1
    assert unsure_threshold(["Grenade"] * 2, predicted[:2], accuracy=0.6) == 0.0  # no band is ever right enough


def test_an_unsure_classifier_leaves_the_sub_event_type_to_the_rules():
    assert acled.unsure_below() > 0
    assert acled.classify("ASSAULT", "zzqx vlorp qwertyuiop") is None  # nothing like any training sentence
    assert acled.classify("ASSAULT", "Militants fired mortar shells at the town overnight.") is not None


MEASURING_SETS = sorted((Path(__file__).parent.parent / "devset" / "labels").glob("acled-snippets*.jsonl"))


def _runs_of_eight(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


def test_no_training_snippet_shares_eight_words_in_a_row_with_another_or_with_the_measuring_sets():
    """Near-copies would teach wording instead of types, and would let the measure see its own training text."""
    owner: dict[tuple[str, ...], str] = {}
    for path in MEASURING_SETS:
        for line in path.read_text().splitlines():
            row = json.loads(line)
            owner.update(dict.fromkeys(_runs_of_eight(row["text"]), f"{path.name}:{row['id']}"))
    shared = []
    for line in ACLED_DATA.read_text().splitlines() + NO_EVENT_DATA.read_text().splitlines():
        row = json.loads(line)
        runs = _runs_of_eight(row["text"])
        shared += [(row["id"], owner[run]) for run in runs if owner.get(run, row["id"]) != row["id"]]
        owner.update(dict.fromkeys(runs, row["id"]))
    assert len(MEASURING_SETS) == 2 and not shared


def test_committed_weights_were_trained_on_the_committed_file():
    card = json.loads(ACLED_MODEL.with_suffix(".json").read_text())
    digest = hashlib.sha256(ACLED_DATA.read_bytes() + NO_EVENT_DATA.read_bytes()).hexdigest()
    assert card["training_data_sha256"] == digest, "run make train"
    assert card["licence"] and card["training_data_source"]
    assert TextCat.load(ACLED_MODEL).labels == card["labels"]


def test_the_plover_type_bounds_the_acled_code():
    strike = "A drone strike hit a rebel base in the hills on Monday, killing four fighters."
    assert acled.classify("ASSAULT", strike) == ("Explosions/Remote violence", "Air/drone strike")
    assert acled.classify("PROTEST", strike) is None  # no protest class is likely: the rules' protest code stands
    riot = "Rioters threw stones at the police and set cars on fire after a rally in the capital on Monday."
    event_type, sub = acled.classify("PROTEST", riot)  # a protest is never coded an air strike
    assert sub in acled.ALLOWED["PROTEST"] and event_type in ("Protests", "Riots")
    assert acled.classify("ACCUSE", strike) is None  # not a type the classifier codes: the rules' code stands
    assert set(acled.EVENT_TYPES) >= {s for subs in acled.ALLOWED.values() for s in subs}


def test_extraction_codes_an_attack_on_civilians_as_acled_attack():
    from dateline.pipeline import extract
    from dateline.records import Report

    text = "Gunmen shot dead 12 villagers in their homes in Gusau on Sunday night, residents said."
    [event] = [e for e in extract(Report(id="t", text=text, published="2024-05-06")).events if e.type == "ASSAULT"]
    # the rules alone code shooting as an armed clash; the classifier reads that the victims were civilians
    assert (event.acled.event_type, event.acled.sub_event_type) == ("Violence against civilians", "Attack")


def test_place_ranker_split_is_stable_and_a_fifth():
    from dateline.learned.place_data import held_out

    texts = [f"Sentence number {i} about a place." for i in range(2000)]
    kept = [t for t in texts if held_out(t)]
    assert kept == [t for t in texts if held_out(t)] and 300 < len(kept) < 500


def test_place_ranker_fit_learns_which_features_mark_the_place():
    from dateline.learned.place_ranker import fit, score

    rows = [(["bias", "prep:in"], True), (["bias", "prep:from"], False)] * 20
    weights = fit(rows)
    assert score(["bias", "prep:in"], weights) > 0.5 > score(["bias", "prep:from"], weights)


def test_place_ranker_card_states_its_source_and_beats_the_rule_on_held_out_sentences():
    from dateline.learned.place_ranker import WEIGHTS_PATH

    card = json.loads(WEIGHTS_PATH.read_text())
    assert "MIT" in card["training_data_licence"] and card["licence"]
    assert card["held_out_accuracy"]["ranker"] > card["held_out_accuracy"]["rule"]
    assert card["weights"]["bias"] != 0


def test_events_are_placed_where_they_happened_not_where_a_distance_is_measured_from():
    from dateline.pipeline import extract
    from dateline.records import Report

    text = "Gunmen attacked a bus in Kisumu, 40 km from Nairobi, on Monday."
    [event] = extract(Report(id="t", text=text, published="2024-03-14")).events
    assert event.location.name == "Kisumu"


def test_the_classifier_table_and_the_labels_scorer_name_the_same_25_types():
    # the scorer keeps ACLED's codebook list itself, so editing pipeline data can never move the measure;
    # this keeps the two from drifting apart
    from dateline.evalsets.labels import ACLED_SUB_EVENT_TYPES

    assert tuple(acled.EVENT_TYPES) == ACLED_SUB_EVENT_TYPES


def test_a_lead_sentence_without_trigger_words_is_read_as_the_event_the_classifier_is_sure_of():
    from dateline.pipeline import extract
    from dateline.records import Report

    text = "Fighters of the armed group set up a new base near the border crossing, local officials said."
    [event] = extract(Report(id="t", text=text, published="2024-05-06")).events
    assert (event.type, event.acled.sub_event_type) == ("MOBILIZE", "Headquarters or base established")
    assert event.trigger.text == "set" and event.mentions == [event.trigger]
    # counter-examples: what stories say around events, and news of no event
    for text in ("It was not immediately clear who was behind the incident.", "The central bank kept rates unchanged."):
        assert extract(Report(id="t", text=text, published="2024-05-06")).events == []


def test_every_sub_event_type_but_other_has_the_plover_type_of_an_event_found_by_the_classifier_alone():
    assert set(acled.PLOVER_TYPE) == set(acled.EVENT_TYPES) - {"Other"}
    assert all(sub in acled.ALLOWED[ptype] for sub, ptype in acled.PLOVER_TYPE.items())


def test_a_rule_coded_clash_on_unarmed_targets_is_an_attack_on_civilians():
    from dateline.taxonomy import acled_for

    attack = ("Violence against civilians", "Attack")
    assert acled_for("ASSAULT", None, ["civilians"]) == attack
    assert acled_for("ASSAULT", "firearms", ["person", "government"]) == attack
    assert acled_for("ASSAULT", None, ["military", "civilians"]) == ("Battles", "Armed clash")  # one side armed
    assert acled_for("ASSAULT", None, []) == ("Battles", "Armed clash")  # no target known: the type's default
    assert acled_for("ASSAULT", "aerial", ["civilians"])[1] == "Air/drone strike"  # the weapon class stands
