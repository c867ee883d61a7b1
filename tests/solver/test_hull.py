"""Hulls of the candidates: the break-even cut keeps exactly the increments that return at least the ratio."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model import halves
from optimizer.solver.highs import solve_highs
from optimizer.solver.hull import UnitIncrements, _hull, _point_tables, unit_increments, within_marginal_roi
from optimizer.solver.program import Limits, Program
from tests.solver.test_structured import make_program


def _no_limits(units: int) -> Limits:
    none = np.full(1, np.nan)
    return Limits(None, None, np.zeros(units, int), ("甲",), none, none, none)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), ratio=st.floats(0.2, 6.0), can_pause=st.booleans(), ties=st.booleans(),
       zero_cost=st.booleans())
def test_the_cut_buys_what_a_price_on_spend_buys(seed, ratio, can_pause, ties, zero_cost):
    """Revenue over the kept candidates, nothing else limiting, is the optimum of revenue - ratio x spend."""
    program = make_program(seed, units=25, levels=6, can_pause=can_pause, ties=ties, zero_cost=zero_cost,
                           budget_share=None)
    cand = program.candidates
    kept = replace(cand, valid=within_marginal_roi(cand, ratio))
    assert not (kept.valid & ~cand.valid).any()
    limits = _no_limits(len(cand.valid))
    cut = solve_highs(Program(kept, kept.revenue, limits))
    priced = solve_highs(Program(cand, cand.revenue - ratio * cand.spend, limits))
    gain = lambda solution: float((solution.share * (cand.revenue - ratio * cand.spend)).sum())  # noqa: E731
    assert gain(cut) == pytest.approx(gain(priced), rel=1e-7, abs=1e-6)
    # and nothing under the ratio is left to buy: the cut program stops where the price on spend stops
    # (with ties an increment may return the ratio exactly, which the price leaves either way)
    spend = lambda solution: float((solution.share * cand.spend).sum())  # noqa: E731
    assert ties or spend(cut) <= spend(priced) + 1e-6 * max(1.0, spend(priced))


def _cut_sorting_every_row(cand, ratio: float) -> np.ndarray:
    """within_marginal_roi as it reads: every row's vertices sorted by spend, whether in order already or not."""
    spend, points, alive = _point_tables(cand, cand.revenue)
    hull, _ = _hull(spend, points, alive)
    order = np.argsort(np.where(hull, spend, np.inf), axis=1, kind="stable")
    spend, points, hull = (np.take_along_axis(a, order, axis=1) for a in (spend, points, hull))
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes = np.diff(points, axis=1) / np.diff(spend, axis=1)
    reached = hull.copy()
    reached[:, 1:] &= slopes >= ratio * (1 - 1e-12)
    reach = np.where(reached, spend, -np.inf).max(axis=1)
    return cand.valid & (cand.spend <= reach[:, None] + 1e-12 * np.abs(reach[:, None]))


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_the_cut_sorts_only_the_rows_out_of_order_and_keeps_the_same_candidates(seed, shuffled):
    cand = make_program(seed, units=400, levels=7, can_pause=bool(seed % 2), ties=seed == 2, zero_cost=seed == 3,
                        budget_share=None).candidates
    if shuffled:   # some rows' levels out of order of spend, as a table of any origin may have them
        rows = np.random.default_rng(seed).random(len(cand.valid)) < 0.3
        order = np.where(rows[:, None], np.arange(7)[::-1], np.arange(7))
        cand = replace(cand, **{name: np.take_along_axis(getattr(cand, name), order, axis=1)
                                for name in ("bid", "impressions", "clicks", "spend", "orders", "revenue", "valid")})
    for ratio in (0.5, 2.0, 4.0):
        np.testing.assert_array_equal(within_marginal_roi(cand, ratio), _cut_sorting_every_row(cand, ratio))


def test_a_unit_that_may_not_pause_keeps_its_lowest_bid():
    program = make_program(3, units=10, levels=5, can_pause=False, budget_share=None)
    cand = program.candidates
    kept = within_marginal_roi(cand, 1e6)
    lowest = np.where(cand.valid, cand.spend, np.inf).argmin(axis=1)
    assert kept[np.arange(10), lowest].all() and kept.sum(axis=1).max() >= 1
    paused = within_marginal_roi(replace(cand, can_pause=np.ones(10, bool)), 1e6)
    assert not (paused & (cand.spend > 0)).any()


def test_a_ratio_of_zero_keeps_the_whole_hull():
    program = make_program(5, units=20, levels=5, budget_share=None)
    cand = program.candidates
    kept = replace(cand, valid=within_marginal_roi(cand, 0.0))
    limits = _no_limits(20)
    assert (solve_highs(Program(kept, kept.revenue, limits)).objective
            == pytest.approx(solve_highs(Program(cand, cand.revenue, limits)).objective, rel=1e-9))


def test_the_vertex_columns_that_live_as_long_as_the_path_are_small_integers():
    from optimizer.solver.hull import unit_increments

    program = make_program(4, units=40, levels=6)   # some points invalid: the hull is not every point
    walk = unit_increments(program.candidates, program.candidates.revenue)
    assert walk.vertex_column.dtype == np.int16
    assert walk.vertex_column.max() <= program.candidates.valid.shape[1]
    assert len(walk.inc_spend) == len(walk.vertex_column) - np.count_nonzero(np.diff(walk.vertex_start))


def _split_every_table(monkeypatch) -> None:
    monkeypatch.setattr(halves, "SPLIT_CELLS", 64)
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 2)


@pytest.mark.parametrize("unsorted", ["none", "first half", "all"])
@pytest.mark.parametrize("seed", range(4))
def test_a_large_table_s_two_halves_give_the_same_hulls_and_cut_as_one_pass(seed, unsorted, monkeypatch):
    cand = make_program(seed, units=401, levels=7, can_pause=bool(seed % 2), ties=seed == 2, zero_cost=seed == 3,
                        budget_share=None).candidates
    if unsorted != "none":   # rows out of order of spend in one half only, or anywhere
        rows = np.random.default_rng(seed).random(len(cand.valid)) < 0.3
        if unsorted == "first half":
            rows[200:] = False
        order = np.where(rows[:, None], np.arange(7)[::-1], np.arange(7))
        cand = replace(cand, **{name: np.take_along_axis(getattr(cand, name), order, axis=1)
                                for name in ("bid", "impressions", "clicks", "spend", "orders", "revenue", "valid")})
    one_pass_cut = within_marginal_roi(cand, 2.0)
    one_pass = unit_increments(cand, cand.revenue)
    _split_every_table(monkeypatch)
    assert halves.halves(len(cand.valid), cand.valid.size) != (slice(0, len(cand.valid)),)
    assert within_marginal_roi(cand, 2.0).tobytes() == one_pass_cut.tobytes()
    split = unit_increments(cand, cand.revenue)
    for field in fields(UnitIncrements):
        mine, theirs = getattr(split, field.name), getattr(one_pass, field.name)
        if isinstance(theirs, np.ndarray):
            assert (mine.dtype, mine.shape, mine.tobytes()) == (theirs.dtype, theirs.shape, theirs.tobytes()), field
        else:
            assert mine == theirs, field.name
