"""`make eval`: every quality figure against gold, checked against the floors pinned in eval/floors.json.

As trafilatura does with its evaluation set: the figures are code, the floors are data, and CI fails when a figure
drops below its floor (tests/test_quality_gate.py runs the same suites). Raise a floor when a change improves it.

  python eval/run.py [--shared ../shared] [--only seeds,news_dev,composed,blind2,heldout,real,real_blind,stories,
                      detect,gsr,ner]
                     [--details]

Every event suite prints a per-type P/R/F1 table and its headline figures. The real corpus's blind part
(eval/real/blind) prints its summary line only, never per-event details, and has no floor: it is the judge of the
coder, not a tuning target (eval/real/BLIND_LOG.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLOORS = HERE / "floors.json"


def _ingest_and_dump(inputs: list[Path], tmp: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from marsad.runner import ingest_paths
    from marsad.store import Store

    db = tmp / "eval.db"
    ingest_paths([str(p) for p in inputs], db)
    with Store(db) as st:
        arts = list(st.articles())
        evs = list(st.events(min_confidence=0.0))
    return arts, evs


def _shown(evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events `marsad events` shows by default: at or above [events] min_confidence."""
    from marsad.settings import min_confidence

    mc = min_confidence()
    return [e for e in evs if float(e.get("confidence") or 0) >= mc]


def reliability_rows(gold: list[dict[str, Any]], evs: list[dict[str, Any]], scored_types: set[str] | None
                     ) -> list[str]:
    """The reliability table of all coded events (any confidence) against gold."""
    from marsad.evaluate import reliability, score_events

    outcomes: list[tuple[dict[str, Any], str]] = []
    score_events(gold, evs, scored_types=scored_types, outcomes=outcomes)
    return reliability([(float(r.get("confidence") or 0), int(o == "tp")) for r, o in outcomes if o in ("tp", "fp")],
                       bins=10)


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _score_articles(gold: list[dict[str, Any]], arts: list[dict[str, Any]]) -> dict[str, Any]:
    """Article checks as ../shared/tools/score.py counts them (must include/exclude, title, published)."""
    import os

    from marsad.arabic import normalize

    def norm(s: str | None) -> str:  # the scorer's comparison form: normalised, punctuation as spaces
        return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in normalize(s or "")).split())

    by: dict[str, list[dict[str, Any]]] = {}
    for a in arts:
        by.setdefault(os.path.basename(a.get("source_path") or ""), []).append(a)
        if a.get("url"):
            by.setdefault("url:" + a["url"], []).append(a)
    checks = passed = 0
    for d in gold:
        docs = by.get("url:" + d["url"]) if d.get("url") and "url:" + d["url"] in by else by.get(d["doc"], [])
        texts = [norm(a.get("text")) for a in docs]
        for ga in d.get("articles", []):
            for s in ga.get("must_include", []):
                checks += 1
                passed += any(norm(s) in t for t in texts)
            for s in ga.get("must_exclude", []):
                checks += 1
                passed += not any(norm(s) in t for t in texts)
            if ga.get("title"):
                checks += 1
                gt = norm(ga["title"])
                passed += any(norm(a.get("title")) and (norm(a.get("title")) == gt or gt in norm(a.get("title")))
                              for a in docs)
            checks += 1
            want = [ga.get("published")] + list(ga.get("published_alt") or [])
            passed += any((a.get("published") or None) in want for a in docs)
    return {"checks": checks, "passed": passed, "fraction": round(passed / checks, 3) if checks else 0.0}


def suite_events(name: str, inputs: list[Path], gold_path: Path, details: bool = False,
                 scored_types: set[str] | None = None, cooperative_too: bool = False,
                 show_reliability: bool = False) -> dict[str, Any]:
    """Event figures of one suite; ``cooperative_too`` adds the five cooperative types' P/R/F1 as ``coop_*``."""
    from marsad.evaluate import SCORED, score_events

    with tempfile.TemporaryDirectory() as t:
        arts, all_evs = _ingest_and_dump(inputs, Path(t))
    evs = _shown(all_evs)
    gold = _load(gold_path)
    lines: list[str] = []
    res = dict(score_events(gold, evs, details=lines, scored_types=scored_types, per_type=True))
    if show_reliability:
        print(f"--- {name}: reliability\n" + "\n".join(reliability_rows(gold, all_evs, scored_types)))
    if details:
        print(f"--- {name}\n" + "\n".join(lines))
    if cooperative_too:
        coop = score_events(gold, evs, scored_types=set(SCORED))
        res.update({f"coop_{k}": coop[k] for k in ("precision", "recall", "f1")})
        # every stored event, below the display default too (the recall view: `marsad events --min-confidence 0`)
        every = score_events(gold, all_evs, scored_types=scored_types)
        res.update({f"all_{k}": every[k] for k in ("precision", "recall", "f1")})
    if any(g.get("articles") for g in gold):
        res.update({f"article_{k}": v for k, v in _score_articles(gold, arts).items()})
    return {f"{name}_{k}": v for k, v in res.items()}


