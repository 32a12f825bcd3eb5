"""Article extraction: seeds score, header dates vs article stamps, boilerplate, multi-article pages, HTML."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from marsad.extract import ExtractStep, extract_articles
from marsad.extract.stamps import find_date, stamp_date
from marsad.ingest import read_paths
from marsad.model import Page

P1 = ("استقبل الرئيس الفرنسي إيمانويل ماكرون، أمس الثلاثاء في قصر الإليزيه، ولي العهد السعودي الأمير محمد بن سلمان، "
      "وبحث الجانبان العلاقات الثنائية وتطورات الأوضاع في المنطقة.")
P2 = ("وقال بيان للإليزيه إن الرئيسين اتفقا على تعزيز التعاون في مجالات الطاقة والدفاع والثقافة، وعلى مواصلة "
      "التشاور بشأن الأزمات الإقليمية.")


def _text_page(text: str, name: str = "page.txt") -> Page:
    return Page(source_path=f"/tmp/{name}", text=text, content_type="text")


def _html_page(html: str, url: str | None = None) -> Page:
    return Page(source_path="/tmp/page.html", text=html, content_type="html", url=url)


def test_seeds_score_at_least_40_of_42(shared_dir: Path, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("score", shared_dir / "tools" / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    out = tmp_path / "articles.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for page in read_paths([str(p) for p in sorted((shared_dir / "seeds").glob("*.txt"))]):
            assert isinstance(page, Page)
            for art in extract_articles(page):
                f.write(json.dumps(art.record(), ensure_ascii=False) + "\n")
    gold = score.load_jsonl(str(shared_dir / "seeds" / "gold.jsonl"))
    frac = score.score_articles(gold, score.load_jsonl(str(out)))
    assert frac * 42 >= 40 - 1e-9


def test_news_dev_pages_give_bodies_without_ui(shared_dir: Path) -> None:
    dev = shared_dir / "data" / "news_dev"
    pages = [p for p in read_paths([str(dev / "txt"), str(dev / "pages.jsonl")]) if isinstance(p, Page)]
    assert len(pages) >= 18
    for page in pages:
        arts = extract_articles(page)
        assert arts, page.source_path
        for a in arts:
            for ui in ("المشاهدات", "التعليقات", "Advertisements", "مقالات ذات صلة", "اترك تعليقاً"):
                assert ui not in a.text, (page.source_path, ui)
    by_url = {p.url: extract_articles(p)[0] for p in pages if p.url}
    assert all(a.published for a in by_url.values())


def test_header_today_date_is_not_the_publication_date() -> None:
    text = ("الثلاثاء, يناير 21, 2025\n- إعلان -spot_img\n\nالأكثر قراءة\n\n"
            "الرئيسيةأخبارماكرون يستقبل ولي العهد السعودي...\n\n"
            f"ماكرون يستقبل ولي العهد السعودي في الإليزيه\n\nباريس – خاص\n\n{P1}\n\n{P2}\n\nمقالات ذات صلة\n")
    (a,) = extract_articles(_text_page(text))
    assert a.published is None
    assert a.title == "ماكرون يستقبل ولي العهد السعودي في الإليزيه"
    assert a.dateline == "باريس – خاص"
    assert "spot_img" not in a.text and "ذات صلة" not in a.text and a.text.startswith("استقبل")


@pytest.mark.parametrize("line,iso", [
    ("الرياض - واس - 6 أبريل 2023", "2023-04-06"),
    ("الرياض - واس - 15 رمضان 1444 هـ", "2023-04-06"),
])
def test_a_wire_dateline_line_on_top_is_the_publication(line: str, iso: str) -> None:
    """Unlike a site header's bare "today", a first line that names the agency is the story's own stamp."""
    (a,) = extract_articles(_text_page(f"{line}\n{P1}\n\n{P2}\n"))
    assert a.published == iso and a.dateline == "الرياض - واس" and a.title is None


def test_ticker_header_date_then_article_stamp() -> None:
    ticker = "\u00a0\u00a0".join([f"خبر عاجل رقم {i} عن أسعار الذهب والنفط في الأسواق" for i in range(8)])
    text = (f"دمشق \u00a0\u00a021 / 07 / 2018\n{ticker}\n\nأخبار سورية\n\n2016-12-16 15:24:14 \u00a0|\u00a0 الأرشيف\n\n"
            f"ماكرون وبن سلمان يبحثان التعاون\n\n{P1}\n{P2}\n\nعدد القراءات : 981\nexample.com - All rights reserved 2018\n")
    (a,) = extract_articles(_text_page(text))
    assert a.published == "2016-12-16"
    assert a.title == "ماكرون وبن سلمان يبحثان التعاون"
    assert "أسعار الذهب" not in a.text and "القراءات" not in a.text and "rights" not in a.text
    assert a.outlet == "example.com"


def test_two_stamped_articles_in_one_page() -> None:
    text = (f"ماكرون يستقبل ولي العهد السعودي\nنشر في الوطن يوم 22 - 11 - 2017\n\n{P1}\n{P2}\n\n"
            f"السيسي يتلقى اتصالا من أردوغان\nنشر في الوطن يوم 23 - 11 - 2017\n\n{P2}\n{P1}\n\n"
            "انقر هنا لقراءة الخبر من مصدره.\n")
    arts = extract_articles(_text_page(text))
    assert [a.title for a in arts] == ["ماكرون يستقبل ولي العهد السعودي", "السيسي يتلقى اتصالا من أردوغان"]
    assert [a.published for a in arts] == ["2017-11-22", "2017-11-23"]
    assert all(a.outlet == "الوطن" for a in arts)
    assert "السيسي يتلقى" not in arts[0].text and "انقر هنا" not in arts[1].text
    assert len({a.id for a in arts}) == 2 and len({a.page_id for a in arts}) == 1


def test_related_list_and_inline_teaser_end_the_article() -> None:
    text = (f"بوتين يبحث مع ماكرون الوضع في سوريا\n\nدمشق - نورا خوام\n{P1} {P2} وقد يهمك أيضا :  عنوان خبر آخر "
            "لا علاقة له\nView on Example.net\n\nأخبار ذات صلة\n\nخبر أول عن الرياضة…\nخبر ثان عن الفن…\n"
            "خبر ثالث عن الاقتصاد\n")
    (a,) = extract_articles(_text_page(text))
    assert a.dateline == "دمشق - نورا خوام"
    assert a.text.endswith("الإقليمية.") and "يهمك" not in a.text and "الرياضة" not in a.text
    assert a.outlet == "example.net"


def test_hard_wrapped_text_is_rejoined_but_title_kept() -> None:
    text = ("العراق ومصر يوقعان مذكرات تفاهم\nرعى\nرئيس الوزراء العراقي ونظيره المصري، اليوم الخميس، مراسم التوقيع على\n"
            "عدد من مذكرات التفاهم في بغداد بحضور وفدي البلدين.\nوذكر\nالمكتب الإعلامي في بيان أن الجانبين بحثا\n"
            "العلاقات الثنائية وتعزيز التعاون والشراكة بين البلدين.\n")
    (a,) = extract_articles(_text_page(text))
    assert a.title == "العراق ومصر يوقعان مذكرات تفاهم"
    assert a.text.split("\n")[0].startswith("رعى رئيس الوزراء") and len(a.text.split("\n")) == 2


@pytest.mark.parametrize("s,iso", [
    ("نشر في المساء يوم 22 - 11 - 2017", "2017-11-22"),
    ("السبت 16 أغسطس 2025 04:12 صباحاً", "2025-08-16"),
    ("الجمعة ١٦ كانون الأول ٢٠١٦", "2016-12-16"),
    ("الخميس 3 جويلية 2019 - 10:00", "2019-07-03"),
    ("12 أفريل 2021", "2021-04-12"),
    ("25 تشرين الثاني 2020", "2020-11-25"),
    ("date 2025-08-07", "2025-08-07"),
    ("يناير 21, 2025", "2025-01-21"),
    ("16 ديسمبر/كانون الأول 2016", "2016-12-16"),
    ("15 رمضان 1444 هـ", "2023-04-06"),
    ("Friday, 01-Mar-2019 19:25", "2019-03-01"),
])
def test_stamp_dates(s: str, iso: str) -> None:
    found = find_date(s)
    assert found and found[0] == iso
    assert stamp_date(s) is not None


def test_stamp_rejects_sentences_and_bad_dates() -> None:
    assert stamp_date("وقال الرئيس إن الاجتماع المقبل سيعقد في القاهرة يوم 12 مايو 2024 بحضور الوزراء") is None
    assert find_date("31 - 02 - 2020") is None
    assert find_date("12 مايو 1700") is None


HTML_TMPL = """<html lang="ar"><head><meta charset="utf-8"><title>{title} | المثال</title>{meta}</head><body>
<header><div class="date">الأحد 5 مايو 2024</div><nav><a href="/">الرئيسية</a> <a href="/p">سياسة</a></nav></header>
<article><h1>{title}</h1>{inner}<p>{p1}</p><p>{p2}</p></article>
<aside><h3>الأكثر قراءة</h3><ul><li><a href="/1">خبر جانبي عن الرياضة والدوري الممتاز</a></li></ul></aside>
<section class="comments"><h3>التعليقات</h3><p>تعليق طويل من قارئ يقول إن هذا الخبر مهم جدا ويستحق المتابعة.</p></section>
<footer>جميع الحقوق محفوظة © 2024</footer></body></html>"""


def test_html_meta_date_title_outlet() -> None:
    meta = ('<meta property="og:site_name" content="صحيفة المثال"><meta property="article:published_time" '
            'content="2024-05-03T10:00:00+03:00"><link rel="canonical" href="https://www.example.com/n/1">')
    html = HTML_TMPL.format(title="ماكرون يستقبل بن سلمان", meta=meta, inner="", p1=P1, p2=P2)
    (a,) = extract_articles(_html_page(html))
    assert a.title == "ماكرون يستقبل بن سلمان" and a.published == "2024-05-03"
    assert a.outlet == "صحيفة المثال" and a.url == "https://www.example.com/n/1"
    assert "الرياضة" not in a.text and "تعليق طويل" not in a.text and "محفوظة" not in a.text
    assert P1 in a.text


def test_html_jsonld_and_time_and_no_header_date() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-01", '
          '"publisher": {"name": "شبكة المثال"}}</script>')
    (a,) = extract_articles(_html_page(HTML_TMPL.format(title="عنوان", meta=ld, inner="", p1=P1, p2=P2)))
    assert a.published == "2024-05-01" and a.outlet == "شبكة المثال"
    inner = '<time datetime="2024-04-30T08:00:00Z">30 أبريل</time>'
    (b,) = extract_articles(_html_page(HTML_TMPL.format(title="عنوان", meta="", inner=inner, p1=P1, p2=P2),
                                       url="https://news.example.org/x"))
    assert b.published == "2024-04-30" and b.outlet == "news.example.org"
    (c,) = extract_articles(_html_page(HTML_TMPL.format(title="عنوان", meta="", inner="", p1=P1, p2=P2)))
    assert c.published is None  # the header's "today" is not evidence


def test_html_fallback_when_trafilatura_finds_little() -> None:
    html = f"<html><body><div><div>{P1}</div><div>{P2}</div></div></body></html>"
    (a,) = extract_articles(_html_page(html))
    assert "ماكرون" in a.text


def test_extract_step_reports_pages_without_articles() -> None:
    step = ExtractStep()
    out = list(step([_text_page("قائمة\nروابط\nفقط"), _text_page(f"عنوان الخبر هنا\n\n{P1}\n{P2}")]))
    assert len(out) == 1 and len(step.stats.failures) == 1 and "no article" in step.stats.failures[0].reason


def test_samples_all_extract_with_title_and_body(samples_dir: Path) -> None:
    n = 0
    for page in read_paths([str(samples_dir)]):
        assert isinstance(page, Page), page
        arts = extract_articles(page)
        assert arts, page.source_path
        for a in arts:
            n += 1
            assert a.title and len(a.text) >= 100, (page.source_path, page.record, a.title)
            assert a.lang == "ar" and a.id and a.source_path == page.source_path
    assert n >= 15


def test_aggregator_title_template_and_intext_stamp_dateline() -> None:
    text = ("انتم الان تتابعون خبر ماكرون يستقبل بن سلمان في باريس من قسم اخبار العالم والان نترككم مع التفاصيل "
            f"الكاملة\n\nمراسلنا - باريس في الثلاثاء 12 مارس 2024 09:30 مساءً - {P1}\n\n{P2}\n")
    (a,) = extract_articles(_text_page(text))
    assert a.title == "ماكرون يستقبل بن سلمان في باريس"
    assert a.published == "2024-03-12" and a.dateline == "مراسلنا - باريس"


def test_see_also_teaser_inside_article_keeps_the_rest() -> None:
    text = (f"ماكرون يستقبل بن سلمان في باريس\n\n{P1}\n\nاقرأ أيضا:\n\nعنوان خبر آخر عن الرياضة\n\n"
            f"وكان ماكرون {P2}\n\nمقالات ذات صلة\n\nخبر جانبي طويل جدا عن موضوع لا علاقة له بالمقال الأساسي "
            "على الإطلاق وهو هنا للاختبار فقط\n")
    (a,) = extract_articles(_text_page(text))
    assert a.text.split("\n") == [P1, f"وكان ماكرون {P2}"]


def test_short_dated_sentence_is_body_not_a_stamp() -> None:
    text = f"ماكرون يستقبل بن سلمان في باريس\n\n{P1}\nوفي 12 مايو 2024 وقع الطرفان الاتفاق.\n{P2}\n"
    (a,) = extract_articles(_text_page(text))
    assert "وفي 12 مايو 2024 وقع الطرفان الاتفاق." in a.text and a.published is None


def test_scraper_published_hint_is_used() -> None:
    page = _text_page(f"ماكرون يستقبل بن سلمان في باريس\n\n{P1}\n{P2}")
    page.published_hint = "2024-03-20T08:30:00+00:00"
    (a,) = extract_articles(page)
    assert a.published == "2024-03-20"


def test_byline_is_not_the_title_and_relative_time_is_ui() -> None:
    text = (f"اليوم السابع\nالرئيسية\nأخبار عاجلة\nالسيسي يستقبل رئيس وزراء اليونان بقصر الاتحادية\n"
            f"الإثنين، 15 مايو 2023 01:30 م\nكتب محمد أحمد\n{P1}\n{P2}\nمنذ 3 ساعات\nA A A\nالأكثر قراءة\n"
            "خبر أول عن الدوري\nخبر ثان عن الطقس\n")
    (a,) = extract_articles(_text_page(text))
    assert a.title == "السيسي يستقبل رئيس وزراء اليونان بقصر الاتحادية"
    assert a.published == "2023-05-15" and a.dateline == "كتب محمد أحمد"
    assert a.text == f"{P1}\n{P2}"


LEGACY = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>جريدة المثال - الصفحة الأولى</title></head><body><table><tr><td class="menu"><a href="/">الرئيسية</a> |
<a href="/a">محليات</a> | <a href="/b">عربي ودولي</a></td></tr><tr><td><font size="4"><b>الملك عبدالله يبحث مع الرئيس
الفلسطيني تطورات الأوضاع في الضفة</b></font><br><font size="2">عمان - بترا</font><br><br><font size="3">{p1}<br><br>{p2}
</font></td><td><b>الأكثر قراءة</b><br><a href="/x">ارتفاع أسعار الخضار في السوق المركزي</a><br>
<a href="/y">الأمن العام يحذر من المنخفض الجوي</a></td></tr><tr><td>جميع الحقوق محفوظة لجريدة المثال 2009</td></tr>
</table></body></html>"""


