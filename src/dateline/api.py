"""`dateline serve`: the REST API over the event store, and the dashboard that reads it.

The API is read-only unless a token is given (``DATELINE_TOKEN``): only then can reports be posted
for extraction. Every error is a JSON object ``{"error": message}`` with a fitting status code, never
a traceback, so a client (or the dashboard) can always show the user what went wrong.

Only the standard library is imported at module level (the CLI builds its parser from this module);
FastAPI and the store are imported inside ``create_app``. Route functions are defined there too, so
their annotations are real objects that FastAPI reads for validation and the OpenAPI schema.
"""

import argparse
import datetime as dt
import hmac
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

MAX_BODY_BYTES = 2 * 1024 * 1024  # a long report is ~100 kB of text; 2 MB leaves room for its HTML
MAX_LIMIT = 500
EXPORT_PAGE = 500
EXPORT_MAX_EVENTS = 100_000  # bounds one export's memory and time
STATIC_DIR = Path(__file__).with_name("static")
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
}
SORTS = ("date", "oldest", "sources", "fatalities")  # newest first, oldest first, most sources, most killed
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

    if not 0 < args.port < 65536:
        raise DatelineError(f"--port {args.port} is not a TCP port (1-65535)")
    token = os.environ.get("DATELINE_TOKEN") or None
    app = create_app(args.db, token)
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
    from fastapi import FastAPI

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
    _add_read_routes(app, store, writable=token is not None)
    _add_export_route(app, store)
    _add_post_route(app, store, token)
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


