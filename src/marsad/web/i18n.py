"""The UI's two languages: Arabic (default, right to left) and English. Labels live in data/web/labels.yaml;
the language comes from ``?lang=`` (and is then remembered in a cookie) or the cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import yaml
from fastapi import Request

from ..settings import data_path

LANGS = ("ar", "en")
COOKIE = "marsad_lang"


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    with open(data_path("web", "labels.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def request_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(COOKIE) or "ar"
    return lang if lang in LANGS else "ar"


def translator(lang: str) -> Callable[[str], str]:
    table = labels()

    def t(key: str) -> str:
        return table.get(key, {}).get(lang) or key

    return t


def direction(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"
