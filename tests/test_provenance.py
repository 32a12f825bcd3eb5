"""Where an article's publication date and outlet come from: one test per source of evidence."""

from __future__ import annotations

import json
from pathlib import Path

from marsad.extract import extract_articles
from marsad.extract.provenance import agency_in, domain_table, outlet_for_domain, relative_stamp
from marsad.model import Page

P1 = ("استقبل الرئيس المصري عبد الفتاح السيسي اليوم في قصر الاتحادية بالقاهرة رئيس الوزراء اليوناني وبحث معه "
      "العلاقات الثنائية بين البلدين وسبل تعزيزها في مختلف المجالات.")
P2 = ("وأكد الجانبان خلال اللقاء أهمية مواصلة التنسيق والتشاور إزاء القضايا الإقليمية والدولية ذات الاهتمام "
      "المشترك، وفق بيان للرئاسة المصرية صدر عقب المباحثات.")
TITLE = "السيسي يستقبل رئيس وزراء اليونان بقصر الاتحادية"


def _text(text: str, path: str = "/tmp/page.txt", **kw: object) -> Page:
    return Page(source_path=path, text=text, content_type="text", **kw)  # type: ignore[arg-type]


def _html(head: str, body: str = "", url: str | None = None, **kw: object) -> Page:
    html = (f"<html><head>{head}<title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{body}"
            f"<p>{P1}</p><p>{P2}</p></article></body></html>")
    return Page(source_path="/tmp/page.html", text=html, content_type="html", url=url, **kw)  # type: ignore[arg-type]


def _one(page: Page):  # noqa: ANN202 - an Article
    (a,) = extract_articles(page)
    return a


def test_date_from_text_stamp() -> None:
    a = _one(_text(f"{TITLE}\nنشر في: الإثنين، 15 مايو 2023 01:30 م\n{P1}\n{P2}\n"))
    assert (a.published, a.published_source) == ("2023-05-15", "text_stamp")


def test_date_from_meta() -> None:
    a = _one(_html('<meta property="article:published_time" content="2024-04-17T10:00:00+03:00">'))
    assert (a.published, a.published_source) == ("2024-04-17", "meta")


def test_date_from_jsonld() -> None:
    ld = json.dumps({"@type": "NewsArticle", "datePublished": "2024-07-09T08:00:00Z",
                     "publisher": {"@type": "Organization", "name": "شبكة المرصد"}}, ensure_ascii=False)
    a = _one(_html(f'<script type="application/ld+json">{ld}</script>'))
    assert (a.published, a.published_source) == ("2024-07-09", "jsonld")
    assert (a.outlet, a.outlet_source) == ("شبكة المرصد", "page")


def test_date_from_itemprop_markup() -> None:
    a = _one(_html("", '<time itemprop="datePublished" datetime="2024-02-28">28 فبراير</time>'))
    assert (a.published, a.published_source) == ("2024-02-28", "markup")


def test_date_from_dated_permalink() -> None:
    a = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", url="https://www.youm7.com/story/2017/11/22/slug/123"))
    assert (a.published, a.published_source) == ("2017-11-22", "permalink")


def test_date_from_jsonl_published_field() -> None:
    a = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", published_hint="2024-03-20T08:30:00+00:00"))
    assert (a.published, a.published_source) == ("2024-03-20", "feed")


def test_page_date_is_trusted_over_the_feed() -> None:
    a = _one(_text(f"{TITLE}\nنشر في: الإثنين، 15 مايو 2023 01:30 م\n{P1}\n{P2}\n", published_hint="2024-01-01"))
    assert (a.published, a.published_source) == ("2023-05-15", "text_stamp")


