"""Place gazetteer: package-built names with curated variants, clitic handling, cache rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.entities import gazetteer as gz
from marsad.entities.gazetteer import Gazetteer, Place


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(("surface", "name", "country"), [
    ("سوتشي", "Sochi", "RUS"),
    ("موسكو", "Moscow", "RUS"),
    ("طوكيو", "Tokyo", "JPN"),
    ("بطرسبورغ", "Saint Petersburg", "RUS"),
    ("سانت بطرسبرغ", "Saint Petersburg", "RUS"),
    ("نور سلطان", "Astana", "KAZ"),
    ("أستانا", "Astana", "KAZ"),
    ("ألاسكا", "Alaska", "USA"),
    ("الدوحة", "Doha", "QAT"),
])
def test_resolve_location(g: Gazetteer, surface: str, name: str, country: str) -> None:
    loc = g.resolve_location(surface)
    assert loc is not None
    assert (loc.name, loc.country, loc.text) == (name, country, surface)
    assert loc.name_ar


def test_countries_from_packages(g: Gazetteer) -> None:
    for surface, a3 in [("مصر", "EGY"), ("فرنسا", "FRA"), ("الصين", "CHN"), ("اليابان", "JPN"), ("قطر", "QAT")]:
        best = g.lookup(surface)[0]
        assert (best.kind, best.country) == ("country", a3)
    # A dediacritised pycountry translation.
    assert g.lookup("الاتحاد الروسي")[0].country == "RUS"
    # Ambiguity: the most populous wins (Algeria the country over Algiers the city).
    assert g.lookup("الجزائر")[0].name == "Algeria"


def test_clitics_and_article(g: Gazetteer) -> None:
    assert g.lookup("بموسكو")[0].name == "Moscow"
    assert g.lookup("وطهران")[0].name == "Tehran"
    assert g.lookup("بالقاهرة")[0].name == "Cairo"
    assert g.lookup("للقاهرة")[0].name == "Cairo"
    assert g.lookup("في موسكو")[0].name == "Moscow"
    assert g.lookup("والدوحة")[0].name == "Doha"
    assert g.lookup("كلمة") == []


def test_find_gives_offsets_without_clitics(g: Gazetteer) -> None:
    text = "وصل الوفد بموسكو قادما من سانت بطرسبرغ، ثم توجه إلى الصين وطهران."
    ms = g.find(text)
    got = [(m.text, m.attrs["location"].name, m.attrs["kind"]) for m in ms]
    assert ("موسكو", "Moscow", "city") in got
    assert ("سانت بطرسبرغ", "Saint Petersburg", "city") in got  # longest match, not "سانت" alone
    assert ("الصين", "China", "country") in got
    assert ("طهران", "Tehran", "city") in got
    for m in ms:
        assert text[m.start:m.end] == m.text
        assert m.label == "LOC" and m.source == "gazetteer"
        assert m.attrs["location"].country == m.attrs["country"]
        # Countries are participants (contract kind "country"); cities are places only.
        if m.attrs["kind"] == "country":
            assert m.entity is not None and m.entity.kind == "country" and m.entity.country == m.attrs["country"]
        else:
            assert m.entity is None
    # A window sees only its own part.
    cut = text.index("ثم")
    assert [m.text for m in g.find(text, 0, cut)] == ["موسكو", "سانت بطرسبرغ"]


def test_common_words_are_not_places(g: Gazetteer) -> None:
    # geonames lists towns named like everyday words; find() must not report them.
    assert g.find("وكان الامن في المدينة الجديدة") == []


def test_persian_forms_dropped() -> None:
    assert gz._looks_arabic("طهران")
    for name in ("اسکالدس", "گرگان", "پاریس", "چین", "تهرانی"):
        assert not gz._looks_arabic(name)
    places = [Place(n, "X", "XXX", "city", 1, "geonames") for n in ("پاریس",)]
    assert all(not gz._looks_arabic(p.name_ar) for p in places)


def test_resolve_location_phrase(g: Gazetteer) -> None:
    loc = g.resolve_location("مدينة سوتشي الروسية")
    assert loc is not None and (loc.name, loc.country) == ("Sochi", "RUS")
    assert g.resolve_location("") is None
    assert g.resolve_location("اجتماع مطول") is None


def test_cache_rebuilt_when_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = gz.cache_file()
    assert not path.exists()
    g1 = Gazetteer.load()
    assert path.exists() and g1.cache_path == path
    path.unlink()
    g2 = Gazetteer.load()
    assert path.exists()
    assert g2.lookup("موسكو")[0].name == "Moscow"
    # A stale cache (other format) is rebuilt, not trusted.
    path.write_text('{"format": -1, "versions": {}, "places": []}', encoding="utf-8")
    g3 = Gazetteer.load()
    assert g3.lookup("طوكيو")[0].country == "JPN"
    assert '"format":-1' not in path.read_text(encoding="utf-8")


def test_unwritable_cache_builds_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # marsad/ cannot be created under a file
    g = Gazetteer.load()
    assert g.cache_path is None
    assert g.lookup("موسكو")[0].name == "Moscow"


def test_load_is_fast_from_cache(g: Gazetteer) -> None:
    again = Gazetteer.load()
    assert again.load_seconds < 2.0
    assert g.counts()["country"] > 200 and g.counts()["city"] > 5000


@pytest.mark.parametrize("text,name", [
    ("التقى الرئيس المبعوث في القصر الجمهوري ببعبدا أمس.", "Baabda"),
    ("استقبله أمير البلاد في قصر لوسيل.", "Lusail"),
    ("استقبل رئيس الوزراء ضيفه بمقر مجلس الوزراء بالعاصمة الإدارية الجديدة.", "New Administrative Capital"),
    ("وزار الوزير رئيس مجلس النواب في عين التينة.", "Ain el-Tineh"),
    ("استقبل الرئيس ضيفه بمدينة العلمين الجديدة.", "New Alamein"),
    ("استقبل الرئيس ضيفه في قصر الاتحادية.", "Heliopolis Palace"),
])
def test_seats_of_power_are_places(g: Gazetteer, text: str, name: str) -> None:
    # agency copy names the palace or the seat instead of the city
    assert name in [getattr(m.attrs.get("location"), "name", None) for m in g.find(text)]
