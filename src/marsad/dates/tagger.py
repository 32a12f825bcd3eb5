"""Temporal tagger and resolver for Arabic news: ``tag(text, anchor)`` → list of Timex.

How expressions resolve (the anchor is the article's publication date):

* explicit dates ("16 ديسمبر 2016", "22 - 11 - 2017", "2024/5/14", ISO, "15 رمضان 1445 هـ") are absolute: no anchor.
* year-less dates ("الجمعة 16 ديسمبر") take the year that puts them nearest the anchor, looking back in a past
  clause and forward in a future one; a stated weekday that fits only one candidate year picks that year.
* day words (اليوم، أمس، أول أمس، غدا، بعد غد) are anchor ± days; with a weekday ("أمس الاثنين") the weekday must
  agree — when it does not, the weekday wins within ±3 days (papers date pieces a day after writing) and
  ``attrs["warning"] = "weekday_mismatch"`` keeps the disagreement visible.
* a bare weekday is the most recent one on or before the anchor, or the next one on or after it in a future or
  present-tense clause (سـ/سوف/من المقرر/المقبل, clause-initial يفعل); "الماضي"/"المقبل" make it strictly before/after.
* "ليلة الأربعاء" is the night *before* Wednesday: Tuesday's date, with Wednesday in ``attrs["alt"]``.
* "الشهر الماضي", "أوائل ديسمبر المقبل" → month precision; "العام المقبل", "عام 2011" → year precision.
* weeks ("الأسبوع الماضي") → the month when every plausible week (Saturday-, Sunday- or Monday-based) lies inside
  one month, else value None with precision "none"; plural periods ("الأسابيع المقبلة") → None/"none".
* without an anchor every relative expression has value None and precision "none", with what is known kept in
  attrs (``{"weekday": 0, "offset_days": -1}``) — never today's date or a crawl date.

A date right after منذ/حتى/قبل/بعد is a bound, not the time of an event: ``attrs["mod"]`` says which.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from typing import Any

from ..model import Timex
from ..settings import section
from .lexicon import _DELETED_SET, Lexicon, fold, fold_word, lexicon

_PREV_WORD = re.compile(r"(\w+)\W{0,3}$")
_NEXT_WORD = re.compile(r"\W{0,3}(\w+)")
_CLITICS = ("وب", "وف", "فب", "ول", "و", "ف", "ب", "ل")
_DAY_FAMILIES = frozenset({"dmy", "mdy", "ordm", "hijri", "iso", "ymd", "dmyn", "dcur", "range"})
_ABSOLUTE = frozenset({"dmy", "mdy", "ordm", "hijri", "iso", "ymd", "dmyn", "range", "month", "year", "ybare"})
_NOMINAL_OK = _ABSOLUTE  # families a preceding noun can turn into part of a name ("حدود 4 يونيو 1967")
_STAMP_OK = frozenset({"dmy", "mdy", "iso", "ymd", "dmyn"})  # what page stamps look like
_NEEDS_DIGIT = frozenset({"dmy", "mdy", "hijri", "iso", "ymd", "dmyn", "range", "year", "ybare"})
_ADJ_FUTURE = frozenset({"المقبل", "المقبله", "القادم", "القادمه"})  # adjectives: weaker than verbs as tense cues
_DIGIT = re.compile(r"\d")
_BC_AFTER = re.compile(r"\s*(?:ق\s*\.?\s*م(?!\w)|قبل\s+الميلاد)")  # "عام 2000 ق.م." is not a modern year
_CLOCK_AFTER = re.compile(r"\s*[-–,،]?\s*(?:الساعه\s*)?\d{1,2}:\d{2}")


def _settings() -> dict[str, Any]:
    s = {"context_chars": 300, "cue_max_cost": 120, "yearless_slack_days": 7, "weekday_fix_days": 3}
    s.update(section("dates"))
    return s


_SET = _settings()


# ----------------------------------------------------------------------------------------------------------------
# small date helpers (public: the events stage may use them)

def parse_anchor(anchor: str | date | datetime | None) -> date | None:
    """ISO date/datetime text, a date or a datetime → date; anything unparseable → None (never 'today')."""
    if anchor is None:
        return None
    if isinstance(anchor, datetime):
        return anchor.date()
    if isinstance(anchor, date):
        return anchor
    try:
        return date.fromisoformat(str(anchor).strip()[:10])
    except ValueError:
        return None


def weekday_of(value: str | date | None) -> int | None:
    """Weekday (0 = Monday) of a day-precision ISO value, else None."""
    if isinstance(value, date):
        return value.weekday()
    if not value or len(value) != 10:
        return None
    d = parse_anchor(value)
    return d.weekday() if d else None


def weekday_date(anchor: date, weekday: int, mode: str = "on_or_before") -> date:
    """The date of ``weekday`` relative to ``anchor``: on_or_before | on_or_after | before | after."""
    back = (anchor.weekday() - weekday) % 7
    fwd = (weekday - anchor.weekday()) % 7
    if mode == "on_or_before":
        return anchor - timedelta(days=back)
    if mode == "before":
        return anchor - timedelta(days=back or 7)
    if mode == "on_or_after":
        return anchor + timedelta(days=fwd)
    if mode == "after":
        return anchor + timedelta(days=fwd or 7)
    raise ValueError(mode)


def nearest_weekday(day: date, weekday: int, window: int = 3) -> date | None:
    """The date with ``weekday`` nearest to ``day`` (ties go back), if within ``window`` days."""
    delta = (weekday - day.weekday()) % 7
    if delta > 3:
        delta -= 7
    return day + timedelta(days=delta) if abs(delta) <= window else None


def shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _pick(cands: list[date], anchor: date, direction: str | None, slack: int) -> date | None:
    """Choose among candidate dates: past → latest not after the anchor (+slack), future → earliest not before it
    (-slack), unknown → nearest (ties go to the past)."""
    if not cands:
        return None
    if direction == "past":
        ok = [c for c in cands if c <= anchor + timedelta(days=slack)]
        return max(ok) if ok else min(cands)
    if direction == "future":
        ok = [c for c in cands if c >= anchor - timedelta(days=slack)]
        return min(ok) if ok else max(cands)
    return min(cands, key=lambda c: (abs((c - anchor).days), c > anchor))


# ----------------------------------------------------------------------------------------------------------------
# clause cues: direction of bare weekdays and year-less dates

class _Context:
    """The folded window around the tagged span, cut into sentences; cues are found lazily per sentence."""

    def __init__(self, norm: str, lex: Lexicon) -> None:
        self.norm = norm
        self.lex = lex
        self.chunks = _chunks(norm)
        self._starts = [c[0] for c in self.chunks]
        self._cues: dict[int, tuple[list[tuple[int, int, str, str]], list[tuple[int, int]]]] = {}

    def _sentence(self, s: int) -> tuple[list[tuple[int, int, str, str]], list[tuple[int, int]]]:
        i = max(0, bisect_right(self._starts, s) - 1)
        got = self._cues.get(i)
        if got is None:
            lo, hi = self.chunks[i]
            # from the stop before the sentence, so a sentence-initial verb counts as clause-initial
            cues = find_cues(self.norm, self.lex, max(0, lo - 1), hi)
            breaks = [(m.start(), m.end()) for m in self.lex.clause_break_re.finditer(self.norm, lo, hi)]
            got = self._cues[i] = (cues, breaks)
        return got

    def direction(self, s: int, e: int) -> str | None:
        """past | future | None from the nearest tense cue in the same sentence (verbs usually come first)."""
        best: tuple[float, str] | None = None
        cues, breaks = self._sentence(s)
        for cs, ce, kind, word in cues:
            if cs < e and ce > s:
                continue  # inside the expression itself
            d = _direction_of(kind, word)
            if d is None:
                continue
            if ce <= s:
                lo, hi, cost = ce, s, float(s - ce)
            elif kind == "present":
                continue  # a clause-initial verb only governs what follows it
            else:
                lo, hi, cost = e, cs, (cs - e) * 1.5 + 8
            if word in _ADJ_FUTURE:
                cost += 30
            if cost > _SET["cue_max_cost"]:
                continue
            cost += 60 * sum(1 for bs, be in breaks if lo <= bs and be <= hi)
            cost += 10 * (self.norm.count("،", lo, hi) + self.norm.count(",", lo, hi))
            if cost <= _SET["cue_max_cost"] and (best is None or cost < best[0]):
                best = (cost, d)
        return best[1] if best else None


def _direction_of(kind: str, word: str) -> str | None:
    if kind in ("future", "sa", "present"):
        return "future"
    if kind in ("past", "pastv", "historical"):
        return "past"
    if kind == "negation":
        w = word.split()[0] if word else ""
        return "future" if w.endswith("لن") else "past" if w.endswith("لم") else None
    return None


def find_cues(norm: str, lex: Lexicon, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, folded word) for every tense/status cue in norm[lo:hi]."""
    out: list[tuple[int, int, str, str]] = []
    hi = len(norm) if hi is None else hi
    for m in lex.cue_re.finditer(norm, lo, hi):
        kind = m.lastgroup
        if kind is None or kind == "negnot":
            continue
        if kind == "histgap":  # كان الرئيسان قد ...
            kind = "historical"
            s, e = m.span("histgap")
            out.append((s, e, kind, m.group("histgap")))
            continue
        s, e = m.span(kind)
        w = m.group(kind)
        if kind == "sa" and (w in lex.sa_stop_words or w.startswith(lex.sa_stop_prefixes)):
            continue
        if kind == "present" and (w in lex.present_stop or any(w.startswith(p) for p in ("يوم", "يون", "يول"))):
            continue
        out.append((s, e, kind, w))
    return out


