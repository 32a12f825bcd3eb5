"""CRF named-entity tagger (PERS/LOC/ORG/MISC, BIO tags) over marsad's tokens."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pycrfsuite

from marsad.arabic import normalize, sentences, tokens
from marsad.entities.features import FeatureExtractor, strip_prefix
from marsad.entities.ner_eval import chunks
from marsad.model import Span
from marsad.settings import data_path, section


def model_path() -> Path:
    return data_path("models", "ner.crfsuite")


def second_path(model: Path) -> Path:
    """The second-pass model shipped beside a first-pass one (ner.crfsuite -> ner.pass2.crfsuite)."""
    return model.with_name(model.stem + ".pass2.crfsuite")


def vocab_path(model: Path) -> Path:
    """The training vocabulary shipped beside a model (ner.crfsuite -> ner.vocab.txt)."""
    return model.with_name(model.stem + ".vocab.txt")


def read_vocab(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def carry_stop() -> frozenset[str]:
    """Common words that label propagation never carries alone (built from the training file by ``make model``)."""
    return read_vocab(data_path("ner", "carry_stop.txt"))


def doc_features(sents: list[list[str]], tags: list[list[str]], norm: Callable[[str], str] = normalize
                 ) -> list[list[list[str]]]:
    """Second-pass features from first-pass tags over a document window: the token's own first-pass tag, its
    neighbours', and the entity types the same word (or the word without its clitic) got elsewhere in the window."""
    normed = [[norm(w) for w in s] for s in sents]
    seen: dict[str, Counter[str]] = {}
    for n, tg in zip(normed, tags, strict=True):
        for w, t in zip(n, tg, strict=True):
            if t != "O" and len(w) >= 2:
                c = seen.setdefault(w, Counter())
                c[t[2:]] += 1
                r = strip_prefix(w)[1]
                if r != w:
                    seen.setdefault(r, Counter())[t[2:]] += 1
    out = []
    for n, tg in zip(normed, tags, strict=True):
        last = len(n) - 1
        fs = []
        for i, w in enumerate(n):
            t = tg[i]
            f = ["s0=" + t, "s-1=" + (tg[i - 1] if i else "BOS"), "s+1=" + (tg[i + 1] if i < last else "EOS")]
            c = seen.get(w)
            if c is None:
                r = strip_prefix(w)[1]
                c = seen.get(r) if r != w else None
            if c:
                own = t[2:] if t != "O" else ""
                others = {k: v - (k == own) for k, v in c.items()}
                best = max(others, key=lambda k: (others[k], k))
                if others[best] > 0:
                    f.append("sd=" + best)
                    f += ["sa=" + k for k, v in sorted(others.items()) if v > 0 and k != best]
            fs.append(f)
        out.append(fs)
    return out


class SentenceTagger:
    """What every NER backend shares: tag windows of consecutive sentences as one document (``_tag_doc``), and
    turn text into entity spans with character offsets. Backends differ only in ``_tag_doc``."""

    name = "base"

    def _norm(self, w: str) -> str:
        return normalize(w)

    def _tag_doc(self, sents: list[list[str]]) -> list[list[str]]:
        raise NotImplementedError

    def tag(self, toks: list[str]) -> list[str]:
        return self._tag_doc([toks])[0]

    def tag_sents(self, sents: list[list[str]], window: int | None = None) -> list[list[str]]:
        """Tags for consecutive sentences; names found once are carried to their other mentions within
        ``window`` sentences (a news story's length; the [entities] ner_doc_window setting)."""
        window = window or int(section("entities").get("ner_doc_window", 40))
        out: list[list[str]] = []
        for b in range(0, len(sents), window):
            out += self._tag_doc(sents[b:b + window])
        return out

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[Span]:
        """Entity spans in text[start:end] with character offsets into ``text``, tagged sentence by sentence
        (the models were trained on sentences; a whole article as one sequence is slower and no better)."""
        end = len(text) if end is None else end
        return self.spans_in(text, [(start + s0, start + e0) for s0, e0 in sentences(text[start:end])])

    def spans_in(self, text: str, bounds: list[tuple[int, int]]) -> list[Span]:
        """Entity spans of the given sentences of ``text`` (character bounds), tagged as one document: a name
        found in one sentence is carried to the others, and a batching backend sees them all at once."""
        sents = [t for s0, e0 in bounds if (t := tokens(text, s0, e0))]
        words = [[w for _, _, w in toks] for toks in sents]
        tags = self._tag_doc(words)
        out = []
        for toks, tg in zip(sents, tags, strict=True):
            for i, j, label in sorted(chunks(tg)):
                s, e = toks[i][0], toks[j - 1][1]
                out.append(Span(s, e, label, text[s:e], attrs={"source": "ner"}))
        return out


