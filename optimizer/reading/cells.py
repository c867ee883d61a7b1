"""Cell texts to values: numbers written with currency, separators and percent, dates in the
usual export formats, match types in one vocabulary.
"""

from __future__ import annotations

from typing import Callable, Mapping, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from optimizer.errors import InputDataError, Problem
from optimizer.reading.conventions import (
    COMMA,
    MARKS,
    MONTH_FIRST,
    POINT,
    date_order,
    decimal_mark,
    one_currency,
    regular_days,
)
from optimizer.reading.headers import header_scale

TEXT_COLUMNS = ("plan", "ad_group", "keyword", "match_type", "record_type", "state", "campaign_type", "search_term",
                "click_type")
#: Canonical columns that hold dates: a row's day, or the start and end of the period it sums.
DATE_COLUMNS = ("date", "start_date", "end_date", "month", "week")
#: Canonical columns of rates, the only ones a cell may write as a percent ("9.09%"); "40%" in a spend, a click
#: count or a bid is no figure of that column (a rate pasted into the wrong column, or columns shifted).
RATE_COLUMNS = ("ctr", "roi", "acos", "cvr")
#: Figures of the past a header's unit may scale ("花费(万元)", "Cost (micros)"); a bid or a budget so scaled is
#: refused, since the plan writes bids and budgets back in whole units under the file's own headers.
SCALED_COLUMNS = ("impressions", "clicks", "spend", "orders", "revenue", "cpc")
MISSING_TOKENS = ("", "-", "--", "—", "–", "n/a", "na", "nan", "null", "none", "nat")
#: In a number column "nan" is not a blank but a value no export writes: it is an unreadable cell.
_NUMBER_MISSING = tuple(token for token in MISSING_TOKENS if token not in ("nan", "nat"))
# Patterns for pandas .str are plain strings without \s or \d: pyarrow then runs them in C (RE2).
_NOISE = f"{MARKS}|,"  # currency, percent, spaces and commas between thousands
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?"
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%b %d, %Y",
                 "%B %d, %Y", "%d %b %Y", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d",
                 "%d.%m.%Y",  # German, Swiss, Russian exports: the day first wherever dots part the date
                 "%Y-%m", "%B %Y", "%b %Y", "%Y年%m月")  # the last four: months
#: Cells :func:`each_distinct` looks at to tell a column of mostly distinct cells.
SAMPLE_CELLS = 65_536
MATCH_TYPES = {"精确匹配": "exact", "精准匹配": "exact", "精确": "exact", "exact match": "exact",
               "广泛匹配": "broad", "广泛": "broad", "broad match": "broad",
               "短语匹配": "phrase", "中心词匹配": "phrase", "phrase match": "phrase",
               "-": "", "--": ""}


def cell_text(column: pd.Series) -> pd.Series:
    """Each cell as stripped text, missing cells as ""."""
    if not pd.api.types.is_string_dtype(column) or column.dtype == object:
        column = column.astype(object).where(column.notna(), "").astype(str)
    return column.fillna("").str.strip()


def each_distinct(column: pd.Series, read: Callable[[pd.Series], tuple[pd.Series, ...]]) -> tuple[pd.Series, ...]:
    """``read`` (a cell-by-cell reading) applied to each distinct cell of a text column once, spread back to its rows.

    A column of two million cells holds a few thousand distinct ones (a day, a plan, a price). A workbook's
    cells keep their types and go to ``read`` whole: to a hash table 1, 1.0 and True are one cell. So does
    a long column of mostly distinct cells (a report's keywords, one row each): when nine in ten of
    :data:`SAMPLE_CELLS` cells drawn from it differ, finding its distinct cells would cost
    more than reading them all (a daily export's keywords, each on many days, are still found first).
    """
    if column.dtype == object or not pd.api.types.is_string_dtype(column):
        return read(column)
    if len(column) > 4 * SAMPLE_CELLS:
        sample = column.iloc[np.random.default_rng(0).integers(0, len(column), SAMPLE_CELLS)]   # seeded: same each run
        if len(pd.unique(sample)) > 0.9 * len(sample):
            return read(column)
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return tuple(result.iloc[codes].set_axis(column.index) for result in read(pd.Series(uniques, dtype=column.dtype)))


