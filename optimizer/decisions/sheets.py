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
from optimizer.i18n import Translator, translator
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


def markdown(summary: Summary, bids: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> str:
    """summary.md: the same figures, for a person, with what to check before uploading, in ``lang``."""
    t = translator(lang)
    lines = _before_after(summary, t) + _limits(summary, t) + _plans(plans, t)
    lines[2:2] = _reading(summary, t)
    if summary.level == "keyword":
        lines += _bids(summary, bids, t)
    lines += ["", t("summary.check"), ""]
    lines += [f"- {md(t.say(warning))}" for warning in summary.warnings] or [t("summary.nothing_unusual")]
    text = "\n".join(lines) + "\n"
    if summary.forecast_check:
        text += "\n" + forecast_markdown(summary.forecast_check, lang)
    return text


def _reading(summary: Summary, t: Translator) -> list[str]:
    """How each report was read, first: what the file is, its period, what was kept and skipped, its columns."""
    lines = []
    for read in summary.reading:
        lines += [t("summary.file", name=read.name, platform=t.say(read.platform), kind=t.say(read.kind),
                    period=t.say(read.period), kept=f"{read.rows_kept:,}", read=f"{read.rows_read:,}",
                    units=f"{read.units:,}"), ""]
        lines += [f"- {t.say(note)}" for note in read.notes]
        lines += [t("summary.currency", currency=read.currency)] if read.currency else []
        lines += [t("summary.columns_used", columns=", ".join(read.columns_used))]
        if read.columns_ignored:
            lines += [t("summary.columns_ignored", columns=", ".join(read.columns_ignored))]
        lines.append("")
    return ([t("summary.reading"), "", *lines]) if lines else []


def _before_after(summary: Summary, t: Translator) -> list[str]:
    floor = t("summary.floor", floor=f"{summary.min_roi:g}") if summary.min_roi else t("summary.no_floor")
    lines = [
        t("summary.title"),
        "",
        t("summary.objective", objective=md(t.pick("objective", summary.objective)), days=summary.period_days,
          budget=_money(summary.budget), floor=floor, status=md(t.pick("status", summary.status))),
        "",
        t("summary.kpi_head"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in kpi_rows(summary, t):
        lines.append(f"| {label} | {row.impressions:,.0f} | {row.clicks:,.0f} | {_money(row.spend)} | "
                     f"{row.orders:,.1f} | {_money(row.revenue)} | {row.roi:.2f} | {row.ctr:.2%} | {row.cpc:.2f} |")
    return lines


def kpi_rows(summary: Summary, t: Translator) -> tuple[tuple[str, object], ...]:
    """The rows of the before / after table: the reports' average period, today's pace, the plan."""
    return ((t("kpi.before", days=summary.period_days), summary.before), (t("kpi.today"), summary.today),
            (t("kpi.after"), summary.after))


def _limits(summary: Summary, t: Translator) -> list[str]:
    shadow, held = summary.shadow_prices, summary.min_roi_confidence
    objective = t.pick("objective", summary.objective)
    binding = md(t("summary.separator").join(map(t.limit, summary.binding)))
    lines = [
        "",
        t("summary.limits"),
        "",
        t("summary.budget_price", price=f"{shadow.budget:.2f}", objective=objective),
        t("summary.roi_price", price=f"{shadow.min_roi:,.2f}", objective=objective),
        t("summary.binding", binding=binding or t("summary.none")),
    ]
    if summary.marginal_cutoff is not None:
        lines.append(t("summary.cutoff", cutoff=f"{summary.marginal_cutoff:.2f}"))
    lines += [f"- {t.say(note)}{t('summary.full_stop')}" for note in (summary.defaults.notes if summary.defaults else ())]
    if held:
        lines.append(t("summary.held_floors", confidence=f"{held.confidence:.0%}", roi=f"{held.roi_at_lower_bound:.2f}",
                       cost=f"{held.cost:,.2f}", objective=objective, share=f"{held.cost_share:.1%}"))
    return lines


def _plans(plans: pd.DataFrame, t: Translator) -> list[str]:
    lines = ["", t("summary.plans"), "", t("summary.plans_head"), "|---|---:|---:|---:|---:|---:|"]
    for row in plans.itertuples(index=False):
        lines.append(f"| {md(row.plan)} | {_money(row.current_spend)} | {_money(row.new_budget)} | {_money(row.daily_limit)} | "
                     f"{_money(row.revenue)} | {row.roi:.2f} |")
    return lines


def _bids(summary: Summary, bids: pd.DataFrame, t: Translator) -> list[str]:
    counts = [t("summary.action_count", count=count, action=t.pick("action", action))
              for action, count in summary.actions.items()]
    lines = ["", t("summary.bids"), "", t("summary.separator").join(counts) + t("summary.full_stop")]
    quoted = ["keyword", "plan", "current_bid", "new_bid", "reason", "change_pct"]   # not a copy of every column
    cuts = bids.loc[bids["action"].isin(["cut", "pause"]).to_numpy(), quoted]
    raises = bids.loc[(bids["action"] == "raise").to_numpy(), quoted]
    for title, chosen in (("summary.largest_raises", raises.nlargest(5, "change_pct")),
                          ("summary.largest_cuts", cuts.nsmallest(5, "change_pct"))):
        if len(chosen):
            lines += ["", t(title), ""]
            lines += [t("summary.bid_line", keyword=md(row.keyword), plan=md(row.plan),
                        current=f"{row.current_bid:.2f}", new=f"{row.new_bid:.2f}", reason=md(row.reason))
                      for row in chosen.itertuples(index=False)]
    return lines


def _bid(value: float | None) -> str:
    return "-" if value is None or np.isnan(value) else f"{value:.2f}"


def _error(value: float | None) -> str:
    return "" if value is None else f" ({value:+.0%})"


def forecast_markdown(check: Mapping, lang: str = "en") -> str:
    """summary.md's section on the last run: the run checked, the window, per plan and total forecast vs actual.

    ``check`` is :func:`optimizer.history.forecast_check.check`'s data, as the summary carries it.
    """
    t = translator(lang)
    window, bids = check["window"], check["total"]["bids"]
    partial = "" if window["days"] == window["period_days"] else t("forecast.partial", days=window["days"])
    lines = [
        t("forecast.title"),
        "",
        t("forecast.run", run=check["run"], date=check["run_created_at"][:10], scenario=md(check["scenario"]),
          period_days=window["period_days"], first=window["first"], last=window["last"], partial=partial),
        t("forecast.bids", source=check["bid_source"], applied=bids["applied"], not_applied=bids["not_applied"],
          not_reported=bids["not_reported"]),
        "",
        t("forecast.head"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, figures in [(md(entry["plan"]), entry) for entry in check["plans"]] + [(t("forecast.total"),
                                                                                      check["total"])]:
        lines.append(_forecast_row(label, figures))
    return "\n".join(lines + _forecast_notes(check, t)) + "\n"


def _forecast_row(label: str, figures: Mapping) -> str:
    forecast, actual, error, counts = figures["forecast"], figures["actual"], figures["error"], figures["bids"]
    checked = counts["applied"] + counts["not_applied"]
    return (f"| {label} | {_money(forecast['spend'])} | {_money(actual['spend'])}{_error(error['spend'])} | "
            f"{forecast['clicks']:,.0f} | {actual['clicks']:,.0f} | {forecast['orders']:,.1f} | {actual['orders']:,.1f} | "
            f"{_money(forecast['revenue'])} | {_money(actual['revenue'])}{_error(error['revenue'])} | "
            f"{forecast['roi']:.2f} | {actual['roi']:.2f} | {counts['applied']}/{checked} |")


def _forecast_notes(check: Mapping, t: Translator) -> list[str]:
    """The forecast as applied, keywords the run never saw, and the largest recommendations not applied."""
    lines = []
    if check["total"]["bids"]["not_applied"]:
        as_applied, actual = check["total"]["forecast_as_applied"], check["total"]["actual"]
        revenue_error = _error(actual["revenue"] / as_applied["revenue"] - 1.0 if as_applied["revenue"] > 0 else None)
        lines += ["", t("forecast.as_applied", spend=_money(as_applied["spend"]), revenue=_money(as_applied["revenue"]),
                        error=revenue_error, roi=f"{as_applied['roi']:.2f}")]
    unmatched = check["unmatched"]
    if unmatched["units"]:
        lines += ["", t("forecast.unmatched", units=unmatched["units"], run=check["run"],
                        spend=_money(unmatched["spend"]), revenue=_money(unmatched["revenue"]))]
    if check["not_applied"]:
        lines += ["", t("forecast.not_applied"), ""]
        lines += [t("forecast.not_applied_line", keyword=md(row.get("keyword") or row["plan"]), plan=md(row["plan"]),
                    recommended=_bid(row["recommended_bid"]), reported=_bid(row.get("reported_bid")))
                  for row in check["not_applied"]]
    return lines
