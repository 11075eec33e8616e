"""The dashboard end to end: headless Chromium (Debian's, driven by Playwright) against a real server and store.

Skipped with a message when /usr/bin/chromium or Playwright is missing. Set DATELINE_SCREENSHOT=path to save
a screenshot of an event from the project's example reports (that is how docs/dashboard.png is made).
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


@pytest.fixture(scope="session")
def basemap_built() -> Path:
    """The detailed base map that `make setup` builds into the cache; built here when a checkout lacks it."""
    import importlib.util

    from dateline import basemap

    if not (basemap.out_dir() / "index.json").exists():
        if importlib.util.find_spec(basemap.SOURCE_PACKAGE) is None:
            pytest.skip("the base map's data package is not installed: run make setup")
        basemap.build()
    return basemap.out_dir()


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
    """Events on the map: single markers plus the counts shown on clusters, once the map has settled (a redraw,
    such as the detailed basemap arriving, briefly holds the old layer and the new one together)."""
    last = None
    for _ in range(25):
        singles = page.locator(".event-marker").count()
        now = singles + sum(int(t) for t in page.locator(".cluster-icon span").all_inner_texts())
        if now == last:
            return now
        last = now
        page.wait_for_timeout(200)
    return last


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


def test_dashboard_needs_nothing_from_outside(browser, base_url, basemap_built):
    """With every request off the server refused, the page draws the detailed map, markers and timeline."""
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
        assert markers_on_map(page) == N_EVENTS
        assert page.locator("#timeline .bar").count() > 0
        open_event(page, "Kharkiv")  # zooming in to a town loads the detailed base map
        page.wait_for_selector("body[data-basemap=detailed]", timeout=30_000)
        assert page.locator(".leaflet-basemap-pane canvas").count() >= 1
        assert page.locator(".place-label").count() > 0
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


# ---------------------------------------------------------------- filters, sort, permalinks, brush, summary


def api_ids(base_url: str, params: dict) -> list[str] | None:
    """The ids the API returns for `params`, in its order; None when it refuses them (422)."""
    import httpx

    response = httpx.get(f"{base_url}/api/events", params={**params, "limit": 500})
    return None if response.status_code == 422 else [e["id"] for e in response.json()["events"]]


def listed_ids(page) -> list[str]:
    return page.locator(".event-item").evaluate_all("items => items.map(i => i.dataset.id)")


CONTROLS = [  # (form control, value, API parameter): every filter the dashboard offers, and the sort
    ("#f-type", "PROTEST", "type"),
    ("#f-acled", "Protests", "acled_event_type"),
    ("#f-acled-sub", "Peaceful protest", "acled_sub_event_type"),
    ("#f-country", "FR", "country"),
    ("#f-admin1", "Kharkiv Oblast", "admin1"),
    ("#f-actor", "Russian forces", "actor"),
    ("#f-since", "2025-02-20", "since"),
    ("#f-until", "2025-02-20", "until"),
    ("#f-min-fat", "8", "min_fatalities"),
    ("#f-max-fat", "8", "max_fatalities"),
    ("#f-min", "2", "min_sources"),
    ("#f-certainty", "claimed", "certainty"),
    ("#f-background", "include", "background"),
    ("#f-text", "market", "text"),
    ("#f-sort", "oldest", "sort"),
]


def set_control(page, selector: str, value: str) -> None:
    if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
        page.select_option(selector, value)
    else:
        page.fill(selector, value)


@pytest.mark.parametrize(("selector", "value", "param"), CONTROLS, ids=[c[2] for c in CONTROLS])
def test_each_control_reaches_the_api_and_the_url(page, base_url, selector, value, param):
    """The control's value goes to /api/events under the API's name and into the URL; the list then shows what
    the API answers, or, for a parameter this server refuses with a 422, every event and the error line."""
    open_dashboard(page)
    sent: list[str] = []
    page.on("request", lambda r: "/api/events?" in r.url and sent.append(r.url))
    set_control(page, selector, value)
    from urllib.parse import parse_qs, urlparse

    def filtered(response) -> bool:  # the list's own request with this control's value, not an earlier load
        return "/api/events?" in response.url and parse_qs(urlparse(response.url).query).get(param) == [value]

    with page.expect_response(filtered):
        page.click("#filters button[type=submit]")
    page.wait_for_function("() => document.querySelector('#status').textContent.match(/events|No events/)")
    page.wait_for_load_state("networkidle")

    assert any(parse_qs(urlparse(u).query).get(param) == [value] for u in sent)
    assert parse_qs(urlparse(page.url).query).get(param) == [value]
    expected = api_ids(base_url, {param: value})
    if expected is None:
        expect(page.locator("#filter-error")).to_contain_text(f"'{param}'")
        assert len(listed_ids(page)) == N_EVENTS  # shown without the refused filter, and said so
    else:
        assert page.locator("#filter-error").is_hidden()
        assert listed_ids(page) == expected
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    assert page.locator(selector).input_value() == value  # the permalink restores the control


def test_permalink_restores_several_filters_at_once(page, base_url):
    open_dashboard(page, "?type=ASSAULT&sort=fatalities&min_sources=1")
    assert page.locator("#f-type").input_value() == "ASSAULT"
    assert page.locator("#f-sort").input_value() == "fatalities"
    assert page.locator("#f-min").input_value() == "1"
    assert listed_ids(page) == api_ids(base_url, {"type": "ASSAULT", "sort": "fatalities", "min_sources": 1})


def test_sort_control_orders_the_list_as_the_api_does(page, base_url):
    open_dashboard(page)
    newest = listed_ids(page)
    page.select_option("#f-sort", "oldest")  # applies at once
    page.wait_for_url("**sort=oldest**")
    expect(page.locator(".event-item").first).not_to_have_attribute("data-id", newest[0])
    assert listed_ids(page) == api_ids(base_url, {"sort": "oldest"})


def test_timeline_brush_filters_the_dates_it_spans(page, base_url):
    open_dashboard(page)
    bars = page.locator("#timeline .bar")
    first, third = bars.nth(0), bars.nth(2)
    since, until = first.get_attribute("data-start"), third.get_attribute("data-end")
    a, b = first.bounding_box(), third.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=5)
    assert page.locator("#timeline .brush").count() == 1  # the span being chosen is drawn
    page.mouse.up()
    expect(page.locator("#f-until")).to_have_value(until)
    assert page.locator("#f-since").input_value() == since
    page.wait_for_load_state("networkidle")
    expected = api_ids(base_url, {"since": since, "until": until})
    assert 1 <= len(expected) < N_EVENTS
    assert listed_ids(page) == expected
    page.click("#timeline-clear")
    expect(page.locator(".event-item")).to_have_count(N_EVENTS)


def test_summary_panel_counts_events_fatalities_actors_and_places(page, base_url):
    import httpx

    events = httpx.get(f"{base_url}/api/events", params={"limit": 500}).json()["events"]
    open_dashboard(page)
    page.click("#tab-summary")
    rows = page.locator("#sum-types tbody tr").all_inner_texts()
    assert sum(int(r.split("\t")[1]) for r in rows) == N_EVENTS
    killed = sum((e["fatalities"] or {}).get("best") or (e["fatalities"] or {}).get("low") or 0 for e in events)
    assert sum(int(r.split("\t")[2]) for r in rows) == killed > 0
    assert page.locator("#sum-fatalities .bar rect:not(.hit)").count() >= 1
    assert page.locator("#sum-events .bar rect:not(.hit)").count() >= 3
    top_actor = page.locator("#sum-actors li").first
    name, count = top_actor.locator("button").inner_text(), int(top_actor.locator(".count").inner_text())
    from collections import Counter

    actors = Counter(name for e in events for name in {a["name"] for a in e["actors"]})
    assert count == actors[name] == max(actors.values())
    assert page.locator("#sum-places li").count() >= 3
    top_actor.locator("button").click()
    expect(page.locator("#f-actor")).to_have_value(name)
    page.wait_for_load_state("networkidle")
    assert listed_ids(page) == api_ids(base_url, {"actor": name})


# ---------------------------------------------------------------- precision on the map, base map, adaptive bins

PLACES = {  # name: (country, admin1, lat, lon, precision)
    "Quito": ("EC", "Pichincha", -0.18, -78.47, "city"),
    "Pichincha": ("EC", "Pichincha", -0.25, -78.58, "admin1"),
    "Ecuador": ("EC", None, -1.5, -78.0, "country"),
}


def _mixed_extractions() -> list:
    """Invented events over three years: in a city, in a province only, in a country only."""
    import datetime as dt

    from dateline import __version__
    from dateline.records import Actor, DateRange, Event, Evidence, Extraction, Location, Report, Span

    out = []
    for n in range(36):
        day = (dt.date(2022, 1, 5) + dt.timedelta(days=31 * n)).isoformat()
        name = list(PLACES)[n % 3]
        country, admin1, lat, lon, precision = PLACES[name]
        text = f"Bulletin {n}: a gathering was reported in {name}."
        t0 = text.index("reported")
        event = Event(
            id="e1",
            type="PROTEST" if n % 2 else "DEMAND",
            trigger=Span(text="reported", start=t0, end=t0 + 8),
            date=DateRange(start=day, end=day, precision="day"),
            location=Location(
                name=name, country=country, admin1=admin1, lat=lat, lon=lon, precision=precision, text=name
            ),
            actors=[Actor(name=f"association {n % 4}", role="initiator", kind="group")],
            evidence=[Evidence(sentence=text, start=0, end=len(text))],
            summary=text,
        )
        report = Report(id=f"mixed-{n}", text=text, published=day, outlet=f"Bulletin {n}")
        out.append(Extraction(report=report, dateline_version=__version__, events=[event]))
    return out


@pytest.fixture(scope="module")
def mixed_url(tmp_path_factory) -> Iterator[str]:
    from dateline.api import create_app
    from dateline.store import Store

    url = store_url(tmp_path_factory.mktemp("mixed") / "mixed.db")
    with Store(url) as store:
        for extraction in _mixed_extractions():
            store.add_extraction(extraction)
    with running(create_app(url, None)) as base:
        yield base


@pytest.fixture
def mixed_page(browser, mixed_url, basemap_built):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=mixed_url)
    page = context.new_page()
    yield page
    context.close()


def test_area_events_are_rings_not_town_dots(mixed_page):
    open_dashboard(mixed_page)
    assert mixed_page.locator(".area-marker.area-country").count() == 1  # twelve events, one ring at Ecuador
    assert mixed_page.locator(".area-marker.area-admin1").count() == 1
    assert mixed_page.locator(".area-country .ring span").inner_text() == "12"
    assert markers_on_map(mixed_page) == 12  # only the city's events are dots or clusters
    assert "country only" in mixed_page.inner_text("#legend")
    mixed_page.locator(".area-marker.area-country").click()  # a ring of many events filters to its country
    expect(mixed_page.locator("#f-country")).to_have_value("EC")


@pytest.mark.parametrize(("place", "zoom"), [("Quito", 10), ("Pichincha", 7), ("Ecuador", 5)])
def test_event_view_zooms_to_the_events_precision(mixed_page, place, zoom):
    open_dashboard(mixed_page)
    mixed_page.locator(".event-item", has_text=f"reported in {place}.").first.click()
    mixed_page.wait_for_selector("#detail mark.evidence", timeout=10_000)
    expect(mixed_page.locator("#map")).to_have_attribute("data-zoom", str(zoom))


def test_town_view_has_borders_admin_lines_and_labels(mixed_page):
    open_dashboard(mixed_page)
    mixed_page.wait_for_selector("body[data-basemap=detailed]", timeout=30_000)
    mixed_page.locator(".event-item", has_text="reported in Quito.").first.click()
    expect(mixed_page.locator("#map")).to_have_attribute("data-zoom", "10")
    labels = mixed_page.locator(".place-label.town, .place-label.capital").all_inner_texts()
    assert "Quito" in labels and len(labels) >= 5  # the capital and towns around it
    assert mixed_page.locator(".leaflet-basemap-pane canvas").count() >= 1
    for zoom in (9, 8, 7):
        mixed_page.locator(".leaflet-control-zoom-out").click()
        expect(mixed_page.locator("#map")).to_have_attribute("data-zoom", str(zoom))
    assert mixed_page.locator(".place-label.region").count() >= 1  # province names at province scale


def test_timeline_uses_months_over_years(mixed_page):
    open_dashboard(mixed_page)
    assert "events per month" in mixed_page.inner_text("#timeline-unit")
    bars = mixed_page.locator("#timeline .bar")
    assert 34 <= bars.count() <= 37
    assert bars.first.get_attribute("data-start") == "2022-01-01"
    colours = mixed_page.locator("#timeline .bar rect:not(.hit)").evaluate_all(
        "rs => rs.map(r => r.getAttribute('fill'))"
    )
    assert PROTEST_COLOUR in colours and len(set(colours)) == 2  # stacked by type


TOWN_ZOOM = {"city": 10, "district": 11, "street": 12}  # the dashboard's zoom for a place in a town


def test_example_reports_on_the_dashboard(browser, tmp_path, basemap_built):
    """The project's example reports, ingested for real, open at town scale; the docs screenshot comes from here."""
    from dateline.api import create_app
    from dateline.ingest import ingest
    from dateline.read import iter_report_results
    from dateline.store import Store

    url = store_url(tmp_path / "examples.db")
    examples = Path(__file__).resolve().parents[1] / "examples" / "reports"
    with Store(url) as store:
        outcomes = list(ingest(store, iter_report_results([str(examples)])))
        stored = store.stats()["events"]
    assert outcomes and all(o.error is None for o in outcomes)
    with running(create_app(url, None)) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base)
        page = context.new_page()
        try:
            open_dashboard(page)
            assert page.locator(".event-item").count() == stored
            page.locator(".event-item", has_text="Nairobi").first.click()
            page.wait_for_selector("#detail mark.evidence", timeout=10_000)
            event_id = page.evaluate("() => decodeURIComponent(location.hash.slice('#event='.length))")
            with Store(url) as store:
                precision = store.event(event_id).location.precision
            expect(page.locator("#map")).to_have_attribute("data-zoom", str(TOWN_ZOOM[precision]))
            page.wait_for_selector("body[data-basemap=detailed]", timeout=30_000)
            assert "Nairobi" in page.locator(".place-label").all_inner_texts()
            if os.environ.get("DATELINE_SCREENSHOT"):
                page.wait_for_timeout(500)  # let the zoom animation settle
                page.screenshot(path=os.environ["DATELINE_SCREENSHOT"])
        finally:
            context.close()
