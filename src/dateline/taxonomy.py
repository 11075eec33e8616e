"""Event vocabulary: PLOVER trigger lexicon, modes, weapons, and the ACLED / CAMEO equivalents.

Kept as plain data so that a new trigger or mapping is a one-line change, not new code.
Lemmas are matched on spaCy's lemma (verbs) or the lower-cased word (nouns, which the
lemmatizer-free pipeline leaves as they are, so plurals are listed too).
"""

from __future__ import annotations

# The sixteen PLOVER event types (PLOVER 2021: CAMEO's "demand" family is DEMAND, its disapproval and
# accusation families are ACCUSE; appeals and plain requests are not PLOVER events and fold into DEMAND).
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "DEMAND",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

# PLOVER type -> verb lemmas that trigger it.
VERB_TRIGGERS: dict[str, set[str]] = {
    "ASSAULT": {
        "attack",
        "strike",
        "bomb",
        "shell",
        "shoot",
        "kill",
        "assassinate",
        "ambush",
        "raid",
        "stab",
        "behead",
        "massacre",
        "murder",
        "execute",
        "fire",
        "pound",
        "bombard",
        "storm",
        "invade",
        "abduct",
        "kidnap",
        "torch",
        "burn",
        "explode",
        "detonate",
        "target",
        "hit",
        "wound",
        "injure",
        "blow",
        "clash",
        "fight",
        "slay",
        "gun",
        "lynch",
    },
    "PROTEST": {"protest", "demonstrate", "rally", "march", "riot", "picket", "boycott", "loot"},
    "ACCUSE": {"accuse", "blame", "condemn", "denounce", "criticize", "criticise", "decry", "fault", "slam"},
    "CONSULT": {"visit", "meet", "discuss", "consult", "confer", "negotiate", "telephone"},
    "DEMAND": {"demand", "urge", "implore", "insist", "press", "call", "ask", "request", "appeal"},
    "THREATEN": {"threaten", "warn", "vow"},
    "AGREE": {"agree", "sign", "ratify", "accept"},
    "SUPPORT": {
        "support",
        "back",
        "endorse",
        "praise",
        "welcome",
        "recognize",
        "recognise",
        "thank",
        "commend",
        "hail",
    },
    "AID": {"donate", "pledge", "airlift"},
    "COERCE": {
        "arrest",
        "detain",
        "seize",
        "deport",
        "expel",
        "ban",
        "confiscate",
        "jail",
        "imprison",
        "raze",
        "demolish",
        "censor",
        "round",
        "besiege",
        "encircle",
        "blockade",
    },
    "SANCTION": {"sanction", "embargo", "suspend", "sever"},
    "MOBILIZE": {"deploy", "mobilize", "mobilise", "mass"},
    "REJECT": {"reject", "refuse", "veto", "dismiss", "deny", "oppose", "rebuff", "repudiate"},
    # PLOVER: a material concession (captives released, forces withdrawn, an official resigning) is RETREAT;
    # a verbal one (a promise, an apology, lifting a restriction) is CONCEDE.
    "RETREAT": {"withdraw", "retreat", "release", "free", "resign", "flee", "surrender"},
    "CONCEDE": {"concede", "apologize", "apologise", "lift", "pardon"},
    "COOPERATE": {"cooperate", "collaborate"},
}

