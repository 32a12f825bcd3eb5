"""Storage: SQLite (FTS5) is the embedded default."""

from .sqlite import Store, event_record

__all__ = ["Store", "event_record"]
