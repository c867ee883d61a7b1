"""Total and subtotal rows of every style, wherever they stand, skipped and said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate
from optimizer.reading.totals import repeated_rows, sum_rows, total_counts, total_or_blank

HEADER = "Date,Campaign,Ad group,Keyword,Impressions,Clicks,Cost"


def keyword_rows(seed: int = 11, count: int = 6) -> list[str]:
    rng = np.random.default_rng(seed)
    return [f"2025-10-0{1 + row % 3},Plan {row % 2},Group,kw {row},{int(rng.integers(100, 900))},"
            f"{int(rng.integers(5, 60))},{rng.uniform(5, 50):.2f}" for row in range(count)]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("total", "label"), [
    ("合计,--,--,--,9999,999,999.00", "合计"), ("Total,,,,9999,999,999.00", "Total"),
    ("Total: Account,,,,9999,999,999.00", "Total: Account"),
    ("2025-10-01,Search total,-,-,9999,999,999.00", "Search total"),
    ("-,Plan 0 total,,,9999,999,999.00", "Plan 0 total"), (" --, --, --, --,9999,999,999.00", "--"),
    ("2025-10-02,--,--,--,9999,999,999.00", "2025-10-02"), ("总计,,,,9999,999,999.00", "总计"),
    ("2025-10-01,Plan 0,小计,,9999,999,999.00", "小计"),
])
@pytest.mark.parametrize("position", [0, 3, 6])
def test_every_style_of_total_row_is_skipped_wherever_it_stands(total, label, position, tmp_path):
    rows = keyword_rows()
    rows.insert(position, total)
    report = read_report(write(tmp_path / "kw.csv", [HEADER, *rows]))
    assert len(report.frame) == 6 and 9999 not in report.frame["impressions"].tolist()
    assert report.notes == (f'kw.csv: skipped 1 total row (the export\'s own sums; row {position + 2}: "{label}")',)
    assert validate([report]).warnings[0] == report.notes[0]


def test_a_subtotal_naming_what_it_sums_is_skipped_and_a_campaign_so_named_is_kept(tmp_path):
    rows = keyword_rows()
    lines = [HEADER, *rows[:3], "2025-10-03,Total - Plan 0,,,9999,999,999.00", *rows[3:],
             "2025-10-03,Total for Plan 1,--,--,8888,888,888.00", "2025-10-03,Total - Brand,Group,kw 9,100,5,2.50"]
    report = read_report(write(tmp_path / "sub.csv", lines))
    assert len(report.frame) == 7 and report.frame["plan"].tolist()[-1] == "Total - Brand"
    assert not {9999, 8888} & set(report.frame["impressions"].tolist())
    assert report.notes == ('sub.csv: skipped 2 total rows (the export\'s own sums; rows 5: "Total - Plan 0", '
                            '9: "Total for Plan 1")',)


def test_an_unlabelled_last_or_first_row_equal_to_the_sums_is_a_total(tmp_path):
    rows = keyword_rows()
    frame = pd.DataFrame([row.split(",") for row in rows])
    sums = [int(frame[4].astype(int).sum()), int(frame[5].astype(int).sum()), round(frame[6].astype(float).sum(), 2)]
    summed = f"2025-10-03,All,All,all,{sums[0]},{sums[1]},{sums[2]:.2f}"
    for lines in ([HEADER, *rows, summed], [HEADER, summed, *rows]):
        report = read_report(write(tmp_path / "sum.csv", lines))
        assert len(report.frame) == 6 and report.frame["clicks"].sum() == sums[1]
        assert len(report.notes) == 1 and "skipped 1 total row" in report.notes[0]


def test_a_keyword_named_like_a_total_in_a_named_row_is_kept():
    raw = pd.DataFrame({"plan": ["Plan A", "Plan A", "-"], "keyword": ["grand canyon total", "sum", "--"],
                        "clicks": ["3", "4", ""]})
    totals, blank = total_or_blank(raw, None)
    assert totals.tolist() == [False, True, False] and blank.tolist() == [False, False, True]


def test_rows_of_a_frame_without_canonical_columns_are_all_blank_and_none_a_total():
    totals, blank = total_or_blank(pd.DataFrame(index=range(3)), pd.Series(["合计", "Plan A", ""]))
    assert totals.tolist() == [False, False, False] and blank.tolist() == [True, True, True]


def test_rows_that_do_not_add_up_are_not_totals():
    frame = pd.DataFrame({"impressions": [10.0, 20.0, 31.0], "clicks": [1.0, 2.0, 3.0], "spend": [1.0, 1.0, 2.0]})
    assert not sum_rows(frame).any()
    assert sum_rows(frame.iloc[:2]).tolist() == [False, False]


def test_rows_repeated_cell_for_cell_are_skipped_and_named_while_rows_differing_in_any_cell_are_kept():
    table = pd.DataFrame({"Date": ["d1", "d1", "d2", "d1", "d1"], "Keyword": ["a", "b", "a", "a", "a"],
                          "Search term": ["x", "x", "x", "x", "y"], "Clicks": ["1", "1", "1", "1", "1"]})
    repeated, note = repeated_rows(table, pd.Series([2, 3, 4, 5, 6]))
    assert repeated.tolist() == [False, False, False, True, False]
    assert note == "skipped 1 row repeating an earlier row cell for cell (the same line exported twice; row 5 = 2)"
    assert repeated_rows(table.iloc[[0, 1, 2]], pd.Series([2, 3, 4]))[1] is None


def test_repeated_rows_count_when_the_grand_total_is_their_sum_with_them_and_not_without():
    figures = pd.DataFrame({"clicks": [12.0, 2.0, 4.0, 3.0, 3.0], "spend": [0.9, 0.2, 0.4, 0.15, 0.15]})
    totals = np.array([True, False, False, False, False])
    repeated = np.array([False, False, False, False, True])
    assert total_counts(figures, totals, repeated)
    assert not total_counts(figures.assign(spend=[0.75, 0.2, 0.4, 0.15, 0.15]), totals, repeated)  # the total without
    assert not total_counts(figures.assign(clicks=[9.0, 2.0, 4.0, 3.0, 3.0]), totals, repeated)  # one figure disagrees
    assert not total_counts(figures, np.zeros(5, bool), repeated)  # no total row: nothing to tell by
    zero = pd.DataFrame({"clicks": [6.0, 2.0, 4.0, 0.0, 0.0]})
    assert not total_counts(zero, totals, repeated)  # equal with and without: the total cannot tell
