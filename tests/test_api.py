"""The REST API, served by a real uvicorn server on a free localhost port, over a real SQLite store.

The store is filled with invented reports from several countries (written for these tests), each turned
into an Extraction by hand so the tests do not depend on the NLP pipeline's current output.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import importlib.util
import io
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from pg import fresh_database, pg_server  # noqa: F401 - fixture
from test_store import assert_formulas_neutralised, formula_report

from dateline import __version__
from dateline.records import Actor, Count, DateRange, Event, Evidence, Extraction, Location, Quote, Report, Span

TOKEN = "test-token-5f2c"
HOSTILE_TEXT = (
    "Hundreds of students gathered in Lima on Friday to protest against tuition fees. "
    '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2"> '
    "Organisers said the march would continue next week."
)

# (report fields, [event specs]); each event spec names its evidence sentence, which must occur in the text.
REPORTS = [
    (
        dict(
            id="ua-ledger",
            outlet="Northern Ledger",
            published="2025-03-04",
            title="Rockets hit Kharkiv market",
            url="https://ledger.example/kharkiv",
            text="Rockets struck a crowded market in Kharkiv on Monday, killing at least seven people, regional "
            'officials said. "The rockets landed at the busiest hour of the morning," said governor Anna '
            "Petrenko. Rescue teams worked through the night.",
        ),
        [
            dict(
                type="ASSAULT",
                mode="missile",
                trigger="struck",
                day="2025-03-03",
                place=("Kharkiv", "UA", 49.99, 36.23),
                initiators=["Russian forces"],
                fatalities=Count(low=7, best=7, text="at least seven"),
                evidence="Rockets struck a crowded market in Kharkiv on Monday, killing at least seven people, "
                "regional officials said.",
                summary="Rocket strike on a Kharkiv market kills at least seven",
            )
        ],
    ),
    (
        dict(
            id="ua-harbour",
            outlet="Harbour Times",
            published="2025-03-04",
            title="Deadly strike in Kharkiv",
            url="https://harbour.example/news/1",
            text="Nine people were killed when rockets struck a market in Kharkiv on Monday, the regional "
            "administration said. Officials said the toll could rise.",
        ),
        [
            dict(
                type="ASSAULT",
                mode="missile",
                trigger="struck",
                day="2025-03-03",
                place=("Kharkiv", "UA", 49.99, 36.23),
                initiators=["Russian forces"],
                fatalities=Count(low=9, best=9, high=9, text="Nine"),
                evidence="Nine people were killed when rockets struck a market in Kharkiv on Monday, the regional "
                "administration said.",
                summary="Rocket strike on a Kharkiv market kills nine",
            )
        ],
    ),
    (
        dict(
            id="sd-wire",
            outlet="Desert Wire",
            published="2025-02-16",
            text="Gunmen shelled a camp for displaced families near El Fasher on Saturday, killing 12 civilians, "
            "aid workers said. The camp shelters thousands of people.",
        ),
        [
            dict(
                type="ASSAULT",
                mode="artillery",
                trigger="shelled",
                day="2025-02-15",
                place=("El Fasher", "SD", 13.63, 25.35),
                initiators=["gunmen"],
                fatalities=Count(low=12, best=12, high=12, text="12"),
                evidence="Gunmen shelled a camp for displaced families near El Fasher on Saturday, killing 12 "
                "civilians, aid workers said.",
                summary="Shelling of a displacement camp near El Fasher kills 12",
            )
        ],
    ),
    (
        dict(
            id="co-andes",
            outlet="Andes Daily",
            published="2025-01-23",
            text="Thousands of teachers marched through central Bogota on Wednesday to demand higher wages. "
            "The union said further strikes were planned.",
        ),
        [
            dict(
                type="PROTEST",
                mode=None,  # a peaceful march has no PLOVER mode
                trigger="marched",
                day="2025-01-22",
                place=("Bogota", "CO", 4.61, -74.08),
                initiators=["teachers union"],
                fatalities=None,
                evidence="Thousands of teachers marched through central Bogota on Wednesday to demand higher wages.",
                summary="Teachers march in Bogota for higher wages",
            )
        ],
    ),
    (
        dict(
            id="fr-gazette",
            outlet="Seine Gazette",
            published="2025-02-05",
            text="Farmers blocked roads around Paris with tractors on Tuesday in protest over fuel taxes. "
            "Police detained 14 people near the ring road, the interior ministry said.",
        ),
        [
            dict(
                type="PROTEST",
                mode="blockade",
                trigger="blocked",
                day="2025-02-04",
                place=("Paris", "FR", 48.86, 2.35),
                initiators=["farmers"],
                fatalities=None,
                evidence="Farmers blocked roads around Paris with tractors on Tuesday in protest over fuel taxes.",
                summary="Farmers block roads around Paris over fuel taxes",
            ),
            dict(
                type="COERCE",
                mode="arrest",
                trigger="detained",
                day="2025-02-04",
                place=("Paris", "FR", 48.86, 2.35),
                initiators=["police"],
                fatalities=None,
                evidence="Police detained 14 people near the ring road, the interior ministry said.",
                summary="Police detain 14 protesters near Paris",
            ),
        ],
    ),
    (
        dict(
            id="pe-hostile",
            outlet="<b>Lima Post</b>",
            published="2025-03-08",
            url="javascript:window.__pwned=5",
            title='<img src=x onerror="window.__pwned=3">',
            text=HOSTILE_TEXT,
        ),
        [
            dict(
                type="PROTEST",
                mode=None,  # a peaceful march has no PLOVER mode
                trigger="gathered",
                day="2025-03-07",
                place=("Lima", "PE", -12.05, -77.04),
                initiators=["students"],
                fatalities=None,
                evidence="Hundreds of students gathered in Lima on Friday to protest against tuition fees.",
                summary="Students protest tuition fees in Lima <script>window.__pwned = 4</script>",
            )
        ],
    ),
]


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _event(text: str, n: int, spec: dict) -> Event:
    name, country, lat, lon = spec["place"]
    t0, t1 = _span(text, spec["trigger"])
    e0, e1 = _span(text, spec["evidence"])
    p0 = text.index(name)
    return Event(
        id=f"e{n}",
        type=spec["type"],
        mode=spec["mode"],
        trigger=Span(text=spec["trigger"], start=t0, end=t1),
        date=DateRange(start=spec["day"], end=spec["day"], precision="day"),
        location=Location(
            name=name, country=country, lat=lat, lon=lon, precision="city", text=text[p0 : p0 + len(name)]
        ),
        actors=[Actor(name=a, role="initiator", kind="group") for a in spec["initiators"]],
        fatalities=spec["fatalities"],
        evidence=[Evidence(sentence=spec["evidence"], start=e0, end=e1)],
        summary=spec["summary"],
    )


def _quotes(text: str) -> list[Quote]:
    if "said governor" not in text:
        return []
    said = "The rockets landed at the busiest hour of the morning,"
    start, end = _span(text, said)
    return [
        Quote(
            speaker="Anna Petrenko", speaker_title="governor", text=said, direct=True, start=start, end=end, cue="said"
        )
    ]


def make_extractions() -> list[Extraction]:
    """The invented reports as Extractions, ready for Store.add_extraction."""
    out = []
    for fields, specs in REPORTS:
        report = Report(**fields)
        events = [_event(report.text, n, spec) for n, spec in enumerate(specs, 1)]
        out.append(Extraction(report=report, dateline_version=__version__, events=events, quotes=_quotes(report.text)))
    return out


def store_url(path) -> str:
    return f"sqlite:///{path}"


def populate(url: str) -> None:
    from dateline.store import Store

    with Store(url) as store:
        for extraction in make_extractions():
            store.add_extraction(extraction)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free port; yields the base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """The same invented reports in a SQLite file and in a database on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = store_url(tmp_path_factory.mktemp("api") / "events.db")
        populate(url)
        yield url
        return
    with fresh_database(request.getfixturevalue("pg_server")) as url:
        populate(url)
        yield url


