"""Which unit each of the report's rows belongs to, and the units' ad groups and plans, worked out once.

The units are numbered in key order. Reading puts a report's rows in that order already
(:mod:`optimizer.reading.schema`), so the keys are numbered once each and the units read off
where the numbers change, with no grouping of text; rows in any other order are grouped as such.
The levels the rates are shrunk over (plan, ad group, keyword) are then blocks of consecutive
units, numbered once for every figure shrunk over them (:class:`Nesting`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Grouping:
    """Which unit each of the report's rows belongs to, and the units' key columns.

    ``codes`` numbers, per key, each unit's group of that key and those before it (its plan; its plan
    and ad group; ...) in key order: the levels the rates are shrunk over, and the units' plans.
    """

    keys: list[str]
    unit: np.ndarray
    count: int
    units: pd.DataFrame
    codes: dict[str, np.ndarray]

    def sum(self, values: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Each unit's weighted sum of a per-row figure (missing figures count 0)."""
        return np.bincount(self.unit, weights=np.nan_to_num(values) * weight, minlength=self.count)


@dataclass(frozen=True)
class Nesting:
    """Each level's group of every unit, numbered in order of first appearance, and each group's first unit."""

    groups: tuple[np.ndarray, ...]
    firsts: tuple[np.ndarray, ...]


def nesting(frame: pd.DataFrame, levels: list[list[str]]) -> Nesting:
    """The groups of ``frame``'s rows at each level (a list of key columns, coarsest first), in any row order."""
    groups = tuple(frame.groupby(keys, sort=False, observed=True).ngroup().to_numpy() for keys in levels)
    return Nesting(groups, tuple(pd.Series(np.arange(len(group))).groupby(group).first().to_numpy()
                                 for group in groups))


def nested_in_order(grouping: Grouping, levels: list[list[str]]) -> Nesting:
    """:func:`nesting` of the units of ``grouping`` over levels that are leading runs of its keys."""
    groups, firsts = [], []
    for keys in levels:
        group = grouping.codes[keys[-1]]
        groups.append(group)
        firsts.append(np.flatnonzero(np.diff(group, prepend=-1)))
    return Nesting(tuple(groups), tuple(firsts))


def group_units(days: pd.DataFrame, keys: list[str]) -> Grouping:
    """Number the units in key order and keep each one's key columns from its first row."""
    starts = _starts_in_order(days, keys)
    if starts is not None:
        unit, first_row = _count_on(starts[-1]) - 1, np.flatnonzero(starts[-1])
        unit_starts = [start[first_row] for start in starts]
    else:
        unit = days.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
        first_row = pd.Series(np.arange(len(days))).groupby(unit).first().to_numpy()
        unit_starts = _prefix_starts([pd.factorize(days[key], sort=True)[0][first_row] for key in keys])
    return Grouping(keys, unit, len(first_row), days.iloc[first_row][keys].reset_index(drop=True),
                    {key: _count_on(start) - 1 for key, start in zip(keys, unit_starts)})


def _count_on(starts: np.ndarray) -> np.ndarray:
    """The running count of ``starts`` (booleans), as ``np.cumsum`` gives it: summed as integers, which numpy does
    two orders of magnitude faster than it accumulates booleans."""
    return starts.astype(np.intp).cumsum()


def _starts_in_order(days: pd.DataFrame, keys: list[str]) -> list[np.ndarray] | None:
    """Per key, whether each row starts a new run of that key and those before it, when the rows are in key
    order (texts compared as sorting compares them); None when they are not, or a key is missing or categorical."""
    if not len(days):
        return None
    start, starts = np.arange(len(days)) == 0, []
    for key in keys:
        column = days[key]
        if isinstance(column.dtype, pd.CategoricalDtype) or column.isna().any():
            return None
        values = column.array
        try:
            falls = np.asarray(values[1:] < values[:-1], dtype=bool)
            changed = np.asarray(values[1:] != values[:-1], dtype=bool)
        except TypeError:   # values that do not compare
            return None
        if (falls & ~start[1:]).any():
            return None
        start = np.concatenate([start[:1], start[1:] | changed])
        starts.append(start)
    return starts


def _prefix_starts(codes: list[np.ndarray]) -> list[np.ndarray]:
    """Per key, whether each row's code of that key or of one before it differs from the row before's."""
    start, starts = np.arange(len(codes[0])) == 0, []
    for code in codes:
        start = np.concatenate([start[:1], start[1:] | (code[1:] != code[:-1])])
        starts.append(start)
    return starts
