"""JSON API and web UI, datasette-style: each view is one query (``marsad.query``) whose result is rendered as
HTML, or as JSON with a ``.json`` suffix, and each list also downloads as ``.csv``, ``.jsonl`` or ``.parquet``
with the same filters. Parameters are typed (see ``params``): a bad one is a 422, or an error page in the UI.
Scraped text is untrusted: templates autoescape everything, highlighting is built from escaped segments, and
writes need a configured token (the API is read-only without one). Every script and style is served from
``static/`` (nothing from a CDN)."""

# no `from __future__ import annotations`: FastAPI reads the views' annotations, and some name local types
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import query
from ..model import PLOVER_TYPES, STATUSES
from ..settings import section
from ..store import Store
from . import i18n, shapes
from .downloads import MEDIA, download
from .jobs import add_ingest_routes
from .params import ArticleSort, EventSort, Filters, Order, Paging, Since, StorySort, Until, checked, filters, paging

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
PLOVER = PLOVER_TYPES
DATA_SUFFIXES = (".json", *(f".{f}" for f in MEDIA))


def highlight(text: str, spans: list[tuple[int, int, str, str]]) -> Markup:
    """Article text with spans (start, end, kind, title) wrapped in <mark>; every piece of text is escaped."""
    return shapes.highlight(text, spans)


# Headers on every response: no MIME sniffing, never framed (clickjacking), no referrer leaked to source sites.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
# scripts only from static/ (no inline script: page data rides in <script type="application/json">); inline styles
# for the libraries that set them; data: images for Leaflet's and ECharts' own icons
HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def http_url(url: Any) -> str | None:
    """``url`` when it is an http(s) link, else None: a scraped javascript: or data: URL is never rendered."""
    return url if isinstance(url, str) and re.match(r"https?://", url.strip(), re.I) else None


def _names(ents: list[dict[str, Any]] | None) -> str:
    return "، ".join((e.get("name") or e.get("text") or "?") for e in ents or [])


def wants_html(request: Request) -> bool:
    """A page of the UI (an error there is an HTML page), not the API (an error there is JSON)."""
    path = request.url.path
    return (request.method == "GET" and not path.endswith(DATA_SUFFIXES)
            and not path.startswith(("/jobs", "/ingest", "/openapi", "/static")))


def url_with(request: Request, path: str | None = None, **changes: Any) -> str:
    """The current URL with some query parameters replaced (None drops one, a list repeats it)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for k, v in changes.items():
        if v is None or v == "":
            continue
        items.extend((k, str(x)) for x in v) if isinstance(v, list | tuple) else items.append((k, str(v)))
    qs = urlencode(items)
    return (path or request.url.path) + ("?" + qs if qs else "")


def _validation_messages(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Each bad parameter with one clear sentence; a date that is not one says which forms are accepted."""
    out = []
    for e in exc.errors():
        # ("query", "type", 0) -> "type": the index of a repeated parameter says nothing to a user
        loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body") and not isinstance(x, int)]
        param = ".".join(loc) or "request"
        msg = e.get("msg", "invalid")
        if e.get("type") == "string_pattern_mismatch" and param in ("since", "until"):
            msg = f"{e.get('input')!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        elif e.get("type") == "string_pattern_mismatch" and param == "country":
            msg = f"{e.get('input')!r} is not an ISO 3166 alpha-3 code (e.g. SYR)"
        msg = msg if msg.startswith(f"{param}:") else f"{param}: {msg}"
        out.append({"param": param, "msg": msg, "input": e.get("input")})
    return out