@pytest.fixture(scope="module")
def client(db_url) -> Iterator[httpx.Client]:
    from dateline.api import create_app

    with running(create_app(db_url, None)) as base, httpx.Client(base_url=base, timeout=20) as http:
        yield http


@pytest.fixture(scope="module")
def writable(tmp_path_factory) -> Iterator[httpx.Client]:
    from dateline.api import create_app

    url = store_url(tmp_path_factory.mktemp("api-rw") / "events.db")
    with running(create_app(url, TOKEN)) as base, httpx.Client(base_url=base, timeout=60) as http:
        yield http


def all_events(client: httpx.Client, **params) -> list[dict]:
    response = client.get("/api/events", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    return body["events"]


def assert_error(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["error"]
    assert isinstance(message, str) and "Traceback" not in message
    for word in words:
        assert word.lower() in message.lower(), message


# ---------------------------------------------------------------- reading


def test_lists_events_from_every_country(client):
    events = all_events(client)
    countries = {e["location"]["country"] for e in events}
    assert countries == {"UA", "SD", "CO", "FR", "PE"}
    assert {e["type"] for e in events} == {"ASSAULT", "PROTEST", "COERCE"}


def test_filters_by_type_and_country(client):
    protests = all_events(client, type="protest")
    assert protests and {e["type"] for e in protests} == {"PROTEST"}
    assert {e["location"]["country"] for e in protests} == {"CO", "FR", "PE"}
    french = all_events(client, country="fr")
    assert {e["type"] for e in french} == {"PROTEST", "COERCE"}
    assert all_events(client, type="ASSAULT", country="CO") == []


def test_filters_by_date_range_and_place(client):
    february = all_events(client, since="2025-02-01", until="2025-02-28")
    assert {e["location"]["country"] for e in february} == {"SD", "FR"}
    near_kharkiv = all_events(client, near="50.0,36.2,50")
    assert near_kharkiv and {e["location"]["name"] for e in near_kharkiv} == {"Kharkiv"}


def test_filters_by_text_actor_and_sources(client):
    tractors = all_events(client, text="fuel taxes")
    assert [e["type"] for e in tractors] == ["PROTEST"]
    teachers = all_events(client, actor="teachers")
    assert [e["location"]["country"] for e in teachers] == ["CO"]
    corroborated = all_events(client, min_sources=2)
    assert all(e["sources_count"] >= 2 for e in corroborated)
    assert [e["location"]["name"] for e in corroborated] == ["Kharkiv"]  # two outlets reported the same strike


def test_cursor_pages_through_every_event_once(client):
    everything = {e["id"] for e in all_events(client)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/events", params=params).json()
        assert len(body["events"]) <= 2
        seen += [e["id"] for e in body["events"]]
        cursor, pages = body["next_cursor"], pages + 1
        if not cursor:
            break
    assert sorted(seen) == sorted(everything) and len(seen) == len(set(seen))
    assert pages >= 3


def test_event_has_sources_evidence_quotes_and_merged_fatalities(client):
    kharkiv = all_events(client, near="49.99,36.23,5")[0]
    event = client.get(f"/api/events/{kharkiv['id']}").json()
    outlets = {s["outlet"] for s in event["sources"]}
    assert outlets == {"Northern Ledger", "Harbour Times"}
    assert {s["article"] for s in event["sources"]} == {"ua-ledger", "ua-harbour"}
    assert (event["fatalities"]["low"], event["fatalities"]["high"]) == (7, 9)
    for source in event["sources"]:
        report = client.get(f"/api/reports/{source['report_id']}").json()
        for ev in source["evidence"]:
            assert report["text"][ev["start"] : ev["end"]] == ev["sentence"]
    assert any("busiest hour" in q["text"] for q in event["quotes"])


def test_report_and_stats(client):
    report = client.get("/api/reports/pe-hostile").json()
    assert report["text"] == HOSTILE_TEXT
    stats = client.get("/api/stats").json()
    assert stats["reports"] == len(REPORTS)
    assert stats["by_type"]["PROTEST"] == 3 and stats["by_country"]["UA"] == 1


def test_missing_things_are_json_404(client):
    assert_error(client.get("/api/events/ev_nope"), 404, "ev_nope")
    assert_error(client.get("/api/reports/nope"), 404, "nope")
    assert_error(client.get("/api/no-such-endpoint"), 404)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"limit": 501}, ["limit"]),
        ({"limit": 0}, ["limit"]),
        ({"since": "last tuesday"}, ["since"]),
        ({"since": "2025-03-01", "until": "2025-01-01"}, ["after"]),
        ({"near": "50,36"}, ["near"]),
        ({"near": "95,36,10"}, ["latitude"]),
        ({"min_sources": "many"}, ["min_sources"]),
        ({"sort": "random"}, ["sort"]),
    ],
)
def test_bad_parameters_are_json_422(client, params, words):
    assert_error(client.get("/api/events", params=params), 422, *words)


