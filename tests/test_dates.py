"""Temporal tagger and resolver: the expression table, API behaviour, and the gold event dates of ../shared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from marsad.dates import (
    DateStep,
    clause_cues,
    parse_anchor,
    select_event_date,
    stated_today,
    tag,
    weekday_date,
    weekday_of,
)
from marsad.model import Article, Timex

TABLE = Path(__file__).parent / "data" / "dates_table.tsv"


def _rows() -> list[Any]:
    rows = []
    for n, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines()[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        text, anchor, value, precision, note = line.split("\t")
        rows.append(pytest.param(text, anchor or None, value or None, precision, note, id=f"L{n}"))
    return rows


def _target(text: str) -> tuple[str, tuple[int, int] | None]:
    """[brackets] mark the expression under test in a row with several; strip them and return the span."""
    if "[" not in text:
        return text, None
    s = text.index("[")
    e = text.index("]") - 1
    return text.replace("[", "").replace("]", ""), (s, e)


def test_table_is_big_enough() -> None:
    assert len(_rows()) >= 150


@pytest.mark.parametrize("text,anchor,value,precision,note", _rows())
def test_table(text: str, anchor: str | None, value: str | None, precision: str, note: str) -> None:
    clean, span = _target(text)
    got = tag(clean, anchor)
    if precision == "-":
        assert got == [], f"{note}: tagged {[(t.text, t.value) for t in got]}"
        return
    assert got, f"{note}: nothing tagged"
    t = next(t for t in got if t.start < span[1] and t.end > span[0]) if span else got[0]
    assert (t.value, t.precision) == (value, precision), f"{note}: {t.text!r} → {t.value} {t.precision} {t.attrs}"
    assert clean[t.start:t.end] == t.text
    if anchor is None or not t.relative:
        assert t.anchor is None or t.relative


# ---------------------------------------------------------------------------------------------------------------
# attributes and API behaviour

def test_offsets_survive_diacritics_and_tatweel() -> None:
    text = "قالَ الوزيرُ أمـسِ إنّ الاجتماعَ عُقدَ الاثنينَ"
    got = tag(text, "2017-11-22")
    assert [t.text for t in got] == ["أمـسِ", "الاثنينَ"]
    assert [t.value for t in got] == ["2017-11-21", "2017-11-20"]


def test_start_end_window_and_offsets() -> None:
    text = "مقدمة طويلة. وصل الوفد أمس إلى المدينة. ويغادر غدا."
    s = text.index("وصل")
    e = text.index(".", s) + 1
    got = tag(text, "2020-05-10", s, e)
    assert [(t.text, t.value) for t in got] == [("أمس", "2020-05-09")]
    assert got[0].start == text.index("أمس") and got[0].anchor == "2020-05-10" and got[0].relative


def test_no_anchor_keeps_what_is_known() -> None:
    (t,) = tag("أعلن الكرملين أمس الإثنين عن محادثات", None)
    assert t.value is None and t.precision == "none" and t.relative and t.anchor is None
    assert t.attrs["weekday"] == 0 and t.attrs["offset_days"] == -1
    (w,) = tag("وعقد الرئيسان الاثنين قمة", None)
    assert w.value is None and w.attrs["weekday"] == 0


def test_night_of_weekday_keeps_the_alternative() -> None:
    (t,) = tag("قام الرئيس ليلة الأربعاء بزيارة", "2015-10-21")
    assert t.value == "2015-10-20" and t.attrs["alt"] == ["2015-10-21"]


def test_weekday_mismatch_is_a_warning() -> None:
    (t,) = tag("الخميس 16 ديسمبر 2016", None)
    assert t.value == "2016-12-16" and t.attrs["warning"] == "weekday_mismatch"
    (r,) = tag("أعلن الكرملين أمس الاثنين", "2017-11-22")
    assert r.attrs["warning"] == "weekday_mismatch" and r.attrs["relative_value"] == "2017-11-21"


def test_bounds_and_stamps_are_marked() -> None:
    got = {t.text: t.attrs for t in tag("لم يغادر منذ أكتوبر سنة 2015 وحتى 5 مارس 2016 حسب البيان.\nنشر في "
                                        "الصحيفة يوم 22 - 11 - 2017", None)}
    assert got["أكتوبر سنة 2015"]["mod"] == "since"
    assert got["5 مارس 2016"]["mod"] == "until"
    assert got["يوم 22 - 11 - 2017"]["stamp"] is True
    (n,) = tag("على حدود العام 1967", None)
    assert n.attrs["mod"] == "nominal"
    (v,) = tag("في شريط فيديو نشر على الإنترنت في 5 يونيو 2009", None)
    assert "stamp" not in v.attrs  # "نشر" inside a sentence is an event, not a page stamp
    (h,) = tag("تحطمت الطائرة 16 أغسطس 2025 04:12 صباحا", None)
    assert h.attrs["stamp"] is True
    (r,) = tag("قبل يومين من انتهاء المهلة", "2020-01-10")
    assert r.value is None and r.attrs["relative_to"] == "event"


@pytest.mark.parametrize("text,value", [
    ("وخرجت بعد عصر اليوم تظاهرات غاضبة", "2017-05-23"),
    ("وصل الوفد قبل ظهر اليوم إلى العاصمة", "2017-05-23"),
    ("وقعت الاشتباكات بعد منتصف ليل أمس", "2017-05-22"),
])
def test_a_part_of_one_day_after_before_is_that_day_not_a_bound(text: str, value: str) -> None:
    """"after this afternoon" is this evening: a day part bounds nothing beyond its day, a whole day does."""
    (t,) = tag(text, "2017-05-23")
    assert t.value == value and "mod" not in t.attrs
    (b,) = tag("بعد يوم الاثنين", "2017-05-23")
    assert b.attrs["mod"] == "after"


def test_helpers() -> None:
    from datetime import date

    assert parse_anchor("2016-12-16 15:24:14") == date(2016, 12, 16)
    assert parse_anchor("not a date") is None and parse_anchor(None) is None
    assert weekday_of("2017-11-20") == 0 and weekday_of("2017-11") is None
    assert weekday_date(date(2017, 11, 22), 0) == date(2017, 11, 20)
    assert weekday_date(date(2017, 11, 22), 2, "after") == date(2017, 11, 29)
    assert stated_today("سيجري الرئيس اليوم الاثنين 23 جانفي 2017 اتصالا") == "2017-01-23"
    assert stated_today("زار الرئيس القاهرة في 23 جانفي 2017") is None


def test_clause_cues() -> None:
    c = clause_cues("ومن المقرر أن يعقد الرئيسان قمة، وسيزور الوزير", 0, 46)
    assert c["tense"] == "future" and c["status"] == "future"
    assert "من المقرر" in c["future"] and "سيزور" in c["future"]
    h = clause_cues("وكان الرئيسان قد تحادثا الشهر الماضي", 0, 36)
    assert h["historical"] and h["status"] == "historical" and h["tense"] == "past"
    assert clause_cues("إذا وافق الطرفان", 0, 16)["status"] == "hypothetical"
    assert clause_cues("نفى المتحدث أن يكون الرئيس قد التقى", 0, 35)["status"] == "negated"
    assert clause_cues("لم يستبعد الكرملين أن يتم تنظيم لقاء", 0, 36)["negation"] == []
    assert clause_cues("تتحدث السياسة عن سيادة الدولة", 0, 29)["future"] == []
    for text, kind in [("سبق أن زار الوزير دمشق", "historical"), ("التقى الوفدان في وقت سابق", "historical"),
                       ("ما زال لم يصل الوفد", "negation"), ("لو حضر الرئيس", "hypothetical"),
                       ("في حال وافقت الحكومة", "hypothetical"), ("القمة المرتقبة بين الزعيمين", "future"),
                       ("سيتم توقيع الاتفاق", "future"), ("يعتزم الرئيس زيارة", "future"),
                       ("لن يشارك الوفد", "negation")]:
        assert clause_cues(text, 0, len(text))[kind], (text, kind)
    assert clause_cues("ما زال لم يصل الوفد", 0, 19)["negation"] == ["ما زال لم"]
    cue = clause_cues("xx سوف يصل", 3, 10)["cues"][0]
    assert (cue["start"], cue["end"], cue["text"]) == (3, 6, "سوف")


def test_select_event_date_prefers_the_events_own_expression() -> None:
    text = ("هنأ الرئيس نظيره أمس على فوزه. وعقد الرئيسان الاثنين قمة في سوتشي منذ أكتوبر سنة 2015. "
            "وأجرى الرئيس مكالمة هاتفية مع نظيره الأمريكي.")
    art = Article(id="a", source_path="x", text=text, published="2017-11-22")
    art.timexes = tag(text, art.published)
    s = text.index("وعقد")
    t = select_event_date(art, s, s + len("وعقد الرئيسان الاثنين قمة"))
    assert t is not None and t.value == "2017-11-20"
    s = text.index("وأجرى")
    assert select_event_date(art, s, len(text)) is None  # no date in the sentence: never the publication date
    s = text.index("هنأ")
    t = select_event_date(art, s, s + 10, trigger=s)
    assert t is not None and t.text == "أمس"


def test_select_event_date_with_trigger_prefers_after_the_verb() -> None:
    text = "أعلن المتحدث أمس أن الرئيس سيزور القاهرة الأحد المقبل"
    art = Article(id="a", source_path="x", text=text, published="2019-11-12")
    trig = text.index("سيزور")
    t = select_event_date(art, 0, len(text), trigger=trig)
    assert t is not None and t.value == "2019-11-17"


@pytest.mark.parametrize("text,want", [
    ("طهران، 20 آب/أغسطس 2024 (رويترز) - التقى الرئيس الإيراني في طهران أمس الاثنين رئيس الوزراء العراقي.",
     "2024-08-19"),
    ("الرباط 14-4-2025 - استقبل العاهل المغربي أول أمس وزير الخارجية الفرنسي.", "2025-04-12"),
    # no relative day: the dateline's date stays the event's
    ("موسكو، 12 آذار 2024 (تاس) - التقى الرئيس الروسي في الكرملين نظيره الإيراني.", "2024-03-12"),
    # a relative day after the filing date is no reason to drop it ("next Monday" is another event's)
    ("موسكو، 12 آذار 2024 - التقى الرئيس الروسي نظيره الإيراني على أن يلتقيا ثانية الاثنين المقبل.", "2024-03-12"),
])
def test_a_relative_day_beats_the_datelines_date(text: str, want: str) -> None:
    art = Article(id="a", source_path="x", text=text, published=None)
    art.timexes = tag(text, "2024-08-20" if "آب" in text else "2025-04-14" if "2025" in text else "2024-03-12")
    trig = next(text.index(v) for v in ("التقى", "استقبل") if v in text)
    t = select_event_date(art, 0, len(text), trigger=trig)
    assert t is not None and t.value == want


def test_select_event_date_text_reference_without_publication_date() -> None:
    text = "التقى الوزير نظيره بتاريخ 2024/5/14 في المنامة. وأشار إلى القمة المزمع عقدها العام المقبل في بغداد."
    art = Article(id="a", source_path="x", text=text, published=None)
    s = text.index("القمة المزمع")
    t = select_event_date(art, s, len(text) - 1)
    assert t is not None and t.value == "2025" and t.attrs["anchor_source"] == "text"
    s = text.index("التقى")
    assert select_event_date(art, s, s + 20).value == "2024-05-14"  # type: ignore[union-attr]


def test_select_event_date_uses_the_texts_stated_today() -> None:
    text = "يجري الرئيس اليوم الاثنين 23 جانفي 2017 اتصالا. وكان الرئيسان قد تحادثا الشهر الماضي. ووصل الوفد أمس."
    art = Article(id="a", source_path="x", text=text, published=None)
    s = text.index("وكان")
    t = select_event_date(art, s, text.index(".", s))
    assert t is not None and t.value == "2016-12" and t.attrs["anchor_source"] == "stated_today"
    s = text.index("ووصل")
    assert select_event_date(art, s, len(text)).value == "2017-01-22"  # type: ignore[union-attr]
    plain = Article(id="b", source_path="y", text="ووصل الوفد أمس.", published=None)
    assert select_event_date(plain, 0, 15).value is None  # type: ignore[union-attr]


def test_date_step_sets_timexes() -> None:
    art = Article(id="a", source_path="x", text="وصل الوفد أمس. ويغادر غدا.", published="2020-01-01")
    step = DateStep()
    (out,) = list(step([art]))
    assert [t.value for t in out.timexes] == ["2019-12-31", "2020-01-02"]
    assert step.stats.counters["timexes"] == 2
    bare = Article(id="b", source_path="y", text="وصل الوفد أمس.", published=None)
    (out,) = list(DateStep()([bare]))
    assert out.timexes[0].value is None


def test_bench_runs() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_dates", Path(__file__).parents[1] / "bench" / "bench_dates.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.main(n=300)
    assert out["sentences"] == 300 and out["sentences_per_s"] > 0 and out["resolved"] > 0


# ---------------------------------------------------------------------------------------------------------------
# gold event dates of ../shared

def _gold_cases(path: Path, root: Path) -> list[tuple[str, Article, dict[str, Any], int]]:
    pages: dict[str, str] = {}
    if (root / "pages.jsonl").exists():
        for line in (root / "pages.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            pages[rec["url"]] = rec["text"]
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        src = d.get("input") or d["doc"]
        text = pages[d["url"]] if src == "pages.jsonl" else (root / src).read_text(encoding="utf-8")
        art = Article(id=d["doc"], source_path=d["doc"], text=text, published=d.get("published"))
        art.timexes = tag(text, art.published)
        for ev in d.get("events", []):
            out.append((d["doc"], art, ev, text.find(ev["evidence"])))
    return out


def _got(art: Article, ev: dict[str, Any], i: int) -> tuple[str | None, Timex | None]:
    t = select_event_date(art, i, i + len(ev["evidence"]))
    return (t.value if t else None), t


def test_seed_gold_event_dates(shared_dir: Path) -> None:
    cases = _gold_cases(shared_dir / "seeds" / "gold.jsonl", shared_dir / "seeds")
    assert cases
    misses = []
    for doc, art, ev, i in cases:
        assert i >= 0, f"{doc}: evidence not found: {ev['evidence'][:40]}"
        got, t = _got(art, ev, i)
        want = [ev["date"], *(ev.get("date_alt") or [])]
        if got not in want:
            misses.append((doc, ev["evidence"][:50], got, t.text if t else None, want))
    assert not misses, misses


def test_news_dev_event_dates_report(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Report only: how many news_dev gold dates select_event_date also gets (published from the gold)."""
    root = shared_dir / "data" / "news_dev"
    cases = _gold_cases(root / "gold.jsonl", root)
    ok = dated_ok = dated = 0
    for _doc, art, ev, i in cases:
        if i < 0:
            continue
        got, _t = _got(art, ev, i)
        want = [ev["date"], *(ev.get("date_alt") or [])]
        ok += got in want
        if ev["date"] is not None:
            dated += 1
            dated_ok += got in want
    with capsys.disabled():
        print(f"\nnews_dev event dates: {ok}/{len(cases)} match the gold ({dated_ok}/{dated} of the non-null ones)")


