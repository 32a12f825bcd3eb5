"""Page text → article parts: drop tickers, menus, UI strings and related/most-read blocks; find title, stamp,
dateline and body; split pages that hold several stamped articles.

The page is read as lines. Each line gets a kind (ticker, crumb, related header, stamp, UI, text); hard-wrapped
text is re-joined; "blocks" are the stretches between structural lines (ticker, crumb, related header, stamp).
A block with enough body text is an article body; its title is the first title-like line above the body (in the
block's head, or just above the stamp that precedes it); its date comes only from a stamp next to it, never from a
header date at the top of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..arabic import normalize, normalize_with_map
from .lexicon import Lexicon, lexicon
from .stamps import find_date, has_time, stamp_date

BLANK, TEXT, UI, TICKER, CRUMB, RELATED, STAMP = "blank", "text", "ui", "ticker", "crumb", "related", "stamp"
SOURCE = "source"  # "المصدر: الوفاق" closes a story: on digest pages it parts one item from the next
STRUCTURAL = (TICKER, CRUMB, RELATED, STAMP, SOURCE)
_SOURCE_LINE = re.compile(r"^\W*(?:المصدر|مصدر الخبر|source)\s*[:：]\s*\S", re.I)
_TERMINAL = ".!?؟"
_CLOSERS = "\"'”»)]’ \u00a0"
_DOMAIN = re.compile(r"(?<![\w.@-])((?:www\.)?[a-z0-9][a-z0-9-]{1,62}(?:\.[a-z0-9-]{2,})*\.(?:com|net|org|info|news|"
                     r"ae|ma|dz|tn|eg|sa|iq|sy|lb|jo|ps|qa|kw|om|ye|ly|sd|bh|mr|tv|co|me|io|fr|uk|tr|ru|de|online|"
                     r"press|site|media))(?![\w-])", re.I)
_PUBLISH_WORDS = re.compile(r"نشر|تاريخ|تحديث|published|updated|posted|date", re.I)
_PUBLISHED = re.compile(r"نشر|published|posted|publié", re.I)
_UPDATED = re.compile(r"تحديث|محدث|عدل|updated|modified|mis à jour", re.I)


@dataclass
class Line:
    kind: str
    text: str  # original characters, outer whitespace trimmed
    date: str | None = None  # stamps: the date
    residue: str = ""  # stamps: words besides the date
    long: bool = False  # text: a body paragraph


@dataclass
class Parts:
    """One article found in a page."""

    title: str | None = None
    published: str | None = None
    dateline: str | None = None
    outlet: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    published_source: str | None = None  # which signal gave ``published`` (see extract/provenance.py)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _strip(s: str) -> str:
    return s.strip(" \t\u00a0\u200f\u200e\u200b\ufeff\r")


def _ends_sentence(s: str) -> bool:
    t = s.rstrip(_CLOSERS)
    return bool(t) and t[-1] in _TERMINAL and not t.endswith("..")


def _words(s: str) -> int:
    return len(s.split()) if len(s) < 200 else s.count(" ") + 1  # long lines: a count is close enough, and cheap


def _any_in(s: str, needles: tuple[str, ...]) -> bool:
    return any(map(s.__contains__, needles))  # C-level loop: this runs for every line of every page


# -- line kinds ---------------------------------------------------------------------------------------------------
def is_ticker(raw: str, lx: Lexicon) -> bool:
    c = lx.cfg
    if not _any_in(raw, lx.gap_hints):
        return False
    if len(raw) >= int(c["ticker_min_chars"]):
        segs = [x for x in lx.ticker_split.split(raw) if x and x.strip()]
        if len(segs) >= int(c["ticker_min_segments"]) and \
                sum(len(x) for x in segs) / len(segs) <= float(c["ticker_max_segment_chars"]):
            return True
    # A short ticker ("عاجل: خبر    خبر    خبر"): a few headlines parted by wide gaps. Prose never holds runs of
    # three spaces between clauses, and menus (one- or two-word items) are left to _is_menu.
    segs = [x.strip() for x in lx.ticker_wide_split.split(raw) if x.strip()]
    if len(segs) < int(c["ticker_wide_min_segments"]):
        return False
    if sum(_ends_sentence(x) for x in segs) > 1 or any(_words(x) < 3 for x in segs):
        return False
    return sum(len(x) for x in segs) / len(segs) <= float(c["ticker_max_segment_chars"])


def _is_menu(raw: str, lx: Lexicon) -> bool:
    """'الرئيسية | سياسة | اقتصاد | رياضة' or the same parted by wide gaps: navigation, never a title or body."""
    if len(raw) > 300:
        return False
    segs = [x.strip() for x in lx.menu_split.split(raw) if x.strip()]
    if len(segs) < int(lx.cfg["menu_min_segments"]):
        return False
    most = int(lx.cfg["menu_max_item_words"])
    return all(_words(x) <= most and not _ends_sentence(x) for x in segs)


def _is_related(n: str, lx: Lexicon) -> tuple[bool, bool]:
    """(is a related header, has text after it on the same line)"""
    t = n.strip(" :：-–—|»«>.…\u00a0")
    if len(t) > int(lx.cfg["related_max_chars"]) + 80:
        return False, False
    for h in lx.related:
        if t == h:
            return True, False
        if t.startswith(h) and len(t) > len(h) and t[len(h):].lstrip()[:1] in (":", "：", "-", "–", "—", "|", "»"):
            # "اقرأ أيضا: عنوان" (a header with its teaser); a sentence that merely starts with the words is not
            rest = t[len(h):].strip(" :：-–—|»")
            return True, bool(rest)
    return False, False


def _is_crumb(n: str, raw: str, lx: Lexicon) -> bool:
    if len(raw) > 250:
        return False
    for root in lx.crumb_roots:
        if n.startswith(root):
            rest = n[len(root):]
            if not rest.strip() or not rest[:1].isspace() or rest.lstrip()[:1] in "»«>›/|\\:-–":
                return True
    seps = sum(raw.count(f" {s} ") for s in lx.crumb_separators if s not in ("/", "|"))
    return seps >= 2 and len(raw) <= 150 and not _ends_sentence(raw)


def _is_ui(n: str, raw: str, lx: Lexicon) -> bool:
    if len(raw) <= 300 and lx.ui_patterns.search(n):
        return True
    if len(raw) > int(lx.cfg["ui_max_chars"]):
        return False
    bare = re.sub(r"[^\w\s]|\d|_", " ", n)
    bare = " ".join(bare.split())
    if bare in lx.ui_exact or not bare or bare in lx.agencies:
        return True  # an agency code alone ("/ قنا /", "(واج)", "ومع") closes a wire story
    return bool(lx.ui_phrases.search(n))


def classify(raw_line: str, lx: Lexicon) -> Line:
    raw = _strip(raw_line)
    if not raw:
        return Line(BLANK, "")
    if is_ticker(raw_line, lx):
        return Line(TICKER, raw)
    # Only short lines can be labels, stamps or UI: long paragraphs skip the (costly) normalisation.
    short = len(raw) <= max(int(lx.cfg["ui_max_chars"]), int(lx.cfg["related_max_chars"]) + 80)
    n = normalize(raw) if short or (len(raw) <= 300 and lx.long_line_hints.search(raw.lower())) else ""
    if n:
        rel, inline = _is_related(n, lx)
        if rel:
            return Line(UI if inline else RELATED, raw)
        if len(raw) <= 80 and _SOURCE_LINE.match(n):
            return Line(SOURCE, raw)
        if "(@" in raw and lx.ui_patterns.search(n):
            return Line(UI, raw)  # an embedded tweet's signature carries a date but is no publication stamp
        st = stamp_date(raw, n)
        if st and not (st[1] and _ends_sentence(raw)):  # "وفي 12 مايو 2024 وقع الطرفان..." is a sentence
            return Line(STAMP, raw, date=st[0], residue=st[1])
        if _is_crumb(n, raw, lx):
            return Line(CRUMB, raw)
        if _is_ui(n, raw, lx):
            return Line(UI, raw)
    elif lx.crumb_hint.match(raw) and _is_crumb(normalize(raw[:40]), raw, lx):
        return Line(CRUMB, raw)
    if _any_in(raw, lx.gap_hints) and _is_menu(raw, lx):
        return Line(UI, raw)
    if lx.inline_hints.search(raw):
        raw = cut_inline_related(raw, n, lx)
    line = Line(TEXT, raw)
    c = lx.cfg
    line.long = (len(raw) >= int(c["body_min_chars"]) and _words(raw) >= int(c["body_min_words"])) or (
        len(raw) >= int(c["short_para_min_chars"]) and _ends_sentence(raw))
    return line


def cut_inline_related(raw: str, n: str, lx: Lexicon) -> str:
    """'... آخر جملة. وقد يهمك أيضا : عنوان خبر آخر' → '... آخر جملة.'"""
    m = lx.inline_raw.search(raw)  # the usual spellings, found on the raw text without normalising it
    if m:
        return raw[: m.start() + 1].rstrip()
    if not n:
        return raw  # long paragraph with diacritics inside the header: rare, not worth a normalisation pass
    m = lx.inline_related.search(n)
    if not m:
        return raw
    if len(n) == len(raw):  # normalisation kept every character: offsets agree
        return raw[: m.start() + 1].rstrip()
    norm, where = normalize_with_map(raw)
    m = lx.inline_related.search(norm)
    return raw[: where[m.start()] + 1].rstrip() if m else raw


# -- re-joining hard-wrapped text ---------------------------------------------------------------------------------
def reflow(lines: list[Line], lx: Lexicon) -> list[Line]:
    """Join hard-wrapped paragraphs: consecutive short lines without final punctuation that end in a line with it.

    Headline lists (no final punctuation anywhere) are left alone; a short title-like first line of a block is not
    glued to the text under it.
    """
    wrap = int(lx.cfg["wrap_max_chars"])
    out: list[Line] = []
    i = 0
    seen_long = False
    while i < len(lines):
        ln = lines[i]
        if ln.kind != TEXT:
            if ln.kind in STRUCTURAL:
                seen_long = False
            out.append(ln)
            i += 1
            continue
        j = i
        while (j < len(lines) and lines[j].kind == TEXT and len(lines[j].text) <= wrap
               and not _ends_sentence(lines[j].text) and not lines[j].text.endswith(("…", "...", ":"))
               and not _dateline_line(lines[j].text, lx)):  # "كتب - فلان" between title and body stays apart
            j += 1
        if (j > i and j < len(lines) and lines[j].kind == TEXT and _ends_sentence(lines[j].text)
                and len(lines[j].text) <= wrap):
            group = lines[i:j + 1]
            if not seen_long and _words(group[0].text) >= 3:
                widths = [len(g.text) for g in group[1:-1]] or [len(group[-1].text)]
                if len(group[0].text) < 0.75 * max(widths):
                    out.append(group[0])  # a title above wrapped text, not part of it
                    group = group[1:]
            joined = classify(" ".join(g.text for g in group), lx) if len(group) > 1 else group[0]
            out.append(joined)
            seen_long = seen_long or joined.long
            i = j + 1
            continue
        seen_long = seen_long or ln.long
        out.append(ln)
        i += 1
    return out


# -- blocks and articles ------------------------------------------------------------------------------------------
@dataclass
class Block:
    lines: list[Line]
    before: list[Line]  # structural lines between the previous block and this one

    def long_chars(self) -> int:
        return sum(len(x.text) for x in self.lines if x.kind == TEXT and x.long)


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    cur: list[Line] = []
    before: list[Line] = []
    for ln in lines:
        if ln.kind in STRUCTURAL:
            if cur:
                blocks.append(Block(cur, before))
                cur, before = [], []
            before.append(ln)
        elif ln.kind != BLANK or cur:
            cur.append(ln)
    if cur or before:
        blocks.append(Block(cur, before))
    return blocks


def _title_ok(s: str, lx: Lexicon) -> bool:
    c = lx.cfg
    if not (_words(s) >= int(c["title_min_words"]) and len(s) <= int(c["title_max_chars"])):
        return False
    if _PHOTO_CREDIT.search(normalize(s)):
        return False  # "مظاهرات في فرنسا ... تصوير : آخرون": a picture's caption under the stamp, not the title
    t = s.rstrip(_CLOSERS)
    if t.endswith(("...", "…", ":", "،", ",")):
        return False  # truncated breadcrumb or teaser, or a label
    return not (t.endswith(".") and len(t) > 120)


def _dateline_line(s: str, lx: Lexicon) -> bool:
    if _words(s) <= lx.byline_max_words and lx.byline.match(s):
        return True  # "كتب محمد أحمد": a byline is kept with the dateline, never taken for the title
    return _words(s) <= 6 and bool(lx.dateline_line.match(s)) and not _ends_sentence(s)


_SLASH_DATELINE = re.compile(r"^\s*([^\d/()،,.:]{2,30}?)\s*(?:في\s+\d{1,2}\s+[^\s/]+(?:\s+\d{4})?\s*)?/\s*([^/]{2,20}?)\s*/")


def _inline_dateline(first: str, lx: Lexicon) -> str | None:
    ms = _SLASH_DATELINE.match(first)
    if ms and normalize(ms.group(2)).strip() in lx.agencies:
        return first[:ms.end()].strip()  # Gulf agencies: "الدوحة / قنا/", "أبوظبي في 20 مايو/ وام/"
    m = lx.dateline_prefix.match(first)
    if not m:
        return None
    head = m.group(1).strip()
    sep = first[m.end() - 2:m.end()].strip() or first[m.end() - 1]
    nh = normalize(head)
    m_at = re.match(r"^(.{2,40}?[-–—].{2,30}?)\s+في\s+", first)
    if m_at and find_date(first[m_at.end():m_at.end() + 60]) and _words(m_at.group(1)) <= 6:
        return m_at.group(1).strip()  # "شهد محمد - ابوظبي في السبت 16 أغسطس 2025 ..."
    if m.group(2):  # "موسكو (رويترز) -"
        return first[:m.end()].strip(" -–—:")
    if _words(head) > 3 or nh[:1] in ("و", "ف") and _words(head) == 1 and len(nh) > 4 and sep == ":":
        return None
    if sep == ":" and _words(head) > 1:
        return None
    if any(a in nh for a in lx.agencies) or sep in "-–—" or sep == ":":
        end = m.end()
        # "الدوحة - قنا: ..." : the agency after the place belongs to the dateline
        m2 = re.match(r"\s*([^\s:،,.\-–—]{2,12}(?:\s[^\s:،,.\-–—]{1,8})?)\s*[:\-–—]\s", first[end:])
        if m2 and normalize(m2.group(1)) in lx.agencies:
            end += m2.end()
        return first[:end].strip(" -–—:")
    return None


_DATED_DATELINE_HEAD = re.compile(r"^\s*([^\d()،,:.!?؟\-–—]{2,30}?)\s*(\([^()\d]{1,20}\))?\s*[-–—،,:]?\s*(?:في)?\s*$")


def dated_dateline(line: str, lx: Lexicon, max_words: int = 3) -> str | None:
    """The place of a "city + date" dateline line ("مقديشو 2 يناير 2024 م", "بيروت (رويترز) – 2 يناير 2024",
    "القاهرة، الثلاثاء 2 يناير 2024"), else None: a place of one to three words (and an agency in brackets) before
    the date and nothing after it but the era mark. A bare date, or a weekday and a date, with no place before it
    is a site header's "today", not this story's dateline."""
    norm, where = normalize_with_map(line)
    found = find_date(norm, normalized=True)
    if found is None or not found[1] or not lx.dated_dateline_tail.match(norm[found[2]:]):
        return None
    head = re.sub(rf"(?<!\w)(?:{lx.weekday_re})(?!\w)", lambda w: " " * len(w.group()), norm[:found[1]],
                  flags=re.I)  # "القاهرة، الثلاثاء 2 يناير": the weekday belongs to the date (same length: offsets hold)
    m = _DATED_DATELINE_HEAD.match(head)
    if not m or not 1 <= _words(m.group(1)) <= max_words or _PUBLISH_WORDS.search(m.group(1)) or \
            lx.stamp_head.search(m.group(1)):
        return None  # "نشر في 2 يناير 2024", "آخر تحديث ...", "اليوم 2 يناير 2024" are stamps, not places
    end = m.end(2) if m.group(2) else m.end(1)
    return line[where[m.start(1)]:where[end - 1] + 1].strip()


_INLINE_DATELINE_END = re.compile(r"\s*(?:\([^()\d]{1,20}\)\s*)?[-–—:|]\s")


def inline_dated_dateline(first: str, lx: Lexicon) -> tuple[str, str] | None:
    """(place, date) of a "city + date" dateline that opens the first paragraph and a dash or colon ends
    ("باريس، 2 يناير 2024 - ...", "باريس 2 يناير 2024 (أ ف ب) - ..."); the place is one or two words here, as
    a sentence's own subject and date ("أعلن الرئيس في 2 يناير 2024") must not pass for one."""
    window = first[: int(lx.cfg["intext_stamp_window"])]
    norm, where = normalize_with_map(window)
    found = find_date(norm, normalized=True)
    if found is None or not found[1]:
        return None
    m = _INLINE_DATELINE_END.match(norm, found[2])
    if m is None or norm[:found[1]].split()[-1:] == ["في"]:
        return None  # "أعلن الرئيس في 2 يناير 2024 -": a clause and its date, not a place and a dateline
    head = norm[:m.end()].rstrip(" -–—:|")
    place = dated_dateline(window[:where[len(head) - 1] + 1], lx, max_words=2)
    return (place, found[0]) if place else None