# PLOVER type -> nouns (lower-case word forms) that trigger it.
NOUN_TRIGGERS: dict[str, set[str]] = {
    "ASSAULT": {
        "attack",
        "attacks",
        "strike",
        "strikes",
        "airstrike",
        "airstrikes",
        "bombing",
        "bombings",
        "shelling",
        "shootings",
        "shooting",
        "killing",
        "killings",
        "assassination",
        "ambush",
        "raid",
        "raids",
        "blast",
        "blasts",
        "explosion",
        "explosions",
        "massacre",
        "offensive",
        "assault",
        "invasion",
        "bombardment",
        "retaliation",
        "clash",
        "clashes",
        "fighting",
        "gunfight",
        "firefight",
        "abduction",
        "kidnapping",
        "stabbing",
        "murder",
        "shootout",
        "incursion",
        "campaign",
        "barrage",
        "hostilities",
        "operation",
    },
    "PROTEST": {
        "protest",
        "protests",
        "demonstration",
        "demonstrations",
        "rally",
        "rallies",
        "march",
        "riot",
        "riots",
        "sit-in",
        "walkout",
        "unrest",
    },
    "ACCUSE": {"condemnation", "condemnations", "accusation", "accusations", "criticism"},
    "CONSULT": {"visit", "talks", "meeting", "summit", "dialogue", "negotiations", "consultations"},
    "THREATEN": {"threat", "threats", "warning"},
    "AGREE": {"ceasefire", "cease-fire", "truce", "agreement", "deal", "accord"},
    "SUPPORT": {"endorsement"},
    "AID": {"aid", "assistance", "relief", "donation"},
    "COERCE": {
        "arrest",
        "arrests",
        "detention",
        "detentions",
        "crackdown",
        "curfew",
        "deportation",
        "expulsion",
        "siege",
        "blockade",
    },
    "SANCTION": {"sanctions", "embargo"},
    "MOBILIZE": {"deployment", "mobilization", "mobilisation", "buildup", "build-up"},
    "REJECT": {"rejection", "refusal", "veto", "denial", "denials"},
    "RETREAT": {"withdrawal", "pullout", "retreat", "release", "resignation", "surrender"},
    "CONCEDE": {"apology", "pardon", "amnesty"},
    "DEMAND": {"demand", "demands", "ultimatum", "request", "appeal"},
}

# Nouns that only count as ASSAULT triggers with a violent modifier or argument (a "military operation").
WEAK_ASSAULT_NOUNS = {"operation", "campaign", "retaliation", "hostilities"}
# "call" only triggers DEMAND as "call on/for".
PARTICLE_REQUIRED = {"call": {"on", "for"}, "round": {"up"}, "blow": {"up"}}
# Verbs like "carry out" / "launch" whose object noun is the real trigger.
LIGHT_VERBS = {
    "adopt",
    "introduce",
    "unveil",
    "launch",
    "carry",
    "conduct",
    "order",
    "stage",
    "mount",
    "claim",
    "hold",
    "perform",
    "unleash",
    "begin",
    "start",
    "continue",
    "impose",
    "announce",
    "plan",
    "authorize",
    "approve",
    "escalate",
}
# Verbs that comment on an event: their subject is a commentator, never the event's initiator; but
# "blamed the attack on X" and "accused X of the attack" name who (allegedly) did it.
COMMENT_VERBS = {
    "condemn",
    "denounce",
    "blame",
    "report",
    "confirm",
    "deny",
    "describe",
    "decry",
    "mourn",
    "investigate",
}
BLAME_VERBS = {"blame", "accuse", "attribute", "charge"}

# Words signalling the mode of an ASSAULT, searched in the trigger's phrase and sentence (first hit wins).
MODE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("suicide-bomb", ("suicide bomb", "suicide attack", "suicide bomber", "suicide car bomb")),
    ("drone", ("drone", "drones", "uav", "unmanned aerial")),
    (
        "aerial",
        (
            "airstrike",
            "air strike",
            "air raid",
            "warplane",
            "jet",
            "aircraft",
            "helicopter gunship",
            "bombing run",
            "aerial",
            "bomber",
            "air force",
        ),
    ),
    ("missile", ("missile", "rocket", "ballistic")),
    ("artillery", ("shelling", "shell", "artillery", "mortar", "howitzer", "bombardment")),
    (
        "explosives",
        (
            "car bomb",
            "ied",
            "improvised explosive",
            "roadside bomb",
            "landmine",
            "land mine",
            "explosive",
            "grenade",
            "bomb",
            "blast",
            "explosion",
        ),
    ),
    (
        "firearms",
        (
            "gunmen",
            "gunman",
            "gunfire",
            "shot",
            "shooting",
            "shoot",
            "rifle",
            "firearm",
            "gun",
            "sniper",
            "bullet",
            "opened fire",
        ),
    ),
    ("abduction", ("abduct", "kidnap", "abduction", "kidnapping", "hostage")),
    ("assassination", ("assassination", "assassinate")),
    ("beating", ("beat", "beating", "stabbing", "stab", "machete", "knife", "lynch")),
    ("arson", ("torch", "arson", "set fire", "burned", "burnt")),
]

