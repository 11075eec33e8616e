"""Near copies: the MinHash signature is stable, the index finds near copies and only them, an extraction moved
onto a near copy's text is exact and equals the copy's own extraction in its events, a copy whose event sentence
changed is extracted afresh, and ingest stores near copies so (once, and a second run is a no-op).

The texts are invented for these tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline import ingest as ingest_module
from dateline import neardup, pipeline
from dateline.ingest import ingest
from dateline.records import Extraction, Report
from dateline.store import Store

DAY = "2024-05-07"
STORY = (
    "Nurses march in Kisumu over unpaid wages\n\n"
    "KISUMU, Kenya, May 7 - Hundreds of nurses marched through Kisumu on Tuesday demanding three months of unpaid "
    "wages, and police fired tear gas to break up the crowd near the county offices.\n\n"
    '"We have not been paid since February," said Mary Achieng, a nurse at the district hospital.\n\n'
    "The county governor said the salaries would be paid by the end of the month.\n\n"
    "Separately, gunmen attacked a police post in Garissa on Monday, killing two officers, a police spokesman said.\n\n"
    "Talks between the union and the county are due to resume next week."
)
# the same story as other outlets print it: what each one adds or changes, with no event of its own
NEAR_COPIES = {
    "byline": STORY.replace("\n\nKISUMU", "\n\nBy Jane Wanjiru\n\nKISUMU"),
    "credit": STORY.replace("May 7 -", "May 7 (Lake Wire) -"),
    "reporting line": STORY + "\n\nReporting by Jane Wanjiru; editing by Tom Otieno",
    "caption": STORY.replace(
        "\n\nThe county governor", "\n\nPhoto: nurses gather outside the county offices. (Lake Wire)\n\nThe county"
    ).replace("The county county", "The county"),
    "paragraph spacing": STORY.replace("\n\n", "\n\n\n"),
    "curly quotes": STORY.replace('"We have not been paid since February,"', "“We have not been paid since February,”"),
}
OTHER_STORY = (
    "A car bomb exploded near a bus station in Mogadishu on Sunday, injuring six people, a hospital director said. "
    "Traders in the city said the market would reopen on Monday, and aid groups said deliveries would go on."
)


def _report(rid: str, text: str, published: str = DAY) -> Report:
    return Report(id=rid, text=text, published=published, outlet=f"Outlet {rid}")


def _events(extraction: Extraction | dict) -> list[tuple]:
    """What a near copy must keep: each event's type, trigger and its offsets, date, place and evidence."""
    data = extraction if isinstance(extraction, dict) else extraction.model_dump(mode="json")
    return [
        (
            e["type"],
            e["trigger"],
            e["date"],
            e["location"],
            [(v["sentence"], v["start"], v["end"]) for v in e["evidence"]],
        )
        for e in data["events"]
    ]


