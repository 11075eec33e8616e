"""Event vocabulary: PLOVER types, trigger words, modes, weapons, and the ACLED / CAMEO equivalents.

The words and codes live in ``lang/en/events/`` (read through ``dateline.lexicon``), so that a new trigger or
mapping is a one-line change to data, not new code; this module gives the stages the shapes they match on.
Lemmas are matched on spaCy's lemma (verbs) or the lower-cased word (nouns, which the lemmatizer-free pipeline
leaves as they are, so plurals are listed too).
"""

from __future__ import annotations

from collections.abc import Sequence

from dateline.lexicon import lexicon

_TYPES: dict[str, dict] = lexicon().table("events/types")


def types_with(flag: str) -> set[str]:
    """The PLOVER types that carry a flag of ``events/types.json`` ('verbal', 'material', 'placed', ...)."""
    return {ptype for ptype, entry in _TYPES.items() if flag in entry["flags"]}


# The sixteen PLOVER event types, in PLOVER's order.
PLOVER_TYPES: tuple[str, ...] = tuple(_TYPES)
# PLOVER 0.x names that older data (gold files, coders) still use, read as their PLOVER 2021 names.
OLDER_TYPE_NAMES: dict[str, str] = lexicon().table("events/older_type_names")
VERBAL_TYPES = types_with("verbal")

VERB_TRIGGERS: dict[str, set[str]] = {t: set(ws) for t, ws in lexicon().table("events/triggers/verbs").items()}
NOUN_TRIGGERS: dict[str, set[str]] = {t: set(ws) for t, ws in lexicon().table("events/triggers/nouns").items()}
WEAK_ASSAULT_NOUNS = lexicon().words("events/triggers/weak_assault_nouns")
PARTICLE_REQUIRED: dict[str, set[str]] = {
    verb: set(ps) for verb, ps in lexicon().table("events/triggers/particle_required").items()
}
LIGHT_VERBS = lexicon().words("events/triggers/light_verbs")
COMMENT_VERBS = lexicon().words("events/triggers/comment_verbs")
BLAME_VERBS = lexicon().words("events/triggers/blame_verbs")

# ASSAULT mode -> words signalling it (first hit wins, in this order).
MODE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (mode, tuple(words)) for mode, words in lexicon().table("events/modes/assault").items()
]
COERCE_MODES: dict[str, str] = lexicon().table("events/modes/coerce")
WEAPON_WORDS = lexicon().phrases("events/weapons/weapon_words")
WEAPON_NAME_HEADS = lexicon().words("events/weapons/name_heads")

# (PLOVER type, mode) -> ACLED (event_type, sub_event_type); None mode is the type's default.
ACLED_MAP: dict[tuple[str, str | None], tuple[str, str]] = {
    (ptype, None if mode == "*" else mode): tuple(codes)
    for ptype, entry in _TYPES.items()
    for mode, codes in entry.get("acled", {}).items()
}
# Every mode an event can carry, gathered from the mode tables and the ACLED and CAMEO maps (the mode tables'
# first, in their order), so a mode added to the data is a valid value of the records' `mode` at once.
MODES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [mode for mode, _ in MODE_WORDS]
        + list(COERCE_MODES.values())
        + [mode for _, mode in ACLED_MAP if mode is not None]
        + [mode for entry in _TYPES.values() for mode in entry.get("cameo_by_mode", {})]
    )
)
# PLOVER type -> CAMEO root code (ASSAULT splits by mode: armed force 19, other assault 18).
CAMEO_ROOT: dict[str, str] = {ptype: entry["cameo"] for ptype, entry in _TYPES.items()}
CAMEO_ASSAULT_18 = {mode for mode, code in _TYPES["ASSAULT"]["cameo_by_mode"].items() if code == "18"}

# Verbs, adjectives and nouns that carry casualty figures.
KILL_WORDS = lexicon().words("events/casualties/kill_words")
INJURE_WORDS = lexicon().words("events/casualties/injure_words")


def acled_for(plover_type: str, mode: str | None, target_kinds: Sequence[str] = ()) -> tuple[str, str] | None:
    """The rules' ACLED code of a type and mode; ``target_kinds`` (the kinds of the event's targets and victims)
    turn a clash into an attack on the unarmed (``acled_unarmed_targets`` in ``events/types.json``)."""
    code = ACLED_MAP.get((plover_type, mode)) or ACLED_MAP.get((plover_type, None))
    unarmed = _TYPES.get(plover_type, {}).get("acled_unarmed_targets")
    replaced = bool(code and unarmed and code[1] in unarmed["replaces"])
    if replaced and target_kinds and all(kind in unarmed["kinds"] for kind in target_kinds):
        return tuple(unarmed["code"])
    return code


def cameo_for(plover_type: str, mode: str | None) -> str | None:
    if plover_type == "ASSAULT" and mode in CAMEO_ASSAULT_18:
        return "18"
    return CAMEO_ROOT.get(plover_type)


def trigger_types() -> tuple[dict[str, str], dict[str, str]]:
    """Lemma -> type for verbs and word -> type for nouns (first type listed wins on a clash)."""
    verbs: dict[str, str] = {}
    nouns: dict[str, str] = {}
    for ptype, lemmas in VERB_TRIGGERS.items():
        for lemma in lemmas:
            verbs.setdefault(lemma, ptype)
    for ptype, words in NOUN_TRIGGERS.items():
        for word in words:
            nouns.setdefault(word, ptype)
    return verbs, nouns


# Word lists the trigger and argument stages share.
TARGET_PREPS = lexicon().words("events/arguments/target_preps")
QUANTITY_NOUNS = lexicon().words("events/arguments/quantity_nouns")
BOMB_NOUNS = lexicon().words("events/weapons/bomb_nouns")
WEAPON_SUBJECTS = lexicon().words("events/weapons/weapon_subjects")
PROJECTILES = lexicon().words("events/weapons/projectiles")
GROUP_NOUNS = lexicon().words("actors/nouns/group_words")
CROWD_WORDS = lexicon().words("actors/nouns/crowd_words")
POLICE_WORDS = lexicon().words("actors/nouns/police_words")
MILITARY_NOUNS = lexicon().words("actors/nouns/military_words")
GOVERNMENT_NOUNS = lexicon().words("actors/nouns/government_words")
CIVILIAN_WORDS = lexicon().words("actors/nouns/civilian_words")
PRONOUNS = lexicon().words("words/pronouns")
REPORTING_VERBS = lexicon().words("words/reporting_verbs")
