"""A report split by Google's Click type counts each unit's impressions once and its other figures summed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate
from optimizer.reading.segments import impressions_once

HEADER = ("Click type,Campaign status,Campaign,Budget,Budget type,Status,Campaign type,Impr.,Interactions,"
          "Currency code,Cost,Clicks,Conversions,Avg. CPC")


def campaign_report(path: Path, rows: list[tuple[str, str, int, int, float, float]]) -> Path:
    """Google's 2025 campaign report segmented by click type: title lines, a row per campaign and click type,
    the export's Total rows (which, segmented, Google leaves without sums: ``--``)."""
    lines = ["Campaign report", "18 November 2025 - 18 November 2025", HEADER]
    for click_type, campaign, impressions, clicks, cost, conversions in rows:
        lines.append(f"{click_type},Enabled,{campaign},30.00,Daily,Eligible,Search,{impressions},{clicks},AUD,"
                     f"{cost:.2f},{clicks},{conversions:.2f},{cost / clicks if clicks else 0:.2f}")
    lines += [" --,Total: Campaigns, --, --, --, --, --, --, --,AUD, --, --, --, --",
              "Headline,Total: Campaigns, --, --, --, --, --,0,0, --,0,0,0,0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_campaigns_click_types_are_one_row_with_its_headlines_impressions(tmp_path):
    report = read_report(campaign_report(tmp_path / "campaigns.csv", [
        ("Headline", "Sales", 22, 2, 13.95, 1), ("Sitelink", "Sales", 18, 1, 8.44, 0),
        ("Promotion", "Sales", 0, 0, 0.0, 0), ("Image", "Sales", 6, 0, 0.0, 0),
        ("Headline", "Brand", 40, 5, 6.00, 2), ("Call", "Brand", 12, 1, 1.50, 1)]))
    frame = report.frame.set_index("plan")
    assert frame.loc["Sales", ["impressions", "clicks", "spend", "orders"]].tolist() == [22, 3, 22.39, 1]
    assert frame.loc["Brand", ["impressions", "clicks", "spend", "orders"]].tolist() == [40, 6, 7.5, 3]
    assert frame.loc["Sales", "row"] == 4 and "click_type" not in frame   # a unit's row is its first
    [note] = [note for note in report.notes if "Click type" in note]
    assert note.startswith("campaigns.csv: rows are split by Click type; Google counts an impression once")
    assert note.endswith("(6 rows read as 2)")
    performance = validate([report])
    assert performance.frame["impressions"].sum() == 62   # summed, the rows would say 98


def test_a_daily_keyword_report_is_one_row_per_keyword_and_day():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2025-11-01"] * 3 + ["2025-11-02"] * 2),
        "plan": ["A"] * 5, "keyword": ["shoe", "shoe", "boot", "shoe", "shoe"],
        "click_type": ["Headline", "Sitelink", "Headline", "Headline", "Sitelink"],
        "impressions": [100.0, 60.0, 50.0, 80.0, 90.0], "clicks": [5.0, 2.0, 1.0, 4.0, np.nan],
        "spend": [5.0, 2.0, 1.0, 4.0, 1.0], "ctr": [0.05, 0.033, 0.02, 0.05, 0.0],
        "bid": [1.0, 1.0, 0.5, 1.2, 1.2], "source": "k.csv", "row": [2, 3, 4, 5, 6]})
    one, notes = impressions_once(frame, "k.csv")
    assert one["row"].tolist() == [2, 4, 5] and list(one["keyword"]) == ["shoe", "boot", "shoe"]
    assert one["impressions"].tolist() == [100, 50, 90]   # the most of the day's click types, not the first's
    assert one["clicks"].tolist() == [7, 1, 4] and one["spend"].tolist() == [7, 1, 5]
    assert one["bid"].tolist() == [1.0, 0.5, 1.2] and "ctr" not in one and len(notes) == 1


def test_a_click_type_column_with_one_row_per_unit_is_left_as_it_is_without_a_note():
    frame = pd.DataFrame({"plan": ["A", "B"], "click_type": ["Headline", "Headline"],
                          "impressions": [10.0, 20.0], "clicks": [1.0, 2.0], "source": "c.csv", "row": [2, 3]})
    one, notes = impressions_once(frame, "c.csv")
    assert notes == () and one.equals(frame.drop(columns="click_type"))
    plain = frame.drop(columns="click_type")
    same, notes = impressions_once(plain, "c.csv")
    assert same is plain and notes == ()   # no click type: the frame as it came


def test_a_figure_no_click_type_reports_stays_missing():
    frame = pd.DataFrame({"plan": ["A", "A"], "click_type": ["Headline", "Sitelink"], "impressions": [10.0, 4.0],
                          "clicks": [1.0, 1.0], "orders": [np.nan, np.nan], "source": "c.csv", "row": [2, 3]})
    one, _ = impressions_once(frame, "c.csv")
    assert one["orders"].isna().all() and one["clicks"].tolist() == [2.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from(["Headline", "Sitelink", "Call", "Image"]),
                          st.integers(0, 1000), st.integers(0, 50)), min_size=1, max_size=30,
                unique_by=lambda row: row[:2]))
def test_clicks_add_up_and_impressions_are_each_units_largest(rows):
    frame = pd.DataFrame(rows, columns=["plan", "click_type", "impressions", "clicks"]).astype(
        {"impressions": float, "clicks": float}).assign(source="p.csv", row=np.arange(2, 2 + len(rows)))
    one, _ = impressions_once(frame, "p.csv")
    by_plan = frame.groupby("plan")
    assert one.set_index("plan")["clicks"].sort_index().tolist() == by_plan["clicks"].sum().tolist()
    assert one.set_index("plan")["impressions"].sort_index().tolist() == by_plan["impressions"].max().tolist()
