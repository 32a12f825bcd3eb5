"""Event evaluation as code: the shared scorer's logic (``../shared/tools/score.py events``) inside the project, and
the GSR benchmark (PROTEST/ASSAULT sentences with source/target text).

``score_events(gold_records, event_records)`` returns the same figures as the shared scorer (tests check the two
agree when ../shared is present). Records are the contract's JSON (``marsad events --format jsonl``).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SCORED = {"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID"}
_DIAC = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


# ------------------------------------------------------------------------------------ matching (as score.py)
def norm(s: Any) -> str:
    """The scorer's normalisation (deliberately its own, not marsad.arabic.normalize: figures must agree)."""
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s))
    s = _DIAC.sub("", s)
    s = re.sub("[أإآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    s = _PUNCT.sub(" ", s.lower())
    return " ".join(s.split())


def _is_ascii(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


def _contains_words(hay: str, needle: str) -> bool:
    if not hay or not needle or len(needle) < 3:
        return False
    return f" {needle} " in f" {hay} "


def entity_matches(ent: Any, group: list[str]) -> bool:
    """One system entity against the acceptable names of one gold participant."""
    if not isinstance(ent, dict):
        return False
    fields = [ent.get("name"), ent.get("name_ar"), ent.get("text"), ent.get("id")]
    country = (ent.get("country") or "").upper()
    for g in group:
        if not g:
            continue
        if _is_ascii(g):
            gl = g.lower()
            if any(f and str(f).lower() == gl for f in fields):
                return True
            if len(g) == 3 and g.isupper() and country == g:
                return True
        else:
            ng = norm(g)
            for f in fields:
                nf = norm(f)
                if nf and (nf == ng or _contains_words(nf, ng) or _contains_words(ng, nf)):
                    return True
    return False


def type_matches(sys_ev: dict[str, Any], gold_ev: dict[str, Any]) -> bool:
    st, gt = sys_ev.get("type"), gold_ev["type"]
    if st == gt or st in set(gold_ev.get("type_alt") or []):
        return True
    if gt == "AGREE" and st == "CONSULT" and sys_ev.get("status") == "future":
        return True
    return gt == "CONSULT" and gold_ev.get("status") == "future" and st == "AGREE"


def participants_match(sys_ev: dict[str, Any], gold_ev: dict[str, Any]) -> bool:
    ents = list(sys_ev.get("actors") or []) + list(sys_ev.get("recipients") or [])
    groups = list(gold_ev.get("actors") or []) + list(gold_ev.get("recipients") or [])
    used: set[int] = set()
    matched = 0
    for g in groups:
        for i, e in enumerate(ents):
            if i not in used and entity_matches(e, g):
                used.add(i)
                matched += 1
                break
    need = min(2, len(groups))
    return matched >= need and need > 0


def date_ok(sys_ev: dict[str, Any], gold_ev: dict[str, Any]) -> bool:
    ok = [gold_ev.get("date")] + list(gold_ev.get("date_alt") or [])
    sd = sys_ev.get("date")
    if sys_ev.get("date_precision") in ("none", None) and not sd:
        sd = None
    return sd in ok


def mode_ok(sys_ev: dict[str, Any], gold_ev: dict[str, Any]) -> bool:
    return sys_ev.get("mode") in [gold_ev.get("mode")] + list(gold_ev.get("mode_alt") or [])


def doc_key(rec: dict[str, Any]) -> str:
    art = rec.get("article") or {}
    return os.path.basename(art.get("source_path") or rec.get("source_path") or "")


def group_by_doc(recs: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by: dict[str, list[dict[str, Any]]] = {}
    for r in recs:
        by.setdefault(doc_key(r), []).append(r)
        url = (r.get("article") or {}).get("url") or r.get("url")
        if url:
            by.setdefault("url:" + url, []).append(r)
    return by


def _for_doc(by: dict[str, list[dict[str, Any]]], d: dict[str, Any]) -> list[dict[str, Any]]:
    if d.get("url") and ("url:" + d["url"]) in by:
        return by["url:" + d["url"]]
    return by.get(d["doc"], [])


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


# ------------------------------------------------------------------------------------ event scoring
def score_events(gold_records: list[dict[str, Any]], event_records: list[dict[str, Any]],
                 details: list[str] | None = None, per_type: bool = False,
                 scored_types: set[str] | frozenset[str] | None = None,
                 outcomes: list[tuple[dict[str, Any], str]] | None = None) -> dict[str, Any]:
    """tp/fp/fn, P/R/F1, core recall, date accuracy, CONSULT mode accuracy, ticker false positives.

    Same rules as the shared scorer: only SUPPORT/CONSULT/AGREE/COOPERATE/AID are scored; a system event matching
    an unscored gold event is ignored; the same event twice from one article is a false positive; an event whose
    evidence is a listed ticker/related headline counts as a ticker false positive. ``details`` (a list) collects
    the FP/FN/DATE lines; ``per_type`` adds tp/fp/fn by gold (or system) type; ``scored_types`` widens the scored
    types (e.g. all 16 PLOVER types for the composed set; the shared scorer's five by default); ``outcomes`` (a
    list) receives (record, "tp" | "fp" | "ignored") for each scored system record, for calibration.
    """
    out = outcomes if outcomes is not None else []
    scored = set(scored_types) if scored_types else SCORED
    lines = details if details is not None else []
    by_doc = group_by_doc(event_records)
    tp = fp = fn = 0
    core_tot = core_hit = date_hit = mode_hit = mode_tot = ticker_fp = 0
    types: dict[str, Counter] = {}

    def bump(t: str | None, k: str) -> None:
        types.setdefault(t or "?", Counter())[k] += 1

    for d in gold_records:
        sys_evs = [e for e in _for_doc(by_doc, d) if e.get("type") in scored]
        gold_evs = [ge for ge in d["events"] if ge["type"] in scored or ge["type"] in SCORED]
        matched: set[int] = set()
        for se in sys_evs:
            hit = None
            for gi, ge in enumerate(gold_evs):
                if type_matches(se, ge) and participants_match(se, ge):
                    if gi in matched:
                        continue
                    hit = gi
                    break
            if hit is None:
                dup = any(type_matches(se, ge) and participants_match(se, ge) for ge in gold_evs)
                unscored = any(type_matches(se, ge) and participants_match(se, ge) and not ge.get("scored", True)
                               for ge in gold_evs)
                if unscored and not dup:
                    continue  # (kept as in score.py: dup is always true when unscored is)
                out.append((se, "fp"))
                fp += 1
                bump(se.get("type"), "fp")
                ev_text = (se.get("evidence") or {}).get("text") or ""
                if any(norm(n) and norm(n)[:40] in norm(ev_text) for n in d.get("not_events", [])):
                    ticker_fp += 1
                names = [a.get("name") for a in (se.get("actors") or []) + (se.get("recipients") or [])
                         if isinstance(a, dict)]
                lines.append(f"  FP {d['doc']}: {se.get('type')} {names} | {ev_text[:90]}")
                continue
            ge = gold_evs[hit]
            matched.add(hit)
            if not ge.get("scored", True):
                out.append((se, "ignored"))
                continue
            out.append((se, "tp"))
            tp += 1
            bump(ge["type"], "tp")
            if date_ok(se, ge):
                date_hit += 1
            else:
                lines.append(f"  DATE {d['doc']}: {ge['type']} gold={ge.get('date')} sys={se.get('date')} | "
                             f"{ge['evidence'][:70]}")
            if ge["type"] == "CONSULT":
                mode_tot += 1
                mode_hit += mode_ok(se, ge)
        for gi, ge in enumerate(gold_evs):
            if not ge.get("scored", True):
                continue
            if ge.get("core"):
                core_tot += 1
                core_hit += gi in matched
            if gi not in matched:
                fn += 1
                bump(ge["type"], "fn")
                lines.append(f"  FN {d['doc']}: {ge['type']} {[g[0] for g in ge['actors'] + ge['recipients']]} | "
                             f"{ge['evidence'][:90]}")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    res: dict[str, Any] = {
        "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
        "core_recall": round(core_hit / core_tot, 3) if core_tot else None,
        "date_accuracy": round(date_hit / tp, 3) if tp else None,
        "mode_accuracy": round(mode_hit / mode_tot, 3) if mode_tot else None,
        "ticker_false_positives": ticker_fp,
    }
    if per_type:
        res["per_type"] = {}
        for t, c in sorted(types.items()):
            tp_, fp_, fn_ = c["tp"], c["fp"], c["fn"]
            pp = tp_ / (tp_ + fp_) if tp_ + fp_ else 0.0
            rr = tp_ / (tp_ + fn_) if tp_ + fn_ else 0.0
            res["per_type"][t] = {"tp": tp_, "fp": fp_, "fn": fn_, "precision": round(pp, 3), "recall": round(rr, 3),
                                  "f1": round(2 * pp * rr / (pp + rr), 3) if pp + rr else 0.0}
    return res

def reliability(pairs: list[tuple[float, int]], bins: int = 5) -> list[str]:
    """Confidence bins of (confidence, right) pairs: how many events, the share right, the mean confidence; Brier."""
    out = ["  confidence    n   correct  mean-conf"]
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [(c, y) for c, y in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if sel:
            out.append(f"  {lo:.1f}-{hi:.1f}  {len(sel):5d}   {sum(y for _, y in sel) / len(sel):.2f}     "
                       f"{sum(c for c, _ in sel) / len(sel):.2f}")
    brier = sum((c - y) ** 2 for c, y in pairs) / max(1, len(pairs))
    out.append(f"  Brier {brier:.3f} over {len(pairs)} events")
    return out


# ------------------------------------------------------------------------------------ GSR benchmark
_CLITIC = re.compile(r"^(?:و|ف)?(?:ب|ل|ك)?(?:ال)?")


def gsr_tokens(s: str | None) -> set[str]:
    """Content tokens for source/target overlap: normalised, clitics and function words dropped."""
    out = set()
    for w in norm(s).split():
        w2 = _CLITIC.sub("", w) if len(w) > 4 else w
        if len(w2) >= 2 and w2 not in {"في", "من", "علي", "الي", "عن", "مع", "و"}:
            out.add(w2)
    return out


def overlap_ok(system_texts: list[str], gold_text: str, threshold: float = 0.5) -> bool:
    """At least ``threshold`` of the gold phrase's tokens appear in one of the system's phrases."""
    g = gsr_tokens(gold_text)
    if not g:
        return False
    return any(len(g & gsr_tokens(t)) / len(g) >= threshold for t in system_texts)


def score_gsr(path: str | Path, coder: Callable[[str], list[dict[str, Any]]] | None = None,
              limit: int | None = None, details: list[str] | None = None) -> dict[str, Any]:
    """Type accuracy and source/target match rates on the Arabic event GSR (PROTEST/ASSAULT sentences).

    ``coder(sentence) -> list of event dicts`` (contract JSON); the default codes the bare sentence with the
    project's coder. Type is right when the sentence's main PROTEST/ASSAULT event (the first in text order that
    names its parties) has the gold type; source
    (target) is right when at least half the gold source (target) words appear in one actor (recipient) text of
    that event; rates are over the sentences whose gold names a source (target).
    """
    coder = coder or _default_gsr_coder()
    recs = load_jsonl(path)[:limit] if limit else load_jsonl(path)
    n = typed = coded = 0
    src_tot = src_ok = tgt_tot = tgt_ok = 0
    by_cat: dict[str, Counter] = {}
    for r in recs:
        gold = (r.get("events") or [{}])[0]
        gtype = gold.get("plover") or r.get("category")
        n += 1
        evs = [e for e in coder(r["text"]) if e.get("type") in ("PROTEST", "ASSAULT")]
        c = by_cat.setdefault(gtype, Counter())
        c["n"] += 1
        ev = evs[0] if evs else None
        if ev is not None:
            coded += 1
        if ev is not None and ev.get("type") == gtype:
            typed += 1
            c["type_ok"] += 1
        elif details is not None:
            details.append(f"  TYPE gold={gtype} sys={ev.get('type') if ev else None} | {r['text'][:100]}")
        actors = [a.get("text") or a.get("name") or "" for a in (ev or {}).get("actors") or []]
        recips = [a.get("text") or a.get("name") or "" for a in (ev or {}).get("recipients") or []]
        if gsr_tokens(gold.get("sourcetext")):
            src_tot += 1
            ok = ev is not None and overlap_ok(actors + recips if ev.get("type") == "PROTEST" else actors,
                                               gold["sourcetext"])
            src_ok += ok
            c["src_ok"] += ok
            c["src_n"] += 1
            if not ok and details is not None:
                details.append(f"  SRC gold={gold.get('sourcetext')} sys={actors} | {r['text'][:100]}")
        if gsr_tokens(gold.get("targettext")):
            tgt_tot += 1
            ok = ev is not None and overlap_ok(recips + actors if ev.get("type") == "PROTEST" else recips,
                                               gold["targettext"])
            tgt_ok += ok
            if not ok and details is not None:
                details.append(f"  TGT gold={gold.get('targettext')} sys={recips} | {r['text'][:100]}")
    return {
        "sentences": n, "coded": coded, "type_accuracy": round(typed / n, 3) if n else None,
        "source_match": round(src_ok / src_tot, 3) if src_tot else None, "source_n": src_tot,
        "target_match": round(tgt_ok / tgt_tot, 3) if tgt_tot else None, "target_n": tgt_tot,
        "by_category": {k: {"n": v["n"], "type_accuracy": round(v["type_ok"] / v["n"], 3) if v["n"] else None,
                            "source_match": round(v["src_ok"] / v["src_n"], 3) if v["src_n"] else None}
                        for k, v in sorted(by_cat.items())},
    }


def _default_gsr_coder() -> Callable[[str], list[dict[str, Any]]]:
    from .events import Coder
    from .model import Article
    from .settings import section

    coder = Coder(settings=section("events"))  # the configured coder ([events] rule_engine), as users run it

    def run(text: str) -> list[dict[str, Any]]:
        art = Article(id="gsr", source_path="gsr", text=text)
        evs = coder.code(art)  # every confidence: the benchmark measures coding, not the display threshold
        # the sentence's main event: the first one (the coder keeps text order) that names its parties
        evs.sort(key=lambda e: (not e.actors, not (e.actors or e.recipients)))
        return [event_record(e, art) for e in evs]

    return run


def event_record(ev: Any, article: Any) -> dict[str, Any]:
    """The contract's event JSON for one Event of one Article."""
    d = ev.to_dict()
    d.pop("article_id", None)
    d.pop("trigger", None)
    d["article"] = article.ref()
    return d


def print_events_report(res: dict[str, Any]) -> str:
    return (f"event F1 {res['f1']:.3f} (P {res['precision']:.3f} R {res['recall']:.3f}), core recall "
            f"{res['core_recall']}, date acc {res['date_accuracy']}, mode acc {res['mode_accuracy']}, "
            f"ticker FPs {res['ticker_false_positives']}")
