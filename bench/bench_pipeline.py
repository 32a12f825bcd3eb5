"""The whole pipeline with the default settings, per stage and end to end (issue 15).

    .venv/bin/python bench/bench_pipeline.py [--pages 100] [--sentences 200] [--quick | --full]

Suites: generated text pages and HTML pages (bench_ingest's generator), real-text variants (the real corpus's dev
texts, eval/real/texts, with their paragraphs rotated and a numbered line added, so every content hash differs while
the sentences are the real ones: the e5 and gate caches help as they do on wire copy), one-sentence pages (OEDA
sentences, ../shared/data/arabic_event_gsr, as JSONL records), each with NER e5 (the default) in one and two worker
processes, and the real-text variants with the CRF backend too (``--full``: every suite with both). Every run is a fresh subprocess, so its peak RSS (and its workers', RUSAGE_CHILDREN) is its own;
a 5-page warm-up in that process loads the models first, so the figures are throughput, not start-up.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

TARGETS = {"text": 150, "real": 100, "sentence": 200}  # pages/s, defaults, 2 workers (issue 15)


def real_variants(out: Path, n: int) -> int:
    texts = sorted((ROOT / "eval" / "real" / "texts").glob("*.txt"))
    if not texts:
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        src = texts[k % len(texts)].read_text(encoding="utf-8")
        head, _, body = src.partition("\n")
        paras = [p for p in body.split("\n") if p.strip()]
        r = (k // len(texts)) % max(1, len(paras))
        paras = paras[r:] + paras[:r] if r else paras
        (out / f"v{k:05d}.txt").write_text(f"{head}\n" + "\n".join(paras) + f"\n\nرقم النسخة {k}\n", encoding="utf-8")
    return n


def sentence_pages(out: Path, n: int, shared: Path) -> int:
    rows: list[str] = []
    for f in sorted((shared / "data" / "arabic_event_gsr").glob("*_gsr.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows += [r["text"] for r in csv.DictReader(fh) if len(r.get("text") or "") >= 40]
    if not rows:
        return 0
    random.Random(5).shuffle(rows)
    out.mkdir(parents=True, exist_ok=True)
    per_file = 25  # files are what workers share out: one JSONL file would run in one worker
    for f in range(0, min(n, len(rows)), per_file):
        with open(out / f"sentences{f // per_file:04d}.jsonl", "w", encoding="utf-8") as fh:
            for k in range(f, min(f + per_file, n, len(rows))):
                rec = {"url": f"https://oeda.example/{k}", "text": rows[k]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return min(n, len(rows))


_CHILD = r"""
import gc, json, resource, sys, time
from pathlib import Path
from marsad.runner import ingest_paths
args = json.loads(sys.argv[1])
tmp = Path(args["tmp"])
ingest_paths(args["warm"], tmp / "warm.db", ner_backend=args["ner"])  # models and lexicons loaded once
gc.collect()  # the warm-up's steps are gone before the run builds its own (they inflated the peak RSS)
def cpu():  # user + sys of this process and of its reaped workers
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
c0, t0 = cpu(), time.perf_counter()
rep = ingest_paths(args["paths"], tmp / "run.db", workers=args["workers"], ner_backend=args["ner"])
secs = time.perf_counter() - t0
cpu_s = cpu() - c0
mb = lambda who: resource.getrusage(who).ru_maxrss / 1024
def own_peak():  # VmHWM is this process's own: ru_maxrss keeps the peak of the process that started it (make bench)
    try:
        return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
    except (OSError, StopIteration):
        return mb(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "cpu_s": cpu_s, "pages": rep.pages_read, "articles": rep.articles_stored, "events": rep.events,
                  "failures": len(rep.failures), "stages": {s.name: s.seconds for s in rep.stats},
                  "rss_mb": own_peak(), "worker_rss_mb": mb(resource.RUSAGE_CHILDREN)}))
