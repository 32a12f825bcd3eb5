"""The `marsad` command end to end on the project's own samples (and a bad-input folder)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from marsad.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory, samples_dir) -> Path:
    db = tmp_path_factory.mktemp("cli") / "s.db"
    assert main(["ingest", str(samples_dir), "--db", str(db), "--quiet"]) == 0
    return db


def test_ingest_samples_gives_articles_events_and_stories(sample_db, capsys) -> None:
    rc, out, _ = run(capsys, "articles", "--db", str(sample_db), "--format", "jsonl")
    arts = [json.loads(x) for x in out.splitlines()]
    assert rc == 0 and len(arts) >= 12
    for a in arts:
        assert set(a) >= {"id", "source_path", "url", "outlet", "title", "published", "dateline", "text", "lang",
                          "duplicate_of"}
        assert Path(a["source_path"]).is_absolute() and a["text"].strip()
    rc, out, _ = run(capsys, "events", "--db", str(sample_db), "--format", "jsonl")
    evs = [json.loads(x) for x in out.splitlines()]
    assert evs, "the samples report meetings, calls and visits"
    for e in evs:
        ev = e["evidence"]
        art = next(a for a in arts if a["id"] == e["article"]["id"])
        source = art["title"] if ev.get("field") == "title" or ev["text"] == art["title"] else art["text"]
        assert source[ev["start"]:ev["end"]] == ev["text"] or ev["text"] == art["title"]
        assert e["story_id"]
    rc, out, _ = run(capsys, "events", "--db", str(sample_db), "--format", "plover")
    rec = json.loads(out.splitlines()[0])
    assert {"id", "date", "actor", "recipient", "event", "mode", "context", "event_loc", "event_text", "text_info",
            "cite_info", "coder"} <= set(rec)
    rc, out, _ = run(capsys, "events", "--db", str(sample_db), "--format", "csv", "--type", "CONSULT")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["type"] == "CONSULT" for r in rows)
    rc, out, _ = run(capsys, "stories", "--db", str(sample_db), "--format", "jsonl")
    assert rc == 0 and out.strip()
    rc, out, _ = run(capsys, "events", "--db", str(sample_db), "--format", "table")
    assert rc == 0 and "TYPE" in out.splitlines()[0]


def test_search_is_normalised(sample_db, capsys) -> None:
    rc, out, _ = run(capsys, "search", "--db", str(sample_db), "الرئيس", "--format", "jsonl")
    assert rc == 0 and out.strip()
    rc2, out2, _ = run(capsys, "search", "--db", str(sample_db), "الرييس", "--format", "jsonl")
    assert [json.loads(x)["id"] for x in out.splitlines()] == [json.loads(x)["id"] for x in out2.splitlines()]


def test_second_ingest_adds_nothing(sample_db, samples_dir, capsys) -> None:
    before = run(capsys, "articles", "--db", str(sample_db), "--format", "jsonl")[1]
    rc, _, err = run(capsys, "ingest", str(samples_dir), "--db", str(sample_db))
    assert rc == 0 and "articles stored: 0" in err
    assert run(capsys, "articles", "--db", str(sample_db), "--format", "jsonl")[1] == before


def test_bad_files_are_named_and_the_run_goes_on(tmp_path, samples_dir, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = sorted((samples_dir / "text").glob("*.txt"))[0]
    shutil.copy(good, folder / good.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.html").write_bytes(bytes(range(256)) * 40)
    (folder / "bad.jsonl").write_text('{"url": "http://x", "nothing": 1}\n{not json\n')
    rc, _, err = run(capsys, "ingest", str(folder), "--db", str(tmp_path / "d.db"))
    assert rc == 0
    for name in ("empty.txt", "junk.html", "bad.jsonl"):
        lines = [x for x in err.splitlines() if name in x]
        # bad.jsonl's two records fail for different reasons: one line each, never merged into the first's
        assert len(lines) == (2 if name == "bad.jsonl" else 1), (name, err)
    assert "articles stored: 1" in err


def test_nothing_readable_exits_non_zero(tmp_path, capsys) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    rc, _, err = run(capsys, "ingest", str(tmp_path), "--db", str(tmp_path / "d.db"))
    assert rc == 1 and "empty.txt" in err


@pytest.mark.parametrize("ner,extra", [
    ((), ("--workers", "2")),
    (("--ner", "crf"), ("--ray", "--workers", "2")),  # the crf backend keeps the Ray actors' start short
])
def test_parallel_ingest_stores_the_same_as_serial(tmp_path, samples_dir, capsys, ner, extra) -> None:
    if "--ray" in extra:
        pytest.importorskip("ray")
    a, b = tmp_path / "serial.db", tmp_path / "parallel.db"
    assert main(["ingest", str(samples_dir), "--db", str(a), "--quiet", *ner]) == 0
    assert main(["ingest", str(samples_dir), "--db", str(b), "--quiet", *ner, *extra]) == 0
    capsys.readouterr()

    def dump(db: Path, what: str) -> list[str]:
        main([what, "--db", str(db), "--format", "jsonl"])
        return sorted(json.loads(x)["id"] for x in capsys.readouterr().out.splitlines())

    assert dump(a, "articles") == dump(b, "articles")
    assert dump(a, "events") == dump(b, "events")


def test_ray_without_ray_says_what_to_install(tmp_path, samples_dir, capsys, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    rc, _, err = run(capsys, "ingest", str(samples_dir), "--db", str(tmp_path / "d.db"), "--ray")
    assert rc == 2 and "pip install 'marsad[ray]'" in err


def test_users_add_actors_with_a_file(tmp_path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_text("وزيرة الدفاع تزور القاهرة\nنشر في الأهرام يوم 12 - 03 - 2031\n\n"
                    "استقبل الرئيس المصري عبد الفتاح السيسي، اليوم الأربعاء في القاهرة، وزيرة الدفاع السعودية علا "
                    "الزهراني، وبحث معها التعاون العسكري بين البلدين.\n", encoding="utf-8")
    actors = tmp_path / "mine.csv"
    actors.write_text("id,name,name_ar,variants,kind,country,role,start,end\n"
                      "zahrani_ola,Ola Zahrani,علا الزهراني,الزهراني,person,SAU,defence_minister,2031,\n",
                      encoding="utf-8")
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(page), "--db", db, "--actors", str(actors), "--quiet"]) == 0
    capsys.readouterr()
    main(["events", "--db", db, "--format", "jsonl", "--min-confidence", "0"])
    evs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    people = {e.get("id") for ev in evs for e in ev["actors"] + ev["recipients"]}
    assert "zahrani_ola" in people, evs


def test_failure_lines_merge_only_like_reasons() -> None:
    from marsad.cli import failure_lines
    from marsad.model import Failure

    fails = [Failure("/a.jsonl", f"a.jsonl line {i}: not valid JSON (Expecting value: line 1 column {i})", i)
             for i in range(1, 9)] + [Failure("/a.jsonl", "a.jsonl line 9: record has no 'html' or 'text'", 9)]
    lines = failure_lines(fails)
    assert len(lines) == 2 and "(and 7 more records like it)" in lines[0] and "no 'html'" in lines[1]


def test_every_page_failing_exits_non_zero_and_an_empty_run_says_so(tmp_path, capsys) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "short.txt").write_text("عنوان\n\nنص قصير جدا لكنه يكفي للقراءة ولا يكفي لمقال كامل.", "utf-8")
    rc, _, err = run(capsys, "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "d.db"), "--ner", "crf")
    assert rc == 1 and "nothing stored" in err, err
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "README").write_text("not an input")
    rc, _, err = run(capsys, "ingest", str(tmp_path / "none"), "--db", str(tmp_path / "d.db"))
    assert rc == 1 and "no input files found" in err


def test_unreadable_folders_and_dangling_links_are_named(tmp_path, capsys) -> None:
    import os

    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.txt").write_text("x")
    os.symlink(tmp_path / "gone.txt", root / "link.txt")
    os.chmod(root / "locked", 0)
    try:
        rc, _, err = run(capsys, "ingest", str(root), "--db", str(tmp_path / "d.db"), "--ner", "crf")
    finally:
        os.chmod(root / "locked", 0o755)
    assert "link.txt: dangling symbolic link" in err, err
    if os.geteuid() != 0:  # root reads any folder
        assert "locked: cannot read folder" in err, err


def test_sigterm_during_ingest_says_so_and_exits_143(tmp_path) -> None:
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "in"
    root.mkdir()
    for i in range(400):
        (root / f"{i}.txt").write_text(f"عنوان الخبر رقم {i}\n\n" + "التقى وزير الخارجية نظيره في مسقط. " * 20, "utf-8")
    p = subprocess.Popen([sys.executable, "-m", "marsad.cli", "ingest", str(root), "--db", str(tmp_path / "d.db"),
                          "--ner", "crf"], stderr=subprocess.PIPE, text=True)
    for _ in range(300):  # until the pipeline runs: the store is opened once the models are loaded
        if (tmp_path / "d.db").exists():
            break
        time.sleep(0.05)
    time.sleep(1)
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=60)[1]
    if p.returncode == 0:
        pytest.skip("the ingest finished before the signal")
    assert p.returncode == 143 and "terminated (SIGTERM)" in err and "run the same ingest again" in err, err


def test_workers_die_with_their_parent(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "in"
    root.mkdir()
    for i in range(300):
        (root / f"{i}.txt").write_text(f"عنوان الخبر رقم {i}\n\n" + "التقى وزير الخارجية نظيره في مسقط. " * 20, "utf-8")
    p = subprocess.Popen([sys.executable, "-m", "marsad.cli", "ingest", str(root), "--db", str(tmp_path / "d.db"),
                          "--ner", "crf", "--workers", "2"], stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        out = []
        for d in os.listdir("/proc"):
            try:
                if d.isdigit() and open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1] == str(p.pid):
                    out.append(int(d))
            except OSError:
                pass
        return out

    kids: list[int] = []
    for _ in range(400):
        kids = children()
        if len(kids) >= 2:
            break
        time.sleep(0.05)
    if len(kids) < 2:
        p.kill()
        pytest.skip("the workers did not start in time")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(os.path.exists(f"/proc/{k}") and "Z" not in
                                         open(f"/proc/{k}/stat").read().rsplit(")", 1)[1].split()[0] for k in kids):
        time.sleep(0.1)
    alive = [k for k in kids if os.path.exists(f"/proc/{k}")
             and "Z" not in open(f"/proc/{k}/stat").read().rsplit(")", 1)[1].split()[0]]
    for k in alive:
        os.kill(k, signal.SIGKILL)
    assert not alive, "workers orphaned by kill -9 of the parent"


def test_exports_of_the_samples_keep_every_field_of_the_jsonl(sample_db, capsys, tmp_path) -> None:
    """The acceptance test on real pipeline output: read back by pandas.read_parquet and read_csv."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from exportcheck import assert_table_keeps_jsonl

    _, out, _ = run(capsys, "events", "--db", str(sample_db), "--format", "jsonl", "--min-confidence", "0")
    recs = [json.loads(line) for line in out.splitlines()]
    assert recs
    for fmt in ("parquet", "csv"):
        assert run(capsys, "events", "--db", str(sample_db), "--format", fmt, "--min-confidence", "0",
                   "-o", str(tmp_path / f"e.{fmt}"))[0] == 0
    n = assert_table_keeps_jsonl(recs, pd.read_parquet(tmp_path / "e.parquet"), as_csv=False)
    frame = pd.read_csv(tmp_path / "e.csv", dtype=str, keep_default_na=False)
    assert assert_table_keeps_jsonl(recs, frame, as_csv=True) == n
