"""The numpy e5 encoder alone: CPU seconds per 1,000 real sentences, for the gate's passage vectors (base weights)
and for the NER's token states (LoRA adapters), and the process's peak RSS with both loaded.

    .venv/bin/python bench/bench_encoder.py [--sentences 1000] [--save OUT.npz] [--compare BEFORE.npz]

The sentences are the real corpus's dev texts (eval/real/texts) split as the pipeline splits them, at least four
words each, in file order. CPU seconds (user + sys of this process) are the figure: the 2-core machine is shared, so
wall time says more about the load than about the code. ``--save`` keeps the vectors and the NER log-probabilities
so that ``--compare`` can check a later tree gives the same ones (cosine of passage vectors, max abs difference of
log-probabilities).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def real_sentences(n: int) -> list[str]:
    from marsad.arabic.text import sentences

    out: list[str] = []
    for f in sorted((ROOT / "eval" / "real" / "texts").glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        for s, e in sentences(text):
            if len(text[s:e].split()) >= 4:
                out.append(text[s:e])
                if len(out) >= n:
                    return out
    return out


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(n: int = 1000, save: Path | None = None, compare: Path | None = None) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    from marsad.pipeline import blas_threads

    with threadpool_limits(blas_threads()):  # as the pipeline runs it: one BLAS thread a process by default
        return _main(n, save, compare)


def _main(n: int, save: Path | None, compare: Path | None) -> dict[str, Any]:
    from marsad.arabic.text import tokens
    from marsad.entities.neural import NeuralTagger
    from marsad.events.gate import _base_encoder, passage_vectors

    texts = real_sentences(n)
    words = [[t for _, _, t in tokens(s)] for s in texts]
    res: dict[str, Any] = {"sentences": len(texts), "words": sum(map(len, words))}
    c0 = _cpu()
    tagger = NeuralTagger.load()
    _base_encoder()
    res["load_cpu_s"] = round(_cpu() - c0, 2)
    passage_vectors(texts[:20])  # tokenizer caches and BLAS warm
    tagger._logp(words[:20])
    c0, t0 = _cpu(), time.perf_counter()
    vecs = passage_vectors(texts)
    res["gate_cpu_s_per_1000"] = round((_cpu() - c0) * 1000 / len(texts), 2)
    res["gate_wall_s"] = round(time.perf_counter() - t0, 2)
    order = sorted(range(len(words)), key=lambda i: len(words[i]))  # as NeuralTagger._encode batches them
    c0, t0 = _cpu(), time.perf_counter()
    lps = [np.empty(0)] * len(words)
    for k in range(0, len(order), 32):
        part = order[k:k + 32]
        for i, lp in zip(part, tagger._logp([words[i] for i in part]), strict=True):
            lps[i] = lp
    res["ner_cpu_s_per_1000"] = round((_cpu() - c0) * 1000 / len(texts), 2)
    res["ner_wall_s"] = round(time.perf_counter() - t0, 2)
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    flat = np.concatenate(lps).astype(np.float32)
    if save:
        np.savez(save, vecs=vecs, lps=flat)
    if compare:
        z = np.load(compare)
        cos = (vecs * z["vecs"]).sum(1) / np.linalg.norm(vecs, axis=1) / np.linalg.norm(z["vecs"], axis=1)
        res["min_cosine_vs_before"] = float(cos.min())
        res["max_abs_logp_diff_vs_before"] = float(np.abs(flat - z["lps"]).max())
        res["ner_argmax_changes"] = int((flat.argmax(1) != z["lps"].argmax(1)).sum())
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=1000)
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    a = ap.parse_args()
    main(a.sentences, a.save, a.compare)
