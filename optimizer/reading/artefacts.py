"""Attribution artefacts: a few rows with clicks above impressions, or units with more orders than clicks.

Real exports have them: an order is counted in an attribution window after the click (one
click, several orders), a click on a summary row lands on a day without the impression. They
are data, kept and counted in one warning. Only a file where most rows are impossible is an
error: then the columns are misaligned, and planning on them would be planning on noise.
Also the wording the reader's messages share: counts, row lists, numbers, column names.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np
import pandas as pd

from optimizer.errors import SHOWN_ROWS, Problem
from optimizer.i18n import say
from optimizer.reading.headers import normalise_header

if TYPE_CHECKING:   # the reader's own messages come from here: the report is named for the types only
    from optimizer.reading.report_file import Report

#: Above this share of the rows (clicks above impressions) or of the units with orders (orders above
#: clicks), the file is not artefacts but misaligned columns.
MOST = 0.5
#: One impossible unit or row is an artefact whatever share it is (a report with one converting keyword).
SEEN_ALONE = 1
MISALIGNED_HINT = ('Check that each header names its column; name them with --columns "Your header=clicks" '
                   "(or [data] columns)")


def artefact_rows(frame: pd.DataFrame, report: Report, problems: list[Problem], warnings: list[str]) -> None:
    """Rows with clicks above impressions: a warning counting them, or an error when they are most rows."""
    if not {"clicks", "impressions"} <= set(frame) or frame.empty:
        return
    mask = frame["clicks"] > frame["impressions"]
    count = int(mask.sum())
    if not count:
        return
    with_clicks = max(int((frame["clicks"] > 0).sum()), 1)
    values = [f"{number_text(c)} > {number_text(i)}" for c, i in
              zip(frame["clicks"][mask][:SHOWN_ROWS], frame["impressions"][mask][:SHOWN_ROWS])]
    found = Problem(f"{count_text(count, 'row')} {'have' if count > 1 else 'has'} clicks above impressions",
                    file=report.path.name, column=display_name("clicks", report.headers),
                    rows=frame["row"][mask][:SHOWN_ROWS].tolist(), values=values, n_rows=count)
    if count > max(MOST * with_clicks, SEEN_ALONE):
        problems.append(replace(found, message=f"{count} of the {with_clicks} rows with clicks "
                                f"{'have' if count > 1 else 'has'} clicks above impressions: the columns look "
                                "misaligned", hint=MISALIGNED_HINT))
    else:
        warnings.append(say("warning.clicks_above", name=report.path.name, column=found.column, count=count,
                            counted=say("read.count.rows_have" if count > 1 else "read.count.row_has", count=count),
                            with_clicks=with_clicks, **_shown_rows(found)))


def unit_codes(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Each row's unit (its ``keys`` together, missing cells alike) as 0, 1, … in order of first appearance."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for key in keys:   # one column at a time: the codes stay below the rows' count, whatever the columns hold
        column = pd.factorize(frame[key], use_na_sentinel=False)[0]
        codes = pd.factorize(codes * (int(column.max(initial=0)) + 1) + column)[0]
    return codes


def orders_above_clicks(frame: pd.DataFrame, report: Report, unit_of_row: np.ndarray | None, problems: list[Problem],
                        warnings: list[str]) -> None:
    """Units (``unit_of_row``: :func:`unit_codes` of the rows) with more orders than clicks over the report: kept
    with a warning, an error when most are."""
    if not {"orders", "clicks"} <= set(frame) or frame.empty or unit_of_row is None:
        return
    totals = frame[["orders", "clicks"]].groupby(unit_of_row, sort=False).transform("sum")
    bad = (totals["orders"] > totals["clicks"]).to_numpy()
    if not bad.any():
        return
    first_rows = ~pd.Series(unit_of_row).duplicated().to_numpy()   # each unit's first row
    first = frame[bad & first_rows]
    units = len(first)
    with_orders = max(int(np.count_nonzero(first_rows & (totals["orders"] > 0).to_numpy())), 1)
    values = [f"{number_text(o)} > {number_text(c)}" for o, c in
              zip(totals["orders"][first.index][:SHOWN_ROWS], totals["clicks"][first.index][:SHOWN_ROWS])]
    problem = Problem(f"{count_text(units, 'unit')} {'have' if units > 1 else 'has'} more orders than clicks "
                      "in total over the report; totals shown at each unit's first row",
                      file=report.path.name, column=display_name("orders", report.headers),
                      rows=first["row"][:SHOWN_ROWS].tolist(), values=values, n_rows=units)
    if report.attribution_window or units <= max(MOST * with_orders, SEEN_ALONE):
        why = (say("warning.orders_above.window") if report.attribution_window else
               say("warning.orders_above.few", count=units, with_orders=with_orders))
        warnings.append(say("warning.orders_above", name=report.path.name, column=problem.column, why=why,
                            counted=say("read.count.units_have" if units > 1 else "read.count.unit_has", count=units),
                            **_shown_rows(problem)))
    else:
        problems.append(replace(problem, message=f"{units} of the {with_orders} units with orders "
                                f"{'have' if units > 1 else 'has'} more orders "
                                "than clicks in total over the report: the columns look misaligned; totals shown at "
                                "each unit's first row", hint=MISALIGNED_HINT.replace("clicks", "orders")))


def _shown_rows(problem: Problem) -> dict:
    """The rows a warning shows, as :class:`~optimizer.errors.Problem` shows them: noun, "row: value" pairs, more."""
    total = problem.n_rows if problem.n_rows is not None else len(problem.rows)
    shown = list(problem.rows)[:SHOWN_ROWS]
    return {"noun": say("read.row" if total == 1 else "read.rows"),
            "shown": ", ".join(f"{row}: {value}" for row, value in zip(shown, problem.values)),
            "more": say("read.more") if total > len(shown) else ""}


def display_name(canonical: str, headers: Mapping[str, str]) -> str:
    """Name a column as the user knows it: "点击量 (clicks)", or just "clicks" for "Clicks"."""
    header = headers.get(canonical)
    if not header or normalise_header(header) == canonical:
        return canonical
    return f"{header} ({canonical})"


def count_text(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def rows_text(rows: pd.Series) -> str:
    shown = ", ".join(str(row) for row in rows[:SHOWN_ROWS].tolist())
    more = say("read.more") if len(rows) > SHOWN_ROWS else ""
    return say("warning.rows", noun=say("read.row" if len(rows) == 1 else "read.rows"), shown=shown, more=more)


def number_text(value: float) -> str:
    """50.0 -> "50", 201.68 -> "201.68": numbers as a person would type them."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.10g}"
