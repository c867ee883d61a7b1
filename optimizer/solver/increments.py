"""The increments the structured solver walks: every keyword's upper concave hull, in order of efficiency.

Per unit only the upper concave hull of its (spend, value) points matters; its
increments (extra spend, extra value) sorted by efficiency ``d value / d spend`` are
the path :mod:`optimizer.solver.structured` clips. Each plan's limits cut its own sorted list
to a range of spend, forced increments go into the base, and what remains is one path
through all plans in the global order. Equal efficiencies keep the order of the increments
(units in row order): :mod:`optimizer.solver.ordering` gives that order on every machine.

These are the 10^6-keyword hot path: every step is whole-array numpy, and the
``(units, levels + 1)`` tables made first lend their pages (touched already) to the
arrays made last instead of fresh 10^7-entry ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.solver.hull import UnitIncrements, unit_increments
from optimizer.solver.ordering import ascending_order
from optimizer.solver.program import FEAS_TOL, FIT_TOL, Limits, Program


def affine_fit(program: Program) -> tuple[float, float] | None:
    """``(alpha, beta)`` with objective = alpha revenue + beta spend on every valid candidate, alpha > 0; else None."""
    cand = program.candidates
    valid = cand.valid
    if not valid.any():
        return 1.0, 0.0
    if program.objective is cand.revenue or np.array_equal(program.objective[valid], cand.revenue[valid]):
        return 1.0, 0.0   # the revenue objective: no fit needed (the one below returns the same)
    objective, revenue, spend = program.objective[valid], cand.revenue[valid], cand.spend[valid]
    step = max(1, objective.size // 20_000)
    design = np.column_stack([revenue[::step], spend[::step]])
    (_, fitted_beta), *_ = np.linalg.lstsq(design, objective[::step], rcond=None)
    scale = np.abs(objective) + np.abs(revenue) + spend + 1e-12
    # revenue and profit objectives have beta 0 or -1; try those first (exact even when revenue is
    # proportional to spend everywhere and least squares cannot tell alpha from beta)
    for beta in (0.0, -1.0, float(np.round(fitted_beta, 12))):
        rest = objective - beta * spend
        positive = revenue > 0
        if not positive.any():
            continue
        alpha = float(np.median(rest[positive] / revenue[positive]))
        if alpha > 0 and np.all(np.abs(rest - alpha * revenue) <= FIT_TOL * (scale + abs(alpha) * np.abs(revenue))):
            return alpha, beta
    return None


@dataclass(frozen=True)
class IncrementPath:
    """Hull increments of every unit, cut to each plan's allowed range, in the global order of efficiency."""

    # per unit: hull vertices as columns of the (units, levels + 1) point table (column 0 = paused)
    vertex_column: np.ndarray
    vertex_start: np.ndarray
    # per increment (unit-major): unit, spend, efficiency, and how much is forced / optional
    inc_unit: np.ndarray
    inc_spend: np.ndarray
    inc_eff: np.ndarray
    forced: np.ndarray
    # the optional part, in global order
    order: np.ndarray
    opt_spend: np.ndarray
    opt_eff: np.ndarray
    cum_spend: np.ndarray
    cum_roi: np.ndarray
    # totals at the start of the path (base vertices plus forced increments)
    base_spend: float
    base_value: float
    base_revenue: float
    base_roi: float
    alpha: float
    beta: float
    rho: float
    # per plan: the efficiency of the increment a limit cuts, and which limit cuts it
    plan_cut_hi: np.ndarray
    plan_cut_lo: np.ndarray
    plan_hi_by_roi: np.ndarray
    plan_lo_by_roi: np.ndarray
    plan_rho: np.ndarray
    feasible: bool
    scale: float


def _abs_max(values: np.ndarray) -> float:
    """``np.abs(values).max(initial=0)`` without the absolute-value copy."""
    return max(float(values.max(initial=0)), -float(values.min(initial=0)))