def test_legacy_table_layout_cp1256_page(tmp_path: Path) -> None:
    f = tmp_path / "legacy.html"
    f.write_bytes(LEGACY.format(p1=P1, p2=P2).encode("cp1256"))
    (page,) = list(read_paths([str(f)]))
    assert isinstance(page, Page) and page.encoding == "cp1256"
    (a,) = extract_articles(page)
    assert a.title and a.title.startswith("الملك عبدالله يبحث") and a.dateline == "عمان - بترا"
    assert a.text == f"{P1}\n{P2}"


def test_masthead_and_menu_above_title_colon_dateline_footer_links() -> None:
    text = (f"صحيفة الخليج\nالرئيسية\nسياسة\nاقتصاد\nرياضة\nالإمارات تستضيف اجتماعا لوزراء خارجية الخليج\n"
            f"أبوظبي: «الخليج»\n{P1}\n{P2}\nاتصل بنا | من نحن | سياسة الخصوصية\n")
    (a,) = extract_articles(_text_page(text))
    assert a.title == "الإمارات تستضيف اجتماعا لوزراء خارجية الخليج"
    assert a.dateline == "أبوظبي: «الخليج»" and a.text == f"{P1}\n{P2}"


def test_bottom_publication_stamp_and_hijri_companion() -> None:
    (a,) = extract_articles(_text_page(f"ماكرون يستقبل بن سلمان في باريس\n\n{P1}\n{P2}\n\nتاريخ النشر: 12/05/2024\n"))
    assert a.published == "2024-05-12"
    text = f"ماكرون يستقبل بن سلمان في باريس\nالأحد 3 ذو القعدة 1445 هـ الموافق 12 مايو 2024 م\n\n{P1}\n{P2}\n"
    (b,) = extract_articles(_text_page(text))
    assert b.published == "2024-05-12"