# ----------------------------------------------------------------------------------------------------------------
# the tagger

def _word_before(norm: str, s: int) -> str:
    m = _PREV_WORD.search(norm, max(0, s - 24), s)
    return m.group(1) if m else ""


def _word_after(norm: str, e: int) -> str:
    m = _NEXT_WORD.match(norm, e, min(len(norm), e + 24))
    return m.group(1) if m else ""


def _strip_clitics(w: str, words: frozenset[str]) -> bool:
    """Is ``w`` (possibly with و/ف/ب/ل attached) one of ``words``?"""
    if w in words:
        return True
    return any(w.startswith(c) and w[len(c):] in words for c in _CLITICS)


def _core_start(m: re.Match[str]) -> int:
    """Start of the expression without its proclitics (the first named group that matched)."""
    starts = [m.start(g) for g, v in m.groupdict().items() if v is not None]
    return min(starts) if starts else m.start()


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """A window around [start, end) reaching back/forward to sentence ends, for context cues."""
    n = _SET["context_chars"]
    lo = max(0, start - n)
    cut = max(text.rfind(c, lo, start) for c in ".!?؟\n")
    lo = cut + 1 if cut >= 0 else lo
    hi = min(len(text), end + n)
    found = [i for i in (text.find(c, end, hi) for c in ".!?؟\n") if i >= 0]
    hi = min(found) + 1 if found else hi
    return lo, hi


