"""Input-size caps applied to HTML source before lxml parses it: libxml2's attribute handling is quadratic (a tag
with 50k attributes keeps it busy for seconds, 1M for most of an hour) and deep nesting past its depth limit loses
the text below it. Both are cut in one linear pass over the markup; ordinary pages pass through unchanged."""

from __future__ import annotations

import re

_LONG_TAG = "<([a-zA-Z][\\w:.-]*)(\\s[^<>]{%d,})>"
_ATTR = re.compile(r"""[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:.-]*)[^<>]*?(/?)>")
# Elements that hold no content, or whose end tag pages routinely leave out: they never deepen the tree here.
_FLAT = frozenset("area base br col embed hr img input link meta param source track wbr p li dt dd tr td th option "
                  "thead tbody tfoot colgroup".split())


def cap_attributes(html: str, max_attrs: int) -> tuple[str, int]:
    """(markup, tags cut): a tag with more than ``max_attrs`` attributes keeps only its name."""
    if max_attrs <= 0:
        return html, 0
    n = 0

    def cut(m: re.Match[str]) -> str:
        nonlocal n
        if sum(1 for _ in _ATTR.finditer(m.group(2))) <= max_attrs:
            return m.group(0)
        n += 1
        return f"<{m.group(1)}>"

    # a tag can only hold that many attributes when its text is at least two characters per attribute
    return re.sub(_LONG_TAG % (2 * max_attrs), cut, html), n


def cap_depth(html: str, max_depth: int) -> tuple[str, int]:
    """(markup, tags dropped): start and end tags nested deeper than ``max_depth`` are dropped, their text kept."""
    if max_depth <= 0 or html.count("<") <= max_depth:
        return html, 0
    out: list[str] = []
    depth = pos = dropped = 0
    for m in _TAG.finditer(html):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _FLAT or selfclosing:
            continue
        if closing:
            depth = max(depth - 1, 0)
            if depth < max_depth:
                continue
        else:
            depth += 1
            if depth <= max_depth:
                continue
        out.append(html[pos:m.start()])
        pos = m.end()
        dropped += 1
    if not dropped:
        return html, 0
    out.append(html[pos:])
    return "".join(out), dropped
