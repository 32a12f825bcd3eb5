"""Train the event detector (``python -m marsad.events.detector train``): examples, vectors, one classifier per type.

  python -m marsad.events.detector train [--real GOLD TEXTS ...] [--oeda CSV ...] [--gsr JSONL] [--cache DIR]
      [--out PATH]

Examples, never from an evaluation suite (news_dev, seeds, composed, heldout, blind2, anything blind):
- real pages (the real corpus's dev part, its training batch): every body sentence of each page, as the pipeline
  cuts it; positive for the type of each gold event whose evidence it holds, negative for every other type;
- the OEDA detection sets' train split: ``yes`` positive, ``easy no``/``difficult no`` negative, for their type only;
- the GSR's sentences in the same hash split's train part: positives of their category.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pickle
from pathlib import Path
from typing import Any

from ..model import Article
from .detector import Detector, Example, VectorCache, body_spans, model_path, text_key, train


def prepared_articles(paths: list[str], cache: Path | None = None) -> list[Article]:
    """The pages through every stage before events (read, extract, sentences, dates, entities), cached."""
    from ..pipeline import Pipeline
    from ..runner import document_steps

    key = text_key("\n".join(f"{p}:{os.path.getsize(p)}" for p in paths))
    f = cache / f"articles-{key}.pkl" if cache else None
    if f is not None and f.exists():
        with open(f, "rb") as fh:
            return list(pickle.load(fh))
    steps = document_steps(set())[:-2]  # the events step and the date-text step after it left out
    arts = list(Pipeline(steps).iterate(paths))
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        with open(f, "wb") as fh:
            pickle.dump(arts, fh)
    return arts


def _locate(text: str, evidence: str) -> int:
    """Where the gold evidence starts in the page text: as written, else from its first words."""
    at = text.find(evidence)
    if at >= 0 or not evidence:
        return at
    words = evidence.split()
    for n in (8, 5, 3):
        if len(words) >= n and (at := text.find(" ".join(words[:n]))) >= 0:
            return at
    return -1


def real_examples(articles: list[Article], gold: list[dict[str, Any]], tag: str = "real") -> tuple[
        list[Example], dict[str, int]]:
    """Every body sentence of the gold pages, with the gold types whose evidence it holds."""
    by_doc = {d["doc"]: d for d in gold}
    out: list[Example] = []
    stats = {"events": 0, "located": 0}
    for art in articles:
        d = by_doc.get(os.path.basename(art.source_path))
        if d is None:
            continue
        spans = body_spans(art)  # the sentences the detector scores in the pipeline
        pos: dict[int, set[str]] = {}
        for ge in d["events"]:
            stats["events"] += 1
            at = _locate(art.text, ge.get("evidence") or "")
            k = next((i for i, (s, e) in enumerate(spans) if s <= at < e), None) if at >= 0 else None
            if k is not None:
                stats["located"] += 1
                pos.setdefault(k, set()).add(ge["type"])
        out.extend(Example(f"{tag}:{d['doc']}", art.text[s:e], frozenset(pos.get(i, ()))) for i, (s, e)
                   in enumerate(spans))
    return out, stats


def oeda_examples(csvs: list[str]) -> list[Example]:
    from .. import detection

    return [Example(f"oeda:{s.id}", s.text, frozenset({s.event_type} if s.label == detection.POSITIVE else ()),
                    frozenset({s.event_type})) for s in detection.load(csvs, "train")
            if s.label in (detection.POSITIVE, *detection.NEGATIVES)]


def gsr_examples(path: str) -> list[Example]:
    from ..detection import split_of

    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line) if line.strip() else None
            if r and r.get("text") and r.get("category") and split_of(r["id"]) == "train":
                t = str(r["category"]).upper()
                out.append(Example(f"gsr:{r['id']}", r["text"], frozenset({t}), frozenset({t})))
    return out


def gather(real: list[tuple[str, str]], oeda: list[str], gsr: str | None, cache: Path | None) -> tuple[
        list[Example], dict[str, Any]]:
    from ..evaluate import load_jsonl

    examples: list[Example] = []
    sets: dict[str, Any] = {}
    for gold_path, texts in real:
        gold = load_jsonl(gold_path)
        docs = {d["doc"] for d in gold}
        paths = sorted(str(p) for p in Path(texts).glob("*.txt") if p.name in docs)
        ex, st = real_examples(prepared_articles(paths, cache), gold, tag=gold_path)
        examples += ex
        sets[gold_path] = {"documents": len(docs), "sentences": len(ex), **st}
    if oeda:
        ex = oeda_examples(oeda)
        examples += ex
        sets["oeda_train"] = {"files": [Path(c).name for c in oeda], "sentences": len(ex)}
    if gsr:
        ex = gsr_examples(gsr)
        examples += ex
        sets["gsr_train"] = {"file": Path(gsr).name, "sentences": len(ex)}
    return examples, sets


def vector_cache(cache: Path | None) -> VectorCache:
    from .gate import passage_vectors

    return VectorCache(cache / "vectors.npz" if cache else None, passage_vectors)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", nargs=2, action="append", default=[], metavar=("GOLD", "TEXTS"))
    ap.add_argument("--oeda", nargs="*", default=[])
    ap.add_argument("--gsr")
    ap.add_argument("--cache", default="/tmp/det-cache", help="articles and sentence vectors, reused when present")
    ap.add_argument("--out", default=str(model_path()))
    a = ap.parse_args(argv)
    cache = Path(a.cache) if a.cache else None
    examples, sets = gather([tuple(r) for r in a.real], a.oeda, a.gsr, cache)
    det: Detector = train(examples, vector_cache(cache))
    det.meta.update({"trained": datetime.date.today().isoformat(), "sets": sets, "examples": len(examples),
                     "encoder": "marsad numpy passage_vectors (multilingual-e5-small)"})
    det.save(a.out)
    print(f"wrote {a.out}: {len(det.types)} types ({', '.join(det.types)})")
    return 0
