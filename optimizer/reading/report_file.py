"""Read one platform export (CSV/TSV/TXT or XLSX/XLS) into canonical columns.

Exports from 直通车, 京东快车, Amazon Ads, Google Ads and Facebook differ in
encoding, delimiter, title lines, header names, number formats and total rows.
This module hides all of that: every report comes back with the same column
names, numbers as floats, dates as datetime64, and the spreadsheet row number
of each record so that later messages can point at the cell a person sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
from python_calamine import CalamineError

from optimizer.errors import InputDataError, Problem
from optimizer.i18n import say
from optimizer.reading import currencies, limits, transcoded
from optimizer.reading.cells import cell_text, parse
from optimizer.reading.decoding import decoded, detect_encoding
from optimizer.reading.headers import HEADER_SCAN_LINES, KNOWN, find_header, map_headers, no_header, normalise_header
from optimizer.reading.hidden_rows import hidden_note, hidden_rows
from optimizer.reading.one_figure import each_figure_once
from optimizer.reading.periods import Period, title_period, with_dates
from optimizer.reading.ragged import rectangular
from optimizer.reading.search_terms import from_notation, keyword_match_type
from optimizer.reading.segments import impressions_once
from optimizer.reading.totals import TOTAL_WORDS, repeated_rows, skipped_note, sum_rows, total_counts, total_or_blank
from optimizer.reading.units import bid_units
from optimizer.reading.workbook import report_sheet

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
DELIMITERS = (",", "\t", ";")
_WINDOW = re.compile(r"^\s*\d+\s*day\b|\d+\s*天", re.IGNORECASE)
#: A file of nothing but a byte order mark and blank lines (``bytes.strip``'s whitespace); stops at the first figure.
_BLANK = re.compile(rb"(?:\xef\xbb\xbf)?\s*")
#: The columns likeliest to tell two rows apart, compared first when looking for repeated rows (a daily export's
#: keyword and date together tell every row apart).
_DISTINCT = ("keyword", "date", "spend", "impressions", "clicks")


@dataclass(frozen=True)
class Report:
    """One export in canonical columns, plus what was learned reading it.

    ``frame`` holds the canonical columns found, ``row`` (the spreadsheet row
    number) and ``source`` (the file name); ``bad_cells`` maps a canonical
    column to the row numbers and raw texts that could not be parsed.
    """

    path: Path
    frame: pd.DataFrame
    headers: dict[str, str]
    encoding: str | None
    bad_cells: dict[str, tuple[list[int], list[str]]] = field(default_factory=dict)
    attribution_window: bool = False
    #: The days the file says it covers (title line, Start/End Date or Month/Week rows), None if it does not.
    period: Period | None = None
    #: What reading skipped or decided on purpose (total rows, …): warnings of the run.
    notes: tuple[str, ...] = ()
    #: Every header of the file, the lines above the header, and the data lines below it (totals included).
    file_headers: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    rows_read: int = 0
    #: Where the file names its currency (a Currency column, a money header, its cells' marks) and the codes each
    #: allows (:func:`optimizer.reading.currencies.of_file`); empty when it names none.
    currency: Mapping[str, frozenset[str]] = field(default_factory=dict)


def read_report(path: str | Path, columns: Mapping[str, str] | None = None) -> Report:
    """Read one export; ``columns`` maps the file's headers to canonical names first.

    Raises ``InputDataError`` when the file cannot be read, has no recognisable
    header row, or ``columns`` names a header the file does not have.
    """
    path = Path(path)
    columns = dict(columns or {})
    suffix = path.suffix.lower()
    if suffix not in TEXT_EXTENSIONS + EXCEL_EXTENSIONS:
        raise InputDataError([Problem(
            f"cannot read files ending in '{suffix or '(none)'}'", file=path.name,
            hint="Export the report as CSV or XLSX")])
    if not path.exists():
        raise InputDataError([Problem(
            f"no such file (looked for {path.resolve()})", file=path.name,
            hint="Check the path: report paths in a scenario are relative to the scenario file")])
    user_headers = {normalise_header(header) for header in columns}
    table, header_row, encoding, titles, hidden = _read_table(path, user_headers)
    headers = map_headers(list(table.columns), columns, path.name)
    headers, notation, term_notes = keyword_match_type(headers, list(table.columns), path.name)
    rows = pd.Series(np.arange(len(table), dtype=np.int64) + header_row + 1, index=table.index)
    each_figure_once(table, headers, columns, rows, (suffix not in TEXT_EXTENSIONS, path.name))
    raw = table[list(headers.values())].set_axis(list(headers), axis=1)
    first = table.iloc[:, 0] if len(table.columns) else None
    totals, blank = total_or_blank(raw, first)
    labels = _labels(raw[totals], None if first is None else first[totals])
    total_rows = rows[totals]
    repeated, repeated_note = _repeated(table, raw, rows, headers, (totals, blank), suffix, path.name)
    kept = ~(totals | blank) & ~repeated
    raw, rows = _kept(raw, kept), rows[kept]
    frame, bad_cells, marked = parse(raw, rows, from_excel=suffix not in TEXT_EXTENSIONS, file=path.name,
                                     headers=headers)
    currency = currencies.of_file(table, headers, marked)
    if problems := currencies.within_file(currency, path.name):
        raise InputDataError(problems)
    frame["source"] = path.name
    frame["row"] = rows.to_numpy()
    if notation:
        frame = from_notation(frame)
    frame, unit_notes = bid_units(frame, path.name, titles)
    frame, total_rows, labels = _without_sums(frame, total_rows, labels)
    frame, segment_notes = impressions_once(frame, path.name)
    notes = term_notes + unit_notes + segment_notes
    notes += (skipped_note(path.name, total_rows, labels),) if len(total_rows) else ()
    notes += (say("read.note", name=path.name, note=repeated_note),) if repeated_note else ()
    notes += hidden_note(path.name, hidden, frame["row"])
    frame, period = with_dates(frame.reset_index(drop=True), title_period(titles))
    orders_header = headers.get("orders", "")
    return Report(path=path, frame=frame, headers=headers, encoding=encoding, bad_cells=bad_cells,
                  attribution_window=bool(_WINDOW.search(orders_header)), period=period, notes=notes,
                  file_headers=tuple(str(header) for header in table.columns), titles=tuple(titles),
                  rows_read=int((~blank).sum()), currency=currency)


def _repeated(table: pd.DataFrame, raw: pd.DataFrame, rows: pd.Series, headers: Mapping[str, str],
              skipped: tuple[pd.Series, pd.Series], suffix: str, name: str) -> tuple[pd.Series, str | None]:
    """The rows repeating an earlier row cell for cell, and the note naming them; none when the export's own grand
    total counts them (``skipped``: its total rows and blank rows)."""
    totals, blank = skipped
    repeated, note = repeated_rows(table, rows, tuple(headers[name] for name in _DISTINCT if name in headers),
                                   among=~(totals | blank))
    if not (repeated.any() and totals.any()):
        return repeated, note
    lines = ~blank
    try:
        figures = parse(raw[lines], rows[lines], from_excel=suffix not in TEXT_EXTENSIONS, file=name).frame
    except InputDataError:
        return repeated, note
    if total_counts(figures, totals[lines].to_numpy(bool), repeated[lines].to_numpy(bool)):
        return repeated & False, None
    return repeated, note


def _without_sums(frame: pd.DataFrame, total_rows: pd.Series, labels: pd.Series):
    """The frame without the rows that sum others (:func:`sum_rows`), added to the total rows skipped and labels."""
    summed = sum_rows(frame)
    if not summed.any():
        return frame, total_rows, labels
    return (frame[~summed], pd.concat([total_rows, frame["row"][summed]]),
            pd.concat([labels, pd.Series("", index=frame.index[summed])]))


def _kept(frame: pd.DataFrame, kept: pd.Series) -> pd.DataFrame:
    """The rows ``kept`` marks; a slice, not a copy, when they follow one another (totals first or last)."""
    where = np.flatnonzero(kept.to_numpy(bool))
    if len(where) and where[-1] - where[0] + 1 == len(where):
        return frame.iloc[where[0]:where[-1] + 1]
    return frame[kept]


def _labels(raw: pd.DataFrame, first: pd.Series | None) -> pd.Series:
    """Each total row's first cell that says something ("Total", "Search total", "合计")."""
    columns = [first] if first is not None else []
    columns += [raw[name] for name in ("date", "month", "week", "plan", "ad_group", "keyword") if name in raw]
    texts = [cell_text(column) for column in columns]
    label = pd.Series("", index=raw.index)
    for text in texts:  # the cell that says "total" first, else the first that says anything
        label = label.where(label != "", text.where(text.str.contains(TOTAL_WORDS, case=False, regex=True), ""))
    for text in texts:
        label = label.where(label.str.strip("-– ") != "", text)
    return label


