"""Normalisation for matching and search only; stored text keeps its original form.

``normalize_with_map`` also returns, for each normalised character, its offset in the original text, so matchers
can work on the normalised form and still report offsets into the stored text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LETTERS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ک": "ك", "گ": "ك",
})
_BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def strip_diacritics(s: str) -> str:
    return _DIACRITICS.sub("", s).replace(_TATWEEL, "")


def fold_digits(s: str) -> str:
    """Arabic-Indic and Persian digits to ASCII."""
    return s.translate(_DIGITS)


def normalize(s: str | None) -> str:
    """Fold presentation forms, diacritics, tatweel, alef/hamza forms, alef maqsura, ta marbuta and digits.

    The result is for comparison and indexing: 'الرئيسُ الأسدُ' and 'الرئيس الاسد' normalise alike.
    """
    if not s:
        return ""
    if len(s) <= 40:  # words and names are normalised again and again: memoised (bounded)
        return _normalize_short(s)
    return _normalize(s)


@lru_cache(maxsize=200_000)
def _normalize_short(s: str) -> str:
    return _normalize(s)


def _normalize(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)  # presentation forms (ﻻ, ﺍ ...) to base letters
    s = _BIDI.sub("", s)
    s = strip_diacritics(s)
    s = s.translate(_LETTERS).translate(_DIGITS)
    return s.lower()


def normalize_with_map(s: str) -> tuple[str, list[int]]:
    """``normalize`` plus, for each output character, the offset of the input character it came from.

    Lets matchers work on the normalised form and report offsets into the original text.
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(s):
        n = normalize(ch)
        for c in n:
            out.append(c)
            where.append(i)
    return "".join(out), where


# Proclitic sequences stripped for search, longest first; a stem keeps at least three letters.
_PROCLITICS = ("وبال", "وكال", "فبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل")


@lru_cache(maxsize=100_000)
def light_stem(token: str) -> str:
    """Strip the article and one-letter proclitics from a normalised token (search recall, not morphology)."""
    for p in _PROCLITICS:
        if token.startswith(p) and len(token) - len(p) >= 3:
            return token[len(p):]
    return token


def search_terms(text: str, normalized: bool = False) -> str:
    """Normalised, light-stemmed words of ``text``, for the search index and for queries."""
    return " ".join(light_stem(w) for w in (text if normalized else normalize(text)).split())
