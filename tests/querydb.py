"""A small hand-made database for query, export and UI tests: three outlets, two stories, dated and undated
events, a hostile title, a participant with no knowledge-base id (built without running the pipeline: fast)."""

from __future__ import annotations

from pathlib import Path

from marsad.merge import build_stories
from marsad.model import Article, Entity, Event, Evidence, Location
from marsad.store import Store

EVIL = '<script>alert("x")</script>'
SISI = Entity(text="الرئيس المصري", name="Abdel Fattah el-Sisi", name_ar="عبد الفتاح السيسي", kind="person",
              country="EGY", id="sisi_abdel_fattah", role="president")
MACRON = Entity(text="نظيره الفرنسي", name="Emmanuel Macron", name_ar="إيمانويل ماكرون", kind="person",
                country="FRA", id="macron_emmanuel", role="president")
ASSAD = Entity(text="بشار الأسد", name="Bashar al-Assad", name_ar="بشار الأسد", kind="person", country="SYR",
               id="assad_bashar", role="president")
GROUP = Entity(text="مسلحون", name="مسلحون", kind="group")
CAIRO = Location(text="القاهرة", name="Cairo", name_ar="القاهرة", country="EGY")


def _article(aid: str, outlet: str, published: str | None, title: str, text: str, events: list[Event],
             url: str | None = None) -> Article:
    for ev in events:
        ev.article_id = aid
    return Article(id=aid, source_path=f"/corpus/{aid}.txt", text=text, title=title, outlet=outlet,
                   published=published, url=url, events=events)


def _event(eid: str, type_: str, text: str, **kw: object) -> Event:
    kw.setdefault("confidence", 0.9)
    return Event(id=eid, article_id="", type=type_, evidence=Evidence(text=text, start=0, end=len(text)),
                 trigger=f"rule:{type_.lower()}", **kw)  # type: ignore[arg-type]


def articles() -> list[Article]:
    visit = "استقبل الرئيس المصري نظيره الفرنسي في القاهرة يوم الاثنين."
    visit2 = "التقى السيسي ماكرون في القاهرة."
    attack = "هاجم مسلحون قرية في ريف حمص."
    accuse = "=اتهم بشار الأسد فرنسا بدعم الإرهاب."
    return [
        _article("a1", "الأهرام", "2024-03-05", f"السيسي يستقبل ماكرون {EVIL}", visit + " نهاية", [
            _event("ev1", "CONSULT", visit, mode="visit", date="2024-03-04", date_precision="day",
                   date_text="الاثنين", actors=[MACRON], recipients=[SISI], location=CAIRO, contexts=["diplomatic"]),
        ], url="https://example.org/a1"),
        _article("a2", "الشروق", "2024-03-05", "لقاء في القاهرة", visit2, [
            _event("ev2", "CONSULT", visit2, mode="visit", date="2024-03-04", date_precision="day",
                   actors=[MACRON], recipients=[SISI], location=CAIRO, confidence=0.8),
        ]),
        _article("a3", "الوطن", "2017-11-22", "هجوم في حمص", attack + " " + accuse, [
            _event("ev3", "ASSAULT", attack, mode="firearms", date="2017-11", date_precision="month",
                   actors=[GROUP], confidence=0.7),
            _event("ev4", "ACCUSE", accuse, mode="allege", date=None, date_precision="none", actors=[ASSAD],
                   recipients=[Entity(text="فرنسا", name="France", name_ar="فرنسا", kind="country", country="FRA",
                                      id="FRA")], status="occurred", confidence=0.6),
            _event("ev5", "THREATEN", "قد يهدد", status="hypothetical", date="2017", date_precision="year",
                   actors=[ASSAD], confidence=0.3),
        ]),
    ]


def make_db(path: str | Path) -> str:
    with Store(path) as st:
        for art in articles():
            st.add_article(art)
        stories, assignment = build_stories(st.all_events_for_merge())
        st.replace_stories(stories, assignment)
    return str(path)
