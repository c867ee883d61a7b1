"""The sliders' path re-plans as ``bidopt plan`` plans: the same spend, revenue, plan budgets and actions."""

from __future__ import annotations

import json
import struct
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from optimizer.decisions.plan import make_plan
from optimizer.errors import InfeasibleError
from optimizer.scenario.scenario_file import ItemLimits, load_scenario
from optimizer.workbench.sliders import ARRAYS, slider_path
from tests.paths import SCENARIOS

ACTIONS = ("raise", "cut", "hold", "pause")


@pytest.fixture(scope="module")
def weekly():
    scenario = load_scenario(SCENARIOS / "weekly.toml")
    return scenario, make_plan(scenario)


def assert_same_plan(found: dict, planned) -> None:
    after = planned.summary.after
    assert found["spend"] == pytest.approx(after.spend, rel=1e-9)
    assert found["revenue"] == pytest.approx(after.revenue, rel=1e-9)
    assert found["objective"] == pytest.approx(planned.summary.objective_value, rel=1e-9)
    assert np.allclose(found["plan_spend"], planned.plans["new_budget"], atol=0.006)   # plans.csv keeps cents
    assert found["actions"] == {action: int((planned.bids["action"] == action).sum()) for action in ACTIONS}


def asked(scenario, budget: float, min_roi: float | None):
    """The scenario as ``--budget budget --min-roi min_roi`` runs it (None: no min_roi at all, the defaults)."""
    return replace(scenario, goal=replace(scenario.goal, budget=budget, min_roi=min_roi))


@pytest.mark.parametrize("budget, min_roi", [(27400, 2.5), (20000, 2.5), (35000, 2.0), (15000, 3.0), (40000, 2.8),
                                             (27400, 0.0), (9000, 0.0), (40000, 0.0), (40000, 0.6), (40000, None),
                                             (20000, None)])
def test_the_path_replans_as_plan_does(weekly, budget, min_roi):
    scenario, planned = weekly
    sliders, note = slider_path(planned)
    assert note == ""
    assert_same_plan(sliders.at(budget, min_roi), make_plan(asked(scenario, budget, min_roi)))


def test_the_break_even_cut_and_todays_floor_apply_as_the_defaults_say(weekly):
    scenario, planned = weekly
    sliders, _ = slider_path(planned)
    today = planned.summary.today   # today's bids at the recent pace, as the default floor reads them
    assert sliders.break_even == 1.0 and sliders.default_floor == pytest.approx(today.revenue / today.spend)
    assert sliders.above_break_even < len(sliders.spend)
    no_cut, cut = sliders.at(60000, 0.0), sliders.at(60000, 1.0)
    assert no_cut["spend"] > cut["spend"] and sliders.at(60000, 0.99)["spend"] == no_cut["spend"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.floats(8000, 60000), min_roi=st.one_of(st.none(), st.just(0.0), st.floats(0.3, 3.6)))
@example(budget=55155.0, min_roi=0.0)   # the most actions apart found (8)
def test_at_any_budget_and_floor_the_path_is_the_plan_or_no_plan(weekly, budget, min_roi):
    scenario, planned = weekly
    sliders, _ = slider_path(planned)
    found = sliders.at(budget, min_roi)
    try:
        expected = make_plan(asked(scenario, budget, min_roi))
    except InfeasibleError:
        assert found is None or found["spend"] <= 1e-6 * planned.summary.before.spend
        return
    # the path carries the plan's own guards (no raise for a keyword that spent twice the cost per order without
    # an order; no pause for a clear winner at the plan's floor); a plan at another budget and floor may guard a
    # few keywords differently, so away from the plan's point the sliders are its re-plan to a few keywords
    # (docs/workbench.md: up to 8 of these 300, at a budget of 55,160 with no floor)
    after = expected.summary.after
    assert found["spend"] == pytest.approx(after.spend, rel=1e-3)
    assert found["revenue"] == pytest.approx(after.revenue, rel=1e-3)
    moved = sum(abs(found["actions"][a] - int((expected.bids["action"] == a).sum())) for a in ACTIONS)
    assert moved <= 0.03 * len(expected.bids)
    sent = sliders.as_sent().at(budget, min_roi)   # what the page re-plans from: as close to the plan
    assert sent["spend"] == pytest.approx(after.spend, rel=1e-3)
    assert sent["revenue"] == pytest.approx(after.revenue, rel=1e-3)
    moved = sum(abs(sent["actions"][a] - int((expected.bids["action"] == a).sum())) for a in ACTIONS)
    assert moved <= 0.03 * len(expected.bids)


