"""Readers: files and folders → Page | Failure, one failure per bad input, never an exception for the run.

Formats: .txt (page text), .html/.htm, .warc/.warc.gz (response records), .jsonl (url + html|text [+ published]),
and any of those gzip-compressed as NAME.gz. Size limits are checked before reading (file size, record length,
line length) so a 50 MB page is refused without being loaded.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..budget import BudgetExceeded, default_seconds, document_budget, over_budget
from ..model import Failure, Page
from ..settings import section
from .encoding import DecodeError, decode_bytes

TEXT_EXT = (".txt",)
HTML_EXT = (".html", ".htm", ".xhtml")
WARC_EXT = (".warc", ".warc.gz", ".arc.gz")
JSONL_EXT = (".jsonl", ".ndjson", ".jsonl.gz")
_TAGS = re.compile(r"<[^>]*>")
_DROP = re.compile(r"<(script|style|noscript|template|head|svg)\b.*?</\1\s*>", re.I | re.S)
_BODY = re.compile(rb"<body\b", re.I)
_WS = re.compile(r"\s+")
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)


def _settings() -> dict[str, Any]:
    s = section("ingest")
    s.setdefault("max_bytes", 10_000_000)
    s.setdefault("min_text_chars", 40)
    s.setdefault("max_control_ratio", 0.02)
    s.setdefault("sniff_bytes", 65536)
    return s


def kind_of(path: str) -> str | None:
    """'text' | 'html' | 'warc' | 'jsonl' | None from the file name (a trailing .gz is looked through)."""
    name = path.lower()
    if name.endswith(WARC_EXT):
        return "warc"
    if name.endswith(JSONL_EXT):
        return "jsonl"
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(TEXT_EXT):
        return "text"
    if name.endswith(HTML_EXT):
        return "html"
    return None


def _too_big(n: int, limit: int) -> str:
    return f"{n:,} bytes is over the size limit of {limit:,} bytes (settings [ingest] max_bytes)"


_TEXT_RUN = re.compile(r"<(?!script|style|noscript|template|svg|title)[a-z][^>]*>\s*[^<\s][^<]{%d,}", re.I)


def _has_visible_text(html: str, n: int) -> bool:
    """Fast path: some element (not a script or style) holds a run of ``n`` characters of text."""
    if re.search(_TEXT_RUN.pattern % max(n - 1, 1), html, re.I):
        return True
    return _visible_text_len(html) >= n


def _visible_text_len(html: str) -> int:
    body = _DROP.sub(" ", html)
    return len(_WS.sub(" ", _TAGS.sub(" ", body)).strip())


class Reader:
    """Reads paths into pages; counts what it skips. ``read_paths`` and ``ReadStep`` share it."""

    def __init__(self, max_bytes: int | None = None, budget: float | None = None) -> None:
        s = _settings()
        self.budget = default_seconds() if budget is None else budget
        self.max_bytes = int(max_bytes if max_bytes is not None else s["max_bytes"])
        self.min_text = int(s["min_text_chars"])
        self.max_control = float(s["max_control_ratio"])
        self.sniff = int(s["sniff_bytes"])
        self.counts: Counter[str] = Counter()

    # -- paths ------------------------------------------------------------------------------------------------
    def read(self, paths: Iterable[str]) -> Iterator[Page | Failure]:
        for p in paths:
            path = os.path.abspath(os.fspath(p))
            if os.path.isdir(path):
                if not os.access(path, os.R_OK | os.X_OK):
                    yield Failure(path, "cannot read folder: permission denied")
                    continue
                yield from self._walk(path)
            elif os.path.islink(path) and not os.path.exists(path):
                yield Failure(path, f"dangling symbolic link (to {os.readlink(path)})")
            elif os.path.isfile(path):
                kind = kind_of(path)
                if kind is None:
                    self.counts["unsupported"] += 1
                    yield Failure(path, "unsupported file type (expected .txt, .html, .htm, .warc[.gz], .jsonl)")
                else:
                    yield from self.read_file(path, kind)
            else:
                yield Failure(path, "no such file or directory")

    def _walk(self, root: str) -> Iterator[Page | Failure]:
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
            while errors:  # a folder os.walk could not list: said, not skipped silently
                e = errors.pop()
                yield Failure(e.filename or dirpath, f"cannot read folder: {e.strerror or e}")
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                kind = kind_of(name)
                if kind is None or name.startswith("."):
                    self.counts["skipped_ext"] += 1  # other files in a folder are not inputs
                    continue
                if os.path.islink(path) and not os.path.exists(path):
                    yield Failure(path, f"dangling symbolic link (to {os.readlink(path)})")
                    continue
                yield from self.read_file(path, kind)
        for e in errors:
            yield Failure(e.filename or root, f"cannot read folder: {e.strerror or e}")

    def read_file(self, path: str, kind: str) -> Iterator[Page | Failure]:
        try:
            size = os.path.getsize(path)
        except OSError as e:
            yield Failure(path, f"cannot stat: {e.strerror or e}")
            return
        if size == 0:
            yield Failure(path, "empty file (0 bytes)")
            return
        try:
            if kind == "warc":
                yield from self._read_warc(path)
            elif kind == "jsonl":
                yield from self._read_jsonl(path)
            else:
                yield from self._read_single(path, kind, size)
        except OSError as e:  # permission denied, vanished file, I/O error
            yield Failure(path, f"cannot read: {e.strerror or e}")
        except BudgetExceeded:
            yield Failure(path, over_budget("read", self.budget))
        except Exception as e:  # noqa: BLE001 - MemoryError, RecursionError, a library bug: this file only
            yield Failure(path, f"cannot read: {type(e).__name__}: {e}")

    def _guarded(self, path: str, rec: int | None, make: Any, *args: Any, **kw: Any) -> Page | Failure:
        """One record, within the time budget; any error is this record's failure, the file reads on."""
        try:
            with document_budget(self.budget):
                return make(*args, **kw)
        except BudgetExceeded:
            return Failure(path, over_budget("read", self.budget), rec)
        except Exception as e:  # noqa: BLE001 - RecursionError, MemoryError included
            return Failure(path, f"{type(e).__name__}: {e}", rec)

    # -- single pages -----------------------------------------------------------------------------------------
    def _read_single(self, path: str, kind: str, size: int) -> Iterator[Page | Failure]:
        if path.lower().endswith(".gz"):
            try:
                with gzip.open(path, "rb") as f:
                    raw = f.read(self.max_bytes + 1)
            except (EOFError, zlib.error, gzip.BadGzipFile) as e:
                yield Failure(path, f"truncated or corrupt gzip: {e}")
                return
            if len(raw) > self.max_bytes:
                yield Failure(path, "decompressed page " + _too_big(len(raw), self.max_bytes))
                return
        else:
            if size > self.max_bytes:
                yield Failure(path, "file " + _too_big(size, self.max_bytes))
                return
            with open(path, "rb") as f:
                raw = f.read()
        yield self._guarded(path, None, self.make_page, path, raw, kind)

    def make_page(self, path: str, raw: bytes, kind: str, *, url: str | None = None, record: int = 0,
                  crawl_date: str | None = None, charset: str | None = None) -> Page | Failure:
        """Decode and check one page's bytes."""
        if not raw.strip():
            return Failure(path, "empty page (only whitespace)", record if record else None)
        try:
            text, enc = decode_bytes(raw, hint=charset, html=kind == "html", sniff=self.sniff,
                                     max_control_ratio=self.max_control)
        except DecodeError as e:
            return Failure(path, str(e), record if record else None)
        if kind == "text" and _HTML_START.match(text[:300]):
            kind = "html"  # HTML source saved as .txt (or served as text/plain): read it as HTML
        return self._check(Page(source_path=path, url=url, raw=raw, text=text, content_type=kind, encoding=enc,
                                crawl_date=crawl_date, record=record))

    def _check(self, page: Page) -> Page | Failure:
        text = page.text or ""
        rec = page.record if page.record else None
        if page.content_type == "html":
            if page.raw is not None and not _BODY.search(page.raw[: self.max_bytes]) and "<p" not in text.lower():
                n = _visible_text_len(text)
                if n < self.min_text:
                    return Failure(page.source_path, "HTML has no body (no <body> and no visible text)", rec)
            if not _has_visible_text(text, self.min_text):
                return Failure(page.source_path, f"HTML has no body text (under {self.min_text} visible characters)",
                               rec)
        elif len(text.strip()) < self.min_text:
            return Failure(page.source_path, f"empty page (under {self.min_text} characters of text)", rec)
        return page

    # -- WARC -------------------------------------------------------------------------------------------------
    def _read_warc(self, path: str) -> Iterator[Page | Failure]:
        from .warc import BoundedArchiveIterator  # lazy: only WARC inputs pay for warcio's import

        n_read = 0
        index = 0
        skip_cost = 0.0  # seconds spent inflating records skipped as too big: a bomb's cost, charged once per file
        with open(path, "rb") as f:
            try:
                records = iter(BoundedArchiveIterator(f))
                skipping = False
                while True:
                    # moving to the next record inflates and drains the one before (a gzip bomb's gigabytes):
                    # within the budget, or the file's failure (a gzip member cannot be skipped unread)
                    t0 = time.monotonic()
                    with document_budget(self.budget):
                        rec = next(records, None)
                    if skipping:
                        skip_cost += time.monotonic() - t0
                    skipping = False
                    if rec is None:
                        break
                    if rec.rec_type != "response":
                        self.counts["warc_non_response"] += 1
                        continue
                    i = index
                    index += 1
                    url = rec.rec_headers.get_header("WARC-Target-URI")
                    date = rec.rec_headers.get_header("WARC-Date")
                    ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else None) or ""
                    kind, charset = _kind_from_content_type(ctype, url)
                    if kind is None:
                        self.counts["warc_skipped_type"] += 1
                        continue
                    clen = rec.rec_headers.get_header("Content-Length")
                    if clen and clen.isdigit() and int(clen) > self.max_bytes * 2:
                        yield Failure(path, f"record {i} ({url}): " + _too_big(int(clen), self.max_bytes), i)
                        skipping = True
                        continue
                    stream = rec.content_stream()
                    raw = stream.read(self.max_bytes + 1)
                    if len(raw) > self.max_bytes:
                        yield Failure(path, f"record {i} ({url}): " + _too_big(len(raw), self.max_bytes), i)
                        skipping = True
                        continue
                    stream.read()  # drain, so a record cut short shows as bytes still owed
                    if getattr(rec.raw_stream, "limit", 0) > 0:
                        raise EOFError(f"record {i} ({url}) is cut short")
                    page = self._guarded(path, i, self.make_page, path, raw, kind, url=url, record=i,
                                         charset=charset, crawl_date=date[:10] if date else None)
                    if isinstance(page, Failure):
                        page.reason = f"record {i} ({url}): {page.reason}"
                        page.record = i
                    else:
                        n_read += 1
                    yield page
            except Exception as e:  # noqa: BLE001 - warcio raises many types on truncated/corrupt input
                what = "truncated or corrupt WARC"
                yield Failure(path, f"{what} after {n_read} record(s): {type(e).__name__}: {e}".rstrip(": "), index)
                return
        if path.lower().endswith(".gz"):
            # a bomb inflates again here: the file's skipped records and this check share one budget
            left = self.budget - skip_cost if skip_cost else self.budget
            if self.budget > 0 and left <= 0.05:
                yield Failure(path, over_budget("read (gzip completeness check)", self.budget), index)
                return
            try:
                with document_budget(left):
                    complete = _gzip_complete(path)
            except BudgetExceeded:
                yield Failure(path, over_budget("read (gzip completeness check)", self.budget), index)
                return
            if not complete:
                yield Failure(path, f"truncated WARC: the gzip stream ends mid-record after {n_read} record(s)",
                              index)
                return
        if index == 0:
            yield Failure(path, "WARC file holds no response records")

    # -- JSONL ------------------------------------------------------------------------------------------------
    def _read_jsonl(self, path: str) -> Iterator[Page | Failure]:
        opener: Any = gzip.open if path.lower().endswith(".gz") else open
        lineno = 0
        try:
            with opener(path, "rb") as f:
                while True:
                    line = _readline(f, self.max_bytes)
                    if line is None:
                        break
                    lineno += 1
                    if isinstance(line, int):
                        yield Failure(path, f"line {lineno}: " + _too_big(line, self.max_bytes), lineno - 1)
                        continue
                    if not line.strip():
                        continue
                    yield self._guarded(path, lineno - 1, self._jsonl_record, path, line, lineno)
        except (EOFError, zlib.error, gzip.BadGzipFile) as e:
            yield Failure(path, f"truncated or corrupt gzip after line {lineno}: {e}", lineno)

    def _jsonl_record(self, path: str, line: bytes, lineno: int) -> Page | Failure:
        rec = lineno - 1
        where = f"{os.path.basename(path)} line {lineno}"
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            return Failure(path, f"{where}: not valid JSON ({e})", rec)
        except RecursionError:  # "[[[[…" 100k deep: the parser's stack, not the run, gives out
            return Failure(path, f"{where}: JSON nested too deeply to read", rec)
        if not isinstance(obj, dict):
            return Failure(path, f"{where}: a record must be a JSON object", rec)
        body = obj.get("html")
        kind = "html"
        if not isinstance(body, str) or not body.strip():
            body, kind = obj.get("text"), "text"
        if not isinstance(body, str) or not body.strip():
            return Failure(path, f"{where}: record has no 'html' or 'text'", rec)
        if kind == "text" and _HTML_START.match(body[:300]):
            kind = "html"
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        published = obj.get("published")
        page = Page(source_path=path, url=url, raw=None, text=body, content_type=kind, encoding="utf-8",
                    crawl_date=obj.get("crawl_date") if isinstance(obj.get("crawl_date"), str) else None,
                    published_hint=str(published) if published else None, record=rec)
        checked = self._check(page)
        if isinstance(checked, Failure):
            checked.reason = f"{where}: {checked.reason}"
        return checked