def _first_in_group(condition: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per group (``starts`` has groups + 1 entries) the first index where ``condition`` holds, or -1."""
    size = len(condition)
    index = np.where(condition, np.arange(size), size)
    first = np.full(len(starts) - 1, -1)
    nonempty = starts[:-1] < starts[1:]
    if size and nonempty.any():
        found = np.minimum.reduceat(index, starts[:-1][nonempty])
        ends = starts[1:][nonempty]
        first[nonempty] = np.where(found < ends, found, -1)
    return first


@dataclass(frozen=True)
class _Groups:
    """The optional increments grouped by plan, each plan's in order of efficiency, with running spend."""

    order: np.ndarray
    plan: np.ndarray
    spend: np.ndarray
    eff: np.ndarray
    starts: np.ndarray
    before: np.ndarray
    end: np.ndarray
    total: np.ndarray


def _group_by_plan(inc_plan: np.ndarray, order: np.ndarray, optional: np.ndarray, inc_eff: np.ndarray,
                   n_plans: int) -> _Groups:
    code_type = np.int16 if n_plans < 2**15 else np.int32  # small ints: numpy's stable sort is a radix sort
    grouped = order[np.argsort(inc_plan[order].astype(code_type), kind="stable")]
    g_plan, g_spend = inc_plan[grouped], optional[grouped]
    starts = np.searchsorted(g_plan, np.arange(n_plans + 1))
    total = np.concatenate([[0.0], np.cumsum(g_spend)])
    offset = total[starts[:-1]]
    g_end = total[1:] - offset[g_plan]
    return _Groups(grouped, g_plan, g_spend, inc_eff[grouped], starts, before=g_end - g_spend, end=g_end,
                   total=total[starts[1:]] - offset)


def _roi_range(groups: _Groups, plan_rho: np.ndarray, base_value_plan: np.ndarray,
               base_spend_plan: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Per plan the range of its own spend where its ROI floor holds, and whether every floor can hold.

    The plan's running revenue - rho_p spend along its own order is concave, so it is >= 0 on one range.
    """
    g_plan, g_spend, g_eff, starts, g_before = groups.plan, groups.spend, groups.eff, groups.starts, groups.before
    n_plans = len(plan_rho)
    base_act = base_value_plan - plan_rho * base_spend_plan
    g_step = g_spend * (g_eff - plan_rho[g_plan])
    running = np.concatenate([[0.0], np.cumsum(g_step)])
    g_act_end = running[1:] - running[starts[:-1]][g_plan] + base_act[g_plan]
    g_act_before = g_act_end - g_step
    roi_tol = FEAS_TOL * (1 + np.abs(base_value_plan) + plan_rho * np.abs(base_spend_plan))
    has_floor = plan_rho > 0
    up = _first_in_group(g_act_end >= -roi_tol[g_plan], starts)
    reached = (base_act >= -roi_tol) | (up >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.maximum(up, 0)
        cross_up = np.where(base_act >= 0, 0.0,
                            g_before[k] + np.clip(-g_act_before[k] / (g_spend[k] * (g_eff[k] - plan_rho)), 0, 1)
                            * g_spend[k]) if len(g_spend) else np.zeros(n_plans)
        down = _first_in_group((g_eff < plan_rho[g_plan]) & (g_act_end < -roi_tol[g_plan]), starts)
        j = np.maximum(down, 0)
        cross_down = np.where(down >= 0, g_before[j] + np.clip(
            g_act_before[j] / (g_spend[j] * (plan_rho - g_eff[j])), 0, 1) * g_spend[j], np.inf) \
            if len(g_spend) else np.full(n_plans, np.inf)
    roi_lo = np.where(has_floor & reached, np.nan_to_num(cross_up, nan=0.0), 0.0)
    roi_hi = np.where(has_floor, cross_down, np.inf)
    return roi_lo, roi_hi, not np.any(has_floor & ~reached)


@dataclass(frozen=True)
class _PlanCuts:
    """What the plans' limits leave: per increment the spend forced and the spend optional; per plan the cuts."""

    forced: np.ndarray | None
    optional: np.ndarray | None
    feasible: bool
    cut_hi: np.ndarray
    cut_lo: np.ndarray
    hi_by_roi: np.ndarray
    lo_by_roi: np.ndarray


def _no_plan_cuts(n_plans: int) -> _PlanCuts:
    none = np.full(n_plans, np.nan)
    return _PlanCuts(None, None, True, none, none.copy(), np.zeros(n_plans, bool), np.zeros(n_plans, bool))


def _cut_plans(limits: Limits, walk: UnitIncrements, order: np.ndarray, optional: np.ndarray,
               plan_rho: np.ndarray) -> _PlanCuts:
    """Cut each plan's own sorted increments to the range of spend its cap, floor and ROI floor allow."""
    plan, n_plans = limits.plan_of_unit, len(limits.plan_names)
    n = len(plan)
    unit_base_gain = (np.bincount(walk.inc_unit, weights=np.where(walk.free, walk.inc_gain, 0.0), minlength=n)
                      if walk.any_free else np.zeros(n))
    base_spend_plan = np.bincount(plan, weights=walk.base_spend_unit, minlength=n_plans)
    base_value_plan = np.bincount(plan, weights=walk.base_value_unit + unit_base_gain, minlength=n_plans)
    groups = _group_by_plan(plan[walk.inc_unit], order, optional, walk.inc_eff, n_plans)
    hi = np.nan_to_num(limits.plan_max_budget - base_spend_plan, nan=np.inf)
    lo = np.maximum(np.nan_to_num(limits.plan_min_budget - base_spend_plan, nan=0.0), 0.0)
    feasible = not np.any(hi < -FEAS_TOL * (1 + np.abs(base_spend_plan)))
    hi = np.maximum(hi, 0.0)
    hi_by_roi = lo_by_roi = np.zeros(n_plans, bool)
    if (plan_rho > 0).any():
        roi_lo, roi_hi, reached = _roi_range(groups, plan_rho, base_value_plan, base_spend_plan)
        feasible = feasible and reached
        lo_by_roi, hi_by_roi = (plan_rho > 0) & (roi_lo > lo), (plan_rho > 0) & (roi_hi < hi)
        lo, hi = np.maximum(lo, roi_lo), np.minimum(hi, roi_hi)
    total, g_plan, g_eff = groups.total, groups.plan, groups.eff
    if np.any(lo > hi + FEAS_TOL * (1 + np.abs(hi))) or np.any(lo > total + FEAS_TOL * (1 + total)):
        feasible = False
    hi = np.minimum(hi, total)
    lo = np.minimum(lo, hi)
    # the increment each limit cuts (the one its range ends in, or the next when it ends between two)
    cut_hi = _first_in_group(groups.end > hi[g_plan], groups.starts)
    cut_lo = _first_in_group(groups.end > lo[g_plan], groups.starts)
    plan_cut_hi = np.where((cut_hi >= 0) & (hi < total), g_eff[np.maximum(cut_hi, 0)] if len(g_eff) else 0, np.nan)
    plan_cut_lo = np.where((cut_lo >= 0) & (lo > 0), g_eff[np.maximum(cut_lo, 0)] if len(g_eff) else 0, np.nan)
    forced, allowed = np.zeros(len(walk.inc_unit)), np.zeros(len(walk.inc_unit))
    forced[groups.order] = np.clip(lo[g_plan] - groups.before, 0.0, groups.spend)
    allowed[groups.order] = np.clip(hi[g_plan] - groups.before, 0.0, groups.spend)
    return _PlanCuts(forced, allowed - forced, feasible, plan_cut_hi, plan_cut_lo, hi_by_roi, lo_by_roi)


def _plan_limited(limits: Limits, plan_rho: np.ndarray) -> bool:
    """Whether any plan has a cap, a floor or an ROI floor."""
    return bool(len(limits.plan_names)) and bool(
        np.isfinite(limits.plan_max_budget).any() or np.isfinite(limits.plan_min_budget).any() or (plan_rho > 0).any())


def _base_gain(walk: UnitIncrements, forced: np.ndarray) -> float:
    """The value of the increments taken at the start (free ones at their gain, forced ones at their efficiency)."""
    if not forced.any():
        return 0.0
    forced_gain = forced * np.where(np.isfinite(walk.inc_eff), walk.inc_eff, 0.0)
    if walk.any_free:
        forced_gain = np.where(walk.free, walk.inc_gain, forced_gain)
    return forced_gain.sum()


def _in_order(walk: UnitIncrements, optional: np.ndarray, order: np.ndarray, sort_key: np.ndarray,
              rho: float | None) -> tuple[np.ndarray, ...]:
    """The optional increments in global order: (order, spend, efficiency, running spend, running ROI).

    ``rho`` None: no ROI row, the running ROI is zeros. The gathers go into the point tables' pages and the
    running spend into the sort key's (all touched already), not into fresh 10^7 arrays.
    """
    # mode="clip": the same gather as optional[order] (every index is in range), without take's buffered copy
    opt_spend = np.take(optional, order, out=walk.spare_spend[:len(order)], mode="clip")
    bought = opt_spend > 0
    if bought.all():
        opt_order = order
    else:
        opt_order, opt_spend = order[bought], opt_spend[bought]
    opt_eff = np.take(walk.inc_eff, opt_order, out=walk.spare_value[:len(opt_order)], mode="clip")
    cum_spend = np.cumsum(opt_spend, out=sort_key[:len(opt_spend)])
    if rho is None:
        return opt_order, opt_spend, opt_eff, cum_spend, np.zeros(len(opt_order))
    if walk.spare_gain is not None:
        cum_roi = np.subtract(opt_eff, rho, out=walk.spare_gain[:len(opt_eff)])
    else:
        cum_roi = opt_eff - rho
    cum_roi *= opt_spend
    np.cumsum(cum_roi, out=cum_roi)
    return opt_order, opt_spend, opt_eff, cum_spend, cum_roi


def build_path(program: Program, fit: tuple[float, float] | None = None) -> IncrementPath:
    """The sorted increments of ``program``; ``fit`` is its :func:`affine_fit` when the caller has it already."""
    cand, limits = program.candidates, program.limits
    with_roi = limits.has_roi_rows()
    alpha, beta = (fit if fit is not None else affine_fit(program)) if with_roi else (1.0, 0.0)
    value = cand.revenue if with_roi else program.objective
    walk = unit_increments(cand, value)
    n_plans = len(limits.plan_names)
    rho = float(limits.min_roi or 0.0)
    plan_rho = np.nan_to_num(np.asarray(limits.plan_min_roi, float), nan=0.0) if n_plans else np.zeros(0)
    scale = float(_abs_max(cand.spend) + _abs_max(value)) * max(len(cand.valid), 1)
    # zero-spend increments (a free level above pausing) are always bought
    forced = np.where(walk.free, walk.inc_spend, 0.0) if walk.any_free else np.zeros(len(walk.inc_spend))
    sort_key = np.negative(walk.inc_eff)
    # efficiency descending, equal efficiencies by increment index: the same order on every machine; the
    # point tables' pages take the sort's working copies, and the key's buffer is reused in _in_order
    order = ascending_order(sort_key, spare=(walk.spare_spend, walk.spare_value))
    optional = np.where(walk.free, 0.0, walk.inc_spend) if walk.any_free else walk.inc_spend
    cuts = _no_plan_cuts(n_plans)
    if _plan_limited(limits, plan_rho):
        cuts = _cut_plans(limits, walk, order, optional, plan_rho)
        # spend taken at the start, per increment (without plan limits: the free increments, as forced already is)
        forced = np.where(walk.free, walk.inc_spend, forced + cuts.forced)
        optional = cuts.optional
    base_spend = float(walk.base_spend_unit.sum() + forced.sum())
    base_y = float(walk.base_value_unit.sum() + _base_gain(walk, forced))
    opt_order, opt_spend, opt_eff, cum_spend, cum_roi = _in_order(walk, optional, order, sort_key,
                                                                  rho if with_roi else None)
    return IncrementPath(
        vertex_column=walk.vertex_column, vertex_start=walk.vertex_start, inc_unit=walk.inc_unit,
        inc_spend=walk.inc_spend, inc_eff=walk.inc_eff, forced=forced, order=opt_order, opt_spend=opt_spend,
        opt_eff=opt_eff, cum_spend=cum_spend, cum_roi=cum_roi, base_spend=base_spend,
        base_value=alpha * base_y + beta * base_spend if with_roi else base_y,
        base_revenue=base_y if with_roi else float("nan"), base_roi=base_y - rho * base_spend if with_roi else 0.0,
        alpha=alpha, beta=beta, rho=rho, plan_cut_hi=cuts.cut_hi, plan_cut_lo=cuts.cut_lo,
        plan_hi_by_roi=cuts.hi_by_roi, plan_lo_by_roi=cuts.lo_by_roi, plan_rho=plan_rho,
        feasible=walk.feasible and cuts.feasible, scale=max(scale, 1.0),
    )
