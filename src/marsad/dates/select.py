"""Which temporal expression dates an event: ``select_event_date``."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

from ..arabic import sentences
from ..model import Article, Timex
from ..settings import section
from .lexicon import fold, lexicon
from .tagger import _fold_offset, tag

BOUND_MODS = frozenset({"since", "until", "before", "after", "nominal"})
# What follows the date of a wire dateline: "طهران، 20 آب 2024 (رويترز) - ...", "الرباط 14-4-2025 - ..."
_DATELINE_TAIL = re.compile(r"\s*(?:\([^()]{1,20}\)\s*)?[-–—]")


def _dateline_date(text: str, t: Timex, lo: int) -> bool:
    """t is the date of a dateline opening its sentence: a place of at most three words, the date, an agency, a dash."""
    head = text[lo:t.start].strip(" ،,")
    return len(head.split()) <= 3 and not any(c.isdigit() for c in head) and bool(
        _DATELINE_TAIL.match(text, t.end))


def _days_before(t: Timex, ref: Timex) -> int | None:
    try:
        return (date.fromisoformat(ref.value or "") - date.fromisoformat(t.value or "")).days
    except ValueError:
        return None


def _settings() -> dict[str, Any]:
    s: dict[str, Any] = {"max_event_distance": 200, "text_reference": True, "text_reference_chars": 1500}
    s.update(section("dates"))
    return s


def sentence_bounds(article: Article, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) holding text[start:end]: article.sentences when the pipeline set them, else split here."""
    spans = article.sentences
    base = 0
    if not spans:
        text = article.text
        base = max(0, start - 2000)
        spans = sentences(text[base:min(len(text), end + 2000)])
    lo, hi = start, end
    for s, e in spans:
        s, e = s + base, e + base
        if s <= start < e or (s < end <= e):
            lo, hi = min(lo, s), max(hi, e)
    return lo, hi


def select_event_date(article: Article, ev_start: int, ev_end: int, trigger: int | None = None) -> Timex | None:
    """The temporal expression attached to the event whose evidence is article.text[ev_start:ev_end], or None.

    Looks only in the evidence's sentence. Expressions inside the evidence span win; then the nearest one to the
    trigger (an offset into article.text; after a trigger verb is preferred, as Arabic puts the time after the verb),
    within ``[dates] max_event_distance`` characters, not across a clause break when a closer one exists.
    Bounds ("منذ أكتوبر", "حتى اليوم", "قبل 30 سبتمبر") never date an event. Never falls back to the publication
    date: None means the text gives no date for this event (the events stage decides about 'اليوم'-style dating).

    A returned Timex may have value None (e.g. "أمس الاثنين" in an article without a publication date): the event is
    then undated but ``date_text`` can still be the expression's text. With no publication date and ``[dates]
    text_reference`` on, a relative expression is resolved against the text's own stated today ("اليوم الاثنين 23
    جانفي 2017"), and a year/month period also against the last explicit full date before it (see _text_reference).
    """
    st = _settings()
    lo, hi = sentence_bounds(article, ev_start, ev_end)
    if article.timexes:
        pool = [t for t in article.timexes if t.start >= lo and t.end <= hi]
    else:
        pool = tag(article.text, article.published, lo, hi)
    pool = [t for t in pool if t.attrs.get("mod") not in BOUND_MODS and not t.attrs.get("stamp")
            and not _closes_since_phrase(article.text, t, lo)]
    if not pool:
        return None
    breaks = _breaks(article.text, lo, hi)
    # A dateline's date is when the story was filed; a relative day in the same sentence ("أمس الاثنين", in the
    # week before it; "اليوم" is the dateline's own day) is when the event happened: "طهران، 20 آب 2024 (رويترز) - التقى ... أمس الاثنين".
    line = next((t for t in pool if t.precision == "day" and _dateline_date(article.text, t, lo)), None)
    if line is not None and any(t is not line and t.relative and t.precision == "day"
                                and 1 <= (_days_before(t, line) or 0) <= 7 for t in pool):
        pool = [t for t in pool if t is not line]
    counted = _counted_from(article.text, pool, trigger) if trigger is not None else None
    if counted is not None:
        # "تجددت الاحتجاجات اليوم بعد نحو أسبوعين من آخر احتجاجات": the event after من is the count before the
        # main clause's date (after it for قبل): it is dated from that date, or not at all
        return _shift_back(counted, pool)
    if trigger is not None and (rel := _relative_clause(article.text, lo, hi, trigger)) is not None:
        # "تجددت الاحتجاجات اليوم ... في المدينة التي شهدت حملة اعتقالات": the relative clause is background with
        # its own time; the other clauses' dates do not date the event inside it
        pool = [t for t in pool if t.start >= rel[0] and t.end <= rel[1]]
    best: tuple[int, float, int] | None = None
    chosen: Timex | None = None
    for t in pool:
        inside = t.start >= ev_start and t.end <= ev_end
        if not inside and t.precision == "year" and not t.relative:
            continue  # a bare year beside the event ("حدود العام 1967") describes a noun more often than the event
        if trigger is not None:
            if t.start >= trigger:
                a, b, cost = trigger, t.start, float(t.start - trigger)
            else:
                a, b, cost = t.end, trigger, (trigger - t.end) * 1.5 + 10
        elif inside:
            a, b, cost = ev_start, t.start, float(t.start - ev_start) * 0.01
        elif t.end <= ev_start:
            a, b, cost = t.end, ev_start, float(ev_start - t.end)
        else:
            a, b, cost = ev_end, t.start, float(t.start - ev_end)
        if not inside and cost > st["max_event_distance"]:
            continue
        if trigger is not None and cost > 2 * st["max_event_distance"]:
            continue  # even inside a long evidence sentence, a far expression belongs to another clause
        cost += 40 * sum(1 for p in breaks if a <= p < b)
        key = (0 if inside else 1, cost, t.start)
        if best is None or key < best:
            best, chosen = key, t
    if chosen is None:
        return None
    if chosen.value is None and article.published is None and st["text_reference"]:
        return _text_reference(article, chosen, int(st["text_reference_chars"])) or chosen
    return chosen


