"""Small generated hostile inputs, shared by the hardening tests and scripts/peak_memory.py."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

AR = ("التقى وزير الخارجية العماني نظيره الإيراني في مسقط، أمس الأحد، وبحث الجانبان تطورات الأوضاع في المنطقة "
      "وسبل تعزيز التعاون الثنائي بين البلدين.\n") * 3
WORDS = "التقى وزير الخارجية العماني نظيره الإيراني في مسقط وبحث الجانبان تطورات الأوضاع الرئيس عون حسين".split()


def good_html(i: int = 0) -> str:
    return f"<html><body><h1>خبر رقم {i} عن لقاء الوزيرين</h1><p>{AR}</p></body></html>"


def nested_jsonl(path: Path, depth: int = 100_000) -> Path:
    """A JSONL file: a good record, a line nested ``depth`` deep, then 20 good records."""
    lines = [json.dumps({"url": "https://ex.com/first", "html": good_html(0)}, ensure_ascii=False)]
    lines.append("[" * depth + "]" * depth)
    lines += [json.dumps({"url": f"https://ex.com/{i}", "html": good_html(i)}, ensure_ascii=False)
              for i in range(1, 21)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def many_attributes_html(path: Path, n: int = 50_000) -> Path:
    attrs = " ".join(f'a{i}="1"' for i in range(n))
    path.write_text(f"<html><body><h1>عنوان الخبر عن لقاء الوزيرين</h1><div {attrs}>x</div><p>{AR}</p>"
                    "</body></html>", encoding="utf-8")
    return path


def long_line_text(path: Path, n: int = 200_000) -> Path:
    """A title, then ``n`` characters of Arabic words on one line without punctuation."""
    words, size, i = [], 0, 0
    while size < n:
        w = WORDS[(i * 7 + i // 13) % len(WORDS)]
        words.append(w)
        size += len(w) + 1
        i += 1
    path.write_text("عنوان الخبر عن لقاء الوزيرين\n\n" + " ".join(words) + "\n", encoding="utf-8")
    return path


def _warc_header(length: int, ctype: str = "application/http; msgtype=response") -> bytes:
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://ex.com/a.html\r\n"
            b"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            b"Content-Type: " + ctype.encode() + b"\r\nContent-Length: %d\r\n\r\n" % length)


def sparse_warc(path: Path, size: int = 20_000_000, lying_length: int = 5_000) -> Path:
    """A response record whose Content-Length is wrong, then ``size`` bytes of NULs (a sparse file)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + good_html().encode()
    with open(path, "wb") as f:
        f.write(_warc_header(lying_length) + http)
        f.truncate(size)
    return path


def gzip_bomb_warc(path: Path, megabytes: int = 400) -> Path:
    """A .warc.gz of one gzip member that inflates to ``megabytes`` MB (a response of NULs)."""
    n = megabytes << 20
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(1 << 20)
    with open(path, "wb") as f:
        f.write(c.compress(_warc_header(len(http) + n) + http))
        for _ in range(megabytes):
            f.write(c.compress(zero))
        f.write(c.compress(b"\r\n\r\n") + c.flush())
    return path


def multi_article_html(n: int = 3, tag: str = "") -> str:
    """A page of ``n`` full articles (sibling <article> elements, each stored as its own article)."""
    arts = "".join(
        f"<article><h2>الخبر رقم {i} {tag} عن لقاء الوزيرين في مسقط</h2><p>{AR} رقم {i} {tag}</p>"
        f"<p>وأكد الجانبان في البيان رقم {i} أهمية مواصلة التشاور والتنسيق بين البلدين في القضايا الإقليمية.</p>"
        "</article>" for i in range(n))
    return f"<html><body>{arts}</body></html>"
