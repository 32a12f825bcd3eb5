"""Protester nouns governed by a preposition or by a noun of what was done to the crowd name people, not a protest
(groups.py governed_crowd, words.yaml people_governors). Sentences written for this test."""

from __future__ import annotations

import pytest

from marsad.arabic import normalize, tokens
from marsad.events.groups import governed_crowd as _governed_protesters


def _norm(text: str) -> list[str]:
    return [normalize(t) for _, _, t in tokens(text, 0, len(text))]


@pytest.mark.parametrize(("text", "word", "governed"), [
    ("أطلقت الشرطة الغاز على المتظاهرين في الساحة", "المتظاهرين", True),
    ("حاولت قوات الأمن تفريق المحتجين قرب الجسر", "المحتجين", True),
    ("ألقى الزعيم كلمة أمام المعتصمين في الميدان", "المعتصمين", True),
    ("وزعت الجمعية الماء للمتظاهرين", "للمتظاهرين", True),
    ("تجمع المتظاهرون أمام مقر الحكومة", "المتظاهرون", False),
    ("خرج آلاف المحتجين إلى الشوارع", "المحتجين", False),
])
def test_governed_protesters(text: str, word: str, governed: bool) -> None:
    norm = _norm(text)
    i = norm.index(normalize(word))
    assert _governed_protesters(norm, i) is governed


def test_second_conjunct_shares_the_governor() -> None:
    norm = _norm("وقعت مواجهات بين عناصر الشرطة ومتظاهرين في المدينة")
    assert _governed_protesters(norm, norm.index(normalize("ومتظاهرين")))
    norm = _norm("تجمع الطلاب، ومتظاهرون آخرون أمام الوزارة")
    assert not _governed_protesters(norm, norm.index(normalize("ومتظاهرون")))


def test_a_relative_clause_keeps_the_crowd_acting() -> None:
    norm = _norm("اشتبكت الشرطة مع المتظاهرين الذين أغلقوا الطريق")
    assert not _governed_protesters(norm, norm.index(normalize("المتظاهرين")))


@pytest.mark.parametrize(("text", "protest"), [
    ("نظم الطلاب مسيرة حاشدة في وسط المدينة أمس.", True),
    ("وتحدث الوزير عن المسيرة التعليمية في المدارس الريفية.", False),
    ("وأكد الرئيس دعم بلاده مسيرة السلام في المنطقة.", False),
])
def test_a_course_is_no_march(text: str, protest: bool) -> None:
    """A "مسيرة" of a process ("المسيرة التعليمية", "مسيرة السلام") is no rally (triggers.yaml protest.rally)."""
    from marsad.entities.resolve import EntityStep
    from marsad.events.coder import Coder
    from marsad.model import Article

    (art,) = EntityStep(ner_backend="crf")([Article(id="t", source_path="/tmp/t.txt", text=text,
                                                    published="2023-10-20")])
    assert any(e.type == "PROTEST" for e in Coder().code(art)) is protest
