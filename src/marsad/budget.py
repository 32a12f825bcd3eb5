"""A wall-clock budget per document per step: one pathological page is reported and skipped, the run goes on.

SIGALRM (``signal.setitimer``) interrupts pure-Python loops anywhere, in the main process and in each worker
process alike (their tasks run on their main thread). Signals only reach the main thread, so off it (the web
server's ingest thread) the budget is not enforced; input-size caps still bound the work there.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .settings import section


class BudgetExceeded(BaseException):  # noqa: N818 - read as "the budget was exceeded"
    """Raised inside the step when its document ran past the budget. A BaseException, so that the broad
    ``except Exception`` fallbacks inside extractors cannot swallow it."""


def default_seconds() -> float:
    """[budget] document_seconds (0 or less: no budget); ``$MARSAD_BUDGET_SECONDS`` overrides it, so that quality
    evaluations, which measure the coder and not the machine's load, can run without a wall-clock limit."""
    env = os.environ.get("MARSAD_BUDGET_SECONDS")
    if env:
        return float(env)
    return float(section("budget").get("document_seconds", 10))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


@contextmanager
def document_budget(seconds: float) -> Iterator[None]:
    """Raise BudgetExceeded in the body when it runs longer than ``seconds``. No-op off the main thread, for
    ``seconds`` <= 0, or when a timer is already running (an outer budget keeps its own deadline)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() \
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def over_budget(step: str, seconds: float) -> str:
    return f"{step}: over the time budget of {seconds:g} s per document (settings [budget] document_seconds)"
