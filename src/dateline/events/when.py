"""When a mention happened: the date its clause gives, and the story's date for one told without.

A date belongs to the trigger's own clause (or to the only clause of the sentence that has one); a date right
after a reporting verb dates the saying, so the event happened in the days before it; "a day after X" and "in
the three months since X" count from another date. Undated mentions inherit: a past story's date for what is
told right after it, today's story's date for the rest of today's news (kept apart from the mention's own date,
so it never decides which mentions are one event).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left

from spacy.tokens import Span, Token

from dateline import casualties
from dateline.events.context import MATERIAL_TYPES, Context, Mention
from dateline.lexicon import lexicon
from dateline.nlp import doc_text
from dateline.records import DateRange, TimeMention
from dateline.taxonomy import REPORTING_VERBS
from dateline.triggers import trigger_type

COUNT_BACK_WORDS = lexicon().words("events/when/count_back_words")
OFFSET_PREPS = lexicon().words("events/when/offset_preps")
ANNOUNCING_AUX = lexicon().words("events/when/announcing_aux")
DATE_LEAD_WORDS = lexicon().words("events/when/date_lead_words")


def _clause_of(tok: Token) -> Token:
    """The verb heading the token's clause (memoised on the Doc: every date and trigger asks, walking heads)."""
    cache = tok.doc.user_data.setdefault("dateline.clause_of", {})
    if tok.i not in cache:
        node = tok
        while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
            node = node.head
        cache[tok.i] = node
    return cache[tok.i]