@pytest.mark.parametrize("text,want", [
    ("أعلنت الحكومة اليوم الأربعاء (6 مارس 2024) استقالتها.", "2024-03-06"),
    ("قال المتحدث، اليوم الخميس (14 آذار 2024)، إن الوفد وصل.", "2024-03-14"),
    ("وصل الوفد اليوم (2 يناير 2023) إلى القاهرة.", "2023-01-02"),
])
def test_a_bracketed_date_in_apposition_to_the_day_word_is_its_date(text: str, want: str) -> None:
    got = [t for t in tag(text, None) if t.value]
    assert len(got) == 1 and got[0].value == want and got[0].text.endswith(")")
    assert stated_today(text) == want  # "today" stated with its date: the day the piece was written


def test_the_background_formula_yati_schedules_nothing() -> None:
    # "ويأتي ذلك غداة ... الأحد": a report's background, the Sunday before the article, not the next one
    text = "ويأتي ذلك غداة إعلان الحكومة استقالتها الأحد بعد احتجاجات واسعة."
    t = next(t for t in tag(text, "2024-03-12") if t.attrs.get("kind") == "wd")
    assert t.value == "2024-03-10"
    assert next(t for t in tag("يزور الرئيس القاهرة الأحد.", "2024-03-12")).value == "2024-03-17"