def test_html_see_also_inside_article_body() -> None:
    html = (f'<html><head><meta property="og:title" content="ماكرون يستقبل بن سلمان"></head><body><article>'
            f'<h1>ماكرون يستقبل بن سلمان</h1><p>{P1}</p><p><strong>اقرأ أيضا:</strong></p><p><a href="/x">وزير '
            f'الخارجية يلتقي نظيره الأردني</a></p><p>{P2}</p><h3>مقالات ذات صلة</h3><ul><li><a href="/1">خبر أول عن '
            'الدوري والمباريات</a></li></ul></article></body></html>')
    (a,) = extract_articles(_html_page(html))
    assert a.text == f"{P1}\n{P2}"


@pytest.mark.parametrize("line,name", [
    ("جميع الحقوق محفوظة لصحيفة المثال 2023", "صحيفة المثال"),
    ("Copyright © 2024 Example Marsad Network. All rights reserved.", "Example Marsad Network"),
    ("© 2024 جميع الحقوق محفوظة", None),
])
def test_outlet_from_copyright_line(line: str, name: str | None) -> None:
    from marsad.extract.lexicon import lexicon
    from marsad.extract.text import copyright_outlet

    assert copyright_outlet(line, lexicon()) == name


@pytest.mark.parametrize("line,kind", [
    ("وشارك على هامش المؤتمر وزير الخارجية.", "text"),
    ("شارك الخبراء في الندوة.", "text"),
    ("المزيد من الضحايا سقطوا في القصف.", "text"),
    ("شارك الخبر", "ui"),
    ("اتصل بنا | من نحن | سياسة الخصوصية", "ui"),
    ("اقرأ أيضا: بوتين يستقبل أردوغان", "ui"),
    ("اقرأ أيضاً", "related"),
    ("الأخبار الأكثر قراءة", "related"),
    ("عدد القراءات : 981", "ui"),
])
def test_line_kinds_do_not_eat_sentences(line: str, kind: str) -> None:
    from marsad.extract.lexicon import lexicon
    from marsad.extract.text import classify

    assert classify(line, lexicon()).kind == kind


