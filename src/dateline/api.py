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
import hmac
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

MAX_BODY_BYTES = 2 * 1024 * 1024  # a long report is ~100 kB of text; 2 MB leaves room for its HTML
MAX_LIMIT = 500
EXPORT_PAGE = 500
EXPORT_MAX_EVENTS = 100_000  # bounds one export's memory and time
STATIC_DIR = Path(__file__).with_name("static")
ERROR_STATUSES = {  # what every route may answer, with an ErrorBody; POST adds its own (POST_ERRORS)
    400: "malformed request: a bad cursor, an unknown country, a NUL byte",
    422: "a parameter or body field that is unknown, out of range or of the wrong format",
    500: "a bug: the server log has the details",
}
POST_ERRORS = {
    401: "missing or wrong token",
    403: "the server is read-only (started without DATELINE_TOKEN)",
    413: "request body over 2 MB",
    503: "extraction is not available in this installation",
}
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
}
# The dashboard never needs inline script; forbidding it stops injected markup from running.
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https: http:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

log = logging.getLogger("dateline.api")


# ---------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Options of `dateline serve`."""
    parser.add_argument("--db", default=None, help="store URL or SQLite file (default: the store's default)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; POST /api/reports is enabled only when DATELINE_TOKEN is set."""
    import uvicorn

    from dateline import DatelineError
    from dateline.store import Store

    if not 0 < args.port < 65536:
        raise DatelineError(f"--port {args.port} is not a TCP port (1-65535)")
    token = os.environ.get("DATELINE_TOKEN") or None
    app = create_app(None, token, store=Store(args.db, create=False))  # serving a mistyped --db is an error
    mode = "read-write (token set)" if token else "read-only (set DATELINE_TOKEN to accept reports)"
    print(f"dateline serve: http://{args.host}:{args.port}/  API docs at /docs, {mode}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


# ---------------------------------------------------------------- app


class ApiError(Exception):
    """An error the client caused or should see: becomes ``{"error": message}`` with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(store_url: str | None, token: str | None, *, store: Any = None) -> "FastAPI":
    """The API and dashboard over the store at `store_url`; `token` enables POST /api/reports.

    `store` lets a caller pass an already open store instead of a URL.
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
    _add_error_handlers(app)
    app.add_middleware(_RefuseNul)
    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(_DashboardHeaders)
    api = APIRouter(dependencies=[Depends(_refuse_unknown_query())], responses=error_responses(ERROR_STATUSES))
    _add_read_routes(api, store, writable=token is not None)
    _add_export_route(api, store)
    _add_post_route(api, store, token)
    app.include_router(api)
    _add_dashboard(app)
    return app


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
    lists those it does): `?admin1=` or `?min_fatalities=` must not quietly return every event."""
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


class _DashboardHeaders:
    """Content-Security-Policy and nosniff on the dashboard's pages and assets."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/" or path.startswith("/static/")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", DASHBOARD_CSP.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- reading


def _add_read_routes(api: "APIRouter", store: Any, writable: bool) -> None:
    from fastapi import Path, Query

    from dateline import __version__
    from dateline.api_models import EventPage, EventsQuery, Health, Stats, StoredReport
    from dateline.filters import EventFilter
    from dateline.merged import EventDetail

    not_found = error_responses({404: "not in the store"})

    @api.get("/api/health", tags=["meta"], summary="Is the server up, and does it accept reports?")
    def health() -> Health:
        return Health(status="ok", version=__version__, accepts_reports=writable)

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
        responses={200: {"content": {t: {} for t in EXPORT_TYPES.values()}}},
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

    from dateline.export import TEXT_WRITERS

    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115 (closed by reader)
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


def _add_dashboard(app: "FastAPI") -> None:
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs():
        swagger = "/static/vendor/swagger-ui"
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="dateline API",
            swagger_js_url=f"{swagger}/swagger-ui-bundle.js",
            swagger_css_url=f"{swagger}/swagger-ui.css",
            swagger_favicon_url=f"{swagger}/favicon-32x32.png",
        )

    @app.get("/", include_in_schema=False)
    def dashboard():
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")
