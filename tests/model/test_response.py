"""response: candidate bids keep every limit, and what they buy follows the unit's response curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from optimizer.model import auction, halves
from optimizer.model.estimate import estimate
from optimizer.model.response import BEYOND_SEEN_DISCOUNT, METRICS, STEPS, bid_grid, build_candidates
from optimizer.reading.schema import Performance
from optimizer.scenario.scenario_file import BidLimits

TOLERANCE = 1e-9
LEVELS = 2 * STEPS + 1


def keyword_units(current_bid, *, cpc_to_bid=0.6, sigma=0.6, clicks=100.0, cvr=0.05,
                  value_per_order=80.0) -> pd.DataFrame:
    """Keyword units as ``estimate`` returns them, placed on their auction curve by CPC / bid.

    ``cpc_to_bid`` is today's CPC as a share of today's bid; every argument may be a scalar or per unit.
    """
    current_bid = np.atleast_1d(np.asarray(current_bid, dtype=float))
    size = len(current_bid)
    clicks = np.broadcast_to(np.asarray(clicks, dtype=float), size)
    cvr = np.broadcast_to(np.asarray(cvr, dtype=float), size)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), size)
    ratio = np.broadcast_to(np.asarray(cpc_to_bid, dtype=float), size)
    z0 = auction.z_from_ratio(ratio, sigma)
    cpc = current_bid * auction.cpc_ratio(z0, sigma, np.ones(size))
    clicks_elasticity, cpc_elasticity = auction.local_elasticities(z0, sigma)
    return pd.DataFrame({
        "current_bid": current_bid, "impressions": clicks * 20, "clicks": clicks, "cpc": cpc,
        "spend": clicks * cpc, "orders": clicks * cvr, "revenue": clicks * cvr * value_per_order,
        "cvr": cvr, "value_per_click": cvr * value_per_order, "sigma": sigma, "z0": z0,
        "clicks_elasticity": clicks_elasticity, "cpc_elasticity": cpc_elasticity,
    })


def nobody_locked(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


def small_history(seed: int, *, level: str = "keyword", days: int = 14) -> Performance:
    """A seeded keyword (or plan) history whose bids sit on the 0.01 grid, some changed mid-way."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end="2024-06-14", periods=days)
    rows = []
    for index in range(8):
        bid0 = round(float(rng.uniform(0.5, 3.0)), 2)
        bids = np.full(days, bid0)
        if index % 3 == 0:
            bids[days // 2:] = round(bid0 * 1.5, 2)
        impressions = rng.poisson(3000 * (bids / bid0) ** 0.9).astype(float)
        clicks = rng.binomial(impressions.astype(int), 0.04).astype(float)
        orders = rng.binomial(clicks.astype(int), 0.06).astype(float)
        rows.append(pd.DataFrame({
            "date": dates, "plan": f"计划{index % 2}", "ad_group": "单元1", "keyword": f"词{index}",
            "match_type": "精确匹配", "bid": bids, "impressions": impressions, "clicks": clicks,
            "spend": np.round(clicks * 0.55 * bid0 * (bids / bid0) ** 0.5, 2), "orders": orders,
            "revenue": orders * 75.0, "plan_budget": np.nan, "source": "r.csv", "row": 0,
        }))
    frame = pd.concat(rows, ignore_index=True)
    if level == "plan":
        frame = (frame.groupby(["plan", "date"], as_index=False)[["impressions", "clicks", "spend", "orders", "revenue"]]
                 .sum().assign(ad_group="", match_type="", bid=np.nan, plan_budget=np.nan, source="r.csv", row=0))
        frame = frame[["date", "plan", "ad_group", "match_type", "bid", "impressions", "clicks", "spend", "orders",
                       "revenue", "plan_budget", "source", "row"]]
    return Performance(frame=frame.sort_values(["plan", "date"] if level == "plan" else ["keyword", "date"]),
                       level=level, has_bid=level == "keyword", has_revenue=True, has_orders=True,
                       history_days=days, last_date=dates[-1], warnings=(), sources=("r.csv",))


# --- the bid grid -------------------------------------------------------------------------------------------

increments = st.sampled_from([0.01, 0.05, 0.1])


@st.composite
def limits_and_bids(draw):
    """Bid limits and today's bids inside [min, max] (a bid outside them is tested apart)."""
    increment = draw(increments)
    low = draw(st.floats(increment, 5.0))
    high = low + draw(st.floats(0.0, 50.0))
    limits = BidLimits(min=low, max=high, max_cut=draw(st.floats(0.0, 0.95)), max_raise=draw(st.floats(0.0, 3.0)),
                       hold_within=draw(st.floats(0.0, 0.5)), increment=increment)
    shares = draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4))
    current_bid = np.array([low + share * (high - low) for share in shares])
    return limits, current_bid


