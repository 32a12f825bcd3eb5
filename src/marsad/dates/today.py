"""The text's own 'today': "اليوم الاثنين 23 جانفي 2017" states the day the piece was written."""

from __future__ import annotations

from .tagger import tag


def stated_today(text: str, start: int = 0, end: int | None = None) -> str | None:
    """ISO date of the first explicit full date introduced by "اليوم" (with or without a weekday) in
    text[start:end], else None. For extraction: a candidate publication date stated by the article itself (a site
    header's current date is not one — call this on the article body only)."""
    for t in tag(text, None, start, end):
        if t.precision == "day" and not t.relative and t.value and t.attrs.get("offset_days") == 0:
            return t.value
    return None
