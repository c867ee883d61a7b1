"""Columns and values no report can mean: a column of placeholders only, figures beyond any account.

A keyword column of "-" would merge every keyword into one and a spend column of "-" would plan on
no cost at all; both are the wrong column mapped, or an export of a view without the figures, and
are refused naming the column. A figure above 10^12 is no account's (it is an overflow or a unit
mistake) and is refused with its cells; a name with a control character in it (a NUL, a form feed:
bytes no platform writes in a name) is a damaged file, refused with its cells, since the upload files
would carry it; a cost or a revenue per click a thousand times the file's typical one is kept but named
in the warnings, so that a person can check it before uploading.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.errors import SHOWN_ROWS, Problem
from optimizer.i18n import say
from optimizer.reading.artefacts import display_name, number_text
from optimizer.reading.cells import MISSING_TOKENS, each_distinct
from optimizer.reading.report_file import Report

#: Columns that cannot be all placeholders: the names that tell units apart, and the figures every plan needs.
NEEDED = ("keyword", "impressions", "clicks", "spend", "bid")
#: Figures larger than this in one row are no account's.
LARGEST = 1e12
#: A row's cost or revenue per click this many times the file's median is named in a warning.
OUTLIER_FACTOR = 1000.0
_CHECKED = ("impressions", "clicks", "spend", "orders", "revenue", "bid", "plan_budget")
#: The names a plan is uploaded by, and the characters none of them holds (C0 controls but tab, line ends; DEL).
_NAMES = ("plan", "ad_group", "keyword", "search_term")
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def placeholder_columns(report: Report) -> list[Problem]:
    """One problem per needed column of ``report`` whose every cell is blank or a placeholder such as "-"."""
    frame, problems = report.frame, []
    needed = NEEDED if "keyword" in frame else ("plan",) + NEEDED
    for name in needed:
        if name not in frame or name not in report.headers or not len(frame) or name in report.bad_cells:
            continue
        column = frame[name]
        empty = column.str.lower().isin(MISSING_TOKENS).all() if column.dtype != "float64" else column.isna().all()
        if empty:
            problems.append(Problem(
                f'has no values: all {len(frame)} of its cells are blank or placeholders such as "-"',
                file=report.path.name, column=display_name(name, report.headers),
                hint="Export the report again with this column filled, or map the right header with "
                     '--columns "Their header=' + name + '"'))
    return problems


def beyond_any_account(frame: pd.DataFrame) -> list[tuple]:
    """Row checks in the shape of ``schema._row_checks``: figures above ``LARGEST``."""
    checks = []
    for name in _CHECKED:
        if name in frame:
            mask = frame[name] > LARGEST
            values = [f"{value:.4g}" for value in frame[name][mask][:SHOWN_ROWS]]
            checks.append((name, mask, say("rows.beyond_any_account", column=name), values, None))
    return checks


def control_characters(frame: pd.DataFrame) -> list[tuple]:
    """Row checks in the shape of ``schema._row_checks``: names holding a control character."""
    checks = []
    for name in _NAMES:
        if name in frame and frame[name].dtype != "float64":
            # each distinct name looked at once: a daily export repeats each keyword on every day
            mask = each_distinct(frame[name], lambda names: (names.str.contains(_CONTROL, regex=True),))[0]
            mask = mask.fillna(False).astype(bool)
            values = [repr(value) for value in frame[name][mask][:SHOWN_ROWS]]
            checks.append((name, mask, say("rows.control_character", column=name), values, None))
    return checks


def per_click_outliers(frame: pd.DataFrame, report: Report) -> list[str]:
    """Warnings naming rows whose cost or revenue per click is ``OUTLIER_FACTOR`` times the file's median."""
    if "clicks" not in frame:
        return []
    warnings = []
    clicked = frame["clicks"] >= 1
    for name in ("spend", "revenue"):
        if name not in frame:
            continue
        per_click = (frame[name] / frame["clicks"].where(clicked)).where(frame[name] > 0)
        typical = float(np.nanmedian(per_click)) if per_click.notna().any() else np.nan
        far = per_click > OUTLIER_FACTOR * typical
        if far.any():
            shown = [say("warning.row_value", row=row, value=number_text(round(value, 2)))
                     for row, value in zip(frame["row"][far][:SHOWN_ROWS], per_click[far][:SHOWN_ROWS])]
            more = say("read.more") if int(far.sum()) > SHOWN_ROWS else ""
            warnings.append(say("warning.per_click", name=report.path.name, column=display_name(name, report.headers),
                                count=int(far.sum()), noun=say("read.row" if far.sum() == 1 else "read.rows"),
                                what=say(f"warning.per_click.{name}"), factor=f"{OUTLIER_FACTOR:g}",
                                median=number_text(round(typical, 4)), shown=shown, more=more))
    return warnings


def acos_as_percents(report: Report) -> list[Problem]:
    """A problem when revenue is to come from an ACoS column whose typical cell is above 1: spend above sales on
    most keywords read as a share, or percents written without "%" ("20.97" for 20.97 %), revenue 100 times too
    small; which one the file cannot say."""
    frame = report.frame
    if "revenue" in frame or "roi" in frame or "acos" not in frame:
        return []
    acos = frame["acos"][frame["acos"] > 0]
    if acos.empty or acos.median() <= 1:
        return []
    shown = acos.head(SHOWN_ROWS)
    return [Problem(
        f"revenue would come from ACoS, and its typical cell is {acos.median():.4g}: as a share that is spend "
        f"{acos.median():.4g} times sales; if the cells are percents written without %, revenue would be 100 times "
        "more", file=report.path.name, column=display_name("acos", report.headers),
        rows=frame["row"][shown.index].tolist(), values=[number_text(value) for value in shown],
        hint='Export the report with its sales column, or write the ACoS cells with "%" ("20.97%")',
        n_rows=len(acos))]
