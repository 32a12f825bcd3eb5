"""In-article actor resolution: KB matches composed into actor mentions.

Composes, left to right over the lexicon matches of the article text:

* title [+ nationality | + country] [+ honorifics] [+ name]: "الرئيس الروسي فلاديمير بوتين", "وزير خارجية إسبانيا",
  "رئيس الوزراء الياباني شينزو آبي" → one mention covering the whole phrase;
* a title with no name → the person named earlier in the article with that office and country, else the KB holder of
  the office on the article date, else (no date) an unresolved role+country entity named by the Arabic phrase;
* "نظيره السوري [name]", "ونظيريه الإيراني حسن روحاني والتركي ..." → the person of that country holding the office of
  the nearest preceding person (or the name that follows);
* bare names, with surnames that are also common words ("weak") accepted only once the person was named in full;
* countries, organisations, generic groups ("الشعب السوري"), governments ("الحكومة السورية"), capitals and
  seats of government: read as the government (attrs metonym) unless a preposition makes them a place;
* plurals ("الرئيسان", "الجانبان") are kept as unresolved mentions for the events stage.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import Any, Protocol

from ..arabic import normalize, sentences, strip_diacritics
from ..model import Article, Entity, Mention
from ..pipeline import BatchedMapStep
from ..settings import section
from .kb import Actor, ActorKB, Country, Hit, tokens

_BIDI = str.maketrans("", "", "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff")


def display_name(s: str) -> str:
    """An actor the KB does not know is named by its Arabic phrase as a reader writes it: diacritics, tatweel and
    direction marks dropped, hamza and ta marbuta kept ("الرئيس اللبناني", not the matching form "الرييس")."""
    return " ".join(strip_diacritics(s.translate(_BIDI)).split())

_PUNCT_SKIP = {",", "،", "-", "–", "(", ")", ":", "\""}
TITLE_TYPES = ("title", "title_construct", "fixed_title")
HEADS = {"president", "prime_minister", "king", "emir", "sultan", "chancellor", "head_of_state"}


class NER(Protocol):
    def spans(self, text: str, start: int, end: int) -> Iterable[Any]: ...


@dataclass
class Item:
    """A unit the composer walks over: a KB match, or a name from NER or the title heuristic."""

    start: int
    end: int
    t0: int
    t1: int
    hits: list[Hit]
    clitic: str = ""
    definite: bool = False
    ner_label: str | None = None  # PERS / ORG from NER

    def has(self, *types: str) -> bool:
        return any(h.type in types for h in self.hits)

    def get(self, *types: str) -> list[Hit]:
        return [h for h in self.hits if h.type in types]


@dataclass
class _Ctx:
    text: str
    day: str | None
    toks: list[tuple[int, int, str]]
    norm: list[str]
    sent_of_tok: list[int]
    seen: list[tuple[int, Entity, Actor | None]] = field(default_factory=list)  # (token, entity, actor)
    stop: set[str] = field(default_factory=set)
    given: set[str] = field(default_factory=set)
    place_before: set[str] = field(default_factory=set)  # "في", "إلى" ...: a capital after them is a place
    state_prefix: set[str] = field(default_factory=set)  # "مملكة" in "وزير خارجية مملكة إسبانيا"
    anaphors: set[str] = field(default_factory=set)  # "المسؤول" in "المسؤول التونسي": refers back to a person
    possessors: set[str] = field(default_factory=set)  # "زعيم" in "زعيم التيار الصدري": the body is his office's
    nasab: set[str] = field(default_factory=set)  # "بن" in "عبد العزيز بن سلمان": the name goes on
    home: str | None = None  # the dateline's country: whose king an unnamed "جلالة الملك" is
    last_gov: tuple[int, Entity] | None = None  # the latest "government of X" mention, an antecedent too
    bodies: list[tuple[str, Entity]] = field(default_factory=list)  # (head word, entity) of each body named so far
    last_title: tuple[int, str] | None = None  # the latest bare title's role ("وزير الخارجية يبحث مع نظيره")
    # name endings (word tuples) → person key → (entity, actor), for the people of ``seen`` up to surnames_indexed
    surnames: dict[tuple[str, ...], dict[str, tuple[Entity, Actor | None]]] = field(default_factory=dict)
    surnames_indexed: int = 0


def resolve_article(article: Article, kb: ActorKB, ner: NER | None = None, gazetteer: Any = None) -> list[Mention]:
    """Actor mentions of ``article.text``, offsets into it, in text order. People named in the title are
    antecedents for the body ("الرئيس السوري" after a title naming Assad) but give no mentions (offsets are into
    the body)."""
    seed: list[tuple[int, Entity, Actor | None]] = []
    home = _home(kb, article.text)
    if article.title:
        _, tctx = _resolve(article.title, kb, article.published, None, None, None, [], home)
        seed = [(-1, e, a) for _, e, a in tctx.seen]
    mentions, _ = _resolve(article.text, kb, article.published, ner, gazetteer, article.sentences or None, seed,
                           home)
    return mentions


_HOME_ROLES = {"king", "emir", "sultan", "crown_prince"}


def _home(kb: ActorKB, text: str) -> str | None:
    """The country of a state agency's dateline ("عمان 12 آب (بترا)-", "الرباط - ...", "الكويت - 4 - 11 (كونا)"):
    the agency code when there is one, else a country or capital as the first word."""
    head = text[:160]
    norm = [normalize(t) for _, _, t in tokens(head)][:24]
    for k in range(len(norm)):
        for n in (3, 2, 1):
            iso = kb.agency_home.get(" ".join(norm[k:k + n]))
            if iso:
                return iso
    for m in kb.raw_matches(head)[:1]:
        if m.tok_start == 0:
            c = next((h.ref for h in m.hits if h.type in ("country", "capital") and isinstance(h.ref, Country)), None)
            if c is not None and c.iso3 != "OMN":  # bare "عمان" is Oman or Amman: not enough to go on
                return c.iso3
    return None


def resolve_text(text: str, kb: ActorKB, day: str | None = None, ner: NER | None = None, gazetteer: Any = None,
                 sents: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Actor mentions of a text resolved on its own (``day``: the publication date, ISO)."""
    return _resolve(text, kb, day, ner, gazetteer, sents, [], _home(kb, text))[0]