class Parsed(NamedTuple):
    """A file's cells read: the canonical columns, the cells that could not be read (column -> row numbers and
    texts) and the currency their marks name (:func:`optimizer.reading.conventions.one_currency`)."""

    frame: pd.DataFrame
    bad_cells: dict[str, tuple[list[int], list[str]]]
    currency: str | None


def parse(raw: pd.DataFrame, rows: pd.Series, from_excel: bool, file: str = "",
          headers: Mapping[str, str] | None = None) -> Parsed:
    """Parse every canonical column; unparseable cells go to ``bad_cells``.

    The decimal mark and the order of day and month are decided once from every cell of the file
    (:mod:`optimizer.reading.conventions`); ``file`` and ``headers`` name the cells when they cannot be.
    """
    headers = headers or {}
    parsed, bad_cells = {}, {}
    texts = {name: _written(raw[name], from_excel) for name in raw.columns if name not in TEXT_COLUMNS}
    mark = decimal_mark({name: text for name, text in texts.items() if name not in DATE_COLUMNS and text is not None},
                        rows, file, headers)
    currency = one_currency({name: text for name, text in texts.items() if text is not None}, rows, file, headers)
    dated = {name: text for name, text in texts.items() if name in DATE_COLUMNS and text is not None}
    order = date_order(dated, rows, file, headers,
                       lambda order: regular_days(pd.concat([_parse_dates(raw[name], order)[0] for name in dated])))
    for name in raw.columns:
        column = raw[name]
        if name in TEXT_COLUMNS:
            parsed[name] = _text(column, name, from_excel)
            continue
        values, bad = (_parse_dates(column, order) if name in DATE_COLUMNS
                       else _parse_numbers(column, mark, percent=name in RATE_COLUMNS))
        if name not in DATE_COLUMNS and (scale := header_scale(headers.get(name, ""))):
            values = _scaled(values, column, name, scale, (file, headers[name]))
        parsed[name] = values
        if bad.any():
            bad_cells[name] = (rows[bad].tolist(), cell_text(column[bad]).tolist())
    # copy=False: the columns are this call's own (or, copy-on-write, shared safely); one block each, not one 2-D copy
    return Parsed(pd.DataFrame(parsed, index=raw.index, copy=False), bad_cells, currency)


def _written(column: pd.Series, from_excel: bool) -> pd.Series | None:
    """The cells written as text (a workbook's true numbers and dates left out), or None when there are none."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return None
    if from_excel and column.dtype == object:
        column = column[column.map(type, na_action="ignore") == str]
    return cell_text(column)


def _text(column: pd.Series, name: str, from_excel: bool) -> pd.Series:
    if name == "match_type":  # three distinct cells in a million: each is lowered and looked up once
        return each_distinct(column, lambda cells: (_texts(cells, name, from_excel),))[0]
    return _texts(column, name, from_excel)  # stripping is cheaper than finding the distinct names


def _texts(column: pd.Series, name: str, from_excel: bool) -> pd.Series:
    text = cell_text(column)
    if from_excel:
        text = text.str.replace(r"^(-?[0-9]+)\.0$", r"\1", regex=True)
    if name == "match_type":
        lowered = text.str.lower()
        text = lowered.map(MATCH_TYPES).fillna(lowered).astype(str)
    return text


def _scaled(values: pd.Series, column: pd.Series, name: str, scale: tuple[str, float],
            where: tuple[str, str]) -> pd.Series:
    """A number column's values in whole units when its header names a unit that scales them: "(%)" on a rate
    (its cells written without "%" are percents), "(万元)" or "(micros)" on a figure of the past; refused on a
    bid or a budget."""
    unit, factor = scale
    if unit == "%":
        if name not in RATE_COLUMNS:
            return values
        return values.where(cell_text(column).str.contains("%", regex=False).fillna(False).astype(bool),
                            values * factor)
    if name in SCALED_COLUMNS:
        return values * factor
    if name in RATE_COLUMNS:
        return values
    file, header = where
    raise InputDataError([Problem(
        f'the header says its figures are in "{unit}" (× {factor:g}), which the plan cannot write back under it',
        file=file, column=f"{header} ({name})", hint="Export the report with bids and budgets in whole currency "
        "units (or convert the column and drop the unit from its header)")])


def _parse_numbers(column: pd.Series, mark: str = POINT, percent: bool = True) -> tuple[pd.Series, pd.Series]:
    """"¥1,234.50", "Rs.201.68", "9.09%" (-> 0.0909; unreadable unless ``percent``), "-" (-> NaN), with ``mark``
    COMMA "1.234,50"; numbers pass through."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.astype("float64")
        infinite = pd.Series(np.isinf(values.to_numpy()), index=column.index)
        return values.where(~infinite), infinite
    plain = _plain_numbers(column) if mark == POINT else None
    if plain is not None:
        return plain, pd.Series(False, index=column.index)
    return each_distinct(column, lambda cells: _number_texts(cells, mark, percent))


