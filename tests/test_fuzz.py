"""Fuzzing (hypothesis): readers, extractors, the date tagger and the event coder take any input without raising
and without running away; whatever they return keeps its invariants (offsets inside the text)."""

from __future__ import annotations

import json
import time

import hostile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.dates import tag
from marsad.extract import extract_articles
from marsad.ingest import read_bytes
from marsad.ingest.readers import Reader
from marsad.model import Article, Failure, Page
from marsad.runner import SentenceStep

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXTISH = st.text(st.one_of(ARABIC, st.sampled_from(list(" \n.،؟!<>/=\"'&;:-0123456789abcdefghij٠١٢٣")),
                            st.characters()), max_size=600)
MARKUP = st.lists(st.one_of(
    st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<article>", "</article>", "<h1>", "</h1>", "<h2>", "<time "
                     "datetime='2024-02-30'>", "<script>", "</script>", "<meta property='article:published_time' "
                     "content='2099-13-45'>", "<br/>", "<!--", "-->", "<![CDATA[", "<a href='javascript:x'>", "&#0;",
                     "&nbsp;", "<body>", "<html>", "\x00", "\ufeff"]),
    st.sampled_from(hostile.WORDS), TEXTISH), max_size=60).map(" ".join)


@FAST
@given(raw=st.binary(max_size=3000), kind=st.sampled_from(["html", "text"]))
def test_reader_takes_any_bytes(raw: bytes, kind: str) -> None:
    out = read_bytes(raw, "fuzz." + ("html" if kind == "html" else "txt"), kind)
    assert isinstance(out, (Page, Failure))
    if isinstance(out, Failure):
        assert out.reason


@FAST
@given(lines=st.lists(st.one_of(
    st.binary(max_size=200),
    st.builds(lambda d: json.dumps(d).encode(), st.dictionaries(
        st.sampled_from(["url", "html", "text", "published", "crawl_date"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=200), st.lists(st.integers(), max_size=3)))),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n)), max_size=8))
def test_jsonl_reader_takes_any_lines(tmp_path_factory, lines: list[bytes]) -> None:
    path = tmp_path_factory.mktemp("j") / "f.jsonl"
    path.write_bytes(b"\n".join(x.replace(b"\n", b" ") for x in lines) + b"\n")
    out = list(Reader().read([str(path)]))
    assert all(isinstance(x, (Page, Failure)) for x in out)
    assert len(out) <= max(1, len(lines))


@FAST
@given(html=MARKUP)
def test_extractors_take_any_markup(html: str) -> None:
    page = Page(source_path="/fuzz.html", text=html, content_type="html")
    t0 = time.perf_counter()
    for art in extract_articles(page):
        assert art.text.strip() and art.id
        SentenceStep().process(art)
        assert all(0 <= s < e <= len(art.text) for s, e in art.sentences)
    assert time.perf_counter() - t0 < 10


@FAST
@given(text=TEXTISH, anchor=st.one_of(st.none(), st.dates().map(str), st.sampled_from(["", "2024-02-30", "x"])))
def test_date_tagger_takes_any_text(text: str, anchor: str | None) -> None:
    for t in tag(text, anchor):
        assert 0 <= t.start <= t.end <= len(text)
        assert t.value is None or t.value[:1].isdigit()


@pytest.fixture(scope="module")
def coder():
    from marsad.events import EventStep

    return EventStep(settings={"gate": False}).coder


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.one_of(st.sampled_from(hostile.WORDS + ["استقبل", "أدان", "هاجم", "وقع", "اتفاقية", "قال",
                                                                 "،", ".", "\n", "لن", "سوف"]), TEXTISH), max_size=80))
def test_coder_takes_any_text(coder, words: list[str]) -> None:
    text = " ".join(words)
    art = Article(id="f", source_path="/fuzz.txt", text=text, published="2024-03-01")
    SentenceStep().process(art)
    for ev in coder.code(art):
        assert ev.type and 0.0 <= float(ev.confidence) <= 1.0
        if ev.evidence is not None and ev.evidence.start is not None:
            assert 0 <= ev.evidence.start <= ev.evidence.end <= len(text) + len(art.title or "") + 1
