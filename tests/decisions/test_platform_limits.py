"""Platform limits in the plan itself: bids and daily limits inside what each platform and marketplace accepts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.decisions import platform_limits
from optimizer.decisions.platform_limits import (
    PlatformLimits,
    for_platform,
    said_clipped,
    with_budget_floor,
    with_platform,
)
from optimizer.errors import BidoptError
from optimizer.scenario.settings import BidLimits


def amazon_report(path: Path, *, currency: str, cpc: float, seed: int = 4) -> Path:
    """An Amazon Sponsored Products targeting report by day, in the console's headers, with a Currency column."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range("2025-07-01", periods=14):
        for target in range(12):
            clicks = int(rng.integers(2, 12))
            orders = int(rng.binomial(clicks, 0.2))
            rows.append({"Date": f"{day:%b %d, %Y}", "Currency": currency, "Campaign Name": f"SP {target % 3}",
                         "Ad Group Name": "Ad group", "Targeting": f"target {target}", "Match Type": "EXACT",
                         "Impressions": clicks * 40, "Clicks": clicks, "Spend": round(clicks * cpc, 2),
                         "7 Day Total Sales ": round(orders * 9.0 * (1 + target % 4), 2),
                         "7 Day Total Orders (#)": orders})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("platform", "currency", "expected"), [
    ("Amazon Ads", "AED", ("Amazon AE", 0.24, 184.0, 4.0)),
    ("Amazon Ads", "INR", ("Amazon IN", 1.0, 5000.0, 50.0)),
    ("Amazon Ads", None, ("Amazon US", 0.02, 1000.0, 1.0)),
    ("Microsoft Advertising", "GBP", ("Microsoft Advertising", 0.05, 1000.0, 0.05)),
    ("Google Ads", "USD", ("Google Ads", 0.01, math.inf, 0.01)),
    ("直通车 / 京东快车 / 万相台 (Chinese headers)", None, ("直通车", 0.05, 99.99, 30.0)),
])
def test_the_limits_follow_the_platform_and_the_currency(platform, currency, expected):
    found = for_platform(platform, currency=currency)
    assert (found.name, found.min_bid, found.max_bid, found.min_daily_budget) == expected


def test_a_marketplace_given_wins_over_the_currency_and_unknown_platforms_have_no_limits():
    assert for_platform("Amazon Ads", marketplace="JP", currency="AED").name == "Amazon JP"
    assert for_platform("not recognised (read by its column names)") is None
    with pytest.raises(BidoptError, match=r"--marketplace must be one of .*Got 'XX'"):
        platform_limits.check_marketplace("xx")


def test_the_scenario_bids_narrow_the_platform_range_and_an_empty_range_is_an_error():
    amazon_ae = for_platform("Amazon Ads", currency="AED")
    assert with_platform(BidLimits(), amazon_ae)[0].min == 0.24
    narrowed, source = with_platform(BidLimits(min=0.5, max=20.0), amazon_ae)
    assert (narrowed.min, narrowed.max) == (0.5, 20.0) and "[bids]" in source
    assert with_platform(BidLimits(), for_platform("Google Ads"))[0].max == BidLimits().max
    with pytest.raises(BidoptError, match="leave no bid inside Amazon AE's range"):
        with_platform(BidLimits(min=0.05, max=0.1), amazon_ae)
    with pytest.raises(ValueError, match="min_bid < max_bid"):
        PlatformLimits("broken", "USD", 2.0, 1.0, 0.0)


def test_a_bid_at_the_platform_minimum_says_so_and_paused_ones_do_not():
    limits = for_platform("Amazon Ads", currency="AED")
    bids = pd.DataFrame({"new_bid": [0.24, 0.24, 0.5], "action": ["raise", "pause", "cut"], "reason": ["r"] * 3})
    said = said_clipped(bids, limits, with_platform(BidLimits(), limits)[0])
    assert said["reason"].tolist() == ["r (at Amazon AE's minimum bid 0.24)", "r", "r"]


