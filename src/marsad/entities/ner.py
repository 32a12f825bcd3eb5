"""CRF named-entity tagger (PERS/LOC/ORG/MISC, BIO tags) over marsad's tokens."""

from __future__ import annotations

from pathlib import Path

import pycrfsuite

from marsad.arabic import sentences
from marsad.entities.features import FeatureExtractor, split_tokens
from marsad.entities.ner_eval import chunks
from marsad.model import Span
from marsad.settings import data_path


def model_path() -> Path:
    return data_path("models", "ner.crfsuite")


def vocab_path(model: Path) -> Path:
    """The training vocabulary shipped beside a model (ner.crfsuite -> ner.vocab.txt)."""
    return model.with_name(model.stem + ".vocab.txt")


def read_vocab(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


class NerTagger:
    def __init__(self, tagger: pycrfsuite.Tagger, features: FeatureExtractor | None = None) -> None:
        self.tagger = tagger
        self.features = features or FeatureExtractor()

    @classmethod
    def load(cls, path: str | Path | None = None) -> NerTagger:
        path = Path(path) if path else model_path()
        if not path.exists():
            raise FileNotFoundError(f"NER model not found at {path}; build it with `make model`")
        t = pycrfsuite.Tagger()
        t.open(str(path))
        fx = FeatureExtractor(vocab=read_vocab(vocab_path(path)))
        fx.restrict({a for a, _ in t.info().state_features})
        return cls(t, fx)

    def tag(self, toks: list[str]) -> list[str]:
        if not toks:
            return []
        return self.tagger.tag(self.features.sent(toks))

    def tag_sents(self, sents: list[list[str]]) -> list[list[str]]:
        return [self.tag(s) for s in sents]

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[Span]:
        """Entity spans in text[start:end] with character offsets into ``text``, tagged sentence by sentence
        (the model was trained on sentences; a whole article as one sequence is slower and no better)."""
        end = len(text) if end is None else end
        out = []
        for s0, e0 in sentences(text[start:end]):
            toks = split_tokens(text, start + s0, start + e0)
            if not toks:
                continue
            tags = self.tag([t for _, _, t in toks])
            for i, j, label in sorted(chunks(tags)):
                s, e = toks[i][0], toks[j - 1][1]
                out.append(Span(s, e, label, text[s:e], attrs={"source": "ner"}))
        return out
