"""Validate a gold file of the real corpus (the seeds' format, ../shared/design/ANNOTATION.md).

  python eval/real/validate.py GOLD.jsonl TEXTS_DIR [--partial]

Checks: every line is JSON; one record per text (``--partial``: only that each record names a text, for an
annotation pass over part of the corpus); the record's fields have the guide's values; every event's evidence is an
exact substring of its text and every ``not_events`` quote is in the text. Prints one line per problem; exits 1 if any.
Standard library only, so annotators can run it anywhere.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
KINDS = {"article", "multi", "non-event", "ticker"}
STATUSES = {"occurred", "future", "historical"}
CONSULT_MODES = {"visit", "phone", "multilateral", "third-party", None}
ARABIC = re.compile("[\u0600-\u06ff]")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _space(s: str) -> str:
    return " ".join(s.split())


def _participants(ev: dict[str, Any], key: str, where: str) -> list[str]:
    bad = []
    groups = ev.get(key)
    if not isinstance(groups, list):
        return [f"{where}: {key} is not a list"]
    for g in groups:
        if not (isinstance(g, list) and g and all(isinstance(x, str) and x.strip() for x in g)):
            bad.append(f"{where}: {key} entry {g!r} is not a non-empty list of names")
        elif ARABIC.search(g[0]):
            bad.append(f"{where}: {key} entry {g!r} must start with the English name")
    return bad


def check_event(ev: dict[str, Any], text: str, where: str) -> list[str]:
    bad: list[str] = []
    if ev.get("type") not in TYPES:
        bad.append(f"{where}: type {ev.get('type')!r} is not a PLOVER type")
    for alt in ev.get("type_alt") or []:
        if alt not in TYPES:
            bad.append(f"{where}: type_alt {alt!r} is not a PLOVER type")
    if ev.get("type") == "CONSULT" and ev.get("mode") not in CONSULT_MODES:
        bad.append(f"{where}: CONSULT mode {ev.get('mode')!r}")
    bad += _participants(ev, "actors", where) + _participants(ev, "recipients", where)
    if not ev.get("actors") and not ev.get("recipients"):
        bad.append(f"{where}: an event needs at least one participant")
    loc = ev.get("location")
    if loc is not None and not (isinstance(loc, list) and all(isinstance(x, str) for x in loc)):
        bad.append(f"{where}: location must be null or a list of names")
    for d in [ev.get("date")] + list(ev.get("date_alt") or []):
        if d is not None and not (isinstance(d, str) and DATE.match(d)):
            bad.append(f"{where}: date {d!r} is not YYYY[-MM[-DD]]")
    if ev.get("status") not in STATUSES:
        bad.append(f"{where}: status {ev.get('status')!r}")
    evid = ev.get("evidence")
    if not isinstance(evid, str) or len(evid.strip()) < 8:
        bad.append(f"{where}: evidence missing or too short")
    elif evid not in text:
        bad.append(f"{where}: evidence is not an exact substring of the text: {evid[:60]!r}")
    if not isinstance(ev.get("core"), bool):
        bad.append(f"{where}: core must be true or false")
    if not isinstance(ev.get("scored", True), bool):
        bad.append(f"{where}: scored must be true or false")
    return bad


def check_record(rec: dict[str, Any], texts: Path) -> list[str]:
    doc = rec.get("doc")
    path = texts / str(doc)
    if not doc or not path.is_file():
        return [f"{doc}: no such text in {texts}"]
    text = path.read_text(encoding="utf-8")
    bad: list[str] = []
    pub = rec.get("published")
    if pub is not None and not (isinstance(pub, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", pub)):
        bad.append(f"{doc}: published {pub!r} is not YYYY-MM-DD or null")
    if rec.get("kind") not in KINDS:
        bad.append(f"{doc}: kind {rec.get('kind')!r}")
    events = rec.get("events")
    if not isinstance(events, list):
        return bad + [f"{doc}: events is not a list"]
    for i, ev in enumerate(events):
        bad += check_event(ev, text, f"{doc} event {i}") if isinstance(ev, dict) else [f"{doc} event {i}: not an object"]
    for q in rec.get("not_events") or []:
        if not isinstance(q, str) or _space(q) not in _space(text):
            bad.append(f"{doc}: not_events quote is not in the text: {str(q)[:60]!r}")
    return bad


def validate(gold: Path, texts: Path, partial: bool = False) -> list[str]:
    bad: list[str] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            bad.append(f"{gold.name}:{n}: not JSON: {e}")
            continue
        if not isinstance(rec, dict):
            bad.append(f"{gold.name}:{n}: not an object")
            continue
        seen[rec.get("doc")] = seen.get(rec.get("doc"), 0) + 1
        bad += check_record(rec, texts)
    bad += [f"{doc}: {k} gold lines" for doc, k in seen.items() if k > 1]
    if not partial:
        bad += [f"{p.name}: no gold line" for p in sorted(texts.glob("*.txt")) if p.name not in seen]
    return bad


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__)
        return 2
    bad = validate(Path(args[0]), Path(args[1]), partial="--partial" in argv)
    for b in bad:
        print(b)
    print(f"{len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
