"""Each figure of a file once and in one currency: two plain names of one figure ("Spend" and "Cost", "Sales" and
"Revenue") are fine when their columns agree and refused naming them when they differ; a ``Currency`` column
naming two currencies (an agency's accounts in dollars and euros in one export) is refused
(:func:`optimizer.reading.currencies.column_problems`), since its rows' money would be summed as one.

A file with two headers for one column keeps the alias listed first (``headers.ALIASES``). For names that mean
something else too ("All conv. value" beside "Conv. value", a 7-day beside a 14-day total) that choice is the
export's own convention. For plain synonyms it is a guess: a "Cost" in another currency beside "Spend", a
"Revenue" from another tool beside "Sales". When their figures differ, which one the plan should use is for a
person to say, with ``--columns``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from optimizer.errors import SHOWN_ROWS, InputDataError, Problem
from optimizer.reading.cells import parse
from optimizer.reading.currencies import column_problems
from optimizer.reading.headers import normalise_header

#: Canonical column -> headers (normalised) that name exactly that figure and nothing else.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "impressions": ("展现量", "展现数", "曝光量", "展示次数", "展示数", "impressions", "impr.", "impr"),
    "clicks": ("点击量", "点击数", "点击次数", "clicks"),
    "spend": ("花费", "总花费", "总费用", "消耗", "消费", "spend", "cost", "spent", "amount spent"),
    "revenue": ("成交金额", "成交额", "销售额", "gmv", "revenue", "sales"),
}


def each_figure_once(table: pd.DataFrame, headers: Mapping[str, str], columns: Mapping[str, str], rows: pd.Series,
                   where: tuple[bool, str]) -> None:
    """Refuse a file whose column read for a figure and another plain name of it differ in some row; ``columns`` is
    the user's mapping (a figure mapped there is the user's choice), ``where`` (from a workbook, the file name)."""
    from_excel, file = where
    problems = column_problems(table, rows, file)
    for canonical, names in SYNONYMS.items():
        used = headers.get(canonical)
        if used is None or canonical in columns.values() or normalise_header(used) not in names:
            continue
        for other in table.columns:
            if other != used and other not in headers.values() and normalise_header(other) in names:
                problems += _differing(table, (used, other), canonical, rows, (from_excel, file))
    if problems:
        raise InputDataError(problems)


def _differing(table: pd.DataFrame, pair: tuple[str, str], canonical: str, rows: pd.Series,
               where: tuple[bool, str]) -> list[Problem]:
    """The problem of two columns of one figure that differ in some row (blank cells read as 0), or none."""
    from_excel, file = where
    try:
        first, second = (parse(pd.DataFrame({canonical: table[name]}), rows, from_excel)[0][canonical].fillna(0.0)
                         for name in pair)
    except InputDataError:   # a column of cells that cannot be read alone: the file's own reading will say
        return []
    differ = ~np.isclose(first.to_numpy(float), second.to_numpy(float), rtol=1e-6, atol=0.005)
    if not differ.any():
        return []
    shown = np.flatnonzero(differ)[:SHOWN_ROWS]
    return [Problem(
        f'holds {canonical}, as column "{pair[1]}" does, but {int(differ.sum())} of {len(differ)} rows differ',
        file=file, column=pair[0], rows=rows.iloc[shown].tolist(), n_rows=int(differ.sum()),
        values=[f"{first.iat[at]:g} vs {second.iat[at]:g}" for at in shown],
        hint=f'Name the one to plan on: --columns "{pair[0]}={canonical}" (or [data] columns), '
             f'or delete the other column')]
