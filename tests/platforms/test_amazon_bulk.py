"""The Amazon bulk file: read as text, used as today's state, written back cell for cell; bad files refused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from optimizer.cli import main
from optimizer.errors import InputDataError
from optimizer.platforms.amazon_bulk import read_bulk
from tests.bulk_fixture import COLUMNS, _ad_group, _campaign, bulk_from_reports, target_row, write_bulk
from tests.paths import REAL

REAL = REAL / "amazon_sp_india"
TARGETING = "Sponsored Products Targeting report (1).xlsx"
CAMPAIGNS = "Sponsored Products Campaign report.csv"
PAIN = "Pain relief Oil || SP || Generic || 22nd Nov'19"
PAIN_GROUP = "Pain Relief Oil -SP-Generic"


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{REAL} is absent: the real Amazon exports are read in place, never copied")
    return path


@pytest.fixture
def real_bulk(tmp_path) -> Path:
    """The bulk file of the real reports' campaigns, plus a keyword never shown and a paused one."""
    extra = [target_row(PAIN, PAIN_GROUP, "never shown oil", "exact", 12.0),
             target_row(PAIN, PAIN_GROUP, "knee pain oil", "exact", 30.0, state="paused")]
    path = bulk_from_reports(tmp_path / "bulk.xlsx", real(TARGETING), real(CAMPAIGNS), extra_rows=extra)
    book = openpyxl.load_workbook(path)   # the paused keyword replaces the enabled one the report has
    sheet = book["Sponsored Products Campaigns"]
    header = [cell.value for cell in sheet[1]]
    text, match, entity = (header.index(name) for name in ("Keyword Text", "Match Type", "Entity"))
    rows = [row for row in sheet.iter_rows(min_row=2) if row[entity].value == "Keyword"
            and row[text].value == "knee pain oil" and row[match].value == "exact"
            and row[header.index("Ad Group Name (Informational only)")].value == PAIN_GROUP]
    sheet.delete_rows(rows[0][0].row)
    book.save(path)
    return path


def _cells(path: Path, sheet: str = "Sponsored Products Campaigns") -> list[list]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(row) for row in book[sheet].iter_rows(values_only=True)]
    book.close()
    return rows


def test_plan_writes_the_bulk_file_back_with_only_changed_rows_updated(tmp_path, real_bulk, capsys):
    out = tmp_path / "out"
    code = main(["plan", "--report", str(real(TARGETING)), "--bulk", str(real_bulk), "--export", "amazon",
                 "--out", str(out), "--no-history", "--quiet"])
    assert code == 0, capsys.readouterr().err
    before, after = _cells(real_bulk), _cells(out / "amazon-bulk.xlsx")
    assert openpyxl.load_workbook(out / "amazon-bulk.xlsx", read_only=True).sheetnames == [
        "Sponsored Products Campaigns", "Portfolios"]
    assert after[0] == before[0] == COLUMNS and len(after) == len(before)
    header = before[0]
    operation, entity = header.index("Operation"), header.index("Entity")
    editable = {header.index(name) for name in ("Operation", "Bid", "State", "Daily Budget")}
    updated = 0
    for old, new in zip(before[1:], after[1:]):
        for index in set(range(len(header))) - editable:
            assert old[index] == new[index]                       # IDs, names, metrics: as downloaded
        changed = [header[i] for i in editable - {operation} if old[i] != new[i]]
        assert (new[operation] == "update") == bool(changed), (new, changed)
        if changed:
            updated += 1
            assert new[entity] in ("Keyword", "Product Targeting", "Campaign")
    assert updated > 10
    for row in after[1:]:
        for index in (header.index(name) for name in ("Campaign ID", "Ad Group ID", "Keyword ID")):
            assert row[index] is None or (isinstance(row[index], str) and len(row[index]) == 18)
    summary = json.loads((out / "summary.json").read_text())
    assert any("无展现词" in warning and "never shown oil" in warning for warning in summary["warnings"])
    assert any("1 keywords or targets are paused or archived" in warning for warning in summary["warnings"])
    bids = list(csv.DictReader(io.StringIO((out / "bids.csv").read_text("utf-8-sig"))))
    keys = {(row["plan"], row["keyword"], row["match_type"]) for row in bids}
    assert (PAIN, "knee pain oil", "exact") not in keys                 # paused in the bulk file: out of the plan
    kept = [row for row in bids if row["keyword"] == "never shown oil"][0]
    assert kept["action"] == "hold" and float(kept["current_bid"]) == 12.0  # the bulk Bid is today's bid


