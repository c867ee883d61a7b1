"""Placeholder-only columns refused by name; figures beyond any account refused; per-click outliers named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimizer.errors import InputDataError
from optimizer.reading.plausible import OUTLIER_FACTOR
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate

HEADER = "日期,推广计划,关键词,出价,展现量,点击量,花费,成交金额"


def read(tmp_path: Path, rows: list[str], on_bad_rows: str = "error"):
    path = tmp_path / "r.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return validate([read_report(path)], on_bad_rows=on_bad_rows)


def rows(**cells: str) -> list[str]:
    values = {"keyword": "kw{k}", "bid": "1.2", "spend": "{spend}", "revenue": "30"} | cells
    return [f"2026-03-0{day},A,{values['keyword']},{values['bid']},100,10,{values['spend']},{values['revenue']}"
            .format(k=keyword, spend=5 + keyword) for day in (1, 2) for keyword in range(3)]


@pytest.mark.parametrize(("column", "shown"), [("keyword", "关键词 (keyword)"), ("bid", "出价 (bid)"),
                                               ("spend", "花费 (spend)")])
def test_a_needed_column_of_placeholders_only_is_refused_by_name(tmp_path, column, shown):
    with pytest.raises(InputDataError, match=rf'^r\.csv: column {re.escape(shown)}: has no values: all 6 of its cells are blank or '
                       rf'placeholders such as "-"\. .*--columns "Their header={column}"'):
        read(tmp_path, rows(**{column: "-"}))


def test_a_figure_beyond_any_account_is_refused_with_its_cell_or_skipped(tmp_path):
    found = rows()
    found[2] = found[2].replace(",30", ",1e300")
    with pytest.raises(InputDataError, match=r"column 成交金额 \(revenue\): 1 row has revenue above 10\^12, beyond any "
                       r"account \(row 4: 1e\+300\)"):
        read(tmp_path, found)
    skipped = read(tmp_path, found, on_bad_rows="skip")
    assert skipped.frame["revenue"].max() == 30 and "skipped 1 row with revenue above 10^12" in skipped.warnings[0]


def test_a_cost_per_click_a_thousand_times_the_median_is_kept_and_named(tmp_path):
    found = rows()
    found[1] = found[1].replace(",10,6,", f",10,{6 * 10 * OUTLIER_FACTOR:.0f},")
    performance = read(tmp_path, found)
    assert performance.frame["spend"].max() == 60000
    assert [warning for warning in performance.warnings if "cost per click" in warning] == [
        "r.csv: column 花费 (spend): 1 row with a cost per click over 1000 times the file's median of 0.65 "
        "(row 3: 6000); kept: check the export (a unit or a column mixed up)"]


@pytest.mark.parametrize("damaged", ["kw\x00", "k\x0cw", "\x1bkw", "kw\x7f"])
def test_a_name_with_a_control_character_is_refused_with_its_cell_or_skipped(tmp_path, damaged):
    found = rows()
    found[4] = found[4].replace(",kw1,", f",{damaged},")
    with pytest.raises(InputDataError, match=rf"column 关键词 \(keyword\): 1 row has a control character in the "
                       rf"keyword \(a damaged export\) \(row 6: {re.escape(repr(damaged))}\)"):
        read(tmp_path, found)
    skipped = read(tmp_path, found, on_bad_rows="skip")
    assert len(skipped.frame) == 5 and "skipped 1 row with a control character" in skipped.warnings[0]


def test_tabs_and_names_in_any_script_are_no_control_characters(tmp_path):
    found = rows()
    found[4] = found[4].replace(",kw1,", ",连衣裙 ½ — ü,")
    assert len(read(tmp_path, found).frame) == 6


def test_revenue_from_an_acos_column_above_one_is_refused_and_from_shares_or_percents_derived(tmp_path):
    header = "Date,Campaign,Keyword,Impressions,Clicks,Spend,ACoS"
    cells = {"bare": ["24.11", "20", "30"], "percent": ["24.11%", "20%", "30%"], "share": ["0.2411", "0.2", "0.3"]}
    reports = {}
    for kind, acos in cells.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text("\n".join([header] + [f"2026-03-01,A,kw{k},100,10,12.00,{cell}" for k, cell in enumerate(acos)])
                        + "\n", encoding="utf-8")
        reports[kind] = read_report(path)
    with pytest.raises(InputDataError, match=r"bare.csv: column acos: revenue would come from ACoS, and its typical "
                                             r"cell is 24.11.*\(rows 2: 24.11, 3: 20, 4: 30\)"):
        validate([reports["bare"]])
    for kind in ("percent", "share"):
        assert validate([reports[kind]]).frame["revenue"].round(2).tolist() == [49.77, 60.0, 40.0]
