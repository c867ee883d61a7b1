"""Build Amazon bulk files (bulksheets 2.0 layout) for tests, in a test's own folder; never committed.

``bulk_from_reports`` turns the real targeting and campaign reports into the bulk
file a user would have downloaded for them; ``write_bulk`` writes any rows under
the 48 documented columns with IDs as text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd

COLUMNS = [
    "Product", "Entity", "Operation", "Campaign ID", "Ad Group ID", "Portfolio ID", "Ad ID", "Keyword ID",
    "Product Targeting ID", "Campaign Name", "Ad Group Name", "Campaign Name (Informational only)",
    "Ad Group Name (Informational only)", "Portfolio Name (Informational only)", "Start Date", "End Date",
    "Targeting Type", "State", "Campaign State (Informational only)", "Ad Group State (Informational only)",
    "Daily Budget", "SKU", "ASIN (Informational only)", "Eligibility Status (Informational only)",
    "Reason for Ineligibility (Informational only)", "Ad Group Default Bid",
    "Ad Group Default Bid (Informational only)", "Bid", "Keyword Text", "Native Language Keyword",
    "Native Language Locale", "Match Type", "Bidding Strategy", "Placement", "Percentage",
    "Product Targeting Expression", "Resolved Product Targeting Expression (Informational only)", "Impressions",
    "Clicks", "Click-through Rate", "Spend", "Sales", "Orders", "Units", "Conversion Rate", "ACOS", "CPC", "ROAS",
]
PLACEMENTS = ("Placement Top", "Placement Product Page", "Placement Rest Of Search")


def fake_id(*parts: str) -> str:
    """A stable 18-digit ID (as Amazon's are 15–18 digits), from the names it stands for."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return "1" + str(int(digest[:20], 16))[:17].rjust(17, "0")


def write_bulk(path: Path, rows: list[dict], *, sheet: str = "Sponsored Products Campaigns",
               columns: list[str] = COLUMNS, extra_sheet: bool = True) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = sheet
    first.append(columns)
    for row in rows:
        first.append([row.get(column) for column in columns])
    if extra_sheet:
        book.create_sheet("Portfolios").append(["Product", "Entity", "Operation", "Portfolio ID", "Portfolio Name"])
    book.save(path)
    return path


def _campaign(name: str, budget: float, auto: bool, state: str = "enabled",
              adjustments: dict[str, float] | None = None) -> list[dict]:
    """The Campaign row and its Bidding Adjustment rows (as downloaded: one per placement, 0 unless
    ``adjustments`` maps a placement to today's percentage; an empty dict leaves them out)."""
    cid = fake_id(name)
    base = {"Product": "Sponsored Products", "Campaign ID": cid, "Campaign Name (Informational only)": name,
            "Campaign State (Informational only)": state}
    rows = [{**base, "Entity": "Campaign", "Campaign Name": name, "State": state, "Daily Budget": budget,
             "Targeting Type": "Auto" if auto else "Manual", "Bidding Strategy": "Dynamic bids - down only",
             "Start Date": "20191122"}]
    percentages = {placement: 0 for placement in PLACEMENTS} if adjustments is None else {
        placement: adjustments.get(placement, 0) for placement in PLACEMENTS} if adjustments else {}
    rows += [{**base, "Entity": "Bidding Adjustment", "Placement": placement, "Percentage": percentage,
              "Bidding Strategy": "Dynamic bids - down only"} for placement, percentage in percentages.items()]
    return rows


def _ad_group(campaign: str, group: str, default_bid: float) -> list[dict]:
    cid, gid = fake_id(campaign), fake_id(campaign, group)
    base = {"Product": "Sponsored Products", "Campaign ID": cid, "Ad Group ID": gid,
            "Campaign Name (Informational only)": campaign, "Ad Group Name (Informational only)": group,
            "Campaign State (Informational only)": "enabled", "Ad Group State (Informational only)": "enabled"}
    return [{**base, "Entity": "Ad Group", "Ad Group Name": group, "State": "enabled", "Ad Group Default Bid": default_bid},
            {**base, "Entity": "Product Ad", "Ad ID": fake_id(campaign, group, "ad"), "State": "enabled",
             "SKU": "SKU-" + fake_id(group)[-4:]}]


def target_row(campaign: str, group: str, text: str, match_type: str, bid: float | None,
               state: str = "enabled", entity: str | None = None) -> dict:
    """A Keyword row (match type exact/phrase/broad), else a Product Targeting row."""
    base = {"Product": "Sponsored Products", "Campaign ID": fake_id(campaign), "Ad Group ID": fake_id(campaign, group),
            "Campaign Name (Informational only)": campaign, "Ad Group Name (Informational only)": group,
            "Campaign State (Informational only)": "enabled", "Ad Group State (Informational only)": "enabled",
            "State": state, "Bid": bid}
    if match_type in ("exact", "phrase", "broad") or entity:
        return {**base, "Entity": entity or "Keyword", "Keyword ID": fake_id(campaign, group, text, match_type),
                "Keyword Text": text, "Match Type": match_type}
    return {**base, "Entity": "Product Targeting", "Product Targeting ID": fake_id(campaign, group, text),
            "Product Targeting Expression": text, "Resolved Product Targeting Expression (Informational only)": text}


def bulk_from_reports(path: Path, targeting: Path, campaigns: Path, *, extra_rows: list[dict] = (),
                      adjustments: dict[str, dict[str, float]] | None = None) -> Path:
    """The bulk file of the campaigns, ad groups and targets the real reports mention; bids from their CPC.

    ``adjustments`` maps a campaign to today's placement percentages (``{}``: no Bidding Adjustment rows).
    """
    adjustments = adjustments or {}
    report = pd.read_excel(targeting, engine="calamine", dtype=str)
    report["Spend"] = pd.to_numeric(report["Spend"], errors="coerce").fillna(0)
    report["Clicks"] = pd.to_numeric(report["Clicks"], errors="coerce").fillna(0)
    budgets = pd.read_csv(campaigns, dtype=str).groupby("Campaign Name")["Budget"].last()
    budgets = budgets.str.replace("Rs.", "", regex=False).astype(float)
    rows: list[dict] = []
    for campaign, of_campaign in report.groupby("Campaign Name", sort=True):
        auto = (of_campaign["Match Type"] == "-").all()
        rows += _campaign(campaign, float(budgets.get(campaign, 1000.0)), auto, adjustments=adjustments.get(campaign))
        for group, of_group in of_campaign.groupby("Ad Group Name", sort=True):
            rows += _ad_group(campaign, group, 10.0)
            for (text, match), of_target in of_group.groupby(["Targeting", "Match Type"], sort=True):
                clicks = of_target["Clicks"].sum()
                cpc = of_target["Spend"].sum() / clicks if clicks else 8.5
                rows.append(target_row(campaign, group, text, match.lower() if match != "-" else "",
                                       round(cpc / 0.85, 2)))
            rows.append(target_row(campaign, group, "free sample", "negativeExact", None, entity="Negative Keyword"))
    return write_bulk(path, rows + list(extra_rows))
