"""Ingest: files, folders, WARC and JSONL → Page (or Failure, reported and skipped)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Failure, Page
from ..pipeline import Step
from .encoding import DecodeError, decode_bytes
from .readers import Reader, kind_of, read_bytes, read_paths


class ReadStep(Step):
    """Input: path strings (files or folders). Output: Page. Unreadable inputs are recorded with ``self.fail``."""

    name = "read"
    provides = ("page",)

    def __init__(self, max_bytes: int | None = None) -> None:
        super().__init__()
        self.max_bytes = max_bytes

    def run(self, items: Iterable[str]) -> Iterator[Page]:
        reader = Reader(self.max_bytes)
        for path in items:
            before = reader.counts.copy()
            for x in reader.read([path]):
                if isinstance(x, Failure):
                    self.fail(x.source_path, x.reason, x.record)
                else:
                    self.count("pages")
                    yield x
            for k, v in (reader.counts - before).items():
                self.count(k, v)


__all__ = ["DecodeError", "ReadStep", "Reader", "decode_bytes", "kind_of", "read_bytes", "read_paths"]
