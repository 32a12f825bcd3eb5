"""The query layer the CLI, the Python API and the web UI share: typed filters (``EventQuery``) checked once, turned
into parameterised SQL over the store, and answered with records, a total and facet counts.

Values from users never reach SQL text: every filter is a ``?`` parameter, and sort keys are looked up in a fixed
table of column expressions.
"""

from __future__ import annotations

import calendar
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from .arabic import normalize
from .model import PLOVER_TYPES, STATUSES
from .settings import data_path
from .store import Store
from .store.sqlite import fts_query

MAX_LIMIT = 10_000
FACETS = ("type", "mode", "status", "actor", "country", "outlet", "year")
FACET_SIZE = 25  # values per facet (the most frequent first): actors and outlets can be many


class QueryError(ValueError):
    """A filter value that cannot be used; the message names the parameter and what it accepts."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param


# -- dates --------------------------------------------------------------------------------------------------------
_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


@dataclass(frozen=True)
class DateBound:
    """A date as a user gives it, with its precision: 2017 (year), 2017-11 (month) or 2017-11-20 (day)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first(self) -> str:
        """The first day it covers, YYYY-MM-DD."""
        return date(self.year, self.month or 1, self.day or 1).isoformat()

    @property
    def last(self) -> str:
        """The last day it covers, YYYY-MM-DD."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day).isoformat()

    def __str__(self) -> str:
        return self.first[: {"year": 4, "month": 7, "day": 10}[self.precision]]


def parse_date(text: str | DateBound | date, param: str = "date") -> DateBound:
    """YYYY, YYYY-MM, YYYY-MM-DD or YYYY/MM/DD (a real calendar date) as a DateBound; QueryError otherwise."""
    if isinstance(text, DateBound):
        return text
    if isinstance(text, date):
        return DateBound(text.year, text.month, text.day)
    m = _DATE.fullmatch(str(text).strip())
    if not m:
        raise QueryError(param, f"{text!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY/MM/DD)")
    y, mo, d = (int(g) if g else None for g in m.groups())
    try:
        date(y or 1, mo or 1, d or 1)
    except ValueError as e:
        raise QueryError(param, f"{text!r} is not a calendar date ({e})") from e
    return DateBound(y or 1, mo, d)


# -- vocabularies -------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def modes_by_type() -> dict[str, tuple[str, ...]]:
    """PLOVER modes per event type (data/events/modes.yaml)."""
    with open(data_path("events", "modes.yaml"), encoding="utf-8") as f:
        raw = yaml.safe_load(f)["modes"]
    return {t: tuple(v or ()) for t, v in raw.items()}


def all_modes() -> tuple[str, ...]:
    return tuple(sorted({m for ms in modes_by_type().values() for m in ms}))


def _choices(param: str, values: str | Sequence[str] | None, allowed: Sequence[str], upper: bool = False
             ) -> tuple[str, ...]:
    """A filter's values as a tuple, each checked against ``allowed``; a comma inside one value splits it."""
    if values is None:
        return ()
    items = [values] if isinstance(values, str) else list(values)
    out = []
    for item in items:
        for v in str(item).split(","):
            v = v.strip().upper() if upper else v.strip().lower()
            if not v:
                continue
            if v not in allowed:
                raise QueryError(param, f"{v!r} is not one of {', '.join(allowed)}")
            out.append(v)
    return tuple(dict.fromkeys(out))


# -- event queries ------------------------------------------------------------------------------------------------
# sort key -> SQL expression; undated events sort last in either direction
EVENT_SORTS: dict[str, str] = {
    "date": "e.date", "confidence": "e.confidence", "type": "e.type", "status": "e.status",
    "outlet": "a.outlet", "published": "a.published", "ingested": "e.rowid",
}
STORY_SORTS: dict[str, str] = {
    "date": "s.date", "type": "s.type", "ingested": "s.rowid",
    "sources": "json_extract(s.record, '$.independent_sources')",
    "events": "json_array_length(s.record, '$.event_ids')",
    "confidence": "json_extract(s.record, '$.confidence')",
}