P3 = ("وأشار البيان إلى أن الجانبين اتفقا على تشكيل فريق عمل مشترك لمتابعة تنفيذ ما تم الاتفاق عليه خلال "
      "الأشهر المقبلة.")


@pytest.mark.parametrize("body,published", [
    (f"<p>الأحد 12 مايو 2024 10:30</p><p>{P1}</p><p>{P2}</p>", "2024-05-12"),
    (f"<p>{P1}</p><p>{P2}</p><p>12 مايو 2024</p><p>{P3}</p>", None),
    (f"<p>{P1}</p><p>{P2}</p><p>تاريخ النشر: 12 مايو 2024</p>", "2024-05-12"),
])
def test_html_text_stamps_only_above_or_under_the_body(body: str, published: str | None) -> None:
    html = (f"<html><head><meta property='og:title' content='ماكرون يستقبل بن سلمان'></head><body><article>"
            f"<h1>ماكرون يستقبل بن سلمان</h1>{body}</article></body></html>")
    (a,) = extract_articles(_html_page(html))
    assert a.published == published


# -- held-out layouts (eval/heldout): menus, decks, short tickers, wire codes, labelled HTML stamps -------------------
def test_menu_line_is_never_the_title() -> None:
    for menu in ("الوطني | الدولي | الاقتصاد | الثقافة | الرياضة | الجهات",
                 "محليات    عربي ودولي    اقتصاد    رياضة    ثقافة    محافظات",
                 "الرئيسية   سياسة   اقتصاد   مجتمع   جهات   دولية   رياضة   فن وثقافة"):
        arts = extract_articles(_text_page(f"{menu}\nماكرون يستقبل ولي العهد السعودي في باريس\n{P1}\n{P2}\n"))
        assert arts[0].title == "ماكرون يستقبل ولي العهد السعودي في باريس", menu
        assert menu.split()[0] not in arts[0].text


