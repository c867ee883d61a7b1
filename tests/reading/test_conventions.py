"""Decimal point or comma, day or month first: decided from the whole file, refused when the file cannot say."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading.cells import parse
from optimizer.reading.conventions import (
    _CURRENCIES,
    COMMA,
    DAY_FIRST,
    MONTH_FIRST,
    POINT,
    _currencies,
    date_order,
    decimal_mark,
    one_currency,
    regular_days,
)

HEADERS = {"spend": "花费", "revenue": "成交金额", "impressions": "展现量", "date": "日期"}


def texts(**columns: list[str]) -> dict[str, pd.Series]:
    return {name: pd.Series(cells) for name, cells in columns.items()}


def rows(count: int) -> pd.Series:
    return pd.Series(range(2, 2 + count))


@pytest.mark.parametrize(("columns", "mark"), [
    ({"spend": ["36,50", "12"], "revenue": ["300"]}, COMMA),
    ({"spend": ["1.234,50"], "revenue": ["2.300"]}, COMMA),
    ({"spend": ["1,234"], "revenue": ["300.00"]}, POINT),        # another column says "point"
    ({"spend": ["1,234"], "impressions": ["12,345"]}, POINT),    # impressions are whole: "12,345" is thousands
    ({"spend": ["1.234"], "impressions": ["12.345"]}, COMMA),
    ({"spend": ["Rs.201.68", "₹1,23,456.78"]}, POINT),            # an Indian grouping, the Rs. mark kept apart
    ({"spend": ["1 234,50 €"]}, COMMA),
    ({"spend": ["12", "-"]}, POINT),                              # nothing to decide: the point
])
def test_the_decimal_mark_is_decided_by_the_cells_only_one_reading_allows(columns, mark):
    found = texts(**columns)
    assert decimal_mark(found, rows(3), "r.csv", HEADERS) == mark


def test_a_file_with_both_decimal_marks_is_refused_naming_the_cells_of_each():
    found = texts(spend=["36,50", "12.5", "7,25"], revenue=["300.00"])
    with pytest.raises(InputDataError, match=r'r\.csv: column 花费 \(spend\): 2 cells read only with a decimal comma, '
                       r'while other cells of the file use a decimal point \(rows 2: "36,50", 4: "7,25"\)') as error:
        decimal_mark(found, rows(3), "r.csv", HEADERS)
    assert 'read only with a decimal point' in str(error.value) and 'and cells of 成交金额 (revenue)' in str(error.value)


def test_a_file_where_every_separated_number_reads_both_ways_is_refused():
    with pytest.raises(InputDataError, match=r'column 花费 \(spend\): 2 cells could be read with a comma between '
                       r'thousands \("1,234" = 1234\) or as a decimal comma .* \(rows 2: "1,234", 3: "2,500"\)'):
        decimal_mark(texts(spend=["1,234", "2,500", "17"]), rows(3), "r.csv", HEADERS)


@pytest.mark.parametrize(("cells", "order"), [
    (["13/03/2026", "03/04/2026"], DAY_FIRST),
    (["03/13/2026", "04/03/2026"], MONTH_FIRST),
    (["03/03/2026", "2026-03-04"], MONTH_FIRST),   # a day equal to its month reads the same either way
])
def test_the_order_of_day_and_month_is_decided_by_a_day_above_twelve(cells, order):
    assert date_order(texts(date=cells), rows(2), "r.csv", HEADERS, lambda _: False) == order


def test_dates_with_the_day_first_and_the_month_first_are_refused():
    with pytest.raises(InputDataError, match=r'column 日期 \(date\): 1 cell has the day first, while other dates have '
                       r'the month first \(row 2: "13/03/2026"\)'):
        date_order(texts(date=["13/03/2026", "03/14/2026"]), rows(2), "r.csv", HEADERS, lambda _: False)


def test_an_ambiguous_date_is_read_in_the_only_order_that_gives_consecutive_days_else_refused():
    found = texts(date=["03/01/2026", "03/02/2026", "03/03/2026"])
    assert date_order(found, rows(3), "r.csv", HEADERS, lambda order: order == MONTH_FIRST) == MONTH_FIRST
    with pytest.raises(InputDataError, match=r'1 cell could be day/month/year or month/day/year.*\(row 2: '
                       r'"03/11/2026"\)\. Write the dates as year-month-day'):
        date_order(texts(date=["03/11/2026", "2026-03-01"]), rows(2), "r.csv", HEADERS, lambda _: False)


def test_regular_days_are_evenly_spaced_and_more_than_two():
    days = pd.Series(pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-02"]))
    assert regular_days(days) and not regular_days(days[:2])
    assert not regular_days(pd.Series(pd.to_datetime(["2026-03-01", "2026-03-02", "2026-11-03"])))


def test_parse_reads_a_column_of_dates_given_month_first_as_consecutive_days():
    raw = pd.DataFrame({"date": ["03/01/2026", "03/02/2026", "03/03/2026"], "spend": ["1,5", "2", "3"]})
    frame, bad, _ = parse(raw, rows(3), from_excel=False, file="r.csv", headers=HEADERS)
    assert frame["date"].dt.day.tolist() == [1, 2, 3] and frame["date"].dt.month.tolist() == [3, 3, 3]
    assert frame["spend"].tolist() == [1.5, 2, 3] and bad == {}


_STYLES = {POINT: (",", "."), COMMA: (".", ","), "space": ("\u00a0", ","),
           "swiss": ("'", "."), "swiss typeset": ("\u2019", ".")}   # 1'234.50 and 1’234.50


def _written(amount: Decimal, style: str, grouped: bool, decimals: bool) -> str:
    thousands, mark = _STYLES[style]
    whole, cents = f"{amount:.2f}".split(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", thousands)
    return f"{whole}{mark}{cents}" if decimals or cents != "00" else whole


@settings(max_examples=60, deadline=None)
@given(amounts=st.lists(st.decimals(min_value=0, max_value=10**7, places=2), min_size=1, max_size=8),
       style=st.sampled_from(list(_STYLES)), grouped=st.booleans(), decimals=st.booleans())
def test_a_number_column_in_any_convention_reads_back_its_values_or_is_refused(amounts, style, grouped, decimals):
    cells = [_written(amount, style, grouped, decimals) for amount in amounts]
    raw = pd.DataFrame({"spend": cells})
    try:
        frame, bad, _ = parse(raw, rows(len(cells)), from_excel=False, file="r.csv", headers=HEADERS)
    except InputDataError as error:
        assert "could be read with a comma between thousands" in str(error) and "no other number" in str(error)
        return
    assert bad == {} and frame["spend"].tolist() == pytest.approx([float(amount) for amount in amounts])


CELL_PARTS = st.sampled_from(["", "-", "+", " ", "1", "2.5", "1,234", "$", "US$", "USD", "usd", "¥", "￥", "元", "RMB",
                              "cny", "Rs.", "rs", "INR", "₹", "€", "£", "x", "Rs", "."])


@given(st.lists(st.none() | st.lists(CELL_PARTS, max_size=4).map("".join), max_size=40))
@settings(max_examples=300)
def test_the_currencies_of_cells_are_read_off_their_first_and_last_characters_as_off_the_whole(cells):
    text = pd.Series(cells, dtype="str")
    whole = {currency: text.str.lower().str.contains(f"^[+-]?(?:{marks})|(?:{marks})$", regex=True).fillna(False)
             for currency, marks in _CURRENCIES.items()}
    expected = {currency: mask.tolist() for currency, mask in whole.items() if mask.any()}
    assert {currency: mask.tolist() for currency, mask in _currencies(text).items()} == expected


def test_cells_in_two_currencies_are_refused_naming_the_fewer_and_one_currency_passes():
    rows = pd.Series(range(2, 8))
    one_currency(texts(spend=["$1.20", "$3", "4", "US$5", "-", "6 usd"]), rows, "r.csv", HEADERS)
    with pytest.raises(InputDataError, match=r'r.csv: column 花费 \(spend\): 2 cells in EUR, while most money cells of '
                                             r'the file are in USD .*rows 3: "€3", 6: "2 €"'):
        one_currency(texts(spend=["$1.20", "€3", "$4", "US$5", "2 €", "$6"]), rows, "r.csv", HEADERS)