def _plain_numbers(column: pd.Series) -> pd.Series | None:
    """A text column whose every cell is a bare finite number ("3.37", "119", "1e3"), read in one pass; else None.

    Most number columns of a large export are such (impressions, clicks, bids): one cast of the whole column
    costs less than finding its distinct cells. pyarrow's cast refuses every other cell ("", "-", "¥1.20", "9%",
    " 3") but "nan" and "inf", which are not finite; such a column goes to the cell-by-cell reading instead.
    """
    if column.dtype != "str" or not len(column):
        return None
    try:
        values = pc.cast(pa.array(column.array), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not np.isfinite(values).all():   # "nan", "inf", missing cells and "1e400" (too large for a float)
        return None
    return pd.Series(values, index=column.index, dtype="float64")


def _number_texts(column: pd.Series, mark: str, percent: bool = True) -> tuple[pd.Series, pd.Series]:
    lowered = cell_text(column).str.lower()
    missing = lowered.isin(_NUMBER_MISSING)
    cleaned = lowered
    valid = cleaned.str.fullmatch(_NUMBER).fillna(False).astype(bool) & ~missing
    shares = lowered.str.contains("%", regex=False).fillna(False).astype(bool)
    if mark == COMMA:   # "1.234" is then a thousand and more
        valid &= ~lowered.str.contains(".", regex=False).fillna(False).astype(bool)
    noisy = ~valid & ~missing
    if noisy.any():  # only cells like "¥1,234.50" pay for the regex
        bare = lowered[noisy].str.replace(_NOISE if mark == POINT else MARKS, "", regex=True)
        if mark == COMMA:
            bare = bare.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        cleaned = cleaned.where(~noisy, bare)
        valid |= noisy & cleaned.str.fullmatch(_NUMBER).fillna(False).astype(bool)
        if not percent:
            valid &= ~shares
    # pyarrow's cast parses a million numbers in milliseconds; invalid cells are nulls by then
    parsed = pc.cast(pa.array(cleaned.where(valid), type=pa.string()), pa.float64())
    values = pd.Series(parsed.to_numpy(zero_copy_only=False), index=column.index, dtype="float64")
    values = values.where(~shares, values / 100.0)
    infinite = pd.Series(np.isinf(values.to_numpy()), index=column.index)  # "1e400" overflows to inf
    return values.where(~infinite), (~valid & ~missing) | infinite


def _parse_dates(column: pd.Series, order: str = MONTH_FIRST) -> tuple[pd.Series, pd.Series]:
    """Dates in the usual export formats, Excel datetimes and Excel serial numbers; 03/11/2026 in ``order``."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.astype("datetime64[ns]"), pd.Series(False, index=column.index)
    return each_distinct(column, lambda cells: _date_texts(cells, order))


def _date_texts(column: pd.Series, order: str) -> tuple[pd.Series, pd.Series]:
    text = cell_text(column).str.replace(r"^([0-9]{8})\.0$", r"\1", regex=True)
    missing = text.str.lower().isin(MISSING_TOKENS)
    dates = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
    for date_format in _DATE_FORMATS + (("%m/%d/%Y",) if order == MONTH_FIRST else ("%d/%m/%Y",)):
        todo = dates.isna() & ~missing
        if not todo.any():
            break
        dates[todo] = pd.to_datetime(text[todo], format=date_format, errors="coerce")
    serial = pd.to_numeric(text.where(dates.isna() & ~missing, ""), errors="coerce")
    serial = serial.where((serial > 20000) & (serial < 80000))
    if serial.notna().any():
        excel = pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
        dates = dates.where(dates.notna(), excel.dt.floor("D"))
    return dates, dates.isna() & ~missing
