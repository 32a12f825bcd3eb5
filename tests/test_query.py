"""The shared query layer: typed filters checked once, parameterised SQL, totals, facets, story and actor views."""

from __future__ import annotations

import pytest
from querydb import make_db

from marsad import query
from marsad.query import EventQuery, QueryError, parse_date
from marsad.store import Store


@pytest.fixture(scope="module")
def st(tmp_path_factory):
    path = make_db(tmp_path_factory.mktemp("q") / "q.db")
    with Store(path) as s:
        yield s


def ids(page: query.Page) -> list[str]:
    return [r["id"] for r in page.records]


@pytest.mark.parametrize(("text", "first", "last", "precision"), [
    ("2017", "2017-01-01", "2017-12-31", "year"),
    ("2017-02", "2017-02-01", "2017-02-28", "month"),
    ("2016/2", "2016-02-01", "2016-02-29", "month"),
    ("2017/01/05", "2017-01-05", "2017-01-05", "day"),
    ("2017-1-5", "2017-01-05", "2017-01-05", "day"),
])
def test_dates_parse_with_their_precision(text, first, last, precision) -> None:
    d = parse_date(text)
    assert (d.first, d.last, d.precision) == (first, last, precision)


@pytest.mark.parametrize("text", ["notadate", "2017-13", "2017-02-30", "17", "2017-01-01T00:00", ""])
def test_bad_dates_are_refused(text) -> None:
    with pytest.raises(QueryError, match="since"):
        parse_date(text, "since")


@pytest.mark.parametrize(("kw", "param"), [
    ({"types": "BOGUS"}, "type"), ({"modes": ["nope"]}, "mode"), ({"statuses": "done"}, "status"),
    ({"limit": 0}, "limit"), ({"limit": -1}, "limit"), ({"offset": -1}, "offset"), ({"since": "x"}, "since"),
    ({"since": "2018", "until": "2017"}, "since"), ({"country": "France"}, "country"),
    ({"min_confidence": 2}, "min_confidence"), ({"year": "abc"}, "year"),
])
def test_bad_filters_name_their_parameter(kw, param) -> None:
    with pytest.raises(QueryError) as e:
        EventQuery(**kw)
    assert e.value.param == param


def test_filters_are_normalised() -> None:
    q = EventQuery(types="consult,assault", modes=("Visit",), statuses=["occurred"], since="2017/01/01")
    assert q.types == ("CONSULT", "ASSAULT") and q.modes == ("visit",) and q.since.first == "2017-01-01"
    assert q.to_params() == {"types": ["CONSULT", "ASSAULT"], "modes": ["visit"], "statuses": ["occurred"],
                             "since": "2017-01-01"}


def test_events_page_total_and_order(st) -> None:
    page = query.events(st, EventQuery(limit=2))
    assert page.total == 5 and ids(page) == ["ev1", "ev2"] and page.next_offset == 2
    last = query.events(st, EventQuery(limit=2, offset=4))
    assert ids(last) == ["ev5"] and last.next_offset is None
    by_date = query.events(st, EventQuery(sort="date", descending=True, limit=None))
    assert ids(by_date)[-1] == "ev4"  # undated last, either direction
    assert ids(query.events(st, EventQuery(sort="date", limit=None)))[-1] == "ev4"
    with pytest.raises(QueryError, match="sort"):
        EventQuery(sort="record; DROP TABLE events")
    with pytest.raises(QueryError, match="sort"):
        query.events(st, EventQuery(sort="sources"))  # a story order, not an event one


@pytest.mark.parametrize(("kw", "expected"), [
    ({"types": "CONSULT"}, ["ev1", "ev2"]),
    ({"modes": "allege"}, ["ev4"]),
    ({"statuses": "hypothetical"}, ["ev5"]),
    ({"actor": "ماكرون"}, ["ev1", "ev2"]),
    ({"actor": "Assad"}, ["ev4", "ev5"]),
    ({"actor": "FRA"}, ["ev1", "ev2", "ev4"]),
    ({"actor_id": "assad_bashar"}, ["ev4", "ev5"]),
    ({"actor": "100%_"}, []),
    ({"country": "syr"}, ["ev4", "ev5"]),
    ({"outlet": "الشروق"}, ["ev2"]),
    ({"year": 2017}, ["ev3", "ev5"]),
    ({"since": "2017-11-15", "until": "2017-11-20"}, ["ev3", "ev5"]),  # month and year dates overlap it
    ({"since": "2017/12/01"}, ["ev1", "ev2", "ev5"]),  # 2017 (a year) overlaps December
    ({"until": "2017-11"}, ["ev3", "ev5"]),
    ({"story_id": None, "article_id": "a3"}, ["ev3", "ev4", "ev5"]),
    ({"text": "حمص"}, ["ev3", "ev4", "ev5"]),
    ({"text": "القاهرة", "outlet": "الأهرام"}, ["ev1"]),
    ({"min_confidence": 0.75}, ["ev1", "ev2"]),
])
def test_each_filter(st, kw, expected) -> None:
    assert ids(query.events(st, EventQuery(limit=None, **kw))) == expected