def _agency_in(line: str, lx: Lexicon) -> bool:
    return any(w.strip("()[]") in lx.agencies for w in normalize(line).split())


def _stamp_dateline(line: str) -> str | None:
    """The place and agency before the date of a stamp line ("الرياض - واس - 15 رمضان 1444 هـ" → "الرياض - واس")."""
    norm, where = normalize_with_map(line)
    found = find_date(norm, normalized=True)
    if found is None or not found[1]:
        return None
    head = line[:where[found[1]]].strip(" -–—:،,|")  # the date's offset in the raw line
    return head if head and _words(head) <= 4 else None


def _intext_stamp(first: str, lx: Lexicon) -> str | None:
    """A stamp inside the first paragraph: a date with a time, or a date inside the dateline prefix."""
    window = first[: int(lx.cfg["intext_stamp_window"])]
    n = normalize(window)
    found = find_date(n, normalized=True)
    if not found:
        return None
    iso, a, b = found
    tail = n[b:b + 25]
    # "الرباط - 14-4-2025 (ومع) - ...": the agency code may sit between the date and the dash
    if has_time(tail) or re.match(r"\s*(?:\([^()]{1,20}\)\s*)?[-–—|]", tail):
        return iso
    return None


def _outlet_hints(lines: list[Line], lx: Lexicon) -> str | None:
    for ln in lines:
        if ln.kind == STAMP:
            m = lx.stamp_outlet.search(ln.text + " ")
            if m:
                return m.group(1).strip()
    for ln in lines:
        if ln.kind in (UI, TEXT) and len(ln.text) <= 160:
            n = ln.text.lower()
            if ln.kind == TEXT and not re.search(r"©|rights|حقوق|view on|powered", n):
                continue
            m = _DOMAIN.search(n)
            if m:
                return m.group(1).removeprefix("www.")
    for ln in lines:
        if ln.kind == UI and len(ln.text) <= 160:
            name = copyright_outlet(ln.text, lx)
            if name:
                return name
    return None