def test_store_complaints_are_json_400(client):
    assert_error(client.get("/api/events", params={"cursor": "%%not-a-cursor"}), 400, "cursor")
    assert_error(client.get("/api/events", params={"country": "Narnia"}), 400, "country")
    assert [e["location"]["country"] for e in all_events(client, country="Ukraine")] == ["UA"]


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "!!!"},
        {"cursor": _cursor(5)},
        {"cursor": _cursor(None)},
        {"cursor": _cursor(["2025-03-03"])},
        {"cursor": _cursor(["2025-03-03", "ev_1", "x"])},
        {"cursor": _cursor([[1], {}])},
        {"cursor": _cursor(["2025-03-03", 5])},
        {"cursor": _cursor([None, None])},
        {"cursor": _cursor([True, "ev_1"])},
        {"cursor": _cursor(["2025-03-03\u0000", "ev_1"])},
        {"cursor": _cursor([2**70, "2025-03-03", "ev_1"]), "sort": "sources"},
        {"cursor": _cursor(["2025-03-03", "ev_1"]), "sort": "fatalities"},  # another order's cursor
    ],
)
def test_forged_cursors_are_json_400(client, params):
    """A cursor that is not one this API handed out is the client's mistake, on both databases."""
    assert_error(client.get("/api/events", params=params), 400, "cursor")
    assert client.get("/api/health").status_code == 200  # the same connection still answers


