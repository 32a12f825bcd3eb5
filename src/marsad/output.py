"""Output formats shared by the CLI and the API: jsonl, csv, table and PLOVER JSON."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterable
from typing import Any, TextIO

GOV_ROLES = {"president", "prime_minister", "king", "emir", "crown_prince", "sultan", "foreign_minister",
             "defence_minister", "minister", "head_of_state", "head_of_government", "vice_president", "spokesperson"}


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
        n += 1
    return n


def _flat(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_flat(x) for x in v)
    if isinstance(v, dict):
        return v.get("name") or v.get("text") or json.dumps(v, ensure_ascii=False)
    return str(v)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: one starting with = + - @ (or a tab or carriage return,
    which spreadsheets skip before such a character) gets a leading apostrophe, as OWASP recommends. Scraped
    titles and names are untrusted."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def write_csv(records: Iterable[dict[str, Any]], out: TextIO, columns: list[str]) -> int:
    w = csv.writer(out)
    w.writerow(columns)
    n = 0
    for r in records:
        w.writerow([csv_safe(_flat(_get(r, c))) for c in columns])
        n += 1
    return n


def _get(r: dict[str, Any], dotted: str) -> Any:
    cur: Any = r
    for part in dotted.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


def write_table(records: Iterable[dict[str, Any]], out: TextIO, columns: list[str], widths: dict[str, int]) -> int:
    """A plain fixed-width table for a terminal; long cells are cut with an ellipsis."""
    term = shutil.get_terminal_size((160, 20)).columns
    cols = [(c, widths.get(c, 16)) for c in columns]
    out.write("  ".join(c.split(".")[-1].upper()[:w].ljust(w) for c, w in cols).rstrip()[:max(term, 80)] + "\n")
    n = 0
    for r in records:
        cells = []
        for c, w in cols:
            s = " ".join(_flat(_get(r, c)).split())
            cells.append((s[: w - 1] + "…" if len(s) > w else s).ljust(w))
        out.write("  ".join(cells).rstrip() + "\n")
        n += 1
    return n


def plover_entity(e: dict[str, Any]) -> dict[str, Any]:
    sector = None
    if e.get("kind") == "person" and (e.get("role") or "") in GOV_ROLES:
        sector = "GOV"
    elif e.get("kind") == "country":
        sector = "GOV"
    elif e.get("kind") == "organization":
        sector = "IGO" if not e.get("country") else None
    return {k: v for k, v in {
        "code": e.get("country"), "sector": sector, "entity_text": e.get("text"),
        "identifier_id": e.get("id"), "identifier_text": e.get("name"), "office": e.get("role"),
    }.items() if v is not None}


def plover_record(ev: dict[str, Any]) -> dict[str, Any]:
    """An event as a PLOVER JSON record (manual, chapter 6)."""
    art = ev.get("article") or {}
    loc = ev.get("location")
    evd = ev.get("evidence") or {}
    return {
        "id": ev["id"],
        "date": ev.get("date"),
        "actor": [plover_entity(e) for e in ev.get("actors") or []],
        "recipient": [plover_entity(e) for e in ev.get("recipients") or []],
        "event": [ev["type"]],
        "mode": [ev["mode"]] if ev.get("mode") else [],
        "context": ev.get("contexts") or [],
        "event_loc": {"extracted_place": loc.get("text"), "resolved_place": loc.get("name"),
                      "country_code": loc.get("country")} if loc else None,
        # the words the event was coded from; the rule that coded it is `trigger`, not text
        "event_text": evd.get("text"),
        "text_info": {"start": evd.get("start"), "end": evd.get("end"), "text": evd.get("text"),
                      "field": evd.get("field", "text")},
        "cite_info": {"url": art.get("url"), "title": art.get("title"), "language": "ar",
                      "publication": art.get("outlet"), "publication_date": art.get("published"),
                      "citation": art.get("source_path")},
        "trigger": ev.get("trigger"),
        "story_id": ev.get("story_id"),
        "coder": ev.get("coder") or "marsad",
        "status": ev.get("status"),
        "date_precision": ev.get("date_precision"),
        "confidence": ev.get("confidence"),
    }


ARTICLE_COLUMNS = ["id", "published", "outlet", "title", "dateline", "duplicate_of", "source_path", "url"]
ARTICLE_WIDTHS = {"id": 16, "published": 10, "outlet": 14, "title": 60, "dateline": 18, "duplicate_of": 16,
                  "source_path": 30, "url": 30}
EVENT_COLUMNS = ["date", "type", "mode", "status", "actors", "recipients", "location", "confidence", "evidence.text",
                 "article.outlet", "id"]
EVENT_WIDTHS = {"date": 10, "type": 9, "mode": 12, "status": 10, "actors": 28, "recipients": 24, "location": 12,
                "confidence": 5, "evidence.text": 60, "article.outlet": 14, "id": 16}
STORY_COLUMNS = ["date", "type", "mode", "status", "actors", "recipients", "location", "independent_sources",
                 "outlets", "id"]
STORY_WIDTHS = {"date": 10, "type": 9, "mode": 12, "status": 10, "actors": 32, "recipients": 28, "location": 14,
                "independent_sources": 7, "outlets": 30, "id": 16}
