"""Why the matched events of one gold story do not share a predicted story (issue 12).

    .venv/bin/python bench/stories_why.py out/stories-db [--published] [--show N]

The story benchmark's texts are ingested once into ``DIR/stories.db`` (kept: a second run re-clusters the stored
events with the current merge code, in seconds); then, for every gold story, each pair of its matched system events
that the clustering keeps apart is tested against every condition ``merge.stories`` applies, and the first that
refuses it is counted (family, participants, same article, status, mode, time, place; "greedy" when every pairwise
condition holds and the single-pass clustering still split them). Prints B-cubed figures, the ceilings of a perfect
merge (of the matched events a window places; of every matched event) and the refusal counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from marsad import story_eval  # noqa: E402
from marsad.merge import stories as ms  # noqa: E402
from marsad.settings import section  # noqa: E402


def records(folder: Path, published: bool) -> list[dict[str, Any]]:
    """The benchmark's system events as merge records (with ``_doc``), ingesting the texts first when needed."""
    from marsad.store import Store

    bench = story_eval.load(ROOT / "eval" / "stories")
    db = folder / "stories.db"
    docs = folder / "docs.json"
    if not db.exists():
        folder.mkdir(parents=True, exist_ok=True)
        evs = story_eval._ingest(bench, folder, None, published)
        docs.write_text(json.dumps({e["id"]: e["_doc"] for e in evs}), encoding="utf-8")
    doc_of = json.loads(docs.read_text(encoding="utf-8"))
    with Store(db) as st:
        recs = st.all_events_for_merge()
    for r in recs:
        r["_doc"] = doc_of.get(r["id"], "")
    return recs


def refusal(a: dict[str, Any], b: dict[str, Any], gap: int, lag: int, future: int) -> str:
    """The first condition of ``merge.stories`` that keeps two events apart ("greedy": none does)."""
    ia = ms._Item(a, ms.event_window(a, lag, future), ms._root(a))
    ib = ms._Item(b, ms.event_window(b, lag, future), ms._root(b))
    if ms.family(a) != ms.family(b):
        return f"family {ms.family(a)}/{ms.family(b)}"
    if not ms.participants_compatible(a, b):
        return "participants"
    if ms._article(ia) is not None and ms._article(ia) == ms._article(ib):
        return "same article"
    if (a.get("status") == "future") != (b.get("status") == "future"):
        return "status future/occurred"
    if not ms.modes_compatible(a, b):
        return f"mode {a.get('mode')}/{b.get('mode')}"
    if not ms.times_compatible(ia, ib, gap):
        wa, wb = ms._placed(ia.window), ms._placed(ib.window)
        if wa is None or wb is None:
            return "time: unknown window"
        return "time: windows apart"
    if not ms.places_compatible(a, b):
        return "place"
    return "greedy"


def _names(ev: dict[str, Any]) -> str:
    return ",".join(e.get("id") or e.get("name") or e.get("text") or "?" for e in ms._participants(ev))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--published", action="store_true", help="feed the recorded publication dates (first ingest)")
    ap.add_argument("--show", type=int, default=0, help="print up to N refused pairs per reason")
    args = ap.parse_args()
    cfg = section("stories")
    gap, lag, fut = cfg.get("max_day_gap", 3), cfg.get("report_lag_days", 3), cfg.get("future_days", 30)
    recs = records(args.folder, args.published)
    from marsad.entities.kb import ActorKB

    ms.mark_affiliations(recs, ms.kb_affiliations(ActorKB.load()))  # as the runner's merge sees them
    _stories, assignment = ms.build_stories(recs, gap, lag, fut)
    for r in recs:
        r["story_id"] = assignment.get(r["id"])
    bench = story_eval.load(ROOT / "eval" / "stories")
    rows = story_eval.match(bench["gold"], recs)
    by_id = {r["id"]: r for r in recs}
    res = story_eval.bcubed(rows)
    matched = [r for r in rows if r["event"] is not None]
    print(f"B-cubed {res}  matched-only {story_eval.bcubed(matched)}  far {len(story_eval.far_merges(rows))}  "
          f"confusables joined {len(story_eval.confusables_apart(rows, bench['confusables']))}")
    # what a perfect merge would reach: of the matched events a window places (the strict rule's ceiling with
    # today's dates), and of every matched event (what the events stage allows)
    def ceiling(keep: Any) -> dict[str, float]:
        return story_eval.bcubed([{**r, "pred": "gold:" + r["story"] if r["event"] and keep(by_id[r["event"]])
                                   else f"alone:{i}"} for i, r in enumerate(rows)])

    placed = ceiling(lambda ev: ms._placed(ms.event_window(ev, lag, fut)) is not None)
    print(f"ceilings: perfect merge of placed matched events {placed}; of all matched events "
          f"{ceiling(lambda ev: True)}")
    why: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    by_story: dict[str, list[dict[str, Any]]] = {}
    for r in matched:
        by_story.setdefault(r["story"], []).append(r)
    for story, group in sorted(by_story.items()):
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if x["pred"] == y["pred"]:
                    continue
                a, b = by_id[x["event"]], by_id[y["event"]]
                reason = refusal(a, b, gap, lag, fut)
                why[reason.split(" ")[0] if reason.startswith("family") else reason] += 1
                key = reason.split(":")[0]
                if shown[key] < args.show:
                    shown[key] += 1
                    print(f"  {story} {reason}: {x['doc']}#{x['k']} {a['type']}/{a.get('status')} {a.get('date')} "
                          f"pub={a.get('_published')} [{_names(a)}] loc={(a.get('location') or {}).get('name')}\n"
                          f"  {' ' * len(story)} {' ' * len(reason)}  {y['doc']}#{y['k']} {b['type']}/"
                          f"{b.get('status')} {b.get('date')} pub={b.get('_published')} [{_names(b)}] "
                          f"loc={(b.get('location') or {}).get('name')}")
    print("pairs kept apart, by first refusing condition:")
    for k, n in why.most_common():
        print(f"  {n:5d}  {k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
