"""Tense and status cues in a stretch of text, for the events stage (and the tagger's weekday direction)."""

from __future__ import annotations

from typing import Any

from .lexicon import fold, lexicon
from .tagger import find_cues

# cue kinds as the events stage sees them: sـ-verbs count as future, listed perfect verbs as past
_KIND = {"sa": "future", "pastv": "past"}
KINDS = ("future", "historical", "hypothetical", "negation", "past", "present")


def clause_cues(text: str, start: int, end: int) -> dict[str, Any]:
    """Cues found in text[start:end] (offsets into ``text``).

    Returns ``{"future": [...], "historical": [...], "hypothetical": [...], "negation": [...], "past": [...],
    "present": [...]}`` (the words as written), ``"cues"``: a list of ``{"kind", "text", "start", "end"}`` in text
    order, ``"tense"``: future | past | present | None (future wins over past: "أعلن أنه سيزور" is about a future
    visit), and ``"status"``: a suggestion in the contract's terms — hypothetical > negated > future > historical >
    None (None: nothing marked, usually "occurred"). The events stage makes the final call.

    Cues: future — سـ + imperfect verb (سيعقد، ستزور، سيتم), سوف, من المقرر, المرتقب(ة), المزمع, المقبل, يعتزم...;
    historical — كان قد, سبق أن, في وقت سابق; hypothetical — إذا, لو, في حال; negation — لم, لن, نفى, ما زال لم
    ("لم يستبعد" is not a negation); present — a clause-initial imperfect verb (يعقد، يستقبل).
    """
    end = min(end, len(text))
    out: dict[str, Any] = {k: [] for k in KINDS}
    cues: list[dict[str, Any]] = []
    if end <= start:
        out.update(cues=cues, tense=None, status=None)
        return out
    norm, omap = fold(text[start:end])
    for s, e, kind, _w in find_cues(norm, lexicon()):
        k = _KIND.get(kind, kind)
        os_ = start + (omap[s] if omap is not None else s)
        oe = start + (omap[e - 1] + 1 if omap is not None else e)
        word = text[os_:oe]
        out[k].append(word)
        cues.append({"kind": k, "text": word, "start": os_, "end": oe})
    tense = ("future" if out["future"] else "past" if (out["past"] or out["historical"])
             else "present" if out["present"] else None)
    if any(w.strip().endswith("لن") or w.strip() == "لن" for w in out["negation"]) and tense is None:
        tense = "future"
    status = ("hypothetical" if out["hypothetical"] else "negated" if out["negation"] else
              "future" if out["future"] else "historical" if out["historical"] else None)
    out.update(cues=cues, tense=tense, status=status)
    return out