def test_facets_count_matches_and_ignore_their_own_filter(st) -> None:
    page = query.events(st, EventQuery(types="CONSULT"), facets=True)
    f = {k: {v["value"]: v["count"] for v in vals} for k, vals in page.facets.items()}
    assert f["type"] == {"CONSULT": 2, "ACCUSE": 1, "ASSAULT": 1, "THREATEN": 1}  # its own filter left out
    assert f["outlet"] == {"الأهرام": 1, "الشروق": 1}
    assert f["country"] == {"EGY": 2, "FRA": 2} and f["year"] == {"2024": 2}
    actors = {v["value"]: v for v in page.facets["actor"]}
    assert actors["macron_emmanuel"]["count"] == 2 and actors["macron_emmanuel"]["name"] == "Emmanuel Macron"
    assert set(page.facets) == set(query.FACETS)


def test_stories_filter_through_their_events(st) -> None:
    page = query.stories(st, EventQuery(types="CONSULT", limit=None), facets=True)
    assert page.total == 1 and page.records[0]["type"] == "CONSULT"
    assert sorted(page.records[0]["event_ids"]) == ["ev1", "ev2"]
    assert {v["value"]: v["count"] for v in page.facets["outlet"]} == {"الأهرام": 1, "الشروق": 1}
    every = query.stories(st, EventQuery(sort="date", limit=None))
    assert every.total == len(every.records) >= 3


def test_story_has_members_outlets_and_evidence(st) -> None:
    sid = query.events(st, EventQuery(types="CONSULT", limit=1)).records[0]["story_id"]
    s = query.story(st, sid)
    assert [e["id"] for e in s["events"]] == ["ev1", "ev2"]
    assert [o["outlet"] for o in s["outlets"]] == ["الأهرام", "الشروق"]
    assert s["evidence"][0]["text"].startswith("استقبل") and s["evidence"][0]["article"]["id"] == "a1"
    assert query.story(st, "nope") is None


def test_actor_has_offices_counterparts_and_timeline(st) -> None:
    from marsad.entities.kb import ActorKB

    a = query.actor(st, "sisi_abdel_fattah", kb=ActorKB.load())
    assert a["actor"]["name"] == "Abdel Fattah el-Sisi" and a["actor"]["events"] == 2
    assert [o["role"] for o in a["actor"]["offices"]] == ["defence_minister", "president"]
    assert a["counterparts"] == [{"id": "macron_emmanuel", "name": "Emmanuel Macron", "name_ar": "إيمانويل ماكرون",
                                  "kind": "person", "country": "FRA", "events": 2, "types": ["CONSULT"],
                                  "roles": ["actor"]}]
    assert a["timeline"] == [{"month": "2024-03", "type": "CONSULT", "events": 2}]
    assert [e["id"] for e in a["events"]] == ["ev2", "ev1"]
    unresolved = query.actor(st, "مسلحون")
    assert unresolved["actor"]["events"] == 1 and unresolved["actor"]["offices"] == []
    assert query.actor(st, "nobody") is None


def test_articles_page(st) -> None:
    page = query.articles(st, since="2024", sort="published", descending=True, limit=1)
    assert page.total == 2 and page.next_offset == 1
    assert query.articles(st, text="حمص").total == 1
    with pytest.raises(QueryError, match="limit"):
        query.articles(st, limit=0)


def test_old_participant_rows_get_their_entity_id_back(tmp_path) -> None:
    """Migration 3 fills entity_id from the event records for databases written before it."""
    import sqlite3

    path = make_db(tmp_path / "old.db")
    db = sqlite3.connect(path)
    db.execute("UPDATE event_participants SET entity_id = NULL")
    db.commit()
    from marsad.store.sqlite import MIGRATIONS

    db.executescript(MIGRATIONS[2].split("CREATE INDEX")[0].split(";", 1)[1])
    db.commit()
    got = dict(db.execute("SELECT name, entity_id FROM event_participants WHERE role='recipient' AND event_id='ev1'"))
    assert got == {"Abdel Fattah el-Sisi": "sisi_abdel_fattah"}


