"""Typed errors that carry their data.

The library raises these and never prints; only the edges translate them: the
command line (:mod:`optimizer.cli`) into ``error: ...`` lines and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

#: How many row numbers and values one problem shows before "…".
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, pandera-style: where, what, and what to do.

    ``rows`` are the row numbers a person sees in a spreadsheet (1-based, the
    header counted), ``values`` the offending cells in the same order.
    """

    message: str
    file: str | None = None
    column: str | None = None
    rows: Sequence[int] = ()
    values: Sequence[str] = ()
    hint: str = ""
    n_rows: int | None = None

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.column and f"column {self.column}") if part)
        text = f"{where}: {self.message}" if where else self.message
        shown = list(self.rows)[:SHOWN_ROWS]
        if shown:
            total = self.n_rows if self.n_rows is not None else len(self.rows)
            pairs = [
                f"{row}: {value}" if self.values else str(row)
                for row, value in zip(shown, list(self.values)[: len(shown)] or shown)
            ]
            more = ", …" if total > len(shown) else ""
            label = "row" if total == 1 else "rows"
            text += f" ({label} {', '.join(pairs)}{more})"
        if self.hint:
            text += f". {self.hint}"
        return text if text.endswith(".") else text + "."


class BidoptError(Exception):
    """Base of every error the library raises on purpose."""


class InputDataError(BidoptError):
    """A report cannot be used as it is. Carries every problem found, not the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class ScenarioError(BidoptError):
    """The scenario file or the flags that override it are wrong. Carries every problem."""

    def __init__(self, problems: Sequence[str], file: str | None = None):
        self.problems = list(problems)
        self.file = file
        prefix = f"{file}: " if file else ""
        super().__init__("\n".join(prefix + problem for problem in self.problems))


@dataclass(frozen=True)
class Conflict:
    """One limit that no bids can meet, with the best value they can reach."""

    limit: str
    asked: float
    reachable: float
    message: str


class InfeasibleError(BidoptError):
    """The limits conflict: no bids meet them all. Says which and what is reachable."""

    def __init__(self, conflicts: Sequence[Conflict]):
        self.conflicts = list(conflicts)
        super().__init__("\n".join(conflict.message for conflict in self.conflicts))
