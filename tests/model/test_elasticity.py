"""Elasticities fitted to the history's changes: recovered when the bids moved, the defaults when they did not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.model.elasticity import (
    DEFAULT_CLICKS_ELASTICITY,
    DEFAULT_PLAN_SPEND_ELASTICITY,
    _distinct,
    bids_reported,
    bids_seen,
    day_codes,
    demeaned,
    estimate_elasticities,
    plan_spend_elasticity,
    response_scale,
    shrink_slope,
    within_slope,
)
from optimizer.model.estimate import estimate
from tests.model.test_estimate import market, performance, plan_frame


def unit_codes(perf) -> np.ndarray:
    keys = ["plan", "ad_group", "keyword", "match_type"] if perf.level == "keyword" else ["plan"]
    return perf.frame.groupby(keys, sort=True, observed=True).ngroup().to_numpy()


def test_within_slope_removes_unit_and_day_effects():
    rng = np.random.default_rng(1)
    unit, day = np.repeat(np.arange(20), 10), np.tile(np.arange(10), 20)
    x = rng.normal(size=200) + unit * 3.0
    y = 0.7 * x + unit * -5.0 + day * 2.0 + rng.normal(scale=0.01, size=200)
    slope, variance, moved = within_slope(x, y, np.ones(200), unit, day)
    assert slope == pytest.approx(0.7, abs=0.01)
    assert 0 < variance < 1e-3 and moved == 200


def test_within_slope_without_moves_is_unknown():
    unit, day = np.repeat(np.arange(4), 5), np.tile(np.arange(5), 4)
    slope, variance, moved = within_slope(unit * 1.0, np.ones(20), np.ones(20), unit, day)
    assert np.isnan(slope) and variance == np.inf and moved == 0


def test_one_regressor_demeaned_once_gives_every_slope_on_it_the_same():
    rng = np.random.default_rng(2)
    unit, day = np.repeat(np.arange(30), 8), np.tile(np.arange(8), 30)
    x, weight = rng.normal(size=240), rng.uniform(0.1, 1.0, 240)
    moves = demeaned(x, weight, unit, day)
    for y in (0.4 * x + rng.normal(size=240), unit * 2.0 - x):
        assert within_slope(moves, y, weight, unit, day) == within_slope(x, y, weight, unit, day)


def test_days_are_numbered_as_their_dense_rank_and_a_row_without_a_date_as_the_first_day():
    rng = np.random.default_rng(6)
    dates = pd.Series(pd.Timestamp("2026-02-01") + pd.to_timedelta(rng.integers(0, 28, 500), unit="D"))
    dates[rng.random(500) < 0.1] = pd.NaT
    ranked = dates.rank(method="dense").fillna(1).astype(int).to_numpy() - 1
    np.testing.assert_array_equal(day_codes(dates), ranked)
    assert (day_codes(pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")) == 0).all()


def test_codes_are_counted_as_unique_counts_them():
    rng = np.random.default_rng(7)
    for codes in (rng.integers(0, 40, 300), np.sort(rng.integers(0, 40, 300)), rng.integers(-5, 5, 50),
                  np.array([10**9, 3]), rng.normal(size=20), np.zeros(0, int)):
        assert _distinct(codes) == len(np.unique(codes))


def test_a_regressor_that_never_moves_is_not_demeaned():
    unit, day = np.repeat(np.arange(4), 5), np.tile(np.arange(5), 4)
    moves = demeaned(unit * 1.0, np.ones(20), unit, day)
    assert moves.values is None and moves.moved == 0


def test_shrink_slope_is_the_prior_without_data_and_the_slope_with_plenty():
    assert shrink_slope(float("nan"), float("inf"), 0.8) == 0.8
    assert shrink_slope(0.3, 1e-9, 0.8) == pytest.approx(0.3)
    assert 0.3 < shrink_slope(0.3, 0.25**2, 0.8) < 0.8


def test_elasticities_are_recovered_from_bid_changes():
    _, perf = market(8, changed_share=0.4, n_keywords=40, clicks_elasticity=0.9, cpc_elasticity=0.5)
    clicks, cpc = estimate_elasticities(perf.frame, unit_codes(perf))
    assert clicks.value == pytest.approx(0.9, abs=0.2)
    assert cpc.value == pytest.approx(0.5, abs=0.2)
    assert clicks.source.startswith("estimated")
    assert clicks.observations > 0


def test_elasticities_are_the_defaults_without_bid_changes():
    _, perf = market(9, changed_share=0.0)
    clicks, _ = estimate_elasticities(perf.frame, unit_codes(perf))
    assert clicks.value == DEFAULT_CLICKS_ELASTICITY and clicks.observations == 0
    assert clicks.source == "default (no bid changes in the history)"


@pytest.mark.parametrize("true_elasticity", [0.05, 0.6, 1.5])
def test_plan_spend_elasticity_is_fitted_and_kept_in_the_plan_range(true_elasticity):
    perf = performance(plan_frame(np.random.default_rng(17), true_elasticity), level="plan", has_bid=False)
    fitted = plan_spend_elasticity(perf.frame, unit_codes(perf))
    assert fitted.value == pytest.approx(float(np.clip(true_elasticity, 0.3, 0.95)), abs=0.15)
    assert fitted.source.startswith("estimated from")


def test_plan_spend_elasticity_without_daily_history_is_the_default():
    perf = performance(plan_frame(np.random.default_rng(17), 0.6, days=1), level="plan", has_bid=False)
    fitted = plan_spend_elasticity(perf.frame, unit_codes(perf))
    assert fitted.value == DEFAULT_PLAN_SPEND_ELASTICITY and fitted.observations == 0


def _placed(family: str, seed: int):
    """A simulated market's history estimated as a plan does: the units, and the market's keywords in their order."""
    from optimizer.model.estimate import estimate
    from optimizer.simulation.families import simulate_family
    from optimizer.simulation.oracle import KEYS

    market, history = simulate_family(family, 400, 28, seed=seed)
    units = estimate(performance(history), period_days=7).units
    index = pd.MultiIndex.from_frame(market.keywords[KEYS]).get_indexer(pd.MultiIndex.from_frame(units[KEYS]))
    return units, market.take(index)


def _true_elasticity(market) -> float:
    up, down = market.expected(market.bid * 1.05)["clicks"], market.expected(market.bid / 1.05)["clicks"]
    weight = market.expected()["clicks"]
    slope = (np.log(up + 1e-12) - np.log(down + 1e-12)) / (2 * np.log(1.05))
    return float(np.average(slope, weights=weight))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_curves_keep_their_response_where_the_history_bears_it_out_and_are_tempered_where_it_does_not(seed):
    units, auction = _placed("auction", seed)
    assert (units["response_scale"] == 1.0).all()   # the market the curves describe: the history agrees
    units, position = _placed("position", seed)
    scale = units["response_scale"].iloc[0]
    assert 0.2 <= scale < 0.6
    truth = _true_elasticity(position)
    tempered = float(np.average(units["clicks_elasticity"], weights=units["clicks"]))
    assert abs(tempered - truth) < 0.35 * truth < abs(tempered / scale - truth)


def test_without_bid_changes_the_curves_stay_as_placed():
    frame = pd.DataFrame({"bid": [1.0] * 3, "impressions": [10.0] * 3, "date": pd.to_datetime(["2026-09-01"] * 3)})
    found = response_scale(frame, np.zeros(3, int), np.zeros(1), np.ones(1), np.ones(1))
    assert found.value == 1.0 and "no bid changes" in found.source


def test_the_bids_seen_are_each_units_lowest_and_highest_on_days_with_impressions_and_today():
    frame = pd.DataFrame({"bid": [1.0, 1.4, 9.0, 0.8, np.nan, 2.0], "impressions": [5.0, 3.0, 0.0, 2.0, 4.0, 0.0]})
    today = np.array([1.0, 1.1, 1.2, 0.5])
    seen = bids_seen(frame, np.array([0, 0, 0, 0, 1, 2]), today)
    assert seen["lowest_bid_seen"].tolist() == [0.8, 1.1, 1.2, 0.5]   # the day at 9.0 showed nothing
    assert seen["highest_bid_seen"].tolist() == [1.4, 1.1, 1.2, 0.5]
    assert bids_seen(frame.drop(columns="bid"), np.zeros(6, int), today)["highest_bid_seen"].tolist() == today.tolist()


def test_the_bids_reported_are_each_units_lowest_and_highest_on_any_row_and_none_without_a_bid():
    frame = pd.DataFrame({"bid": [1.0, 1.4, 9.0, 0.8, np.nan, 2.0], "impressions": [5.0, 3.0, 0.0, 2.0, 4.0, 0.0]})
    reported = bids_reported(frame, np.array([0, 0, 0, 0, 1, 2]), 4)
    assert reported["observed_lowest_bid"].tolist()[::2] == [0.8, 2.0] and np.isnan(reported["observed_lowest_bid"][1::2]).all()
    assert reported["observed_highest_bid"].tolist()[::2] == [9.0, 2.0]
    assert bids_reported(frame.drop(columns="bid"), np.zeros(6, int), 1) == {}


def test_the_estimates_carry_the_bids_seen_around_todays():
    truth, perf = market(3, changed_share=0.5)
    units = estimate(perf, period_days=7).units
    assert (units["lowest_bid_seen"] <= units["current_bid"]).all()
    assert (units["highest_bid_seen"] >= units["current_bid"]).all()
    moved = (units["lowest_bid_seen"] < units["current_bid"]) | (units["highest_bid_seen"] > units["current_bid"])
    assert moved.any() and not moved.all()
