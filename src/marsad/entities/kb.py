"""The actor knowledge base: people with dated offices, countries, organisations and the title lexicon.

Everything lives in versioned YAML files under ``marsad/data/actors/``; users extend it with their own YAML or CSV
files (``--actors FILE`` or ``$MARSAD_ACTORS``, several joined with ``os.pathsep``) without touching the package.
Lookups run on normalised text (``marsad.arabic.normalize``) over a dict of token n-grams, so matching a whole
article is one pass of dictionary probes, tolerant of the clitics Arabic glues to the first word.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..arabic import normalize, tokens  # tokens: re-exported for the resolver
from ..model import Entity, Mention
from ..settings import data_path

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: loads the KB several times faster
PACKAGED = ("titles.yaml", "given_names.yaml", "countries.yaml", "organizations.yaml")  # then every persons*.yaml, sorted
# Head of state before head of government before ministers: the office a bare name is given on a date.
ROLE_RANK = {r: i for i, r in enumerate((
    "king", "emir", "sultan", "supreme_leader", "president", "chancellor", "prime_minister", "crown_prince",
    "vice_president", "secretary_general", "commission_president", "council_president", "high_representative",
    "foreign_minister", "defence_minister"))}
_PROCLITIC = "وف"
_PREP = "بلك"
_TITLE_TYPES = ("title", "title_construct", "fixed_title")


def _iso(v: Any, end: bool = False) -> str | None:
    """YAML dates/years to ISO text; a bare year is widened to its first or last day."""
    if v is None or v == "":
        return None
    s = str(v).strip()
    if len(s) == 4 and s.isdigit():
        return f"{s}-12-31" if end else f"{s}-01-01"
    if len(s) == 7:
        return f"{s}-28" if end else f"{s}-01"
    return s[:10]


@dataclass
class Office:
    role: str
    of: str | None  # ISO3 country or organisation id
    start: str | None
    end: str | None  # None: still in office
    note: str | None = None

    def covers(self, day: str) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class Actor:
    id: str
    name: str
    name_ar: str | None
    kind: str = "person"  # person | organization | group
    country: str | None = None
    variants: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)  # surnames that are also common words: need context
    offices: list[Office] = field(default_factory=list)

    def office_on(self, day: str | None) -> Office | None:
        """The highest office held on ``day``; with no date, the only office if there is just one."""
        if day is None:
            return self.offices[0] if len(self.offices) == 1 else None
        held = [o for o in self.offices if o.covers(day)]
        return min(held, key=lambda o: ROLE_RANK.get(o.role, 99)) if held else None

    def held(self, role: str, day: str | None) -> bool:
        return any(o.role == role and (day is None or o.covers(day)) for o in self.offices)

    def entity(self, text: str, role: str | None = None, day: str | None = None) -> Entity:
        if role is None:
            o = self.office_on(day)
            role = o.role if o else None
        return Entity(text=text, name=self.name, name_ar=self.name_ar, kind=self.kind, country=self.country,
                      id=self.id, role=role)


@dataclass
class Country:
    iso3: str
    name: str
    name_ar: str
    names: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    capital_en: str | None = None
    adjectives: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)

    def entity(self, text: str) -> Entity:
        return Entity(text=text, name=self.name, name_ar=self.name_ar, kind="country", country=self.iso3,
                      id=self.iso3, role=None)


@dataclass
class Hit:
    """One lexicon entry a stretch of text matched."""

    type: str  # person|org|country|capital|metonym|nationality|title|fixed_title|honorific|counterpart|plural|...
    ref: Any = None  # Actor, Country, role name ...
    of: str | None = None  # for fixed titles: the country/organisation the office belongs to
    weak: bool = False


@dataclass
class RawMatch:
    start: int  # offsets into the original text
    end: int
    tok_start: int  # token indices
    tok_end: int
    hits: list[Hit]
    definite: bool  # first word carried ال
    clitic: str = ""  # the proclitics stripped from the first word


def _variants(s: str) -> set[str]:
    """Spelling variants the press mixes freely: عبد الفتاح/عبدالفتاح, بن/ابن."""
    n = " ".join(t for _, _, t in tokens(normalize(s)) if t not in "،,.()\"'«»")
    out = {n}
    if "عبد " in n:
        out.add(n.replace("عبد ", "عبد"))
    if "عبدال" in n:
        out.add(n.replace("عبدال", "عبد ال"))
    if " بن " in n:
        out.add(n.replace(" بن ", " ابن "))
    return {v for v in out if v}


def _adjective_forms(base: str) -> set[str]:
    """Regular nisba inflection: سوري → سورية سوريون سوريين سوريان سوريتان سوريتين; each word of a two-word
    adjective agrees ("الكوري الجنوبي", "الكورية الجنوبية")."""
    words = normalize(base).split()
    if not all(w.endswith("ي") for w in words):
        return {" ".join(words)}
    out = set()
    for suf in ("", "ه", "ون", "ين", "ان", "تان", "تين", "ات"):
        first, rest = words[0] + suf, [w + suf for w in words[1:]]
        out.add(" ".join([first] + rest))
        if rest:  # later words carry the article when the phrase is definite
            out.add(" ".join([first] + ["ال" + w for w in rest]))
    return out


def _first_forms(tok: str) -> list[tuple[str, str, bool]]:
    """(stem, clitics, had_al) readings of a first word: و/ف, then ب/ل/ك, then ال."""
    out: list[tuple[str, str, bool]] = []
    seen: set[str] = set()

    def add(s: str, cl: str) -> None:
        if s in seen:
            return
        seen.add(s)
        out.append((s, cl, s.startswith("ال")))
        if s.startswith("ال") and len(s) > 4:
            bare = s[2:]
            if bare not in seen:
                seen.add(bare)
                out.append((bare, cl, True))

    add(tok, "")
    stems = [(tok, "")]
    if len(tok) > 3 and tok[0] in _PROCLITIC:
        stems.append((tok[1:], tok[0]))
    for s, cl in list(stems):
        if len(s) > 3 and s.startswith("لل"):
            add("ال" + s[2:], cl + "ل")  # للرئيس = ل + الرئيس
        if len(s) > 3 and s[0] in _PREP:
            stems.append((s[1:], cl + s[0]))
    for s, cl in stems:
        add(s, cl)
    return out


# Transliterated (non-Arabic) names vary in their long vowels and in the letter for g/v/p: "زيلنسكي" / "زيلينسكي",
# "بيزشكيان" / "بزشكيان", "غوتيريش" / "جوتيريش". Their "skeleton" drops ا و ي and folds those letters.
_SKEL = str.maketrans({"ا": "", "و": "", "ي": "", "ى": "", "ء": "", "غ": "ج", "چ": "ج", "ڤ": "ف", "پ": "ب",
                       "ژ": "ز", "ث": "س", "ذ": "ز", "ط": "ت"})


def skeleton(name: str) -> str:
    words = (re.sub(r"(.)\1+", r"\1", w.translate(_SKEL)) for w in normalize(name).split())
    return " ".join(w for w in words if w)


class ActorKB:
    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.countries: dict[str, Country] = {}
        self.lex: dict[str, list[Hit]] = {}
        self.max_n = 1
        self.versions: dict[str, str] = {}
        self.lists: dict[str, set[str]] = {}  # stopwords etc., normalised
        self._holders: dict[tuple[str, str], list[tuple[Office, Actor]]] = {}
        self._adj: dict[str, str] = {}  # normalised adjective form → ISO3
        self.role_fallbacks: dict[str, list[str]] = {}
        self.agency_home: dict[str, str] = {}  # news agency code → its country ("بترا" → JOR)
        self._arab: set[str] = set()  # Arab League members: their people's names have standard spellings
        self._skel: dict[str, set[str]] | None = None  # skeleton → actor ids, built on first use

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, extra: Iterable[str] = ()) -> ActorKB:
        """The packaged files plus the user's (``extra`` and ``$MARSAD_ACTORS``); later files add to or override
        earlier ones by id."""
        paths = [str(data_path("actors", f)) for f in PACKAGED]
        paths += sorted(str(p) for p in data_path("actors").glob("persons*.yaml"))
        env = os.environ.get("MARSAD_ACTORS")
        if env:
            paths += [p for p in env.split(os.pathsep) if p]
        paths += [str(p) for p in extra]
        return _load_cached(tuple(paths))

    def _load_file(self, path: str) -> None:
        p = Path(path)
        if p.suffix.lower() == ".csv":
            self._load_csv(p)
            return
        with open(p, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=_Loader) or {}
        self.versions[p.name] = str(doc.get("version", "?"))
        for c in doc.get("countries") or []:
            self._add_country(c)
        for key in ("persons", "organizations", "groups", "actors"):
            for a in doc.get(key) or []:
                kind = a.get("kind") or ("person" if key in ("persons", "actors") else "organization")
                self._add_actor(a, kind)
        for t in doc.get("titles") or []:
            for form in t.get("definite") or []:
                self._index(form, Hit("title", t["role"]))
            for form in t.get("construct") or []:
                self._index(form, Hit("title_construct", t["role"]))
        for t in doc.get("fixed") or []:
            self._index(t["text"], Hit("fixed_title", t["role"], of=t.get("of")))
        for key in ("honorifics", "counterpart", "plural", "group_heads", "group_modifiers", "government_heads",
                    "body_heads", "not_current", "ignore"):
            for form in doc.get(key) or []:
                self._index(form, Hit(key.rstrip("s")))
        for form in doc.get("post_honorifics") or []:
            self._index(form, Hit("post_honorific"))
        for role, alts in (doc.get("role_fallbacks") or {}).items():
            self.role_fallbacks[str(role)] = [str(a) for a in alts]
        for word, heads in (doc.get("body_anaphors") or {}).items():
            self._index(str(word), Hit("body_anaphor", tuple(normalize(str(h)) for h in heads)))
        for word, iso in (doc.get("agency_home") or {}).items():
            self.agency_home[normalize(str(word))] = str(iso)
        for key in ("stopwords", "given_names", "place_before", "state_prefixes", "anaphors", "body_possessors",
                    "nasab"):
            if doc.get(key):
                self.lists.setdefault(key, set()).update(normalize(str(w)) for w in doc[key])

    def _load_csv(self, p: Path) -> None:
        """CSV: id,name,name_ar,variants,kind,country,role,start,end; one row per office, variants split on |."""
        self.versions[p.name] = "csv"
        rows: dict[str, dict[str, Any]] = {}
        with open(p, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                rid = (r.get("id") or "").strip()
                if not rid:
                    continue
                a = rows.setdefault(rid, {"id": rid, "name": (r.get("name") or "").strip(), "ar": [],
                                          "kind": (r.get("kind") or "person").strip() or "person",
                                          "country": (r.get("country") or "").strip() or None, "offices": []})
                for v in [r.get("name_ar") or ""] + (r.get("variants") or "").replace(";", "|").split("|"):
                    if v.strip() and v.strip() not in a["ar"]:
                        a["ar"].append(v.strip())
                if (r.get("role") or "").strip():
                    a["offices"].append({"role": r["role"].strip(), "start": r.get("start") or None,
                                         "end": r.get("end") or None})
        for a in rows.values():
            self._add_actor(a, a["kind"])

    def _add_actor(self, a: dict[str, Any], kind: str) -> None:
        names = [str(x) for x in (a.get("ar") or [])]
        old = self.actors.get(a["id"])
        weak = [str(x) for x in a.get("weak") or []]
        name_ar = a.get("name_ar") or (names[0] if names else weak[0] if weak else None)
        actor = Actor(id=a["id"], name=a.get("name") or (old.name if old else a["id"]),
                      name_ar=name_ar or (old.name_ar if old else None), kind=kind,
                      country=a.get("country") or (old.country if old else None),
                      variants=names + [str(x) for x in a.get("short") or []] + [str(x) for x in a.get("acronyms") or []],
                      weak=weak)
        new: list[Office] = []
        for o in a.get("offices") or []:
            if isinstance(o, list | tuple):
                role, start, end = o[0], o[1] if len(o) > 1 else None, o[2] if len(o) > 2 else None
                o = {"role": role, "start": start, "end": end, "note": o[3] if len(o) > 3 else None}
            new.append(Office(str(o["role"]), o.get("of") or actor.country, _iso(o.get("start")),
                              _iso(o.get("end"), end=True), o.get("note")))
        actor.offices = list(new)
        if old:  # a user file extends a packaged actor: keep what it does not restate
            actor.variants = old.variants + [v for v in actor.variants if v not in old.variants]
            actor.weak = old.weak + actor.weak
            actor.offices = old.offices + actor.offices
        self.actors[actor.id] = actor
        ht = "person" if kind == "person" else "org"
        for v in actor.variants:
            self._index(v, Hit(ht, actor))
        for v in actor.weak:
            self._index(v, Hit(ht, actor, weak=True))
        for o in new:
            if o.of:
                self._holders.setdefault((o.of, o.role), []).append((o, actor))

    def _add_country(self, c: dict[str, Any]) -> None:
        names = [str(x) for x in c.get("ar") or []]
        iso = c["iso3"]
        old = self.countries.get(iso)
        country = Country(iso3=iso, name=c.get("name") or (old.name if old else iso),
                          name_ar=names[0] if names else (old.name_ar if old else iso), names=names,
                          capitals=[str(x) for x in c.get("capital") or []], capital_en=c.get("capital_en"),
                          adjectives=[str(x) for x in c.get("adj") or []],
                          metonyms=[str(x) for x in c.get("metonyms") or []])
        self.countries[iso] = country
        if c.get("arab_league"):
            self._arab.add(iso)
        for n in names:
            self._index(n, Hit("country", country))
        for n in country.capitals:
            self._index(n, Hit("capital", country))
        for n in country.metonyms:
            self._index(n, Hit("metonym", country))
        for adj in country.adjectives:
            for form in _adjective_forms(adj):
                self._adj.setdefault(form, iso)
                self._index(form, Hit("nationality", country))

    def _index(self, text: str, hit: Hit) -> None:
        for key in _variants(text):
            bucket = self.lex.setdefault(key, [])
            if not any(h.type == hit.type and h.ref is hit.ref and h.of == hit.of for h in bucket):
                bucket.append(hit)
            self.max_n = max(self.max_n, key.count(" ") + 1)

    def _finish(self) -> None:
        for lst in self._holders.values():
            lst.sort(key=lambda oa: oa[0].start or "")

    # ---------------------------------------------------------------- lookups
    def raw_matches(self, text: str, start: int = 0, end: int | None = None) -> list[RawMatch]:
        """Longest left-to-right matches of lexicon entries in text[start:end]."""
        toks = tokens(text, start, end)
        norm = [normalize(t) for _, _, t in toks]
        out: list[RawMatch] = []
        i = 0
        while i < len(toks):
            best: RawMatch | None = None
            forms = _first_forms(norm[i])
            for n in range(min(self.max_n, len(toks) - i), 0, -1):
                rest = norm[i + 1:i + n]
                hits: list[Hit] = []
                first: tuple[str, bool] | None = None
                # every reading of the first word at this length: "السوداني" is a surname and an adjective
                for stem, cl, had_al in forms:
                    found = self.lex.get(" ".join([stem] + rest))
                    if found and had_al and not stem.startswith("ال"):
                        # the article was stripped to find it: only adjectives read so (السورية is not سورية)
                        found = [h for h in found if h.type == "nationality"]
                    if found and "ك" in cl:  # ك only before titles (كرئيس): كلامي is not ك + لامي
                        found = [h for h in found if h.type in _TITLE_TYPES]
                    if found:
                        hits += [h for h in found if h not in hits]
                        first = first or (cl, had_al)
                if hits and first is not None:
                    best = RawMatch(toks[i][0], toks[i + n - 1][1], i, i + n, hits, first[1], first[0])
                    break
            if best and any(h.type == "person" for h in best.hits):
                best = self._extend_person(best, toks, norm)
            if best and all(h.type == "ignore" for h in best.hits):
                i = best.tok_end  # "مسقط رأسه": not Muscat
            elif best:
                out.append(best)
                i = best.tok_end
            else:
                i += 1
        return out

    def _extend_person(self, m: RawMatch, toks: list[tuple[int, int, str]], norm: list[str]) -> RawMatch:
        """'السلطان هيثم' (a variant that holds a title) overlaps 'هيثم بن طارق', which goes on: one match to the
        end of the full name, so the rest of the name is not left for NER to call someone else."""
        refs = {id(h.ref) for h in m.hits if h.type == "person"}
        for j in range(m.tok_start + 1, m.tok_end):
            for n in range(min(self.max_n, len(toks) - j), m.tok_end - j, -1):
                found = self.lex.get(" ".join(norm[j:j + n]))
                if found and any(h.type == "person" and id(h.ref) in refs for h in found):
                    return RawMatch(m.start, toks[j + n - 1][1], m.tok_start, j + n, m.hits, m.definite, m.clitic)
        return m

    def match(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Lexicon matches as Mentions (labels PERS/ORG/GPE/NORP/TITLE); an entity is set when the match is
        unambiguous. ``attrs["kb"]`` lists the candidate ids, ``attrs["type"]`` the entry type."""
        labels = {"person": "PERS", "org": "ORG", "country": "GPE", "capital": "GPE", "metonym": "GPE",
                  "nationality": "NORP"}
        out = []
        for m in self.raw_matches(text, start, end):
            h = m.hits[0]
            surface = text[m.start:m.end]
            ent = None
            ids = [x.ref.id if isinstance(x.ref, Actor) else x.ref.iso3 if isinstance(x.ref, Country) else x.ref
                   for x in m.hits]
            if h.type in ("person", "org") and len({x.ref.id for x in m.hits if isinstance(x.ref, Actor)}) == 1:
                ent = h.ref.entity(surface)
            elif isinstance(h.ref, Country):
                ent = h.ref.entity(surface)
            attrs: dict[str, Any] = {"type": h.type, "kb": ids}
            if h.type in ("capital", "metonym"):
                attrs["place"] = self.place(h.ref, surface)
            out.append(Mention(m.start, m.end, surface, labels.get(h.type, "TITLE"), ent, "kb", attrs))
        return out

    def by_skeleton(self, name: str) -> Actor | None:
        """The one non-Arab person whose name (or surname) is ``name`` up to transliteration ("فولوديمير زيلنسكي"
        for "فولوديمير زيلينسكي"); None when none or several are."""
        if self._skel is None:
            self._skel = {}
            for a in self.actors.values():
                if a.kind != "person" or not a.country or a.country in self._arab:
                    continue
                for v in a.variants:
                    sk = skeleton(v)
                    if len(sk.replace(" ", "")) >= 4:
                        self._skel.setdefault(sk, set()).add(a.id)
        ids = self._skel.get(skeleton(name), set())
        return self.actors[next(iter(ids))] if len(ids) == 1 else None

    def holder(self, country: str, role: str, on_date: str | None, fallback: bool = True) -> Actor | None:
        """Who held ``role`` for ``country`` (ISO3 or organisation id) on ``on_date``; None without a date.
        With ``fallback``, an office the title is often used for when nobody held this one (titles.yaml)."""
        if not on_date:
            return None
        on_date = _iso(on_date) or on_date
        for r in [role] + (self.role_fallbacks.get(role, []) if fallback else []):
            found = [a for o, a in self._holders.get((country, r), []) if o.covers(on_date)]
            if found:
                return found[-1]  # on a handover day, the incoming holder
        return None

    def holders(self, country: str, role: str) -> list[tuple[Office, Actor]]:
        return list(self._holders.get((country, role), []))

    def country(self, code: str) -> Country | None:
        return self.countries.get(code.upper()) if code else None

    def actor(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def nationality(self, word: str) -> Country | None:
        """السوري/السورية/سوريون ... → Syria."""
        w = normalize(word).strip()
        for stem, _, _ in _first_forms(w):
            iso = self._adj.get(stem)
            if iso:
                return self.countries[iso]
        return None

    def capital(self, word: str) -> Country | None:
        """A capital or a seat of government (موسكو, الكرملين, البيت الأبيض) → its country."""
        key = " ".join(normalize(t) for _, _, t in tokens(word))
        for stem, _, _ in _first_forms(key):
            for h in self.lex.get(stem, []):
                if h.type in ("capital", "metonym"):
                    return h.ref
        return None

    def place(self, country: Country, surface: str) -> dict[str, Any]:
        """The place reading of a capital or metonym, for the location field."""
        n = normalize(surface)
        for c in country.capitals:
            if normalize(c) in n or n.endswith(normalize(c)):
                return {"name": country.capital_en or c, "name_ar": c, "country": country.iso3}
        return {"name": surface, "name_ar": surface, "country": country.iso3}

    def find_country(self, name: str) -> Country | None:
        key = " ".join(normalize(t) for _, _, t in tokens(name))
        for stem, _, _ in _first_forms(key):
            for h in self.lex.get(stem, []):
                if h.type == "country":
                    return h.ref
        return None

    def stats(self) -> dict[str, int]:
        persons = [a for a in self.actors.values() if a.kind == "person"]
        return {"persons": len(persons), "offices": sum(len(a.offices) for a in persons),
                "countries": len(self.countries),
                "organizations": sum(1 for a in self.actors.values() if a.kind != "person"),
                "lexicon_keys": len(self.lex)}


@lru_cache(maxsize=8)
def _load_cached(paths: tuple[str, ...]) -> ActorKB:
    kb = ActorKB()
    for p in paths:
        kb._load_file(p)
    kb._finish()
    return kb