def test_a_date_outside_a_past_relative_clause_does_not_date_its_event() -> None:
    text = ("وتظاهر الطلاب اليوم أمام الجامعة التي شهدت حملة اعتقالات واسعة، واستقبل الوزير أمس الوفد الذي "
            "يقوم بزيارة للبلاد.")
    art = Article(id="a", source_path="x", text=text, published="2024-03-12")
    art.timexes = tag(text, art.published)
    assert select_event_date(art, 0, len(text), text.index("اعتقالات")) is None  # the arrests are background
    got = select_event_date(art, 0, len(text), text.index("تظاهر"))
    assert got is not None and got.value == "2024-03-12"
    # an imperfect verb after the pronoun goes on at the main clause's time: "أمس" still dates the visit
    got = select_event_date(art, 0, len(text), text.index("يقوم"))
    assert got is not None and got.value == "2024-03-11"


@pytest.mark.parametrize("text,word,want", [
    # "A بعد D من B": B is D before A's day; about two weeks is a month when the span stays in one
    ("وعاد الطلاب إلى الشوارع اليوم بعد نحو أسبوعين من آخر مظاهرات نظموها في العاصمة.", "مظاهرات", "2024-03"),
    ("وعاد الطلاب إلى الشوارع اليوم بعد ثلاثة أيام من إضراب المعلمين.", "إضراب", "2024-03-17"),
    # "A قبل D من B": B is D after A's day
    ("التقى الوزير نظيره أمس الاثنين قبل يومين من انعقاد القمة في الرياض.", "انعقاد", "2024-03-13"),
])
def test_an_event_counted_from_the_main_clause_takes_its_date_from_it(text: str, word: str, want: str) -> None:
    art = Article(id="a", source_path="x", text=text, published="2024-03-20" if "الطلاب" in text else "2024-03-12")
    art.timexes = tag(text, art.published)
    got = select_event_date(art, 0, len(text), text.index(word))
    assert got is not None and got.value == want and got.attrs["anchor_source"] == "event"
    main = select_event_date(art, 0, len(text), text.index("عاد" if "عاد" in text else "التقى"))
    assert main is not None and main.attrs.get("kind") == "rel"  # the main clause keeps its own day


