"""Load the settings file (heuristics as data) and merge a user's overrides over it."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any


def data_path(*parts: str) -> Path:
    """Path of a file shipped in marsad/data (lexicons, knowledge base, models)."""
    return Path(str(resources.files("marsad").joinpath("data", *parts)))


@lru_cache(maxsize=8)
def load_settings(user_file: str | None = None) -> dict[str, Any]:
    with open(data_path("settings.toml"), "rb") as f:
        settings = tomllib.load(f)
    user_file = user_file or os.environ.get("MARSAD_SETTINGS")
    if user_file:
        with open(user_file, "rb") as f:
            for section, values in tomllib.load(f).items():
                if isinstance(values, dict):
                    settings.setdefault(section, {}).update(values)
                else:
                    settings[section] = values
    return settings


def section(name: str, user_file: str | None = None) -> dict[str, Any]:
    return dict(load_settings(user_file).get(name, {}))


def min_confidence() -> float:
    """The display threshold every view applies by default ([events] min_confidence)."""
    return float(section("events").get("min_confidence", 0.5))
