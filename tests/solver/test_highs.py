"""HiGHS: limits hold, duals are the finite-difference gains, infeasibility is diagnosed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.solver.feasibility import diagnose
from optimizer.solver.highs import solve_highs
from tests.solver.test_program import concave_candidates, limits, program, totals


def test_budget_dual_is_the_gain_of_one_more_unit_of_budget():
    cand = concave_candidates(np.random.default_rng(1), 40)
    base = solve_highs(program(cand, limits(40, budget=800.0)))
    more = solve_highs(program(cand, limits(40, budget=801.0)))
    assert base.status == "optimal"
    assert "budget" in base.binding
    assert base.duals["budget"] == pytest.approx(more.objective - base.objective, rel=1e-6)


def test_roi_dual_prices_the_floor():
    cand = concave_candidates(np.random.default_rng(2), 40)
    base = solve_highs(program(cand, limits(40, budget=5000.0, min_roi=9.0)))
    assert base.binding == ("min_roi",)
    step = 1e-4
    higher = solve_highs(program(cand, limits(40, budget=5000.0, min_roi=9.0 + step)))
    spend, _ = totals(cand, base.share)
    assert (base.objective - higher.objective) / step == pytest.approx(base.duals["min_roi"] * spend, rel=1e-3)


def test_plan_cap_and_plan_roi_bind_by_name():
    cand = concave_candidates(np.random.default_rng(3), 30)
    solution = solve_highs(program(cand, limits(30, budget=900.0, cap=150.0)))
    assert set(solution.binding) == {"budget", "plan_budget_cap[计划0]"}
    in_plan = (np.arange(30) % 2 == 0)[:, None]
    assert (solution.share * cand.spend * in_plan).sum() == pytest.approx(150.0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), budget=st.floats(1.0, 3000.0),
       min_roi=st.one_of(st.none(), st.floats(0.5, 8.0)), can_pause=st.booleans())


def test_limits_always_hold_when_feasible(seed, n, budget, min_roi, can_pause):
    cand = concave_candidates(np.random.default_rng(seed), n, can_pause=can_pause)
    solution = solve_highs(program(cand, limits(n, budget=budget, min_roi=min_roi, plans=1)))
    if solution.status == "infeasible":
        assert diagnose(program(cand, limits(n, budget=budget, min_roi=min_roi, plans=1)))
        return
    spend, revenue = totals(cand, solution.share)
    assert spend <= budget * (1 + 1e-7) + 1e-7
    if min_roi:
        assert revenue >= min_roi * spend - 1e-6 * max(1.0, spend)
    chosen = solution.share.sum(axis=1)
    assert np.all(chosen <= 1 + 1e-9)
    if not can_pause:
        assert np.allclose(chosen, 1.0)


def test_invalid_levels_are_never_chosen():
    cand = concave_candidates(np.random.default_rng(8), 20)
    valid = cand.valid.copy()
    valid[:, -1] = False
    cand = replace(cand, valid=valid)
    solution = solve_highs(program(cand, limits(20, budget=1e6)))
    assert np.all(solution.share[:, -1] == 0)
