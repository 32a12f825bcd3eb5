"""Extract: Page → clean Article(s): main text, title, publication date, outlet, dateline; several per page when the
page holds several stamped articles."""

from __future__ import annotations

import datetime as dt
import re

from ..dates.today import stated_today
from ..model import Article, Page
from ..pipeline import MapStep
from ..settings import section
from .html import _host, extract_html
from .lexicon import lexicon
from .provenance import find_relative_stamp, resolve_outlet, wire_of
from .stamps import find_date
from .text import Parts, extract_parts

_ARABIC = re.compile("[\u0600-\u06ff]+")
_LATIN = re.compile("[A-Za-z]+")


def _lang(text: str, hint: str | None = None) -> str:
    sample = text[:800]  # enough to tell the script; counting the whole text costs as much as extracting it
    # letters counted by what a substitution removes: one C pass, no list of matches
    ar = len(sample) - len(_ARABIC.sub("", sample))
    la = len(sample) - len(_LATIN.sub("", sample))
    if ar >= la:
        return "ar"
    return hint or ("en" if la else "und")


def _hint_date(hint: str | None) -> str | None:
    if not hint:
        return None
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", hint)
    if m:
        return m.group(1)
    found = find_date(hint)
    return found[0] if found else None


# "/2017/11/22/", "/2017-11-22-slug" and "/2017/1122/" (People's Daily): a year, month and day in the path
# ("/20251202" is as often an id as a date: not taken)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})(?:[/-](0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
                       r"|/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/)")  # youm7's /story/2023/9/12/: unpadded


def _url_date(url: str | None) -> str | None:
    """'…/2025/12/02/slug': a dated permalink states the publication day (the page's own, never a header's)."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or m.group(4)), int(m.group(3) or m.group(5))).isoformat()
    except ValueError:
        return None


_TAG = re.compile(r"<[^>]*>")
_TODAY_WINDOW = 600  # characters of the body where a stated "today" is the writing day, not a quoted one


def _lines(text: str, content_type: str) -> list[str]:
    """The page's text lines; for HTML, the text between tags (enough to find a short stamp element)."""
    if content_type == "html":
        return [x for x in (ln.strip() for ln in _TAG.sub("\n", text[:200_000]).split("\n")) if x]
    return text.split("\n")


def extract_articles(page: Page, errors: list[str] | None = None) -> list[Article]:
    """All articles in ``page`` (usually one; none when the page holds no article text). What the HTML extractors
    raised on the way is added to ``errors``."""
    text = page.text if page.text is not None else (page.raw or b"").decode("utf-8", "replace")
    lx = lexicon()
    url = page.url
    lang_hint = None
    md: dict = {}
    if page.content_type == "html":
        parts, md = extract_html(text, url, lx)
        url = url or md.get("url")
        lang_hint = md.get("lang") or None
    else:
        parts = extract_parts(text, lx)
    if errors is not None:
        errors.extend(md.get("errors") or [])
    hint = _hint_date(page.published_hint)
    page_id = page.id  # a content hash of the whole page: compute it once, not per article
    page_key = page.url or f"{page.source_path}#{page.record}"  # what an edited version of the page shares
    host = _host(url)
    relative: str | None = None  # a "منذ ساعتين" stamp against the crawl date, looked for once per page
    out: list[Article] = []
    for p in parts:
        body = p.text.strip()
        if not body:
            continue
        outlet, outlet_source, row = resolve_outlet(p.outlet, host, p.dateline, body[:120], page.source_path)
        # the order of trust is documented in extract/provenance.py
        published, how = p.published, p.published_source if p.published else None
        if hint and not published:
            published, how = hint, "feed"  # the scraper's date describes the page: it fills the page's gap
        if published is None and len(parts) == 1 and (published := _url_date(url)):
            how = "permalink"  # a dated permalink fills the gap when the page states no date
        if published is None and (published := stated_today(body, 0, _TODAY_WINDOW)):
            how = "stated_today"  # "اليوم الاثنين 23 جانفي 2017" near the top: the day the piece was written
        if published is None and page.crawl_date:
            if relative is None:
                relative = find_relative_stamp(_lines(text, page.content_type), page.crawl_date) or ""
            published, how = (relative, "relative_stamp") if relative else (None, "crawl_date")
        # the id keeps the page's own outlet name (or host), as before the outlet table: stored ids stay valid
        art = Article(
            id=Article.make_id(p.outlet or host, p.title, body), source_path=page.source_path, text=body, url=url,
            outlet=outlet, title=p.title, published=published, dateline=p.dateline,
            lang=_lang(body, lang_hint), crawl_date=page.crawl_date, page_id=page_id, page_key=page_key,
            page_record=page.record, published_source=how, outlet_source=outlet_source,
            outlet_country=row.country if row else None, wire=wire_of(p.dateline, body[:120]),
        )
        out.append(art)  # several articles from one page share page_id; their ids differ by title and text
    return out


class ExtractStep(MapStep):
    """Input: Page. Output: Article (0..n per page). A page with no article text is reported as a failure."""

    name = "extract"
    requires = ("page",)
    provides = ("article",)

    def __init__(self, max_chars: int | None = None) -> None:
        super().__init__()
        self.max_chars = int(section("budget").get("max_article_chars", 300_000) if max_chars is None else max_chars)

    def process(self, item: Page) -> list[Article]:
        errors: list[str] = []
        arts = extract_articles(item, errors)
        if not arts:
            why = f" ({'; '.join(errors)})" if errors else ""  # e.g. a missing lxml_html_clean, said outright
            self.fail(item.source_path, f"no article text found on the page{why}", item.record or None)
        elif len(arts) > 1:
            self.count("multi_article_pages")
        if self.max_chars > 0 and any(len(a.text) > self.max_chars for a in arts):
            # the later stages are linear in the text, but not cheap: such a "page" is junk, say so and skip it
            n = max(len(a.text) for a in arts)
            self.fail(item.source_path, f"extract: article text of {n:,} characters is over the limit of "
                      f"{self.max_chars:,} (settings [budget] max_article_chars)", item.record or None)
            return []
        self.count("articles", len(arts))
        return arts


__all__ = ["ExtractStep", "Parts", "extract_articles", "extract_html", "extract_parts"]
