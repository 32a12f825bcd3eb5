"""CI gate on quality: the figures of `make eval` must not drop below the floors pinned in eval/floors.json.

Skipped without ../shared, except the composed set, which ships with the project.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_time_budget(monkeypatch) -> None:
    # the floors measure the coder; under load the 10 s per-document budget skipped whole documents
    monkeypatch.setenv("MARSAD_BUDGET_SECONDS", "0")


def _evalrun():
    spec = importlib.util.spec_from_file_location("marsad_eval_run", ROOT / "eval" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _floors() -> dict[str, float]:
    path = ROOT / "eval" / "floors.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.mark.parametrize("suite", ["seeds", "news_dev", "gsr"])
def test_shared_suites_hold_their_floors(shared_dir, suite) -> None:
    mod = _evalrun()
    figures = mod.run(shared_dir, {suite})
    assert figures, f"suite {suite} produced no figures"
    assert mod.check(figures, _floors()) == []


def test_composed_set_holds_its_floor() -> None:
    if not (ROOT / "eval" / "composed" / "gold.jsonl").exists():
        pytest.skip("no composed set yet")
    mod = _evalrun()
    figures = mod.run(None, {"composed"})
    assert mod.check(figures, _floors()) == []


def test_heldout_set_holds_its_floor() -> None:
    if not (ROOT / "eval" / "heldout" / "gold.jsonl").exists():
        pytest.skip("no held-out set")
    mod = _evalrun()
    figures = mod.run(None, {"heldout"})
    assert figures.get("heldout_article_checks"), "held-out suite produced no article figures"
    assert mod.check(figures, _floors()) == []


def test_real_corpus_dev_part_holds_its_floor() -> None:
    """The real corpus's dev part (eval/real/gold.jsonl); its blind part is never gated (BLIND_LOG.md)."""
    if not (ROOT / "eval" / "real" / "gold.jsonl").exists():
        pytest.skip("no real corpus yet")
    mod = _evalrun()
    figures = mod.run(None, {"real"})
    assert "real_f1" in figures and not any(k.startswith("real_blind") for k in figures)
    assert mod.check(figures, _floors()) == []


@pytest.mark.slow
def test_story_benchmark_holds_its_floor() -> None:
    """The story benchmark (eval/stories): no merge across more than 30 days, every confusable pair apart, and
    the B-cubed and pairwise figures at or above their floors."""
    if not any((ROOT / "eval" / "stories").glob("gold_*.jsonl")):
        pytest.skip("no story benchmark yet")
    mod = _evalrun()
    figures = mod.run(None, {"stories"})
    assert figures["stories_far_merges"] == 0
    assert mod.check(figures, _floors()) == []
