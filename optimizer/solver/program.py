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

Three solvers take it (:func:`optimizer.solver.solve` picks one): the structured
one in :mod:`optimizer.solver.structured`, HiGHS in :mod:`optimizer.solver.highs` and
CBC in :mod:`optimizer.solver.pulp_cbc`. Each hands back a :class:`Solution` in our
words, with duals by row name as "objective gained per unit the limit is loosened".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.model.response import Candidates

INF = np.inf
#: A row whose dual is below this (relative to the objective scale, see :func:`binding`) is not binding.
BINDING_TOL = 1e-7
#: Relative tolerance of the structured solver's feasibility checks (limits met up to it).
FEAS_TOL = 1e-9
#: Relative tolerance of the check that an objective is alpha * revenue + beta * spend.
FIT_TOL = 1e-9


def binding(duals: dict[str, float], objective: float) -> tuple[str, ...]:
    """The rows whose price is above the binding tolerance, scaled by the objective (at least 1)."""
    bound = BINDING_TOL * max(1.0, abs(objective))
    return tuple(name for name, gain in duals.items() if gain > bound)


def row_name(kind: str, owner: str | None = None) -> str:
    """A coupling row's name: the kind for the account's rows, ``kind[owner]`` for a plan's or an item's."""
    return kind if owner is None else f"{kind}[{owner}]"


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
        account = (("budget", self.budget is not None), ("min_roi", bool(self.min_roi)))
        specs = [(row_name(kind), kind, -1) for kind, on in account if on]
        for p, name in enumerate(self.plan_names):
            for kind, on in (("plan_budget_cap", np.isfinite(self.plan_max_budget[p])),
                             ("plan_budget_floor", np.isfinite(self.plan_min_budget[p])),
                             ("plan_min_roi", np.isfinite(self.plan_min_roi[p]) and self.plan_min_roi[p] > 0)):
                if on:
                    specs.append((row_name(kind, name), kind, p))
        for k, name in enumerate(self.item_names):
            for kind, on in (("item_stock", np.isfinite(self.item_stock[k])),
                             ("item_min_orders", np.isfinite(self.item_min_orders[k]) and self.item_min_orders[k] > 0),
                             ("item_min_share", np.isfinite(self.item_min_share[k]) and self.item_min_share[k] > 0)):
                if on:
                    specs.append((row_name(kind, name), kind, k))
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
    #: The optimum at other account budgets, when the solve was asked for them (the structured solver reads
    #: them off its own path: :func:`optimizer.solver.along.frontier_points`); empty otherwise.
    frontier: tuple = ()