def test_headline_wins_over_a_longer_deck_and_byline_is_not_body() -> None:
    page = ("الشرق المثال\nالمشرق العربي\nماكرون يستقبل ولي العهد السعودي\n"
            "الرئيسان يبحثان التعاون الدفاعي ويتفقان على مواصلة التشاور بشأن الأزمات\nباريس: فلان الفلاني\n"
            "نُشر: 10:52-8 يوليو 2025 م\n" + P1 + "\n" + P2 + "\n")
    art = extract_articles(_text_page(page))[0]
    assert art.title == "ماكرون يستقبل ولي العهد السعودي"
    assert "فلان الفلاني" not in art.text
    assert art.text.startswith("الرئيسان يبحثان")  # the deck stays as the lead


def test_byline_between_title_and_body_is_not_reflowed_into_them() -> None:
    page = ("ماكرون يستقبل ولي العهد السعودي في باريس\nكتب - محمد السيد\n"
            "استقبل الرئيس الفرنسي ولي العهد السعودي، أمس، وبحثا التعاون.\n" + P2 + "\n")
    art = extract_articles(_text_page(page))[0]
    assert art.title == "ماكرون يستقبل ولي العهد السعودي في باريس"
    assert "كتب" not in art.text


def test_short_three_item_ticker_is_not_an_article() -> None:
    ticker = ("عاجل: وزير الطاقة يبحث مع وفد أجنبي تأمين إمدادات الغاز    محافظ المدينة يتفقد أعمال ترميم الأسواق"
              "    أمطار متفرقة على المناطق الساحلية")
    arts = extract_articles(_text_page(f"{ticker}\nماكرون يستقبل ولي العهد السعودي في باريس\n{P1}\n{P2}\n"))
    assert len(arts) == 1 and "وزير الطاقة" not in arts[0].text