def copyright_outlet(text: str, lx: Lexicon) -> str | None:
    """The outlet a copyright line names ('جميع الحقوق محفوظة لصحيفة المثال 2023' → 'صحيفة المثال')."""
    m = lx.copyright_outlet.search(text)
    if not m:
        return None
    name = m.group(1).strip(" -–:،,.")
    low = name.lower()
    if not name or _words(name) > 5 or any(w in low for w in ("rights", "copyright", "حقوق", "محفوظ")):
        return None
    return name


def _masthead(s: str, lx: Lexicon, outlet: str | None = None) -> bool:
    """'وكالة الأنباء القطرية', 'واس | وكالة الأنباء السعودية', 'بي بي سي نيوز عربي' (the outlet the copyright line
    names): the site's name, on its own or beside a code."""
    n = normalize(s)
    if outlet and _words(s) <= 6 and n.startswith(normalize(outlet)):
        return True
    parts = [p.strip() for p in re.split(r"\s[|\-–—]\s", n)]
    return _words(s) <= 7 and any(_words(p) <= 5 and p.startswith(w + " ") for p in parts for w in lx.mastheads)


def _pick_title(cands: list[str], lx: Lexicon, outlet: str | None = None) -> str | None:
    """The headline among title-like head lines: the first one, unless it is a masthead or a three-word section
    label ('أخبار العالم العربي') above a longer line. Decks (subtitles) come under the headline and are often longer
    than it, so the longest line is not the headline."""
    cands = [c for c in cands if not _masthead(c, lx, outlet)]
    if not cands:
        return None
    longest = max(len(c) for c in cands)
    return next((c for c in cands if _words(c) > 3 or len(c) >= 0.5 * longest), cands[0])


