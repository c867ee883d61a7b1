"""The increments the structured solver walks: every keyword's upper concave hull, in order of efficiency.

Per unit only the upper concave hull of its (spend, value) points matters; its
increments (extra spend, extra value) sorted by efficiency ``d value / d spend`` are
the path :mod:`optimizer.solver.structured` clips. Each plan's limits cut its own sorted list
to a range of spend, forced increments go into the base, and what remains is one path
through all plans in the global order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.solver.program import Program

#: Relative tolerance of the objective-is-affine-in-revenue check and of feasibility.
FIT_TOL = 1e-9
FEAS_TOL = 1e-9


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


def _hull(spend: np.ndarray, value: np.ndarray, alive: np.ndarray, steps: np.ndarray | None = None,
          rises: np.ndarray | None = None, slopes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Mask of each row's upper concave hull vertices, from its lowest spend to its highest value.

    Rows are points sorted by spend (``perm`` says how, when a row was not). Dominated
    points go first (no more value for at least the spend), then rounds drop every point
    whose incoming slope is not above its outgoing one, all rows at once. ``steps`` and
    ``rises``: ``np.diff`` of spend and value along the rows, when the caller has them; ``slopes``:
    ``rises / steps``, likewise.
    """
    width = spend.shape[1]
    columns = np.arange(width)
    perm = None
    steps = np.diff(spend, axis=1) if steps is None else steps
    if alive.all():   # the usual table: no running maximum needed to see that spend never falls
        unsorted_rows = bool((steps < 0).any())
    else:
        running = np.maximum.accumulate(np.where(alive, spend, -np.inf), axis=1)
        unsorted_rows = bool(np.any(alive[:, 1:] & (spend[:, 1:] < running[:, :-1])))
    if unsorted_rows:
        perm = np.argsort(np.where(alive, spend, np.inf), axis=1, kind="stable")
        spend, value, alive = (np.take_along_axis(a, perm, axis=1) for a in (spend, value, alive))
    rows = np.flatnonzero(alive.sum(axis=1) >= 2)
    if perm is None and width > 2:
        # the usual row: every point alive, spend rising, slopes falling: it is its own hull (the rounds
        # below would drop nothing; the slopes are the same divisions they make)
        if slopes is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                slopes = (np.diff(value, axis=1) if rises is None else rises) / steps
        concave = (alive.all(axis=1) & (steps > 0).all(axis=1)
                   & (slopes[:, :-1] > slopes[:, 1:]).all(axis=1))
        rows = rows[~concave[rows]]
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


