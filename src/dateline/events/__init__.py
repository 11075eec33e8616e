"""Event extraction: triggers from the PLOVER lexicon, arguments from the dependency parse.

For each sentence: find trigger words (verbs by lemma, nouns by form), fold the triggers that
describe one happening ("killed in a strike") into one mention, read its actors from the parse
(subject / agent = initiator, object / "on X" = target, people killed = victims), attach the time
and place expressions of its clause, casualty figures, weapons, hedges and attribution. Mentions of
the same event across the report ("a strike" ... "the U.S. airstrike" ... "the attack") are then
merged, so each real-world event becomes one record with all its evidence.

One module per decision:

- ``context``: the Mention and Context records, and the token look-ups;
- ``reading``: one sentence's triggers read into a mention (or, in the lead, the sentence classifier's event);
- ``arguments``: who took part (initiators, targets, victims) and who is blamed;
- ``tolls``: how many were killed and injured;
- ``when`` / ``where``: the mention's date and place, and the story's, for mentions told without;
- ``attributes``: mode, weapons, certainty and attribution;
- ``mentions``: which mentions tell of one real-world event;
- ``record``: the Event record and its summary.
"""

from __future__ import annotations

from spacy.tokens import Doc

from dateline.events.arguments import _blame_falls_on_the_attack, _target_the_culprits, actor_for, normalized_actor
from dateline.events.attributes import _add_weapon_evidence, _mark_unverified
from dateline.events.context import Context, Mention, _entity_index, _index, _speaker_index
from dateline.events.mentions import _merge_mentions
from dateline.events.reading import _classified_mention, _read_mention
from dateline.events.record import _to_event, summarize
from dateline.events.tolls import _add_rival_toll
from dateline.events.when import _inherit_narrative_dates, _inherit_story_dates
from dateline.events.where import _inherit_places, _split_by_places, demonym_country, distance_km, find_dateline
from dateline.layout import DATELINE_RE, headline
from dateline.learned.acled import LEDE_SENTENCES
from dateline.nlp import doc_text
from dateline.records import Entity, Event, PlaceMention, Quote, Report, TimeMention
from dateline.triggers import trigger_groups

__all__ = [
    "DATELINE_RE",
    "Context",
    "Mention",
    "actor_for",
    "demonym_country",
    "distance_km",
    "find_dateline",
    "find_events",
    "normalized_actor",
    "summarize",
]


def find_events(
    doc: Doc,
    report: Report,
    times: list[TimeMention],
    places: list[PlaceMention],
    entities: list[Entity],
    quotes: list[Quote],
) -> list[Event]:
    """Every event in the report, one record per real-world event, with its evidence."""
    ctx = Context(
        doc=doc,
        report=report,
        published=report.published,
        times=_index(doc, times),
        places=_index(doc, places),
        entities=_entity_index(doc, entities),
        quotes=quotes,
        quote_speakers=_speaker_index(doc, quotes),
        dateline=find_dateline(doc_text(doc)),
    )
    ctx.sents = sents = list(doc.sents)
    ctx.sent_index = {s.start: i for i, s in enumerate(sents)}
    mentions: list[Mention] = []
    body = sents[1:] if headline(sents) is not None else sents  # a headline restates the lead
    for k, sent in enumerate(body):
        groups = trigger_groups(sent)
        if not groups:
            _add_rival_toll(sent, mentions)
            _add_weapon_evidence(ctx, sent, mentions)
            if k < LEDE_SENTENCES and (classified := _classified_mention(ctx, sent)) is not None:
                mentions.extend(_split_by_places(ctx, classified))
        for group in groups:
            mention = _read_mention(ctx, sent, group, alone=len(groups) == 1)
            if mention is not None:
                mentions.extend(_split_by_places(ctx, mention))
    _mark_unverified(ctx, mentions)
    _inherit_narrative_dates(ctx, mentions)
    _inherit_places(ctx, mentions)
    _inherit_story_dates(ctx, mentions)
    merged = _merge_mentions(mentions, ctx.published)
    _target_the_culprits(merged)
    _blame_falls_on_the_attack(ctx, merged)
    return [_to_event(ctx, i, group) for i, group in enumerate(merged, 1)]
