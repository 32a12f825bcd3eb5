"""The web UI in a real browser: Playwright drives Debian's chromium (``make browser-deps`` installs it; never
``playwright install``) against a server on 127.0.0.1 over a database of samples/ plus a hostile title. Each page
must render what a user sees (chart, graph, map markers, paging, filters, downloads), log no console error and
ask nothing of any host but 127.0.0.1. Screenshots go to build/screenshots/."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from marsad.model import Article, Entity, Event, Evidence

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
EVIL = '<img src=x onerror="alert(1)"><script>alert("x")</script>'

pytestmark = pytest.mark.slow

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra)")


def _hostile_article() -> Article:
    text = f"استقبل الرئيس المصري نظيره الفرنسي في القاهرة. {EVIL} نهاية"
    ev = Event(id="evil-ev", article_id="evil", type="CONSULT", mode="visit", date="2024-03-02",
               date_precision="day", confidence=0.9,
               actors=[Entity(text="نظيره الفرنسي", name=f"Macron {EVIL}", kind="person", country="FRA")],
               recipients=[Entity(text="الرئيس المصري", name="Abdel Fattah el-Sisi", kind="person", country="EGY",
                                  id="sisi_abdel_fattah")],
               evidence=Evidence(text=text[:48], start=0, end=48), trigger="استقبل")
    return Article(id="evil", source_path="/x/evil.txt", text=text, title=f"عنوان {EVIL}", outlet=f"منفذ {EVIL}",
                   published="2024-03-03", events=[ev])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> str:
    from marsad.merge import build_stories
    from marsad.runner import ingest_paths
    from marsad.store import Store

    path = tmp_path_factory.mktemp("browser") / "samples.db"
    ingest_paths([str(samples_dir)], str(path))
    with Store(path) as st:
        st.add_article(_hostile_article())
        stories, assignment = build_stories(st.all_events_for_merge())
        st.replace_stories(stories, assignment)
    return str(path)


@pytest.fixture(scope="module")
def server(db: str) -> Iterator[str]:
    import uvicorn

    from marsad.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db, token=""), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        # root in a container has no user namespace for chromium's sandbox
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


class Watch:
    """What a page did wrong: console errors, uncaught exceptions, dialogs (an injected alert), and requests to
    any host but 127.0.0.1 (aborted, so that nothing leaves the machine)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []

    def check(self) -> None:
        assert not self.outside, f"requests left 127.0.0.1: {self.outside}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[tuple[Any, Watch]]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    watch = Watch()

    def route(r: Any) -> None:
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            watch.outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: watch.errors.append(str(e)))

    def dialog(d: Any) -> None:
        watch.errors.append(f"dialog: {d.message}")
        d.dismiss()

    pg.on("dialog", dialog)
    yield pg, watch
    ctx.close()


def visit(pg: Any, server: str, path: str, shot: str | None = None) -> Any:
    resp = pg.goto(server + path, wait_until="networkidle")
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=False)
    return resp


