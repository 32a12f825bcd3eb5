"""JSON API and web UI, datasette-style: each view is one query whose result is rendered as HTML or, with a
``.json`` suffix, as JSON. Scraped text is untrusted: templates autoescape everything, evidence highlighting is
built from escaped segments, and writes need a configured token (the API is read-only without one).
"""

from __future__ import annotations

import hmac
import json
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..settings import min_confidence, section
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


# Headers on every response: no MIME sniffing, never framed (clickjacking), no referrer leaked to source sites.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
HTML_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
_BEARER = re.compile(r"Bearer ([!-~]+)")  # exactly "Bearer <token>": a bare token or another scheme is refused


def http_url(url: Any) -> str | None:
    """``url`` when it is an http(s) link, else None: a scraped javascript: or data: URL is never rendered."""
    return url if isinstance(url, str) and re.match(r"https?://", url.strip(), re.I) else None


def _names(ents: list[dict[str, Any]] | None) -> str:
    return "، ".join((e.get("name") or e.get("text") or "?") for e in ents or [])


def create_app(db_path: str, token: str | None = None) -> FastAPI:
    token = token if token is not None else os.environ.get("MARSAD_API_TOKEN") or None
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    env.filters["names"] = _names
    env.filters["http_url"] = http_url
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1)
    app = FastAPI(title="marsad", description="Arabic political events: articles, events, stories, actors.")
    min_conf = min_confidence()
    max_body = int(section("server").get("max_body_bytes", section("ingest").get("max_bytes", 10_000_000)))
    # POST /ingest runs here, one job at a time, off the event loop: the other requests are served meanwhile
    ingest_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marsad-ingest")
    jobs: dict[str, dict[str, Any]] = {}
    jobs_lock = threading.Lock()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response

    def store() -> Store:
        return Store(db_path)

    def render(request: Request, template: str, data: dict[str, Any], as_json: bool) -> Response:
        if as_json:
            return JSONResponse({k: v for k, v in data.items() if not isinstance(v, Markup)})
        html = env.get_template(template).render(data=data, request=request, types=PLOVER, q=request.query_params)
        return HTMLResponse(html, headers={"Content-Security-Policy": HTML_CSP})

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

    def run_job(job: str, path: Path, tmp: tempfile.TemporaryDirectory) -> None:
        from ..runner import ingest_paths

        with jobs_lock:
            jobs[job]["status"] = "running"
        try:
            report = ingest_paths([str(path)], db_path)
            result = {"status": "done", "pages_read": report.pages_read, "articles_stored": report.articles_stored,
                      "events": report.events, "failures": [f.reason for f in report.failures]}
        except Exception as e:  # noqa: BLE001 - reported through GET /jobs/{id}
            result = {"status": "failed", "error": f"{type(e).__name__}: {e}"}
        finally:
            tmp.cleanup()
        with jobs_lock:
            jobs[job].update(result)

    @app.post("/ingest", status_code=202)
    async def ingest(request: Request) -> dict[str, Any]:
        """Write access: JSONL records (url, html or text, published) in the body; needs the configured token.
        Answers at once with a job id; GET /jobs/{id} says how it went."""
        if not token:
            raise HTTPException(403, "read-only: set MARSAD_API_TOKEN to enable ingest")
        m = _BEARER.fullmatch(request.headers.get("authorization", ""))
        if m is None or not hmac.compare_digest(m.group(1).encode(), token.encode()):
            raise HTTPException(401, "bad token", headers={"WWW-Authenticate": "Bearer"})
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body:
            raise HTTPException(413, f"body over the limit of {max_body:,} bytes")
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "upload.jsonl"
        n = 0
        with open(path, "wb") as f:
            async for chunk in request.stream():  # counted as it arrives: a missing or lying length is no way past
                n += len(chunk)
                if n > max_body:
                    f.close()
                    tmp.cleanup()
                    raise HTTPException(413, f"body over the limit of {max_body:,} bytes")
                f.write(chunk)
        job = uuid.uuid4().hex[:16]
        with jobs_lock:
            jobs[job] = {"id": job, "status": "queued", "bytes": n}
        ingest_pool.submit(run_job, job, path, tmp)
        return {"id": job, "status": "queued", "url": f"/jobs/{job}"}

    @app.get("/jobs/{job}")
    def job_status(job: str) -> dict[str, Any]:
        with jobs_lock:
            rec = jobs.get(job)
            if rec is None:
                raise HTTPException(404, "no such job")
            return dict(rec)

    return app


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    uvicorn.run(create_app(db_path), host=host, port=port, log_level="info")
    return 0