def test_wire_codes_tags_and_widgets_are_boilerplate() -> None:
    tail = ["/ قنا /", "(النهاية) م ع ح / ع ا ب", "الكلمات الدلالية : قطر ، تركيا", "الكلمات المفتاحية بوريطة إسبانيا",
            "#أردوغان #إيران", "انطباعك", "حفظ", "list 2 of 3", "قبل 3 ساعات", "المصدر: الجزيرة + وكالات"]
    art = extract_articles(_text_page("ماكرون يستقبل ولي العهد السعودي\n" + P1 + "\n" + "\n".join(tail) + "\n" + P2))[0]
    for t in tail:
        assert t not in art.text, t


def test_every_month_spelling_of_the_date_tagger_reads_in_stamps() -> None:
    # Moroccan 'نونبر' was known to the tagger but not to the stamp reader: one list now feeds both
    assert stamp_date("الخميس 27 نونبر 2025 - 21:10") == ("2025-11-27", "")
    assert find_date("02 جوان 2025") and find_date("02 جوان 2025")[0] == "2025-06-02"


def test_html_labelled_publication_stamp_outside_the_main_text() -> None:
    html = ("<html><body><div class='top'>الأربعاء 28 مايو 2025</div><div class='article'><h1>ماكرون يستقبل ولي "
            "العهد السعودي في باريس</h1><div class='meta'>تاريخ النشر : الثلاثاء 27 مايو 2025 - 02:00 العدد : 17221"
            f"</div><p>{P1}</p><p>{P2}</p></div></body></html>")
    assert extract_articles(_html_page(html))[0].published == "2025-05-27"


def test_outlet_name_line_above_the_headline_is_a_masthead() -> None:
    page = (f"بي بي سي نيوز عربي\nستارمر يستقبل عباس في لندن ويتعهد بالدعم\nقبل 3 ساعات\n{P1}\n{P2}\n"
            "© 2025 بي بي سي. بي بي سي ليست مسؤولة عن محتوى المواقع الخارجية.\n")
    assert extract_articles(_text_page(page))[0].title == "ستارمر يستقبل عباس في لندن ويتعهد بالدعم"


