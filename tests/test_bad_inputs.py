"""Bad inputs: each gives one clear failure and the run goes on with the good pages."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

from marsad.extract import ExtractStep
from marsad.ingest import ReadStep, read_paths
from marsad.model import Failure, Page
from marsad.pipeline import Pipeline

AR = ("التقى وزير الخارجية العماني نظيره الإيراني في مسقط، أمس الأحد، وبحث الجانبان تطورات الأوضاع في المنطقة "
      "وسبل تعزيز التعاون الثنائي بين البلدين.\n") * 3


def _warc_bytes() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(3):
        body = f"<html><body><h1>خبر رقم {i}</h1><p>{AR}</p></body></html>".encode()
        hdr = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://ex.com/{i}", "response", payload=io.BytesIO(body),
                                            http_headers=hdr))
    return buf.getvalue()


def _bad_folder(root: Path) -> dict[str, str]:
    """Writes the folder; returns file name → expected word in the failure reason ('' = must read fine)."""
    rng = random.Random(7)
    (root / "good.txt").write_text("عنوان الخبر\n\n" + AR, encoding="utf-8")
    (root / "good.html").write_text(f"<html><body><h1>عنوان</h1><p>{AR}</p></body></html>", encoding="utf-8")
    (root / "cp1256.html").write_bytes(f"<html><body><h1>عنوان الخبر</h1><p>{AR}</p></body></html>".encode("cp1256"))
    (root / "stray_byte.txt").write_bytes(AR.encode() + b"\xff" + AR.encode())
    (root / "junk.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    (root / "high_bytes.html").write_bytes(bytes(rng.randrange(128, 256) for _ in range(4000)))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b"   \n\n  ")
    (root / "nobody.html").write_text("<html><head><title>t</title><script>var a=1;</script></head></html>",
                                      encoding="utf-8")
    warc = _warc_bytes()
    (root / "cut.warc.gz").write_bytes(warc[: int(len(warc) * 0.8)])
    (root / "cut.txt.gz").write_bytes(gzip.compress(AR.encode() * 50)[:200])
    with open(root / "huge.txt", "wb") as f:  # 30 MB, over the default 10 MB limit
        f.write(("ا" * 1023 + "\n").encode() * (30 * 1024 // 2))
    return {"good.txt": "", "good.html": "", "cp1256.html": "", "stray_byte.txt": "", "junk.txt": "binary",
            "high_bytes.html": "undecodable", "empty.txt": "empty", "blank.txt": "empty", "nobody.html": "no body",
            "cut.warc.gz": "truncated", "cut.txt.gz": "truncated", "huge.txt": "size limit"}


def test_bad_folder_one_failure_each_and_good_pages_read(tmp_path: Path) -> None:
    expected = _bad_folder(tmp_path)
    out = list(read_paths([str(tmp_path)]))
    fails: dict[str, list[Failure]] = {}
    pages: dict[str, list[Page]] = {}
    for x in out:
        name = Path(x.source_path).name
        (fails if isinstance(x, Failure) else pages).setdefault(name, []).append(x)  # type: ignore[arg-type]
    for name, word in expected.items():
        if word:
            assert len(fails.get(name, [])) == 1, (name, fails.get(name))
            assert word in fails[name][0].reason.lower(), (name, fails[name][0].reason)
        else:
            assert name in pages and name not in fails, (name, fails.get(name))
    # the truncated WARC keeps the records read before the cut
    assert len(pages.get("cut.warc.gz", [])) >= 1
    assert "windows" not in pages["cp1256.html"][0].text and "التقى وزير" in pages["cp1256.html"][0].text
    assert "التقى وزير" in pages["stray_byte.txt"][0].text


def test_size_limit_is_configurable_and_streams(tmp_path: Path) -> None:
    f = tmp_path / "big.html"
    f.write_text("<html><body>" + "<p>" + AR + "</p>" * 50 + "</body></html>", encoding="utf-8")
    (x,) = list(read_paths([str(f)], max_bytes=1000))
    assert isinstance(x, Failure) and "1,000" in x.reason and "max_bytes" in x.reason
    j = tmp_path / "feed.jsonl"
    j.write_text('{"url": "u1", "text": "' + "ا" * 5000 + '"}\n{"url": "u2", "text": "' + AR.replace("\n", " ")
                 + '"}\n', encoding="utf-8")
    out = list(read_paths([str(j)], max_bytes=2000))
    assert isinstance(out[0], Failure) and "line 1" in out[0].reason and "size limit" in out[0].reason
    assert isinstance(out[1], Page) and out[1].url == "u2"


def test_pipeline_goes_on_after_failures(tmp_path: Path) -> None:
    _bad_folder(tmp_path)
    read, extract = ReadStep(), ExtractStep()
    arts = list(Pipeline([read, extract]).iterate([str(tmp_path)]))
    assert len(arts) >= 5
    assert len(read.stats.failures) == 8
    assert all(f.reason for f in read.stats.failures)
