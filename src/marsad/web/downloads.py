"""Downloads of any filtered view, datasette style: the same records as CSV, JSONL or Parquet.

Events, stories and articles use the CLI's flat tables (``marsad.export``: one row per record, a column per
participant attribute); other views (the network's edges, the map's points, search results) are flattened
generically: a nested object becomes dotted columns, a list of objects one column per key joined by `` | ``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from fastapi.responses import Response

from .. import export
from ..output import csv_safe, write_jsonl

MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
         "parquet": "application/vnd.apache.parquet"}


def flatten(rec: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in rec.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, name + "."))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            keys = list(dict.fromkeys(key for x in v for key in x))
            for key in keys:
                out[f"{name}.{key}"] = " | ".join("" if x.get(key) is None else _scalar(x.get(key)) for x in v)
        elif isinstance(v, list):
            out[name] = " | ".join(_scalar(x) for x in v)
        else:
            out[name] = v
    return out


def _scalar(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v)


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r))


TABLES: dict[str, list[export.Column]] = {"events": export.EVENT_TABLE, "stories": export.STORY_TABLE,
                                          "articles": export.ARTICLE_TABLE}


def download(records: Iterable[dict[str, Any]], fmt: str, name: str, table: str | None = None) -> Response:
    """``records`` as a file to save (Content-Disposition: attachment), ``name``.``fmt``; ``table`` names the
    flat table of marsad.export they fit (events, stories, articles), else they are flattened as they come."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    records = list(records)
    if fmt == "jsonl":
        buf = io.StringIO()
        write_jsonl(records, buf)
        return Response(buf.getvalue(), media_type=MEDIA[fmt], headers=headers)
    if table in TABLES:
        cols = TABLES[table]
        if fmt == "csv":
            text = io.StringIO()
            export.write_csv(export.rows(records, cols), [c.name for c in cols], text)
            return Response(text.getvalue(), media_type=MEDIA[fmt], headers=headers)
        sink = io.BytesIO()
        export.write_parquet(export.rows(records, cols), cols, sink)
        return Response(sink.getvalue(), media_type=MEDIA[fmt], headers=headers)
    rows = [flatten(r) for r in records]
    cols = _columns(rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        for r in rows:
            # a cell a spreadsheet would run as a formula is neutralised (OWASP), as the CLI's CSV does
            w.writerow(["" if r.get(c) is None else csv_safe(str(r.get(c))) for c in cols])
        return Response(buf.getvalue(), media_type=MEDIA[fmt], headers=headers)
    import pyarrow as pa
    import pyarrow.parquet as pq

    # each column one type: mixed cells (a number here, text there) are written as text
    table = pa.Table.from_pydict({c: _column([r.get(c) for r in rows]) for c in cols})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return Response(sink.getvalue(), media_type=MEDIA[fmt], headers=headers)


def _column(values: list[Any]) -> Any:
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
