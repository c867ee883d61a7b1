"""The saturating family: its closed form is the auction it describes, conversion dilutes, the truth follows the seed."""

from __future__ import annotations

import numpy as np

from optimizer.simulation.families import simulate_family
from optimizer.simulation.market import make_market
from optimizer.simulation.saturating import DILUTION_MAX, SHAPE_MIN, make_saturating_market


def test_expected_curves_are_the_log_logistic_second_price_auction_in_closed_form():
    market = make_saturating_market(30, seed=4)
    rng = np.random.default_rng(0)
    bids = market.bid * 1.4
    # log-logistic draws: median exp(mu), shape k (inverse of the logistic's scale on the log)
    u = rng.uniform(size=(200_000, len(market)))
    rivals = np.exp(market.competitor_mu + np.log(u / (1.0 - u)) / market.shape)
    score_ = bids * market.quality
    won = rivals < score_
    per_search = market.per_search(bids)
    np.testing.assert_allclose(won.mean(axis=0), per_search["impressions"], atol=5e-3)
    paid = (won * rivals).mean(axis=0) * market.ctr / market.quality
    np.testing.assert_allclose(paid, per_search["spend"], rtol=0.03, atol=1e-5)
    assert (per_search["spend"] <= per_search["clicks"] * bids * (1 + 1e-9)).all()


def test_at_today_s_bids_the_cvr_is_the_keyword_s_own_and_it_falls_as_the_ad_wins_more():
    market = make_saturating_market(200, seed=2)
    np.testing.assert_allclose(market.order_rate(market.bid), market.cvr, rtol=1e-12)
    rates = market.order_rate(market.bid[:, None] * np.array([0.5, 1.0, 2.0, 4.0]))
    assert (np.diff(rates, axis=1) <= 1e-15).all()
    diluted = market.dilution > 0.05
    assert (rates[diluted, 3] < rates[diluted, 1]).all()
    assert (rates[:, 3] >= market.cvr / (1.0 + DILUTION_MAX) - 1e-12).all()


def test_keywords_and_bids_are_the_auction_family_s_and_the_rival_s_median_is_the_same():
    market, base = make_saturating_market(300, seed=6), make_market(300, seed=6)
    assert market.keywords.equals(base.keywords)
    np.testing.assert_array_equal(market.bid, base.bid)
    np.testing.assert_array_equal(market.cvr, base.cvr)
    assert (market.shape >= SHAPE_MIN).all()
    at_median = np.exp(market.competitor_mu) / market.quality
    np.testing.assert_allclose(market.per_search(at_median)["impressions"], 0.5, rtol=1e-12)


def test_revenue_is_concave_in_spend_so_the_oracle_s_time_split_is_exact():
    market = make_saturating_market(150, seed=8)
    grid = np.geomspace(0.05, 20.0, 200)[None, :] * np.ones((len(market), 1))
    curve = market.per_search(grid)
    spend, revenue = curve["spend"], curve["revenue"]
    rising = np.diff(spend, axis=1) > 1e-9 * spend[:, -1:]
    slope = np.diff(revenue, axis=1) / np.where(rising, np.diff(spend, axis=1), 1.0)
    later, earlier = slope[:, 1:], slope[:, :-1]
    both = rising[:, 1:] & rising[:, :-1]
    assert (later[both] <= earlier[both] * (1 + 1e-6) + 1e-9).all()


def test_the_same_seed_gives_the_same_truth_and_history_and_orders_follow_the_diluted_rate():
    one, history = simulate_family("saturating", 120, 14, seed=9)
    two, again = simulate_family("saturating", 120, 14, seed=9)
    np.testing.assert_array_equal(one.dilution, two.dilution)
    assert history.equals(again)
    market = make_saturating_market(400, seed=3)
    rng = np.random.default_rng(1)
    high = market.bid * 3.0
    played = market.play(high, market.today, 28, rng)
    sums = played.groupby("keyword", sort=False)[["clicks", "orders"]].sum()
    assert sums["orders"].sum() / sums["clicks"].sum() < float((market.cvr * market.per_search(high)["clicks"]).sum()
                                                                / market.per_search(high)["clicks"].sum())


def test_simulate_and_backtest_play_the_saturating_family(tmp_path):
    from optimizer.cli import main

    flags = ["--keywords", "40", "--days", "14", "--seed", "3", "--family", "saturating"]
    assert main(["simulate", *flags, "--out", str(tmp_path / "s")]) == 0
    assert "--family saturating" in (tmp_path / "s" / "scenario.toml").read_text(encoding="utf-8")
    assert main(["backtest", *flags, "--weeks", "1", "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b" / "backtest.csv").exists()
