"""PLOVER event coding: trigger lexicon (data/events/triggers.yaml), coder and the pipeline step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..entities.resolve import EntityResources
from ..model import Article
from ..pipeline import BatchedMapStep
from ..settings import section
from .coder import Coder, Resources, code_article
from .gate import Gate
from .lexicon import Lexicon, load_lexicon

__all__ = ["Coder", "EventStep", "Gate", "Lexicon", "Resources", "code_article", "load_lexicon"]


class EventStep(BatchedMapStep):
    """Sets ``article.events``. Loads the lexicon, the precision gate ([events] gate; off when its model file is
    absent) and the learned detector ([events] detector; after the gate, so its own events are not gated) once;
    takes the KB and gazetteer from the entities stage's ``entities`` resources (the pipeline passes the entities
    step's), else loads that stage's own."""

    name = "events"
    warm_failure = "embed_prefetch_failed"
    requires = ("sentences", "mentions", "timexes")
    provides = ("events",)

    def __init__(self, lexicon_path: str | None = None, settings: dict[str, Any] | None = None,
                 actors: Iterable[str] = (), entities: EntityResources | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else section("events")
        self.coder = Coder(load_lexicon(lexicon_path), self.settings, Resources(actors=actors, entities=entities))
        self.gate = Gate.load(threads=self.settings.get("gate_threads"), cuts=self.settings.get("gate_cuts"),
                              encoder=self.settings.get("gate_encoder")) if self.settings.get("gate", True) else None
        # the learned detector ([events] detector; off when its model file is absent): shares the gate's sentence
        # vectors when the gate reads them with the same encoder
        self.detector: Any = None
        if self.settings.get("detector", False):
            from .detector import Detector  # (imported here: `python -m marsad.events.detector` runs it as main)

            shared = self.gate if self.gate is not None and self.gate.encoder == "numpy" else None
            self.detector = Detector.load(thresholds=self.settings.get("detector_thresholds"), embedder=shared,
                                          proposes=self.settings.get("detector_types"),
                                          calibrated=self.settings.get("detector_confidence"))
        # [events] embed_batch_articles: the body sentences of this many articles are embedded in one pass (the
        # detector reads them all, the gate those with a proposal: one sentence a call costs 1.6 times as much)
        self.batch = int(self.settings.get("embed_batch_articles", 16))
        self.batch_chars = int(self.settings.get("embed_batch_max_chars", 20_000))

    def batching(self) -> bool:
        return self.detector is not None and self.batch > 1

    def warm(self, articles: list[Article]) -> None:
        """The body sentences of several articles embedded in one pass (the detector's and the gate's cache)."""
        self.count("sentences prefetched", self.detector.prefetch(articles))

    def process(self, article: Article) -> Article:
        # Reprints are coded too: stories count their events as reports that are not independent.
        before = self.coder.vetoes.copy()
        article.events = self.coder.code(article)
        for rule, n in (self.coder.vetoes - before).items():
            self.count(f"vetoed by {rule}", n)  # per-step stats: which rules dropped how many hits
        if self.gate is not None:
            self.gate.apply(article.events)
            self.count("gated", sum(1 for e in article.events if "gate" in e.why))
        if self.detector is not None:
            added = self.detector.apply(article, self.coder, article.events)
            article.events.extend(added)
            self.count("detector events", len(added))
        self.count("events", len(article.events))
        return article
