"""The upload files of a workbench plan are the ones ``bidopt plan --export`` writes for the same plan."""

from __future__ import annotations

import openpyxl
import pytest

from optimizer.cli import main
from optimizer.decisions.plan import make_plan, prepare
from optimizer.platforms.amazon_bulk import read_bulk
from optimizer.scenario.scenario_file import scenario_from_reports
from optimizer.workbench.exports import platform_files, platforms_of
from tests.bulk_fixture import bulk_from_reports
from tests.paths import REAL, SAMPLE

AMAZON = REAL / "amazon_sp_india"


def cli_files(tmp_path, capsys, *flags: str) -> dict[str, bytes]:
    out = tmp_path / "out"
    assert main(["plan", *flags, "--out", str(out), "--no-history", "--quiet"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    return {path.name: path.read_bytes() for path in out.iterdir()}


def test_a_ztc_export_gets_the_ztc_sheet_of_plan_export_ztc(tmp_path, capsys):
    result = make_plan(scenario_from_reports([SAMPLE]).with_overrides(budget=25000, min_roi=2.4))
    assert platforms_of(result) == ["ztc"]
    files, warnings = platform_files(result)
    expected = cli_files(tmp_path, capsys, "--report", str(SAMPLE), "--budget", "25000", "--min-roi", "2.4",
                         "--export", "ztc")
    assert set(files) == {"ztc-bids.csv", "export-changes.csv"}
    assert files["ztc-bids.csv"] == expected["ztc-bids.csv"]
    assert files["export-changes.csv"] == expected["export-changes.csv"]
    assert all(warning in expected["summary.md"].decode("utf-8") for warning in warnings)


def test_an_amazon_report_with_its_bulk_file_gets_the_bulk_file_written_back(tmp_path, capsys):
    targeting, campaigns = AMAZON / "Sponsored Products Targeting report (1).xlsx", \
        AMAZON / "Sponsored Products Campaign report.csv"
    if not targeting.exists():
        pytest.skip(f"{AMAZON} is absent: the real Amazon exports are read in place, never copied")
    bulk_path = bulk_from_reports(tmp_path / "bulk.xlsx", targeting, campaigns)
    bulk = read_bulk(bulk_path)
    scenario = scenario_from_reports([targeting])
    result = make_plan(scenario, prepare(scenario, bids_today=bulk.bids_today))
    assert platforms_of(result) == [] and platforms_of(result, bulk) == ["amazon"]
    files, warnings = platform_files(result, bulk)
    expected = cli_files(tmp_path, capsys, "--report", str(targeting), "--bulk", str(bulk_path), "--export", "amazon")
    assert set(files) == {"amazon-bulk.xlsx", "export-changes.csv"}
    (tmp_path / "mine.xlsx").write_bytes(files["amazon-bulk.xlsx"])
    (tmp_path / "theirs.xlsx").write_bytes(expected["amazon-bulk.xlsx"])
    mine, theirs = (list(openpyxl.load_workbook(tmp_path / name, read_only=True)["Sponsored Products Campaigns"]
                         .iter_rows(values_only=True)) for name in ("mine.xlsx", "theirs.xlsx"))
    assert mine == theirs and any(row[2] == "update" for row in mine[1:])
    assert any(warning.startswith("amazon-bulk.xlsx: ") for warning in warnings)


def test_a_plan_level_report_has_no_upload_files(tmp_path):
    report = tmp_path / "plans.csv"
    report.write_text("Campaign,Impr.,Clicks,Cost,Conversions,Conv. value\nA,1000,50,40,4,200\n"
                      "B,2000,80,70,5,260\n", encoding="utf-8")
    scenario = scenario_from_reports([report])
    result = make_plan(scenario.with_overrides(period_days=7))
    assert platforms_of(result) == [] and platform_files(result) == ({}, [])
