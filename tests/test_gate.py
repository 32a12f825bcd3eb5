"""The learned precision gate and the OEDA detection split."""

from __future__ import annotations

import numpy as np

from marsad import detection
from marsad.events.gate import Gate, fit_logistic, model_path
from marsad.model import Event, Evidence


def test_split_is_stable_and_about_thirty_percent() -> None:
    ids = [f"AAW_ARB_2008{i:04d}" for i in range(2000)]
    share = sum(detection.split_of(i) == "test" for i in ids) / len(ids)
    assert 0.26 < share < 0.34
    assert [detection.split_of(i) for i in ids[:50]] == [detection.split_of(i) for i in ids[:50]]


def test_fit_logistic_separates_and_balances_classes() -> None:
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(1, 0.3, (20, 4)), rng.normal(-1, 0.3, (200, 4))])
    y = np.array([1.0] * 20 + [0.0] * 200)
    w, b = fit_logistic(X, y, l2=0.1)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    assert (p[:20] > 0.5).all() and (p[20:] < 0.5).all()


class _FixedGate(Gate):
    def embed(self, texts):  # no encoder in a unit test: one vector per text, its length as the signal
        return np.array([[1.0 if "قصف" in t else -1.0] for t in texts], dtype=np.float32)


def _event(etype: str, text: str, conf: float) -> Event:
    return Event(id=text, article_id="a", type=etype, confidence=conf, evidence=Evidence(text, 0, len(text)))


def test_gate_only_lowers_confidence_and_says_why() -> None:
    gate = _FixedGate({"ASSAULT": np.array([4.0], dtype=np.float32)}, {"ASSAULT": 0.0})
    evs = [_event("ASSAULT", "قصف الطيران القرية", 0.8), _event("ASSAULT", "ذكرى الحرب", 0.8),
           _event("CONSULT", "التقى الرئيسان", 0.7)]
    gate.apply(evs)
    assert evs[0].confidence == 0.8 and evs[0].why["gate"] > 0.9
    assert evs[1].confidence < 0.1 and evs[1].why["rule_confidence"] == 0.8
    assert evs[2].confidence == 0.7 and "gate" not in evs[2].why  # no gate for that type: unchanged


def test_shipped_gate_loads_and_round_trips(tmp_path) -> None:
    gate = Gate.load()
    assert gate is not None and {"ASSAULT", "PROTEST"} <= gate.types
    gate.save(tmp_path / "g.npz")
    again = Gate.load(tmp_path / "g.npz")
    assert again.types == gate.types and np.allclose(again.weights["ASSAULT"], gate.weights["ASSAULT"])
    assert model_path().name == "gate.npz"


def test_a_per_type_cut_reads_as_even_odds() -> None:
    plain = _FixedGate({"PROTEST": np.array([0.5], dtype=np.float32)}, {"PROTEST": 0.0})
    cut = _FixedGate({"PROTEST": np.array([0.5], dtype=np.float32)}, {"PROTEST": 0.0}, cuts={"PROTEST": 0.6})
    v = np.array([[1.0]], dtype=np.float32)
    p = float(plain.probability("PROTEST", v)[0])
    assert p > 0.6 and abs(float(cut.probability("PROTEST", v)[0]) - 0.5) < 0.1
    # the cut's own score maps to 0.5 exactly: the display threshold then keeps only scores above the cut
    at_cut = np.array([[np.log(0.6 / 0.4) / 0.5]], dtype=np.float32)
    assert abs(float(cut.probability("PROTEST", at_cut)[0]) - 0.5) < 1e-6
    assert "ASSAULT" not in cut.cuts