def _resolve(text: str, kb: ActorKB, day: str | None, ner: NER | None, gazetteer: Any,
             sents: list[tuple[int, int]] | None, seed: list[tuple[int, Entity, Actor | None]],
             home: str | None = None) -> tuple[list[Mention], _Ctx]:
    toks = tokens(text)
    sents = sents or sentences(text)
    sent_of_tok, si = [], 0
    for s, _, _ in toks:
        while si + 1 < len(sents) and s >= sents[si][1]:
            si += 1
        sent_of_tok.append(si)
    ctx = _Ctx(text, (day or "")[:10] or None, toks, [normalize(t) for _, _, t in toks], sent_of_tok,
               seen=list(seed), stop=kb.lists.get("stopwords", set()), given=kb.lists.get("given_names", set()),
               place_before=kb.lists.get("place_before", set()), state_prefix=kb.lists.get("state_prefixes", set()),
               anaphors=kb.lists.get("anaphors", set()), possessors=kb.lists.get("body_possessors", set()),
               nasab=kb.lists.get("nasab", set()), home=home)
    items = [Item(m.start, m.end, m.tok_start, m.tok_end, m.hits, m.clitic, m.definite) for m in kb.raw_matches(text)]
    if ner is not None:
        items = _add_ner(items, ner, text, toks, sents, kb.lists.get("stopwords", set()),
                         kb.lists.get("given_names", set()))
    items.sort(key=lambda it: it.t0)
    out: list[Mention] = []
    i = 0
    rules = (_title_phrase, _counterpart, _person, _honorific_given_name, _honorific_name, _group, _government,
             _body, _body_anaphor, _plural, _place_or_org, _nationality, _ner_name)
    while i < len(items):
        for rule in rules:
            res = rule(kb, ctx, items, i)
            if res is not None:
                mentions, i = res
                out.extend(mentions)
                break
        else:
            i += 1
    _cataphora(out, ctx)
    if gazetteer is not None:
        out.extend(_gazetteer_mentions(gazetteer, text, out))
    out.sort(key=lambda m: m.start)
    return out, ctx


def _cataphora(out: list[Mention], ctx: _Ctx) -> None:
    """An office named before its holder ("أمير قطر يبارك ..." in a headline, the name in the body): when exactly
    one person named in the article fits the role and country, the early mention is that person."""
    for k, m in enumerate(out):
        e = m.entity
        if e is None or e.id or e.kind != "person" or not e.country or not e.role:
            continue
        fits = {a.id: a for _, x, a in ctx.seen if a is not None and a.country == e.country
                and (x.role == e.role or a.held(e.role, ctx.day))}
        if len(fits) == 1:
            a = next(iter(fits.values()))
            out[k] = replace(m, entity=a.entity(m.text, e.role), source="coref")


# ---------------------------------------------------------------------------------------------------- helpers
def _adjacent(ctx: _Ctx, a: Item | int, b: Item, allow_punct: bool = False) -> bool:
    """b starts right after a (token index or item), with only commas/dashes between when allowed."""
    t = a if isinstance(a, int) else a.t1
    while t < b.t0:
        if not (allow_punct and ctx.toks[t][2] in _PUNCT_SKIP):
            return False
        t += 1
    return t == b.t0


def _start(ctx: _Ctx, it: Item) -> int:
    """Start offset without the proclitics glued to the first word (وأردوغان → أردوغان)."""
    if not it.clitic:
        return it.start
    word = ctx.text[it.start:it.end]
    # للرئيس = ل + الرئيس: the article's alef is gone, so the word is kept whole
    rest_norm = normalize(word)[len(it.clitic):]
    if it.clitic.endswith("ل") and rest_norm.startswith("ل") and not rest_norm.startswith("ال"):
        return it.start
    k = consumed = 0
    while k < len(word) and consumed < len(it.clitic):
        consumed += len(normalize(word[k]))
        k += 1
    while k < len(word) and not normalize(word[k]):  # diacritics on the clitic
        k += 1
    return it.start + k if k < len(word) else it.start


def _mention(ctx: _Ctx, start: int, end: int, label: str, ent: Entity | None, source: str = "kb",
             **attrs: Any) -> Mention:
    surface = ctx.text[start:end]
    if ent is not None:
        ent = replace(ent, text=surface)
    return Mention(start, end, surface, label, ent, source, attrs)


def _country_hit(it: Item) -> Country | None:
    for h in it.hits:
        if h.type in ("country", "nationality", "capital", "metonym") and isinstance(h.ref, Country):
            return h.ref
    return None


def _actors(it: Item) -> list[Actor]:
    return [h.ref for h in it.hits if h.type == "person" and isinstance(h.ref, Actor)]


def _pick_actor(ctx: _Ctx, cands: list[Actor], role: str | None = None, of: str | None = None) -> Actor | None:
    """Among actors sharing a name: the one already named in the article, else the one in office on the day."""
    if not cands:
        return None
    seen_ids = [a.id for _, _, a in ctx.seen if a is not None]
    for a in reversed(seen_ids):
        for c in cands:
            if c.id == a:
                return c
    if of:
        fit = [c for c in cands if c.country == of or any(o.of == of for o in c.offices)]
        cands = fit or cands
    if role:
        fit = [c for c in cands if c.held(role, ctx.day)] or [c for c in cands if c.held(role, None)]
        cands = fit or cands
    if ctx.day:
        fit = [c for c in cands if c.office_on(ctx.day)]
        cands = fit or cands
    return cands[0]


def _is_weak(it: Item, actor: Actor) -> bool:
    return all(h.weak for h in it.hits if h.ref is actor)


def _role_of(ctx: _Ctx, actor: Actor, role: str | None) -> str | None:
    if role and actor.held(role, None):
        return role
    prior = [e.role for _, e, a in ctx.seen if a is actor and e.role]
    if prior:
        return prior[-1]
    o = actor.office_on(ctx.day)
    return o.role if o else role


def _skip_honorifics(ctx: _Ctx, items: list[Item], j: int, pos: int) -> tuple[int, int]:
    """Skip honorifics and commas after a title: returns (next item index, token position)."""
    while j < len(items) and items[j].has("honorific") and _adjacent(ctx, pos, items[j], allow_punct=True):
        pos = items[j].t1
        j += 1
    return j, pos


def _guess_name(ctx: _Ctx, pos: int, items: list[Item], j: int, nisba: bool = False) -> tuple[int, int] | None:
    """Two or three plain words after a title (or an honorific) that neither the KB nor NER named: a person's name
    ("وزير الخارجية الكازاخي مختار تليوبردي", "اللواء عودة الجابري"). Conservative: stops at punctuation, stopwords
    and KB words; the first word must be a known given name, or a later one a family nisba ("الجابري": an
    indefinite word cannot take a definite adjective, so "X الـYي" after a title is a name), which ends the name.
    With ``nisba`` the nisba is required (after a bare title or a rank: "الملك عبدالله يدين الهجوم" is no name)."""
    t = pos
    while t < len(ctx.toks) and ctx.toks[t][2] in (",", "،"):
        t += 1
    nxt_item = items[j].t0 if j < len(items) else len(ctx.toks)
    words: list[int] = []
    while t < len(ctx.toks) and len(words) < 3 and t < nxt_item:
        w = ctx.norm[t]
        nisba_next = t + 1 < nxt_item and _nisba(ctx, ctx.norm[t + 1])
        # names rarely end in ta marbuta; the nouns that follow a title ("مكالمة هاتفية") often do
        if not w.isalpha() or w in ctx.stop or len(w) < 3 or (
                w.endswith("ه") and not (not words and (w in ctx.given or nisba_next))):
            break  # ...but a given name may end in it (خليفة, أسامة, حمزة, عودة الجابري)
        if not words and (w.startswith("ال") or (w[0] in "وفبل" and w[1:] in ctx.stop) or w in ctx.place_before):
            break  # ("داخل الحرم الجامعي": a preposition or place word starts no name)
        if ctx.sent_of_tok[t] != ctx.sent_of_tok[pos - 1]:
            break
        words.append(t)
        t += 1
        if len(words) >= 2 and _nisba(ctx, w):
            break  # the family nisba ends the name
    if len(words) < 2:
        return None
    first = ctx.norm[words[0]]
    family = _nisba(ctx, ctx.norm[words[-1]])
    if (nisba and not family) or (first not in ctx.given and " ".join(ctx.norm[w] for w in words[:2]) not in ctx.given
                                  and not family):
        return None
    return words[0], words[-1] + 1


