"""Write access: ``POST /ingest`` (JSONL in the body, the configured token required) runs as a job in a worker
thread, one at a time, so the server goes on answering meanwhile; ``GET /jobs/{id}`` says how it went."""

from __future__ import annotations

import hmac
import re
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request

_BEARER = re.compile(r"Bearer ([!-~]+)")  # exactly "Bearer <token>": a bare token or another scheme is refused


def add_ingest_routes(app: FastAPI, db_path: str, token: str | None, max_body: int) -> None:
    ingest_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marsad-ingest")
    jobs: dict[str, dict[str, Any]] = {}
    jobs_lock = threading.Lock()

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
