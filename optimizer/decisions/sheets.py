"""The run's tables and page for a person: bids.csv, plans.csv and summary.md.

summary.md is rendered from the :class:`~optimizer.decisions.summary.Summary` alone
(plus the two tables), including the forecast check it may carry, so every figure
on the page is one of summary.json's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from optimizer.decisions.summary import Summary
from optimizer.outputs.files import BID_COLUMNS, PLAN_COLUMNS
from optimizer.outputs.safe_text import markdown as md


def bid_sheet(bids: pd.DataFrame, bid_inferred: bool) -> pd.DataFrame:
    """bids.csv: one row per keyword, bids to the cent, forecasts rounded for reading."""
    sheet = bids[BID_COLUMNS].copy()
    for column in ("current_bid", "new_bid"):
        sheet[column] = sheet[column].round(2)
    for column in ("impressions", "clicks", "orders"):
        sheet[column] = sheet[column].round(1)
    for column in ("spend", "revenue", "roi"):
        sheet[column] = sheet[column].round(2)
    if bid_inferred:
        sheet.insert(sheet.columns.get_loc("current_bid") + 1, "bid_source", "inferred from CPC")
    return sheet


def plan_table(bids: pd.DataFrame, period_days: int) -> pd.DataFrame:
    """plans.csv: per plan, today's forecast spend, the new budget for the period and its daily limit."""
    grouped = bids.groupby("plan", sort=True, observed=True)
    table = grouped[["spend", "clicks", "orders", "revenue"]].sum()
    table.insert(0, "current_spend", grouped["before_spend"].sum())
    table = table.rename(columns={"spend": "new_budget"}).reset_index()
    # the daily limit is the budget spread over the period, rounded up to the cent so it never cuts the plan short
    table.insert(3, "daily_limit", np.ceil(table["new_budget"] / period_days * 100) / 100)
    table["roi"] = np.divide(table["revenue"], table["new_budget"], out=np.zeros(len(table)),
                             where=table["new_budget"] > 0)
    if "current_daily_budget" in bids:
        table["current_daily_budget"] = grouped["current_daily_budget"].max().to_numpy()
    table = table[PLAN_COLUMNS + (["current_daily_budget"] if "current_daily_budget" in bids else [])]
    return table.round({"current_spend": 2, "new_budget": 2, "clicks": 1, "orders": 1, "revenue": 2, "roi": 2})


def _money(value: float) -> str:
    return f"{value:,.2f}"


def markdown(summary: Summary, bids: pd.DataFrame, plans: pd.DataFrame) -> str:
    """summary.md: the same figures, for a person, with what to check before uploading."""
    lines = _before_after(summary) + _limits(summary) + _plans(plans)
    lines[2:2] = _reading(summary)
    if summary.level == "keyword":
        lines += _bids(summary, bids)
    lines += ["", "## Check before uploading", ""]
    lines += [f"- {md(warning)}" for warning in summary.warnings] or ["- nothing unusual was found"]
    text = "\n".join(lines) + "\n"
    if summary.forecast_check:
        text += "\n" + forecast_markdown(summary.forecast_check)
    return text


def _reading(summary: Summary) -> list[str]:
    """How each report was read, first: what the file is, its period, what was kept and skipped, its columns."""
    lines = []
    for read in summary.reading:
        lines += [f"**{read.name}**: {read.platform}, {read.kind}; period {read.period}; {read.rows_kept:,} of "
                  f"{read.rows_read:,} rows kept, {read.units:,} units.", ""]
        lines += [f"- {note}" for note in read.notes]
        lines += [f"- columns used: {', '.join(read.columns_used)}"]
        if read.columns_ignored:
            lines += [f"- columns ignored: {', '.join(read.columns_ignored)}"]
        lines.append("")
    return (["## How the files were read", "", *lines]) if lines else []


