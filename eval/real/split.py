"""Freeze the blind part of the real corpus: a random 40% of the documents, stratified by type, run once.

  python eval/real/split.py ADJUDICATED.jsonl [...]   (texts in eval/real/texts/, sources in eval/real/sources.jsonl)

Batches: documents already in a part stay there; only new ones are split (and appended), so the corpus can grow
in adjudicated batches, each frozen before anyone tunes on it. Each document's stratum is the rarest type among its gold events (``none`` for a page with no event), so every type
keeps about 40% of its documents in the blind part. The seed is fixed and written into sources.jsonl ("part"), so
the split is reproducible and recorded. Writes eval/real/gold.jsonl (dev) and eval/real/blind/{gold.jsonl,texts/}.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261202
BLIND_SHARE = 0.4


def main(argv: list[str]) -> int:
    def read(path: Path) -> list[dict]:
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []

    old_dev, old_blind = read(HERE / "gold.jsonl"), read(HERE / "blind" / "gold.jsonl")
    done = {r["doc"] for r in old_dev + old_blind}
    recs = [r for p in argv for r in read(Path(p)) if r["doc"] not in done]
    freq = Counter(t for r in recs for t in {e["type"] for e in r["events"]})
    strata: dict[str, list[dict]] = {}
    for r in sorted(recs, key=lambda r: r["doc"]):
        types = {e["type"] for e in r["events"]}
        strata.setdefault(min(types, key=lambda t: (freq[t], t)) if types else "none", []).append(r)
    rng = random.Random(f"{SEED}:{len(done)}")  # a batch's seed: the base seed and how many came before
    blind: set[str] = set()
    carry = 0.0  # rounding remainder passed on, so small strata do not all round the same way
    for name in sorted(strata):
        docs = strata[name]
        rng.shuffle(docs)
        want = BLIND_SHARE * len(docs) + carry
        k = int(want + 0.5)
        carry = want - k
        blind |= {d["doc"] for d in docs[:k]}
    (HERE / "blind" / "texts").mkdir(parents=True, exist_ok=True)
    dev_lines = [json.dumps(r, ensure_ascii=False) for r in old_dev]
    blind_lines = [json.dumps(r, ensure_ascii=False) for r in old_blind]
    for r in sorted(recs, key=lambda r: r["doc"]):
        line = json.dumps(r, ensure_ascii=False)
        if r["doc"] in blind:
            blind_lines.append(line)
            shutil.move(str(HERE / "texts" / r["doc"]), str(HERE / "blind" / "texts" / r["doc"]))
        else:
            dev_lines.append(line)
    (HERE / "gold.jsonl").write_text("\n".join(dev_lines) + "\n", encoding="utf-8")
    (HERE / "blind" / "gold.jsonl").write_text("\n".join(blind_lines) + "\n", encoding="utf-8")
    src = HERE / "sources.jsonl"
    rows = [json.loads(x) for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
    batch = {r["doc"] for r in recs}
    for row in rows:
        if row["doc"] in blind:
            row["part"] = "blind"
        elif row["doc"] in batch:
            row["part"] = "dev"
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in rows) + "\n", encoding="utf-8")
    print(f"this batch: {len(recs)} documents, {len(blind)} to blind; now dev {len(dev_lines)}, blind {len(blind_lines)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
