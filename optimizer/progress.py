"""The hook through which long library work says what it is doing; the library itself never prints.

A :class:`Progress` receives the start of each phase (with a count when the phase has
countable work, such as the accounts of a batch) and each step of that count. The
library calls it; the command line decides whether and how to show it (see
:mod:`optimizer.cli.progress`). The default, :data:`SILENT`, does nothing.
"""

from __future__ import annotations

from typing import Self


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
