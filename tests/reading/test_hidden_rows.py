"""Rows an XLSX sheet hides are read like the others, and the run's notes name them."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.reading import hidden_rows as hidden
from optimizer.reading.report_file import read_report

HEADER = ["Campaign", "Ad group", "Keyword", "Clicks", "Cost", "Conv. value"]


def keyword_book(path: Path, keywords: int, hide: tuple[int, ...], *, totals: bool = False, notes_sheet: bool = False):
    """A Google-style keyword report with ``keywords`` rows under its header (row 1); ``hide`` are sheet rows."""
    book = openpyxl.Workbook()
    if notes_sheet:   # a first sheet of notes, with rows of its own hidden: the report is the second sheet
        book.active.title = "Notes"
        for line in range(1, 6):
            book.active.append([f"note {line}"])
            book.active.row_dimensions[line].hidden = True
        sheet = book.create_sheet("Keywords")
    else:
        sheet = book.active
        sheet.title = "Keywords"
    sheet.append(HEADER)
    for index in range(keywords):
        sheet.append(["Shoes", "Running", f"shoe {index}", 10 + index, 5.0 + index, 40.0 + index])
    if totals:
        sheet.append(["Total", None, None, 999, 999.0, 999.0])
    for row in hide:
        sheet.row_dimensions[row].hidden = True
    book.save(path)
    return path


def test_a_filtered_sheet_is_read_whole_and_its_hidden_rows_are_named(tmp_path):
    path = keyword_book(tmp_path / "filtered.xlsx", 12, hide=(3, 4, 6, 8, 9, 10, 13))
    report = read_report(path)
    assert len(report.frame) == 12   # every row of the file is planned, hidden or not
    [note] = [note for note in report.notes if "hides" in note]
    assert note.startswith("filtered.xlsx: the sheet hides 7 rows (rows 3, 4, 6, 8, 9, …)")
    assert "Delete such rows from the sheet to leave them out" in note


def test_one_hidden_row_is_named_alone(tmp_path):
    report = read_report(keyword_book(tmp_path / "one.xlsx", 3, hide=(3,)))
    assert [note for note in report.notes if "hides" in note] == [
        "one.xlsx: the sheet hides 1 row (row 3); a filter or a hidden row in Excel leaves the row in the file, "
        "and the plan counts it. Delete such rows from the sheet to leave them out"]


def test_hidden_rows_not_read_are_not_named(tmp_path):
    # the header, the export's total (skipped) and an empty row below the data are hidden: none is read
    report = read_report(keyword_book(tmp_path / "total.xlsx", 3, hide=(1, 5, 9), totals=True))
    assert len(report.frame) == 3
    assert not [note for note in report.notes if "hides" in note]


def test_only_the_report_sheet_counts(tmp_path):
    report = read_report(keyword_book(tmp_path / "two.xlsx", 4, hide=(), notes_sheet=True))
    assert not [note for note in report.notes if "hides" in note]
    report = read_report(keyword_book(tmp_path / "two_hidden.xlsx", 4, hide=(2,), notes_sheet=True))
    assert [note for note in report.notes if "hides" in note][0].startswith("two_hidden.xlsx: the sheet hides 1 row")


def test_a_sheet_that_hides_nothing_says_nothing(tmp_path):
    path = keyword_book(tmp_path / "plain.xlsx", 5, hide=())
    assert hidden.hidden_rows(path, "Keywords").tolist() == []
    assert not [note for note in read_report(path).notes if "hides" in note]
    csv = tmp_path / "plain.csv"
    csv.write_text(",".join(HEADER) + "\nShoes,Running,shoe,10,5.0,40.0\n")
    assert hidden.hidden_rows(csv, "Keywords").tolist() == []   # a text file hides nothing
    assert not [note for note in read_report(csv).notes if "hides" in note]


def test_the_scan_reads_row_tags_only_in_any_attribute_order_and_across_pieces(monkeypatch):
    xml = (b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c><is><t>hidden="1"</t></is></c></row>'
           b'<row hidden="true" r="12"/><x:row spans="1:2" r="30" hidden="1"><c/></x:row><row r="31" hidden="0"/>'
           b'<rows r="40" hidden="1"/></sheetData><cols><col min="1" hidden="1"/></cols></worksheet>')
    for piece in (1, 7, 64, 1 << 20):   # a tag cut anywhere by the pieces is read whole
        monkeypatch.setattr(hidden, "_PIECE", piece)
        assert sorted(hidden._scan(io.BytesIO(xml))) == [12, 30]


def test_a_workbook_whose_parts_do_not_say_hides_nothing(tmp_path):
    path = keyword_book(tmp_path / "book.xlsx", 2, hide=(2,))
    assert hidden.hidden_rows(path, "No such sheet").tolist() == []
    assert hidden.hidden_rows(path, "Keywords").tolist() == [2]


@settings(max_examples=20, deadline=None)
@given(st.sets(st.integers(2, 41), max_size=40))
def test_the_rows_named_are_exactly_the_hidden_rows_read(tmp_path_factory, hide):
    path = keyword_book(tmp_path_factory.mktemp("book") / "book.xlsx", 40, hide=tuple(sorted(hide)))
    assert hidden.hidden_rows(path, "Keywords").tolist() == sorted(hide)
    notes = hidden.hidden_note("book.xlsx", hidden.hidden_rows(path, "Keywords"), pd.Series(np.arange(2, 42)))
    assert len(notes) == (1 if hide else 0)
    if hide:
        assert f"hides {len(hide)} row" in notes[0]
