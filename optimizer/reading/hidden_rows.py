"""Rows an XLSX sheet hides: read like every other row, and named in the run's notes.

An operator who filters an export in Excel (or hides rows by hand, or folds a group) and saves it
still has those rows in the file: a filter hides rows, it does not remove them. What the sheet
shows is then not what it holds. bidopt plans on every row (a plan on the rows a filter happened
to leave would be a plan on part of the account), and says which rows were hidden, so an operator
who meant to leave them out deletes them instead.

Only the sheet's own XML says which rows are hidden (``<row r="7" hidden="1">``); the cells come
from calamine, which does not. The sheet's XML is scanned in pieces as it is unzipped, so a large
sheet is never held whole.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from optimizer.i18n import say
from optimizer.reading.artefacts import rows_text

#: Workbooks whose sheets are XML in a zip (``.xls`` and ``.ods`` keep their hidden rows otherwise: not looked at).
ZIPPED_XML = (".xlsx", ".xlsm")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A ``hidden`` attribute that is set (``1`` or ``true``): looked for first, since most sheets hide nothing.
_HIDDEN = re.compile(rb'hidden="(?:1|true)"')
#: The start of a row element (with or without a namespace prefix), and a row element's number.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_PIECE = 1 << 20


def hidden_rows(path: Path, sheet: str) -> np.ndarray:
    """The spreadsheet row numbers (from 1) that ``sheet`` of the workbook at ``path`` hides, ascending; none
    for a workbook that is not zipped XML, or whose parts do not say."""
    if path.suffix.lower() not in ZIPPED_XML:
        return np.zeros(0, np.int64)
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            if part is None:
                return np.zeros(0, np.int64)
            with book.open(part) as xml:
                return np.array(sorted(_scan(xml)), np.int64)
    except (KeyError, ElementTree.ParseError):   # a part missing or unreadable: calamine read the cells regardless
        return np.zeros(0, np.int64)


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding ``sheet``'s XML: its relation id in workbook.xml, that id's target in the rels."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    ids = [element.get(_RELATION) for element in workbook.iter(f"{_MAIN}sheet") if element.get("name") == sheet]
    if not ids:
        return None
    relations = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for relation in relations.iter(f"{_PACKAGE}Relationship"):
        if relation.get("Id") == ids[0]:
            target = relation.get("Target", "")
            # a target is relative to xl/ or, with a leading slash, to the package's root
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def _scan(xml) -> set[int]:
    """The numbers of the hidden row elements of a sheet's XML, read a piece at a time."""
    found: set[int] = set()
    tail = b""
    while True:
        piece = xml.read(_PIECE)
        text = tail + piece
        # a tag may run past the piece's end: from its "<" on, it is scanned with the next piece
        cut = text.rfind(b"<") if piece else len(text)
        for match in _HIDDEN.finditer(text, 0, max(cut, 0)):
            tag = text[text.rfind(b"<", 0, match.start()):text.find(b">", match.end()) + 1]   # the whole tag
            if _ROW_TAG.match(tag) and (number := _ROW_NUMBER.search(tag)):
                found.add(int(number.group(1)))
        if not piece:
            return found
        tail = text[max(cut, 0):]


def hidden_note(name: str, hidden: np.ndarray, rows_read: pd.Series) -> tuple[str, ...]:
    """The note naming the rows read that the sheet hides (none when it hides none of them)."""
    read = rows_read[rows_read.isin(hidden)]
    if not len(read):
        return ()
    noun = say("read.row" if len(read) == 1 else "read.rows")
    return (say("read.hidden_rows", name=name, count=len(read), noun=noun, rows=rows_text(read)),)
