#!/usr/bin/env python3
"""Write the samples that are not plain UTF-8 text, reproducibly: a windows-1256 HTML page, a gzipped WARC with
three response records (plus a request record that readers must skip) and a JSONL feed.

Run from anywhere: `python samples/make_binary_samples.py`. Output is byte-identical between runs (fixed dates,
gzip mtime 0), so regenerating does not dirty git.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

CP1256_PAGE = """<!DOCTYPE html>
<html lang="ar"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>خادم الحرمين يتلقى اتصالا من الرئيس المصري</title>
<meta name="pubdate" content="2023-05-11">
</head><body>
<div class="nav"><a href="/">الرئيسية</a> | <a href="/local">محليات</a> | <a href="/world">دوليات</a></div>
<h1>خادم الحرمين يتلقى اتصالا هاتفيا من الرئيس المصري</h1>
<p>الرياض - واس</p>
<p>تلقى خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود، مساء أمس الأربعاء، اتصالا هاتفيا من فخامة الرئيس عبدالفتاح السيسي رئيس جمهورية مصر العربية.</p>
<p>وجرى خلال الاتصال استعراض العلاقات الأخوية بين البلدين الشقيقين، وبحث مستجدات الأوضاع في السودان، والجهود المبذولة لوقف القتال وحماية المدنيين.</p>
<p>وأكد الجانبان حرصهما على مواصلة التشاور والتنسيق إزاء القضايا ذات الاهتمام المشترك.</p>
<div class="footer">جميع الحقوق محفوظة لصحيفة المثال 2023</div>
</body></html>
"""

WARC_PAGES = [
    ("https://www.example-sabah.com/news/2023/10/11/erdogan-tokayev", "2023-10-12T03:10:00Z",
     "text/html; charset=utf-8", """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<meta property="og:title" content="أردوغان يستقبل رئيس كازاخستان في أنقرة ويوقعان اتفاقيات تعاون">
<meta property="og:site_name" content="صباح العرب">
<meta property="article:published_time" content="2023-10-11T18:20:00+03:00"></head>
<body><nav>الرئيسية | سياسة | اقتصاد</nav><article><h1>أردوغان يستقبل رئيس كازاخستان في أنقرة ويوقعان اتفاقيات تعاون</h1>
<p>استقبل الرئيس التركي رجب طيب أردوغان، اليوم الأربعاء، نظيره الكازاخي قاسم جومارت توكاييف في المجمع الرئاسي بأنقرة، بمراسم رسمية.</p>
<p>وعقد الرئيسان جلسة مباحثات مغلقة أعقبتها جلسة موسعة بحضور وفدي البلدين، تناولت التعاون في مجالات الطاقة والنقل والصناعات الدفاعية.</p>
<p>ووقع الجانبان في ختام المباحثات عددا من اتفاقيات التعاون، من بينها اتفاقية لتطوير ممر النقل الأوسط عبر بحر قزوين.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>"""),
    ("https://www.example-sabah.com/news/2023/10/12/qatar-aid-morocco", "2023-10-12T03:11:00Z",
     "text/html", """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<title>قطر ترسل طائرات مساعدات إلى المغرب | صباح العرب</title>
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-09-10",
"headline": "قطر ترسل طائرات مساعدات إلى المغرب بعد الزلزال", "publisher": {"name": "صباح العرب"}}</script>
</head><body><article><h1>قطر ترسل طائرات مساعدات إلى المغرب بعد الزلزال</h1>
<p>الدوحة - قنا: أقلعت من قاعدة العديد الجوية، أمس السبت، طائرتان تابعتان للقوات المسلحة القطرية محملتان بالمساعدات الإغاثية إلى المملكة المغربية، بتوجيهات من أمير قطر الشيخ تميم بن حمد آل ثاني.</p>
<p>وأجرى أمير قطر اتصالا هاتفيا مع العاهل المغربي الملك محمد السادس، أعرب خلاله عن تعازيه في ضحايا الزلزال، مؤكدا وقوف قطر إلى جانب المغرب.</p>
</article></body></html>"""),
    ("https://www.example-sabah.com/feeds/brief.txt", "2023-10-12T03:12:00Z", "text/plain; charset=utf-8",
     """الإمارات وفرنسا تبحثان التعاون في الطاقة النظيفة