@settings(max_examples=120, deadline=None)
@given(limits_and_bids())
def test_candidate_bids_keep_the_bounds_the_increment_and_todays_bid_in_the_middle(case):
    limits, current_bid = case
    grid, valid = bid_grid(current_bid, limits, nobody_locked(len(current_bid)))
    half_step = limits.increment / 2 + TOLERANCE
    assert grid.shape == valid.shape == (len(current_bid), LEVELS)
    assert np.abs(grid[:, STEPS] - current_bid).max() <= half_step
    assert valid[:, STEPS].all()
    for bids_of_unit, valid_of_unit, today in zip(grid, valid, current_bid):
        for side in (slice(0, STEPS), slice(STEPS + 1, LEVELS)):  # no duplicate cuts or raises, lowest first
            assert np.all(np.diff(bids_of_unit[side][valid_of_unit[side]]) > 0)
        candidates = bids_of_unit[valid_of_unit]
        assert np.all(candidates >= limits.min - half_step) and np.all(candidates <= limits.max + half_step)
        assert np.all(candidates >= (1 - limits.max_cut) * today - half_step)
        assert np.all(candidates <= (1 + limits.max_raise) * today + half_step)
        steps = candidates / limits.increment
        assert np.abs(steps - np.round(steps)).max() < 1e-6


@settings(max_examples=120, deadline=None)
@given(limits_and_bids())
@example((BidLimits(hold_within=0.05, increment=0.01), np.array([1.017])))
@example((BidLimits(hold_within=0.05, increment=0.01), np.array([0.113])))
def test_no_candidate_changes_todays_bid_by_less_than_hold_within(case):
    """A cut or raise smaller than hold_within is noise and is never proposed, rounding included."""
    limits, current_bid = case
    grid, valid = bid_grid(current_bid, limits, nobody_locked(len(current_bid)))
    changes = np.r_[0:STEPS, STEPS + 1:LEVELS]
    offered, offered_valid = grid[:, changes], valid[:, changes]
    relative_change = np.abs(offered / current_bid[:, None] - 1)[offered_valid]
    context = f"bids {grid[valid].round(4)} offered around today's {current_bid}"
    assert np.all(relative_change >= limits.hold_within - TOLERANCE), context
    assert not np.any(np.isclose(offered, grid[:, STEPS:STEPS + 1])[offered_valid]), context


def test_a_bid_above_the_maximum_is_only_ever_cut():
    limits = BidLimits(min=0.05, max=2.0, max_cut=0.5)
    grid, valid = bid_grid(np.array([3.0]), limits, nobody_locked(1))
    assert not valid[0, STEPS]
    assert valid[0, :STEPS].any()
    assert np.all(grid[valid] <= 2.0) and np.all(grid[valid] >= 1.5)


def test_locked_units_keep_todays_bid_only_and_cannot_pause():
    units = keyword_units([0.8, 1.5, 4.0])
    locked = np.array([False, True, True])
    candidates = build_candidates(units, BidLimits(max=3.0), locked, "keyword")
    assert candidates.valid[0].sum() > 1
    assert candidates.valid[1:].sum(axis=1).tolist() == [1, 1]
    assert candidates.valid[1:, STEPS].all()  # even the bid above max=3.0 stays as it is
    assert candidates.bid[2, STEPS] == 4.0
    assert candidates.can_pause.tolist() == [True, False, False]