def _read_table(path: Path, user_headers: set[str]) -> tuple[pd.DataFrame, int, str | None, list[str], np.ndarray]:
    """The file's cells under its header as text or Excel values: (table, the header's row number, encoding
    (None for a workbook), the lines above the header, the row numbers a workbook's sheet hides)."""
    try:
        limits.check_file(path)   # a regular file within the size caps, before anything is parsed
        if path.suffix.lower() in TEXT_EXTENSIONS:
            return *_read_text(path, user_headers), np.zeros(0, np.int64)
        table, header_row, titles, hidden = _read_excel(path, user_headers)
        return table, header_row, None, titles, hidden
    except (OSError, ValueError, csv.Error, UnicodeDecodeError, zipfile.BadZipFile,
            CalamineError) as error:
        raise InputDataError([Problem(
            f"cannot be read ({type(error).__name__}: {error})", file=path.name,
            hint="Check the path, or export the report again as CSV or XLSX")]) from error


def _read_text(path: Path, user_headers: set[str]) -> tuple[pd.DataFrame, int, str, list[str]]:
    """Decode, find the header line and delimiter, then read every cell as text; also the lines above the header."""
    raw = limits.read_bytes(path)
    if _BLANK.fullmatch(raw):   # not ``raw.strip()``: that copies the whole file
        raise InputDataError([Problem("the file is empty" if not raw else "the file holds only blank lines",
                                      file=path.name, hint="Export the report again")])
    raw = raw if b"\n" in raw else raw.replace(b"\r", b"\n")   # Excel's "CSV (Macintosh)": a lone CR ends each line
    encoding = detect_encoding(raw)
    if encoding.startswith("bom+"):
        raw, encoding = raw[len(codecs.BOM_UTF8):], encoding[len("bom+"):]
    if encoding in transcoded.BYTE_SAFE and (found := _read_by_columns(raw, encoding, path, user_headers)):
        return found
    text, encoding = decoded(raw, encoding, path.name)
    header = _header_line(text[: _nth_line_end(text, HEADER_SCAN_LINES)], user_headers)
    if header is None:
        raise no_header(path)
    header_index, delimiter, lines_before = header
    body = text[_nth_line_end(text, lines_before):].encode("utf-8")
    header_line = text[_nth_line_end(text, lines_before):_nth_line_end(text, lines_before + 1)]
    _unique_headers(next(csv.reader(io.StringIO(header_line), delimiter=delimiter)), path, user_headers)
    options = dict(sep=delimiter, header=0, dtype=str, keep_default_na=False, skip_blank_lines=False)
    try:
        table = pd.read_csv(io.BytesIO(body), engine="pyarrow", **options)
    except (pd.errors.ParserError, ValueError):   # rows of another width than the header's
        table = rectangular(text[_nth_line_end(text, lines_before):], delimiter, path.name, header_index + 2, options)
    return table, header_index + 1, encoding, text[:_nth_line_end(text, lines_before)].splitlines()


