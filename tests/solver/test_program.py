"""The program's data: its rows, their names, which of them bind; random concave programs for the solvers' tests."""

from __future__ import annotations

import numpy as np

from optimizer.model.response import Candidates
from optimizer.solver.program import BINDING_TOL, Limits, Program, binding, row_name


def concave_candidates(rng: np.random.Generator, n: int, levels: int = 7, can_pause: bool = True) -> Candidates:
    """Random units whose revenue is concave in spend, as the response model makes them."""
    spend = np.sort(rng.uniform(1, 100, (n, levels)), axis=1)
    revenue = np.sqrt(spend) * rng.uniform(2, 40, (n, 1))
    zeros = np.zeros((n, levels))
    return Candidates(bid=spend / 10, impressions=zeros, clicks=spend / 2, spend=spend, orders=revenue / 50,
                      revenue=revenue, valid=np.ones((n, levels), bool), can_pause=np.full(n, can_pause),
                      current={})


def limits(n: int, budget=None, min_roi=None, plans=2, cap=np.nan, floor=np.nan, plan_roi=np.nan) -> Limits:
    def first(value):
        return np.array([value] + [np.nan] * (plans - 1), dtype=float)

    return Limits(budget, min_roi, np.arange(n) % plans, tuple(f"计划{p}" for p in range(plans)),
                  first(cap), first(floor), first(plan_roi))


def program(candidates: Candidates, lim: Limits) -> Program:
    return Program(candidates, candidates.revenue, lim)


def totals(candidates: Candidates, share: np.ndarray) -> tuple[float, float]:
    return float((share * candidates.spend).sum()), float((share * candidates.revenue).sum())


def test_row_specs_name_every_row_once_in_order():
    lim = limits(4, budget=100.0, min_roi=2.0, cap=50.0, plan_roi=3.0)
    assert lim.row_specs() == [("budget", "budget", -1), ("min_roi", "min_roi", -1),
                               ("plan_budget_cap[计划0]", "plan_budget_cap", 0), ("plan_min_roi[计划0]", "plan_min_roi", 0)]
    assert lim.row_names() == [name for name, *_ in program(concave_candidates(np.random.default_rng(1), 4), lim).rows()]


def test_row_name_is_the_kind_or_the_kind_of_its_owner():
    assert row_name("budget") == "budget"
    assert row_name("plan_budget_floor", "计划A") == "plan_budget_floor[计划A]"


def test_binding_scales_the_tolerance_by_the_objective():
    duals = {"budget": 2e-7, "min_roi": 0.0, "plan_budget_cap[A]": 5e-4}
    assert binding(duals, 1.0) == ("budget", "plan_budget_cap[A]")
    assert binding(duals, 1000.0) == ("plan_budget_cap[A]",)
    assert binding({"budget": BINDING_TOL}, -0.5) == ()