نشر في صباح العرب يوم 10 - 10 - 2023

بحث رئيس الدولة الشيخ محمد بن زايد آل نهيان، أمس الاثنين في أبوظبي، مع الرئيس الفرنسي إيمانويل ماكرون خلال اتصال هاتفي، فرص توسيع التعاون بين البلدين في مجالات الطاقة النظيفة والذكاء الاصطناعي.
واتفق الجانبان على مواصلة التنسيق استعدادا لمؤتمر الأطراف المقبل للمناخ.
"""),
]

JSONL_RECORDS = [
    {"url": "https://www.example-feed.com/a/1001", "published": "2024-02-05",
     "text": "الرئيس اللبناني يتسلم رسالة من ماكرون حول الحدود الجنوبية\n\n"
             "استقبل الرئيس اللبناني، اليوم الاثنين في قصر بعبدا، وزير الخارجية الفرنسي، الذي نقل إليه رسالة من الرئيس "
             "إيمانويل ماكرون تتعلق بتطبيق القرار 1701 وتهدئة الأوضاع على الحدود الجنوبية.\n\n"
             "وأكد الرئيس اللبناني خلال اللقاء تمسك لبنان بالاستقرار، وشكر فرنسا على دعمها المستمر للجيش اللبناني."},
    {"url": "https://www.example-feed.com/a/1002",
     "html": "<html><head><meta property=\"og:title\" content=\"وزير الخارجية السعودي يزور طهران ويلتقي الرئيس الإيراني\">"
             "<meta property=\"article:published_time\" content=\"2023-06-17T10:00:00Z\"></head><body><article>"
             "<p>وصل وزير الخارجية السعودي الأمير فيصل بن فرحان، اليوم السبت، إلى طهران في أول زيارة لوزير خارجية سعودي "
             "منذ سنوات، حيث التقى الرئيس الإيراني إبراهيم رئيسي ونظيره حسين أمير عبد اللهيان.</p>"
             "<p>وبحث الجانبان تنفيذ الاتفاق الذي رعته الصين لاستئناف العلاقات الدبلوماسية وإعادة فتح السفارات.</p>"
             "</article></body></html>"},
    {"url": "https://www.example-feed.com/a/1003", "published": "2024-03-20T08:30:00+00:00",
     "text": "سلطنة عمان تدين الغارات على رفح وتدعو لوقف فوري لإطلاق النار\n"
             "أدانت وزارة الخارجية العمانية، في بيان صدر مساء الثلاثاء، الغارات التي استهدفت مدنيين في مدينة رفح، "
             "وطالبت المجتمع الدولي بالتحرك العاجل لوقف التصعيد وحماية المدنيين العزل.\n"
             "وجددت السلطنة دعوتها إلى وقف فوري لإطلاق النار وإيصال المساعدات الإنسانية دون عوائق."},
]


def _warc_bytes() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i, (url, date, ctype, body) in enumerate(WARC_PAGES):
        payload = body.encode("utf-8")
        if i == 0:  # a request record: readers keep responses only
            req = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                                            warc_headers_dict={"WARC-Date": date,
                                                               "WARC-Record-ID": f"<urn:uuid:req-{i}>"})
            writer.write_record(req)
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(payload)))],
                                   protocol="HTTP/1.1")
        rec = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers,
                                        warc_headers_dict={"WARC-Date": date,
                                                           "WARC-Record-ID": f"<urn:uuid:resp-{i}>"})
        writer.write_record(rec)
    return buf.getvalue()


def main() -> None:
    (HERE / "html").mkdir(exist_ok=True)
    (HERE / "warc").mkdir(exist_ok=True)
    (HERE / "jsonl").mkdir(exist_ok=True)
    (HERE / "html" / "salman_sisi_call_cp1256.html").write_bytes(CP1256_PAGE.encode("cp1256"))
    (HERE / "warc" / "crawl_sample.warc.gz").write_bytes(_warc_bytes())
    with open(HERE / "jsonl" / "feed.jsonl", "w", encoding="utf-8") as f:
        for r in JSONL_RECORDS:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