def suite_real(real: Path, details: bool, want: Any) -> dict[str, Any]:
    """The real corpus (eval/real): its dev part, gated by floors, and its blind part, summary only."""
    from marsad.model import PLOVER_TYPES

    figures: dict[str, Any] = {}
    if want("real") and (real / "gold.jsonl").exists():
        docs = {r["doc"] for r in _load(real / "gold.jsonl")}  # texts still being annotated have no gold line yet
        figures.update(suite_events("real", sorted(p for p in (real / "texts").glob("*.txt") if p.name in docs),
                                    real / "gold.jsonl", details,
                                    scored_types=set(PLOVER_TYPES), cooperative_too=True, show_reliability=True))
    blind = real / "blind"
    if want("real_blind") and (blind / "gold.jsonl").exists():
        res = suite_events("real_blind", sorted((blind / "texts").glob("*.txt")), blind / "gold.jsonl", False,
                           scored_types=set(PLOVER_TYPES), cooperative_too=True)
        res.pop("real_blind_per_type", None)  # the protocol: the blind part shows its summary only
        figures.update(res)
    return figures


def suite_stories(folder: Path, details: bool) -> dict[str, Any]:
    """The story benchmark (eval/stories): B-cubed and pairwise F1 of predicted stories against gold stories,
    merges of different stories more than 30 days apart and confusable pairs joined (both must stay 0)."""
    from marsad.story_eval import evaluate, report

    keep = ("bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_precision", "pairwise_recall",
            "pairwise_f1", "matched_bcubed_f1", "far_merges", "confusables_joined", "matched_events", "gold_events")
    figures: dict[str, Any] = {}
    # as the system finds dates itself (the gate), then with the pages' recorded publication dates fed as a
    # crawler's JSONL carries them (what known dates give; far merges and confusables are gated on both)
    for prefix, fed in (("stories", False), ("stories_fed", True)):
        lines: list[str] = []
        res = evaluate(folder, details=lines if details else None, published=fed)
        print(f"--- {prefix}\n" + ("\n".join(lines) + "\n" if details else "") + report(res))
        figures.update({f"{prefix}_{k}": res[k] for k in keep})
    return figures


def suite_detect(shared: Path) -> dict[str, Any]:
    """OEDA sentence detection, test split: recall, FP rate on 'easy no', F1 per type."""
    from marsad import detection

    csvs = sorted((shared / "data" / "arabic_event_gsr").glob("*_gsr.csv"))
    if not csvs:
        return {}
    res = detection.score(detection.load(csvs, "test"), detection.pipeline_fires())
    return {f"detect_{t}_{k}": v for t, r in res.items() for k, v in r.items()
            if k in ("recall", "fp_rate_easy_no", "precision", "f1")}


