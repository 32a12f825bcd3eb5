"""The PLOVER trigger lexicon: versioned data (``data/events/triggers.yaml``) compiled into a token matcher.

Entries are written in ordinary Arabic spelling and matched on normalised tokens. Conjugations (feminine, dual,
plural, imperfective, jussive, future سـ), object and possessive pronouns and the proclitics و/ف/ب/ل/ك/ال are
generated here so the data file lists each word once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..arabic import normalize, strip_diacritics
from ..settings import data_path
from .words import word_tuple

_OBJ = word_tuple("pronoun_suffixes")
_WEAK_FINALS, _WEAK_PRESENT_FINALS = word_tuple("weak_finals"), word_tuple("weak_present_finals")
_PAST_WEAK, _PAST = word_tuple("past_weak_suffixes"), word_tuple("past_suffixes")
_PAST_PLURAL = word_tuple("past_plural_suffix")[0]
_PRESENT, _PRESENT_FEM = word_tuple("present_prefixes")  # يـ (he, they), تـ (she, you)
_PRESENT_WE = word_tuple("present_other_prefixes")[1]
_PRESENT_OTHER = "".join(word_tuple("present_other_prefixes"))
_PRESENT_DUAL, _PRESENT_PLURAL = word_tuple("agree_present_dual")[0], word_tuple("agree_present_plural")[0]
_TA_MARBUTA, _OPEN_TA = word_tuple("ta_marbuta")[0], word_tuple("open_ta")[0]
_NOUN_CONSTRUCT, _NOUN_SUFFIXES = word_tuple("noun_construct_suffixes"), word_tuple("noun_suffixes")
_FEMININE_PLURAL = word_tuple("feminine_plural")[0]
_CONJ_CLITICS = word_tuple("conj_clitics")
_ART, _LAM_ART = word_tuple("article")[0], word_tuple("lam_article")[0]
_LI = word_tuple("prep_li")[0]
_LAM_ART_MARKER = word_tuple("lam_article_marker")[0]
_PROCLITICS = word_tuple("proclitics")
_FUTURE, _BI = word_tuple("future_prefix")[0], word_tuple("prep_bi")[0]
_AGENT_SUFFIXES, _SOUND_PLURAL = word_tuple("agent_suffixes"), word_tuple("sound_plural_suffixes")
_CONSTRUCT_PLURAL = word_tuple("construct_plural_ending")[0]


def norm_phrase(s: str) -> tuple[str, ...]:
    return tuple(normalize(strip_diacritics(str(s))).split())


@dataclass
class Cue:
    """Word prefixes that must (near) or must not (not_near) occur within ``window`` tokens of a trigger."""

    phrases: list[tuple[str, ...]]
    window: int = 6
    side: str = "both"  # both | before | after


@dataclass
class Trigger:
    id: str
    type: str
    mode: str | None = None
    roles: str = "agent"
    strength: float = 0.7
    contexts: list[str] = field(default_factory=list)
    near: Cue | None = None
    not_near: Cue | None = None
    status: str | None = None
    exclude_raw: frozenset[str] = frozenset()
    # prepositions that introduce the recipient for this trigger ("حل ضيفا على X": the host)
    recipient_preps: frozenset[str] = frozenset()


@dataclass
class FormHit:
    trigger: Trigger
    kind: str  # past | present | noun | form


def _past_forms(p: str) -> set[str]:
    if p.endswith(_WEAK_FINALS):  # التقى/أجرى/دعا: weak final letter
        s = p[:-1]
        base = {p} | {s + x for x in _PAST_WEAK}
    else:
        base = {p} | {p + x for x in _PAST}
    out = set(base)
    for b in base:
        if b.endswith(_PAST_PLURAL):
            b = b[:-1]  # زاروه
        out.update(b + o for o in _OBJ)
    return out


def _present_forms(q: str) -> set[str]:
    if not q or q[0] != _PRESENT:
        return {q}
    stem = q[1:]
    weak = stem.endswith(_WEAK_PRESENT_FINALS)
    plural = (stem[:-1] if weak else stem) + _PRESENT_PLURAL
    out = {q, _PRESENT_FEM + stem, _PRESENT_WE + stem, q + _PRESENT_DUAL, _PRESENT_FEM + stem + _PRESENT_DUAL,
           _PRESENT + plural, _PRESENT_FEM + plural}
    if weak:
        out.update({_PRESENT + stem[:-1], _PRESENT_FEM + stem[:-1]})  # jussive after لم: لم يلتق
    for b in list(out):
        if b.endswith(_PRESENT_PLURAL):
            b = b[:-1]
        out.update(b + o for o in _OBJ)
    return out


def _noun_forms(n: str) -> set[str]:
    out = {n}
    if " " in n:
        return out
    if n.endswith(_TA_MARBUTA):
        b = n[:-1] + _OPEN_TA
        out.update({b + o for o in (*_OBJ, *_NOUN_CONSTRUCT)})
        out.add(n[:-1] + _FEMININE_PLURAL)
    else:
        out.update({n + x for x in _NOUN_SUFFIXES})
        out.update(n + o for o in _OBJ)
    return out


@lru_cache(maxsize=200_000)
def _candidates(tok: str) -> tuple[tuple[str, str], ...]:
    """(stem, stripped proclitics) for a normalised token, fewest stripped first (cached: news reuses words)."""
    out: list[tuple[str, str]] = [(tok, "")]
    seen = {tok}

    def add(s: str, p: str) -> None:
        if len(s) >= 2 and s not in seen:
            seen.add(s)
            out.append((s, p))

    firsts = [(tok, "")]
    if tok[:1] in _CONJ_CLITICS and len(tok) > 3:
        firsts.append((tok[1:], tok[0]))
        add(tok[1:], tok[0])
    for t, p in firsts:
        if t.startswith(_ART):
            add(t[2:], p + _ART)
        if t.startswith(_LAM_ART):
            add(t[2:], p + _LAM_ART_MARKER)
            add(t[1:], p + _LI)
        for p2 in _PROCLITICS:
            if t.startswith(p2) and len(t) > 3:
                rest = t[1:]
                add(rest, p + p2)
                if rest.startswith(_ART):
                    add(rest[2:], p + p2 + _ART)
    return tuple(out)


class Lexicon:
    def __init__(self, data: dict[str, Any], path: str = "") -> None:
        self.version = str(data.get("version", "0"))
        self.path = path
        self.triggers: list[Trigger] = []
        # first token -> list of (token tuple, FormHit)
        self.index: dict[str, list[tuple[tuple[str, ...], FormHit]]] = {}
        mods = data.get("modifiers") or {}
        self.phone = {normalize(w) for w in mods.get("phone", [])}
        self.reverse = {normalize(w) for w in mods.get("reverse", [])}
        self.multilateral = [norm_phrase(w) for w in mods.get("multilateral", [])]
        self.not_multilateral = [norm_phrase(w) for w in mods.get("not_multilateral", [])]
        self.third_party = [norm_phrase(w) for w in mods.get("third_party", [])]
        # سـ + a present support verb ("سيجري اتصالا", "ستعقد قمة") puts a nominal trigger in the future
        self.light_verbs_future = [(_FUTURE + c,) for w in mods.get("light_verbs", []) if w[:1] == _PRESENT
                                   for c in _present_forms(normalize(w))]
        self.light_verbs_past = [(c,) for w in mods.get("light_verbs", []) if w[:1] != _PRESENT
                                 for c in _past_forms(normalize(w))]
        self.light_verbs = [(c,) for w in mods.get("light_verbs", []) for c in
                            {*_past_forms(normalize(w))} | ({*_present_forms(normalize(w))} if w[:1] == _PRESENT
                                                            else set())]
        cues = data.get("status_cues") or {}
        self.status_cues = {k: [norm_phrase(w) for w in v] for k, v in cues.items()}
        self.contexts = {k: [norm_phrase(w) for w in v] for k, v in (data.get("contexts") or {}).items()}
        self.agents: dict[str, str] = {}
        for kind, words in (data.get("agents") or {}).items():
            for w in words:
                ph = norm_phrase(w)
                self.agents[" ".join(ph)] = kind
                if len(ph) == 1 and len(ph[0]) > 3:
                    # accusative, feminine and construct forms: انتحاريا، انتحارية، مستوطني، مسلحو
                    base = ph[0]
                    for f in (base + x for x in _AGENT_SUFFIXES):
                        self.agents.setdefault(f, kind)
                    if base.endswith(_SOUND_PLURAL):
                        self.agents.setdefault(base[:-1], kind)
                        self.agents.setdefault(base[:-2] + _CONSTRUCT_PLURAL, kind)
        self.max_agent = max((k.count(" ") + 1 for k in self.agents), default=1)
        for e in data.get("triggers") or []:
            self._add(e)

    @staticmethod
    def _cue(v: Any) -> Cue | None:
        if not v:
            return None
        return Cue([norm_phrase(f) for f in v.get("forms", [])], int(v.get("window", 6)), v.get("side", "both"))

    def _add(self, e: dict[str, Any]) -> None:
        t = Trigger(id=e["id"], type=e["type"], mode=e.get("mode"), roles=e.get("roles", "agent"),
                    strength=float(e.get("strength", 0.7)), contexts=list(e.get("contexts") or []),
                    near=self._cue(e.get("near")), not_near=self._cue(e.get("not_near")), status=e.get("status"),
                    exclude_raw=frozenset(strip_diacritics(w) for w in e.get("exclude_raw") or []),
                    recipient_preps=frozenset(normalize(w) for w in e.get("recipient_preps") or []))
        self.triggers.append(t)
        forms: dict[tuple[str, ...], str] = {}
        verb = e.get("verb") or {}
        if verb.get("past"):
            for f in _past_forms(" ".join(norm_phrase(verb["past"]))):
                forms.setdefault((f,), "past")
        if verb.get("present"):
            for f in _present_forms(" ".join(norm_phrase(verb["present"]))):
                forms.setdefault((f,), "present")
        for n in e.get("noun") or []:
            ph = norm_phrase(n)
            if len(ph) == 1:
                for f in _noun_forms(ph[0]):
                    forms.setdefault((f,), "noun")
            else:
                forms.setdefault(ph, "noun")
        for f in e.get("forms") or []:
            ph = norm_phrase(f)
            w = ph[0]
            if len(ph) == 1 and len(w) > 3 and (w[:1] == _PRESENT or (w[:1] in _PRESENT_OTHER and w.endswith(
                    (_PRESENT_DUAL, _PRESENT_PLURAL)))):
                kind = "present"
            elif len(ph) == 1 and verb and not w.startswith(_ART):
                kind = "past"  # an irregular or synonym perfect listed beside the generated ones (تحادثا, هنأ)
            else:
                kind = "form"
            forms.setdefault(ph, kind)
        for ph, kind in forms.items():
            bucket = self.index.setdefault(ph[0], [])
            if not any(p == ph and h.trigger is t for p, h in bucket):
                bucket.append((ph, FormHit(t, kind)))

    def match_at(self, norm_toks: list[str], i: int) -> tuple[int, list[FormHit], str]:
        """Longest lexicon match starting at token i: (n tokens, hits, stripped proclitics of the first token)."""
        best_n, best_hits, best_p = 0, [], ""
        for stem, pre in _candidates(norm_toks[i]):
            for ph, hit in self.index.get(stem, ()):
                n = len(ph)
                if i + n > len(norm_toks):
                    continue
                if any(ph[k] not in {c for c, _ in _candidates(norm_toks[i + k])} for k in range(1, n)):
                    continue
                if hit.kind == "noun" and _FUTURE in pre:
                    continue
                if hit.kind in ("past", "form") and _FUTURE in pre:
                    continue
                if n > best_n:
                    best_n, best_hits, best_p = n, [hit], pre
                elif n == best_n and n and pre == best_p and all(h.trigger is not hit.trigger for h in best_hits):
                    best_hits.append(hit)
            if best_n:
                break  # fewest stripped clitics wins
        return best_n, best_hits, best_p

    def agent_at(self, norm_toks: list[str], i: int, by: bool = True) -> tuple[int, str | None]:
        """A generic agent noun phrase (crowd, armed group, forces) starting at token i. ``by=False`` refuses a
        weapon or vehicle after the preposition ب, an instrument ("هجوم بطائرات مسيرة"), not who acts."""
        for n in range(min(self.max_agent, len(norm_toks) - i), 0, -1):
            first = _candidates(norm_toks[i])
            rest = " ".join(norm_toks[i + 1:i + n])
            for stem, pre in first:
                key = (stem + " " + rest).strip()
                if not by and _BI in pre and self.agents.get(key) == "security":
                    continue
                if key in self.agents:
                    return n, self.agents[key]
        return 0, None


@lru_cache(maxsize=200_000)
def _stems(tok: str) -> tuple[str, ...]:
    return tuple(c for c, _ in _candidates(tok))


def phrase_at(norm_toks: list[str], i: int, ph: tuple[str, ...], prefix: bool = True) -> bool:
    """Does the phrase occur at token i? Words compare by prefix (after clitic stripping) when ``prefix``."""
    if i + len(ph) > len(norm_toks):
        return False
    for k, w in enumerate(ph):
        cands = _stems(norm_toks[i + k])
        if prefix:
            if not any(c.startswith(w) for c in cands):
                return False
        elif w not in cands:
            return False
    return True


def find_phrase(norm_toks: list[str], phrases: list[tuple[str, ...]], lo: int, hi: int,
                prefix: bool = True) -> int | None:
    """Index of the first token in [lo, hi) where one of the phrases starts, else None."""
    lo = max(0, lo)
    hi = min(len(norm_toks), hi)
    if lo >= hi or not phrases:
        return None
    index, lengths = _phrase_index(tuple(phrases))
    for i in range(lo, hi):
        # only the phrases whose first word fits one of this token's stems are tried (a dict look-up per stem, per
        # first-word length in prefix mode), not every phrase at every position
        for c in _stems(norm_toks[i]):
            for key in (c[:n] for n in lengths if n <= len(c)) if prefix else (c,):
                cands = index.get(key)
                if cands and any(phrase_at(norm_toks, i, ph, prefix) for ph in cands):
                    return i
    return None


@lru_cache(maxsize=1024)
def _phrase_index(phrases: tuple[tuple[str, ...], ...]) -> tuple[dict[str, tuple[tuple[str, ...], ...]], tuple[int, ...]]:
    """Phrases by first word, and the first words' lengths. An empty phrase matches anywhere another phrase's
    first word fits (as the scan that this index replaced did), so it is filed under every first word."""
    empty = tuple(ph for ph in phrases if not ph)
    by: dict[str, list[tuple[str, ...]]] = {}
    for ph in phrases:
        if ph:
            by.setdefault(ph[0], []).append(ph)
    return {w: tuple(v) + empty for w, v in by.items()}, tuple(sorted({len(w) for w in by}))


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    p = Path(path) if path else data_path("events", "triggers.yaml")
    with open(p, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return Lexicon(data, str(p))
