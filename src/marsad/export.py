"""Flat tables for pandas and R: events, stories and articles as one row each (CSV and Parquet share the columns),
events × participants as a long table, and stories in PLOVER form.

Each table is a list of ``Column``s saying where in the JSONL record a value comes from, so that every field of
the record has a column (a test checks it) and the CSV and Parquet writers need no per-table code. A list field
(participants' names, contexts, ids) is a list column in Parquet and its values joined with ``|`` in CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, TextIO

from .output import csv_safe, get_path, plover_entity

LIST_SEP = "|"


@dataclass(frozen=True)
class Column:
    name: str
    path: str  # dotted path into the record; "actors[].name" takes that key of each list item
    kind: str = "str"  # str | int | float | list (of strings) | json (the value as JSON text)

    def get(self, rec: dict[str, Any]) -> Any:
        if "[]." in self.path:
            head, key = self.path.split("[].", 1)
            items = get_path(rec, head) or []
            return [(it or {}).get(key) for it in items]
        v = get_path(rec, self.path)
        if self.kind == "json":
            return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
        if self.kind == "list":
            return [None if x is None else str(x) for x in v or []]
        return v



ENTITY_KEYS = (("name", "name"), ("name_ar", "name_ar"), ("text", "text"), ("id", "id"), ("country", "country"),
               ("kind", "kind"), ("office", "role"))


def _participants(role: str, key: str) -> list[Column]:
    return [Column(f"{role}_{col}", f"{key}[].{field}", "list") for col, field in ENTITY_KEYS]


_LOCATION = [Column(f"location_{k}", f"location.{k}") for k in ("text", "name", "name_ar", "country")] + [
    Column(f"location_{k}", f"location.{k}", "float") for k in ("lat", "lon")]  # the map's coordinates
_ARTICLE = [Column("article_id", "article.id"), Column("article_title", "article.title"),
            Column("url", "article.url"), Column("outlet", "article.outlet"),
            Column("published", "article.published"), Column("source_path", "article.source_path")]

EVENT_TABLE: list[Column] = [
    Column("id", "id"), Column("type", "type"), Column("mode", "mode"), Column("status", "status"),
    Column("date", "date"), Column("date_precision", "date_precision"), Column("date_text", "date_text"),
    Column("confidence", "confidence", "float"),
    *_participants("actor", "actors"), *_participants("recipient", "recipients"),
    *_LOCATION, Column("contexts", "contexts", "list"),
    Column("evidence_text", "evidence.text"), Column("evidence_start", "evidence.start", "int"),
    Column("evidence_end", "evidence.end", "int"), Column("evidence_field", "evidence.field"),
    Column("trigger", "trigger"), Column("coder", "coder"), Column("why", "why", "json"),
    *_ARTICLE, Column("story_id", "story_id"),
]

STORY_TABLE: list[Column] = [
    Column("id", "id"), Column("type", "type"), Column("mode", "mode"), Column("status", "status"),
    Column("date", "date"), Column("date_precision", "date_precision"), Column("first_date", "first_date"),
    Column("last_date", "last_date"), Column("confidence", "confidence", "float"),
    *_participants("actor", "actors"), *_participants("recipient", "recipients"), *_LOCATION,
    Column("event_ids", "event_ids", "list"), Column("article_ids", "article_ids", "list"),
    Column("outlets", "outlets", "list"), Column("independent_sources", "independent_sources", "int"),
]

ARTICLE_TABLE: list[Column] = [Column(k, k) for k in ("id", "published", "outlet", "title", "dateline", "url",
                                                       "source_path", "lang", "duplicate_of", "text")]

# The long table: the event's own (single-valued) columns, then one participant per row.
_EVENT_SCALARS = [c for c in EVENT_TABLE if c.kind != "list" or c.name == "contexts"]
PARTICIPANT_COLUMNS = ["participant_role", "participant_index"] + [f"participant_{c}" for c, _ in ENTITY_KEYS]


def rows(records: Iterable[dict[str, Any]], table: list[Column]) -> Iterable[dict[str, Any]]:
    for rec in records:
        yield {c.name: c.get(rec) for c in table}


def long_rows(records: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Events × participants: a row per actor and per recipient (an event with none gets one row)."""
    for rec in records:
        base = {c.name: c.get(rec) for c in _EVENT_SCALARS}
        parts = [("actor", i, e) for i, e in enumerate(rec.get("actors") or [])]
        parts += [("recipient", i, e) for i, e in enumerate(rec.get("recipients") or [])]
        if not parts:
            yield {**base, **dict.fromkeys(PARTICIPANT_COLUMNS)}
        for role, i, e in parts:
            yield {**base, "participant_role": role, "participant_index": i,
                   **{f"participant_{c}": e.get(f) for c, f in ENTITY_KEYS}}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return LIST_SEP.join("" if x is None else str(x) for x in v)
    return str(v)


