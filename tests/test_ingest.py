"""Readers: formats, folder walks, metadata kept from WARC/JSONL, encodings."""

from __future__ import annotations

import codecs
import gzip
import io
import json
from pathlib import Path

from marsad.ingest import ReadStep, decode_bytes, read_paths
from marsad.model import Failure, Page

AR = "استقبل الرئيس التونسي اليوم الثلاثاء وزير الخارجية الجزائري في قصر قرطاج وبحث معه العلاقات الثنائية."
HTML = f"<html><head><title>عنوان</title></head><body><h1>عنوان الخبر</h1><p>{AR}</p></body></html>"


def _pages(items: list) -> list[Page]:
    return [x for x in items if isinstance(x, Page)]


def test_folder_walk_sorted_recursive_and_other_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "a.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "c.htm").write_text(HTML, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n")
    out = list(read_paths([str(tmp_path)]))
    assert all(isinstance(x, Page) for x in out)
    assert [Path(p.source_path).name for p in out] == ["a.html", "c.htm", "z.txt"]
    assert [p.content_type for p in out] == ["html", "html", "text"]
    assert all(Path(p.source_path).is_absolute() for p in out)
    step = ReadStep()
    pages = list(step([str(tmp_path)]))
    assert len(pages) == 3 and step.stats.counters["skipped_ext"] == 2 and not step.stats.failures


def test_missing_path_is_a_failure(tmp_path: Path) -> None:
    out = list(read_paths([str(tmp_path / "nope.txt")]))
    assert len(out) == 1 and isinstance(out[0], Failure) and "no such file" in out[0].reason


def test_jsonl_records_and_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"url": "https://ex.com/1", "text": AR, "published": "2024-05-01T10:00:00Z"}, ensure_ascii=False),
        "{not json",
        json.dumps({"url": "https://ex.com/2", "html": HTML}, ensure_ascii=False),
        json.dumps({"url": "https://ex.com/3"}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_paths([str(f)]))
    pages = _pages(out)
    fails = [x for x in out if isinstance(x, Failure)]
    assert [p.url for p in pages] == ["https://ex.com/1", "https://ex.com/2"]
    assert pages[0].published_hint == "2024-05-01T10:00:00Z" and pages[0].content_type == "text"
    assert pages[1].content_type == "html" and pages[1].record == 2
    assert len(fails) == 2
    assert "feed.jsonl line 2" in fails[0].reason and "JSON" in fails[0].reason
    assert "line 4" in fails[1].reason


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for url, ctype, body in records:
        w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        hdr = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hdr,
                                            warc_headers_dict={"WARC-Date": "2024-06-01T12:00:00Z"}))
    return buf.getvalue()


def test_warc_responses_only_with_url_date_and_type(tmp_path: Path) -> None:
    data = _warc([("https://ex.com/a", "text/html; charset=utf-8", HTML.encode()),
                  ("https://ex.com/b.txt", "text/plain", AR.encode()),
                  ("https://ex.com/c.png", "image/png", b"\x89PNG....")])
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(data)
    step = ReadStep()
    pages = list(step([str(f)]))
    assert [p.url for p in pages] == ["https://ex.com/a", "https://ex.com/b.txt"]
    assert [p.content_type for p in pages] == ["html", "text"]
    assert all(p.crawl_date == "2024-06-01" for p in pages)
    assert [p.record for p in pages] == [0, 1]
    assert "HTTP/1.1" not in (pages[0].text or "") and pages[0].text.startswith("<html>")
    assert step.stats.counters["warc_skipped_type"] == 1


def test_encodings_bom_meta_utf8_cp1256() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + AR.encode())[0] == AR
    assert decode_bytes(AR.encode("utf-16"))[0] == AR
    assert decode_bytes(AR.encode("utf-8")) == (AR, "utf-8")
    text, enc = decode_bytes(AR.encode("cp1256"))
    assert text == AR and enc == "cp1256"
    page = f'<meta charset="windows-1256"><p>{AR}</p>'.encode("cp1256")
    text, enc = decode_bytes(page, html=True)
    assert AR in text and enc == "cp1256"
    # a page labelled latin-1 that is really UTF-8
    page = f'<meta charset="iso-8859-1"><p>{AR}</p>'.encode()
    assert AR in decode_bytes(page, html=True)[0]


def test_gzipped_text_page(tmp_path: Path) -> None:
    f = tmp_path / "page.txt.gz"
    f.write_bytes(gzip.compress(AR.encode()))
    (page,) = list(read_paths([str(f)]))
    assert isinstance(page, Page) and page.text == AR


def test_samples_all_read(samples_dir: Path) -> None:
    out = list(read_paths([str(samples_dir)]))
    assert not [x for x in out if isinstance(x, Failure)]
    kinds = {Path(p.source_path).suffix for p in out}
    assert {".txt", ".html", ".gz", ".jsonl"} <= kinds
    cp = [p for p in out if "cp1256" in p.source_path]
    assert cp and cp[0].encoding == "cp1256" and "خادم الحرمين" in (cp[0].text or "")


def test_explicit_unsupported_file_is_a_failure(tmp_path: Path) -> None:
    f = tmp_path / "page.pdf"
    f.write_bytes(b"%PDF-1.4")
    (x,) = list(read_paths([str(f)]))
    assert isinstance(x, Failure) and "unsupported" in x.reason


def test_cp1256_html_without_charset_declaration(tmp_path: Path) -> None:
    f = tmp_path / "legacy.html"
    f.write_bytes(f"<html><body><h1>خبر</h1><p>{AR}</p></body></html>".encode("cp1256"))
    (page,) = list(read_paths([str(f)]))
    assert isinstance(page, Page) and page.encoding == "cp1256" and AR in (page.text or "")


def test_html_saved_as_txt_is_read_as_html(tmp_path: Path) -> None:
    f = tmp_path / "saved.txt"
    f.write_text("<!DOCTYPE html>\n" + HTML, encoding="utf-8")
    (page,) = list(read_paths([str(f)]))
    assert isinstance(page, Page) and page.content_type == "html"