@dataclass(frozen=True)
class EventQuery:
    """Filters over events, each optional and all combined with AND (a multi-valued one matches any of its
    values). Values are checked when the query is made: a bad one raises QueryError.

    ``actor`` matches a participant's name, Arabic name, surface text or id (any script, normalised), or an ISO3
    code; ``actor_id`` is an exact knowledge-base id. ``country`` is any participant's ISO3 country. ``since`` and
    ``until`` keep an event whose date (day, month or year) overlaps the period. ``text`` is a full-text search
    over the event's article. ``limit=None`` means every row.
    """

    # one value, a comma list or a sequence of them; a tuple of checked values once made
    types: Sequence[str] | str = ()
    modes: Sequence[str] | str = ()
    statuses: Sequence[str] | str = ()
    actor: str | None = None
    actor_id: str | None = None
    country: str | None = None
    outlet: str | None = None
    year: int | str | None = None
    since: DateBound | date | str | None = None  # a DateBound once made
    until: DateBound | date | str | None = None
    story_id: str | None = None
    article_id: str | None = None
    text: str | None = None
    min_confidence: float = 0.0
    sort: str = "ingested"
    descending: bool = False
    limit: int | None = 100
    offset: int = 0

    def __post_init__(self) -> None:
        fix = object.__setattr__  # frozen: normalise the given values in place, once
        for name in ("actor", "actor_id", "country", "outlet", "story_id", "article_id", "text"):
            v = getattr(self, name)
            fix(self, name, v.strip() or None if isinstance(v, str) else v)
        fix(self, "types", _choices("type", self.types, PLOVER_TYPES, upper=True))
        fix(self, "modes", _choices("mode", self.modes, all_modes()))
        fix(self, "statuses", _choices("status", self.statuses, STATUSES))
        for name in ("since", "until"):
            v = getattr(self, name)
            if v is not None and v != "":
                fix(self, name, parse_date(v, name))
            else:
                fix(self, name, None)
        first, last = self.period
        if first and last and first > last:
            raise QueryError("since", f"{self.since} is after until={self.until}")
        if self.country:
            if not re.fullmatch(r"[A-Za-z]{3}", self.country):
                raise QueryError("country", f"{self.country!r} is not an ISO 3166 alpha-3 code (e.g. SYR)")
            fix(self, "country", self.country.upper())
        if self.year is not None:
            try:
                fix(self, "year", int(self.year))
            except (TypeError, ValueError) as e:
                raise QueryError("year", f"{self.year!r} is not a year") from e
            if not 1 <= self.year <= 9999:
                raise QueryError("year", f"{self.year} is not a year")
        try:
            fix(self, "min_confidence", float(self.min_confidence))
        except (TypeError, ValueError) as e:
            raise QueryError("min_confidence", f"{self.min_confidence!r} is not a number") from e
        if not 0.0 <= self.min_confidence <= 1.0:
            raise QueryError("min_confidence", "must be between 0 and 1")
        _check_page(self.limit, self.offset)
        if self.sort not in EVENT_SORTS and self.sort not in STORY_SORTS:
            raise QueryError("sort", f"{self.sort!r} is not one of {', '.join({**EVENT_SORTS, **STORY_SORTS})}")
        fix(self, "descending", bool(self.descending))

    @property
    def period(self) -> tuple[str | None, str | None]:
        """The first day of ``since`` and the last day of ``until`` (YYYY-MM-DD), None where not set."""
        since, until = self.since, self.until
        return (since.first if isinstance(since, DateBound) else None,
                until.last if isinstance(until, DateBound) else None)

    def with_(self, **changes: Any) -> EventQuery:
        """A copy with some filters changed (checked again)."""
        return replace(self, **changes)

    @classmethod
    def from_params(cls, params: dict[str, Any], **defaults: Any) -> EventQuery:
        """A query from plain values, e.g. a URL's query string or ``to_params()``: the field names or the CLI's
        (type, mode, status, story, article, q, desc), numbers and booleans as text; unknown keys are refused."""
        names = {f.name for f in fields(cls)}
        kw: dict[str, Any] = dict(defaults)
        for key, value in params.items():
            name = PARAM_ALIASES.get(key, key)
            if name not in names:
                raise QueryError(key, f"unknown filter (known: {', '.join(sorted(names))})")
            if value is None or value == "" or value == []:
                continue
            if name in ("limit", "offset", "year"):
                value = _whole(key, value)
            elif name == "min_confidence":
                value = _number(key, value)
            elif name == "descending":
                value = str(value).lower() in ("1", "true", "yes", "on", "desc")
            kw[name] = value
        return cls(**kw)

    def to_params(self) -> dict[str, Any]:
        """The filters that are set, as plain values (for links and the JSON API's echo of a query)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v in (None, (), "") or v == f.default:
                continue
            out[f.name] = list(v) if isinstance(v, tuple) else str(v) if isinstance(v, DateBound) else v
        return out


# the CLI's and URLs' names for EventQuery's fields
PARAM_ALIASES = {"type": "types", "mode": "modes", "status": "statuses", "story": "story_id",
                 "article": "article_id", "q": "text", "desc": "descending"}


def _whole(param: str, value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError as e:
        raise QueryError(param, f"{value!r} is not a whole number") from e


def _number(param: str, value: Any) -> float:
    try:
        return float(str(value).strip())
    except ValueError as e:
        raise QueryError(param, f"{value!r} is not a number") from e


def _check_page(limit: int | None, offset: int) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT):
        raise QueryError("limit", f"must be a whole number from 1 to {MAX_LIMIT} (got {limit!r})")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise QueryError("offset", f"must be a whole number ≥ 0 (got {offset!r})")


@dataclass
class Page:
    """One page of results: the records, how many match in all, and the facet counts over every match."""

    records: list[dict[str, Any]]
    total: int
    limit: int | None
    offset: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None on the last one."""
        if self.limit is None or self.offset + len(self.records) >= self.total:
            return None
        return self.offset + self.limit

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "next_offset": self.next_offset,
                "facets": self.facets, "records": self.records}


