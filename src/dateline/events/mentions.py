"""Which mentions tell of one real-world event: same type, nothing in conflict, and a reason to join.

A mention joins the earlier event it echoes ('retaliatory strikes' ... 'the retaliation'), else the latest
compatible one it describes, else the event the report is most about ('the attack'). Mentions conflict when
their dates, places or named participants disagree, when one is a tally of many events, or when an air strike
would continue an armed group's ground attack. Mentions that tell an analyst nothing are dropped.
"""

from __future__ import annotations

import datetime as dt

from dateline.events.arguments import _is_named, _with_victim_groups
from dateline.events.context import MATERIAL_TYPES, Mention
from dateline.events.when import _is_past, _overlap, _time_width
from dateline.events.where import PRECISION_RANK, distance_km
from dateline.lexicon import lexicon
from dateline.records import Actor, PlaceMention, TimeMention
from dateline.taxonomy import PRONOUNS

MERGE_KM = 50.0
# The latest events of a mention's type it may join. It bounds the work on a very long report (else each mention
# is compared with every earlier event: quadratic); a news report has far fewer events of one type than this.
MERGE_LOOK_BACK = 60
GENERIC_LEMMAS = lexicon().words("events/triggers/generic_lemmas")
GENERIC_TRIGGERS = lexicon().words("events/triggers/generic_triggers")
LATER_EVENT_VERBS = lexicon().words("merge/later_event_verbs")
SHARED_NAME_WORDS = lexicon().words("merge/shared_name_words")


def _merge_mentions(mentions: list[Mention], published: dt.date | None = None) -> list[list[Mention]]:
    """Group mentions of the same real-world event: same type, nothing in conflict, and a reason to join."""
    groups: list[_Group] = []
    by_type: dict[str, list[_Group]] = {}
    for m in mentions:
        same_type = by_type.setdefault(m.type, [])
        fits = [g for g in same_type[-MERGE_LOOK_BACK:] if not _conflict(g, m, published)]
        if not fits:
            groups.append(_Group(m))
            same_type.append(groups[-1])
            continue
        echoed = [g for g in fits if _echoes(g, m)]
        if echoed:
            target = echoed[-1]  # "retaliatory strikes" ... "the retaliation"
        elif _pronoun_led(m) or (_informative(m) and not m.anaphoric):
            target = fits[-1]  # "they killed ..." / a described mention: the latest compatible event
        else:
            target = max(fits, key=len)  # "the attack": the event the report is most about
        target.add(m)
    return [g.mentions for g in groups if _worth_keeping(g.mentions)]


class _Group:
    """The mentions taken for one event, with what the merge asks of them kept up to date as each joins.

    Summing the group afresh for every comparison made the merge quadratic in a long report: the event a report
    is most about gathers a mention from every paragraph.
    """

    def __init__(self, first: Mention) -> None:
        self.mentions: list[Mention] = []
        self.tally = first.occurrences is not None
        self.material = first.type in MATERIAL_TYPES
        self.modes: set[str] = set()
        self.initiator_kinds: set[str] = set()
        self.time: TimeMention | None = None
        self.place: PlaceMention | None = None
        self.actors: dict[str, dict[tuple, Actor]] = {"initiator": {}, "target": {}}
        self.words: set[str] = set()
        self.add(first)

    def __len__(self) -> int:
        return len(self.mentions)

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        if m.mode:
            self.modes.add(m.mode)
        self.initiator_kinds |= {a.kind for a in m.actors if a.role == "initiator"}
        if m.time and (self.time is None or _time_width(m.time) < _time_width(self.time)):
            self.time = m.time
        if m.place and (self.place is None or _place_rank(m.place) < _place_rank(self.place)):
            self.place = m.place
        for a in _with_victim_groups(m.actors):
            if a.role in self.actors:  # one entry per distinct participant: the clash test reads no more
                self.actors[a.role].setdefault((a.name, a.kind, a.country, bool(a.entity)), a)
        self.words |= {t.lower_[:6] for t in [m.trigger, *m.trigger.children] if len(t.text) >= 6}


def _echoes(group: _Group, m: Mention) -> bool:
    """A mention that repeats a distinctive word of an earlier one ('retaliatory' -> 'retaliation')."""
    stem = m.trigger.lower_[:6]
    if len(stem) < 6 or m.trigger.lower_ in GENERIC_TRIGGERS or m.trigger.lemma_.lower() in GENERIC_LEMMAS:
        return False
    return stem in group.words


def _pronoun_led(m: Mention) -> bool:
    return any(c.lower_ in PRONOUNS and c.dep_ in ("nsubj", "nsubjpass") for c in m.trigger.children)


