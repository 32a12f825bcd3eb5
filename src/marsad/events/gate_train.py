"""Train the precision gate (``make model-gate``): label the rules' own proposals right or wrong, fit one logistic
regression per type over e5 sentence vectors, write data/events/gate.npz.

  python -m marsad.events.gate_train --oeda CSV [CSV ...] [--real GOLD TEXTS_DIR] [--out PATH]

Examples, never from a test or blind part:
- OEDA detection sets, train split (``marsad.detection.split_of``): each sentence on which the rules fire its
  ``event_type`` (at any confidence), right when the crowd said ``yes``; every ``yes`` sentence too, so the gate
  sees the phrasing the rules miss as well.
- The real corpus's dev part: every event the rules code (any confidence), right when the scorer matches it to a
  gold event; every gold event's sentence is a positive of its type.
The L2 weight is chosen per type by 5-fold cross-validation (log loss) on those examples alone.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..settings import load_settings, section
from .gate import Gate, balanced_log_loss, fit_logistic, model_path

MIN_EACH = 8  # a type needs this many right and this many wrong examples to get a gate
L2_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
RECALL_TARGET = 0.9  # of right proposals kept, cross-validated; the rules lose some more before the gate


def oeda_examples(csvs: list[str]) -> list[tuple[str, str, int]]:
    from .. import detection

    fires = detection.pipeline_fires(0.0, {"gate": False})
    out = []
    for s in detection.load(csvs, "train"):
        if s.label not in ("yes", *detection.NEGATIVES):
            continue
        if s.label == "yes" or s.event_type in fires(s.text):
            out.append((s.text, s.event_type, int(s.label == "yes")))
    return out


def real_examples(gold_path: str, texts: str) -> list[tuple[str, str, int]]:
    from ..arabic import sentences
    from ..evaluate import load_jsonl, score_events
    from ..model import PLOVER_TYPES
    from ..runner import ingest_paths
    from ..store import Store

    gold = load_jsonl(gold_path)
    settings = Path(tempfile.mkdtemp()) / "nogate.toml"
    settings.write_text("[events]\ngate = false\n", encoding="utf-8")
    # the rules alone: this training script's own process reads a settings file with the gate off
    os.environ["MARSAD_SETTINGS"] = str(settings)
    load_settings.cache_clear()
    with tempfile.TemporaryDirectory() as t:
        ingest_paths(sorted(str(p) for p in Path(texts).glob("*.txt")), Path(t) / "g.db")
        with Store(Path(t) / "g.db") as st:
            events = list(st.events(min_confidence=0.0))
    outcomes: list[tuple[dict[str, Any], str]] = []
    score_events(gold, events, scored_types=set(PLOVER_TYPES), outcomes=outcomes)
    out = [((r.get("evidence") or {}).get("text") or "", r["type"], int(o == "tp")) for r, o in outcomes
           if o in ("tp", "fp")]
    for d in gold:
        text = (Path(texts) / d["doc"]).read_text(encoding="utf-8")
        spans = sentences(text)
        for ge in d["events"]:
            at = text.find(ge["evidence"])
            sent = next((text[s:e] for s, e in spans if s <= at < e), ge["evidence"]) if at >= 0 else ge["evidence"]
            out.append((sent, ge["type"], 1))
    return [x for x in out if x[0]]


def _cv_probs(X: np.ndarray, y: np.ndarray, l2: float, folds: int = 5) -> np.ndarray:
    idx = np.arange(len(y)) % folds
    p = np.zeros(len(y))
    for k in range(folds):
        w, b = fit_logistic(X[idx != k], y[idx != k], l2)
        p[idx == k] = 1 / (1 + np.exp(-(X[idx == k] @ w + b)))
    return p


def _threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The highest cut whose cross-validated recall reaches RECALL_TARGET: the gate vetoes as much as it can
    while keeping that share of right proposals."""
    for t in np.arange(0.5, 0.05, -0.025):
        if (p[y > 0.5] >= t).mean() >= RECALL_TARGET:
            return float(round(t, 3))
    return 0.05