def _take_tail_title(block: Block, lx: Lexicon) -> tuple[list[str], int]:
    """Title-like lines at the end of a block (just above the stamp that opens the next article)."""
    idx = len(block.lines)
    taken: list[str] = []
    while idx > 0:
        ln = block.lines[idx - 1]
        if ln.kind in (BLANK, UI):
            idx -= 1
            continue
        if ln.kind == TEXT and not ln.long and len(taken) < 3 and len(ln.text) <= int(lx.cfg["title_max_chars"]):
            taken.insert(0, ln.text)
            idx -= 1
            continue
        break
    return taken, idx


def extract_parts(text: str, lx: Lexicon | None = None) -> list[Parts]:
    lx = lx or lexicon()
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, x in enumerate(raw_lines[:12]):
        for rx in lx.title_templates:
            m = rx.match(x.strip())
            if m:
                raw_lines[i] = m.group("title")  # "انتم الان تتابعون خبر X من قسم ..." → X
                break
    first = next((i for i, x in enumerate(raw_lines) if x.strip()), None)
    if first is not None and (m := lx.leading_stamp.match(raw_lines[first])):
        # "date 2025-09-16 headline": the stamp on a line of its own (labelled: not the site header's "today")
        raw_lines[first:first + 1] = [f"نشر في: {m.group(1)}", m.group(2)]
    lines = reflow([classify(x, lx) for x in raw_lines], lx)
    # A bare date on the first line of a page is the site header's "today", unless it says it is a publication.
    for ln in lines:
        if ln.kind == BLANK:
            continue
        # "الرياض - واس - 6 أبريل 2023", "مقديشو 2 يناير 2024 م": a dateline, not "today"
        if ln.kind == STAMP and not has_time(ln.text) and not _PUBLISH_WORDS.search(ln.text) and \
                not _agency_in(ln.text, lx) and dated_dateline(ln.text, lx) is None:
            ln.kind, ln.date = UI, None
        break
    blocks = _blocks(lines)
    outlet = _outlet_hints(lines, lx)
    min_chars = int(lx.cfg["article_min_chars"])
    arts: list[Parts] = []
    for bi, block in enumerate(blocks):
        if block.before and block.before[-1].kind == RELATED:
            if arts and _see_also_continuation(block, block.before[-1], lx):
                arts[-1].paragraphs.extend(_body(_skip_teasers(block.lines), lx))
            continue  # the list under a "related" / "most read" header
        if block.long_chars() < min_chars:
            continue
        stamp = block.before[-1] if block.before and block.before[-1].kind == STAMP else None
        if stamp is not None:
            # "نشر في: 3 نوفمبر" above "آخر تحديث: 5 نوفمبر": the publication, not the update
            run = []
            for ln in reversed(block.before):
                if ln.kind != STAMP:
                    break
                run.insert(0, ln)
            if len(run) > 1:
                stamp = next((ln for ln in run if _PUBLISHED.search(ln.text) and not _UPDATED.search(ln.text)), stamp)
        first = next(i for i, x in enumerate(block.lines) if x.kind == TEXT and x.long)
        head = [x.text for x in block.lines[:first] if x.kind == TEXT]
        if not any(_title_ok(h, lx) for h in head) and _headline_first(block, first, lx):
            # a long headline (no final stop) with the body paragraphs below it
            first = next(i for i, x in enumerate(block.lines) if i > first and x.kind == TEXT and x.long)
            head = [x.text for x in block.lines[:first] if x.kind == TEXT]
        # title: in the head, else just above the stamp (end of the previous block)
        title: str | None = None
        lead: list[str] = []
        dateline: str | None = None
        window = head[-int(lx.cfg["title_window"]):]  # the lines nearest the body: mastheads and menus sit above
        best = _pick_title([h for h in window if _title_ok(h, lx) and not _dateline_line(h, lx)], lx, outlet)
        for k, h in enumerate(head):
            if dateline is None and _dateline_line(h, lx):
                dateline = h
                continue
            if title is None:
                if h == best:
                    title = h  # lines above the title are masthead/labels: dropped
                continue
            nxt = head[k + 1] if k + 1 < len(head) else ""
            if nxt.startswith(h):
                continue  # a truncated copy of the next line
            lead.append(h)
        if title is None and stamp is not None and bi > 0:
            prev = blocks[bi - 1]
            tail, cut = _take_tail_title(prev, lx)
            cands = [t for t in tail if not _dateline_line(t, lx)]
            best = _pick_title([t for t in cands if _title_ok(t, lx)], lx, outlet)
            if best is not None:
                title = best
                lead = cands[cands.index(best) + 1:] + lead
                dl = [t for t in tail if _dateline_line(t, lx)]
                dateline = dateline or (dl[0] if dl else None)
                if prev.long_chars() >= min_chars:
                    prev.lines = prev.lines[:cut]  # those lines belong to this article, not the previous body
                    if arts and arts[-1].paragraphs and arts[-1].paragraphs[-len(tail):] == tail:
                        del arts[-1].paragraphs[-len(tail):]
        body = _body(block.lines[first:], lx)
        # the next block may open with this article's own continuation title lines: handled when it is reached
        if not body:
            continue
        published = stamp.date if stamp is not None else None
        if published is None:
            published = _intext_stamp(body[0], lx)
        if published is None:
            published = _bottom_stamp(blocks, bi, lx)
        if dateline is None and stamp is not None:
            dateline = _stamp_dateline(stamp.text) if _agency_in(stamp.text, lx) else dated_dateline(stamp.text, lx)
        inline = inline_dated_dateline(body[0], lx)
        if inline is not None:  # "باريس، 2 يناير 2024 - ..."
            dateline, published = dateline or inline[0], published or inline[1]
        if dateline is None:
            dateline = _inline_dateline(body[0], lx)
        kept: list[str] = []
        for h in lead:
            if _words(h) > 3 or _ends_sentence(h):
                kept.append(h)
            elif dateline is None and re.search(r"[:\-–—]", h):
                dateline = h  # "بيروت: كارولين عاكوم" under the deck: the dateline
            # else a bare author name or label ("إسماعيل شاهين", "ع. سمير"): not body
        part = Parts(title=title, published=published, dateline=dateline, outlet=outlet, paragraphs=kept + body,
                     published_source="text_stamp" if published else None)
        if stamp is not None:
            m = lx.stamp_outlet.search(stamp.text + " ")
            if m:
                part.outlet = m.group(1).strip()
        if arts and title is None:
            arts[-1].paragraphs.extend(part.paragraphs)  # an untitled continuation of the article above
            continue
        arts.append(part)
    return arts


