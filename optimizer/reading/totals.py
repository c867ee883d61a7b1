"""Total and subtotal rows, of every style and wherever they stand, and repeated rows, found to skip (and say so).

Exports add up their own rows: "合计" / "总计" / "汇总", "Total", "Total: Account", "Search total",
"Overall total", a row whose names are all "--" (Google's Total row), or an unlabelled first or
last row equal to the sum of the others. Planning on them would count every figure twice.

A row identical cell for cell to an earlier one is the same line exported twice (files joined by
hand, a download repeated): no platform lists one keyword twice for one day with every figure the
same, while rows of one keyword that differ in any cell (another day, search term or placement) are
real and summed. Unless the export's own grand total counts them: then they are real rows that happen to
match (one keyword in two ad groups the file does not name, with the same few figures), and are kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.i18n import say
from optimizer.reading.cells import MISSING_TOKENS, cell_text, each_distinct

#: On lowercased text; patterns for pandas .str stay plain so pyarrow runs them in C.
_TOTAL_PREFIXES = ("合计", "总计", "汇总", "小计", "total:", "total :", "total：", "totals:", "grand total",
                   "subtotal")
_TOTAL_CELLS = ("total", "totals", "sum", "总和")
_TOTAL_SUFFIXES = (" total", " totals", "合计", "总计", "汇总", "小计", " subtotal")
#: What a total row's label says, to show it in the warning.
TOTAL_WORDS = "total|合计|总计|汇总|小计"
#: A subtotal's label naming what it sums ("Total - C1", "Total for C1", "Subtotal (Brand)"): a total only when the
#: row's other names are blank, since a campaign may be called "Total - Brand".
_TOTAL_OF = "^(?:sub)?totals?(?: ?[-–—:(（]| for )"
_LABELS = ("date", "month", "week", "plan", "ad_group", "keyword")
_NAMES = ("plan", "ad_group", "keyword")
_SUMMED = ("impressions", "clicks", "spend", "orders", "revenue")
#: An unlabelled row is a total when these figures each equal the sum of the other rows within this share.
SUM_TOLERANCE = 0.005


def total_or_blank(raw: pd.DataFrame, first_column: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """Rows to skip, as (totals, blanks): labelled totals, nameless rows with figures, rows all blank.

    Only rows with a label, a name or the first cell blank or reading like a total can be either; they are
    found first, each distinct cell looked at once, and only they are looked at whole.
    """
    if raw.columns.empty:
        return _total_or_blank(raw, first_column)
    keys = [raw[name] for name in _LABELS if name in raw] + [raw.iloc[:, 0]]
    maybe = np.zeros(len(raw), dtype=bool)
    for column in keys + ([first_column] if first_column is not None else []):
        maybe |= each_distinct(column, lambda cells: (_blank_or_total(cell_text(cells).str.lower()),))[0].to_numpy()
    found = _total_or_blank(raw[maybe], None if first_column is None else first_column[maybe])
    totals, blank = np.zeros(len(raw), dtype=bool), np.zeros(len(raw), dtype=bool)
    totals[maybe], blank[maybe] = found[0].to_numpy(bool), found[1].to_numpy(bool)
    return pd.Series(totals, index=raw.index), pd.Series(blank, index=raw.index)


def _blank_or_total(text: pd.Series) -> pd.Series:
    return (text.isin(MISSING_TOKENS) | text.isin(_TOTAL_CELLS) | text.str.startswith(_TOTAL_PREFIXES)
            | text.str.endswith(_TOTAL_SUFFIXES))


def _total_or_blank(raw: pd.DataFrame, first_column: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """(totals, blanks) of ``raw``, every row looked at whole."""
    texts = {name: cell_text(raw[name]).str.lower() for name in raw.columns}
    labels = [texts[name] for name in _LABELS if name in texts]
    if first_column is not None:
        labels.append(cell_text(first_column).str.lower())
    labelled = pd.Series(False, index=raw.index)
    suffixed = pd.Series(False, index=raw.index)
    for text in labels:
        labelled |= text.str.startswith(_TOTAL_PREFIXES) | text.isin(_TOTAL_CELLS)
        suffixed |= text.str.endswith(_TOTAL_SUFFIXES)
    names = [texts[name] for name in _NAMES if name in texts]
    quiet = pd.Series(True, index=raw.index)  # every name blank, "-"/"--", or itself a total label
    nameless = pd.Series(bool(names), index=raw.index)
    for text in names:
        missing = text.isin(MISSING_TOKENS)
        quiet &= missing | text.str.endswith(_TOTAL_SUFFIXES) | text.isin(_TOTAL_CELLS)
        nameless &= missing
    figures = pd.Series(False, index=raw.index)
    for name in _SUMMED:
        if name in texts:
            figures |= ~texts[name].isin(MISSING_TOKENS)
    blank = pd.Series(True, index=raw.index)
    for text in texts.values():
        blank &= text.isin(MISSING_TOKENS)
    return (labelled | (suffixed & quiet) | ((nameless | _total_of(texts, raw.index)) & figures)) & ~blank, blank


def _total_of(texts: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """Rows whose one name is a subtotal's label ("Total - C1") and whose other names are all blank."""
    found = pd.Series(False, index=index)
    names = [name for name in _NAMES if name in texts]
    for name in names if len(names) > 1 else ():
        others = [texts[other].isin(MISSING_TOKENS) for other in names if other != name]
        found |= texts[name].str.contains(_TOTAL_OF, regex=True).fillna(False).astype(bool) & np.logical_and.reduce(others)
    return found


