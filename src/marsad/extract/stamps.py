"""Publication stamps: find a calendar date in a short string (numeric, MSA, Levantine, Maghrebi, Latin months,
Arabic-Indic digits). Deliberately small: relative and Hijri dates belong to marsad.dates, not to page stamps."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from ..arabic import normalize
from .lexicon import lexicon

_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)(\s*(?:am|pm|ص|م|صباحا|مساء|مساءا)(?!\w))?", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_YEAR = re.compile(r"\d{4}")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    lx = lexicon()
    m = lx.month_re
    sep = r"\s*[-/.]\s*"
    return [
        (re.compile(rf"(?<!\d)(\d{{4}}){sep}(\d{{1,2}}){sep}(\d{{1,2}})(?!\d)"), "ymd"),
        (re.compile(rf"(?<!\d)(\d{{1,2}}){sep}(\d{{1,2}}){sep}(\d{{4}})(?!\d)"), "dmy"),
        # "1 مارس 2019", "01-Mar-2019" (a stamp's dashed form)
        (re.compile(rf"(?<![\w\d])(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*|-)(?:من\s+)?({m})(?:\s*[/(\-]\s*(?:{m})\s*\)?)?(?:\s*[,،]?\s*|-)(\d{{4}})(?!\d)",
                    re.I), "dMy"),
        (re.compile(rf"(?<!\w)({m})(?:\s*[/(]\s*(?:{m})\s*\)?)?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*[,،]?\s*(\d{{4}})(?!\d)",
                    re.I), "Mdy"),
    ]


def find_date(text: str, normalized: bool = False) -> tuple[str, int, int] | None:
    """First valid calendar date in ``text``: (YYYY-MM-DD, start, end); offsets into the normalised text."""
    s = text if normalized else normalize(text)
    if _YEAR.search(s) is None:
        return None  # every pattern, the Hijri one too, holds a four-digit year: most lines have none
    lx = lexicon()
    lo, hi = int(lx.cfg["min_year"]), int(lx.cfg["max_year"])
    best: tuple[str, int, int] | None = None
    for rx, kind in _patterns():
        for mt in rx.finditer(s):
            a, b, c = mt.group(1), mt.group(2), mt.group(3)
            try:
                if kind == "ymd":
                    y, mo, d = int(a), int(b), int(c)
                elif kind == "dmy":
                    d, mo, y = int(a), int(b), int(c)
                    if mo > 12 and d <= 12:
                        d, mo = mo, d
                elif kind == "dMy":
                    d, mo, y = int(a), lx.months[b.lower()], int(c)
                else:
                    mo, d, y = lx.months[a.lower()], int(b), int(c)
                if not lo <= y <= hi:
                    continue
                iso = dt.date(y, mo, d).isoformat()
            except (ValueError, KeyError):
                continue
            if best is None or mt.start() < best[1]:
                best = (iso, mt.start(), mt.end())
            break
    return best or _hijri_date(s, lo, hi)


_HIJRI_YEAR = re.compile(r"(?<!\d)1[34]\d\d(?!\d)")


def _hijri_date(s: str, lo: int, hi: int) -> tuple[str, int, int] | None:
    """A Hijri day ("15 رمضان 1444 هـ", the Saudi and Gulf agencies' stamp) as its Gregorian date."""
    if not _HIJRI_YEAR.search(s):
        return None  # no year 1300-1499: skip the date tagger on most lines
    from ..dates import tag

    for t in tag(s, None):
        if t.attrs.get("kind") == "hijri" and t.precision == "day" and t.value and lo <= int(t.value[:4]) <= hi:
            return t.value, t.start, t.end
    return None


def has_time(text: str) -> bool:
    return bool(_TIME.search(normalize(text)))


_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")


_SEGMENT = re.compile(r"[|•·]")  # a stamp line's fields: "الأحد 05-11-2023 05:05 | كتب: محمد عبد الخالق |"


def _is_byline(segment: str, lx: Any) -> bool:
    """A field that names the author ("كتب: محمد عبد الخالق مساهل"): part of the stamp, not residue."""
    seg = segment.strip()
    return bool(seg) and lx.byline.match(seg) is not None and len(_WORD.findall(seg)) <= lx.byline_max_words


def stamp_date(line: str, normalized: str | None = None) -> tuple[str, str] | None:
    """(date, residue) when ``line`` is a stamp: a short line that is mostly a date, time and stamp words."""
    lx = lexicon()
    if len(line) > int(lx.cfg["stamp_max_chars"]) or not _DIGIT.search(line):
        return None
    s = normalized if normalized is not None else normalize(line)
    found = find_date(s, normalized=True)
    if not found:
        return None
    iso, a, b = found
    rest = s[:a] + " " + s[b:]
    rest = _TIME.sub(" ", rest)
    rest = re.sub(rf"(?<!\w)(?:{lx.weekday_re})(?!\w)", " ", rest, flags=re.I)
    rest = lx.stamp_words_re.sub(" ", rest)
    words = [w for seg in _SEGMENT.split(rest) if not _is_byline(seg, lx) for w in _WORD.findall(seg)]
    if len(words) > int(lx.cfg["stamp_max_residue_words"]):
        return None
    return iso, " ".join(words)