def test_an_approximate_count_is_no_exact_day() -> None:
    t = next(x for x in tag("وقع الحادث قبل حوالي ثلاثة أيام.", "2024-03-20") if x.attrs.get("kind") == "ago")
    assert t.value is None and t.attrs["about"] and t.attrs["approx"] == "2024-03-17"
    t = next(x for x in tag("وقع الحادث قبل ثلاثة أيام.", "2024-03-20") if x.attrs.get("kind") == "ago")
    assert t.value == "2024-03-17"


def test_a_yearless_date_takes_its_year_from_the_texts_last_full_date() -> None:
    text = ("وصل الوزير إلى عمان صباح الأحد (10 نوفمبر 2024م) في زيارة رسمية. "
            "وتأتي الزيارة بعد زيارة نظيره الأردني للرياض في 3 سبتمبر الماضي.")
    art = Article(id="a", source_path="x", text=text, published=None)
    art.timexes = tag(text, None)
    s = text.index("وتأتي")
    got = select_event_date(art, s, len(text), text.index("زيارة نظيره"))
    assert got is not None and got.value == "2024-09-03" and got.attrs["anchor_source"] == "text"
    alone = Article(id="b", source_path="y", text=text[s:], published=None)
    assert select_event_date(alone, 0, len(alone.text)).value is None  # type: ignore[union-attr]


