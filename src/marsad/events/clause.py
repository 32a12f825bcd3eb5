"""The clause around a trigger, read from tokens: its bounds, the preposition that governs each participant, verb
agreement and the discourse state carried from sentence to sentence.

Word classes come from data/events/words.yaml; nothing here names an Arabic word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..arabic import normalize
from ..model import Entity
from .discourse import ArticleState
from .words import word_set, word_tuple


@dataclass(frozen=True)
class Classes:
    """The word classes clause reading needs, loaded once."""

    stop: frozenset[str] = field(default_factory=lambda: word_set("stop"))
    preps: frozenset[str] = field(default_factory=lambda: word_set("preps") | word_set("arg_preps"))
    contrast: frozenset[str] = field(default_factory=lambda: word_set("contrast"))
    relative: frozenset[str] = field(default_factory=lambda: word_set("relative"))
    commas: frozenset[str] = field(default_factory=lambda: word_set("commas"))
    quotes: frozenset[str] = field(default_factory=lambda: word_set("quotes"))
    clitics: str = field(default_factory=lambda: "".join(word_tuple("conj_clitics")))
    prep_clitics: str = field(default_factory=lambda: "".join(word_tuple("prep_clitics")))
    article: str = field(default_factory=lambda: next(iter(word_set("article"))))
    coordinators: frozenset[str] = field(default_factory=lambda: word_set("coordinators"))
    comitative: frozenset[str] = field(default_factory=lambda: word_set("comitative"))
    participles: frozenset[str] = field(default_factory=lambda: word_set("hal_participles") | word_set("hal_light"))
    agree: dict[str, tuple[str, ...]] = field(default_factory=lambda: {k: word_tuple(f"agree_{k}") for k in (
        "past_plural", "past_dual", "past_feminine", "present_dual", "present_plural", "present_feminine_prefix")})

    def coordinated_word(self, w: str) -> bool:
        return w in self.coordinators

    def starts_with_coordinator(self, w: str) -> bool:
        return any(w.startswith(c) and len(w) > len(c) for c in self.coordinators)


@dataclass
class Discourse:
    """What the article has said so far, for subjects it drops: the last actor, the last two parties, the last
    group named. Passed along from sentence to sentence (never kept on the coder)."""

    last_actor: Entity | None = None
    last_actor_sentence: int = -9
    last_parties: list[Entity] = field(default_factory=list)
    last_group: Entity | None = None

    def note(self, actors: list[Entity], recipients: list[Entity], sentence: int) -> None:
        if actors:
            self.last_actor, self.last_actor_sentence = actors[0], sentence
        parties = actors + recipients
        if len(parties) >= 2:
            self.last_parties = parties[:2]
        groups = [x for x in parties if x.kind == "group"]
        if groups:
            self.last_group = groups[0]


@dataclass
class Sentence:
    """One sentence as the engine sees it: tokens (start, end, surface), their normalised forms, participants."""

    article: Any
    text: str
    toks: list[tuple[int, int, str]]
    norm: list[str]
    args: list[Any]
    start: int
    end: int
    index: int
    in_title: bool
    discourse: Discourse
    state: ArticleState | None = None  # the coder's article state (persons named, for plural references)


def list_prep(norm: list[str], t0: int) -> str | None:
    """The preposition of a "كل من" list whose first member starts at token t0: "اتصالين بكل من X وY" (ب), "مع كل
    من X" (مع), "وأكد كل من X وY" (none: the listed are subjects); None when no such list opens there."""
    if t0 < 2 or norm[t0 - 1] not in word_set("prep_min") or norm[t0 - 2] not in word_set("each_words"):
        return None
    if norm[t0 - 2] in word_set("each_with_bi"):
        return word_tuple("prep_bi")[0]
    with_ = word_tuple("comitative")[0]
    return with_ if t0 > 2 and norm[t0 - 3] == with_ else ""


def governing_prep(sent: Sentence, a: Any, classes: Classes) -> str:
    """The preposition before a participant: a clitic glued to its first word (بالرئيس، للجيش، لإسرائيل) or the
    word before it (على، ضد، مع), or a "كل من" list's (list_prep). Empty when it stands bare (a subject or direct
    object)."""
    t0 = a.t0
    tok_start = sent.toks[t0][0]
    glued = normalize(sent.text[tok_start:a.start]).lstrip(classes.clitics)
    if glued:
        return glued[-1:]
    listed = list_prep(sent.norm, t0)
    if listed:  # "بكل من X وY": the partners' ب ("اعتقلت كل من X": من stays, so no list is read as a VSO subject)
        return listed
    w = sent.norm[t0]
    art, pc = classes.article, classes.prep_clitics
    lam = pc[-1:]
    if w[:1] in classes.clitics:  # "وللجيش", "وبالرئيس": the conjunction first
        w = w[1:]
    if w.startswith(lam + art[1:]) or (w[:1] in pc and w[1:1 + len(art)] == art):  # للجيش (ل + ال), بالرئيس
        return w[:1]
    prev = sent.norm[t0 - 1] if t0 > 0 else ""
    prev = prev[1:] if classes.starts_with_coordinator(prev) and prev[1:] in classes.preps else prev
    return prev if prev in classes.preps else ""


def bounds(sent: Sentence, i: int, n: int, classes: Classes, verb_starts: set[int], back: int = 16,
           ahead: int = 28) -> tuple[int, int]:
    """Token range of the trigger's clause: back to a stop mark, ahead to a stop mark or the next coordinated verb
    ("أدانت X الهجوم، وطالبت Y": a new clause) or a contrasting clause ("، فيما هدد Y")."""
    norm = sent.norm
    lo = i
    while lo > 0 and i - lo < back and norm[lo - 1] not in classes.stop and norm[lo - 1] not in classes.contrast:
        lo -= 1
    hi = i + n
    while hi < len(norm) and hi - i < ahead and norm[hi] not in classes.stop:
        if hi in verb_starts and hi > i + n and (classes.starts_with_coordinator(norm[hi])
                                                 or norm[hi - 1] in classes.commas):
            break
        if norm[hi] in classes.contrast:
            break
        if norm[hi] in classes.participles and norm[hi - 1] in classes.commas and hi > i + n:
            break  # "أدان X الهجوم، معربا عن تضامنه مع Y": a circumstantial participle opens its own clause
        hi += 1
    return lo, hi


def content_gap(sent: Sentence, a: int, b: int, classes: Classes) -> int:
    """Words between two token positions, punctuation not counted."""
    return sum(1 for k in range(a, b) if sent.norm[k] not in classes.commas and sent.norm[k] not in classes.quotes)


def agreement(tok: str, kind: str, classes: Classes) -> str:
    """The subject a verb form agrees with: dual, plural, feminine or masculine singular (third person).
    Read from the affixes of the normalised form (diacritics are gone, so this is a preference, not a proof)."""
    w = tok[1:] if tok[:1] in classes.clitics and len(tok) > 4 else tok
    ag = classes.agree
    if kind == "past":
        if w.endswith(ag["past_plural"]):
            return "plural"
        if w.endswith(ag["past_dual"]) and len(w) > 3:
            return "dual"
        return "feminine" if w.endswith(ag["past_feminine"]) else "masculine"
    if kind == "present":
        if w.endswith(ag["present_dual"]):
            return "dual"
        if w.endswith(ag["present_plural"]):
            return "plural"
        return "feminine" if w.startswith(ag["present_feminine_prefix"]) else "masculine"
    return "none"
