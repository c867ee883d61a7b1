"""The correction learned from past forecasts: none for perfect forecasts, growing with the shortfall, bounded."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.decisions.feedback import CAP, NONE, RUNS, Outcome, aim, aimed, learn, shrunk
from optimizer.i18n import translator
from optimizer.scenario.scenario_file import Scenario
from optimizer.scenario.settings import Goal
from optimizer.solver.program import Limits


def outcome(shortfall: float = 0.0, overshoot: float = 0.0, *, spend: float = 10_000.0, roi: float = 3.0,
            orders: float = 2_000.0, clicks: float = 20_000.0) -> Outcome:
    """A run whose realised ROI came in ``shortfall`` under its forecast and whose spend ``overshoot`` over it."""
    actual_spend = spend * (1.0 + overshoot)
    return Outcome(spend, spend * roi, actual_spend, actual_spend * roi * (1.0 - shortfall), orders, clicks)


def limits(budget: float = 10_000.0, min_roi: float | None = 3.0, plan_min_roi=(np.nan, 2.0)) -> Limits:
    return Limits(budget=budget, min_roi=min_roi, plan_of_unit=np.array([0, 1]), plan_names=("a", "b"),
                  plan_max_budget=np.full(2, np.nan), plan_min_budget=np.full(2, np.nan),
                  plan_min_roi=np.array(plan_min_roi, dtype=float))


shortfalls = st.floats(-0.3, 0.3)
sizes = st.floats(10.0, 1e5)


@given(sizes, sizes)
def test_perfect_forecasts_correct_nothing(orders, clicks):
    learned = learn([outcome(orders=orders, clicks=clicks)] * 3)
    assert (learned.roi_factor, learned.spend_factor, learned.active) == (1.0, 1.0, False)
    assert learned.runs == 3


@settings(max_examples=60)
@given(shortfalls, shortfalls, sizes)
def test_the_correction_grows_with_the_shortfall_and_the_overshoot(first, second, orders):
    low, high = sorted((first, second))
    assert learn([outcome(low, orders=orders)]).roi_factor <= learn([outcome(high, orders=orders)]).roi_factor
    assert learn([outcome(0.0, low, clicks=orders)]).spend_factor <= learn([outcome(0.0, high, clicks=orders)]).spend_factor


@given(st.lists(st.tuples(st.floats(-0.9, 0.9), st.floats(-0.9, 5.0), sizes), min_size=1, max_size=8))
def test_the_correction_only_tightens_and_stays_within_its_cap(runs):
    learned = learn([outcome(short, over, orders=orders, clicks=orders) for short, over, orders in runs])
    assert 1.0 <= learned.roi_factor <= 1.0 + CAP + 1e-12
    assert 1.0 <= learned.spend_factor <= 1.0 + CAP + 1e-12
    assert learned.runs == min(len(runs), RUNS)


def test_a_week_with_few_orders_says_little():
    few, many = learn([outcome(0.05, orders=30)]), learn([outcome(0.05, orders=30_000)])
    assert 1.0 < few.roi_factor < 1.01 and many.roi_factor == pytest.approx(1.0 / (1.0 - 0.05), rel=0.01)


def test_runs_are_pooled_by_size_and_only_the_newest_count():
    newest = [outcome(0.04)] * RUNS
    assert learn(newest + [outcome(0.6)]).roi_factor == learn(newest).roi_factor
    pooled = learn([outcome(0.04, spend=1000.0), outcome(0.0, spend=9000.0)])
    assert pooled.actual_roi == pytest.approx(3.0 * (1 - 0.004))


def test_the_shrinkage_is_the_posterior_mean_with_its_prior():
    assert shrunk(0.03, 0.03) == pytest.approx(0.015)
    assert shrunk(-0.05, 0.0) == 0.0 and shrunk(0.5, 0.0) == CAP


def test_no_runs_or_no_spend_give_no_correction():
    assert learn([]) is NONE and learn([Outcome(0.0, 0.0, 5.0, 10.0, 1.0, 3.0)]) is NONE
    with pytest.raises(ValueError, match="finite and non-negative.*actual_spend"):
        Outcome(1.0, 1.0, math.nan, 1.0, 1.0, 1.0)


def test_to_json_carries_the_figures():
    data = learn([outcome(0.05)]).to_json()
    assert set(data) >= {"roi_factor", "spend_factor", "forecast_roi", "actual_roi", "orders", "runs"}


def test_aimed_raises_the_floors_and_lowers_the_budget_and_names_the_users_limits():
    given_limits = limits()
    learned = learn([outcome(0.05, 0.04)])
    held, notes = aimed(given_limits, learned, given_limits)
    assert held.min_roi == pytest.approx(3.0 * learned.roi_factor) and held.budget == pytest.approx(10_000 / learned.spend_factor)
    assert held.plan_min_roi[1] == pytest.approx(2.0 * learned.roi_factor) and np.isnan(held.plan_min_roi[0])
    (note,) = notes
    assert "ROI floor 3 at 3.1" in note and "budget 10,000.00 at 9," in note and "plan ROI floors +" in note
    chinese = translator("zh-CN").say(note)
    assert "投入产出比下限 3 按 3.1" in chinese and "预算 10,000.00 按 9," in chinese


def test_forecasts_that_held_leave_the_limits_as_they_are_and_say_so():
    given_limits = limits()
    held, notes = aimed(given_limits, learn([outcome(-0.05)]), given_limits)
    assert held is given_limits and "within their noise" in notes[0]
    assert aimed(given_limits, None, given_limits) == (given_limits, ())


def test_learning_turned_off_in_the_goal_is_todays_plan():
    given_limits = limits(min_roi=None, plan_min_roi=(np.nan, np.nan))
    off = Scenario(goal=Goal(learn_from_last_run=False))
    assert aim(off, given_limits, None, learn([outcome(0.05, 0.05)])) == (given_limits, ())
