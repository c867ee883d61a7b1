"""How clicks and CPC respond to the bid (or a plan's clicks to its spend), from the history's changes.

Clicks ~ bid ** clicks_elasticity and CPC ~ bid ** cpc_elasticity, estimated from the bid
changes found in the history (two-way within regression, keyword and day effects removed)
over the whole account and shrunk toward documented defaults when the history has none.
Plan-level reports (budgets only) get clicks per +1% of spend the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

#: Clicks per +1% bid, in %, when the history shows no bid changes. Search-ads studies put
#: keyword click elasticities to bid between 0.5 and 1.2; 0.8 is the middle.
DEFAULT_CLICKS_ELASTICITY = 0.8
#: CPC per +1% bid, in %, with no history: in a second-price auction a higher bid buys a
#: better position whose price rises a little slower than the bid.
DEFAULT_CPC_ELASTICITY = 0.6
#: For plan-level reports (budgets only): clicks per +1% spend, in %, with no history.
DEFAULT_PLAN_SPEND_ELASTICITY = 0.75
#: How far (standard deviation) an elasticity may stray from its default a priori.
ELASTICITY_PRIOR_SD = 0.25
#: Elasticities are kept in these ranges so that value stays concave in spend.
CLICKS_ELASTICITY_RANGE = (0.1, 2.0)
CPC_ELASTICITY_RANGE = (0.0, 1.5)


@dataclass(frozen=True)
class Elasticity:
    """An estimated elasticity with where it came from, for the summary."""

    value: float
    observations: int
    source: str


#: Rounds of alternating demeaning (unit, then day) in :func:`within_slope`.
DEMEANING_ROUNDS = 4


@dataclass(frozen=True)
class Demeaned:
    """A regressor with unit and day effects removed, the observations that moved it, and the groups' weights."""

    values: np.ndarray | None
    moved: int
    totals: list[tuple[np.ndarray, np.ndarray]]


def within_slope(x: np.ndarray | Demeaned, y: np.ndarray, weight: np.ndarray, unit: np.ndarray,
                 day: np.ndarray) -> tuple[float, float, int]:
    """Slope of y on x with unit and day effects removed (alternating demeaning).

    Returns (slope, its variance, number of observations that moved the bid). ``x`` may come demeaned
    already (:func:`demeaned`, for several ``y`` on one ``x``). With fewer than five observations that
    moved, the slope is unknown and nothing is demeaned.
    """
    x = x if isinstance(x, Demeaned) else demeaned(x, weight, unit, day)
    if x.moved < 5:
        return float("nan"), float("inf"), x.moved
    y_t = y.copy()
    for _ in range(DEMEANING_ROUNDS):
        for group, w_sum in x.totals:
            y_t = y_t - (np.bincount(group, weights=weight * y_t) / w_sum)[group]
    x_t = x.values
    sxx = float(np.sum(weight * x_t**2))
    if sxx < 1e-9:
        return float("nan"), float("inf"), x.moved
    slope = float(np.sum(weight * x_t * y_t) / sxx)
    residual = y_t - slope * x_t
    dof = max(float(weight.sum()) - _distinct(unit) - _distinct(day), 1.0)
    sigma2 = float(np.sum(weight * residual**2) / dof)
    return slope, max(sigma2, 1e-6) / sxx, x.moved


def _distinct(codes: np.ndarray) -> int:
    """How many different codes there are: counted off their bins when they are small non-negative integers."""
    if len(codes) and np.issubdtype(codes.dtype, np.integer) and 0 <= codes.min() and codes.max() < 4 * len(codes):
        return int(np.count_nonzero(np.bincount(codes)))
    return len(np.unique(codes))


def demeaned(x: np.ndarray, weight: np.ndarray, unit: np.ndarray, day: np.ndarray) -> Demeaned:
    """``x`` demeaned as :func:`within_slope` does it; not demeaned (``values`` None) when fewer than five moved."""
    unit_sum = np.bincount(unit, weights=weight)
    unit_mean = np.bincount(unit, weights=weight * x) / np.where(unit_sum > 0, unit_sum, 1.0)
    moved = int((np.abs(x - unit_mean[unit]) > 1e-6).sum())
    if moved < 5:
        return Demeaned(None, moved, [])
    totals = [(group, np.bincount(group, weights=weight)) for group in (unit, day)]
    totals = [(group, np.where(w_sum > 0, w_sum, 1.0)) for group, w_sum in totals]
    x_t = x.copy()
    for _ in range(DEMEANING_ROUNDS):
        for group, w_sum in totals:
            x_t = x_t - (np.bincount(group, weights=weight * x_t) / w_sum)[group]
    return Demeaned(x_t, moved, totals)