@pytest.mark.parametrize("name", ["type", "country", "actor", "text", "near", "since", "cursor", "sort"])
def test_nul_bytes_in_parameters_are_json_400(client, name):
    """PostgreSQL refuses NUL in text and SQLite cuts a LIKE pattern at it (matching everything): neither runs."""
    assert_error(client.get("/api/events", params={name: "Kharkiv\x00"}), 400, f"'{name}'", "NUL")
    assert_error(client.get("/api/export", params={"format": "csv", name: "\x00"}), 400, f"'{name}'", "NUL")


def test_nul_bytes_in_the_path_are_json_400(client):
    assert_error(client.get("/api/events/ev%00x"), 400, "NUL")
    assert_error(client.get("/api/reports/ua-ledger%00"), 400, "NUL")


def test_openapi_describes_the_endpoints(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/stats",
        "/api/export",
        "/api/reports",
        "/api/reports/{report_id}",
    ):
        assert path in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"type", "country", "actor", "since", "until", "near", "text", "min_sources", "limit", "cursor"} <= names


def _ref(schema: dict) -> str:
    return schema["$ref"].rsplit("/", 1)[-1]


def test_openapi_declares_every_response_model(client):
    """The OpenAPI document describes the real fields of what each route returns, and its errors."""
    from dateline.api_models import Stats, StoredReport
    from dateline.merged import EventDetail, MergedEvent, Source

    spec = client.get("/openapi.json").json()
    schemas, paths = spec["components"]["schemas"], spec["paths"]

    def returns(path: str, status: str = "200", method: str = "get") -> str:
        return _ref(paths[path][method]["responses"][status]["content"]["application/json"]["schema"])

    assert returns("/api/events") == "EventPage"
    assert _ref(schemas["EventPage"]["properties"]["events"]["items"]) == "MergedEvent"
    assert returns("/api/events/{event_id}") == "EventDetail"
    assert returns("/api/events/{event_id}", "404") == "ErrorBody"
    assert (returns("/api/stats"), returns("/api/reports/{report_id}")) == ("Stats", "StoredReport")
    assert (returns("/api/health"), returns("/api/reports", "201", "post")) == ("Health", "PostResult")
    assert returns("/api/reports", "401", "post") == "ErrorBody" and returns("/api/events", "422") == "ErrorBody"
    for model in (MergedEvent, Source, EventDetail, Stats, StoredReport):
        assert set(schemas[model.__name__]["properties"]) == set(model.model_fields), model
    assert schemas["DateSpan"]["properties"]["start"]["anyOf"][0] == {"type": "string", "format": "date"}