def _before_after(summary: Summary) -> list[str]:
    floor = f", ROI floor {summary.min_roi:g}" if summary.min_roi else ", no ROI floor"
    lines = [
        "# Weekly plan",
        "",
        f"Objective: **{md(summary.objective)}** over {summary.period_days} days; budget {_money(summary.budget)}"
        + floor + f". Status: {md(summary.status)}.",
        "",
        "| | impressions | clicks | spend | orders | revenue | ROI | CTR | CPC |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in kpi_rows(summary):
        lines.append(f"| {label} | {row.impressions:,.0f} | {row.clicks:,.0f} | {_money(row.spend)} | "
                     f"{row.orders:,.1f} | {_money(row.revenue)} | {row.roi:.2f} | {row.ctr:.2%} | {row.cpc:.2f} |")
    return lines


def kpi_rows(summary: Summary) -> tuple[tuple[str, object], ...]:
    """The rows of the before / after table: the reports' average period, today's pace, the plan."""
    days = summary.period_days
    return ((f"before (the reports' average {days} days)", summary.before),
            ("today's bids at the recent pace (forecast)", summary.today), ("after (new bids)", summary.after))


def _limits(summary: Summary) -> list[str]:
    shadow, held = summary.shadow_prices, summary.min_roi_confidence
    lines = [
        "",
        "## What the limits cost",
        "",
        f"- One more unit of budget buys **{shadow.budget:.2f}** more {summary.objective}.",
        f"- Raising the ROI floor by 0.1 costs **{shadow.min_roi:,.2f}** {summary.objective}.",
        f"- Binding limits: {md(', '.join(summary.binding)) or 'none'}.",
    ]
    if summary.marginal_cutoff is not None:
        lines.append(f"- Marginal cut-off: no bid increment returning under **{summary.marginal_cutoff:.2f}** "
                     "(extra revenue per extra unit of spend) was bought.")
    lines += [f"- {note}." for note in (summary.defaults.notes if summary.defaults else ())]
    if held:
        lines.append(f"- The ROI floors hold with {held.confidence:.0%} confidence: the plan's ROI at the lower bound of "
                     f"value per click is {held.roi_at_lower_bound:.2f}; the safety margin costs "
                     f"**{held.cost:,.2f}** {summary.objective} ({held.cost_share:.1%}) against floors held in expectation.")
    return lines


def _plans(plans: pd.DataFrame) -> list[str]:
    lines = ["", "## Plans", "", "| plan | current spend | new budget | daily limit | revenue | ROI |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in plans.itertuples(index=False):
        lines.append(f"| {md(row.plan)} | {_money(row.current_spend)} | {_money(row.new_budget)} | {_money(row.daily_limit)} | "
                     f"{_money(row.revenue)} | {row.roi:.2f} |")
    return lines


def _bids(summary: Summary, bids: pd.DataFrame) -> list[str]:
    lines = ["", "## Bids", "", ", ".join(f"{count} {action}" for action, count in summary.actions.items()) + "."]
    for title, chosen in (("Largest raises", bids[bids["action"] == "raise"].nlargest(5, "change_pct")),
                          ("Largest cuts", bids[bids["action"].isin(["cut", "pause"])].nsmallest(5, "change_pct"))):
        if len(chosen):
            lines += ["", f"### {title}", ""]
            lines += [f"- {md(row.keyword)} ({md(row.plan)}): {row.current_bid:.2f} → {row.new_bid:.2f} — {md(row.reason)}"
                      for row in chosen.itertuples(index=False)]
    return lines


def _bid(value: float | None) -> str:
    return "-" if value is None or np.isnan(value) else f"{value:.2f}"


def _error(value: float | None) -> str:
    return "" if value is None else f" ({value:+.0%})"


def forecast_markdown(check: Mapping) -> str:
    """summary.md's section on the last run: the run checked, the window, per plan and total forecast vs actual.

    ``check`` is :func:`optimizer.history.forecast_check.check`'s data, as the summary carries it.
    """
    window, bids = check["window"], check["total"]["bids"]
    partial = "" if window["days"] == window["period_days"] else f", pro-rated to the {window['days']} days reported"
    lines = [
        "## Last run's forecast vs actual",
        "",
        f"Run {check['run']} ({check['run_created_at'][:10]}, {md(check['scenario'])}) forecast {window['period_days']} days "
        f"from {window['first']}; the reports cover {window['first']} to {window['last']}{partial}.",
        f"Bids applied (judged by {check['bid_source']}): {bids['applied']} applied, {bids['not_applied']} not applied, "
        f"{bids['not_reported']} not in the reports.",
        "",
        "| plan | spend forecast | spend actual | clicks forecast | clicks actual | orders forecast | orders actual "
        "| revenue forecast | revenue actual | ROI forecast | ROI actual | bids applied |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, figures in [(md(entry["plan"]), entry) for entry in check["plans"]] + [("**total**", check["total"])]:
        lines.append(_forecast_row(label, figures))
    return "\n".join(lines + _forecast_notes(check)) + "\n"


def _forecast_row(label: str, figures: Mapping) -> str:
    forecast, actual, error, counts = figures["forecast"], figures["actual"], figures["error"], figures["bids"]
    checked = counts["applied"] + counts["not_applied"]
    return (f"| {label} | {_money(forecast['spend'])} | {_money(actual['spend'])}{_error(error['spend'])} | "
            f"{forecast['clicks']:,.0f} | {actual['clicks']:,.0f} | {forecast['orders']:,.1f} | {actual['orders']:,.1f} | "
            f"{_money(forecast['revenue'])} | {_money(actual['revenue'])}{_error(error['revenue'])} | "
            f"{forecast['roi']:.2f} | {actual['roi']:.2f} | {counts['applied']}/{checked} |")


def _forecast_notes(check: Mapping) -> list[str]:
    """The forecast as applied, keywords the run never saw, and the largest recommendations not applied."""
    lines = []
    if check["total"]["bids"]["not_applied"]:
        as_applied, actual = check["total"]["forecast_as_applied"], check["total"]["actual"]
        revenue_error = _error(actual["revenue"] / as_applied["revenue"] - 1.0 if as_applied["revenue"] > 0 else None)
        lines += ["", f"With the old bid where the new one was not applied, the forecast is spend "
                      f"{_money(as_applied['spend'])}, revenue {_money(as_applied['revenue'])}{revenue_error}, "
                      f"ROI {as_applied['roi']:.2f}."]
    unmatched = check["unmatched"]
    if unmatched["units"]:
        lines += ["", f"{unmatched['units']} keywords in the reports were not in run {check['run']}: spend "
                      f"{_money(unmatched['spend'])}, revenue {_money(unmatched['revenue'])} (not in the figures above)."]
    if check["not_applied"]:
        lines += ["", "Largest recommendations not applied:", ""]
        lines += [f"- {md(row.get('keyword') or row['plan'])} ({md(row['plan'])}): recommended {_bid(row['recommended_bid'])}, "
                  f"reported {_bid(row.get('reported_bid'))}" for row in check["not_applied"]]
    return lines
