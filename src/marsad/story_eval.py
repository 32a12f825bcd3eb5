"""`marsad eval stories`: predicted stories against gold story labels on the story benchmark (``eval/stories``).

The benchmark (see eval/stories/README.md when present):

* ``texts/<id>.txt``: page text from its top, boilerplate kept;
* ``sources_*.jsonl``: ``{"id", "url", "domain", "outlet", "country", "published", "published_evidence", "query"}``
  per text: ``published`` is the date the page itself states (``published_evidence``: ``url`` for a dated
  permalink, ``page stamp`` / ``dateline`` / ``stated today`` for the text's own, quoted in ``published_note``),
  null when the page states none;
* ``gold_*.jsonl``: ``{"id", "published", "events": [{"story", "type", "actors", "recipients", "date", ...}]}``;
* ``confusables_*.jsonl``: ``{"a", "b", "why"}``: story pairs that must stay apart.

The texts are ingested into a temporary store with their URLs (as a crawl knows them); by default never with the
recorded ``published`` (the system must find dates itself), with ``published=True`` as a crawler's JSONL would
carry it (the ``feed`` signal, see extract/provenance.py), to measure what known publication dates give. Each gold event is matched to one system event of its text
(same type family, participants as the event scorer matches them); a gold event no system event matches stands
alone in the predicted clustering, so a missed event costs recall. Figures: pairwise and B-cubed P/R/F1 over the
gold events, the pairs of events in one predicted story whose gold dates are more than 30 days apart, and whether
every confusable pair stays apart.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from .evaluate import norm, participants_match, type_matches
from .merge.stories import family

FAR_DAYS = 30


def _jsonl(paths: Iterable[Path]) -> list[dict[str, Any]]:
    out = []
    for p in sorted(paths):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{p} line {n}: not valid JSON ({e})") from None
    return out


def load(folder: str | Path) -> dict[str, Any]:
    d = Path(folder)
    return {"sources": {r["id"]: r for r in _jsonl(d.glob("sources_*.jsonl"))},
            "gold": _jsonl(d.glob("gold_*.jsonl")),
            "confusables": _jsonl(d.glob("confusables_*.jsonl")),
            "texts": d / "texts"}


def _ingest(bench: dict[str, Any], tmp: Path, ner_backend: str | None,
            published: bool = False) -> list[dict[str, Any]]:
    """System events of the benchmark texts, each tagged with its text id (``_doc``); ``published`` feeds each
    text's recorded publication date with it."""
    from .runner import ingest_paths
    from .store import Store

    ids = [g["id"] for g in bench["gold"] if (bench["texts"] / g["id"]).exists()]
    feed = tmp / "bench.jsonl"
    by_url: dict[str, str] = {}
    plain: list[str] = []
    with open(feed, "w", encoding="utf-8") as f:
        for i in ids:
            src = bench["sources"].get(i) or {}
            url = src.get("url")
            if url and url not in by_url:
                by_url[url] = i
                rec = {"url": url, "text": (bench["texts"] / i).read_text(encoding="utf-8")}
                if published and src.get("published"):
                    rec["published"] = src["published"]
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            else:
                plain.append(str(bench["texts"] / i))  # no URL known: read as the file it is
    db = tmp / "stories.db"
    ingest_paths(([str(feed)] if by_url else []) + plain, db, ner_backend=ner_backend)
    with Store(db) as st:
        evs = list(st.events(min_confidence=0.0))
    for e in evs:
        art = e.get("article") or {}
        e["_doc"] = by_url.get(art.get("url") or "") or Path(art.get("source_path") or "").name
    return evs


def _gold_date(ev: dict[str, Any], doc: dict[str, Any]) -> date | None:
    for s in (ev.get("date"), doc.get("published")):
        if s and len(s) >= 10:
            try:
                return date.fromisoformat(s[:10])
            except ValueError:
                continue
    return None


def _gold_dates(ge: dict[str, Any]) -> list[str]:
    return [d for d in [ge.get("date"), *(ge.get("date_alt") or [])] if d]


def _same_date(se: dict[str, Any], ge: dict[str, Any]) -> bool:
    return bool(se.get("date")) and se.get("date") in _gold_dates(ge)


