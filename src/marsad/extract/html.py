"""HTML pages → article parts: trafilatura tuned for precision, a fallback cascade, and metadata with evidence.

Dates come only from the page's article metadata (meta tags, JSON-LD, <time> in the article) or a stamp line in the
extracted text; trafilatura's own date guessing is not used, because it can pick up a crawl or header date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from copy import copy
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from ..arabic import normalize
from ..settings import section
from .caps import cap_attributes, cap_depth
from .lexicon import Lexicon, lexicon
from .stamps import find_date, has_time, stamp_date
from .text import (
    _PUBLISH_WORDS,
    RELATED,
    STAMP,
    TEXT,
    Line,
    Parts,
    _dateline_line,
    _inline_dateline,
    _intext_stamp,
    classify,
    copyright_outlet,
    dated_dateline,
    extract_parts,
    inline_dated_dateline,
)

_DATE_KEYS = (
    "article:published_time", "og:published_time", "article:published", "published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "dc.date.issued", "dcterms.issued", "dc.date",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published", "date",
)
_TITLE_KEYS = ("og:title", "twitter:title", "headline", "title")
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "twitter:site")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "webpage", "report", "opinionnewsarticle", "backgroundnewsarticle"}


def _iso(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    m = _ISO.search(value)
    if m:
        return _valid(m.group(0))
    found = find_date(value)
    return found[0] if found else None


def _valid(iso: str) -> str | None:
    lx = lexicon()
    try:
        y = int(iso[:4])
        dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return iso if int(lx.cfg["min_year"]) <= y <= int(lx.cfg["max_year"]) else None


def _text(el: HtmlElement | None) -> str | None:
    return _clean(el.text_content()) if el is not None else None


def _jsonld(scripts: list[HtmlElement]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in scripts:
        if (node.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(node.text or "")
        except (json.JSONDecodeError, ValueError):
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                if "@graph" in d:
                    stack.append(d["@graph"])
                t = d.get("@type")
                types = {str(x).lower() for x in (t if isinstance(t, list) else [t])}
                if types & _ARTICLE_TYPES:
                    out.append(d)
    # articles before generic web pages
    out.sort(key=lambda d: "webpage" in str(d.get("@type")).lower())
    return out


def _inside(el: HtmlElement, tags: tuple[str, ...]) -> bool:
    return any(a.tag in tags for a in el.iterancestors())


def _date_nodes(tree: HtmlElement) -> list[HtmlElement]:
    """Elements that state the article's date: itemprop=datePublished, then <time> marked as the publication or
    inside the <article> (a <time> in the site header is not evidence)."""
    out = list(tree.xpath('//*[@itemprop="datePublished"]'))
    for t in tree.iter("time"):
        cls = (t.get("class") or "").lower()
        if t.get("pubdate") is not None or "publish" in cls or "entry-date" in cls or _inside(t, ("article",)):
            out.append(t)
    return out


_PUB_LABEL = re.compile(r"تاريخ النشر|نشر في|نشر بتاريخ|تم النشر|published|posted", re.I)


def _labelled_stamp(tree: HtmlElement) -> str | None:
    """'تاريخ النشر : الثلاثاء 27 مايو 2025' in a meta <div> that the main-text extractor drops: a short element
    that labels its date as the publication date (a bare header date, the site's 'today', has no such label)."""
    # an element's text is a stretch of the page's text: no label in the page, none in any element (one pass
    # instead of one text_content() per element, most pages having no such label)
    if not _PUB_LABEL.search(" ".join(tree.text_content().split())):
        return None
    for el in tree.iter("div", "span", "p", "li", "small", "em", "time"):
        txt = " ".join(el.text_content().split())
        if not txt or len(txt) > 100 or not _PUB_LABEL.search(txt):
            continue
        st = stamp_date(txt)
        if st:
            return st[0]
    return None


def _head_elements(tree: HtmlElement) -> tuple[dict[str, str], list[HtmlElement], list[HtmlElement],
                                              HtmlElement | None, str | None]:
    """(meta name → content, <script>s, <h1>s, the first <title>, the canonical link's href), in one walk of the
    tree rather than one per kind; the first of each in document order wins, as before."""
    metas: dict[str, str] = {}
    scripts: list[HtmlElement] = []
    h1s: list[HtmlElement] = []
    title: HtmlElement | None = None
    canon: str | None = None
    for el in tree.iter("meta", "script", "h1", "title", "link"):
        tag = el.tag
        if tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
            val = el.get("content")
            if key and val and key not in metas:
                metas[key] = val.strip()
        elif tag == "script":
            scripts.append(el)
        elif tag == "h1":
            h1s.append(el)
        elif tag == "title":
            if title is None and el is not tree:
                title = el
        elif canon is None and el.get("rel") == "canonical" and el.get("href") is not None:
            canon = el.get("href")
    return metas, scripts, h1s, title, canon


def metadata(tree: HtmlElement) -> dict[str, Any]:
    """Title, published date (with evidence), outlet, url and language from meta tags, JSON-LD and <time>."""
    metas, scripts, h1s, title_el, canon = _head_elements(tree)
    md: dict[str, Any] = {}
    for d in _jsonld(scripts):
        if not md.get("published"):
            md["published"] = _iso(d.get("datePublished")) or _iso(d.get("dateCreated"))
            md["published_source"] = "jsonld" if md["published"] else None
        if isinstance(d.get("headline"), str) and d["headline"].strip():
            md.setdefault("ld_title", d["headline"].strip())
        pub = d.get("publisher")
        if isinstance(pub, dict) and isinstance(pub.get("name"), str):
            md.setdefault("outlet", pub["name"].strip())
        if isinstance(d.get("url"), str) and d["url"].startswith("http"):
            md.setdefault("url", d["url"])
    if not md.get("published"):
        for k in _DATE_KEYS:
            if k in metas and (iso := _iso(metas[k])):
                md["published"], md["published_source"] = iso, "meta"
                break
    if not md.get("published"):
        for node in _date_nodes(tree):
            iso = _iso(node.get("datetime") or node.get("content") or node.text_content())
            if iso:
                md["published"], md["published_source"] = iso, "markup"
                break
    if not md.get("published"):
        md["published"] = _labelled_stamp(tree)
        md["published_source"] = "markup" if md["published"] else None
    md["title"] = metas.get("og:title") or metas.get("twitter:title") or md.get("ld_title")
    h1 = next((h for h in h1s if _inside(h, ("article", "main"))), h1s[0] if h1s else None)
    md["h1"] = _text(h1)
    md["html_title"] = _text(title_el)
    md["outlet"] = md.get("outlet") or metas.get("og:site_name") or metas.get("application-name")
    md["canonical"] = canon or metas.get("og:url") or md.get("url")
    md["lang"] = (tree.get("lang") or "")[:2].lower() if tree.tag == "html" else ""
    return md


def _footer_outlet(tree: HtmlElement, lx: Lexicon) -> str | None:
    """Outlet named in a copyright line of the footer, for pages with no site name and no URL."""
    for el in tree.iter("footer", "div", "p", "td", "span"):
        t = el.text_content()
        if len(t) <= 160 and ("©" in t or "محفوظ" in t):
            name = copyright_outlet(" ".join(t.split()), lx)
            if name:
                return name
    return None


def _clean(s: str | None) -> str | None:
    if not s:
        return None
    s = " ".join(s.split())
    return s or None


def _strip_site(title: str, site: str | None, host: str | None) -> str:
    """'Headline | Site' → 'Headline' when the tail is the site's name or host."""
    for sep in (" | ", " - ", " – ", " — ", " :: ", " « ", " » "):
        if sep in title:
            head, _, tail = title.rpartition(sep)
            nt = normalize(tail)
            if (site and (nt == normalize(site) or normalize(site) in nt)) or (host and host.split(".")[0] in nt):
                return head.strip()
            # a short tail after a pipe is the site's name; after a dash it may be part of the headline
            if sep in (" | ", " :: ") and len(tail.split()) <= 3 < len(head.split()):
                return head.strip()
            # "Headline - اليوم السابع", "هسبريس - Headline": a site name of one to three words beside a full
            # headline, on a page that names no site (no og:site_name, no URL)
            if not site and not host and sep == " - " and title.count(sep) == 1 and not re.search(r"\d", title):
                first, last = title.split(sep)
                if len(last.split()) <= 3 and len(first.split()) >= 5:
                    return first.strip()
                if len(first.split()) <= 2 and len(last.split()) >= 5:
                    return last.strip()
    return title


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        h = urlsplit(url).hostname
    except ValueError:
        return None
    return h.removeprefix("www.") if h else None


def _density_paragraphs(tree: HtmlElement) -> list[str]:
    """Fallback: the <p> paragraphs under the element that holds the most paragraph text."""
    scores: dict[Any, int] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(p.text_content().strip())
    if not scores:
        body = tree.find(".//body")
        text = body.text_content() if body is not None else tree.text_content()
        return [x.strip() for x in text.split("\n") if x.strip()]
    best = max(scores, key=lambda k: scores[k])
    return [t for p in best.iter("p") if (t := _clean(p.text_content()))]


@lru_cache(maxsize=1)
def _caps() -> tuple[int, int]:
    """([budget] max_tag_attributes, max_html_depth), read once."""
    b = section("budget")
    return int(b.get("max_tag_attributes", 200)), int(b.get("max_html_depth", 200))


@lru_cache(maxsize=4)
def _extractor(precision: bool, tables: bool) -> Any:
    """trafilatura's options, built once: building them reads its config file's values on every call."""
    from trafilatura.settings import Extractor

    return Extractor(fast=True, precision=precision, comments=False, tables=tables, links=False, images=False,
                     with_metadata=False, dedup=False)


def _main_text(tree: HtmlElement, url: str | None, lx: Lexicon, errors: list[str]) -> tuple[str, str]:
    """(text, which extractor) — trafilatura, then trafilatura's baseline, then paragraph density. An extractor's
    exception lets the next one try; what it said is added to ``errors`` (so an empty result names its cause)."""
    import trafilatura

    c = lx.cfg
    need = int(c["html_min_chars"])
    candidates: list[tuple[str, str]] = []
    try:
        opts = _extractor(bool(c["favor_precision"]), bool(c["include_tables"]))
        if url is not None:  # trafilatura never writes to the options it is given: only a URL needs a copy
            opts = copy(opts)
            opts.url = url
        text = trafilatura.extract(tree, options=opts)
    except Exception as e:  # noqa: BLE001 - a parser failure on one page falls through to the next extractor
        errors.append(f"trafilatura: {type(e).__name__}: {e}")
        text = None
    if text and len(text) >= need:
        return text, "trafilatura"
    candidates.append((text or "", "trafilatura"))
    try:
        _, base, _ = trafilatura.baseline(copy(tree))
    except Exception as e:  # noqa: BLE001
        errors.append(f"baseline: {type(e).__name__}: {e}")
        base = ""
    if base and len(base) >= need:
        return base, "baseline"
    candidates.append((base or "", "baseline"))
    try:
        dens = "\n".join(_density_paragraphs(tree))
    except Exception as e:  # noqa: BLE001
        errors.append(f"density: {type(e).__name__}: {e}")
        dens = ""
    candidates.append((dens, "density"))
    return max(candidates, key=lambda x: len(x[0]))


def _clean_lines(text: str, lx: Lexicon, title: str | None) -> tuple[list[str], str | None]:
    """Drop UI/ticker/menu lines, stop at a related-block header; return paragraphs and a stamp date if any."""
    out: list[str] = []
    stamps: list[tuple[int, Line]] = []  # (paragraphs before it, stamp line)
    nt = normalize(title) if title else None
    teasers = 0  # short lines still to skip after a "see also" header inside the body
    for raw in text.split("\n"):
        ln = classify(raw, lx)
        if ln.kind == RELATED and out:
            nh = normalize(ln.text).strip(" :：-–—.…")
            if any(nh == h or nh.startswith(h) for h in lx.inline_headers):
                teasers = 2  # 'اقرأ أيضا' + a teaser or two, then the article goes on
                continue
            break
        if teasers and ln.kind == TEXT and not ln.long:
            teasers -= 1
            continue
        teasers = 0
        if ln.kind == STAMP:
            stamps.append((len(out), ln))
            continue
        if ln.kind != TEXT:
            continue
        if nt and not out and abs(len(ln.text) - len(nt)) <= 5 + len(nt) // 5 and normalize(ln.text) == nt:
            continue  # the headline repeated at the top of the body
        out.append(ln.text)
    while out and not out[-1].rstrip(" \"'”»)").endswith((".", "!", "?", "؟")) and len(out[-1].split()) < 5:
        out.pop()
    # a stamp counts above the body (before its second paragraph) or as a publication stamp under it
    stamp = next((ln.date for k, ln in stamps if k <= 1), None)
    if stamp is None:
        stamp = next((ln.date for k, ln in stamps if k >= len(out) and (has_time(ln.text)
                      or _PUBLISH_WORDS.search(ln.text))), None)
    return out, stamp


def _top_dateline(text: str, lx: Lexicon) -> str | None:
    """The place of a "city + date" stamp line that opens the main text, if one does."""
    first = next((x for x in text.split("\n", 8) if x.strip()), "")
    return dated_dateline(first, lx) if classify(first, lx).kind == STAMP else None


def _article_nodes(tree: HtmlElement, lx: Lexicon) -> list[HtmlElement]:
    """Several full articles on one page: <article> elements (not wrappers), each with a heading and a real body."""
    min_chars = int(lx.cfg["multi_article_min_chars"])
    arts = []
    for a in tree.xpath("//article[not(.//article)]"):
        if not a.xpath(".//h1|.//h2|.//h3"):
            continue
        paras = [n for n in (len(p.text_content().strip()) for p in a.iter("p")) if n]
        # two paragraphs at least: listing pages show one-paragraph teasers in <article> cards
        if len(paras) >= 2 and sum(paras) >= min_chars:
            arts.append(a)
    return arts if len(arts) >= 2 else []


def extract_html(html: str, url: str | None = None, lx: Lexicon | None = None) -> tuple[list[Parts], dict[str, Any]]:
    import trafilatura.utils

    lx = lx or lexicon()
    max_attrs, max_depth = _caps()
    html, n_attr = cap_attributes(html, max_attrs)
    html, n_deep = cap_depth(html, max_depth)
    capped = {"capped_tags": n_attr + n_deep} if n_attr + n_deep else {}
    tree = trafilatura.utils.load_html(html)  # one lxml parse, shared by the metadata and trafilatura
    if tree is None:
        return [], {"url": url, "extractor": None, "errors": ["lxml could not parse the page"]}
    md = metadata(tree)
    page_url = url or md.get("canonical")
    host = _host(page_url)
    outlet = md.get("outlet") or host or _footer_outlet(tree, lx)
    title = md.get("title") or md.get("h1") or md.get("html_title")
    if title:
        title = _strip_site(_clean(title) or title, md.get("outlet"), host)
    multi = _article_nodes(tree, lx) if html.count("<article") + html.count("<ARTICLE") >= 2 else []
    parts: list[Parts] = []
    if multi:
        for a in multi:
            h = (a.xpath("(.//h1|.//h2|.//h3)[1]") or [None])[0]
            t = (a.xpath("(.//time)[1]") or [None])[0]
            date = _iso(t.get("datetime") or t.text_content()) if t is not None else None
            paras = [_clean(p.text_content()) or "" for p in a.iter("p")]
            body, stamp = _clean_lines("\n".join(x for x in paras if x), lx, None)
            if body:
                parts.append(Parts(title=_text(h), published=date or stamp,
                                   outlet=outlet, paragraphs=body,
                                   dateline=_inline_dateline(body[0], lx),
                                   published_source="markup" if date else "text_stamp" if stamp else None))
        if parts:
            return parts, {**md, "url": page_url, "extractor": "articles"}
    errors: list[str] = []
    text, how = _main_text(tree, page_url, lx, errors)
    md = {**md, **capped, "errors": errors}
    if how in ("baseline", "density") or not (md.get("title") or md.get("h1")):
        # a rough extraction (menus and all) or no headline in the markup: read it as page text
        found = extract_parts(text, lx)
        if found:
            for p in found:
                p.title = p.title or title
                if md.get("published"):
                    p.published, p.published_source = md["published"], md.get("published_source")
                p.outlet = md.get("outlet") or p.outlet or host
            return found, {**md, "url": page_url, "extractor": how + "+text"}
    body, stamp = _clean_lines(text, lx, title)
    dateline = _top_dateline(text, lx)  # "مقديشو 2 يناير 2024 م" above the body: its stamp already dates it
    if dateline is None and len(body) > 1 and _dateline_line(body[0], lx):
        dateline = body.pop(0)  # "الرياض - واس" on its own line
    if not body:
        return [], {**md, "url": page_url, "extractor": how}
    inline = inline_dated_dateline(body[0], lx)  # "باريس، 2 يناير 2024 - ..."
    published = md.get("published") or stamp or _intext_stamp(body[0], lx) or (inline[1] if inline else None)
    how_dated = md.get("published_source") if md.get("published") else "text_stamp" if published else None
    dateline = dateline or (inline[0] if inline else None) or _inline_dateline(body[0], lx)
    parts.append(Parts(title=title, published=published, dateline=dateline, outlet=outlet, paragraphs=body,
                       published_source=how_dated))
    return parts, {**md, "url": page_url, "extractor": how}
