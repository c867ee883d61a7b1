"""Only units that take a bid are planned; an empty bid is the ad group's default bid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate

LEGACY = ("Record Type,Campaign,Campaign Daily Budget,Ad Group,Max Bid,Keyword or Product Targeting,Match Type,"
          "Campaign Status,Status,Impressions,Clicks,Spend,Orders,Sales")


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def legacy_bulksheet(seed: int = 8) -> list[str]:
    """Amazon's legacy single-sheet bulk file: campaign and ad group rows, keywords with and without a bid, negatives."""
    rng = np.random.default_rng(seed)
    lines = [LEGACY, "Campaign,Shoes,25,,,,,enabled,,900,30,21.5,3,90",
             "Ad Group,Shoes,,Running,0.75,,,,enabled,900,30,21.5,3,90"]
    for keyword, match, bid, state in (("running shoes", "exact", "1.10", "enabled"), ("trail shoes", "phrase", "", "enabled"),
                                       ("asin=B0ABC", "", "", "enabled"), ("cheap shoes", "negative exact", "", "enabled"),
                                       ("old shoes", "broad", "0.40", "archived"), ("free shoes", "campaign negative phrase", "", "")):
        clicks = int(rng.integers(1, 15))
        lines.append(f"Keyword,Shoes,,Running,{bid},{keyword},{match},,{state},{clicks * 20},{clicks},"
                     f"{clicks * 0.7:.2f},{int(rng.integers(0, 2))},{clicks * 5.0:.2f}")
    return lines


def test_a_legacy_bulksheet_plans_keywords_only_with_default_bids(tmp_path):
    report = read_report(write(tmp_path / "bulk.csv", legacy_bulksheet()))
    assert report.headers["keyword"] == "Keyword or Product Targeting" and report.headers["bid"] == "Max Bid"
    frame = report.frame
    assert frame["keyword"].tolist() == ["running shoes", "trail shoes", "asin=B0ABC"]
    assert frame["bid"].tolist() == [1.10, 0.75, 0.75]
    assert report.notes == (
        "bulk.csv: 2 rows without a bid take their ad group's default bid",
        "bulk.csv: left out 2 rows of campaign and ad group rows of a bulk file (they are not keywords)",
        "bulk.csv: left out 2 rows of negative keywords (they take no bid)",
        "bulk.csv: left out 1 row of archived or removed rows (they can no longer be bid on)",
    )
    performance = validate([report], period_days=60)
    assert performance.has_bid and performance.frame["bid"].notna().all()


def test_a_default_bid_column_fills_an_empty_bid(tmp_path):
    lines = ["Campaign Name (Informational only),Ad Group Name (Informational only),Keyword Text,Match Type,Bid,"
             "Ad Group Default Bid (Informational only),Customer Search Term,Impressions,Clicks,Spend",
             "C,G,shoes,exact,0.9,0.5,red shoes,100,4,2.0", "C,G,,,,0.5,blue shoes,50,2,0.8",
             "C,H,boots,broad,,0.6,boots,40,1,0.4"]
    report = read_report(write(tmp_path / "terms.csv", lines))
    assert report.frame["bid"].tolist() == [0.9, 0.5, 0.6]
    assert "default_bid" not in report.frame


def test_performance_max_rows_take_no_bids(tmp_path):
    lines = ["Campaign,Campaign type,Ad group,Keyword,Impressions,Clicks,Cost",
             "Search A,Search,G,shoes,100,5,2.5", "PMax B,Performance Max,,,900,30,12.0"]
    report = read_report(write(tmp_path / "kw.csv", lines))
    assert report.frame["plan"].tolist() == ["Search A"]
    assert report.notes == ("kw.csv: left out 1 row of Performance Max rows (their search terms take no bids; plan "
                            "their budgets from a campaign report)",)
    plans = read_report(write(tmp_path / "plans.csv", ["Performance Max search terms report", "Campaign,Impressions,Clicks,Cost",
                                                       "PMax B,900,30,12.0"]))
    assert plans.notes == ("plans.csv: Performance Max campaigns take no keyword bids: they are planned by budget only",)
    assert len(plans.frame) == 1


@pytest.mark.parametrize("state", ["paused", "enabled", "-"])
def test_paused_and_enabled_rows_stay_units(state, tmp_path):
    lines = ["Campaign,Keyword,State,Impressions,Clicks,Cost", f"A,shoes,{state},10,1,0.5"]
    report = read_report(write(tmp_path / "kw.csv", lines))
    assert len(report.frame) == 1 and report.notes == ()


def test_a_legacy_bulksheet_plans_end_to_end_with_finite_figures(tmp_path, capsys):
    import csv
    import json
    import math

    from optimizer.cli import main

    path = write(tmp_path / "bulk.csv", legacy_bulksheet())
    code = main(["plan", "--report", str(path), "--period-days", "60", "--no-history", "--quiet",
                 "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))

    def numbers(value):
        if isinstance(value, dict):
            return [number for item in value.values() for number in numbers(item)]
        if isinstance(value, list):
            return [number for item in value for number in numbers(item)]
        return [value] if isinstance(value, float) else []

    assert all(math.isfinite(number) for number in numbers(summary))
    bids = list(csv.DictReader((tmp_path / "out" / "bids.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(row["keyword"] for row in bids) == ["asin=B0ABC", "running shoes", "trail shoes"]
    assert {row["keyword"]: float(row["current_bid"]) for row in bids}["trail shoes"] == 0.75
    assert all(row["new_bid"] not in ("", "nan") for row in bids)