def _worth_keeping(group: list[Mention]) -> bool:
    """A mention with no participant, place, date or figure tells an analyst nothing: leave it out.

    A happening told inside a placed and dated story ("reinforcements were sent") has the story's place and day.
    """
    if any(g.actors or g.place or g.fatalities or g.injuries or g.time for g in group):
        return True
    return group[0].type in MATERIAL_TYPES and any(g.fallback_place and g.fallback_time for g in group)


def _informative(m: Mention) -> bool:
    return bool(m.time or m.place or m.fatalities or any(a.role == "initiator" for a in m.actors))


def _conflict(group: _Group, m: Mention, published: dt.date | None = None) -> bool:
    if group.tally != (m.occurrences is not None):
        return True  # a tally of many events is never one of them
    if m.type == "COERCE" and m.mode and group.modes and m.mode not in group.modes:
        return True  # tear gas on a crowd and arrests afterwards are two acts of coercion
    if m.type == "ASSAULT" and _aerial_against_armed_group(group, m):
        return True  # "militants stormed the post ... killed in air strikes that followed": the army's reply
    if any(c.dep_ == "relcl" and c.lemma_ in LATER_EVENT_VERBS for c in m.trigger.children):
        return True  # "the strikes that followed" are a later event
    t = group.time
    if t and m.time and not _overlap(t, m.time):
        return True
    if m.time and not t and not m.anaphoric and _is_past(m.time, published):
        return True  # a dated past event never joins the undated news of the day
    p = group.place
    if p and m.place and not _compatible_place(p, m.place):
        return True
    for role in ("initiator", "target"):  # victims differ between rival accounts of one event: no conflict
        a = list(group.actors[role].values())
        b = [x for x in _with_victim_groups(m.actors) if x.role == role]
        if _actors_clash(a, b, role, material=group.material):
            return True
    return False


def _aerial_against_armed_group(group: _Group, m: Mention) -> bool:
    """An air strike does not continue a ground attack by an armed group: armed groups have no air force."""
    armed = group.initiator_kinds == {"group"}
    return m.mode == "aerial" and armed and "aerial" not in group.modes


def _actors_clash(a: list[Actor], b: list[Actor], role: str, material: bool = True) -> bool:
    """Two accounts name different participants in one role.

    Named participants (entities, states, proper names) must agree; a generic description ("a military post",
    "jihadist fighters") can be the same participant as a named one, so it only clashes with another generic
    description of an initiator of a different kind ("gunmen" vs "police").
    """
    named_a, named_b = [x for x in a if _is_named(x)], [x for x in b if _is_named(x)]
    if named_a and named_b:  # a state's organs act as one ("the Pentagon", "U.S. forces"), but speak apart
        return not _actors_agree(named_a, named_b, by_country=role == "initiator" and material)
    if role != "initiator" or not a or not b:
        return False
    sides_a = {SIDES.get(x.kind) for x in a} - {None}
    sides_b = {SIDES.get(x.kind) for x in b} - {None}
    return bool(sides_a and sides_b and not sides_a & sides_b) and not _actors_agree(a, b, by_country=True)


# Which side of a conflict a kind of actor stands on: a militia's attack and a state's strike are two events.
SIDES = {"state": "state", "government": "state", "military": "state", "group": "armed", "civilians": "civilians"}


def _actors_agree(a: list[Actor], b: list[Actor], by_country: bool) -> bool:
    """Same participants: a shared name word, or for states the same country ('the Pentagon', 'U.S. forces')."""
    if _names_overlap({x.name.lower() for x in a}, {x.name.lower() for x in b}):
        return True
    countries_a = {x.country for x in a if x.country}
    return by_country and bool(countries_a & {x.country for x in b if x.country})


def _names_overlap(a: set[str], b: set[str]) -> bool:
    words_a = {w for n in a for w in n.replace(".", "").split()}
    words_b = {w for n in b for w in n.replace(".", "").split()}
    return bool(a & b - SHARED_NAME_WORDS) or len((words_a & words_b) - SHARED_NAME_WORDS) > 0


def _group_time(group: list[Mention]) -> TimeMention | None:
    times = [g.time for g in group if g.time]
    return min(times, key=_time_width) if times else None


def _group_place(group: list[Mention]) -> PlaceMention | None:
    places = [g.place for g in group if g.place]
    return min(places, key=_place_rank) if places else None


def _place_rank(p: PlaceMention) -> int:
    return PRECISION_RANK.get(p.precision or "country", 5)


def _compatible_place(a: PlaceMention, b: PlaceMention) -> bool:
    if a.country and b.country and a.country != b.country:
        return False
    coarse = {"country", "region", "admin1"}
    if a.precision in coarse or b.precision in coarse:
        return True
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= MERGE_KM
