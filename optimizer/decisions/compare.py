"""What-if comparisons: several scenarios planned side by side, reports read and estimated once.

Scenarios that read the same reports the same way (see :func:`optimizer.decisions.plan.data_key`)
share one reading and one estimation; each then applies its own adjustments, goal
and limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from optimizer.decisions.plan import PlanResult, Prepared, data_key, make_plan, prepare
from optimizer.i18n import translator
from optimizer.outputs.files import csv_bytes
from optimizer.outputs.safe_text import markdown as md
from optimizer.progress import SILENT, Progress
from optimizer.reading.schema import Performance
from optimizer.scenario.scenario_file import Scenario

TABLE_COLUMNS = ["scenario", "objective", "budget", "min_roi", "spend", "clicks", "ctr", "cpc", "orders", "revenue",
                 "roi", "objective_value"]


@dataclass(frozen=True)
class Comparison:
    """Each scenario's plan, the side-by-side table, and each plan's budget per scenario."""

    results: list[PlanResult]
    table: pd.DataFrame
    plan_budgets: pd.DataFrame
    #: How many times reports were read and estimated (fewer than scenarios when they share reports).
    preparations: int


def unique_names(scenarios: Sequence[Scenario]) -> list[str]:
    """Scenario names for columns; a repeated file stem gets a number, and so does "plan" (plan_budgets' key column)."""
    names, seen = [], {"plan": 1}
    for scenario in scenarios:
        seen[scenario.name] = seen.get(scenario.name, 0) + 1
        names.append(scenario.name if seen[scenario.name] == 1 else f"{scenario.name}-{seen[scenario.name]}")
    return names


def compare(scenarios: Sequence[Scenario], *,
            bids_today: Callable[[Performance], Performance] | None = None, lang: str = "en",
            progress: Progress = SILENT, frontier_grid: tuple[float, float, int] | None = None) -> Comparison:
    """Plan every scenario; reading and estimation are shared between scenarios with the same data.

    ``bids_today``: puts today's bids, budgets and states into the reports (see :func:`optimizer.decisions.plan.prepare`);
    ``lang``: the language of each plan's reasons and pages; ``progress`` hears each reading's and plan's phases;
    ``frontier_grid``: the ``(low, high, count)`` :func:`optimizer.decisions.plan.plan_frontier` will be asked for,
    read off each solve's own path (:func:`optimizer.decisions.plan.make_plan`).
    """
    prepared: dict[tuple, Prepared] = {}
    results = []
    for scenario in scenarios:
        key = data_key(scenario)
        if key not in prepared:
            prepared[key] = prepare(scenario, progress, bids_today=bids_today)
        results.append(make_plan(scenario, prepared[key], progress=progress, lang=lang, frontier_grid=frontier_grid))
    names = unique_names(scenarios)
    rows = []
    for name, result in zip(names, results):
        summary, after = result.summary, result.summary.after
        rows.append({"scenario": name, "objective": summary.objective, "budget": summary.budget,
                     "min_roi": summary.min_roi or 0.0,
                     **{key: getattr(after, key) for key in ("spend", "clicks", "ctr", "cpc", "orders", "revenue", "roi")},
                     "objective_value": summary.objective_value})
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    budgets = [result.plans.set_index("plan")["new_budget"].rename(name) for name, result in zip(names, results)]
    plan_budgets = pd.concat(budgets, axis=1).fillna(0.0).rename_axis("plan").reset_index()
    return Comparison(results, table, plan_budgets, len(prepared))


def markdown(comparison: Comparison, lang: str = "en") -> str:
    """compare.md: the table and the plan budgets, for a person, in ``lang``."""
    table, t = comparison.table, translator(lang)
    lines = [t("compare.title"), "", t("compare.head"), "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in table.itertuples(index=False):
        lines.append(f"| {md(row.scenario)} | {md(t.pick('objective', row.objective))} | {row.budget:,.2f} | {row.min_roi:g} | {row.spend:,.2f} | "
                     f"{row.clicks:,.0f} | {row.ctr:.2%} | {row.cpc:.2f} | {row.orders:,.1f} | {row.revenue:,.2f} | "
                     f"{row.roi:.2f} |")
    budgets = comparison.plan_budgets
    names = [column for column in budgets.columns if column != "plan"]
    lines += ["", t("compare.plan_budgets"), "", f"| {t('column.plan')} | " + " | ".join(map(md, names)) + " |",
              "|---|" + "---:|" * len(names)]
    for row in budgets.itertuples(index=False):
        lines.append(f"| {md(row[0])} | " + " | ".join(f"{value:,.2f}" for value in row[1:]) + " |")
    return "\n".join(lines) + "\n"


def files(comparison: Comparison, lang: str = "en") -> dict[str, bytes]:
    """compare.csv, compare.md (in ``lang``) and plan_budgets.csv."""
    return {
        "compare.csv": csv_bytes(comparison.table.round(4)),
        "compare.md": markdown(comparison, lang).encode("utf-8"),
        "plan_budgets.csv": csv_bytes(comparison.plan_budgets.round(2)),
    }
