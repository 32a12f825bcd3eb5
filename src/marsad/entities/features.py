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
_CACHE_MAX = 40_000  # distinct words kept with their features, about 2.5 KB each: at most ~100 MB
# One regex each instead of a loop of startswith: this runs once per distinct word and dominates cold tagging.
_PREFIX_RE = re.compile("^(" + "|".join(_PREFIXES) + ")(?=..)")
_SUFFIX_RE = re.compile("(?<=...)(" + "|".join(_SUFFIXES) + ")$")


def strip_prefix(n: str) -> tuple[str, str]:
    """(clitic, rest) for a normalised word; the rest keeps at least two letters."""
    m = _PREFIX_RE.match(n)
    return (m.group(1), n[m.end():]) if m else ("", n)


def strip_suffix(n: str) -> str:
    m = _SUFFIX_RE.search(n)
    return n[: m.start()] if m else n


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
    """Per-word features, cached; ``sent`` builds the window features of a whole sentence.

    ``restrict`` (given the tagger's attribute set) drops features the model never weighted, so fewer strings
    cross into CRFsuite per token: the largest single cost of tagging.
    """

    def __init__(self, gazetteer: object | None = None, use_gazetteer: bool = True,
                 vocab: frozenset[str] | None = None) -> None:
        if gazetteer is None and use_gazetteer:
            from marsad.entities.gazetteer import default

            gazetteer = default()
        self.gaz = gazetteer
        # word -> its list flags ("gF", "gT", ...), one dict lookup per form instead of one per list.
        self.flags: dict[str, list[str]] = {}
        for tag, words in word_lists().items():
            for w in words:
                self.flags.setdefault(w, []).append("g" + tag)
        self.allowed: frozenset[str] | None = None
        # Words seen at least twice in training: a word outside it behaves like the hapaxes the model learnt
        # from, which are names far more often than frequent words are.
        if vocab is None:
            from marsad.entities.ner import model_path, read_vocab, vocab_path

            vocab = read_vocab(vocab_path(model_path()))
        self.vocab = vocab
        # Multi-word place names ("الضفة الغربية", "سانت بطرسبرغ"), matched over token pairs and triples.
        self.multi: frozenset[str] = getattr(gazetteer, "multi", frozenset())
        # word -> (normalised form, own features, features seen from offsets -2, -1, +1, +2, form without و/ب/ل)
        self.cache: dict[str, tuple[str, list[str], list[str], list[str], list[str], list[str], str]] = {}

    def restrict(self, attributes: set[str] | frozenset[str] | None) -> None:
        self.allowed = frozenset(attributes) if attributes is not None else None
        self.cache.clear()

    def _gaz_flags(self, n: str, rest: str, stem: str) -> list[str]:
        out = list(self.flags.get(n, ()))
        if rest != n:
            out += [f for f in self.flags.get(rest, ()) if f not in out]
        g = self.gaz
        if g is not None:
            places = g.place_word(n)
            if places:
                out.append("gP")
                if places[0].kind == "country":
                    out.append("gC")
            elif stem != rest and (stem.endswith("ي") or rest.endswith("يه")) and g.place_word(stem):
                out.append("gN")  # nisba adjective of a place: فلسطيني, الروسية
        return out

    def word(self, w: str) -> tuple[str, list[str], list[str], list[str], list[str], list[str], str]:
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
        rare = ["rare"] if self.vocab and n not in self.vocab and n[0].isalpha() else []
        base += rare
        # Inner character trigrams: transliterated names share letter sequences (غو، يه، تش) with other names.
        if len(rest) >= 5:
            base += ["c3=" + rest[k:k + 3] for k in range(1, len(rest) - 3)]
        # Neighbours see a smaller set: identity, stem, clitic and gazetteer flags.
        ctx = ["w=" + n, "r=" + rest, "c=" + clitic, *shape, *gaz]
        ctx1 = [*ctx, "x2=" + n[-2:], "st=" + stem]
        ctx2 = ["w=" + n, *gaz]  # two words away only identity and lexicon flags still pay for their cost
        lists = [base, ["-2:" + f for f in ctx2], ["-1:" + f for f in ctx1], ["1:" + f for f in ctx1],
                 ["2:" + f for f in ctx2]]
        if self.allowed is not None:
            lists = [[f for f in fl if f in self.allowed] for fl in lists]
        bare = "ال" + rest if clitic.endswith("ال") or clitic.endswith("لل") else rest
        hit = (n, *lists, bare)
        if len(self.cache) >= _CACHE_MAX:
            self.cache.clear()  # start over rather than grow without bound on endless streams
        self.cache[w] = hit
        return hit

    def sent(self, toks: list[str]) -> list[list[str]]:
        cache = self.cache
        per = [cache.get(t) or self.word(t) for t in toks]
        last = len(toks) - 1
        allowed = self.allowed
        inside = self._multi(per) if self.multi and last > 0 else None
        out = []
        for i, cur in enumerate(per):
            f = cur[1] + per[i - 1][3] if i else cur[1] + ["BOS"]
            if i > 1:
                f += per[i - 2][2]
            if i < last:
                f += per[i + 1][4]
                if i + 1 < last:
                    f += per[i + 2][5]
                # Word pairs: catch "عبد الله", "وزارة الخارجية".
                bg = "bg+=" + cur[0] + "|" + per[i + 1][0]
                if allowed is None or bg in allowed:
                    f.append(bg)
            else:
                f.append("EOS")
            if inside and i in inside:
                f.append(inside[i])
            if i:
                bg = "bg=" + per[i - 1][0] + "|" + cur[0]
                if allowed is None or bg in allowed:
                    f.append(bg)
            out.append(f)
        return out

    def _multi(self, per: list[tuple]) -> dict[int, str]:
        """Token positions inside a multi-word place name: {i: "gm=B" | "gm=I"}, longest match first."""
        multi = self.multi
        out: dict[int, str] = {}
        n = len(per)
        i = 0
        while i < n - 1:
            first = per[i][6]
            two = first + " " + per[i + 1][0]
            j = 0
            if i + 2 < n and two + " " + per[i + 2][0] in multi:
                j = 3
            elif two in multi or (first != per[i][0] and per[i][0] + " " + per[i + 1][0] in multi):
                j = 2
            if j:
                out[i] = "gm=B"
                for k in range(i + 1, i + j):
                    out[k] = "gm=I"
                i += j
            else:
                i += 1
        return out