def test_every_mode_the_coder_writes_is_a_known_mode() -> None:
    import re

    from marsad.settings import data_path

    text = data_path("events", "triggers.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"\bmode: ([a-z][a-z-]*)", text)) - {"null"}
    assert used and used <= set(query.all_modes())
    assert set(query.modes_by_type()) == set(query.PLOVER_TYPES)


def test_network_timeline_and_places_follow_the_filters(st) -> None:
    net = query.network(st, EventQuery(types="CONSULT"))
    assert [(e["source"], e["target"], e["weight"]) for e in net["edges"]] == [
        ("macron_emmanuel", "sisi_abdel_fattah", 2)]
    assert query.network(st, EventQuery(since="2030"))["nodes"] == []
    assert st.network(type="ACCUSE")["edges"][0]["target"] == "FRA"  # the store's view is the same builder
    assert query.timeline(st, EventQuery(min_confidence=0), by="year") == [
        {"period": "2017", "type": "ASSAULT", "events": 1}, {"period": "2017", "type": "THREATEN", "events": 1},
        {"period": "2024", "type": "CONSULT", "events": 2}]
    assert query.places(st) == [{"name": "Cairo", "name_ar": "القاهرة", "country": "EGY", "events": 2}]
    with pytest.raises(QueryError):
        query.timeline(st, by="week")


def test_a_migration_another_process_ran_meanwhile_is_skipped(tmp_path, monkeypatch) -> None:
    """Two processes opening a new file: the second read version 0 before the first migrated it."""
    import sqlite3

    from marsad.store.sqlite import MIGRATIONS

    path = tmp_path / "r.db"
    Store(path).close()
    late = Store.__new__(Store)
    late.db = sqlite3.connect(path, isolation_level=None)
    stale = [0]  # what the second process read before the first one migrated
    real = Store.schema_version.fget
    monkeypatch.setattr(Store, "schema_version", property(lambda self: stale.pop() if stale else real(self)))
    late.migrate()  # runs migration 0 on a migrated file: "table pages already exists", then carries on
    assert real(late) == len(MIGRATIONS) and not late.db.in_transaction
    late.db.close()


def test_a_query_from_url_parameters_and_back() -> None:
    q = EventQuery.from_params({"type": ["CONSULT", "AGREE"], "since": "2017/01", "limit": "20", "offset": "40",
                                "desc": "true", "sort": "date", "min_confidence": "0.2", "actor": ""})
    assert q.types == ("CONSULT", "AGREE") and q.since.first == "2017-01-01" and (q.limit, q.offset) == (20, 40)
    assert q.descending and q.min_confidence == 0.2 and q.actor is None
    assert EventQuery.from_params(q.to_params()) == q
    for params, param in (({"limit": "-1"}, "limit"), ({"limit": "x"}, "limit"), ({"since": "notadate"}, "since"),
                          ({"bogus": "1"}, "bogus"), ({"type": "BOGUS"}, "type")):
        with pytest.raises(QueryError) as e:
            EventQuery.from_params(params)
        assert e.value.param == param


@pytest.mark.parametrize("filters", [
    {}, {"type": "consult"}, {"actor": "السيسي"}, {"actor": "EGY"}, {"since": "2017-02"}, {"until": "2017"},
    {"type": "CONSULT", "actor": "macron", "since": "2016", "until": "2017-12-31"}, {"min_confidence": 0.9},
])
def test_store_readers_and_the_query_layer_filter_alike(st, filters) -> None:
    """Store.events / Store.stories take the query layer's one WHERE clause: the same filters, the same rows."""
    q = EventQuery(types=filters.get("type") or (), actor=filters.get("actor"), since=filters.get("since"),
                   until=filters.get("until"), min_confidence=filters.get("min_confidence", 0.0), limit=None)
    assert [e["id"] for e in st.events(**filters)] == ids(query.events(st, q))
    story_filters = {k: v for k, v in filters.items() if k != "min_confidence"}
    assert [s["id"] for s in st.stories(**story_filters)] == ids(query.stories(st, q.with_(sort="date",
                                                                                         min_confidence=0.0)))
