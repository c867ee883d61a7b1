"""Search-term harvesting: converting terms become exact keywords, wasting terms negative exact.

Every term is judged on shrunk figures, as the plan judges keywords: its conversion
rate is shrunk toward its ad group's and campaign's (:func:`optimizer.model.shrinkage.shrink_rate`),
its order value toward its ad group's with one pseudo-order. So two clicks without
an order decide nothing: a term is negated only after more clicks than an order
takes in its ad group, and only when its shrunk ROI is under the floor.
ASIN terms (``b0…``) become product targets (``asin="B0…"``), never keywords.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import BidoptError, InputDataError, Problem
from optimizer.model.shrinkage import shrink_rate
from optimizer.outputs import safe_text
from optimizer.outputs.files import csv_bytes
from optimizer.platforms.amazon_bulk import Bulk, norm
from optimizer.platforms.uploads import bid_range
from optimizer.reading.report_file import Report, read_report
from optimizer.scenario.settings import BidLimits

ASIN = r"^b0[0-9a-z]{8}$"
HARVEST_COLUMNS = ["campaign", "ad_group", "match_type", "search_term", "impressions", "clicks", "spend", "orders",
                   "revenue", "acos", "shrunk_cvr", "shrunk_roi", "clicks_per_order", "decision", "bid", "reason"]


def read_search_terms(report: Report | str | Path) -> pd.DataFrame:
    """The search term report (read, or its path) in canonical columns, the term in ``keyword``; summed per ad group,
    term and match type.

    Read as ``plan`` reads it (:mod:`optimizer.reading.search_terms`): ``match_type`` is the keyword's, so
    a Google or Microsoft report's query match type never splits a term.
    """
    report = report if isinstance(report, Report) else read_report(report)
    frame = report.frame
    missing = [name for name in ("plan", "ad_group", "search_term", "clicks", "spend", "orders") if name not in frame]
    if missing:
        raise InputDataError([Problem(f"has no {', '.join(missing)} column: not a search term report", file=report.path.name,
                                      hint="Export Sponsored Products > Search term report")])
    frame = frame.assign(revenue=frame["revenue"] if "revenue" in frame else 0.0,
                         impressions=frame["impressions"] if "impressions" in frame else 0.0,
                         match_type=frame["match_type"] if "match_type" in frame else "",
                         keyword=frame["search_term"].astype(str).str.strip())
    keys = ["plan", "ad_group", "match_type", "keyword"]
    summed = frame.groupby(keys, sort=True, observed=True)[["impressions", "clicks", "spend", "orders", "revenue"]].sum()
    return summed.fillna(0.0).reset_index()


@dataclass(frozen=True)
class Harvest:
    """Every term with its figures, decision and reason, and the bulk rows to create."""

    table: pd.DataFrame
    creates: list[dict]
    min_roi: float
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Judged:
    """Each term's figures as the plan judges keywords: shrunk CVR and order value, its CPC and shrunk ROI."""

    clicks: np.ndarray
    orders: np.ndarray
    cvr: np.ndarray
    #: clicks an order takes in the term's ad group (from its shrunk CVR)
    per_order: np.ndarray
    cpc: np.ndarray
    value_per_click: np.ndarray
    roi: np.ndarray


def harvest(terms: pd.DataFrame, bulk: Bulk, *, min_orders: float = 2, max_acos: float | None = None,
            marketplace: str | None = None, limits: BidLimits = BidLimits()) -> Harvest:
    """Decide every search term: new exact keyword / product target, negative, or keep, and why."""
    if min_orders < 1:
        raise BidoptError(f"--min-orders must be at least 1. Got {min_orders!r} instead.")
    if max_acos is not None and not 0 < max_acos < 10:
        raise BidoptError(f"--max-acos must be a share of sales in (0, 10), e.g. 0.3 for 30%. Got {max_acos!r} instead.")
    spend, revenue = float(terms["spend"].sum()), float(terms["revenue"].sum())
    min_roi = 1.0 / max_acos if max_acos else (revenue / spend if spend > 0 and revenue > 0 else 1.0)
    judged = _judge(terms, revenue)
    term = terms["keyword"].astype(str)
    decision = _decide(terms, bulk, judged, term.str.casefold().str.match(ASIN).to_numpy(), min_orders, min_roi)
    low, high, _ = bid_range("amazon", limits, marketplace)
    step = limits.increment
    bid = np.clip(np.round(np.minimum(judged.cpc, judged.value_per_click / min_roi) / step) * step, low, high)
    adds = np.isin(decision, ["add exact keyword", "add product target"])
    acos = np.divide(terms["spend"].to_numpy(float), terms["revenue"].to_numpy(float), out=np.full(len(terms), np.nan),
                     where=terms["revenue"].to_numpy(float) > 0)
    table = pd.DataFrame({
        "campaign": terms["plan"], "ad_group": terms["ad_group"], "match_type": terms["match_type"], "search_term": term,
        "impressions": terms["impressions"], "clicks": judged.clicks, "spend": terms["spend"].round(2),
        "orders": judged.orders, "revenue": terms["revenue"].round(2), "acos": np.round(acos, 4),
        "shrunk_cvr": np.round(judged.cvr, 4), "shrunk_roi": np.round(judged.roi, 2),
        "clicks_per_order": judged.per_order, "decision": decision, "bid": np.where(adds, np.round(bid, 2), np.nan),
        "reason": _reasons(terms, judged, decision, bid, min_roi, min_orders)})[HARVEST_COLUMNS]
    creates = _creates(table, bulk)
    warnings = (f"{int((decision == 'not in bulk file').sum())} terms to act on are in ad groups the bulk file does not "
                "have: listed in harvest.csv only",) if (decision == "not in bulk file").any() else ()
    return Harvest(table, creates, min_roi, warnings)