def tag(text: str, anchor: str | date | None, start: int = 0, end: int | None = None) -> list[Timex]:
    """Temporal expressions in text[start:end], resolved against ``anchor``; offsets are into ``text``.

    ``anchor`` is the publication date (ISO text or date); None leaves relative expressions unresolved.
    """
    end = len(text) if end is None else end
    if end <= start:
        return []
    lex = lexicon()
    a = parse_anchor(anchor)
    lo, hi = _widen(text, start, end)
    norm, omap = fold(text[lo:hi])
    ctx = _Context(norm, lex)

    cands: list[tuple[int, int, int, str, re.Match[str], dict[str, str | None]]] = []
    n0, n1 = _fold_offset(omap, start - lo), _fold_offset(omap, end - lo)
    for clo, chi in ctx.chunks:
        if chi <= n0 or clo >= n1:
            continue
        # per sentence, run only the families whose key words occur (and numeric ones only with digits)
        has_digit = _DIGIT.search(norm, clo, chi) is not None
        words = _words(norm[clo:chi])
        for prio, (fam, pat) in enumerate(lex.patterns):
            if fam in _NEEDS_DIGIT and not has_digit:
                continue
            gate = lex.gates.get(fam)
            if gate is not None and gate.isdisjoint(words):
                continue
            for m in pat.finditer(norm, clo, chi):
                got = _accept(fam, m, norm, lex)
                if got is not None:
                    cands.append((got[0], m.end(), prio, fam, m, got[1]))
    if not cands:
        return []
    # longest expression wins an overlap; then the earlier one; then the family order above
    cands.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    taken: list[tuple[int, int, int, str, re.Match[str], dict[str, str | None]]] = []
    for c in cands:
        if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
            taken.append(c)
    taken.sort(key=lambda c: c[0])

    out: list[Timex] = []
    for s, e, _prio, fam, m, extra in taken:
        os_ = lo + (omap[s] if omap is not None else s)
        oe = lo + (omap[e - 1] + 1 if omap is not None else e)
        while oe < hi and text[oe] in _DELETED_SET:  # keep trailing diacritics with their word
            oe += 1
        if oe < hi and text[oe] in ")]" and text.count("(", os_, oe) + text.count("[", os_, oe) > \
                text.count(")", os_, oe) + text.count("]", os_, oe):
            oe += 1  # "اليوم الإثنين (19 ديسمبر 2016)": the bracket the day word opened closes the expression
        if os_ < start or oe > end:
            continue
        if fam in _ABSOLUTE and _BC_AFTER.match(norm, e):
            continue
        res = _resolve(fam, m, extra, a, ctx, s, e, lex)
        if res is None:
            continue
        value, precision, relative, attrs = res
        prev = _word_before(norm, s)
        mod = lex.modifiers.get(prev) or (lex.modifiers.get(prev[1:]) if prev[:1] in ("و", "ف") else None)
        if mod in ("before", "after") and attrs.get("daypart") and precision == "day":
            mod = None  # "بعد عصر اليوم", "قبل ظهر الثلاثاء": a part of one day bounds nothing beyond that day
        if mod and fam != "ago" and (mod != "nominal" or fam in _NOMINAL_OK):
            attrs["mod"] = mod
        if fam in _STAMP_OK and (fam == "mdy" or ":" in m.group() or _CLOCK_AFTER.match(norm, e)
                                 or _stamp_before(norm, s, lex)):
            attrs["stamp"] = True  # "نشر في ... يوم 22 - 11 - 2017", "16 أغسطس 2025 04:12": when published
        out.append(Timex(start=os_, end=oe, text=text[os_:oe], value=value, precision=precision,
                         anchor=a.isoformat() if (relative and a is not None) else None,
                         relative=relative, attrs=attrs))
    return out