def test_allow_pause_false_means_no_unit_can_pause():
    units = keyword_units([0.8, 1.5])
    candidates = build_candidates(units, BidLimits(allow_pause=False), nobody_locked(2), "keyword")
    assert not candidates.can_pause.any()


# --- what each candidate buys -------------------------------------------------------------------------------


@st.composite
def response_units(draw):
    """Units anywhere on their auction curve: CPC from 5% to 99% of the bid, spreads from 0.2 to 2, the history's
    bids from half today's to 2.5 times it."""
    size = draw(st.integers(1, 5))
    floats = lambda low, high: st.lists(st.floats(low, high), min_size=size, max_size=size)  # noqa: E731
    units = keyword_units(
        np.round(draw(floats(0.1, 20.0)), 2), cpc_to_bid=np.array(draw(floats(0.05, 0.99))),
        sigma=np.array(draw(floats(0.2, 2.0))), clicks=np.array(draw(floats(1.0, 1e4))))
    bid = units["current_bid"].to_numpy()
    return units.assign(lowest_bid_seen=bid * np.array(draw(floats(0.5, 1.0))),
                        highest_bid_seen=bid * np.array(draw(floats(1.0, 2.5))))


@settings(max_examples=80, deadline=None)
@given(response_units())
def test_clicks_and_spend_rise_with_the_bid_and_cpc_never_exceeds_it(units):
    candidates = build_candidates(units, BidLimits(), nobody_locked(len(units)), "keyword")
    for unit in range(len(units)):
        valid = candidates.valid[unit]
        bid, clicks, spend = (candidates.metric(name)[unit][valid] for name in ("bid", "clicks", "spend"))
        assert np.all(np.diff(bid) > 0)
        # a keyword that already wins every auction gains (almost) nothing: weakly rising
        assert np.all(np.diff(clicks) >= -1e-12 * clicks.max()) and np.all(np.diff(spend) >= -1e-12 * spend.max())
        assert np.all(spend / clicks <= bid * (1 + TOLERANCE))


def incremental_roi(candidates, unit: int) -> np.ndarray:
    """Revenue per extra unit of spend from each valid level to the next (NaN or inf where a step spends nothing:
    the callers leave such steps out)."""
    valid = candidates.valid[unit]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.diff(candidates.revenue[unit][valid]) / np.diff(candidates.spend[unit][valid])


@settings(max_examples=80, deadline=None)
@given(response_units())
def test_incremental_roi_falls_with_the_bid_everywhere_on_the_curve(units):
    """Value stays concave in spend wherever the keyword sits, so mixing neighbours is all the LP needs."""
    candidates = build_candidates(units, BidLimits(), nobody_locked(len(units)), "keyword")
    for unit in range(len(units)):
        roi = incremental_roi(candidates, unit)
        spend = candidates.spend[unit][candidates.valid[unit]]
        roi = roi[np.diff(spend) > 1e-7 * spend.max()]  # steps past saturation are rounding noise
        if roi.size == 0:
            continue
        assert np.all(np.diff(roi) <= 1e-9 * np.abs(roi).max())


def test_one_more_click_costs_the_bid_at_the_margin():
    """In a second-price auction the marginal click costs exactly the bid: d spend / d clicks = bid."""
    units = keyword_units([2.0], cpc_to_bid=0.7, sigma=0.5)
    step = 1e-4
    z0, sigma = units["z0"].to_numpy(), units["sigma"].to_numpy()
    spend = [auction.clicks_factor(z0, sigma, m) * m * auction.cpc_ratio(z0, sigma, m) * 2.0 for m in (1, 1 + step)]
    clicks = [auction.clicks_factor(z0, sigma, m) for m in (1, 1 + step)]
    assert (spend[1] - spend[0]) / (clicks[1] - clicks[0]) == pytest.approx(2.0, rel=1e-3)


