"""Storage: SQLite (FTS5) is the embedded default."""

from .sqlite import NotADatabase, Store, check_database, event_record

__all__ = ["NotADatabase", "Store", "check_database", "event_record"]
