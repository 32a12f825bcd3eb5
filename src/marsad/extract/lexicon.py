"""The extractor's word lists, patterns and thresholds, loaded once from marsad/data (heuristics as data)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..arabic import normalize
from ..settings import data_path, section

DEFAULTS: dict[str, Any] = {
    "ticker_min_chars": 150, "ticker_min_segments": 4, "ticker_gap": 2, "ticker_max_segment_chars": 160,
    "ui_max_chars": 120, "related_max_chars": 45, "stamp_max_chars": 100, "stamp_max_residue_words": 4,
    "body_min_chars": 80, "body_min_words": 10, "short_para_min_chars": 35, "article_min_chars": 120,
    "title_min_words": 3, "title_max_chars": 220, "title_window": 5, "list_run_min": 3,
    "list_line_max_chars": 100, "wrap_max_chars": 95, "intext_stamp_window": 250, "min_year": 1990,
    "max_year": 2035, "html_min_chars": 100, "multi_article_min_chars": 200, "favor_precision": True, "include_tables": False,
    "ticker_wide_gap": 3, "ticker_wide_min_segments": 3, "menu_min_segments": 4, "menu_max_item_words": 3,
}


def _alternation(words: list[str]) -> str:
    uniq = sorted({normalize(w) for w in words if w.strip()}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in uniq)


_VARIANTS = {"ا": "[اأإآٱ]", "ه": "[هة]", "ي": "[يىئ]", "و": "[وؤ]"}


def _variants(word: str) -> str:
    """A regex matching ``word`` in any of its unnormalised spellings (hamza, ta marbuta, alef maqsura)."""
    return "".join(_VARIANTS.get(ch, re.escape(ch)) for ch in word)


@dataclass(frozen=True)
class Lexicon:
    cfg: dict[str, Any]
    months: dict[str, int]
    month_re: str
    weekday_re: str
    ui_phrases: re.Pattern[str]
    ui_exact: frozenset[str]
    ui_patterns: re.Pattern[str]
    long_line_hints: re.Pattern[str]
    gap_hints: tuple[str, ...]
    inline_hints: re.Pattern[str]
    related: tuple[str, ...]
    inline_related: re.Pattern[str]
    inline_raw: re.Pattern[str]
    crumb_roots: tuple[str, ...]
    crumb_hint: re.Pattern[str]
    crumb_separators: tuple[str, ...]
    dateline_line: re.Pattern[str]
    dateline_prefix: re.Pattern[str]
    agencies: frozenset[str]
    dated_dateline_tail: re.Pattern[str]  # what may follow a "city + date" dateline's date: era mark, dash, agency
    stamp_head: re.Pattern[str]  # a word that opens a stamp or time phrase (normalised text)
    stamp_words_re: re.Pattern[str]
    stamp_outlet: re.Pattern[str]
    leading_stamp: re.Pattern[str]
    copyright_outlet: re.Pattern[str]
    ticker_split: re.Pattern[str]
    title_templates: tuple[re.Pattern[str], ...]
    byline: re.Pattern[str]
    byline_max_words: int
    inline_headers: tuple[str, ...]
    ticker_wide_split: re.Pattern[str]
    menu_split: re.Pattern[str]
    mastheads: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    cfg = dict(DEFAULTS)
    cfg.update(section("extract"))
    with open(data_path("extract", "months.toml"), "rb") as f:
        mt = tomllib.load(f)
    with open(data_path("extract", "boilerplate.toml"), "rb") as f:
        bp = tomllib.load(f)
    months = {normalize(k): int(v) for k, v in mt["months"].items()}
    # every month spelling the temporal tagger knows is a stamp month too (one list to keep up to date)
    with open(data_path("dates", "lexicon.toml"), "rb") as f:
        for num, words in tomllib.load(f).get("months", {}).items():
            for w in words:
                months.setdefault(normalize(w), int(num))
    gap = int(cfg["ticker_gap"])
    ticker = rf"[ \u00a0\u2002-\u200a\u3000]{{{gap},}}|\t+|{bp['ticker']['separator_pattern']}"
    return Lexicon(
        cfg=cfg,
        months=months,
        month_re=_alternation(list(months)),
        weekday_re=_alternation(mt["weekdays"]["words"]),
        # whole words only: "شارك الخبر" (share) must not match "شارك الخبراء" (the experts took part)
        ui_phrases=re.compile(r"(?<!\w)(?:" + _alternation(bp["ui"]["phrases"]) + r")(?!\w)"),
        ui_exact=frozenset(normalize(p) for p in bp["ui"]["exact"]),
        ui_patterns=re.compile("|".join(f"(?:{p})" for p in bp["ui"]["patterns"]), re.I),
        long_line_hints=re.compile("|".join(re.escape(h) for h in bp["ui"]["long_line_hints"])),
        # a few short needles tested with `in` (memchr speed): symbols, dashes, double spaces, any no-break space
        gap_hints=tuple(dict.fromkeys(h.strip(" \u00a0") or ("\u00a0" if "\u00a0" in h else h)
                                      for h in bp["ticker"]["gap_hints"])),
        inline_hints=re.compile("|".join(re.escape(h) for h in bp["related"]["inline_hints"])),
        related=tuple(sorted({normalize(h).rstrip(":： ") for h in bp["related"]["headers"]}, key=len, reverse=True)),
        inline_raw=re.compile(r"[.!?؟»”\"]\s*(?:و\s*)?(?:" + "|".join(
            _variants(normalize(h)) for h in sorted(bp["related"]["inline"], key=len, reverse=True)) + r")(?!\w)", re.I),
        inline_related=re.compile(r"[.!?؟»”\"]\s*(?:و\s*)?(?:" + _alternation(bp["related"]["inline"]) + r")(?!\w)",
                                  re.I),
        crumb_roots=tuple(normalize(r) for r in bp["crumbs"]["roots"]),
        crumb_hint=re.compile(r"\s*(?:" + "|".join(_variants(normalize(r)) for r in bp["crumbs"]["roots"]) + ")",
                              re.I),
        crumb_separators=tuple(bp["crumbs"]["separators"]),
        dateline_line=re.compile(bp["dateline"]["line_pattern"]),
        dateline_prefix=re.compile(bp["dateline"]["prefix_pattern"]),
        agencies=frozenset(normalize(a) for a in bp["dateline"]["agencies"]),
        dated_dateline_tail=re.compile(r"^[\s\-–—.،,]*(?:" + _alternation(bp["dateline"]["era_marks"])
                                       + r")?[\s\-–—.]*(?:\([^()\d]{1,20}\)[\s\-–—.]*)?$"),
        stamp_head=re.compile(r"(?<!\w)[وف]?(?:" + _alternation(bp["dateline"]["stamp_heads"]) + r")(?!\w)"),
        stamp_words_re=re.compile(r"(?<!\w)(?:" + _alternation(bp["stamps"]["words"]) + r")(?!\w)", re.I),
        stamp_outlet=re.compile(bp["stamps"]["outlet_pattern"]),
        leading_stamp=re.compile(bp["stamps"]["leading_stamp"], re.I),
        copyright_outlet=re.compile(bp["stamps"]["copyright_outlet"], re.M),
        ticker_split=re.compile(ticker),
        byline=re.compile(r"^\W*(?:" + "|".join(_variants(normalize(w.rstrip(":"))) for w in bp["byline"]["prefixes"])
                          + r")(?:\s*:|\s)", re.I),
        byline_max_words=int(bp["byline"]["max_words"]),
        title_templates=tuple(re.compile(p) for p in bp.get("title", {}).get("patterns", [])),
        inline_headers=tuple(normalize(h) for h in bp["related"]["see_also"]),
        ticker_wide_split=re.compile(rf"[ \u00a0\u2002-\u200a\u3000]{{{int(cfg['ticker_wide_gap'])},}}|\t+"),
        menu_split=re.compile(r"[ \u00a0]{2,}|\t+|\s[|•·]\s"),
        mastheads=tuple(normalize(w) for w in bp.get("masthead", {}).get("starts", [])),
    )
