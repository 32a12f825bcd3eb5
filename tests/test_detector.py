"""The learned event detector: model file, proposals, participants, settings."""

from __future__ import annotations

import numpy as np

from marsad.events import EventStep
from marsad.events.detector import Detector, Example, VectorCache, best_threshold, model_path, train
from marsad.events.gate import Gate
from marsad.model import Article, Entity, Mention
from marsad.settings import section

TEXT = "وصفت تركيا إسرائيل بأنها دولة إرهاب. وقال المتحدث إن الطقس كان جميلا."
NAMELESS = "وصف الكاتب المقال بأنه كاذب. وقال إن الطقس كان جميلا."


class _Signal(Gate):
    def embed(self, texts):  # no encoder in a unit test: a sentence's signal is its verb of describing
        return np.array([[1.0 if "وصف" in t else -1.0] for t in texts], dtype=np.float32)


def _detector(threshold: float = 0.5) -> Detector:
    return Detector({"ACCUSE": np.array([6.0], dtype=np.float32)}, {"ACCUSE": 0.0}, {"ACCUSE": threshold},
                    embedder=_Signal({}, {}))


def _article(with_mentions: bool = True) -> Article:
    text = TEXT if with_mentions else NAMELESS
    art = Article(id="t", source_path="t.txt", text=text)
    end = text.index(".") + 1
    art.sentences = [(0, end), (end + 1, len(text))]
    if with_mentions:
        for word, iso in (("تركيا", "TUR"), ("إسرائيل", "ISR")):
            at = TEXT.index(word)
            art.mentions.append(Mention(at, at + len(word), word, "GPE", Entity(word, iso, word, "country", iso,
                                                                                 iso)))
    return art


def _step(**settings) -> EventStep:
    return EventStep(settings={**section("events"), "gate": False, **settings})


def test_shipped_detector_loads_with_thresholds_and_meta(tmp_path) -> None:
    det = Detector.load()
    assert det is not None and len(det.types) >= 8 and model_path().name == "detector.npz"
    assert all(0 < det.thresholds[t] < 1 for t in det.types) and det.meta.get("sets")
    det.save(tmp_path / "d.npz")
    again = Detector.load(tmp_path / "d.npz")
    assert again.types == det.types and np.allclose(again.weights[det.types[0]], det.weights[det.types[0]])


def test_thresholds_come_from_settings(tmp_path) -> None:
    _detector().save(tmp_path / "d.npz")
    assert Detector.load(tmp_path / "d.npz", thresholds={"ACCUSE": 0.8}).thresholds == {"ACCUSE": 0.8}
    assert Detector.load(tmp_path / "d.npz", thresholds={"REJECT": 0.8}).thresholds == {"ACCUSE": 0.5}
    step = _step(detector=True, detector_thresholds={"ACCUSE": 0.9})
    assert step.detector is not None and step.detector.thresholds["ACCUSE"] == 0.9


def test_detector_off_gives_the_coder_events_exactly() -> None:
    off = _step(detector=False)
    assert off.detector is None
    a, b = _article(), _article()
    evs = off.process(a).events
    assert [e.to_dict() for e in evs] == [e.to_dict() for e in off.coder.code(b)]


def test_a_proposal_needs_participants_and_says_why() -> None:
    step = _step(detector=False)
    det = _detector()
    art = _article()
    art.events = []
    out = det.apply(art, step.coder, [])
    assert [e.type for e in out] == ["ACCUSE"]  # the first sentence only: the second has no signal
    ev = out[0]
    assert ev.why["rule"] == "detector" and ev.why["detector"] > 0.99 and ev.confidence > 0.5
    assert {x.country for x in ev.actors + ev.recipients} == {"TUR", "ISR"} and ev.actors[0].country == "TUR"
    assert ev.evidence is not None and ev.evidence.text.startswith(TEXT[:4])
    assert det.apply(_article(with_mentions=False), step.coder, []) == []  # nobody named: no event


