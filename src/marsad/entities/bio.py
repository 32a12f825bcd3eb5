"""BIO tag set of the neural NER and constrained decoding (numpy only: the training script imports it too)."""

from __future__ import annotations

import numpy as np

LABELS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")


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
