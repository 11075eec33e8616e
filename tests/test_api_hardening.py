"""The API's defences, each against a real uvicorn server over a real SQLite store (and real headless Chromium for
what only a browser enforces): the Host allow-list, the security headers, tile servers only from the server's
configuration, and a JSON 4xx for every malformed parameter.
"""

from __future__ import annotations

import contextlib
import http.server
import struct
import threading
import zlib
from collections.abc import Iterator

import httpx
import pytest
from test_api import assert_error, free_port, populate, running, store_url

from dateline import basemap

SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}
PAGES = ["/", "/docs", "/openapi.json", "/api/health", "/api/events", "/api/stats", "/api/export?format=csv"]
PAGES += ["/static/app.js", "/static/vendor/swagger-ui/swagger-ui-bundle.js"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = store_url(tmp_path_factory.mktemp("hardening") / "events.db")
    populate(url)
    return url


@pytest.fixture(scope="module")
def client(db) -> Iterator[httpx.Client]:
    from dateline.api import create_app

    with running(create_app(db, None)) as base, httpx.Client(base_url=base, timeout=20) as http:
        yield http


# ---------------------------------------------------------------- Host header (DNS rebinding)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "192.168.1.9"])
@pytest.mark.parametrize("path", ["/api/events", "/", "/docs", "/openapi.json", "/static/app.js"])
def test_requests_for_another_host_are_json_400(client, host, path):
    """A page on evil.example whose name now resolves to 127.0.0.1 gets an error, not the store."""
    response = client.get(path, headers={"Host": host})
    assert_error(response, 400, f"Host '{host}'", "--allow-host")
    assert "events" not in response.json()


@pytest.mark.parametrize("host", ["", "local host", "[::1", "::1", "localhost:port"])
def test_malformed_host_headers_are_json_400(client, host):
    assert_error(client.get("/api/health", headers={"Host": host}), 400, "Host")


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:1", "[::1]:8000", "LOCALHOST"])
def test_loopback_names_with_any_port_are_served(client, host):
    assert client.get("/api/health", headers={"Host": host}).status_code == 200


def test_allowed_hosts_are_added_to_loopback(db):
    from dateline.api import create_app

    app = create_app(db, None, allow_hosts=["dateline.example", "[fe80::1]"])
    with running(app) as base, httpx.Client(base_url=base, timeout=20) as http:
        for host in ("dateline.example", "dateline.example:443", "[fe80::1]:8000", "localhost"):
            assert http.get("/api/health", headers={"Host": host}).status_code == 200, host
        assert_error(http.get("/api/health", headers={"Host": "other.example"}), 400, "other.example")


def test_serve_options_for_hosts_and_tiles():
    import argparse

    from dateline.api import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser, "serve")
    args = parser.parse_args(["--allow-host", "a.example", "--allow-host", "10.0.0.5", "--tiles", "https://t/{z}"])
    assert (args.allow_host, args.tiles) == (["a.example", "10.0.0.5"], ["https://t/{z}"])
    assert parser.parse_args([]).allow_host == [] == parser.parse_args([]).tiles


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--allow-host", "bad name"], "is not a host name"),
        (["--allow-host", "localhost:8000"], "without a port"),
        (["--tiles", "ftp://tiles.example/{z}/{x}/{y}.png"], "http:// or https://"),
        (["--tiles", "https://tiles.example/map.png"], "{z}, {x} and {y}"),
        (["--tiles", "https://tiles.example;script-src */{z}/{x}/{y}"], "http:// or https://"),
        (["--tiles", "https://tiles.example/{z}/{x}/{y}.png?a='b'"], "{z}, {x} and {y}"),
    ],
)
def test_serve_refuses_bad_hosts_and_tile_servers_in_one_line(argv, words, capsys):
    from dateline.cli import main

    assert main(["serve", "--db", "/nonexistent-folder/x.db", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and err[0].startswith("dateline serve: error:"), err


def test_serving_on_every_address_says_to_allow_hosts(tmp_path):
    """`--host 0.0.0.0` still answers only loopback names, and says how to let other names in."""
    import os
    import signal
    import subprocess
    import sys
    import time

    db = str(tmp_path / "serve.db")
    populate(db)
    port = free_port()
    argv = [sys.executable, "-m", "dateline", "serve", "--db", db, "--host", "0.0.0.0", "--port", str(port)]
    proc = subprocess.Popen(
        [*argv, "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"{base}/api/health", timeout=2).status_code == 200
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.1)
        assert_error(httpx.get(f"{base}/api/health", headers={"Host": "myhost.lan:8000"}, timeout=5), 400, "myhost")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err.decode()
    assert "add --allow-host NAME" in err.decode() and "Traceback" not in err.decode()


# ---------------------------------------------------------------- security headers


def _csp(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy as directive -> sources."""
    parts = (d.split() for d in response.headers["content-security-policy"].split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", [*PAGES, "/api/no-such-route", "/api/events?limit=0", "/api/events?colour=red"])
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    csp = _csp(response)
    assert csp["frame-ancestors"] == ["'none'"] and csp["default-src"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["img-src"] == ["'self'", "data:"] and csp["connect-src"] == ["'self'"]  # no tile server is allowed
    assert [s for s in csp["script-src"] if not s.startswith("'sha256-")] == ["'self'"]


def test_refused_requests_have_the_security_headers_too(client):
    for response in (
        client.get("/api/events", headers={"Host": "evil.example"}),
        client.post("/api/reports", content=b"x" * (3 * 1024 * 1024), headers={"Content-Type": "application/json"}),
    ):
        assert response.status_code in (400, 413)
        assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
        assert _csp(response)["frame-ancestors"] == ["'none'"]


# ---------------------------------------------------------------- malformed parameters


BAD_EVENT_PARAMS = [
    ({"limit": "-1"}, "limit"),
    ({"limit": "501"}, "limit"),
    ({"limit": "1e3"}, "limit"),
    ({"limit": "99999999999999999999999"}, "limit"),
    ({"limit": "0x10"}, "limit"),
    ({"min_sources": "0"}, "min_sources"),
    ({"min_sources": "10001"}, "min_sources"),
    ({"min_sources": "1.5"}, "min_sources"),
    ({"since": "2025-02-29"}, "since"),
    ({"since": "2025-13"}, "since"),
    ({"since": "0000"}, "since"),
    ({"since": "2025-1-1"}, "since"),
    ({"since": "20250101"}, "since"),
    ({"until": "9999-12"}, "until"),
    ({"until": "yesterday"}, "until"),
    ({"since": "2025-03", "until": "2025-02"}, "after"),
    ({"near": "nan,0,10"}, "near"),
    ({"near": "0,inf,10"}, "near"),
    ({"near": "0,0,0"}, "near"),
    ({"near": "0,0,-5"}, "near"),
    ({"near": "0,0,30000"}, "near"),
    ({"near": "0,181,1"}, "near"),
    ({"near": "1,2,3,4"}, "near"),
    ({"near": "a,b,c"}, "near"),
    ({"type": "RIOT"}, "type"),
    ({"sort": "newest"}, "sort"),
    ({"text": "w" * 201}, "text"),
    ({"actor": "a" * 201}, "actor"),
    ({"country": "c" * 61}, "country"),
    ({"country": "X"}, "country"),
    ({"cursor": "c" * 501}, "cursor"),
    ({"until": "\x1e"}, "until"),  # a control character is no blank, though Python's strip() takes it for one
    ({"since": "\x1c2024"}, "since"),
]


@pytest.mark.parametrize(("params", "name"), BAD_EVENT_PARAMS)
def test_malformed_event_parameters_are_json_422(client, params, name):
    assert_error(client.get("/api/events", params=params), 422, name)
    if not {"limit", "cursor"} & params.keys():  # the export takes the same filters and checks them the same way
        assert_error(client.get("/api/export", params={"format": "csv", **params}), 422, name)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/events", "type=ASSAULT&type=PROTEST"),
        ("/api/events", "limit=1&limit=500"),
        ("/api/export", "format=csv&format=jsonl"),
    ],
)
def test_a_parameter_given_twice_is_json_422(client, path, query):
    """Otherwise one of the two values would be dropped without a word."""
    name = query.split("=")[0]
    assert_error(client.get(f"{path}?{query}"), 422, f"'{name}' is given 2 times")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/export?format=xlsx", "format"),
        ("/api/export?format=CSV", "format"),
        ("/api/export?sort=random", "sort"),
        ("/api/events/" + "e" * 201, "event_id"),
        ("/api/reports/" + "r" * 201, "report_id"),
    ],
)
def test_other_malformed_parameters_are_json_422(client, path, name):
    assert_error(client.get(path), 422, name)


def test_unknown_country_and_forged_cursor_are_json_400(client):
    assert_error(client.get("/api/events", params={"country": "Narnia"}), 400, "Narnia")
    assert_error(client.get("/api/export", params={"country": "Narnia"}), 400, "Narnia")
    assert_error(client.get("/api/events", params={"cursor": "not-a-cursor"}), 400, "cursor")


def test_well_formed_edge_values_are_accepted(client):
    """The bounds themselves are valid: the checks above refuse only what is outside them."""
    for params in ({"limit": "500"}, {"limit": "1"}, {"since": "2024-02-29"}, {"near": "90,180,20000"}):
        assert client.get("/api/events", params=params).status_code == 200, params
    every = client.get("/api/events").json()["count"]
    assert client.get("/api/events", params={"country": " "}).json()["count"] == every  # blank: no filter
    assaults = client.get("/api/events", params={"type": "assault"}).json()["events"]
    assert assaults and {e["type"] for e in assaults} == {"ASSAULT"}
    assert client.get("/api/events", params={"since": "9999-12-31"}).json()["count"] == 0


# ---------------------------------------------------------------- tile servers


def _png() -> bytes:
    """A 1x1 grey PNG, made here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


@contextlib.contextmanager
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP tile server on a free port: yields its template and the list of paths it was asked for."""
    asked: list[str] = []
    png = _png()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        server.shutdown()
        server.server_close()


def test_configured_tile_servers_are_listed_and_in_the_policy(db):
    from dateline.api import create_app

    template = "https://{s}.tiles.example/{z}/{x}/{y}.png"
    with running(create_app(db, None, tiles=[template])) as base:
        response = httpx.get(f"{base}/", timeout=10)
        health = httpx.get(f"{base}/api/health", timeout=10).json()
    assert health["tiles"] == [template]
    csp = _csp(response)
    assert csp["img-src"] == ["'self'", "data:", "https://*.tiles.example"]
    assert csp["connect-src"] == ["'self'", "https://*.tiles.example"]


# ---------------------------------------------------------------- in the browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"]
RECORD_CSP = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push("
    "e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def browser_page(browser, base: str) -> Iterator:
    """A page that records console errors and every CSP violation (window.__csp)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=base)
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    try:
        yield page
    finally:
        context.close()


def test_dashboard_and_docs_run_under_the_policy(browser, client):
    base = str(client.base_url).rstrip("/")
    with browser_page(browser, base) as page:
        page.goto("/")
        page.wait_for_selector("body[data-ready=true]", timeout=15_000)
        page.wait_for_selector(".leaflet-basemap-pane canvas", state="attached")  # the world outlines
        assert page.locator(".event-item").count() > 0
        for _ in range(3):  # past the world view the detailed base map loads
            page.locator(".leaflet-control-zoom-in").click()
            page.wait_for_timeout(400)
        page.wait_for_selector("body[data-basemap]", state="attached", timeout=30_000)
        built = (basemap.out_dir() / "index.json").exists()
        assert page.get_attribute("body", "data-basemap") == ("detailed" if built else "outline")
        assert page.evaluate("window.__csp") == [] and page.errors == []
    with browser_page(browser, base) as page:
        page.goto("/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
        assert page.locator(".opblock").count() >= 7
        assert page.evaluate("window.__csp") == [] and page.errors == []


def test_a_tiles_link_cannot_make_the_dashboard_fetch_from_an_unlisted_host(browser, client):
    base = str(client.base_url).rstrip("/")
    with tile_server() as (template, asked), browser_page(browser, base) as page:
        page.goto(f"/?tiles={template}")
        page.wait_for_selector("body[data-ready=true]", timeout=15_000)
        page.wait_for_timeout(500)
        assert page.locator("body.with-tiles").count() == 0 and page.locator("img.leaflet-tile").count() == 0
        assert "does not allow the tile server" in page.inner_text("#tiles-hint")
        assert page.locator("#tiles").is_disabled()
        # Even markup that bypasses the page's own check is stopped by the policy.
        page.evaluate(
            "u => { const i = new Image(); i.src = u; document.body.append(i); }", template.format(z=1, x=0, y=0)
        )
        page.wait_for_function("() => window.__csp.length > 0")
        assert page.evaluate("window.__csp")[0].startswith("img-src")
    assert asked == []


def test_an_allowed_tile_server_draws_under_the_policy(browser, db):
    from dateline.api import create_app

    with tile_server() as (template, asked), running(create_app(db, None, tiles=[template])) as base:
        with browser_page(browser, base) as page:
            page.goto(f"/?tiles={template}")
            page.wait_for_selector("body[data-ready=true]", timeout=15_000)
            page.wait_for_selector("img.leaflet-tile-loaded", timeout=10_000)
            assert page.locator("#tiles").input_value() == template
            assert page.evaluate("window.__csp") == []
        with browser_page(browser, base) as page:  # and it can be chosen from the setting, then remembered
            page.goto("/")
            page.wait_for_selector("body[data-ready=true]", timeout=15_000)
            assert page.locator("body.with-tiles").count() == 0
            page.click(".settings summary")
            page.select_option("#tiles", template)
            page.click("#tiles-form button[type=submit]")
            page.wait_for_selector("img.leaflet-tile-loaded", timeout=10_000)
            assert page.evaluate("localStorage.getItem('dateline.tiles')") == template
    assert asked and all(path.endswith(".png") for path in asked)
