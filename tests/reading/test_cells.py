"""Cell texts to values: money, percent and missing marks; dates; unreadable and non-finite numbers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading.cells import SAMPLE_CELLS, _number_texts, _parse_numbers, _plain_numbers, each_distinct, parse
from optimizer.reading.conventions import COMMA, POINT


def test_numbers_drop_currency_and_separators_and_read_percent_as_a_share():
    raw = pd.DataFrame({"spend": ["￥1,234.50", "￥201.68", "-", "abc"], "ctr": ["9.09%", "1%", "", "0.5"]})
    frame, bad, _ = parse(raw, pd.Series([2, 3, 4, 5]), from_excel=False)
    assert frame["spend"].tolist()[:2] == [1234.5, 201.68] and np.isnan(frame["spend"]).tolist()[2:] == [True, True]
    rupees, _, _ = parse(pd.DataFrame({"spend": ["Rs.201.68", "₹5", "INR 3"]}), pd.Series([2, 3, 4]), from_excel=False)
    assert rupees["spend"].tolist() == [201.68, 5.0, 3.0]
    assert frame["ctr"].tolist()[:2] == [0.0909, 0.01] and frame["ctr"].iat[3] == 0.5
    assert bad == {"spend": ([5], ["abc"])}


def test_money_cells_in_two_currencies_are_refused_naming_the_fewer():
    raw = pd.DataFrame({"spend": ["$1,234.50", "€18.00", "12"], "revenue": ["US$40", "40 €", "$3"]})
    with pytest.raises(InputDataError, match=r'f.csv: column spend: 2 cells in EUR, while most money cells of the file '
                                             r'are in USD \(and cells of revenue\) \(row 3: "€18.00"\)'):
        parse(raw, pd.Series([2, 3, 4]), from_excel=False, file="f.csv")


def test_a_percent_in_a_money_count_or_bid_column_is_an_unreadable_cell_not_a_share():
    raw = pd.DataFrame({"spend": ["40%", "12.5"], "clicks": ["3", "50 %"], "bid": ["0.6", "%7"], "acos": ["25%", "%7"]})
    frame, bad, _ = parse(raw, pd.Series([2, 3]), from_excel=False)
    assert bad == {"spend": ([2], ["40%"]), "clicks": ([3], ["50 %"]), "bid": ([3], ["%7"])}
    assert frame["spend"].iat[1] == 12.5 and frame["acos"].tolist() == [0.25, 0.07]


def test_a_header_unit_that_scales_its_figures_is_applied_and_refused_on_a_bid():
    raw = pd.DataFrame({"spend": ["0.123", "1.5"], "revenue": ["2500000", "0"], "ctr": ["2.5", "3%"],
                        "clicks": ["1.2", "0.3"]})
    headers = {"spend": "花费(万元)", "revenue": "Conv. value (micros)", "ctr": "点击率(%)", "clicks": "点击量(千)"}
    frame, bad, _ = parse(raw, pd.Series([2, 3]), from_excel=False, file="f.csv", headers=headers)
    assert frame["spend"].tolist() == [1230.0, 15000.0] and frame["revenue"].tolist() == [2.5, 0.0]
    assert frame["ctr"].tolist() == [0.025, 0.03] and frame["clicks"].tolist() == [1200.0, 300.0] and bad == {}
    with pytest.raises(InputDataError, match=r'column 出价\(万元\) \(bid\): the header says its figures are in "万元"'):
        parse(pd.DataFrame({"bid": ["0.0001"]}), pd.Series([2]), from_excel=False, file="f.csv",
              headers={"bid": "出价(万元)"})


def test_dates_in_export_formats_and_excel_serials_and_match_types_in_one_vocabulary():
    raw = pd.DataFrame({"date": ["2024-06-01", "2024/06/02", "Jun 3, 2024", "45447", "soon"],
                        "match_type": ["精确匹配", "Broad match", "phrase match", "--", "custom"]})
    frame, bad, _ = parse(raw, pd.Series([2, 3, 4, 5, 6]), from_excel=False)
    assert frame["date"].iloc[:4].dt.day.tolist() == [1, 2, 3, 4] and pd.isna(frame["date"].iat[4])
    assert frame["match_type"].tolist() == ["exact", "broad", "phrase", "", "custom"]
    assert bad == {"date": ([6], ["soon"])}


def test_dates_with_dots_after_the_day_are_read_day_first():
    frame, bad, _ = parse(pd.DataFrame({"date": ["01.10.2025", "1.2.2026", "2026.03.04", "31.02.2026"]}),
                          pd.Series([2, 3, 4, 5]), from_excel=False)
    assert frame["date"].iloc[:3].dt.strftime("%Y-%m-%d").tolist() == ["2025-10-01", "2026-02-01", "2026-03-04"]
    assert bad == {"date": ([5], ["31.02.2026"])}


def test_non_finite_and_nan_texts_in_a_number_column_are_unreadable_cells():
    raw = pd.DataFrame({"clicks": ["nan", "inf", "1e400", "-inf", "NaN", "3", "n/a"]})
    frame, bad, _ = parse(raw, pd.Series(range(2, 9)), from_excel=False)
    assert bad == {"clicks": ([2, 3, 4, 5, 6], ["nan", "inf", "1e400", "-inf", "NaN"])}
    assert frame["clicks"].iat[5] == 3 and not np.isinf(frame["clicks"]).any()


def test_an_infinite_number_from_a_workbook_is_unreadable():
    raw = pd.DataFrame({"spend": [1.5, np.inf, np.nan]})
    frame, bad, _ = parse(raw, pd.Series([2, 3, 4]), from_excel=True)
    assert bad == {"spend": ([3], ["inf"])} and frame["spend"].iat[0] == 1.5


def _numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _number_texts(cells, POINT)


def test_a_long_column_of_mostly_distinct_cells_is_read_cell_by_cell_without_finding_its_distinct_cells(monkeypatch):
    rng = np.random.default_rng(4)
    count = 8 * SAMPLE_CELLS
    spend = pd.Series(np.char.add("¥", (rng.random(count) * 1e4).round(2).astype(str)), dtype="str")
    expected = _numbers(spend)

    def no_factorize(*args, **kwargs):
        raise AssertionError("a column of distinct cells was factorized")

    monkeypatch.setattr(pd, "factorize", no_factorize)
    assert all(got.equals(want) for got, want in zip(each_distinct(spend, _numbers), expected))


def test_a_long_column_of_few_distinct_cells_reads_each_once_and_the_same_either_way():
    rng = np.random.default_rng(5)
    count = 8 * SAMPLE_CELLS
    days = pd.Series(rng.choice(["1.5", "¥2", "3%", "-", "x"], count), dtype="str").set_axis(np.arange(count) + 7)
    read: list[int] = []

    def counted(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        read.append(len(cells))
        return _numbers(cells)

    assert all(got.equals(want) for got, want in zip(each_distinct(days, counted), _numbers(days)))
    assert read == [5]


def test_a_daily_exports_keywords_each_on_many_days_are_still_read_once_each_though_each_day_lists_them_all():
    keywords = 3 * SAMPLE_CELLS
    days = pd.Series(np.tile(np.char.add("词", np.arange(keywords).astype(str)), 7), dtype="str")
    read: list[int] = []

    def counted(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        read.append(len(cells))
        return (cells.str.len(),)

    assert each_distinct(days, counted)[0].equals(days.str.len()) and read == [keywords]


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.one_of(st.from_regex(r"[+-]?([0-9]{1,6}(\.[0-9]{0,3})?|\.[0-9]{1,3})([eE][+-]?[0-9]{1,3})?",
                                              fullmatch=True),
                                st.sampled_from(["nan", "inf", "-", "", " 3", "1e400", "9%", "¥1.2", "1,234"])),
                      min_size=1, max_size=40))
def test_a_column_of_bare_numbers_is_cast_whole_and_reads_as_cell_by_cell(cells):
    column = pd.Series(cells, dtype="str")
    plain = _plain_numbers(column)
    values, bad = _parse_numbers(column, POINT)
    expected, expected_bad = _number_texts(column, POINT)
    pd.testing.assert_series_equal(values, expected)
    pd.testing.assert_series_equal(bad, expected_bad)
    bare = all(re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?", cell.lower()) for cell in cells)
    assert (plain is not None) == (bare and bool(np.isfinite(expected).all()))   # the whole column cast at once


def test_a_bid_column_with_a_dash_is_read_cell_by_cell_and_a_comma_decimal_file_never_cast_whole():
    assert _plain_numbers(pd.Series(["1.20", "-", "0.85"], dtype="str")) is None
    comma = pd.Series(["1.234", "25"], dtype="str")   # a point between thousands: bare numbers to a cast
    assert _parse_numbers(comma, COMMA)[0].tolist() == _number_texts(comma, COMMA)[0].tolist() == [1234.0, 25.0]