class DropEmptyParams:
    """An empty query parameter (a form's untouched field: ``mode=&actor=``) means no filter: it is dropped before
    the typed parameters are checked, so that it is not a 422 for "'' is not a mode"."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v.strip()]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await self.app(scope, receive, send)


def create_app(db_path: str, token: str | None = None) -> FastAPI:
    token = token if token is not None else os.environ.get("MARSAD_API_TOKEN") or None
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    env.filters["names"] = _names
    env.filters["http_url"] = http_url
    app = FastAPI(title="marsad", description="Arabic political events: articles, events, stories, actors. Every "
                  "list view also answers as .json, .csv, .jsonl and .parquet with the same parameters.",
                  docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(DropEmptyParams)
    max_body = int(section("server").get("max_body_bytes", section("ingest").get("max_bytes", 10_000_000)))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response

    def store() -> Store:
        return Store(db_path)

    def page(request: Request, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        lang = i18n.request_lang(request)
        html = env.get_template(template).render(
            data=data, request=request, q=request.query_params, types=PLOVER, statuses=STATUSES,
            modes=query.all_modes(), t=i18n.translator(lang), lang=lang, dir=i18n.direction(lang),
            url=lambda path=None, **kw: url_with(request, path, **kw))
        resp = HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": HTML_CSP})
        if request.query_params.get("lang") in i18n.LANGS:  # remembered for the next pages
            resp.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax")
        return resp

    def json_data(data: dict[str, Any]) -> JSONResponse:
        return JSONResponse(jsonable_encoder({k: v for k, v in data.items() if not isinstance(v, Markup)}))

    def view(path: str, template: str, rows: str | None = None, table: str | None = None
             ) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
        """Register one query (a FastAPI dependency, so its typed parameters are checked and documented) under
        ``path`` (HTML), ``path.json`` and, when ``rows`` names the list in its result, ``path.csv|jsonl|parquet``."""
        def deco(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
            Data = Annotated[dict[str, Any], Depends(fn)]
            stem = "/index" if path == "/" else path

            def html_view(request: Request, data: Data) -> Response:
                return page(request, template, data)

            def json_view(data: Data) -> Response:
                return json_data(data)

            app.add_api_route(stem + ".json", json_view, methods=["GET"], summary=f"{fn.__doc__ or stem} (JSON)")
            if rows is not None:
                for fmt in MEDIA:
                    app.add_api_route(f"{stem}.{fmt}", file_view(Data, rows, fmt, stem.strip("/"), table), methods=["GET"],
                                      include_in_schema=fmt == "csv",
                                      summary=f"{fn.__doc__ or stem} as CSV (also .jsonl, .parquet)",
                                      response_class=Response)
            app.add_api_route(path, html_view, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
            return fn
        return deco

    def file_view(data_type: Any, rows: str, fmt: str, name: str, table: str | None) -> Callable[..., Response]:
        def send(data: data_type) -> Response:  # type: ignore[valid-type]
            return download(data[rows], fmt, name, table)
        return send

    def paged(request: Request, pg: query.Page, key: str) -> dict[str, Any]:
        """A page of results with its paging metadata: total, the offset and URL of the next page (None on the
        last), and the facet counts when the query asked for them."""
        nxt = pg.next_offset
        return {key: pg.records, "total": pg.total, "limit": pg.limit, "offset": pg.offset, "next_offset": nxt,
                "next": url_with(request, offset=nxt) if nxt is not None else None,
                "previous": url_with(request, offset=max(0, pg.offset - (pg.limit or 0))) if pg.offset else None,
                "facets": pg.facets}

    def all_events(f: Filters, **more: Any) -> list[dict[str, Any]]:
        with store() as st, checked():
            return query.events(st, f.query(limit=None, sort="date", **more)).records

    def listing(request: Request, f: Filters, p: Paging, sort: str, order: Order, fetch: Any, name: str) -> Any:
        """One page of a filtered, sorted table; a download (.csv/.jsonl/.parquet) skips the facet counts."""
        download_only = request.url.path.endswith(tuple(f".{m}" for m in MEDIA))
        with store() as st, checked():
            pg = fetch(st, f.query(sort=sort, descending=order is Order.desc, limit=p.limit, offset=p.offset),
                       facets=not download_only)
        return paged(request, pg, name)

    # -- views ------------------------------------------------------------------------------------------------
    @view("/", "index.html")
    def index(f: Annotated[Filters, Depends(filters)]) -> dict[str, Any]:
        """Counts and the latest stories"""
        with store() as st, checked():
            counts = st.counts()
            recent = query.stories(st, f.query(sort="date", descending=True, limit=12)).records
        return {"counts": counts, "stories": recent}

    @view("/events", "events.html", rows="events", table="events")
    def events(request: Request, f: Annotated[Filters, Depends(filters)], p: Annotated[Paging, Depends(paging)],
               sort: EventSort = EventSort.date, order: Order = Order.desc) -> dict[str, Any]:
        """Events, filtered, sorted and paged, with facet counts"""
        return listing(request, f, p, sort.value, order, query.events, "events")

    @view("/stories", "stories.html", rows="stories", table="stories")
    def stories(request: Request, f: Annotated[Filters, Depends(filters)], p: Annotated[Paging, Depends(paging)],
                sort: StorySort = StorySort.date, order: Order = Order.desc) -> dict[str, Any]:
        """Stories (the same event across articles), filtered by their events, sorted and paged"""
        return listing(request, f, p, sort.value, order, query.stories, "stories")

    @view("/articles", "articles.html", rows="articles", table="articles")
    def articles(request: Request, p: Annotated[Paging, Depends(paging)],
                 outlet: Annotated[str | None, Query(max_length=200, description="the outlet, as stored")] = None,
                 since: Since = None, until: Until = None,
                 q: Annotated[str | None, Query(max_length=500, description="full-text search")] = None,
                 sort: ArticleSort = ArticleSort.published, order: Order = Order.desc) -> dict[str, Any]:
        """Articles by outlet, publication period and full text, paged"""
        with store() as st, checked():
            pg = query.articles(st, outlet=outlet or None, since=since or None, until=until or None, text=q or None,
                                sort=sort.value, descending=order is Order.desc, limit=p.limit, offset=p.offset)
        for r in pg.records:
            r["text"] = (r.get("text") or "")[:300]
        return paged(request, pg, "articles")

    @view("/timeline", "timeline.html", rows="stories", table="stories")
    def timeline(f: Annotated[Filters, Depends(filters)],
                 actor: Annotated[list[str] | None, Query(max_length=200, description="actors (repeatable): two or "
                                                          "more keep the stories that involve all of them")] = None
                 ) -> dict[str, Any]:
        """Events per month and type (a chart) and the stories they belong to"""
        names = [a for a in actor or [] if a.strip()]
        evs = all_events(f)
        with store() as st, checked():
            if len(names) > 1:
                rows = list(st.timeline(names, since=f.since, until=f.until))
                ids = {s["id"] for s in rows}
                evs = [e for e in evs if e.get("story_id") in ids]
            else:
                rows = query.stories(st, f.query(sort="date", limit=200)).records
        return {"series": shapes.monthly_series(evs), "stories": rows, "actors": names}

    @view("/network", "network.html", rows="edges")
    def network(f: Annotated[Filters, Depends(filters)]) -> dict[str, Any]:
        """The actor network: actors linked by the events between them"""
        with store() as st, checked():
            return query.network(st, f.query())

    @view("/map", "map.html", rows="points")
    def event_map(f: Annotated[Filters, Depends(filters)]) -> dict[str, Any]:
        """Event locations: one point per place, with its events by type"""
        return shapes.map_points(all_events(f))

    @view("/search", "search.html", rows="results")
    def search(q: Annotated[str, Query(max_length=500, description="words to find (all of them)")] = "",
               limit: Annotated[int, Query(ge=1, le=500, description="results at most")] = 50) -> dict[str, Any]:
        """Full-text search over articles"""
        with store() as st:
            rows = list(st.search(q, limit=limit)) if q.strip() else []
        for r in rows:
            r.pop("text", None)
        return {"query": q, "results": rows, "total": len(rows)}

    # -- one item: a story, an actor, an article ----------------------------------------------------------------
    Ident = Annotated[str, PathParam(max_length=300)]

    def item(path: str, template: str, what: str) -> Callable[[Callable[..., dict[str, Any] | None]], None]:
        def deco(load: Callable[..., dict[str, Any] | None]) -> None:
            def data(ident: Ident) -> dict[str, Any]:
                found = load(ident)
                if found is None:
                    raise HTTPException(404, f"no such {what}: {ident}")
                return found

            Data = Annotated[dict[str, Any], Depends(data)]

            def json_view(data: Data) -> Response:
                return json_data(data)

            def html_view(request: Request, data: Data) -> Response:
                return page(request, template, data)

            # the .json route first: the HTML route's {ident} would also match "x.json"
            app.add_api_route(path + ".json", json_view, methods=["GET"], summary=f"One {what} (JSON)")
            app.add_api_route(path, html_view, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
        return deco

    @item("/stories/{ident}", "story.html", "story")
    def story(ident: str) -> dict[str, Any] | None:
        with store() as st:
            return query.story(st, ident)

    @item("/actors/{ident}", "actor.html", "actor")
    def actor(ident: str) -> dict[str, Any] | None:
        from ..entities.kb import ActorKB

        with store() as st:
            found = query.actor(st, ident, kb=ActorKB.load())
        if found is None:
            return None
        me = found["actor"]
        graph = {"focus": ident, "nodes": [{"id": ident, "name": me.get("name"), "name_ar": me.get("name_ar"), "kind": me.get("kind"),
                            "country": me.get("country"), "events": me.get("events", 0), "focus": True}]
                 + [dict(c) for c in found["counterparts"]],
                 "edges": [{"source": ident, "target": c["id"], "weight": c["events"],
                            "types": {t: 1 for t in c["types"] if t}} for c in found["counterparts"]]}
        series = shapes.monthly_series({"date": r["month"], "type": r["type"]}
                                       for r in found["timeline"] for _ in range(r["events"]))
        return {**found, "graph": graph, "series": series}

    @item("/articles/{ident}", "article.html", "article")
    def article(ident: str) -> dict[str, Any] | None:
        with store() as st:
            rec = st.article(ident)
            if rec is None:
                return None
            evs = query.events(st, query.EventQuery(article_id=ident, limit=None)).records
        spans = shapes.article_spans(rec, evs)
        for e in evs:  # the title's events (headline-only) are listed, not highlighted in the body
            e["in_body"] = (e.get("evidence") or {}).get("field", "text") == "text"
        return {"article": rec, "events": evs, "body": highlight(rec.get("text") or "", spans),
                "highlighted": sorted({s[2] for s in spans})}

    # -- API documentation, served from static/ -------------------------------------------------------------------
    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="marsad API",
                                   swagger_js_url="/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui-dist/swagger-ui.css",
                                   swagger_favicon_url="/static/vendor/swagger-ui-dist/favicon-32x32.png",
                                   swagger_ui_parameters={"validatorUrl": None})

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="marsad API", with_google_fonts=False,
                              redoc_js_url="/static/vendor/redoc/bundles/redoc.standalone.js",
                              redoc_favicon_url="/static/vendor/swagger-ui-dist/favicon-32x32.png")

    # -- errors: JSON for the API, a page for the UI --------------------------------------------------------------
    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        problems = _validation_messages(exc)
        if wants_html(request):
            return page(request, "error.html", {"status": 422, "problems": problems}, status=422)
        return JSONResponse({"error": "; ".join(p["msg"] for p in problems), "detail": jsonable_encoder(problems)},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code in (400, 404, 405):
            return page(request, "error.html", {"status": exc.status_code,
                                                "problems": [{"msg": str(exc.detail)}]}, status=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    add_ingest_routes(app, db_path, token, max_body)
    return app


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    uvicorn.run(create_app(db_path), host=host, port=port, log_level="info")
    return 0
