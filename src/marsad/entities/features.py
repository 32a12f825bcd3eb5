"""Token features for the CRF NER tagger.

Features are plain strings (CRFsuite treats each as a binary feature). Everything that depends on one word only is
computed once per distinct word and cached, window features (offsets -2..+2) included, so tagging a sentence is
mostly list concatenation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.arabic import normalize
from marsad.settings import data_path

# Proclitic combinations, longest first: conjunction, preposition, article (لل is ل + ال with the alef dropped).
_PREFIXES = ("وبال", "وكال", "فبال", "فلل", "ولل", "وال", "فال", "بال", "كال", "لل", "ال", "وب", "ول", "فب", "فل",
             "و", "ف", "ب", "ل", "ك")
_SUFFIXES = ("هما", "كما", "هم", "هن", "كم", "ها", "نا", "ه", "ي", "ك")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_WINDOW = (-2, -1, 1, 2)


def strip_prefix(n: str) -> tuple[str, str]:
    """(clitic, rest) for a normalised word; the rest keeps at least two letters."""
    for p in _PREFIXES:
        if n.startswith(p) and len(n) - len(p) >= 2:
            return p, n[len(p):]
    return "", n


def strip_suffix(n: str) -> str:
    for s in _SUFFIXES:
        if n.endswith(s) and len(n) - len(s) >= 3:
            return n[: -len(s)]
    return n


def _read_list(name: str) -> frozenset[str]:
    p = data_path("ner", name)
    if not p.exists():
        return frozenset()
    words: set[str] = set()
    for line in p.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.update(normalize(w) for w in line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def word_lists() -> dict[str, frozenset[str]]:
    return {
        "F": _read_list("person_names.txt"),
        "T": _read_list("titles.txt"),
        "O": _read_list("org_keywords.txt"),
        "L": _read_list("loc_triggers.txt"),
        "Q": _read_list("org_names.txt"),
        "V": _read_list("person_tokens.txt"),
    }


def _len_bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3" if n == 3 else "5" if n <= 5 else "8" if n <= 8 else "9"


class FeatureExtractor:
    """Per-word features, cached; ``sent`` builds the window features of a whole sentence."""

    def __init__(self, gazetteer: object | None = None, use_gazetteer: bool = True) -> None:
        if gazetteer is None and use_gazetteer:
            from marsad.entities.gazetteer import default

            gazetteer = default()
        self.gaz = gazetteer
        self.lists = word_lists()
        self.cache: dict[str, tuple[list[str], dict[int, list[str]]]] = {}

    def _gaz_flags(self, n: str, rest: str, stem: str) -> list[str]:
        out = []
        for tag, words in self.lists.items():
            if n in words or rest in words:
                out.append("g" + tag)
        g = self.gaz
        if g is not None:
            if g.is_place_word(n):
                out.append("gP")
                if any(p.kind == "country" for p in g.lookup(n)[:1]):
                    out.append("gC")
            elif stem != rest and (stem.endswith("ي") or rest.endswith("يه")) and g.is_place_word(stem):
                out.append("gN")  # nisba adjective of a place: فلسطيني, الروسية
        return out

    def word(self, w: str) -> tuple[list[str], dict[int, list[str]]]:
        hit = self.cache.get(w)
        if hit is not None:
            return hit
        n = normalize(w) or w
        clitic, rest = strip_prefix(n)
        stem = strip_suffix(rest)
        shape: list[str] = []
        if _DIGIT.search(n):
            shape.append("D" if n.isdigit() else "d")
        if _LATIN.search(n):
            shape.append("lat")
        if not n[0].isalnum():
            shape.append("P=" + n)
        elif len(rest) >= 4:
            # Transliterated foreign names are rich in long vowels (فولكسفاغن, دوجاريك).
            v = sum(ch in "اوي" for ch in rest) / len(rest)
            shape.append("vr=" + ("0" if v < 0.2 else "1" if v < 0.34 else "2" if v < 0.5 else "3"))
        gaz = self._gaz_flags(n, rest, stem)
        base = ["b", "w=" + n, "r=" + rest, "st=" + stem, "c=" + clitic, "len=" + _len_bucket(len(n)),
                "p1=" + n[:1], "p2=" + n[:2], "p3=" + n[:3], "x1=" + n[-1:], "x2=" + n[-2:], "x3=" + n[-3:],
                "rx2=" + rest[-2:], "rp2=" + rest[:2]]
        base += shape
        base += gaz
        # Neighbours see a smaller set: identity, stem, clitic and gazetteer flags.
        ctx = ["w=" + n, "r=" + rest, "c=" + clitic, *shape, *gaz]
        near = {o: [f"{o}:{f}" for f in ctx] for o in _WINDOW}
        for o in (-1, 1):
            near[o].append(f"{o}:x2={n[-2:]}")
        hit = (base, near)
        if len(self.cache) < 500_000:  # bound memory on endless streams
            self.cache[w] = hit
        return hit

    def sent(self, toks: list[str]) -> list[list[str]]:
        per = [self.word(t) for t in toks]
        n = len(toks)
        out = []
        for i in range(n):
            f = list(per[i][0])
            for o in _WINDOW:
                j = i + o
                if 0 <= j < n:
                    f.extend(per[j][1][o])
                elif o in (-1, 1):
                    f.append("BOS" if o < 0 else "EOS")
            # The word pair with its left neighbour: catches "عبد الله", "وزارة الخارجية".
            if i > 0:
                f.append("bg=" + per[i - 1][1][-1][0][5:] + "|" + per[i][0][1][2:])
            out.append(f)
        return out
