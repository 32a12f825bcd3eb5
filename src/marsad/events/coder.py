"""The PLOVER event coder: triggers → participants and roles → mode, status, contexts, location, date → events.

Works sentence by sentence on ``Article.text`` using the mentions (entities stage), timexes (dates stage) and sentence
offsets already on the article. Everything it needs from other stages is optional: with no mentions it falls back on
the knowledge base's own matcher and on generic agent nouns (crowds, forces), so it degrades instead of failing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from ..arabic import normalize, sentences, strip_diacritics, tokens
from ..dates import clause_cues, select_event_date
from ..entities.kb import ActorKB
from ..entities.resolve import EntityResources
from ..model import Article, Entity, Event, Evidence, Location, Mention, Timex, stable_id
from .clause import Discourse, Sentence, list_prep
from .discourse import ArticleState
from .engine import RuleEngine, load_rules
from .groups import join_groups
from .lexicon import FormHit, Lexicon, Trigger, _stems, find_phrase, load_lexicon
from .words import word_set, word_tuple

SCORED_FAMILY = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}  # a future one is an intention: AGREE
DYADIC = {"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID", "ACCUSE", "REJECT", "THREATEN", "SANCTION", "REQUEST"}
PARTICIPANT_LABELS = {"PERS", "ORG", "GPE", "NORP"}
_STOP = word_set("stop")
_PLACE_PREP = word_tuple("place_prep")
_PREPS = word_set("preps")


def _alternation(name: str) -> str:
    return "(" + "|".join(word_tuple(name)) + ")"


# "X ونظيره الرئيس Y": a counterpart between two coordinated names
_COUNTERPART_GAP = re.compile(
    rf"^{_alternation('counterpart_lead')}?\s*{_alternation('prep_clitics')}?{word_tuple('counterpart_stem')[0]}"
    rf"{_alternation('counterpart_suffixes')}(\s+{_alternation('counterpart_heads')})?$")
_RELATIVE = word_set("relative")
_CONTRAST = word_set("contrast")  # "، فيما هدد Y": another side's act in a clause of its own
_QUANTITIES = word_set("quantities")
_CLAUSE_OPENERS = word_set("clause_openers")
_VICTIMS = word_set("victims")
_TITLE_NOUNS = word_set("title_nouns")
_OFFICE_STEMS = word_tuple("office_stems")
_OFFICE_BACKREF = word_set("office_backref")
_ADVERBIAL_OPENERS = word_set("adverbial_openers")
_HAL_PARTICIPLES = word_set("hal_participles")
_HAL_LIGHT = word_set("hal_light")
_SIGNING = {"support.sign", "support.conclude", "support.agreement_signed"}
_COUNTRY_PAIRS = word_set("country_pairs")
# "بحثا الأوضاع في غزة", "تناول التطورات في السودان": a place after a topic noun is what was discussed, not where
_TOPIC_NOUNS = word_set("topic_nouns")
# where a party was when calling: "من مقر إقامته في", "خلال وجوده في", "أثناء زيارته إلى"
_PRESENCE = word_set("presence")
_DURING = word_set("during")
_RECEPTIONS = word_set("receptions")
_DIRECTIVES = word_set("directives")
_HONORIFIC_PRONOUNS = word_set("honorific_pronouns")
_KANA = word_set("kana")
_BREAK_PREPS = word_set("break_preps")
_NOT_MODIFIER = word_set("not_modifier")
# for conflict and pressure types, "على X"/"ضد X" names the target
_PLURALS = word_set("plurals")
_NOT_PAIR = word_set("not_pair")
_DEMONSTRATIVES = word_set("demonstratives")
_PLURALS = {normalize(w) for w in _PLURALS}
_GAP_MARKS = word_set("gap_marks")  # not counted as words between two positions
# particles and affixes the phases test (words.yaml, "coder phases"): one place for each, in normalised spelling
_AND = word_tuple("coordinators")[0]
_CONJ = "".join(word_tuple("conj_clitics"))  # (a string: "x[:1] in _CONJ" as the clitic test)
_ART = word_tuple("article")[0]
_PREP_CLITICS = "".join(word_tuple("prep_clitics"))
_FROM, _WITH, _BETWEEN = word_tuple("prep_min")[0], word_tuple("comitative")[0], word_tuple("prep_bayn")[0]
_BI, _LI, _FI = word_tuple("prep_bi")[0], word_tuple("prep_li")[0], word_tuple("prep_fi")[0]
_ILA, _ALA = word_tuple("prep_ila")[0], word_tuple("prep_ala")[0]
_COMMAS = word_tuple("comma_marks")
_COMMA_STRIP = " " + "".join(_COMMAS)
_MARGIN, _QAD, _FUTURE, _AN = (word_tuple(k)[0] for k in ("margin_noun", "pluperfect_qad", "future_prefix",
                                                          "an_particle"))
_DEFINITE = (_ART, _AND + _ART)  # "ال", "وال"
_CONJ_PREP = tuple(_AND + p for p in _PREP_CLITICS)  # "وب", "ول"
_LAM_ART = word_tuple("lam_article")
_LIST_JOINERS = ("",) + word_tuple("list_joiners")
_INLINE_STOPS = word_tuple("inline_stops")
_DELEGATION_HEADS = word_set("delegation_heads")
_HOSPITALITY_HEADS = word_tuple("hospitality_heads")
_HOSPITALITY_PHRASES = tuple(f" {p} " for p in word_tuple("hospitality_phrases"))
_PLURAL_NISBA, _NOT_PLURAL_NISBA = word_tuple("plural_nisba_endings"), word_tuple("not_plural_nisba_endings")
_PLACE_LEAD_WORDS, _PLACE_CLITIC_PREPS = word_tuple("place_lead_words"), word_tuple("place_clitic_preps")
_CAPITAL_WORDS, _FEMININE_NISBA = word_set("capital_words"), word_tuple("feminine_nisba_ending")[0]
_ARTICLE_CLITIC_FORMS = word_tuple("article_clitic_forms")
_TOLD_MEETING_PREPS, _ORDINALS = word_set("told_meeting_preps"), word_set("ordinals")
_THEN = word_set("then_words")
_CLAUSE_BREAKS = word_set("comma_marks") | word_set("clause_links")
_TOPIC_PREPS = word_set("topic_preps")
_PARTICIPATION_STEMS = word_tuple("participation_stems")
_THAT_WORDS, _FRONTING_PREPS = word_set("that_words"), word_set("fronting_preps")
_COMPANION_WORDS, _OBJECT_PRONOUN_WORDS = word_set("companion_words"), word_set("object_pronoun_words")
_DUAL_PRONOUN, _DUAL_GATHERING = word_tuple("dual_pronoun_suffix")[0], word_set("dual_gathering_words")
_DESTINATION_PREPS, _RESUMPTIVE = word_set("destination_preps"), word_set("resumptive_pronoun_words")
_DELEGATION_LEADS, _REGION_WORDS = word_set("delegation_lead_words"), word_set("region_words")
_MINISTRY_WORDS = word_set("ministry_words")
_MINISTER_WORDS = word_tuple("minister_words")
_TODAY_TOMORROW, _ONGOING, _DAY_WORDS = word_set("today_tomorrow"), word_set("ongoing_words"), word_set("day_words")
_POSSESSIVE_SUFFIXES, _OBJECT_SUFFIXES = word_tuple("possessive_suffixes"), word_tuple("object_suffixes")
_OPEN_TA, _TA_MARBUTA = word_tuple("open_ta")[0], word_tuple("ta_marbuta")[0]
_FIRST_PERSON_SUFFIXES = word_tuple("first_person_suffixes")
_FIRST_PERSON_PREFIXES = word_tuple("first_person_prefixes")
_PRESENT_PREFIXES = "".join(word_tuple("present_prefixes"))  # masculine, feminine
_PRESENT_MASC, _PRESENT_FEM = _PRESENT_PREFIXES[0], _PRESENT_PREFIXES[1]
_PRESENT_DUAL = word_tuple("agree_present_dual")[0]
_PAST_DUAL_ENDINGS, _PAST_DUAL_ALEF = word_tuple("past_dual_endings"), word_tuple("past_dual_alef")[0]
_HEADS = ("president", "king", "emir", "sultan", "prime_minister", "chancellor", "supreme_leader")


# --------------------------------------------------------------------------------------------- participants
@dataclass
class Arg:
    start: int
    end: int
    t0: int  # first token index (sentence-local)
    t1: int  # one past the last token
    entities: list[Entity]
    label: str
    place: Location | None = None  # set when the words name a place (capital, city, country after في/إلى)
    is_place: bool = False  # used as a place here (after في/إلى/ب), not as a participant
    plural: bool = False
    kind: str | None = None  # generic agents: group | armed | security

    @property
    def text(self) -> str:
        return self.entities[0].text if self.entities else ""


def entity_key(e: Entity) -> str:
    if e.id:
        return e.id
    if e.kind == "country" and e.country:
        return e.country
    n = normalize(e.name or e.text).split()
    return n[-1] if n else ""


class Resources:
    """What the events stage takes from the stages before it: the entities stage's resources (its KB, gazetteer
    and resolver, shared with that stage when the pipeline passes them) and the dates stage's clause functions."""

    def __init__(self, lexicon: Lexicon | None = None, actors: Iterable[str] = (),
                 entities: EntityResources | None = None) -> None:
        self.lexicon = lexicon
        self.actors = list(actors)  # the user's actor files, for an entities stage of the coder's own
        self._entities = entities
        self.select_event_date = select_event_date
        self.clause_cues = clause_cues

    @cached_property
    def entities(self) -> EntityResources:
        """The pipeline's entities stage resources; a coder used on its own loads the stage's KB and gazetteer
        (no NER: hand-made articles in tests and tools)."""
        return self._entities if self._entities is not None else EntityResources.load(self.actors, ner=None)

    @property
    def kb(self) -> ActorKB:
        return self.entities.kb

    @property
    def gazetteer(self) -> Any:
        return self.entities.gazetteer

    def body_mentions(self, article: Article) -> list[Mention]:
        """Mentions of an article the entities stage did not annotate."""
        return self.entities.mentions(article) if article.text else []

    def title_mentions(self, article: Article) -> list[Mention]:
        """The title's mentions, from the entities stage when it ran."""
        return list(article.title_mentions) or self.entities.title_mentions(article)

    def location(self, surface: str, mention: Mention | None = None) -> Location | None:
        if mention is not None:
            place = (mention.attrs or {}).get("place")
            if isinstance(place, dict):
                return Location(surface, place.get("name") or surface, place.get("name_ar") or surface,
                                place.get("country"))
        gaz = self.gazetteer
        if gaz is not None:
            try:
                loc = gaz.resolve_location(surface)
                if loc is not None:
                    return loc
            except Exception:
                pass
        if mention is not None and mention.entity is not None and mention.entity.kind == "country":
            e = mention.entity
            return Location(surface, e.name, e.name_ar, e.country)
        if mention is not None and mention.label == "LOC":
            return Location(surface, normalize(surface), surface, None)
        return None

    def country_entity(self, iso: str, text: str) -> Entity:
        kb = self.kb
        if kb is not None:
            try:
                c = kb.country(iso)
                if c is not None:
                    return c.entity(text)
            except Exception:
                pass
        return Entity(text=text, name=iso, name_ar=None, kind="country", country=iso)



# --------------------------------------------------------------------------------------------- candidates
@dataclass
class Hit:
    trigger: Trigger
    kind: str
    i: int  # sentence-local token index
    n: int
    pre: str
    start: int
    end: int


@dataclass
class Candidate:
    type: str
    trigger: Trigger
    sent_index: int
    evidence: Evidence
    actors: list[Entity]
    recipients: list[Entity]
    mode: str | None
    status: str
    location: Location | None
    timex: Timex | None
    contexts: list[str]
    in_title: bool
    directional: bool
    hit_start: int
    hit_end: int
    merged: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def keys(self) -> set[str]:
        return {entity_key(e) for e in self.actors + self.recipients} - {""}