def _spans(node: object) -> list[dict]:
    """Every record with integer start and end offsets in a dumped extraction."""
    if isinstance(node, list):
        return [s for item in node for s in _spans(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if isinstance(node.get("start"), int) and isinstance(node.get("end"), int) else []
    return own + [s for value in node.values() for s in _spans(value)]


@pytest.fixture(scope="module")
def first() -> Extraction:
    return pipeline.extract(_report("first", STORY))


# ---- signatures and the index -------------------------------------------------------------------------------------


def test_a_signature_is_the_same_in_every_process():
    """hashlib and zlib, not Python's salted hash(): two interpreters with other hash seeds give the same values."""
    code = f"from dateline.neardup import signature; print(signature({STORY!r}).tolist())"
    here = neardup.signature(STORY).tolist()
    src = str(Path(neardup.__file__).resolve().parents[1])
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": src}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == str(here)
    assert len(here) == neardup.HASHES and neardup.signature("") is None and neardup.signature(" ... ") is None


def test_the_index_finds_near_copies_of_the_same_day_only():
    index = neardup.Index(size=8)
    index.add("story", neardup.signature(STORY), DAY)
    index.add("other", neardup.signature(OTHER_STORY), DAY)
    for text in NEAR_COPIES.values():
        assert index.similar(neardup.signature(text), DAY) == ["story"]
    assert neardup.similarity(neardup.signature(STORY), neardup.signature(NEAR_COPIES["curly quotes"])) == 1.0
    assert index.similar(neardup.signature(STORY), "2024-05-08") == []  # another day: extraction reads the date
    half = STORY[: len(STORY) // 2] + OTHER_STORY
    assert index.similar(neardup.signature(half), DAY) == []
    assert index.similar(neardup.signature(OTHER_STORY), DAY) == ["other"]


def test_the_index_keeps_only_the_most_recent_signatures():
    index = neardup.Index(size=2)
    for n, text in enumerate([STORY, OTHER_STORY, "Police arrested four men in Gao on Friday after a market fire."]):
        index.add(f"k{n}", neardup.signature(text), DAY)
    assert index.similar(neardup.signature(STORY), DAY) == []
    assert len(index._signatures) == 2 and all(keys <= {"k1", "k2"} for keys in index._bands.values())


# ---- re-anchoring ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", list(NEAR_COPIES))
def test_a_near_copy_takes_the_extraction_it_would_get(first, variant):
    """Every span moves onto the copy's very same characters, and the events are the copy's own extraction's."""
    copy = _report("copy", NEAR_COPIES[variant])
    moved = neardup.reanchor(first, copy)
    assert moved is not None and moved.report == copy
    spans = _spans(moved.model_dump(exclude={"report"}))
    originals = _spans(first.model_dump(exclude={"report"}))
    assert len(spans) == len(originals) > 10
    assert all(
        copy.text[s["start"] : s["end"]] == STORY[o["start"] : o["end"]] for s, o in zip(spans, originals, strict=True)
    )
    own = pipeline.extract(copy)
    assert _events(moved) == _events(own) and len(own.events) >= 4
    assert [p.model_dump() for p in moved.places] == [p.model_dump() for p in own.places]
    assert [t.model_dump() for t in moved.times] == [t.model_dump() for t in own.times]


@pytest.mark.parametrize(
    ("what", "text"),
    [
        ("an event sentence changed", STORY.replace("killing two officers", "wounding four officers")),
        ("a trimmed paragraph held an event", STORY.rsplit("\n\n", 1)[0]),
        ("a byline on top makes the headline news", "By Jane Wanjiru\n" + STORY),
        ("a second space inside an event sentence", STORY.replace("wages, and", "wages,  and")),
        ("another dateline", STORY.replace("KISUMU, Kenya, May 7 -", "NAKURU, Kenya, May 7 -")),
    ],
)
def test_a_copy_that_would_extract_otherwise_is_refused(first, what, text):
    copy = _report("copy", text)
    assert neardup.reanchor(first, copy) is None, what
    assert _events(pipeline.extract(copy)) != _events(first)  # its own extraction tells another story


def test_a_near_copy_of_another_day_is_refused(first):
    assert neardup.reanchor(first, _report("copy", NEAR_COPIES["byline"], published="2024-05-08")) is None


# ---- ingest -------------------------------------------------------------------------------------------------------


def _stored(db: str) -> dict[str, dict]:
    with Store(db, create=False) as store:
        return {x.report.id: x.model_dump(mode="json") for x in store.extractions()}


@pytest.mark.parametrize("batch", [ingest_module.BATCH, 1])
def test_ingest_stores_a_near_copy_as_its_own_extraction_would(tmp_path, monkeypatch, first, batch):
    """Waiting for the original in the same batch, or taking it from an earlier batch, the near copy is stored with
    the re-anchored extraction, whose events are the copy's own; the changed copy is extracted afresh; a second
    run is a no-op."""
    monkeypatch.setattr(ingest_module, "BATCH", batch)
    byline, credit = _report("byline", NEAR_COPIES["byline"]), _report("credit", NEAR_COPIES["credit"])
    again = byline.model_copy(update={"id": "byline-again", "outlet": "Outlet again"})  # an exact copy of a near copy
    changed = _report("changed", STORY.replace("killing two officers", "wounding four officers"))
    reports = [_report("first", STORY), byline, credit, again, changed]
    db = str(tmp_path / "near.db")
    with Store(db, embed=False) as store:
        assert [o.status for o in ingest(store, reports)] == ["added"] * 5
    stored = _stored(db)
    for copy in (byline, credit, again):
        assert stored[copy.id] == neardup.reanchor(first, copy).model_dump(mode="json")  # re-used, not extracted
        assert _events(stored[copy.id]) == _events(pipeline.extract(copy))
    assert stored["changed"] == pipeline.extract(changed).model_dump(mode="json")
    assert stored["first"] == first.model_dump(mode="json")
    with Store(db, embed=False) as store:
        before = store.stats()
        assert [o.status for o in ingest(store, reports)] == ["unchanged"] * 5
        assert store.stats() == before
    assert _stored(db) == stored


def test_ingest_merges_a_near_copy_as_a_fresh_extraction_would(tmp_path, first):
    """The merged events of the story and its near copy are those of storing both copies' own extractions."""
    from dateline.filters import EventFilter

    copy = _report("copy", NEAR_COPIES["reporting line"])
    with Store(str(tmp_path / "reused.db"), embed=False) as store:
        list(ingest(store, [_report("first", STORY), copy]))
        reused = [e.model_dump(mode="json") for e in store.iter_events(EventFilter(), limit=0)]
    with Store(str(tmp_path / "fresh.db"), embed=False) as store:
        store.add_extraction(first)
        store.add_extraction(pipeline.extract(copy))
        fresh = [e.model_dump(mode="json") for e in store.iter_events(EventFilter(), limit=0)]
    assert sorted(reused, key=lambda e: e["id"]) == sorted(fresh, key=lambda e: e["id"])
    assert all({s["report_id"] for s in e["sources"]} == {"first", "copy"} for e in reused)
