"""DateStep: tags every article's text with its publication date as the anchor."""

from __future__ import annotations

from ..model import Article
from ..pipeline import MapStep
from .tagger import tag


class DateStep(MapStep):
    """Sets ``article.timexes`` over ``article.text`` (anchor = ``article.published``; None leaves relative
    expressions unresolved, never today's date)."""

    name = "dates"
    requires = ("text",)
    provides = ("timexes",)

    def process(self, item: Article) -> Article:
        item.timexes = tag(item.text, item.published)
        self.count("timexes", len(item.timexes))
        self.count("resolved", sum(1 for t in item.timexes if t.value is not None))
        return item