WEAPON_WORDS = (
    "drone",
    "one-way attack drone",
    "rocket",
    "missile",
    "ballistic missile",
    "cruise missile",
    "mortar",
    "artillery",
    "tank",
    "car bomb",
    "roadside bomb",
    "ied",
    "grenade",
    "rifle",
    "machine gun",
    "gun",
    "sniper",
    "barrel bomb",
    "landmine",
    "machete",
    "knife",
    "tear gas",
    "rubber bullets",
    "water cannon",
    "explosives",
    "suicide vest",
    "warplane",
    "helicopter",
    "bomb",
)
# Capitalised weapon names end with one of these heads ("Joint Air-to-Ground Missile").
WEAPON_NAME_HEADS = {"missile", "rocket", "drone", "bomb", "system", "launcher"}

# (PLOVER type, mode) -> ACLED (event_type, sub_event_type); None mode is the type's default.
ACLED_MAP: dict[tuple[str, str | None], tuple[str, str]] = {
    ("ASSAULT", "aerial"): ("Explosions/Remote violence", "Air/drone strike"),
    ("ASSAULT", "drone"): ("Explosions/Remote violence", "Air/drone strike"),
    ("ASSAULT", "missile"): ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("ASSAULT", "artillery"): ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("ASSAULT", "explosives"): ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("ASSAULT", "suicide-bomb"): ("Explosions/Remote violence", "Suicide bomb"),
    ("ASSAULT", "firearms"): ("Battles", "Armed clash"),
    ("ASSAULT", "abduction"): ("Violence against civilians", "Abduction/forced disappearance"),
    ("ASSAULT", "assassination"): ("Violence against civilians", "Attack"),
    ("ASSAULT", "beating"): ("Violence against civilians", "Attack"),
    ("ASSAULT", "arson"): ("Riots", "Violent demonstration"),
    ("ASSAULT", None): ("Battles", "Armed clash"),
    ("PROTEST", None): ("Protests", "Peaceful protest"),
    ("PROTEST", "riot"): ("Riots", "Violent demonstration"),
    ("COERCE", None): ("Strategic developments", "Arrests"),
    ("AGREE", None): ("Strategic developments", "Agreement"),
    ("MOBILIZE", None): ("Strategic developments", "Change to group/activity"),
    ("RETREAT", None): ("Strategic developments", "Non-violent transfer of territory"),
    ("SANCTION", None): ("Strategic developments", "Other"),
    ("CONCEDE", None): ("Strategic developments", "Other"),
}

# PLOVER type -> CAMEO root code (ASSAULT splits by mode: armed force 19, other assault 18).
CAMEO_ROOT = {
    "AGREE": "03",
    "CONSULT": "04",
    "SUPPORT": "05",
    "COOPERATE": "06",
    "AID": "07",
    "CONCEDE": "08",
    "RETREAT": "08",
    "DEMAND": "10",
    "ACCUSE": "11",
    "REJECT": "12",
    "THREATEN": "13",
    "PROTEST": "14",
    "MOBILIZE": "15",
    "SANCTION": "16",
    "COERCE": "17",
    "ASSAULT": "19",
}
CAMEO_ASSAULT_18 = {"suicide-bomb", "abduction", "assassination", "beating", "explosives"}

# Verbs and adjectives that carry casualty figures.
KILL_WORDS = {
    "kill",
    "killed",
    "die",
    "dead",
    "death",
    "deaths",
    "slay",
    "murder",
    "execute",
    "fatality",
    "fatalities",
    "lives",
    "toll",
    "massacre",
}
INJURE_WORDS = {"injure", "injured", "wound", "wounded", "hurt", "injuries", "casualties", "maim"}


def acled_for(plover_type: str, mode: str | None) -> tuple[str, str] | None:
    return ACLED_MAP.get((plover_type, mode)) or ACLED_MAP.get((plover_type, None))


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
