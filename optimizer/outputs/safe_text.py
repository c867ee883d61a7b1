"""Text from the user's files made harmless for where it is written: a spreadsheet, Markdown, a terminal.

Keyword, plan and scenario names come from reports and files a third party may have
written. One function per medium, used by every writer:

- :func:`cells` (CSV cells and headers) prefixes ``'`` to text a spreadsheet would run
  as a formula; :func:`xlsx_cell` keeps such XLSX cells as text (the value itself
  unchanged, so an upload gets the search term exactly);
- :func:`markdown` escapes HTML (tags, entities, autolinks) and the ``|`` that would end a table cell;
- :func:`terminal` removes control characters (escape sequences, bell, carriage returns,
  bidirectional overrides) so that printing a keyword cannot retitle or clear the window.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from optimizer.text_bytes import byte_in, text_bytes

#: Characters a spreadsheet starts a formula with (full-width forms too: some spreadsheets fold them to ASCII).
FORMULA_CHARACTERS = "=+-@＝＋－＠"
#: Blanks a spreadsheet may skip before the formula character (written out: Python's and Arrow's ``\\s`` differ).
BLANKS = " \t\n\r\x0b\x0c\xa0\u3000"
#: A cell a spreadsheet could run: a formula character, after any blanks; or a cell that starts with a tab or CR.
#: One pattern for Python's ``re`` and Arrow's RE2 (literal characters only, ``-`` escaped).
PATTERN = "^(?:[" + BLANKS + "]*[" + FORMULA_CHARACTERS.replace("-", "\\-") + "]|[\t\r\n])"
FORMULA_LIKE = re.compile(PATTERN)
#: Control characters no output should carry: C0 and C1 controls, DEL, bidirectional overrides and isolates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Characters an XLSX cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: The first byte (UTF-8) of every character :data:`PATTERN` can start with: a cell starting with any other byte is
#: safe, so only the few that start with one of these go through the regex.
_RISKY_FIRST_BYTES = frozenset(char.encode()[0] for char in BLANKS + FORMULA_CHARACTERS + "\t\r\n")
#: ``<`` starts every tag and autolink and ``&`` every entity; a lone ``>`` does nothing inside a line ("3 > 2").
_MARKDOWN = {"&": "&amp;", "<": "&lt;", "|": "\\|", "\\": "\\\\", "\n": " ", "\r": " ", "\t": " "}


def formula_like(text: object) -> bool:
    """True when a spreadsheet would read this cell as a formula (or a command) rather than text."""
    return isinstance(text, str) and FORMULA_LIKE.match(text) is not None


def cell(text: object) -> object:
    """One CSV cell or header: text a spreadsheet would run gets a leading ``'``; anything else as it is."""
    return "'" + text if formula_like(text) else text


def cells(column: pd.Series) -> pd.Series:
    """:func:`cell` of a whole column at once (only text columns can hold a formula)."""
    categorical = isinstance(column.dtype, pd.CategoricalDtype)
    if not (categorical or column.dtype == object or pd.api.types.is_string_dtype(column)):
        return column
    risky = _formula_mask(column)
    if not risky.any():
        return column
    column = column.astype(object) if categorical else column
    risky[risky] = [isinstance(value, str) for value in column.to_numpy(object)[risky]]   # numbers stay numbers
    return column.where(~risky, "'" + column.where(risky, ""))


def _formula_mask(column: pd.Series) -> np.ndarray:
    """Which cells :func:`formula_like` is true of: by Arrow's regex engine (10^6 cells in ~0.05 s) when the
    column is all text, else cell by cell."""
    if isinstance(column.dtype, pd.CategoricalDtype):   # each name once, not a Python object per cell
        codes = column.cat.codes.to_numpy()
        named = _formula_mask(pd.Series(column.cat.categories, dtype=object))
        return np.where(codes >= 0, named[np.maximum(codes, 0)], False) if len(named) else np.zeros(len(codes), bool)
    try:
        text = pa.array(column, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return column.astype(str).str.match(PATTERN).to_numpy(bool, copy=True)
    offsets, data = text_bytes(text)
    filled = offsets[:-1] < offsets[1:]   # cells with a first byte
    candidate = np.zeros(len(text), bool)
    candidate[filled] = byte_in(data[offsets[:-1][filled]], _RISKY_FIRST_BYTES)
    mask = np.zeros(len(text), bool)
    if candidate.any():
        matched = pc.match_substring_regex(pc.filter(text, pa.array(candidate)), PATTERN)
        mask[candidate] = pc.fill_null(matched, False).to_numpy(zero_copy_only=False)
    return mask


def xlsx_cell(sheet_cell, value: object) -> None:
    """Set an openpyxl cell so that text stays text: a value starting with ``=`` would otherwise be saved as a
    formula. Such a cell keeps its exact value and gets Excel's quote prefix, so editing it keeps it text;
    the control characters XLSX cannot hold are dropped (openpyxl would refuse the whole file)."""
    if isinstance(value, str):
        value = XLSX_ILLEGAL.sub("", value)
    sheet_cell.value = value
    if formula_like(value):
        sheet_cell.data_type = "s"
        sheet_cell.quotePrefix = True


def markdown(text: object) -> str:
    """Text for a Markdown page or table cell: HTML escaped, ``|`` and ``\\`` escaped, on one line."""
    return "".join(_MARKDOWN.get(char, char) for char in CONTROL.sub("", str(text)))


def terminal(text: object) -> str:
    """Text for a terminal: tabs and lone carriage returns become spaces, other control characters go."""
    text = str(text).replace("\r\n", "\n").replace("\r", " ").replace("\t", " ")
    return CONTROL.sub("", text)