def test_a_daily_limit_under_the_minimum_daily_budget_is_raised_to_it_with_a_note():
    plans = pd.DataFrame({"plan": ["a", "b", "c"], "daily_limit": [0.12, 0.0, 80.0]})
    kept = with_budget_floor(plans, for_platform("Amazon Ads", currency="INR"))
    assert kept["daily_limit"].tolist() == [50.0, 0.0, 80.0]
    assert "minimum daily budget 50" in kept["note"][0] and kept["note"][1:].tolist() == ["", ""]
    assert "note" not in with_budget_floor(plans.iloc[2:], for_platform("Amazon Ads", currency="INR"))


def test_the_plan_keeps_amazon_ae_bids_inside_its_range(tmp_path, capsys):
    report = amazon_report(tmp_path / "targeting.csv", currency="AED", cpc=0.05)
    assert main(["plan", "--report", str(report), "--no-history", "--quiet", "--out", str(tmp_path / "out")]) == 0
    bids = pd.read_csv(tmp_path / "out" / "bids.csv", encoding="utf-8-sig")
    running = bids[bids["action"] != "pause"]
    assert len(running) and (running["new_bid"] >= 0.24 - 1e-9).all() and (running["new_bid"] <= 184).all()
    assert running["reason"].str.contains("Amazon AE's minimum bid 0.24").all()
    plans = pd.read_csv(tmp_path / "out" / "plans.csv", encoding="utf-8-sig")
    live = plans["daily_limit"] > 0
    assert (plans.loc[live, "daily_limit"] >= 4.0).all()
    assert json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["status"] == "optimal"


def test_marketplace_flag_picks_the_limits_when_the_report_names_no_currency(tmp_path, capsys):
    report = amazon_report(tmp_path / "targeting.csv", currency="", cpc=0.5)
    out = tmp_path / "out"
    assert main(["plan", "--report", str(report), "--marketplace", "IN", "--no-history", "--quiet",
                 "--out", str(out)]) == 0
    bids = pd.read_csv(out / "bids.csv", encoding="utf-8-sig")
    running = bids[bids["action"] != "pause"]
    assert (running["new_bid"] >= 1.0 - 1e-9).all()


def test_the_marketplace_follows_a_currency_named_only_by_the_headers(tmp_path, capsys):
    report = amazon_report(tmp_path / "targeting.csv", currency="", cpc=0.5)
    frame = pd.read_csv(report, dtype=str, keep_default_na=False).drop(columns="Currency")
    frame.rename(columns={"Spend": "Spend(₹)", "7 Day Total Sales ": "7 Day Total Sales (₹)"}).to_csv(report, index=False)
    out = tmp_path / "out"
    assert main(["plan", "--report", str(report), "--no-history", "--quiet", "--out", str(out)]) == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["reading"][0]["currency"] == "INR"
    assert "- money in INR (the platform's bid limits follow it)" in (out / "summary.md").read_text(encoding="utf-8")
    bids = pd.read_csv(out / "bids.csv", encoding="utf-8-sig")
    assert (bids.loc[bids["action"] != "pause", "new_bid"] >= 1.0 - 1e-9).all()   # Amazon IN's least bid, not US's


def test_a_report_whose_first_line_is_a_title_without_a_delimiter_plans_instead_of_crashing(tmp_path, capsys):
    report = tmp_path / "jd.csv"
    report.write_bytes(("京东快车关键词报表\n时间范围：2025-10-01 至 2025-10-07\n\n推广计划,关键词,展现数,点击数,总费用,总订单金额,总订单行\n"
                        "计划A,裙子,1000,50,25.50,120.00,4\n计划A,连衣裙,2000,80,40.00,200.00,6\n").encode("gb18030"))
    assert main(["plan", "--report", str(report), "--out", str(tmp_path / "out"), "--no-history", "--quiet"]) == 0
    assert (tmp_path / "out" / "summary.json").exists()
