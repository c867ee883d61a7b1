"""The structured solver agrees with HiGHS: same objective, same binding limits, same prices on them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.model.response import Candidates
from optimizer.solver import solve
from optimizer.solver.highs import solve_highs
from optimizer.solver.program import Limits, Program
from optimizer.solver.structured import UnfitProgram, check, frontier, solve_structured, unfit_reason


def make_program(seed: int, *, units: int = 30, levels: int = 5, plans: int = 1, objective: str = "revenue",
                 budget_share: float | None = 0.5, roi_factor: float | None = None, locked_share: float = 0.0,
                 can_pause: bool = True, ties: bool = False, zero_cost: bool = False, caps: bool = False,
                 floors: bool = False, plan_roi: bool = False, items: bool = False) -> Program:
    """A random plan program; ``roi_factor`` sets the ROI floor as a multiple of the middle levels' ROI."""
    rng = np.random.default_rng(seed)
    multiplier = np.sort(rng.uniform(0.3, 2.0, (units, levels)), axis=1)
    clicks = rng.uniform(1, 100, (units, 1)) * multiplier ** rng.uniform(0.2, 1.0, (units, 1))
    cpc = rng.uniform(0.2, 2.0, (units, 1)) * multiplier ** rng.uniform(0.0, 1.0, (units, 1))
    value_per_click = rng.uniform(0.5, 6.0, (units, 1))
    if ties:  # equal efficiencies across keywords and collinear levels
        clicks, cpc, value_per_click = np.round(clicks / 20) * 20 + 20, np.ones_like(cpc), np.round(value_per_click)
    spend = clicks * cpc
    if zero_cost:
        spend[rng.random(units) < 0.3, 0] = 0.0
    valid = rng.random((units, levels)) > 0.15
    valid[:, levels // 2] = True
    locked = rng.random(units) < locked_share
    valid[locked] = False
    valid[locked, levels // 2] = True

    def masked(values):
        return np.where(valid, values, 0.0)

    cand = Candidates(bid=np.where(valid, multiplier, np.nan), impressions=masked(clicks * 10),
                      clicks=masked(clicks), spend=masked(spend), orders=masked(clicks * rng.uniform(0.01, 0.1, (units, 1))),
                      revenue=masked(clicks * value_per_click), valid=valid,
                      can_pause=np.full(units, can_pause) & ~locked, current={})
    coefficients = {"revenue": cand.revenue, "profit": 0.4 * cand.revenue - cand.spend, "orders": cand.orders,
                    "clicks": cand.clicks}[objective]
    plan_of_unit = rng.integers(0, plans, units)
    middle = spend[:, levels // 2]
    middle_roi = float(cand.revenue[:, levels // 2].sum() / max(middle.sum(), 1e-9))
    plan_spend = np.bincount(plan_of_unit, weights=middle, minlength=plans)
    none = np.full(plans, np.nan)
    item_names = ("item",) if items else ()
    limits = Limits(
        budget=None if budget_share is None else float(budget_share * spend.max(axis=1).sum()),
        min_roi=None if roi_factor is None else roi_factor * middle_roi,
        plan_of_unit=plan_of_unit, plan_names=tuple(f"计划{p}" for p in range(plans)),
        plan_max_budget=np.where(rng.random(plans) < 0.6, plan_spend * rng.uniform(0.3, 1.2, plans), np.nan) if caps else none,
        plan_min_budget=np.where(rng.random(plans) < 0.5, plan_spend * rng.uniform(0.2, 1.1, plans), np.nan) if floors else none,
        plan_min_roi=np.where(rng.random(plans) < 0.6, middle_roi * rng.uniform(0.6, 1.4, plans), np.nan) if plan_roi else none,
        item_of_unit=np.zeros(units, int) if items else None, item_names=item_names,
        item_stock=np.array([5.0]) if items else None, item_min_orders=np.array([np.nan]) if items else None,
        item_min_share=np.array([np.nan]) if items else None,
    )
    return Program(cand, coefficients, limits)


def assert_same(program: Program) -> None:
    reference, fast = solve_highs(program), solve_structured(program)
    assert fast.status == reference.status
    if reference.status != "optimal":
        return
    scale = max(1.0, abs(reference.objective))
    assert fast.objective == pytest.approx(reference.objective, rel=1e-7, abs=1e-7)
    # the fast duals prove the optimum (Lagrangian bound = objective); where HiGHS's differ, they prove it
    # too, so the prices are not unique (a degenerate vertex) and either set of binding limits is right
    assert dual_bound(program, fast.duals) == pytest.approx(reference.objective, rel=1e-7, abs=1e-6)
    dual_scale = max([1.0] + [abs(value) for value in reference.duals.values()])
    same = all(abs(fast.duals[name] - reference.duals[name]) <= 1e-6 * dual_scale for name in reference.duals)
    if same:
        assert set(fast.binding) == set(reference.binding)
    else:
        assert dual_bound(program, reference.duals) == pytest.approx(reference.objective, rel=1e-6, abs=1e-6)
    # the solution keeps every limit and every choose row
    share = fast.share
    assert share.min() >= -1e-12 and share.sum(axis=1).max() <= 1 + 1e-9
    assert np.all(share[~program.candidates.valid] == 0)
    pinned = ~program.candidates.can_pause
    assert np.allclose(share[pinned].sum(axis=1), 1.0)
    for name, coef, lower, upper, _ in program.rows():
        value = float((coef * share).sum())
        assert lower - 1e-7 * scale <= value <= upper + 1e-7 * scale, name
        assert value == pytest.approx(fast.activity[name], rel=1e-9, abs=1e-6)
    assert fast.solver == "fast"


def dual_bound(program: Program, duals: dict[str, float]) -> float:
    """The Lagrangian bound of the prices: limits priced in, each unit then chooses its best level alone."""
    reduced = program.objective.astype(float).copy()
    bound = 0.0
    for name, coef, lower, upper, _ in program.rows():
        price = duals.get(name, 0.0)
        assert price >= -1e-9, name
        if upper < np.inf:
            reduced -= price * coef
            bound += price * upper
        else:
            reduced += price * coef
            bound -= price * lower
    cand = program.candidates
    best = np.where(cand.valid, reduced, -np.inf).max(axis=1)
    best = np.where(cand.can_pause, np.maximum(best, 0.0), best)
    return bound + float(best.sum())


SHAPES = st.fixed_dictionaries({
    "units": st.sampled_from([1, 2, 5, 30, 80]),
    "levels": st.sampled_from([1, 3, 5, 9]),
    "plans": st.sampled_from([1, 3]),
    "objective": st.sampled_from(["revenue", "profit", "revenue", "orders", "clicks"]),
    "budget_share": st.one_of(st.none(), st.floats(0.02, 1.2)),
    "roi_factor": st.one_of(st.none(), st.floats(0.5, 1.6)),
    "locked_share": st.sampled_from([0.0, 0.0, 0.3, 1.0]),
    "can_pause": st.booleans(),
    "ties": st.booleans(),
    "zero_cost": st.booleans(),
    "caps": st.booleans(),
    "floors": st.booleans(),
    "plan_roi": st.booleans(),
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), shape=SHAPES)
def test_same_optimum_as_highs(seed, shape):
    program = make_program(seed, **shape)
    if unfit_reason(program) is not None:
        assert shape["objective"] in ("orders", "clicks") and solve(program).solver == "highs"
        return
    assert_same(program)


@pytest.mark.parametrize("shape", [
    {"units": 1}, {"locked_share": 1.0}, {"can_pause": False, "roi_factor": 0.9}, {"ties": True, "roi_factor": 1.1},
    {"zero_cost": True, "roi_factor": 1.2}, {"budget_share": 0.0, "can_pause": False},
    {"roi_factor": 3.0}, {"plans": 3, "floors": True, "budget_share": 0.01},
    {"objective": "profit", "roi_factor": 0.8, "can_pause": False},
    {"plans": 3, "caps": True, "floors": True, "plan_roi": True, "roi_factor": 1.0},
])
def test_degenerate_cases(shape):
    for seed in range(15):
        assert_same(make_program(seed, **shape))


def test_roi_floor_binds_with_the_same_price():
    found = 0
    for seed in range(60):
        program = make_program(seed, budget_share=1.0, roi_factor=1.3)
        reference = solve_highs(program)
        if reference.status == "optimal" and "min_roi" in reference.binding:
            found += 1
            assert_same(program)
    assert found > 5


@pytest.mark.parametrize("program", [
    make_program(3, plans=2, budget_share=0.01, can_pause=False),
    # plan floors ten times the budget: HiGHS's interior point method stalls here, its dual simplex decides
    make_program(619054, units=30, levels=1, plans=3, budget_share=0.05, caps=True, floors=True, plan_roi=True),
])
def test_infeasible_floors_are_infeasible_for_both(program):
    assert solve_highs(program).status == solve_structured(program).status == "infeasible"


def test_items_and_floors_on_orders_are_out_of_reach():
    with_items = make_program(1, items=True)
    assert "item limits" in unfit_reason(with_items)
    with pytest.raises(UnfitProgram, match="item limits"):
        solve_structured(with_items)
    orders_floor = make_program(1, objective="orders", roi_factor=1.0)
    assert "objective orders or clicks" in unfit_reason(orders_floor)
    assert unfit_reason(make_program(1)) is None


def test_a_checked_program_is_not_checked_again():
    program = make_program(2, objective="profit", roi_factor=0.9)
    checked = check(program)
    assert checked[0] is None and checked[1] == pytest.approx((0.4, -1.0))
    assert solve_structured(program, checked).objective == solve_structured(program).objective
    with pytest.raises(UnfitProgram, match="told so"):
        solve_structured(program, ("told so", None))


def test_frontier_matches_solves_at_each_budget():
    program = make_program(11, units=60, roi_factor=1.1, budget_share=0.5)
    budgets = np.linspace(0.1, 1.5, 9) * program.limits.budget
    from dataclasses import replace

    for point, budget in zip(frontier(program, budgets), budgets):
        reference = solve_highs(replace(program, limits=replace(program.limits, budget=float(budget))))
        assert point.status == reference.status
        if reference.status == "optimal":
            assert point.objective == pytest.approx(reference.objective, rel=1e-7)
            assert point.duals["budget"] == pytest.approx(reference.duals["budget"], abs=1e-6)
            assert set(point.binding) == set(reference.binding)


@pytest.mark.parametrize("options", [{"roi_factor": 1.1}, {"objective": "profit", "roi_factor": 0.9, "caps": True},
                                     {"budget_share": 0.3, "plans": 3, "plan_roi": True}])
def test_a_solve_asked_for_budgets_reads_the_frontier_off_its_own_path(options):
    program = make_program(13, units=70, **options)
    budgets = np.linspace(0.2, 1.8, 7) * program.limits.budget
    plain, with_points = solve_structured(program), solve_structured(program, budgets=budgets)
    assert plain.frontier == ()
    assert with_points.objective == plain.objective and np.array_equal(with_points.share, plain.share)
    assert with_points.frontier == tuple(frontier(program, budgets))   # every float the same
    assert solve(program, budgets=budgets).frontier == with_points.frontier


def tied_program(budget_units: float, *, repeat: int = 40) -> Program:
    """Keywords of three identical one-bid curves, interleaved (efficiency 5, 3, 2 per unit of spend 10),
    with the budget of ``budget_units`` of them."""
    kind = np.tile([1, 0, 2, 1, 2, 0], repeat)   # 0: efficiency 5, 1: 3, 2: 2
    units = len(kind)
    spend = np.full((units, 1), 10.0)
    revenue = np.array([50.0, 30.0, 20.0])[kind][:, None]
    valid = np.ones((units, 1), bool)
    cand = Candidates(bid=np.ones((units, 1)), impressions=spend * 10, clicks=spend, spend=spend,
                      orders=revenue / 50, revenue=revenue, valid=valid, can_pause=np.ones(units, bool), current={})
    none = np.full(1, np.nan)
    limits = Limits(budget=10.0 * budget_units, min_roi=None, plan_of_unit=np.zeros(units, int), plan_names=("计划",),
                    plan_max_budget=none, plan_min_budget=none, plan_min_roi=none, item_of_unit=None, item_names=(),
                    item_stock=None, item_min_orders=None, item_min_share=None)
    return Program(cand, cand.revenue, limits)


@pytest.mark.parametrize("solver", [solve_structured, solve])
def test_among_equal_efficiencies_the_earlier_keyword_is_bought_first(solver):
    program = tied_program(budget_units=80 + 25.5)   # every efficiency-5 keyword, then 25.5 of the 80 at 3
    share = solver(program).share[:, 0]
    kind = np.tile([1, 0, 2, 1, 2, 0], 40)
    assert np.all(share[kind == 0] == 1.0) and not share[kind == 2].any()
    assert share[kind == 1].tolist() == [1.0] * 25 + [0.5] + [0.0] * 54
    assert np.array_equal(solver(program).share, share[:, None])   # the same plan again