def _bottom_stamp(blocks: list[Block], bi: int, lx: Lexicon) -> str | None:
    """'تاريخ النشر: 12/05/2024' under the body: a stamp right after this block, when no article follows it."""
    if bi + 1 >= len(blocks):
        return None
    nxt = blocks[bi + 1]
    for ln in nxt.before:
        if ln.kind != STAMP:
            return None  # a related list or ticker came first
        if not (_PUBLISH_WORDS.search(ln.text) or has_time(ln.text)):
            continue
        if nxt.long_chars() >= int(lx.cfg["article_min_chars"]) and nxt.before[-1] is ln:
            return None  # it opens the next article
        return ln.date
    return None


def _see_also_continuation(block: Block, header: Line, lx: Lexicon) -> bool:
    """'اقرأ أيضا' + one or two teaser headlines, then the article goes on: the text after them is body."""
    nh = normalize(header.text).strip(" :：-–—.…")
    if not any(nh == h or nh.startswith(h) for h in lx.inline_headers):
        return False
    rest = _skip_teasers(block.lines)
    if len(block.lines) - len(rest) > 4 or not rest or not rest[0].long:
        return False
    return sum(len(x.text) for x in rest if x.kind == TEXT and x.long) >= int(lx.cfg["body_min_chars"])


def _skip_teasers(lines: list[Line]) -> list[Line]:
    i, short = 0, 0
    while i < len(lines) and short <= 2 and not (lines[i].kind == TEXT and lines[i].long):
        short += lines[i].kind == TEXT
        i += 1
    return lines[i:]


