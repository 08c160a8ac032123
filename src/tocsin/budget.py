"""A per-document time budget that holds even inside a regex or a parser.

In the main thread of a process (a laptop loop, each process-pool worker) the budget is
enforced by a real-time interval timer whose signal raises :class:`OverBudget` wherever the
code is: Python's regex engine and spaCy's batches check for signals. Elsewhere (a thread),
or when a SIGALRM handler or timer is already in use, only the cooperative checks of
:func:`check` apply. The previous handler and timer are always restored."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OverBudget(Exception):
    """A document's time budget ran out."""


def check(deadline: float | None) -> None:
    """Cooperative check between steps: raise :class:`OverBudget` past ``deadline`` (a
    ``time.monotonic()`` value)."""
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget


def _can_use_timer() -> bool:
    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


def _raise(_signum: int, _frame: FrameType | None) -> None:
    raise OverBudget


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Raise :class:`OverBudget` in this block after ``seconds`` (0: no limit). Yields
    whether the limit is preemptive (True) or left to cooperative checks (False)."""
    if seconds <= 0 or not _can_use_timer():
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
