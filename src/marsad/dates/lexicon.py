"""The temporal lexicon (data/dates/lexicon.toml) and the regexes compiled from it once per process.

Matching runs on a *folded* copy of the text (see ``fold``): one character in, at most one character out, so offsets
map back to the stored text cheaply. Lexicon entries are folded the same way when the patterns are built.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..arabic import normalize_with_map
from ..settings import data_path

# Letter folding as in marsad.arabic.normalize, but 1:1 (or deletion) so that it can run as one str.translate.
_FOLD_MAP: dict[int, int | None] = {ord(k): ord(v) for k, v in {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي", "ة": "ه", "ؤ": "و", "ک": "ك", "گ": "ك",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    "٫": ".", "٬": ",", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}.items()}
_DELETED = "".join([chr(c) for c in range(0x610, 0x61B)] + [chr(c) for c in range(0x64B, 0x660)] + ["\u0670", "\u0640"]
                   + [chr(c) for c in range(0x6D6, 0x6EE)] + [chr(c) for c in range(0x200B, 0x2010)]
                   + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\ufeff"])
for _ch in _DELETED:
    _FOLD_MAP[ord(_ch)] = None
_DELETED_SET = frozenset(_DELETED)
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")


def fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text and, when characters were dropped, the original offset of each folded character.

    ``None`` as the map means offsets are unchanged (the common case: no diacritics, tatweel or bidi marks).
    Presentation forms (ﻻ ...) expand to several letters, so those rare texts go through the general normaliser.
    """
    if _PRESENTATION.search(text):
        return normalize_with_map(text)
    out = text.translate(_FOLD_MAP)
    if len(out) == len(text):
        return out, None
    return out, [i for i, ch in enumerate(text) if ch not in _DELETED_SET]


def fold_word(s: str) -> str:
    return " ".join(fold(s)[0].split())


def _alt(words: Any, capture: str | None = None) -> str:
    """Alternation of folded words, longest first (Python's alternation is first-match), spaces as \\s+."""
    uniq = sorted({fold_word(w) for w in words if w.strip()}, key=lambda w: (-len(w), w))
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)
    return f"(?P<{capture}>{body})" if capture else f"(?:{body})"


def _index(groups: dict[str, list[str]]) -> dict[str, int]:
    """folded word → key (month number, weekday, ...)."""
    return {fold_word(w): int(k) for k, ws in groups.items() for w in ws}


L = r"(?<!\w)"  # start of a word (Arabic letters and digits are \w)
R = r"(?!\w)"
CL = r"(?:[وف]?[بل]?)"  # proclitics before a time word: و، ف، ب، ل (وأمس، بالأمس، فاليوم)


@dataclass(frozen=True)
class Lexicon:
    raw: dict[str, Any]
    month: dict[str, int]
    hijri_month: dict[str, int]
    weekday: dict[str, int]
    rel_day: dict[str, int]
    number: dict[str, int]
    ordinal: dict[str, int]
    unit: dict[str, tuple[str, int | None]]  # folded unit word → (unit, implied count or None for plural)
    direction: dict[str, str]  # folded word → past | future | current
    part: dict[str, str]  # folded word → early | mid | late
    night_parts: frozenset[str]
    period: dict[str, str]  # folded word → month | year | week | vague
    greg_suffix: frozenset[str]
    hijri_suffix: frozenset[str]
    month_prefixes: frozenset[str]
    year_prefixes: frozenset[str]
    modifiers: dict[str, str]  # folded word → since | until | before | after
    since_phrase_breakers: frozenset[str]  # words that end a "منذ ..." phrase before a date
    since_phrase_words: int
    today_not_after: frozenset[str]
    rel_not_before: frozenset[str]
    today_not_before: frozenset[str]
    weekday_not_after: frozenset[str]
    weekday_not_before: frozenset[str]
    sa_stop_prefixes: tuple[str, ...]
    sa_stop_words: frozenset[str]
    present_stop: frozenset[str]
    # compiled patterns, one per family; see tagger.py for what each family resolves to
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    left_context: re.Pattern[str]
    cue_re: re.Pattern[str]
    clause_break_re: re.Pattern[str]
    relative_re: re.Pattern[str]  # a relative pronoun (with و/ف), see select.py
    stamp_before_re: re.Pattern[str]
    gates: dict[str, frozenset[str]]  # family → words one of which must occur for its regex to be worth running
    hijri_ambiguous: frozenset[str]
    general_after: frozenset[str]
    ordinal_not_after: frozenset[str]


