"""The efficient frontier: non-decreasing in budget, equal to single plans at the same budgets."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from optimizer.decisions.plan import make_plan, plan_frontier, prepare
from optimizer.scenario.scenario_file import load_scenario
from tests.paths import SCENARIOS


@pytest.fixture(scope="module")
def weekly():
    scenario = load_scenario(SCENARIOS / "weekly.toml")
    prepared = prepare(scenario)
    return scenario, prepared, make_plan(scenario, prepared)


def test_the_frontier_rises_with_the_budget_and_its_marginal_falls(weekly):
    scenario, _, result = weekly
    front = plan_frontier(result, low=0.25, high=1.0, count=12)
    objective = front.points["objective"].to_numpy()
    assert len(objective) >= 5
    assert np.all(np.diff(objective) >= -1e-6 * objective.max())
    marginal = front.points["marginal"].to_numpy()
    assert np.all(np.diff(marginal) <= 1e-6 * max(1.0, marginal.max()))  # concave: each unit buys less


def test_a_point_equals_a_plan_run_at_that_budget(weekly):
    scenario, prepared, result = weekly
    front = plan_frontier(result, low=0.4, high=0.8, count=3)
    for row in front.points.itertuples(index=False):
        single = make_plan(replace(scenario, goal=replace(scenario.goal, budget=row.budget)), prepared)
        assert single.summary.objective_value == pytest.approx(row.objective, rel=1e-7)
        assert single.summary.after.spend == pytest.approx(row.spend, rel=1e-6)


def test_with_the_roi_floor_on_the_curve_ends_where_the_floor_binds_and_says_so(weekly):
    _, _, result = weekly
    front = plan_frontier(result, low=0.5, high=2.0, count=10)
    last = front.points.iloc[-1]
    assert last["spend"] < last["budget"] and "min_roi" in last["binding"]
    planned = result.program.limits.min_roi   # the floor 2.5 planned above itself by the ROI's standard error
    assert planned > 2.5 and last["roi"] == pytest.approx(planned, rel=1e-6)
    assert front.floor_binds_from == pytest.approx(last["spend"])
    assert front.note.startswith(f"the ROI floor 2.5 (planned at {planned:.3f}) binds from a budget of ")
    assert (front.points["spend"].iloc[:-1] >= front.points["budget"].iloc[:-1] * (1 - 1e-6)).all()


def test_today_and_the_plan_are_marked(weekly):
    _, _, result = weekly
    front = plan_frontier(result, count=4)
    assert front.today == {"spend": result.summary.today.spend, "objective": result.summary.today.revenue}
    assert front.chosen["objective"] == result.summary.objective_value


def test_a_plan_asked_for_its_frontier_grid_draws_it_without_sorting_again(weekly, monkeypatch):
    from optimizer.solver import structured

    scenario, prepared, result = weekly
    asked = make_plan(scenario, prepared, frontier_grid=(0.25, 2.0, 9))
    again = plan_frontier(result, count=9).points
    def built_again(*args):
        raise RuntimeError("the hull was built again")

    monkeypatch.setattr(structured, "build_path", built_again)
    reused = plan_frontier(asked, count=9)
    assert len(asked.solution.frontier) == 9
    assert reused.points.equals(again)
    with pytest.raises(RuntimeError, match="the hull was built again"):   # another grid: solved again
        plan_frontier(asked, count=10)
