"""Placement adjustments: bounded, shrunk, monotone; written into the bulk file's Bidding Adjustment rows."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.cli import main
from optimizer.errors import InputDataError
from optimizer.platforms.amazon_bulk import read_bulk, write_edits
from optimizer.platforms.placements import (
    MAX_PERCENT,
    PlacementReport,
    placement_adjustments,
    read_placements,
)
from tests.bulk_fixture import (
    PLACEMENTS,
    _ad_group,
    _campaign,
    bulk_from_reports,
    write_bulk,
)
from tests.paths import GOLDEN, SCENARIOS
from tests.platforms.test_amazon_bulk import CAMPAIGNS, TARGETING, real

sys.path.insert(0, str(GOLDEN))
import regenerate

PLACEMENT_REPORT = "Sponsored Products Placement report (1).xlsx"
SAMPLE = SCENARIOS / "weekly.toml"
HEADER = "Date,Campaign Name,Placement,Impressions,Clicks,Spend,14 Day Total Sales (₹),14 Day Total Orders (#)\n"
KINDS = {"top": "Top of Search on-Amazon", "product": "Detail Page on-Amazon", "rest": "Other on-Amazon"}


def _report(rows) -> PlacementReport:
    """(campaign, kind, clicks, spend, orders, revenue) rows as read_placements returns them."""
    frame = pd.DataFrame(rows, columns=["plan", "kind", "clicks", "spend", "orders", "revenue"])
    frame = frame.assign(impressions=frame["clicks"] * 20, report_placement=frame["kind"].map(KINDS))
    return PlacementReport(Path("placement.csv"), frame, ())


def _account(top_clicks=400, top_orders=40, top_revenue=16000.0, top_spend=2000.0):
    """Two campaigns with steady figures; Camp A's Top of search is the row a test varies."""
    return [("Camp A", "top", top_clicks, top_spend, top_orders, top_revenue),
            ("Camp A", "product", 300, 1500.0, 9, 3000.0), ("Camp A", "rest", 500, 2500.0, 20, 8000.0),
            ("Camp B", "top", 200, 1000.0, 10, 2000.0), ("Camp B", "rest", 300, 1500.0, 12, 2400.0)]


def _percent(placements, campaign="Camp A", placement="Placement Top") -> int:
    table = placements.table.set_index(["campaign", "placement"])
    return int(table.loc[(campaign, placement), "percentage"])


def test_placements_csv_matches_its_golden_file(tmp_path):
    assert regenerate.outputs(tmp_path)["placements.csv"] == (GOLDEN / "placements.csv").read_bytes(), (
        "placements.csv changed: if on purpose, run python tests/golden/regenerate.py")


def test_the_reasons_are_in_the_language_asked_and_the_adjustments_the_same():
    english = placement_adjustments(_report(_account()), min_roi=2.0)
    chinese = placement_adjustments(_report(_account()), min_roi=2.0, lang="zh-CN")
    assert chinese.table.drop(columns="reason").equals(english.table.drop(columns="reason"))
    reasons = chinese.table.set_index(["campaign", "placement"])["reason"]
    assert reasons[("Camp A", "Placement Top")].startswith("400 次点击，40 笔成交；单次点击价值收缩后 ")
    assert reasons[("Camp A", "Placement Rest Of Search")].startswith("基准：关键词出价针对其余搜索位置")
    assert not chinese.table["reason"].str.contains("clicks|value per click|rest of search").any()


def test_a_placement_worth_more_per_click_than_rest_of_search_gets_an_uplift_and_says_why():
    placements = placement_adjustments(_report(_account()), min_roi=2.0)
    table = placements.table.set_index(["campaign", "placement"])
    top = table.loc[("Camp A", "Placement Top")]
    assert 30 < top["percentage"] < 100                 # 2.5x rest of search per click, shrunk and made sure of
    assert top["reason"].startswith("400 clicks, 40 orders; value per click ")
    assert top["reason"].endswith(f"rest of search's {table.loc[('Camp A', 'Placement Rest Of Search'), 'shrunk_value_per_click']:.2f}: "
                                  f"+{top['percentage']}%")
    assert table.loc[("Camp A", "Placement Product Page"), "percentage"] == 0   # worth less: Amazon takes no cut
    rest = table.loc[("Camp A", "Placement Rest Of Search")]
    assert rest["percentage"] == 0 and rest["reason"].startswith("reference: the keyword bids are for rest of search")


def test_two_clicks_buy_no_uplift_however_much_they_sold():
    few = placement_adjustments(_report(_account(top_clicks=2, top_orders=1, top_revenue=500.0, top_spend=10.0)),
                                min_roi=2.0)
    assert _percent(few) == 0
    many = placement_adjustments(_report(_account(top_clicks=2000, top_orders=1000, top_revenue=500000.0,
                                                  top_spend=10000.0)), min_roi=2.0)
    assert _percent(many) > 100                          # the same value per click, made sure of by its clicks


