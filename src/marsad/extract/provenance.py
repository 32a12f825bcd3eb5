"""Where an article's date and outlet come from, and how far each can be trusted.

Publication date, in order of trust (the first signal the page gives wins; ``published_source`` names it):

1. ``markup``: JSON-LD ``datePublished``, ``<meta>`` (article:published_time, og, itemprop, Dublin Core…), a
   ``<time>`` marked as the publication, a labelled "تاريخ النشر" element: machine-written for this article
   (``jsonld`` / ``meta`` / ``markup`` when the extractor knows which);
2. ``text_stamp``: a stamp line or dateline date in the page text ("نشر في 22 - 11 - 2017", "الرباط - 14-4-2025");
3. ``feed``: a scraper's JSONL ``published`` field (the feed states the page's date; it is taken before the URL);
4. ``permalink``: a dated URL (``/2017/11/22/slug``, ``/2017/1122/``);
5. ``stated_today``: the body's own "اليوم الاثنين 23 جانفي 2017" near its top, the day the piece was written;
6. ``relative_stamp``: "منذ ساعتين", "قبل يومين" on a stamp line, resolved against the crawl date;
7. ``crawl_date``: only the WARC-Date or JSONL ``crawled``/``crawl_date`` is known. This is a bound, never the
   article's date: ``published`` stays null and stories use the crawl date as an upper bound only.

Outlet, in order: the page's own name for itself (``page``: og:site_name, JSON-LD publisher, a stamp or copyright
line), the domain → outlet table (``table``, ``data/outlets/domains.tsv``), a wire agency's code in the dateline
for a page without a URL (``agency``: "(سانا)", "- واس -"), the bare domain (``domain``), and last the input file's
name (``file``: a domain in the file stem, else the folder, else the stem; flagged as a guess).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from ..arabic import normalize
from ..settings import data_path, section

DATE_SOURCES = ("jsonld", "meta", "markup", "text_stamp", "feed", "permalink", "stated_today", "relative_stamp",
                "crawl_date")
OUTLET_SOURCES = ("page", "table", "agency", "domain", "file")


@dataclass(frozen=True)
class Outlet:
    """One row of the outlet or agency table."""

    key: str  # the domain, or the agency code as normalised
    name_ar: str
    name_en: str
    country: str | None  # ISO 3166 alpha-3; None for pan-Arab or unknown


def _rows(name: str) -> list[list[str]]:
    with open(data_path("outlets", name), encoding="utf-8") as f:
        text = f.read()
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def domain_table() -> dict[str, Outlet]:
    out: dict[str, Outlet] = {}
    for row in _rows("domains.tsv"):
        dom, ar, en, country = (row + ["", "", "", ""])[:4]
        out.setdefault(dom.strip().lower(), Outlet(dom.strip().lower(), ar.strip(), en.strip(),
                                                   country.strip() or None))
    return out


@lru_cache(maxsize=1)
def agency_table() -> dict[str, Outlet]:
    out: dict[str, Outlet] = {}
    for row in _rows("agencies.tsv"):
        code, ar, en, country = (row + ["", "", "", ""])[:4]
        key = normalize(code).strip()
        out.setdefault(key, Outlet(key, ar.strip(), en.strip(), country.strip() or None))
    return out


def outlet_for_domain(host: str | None) -> Outlet | None:
    """The table's outlet for ``host`` or, failing that, for its parent domains (arabic.rt.com → rt.com)."""
    if not host:
        return None
    table = domain_table()
    h = host.lower().removeprefix("www.")
    while h:
        if h in table:
            return table[h]
        if "." not in h.partition(".")[2]:
            return None  # never match a bare public suffix ("com.sa")
        h = h.partition(".")[2]
    return None


@lru_cache(maxsize=1)
def _agency_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    codes = sorted(agency_table(), key=len, reverse=True)
    alt = "|".join(re.escape(c) for c in codes)
    # in a dateline: a code set off by brackets, dashes, slashes or a colon ("الرياض - واس", "دمشق-سانا")
    loose = re.compile(rf"(?:^|[(\[/\-–—|:،,]|\s)\s*({alt})\s*(?=[)\]/\-–—|:،,]|$)")
    # in the opening words: only "(سانا)" or "الدوحة - قنا:" / "الدوحة / قنا /" before the first sentence
    strict = re.compile(rf"^[^.!?؟]{{0,60}}?(?:\(\s*({alt})\s*\)|[-–—/]\s*({alt})\s*[:\-–—/])")
    return loose, strict


