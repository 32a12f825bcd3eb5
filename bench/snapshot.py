"""Event snapshot of every suite, so a speed change can show it changed nothing (issue 15).

    .venv/bin/python bench/snapshot.py out/snap-before            # write one sorted JSONL per suite
    .venv/bin/python bench/snapshot.py out/snap-after --compare out/snap-before

Each suite (the seeds, news_dev, samples/, the real corpus's dev texts) is ingested with the default settings into a
fresh store; its events are written sorted, one JSON record a line. ``--compare`` prints, per suite, whether the
records are identical and, if not, the first differences, and exits 1 when any suite differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def suites(shared: Path) -> dict[str, list[str]]:
    """Suite name → input paths; suites whose data is missing are left out (no ../shared: samples and eval only)."""
    seeds = sorted(str(p) for p in (shared / "seeds").glob("*.txt"))
    out = {
        "seeds": seeds,
        "news_dev": [str(shared / "data" / "news_dev" / "txt")],
        "samples": [str(ROOT / "samples")],
        "real_texts": [str(ROOT / "eval" / "real" / "texts")],  # the dev part only: blind/ is never read here
    }
    return {k: v for k, v in out.items() if v and all(Path(p).exists() for p in v)}


def _key(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, sort_keys=True)


def snapshot(paths: list[str], ner: str | None = None) -> tuple[list[str], float]:
    """The suite's events as sorted canonical JSON lines, and the seconds the ingest took."""
    from marsad.runner import ingest_paths
    from marsad.store import Store

    with tempfile.TemporaryDirectory(prefix="marsad-snap-") as tmp:
        db = Path(tmp) / "snap.db"
        t0 = time.perf_counter()
        ingest_paths(paths, db, ner_backend=ner)
        secs = time.perf_counter() - t0
        with Store(db) as store:
            lines = sorted(_key(r) for r in store.events())
    return lines, secs


def compare(new: list[str], old: list[str], show: int = 3) -> list[str]:
    """Human-readable differences between two snapshots of one suite (empty: identical)."""
    a, b = set(old), set(new)
    gone, came = sorted(a - b), sorted(b - a)
    notes = []
    if gone or came:
        notes.append(f"{len(gone)} record(s) gone, {len(came)} new (of {len(old)} → {len(new)})")
        notes += [f"  - {g[:300]}" for g in gone[:show]] + [f"  + {c[:300]}" for c in came[:show]]
    return notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for <suite>.jsonl")
    ap.add_argument("--compare", type=Path, help="folder of an earlier snapshot to compare with")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--ner", choices=["crf", "e5"], help="NER backend (default: the settings')")
    ap.add_argument("--only", nargs="*", help="suite names to run")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    differ = False
    for name, paths in suites(args.shared).items():
        if args.only and name not in args.only:
            continue
        lines, secs = snapshot(paths, args.ner)
        (args.out / f"{name}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        verdict = ""
        if args.compare:
            old_file = args.compare / f"{name}.jsonl"
            old = old_file.read_text(encoding="utf-8").splitlines() if old_file.exists() else []
            notes = compare(lines, old)
            differ |= bool(notes)
            verdict = "identical" if not notes else "DIFFERS\n" + "\n".join(notes)
        print(f"{name}: {len(lines)} events ({secs:.1f}s) {verdict}", flush=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
