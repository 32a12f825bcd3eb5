"""Exports for pandas and R: Parquet and flat CSV keep every field of the JSONL; the long table; PLOVER forms."""

from __future__ import annotations

import csv
import io
import json

import pytest
from exportcheck import assert_table_keeps_jsonl
from querydb import EVIL, make_db

from marsad.cli import main

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("x") / "x.db")


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def jsonl(capsys, db: str, *extra: str) -> list[dict]:
    rc, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--min-confidence", "0", *extra)
    assert rc == 0
    return [json.loads(line) for line in out.splitlines()]


def test_parquet_and_csv_keep_every_field_of_the_jsonl(db, capsys, tmp_path) -> None:
    recs = jsonl(capsys, db)
    assert len(recs) == 5
    pq, flat = tmp_path / "e.parquet", tmp_path / "e.csv"
    for fmt, path in (("parquet", pq), ("csv", flat)):
        assert run(capsys, "events", "--db", db, "--format", fmt, "--min-confidence", "0", "-o", str(path))[0] == 0
    n = assert_table_keeps_jsonl(recs, pd.read_parquet(pq), as_csv=False)
    assert n > 5 * 40
    assert assert_table_keeps_jsonl(recs, pd.read_csv(flat, dtype=str, keep_default_na=False), as_csv=True) == n
    plain = pd.read_csv(flat)  # the default read types numbers
    assert plain["confidence"].dtype.kind == "f" and plain["evidence_start"].dtype.kind == "i"


def test_parquet_lists_stay_lists_and_csv_joins_them(db, tmp_path, capsys) -> None:
    path = tmp_path / "e.parquet"
    run(capsys, "events", "--db", db, "--format", "parquet", "--type", "ACCUSE", "-o", str(path))
    row = pd.read_parquet(path).iloc[0]
    assert list(row["actor_id"]) == ["assad_bashar"] and list(row["recipient_country"]) == ["FRA"]
    _, out, _ = run(capsys, "events", "--db", db, "--format", "csv", "--type", "CONSULT")
    r = next(csv.DictReader(io.StringIO(out)))
    assert r["actor_name"] == "Emmanuel Macron" and r["recipient_id"] == "sisi_abdel_fattah"
    assert r["date_precision"] == "day" and r["article_id"] == "a1" and r["story_id"]


def test_formula_cells_stay_neutralised(db, capsys) -> None:
    _, out, _ = run(capsys, "events", "--db", db, "--format", "csv", "--type", "ACCUSE")
    assert next(csv.DictReader(io.StringIO(out)))["evidence_text"].startswith("'=")


def test_the_long_table_has_a_row_per_participant(db, capsys) -> None:
    _, out, _ = run(capsys, "events", "--db", db, "--format", "csv-long", "--min-confidence", "0")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["participant_role"]) for r in rows if r["id"] == "ev1"] == [("ev1", "actor"),
                                                                                 ("ev1", "recipient")]
    assert sum(r["id"] == "ev3" for r in rows) == 1  # an actor, no recipient
    assert {r["participant_id"] for r in rows if r["id"] == "ev4"} == {"assad_bashar", "FRA"}


def test_empty_parquet_keeps_its_columns(db, tmp_path, capsys) -> None:
    path = tmp_path / "none.parquet"
    rc, _, err = run(capsys, "events", "--db", db, "--format", "parquet", "--type", "AID", "-o", str(path))
    assert rc == 0 and "no events match" in err
    frame = pd.read_parquet(path)
    assert len(frame) == 0 and "actor_name" in frame.columns


def test_stories_and_articles_export(db, tmp_path, capsys) -> None:
    path = tmp_path / "s.parquet"
    run(capsys, "stories", "--db", db, "--format", "parquet", "--min-confidence", "0", "-o", str(path))
    s = pd.read_parquet(path)
    consult = s[s["type"] == "CONSULT"].iloc[0]
    assert sorted(consult["event_ids"]) == ["ev1", "ev2"] and consult["independent_sources"] >= 1
    path = tmp_path / "a.parquet"
    run(capsys, "articles", "--db", db, "--format", "parquet", "-o", str(path))
    a = pd.read_parquet(path)
    assert len(a) == 3 and EVIL in a["title"].iloc[0] and a["text"].iloc[0]


def test_plover_event_text_is_the_evidence_and_cites_the_date(db, capsys) -> None:
    _, out, _ = run(capsys, "events", "--db", db, "--format", "plover", "--type", "CONSULT")
    rec = json.loads(out.splitlines()[0])
    assert rec["event_text"].startswith("استقبل") and rec["trigger"] == "rule:consult"
    assert rec["cite_info"]["publication_date"] == "2024-03-05" and rec["cite_info"]["publication"] == "الأهرام"


def test_stories_in_plover_form(db, capsys) -> None:
    _, out, _ = run(capsys, "stories", "--db", db, "--format", "plover", "--type", "CONSULT")
    rec = json.loads(out.splitlines()[0])
    assert rec["event"] == ["CONSULT"] and rec["mode"] == ["visit"] and rec["context"] == ["diplomatic"]
    assert rec["event_text"].startswith("استقبل")
    assert [c["publication"] for c in rec["cite_info"]] == ["الأهرام", "الشروق"]
    assert {c["publication_date"] for c in rec["cite_info"]} == {"2024-03-05"}
    assert {a["identifier_id"] for a in rec["actor"]} == {"macron_emmanuel"}


def test_parquet_refuses_a_terminal(db, capsys, monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    rc, _, err = run(capsys, "events", "--db", db, "--format", "parquet")
    assert rc == 2 and "--output" in err