def test_embedded_tweet_and_caption_are_not_body_and_do_not_end_it() -> None:
    page = ("الملك يستقبل الرئيس الفلسطيني في عمان\n"
            "عمان - 14-4-2025 (بترا) - استقبل الملك، اليوم الاثنين في قصر الحسينية، الرئيس الفلسطيني، وبحثا آخر "
            "التطورات في الضفة الغربية.\n"
            "العاهل الأردني خلال استقباله الرئيس الفلسطيني في قصر الحسينية (الديوان الملكي الهاشمي)\n"
            f"{P2}\n— Royal Hashemite Court (@RHCJO) April 14, 2025\npic.twitter.com/AbCdEf123\n"
            "وحضر اللقاء رئيس الديوان الملكي الهاشمي ومدير مكتب الملك.\nنشر بواسطة: admin\n")
    art = extract_articles(_text_page(page))[0]
    assert art.published == "2025-04-14"  # the agency code between the dateline's date and its dash
    assert "خلال استقباله" not in art.text and "RHCJO" not in art.text and "pic.twitter" not in art.text
    assert art.text.endswith("ومدير مكتب الملك.")


@pytest.mark.parametrize("url,want", [
    ("https://www.example.com/arab-and-world/2025/12/02/macron-mbs", "2025-12-02"),
    ("https://example.com/news/2025-12-02/slug.html", "2025-12-02"),
    ("https://example.com/a/20251202", None),  # a bare number is an id, not a date
    ("https://example.com/2025/13/02/x", None),
    ("https://example.com/story/2025/3/7/slug/123", "2025-03-07"),  # unpadded month and day between slashes
    ("https://example.com/2025/37/x", None),
])
def test_dated_permalink_fills_a_missing_publication_date(url: str, want: str | None) -> None:
    html = (f"<html><head><title>ماكرون يستقبل ولي العهد</title></head><body><article><h1>ماكرون يستقبل ولي العهد"
            f"</h1><p>{P1}</p><p>{P2}</p></article></body></html>")
    assert extract_articles(_html_page(html, url))[0].published == want


@pytest.mark.parametrize("lead,want", [
    ("الدوحة / قنا/ اجتمع", "الدوحة / قنا/"),
    ("أبوظبي في 20 مايو/ وام/ استقبل", "أبوظبي في 20 مايو/ وام/"),
    ("مسقط في 15 سبتمبر /العُمانية/ استقبل", "مسقط في 15 سبتمبر /العُمانية/"),
])
def test_gulf_agency_datelines_with_slashes(lead: str, want: str) -> None:
    art = extract_articles(_text_page(f"ماكرون يستقبل ولي العهد السعودي\n{lead} {P1}\n{P2}\n"))[0]
    assert art.dateline == want


@pytest.mark.parametrize("title", ["ماكرون يستقبل ولي العهد السعودي في باريس - اليوم السابع",
                                   "هسبريس - ماكرون يستقبل ولي العهد السعودي في باريس"])
def test_site_name_beside_the_headline_in_html_title(title: str) -> None:
    html = f"<html><head><title>{title}</title></head><body><div><p>{P1}</p><p>{P2}</p></div></body></html>"
    assert extract_articles(_html_page(html))[0].title == "ماكرون يستقبل ولي العهد السعودي في باريس"


def test_publication_stamp_wins_over_the_update_stamp_under_it() -> None:
    page = ("ماكرون يستقبل ولي العهد السعودي\nنشر في: 03 نوفمبر 2025 - 14:20\nآخر تحديث: 05 نوفمبر 2025 - 16:02\n"
            f"{P1}\n{P2}\n")
    assert extract_articles(_text_page(page))[0].published == "2025-11-03"


def test_source_lines_part_the_items_of_a_digest_page() -> None:
    page = ("موجز الأخبار\nماكرون يستقبل ولي العهد السعودي في باريس\n" + P1 + "\nالمصدر: الوفاق\n"
            "الكويت ترسل طائرة مساعدات إغاثية إلى لبنان\nأرسلت دولة الكويت، اليوم الثلاثاء، طائرة محملة بأربعين طنا "
            "من المساعدات الطبية والغذائية إلى لبنان، وذلك ضمن الجسر الجوي الكويتي لإغاثة المتضررين.\nالمصدر: القبس\n")
    arts = extract_articles(_text_page(page))
    assert [a.title for a in arts] == ["ماكرون يستقبل ولي العهد السعودي في باريس",
                                       "الكويت ترسل طائرة مساعدات إغاثية إلى لبنان"]
    assert all("المصدر" not in a.text for a in arts)


def test_html_cleaner_is_a_declared_dependency() -> None:
    """jusText imports lxml's html cleaner, a separate package since lxml 5.2; pip 23 (what `python3 -m venv`
    ships) ignores the lxml extra that pulls it in, so the project declares it itself."""
    import importlib.util
    import tomllib
    from pathlib import Path

    deps = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("lxml_html_clean") for d in deps)
    assert importlib.util.find_spec("lxml_html_clean") is not None


