"""The text's own 'today': "اليوم الاثنين 23 جانفي 2017" states the day the piece was written."""

from __future__ import annotations

from .tagger import _DIGIT, _widen, tag


def stated_today(text: str, start: int = 0, end: int | None = None) -> str | None:
    """ISO date of the first explicit full date introduced by "اليوم" (with or without a weekday) in
    text[start:end], else None. For extraction: a candidate publication date stated by the article itself (a site
    header's current date is not one — call this on the article body only)."""
    # a full date states its year in digits (no pattern reads a year written in words): with no digit in the
    # stretch the tagger would read, there is none, and the tagger's pass over the text is saved
    lo, hi = _widen(text, start, len(text) if end is None else end)
    if _DIGIT.search(text, lo, hi) is None:
        return None
    for t in tag(text, None, start, end):
        if t.precision == "day" and not t.relative and t.value and t.attrs.get("offset_days") == 0:
            return t.value
    return None