def test_the_roi_floor_caps_the_uplift_where_the_click_would_cost_too_much():
    rows = _account(top_spend=10000.0)                   # top's CPC 25 against ~31 value per click made sure of
    loose, tight = (placement_adjustments(_report(rows), min_roi=floor) for floor in (0.5, 1.0))
    assert _percent(tight) < _percent(loose)
    reason = tight.table.set_index(["campaign", "placement"]).loc[("Camp A", "Placement Top"), "reason"]
    assert "where CPC would reach" in reason and "ROI floor 1.00" in reason and "taken as today's" in reason
    over = placement_adjustments(_report(_account(top_spend=20000.0)), min_roi=2.0)   # ROI 0.8 under the floor 2
    assert _percent(over) == 0


def test_the_floor_is_the_report_s_own_roi_without_a_plan_floor():
    rows = _account()
    placements = placement_adjustments(_report(rows))
    spend, revenue = sum(row[3] for row in rows), sum(row[5] for row in rows)
    assert placements.min_roi == pytest.approx(revenue / spend)


def test_an_enormous_value_per_click_stops_at_amazon_s_900_percent():
    placements = placement_adjustments(_report(_account(top_clicks=5000, top_orders=2500, top_revenue=5e7)),
                                       min_roi=0.1)
    assert _percent(placements) == MAX_PERCENT
    assert "capped at Amazon's 900%" in placements.table.set_index(["campaign", "placement"]).loc[
        ("Camp A", "Placement Top"), "reason"]


money = st.floats(0, 1e6).map(lambda amount: round(amount, 2))   # reports carry cents
figures = st.tuples(st.integers(0, 3000), money, st.integers(0, 300), money)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["top", "product", "rest"]), figures),
                min_size=1, max_size=9, unique_by=lambda row: row[:2]),
       st.one_of(st.none(), st.floats(0.1, 20)))
def test_adjustments_are_whole_percents_within_amazon_s_range(rows, floor):
    report = _report([(campaign, kind, clicks, spend, orders, revenue)
                      for campaign, kind, (clicks, spend, orders, revenue) in rows])
    percent = placement_adjustments(report, min_roi=floor).table["percentage"]
    assert percent.between(0, MAX_PERCENT).all() and (percent == percent.round()).all()
    kinds = report.frame["kind"].to_numpy()
    assert (percent.to_numpy()[kinds == "rest"] == 0).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 2000), st.floats(0, 200), st.floats(0, 200))
