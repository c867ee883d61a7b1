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
from optimizer.solver.program import Limits, Program, row_name

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
    conflicts = [conflict for name, _, _ in _roi_rows(lim)
                 if (conflict := _floor_alone(program, name, confidence)) is not None]
    return conflicts or [smallest_conflict(program, confidence=confidence)]


def _roi_rows(lim: Limits) -> list[tuple[str, str, int]]:
    return [spec for spec in lim.row_specs() if spec[1] in ("min_roi", "plan_min_roi")]


def only_rows(lim: Limits, names) -> Limits:
    """The limits with only the named rows on (a row's limit set to none elsewhere)."""
    names = set(names)

    def kept(kind: str, owners: tuple[str, ...], values: np.ndarray | None) -> np.ndarray | None:
        if values is None:
            return None
        return np.where([row_name(kind, owner) in names for owner in owners], values, np.nan)

    plans, items = lim.plan_names, lim.item_names
    return replace(
        lim, budget=lim.budget if "budget" in names else None, min_roi=lim.min_roi if "min_roi" in names else None,
        plan_max_budget=kept("plan_budget_cap", plans, lim.plan_max_budget),
        plan_min_budget=kept("plan_budget_floor", plans, lim.plan_min_budget),
        plan_min_roi=kept("plan_min_roi", plans, lim.plan_min_roi),
        item_stock=kept("item_stock", items, lim.item_stock),
        item_min_orders=kept("item_min_orders", items, lim.item_min_orders),
        item_min_share=kept("item_min_share", items, lim.item_min_share))


def _feasible(program: Program, names) -> bool:
    return solve(replace(program, limits=only_rows(program.limits, names)), "highs").status != "infeasible"


def _floor_alone(program: Program, name: str, confidence: float | None) -> Conflict | None:
    """An ROI floor no bids reach even with every other limit dropped, or None."""
    lim = program.limits
    asked, plan, members = _floor_of(lim, name)
    reachable = best_roi(replace(program, limits=only_rows(lim, ())), members)
    if reachable >= asked - 1e-9:
        return None
    return roi_conflict(asked, reachable, plan, confidence=confidence)


def _floor_of(lim: Limits, name: str) -> tuple[float, str | None, np.ndarray | None]:
    """An ROI row's floor, its plan (None for the account's) and the plan's units."""
    if name == "min_roi":
        return float(lim.min_roi), None, None
    p = lim.plan_names.index(name[len("plan_min_roi["):-1])
    return float(lim.plan_min_roi[p]), lim.plan_names[p], lim.plan_of_unit == p


#: Limits tried first by the deletion filter (the last tried are the likeliest kept): caps, then floors.
_DELETION_ORDER = ("budget", "plan_budget_cap", "item_stock", "min_roi", "plan_min_roi", "item_min_share",
                   "plan_budget_floor", "item_min_orders")


def smallest_conflict(program: Program, *, confidence: float | None = None) -> Conflict:
    """Limits each of which can hold but not all together: a set none of whose limits can be dropped.

    A deletion filter: each kind of limit, then each limit left, is dropped for good when the others still
    conflict without it, so what is left conflicts and conflicts no more without any one of its limits.
    """
    lim = program.limits
    specs = sorted(lim.row_specs(), key=lambda spec: _DELETION_ORDER.index(spec[1]))
    kept = [name for name, _, _ in specs]
    for kind in _DELETION_ORDER:   # whole kinds first (every plan's caps at once): few solves for many plans
        trial = [name for name, row_kind, _ in specs if name in kept and row_kind != kind]
        if len(trial) < len(kept) and not _feasible(program, trial):
            kept = trial
    for name in list(kept):
        trial = [other for other in kept if other != name]
        if not _feasible(program, trial):
            kept = trial
    described = [describe(lim, name) for name in kept]
    floors = [name for name in kept if name in {spec[0] for spec in _roi_rows(lim)}]
    if len(floors) == 1 and len(kept) > 1:
        asked, plan, members = _floor_of(lim, floors[0])
        others = [describe(lim, name) for name in kept if name != floors[0]]
        reachable = best_roi(replace(program, limits=only_rows(lim, kept)), members)
        alone = best_roi(replace(program, limits=only_rows(lim, ())), members)
        whose = "any bids reach" if plan is None else "its bids reach"
        return Conflict(floors[0], asked, reachable,
                        f"{describe(lim, floors[0])} cannot hold together with {_listed(others)}: under "
                        f"{'them' if len(others) > 1 else 'it'} the highest ROI {whose} is {reachable:.2f} "
                        f"(alone, {alone:.2f}); lower the floor or relax {'one of them' if len(others) > 1 else 'it'}")
    asked = float("nan")
    return Conflict(kept[0] if kept else "limits", asked, asked,
                    f"{_listed(described)} cannot all hold together (each alone can): relax one of them"
                    if kept else "the limits cannot all hold together: relax the budget, min_roi or a plan limit")


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


#: How a limit reads in a message, by row kind: (owner's word, setting's name).
_WORDS = {"plan_budget_cap": ("plan", "max_budget"), "plan_budget_floor": ("plan", "min_budget"),
          "plan_min_roi": ("plan", "min_roi"), "item_stock": ("item", "stock"),
          "item_min_orders": ("item", "min_orders"), "item_min_share": ("item", "min_share")}


def describe(lim: Limits, name: str) -> str:
    """A row as the scenario sets it: "budget 27,400.00", "min_roi 3", "min_budget 20,000.00 of plan 女装"."""
    if name == "budget":
        return f"budget {lim.budget:,.2f}"
    if name == "min_roi":
        return f"min_roi {lim.min_roi:g}"
    kind, owner = name[:-1].split("[", 1)
    word, setting = _WORDS[kind]
    if word == "plan":
        p = lim.plan_names.index(owner)
        value = {"plan_budget_cap": lim.plan_max_budget, "plan_budget_floor": lim.plan_min_budget,
                 "plan_min_roi": lim.plan_min_roi}[kind][p]
    else:
        k = lim.item_names.index(owner)
        value = {"item_stock": lim.item_stock, "item_min_orders": lim.item_min_orders,
                 "item_min_share": lim.item_min_share}[kind][k]
    shown = f"{value:,.2f}" if kind in ("plan_budget_cap", "plan_budget_floor") else f"{value:g}"
    return f"{setting} {shown} of {word} {owner}"


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
