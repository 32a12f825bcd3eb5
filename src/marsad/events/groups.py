"""Participant spans that name one group of people, joined before any rule reads them.

Three constructions split a group into two participants: a count and the people counted ("الآلاف من المحتجين",
"عدد من الطلاب", "المئات من النقابيين": the crowd acts, not the number), members and the body they belong to
("عناصر من التيار الصدري", "عناصر من الشرطة": the body is the party), and a group with an adjective that says it is
not named ("مسلحون مجهولون": one unnamed perpetrator, not an actor and a recipient). The words are word classes in
data/events/words.yaml (quantities, count_heads, count_adjectives, partitive, member_heads, unnamed).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from ..arabic import normalize
from ..model import Entity
from .words import word_set, word_tuple


@lru_cache(maxsize=1)
def _classes() -> dict[str, frozenset[str]]:
    return {k: word_set(k) for k in ("quantities", "count_heads", "count_adjectives", "partitive", "unnamed",
                                     "conj_clitics", "member_heads", "article", "relative", "stop", "comma_marks",
                                     "people_governors")}


@lru_cache(maxsize=1)
def _affixes() -> dict[str, tuple[str, ...]]:
    return {k: word_tuple(k) for k in ("protester_stems", "lam_article", "coordinators", "article", "prep_bi",
                                       "prep_li")}


def protester(e: Entity) -> bool:
    """A group named as protesters ("المتظاهرون", "محتجين", "للمعتصمين")."""
    a = _affixes()
    words = normalize(e.text or e.name or "").split()
    return e.kind == "group" and any(w.lstrip(a["coordinators"][0]).removeprefix(a["article"][0]).startswith(
        a["protester_stems"]) for w in words)


def governed_crowd(norm: list[str], i: int) -> bool:
    """Token i names protesters ("المتظاهرين") governed by a preposition, glued ("للمحتجين") or not ("على
    المتظاهرين"), or by a noun of what was done to them ("تفريق المتظاهرين"), and no relative clause of their
    own follows: the people, not their act."""
    c, a = _classes(), _affixes()
    art, stems = a["article"][0], a["protester_stems"]
    w = norm[i].removeprefix(a["coordinators"][0])
    if i + 1 < len(norm) and norm[i + 1] in c["relative"]:
        return False  # "مع المتظاهرين الذين أغلقوا الطريق": the crowd's own clause may tell its act
    if w.removeprefix(art).startswith(stems):
        # a second conjunct shares the first's governor: "مواجهات بين عناصر الشرطة ومتظاهرين"
        back = 4 if w != norm[i] else 1
        for k in range(i - 1, max(-1, i - 1 - back), -1):
            if norm[k] in c["stop"] or norm[k] in c["comma_marks"]:
                return False
            if norm[k].removeprefix(a["coordinators"][0]) in c["people_governors"]:
                return True
        return False
    if w.startswith(a["lam_article"]):
        return w[len(a["lam_article"][0]):].startswith(stems)
    return w[:1] in (a["prep_bi"][0], a["prep_li"][0]) and w[1:].removeprefix(art).startswith(stems)


def _bare(w: str) -> str:
    """The word without a glued conjunction (وعشرات، فالآلاف)."""
    return w[1:] if w[:1] in _classes()["conj_clitics"] and len(w) > 4 else w


def unnamed(text_norm: str) -> bool:
    """The words name a group by saying it is unknown ("مسلحون مجهولون", "مجهولين")."""
    return any(_bare(w) in _classes()["unnamed"] for w in text_norm.split())


def join_groups(args: list[Any], toks: list[tuple[int, int, str]], norm: list[str], text: str) -> list[Any]:
    """The sentence's participants with counted crowds and unnamed groups joined into one participant each."""
    c = _classes()
    out: list[Any] = []
    for a in args:
        prev = out[-1] if out else None
        if prev is not None and a.entities and not a.is_place and _members(prev, a, norm, c):
            out[-1] = replace(a, start=prev.start, t0=prev.t0)  # "عناصر من التيار الصدري": the body acts
            continue
        if a.label == "AGENT" and a.entities and not a.is_place:
            k = a.t0
            if prev is not None and prev.label == "AGENT" and prev.t1 - prev.t0 == 1 and len(prev.entities) == 1 \
                    and _bare(norm[prev.t0]) in c["quantities"] and (
                    prev.t1 == k or prev.t1 == k - 1 and norm[k - 1] in c["partitive"]):
                # "الآلاف من المحتجين", "خمسة آلاف متظاهر": the crowd is the actor, not the number
                out[-1] = replace(a, start=prev.start, t0=prev.t0)
                continue
            head = _count_head(k, norm, c)
            if head is not None and (prev is None or prev.t1 <= head or prev.t0 == head and prev.t1 - prev.t0 == 1):
                # "عدد من الطلاب", "مجموعة قليلة من النساء": the count's head joins the crowd, which stands bare
                joined = replace(a, t0=head, start=toks[head][0])
                if prev is not None and prev.t0 == head:
                    out[-1] = joined
                else:
                    out.append(joined)
                continue
            if prev is not None and prev.label == "AGENT" and prev.entities and prev.t1 == k \
                    and all(_bare(w) in c["unnamed"] for w in norm[a.t0:a.t1]):
                ent = replace(prev.entities[0], text=text[prev.start:a.end])
                out[-1] = replace(prev, end=a.end, t1=a.t1, entities=[ent])  # "مسلحون مجهولون": one group
                continue
        out.append(a)
    return [_counted(a, out, toks, norm, text, c) for a in out]


def _counted(a: Any, args: list[Any], toks: list[tuple[int, int, str]], norm: list[str], text: str,
             c: dict[str, frozenset[str]]) -> Any:
    """A bare count before the partitive and a definite noun no lexicon knows ("الآلاف من الأساتذة المتعاقدين"):
    the people counted, named by that noun."""
    k = a.t1
    if not (a.label == "AGENT" and a.entities and a.t1 - a.t0 == 1 and _bare(norm[a.t0]) in c["quantities"]
            and k + 1 < len(norm) and norm[k] in c["partitive"] and norm[k + 1].startswith(tuple(c["article"]))
            and not any(x.t0 <= k + 1 < x.t1 for x in args)):
        return a
    words = text[toks[k + 1][0]:toks[k + 1][1]]
    ent = replace(a.entities[0], text=words, name=norm[k + 1], name_ar=words)
    return replace(a, end=toks[k + 1][1], t1=k + 2, entities=[ent])



def _count_head(k: int, norm: list[str], c: dict[str, frozenset[str]]) -> int | None:
    """The count noun before a partitive that ends just before token k ("عدد من", "عدد كبير من"), if any."""
    if k < 2 or norm[k - 1] not in c["partitive"]:
        return None
    if _bare(norm[k - 2]) in c["count_heads"]:
        return k - 2
    if k >= 3 and norm[k - 2] in c["count_adjectives"] and _bare(norm[k - 3]) in c["count_heads"]:
        return k - 3
    return None


def _members(prev: Any, a: Any, norm: list[str], c: dict[str, frozenset[str]]) -> bool:
    """``prev`` is a bare members noun ("عناصر") and ``a`` the body after the partitive ("من التيار الصدري")."""
    return (prev.label == "AGENT" and prev.t1 - prev.t0 == 1 and prev.t1 == a.t0 - 1
            and norm[a.t0 - 1] in c["partitive"] and _bare(norm[prev.t0]) in c["member_heads"])
