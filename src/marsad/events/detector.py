"""The learned event detector: does this sentence report an event of type T, whatever words it uses?

The rules find events by their triggers; a sentence that reports one in other words ("استدعاء السفير" for a
sanction, "وجه نداء بالتحرك" for a request) has none. One logistic regression per PLOVER type over the sentence's
multilingual-e5 vector (the gate's ``passage_vectors``) gives p(T | sentence). After the coder, each body sentence
the coder reads is scored; where p(T) reaches the type's threshold and the coder coded no event of T there, the
detector proposes one ([events] detector_types: the types it may), with the sentence's own participants (the
coder's argument reading, the discourse's last actor for a dropped subject; two sides for a dyadic type). The
coder's own events get their sentence's p(T) in ``why``; they are never dropped.

Trained by ``python -m marsad.events.detector train`` on real pages with gold (the real corpus's dev part: every
body sentence, positive for the types of the gold events whose evidence it holds, negative for the rest), the OEDA
detection sets' train split and the GSR's train split (for their own type only). Thresholds and the L2 weight are
chosen per type by cross-validation grouped by document, on the training examples alone; ``eval/real/crossval.py``
gives the out-of-fold figures.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Article, Entity, Event, Evidence, stable_id
from ..settings import data_path
from .clause import Discourse
from .coder import DYADIC, entity_key
from .gate import Gate, balanced_log_loss, fit_logistic, read_type_weights, write_type_weights

MIN_POSITIVES = 6  # a type needs this many positive sentences to get a classifier
L2_GRID = (0.1, 0.3, 1.0, 3.0)
FOLDS = 5
MAX_RECIPIENTS = 4
BETA = 0.5  # the F-beta the thresholds are chosen by (see best_threshold; out-of-fold dev F1 .339 at 0.5, .324 at 1)
BETAS = (1.0, 0.75, 0.5)  # the ones the model's meta records, for a choice without retraining
SUBJECT_SLOT = 3  # a first participant further than this many tokens into the sentence is no verb's subject


def model_path() -> Path:
    return data_path("events", "detector.npz")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


@dataclass
class Example:
    """One training sentence: ``group`` keeps a document's sentences in one fold; ``scope`` None means it speaks
    for every type (a real page's sentence), else only for the types it names (an OEDA row speaks for its own)."""

    group: str
    text: str
    positive: frozenset[str]
    scope: frozenset[str] | None = None


@dataclass
class Detector:
    """Per-type weights over e5 sentence vectors and the p(T) each type proposes at."""

    weights: dict[str, np.ndarray]
    bias: dict[str, float]
    thresholds: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)
    embedder: Gate | None = None  # the embedding cache (a weightless Gate); made on first use
    proposes: frozenset[str] | None = None  # the types it may add events of ([events] detector_types; None: all)
    # [events] detector_confidence: the share of a type's proposals that are right out of fold on the real dev part
    # (eval/real/crossval.py --calibrate). Above its threshold p(T) barely ranks proposals (right 0.27 of the time
    # from 0.5 to 0.9 on the rescaled score), so the type's measured rate is the proposal's confidence.
    calibrated: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None, thresholds: dict[str, float] | None = None,
             embedder: Gate | None = None, proposes: Iterable[str] | None = None,
             calibrated: dict[str, float] | None = None) -> Detector | None:
        """The trained model; ``thresholds`` ([events] detector_thresholds) override the trained ones per type;
        ``proposes`` ([events] detector_types) limits the types it adds events of (all scored in ``why``)."""
        read = read_type_weights(Path(path) if path else model_path())
        if read is None:
            return None
        weights, bias, meta, z = read
        thr = {str(t): float(v) for t, v in zip(z["types"], z["thresholds"], strict=True)}
        thr.update({t: float(v) for t, v in (thresholds or {}).items() if t in thr and 0.0 < float(v) < 1.0})
        return cls(weights, bias, thr, meta, embedder, frozenset(proposes) if proposes is not None else None,
                   {t: float(v) for t, v in (calibrated or {}).items()})

    def save(self, path: str | Path) -> None:
        write_type_weights(path, self.weights, self.bias, self.meta, {"thresholds": self.thresholds})

    @property
    def types(self) -> list[str]:
        return sorted(self.weights)

    def probabilities(self, vectors: np.ndarray) -> dict[str, np.ndarray]:
        return {t: 1.0 / (1.0 + np.exp(-(vectors @ self.weights[t] + self.bias[t]))) for t in self.types}

    def score(self, etype: str, p: float) -> float:
        """p read on the log-odds scale with the type's threshold at even odds (as the gate's cuts)."""
        return round(1.0 / (1.0 + np.exp(-(_logit(p) - _logit(self.thresholds[etype])))), 3)

    def confidence(self, etype: str, p: float) -> float:
        """The type's calibrated rate where measured, else the rescaled score (a proposal at the threshold reads
        as even odds)."""
        c = self.calibrated.get(etype)
        return round(c, 3) if c is not None else self.score(etype, p)

    def vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        if self.embedder is None:
            self.embedder = Gate({}, {}, encoder="numpy")  # no weights: its sentence-vector cache only
        return self.embedder._embed_cached(texts)

    def prefetch(self, articles: Iterable[Article]) -> int:
        """Embeds the body sentences of several articles in one pass (batches of one article's sentences kept
        the matrix products small), so that ``apply`` finds them cached; the number of distinct sentences."""
        if not self.weights:
            return 0
        texts = list(dict.fromkeys(t for a in articles for t in body_texts(a)))
        if texts:
            self.vectors(texts)
        return len(texts)

    def apply(self, article: Article, coder: Any, events: list[Event]) -> list[Event]:
        """The events the detector adds to the coder's ``events`` (which get their sentence's p in ``why``)."""
        spans = body_spans(article)
        if not spans or not self.weights:
            return []
        texts = [article.text[s:e] for s, e in spans]
        vecs = self.vectors(list(dict.fromkeys(texts)))
        probs = self.probabilities(np.stack([vecs[t] for t in texts]))
        by_sentence: dict[int, list[Event]] = {}  # the coder's events of each body sentence
        for ev in events:
            k = _sentence_of(ev, spans)
            if k is None:
                continue
            by_sentence.setdefault(k, []).append(ev)
            if ev.type in probs:
                ev.why["detector"] = round(float(probs[ev.type][k]), 3)
        return self._propose(article, coder, events, spans, probs, by_sentence)

    def _propose(self, article: Article, coder: Any, events: list[Event], spans: list[tuple[int, int]],
                 probs: dict[str, np.ndarray], by_sentence: dict[int, list[Event]]) -> list[Event]:
        state = coder.article_state(article)
        discourse = Discourse()
        out: list[Event] = []
        for k, (s, e) in enumerate(spans):
            coded = {ev.type for ev in by_sentence.get(k, ())}
            want = [(t, float(probs[t][k])) for t in self.types if (self.proposes is None or t in self.proposes)
                    and probs[t][k] >= self.thresholds[t] and t not in coded]
            args = coder.sentence_participants(article, s, e, state) if want else []
            actors, recipients = _parties(args, discourse, k)
            for etype, p in want:
                sides = len({entity_key(x) for x in actors + recipients})
                if sides >= (2 if etype in DYADIC else 1) and not _told(etype, actors + recipients, events + out):
                    out.append(self._event(article, coder, etype, p, s, e, actors, recipients))
            for ev in by_sentence.get(k, ()):  # the coder's events carry the discourse on
                discourse.note(ev.actors, ev.recipients, k)
            if want and actors:
                discourse.note(actors, recipients, k)
        return out

    def _event(self, article: Article, coder: Any, etype: str, p: float, s: int, e: int, actors: list[Entity],
               recipients: list[Entity]) -> Event:
        date, prec, date_text = coder.sentence_date(article, s, e)
        parts = sorted(entity_key(x) for x in actors + recipients)
        return Event(id=stable_id(article.id, etype, s, "|".join(parts), "detector"), article_id=article.id,
                     type=etype, status=coder.sentence_status(article, s, e), actors=actors, recipients=recipients,
                     date=date, date_precision=prec, date_text=date_text, confidence=self.confidence(etype, p),
                     evidence=Evidence(article.text[s:e], s, e), trigger=None, coder="marsad-detector",
                     why={"rule": "detector", "detector": round(p, 3), "score": self.score(etype, p)})


