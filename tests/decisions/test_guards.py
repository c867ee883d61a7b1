"""The guards: no raise for a unit that spent without an order, no pause for a unit that earns well above the floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.decisions.guards import guard, said
from optimizer.decisions.plan import make_plan
from optimizer.model.response import STEPS, Candidates
from optimizer.scenario.scenario_file import scenario_from_reports
from tests.paths import SAMPLE

LEVELS = 2 * STEPS + 1


def candidates(count: int, spend_scale: float = 1.0) -> Candidates:
    multiplier = np.geomspace(0.5, 2.0, LEVELS)[None, :] * np.ones((count, 1))
    spend = 10.0 * spend_scale * multiplier
    figures = {"bid": multiplier, "impressions": 100 * multiplier, "clicks": 10 * multiplier, "spend": spend,
               "orders": multiplier, "revenue": 30 * multiplier}
    current = {name: values[:, STEPS] for name, values in figures.items()}
    return Candidates(**figures, valid=np.ones((count, LEVELS), bool), can_pause=np.ones(count, bool), current=current)


def units(spend, orders, revenue) -> pd.DataFrame:
    return pd.DataFrame({"observed_spend": spend, "observed_orders": orders, "observed_revenue": revenue})


def test_a_unit_that_spent_twice_the_cost_per_order_without_an_order_loses_its_raises():
    # the account: 100 spent for 10 orders, 10 per order; unit 0 spent 25 with none, unit 1 spent 15 with none
    table = units([25.0, 15.0, 60.0], [0.0, 0.0, 10.0], [0.0, 0.0, 300.0])
    guarded, held = guard(table, candidates(3), floor=None, budget=1e9)
    assert held.waste.tolist() == [True, False, False]
    assert not guarded.valid[0, STEPS + 1:].any() and guarded.valid[0, : STEPS + 1].all()
    assert guarded.valid[1:].all()


def test_a_unit_with_three_orders_at_one_and_a_half_times_the_floor_is_not_paused():
    table = units([10.0, 10.0, 10.0], [3.0, 2.0, 3.0], [40.0, 40.0, 20.0])   # ROI 4, 4 (2 orders), 2
    guarded, held = guard(table, candidates(3), floor=2.5, budget=1e9)
    assert held.winner.tolist() == [True, False, False] and guarded.can_pause.tolist() == [False, True, True]
    assert guard(table, candidates(3), floor=None, budget=1e9)[1].winner.tolist() == [False] * 3


def test_winners_that_do_not_fit_the_budget_at_their_lowest_bid_may_pause():
    table = units([10.0, 10.0], [3.0, 3.0], [40.0, 40.0])
    guarded, held = guard(table, candidates(2), floor=1.0, budget=9.0)   # lowest spend: 5 each
    assert not held.winner.any() and guarded.can_pause.all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.integers(0, 6), st.floats(0, 10)), min_size=1, max_size=20),
       st.floats(0.5, 5))
def test_the_guards_never_take_away_every_choice_of_a_unit(rows, floor):
    spend = [row[0] for row in rows]
    orders = [float(row[1]) for row in rows]
    revenue = [row[0] * row[2] for row in rows]
    guarded, held = guard(units(spend, orders, revenue), candidates(len(rows)), floor=floor, budget=1e9)
    assert (guarded.valid.any(axis=1) | guarded.can_pause).all()
    assert not (held.waste & held.winner).any()


def test_the_reasons_say_which_guard_held_a_unit():
    table = units([25.0, 10.0], [0.0, 3.0], [0.0, 40.0])
    _, held = guard(table, candidates(2), floor=1.0, budget=1e9)
    lowest = held.lowest_bid[1]
    bids = pd.DataFrame({"action": ["hold", "cut"], "new_bid": [1.0, lowest], "reason": ["a", "b"]})
    reasons = said(bids, held)["reason"].tolist()
    assert reasons[0].startswith("a — never raised") and reasons[1].startswith("b — kept running")
    above = said(bids.assign(new_bid=[1.0, lowest * 1.2]), held)["reason"].tolist()
    assert above[1] == "b"   # a winner cut less than allowed was not held by the guard


@pytest.mark.slow
def test_no_plan_raises_a_unit_that_spent_without_an_order():
    result = make_plan(scenario_from_reports([SAMPLE]))
    bids, frame = result.bids, result.performance.frame
    cost_per_order = frame["spend"].sum() / frame["orders"].sum()
    wasted = (bids["observed_spend"] >= 2 * cost_per_order) & (bids["observed_orders"].fillna(0) <= 0)
    assert not (wasted & (bids["action"] == "raise")).any()
