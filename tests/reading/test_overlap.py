"""reading.overlap: the same days of the same keywords in two files are read once, never counted twice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate

HEADER = "日期,推广计划名称,关键词,出价,展现量,点击量,花费,总成交笔数,总成交金额"


def lines(days: range, orders: int = 1, clicks: int = 10) -> list[str]:
    return [f"2026-11-{day:02d},计划A,{keyword},1.00,100,{clicks},8.00,{orders},{50 * orders}"
            for day in days for keyword in ("连衣裙", "半身裙")]


def write(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="gbk")
    return path


def performance(*paths: Path):
    return validate([read_report(path) for path in paths])


def totals(found) -> pd.Series:
    return found.frame[["clicks", "spend", "orders", "revenue"]].sum()


def test_the_same_file_twice_is_read_once_and_said(tmp_path):
    once = performance(write(tmp_path, "a.csv", lines(range(1, 15))))
    twice = performance(write(tmp_path, "a.csv", lines(range(1, 15))), write(tmp_path, "b.csv", lines(range(1, 15))))
    pd.testing.assert_series_equal(totals(twice), totals(once))
    assert len(twice.frame) == len(once.frame) == 28 and not once.warnings
    assert twice.warnings == ("a.csv, b.csv hold the same days of the same keywords (28 rows, 2026-11-01 to "
                              "2026-11-14, with the same impressions, clicks and spend): read once, with the larger "
                              "orders and revenue (the later export's)",)


def test_overlapping_periods_keep_the_later_attribution(tmp_path):
    month = write(tmp_path, "month.csv", lines(range(1, 29), orders=1))
    week = write(tmp_path, "week.csv", lines(range(22, 29), orders=2))   # late orders came in since
    found = performance(month, week)
    by_day = found.frame.groupby("date")[["spend", "orders"]].sum()
    assert (by_day["spend"] == 16.0).all() and len(by_day) == 28
    assert (by_day.loc[:"2026-11-21", "orders"] == 2).all() and (by_day.loc["2026-11-22":, "orders"] == 4).all()
    assert "(14 rows, 2026-11-22 to 2026-11-28," in found.warnings[0]


def test_days_with_different_traffic_in_two_files_are_summed_and_named(tmp_path):
    pc = write(tmp_path, "pc.csv", lines(range(1, 8), clicks=10))
    mobile = write(tmp_path, "mobile.csv", lines(range(1, 8), clicks=30))
    found = performance(pc, mobile)
    assert totals(found)["clicks"] == 14 * 40 and totals(found)["spend"] == 28 * 8.0
    assert found.warnings == ("pc.csv, mobile.csv hold 14 days of the same keywords with different traffic: summed as "
                              "parts of one day (devices, placements); if one file re-exports the other's period, "
                              "give only one",)


@pytest.mark.parametrize("second", [range(8, 15), range(1, 8)])
def test_files_of_other_periods_or_keywords_are_left_alone(tmp_path, second):
    first = write(tmp_path, "a.csv", lines(range(1, 8)))
    other = lines(second) if second.start > 1 else [row.replace("计划A", "计划B") for row in lines(second)]
    found = performance(first, write(tmp_path, "b.csv", other))
    assert len(found.frame) == 28 and not found.warnings
