"""WARC records with bounded reads: warcio reads header lines without a length limit (a sparse or lying-length
file makes it join megabytes of NULs into one line, byte string by byte string: minutes) and prints whatever it
finds after a record with a wrong Content-Length. Here every line read is capped and a record boundary that is not
where Content-Length says is an error with a message."""

from __future__ import annotations

from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

MAX_LINE = 65536  # no WARC or HTTP header line is longer; a longer "line" is binary junk or a lying length


class RecordBoundaryError(ValueError):
    """The bytes after a record are not blank lines and a next record: its Content-Length is wrong."""


class BoundedArchiveIterator(ArchiveIterator):
    def __init__(self, fileobj: IO[bytes], **kwargs: Any) -> None:
        super().__init__(fileobj, **kwargs)
        unbounded = self.reader.readline

        def readline(length: int | None = None) -> bytes:
            return unbounded(MAX_LINE if not length or length > MAX_LINE else length)

        self.reader.readline = readline  # the record and header parsers all read through self.reader

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty = 0
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty
            if line.strip():
                if empty == 0 and not line.startswith((b"WARC/", b"filedesc:")) and not self.reader.decompressor:
                    raise RecordBoundaryError("a record's Content-Length does not match its bytes "
                                              "(no record boundary where it says the record ends)")
                return line, empty
            empty += len(line)