def _stamp_before(norm: str, s: int, lex: Lexicon) -> bool:
    """A stamp word ("نشر في ...") right before s, itself at a line start or after punctuation or a run of spaces."""
    m = lex.stamp_before_re.search(norm, max(0, s - 40), s)
    if m is None:
        return False
    i = m.start()
    return i == 0 or norm[i - 1] in "\n|•·:-–" or norm[max(0, i - 2):i] == "  "


_CHUNK_END = re.compile(r"[.!?؟](?=\s|$)|\n")  # a dot inside "14.5.2024" or "ق.م" does not end a sentence


def _chunks(norm: str) -> list[tuple[int, int]]:
    """Sentence-like pieces of the folded text, as (start, end); no expression crosses their ends."""
    out = []
    pos = 0
    for m in _CHUNK_END.finditer(norm):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(norm):
        out.append((pos, len(norm)))
    return out or [(0, len(norm))]


def _fold_offset(omap: list[int] | None, i: int) -> int:
    """Folded offset of original offset i (within the window)."""
    return i if omap is None else bisect_left(omap, i)


_TOKEN = re.compile(r"[^\W\d_]+")


def _words(norm: str) -> set[str]:
    """Letter runs of the folded text, with and without proclitics (وأمس → امس, بالأمس → الامس, لعام → عام)."""
    out = set()
    for w in _TOKEN.findall(norm):
        out.add(w)
        if len(w) > 3 and w[0] in "وفبل":
            out.add(w[1:])
            if w[1] in "بل":
                out.add(w[2:])
    return out