def body_spans(article: Article) -> list[tuple[int, int]]:
    """The body sentences the detector scores (and whose text the coder's body evidence is): the non-blank ones."""
    return [(s, e) for s, e in article.sentences if article.text[s:e].strip()]


def body_texts(article: Article) -> list[str]:
    return [article.text[s:e] for s, e in body_spans(article)]


def _told(etype: str, parties: list[Entity], events: list[Event]) -> bool:
    """An event of the type the article already has with the same parties (as many as the scorer asks of a match:
    two, or the one there is): a second sentence about it is the same event, not another."""
    keys = {entity_key(x) for x in parties}
    need = min(2, len(keys))
    return any(ev.type == etype and len(keys & {entity_key(x) for x in ev.actors + ev.recipients}) >= need
               for ev in events)


def _sentence_of(ev: Event, spans: list[tuple[int, int]]) -> int | None:
    """The body sentence (spans are in text order) holding the start of the event's evidence."""
    if ev.evidence is None or ev.evidence.field != "text":
        return None
    k = bisect_right(spans, (ev.evidence.start, float("inf"))) - 1
    return k if k >= 0 and spans[k][0] <= ev.evidence.start < spans[k][1] else None


def _parties(args: list[Any], discourse: Discourse, k: int) -> tuple[list[Entity], list[Entity]]:
    """Actor and recipients from the sentence's participants in text order: the first is the subject, unless it
    stands past the verb's subject slot and the sentence before named an actor (a dropped subject: "وأضاف ...
    أن X"), who is then the actor and every participant a recipient."""
    ents: list[tuple[int, Entity]] = []
    seen: set[str] = set()
    for a in args:
        for x in a.entities:
            if entity_key(x) not in seen:
                seen.add(entity_key(x))
                ents.append((a.t0, x))
    prev = discourse.last_actor if k - discourse.last_actor_sentence <= 1 else None
    if prev is not None and (not ents or ents[0][0] > SUBJECT_SLOT) and entity_key(prev) not in seen:
        return [prev], [x for _, x in ents[:MAX_RECIPIENTS]]
    if not ents:
        return [], []
    return [ents[0][1]], [x for _, x in ents[1:1 + MAX_RECIPIENTS]]


