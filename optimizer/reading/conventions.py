"""How a file writes its numbers and dates, decided once for the whole file: decimal point or
decimal comma, day or month first.

"36,50" is 36.5 in a German export and "1,234" is 1234 in an American one; "03/11/2026" is
3 November in a British export and 11 March in an American one. A cell alone cannot say which;
the file can. A cell like "1,234.50", "36,50" or "13/03/2026" settles the convention for every
cell of the file, and impressions and clicks are whole numbers, so "1,234" there is a thousand
and more. When the file's cells contradict each other, or nothing in the file tells the two
readings apart and they would give different values, the reader refuses and names the cells:
planning on a value read ten thousand times too large is worse than asking.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from optimizer.errors import SHOWN_ROWS, InputDataError, Problem
from optimizer.reading.headers import normalise_header
from optimizer.text_bytes import byte_in, text_bytes

POINT, COMMA = ".", ","
MONTH_FIRST, DAY_FIRST = "month", "day"
#: Columns of whole numbers: a separator before exactly three digits there is between thousands.
COUNTS = ("impressions", "clicks")
#: Currency, percent, spaces (thin and non-breaking ones too) and the Swiss apostrophes between thousands
#: (``1'234.50``, ``1’234.50``): all a number cell holds besides digits and marks.
MARKS = "rs\\.?|inr|usd|us\\$|rmb|cny|[¥￥$₹€£元% \u00a0\u202f'\u2019]"
_SIGN = "[+-]?"
_EXPONENT = "(?:e[+-]?[0-9]+)?"
# Patterns without \d or \s, so that pyarrow runs them in C (RE2) over the whole column.
_POINT_ONLY = (f"{_SIGN}(?:[0-9]+(?:,[0-9]+)+\\.[0-9]*|[0-9]*\\.(?:[0-9]{{1,2}}|[0-9]{{4,}})"
               f"|[0-9]+(?:,[0-9]+){{2,}}|(?:0|[0-9]{{4,}})\\.[0-9]{{3}}){_EXPONENT}")
_COMMA_ONLY = (f"{_SIGN}(?:[0-9]+(?:\\.[0-9]+)+,[0-9]*|[0-9]*,(?:[0-9]{{1,2}}|[0-9]{{4,}})"
               f"|[0-9]+(?:\\.[0-9]+){{2,}}|(?:0|[0-9]{{4,}}),[0-9]{{3}})")
_GROUPED_BY_COMMA = f"{_SIGN}[1-9][0-9]{{0,2}},[0-9]{{3}}"   # "1,234": 1234, or 1.234 with a decimal comma
_GROUPED_BY_POINT = f"{_SIGN}[1-9][0-9]{{0,2}}\\.[0-9]{{3}}"  # "1.234": 1.234, or 1234 with points between thousands
_SLASH_DATE = "([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"
CONVENTION_HINT = "Export the report again with one convention, or correct these cells"
#: Money columns, and each currency's marks as a cell writes them (lowercased): "$1.20" and "€1.20" are no one sum.
MONEY = ("spend", "revenue", "bid", "default_bid", "cpc", "plan_budget")
_CURRENCIES = {"USD": "usd|us\\$|\\$", "CNY": "rmb|cny|元|¥|￥", "INR": "rs\\.?|inr|₹", "EUR": "€", "GBP": "£"}
#: The bytes of a cell written with no mark at all: digits, signs, points and commas.
_PLAIN = frozenset(b"0123456789+-.,")
#: The longest mark above, in characters.
_MARK_LENGTH = 3


def decimal_mark(texts: Mapping[str, pd.Series], rows: pd.Series, file: str, headers: Mapping[str, str]) -> str:
    """POINT or COMMA for every number cell of the file, from the cells whose reading only one allows.

    ``texts`` holds each number column's cells as text, stripped. Raises ``InputDataError``
    when some cells read only with a point and others only with a comma, or when no cell decides
    and some read differently either way.
    """
    found: dict[str, list[tuple[str, pd.Series, pd.Series]]] = {POINT: [], COMMA: [], "either": []}
    for name, text in texts.items():
        values = pd.Series(text.unique(), dtype="str")   # a column repeats its values: each is looked at once
        marked = values[values.str.contains("[.,]", regex=True)]
        if marked.empty:
            continue
        bare = marked.str.lower().str.replace(MARKS, "", regex=True)
        by_comma, by_point = bare.str.fullmatch(_GROUPED_BY_COMMA), bare.str.fullmatch(_GROUPED_BY_POINT)
        point, comma = bare.str.fullmatch(_POINT_ONLY), bare.str.fullmatch(_COMMA_ONLY)
        if name in COUNTS:
            point, comma, either = point | by_comma, comma | by_point, by_comma & False
        else:
            either = by_comma | by_point
        for kind, mask in ((POINT, point), (COMMA, comma), ("either", either)):
            if mask.any():
                found[kind].append((name, text, marked[mask]))
    if found[POINT] and found[COMMA]:
        raise InputDataError([
            _problem(found[kind], rows, file, headers, f"{reading}, while other cells of the file use a decimal "
                     f"{other}", CONVENTION_HINT)
            for kind, reading, other in ((COMMA, "read only with a decimal comma", "point"),
                                         (POINT, "read only with a decimal point", "comma"))])
    if found[POINT] or found[COMMA]:
        return POINT if found[POINT] else COMMA
    if found["either"]:
        raise InputDataError([_problem(
            found["either"], rows, file, headers,
            'could be read with a comma between thousands ("1,234" = 1234) or as a decimal comma ("1,234" = 1.234), '
            "and no other number in the file says which", 'Export the report again with decimals written out '
            '("1,234.00" or "1.234,00"), or write these cells without a thousands separator')])
    return POINT


def one_currency(texts: Mapping[str, pd.Series], rows: pd.Series, file: str,
                 headers: Mapping[str, str]) -> str | None:
    """The currency the money cells' marks name ("USD" for "$1.20"), None when they name none; refused when they
    name more than one ("$1.20" beside "€1.20"), naming the cells of every currency but the commonest: summed as
    one, they would be no amount in any currency."""
    found: dict[str, list[tuple[str, pd.Series, pd.Series]]] = {}
    for name, text in texts.items():
        if name in MONEY:
            for currency, named in _currencies(text).items():
                found.setdefault(currency, []).append((name, text, named))
    if len(found) < 2:
        return next(iter(found), None)
    counts = {currency: sum(int(named.sum()) for _, _, named in columns) for currency, columns in found.items()}
    commonest = max(counts, key=counts.get)
    raise InputDataError([_problem([(name, text, text[named].unique()) for name, text, named in columns], rows, file,
                                   headers, f"in {currency}, while most money cells of the file are in {commonest}",
                                   "Export one currency per file, or correct these cells")
                          for currency, columns in found.items() if currency != commonest])


def _currencies(text: pd.Series) -> dict[str, pd.Series]:
    """Per currency named in ``text`` (a sign and a mark first, or a mark last), which cells name it.

    Amounts repeat (a daily export of two million rows holds a few thousand): each distinct cell is looked at
    once, and none at all in a column whose every byte is a digit, a sign, a point or a comma (plain numbers).
    """
    offsets, data = text_bytes(pa.array(text, type=pa.large_string(), from_pandas=True))
    if not (~byte_in(data[offsets[0]:offsets[-1]], _PLAIN)).any():
        return {}
    codes, distinct = pd.factorize(text)
    return {currency: pd.Series(named.to_numpy(bool)[codes] & (codes >= 0), index=text.index)
            for currency, named in _distinct_currencies(pd.Series(distinct, dtype="str")).items()}


def _distinct_currencies(text: pd.Series) -> dict[str, pd.Series]:
    """:func:`_currencies` of distinct cells: a mark is at most :data:`_MARK_LENGTH` characters, so a cell's first
    ones (with a sign) and last ones decide, and only the distinct heads and tails are matched."""
    lower = text.str.lower()
    heads, tails = lower.str[:_MARK_LENGTH + 1], lower.str[-_MARK_LENGTH:]
    distinct_heads, distinct_tails = pd.Series(heads.unique(), dtype="str"), pd.Series(tails.unique(), dtype="str")
    named = {}
    for currency, marks in _CURRENCIES.items():
        mask = (heads.isin(distinct_heads[distinct_heads.str.contains(f"^[+-]?(?:{marks})", regex=True)])
                | tails.isin(distinct_tails[distinct_tails.str.contains(f"(?:{marks})$", regex=True)]))
        if mask.any():
            named[currency] = mask
    return named


def date_order(texts: Mapping[str, pd.Series], rows: pd.Series, file: str, headers: Mapping[str, str],
               regular: Callable[[str], bool]) -> str:
    """MONTH_FIRST or DAY_FIRST for dates written like 03/11/2026, from the dates whose day is above 12.

    ``regular(order)`` says whether the file's days then follow one another evenly
    (a daily or weekly report); used only when no date has a day above 12. Raises
    ``InputDataError`` when dates contradict each other, or when no date decides and both orders
    give different days.
    """
    found: dict[str, list[tuple[str, pd.Series, pd.Series]]] = {MONTH_FIRST: [], DAY_FIRST: [], "either": []}
    for name, text in texts.items():
        values = pd.Series(text.unique(), dtype="str")
        slashed = values[values.str.fullmatch(_SLASH_DATE)]
        if slashed.empty:
            continue
        parts = slashed.str.extract(_SLASH_DATE).astype("int64")
        first, second = parts[0], parts[1]
        for kind, mask in ((DAY_FIRST, first > 12), (MONTH_FIRST, second > 12),
                           ("either", (first <= 12) & (second <= 12) & (first != second))):
            if mask.any():
                found[kind].append((name, text, slashed[mask]))
    if found[DAY_FIRST] and found[MONTH_FIRST]:
        raise InputDataError([
            _problem(found[kind], rows, file, headers, f"has the {reading}, while other dates have the {other}",
                     CONVENTION_HINT)
            for kind, reading, other in ((DAY_FIRST, "day first", "month first"),
                                         (MONTH_FIRST, "month first", "day first"))])
    if found[DAY_FIRST] or found[MONTH_FIRST]:
        return DAY_FIRST if found[DAY_FIRST] else MONTH_FIRST
    if not found["either"]:
        return MONTH_FIRST
    fitting = [order for order in (MONTH_FIRST, DAY_FIRST) if regular(order)]
    if len(fitting) == 1:
        return fitting[0]
    raise InputDataError([_problem(
        found["either"], rows, file, headers,
        "could be day/month/year or month/day/year, and no date in the file has a day above 12 to say which",
        "Write the dates as year-month-day (2026-03-11), or export the report again")])


def regular_days(dates: pd.Series) -> bool:
    """True when the distinct days follow one another at one step (a daily or weekly report)."""
    days = np.unique(dates.dropna().to_numpy(dtype="datetime64[D]"))
    return len(days) > 2 and len(np.unique(np.diff(days))) == 1


def _problem(found: list[tuple[str, pd.Series, pd.Series]], rows: pd.Series, file: str, headers: Mapping[str, str],
             message: str, hint: str) -> Problem:
    """One problem naming the cells (each column's cells holding one of its ``values``): the first column's rows
    and texts, the other columns named."""
    cells = [(name, text[text.isin(values)]) for name, text, values in found]
    name, texts = cells[0]
    count = sum(len(found) for _, found in cells)
    others = [_shown(other, headers) for other, _ in cells[1:]]
    also = f" (and cells of {', '.join(others)})" if others else ""
    return Problem(f"{count} {'cell' if count == 1 else 'cells'} {message}{also}", file=file,
                   column=_shown(name, headers), rows=rows[texts.index[:SHOWN_ROWS]].tolist(),
                   values=[f'"{text}"' for text in texts[:SHOWN_ROWS]], hint=hint, n_rows=len(texts))


def _shown(canonical: str, headers: Mapping[str, str]) -> str:
    header = headers.get(canonical)
    return f"{header} ({canonical})" if header and normalise_header(header) != canonical else canonical