def _closes_since_phrase(text: str, t: Timex, lo: int) -> bool:
    """t ends a "since" phrase: منذ a few words before it in its clause ("منذ أزمة مقتل جمال خاشقجي عام 2018"),
    with no preposition or day word between (see ``[since_phrase]`` in the lexicon)."""
    lx = lexicon()
    before = fold(text[max(lo, t.start - 120):t.start])[0]
    before = _CLAUSE_END.split(before)[-1]  # the clause the date is in
    words = before.split()[-(lx.since_phrase_words + 1):]
    for k in range(len(words) - 1, -1, -1):
        w = words[k][1:] if words[k][:1] in ("و", "ف") and len(words[k]) > 3 else words[k]
        if lx.modifiers.get(words[k]) == "since" or lx.modifiers.get(w) == "since":
            return k < len(words) - 1 and not any(x in lx.since_phrase_breakers for x in words[k + 1:])
    return False


_COUNTED_FROM = re.compile(r"\s*(?:من|على|عن)\s+(?:[^\s،,.]+\s+){0,2}$")  # "بعد أسبوعين من [آخر] احتجاجات"


def _counted_from(text: str, pool: list[Timex], trigger: int) -> Timex | None:
    """The count ("بعد نحو أسبوعين", "قبل يومين") whose من-complement holds the trigger, else None."""
    for t in pool:
        if t.attrs.get("relative_to") == "event" and t.end <= trigger <= t.end + 40 \
                and _COUNTED_FROM.match(text[t.end:trigger]):
            return t
    return None


def _shift_back(count: Timex, pool: list[Timex]) -> Timex | None:
    """The date ``count`` before (بعد) or after (قبل) the main clause's day: the nearest dated day before the
    count in its sentence. Days stay days unless the count is approximate; weeks and approximate days give the
    month when the whole span of uncertainty lies in one month; months and years their month and year."""
    refs = [t for t in pool if t.end <= count.start and t.precision == "day" and t.value
            and not t.attrs.get("relative_to")]
    n, unit = count.attrs.get("count"), count.attrs.get("unit")
    if not refs or not n or unit not in ("day", "week", "month", "year"):
        return None
    ref = refs[-1]
    day = date.fromisoformat(ref.value or "")
    step = -int(count.attrs.get("sign", 1)) * int(n)
    if unit == "year":
        value, prec = f"{day.year + step:04d}", "year"
    elif unit == "month":
        y, m = day.year + (day.month - 1 + step) // 12, (day.month - 1 + step) % 12 + 1
        value, prec = f"{y:04d}-{m:02d}", "month"
    else:
        mid = day + timedelta(days=step * (7 if unit == "week" else 1))
        slack = 3 if unit == "week" or count.attrs.get("about") else 0
        lo_d, hi_d = mid - timedelta(days=slack), mid + timedelta(days=slack)
        if slack == 0:
            value, prec = mid.isoformat(), "day"
        elif (lo_d.year, lo_d.month) == (hi_d.year, hi_d.month):
            value, prec = f"{mid.year:04d}-{mid.month:02d}", "month"
        else:
            return None
    attrs = dict(count.attrs, anchor_source="event", reference=ref.text)
    return dataclasses.replace(count, value=value, precision=prec, anchor=ref.value, attrs=attrs)


