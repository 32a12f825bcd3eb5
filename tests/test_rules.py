"""Every example in the rule file (data/events/rules.yaml) runs here: the rules are data, their examples are tests.

An example is ``{text, type, actors, recipients}`` (an event of that type whose actors/recipients include those
words, and none of ``no_parties`` among its parties) or ``{text, none: TYPE}`` (no event of that type). The CRF backend keeps this fast and deterministic.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest

from marsad.arabic import normalize, sentences
from marsad.dates import DateStep
from marsad.entities.resolve import EntityStep
from marsad.events import EventStep
from marsad.events.engine import load_rules
from marsad.model import Article

EXAMPLES = [(r.id, i, ex) for r in load_rules().rules for i, ex in enumerate(r.examples)]


@lru_cache(maxsize=1)
def _steps() -> tuple[Any, ...]:
    return DateStep(), EntityStep(ner_backend="crf"), EventStep(settings={"gate": False, "rule_engine": "all"})


def _code(text: str) -> list[Any]:
    a = Article(id="x", source_path="/tmp/x.txt", text=text)
    a.sentences = sentences(text)
    for step in _steps():
        a = step.process(a)
    return a.events


def _has(parties: list[Any], words: list[str]) -> bool:
    texts = [normalize(p.text) for p in parties]
    return all(any(normalize(w) in t or t in normalize(w) for t in texts) for w in words)


def test_rule_file_loads_and_every_rule_has_an_id() -> None:
    rules = load_rules()
    ids = [r.id for r in rules.rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("rule", "n", "ex"), EXAMPLES, ids=[f"{r}#{n}" for r, n, _ in EXAMPLES])
def test_rule_example(rule: str, n: int, ex: dict[str, Any]) -> None:
    events = _code(ex["text"])
    if "none" in ex:
        assert not [e for e in events if e.type == ex["none"]], (rule, [(e.type, e.why) for e in events])
        return
    hits = [e for e in events if e.type == ex["type"] and _has(e.actors, ex.get("actors", []))
            and _has(e.recipients, ex.get("recipients", []))
            and not any(_has(e.actors + e.recipients, [w]) for w in ex.get("no_parties", []))]
    assert hits, (rule, [(e.type, [a.text for a in e.actors], [r.text for r in e.recipients]) for e in events])