_FROM = " FROM events e LEFT JOIN articles a ON a.id = e.article_id"


def _like(s: str) -> str:
    return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(q: EventQuery, skip: str | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause over ``events e`` joined to ``articles a``; ``skip`` leaves one facet's own filter out, so
    that its counts show the other values it could take."""
    where: list[str] = ["e.confidence >= ?"]
    args: list[Any] = [q.min_confidence]

    def any_of(col: str, values: Sequence[str]) -> None:
        where.append(f"{col} IN ({','.join('?' * len(values))})")
        args.extend(values)

    if q.types and skip != "type":
        any_of("e.type", q.types)
    if q.modes and skip != "mode":
        any_of("e.mode", q.modes)
    if q.statuses and skip != "status":
        any_of("e.status", q.statuses)
    first, last = q.period
    if first:
        # a month or year date overlaps the period when any of its days does: its last day is on or after since
        where.append("e.date IS NOT NULL AND substr(e.date || '-99-99', 1, 10) >= ?")
        args.append(first)
    if last:
        where.append("e.date IS NOT NULL AND e.date <= ?")
        args.append(last)
    if q.year is not None and skip != "year":
        where.append("substr(e.date, 1, 4) = ?")
        args.append(f"{q.year:04d}")
    if q.outlet and skip != "outlet":
        where.append("a.outlet = ?")
        args.append(q.outlet)
    if q.article_id:
        where.append("e.article_id = ?")
        args.append(q.article_id)
    if q.story_id:
        where.append("e.story_id = ?")
        args.append(q.story_id)
    if q.actor_id and skip != "actor":
        where.append("e.id IN (SELECT event_id FROM event_participants WHERE entity_id = ?)")
        args.append(q.actor_id)
    if q.actor and skip != "actor":
        where.append("e.id IN (SELECT event_id FROM event_participants WHERE entity_id = ? OR norm LIKE ? ESCAPE '\\'"
                     " OR country = ?)")
        args.extend([q.actor, _like(normalize(q.actor)), q.actor.upper()])
    if q.country and skip != "country":
        where.append("e.id IN (SELECT event_id FROM event_participants WHERE country = ?)")
        args.append(q.country)
    if q.text:
        fts = fts_query(q.text)
        if fts is None:
            where.append("0")
        else:
            where.append("e.article_id IN (SELECT a2.id FROM articles_fts JOIN articles a2"
                         " ON a2.rowid = articles_fts.rowid WHERE articles_fts MATCH ?)")
            args.append(fts)
    return " WHERE " + " AND ".join(where), args


def _order(sorts: dict[str, str], key: str, descending: bool, tie: str) -> str:
    if key not in sorts:
        raise QueryError("sort", f"{key!r} is not one of {', '.join(sorts)}")
    col = sorts[key]
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY ({col} IS NULL), {col} {direction}, {tie} {direction}"


def _limit(limit: int | None, offset: int) -> tuple[str, list[Any]]:
    if limit is None:
        return (" LIMIT -1 OFFSET ?", [offset]) if offset else ("", [])
    return " LIMIT ? OFFSET ?", [limit, offset]


def _event(row: Any) -> dict[str, Any]:
    rec = json.loads(row["record"])
    rec["story_id"] = row["story_id"]  # stories are assigned after the record is written
    return rec


def iter_events(store: Store, q: EventQuery | None = None) -> Iterator[dict[str, Any]]:
    """The records of ``q``'s page (every match with limit=None), streamed: an export never holds them all."""
    q = q or EventQuery()
    where, args = _where(q)
    order = _order(EVENT_SORTS, q.sort, q.descending, "e.rowid")
    lim, largs = _limit(q.limit, q.offset)
    for r in store.db.execute("SELECT e.record, e.story_id" + _FROM + where + order + lim, args + largs):
        yield _event(r)


def count_events(store: Store, q: EventQuery) -> int:
    where, args = _where(q)
    return int(store.db.execute("SELECT COUNT(*)" + _FROM + where, args).fetchone()[0])


def events(store: Store, q: EventQuery | None = None, facets: bool = False) -> Page:
    """Events matching ``q``, one page of them in its order, the total, and (``facets``) the counts per value."""
    q = q or EventQuery()
    return Page(list(iter_events(store, q)), count_events(store, q), q.limit, q.offset,
                event_facets(store, q, "e.id") if facets else {})


# facet -> (SQL value expression, extra FROM for it); participants join only for the actor and country facets
_FACET_SQL: dict[str, tuple[str, str]] = {
    "type": ("e.type", ""),
    "mode": ("e.mode", ""),
    "status": ("e.status", ""),
    "outlet": ("a.outlet", ""),
    "year": ("substr(e.date, 1, 4)", ""),
    "country": ("p.country", " JOIN event_participants p ON p.event_id = e.id"),
    "actor": ("coalesce(p.entity_id, p.name)", " JOIN event_participants p ON p.event_id = e.id"),
}


def event_facets(store: Store, q: EventQuery, count: str = "e.id") -> dict[str, list[dict[str, Any]]]:
    """Per facet, its values with how many matches (``count``: distinct events, or stories) have each, most first;
    each facet ignores its own filter. Actors carry their names; a value of None means 'not set' (undated, …)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in FACETS:
        expr, join = _FACET_SQL[name]
        where, args = _where(q, skip=name)
        extra = ", min(p.name), min(p.name_ar), min(p.kind), min(p.country)" if name == "actor" else ""
        if count != "e.id":
            where += f" AND {count} IS NOT NULL"
        sql = (f"SELECT {expr} AS v, COUNT(DISTINCT {count}) AS n{extra}" + _FROM + join + where +
               " GROUP BY v ORDER BY n DESC, v LIMIT ?")
        vals = []
        for r in store.db.execute(sql, args + [FACET_SIZE]):
            item: dict[str, Any] = {"value": r[0], "count": int(r[1])}
            if name == "actor":
                item.update(name=r[2], name_ar=r[3], kind=r[4], country=r[5])
            vals.append(item)
        out[name] = vals
    return out


# -- stories ------------------------------------------------------------------------------------------------------
def _story_sql(q: EventQuery) -> tuple[str, list[Any]]:
    where, args = _where(q)
    return "FROM stories s WHERE s.id IN (SELECT e.story_id" + _FROM + where + ")", args


def iter_stories(store: Store, q: EventQuery | None = None) -> Iterator[dict[str, Any]]:
    """Stories with at least one member event matching ``q`` (its filters are over events), in ``q.sort`` order
    over STORY_SORTS, streamed."""
    q = q or EventQuery(sort="date")
    sql, args = _story_sql(q)
    lim, largs = _limit(q.limit, q.offset)
    for r in store.db.execute("SELECT s.record " + sql + _order(STORY_SORTS, q.sort, q.descending, "s.id") + lim,
                              args + largs):
        yield json.loads(r["record"])


def stories(store: Store, q: EventQuery | None = None, facets: bool = False) -> Page:
    """One page of ``iter_stories``, the total, and (``facets``) counts of stories per value."""
    q = q or EventQuery(sort="date")
    sql, args = _story_sql(q)
    total = int(store.db.execute("SELECT COUNT(*) " + sql, args).fetchone()[0])
    return Page(list(iter_stories(store, q)), total, q.limit, q.offset,
                event_facets(store, q, "e.story_id") if facets else {})


def story_members(store: Store, story_id: str) -> list[dict[str, Any]]:
    """A story's events, dated ones first in date order."""
    return [_event(r) for r in store.db.execute(
        "SELECT e.record, e.story_id FROM events e WHERE e.story_id = ? ORDER BY (e.date IS NULL), e.date, e.rowid",
        (story_id,))]


def story(store: Store, story_id: str) -> dict[str, Any] | None:
    """A story with every member event, the outlets that reported it (articles, first publication) and the
    evidence sentences with their article; None when there is no such story."""
    row = store.db.execute("SELECT record FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    members = story_members(store, story_id)
    outlets = [{"outlet": r[0], "articles": int(r[1]), "first_published": r[2]} for r in store.db.execute(
        "SELECT a.outlet, COUNT(DISTINCT a.id), min(a.published)" + _FROM +
        " WHERE e.story_id = ? GROUP BY a.outlet ORDER BY min(a.published) IS NULL, min(a.published), a.outlet",
        (story_id,))]
    evidence = [{"event_id": ev["id"], "text": (ev.get("evidence") or {}).get("text"),
                 "field": (ev.get("evidence") or {}).get("field", "text"), "article": ev.get("article")}
                for ev in members]
    return {"story": json.loads(row["record"]), "events": members, "outlets": outlets, "evidence": evidence}


# -- actors -------------------------------------------------------------------------------------------------------
def actor(store: Store, actor_id: str, kb: Any = None, limit: int = 100) -> dict[str, Any] | None:
    """One actor by knowledge-base id (or, for an unresolved one, its canonical name): who it is, its offices by
    date when the knowledge base (``kb``, an ActorKB) has them, its counterparts with counts and event types, its
    events per month and type, and its latest events. None when neither the store nor ``kb`` knows it."""
    match = "(p.entity_id = ? OR (p.entity_id IS NULL AND p.name = ?))"
    who = store.db.execute(
        f"SELECT p.name, p.name_ar, p.kind, p.country, COUNT(DISTINCT p.event_id) FROM event_participants p"
        f" WHERE {match} GROUP BY p.name ORDER BY COUNT(*) DESC LIMIT 1", (actor_id, actor_id)).fetchone()
    known = kb.actor(actor_id) if kb is not None else None
    country = kb.country(actor_id) if kb is not None and known is None else None
    if who is None and known is None and country is None:
        return None
    info: dict[str, Any] = {"id": actor_id, "name": who[0] if who else None, "name_ar": who[1] if who else None,
                            "kind": who[2] if who else None, "country": who[3] if who else None,
                            "events": int(who[4]) if who else 0, "offices": []}
    if known is not None:
        info.update(name=known.name, name_ar=known.name_ar, kind=known.kind, country=known.country)
        info["offices"] = [{"role": o.role, "of": o.of, "start": o.start, "end": o.end, "note": o.note}
                           for o in sorted(known.offices, key=lambda o: o.start or "")]
    elif country is not None:
        info.update(name=country.name, name_ar=country.name_ar, kind="country", country=country.iso3)
    mine = f"SELECT p.event_id FROM event_participants p WHERE {match}"
    counterparts = []
    for r in store.db.execute(
            "SELECT coalesce(o.entity_id, o.name) AS k, min(o.name), min(o.name_ar), min(o.kind), min(o.country),"
            " COUNT(DISTINCT o.event_id), group_concat(DISTINCT e.type), group_concat(DISTINCT o.role)"
            " FROM event_participants o JOIN events e ON e.id = o.event_id"
            f" WHERE o.event_id IN ({mine}) AND NOT (o.entity_id IS ? OR (o.entity_id IS NULL AND o.name = ?))"
            " GROUP BY k ORDER BY COUNT(DISTINCT o.event_id) DESC, k LIMIT 100",
            (actor_id, actor_id, actor_id, actor_id)):
        counterparts.append({"id": r[0], "name": r[1], "name_ar": r[2], "kind": r[3], "country": r[4],
                             "events": int(r[5]), "types": sorted((r[6] or "").split(",")),
                             "roles": sorted((r[7] or "").split(","))})
    timeline = [{"month": r[0], "type": r[1], "events": int(r[2])} for r in store.db.execute(
        f"SELECT substr(e.date, 1, 7) AS m, e.type, COUNT(*) FROM events e WHERE e.id IN ({mine})"
        " AND e.date IS NOT NULL GROUP BY m, e.type ORDER BY m, e.type", (actor_id, actor_id))]
    latest = [_event(r) for r in store.db.execute(
        f"SELECT e.record, e.story_id FROM events e WHERE e.id IN ({mine})"
        " ORDER BY (e.date IS NULL), e.date DESC, e.rowid DESC LIMIT ?", (actor_id, actor_id, limit))]
    return {"actor": info, "counterparts": counterparts, "timeline": timeline, "events": latest}


# -- network, timeline, places -------------------------------------------------------------------------------------
def network_of(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Actor network: nodes are canonical actors, edges count events linking them (actor→recipient, and co-actors
    of talks with no host), with the event types seen on each edge."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}

    def key(e: dict[str, Any]) -> str:
        k = e.get("id") or e.get("name") or e.get("text") or "?"
        n = nodes.setdefault(k, {"id": k, "name": e.get("name"), "name_ar": e.get("name_ar"),
                                 "kind": e.get("kind"), "country": e.get("country"), "events": 0})
        n["events"] += 1
        return k

    for ev in records:
        actors = [key(e) for e in ev.get("actors") or []]
        recips = [key(e) for e in ev.get("recipients") or []]
        pairs = [(a, r) for a in actors for r in recips] if recips else [
            (a, b) for i, a in enumerate(actors) for b in actors[i + 1:]]
        for a, b in pairs:
            if a == b:
                continue
            e = edges.setdefault((a, b), {"source": a, "target": b, "weight": 0, "types": {}})
            e["weight"] += 1
            e["types"][ev["type"]] = e["types"].get(ev["type"], 0) + 1
    return {"nodes": list(nodes.values()), "edges": sorted(edges.values(), key=lambda e: -e["weight"])}


def network(store: Store, q: EventQuery | None = None) -> dict[str, Any]:
    """The actor network of every event matching ``q`` (its limit and offset are ignored)."""
    q = (q or EventQuery()).with_(limit=None, offset=0)
    return network_of(iter_events(store, q))


def timeline(store: Store, q: EventQuery | None = None, by: str = "month") -> list[dict[str, Any]]:
    """Counts of matching events per period (``by``: year, month or day of the event's date) and type, in date
    order; an event dated to a coarser precision counts under its own, shorter period ("2017" beside "2017-03")."""
    width = {"year": 4, "month": 7, "day": 10}.get(by)
    if width is None:
        raise QueryError("by", f"{by!r} is not one of year, month, day")
    where, args = _where(q or EventQuery())
    sql = (f"SELECT substr(e.date, 1, {width}) AS p, e.type, COUNT(*)" + _FROM + where +
           " AND e.date IS NOT NULL GROUP BY p, e.type ORDER BY p, e.type")
    return [{"period": r[0], "type": r[1], "events": int(r[2])} for r in store.db.execute(sql, args)]


def places(store: Store, q: EventQuery | None = None) -> list[dict[str, Any]]:
    """The places of matching events (the location's name and country) with how many events each, most first."""
    where, args = _where(q or EventQuery())
    sql = ("SELECT json_extract(e.record, '$.location.name') AS n, json_extract(e.record, '$.location.name_ar'),"
           " json_extract(e.record, '$.location.country') AS c, COUNT(*)" + _FROM + where +
           " AND json_extract(e.record, '$.location') IS NOT NULL GROUP BY n, c ORDER BY COUNT(*) DESC, n")
    return [{"name": r[0], "name_ar": r[1], "country": r[2], "events": int(r[3])}
            for r in store.db.execute(sql, args)]


# -- articles -----------------------------------------------------------------------------------------------------
ARTICLE_SORTS: dict[str, str] = {"published": "a.published", "outlet": "a.outlet", "title": "a.title",
                                 "ingested": "a.rowid"}


def articles(store: Store, outlet: str | None = None, since: str | DateBound | None = None,
             until: str | DateBound | None = None, text: str | None = None, duplicates: bool = True,
             sort: str = "ingested", descending: bool = False, limit: int | None = 100, offset: int = 0) -> Page:
    """Articles by outlet, publication period and full text, one page of them with the total."""
    _check_page(limit, offset)
    where, args = ["1=1"], []
    if outlet:
        where.append("a.outlet = ?")
        args.append(outlet)
    if since:
        where.append("a.published >= ?")
        args.append(parse_date(since, "since").first)
    if until:
        where.append("a.published <= ?")
        args.append(parse_date(until, "until").last)
    if not duplicates:
        where.append("a.duplicate_of IS NULL")
    if text:
        fts = fts_query(text)
        where.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)" if fts else "0")
        args.extend([fts] if fts else [])
    w = " WHERE " + " AND ".join(where)
    lim, largs = _limit(limit, offset)
    cols = "a.id, a.source_path, a.url, a.outlet, a.title, a.published, a.dateline, a.text, a.lang, a.duplicate_of"
    rows = store.db.execute(f"SELECT {cols} FROM articles a" + w + _order(ARTICLE_SORTS, sort, descending, "a.rowid")
                            + lim, args + largs).fetchall()
    total = int(store.db.execute("SELECT COUNT(*) FROM articles a" + w, args).fetchone()[0])
    return Page([_article(r) for r in rows], total, limit, offset)


def _article(row: Any) -> dict[str, Any]:
    rec = dict(row)
    if isinstance(rec.get("source_path"), bytes):  # a non-UTF-8 file name is stored as its bytes
        rec["source_path"] = os.fsdecode(rec["source_path"])
    return rec
