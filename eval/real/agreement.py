"""Inter-annotator agreement of the two independent passes over the real corpus, per type family.

  python eval/real/agreement.py PASS_A.jsonl PASS_B.jsonl [--md]

Pass B's events are scored against pass A's with the project scorer (type, and two participants or all where there
are fewer), all 16 types; F1 is symmetric under that matching. Families as PLOVER groups them.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from marsad.evaluate import load_jsonl, score_events
from marsad.model import PLOVER_TYPES

FAMILIES = {
    "cooperative (CONSULT AGREE SUPPORT COOPERATE AID)": {"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID"},
    "concessions (CONCEDE RETREAT)": {"CONCEDE", "RETREAT"},
    "verbal conflict (REQUEST ACCUSE REJECT THREATEN)": {"REQUEST", "ACCUSE", "REJECT", "THREATEN"},
    "coercion (PROTEST SANCTION MOBILIZE COERCE)": {"PROTEST", "SANCTION", "MOBILIZE", "COERCE"},
    "violence (ASSAULT)": {"ASSAULT"},
}


def _entity(group: list[str]) -> dict[str, Any]:
    return {"name": group[0], "name_ar": " ".join(group[1:]), "text": group[1] if len(group) > 1 else group[0]}


def as_system(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gold-format records as the scorer's system records (one per event)."""
    out = []
    for d in records:
        for ev in d.get("events", []):
            if not ev.get("scored", True):
                continue
            out.append({"type": ev["type"], "mode": ev.get("mode"), "status": ev.get("status"), "date": ev.get("date"),
                        "actors": [_entity(g) for g in ev.get("actors") or []],
                        "recipients": [_entity(g) for g in ev.get("recipients") or []],
                        "evidence": {"text": ev.get("evidence")}, "article": {"source_path": d["doc"]}})
    return out


def agreement(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    docs = {d["doc"] for d in a} & {d["doc"] for d in b}
    a = [d for d in a if d["doc"] in docs]
    b = [d for d in b if d["doc"] in docs]
    res = score_events(a, as_system(b), scored_types=set(PLOVER_TYPES), per_type=True)
    out: dict[str, dict[str, Any]] = {}
    for fam, types in {**FAMILIES, "all types": set(PLOVER_TYPES)}.items():
        tp = sum(c["tp"] for t, c in res["per_type"].items() if t in types)
        fp = sum(c["fp"] for t, c in res["per_type"].items() if t in types)
        fn = sum(c["fn"] for t, c in res["per_type"].items() if t in types)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
        out[fam] = {"matched": tp, "only_b": fp, "only_a": fn, "f1": round(f1, 3) if f1 is not None else None}
    out["all types"]["documents"] = len(docs)
    out["all types"]["date_agreement"] = res["date_accuracy"]
    return out


def main(argv: list[str]) -> int:
    args = [x for x in argv if not x.startswith("--")]
    res = agreement(load_jsonl(args[0]), load_jsonl(args[1]))
    if "--md" in argv:
        print("| family | matched | only A | only B | F1 |\n|---|---|---|---|---|")
        for fam, r in res.items():
            print(f"| {fam} | {r['matched']} | {r['only_a']} | {r['only_b']} | {r['f1']} |")
    else:
        print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