def _gzip_complete(path: str) -> bool:
    """True when every gzip member in the file ends properly (warcio stops silently at a truncated member).
    Output is produced and dropped 1 MB at a time (``max_length``), so a gzip bomb costs time, never memory."""
    d = zlib.decompressobj(31)
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return d.eof
            while chunk:
                try:
                    d.decompress(chunk, 1 << 20)
                except zlib.error:
                    return False
                if d.eof:
                    chunk = d.unused_data
                    d = zlib.decompressobj(31)
                    if not chunk:
                        # the next member starts in the next read; an empty tail counts as complete
                        nxt = f.read(1 << 20)
                        if not nxt:
                            return True
                        chunk = nxt
                else:
                    chunk = d.unconsumed_tail


def _readline(f: IO[bytes], limit: int) -> bytes | int | None:
    """One line of at most ``limit`` bytes; None at end of file; the line's length when it is too long
    (the rest of that line is consumed in chunks, never held in memory)."""
    line = f.readline(limit + 1)
    if not line:
        return None
    if len(line) <= limit or line.endswith(b"\n"):
        return line
    n = len(line)
    while True:
        chunk = f.readline(1 << 20)
        n += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return n


def _kind_from_content_type(ctype: str, url: str | None) -> tuple[str | None, str | None]:
    ct = ctype.lower()
    charset = None
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", ct)
    if m:
        charset = m.group(1)
    if "html" in ct or "xml" in ct and "xhtml" in ct:
        return "html", charset
    if ct.startswith("text/plain"):
        return "text", charset
    if not ct.strip() and url and kind_of(url.split("?")[0]) in ("html", "text"):
        return kind_of(url.split("?")[0]), charset
    return None, charset


def read_paths(paths: Iterable[str] | str, max_bytes: int | None = None) -> Iterator[Page | Failure]:
    """Pages (and failures) from files and folders; folders are walked recursively in sorted order."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [os.fspath(paths)]
    yield from Reader(max_bytes).read(paths)


def read_bytes(raw: bytes, source_path: str, kind: str = "html", url: str | None = None) -> Page | Failure:
    """One page from bytes in memory (tests, API uploads)."""
    return Reader().make_page(os.path.abspath(source_path), raw, kind, url=url)


__all__ = ["Reader", "read_bytes", "read_paths", "kind_of", "io"]