def _nisba(ctx: _Ctx, w: str) -> bool:
    """A definite nisba ("الجابري", "الطبوبي"): the usual shape of an Arab family name."""
    return len(w) >= 5 and w.startswith("ال") and w.endswith("ي") and w.isalpha() and w not in ctx.stop


def _seen_by_surname(ctx: _Ctx, t0: int, t1: int) -> tuple[int, Entity, Actor | None] | None:
    """'وقال حسين', 'الرئيس عون شدد': the first words of a name span that end the name of exactly one person named
    in full earlier in the article. Returns (words matched, entity, actor). Looks the words up in an index of name
    endings that grows with ``ctx.seen`` (a scan of every earlier person per mention was quadratic)."""
    index = ctx.surnames
    for _, e, a in ctx.seen[ctx.surnames_indexed:]:
        if e.kind != "person":
            continue
        key = a.id if a is not None else e.name
        forms = [normalize(e.name_ar or "")] + ([normalize(x) for x in a.variants] if a is not None else [])
        ends: set[tuple[str, ...]] = set()
        for f in forms:
            fw = f.split()
            ends.update(tuple(fw[-n:]) for n in range(1, len(fw)))  # proper endings: shorter than the name
        for end in ends:
            found = index.setdefault(end, {})
            found.pop(key, None)  # the latest mention of a person is the one returned, as the scan did
            found[key] = (e, a)
    ctx.surnames_indexed = len(ctx.seen)
    words = [w for w in ctx.norm[t0:t1] if w.isalpha()]
    for k in range(len(words), 0, -1):
        hits = index.get(tuple(words[:k]))
        if hits and len(hits) == 1:
            e, a = next(iter(hits.values()))
            return k, e, a
        if hits:
            return None  # two people share the surname: leave it
    return None


def _surname_mention(ctx: _Ctx, start: int, it: Item, role: str | None) -> tuple[Mention, int] | None:
    """A mention of an earlier person by surname, from ``start`` to the end of the matched words of ``it``."""
    hit = _seen_by_surname(ctx, it.t0, it.t1)
    if hit is None:
        return None
    k, e, a = hit
    end = ctx.toks[it.t0 + k - 1][1]
    ent = a.entity("", _role_of(ctx, a, role)) if a is not None else replace(e)
    m = _mention(ctx, start, end, "PERS", ent, "coref")
    ctx.seen.append((it.t0, m.entity, a))
    return m, it.t0 + k


def _epithets(ctx: _Ctx, items: list[Item], k: int) -> tuple[int, int]:
    """(end offset, next item) past the family name and epithets right after item k's name: "محمد بن سلمان بن
    عبدالعزيز آل سعود", "هيثم بن طارق المعظم"."""
    end, nxt, t = items[k].end, k + 1, items[k].t1
    if t + 1 < len(ctx.toks) and ctx.norm[t] == "ال" and ctx.norm[t + 1].isalpha() \
            and ctx.sent_of_tok[t + 1] == ctx.sent_of_tok[t]:  # "آل" (the house of) folds to "ال"
        end, t = ctx.toks[t + 1][1], t + 2
        while nxt < len(items) and items[nxt].t0 < t:
            nxt += 1
    while nxt < len(items) and items[nxt].has("post_honorific") and items[nxt].t0 == t:
        end, t, nxt = items[nxt].end, items[nxt].t1, nxt + 1
    return end, nxt


def _unresolved(ctx: _Ctx, start: int, end: int, role: str | None, country: str | None) -> Entity:
    phrase = display_name(ctx.text[start:end])
    return Entity(text=ctx.text[start:end], name=phrase, name_ar=phrase, kind="person",
                  country=country if country and len(country) == 3 and country.isupper() else None, role=role)


def _office_entity(kb: ActorKB, ctx: _Ctx, role: str, of: str | None, start: int, end: int,
                   tok: int) -> tuple[Entity, Actor | None, str]:
    """A title with no name: an earlier mention of the office, else the holder on the day, else unresolved."""
    if of:
        for _, e, a in reversed(ctx.seen):
            if a is not None and e.role == role and (a.country == of or any(o.of == of and o.role == role
                                                                            for o in a.offices)):
                return a.entity("", role), a, "coref"
            if a is None and e.role == role and e.country == of \
                    and normalize(e.name) != normalize(ctx.text[start:end]):
                return replace(e), None, "coref"
        holder = kb.holder(of, role, ctx.day)
        if holder is not None:
            held = next((r for r in [role] + kb.role_fallbacks.get(role, []) if holder.held(r, ctx.day)), role)
            return holder.entity("", held), holder, "kb"
        if role in HEADS:  # the press mixes up heads of state and government: "الرئيس الهندي" for Modi
            for _, e, a in reversed(ctx.seen):
                if a is not None and a.country == of and e.role in HEADS:
                    return a.entity("", e.role), a, "coref"
    return _unresolved(ctx, start, end, role, of), None, "kb"


# ---------------------------------------------------------------------------------------------------- rules
Result = tuple[list[Mention], int] | None


