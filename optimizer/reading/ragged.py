"""Text reports whose rows do not all have the header's count of cells: cut, padded, or refused.

pyarrow reads a rectangular report; this reads the rest, row by row, and decides:

* a row with more cells than the header is cut when the extra cells are empty (trailing
  separators, as many exports write them) and refused when they hold something: a name with
  the separator in it and no quotes puts every figure after it one column off;
* a last row with fewer cells and no line end is a file cut short (a download that stopped),
  refused: its last figure may be cut too;
* other short rows are padded with empty cells, which the validation reads as missing figures.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from optimizer.errors import InputDataError, Problem

#: Separators as a person names them in a message.
_SEPARATOR_NAMES = {",": "a comma", "\t": "a tab", ";": "a semicolon", "|": "a vertical bar"}


def rectangular(text: str, delimiter: str, file: str, first_row: int, options: dict) -> pd.DataFrame:
    """The report in ``text`` (header line first) as a table of the header's width; raises on rows it cannot place.

    ``first_row`` is the row number people see for the first data row; ``options`` are the
    ``pd.read_csv`` options of the rectangular path, so both paths name and type columns alike.
    """
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))   # line ends in quoted cells kept
    width = len(records[0])
    data = records[1:]
    problems = [*_spilled(data, width, delimiter, file, first_row), *_cut_short(text, data, width, file, first_row)]
    if problems:
        raise InputDataError(problems)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(
        [records[0], *(row[:width] + [""] * (width - len(row)) for row in data)])
    return pd.read_csv(io.BytesIO(buffer.getvalue().encode("utf-8")), engine="pyarrow", **options)


def _spilled(data: list[list[str]], width: int, delimiter: str, file: str, first_row: int) -> list[Problem]:
    """The rows whose cells past the header's width hold something."""
    spilled = [(first_row + index, row) for index, row in enumerate(data)
               if len(row) > width and any(cell.strip() for cell in row[width:])]
    if not spilled:
        return []
    separator = _SEPARATOR_NAMES.get(delimiter, repr(delimiter))
    return [Problem(
        f"{len(spilled)} {'row has' if len(spilled) == 1 else 'rows have'} more cells than the header's {width}: "
        f"a cell holds {separator} without quotes, so every figure after it would be read one column off",
        file=file, rows=[row for row, _ in spilled],
        values=[f"{len(cells)} cells" for _, cells in spilled], n_rows=len(spilled),
        hint="Put that cell in double quotes, or export the report again")]


def _cut_short(text: str, data: list[list[str]], width: int, file: str, first_row: int) -> list[Problem]:
    """The last row, when the file stops in its middle (fewer cells and no line end)."""
    if not data or text.endswith(("\n", "\r")) or not 2 <= len(data[-1]) < width:
        return []
    return [Problem(
        f"the file ends in the middle of a row ({len(data[-1])} of {width} cells): it looks cut short",
        file=file, rows=[first_row + len(data) - 1], values=[repr(data[-1][-1])],
        hint="Download or export the report again")]