def agency_in(dateline: str | None, head: str = "") -> Outlet | None:
    """The wire agency a dateline or the opening words name ("موسكو (رويترز) -", "الرياض - واس"), if any; an
    agency merely mentioned in a sentence ("ذكرت وكالة تاس") is not the article's source."""
    loose, strict = _agency_res()
    m = loose.search(normalize(dateline)) if dateline else None
    code = m.group(1) if m else None
    if code is None and head:
        ms = strict.search(normalize(head))
        code = (ms.group(1) or ms.group(2)) if ms else None
    return agency_table().get(code) if code else None


_DOMAIN_IN_NAME = re.compile(r"([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,})", re.I)


@lru_cache(maxsize=1)
def _generic_folders() -> frozenset[str]:
    return frozenset(str(x).lower() for x in section("extract").get("generic_folders", ()))


def outlet_from_file(source_path: str) -> tuple[str, Outlet | None]:
    """Last resort for a file with no URL and no outlet in its text: a domain in its name ("001_cairo24.com.txt"),
    else its folder's name, else its stem."""
    stem = os.path.basename(source_path)
    for ext in (".gz", ".txt", ".html", ".htm", ".jsonl", ".warc"):
        stem = stem.removesuffix(ext)
    m = _DOMAIN_IN_NAME.search(stem)
    if m:
        dom = m.group(1).lower().removeprefix("www.")
        row = outlet_for_domain(dom)
        return (row.name_ar if row else dom), row
    folder = os.path.basename(os.path.dirname(os.path.abspath(source_path)))
    if folder and folder.lower() not in _generic_folders():
        return folder, None
    return stem, None


def resolve_outlet(page_name: str | None, host: str | None, dateline: str | None, head: str,
                   source_path: str) -> tuple[str, str, Outlet | None]:
    """(outlet, outlet_source, table row when known) in the documented order of trust. ``page_name`` is what the
    page calls itself (None when only the host was known), ``head`` the article's first characters."""
    row = outlet_for_domain(host) if host else None
    if page_name and page_name != host:
        named = outlet_for_domain(page_name) if _DOMAIN_IN_NAME.fullmatch(page_name) else None
        return (named.name_ar if named else page_name), "page", row or named
    if row is not None:
        return row.name_ar, "table", row
    if not host:
        wire = agency_in(dateline, head)
        if wire is not None:
            return wire.name_ar, "agency", wire
    if host:
        return host, "domain", None
    name, row = outlet_from_file(source_path)
    return name, "file", row


def wire_of(dateline: str | None, head: str) -> str | None:
    """The wire agency whose copy this is (its English name), from the dateline or the opening words."""
    wire = agency_in(dateline, head)
    return wire.name_en if wire else None


# ------------------------------------------------------------------------------------------- relative stamps
@lru_cache(maxsize=1)
def _relative_cfg() -> dict:
    with open(data_path("extract", "relative_stamps.toml"), "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def _relative_re() -> tuple[re.Pattern[str], dict[str, tuple[float, int]], dict[str, int]]:
    cfg = _relative_cfg()
    units = {normalize(k).lower(): (float(v[0]), int(v[1])) for k, v in cfg["units"].items()}
    numbers = {normalize(k): int(v) for k, v in cfg["numbers"].items()}
    pre = "|".join(re.escape(normalize(p)) for p in sorted(cfg["prefixes"], key=len, reverse=True))
    unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    num = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
    rx = re.compile(rf"^\W*(?:{pre})\s+(?:(\d{{1,3}}|{num})\s+)?({unit})\W*$", re.I)
    return rx, units, numbers


def relative_stamp(line: str, crawl_date: str | None) -> str | None:
    """The publication day a relative stamp line states, counted back from ``crawl_date``; None otherwise."""
    if not crawl_date or len(line) > int(_relative_cfg()["max_chars"]):
        return None
    rx, units, numbers = _relative_re()
    s = normalize(line).translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    m = rx.match(s)
    if not m:
        return None
    per_unit, implied = units[m.group(2).lower()]
    count = m.group(1)
    n = int(count) if count and count.isdigit() else numbers.get(count or "", implied)
    if n <= 0:
        return None
    try:
        day = dt.date.fromisoformat(crawl_date[:10])
    except ValueError:
        return None
    return (day - dt.timedelta(days=int(n * per_unit))).isoformat()


def find_relative_stamp(lines: list[str], crawl_date: str | None, max_lines: int = 40) -> str | None:
    """The first relative stamp among the page's first ``max_lines`` lines."""
    if not crawl_date:
        return None
    for ln in lines[:max_lines]:
        found = relative_stamp(ln.strip(), crawl_date)
        if found:
            return found
    return None
