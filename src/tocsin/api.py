"""The HTTP API and the dashboard: one FastAPI app over the library (:mod:`tocsin.browse`,
:mod:`tocsin.review`). Routes are thin: parse, one library call, render.

:func:`create_app` takes the configuration, the store, the settings and the knowledge base
explicitly; nothing is global. JSON lives under ``/api/v1`` (OpenAPI schema at
``/api/openapi.json``, a readable offline listing at ``/api/docs``); the dashboard pages are
server-rendered with Jinja2 (autoescaping on: article text is untrusted) and sent with a strict
Content-Security-Policy (scripts only from this server, as files; the chart library is
plotly's bundled ``plotly.min.js``, served from the installed package).

Security: write routes need ``Authorization: Bearer <token>`` (tokens from the configuration,
compared with :func:`hmac.compare_digest`, never logged); reads are open unless
``protect_reads``, then a token (header, or the cookie set by ``/login``) is needed. Request
bodies over ``max_body_bytes`` are refused with 413, counted as they arrive.
"""


import hmac
import json
import logging
import os
import re
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    MutableMapping,
)
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

import jinja2
import pydantic_core
from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import browse
from .answers import AnswerCache
from .errors import InputError, NotFoundError, ReviewError, StoreError, TocsinError
from .knowledge import Knowledge
from .model import EVENT_TYPES, MODALITIES
from .review import gold_records
from .settings import Settings
from .store import REVIEW_STATES, SEARCH_POOL, EventFilter, Store
from .webconfig import ServerConfig

__all__ = ["CSP", "SERVE_ENV", "app_from_environment", "create_app"]

log = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parent / "web"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
COOKIE = "tocsin_token"
# Worker threads of a server process (for the store's calls and the plain ``def`` routes),
# and the store connections it keeps open. Enough to overlap database waits on a few cores;
# more only contend for the one interpreter lock and share the CPU among more requests at
# once, which stretches the slowest (measured under 20 clients on 2 cores: 2, 4 and 8
# threads, the p99 lowest at 2-4 on SQLite, at 4 on PostgreSQL). Connections beyond the
# pool's would be opened and closed for every request (on PostgreSQL a server process each).
SERVE_THREADS = 4
ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]],
                    Callable[[MutableMapping[str, Any]], Awaitable[None]]], Awaitable[None]]


def plotly_js() -> Path:
    """The chart library's JavaScript, as shipped inside the plotly Python package."""
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise TocsinError(f"plotly.min.js not found at {path}: reinstall plotly")
    return path


_RULE = re.compile(r"""\"([^"]+)\":(?:\"([^"]*)\"|'([^']*)')""")


def plotly_css(js: str) -> str:
    """The style rules plotly.js inserts at run time (which a strict CSP blocks), as a
    stylesheet served from this server: read from the rules object in plotly.min.js."""
    start = js.find('{"X,X div":')
    end = js.find("};for(", start)
    if start < 0 or end < 0:
        return "/* plotly's style rules were not found in this version of plotly.min.js */\n"
    rules = []
    for m in _RULE.finditer(js, start, end):
        selector = (m.group(1).replace("X", ".js-plotly-plot .plotly")
                    .replace("Y", ".plotly-notifier"))
        rules.append(f"{selector} {{{m.group(2) if m.group(2) is not None else m.group(3)}}}")
    return "\n".join(rules) + "\n"


class ApiError(Exception):
    """An error answered with the one JSON error shape."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


# --------------------------------------------------------------------------------------------
# Middleware: security headers, body size limit
# --------------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class Guard:
    """Pure ASGI middleware: security headers on every response, and request bodies over
    ``limit`` bytes (declared, or counted while they arrive) refused with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def guarded_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in have]
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(guarded_send)
            return
        seen = 0

        async def counting_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not started:
                await self._refuse(guarded_send)

    async def _refuse(self, send: Any) -> None:
        body = JSONResponse(_error_body(413, "too_large",
                                        f"request body over {self.limit} bytes"),
                            status_code=413).body
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


# --------------------------------------------------------------------------------------------
# Query parameters shared by the API and the dashboard
# --------------------------------------------------------------------------------------------


