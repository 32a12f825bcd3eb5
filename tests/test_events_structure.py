"""Structure of the event coder: Arabic words live in data files, not in its Python (the redesign's ratchet)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from marsad.events.words import _classes, word_set, word_tuple

EVENTS = Path(__file__).resolve().parents[1] / "src" / "marsad" / "events"
ARABIC = re.compile("[\u0600-\u06ff]")
# Lower this as literals move into rule and word files (target: 40). It may never rise.
MAX_ARABIC_LITERALS = 0
# No function of the coder is longer than this (the redesign splits long ones into phases)
MAX_FUNCTION_LINES = 80
# functions still over the limit, to shrink to nothing ("file.py:name"); none left
LONG_FUNCTIONS: frozenset[str] = frozenset()


def _arabic_literals() -> int:
    n = 0
    for f in EVENTS.glob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        # docstrings quote Arabic examples (they document, they match nothing): only code literals count
        docs = {id(x.value) for x in ast.walk(tree) if isinstance(x, ast.Expr) and isinstance(x.value, ast.Constant)}
        n += sum(1 for x in ast.walk(tree) if isinstance(x, ast.Constant) and isinstance(x.value, str)
                 and id(x) not in docs and ARABIC.search(x.value))
    return n


def test_arabic_literals_in_the_coder_only_go_down() -> None:
    assert _arabic_literals() <= MAX_ARABIC_LITERALS


def _long_functions() -> set[str]:
    out = set()
    for f in EVENTS.glob("*.py"):
        for x in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(x, (ast.FunctionDef, ast.AsyncFunctionDef)) and x.end_lineno is not None \
                    and x.end_lineno - x.lineno + 1 > MAX_FUNCTION_LINES:
                out.add(f"{f.name}:{x.name}")
    return out


def test_no_function_in_the_coder_is_long() -> None:
    assert _long_functions() <= LONG_FUNCTIONS, "split it into phase functions"


def test_word_classes_load_as_immutable_words() -> None:
    classes = _classes()
    assert len(classes) >= 20
    assert all(classes.values()), "an empty word class"
    assert isinstance(word_set("preps"), frozenset) and isinstance(word_tuple("place_prep"), tuple)


def test_the_coder_keeps_no_article_state() -> None:
    """The discourse state is an ArticleState passed along: coding an article leaves no field on the coder."""
    from marsad.events.coder import Coder
    from marsad.model import Article

    coder = Coder()
    before = set(vars(coder))
    text = "وصل الرئيس المصري إلى باريس. واستقبله الرئيس الفرنسي في قصر الإليزيه، وبحثا العلاقات بين البلدين."
    coder.code(Article(id="a", source_path="", text=text, title="الرئيسان يبحثان العلاقات"))
    assert set(vars(coder)) - before <= {"_motives"}  # (a cached word list, the same for every article)
