"""Regenerate the writers' golden files from small fixed inputs: ``python tests/golden/regenerate.py``.

The inputs are made here (not by running the optimizer) so that a change to the
model never changes a golden file; only a change to a writer's layout does.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bulk_fixture import _ad_group, _campaign, target_row, write_bulk  # noqa: E402

from optimizer.platforms.amazon_bulk import plan_edits, read_bulk  # noqa: E402
from optimizer.platforms.placements import placement_adjustments, read_placements
from optimizer.platforms.uploads import google_csv, upload_bids, ztc_csv  # noqa: E402
from optimizer.scenario.settings import BidLimits  # noqa: E402

COLUMNS = ["plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "action"]


def bids(plans: tuple[str, str], groups: tuple[str, str], words: list[str]) -> pd.DataFrame:
    """Seven keywords: raise, cut, hold, pause, a raise past the maximum, a cut under the minimum, a raise that rounds away."""
    (a, b), (one, two) = plans, groups
    rows = [(a, one, words[0], "exact", 1.00, 1.234, "raise"), (a, one, words[1], "phrase", 0.80, 0.60, "cut"),
            (a, one, words[2], "broad", 0.50, 0.50, "hold"), (b, two, words[3], "broad", 2.00, 0.0, "pause"),
            (b, two, words[4], "exact", 50.0, 120.0, "raise"), (b, two, words[5], "exact", 0.40, 0.03, "cut"),
            (b, two, words[6], "exact", 1.00, 1.004, "raise")]
    return pd.DataFrame(rows, columns=COLUMNS)


def plans(names: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"plan": list(names), "daily_limit": [30.5, 0.0]})


ZTC = bids(("计划A", "计划B"), ("宝贝1", "宝贝2"), ["连衣裙", "长裙", "=裙", "短裙", "夏装", "裙子", "半身裙"])
ENGLISH = bids(("Camp A", "Camp B"), ("Group 1", "Group 2"),
               ["knee pain oil", "pain oil", "oil", "hair oil", 'asin="B07B7NSLLP"', "joint oil", "back oil"])
ENGLISH.loc[4, "match_type"] = ""   # a product target


def golden_bulk(path: Path) -> Path:
    rows = _campaign("Camp A", 100.0, False) + _ad_group("Camp A", "Group 1", 10.0)
    rows += [target_row("Camp A", "Group 1", text, match, bid) for text, match, bid in
             (("knee pain oil", "exact", 1.0), ("pain oil", "phrase", 0.8), ("oil", "broad", 0.5))]
    rows += _campaign("Camp B", 50.0, False) + _ad_group("Camp B", "Group 2", 10.0)
    rows += [target_row("Camp B", "Group 2", text, match, bid) for text, match, bid in
             (("hair oil", "broad", 2.0), ('asin="B07B7NSLLP"', "", None), ("joint oil", "exact", 0.4))]
    rows.append(target_row("Camp B", "Group 2", "free", "negativeExact", None, entity="Negative Keyword"))
    return write_bulk(path, rows)


#: A placement report in Amazon's headers: Camp A's top of search is worth twice rest of search; Camp B's
#: has two clicks only; an Amazon Business row has no adjustment of its own here.
PLACEMENT_REPORT = """Date,Campaign Name,Placement,Impressions,Clicks,Spend,14 Day Total Sales (₹),14 Day Total Orders (#)
2020-02-01,Camp A,Top of Search on-Amazon,4000,400,2000,16000,40
2020-02-01,Camp A,Detail Page on-Amazon,30000,300,1500,3000,9
2020-02-01,Camp A,Other on-Amazon,9000,500,2500,8000,20
2020-02-01,Camp B,Top of Search on-Amazon,20,2,10,500,1
2020-02-01,Camp B,Detail Page on-Amazon,5000,50,200,0,0
2020-02-01,Camp B,Other on-Amazon,3000,100,600,1000,5
2020-02-01,Camp B,Amazon Business,300,3,15,0,0
"""


def placement_bulk(path: Path) -> Path:
    """The golden bulk file's campaigns, Camp A with today's Top of search at 20% and Rest of search at 10%."""
    rows = _campaign("Camp A", 100.0, False, adjustments={"Placement Top": 20, "Placement Rest Of Search": 10})
    rows += _ad_group("Camp A", "Group 1", 10.0) + _campaign("Camp B", 50.0, False) + _ad_group("Camp B", "Group 2", 10.0)
    return write_bulk(path, rows)


def placements(folder: Path):
    """The adjustments of PLACEMENT_REPORT against placement_bulk at an ROI floor of 2."""
    (folder / "placement.csv").write_text(PLACEMENT_REPORT, encoding="utf-8")
    bulk = read_bulk(placement_bulk(folder / "placement-bulk.xlsx"))
    return placement_adjustments(read_placements(folder / "placement.csv"), min_roi=2.0, bulk=bulk), bulk


def sheet_csv(path: Path, sheet: str = "Sponsored Products Campaigns") -> bytes:
    """A workbook sheet as CSV text (every cell as read, None as empty), for comparing with a golden file."""
    book = openpyxl.load_workbook(path, read_only=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in book[sheet].iter_rows(values_only=True):
        writer.writerow(["" if cell is None else cell for cell in row])
    book.close()
    return out.getvalue().encode("utf-8")


def outputs(folder: Path) -> dict[str, bytes]:
    """Every golden file's expected bytes."""
    limits = BidLimits()
    amazon = upload_bids(ENGLISH, "amazon", limits, "IN")
    bulk = read_bulk(golden_bulk(folder / "bulk.xlsx"))
    plan_edits(bulk, amazon, plans(("Camp A", "Camp B"))).writer(bulk)(folder / "amazon-bulk.xlsx")
    return {
        "ztc-bids.csv": ztc_csv(upload_bids(ZTC, "ztc", limits), plans(("计划A", "计划B"))),
        "google-ads-editor.csv": google_csv(upload_bids(ENGLISH, "google", limits), plans(("Camp A", "Camp B"))),
        "amazon-bulk.csv": sheet_csv(folder / "amazon-bulk.xlsx"),
        "placements.csv": placements(folder)[0].csv(),
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as temporary:
        for name, content in outputs(Path(temporary)).items():
            (HERE / name).write_bytes(content)
            print(f"wrote {HERE / name}")
