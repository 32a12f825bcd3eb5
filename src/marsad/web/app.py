"""JSON API and web UI, datasette-style: each view is one query whose result is rendered as HTML or, with a
``.json`` suffix, as JSON. Scraped text is untrusted: templates autoescape everything, evidence highlighting is
built from escaped segments, and writes need a configured token (the API is read-only without one).
"""

from __future__ import annotations

import hmac
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..settings import min_confidence
from ..store import Store

TEMPLATES = Path(__file__).with_name("templates")
PLOVER = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
          "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """Article text with evidence spans wrapped in <mark>; every piece of scraped text is escaped."""
    out, pos = [], 0
    for start, end, title in sorted(spans):
        if start < pos or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark title="{}">{}</mark>').format(title, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _names(ents: list[dict[str, Any]] | None) -> str:
    return "، ".join((e.get("name") or e.get("text") or "?") for e in ents or [])


def create_app(db_path: str, token: str | None = None) -> FastAPI:
    token = token if token is not None else os.environ.get("MARSAD_API_TOKEN") or None
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    env.filters["names"] = _names
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1)
    app = FastAPI(title="marsad", description="Arabic political events: articles, events, stories, actors.")
    min_conf = min_confidence()

    def store() -> Store:
        return Store(db_path)

    def render(request: Request, template: str, data: dict[str, Any], as_json: bool) -> Response:
        if as_json:
            return JSONResponse({k: v for k, v in data.items() if not isinstance(v, Markup)})
        html = env.get_template(template).render(data=data, request=request, types=PLOVER, q=request.query_params)
        return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'"})

    def both(path: str, template: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
        """Register one query under ``path`` (HTML) and ``path.json`` (JSON)."""
        def deco(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
            async def html_view(request: Request) -> Response:
                return render(request, template, fn(request), False)

            async def json_view(request: Request) -> Response:
                return render(request, template, fn(request), True)

            app.add_api_route(path, html_view, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
            app.add_api_route(path.rstrip("/") + ".json" if path != "/" else "/index.json", json_view, methods=["GET"])
            return fn
        return deco

    def conf(request: Request) -> float:
        try:
            return float(request.query_params.get("min_confidence", min_conf))
        except ValueError as e:
            raise HTTPException(400, "min_confidence must be a number") from e

    def limit(request: Request, default: int = 100) -> int:
        try:
            return max(1, min(int(request.query_params.get("limit", default)), 5000))
        except ValueError as e:
            raise HTTPException(400, "limit must be an integer") from e

    @both("/", "index.html")
    def index(request: Request) -> dict[str, Any]:
        with store() as st:
            counts = st.counts()
            stories = list(st.stories())
        # newest dated stories first; undated ones (no date in the text) after them
        dated = sorted((x for x in stories if x.get("date")), key=lambda x: x["date"], reverse=True)
        return {"counts": counts, "stories": (dated + [x for x in stories if not x.get("date")])[:25]}

    @both("/articles", "articles.html")
    def articles(request: Request) -> dict[str, Any]:
        with store() as st:
            rows = list(st.articles(limit=limit(request)))
        for r in rows:
            r["text"] = r["text"][:300]
        return {"articles": rows}

    def filters(request: Request) -> dict[str, str | None]:
        """The type/actor/since/until filters that events and stories share; empty fields mean no filter."""
        return {k: request.query_params.get(k) or None for k in ("type", "actor", "since", "until")}

    @both("/events", "events.html")
    def events(request: Request) -> dict[str, Any]:
        with store() as st:
            rows = list(st.events(**filters(request), min_confidence=conf(request), limit=limit(request, 500)))
        return {"events": rows}

    @both("/stories", "stories.html")
    def stories(request: Request) -> dict[str, Any]:
        with store() as st:
            rows = list(st.stories(**filters(request)))
        return {"stories": rows[: limit(request, 500)]}

    @both("/timeline", "stories.html")
    def timeline(request: Request) -> dict[str, Any]:
        names = [n for n in request.query_params.getlist("actor") if n]
        with store() as st:
            rows = list(st.timeline(names))
        return {"stories": rows, "actors": names}

    @both("/search", "search.html")
    def search(request: Request) -> dict[str, Any]:
        q = request.query_params.get("q", "")
        with store() as st:
            rows = list(st.search(q, limit=limit(request, 50))) if q.strip() else []
        for r in rows:
            r.pop("text", None)
        return {"query": q, "results": rows}

    @app.get("/network.json")
    def network(request: Request) -> dict[str, Any]:
        with store() as st:
            return st.network(min_confidence=conf(request), type=request.query_params.get("type") or None)

    def item(request: Request, ident: str, load: Callable[[Store, str], dict[str, Any] | None],
             template: str, what: str) -> Response:
        """One article or story by id, as HTML or (with .json) JSON, with its events."""
        as_json = ident.endswith(".json")
        ident = ident.removesuffix(".json")
        with store() as st:
            data = load(st, ident)
        if data is None:
            raise HTTPException(404, f"no such {what}")
        return render(request, template, data, as_json)

    def load_article(st: Store, aid: str) -> dict[str, Any] | None:
        rec = st.article(aid)
        if rec is None:
            return None
        evs = list(st.events(article_id=aid, min_confidence=0.0))
        spans = [(e["evidence"]["start"], e["evidence"]["end"], e["type"]) for e in evs
                 if e.get("evidence") and e["evidence"].get("field", "text") == "text"]
        return {"article": rec, "events": evs, "body": highlight(rec["text"], spans)}

    def load_story(st: Store, sid: str) -> dict[str, Any] | None:
        rec = st.story(sid)
        return None if rec is None else {"story": rec, "events": list(st.events(story_id=sid, min_confidence=0.0))}

    @app.get("/articles/{aid}")
    def article(aid: str, request: Request) -> Response:
        return item(request, aid, load_article, "article.html", "article")

    @app.get("/stories/{sid}")
    def story(sid: str, request: Request) -> Response:
        return item(request, sid, load_story, "story.html", "story")

    @app.post("/ingest")
    async def ingest(request: Request) -> dict[str, Any]:
        """Write access: JSONL records (url, html or text, published) in the body; needs the configured token."""
        if not token:
            raise HTTPException(403, "read-only: set MARSAD_API_TOKEN to enable ingest")
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "bad token")
        body = await request.body()
        from ..runner import ingest_paths

        with tempfile.TemporaryDirectory() as t:
            path = Path(t) / "upload.jsonl"
            path.write_bytes(body)
            report = ingest_paths([str(path)], db_path)
        return {"pages_read": report.pages_read, "articles_stored": report.articles_stored,
                "events": report.events, "failures": [f.reason for f in report.failures]}

    return app


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    uvicorn.run(create_app(db_path), host=host, port=port, log_level="info")
    return 0
