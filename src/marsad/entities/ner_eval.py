"""Entity-level NER evaluation on CoNLL files (exact span and type, as conlleval counts it)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any


def read_conll(path: str) -> list[tuple[list[str], list[str]]]:
    """Sentences as (tokens, tags) from a ``token TAG`` per line file, blank lines between sentences."""
    sents: list[tuple[list[str], list[str]]] = []
    toks: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                if toks:
                    sents.append((toks, tags))
                    toks, tags = [], []
                continue
            toks.append(parts[0])
            tags.append(parts[-1])
    if toks:
        sents.append((toks, tags))
    return sents


def chunks(tags: list[str]) -> set[tuple[int, int, str]]:
    """(start, end, type) entity chunks; like conlleval, an I- tag that does not continue a chunk starts one."""
    out: set[tuple[int, int, str]] = set()
    start, typ = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        bio, _, t = tag.partition("-")
        cont = bio == "I" and t == typ and start >= 0
        if start >= 0 and not cont:
            out.add((start, i, typ))
            start, typ = -1, ""
        if bio in ("B", "I") and not cont:
            start, typ = i, t
    return out


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, Any]:
    """Per-type and micro precision/recall/F1 over entity chunks."""
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gc, pc = chunks(g), chunks(p)
        for c in gc:
            n_gold[c[2]] += 1
        for c in pc:
            n_pred[c[2]] += 1
        for c in gc & pc:
            tp[c[2]] += 1

    def prf(t: int, np_: int, ng: int) -> dict[str, float | int]:
        p = t / np_ if np_ else 0.0
        r = t / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": ng}

    types = sorted(set(n_gold) | set(n_pred))
    out: dict[str, Any] = {"per_type": {t: prf(tp[t], n_pred[t], n_gold[t]) for t in types}}
    out["micro"] = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out


def evaluate_conll(path: str, tagger: Any = None, backend: str | None = None) -> dict[str, Any]:
    """Tag every sentence of a CoNLL file and score it; adds tagging speed (sentences/s, tokens/s).
    ``backend`` names the NER model when no tagger is given (default: the [entities] ner_backend setting)."""
    if tagger is None:
        from marsad.entities.ner import load_tagger

        tagger = load_tagger(backend)
    sents = read_conll(path)
    toks = [s[0] for s in sents]
    t0 = time.perf_counter()
    pred = tagger.tag_sents(toks)
    dt = max(time.perf_counter() - t0, 1e-9)
    out = score([s[1] for s in sents], pred)
    out.update({"file": str(path), "backend": getattr(tagger, "name", type(tagger).__name__), "sentences": len(sents),
                "tokens": sum(len(t) for t in toks),
                "sentences_per_s": round(len(sents) / dt, 1),
                "tokens_per_s": round(sum(len(t) for t in toks) / dt, 1)})
    return out
