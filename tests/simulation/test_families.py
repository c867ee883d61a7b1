"""The position family: its closed form is the auction it describes, its truth follows the seed, the oracle is best."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from optimizer.scenario.settings import BidLimits, Goal
from optimizer.simulation.families import POSITION_CLICKS, make_position_market, simulate_family
from optimizer.simulation.market import make_market
from optimizer.simulation.oracle import bid_bounds, score, solve_oracle
from optimizer.simulation.saturating import make_saturating_market


def _goal(market, budget_x: float, roi_x: float) -> Goal:
    today = market.expected()
    spend = float(today["spend"].sum())
    return Goal(budget=budget_x * spend, min_roi=roi_x * float(today["revenue"].sum()) / spend)


def test_expected_curves_are_the_position_auction_in_closed_form():
    market = make_position_market(30, seed=4)
    rng = np.random.default_rng(0)
    bids = market.bid * 1.4
    shock = market.competitor_sigma * rng.standard_normal((100_000, 1))
    rivals = np.exp(market.ladder[None, :, :] + market.reaction[None, :, None] * np.log(bids / market.reference_bid)
                    [None, :, None] + shock[:, :, None])                     # (searches, keywords, slots)
    score_ = (bids * market.quality)[None, :, None]
    rank = (rivals > score_).sum(axis=2)                                     # rivals above the ad
    shown = rank < len(POSITION_CLICKS)
    position = np.where(shown, POSITION_CLICKS[np.minimum(rank, len(POSITION_CLICKS) - 1)], 0.0)
    below = np.take_along_axis(rivals, np.minimum(rank, len(POSITION_CLICKS) - 1)[:, :, None], axis=2)[:, :, 0]
    per_search = market.per_search(bids)
    np.testing.assert_allclose(shown.mean(axis=0), per_search["impressions"], atol=6e-3)
    np.testing.assert_allclose(position.mean(axis=0) * market.ctr, per_search["clicks"], rtol=0.02, atol=2e-4)
    paid = (position * below).mean(axis=0) * market.ctr / market.quality
    np.testing.assert_allclose(paid, per_search["spend"], rtol=0.03, atol=1e-4)
    assert (per_search["spend"] <= per_search["clicks"] * bids * (1 + 1e-9)).all()


def test_the_same_seed_gives_the_same_truth_and_history():
    first, history = simulate_family("position", 80, 14, seed=9)
    second, again = simulate_family("position", 80, 14, seed=9)
    other, _ = simulate_family("position", 80, 14, seed=10)
    pd.testing.assert_frame_equal(history, again)
    for name in ("ladder", "reaction", "reference_bid", "competitor_sigma", "bid"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert not np.array_equal(first.ladder, other.ladder)
    grid = first.bid[:, None] * np.geomspace(0.5, 2.0, 5)[None, :]
    for name, values in first.expected(grid).items():
        np.testing.assert_array_equal(values, second.expected(grid)[name])


def test_keywords_and_bids_are_the_auction_family_s_and_the_response_differs():
    auction, position = make_market(200, seed=3), make_position_market(200, seed=3)
    pd.testing.assert_frame_equal(auction.keywords, position.keywords)
    np.testing.assert_array_equal(auction.bid, position.bid)
    np.testing.assert_array_equal(auction.cvr, position.cvr)
    moves = np.geomspace(0.5, 2.0, 9)[None, :]
    shapes = [market.expected(market.bid[:, None] * moves)["clicks"] / market.expected()["clicks"][:, None]
              for market in (auction, position)]
    assert np.abs(np.log(shapes[0]) - np.log(shapes[1])).mean() > 0.05


def test_rivals_react_to_a_raise_so_it_buys_fewer_clicks_at_a_higher_price_than_a_static_ladder():
    market = make_position_market(200, seed=5)
    static = replace(market, reaction=np.zeros(len(market)))
    raised, today = market.expected(market.bid * 1.8), market.expected()
    still = static.expected(market.bid * 1.8)
    moved = market.reaction > 0.05
    assert (raised["clicks"] <= still["clicks"] * (1 + 1e-9)).all()
    assert (raised["clicks"][moved] < still["clicks"][moved] * (1 - 1e-3)).mean() > 0.5   # the rest win every search
    extra = (raised["spend"] - today["spend"]).sum() / (raised["clicks"] - today["clicks"]).sum()
    assert extra > (still["spend"] - today["spend"]).sum() / (still["clicks"] - today["clicks"]).sum()
    np.testing.assert_allclose(market.expected()["spend"], static.expected()["spend"])   # at the reference, alike


def test_a_marginal_click_can_cost_more_than_the_bid_where_the_ad_moves_up_a_slot():
    market = make_position_market(100, seed=6)
    bids = market.bid[:, None] * np.geomspace(0.3, 4.0, 200)[None, :]
    figures = market.expected(bids)
    marginal = np.diff(figures["spend"], axis=1) / np.maximum(np.diff(figures["clicks"], axis=1), 1e-300)
    assert (marginal > bids[:, 1:] * 1.05).any()
    assert (figures["clicks"][:, -1] <= market.expected(market.top_bid())["clicks"] * (1 + 1e-4)).all()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("make", [make_position_market, make_saturating_market])
def test_no_random_sheet_within_the_limits_beats_the_oracle(make, seed):
    market = make(60, seed=seed)
    limits = BidLimits(max=20.0)
    rng = np.random.default_rng(seed)
    low, high = bid_bounds(market, limits)
    for budget_x, roi_x in ((1.0, 1.15), (1.6, 1.0)):
        goal = _goal(market, budget_x, roi_x)
        oracle = solve_oracle(market, goal, limits)
        sheets = np.exp(np.log(low) + rng.random((400, len(market))) * np.log(high / low))
        sheets = np.where(rng.random(sheets.shape) < 0.1, 0.0, sheets)
        scored = [score(market, sheet, goal, oracle) for sheet in sheets]
        exact = [s for s in scored if s["spend"] <= goal.budget and s["roi"] >= goal.min_roi]
        assert exact, "some random sheets keep the limits"
        assert max(s["revenue"] for s in exact) <= oracle.revenue * (1 + 1e-9)
        assert oracle.spend <= goal.budget * (1 + 1e-6) and oracle.revenue >= goal.min_roi * oracle.spend * (1 - 1e-6)


def test_an_unknown_family_says_so():
    with pytest.raises(ValueError, match="The 'family' parameter must be one of auction, position"):
        simulate_family("bandit", 10, 7, seed=1)
    with pytest.raises(ValueError, match="The 'days' parameter must be an int"):
        simulate_family("position", 10, 0, seed=1)


def test_backtest_and_simulate_play_the_family_asked_for(tmp_path, capsys):
    from optimizer.cli import main
    from optimizer.simulation.families import PositionMarket

    flags = ["--keywords", "40", "--days", "14", "--seed", "3"]
    assert main(["backtest", *flags, "--weeks", "1", "--family", "position", "--out", str(tmp_path / "b")]) == 0
    table = pd.read_csv(tmp_path / "b" / "backtest.csv")
    auction = pd.read_csv(tmp_path / "a" / "backtest.csv") if main(
        ["backtest", *flags, "--weeks", "1", "--out", str(tmp_path / "a")]) == 0 else None
    assert not np.allclose(table["oracle"], auction["oracle"])
    market, _ = simulate_family("position", 40, 14, seed=3)
    assert isinstance(market, PositionMarket)
    assert main(["simulate", *flags, "--family", "position", "--out", str(tmp_path / "s")]) == 0
    assert "--family position" in (tmp_path / "s" / "scenario.toml").read_text(encoding="utf-8")
    assert main(["simulate", *flags, "--family", "bandit", "--out", str(tmp_path / "s")]) == 2
    assert "invalid choice: 'bandit'" in capsys.readouterr().err


def test_the_oracle_solves_a_market_whose_figures_span_a_hundred_orders_of_magnitude():
    market, _ = simulate_family("position", 2000, 7, seed=4)
    goal = _goal(market, 1.0, 1.15)
    grid_low = market.expected(bid_bounds(market, BidLimits(max=20.0))[0])["clicks"]
    assert grid_low[grid_low > 0].min() < 1e-60
    oracle = solve_oracle(market, goal, BidLimits(max=20.0))
    assert oracle.spend <= goal.budget * (1 + 1e-6) and oracle.revenue >= goal.min_roi * oracle.spend * (1 - 1e-6)
