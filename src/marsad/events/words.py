"""Word classes of the event coder, read from data/events/words.yaml (no Arabic word lists in the coder's Python)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from ..settings import data_path


@lru_cache(maxsize=1)
def _classes() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(data_path("events", "words.yaml").read_text(encoding="utf-8")) or {}
    return {k: tuple(str(w) for w in v) for k, v in raw.items()}


def word_set(name: str) -> frozenset[str]:
    return frozenset(_classes()[name])


def word_tuple(name: str) -> tuple[str, ...]:
    """A class whose order matters (prefix tests try the forms in file order)."""
    return _classes()[name]
