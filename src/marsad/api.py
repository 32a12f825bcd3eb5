"""The Python API: ``marsad.open("news.db")`` for notebooks and scripts, over the same query layer as the CLI.

    db = marsad.open("news.db")
    db.events(type="CONSULT", actor="بوتين", since="2017")   # list of event records (the JSONL's dicts)
    db.events_frame(country="SYR")                            # one row per event, as pandas.DataFrame
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import export, query
from .query import PARAM_ALIASES, EventQuery, Page
from .settings import min_confidence
from .store import Store, check_database


class Database:
    """A marsad database opened for reading. Filters are EventQuery's (``type``/``mode``/``status`` take one value
    or a list); ``min_confidence`` defaults to the settings' display threshold, ``limit`` to every row. Results
    are lists of dicts, or a DataFrame with ``as_frame=True`` (needs pandas)."""

    def __init__(self, path: str | Path) -> None:
        check_database(path)
        self.path = str(path)
        self.store = Store(self.path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<marsad.Database {self.path!r}: {self.store.counts()}>"

    def query(self, **filters: Any) -> EventQuery:
        """The EventQuery for these keyword filters (a bad value raises marsad.query.QueryError)."""
        kw = {PARAM_ALIASES.get(k, k): v for k, v in filters.items()}
        kw.setdefault("min_confidence", min_confidence())
        kw.setdefault("limit", None)
        return EventQuery(**kw)

    def events(self, as_frame: bool = False, **filters: Any) -> Any:
        recs = list(query.iter_events(self.store, self.query(**filters)))
        return _frame(recs, export.EVENT_TABLE) if as_frame else recs

    def events_frame(self, **filters: Any) -> Any:
        """Events as a pandas DataFrame, one row per event (the columns of ``marsad events --format parquet``)."""
        return self.events(as_frame=True, **filters)

    def participants_frame(self, **filters: Any) -> Any:
        """Events × participants as a DataFrame (``--format csv-long``): one row per actor or recipient."""
        return _frame(list(export.long_rows(self.events(**filters))), export.long_columns())

    def events_page(self, **filters: Any) -> Page:
        """One page (``limit``, default 100; ``offset``) with the total and facet counts."""
        filters.setdefault("limit", 100)
        return query.events(self.store, self.query(**filters), facets=True)

    def stories(self, as_frame: bool = False, **filters: Any) -> Any:
        """Stories with a member event matching the filters, in date order."""
        filters.setdefault("sort", "date")
        recs = list(query.iter_stories(self.store, self.query(**filters)))
        return _frame(recs, export.STORY_TABLE) if as_frame else recs

    def stories_frame(self, **filters: Any) -> Any:
        return self.stories(as_frame=True, **filters)

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story with its member events, outlets and evidence."""
        return query.story(self.store, story_id)

    def actor(self, actor_id: str) -> dict[str, Any] | None:
        """An actor's offices (from the knowledge base), counterparts, monthly timeline and latest events."""
        from .entities.kb import ActorKB

        return query.actor(self.store, actor_id, kb=ActorKB.load())

    def articles(self, as_frame: bool = False, **filters: Any) -> Any:
        """Articles; filters: outlet, since, until, text, duplicates, sort, descending, limit, offset."""
        filters.setdefault("limit", None)
        recs = query.articles(self.store, **filters).records
        return _frame(recs, export.ARTICLE_TABLE) if as_frame else recs

    def search(self, q: str, limit: int = 20) -> list[dict[str, Any]]:
        """Arabic full-text search over articles, best first, with a snippet."""
        if limit < 1:
            raise query.QueryError("limit", f"must be a whole number ≥ 1 (got {limit!r})")
        return list(self.store.search(q, limit=limit))

    def counts(self) -> dict[str, int]:
        return self.store.counts()


def _frame(records: list[dict[str, Any]], table: list[export.Column]) -> Any:
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("as_frame needs pandas: pip install pandas") from e
    if records and set(records[0]) == {c.name for c in table}:  # already flat (the long table)
        return pd.DataFrame(records, columns=[c.name for c in table])
    return pd.DataFrame(list(export.rows(records, table)), columns=[c.name for c in table])
