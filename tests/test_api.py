"""The Python API: marsad.open(path) → records or DataFrames over the shared query layer."""

from __future__ import annotations

import pytest
from querydb import make_db

import marsad
from marsad.query import QueryError
from marsad.store import NotADatabase


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    with marsad.open(make_db(tmp_path_factory.mktemp("api") / "a.db")) as d:
        yield d


def test_events_take_the_cli_filters(db) -> None:
    assert [e["id"] for e in db.events(type="CONSULT")] == ["ev1", "ev2"]
    assert [e["id"] for e in db.events(actor="الأسد", min_confidence=0)] == ["ev4", "ev5"]
    assert [e["id"] for e in db.events(since="2017/11/01", until="2017-11")] == ["ev3"]
    assert [e["id"] for e in db.events(type=["ACCUSE", "ASSAULT"], sort="confidence", descending=True)] == [
        "ev3", "ev4"]
    with pytest.raises(QueryError, match="type"):
        db.events(type="BOGUS")


def test_frames_have_a_row_per_event(db) -> None:
    pytest.importorskip("pandas")
    frame = db.events_frame(min_confidence=0)
    assert len(frame) == 5 and list(frame.loc[frame["id"] == "ev1", "actor_id"].iloc[0]) == ["macron_emmanuel"]
    assert db.events(as_frame=True, type="CONSULT")["outlet"].tolist() == ["الأهرام", "الشروق"]
    long = db.participants_frame(type="CONSULT")
    assert long["participant_role"].tolist() == ["actor", "recipient", "actor", "recipient"]
    assert len(db.stories_frame()) == len(db.stories())
    assert len(db.articles(as_frame=True)) == 3


def test_stories_articles_search_story_actor(db) -> None:
    stories = db.stories(type="CONSULT")
    assert len(stories) == 1
    assert [e["id"] for e in db.story(stories[0]["id"])["events"]] == ["ev1", "ev2"]
    assert [a["id"] for a in db.articles(outlet="الوطن")] == ["a3"]
    hits = db.search("القاهرة")
    assert {h["id"] for h in hits} == {"a1", "a2"} and all("snippet" in h for h in hits)
    assert db.actor("sisi_abdel_fattah")["actor"]["offices"]
    page = db.events_page(limit=2)
    assert page.total == 4 and len(page.records) == 2 and page.facets["type"]


def test_open_refuses_what_is_not_a_database(tmp_path) -> None:
    with pytest.raises(NotADatabase, match="no such database"):
        marsad.open(tmp_path / "typo.db")
    assert not (tmp_path / "typo.db").exists()
