"""EventDateTextStep: an undated event keeps the words that date it ("أمس الاثنين") when the text cannot resolve
them (no publication date to count from), so a reader or a later anchor can; ``date_precision`` is always set."""

from __future__ import annotations

from ..model import PRECISIONS, Article
from ..pipeline import MapStep
from .select import select_event_date


class EventDateTextStep(MapStep):
    """After the events stage: fills ``date_text`` of events with no date from the expression
    ``select_event_date`` attaches to their evidence, and makes every ``date_precision`` one of PRECISIONS."""

    name = "event_dates"
    requires = ("events",)

    def process(self, item: Article) -> Article:
        for ev in item.events:
            if ev.date is None:
                ev.date_precision = "none"
                if ev.date_text is None and ev.evidence is not None and ev.evidence.field == "text":
                    # from the trigger, as the coder selected: without it the sentence's first expression wins,
                    # which may date another clause ("قال يوم الأحد إن الرئيس التقى نظيره أمس الاثنين")
                    span = (ev.why or {}).get("trigger_span") or [None]
                    tx = select_event_date(item, ev.evidence.start, ev.evidence.end, span[0])
                    if tx is not None and tx.value is None:
                        ev.date_text = tx.text
                        self.count("date_text_kept")
            elif ev.date_precision not in PRECISIONS or ev.date_precision == "none":
                ev.date_precision = {10: "day", 7: "month", 4: "year"}.get(len(ev.date), "day")
        return item
