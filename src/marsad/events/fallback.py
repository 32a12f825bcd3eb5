"""A last-resort actor finder for the event coder: titles + nationality + name, countries, capitals, surnames.

Used only when the entities stage has produced nothing (it is not installed, failed, or the text is a title it never
saw). It keeps the coder usable and testable on its own; the knowledge base in marsad.entities is the real thing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from ..arabic import normalize, strip_diacritics, tokens
from ..model import Entity, Mention
from ..settings import data_path
from .lexicon import Lexicon, _candidates, norm_phrase
from .words import word_set, word_tuple


def _display(s: str) -> str:
    """The name as written, less diacritics and tatweel: "الرئيس", not the matching form "الرييس"."""
    return " ".join(strip_diacritics(s).split())


# epithets after a ruler's name ("هيثم بن طارق المعظم", "حفظه الله"): praise, never part of a name
_EPITHETS = frozenset(normalize(w) for w in word_tuple("ruler_epithets"))

_PUNCT = word_set("name_punctuation")
_ART = word_tuple("article")[0]
_AND = word_tuple("coordinators")[0]
_NISBA_SUFFIXES = (*word_tuple("nisba_suffixes"), "")  # the bare stem last
_NISBA = word_tuple("nisba_ending")[0]
_NAME_ARTICLE_FORMS = word_tuple("name_article_forms")


class FallbackActors:
    def __init__(self, data: dict[str, Any], lex: Lexicon | None = None) -> None:
        self.lex = lex
        self.country: dict[tuple[str, ...], tuple[str, str, str]] = {}  # phrase -> (iso, en, ar)
        self.capital: dict[tuple[str, ...], tuple[str, str, str]] = {}  # phrase -> (iso, en, ar)
        self.adj: dict[str, str] = {}  # normalised stem -> iso
        self.names: dict[str, tuple[str, str]] = {}
        for iso, (name_ar, adj, cap_ar, en, cap_en) in (data.get("countries") or {}).items():
            ph = norm_phrase(name_ar)
            self.country[ph] = (iso, en, name_ar)
            if ph and ph[0].startswith(_ART) and len(ph) == 1:
                self.country[(ph[0][2:],)] = (iso, en, name_ar)
            self.capital[norm_phrase(cap_ar)] = (iso, cap_en, cap_ar)
            self.adj[" ".join(norm_phrase(adj))] = iso
            self.names[iso] = (en, name_ar)
        t = data.get("titles") or {}
        self.titles = sorted({norm_phrase(x) for k in ("head", "minister", "honorific") for x in t.get(k, [])},
                             key=len, reverse=True)
        self._title_index: dict[str, list[tuple[str, ...]]] = {}
        for ph in self.titles:
            self._title_index.setdefault(ph[0], []).append(ph)
        self.counterpart = {normalize(x) for x in t.get("counterpart", [])}
        self.stop = {normalize(x) for x in data.get("stop") or []}
        self.role_of = {norm_phrase(x): "head" for x in t.get("head", [])}

    def _adj_iso(self, w: str) -> str | None:
        for stem, _ in _candidates(w):
            for suf in _NISBA_SUFFIXES:
                if suf and not stem.endswith(suf):
                    continue
                base = stem[: len(stem) - len(suf)] if suf else stem
                for cand in (base + _NISBA, base):
                    if cand in self.adj:
                        return self.adj[cand]
        return None

    def _phrase(self, table: dict[tuple[str, ...], tuple[str, str, str]], norm: list[str], i: int) -> tuple[int, Any]:
        for n in (3, 2, 1):
            if i + n > len(norm):
                continue
            for stem, _ in _candidates(norm[i]):
                key = (stem, *norm[i + 1:i + n])
                if key in table:
                    return n, table[key]
        return 0, None

    def _title(self, norm: list[str], i: int) -> int:
        for c, _ in _candidates(norm[i]):
            for ph in self._title_index.get(c, ()):  # longest first
                n = len(ph)
                if i + n <= len(norm) and tuple(norm[i + 1:i + n]) == ph[1:]:
                    return n
        return 0

    def _is_trigger(self, norm: list[str], i: int) -> bool:
        return bool(self.lex and self.lex.match_at(norm, i)[0])

    def find(self, text: str, kb: Any = None, published: str | None = None) -> list[Mention]:
        """Mentions in ``text``; with a knowledge base, its names, ids and office holders replace the guesses."""
        own = self._find(text)
        if kb is None:
            return own
        try:
            kbm = [m for m in kb.match(text) if m.entity is not None and m.label in ("PERS", "ORG", "GPE")]
        except Exception:
            return own
        out: list[Mention] = []
        used: set[int] = set()
        persons: list[Entity] = []
        same: dict[int, Entity] = {}  # our entity -> the KB's, so coreferent mentions follow the first match
        for m in own:
            if m.entity is not None and id(m.entity) in same:
                m = Mention(m.start, m.end, m.text, m.label, same[id(m.entity)], m.source, m.attrs)
            over = [k for k, x in enumerate(kbm) if x.start < m.end and m.start < x.end]
            if over:
                x = kbm[over[-1]]
                used.update(over)
                if x.label == "PERS" or m.label != "PERS":
                    ent = x.entity
                    if m.entity is not None and ent is not None:
                        same[id(m.entity)] = ent
                    m = Mention(min(m.start, x.start), max(m.end, x.end), text[min(m.start, x.start):max(m.end, x.end)],
                                x.label, ent, "fallback+kb", x.attrs)
            elif m.label == "PERS" and m.entity is not None and not m.entity.id and m.entity.country \
                    and (m.attrs or {}).get("coref") is False:
                # "الرئيس الروسي" with no name: the office holder on the publication date, if the KB knows
                try:
                    role = "president" if m.entity.role else None
                    a = kb.holder(m.entity.country, role, published) if role else None
                    if a is None:
                        ref = next((p for p in reversed(persons) if p.country == m.entity.country), None)
                        if ref is not None:
                            m.entity = ref
                    else:
                        m.entity = a.entity(m.text, day=published)
                except Exception:
                    pass
            if m.entity is not None and m.entity.kind == "person":
                persons.append(m.entity)
            out.append(m)
        for k, x in enumerate(kbm):
            if k not in used and not any(o.start < x.end and x.start < o.end for o in out):
                out.append(x)
        out.sort(key=lambda m: m.start)
        return out

    def _find(self, text: str) -> list[Mention]:
        toks = tokens(text)
        norm = [normalize(t) for _, _, t in toks]
        out: list[Mention] = []
        persons: list[Entity] = []
        surnames: dict[str, Entity] = {}
        i = 0
        while i < len(toks):
            nxt = self._person_at(text, toks, norm, i, out, persons, surnames)
            if nxt is not None:
                i = nxt
                continue
            n = self._place_at(text, toks, norm, i, out)
            if n:
                i += n
                continue
            for stem, _ in _candidates(norm[i]):
                if stem in surnames:
                    ent = surnames[stem]
                    out.append(Mention(toks[i][0], toks[i][1], toks[i][2], "PERS", ent, "fallback"))
                    break
            i += 1
        return out

    def _titles_at(self, norm: list[str], i: int) -> tuple[int, str | None]:
        """[counterpart|title]+ from token i: where they end and the role they give."""
        j = i
        role = None
        while j < len(norm):
            n = self._title(norm, j)
            if n:
                role = role or ("head" if tuple(norm[j:j + n]) in self.role_of else "official")
                j += n
                continue
            if norm[j] in self.counterpart or any(c in self.counterpart for c, _ in _candidates(norm[j])):
                role = role or "counterpart"
                j += 1
                continue
            break
        return j, role

    def _name_end(self, toks: list[tuple[int, int, str]], norm: list[str], j: int) -> int:
        """Where a name starting at token j ends (at most 4 words, before punctuation, titles, places, triggers)."""
        k = j
        while (k < len(toks) and k - j < 4 and toks[k][2] not in _PUNCT and norm[k] not in self.stop
               and norm[k].lstrip(_AND) not in _EPITHETS
               and not self._title(norm, k) and not self._adj_iso(norm[k])
               and not any(c in self.counterpart or c in self.stop for c, _ in _candidates(norm[k]))
               and not self._phrase(self.country, norm, k)[0] and not self._is_trigger(norm, k)
               and not norm[k].isdigit()
               and not (k == j and norm[k].startswith(_NAME_ARTICLE_FORMS))):
            k += 1  # a name does not start with the article: "وزير الشؤون الخارجية" is an office
        return k

    def _person_at(self, text: str, toks: list[tuple[int, int, str]], norm: list[str], i: int, out: list[Mention],
                   persons: list[Entity], surnames: dict[str, Entity]) -> int | None:
        """A person at token i: [counterpart|title]+ [nationality]* name{0,4}; the next token index, or None when
        no title starts there."""
        j, role = self._titles_at(norm, i)
        if j == i:
            return None
        iso = None
        while j < len(toks) and self._adj_iso(norm[j]):
            iso = iso or self._adj_iso(norm[j])
            j += 1
        k = self._name_end(toks, norm, j)
        a, b = toks[i][0], toks[max(k, j) - 1][1]
        if k > j:
            name_ar = _display(text[toks[j][0]:toks[k - 1][1]])
            ent = Entity(text=_display(text[a:b]), name=name_ar, name_ar=name_ar, kind="person",
                         country=iso, role="president" if role == "head" else None)
            # a bare surname later refers back to the same person
            prior = surnames.get(normalize(toks[k - 1][2]))
            if prior is not None and (iso is None or prior.country in (None, iso)):
                ent = prior
            persons.append(ent)
            surnames[normalize(toks[k - 1][2])] = ent
            out.append(Mention(a, b, text[a:b], "PERS", ent, "fallback"))
            return k
        if iso or role == "counterpart":
            ref = next((p for p in reversed(persons) if iso and p.country == iso), None)
            ent = ref or Entity(text=_display(text[a:b]), name=_display(text[a:b]), name_ar=_display(text[a:b]),
                                kind="person", country=iso)
            if ref is None:
                persons.append(ent)
            out.append(Mention(a, b, text[a:b], "PERS", ent, "fallback", {"coref": ref is not None}))
        return j

    def _place_at(self, text: str, toks: list[tuple[int, int, str]], norm: list[str], i: int,
                  out: list[Mention]) -> int:
        """A country or a capital (the capital stands for its state) at token i: how many tokens it takes."""
        n, c = self._phrase(self.country, norm, i)
        if n:
            iso, en, ar = c
            a, b = toks[i][0], toks[i + n - 1][1]
            out.append(Mention(a, b, text[a:b], "GPE", Entity(text[a:b], en, ar, "country", iso), "fallback"))
            return n
        n, c = self._phrase(self.capital, norm, i)
        if n:
            iso, en, ar = c
            a, b = toks[i][0], toks[i + n - 1][1]
            en_c, ar_c = self.names.get(iso, (iso, None))
            out.append(Mention(a, b, text[a:b], "GPE", Entity(text[a:b], en_c, ar_c, "country", iso), "fallback",
                               {"metonym": True, "place": {"name": en, "name_ar": ar, "country": iso}}))
        return n

@lru_cache(maxsize=2)
def load_fallback(lex: Lexicon | None = None) -> FallbackActors:
    with open(data_path("events", "fallback_actors.yaml"), encoding="utf-8") as f:
        return FallbackActors(yaml.safe_load(f), lex)