def test_api_and_cli_take_the_same_filters(client):
    """/api/events, /api/export and `dateline events` all take EventFilter's fields, and the same orders."""
    import argparse

    from dateline.cmd_store import add_arguments
    from dateline.filters import SORTS, EventFilter

    spec = client.get("/openapi.json").json()["paths"]
    params = {path: {p["name"]: p for p in spec[path]["get"]["parameters"]} for path in ("/api/events", "/api/export")}
    parser = argparse.ArgumentParser()
    add_arguments(parser, "events")
    cli = {a.dest for a in parser._actions} - {"help", "db", "limit", "format", "output"}
    filters = set(EventFilter.model_fields) | {"sort"}
    assert set(params["/api/events"]) - {"limit", "cursor"} == set(params["/api/export"]) - {"format"} == filters
    assert cli == filters
    for query in params.values():
        assert tuple(query["sort"]["schema"]["enum"]) == SORTS
        for name, field in EventFilter.model_fields.items():
            assert query[name]["description"] == field.description


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/api/events", {"adm1": "Khartoum"}, "adm1"),
        ("/api/events", {"country": "SD", "fatalities": "10"}, "fatalities"),
        ("/api/events", {"Type": "ASSAULT"}, "Type"),  # names are case-sensitive, as FastAPI reads them
        ("/api/export", {"format": "csv", "colour": "red"}, "colour"),
        ("/api/stats", {"colour": "red"}, "colour"),
        ("/api/health", {"verbose": "1"}, "verbose"),
        ("/api/events/ev_nope", {"sources": "all"}, "sources"),
        ("/api/reports/ua-ledger", {"text": "no"}, "text"),
    ],
)
def test_unknown_query_parameters_are_json_422(client, path, params, name):
    """A parameter that a route does not take is an error that names it, never silently ignored."""
    assert_error(client.get(path, params=params), 422, f"unknown query parameter '{name}': {path} takes")
    message = client.get("/api/events", params={"colour": "red"}).json()["error"]
    assert message.endswith(
        "takes type, country, actor, since, until, near, text, min_sources, admin1, acled_event_type,"
        " acled_sub_event_type, min_fatalities, max_fatalities, place_precision, date_precision, certainty,"
        " background, limit, cursor, sort"
    )


def test_unknown_query_parameter_on_a_post_is_json_422(client):
    response = client.post("/api/reports", params={"reextract": "true", "force": "1"}, json={"text": "x"})
    assert_error(response, 422, "unknown query parameter 'force'", "takes reextract")


def test_dashboard_page_keeps_its_own_query(client):
    """The page keeps its filters and tile server in its URL: only the API routes refuse unknown parameters."""
    assert client.get("/", params={"type": "ASSAULT", "tiles": "https://t.example/{z}/{x}/{y}.png"}).status_code == 200
    assert client.get("/docs", params={"x": "1"}).status_code == 200


def test_api_dates_take_months_and_years_like_the_cli(client):
    def ids(**params) -> list[str]:
        return [e["id"] for e in all_events(client, **params)]

    february = ids(since="2025-02-01", until="2025-02-28")
    assert february and ids(since="2025-02", until="2025-02") == february
    assert ids(since="2025") == ids() and ids(until="2024") == []
    assert_error(client.get("/api/events", params={"since": "2025-13"}), 422, "'since'", "month")


def test_export_takes_the_sort_of_the_list(client):
    for sort in ("fatalities", "oldest"):
        listed = [e["id"] for e in all_events(client, sort=sort)]
        lines = client.get("/api/export", params={"format": "jsonl", "sort": sort}).text.splitlines()
        assert [json.loads(line)["id"] for line in lines] == listed


# ---------------------------------------------------------------- export