def _words(d: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for k in keys:
        out.extend(d.get(k, []))
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    with open(data_path("dates", "lexicon.toml"), "rb") as f:
        raw = tomllib.load(f)

    months = raw["months"]
    hijri = raw["hijri_months"]
    wds = raw["weekdays"]
    dirs = raw["directions"]
    parts = raw["month_parts"]
    periods = raw["periods"]
    units = raw["units"]
    dayparts = raw["dayparts"]

    unit: dict[str, tuple[str, int | None]] = {}
    for name, forms in units.items():
        for w in forms.get("singular", []):
            unit[fold_word(w)] = (name, 1)
        for w in forms.get("dual", []):
            unit[fold_word(w)] = (name, 2)
        for w in forms.get("plural", []):
            unit[fold_word(w)] = (name, None)

    MON = _alt([w for ws in months.values() for w in ws])
    HMON = _alt([w for ws in hijri.values() for w in ws], "hm")
    WD = _alt([w for ws in wds.values() for w in ws])
    REL = _alt(raw["relative_days"].keys())
    DIR = _alt(_words(dirs, "past", "future", "current"), "dir")
    PART = _alt(_words(parts, "early", "mid", "late"), "part")
    DAYPART = _alt(_words(dayparts, "plain", "night"), "dp")
    DAYPART_N = _alt(_words(dayparts, "plain", "night"))
    PERW = _words(periods, "month", "year", "week", "vague")
    THIS = _alt(dirs["this"], "this")
    YW = _alt(raw["year_words"]["words"])
    YSUF = _alt(_words(raw["year_suffix"], "gregorian", "hijri"), "ys")
    HSUF = _alt(raw["year_suffix"]["hijri"], "hs")
    NUMW = _alt(raw["numbers"].keys())
    UNIT = _alt(unit.keys(), "unit")
    ORD = _alt(raw["ordinals"].keys(), "ord")

    # a month written once or twice: "ديسمبر/كانون الأول", "30 سبتمبر أيلول", "(أيلول) سبتمبر", "أغسطس (آب)"
    MONC = (rf"(?:\(\s*(?P<m0>{MON})\s*\)\s*)?(?P<m1>{MON}){R}"
            rf"(?:\s*[/\\\-–]?\s*\(?\s*(?P<m2>{MON}){R}(?:\s*\))?)?")
    YEAR_TAIL = (rf"\s*[,،]?\s*(?:من\s+)?(?:{YW}\s*)?(?P<y>\d{{4}})(?!\d)(?:\s*{YSUF}{R})?")
    DAY = r"(?:ال\s*)?(?P<d>[0-3]?\d)(?!\d)"
    # "مايو من العام الماضي", "يناير من هذا العام": the year relative to the anchor
    YREL = (rf"\s+(?:من|في)\s+(?:(?:العام|السنه)\s+{_alt(_words(dirs, 'past', 'future', 'current'), 'ydir')}"
            rf"|(?P<ythis>هذا\s+العام|هذه\s+السنه|العام\s+الحالي)){R}")

    fam: list[tuple[str, str]] = [
        # 16 ديسمبر/كانون الأول 2016 | 28 نوفمبر الجاري | 30 سبتمبر أيلول
        ("dmy", rf"{L}{DAY}\s*(?:من\s+)?(?:شهر\s+)?{MONC}(?:{YEAR_TAIL}|\s+{DIR}{R}|{YREL})?"),
        # header style: يناير 21, 2025
        ("mdy", rf"{L}(?P<m1>{MON})\s+(?P<d>[0-3]?\d)\s*[,،]\s*(?P<y>\d{{4}})(?!\d)"),
        # الخامس من أكتوبر 2015
        ("ordm", rf"{L}{ORD}\s+من\s+(?:شهر\s+)?{MONC}(?:{YEAR_TAIL}|\s+{DIR}{R}|{YREL})?"),
        # 15 رمضان 1445 هـ | رمضان 1445 | 15 رمضان
        ("hijri", rf"{L}(?:{DAY}\s*(?P<min>من\s+)?(?:شهر\s+)?)?{HMON}{R}"
                  rf"(?:\s*[,،]?\s*(?:من\s+)?(?:{YW}\s*)?(?:(?P<y>\d{{4}})(?!\d)(?:\s*{YSUF}{R})?"
                  rf"|(?P<y3>\d{{1,3}})\s*{HSUF}{R}))?"),
        # ISO date or datetime
        ("iso", r"(?<![\d/.\-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
                r"(?:[Tt ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[Zz]|[+\-]\d{2}:?\d{2})?)?(?![\d\-])"),
        # 2024/5/14
        ("ymd", r"(?<![\d/.\-])(?P<y>\d{4})\s*(?P<s>[/.])\s*(?P<m>\d{1,2})\s*(?P=s)\s*(?P<d>\d{1,2})(?![\d/.])"),
        # 22 - 11 - 2017 | 21/07/2018 | 14.5.2024
        ("dmyn", r"(?<![\d/.\-])(?P<d>\d{1,2})\s*(?P<s>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=s)\s*(?P<y>\d{4})(?![\d/.\-])"),
        # 20 من الشهر الجاري | 20 الجاري | الـ 20 من هذا الشهر
        ("dcur", rf"{L}(?:{DAY}|{ORD})\s+(?:من\s+)?(?:الشهر\s+{DIR}|(?P<this>هذا)\s+الشهر|(?P<dir2>الجاري|الماضي|المنصرم|المقبل|القادم)){R}"),
        # أوائل ديسمبر المقبل | شهر أكتوبر 2015 | في نوفمبر (a preceding context word is checked in code)
        # from 8 to 19 December 2025
        ("range", rf"{L}(?:من\s*)?(?P<d1>[0-3]?\d)\s*(?:الي|-|–|حتي|و)\s*{DAY}\s*(?:من\s+)?(?:شهر\s+)?{MONC}"
                  rf"(?:{YEAR_TAIL}|\s+{DIR}{R}|{YREL})?"),
        ("month", rf"{L}[وف]?(?:{PART}\s+)?(?P<sh>شهر\s+)?{MONC}(?:{YEAR_TAIL}|\s+{DIR}{R}|{YREL})?"),
        # أمس الاثنين | مساء اليوم الأربعاء | بعد غد | ليلة أمس
        ("rel", rf"{L}{CL}(?:{DAYPART}\s+(?:يوم\s+)?)?(?P<rel>{REL}){R}(?:\s*[,،]?\s*(?:يوم\s+)?(?P<wd>{WD}){R})?"),
        # الاثنين | يوم الاثنين الماضي | ليلة الأربعاء | ليل الثلاثاء إلى الأربعاء
        ("wd", rf"{L}{CL}(?:{DAYPART}\s+)?(?P<yawm>يومي?\s+)?(?P<wd>{WD}){R}"
               rf"(?:\s*(?:الي|و|او|/|-)?\s*(?P<wd2>{WD}){R})?"
               rf"(?:\s+(?P<bef>قبل\s+)?{DIR}{R}|\s+من\s+(?P<wk_of>(?:ال)?اسبوع\s+{_alt(_words(dirs, 'past', 'future', 'current'), 'wkdir')}){R})?"),
        # الشهر الماضي | هذا العام | أوائل العام المقبل | الأسبوع الأول من العام المقبل | خلال الأسابيع المقبلة
        ("period", rf"{L}{CL}(?:(?:{PART}|(?P<wkp>الاسبوع\s+(?P<wk>الاول|الثاني|الثالث|الرابع|الاخير)\s+من))\s+)?"
                   rf"(?:{THIS}\s+{_alt(PERW, 'per')}|{_alt(PERW, 'per2')}\s+(?P<bef>قبل\s+)?{DIR}){R}"),
        # نهاية العام | مطلع الشهر: a part of a period with no direction word is the current one
        ("partper", rf"{L}{CL}{PART}\s+{_alt(_words(periods, 'month', 'year', 'week'), 'per')}{R}"),
        # عام 2011 | سنة 2015 | مطلع عام 2020
        ("year", rf"{L}{CL}(?:{PART}\s+)?(?P<yw>{YW})\s*(?P<y>\d{{4}})(?!\d)(?:\s*{YSUF}{R})?"),
        # في 2011 (a preceding context word is checked in code)
        ("ybare", rf"(?<![\w/.\-:])(?P<y>(?:19|20)\d\d)(?![\w/.\-:])(?:\s*{YSUF}{R})?"),
        # منذ ثلاثة أيام | قبل يومين | بعد أسبوعين | منذ 3 أيام | منذ أيام | بعد نحو أسبوعين
        ("ago", rf"{L}{CL}(?P<mod>منذ|قبل|بعد)\s+(?:(?P<about>{_alt(raw['approximate']['words'])})\s+)?"
                rf"(?:(?P<n>\d{{1,3}}|{NUMW})\s+)?{UNIT}(?:\s+واحد)?{R}"
                rf"(?!\s*(?:\d|{WD}|{REL}|غد|امس|{MON}|{_alt([w for ws in hijri.values() for w in ws])}))"),
    ]
    patterns = tuple((name, re.compile(p)) for name, p in fam)

    # words just before a day-precision date that belong to it: "اليوم الاثنين 23 ...", "مساء الجمعة 16 ...",
    # and the same day word with the date in apposition in brackets: "اليوم الإثنين (19 ديسمبر 2016)"
    left_context = re.compile(
        rf"{L}(?:(?:{DAYPART}\s+)?(?:(?P<rel>{REL})\s*[,،]?\s+)?(?:يوم\s+)?(?P<wd>{WD})\s*[,،]?\s*[(\[]?\s*"
        rf"(?:الموافق\s*)?|(?:{DAYPART_N}\s+)?(?P<rel2>{REL})(?:\s*[,،]?\s+|\s*[(\[]\s*)(?:يوم\s+)?"
        rf"|(?:{DAYPART_N}\s+)?يوم\s+)$")

    cues = raw["cues"]
    cue_re = re.compile(
        rf"{L}[وف]?(?:(?P<historical>{_alt(cues['historical'])})"
        r"|(?P<histgap>كان(?:ت|ا|تا|وا)?(?:\s+[^\s.،,؛]+){1,3}?\s+قد)"
        rf"|(?P<hypothetical>{_alt(cues['hypothetical'])})"
        rf"|(?P<negnot>{_alt(cues['negation_not'])})|(?P<negation>{_alt(cues['negation'])})"
        rf"|(?P<future>{_alt(cues['future'])})"
        rf"|(?P<past>{_alt(cues['past'])})|(?P<pastv>{_alt(cues['past_verbs'])})"
        rf"|(?P<sa>س[يتن][^\W\d_]{{2,}})){R}"
        rf"|(?:^|[.،,؛;:!?؟\n«\"“(])\s*[وف]?(?P<present>ي[^\W\d_]{{3,}}){R}")
    clause_break_re = re.compile(rf"[؛;:\n]|{L}[وف]?{_alt(cues['clause_words'])}{R}")

    def fs(ws: list[str]) -> frozenset[str]:
        return frozenset(fold_word(w) for w in ws)

    def firsts(ws: Any) -> frozenset[str]:
        return frozenset(fold_word(w).split()[0] for w in ws if w.strip())

    month_keys = firsts([w for ws in months.values() for w in ws])
    gates = {
        "dmy": month_keys, "mdy": month_keys, "ordm": month_keys, "range": month_keys, "month": month_keys,
        "hijri": firsts([w for ws in hijri.values() for w in ws]),
        "rel": firsts(raw["relative_days"].keys()),
        "wd": firsts([w for ws in wds.values() for w in ws]),
        "period": firsts(PERW),
        "partper": firsts(PERW),
        "year": firsts(raw["year_words"]["words"]),
        "ago": frozenset({"منذ", "قبل", "بعد"}),
        "dcur": frozenset({"الشهر", "الجاري", "الماضي", "المنصرم", "المقبل", "القادم"}),
    }
    direction = {fold_word(w): k for k in ("past", "future", "current") for w in dirs[k]}
    return Lexicon(
        raw=raw,
        month=_index(months),
        hijri_month=_index(hijri),
        weekday=_index(wds),
        rel_day={fold_word(k): int(v) for k, v in raw["relative_days"].items()},
        number={fold_word(k): int(v) for k, v in raw["numbers"].items()},
        ordinal={fold_word(k): int(v) for k, v in raw["ordinals"].items()},
        unit=unit,
        direction=direction,
        part={fold_word(w): k for k in ("early", "mid", "late") for w in parts[k]},
        night_parts=fs(dayparts["night"]),
        period={fold_word(w): k for k in ("month", "year", "week", "vague") for w in periods[k]},
        greg_suffix=fs(raw["year_suffix"]["gregorian"]),
        hijri_suffix=fs(raw["year_suffix"]["hijri"]),
        month_prefixes=fs(raw["month_context"]["prefixes"]),
        year_prefixes=fs(raw["year_words"]["prefixes"] + raw["year_words"]["words"]),
        modifiers={fold_word(w): k for k, ws in raw["modifiers"].items() if isinstance(ws, list) for w in ws},
        since_phrase_breakers=fs(raw["since_phrase"]["breakers"]),
        since_phrase_words=int(raw["since_phrase"]["max_words"]),
        today_not_after=fs(raw["today_context"]["not_after"]),
        rel_not_before=fs(raw["relative_context"]["not_before"]),
        today_not_before=fs(raw["today_context"]["not_before"]),
        weekday_not_after=fs(raw["weekday_context"]["not_after"]),
        weekday_not_before=fs(raw["weekday_context"]["not_before"]),
        sa_stop_prefixes=tuple(fold_word(w) for w in cues["sa_stop_prefixes"]),
        sa_stop_words=fs(cues["sa_stop_words"]),
        present_stop=fs(cues["present_stop"]),
        patterns=patterns,
        left_context=left_context,
        cue_re=cue_re,
        clause_break_re=clause_break_re,
        relative_re=re.compile(rf"{L}[وف]?{_alt(cues['relative_pronouns'])}{R}"),
        stamp_before_re=re.compile(rf"{L}{_alt(raw['stamps']['before'])}(?:\s+[^\s\d]+){{0,2}}\s*[:|\-–]?\s*$"),
        gates=gates,
        hijri_ambiguous=fs(raw["hijri_context"]["ambiguous"]),
        general_after=fs(raw["period_context"]["general_after"]),
        ordinal_not_after=fs(raw["ordinal_context"]["not_after"]),
    )