def shrink_slope(slope: float, variance: float, prior: float, prior_sd: float = ELASTICITY_PRIOR_SD) -> float:
    """Normal-normal posterior mean of a slope."""
    if not np.isfinite(slope) or not np.isfinite(variance):
        return prior
    precision, prior_precision = 1.0 / variance, 1.0 / prior_sd**2
    return (slope * precision + prior * prior_precision) / (precision + prior_precision)


def estimate_elasticities(days: pd.DataFrame, unit: np.ndarray) -> tuple[Elasticity, Elasticity]:
    """The account's clicks and CPC elasticities to the bid, from the bid changes in the history.

    Clicks are read from impressions (every day with a bid shows them), each keyword-day weighed
    by its impressions; CPC from the days with clicks, weighed by its clicks.
    """
    has_bid = (days["bid"] > 0).to_numpy() & (days["impressions"] > 0).to_numpy()
    impressions = days["impressions"].to_numpy()
    clicks = _bid_slope(days, unit, has_bid, impressions, impressions / (impressions + 20.0),
                        DEFAULT_CLICKS_ELASTICITY)
    with_clicks = has_bid & (days["clicks"] > 0).to_numpy()
    cpc = np.where(with_clicks, days["spend"] / days["clicks"].where(days["clicks"] > 0, 1.0), 1.0)
    counts = days["clicks"].to_numpy()
    return clicks, _bid_slope(days, unit, with_clicks, cpc, counts / (counts + 5.0), DEFAULT_CPC_ELASTICITY)


def _bid_slope(days: pd.DataFrame, unit: np.ndarray, rows: np.ndarray, values: np.ndarray, weight: np.ndarray,
               prior: float) -> Elasticity:
    """The within slope of log ``values`` on log bid over ``rows``, shrunk toward ``prior``."""
    day = day_codes(days["date"])
    log_bid = np.log(np.where(days["bid"] > 0, days["bid"], 1.0))
    idx = np.flatnonzero(rows & (values > 0.0))
    ys = np.log(np.maximum(values[idx], 1e-9))
    slope, var, moved = within_slope(log_bid[idx], ys, weight[idx], _dense(unit[idx]), _dense(day[idx]))
    source = (f"estimated from {moved} keyword-days of keywords whose bid changed" if np.isfinite(slope)
              else "default (no bid changes in the history)")
    return Elasticity(shrink_slope(slope, var, prior), moved, source)


def plan_spend_elasticity(days: pd.DataFrame, unit: np.ndarray) -> Elasticity:
    """Clicks per +1% of a plan's spend, from its days (plan effects removed), shrunk to the default."""
    rows = ((days["spend"] > 0) & (days["clicks"] > 0)).to_numpy()
    if days["date"].isna().all() or rows.sum() < 5:
        return Elasticity(DEFAULT_PLAN_SPEND_ELASTICITY, 0, "default (no daily plan history)")
    x = np.log(days["spend"].to_numpy(float)[rows])
    y = np.log(days["clicks"].to_numpy(float)[rows])
    weight = np.ones(rows.sum())
    slope, var, n = within_slope(x, y, weight, _dense(unit[rows]), np.zeros(rows.sum(), dtype=int))
    value = float(np.clip(shrink_slope(slope, var, DEFAULT_PLAN_SPEND_ELASTICITY), 0.3, 0.95))
    return Elasticity(value, n, f"estimated from {n} plan-days, shrunk toward {DEFAULT_PLAN_SPEND_ELASTICITY}")


def day_codes(dates: pd.Series) -> np.ndarray:
    """Each row's day numbered in date order from 0 (its dense rank less one); a row without a date counts as the
    first day. Numbered by hashing the dates (``pd.factorize``), several times faster than ranking them."""
    codes = pd.factorize(dates, sort=True)[0]
    return np.where(codes < 0, 0, codes)


def _dense(codes: np.ndarray) -> np.ndarray:
    """``codes`` numbered 0, 1, ... as they first appear (read off where they change when they never fall)."""
    if len(codes) and (codes[1:] >= codes[:-1]).all():
        return np.concatenate([[0], codes[1:] != codes[:-1]]).astype(np.intp).cumsum()   # integers: fast
    return pd.factorize(codes)[0] if len(codes) else codes.astype(int)


