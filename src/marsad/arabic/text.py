"""Tokens and sentences with character offsets into the original text."""

from __future__ import annotations

import re

# A token is a run of letters/digits (Arabic or Latin) with their diacritics, or one punctuation mark. Arabic
# punctuation (، ؛ ؟ ٪ ٫ ٬ ۔) is not part of a word even though it sits in the Arabic block.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640"
_TOKEN = re.compile(rf"[\w{_MARKS}]+|[^\w\s]", re.UNICODE)
# Sentence ends: . ! ? ؟ and the Arabic full stop, followed by space; also hard line breaks.
_SENT_END = re.compile(r"(?<=[.!?؟۔…])[\"'”»)]*\s+|\n+")
_ABBREV = {"د", "م", "ج", "ص", "ق", "أ", "ا", "Dr", "Mr", "St"}


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, token) triples for text[start:end], offsets into ``text``."""
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as (start, end) offsets, whitespace trimmed, empty pieces skipped.

    Splits on terminal punctuation followed by space and on line breaks; a one-letter abbreviation before a period
    ('د.' for doctor) does not end a sentence.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        cut = m.start()
        piece = text[pos:cut]
        if m.group().strip() == "" and "\n" not in m.group():
            last = piece.rstrip(".").split()[-1:] if piece else []
            if last and last[0] in _ABBREV:
                continue
        _add(text, pos, cut, out)
        pos = m.end()
    _add(text, pos, len(text), out)
    return out


def _add(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))
