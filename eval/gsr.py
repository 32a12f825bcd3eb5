"""GSR benchmark for the event coder: type accuracy (PROTEST/ASSAULT) and source/target match on the Arabic event
GSR sentences (../shared/data/arabic_event_gsr/events.jsonl).

  .venv/bin/python eval/gsr.py [../shared/data/arabic_event_gsr/events.jsonl] [--details] [--limit N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from marsad.evaluate import score_gsr

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "arabic_event_gsr" / "events.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--limit", type=int)
    a = ap.parse_args()
    lines: list[str] = []
    res = score_gsr(a.path, limit=a.limit, details=lines if a.details else None)
    if a.details:
        print("\n".join(lines))
    print(json.dumps(res, ensure_ascii=False))
    print(f"GSR type accuracy {res['type_accuracy']}, source match {res['source_match']} (n={res['source_n']}), "
          f"target match {res['target_match']} (n={res['target_n']})")


if __name__ == "__main__":
    main()