def test_bulk_bids_and_budgets_are_today_s(tmp_path, real_bulk):
    from optimizer.decisions.plan import prepare
    from optimizer.scenario.scenario_file import scenario_from_reports

    prepared = prepare(scenario_from_reports([real(TARGETING)]), bids_today=read_bulk(real_bulk).bids_today)
    assert prepared.performance.has_bid and not prepared.estimates.bid_inferred
    units = prepared.estimates.units
    assert units["current_daily_budget"].notna().all()
    assert units.loc[units["keyword"] == "never shown oil", "current_bid"].iloc[0] == 12.0


def _small_bulk(path: Path, **options) -> Path:
    rows = _campaign("Camp A", 100.0, False) + _ad_group("Camp A", "Group 1", 10.0)
    rows.append(target_row("Camp A", "Group 1", "oil", "exact", 1.0))
    return write_bulk(path, rows, **options)


def test_an_empty_bid_is_the_ad_group_default_even_from_the_target_row_s_own_copy(tmp_path):
    rows = _campaign("Camp A", 100.0, False) + _ad_group("Camp A", "Group 1", 10.0)
    rows[-2]["Ad Group Default Bid"] = None  # the ad group row lost its default; the targets carry a copy
    rows.append(target_row("Camp A", "Group 1", "oil", "exact", None)
                | {"Ad Group Default Bid (Informational only)": 0.8})
    rows.append(target_row("Camp A", "Group 1", "balm", "phrase", 1.3))
    targets = read_bulk(write_bulk(tmp_path / "bulk.xlsx", rows)).targets.set_index("text")
    assert targets.loc["oil", "bid"] == 0.8 and targets.loc["balm", "bid"] == 1.3


def test_a_missing_sheet_names_the_sheets_found(tmp_path):
    path = _small_bulk(tmp_path / "bulk.xlsx", sheet="Sheet1")
    with pytest.raises(InputDataError, match=r"bulk.xlsx: has no sheet 'Sponsored Products Campaigns' "
                                             r"\(sheets: Sheet1, Portfolios\)"):
        read_bulk(path)


def test_a_missing_id_column_is_named(tmp_path):
    path = _small_bulk(tmp_path / "bulk.xlsx", columns=[name for name in COLUMNS if name != "Keyword ID"])
    with pytest.raises(InputDataError, match="sheet Sponsored Products Campaigns: has no column 'Keyword ID'"):
        read_bulk(path)


def test_ids_that_went_through_floats_are_refused_with_their_rows(tmp_path):
    path = _small_bulk(tmp_path / "bulk.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Sponsored Products Campaigns"]
    sheet["D2"] = 1.23456789012345e17
    sheet["D3"] = "1.23457E+17"
    book.save(path)
    with pytest.raises(InputDataError) as caught:
        read_bulk(path)
    message = str(caught.value)
    assert message.startswith("bulk.xlsx: sheet Sponsored Products Campaigns: column Campaign ID: 2 IDs are stored "
                              "as numbers or in scientific notation, so their digits are lost (rows 2: 1.23456789012345e+17, "
                              '3: "1.23457E+17"). Download the bulk file again')


def test_bad_bulk_files_exit_2_with_one_message_and_write_nothing(tmp_path, capsys):
    report = real(TARGETING)
    path = _small_bulk(tmp_path / "bulk.xlsx")   # none of the report's campaigns
    out = tmp_path / "out"
    code = main(["plan", "--report", str(report), "--bulk", str(path), "--export", "amazon", "--out", str(out),
                 "--no-history"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: bulk.xlsx: sheet Sponsored Products Campaigns: column Campaign Name: "
                          "10 campaigns of the report are not in the bulk file (")
    assert err.count("error:") == 1 and not out.exists()


def test_export_amazon_without_a_bulk_file_says_what_to_pass(tmp_path, capsys):
    code = main(["plan", "--report", str(real(TARGETING)), "--export", "amazon", "--out", str(tmp_path / "out"),
                 "--no-history"])
    assert code == 2 and "--export amazon needs --bulk FILE.xlsx" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