def _time_agrees(se: dict[str, Any], ge: dict[str, Any]) -> bool:
    """The system event's date (at its precision) and a gold date are one the prefix of the other (2022 ~
    2022-03-18), or either is unknown: nothing says they are different times."""
    sd, gds = se.get("date"), _gold_dates(ge)
    return not sd or not gds or any(sd.startswith(g) or g.startswith(sd) for g in gds)


def _same_evidence(se: dict[str, Any], ge: dict[str, Any]) -> bool:
    a, b = norm((se.get("evidence") or {}).get("text")), norm(ge.get("evidence"))
    return bool(a and b) and (a in b or b in a)


def _fit(se: dict[str, Any], ge: dict[str, Any]) -> tuple[bool, bool, bool, bool]:
    """How well a system event fits a gold event of its text: coded from the gold evidence, with the gold date,
    with a date that does not contradict it, with the gold status (occurred, historical, future)."""
    return _same_evidence(se, ge), _same_date(se, ge), _time_agrees(se, ge), se.get("status") == ge.get("status")


def _assign(pairs: list[tuple[int, int]], movable: set[tuple[int, int]]) -> dict[int, int]:
    """gold index → system index: the pairs (best first) taken greedily, then augmenting paths through the
    ``movable`` pairs, so that as many gold events as can be matched are (a best-fit-first choice must not leave
    another gold event without one)."""
    adj: dict[int, list[int]] = {}
    for k, j in pairs:
        if (k, j) in movable:
            adj.setdefault(k, []).append(j)
    of_gold: dict[int, int] = {}
    of_sys: dict[int, int] = {}
    for k, j in pairs:
        if k not in of_gold and j not in of_sys:
            of_gold[k], of_sys[j] = j, k

    def augment(k: int, seen: set[int]) -> bool:
        for j in adj.get(k, []):
            if j not in seen:
                seen.add(j)
                if j not in of_sys or augment(of_sys[j], seen):
                    of_gold[k], of_sys[j] = j, k
                    return True
        return False

    for k in adj:
        if k not in of_gold:
            augment(k, set())
    return of_gold


