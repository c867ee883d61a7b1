"""The linear program: choose a mix of candidate bids per unit, best objective within the limits.

Variables ``share[i, k]`` in [0, 1] are the part of the period unit ``i`` runs at
candidate bid ``k`` (mixing two neighbouring bids is a time split of the week;
what is left is paused). Named rows, as in the maths::

    maximise    sum objective[i,k] share[i,k]
    choose[i]               sum_k share[i,k]                     <= 1   (= 1 when the unit may not pause)
    budget                  sum spend share                      <= budget
    min_roi                 sum (revenue - min_roi spend) share  >= 0   (revenue less a risk margin
                                                                      when min_roi_confidence is set)
    plan_budget_cap[p]      sum_{i in p} spend share             <= max_budget[p]
    plan_budget_floor[p]    sum_{i in p} spend share             >= min_budget[p]
    plan_min_roi[p]         sum_{i in p} (revenue - r_p spend)   >= 0
    item_stock[j]           sum_{i in j} orders share            <= stock[j]
    item_min_orders[j]      sum_{i in j} orders share            >= min_orders[j]
    item_min_share[j]       sum_{i in j} spend - share_j sum spend >= 0

Solved exactly by HiGHS through scipy's ``linprog`` (scipy's wrapper is silent and
public; highspy prints a banner on stdout when constructed), with the interior point
method and crossover to a vertex: on this structure (one short row per keyword plus a
few dense coupling rows) it is 15x faster than dual simplex at 10,000 keywords. HiGHS's status and sign
conventions stay in this module: a :class:`Solution` carries our words and duals by row name, as
"objective gained per unit the limit is loosened".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from optimizer.model.response import Candidates

INF = np.inf
#: scipy's linprog status codes, in our words; they never leave this module.
STATUS = {0: "optimal", 1: "iteration limit", 2: "infeasible", 3: "unbounded", 4: "numerical difficulties"}
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
    #: Item (ad group) limits: the item of each unit (-1 for none) and per-item arrays, NaN for no limit.
    item_of_unit: np.ndarray | None = None
    item_names: tuple[str, ...] = ()
    item_stock: np.ndarray | None = None
    item_min_orders: np.ndarray | None = None
    item_min_share: np.ndarray | None = None

    def row_specs(self) -> list[tuple[str, str, int]]:
        """Every coupling row as (name, kind, plan or item index), in order: the one place that says which exist."""
        specs = [(kind, kind, -1) for kind, on in (("budget", self.budget is not None), ("min_roi", bool(self.min_roi)))
                 if on]
        for p, name in enumerate(self.plan_names):
            for kind, on in (("plan_budget_cap", np.isfinite(self.plan_max_budget[p])),
                             ("plan_budget_floor", np.isfinite(self.plan_min_budget[p])),
                             ("plan_min_roi", np.isfinite(self.plan_min_roi[p]) and self.plan_min_roi[p] > 0)):
                if on:
                    specs.append((f"{kind}[{name}]", kind, p))
        for k, name in enumerate(self.item_names):
            for kind, on in (("item_stock", np.isfinite(self.item_stock[k])),
                             ("item_min_orders", np.isfinite(self.item_min_orders[k]) and self.item_min_orders[k] > 0),
                             ("item_min_share", np.isfinite(self.item_min_share[k]) and self.item_min_share[k] > 0)):
                if on:
                    specs.append((f"{kind}[{name}]", kind, k))
        return specs

    def row_names(self) -> list[str]:
        """The coupling rows' names, in the order of :meth:`Program.rows`, without building their arrays."""
        return [name for name, _, _ in self.row_specs()]

    def has_roi_rows(self) -> bool:
        """Whether an account or plan ROI floor is set."""
        return bool(self.min_roi) or bool(np.any(np.nan_to_num(self.plan_min_roi) > 0))


