"""Error analysis of the event coder on the real corpus's dev part: per type, how many misses and false events
come from *detection* (no event of that type where gold has one, or one where gold has none) and how many from
*participants* (the type is right in the same sentence, the actors or recipients are not).

Dev only: it refuses any path under a ``blind`` folder (eval/real/README.md, the blind protocol).

  .venv/bin/python eval/real/errors.py [--gold eval/real/gold.jsonl] [--texts eval/real/texts] [--type ASSAULT]
      [--details] [--save events.jsonl | --load events.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # eval/run.py's ingest helpers

from run import _ingest_and_dump, _load, _shown  # noqa: E402

from marsad.arabic import normalize  # noqa: E402
from marsad.evaluate import _for_doc, group_by_doc, participants_match, score_events, type_matches  # noqa: E402
from marsad.model import PLOVER_TYPES  # noqa: E402


def refuse_blind(*paths: Path) -> None:
    for p in paths:
        if "blind" in p.resolve().parts:
            raise SystemExit(f"errors.py: {p}: the blind part is never analysed (eval/real/README.md)")


def _words(s: str) -> set[str]:
    return set(normalize(s).split())


def same_sentence(sys_ev: dict[str, Any], gold_ev: dict[str, Any]) -> bool:
    """The system event's evidence sentence holds most of the gold evidence (or the other way round)."""
    sw, gw = _words((sys_ev.get("evidence") or {}).get("text") or ""), _words(gold_ev.get("evidence") or "")
    return bool(sw and gw) and len(sw & gw) >= 0.6 * min(len(sw), len(gw))


def classify(gold: list[dict[str, Any]], evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per error: kind (FP | FN), cause (detection | participants), type, doc, names, evidence.

    The matching is the scorer's (marsad.evaluate.score_events, greedy, first gold event that fits); a false event
    whose type is right in a gold event of the same sentence is a participant error, and so is the gold event it
    missed; everything else is detection."""
    scored = set(PLOVER_TYPES)
    by_doc = group_by_doc(evs)
    rows: list[dict[str, Any]] = []
    for d in gold:
        sys_evs = [e for e in _for_doc(by_doc, d) if e.get("type") in scored]
        gold_evs = [g for g in d["events"] if g["type"] in scored]
        matched: set[int] = set()
        fps = []
        for se in sys_evs:
            hit = next((gi for gi, g in enumerate(gold_evs)
                        if gi not in matched and type_matches(se, g) and participants_match(se, g)), None)
            if hit is None:
                if not any(type_matches(se, g) and participants_match(se, g) and not g.get("scored", True)
                           for g in gold_evs):
                    fps.append(se)
            else:
                matched.add(hit)
        fns = [g for gi, g in enumerate(gold_evs) if gi not in matched and g.get("scored", True)]
        for se in fps:
            near = any(type_matches(se, g) and same_sentence(se, g) for g in fns)
            names = [a.get("text") if isinstance(a, dict) else a
                     for a in (se.get("actors") or []) + ["->"] + (se.get("recipients") or [])]
            rows.append({"kind": "FP", "cause": "participants" if near else "detection", "type": se.get("type"),
                         "doc": d["doc"], "names": names, "rules": (se.get("why") or {}).get("rules"),
                         "evidence": (se.get("evidence") or {}).get("text") or ""})
        for g in fns:
            near = any(type_matches(se, g) and same_sentence(se, g) for se in fps)
            rows.append({"kind": "FN", "cause": "participants" if near else "detection", "type": g["type"],
                         "doc": d["doc"], "names": [x[0] for x in g["actors"]] + ["->"] + [x[0] for x in g["recipients"]],
                         "evidence": g.get("evidence") or ""})
    return rows


def table(res: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    c = Counter((r["type"], r["kind"], r["cause"]) for r in rows)
    out = [f"{'type':10} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6} | FP det/part | FN det/part"]
    for t, v in sorted(res["per_type"].items()):
        out.append(f"{t:10} {v['tp']:4} {v['fp']:4} {v['fn']:4} {v['precision']:6.3f} {v['recall']:6.3f} "
                   f"{v['f1']:6.3f} | {c[t, 'FP', 'detection']:4} {c[t, 'FP', 'participants']:4}   "
                   f"| {c[t, 'FN', 'detection']:4} {c[t, 'FN', 'participants']:4}")
    out.append(f"all: P {res['precision']} R {res['recall']} F1 {res['f1']} core recall {res['core_recall']} "
               f"date accuracy {res['date_accuracy']}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=HERE / "gold.jsonl")
    ap.add_argument("--texts", type=Path, default=HERE / "texts")
    ap.add_argument("--type", action="append", help="list the errors of this type (repeatable)")
    ap.add_argument("--details", action="store_true", help="list every error")
    ap.add_argument("--save", type=Path, help="write the coded events here (JSONL)")
    ap.add_argument("--load", type=Path, help="analyse events saved by --save instead of running the pipeline")
    a = ap.parse_args()
    refuse_blind(a.gold, a.texts, *(p for p in (a.save, a.load) if p))
    gold = _load(a.gold)
    if a.load:
        evs = _load(a.load)
    else:
        docs = {r["doc"] for r in gold}
        with tempfile.TemporaryDirectory() as t:
            _, evs = _ingest_and_dump(sorted(p for p in a.texts.glob("*.txt") if p.name in docs), Path(t))
        evs = _shown(evs)
    if a.save:
        a.save.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in evs), encoding="utf-8")
    res = score_events(gold, evs, scored_types=set(PLOVER_TYPES), per_type=True)
    rows = classify(gold, evs)
    print("\n".join(table(res, rows)))
    for r in rows:
        if a.details or (a.type and r["type"] in a.type):
            print(f"{r['kind']} {r['cause'][:4]} {r['type']} {r['doc']}: {r['names']} {r.get('rules') or ''}"
                  f"\n      | {r['evidence'][:160]}")


if __name__ == "__main__":
    main()
