"""Code events for pages (files/folders as `marsad ingest` takes them) and score them against a gold file.

Runs the full pipeline (marsad.runner.ingest_paths into a temporary database) and reads the events back as the
`marsad events --format jsonl` records, filtered by the [events] min_confidence like the CLI.

  .venv/bin/python eval/events_dev.py --gold ../shared/data/news_dev/gold.jsonl ../shared/data/news_dev/txt \
      ../shared/data/news_dev/pages.jsonl [--details] [--all-types]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from marsad.evaluate import load_jsonl, print_events_report, score_events
from marsad.model import PLOVER_TYPES
from marsad.settings import min_confidence as default_min_confidence


def code_paths(paths: list[str], min_confidence: float | None = None) -> list[dict[str, Any]]:
    from marsad.runner import ingest_paths
    from marsad.store.sqlite import Store

    mc = default_min_confidence() if min_confidence is None else min_confidence
    files = [str(p) for p in paths if not str(p).endswith("gold.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "eval.db")
        ingest_paths([f for f in _expand(files)], db)
        with Store(db) as st:
            return list(st.events(min_confidence=mc))


def _expand(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        pp = Path(p)
        out.extend(str(f) for f in sorted(pp.rglob("*")) if f.is_file() and f.name != "gold.jsonl") if pp.is_dir() \
            else out.append(p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--gold", required=True)
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--all-types", action="store_true", help="score all 16 PLOVER types (composed set)")
    ap.add_argument("--min-confidence", type=float)
    ap.add_argument("--out")
    a = ap.parse_args()
    recs = code_paths(a.paths, a.min_confidence)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    lines: list[str] = []
    res = score_events(load_jsonl(a.gold), recs, lines, per_type=True,
                       scored_types=set(PLOVER_TYPES) if a.all_types else None)
    if a.details:
        print("\n".join(lines))
    print(json.dumps(res, ensure_ascii=False))
    print(print_events_report(res))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
