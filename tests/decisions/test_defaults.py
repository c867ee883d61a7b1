"""The limits bidopt sets itself: today's ROI as the floor and the break-even cut, unless min_roi says otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.decisions.defaults import BREAK_EVEN, choose, cut_candidates
from optimizer.scenario.scenario_file import Scenario
from optimizer.scenario.settings import Goal
from optimizer.solver.program import Limits
from tests.solver.test_structured import make_program


def scenario(**goal) -> Scenario:
    return Scenario(goal=Goal(**goal))


def test_no_floor_given_keeps_todays_roi_and_break_even():
    chosen = choose(scenario(), True, 1000.0, 2500.0)
    assert chosen.floor == pytest.approx(2.5) and chosen.break_even == BREAK_EVEN == 1.0
    assert any("default ROI floor 2.50" in note for note in chosen.notes)
    assert any("under 1.00 (break-even, no margin given)" in note for note in chosen.notes)


def test_a_margin_sets_break_even():
    chosen = choose(scenario(objective="profit", margin=0.25), True, 1000.0, 2500.0)
    assert chosen.break_even == pytest.approx(4.0)
    assert any("1 / margin 0.25" in note for note in chosen.notes)


def test_min_roi_zero_turns_both_off_and_says_so():
    chosen = choose(scenario(min_roi=0), True, 1000.0, 2500.0)
    assert (chosen.floor, chosen.break_even, chosen.active) == (None, None, False)
    assert chosen.notes == ("no ROI floor and no break-even cut: min_roi = 0 turns the defaults off",)


@pytest.mark.parametrize(("min_roi", "cut"), [(2.0, 1.0), (1.0, 1.0), (0.6, None)])
def test_a_given_floor_replaces_the_default_one_and_keeps_the_cut_unless_under_break_even(min_roi, cut):
    chosen = choose(scenario(min_roi=min_roi), True, 1000.0, 2500.0)
    assert chosen.floor is None and chosen.break_even == cut
    if cut is None:
        assert chosen.notes == ("no break-even cut: min_roi 0.6 is under break-even 1.00",)


def test_without_revenue_there_is_no_default():
    chosen = choose(scenario(objective="clicks"), False, 1000.0, 0.0)
    assert not chosen.active and chosen.notes == ("no default ROI floor: the reports have no revenue, or no orders to forecast it from",)


def test_the_cut_spares_a_plan_whose_min_budget_needs_spend_under_break_even():
    program = make_program(7, units=30, levels=5, plans=2, budget_share=None)
    cand, lim = program.candidates, program.limits
    chosen = choose(scenario(), True, 1.0, 3.0)
    _, _, subject = cut_candidates(cand, chosen, lim)
    assert subject.all()
    demanding = Limits(None, None, lim.plan_of_unit, lim.plan_names, np.full(2, np.nan),
                       np.array([np.nan, 10 * cand.spend.max(axis=1).sum()]), np.full(2, np.nan))
    allowed, noted, subject = cut_candidates(cand, chosen, demanding)
    spared = lim.plan_of_unit == 1
    assert not subject[spared].any() and subject[~spared].all()
    assert (allowed.valid[spared] == cand.valid[spared]).all()
    assert any(f"plan {lim.plan_names[1]}: min_budget is beyond" in note for note in noted.notes)


def test_the_cut_spares_items_with_min_orders():
    program = make_program(8, units=20, levels=5, budget_share=None, items=True)
    chosen = choose(scenario(), True, 1.0, 3.0)
    lim = program.limits
    forced = Limits(None, None, lim.plan_of_unit, lim.plan_names, lim.plan_max_budget, lim.plan_min_budget,
                    lim.plan_min_roi, item_of_unit=np.zeros(20, int), item_names=("款",), item_stock=np.array([np.nan]),
                    item_min_orders=np.array([1.0]), item_min_share=np.array([np.nan]))
    allowed, noted, subject = cut_candidates(program.candidates, chosen, forced)
    assert not subject.any() and (allowed.valid == program.candidates.valid).all()
    assert any("item 款: min_orders or min_share set" in note for note in noted.notes)
