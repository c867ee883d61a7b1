"""The efficient frontier: the best objective at each budget, and what one more unit buys there.

Each point is the same program as the plan with only the budget changed, so a
point and a ``bidopt plan --budget B`` run agree. With an ROI floor, more budget
stops buying anything once the floor binds: the curve ends there and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.i18n import say
from optimizer.solver import solve
from optimizer.solver import structured as fastsolve
from optimizer.solver.program import Program, Solution

#: Relative slack under which the budget counts as spent (the budget binds).
SPENT_TOL = 1e-6


@dataclass(frozen=True)
class Frontier:
    """Points (budget, objective, spend, revenue, roi, marginal, binding), today's and the plan's point."""

    points: pd.DataFrame
    today: dict[str, float]
    chosen: dict[str, float]
    objective: str
    #: Budget from which the ROI floor, not the budget, limits the plan (None if it never does).
    floor_binds_from: float | None
    note: str


def _row(budget: float, objective: float, spend: float, revenue: float, duals: dict, binding) -> dict:
    return {"budget": budget, "objective": objective, "spend": spend, "revenue": revenue,
            "roi": revenue / spend if spend > 0 else 0.0, "marginal": duals.get("budget", 0.0),
            "binding": ", ".join(binding)}


def budget_grid(budget: float, low: float, high: float, count: int) -> np.ndarray:
    """``count`` budgets from ``low`` to ``high`` times the plan's budget."""
    return np.linspace(low, high, count) * budget


def _known(solved: Solution | None, budgets: np.ndarray) -> tuple | None:
    """The points the solve read off its own path, when they are at exactly these budgets."""
    points = () if solved is None else solved.frontier
    if len(points) == len(budgets) and all(point.budget == float(budget) for point, budget in zip(points, budgets)):
        return points
    return None


def frontier(program: Program, *, objective: str, today: dict[str, float], chosen: dict[str, float],
             budgets: np.ndarray, solved: Solution | None = None, floor_given: float | None = None) -> Frontier:
    """The program's optimum at each of ``budgets`` (:func:`budget_grid`); infeasible budgets are left out.

    When the limits fit the structured solver the whole curve comes from one sort of
    the hull increments (:func:`optimizer.solver.structured.frontier`); otherwise HiGHS solves
    each point. ``solved``: the program's solution; when its solve was asked for these budgets
    (``solve(..., budgets=budgets)``) its points are used and nothing is solved again. ``floor_given``: the
    ROI floor as the user gave it, when the program holds it planned above itself (the note says both).
    """
    cand, limits = program.candidates, program.limits
    rows = []
    try:
        known = _known(solved, budgets)
        for point in known if known is not None else fastsolve.frontier(program, budgets):
            if point.status != "optimal":
                continue
            revenue = point.revenue if np.isfinite(point.revenue) else (
                point.objective if objective == "revenue" else float("nan"))
            rows.append(_row(point.budget, point.objective, point.spend, revenue, point.duals, point.binding))
    except fastsolve.UnfitProgram:
        for budget in budgets:
            solution = solve(replace(program, limits=replace(limits, budget=float(budget))), "highs")
            if solution.status != "optimal":
                continue
            rows.append(_row(float(budget), solution.objective, float((solution.share * cand.spend).sum()),
                             float((solution.share * cand.revenue).sum()), solution.duals, solution.binding))
    points = pd.DataFrame(rows, columns=["budget", "objective", "spend", "revenue", "roi", "marginal", "binding"])
    floor_from, note = None, ""
    if len(points):
        unspent = points["spend"] < points["budget"] * (1 - SPENT_TOL) - SPENT_TOL
        floor = unspent & points["binding"].str.contains(r"(?:^|, )min_roi(?:,|$)")
        if floor.any():
            first = int(np.argmax(floor.to_numpy()))
            floor_from = float(points["spend"].iloc[first])
            named = f"{limits.min_roi:g}" if floor_given in (None, limits.min_roi) else \
                say("frontier.planned_at", floor=f"{floor_given:g}", held=f"{limits.min_roi:.3f}")
            note = say("frontier.floor_binds", floor=named, budget=f"{floor_from:,.2f}")
            points = points.iloc[: first + 1].reset_index(drop=True)
        elif unspent.any():
            first = int(np.argmax(unspent.to_numpy()))
            floor_from = None
            note = say("frontier.bid_limits_stop", budget=f"{points['spend'].iloc[first]:,.2f}")
            points = points.iloc[: first + 1].reset_index(drop=True)
    return Frontier(points, today, chosen, objective, floor_from, note)