def _read_by_columns(raw: bytes, encoding: str, path: Path,
                     user_headers: set[str]) -> tuple[pd.DataFrame, int, str, list[str]] | None:
    """What :func:`_read_text` reads, from a GBK file's bytes split by pyarrow and transcoded column by column
    (:mod:`optimizer.reading.transcoded`); None when the whole text must be decoded (see there)."""
    try:
        head = raw[:transcoded.line_end(raw, HEADER_SCAN_LINES)].decode(encoding)
    except UnicodeDecodeError:
        return None
    header = _header_line(head, user_headers)
    if header is None:
        return None
    header_index, delimiter, lines_before = header
    header_line = head[_nth_line_end(head, lines_before):_nth_line_end(head, lines_before + 1)]
    table = transcoded.read_table(raw, transcoded.line_end(raw, lines_before + 1), header_line, delimiter, encoding)
    if table is None:
        return None
    _unique_headers(next(csv.reader(io.StringIO(header_line), delimiter=delimiter)), path, user_headers)
    return table, header_index + 1, encoding, head[:_nth_line_end(head, lines_before)].splitlines()


def _header_line(head: str, user_headers: set[str]) -> tuple[int, str, int] | None:
    """The header's record number, the delimiter and the lines above the header in ``head``; None when none is found."""
    best: tuple[int, int, str, int] | None = None  # (-matches, record, delimiter, lines before)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(head), delimiter=delimiter)
        lines_before, records = 0, []
        try:
            for record in reader:
                records.append((record, lines_before))
                lines_before = reader.line_num
        except csv.Error:
            pass
        found = find_header([record for record, _ in records], user_headers)
        if found is not None:
            candidate = (-found[1], found[0], delimiter, records[found[0]][1])
            best = candidate if best is None or candidate[0] < best[0] else best
    return None if best is None else best[1:]


