"""The API and UI in process: HTML and .json from the same views, escaping of scraped text, read-only by default."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from marsad.model import Article, Entity, Event, Evidence
from marsad.store import Store
from marsad.web import create_app
from marsad.web.app import highlight

EVIL = '<script>alert("x")</script>'


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.db"
    text = f"استقبل الرئيس المصري نظيره الفرنسي في القاهرة. {EVIL} نهاية"
    ev = Event(id="ev1", article_id="a1", type="CONSULT", mode="visit", date="2024-03-02", date_precision="day",
               actors=[Entity(text="نظيره الفرنسي", name="Emmanuel Macron", kind="person", country="FRA")],
               recipients=[Entity(text="الرئيس المصري", name="Abdel Fattah el-Sisi", kind="person", country="EGY")],
               evidence=Evidence(text=text[:48], start=0, end=48), confidence=0.9,
               why={"rule": "detector", "detector": 0.91, "note": EVIL})
    art = Article(id="a1", source_path="/x/a.txt", text=text, title=f"عنوان {EVIL}", outlet="منفذ",
                  published="2024-03-03", events=[ev])
    with Store(path) as st:
        st.add_article(art)
        from marsad.merge import build_stories

        stories, assignment = build_stories(st.all_events_for_merge())
        st.replace_stories(stories, assignment)
    return str(path)


def test_views_serve_html_and_json(db) -> None:
    c = TestClient(create_app(db, token=""))
    for path in ["/", "/events", "/stories", "/articles", "/search?q=القاهرة", "/timeline?actor=Macron"]:
        r = c.get(path)
        assert r.status_code == 200, path
        assert "text/html" in r.headers["content-type"]
    assert c.get("/events.json").json()["events"][0]["id"] == "ev1"
    assert c.get("/events.json?actor=EGY").json()["events"]
    assert not c.get("/events.json?type=ASSAULT").json()["events"]
    assert c.get("/timeline.json?actor=Macron&actor=Sisi").json()["stories"]
    assert c.get("/search.json?q=القاهره").json()["results"][0]["id"] == "a1"
    story_id = c.get("/stories.json").json()["stories"][0]["id"]
    assert c.get(f"/stories/{story_id}.json").json()["events"][0]["id"] == "ev1"
    net = c.get("/network.json").json()
    assert net["edges"][0]["weight"] == 1
    assert c.get("/articles/a1.json").json()["article"]["title"].endswith(EVIL)
    assert c.get("/articles/nope").status_code == 404
    assert c.get("/events.json?limit=abc").status_code == 422


def test_scraped_text_is_escaped(db) -> None:
    c = TestClient(create_app(db, token=""))
    for path in ["/articles/a1", "/articles", "/", "/events"]:
        body = c.get(path).text
        assert "<script>alert" not in body, path
    assert "&lt;script&gt;" in c.get("/articles/a1").text
    assert str(highlight("a<b>c", [(1, 4, "actor", "X")])) == 'a<mark class="hl-actor" title="X">&lt;b&gt;</mark>c'


def test_api_is_read_only_without_token(db) -> None:
    assert TestClient(create_app(db, token="")).post("/ingest", content=b"{}").status_code == 403
    c = TestClient(create_app(db, token="s3cret"))
    assert c.post("/ingest", content=b"{}", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_security_headers_and_only_http_links(db, tmp_path) -> None:
    c = TestClient(create_app(db, token=""))
    for path in ["/", "/events.json", "/articles/a1"]:
        h = c.get(path).headers
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in h["content-security-policy"] and h["x-frame-options"] == "DENY"
    with Store(db) as st:
        st.db.execute("UPDATE articles SET url='javascript:alert(1)' WHERE id='a1'")
    page = c.get("/articles/a1").text
    assert "javascript:" not in page
    with Store(db) as st:
        st.db.execute("UPDATE articles SET url='https://ex.com/a' WHERE id='a1'")
    assert 'href="https://ex.com/a"' in c.get("/articles/a1").text


def test_search_with_nul_and_control_characters(db) -> None:
    c = TestClient(create_app(db, token=""))
    for q in ["%00", "القاهرة%00", "%01%1f", '"%00"']:
        assert c.get(f"/search?q={q}").status_code == 200, q
        assert c.get(f"/search.json?q={q}").status_code == 200, q


def test_strict_bearer_and_body_limit(db, monkeypatch) -> None:
    c = TestClient(create_app(db, token="s3cret"))
    for auth in ["s3cret", "bearer s3cret", "Basic s3cret", "Bearer  s3cret", "Bearer s3cret x", "Bearers3cret"]:
        assert c.post("/ingest", content=b"{}", headers={"Authorization": auth}).status_code == 401, auth
    monkeypatch.setattr("marsad.web.app.section", lambda name: {"max_body_bytes": 1000} if name == "server" else {})
    c = TestClient(create_app(db, token="s3cret"))
    r = c.post("/ingest", content=b"x" * 5000, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 413

    def chunks():
        for _ in range(10):
            yield b"x" * 500  # no Content-Length: counted as it streams

    r = c.post("/ingest", content=chunks(), headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 413


def test_ingest_runs_as_a_job_and_other_requests_are_served_meanwhile(db, monkeypatch) -> None:
    import json
    import threading
    import time

    import marsad.runner

    started, release = threading.Event(), threading.Event()
    real = marsad.runner.ingest_paths

    def slow_ingest(*a, **k):
        started.set()
        release.wait(20)  # an ingest that takes a while
        return real(*a, **k)

    monkeypatch.setattr(marsad.runner, "ingest_paths", slow_ingest)
    c = TestClient(create_app(db, token="s3cret"))
    body = json.dumps({"url": "https://ex.com/n", "text": "عنوان الخبر\n\n" + "التقى وزير الخارجية نظيره في مسقط. " * 5},
                      ensure_ascii=False).encode()
    r = c.post("/ingest", content=body, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 202
    job = r.json()["id"]
    assert started.wait(10)
    t0 = time.perf_counter()
    assert c.get("/events.json").status_code == 200 and c.get(f"/jobs/{job}").json()["status"] == "running"
    assert time.perf_counter() - t0 < 5  # was blocked until the ingest ended (44.7 s)
    release.set()
    for _ in range(200):
        rec = c.get(f"/jobs/{job}").json()
        if rec["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert rec["status"] == "done" and rec["pages_read"] == 1, rec
    assert c.get("/jobs/nope").status_code == 404


def test_bad_parameters_are_422_with_the_parameter_named(db) -> None:
    c = TestClient(create_app(db, token=""))
    for path, param in [("/events.json?since=notadate", "since"), ("/events.json?limit=-1", "limit"),
                        ("/events.json?type=BOGUS", "type"), ("/stories.json?until=2024-02-30", "until"),
                        ("/events.json?since=2025&until=2024", "since"), ("/events.json?country=EG", "country"),
                        ("/events.json?min_confidence=2", "min_confidence"), ("/events.json?sort=nope", "sort"),
                        ("/map.json?since=x", "since"), ("/network.json?type=bogus", "type")]:
        r = c.get(path)
        assert r.status_code == 422, path
        assert r.json()["error"].startswith(f"{param}:"), (path, r.json())
    r = c.get("/events?since=notadate")  # the UI: an error page, in the user's language
    assert r.status_code == 422 and "text/html" in r.headers["content-type"] and "since" in r.text
    r = c.get("/nope")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert c.get("/events?mode=&actor=&type=").status_code == 200  # untouched form fields are no filter


def test_openapi_documents_the_typed_parameters(db) -> None:
    spec = TestClient(create_app(db, token="")).get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/events.json"]["get"]["parameters"]}
    assert {"type", "mode", "status", "actor", "country", "since", "until", "limit", "offset", "sort"} <= set(params)
    assert params["limit"]["schema"]["anyOf"][0]["minimum"] == 1
    assert "/actors/{ident}.json" in spec["paths"] and "/stories/{ident}.json" in spec["paths"]


def test_paging_metadata_and_downloads(db) -> None:
    import io

    import pyarrow.parquet as pq

    c = TestClient(create_app(db, token=""))
    page = c.get("/events.json?limit=1").json()
    assert page["total"] == 1 and page["next"] is None and page["offset"] == 0 and "type" in page["facets"]
    for fmt in ("csv", "jsonl", "parquet"):
        r = c.get(f"/events.{fmt}?type=CONSULT")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"], fmt
    table = pq.read_table(io.BytesIO(c.get("/events.parquet").content))
    assert table.num_rows == 1 and "actor_name" in table.column_names
    assert c.get("/events.csv?type=ASSAULT").text.count("\n") == 1  # the header only
    assert c.get("/stories.csv").status_code == 200 and c.get("/network.csv").status_code == 200


def test_actor_map_and_language(db) -> None:
    c = TestClient(create_app(db, token=""))
    actor = c.get("/actors/Emmanuel Macron.json").json()  # unresolved: known by its name
    assert actor["counterparts"][0]["name"] == "Abdel Fattah el-Sisi"
    assert c.get("/actors/Emmanuel Macron").status_code == 200
    en = c.get("/events?lang=en")
    assert 'lang="en" dir="ltr"' in en.text and en.cookies.get("marsad_lang") == "en"
    assert 'lang="ar" dir="rtl"' in TestClient(create_app(db, token="")).get("/events").text
    for path in ["/", "/events", "/map", "/network", "/timeline", "/docs", "/redoc"]:
        body = c.get(path).text
        assert "cdn." not in body and "googleapis" not in body, path  # every script and style from /static


def test_coordinates_on_locations(tmp_path) -> None:
    from marsad.model import Location

    ev = Event(id="e", article_id="a", type="CONSULT", location=Location("القاهرة", "Cairo", "القاهرة", "EGY"))
    with Store(tmp_path / "c.db") as st:
        st.add_article(Article(id="a", source_path="x", text="نص", events=[ev]))
        loc = st.event("e")["location"]
    assert abs(loc["lat"] - 30.06) < 0.1 and abs(loc["lon"] - 31.25) < 0.1


def test_an_older_database_gets_coordinates_on_first_open(tmp_path) -> None:
    import json

    from marsad.model import Location

    path = tmp_path / "old.db"
    ev = Event(id="e", article_id="a", type="CONSULT", location=Location("بغداد", "Baghdad", "بغداد", "IRQ"))
    with Store(path) as st:
        st.add_article(Article(id="a", source_path="x", text="نص", events=[ev]))
        # back to schema 4 (provenance): no coordinate columns, a record without them
        rec = json.loads(st.db.execute("SELECT record FROM events").fetchone()[0])
        rec["location"] = {k: v for k, v in rec["location"].items() if k not in ("lat", "lon")}
        st.db.execute("UPDATE events SET record=?", (json.dumps(rec, ensure_ascii=False),))
        st.db.execute("ALTER TABLE events DROP COLUMN lat")
        st.db.execute("ALTER TABLE events DROP COLUMN lon")
        st.db.execute("PRAGMA user_version = 4")
    with Store(path) as st:
        assert st.schema_version == 5
        loc = st.event("e")["location"]
        lat = st.db.execute("SELECT lat FROM events").fetchone()[0]
    assert abs(loc["lat"] - 33.34) < 0.1 and lat == loc["lat"]


def test_event_rows_say_what_proposed_them(db) -> None:
    # issue 11 item 7 in the UI: the confidence cell names the rules or the learned detector, and `why` is escaped
    html = TestClient(create_app(db)).get("/events?lang=en").text
    assert "proposed by: detector" in html and ">ML</span>" in html and "<script>alert" not in html
