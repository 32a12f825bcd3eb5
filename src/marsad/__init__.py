"""marsad: Arabic news pages in, PLOVER political events out. ``marsad.open(path)`` reads a database from Python."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pathlib import Path

    from .api import Database


def open(path: str | Path) -> Database:  # noqa: A001 - marsad.open(...) mirrors sqlite3.connect / h5py.File
    """Open an existing marsad database for reading: ``.events(**filters)``, ``.stories()``, ``.articles()``,
    ``.search(q)``, ``.events_frame()``; see marsad.api.Database."""
    from .api import Database  # imported here: worker processes import marsad without needing the store

    return Database(path)


__all__ = ["__version__", "open"]