"""


def run_one(paths: list[str], warm: list[str], workers: int, ner: str, tmp: Path) -> dict[str, Any]:
    arg = json.dumps({"paths": paths, "warm": warm, "workers": workers, "ner": ner, "tmp": str(tmp)})
    res = subprocess.run([sys.executable, "-c", _CHILD, arg], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        return {"error": res.stderr.strip().splitlines()[-1] if res.stderr.strip() else f"rc {res.returncode}"}
    return json.loads(res.stdout.strip().splitlines()[-1])


def _stage_rates(r: dict[str, Any]) -> str:
    n = r["pages"] or 1
    return "  ".join(f"{k} {n / v:,.0f}/s" for k, v in r["stages"].items() if v > 0 and k not in ("seen",))


def main(pages: int = 100, n_sent: int = 200, quick: bool = False, shared: Path | None = None,
         full: bool = False, only: list[str] | None = None, workers: list[int] | None = None) -> dict[str, Any]:
    from bench_ingest import generate

    shared = shared or ROOT.parent / "shared"
    out: dict[str, Any] = {"runs": []}
    with tempfile.TemporaryDirectory(prefix="marsad-bench-pipe-") as t:
        root = Path(t)
        tdir, hdir = generate(root / "gen", pages, pages, seed=21)
        wdir, _ = generate(root / "warm", 5, 0, seed=22)
        suites = {"text": [str(tdir)], "html": [str(hdir)]}
        if real_variants(root / "real", pages):
            suites["real"] = [str(root / "real")]
        if sentence_pages(root / "sent", n_sent, shared):
            suites["sentence"] = [str(root / "sent")]
        if only:
            suites = {k: v for k, v in suites.items() if k in only}
        configs = [("e5", 1), ("e5", 2), ("crf", 1), ("crf", 2)]
        for suite, paths in suites.items():
            # the CRF backend on the real-text variants only (each run loads the models again), unless --full
            for ner, n_workers in configs if full or (suite == "real" and not quick) else configs[:2]:
                if workers and n_workers not in workers:
                    continue
                run = root / f"{suite}-{ner}-{n_workers}"
                run.mkdir()
                r = run_one(paths, [str(wdir)], n_workers, ner, run)
                r.update({"suite": suite, "ner": ner, "workers": n_workers})
                if "error" not in r:
                    r["pages_per_s"] = round(r["pages"] / r["seconds"], 1)
                out["runs"].append(r)
                _print_run(r)
    by = {(r["suite"], r["ner"], r["workers"]): r for r in out["runs"] if "error" not in r}
    out["scaling"] = {f"{s} {n}": round(by[(s, n, 2)]["pages_per_s"] / by[(s, n, 1)]["pages_per_s"], 2)
                      for s in suites for n in ("e5", "crf") if (s, n, 1) in by and (s, n, 2) in by}
    out["targets"] = {f"{s} e5 2 workers >= {v}/s": by[(s, "e5", 2)]["pages_per_s"] >= v
                      for s, v in TARGETS.items() if (s, "e5", 2) in by}
    out["targets"]["peak RSS per worker <= 500 MB"] = all(
        max(r["rss_mb"] if r["workers"] == 1 else r["worker_rss_mb"], 0) <= 500 for r in by.values())
    print("scaling (2 workers / 1):", json.dumps(out["scaling"]))
    print("targets:", json.dumps(out["targets"], ensure_ascii=False))
    return out


def _print_run(r: dict[str, Any]) -> None:
    label = f"{r['suite']:<9} ner {r['ner']:<3} workers {r['workers']}"
    if "error" in r:
        print(f"{label}: ERROR {r['error']}", flush=True)
        return
    rss = r["rss_mb"] if r["workers"] == 1 else r["worker_rss_mb"]
    print(f"{label}: {r['pages_per_s']:>7,.1f} pages/s ({r['pages']} pages, {r['events']} events, "
          f"{r['seconds']:.1f}s; {r['cpu_s']:.1f} CPU-s, {100 * r['cpu_s'] / max(1, r['pages']):.1f} per 100 pages)"
          f"  peak RSS {rss:.0f} MB{' per worker' if r['workers'] > 1 else ''}\n"
          f"    stages: {_stage_rates(r)}", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="the e5 runs only")
    ap.add_argument("--full", action="store_true", help="both backends on every suite")
    ap.add_argument("--shared", type=Path)
    ap.add_argument("--suites", nargs="*", help="text, html, real, sentence (default: all)")
    ap.add_argument("--workers", nargs="*", type=int, help="worker counts to run (default: 1 and 2)")
    a = ap.parse_args()
    main(a.pages, a.sentences, a.quick, a.shared, a.full, a.suites, a.workers)