@dataclass
class HitContext:
    """One trigger hit in its sentence as the coder's phases read and fill it: veto → clause window → subject →
    object → role rewrite → location/visit → mode/status. Token indices are sentence-local."""

    article: Article
    text: str
    toks: list[tuple[int, int, str]]
    norm: list[str]
    args: list[Arg]
    h: Hit
    s: int
    e: int
    si: int
    in_title: bool
    state: ArticleState
    has_trigger: Callable[[str], bool]
    lo: int = 0  # the clause window
    hi: int = 0
    parts: list[Arg] = field(default_factory=list)  # participants (not places, not bare nationalities)
    places: list[Arg] = field(default_factory=list)
    before: list[Arg] = field(default_factory=list)  # participants in the window before / after the trigger
    after: list[Arg] = field(default_factory=list)
    rest: list[Arg] = field(default_factory=list)  # those after it that may still be subject or object
    before_ok: list[Arg] = field(default_factory=list)  # those before it not governed by a topic preposition
    k_margin: int | None = None  # "هامش" after the trigger
    verbal: bool = False
    reverse: bool = False  # a receiving verb before it ("تلقى X اتصالا من Y")
    hal: bool = False  # the trigger is a circumstantial participle
    hal_honor: bool = False
    topic: set[str] = field(default_factory=set)
    partner_preps: set[str] = field(default_factory=set)
    to_preps: set[str] = field(default_factory=set)
    subjects: list[Arg] = field(default_factory=list)
    objects: list[Arg] = field(default_factory=list)
    anchor: int = 0  # where objects are looked for: after the trigger and any subject after it
    subj_e: list[Entity] = field(default_factory=list)
    obj_e: list[Entity] = field(default_factory=list)
    actors: list[Entity] = field(default_factory=list)
    recipients: list[Entity] = field(default_factory=list)
    directional: bool = True
    location: Location | None = None
    loc_ok: bool = True  # False: the place is the topic talked about, or a call's with no party's whereabouts
    n_parts: int = 0

    @property
    def t(self) -> Trigger:
        return self.h.trigger

    def gap(self, a: int, b: int) -> int:
        return sum(1 for k in range(a, b) if self.norm[k] not in _GAP_MARKS)

    def coordinated(self, x: Arg, y: Arg) -> bool:
        between = normalize(self.text[x.end:y.start]).strip(_COMMA_STRIP)
        yfirst = normalize(self.text[y.start:y.end])[:1]
        if between.startswith(_AND) and self.t.roles == "symmetric" and len(between.split()) <= 14 and not any(
                c in between for c in _INLINE_STOPS) and not self.has_trigger(between):
            return True  # "ووقع الوزير X، ووزيرة الخارجية [long office] Y": an office title between the two
        return (between in _LIST_JOINERS or (between == "" and yfirst == _AND) or between == _WITH
                or bool(_COUNTERPART_GAP.match(between)))

    def prep(self, a: Arg) -> str:
        """The preposition governing an argument: the word before it or a clitic glued to it (بالرئيس)."""
        norm = self.norm
        tok_start = self.toks[a.t0][0]
        glued = normalize(self.text[tok_start:a.start])
        if not glued:
            w = norm[a.t0]
            if w[:1] in _PREP_CLITICS and w[1:3] == _ART or w[:2] in _LAM_ART:
                glued = w[:1]
            elif w[:2] in _CONJ_PREP and w[2:4] == _ART:
                glued = w[1:2]
        if glued.strip(_AND):
            return glued.strip(_AND)[-1:]
        listed = list_prep(norm, a.t0)  # "اتصالين بكل من X وY": the list's preposition, shared with the engine
        if listed is not None:
            return listed
        return norm[a.t0 - 1] if a.t0 > 0 else ""

    def governed_by_with(self, a: Arg) -> bool:
        """"مع" + an office title + the name: the name's mention often leaves the title out."""
        norm = self.norm
        prev_end = max([x.t1 for x in self.args if x.t1 <= a.t0 and x is not a] + [self.lo])
        for k in range(a.t0 - 1, max(prev_end, a.t0 - 15) - 1, -1):
            if norm[k] in (_WITH, _AND + _WITH):
                return True
            if norm[k] in _STOP or norm[k] in ('"', "«", "»"):
                return False
        return False

    def delegation(self, a: Arg) -> bool:
        """"وفدا (رفيع المستوى) من صندوق النقد": the body a delegation comes from is the party."""
        norm = self.norm
        heads = _DELEGATION_HEADS  # (the و of وفد is a root letter: strip clitics one at a time)
        return a.t0 >= 2 and norm[a.t0 - 1] == _FROM and any(
            w in heads or w.removeprefix(_ART) in heads or w[1:] in heads or w[1:].removeprefix(_ART) in heads
            for w in norm[max(self.lo, a.t0 - 5):a.t0 - 1])



def _fresh_state(mentions: list[Mention]) -> ArticleState:
    """An article's discourse state as coding starts it: the persons it names, in text order."""
    return ArticleState(persons=sorted(
        ((m.start, m.entity) for m in mentions if m.entity is not None and m.entity.kind == "person"),
        key=lambda x: x[0]))

