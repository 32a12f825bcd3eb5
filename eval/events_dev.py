"""Code events for a folder of .txt pages (+ optional pages.jsonl) and score them against a gold file.

Uses the full pipeline (marsad.runner) when it is there; otherwise a light harness: text as read, publication
stamp from a "نشر في ... يوم dd - mm - yyyy" line, the dates/entities stages if importable.

  .venv/bin/python eval/events_dev.py --gold ../shared/data/news_dev/gold.jsonl ../shared/data/news_dev/txt [--details]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from marsad.arabic import sentences
from marsad.evaluate import event_record, load_jsonl, print_events_report, score_events
from marsad.events import EventStep
from marsad.model import Article

_STAMP = re.compile(r"نشر في .{0,40}?يوم\s*(\d{1,2})\s*-\s*(\d{1,2})\s*-\s*(\d{4})")


def light_articles(paths: list[str]) -> list[Article]:
    files: list[Path] = []
    for p in paths:
        pp = Path(p)
        files.extend(sorted(pp.rglob("*.txt")) if pp.is_dir() else [pp])
    arts = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        lines = raw.split("\n")
        title, body = None, raw
        published = None
        m = _STAMP.search(raw)
        if m:
            published = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        if len(lines) > 2 and len(lines[0]) < 160 and not lines[0].rstrip().endswith((".", ":")):
            title, body = lines[0].strip(), "\n".join(lines[1:])
        arts.append(Article(id=f.name, source_path=str(f.resolve()), text=body, title=title, published=published))
    return arts


def annotate(arts: list[Article]) -> None:
    try:
        from marsad.dates import DateStep  # type: ignore[attr-defined]
        dstep: Any = DateStep()
    except Exception:
        dstep = None
    try:
        from marsad.entities.resolve import EntityStep  # type: ignore[import-not-found]
        estep: Any = EntityStep()
    except Exception:
        estep = None
    for a in arts:
        a.sentences = sentences(a.text)
        if dstep is not None:
            dstep.process(a)
        if estep is not None:
            estep.process(a)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--gold")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--min-confidence", type=float, default=0.0)
    a = ap.parse_args()
    arts = light_articles(a.paths)
    annotate(arts)
    step = EventStep()
    recs = []
    for art in arts:
        step.process(art)
        recs.extend(event_record(e, art) for e in art.events if e.confidence >= a.min_confidence)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if a.gold:
        lines: list[str] = []
        res = score_events(load_jsonl(a.gold), recs, lines, per_type=True)
        if a.details:
            print("\n".join(lines))
        print(json.dumps(res, ensure_ascii=False))
        print(print_events_report(res))
    else:
        for r in recs:
            print(json.dumps(r, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
