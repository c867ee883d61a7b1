"""Which sheet of a workbook is the report: the likeliest, and refused when its rows lie on several sheets."""

from __future__ import annotations

import openpyxl
import pytest

from optimizer.errors import InputDataError
from optimizer.reading.report_file import read_report

HEADER = ["Campaign", "Keyword", "Impressions", "Clicks", "Spend", "Sales"]


def _book(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_rows_under_the_same_headers_on_two_sheets_are_refused_naming_both(tmp_path):
    path = _book(tmp_path / "split.xlsx", {"Sheet1": [HEADER, ["C1", "red", 100, 5, 2.5, 9.0]],
                                           "Sheet2": [HEADER, ["C1", "blue", 80, 4, 2.0, 0.0]]})
    with pytest.raises(InputDataError, match='sheets "Sheet1", "Sheet2" hold rows under the same columns') as caught:
        read_report(path)
    assert "--report" in caught.value.problems[0].hint


def test_a_summary_sheet_and_an_empty_copy_of_the_header_leave_the_report_sheet_read_alone(tmp_path):
    path = _book(tmp_path / "book.xlsx", {
        "Summary": [["Campaign", "Clicks", "Spend"], ["C1", 9, 4.5]],
        "Keywords": [HEADER, ["C1", "red", 100, 5, 2.5, 9.0], ["C1", "blue", 80, 4, 2.0, 0.0]],
        "Template": [HEADER]})
    report = read_report(path)
    assert report.frame["keyword"].tolist() == ["red", "blue"] and report.frame["spend"].sum() == 4.5