@pytest.mark.parametrize("text,trigger_word,want", [
    # the year dates the noun منذ governs, not the visit: a bound, as "منذ 2018" is
    ("وصل ولي العهد إلى أنقرة الأربعاء، في أول زيارة لقيادة سعودية منذ أزمة مقتل جمال خاشقجي عام 2018 .", "زيارة",
     None),
    ("قام الرئيس بوتين الثلاثاء بثاني زيارة له إلى سوريا منذ الأحداث التي شهدتها البلاد عام 2011، التقى خلالها "
     "مع نظيره.", "زيارة", None),
    # a preposition or a day word after منذ starts a phrase of its own: the date is the event's
    ("التقى الرئيس منذ قليل في القاهرة يوم الثلاثاء 5 مارس 2024 نظيره الفرنسي.", "التقى", "2024-03-05"),
    ("زار الرئيس دمشق في 5 مارس 2024 لأول مرة منذ سنوات.", "زار", "2024-03-05"),
])
def test_a_date_closing_a_since_phrase_is_a_bound(text: str, trigger_word: str, want: str | None) -> None:
    a = Article(id="x", source_path="x", text=text, published=None)
    a.timexes = tag(text, None)
    t = select_event_date(a, 0, len(text), text.find(trigger_word))
    assert (t.value if t is not None else None) == want


def test_undated_event_keeps_the_expression_its_trigger_takes_not_the_sentences_first() -> None:
    """EventDateTextStep re-selects from the trigger, as the coder does: the speech's Sunday is not the meeting's."""
    from marsad.dates.event_text import EventDateTextStep
    from marsad.model import Event, Evidence

    text = "قال المتحدث يوم الأحد إن الرئيس التقى نظيره أمس الاثنين في القاهرة."
    art = Article(id="a", source_path="a", text=text, published=None)
    art.timexes = tag(text, None)
    trig = text.find("التقى")
    ev = Event(id="e", article_id="a", type="CONSULT", evidence=Evidence(text, 0, len(text)),
               why={"trigger_span": [trig, trig + 5]})
    bare = Event(id="f", article_id="a", type="CONSULT", evidence=Evidence(text, 0, len(text)))
    art.events = [ev, bare]
    EventDateTextStep().process(art)
    assert ev.date is None and ev.date_precision == "none" and ev.date_text == "أمس الاثنين"
    assert bare.date_text == "يوم الأحد"  # no trigger known: the sentence's first expression, as before
