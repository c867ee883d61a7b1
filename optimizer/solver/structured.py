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
convention of :mod:`optimizer.solver.program` ("objective gained per unit the limit is
loosened"). Programs outside this structure (item rows; an ROI floor with an
objective that is not affine in revenue and spend, e.g. orders) are for HiGHS:
:func:`unfit_reason` says why.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from optimizer.i18n import say
from optimizer.solver.along import FrontierPoint, Point, frontier_points, locate
from optimizer.solver.increments import IncrementPath, affine_fit, build_path
from optimizer.solver.program import Limits, Program, Solution, binding


class UnfitProgram(ValueError):
    """The program has a limit or objective outside the structured solver's reach."""


#: :func:`check`'s answer: why the program is out of reach (None when it is not), and its affine fit.
Check = tuple[str | None, tuple[float, float] | None]


def unfit_reason(program: Program) -> str | None:
    """Why the structured solver cannot take this program (None when it can)."""
    return check(program)[0]


def check(program: Program) -> Check:
    """Why the program is out of reach (or None), and its :func:`affine_fit` when it has ROI rows."""
    items = [name for name, kind, _ in program.limits.row_specs() if kind.startswith("item_")]
    if items:
        return say("unfit.items", item=items[0], more=", …" if len(items) > 1 else ""), None
    if program.limits.has_roi_rows() and program.roi_revenue is not None:
        return say("unfit.held_floors"), None
    fit = affine_fit(program) if program.limits.has_roi_rows() else None
    if program.limits.has_roi_rows() and fit is None:
        return say("unfit.objective"), None
    if not np.all(np.isfinite(program.objective) | ~program.candidates.valid):
        return say("unfit.non_finite"), fit
    return None, fit


