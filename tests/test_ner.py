"""NER: the shipped CRF model loads and tags; spans carry offsets into the text; entity-level scoring is exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.entities.ner import NerTagger, model_path
from marsad.entities.ner_eval import chunks, evaluate_conll, score

ROOT = Path(__file__).resolve().parents[1]
# ANERcorp (the training data) leaves ministries untagged, so the organisation here is an international body.
SENT = "قال الرئيس الروسي فلاديمير بوتين في موسكو إن منظمة الصحة العالمية في جنيف أرسلت وفدا ."


@pytest.fixture(scope="module")
def tagger() -> NerTagger:
    return NerTagger.load()


def test_model_is_shipped_and_small() -> None:
    p = model_path()
    assert p.exists()
    assert p.stat().st_size < 10_000_000


def test_tags_person_place_and_organisation(tagger: NerTagger) -> None:
    toks = SENT.split()
    tags = tagger.tag(toks)
    assert len(tags) == len(toks)
    found = {(" ".join(toks[s:e]), t) for s, e, t in chunks(tags)}
    assert ("فلاديمير بوتين", "PERS") in found
    assert ("موسكو", "LOC") in found
    assert ("منظمة الصحة العالمية", "ORG") in found
    assert tagger.tag([]) == []
    assert tagger.tag_sents([toks]) == [tags]
    assert [len(t) for t in tagger.tag_sents([toks, toks[:3]])] == [len(toks), 3]


def test_spans_have_offsets_into_the_text(tagger: NerTagger) -> None:
    prefix = "عنوان جانبي.\n"
    text = prefix + SENT.replace(" .", ".") + " وأضاف أن الاجتماع سيعقد في القاهرة."
    spans = tagger.spans(text, start=len(prefix))
    assert spans, "no entities found"
    for sp in spans:
        assert text[sp.start:sp.end] == sp.text
        assert sp.start >= len(prefix)
        assert sp.label in {"PERS", "LOC", "ORG", "MISC"}
    by_text = {sp.text: sp.label for sp in spans}
    assert by_text.get("بوتين") == "PERS" or by_text.get("فلاديمير بوتين") == "PERS"
    assert by_text.get("القاهرة") == "LOC"
    # A window (start, end) only sees its own part of the text.
    cut = text.index("وأضاف")
    assert all(sp.end <= cut for sp in tagger.spans(text, len(prefix), cut))


def test_chunks_follow_conlleval() -> None:
    assert chunks(["B-PERS", "I-PERS", "O", "B-LOC"]) == {(0, 2, "PERS"), (3, 4, "LOC")}
    # An I- tag after O or after another type starts a new chunk, as conlleval counts it.
    assert chunks(["O", "I-ORG", "I-ORG", "I-LOC"]) == {(1, 3, "ORG"), (3, 4, "LOC")}
    assert chunks(["B-PERS", "B-PERS"]) == {(0, 1, "PERS"), (1, 2, "PERS")}


class _Fixed:
    """A stand-in tagger that returns preset tags, so the expected scores can be worked out by hand."""

    def __init__(self, tags: list[list[str]]) -> None:
        self.tags = tags

    def tag_sents(self, sents: list[list[str]]) -> list[list[str]]:
        assert [len(s) for s in sents] == [len(t) for t in self.tags]
        return self.tags


def test_evaluate_conll_hand_computed(tmp_path: Path) -> None:
    conll = tmp_path / "tiny.txt"
    conll.write_text(
        "زار O\nجون B-PERS\nكيري I-PERS\nموسكو B-LOC\n. O\n\n"
        "وقالت O\nالأمم B-ORG\nالمتحدة I-ORG\nفي O\nجنيف B-LOC\n\n",
        encoding="utf-8",
    )
    # Gold: PERS(جون كيري), LOC(موسكو), ORG(الأمم المتحدة), LOC(جنيف) = 4 entities.
    # Predicted: PERS(كيري) wrong span, LOC(موسكو) right, ORG(الأمم المتحدة) right, جنيف missed,
    # and a spurious MISC(وقالت). So 2 of 4 predicted are right, 2 of 4 gold are found.
    pred = [["O", "O", "B-PERS", "B-LOC", "O"], ["B-MISC", "B-ORG", "I-ORG", "O", "O"]]
    res = evaluate_conll(str(conll), tagger=_Fixed(pred))
    assert res["micro"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 4}
    assert res["per_type"]["LOC"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert res["per_type"]["PERS"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert res["per_type"]["ORG"]["f1"] == 1.0
    assert res["per_type"]["MISC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert res["sentences"] == 2 and res["tokens"] == 10
    assert res["sentences_per_s"] > 0
    json.dumps(res)  # the CLI prints it as one JSON object


def test_names_carry_to_other_mentions() -> None:
    from marsad.entities.ner import propagate

    sents = [["زار", "فلاديمير", "بوتين", "موسكو"], ["وقال", "بوتين", "إن"], ["ورحب", "ببوتين", "في", "موسكو"]]
    tags = [["O", "B-PERS", "I-PERS", "B-LOC"], ["O", "O", "O"], ["O", "O", "O", "O"]]
    out = propagate(sents, tags)
    assert out[1] == ["O", "B-PERS", "O"]  # the last name alone
    assert out[2] == ["O", "B-PERS", "O", "B-LOC"]  # after a clitic, and the place again
    assert out[0] == tags[0]


def test_common_words_are_not_carried_alone() -> None:
    """علي "Ali" normalises to على "on": a story about محمد علي must not tag every preposition as a person."""
    from marsad.entities.ner import carry_stop, propagate

    assert {"علي", "في"} <= carry_stop()  # the shipped list, built from the training file by `make model`
    sents = [["التقى", "محمد", "علي", "و", "علي"], ["وقال", "على", "هامش", "اللقاء"], ["وأكد", "محمد", "علي", "أن"]]
    tags = [["O", "B-PERS", "I-PERS", "O", "B-PERS"], ["O", "O", "O", "O"], ["O", "O", "O", "O"]]
    out = propagate(sents, tags)
    assert out[1] == ["O", "O", "O", "O"]
    assert out[2] == ["O", "B-PERS", "I-PERS", "O"]  # the full name is still carried
    assert propagate(sents, tags, stop=frozenset())[1][1] == "B-PERS"  # what the list prevents


def test_common_words_come_from_the_training_tags() -> None:
    from marsad.entities.train import common_words

    sents = [(["في", "بوتين"], ["O", "B-PERS"])] * 12 + [(["في"], ["B-LOC"])]
    assert common_words(sents) == frozenset({"في"})  # 1 of 25 inside a name; بوتين always is

def test_score_perfect() -> None:
    tags = [["B-PERS", "I-PERS", "O"]]
    assert score(tags, tags)["micro"]["f1"] == 1.0


def test_anercorp_test_holds_its_floor(shared_dir: Path, tagger: NerTagger) -> None:
    floors = json.loads((ROOT / "eval" / "floors.json").read_text())
    res = evaluate_conll(str(shared_dir / "data" / "anercorp" / "test.txt"), tagger=tagger)
    assert res["micro"]["f1"] >= floors["ner_crf_micro_f1"]


def test_doc_features_see_the_other_mentions() -> None:
    from marsad.entities.ner import doc_features

    sents = [["زار", "فلاديمير", "بوتين"], ["وقال", "بوتين", "إن"], ["ورحب", "ببوتين"]]
    tags = [["O", "B-PERS", "I-PERS"], ["O", "O", "O"], ["O", "O"]]
    doc = doc_features(sents, tags)
    assert doc[1][1][:3] == ["s0=O", "s-1=O", "s+1=O"]
    assert "sd=PERS" in doc[1][1]  # tagged PERS in the first sentence
    assert "sd=PERS" in doc[2][1]  # also after a clitic
    assert not any(f.startswith("sd=") for f in doc[0][2])  # its own mention is not evidence
    assert [len(d) for d in doc] == [3, 3, 2]


def test_second_pass_model_is_used_when_shipped_beside(tmp_path: Path) -> None:
    from marsad.entities.ner import second_path
    from marsad.entities.train import train_stacked

    sents = [(["زار", "فلاديمير", "بوتين", "موسكو", "."], ["O", "B-PERS", "I-PERS", "B-LOC", "O"]),
             (["وقال", "بوتين", "في", "باريس", "."], ["O", "B-PERS", "O", "B-LOC", "O"])] * 4
    out = train_stacked(sents, tmp_path / "ner.crfsuite", {"max_iterations": 20}, frozenset(), folds=2)
    assert second_path(out).exists()
    t = NerTagger.load(out)
    assert t.second is not None
    assert len(t.tag(["زار", "بوتين", "موسكو"])) == 3
