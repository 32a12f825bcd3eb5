"""Stories: the same real-world event merged across articles and outlets, never across incompatible times.

Two events may share a story when all of these hold:

* **type family**: the same family (a meeting and the future meeting it announces are one family, see ``FAMILY``);
  a phone call and a meeting in person are not one occasion (``modes_compatible``);
* **participants**: at least two of the smaller side's participants (or its only one) match, by knowledge-base id
  or name; a country matches a person or organisation of that country ("Saudi Arabia" ~ "King Salman"); two
  visit meetings of one visitor with different hosts of one country are one stay (``one_visit``);
* **time windows**: each event's window is its own date at its precision (a day, a month, a year); else its
  article's publication date minus ``[stories] report_lag_days`` (a report tells what happened in the days before
  it; a future event, the days after it); else unknown. Known windows must overlap (day windows within
  ``max_day_gap`` days). An event whose window is unknown only joins events of the same article or of its
  near-duplicates (reprints), never a report from elsewhere: nothing says they are the same time;
* **place**: the same place or country when both name one;
* **distinct reports**: two events of one article are never one story (the events stage already merged an
  article's mentions of one event), and a future event (an announcement) never joins one that happened.

A window wider than a month (a bare year) places nothing and counts as unknown.

An event joins a story only when it is compatible with *every* member, so every story has one time that all its
members' windows share. Blocking keys (type family × participant, and × participant country) find the candidate
stories; there is no all-pairs scan.

``independent_sources`` counts the reports that are not copies of one another: reprints (near-duplicates) count as
their original, copies of one wire agency (the dateline's "(رويترز)") as that agency, and one outlet's articles as
that outlet. ``confidence`` is the chance that at least one independent source is right, taking each source's best
event confidence as its chance and the sources as independent: 1 - Π(1 - c_source). ``members`` records why each
event joined (``marsad stories --explain ID``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..arabic import normalize
from ..model import Entity, Location, Story, stable_id

# A future meeting (AGREE/CONSULT status future) and the meeting itself are one story family.
FAMILY = {"CONSULT": "meet", "AGREE": "agree"}
PHONE = "phone"
_UNKNOWN_WINDOW_SOURCES = {"crawl_date"}  # a crawl date bounds the publication, it does not date it


def family(ev: dict[str, Any]) -> str:
    if ev["type"] == "AGREE" and ev.get("status") == "future":
        return "meet"
    return FAMILY.get(ev["type"], ev["type"])


def modes_compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """A call and a meeting in person are two occasions (the call that announces a visit, the visit it set up);
    an event whose mode is unknown may be either."""
    ma, mb = a.get("mode"), b.get("mode")
    return not (ma and mb and ma != mb and PHONE in (ma, mb) and family(a) == family(b) == "meet")


def _key(e: dict[str, Any]) -> str:
    return e.get("id") or (e.get("name") and normalize(e["name"])) or normalize(e.get("text") or "")


def _participants(ev: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in (ev.get("actors") or []) + (ev.get("recipients") or []) if _key(e)]


def participant_keys(ev: dict[str, Any]) -> set[str]:
    return {_key(e) for e in _participants(ev)}


def _covers(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same participant, an organisation and a person holding one of its offices ("حزب الله" ~ its secretary
    general: ``_of``, see ``mark_affiliations``), or a country and one of its people or organisations."""
    if _key(a) == _key(b):
        return True
    if (a.get("id") and a["id"] in b.get("_of", ())) or (b.get("id") and b["id"] in a.get("_of", ())):
        return True
    ca, cb = a.get("country"), b.get("country")
    if not ca or ca != cb:
        return False
    return (a.get("kind") == "country") != (b.get("kind") == "country")


