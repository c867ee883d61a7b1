"""Positions along the increment path: where the optimum lies for a budget, and what the plan has there.

The structured solver (:mod:`optimizer.solver.structured`) cuts the sorted hull increments of
:mod:`optimizer.solver.increments` at one position; the frontier cuts the same path at many budgets.
What does not depend on the budget (how far value keeps rising, the range where the account's ROI
floor holds) is found once (:func:`reach`), so each further budget costs one binary search, and the
frontier's running totals are read a chunk at a time at the positions asked for, never as whole
10^7-entry arrays: the solve reads its frontier off its own path before it reuses the path's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.solver.increments import IncrementPath
from optimizer.solver.program import FEAS_TOL, binding


@dataclass(frozen=True)
class Point:
    """Where on the path the optimum for one budget lies, and the account-level multipliers there."""

    position: float
    budget_dual: float
    roi_dual: float
    feasible: bool


_CHUNK = 1 << 20


def _count_chunked(condition, count: int) -> int:
    """``np.count_nonzero(condition(0, count))``, a million entries at a time (no 10^7 temporaries)."""
    return sum(int(np.count_nonzero(condition(i, min(i + _CHUNK, count)))) for i in range(0, count, _CHUNK))


def _first_chunked(condition, count: int) -> int:
    """The first index where ``condition(start, stop)`` holds (``np.flatnonzero(...)[0]``), or -1; chunk by chunk."""
    for i in range(0, count, _CHUNK):
        hits = np.flatnonzero(condition(i, min(i + _CHUNK, count)))
        if hits.size:
            return i + int(hits[0])
    return -1


def _position_at(cumulative: np.ndarray, target: float, increments: np.ndarray) -> float:
    """Where a running total along the path reaches ``target`` (full increments + fraction)."""
    count = len(increments)
    k = int(np.searchsorted(cumulative, target, side="right"))
    if k >= count:
        return float(count)
    before = cumulative[k] - increments[k]
    return k + float(np.clip((target - before) / increments[k], 0.0, 1.0))


def _roi_range(path: IncrementPath, tol: float) -> tuple[float, float] | None:
    """The positions between which the account ROI row holds (it is concave along the path); None if nowhere."""
    count, eff, rho = len(path.opt_spend), path.opt_eff, path.rho

    def roi_step(k: int) -> float:   # opt_spend * (eff - rho) where it is read, not as a 10^7 array
        return path.opt_spend[k] * (eff[k] - rho)

    def activity(i: int, j: int) -> np.ndarray:   # base_roi + cum_roi, read a chunk at a time
        return path.base_roi + path.cum_roi[i:j]

    low, high = 0.0, float(count)
    if path.base_roi < -tol:
        k = _first_chunked(lambda i, j: activity(i, j) >= -tol, count)
        if k < 0:
            return None
        before = activity(k, k + 1)[0] - roi_step(k)
        low = k + float(np.clip(-before / roi_step(k), 0.0, 1.0)) if roi_step(k) > 0 else float(k + 1)
    k = _first_chunked(lambda i, j: (eff[i:j] < rho) & (activity(i, j) < -tol), count)
    if k >= 0:
        before = activity(k, k + 1)[0] - roi_step(k)
        high = k + float(np.clip(before / -roi_step(k), 0.0, 1.0))
    return low, high


@dataclass(frozen=True)
class Reach:
    """What does not depend on the budget: the increments that still add value, and where the ROI row holds."""

    positive: int
    #: The positions between which the account ROI row holds (None: nowhere).
    roi_range: tuple[float, float] | None


def reach(path: IncrementPath, with_roi: bool) -> Reach:
    """The path's :class:`Reach`, for :func:`locate` at any number of budgets."""
    count, eff = len(path.opt_spend), path.opt_eff
    positive = _count_chunked(lambda i, j: path.alpha * eff[i:j] + path.beta > 0, count)
    tol = FEAS_TOL * path.scale
    return Reach(positive, _roi_range(path, tol) if with_roi and path.rho > 0 else (0.0, float(count)))


