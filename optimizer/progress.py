"""The hook through which long library work says what it is doing; the library itself never prints.

A :class:`Progress` receives the start of each phase (with a count when the phase has
countable work, such as the accounts of a batch) and each step of that count. The
library calls it; the command line decides whether and how to show it (see
:mod:`optimizer.cli.progress`). The default, :data:`SILENT`, does nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Self

from optimizer.memory import release_freed


class Progress:
    """Receives phases and steps; this base class ignores them."""

    def phase(self, name: str, total: int | None = None) -> None:
        """A phase starts; ``total`` is its count of steps when it has one."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current phase are done."""

    def close(self) -> None:
        """The work is over (a display clears itself)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        self.close()


#: The progress of a caller who does not want any.
SILENT = Progress()


@dataclass
class PhaseClock:
    """A run's phase times, kept in ``timings``; ``progress`` hears which phase starts next. The memory a phase
    freed goes back to the system before the next starts (:mod:`optimizer.memory`)."""

    timings: dict[str, float]
    progress: Progress
    start: float = field(default_factory=time.perf_counter)

    def lap(self, phase: str, following: str | None = None) -> None:
        """``phase`` ends now; ``following``, when given, starts."""
        release_freed()
        now = time.perf_counter()
        self.timings[phase], self.start = now - self.start, now
        if following:
            self.progress.phase(following)
