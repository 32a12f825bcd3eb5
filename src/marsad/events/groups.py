"""Participant spans that name one group of people, joined before any rule reads them.

Two constructions split a group into two participants: a count and the people counted ("الآلاف من المحتجين",
"عدد من الطلاب", "المئات من النقابيين": the crowd acts, not the number), and a group with an adjective that says it
is not named ("مسلحون مجهولون": one unnamed perpetrator, not an actor and a recipient). The words are word classes in
data/events/words.yaml (quantities, count_heads, count_adjectives, partitive, unnamed).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from .words import word_set


@lru_cache(maxsize=1)
def _classes() -> dict[str, frozenset[str]]:
    return {k: word_set(k) for k in ("quantities", "count_heads", "count_adjectives", "partitive", "unnamed",
                                     "conj_clitics")}


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
        if a.label == "AGENT" and a.entities and not a.is_place:
            k = a.t0
            if prev is not None and prev.label == "AGENT" and prev.t1 == k - 1 and norm[k - 1] in c["partitive"] \
                    and len(prev.entities) == 1 and _bare(norm[prev.t0]) in c["quantities"] and prev.t1 - prev.t0 == 1:
                out[-1] = replace(a, start=prev.start, t0=prev.t0)  # "الآلاف من المحتجين": the crowd is the actor
                continue
            if k >= 2 and norm[k - 1] in c["partitive"] and (prev is None or prev.t1 < k - 1):
                head = k - 2 if _bare(norm[k - 2]) in c["count_heads"] else (
                    k - 3 if k >= 3 and norm[k - 2] in c["count_adjectives"] and _bare(norm[k - 3]) in c["count_heads"]
                    else None)
                if head is not None and (prev is None or prev.t1 <= head):
                    # "عدد من الطلاب", "عدد كبير من التلاميذ": the count's head joins the crowd, which stands bare
                    out.append(replace(a, t0=head, start=toks[head][0]))
                    continue
            if prev is not None and prev.label == "AGENT" and prev.entities and prev.t1 == k \
                    and all(_bare(w) in c["unnamed"] for w in norm[a.t0:a.t1]):
                ent = replace(prev.entities[0], text=text[prev.start:a.end])
                out[-1] = replace(prev, end=a.end, t1=a.t1, entities=[ent])  # "مسلحون مجهولون": one group
                continue
        out.append(a)
    return out

