"""The plan's LP solved exactly by its structure: one sort of hull increments instead of a general solver.

Per unit only the upper concave hull of its (spend, value) points matters. When the
objective is ``alpha * revenue + beta * spend`` with one ``alpha > 0`` for every
candidate (revenue, profit; or any objective when no ROI row exists, with value =
objective), every limit on sums of spend and revenue (account budget, account ROI
floor, plan budget caps and floors, plan ROI floors) keeps the optimum a *prefix* of
the hull increments sorted by efficiency ``d revenue / d spend``:

- the Lagrangian of the program prices an increment at
  ``(alpha + mu + mu_p) e + beta - lambda - lambda_p - mu rho - mu_p rho_p`` per unit of
  spend, increasing in its efficiency ``e`` for every choice of multipliers, so each
  plan buys its own increments in order of ``e``;
- a plan's limits therefore cut its own sorted list to a range ``[lo_p, hi_p]`` of
  spend beyond its base (a plan ROI floor is the range where the plan's running
  ``revenue - rho_p spend`` stays >= 0), and what is left is one path through all
  plans in the global order, on which spend, value and the account ROI row are
  piecewise linear (the ROI row concave): the optimum is a clip of where value stops
  rising to where the budget and the ROI floor allow.

Duals follow from the one or two increments cut in the middle, with the sign
convention of :mod:`optimizer.solve` ("objective gained per unit the limit is
loosened"). Programs outside this structure (item rows; an ROI floor with an
objective that is not affine in revenue and spend, e.g. orders) are for HiGHS:
:func:`unfit_reason` says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.solve import BINDING_TOL, Limits, Program, Solution

#: Relative tolerance of the objective-is-affine-in-revenue check and of feasibility.
FIT_TOL = 1e-9
FEAS_TOL = 1e-9


class UnfitProgram(ValueError):
    """The program has a limit or objective outside the structured solver's reach."""


def row_names(limits: Limits) -> list[str]:
    """The coupling rows' names, in the order of :meth:`Program.rows`, without building their arrays."""
    names = []
    if limits.budget is not None:
        names.append("budget")
    if limits.min_roi:
        names.append("min_roi")
    for p, name in enumerate(limits.plan_names):
        if np.isfinite(limits.plan_max_budget[p]):
            names.append(f"plan_budget_cap[{name}]")
        if np.isfinite(limits.plan_min_budget[p]):
            names.append(f"plan_budget_floor[{name}]")
        if np.isfinite(limits.plan_min_roi[p]) and limits.plan_min_roi[p] > 0:
            names.append(f"plan_min_roi[{name}]")
    for k, name in enumerate(limits.item_names):
        if np.isfinite(limits.item_stock[k]):
            names.append(f"item_stock[{name}]")
        if np.isfinite(limits.item_min_orders[k]) and limits.item_min_orders[k] > 0:
            names.append(f"item_min_orders[{name}]")
        if np.isfinite(limits.item_min_share[k]) and limits.item_min_share[k] > 0:
            names.append(f"item_min_share[{name}]")
    return names


def _has_roi_rows(limits: Limits) -> bool:
    return bool(limits.min_roi) or bool(np.any(np.nan_to_num(limits.plan_min_roi) > 0))


def _affine_fit(program: Program) -> tuple[float, float] | None:
    """``(alpha, beta)`` with objective = alpha revenue + beta spend on every valid candidate, alpha > 0; else None."""
    cand = program.candidates
    valid = cand.valid
    objective, revenue, spend = program.objective[valid], cand.revenue[valid], cand.spend[valid]
    if objective.size == 0:
        return 1.0, 0.0
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
    return alpha, beta


def unfit_reason(program: Program) -> str | None:
    """Why the structured solver cannot take this program (None when it can)."""
    names = row_names(program.limits)
    items = [name for name in names if name.startswith("item_")]
    if items:
        return f"item limits ({items[0]}{', …' if len(items) > 1 else ''}) are rows on orders, not on spend and revenue"
    if _has_roi_rows(program.limits) and _affine_fit(program) is None:
        return ("an ROI floor with an objective that is not alpha * revenue + beta * spend "
                "(objective orders or clicks) changes the order of increments with the floor's price")
    if not np.all(np.isfinite(program.objective[program.candidates.valid])):
        return "the objective has non-finite coefficients"
    return None


