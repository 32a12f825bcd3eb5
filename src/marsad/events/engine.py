"""The rule engine: one trigger hit → a candidate event, by rules kept as data (data/events/rules.yaml).

A rule has an id, a phase, conditions (``when``) and, for the slot phases, a mechanism (``take``) with its
parameters; within a phase the first rule whose conditions hold and whose mechanism finds something wins. Phases
run in order: veto (drop the hit) → subject → object → rewrite. The mechanisms are linguistic and general
(verb-subject order, the antecedent of a relative clause, a participle's main clause, a support verb's subject,
the genitive of a verbal noun, an agreeing pronoun for a dropped subject); the words they look for are word
classes in data/events/words.yaml. Each rule carries examples that the test suite runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from ..arabic import normalize, sentences
from ..model import Entity, Evidence
from ..settings import data_path
from .clause import Classes, Discourse, Sentence, agreement, bounds, content_gap, governing_prep
from .groups import governed_crowd, protester, unnamed
from .lexicon import find_phrase, norm_phrase
from .words import word_set, word_tuple


@dataclass(frozen=True)
class Rule:
    id: str
    phase: str
    take: str | None
    when: dict[str, Any]
    params: dict[str, Any]
    examples: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class TypeSpec:
    min_parties: int = 2
    recipient_preps: frozenset[str] = frozenset()
    patient_noun: bool = False
    engine: bool = True  # false: the type's rules are kept and tested, but the coder's own path still codes it


@dataclass(frozen=True)
class RuleSet:
    version: str
    types: dict[str, TypeSpec]
    rules: tuple[Rule, ...]

    def phase(self, name: str) -> list[Rule]:
        return [r for r in self.rules if r.phase == name]


PHASES = ("veto", "subject", "object", "rewrite")
_RESERVED = {"id", "phase", "take", "when", "examples", "why"}


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> RuleSet:
    p = path or str(data_path("events", "rules.yaml"))
    with open(p, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    types = {t: TypeSpec(int(v.get("min_parties", 2)), frozenset(v.get("recipient_preps") or ()),
                         bool(v.get("patient_noun", False)), bool(v.get("engine", True)))
             for t, v in (data.get("types") or {}).items()}
    rules = []
    for r in data.get("rules") or []:
        if r.get("phase") not in PHASES:
            raise ValueError(f"rule {r.get('id')}: unknown phase {r.get('phase')!r}")
        rules.append(Rule(str(r["id"]), r["phase"], r.get("take"), dict(r.get("when") or {}),
                          {k: v for k, v in r.items() if k not in _RESERVED}, tuple(r.get("examples") or ())))
    return RuleSet(str(data.get("version", "0")), types, tuple(rules))


@dataclass
class Slots:
    """What the slot phases found for one hit, and the rules that decided it (for ``why``)."""

    lo: int
    hi: int
    subjects: list[Any] = field(default_factory=list)
    objects: list[Any] = field(default_factory=list)
    actors: list[Entity] = field(default_factory=list)
    recipients: list[Entity] = field(default_factory=list)
    type: str = ""
    mode: str | None = None
    fired: dict[str, str] = field(default_factory=dict)

    @property
    def anchor_after(self) -> int | None:
        after = [a.t1 for a in self.subjects if a.t0 >= self.lo]
        return max(after) if after else None


class RuleEngine:
    """Codes the hits of the types its rule file lists. Helpers it borrows from the coder (participants, status,
    date, place) are passed in as ``coder``; the engine keeps no per-article state of its own."""

    def __init__(self, coder: Any, path: str | None = None, all_types: bool = False,
                 only: frozenset[str] | None = None) -> None:
        self.coder = coder
        self.rules = load_rules(path)
        self.classes = Classes()
        # the types this engine codes now (``engine: true`` in the rule file); the others stay with the coder
        # (all_types: every type the file lists, as the rule-example tests run them; only: just these types)
        self.types = frozenset(t for t, spec in self.rules.types.items()
                               if (t in only if only is not None else spec.engine or all_types))
        self.words: dict[str, frozenset[str]] = {}
        self.takes: dict[str, Callable[..., list[Any]]] = {
            "after": self._take_after, "before": self._take_before, "relative": self._take_relative,
            "main_clause": self._take_main_clause, "light_verb": self._take_light_verb,
            "genitive": self._take_genitive, "nisba": self._take_nisba, "by_phrase": self._take_by_phrase,
            "direct": self._take_direct, "prep": self._take_prep, "between": self._take_between,
            "owner": self._take_owner, "body_nationality": self._take_body_nationality,
            "relative_agent": self._take_relative_agent, "director": self._take_director,
        }
        self.rewrites: dict[str, Callable[[Sentence, Any, Slots, Rule], bool]] = {
            "victims_are_targets": self._victims, "crowd": self._crowd, "riot": self._riot,
            "dropped_subject": self._dropped_subject, "place_target": self._place_target,
            "drop_attendees": self._drop_attendees, "envoy_country": self._envoy_country,
            "unnamed_perpetrators": self._unnamed, "clitic_object": self._clitic_object,
            "people_of_place": self._people_of_place, "destination_region": self._destination_region,
        }
        for r in self.rules.rules:
            if r.phase in ("subject", "object") and r.take not in self.takes:
                raise ValueError(f"rule {r.id}: unknown mechanism {r.take!r}")
            if r.phase == "rewrite" and r.take not in self.rewrites:
                raise ValueError(f"rule {r.id}: unknown rewrite {r.take!r}")



    # ------------------------------------------------------------------------------------------ conditions
    def _class(self, name: str) -> frozenset[str]:
        if name not in self.words:  # classes are written readably; tokens are compared in normalised spelling
            self.words[name] = frozenset(" ".join(norm_phrase(w)) for w in word_set(name))
        return self.words[name]

    def _window_has(self, sent: Sentence, lo: int, hi: int, spec: dict[str, Any]) -> bool:
        lo, hi = max(0, lo), min(len(sent.norm), hi)
        if "cues" in spec:
            phrases = self.coder.lex.status_cues.get(spec["cues"], [])
            return find_phrase(sent.norm, phrases, lo, hi, prefix=False) is not None
        words = self._class(spec["class"]) if "class" in spec else frozenset(spec.get("words", ()))
        if spec.get("phrases"):
            return find_phrase(sent.norm, [norm_phrase(p) for p in spec["phrases"]], lo, hi, prefix=False) is not None
        return any(sent.norm[k] in words or sent.norm[k][1:] in words and sent.norm[k][:1] in self.classes.clitics
                   for k in range(lo, hi))

    def holds(self, rule: Rule, sent: Sentence, h: Any, slots: Slots | None = None) -> bool:
        w = rule.when
        t = h.trigger
        if "kinds" in w and h.kind not in w["kinds"]:
            return False
        if "types" in w and t.type not in w["types"]:
            return False
        if "not_types" in w and t.type in w["not_types"]:
            return False
        if "trigger" in w and not any(t.id.startswith(p) for p in w["trigger"]):
            return False
        if "not_trigger" in w and any(t.id.startswith(p) for p in w["not_trigger"]):
            return False
        if "definite" in w and sent.norm[h.i].lstrip(self.classes.clitics + self.classes.prep_clitics).startswith(
                self.classes.article) != bool(w["definite"]):
            return False
        if "before" in w and not self._window_has(sent, h.i - int(w["before"].get("window", 1)), h.i, w["before"]):
            return False
        if "not_before" in w and self._window_has(sent, h.i - int(w["not_before"].get("window", 1)), h.i,
                                                  w["not_before"]):
            return False
        end = h.i + h.n
        if "after" in w and not self._window_has(sent, end, end + int(w["after"].get("window", 1)), w["after"]):
            return False
        if "self" in w and not self._window_has(sent, h.i, end, w["self"]):
            return False
        if "sentence_ends" in w and not sent.text[sent.start:sent.end].rstrip().endswith(tuple(w["sentence_ends"])):
            return False
        if w.get("alleged") is not None and self.coder._alleged(sent.norm, h.i) != bool(w["alleged"]):
            return False
        if "not_agreement" in w and agreement(sent.norm[h.i], h.kind, self.classes) in w["not_agreement"]:
            return False
        if "not_coordinated" in w and self.classes.starts_with_coordinator(sent.norm[h.i]):
            return False
        if "governed_crowd" in w and governed_crowd(sent.norm, h.i) != bool(w["governed_crowd"]):
            return False
        if "coordinated_support" in w and self._coordinated_support(sent, h) != bool(w["coordinated_support"]):
            return False
        if slots is not None and "no_subject" in w and bool(slots.subjects or slots.actors) == bool(w["no_subject"]):
            return False
        return True

    def _coordinated_support(self, sent: Sentence, h: Any) -> bool:
        """"أكد X دعم بلاده لY، وأعلن عن حزمة مساعدات": the noun's support verb opens a clause coordinated after a
        comma, so it shares the clause before's subject."""
        lv = self.coder._light_verb_index(sent.norm, 0, h.i)
        return lv is not None and lv > 0 and self.classes.starts_with_coordinator(sent.norm[lv]) and \
            sent.norm[lv - 1] in self.classes.commas and not any(lv < a.t0 < h.i for a in sent.args)

    # ------------------------------------------------------------------------------------------ one hit
    def candidate(self, sent: Sentence, h: Any, verb_starts: set[int]) -> Any | None:
        from .coder import Candidate, _uniq, entity_key

        spec = self.rules.types[h.trigger.type]
        for r in self.rules.phase("veto"):
            if self.holds(r, sent, h):
                self.coder.vetoes[r.id] += 1
                return None
        lo, hi = bounds(sent, h.i, h.n, self.classes, verb_starts)
        slots = Slots(lo, hi, type=h.trigger.type, mode=h.trigger.mode)
        parties = [a for a in sent.args if not a.is_place and a.label != "NORP_OBJ"]
        for phase, target in (("subject", slots.subjects), ("object", slots.objects)):
            for r in self.rules.phase(phase):
                if not self.holds(r, sent, h, slots):
                    continue
                taken = [a for a in self.takes[r.take or ""](sent, h, slots, parties, spec, r)
                         if a not in slots.subjects and a not in slots.objects]
                if taken:
                    target.extend(taken)
                    slots.fired[phase] = r.id
                    break
        slots.actors = _uniq(self.coder._expand(slots.subjects, h.start, sent.state))
        keys = {entity_key(x) for x in slots.actors}
        slots.recipients = [x for x in _uniq(self.coder._expand(slots.objects, h.start, sent.state)) if entity_key(x) not in keys]
        for r in self.rules.phase("rewrite"):
            if self.holds(r, sent, h, slots) and self.rewrites[r.take or ""](sent, h, slots, r):
                slots.fired.setdefault("rewrite", r.id)
        own = {x.country for x in slots.actors if x.country and x.kind == "country"}
        slots.recipients = [x for x in slots.recipients if not (x.kind == "country" and x.country in own)]
        n = len({entity_key(x) for x in slots.actors + slots.recipients})
        if n < min(spec.min_parties, 2) or (n == 0 and h.kind not in ("past", "present")
                                             and h.trigger.strength < 0.8):
            self.coder.vetoes["engine.too_few_parties"] += 1
            return None
        return self._finish(sent, h, slots, Candidate)

    def _finish(self, sent: Sentence, h: Any, slots: Slots, make: Any) -> Any:
        c = self.coder
        t = h.trigger
        covered = {k for a in sent.args for k in range(a.t0, a.t1)}
        status = c._status(sent.article, sent.text, sent.toks, sent.norm, h, slots.lo, slots.hi, sent.in_title,
                           covered)
        places = [a for a in sent.args if a.is_place and slots.lo <= a.t0 < slots.hi]
        location = None
        if places and not c._topical(sent.norm, places[0].t0):
            location = places[0].place or c.res.location(sent.text[places[0].start:places[0].end])
        contexts = list(t.contexts)
        for ctx, phrases in c.lex.contexts.items():
            if ctx not in contexts and find_phrase(sent.norm, phrases, slots.lo, slots.hi) is not None:
                contexts.append(ctx)
        lv = c._light_verb_index(sent.norm, slots.lo, h.i) if h.kind in ("noun", "form") else None
        pos = sent.toks[lv][0] if lv is not None else h.start
        timex = None if sent.in_title else c._date(sent.article, sent.start, sent.end, h, pos)
        s, e = (sent.start, sent.end) if not sent.in_title else (0, 0)
        ev = Evidence(sent.text[sent.start:sent.end], s, e)
        return make(slots.type, t, sent.index, ev, slots.actors, slots.recipients, slots.mode, status, location,
                    timex, contexts, sent.in_title, bool(slots.recipients), h.start, h.end,
                    extra={"rules": dict(slots.fired), "engine": self.rules.version})

    # ------------------------------------------------------------------------------------------ helpers
    def _prep(self, sent: Sentence, a: Any) -> str:
        return governing_prep(sent, a, self.classes)

    def _coordinated(self, sent: Sentence, x: Any, y: Any) -> bool:
        """y joins x in one list: only و, commas or nothing between them ("أدانت مصر والأردن")."""
        between = [sent.norm[k] for k in range(x.t1, y.t0)]
        c = self.classes
        if any(w not in c.commas and not c.coordinated_word(w) for w in between):
            return False
        return (any(c.coordinated_word(w) for w in between) or c.starts_with_coordinator(sent.norm[y.t0])
                or bool(between and all(w in c.commas for w in between)))

    def _with_coordinated(self, sent: Sentence, first: Any, pool: list[Any], hi: int) -> list[Any]:
        out = [first]
        for a in pool:
            if a.t0 <= out[-1].t0 or a.t0 >= hi:
                continue
            if self._coordinated(sent, out[-1], a) and self._prep(sent, a) not in self._class("comitative"):
                out.append(a)
            elif a.t0 == out[-1].t1 and out[-1].label == "AGENT" and a.label == "PERS":
                out.append(a)  # "الشاب عبد العزيز حسن": a common noun and the name in apposition, one person
            else:
                break
        return out

    # ------------------------------------------------------------------------------------------ subjects
    def _take_after(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                    r: Rule) -> list[Any]:
        """VSO: the first bare participant right after the verb (adverbials between commas skipped)."""
        gap = int(r.params.get("max_gap", 4))
        start = h.i + h.n
        for a in parties:
            if a.t0 < start or a.t0 >= slots.hi:
                continue
            if content_gap(sent, start, a.t0, self.classes) - self._paren(sent, start, a.t0) > gap:
                return []
            if self._prep(sent, a):
                return []  # "اتهم ... لـX": a governed noun first means the subject is elsewhere
            return self._with_coordinated(sent, a, parties, slots.hi)
        return []

    def _paren(self, sent: Sentence, a: int, b: int) -> int:
        return len([k for k in self.coder._parentheticals(sent.norm, a, b) if a <= k < b])

    def _take_before(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                     r: Rule) -> list[Any]:
        """SVO: the bare participant just before the verb, with those coordinated before it."""
        gap = int(r.params.get("max_gap", 3))
        before = [a for a in parties if slots.lo <= a.t0 and a.t1 <= h.i and not self._prep(sent, a)]
        if not before or content_gap(sent, before[-1].t1, h.i, self.classes) > gap:
            return []
        if any(sent.norm[k] in self._class("complementizers") for k in range(before[-1].t1, h.i)):
            return []  # "قال X إن ..." opens a new clause: its verb has its own subject
        out = [before[-1]]
        for a in reversed(before[:-1]):
            if self._coordinated(sent, a, out[0]):
                out.insert(0, a)
            else:
                break
        opener = r.params.get("opened_by")
        return self._opened(sent, out, before, self._class(opener)) if opener else out

    def _opened(self, sent: Sentence, out: list[Any], before: list[Any], openers: frozenset[str]) -> list[Any]:
        """"إن X فعل", "بأن جنودا متمردين أطلقوا": the participants a complementizer governs, a noun and the
        participants right after it (its adjective: "مهاجما انتحاريا") included; none when no complementizer
        opens them (quotes between are no words)."""
        run = list(out)
        for a in reversed(before[:before.index(run[0])]):
            if a.t1 == run[0].t0:
                run.insert(0, a)
            else:
                break
        k = run[0].t0 - 1
        while k >= 0 and sent.norm[k] in self.classes.quotes:
            k -= 1
        return run if k >= 0 and sent.norm[k].lstrip(self.classes.clitics) in openers else []

    def _take_relative(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                       r: Rule) -> list[Any]:
        """"X الذي هدد": the antecedent of the relative pronoun just before the verb."""
        if h.i == 0 or sent.norm[h.i - 1] not in self.classes.relative:
            return []
        before = [a for a in parties if a.t1 <= h.i - 1 and a.t0 >= slots.lo - 4 and not self._prep(sent, a)]
        return before[-1:] if before and content_gap(sent, before[-1].t1, h.i - 1, self.classes) <= 2 else []

    def _take_main_clause(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                          r: Rule) -> list[Any]:
        """"أدان X الهجوم، داعيا Y إلى": a circumstantial participle's subject is the main clause's."""
        if h.i == 0 or not (sent.norm[h.i - 1] in self.classes.commas
                            or self.classes.starts_with_coordinator(sent.norm[h.i])):
            return []
        main = [a for a in parties if a.t1 <= h.i and not self._prep(sent, a)]
        return main[:1]

    def _take_light_verb(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                         r: Rule) -> list[Any]:
        """"شنت إسرائيل غارات", "فرضت واشنطن عقوبات": the subject of the support verb before the noun."""
        lv = self.coder._light_verb_index(sent.norm, slots.lo, h.i)
        if lv is None:
            return []
        between = [a for a in parties if lv < a.t0 and a.t1 <= h.i and not self._prep(sent, a)]
        if between:
            return self._with_coordinated(sent, between[0], parties, h.i)
        before = [a for a in parties if slots.lo <= a.t0 and a.t1 <= lv and not self._prep(sent, a)]
        if before and content_gap(sent, before[-1].t1, lv, self.classes) <= 2:
            return before[-1:]
        return []

    def _take_genitive(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                       r: Rule) -> list[Any]:
        """"تهديد إيران", "اعتقال X": the participant in construct with the verbal noun (agent or patient by the
        rule's phase)."""
        start = h.i + h.n
        nxt = [a for a in parties if a.t0 >= start and a.t0 < slots.hi]
        if not nxt or content_gap(sent, start, nxt[0].t0, self.classes) > int(r.params.get("max_gap", 1)):
            return []
        a = nxt[0]
        if self._prep(sent, a):
            return []
        if r.params.get("not_kinds") and a.kind in r.params["not_kinds"]:
            return []
        if r.params.get("only_kinds") and a.kind not in r.params["only_kinds"]:
            return []
        return self._with_coordinated(sent, a, parties, slots.hi)

    def _take_nisba(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                    r: Rule) -> list[Any]:
        """"الهجوم الإسرائيلي", "العقوبات الأمريكية": the nationality adjective names the actor."""
        end = h.i + h.n
        if r.phase == "object":  # "يبارك العدوان التركي", "طرد السفير الإيراني": after the subject, a few words on
            start = slots.anchor_after or end
            gap = int(r.params.get("max_gap", 3))
            return [a for a in sent.args if a.label == "NORP_OBJ" and start <= a.t0 <= start + gap
                    and a not in slots.subjects][:1]
        return [a for a in sent.args if a.label == "NORP_OBJ" and end <= a.t0 <= end + 1][:1]

    def _take_body_nationality(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                               r: Rule) -> list[Any]:
        """"اتهمت الخزانة الأميركية X": a state body named by its nationality right after the verb is the verb's
        subject (the nationality stands for the state), so the subject is not dropped."""
        end = h.i + h.n
        gap = int(r.params.get("max_gap", 3))
        for a in sent.args:
            if a.label != "NORP_OBJ" or a.t0 < end or a.t0 >= slots.hi:
                continue
            if a.t0 - end > gap or self._prep(sent, a):
                return []
            heads, envoys = self._class("body_heads"), self._class("envoy_nouns")
            if any(sent.norm[k] in envoys for k in range(end, a.t0)):
                return []  # "استدعت القائم بأعمال السفارة العراقية": the envoy's state is the object
            return [a] if any(self._stem(sent.norm[k]) in heads for k in range(end, a.t0)) else []
        return []

    def _take_by_phrase(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                        r: Rule) -> list[Any]:
        """"هجوم شنه مسلحون", "من قبل X", "على يد X", "برصاص X": the agent named after the act."""
        by = self._class("by_agent")
        for a in parties:
            if a.t0 <= h.i or a.t0 >= slots.hi:
                continue
            k = a.t0
            prev = sent.norm[k - 1] if k > 0 else ""
            prev2 = " ".join(sent.norm[k - 2:k]) if k > 1 else ""
            if prev in by or prev2 in by or sent.norm[k][:1] in self.classes.prep_clitics and prev in self._class(
                    "by_agent_nouns"):
                return [a]
        return []

    def _take_relative_agent(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                             r: Rule) -> list[Any]:
        """"المساعدات التي تقدمها دولة الكويت", "الهجوم الذي نفذته طالبان": a relative clause on the act whose verb
        carries the act as its object pronoun; the bare participant after that verb is the act's agent."""
        k = h.i + h.n
        if k + 1 >= len(sent.norm) or sent.norm[k] not in self.classes.relative:
            return []
        verb = sent.norm[k + 1]
        if any(a.t0 <= k + 1 < a.t1 for a in sent.args) or not (
                len(verb) > 4 and verb.endswith(word_tuple("object_pronouns"))):
            return []
        nxt = [a for a in parties if a.t0 >= k + 2 and a.t0 < slots.hi]
        if not nxt or content_gap(sent, k + 2, nxt[0].t0, self.classes) > int(r.params.get("max_gap", 1)) or \
                self._prep(sent, nxt[0]):
            return []
        return self._with_coordinated(sent, nxt[0], parties, slots.hi)

    def _take_director(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                       r: Rule) -> list[Any]:
        """"وجّه خادم الحرمين الشريفين ... بتقديم مساعدات", "أمر X بإرسال": the person or state who directs the act
        (the subject of a directive verb before it, in the same sentence) does it."""
        directives = self._class("directives")
        for k in range(h.i - 1, max(-1, h.i - 30), -1):
            w = sent.norm[k]
            if w in self.classes.stop:
                break
            if w in directives or w[:1] in self.classes.clitics and w[1:] in directives:
                return [a for a in parties if a.label in ("PERS", "GPE") and a.entities and k < a.t0 <= k + 2][:1]
        return []

    def _take_between(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                      r: Rule) -> list[Any]:
        """"اشتباكات بين X وY", "مواجهات بين المحتجين والشرطة": a reciprocal act's sides are all its actors."""
        marks = self._class("reciprocal_preps")
        end = h.i + h.n
        for a in parties:
            if a.t0 < end or a.t0 >= slots.hi:
                continue
            if content_gap(sent, end, a.t0, self.classes) > int(r.params.get("max_gap", 2)) or self._prep(
                    sent, a) not in marks:
                return []
            both = self._with_coordinated(sent, a, parties, slots.hi)
            return both if len(both) > 1 or self._plural_group(sent, a) else []
        return []

    def _plural_group(self, sent: Sentence, a: Any) -> bool:
        """"الاشتباكات بين الجماعات المسلحة": a plural group noun after بين names every side at once (a state's
        name with a plural ending, "الولايات المتحدة", is one side)."""
        head = self._stem(sent.norm[a.t0])
        return bool(a.entities) and all(x.kind == "group" for x in a.entities) and (
            a.plural or head.endswith(word_tuple("reciprocal_plural_endings")))

    # ------------------------------------------------------------------------------------------ objects
    def _take_direct(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                     r: Rule) -> list[Any]:
        """The first participant after the subject (or the trigger) that is bare or governed by one of the type's
        recipient prepositions, within ``max_gap`` words."""
        start = slots.anchor_after or h.i + h.n
        gap = int(r.params.get("max_gap", 10))
        stop = self._stop(sent, h, start, slots.hi, r)
        own = {x.country for a in slots.subjects for x in a.entities if x.kind == "country" and x.country}
        shared: list[Any] = []  # conjuncts of a governed participant share its preposition ("بين إيران ومجموعة")
        for a in parties:
            if a.t0 < start or a.t0 >= slots.hi or a in slots.subjects or a in shared:
                continue
            if a.entities and all(x.kind == "country" and x.country in own for x in a.entities):
                continue  # "سوريا تدين القصف على محيط دمشق": the actor's own state is no recipient
            if a.t0 > stop:
                return []
            if content_gap(sent, start, a.t0, self.classes) - self._paren(sent, start, a.t0) > gap:
                return []
            p = self._prep(sent, a)
            if not p or p in spec.recipient_preps:
                return self._with_coordinated(sent, a, parties, slots.hi)
            shared = self._with_coordinated(sent, a, parties, slots.hi)
        return []

    def _content_start(self, sent: Sentence, start: int, hi: int, masdar: bool = True) -> int:
        """Where what is alleged, asked or warned of begins: the first complementizer from ``start`` ("محذرا من أن
        الجيش سيكثف": the nouns after it belong to that clause) or, with ``masdar``, the first word with a glued ب
        outside any participant ("بتنفيذ", "بالإفراج"); ``hi`` when there is none."""
        inside = {k for a in sent.args for k in range(a.t0, a.t1)}
        inside |= set(self.coder._parentheticals(sent.norm, start, hi))  # "، في بيان صدر عنها اليوم،"
        b = self.classes.prep_clitics[:1]
        comp, not_content = self._class("complementizers"), self._class("not_content_b")
        for k in range(start, hi):
            w = sent.norm[k]
            if k in inside:
                continue
            if w in comp:
                return k
            w = w[1:] if w[:1] in self.classes.clitics and len(w) > 4 else w
            after_prep = k > 0 and sent.norm[k - 1] in self.classes.preps  # "في بيان": a noun, its ب a root letter
            if masdar and w.startswith(b) and len(w) > 3 and w not in not_content and not after_prep:
                return k
        return hi

    def _stop(self, sent: Sentence, h: Any, start: int, hi: int, r: Rule) -> int:
        if h.trigger.type in r.params.get("content_stop", ()):
            return self._content_start(sent, start, hi)
        return self._content_start(sent, start, hi, masdar=False) if r.params.get("clause_stop") else hi

    def _take_prep(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                   r: Rule) -> list[Any]:
        """A participant governed by a recipient preposition anywhere in the clause ("ضد X", "على X"); with
        ``places``, a place too ("مساعدات إلى اليمن": the state it is sent to)."""
        preps = frozenset(r.params.get("preps") or spec.recipient_preps)
        start = slots.anchor_after or h.i + h.n
        stop = self._stop(sent, h, start, slots.hi, r)
        if r.params.get("places"):
            parties = [a for a in sent.args if a.label != "NORP_OBJ" and a.entities]
        for a in parties:  # after the trigger: a governed noun before it belongs to another clause ("قال للجزيرة إن")
            if h.i + h.n <= a.t0 < slots.hi and a not in slots.subjects and self._prep(sent, a) in preps:
                return [a] if a.t0 <= stop else []
        return []

    def _take_owner(self, sent: Sentence, h: Any, slots: Slots, parties: list[Any], spec: TypeSpec,
                    r: Rule) -> list[Any]:
        """"رفض X مقترحات حكومة Y", "رفض الإجراءات من الجانب الإثيوبي", "رفضت البيان الذي أصدرته الخارجية
        الأمريكية": what is rejected or threatened belongs to someone, and that owner is the recipient — the first
        party (or nationality) within a few words after the object noun, bare or after an owner preposition."""
        objects, preps = self._class("owned_objects"), self._class("owner_preps")
        start = slots.anchor_after or h.i + h.n
        j = next((k for k in range(start, min(slots.hi, start + int(r.params.get("max_gap", 6))))
                  if self._stem(sent.norm[k]) in objects), None)
        if j is None:
            return []
        window = int(r.params.get("window", 5))
        for a in sent.args:
            if a.t0 <= j or a.is_place or a in slots.subjects:
                continue
            if a.t0 > j + window or a.t0 >= slots.hi or any(sent.norm[k] in self.classes.commas
                                                            for k in range(j, a.t0)):
                return []
            p = self._prep(sent, a)
            if a.label == "NORP_OBJ" or not p or p in preps:
                return [a]
        return []

    def _stem(self, w: str) -> str:
        """A word without its glued conjunction, preposition and article (والمقترح → مقترح)."""
        c = self.classes
        w = w[1:] if w[:1] in c.clitics and len(w) > 4 else w
        w = w[1:] if w[:1] in c.prep_clitics and len(w) > 4 else w
        return w[len(c.article):] if w.startswith(c.article) and len(w) > len(c.article) + 2 else w

    # ------------------------------------------------------------------------------------------ rewrites
    def _victims(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"قتل 5 جنود" reads as a passive more often than not: casualties as subject are the targets."""
        victims = [x for x in slots.actors if self.coder._victim(x)]
        if victims and len(victims) == len(slots.actors):
            slots.recipients = victims + [x for x in slots.recipients if x not in victims]
            slots.actors = []
            return True
        return False

    def _crowd(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """A protest's actor: the crowd word itself ("تظاهر المحتجون"), else a crowd named in the clause, with the
        crowds coordinated with it ("رجال ونساء التعليم": one list, not an actor and a recipient)."""
        crowd = [a for a in sent.args if a.label == "AGENT" and slots.lo <= a.t0 < slots.hi and a.entities
                 and a.entities[0].kind == "group" and a.kind in (None, "group")]
        if not crowd or any(x.kind == "group" for x in slots.actors):
            return False
        # the bare crowd nearest before the act is its subject ("أن رجالا ونساء في البلدة نظموا مسيرة", with those
        # coordinated before it); else those named as protesters before any other group the clause names
        # ("مجموعات صغيرة أيضا من المتظاهرين")
        own = [a for a in crowd if a.t0 <= h.i < a.t1]  # "تظاهر المحتجون" read as one noun: the trigger itself
        before = [a for a in crowd if a.t1 <= h.i and not self._prep(sent, a)]
        if own:
            run = own[:1]
        elif before:
            run = [before[-1]]
            for a in reversed(before[:-1]):  # "رجالا ونساء", "متظاهرون غاضبون" (a noun and its adjective)
                if self._coordinated(sent, a, run[0]) or a.t1 == run[0].t0:
                    run.insert(0, a)
                else:
                    break
        else:
            first = min(crowd, key=lambda a: (not protester(a.entities[0]), a.t0))
            run = self._with_coordinated(sent, first, crowd, slots.hi)
        joined = [x for a in run for x in a.entities]
        slots.actors = joined + [x for x in slots.actors if x not in joined]
        slots.recipients = [x for x in slots.recipients if x not in joined]
        return True

    def _unnamed(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"قتل شخصان بنيران أطلقها مسلحون مجهولون": unnamed perpetrators are no party (``actors: []``); the
        victims stay as recipients."""
        def named(x: Entity) -> bool:
            return not unnamed(" ".join(norm_phrase(x.text or "")))

        before = len(slots.actors) + len(slots.recipients)
        slots.actors = [x for x in slots.actors if named(x)]
        slots.recipients = [x for x in slots.recipients if named(x)]
        return len(slots.actors) + len(slots.recipients) < before

    def _riot(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        if slots.actors and all(protester(x) for x in slots.actors):
            slots.type, slots.mode = "PROTEST", "riot"
            return True
        return False

    def _dropped_subject(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """A verb with no subject in its clause: the discourse's party that agrees with it (a feminine verb a
        state or body, a dual the last two parties, a plural the last group)."""
        from .coder import entity_key

        d: Discourse = sent.discourse
        if slots.actors or sent.in_title or self._unnamed_subject(sent, h):
            return False
        agr = agreement(sent.norm[h.i], h.kind, self.classes)
        if self._stem(sent.norm[h.i]) in self.classes.participles or sent.norm[h.i] in self.classes.participles:
            agr = "none"  # "داعيا": a participle's alif is its case ending, no dual; it agrees with its main clause
        if agr == "dual" and len(d.last_parties) == 2:
            slots.actors = list(d.last_parties)
        elif agr == "plural" and d.last_group is not None:
            slots.actors = [d.last_group]
        elif d.last_actor is not None and sent.index - d.last_actor_sentence <= int(r.params.get("sentences", 2)):
            if not self._agrees(d.last_actor, agr):
                return False
            slots.actors = [d.last_actor]
        else:
            # no event has named an actor lately: the party the text last named that agrees with the verb
            found = self._antecedent(sent, h.start, agr, {entity_key(x) for x in slots.recipients},
                                     int(r.params.get("sentences", 2)))
            if found is None:
                return False
            slots.actors = [found]
        keys = {id(x) for x in slots.actors}
        slots.recipients = [x for x in slots.recipients if id(x) not in keys]
        return True

    @staticmethod
    def _agrees(x: Entity, agr: str) -> bool:
        """A verb's agreement against a party: a feminine verb is no person's, a masculine one no state's (bodies
        take a feminine verb, groups either); dual and plural forms want a group."""
        person = x.kind == "person"
        if agr == "feminine":
            return not person
        if agr == "masculine":
            return person or x.kind == "group"
        if agr in ("plural", "dual"):
            return x.kind == "group"
        return True

    def _antecedent(self, sent: Sentence, pos: int, agr: str, exclude: set[Any], back: int) -> Entity | None:
        """The nearest named party before character ``pos``, in this sentence or the ``back`` before it, that agrees
        with ``agr`` and is not governed by a preposition (an agreeing pronoun or a dropped subject refers to a
        party the text has named as a participant, not to a place or a noun inside an adverbial)."""
        from .coder import entity_key

        if sent.in_title:  # the article's mentions index its text, not the title
            return None
        spans = list(sent.article.sentences or sentences(sent.text))
        first = spans[max(0, min(sent.index, len(spans) - 1) - back)][0] if spans else sent.start
        mentions = getattr(self.coder, "_article_mentions", None) or sent.article.mentions
        for m in sorted((m for m in mentions if first <= m.start and m.end <= pos and m.entity is not None),
                        key=lambda m: -m.start):
            x = m.entity
            if m.label in ("LOC", "TITLE") or entity_key(x) in exclude or not self._agrees(x, agr):
                continue
            if m.label == "NORP" and not self._heads_body(sent.text, m.start):
                continue  # "القصف الإسرائيلي": a nationality stands for its state only after a body ("وزارة الدفاع الروسية")
            if self._governed_at(sent.text, m.start):
                continue
            return x
        return None

    def _heads_body(self, text: str, start: int) -> bool:
        """One of the three words before ``start`` heads a state body (وزارة، الحكومة، القوات، الخزانة)."""
        heads = self._class("body_heads")
        return any(self._stem(w) in heads for w in normalize(text[max(0, start - 60):start]).split()[-3:])

    def _governed_at(self, text: str, start: int) -> bool:
        """A preposition glued to the word at ``start`` (بالحكومة، للجيش) or standing before it (على، ضد)."""
        k = start
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        glued = normalize(text[k:start]).lstrip(self.classes.clitics)
        if glued and glued[-1] in self.classes.prep_clitics:
            return True
        prev = normalize(text[:k]).split()[-1:] if k else []
        if not prev:
            return False
        w = prev[0].lstrip(self.classes.clitics) if len(prev[0]) > 2 else prev[0]
        return prev[0] in self.classes.preps or w in self.classes.preps

    def _object_pronoun(self, sent: Sentence, h: Any) -> str | None:
        """The agreement of an object pronoun glued to a verb trigger (يهددها، اتهمه، طالبهم), when the word less
        that pronoun is still a form of the same trigger: feminine, masculine, plural or dual."""
        if h.kind not in ("past", "present") or h.n != 1:
            return None
        tok = sent.norm[h.i]
        for suffix, agr in zip(word_tuple("object_pronouns"), ("dual", "plural", "feminine", "masculine"),
                               strict=True):
            if not tok.endswith(suffix) or len(tok) - len(suffix) < 3:
                continue
            stem = tok[: -len(suffix)]
            for form in (stem, *(stem + a for a in word_tuple("plural_alif"))):  # اتهموه: the alif drops
                n, hits, _ = self.coder.lex.match_at([form], 0)
                if n and any(f.trigger.id == h.trigger.id and f.kind == h.kind for f in hits):
                    return agr
        return None

    def _clitic_object(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"رسالة من ترامب يهددها فيها بمقاضاتها": the glued object pronoun is the recipient, the nearest named
        party before it that agrees with the pronoun and is not the actor. It fills the verb's object slot, so a
        noun the object phase took after it ("اتهمتها باستهداف المدنيين") is no recipient."""
        from .coder import entity_key

        agr = self._object_pronoun(sent, h)
        if agr is None:
            return False
        found = self._antecedent(sent, h.start, agr, {entity_key(x) for x in slots.actors},
                                 int(r.params.get("sentences", 2)))
        if found is None:
            return False
        slots.recipients = [found]
        return True

    def _unnamed_subject(self, sent: Sentence, h: Any) -> bool:
        """"وحذر الاتحاد العام ...، حكومة X": a definite noun right after the verb, in no participant and no time
        word, is an overt subject the entities stage did not name (and so is one just before it that opens its
        clause); the subject is not dropped."""
        def bare_definite(k: int) -> bool:
            if k < 0 or k >= len(sent.norm) or any(a.t0 <= k < a.t1 for a in sent.args):
                return False
            w = sent.norm[k]
            return w.startswith(self.classes.article) and len(w) > 3 and w not in self._class("time_definites")

        # "إن الدول الأعضاء دعت": the same noun just before the verb, after a complementizer, is its subject too
        before = h.i - 1
        opened = before > 0 and (sent.norm[before - 1] in self._class("complementizers") or bare_definite(before - 1))
        return bare_definite(h.i + h.n) or bool(opened and bare_definite(before))

    def _place_target(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"قصف ... في سوريا": with no named target, the country where force falls."""
        if slots.recipients:
            return False
        own = {x.country for x in slots.actors if x.country}
        for a in sent.args:
            if a.is_place and slots.lo <= a.t0 < slots.hi:
                loc = a.place or self.coder.res.location(sent.text[a.start:a.end])
                if loc is not None and loc.country and loc.country not in own:
                    slots.recipients = [self.coder.res.country_entity(loc.country, loc.text)]
                    return True
        return False

    def _destination_region(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"قافلة إلى قطاع غزة", "إنزالا جويا لمساعدات على جنوب قطاع غزة": with no receiver named, the state of the
        place right after a destination preposition (a region word may stand between; a place the entities stage
        left unnamed is looked up in the gazetteer)."""
        if slots.recipients:
            return False
        own = {x.country for x in slots.actors if x.country}
        res, norm = self.coder.res, sent.norm
        for p in sent.args:
            if p.is_place and h.i < p.t0 <= slots.hi and norm[p.t0 - 1] in self._class("destination_preps"):
                if self._place_state(slots, p.place or res.location(sent.text[p.start:p.end]), own):
                    return True
        k = next((k for k in range(h.i + h.n, min(slots.hi, len(norm)) - 1)
                  if norm[k] in self._class("destination_lookup_preps")), None)
        if k is None or self._stem(norm[k + 1]) in self._class("transit_words"):
            return False
        j = k + 2 if norm[k + 1] in self._class("region_words") else k + 1
        for n in (2, 1):
            if j + n <= len(sent.toks) and not any(norm[x] in self.classes.stop for x in range(j, j + n)):
                if self._place_state(slots, res.location(sent.text[sent.toks[j][0]:sent.toks[j + n - 1][1]]), own):
                    return True
        return False

    def _people_of_place(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"مساعدات لسكان غزة", "للنازحين في السودان": people named by a place right after them stand for its
        state (aid goes to the state whose people receive it)."""
        if not slots.recipients or not all(x.kind == "group" and not x.country for x in slots.recipients):
            return False
        own = {x.country for x in slots.actors if x.country}
        grp = next((a for a in sent.args if a.entities and a.entities[0] is slots.recipients[0]), None)
        if grp is None:
            return False
        for p in sent.args:
            if not p.is_place or not grp.t1 <= p.t0 <= grp.t1 + 1:
                continue
            if self._place_state(slots, p.place or self.coder.res.location(sent.text[p.start:p.end]), own):
                return True
        return False

    def _place_state(self, slots: Slots, loc: Any, own: set[str]) -> bool:
        """The state of a place (not the actors' own) as the recipient: set it and say so."""
        if loc is None or not loc.country or loc.country in own:
            return False
        slots.recipients = [self.coder.res.country_entity(loc.country, loc.text)]
        return True

    def _envoy_country(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"طرد السفير الإيراني", "استدعاء سفيرها لدى إسرائيل", "سحب القائم بالأعمال من السويد": a diplomatic
        sanction's recipient is the envoy's state (a nationality after the envoy) or the host state (a place or
        state after لدى/في/من)."""
        envoys, preps = self._class("envoy_nouns"), self._class("envoy_preps")
        end = h.i + h.n
        k = next((k for k in range(max(0, h.i - 1), min(len(sent.norm), end + 3)) if sent.norm[k] in envoys
                  or sent.norm[k][1:] in envoys and sent.norm[k][:1] in self.classes.clitics), None)
        if k is None:
            return False
        own = {x.country for x in slots.actors if x.country}
        for a in sent.args:
            if a.t0 <= k or a.t0 > k + int(r.params.get("window", 5)):
                continue
            nationality = a.label == "NORP_OBJ"
            governed = sent.norm[a.t0 - 1] in preps or sent.norm[a.t0][:1] in self.classes.clitics and any(
                sent.norm[a.t0].startswith(p) for p in preps)
            if not (nationality or governed):
                continue
            country = next((x.country for x in a.entities if x.country), None)
            if country is None and a.is_place:
                loc = a.place or self.coder.res.location(sent.text[a.start:a.end])
                country = loc.country if loc is not None else None
            if country and country not in own:
                ent = next((x for x in a.entities if x.kind == "country"), None) or self.coder.res.country_entity(
                    country, sent.text[a.start:a.end])
                slots.recipients = [ent] + [x for x in slots.recipients if x.country != country]
                return True
        return False

    def _drop_attendees(self, sent: Sentence, h: Any, slots: Slots, r: Rule) -> bool:
        """"بحضور X", "رافقه X": those present or accompanying are no parties."""
        marks = self._class("attendance")
        drop = {id(x) for a in sent.args if a.t0 > 0 and any(
            sent.norm[k] in marks or sent.norm[k][1:] in marks for k in range(max(0, a.t0 - 2), a.t0))
            for x in a.entities}
        if not drop:
            return False
        before = len(slots.actors) + len(slots.recipients)
        slots.actors = [x for x in slots.actors if id(x) not in drop]
        slots.recipients = [x for x in slots.recipients if id(x) not in drop]
        return len(slots.actors) + len(slots.recipients) < before