def test_every_page_renders_in_arabic_and_english(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    for path, shot in [("/", "index"), ("/events", "events"), ("/stories", "stories"), ("/articles", "articles"),
                       ("/search?q=الرئيس", "search"), ("/actors/sisi_abdel_fattah", "actor"),
                       ("/articles/evil", "article"), ("/docs", "docs"), ("/redoc", "redoc")]:
        resp = visit(pg, server, path, shot)
        assert resp.status == 200, path
        watch.check()
    sid = pg.request.get(server + "/stories.json?limit=1").json()["stories"][0]["id"]
    assert visit(pg, server, f"/stories/{sid}", "story").status == 200
    assert pg.locator("table.outlets tbody tr").count() >= 1
    assert pg.locator("html").get_attribute("dir") == "rtl" and pg.locator("html").get_attribute("lang") == "ar"
    pg.click("#lang-switch")
    pg.wait_for_load_state("networkidle")
    assert pg.locator("html").get_attribute("dir") == "ltr" and pg.locator("html").get_attribute("lang") == "en"
    visit(pg, server, "/events", "events-en")  # the cookie keeps English
    assert pg.locator("h1").inner_text() == "Events"
    assert pg.locator("label", has_text="Actor").count() >= 1
    watch.check()


def test_docs_are_served_locally(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    visit(pg, server, "/docs")
    pg.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert pg.locator(".opblock").count() > 5
    visit(pg, server, "/redoc")
    pg.wait_for_selector("[role=menuitem], .menu-content", timeout=15000)
    watch.check()


def test_timeline_chart_is_drawn(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    visit(pg, server, "/timeline")
    pg.wait_for_selector("#timeline-chart canvas")
    visit(pg, server, "/timeline", "timeline")
    assert int(pg.locator("#timeline-chart").get_attribute("data-rendered")) > 0
    box = pg.locator("#timeline-chart canvas").first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    watch.check()


def test_network_graph_has_nodes_zoom_and_filters(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    visit(pg, server, "/network")
    pg.wait_for_selector("#network-graph canvas")
    n_all = int(pg.locator("#network-graph").get_attribute("data-nodes"))
    assert n_all > 5
    before = pg.evaluate("window.marsadGraph.zoom()")
    pg.click("#zoom-in")
    assert pg.evaluate("window.marsadGraph.zoom()") > before
    pg.click("#zoom-fit")
    edges = int(pg.locator("#network-graph").get_attribute("data-visible-edges"))
    pg.locator("#edge-types input[value=CONSULT]").uncheck()  # hides those edges at once, in the browser
    assert int(pg.locator("#network-graph").get_attribute("data-visible-edges")) < edges
    pg.locator("#edge-types input[value=CONSULT]").check()
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network.png"))
    pg.select_option("#f-type", "CONSULT")
    pg.fill("#f-since", "2000")
    pg.click("#f-submit")
    pg.wait_for_load_state("networkidle")
    assert "type=CONSULT" in pg.url and "since=2000" in pg.url
    assert 0 < int(pg.locator("#network-graph").get_attribute("data-nodes")) < n_all
    watch.check()


def test_map_shows_markers_on_the_outline(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    visit(pg, server, "/map")
    pg.wait_for_selector("#event-map[data-outline='1']")
    assert int(pg.locator("#event-map").get_attribute("data-markers")) >= 5
    assert pg.locator("#event-map path.event-marker").count() >= 5
    pg.screenshot(path=str(SHOTS / "map.png"))
    pg.locator("#event-map path.event-marker").first.click(force=True)
    pg.wait_for_selector(".leaflet-popup-content a")
    watch.check()


def test_events_paging_sort_filter_and_download(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    visit(pg, server, "/events?limit=10")
    total = pg.request.get(server + "/events.json?limit=1").json()["total"]
    assert total > 10
    assert f"{total}" in pg.locator("#total").inner_text()
    first = pg.locator("table.events tbody tr").first.inner_text()
    assert pg.locator("table.events tbody tr").count() == 10
    pg.click("#next")
    pg.wait_for_load_state("networkidle")
    assert "offset=10" in pg.url and pg.locator("table.events tbody tr").first.inner_text() != first
    assert pg.locator("#prev").count() == 1
    # sort by confidence, ascending then descending
    visit(pg, server, "/events?sort=confidence&order=asc&limit=50")
    conf = [float(x) for x in pg.locator("table.events tbody tr td:nth-child(6)").all_inner_texts()]
    assert conf == sorted(conf)
    # a filter from the form, and a facet link
    visit(pg, server, "/events")
    pg.select_option("#f-type", "CONSULT")
    pg.click("#f-submit")
    pg.wait_for_load_state("networkidle")
    types = pg.locator("table.events tbody td.type").all_inner_texts()
    assert types and all(t.startswith("CONSULT") for t in types)
    pg.locator(".facet[data-facet=country] a").first.click()
    pg.wait_for_load_state("networkidle")
    assert "country=" in pg.url and "type=CONSULT" in pg.url
    # the CSV download keeps the filters and has every matching row
    n = pg.request.get(server + "/events.json?" + pg.url.split("?", 1)[1]).json()["total"]
    with pg.expect_download() as dl:
        pg.click("a.dl:text('CSV')")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == n and all(r["type"] == "CONSULT" for r in rows)
    watch.check()


def test_hostile_text_is_shown_as_text(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    for path in ["/articles/evil", "/events?actor=Macron", "/articles", "/", "/network", "/search?q=عنوان"]:
        visit(pg, server, path)
        assert pg.locator("script:not([src]):not([type='application/json'])").count() == 0, path
        assert pg.locator("img[src=x]").count() == 0, path
    visit(pg, server, "/articles/evil")
    assert EVIL in pg.locator("h1").inner_text()
    # the article page's legend and its four kinds of highlight
    assert pg.locator("#legend mark").count() == 4
    assert pg.locator("article.body mark").count() >= 1
    watch.check()


def test_article_highlights_and_links_each_event_to_its_story(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    aid = pg.request.get(server + "/events.json?type=CONSULT&limit=1").json()["events"][0]["article"]["id"]
    visit(pg, server, f"/articles/{aid}")
    kinds = {c for c in pg.locator("article.body mark").evaluate_all("els => els.map(e => e.className)")}
    assert {"hl-actor", "hl-trigger"} <= kinds, kinds
    pg.locator("a.story-link").first.click()
    pg.wait_for_load_state("networkidle")
    assert "/stories/" in pg.url
    watch.check()


def test_bad_parameters_show_an_error_page(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    for path in ["/events?since=notadate", "/events?limit=-1", "/events?type=BOGUS"]:
        resp = visit(pg, server, path)
        assert resp.status == 422, path
        assert pg.locator(".problems li").count() >= 1, path
    assert visit(pg, server, "/actors/nobody").status == 404
    assert "since" in pg.request.get(server + "/events.json?since=notadate").json()["error"]
    # the console logs the 4xx responses themselves; that is expected here, nothing else is
    assert not watch.outside


def test_usable_at_390_pixels(browser: Any, server: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = ctx.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, shot in [("/events", "mobile-events"), ("/map", "mobile-map"), ("/", "mobile-index")]:
        pg.goto(server + path, wait_until="networkidle")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)  # wide tables scroll inside their box, the page does not
        pg.screenshot(path=str(SHOTS / f"{shot}.png"))
    ctx.close()


def test_readme_screenshots_come_from_here() -> None:
    """docs/screenshots/ holds copies of this module's timeline, network and map shots (the README shows them)."""
    for name in ("timeline", "network", "map"):
        assert (ROOT / "docs" / "screenshots" / f"{name}.png").stat().st_size > 10_000, name


def test_actor_page_has_offices_chart_and_counterparts(page: tuple[Any, Watch], server: str) -> None:
    pg, watch = page
    visit(pg, server, "/actors/sisi_abdel_fattah")
    pg.wait_for_selector("#network-graph canvas")
    pg.wait_for_selector("#timeline-chart canvas")
    pg.screenshot(path=str(SHOTS / "actor.png"), full_page=True)
    assert pg.locator("table.offices tbody tr").count() >= 1  # the knowledge base's offices, by date
    assert int(pg.locator("#network-graph").get_attribute("data-nodes")) >= 2
    assert pg.locator("table.counterparts tbody tr a").count() >= 1
    pg.locator("table.counterparts tbody tr a").first.click()
    pg.wait_for_load_state("networkidle")
    assert "/actors/" in pg.url and "sisi" not in pg.url
    watch.check()
