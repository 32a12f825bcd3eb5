"""Temporal tagging and resolution for Arabic news (stable API for the events stage).

* ``tag(text, anchor, start=0, end=None) -> list[Timex]`` — expressions in text[start:end], offsets into text,
  resolved against ``anchor`` (the publication date; None leaves relative ones with value None, never today).
* ``DateStep`` — pipeline step setting ``article.timexes`` (anchor = ``article.published``).
* ``clause_cues(text, start, end) -> dict`` — tense/status cues (future, historical, hypothetical, negation...).
* ``select_event_date(article, ev_start, ev_end, trigger=None) -> Timex | None`` — the expression dating an event;
  None when the event's sentence has none (never the publication date by default).
* helpers: ``parse_anchor``, ``weekday_of``, ``weekday_date``, ``nearest_weekday``, ``stated_today``,
  ``sentence_bounds``.

``Timex`` fields: ``value`` YYYY-MM-DD | YYYY-MM | YYYY | None; ``precision`` day | month | year | none;
``anchor`` the ISO anchor when the value depends on it; ``relative`` True for anchor-relative expressions (also when
unresolved). ``attrs`` keys the events stage may read:

=================  ==============================================================================================
kind               pattern family: dmy, mdy, ordm, hijri, iso, ymd, dmyn, dcur, range, month, rel, wd, period,
                   partper, year, ybare, ago
mod                since | until | before | after (a bound: منذ/حتى/قبل/بعد) | nominal (part of a name: "حدود
                   العام 1967"); select_event_date skips these
stamp              True for publication stamps ("نشر في ... يوم 22 - 11 - 2017", a date with a clock time)
weekday            0-6 (Monday = 0), stated in the text; ``weekday2`` for "ليل الثلاثاء إلى الأربعاء"
offset_days        the day word's offset (أمس = -1); with no anchor this and ``weekday`` are what is known
alt                other acceptable values, e.g. Wednesday for "ليلة الأربعاء" (value: Tuesday)
warning            weekday_mismatch | month_conflict | not_current_month — the text disagrees with itself
relative_value     for "أمس الاثنين" whose weekday disagreed with anchor-1: what the day word alone gives
direction, part    الماضي/المقبل/الجاري → past/future/current; أوائل/أواسط/أواخر → early/mid/late
tense              the clause cue that steered a bare weekday (past | future | None)
vague              True for plural periods ("الأسابيع المقبلة"), value None
relative_to        "event" for counts from another event ("قبل يومين من انتهاء المهلة"), value None
anchor_source      "text" when select_event_date resolved a period against a full date earlier in the text
=================  ==============================================================================================

Weeks ("الأسبوع الماضي") resolve to their month when every plausible week (Saturday-, Sunday- or Monday-based) lies
in one month, else to value None / precision "none": the contract has no week precision.

Lexicons live in ``marsad/data/dates/lexicon.toml``; thresholds in the ``[dates]`` section of settings.toml.
"""

from .cues import clause_cues
from .select import select_event_date, sentence_bounds
from .step import DateStep
from .tagger import nearest_weekday, parse_anchor, tag, weekday_date, weekday_of
from .today import stated_today

__all__ = ["DateStep", "clause_cues", "nearest_weekday", "parse_anchor", "select_event_date", "sentence_bounds",
           "stated_today", "tag", "weekday_date", "weekday_of"]
