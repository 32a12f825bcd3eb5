"""The real corpus (eval/real): valid gold, the coverage the corpus issue asks for, a blind part kept apart.

These tests count; they never print the blind part's events (the blind protocol: eval/real/BLIND_LOG.md).
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1] / "eval" / "real"
PARTS = [(REAL / "gold.jsonl", REAL / "texts"), (REAL / "blind" / "gold.jsonl", REAL / "blind" / "texts")]


def _validator():
    spec = importlib.util.spec_from_file_location("real_validate", REAL / "validate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _records() -> list[dict]:
    return [json.loads(x) for g, _ in PARTS if g.exists() for x in g.read_text(encoding="utf-8").splitlines() if x.strip()]


def _sources() -> list[dict]:
    path = REAL / "sources.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict], list[dict]]:
    if not (REAL / "gold.jsonl").exists():
        pytest.skip("no real corpus yet")
    return _records(), _sources()


@pytest.mark.parametrize("part", [0, 1], ids=["dev", "blind"])
def test_gold_is_valid(corpus, part) -> None:
    gold, texts = PARTS[part]
    problems = _validator().validate(gold, texts, partial=True)
    assert problems == [], f"{len(problems)} problem(s), first: {problems[:3]}"  # counts only, no event details
    # every text frozen into a part has its gold line (texts still under annotation have no part yet)
    _, sources = corpus
    name = "dev" if part == 0 else "blind"
    golds = {json.loads(x)["doc"] for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()}
    assert {s["doc"] for s in sources if s.get("part") == name} == golds


def test_coverage(corpus) -> None:
    recs, sources = corpus
    assert len(recs) >= 160
    assert {r["doc"] for r in recs} <= {s["doc"] for s in sources}, "every text has one sources line"
    assert all(s.get("url") and s.get("domain") and s.get("country") and s.get("query") for s in sources)
    assert len({s["domain"] for s in sources}) >= 70
    assert len({s["country"] for s in sources} - {"unknown"}) >= 12
    docs_per_type = Counter(t for r in recs for t in {e["type"] for e in r["events"]})
    thin = {t: n for t, n in docs_per_type.items() if n < 8}
    assert len(docs_per_type) == 16 and len(thin) <= 2, f"types with fewer than 8 documents: {thin}"
    negatives = sum(1 for r in recs if not r["events"])
    assert 0.05 <= negatives / len(recs) <= 0.2


def test_blind_part_is_apart_and_about_forty_percent(corpus) -> None:
    recs, sources = corpus
    dev = {s["doc"] for s in sources if s.get("part") == "dev"}
    blind = {x.name for x in (REAL / "blind" / "texts").glob("*.txt")}
    assert not {x.name for x in (REAL / "texts").glob("*.txt")} & blind
    assert 0.35 <= len(blind) / (len(dev) + len(blind)) <= 0.45
    assert {s["doc"] for s in sources if s.get("part") == "blind"} == blind
    assert all(s.get("url") and s.get("domain") and s.get("query") for s in sources)
    assert (REAL / "BLIND_LOG.md").exists() and "baseline" in (REAL / "BLIND_LOG.md").read_text(encoding="utf-8")


def test_error_analysis_refuses_the_blind_part() -> None:
    """eval/real/errors.py is a dev tool: pointed at the blind part it stops before reading anything."""
    import subprocess
    import sys

    script = REAL / "errors.py"
    run = subprocess.run([sys.executable, str(script), "--gold", str(REAL / "blind" / "gold.jsonl")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "blind part is never analysed" in run.stderr