def _blank(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()


def _day(value: str | None, name: str) -> date | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _fraction(value: str | None, name: str) -> float | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {value!r} is not a number") from exc
    if not 0 <= number <= 1:
        raise ValueError(f"{name} must be from 0 to 1, got {value}")
    return number


# The event filters of the API and the dashboard, with their OpenAPI descriptions. They are read
# from the query string by hand: FastAPI's validation of sixteen declared parameters cost about
# 0.9 ms a request, more than the database query of a page of events.
EVENT_PARAMS: tuple[tuple[str, str], ...] = (
    ("type", f"One of {', '.join(EVENT_TYPES)}"),
    ("actor", "Substring of the actor's name"),
    ("country", "Actor country code (RUS, USA, NATO…)"),
    ("weapon", "Substring of the weapon, or its KB id"),
    ("location", "Substring of the place, its KB id or country code"),
    ("language", "fr, en, uk or ru"),
    ("since", "YYYY-MM-DD (inclusive)"),
    ("until", "YYYY-MM-DD (inclusive)"),
    ("text", "Words of the evidence sentence (full text)"),
    ("min_confidence", "0 to 1"),
    ("flag", f"One of {', '.join(browse.STORY_FLAGS)}"),
    ("review", f"One of {', '.join(REVIEW_STATES)}; default: all but rejected"),
    ("sort", f"One of {', '.join(browse.EVENT_SORTS)} (default: date)"),
    ("cursor", "next_cursor of the previous page"),
)


def event_query_openapi(page_size: int) -> dict[str, Any]:
    """The OpenAPI parameters of the events route."""
    return {"parameters": [
        *({"name": name, "in": "query", "required": False, "description": text,
           "schema": {"type": "string"}} for name, text in EVENT_PARAMS),
        {"name": "limit", "in": "query", "required": False, "description": "Events per page",
         "schema": {"type": "integer", "minimum": 1, "maximum": browse.MAX_PAGE,
                    "default": page_size}}]}


def _page_size(value: str | None, default: int) -> int:
    value = _blank(value)
    if value is None:
        return default
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= browse.MAX_PAGE:
        raise ApiError(422, "invalid_request",
                       f"limit: must be a whole number from 1 to {browse.MAX_PAGE}, got {value!r}")
    return limit


def event_query_from(params: Mapping[str, str], page_size: int) -> browse.EventQuery:
    """The events query of a request's query string (unknown names are ignored);
    ``page_size``: the limit when none is given."""
    def get(name: str) -> str | None:
        return _blank(params.get(name))
    flt = EventFilter(type=get("type"), actor=get("actor"), country=get("country"),
                      language=get("language"), since=_day(params.get("since"), "since"),
                      until=_day(params.get("until"), "until"), text=get("text"),
                      min_confidence=_fraction(params.get("min_confidence"), "min_confidence"),
                      review=get("review"))
    return browse.EventQuery(flt, weapon=get("weapon"), location=get("location"),
                             flag=get("flag"), sort=get("sort") or "date", cursor=get("cursor"),
                             limit=_page_size(params.get("limit"), page_size))


class ReviewRequest(BaseModel):
    action: str = Field(description="accept, reject or correct")
    changes: dict[str, Any] | None = Field(
        None, description="For 'correct': type, actor {name, country}, weapon {name}, "
        "location {name, country}, date {year, month, day} or 'YYYY-MM-DD', modality")
    note: str | None = Field(None, description="Free text kept in the audit record")


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------


def create_app(config: ServerConfig, store: Store, settings: Settings, kb: Knowledge) -> FastAPI:
    """The API and dashboard over ``store``. The caller owns the store (and closes it)."""
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = SERVE_THREADS
        yield

    app = FastAPI(title="Tocsin", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/api/openapi.json",
                  description="Nuclear-signaling events from news: events, stories, "
                  "documents with evidence, timeline, analyst review.")
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"),
                                   autoescape=True, undefined=jinja2.StrictUndefined)
    templates.globals.update(EVENT_TYPES=EVENT_TYPES, MODALITIES=MODALITIES,
                             REVIEW_STATES=REVIEW_STATES, STORY_FLAGS=browse.STORY_FLAGS,
                             EVENT_SORTS=browse.EVENT_SORTS)
    ingest_limiter = CapacityLimiter(1)   # one document through the models at a time
    static_files = {p.name: p for p in (WEB / "static").iterdir() if p.is_file()}
    static_files["plotly.min.js"] = plotly_js()
    chart_css = plotly_css(static_files["plotly.min.js"].read_text(encoding="utf-8"))

    # -- security -------------------------------------------------------------------------

    def _who(token: str | None) -> str | None:
        """The name of the configured token equal to ``token`` (constant-time compares)."""
        if not token:
            return None
        found = None
        given = token.encode()
        for name, secret in config.tokens:
            if hmac.compare_digest(given, secret.encode()):
                found = name
        return found

    def _bearer(request: Request) -> str | None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" else None

    async def can_read(request: Request) -> None:
        if not config.protect_reads:
            return
        if _who(_bearer(request) or request.cookies.get(COOKIE)) is None:
            if not request.url.path.startswith("/api/"):
                raise ApiError(303, "login", "log in", {"location": "/login"})
            raise ApiError(401, "unauthorized", "a valid token is needed to read",
                           {"www-authenticate": "Bearer"})

    async def writer(request: Request) -> str:
        """Who writes: only the Authorization header counts (a cookie could be forged by
        another site's form: no CSRF)."""
        if not config.writes_enabled:
            raise ApiError(403, "writes_disabled",
                           "writes are disabled: no token is configured on this server")
        name = _who(_bearer(request))
        if name is None:
            raise ApiError(401, "unauthorized", "a valid token is needed: "
                           "Authorization: Bearer <token>", {"www-authenticate": "Bearer"})
        return name

    # -- errors -----------------------------------------------------------------------------

    def _respond(request: Request, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> Response:
        if request.url.path.startswith("/api/") or status < 400:
            if status < 400:
                return RedirectResponse(headers["location"] if headers else "/",
                                        status_code=status)
            return JSONResponse(_error_body(status, code, message), status_code=status,
                                headers=headers)
        page = templates.get_template("error.html").render(
            status=status, message=message, title=str(status), writes=config.writes_enabled)
        return HTMLResponse(page, status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _respond(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _respond(request, 404, "not_found", str(exc))

    @app.exception_handler(ValueError)
    async def _bad_value(request: Request, exc: ValueError) -> Response:
        return _respond(request, 400, "bad_request", str(exc))

    @app.exception_handler(ReviewError)
    async def _bad_review(request: Request, exc: ReviewError) -> Response:
        return _respond(request, 400, "bad_review", str(exc))

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError) -> Response:
        return _respond(request, 400, "bad_input", str(exc))

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        return _respond(request, 503, "store_unavailable", "the database is unavailable")

    @app.exception_handler(TocsinError)
    async def _tocsin_error(request: Request, exc: TocsinError) -> Response:
        log.error("%s: %s", type(exc).__name__, exc)
        return _respond(request, 500, "server_error", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}"
                 for e in exc.errors()]
        return _respond(request, 422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _respond(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "server_error", "internal error (see the server log)")

    # -- JSON API -----------------------------------------------------------------------------

    answers = AnswerCache(store, config.cache_entries)

    async def cached(request: Request, compute: Callable[[], dict[str, Any]]) -> Response:
        """The JSON of ``compute()``, or the same answer kept since the store last changed;
        the header ``X-Tocsin-Cache`` says which (hit, miss)."""
        key = f"{request.url.path}?{urlencode(sorted(request.query_params.multi_items()))}"
        body, hit = await run_in_threadpool(
            answers.answer, key, lambda: pydantic_core.to_json(compute()))
        return Response(body, media_type="application/json",
                        headers={"x-tocsin-cache": "hit" if hit else "miss"})

    # with reads open, no dependency at all: FastAPI's solving of even an empty one costs
    # a tenth of a millisecond a request
    read = [Depends(can_read)] if config.protect_reads else []

    # The two routes under most load are ``async``, with only the database call in a worker
    # thread, and answer JSON they encode themselves (the bytes FastAPI would send for the
    # same dict, without its validation pass over every value), kept in ``answers`` until the
    # store changes; ``response_model`` keeps their OpenAPI description.

    @app.get("/api/v1/events", tags=["events"], dependencies=read,
             response_model=dict[str, Any], openapi_extra=event_query_openapi(config.page_size),
             summary="Events, filtered, sorted, one page at a time")
    async def api_events(request: Request) -> Response:
        q = event_query_from(request.query_params, config.page_size)
        return await cached(request, lambda: browse.page_events_json(store, q))

    @app.get("/api/v1/events/{event_id}", tags=["events"], dependencies=read,
             summary="One event with its review and audit history")
    def api_event(event_id: str) -> dict[str, Any]:
        return browse.event_detail(store, event_id).to_json()

    @app.post("/api/v1/events/{event_id}/review", tags=["review"],
              summary="Accept, reject or correct an event (needs a token)")
    def api_review(event_id: str, body: ReviewRequest,
                   who: Annotated[str, Depends(writer)]) -> dict[str, Any]:
        return browse.review_and_show(store, kb, event_id, body.action, reviewer=who,
                                      changes=body.changes, note=body.note).to_json()

    @app.get("/api/v1/stories", tags=["stories"], dependencies=read,
             summary="Stories, most mentioned first")
    def api_stories(min_mentions: int = Query(1, ge=1), flag: str | None = None,
                    limit: int = Query(100, ge=1, le=browse.MAX_PAGE)) -> dict[str, Any]:
        return {"items": browse.list_stories(store, min_mentions, _blank(flag), limit)}

    @app.get("/api/v1/stories/{story_id}", tags=["stories"], dependencies=read,
             summary="A story with every mention, its source and evidence in context")
    def api_story(story_id: str) -> dict[str, Any]:
        return browse.story_view(store, story_id).to_json()

    @app.get("/api/v1/documents/{content_id}", tags=["documents"], dependencies=read,
             summary="A stored article: text and evidence spans")
    def api_document(content_id: str) -> dict[str, Any]:
        return browse.document_view(store, content_id).to_json()

    @app.post("/api/v1/documents", tags=["documents"], status_code=201,
              summary="Process and store one document (needs a token)",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"type": "object", "properties": {
                      "text": {"type": "string"}, "html": {"type": "string"},
                      "url": {"type": "string"}, "title": {"type": "string"},
                      "published": {"type": "string", "format": "date"},
                      "source": {"type": "string"}, "doc": {"type": "string"}}}},
                  "text/html": {"schema": {"type": "string"}},
                  "text/plain": {"schema": {"type": "string"}}}}})
    async def api_ingest(request: Request, who: Annotated[str, Depends(writer)]) -> JSONResponse:
        record = browse.record_from_body(await request.body(),
                                         request.headers.get("content-type", ""))

        # one document through the models at a time; the others wait here, not holding
        # one of the server's threads
        done = await to_thread.run_sync(browse.ingest_document, store, settings, kb, record,
                                        limiter=ingest_limiter)
        return JSONResponse(done.to_json(), status_code=201 if done.stored else 200)

    @app.get("/api/v1/timeline", tags=["timeline"], dependencies=read,
             summary="Events per period by type and the escalation index")
    def api_timeline(by: str = Query("week", description="day, week or month"),
                     since: str | None = None, until: str | None = None) -> dict[str, Any]:
        return {"by": by, "buckets": browse.timeline_view(store, kb, by, _day(since, "since"),
                                                          _day(until, "until"))}

    @app.get("/api/v1/search", tags=["search"], dependencies=read,
             response_model=dict[str, Any],
             summary="Stored sentences containing every word of q (full text; the best first "
             f"among the {SEARCH_POOL:,} most recently stored matches); events whose evidence "
             "matches: GET /api/v1/events?text=")
    async def api_search(request: Request, q: str = Query(..., min_length=1),
                         limit: int = Query(20, ge=1, le=browse.MAX_PAGE)) -> Response:
        def items() -> dict[str, Any]:
            return {"items": [{"doc": doc, "sentence": sentence}
                              for doc, sentence in store.search_sentences(q, limit)]}
        return await cached(request, items)

    @app.get("/api/v1/export/gold", tags=["review"], dependencies=read,
             summary="Reviewed events as gold (JSON lines, the spec's format)")
    def api_gold() -> StreamingResponse:
        import json

        def lines() -> Iterator[str]:
            for record in gold_records(store):
                yield json.dumps(record, ensure_ascii=False) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson",
                                 headers={"content-disposition":
                                          'attachment; filename="tocsin-gold.jsonl"'})

    @app.get("/api/docs", include_in_schema=False, dependencies=read)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(templates.get_template("apidocs.html").render(
            spec=app.openapi(), title="API"))

    # -- static files -----------------------------------------------------------------------

    @app.get("/static/plotly.css", include_in_schema=False)
    def static_plotly_css() -> Response:
        return Response(chart_css, media_type="text/css",
                        headers={"cache-control": "public, max-age=3600"})

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = static_files.get(name)
        if path is None:
            raise NotFoundError(f"no static file {name!r}")
        media = {".js": "text/javascript", ".css": "text/css"}.get(path.suffix)
        return FileResponse(path, media_type=media,
                            headers={"cache-control": "public, max-age=3600"})

    # -- dashboard ------------------------------------------------------------------------------

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(
            writes=config.writes_enabled, **context))

    @app.get("/", include_in_schema=False, dependencies=read)
    def home(request: Request) -> HTMLResponse:
        result = browse.page_events(store, event_query_from(request.query_params,
                                                            config.page_size))
        params = {k: v for k, v in request.query_params.items() if k != "cursor" and v}
        return page("events.html", title="Events", page=result, params=params)

    @app.get("/events/{event_id}", include_in_schema=False, dependencies=read)
    def event_page(event_id: str) -> HTMLResponse:
        detail = browse.event_detail(store, event_id)
        return page("event.html", title=f"Event {event_id}", d=detail)

    @app.get("/stories", include_in_schema=False, dependencies=read)
    def stories_page(min_mentions: int = Query(1, ge=1), flag: str | None = None
                     ) -> HTMLResponse:
        rows = browse.list_stories(store, min_mentions, _blank(flag), browse.MAX_PAGE)
        return page("stories.html", title="Stories", stories=rows, flag=_blank(flag) or "",
                    min_mentions=min_mentions)

    @app.get("/stories/{story_id}", include_in_schema=False, dependencies=read)
    def story_page(story_id: str) -> HTMLResponse:
        return page("story.html", title=f"Story {story_id}",
                    s=browse.story_view(store, story_id))

    @app.get("/documents/{content_id}", include_in_schema=False, dependencies=read)
    def document_page(content_id: str) -> HTMLResponse:
        view = browse.document_view(store, content_id)
        return page("document.html", title=view.title or view.doc, d=view)

    @app.get("/login", include_in_schema=False)
    def login_page() -> HTMLResponse:
        return page("login.html", title="Log in", failed=False)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0].strip()
        if _who(token) is None:
            return HTMLResponse(templates.get_template("login.html").render(
                writes=config.writes_enabled, title="Log in", failed=True), status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    app.add_middleware(Guard, limit=config.max_body_bytes)
    return app


# How ``tocsin serve --workers N`` hands its options to each worker process (JSON: config
# file, database, protect_reads); tokens come, as always, from TOCSIN_TOKENS or the file.
SERVE_ENV = "TOCSIN_SERVE"


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``tocsin serve --workers N`` (a uvicorn factory).

    One Python process serves one request's Python code at a time; workers let a server use
    more than one core. Each opens its own store (the parent migrated it first)."""
    from .knowledge import load_knowledge
    from .store import open_store
    from .webconfig import load_server_config

    options = json.loads(os.environ[SERVE_ENV])
    config = load_server_config(Path(options["config"]) if options["config"] else None,
                                db=options["db"], protect_reads=options["protect_reads"],
                                cache_entries=options.get("cache_entries"))
    store = open_store(config.db, serial_plans=True, pool_size=SERVE_THREADS)
    return create_app(config, store, Settings(), load_knowledge())
