"""The dashboard end to end: headless Chromium (Debian's, driven by Playwright) against a real server and store.

Skipped with a message when /usr/bin/chromium or Playwright is missing. Set DATELINE_SCREENSHOT=path to save
a screenshot of an open event (that is how docs/dashboard.png is made).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_api import HOSTILE_TEXT, REPORTS, populate, running, store_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PROTEST_COLOUR = "#3182bd"
N_EVENTS = sum(len(specs) for _, specs in REPORTS) - 1  # the two Kharkiv reports describe one strike

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
expect, sync_playwright = sync_api.expect, sync_api.sync_playwright


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    from dateline.api import create_app

    url = store_url(tmp_path_factory.mktemp("dash") / "events.db")
    populate(url)
    with running(create_app(url, None)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base_url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    yield page
    context.close()


def open_dashboard(page, query: str = "") -> None:
    page.goto(f"/{query}")
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)


def markers_on_map(page) -> int:
    """Events on the map: single markers plus the counts shown on clusters."""
    singles = page.locator(".event-marker").count()
    clustered = sum(int(t) for t in page.locator(".cluster-icon span").all_inner_texts())
    return singles + clustered


def open_event(page, summary_words: str) -> None:
    page.locator(".event-item", has_text=summary_words).click()
    page.wait_for_selector("#detail mark.evidence", timeout=10_000)


def test_map_list_and_timeline_show_every_event(page):
    open_dashboard(page)
    assert page.locator(".event-item").count() == N_EVENTS
    assert markers_on_map(page) == N_EVENTS
    assert page.locator("#timeline rect:not(.hit)").count() >= 5
    assert "events from 6 reports" in page.inner_text("#summary")
    assert page.errors == []


def test_type_filter_drives_list_map_and_url(page):
    open_dashboard(page)
    page.select_option("#f-type", "PROTEST")
    page.click("#filters button[type=submit]")
    expect(page.locator(".event-item")).to_have_count(3)
    assert set(page.locator(".event-item .badge").all_inner_texts()) == {"PROTEST"}
    assert markers_on_map(page) == 3
    assert "type=PROTEST" in page.url
    assert "type=PROTEST" in page.get_attribute(".export a[data-format=csv]", "href")
    bars = page.locator("#timeline .bar rect:not(.hit)")
    assert bars.count() == 3  # the timeline follows the filter too: three protests on three days
    assert set(bars.evaluate_all("rects => rects.map(r => r.getAttribute('fill'))")) == {PROTEST_COLOUR}
    dots = page.locator(".event-marker .dot").evaluate_all("ds => ds.map(d => getComputedStyle(d).backgroundColor)")
    assert dots and set(dots) == {"rgb(49, 130, 189)"}  # markers are coloured by type


def test_event_view_highlights_evidence_and_shows_sources(page):
    open_dashboard(page)
    open_event(page, "Kharkiv")
    detail = page.locator("#detail")
    marks = detail.locator("mark.evidence").all_inner_texts()
    assert any(m.startswith("Rockets struck a crowded market in Kharkiv") for m in marks)
    assert any(m.startswith("Nine people were killed") for m in marks)
    assert detail.locator("section.source").count() == 2
    table = detail.locator("table.fatalities").inner_text()
    assert "Northern Ledger" in table and "Harbour Times" in table
    assert "7–9" in detail.locator(".facts").inner_text()  # the merged range across the two outlets
    assert "busiest hour" in detail.locator(".quotes").inner_text()
    assert detail.locator("h4 a").first.get_attribute("href").startswith("https://")
    if os.environ.get("DATELINE_SCREENSHOT"):
        page.screenshot(path=os.environ["DATELINE_SCREENSHOT"])
    assert page.errors == []


def test_hostile_report_is_shown_as_text_and_never_runs(page):
    open_dashboard(page)
    open_event(page, "tuition")
    detail = page.locator("#detail")
    assert "<script>window.__pwned = 1</script>" in detail.locator(".report-text").inner_text()
    assert detail.locator(".report-text").inner_text().strip() == HOSTILE_TEXT
    assert "<script>window.__pwned = 4</script>" in detail.locator("h2").inner_text()
    assert '<img src=x onerror="window.__pwned=3">' in detail.locator("h4").inner_text()
    assert page.locator("#detail script, #detail img, #event-list script, #event-list img").count() == 0
    assert detail.locator("h4 a").count() == 0  # a javascript: URL never becomes a link
    assert page.evaluate("window.__pwned") is None


def test_event_link_in_url_opens_the_event(page, base_url):
    import httpx

    event_id = httpx.get(f"{base_url}/api/events", params={"text": "fuel taxes"}).json()["events"][0]["id"]
    page.goto(f"/?country=FR#event={event_id}")
    page.wait_for_selector("#detail mark.evidence", timeout=15_000)
    assert page.locator("#f-country").input_value() == "FR"
    assert "Farmers blocked roads around Paris" in page.locator("#detail mark.evidence").first.inner_text()


def test_timeline_bar_click_filters_by_its_day(page):
    open_dashboard(page)
    page.locator("#timeline .bar").first.click()
    expect(page.locator(".event-item")).to_have_count(1)
    assert page.locator("#f-since").input_value() == "2025-01-22" == page.locator("#f-until").input_value()
    assert "Bogota" in page.locator(".event-item").inner_text()


def test_dashboard_needs_nothing_from_outside(browser, base_url):
    """With every request off the server refused, the page still draws the map, outlines, markers and timeline."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base_url)
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    try:
        open_dashboard(page)
        page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 100")
        assert markers_on_map(page) == N_EVENTS
        assert page.locator("#timeline .bar").count() > 0
        assert outside == []
    finally:
        context.close()


