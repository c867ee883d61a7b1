"""When no bids meet the limits: which limits conflict, and the best value each can reach.

Spend limits are checked in closed form (the most and least each plan can spend
within the bid bounds); ROI floors by Dinkelbach's method, which finds the
highest ROI the other limits allow with a few solves of the same program.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from optimizer.errors import Conflict
from optimizer.solver import solve
from optimizer.solver.program import Program, row_name

DINKELBACH_ITERATIONS = 30


def reachable_range(program: Program, metric: str = "spend") -> tuple[np.ndarray, np.ndarray]:
    """The least and the most of ``metric`` each unit can reach within its allowed bids (pausing counts)."""
    cand = program.candidates
    values = cand.metric(metric)
    has_level = cand.valid.any(axis=1)
    most = np.where(has_level, np.where(cand.valid, values, -np.inf).max(axis=1), 0.0)
    least = np.where(has_level & ~cand.can_pause, np.where(cand.valid, values, np.inf).min(axis=1), 0.0)
    return least, most


def best_roi(program: Program, members: np.ndarray | None = None) -> float:
    """Highest ROI (of ``members``, or the account) that bids can reach under the spend limits.

    Dinkelbach: maximise revenue - r * spend, set r to the ratio found, repeat until
    no spend beats r. ROI floors are dropped from the program while searching.
    """
    lim = program.limits
    relaxed = replace(lim, min_roi=None, plan_min_roi=np.full(len(lim.plan_names), np.nan))
    cand = program.candidates
    mask = np.ones(cand.valid.shape[0], bool) if members is None else members
    revenue, spend = program.revenue_in_roi_rows * mask[:, None], cand.spend * mask[:, None]
    ratio = 0.0
    for _ in range(DINKELBACH_ITERATIONS):
        solution = solve(replace(program, objective=revenue - ratio * spend, limits=relaxed, roi_revenue=None), "highs")
        if solution.status != "optimal":
            return float("nan")
        total_spend = float((solution.share * spend).sum())
        total_revenue = float((solution.share * revenue).sum())
        if total_spend <= 1e-9 or total_revenue - ratio * total_spend <= 1e-9 * max(1.0, total_revenue):
            break
        ratio = total_revenue / total_spend
    return ratio


def item_conflicts(program: Program) -> list[Conflict]:
    """Item order limits that the bid bounds cannot meet: too few orders to buy, or too many forced."""
    lim = program.limits
    if not lim.item_names:
        return []
    least, most = reachable_range(program, "orders")
    inside = lim.item_of_unit >= 0
    count = len(lim.item_names)
    item_most = np.bincount(lim.item_of_unit[inside], weights=most[inside], minlength=count)
    item_least = np.bincount(lim.item_of_unit[inside], weights=least[inside], minlength=count)
    conflicts = []
    for k, name in enumerate(lim.item_names):
        wanted, stock = lim.item_min_orders[k], lim.item_stock[k]
        if np.isfinite(wanted) and wanted > item_most[k] + 1e-9:
            conflicts.append(Conflict(
                row_name("item_min_orders", name), float(wanted), float(item_most[k]),
                f"item {name}: min_orders {wanted:g} cannot be reached: its keywords bring at most "
                f"{item_most[k]:,.1f} orders at the highest bids allowed; lower min_orders or raise [bids] max_raise",
            ))
        if np.isfinite(stock) and stock < item_least[k] - 1e-9:
            conflicts.append(Conflict(
                row_name("item_stock", name), float(stock), float(item_least[k]),
                f"item {name}: stock {stock:g} is below the {item_least[k]:,.1f} orders its keywords bring "
                "at the lowest bids allowed; allow pausing or unlock its plan",
            ))
    return conflicts


def diagnose(program: Program, *, confidence: float | None = None) -> list[Conflict]:
    """Every limit that cannot hold, with what is reachable; never empty for an infeasible program.

    ``confidence``: the ROI floors' min_roi_confidence, named in their messages.
    """
    lim = program.limits
    least, most = reachable_range(program, "spend")
    plan = lim.plan_of_unit
    n_plans = len(lim.plan_names)
    plan_least = np.bincount(plan, weights=least, minlength=n_plans)
    plan_most = np.bincount(plan, weights=most, minlength=n_plans)
    conflicts: list[Conflict] = []
    for p, name in enumerate(lim.plan_names):
        floor, cap = lim.plan_min_budget[p], lim.plan_max_budget[p]
        if np.isfinite(floor) and floor > plan_most[p] + 1e-6:
            conflicts.append(Conflict(
                row_name("plan_budget_floor", name), float(floor), float(plan_most[p]),
                f"plan {name}: min_budget {floor:,.2f} cannot be reached: its keywords spend at most "
                f"{plan_most[p]:,.2f} at the highest bids allowed; lower min_budget or raise [bids] max_raise",
            ))
        if np.isfinite(cap) and cap < plan_least[p] - 1e-6:
            conflicts.append(Conflict(
                row_name("plan_budget_cap", name), float(cap), float(plan_least[p]),
                f"plan {name}: max_budget {cap:,.2f} cannot be kept: its keywords spend at least "
                f"{plan_least[p]:,.2f} at the lowest bids allowed; raise max_budget or allow pausing",
            ))
    conflicts += item_conflicts(program)
    forced = np.maximum(plan_least, np.nan_to_num(lim.plan_min_budget, nan=0.0)).sum()
    if lim.budget is not None and lim.budget < forced - 1e-6:
        conflicts.append(Conflict(
            row_name("budget"), float(lim.budget), float(forced),
            f"budget {lim.budget:,.2f} is below the {forced:,.2f} that plan minimum budgets and keywords "
            "that may not pause must spend; raise the budget or lower those minimums",
        ))
    if conflicts:
        return conflicts
    if lim.min_roi:
        reachable = best_roi(program)
        if not reachable >= lim.min_roi - 1e-9:
            conflicts.append(roi_conflict(lim.min_roi, reachable, confidence=confidence))
    for p, name in enumerate(lim.plan_names):
        floor = lim.plan_min_roi[p]
        if np.isfinite(floor) and floor > 0:
            reachable = best_roi(program, plan == p)
            if not reachable >= floor - 1e-9:
                conflicts.append(roi_conflict(floor, reachable, name, confidence=confidence))
    if not conflicts:
        conflicts.append(Conflict(
            "limits", float("nan"), float("nan"),
            "the limits cannot all hold together (each alone can): relax the budget, min_roi or a plan limit",
        ))
    return conflicts


def roi_conflict(asked: float, reachable: float, plan: str | None = None, *,
                 confidence: float | None = None) -> Conflict:
    """The message for an ROI floor above what any bids reach (at the confidence asked, if any)."""
    held = "" if confidence is None else (
        f" with {confidence:.0%} confidence (at its lower bound); lower min_roi_confidence or min_roi")
    if plan is None:
        return Conflict(row_name("min_roi"), asked, reachable,
                        f"min_roi {asked:g} cannot be met: the highest ROI any bids reach is {reachable:.2f}{held}")
    return Conflict(row_name("plan_min_roi", plan), asked, reachable,
                    f"plan {plan}: min_roi {asked:g} cannot be met: the highest ROI its bids reach is {reachable:.2f}{held}")
