"""Out-of-fold figures of the learned event detector on the real corpus's dev part.

5-fold cross-validation grouped by document: each fold's detector is trained on the other four fifths of the dev
documents plus the external sets (OEDA train split, GSR train split, the real training batch when given), with its
L2 weights and per-type thresholds chosen inside those training examples only; the events step runs with it on the
held-out fifth. The held-out events of all folds are scored together (marsad.evaluate) and printed beside the
detector-off events of the same pages. Dev only: it refuses any path under a ``blind`` folder.

  MARSAD_BUDGET_SECONDS=0 .venv/bin/python eval/real/crossval.py [--train GOLD TEXTS] [--cache /tmp/det-cache]
      [--details]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" if (HERE.parents[2] / "shared").exists() else Path("/work/shared")

from marsad.evaluate import event_record, load_jsonl, score_events  # noqa: E402
from marsad.events.detector import BETA, BETAS, L2_GRID, Detector, fold_of, train  # noqa: E402
from marsad.events.detector_train import gather, prepared_articles, real_examples, vector_cache  # noqa: E402
from marsad.events.gate import Gate  # noqa: E402
from marsad.model import PLOVER_TYPES, Article  # noqa: E402
from marsad.settings import min_confidence  # noqa: E402

FOLDS = 5
SWEEP_FLOOR = 0.3


def refuse_blind(*paths: Path) -> None:
    for p in paths:
        if "blind" in Path(p).resolve().parts:
            raise SystemExit(f"crossval.py: {p}: the blind part is never used (eval/real/README.md)")


def run_events(arts: list[Article], detector: Detector | None, steps: tuple[Any, Any]) -> list[dict[str, Any]]:
    """The events step (with ``detector``, or none) and the date-text step after it, on copies of the pages."""
    ev_step, date_step = steps
    ev_step.detector = detector
    out = []
    for a in arts:
        art = date_step.process(ev_step.process(copy.deepcopy(a)))
        out.extend(event_record(e, art) for e in art.events)
    return out


def _row(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<10} P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}  (tp {r['tp']} fp {r['fp']} "
            f"fn {r['fn']})")


def fold_detector(ex: list[Any], vc: Any, beta: float, cache: Path) -> Detector:
    """A fold's detector, trained once per set of examples and beta (saved in the cache folder)."""
    key = hashlib.sha1(json.dumps([[x.group, x.text, sorted(x.positive), sorted(x.scope or [])] for x in ex]
                                  + [beta, list(L2_GRID)], ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    f = cache / f"fold-{key}.npz"
    if f.exists():
        det = Detector.load(f)
        if det is not None:
            return det
    det = train(ex, vc, log=None, beta=beta)
    det.save(f)
    return det


def _shown(evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mc = min_confidence()
    return [e for e in evs if float(e.get("confidence") or 0) >= mc]


def sweep(gold: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    """Figures of the proposals kept by each threshold rule (each fold's own thresholds by F-beta, moved up by a
    margin), from one run at a low floor: which rule to train with, without rerunning the events step."""
    scored = set(PLOVER_TYPES)
    for beta in (str(b) for b in BETAS):
        for margin in (0.0, 0.05, 0.1, 0.15):
            keep = [e for e in after if (e.get("why") or {}).get("rule") != "detector" or
                    e["why"]["detector"] >= e["why"]["fold_thresholds"][e["type"]][beta] + margin]
            r = score_events(gold, _shown(keep), scored_types=scored)
            print(f"beta {beta} margin {margin:.2f}: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
                  f"core {r['core_recall']} (tp {r['tp']} fp {r['fp']})")


def calibration(gold: list[dict[str, Any]], after: list[dict[str, Any]], prior: float = 5.0) -> str:
    """Each type's share of right out-of-fold detector proposals (all confidences), shrunk toward the share over
    all types by ``prior`` pseudo-proposals: the confidence a proposal of that type deserves."""
    outcomes: list[tuple[dict[str, Any], str]] = []
    score_events(gold, after, scored_types=set(PLOVER_TYPES), outcomes=outcomes)
    rows = [(r["type"], o == "tp") for r, o in outcomes
            if o in ("tp", "fp") and (r.get("why") or {}).get("rule") == "detector"]
    overall = sum(ok for _, ok in rows) / max(1, len(rows))
    rates = {}
    for t in sorted({t for t, _ in rows}):
        n, k = sum(1 for x, _ in rows if x == t), sum(1 for x, ok in rows if x == t and ok)
        rates[t] = round((k + prior * overall) / (n + prior), 2)
        print(f"{t:<10} {k}/{n} right", file=sys.stderr)
    body = ", ".join(f"{t} = {v}" for t, v in rates.items())
    return f"detector_confidence = {{ {body} }}  # out-of-fold share right, overall {overall:.2f} ({len(rows)} proposals)"


def report(gold: list[dict[str, Any]], before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    scored = set(PLOVER_TYPES)
    res = [score_events(gold, _shown(evs), scored_types=scored, per_type=True) for evs in (before, after)]
    print(f"{'type':<10} {'detector off':<44} | out-of-fold detector on")
    for t in PLOVER_TYPES:
        a, b = (r["per_type"].get(t, {"tp": 0, "fp": 0, "fn": 0, "precision": 0, "recall": 0, "f1": 0}) for r in res)
        print(f"{_row(t, a):<55} | {_row('', b)[11:]}")
    for name, r in zip(("off", "on (oof)"), res, strict=True):
        print(f"ALL {name:<9} P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} core recall "
              f"{r['core_recall']} date acc {r['date_accuracy']} (tp {r['tp']} fp {r['fp']} fn {r['fn']})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=str(HERE / "gold.jsonl"))
    ap.add_argument("--texts", default=str(HERE / "texts"))
    ap.add_argument("--train", nargs=2, action="append", default=[], metavar=("GOLD", "TEXTS"),
                    help="a training-only batch of real pages (always in training, never scored)")
    ap.add_argument("--shared", default=str(SHARED))
    ap.add_argument("--no-external", action="store_true", help="leave the OEDA and GSR sets out")
    ap.add_argument("--cache", default="/tmp/det-cache")
    ap.add_argument("--beta", type=float, default=BETA, help="the F-beta each fold's thresholds are chosen by")
    ap.add_argument("--sweep", action="store_true", help="figures of several threshold rules from one run")
    ap.add_argument("--types", help="comma-separated types the detector may propose (default: every type)")
    ap.add_argument("--save", help="write the out-of-fold events (JSONL) for analysis")
    ap.add_argument("--calibrate", action="store_true",
                    help="print [events] detector_confidence: each type's share of right out-of-fold proposals")
    a = ap.parse_args()
    refuse_blind(Path(a.gold), Path(a.texts), *(Path(p) for t in a.train for p in t))
    cache = Path(a.cache)
    data = Path(a.shared) / "data" / "arabic_event_gsr"
    oeda = [] if a.no_external else [str(data / "assault_gsr.csv"), str(data / "protest_gsr.csv")]
    external, _ = gather([tuple(t) for t in a.train], oeda, None if a.no_external else str(data / "events.jsonl"),
                         cache)
    gold = load_jsonl(a.gold)
    docs = {d["doc"] for d in gold}
    arts = prepared_articles(sorted(str(p) for p in Path(a.texts).glob("*.txt") if p.name in docs), cache)
    dev, _ = real_examples(arts, gold, tag="dev")
    vc = vector_cache(cache)
    from marsad.runner import document_steps

    steps = tuple(document_steps(set())[-2:])
    emb = Gate({}, {}, encoder="numpy")  # every fold's detector reads the dev sentences' cached vectors
    emb._vectors.update(vc.get([x.text for x in dev]))
    before = [] if a.sweep else run_events(arts, None, steps)  # type: ignore[arg-type]
    after: list[dict[str, Any]] = []
    for k in range(FOLDS):
        held = {d for d in docs if fold_of(d) == k}
        ex = external + [x for x in dev if x.group.split(":", 1)[1] not in held]
        det = fold_detector(ex, vc, a.beta, cache)
        det.embedder = emb
        det.proposes = frozenset(a.types.split(",")) if a.types else None
        part = [x for x in arts if os.path.basename(x.source_path) in held]
        fold_thr = {t: m["thresholds_by_beta"] for t, m in det.meta["types"].items()}
        if a.sweep:
            det.thresholds = dict.fromkeys(det.types, SWEEP_FLOOR)
        evs = run_events(part, det, steps)  # type: ignore[arg-type]
        for e in evs:
            if (e.get("why") or {}).get("rule") == "detector":
                e["why"]["fold_thresholds"] = fold_thr
        after += evs
        print(f"fold {k}: {len(held)} documents held out; thresholds "
              f"{ {t: det.thresholds[t] for t in det.types} }", file=sys.stderr)
    if a.save:
        with open(a.save, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(e, ensure_ascii=False, default=str) + "\n" for e in after)
    if a.sweep:
        sweep(gold, after)
    else:
        report(gold, before, after)
    if a.calibrate:
        print(calibration(gold, after))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
