"""What each keyword (or plan) is expected to do at today's bid, and how it responds to a new one.

Three estimates, all vectorised over units (a unit is a keyword, or a plan when
the report has no keywords):

* **Rates, shrunk** (:mod:`optimizer.model.shrinkage`). CTR and CVR are shrunk toward ad group,
  plan and account (empirical Bayes, beta-binomial, the prior strength fitted by the method
  of moments at each level), order value likewise with fitted pseudo-order counts,
  so one click and one order is never "100% CVR". A keyword's CVR prior also follows what
  its siblings show about keywords with its CTR (a higher CTR is stronger intent) and the
  price of its auction (competitors bid up keywords that convert: the bid that wins half the
  auctions is the market's estimate of a click's worth), with slopes fitted on the account.
* **Recency.** Each day weighs ``0.5 ** (age / HALF_LIFE_DAYS)`` in traffic (impressions,
  clicks, CPC) and ``0.5 ** (age / RATE_HALF_LIFE_DAYS)`` in conversions (CVR, order value):
  orders are the scarcest figure, so they are learnt over a longer memory.
* **Bid response.** Clicks ~ bid ** clicks_elasticity and CPC ~ bid ** cpc_elasticity,
  estimated from the bid changes found in the history (two-way within regression,
  keyword and day effects removed), pooled per plan and shrunk toward the account
  and toward documented defaults when the history has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.model import auction
from optimizer.model.shrinkage import shrink_rate, shrink_rate_posterior, shrink_value, value_per_click_cv
from optimizer.reading.schema import Performance

#: Days after which a day's figures count half.
HALF_LIFE_DAYS = 14.0
#: Days after which a day's orders and revenue (and the clicks they are rated against) count half:
#: conversion rates and order values are learnt over a longer memory than traffic.
RATE_HALF_LIFE_DAYS = 56.0
#: Clicks behind a keyword's CPC / bid before the price of its auction counts in its CVR prior.
MIN_CLICKS_FOR_PRICE = 10
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
#: Without a bid column today's bid is inferred as CPC / CPC_TO_BID: the CPC / bid of a keyword
#: placed where its local elasticities are the defaults above (see optimizer.model.auction.DEFAULT_Z0).
CPC_TO_BID = auction.DEFAULT_RATIO


@dataclass(frozen=True)
class Elasticity:
    """An estimated elasticity with where it came from, for the summary."""

    value: float
    observations: int
    source: str


@dataclass(frozen=True)
class Estimates:
    """Per-unit forecast for the planning period at today's bid, and how it responds.

    ``units`` has one row per unit: the key columns, ``current_bid``,
    ``impressions, clicks, spend, orders, revenue`` for the planning period,
    the shrunk ``ctr, cvr, value_per_order, value_per_click, cpc``, the posterior
    coefficient of variation ``value_per_click_cv`` and the unit's ``clicks_elasticity, cpc_elasticity``; raw ``observed_*`` sums too.
    """

    units: pd.DataFrame
    keys: tuple[str, ...]
    level: str
    bid_inferred: bool
    clicks_elasticity: Elasticity
    cpc_elasticity: Elasticity
    warnings: tuple[str, ...]
    #: Where each keyword's auction spread came from (see :mod:`optimizer.model.auction`), None for plans.
    spread_source: str | None = None


def recency_weights(dates: pd.Series, last_date: pd.Timestamp | None, half_life: float = HALF_LIFE_DAYS) -> np.ndarray:
    """Weight of each row by the age of its day: half after ``half_life`` days."""
    if last_date is None or dates.isna().all():
        return np.ones(len(dates))
    age = (last_date - dates).dt.days.to_numpy(dtype=float)
    return np.power(0.5, np.nan_to_num(age, nan=0.0) / half_life)


def total_weight(history_days: int, last_date: pd.Timestamp | None) -> float:
    """Sum of the day weights over the whole history: the divisor of a weighted daily rate."""
    if last_date is None:
        return float(history_days)
    ages = np.arange(history_days, dtype=float)
    return float(np.power(0.5, ages / HALF_LIFE_DAYS).sum())


def within_slope(x: np.ndarray, y: np.ndarray, weight: np.ndarray, unit: np.ndarray, day: np.ndarray) -> tuple[float, float, int]:
    """Slope of y on x with unit and day effects removed (alternating demeaning).

    Returns (slope, its variance, number of observations that moved the bid).
    """
    x_t, y_t = x.copy(), y.copy()
    unit_sum = np.bincount(unit, weights=weight)
    unit_mean = np.bincount(unit, weights=weight * x) / np.where(unit_sum > 0, unit_sum, 1.0)
    moved = np.abs(x - unit_mean[unit]) > 1e-6
    for _ in range(4):
        for group in (unit, day):
            w_sum = np.bincount(group, weights=weight)
            w_sum = np.where(w_sum > 0, w_sum, 1.0)
            x_t = x_t - (np.bincount(group, weights=weight * x_t) / w_sum)[group]
            y_t = y_t - (np.bincount(group, weights=weight * y_t) / w_sum)[group]
    sxx = float(np.sum(weight * x_t**2))
    if moved.sum() < 5 or sxx < 1e-9:
        return float("nan"), float("inf"), int(moved.sum())
    slope = float(np.sum(weight * x_t * y_t) / sxx)
    residual = y_t - slope * x_t
    dof = max(float(weight.sum()) - len(np.unique(unit)) - len(np.unique(day)), 1.0)
    sigma2 = float(np.sum(weight * residual**2) / dof)
    return slope, max(sigma2, 1e-6) / sxx, int(moved.sum())


def shrink_slope(slope: float, variance: float, prior: float, prior_sd: float = ELASTICITY_PRIOR_SD) -> float:
    """Normal-normal posterior mean of a slope."""
    if not np.isfinite(slope) or not np.isfinite(variance):
        return prior
    precision, prior_precision = 1.0 / variance, 1.0 / prior_sd**2
    return (slope * precision + prior * prior_precision) / (precision + prior_precision)


def estimate_elasticities(days: pd.DataFrame, unit: np.ndarray) -> tuple[Elasticity, Elasticity, np.ndarray, np.ndarray]:
    """Account and per-plan clicks and CPC elasticities to the bid, from the bid changes in the history."""
    day = days["date"].rank(method="dense").fillna(1).astype(int).to_numpy() - 1
    plan = days["plan"].to_numpy()
    has_bid = (days["bid"] > 0).to_numpy() & (days["impressions"] > 0).to_numpy()
    log_bid = np.log(np.where(days["bid"] > 0, days["bid"], 1.0))
    results = []
    for target, prior, floor in (("impressions", DEFAULT_CLICKS_ELASTICITY, 0.0), ("cpc", DEFAULT_CPC_ELASTICITY, 0.0)):
        if target == "cpc":
            rows = has_bid & (days["clicks"] > 0).to_numpy()
            values = np.where(rows, days["spend"] / days["clicks"].where(days["clicks"] > 0, 1.0), 1.0)
            counts = days["clicks"].to_numpy()
            scale = 5.0
        else:
            rows = has_bid
            values = days["impressions"].to_numpy()
            counts = values
            scale = 20.0
        weight = counts / (counts + scale)
        idx = np.flatnonzero(rows & (values > floor))
        ys = np.log(np.maximum(values[idx], 1e-9))
        slope, var, moved = within_slope(log_bid[idx], ys, weight[idx], _dense(unit[idx]), _dense(day[idx]))
        account = shrink_slope(slope, var, prior)
        per_plan = {}
        for name in pd.unique(plan[idx]):
            sel = plan[idx] == name
            p_slope, p_var, _ = within_slope(log_bid[idx][sel], ys[sel], weight[idx][sel], _dense(unit[idx][sel]), _dense(day[idx][sel]))
            per_plan[name] = shrink_slope(p_slope, p_var, account)
        source = f"estimated from {moved} keyword-days of keywords whose bid changed" if np.isfinite(slope) else "default (no bid changes in the history)"
        results.append((Elasticity(account, moved, source), per_plan))
    (clicks, clicks_plan), (cpc, cpc_plan) = results
    return clicks, cpc, clicks_plan, cpc_plan


def _dense(codes: np.ndarray) -> np.ndarray:
    return pd.factorize(codes)[0] if len(codes) else codes.astype(int)


def unit_keys(level: str) -> list[str]:
    """The columns that name one unit of the plan: a keyword, or a whole plan."""
    return ["plan", "ad_group", "keyword", "match_type"] if level == "keyword" else ["plan"]


def conversion_signals(ctr: np.ndarray, current_bid: np.ndarray, position: auction.Position | None,
                       clicks: np.ndarray) -> np.ndarray:
    """What a keyword's other figures say about its conversion rate, as columns for the CVR prior.

    Log CTR (the shrunk estimate: a click-through is intent, and the operators' first rule);
    and, where the auction is placed, the log of the bid that would win half the keyword's
    auctions, ``log(bid) - sigma z`` (competitors bid more where a click converts, so the
    price of the auction carries their far larger data). That price is read from the keyword's
    own CPC / bid: with fewer than MIN_CLICKS_FOR_PRICE ``clicks`` it is mostly its plan's
    ratio, so it is left unknown and a third column marks those keywords, which get a level
    of their own (few clicks often means a keyword that loses its auctions, not one that is
    worth little). The prior's slopes are fitted to the siblings' rates: where the account
    shows no relation they come out near zero.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        columns = [np.log(ctr)]
        if position is not None:
            measured = clicks >= MIN_CLICKS_FOR_PRICE
            columns += [np.where(measured, np.log(current_bid) - position.sigma * position.z0, np.nan),
                        np.where(measured, 0.0, 1.0)]
        signals = np.stack(columns, axis=1)
    return np.where(np.isfinite(signals), signals, np.nan)


def estimate(performance: Performance, *, period_days: int, value_per_order: float | None = None) -> Estimates:
    """Forecast every unit's week at today's bid and fit how it responds to a new bid."""
    days = performance.frame
    keys = unit_keys(performance.level)
    unit = days.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    n_units = int(unit.max()) + 1 if len(unit) else 0
    first_row = pd.Series(np.arange(len(days))).groupby(unit).first().to_numpy()
    units = days.iloc[first_row][keys].reset_index(drop=True)
    warnings: list[str] = []

    keyword_level = performance.level == "keyword"
    bid_inferred = keyword_level and not performance.has_bid
    if keyword_level and performance.has_bid:
        clicks_e, cpc_e, clicks_plan, cpc_plan = estimate_elasticities(days, unit)
    elif keyword_level:
        clicks_e = Elasticity(DEFAULT_CLICKS_ELASTICITY, 0, "default (the report has no bid column)")
        cpc_e = Elasticity(DEFAULT_CPC_ELASTICITY, 0, "default (the report has no bid column)")
        clicks_plan, cpc_plan = {}, {}
    else:
        clicks_e = _plan_spend_elasticity(days, unit)
        cpc_e = Elasticity(1.0 - clicks_e.value, clicks_e.observations, clicks_e.source)
        clicks_plan, cpc_plan = {}, {}
    unit_plan = units["plan"].to_numpy()
    plan_code, plan_names = pd.factorize(unit_plan)

    def per_plan(values: dict, default: float) -> np.ndarray:   # a lookup per plan, not per keyword
        return np.array([values.get(name, default) for name in plan_names], dtype=float)[plan_code]

    alpha = np.clip(per_plan(clicks_plan, clicks_e.value), *CLICKS_ELASTICITY_RANGE)
    gamma = np.clip(per_plan(cpc_plan, cpc_e.value), *CPC_ELASTICITY_RANGE)

    # Today's bid, the keyword's place on its auction curve, and each day's volume moved to today's bid.
    position = None
    if performance.has_bid and keyword_level:
        current_bid = days.groupby(unit)["bid"].last().reindex(range(n_units)).to_numpy(float)
        position = auction.place(days, unit, current_bid, unit_plan)
        day_bid = days["bid"].to_numpy(float)
        move = np.where(day_bid > 0, day_bid / current_bid[unit], 1.0)
        move = np.nan_to_num(move, nan=1.0, posinf=1.0)
        volume_factor = np.clip(1.0 / auction.clicks_factor(position.z0[unit], position.sigma[unit], move), 0.25, 4.0)
    else:
        current_bid = np.full(n_units, np.nan)
        volume_factor = np.ones(len(days))
    clicks_d = days["clicks"].to_numpy(float) * volume_factor
    cpc_d = np.divide(days["spend"].to_numpy(float), days["clicks"].to_numpy(float),
                      out=np.zeros(len(days)), where=days["clicks"].to_numpy() > 0)
    weight = recency_weights(days["date"], performance.last_date)
    per_day = total_weight(performance.history_days, performance.last_date)

    def weighted(values: np.ndarray, by: np.ndarray = weight) -> np.ndarray:
        return np.bincount(unit, weights=np.nan_to_num(values) * by, minlength=n_units)

    impressions_w = weighted(days["impressions"].to_numpy(float) * volume_factor)
    clicks_w = weighted(clicks_d)
    spend_w = weighted(clicks_d * cpc_d)
    # conversions are counted over a longer memory: orders are the scarcest figure, and a keyword's
    # buyers change more slowly than its traffic
    rate_weight = recency_weights(days["date"], performance.last_date, RATE_HALF_LIFE_DAYS)

    # Rates are counted as the days saw them, not moved to today's bid: a day at half today's bid
    # moved up by its volume factor would count its clicks twice as evidence (and those are the
    # keywords the plan raised because they converted well).
    raw_clicks = days["clicks"].to_numpy(float)
    has_orders = performance.has_orders
    rate_clicks_w = weighted(raw_clicks, rate_weight)
    orders_w = weighted(days["orders"].to_numpy(float), rate_weight) if has_orders else np.zeros(n_units)
    if performance.has_revenue:
        revenue_w = weighted(days["revenue"].to_numpy(float), rate_weight)
    elif value_per_order is not None:
        revenue_w = orders_w * value_per_order
    else:
        revenue_w = np.zeros(n_units)

    # the units' names as integer codes: the shrinkage groups by them level after level, and grouping
    # integers is an order of magnitude faster than grouping text
    codes = pd.DataFrame({key: pd.factorize(units[key], sort=False)[0] for key in keys})
    stats = codes.assign(imp=weighted(days["impressions"].to_numpy(float)), clk=weighted(raw_clicks),
                         rate_clk=rate_clicks_w, ords=orders_w, rev=revenue_w)
    observed = days.groupby(unit)[["impressions", "clicks", "spend", "orders", "revenue"]].sum(min_count=1)
    levels = [["plan"], ["plan", "ad_group"], keys] if keyword_level else [keys]
    ctr = shrink_rate(stats["clk"], np.maximum(stats["imp"], stats["clk"]), levels, stats)
    if has_orders:
        signals = conversion_signals(ctr, current_bid, position, np.nan_to_num(observed["clicks"].to_numpy(float)))
        cvr, cvr_count = shrink_rate_posterior(stats["ords"], stats["rate_clk"], levels, stats, signals)
    else:
        cvr, cvr_count = np.zeros(n_units), np.full(n_units, np.inf)
    if performance.has_revenue:
        daily_value = days["revenue"].to_numpy(float)
        daily_orders = days["orders"].to_numpy(float)
        order_value, order_value_se = shrink_value(stats["rev"], stats["ords"], stats, levels, daily_value,
                                                   daily_orders, unit)
    else:
        order_value, order_value_se = np.full(n_units, float(value_per_order or 0.0)), np.zeros(n_units)

    scale = period_days / per_day
    impressions = impressions_w * scale
    clicks = impressions * ctr if keyword_level else clicks_w * scale
    cpc = _cpc(spend_w, clicks_w, current_bid, unit_plan, keyword_level)
    if bid_inferred:
        current_bid = cpc / CPC_TO_BID
        warnings.append(f"the report has no bid column: today's bids are inferred as CPC / {CPC_TO_BID:.2f} "
                        "(column bid_source in bids.csv)")
        sigma = np.full(n_units, auction.DEFAULT_SIGMA)
        position = auction.Position(sigma, np.full(n_units, auction.DEFAULT_Z0), np.full(n_units, CPC_TO_BID),
                                    "default (the report has no bid column)")
    if keyword_level:
        # CPC at today's bid from the keyword's (shrunk) place on its curve, never above the bid
        cpc = current_bid * position.ratio
        alpha, gamma = auction.local_elasticities(position.z0, position.sigma)
    spend = clicks * cpc
    orders = clicks * cvr
    revenue = orders * order_value
    units = units.assign(
        current_bid=current_bid, impressions=impressions, clicks=clicks, spend=spend, orders=orders,
        revenue=revenue, ctr=ctr, cvr=cvr, value_per_order=order_value, value_per_click=cvr * order_value,
        value_per_click_cv=value_per_click_cv(cvr, cvr_count, order_value, order_value_se),
        cpc=cpc, clicks_elasticity=alpha, cpc_elasticity=gamma,
        **({"sigma": position.sigma, "z0": position.z0} if position is not None else {}),
        observed_impressions=observed["impressions"].to_numpy(float),
        observed_clicks=observed["clicks"].to_numpy(float),
        observed_spend=observed["spend"].to_numpy(float),
        observed_orders=observed["orders"].to_numpy(float),
        observed_revenue=observed["revenue"].to_numpy(float),
    )
    if "plan_budget" in days and days["plan_budget"].notna().any():
        budget = days.groupby(unit)["plan_budget"].last().reindex(range(n_units)).to_numpy(float)
        units = units.assign(current_daily_budget=budget)
    return Estimates(units, tuple(keys), performance.level, bid_inferred, clicks_e, cpc_e, tuple(warnings),
                     position.sigma_source if position is not None else None)


def _cpc(spend_w: np.ndarray, clicks_w: np.ndarray, current_bid: np.ndarray, plan: np.ndarray, keyword_level: bool) -> np.ndarray:
    """Weighted CPC; units with no clicks borrow their plan's CPC-to-bid ratio (or CPC)."""
    seen = clicks_w > 0
    cpc = np.divide(spend_w, clicks_w, out=np.full(len(spend_w), np.nan), where=seen)
    frame = pd.DataFrame({"plan": plan, "cpc": cpc, "bid": current_bid})
    if keyword_level and np.isfinite(current_bid).any():
        ratio = (frame["cpc"] / frame["bid"]).clip(upper=1.0)
        fill_ratio = ratio.groupby(frame["plan"]).transform("median").fillna(ratio.median())
        fill = (fill_ratio.fillna(CPC_TO_BID) * frame["bid"]).to_numpy()
    else:
        fill = frame["cpc"].groupby(frame["plan"]).transform("median").fillna(frame["cpc"].median()).to_numpy()
    return np.where(seen, cpc, np.nan_to_num(fill, nan=0.0))


def _plan_spend_elasticity(days: pd.DataFrame, unit: np.ndarray) -> Elasticity:
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