def _vectors(texts: list[str], gate: Gate, cache: Path | None) -> dict[str, np.ndarray]:
    """e5 vectors of the texts, read from and added to ``cache`` (an .npz keyed by text) when given."""
    known: dict[str, np.ndarray] = {}
    if cache and cache.exists():
        z = np.load(cache, allow_pickle=False)
        known = dict(zip((str(t) for t in z["texts"]), z["vectors"], strict=True))
    todo = [t for t in texts if t not in known]
    if todo:
        known.update(zip(todo, gate.embed(todo), strict=True))
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, texts=np.array(list(known)), vectors=np.stack(list(known.values())))
    return known


def train(examples: list[tuple[str, str, int]], gate: Gate, cache: Path | None = None) -> Gate:
    texts = list(dict.fromkeys(t for t, _, _ in examples))
    vec = _vectors(texts, gate, cache)
    counts: dict[str, Counter] = {}
    for _, t, y in examples:
        counts.setdefault(t, Counter())[y] += 1
    meta: dict[str, Any] = {"trained": datetime.date.today().isoformat(), "types": {}}
    for etype, c in sorted(counts.items()):
        if c[1] < MIN_EACH or c[0] < MIN_EACH:
            continue
        rows = [(vec[t], y) for t, ty, y in examples if ty == etype]
        rng = np.random.default_rng(0)
        order = rng.permutation(len(rows))
        X = np.stack([rows[i][0] for i in order]).astype(np.float64)
        y = np.array([rows[i][1] for i in order], dtype=np.float64)
        probs = {a: _cv_probs(X, y, a) for a in L2_GRID}
        l2 = min(L2_GRID, key=lambda a: balanced_log_loss(probs[a], y))
        p = probs[l2]
        cut = _threshold(p, y)
        w, b = fit_logistic(X, y, l2)
        # shift the bias so that the cut reads as even odds: confidence is capped at 0.5 exactly there
        gate.weights[etype], gate.bias[etype] = w, b - float(np.log(cut / (1 - cut)))
        kept, vetoed = float((p[y > 0.5] >= cut).mean()), float((p[y < 0.5] < cut).mean())
        meta["types"][etype] = {"right": c[1], "wrong": c[0], "l2": l2, "cut": cut,
                                "cv_recall": round(kept, 3), "cv_wrong_vetoed": round(vetoed, 3)}
        print(f"{etype:<10} right {c[1]:>4} wrong {c[0]:>4} l2 {l2} cut {cut} "
              f"cv: keeps {kept:.3f} of right, vetoes {vetoed:.3f} of wrong")
    gate.meta = meta
    return gate


def _cached(path: Path | None, make: Any) -> list[tuple[str, str, int]]:
    if path and path.exists():
        return [tuple(x) for x in json.loads(path.read_text(encoding="utf-8"))]  # type: ignore[misc]
    out = make()
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--oeda", nargs="*", default=[])
    ap.add_argument("--real", nargs=2, metavar=("GOLD", "TEXTS"))
    ap.add_argument("--out", default=str(model_path()))
    ap.add_argument("--cache", help="a folder for the labelled examples and their vectors, reused when present")
    a = ap.parse_args()
    cache = Path(a.cache) if a.cache else None
    examples = _cached(cache / "oeda.json" if cache else None, lambda: oeda_examples(a.oeda)) if a.oeda else []
    if a.real:
        examples += _cached(cache / "real.json" if cache else None, lambda: real_examples(*a.real))
    gate = train(examples, Gate({}, {}, threads=section("events").get("gate_threads"),
                                encoder=section("events").get("gate_encoder")),
                 cache / "vectors.npz" if cache else None)
    gate.save(a.out)
    print(f"wrote {a.out}: gates for {', '.join(sorted(gate.types)) or 'no type'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