def run(shared: Path | None, only: set[str] | None = None, details: bool = False) -> dict[str, Any]:
    figures: dict[str, Any] = {}

    def want(suite: str) -> bool:
        return only is None or suite in only

    composed = ROOT / "eval" / "composed"
    if want("composed") and (composed / "gold.jsonl").exists():
        figures.update(suite_events("composed", sorted(composed.glob("*.txt")), composed / "gold.jsonl", details))
    # blind set written before tuning, stressing known weak spots; REQUEST is scored too (one of them)
    blind2 = ROOT / "eval" / "blind2"
    if want("blind2") and (blind2 / "gold.jsonl").exists():
        from marsad.evaluate import SCORED

        figures.update(suite_events("blind2", sorted(blind2.glob("*.txt")), blind2 / "gold.jsonl", details,
                                    scored_types=set(SCORED) | {"REQUEST"}))
    # held-out pages in the layouts of outlets the heuristics were not built on (text, cp1256 HTML, scraper JSONL)
    heldout = ROOT / "eval" / "heldout"
    if want("heldout") and (heldout / "gold.jsonl").exists():
        pages = [p for p in sorted(heldout.iterdir()) if p.name != "gold.jsonl" and p.suffix in (".txt", ".html", ".jsonl")]
        figures.update(suite_events("heldout", pages, heldout / "gold.jsonl", details))
    figures.update(suite_real(ROOT / "eval" / "real", details, want))
    stories = ROOT / "eval" / "stories"
    if want("stories") and any(stories.glob("gold_*.jsonl")):
        figures.update(suite_stories(stories, details))
    if shared and want("detect") and (shared / "data" / "arabic_event_gsr").is_dir():
        figures.update(suite_detect(shared))
    if shared and (shared / "seeds").is_dir():
        if want("seeds"):
            figures.update(suite_events("seeds", sorted((shared / "seeds").glob("*.txt")),
                                        shared / "seeds" / "gold.jsonl", details))
        nd = shared / "data" / "news_dev"
        if want("news_dev") and nd.is_dir():
            figures.update(suite_events("news_dev", [nd / "txt", nd / "pages.jsonl"], nd / "gold.jsonl", details))
        gsr = shared / "data" / "arabic_event_gsr" / "events.jsonl"
        if want("gsr") and gsr.exists():
            from marsad.evaluate import score_gsr

            figures.update({f"gsr_{k}": v for k, v in score_gsr(str(gsr)).items()})
        conll = shared / "data" / "anercorp" / "test.txt"
        if want("ner") and conll.exists():
            from marsad.entities.ner import BACKENDS
            from marsad.entities.ner_eval import evaluate_conll
            from marsad.settings import section

            for backend in BACKENDS:
                res = evaluate_conll(str(conll), backend=backend)
                figures[f"ner_{backend}_micro_f1"] = res["micro"]["f1"]
                figures[f"ner_{backend}_sentences_per_s"] = res.get("sentences_per_s")
            # the backend the pipeline and `marsad eval ner` use unless told otherwise
            default = section("entities").get("ner_backend", "crf")
            figures["ner_micro_f1"] = figures[f"ner_{default}_micro_f1"]
    return figures


def check(figures: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """Figures below their floor, or above their ceiling (the "ceilings" entry: counts that must stay low, such
    as ticker false positives). A missing figure is not a failure: its suite may be skipped."""
    bad = []
    for key, floor in floors.items():
        val = figures.get(key)
        if key == "ceilings" and isinstance(floor, dict):
            for ckey, ceiling in floor.items():
                cval = figures.get(ckey)
                if isinstance(cval, (int, float)) and cval > ceiling + 1e-9:
                    bad.append(f"{ckey}: {cval} > ceiling {ceiling}")
        elif isinstance(val, (int, float)) and isinstance(floor, (int, float)) and val + 1e-9 < floor:
            bad.append(f"{key}: {val} < floor {floor}")
    return bad


def per_type_table(suite: str, table: dict[str, dict[str, Any]]) -> str:
    rows = [f"--- {suite}: per type", f"{'type':<10} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for t, c in table.items():
        rows.append(f"{t:<10} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {c['precision']:>6.3f} {c['recall']:>6.3f} "
                    f"{c['f1']:>6.3f}")
    return "\n".join(rows)


def headline(suite: str, f: dict[str, Any]) -> str:
    """One line a suite is known by: P/R/F1 (all its scored types), cooperative F1, core recall, date accuracy."""
    line = (f"{suite}: F1 {f[suite + '_f1']} (P {f[suite + '_precision']} R {f[suite + '_recall']})")
    if f.get(suite + "_coop_f1") is not None:
        line += f", cooperative F1 {f[suite + '_coop_f1']}"
    line += f", core recall {f.get(suite + '_core_recall')}, date accuracy {f.get(suite + '_date_accuracy')}"
    if suite + "_all_f1" in f:
        line += (f"; every stored event: F1 {f[suite + '_all_f1']} (P {f[suite + '_all_precision']} "
                 f"R {f[suite + '_all_recall']})")
    return line


def main() -> int:
    # quality, not load: a busy machine must not skip documents for the per-document time budget
    os.environ.setdefault("MARSAD_BUDGET_SECONDS", "0")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--only", help="comma-separated suites: composed,blind2,heldout,seeds,news_dev,real,real_blind,"
                                     "stories,detect,gsr,ner")
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args()
    shared = Path(a.shared) if Path(a.shared).is_dir() else None
    figures = run(shared, set(a.only.split(",")) if a.only else None, a.details)
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    tables = {k[: -len("_per_type")]: figures.pop(k) for k in list(figures) if k.endswith("_per_type")}
    for suite, table in tables.items():
        print(per_type_table(suite, table))
    width = max((len(k) for k in figures), default=10)
    for k, v in figures.items():
        fl = floors.get(k)
        print(f"{k:<{width}}  {v}" + (f"   (floor {fl})" if fl is not None else ""))
    for suite in dict.fromkeys([*tables, "real_blind"]):
        if f"{suite}_f1" in figures:
            print(headline(suite, figures))
    bad = check(figures, floors)
    for b in bad:
        print("REGRESSION " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
