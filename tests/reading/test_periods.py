"""The period from the file: title-line ranges, Start/End Date columns, Month and Week rows spread over days."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.errors import InputDataError
from optimizer.reading.periods import Period, title_period
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate
from tests.paths import REAL


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def campaign_rows(seed: int, count: int = 4) -> list[str]:
    rng = np.random.default_rng(seed)
    return [f"Plan {plan},{int(rng.integers(1000, 9000))},{int(rng.integers(20, 90))},"
            f"{rng.uniform(10, 90):.2f},{int(rng.integers(0, 9))},{rng.uniform(50, 500):.2f}" for plan in range(count)]


@pytest.mark.parametrize(("line", "start", "end"), [
    ('"Campaign report (January 01, 2025 - November 18, 2025)"', "2025-01-01", "2025-11-18"),
    ("Keyword report,,,", None, None),
    ("Oct 13, 2025 - Nov 11, 2025", "2025-10-13", "2025-11-11"),
    ("统计时间：2025-10-01 至 2025-10-31", "2025-10-01", "2025-10-31"),
    ("报表日期 2025年10月01日~2025年10月07日", "2025-10-01", "2025-10-07"),
    ("Sept. 3, 2025 – Sept. 9, 2025", "2025-09-03", "2025-09-09"),
    ("1 May 2026 - 8 May 2026", "2026-05-01", "2026-05-08"),
    ("Search terms, 28 Sept. 2025 – 4 Oct. 2025", "2025-09-28", "2025-10-04"),
    ("Keyword report (Jun 14, 2016)", "2016-06-14", "2016-06-14"),
    ("报表日期：2025年10月01日", "2025-10-01", "2025-10-01"),
    ("Report generated Jun 15, 2016", None, None),
    ("Downloaded 2025-10-31 10:02", None, None),
])
def test_a_title_line_range_is_the_period(line, start, end):
    found = title_period([line])
    if start is None:
        assert found is None
    else:
        assert (found.start, found.end) == (pd.Timestamp(start), pd.Timestamp(end))
        assert found.days == (pd.Timestamp(end) - pd.Timestamp(start)).days + 1 and "title line" in found.source


def test_all_time_is_no_bounded_period_and_the_message_asks_for_the_flag(tmp_path):
    lines = ["Keyword report", "All time", "Campaign,Impressions,Clicks,Cost,Conversions,Conv. value",
             *campaign_rows(1)]
    lines = [line.replace(",", "\t") for line in lines]  # Google's UTF-16, tab-separated export
    report = read_report(write(tmp_path / "all.csv", lines, "utf-16"))
    assert report.period.days is None and report.period.describe().startswith("no bounded period (title line")
    with pytest.raises(InputDataError, match=r'all\.csv: states no bounded period: no bounded period \(title line '
                                             r'"All time"\)\. Pass --period-days N'):
        validate([report])
    assert validate([report], period_days=30).history_days == 30


def test_a_title_range_plans_a_summary_report_without_the_flag(tmp_path):
    lines = ["Campaign report", "Oct 13, 2025 - Nov 11, 2025", "",
             "Campaign,Impressions,Clicks,Cost,Conversions,Conv. value", *campaign_rows(2)]
    performance = validate([read_report(write(tmp_path / "summary.csv", lines))])
    assert performance.history_days == 30 and performance.last_date is None
    assert validate([read_report(tmp_path / "summary.csv")], period_days=14).history_days == 14  # the flag wins


def test_start_and_end_date_columns_give_the_period(tmp_path):
    lines = ["Start Date,End Date,Campaign Name,Targeting,Match Type,Impressions,Clicks,Spend,7 Day Total Orders (#)",
             "2025-07-02,2025-07-02,A,shoes,BROAD,10,1,1.2,0", "2025-07-01,2025-07-30,A,boots,EXACT,100,9,9.5,1",
             "2025-07-15,2025-07-28,B,socks,PHRASE,40,2,1.1,0"]
    report = read_report(write(tmp_path / "terms.csv", lines))
    assert (report.period.start, report.period.end) == (pd.Timestamp("2025-07-01"), pd.Timestamp("2025-07-30"))
    assert "date" not in report.frame and "start_date" not in report.frame
    assert validate([report]).history_days == 30


def test_month_rows_spread_over_their_days_clipped_to_the_title_range(tmp_path):
    lines = ['"Campaign report (January 01, 2025 - February 10, 2025)"', "Request Id: 1", "",
             "Month,Campaign,Impr.,Clicks,Spend,Conv.,Revenue",
             "2025-01-01,A,3100,310,62.00,31,310", "2025-02-01,A,1000,100,20.00,10,100",
             "-,B,0,0,0,0,0"]
    report = read_report(write(tmp_path / "months.csv", lines))
    frame = report.frame
    january = frame[frame["date"].dt.month == 1]
    february = frame[frame["date"].dt.month == 2]
    assert len(january) == 31 and np.allclose(january["spend"], 2.0) and np.allclose(january["clicks"], 10)
    assert len(february) == 10 and np.allclose(february["spend"], 2.0)  # 10 days reported, not 28
    assert frame["spend"].sum() == pytest.approx(82.0) and frame["orders"].sum() == pytest.approx(41)
    performance = validate([report])
    assert performance.history_days == 41 and performance.last_date == pd.Timestamp("2025-02-10")
    assert performance.warnings == ("months.csv: skipped 1 row without a date and without traffic (row 7)",)


def test_week_rows_spread_over_seven_days(tmp_path):
    lines = ["Week,Campaign,Impressions,Clicks,Cost,Conversions,Conv. value",
             "2025-10-06,A,700,70,14.0,7,70", "2025-10-13,A,1400,140,28.0,14,140"]
    frame = read_report(write(tmp_path / "weeks.csv", lines)).frame
    assert len(frame) == 14 and frame["date"].max() == pd.Timestamp("2025-10-19")
    assert np.allclose(frame["spend"], [2.0] * 7 + [4.0] * 7)


def test_a_date_column_wins_over_the_title(tmp_path):
    lines = ["2025-01-01 - 2025-01-31", "Date,Campaign,Impressions,Clicks,Cost",
             "2025-01-05,A,10,1,1", "2025-01-06,A,10,1,1"]
    performance = validate([read_report(write(tmp_path / "daily.csv", lines))])
    assert performance.history_days == 2


def test_the_real_microsoft_monthly_report_states_its_period():
    path = REAL / "microsoft_ads_2025" / "Campaign report by month.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent: real exports are read in place, never copied")
    report = read_report(path)
    assert report.period == Period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-11-18"), report.period.source)
    assert report.frame["date"].max() == pd.Timestamp("2025-11-18")


@pytest.mark.parametrize(("line", "days"), [("13/03/2026 - 19/03/2026", 7), ("03/13/2026 - 03/19/2026", 7),
                                            ("01/03/2026 - 07/03/2026", None), ("03/03/2026 - 03/03/2026", 1)])
def test_a_title_range_of_slashed_dates_is_read_in_the_order_a_day_above_12_says_else_not_at_all(line, days):
    found = title_period([line])
    assert found.days == days
    if days is None:
        assert found.source.endswith("whose dates read day first or month first")


def test_a_title_line_s_single_day_plans_a_day_and_the_day_it_was_made_is_no_period(tmp_path):
    lines = ["Keyword report (Jun 14, 2016)", "Report generated Jun 15, 2016",
             "Campaign,Impressions,Clicks,Cost,Conversions,Conv. value", *campaign_rows(3)]
    report = read_report(write(tmp_path / "day.csv", lines))
    assert (report.period.start, report.period.end, report.period.days) == (
        pd.Timestamp("2016-06-14"), pd.Timestamp("2016-06-14"), 1)
    assert validate([report]).history_days == 1
    made = read_report(write(tmp_path / "made.csv", lines[1:]))
    assert made.period is None
    with pytest.raises(InputDataError, match=r"made\.csv: .*Pass --period-days N"):
        validate([made])