class NerTagger(SentenceTagger):
    """The CRF backend: fast (thousands of sentences a second), F1 0.72 on ANERcorp test."""

    name = "crf"

    def __init__(self, tagger: pycrfsuite.Tagger, features: FeatureExtractor | None = None,
                 second: pycrfsuite.Tagger | None = None) -> None:
        self.tagger = tagger
        self.features = features or FeatureExtractor()
        self.second = second

    @classmethod
    def load(cls, path: str | Path | None = None) -> NerTagger:
        path = Path(path) if path else model_path()
        if not path.exists():
            raise FileNotFoundError(f"NER model not found at {path}; build it with `make model`")
        t = pycrfsuite.Tagger()
        t.open(str(path))
        fx = FeatureExtractor(vocab=read_vocab(vocab_path(path)))
        attrs = {a for a, _ in t.info().state_features}
        second = None
        p2 = second_path(path)
        if p2.exists():
            second = pycrfsuite.Tagger()
            second.open(str(p2))
            attrs |= {a for a, _ in second.info().state_features}
        fx.restrict(attrs)
        return cls(t, fx, second)

    def _norm(self, w: str) -> str:
        return self.features.word(w)[0]  # the normalised form, cached with the word's features

    def _tag(self, toks: list[str]) -> list[str]:
        return self.tagger.tag(self.features.sent(toks)) if toks else []

    def _tag_doc(self, sents: list[list[str]]) -> list[list[str]]:
        """First-pass tags; with a second-pass model, tags again with what the first pass found in the whole
        window (doc_features); then label propagation."""
        if self.second is None:
            return propagate(sents, [self._tag(s) for s in sents], self._norm)
        sent, tag1, tag2 = self.features.sent, self.tagger.tag, self.second.tag
        feats = [sent(s) if s else [] for s in sents]  # computed once, shared by both passes
        tags = [tag1(f) if f else [] for f in feats]
        doc = doc_features(sents, tags, self._norm)
        tags = [tag2([a + b for a, b in zip(f, d, strict=True)]) if f else []
                for f, d in zip(feats, doc, strict=True)]
        return propagate(sents, tags, self._norm)


BACKENDS = ("crf", "e5")


def load_tagger(backend: str | None = None) -> SentenceTagger:
    """The NER backend named by ``backend`` or by the [entities] ner_backend setting."""
    backend = backend or str(section("entities").get("ner_backend", "crf"))
    if backend == "crf":
        return NerTagger.load()
    if backend == "e5":
        from marsad.entities.neural import shared

        return shared()
    raise ValueError(f"unknown NER backend {backend!r} (expected one of {', '.join(BACKENDS)})")


_CLITIC_FIRST = frozenset("وفبلك")


def propagate(sents: list[list[str]], tags: list[list[str]],
              norm: Callable[[str], str] = normalize, stop: frozenset[str] | None = None) -> list[list[str]]:
    """Label consistency within a document: a word sequence tagged as an entity somewhere is tagged the same
    wherever else it stands untagged (also after a clitic: و/ب/ل), and a person's last name alone takes PERS
    ("فلاديمير بوتين ... وقال بوتين"). Worth about +2 F1 on the dev part of ANERcorp at no tagging cost."""
    lex: dict[tuple[str, ...], Counter[str]] = {}
    normed = [[norm(w) for w in s] for s in sents]
    for n, tg in zip(normed, tags, strict=True):
        for i, j, label in sorted(chunks(tg)):  # sorted: ties in most_common must not follow hash order
            key = tuple(n[i:j])
            if len(" ".join(key)) >= 3:
                lex.setdefault(key, Counter())[label] += 1
            if label == "PERS" and j - i >= 2 and len(n[j - 1]) >= 4:
                lex.setdefault((n[j - 1],), Counter())["PERS"] += 1
    if not lex:
        return tags
    # A one-word name that is, in the training text, mostly a common word is not carried alone: after
    # normalisation علي "Ali" is على "on" and رييس "Reyes" is رئيس "president", and carrying them would tag
    # every preposition in the story (one e5 run: +1 F1 on the dev part, +7 when the whole part is one window).
    stop = carry_stop() if stop is None else stop
    best = {k: c.most_common(1)[0][0] for k, c in lex.items() if len(k) > 1 or k[0] not in stop}
    # Longest name starting with each word: most positions are skipped with one dict look-up.
    longest: dict[str, int] = {}
    for k in best:
        longest[k[0]] = max(longest.get(k[0], 0), len(k))
    out = []
    for n, tg in zip(normed, tags, strict=True):
        tg = list(tg)
        i = 0
        while i < len(n):
            w = n[i]
            rest = ""
            top = longest.get(w, 0)
            if tg[i] == "O" and w[:1] in _CLITIC_FIRST:
                clitic, rest = strip_prefix(w)
                if not clitic or clitic.endswith("ال") or clitic == "لل":
                    rest = ""
                top = max(top, longest.get(rest, 0))
            hit = None
            for size in range(min(top, len(n) - i), 0, -1):
                if tg[i] != "O" or any(t != "O" for t in tg[i + 1:i + size]):
                    continue
                label = best.get(tuple(n[i:i + size]))
                if label is None and rest:
                    label = best.get((rest, *n[i + 1:i + size]))
                if label:
                    hit = (size, label)
                    break
            if hit is None:
                i += 1
                continue
            size, label = hit
            tg[i] = "B-" + label
            for k in range(i + 1, i + size):
                tg[k] = "I-" + label
            i += size
        out.append(tg)
    return out
