"""The linear program: choose a mix of candidate bids per unit, best objective within the limits.

Variables ``share[i, k]`` in [0, 1] are the part of the period unit ``i`` runs at
candidate bid ``k`` (mixing two neighbouring bids is a time split of the week;
what is left is paused). Named rows, as in the maths::

    maximise    sum objective[i,k] share[i,k]
    choose[i]               sum_k share[i,k]                     <= 1   (= 1 when the unit may not pause)
    budget                  sum spend share                      <= budget
    min_roi                 sum (revenue - min_roi spend) share  >= 0
    plan_budget_cap[p]      sum_{i in p} spend share             <= max_budget[p]
    plan_budget_floor[p]    sum_{i in p} spend share             >= min_budget[p]
    plan_min_roi[p]         sum_{i in p} (revenue - r_p spend)   >= 0

Solved exactly by HiGHS (``highspy``). HiGHS's status and sign conventions stay in
this module: a :class:`Solution` carries our words and duals by row name, as
"objective gained per unit the limit is loosened".
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from optimizer.response import Candidates

INF = highspy.kHighsInf
#: A row whose dual is below this (relative to the objective scale) is not binding.
BINDING_TOL = 1e-7


@dataclass(frozen=True)
class Limits:
    """The right-hand sides of the program; NaN in a per-plan array means no limit."""

    budget: float | None
    min_roi: float | None
    plan_of_unit: np.ndarray
    plan_names: tuple[str, ...]
    plan_max_budget: np.ndarray
    plan_min_budget: np.ndarray
    plan_min_roi: np.ndarray


@dataclass(frozen=True)
class Program:
    """The LP's data: candidates, objective coefficient per candidate, limits."""

    candidates: Candidates
    objective: np.ndarray
    limits: Limits

    def rows(self) -> list[tuple[str, np.ndarray, float, float, np.ndarray]]:
        """Every coupling row as (name, coefficients over candidates, lower, upper, units it covers).

        Coefficients are dense ``(units, levels)`` arrays, zero outside the row's units.
        """
        cand, lim = self.candidates, self.limits
        rows = []
        if lim.budget is not None:
            rows.append(("budget", cand.spend, -INF, lim.budget, None))
        if lim.min_roi:
            rows.append(("min_roi", cand.revenue - lim.min_roi * cand.spend, 0.0, INF, None))
        for p, name in enumerate(lim.plan_names):
            members = lim.plan_of_unit == p
            in_plan = members[:, None]
            if np.isfinite(lim.plan_max_budget[p]):
                rows.append((f"plan_budget_cap[{name}]", cand.spend * in_plan, -INF, lim.plan_max_budget[p], members))
            if np.isfinite(lim.plan_min_budget[p]):
                rows.append((f"plan_budget_floor[{name}]", cand.spend * in_plan, lim.plan_min_budget[p], INF, members))
            if np.isfinite(lim.plan_min_roi[p]) and lim.plan_min_roi[p] > 0:
                coef = (cand.revenue - lim.plan_min_roi[p] * cand.spend) * in_plan
                rows.append((f"plan_min_roi[{name}]", coef, 0.0, INF, members))
        return rows


@dataclass(frozen=True)
class Solution:
    """What the solver found, in our words."""

    status: str
    objective: float
    #: ``(units, levels)`` share of the period at each candidate bid.
    share: np.ndarray
    #: Objective gained per unit each named limit is loosened (>= 0 when it binds).
    duals: dict[str, float]
    #: Each named row's value at the solution.
    activity: dict[str, float]
    binding: tuple[str, ...]
    solver: str = "highs"