def _accept(fam: str, m: re.Match[str], norm: str, lex: Lexicon) -> tuple[int, dict[str, str | None]] | None:
    """Context checks that the regexes cannot express; returns the start (possibly widened) and extra groups."""
    s = _core_start(m)
    g = m.groupdict()
    extra: dict[str, str | None] = {}
    if fam in _DAY_FAMILIES and not (fam == "hijri" and g.get("d") is None):
        lc = lex.left_context.search(norm, max(0, s - 60), s)
        if lc:
            s = lc.start()
            extra = {"wd": lc.group("wd"), "rel": lc.group("rel") or lc.group("rel2"), "dp": lc.group("dp")}
    if fam == "month":
        if not (g.get("y") or g.get("dir") or g.get("part") or g.get("sh")):
            if not _strip_clitics(_word_before(norm, s), lex.month_prefixes):
                return None
    elif fam == "ybare":
        if not _strip_clitics(_word_before(norm, s), lex.year_prefixes):
            return None
    elif fam == "hijri":
        if g.get("d") is None and g.get("y") is None and g.get("y3") is None:
            return None
        if (fold_word(g["hm"]) in lex.hijri_ambiguous  # type: ignore[arg-type]
                and g.get("y") is None and g.get("y3") is None and g.get("min") is None):
            return None
        if g.get("y") is not None:
            y = int(g["y"])
            ys = fold_word(g["ys"]) if g.get("ys") else None
            if ys in lex.greg_suffix or not (1300 <= y <= 1600 or ys in lex.hijri_suffix):
                return None
    elif fam == "rel":
        rel = fold_word(g["rel"])
        if g.get("wd") is None and _word_after(norm, m.end()) in lex.rel_not_before:
            return None
        if rel == "اليوم":
            if _strip_clitics(_word_before(norm, s), lex.today_not_after):
                return None
            if g.get("wd") is None and _word_after(norm, m.end()) in lex.today_not_before:
                return None
    elif fam in ("ordm", "dcur") and g.get("ord"):
        if _strip_clitics(_word_before(norm, s), lex.ordinal_not_after):
            return None
    elif fam == "partper":
        nxt = _word_after(norm, m.end())
        if nxt.startswith("ال") or nxt in ("نفسه", "ذاته", "نفسها", "ذاتها"):
            return None  # "نهاية الشهر نفسه", "بداية الشهر الهجري": not the current month
    elif fam == "period":
        per = g.get("per") or g.get("per2") or ""
        if fold_word(per) == "العام" and g.get("part") is None and g.get("this") is None \
                and _word_before(norm, s) in lex.general_after:
            return None
    elif fam == "wd":
        if _word_before(norm, s) in lex.weekday_not_after or _word_after(norm, m.end()) in lex.weekday_not_before:
            return None
    return s, extra


def _months_of(g: dict[str, str | None], lex: Lexicon) -> tuple[int, list[int]]:
    names = [g.get(k) for k in ("m1", "m0", "m2")]
    nums = [lex.month[fold_word(n)] for n in names if n]
    return nums[0], nums


def _year_of(g: dict[str, str | None], lex: Lexicon) -> tuple[int | None, bool]:
    """(year, is_hijri) from the y/ys groups."""
    if not g.get("y"):
        return None, False
    y = int(g["y"])  # type: ignore[arg-type]
    ys = fold_word(g["ys"]) if g.get("ys") else None
    hijri = ys in lex.hijri_suffix  # a bare 1445 is read as Gregorian: Hijri years are written with هـ
    return y, hijri