def test_a_floor_no_bids_meet_has_no_plan(weekly):
    _, planned = weekly
    sliders, _ = slider_path(planned)
    assert sliders.at(27400, 50.0) is None and sliders.at(27400, 3.0) is not None


def test_objective_orders_moves_the_budget_only(weekly):
    scenario, _ = weekly
    orders = replace(scenario, goal=replace(scenario.goal, objective="orders", min_roi=0.0))
    sliders, note = slider_path(make_plan(orders))
    assert note == "" and not sliders.roi
    assert_same_plan(sliders.at(18000, 0.0), make_plan(orders.with_overrides(budget=18000)))
    sliders, note = slider_path(make_plan(asked(orders, 18000, None)))
    assert sliders is None and note.endswith("objective orders under the default ROI floor (today's ROI; min_roi = 0 "
                                             "turns it off), whose price changes the order of increments")


def test_item_limits_leave_no_sliders_and_say_why(weekly):
    scenario, planned = weekly
    item = str(planned.bids["ad_group"].iloc[0])
    sold_out = replace(scenario, items={item: ItemLimits(stock=1)})
    sliders, note = slider_path(make_plan(sold_out))
    assert sliders is None
    assert note.startswith(f"the sliders need plans the structured solver takes: item limits (item_stock[{item}]) are rows on "
                           "orders, not on spend and revenue")


def test_the_bytes_carry_every_array_aligned_for_typed_arrays(weekly):
    _, planned = weekly
    sliders, _ = slider_path(planned)
    data = sliders.to_bytes()
    (length,) = struct.unpack_from("<I", data)
    header = json.loads(data[4:4 + length])
    assert (4 + length) % 8 == 0 and header["rising"] == sliders.rising and header["base"] == sliders.base
    offset = 4 + length
    sent = sliders.as_sent()
    for name, kind, count in header["arrays"]:
        assert offset % 8 == 0 and ARRAYS[name] == kind
        array = np.frombuffer(data, dtype=kind, count=count, offset=offset)
        assert np.array_equal(array, getattr(sent, name))
        offset += -(-array.nbytes // 8) * 8
    assert offset == len(data)


@pytest.mark.parametrize("budget, min_roi", [(27400, 2.5), (20000, 2.5), (15000, 3.0), (9000, 0.0), (40000, None)])
def test_the_path_as_sent_is_float32_and_replans_as_the_path_does(weekly, budget, min_roi):
    _, planned = weekly
    sliders, _ = slider_path(planned)
    sent = sliders.as_sent()
    assert all(np.array_equal(getattr(sent, name).astype(np.float32), getattr(sent, name))
               for name in ("spend", "revenue", "value"))
    found, exact = sent.at(budget, min_roi), sliders.at(budget, min_roi)
    for name in ("spend", "revenue", "objective"):
        assert found[name] == pytest.approx(exact[name], rel=1e-7)
    assert np.allclose(found["plan_spend"], exact["plan_spend"], rtol=1e-7)
    assert sum(abs(found["actions"][a] - exact["actions"][a]) for a in ACTIONS) <= 2


def test_the_bytes_hold_12_bytes_an_increment_and_the_value_only_when_it_is_not_the_revenue(weekly):
    scenario, planned = weekly
    sliders, _ = slider_path(planned)
    names = [name for name, _, _ in _header(sliders.to_bytes())["arrays"]]
    assert "value" not in names and np.array_equal(sliders.value, sliders.revenue)   # the objective is revenue
    increments, cut = len(sliders.spend), len(sliders.step_at)
    assert 0 < cut < increments and np.all(sliders.step_part < 1)
    per_unit = sum(getattr(sliders, name).nbytes for name in ("base_steps", "vertex_start", "vertex_action",
                                                               "plan_of_unit", "base_plan_spend", "base_plan_revenue"))
    assert len(sliders.to_bytes()) - _header_bytes(sliders.to_bytes()) - per_unit <= 12 * increments + 12 * cut + 64
    orders = replace(scenario, goal=replace(scenario.goal, objective="orders", min_roi=0.0))
    counted, _ = slider_path(make_plan(orders))
    assert "value" in [name for name, _, _ in _header(counted.to_bytes())["arrays"]]


def _header(data: bytes) -> dict:
    (length,) = struct.unpack_from("<I", data)
    return json.loads(data[4:4 + length])


def _header_bytes(data: bytes) -> int:
    return 4 + struct.unpack_from("<I", data)[0]
