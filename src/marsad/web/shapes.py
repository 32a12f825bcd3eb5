"""Records shaped for the browser's libraries: a month × type series (ECharts), map points (Leaflet), and article
text cut into highlighted segments. Pure functions over query results (the actor graph is query.network's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape


def monthly_series(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts per month (YYYY-MM) and type, every month between the first and the last present (empty ones
    as 0, so the chart's axis is time-true); undated records are counted apart."""
    counts: Counter[tuple[str, str]] = Counter()
    undated = 0
    for r in records:
        d = r.get("date")
        if not d:
            undated += 1
            continue
        # a year-precision date goes to its January: the chart has one axis, and the table says the precision
        counts[(d[:7] if len(d) >= 7 else d[:4] + "-01", r.get("type") or "?")] += 1
    months = _month_range(sorted({m for m, _ in counts}))
    types = sorted({t for _, t in counts})
    return {"months": months, "undated": undated,
            "series": [{"type": t, "counts": [counts.get((m, t), 0) for m in months]} for t in types]}


def _month_range(present: list[str]) -> list[str]:
    if not present:
        return []
    (y, m), (y2, m2) = (int(x) for x in present[0].split("-")), (int(x) for x in present[-1].split("-"))
    out = []
    while (y, m) <= (y2, m2) and len(out) < 1200:  # a stray year (a misread 1900) must not make 100 000 months
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def map_points(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """One point per place with coordinates: its events by type, and how many events had no known place."""
    points: dict[tuple[float, float], dict[str, Any]] = {}
    unplaced = 0
    for ev in records:
        loc = ev.get("location") or {}
        lat, lon = loc.get("lat"), loc.get("lon")
        if lat is None or lon is None:
            unplaced += 1
            continue
        p = points.setdefault((lat, lon), {"lat": lat, "lon": lon, "name": loc.get("name"),
                                           "name_ar": loc.get("name_ar"), "country": loc.get("country"),
                                           "events": 0, "types": {}})
        p["events"] += 1
        p["types"][ev["type"]] = p["types"].get(ev["type"], 0) + 1
    return {"points": sorted(points.values(), key=lambda p: -p["events"]), "unplaced": unplaced}


# what the article page highlights, in this order of precedence where spans overlap
HIGHLIGHT_KINDS = ("trigger", "actor", "place", "date")


def article_spans(article: dict[str, Any], events: list[dict[str, Any]]) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, title) over ``article['text']``: actor and place mentions, date expressions (from the
    stored annotations) and each event's trigger inside its evidence sentence."""
    text = article.get("text") or ""
    ann = article.get("annotations") or {}
    spans: list[tuple[int, int, str, str]] = []
    for m in ann.get("mentions") or []:
        ent = m.get("entity") or {}
        kind = "place" if m.get("label") in ("LOC", "GPE") and ent.get("kind") != "country" else "actor"
        if m.get("label") == "TITLE":
            continue
        spans.append((m["start"], m["end"], kind, ent.get("name") or m.get("label") or ""))
    for t in ann.get("timexes") or []:
        spans.append((t["start"], t["end"], "date", t.get("value") or ""))
    for ev in events:
        evd, trig = ev.get("evidence") or {}, ev.get("trigger")
        if evd.get("field", "text") != "text":
            continue
        at = (ev.get("why") or {}).get("trigger_span")  # where the coder found it
        if at and len(at) == 2:
            spans.append((int(at[0]), int(at[1]), "trigger", ev.get("type") or ""))
        elif trig:  # older records: the trigger's words, when it holds words, inside the evidence sentence
            pos = text.find(trig, evd.get("start", 0), max(evd.get("end", 0), evd.get("start", 0) + len(trig)))
            if pos >= 0:
                spans.append((pos, pos + len(trig), "trigger", ev.get("type") or ""))
    return spans


def highlight(text: str, spans: list[tuple[int, int, str, str]]) -> Markup:
    """``text`` with each span wrapped in <mark class="hl-KIND">; overlaps go to the kind earlier in
    HIGHLIGHT_KINDS (a trigger inside an actor's name stays a trigger). Every piece of text is escaped."""
    rank = {k: i for i, k in enumerate(HIGHLIGHT_KINDS)}
    chosen: list[tuple[int, int, str, str]] = []
    for s in sorted(spans, key=lambda s: (rank.get(s[2], 99), s[0], -(s[1] - s[0]))):
        start, end = s[0], s[1]
        if 0 <= start < end <= len(text) and all(end <= c[0] or start >= c[1] for c in chosen):
            chosen.append(s)
    out, pos = [], 0
    for start, end, kind, title in sorted(chosen):
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark class="hl-{}" title="{}">{}</mark>').format(kind, title, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)