def test_a_byline_field_is_part_of_the_stamp_line() -> None:
    # "date | كتب: name |": the author's field does not make the stamp a sentence
    assert stamp_date("الخميس 14-03-2024 11:20 | كتب: سامي عبد الرحيم الدسوقي |") == ("2024-03-14", "")
    assert stamp_date("الخميس 14-03-2024 11:20 | وقال الوزير إن المفاوضات ستستأنف قريبا في الدوحة") is None


def test_a_photo_caption_under_the_stamp_is_not_the_title() -> None:
    page = ("وزير الخارجية يزور عمان لبحث ملف المياه\n\nالأحد 10-03-2024 09:15 | كتب: هالة منصور |\n"
            "الوزير لدى وصوله إلى المطار تصوير : أرشيفية\n\n"
            "وصل وزير الخارجية إلى العاصمة الأردنية عمان اليوم في زيارة رسمية تستغرق يومين يبحث خلالها ملف المياه "
            "والتعاون الاقتصادي مع المسؤولين الأردنيين، بحسب بيان للوزارة.\n\n"
            "وقال الوزير في تصريحات للصحفيين إن العلاقات بين البلدين تشهد تطورا مستمرا في مختلف المجالات.\n")
    a = extract_articles(Page(source_path="x.txt", url=None, raw=None, text=page, content_type="text"))[0]
    assert a.title == "وزير الخارجية يزور عمان لبحث ملف المياه" and a.published == "2024-03-10"


@pytest.mark.parametrize("line,iso,place", [
    ("مقديشو 2 يناير 2024 م", "2024-01-02", "مقديشو"),  # city + date (+ era mark)
    ("بيروت (رويترز) – 2 يناير 2024", "2024-01-02", "بيروت (رويترز)"),  # city (agency) – date
    ("القاهرة، الأربعاء 3 يناير 2024", "2024-01-03", "القاهرة"),  # city, weekday date
    ("تونس في 3 مارس 2022", "2022-03-03", "تونس"),  # city في date
    ("عمّان – 2 يناير 2024 (بترا)", "2024-01-02", "عمّان"),  # city – date (agency)
])
def test_a_city_and_date_first_line_is_the_dateline_and_the_publication(line: str, iso: str, place: str) -> None:
    """A first line that puts a place before the date is the story's dateline, unlike a site header's "today"."""
    (a,) = extract_articles(_text_page(f"{line}\n{P1}\n\n{P2}\n"))
    assert a.published == iso and a.dateline == place and a.title is None and a.text.startswith("استقبل")
    html = (f"<html><head><title>ماكرون يستقبل ولي العهد</title></head><body><h1>ماكرون يستقبل ولي العهد السعودي"
            f"</h1><article><p>{line}</p><p>{P1}</p><p>{P2}</p></article></body></html>")
    (h,) = extract_articles(_html_page(html))
    assert h.published == iso and h.dateline == place and h.text.startswith("استقبل")


@pytest.mark.parametrize("line", ["الثلاثاء 2 يناير 2024", "2 يناير 2024", "اليوم 2 يناير 2024", "التوقيت الإثنين، 25 نوفمبر 2024",
                                  "نشر في 2 يناير 2024 - آخر تحديث"])
def test_a_date_with_no_place_before_it_is_no_dateline(line: str) -> None:
    from marsad.extract.lexicon import lexicon
    from marsad.extract.text import dated_dateline

    assert dated_dateline(line, lexicon()) is None


@pytest.mark.parametrize("lead,iso,place", [
    ("باريس، 2 يناير 2024 - ", "2024-01-02", "باريس"),
    ("باريس - 2 يناير 2024: ", "2024-01-02", "باريس"),
    ("باريس 2 يناير 2024 (أ ف ب) - ", "2024-01-02", "باريس"),
    ("باريس (أ ف ب) – 2 يناير 2024 – ", "2024-01-02", "باريس (أ ف ب)"),
    ("أعلن الرئيس في 2 يناير 2024 - ", "2024-01-02", None),  # a clause and its date: no place
])
def test_a_city_and_date_dateline_opening_the_first_paragraph(lead: str, iso: str, place: str | None) -> None:
    (a,) = extract_articles(_text_page(f"{lead}{P1}\n\n{P2}\n"))
    assert a.published == iso and a.dateline == place
