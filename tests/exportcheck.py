"""The check behind the acceptance test: every field of every JSONL event is in the exported table, equal."""

from __future__ import annotations

import json
import math
from typing import Any

from marsad.export import EVENT_TABLE, Column
from marsad.output import csv_safe


def _plain(v: Any) -> Any:
    """A value as pandas gives it back, in Python terms (arrays → lists, NaN → None, numpy scalars → Python)."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _expected(col: Column, v: Any, as_csv: bool) -> Any:
    if col.kind == "json":
        v = None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
    if not as_csv:
        return v
    if v is None:
        return ""
    if isinstance(v, list):
        return csv_safe("|".join("" if x is None else str(x) for x in v))
    return csv_safe(str(v))


def assert_table_keeps_jsonl(records: list[dict[str, Any]], frame: Any, as_csv: bool) -> int:
    """Compare each record with its row (same order); returns how many values were checked."""
    by_path = {c.path: c for c in EVENT_TABLE}
    assert list(frame.columns) == [c.name for c in EVENT_TABLE]
    assert len(frame) == len(records)
    checked = 0

    def check(row: Any, col: Column, want: Any) -> None:
        nonlocal checked
        got = _plain(row[col.name])
        exp = _expected(col, want, as_csv)
        if col.kind == "float" and not as_csv and exp is not None:
            assert math.isclose(got, exp), (col.name, got, exp)
        else:
            assert got == exp, (row["id"], col.name, got, exp)
        checked += 1

    def walk(row: Any, path: str, v: Any) -> None:
        if path in by_path:
            return check(row, by_path[path], v)
        if isinstance(v, dict):
            for k, x in v.items():
                walk(row, f"{path}.{k}" if path else k, x)
            return
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for k in {k for x in v for k in x}:
                col = by_path.get(f"{path}[].{k}")
                assert col is not None, f"no column for {path}[].{k}"
                check(row, col, [x.get(k) for x in v])
            return
        if v == [] and any(p.startswith(path + "[].") for p in by_path):
            for p, col in by_path.items():  # no participants: each of their list columns is empty
                if p.startswith(path + "[]."):
                    check(row, col, [])
            return
        if v is None and any(p.startswith(path + ".") for p in by_path):
            for p, col in by_path.items():  # a null location or evidence: each of its columns is empty
                if p.startswith(path + "."):
                    check(row, col, None)
            return
        raise AssertionError(f"no column for {path}")

    for rec, (_, row) in zip(records, frame.iterrows(), strict=True):
        walk(row, "", rec)
    return checked