def _judge(terms: pd.DataFrame, revenue: float) -> _Judged:
    """CVR shrunk toward the ad group's and campaign's, order value toward the ad group's with one pseudo-order."""
    clicks, orders = terms["clicks"].to_numpy(float), terms["orders"].to_numpy(float)
    stats = terms.assign(ords=np.minimum(orders, clicks))
    cvr = shrink_rate(stats["ords"], stats["clicks"], [["plan"], ["plan", "ad_group"], ["plan", "ad_group", "keyword"]], stats)
    group_cvr = shrink_rate(stats["ords"], stats["clicks"], [["plan"], ["plan", "ad_group"]], stats)
    group = terms.groupby(["plan", "ad_group"], sort=False, observed=True)
    group_orders = group["orders"].transform("sum").to_numpy(float)
    account_value = revenue / max(float(orders.sum()), 1e-9) if orders.sum() else 0.0
    group_value = np.where(group_orders > 0, group["revenue"].transform("sum").to_numpy(float) / np.maximum(group_orders, 1e-9),
                           account_value)
    order_value = (terms["revenue"].to_numpy(float) + group_value) / (orders + 1.0)
    group_cpc = group["spend"].transform("sum").to_numpy(float) / np.maximum(group["clicks"].transform("sum").to_numpy(float), 1e-9)
    cpc = np.where(clicks > 0, terms["spend"].to_numpy(float) / np.maximum(clicks, 1e-9), group_cpc)
    value_per_click = cvr * order_value
    roi = np.divide(value_per_click, cpc, out=np.zeros(len(terms)), where=cpc > 0)
    per_order = np.ceil(1.0 / np.maximum(group_cvr, 1e-6))
    return _Judged(clicks, orders, cvr, per_order, cpc, value_per_click, roi)


def _decide(terms: pd.DataFrame, bulk: Bulk, judged: _Judged, is_asin: np.ndarray, min_orders: float,
            min_roi: float) -> np.ndarray:
    """Each term's decision: winners added (unless targeted already), wasters negated, the rest kept or waiting."""
    clicks, orders, per_order, roi = judged.clicks, judged.orders, judged.per_order, judged.roi
    source = terms["match_type"].astype(str).str.casefold().to_numpy()
    exists = _already_targeted(terms, bulk, is_asin)
    known_group = _ad_group_ids(terms, bulk)[0] != ""
    wins = (orders >= min_orders) & (roi >= min_roi)
    wasted = (orders == 0) & (terms["spend"].to_numpy(float) > 0) & (clicks >= per_order) & (roi < min_roi)
    decision = np.select(
        [source == "exact", wins & exists, wins & is_asin, wins, wasted & is_asin, wasted, (orders == 0) & (clicks < per_order)],
        ["keep (exact keyword: bidopt plan bids it)", "keep (already targeted in this ad group)", "add product target",
         "add exact keyword", "add negative product target", "add negative exact", "wait"], default="keep")
    return np.where(~known_group & np.char.startswith(decision.astype(str), "add"), "not in bulk file", decision)