def _resolve(fam: str, m: re.Match[str], extra: dict[str, str | None], a: date | None, ctx: _Context,
             s: int, e: int, lex: Lexicon) -> tuple[str | None, str, bool, dict[str, Any]] | None:
    g = m.groupdict()
    attrs: dict[str, Any] = {"kind": fam}
    slack = int(_SET["yearless_slack_days"])
    dp = g.get("dp") or extra.get("dp")
    if dp:
        attrs["daypart"] = fold_word(dp)
    wd_word = g.get("wd") if fam in ("rel", "wd") else extra.get("wd")
    wd = lex.weekday[fold_word(wd_word)] if wd_word else None
    if wd is not None:
        attrs["weekday"] = wd
    rel_word = g.get("rel") if fam == "rel" else extra.get("rel")
    rel_off = lex.rel_day[fold_word(rel_word)] if rel_word else None
    if rel_off is not None:
        attrs["offset_days"] = rel_off
    dir_word = g.get("dir") or g.get("dir2")
    direction = lex.direction.get(fold_word(dir_word)) if dir_word else None
    if direction:
        attrs["direction"] = direction
    part = g.get("part")
    if part:
        attrs["part"] = lex.part[fold_word(part)]

    if fam == "range":
        attrs["range_end_day"] = int(g["d"])  # type: ignore[arg-type]
    if fam in ("dmy", "mdy", "ordm", "iso", "ymd", "dmyn", "range"):
        if fam in ("iso", "ymd", "dmyn"):
            d, mo, y = int(g["d"]), int(g["m"]), int(g["y"])  # type: ignore[arg-type]
            if fam == "dmyn" and mo > 12 and d <= 12:  # month/day order (rare in Arabic): swap
                d, mo = mo, d
                attrs["swapped"] = True
            hijri = False
        else:
            d = (lex.ordinal[fold_word(g["ord"])] if fam == "ordm"  # type: ignore[arg-type]
                 else int(g["d1"] if fam == "range" else g["d"]))  # type: ignore[arg-type]
            mo, nums = _months_of(g, lex)
            if len(set(nums)) > 1:
                attrs["warning"] = "month_conflict"
            y, hijri = _year_of(g, lex)
        if not 1 <= d <= 31 or not 1 <= mo <= 12:
            return None
        if y is not None:
            if hijri:
                return None  # a Gregorian month with a Hijri year is not a date we can trust
            v = _valid(y, mo, d)
            if v is None:
                return None
            _check_day(v, wd, rel_off, a, attrs)
            return v.isoformat(), "day", False, attrs
        attrs.update(month=mo, day=d)
        yoff = _year_offset(g, lex)
        if yoff is not None:
            attrs["year_offset"] = yoff
            if a is None:
                return None, "none", True, attrs
            v = _valid(a.year + yoff, mo, d)
            if v is None:
                return None
            _check_day(v, wd, rel_off, a, attrs)
            return v.isoformat(), "day", True, attrs
        if a is None:
            return None, "none", True, attrs
        years = (a.year - 1, a.year, a.year + 1)
        cands = [c for c in (_valid(yy, mo, d) for yy in years) if c is not None]
        if direction == "current":
            v = _valid(a.year, mo, d)
        elif direction in ("past", "future"):
            v = _pick(cands, a, direction, 0)
        else:
            fits = [c for c in cands if wd is not None and c.weekday() == wd]
            if len(fits) == 1:
                v = fits[0]  # the stated weekday settles the year
            else:
                v = _pick(cands, a, ctx.direction(s, e), slack)
        if v is None:
            return None, "none", True, attrs
        _check_day(v, wd, rel_off, a, attrs)
        return v.isoformat(), "day", True, attrs

    if fam == "hijri":
        return _resolve_hijri(g, a, ctx, s, e, lex, attrs, wd)

    if fam == "dcur":
        d = lex.ordinal[fold_word(g["ord"])] if g.get("ord") else int(g["d"])  # type: ignore[arg-type]
        off = {"past": -1, "future": 1}.get(direction or "", 0)
        attrs.update(day=d, month_offset=off)
        if a is None:
            return None, "none", True, attrs
        y, mo = shift_month(a.year, a.month, off)
        v = _valid(y, mo, d)
        if v is None:
            return None
        _check_day(v, wd, rel_off, a, attrs)
        return v.isoformat(), "day", True, attrs

    if fam == "month":
        mo, nums = _months_of(g, lex)
        if len(set(nums)) > 1:
            attrs["warning"] = "month_conflict"
        y, hijri = _year_of(g, lex)
        if y is not None:
            if hijri:
                return None
            return f"{y:04d}-{mo:02d}", "month", False, attrs
        attrs["month"] = mo
        yoff = _year_offset(g, lex)
        if yoff is not None:
            attrs["year_offset"] = yoff
            if a is None:
                return None, "none", True, attrs
            return f"{a.year + yoff:04d}-{mo:02d}", "month", True, attrs
        if a is None:
            return None, "none", True, attrs
        here = a.year * 12 + a.month - 1
        cands = [yy * 12 + mo - 1 for yy in (a.year - 1, a.year, a.year + 1)]
        if direction == "current":
            n = a.year * 12 + mo - 1
            if mo != a.month:
                attrs["warning"] = "not_current_month"
        elif direction == "past":
            n = max([c for c in cands if c < here] or cands)
        elif direction == "future":
            n = min([c for c in cands if c > here] or cands)
        else:
            cue = ctx.direction(s, e)
            if cue == "past":
                n = max([c for c in cands if c <= here] or cands)
            elif cue == "future":
                n = min([c for c in cands if c >= here] or cands)
            else:
                n = min(cands, key=lambda c: (abs(c - here), c > here))
        return f"{n // 12:04d}-{n % 12 + 1:02d}", "month", True, attrs

    if fam == "rel":
        off = rel_off or 0
        if a is None:
            return None, "none", True, attrs
        v = a + timedelta(days=off)
        if wd is not None and v.weekday() != wd:
            fixed = nearest_weekday(v, wd, int(_SET["weekday_fix_days"]))
            attrs["warning"] = "weekday_mismatch"
            attrs["relative_value"] = v.isoformat()
            if fixed is not None:
                v = fixed
        return v.isoformat(), "day", True, attrs

    if fam == "wd":
        wd2 = lex.weekday[fold_word(g["wd2"])] if g.get("wd2") else None
        if wd2 is not None:
            attrs["weekday2"] = wd2
        wk_dir = lex.direction.get(fold_word(g["wkdir"])) if g.get("wkdir") else None
        if wk_dir:
            attrs["week"] = wk_dir
        if a is None or wd is None:
            return None, "none", True, attrs
        if wk_dir:
            # "الأربعاء من الأسبوع الماضي": that weekday in the previous (next) Saturday-to-Friday week
            week_start = a - timedelta(days=(a.weekday() - 5) % 7)
            shift = {"past": -7, "future": 7}.get(wk_dir, 0)
            v = week_start + timedelta(days=shift + (wd - 5) % 7)
        elif direction == "past":
            v = weekday_date(a, wd, "before")
            if g.get("bef"):
                v -= timedelta(days=7)  # "الاثنين قبل الماضي" = the Monday before last
        elif direction == "future":
            v = weekday_date(a, wd, "after")
        else:
            cue = ctx.direction(s, e)
            attrs["tense"] = cue
            v = weekday_date(a, wd, "on_or_after" if cue == "future" else "on_or_before")
        night = dp is not None and fold_word(dp) in lex.night_parts
        if night and wd2 is None:
            # ليلة الأربعاء: the night that precedes Wednesday, i.e. Tuesday evening
            attrs["night_of"] = v.isoformat()
            attrs["alt"] = [v.isoformat()]
            v = v - timedelta(days=1)
        elif wd2 is not None and wd2 == (wd + 1) % 7:
            attrs["alt"] = [(v + timedelta(days=1)).isoformat()]  # ليل الثلاثاء إلى الأربعاء
        return v.isoformat(), "day", True, attrs

    if fam in ("period", "partper"):
        if fam == "partper":
            attrs["implied_current"] = True  # "قبل نهاية العام" = the end of this year
        per = fold_word(g.get("per") or g.get("per2") or "")
        kind = lex.period.get(per, "vague")
        off = {"past": -1, "future": 1}.get(direction or "", 0)
        if g.get("bef") and direction == "past":
            off = -2  # "العام قبل الماضي" = the year before last
        attrs.update(period=kind, offset=off)
        if g.get("wk"):
            wk = fold_word(g["wk"])  # type: ignore[arg-type]
            attrs["part"] = "early" if wk == "الاول" else "late" if wk in ("الاخير", "الرابع") else "mid"
        if kind == "vague":
            attrs["vague"] = True
            return None, "none", True, attrs
        if a is None:
            return None, "none", True, attrs
        if kind == "month":
            y, mo = shift_month(a.year, a.month, off)
            return f"{y:04d}-{mo:02d}", "month", True, attrs
        if kind == "year":
            return f"{a.year + off:04d}", "year", True, attrs
        # week: the month if all plausible weeks around the day lie in one month
        base = a + timedelta(days=7 * off)
        starts = [base - timedelta(days=(base.weekday() - sw) % 7) for sw in (5, 6, 0)]
        first, last = min(starts), max(starts) + timedelta(days=6)
        attrs["week"] = [first.isoformat(), last.isoformat()]
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.year:04d}-{first.month:02d}", "month", True, attrs
        return None, "none", True, attrs

    if fam in ("year", "ybare"):
        y, hijri = _year_of(g, lex)
        if y is None:
            return None
        if hijri:
            attrs["hijri_year"] = y
            return None, "none", False, attrs
        if not 1000 <= y <= 2200:
            return None
        return f"{y:04d}", "year", False, attrs

    if fam == "ago":
        unit_word = fold_word(g["unit"])  # type: ignore[arg-type]
        unit, implied = lex.unit[unit_word]
        n_word = g.get("n")
        n = (int(n_word) if n_word.isdigit() else lex.number.get(fold_word(n_word))) if n_word else implied
        sign = 1 if fold_word(g["mod"]) == "بعد" else -1  # type: ignore[arg-type]
        attrs.update(unit=unit, count=n, sign=sign)
        if g.get("about"):
            attrs["about"] = True  # "بعد نحو أسبوعين": a day count is then no exact day
        if _word_after(ctx.norm, e) in ("من", "علي"):
            attrs["relative_to"] = "event"  # "قبل يومين من انتهاء المهلة": counted from another event
            return None, "none", True, attrs
        if n is None:
            attrs["vague"] = True
            return None, "none", True, attrs
        if a is None:
            return None, "none", True, attrs
        if unit == "day" and not attrs.get("about"):
            return (a + timedelta(days=sign * n)).isoformat(), "day", True, attrs
        if unit in ("day", "week"):
            attrs["approx"] = (a + timedelta(days=sign * (7 if unit == "week" else 1) * n)).isoformat()
            return None, "none", True, attrs
        if unit == "month":
            y, mo = shift_month(a.year, a.month, sign * n)
            return f"{y:04d}-{mo:02d}", "month", True, attrs
        return f"{a.year + sign * n:04d}", "year", True, attrs
    return None


