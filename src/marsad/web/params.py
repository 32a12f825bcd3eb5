"""Typed query parameters of the API and UI. FastAPI checks them (a bad date, a negative limit or an unknown
event type is a 422 that names the parameter) and lists them in the OpenAPI schema; ``marsad.query`` checks what
a type cannot say (a calendar date, since before until) and its QueryError becomes the same 422."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError

from .. import query
from ..model import PLOVER_TYPES, STATUSES
from ..settings import min_confidence as default_confidence

EventType = StrEnum("EventType", {t: t for t in PLOVER_TYPES})
Status = StrEnum("Status", {s: s for s in STATUSES})
Mode = StrEnum("Mode", {m: m for m in query.all_modes()})
EventSort = StrEnum("EventSort", {k: k for k in query.EVENT_SORTS})
StorySort = StrEnum("StorySort", {k: k for k in query.STORY_SORTS})
ArticleSort = StrEnum("ArticleSort", {k: k for k in query.ARTICLE_SORTS})


class Order(StrEnum):
    asc = "asc"
    desc = "desc"


class Lang(StrEnum):
    ar = "ar"
    en = "en"


# the dates users type: YYYY, YYYY-MM, YYYY-MM-DD or YYYY/MM/DD (the query layer checks the calendar)
DATE_PATTERN = r"^\d{4}([-/]\d{1,2}([-/]\d{1,2})?)?$"
MAX_LIMIT = 1000
# a download (.csv, .jsonl, .parquet) is the whole filtered view unless the request gives a limit
DOWNLOADS = (".csv", ".jsonl", ".parquet")

Since = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD: events whose "
                                    "date overlaps this period or a later one", examples=["2017-11"])]
Until = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD: events up to "
                                    "the end of this period")]


@contextmanager
def checked() -> Iterator[None]:
    """A QueryError from the query layer as FastAPI's own 422 (same shape, the parameter named)."""
    try:
        yield
    except query.QueryError as e:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", e.param), "msg": str(e),
                                       "input": None}]) from e


@dataclass
class Filters:
    """The event filters every list, chart, graph, map and download shares (all optional, combined with AND)."""

    types: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    actor: str | None = None
    actor_id: str | None = None
    country: str | None = None
    outlet: str | None = None
    year: int | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    min_confidence: float = 0.5

    def query(self, **more: Any) -> query.EventQuery:
        with checked():
            return query.EventQuery(types=tuple(self.types), modes=tuple(self.modes), statuses=tuple(self.statuses),
                                    actor=self.actor, actor_id=self.actor_id, country=self.country,
                                    outlet=self.outlet, year=self.year, since=self.since, until=self.until,
                                    text=self.text, min_confidence=self.min_confidence, **more)


def filters(
    type: Annotated[list[EventType] | None, Query(description="PLOVER event types (repeatable)")] = None,
    mode: Annotated[list[Mode] | None, Query(description="PLOVER modes (repeatable)")] = None,
    status: Annotated[list[Status] | None, Query(description="event statuses (repeatable)")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="a participant's name (Arabic or English), "
                                       "knowledge-base id or ISO3 code")] = None,
    actor_id: Annotated[str | None, Query(max_length=200, description="a participant's exact knowledge-base id")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="a participant's ISO3 country")] = None,
    outlet: Annotated[str | None, Query(max_length=200, description="the outlet, as stored")] = None,
    year: Annotated[int | None, Query(ge=1, le=9999, description="the event's year")] = None,
    since: Since = None,
    until: Until = None,
    q: Annotated[str | None, Query(max_length=500, description="full-text search over the events' articles")] = None,
    min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0, description="events below it are left out "
                                                  "(default: [events] min_confidence in the settings)")] = None,
) -> Filters:
    f = Filters(types=[t.value for t in type or []], modes=[m.value for m in mode or []],
                statuses=[s.value for s in status or []], actor=actor or None, actor_id=actor_id or None,
                country=country or None, outlet=outlet or None, year=year, since=since or None, until=until or None,
                text=q or None,
                min_confidence=default_confidence() if min_confidence is None else min_confidence)
    f.query()  # a bad combination (since after until) is a 422 here, before any view runs
    return f


@dataclass
class Paging:
    limit: int | None = 50
    offset: int = 0


def paging(request: Request,
           limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description=f"rows per page, 1–{MAX_LIMIT} (a "
                                              "download has every row unless limit is given)")] = None,
           offset: Annotated[int, Query(ge=0, description="rows skipped: the previous pages")] = 0) -> Paging:
    if limit is None:
        limit = None if request.url.path.endswith(DOWNLOADS) else 50
    return Paging(limit, offset)


def descending(order: Order) -> bool:
    return order is Order.desc
