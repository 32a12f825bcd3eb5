"""Temporal tagging and resolution for Arabic news (stable API for the events stage).

* ``tag(text, anchor, start=0, end=None) -> list[Timex]`` — expressions in text[start:end], offsets into text,
  resolved against ``anchor`` (the publication date; None leaves relative ones with value None).
* ``DateStep`` — pipeline step setting ``article.timexes`` (anchor = ``article.published``).
* ``clause_cues(text, start, end) -> dict`` — tense/status cues (future, historical, hypothetical, negation...).
* ``select_event_date(article, ev_start, ev_end, trigger=None) -> Timex | None`` — the expression dating an event.
* helpers: ``parse_anchor``, ``weekday_of``, ``weekday_date``, ``nearest_weekday``, ``stated_today``.

Lexicons live in ``marsad/data/dates/lexicon.toml``; thresholds in the ``[dates]`` section of settings.toml.
"""

from .cues import clause_cues
from .select import select_event_date, sentence_bounds
from .step import DateStep
from .tagger import nearest_weekday, parse_anchor, tag, weekday_date, weekday_of
from .today import stated_today

__all__ = ["DateStep", "clause_cues", "nearest_weekday", "parse_anchor", "select_event_date", "sentence_bounds",
           "stated_today", "tag", "weekday_date", "weekday_of"]