def test_export_csv_geojson_jsonl_with_filters(client):
    protests = all_events(client, type="PROTEST")
    table = client.get("/api/export", params={"format": "csv", "type": "PROTEST"})
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert len(rows) == len(protests)
    geo = client.get("/api/export", params={"format": "geojson", "type": "PROTEST"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert len(features) == len(protests)
    assert all(f["geometry"]["type"] == "Point" for f in features)
    lines = client.get("/api/export", params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == len(all_events(client))
    assert {json.loads(line)["id"] for line in lines} == {e["id"] for e in all_events(client)}
    assert_error(client.get("/api/export", params={"format": "xlsx"}), 422, "format")


def test_csv_export_neutralises_formulas(tmp_path):
    from dateline.api import create_app
    from dateline.store import Store

    url = store_url(tmp_path / "formulas.db")
    with Store(url) as store:
        store.add_extraction(formula_report())
    with running(create_app(url, None)) as base:
        table = httpx.get(f"{base}/api/export", params={"format": "csv"}, timeout=20)
    assert table.status_code == 200, table.text
    assert_formulas_neutralised(list(csv.DictReader(io.StringIO(table.text))))


# ---------------------------------------------------------------- writing


def test_read_only_server_refuses_posts(client):
    response = client.post(
        "/api/reports", json={"text": "Police arrested two men."}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert_error(response, 403, "read-only", "DATELINE_TOKEN")


def test_post_needs_the_right_token(writable):
    body = {"text": "Police arrested two men in Accra on Monday."}
    missing = writable.post("/api/reports", json=body)
    assert_error(missing, 401, "token")
    assert missing.headers["www-authenticate"] == "Bearer"
    assert_error(writable.post("/api/reports", json=body, headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(writable.post("/api/reports", json=body, headers={"Authorization": TOKEN}), 401)


def test_post_body_is_bounded_and_validated(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    huge = json.dumps({"text": "word " * 500_000})
    assert_error(
        writable.post("/api/reports", content=huge, headers={**auth, "Content-Type": "application/json"}), 413, "larger"
    )
    chunks = (b"x" * 65536 for _ in range(40))  # no Content-Length: counted while it streams in
    as_json = {**auth, "Content-Type": "application/json"}
    assert_error(writable.post("/api/reports", content=chunks, headers=as_json), 413)
    assert_error(writable.post("/api/reports", content=b"{not json", headers=as_json), 400, "JSON")
    assert_error(writable.post("/api/reports", json={"title": "no text"}, headers=auth), 422, "text")
    assert_error(writable.post("/api/reports", json={"text": "x", "colour": "red"}, headers=auth), 422, "colour")
    assert_error(
        writable.post("/api/reports", json={"html": "<html><head></head><body> </body></html>"}, headers=auth),
        422,
        "no article text",
    )
    assert_error(
        writable.post("/api/reports", json={"text": "Police made arrests.", "published": "yesterday"}, headers=auth),
        422,
        "YYYY-MM-DD",
    )


@pytest.mark.skipif(
    importlib.util.find_spec("dateline.pipeline") is None,
    reason="dateline.pipeline is not in this tree yet, so posted reports cannot be extracted",
)
def test_posted_report_is_extracted_and_stored(writable):
    text = (
        "Police arrested 30 protesters in Nairobi on Tuesday after a march against rising bread prices, "
        "a police spokesman said."
    )
    response = writable.post(
        "/api/reports",
        json={"text": text, "published": "2025-04-02", "outlet": "Rift Courier", "id": "ke-courier"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["id"] == "ke-courier" and response.json()["status"] == "added"
    again = writable.post(
        "/api/reports",
        json={"text": text, "published": "2025-04-02", "outlet": "Rift Courier", "id": "ke-courier"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    assert writable.get("/api/reports/ke-courier").json()["text"] == text
    page = (
        "<html><head><title>Traders protest in Mombasa</title></head><body><nav>Home | Africa</nav><article>"
        "<h1>Traders protest in Mombasa</h1><p>Hundreds of traders marched through Mombasa on Monday against a "
        "new market levy, organisers said.</p></article><footer>Rift Courier</footer></body></html>"
    )
    posted = writable.post(
        "/api/reports",
        json={"html": page, "published": "2025-04-08", "outlet": "Rift Courier"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert posted.status_code == 201, posted.text
    stored = writable.get(posted.json()["report_url"]).json()
    assert stored["title"] == "Traders protest in Mombasa" and "Home | Africa" not in stored["text"]
    assert stored["text"].endswith("organisers said.")
    assert writable.get("/api/stats").json()["reports"] == 2


def test_posted_report_takes_the_ingest_path(tmp_path, monkeypatch):
    """POST /api/reports stores through dateline.ingest, as `dateline ingest` does: a report the CLI stored is
    'unchanged' when posted and is not extracted again (its counts come from the store); a changed one is."""
    from dateline import pipeline
    from dateline.api import create_app
    from dateline.cli import main as cli_main

    row = {
        "id": "gh-coast",
        "outlet": "Coast Courier",
        "published": "2025-04-02",
        "text": "Police arrested 30 protesters in Accra on Tuesday, a police spokesman said.",
    }
    (tmp_path / "rows.jsonl").write_text(json.dumps(row) + "\n")
    db = str(tmp_path / "shared.db")
    assert cli_main(["ingest", "-q", "--db", db, str(tmp_path / "rows.jsonl")]) == 0
    extracted = []

    def counted(reports, n_process=1):
        extracted.extend(r.id for r in reports)
        return [Extraction(report=r, dateline_version=__version__) for r in reports]

    monkeypatch.setattr(pipeline, "extract_many", counted)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with running(create_app(db, TOKEN)) as base, httpx.Client(base_url=base, timeout=20) as http:
        report = http.get("/api/reports/gh-coast").json()
        assert report["events"], "the real pipeline found the arrest"
        response = http.post("/api/reports", json=row, headers=auth)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "id": "gh-coast",
            "status": "unchanged",
            "events": len(report["events"]),
            "quotes": len(report["quotes"]),
            "report_url": "/api/reports/gh-coast",
        }
        assert extracted == []
        changed = http.post("/api/reports", json={**row, "title": "Arrests in Accra"}, headers=auth)
        assert (changed.status_code, changed.json()["status"], changed.json()["events"]) == (200, "updated", 0)
        assert extracted == ["gh-coast"]


# ---------------------------------------------------------------- robustness and the dashboard's files


def test_unexpected_failure_is_a_generic_json_500(db_url):
    from dateline.api import create_app
    from dateline.store import Store

    store = Store(db_url)

    def broken_stats():
        raise RuntimeError("secret internal detail")

    store.stats = broken_stats
    with running(create_app(None, None, store=store)) as base:
        response = httpx.get(f"{base}/api/stats", timeout=10)
    assert_error(response, 500, "internal")
    assert "secret" not in response.text


def test_dashboard_and_assets_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "<title>dateline" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in (
        "/static/app.js",
        "/static/app.css",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/markercluster/leaflet.markercluster.js",
        "/static/vendor/topojson-client/topojson-client.min.js",
        "/static/vendor/world-atlas/countries-110m.json",
    ):
        assert client.get(asset).status_code == 200, asset
    health = {"status": "ok", "version": __version__, "accepts_reports": False, "tiles": []}
    assert client.get("/api/health").json() == health


def test_serve_command_options():
    import argparse

    from dateline.api import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser, "serve")
    args = parser.parse_args(["--db", "x.db", "--port", "9000"])
    assert (args.db, args.host, args.port) == ("x.db", "127.0.0.1", 9000)


# ---------------------------------------------------------------- the `dateline serve` command itself


def test_serve_command_runs_a_server_that_answers(tmp_path):
    """`dateline serve` as a user starts it: a separate process, token from the environment, stopped by SIGINT."""
    import os
    import signal
    import subprocess
    import sys

    db = str(tmp_path / "serve.db")
    populate(db)
    port = free_port()
    env = {**os.environ, "DATELINE_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dateline", "serve", "--db", db, "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.1)
        assert health.json()["accepts_reports"] is True
        assert len(httpx.get(f"{base}/api/events", params={"country": "UA"}).json()["events"]) == 1
        assert httpx.get(f"{base}/docs").status_code == 200
        assert_error(httpx.post(f"{base}/api/reports", json={"text": "x"}), 401, "token")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err.decode()
    assert f"http://127.0.0.1:{port}/" in out.decode() and "read-write" in out.decode()
    assert "Traceback" not in err.decode()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--port", "70000"], "not a TCP port"),
        (["--db", "/nonexistent-folder/x.db"], "does not exist"),
    ],
)
def test_serve_command_bad_options_are_one_line(argv, words, capsys):
    from dateline.cli import main

    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and err[0].startswith("dateline serve: error:")