def solve(program: Program, *, time_limit: float | None = None) -> Solution:
    """Solve the program with HiGHS; an infeasible one comes back with status "infeasible"."""
    cand = program.candidates
    n_units, n_levels = cand.valid.shape
    columns = np.flatnonzero(cand.valid.ravel())
    unit_of_col = columns // n_levels
    coupling = program.rows()

    row_ids = [unit_of_col]
    col_ids = [np.arange(len(columns))]
    values = [np.ones(len(columns))]
    for r, (_, coef, _, _, _) in enumerate(coupling):
        flat = coef.ravel()[columns]
        keep = np.flatnonzero(flat != 0)
        row_ids.append(np.full(len(keep), n_units + r))
        col_ids.append(keep)
        values.append(flat[keep])
    matrix = sp.csc_matrix(
        (np.concatenate(values), (np.concatenate(row_ids), np.concatenate(col_ids))),
        shape=(n_units + len(coupling), len(columns)),
    )
    lower = np.concatenate([np.where(cand.can_pause, 0.0, 1.0), [row[2] for row in coupling]])
    upper = np.concatenate([np.ones(n_units), [row[3] for row in coupling]])

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(columns), matrix.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = program.objective.ravel()[columns].astype(float)
    lp.col_lower_ = np.zeros(len(columns))
    lp.col_upper_ = np.ones(len(columns))
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    if time_limit:
        highs.setOptionValue("time_limit", float(time_limit))
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    names = [row[0] for row in coupling]
    if status == highspy.HighsModelStatus.kInfeasible:
        return Solution("infeasible", float("nan"), np.zeros(cand.valid.shape), {}, {}, ())
    if status == highspy.HighsModelStatus.kModelEmpty or len(columns) == 0:
        return Solution("optimal", 0.0, np.zeros(cand.valid.shape), dict.fromkeys(names, 0.0),
                        dict.fromkeys(names, 0.0), ())
    if status != highspy.HighsModelStatus.kOptimal:
        return Solution(highs.modelStatusToString(status).lower(), float("nan"), np.zeros(cand.valid.shape), {}, {}, ())
    solution = highs.getSolution()
    share = np.zeros(n_units * n_levels)
    share[columns] = np.clip(np.asarray(solution.col_value), 0.0, 1.0)
    row_dual = np.asarray(solution.row_dual)[n_units:]
    row_value = np.asarray(solution.row_value)[n_units:]
    # HiGHS reports d(objective)/d(row bound) for a maximisation with the sign of the bound
    # moved; we report what loosening gains: upper limits as is, lower limits negated.
    gains = np.array([dual if row[3] < INF else -dual for dual, row in zip(row_dual, coupling)])
    scale = max(1.0, abs(highs.getInfo().objective_function_value))
    binding = tuple(name for name, gain in zip(names, gains) if gain > BINDING_TOL * scale)
    return Solution(
        status="optimal",
        objective=float(highs.getInfo().objective_function_value),
        share=share.reshape(n_units, n_levels),
        duals=dict(zip(names, gains.tolist())),
        activity=dict(zip(names, row_value.tolist())),
        binding=binding,
    )


def write_lp(program: Program, path) -> None:
    """Write the same program through PuLP as an LP file a person can audit.

    Variable ``share_<unit>_<level>`` is the part of the period unit ``unit`` runs at
    candidate ``level`` (today's bid is the middle level). PuLP needs one Python
    object per variable, so this export is for audit, not for the hot path.
    """
    import pulp

    cand = program.candidates
    n_units, n_levels = cand.valid.shape
    columns = np.flatnonzero(cand.valid.ravel())
    model = pulp.LpProblem("bidopt_plan", pulp.LpMaximize)
    variables = {
        int(col): model.add_variable(f"share_{col // n_levels}_{col % n_levels}", lowBound=0, upBound=1)
        for col in columns
    }

    def expression(coef: np.ndarray) -> pulp.LpAffineExpression:
        flat = coef.ravel()
        return pulp.LpAffineExpression([(variables[int(col)], float(flat[col])) for col in columns if flat[col] != 0])

    model += expression(program.objective), "objective"
    unit_of_col = columns // n_levels
    starts = np.searchsorted(unit_of_col, np.arange(n_units + 1))
    for unit in range(n_units):
        members = [variables[int(col)] for col in columns[starts[unit]:starts[unit + 1]]]
        if not members:
            continue
        total = pulp.lpSum(members)
        model += (total <= 1 if cand.can_pause[unit] else total == 1), f"choose_{unit}"
    for name, coef, lower, upper, _ in program.rows():
        label = name.replace("[", "_").replace("]", "")
        if upper < INF:
            model += expression(coef) <= upper, label
        else:
            model += expression(coef) >= lower, label
    model.writeLP(str(path))