def _reasons(terms: pd.DataFrame, judged: _Judged, decision: np.ndarray, bid: np.ndarray, min_roi: float,
             min_orders: float) -> np.ndarray:
    """Why each term got its decision, with the figures behind it."""
    fmt = np.vectorize(lambda value: f"{value:.2f}", otypes=[object])
    count = np.vectorize(lambda value: f"{value:g}", otypes=[object])
    orders, roi, per_order = judged.orders, judged.roi, judged.per_order
    figures = count(judged.clicks) + " clicks, " + fmt(terms["spend"].to_numpy(float)) + " spent, " + count(orders) + " orders"
    floor = f"{min_roi:.2f}"
    return np.select(
        [decision == "add exact keyword", decision == "add product target", decision == "add negative exact",
         decision == "add negative product target", decision == "wait", np.char.startswith(decision.astype(str), "keep ("),
         decision == "not in bulk file"],
        [figures + "; shrunk ROI " + fmt(roi) + " ≥ floor " + floor + ": exact keyword at " + fmt(bid),
         figures + "; shrunk ROI " + fmt(roi) + " ≥ floor " + floor + ": product target at " + fmt(bid),
         figures + "; an order takes ~" + count(per_order) + " clicks here; shrunk ROI " + fmt(roi) + " < floor " + floor,
         figures + "; an order takes ~" + count(per_order) + " clicks here; shrunk ROI " + fmt(roi) + " < floor " + floor,
         figures + "; too few clicks to judge (an order takes ~" + count(per_order) + " here)",
         figures, figures + "; its ad group is not in the bulk file"],
        default=figures + "; shrunk ROI " + fmt(roi) + " vs floor " + floor + " with " + count(orders)
        + f" orders (needs {min_orders:g} and the floor)").astype(object)


def _ad_group_ids(terms: pd.DataFrame, bulk: Bulk) -> tuple[np.ndarray, np.ndarray]:
    """(campaign ID, ad group ID) of each term's ad group; "" where the bulk file has none."""
    campaigns = dict(zip(norm(bulk.campaigns["name"]), bulk.campaigns["id"]))
    groups = bulk.ad_groups.assign(key=bulk.ad_groups["campaign_id"] + "\x1f" + norm(bulk.ad_groups["name"]))
    group_of = dict(zip(groups["key"], groups["id"]))
    campaign_id = norm(terms["plan"]).map(campaigns).fillna("")
    group_id = (campaign_id + "\x1f" + norm(terms["ad_group"])).map(group_of).fillna("")
    return group_id.to_numpy(), campaign_id.to_numpy()


def _already_targeted(terms: pd.DataFrame, bulk: Bulk, is_asin: np.ndarray) -> np.ndarray:
    """True where the term's ad group already has it as an exact keyword (or as that ASIN's product target)."""
    targets = bulk.targets
    exact = targets[(targets["entity"] == "keyword") & (targets["match_type"] == "exact")]
    have = set(exact["ad_group_id"] + "\x1f" + norm(exact["text"]))
    products = targets[targets["entity"] == "product targeting"]
    have |= set(products["ad_group_id"] + "\x1f" + norm(products["text"]))
    group_id, _ = _ad_group_ids(terms, bulk)
    text = np.where(is_asin, 'asin="' + terms["keyword"].astype(str).str.upper() + '"', terms["keyword"].astype(str))
    return (pd.Series(group_id) + "\x1f" + norm(pd.Series(text))).isin(have).to_numpy()


def _creates(table: pd.DataFrame, bulk: Bulk) -> list[dict]:
    """Bulk rows with Operation = create for every add decision, in the bulk file's own header names."""
    acting = table[table["decision"].str.startswith("add")]
    group_id, campaign_id = _ad_group_ids(acting.rename(columns={"campaign": "plan"}).rename(
        columns={"search_term": "keyword"}), bulk)
    column = dict(bulk.column)
    rows = []
    for (decision, term, bid), gid, cid in zip(acting[["decision", "search_term", "bid"]].itertuples(index=False),
                                                group_id, campaign_id):
        row = {column.get("Product", "Product"): "Sponsored Products", column["Operation"]: "create",
               column["Campaign ID"]: cid, column["Ad Group ID"]: gid, column["State"]: "enabled"}
        asin = 'asin="' + str(term).upper() + '"'
        if decision == "add exact keyword":
            row.update({column["Entity"]: "Keyword", column["Keyword Text"]: term, column["Match Type"]: "exact",
                        column["Bid"]: float(bid)})
        elif decision == "add product target":
            row.update({column["Entity"]: "Product Targeting", column["Product Targeting Expression"]: asin,
                        column["Bid"]: float(bid)})
        elif decision == "add negative exact":
            row.update({column["Entity"]: "Negative Keyword", column["Keyword Text"]: term,
                        column["Match Type"]: "negativeExact"})
        else:
            row.update({column["Entity"]: "Negative Product Targeting", column["Product Targeting Expression"]: asin})
        rows.append(row)
    return rows


def harvest_files(result: Harvest, bulk: Bulk) -> dict:
    """harvest.csv and amazon-bulk.xlsx (the bulk sheet's header, create rows only)."""
    def write(target: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = bulk.sheet
        for row_number, values in enumerate([dict(zip(bulk.header, bulk.header)), *result.creates], start=1):
            for column_number, name in enumerate(bulk.header, start=1):   # a search term is never a formula
                safe_text.xlsx_cell(sheet.cell(row=row_number, column=column_number), values.get(name))
        book.save(target)

    return {"harvest.csv": csv_bytes(result.table), "amazon-bulk.xlsx": write}
