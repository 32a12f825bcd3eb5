"""Bytes → text: BOM, declared charset, strict UTF-8, an Arabic-aware windows-1256 check, then charset-normalizer.

Arabic pages in windows-1256 are common and generic detectors often call them cp1252/latin-1 or mac-arabic, so
windows-1256 is tried explicitly and kept when the result is mostly Arabic letters.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
_ARABIC = re.compile("[\u0600-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
# Labels browsers treat as windows-1256 or that are usually mislabelled windows-1256.
_ALIASES = {"windows-1256": "cp1256", "win-1256": "cp1256", "x-cp1256": "cp1256", "cp1256": "cp1256",
            "iso-8859-6": "iso-8859-6", "arabic": "cp1256", "x-user-defined": "cp1256"}


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise (binary junk)."""


def declared_charset(raw: bytes, sniff: int = 65536) -> str | None:
    """Charset named by an HTML <meta> or XML declaration near the top (HTML5 puts it in the first 1024 bytes;
    legacy pages a little further down, so up to 8 KB of ``sniff`` is searched)."""
    head = raw[: min(sniff, 8192)]
    m = _META.search(head) or _XML.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii", "ignore").strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def control_ratio(text: str) -> float:
    if not text or not _CONTROL.search(text, 0, 20000):
        return 0.0
    return len(_CONTROL.findall(text[:20000])) / min(len(text), 20000)


def arabic_ratio(text: str) -> float:
    sample = text[:20000]
    letters = len(_LETTER.findall(sample))
    return len(_ARABIC.findall(sample)) / letters if letters else 0.0


def _looks_like_text(text: str, max_control_ratio: float) -> bool:
    """Real text has word spaces and few control characters; random bytes decoded as some charset do not."""
    sample = text[:20000]
    if not sample:
        return False
    spaces = sum(1 for ch in sample if ch.isspace())
    return control_ratio(sample) <= max_control_ratio and spaces / len(sample) >= 0.04


def _mostly_utf8(text: str) -> bool:
    """Decoded as UTF-8 with replacement: most non-ASCII characters came out whole. Legacy single-byte Arabic
    (windows-1256) almost never forms a valid multi-byte sequence, so it fails this; UTF-8 with 1% bad bytes
    passes it (a cp1256 reading would turn its every Arabic letter into mojibake)."""
    bad = text.count("\ufffd")
    if bad <= max(2, len(text) // 200):
        return True
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= 4 * bad


def decode_bytes(raw: bytes, hint: str | None = None, html: bool = False, sniff: int = 65536,
                 max_control_ratio: float = 0.02) -> tuple[str, str]:
    """Decode ``raw`` and return (text, encoding name). Raises DecodeError for binary junk."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            return raw.decode(enc, errors="replace").lstrip("\ufeff"), enc
    if b"\x00" in raw[:sniff]:
        raise DecodeError("binary content (NUL bytes), not a text or HTML page")
    candidates: list[str] = []
    if hint:
        try:
            candidates.append(codecs.lookup(_ALIASES.get(hint.lower(), hint)).name)
        except LookupError:
            pass
    if html:
        declared = declared_charset(raw, sniff)
        if declared:
            candidates.append(declared)
    candidates.append("utf-8")
    for enc in candidates:
        # A page labelled latin-1/cp1252 that is valid UTF-8 is UTF-8 (a very common mislabel).
        if enc in ("iso8859-1", "cp1252", "latin-1", "ascii") and enc != candidates[-1]:
            continue
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if control_ratio(text) > max_control_ratio:
            raise DecodeError("binary content (control characters), not a text or HTML page")
        return text, enc
    # UTF-8 with stray bytes (a truncated multi-byte character, a few bad bytes): keep it, mark the damage.
    text = raw.decode("utf-8", errors="replace")
    if _mostly_utf8(text) and _looks_like_text(text.replace("\ufffd", ""), max_control_ratio):
        return text, "utf-8"
    # Not UTF-8: most Arabic legacy pages are windows-1256.
    try:
        text = raw.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if text and arabic_ratio(text) >= 0.5 and _looks_like_text(text, max_control_ratio):
        return text, "cp1256"
    from charset_normalizer import from_bytes  # imported lazily: only non-UTF-8, non-Arabic pages get here

    best = from_bytes(raw[: max(sniff * 4, 262144)]).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable bytes: no text encoding fits")
    text = raw.decode(best.encoding, errors="replace")
    if not _looks_like_text(text, max_control_ratio) or text.count("\ufffd") > max(8, len(text) // 100):
        raise DecodeError("undecodable bytes: no text encoding fits")
    return text, best.encoding
