"""Pipeline stats, Arabic normalisation and sentences, store round trips, near-duplicates and stories."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from marsad.arabic import normalize, normalize_with_map, sentences, tokens
from marsad.merge import NearDuplicates, build_stories
from marsad.model import Article, Entity, Event, Evidence, Location
from marsad.pipeline import LocalExecutor, MapStep, Pipeline, Step
from marsad.store import Store


class Double(MapStep):
    name = "double"

    def process(self, x: int) -> int:
        if x == 3:
            raise ValueError("three is bad")
        return x * 2


class Evens(Step):
    name = "evens"

    def run(self, items: Iterable[int]) -> Iterator[int]:
        for x in items:
            if x % 4:
                self.drop("not a multiple of 4")
                continue
            yield x


def test_pipeline_counts_drops_and_failures() -> None:
    p = Pipeline([Double(), Evens()])
    out = list(p.iterate(range(6)))
    assert out == [0, 4, 8]
    d, e = p.stats()
    assert (d.n_in, d.n_out, d.dropped["failed"]) == (6, 5, 1)
    assert "three is bad" in d.failures[0].reason
    assert (e.n_in, e.n_out, e.dropped["not a multiple of 4"]) == (5, 3, 2)
    assert LocalExecutor(Pipeline([Double()])).run([1])[0].n_out == 1


def test_normalize_folds_arabic_variants() -> None:
    assert normalize("الرئيسُ إردوغان") == normalize("الرئيس اردوغان")
    assert normalize("مدرسة") == "مدرسه"
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("٢٠١٧") == "2017"
    assert normalize("ﻻ") == "لا"  # presentation form
    assert normalize("بـــوتين") == "بوتين"  # tatweel


def test_normalize_with_map_points_back_to_original() -> None:
    text = "قالَ الرئيسُ"
    norm, where = normalize_with_map(text)
    i = norm.index("الرييس")
    assert text[where[i]: where[i + len("الرييس") - 1] + 1].startswith("الرئيس")


def test_sentences_and_tokens_offsets() -> None:
    text = "التقى د. أحمد الوزير. ثم غادر!\nوفي المساء وصل"
    sents = [text[a:b] for a, b in sentences(text)]
    assert sents == ["التقى د. أحمد الوزير.", "ثم غادر!", "وفي المساء وصل"]
    for a, b, tok in tokens(text):
        assert text[a:b] == tok


def _article(aid: str, text: str, outlet: str = "x", events: list[Event] | None = None) -> Article:
    return Article(id=aid, source_path=f"/tmp/{aid}.txt", text=text, outlet=outlet, title="t " + aid,
                   published="2020-01-02", events=events or [])


def _event(eid: str, aid: str, date: str | None, names: list[str], etype: str = "CONSULT") -> Event:
    return Event(id=eid, article_id=aid, type=etype, mode="visit", date=date, date_precision="day" if date else "none",
                 actors=[Entity(text=n, name=n, country="RUS") for n in names[:1]],
                 recipients=[Entity(text=n, name=n) for n in names[1:]],
                 location=Location(text="موسكو", name="Moscow", country="RUS"),
                 evidence=Evidence("s", 0, 1), confidence=0.8)


def test_store_is_idempotent_and_searchable(tmp_path) -> None:
    db = tmp_path / "m.db"
    with Store(db) as st:
        art = _article("a1", "عقد الرئيسان قمة في موسكو وبحثا التعاون الاقتصادي",
                       events=[_event("e1", "a1", "2020-01-01", ["Bashar al-Assad", "Vladimir Putin"])])
        assert st.add_article(art)
        assert not st.add_article(art)
        assert st.counts()["articles"] == 1 and st.counts()["events"] == 1
        assert [r["id"] for r in st.search("القمه موسكو")] == ["a1"]  # normalised query, prefix on last word
        assert list(st.events(actor="putin"))[0]["id"] == "e1"
        assert list(st.events(actor="RUS"))[0]["id"] == "e1"
        assert not list(st.events(since="2020-02-01"))
        assert st.schema_version >= 1
    with Store(db) as st:  # reopening migrates nothing and keeps data
        assert st.counts()["articles"] == 1


def test_near_duplicates_point_at_first_seen() -> None:
    text = " ".join(f"كلمة{i}" for i in range(200))
    nd = NearDuplicates(threshold=0.7)
    assert nd.check_and_add("a", nd.signature(text)) is None
    assert nd.check_and_add("b", nd.signature(text + " إضافة")) == "a"
    assert nd.check_and_add("c", nd.signature(" ".join(f"شيء{i}" for i in range(200)))) is None
    restored = NearDuplicates(threshold=0.7)
    restored.load([("a", NearDuplicates.to_bytes(nd.signature(text)))])
    assert restored.check_and_add("d", restored.signature(text)) == "a"


def test_stories_merge_across_outlets_and_not_reprints() -> None:
    def rec(eid: str, aid: str, outlet: str, date: str | None, dup: str | None = None) -> dict:
        from marsad.store import event_record

        art = _article(aid, "x", outlet)
        r = event_record(_event(eid, aid, date, ["Bashar al-Assad", "Vladimir Putin"]), art)
        r["_outlet"], r["_duplicate_of"] = outlet, dup
        return r

    recs = [rec("e1", "a1", "one", "2017-11-20"), rec("e2", "a2", "two", None), rec("e3", "a3", "three", "2017-11-21"),
            rec("e4", "a4", "four", "2017-11-20", dup="a1"), rec("e5", "a5", "five", "2015-10-20")]
    stories, assignment = build_stories(recs, max_day_gap=3)
    assert assignment["e1"] == assignment["e3"] == assignment["e4"] != assignment["e5"]
    # an undated event in an undated article has no time window: it joins no other article's story (issue 12)
    assert assignment["e2"] not in (assignment["e1"], assignment["e5"])
    big = next(s for s in stories if s.id == assignment["e1"])
    assert big.independent_sources == 2  # the reprint (a4) is not independent
    assert big.date == "2017-11-20" and big.first_date == "2017-11-20" and big.last_date == "2017-11-21"
