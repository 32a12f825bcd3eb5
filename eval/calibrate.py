"""Calibrate event confidence: label every coded event of the dev sets (seeds, news_dev, composed) as right or wrong
with the project scorer, fit a logistic model on the coder's confidence features, print reliability tables.

  .venv/bin/python eval/calibrate.py [--shared ../shared] [--write]   (--write stores the weights in settings.toml)
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path
from typing import Any

from events_dev import code_paths  # type: ignore[import-not-found]

from marsad.evaluate import load_jsonl, reliability, score_events
from marsad.events.coder import DEFAULT_WEIGHTS
from marsad.events.lexicon import load_lexicon
from marsad.model import PLOVER_TYPES
from marsad.settings import data_path

ROOT = Path(__file__).resolve().parents[1]
FEATURES = [k for k in DEFAULT_WEIGHTS if k != "bias"]


def features(rec: dict[str, Any], strength: dict[str, float]) -> dict[str, float]:
    """The coder's confidence features, read back from an event record."""
    ents = (rec.get("actors") or []) + (rec.get("recipients") or [])
    keys = {e.get("id") or e.get("country") or e.get("name") for e in ents}
    ev = rec.get("evidence") or {}
    resolved = sum(1 for e in ents if e.get("id"))
    return {
        "strength": strength.get(rec.get("trigger") or "", 0.7),
        "resolved": resolved / max(1, len(ents)), "two_resolved": 1.0 if resolved >= 2 else 0.0,
        "directional": 1.0 if rec.get("recipients") else 0.0, "dated": 1.0 if rec.get("date") else 0.0,
        "lead": 1.0 if ev.get("end") and ev.get("start", 0) < 400 else 0.0,
        "title": 1.0 if not ev.get("end") else 0.0, "merged": 0.0,
        "bad_status": 1.0 if rec.get("status") in ("negated", "hypothetical") else 0.0,
        "many": 1.0 if len(ents) >= 4 else 0.0, "alone": 1.0 if len(keys) < 2 else 0.0,
        "none": 1.0 if not ents else 0.0,
    }




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    sh = Path(a.shared)
    sets = [(sorted(str(p) for p in (sh / "seeds").glob("*.txt")), sh / "seeds" / "gold.jsonl", None),
            ([str(sh / "data" / "news_dev" / "txt"), str(sh / "data" / "news_dev" / "pages.jsonl")],
             sh / "data" / "news_dev" / "gold.jsonl", None),
            ([str(ROOT / "eval" / "composed")], ROOT / "eval" / "composed" / "gold.jsonl", set(PLOVER_TYPES))]
    strength = {t.id: t.strength for t in load_lexicon().triggers}
    rows: list[tuple[dict[str, float], int, float]] = []
    for paths, gold, types in sets:
        if not Path(gold).exists():
            continue
        outcomes: list[tuple[dict[str, Any], str]] = []
        score_events(load_jsonl(gold), code_paths(paths, 0.0), scored_types=types, outcomes=outcomes)
        rows.extend((features(r, strength), int(o == "tp"), float(r.get("confidence") or 0))
                    for r, o in outcomes if o != "ignored")
    print("before (current weights):")
    print("\n".join(reliability([(c, y) for _, y, c in rows])))
    from sklearn.linear_model import LogisticRegression

    X = [[f[k] for k in FEATURES] for f, _, _ in rows]
    y = [lab for _, lab, _ in rows]
    model = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
    w = {"bias": round(float(model.intercept_[0]), 3)}
    w.update({k: round(float(v), 3) for k, v in zip(FEATURES, model.coef_[0], strict=True)})
    fitted = [(1 / (1 + math.exp(-(w["bias"] + sum(w[k] * f[k] for k in FEATURES)))), lab) for f, lab, _ in rows]
    print("after (fitted, in-sample):")
    print("\n".join(reliability(fitted)))
    print("weights:", w)
    if a.write:
        p = data_path("settings.toml")
        text = p.read_text(encoding="utf-8")
        line = "confidence_weights = {" + ", ".join(f"{k} = {v}" for k, v in w.items()) + "}"
        if "confidence_weights" in text:
            text = re.sub(r"confidence_weights = \{[^}]*\}", line, text)
        else:
            text = text.replace("[events]\n", "[events]\n" + line + "  # eval/calibrate.py\n", 1)
        p.write_text(text, encoding="utf-8")
        print("written to", p)


if __name__ == "__main__":
    main()
