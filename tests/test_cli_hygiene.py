"""CLI hygiene: dates, enums and bounds parsed and checked (exit 2, one line), --settings, --version, read
commands that refuse a missing or foreign database, a note when nothing matches."""

from __future__ import annotations

import json
import sqlite3

import pytest
from querydb import make_db

from marsad import __version__
from marsad.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("h") / "h.db")


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        rc = main(list(args))
    except SystemExit as e:  # argparse's own exits (usage errors, --version)
        rc = int(e.code or 0)
    out = capsys.readouterr()
    return rc, out.out, out.err


def one_line_exit_2(capsys, *args: str) -> str:
    rc, out, err = run(capsys, *args)
    assert rc == 2, (args, rc, err)
    assert out == "" and len(err.strip().splitlines()) == 1, err
    return err


def ids(out: str) -> list[str]:
    return [json.loads(line)["id"] for line in out.splitlines()]


@pytest.mark.parametrize("since", ["2017/01/01", "2017-01-01", "2017", "2017-01", "2017/1/1"])
def test_since_is_a_date_in_any_of_its_forms(db, capsys, since) -> None:
    rc, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--since", since, "--until", "2017/12/31",
                     "--min-confidence", "0")
    assert rc == 0 and ids(out) == ["ev3", "ev5"]


def test_until_a_month_keeps_that_whole_month(db, capsys) -> None:
    rc, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--until", "2017-11")
    assert ids(out) == ["ev3"]


@pytest.mark.parametrize(("args", "words"), [
    (["events", "--since", "notadate"], "not a date"),
    (["events", "--until", "2017-02-30"], "calendar"),
    (["events", "--since", "2018", "--until", "2017"], "after"),
    (["events", "--type", "BOGUS"], "not one of"),
    (["events", "--type", "consult,NOPE"], "NOPE"),
    (["events", "--mode", "flying"], "not one of"),
    (["events", "--status", "done"], "not one of"),
    (["events", "--format", "xml"], "invalid choice"),
    (["events", "--limit", "0"], "≥ 1"),
    (["events", "--limit", "-1"], "≥ 1"),
    (["events", "--limit", "many"], "≥ 1"),
    (["events", "--offset", "-3"], "≥ 0"),
    (["events", "--min-confidence", "7"], "0 to 1"),
    (["events", "--country", "Syria"], "alpha-3"),
    (["events", "--sort", "evil"], "invalid choice"),
    (["stories", "--type", "x"], "not one of"),
    (["articles", "--limit", "0"], "≥ 1"),
    (["search", "x", "--limit", "0"], "≥ 1"),
    (["timeline", "--actor", "x", "--since", "yesterday"], "not a date"),
])
def test_bad_values_exit_2_with_one_line(db, capsys, args, words) -> None:
    err = one_line_exit_2(capsys, *args, "--db", db)
    assert words in err


def test_enums_are_case_insensitive_and_repeatable(db, capsys) -> None:
    rc, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--type", "consult", "--type", "Accuse",
                     "--status", "OCCURRED")
    assert rc == 0 and ids(out) == ["ev1", "ev2", "ev4"]


def test_read_commands_refuse_a_missing_database(tmp_path, capsys) -> None:
    missing = tmp_path / "typo.db"
    for cmd in (["events"], ["stories"], ["articles"], ["search", "x"], ["timeline", "--actor", "x"],
                ["events", "--explain", "x"]):
        err = one_line_exit_2(capsys, *cmd, "--db", str(missing))
        assert "no such database" in err
    assert not missing.exists()


def test_read_commands_refuse_a_file_that_is_not_ours(tmp_path, capsys) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 20)
    assert "not an SQLite database" in one_line_exit_2(capsys, "events", "--db", str(text))
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    assert "not marsad's" in one_line_exit_2(capsys, "stories", "--db", str(other))
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["t"]
    con.close()
    assert "folder" in one_line_exit_2(capsys, "articles", "--db", str(tmp_path))


def test_empty_results_say_so(db, capsys) -> None:
    rc, out, err = run(capsys, "events", "--db", db, "--format", "jsonl", "--type", "AID")
    assert rc == 0 and out == "" and err.strip() == "marsad: no events match"
    rc, _, err = run(capsys, "stories", "--db", db, "--actor", "nobody at all")
    assert rc == 0 and err.strip() == "marsad: no stories match"
    rc, _, err = run(capsys, "search", "--db", db, "كلمةغيرموجودة")
    assert rc == 1 and err.strip() == "marsad: no articles match"


def test_version(capsys) -> None:
    rc, out, _ = run(capsys, "--version")
    assert rc == 0 and out.strip() == f"marsad {__version__}"


def test_settings_on_every_command(capsys) -> None:
    from marsad.cli import build_parser

    p = build_parser()
    sub = next(a for a in p._actions if a.dest == "command")
    for name, sp in sub.choices.items():  # type: ignore[union-attr]
        assert any("--settings" in a.option_strings for a in sp._actions), name


def test_settings_file_changes_the_threshold(db, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("MARSAD_SETTINGS", raising=False)
    low = tmp_path / "low.toml"
    low.write_text("[events]\nmin_confidence = 0.0\n")
    _, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl")
    assert len(ids(out)) == 4  # the packaged threshold hides ev5 (0.3)
    _, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--settings", str(low))
    assert len(ids(out)) == 5
    _, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl")
    assert len(ids(out)) == 4  # and the next in-process command is back to the default
    bad = tmp_path / "bad.toml"
    bad.write_text("[events\n")
    assert "not TOML" in one_line_exit_2(capsys, "events", "--db", db, "--settings", str(bad))
    assert "No such file" in one_line_exit_2(capsys, "events", "--db", db, "--settings", str(tmp_path / "no.toml"))


def test_ingest_creates_the_database_still(tmp_path, capsys) -> None:
    page = tmp_path / "p.txt"
    page.write_text("عنوان\n\nنص قصير\n")
    _, _, err = run(capsys, "ingest", str(page), "--db", str(tmp_path / "new.db"), "--quiet", "--ner", "crf")
    assert (tmp_path / "new.db").exists() and "no such database" not in err