def _headline_first(block: Block, first: int, lx: Lexicon) -> bool:
    x = block.lines[first]
    if _ends_sentence(x.text) or not _title_ok(x.text, lx):
        return False
    rest = sum(len(y.text) for y in block.lines[first + 1:] if y.kind == TEXT and y.long)
    return rest >= int(lx.cfg["article_min_chars"])


_CAPTION_CREDIT = re.compile(r"\([^()]{2,40}\)\s*$")
_PHOTO_CREDIT = re.compile(r"(?:^|\s)(?:تصوير|صوره|الصوره|photo)\s*[:：]\s*[^\s:]+(?:\s+[^\s:]+){0,2}\s*$")
_CAPTION_CUE = re.compile(r"(?:^|\s)(?:خلال|اثناء|لدى|يصافح|تصافح|يتوسط|يتحدث|تتحدث|صوره|الصوره|من اليمين|من اليسار)(?:\s|$)")


def _caption(s: str) -> bool:
    """'العاهل الأردني خلال استقباله الرئيس الفلسطيني (الديوان الملكي)': a picture's caption — no final stop, a
    photo credit in brackets at the end, and the words captions use ('خلال', 'يصافح', 'من اليمين')."""
    if _ends_sentence(s) or _words(s) > 30 or not _CAPTION_CREDIT.search(s):
        return False
    return bool(_CAPTION_CUE.search(normalize(s)))


