"""Sentence-level event detection on the OEDA sets (``arabic_event_gsr/*_gsr.csv``), split by a hash of ``id``.

Each CSV row is one sentence with crowd labels: ``yes`` (unanimous: it reports an event of ``event_type``), ``easy
no`` (unanimous reject), ``difficult no``, ``ambiguous``. A coder *fires* on a sentence when it codes an event of that
type at or above the display threshold. Figures per type on one split: recall on ``yes``, false-positive rate on
``easy no`` and on every ``no``, and F1 with ``yes`` positive and every ``no`` negative (``ambiguous`` left out).
The split is a pure function of the id, so train and test never mix whoever runs it.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEST_SHARE = 30  # percent of ids in the test split
POSITIVE = "yes"
NEGATIVES = ("easy no", "difficult no")


@dataclass(frozen=True)
class Sentence:
    id: str
    event_type: str
    label: str
    text: str


def split_of(sentence_id: str) -> str:
    """'test' for a stable TEST_SHARE% of ids, else 'train'."""
    h = int(hashlib.sha1(sentence_id.encode("utf-8")).hexdigest()[:8], 16)
    return "test" if h % 100 < TEST_SHARE else "train"


def load(paths: Iterable[str | Path], split: str | None = "test") -> Iterator[Sentence]:
    """The rows of the detection CSVs in ``split`` ('train', 'test', or None for all)."""
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if not row.get("text") or not row.get("id"):
                    continue
                if split is None or split_of(row["id"]) == split:
                    yield Sentence(row["id"], row["event_type"].strip().upper(), row["label"].strip(), row["text"])


def score(sentences: Iterable[Sentence], fires: Callable[[str], set[str]]) -> dict[str, Any]:
    """Per type: n by label, recall, FP rates, P/R/F1. ``fires(text)`` returns the types coded in the sentence."""
    counts: dict[str, Counter] = {}
    for s in sentences:
        hit = s.event_type in fires(s.text)
        c = counts.setdefault(s.event_type, Counter())
        c[s.label] += 1
        c[s.label + ":fired"] += hit
    out: dict[str, Any] = {}
    for t, c in sorted(counts.items()):
        tp, pos = c[POSITIVE + ":fired"], c[POSITIVE]
        fp = sum(c[n + ":fired"] for n in NEGATIVES)
        neg = sum(c[n] for n in NEGATIVES)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / pos if pos else 0.0
        out[t] = {
            "yes": pos, "easy_no": c["easy no"], "difficult_no": c["difficult no"],
            "recall": round(r, 3), "fp_rate_easy_no": round(c["easy no:fired"] / c["easy no"], 3) if c["easy no"] else None,
            "fp_rate_no": round(fp / neg, 3) if neg else None,
            "precision": round(p, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        }
    return out


def pipeline_fires(min_confidence: float | None = None,
                   events_settings: dict[str, Any] | None = None) -> Callable[[str], set[str]]:
    """The types the whole annotation pipeline (sentences, dates, entities, events) codes in a bare sentence.
    ``events_settings`` overrides the [events] settings (e.g. ``{"gate": False}`` for the rules alone)."""
    from .dates import DateStep
    from .entities.resolve import EntityStep
    from .events import EventStep
    from .model import Article
    from .runner import SentenceStep
    from .settings import min_confidence as default_threshold
    from .settings import section

    ev_settings = {**section("events"), **(events_settings or {})}
    ent = EntityStep()
    steps = [SentenceStep(), DateStep(), ent, EventStep(settings=ev_settings, entities=ent.resources)]
    threshold = default_threshold() if min_confidence is None else min_confidence

    def fires(text: str) -> set[str]:
        art = Article(id="detect", source_path="detect", text=text)
        for step in steps:
            art = step.process(art)
        return {e.type for e in art.events if e.confidence >= threshold}

    return fires


def report(res: dict[str, Any]) -> str:
    rows = [f"{'type':<10} {'yes':>5} {'easy no':>8} {'recall':>7} {'FP easy':>8} {'FP no':>6} {'P':>6} {'F1':>6}"]
    for t, r in res.items():
        rows.append(f"{t:<10} {r['yes']:>5} {r['easy_no']:>8} {r['recall']:>7.3f} {r['fp_rate_easy_no']:>8.3f} "
                    f"{r['fp_rate_no']:>6.3f} {r['precision']:>6.3f} {r['f1']:>6.3f}")
    return "\n".join(rows)
