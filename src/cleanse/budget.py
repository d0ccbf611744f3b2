"""A per-document CPU budget: one interval timer per document instead of a clock read per call.

A rule with a catastrophic pattern must never hang a run, so every regex call used to carry
``timeout=``. That costs: ``regex`` then reads the process CPU clock (a system call) at the
start of each call and every 256 steps — about 1.5 µs on a search that finds nothing in a
short line, 6% of cleaning a small document. Here the whole document gets one budget instead:
``ITIMER_PROF`` fires after ``seconds`` of process CPU time and its handler raises
:class:`BudgetExceeded`, which ``regex`` lets through (it checks for signals every 256 steps
even without a timeout). Arming and disarming the timer costs about 1 µs per document.

The budget equals the per-call limit (``rule_timeout``), so a document that would have had a
rule time out always runs out of budget first; the caller then cleans that document again on
the per-call-timeout path, which names and skips the slow rule exactly as before. Reports stay
the same; only documents that really are slow are cleaned twice.

The timer works only in the main thread of a process (signals are delivered there), where no
one else owns ``SIGPROF`` (a sampling profiler such as vmprof), and where ``setitimer``
exists (not on Windows). :func:`available` says so; elsewhere — threads, Ray or datasets
workers that run tasks off the main thread — callers use the per-call timeouts.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
A = TypeVar("A")

REPEAT = 0.05
"""After the first expiry the timer fires every 50 ms, in case the first raise landed where
Python cannot propagate it (a ``__del__``, a weakref callback) and was only printed."""


class BudgetExceeded(BaseException):
    """The document ran past its CPU budget (or met something only the per-call path handles).

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` inside a stage
    can swallow it.
    """


class DocumentTooSlow(BaseException):
    """Cleaning one document used more CPU than its overall cap, even rule by rule."""


TICK = 0.05
"""How often the per-rule accounting samples what runs (seconds of process CPU)."""

_armed = False


class _Sampler:
    """CPU charged to each rule of one document, by sampling: at each tick, the rule whose
    pattern is being run (a ``rule`` local in the frames the timer interrupted) is charged
    one tick. A rule past ``limit`` raises :class:`~cleanse.errors.RuleTimeout` once, which
    the stage handles like a slow call: the rule is skipped for the document and named."""

    def __init__(self, limit: float, cap: float) -> None:
        self.limit, self.cap, self.total = limit, cap, 0.0
        self.used: dict[str, float] = {}
        self.raised: set[str] = set()

    def tick(self, frame: Any) -> None:
        self.total += TICK
        if self.total > self.cap:
            raise DocumentTooSlow
        rule_id = _running_rule(frame)
        if rule_id is None or rule_id in self.raised:
            return
        used = self.used[rule_id] = self.used.get(rule_id, 0.0) + TICK
        if used > self.limit:
            from .errors import RuleTimeout

            self.raised.add(rule_id)
            raise RuleTimeout(rule_id, self.limit)


def _running_rule(frame: Any, depth: int = 8) -> str | None:
    """The id of the rule a ``rule`` local names in the innermost frames, if any."""
    from .rules import Rule

    while frame is not None and depth:
        rule = frame.f_locals.get("rule")
        if isinstance(rule, Rule):
            return rule.id
        frame, depth = frame.f_back, depth - 1
    return None


_sampler: _Sampler | None = None


def _on_timer(signum: int, frame: Any) -> None:
    if _armed:
        raise BudgetExceeded
    if _sampler is not None:
        _sampler.tick(frame)


_HAS_TIMER = hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")


def available() -> bool:
    """True where a budget can be armed here and now (main thread, SIGPROF ours or unused)."""
    if not _HAS_TIMER or threading.current_thread() is not threading.main_thread():
        return False
    current = signal.getsignal(signal.SIGPROF)
    if current is _on_timer:
        return True
    if current not in (signal.SIG_DFL, None) or signal.getitimer(signal.ITIMER_PROF) != (0.0, 0.0):
        return False  # someone else profiles with SIGPROF: leave it to them
    try:
        signal.signal(signal.SIGPROF, _on_timer)
    except (ValueError, OSError):  # not the main interpreter, or the platform refuses
        return False
    return True


def run_sampled(limit: float, cap: float, fn: Callable[[A], T], arg: A) -> T:
    """``fn(arg)`` with each rule held to ``limit`` seconds of CPU in all (sampled every
    ``TICK``) and the whole call to ``cap``; raises :class:`DocumentTooSlow` past the cap.

    For the per-call-timeout path: its limit on each call does not stop a rule that takes a
    little less than the limit on each of many lines (``(.*?,){11}P`` on 60 lines: 112 s).
    Call only where :func:`available` is true.
    """
    global _sampler
    _sampler = _Sampler(limit, cap)
    signal.setitimer(signal.ITIMER_PROF, TICK, TICK)
    try:
        return fn(arg)
    finally:
        _sampler = None
        signal.setitimer(signal.ITIMER_PROF, 0.0)


def run_within(seconds: float, fn: Callable[[A], T], arg: A) -> T:
    """``fn(arg)``, raising :class:`BudgetExceeded` once it has used ``seconds`` of CPU time.

    Call only where :func:`available` is true, and catch BudgetExceeded around this call (the
    timer can fire between ``fn`` returning and the timer being disarmed).
    """
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_PROF, seconds, REPEAT)
    try:
        return fn(arg)
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_PROF, 0.0)