def describe_validation_errors(errors: list[dict]) -> str:
    """One readable line from pydantic's error list, e.g. "query parameter 'limit': ..."."""
    parts = []
    for err in errors[:5]:
        loc = [str(p) for p in err.get("loc", ())]
        where = {"query": "query parameter", "body": "body field", "path": "path parameter"}.get(loc[0] if loc else "")
        name = ".".join(loc[1:]) if where else ".".join(loc)
        label = f"{where} '{name}'" if where and name else (where or name or "request")
        parts.append(f"{label}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


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


def _filters_dependency():
    """The event filters shared by /api/events and /api/export, validated once."""
    from fastapi import Query

    def event_filters(
        type: Annotated[str | None, Query(description="PLOVER event type, e.g. ASSAULT", max_length=40)] = None,
        country: Annotated[
            str | None, Query(description="ISO 3166-1 alpha-2 code (or country name)", min_length=2, max_length=60)
        ] = None,
        actor: Annotated[str | None, Query(description="actor name (substring)", max_length=200)] = None,
        since: Annotated[dt.date | None, Query(description="events on or after this day, YYYY-MM-DD")] = None,
        until: Annotated[dt.date | None, Query(description="events on or before this day, YYYY-MM-DD")] = None,
        near: Annotated[str | None, Query(description="'lat,lon,km': within km of a point", max_length=80)] = None,
        text: Annotated[
            str | None, Query(description="words in summary, place, actors or titles", max_length=200)
        ] = None,
        min_sources: Annotated[int | None, Query(description="at least this many outlets", ge=1, le=10_000)] = None,
    ) -> dict:
        if since and until and since > until:
            raise ApiError(422, f"query parameter 'since' ({since}) is after 'until' ({until})")
        return {
            "type": type.strip().upper() if type and type.strip() else None,
            "country": country.strip() or None if country else None,
            "actor": actor.strip() or None if actor else None,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "near": parse_near(near) if near else None,
            "text": text.strip() or None if text else None,
            "min_sources": min_sources,
        }

    return event_filters


def parse_near(value: str) -> tuple[float, float, float]:
    """'lat,lon,km' as three floats within range, or a 422 that says what is wrong."""
    parts = value.split(",")
    try:
        lat, lon, km = (float(p) for p in parts)
    except ValueError:
        raise ApiError(422, f"query parameter 'near' must be 'lat,lon,km', got '{value}'") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ApiError(422, f"query parameter 'near': latitude {lat} or longitude {lon} out of range")
    if not 0 < km <= 20_000:
        raise ApiError(422, f"query parameter 'near': radius must be between 0 and 20000 km, got {km}")
    return lat, lon, km


def _add_read_routes(app: "FastAPI", store: Any, writable: bool) -> None:
    from fastapi import Depends, Path, Query

    from dateline import __version__

    filters_dep = _filters_dependency()
    not_found = {404: {"description": "not in the store", "content": {"application/json": {}}}}

    @app.get("/api/health", tags=["meta"], summary="Is the server up, and does it accept reports?")
    def health() -> dict:
        return {"status": "ok", "version": __version__, "accepts_reports": writable}

    @app.get("/api/events", tags=["events"], summary="Merged events matching the filters, one page at a time")
    def list_events(
        filters: Annotated[dict, Depends(filters_dep)],
        limit: Annotated[int, Query(description="page size", ge=1, le=MAX_LIMIT)] = 100,
        cursor: Annotated[str | None, Query(description="next_cursor of the previous page", max_length=500)] = None,
        sort: Annotated[
            str, Query(description="order: " + ", ".join(SORTS), pattern="^(" + "|".join(SORTS) + ")$")
        ] = "date",
    ) -> dict:
        events, next_cursor = _query(store, filters, limit=limit, cursor=cursor, sort=sort)
        return {"events": events, "count": len(events), "next_cursor": next_cursor}

    @app.get(
        "/api/events/{event_id}",
        tags=["events"],
        summary="One event with its sources, evidence and quotes",
        responses=not_found,
    )
    def get_event(event_id: Annotated[str, Path(max_length=200)]) -> dict:
        event = store.get_event(event_id)
        if event is None:
            raise ApiError(404, f"no event with id '{event_id}'")
        return event

    @app.get(
        "/api/reports/{report_id}", tags=["reports"], summary="One stored report with its text", responses=not_found
    )
    def get_report(report_id: Annotated[str, Path(max_length=200)]) -> dict:
        report = store.get_report(report_id)
        if report is None:
            raise ApiError(404, f"no report with id '{report_id}'")
        return report

    @app.get("/api/stats", tags=["events"], summary="Event counts by type, country and month")
    def stats() -> dict:
        return store.stats()


def _query(store: Any, filters: dict, **page) -> tuple[list[dict], str | None]:
    """One page from the store; its DatelineError (a forged cursor, an unknown country) is the client's 400."""
    return store.query_events(**filters, **page)


# ---------------------------------------------------------------- export


def _add_export_route(app: "FastAPI", store: Any) -> None:
    from fastapi import Depends, Query
    from fastapi.responses import StreamingResponse

    filters_dep = _filters_dependency()

    @app.get("/api/export", tags=["events"], summary="All matching events as CSV, GeoJSON or JSON Lines")
    def export(
        filters: Annotated[dict, Depends(filters_dep)],
        format: Annotated[str, Query(description="csv, geojson or jsonl", pattern="^(csv|geojson|jsonl)$")] = "jsonl",
    ):
        spool, count = write_export(store, filters, format)
        headers = {
            "Content-Disposition": f'attachment; filename="dateline-events.{format}"',
            "X-Dateline-Events": str(count),
        }
        return StreamingResponse(_read_chunks(spool), media_type=EXPORT_TYPES[format], headers=headers)


def iter_all_events(store: Any, filters: dict, cap: int = EXPORT_MAX_EVENTS) -> Iterator[dict]:
    """Every event matching `filters`, following the store's cursor, up to `cap`."""
    cursor, seen = None, 0
    while True:
        events, cursor = _query(store, filters, limit=EXPORT_PAGE, cursor=cursor, sort="date")
        yield from events[: cap - seen]
        seen += len(events)
        if not cursor or seen >= cap:
            return


def write_export(store: Any, filters: dict, fmt: str):
    """The export in a spooled file (memory up to 8 MB, then disk), written by dateline.export so the CLI and the
    API agree byte for byte; errors surface here, before the response starts."""
    import io
    import tempfile

    from dateline.export import TEXT_WRITERS

    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115 (closed by reader)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    try:
        count = TEXT_WRITERS[fmt](iter_all_events(store, filters), text)
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


def _report_model():
    from pydantic import BaseModel, ConfigDict, Field

    class ReportIn(BaseModel):
        """A report to extract: plain `text`, or `html` to strip first; the rest is optional metadata."""

        model_config = ConfigDict(extra="forbid")
        text: str | None = Field(None, max_length=MAX_BODY_BYTES)
        html: str | None = Field(None, max_length=MAX_BODY_BYTES)
        published: str | None = Field(None, description="YYYY-MM-DD", max_length=40)
        outlet: str | None = Field(None, max_length=200)
        url: str | None = Field(None, max_length=2000)
        title: str | None = Field(None, max_length=1000)
        id: str | None = Field(None, max_length=200, pattern=r"^[\w.:@+\-]+$")

    return ReportIn


def check_token(expected: str | None, authorization: str | None) -> None:
    """403 when the server is read-only, 401 unless `authorization` is 'Bearer <expected>'."""
    if expected is None:
        raise ApiError(403, "this server is read-only: start it with DATELINE_TOKEN set to accept reports")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "missing or wrong token: send 'Authorization: Bearer <DATELINE_TOKEN>'")


def _add_post_route(app: "FastAPI", store: Any, token: str | None) -> None:
    from fastapi import Depends, Header, Query, Response

    report_in = _report_model()
    write_lock = threading.Lock()  # one writer at a time: SQLite allows no more

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        check_token(token, authorization)

    @app.post(
        "/api/reports",
        tags=["reports"],
        status_code=201,
        dependencies=[Depends(authorised)],
        summary="Extract events from a report and store them (needs the token)",
    )
    def post_report(
        body: report_in,
        response: Response,
        reextract: Annotated[bool, Query(description="redo a stored report extracted by older code")] = False,
    ) -> dict:
        report = _report_from_body(body)
        extraction = _extract(report)
        with write_lock:
            status = store.add_extraction(extraction, reextract=reextract)
        if status != "added":
            response.status_code = 200  # 201 only when something new was created
        return {
            "id": report.id,
            "status": status,
            "events": len(extraction.events),
            "quotes": len(extraction.quotes),
            "report_url": f"/api/reports/{report.id}",
        }


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


def _extract(report: Any):
    from dateline import DatelineError

    try:
        from dateline.pipeline import extract
    except ImportError as err:
        raise ApiError(503, "extraction is not available in this installation") from err
    try:
        return extract(report)
    except DatelineError as err:
        raise ApiError(422, str(err)) from err


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
