"""The run's figures as data (summary.json) and for a person (summary.md), and the two tables.

Before is the model's forecast at today's bids for the planning period, after the
forecast at the new ones, so the two are comparable; shadow prices come from the
LP's duals (see :mod:`optimizer.solver.program` for their sign).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.outputs.files import BID_COLUMNS, PLAN_COLUMNS

KPI_METRICS = ("impressions", "clicks", "spend", "orders", "revenue")
#: A binding ROI floor that leaves less than this share of today's spend is worth a warning.
SMALL_SPEND_SHARE = 0.05


def kpis(totals: dict[str, float]) -> dict[str, float]:
    """Sums plus the ratios operators read: ROI, CTR, CPC."""
    out = {name: float(totals[name]) for name in KPI_METRICS}
    out["roi"] = out["revenue"] / out["spend"] if out["spend"] > 0 else 0.0
    out["ctr"] = out["clicks"] / out["impressions"] if out["impressions"] > 0 else 0.0
    out["cpc"] = out["spend"] / out["clicks"] if out["clicks"] > 0 else 0.0
    return out


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


def build(scenario, performance, estimates, program, solution, bids: pd.DataFrame, limits, *,
          safety: dict | None = None) -> dict:
    """summary.json's content; ``safety`` is what the ROI floors' confidence costs (:func:`optimizer.solver.risk.solve_held`)."""
    before = kpis({name: program.candidates.current[name].sum() for name in KPI_METRICS})
    after = kpis({name: bids[name].sum() for name in KPI_METRICS})
    duals = solution.duals
    shadow = {
        "budget": duals.get("budget", 0.0),
        "min_roi": 0.1 * duals.get("min_roi", 0.0) * after["spend"],
    }
    plans = {}
    for name in limits.plan_names:
        entry = {key: duals[f"{row}[{name}]"] for key, row in
                 (("max_budget", "plan_budget_cap"), ("min_budget", "plan_budget_floor"), ("min_roi", "plan_min_roi"))
                 if f"{row}[{name}]" in duals}
        if "min_roi" in entry:
            entry["min_roi"] = 0.1 * entry["min_roi"] * float(bids.loc[bids["plan"] == name, "spend"].sum())
        if entry:
            plans[name] = entry
    if plans:
        shadow["plans"] = plans
    binding = list(solution.binding)
    if "at_bid_limit" in bids and bids["at_bid_limit"].any():
        what = "keywords" if estimates.level == "keyword" else "plans"
        binding.append(f"max_raise ({int(bids['at_bid_limit'].sum())} {what} raised as far as allowed)")
    warnings = list(performance.warnings) + list(estimates.warnings)
    no_data = int((bids["observed_impressions"].fillna(0) <= 0).sum())
    if no_data:
        warnings.append(f"{no_data} keywords had no impressions in the last {performance.history_days} days "
                        "(无展现词): kept at today's bid; review them")
    if limits.min_roi and "min_roi" in solution.binding and after["spend"] < SMALL_SPEND_SHARE * before["spend"]:
        warnings.append(f"the ROI floor {limits.min_roi:g} leaves {after['spend']:,.2f} to spend, "
                        f"{after['spend'] / before['spend']:.1%} of today's {before['spend']:,.2f}: check the floor")
    goal = scenario.goal
    return {
        "status": solution.status,
        "solver": solution.solver,
        "level": estimates.level,
        "objective": goal.objective,
        "objective_value": solution.objective,
        "budget": limits.budget,
        "budget_source": "scenario" if goal.budget is not None else "today's forecast spend (no budget given)",
        "min_roi": limits.min_roi,
        "period_days": goal.period_days,
        "history_days": performance.history_days,
        "reports": list(performance.sources),
        "units": len(bids),
        "before": before,
        "after": after,
        "shadow_prices": shadow,
        "binding": binding,
        "actions": {action: int((bids["action"] == action).sum()) for action in ("raise", "cut", "hold", "pause")},
        "elasticities": {
            "clicks": {"value": estimates.clicks_elasticity.value, "source": estimates.clicks_elasticity.source},
            "cpc": {"value": estimates.cpc_elasticity.value, "source": estimates.cpc_elasticity.source},
        },
        "warnings": warnings,
        **({"min_roi_confidence": {"confidence": goal.min_roi_confidence, **safety}} if safety else {}),
    }


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _confidence_lines(summary: dict) -> list[str]:
    held = summary.get("min_roi_confidence")
    if not held:
        return []
    return [(f"- The ROI floors hold with {held['confidence']:.0%} confidence: the plan's ROI at the lower bound of "
             f"value per click is {held['roi_at_lower_bound']:.2f}; the safety margin costs "
             f"**{held['cost']:,.2f}** {summary['objective']} ({held['cost_share']:.1%}) against floors held in expectation.")]


def markdown(summary: dict, bids: pd.DataFrame, plans: pd.DataFrame) -> str:
    """summary.md: the same figures, for a person, with what to check before uploading."""
    before, after = summary["before"], summary["after"]
    lines = [
        "# Weekly plan",
        "",
        f"Objective: **{summary['objective']}** over {summary['period_days']} days; budget {_money(summary['budget'])}"
        + (f", ROI floor {summary['min_roi']:g}" if summary["min_roi"] else ", no ROI floor") + f". Status: {summary['status']}.",
        "",
        "| | impressions | clicks | spend | orders | revenue | ROI | CTR | CPC |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in (("before (today's bids)", before), ("after (new bids)", after)):
        lines.append(f"| {label} | {row['impressions']:,.0f} | {row['clicks']:,.0f} | {_money(row['spend'])} | "
                     f"{row['orders']:,.1f} | {_money(row['revenue'])} | {row['roi']:.2f} | {row['ctr']:.2%} | {row['cpc']:.2f} |")
    shadow = summary["shadow_prices"]
    lines += [
        "",
        "## What the limits cost",
        "",
        f"- One more unit of budget buys **{shadow['budget']:.2f}** more {summary['objective']}.",
        f"- Raising the ROI floor by 0.1 costs **{shadow['min_roi']:,.2f}** {summary['objective']}.",
        f"- Binding limits: {', '.join(summary['binding']) or 'none'}.",
        *_confidence_lines(summary),
        "",
        "## Plans",
        "",
        "| plan | current spend | new budget | daily limit | revenue | ROI |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in plans.itertuples(index=False):
        lines.append(f"| {row.plan} | {_money(row.current_spend)} | {_money(row.new_budget)} | {_money(row.daily_limit)} | "
                     f"{_money(row.revenue)} | {row.roi:.2f} |")
    if summary["level"] == "keyword":
        actions = summary["actions"]
        lines += ["", "## Bids", "", ", ".join(f"{count} {action}" for action, count in actions.items()) + "."]
        for title, chosen in (("Largest raises", bids[bids["action"] == "raise"].nlargest(5, "change_pct")),
                              ("Largest cuts", bids[bids["action"].isin(["cut", "pause"])].nsmallest(5, "change_pct"))):
            if len(chosen):
                lines += ["", f"### {title}", ""]
                lines += [f"- {row.keyword} ({row.plan}): {row.current_bid:.2f} → {row.new_bid:.2f} — {row.reason}"
                          for row in chosen.itertuples(index=False)]
    lines += ["", "## Check before uploading", ""]
    lines += [f"- {warning}" for warning in summary["warnings"]] or ["- nothing unusual was found"]
    return "\n".join(lines) + "\n"