# --------------------------------------------------------------------------------------------- training
def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class VectorCache:
    """Sentence vectors on disk, keyed by a hash of the text, so a rerun encodes nothing it has seen."""

    def __init__(self, path: Path | None, embed: Callable[[list[str]], np.ndarray]) -> None:
        self.path, self.embed = path, embed
        self.known: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            z = np.load(path, allow_pickle=False)
            self.known = dict(zip((str(k) for k in z["keys"]), z["vectors"], strict=True))

    def get(self, texts: Sequence[str], chunk: int = 256) -> dict[str, np.ndarray]:
        todo = list(dict.fromkeys(t for t in texts if text_key(t) not in self.known))
        for i in range(0, len(todo), chunk):  # saved as it goes: an interrupted run keeps what it encoded
            part = todo[i:i + chunk]
            self.known.update(zip((text_key(t) for t in part), self.embed(part), strict=True))
            self.save()
        return {t: self.known[text_key(t)] for t in texts}

    def save(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, keys=np.array(list(self.known)), vectors=np.stack(list(self.known.values())))


def fold_of(name: str, k: int = FOLDS) -> int:
    """A fold from a hash of a document's (or group's) name: stable, and a document never straddles two folds."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) % k


def _folds(groups: list[str], k: int = FOLDS) -> np.ndarray:
    return np.array([fold_of(g, k) for g in groups])


def _cv_probs(X: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    p = np.zeros(len(y))
    for f in np.unique(folds):
        tr = folds != f
        if y[tr].sum() < 1 or y[tr].sum() == tr.sum():
            p[~tr] = float(y[tr].mean())
            continue
        w, b = fit_logistic(X[tr], y[tr], l2)
        p[~tr] = 1 / (1 + np.exp(-(X[~tr] @ w + b)))
    return p


def best_threshold(p: np.ndarray, y: np.ndarray, beta: float = 1.0) -> tuple[float, float]:
    """The cut with the best F-beta of (p ≥ cut) against y, and that score; ties go to the higher cut. A beta
    under 1 weighs precision more: a proposal must also find its participants to be right, so a sentence found
    is worth less than a sentence missed is."""
    best = (0.0, 0.95)
    b2 = beta * beta
    for t in np.arange(0.95, 0.2, -0.025):
        pred = p >= t
        tp = float((pred & (y > 0.5)).sum())
        f = (1 + b2) * tp / max(1.0, float(pred.sum()) + b2 * float((y > 0.5).sum()))
        if f > best[0] + 1e-9:
            best = (f, float(round(t, 3)))
    return best[1], best[0]


def fit_type(X: np.ndarray, y: np.ndarray, groups: list[str], real: np.ndarray, beta: float = BETA
             ) -> dict[str, Any]:
    """One type's weights: L2 by grouped CV log loss, the threshold by grouped CV F-beta on real sentences only
    (the OEDA rows teach the classifier, but their share of positives is not a page's)."""
    folds = _folds(groups)
    probs = {a: _cv_probs(X, y, folds, a) for a in L2_GRID}
    l2 = min(L2_GRID, key=lambda a: balanced_log_loss(probs[a], y))
    cuts = {bt: best_threshold(probs[l2][real], y[real], bt) for bt in dict.fromkeys((*BETAS, beta, 1.0))}
    w, b = fit_logistic(X, y, l2)
    return {"w": w, "b": b, "l2": l2, "threshold": cuts[beta][0], "cv_f1": round(cuts[1.0][1], 3),
            "thresholds_by_beta": {str(k): cuts[k][0] for k in BETAS}}


def train(examples: list[Example], cache: VectorCache, types: Iterable[str] | None = None,
          log: Callable[[str], None] | None = print, beta: float = BETA) -> Detector:
    from ..model import PLOVER_TYPES

    vecs = cache.get([x.text for x in examples])
    det = Detector({}, {}, {}, {"types": {}})
    for etype in types or PLOVER_TYPES:
        rows = [x for x in examples if x.scope is None or etype in x.scope]
        y = np.array([etype in x.positive for x in rows], dtype=np.float64)
        real = np.array([x.scope is None for x in rows])
        if y[real].sum() < MIN_POSITIVES:
            continue
        X = np.stack([vecs[x.text] for x in rows]).astype(np.float64)
        fit = fit_type(X, y, [x.group for x in rows], real, beta)
        det.weights[etype], det.bias[etype], det.thresholds[etype] = fit["w"], fit["b"], fit["threshold"]
        det.meta["types"][etype] = {"positives": int(y.sum()), "real_positives": int(y[real].sum()),
                                    "negatives": int(len(y) - y.sum()), "l2": fit["l2"],
                                    "threshold": fit["threshold"], "cv_f1_real_sentences": fit["cv_f1"],
                                    "thresholds_by_beta": fit["thresholds_by_beta"]}
        if log:
            log(f"{etype:<10} pos {int(y.sum()):>4} (real {int(y[real].sum()):>3}) neg {int(len(y) - y.sum()):>5} "
                f"l2 {fit['l2']} thr {fit['threshold']} cv F1 (real sentences) {fit['cv_f1']}")
    return det


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] != ["train"]:
        raise SystemExit("usage: python -m marsad.events.detector train [--real GOLD TEXTS] [--oeda CSV ...] "
                         "[--gsr JSONL] [--cache DIR] [--out PATH]")
    from .detector_train import main

    raise SystemExit(main(sys.argv[2:]))
