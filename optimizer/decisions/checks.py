"""What to check before uploading: forecasts that move far from the history, bids far outside those seen,
spend on keywords with no data.

A plan is made on forecasts; these are the places a forecast stands on little. Each check lists the
plans or keywords it found, largest first, for summary.json (``checks``) and, as sentences, for the
"Check before uploading" section of summary.md and report.html.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.i18n import say

#: A forecast more than this many times its history's figure (or less than its inverse) is listed.
MOVE_FACTOR = 2.0
#: A bid more than this many times the highest bid the history saw (or under its inverse times the lowest).
BID_FACTOR = 1.5
#: Keywords are listed only when their forecast is at least this share of the account's (the plans always).
MATERIAL_SHARE = 0.01
#: Names quoted in a sentence; summary.json lists up to LISTED.
QUOTED, LISTED = 5, 50


def _label(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    if keys == ["plan"]:
        return frame["plan"].astype(str)
    return frame["keyword"].astype(str) + " (" + frame["plan"].astype(str) + ")"


def moved(bids: pd.DataFrame, keys: list[str], per_period: float, has_revenue: bool) -> pd.DataFrame:
    """Rows of ``bids`` (grouped by ``keys``) whose forecast spend or revenue, today's bids or the new ones, is
    more than MOVE_FACTOR times or under 1 / MOVE_FACTOR its history, scaled to the period (``per_period``)."""
    metrics = ["spend"] + (["revenue"] if has_revenue else [])
    columns = {f"{when}{metric}": (source, "sum") for metric in metrics for when, source in
               (("history_", f"observed_{metric}"), ("today_", f"before_{metric}"), ("forecast_", metric))}
    plans = keys == ["plan"]
    if plans:
        table = bids.groupby(keys, sort=True, observed=True).agg(**columns).reset_index()
    else:   # a row of the bids table is one keyword already: its figures as they are, the few material ones sorted
        table = pd.DataFrame({**{key: bids[key] for key in keys},
                              **{name: bids[source].to_numpy(float) for name, (source, _) in columns.items()}})
    for metric in metrics:
        table[f"history_{metric}"] *= per_period
    material = table["forecast_spend"] >= MATERIAL_SHARE * table["forecast_spend"].sum()
    if not plans:
        table = table[material].sort_values(keys, kind="stable")
    flagged = np.zeros(len(table), bool)
    factor = np.ones(len(table))
    for metric in metrics:
        history = table[f"history_{metric}"].to_numpy(float)
        for when in ("today_", "forecast_"):
            value = table[f"{when}{metric}"].to_numpy(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where((history > 0) & (value > 0), value / history, 1.0)
            far = (ratio > MOVE_FACTOR) | (ratio < 1 / MOVE_FACTOR)
            flagged |= far
            factor = np.where(far & (np.abs(np.log(ratio)) > np.abs(np.log(factor))), ratio, factor)
    table = table.assign(factor=factor, name=_label(table, keys))[flagged]
    return table.iloc[np.argsort(-np.abs(np.log(table["factor"].to_numpy())), kind="stable")]


def outside_bids(bids: pd.DataFrame) -> pd.DataFrame:
    """Keywords whose bid today or new bid is more than BID_FACTOR beyond the range of bids their history saw
    (the estimate's ``observed_lowest_bid`` and ``observed_highest_bid``)."""
    low, high = bids["observed_lowest_bid"].to_numpy(float), bids["observed_highest_bid"].to_numpy(float)
    current, new = bids["current_bid"].to_numpy(float), bids["new_bid"].where(bids["action"] != "pause").to_numpy(float)
    with np.errstate(invalid="ignore"):
        far = ((new > BID_FACTOR * high) | (new < low / BID_FACTOR)
               | (current > BID_FACTOR * high) | (current < low / BID_FACTOR))
    table = bids.loc[far, ["keyword", "plan", "current_bid", "new_bid", "spend"]].assign(min=low[far], max=high[far])
    return table.assign(name=_label(table, ["keyword"])).sort_values("spend", ascending=False, kind="stable")


def without_data(bids: pd.DataFrame) -> pd.DataFrame:
    """Units the plan spends on that had no clicks in the history: every figure of theirs is a prior."""
    chosen = ((bids["observed_clicks"].fillna(0) <= 0) & (bids["spend"] > 0)).to_numpy()
    table = bids.loc[chosen, ["keyword", "plan", "spend"]]   # only what the check quotes: no copy of every column
    return table.assign(name=_label(table, ["keyword"])).sort_values("spend", ascending=False, kind="stable")


def check(bids: pd.DataFrame, performance, level: str, period_days: int) -> tuple[dict, tuple[str, ...]]:
    """summary.json's ``checks`` and the sentences for "Check before uploading"."""
    per_period = period_days / max(performance.history_days, 1)
    keys = ["plan", "ad_group", "keyword", "match_type"] if level == "keyword" else ["plan"]
    keys = [key for key in keys if key in bids]
    found = {"plans_moved": moved(bids, ["plan"], per_period, performance.has_revenue)}
    if level == "keyword":
        found["keywords_moved"] = moved(bids, keys, per_period, performance.has_revenue)
        if performance.has_bid and "observed_highest_bid" in bids:
            found["bids_outside_history"] = outside_bids(bids)
        found["spend_without_data"] = without_data(bids)
    sentences = []
    for kind, table in found.items():
        if len(table):
            sentences.append(_sentence(kind, table, period_days))
    return {kind: _records(kind, table) for kind, table in found.items()}, tuple(sentences)


def _records(kind: str, table: pd.DataFrame) -> dict:
    columns = {"plans_moved": ["name", "history_spend", "today_spend", "forecast_spend", "factor"],
               "keywords_moved": ["name", "history_spend", "today_spend", "forecast_spend", "factor"],
               "bids_outside_history": ["name", "min", "max", "current_bid", "new_bid", "spend"],
               "spend_without_data": ["name", "spend"]}[kind]
    columns += [c for c in ("history_revenue", "today_revenue", "forecast_revenue") if c in table and "moved" in kind]
    rows = table[columns].head(LISTED).rename(columns={"min": "lowest_bid_seen", "max": "highest_bid_seen"})
    return {"count": int(len(table)), "listed": rows.round(4).to_dict(orient="records")}


def _sentence(kind: str, table: pd.DataFrame, period_days: int) -> str:
    count, names = len(table), list(table["name"].head(QUOTED).astype(str))
    more = say("check.more", count=count - QUOTED) if count > QUOTED else ""
    if kind.endswith("_moved"):
        what = say("check.plans" if kind == "plans_moved" else "check.keywords")
        return say("check.moved", count=count, what=what, factor=f"{MOVE_FACTOR:g}", days=period_days, names=names,
                   more=more, largest=f"{table.iloc[0]['factor']:.2f}")
    if kind == "bids_outside_history":
        return say("check.bids_outside", count=count, factor=f"{BID_FACTOR:g}", names=names, more=more)
    return say("check.without_data", count=count, spend=f"{table['spend'].sum():,.2f}", names=names, more=more)