def test_api_docs_page_works_offline(browser, base_url):
    """/docs draws Swagger UI from vendored files: every endpoint is listed with nothing fetched from outside."""
    context = browser.new_context(base_url=base_url)
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(base_url)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    try:
        page.goto("/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert {"/api/events", "/api/events/{event_id}", "/api/stats", "/api/export", "/api/reports"} <= {
            p.replace("\u200b", "") for p in paths
        }
        assert outside == []
    finally:
        context.close()


def _weekly_extractions() -> list:
    """An invented year of protests and attacks in two cities, one report each, every 12 days."""
    import datetime as dt

    from dateline import __version__
    from dateline.records import Actor, DateRange, Event, Evidence, Extraction, Location, Report, Span

    cities = [("Quito", "EC", -0.18, -78.47), ("Dakar", "SN", 14.72, -17.47)]
    out = []
    for n in range(30):
        day = (dt.date(2024, 1, 3) + dt.timedelta(days=12 * n)).isoformat()
        name, country, lat, lon = cities[n % 2]
        kind = "PROTEST" if n % 3 else "ASSAULT"
        text = f"Report {n}: a {kind.lower()} was reported in {name}."
        t0 = text.index("reported")
        event = Event(
            id="e1",
            type=kind,
            trigger=Span(text="reported", start=t0, end=t0 + 8),
            date=DateRange(start=day, end=day, precision="day"),
            location=Location(name=name, country=country, lat=lat, lon=lon, precision="city", text=name),
            actors=[Actor(name=f"group {n}", role="initiator", kind="group")],
            evidence=[Evidence(sentence=text, start=0, end=len(text))],
            summary=text,
        )
        report = Report(id=f"year-{n}", text=text, published=day, outlet=f"Outlet {n}")
        out.append(Extraction(report=report, dateline_version=__version__, events=[event]))
    return out


def test_timeline_counts_per_week_over_a_long_span(browser, tmp_path):
    from dateline.api import create_app
    from dateline.store import Store

    url = store_url(tmp_path / "year.db")
    with Store(url) as store:
        for extraction in _weekly_extractions():
            store.add_extraction(extraction)
    with running(create_app(url, None)) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base)
        page = context.new_page()
        try:
            open_dashboard(page)
            assert "events per week" in page.inner_text("#timeline-unit")
            weeks = page.locator("#timeline .bar")
            assert 45 <= weeks.count() <= 53  # one bar per week of the year, empty weeks included
            titles = weeks.locator("title").evaluate_all("ts => ts.map(t => t.textContent)")
            assert sum(int(t.split(": ")[1].split(" ")[0]) for t in titles) == 30
            assert page.locator(".event-item").count() == 30
        finally:
            context.close()