def _unique_headers(names: list[str], path: Path, user_headers: set[str]) -> None:
    """Refuse a header row that names a column it reads twice: which of the two holds the figures is anyone's guess."""
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        normal = normalise_header(name)
        if normal in KNOWN or normal in user_headers:
            positions.setdefault(normal, []).append(position)
    twice = [(names[found[0] - 1], found) for found in positions.values() if len(found) > 1]
    if twice:
        raise InputDataError([Problem(
            f"column {name} appears {'twice' if len(found) == 2 else f'{len(found)} times'} (columns {', '.join(map(str, found[:-1]))} and {found[-1]})",
            file=path.name, hint="Delete or rename all but one of them") for name, found in twice])


def _nth_line_end(text: str, count: int) -> int:
    """Offset just after the ``count``-th newline (or the text's end)."""
    position = 0
    for _ in range(count):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position


def _read_excel(path: Path, user_headers: set[str]) -> tuple[pd.DataFrame, int, list[str], np.ndarray]:
    """Pick the sheet whose header looks most like a report; cells keep their Excel types; also the rows above the
    header and the rows the sheet hides."""
    with pd.ExcelFile(path, engine="calamine") as book:
        sheet, header_index = report_sheet(book, path, user_headers)
        sheet_table = pd.read_excel(book, sheet_name=sheet, header=None)
    names = [str(name) if pd.notna(name) else f"Unnamed: {position}"
             for position, name in enumerate(sheet_table.iloc[header_index])]
    _unique_headers(names, path, user_headers)
    table = sheet_table.iloc[header_index + 1:].set_axis(names, axis=1).reset_index(drop=True)
    titles = [" ".join(str(cell) for cell in record if pd.notna(cell))
              for record in sheet_table.iloc[:header_index].itertuples(index=False)]
    return table.infer_objects(), header_index + 1, titles, hidden_rows(path, sheet)