def test_a_higher_value_per_click_never_gets_a_lower_uplift(clicks, value, more):
    def percent(per_click: float) -> int:
        orders = max(1, clicks // 10)
        report = _report(_account(top_clicks=clicks, top_orders=orders, top_revenue=per_click * clicks,
                                  top_spend=5.0 * clicks))
        return _percent(placement_adjustments(report, min_roi=1.5))

    assert percent(value + more) >= percent(value)


def _placement_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_report_is_summed_per_campaign_and_placement_and_other_placements_are_named(tmp_path):
    path = _placement_csv(tmp_path / "placement.csv", [
        "2020-02-01,Camp A,Top of Search on-Amazon,100,10,20,300,2",
        "2020-02-02,Camp A,Top of Search on-Amazon,100,5,10,0,0",
        "2020-02-01,Camp A,Amazon Business,10,1,2,0,0"])
    report = read_placements(path)
    assert report.frame[["plan", "kind", "clicks", "spend", "orders"]].values.tolist() == [["Camp A", "top", 15, 30, 2]]
    assert report.warnings == (("placement.csv: 1 rows of placements with no adjustment (Amazon Business) left out "
                               "of placements.csv"),)


def test_a_report_without_a_placement_column_is_not_a_placement_report(tmp_path):
    path = _placement_csv(tmp_path / "campaigns.csv", ["2020-02-01,Camp A,100,10,20,300,2"],
                          header="Date,Campaign Name,Impressions,Clicks,Spend,14 Day Total Sales (₹),14 Day Total Orders (#)\n")
    with pytest.raises(InputDataError, match=r"^campaigns.csv: has no column 'Placement': not a placement report\. "
                                             r"Export Sponsored Products > Placement report"):
        read_placements(path)


def test_unreadable_numbers_are_listed_with_their_rows(tmp_path):
    path = _placement_csv(tmp_path / "placement.csv", ["2020-02-01,Camp A,Top of Search on-Amazon,100,ten,20,300,2"])
    with pytest.raises(InputDataError, match=r'placement.csv: column Clicks: 1 cells are not numbers \(row 2: "ten"\)'):
        read_placements(path)


def test_a_missing_column_exits_2_with_one_message_and_writes_nothing(tmp_path, capsys):
    path = _placement_csv(tmp_path / "placement.csv", ["2020-02-01,Camp A,Top of Search on-Amazon,100,20,300,2"],
                          header="Date,Campaign Name,Placement,Impressions,Spend,14 Day Total Sales (₹),"
                                 "14 Day Total Orders (#)\n")
    out = tmp_path / "out"
    code = main(["plan", str(SAMPLE), "--placements", str(path), "--out", str(out), "--no-history", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == ("error: placement.csv: has no clicks column (Clicks). Export Sponsored Products > Placement report "
                   "(Campaign Manager > Measurement & reporting > Sponsored ads reports), daily or summary, as XLSX or "
                   "CSV.\n")
    assert not out.exists()


def test_adjustments_update_only_the_bidding_adjustment_rows_whose_value_changes(tmp_path):
    rows = _campaign("Camp A", 100.0, False, adjustments={"Placement Top": 20, "Placement Rest Of Search": 10})
    rows += _ad_group("Camp A", "Group 1", 10.0) + _campaign("Camp B", 50.0, False, adjustments={})
    bulk = read_bulk(write_bulk(tmp_path / "bulk.xlsx", rows))
    placements = placement_adjustments(_report(_account()), min_roi=2.0, bulk=bulk)
    top = _percent(placements)
    assert placements.table.set_index(["campaign", "placement"])["current_percentage"].loc["Camp A"].to_dict() == {
        "Placement Top": 20, "Placement Product Page": 0, "Placement Rest Of Search": 10}
    assert placements.warnings == (("bulk.xlsx: 1 campaigns of the placement report have no Bidding Adjustment rows in "
                                   "the bulk file (Camp B): their adjustments are in placements.csv only; set them in "
                                   "Campaign Manager"),)
    write_edits(bulk, placements.edits, tmp_path / "amazon-bulk.xlsx")
    book = openpyxl.load_workbook(tmp_path / "amazon-bulk.xlsx", read_only=True)
    sheet = [list(row) for row in book["Sponsored Products Campaigns"].iter_rows(values_only=True)]
    book.close()
    header = sheet[0]
    entity, placement, percentage, operation = (header.index(name) for name in
                                                ("Entity", "Placement", "Percentage", "Operation"))
    adjusted = {row[placement]: (row[percentage], row[operation]) for row in sheet[1:]
                if row[entity] == "Bidding Adjustment"}
    assert adjusted == {"Placement Top": (top, "update"), "Placement Product Page": (0, None),
                        "Placement Rest Of Search": (0, "update")}
    assert all(row[operation] is None for row in sheet[1:] if row[entity] != "Bidding Adjustment")
    assert placements.rows_updated == 2


def test_plan_writes_placements_csv_and_the_adjustments_into_the_bulk_file(tmp_path, capsys):
    report = real(PLACEMENT_REPORT)
    sunscreen, pain = "Sunscreen || SP || Generic || 24th Nov'19", "Pain Relief Oil || SP || Automatic || 22nd Nov'19"
    bulk = bulk_from_reports(tmp_path / "bulk.xlsx", real(TARGETING), real(CAMPAIGNS),
                             adjustments={pain: {}, sunscreen: {"Placement Top": 17}})
    out = tmp_path / "out"
    code = main(["plan", "--report", str(real(TARGETING)), "--bulk", str(bulk), "--export", "amazon", "--placements",
                 str(report), "--min-roi", "1.5", "--out", str(out), "--no-history", "--quiet"])
    assert code == 0, capsys.readouterr().err
    text = (out / "placements.csv").read_bytes()
    assert text.startswith("\ufeffcampaign,placement,report_placement,".encode("utf-8"))
    table = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(table) == 30 and {row["placement"] for row in table} == set(PLACEMENTS)
    assert all(0 <= int(row["percentage"]) <= MAX_PERCENT and row["reason"] for row in table)
    book = openpyxl.load_workbook(out / "amazon-bulk.xlsx", read_only=True)
    sheet = [list(row) for row in book["Sponsored Products Campaigns"].iter_rows(values_only=True)]
    book.close()
    header = sheet[0]
    name, entity, placement, percentage, operation = (header.index(column) for column in (
        "Campaign Name (Informational only)", "Entity", "Placement", "Percentage", "Operation"))
    written = {(row[name], row[placement]): (row[percentage], row[operation]) for row in sheet[1:]
               if row[entity] == "Bidding Adjustment"}
    for row in table:
        key = (row["campaign"], row["placement"])
        if row["campaign"] == pain:
            assert key not in written
            continue
        before = 17 if row["campaign"] == sunscreen and row["placement"] == "Placement Top" else 0
        expected = int(row["percentage"])
        assert written[key] == (expected, "update" if expected != before else None), key
    summary = json.loads((out / "summary.json").read_text())
    assert any(f"have no Bidding Adjustment rows in the bulk file ({pain})" in warning
               for warning in summary["warnings"])


def test_adjustments_are_deterministic():
    first = placement_adjustments(_report(_account()), min_roi=2.0).csv()
    assert first == placement_adjustments(_report(_account()), min_roi=2.0).csv()
    assert np.isnan(placement_adjustments(_report(_account()), min_roi=2.0).table["current_percentage"]).all()