def _year_offset(g: dict[str, str | None], lex: Lexicon) -> int | None:
    """-1/0/+1 from "من العام الماضي/هذا العام/من العام المقبل" after a month, else None."""
    if g.get("ythis"):
        return 0
    if g.get("ydir"):
        return {"past": -1, "future": 1}.get(lex.direction.get(fold_word(g["ydir"]), ""), 0)  # type: ignore[arg-type]
    return None


def _check_day(v: date, wd: int | None, rel_off: int | None, a: date | None, attrs: dict[str, Any]) -> None:
    """Keep disagreements between a resolved day and its stated weekday / day word visible in attrs."""
    if wd is not None and v.weekday() != wd:
        attrs["warning"] = "weekday_mismatch"
    if rel_off is not None and a is not None and a + timedelta(days=rel_off) != v:
        attrs["anchor_mismatch"] = True


def _resolve_hijri(g: dict[str, str | None], a: date | None, ctx: _Context, s: int, e: int, lex: Lexicon,
                   attrs: dict[str, Any], wd: int | None) -> tuple[str | None, str, bool, dict[str, Any]] | None:
    from hijridate import Gregorian, Hijri

    hm = lex.hijri_month[fold_word(g["hm"])]  # type: ignore[arg-type]
    d = int(g["d"]) if g.get("d") else None
    y = int(g["y"]) if g.get("y") else int(g["y3"]) if g.get("y3") else None  # type: ignore[arg-type]
    attrs["hijri"] = f"{y or 0:04d}-{hm:02d}" + (f"-{d:02d}" if d else "")

    def conv(hy: int, day: int) -> date | None:
        try:
            h = Hijri(hy, hm, 1)
            if day > h.month_length():
                return None
            return Hijri(hy, hm, day).to_gregorian()
        except (ValueError, OverflowError):
            return None

    if y is not None:
        if d is not None:
            v = conv(y, d)
            if v is None:
                return None, "none", False, attrs
            if wd is not None and v.weekday() != wd:
                attrs["warning"] = "weekday_mismatch"
            return v.isoformat(), "day", False, attrs
        first = conv(y, 1)
        try:
            last = conv(y, Hijri(y, hm, 1).month_length())
        except (ValueError, OverflowError):
            last = None
        if first is None or last is None:
            return None, "none", False, attrs
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.year:04d}-{first.month:02d}", "month", False, attrs
        if first.year == last.year:
            return f"{first.year:04d}", "year", False, attrs
        return None, "none", False, attrs
    if a is None or d is None:
        return None, "none", True, attrs
    try:
        hy = Gregorian(a.year, a.month, a.day).to_hijri().year
    except (ValueError, OverflowError):
        return None, "none", True, attrs
    cands = [c for c in (conv(yy, d) for yy in (hy - 1, hy, hy + 1)) if c is not None]
    fits = [c for c in cands if wd is not None and c.weekday() == wd]
    v = fits[0] if len(fits) == 1 else _pick(cands, a, ctx.direction(s, e), int(_SET["yearless_slack_days"]))
    if v is None:
        return None, "none", True, attrs
    return v.isoformat(), "day", True, attrs