_CLAUSE_END = re.compile(r"[،,؛;:.!?؟()\n]")
_IMPERFECT = re.compile(r"\s*(?:ي|ت(?!م(?!\w)))\w{2,}")  # يقوم، تزور (تم is perfect)


def _relative_clause(text: str, lo: int, hi: int, trigger: int) -> tuple[int, int] | None:
    """(start, end) of the past relative clause the trigger is in ("المدينة التي شهدت حملة من الاعتقالات"): from
    its pronoun to the next comma or stop; None when the trigger is in no such clause of its sentence. An
    imperfect verb after the pronoun ("تاياني، الذي يقوم بزيارة عمل") is what goes on at the main clause's
    time: no barrier."""
    norm, omap = fold(text[lo:hi])
    cut = _fold_offset(omap, trigger - lo)
    last = None
    for m in lexicon().relative_re.finditer(norm, 0, cut):
        last = m
    if last is None or _CLAUSE_END.search(norm, last.end(), cut) or _IMPERFECT.match(norm, last.end()):
        return None
    close = _CLAUSE_END.search(norm, cut)
    end = len(norm) if close is None else close.start()
    return (lo + (omap[last.start()] if omap is not None else last.start()),
            lo + (omap[end - 1] + 1 if omap is not None and end > 0 else end))


def _breaks(text: str, lo: int, hi: int) -> list[int]:
    """Offsets of clause breaks (؛ : and clause words such as حيث، بينما، الذي) in text[lo:hi]."""
    norm, omap = fold(text[lo:hi])
    out = []
    for m in lexicon().clause_break_re.finditer(norm):
        out.append(lo + (omap[m.start()] if omap is not None else m.start()))
    return out


def _text_reference(article: Article, t: Timex, window: int) -> Timex | None:
    """Resolve an unanchored relative expression against what the text itself says 'now' is.

    1. The article states its own today ("اليوم الاثنين 23 جانفي 2017"): any relative expression resolves against it
       (``anchor_source = "stated_today"``).
    2. Otherwise a year/month period ("العام المقبل") or a year-less date ("19 مارس الماضي": only its year is
       missing) resolves against the latest explicit full date before it within ``window`` characters, the
       narrative's 'now' (``anchor_source = "text"``). Day words are left alone there: "أمس" after "بتاريخ
       2024/5/14" need not be the day before that date.
    """
    if article.timexes:
        pool = article.timexes
    else:
        pool = tag(article.text, None)
    today = next((r for r in pool if r.attrs.get("offset_days") == 0 and not r.relative and r.precision == "day"
                  and r.value and not r.attrs.get("stamp")), None)
    if today is not None:
        ref, source = today, "stated_today"
    else:
        yearless = t.attrs.get("month") is not None and t.attrs.get("day") is not None  # "19 مارس الماضي"
        if not yearless and (t.attrs.get("kind") not in ("period", "partper")
                             or t.attrs.get("period") not in ("year", "month")):
            return None
        lo = max(0, t.start - window)
        refs = [r for r in pool if lo <= r.start and r.end <= t.start and not r.relative and r.precision == "day"
                and r.value and r.attrs.get("mod") not in BOUND_MODS and not r.attrs.get("stamp")]
        if not refs:
            return None
        ref, source = refs[-1], "text"
    again = [x for x in tag(article.text, ref.value, t.start, t.end) if x.start == t.start and x.end == t.end]
    if not again or again[0].value is None:
        return None
    attrs = dict(again[0].attrs, anchor_source=source, reference=ref.text)
    return dataclasses.replace(again[0], attrs=attrs)