def _title_phrase(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    first = i
    if it.has("honorific") and i + 1 < len(items) and items[i + 1].has(*TITLE_TYPES) \
            and _adjacent(ctx, it, items[i + 1]):
        i += 1  # "فخامة الرئيس ..."
        it = items[i]
    titles = it.get(*TITLE_TYPES)
    if not titles:
        return None
    h = titles[0]
    role, of = str(h.ref), h.of
    j, pos = i + 1, it.t1
    if h.type == "title" and j < len(items) and _adjacent(ctx, pos, items[j]) and items[j].has("nationality") \
            and not items[j].clitic:  # "وزيرة الخارجية والبوركينابيين": و starts a new phrase
        c = _country_hit(items[j])
        of, pos, j = (c.iso3 if c else None), items[j].t1, j + 1
    elif h.type == "title_construct":
        if j < len(items) and items[j].has("country") and _adjacent(ctx, pos, items[j]):
            c = _country_hit(items[j])
            of, pos, j = (c.iso3 if c else None), items[j].t1, j + 1
        elif j < len(items) and items[j].has("org") and _adjacent(ctx, pos, items[j]):
            org = items[j].get("org")[0].ref
            of, pos, j = org.id, items[j].t1, j + 1
        elif j < len(items) and _adjacent(ctx, pos + 1, items[j]) and ctx.norm[pos] in ctx.state_prefix \
                and items[j].has("country"):
            c = _country_hit(items[j])
            of, pos, j = (c.iso3 if c else None), items[j].t1, j + 1
        else:
            return None  # "رئيس" on its own is not a title
    not_current = False
    while j < len(items) and items[j].has("not_current") and _adjacent(ctx, pos, items[j], allow_punct=True):
        not_current, pos, j = True, items[j].t1, j + 1  # "السابق", "الراحل", "المنتخب"
    j2, pos2 = _skip_honorifics(ctx, items, j, pos)
    start = _start(ctx, items[first])
    # a name right after the title
    if j2 < len(items) and _adjacent(ctx, pos2, items[j2], allow_punct=True) and items[j2].has("person"):
        cands = _actors(items[j2])
        actor = _pick_actor(ctx, cands, role, of)
        if actor is not None and (of is None or actor.country == of or any(o.of == of for o in actor.offices)):
            ent = actor.entity("", _role_of(ctx, actor, role))
            end2, nxt2 = _epithets(ctx, items, j2)
            m = _mention(ctx, start, end2, "PERS", ent, "kb", role_text=role)
            ctx.seen.append((it.t0, m.entity, actor))
            return [m], nxt2
    if j2 < len(items) and _adjacent(ctx, pos2, items[j2], allow_punct=True) and items[j2].ner_label == "PERS":
        sm = _surname_mention(ctx, start, items[j2], role)
        if sm is not None:  # "الرئيس عون" after "الرئيس اللبناني جوزيف عون"
            return [sm[0]], j2 + 1
        sk = kb.by_skeleton(ctx.text[items[j2].start:items[j2].end])
        if sk is not None and (of is None or sk.country == of):  # "الرئيس الأوكراني فولوديمير زيلنسكي"
            m = _mention(ctx, start, items[j2].end, "PERS", sk.entity("", _role_of(ctx, sk, role)), "kb",
                         role_text=role, spelling="skeleton")
            ctx.seen.append((it.t0, m.entity, sk))
            return [m], j2 + 1
        name = display_name(ctx.text[items[j2].start:items[j2].end])
        ent = Entity(text="", name=name, name_ar=name, kind="person",
                     country=of if of and len(of) == 3 and of.isupper() else None, role=role)
        m = _mention(ctx, start, items[j2].end, "PERS", ent, "ner", role_text=role)
        ctx.seen.append((it.t0, m.entity, None))
        return [m], j2 + 1
    if of is not None and len(of) == 3 and of.isupper():
        guess = _guess_name(ctx, pos2, items, j2)
        if guess is not None:
            gs, ge = guess
            name = display_name(ctx.text[ctx.toks[gs][0]:ctx.toks[ge - 1][1]])
            ent = Entity(text="", name=name, name_ar=name, kind="person", country=of, role=role)
            m = _mention(ctx, start, ctx.toks[ge - 1][1], "PERS", ent, "heuristic", role_text=role)
            ctx.seen.append((it.t0, m.entity, None))
            return [m], j2
    end = ctx.toks[pos - 1][1]
    if of is None:
        ctx.last_title = (it.t0, role)
        if h.type != "title" or not _bare_title_ok(ctx, it):
            return [], i + 1
        guess = _guess_name(ctx, pos2, items, j2, nisba=True)
        if guess is not None and not _name_goes_on(ctx, items, j2, guess[1]):
            # "المحافظ، ناظم الوائلي": an office of no country and a name nobody knows
            gs, ge = guess
            name = display_name(ctx.text[ctx.toks[gs][0]:ctx.toks[ge - 1][1]])
            ent = Entity(text="", name=name, name_ar=name, kind="person", role=role)
            m = _mention(ctx, start, ctx.toks[ge - 1][1], "PERS", ent, "heuristic", role_text=role)
            ctx.seen.append((it.t0, m.entity, None))
            return [m], _past(items, j2, ge)
        app = _apposition(ctx, items, j, pos)
        if app is not None:  # "وزير الشؤون الخارجية والتعاون الأفريقي والمغاربة المقيمين في الخارج، ناصر بوريطة"
            k, actor = app
            ent = actor.entity("", _role_of(ctx, actor, role))
            m = _mention(ctx, start, items[k].end, "PERS", ent, "kb", role_text=role)
            ctx.seen.append((it.t0, m.entity, actor))
            return [m], k + 1
        # a bare title ("أكد الرئيس") refers back to the person named before with that office, when that is
        # unambiguous: one such person so far, named in an earlier sentence ("بحث وزير ... مع وزير ..." is two)
        same = [(t, e) for t, e, _a in ctx.seen if e.role == role]
        keys = {(e.country, role) if e.country else (e.id or e.name) for _, e in same}
        if len(keys) == 1 and (same[-1][0] < 0 or ctx.sent_of_tok[same[-1][0]] < ctx.sent_of_tok[it.t0]):
            best = next((e for _, e in reversed(same) if e.id), same[-1][1])
            m = _mention(ctx, start, end, "PERS", replace(best), "coref", role_text=role)
            return [m], j
        tail = normalize(ctx.text[it.start:it.end]).split()[-1]
        if not same and ctx.home and (role in _HOME_ROLES or tail in ("البلاد", "الدوله", "الجمهوريه")):
            # agency copy: "هنأ جلالة الملك ...", "استقبل سمو أمير البلاد ..." under a Rabat or KUNA dateline
            ent, actor, source = _office_entity(kb, ctx, role, ctx.home, start, end, it.t0)
            if actor is not None:
                m = _mention(ctx, start, end, "PERS", ent, "home", role_text=role)
                ctx.seen.append((it.t0, m.entity, actor))
                return [m], j
        return [], i + 1
    if not_current:  # a former or future holder, not named: not today's holder
        m = _mention(ctx, start, end, "PERS", _unresolved(ctx, start, end, role, of), "kb", role_text=role,
                     not_current=True)
        return [m], j
    ent, actor, source = _office_entity(kb, ctx, role, of, start, end, it.t0)
    m = _mention(ctx, start, end, "PERS", ent, source, role_text=role)
    ctx.seen.append((it.t0, m.entity, actor))
    return [m], j


def _name_goes_on(ctx: _Ctx, items: list[Item], j: int, t: int) -> bool:
    """The guessed words stop where the name does not: at a KB match right after them ("الأمير عبد العزيز
    بن سلمان": "بن سلمان" is a KB short form) or at a nasab word ("بن", "ابن", "بنت")."""
    if t >= len(ctx.toks):
        return False
    return ctx.norm[t] in ctx.nasab or any(it.t0 == t for it in items[j:j + 2])


def _past(items: list[Item], j: int, t: int) -> int:
    """The first item from j on that starts at or after token t."""
    while j < len(items) and items[j].t0 < t:
        j += 1
    return j


def _apposition(ctx: _Ctx, items: list[Item], j: int, pos: int) -> tuple[int, Actor] | None:
    """A title whose long tail ends in a comma and a KB name within the same sentence, with nothing that
    names another actor in between: the item index of the name and its actor. Portfolio words coordinated into the
    title ("وزير الشؤون الخارجية والاتحاد الأوروبي والتعاون الإسباني، السيد ...") and honorifics are skipped."""
    k, nat = j, None
    while k < len(items) and not items[k].has("person") and items[k].t0 - pos <= 10 and (
            items[k].has("honorific", "nationality") or (items[k].has("org", "country") and items[k].clitic == "و")):
        if items[k].has("nationality") and not items[k].clitic:
            c = _country_hit(items[k])
            nat = c.iso3 if c else nat
        k += 1
    if k >= len(items) or not items[k].has("person") or items[k].t0 - pos > 12:
        return None
    if ctx.sent_of_tok[items[k].t0] != ctx.sent_of_tok[pos - 1]:
        return None
    before = items[k].t0 - 1
    while k - 1 >= j and items[k - 1].has("honorific") and items[k - 1].t1 == before + 1:
        before = items[k - 1].t0 - 1  # "، السيد خوسيه ..."
        break
    if ctx.toks[before][2] not in (",", "،"):
        return None
    if any(ctx.toks[t][2] in ".:؛;" for t in range(pos, items[k].t0)):
        return None
    actor = _pick_actor(ctx, _actors(items[k]), None, nat)
    if actor is None or (nat is not None and actor.country != nat):
        return None
    return k, actor


def _bare_title_ok(ctx: _Ctx, it: Item) -> bool:
    """A bare title is only read back when it is definite: "الرئيس", "أمير البلاد", "رئيس الدولة"."""
    return it.definite or any(ctx.norm[t].startswith("ال") for t in range(it.t0, it.t1))


def _counterpart(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    if not it.has("counterpart"):
        return None
    ante = next(((t, e) for t, e, _ in reversed(ctx.seen) if e.kind == "person"), None)
    if ctx.last_gov is not None and (ante is None or ctx.last_gov[0] > ante[0]):
        return _counterpart_country(ctx, items, i)  # "السلطات السورية ... بنظيرتها الروسية": a government
    role = ante[1].role if ante else None
    if ctx.last_title is not None and (ante is None or ctx.last_title[0] > ante[0]):
        role = ctx.last_title[1]
    out: list[Mention] = []
    j, pos, start = i + 1, it.t1, _start(ctx, it)
    while True:
        country = None
        if j < len(items) and _adjacent(ctx, pos, items[j], allow_punct=True) and items[j].has("nationality"):
            c = _country_hit(items[j])
            country = c.iso3 if c else None
            pos, j = items[j].t1, j + 1
        j2, pos2 = _skip_honorifics(ctx, items, j, pos)
        named = j2 < len(items) and _adjacent(ctx, pos2, items[j2], allow_punct=True)
        actor = _pick_actor(ctx, _actors(items[j2]), role, country) if named else None
        if actor is not None:
            ent = actor.entity("", _role_of(ctx, actor, role))
            m = _mention(ctx, start, items[j2].end, "PERS", ent, "kb", counterpart=True)
            ctx.seen.append((it.t0, m.entity, actor))
            pos, j = items[j2].t1, j2 + 1
        elif named and items[j2].ner_label == "PERS":
            name = display_name(ctx.text[items[j2].start:items[j2].end])
            ent = Entity("", name, name, "person", country, None, role)
            m = _mention(ctx, start, items[j2].end, "PERS", ent, "ner", counterpart=True)
            ctx.seen.append((it.t0, m.entity, None))
            pos, j = items[j2].t1, j2 + 1
        elif country is not None:
            end = ctx.toks[pos - 1][1]
            if role:
                ent, actor, source = _office_entity(kb, ctx, role, country, start, end, it.t0)
            else:
                ent, actor, source = _unresolved(ctx, start, end, None, country), None, "kb"
            m = _mention(ctx, start, end, "PERS", ent, "coref" if source == "kb" else source, counterpart=True)
            ctx.seen.append((it.t0, m.entity, actor))
        else:
            return (out, j) if out else ([], i + 1)
        out.append(m)
        # "... والتركي رجب طيب أردوغان": another counterpart joined by و
        if j < len(items) and _adjacent(ctx, pos, items[j], allow_punct=True) and items[j].has("nationality") \
                and items[j].clitic.startswith("و"):
            start = _start(ctx, items[j])
            continue
        return out, j


def _counterpart_country(ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    j = i + 1
    if j < len(items) and _adjacent(ctx, it, items[j], allow_punct=True) and items[j].has("nationality"):
        c = _country_hit(items[j])
        if c is not None:
            m = _mention(ctx, _start(ctx, it), items[j].end, "GPE", c.entity(""), counterpart=True, government=True)
            ctx.last_gov = (it.t0, c.entity(""))
            return [m], j + 1
    return [], i + 1


def _person(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    first = i
    it = items[i]
    while it.has("honorific") and i + 1 < len(items) and _adjacent(ctx, it, items[i + 1]):
        i += 1
        it = items[i]
    if not it.has("person"):
        return None
    actor = _pick_actor(ctx, _actors(it))
    if actor is None:
        return None
    known = any(a is actor for _, _, a in ctx.seen)
    if _is_weak(it, actor) and not known:
        return [], i + 1
    if it.has("nationality") and not known:
        return None  # "السوداني": the adjective, unless the person was named in full before
    (end, nxt), role = _epithets(ctx, items, i), None
    last = items[nxt - 1] if nxt - 1 > i else it
    last_t1 = next((k + 1 for k, (_, e, _t) in enumerate(ctx.toks) if e == end), last.t1)
    # a title in apposition after the name ("فيصل بن فرحان وزير الخارجية") belongs to this mention
    if nxt < len(items) and _adjacent(ctx, last_t1, items[nxt], allow_punct=True) and items[nxt].has("title") \
            and not items[nxt].clitic:
        t_role = str(items[nxt].get("title")[0].ref)
        after = items[nxt + 1] if nxt + 1 < len(items) else None
        own_country = after is not None and _adjacent(ctx, items[nxt], after) and after.has("nationality", "country")
        if actor.held(t_role, None) and not own_country:
            end, nxt, role = items[nxt].end, nxt + 1, t_role
    ent = actor.entity("", _role_of(ctx, actor, role))
    m = _mention(ctx, _start(ctx, items[first]), end, "PERS", ent)
    ctx.seen.append((it.t0, m.entity, actor))
    return [m], nxt


def _honorific_given_name(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    """"الشيخ تميم", "سمو الشيخ محمد": an honorific and the given name(s) of exactly one person named in full
    earlier in the article is that person (Gulf usage names rulers so after the first mention). The honorific is
    required: a bare given name ("محمد") is too common to refer back on its own."""
    it = items[i]
    if not it.has("honorific"):
        return None
    found = _seen_by_given_name(ctx, it.t1)
    if found is None:
        return None
    k, e, a = found
    end = ctx.toks[it.t1 + k - 1][1]
    ent = a.entity("", _role_of(ctx, a, e.role)) if a is not None else replace(e)
    m = _mention(ctx, _start(ctx, it), end, "PERS", ent, "coref", given_name=True)
    ctx.seen.append((it.t0, m.entity, a))
    j = i + 1
    while j < len(items) and items[j].t0 < it.t1 + k:
        j += 1
    return [m], j


def _honorific_name(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    """An honorific or a rank and a name nobody knows ("اللواء عودة الجابري", "السيد ناظم الوائلي"): a person,
    named by the guessed words, with no office or country (the rank says neither)."""
    it = items[i]
    if not it.has("honorific"):
        return None
    j, pos = _skip_honorifics(ctx, items, i + 1, it.t1)
    guess = _guess_name(ctx, pos, items, j, nisba=True)
    if guess is None or _name_goes_on(ctx, items, j, guess[1]):
        return None
    gs, ge = guess
    name = display_name(ctx.text[ctx.toks[gs][0]:ctx.toks[ge - 1][1]])
    m = _mention(ctx, _start(ctx, it), ctx.toks[ge - 1][1], "PERS", Entity("", name, name, "person"), "heuristic")
    ctx.seen.append((it.t0, m.entity, None))
    while j < len(items) and items[j].t0 < ge:
        j += 1
    return [m], j


def _seen_by_given_name(ctx: _Ctx, t: int) -> tuple[int, Entity, Actor | None] | None:
    """(words matched, entity, actor): the longest run of words from token ``t`` (one to three, in its sentence)
    that begins the full name of exactly one person named before, and is not the whole name."""
    persons: dict[str, tuple[Entity, Actor | None, list[list[str]]]] = {}
    for _, e, a in ctx.seen:
        if e.kind != "person":
            continue
        forms = [normalize(e.name_ar or "")] + ([normalize(x) for x in a.variants] if a is not None else [])
        persons[a.id if a is not None else e.name] = (e, a, [f.split() for f in forms if f])
    if not persons or t >= len(ctx.toks):
        return None
    for k in (3, 2, 1):
        words = ctx.norm[t:t + k]
        if len(words) < k or not all(w.isalpha() for w in words) or ctx.sent_of_tok[t + k - 1] != ctx.sent_of_tok[t]:
            continue
        hits = [(e, a) for e, a, forms in persons.values() if any(len(f) > k and f[:k] == words for f in forms)]
        if len(hits) == 1 and not any(f == words for _, _, fs in persons.values() for f in fs):
            return k, hits[0][0], hits[0][1]
        if len(hits) > 1:
            return None  # two people share the given name: leave it
    return None


def _group(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    if not it.has("group_head"):
        return None
    j, pos, countries = i + 1, it.t1, []
    modified = False
    while j < len(items) and _adjacent(ctx, pos, items[j]) and (items[j].has("group_modifier", "nationality")):
        c = _country_hit(items[j]) if items[j].has("nationality") else None
        if c:
            countries.append(c.iso3)
        modified = True
        pos, j = items[j].t1, j + 1
    if not modified:
        return None
    start, end = _start(ctx, it), ctx.toks[pos - 1][1]
    name = display_name(ctx.text[start:end])
    ent = Entity("", name, name, "group", countries[0] if countries else None, None, None)
    return [_mention(ctx, start, end, "NORP" if countries else "ORG", ent, countries=countries)], j


def _government(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    if not it.has("government_head") or i + 1 >= len(items):
        return None
    nxt = items[i + 1]
    if not (_adjacent(ctx, it, nxt) and nxt.has("nationality", "country")):
        return None
    c = _country_hit(nxt)
    if c is None:
        return None
    start, end = _start(ctx, it), nxt.end
    ctx.last_gov = (it.t0, c.entity(""))
    return [_mention(ctx, start, end, "GPE", c.entity(""), government=True)], i + 2


def _body(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    """A body head and the definite words after it in its sentence, up to four ("وزارة التربية والتعليم", "لجنة
    المعلمين السودانيين", "التيار الصدري"): an organisation named by its Arabic phrase, the country from a nationality
    among the words. A stopword, punctuation, an indefinite word or any other actor or title ends it."""
    it = items[i]
    if not it.has("body_head") or _possessed(ctx, items, i):
        return None
    t, j, country = it.t1, i + 1, None
    while t < len(ctx.toks) and t - it.t1 < 4 and ctx.sent_of_tok[t] == ctx.sent_of_tok[it.t0]:
        w = ctx.norm[t]
        bare = w[1:] if w[:1] == "و" and w[1:].startswith("ال") else w  # "والتعليم": a coordinated portfolio
        if not bare.isalpha() or not bare.startswith(("ال", "لل")) or bare in ctx.stop or w in ctx.stop:
            break
        while j < len(items) and items[j].t1 <= t:
            j += 1
        if j < len(items) and items[j].t0 <= t:
            if not (items[j].has("nationality") and not items[j].clitic and items[j].t0 == t):
                break
            c = _country_hit(items[j])
            country = country or (c.iso3 if c else None)
            t, j = items[j].t1, j + 1
            continue
        t += 1
    if t == it.t1:
        return None
    start, end = _start(ctx, it), ctx.toks[t - 1][1]
    name = display_name(ctx.text[start:end])
    ent = Entity("", name, name, "organization", country, None, None)
    while j < len(items) and items[j].t0 < t:
        j += 1
    m = _mention(ctx, start, end, "ORG", ent, "kb", body=True)
    _note_body(ctx, it, m)
    return [m], j


def _note_body(ctx: _Ctx, it: Item, m: Mention) -> None:
    """Keep a named body's head word, for a later "المجلس" or "الحركة" to refer back to."""
    head = ctx.norm[it.t0][len(it.clitic):] if it.clitic else ctx.norm[it.t0]
    if m.entity is not None:
        ctx.bodies.append((head, m.entity))


def _body_anaphor(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    """"وحمل المجلس المسؤولية" after "مجلس الأمن": a definite body noun alone is the latest body named with that
    head, when one was; else it is left alone."""
    it = items[i]
    hits = it.get("body_anaphor")
    if not hits or it.t1 - it.t0 != 1:
        return None
    if _possessed(ctx, items, i):  # "المدير العام للهيئة": the body of a person's office, as for _body
        return [], i + 1
    heads = set(hits[0].ref)
    ante = next((e for head, e in reversed(ctx.bodies) if head in heads), None)
    if ante is None:
        return [], i + 1
    return [_mention(ctx, _start(ctx, it), it.end, "ORG", replace(ante), "coref", anaphor=True)], i + 1


def _possessed(ctx: _Ctx, items: list[Item], i: int) -> bool:
    """The body at item i is the genitive of a person's office ("زعيم التيار الصدري", "رئيس مجلس السيادة") or of a
    place ("بمقر مجلس الوزراء": where, not who), or the object of ل + the article ("للجنة المشتركة": for the
    committee, a frame rather than a party)."""
    it = items[i]
    if ctx.norm[it.t0].lstrip("وف").startswith("لل"):
        return True
    if it.t0 == 0:
        return False
    prev = ctx.norm[it.t0 - 1]
    bare = prev[1:] if prev[:1] in "وفبل" and len(prev) > 3 else prev
    if prev in ctx.possessors or bare in ctx.possessors or (prev in ctx.place_before and prev not in ctx.stop):
        return True  # (a preposition is no place noun: "إلى وزارة المالية" is a march's target)
    return i > 0 and items[i - 1].t1 == it.t0 and items[i - 1].has(*TITLE_TYPES)


def _plural(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    if not it.has("plural"):
        return None
    return [_mention(ctx, _start(ctx, it), it.end, "TITLE", None, plural=True)], i + 1


def _place_or_org(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    orgs = it.get("org")
    start = _start(ctx, it)
    if orgs:
        a = orgs[0].ref
        m = _mention(ctx, start, it.end, "ORG", a.entity(""))
        _note_body(ctx, it, m)
        return [m], i + 1
    hits = it.get("country", "capital", "metonym")
    if not hits:
        return None
    h = hits[0]
    c: Country = h.ref
    attrs_amman: dict[str, Any] | None = None
    if c.iso3 == "OMN" and ctx.norm[it.t1 - 1].endswith("عمان") and it.t1 - it.t0 == 1 and _amman(ctx, it):
        jor = kb.country("JOR")
        if jor is not None:
            c, h = jor, Hit("capital", jor)
            attrs_amman = {"name": jor.capital_en or "Amman", "name_ar": "عمّان", "country": "JOR"}
    prev = ctx.norm[it.t0 - 1] if it.t0 > 0 else ""
    place_ctx = "ب" in it.clitic or prev in ctx.place_before
    attrs: dict[str, Any] = {"kb_type": h.type}
    if h.type in ("capital", "metonym"):
        attrs["place"] = attrs_amman or kb.place(c, ctx.text[start:it.end])
        attrs["metonym"] = not place_ctx
        label = "LOC" if place_ctx else "GPE"
    else:
        attrs["place"] = {"name": c.name, "name_ar": c.name_ar, "country": c.iso3}
        attrs["place_reading"] = place_ctx
        label = "GPE"
    return [_mention(ctx, start, it.end, label, c.entity(""), **attrs)], i + 1


def _amman(ctx: _Ctx, it: Item) -> bool:
    """'عمان' is Oman or, written عمّان, Amman: the shadda decides when it is there, else the article does
    (Jordan named and Oman not)."""
    raw = ctx.text[it.start:it.end]
    if "\u0645\u0651" in raw:
        return True
    if "\u0639\u064f" in raw or (it.t0 > 0 and ctx.norm[it.t0 - 1] == "سلطنه"):
        return False
    jordan = any("الاردن" in w or w == "بترا" for w in ctx.norm)
    oman = any(w in ("سلطنه", "مسقط") or "عماني" in w for w in ctx.norm)
    return jordan and not oman


def _nationality(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    it = items[i]
    if not it.has("nationality"):
        return None
    c = _country_hit(it)
    if c is None:
        return None
    if it.t0 > 0 and not it.clitic and ctx.norm[it.t0 - 1] in ctx.anaphors:
        # "استقبل ... المسؤول التونسي", "الوزير التركي", "الضيف الإيطالي": the person of that country named before
        ante = next(((e, a) for _, e, a in reversed(ctx.seen) if e.kind == "person" and e.country == c.iso3), None)
        if ante is not None:
            e, a = ante
            ent = a.entity("", _role_of(ctx, a, e.role)) if a is not None else replace(e)
            m = _mention(ctx, ctx.toks[it.t0 - 1][0], it.end, "PERS", ent, "coref")
            ctx.seen.append((it.t0, m.entity, a))
            return [m], i + 1
    return [_mention(ctx, _start(ctx, it), it.end, "NORP", c.entity(""), adjective=True)], i + 1


def _ner_name(kb: ActorKB, ctx: _Ctx, items: list[Item], i: int) -> Result:
    """A name NER found and nothing above explained: an unknown person or organisation, named in Arabic."""
    it = items[i]
    if it.ner_label is None:
        return None
    if it.ner_label == "PERS":
        sm = _surname_mention(ctx, it.start, it, None)
        if sm is not None:  # "وقال حسين" after "وزير الخارجية العراقي فؤاد حسين"
            return [sm[0]], i + 1
        sk = kb.by_skeleton(ctx.text[it.start:it.end])
        if sk is not None:  # a known foreign name in another transliteration
            m = _mention(ctx, it.start, it.end, "PERS", sk.entity("", _role_of(ctx, sk, None)), "kb", spelling="skeleton")
            ctx.seen.append((it.t0, m.entity, sk))
            return [m], i + 1
    name = display_name(ctx.text[it.start:it.end])
    kind, label = ("person", "PERS") if it.ner_label == "PERS" else ("organization", "ORG")
    ent = Entity("", name, name, kind, None, None, None)
    m = _mention(ctx, it.start, it.end, label, ent, "ner")
    if kind == "person":
        ctx.seen.append((it.t0, m.entity, None))
    return [m], i + 1


# ---------------------------------------------------------------------------------------------------- NER, gazetteer
def _add_ner(items: list[Item], ner: NER, text: str, toks: list[tuple[int, int, str]],
             sents: list[tuple[int, int]], stop: set[str], given: frozenset[str] | set[str] = frozenset()) -> list[Item]:
    """Names NER finds that the KB does not cover become items (persons and organisations)."""
    starts = {s: k for k, (s, _, _) in enumerate(toks)}
    ends = {e: k for k, (_, e, _) in enumerate(toks)}
    covered = [(it.start, it.end) for it in items if it.has("person", "org", "country", "capital", "metonym",
                                                             "nationality", "title", "title_construct",
                                                             "fixed_title")]
    covered_by = _Spans(covered)
    extra: list[Item] = []
    try:
        # all sentences at once: one document for label propagation, one batch for the e5 backend
        spans = list(ner.spans_in(text, sents)) if hasattr(ner, "spans_in") else \
            [sp for s, e in sents for sp in ner.spans(text, s, e)]
    except Exception:  # NER trouble must not lose the KB mentions
        spans = []
    for sp in spans:
        label = getattr(sp, "label", None)
        if label not in ("PERS", "PER", "ORG"):
            continue
        a, b = int(sp.start), int(sp.end)
        if covered_by.overlaps(a, b):
            continue
        toks_ab = tokens(text, a, b)
        # a verb or particle at the edge of the span ("عون شدد"): trimmed, the name kept
        # ("علي" is a given name as well as على once normalised: names are never trimmed or refused)
        while toks_ab and normalize(toks_ab[-1][2]) in stop and normalize(toks_ab[-1][2]) not in given:
            toks_ab.pop()
        while toks_ab and normalize(toks_ab[0][2]) in stop and normalize(toks_ab[0][2]) not in given:
            toks_ab.pop(0)
        if not toks_ab:
            continue
        a, b = toks_ab[0][0], toks_ab[-1][1]
        words = [normalize(t) for _, _, t in toks_ab]
        if any(w in stop and w not in given for w in words) or max(len(w) for w in words) < 3:
            continue  # "أنا سعيد" is not a name
        if a not in starts or b not in ends:
            continue
        extra.append(Item(a, b, starts[a], ends[b] + 1, [], ner_label="PERS" if label != "ORG" else "ORG"))
    if not extra:
        return items
    taken = {(it.t0, it.t1) for it in items}
    by_ner = _Spans((x.t0, x.t1) for x in extra)
    kept = [it for it in items if not by_ner.overlaps(it.t0, it.t1)
            or it.has("title", "title_construct", "fixed_title", "honorific", "counterpart", "nationality")]
    return kept + [x for x in extra if (x.t0, x.t1) not in taken]


def _gazetteer_mentions(gazetteer: Any, text: str, have: list[Mention]) -> list[Mention]:
    try:
        found = list(gazetteer.find(text, 0, len(text)))
    except Exception:  # the gazetteer is optional: its failure costs places, not actors
        return []
    had = _Spans((h.start, h.end) for h in have)
    return [m for m in found if not had.overlaps(m.start, m.end)]


class _Spans:
    """Does [a, b) overlap any of a set of spans? O(log n) a question: a scan of every span for every mention
    was quadratic in the length of the article."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end = list(accumulate((e for _, e in ordered), max))  # the furthest end among the first k

    def overlaps(self, a: int, b: int) -> bool:
        k = bisect_left(self.starts, b)  # the spans that start before b ...
        return k > 0 and self.max_end[k - 1] > a  # ... one of which ends after a


# ---------------------------------------------------------------------------------------------------- step
@dataclass
class EntityResources:
    """What the entities stage loads once (the actor KB, the NER tagger, the place gazetteer) and how it turns an
    article into mentions, body and title. The pipeline hands the same object to the events stage, which takes its
    KB and gazetteer from here and asks it for the mentions of an article the entities stage did not annotate."""

    kb: ActorKB
    ner: NER | None = None
    gazetteer: Any = None

    @classmethod
    def load(cls, actors: Iterable[str] = (), ner: NER | None | str = "auto", gazetteer: Any = "auto",
             ner_backend: str | None = None, kb: ActorKB | None = None) -> EntityResources:
        """"auto": the NER tagger (the backend named, else the settings') and the place gazetteer when they are
        installed and the settings allow them."""
        opts = section("entities")
        tagger = (_load_ner(ner_backend) if ner == "auto" and opts.get("ner", True)
                  else (None if ner == "auto" else ner))
        places = (_load_gazetteer() if gazetteer == "auto" and opts.get("gazetteer", True)
                  else (None if gazetteer == "auto" else gazetteer))
        return cls(kb or ActorKB.load(actors), tagger, places)

    def mentions(self, article: Article) -> list[Mention]:
        """The actor and place mentions of ``article.text``."""
        return resolve_article(article, self.kb, self.ner, self.gazetteer)

    def title_mentions(self, article: Article) -> list[Mention]:
        """The actor mentions of ``article.title``, offsets into the title: the title resolved as a text of its
        own (a headline is telegraphic: NER trained on body sentences is not asked)."""
        return resolve_text(article.title, self.kb, article.published) if article.title else []

    def annotate(self, article: Article) -> Article:
        if not article.sentences:
            article.sentences = sentences(article.text)
        article.mentions = self.mentions(article)
        article.title_mentions = self.title_mentions(article)
        return article


class EntityStep(BatchedMapStep):
    """Sets ``article.mentions`` and ``article.title_mentions``; needs ``article.sentences`` (computed here when
    absent), NER spans optional. Its ``resources`` are what later stages share."""

    name = "entities"
    warm_failure = "ner_prefetch_failed"
    requires = ("sentences",)
    provides = ("mentions", "title_mentions")

    def __init__(self, kb: ActorKB | None = None, ner: NER | None | str = "auto", gazetteer: Any = "auto",
                 actors: Iterable[str] = (), ner_backend: str | None = None,
                 resources: EntityResources | None = None) -> None:
        super().__init__()
        self.resources = resources or EntityResources.load(actors, ner, gazetteer, ner_backend, kb)
        opts = section("entities")
        self.batch = int(opts.get("ner_batch_articles", 16))
        self.batch_chars = int(opts.get("ner_batch_max_chars", 20_000))

    @property
    def kb(self) -> ActorKB:
        return self.resources.kb

    @property
    def ner(self) -> NER | None:
        return self.resources.ner

    @property
    def gazetteer(self) -> Any:
        return self.resources.gazetteer

    def batching(self) -> bool:
        return getattr(self.ner, "prefetch", None) is not None and self.batch > 1

    def warm(self, articles: list[Article]) -> None:
        """The unsure sentences of several articles encoded in one pass (the e5 backend's cache)."""
        docs = []
        for art in articles:
            bounds = art.sentences or sentences(art.text)
            docs.append([[w for _, _, w in t] for s0, e0 in bounds if (t := tokens(art.text, s0, e0))])
        self.ner.prefetch(docs)

    def process(self, item: Article) -> Article:
        self.resources.annotate(item)
        self.count("mentions", len(item.mentions))
        self.count("resolved", sum(1 for m in item.mentions if m.entity is not None and m.entity.id))
        return item


def _load_ner(backend: str | None = None) -> Any:
    """The NER tagger of ``backend`` (default: the [entities] ner_backend setting). A backend named outright
    must load; the default one is optional (resolution then works from the knowledge base alone)."""
    from .ner import load_tagger

    if backend:
        return load_tagger(backend)
    try:
        return load_tagger()
    except Exception:
        return None


def _load_gazetteer() -> Any:
    """The place gazetteer, when that module is installed (built separately)."""
    try:
        from .gazetteer import Gazetteer  # type: ignore[attr-defined]
    except Exception:
        return None
    try:
        return Gazetteer.load()
    except Exception:
        return None