def build_path(program: Program, fit: tuple[float, float] | None = None) -> IncrementPath:
    """The sorted increments of ``program``; ``fit`` is its :func:`affine_fit` when the caller has it already."""
    cand, limits = program.candidates, program.limits
    n, width = cand.valid.shape
    with_roi = limits.has_roi_rows()
    if with_roi:
        alpha, beta = fit if fit is not None else affine_fit(program)
        value = cand.revenue
    else:
        alpha, beta = 1.0, 0.0
        value = program.objective
    alive = np.concatenate([cand.can_pause[:, None], cand.valid], axis=1)
    # (units, levels + 1) tables with the paused point (0, 0) in column 0, invalid points at 0
    spend, points = np.zeros((n, width + 1)), np.zeros((n, width + 1))
    np.copyto(spend[:, 1:], cand.spend, where=cand.valid)
    np.copyto(points[:, 1:], value, where=cand.valid)
    steps, rises = np.diff(spend, axis=1), np.diff(points, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # _hull's concavity test, and the increments' efficiencies when every point is a vertex
        slopes = rises / steps
    hull, perm = _hull(spend, points, alive, steps, rises, slopes)
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
    elif hull.all():
        vertex_column = np.tile(np.arange(width + 1, dtype=np.int16), n)   # small: it lives as long as the path
        counts = np.full(n, width + 1)
        v_spend, v_value = spend.ravel(), points.ravel()
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

    if perm is None and hull.all():
        # every point of every unit is a vertex: the increments are the table's differences along a row
        inc_unit = np.repeat(np.arange(n), width)
        inc_spend, inc_gain = steps.ravel(), rises.ravel()
    else:
        is_inc = np.ones(len(vertex_column), bool)
        is_inc[vertex_start[:-1][has_point]] = False  # a unit's first vertex is its base
        inc_to = np.flatnonzero(is_inc)
        inc_unit = vertex_unit[inc_to]
        inc_spend = v_spend[inc_to] - v_spend[inc_to - 1]
        inc_gain = v_value[inc_to] - v_value[inc_to - 1]
    free = inc_spend <= 0
    any_free = bool(free.any())
    spare_gain = None
    if perm is None and hull.all() and not any_free:
        # every increment is paid: its efficiency is the table's slope, divided already; inc_gain is not read
        # again when nothing is free, and its pages (touched already) take the running ROI below
        inc_eff, spare_gain = slopes.reshape(-1), inc_gain
        inc_gain = None
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            inc_eff = np.divide(inc_gain, inc_spend, out=np.full(len(inc_spend), np.inf),
                                where=inc_spend > 0)
    # the (units, levels + 1) tables' pages are touched already: they take the two gathers in sorted order below
    # (each holds every increment) instead of two fresh 10^7 arrays
    spare_spend, spare_value = spend.reshape(-1), points.reshape(-1)
    del spend, points, alive, hull, v_spend, v_value, steps, rises, slopes

    plan = limits.plan_of_unit
    n_plans = len(limits.plan_names)
    rho = float(limits.min_roi or 0.0)
    plan_rho = np.nan_to_num(np.asarray(limits.plan_min_roi, float), nan=0.0) if n_plans else np.zeros(0)
    scale = float(_abs_max(cand.spend) + _abs_max(value)) * max(n, 1)

    # zero-spend increments (a free level above pausing) are always bought
    forced = np.where(free, inc_spend, 0.0) if any_free else np.zeros(len(inc_spend))
    sort_key = np.negative(inc_eff)
    order = np.argsort(sort_key)   # the same as np.argsort(-inc_eff); the key's buffer is reused below
    plan_cut_hi = np.full(n_plans, np.nan)
    plan_cut_lo = np.full(n_plans, np.nan)
    plan_hi_by_roi = np.zeros(n_plans, bool)
    plan_lo_by_roi = np.zeros(n_plans, bool)
    optional = np.where(free, 0.0, inc_spend) if any_free else inc_spend
    if any_free:
        unit_base_gain = np.bincount(inc_unit, weights=np.where(free, inc_gain, 0.0), minlength=n)
    else:
        unit_base_gain = np.zeros(n)

    plan_limited = n_plans and (np.isfinite(limits.plan_max_budget).any() or np.isfinite(limits.plan_min_budget).any()
                                or (plan_rho > 0).any())
    if plan_limited:
        inc_plan = plan[inc_unit]
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
    # spend taken at the start, per increment (without plan limits: the free increments, as forced already is)
    forced_total = np.where(free, inc_spend, forced) if plan_limited else forced

    base_spend = float(base_spend_unit.sum() + forced_total.sum())
    if forced_total.any():
        forced_gain = forced_total * np.where(np.isfinite(inc_eff), inc_eff, 0.0)
        if any_free:
            forced_gain = np.where(free, inc_gain, forced_gain)
        forced_gain = forced_gain.sum()
    else:
        forced_gain = 0.0
    base_y = float(base_value_unit.sum() + forced_gain)
    if with_roi:
        base_value, base_revenue = alpha * base_y + beta * base_spend, base_y
    else:
        base_value, base_revenue = base_y, float("nan")
    # mode="clip": the same gather as optional[order] (every index is in range), without take's buffered copy
    opt_spend = np.take(optional, order, out=spare_spend[:len(order)], mode="clip")
    bought = opt_spend > 0
    if bought.all():
        opt_order = order
    else:
        opt_order, opt_spend = order[bought], opt_spend[bought]
    opt_eff = np.take(inc_eff, opt_order, out=spare_value[:len(opt_order)], mode="clip")
    del spare_spend, spare_value
    cum_spend = np.cumsum(opt_spend, out=sort_key[:len(opt_spend)])   # into the sort key's pages, touched already
    del sort_key
    if with_roi:
        if spare_gain is not None:
            cum_roi = np.subtract(opt_eff, rho, out=spare_gain[:len(opt_eff)])
        else:
            cum_roi = opt_eff - rho
        cum_roi *= opt_spend
        np.cumsum(cum_roi, out=cum_roi)
    else:
        cum_roi = np.zeros(len(opt_order))
    return IncrementPath(
        vertex_column=vertex_column, vertex_start=vertex_start, inc_unit=inc_unit, inc_spend=inc_spend,
        inc_eff=inc_eff, forced=forced_total, order=opt_order, opt_spend=opt_spend, opt_eff=opt_eff,
        cum_spend=cum_spend, cum_roi=cum_roi, base_spend=base_spend, base_value=base_value,
        base_revenue=base_revenue, base_roi=base_y - rho * base_spend if with_roi else 0.0,
        alpha=alpha, beta=beta, rho=rho, plan_cut_hi=plan_cut_hi, plan_cut_lo=plan_cut_lo,
        plan_hi_by_roi=plan_hi_by_roi, plan_lo_by_roi=plan_lo_by_roi, plan_rho=plan_rho,
        feasible=feasible, scale=max(scale, 1.0),
    )