def sum_rows(frame: pd.DataFrame) -> pd.Series:
    """An unlabelled first or last row whose figures each equal the sum of all the other rows."""
    found = pd.Series(False, index=frame.index)
    columns = [name for name in _SUMMED[:3] if name in frame]
    if len(frame) < 3 or len(columns) < 2:
        return found
    values = frame[columns].to_numpy(float)
    totals = np.nansum(values, axis=0)
    for position in (0, len(frame) - 1):
        row = values[position]
        rest = totals - np.nan_to_num(row)
        if np.all(rest > 0) and np.allclose(row, rest, rtol=SUM_TOLERANCE, atol=0.01):
            found.iloc[position] = True
    return found


def skipped_note(name: str, rows: pd.Series, labels: pd.Series) -> str:
    """The warning of the totals skipped: how many, which rows, what they said."""
    shown = ", ".join(f'{row}: "{label}"' if label else str(row)
                      for row, label in zip(rows.tolist()[:5], labels.tolist()[:5]))
    more = say("read.more") if len(rows) > 5 else ""
    noun = say("read.row" if len(rows) == 1 else "read.rows")
    return say("read.skipped_totals", name=name, count=len(rows), noun=noun, shown=shown, more=more)


def repeated_rows(table: pd.DataFrame, rows: pd.Series, first: tuple[str, ...] = (),
                  among: pd.Series | None = None) -> tuple[pd.Series, str | None]:
    """Rows identical in every cell to an earlier row, and the warning that names them (None when there are none).

    Columns are compared one at a time, ``first`` first (the keyword, the spend: the likeliest to differ), each
    only among the rows still alike in all columns before it; a million distinct rows cost about one column.
    Only the rows ``among`` marks (all when None) are compared; the others are never repeated.
    """
    alike = np.arange(len(table)) if among is None else np.flatnonzero(among.to_numpy(bool))
    key = np.zeros(len(alike), dtype=np.int64)
    for column in list(first) + [name for name in table.columns if name not in first]:
        if 2 * len(alike) > len(table):   # most rows: the whole column costs less than copying them out first
            codes = pd.factorize(table[column], use_na_sentinel=False)[0][alike]
        else:
            codes = pd.factorize(table[column].iloc[alike], use_na_sentinel=False)[0]
        key = pd.factorize(key * (int(codes.max(initial=0)) + 1) + codes)[0]
        shared = pd.Series(key).duplicated(keep=False).to_numpy()
        alike, key = alike[shared], key[shared]
        if not len(alike):
            break
    repeated = pd.Series(False, index=table.index)
    repeated.iloc[alike] = pd.Series(key).duplicated().to_numpy()
    if not repeated.any():
        return repeated, None
    firsts = pd.Series(key).drop_duplicates()
    earlier = pd.Series(rows.iloc[alike[firsts.index]].to_numpy(), index=firsts.to_numpy())
    earlier = earlier.loc[key[pd.Series(key).duplicated().to_numpy()]]
    shown = ", ".join(f"{row} = {first_row}" for row, first_row in zip(rows[repeated][:5], earlier[:5]))
    count = int(repeated.sum())
    more = say("read.more") if count > 5 else ""
    noun = say("read.row" if count == 1 else "read.rows")
    return repeated, say("warning.repeated_rows", count=count, noun=noun, shown=shown, more=more)


def total_counts(figures: pd.DataFrame, totals: np.ndarray, repeated: np.ndarray) -> bool:
    """Whether the export's grand total (its largest total row) is the sum of the rows with the repeated ones and
    not without them, in every figure the file has and both can tell apart."""
    told = False
    for name in (name for name in _SUMMED if name in figures):
        values = figures[name].to_numpy(float)
        grand = np.nanmax(values[totals], initial=-np.inf)
        every, distinct = np.nansum(values[~totals]), np.nansum(values[~totals & ~repeated])
        if not np.isfinite(grand):
            continue
        if not _same(grand, every):
            return False
        told = told or not _same(grand, distinct)
    return told


def _same(total: float, summed: float) -> bool:
    """A total and a sum of cells equal up to the last printed cent."""
    return abs(total - summed) <= 0.005 + 1e-9 * abs(summed)