def bids_seen(days: pd.DataFrame, unit: np.ndarray, current_bid: np.ndarray) -> dict[str, np.ndarray]:
    """Each unit's lowest and highest bid on a day with impressions, today's included: the stretch of bids over
    which the history shows how the unit responds (today's bid alone where it shows none)."""
    lowest = highest = np.full(len(current_bid), np.nan)
    if "bid" in days:
        rows = (days["bid"] > 0).to_numpy() & (days["impressions"] > 0).to_numpy()
        lowest, highest = _bid_range(unit[rows], days["bid"].to_numpy(float)[rows], len(current_bid))
    return {"lowest_bid_seen": np.fmin(lowest, current_bid), "highest_bid_seen": np.fmax(highest, current_bid)}


def bids_reported(days: pd.DataFrame, unit: np.ndarray, count: int) -> dict[str, np.ndarray]:
    """Each unit's lowest and highest bid on any row of the reports (NaN where none gives one): what the
    "bids outside those seen" check of :mod:`optimizer.decisions.checks` compares today's and the new bid with."""
    if "bid" not in days:
        return {}
    lowest, highest = _bid_range(unit, days["bid"].to_numpy(float), count)
    return {"observed_lowest_bid": lowest, "observed_highest_bid": highest}


def _bid_range(unit: np.ndarray, bid: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``count`` units' lowest and highest of ``bid`` (rows numbered by ``unit``), NaN where it has none;
    a missing bid is passed over."""
    lowest, highest = np.full(count, np.inf), np.full(count, -np.inf)
    np.fmin.at(lowest, unit, bid)
    np.fmax.at(highest, unit, bid)
    return np.where(np.isfinite(lowest), lowest, np.nan), np.where(np.isfinite(highest), highest, np.nan)


#: The response curves are tempered no further than this share of their own log response.
RESPONSE_SCALE_RANGE = (0.2, 1.0)


def response_scale(days: pd.DataFrame, unit: np.ndarray, z0: np.ndarray, sigma: np.ndarray,
                   current_bid: np.ndarray) -> Elasticity:
    """How far the history's own bid changes say the auction curves over-state the clicks a bid move buys.

    The curves (:mod:`optimizer.model.auction`) are placed from CPC / bid, which says where a keyword stands,
    not how its rivals answer a move. Over the keyword-days whose bid moved, the within slope of log
    impressions on log bid (:func:`estimate_elasticities`' rows and weights) is set against the same slope of
    what the curves predict on those very rows. Their ratio, with the history's slope taken at its upper
    standard error (only a clear disagreement counts), scales each curve's log response: 1 when the history
    agrees or shows more, down to RESPONSE_SCALE_RANGE[0]. The history's bids are the only ones seen, so a
    curve that runs steeper than they show is not trusted beyond them.
    """
    rows = (days["bid"] > 0).to_numpy() & (days["impressions"] > 0).to_numpy() & np.isfinite(current_bid[unit])
    idx = np.flatnonzero(rows)
    if len(idx) < 5:
        return Elasticity(1.0, 0, "no bid changes in the history: the curves as placed")
    impressions = days["impressions"].to_numpy(float)[idx]
    weight = impressions / (impressions + 20.0)
    log_bid = np.log(days["bid"].to_numpy(float)[idx])
    u = unit[idx]
    day = _dense(day_codes(days["date"])[idx])

    def curve_y() -> np.ndarray:   # what the curves predict on those rows, needed only when the history shows a slope
        return log_ndtr(z0[u] + (log_bid - np.log(current_bid[u])) / sigma[u])

    dense_unit = _dense(u)
    moves = demeaned(log_bid, weight, dense_unit, day)
    seen, variance, moved = within_slope(moves, np.log(impressions), weight, dense_unit, day)
    curve = within_slope(moves, curve_y(), weight, dense_unit, day)[0] if np.isfinite(seen) else np.nan
    if not (np.isfinite(seen) and np.isfinite(curve)) or curve <= 0:
        return Elasticity(1.0, moved, "too few bid changes to check the curves against: the curves as placed")
    scale = float(np.clip((seen + np.sqrt(variance)) / curve, *RESPONSE_SCALE_RANGE))
    return Elasticity(scale, moved, f"the history's bid changes show {seen:.2f} ± {np.sqrt(variance):.2f} impressions "
                                    f"per +1% bid where the curves predict {curve:.2f} on the same {moved} keyword-days")