def _spare(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """A zeroed float table of ``shape`` in ``array``'s memory (a path array read no more), or None if it is no fit.

    Fresh 10^7-entry arrays are costly (their pages are faulted in one by one); the path's are touched already.
    """
    if array.size != int(np.prod(shape)) or array.dtype != np.float64 or not array.flags.c_contiguous:
        return None
    table = array.reshape(shape)
    table.fill(0.0)
    return table


def solve_structured(program: Program, checked: Check | None = None, budgets=None) -> Solution:
    """Solve the program exactly by its structure; raises :class:`UnfitProgram` outside it.

    ``checked``: :func:`check`'s answer when the caller has it already (the fit is not redone).
    ``budgets``: also read the frontier at these account budgets off the same path (``Solution.frontier``).
    """
    reason, fit = checked if checked is not None else check(program)
    if reason:
        raise UnfitProgram(reason)
    path = build_path(program, fit)
    with_roi = program.limits.has_roi_rows()
    front = () if budgets is None else frontier_points(path, _account_rows(program.limits), budgets, with_roi)
    point = locate(path, program.limits.budget, with_roi)
    if not point.feasible:
        return Solution("infeasible", float("nan"), np.zeros(program.candidates.valid.shape), {}, {}, (),
                        solver="fast", frontier=front)
    share = _share_table(path, _fractions(path, point.position), program.candidates.valid.shape)
    # a scratch table for the products below: the running ROI's pages, which held the fractions (read no more)
    scratch = _spare(path.cum_roi, share.shape)
    if scratch is None:
        scratch = np.empty_like(share)
    duals, activity = _duals_and_activity(program, path, point, share, scratch)
    objective = float(np.multiply(share, program.objective, out=scratch).sum())
    return Solution("optimal", objective, share, duals, activity, binding(duals, objective), solver="fast",
                    frontier=front)


def _fractions(path: IncrementPath, position: float) -> np.ndarray:
    """The part of each increment (unit-major) bought at ``position``: the forced part, then the optional
    prefix of the path (the order visits each increment once)."""
    full = int(np.floor(position))
    bought = path.order[:full + 1]
    cut = full < len(path.opt_spend)   # the last bought increment is taken in part
    if path.forced.any():
        optional_taken = path.opt_spend[:full + 1].copy()
        if cut:
            optional_taken[full] = (position - full) * path.opt_spend[full]
        taken = path.forced.copy()
        taken[bought] += optional_taken
    else:   # nothing forced (the usual case): the bought increments are all that is taken
        # the path is this call's own and its running ROI is not read after locate: its pages, touched
        # already, hold ``taken`` when they are the right size (a fresh 10^7 array otherwise)
        taken = _spare(path.cum_roi, path.forced.shape)
        if taken is None:
            taken = np.zeros(len(path.forced))
        taken[bought] = path.opt_spend[:full + 1]   # no copy of the prefix: the cut increment is set after
        if cut:
            taken[path.order[full]] = (position - full) * path.opt_spend[full]
    paid = path.inc_spend > 0
    fraction = np.divide(taken, path.inc_spend, out=taken, where=paid)   # in place: 10^7 increments
    fraction[~paid] = 1.0
    return np.clip(fraction, 0.0, 1.0, out=fraction)


def _share_table(path: IncrementPath, fraction: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The ``(units, levels)`` shares: each unit mixes the two hull vertices its bought increments end between."""
    n, width = shape
    steps = np.bincount(path.inc_unit, weights=fraction, minlength=n)
    whole = np.floor(steps + 1e-12).astype(int)
    part = np.clip(steps - whole, 0.0, 1.0)
    counts = np.diff(path.vertex_start)
    units = np.flatnonzero(counts > 0)
    low_vertex = path.vertex_start[units] + np.minimum(whole[units], counts[units] - 1)
    high_vertex = np.minimum(low_vertex + 1, path.vertex_start[units + 1] - 1)
    # the share table in the running spend's pages (not read after locate, touched already) when they fit
    share = _spare(path.cum_spend, (n, width))
    if share is None:
        share = np.zeros((n, width))
    cells = share.reshape(-1)   # flat indices: one unit per cell and statement, as share[unit, column] would
    # vertex column 0 is pausing, the slack of the choose row: not a column of the share table
    for first, (vertex, amount) in enumerate(((low_vertex, 1.0 - part[units]), (high_vertex, part[units]))):
        column = path.vertex_column[vertex].astype(np.intp) - 1
        chosen = column >= 0
        if first == 0:   # each cell still 0: 0 + amount is amount (1 - part is never -0), so set, not add
            cells[units[chosen] * width + column[chosen]] = amount[chosen]
        else:
            cells[units[chosen] * width + column[chosen]] += amount[chosen]
    return share


def _plan_duals(path: IncrementPath, limits: Limits, budget_dual: float, roi_dual: float) -> dict[str, np.ndarray]:
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


def _duals_and_activity(program: Program, path: IncrementPath, point: Point, share: np.ndarray,
                        scratch: np.ndarray):
    cand, limits = program.candidates, program.limits
    unit_spend = np.multiply(share, cand.spend, out=scratch).sum(axis=1)
    unit_revenue = np.multiply(share, cand.revenue, out=scratch).sum(axis=1)   # the same buffer again
    n_plans = len(limits.plan_names)
    plan = limits.plan_of_unit
    plan_spend = np.bincount(plan, weights=unit_spend, minlength=n_plans) if n_plans else np.zeros(0)
    plan_revenue = np.bincount(plan, weights=unit_revenue, minlength=n_plans) if n_plans else np.zeros(0)
    per_plan = _plan_duals(path, limits, point.budget_dual, point.roi_dual) if n_plans else {}
    duals, activity = {}, {}
    for name, kind, p in limits.row_specs():   # no item rows: solve_structured refuses them
        if kind == "budget":
            duals[name], activity[name] = point.budget_dual, float(unit_spend.sum())
        elif kind == "min_roi":
            duals[name] = point.roi_dual
            activity[name] = float(unit_revenue.sum() - limits.min_roi * unit_spend.sum())
        elif kind == "plan_budget_cap":
            duals[name], activity[name] = float(per_plan["cap"][p]), float(plan_spend[p])
        elif kind == "plan_budget_floor":
            duals[name], activity[name] = float(per_plan["floor"][p]), float(plan_spend[p])
        else:
            duals[name] = float(per_plan["roi"][p])
            activity[name] = float(plan_revenue[p] - limits.plan_min_roi[p] * plan_spend[p])
    return duals, activity


def _account_rows(limits: Limits) -> list[tuple[str, str]]:
    """The account's rows (name, kind) at any budget: the ones a frontier point quotes duals for."""
    return [(name, kind) for name, kind, _ in replace(limits, budget=0.0).row_specs() if kind in ("budget", "min_roi")]


def frontier(program: Program, budgets) -> tuple[FrontierPoint, ...]:
    """The best objective at each budget, from one hull and one sort (the budget moves along the same path).

    Only the account budget changes between points, so each point is where the same
    sorted increments are cut; duals of the plan rows are left out (only the account's).
    """
    reason, fit = check(program)
    if reason:
        raise UnfitProgram(reason)
    return frontier_points(build_path(program, fit), _account_rows(program.limits), budgets,
                           program.limits.has_roi_rows())
