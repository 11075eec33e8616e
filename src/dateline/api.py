"""`dateline serve`: the REST API over the event store, and the dashboard that reads it.

The API is read-only unless a token is given (``DATELINE_TOKEN``): only then can reports be posted
for extraction. Every error is a JSON object ``{"error": message}`` with a fitting status code, never
a traceback, so a client (or the dashboard) can always show the user what went wrong.

Only the standard library is imported at module level (the CLI builds its parser from this module);
FastAPI, the store and the request and response models (``dateline.api_models``) are imported inside
``create_app``. Route functions are defined there too, so their annotations are real objects that FastAPI
reads for validation and the OpenAPI schema. A query parameter that a route does not take is refused, so a
mistyped filter cannot quietly return everything.
"""

import argparse
import base64
import hashlib
import hmac
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

MAX_BODY_BYTES = 2 * 1024 * 1024  # a long report is ~100 kB of text; 2 MB leaves room for its HTML
MAX_LIMIT = 500
EXPORT_PAGE = 500
EXPORT_MAX_EVENTS = 100_000  # bounds one export's memory and time
STATIC_DIR = Path(__file__).with_name("static")
ERROR_STATUSES = {  # what every route may answer, with an ErrorBody; POST adds its own (POST_ERRORS)
    400: "malformed request: a Host header the server does not serve, a bad cursor, an unknown country, a NUL byte",
    413: "request body over 2 MB",
    422: "a parameter or body field that is unknown, out of range or of the wrong format",
    500: "a bug: the server log has the details",
}
POST_ERRORS = {
    401: "missing or wrong token",
    403: "the server is read-only (started without DATELINE_TOKEN)",
    503: "extraction is not available in this installation",
}
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
EXPORT_HEADERS = {
    "Content-Disposition": {"description": "attachment, named dateline-events.<format>", "schema": {"type": "string"}},
    "X-Dateline-Events": {"description": "how many events the file holds", "schema": {"type": "integer"}},
}
# Names a browser may use for the server in its Host header. Only these by default: a web page on another site
# that points its own name at 127.0.0.1 (DNS rebinding) then gets a 400 instead of the store's data.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")  # noqa: S104 - recognised, to warn, not bound to
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*")
_HOST_HEADER = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[^:\[\]]+))(?::\d{1,5})?")
_TILE_HOST = re.compile(r"(\{s\}\.)?[a-z0-9.-]+|[0-9a-f:.]+")  # Leaflet's {s} is a subdomain letter
# No script runs but the page's own files (and /docs' one inline script, by its hash), nothing loads from another
# site except the tile servers the operator allowed, and no other site may frame the pages.
CSP = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:{tiles}; "
    "connect-src 'self'{tiles}; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

log = logging.getLogger("dateline.api")