def write_csv(table_rows: Iterable[dict[str, Any]], columns: list[str], out: TextIO) -> int:
    """CSV with a header; cells that would start a spreadsheet formula are neutralised (scraped text)."""
    w = csv.writer(out)
    w.writerow(columns)
    n = 0
    for r in table_rows:
        w.writerow([csv_safe(_cell(r.get(c))) for c in columns])
        n += 1
    return n


def write_parquet(table_rows: Iterable[dict[str, Any]], columns: list[Column], out: IO[bytes],
                  batch: int = 5000) -> int:
    """Parquet with a fixed schema (so an empty result still has typed columns), written in row groups of
    ``batch`` rows: a large export never sits in memory as a whole."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types: dict[str, Callable[[], Any]] = {"str": pa.string, "json": pa.string, "int": pa.int64,
                                           "float": pa.float64, "list": lambda: pa.list_(pa.string())}
    schema = pa.schema([(c.name, types[c.kind]()) for c in columns])
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as w:
        buf: list[dict[str, Any]] = []
        for r in table_rows:
            buf.append(r)
            if len(buf) >= batch:
                w.write_table(pa.Table.from_pylist(buf, schema=schema))
                n, buf = n + len(buf), []
        if buf or n == 0:
            w.write_table(pa.Table.from_pylist(buf, schema=schema))
            n += len(buf)
    return n


def long_columns() -> list[Column]:
    return _EVENT_SCALARS + [Column("participant_role", "participant_role"),
                             Column("participant_index", "participant_index", "int")] + [
        Column(f"participant_{c}", f"participant_{c}") for c, _ in ENTITY_KEYS]


def plover_story(story: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    """A story as one PLOVER record: its merged participants, type, mode and place; ``event_text`` the evidence of
    its first member, ``cite_info`` one citation per reporting article (with its publication date)."""
    loc = story.get("location")
    first = members[0] if members else {}
    evd = first.get("evidence") or {}
    cites, seen = [], set()
    for ev in members:
        art = ev.get("article") or {}
        if art.get("id") in seen:
            continue
        seen.add(art.get("id"))
        cites.append({"url": art.get("url"), "title": art.get("title"), "language": "ar",
                      "publication": art.get("outlet"), "publication_date": art.get("published"),
                      "citation": art.get("source_path")})
    contexts = sorted({c for ev in members for c in ev.get("contexts") or []})
    return {
        "id": story["id"], "date": story.get("date"),
        "actor": [plover_entity(e) for e in story.get("actors") or []],
        "recipient": [plover_entity(e) for e in story.get("recipients") or []],
        "event": [story["type"]], "mode": [story["mode"]] if story.get("mode") else [], "context": contexts,
        "event_loc": {"extracted_place": loc.get("text"), "resolved_place": loc.get("name"),
                      "country_code": loc.get("country")} if loc else None,
        "event_text": evd.get("text"),
        "text_info": {"start": evd.get("start"), "end": evd.get("end"), "text": evd.get("text"),
                      "event_id": first.get("id")} if evd else None,
        "cite_info": cites, "coder": "marsad", "status": story.get("status"),
        "date_precision": story.get("date_precision"), "first_date": story.get("first_date"),
        "last_date": story.get("last_date"), "event_ids": story.get("event_ids") or [],
        "independent_sources": story.get("independent_sources"), "confidence": story.get("confidence"),
    }
