"""Issue 14: nothing lost on crash or edit. A page's articles commit together; an edited page replaces its old
version (history kept, --keep-versions to keep both); file names are stored lossless; concurrent ingests agree."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import hostile
import pytest

from marsad.extract import extract_articles
from marsad.ingest import read_bytes
from marsad.runner import SentenceStep, StoreStep, ingest_paths
from marsad.store import Store

KILL = """
import os, signal, sys
from marsad.runner import ingest_paths
calls = [0]
def fault(point):
    calls[0] += 1
    if calls[0] == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
ingest_paths([sys.argv[1]], sys.argv[2], ner_backend="crf", fault=fault)
"""


def _content(db: Path) -> dict[str, list]:
    con = sqlite3.connect(db)
    q = {"pages": "SELECT id, n_articles FROM pages ORDER BY id",
         "articles": "SELECT id, page_id, duplicate_of, title FROM articles ORDER BY id",
         "events": "SELECT id, article_id, type FROM events ORDER BY id",
         "fts": "SELECT count(*) FROM articles_fts", "minhash": "SELECT article_id FROM minhash ORDER BY 1",
         "stories": "SELECT id FROM stories ORDER BY id"}
    out = {k: con.execute(v).fetchall() for k, v in q.items()}
    con.close()
    return out


def _pages(root: Path) -> Path:
    root.mkdir()
    (root / "a.html").write_text(hostile.multi_article_html(3, "أ"), encoding="utf-8")
    (root / "b.html").write_text(hostile.multi_article_html(3, "ب"), encoding="utf-8")
    (root / "c.txt").write_text("عنوان خبر ثالث عن الوزيرين\n\n" + hostile.AR, encoding="utf-8")
    return root


@pytest.mark.parametrize("kill_at", [1, 2, 3])
def test_kill_between_two_articles_of_a_page_then_rerun_equals_a_clean_run(tmp_path: Path, kill_at: int) -> None:
    pages = _pages(tmp_path / "in")
    clean = tmp_path / "clean.db"
    ingest_paths([str(pages)], clean, ner_backend="crf")
    db = tmp_path / "killed.db"
    p = subprocess.run([sys.executable, "-c", KILL, str(pages), str(db), str(kill_at)], capture_output=True)
    assert p.returncode == -9, p.stderr[-500:]
    partial = _content(db)
    # whatever was committed is whole pages: a page's articles are all there or none is
    assert all(n == 3 or pid not in {a[1] for a in partial["articles"]} for pid, n in partial["pages"])
    assert len({a[1] for a in partial["articles"]}) == len(partial["pages"])
    ingest_paths([str(pages)], db, ner_backend="crf")
    assert _content(db) == _content(clean)


def test_near_duplicate_index_is_updated_only_after_the_commit(tmp_path: Path) -> None:
    arts = extract_articles(read_bytes(hostile.multi_article_html(2).encode(), str(tmp_path / "m.html")))
    for a in arts:
        SentenceStep().process(a)

    def boom(point: str) -> None:
        raise OSError("disk full")

    with Store(tmp_path / "x.db") as st:
        step = StoreStep(st, fault=boom)
        assert list(step(arts)) == []
        assert "disk full" in step.stats.failures[0].reason and st.counts()["articles"] == 0
        assert step.dups.sigs == {}  # was indexed before the write: later pages pointed at ids never stored
        step = StoreStep(st)
        stored = list(step(arts))
        ids = {a.id for a in stored}
        assert len(stored) == 2 and all(a.duplicate_of in ids | {None} for a in stored)


def test_an_edited_file_replaces_its_old_article_and_events(tmp_path: Path) -> None:
    f = tmp_path / "news.txt"
    db = tmp_path / "x.db"
    f.write_text("التقى وزيرا الخارجية في مسقط\n\n" + hostile.AR, encoding="utf-8")
    ingest_paths([str(f)], db, ner_backend="crf")
    with Store(db) as st:
        (old,) = [a["id"] for a in st.articles()]
        old_events = [e["id"] for e in st.events()]
    assert old_events
    f.write_text("التقى وزيرا الخارجية في الرياض\n\n" + hostile.AR.replace("مسقط", "الرياض"), encoding="utf-8")
    report = ingest_paths([str(f)], db, ner_backend="crf")
    assert report.replaced == 1
    with Store(db) as st:
        arts = list(st.articles())
        assert len(arts) == 1 and arts[0]["id"] != old and "الرياض" in arts[0]["text"]
        assert all(e["article"]["id"] == arts[0]["id"] for e in st.events())
        assert not {e["id"] for e in st.events()} & (set(old_events) - {e["id"] for e in st.events()})
        assert st.db.execute("SELECT count(*) FROM events WHERE article_id=?", (old,)).fetchone()[0] == 0
        assert [h["old_id"] for h in st.history()] == [old]
        assert st.counts()["pages"] == 1
        stories = [s for s in st.stories() if old in s.get("article_ids", [])]
        assert stories == []
    # --keep-versions: both stay
    f.write_text("التقى وزيرا الخارجية في عمان\n\n" + hostile.AR.replace("مسقط", "عمان"), encoding="utf-8")
    ingest_paths([str(f)], db, ner_backend="crf", keep_versions=True)
    with Store(db) as st:
        assert st.counts()["articles"] == 2


def test_a_file_name_with_non_utf8_bytes_is_stored_lossless(tmp_path: Path) -> None:
    name = os.fsdecode(b"\xe4\xf8\xe3 news.txt")  # a latin-1 name on a UTF-8 system
    f = tmp_path / name
    f.write_text("عنوان الخبر عن الوزيرين\n\n" + hostile.AR, encoding="utf-8")
    report = ingest_paths([str(tmp_path)], tmp_path / "x.db", stages=())
    assert report.articles_stored == 1, report.failures
    with Store(tmp_path / "x.db") as st:
        (art,) = list(st.articles())
        assert art["source_path"] == str(f) and os.fsencode(art["source_path"]).endswith(b"\xe4\xf8\xe3 news.txt")


def test_two_ingests_at_once_print_no_integrity_errors(tmp_path: Path) -> None:
    pages = _pages(tmp_path / "in")
    db = tmp_path / "x.db"
    cmd = [sys.executable, "-m", "marsad.cli", "ingest", str(pages), "--db", str(db), "--ner", "crf"]
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errs = [p.communicate()[1] for p in procs]
    assert all("IntegrityError" not in e and "locked" not in e for e in errs), errs
    clean = tmp_path / "clean.db"
    ingest_paths([str(pages)], clean, ner_backend="crf")
    assert _content(db) == _content(clean)


def test_a_non_utf8_file_name_prints_as_its_own_bytes(tmp_path: Path) -> None:
    name = os.fsdecode(b"\xe4\xf8\xe3.txt")
    (tmp_path / name).write_text("عنوان الخبر عن الوزيرين\n\n" + hostile.AR, encoding="utf-8")
    db = tmp_path / "x.db"
    ingest_paths([str(tmp_path)], db, stages=())
    for fmt in ("jsonl", "csv", "table"):
        p = subprocess.run([sys.executable, "-m", "marsad.cli", "articles", "--db", str(db), "--format", fmt],
                           capture_output=True)
        assert p.returncode == 0, p.stderr[-300:]
        assert fmt == "table" or b"\xe4\xf8\xe3.txt" in p.stdout, fmt  # the table cuts long paths
