"""Each figure once: two plain names of one figure read when they agree, refused when they differ."""

from __future__ import annotations

import pytest

from optimizer.errors import InputDataError
from optimizer.reading.report_file import read_report

HEADER = "Campaign,Keyword,Impressions,Clicks,Spend,Sales,Cost,Revenue"


def _write(tmp_path, cost: list[str], revenue: list[str]):
    lines = [HEADER] + [f"C1,kw{row},100,10,{spend},{sales},{cost[row]},{revenue[row]}"
                        for row, (spend, sales) in enumerate([("12.50", "40"), ("3.00", "0"), ("\"1,000.00\"", "9")])]
    path = tmp_path / "two.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_plain_names_of_one_figure_that_agree_are_read_once(tmp_path):
    report = read_report(_write(tmp_path, ["12.5", "$3", "1000"], ["40.00", "-", "9"]))
    assert report.headers["spend"] == "Spend" and report.frame["spend"].tolist() == [12.5, 3.0, 1000.0]


def test_two_plain_names_of_one_figure_that_differ_are_refused_naming_both_and_the_users_choice_is_read(tmp_path):
    path = _write(tmp_path, ["88.75", "21.30", "7100"], ["40", "0", "9"])
    with pytest.raises(InputDataError, match=r'two.csv: column Spend: holds spend, as column "Cost" does, but 3 of 3 '
                                             r'rows differ \(rows 2: 12.5 vs 88.75, 3: 3 vs 21.3, 4: 1000 vs 7100\)'):
        read_report(path)
    assert read_report(path, {"Cost": "spend"}).frame["spend"].tolist() == [88.75, 21.3, 7100.0]


def test_names_that_mean_more_than_the_figure_keep_the_first_alias(tmp_path):
    path = tmp_path / "google.csv"
    path.write_text("Campaign,Keyword,Impressions,Clicks,Cost,Conv. value,All conv. value\n"
                    "C1,kw,100,10,5.00,20.00,35.00\n", encoding="utf-8")
    assert read_report(path).frame["revenue"].tolist() == [20.0]