def shared_participants(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The participants of the smaller side that match one of the other side's (each used once)."""
    pa, pb = _participants(a), _participants(b)
    if len(pa) > len(pb):
        pa, pb = pb, pa
    used: set[int] = set()
    out = []
    for x in pa:
        for i, y in enumerate(pb):
            if i not in used and _covers(x, y):
                used.add(i)
                out.append(x.get("name") or x.get("text") or _key(x))
                break
    return out


def _hosts_country(ev: dict[str, Any], shared: set[str]) -> str | None:
    """The one country of an event's participants other than the shared ones (its hosts), else None."""
    rest = {e.get("country") for e in _participants(ev) if _key(e) not in shared}
    return rest.pop() if len(rest) == 1 and None not in rest else None


def one_visit(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two visit meetings of the same visitor with different hosts of one country ("الأسد يلتقي محمد بن راشد في
    دبي", "... ومحمد بن زايد في أبوظبي"): one stay in that country, one occasion (times and places still apply)."""
    if not all(e["type"] == "CONSULT" and e.get("mode") == "visit" for e in (a, b)):
        return False
    shared = participant_keys(a) & participant_keys(b)
    if not shared:
        return False
    host = _hosts_country(a, shared)
    visitors = {e.get("country") for e in _participants(a) if _key(e) in shared}
    return host is not None and host == _hosts_country(b, shared) and host not in visitors


def participants_compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    pa, pb = _participants(a), _participants(b)
    if not pa or not pb:
        return False
    need = min(2, len(pa), len(pb))
    return len(shared_participants(a, b)) >= need or one_visit(a, b)


# person id -> the organisations they held an office of: (organisation id, first day, last day; None: open)
Affiliations = Mapping[str, Sequence[tuple[str, str | None, str | None]]]


def kb_affiliations(kb: Any) -> dict[str, list[tuple[str, str | None, str | None]]]:
    """The offices of organisations (not countries) that the knowledge base's people held (``ActorKB``)."""
    out: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for a in kb.actors.values():
        spans = [(o.of, o.start, o.end) for o in a.offices if o.of and kb.country(o.of) is None]
        if spans:
            out[a.id] = spans
    return out


def mark_affiliations(events: Iterable[dict[str, Any]], affiliations: Affiliations) -> None:
    """Give each participant of a known person the organisations whose office they held on the event's day
    (``_of``; any of them when the event has no date): an organisation then covers its officer."""
    for ev in events:
        day = ev.get("date") or ev.get("_published") or (ev.get("article") or {}).get("published")
        for e in _participants(ev):
            spans = affiliations.get(e.get("id") or "")
            if spans:
                e["_of"] = [org for org, lo, hi in spans
                            if not day or ((lo is None or str(lo)[:len(day)] <= day) and
                                           (hi is None or day <= str(hi)))]


def _as_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        parts = [int(p) for p in s.split("-")]
        while len(parts) < 3:
            parts.append(1)
        return date(*parts[:3])
    except ValueError:
        return None


@dataclass(frozen=True)
class Window:
    """The days an event may have happened on, and what says so."""

    lo: date
    hi: date
    source: str  # event_date | published
    precise: bool  # a day (or a few days from a publication date): compared with the day tolerance

    def gap(self, other: Window) -> int:
        """Days between the two windows; 0 when they overlap."""
        return max(0, (other.lo - self.hi).days, (self.lo - other.hi).days)


def _end_of(d: date, precision: str) -> date:
    if precision == "year":
        return date(d.year, 12, 31)
    if precision == "month":
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    return d


def event_window(ev: dict[str, Any], lag_days: int = 3, future_days: int = 30) -> Window | None:
    """The event's own date at its precision; else its article's publication date minus the lag (plus the lead
    for a future event); else None (unknown)."""
    d = _as_date(ev.get("date"))
    if d is not None:
        prec = ev.get("date_precision") or {10: "day", 7: "month", 4: "year"}.get(len(ev["date"]), "day")
        return Window(d, _end_of(d, prec), "event_date", prec == "day")
    art = ev.get("article") or {}
    pub = _as_date(ev.get("_published") or art.get("published"))
    if pub is None or ev.get("_published_source") in _UNKNOWN_WINDOW_SOURCES:
        return None
    if ev.get("status") == "future":
        return Window(pub, pub + timedelta(days=future_days), "published", False)
    return Window(pub - timedelta(days=lag_days), pub, "published", True)


def _root(ev: dict[str, Any]) -> str:
    """The article an event's article copies (itself when it is no reprint)."""
    return ev.get("_duplicate_of") or (ev.get("article") or {}).get("id") or ev["id"]


def places_compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    la, lb = a.get("location"), b.get("location")
    if not la or not lb:
        return True
    if la.get("name") and lb.get("name") and la["name"] == lb["name"]:
        return True
    return bool(la.get("country") and la.get("country") == lb.get("country"))


@dataclass
class _Item:
    ev: dict[str, Any]
    window: Window | None
    root: str


MAX_WINDOW_DAYS = 31  # a wider window (a year) holds many meetings of the same leaders: it places nothing


def _placed(w: Window | None) -> Window | None:
    return w if w is not None and (w.hi - w.lo).days <= MAX_WINDOW_DAYS else None


def times_compatible(a: _Item, b: _Item, max_day_gap: int) -> bool:
    wa, wb = _placed(a.window), _placed(b.window)
    if wa is None or wb is None:
        return a.root == b.root  # nothing says when: only a reprint of the same article is the same time
    tol = max_day_gap if wa.precise and wb.precise else 0
    return wa.gap(wb) <= tol


def _article(it: _Item) -> str | None:
    return (it.ev.get("article") or {}).get("id")


def _compatible(a: _Item, b: _Item, max_day_gap: int) -> bool:
    if _article(a) is not None and _article(a) == _article(b):
        return False  # the coder already merged one article's mentions of one event: two events are two
    if (a.ev.get("status") == "future") != (b.ev.get("status") == "future"):
        return False  # an announced meeting is not yet the meeting (the benchmark's confusables)
    if not modes_compatible(a.ev, b.ev):
        return False
    return times_compatible(a, b, max_day_gap) and places_compatible(a.ev, b.ev)


def same_story(a: dict[str, Any], b: dict[str, Any], max_day_gap: int = 3, lag_days: int = 3) -> bool:
    """Whether two event records may be one story (the pairwise test ``build_stories`` applies to every member)."""
    ia = _Item(a, event_window(a, lag_days), _root(a))
    ib = _Item(b, event_window(b, lag_days), _root(b))
    return family(a) == family(b) and participants_compatible(a, b) and _compatible(ia, ib, max_day_gap)


def _blocking_keys(ev: dict[str, Any]) -> set[tuple[str, str]]:
    fam = family(ev)
    keys = {(fam, _key(e)) for e in _participants(ev)}
    keys |= {(fam, "country:" + e["country"]) for e in _participants(ev) if e.get("country")}
    keys |= {(fam, org) for e in _participants(ev) for org in e.get("_of", ())}  # an officer meets their organisation
    return keys


class _Candidates:
    """The stories an event may join, found by blocking key (type family × participant, × participant country)
    and pruned by time, so that the search does not grow with the whole store's stories of one leader: the
    pruned ones could never pass the member-by-member test. Events arrive with placed windows first, in order of
    their start; a story one of whose placed members ended more than ``max_day_gap`` days before the event starts
    is too old for this event and for every later one with a placed window, and leaves the index. An event that
    nothing places (no window, or a year) may only join a story all of whose members are its own article or
    reprints of it: those are found by that root article. Candidates come largest story first, then oldest."""

    def __init__(self, max_day_gap: int) -> None:
        self.gap = timedelta(days=max_day_gap)
        self.by_key: dict[tuple[str, str], list[int]] = {}
        self.keys: list[set[tuple[str, str]]] = []  # per story: its blocking keys
        self.size: list[int] = []
        self.ends: list[date] = []  # per story: the earliest end of a placed member's window (date.max: none)
        self.roots: list[set[str]] = []  # per story: the root articles of its members
        self.by_root: dict[str, set[int]] = {}  # stories whose members are all of one root article

    def find(self, it: _Item, keys: set[tuple[str, str]]) -> list[int]:
        w = _placed(it.window)
        if w is None:
            found = {c for c in self.by_root.get(it.root, ()) if self.keys[c] & keys}
        else:
            oldest = w.lo - self.gap if w.lo > date.min + self.gap else date.min
            found = set()
            for key in keys:
                live = [c for c in self.by_key.get(key, ()) if self.ends[c] >= oldest]
                if key in self.by_key:
                    self.by_key[key] = live  # what is too old now is too old for every later event
                found.update(live)
        return sorted(found, key=lambda c: (-self.size[c], c))

    def add(self, c: int, it: _Item, keys: set[tuple[str, str]], size: int) -> None:
        if c == len(self.size):
            self.keys.append(set())
            self.size.append(0)
            self.ends.append(date.max)
            self.roots.append(set())
        self.size[c] = size
        w = _placed(it.window)
        if w is not None:
            self.ends[c] = min(self.ends[c], w.hi)
        for key in keys - self.keys[c]:
            self.by_key.setdefault(key, []).append(c)
        self.keys[c] |= keys
        roots = self.roots[c]
        if not roots:
            self.by_root.setdefault(it.root, set()).add(c)
        elif it.root not in roots and len(roots) == 1:
            self.by_root[next(iter(roots))].discard(c)  # two root articles: nothing unplaced can join it now
        roots.add(it.root)


def build_stories(events: Iterable[dict[str, Any]], max_day_gap: int = 3, lag_days: int = 3,
                  future_days: int = 30, affiliations: Affiliations | None = None
                  ) -> tuple[list[Story], dict[str, str]]:
    """Cluster event records into stories; returns the stories and event id -> story id.

    Greedy single pass, events with a known window first in time order: an event joins the largest candidate
    story (found by blocking key) whose members it shares a family and participants with and is compatible with
    in time and place, every one of them. Records carry ``_outlet``, ``_duplicate_of``, ``_published``,
    ``_published_source`` and ``_wire`` (from the store) for windows and sources; ``affiliations`` (person id ->
    organisation offices, ``kb_affiliations``) lets an organisation cover its officers.
    """
    if affiliations:  # on copies of the participants: the caller's records stay as they were
        events = [{**ev, "actors": [dict(e) for e in ev.get("actors") or []],
                   "recipients": [dict(e) for e in ev.get("recipients") or []]} for ev in events]
        mark_affiliations(events, affiliations)
    items = [_Item(ev, event_window(ev, lag_days, future_days), _root(ev)) for ev in events]
    items.sort(key=lambda it: (it.window is None, it.window.lo if it.window else date.max, it.ev["id"]))
    clusters: list[list[_Item]] = []
    reasons: dict[str, str] = {}
    search = _Candidates(max_day_gap)
    for it in items:
        keys = _blocking_keys(it.ev)
        best = None
        for c in search.find(it, keys):
            members = clusters[c]
            if family(members[0].ev) != family(it.ev):
                continue
            peer = next((m for m in members if participants_compatible(it.ev, m.ev)), None)
            if peer is not None and all(_compatible(it, m, max_day_gap) for m in members):
                best = c
                reasons[it.ev["id"]] = _reason(it, peer)
                break
        if best is None:
            best = len(clusters)
            clusters.append([])
            reasons[it.ev["id"]] = "first report" + _when(it)
        clusters[best].append(it)
        search.add(best, it, keys, len(clusters[best]))

    stories, assignment = [], {}
    for group in clusters:
        story = _story(group, reasons)
        stories.append(story)
        for it in group:
            assignment[it.ev["id"]] = story.id
    stories.sort(key=lambda s: (s.date or "9999", s.id))
    return stories, assignment


def _when(it: _Item) -> str:
    if it.window is None:
        return "; no date, no publication date: joins only reprints of its own article"
    w = it.window
    return f"; window {w.lo.isoformat()}..{w.hi.isoformat()} from its {w.source.replace('_', ' ')}"


def _reason(it: _Item, peer: _Item) -> str:
    names = ", ".join(shared_participants(it.ev, peer.ev))
    if it.window is None or peer.window is None:
        time = "same article or a reprint of it"
    else:
        time = f"windows {_span(it.window)} and {_span(peer.window)} meet"
    return f"joined {peer.ev['id']}: {family(it.ev)} family, shares {names}; {time}; places agree" + _when(it)


def _span(w: Window) -> str:
    return w.lo.isoformat() if w.lo == w.hi else f"{w.lo.isoformat()}..{w.hi.isoformat()}"


def _entities(group: list[dict[str, Any]], role: str) -> list[Entity]:
    seen: dict[str, Entity] = {}
    for ev in group:
        for e in ev.get(role) or []:
            key = e.get("id") or normalize(e.get("name") or e.get("text") or "")
            if key and key not in seen:
                seen[key] = Entity(**{k: e.get(k) for k in ("text", "name", "name_ar", "kind", "country", "id", "role")})
    return list(seen.values())


def source_of(ev: dict[str, Any], outlet_of: dict[str, str]) -> str:
    """The independent source an event's report is: its wire agency, else its original article's outlet."""
    if ev.get("_wire"):
        return "wire:" + ev["_wire"]
    root = _root(ev)
    outlet = outlet_of.get(root) or (None if ev.get("_duplicate_of") else ev.get("_outlet"))
    return "outlet:" + outlet if outlet else "article:" + root


def _story(items: list[_Item], reasons: dict[str, str]) -> Story:
    group = [it.ev for it in items]
    best = max(group, key=lambda e: (e.get("confidence") or 0, -len(e.get("id", ""))))
    dated = sorted(e["date"] for e in group if e.get("date"))
    # The most precise date that most reports agree on; first/last span the reports.
    by_prec = sorted(dated, key=lambda d: (-len(d), dated.count(d) * -1))
    loc = next((e["location"] for e in group if e.get("location")), None)
    outlet_of = {(e.get("article") or {}).get("id", ""): e.get("_outlet") or "" for e in group}
    sources: dict[str, float] = {}
    for e in group:
        s = source_of(e, outlet_of)
        sources[s] = max(sources.get(s, 0.0), float(e.get("confidence") or 0))
    miss = 1.0
    for c in sources.values():
        miss *= 1.0 - min(1.0, c)
    article_ids = sorted({(e.get("article") or {}).get("id", "") for e in group})
    outlets = sorted({e.get("_outlet") or "" for e in group} - {""})
    event_ids = sorted(e["id"] for e in group)
    story_date = by_prec[0] if by_prec else None
    members = [{"event_id": it.ev["id"], "article_id": (it.ev.get("article") or {}).get("id"),
                "outlet": it.ev.get("_outlet"), "source": source_of(it.ev, outlet_of),
                "type": it.ev.get("type"), "date": it.ev.get("date"),
                "window": [it.window.lo.isoformat(), it.window.hi.isoformat()] if it.window else None,
                "why": reasons.get(it.ev["id"], "")} for it in items]
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
        confidence=round(1.0 - miss, 3),
        members=members,
    )