def locate(path: IncrementPath, budget: float | None, with_roi: bool, known: Reach | None = None) -> Point:
    """The optimum's position on the path (full increments + fraction) for one budget.

    ``known``: the path's :func:`reach` when the caller has it already (the frontier: many budgets, one path).
    """
    count = len(path.opt_spend)
    tol = FEAS_TOL * path.scale
    nowhere = Point(0.0, 0.0, 0.0, False)
    if not path.feasible:
        return nowhere
    top = float(count)
    position_budget = top
    if budget is not None:
        room = budget - path.base_spend
        if room < -tol:
            return nowhere
        position_budget = _position_at(path.cum_spend, max(room, 0.0), path.opt_spend)
    eff = path.opt_eff
    known = known if known is not None else reach(path, with_roi)
    positive, roi_range = known.positive, known.roi_range
    if roi_range is None:
        return nowhere
    position_low, position_high = roi_range
    upper = min(position_budget, position_high)
    if position_low > upper + 1e-9:
        return nowhere
    position = min(max(float(positive), position_low), upper)
    budget_dual = roi_dual = 0.0
    e = float(eff[min(int(np.floor(position)), count - 1)]) if count else None
    if e is not None and np.isfinite(e):
        gain, rho = path.alpha * e + path.beta, path.rho
        if position_low > 0 and position == position_low and position_low > positive:
            roi_dual = max(0.0, -gain / (e - rho)) if e > rho else 0.0
        elif positive >= upper:
            if position_budget <= position_high:
                budget_dual = max(0.0, gain) if position < top else 0.0
            elif e < rho:
                roi_dual = max(0.0, gain / (rho - e))
    return Point(position, budget_dual, roi_dual, True)


def _running_at(steps, count: int, indices: np.ndarray) -> np.ndarray:
    """``np.concatenate([[0], np.cumsum(steps(0, count))])[indices]``, a chunk of ``steps`` at a time.

    Each chunk is summed on from the total before it, in the same order as one cumsum: the same floats.
    """
    wanted = np.unique(indices)
    found = np.zeros(len(wanted))
    carry = 0.0
    for i in range(0, max(count, 1), _CHUNK):
        j = min(i + _CHUNK, count)
        running = np.cumsum(np.concatenate([[carry], steps(i, j)]))   # running[m]: the total before index i + m
        inside = (wanted >= i) & (wanted <= j)
        found[inside] = running[wanted[inside] - i]
        carry = float(running[-1])
    return found[np.searchsorted(wanted, indices)]


@dataclass(frozen=True)
class FrontierPoint:
    """The optimum at one budget, without the (units, levels) share table."""

    budget: float
    status: str
    objective: float
    spend: float
    revenue: float
    duals: dict[str, float]
    binding: tuple[str, ...]


def frontier_points(path: IncrementPath, account: list[tuple[str, str]], budgets, with_roi: bool) -> tuple:
    """The optimum at each budget on one path: ``account`` names the account's rows (name, kind) whose duals
    each point quotes (the plans' are left out)."""
    known = reach(path, with_roi)
    budgets = np.asarray(budgets, float)
    located = [locate(path, float(budget), with_roi, known) for budget in budgets]
    count = len(path.opt_spend)
    at = np.array([min(int(np.floor(point.position)), count) for point in located if point.feasible], int)
    ends = np.concatenate([at, np.minimum(at + 1, count)])
    cum_value = _running_at(lambda i, j: path.opt_spend[i:j] * (path.alpha * path.opt_eff[i:j] + path.beta),
                            count, ends)
    cum_spend = np.where(ends > 0, path.cum_spend[np.maximum(ends - 1, 0)], 0.0) if count else np.zeros(len(ends))
    cum_gain = _running_at(lambda i, j: path.opt_spend[i:j] * path.opt_eff[i:j], count, ends) if with_roi else None
    points, seen = [], 0
    for budget, point in zip(budgets, located):
        if not point.feasible:
            points.append(FrontierPoint(float(budget), "infeasible", float("nan"), float("nan"), float("nan"), {}, ()))
            continue
        k, part, row = int(np.floor(point.position)), point.position - int(np.floor(point.position)), seen
        seen += 1

        def along(cumulative: np.ndarray, k: int = k, part: float = part, row: int = row) -> float:
            if k >= count:
                return float(cumulative[row])
            low, high = cumulative[row], cumulative[len(at) + row]
            return float(low + part * (high - low))

        objective = path.base_value + along(cum_value)
        spend = path.base_spend + along(cum_spend)
        revenue = path.base_revenue + along(cum_gain) if with_roi else float("nan")
        prices = {"budget": point.budget_dual, "min_roi": point.roi_dual}
        duals = {name: prices[kind] for name, kind in account}
        points.append(FrontierPoint(float(budget), "optimal", objective, spend, revenue, duals,
                                    binding(duals, objective)))
    return tuple(points)