@dataclass(frozen=True)
class Program:
    """The LP's data: candidates, objective coefficient per candidate, limits."""

    candidates: Candidates
    objective: np.ndarray
    limits: Limits
    #: Revenue counted in the ROI rows when floors must hold with a probability (less a risk margin,
    #: see :mod:`optimizer.solver.risk`); None counts the expected revenue.
    roi_revenue: np.ndarray | None = None

    @property
    def revenue_in_roi_rows(self) -> np.ndarray:
        return self.candidates.revenue if self.roi_revenue is None else self.roi_revenue

    def rows(self) -> list[tuple[str, np.ndarray, float, float, np.ndarray]]:
        """Every coupling row as (name, coefficients over candidates, lower, upper, units it covers).

        Coefficients are dense ``(units, levels)`` arrays, zero outside the row's units.
        """
        cand, lim, roi_revenue = self.candidates, self.limits, self.revenue_in_roi_rows
        rows = []
        for name, kind, index in lim.row_specs():
            if kind == "budget":
                rows.append((name, cand.spend, -INF, lim.budget, None))
            elif kind == "min_roi":
                rows.append((name, roi_revenue - lim.min_roi * cand.spend, 0.0, INF, None))
            elif kind.startswith("plan_"):
                members = lim.plan_of_unit == index
                in_plan = members[:, None]
                if kind == "plan_budget_cap":
                    rows.append((name, cand.spend * in_plan, -INF, lim.plan_max_budget[index], members))
                elif kind == "plan_budget_floor":
                    rows.append((name, cand.spend * in_plan, lim.plan_min_budget[index], INF, members))
                else:
                    coef = (roi_revenue - lim.plan_min_roi[index] * cand.spend) * in_plan
                    rows.append((name, coef, 0.0, INF, members))
            else:
                members = lim.item_of_unit == index
                in_item = members[:, None]
                if kind == "item_stock":
                    rows.append((name, cand.orders * in_item, -INF, lim.item_stock[index], members))
                elif kind == "item_min_orders":
                    rows.append((name, cand.orders * in_item, lim.item_min_orders[index], INF, members))
                else:
                    coef = cand.spend * in_item - lim.item_min_share[index] * cand.spend
                    rows.append((name, coef, 0.0, INF, None))
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
    """Solve the program with HiGHS (through scipy); an infeasible one comes back with status "infeasible"."""
    cand = program.candidates
    n_units, n_levels = cand.valid.shape
    columns = np.flatnonzero(cand.valid.ravel())
    unit_of_col = columns // n_levels
    coupling = program.rows()
    names = [row[0] for row in coupling]
    empty = np.zeros(cand.valid.shape)
    if len(columns) == 0:
        zero = dict.fromkeys(names, 0.0)
        return Solution("optimal", 0.0, empty, zero, zero, ())

    # choose rows: <= 1 for units that may pause, == 1 for the others
    choose = sp.csr_matrix((np.ones(len(columns)), (unit_of_col, np.arange(len(columns)))),
                           shape=(n_units, len(columns)))
    pausable = cand.can_pause
    rows, bounds = [choose[pausable]], [np.ones(pausable.sum())]
    for _, coef, lower, upper, _ in coupling:
        flat = coef.ravel()[columns]
        sign = 1.0 if upper < INF else -1.0  # a >= row enters as -a <= -lower
        rows.append(sp.csr_matrix(sign * flat[None, :]))
        bounds.append(np.array([upper if sign > 0 else -lower]))
    options = {"presolve": True, **({"time_limit": float(time_limit)} if time_limit else {})}
    result = linprog(
        -program.objective.ravel()[columns],
        A_ub=sp.vstack(rows, format="csr"), b_ub=np.concatenate(bounds),
        A_eq=choose[~pausable] if (~pausable).any() else None,
        b_eq=np.ones((~pausable).sum()) if (~pausable).any() else None,
        bounds=(0.0, 1.0), method="highs-ipm", options=options,
    )
    if result.status == 2:
        return Solution("infeasible", float("nan"), empty, {}, {}, ())
    if result.status != 0:
        return Solution(STATUS.get(result.status, "failed"), float("nan"), empty, {}, {}, ())
    share = np.zeros(n_units * n_levels)
    share[columns] = np.clip(result.x, 0.0, 1.0)
    # linprog minimises -objective: a row's marginal is d(min)/d(b_ub) <= 0, so what loosening
    # the limit gains is minus the marginal, for <= rows and for the negated >= rows alike
    gains = -np.asarray(result.ineqlin.marginals)[int(pausable.sum()):]
    gains = np.where(np.abs(gains) > 1e-12, gains, 0.0)  # no "-0.00" for a slack limit
    objective = -float(result.fun)
    activity = [float(value) for value in (np.asarray(coef.ravel()[columns]) @ result.x for _, coef, *_ in coupling)]
    scale = max(1.0, abs(objective))
    binding = tuple(name for name, gain in zip(names, gains) if gain > BINDING_TOL * scale)
    return Solution(
        status="optimal",
        objective=objective,
        share=share.reshape(n_units, n_levels),
        duals=dict(zip(names, gains.tolist())),
        activity=dict(zip(names, activity)),
        binding=binding,
    )


def write_lp(program: Program, path) -> None:
    """Write the same program through PuLP as an LP file a person can audit (see :func:`pulp_model`)."""
    pulp_model(program).writeLP(str(path))


def pulp_model(program: Program):
    """The same program as a PuLP model, constraints named as in :meth:`Program.rows`.

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
    return model