def test_a_keyword_that_wins_every_auction_gains_little_from_a_raise():
    """Saturation: cheap CPC for the bid means the keyword already wins almost every impression."""
    saturated, marginal = keyword_units([1.0, 1.0], cpc_to_bid=[0.2, 0.95], sigma=0.5).pipe(
        lambda units: build_candidates(units, BidLimits(), nobody_locked(2), "keyword")).clicks[:, -1]
    assert saturated < 1.05 * 100 < 2 * 100 < marginal


def test_a_raise_past_the_highest_bid_seen_counts_on_less_of_the_revenue_the_curve_adds_there():
    """Up to the history's highest bid the curve as placed; past it the revenue and orders it adds there count
    1 - BEYOND_SEEN_DISCOUNT, at the curve's spend, so such a raise's ROI is lower; cuts keep the curve."""
    curve = keyword_units([1.0, 1.0], cpc_to_bid=0.8, sigma=0.6)
    seen = curve.assign(lowest_bid_seen=[0.8, 1.0], highest_bid_seen=[1.3, 1.0])
    trusted, discounted = (build_candidates(units, BidLimits(), nobody_locked(2), "keyword") for units in (curve, seen))
    past = trusted.bid > np.array([[1.3], [1.0]]) + 1e-9
    assert past[0].sum() >= 2 and past[1].sum() == STEPS
    for metric in METRICS:
        assert discounted.metric(metric)[~past] == pytest.approx(trusted.metric(metric)[~past], rel=1e-12)
    for metric in ("impressions", "clicks", "spend"):
        assert discounted.metric(metric) == pytest.approx(trusted.metric(metric), rel=1e-12)
    z0, sigma = curve["z0"].to_numpy()[:1], curve["sigma"].to_numpy()[:1]
    at_seen = 100.0 * auction.clicks_factor(z0, sigma, np.array([1.3])) * curve["value_per_click"].iloc[0]
    assert discounted.revenue[0, past[0]] - at_seen == pytest.approx(
        (1 - BEYOND_SEEN_DISCOUNT) * (trusted.revenue[0, past[0]] - at_seen), rel=1e-9)
    added = discounted.revenue[1, STEPS + 1:] - 400.0
    assert added == pytest.approx((1 - BEYOND_SEEN_DISCOUNT) * (trusted.revenue[1, STEPS + 1:] - 400.0), rel=1e-9)
    assert np.all(incremental_roi(discounted, 0)[-2:] < incremental_roi(trusted, 0)[-2:])


def test_todays_column_reproduces_the_units_own_forecast():
    units = estimate(small_history(1), period_days=7).units
    assert np.allclose(units["current_bid"] * 100, np.round(units["current_bid"] * 100))  # on the 0.01 grid
    candidates = build_candidates(units, BidLimits(), nobody_locked(len(units)), "keyword")
    assert candidates.bid[:, STEPS] == pytest.approx(units["current_bid"].to_numpy(), rel=1e-12)
    for metric in METRICS:
        assert candidates.metric(metric)[:, STEPS] == pytest.approx(units[metric].to_numpy(), rel=1e-12)
        assert candidates.current[metric] == pytest.approx(units[metric].to_numpy(), rel=1e-12)


def test_invalid_candidates_buy_nothing():
    units = keyword_units([0.06, 1.0])
    candidates = build_candidates(units, BidLimits(min=0.05, max_cut=0.5), nobody_locked(2), "keyword")
    assert not candidates.valid.all()
    for metric in METRICS:
        assert np.all(candidates.metric(metric)[~candidates.valid] == 0)
    assert np.isnan(candidates.bid[~candidates.valid]).all()


# --- plan-level units: the "bid" is the plan's spend --------------------------------------------------------