@dataclass(frozen=True)
class _Path:
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


def _hull(spend: np.ndarray, value: np.ndarray, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Mask of each row's upper concave hull vertices, from its lowest spend to its highest value.

    Rows are points sorted by spend (``perm`` says how, when a row was not). Dominated
    points go first (no more value for at least the spend), then rounds drop every point
    whose incoming slope is not above its outgoing one, all rows at once.
    """
    n, width = spend.shape
    columns = np.arange(width)
    key = np.where(alive, spend, np.inf)
    running = np.maximum.accumulate(np.where(alive, spend, -np.inf), axis=1)
    perm = None
    if np.any(alive[:, 1:] & (spend[:, 1:] < running[:, :-1])):
        perm = np.argsort(key, axis=1, kind="stable")
        spend, value, alive = (np.take_along_axis(a, perm, axis=1) for a in (spend, value, alive))
    rows = np.flatnonzero(alive.sum(axis=1) >= 2)
    while rows.size:
        sub_alive, sub_spend, sub_value = alive[rows], spend[rows], value[rows]
        prev = np.maximum.accumulate(np.where(sub_alive, columns, -1), axis=1)
        prev = np.concatenate([np.full((len(rows), 1), -1), prev[:, :-1]], axis=1)
        nxt = np.minimum.accumulate(np.where(sub_alive, columns, width)[:, ::-1], axis=1)[:, ::-1]
        nxt = np.concatenate([nxt[:, 1:], np.full((len(rows), 1), width)], axis=1)
        has_prev, has_next = prev >= 0, nxt < width
        p, q = np.maximum(prev, 0), np.minimum(nxt, width - 1)
        sp, vp = np.take_along_axis(sub_spend, p, 1), np.take_along_axis(sub_value, p, 1)
        sq, vq = np.take_along_axis(sub_spend, q, 1), np.take_along_axis(sub_value, q, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # the same division as the final efficiencies, so kept vertices have strictly falling slopes
            slope_in = (sub_value - vp) / (sub_spend - sp)
            slope_out = (vq - sub_value) / (sq - sub_spend)
        # of points at one spend only the best stays (the first of equals)
        same_next = has_next & (sq == sub_spend) & (vq > sub_value)
        same_prev = has_prev & (sp == sub_spend) & (vp >= sub_value)
        inner = has_prev & has_next & (sp < sub_spend) & (sq > sub_spend)
        drop = sub_alive & (same_next | same_prev | (inner & ~(slope_in > slope_out)))
        if not drop.any():
            break
        sub_alive &= ~drop
        alive[rows] = sub_alive
        rows = rows[sub_alive.sum(axis=1) >= 2]
    if perm is not None:
        unsorted = np.empty_like(alive)
        np.put_along_axis(unsorted, perm, alive, axis=1)
        return unsorted, perm
    return alive, None


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


def _build_path(program: Program) -> _Path:
    cand, limits = program.candidates, program.limits
    n, width = cand.valid.shape
    with_roi = _has_roi_rows(limits)
    if with_roi:
        alpha, beta = _affine_fit(program)
        value = cand.revenue
    else:
        alpha, beta = 1.0, 0.0
        value = program.objective
    alive = np.concatenate([cand.can_pause[:, None], cand.valid], axis=1)
    spend = np.concatenate([np.zeros((n, 1)), np.where(cand.valid, cand.spend, 0.0)], axis=1)
    points = np.concatenate([np.zeros((n, 1)), np.where(cand.valid, value, 0.0)], axis=1)
    hull, perm = _hull(spend, points, alive)
    if perm is not None:
        # vertices must run in order of spend within a unit: sort each row's kept columns by spend
        key = np.where(hull, spend, np.inf)
        columns = np.argsort(key, axis=1, kind="stable")
        counts = hull.sum(axis=1)
        keep = np.arange(width + 1)[None, :] < counts[:, None]
        vertex_column = columns[keep]
        counts = hull.sum(axis=1)
        vertex_unit = np.repeat(np.arange(n), counts)
        v_spend = spend[vertex_unit, vertex_column]
        v_value = points[vertex_unit, vertex_column]
    else:
        flat = np.flatnonzero(hull)
        vertex_unit, vertex_column = np.divmod(flat, width + 1)
        counts = np.bincount(vertex_unit, minlength=n)
        v_spend, v_value = spend.ravel()[flat], points.ravel()[flat]
    has_point = counts > 0
    vertex_start = np.concatenate([[0], np.cumsum(counts)])

    first = vertex_start[:-1][has_point]
    base_spend_unit = np.zeros(n)
    base_value_unit = np.zeros(n)
    base_spend_unit[has_point] = v_spend[first]
    base_value_unit[has_point] = v_value[first]
    feasible = bool(np.all(has_point | cand.can_pause))

    is_inc = np.ones(len(vertex_column), bool)
    is_inc[vertex_start[:-1][has_point]] = False  # a unit's first vertex is its base
    inc_to = np.flatnonzero(is_inc)
    inc_unit = vertex_unit[inc_to]
    inc_spend = v_spend[inc_to] - v_spend[inc_to - 1]
    inc_gain = v_value[inc_to] - v_value[inc_to - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        inc_eff = np.where(inc_spend > 0, inc_gain / inc_spend, np.inf)

    plan = limits.plan_of_unit
    n_plans = len(limits.plan_names)
    inc_plan = plan[inc_unit] if n_plans else np.zeros(len(inc_unit), int)
    rho = float(limits.min_roi or 0.0)
    plan_rho = np.nan_to_num(np.asarray(limits.plan_min_roi, float), nan=0.0) if n_plans else np.zeros(0)
    scale = float(np.abs(cand.spend).max(initial=0) + np.abs(value).max(initial=0)) * max(n, 1)

    # zero-spend increments (a free level above pausing) are always bought
    forced = np.where(inc_spend <= 0, inc_spend, 0.0)
    free = inc_spend <= 0
    order = np.argsort(-inc_eff)
    plan_cut_hi = np.full(n_plans, np.nan)
    plan_cut_lo = np.full(n_plans, np.nan)
    plan_hi_by_roi = np.zeros(n_plans, bool)
    plan_lo_by_roi = np.zeros(n_plans, bool)
    optional = np.where(free, 0.0, inc_spend)
    free_gain = np.where(free, inc_gain, 0.0)
    unit_base_gain = np.bincount(inc_unit, weights=free_gain, minlength=n)

    plan_limited = n_plans and (np.isfinite(limits.plan_max_budget).any() or np.isfinite(limits.plan_min_budget).any()
                                or (plan_rho > 0).any())
    if plan_limited:
        base_spend_plan = np.bincount(plan, weights=base_spend_unit, minlength=n_plans)
        base_value_plan = np.bincount(plan, weights=base_value_unit + unit_base_gain, minlength=n_plans)
        code_type = np.int16 if n_plans < 2**15 else np.int32  # small ints: numpy's stable sort is a radix sort
        grouped = order[np.argsort(inc_plan[order].astype(code_type), kind="stable")]
        g_plan, g_spend, g_eff = inc_plan[grouped], optional[grouped], inc_eff[grouped]
        starts = np.searchsorted(g_plan, np.arange(n_plans + 1))
        total = np.concatenate([[0.0], np.cumsum(g_spend)])
        offset = total[starts[:-1]]
        g_end = total[1:] - offset[g_plan]
        g_before = g_end - g_spend
        plan_total = total[starts[1:]] - offset
        hi = np.nan_to_num(limits.plan_max_budget - base_spend_plan, nan=np.inf)
        lo = np.maximum(np.nan_to_num(limits.plan_min_budget - base_spend_plan, nan=0.0), 0.0)
        if np.any(hi < -FEAS_TOL * (1 + np.abs(base_spend_plan))):
            feasible = False
        hi = np.maximum(hi, 0.0)
        if (plan_rho > 0).any():
            # the plan's running revenue - rho_p spend along its own order: concave, so >= 0 on one range
            base_act = base_value_plan - plan_rho * base_spend_plan
            g_act_end = np.concatenate([[0.0], np.cumsum(g_spend * (g_eff - plan_rho[g_plan]))])[1:]
            act_offset = np.concatenate([[0.0], np.cumsum(g_spend * (g_eff - plan_rho[g_plan]))])[starts[:-1]]
            g_act_end = g_act_end - act_offset[g_plan] + base_act[g_plan]
            g_act_before = g_act_end - g_spend * (g_eff - plan_rho[g_plan])
            roi_tol = FEAS_TOL * (1 + np.abs(base_value_plan) + plan_rho * np.abs(base_spend_plan))
            has_floor = plan_rho > 0
            up = _first_in_group(g_act_end >= -roi_tol[g_plan], starts)
            reached = (base_act >= -roi_tol) | (up >= 0)
            if np.any(has_floor & ~reached):
                feasible = False
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
            plan_lo_by_roi = has_floor & (roi_lo > lo)
            plan_hi_by_roi = has_floor & (roi_hi < hi)
            lo, hi = np.maximum(lo, roi_lo), np.minimum(hi, roi_hi)
        if np.any(lo > hi + FEAS_TOL * (1 + np.abs(hi))) or np.any(lo > plan_total + FEAS_TOL * (1 + plan_total)):
            feasible = False
        hi = np.minimum(hi, plan_total)
        lo = np.minimum(lo, hi)
        g_forced = np.clip(lo[g_plan] - g_before, 0.0, g_spend)
        g_allowed = np.clip(hi[g_plan] - g_before, 0.0, g_spend)
        # the increment each limit cuts (the one its range ends in, or the next when it ends between two)
        cut_hi = _first_in_group(g_end > hi[g_plan], starts)
        cut_lo = _first_in_group(g_end > lo[g_plan], starts)
        plan_cut_hi = np.where((cut_hi >= 0) & (hi < plan_total), g_eff[np.maximum(cut_hi, 0)] if len(g_eff) else 0, np.nan)
        plan_cut_lo = np.where((cut_lo >= 0) & (lo > 0), g_eff[np.maximum(cut_lo, 0)] if len(g_eff) else 0, np.nan)
        forced_opt = np.zeros(len(inc_unit))
        allowed = np.zeros(len(inc_unit))
        forced_opt[grouped] = g_forced
        allowed[grouped] = g_allowed
        forced = forced + forced_opt
        optional = allowed - forced_opt
    forced_total = np.where(free, inc_spend, forced)  # spend taken at the start, per increment

    base_spend = float(base_spend_unit.sum() + forced_total.sum())
    forced_gain = np.where(free, inc_gain, forced_total * np.where(np.isfinite(inc_eff), inc_eff, 0.0))
    base_y = float(base_value_unit.sum() + forced_gain.sum())
    if with_roi:
        base_value, base_revenue = alpha * base_y + beta * base_spend, base_y
    else:
        base_value, base_revenue = base_y, float("nan")
    opt_order = order[optional[order] > 0]
    opt_spend = optional[opt_order]
    opt_eff = inc_eff[opt_order]
    cum_spend = np.cumsum(opt_spend)
    cum_roi = np.cumsum(opt_spend * (opt_eff - rho)) if with_roi else np.zeros(len(opt_order))
    return _Path(
        vertex_column=vertex_column, vertex_start=vertex_start, inc_unit=inc_unit, inc_spend=inc_spend,
        inc_eff=inc_eff, forced=forced_total, order=opt_order, opt_spend=opt_spend, opt_eff=opt_eff,
        cum_spend=cum_spend, cum_roi=cum_roi, base_spend=base_spend, base_value=base_value,
        base_revenue=base_revenue, base_roi=base_y - rho * base_spend if with_roi else 0.0,
        alpha=alpha, beta=beta, rho=rho, plan_cut_hi=plan_cut_hi, plan_cut_lo=plan_cut_lo,
        plan_hi_by_roi=plan_hi_by_roi, plan_lo_by_roi=plan_lo_by_roi, plan_rho=plan_rho,
        feasible=feasible, scale=max(scale, 1.0),
    )


@dataclass(frozen=True)
class _Point:
    """Where on the path the optimum for one budget lies, and the account-level multipliers there."""

    position: float
    budget_dual: float
    roi_dual: float
    feasible: bool


def _locate(path: _Path, budget: float | None, with_roi: bool) -> _Point:
    """The optimum's position on the path (full increments + fraction) for one budget."""
    count = len(path.opt_spend)
    tol = FEAS_TOL * path.scale
    if not path.feasible:
        return _Point(0.0, 0.0, 0.0, False)
    alpha, beta, rho = path.alpha, path.beta, path.rho
    eff = path.opt_eff

    def at(cumulative: np.ndarray, target: float, increments: np.ndarray) -> float:
        k = int(np.searchsorted(cumulative, target, side="right"))
        if k >= count:
            return float(count)
        before = cumulative[k] - increments[k]
        return k + float(np.clip((target - before) / increments[k], 0.0, 1.0))

    top = float(count)
    position_budget = top
    if budget is not None:
        room = budget - path.base_spend
        if room < -tol:
            return _Point(0.0, 0.0, 0.0, False)
        position_budget = at(path.cum_spend, max(room, 0.0), path.opt_spend)
    positive = int(np.count_nonzero(alpha * eff + beta > 0))
    position_low, position_high = 0.0, top
    if with_roi and rho > 0:
        roi_steps = path.opt_spend * (eff - rho)
        activity = path.base_roi + path.cum_roi
        if path.base_roi < -tol:
            reach = np.flatnonzero(activity >= -tol)
            if reach.size == 0:
                return _Point(0.0, 0.0, 0.0, False)
            k = int(reach[0])
            before = activity[k] - roi_steps[k]
            position_low = k + float(np.clip(-before / roi_steps[k], 0.0, 1.0)) if roi_steps[k] > 0 else float(k + 1)
        falling = np.flatnonzero((eff < rho) & (activity < -tol))
        if falling.size:
            k = int(falling[0])
            before = activity[k] - roi_steps[k]
            position_high = k + float(np.clip(before / -roi_steps[k], 0.0, 1.0))
    upper = min(position_budget, position_high)
    if position_low > upper + 1e-9:
        return _Point(0.0, 0.0, 0.0, False)
    position = min(max(float(positive), position_low), upper)

    def marginal() -> float | None:
        k = min(int(np.floor(position)), count - 1)
        return float(eff[k]) if count else None

    budget_dual = roi_dual = 0.0
    e = marginal()
    if e is not None and np.isfinite(e):
        gain = alpha * e + beta
        if position_low > 0 and position == position_low and position_low > positive:
            roi_dual = max(0.0, -gain / (e - rho)) if e > rho else 0.0
        elif positive >= upper:
            if position_budget <= position_high:
                budget_dual = max(0.0, gain) if position < top else 0.0
            elif e < rho:
                roi_dual = max(0.0, gain / (rho - e))
    return _Point(position, budget_dual, roi_dual, True)


def _infeasible(shape) -> Solution:
    return Solution("infeasible", float("nan"), np.zeros(shape), {}, {}, (), solver="fast")


def solve_fast(program: Program) -> Solution:
    """Solve the program exactly by its structure; raises :class:`UnfitProgram` outside it."""
    reason = unfit_reason(program)
    if reason:
        raise UnfitProgram(reason)
    cand, limits = program.candidates, program.limits
    n, width = cand.valid.shape
    with_roi = _has_roi_rows(limits)
    path = _build_path(program)
    point = _locate(path, limits.budget, with_roi)
    if not point.feasible:
        return _infeasible(cand.valid.shape)

    # how much of each increment is bought: forced part, then the optional part up to the position
    full = int(np.floor(point.position))
    taken = path.forced.copy()
    optional_taken = np.zeros(len(path.opt_spend))
    optional_taken[:full] = path.opt_spend[:full]
    if full < len(path.opt_spend):
        optional_taken[full] = (point.position - full) * path.opt_spend[full]
    taken[path.order] += optional_taken
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(path.inc_spend > 0, taken / path.inc_spend, 1.0)
    fraction = np.clip(fraction, 0.0, 1.0)
    steps = np.bincount(path.inc_unit, weights=fraction, minlength=n)
    whole = np.floor(steps + 1e-12).astype(int)
    part = np.clip(steps - whole, 0.0, 1.0)
    counts = np.diff(path.vertex_start)
    has_point = counts > 0
    units = np.flatnonzero(has_point)
    low_vertex = path.vertex_start[units] + np.minimum(whole[units], counts[units] - 1)
    high_vertex = np.minimum(low_vertex + 1, path.vertex_start[units + 1] - 1)
    share = np.zeros((n, width + 1))
    share[units, path.vertex_column[low_vertex]] += 1.0 - part[units]
    share[units, path.vertex_column[high_vertex]] += part[units]
    share = share[:, 1:]  # column 0 is pausing, the slack of the choose row

    duals, activity = _duals_and_activity(program, path, point, share)
    objective = float((share * program.objective).sum())
    bound = BINDING_TOL * max(1.0, abs(objective))
    binding = tuple(name for name, gain in duals.items() if gain > bound)
    return Solution("optimal", objective, share, duals, activity, binding, solver="fast")


def _plan_duals(path: _Path, limits: Limits, budget_dual: float, roi_dual: float) -> dict[str, np.ndarray]:
    """Per plan multipliers of its cap, floor and ROI floor from the increments they cut."""
    alpha, beta, rho = path.alpha, path.beta, path.rho
    with np.errstate(invalid="ignore", divide="ignore"):
        reduced_hi = (alpha + roi_dual) * path.plan_cut_hi + beta - roi_dual * rho - budget_dual
        reduced_lo = (alpha + roi_dual) * path.plan_cut_lo + beta - roi_dual * rho - budget_dual
        cap = np.where(~path.plan_hi_by_roi, np.maximum(np.nan_to_num(reduced_hi, nan=0.0), 0.0), 0.0)
        floor = np.where(~path.plan_lo_by_roi, np.maximum(np.nan_to_num(-reduced_lo, nan=0.0), 0.0), 0.0)
        roi_hi = np.maximum(np.nan_to_num(reduced_hi / (path.plan_rho - path.plan_cut_hi), nan=0.0), 0.0)
        roi_lo = np.maximum(np.nan_to_num(-reduced_lo / (path.plan_cut_lo - path.plan_rho), nan=0.0), 0.0)
        plan_roi = np.where(path.plan_hi_by_roi, roi_hi, 0.0) + np.where(path.plan_lo_by_roi, roi_lo, 0.0)
    return {"cap": cap, "floor": floor, "roi": plan_roi}


def _duals_and_activity(program: Program, path: _Path, point: _Point, share: np.ndarray):
    cand, limits = program.candidates, program.limits
    unit_spend = (share * cand.spend).sum(axis=1)
    unit_revenue = (share * cand.revenue).sum(axis=1)
    n_plans = len(limits.plan_names)
    plan = limits.plan_of_unit
    plan_spend = np.bincount(plan, weights=unit_spend, minlength=n_plans) if n_plans else np.zeros(0)
    plan_revenue = np.bincount(plan, weights=unit_revenue, minlength=n_plans) if n_plans else np.zeros(0)
    per_plan = _plan_duals(path, limits, point.budget_dual, point.roi_dual) if n_plans else {}
    duals, activity = {}, {}
    for name in row_names(limits):
        if name == "budget":
            duals[name], activity[name] = point.budget_dual, float(unit_spend.sum())
        elif name == "min_roi":
            duals[name] = point.roi_dual
            activity[name] = float(unit_revenue.sum() - limits.min_roi * unit_spend.sum())
        else:
            kind, plan_name = name[:-1].split("[", 1)
            p = limits.plan_names.index(plan_name)
            if kind == "plan_budget_cap":
                duals[name], activity[name] = float(per_plan["cap"][p]), float(plan_spend[p])
            elif kind == "plan_budget_floor":
                duals[name], activity[name] = float(per_plan["floor"][p]), float(plan_spend[p])
            else:
                duals[name] = float(per_plan["roi"][p])
                activity[name] = float(plan_revenue[p] - limits.plan_min_roi[p] * plan_spend[p])
    return duals, activity


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


def frontier(program: Program, budgets) -> list[FrontierPoint]:
    """The best objective at each budget, from one hull and one sort (the budget moves along the same path).

    Only the account budget changes between points, so each point is where the same
    sorted increments are cut; duals of the plan rows are left out (only the account's).
    """
    reason = unfit_reason(program)
    if reason:
        raise UnfitProgram(reason)
    limits = program.limits
    with_roi = _has_roi_rows(limits)
    path = _build_path(program)
    value_steps = path.opt_spend * (path.alpha * path.opt_eff + path.beta)
    cum_value = np.concatenate([[0.0], np.cumsum(value_steps)])
    cum_spend = np.concatenate([[0.0], path.cum_spend])
    cum_gain = np.concatenate([[0.0], np.cumsum(path.opt_spend * path.opt_eff)])
    points = []
    for budget in np.asarray(budgets, float):
        point = _locate(path, float(budget), with_roi)
        if not point.feasible:
            points.append(FrontierPoint(float(budget), "infeasible", float("nan"), float("nan"), float("nan"), {}, ()))
            continue
        k = int(np.floor(point.position))
        part = point.position - k

        def along(cumulative: np.ndarray) -> float:
            if k >= len(path.opt_spend):
                return float(cumulative[-1])
            return float(cumulative[k] + part * (cumulative[k + 1] - cumulative[k]))

        objective = path.base_value + along(cum_value)
        spend = path.base_spend + along(cum_spend)
        revenue = path.base_revenue + along(cum_gain) if with_roi else float("nan")
        duals = {name: value for name, value in (("budget", point.budget_dual), ("min_roi", point.roi_dual))
                 if name in ("budget",) or limits.min_roi}
        bound = BINDING_TOL * max(1.0, abs(objective))
        points.append(FrontierPoint(float(budget), "optimal", objective, spend, revenue, duals,
                                    tuple(name for name, gain in duals.items() if gain > bound)))
    return points


def solve_auto(program: Program, solver: str = "auto") -> Solution:
    """Solve with the structured solver when the program fits it (or ``solver`` says so), else HiGHS or PuLP."""
    from optimizer import solve as general

    if solver == "highs":
        return general.solve(program)
    if solver == "pulp":
        return solve_pulp(program)
    if solver == "fast" or unfit_reason(program) is None:
        return solve_fast(program)
    return general.solve(program)


def solve_pulp(program: Program) -> Solution:
    """Solve with PuLP's bundled CBC on the :func:`optimizer.solve.pulp_model` model (slow: one object per variable)."""
    import pulp

    from optimizer.solve import pulp_model

    cand = program.candidates
    n_units, n_levels = cand.valid.shape
    model = pulp_model(program)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    status = {1: "optimal", -1: "infeasible", -2: "unbounded", 0: "not solved"}.get(model.status, "failed")
    if status != "optimal":
        return Solution(status, float("nan"), np.zeros((n_units, n_levels)), {}, {}, (), solver="pulp")
    share = np.zeros((n_units, n_levels))
    for variable in model.variables():
        if variable.name.startswith("share_"):
            _, unit, level = variable.name.split("_")
            share[int(unit), int(level)] = variable.value() or 0.0
    duals, activity = {}, {}
    for name, coef, lower, upper, _ in program.rows():
        constraint = model.constraints.get(name.replace("[", "_").replace("]", ""))
        pi = constraint.pi if constraint is not None and constraint.pi is not None else 0.0
        # CBC's pi is d objective / d right-hand side of the row as written (<= upper, or >= lower)
        duals[name] = float(pi if upper < np.inf else -pi)
        activity[name] = float((coef * share).sum())
    objective = float((share * program.objective).sum())
    bound = BINDING_TOL * max(1.0, abs(objective))
    binding = tuple(name for name, gain in duals.items() if gain > bound)
    return Solution("optimal", objective, share, duals, activity, binding, solver="pulp")