def _time_for(ctx: Context, sent: Span, group: list[Token]) -> TimeMention | None:
    """A date attached to the trigger's clause; else the only date in a sentence whose other clauses have none."""
    offset = _offset_date(ctx, group[0])
    if offset is not None:
        return offset
    clauses = {_clause_of(t).i for t in group} | {t.i for t in group}
    for t in group:  # "a raid on the camp that began on Wednesday": the noun's own relative clause dates it
        if t.pos_ in ("NOUN", "PROPN"):
            clauses |= {c.i for c in t.subtree if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"}
        else:  # "stormed a village during an operation that began on Tuesday"
            objs = [o for p in t.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
            clauses |= {c.i for o in objs for c in o.children if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"}
    for t in group:  # "blocked a road on Monday ... and shot 23 people": joined verbs share their modifiers
        node = _clause_of(t)
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
            clauses.add(node.i)
    sent_times: list[tuple[Token, TimeMention]] = []
    seen: set[int] = set()
    for tok in sent:
        tm = ctx.times.get(tok.i)
        if tm is None or id(tm) in seen:
            continue
        seen.add(id(tm))
        if tm.type == "DURATION":
            since = _since_clause_date(ctx, tok, tm, group)
            if since is not None:
                return since
            continue
        if tm.start_date:
            sent_times.append((tok, tm))
    material = trigger_type(group[0]) in MATERIAL_TYPES
    for tok, tm in sent_times:
        if _anniversary(tm) and tok.i > group[0].i:
            continue  # "the strike came N years to the day after X": the offset dates X, not the strike
        span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand") or [tok]
        if any(_time_clause(t).i in clauses or t.head.i in clauses for t in span):
            return _said_by(tm) if material and _right_after_saying(ctx, tm, group) else tm
    for tok, tm in sent_times:
        if _anniversary(tm) and tok.i < group[0].i:
            return tm
    plain = [tm for tok, tm in sent_times if _clause_of(tok).dep_ == "ROOT" and not _anniversary(tm)]
    if len(plain) != 1:
        return None
    tok = next(t for t, tm in sent_times if tm is plain[0])
    return _said_by(plain[0]) if material and _reports(_clause_of(tok), group) else plain[0]


OFFSET_UNITS: dict[str, int] = lexicon().table("time/offset_units")


def _offset_date(ctx: Context, trigger: Token) -> TimeMention | None:
    """'since October 8, a day after the Hamas attack': the attack was one day before October 8."""
    prep = trigger.head
    if trigger.dep_ != "pobj" or prep.lower_ not in OFFSET_PREPS:
        return None
    units = [c for c in prep.children if c.dep_ == "npadvmod" and c.lower_ in OFFSET_UNITS]
    units += [prep.head] if prep.head.lower_ in OFFSET_UNITS else []  # "a day after", parsed either way round
    if not units:
        return None
    unit = units[0]
    count = casualties.number_value(next((c for c in unit.children if c.dep_ == "nummod"), unit)) or 1
    anchor = None
    for i in range(unit.i - 1, max(unit.sent.start, unit.i - 8) - 1, -1):
        tm = ctx.times.get(i)
        since = tm is not None and tm.text.lower().startswith("since")  # "since October 8": its first day
        if tm is not None and tm.start_date and (tm.precision == "day" or since):
            anchor = tm
            break
    if anchor is None:
        return None
    days = count * OFFSET_UNITS[unit.lower_] * (-1 if prep.lower_ == "after" else 1)
    try:
        day = anchor.start_date + dt.timedelta(days=days)
    except OverflowError:  # '3000000 days after': before year 1, no date
        return None
    span = ctx.doc[unit.i : trigger.i + 1]
    return TimeMention(
        text=span.text, start=span.start_char, end=span.end_char, value=day.isoformat(), start_date=day, end_date=day,
        precision="day", anchor="text",
    )  # fmt: skip


def _time_clause(tok: Token) -> Token:
    """The clause a time word modifies. 'fled earlier this month after a warrant was issued': the parser often
    hangs the date on the clause that follows it; a date before that clause's 'after'/'when' belongs before."""
    clause = _clause_of(tok)
    marks = [c for c in clause.children if c.dep_ == "mark" and c.i > tok.i]
    if clause.dep_ == "advcl" and marks and clause.head.i < tok.i:
        return _clause_of(clause.head)
    if marks and clause.dep_ == "ROOT" and any(m.lower_ in SEQUENCE_MARKS for m in marks):
        return tok  # misparsed "X on Sunday, a day after Y happened": the date is X's, not Y's
    return clause


SEQUENCE_MARKS = lexicon().words("time/sequence_marks")


def _right_after_saying(ctx: Context, tm: TimeMention, group: list[Token]) -> bool:
    """'X said on Wednesday it had carried out a strike': the date follows the reporting verb, so it dates the
    saying, however the parser attached it."""
    span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    before = ctx.doc[span.start - 1]
    if before.lower_ in DATE_LEAD_WORDS and span.start > 1:
        before = ctx.doc[span.start - 2]
    saying = before.pos_ in ("VERB", "AUX") and before.lemma_.lower() in REPORTING_VERBS
    announced = any(c.dep_ == "aux" and c.lower_ in ANNOUNCING_AUX for t in group for c in t.children)
    return saying and not announced and all(t.i != before.i for t in group)  # "said on X it would deploy": X


def _said_by(tm: TimeMention) -> TimeMention:
    """What a speaker said on day D happened on D or in the days just before it."""
    if not tm.end_date or tm.precision != "day":
        return tm
    start = tm.end_date - dt.timedelta(days=2)
    return tm.model_copy(update={"start_date": start, "precision": "range", "value": None})


def _reports(verb: Token, group: list[Token]) -> bool:
    """'..., the spokesman said on Monday': that date is when it was said, not when the reported event happened."""
    return verb.lemma_.lower() in REPORTING_VERBS and all(t.i != verb.i for t in group)


def _anniversary(tm: TimeMention) -> bool:
    return "to the day" in tm.text.lower()


def _since_clause_date(ctx: Context, tok: Token, tm: TimeMention, group: list[Token]) -> TimeMention | None:
    """'in the three months since militants attacked ...': the attack was three months before publication."""
    end_tok = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    if end_tok is None or ctx.published is None or end_tok.end >= len(ctx.doc):
        return None
    nxt = ctx.doc[end_tok.end]
    if nxt.lower_ not in COUNT_BACK_WORDS:
        return None  # "a day after the attack" counts from another date, not from publication
    amount = _duration_days(tm.value)
    if amount is None:
        return None
    day = ctx.published - dt.timedelta(days=amount)
    if group[0].i < nxt.i:
        return _ongoing_since(ctx, tm, nxt, day, group) if nxt.lower_ == "since" else None
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    precise = amount < 14
    return TimeMention(
        text=doc_text(ctx.doc)[tm.start : nxt.idx + len(nxt.text)],
        start=tm.start,
        end=nxt.idx + len(nxt.text),
        value=day.isoformat() if precise else day.strftime("%Y-%m"),
        start_date=day if precise else first,
        end_date=day if precise else last,
        precision="day" if precise else "month",
    )


def _ongoing_since(ctx: Context, tm: TimeMention, since: Token, day: dt.date, group: list[Token]) -> TimeMention | None:
    """'a campaign that has killed N in the three months since ...': the campaign runs from then to now."""
    span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    clause = _clause_of(span.root) if span is not None else None
    owners = {t.i for t in group} | {_clause_of(t).i for t in group}
    phrase = {t.i for g in group for t in g.subtree}  # "the campaign in Gaza, which has ..." (often parsed onto Gaza)
    if clause is None or not (clause.i in owners or clause.dep_ in ("relcl", "acl") and clause.head.i in phrase):
        return None
    first = day.replace(day=1)
    return TimeMention(
        text=doc_text(ctx.doc)[tm.start : since.idx + len(since.text)],
        start=tm.start,
        end=since.idx + len(since.text),
        value=f"{first:%Y-%m}/{ctx.published.isoformat()}",
        start_date=first,
        end_date=ctx.published,
        precision="range",
    )


def _duration_days(value: str | None) -> int | None:
    m = re.fullmatch(r"P(\d+(?:\.\d+)?)([DWMY])", value or "")
    if not m:
        return None
    return round(float(m[1]) * {"D": 1, "W": 7, "M": 30.44, "Y": 365.25}[m[2]])


BACKGROUND_DAYS = 30


def _is_past(tm: TimeMention, published: dt.date | None) -> bool:
    if not published or not tm.end_date:
        return False
    return (published - tm.end_date).days > BACKGROUND_DAYS


def _time_width(tm: TimeMention) -> int:
    if not tm.start_date or not tm.end_date:
        return 10**6
    return (tm.end_date - tm.start_date).days


def _overlap(a: TimeMention, b: TimeMention) -> bool:
    if not (a.start_date and a.end_date and b.start_date and b.end_date):
        return True
    return a.start_date <= b.end_date and b.start_date <= a.end_date


def _story_day(tm: TimeMention | None) -> bool:
    """A date that pins a story down: a day or a few days ('last year' does not)."""
    return tm is not None and _time_width(tm) <= 7


def _same_story(tm: TimeMention, story: TimeMention | None) -> bool:
    return story is None or _overlap(tm, story)


def _inherit_narrative_dates(ctx: Context, mentions: list[Mention]) -> None:
    """An undated event told right after a dated past one continues that story ('..., as Tehran fired ...')."""
    sent_index = ctx.sent_index
    current_sents = {m.sent.start for m in mentions if m.time is not None and not _is_past(m.time, ctx.published)}
    last: Mention | None = None
    for m in mentions:
        if m.time is not None:
            last = m
            continue
        if last is None or m.anaphoric or not ctx.published or not last.time.end_date:
            continue
        if m.type not in MATERIAL_TYPES:
            continue  # reactions ("the UN condemned the sentence") are today's, not the story's past
        gap = sent_index[m.sent.start] - sent_index[last.sent.start]
        old = (ctx.published - last.time.end_date).days > BACKGROUND_DAYS
        aside = gap == 0 and last.trigger not in m.trigger.ancestors  # "X, who led ... under a 2018 deal, was killed"
        aside = aside or last.sent.start in current_sents  # the past was an aside to today's news in that sentence
        if old and gap <= 2 and not aside:
            m.time = last.time


def _inherit_story_dates(ctx: Context, mentions: list[Mention]) -> None:
    """An undated event of today's story happened when the story did.

    An undated happening takes the day of the nearest earlier dated current event ("Gunmen attacked the post
    on Saturday ... They also burned ..."), else of the first one; an undated statement about it was made
    between that day and publication. Kept apart from the mention's own date so it never decides merging.
    """
    if ctx.published is None:
        return
    dated = [i for i, m in enumerate(mentions) if _story_day(m.time) and not _is_past(m.time, ctx.published)]
    if not dated:
        return
    for i, m in enumerate(mentions):
        if m.time is not None or m.occurrences:
            continue
        before = bisect_left(dated, i)  # how many dated mentions come before this one
        source = mentions[dated[before - 1] if before else dated[0]].time
        if m.type in MATERIAL_TYPES:
            m.fallback_time = DateRange(
                start=source.start_date, end=source.end_date, precision=source.precision, text=source.text
            )
        elif source.start_date <= ctx.published:
            same_day = source.start_date == ctx.published
            m.fallback_time = DateRange(
                start=source.start_date, end=ctx.published, precision="day" if same_day else "range"
            )
