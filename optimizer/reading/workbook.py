"""Which sheet of a workbook holds the report: the one whose header looks most like a report's, and only one.

A workbook may hold notes, a summary and the report on sheets of their own; the report is the sheet whose
header row names the most known columns. An export split at Excel's row limit (1,048,576 rows), or one sheet
per week, holds rows under the same headers on several sheets: reading one of them would plan on part of the
account, so such a workbook is refused, naming the sheets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from optimizer.errors import InputDataError, Problem
from optimizer.reading.headers import HEADER_SCAN_LINES, KNOWN, find_header, no_header, normalise_header


def report_sheet(book: pd.ExcelFile, path: Path, user_headers: set[str]) -> tuple[str, int]:
    """The report's sheet and its header's row index (from 0); refused when no sheet has a header, or when rows
    under the same known headers lie on more than one sheet."""
    best: tuple[int, str, int] | None = None
    reports: dict[str, frozenset[str]] = {}   # the sheets holding rows under a header: its known names
    for sheet in book.sheet_names:
        head = pd.read_excel(book, sheet_name=sheet, header=None, nrows=HEADER_SCAN_LINES)
        cells = head.astype(object).where(head.notna(), "").values.tolist()
        found = find_header(cells, user_headers)
        if found is None:
            continue
        if best is None or found[1] > best[0]:
            best = (found[1], sheet, found[0])
        if any(str(cell).strip() for record in cells[found[0] + 1:] for cell in record):
            reports[sheet] = frozenset(normalise_header(cell) for cell in cells[found[0]]) & (KNOWN | user_headers)
    if best is None:
        raise no_header(path)
    _one_report_sheet(best[1], reports, path)
    return best[1], best[2]


def _one_report_sheet(sheet: str, reports: Mapping[str, frozenset[str]], path: Path) -> None:
    """Refuse a workbook whose rows under the report sheet's known headers lie on other sheets too."""
    same = [other for other, names in reports.items() if names == reports.get(sheet)]
    if len(same) > 1:
        shown = ", ".join(f'"{other}"' for other in same)
        raise InputDataError([Problem(
            f"sheets {shown} hold rows under the same columns: reading one sheet would leave the others' rows out",
            file=path.name, hint="Save each sheet as a file of its own and pass each with --report, "
                                 "or copy the rows onto one sheet")])