def test_coder_events_of_the_type_are_not_proposed_again() -> None:
    step = _step(detector=False)
    det = _detector()
    first = det.apply(_article(), step.coder, [])
    again = det.apply(_article(), step.coder, first)
    assert again == [] and first[0].why["detector"] > 0.99


def test_training_picks_a_threshold_and_skips_rare_types(tmp_path) -> None:
    rng = np.random.default_rng(0)
    ex = [Example(f"d{i // 5}", f"s{i}", frozenset({"AGREE"}) if i % 5 == 0 else frozenset()) for i in range(200)]
    vecs = {x.text: (rng.normal(1.5 if x.positive else -1.5, 1.0, 4)).astype(np.float32) for x in ex}
    det = train(ex, VectorCache(None, lambda ts: np.stack([vecs[t] for t in ts])), types=["AGREE", "AID"], log=None)
    assert det.types == ["AGREE"] and det.meta["types"]["AGREE"]["cv_f1_real_sentences"] > 0.8
    thr, f1 = best_threshold(np.array([0.9, 0.8, 0.1, 0.2]), np.array([1.0, 1.0, 0.0, 0.0]))
    assert f1 == 1.0 and thr >= 0.8


def test_detector_types_limit_what_it_proposes(tmp_path) -> None:
    step = _step(detector=False)
    _detector().save(tmp_path / "d.npz")
    det = Detector.load(tmp_path / "d.npz", proposes=["REJECT"])
    det.embedder = _Signal({}, {})
    coded = []
    from marsad.model import Event, Evidence

    coded.append(Event(id="c", article_id="t", type="CONSULT", evidence=Evidence(TEXT[:10], 0, 10)))
    assert det.apply(_article(), step.coder, coded) == []  # ACCUSE is scored, not proposed
    assert "detector" not in coded[0].why  # no classifier for CONSULT: nothing to say


def test_calibrated_confidence_is_the_types_measured_rate() -> None:
    # [events] detector_confidence: above its threshold p(T) barely ranks proposals, so the type's out-of-fold rate
    # is the confidence (below the display default, so `marsad events` shows them only with --min-confidence)
    step = _step(detector=False)
    det = _detector()
    det.calibrated = {"ACCUSE": 0.35}
    ev = det.apply(_article(), step.coder, [])[0]
    assert ev.confidence == 0.35 and ev.why["score"] > 0.5 and ev.why["detector"] > 0.99


class _Counting(_Signal):
    def __init__(self) -> None:
        super().__init__({}, {})
        self.calls: list[int] = []

    def embed(self, texts):
        self.calls.append(len(texts))
        return super().embed(texts)


def _articles() -> list[Article]:
    arts = []
    for k in range(5):
        art = _article(with_mentions=k != 3)
        art.id = art.source_path = f"t{k}"
        if k == 4:  # a sentence of its own: the batch embeds the union of the articles' sentences
            art.text += " وصفت تركيا الحادث."
            art.sentences.append((len(TEXT) + 1, len(art.text)))
        arts.append(art)
    return arts


def test_batched_embedding_gives_the_events_of_one_article_at_a_time() -> None:
    runs = {}
    for batch in (1, 3, 16):
        step = _step(detector=True, embed_batch_articles=batch)
        step.detector = _detector()
        step.detector.embedder = counting = _Counting()
        runs[batch] = ([e.to_dict() for a in step(_articles()) for e in a.events], counting.calls)
    events, calls = runs[1]
    assert events and all("detector" in e["why"] for e in events)  # every event was scored
    assert runs[3][0] == events and runs[16][0] == events
    assert calls == [2, 2, 1]  # one article at a time: t0's two, t3's two, t4's new one (the cache serves reprints)
    assert runs[16][1] == [5]  # in one batch: every distinct body sentence in one call
    assert runs[3][1] == [2, 3]  # two batches: t0-t2's two sentences, then t3's and t4's