def spend_multipliers(limits: BidLimits) -> np.ndarray:
    """The spend multipliers a plan is offered: STEPS cuts, today, STEPS raises."""
    return np.concatenate([np.linspace(1 - limits.max_cut, 1 - limits.hold_within, STEPS), [1.0],
                           np.linspace(1 + limits.hold_within, 1 + limits.max_raise, STEPS)])


def test_plan_spend_scales_with_the_multiplier_and_only_locked_plans_are_held():
    units = estimate(small_history(2, level="plan"), period_days=7).units
    assert len(units) == 2
    limits = BidLimits(max_cut=0.4, max_raise=0.6, hold_within=0.05)
    locked = np.array([False, True])
    candidates = build_candidates(units, limits, locked, "plan")
    spend0 = units["spend"].to_numpy()
    assert candidates.spend[0] == pytest.approx(spend0[0] * spend_multipliers(limits), rel=1e-9)
    assert candidates.bid[0] == pytest.approx(candidates.spend[0], rel=1e-9)
    assert candidates.valid[0].all()
    assert candidates.valid[1].tolist() == [False] * STEPS + [True] + [False] * STEPS
    assert candidates.spend[1, STEPS] == pytest.approx(spend0[1])
    assert np.all(np.diff(candidates.clicks[0]) > 0)
    assert candidates.can_pause.tolist() == [True, False]


@pytest.mark.parametrize("level", ["keyword", "plan"])
def test_no_cut_is_offered_when_max_cut_is_below_hold_within(level):
    """max_cut 2% and hold_within 5%: every cut is either too big or too small to offer."""
    limits = BidLimits(max_cut=0.02, hold_within=0.05, max_raise=0.5)
    units = (keyword_units([1.0]) if level == "keyword"
             else estimate(small_history(3, level="plan"), period_days=7).units.iloc[:1])
    candidates = build_candidates(units, limits, nobody_locked(1), level)
    today = candidates.metric("bid" if level == "keyword" else "spend")[0, STEPS]
    offered = candidates.metric("bid" if level == "keyword" else "spend")[0][candidates.valid[0]]
    assert np.all(offered >= today), f"cuts offered: {offered[offered < today] / today} of today's"


@pytest.mark.parametrize("level", ["keyword", "plan"])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.filterwarnings("ignore:invalid value encountered in subtract:RuntimeWarning")   # the inf values below
def test_a_large_table_s_two_halves_give_the_same_candidates_as_one_pass(seed, level, monkeypatch):
    rng = np.random.default_rng(seed)
    n = 301
    units = keyword_units(np.round(rng.uniform(0.05, 3.0, n), 2), cpc_to_bid=rng.uniform(0.2, 0.95, n),
                          sigma=rng.choice([0.3, 0.6, 1.2], n), clicks=rng.uniform(0.0, 200.0, n))
    units = units.assign(highest_bid_seen=units["current_bid"] * rng.choice([1.0, 1.2, 2.0], n),
                         response_scale=rng.choice([1.0, 0.5], n), value_per_click=rng.uniform(0.0, 4.0, n))
    units.loc[rng.random(n) < 0.1, "value_per_click"] = np.inf   # cleaned to 0, block by block as at once
    locked = rng.random(n) < 0.1
    bids = BidLimits(min=0.1, max=2.5, max_cut=0.6, max_raise=0.8)
    one_pass = build_candidates(units, bids, locked, level)
    monkeypatch.setattr(halves, "SPLIT_CELLS", 64)
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 2)
    assert len(halves.halves(n, n * LEVELS)) == 2
    split = build_candidates(units, bids, locked, level)
    for name in ("bid", "valid", "can_pause", *METRICS):
        mine, theirs = split.metric(name), one_pass.metric(name)
        assert (mine.dtype, mine.shape, mine.tobytes()) == (theirs.dtype, theirs.shape, theirs.tobytes()), name
    assert one_pass.revenue[~one_pass.valid].max() == 0 and np.isfinite(one_pass.revenue).all()