def _body(lines: list[Line], lx: Lexicon) -> list[str]:
    """Body paragraphs: UI lines dropped; stops at a run of link-list lines; short trailing labels trimmed."""
    c = lx.cfg
    run_min, max_item = int(c["list_run_min"]), int(c["list_line_max_chars"])
    texts = [x for x in lines if x.kind == TEXT]
    # long text still to come after each line (suffix sums keep big pages linear)
    after = [0] * (len(texts) + 1)
    for k in range(len(texts) - 1, -1, -1):
        after[k] = after[k + 1] + (len(texts[k].text) if texts[k].long else 0)
    out: list[str] = []
    i = 0
    while i < len(texts):
        x = texts[i]
        if _caption(x.text):
            i += 1  # a photo caption between paragraphs describes the same event again: not body
            continue
        if not x.long and not _ends_sentence(x.text) and len(x.text) <= max_item:
            j = i
            while j < len(texts) and not texts[j].long and not _ends_sentence(texts[j].text) \
                    and len(texts[j].text) <= max_item:
                j += 1
            if j - i >= run_min and after[j] < int(c["article_min_chars"]):
                break  # a headline list after the body: the article ended
            for t in texts[i:j]:
                out.append(t.text)  # a short list inside the body: keep it and go on after it
            i = j
            continue
        out.append(x.text)
        i += 1
    while out and not _ends_sentence(out[-1]) and _words(out[-1]) < 5:
        out.pop()
    return out
