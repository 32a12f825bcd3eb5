"""Stories: the same real-world event merged across articles and outlets.

Two events belong to one story when they are of the same type family, share participants (at least two of the
smaller side's, or its only one), have compatible dates (within ``max_day_gap`` days, compared at the coarser
precision; an unknown date is compatible) and compatible places. Reprints (duplicate articles) are not independent sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ..arabic import normalize
from ..model import Entity, Location, Story, stable_id

# A future meeting (AGREE/CONSULT status future) and the meeting itself are one story family.
FAMILY = {"CONSULT": "meet", "AGREE": "agree"}


def family(ev: dict[str, Any]) -> str:
    if ev["type"] == "AGREE" and ev.get("status") == "future":
        return "meet"
    return FAMILY.get(ev["type"], ev["type"])


def participant_keys(ev: dict[str, Any]) -> set[str]:
    keys = set()
    for e in (ev.get("actors") or []) + (ev.get("recipients") or []):
        key = e.get("id") or (e.get("name") and normalize(e["name"])) or normalize(e.get("text") or "")
        if key:
            keys.add(key)
    return keys


def _as_date(s: str | None) -> date | None:
    if not s:
        return None
    parts = [int(p) for p in s.split("-")]
    while len(parts) < 3:
        parts.append(1)
    try:
        return date(*parts[:3])
    except ValueError:
        return None


def dates_compatible(a: dict[str, Any], b: dict[str, Any], max_day_gap: int) -> bool:
    da, db = a.get("date"), b.get("date")
    if not da or not db:
        return True
    n = min(len(da), len(db))  # compare at the coarser precision
    if n < 10:
        return da[:n] == db[:n]
    x, y = _as_date(da), _as_date(db)
    return x is not None and y is not None and abs((x - y).days) <= max_day_gap


def places_compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    la, lb = a.get("location"), b.get("location")
    if not la or not lb:
        return True
    if la.get("name") and lb.get("name") and la["name"] == lb["name"]:
        return True
    return bool(la.get("country") and la.get("country") == lb.get("country"))


def same_story(a: dict[str, Any], b: dict[str, Any], max_day_gap: int) -> bool:
    if family(a) != family(b):
        return False
    pa, pb = participant_keys(a), participant_keys(b)
    if not pa or not pb:
        return False
    need = min(2, len(pa), len(pb))
    return len(pa & pb) >= need and dates_compatible(a, b, max_day_gap) and places_compatible(a, b)


def build_stories(events: Iterable[dict[str, Any]], max_day_gap: int = 3) -> tuple[list[Story], dict[str, str]]:
    """Cluster event records into stories; returns the stories and event id -> story id.

    Greedy single pass, dated events first in date order: an event joins the largest story that shares its type
    family and participants and whose every dated event and place are compatible with it. Undated events join
    last, so one undated report cannot chain two different meetings together. Records carry ``_outlet`` and
    ``_duplicate_of`` (from the store) to count independent sources.
    """
    evs = sorted(events, key=lambda e: (e.get("date") is None, e.get("date") or "", e["id"]))
    clusters: list[list[dict[str, Any]]] = []
    index: dict[tuple[str, str], list[int]] = {}  # (family, participant) -> clusters, the blocking key
    for ev in evs:
        keys = [(family(ev), k) for k in participant_keys(ev)]
        candidates = {c for key in keys for c in index.get(key, [])}
        best = None
        for c in sorted(candidates, key=lambda c: (-len(clusters[c]), c)):
            members = clusters[c]
            if any(same_story(ev, m, max_day_gap) for m in members) and all(
                    dates_compatible(ev, m, max_day_gap) and places_compatible(ev, m) for m in members):
                best = c
                break
        if best is None:
            best = len(clusters)
            clusters.append([])
        clusters[best].append(ev)
        for key in keys:
            if best not in index.setdefault(key, []):
                index[key].append(best)

    stories, assignment = [], {}
    for group in clusters:
        story = _story(group)
        stories.append(story)
        for ev in group:
            assignment[ev["id"]] = story.id
    stories.sort(key=lambda s: (s.date or "9999", s.id))
    return stories, assignment


def _entities(group: list[dict[str, Any]], role: str) -> list[Entity]:
    seen: dict[str, Entity] = {}
    for ev in group:
        for e in ev.get(role) or []:
            key = e.get("id") or normalize(e.get("name") or e.get("text") or "")
            if key and key not in seen:
                seen[key] = Entity(**{k: e.get(k) for k in ("text", "name", "name_ar", "kind", "country", "id", "role")})
    return list(seen.values())


def _story(group: list[dict[str, Any]]) -> Story:
    best = max(group, key=lambda e: (e.get("confidence") or 0, -len(e.get("id", ""))))
    dated = sorted(e["date"] for e in group if e.get("date"))
    # The most precise date that most reports agree on; first/last span the reports.
    by_prec = sorted(dated, key=lambda d: (-len(d), dated.count(d) * -1))
    loc = next((e["location"] for e in group if e.get("location")), None)
    sources: dict[str, None] = {}
    for e in group:
        if e.get("_duplicate_of"):
            continue  # a reprint does not add an independent source
        sources[e.get("_outlet") or (e.get("article") or {}).get("id") or "?"] = None
    article_ids = sorted({(e.get("article") or {}).get("id", "") for e in group})
    outlets = sorted({e.get("_outlet") or "" for e in group} - {""})
    event_ids = sorted(e["id"] for e in group)
    story_date = by_prec[0] if by_prec else None
    return Story(
        id=stable_id("story", *event_ids),
        type=best["type"], mode=best.get("mode"), status=best.get("status", "occurred"),
        actors=_entities(group, "actors"), recipients=_entities(group, "recipients"),
        location=Location(**{k: loc.get(k) for k in ("text", "name", "name_ar", "country")}) if loc else None,
        date=story_date,
        date_precision={10: "day", 7: "month", 4: "year"}.get(len(story_date or ""), "none"),
        first_date=dated[0] if dated else None, last_date=dated[-1] if dated else None,
        event_ids=event_ids, article_ids=article_ids, outlets=outlets,
        independent_sources=max(1, len(sources)),
        confidence=round(min(1.0, max(e.get("confidence") or 0 for e in group) + 0.05 * (len(sources) - 1)), 3),
    )
