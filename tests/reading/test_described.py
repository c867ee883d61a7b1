"""How a file was read: platform, kind, period, rows kept and skipped, columns used and ignored."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_a_microsoft_monthly_campaign_report_is_described(tmp_path):
    lines = ['"Campaign report (January 01, 2025 - February 10, 2025)"', "Request Id: 9", "",
             "Month,Campaign ID,Campaign,Impr.,Clicks,Spend,Conv.,Revenue",
             "2025-01-01,[1],A,3100,310,62.00,31,310", "2025-02-01,[1],A,1000,100,20.00,10,100",
             "-,[2],B,0,0,0,0,0", "Search total,-,-,4100,410,82.00,41,410"]
    read = validate([read_report(write(tmp_path / "ms.csv", lines, "utf-8-sig"))]).files[0]
    assert (read.platform, read.kind) == ("Microsoft Advertising", "campaign report, by month")
    assert read.period == "2025-01-01 to 2025-02-10 (its month rows)"
    assert (read.rows_read, read.rows_kept, read.units) == (4, 2, 1)
    assert read.columns_ignored == ("Campaign ID",) and "Conv. -> orders" in read.columns_used
    assert read.notes == ('ms.csv: skipped 1 total row (the export\'s own sums; row 8: "Search total")',
                          "ms.csv: skipped 1 row without a date and without traffic (row 7)")
    assert read.to_json()["file"] == "ms.csv"


@pytest.mark.parametrize(("header", "platform", "kind"), [
    ("Date,Campaign Name,Ad Group Name,Targeting,Match Type,Impressions,Clicks,Spend,7 Day Total Sales",
     "Amazon Ads", "keyword / targeting report, by day"),
    ("Day,Campaign,Ad group,Keyword,Match type,Impr.,Clicks,Cost,Conversions,Conv. value",
     "Google Ads", "keyword / targeting report, by day"),
    ("日期,推广计划名称,宝贝名称,展现量,点击量,花费", "直通车 / 京东快车 / 万相台 (Chinese headers)", "ad group / item report, by day"),
    ("Date,Campaign,Impressions,Clicks,Amount spent", "Meta (Facebook) ads", "campaign report, by day"),
    # Google's 2025 campaign report has Microsoft's "Budget type" too, and two headers of Google's own
    ("Day,Campaign status,Campaign,Budget,Budget type,Campaign type,Impr.,Clicks,Cost,Avg. CPC,Conversions,Cost / conv.",
     "Google Ads", "campaign report, by day"),
    ("Day,Campaign status,Campaign,Budget,Budget name,Budget type,Status,Status reasons,Optimisation score,"
     "Campaign type,Impr.,CTR,Currency code,Cost,Search impr. share,Conv. rate,Conversions,Cost / conv.",
     "Google Ads", "campaign report, by day"),
    ("Date,Campaign,Budget,Budget type,Impr.,Clicks,Spend,Conv.", "Microsoft Advertising", "campaign report, by day"),
])
def test_the_platform_and_kind_come_from_the_headers(header, platform, kind, tmp_path):
    rng = np.random.default_rng(2)
    names = header.split(",")
    row = []
    for name in names:
        if name in ("Date", "Day", "日期"):
            row.append("2025-03-01")
        elif name in ("Match Type", "Match type"):
            row.append("exact")
        elif name in ("Impressions", "Impr.", "展现量"):
            row.append(str(int(rng.integers(100, 900))))
        elif name in ("Clicks", "点击量"):
            row.append(str(int(rng.integers(1, 9))))
        elif name == "Conversions":
            row.append("0")
        elif name in ("Spend", "Cost", "花费", "Amount spent", "7 Day Total Sales", "Conv. value", "Budget",
                      "Avg. CPC", "Cost / conv.", "Conv.", "CTR", "Conv. rate"):
            row.append(f"{rng.uniform(1, 9):.2f}")
        else:
            row.append(f"{name} 1")
    read = validate([read_report(write(tmp_path / "r.csv", [header, ",".join(row)]))]).files[0]
    assert (read.platform, read.kind) == (platform, kind)
    assert read.period == "2025-03-01 to 2025-03-01 (its date column)" and read.rows_kept == 1


def test_summary_md_and_json_open_with_how_the_file_was_read(tmp_path, capsys):
    import json

    from optimizer.cli import main

    rng = np.random.default_rng(6)
    lines = ["Oct 13, 2025 - Nov 11, 2025", "Campaign,Impressions,Clicks,Cost,Conversions,Conv. value"]
    lines += [f"Plan {plan},{int(rng.integers(900, 5000))},{int(rng.integers(30, 90))},{rng.uniform(20, 80):.2f},"
              f"{int(rng.integers(1, 9))},{rng.uniform(50, 400):.2f}" for plan in range(5)]
    lines.append("Total,,,,,")
    path = write(tmp_path / "campaigns.csv", lines)
    assert main(["plan", "--report", str(path), "--no-history", "--quiet", "--out", str(tmp_path / "out")]) == 0
    summary_md = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8").splitlines()
    assert summary_md[2] == "## How the files were read"
    assert summary_md[4].startswith("**campaigns.csv**: Google Ads, campaign report, summary over a period; period "
                                    '2025-10-13 to 2025-11-11, 30 days (title line "Oct 13, 2025 - Nov 11, 2025"); '
                                    "5 of 6 rows kept, 5 units.")
    reading = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["reading"]
    assert [(read["file"], read["rows_kept"], read["units"]) for read in reading] == [("campaigns.csv", 5, 5)]