# ---------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Options of `dateline serve`."""
    parser.add_argument("--db", default=None, help="store URL or SQLite file (default: the store's default)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host header is NAME (repeatable; localhost, 127.0.0.1 and [::1] always)",
    )
    parser.add_argument(
        "--tiles",
        action="append",
        default=[],
        metavar="URL",
        help="a tile server the dashboard may draw, e.g. 'https://tile.example.org/{z}/{x}/{y}.png' (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; POST /api/reports is enabled only when DATELINE_TOKEN is set."""
    import uvicorn

    from dateline import DatelineError
    from dateline.store import Store

    if not 0 < args.port < 65536:
        raise DatelineError(f"--port {args.port} is not a TCP port (1-65535)")
    allowed = allowed_hosts([*args.allow_host, *([] if args.host in WILDCARD_ADDRESSES else [args.host])])
    for url in args.tiles:
        tile_origin(url)  # a bad template is an error before the store is opened
    token = os.environ.get("DATELINE_TOKEN") or None
    store = Store(args.db, create=False)  # serving a mistyped --db is an error
    app = create_app(None, token, store=store, allow_hosts=allowed, tiles=args.tiles)
    mode = "read-write (token set)" if token else "read-only (set DATELINE_TOKEN to accept reports)"
    print(f"dateline serve: http://{args.host}:{args.port}/  API docs at /docs, {mode}", flush=True)
    if args.host in WILDCARD_ADDRESSES and not args.allow_host:
        print(
            f"dateline serve: listening on every address, but answering only requests to {', '.join(allowed)}: "
            "add --allow-host NAME for each name or address clients use to reach this machine",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def allowed_hosts(names: list[str]) -> list[str]:
    """The loopback names plus `names`, lower-cased and without brackets; a DatelineError for a malformed name."""
    from dateline import DatelineError

    allowed = list(LOOPBACK_HOSTS)
    for given in names:
        name = given.strip().lower().removeprefix("[").removesuffix("]").removesuffix(".")
        if not _valid_host(name):
            raise DatelineError(f"--allow-host {given!r} is not a host name or IP address (give it without a port)")
        if name not in allowed:
            allowed.append(name)
    return allowed


def _valid_host(name: str) -> bool:
    """A DNS name, an IPv4 address or (with a colon) an IPv6 address."""
    import ipaddress

    if ":" not in name:
        return bool(_HOST_NAME.fullmatch(name))
    try:
        return isinstance(ipaddress.ip_address(name), ipaddress.IPv6Address)
    except ValueError:
        return False


def tile_origin(url: str) -> str:
    """The origin (scheme://host[:port]) the browser loads `url`'s tiles from, as a CSP source: Leaflet's {s}
    subdomain becomes '*'. A DatelineError unless `url` is an http(s) tile template with {z}, {x} and {y}."""
    from dateline import DatelineError

    parts = urlsplit(url)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:
        host, port = "", None
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or not _TILE_HOST.fullmatch(host):
        raise DatelineError(f"--tiles {url!r}: give an http:// or https:// URL such as https://tile.example.org/...")
    if not all(p in url for p in ("{z}", "{x}", "{y}")) or any(c in url for c in " \"';,\\<>"):
        raise DatelineError(
            f"--tiles {url!r}: give a tile template with {{z}}, {{x}} and {{y}}, e.g. .../{{z}}/{{x}}/{{y}}.png"
        )
    host = f"[{host}]" if ":" in host else host.replace("{s}", "*")
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


# ---------------------------------------------------------------- app


class ApiError(Exception):
    """An error the client caused or should see: becomes ``{"error": message}`` with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(
    store_url: str | None,
    token: str | None,
    *,
    store: Any = None,
    allow_hosts: list[str] | None = None,
    tiles: list[str] | None = None,
) -> "FastAPI":
    """The API and dashboard over the store at `store_url`; `token` enables POST /api/reports.

    `store` lets a caller pass an already open store instead of a URL. Only requests whose Host header is one of
    `allow_hosts` (default: the loopback names) are answered; the dashboard may draw tiles from `tiles` only.
    """
    from fastapi import APIRouter, Depends, FastAPI

    from dateline import __version__

    token = token or None  # an empty token would let an empty Bearer header in
    if store is None:
        from dateline.store import Store

        store = Store(store_url)
    app = FastAPI(
        title="dateline",
        version=__version__,
        description="Events read from news reports, merged across outlets, each field with its evidence.",
        docs_url=None,  # served below from vendored Swagger UI files, so /docs works offline too
        redoc_url=None,
    )
    tiles = list(tiles or [])
    _add_error_handlers(app)
    app.add_middleware(_RefuseNul)
    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(_HostCheck, allowed=frozenset(allowed_hosts(allow_hosts or [])))
    csp = content_security_policy([tile_origin(url) for url in tiles], [_docs_script_hash()])
    app.add_middleware(_SecurityHeaders, csp=csp)  # added last, so it is outermost: every answer gets the headers
    api = APIRouter(dependencies=[Depends(_refuse_unknown_query())], responses=error_responses(ERROR_STATUSES))
    _add_read_routes(api, store, writable=token is not None, tiles=tiles)
    _add_export_route(api, store)
    _add_post_route(api, store, token)
    app.include_router(api)
    _add_dashboard(app)
    _describe_blank_filters(app)
    return app


def content_security_policy(tile_origins: list[str], script_hashes: list[str]) -> str:
    """The one Content-Security-Policy of every response; `tile_origins` become image and fetch sources."""
    tiles = "".join(f" {origin}" for origin in dict.fromkeys(tile_origins))
    return CSP.format(scripts="".join(f" 'sha256-{h}'" for h in script_hashes), tiles=tiles)


def _describe_blank_filters(app: "FastAPI") -> None:
    """The OpenAPI document says what the filters take: '?country=' (blank) is no filter, so each filter's schema
    is its own or a blank string, where FastAPI would write 'or null', which a query string cannot send."""
    from fastapi import FastAPI

    from dateline.filters import BLANK_IS_DEFAULT, EventFilter

    def openapi() -> dict:
        if app.openapi_schema is None:
            for operation in (op for ops in FastAPI.openapi(app)["paths"].values() for op in ops.values()):
                for param in operation.get("parameters", []):
                    if param["in"] == "query" and param["name"] in EventFilter.model_fields:
                        _blank_for_null(param["schema"])
                    if param["in"] == "query" and param["name"] in BLANK_IS_DEFAULT:
                        param["schema"] = {"anyOf": [param["schema"], _blank()]}
        return app.openapi_schema

    app.openapi = openapi


def _blank_for_null(schema: dict) -> None:
    for i, option in enumerate(schema.get("anyOf", [])):
        if option == {"type": "null"}:
            schema["anyOf"][i] = _blank()


def _blank() -> dict:
    from dateline.filters import BLANK_PATTERN

    return {"type": "string", "pattern": BLANK_PATTERN, "description": "blank: no filter"}


# ---------------------------------------------------------------- errors


def _error(status: int, message: str, headers: dict | None = None):
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _add_error_handlers(app: "FastAPI") -> None:
    """Every failure as ``{"error": ...}``; unexpected ones are logged and answered generically."""
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    from dateline import DatelineError

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _error(exc.status, exc.message, headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such resource: {request.url.path}"
        return _error(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "request body is not valid JSON")
        return _error(422, describe_validation_errors(errors))

    @app.exception_handler(DatelineError)
    async def dateline_error(request: Request, exc: DatelineError):
        return _error(400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        log.error("internal error on %s %s: %r", request.method, request.url.path, exc)
        return _error(500, "internal server error; the server log has the details")


def error_responses(statuses: dict[int, str]) -> dict:
    """OpenAPI `responses` for these statuses, each an ErrorBody."""
    from dateline.api_models import ErrorBody

    return {status: {"model": ErrorBody, "description": what} for status, what in statuses.items()}


def describe_validation_errors(errors: list[dict]) -> str:
    """One readable line from pydantic's error list, e.g. "query parameter 'limit': ..."."""
    from dateline.filters import describe_errors

    return describe_errors(errors, _where)


def _where(loc: tuple) -> str:
    """The label of a validation error's location: ('query', 'limit') is "query parameter 'limit'"."""
    where = {"query": "query parameter", "body": "body field", "path": "path parameter"}.get(loc[0])
    name = ".".join(loc[1:]) if where else ".".join(loc)
    return f"{where} '{name}'" if where and name else (where or name or "request")


def _refuse_unknown_query():
    """The dependency that answers 422 for a query parameter its route does not take (the OpenAPI document
    lists those it does), or one given twice: `?admin1=` must not quietly return every event, nor
    `?type=ASSAULT&type=PROTEST` only the protests."""
    from fastapi import Request

    def refuse_unknown_query(request: Request) -> None:
        route = request.scope["route"]
        method = "get" if request.method == "HEAD" else request.method.lower()
        operation = request.app.openapi()["paths"].get(route.path_format, {}).get(method, {})
        known = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in request.query_params:
            if name not in known:
                takes = f"takes {', '.join(known)}" if known else "takes no query parameters"
                raise ApiError(422, f"unknown query parameter '{name}': {request.url.path} {takes}")
            if (times := len(request.query_params.getlist(name))) > 1:  # else one would be dropped unseen
                raise ApiError(422, f"query parameter '{name}' is given {times} times: give it once")

    return refuse_unknown_query


class _TooLarge(Exception):
    pass


class _BodyLimit:
    """Refuses request bodies over `limit` bytes with 413, by header or while the body streams in."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            status, message = (413, self._message()) if declared.isdigit() else (400, "bad Content-Length header")
            await _error(status, message)(scope, receive, send)
            return
        await self._guarded(scope, receive, send)

    async def _guarded(self, scope, receive, send) -> None:
        from starlette.exceptions import HTTPException

        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                # FastAPI re-raises HTTPException from body reading, so this reaches the JSON handler as 413.
                raise HTTPException(413, self._message())
            return message

        await self.app(scope, limited_receive, send)

    def _message(self) -> str:
        return f"request body is larger than {self.limit // (1024 * 1024)} MB"


class _RefuseNul:
    """400 for a NUL byte in the path or a query parameter, before any route runs: PostgreSQL refuses NUL in text
    and SQLite ends a LIKE pattern at it (so a filter would match everything); no real value holds one."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        where = _nul_in(scope) if scope["type"] == "http" else None
        if where:
            await _error(400, f"{where} contains a NUL byte")(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _nul_in(scope) -> str | None:
    """Which part of the request holds a NUL byte: 'the path', "query parameter 'name'", or None."""
    from urllib.parse import parse_qsl

    if "\x00" in scope.get("path", ""):
        return "the path"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name + value:
            return f"query parameter '{name.replace(chr(0), '')}'"
    return None


class _HostCheck:
    """400 unless the Host header names this server: a page on another site that has pointed its own name at the
    server's address (DNS rebinding) would otherwise read the store, and post to it, as if it were the dashboard."""

    def __init__(self, app, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        name = host_name(header)
        if name not in self.allowed:
            shown = header.encode("ascii", "backslashreplace").decode()[:100]
            hint = f"start dateline serve with --allow-host {name}" if name else "send a valid Host header"
            await _error(400, f"Host '{shown}' is not served here: {hint}")(scope, receive, send)
            return
        await self.app(scope, receive, send)


def host_name(header: str) -> str | None:
    """The name in a Host header ('localhost:8000' is 'localhost', '[::1]:8000' is '::1'), or None if malformed."""
    match = _HOST_HEADER.fullmatch(header.strip().lower())
    name = (match["ipv6"] or match["name"].removesuffix(".")) if match else ""
    return name if _valid_host(name) else None


class _SecurityHeaders:
    """The Content-Security-Policy, nosniff, no-referrer and no-framing headers on every response: the dashboard,
    /docs, the OpenAPI document, the API's answers and its errors alike."""

    def __init__(self, app, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- reading


def _add_read_routes(api: "APIRouter", store: Any, writable: bool, tiles: list[str]) -> None:
    from fastapi import Path, Query

    from dateline import __version__
    from dateline.api_models import EventPage, EventsQuery, Health, Stats, StoredReport
    from dateline.filters import EventFilter
    from dateline.merged import EventDetail

    not_found = error_responses({404: "not in the store"})

    @api.get("/api/health", tags=["meta"], summary="Is the server up, and does it accept reports?")
    def health() -> Health:
        return Health(status="ok", version=__version__, accepts_reports=writable, tiles=tiles)

    @api.get("/api/events", tags=["events"], summary="Merged events matching the filters, one page at a time")
    def list_events(query: Annotated[EventsQuery, Query()]) -> EventPage:
        events, next_cursor = store.query_events(query, limit=query.limit, cursor=query.cursor, sort=query.sort)
        return EventPage(events=events, count=len(events), next_cursor=next_cursor)

    @api.get(
        "/api/events/{event_id}",
        tags=["events"],
        summary="One event with its sources, evidence and quotes",
        responses=not_found,
    )
    def get_event(event_id: Annotated[str, Path(max_length=200)]) -> EventDetail:
        event = store.get_event(event_id)
        if event is None:
            raise ApiError(404, f"no event with id '{event_id}'")
        return event

    @api.get(
        "/api/reports/{report_id}",
        tags=["reports"],
        summary="One stored report with its text",
        responses=not_found,
        response_model=StoredReport,
    )
    def get_report(report_id: Annotated[str, Path(max_length=200)]) -> dict:
        report = store.get_report(report_id)
        if report is None:
            raise ApiError(404, f"no report with id '{report_id}'")
        return report

    @api.get("/api/stats", tags=["events"], summary="Event counts by type, country and month", response_model=Stats)
    def stats(query: Annotated[EventFilter, Query()]) -> dict:
        return store.stats(query)


# ---------------------------------------------------------------- export


def _add_export_route(api: "APIRouter", store: Any) -> None:
    from fastapi import Query
    from fastapi.responses import StreamingResponse

    from dateline.api_models import ExportQuery

    @api.get(
        "/api/export",
        tags=["events"],
        summary="All matching events as CSV, GeoJSON or JSON Lines",
        response_class=StreamingResponse,
        responses={200: {"content": {t.split(";")[0]: {} for t in EXPORT_TYPES.values()}, "headers": EXPORT_HEADERS}},
    )
    def export(query: Annotated[ExportQuery, Query()]):
        events = store.iter_events(query, limit=EXPORT_MAX_EVENTS, sort=query.sort, page=EXPORT_PAGE)
        spool, count = write_export(events, query.format)
        headers = {
            "Content-Disposition": f'attachment; filename="dateline-events.{query.format}"',
            "X-Dateline-Events": str(count),
        }
        return StreamingResponse(_read_chunks(spool), media_type=EXPORT_TYPES[query.format], headers=headers)


def write_export(events: Iterator, fmt: str):
    """The export in a spooled file (memory up to 8 MB, then disk), written by dateline.export so the CLI and the
    API agree byte for byte; errors surface here, before the response starts."""
    import io
    import tempfile

    from dateline.export import TEXT_WRITERS, write_parquet

    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115 (closed by reader)
    if fmt == "parquet":
        try:
            count = write_parquet(events, spool)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool, count
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    try:
        count = TEXT_WRITERS[fmt](events, text)
        text.flush()
    except BaseException:
        text.close()
        raise
    text.detach()
    spool.seek(0)
    return spool, count


def _read_chunks(spool, size: int = 64 * 1024) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(size):
            yield chunk


# ---------------------------------------------------------------- posting reports


def check_token(expected: str | None, authorization: str | None) -> None:
    """403 when the server is read-only, 401 unless `authorization` is 'Bearer <expected>'."""
    if expected is None:
        raise ApiError(403, "this server is read-only: start it with DATELINE_TOKEN set to accept reports")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "missing or wrong token: send 'Authorization: Bearer <DATELINE_TOKEN>'")


def _add_post_route(api: "APIRouter", store: Any, token: str | None) -> None:
    from fastapi import Depends, Header, Query, Response

    from dateline.api_models import PostResult, ReportIn

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        check_token(token, authorization)

    @api.post(
        "/api/reports",
        tags=["reports"],
        status_code=201,
        dependencies=[Depends(authorised)],
        summary="Extract events from a report and store them (needs the token)",
        responses=error_responses(POST_ERRORS),
    )
    def post_report(
        body: ReportIn,
        response: Response,
        reextract: Annotated[bool, Query(description="redo a stored report extracted by older code")] = False,
    ) -> PostResult:
        report = _report_from_body(body)
        outcome = _ingest_one(store, report, reextract)
        if outcome.status != "added":
            response.status_code = 200  # 201 only when something new was created
        events, quotes = _counts(store, outcome)
        return PostResult(
            id=report.id, status=outcome.status, events=events, quotes=quotes, report_url=f"/api/reports/{report.id}"
        )


def _ingest_one(store: Any, report: Any, reextract: bool):
    """The report through dateline.ingest, as the CLI stores reports; a report that cannot be extracted is a 422."""
    from dateline import DatelineError
    from dateline.ingest import ingest

    try:
        outcome = next(ingest(store, [report], reextract=reextract))
    except ImportError as err:
        raise ApiError(503, "extraction is not available in this installation") from err
    if isinstance(outcome.error, ImportError):
        raise ApiError(503, "extraction is not available in this installation") from outcome.error
    if outcome.stage == "extract" and isinstance(outcome.error, DatelineError):
        raise ApiError(422, str(outcome.error)) from outcome.error
    if outcome.error is not None:
        raise outcome.error  # a bug or a database failure: the 500 (or a DatelineError's 400) handlers answer
    return outcome


def _counts(store: Any, outcome: Any) -> tuple[int, int]:
    """Events and quotes of the report: from its new extraction, or from the store when it was unchanged."""
    if outcome.extraction is not None:
        return len(outcome.extraction.events), len(outcome.extraction.quotes)
    stored = store.get_report(outcome.report.id) or {}
    return len(stored.get("events", [])), len(stored.get("quotes", []))


def _report_from_body(body: Any):
    """A validated Report from the posted fields; bad content is a 422 with read.py's message."""
    from dateline import DatelineError
    from dateline.read import html_to_text, make_report

    fields = body.model_dump(exclude={"text", "html"}, exclude_none=True)
    try:
        if body.text and body.text.strip():
            text = body.text
        elif body.html and body.html.strip():
            text, title = html_to_text(body.html, "posted HTML")
            fields.setdefault("title", title)
        else:
            raise ApiError(422, "give the report as a non-empty 'text' or 'html' field")
        return make_report(text, fields, "<posted report>", default_id=None)
    except DatelineError as err:
        raise ApiError(422, str(err).removeprefix("<posted report>: ")) from err


# ---------------------------------------------------------------- dashboard


def _docs_page():
    """The Swagger UI page, from the vendored files; its one inline script is allowed by its hash in the CSP."""
    from fastapi.openapi.docs import get_swagger_ui_html

    swagger = "/static/vendor/swagger-ui"
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="dateline API",
        swagger_js_url=f"{swagger}/swagger-ui-bundle.js",
        swagger_css_url=f"{swagger}/swagger-ui.css",
        swagger_favicon_url=f"{swagger}/favicon-32x32.png",
    )


def _docs_script_hash() -> str:
    """The base64 SHA-256 of /docs' inline script, as CSP's 'sha256-...' takes it."""
    html = bytes(_docs_page().body).decode()
    script = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)[-1]
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def _add_dashboard(app: "FastAPI") -> None:
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    from dateline.basemap import out_dir

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The detailed base map built at setup (dateline.basemap); absent until then, so the dashboard falls back.
    app.mount("/basemap", StaticFiles(directory=out_dir(), check_dir=False), name="basemap")

    @app.get("/docs", include_in_schema=False)
    def api_docs():
        return _docs_page()

    @app.get("/", include_in_schema=False)
    def dashboard():
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")