def match(gold: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per gold event: its story, gold date, and the system event (and story) it matched, if any.

    Within a text, a gold event and a system event can match when their type family (or type) and participants
    agree. Several system events may fit one gold event (a visit and the one it recalls, coded from one long
    sentence): pairs are taken best fit first (``_fit``), then in text order, each event used once, so a gold
    event listed first does not take the event that fits a later one better."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_doc.setdefault(e["_doc"], []).append(e)
    rows = []
    for doc in gold:
        gevs = doc.get("events") or []
        sevs = by_doc.get(doc["id"], [])
        pairs = sorted(((_fit(se, ge), k, j) for k, ge in enumerate(gevs) for j, se in enumerate(sevs)
                        if (family(se) == family(ge) or type_matches(se, ge)) and participants_match(se, ge)),
                       key=lambda p: (tuple(not x for x in p[0]), p[1], p[2]))
        # a pair whose dates contradict is taken only when it costs no other gold event its match
        of_gold = _assign([(k, j) for _fit_key, k, j in pairs], {(k, j) for f, k, j in pairs if f[2]})
        for k, ge in enumerate(gevs):
            se = sevs[of_gold[k]] if k in of_gold else None
            rows.append({"doc": doc["id"], "k": k, "story": ge["story"], "date": _gold_date(ge, doc),
                         "event": se["id"] if se else None, "pred": se.get("story_id") if se else None})
    for i, r in enumerate(rows):
        if r["pred"] is None:
            r["pred"] = f"unmatched:{i}"  # a missed event is a story of its own
    return rows


def _prf(p: float, r: float) -> dict[str, float]:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def bcubed(rows: list[dict[str, Any]]) -> dict[str, float]:
    if not rows:
        return _prf(0.0, 0.0)
    pred = Counter(r["pred"] for r in rows)
    gold = Counter(r["story"] for r in rows)
    both = Counter((r["pred"], r["story"]) for r in rows)
    p = sum(both[(r["pred"], r["story"])] / pred[r["pred"]] for r in rows) / len(rows)
    rec = sum(both[(r["pred"], r["story"])] / gold[r["story"]] for r in rows) / len(rows)
    return _prf(p, rec)


def pairwise(rows: list[dict[str, Any]]) -> dict[str, float]:
    same_pred = same_gold = same_both = 0
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            sp, sg = a["pred"] == b["pred"], a["story"] == b["story"]
            same_pred += sp
            same_gold += sg
            same_both += sp and sg
    return _prf(same_both / same_pred if same_pred else 1.0, same_both / same_gold if same_gold else 1.0)


def far_merges(rows: list[dict[str, Any]], days: int = FAR_DAYS) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """False merges across time: pairs of gold events of different gold stories in one predicted story whose gold
    dates (the event's, else its text's publication date) are more than ``days`` apart."""
    out = []
    by: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["event"] is not None:
            by.setdefault(r["pred"], []).append(r)
    for group in by.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a["story"] != b["story"] and a["date"] and b["date"] and abs((a["date"] - b["date"]).days) > days:
                    out.append((a, b))
    return out


def confusables_apart(rows: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The confusable pairs some predicted story joins (an empty list: every pair is apart)."""
    stories_of: dict[str, set[str]] = {}
    for r in rows:
        if r["event"] is not None:
            stories_of.setdefault(r["story"], set()).add(r["pred"])
    return [p for p in pairs if stories_of.get(p["a"], set()) & stories_of.get(p["b"], set())]


def evaluate(folder: str | Path, ner_backend: str | None = None,
             details: list[str] | None = None, published: bool = False) -> dict[str, Any]:
    bench = load(folder)
    if not bench["gold"]:
        raise ValueError(f"{folder}: no gold_*.jsonl")
    with tempfile.TemporaryDirectory() as t:
        events = _ingest(bench, Path(t), ner_backend, published)
    rows = match(bench["gold"], events)
    far = far_merges(rows)
    joined = confusables_apart(rows, bench["confusables"])
    res: dict[str, Any] = {
        "texts": len(bench["gold"]), "published_fed": published,
        "texts_dated": sum(bool((bench["sources"].get(g["id"]) or {}).get("published")) for g in bench["gold"]),
        "gold_events": len(rows), "gold_stories": len({r["story"] for r in rows}),
        "matched_events": sum(r["event"] is not None for r in rows),
        "predicted_stories": len({r["pred"] for r in rows}),
        **{f"bcubed_{k}": v for k, v in bcubed(rows).items()},
        **{f"pairwise_{k}": v for k, v in pairwise(rows).items()},
        "far_merges": len(far), "confusables": len(bench["confusables"]),
        "confusables_joined": len(joined), "confusables_apart": not joined,
    }
    matched = [r for r in rows if r["event"] is not None]
    res.update({f"matched_bcubed_{k}": v for k, v in bcubed(matched).items()})
    if details is not None:
        for a, b in far:
            details.append(f"  FAR {a['doc']}#{a['k']} ({a['story']}, {a['date']}) ~ {b['doc']}#{b['k']} "
                           f"({b['story']}, {b['date']})")
        for p in joined:
            details.append(f"  JOINED confusable {p['a']} / {p['b']}: {p.get('why', '')}")
        for r in rows:
            details.append(f"  {r['story']:<8} {r['doc']}#{r['k']:<2} → {r['pred']}")
    return res


def report(res: dict[str, Any]) -> str:
    return "\n".join([
        f"story benchmark: {res['texts']} texts ({res['texts_dated']} with a recorded publication date, "
        f"{'fed' if res['published_fed'] else 'not fed'} to the system), "
        f"{res['gold_events']} gold events in {res['gold_stories']} stories, {res['matched_events']} matched to system events, {res['predicted_stories']} predicted stories",
        f"B-cubed   P {res['bcubed_precision']:.3f}  R {res['bcubed_recall']:.3f}  F1 {res['bcubed_f1']:.3f}"
        f"   (matched events only: F1 {res['matched_bcubed_f1']:.3f})",
        f"pairwise  P {res['pairwise_precision']:.3f}  R {res['pairwise_recall']:.3f}  F1 {res['pairwise_f1']:.3f}",
        f"merges of events more than {FAR_DAYS} days apart: {res['far_merges']}",
        f"confusable pairs apart: {res['confusables'] - res['confusables_joined']}/{res['confusables']}"
        + ("" if res["confusables_apart"] else "  (NOT all apart)"),
    ])