class Coder:
    def __init__(self, lexicon: Lexicon | None = None, settings: dict[str, Any] | None = None,
                 resources: Resources | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        self.settings = settings or {}
        self.res = resources or Resources(self.lex)
        if self.res.lexicon is None:
            self.res.lexicon = self.lex
        w = self.settings.get("confidence_weights") or {}
        self.weights = {**DEFAULT_WEIGHTS, **w}
        self.vetoes: Counter[str] = Counter()  # rule id -> hits it vetoed (the step reports them)
        mode = self.settings.get("rule_engine", True)
        # a list names the types the engine codes (an A/B of one type against the coder's own path)
        only = frozenset(mode) if isinstance(mode, list) else None
        self.engine = RuleEngine(self, all_types=mode == "all", only=only) if mode else None
        # each type's recipient prepositions ("على/ضد X" the target of force, "إلى X" the receiver of aid): one
        # table, the rule file's, for the engine and the coder's own path alike
        self.recipient_preps = {t: spec.recipient_preps for t, spec in load_rules().types.items()}

    # ----------------------------------------------------------------------------- article level
    def code(self, article: Article) -> list[Event]:
        text = article.text or ""
        sents = list(article.sentences) or sentences(text)
        mentions = list(article.mentions) or self.res.body_mentions(article)
        state = _fresh_state(mentions)
        cands: list[Candidate] = []
        discourse = Discourse()
        for si, (s, e) in enumerate(sents):
            cands.extend(self._code_sentence(article, text, s, e, si, mentions, False, state, discourse))
        title_cands: list[Candidate] = []
        if article.title and not text.startswith(article.title.strip()):
            tmentions = self.res.title_mentions(article)
            title_cands = self._code_sentence(article, article.title, 0, len(article.title), -1, tmentions,
                                              True, state)
        body = self._merge(cands)
        for tc in title_cands:
            # "أمير قطر" left unresolved in a headline with no date: the emir of Qatar the body names
            tc.actors = [self._office_holder(x, state) for x in tc.actors]
            tc.recipients = [self._office_holder(x, state) for x in tc.recipients]
            if any(_title_dup(tc, b) for b in body):
                continue  # the body codes it: never an event from the title alone
            if len(tc.keys()) >= 2:
                body.append(tc)
        body = self._split_calls(self._merge(body))
        # "ورحب سموه بضيفه": welcoming the guest one receives is the courtesy of the visit, not a further event
        # (unless said with praise: "رحب به باعتباره صديقا عزيزا")
        visits = [c for c in body if c.type == "CONSULT" and c.mode == "visit" and c.status == "occurred"]
        body = [c for c in body if not (c.trigger.id == "support.welcome" and c.merged <= 1 and c.actors
                                        and c.recipients and not self._praise_in(c.evidence.text) and any(
            _covered(c.actors + c.recipients, v.actors + v.recipients) for v in visits))]
        # "أعرب X عن شكره لY على حسن الاستقبال": a guest's thanks for hospitality is part of the visit too
        body = [c for c in body if not (c.trigger.id == "support.thank" and c.merged <= 1 and self._hospitality(
            c.evidence.text) and not self._praise_in(c.evidence.text) and any(
            _covered(c.actors, v.actors + v.recipients) for v in visits))]
        self._inherit_dates(body)
        self._sidelines_host(body)
        return [self._event(article, c) for c in body]

    # ----------------------------------------------------------------------------- for the learned detector
    def article_state(self, article: Article) -> ArticleState:
        """A fresh discourse state of the article, as ``code`` starts it (the persons it names, in order)."""
        return _fresh_state(list(article.mentions) or self.res.body_mentions(article))

    def sentence_participants(self, article: Article, s: int, e: int, state: ArticleState) -> list[Arg]:
        """The participants of the sentence s..e in text order, read as a trigger's would be (mentions, plural
        references, generic agents, counted crowds joined), places left out."""
        mentions = list(article.mentions) or self.res.body_mentions(article)
        read = self._sentence_args(article.text or "", s, e, mentions, state)
        if read is None:
            return []
        args = read[2]
        return sorted((a for a in args if not a.is_place and a.entities), key=lambda a: a.t0)

    def sentence_date(self, article: Article, s: int, e: int) -> tuple[str | None, str, str | None]:
        """(date, precision, the words) of the sentence s..e, chosen as for a trigger at its start."""
        tx: Timex | None = None
        if self.res.select_event_date is not None:
            try:
                tx = self.res.select_event_date(article, s, e, s)
            except Exception:
                tx = None
        if tx is None or not tx.value:
            return None, "none", None
        return tx.value, tx.precision, tx.text

    def sentence_status(self, article: Article, s: int, e: int) -> str:
        """A whole sentence's tense as the dates stage reads it: future or historical when it marks one, else
        occurred (its negation or condition words may belong to another clause than the event)."""
        try:
            st = (self.res.clause_cues(article.text, s, e) or {}).get("status")
        except Exception:
            st = None
        return st if st in ("future", "historical") else "occurred"

    @staticmethod
    def _sidelines_host(body: list[Candidate]) -> None:
        """"وعلى هامش الاجتماع، التقى X نظيره Y" with no place of its own: the meeting told before sets the
        place; if that is one party's country, the other came to him (a visit)."""
        for c in body:
            if c.type != "CONSULT" or c.mode != "third-party" or c.location is not None or c.in_title:
                continue
            frames = [d for d in body if d is not c and d.type == "CONSULT" and not d.in_title and d.location
                      is not None and d.location.country and d.sent_index < c.sent_index]
            if not frames:
                continue
            loc = max(frames, key=lambda d: d.sent_index).location
            parts = c.actors + c.recipients
            local = [x for x in parts if x.country == loc.country]
            foreign = [x for x in parts if x.country and x.country != loc.country]
            if len(local) == 1 and len(foreign) == 1:
                c.mode, c.actors, c.recipients, c.directional, c.location = "visit", foreign, local, True, loc

    @staticmethod
    def _inherit_dates(body: list[Candidate]) -> None:
        """An undated follow-up in a report ("وقد تم التوقيع على اتفاقية بين البلدين" after "استقبل X، اليوم، Y")
        happened on the day of the dated event just before it with the same parties."""
        for c in body:
            if c.timex is not None or c.in_title or c.status != "occurred" or c.sent_index < 0 or \
                    c.type not in ("SUPPORT", "COOPERATE", "AID"):
                continue  # (an invitation's date is left to the text: it may have come before)
            prev = [d for d in body if d is not c and not d.in_title and d.timex is not None and d.timex.value
                    and d.status == "occurred" and 0 < c.sent_index - d.sent_index <= 2
                    and len(c.actors + c.recipients) >= 2
                    and (_covered(c.actors + c.recipients, d.actors + d.recipients)
                         or _covered(d.actors + d.recipients, c.actors + c.recipients))]
            if prev:
                c.timex = max(prev, key=lambda d: d.sent_index).timex

    def _praise_in(self, sentence: str) -> bool:
        """Words of praise in a sentence ("باعتباره صديقا عزيزا", "أشاد"): more than a courtesy welcome."""
        norm = [normalize(t) for _, _, t in tokens(sentence, 0, len(sentence))]
        return any(f.trigger.id in ("support.welcome_as_friend", "support.praise", "support.describe")
                   for k in range(len(norm)) for f in self.lex.match_at(norm, k)[1])

    @staticmethod
    def _hospitality(sentence: str) -> bool:
        """Thanks for the welcome ("على حسن الاستقبال وكرم الضيافة", "حفاوة الاستقبال")."""
        words = [normalize(t).removeprefix(_AND) for _, _, t in tokens(sentence, 0, len(sentence))]
        words = [w[1:] if w[:1] in _PREP_CLITICS and len(w) > 4 and w[1:].startswith(_HOSPITALITY_HEADS) else w
                 for w in words]  # "لحفاوة الاستقبال", "بحسن الضيافة"
        n = " " + " ".join(words) + " "
        return any(p in n for p in _HOSPITALITY_PHRASES)

    @staticmethod
    def _office_holder(ent: Entity, state: ArticleState) -> Entity:
        """An unresolved office title ("أمير قطر": role and country, no id) as the one resolved person of that
        country and role the article names; else the title as it is."""
        if ent.id or ent.kind != "person" or not ent.role or not ent.country:
            return ent
        found = {e.id: e for _, e in state.persons if e.id and e.country == ent.country and e.role == ent.role}
        return next(iter(found.values())) if len(found) == 1 else ent

    # ----------------------------------------------------------------------------- sentence level
    def _sentence_args(self, text: str, s: int, e: int, mentions: list[Mention], state: ArticleState
                       ) -> tuple[list[Any], list[str], list[Arg]] | None:
        """The sentence s..e's tokens, their normal forms and its participants (groups joined); None when empty."""
        toks = tokens(text, s, e)
        if not toks:
            return None
        norm = [normalize(t) for _, _, t in toks]
        return toks, norm, join_groups(self._args(text, toks, norm, s, e, mentions, state), toks, norm, text)

    def _code_sentence(self, article: Article, text: str, s: int, e: int, si: int, mentions: list[Mention],
                       in_title: bool, state: ArticleState, discourse: Discourse | None = None) -> list[Candidate]:
        read = self._sentence_args(text, s, e, mentions, state)
        if read is None:
            return []
        toks, norm, args = read
        covered = {k for a in args for k in range(a.t0, a.t1) if not a.is_place}
        hits = self._hits(toks, norm, covered)
        # "استدعت X سفيرها احتجاجا على ...": the adverbial gives the motive of the act before it, no protest of
        # its own (a crowd's "تظاهر ... احتجاجا" is one protest either way)
        hits = [h for h in hits if not (norm[h.i].lstrip(_AND) in self._motives and any(
            o.i < h.i and o.trigger.type != h.trigger.type and o.kind in ("past", "present") for o in hits))]
        state.verb_starts = {h.i for h in hits if h.kind in ("past", "present")}
        out = []
        discourse = discourse if discourse is not None else Discourse()
        sent = Sentence(article, text, toks, norm, args, s, e, si, in_title, discourse, state)
        for h in hits:
            if self.engine is not None and h.trigger.type in self.engine.types:
                c = self.engine.candidate(sent, h, state.verb_starts)
                if c is not None:
                    c.extra["kind"] = h.kind
                    out.append(c)
                    discourse.note(c.actors, c.recipients, si)
                continue
            c = self._candidate(article, text, toks, norm, args, h, s, e, si, in_title, state)
            if c is not None:
                c.extra["kind"] = h.kind
                out.append(c)
                if not in_title and c.type in ("CONSULT", "AGREE", "SUPPORT") and c.status != "negated":
                    state.event_persons.extend(x for x in c.actors + c.recipients if x.kind == "person")
                    # the grammatical subject carries into a next sentence that drops it (the host of a
                    # reception, not the guest who is its actor)
                    subj = state.last_coded[1][0] if state.last_coded is not None else []
                    if subj and subj[0].kind == "person":
                        state.note_actor(subj[0], si)
                    elif c.actors and c.actors[0].kind == "person":
                        state.note_actor(c.actors[0], si)
        # a nominal trigger in a sentence already about a planned event is planned too ("يعقبها التوقيع")
        future_seen = historical_seen = False
        future_end = 0
        for c in sorted(out, key=lambda c: c.hit_start):
            if c.status == "historical":
                historical_seen = True
            elif historical_seen and c.status == "occurred" and c.extra.get("kind") == "past" and \
                    normalize(text[c.hit_start:c.hit_end])[:1] == _AND:
                c.status = "historical"  # "وكان X قد زار موسكو والتقى بوتين": the coordinated verb shares the tense
            if c.status == "future":
                future_seen, future_end = True, c.hit_end
            elif future_seen and c.status == "occurred" and c.extra.get("kind") in ("noun", "form") and \
                    c.hit_start - future_end < 80:
                c.status = "future"
                if c.type in SCORED_FAMILY:
                    c.type, c.mode = "AGREE", None
        return out

    def _hits(self, toks: list[tuple[int, int, str]], norm: list[str], covered: set[int]) -> list[Hit]:
        out: list[Hit] = []
        i = 0
        while i < len(norm):
            n, fhits, pre = self.lex.match_at(norm, i)
            if not n:
                i += 1
                continue
            raw = strip_diacritics(toks[i][2])
            for fh in fhits:
                if self._keep(fh, raw, norm, i, n, covered):
                    out.append(Hit(fh.trigger, fh.kind, i, n, pre, toks[i][0], toks[i + n - 1][1]))
            i += n
        return out

    @staticmethod
    def _keep(fh: FormHit, raw: str, norm: list[str], i: int, n: int, covered: set[int]) -> bool:
        t = fh.trigger
        if covered and i not in covered:
            # windows count words outside participant names: "ووقع الوزير فلان والوزيرة فلانة جملة من الاتفاقيات"
            keep = [k for k in range(len(norm)) if k not in covered or i <= k < i + n]
            norm = [norm[k] for k in keep]
            i = keep.index(i)
        if t.exclude_raw and (raw in t.exclude_raw or raw[1:] in t.exclude_raw and raw[:1] in _CONJ):
            return False
        if t.near:
            c = t.near
            lo = i - c.window if c.side in ("both", "before") else i + n
            hi = i + n + c.window if c.side in ("both", "after") else i
            if find_phrase(norm, c.phrases, lo, hi) is None:
                return False
        if t.not_near:
            c = t.not_near
            lo = i - c.window if c.side in ("both", "before") else i
            hi = i + n + c.window if c.side in ("both", "after") else i + 1
            if c.window == 0:
                lo, hi = i, i + 1
            if find_phrase(norm, c.phrases, lo, hi) is not None:
                return False
        return True

    def _args(self, text: str, toks: list[tuple[int, int, str]], norm: list[str], s: int, e: int,
              mentions: list[Mention], state: ArticleState) -> list[Arg]:
        """Participants (and places) in the sentence, from mentions, plural references and generic agents."""
        chosen = _chosen_mentions(mentions, s, e)
        args: list[Arg] = []
        named = frozenset(k for o in chosen for k in range(_tok_index(toks, o.start), _tok_index(toks, o.end, True)))
        for m in chosen:
            if m.label not in PARTICIPANT_LABELS and m.label != "LOC":
                continue
            t0, t1 = _tok_index(toks, m.start), _tok_index(toks, m.end, end=True)
            arg = (self._nationality_arg(m, t0, t1, toks, norm, named, state) if m.label == "NORP"
                   else self._mention_arg(m, t0, t1, text, norm, s, state))
            if arg is not None:
                args.append(arg)
        self._word_args(text, toks, norm, args, state)
        args.sort(key=lambda a: a.t0)
        return args

    def _nationality_arg(self, m: Mention, t0: int, t1: int, toks: list[tuple[int, int, str]], norm: list[str],
                         named: frozenset[int], state: ArticleState) -> Arg | None:
        """A nationality mention: a bare adjective is not a participant, except as a trigger's object (see
        _slot_rewrites); a plural one is a group of people ("تظاهر الاف الاسرائيليين")."""
        ent = m.entity
        surface = normalize(m.text)
        if surface.endswith(_PLURAL_NISBA) and not surface.endswith(_NOT_PLURAL_NISBA):
            grp = Entity(text=m.text, name=surface, name_ar=m.text, kind="group",
                         country=ent.country if ent is not None else None)
            return Arg(m.start, m.end, t0, t1, [grp], "AGENT")
        if ent is not None and ent.kind == "group" and ent.country and self.lex.agent_at(norm, t0)[0]:
            # "القوات المسلحة الأردنية" found whole by the entities stage: a force of that state
            return Arg(m.start, m.end, t0, t1, [ent], "AGENT", kind=self.lex.agent_at(norm, t0)[1])
        if ent is not None and ent.kind == "country" and (head := self._office_head(norm, t0, named)) is not None:
            # "وزارة الخارجية وشؤون المغتربين الأردنية": a state body named by its nationality is the state
            state.last_office = ent
            return Arg(toks[head][0], m.end, head, t1, [ent], "GPE")
        if ent is not None and ent.kind == "country":
            prev_w = norm[t0 - 1] if t0 > 0 else ""
            ref = None
            if prev_w.removeprefix(_AND).removeprefix(_BI).removeprefix(_LI) in _TITLE_NOUNS:
                ref = next((e for st, e in reversed(state.persons)
                            if st < m.start and e.country == ent.country), None) or next(
                    (e for st, e in state.persons if st > m.end and e.country == ent.country), None)
            if ref is not None:  # "استقبل ... المسؤول التونسي": the Tunisian named before
                return Arg(toks[t0 - 1][0], m.end, t0 - 1, t1, [ref], "PERS")
            return Arg(m.start, m.end, t0, t1, [ent], "NORP_OBJ")
        return None

    def _mention_arg(self, m: Mention, t0: int, t1: int, text: str, norm: list[str], s: int,
                     state: ArticleState) -> Arg | None:
        """A person, body, state or place mention; a state or capital after في/إلى/ب is used as a place."""
        metonym = bool((m.attrs or {}).get("metonym")) or (m.attrs or {}).get("type") in ("capital", "metonym")
        label = m.label
        ent = m.entity
        if ent is None:
            if label == "LOC":
                ent = None
            else:
                kind = {"PERS": "person", "ORG": "organization", "GPE": "country"}.get(label, "group")
                ent = Entity(text=m.text, name=normalize(m.text), name_ar=m.text, kind=kind)
        place = None
        if label == "LOC" or metonym or (ent is not None and ent.kind == "country"):
            place = self.res.location(m.text, m)
        prev = norm[t0 - 1] if t0 > 0 else ""
        first_raw = normalize(text[m.start:m.end].split()[0]) if text[m.start:m.end].split() else ""
        before_text = normalize(text[max(s, m.start - 12):m.start])
        own_b = metonym and place is not None and normalize(place.name_ar or place.text or "").startswith(first_raw)
        prep = prev in _PLACE_PREP or (not own_b and any(first_raw.startswith(p) and len(first_raw) > len(p) + 2
                                                         for p in _PLACE_CLITIC_PREPS))  # (ب of باريس is no clitic)
        prep = prep or before_text.rstrip().endswith(_PLACE_LEAD_WORDS)
        # "في العاصمة الإسبانية مدريد": a nationality adjective between the capital and its name
        prep = prep or (t0 >= 2 and norm[t0 - 2].lstrip(_AND) in _CAPITAL_WORDS
                        and norm[t0 - 1].startswith(_ART) and norm[t0 - 1].endswith(_FEMININE_NISBA))
        is_place = label == "LOC" or (place is not None and prep)
        if ent is None and not is_place:
            return None
        if ent is not None and ent.kind == "country" and not is_place and \
                normalize(m.text).split()[0].lstrip(_AND).removeprefix(_ART).startswith(_OFFICE_STEMS):
            state.last_office = ent
        return Arg(m.start, m.end, t0, t1, [ent] if ent else [], label, place, is_place)

    def _word_args(self, text: str, toks: list[tuple[int, int, str]], norm: list[str], args: list[Arg],
                   state: ArticleState) -> None:
        """Participants no mention names: "الرئيسان"/"بين البلدين" (the pair named before), a count of a crowd,
        "الوزارة" (the ministry named before), generic agents ("الجيش السوداني", "المتظاهرين")."""
        covered = {k for a in args for k in range(a.t0, a.t1)}
        k = 0
        while k < len(norm):
            if k in covered:
                k += 1
                continue
            w = norm[k]
            bare = w[1:] if w[:1] in _CONJ and len(w) > 4 else w
            nxt = norm[k + 1] if k + 1 < len(norm) else ""
            if bare in _COUNTRY_PAIRS and k > 0 and norm[k - 1] == _BETWEEN and self._pair(toks[k][0], state):
                # "بين البلدين": the two leaders already named, for their states (only after بين: "تجمع البلدين",
                # "وزيرا دفاع البلدين" are not parties)
                args.append(Arg(toks[k][0], toks[k][1], k, k + 1, [], "PLURAL", plural=True, kind="countries"))
                k += 1
                continue
            if (bare in _PLURALS or w in _PLURALS) and nxt not in _NOT_PAIR:
                args.append(Arg(toks[k][0], toks[k][1], k, k + 1, [], "PLURAL", plural=True, kind=bare))
                k += 1
                continue
            grp = next((x for x in args if x.t0 == k + 1 and x.label == "AGENT"), None) if bare in _QUANTITIES else None
            if grp is not None:
                # "آلاف اليمنيين", "عشرات الفلسطينيين": the crowd is the people counted, not the number
                args[args.index(grp)] = replace(grp, start=toks[k][0], t0=k)
                k += 1
                continue
            if bare in _OFFICE_BACKREF and state.last_office is not None:
                # "ودعت الوزارة": the ministry named before (pro-form of a state body)
                args.append(Arg(toks[k][0], toks[k][1], k, k + 1, [state.last_office], "GPE"))
                k += 1
                continue
            n, kind = self.lex.agent_at(norm, k, by=False)
            k = self._agent_arg(text, toks, norm, args, covered, k, n, kind) if n else k + 1

    def _agent_arg(self, text: str, toks: list[tuple[int, int, str]], norm: list[str], args: list[Arg],
                   covered: set[int], k: int, n: int, kind: str | None) -> int:
        """A generic agent at token k (n words), extended over its definite modifiers ("الجيش السوداني", "قوات
        الدعم السريع", "المتظاهرين الفلسطينيين"); a nationality among them gives its country. Returns the next
        token index."""
        country = None
        j = k + n
        while (j < len(norm) and j - (k + n) < 3 and norm[j].startswith(_ART) and norm[j] not in _NOT_MODIFIER
               and (not self.lex.match_at(norm, j)[0] or self.lex.agent_at(norm, j)[0])):
            norp = next((x for x in args if x.label == "NORP_OBJ" and x.t0 == j), None)
            if j in covered and norp is None:
                break
            if norp is not None:
                country = norp.entities[0].country if norp.entities else None
                args.remove(norp)
                j = norp.t1
                continue
            j += 1
        a, b = toks[k][0], toks[j - 1][1]
        if norm[k].startswith(_ARTICLE_CLITIC_FORMS) and len(norm[k]) > 4:
            a += 1  # "بالمجتمع الدولي": the clitic is not part of the name
        words = text[a:b]
        ent = Entity(text=words, name=normalize(words), name_ar=words, kind="group", country=country)
        args.append(Arg(a, b, k, j, [ent], "AGENT", kind=kind))
        return j

    # ----------------------------------------------------------------------------- one trigger
    def _candidate(self, article: Article, text: str, toks: list[tuple[int, int, str]], norm: list[str],
                   args: list[Arg], h: Hit, s: int, e: int, si: int, in_title: bool,
                   state: ArticleState) -> Candidate | None:
        """One hit → a candidate event, phase by phase (each reads and fills the hit's context)."""
        c = HitContext(article, text, toks, norm, args, h, s, e, si, in_title, state, self._has_trigger)
        if self._vetoed(c):
            return None
        self._clause_window(c)
        self._clause_parties(c)
        self._subject(c)
        self._subject_quoted(c)
        self._object(c)
        self._slot_rewrites(c)
        self._slot_entities(c)
        self._roles(c)
        self._place_and_visit(c)
        self._aid_recipients(c)
        self._consult_prodrop(c)
        self._final_roles(c)
        t = h.trigger
        c.n_parts = len({entity_key(x) for x in c.actors + c.recipients})
        if c.n_parts == 0:
            return None
        # grammatical subject/object of this trigger, for a pronoun in the next one ("استقبل X Y ... ورحب به")
        host_first = t.roles == "host"
        state.last_coded = ((s, e), (c.recipients if host_first else c.actors,
                                     c.actors if host_first else c.recipients))
        if t.type in DYADIC and c.n_parts < 2:
            return None
        return self._finish(c)

    def _vetoed(self, c: HitContext) -> bool:
        """Hits that tell no new event: a meeting already told, an event pointed back at, an alleged act, a reason."""
        h, t, norm = c.h, c.t, c.norm
        if t.type == "CONSULT" and h.kind == "noun" and h.i > 0 and norm[h.i].startswith(_DEFINITE) and \
                norm[h.i - 1] in _TOLD_MEETING_PREPS:
            return True  # "أكد خلال الاتصال أن ...", "في ختام المباحثات": the meeting already told, not a new one
        if h.kind in ("noun", "form") and h.i > 0 and (norm[h.i - 1] in _DEMONSTRATIVES or (
                h.i > 1 and norm[h.i - 2] in _DEMONSTRATIVES and norm[h.i - 1] in _ORDINALS)):
            return True  # "هذه القمة"/"تلك الزيارة" points back at an event already coded
        if t.type != "ACCUSE" and self._alleged(norm, h.i):
            return True
        if h.kind in ("noun", "form") and norm[h.i].startswith((_ART, _BI + _ART)) and find_phrase(
                norm, self.lex.status_cues.get("reason_before", []), max(0, h.i - 2), h.i, prefix=False) is not None:
            return True  # "استدعت X السفير احتجاجا على القصف": the shelling is the reason, not an event told here
        return False

    def _clause_window(self, c: HitContext) -> None:
        """The trigger's clause: back to a stop mark or a contrast, ahead to a stop mark or the next clause."""
        h, norm, verb_starts = c.h, c.norm, c.state.verb_starts
        lo = h.i
        while lo > 0 and h.i - lo < 16 and norm[lo - 1] not in _STOP and norm[lo - 1] not in _THEN | _CONTRAST \
                and not (
                norm[lo - 1] in ("-", "—", "–") and lo > 1 and norm[lo - 2] in ("-", ")", "—", "–")):
            lo -= 1  # "(كونا) -- استقبل": a dateline is not the subject
        hi = h.i + h.n
        paren0 = self._parentheticals(norm, hi, min(len(norm), hi + 60))  # adverbials do not use up the window
        while hi < len(norm) and hi - h.i - sum(1 for k in paren0 if k < hi) < 28 and norm[hi] not in _STOP:
            if hi in verb_starts and hi > h.i + h.n and (norm[hi][:1] == _AND or norm[hi - 1] in _CLAUSE_BREAKS):
                break  # "أدانت X الهجوم، وطالبت Y": the next coordinated verb opens a new clause
            if hi > h.i + h.n and norm[hi - 1] in _COMMAS and norm[hi].lstrip(_AND) in _HAL_PARTICIPLES | _HAL_LIGHT:
                break  # "…، داعيا Y إلى": so does a circumstantial participle
            hi += 1
        c.lo, c.hi = lo, hi

    def _clause_parties(self, c: HitContext) -> None:
        """The participants and places of the window, split around the trigger, and the prepositions that matter."""
        h, t, norm, args, lo, hi = c.h, c.t, c.norm, c.args, c.lo, c.hi
        parts = [a for a in args if not a.is_place and a.label != "NORP_OBJ"]
        if t.type in ("CONSULT", "AGREE", "SUPPORT") and any(a.label == "PERS" for a in parts):
            # in diplomacy, named people are the parties; a crowd word inside an office title
            # ("وزيرة الخارجية والبوركينابيين في الخارج") is not
            parts = [a for a in parts if a.label != "AGENT" or a.plural]
        k_margin = next((k for k in range(h.i + h.n, len(norm)) if norm[k] == _MARGIN), None)
        if t.type in ("CONSULT", "AGREE") and k_margin is not None:
            # "على هامش اجتماعات مجلس وزراء الخارجية العرب": the body on whose sidelines they met is the frame
            framed = [a for a in parts if a.t0 > k_margin and a.entities and a.entities[0].kind == "organization"]
            if len(parts) - len(framed) >= 2:
                parts = [a for a in parts if a not in framed]
        c.parts, c.k_margin = parts, k_margin
        c.places = [a for a in args if a.is_place]
        before = [a for a in parts if a.t1 <= h.i and a.t0 >= lo]
        after = [a for a in parts if a.t0 >= h.i + h.n and a.t1 <= hi]
        c.verbal = h.kind in ("past", "present") or (h.kind == "form" and t.roles != "symmetric" and h.n == 1
                                                     and not norm[h.i].startswith(_ART))
        c.reverse = any(norm[k] in self.lex.reverse or norm[k][1:] in self.lex.reverse
                        for k in range(max(lo, h.i - 16), h.i))  # "تلقى الرئيس X، أمس، اتصالا من Y"
        topic = set(_TOPIC_PREPS)
        c.partner_preps = {_WITH, _BI} if c.verbal else {_WITH, _BETWEEN, _BI}
        to_preps = set(self.recipient_preps.get(t.type, ()))
        if t.id.startswith("agree.invite") or t.id.startswith("support.congratulate"):
            to_preps = to_preps | {_ILA, _LI}
        c.to_preps = to_preps | t.recipient_preps
        c.topic = topic = topic - c.to_preps
        if t.type in ("CONSULT", "AGREE", "SUPPORT", "AID"):
            # a state's armed forces deliver aid ("نفذت القوات المسلحة الأردنية إنزالا جويا لمساعدات")
            before = [a for a in before if a.kind != "security" or (
                t.type == "AID" and a.entities and a.entities[0].country is not None)]
            # forces do not act in diplomacy (nor, unnamed by state, in aid), but a state's army receives aid
            # ("منحة لدعم الجيش اللبناني")
            # ("الجيش اللبناني"/"الجيش السوري" with its modifier; a bare "طائرات" after بمشاركة is no recipient)
            after = [a for a in after if a.kind != "security" or (
                t.type == "AID" and (a.t1 - a.t0 >= 2 or bool(a.entities and a.entities[0].country)))]
        c.before, c.after = before, after
        prep = c.prep
        c.rest = [a for a in after if prep(a) not in topic or (c.reverse and prep(a) == _FROM) or c.delegation(a)]
        c.before_ok = [a for a in before if prep(a) not in topic and prep(a) != _WITH]
        c.hal = norm[h.i].lstrip(_AND) in _HAL_PARTICIPLES and h.i > 0 and (
            norm[h.i - 1] in _COMMAS or norm[h.i][:1] == _AND)
        c.hal_honor = c.hal and c.state.last_actor is not None and any(
            norm[k] in _HONORIFIC_PRONOUNS for k in range(h.i))

    def _subject(self, c: HitContext) -> None:
        """The subject: a participle's main clause, a relative's antecedent, the verb's subject, a noun's agent."""
        h, norm, prep = c.h, c.norm, c.prep
        main = [a for a in c.parts if a.t1 <= h.i and prep(a) not in c.topic and prep(a) != _WITH] if c.hal else []
        if c.hal_honor:
            pass  # "وأكد جلالته …، داعيا": the one the honorific names (set below)
        elif c.hal and main:
            # "أدان X الهجوم، داعيا المجتمع الدولي إلى …": the participle's subject is the main clause's
            c.subjects = [main[0]]
        elif c.verbal and h.i > 0 and norm[h.i - 1] in _RELATIVE and c.before_ok and c.gap(
                c.before_ok[-1].t1, h.i - 1) <= 2:
            c.subjects = [c.before_ok[-1]]  # "رينزي الذي يزور مصر": the antecedent is the subject
        elif c.verbal:
            self._verb_subject(c)
        else:
            self._noun_subject(c)

    def _verb_subject(self, c: HitContext) -> None:
        """SVO (the bare participant just before the verb, with those coordinated) or VSO (the first after it)."""
        h, before, rest, prep = c.h, c.before, c.rest, c.prep
        subjects: list[Arg] = []
        if c.before_ok and c.before_ok[-1] is before[-1] and c.gap(before[-1].t1, h.i) <= 3:
            subjects = [before[-1]]
            k = len(before) - 2
            while k >= 0 and c.coordinated(before[k], subjects[0]):
                subjects.insert(0, before[k])
                k -= 1
        elif rest and c.gap(h.i + h.n, rest[0].t0) <= 6 and prep(rest[0]) not in _PREPS:
            subjects = [rest.pop(0)]
            while rest and c.coordinated(subjects[-1], rest[0]) and (c.t.roles == "symmetric" or self._dual(
                    c.norm[h.i], h.kind)):
                subjects.append(rest.pop(0))
        c.subjects = subjects

    def _noun_subject(self, c: HitContext) -> None:
        """A verbal noun's agent: the subject of its support verb, its genitive, or the participant before it."""
        h, t, norm, lo, before, before_ok, rest, prep = c.h, c.t, c.norm, c.lo, c.before, c.before_ok, c.rest, c.prep
        first_after = rest[0] if rest else None
        genitive = (first_after is not None and c.gap(h.i + h.n, first_after.t0) <= 3
                    and prep(first_after) not in _PREPS
                    and not any(norm[k] in _PREPS or norm[k] in (_BETWEEN, _WITH, _ALA) or norm[k][:1] in _PREP_CLITICS and
                                norm[k][1:3] == _ART for k in range(h.i + h.n, first_after.t0)))
        lv = self._light_verb_index(norm, lo, h.i, frozenset(k for a in before for k in range(a.t0, a.t1)))
        # "أجرى X، في وقت سابق من اليوم، محادثات": an adverbial between commas does not break the link
        paren_b = self._parentheticals(norm, lo, h.i)
        if lv is not None and any(norm[k] in _BREAK_PREPS and k not in paren_b for k in range(lv + 1, h.i)) and not (
                any(st.startswith(_PARTICIPATION_STEMS) for st in _stems(norm[lv])) and
                all(norm[k] not in _BREAK_PREPS - {_FI} for k in range(lv + 1, h.i))):
            lv = None  # "فرضت السلطات حظر التجول ... بعد احتجاجات": the verb governs another noun
            # (but "ترأسا الوفدين في اجتماعات": taking part in a meeting)
        between = [a for a in before if lv is not None and a.t0 > lv]
        hal_lv = lv is not None and lv > 0 and norm[lv].lstrip(_AND) in _HAL_LIGHT and norm[lv - 1] in _COMMAS
        possessed = h.kind == "noun" and self._possessive(norm[h.i + h.n - 1], t)
        main_lv = [a for a in before if lv is not None and a.t1 <= lv and prep(a) not in c.topic
                   and prep(a) != _WITH] if hal_lv else []
        if main_lv:
            # "أكد X …، موجها الشكر لـY": the participle's subject is the main clause's
            c.subjects = [main_lv[0]]
        elif between and prep(between[0]) not in _PREPS and prep(between[0]) != _LI:
            # VSO with a support verb: "أعرب الأسد لبوتين عن امتنانه" — the first bare noun after the verb
            c.subjects = [between[0]]
            k = before.index(between[0]) + 1
            while k < len(before) and before[k].t1 <= h.i and c.coordinated(c.subjects[-1], before[k]):
                c.subjects.append(before[k])
                k += 1
            c.objects = [a for a in between if a not in c.subjects and prep(a) in (_LI, _WITH, _BI)][:1]
        elif genitive and first_after is not None and not possessed and not (h.kind == "form" and h.n > 1) and not (
                t.mode == "visit" and first_after.entities and first_after.entities[0].kind == "country"):
            # "زيارة الرئيس" names the visitor ("زيارة الجزائر" the destination, handled below); a phrase ending
            # in its governing noun ("يقف إلى جانب X") takes X as its object below
            c.subjects = [rest.pop(0)]
        elif before_ok and ((c.gap(before_ok[-1].t1, h.i) <= 1 and not norm[h.i].startswith(_DEFINITE) and not any(
                norm[k] in _PREPS or norm[k] in _THAT_WORDS for k in range(before_ok[-1].t1, h.i))) or (
                c.gap(before_ok[-1].t1, h.i) - len(paren_b) <= 12
                and self._light_verb(norm, max(lo, before_ok[-1].t0 - 2), h.i)
                and not any(norm[k] in _BREAK_PREPS and k not in paren_b for k in range(before_ok[-1].t1, h.i)))):
            c.subjects = [before_ok[-1]]
            k = before.index(before_ok[-1]) - 1
            while k >= 0 and c.coordinated(before[k], c.subjects[0]):
                c.subjects.insert(0, before[k])
                k -= 1

    def _subject_quoted(self, c: HitContext) -> None:
        """"وذكر الرئيس الروسي: اتفقت مع ..." — a first-person verb in a quote: the speaker is the subject."""
        h, norm, lo = c.h, c.norm, c.lo
        if not c.subjects and c.verbal and lo > 0 and norm[lo - 1] in (":",) or (
                not c.subjects and c.verbal and any(norm[k] in ('"', "«", "“") for k in range(max(0, lo - 1), h.i))):
            speaker = [a for a in c.parts if a.t1 <= lo and a.entities and a.entities[0].kind == "person"]
            if speaker and self._first_person(norm[h.i]):
                c.subjects = [speaker[-1]]

    def _object(self, c: HitContext) -> None:
        """The object: the first participant after the subject that is bare or governed by a partner or recipient
        preposition, with those coordinated with it; else "مع X" anywhere in the clause."""
        h, t, norm, hi, rest, prep, subjects, objects = c.h, c.t, c.norm, c.hi, c.rest, c.prep, c.subjects, c.objects
        c.anchor = anchor = max([h.i + h.n] + [a.t1 for a in subjects if a.t0 > h.i])
        preset = bool(objects)
        # an adverbial set off by commas after the verb ("التقى X، على هامش القمة العربية في بغداد، Y") neither
        # holds the object nor keeps it away
        paren = self._parentheticals(norm, anchor, hi)
        # "حث X خلال استقباله وفدا من الكونغرس الإدارة الأمريكية على ...": the guest of a reception told on the
        # way is not the object when another party follows it
        if anchor + 1 < hi and norm[anchor] in _DURING and norm[anchor + 1] in _RECEPTIONS:
            guests = [a for a in rest if a.t0 > anchor + 1 and a not in subjects]
            if len(guests) >= 2 and guests[0].t0 - anchor <= 4 and prep(guests[1]) not in _PREPS:
                paren |= set(range(anchor, guests[0].t1))

        def gap_out(a: int, b: int) -> int:
            return c.gap(a, b) - sum(1 for k in range(a, b) if k in paren)

        for a in rest:
            if a in subjects or preset:
                continue
            if a.t0 in paren and prep(a) != _WITH:
                continue
            if not objects:
                direct = prep(a) not in _PREPS or prep(a) in c.partner_preps or prep(a) == _LI or prep(a) in \
                    c.to_preps or c.delegation(a)
                if gap_out(anchor, a.t0) <= 10 and direct and (
                        t.roles != "symmetric" or prep(a) in c.partner_preps or gap_out(anchor, a.t0) <= 3
                        or (c.verbal and subjects)):
                    objects.append(a)
                elif c.governed_by_with(a) and c.gap(anchor, a.t0) <= 20:
                    objects.append(a)
                elif gap_out(anchor, a.t0) > 10:
                    break
            elif c.coordinated(objects[-1], a):
                objects.append(a)
            else:
                break
        # "مع X" anywhere in the clause names the partner, even before a nominal trigger ("سيجري مع X مباحثات");
        # not for a participle, whose main clause had its own partner
        if not objects and not c.hal:
            for a in [x for x in c.before if x not in subjects] + rest:
                if prep(a) == _WITH or (prep(a) == _BETWEEN and not c.verbal):
                    objects.append(a)
                    break

    def _slot_rewrites(self, c: HitContext) -> None:
        """Readings that move participants between subject and object: a wish to meet, a fronted phrase, a joint
        appearance, an attack claimed, a nationality adjective, the sidelines, companions."""
        h, t, norm, lo, prep = c.h, c.t, c.norm, c.lo, c.prep
        if t.type == "CONSULT" and h.kind == "noun" and c.subjects and c.subjects[0].t0 > h.i and c.before_ok and \
                c.gap(c.before_ok[-1].t1, h.i) <= 4 and find_phrase(
                    norm, self.lex.status_cues.get("future_before", []), c.before_ok[-1].t1, h.i,
                    prefix=False) is not None:
            # "X يتطلع إلى لقاء الرئيس Y": X wishes to meet the genitive Y
            c.objects, c.subjects = c.subjects + c.objects, [c.before_ok[-1]]
        if not c.subjects and c.objects and h.kind in ("noun", "form") and 0 < h.i - lo <= 1 and \
                norm[h.i - 1] in _FRONTING_PREPS:
            # "وفي اتصال هاتفي مع X، اليوم، استعرض Y ...": a fronted phrase; the subject follows the verb after it
            later = [a for a in c.parts if a.t0 >= c.objects[-1].t1 and a not in c.objects and prep(a) not in _PREPS
                     and a.entities and a.entities[0].kind in ("person", "country", "organization")]
            if later:
                c.subjects = [later[0]]
        # "قال X ... في مؤتمر صحفي مشترك مع Y": with a partner and no subject, the sentence's earlier person is the
        # other party
        if c.objects and not c.subjects and t.roles in ("symmetric", "agent") and any(
                prep(a) == _WITH for a in c.objects):
            earlier = [a for a in c.parts if a.t1 <= h.i and a not in c.objects and prep(a) not in c.topic
                       and a.entities and a.entities[0].kind in ("person", "country", "organization")]
            if earlier:
                c.subjects = [earlier[-1]]
        # a nationality adjective right after a trigger's object noun names a country ("يبارك العدوان التركي")
        if not c.objects and t.roles == "agent" and c.subjects:
            for a in c.args:
                if a.label == "NORP_OBJ" and c.anchor <= a.t0 <= c.anchor + 3:
                    c.objects.append(a)
                    break
        self._sidelines_and_companions(c)

    def _sidelines_and_companions(self, c: HitContext) -> None:
        h, t, norm, lo, parts = c.h, c.t, c.norm, c.lo, c.parts
        if t.type == "CONSULT" and h.kind in ("noun", "form") and any(norm[k] == _MARGIN for k in range(max(lo, h.i - 3), h.i)):
            # "التقى X Y على هامش اجتماعات المجلس": the meeting's body plus the parties who met on its sidelines
            c.objects = c.objects + [a for a in parts if a.t1 <= h.i and a not in c.subjects and a not in c.objects
                                     and a.entities and a.entities[0].kind == "person"]
        if t.type == "CONSULT" and c.subjects:
            # "زار X كييف برفقة Y وZ": the companions travel with the visitor
            companions = [a for a in parts if a not in c.subjects and a not in c.objects and a.t0 > h.i and a.t0 < c.hi
                          and any(norm[k] in _COMPANION_WORDS for k in range(max(h.i, a.t0 - 3), a.t0))]
            for comp in companions:
                k = parts.index(comp) + 1
                c.subjects = c.subjects + [comp]
                while k < len(parts) and c.coordinated(parts[k - 1], parts[k]):
                    c.subjects.append(parts[k])
                    k += 1
        if _family(t.type) == "MEET":
            # "المباحثات بين البلدين" restates the leaders' meeting already coded: not a meeting of the states
            c.subjects = [a for a in c.subjects if a.kind != "countries"]
            c.objects = [a for a in c.objects if a.kind != "countries"]

    def _slot_entities(self, c: HitContext) -> None:
        """Subject and object as entities; a subject the clause drops is the one the discourse carries on."""
        h, t, norm, lo, state, parts = c.h, c.t, c.norm, c.lo, c.state, c.parts
        subj_e = self._expand(c.subjects, h.start, state)
        obj_e = self._expand(c.objects, h.start, state)
        if c.hal_honor and state.last_actor is not None:
            subj_e = [state.last_actor]
        lvc = self._light_verb_index(norm, lo, h.i) if h.kind in ("noun", "form") else None
        if lvc is not None and lvc > 0 and norm[lvc][:1] == _AND and norm[lvc - 1] in _COMMAS and not any(
                lvc < a.t0 < h.i for a in parts) and (coded := state.coded_in(c.s, c.e)) is not None and coded[0]:
            # "أكد X دعم بلاده لـY، وأعلن عن حزمة مساعدات": the coordinated support verb keeps X as its subject
            subj_e = list(coded[0])
            obj_e = [x for x in obj_e if entity_key(x) not in {entity_key(y) for y in subj_e}]
        if not subj_e and not c.in_title and state.last_actor is not None and t.type in DYADIC:
            # Arabic drops a subject already known: "ووصل X إلى بيروت. وأجرى مباحثات مع Y" (a sentence opening with
            # و + a verb carries the last actor on), and "تلقى سموه اتصالا" names him by an honorific pronoun
            first = norm[lo] if lo < len(norm) else ""
            lv0 = h.kind in ("noun", "form") and self._light_verb(norm, lo, lo + 1)
            dropped = lo == 0 and first[:1] == _AND and (h.i == 0 and h.kind == "past" or lv0) and \
                state.last_actor_sentence == c.si - 1 and not any(a.t0 < h.i for a in parts)
            honor = any(norm[k] in _HONORIFIC_PRONOUNS for k in range(lo, min(len(norm), h.i + h.n + 2)))
            if dropped or honor:
                subj_e = [state.last_actor]
                obj_e = [x for x in obj_e if entity_key(x) != entity_key(state.last_actor)]
        pron = h.i + h.n < len(norm) and norm[h.i + h.n] in _OBJECT_PRONOUN_WORDS
        if pron and not obj_e and (coded := state.coded_in(c.s, c.e)) is not None:
            prev_subj, prev_obj = coded
            subj_e = prev_subj or subj_e  # "ورحب به": the same subject, the pronoun is the other party
            obj_e = [x for x in prev_obj if entity_key(x) not in {entity_key(y) for y in subj_e}] or prev_obj
        c.subj_e, c.obj_e = subj_e, obj_e

    def _roles(self, c: HitContext) -> None:
        """Subject and object → actors and recipients by the trigger's roles (host, symmetric, a dual verb)."""
        h, t, norm, lo, hi, subj_e, obj_e = c.h, c.t, c.norm, c.lo, c.hi, c.subj_e, c.obj_e
        sym_between = any(norm[k] == _BETWEEN for k in range(h.i + h.n, min(hi, h.i + h.n + 4)))
        dual = self._dual(norm[h.i], h.kind) or (h.kind in ("noun", "form") and (
            norm[h.i + h.n - 1].endswith(_DUAL_PRONOUN) or any(norm[k] in _DUAL_GATHERING
                                                          for k in range(h.i + h.n, min(hi, h.i + h.n + 3))) or any(
                self._dual_light(norm[k]) for k in range(max(lo, h.i - 3), min(hi, h.i + h.n + 3)) if k != h.i)))
        dual = dual and not c.hal  # a participle agrees with its main clause, whose subject is already known
        directional = True
        if c.reverse and t.type == "CONSULT":
            src = [a for a in c.after if a.t0 > 0 and norm[a.t0 - 1] == _FROM or normalize(a.text).startswith(_FROM)]
            actors = self._expand(src[:1], h.start, c.state) or obj_e
            recipients = subj_e
        elif t.roles == "host":
            actors, recipients = obj_e, subj_e
        elif t.roles == "symmetric" or sym_between or (len(subj_e) >= 2 and not obj_e):
            actors, recipients = _uniq(subj_e + obj_e), []
            directional = False
        else:
            actors, recipients = subj_e, obj_e
        if dual and len(_uniq(actors + recipients)) < 2:
            pair = self._pair(h.start, c.state)
            if pair:
                actors, recipients, directional = _uniq(actors + pair), [], False
        c.actors = _uniq(actors)
        c.recipients = [r for r in _uniq(recipients) if entity_key(r) not in {entity_key(a) for a in c.actors}]
        c.directional = directional

    def _place_and_visit(self, c: HitContext) -> None:
        """The location, and a visit's host: the country visited and its leader the sentence names."""
        h, t, norm, lo, hi, places, actors, recipients = c.h, c.t, c.norm, c.lo, c.hi, c.places, c.actors, c.recipients
        location: Location | None = None
        dest = [p for p in places if p.t0 >= h.i and p.t0 <= hi]
        near_places = dest or [p for p in places if p.t0 >= lo and p.t1 <= hi]
        if t.mode == "visit" and t.roles == "agent":
            # "زار X مصر" names the host country as a direct object: a place, not a participant
            for r in list(recipients):
                if r.kind == "country" and r.country:
                    recipients.remove(r)
                    location = location or Location(r.text, r.name, r.name_ar, r.country)
        if near_places and location is None:
            p = near_places[0]
            location = p.place or self.res.location(c.text[p.start:p.end])
            c.loc_ok = not self._topical(norm, p.t0)
        if t.mode == "visit" and t.roles == "agent" and location is not None and location.country:
            host_iso = location.country
            if not any((x.country == host_iso) for x in recipients) and not any(
                    x.country == host_iso for x in actors):
                recipients.append(self.res.country_entity(host_iso, location.text))
                leader = self._host_leader(host_iso, h.start, c.state, c.s, c.e)
                if leader is not None and entity_key(leader) not in {entity_key(a) for a in actors}:
                    recipients.insert(0, leader)
        c.location = location

    def _aid_recipients(self, c: HitContext) -> None:
        """Aid's receiver: the state it goes to, the country of the people it helps, a destination region."""
        if c.t.type != "AID":
            return
        h, norm, places, hi = c.h, c.norm, c.places, c.hi
        dest_c = [p for p in places if p.t0 > h.i and p.t0 <= hi and p.entities and p.entities[0].kind == "country"
                  and p.t0 > 0 and norm[p.t0 - 1] in _DESTINATION_PREPS]
        if dest_c:
            c.recipients = dest_c[0].entities  # "مساعدات إلى اليمن": the receiving state
        elif c.recipients and all(x.kind == "group" and not x.country for x in c.recipients):
            # "مساعدات لسكان غزة", "للنازحين في السودان": the people of a place stand for its country
            own = {x.country for x in c.actors if x.country}
            grp = [a for a in c.after if a.entities and a.entities[0] is c.recipients[0]]
            for p in places:
                loc = p.place or self.res.location(c.text[p.start:p.end])
                if grp and grp[0].t1 <= p.t0 <= grp[0].t1 + 1 and loc is not None and loc.country and \
                        loc.country not in own:
                    c.recipients = [self.res.country_entity(loc.country, loc.text)]
                    break
        elif not c.recipients:
            # "قافلة إلى قطاع غزة": a destination region stands for its country
            own = {x.country for x in c.actors if x.country}
            for p in places:
                loc = p.place or self.res.location(c.text[p.start:p.end])
                if h.i < p.t0 <= hi and p.t0 > 0 and norm[p.t0 - 1] in _DESTINATION_PREPS and loc is not None \
                        and loc.country and loc.country not in own:
                    c.recipients = [self.res.country_entity(loc.country, loc.text)]
                    break
            else:
                # "إنزالا جويا لمساعدات على شمال قطاع غزة": a place the entities stage left unnamed
                loc = self._destination(c.text, c.toks, norm, h.i + h.n, hi)
                if loc is not None and loc.country and loc.country not in own:
                    c.recipients = [self.res.country_entity(loc.country, loc.text)]

    def _consult_prodrop(self, c: HitContext) -> None:
        """A meeting's dropped subject is the person already acting."""
        h, t, norm, actors = c.h, c.t, c.norm, c.actors
        resumptive = c.verbal and h.i + h.n < len(norm) and norm[h.i + h.n] in _RESUMPTIVE
        if t.type == "CONSULT" and c.verbal and not c.in_title and (
                (len({entity_key(x) for x in actors + c.recipients}) == 1 and (not c.subjects or c.subjects[0].t0 > h.i))
                or resumptive):  # "في زيارة يلتقي خلالها الرئيس": the visitor is the subject
            # pro-drop ("ثم انتقل X إلى ... حيث التقى Y"): the subject is the person already acting
            known = {entity_key(x) for x in actors + c.recipients}
            earlier = [a for a in c.parts if a.t1 <= h.i and a.entities and a.entities[0].kind == "person"
                       and entity_key(a.entities[0]) not in known and c.prep(a) not in c.topic]
            agent = earlier[-1].entities[0] if earlier else None
            if agent is not None:
                if t.roles == "symmetric":
                    c.actors = [agent] + actors
                elif t.roles == "host":
                    c.recipients = [agent] + c.recipients
                else:
                    c.actors, c.recipients = [agent], _uniq(actors + c.recipients)

    def _final_roles(self, c: HitContext) -> None:
        """Aid directed by a leader is his; a state is no recipient of its own act."""
        t = c.t
        if t.type == "AID" and not c.actors:
            # "وجّه خادم الحرمين الشريفين مركز الملك سلمان للإغاثة بتقديم مساعدات للسودان": the leader who directs
            # an agency to give aid is the giver
            giver = self._director(c.args, c.norm, c.h.i)
            if giver:
                c.actors = giver
                keys = {entity_key(x) for x in giver}
                c.recipients = [x for x in c.recipients if entity_key(x) not in keys]
        if t.type in DYADIC and c.actors:
            own = {x.country for x in c.actors if x.country}
            c.recipients = [x for x in c.recipients if not (x.kind == "country" and x.country in own)]

    def _consult_mode(self, c: HitContext) -> str | None:
        """A meeting's mode: by phone, multilateral, a visit (one party in the other's country), third-party."""
        h, t, norm, lo, hi, location = c.h, c.t, c.norm, c.lo, c.hi, c.location
        mode = t.mode
        window = range(max(lo, h.i - 6), min(hi, h.i + h.n + 6))
        if mode is None and any(norm[k] in self.lex.phone for k in window):
            mode = "phone"
        if mode is None:
            # a delegation's head ("وفدا من الصندوق برئاسة X") is no third side
            heads = {entity_key(x) for a in c.parts if a.t0 > 0 and norm[a.t0 - 1] in _DELEGATION_LEADS for x in a.entities}
            if (self._multilateral_cue(norm, h.i, h.i + h.n + 4)
                    or len([x for x in c.actors if entity_key(x) not in heads]) >= 3):
                mode = "multilateral"
        if mode is None and location is not None and location.country and not c.directional:
            local = [x for x in c.actors if x.country == location.country]
            foreign = [x for x in c.actors if x.country and x.country != location.country]
            if local and foreign:
                # a bilateral meeting in one party's country, on the sidelines of a summit or not: a visit
                mode = "visit"
                c.actors, c.recipients, c.directional = foreign, local, True
            elif foreign and len(foreign) >= 2 and not local:
                mode = "third-party"
        if mode is None and c.n_parts == 2 and (find_phrase(norm, self.lex.third_party, lo, hi) is not None
                                                or c.k_margin is not None):
            mode = "third-party"  # "هامش" anywhere after the meeting in its sentence
        if mode == "visit" and len(c.actors) >= 3 and not c.recipients:
            mode, c.directional = "multilateral", False  # "استضافت عمان اجتماعا لوزراء خارجية A وB وC"
        return mode

    def _finish(self, c: HitContext) -> Candidate:
        """Mode, status, type, contexts and date → the candidate."""
        h, t, norm, lo, hi, text, toks = c.h, c.t, c.norm, c.lo, c.hi, c.text, c.toks
        mode = self._consult_mode(c) if t.type == "CONSULT" else t.mode
        if mode == "phone" and not any(p.t0 >= lo and p.t1 <= hi and self._presence(norm, p.t0) for p in c.places):
            c.loc_ok = False  # a call has no place of its own unless a party's whereabouts are told
        covered = {k for a in c.args for k in range(a.t0, a.t1)}
        status = self._status(c.article, text, toks, norm, h, lo, hi, c.in_title, covered)
        phone = mode == "phone"
        typ = t.type
        if status == "future" and typ in SCORED_FAMILY:
            typ, mode = "AGREE", None
        contexts = list(t.contexts)
        for ctx, phrases in self.lex.contexts.items():
            if ctx not in contexts and find_phrase(norm, phrases, lo, hi) is not None:
                contexts.append(ctx)
        if typ == "AGREE" and "diplomatic" not in contexts:
            contexts.insert(0, "diplomatic")
        lv_i = self._light_verb_index(norm, lo, h.i) if h.kind in ("noun", "form") else None
        anchor_pos = toks[lv_i][0] if lv_i is not None else h.start  # "أرسلت X، اليوم، طائرة مساعدات"
        timex = None if c.in_title else self._date(c.article, c.s, c.e, h, anchor_pos)
        ev = Evidence(text[c.s:c.e], c.s if not c.in_title else 0, c.e if not c.in_title else 0)
        # the meeting on whose sidelines others met ("على هامش اجتماعات المجلس") is its own event
        frame = any(norm[k] == _MARGIN for k in range(max(lo, h.i - 4), h.i))
        return Candidate(typ, t, c.si, ev, c.actors, c.recipients, mode, status, c.location, timex, contexts,
                         c.in_title, c.directional and bool(c.recipients), h.start, h.end,
                         extra={"phone": phone, "frame": frame, "loc_ok": c.loc_ok})

    # ----------------------------------------------------------------------------- helpers
    def _multilateral_cue(self, norm: list[str], lo: int, hi: int) -> bool:
        """A multilateral cue, but not a word that only starts like one ("دولة فلسطين", "مجلس الوزراء")."""
        k = lo
        while (k := find_phrase(norm, self.lex.multilateral, k, hi)) is not None:
            if find_phrase(norm, self.lex.not_multilateral, max(lo, k - 1), k + 1) is None:
                return True
            k += 1
        return False

    def _destination(self, text: str, toks: list[tuple[int, int, str]], norm: list[str], lo: int,
                     hi: int) -> Location | None:
        """The place after "إلى/على" ("على شمال قطاع غزة"), looked up in the gazetteer word by word."""
        for k in range(lo, min(hi, len(norm)) - 1):
            if norm[k] not in (_ILA, _ALA):
                continue
            j = k + 1
            if j < len(norm) and norm[j] in _REGION_WORDS:
                j += 1
            for n in (2, 1):
                if j + n <= len(toks) and not any(norm[x] in _STOP for x in range(j, j + n)):
                    loc = self.res.location(text[toks[j][0]:toks[j + n - 1][1]])
                    if loc is not None and loc.country:
                        return loc
            return None
        return None

    @staticmethod
    def _director(args: list[Arg], norm: list[str], i: int) -> list[Entity]:
        """The subject of a directive verb before ``i`` ("وجّه X ... بتقديم", "أمر X بإرسال"): a person or state."""
        for k in range(i - 1, max(-1, i - 30), -1):
            if norm[k] in _STOP:
                break
            if norm[k] not in _DIRECTIVES and not (norm[k][:1] in _CONJ and norm[k][1:] in _DIRECTIVES):
                continue
            subj = [a for a in args if not a.is_place and a.entities and a.label in ("PERS", "GPE")
                    and k < a.t0 <= k + 2]
            return subj[0].entities if subj else []
        return []

    @staticmethod
    def _topical(norm: list[str], t0: int) -> bool:
        """A place that is the topic discussed, not where it happened: "بحثا الأوضاع في غزة"."""
        k = t0 - 1
        if k >= 0 and norm[k] in (_FI, _BI):
            k -= 1
        return k >= 0 and norm[k].lstrip(_AND) in _TOPIC_NOUNS

    @staticmethod
    def _presence(norm: list[str], t0: int) -> bool:
        """A place where a party was: "من مقر إقامته في الرياض", "خلال وجوده في باريس", "من باريس"."""
        if t0 > 0 and norm[t0 - 1] == _FROM:
            return True
        # (one clitic at a time: the و of وجوده is a root letter)
        return any(w in _PRESENCE or w[1:] in _PRESENCE or w[2:] in _PRESENCE for w in norm[max(0, t0 - 4):t0])

    @staticmethod
    def _parentheticals(norm: list[str], lo: int, hi: int) -> set[int]:
        """Token indices of comma-delimited adverbials ("، على هامش ...،", "، في بيان ...،", "، اليوم الأحد،")."""
        out: set[int] = set()
        k = lo
        while k < hi:
            if norm[k] in _COMMAS and k + 1 < hi and norm[k + 1] in _ADVERBIAL_OPENERS:
                end = next((j for j in range(k + 1, min(hi, k + 22)) if norm[j] in _COMMAS), None)
                if end is not None:
                    out.update(range(k, end + 1))
                    k = end
                    continue
            k += 1
        return out

    @staticmethod
    def _office_head(norm: list[str], t0: int, taken: frozenset[int] = frozenset()) -> int | None:
        """The head of a state-body phrase ending at a nationality adjective: "وزارة الخارجية [وشؤون المغتربين]".
        Not across another mention (``taken``: its tokens): in "وزارة الخارجية العراقية السفير التركي" the
        ministry is Iraq's."""
        for k in range(t0 - 1, max(-1, t0 - 6), -1):
            if k in taken:
                return None
            w = norm[k]
            if w in _MINISTRY_WORDS:
                return k
            if not (w.startswith((_ART, _AND)) and len(w) > 3):
                return None
        return None

    @staticmethod
    def _victim(e: Entity) -> bool:
        words = normalize(e.text or "").split()
        return e.kind == "group" and bool(words) and any(
            w.removeprefix(_AND).removeprefix(_ART) in _VICTIMS for w in words[:2])

    def _possessive(self, tok: str, t: Trigger) -> bool:
        """"زيارته"/"امتنانه" carry a possessive pronoun (no genitive can follow); "زيارة" (ة read as ه) does not."""
        for stem in _stems(tok):
            for suf in _POSSESSIVE_SUFFIXES:
                if stem.endswith(suf) and len(stem) > len(suf) + 2:
                    base = stem[: -len(suf)]
                    for b in (base, base[:-1] + _TA_MARBUTA if base.endswith(_OPEN_TA) else base):
                        if any(hit.trigger is t for ph, hit in self.lex.index.get(b, ()) if len(ph) == 1):
                            return True
        return False

    def _has_trigger(self, phrase: str) -> bool:
        ws = phrase.split()
        return any(self.lex.match_at(ws, k)[0] for k in range(len(ws)))

    def _light_verb_index(self, norm: list[str], lo: int, i: int, names: frozenset[int] = frozenset()) -> int | None:
        """The nearest support verb before a nominal trigger, within 10 words; the words of participants' names
        (``names``) do not count ("شارك الرئيس المصري عبد الفتاح السيسي والعاهل الأردني ... في القمة")."""
        words = 0
        for k in range(i - 1, max(lo, 0) - 1, -1):
            if k in names:
                continue
            words += 1
            if words > 10:
                break
            if self._light_verb(norm, k, k + 1) or find_phrase(norm, self.lex.light_verbs_future, k, k + 1,
                                                               prefix=False) is not None:
                return k
        return None

    def _light_verb(self, norm: list[str], a: int, b: int) -> bool:
        """A support verb ("عقد/أجرى X مباحثات") links a subject before a nominal trigger to it."""
        return find_phrase(norm, self.lex.light_verbs, a, b, prefix=False) is not None

    @staticmethod
    def _first_person(tok: str) -> bool:
        w = tok[1:] if tok[:1] in _CONJ else tok
        return w.endswith(_FIRST_PERSON_SUFFIXES) or w[:1] in _FIRST_PERSON_PREFIXES and len(w) > 3

    def _dual_light(self, tok: str) -> bool:
        """A dual support verb ("عقدا", "عقداها", "يجريان"): the two parties already named."""
        w = tok[1:] if tok[:1] in _CONJ else tok
        for suf in ("", *_OBJECT_SUFFIXES):
            if suf and not w.endswith(suf):
                continue
            x = w[: len(w) - len(suf)] if suf else w
            if x.endswith(_PRESENT_DUAL) and x[:1] in _PRESENT_PREFIXES and self._light_verb(
                    [x[:-2].replace(_PRESENT_FEM, _PRESENT_MASC, 1)], 0, 1):
                return True
            if x.endswith(_PAST_DUAL_ALEF) and len(x) > 3 and self._light_verb([x[:-1]], 0, 1):
                return True
        return False

    @staticmethod
    def _dual(tok: str, kind: str) -> bool:
        w = tok[1:] if tok[:1] in _CONJ else tok
        if kind == "past":
            return w.endswith(_PAST_DUAL_ENDINGS) or (w.endswith(_PAST_DUAL_ALEF) and len(w) >= 4)
        if kind in ("present", "form"):
            return w.endswith(_PRESENT_DUAL) and w[:1] in _PRESENT_PREFIXES
        return False

    def _expand(self, args: list[Arg], pos: int, state: ArticleState) -> list[Entity]:
        out: list[Entity] = []
        for a in args:
            if a.plural:
                out.extend(self._pair(pos, state, a.kind))
            else:
                out.extend(a.entities)
        return out

    def _pair(self, pos: int, state: ArticleState, word: str | None = None) -> list[Entity]:
        """The two persons most recently named before ``pos``: what "الرئيسان"/"الجانبان" refer to; "الوزيران"
        prefers two ministers when the article has them."""
        w = (word or "").lstrip(_AND)
        if w.startswith(_MINISTER_WORDS):
            def fits(e: Entity) -> bool:
                return (e.role or "").endswith("minister") and e.role != "prime_minister"
        else:  # (no such filter for "الرئيسان": prime ministers are often called الرئيس)
            return self._pair_any(pos, state)
        return self._pair_any(pos, state.persons_fitting(fits)) or self._pair_any(pos, state)

    @staticmethod
    def _pair_any(pos: int, state: ArticleState) -> list[Entity]:
        seen: list[Entity] = []
        keys: set[str] = set()
        if _take_two(reversed(state.event_persons), seen, keys):
            return list(reversed(seen))
        seen, keys = [], set()
        before = (ent for start, ent in reversed(state.persons) if start < pos)
        if not _take_two(before, seen, keys):
            # a title or lead that names them later: take the first two in the article
            _take_two((ent for _, ent in state.persons), seen, keys)
        return list(reversed(seen)) if len(seen) == 2 else []

    @staticmethod
    def _host_leader(iso: str, pos: int, state: ArticleState, lo: int = -1, hi: int = -1) -> Entity | None:
        """The host country's leader when the sentence names one (heads of state first, then nearest)."""
        best: tuple[int, int, Entity] | None = None
        for start, ent in state.persons:
            if ent.country != iso or (lo >= 0 and not lo <= start < hi):
                continue
            rank = 0 if (ent.role or "") in _HEADS else 1
            score = (rank, abs(start - pos))
            if best is None or score < best[:2]:
                best = (score[0], score[1], ent)
        return best[2] if best else None

    @cached_property
    def _motives(self) -> frozenset[str]:
        """One-word reason cues ("احتجاجا", "تنديدا"): an adverbial of motive, not an act of its own."""
        return frozenset(ph[0] for ph in self.lex.status_cues.get("reason_before", []) if len(ph) == 1)

    def _alleged(self, norm: list[str], i: int) -> bool:
        """Token i is the act an accusation charges someone with ("اتهمت موسكو كييف بتنفيذ هجوم"): the accusation
        is the event; the act is only alleged, and no status says so."""
        k = find_phrase(norm, self.lex.status_cues.get("claim_before", []), max(0, i - 10), i, prefix=False)
        if k is None or any(norm[j] in _STOP or norm[j] in _COMMAS for j in range(k + 1, i)):
            return False
        return any(norm[j][:1] == _BI and len(norm[j]) > 3 for j in range(k + 1, i + 1))

    def _status(self, article: Article, text: str, toks: list[tuple[int, int, str]], norm: list[str], h: Hit,
                lo: int, hi: int, in_title: bool, covered: set[int] | None = None) -> str:
        cues = self.lex.status_cues
        t = h.trigger
        if t.status:
            return t.status
        near_lo = max(lo, h.i - 4)
        if find_phrase(norm, cues.get("negated_before", []), max(lo, h.i - 3), h.i, prefix=False) is not None:
            return "negated"
        if find_phrase(norm, cues.get("denied_before", []), max(lo, h.i - 12), h.i, prefix=False) is not None:
            return "negated"  # "نفى ... أن يكون X قد التقى Y"
        if _FUTURE in h.pre and h.kind in ("present", "form"):
            return "future"
        past_gov = False
        if h.kind in ("noun", "form"):
            gov = find_phrase(norm, self.lex.light_verbs_future, max(lo, h.i - 8), h.i, prefix=False)
            if gov is not None:
                return "future"
            lv = self._light_verb_index(norm, lo, h.i)
            # a past support verb ("وعقد X ... جلسة مباحثات") fixes the tense, unless it is a verbal noun after a
            # planning word ("من المقرر عقد", "لعقد", "ستشهد عقد")
            past_gov = (lv is not None and not norm[lv].startswith((_LI, _AND + _LI)) and find_phrase(
                norm, self.lex.light_verbs_past, lv, lv + 1, prefix=False) is not None and find_phrase(
                norm, cues.get("future_before", []), max(lo, lv - 3), lv + 1, prefix=False) is None)
        hyp = find_phrase(norm, cues.get("hypothetical_before", []), max(lo, h.i - 4), h.i, prefix=False)
        if hyp is not None and h.kind == "present" and not (norm[hyp] == _AN and find_phrase(
                norm, cues.get("future_before", []), max(lo, hyp - 3), hyp, prefix=False) is not None):
            return "hypothetical"  # but "من المقرر أن يحل": أن after a planning word is a plan
        fut = None if past_gov else find_phrase(norm, cues.get("future_before", []), max(lo, h.i - 6), h.i,
                                                prefix=False)
        if fut is not None and not any(norm[k] in _CLAUSE_OPENERS for k in range(fut + 1, h.i)):
            return "future"  # unless a relative clause between has its own verb: "سوف يتناول ما أسفرت عنه مباحثات"
        after = [k for k in range(h.i + h.n, hi) if k not in (covered or set())][:4]
        if after and not past_gov and find_phrase(norm, cues.get("future_after", []), after[0], after[-1] + 1, prefix=False) is not None:
            return "future"
        if self.res.clause_cues is not None and not in_title:
            # the dates stage's cues, read only in the words just around the trigger
            try:
                a = toks[max(lo, h.i - 4)][0]
                b = toks[min(len(toks), h.i + h.n + 2) - 1][1]
                cc = self.res.clause_cues(text, a, b) or {}
                st = cc.get("status")
                names_at = [(toks[k][0], toks[k][1]) for k in (covered or set()) if k < len(toks)]
                if st == "future" and all(any(x <= c.get("start", -1) < y for x, y in names_at)
                                          for c in cc.get("cues", []) if c.get("kind") == "future"):
                    st = None  # a name that starts like a future verb ("ستارمر") is no future cue
                if (st == "future" and not past_gov) or (st == "historical" and h.kind in ("past", "form", "noun")):
                    return st
            except Exception:
                pass
        if find_phrase(norm, cues.get("historical_before", []), near_lo, h.i, prefix=False) is not None \
                and h.kind in ("past", "form", "noun"):
            return "historical"
        if h.kind in ("past", "form") and h.i > 0 and norm[h.i - 1] == _QAD and any(
                norm[k] in _KANA for k in range(max(lo, h.i - 9), h.i - 1)):
            return "historical"  # "وكان الرئيس X قد زار": pluperfect, the subject between كان and قد
        if h.kind == "past" and norm[h.i][:1] == _AND:
            qad = [k for k in range(max(lo, h.i - 8), h.i) if norm[k] == _QAD]
            if qad and any(norm[k] in _KANA for k in range(max(lo, qad[0] - 9), qad[0])):
                return "historical"  # "كان X قد زار موسكو والتقى بوتين": the coordinated verb shares the tense
        if h.kind == "present" and in_title:
            if any(w in _TODAY_TOMORROW for w in norm[h.i:]):
                return "future"
        elif h.kind == "present":
            ongoing = (h.i > 0 and norm[h.i - 1] in _RELATIVE) or any(
                norm[k] in _ONGOING for k in range(lo, hi))
            # an imperfective meeting verb with a day word after it ("يستقبل ترامب الجمعة") is scheduled;
            # "الذي يزور روسيا حاليا" is a visit under way
            if not ongoing and self._day_word(article, toks, h.i, hi):
                return "future"
        return "occurred"

    @staticmethod
    def _day_word(article: Article, toks: list[tuple[int, int, str]], lo: int, hi: int) -> bool:
        a, b = toks[lo][0], toks[min(hi, len(toks)) - 1][1]
        for tx in article.timexes:
            if tx.start >= a and tx.end <= b:
                return True
        return any(normalize(w) in _DAY_WORDS for _, _, w in toks[lo:hi])

    def _date(self, article: Article, s: int, e: int, h: Hit, pos: int | None = None) -> Timex | None:
        if self.res.select_event_date is not None:
            try:
                tx = self.res.select_event_date(article, s, e, h.start if pos is None else pos)
                return tx if tx is not None and tx.value else None
            except Exception:
                pass
        # fall back on a resolved timex in the same sentence only, nearest the trigger
        inside = [t for t in article.timexes if t.start >= s and t.end <= e and t.value]
        if not inside:
            return None
        return min(inside, key=lambda t: abs(t.start - h.start))

    # ----------------------------------------------------------------------------- merging
    def _merge(self, cands: list[Candidate]) -> list[Candidate]:
        """One event per real-world event: same type (and tense class) and the same participants merge."""
        out: list[Candidate] = []
        for c in sorted(cands, key=lambda c: (c.in_title, c.sent_index, c.hit_start)):
            for o in out:
                if _same_event(c, o):
                    _absorb(o, c)
                    break
            else:
                out.append(c)
        return out

    @staticmethod
    def _split_calls(out: list[Candidate]) -> list[Candidate]:
        """Calls with several partners are several calls: "يتحادث X هاتفيا مع A وB وC"."""
        final: list[Candidate] = []
        for c in out:
            if c.mode == "phone" or c.extra.get("phone"):
                parts = c.actors + c.recipients
                if len(parts) >= 3 and (len(c.recipients) >= 2 or (not c.recipients and len(c.actors) >= 3)):
                    lead = parts[0]
                    for other in parts[1:]:
                        d = Candidate(**{**c.__dict__, "actors": [lead] if c.recipients else [lead, other],
                                         "recipients": [other] if c.recipients else [], "extra": dict(c.extra)})
                        if not any(d.keys() == f.keys() and d.type == f.type for f in final):
                            final.append(d)
                    continue
            final.append(c)
        return final

    # ----------------------------------------------------------------------------- output
    def _event(self, article: Article, c: Candidate) -> Event:
        conf = self._confidence(c)
        parts = sorted(entity_key(e) for e in c.actors + c.recipients)
        date = c.timex.value if c.timex else None
        prec = c.timex.precision if c.timex and c.timex.value else "none"
        return Event(
            id=stable_id(article.id, c.type, c.evidence.start if not c.in_title else "title", "|".join(parts)),
            article_id=article.id, type=c.type, mode=c.mode, status=c.status, actors=c.actors,
            recipients=c.recipients, location=c.location if c.extra.get("loc_ok", True) else None, date=date, date_precision=prec if date else "none",
            date_text=c.timex.text if c.timex and date else None, contexts=c.contexts, confidence=conf,
            evidence=c.evidence, trigger=c.trigger.id, coder=f"marsad-events/{self.lex.version}",
            why=self._why(c),
        )

    @staticmethod
    def _why(c: Candidate) -> dict[str, Any]:
        """The rules that decided an event and where its trigger is in the article text (the UI highlights it;
        ``trigger`` holds the lexicon entry's id, not the words)."""
        why: dict[str, Any] = {"rules": c.extra["rules"]} if c.extra.get("rules") else {}
        if not c.in_title and c.hit_end > c.hit_start:
            why["trigger_span"] = [c.hit_start, c.hit_end]
        return why

    def confidence_features(self, c: Candidate) -> dict[str, float]:
        ents = c.actors + c.recipients
        return {
            "strength": c.trigger.strength,
            "resolved": sum(1 for x in ents if x.id) / max(1, len(ents)),
            "two_resolved": 1.0 if sum(1 for x in ents if x.id) >= 2 else 0.0,
            "directional": 1.0 if c.directional else 0.0,
            "dated": 1.0 if c.timex is not None else 0.0,
            "lead": 1.0 if 0 <= c.sent_index <= 1 else 0.0,
            "title": 1.0 if c.in_title else 0.0,
            "merged": min(3, c.merged - 1) / 3,
            "bad_status": 1.0 if c.status in ("negated", "hypothetical") else 0.0,
            "many": 1.0 if len(ents) >= 4 else 0.0,
            "alone": 1.0 if len({entity_key(x) for x in ents}) < 2 else 0.0,
            "none": 1.0 if not ents else 0.0,
        }

    def _confidence(self, c: Candidate) -> float:
        f = self.confidence_features(c)
        z = self.weights["bias"] + sum(self.weights.get(k, 0.0) * v for k, v in f.items())
        return round(1 / (1 + math.exp(-z)), 3)


# Logistic weights; refitted on the dev + composed sets with eval/calibrate.py (see settings [events]).
DEFAULT_WEIGHTS: dict[str, float] = {
    "bias": -2.0, "strength": 3.0, "resolved": 0.8, "two_resolved": 0.4, "directional": 0.2, "dated": 0.3,
    "lead": 0.5, "title": -0.6, "merged": 0.6, "bad_status": -3.0, "many": -0.3, "alone": -0.3, "none": -2.0,
}


def _uniq(ents: list[Entity]) -> list[Entity]:
    out, seen = [], set()
    for e in ents:
        k = entity_key(e)
        if k and k not in seen:
            seen.add(k)
            out.append(e)
    return out


def _future(c: Candidate) -> bool:
    return c.status == "future"


def _same_event(a: Candidate, b: Candidate, loose: bool = False) -> bool:
    if a.type == b.type == "AGREE" and a.sent_index == b.sent_index and not a.in_title and not b.in_title \
            and len(a.keys() & b.keys()) >= 2:
        return True  # an invitation and the visit it proposes: one intention
    if a.type != b.type or _future(a) != _future(b):
        return False
    if bool(a.extra.get("frame")) != bool(b.extra.get("frame")) and a.sent_index == b.sent_index:
        return False  # the sidelines meeting is not the summit it took place at
    if (a.status == "negated") != (b.status == "negated"):
        return False
    if a.mode != b.mode and "phone" in (a.mode, b.mode) and a.mode and b.mode:
        return False  # a call is not the visit
    if (a.status == "historical") != (b.status == "historical") and a.sent_index != b.sent_index and not (
            a.mode == b.mode == "visit" and "consult.arrive" in (a.trigger.id, b.trigger.id)
            and {entity_key(x) for x in a.actors} & {entity_key(x) for x in b.actors}):
        # a meeting recalled from the past is not today's meeting; but "وكان X قد وصل إلى Y" is the arrival
        # that opened the visit being reported
        return False
    if a.type == "PROTEST" and a.sent_index == b.sent_index and not a.in_title and not b.in_title:
        return True  # one protest told with several words ("تجمع المتظاهرون ورددوا هتافات")
    if a.type == "ASSAULT" and a.sent_index == b.sent_index and not a.in_title and not b.in_title and (
            not a.actors or not b.actors):
        return True  # "فجر انتحاري نفسه ... ما أدى إلى مقتل خمسة": the toll is the same attack
    ka, kb = a.keys(), b.keys()
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    small, big = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if small <= big and (len(small) >= 2 or a.sent_index == b.sent_index):
        return True
    sc, bc = (a, b) if len(ka) <= len(kb) else (b, a)
    if len(small) >= 2 and _covered(sc.actors + sc.recipients, bc.actors + bc.recipients) and (
            small & big and (_family(a.type) == "MEET" or a.sent_index == b.sent_index)
            or a.trigger.id in _SIGNING and b.trigger.id in _SIGNING):  # one signing ceremony, told in parts
        return True  # "زيارة إلى روسيا" and the meeting with Putin: a country stands for its leader
    if loose and len(ka & kb) >= min(2, len(small)):
        return True
    # same sentence, same type: one event told with two triggers ("أجرى اتصالا هاتفيا")
    return a.sent_index == b.sent_index and not a.in_title and not b.in_title and len(ka & kb) >= 1 and \
        a.type not in ("ASSAULT", "PROTEST")


def _covered(small: list[Entity], big: list[Entity]) -> bool:
    """Every participant of ``small`` is in ``big``, a country matching a person of that country and back."""
    for x in small:
        kx = entity_key(x)
        ok = False
        for y in big:
            if entity_key(y) == kx:
                ok = True
            elif x.kind == "country" and y.kind == "person" and x.country and y.country == x.country:
                ok = True
            elif y.kind == "country" and x.kind == "person" and y.country and x.country == y.country:
                ok = True
            if ok:
                break
        if not ok:
            return False
    return True


def _family(t: str) -> str:
    return "MEET" if t in ("CONSULT", "AGREE") else t


def _surnames(c: Candidate) -> set[str]:
    out = set()
    for e in c.actors + c.recipients:
        for n in (e.name, e.name_ar, e.text):
            w = normalize(n or "").split()
            if w:
                out.add(w[-1])
    return out


def _title_dup(tc: Candidate, b: Candidate) -> bool:
    """A headline restates the body's main event: same type family and a shared participant (by id, or by
    name when the title's names were resolved differently)."""
    return _family(tc.type) == _family(b.type) and bool(
        tc.keys() & b.keys() or _surnames(tc) & _surnames(b)
        or (tc.actors + tc.recipients and _covered(tc.actors + tc.recipients, b.actors + b.recipients)))
    # (the last: "مصر والسودان يتفقان" over "اتفق وزير الخارجية المصري ونظيره السوداني": states for their officials)


def _adopt_roles(keep: Candidate, other: Candidate) -> None:
    """Take the visitor/host reading of ``other`` without losing ``keep``'s participants; a named leader replaces
    his country among the recipients."""
    actors = list(other.actors)
    recipients = list(other.recipients)
    for x in keep.actors + keep.recipients:
        if not _covered([x], actors) and not any(entity_key(x) == entity_key(y) for y in recipients):
            recipients.append(x)
    people = {y.country for y in recipients if y.kind == "person" and y.country}
    recipients = [y for y in recipients if not (y.kind == "country" and y.country in people)]
    keep.actors, keep.recipients, keep.directional = actors, recipients, True


def _absorb(keep: Candidate, other: Candidate) -> None:
    keep.merged += 1
    if keep.type == "CONSULT":
        rank = {"visit": 3, "phone": 3, "third-party": 2, "multilateral": 1, None: 0}
        if rank.get(other.mode, 0) > rank.get(keep.mode, 0):
            keep.mode = other.mode
            if other.directional and not keep.directional:
                _adopt_roles(keep, other)
    elif keep.mode is None and other.mode is not None:
        keep.mode = other.mode  # "اعتدى X بالضرب على Y": the specific trigger names how
    if not keep.directional and other.directional and keep.sent_index == other.sent_index:
        _adopt_roles(keep, other)
    if keep.type == other.type == "CONSULT" and keep.directional:
        # "وصل X إلى بيروت. وأجرى مباحثات مع سلام": the host named later stands in for his country
        for y in other.actors + other.recipients:
            if y.kind != "person" or not y.country or any(entity_key(y) == entity_key(z)
                                                          for z in keep.actors + keep.recipients):
                continue
            for i, x in enumerate(keep.recipients):
                if x.kind == "country" and x.country == y.country:
                    keep.recipients[i] = y
                    break
    known = {entity_key(e) for e in keep.actors + keep.recipients}
    for e in other.actors:
        if entity_key(e) not in known and keep.sent_index == other.sent_index:
            keep.actors.append(e)
            known.add(entity_key(e))
    if keep.location is None and other.location is not None:
        keep.location = other.location
    if keep.timex is None and other.timex is not None and other.sent_index == keep.sent_index:
        keep.timex = other.timex
    for ctx in other.contexts:
        if ctx not in keep.contexts:
            keep.contexts.append(ctx)
    if other.trigger.strength > keep.trigger.strength and other.sent_index == keep.sent_index:
        keep.trigger = other.trigger


def code_article(article: Article, coder: Coder | None = None) -> list[Event]:
    return (coder or Coder()).code(article)


def _take_two(ents: Iterable[Entity], seen: list[Entity], keys: set[str]) -> bool:
    """Add distinct entities to ``seen`` until it holds two; True when it does."""
    for ent in ents:
        k = entity_key(ent)
        if k and k not in keys:
            keys.add(k)
            seen.append(ent)
        if len(seen) == 2:
            return True
    return False


def _tok_index(toks: list[tuple[int, int, str]], pos: int, end: bool = False) -> int:
    """The token at a character offset (``end``: one past the token that ends there)."""
    for k, (_a, b, _) in enumerate(toks):
        if end and b >= pos:
            return k + 1
        if not end and b > pos:
            return k
    return len(toks)


def _chosen_mentions(mentions: list[Mention], s: int, e: int) -> list[Mention]:
    """The sentence's mentions without overlaps: of two that overlap, the longer resolved one."""
    inside = [m for m in mentions if m.start >= s and m.end <= e and m.end > m.start]
    inside.sort(key=lambda m: (m.start, -(m.end - m.start)))
    chosen: list[Mention] = []
    for m in inside:
        if chosen and m.start < chosen[-1].end:
            prev = chosen[-1]
            better = (m.end - m.start) > (prev.end - prev.start) and m.entity is not None
            if better:
                chosen[-1] = m
            continue
        chosen.append(m)
    return chosen
