"""Infeasible limits: which conflict, and the best value each can reach."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from optimizer.solver.feasibility import best_roi, diagnose
from optimizer.solver.highs import solve_highs
from tests.solver.test_program import concave_candidates, limits, program


def test_min_budget_above_what_bids_can_spend_is_diagnosed():
    cand = concave_candidates(np.random.default_rng(4), 10)
    lim = limits(10, budget=10_000.0, floor=5_000.0)
    assert solve_highs(program(cand, lim)).status == "infeasible"
    (conflict,) = diagnose(program(cand, lim))
    assert conflict.limit == "plan_budget_floor[计划0]"
    assert conflict.reachable == pytest.approx(cand.spend[::2, -1].sum())
    assert conflict.message.startswith("plan 计划0: min_budget 5,000.00 cannot be reached")


def test_roi_floor_no_forced_spend_can_meet_reports_the_best_roi():
    cand = concave_candidates(np.random.default_rng(5), 4, levels=4, can_pause=False)
    lim = limits(4, budget=10_000.0, min_roi=1000.0, plans=1)
    assert solve_highs(program(cand, lim)).status == "infeasible"
    (conflict,) = diagnose(program(cand, lim))
    # the ratio of two linear functions peaks at a vertex: one level per unit, all tried
    expected = max(
        sum(cand.revenue[i, k] for i, k in enumerate(pick)) / sum(cand.spend[i, k] for i, k in enumerate(pick))
        for pick in itertools.product(range(4), repeat=4)
    )
    assert conflict.reachable == pytest.approx(expected, rel=1e-6)
    assert conflict.message == f"min_roi 1000 cannot be met: the highest ROI any bids reach is {expected:.2f}"


def test_best_roi_with_pausing_is_the_steepest_first_step():
    cand = concave_candidates(np.random.default_rng(6), 12)
    lim = limits(12, budget=10_000.0, plans=1)
    assert best_roi(program(cand, lim)) == pytest.approx((cand.revenue[:, 0] / cand.spend[:, 0]).max(), rel=1e-6)


def test_a_plan_roi_floor_above_its_best_is_named():
    cand = concave_candidates(np.random.default_rng(9), 6, can_pause=False)
    lim = limits(6, budget=1e6, plan_roi=1000.0)
    assert solve_highs(program(cand, lim)).status == "infeasible"
    (conflict,) = diagnose(program(cand, lim))
    assert conflict.limit == "plan_min_roi[计划0]"
    assert conflict.message.startswith("plan 计划0: min_roi 1000 cannot be met: the highest ROI its bids reach is ")


def test_a_cap_below_what_units_that_cannot_pause_spend_is_named():
    cand = concave_candidates(np.random.default_rng(10), 6, can_pause=False)
    lim = limits(6, budget=1e6, cap=1.0)
    (conflict,) = diagnose(program(cand, lim))
    assert conflict.limit == "plan_budget_cap[计划0]"
    assert conflict.reachable == pytest.approx(cand.spend[::2, 0].sum())


def test_item_min_orders_beyond_reach_is_named():
    from dataclasses import replace

    cand = concave_candidates(np.random.default_rng(11), 6)
    lim = replace(limits(6, budget=1e6), item_of_unit=np.array([0, 0, 0, -1, -1, -1]), item_names=("羊绒大衣",),
                  item_stock=np.array([np.nan]), item_min_orders=np.array([1e6]), item_min_share=np.array([np.nan]))
    assert solve_highs(program(cand, lim)).status == "infeasible"
    (conflict,) = diagnose(program(cand, lim))
    assert conflict.limit == "item_min_orders[羊绒大衣]"
    assert conflict.reachable == pytest.approx(cand.orders[:3, -1].sum())
    assert conflict.message.startswith("item 羊绒大衣: min_orders 1e+06 cannot be reached")


def test_a_floor_that_holds_alone_is_named_with_the_limit_it_conflicts_with():
    cand = concave_candidates(np.random.default_rng(12), 10)
    lim = limits(10, budget=1e6, plans=2)
    alone = best_roi(program(cand, lim))
    forced = float(cand.spend[::2].max(axis=1).sum()) * 0.9   # plan 计划0 must spend near its most
    lim = limits(10, budget=1e6, floor=forced, min_roi=0.9 * alone, plans=2)
    assert solve_highs(program(cand, lim)).status == "infeasible"
    (conflict,) = diagnose(program(cand, lim))
    assert conflict.limit == "min_roi" and conflict.reachable < conflict.asked
    assert conflict.message.startswith(f"min_roi {0.9 * alone:g} cannot hold together with min_budget {forced:,.2f} "
                                       "of plan 计划0: under it the highest ROI any bids reach is ")
    assert f"(alone, {alone:.2f})" in conflict.message


def test_the_conflict_named_is_one_no_limit_of_which_can_go():
    from dataclasses import replace

    from optimizer.solver.feasibility import only_rows, smallest_conflict

    cand = concave_candidates(np.random.default_rng(13), 10)
    base = limits(10, budget=1e6, plans=2)
    forced = float(cand.spend[::2].max(axis=1).sum()) * 0.9
    lim = replace(limits(10, budget=1e6, floor=forced, min_roi=0.9 * best_roi(program(cand, base)), plans=2),
                  plan_max_budget=np.array([np.nan, 1e9]))   # a cap on 计划1 that plays no part
    conflict = smallest_conflict(program(cand, lim))
    named = [name for name in lim.row_names() if name.split("[")[0] in conflict.message
             or (name.startswith("plan_budget_floor") and "min_budget" in conflict.message)]
    assert "budget 1,000,000.00" not in conflict.message and "max_budget" not in conflict.message
    kept = ["min_roi", "plan_budget_floor[计划0]"]
    assert set(kept) <= set(named)
    assert solve_highs(program(cand, only_rows(lim, kept))).status == "infeasible"
    for name in kept:
        rest = [other for other in kept if other != name]
        assert solve_highs(program(cand, only_rows(lim, rest))).status == "optimal"


def test_limits_with_no_floor_that_conflict_are_all_named():
    from dataclasses import replace

    cand = concave_candidates(np.random.default_rng(14), 10)
    most_spend, most_orders = float(cand.spend[::2].max(axis=1).sum()), float(cand.orders[::2].max(axis=1).sum())
    cap, wanted = 0.3 * most_spend, 0.9 * most_orders
    lim = replace(limits(10, budget=1e6, cap=cap, plans=2), item_of_unit=np.where(np.arange(10) % 2 == 0, 0, -1),
                  item_names=("款",), item_stock=np.array([np.nan]), item_min_orders=np.array([wanted]),
                  item_min_share=np.array([np.nan]))
    assert solve_highs(program(cand, lim)).status == "infeasible"
    (conflict,) = diagnose(program(cand, lim))
    assert conflict.message == (f"max_budget {cap:,.2f} of plan 计划0 and min_orders {wanted:g} of item 款 cannot all "
                                "hold together (each alone can): relax one of them")


def test_many_limits_that_play_no_part_cost_few_solves(monkeypatch):
    from dataclasses import replace

    from optimizer.solver import feasibility

    cand = concave_candidates(np.random.default_rng(15), 40)
    base = limits(40, budget=1e6, plans=20)
    forced = float(cand.spend[::20].max(axis=1).sum()) * 0.9
    lim = replace(base, min_roi=0.9 * best_roi(program(cand, base)), plan_min_budget=np.r_[forced, np.full(19, np.nan)],
                  plan_max_budget=np.full(20, 1e9))   # twenty caps that play no part
    calls = []
    real = feasibility._feasible
    monkeypatch.setattr(feasibility, "_feasible", lambda *args: calls.append(1) or real(*args))
    conflict = feasibility.smallest_conflict(program(cand, lim))
    assert conflict.limit == "min_roi" and "min_budget" in conflict.message and "max_budget" not in conflict.message
    assert len(calls) <= len(feasibility._DELETION_ORDER) + 2