def test_relative_stamp_against_the_crawl_date() -> None:
    a = _one(_text(f"{TITLE}\nمنذ يومين\n{P1}\n{P2}\n", crawl_date="2024-01-10"))
    assert (a.published, a.published_source) == ("2024-01-08", "relative_stamp")
    assert relative_stamp("منذ ساعتين", "2024-01-10") == "2024-01-10"
    assert relative_stamp("قبل 3 أيام", "2024-01-10") == "2024-01-07"
    assert relative_stamp("قبل يومين من انتهاء المهلة", "2024-01-10") is None  # a sentence, not a stamp


def test_warc_date_is_a_flagged_bound_not_the_date() -> None:
    a = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", crawl_date="2024-01-10"))
    assert a.published is None and a.published_source == "crawl_date" and a.crawl_date == "2024-01-10"


def test_warc_record_date_reaches_the_article(tmp_path: Path) -> None:
    from marsad.ingest import read_paths

    samples = Path(__file__).resolve().parent.parent / "samples" / "warc" / "crawl_sample.warc.gz"
    pages = [p for p in read_paths(str(samples)) if isinstance(p, Page)]
    arts = [a for p in pages for a in extract_articles(p)]
    assert arts and all(a.crawl_date == "2023-10-12" for a in arts)
    assert all(a.published_source in ("meta", "jsonld", "markup", "text_stamp", "permalink") for a in arts)


def test_outlet_from_the_page() -> None:
    a = _one(_html('<meta property="og:site_name" content="صحيفة المثال">', url="https://www.youm7.com/x"))
    assert (a.outlet, a.outlet_source) == ("صحيفة المثال", "page")
    assert a.outlet_country == "EGY"  # the table still gives the domain's country


def test_outlet_from_the_domain_table() -> None:
    a = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", url="https://arabic.rt.com/world/1234-x/"))
    assert (a.outlet, a.outlet_source, a.outlet_country) == ("روسيا اليوم", "table", "RUS")


def test_outlet_is_the_bare_domain_last() -> None:
    a = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", url="https://news.unknown-example.org/a/1"))
    assert (a.outlet, a.outlet_source) == ("news.unknown-example.org", "domain")


def test_outlet_from_an_agency_code_without_url() -> None:
    a = _one(_text(f"{TITLE}\nالرياض (واس) - {P1}\n{P2}\n"))
    assert a.outlet_source == "agency" and a.wire == "Saudi Press Agency"
    assert agency_in(None, "ذكرت وكالة الأنباء الروسية تاس، أن الرئيس") is None  # a mention is no dateline


def test_outlet_from_the_file_name_is_the_last_resort() -> None:
    a = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", path="/data/txt/001_cairo24.com.txt"))
    assert (a.outlet, a.outlet_source) == ("القاهرة 24", "file")
    b = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", path="/data/almasaa/page_7.txt"))
    assert (b.outlet, b.outlet_source) == ("almasaa", "file")
    c = _one(_text(f"{TITLE}\n{P1}\n{P2}\n", path="/data/txt/page_7.txt"))
    assert (c.outlet, c.outlet_source) == ("page_7", "file")  # a generic folder name says nothing


def test_the_outlet_table_is_large_and_well_formed() -> None:
    table = domain_table()
    assert len(table) >= 300
    assert all(o.name_ar and o.name_en for o in table.values())
    assert all(o.country is None or len(o.country) == 3 for o in table.values())
    assert outlet_for_domain("com.sa") is None


def test_every_article_of_the_seeds_news_dev_and_samples_has_an_outlet(shared_dir: Path, samples_dir: Path,
                                                                        tmp_path: Path) -> None:
    from marsad.runner import ingest_paths
    from marsad.store import Store

    db = tmp_path / "p.db"
    ingest_paths([str(shared_dir / "seeds"), str(shared_dir / "data" / "news_dev"), str(samples_dir)], db,
                 stages=[])
    with Store(db) as st:
        arts = list(st.articles())
    assert len(arts) >= 40
    assert all(a["outlet"] and a["outlet_source"] for a in arts)
    dated = [a for a in arts if a["published"]]
    assert all(a["published_source"] for a in dated)
