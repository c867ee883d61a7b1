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
* **Bid response.** A keyword responds along its auction's S-curve, placed from its CPC / bid
  (:mod:`optimizer.model.placement`), which gives its ``clicks_elasticity, cpc_elasticity`` at
  today's bid; a plan's clicks follow its spend with the account's spend elasticity. The
  account's elasticities fitted to the history's changes (:mod:`optimizer.model.elasticity`)
  go to the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.i18n import say
from optimizer.model import auction, placement
from optimizer.model.elasticity import (
    CLICKS_ELASTICITY_RANGE,
    CPC_ELASTICITY_RANGE,
    DEFAULT_CLICKS_ELASTICITY,
    DEFAULT_CPC_ELASTICITY,
    Elasticity,
    bids_reported,
    bids_seen,
    estimate_elasticities,
    plan_spend_elasticity,
    response_scale,
)
from optimizer.model.grouping import Grouping, group_units, nested_in_order
from optimizer.model.shrinkage import shrink_rate, shrink_rate_posterior, shrink_value, value_per_click_cv
from optimizer.reading.schema import Performance

#: Days after which a day's figures count half.
HALF_LIFE_DAYS = 14.0
#: Days after which a day's orders and revenue (and the clicks they are rated against) count half:
#: conversion rates and order values are learnt over a longer memory than traffic.
RATE_HALF_LIFE_DAYS = 56.0
#: Clicks behind a keyword's CPC / bid before the price of its auction counts in its CVR prior.
MIN_CLICKS_FOR_PRICE = 10
#: Without a bid column today's bid is inferred as CPC / CPC_TO_BID: the CPC / bid of a keyword
#: placed where its local elasticities are the documented defaults (see optimizer.model.auction.DEFAULT_Z0).
CPC_TO_BID = auction.DEFAULT_RATIO


@dataclass(frozen=True)
class Estimates:
    """Per-unit forecast for the planning period at today's bid, and how it responds.

    ``units`` has one row per unit: the key columns, ``current_bid``,
    ``impressions, clicks, spend, orders, revenue`` for the planning period,
    the shrunk ``ctr, cvr, value_per_order, value_per_click, cpc``, the posterior
    coefficient of variation ``value_per_click_cv`` and the unit's ``clicks_elasticity, cpc_elasticity``; raw ``observed_*`` sums too,
    and the lowest and highest bid the reports give (``observed_lowest_bid``, ``observed_highest_bid``).
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


@dataclass(frozen=True)
class _Today:
    """Today's bids, the units' places on their auction curves, and each row's volume moved to today's bid."""

    current_bid: np.ndarray
    position: auction.Position | None
    volume_factor: np.ndarray
    #: Keywords of a report with a bid column whose rows all lack one: their bid is inferred from CPC.
    bid_missing: int = 0


@dataclass(frozen=True)
class _Rates:
    """The shrunk rates per unit, with what the posterior says of how sure they are."""

    ctr: np.ndarray
    cvr: np.ndarray
    cvr_count: np.ndarray
    order_value: np.ndarray
    order_value_se: np.ndarray


def estimate(performance: Performance, *, period_days: int, value_per_order: float | None = None) -> Estimates:
    """Forecast every unit's week at today's bid and fit how it responds to a new bid."""
    days = performance.frame
    grouping = group_units(days, unit_keys(performance.level))
    keyword_level = performance.level == "keyword"
    bid_inferred = keyword_level and not performance.has_bid
    clicks_e, cpc_e = _elasticities(performance, grouping.unit)
    today = _today(performance, grouping)
    (impressions_w, clicks_w, spend_w), stats = _weighted_sums(performance, grouping, today.volume_factor,
                                                              value_per_order)
    observed = days.groupby(grouping.unit)[["impressions", "clicks", "spend", "orders", "revenue"]].sum(min_count=1)
    rates = _rates(performance, grouping, stats, today, observed["clicks"], value_per_order)

    scale = period_days / total_weight(performance.history_days, performance.last_date)
    impressions = impressions_w * scale
    clicks = impressions * rates.ctr if keyword_level else clicks_w * scale
    cpc = _cpc(spend_w, clicks_w, today.current_bid, grouping.codes["plan"], keyword_level)
    current_bid, position, warnings = today.current_bid, today.position, []
    if today.bid_missing:
        count = today.bid_missing
        warnings.append(say("warning.no_bid.many" if count > 1 else "warning.no_bid.one", count=count,
                            ratio=f"{CPC_TO_BID:.2f}"))
    if bid_inferred:
        current_bid = cpc / CPC_TO_BID
        warnings.append(say("warning.no_bid_column", ratio=f"{CPC_TO_BID:.2f}"))
        position = auction.Position(np.full(grouping.count, auction.DEFAULT_SIGMA),
                                    np.full(grouping.count, auction.DEFAULT_Z0), np.full(grouping.count, CPC_TO_BID),
                                    "default (the report has no bid column)")
    if keyword_level:
        # CPC at today's bid from the keyword's (shrunk) place on its curve, never above the bid
        cpc = current_bid * position.ratio
        alpha, gamma = auction.local_elasticities(position.z0, position.sigma)
        alpha = alpha * position.response_scale
        clicks_e, cpc_e = as_forecast(alpha, clicks, clicks_e), as_forecast(gamma, clicks, cpc_e)
    else:   # plans have no auction curve: the account's spend elasticity is every plan's
        alpha = np.clip(np.full(grouping.count, clicks_e.value), *CLICKS_ELASTICITY_RANGE)
        gamma = np.clip(np.full(grouping.count, cpc_e.value), *CPC_ELASTICITY_RANGE)
    cvr, order_value = rates.cvr, rates.order_value
    units = grouping.units.assign(
        current_bid=current_bid, impressions=impressions, clicks=clicks, spend=clicks * cpc, orders=clicks * cvr,
        revenue=clicks * cvr * order_value, ctr=rates.ctr, cvr=cvr, value_per_order=order_value,
        value_per_click=cvr * order_value,
        value_per_click_cv=value_per_click_cv(cvr, rates.cvr_count, order_value, rates.order_value_se),
        cpc=cpc, clicks_elasticity=alpha, cpc_elasticity=gamma,
        **({"sigma": position.sigma, "z0": position.z0, "response_scale": position.response_scale,
            **bids_seen(days, grouping.unit, current_bid)} if position is not None else {}),
        **{f"observed_{name}": observed[name].to_numpy(float) for name in observed.columns},
        **bids_reported(days, grouping.unit, grouping.count),
    )
    if "plan_budget" in days and days["plan_budget"].notna().any():
        budget = days.groupby(grouping.unit)["plan_budget"].last().reindex(range(grouping.count)).to_numpy(float)
        units = units.assign(current_daily_budget=budget)
    return Estimates(units, tuple(grouping.keys), performance.level, bid_inferred, clicks_e, cpc_e, tuple(warnings),
                     position.sigma_source if position is not None else None)


def as_forecast(local: np.ndarray, clicks: np.ndarray, fitted: Elasticity) -> Elasticity:
    """The elasticity the forecast uses: each keyword's, at today's bid on its auction curve, click-weighted.

    The account's slope fitted to the history's bid changes (``fitted``) is said beside it as a check.
    """
    weight = np.where(np.isfinite(local) & (clicks > 0), clicks, 0.0)
    if weight.sum() <= 0:
        weight = np.isfinite(local).astype(float)
    value = float(np.average(np.nan_to_num(local), weights=weight)) if weight.sum() > 0 else fitted.value
    source = (f"click-weighted mean over {int((weight > 0).sum())} keywords' auction curves at today's bid; "
              f"the account's slope: {fitted.value:.3f}, {fitted.source}")
    return Elasticity(value, fitted.observations, source)


def _elasticities(performance: Performance, unit: np.ndarray) -> tuple[Elasticity, Elasticity]:
    """The account's clicks and CPC elasticities: to the bid for keywords, to the spend for plans."""
    days = performance.frame
    if performance.level == "keyword" and performance.has_bid:
        return estimate_elasticities(days, unit)
    if performance.level == "keyword":
        return (Elasticity(DEFAULT_CLICKS_ELASTICITY, 0, "default (the report has no bid column)"),
                Elasticity(DEFAULT_CPC_ELASTICITY, 0, "default (the report has no bid column)"))
    clicks = plan_spend_elasticity(days, unit)
    return clicks, Elasticity(1.0 - clicks.value, clicks.observations, clicks.source)


def _today(performance: Performance, grouping: Grouping) -> _Today:
    """Today's bid, the keyword's place on its auction curve, and each day's volume moved to today's bid."""
    days, unit = performance.frame, grouping.unit
    if not (performance.has_bid and performance.level == "keyword"):
        return _Today(np.full(grouping.count, np.nan), None, np.ones(len(days)))
    current_bid = days.groupby(unit)["bid"].last().reindex(range(grouping.count)).to_numpy(float)
    missing = ~(np.isfinite(current_bid) & (current_bid > 0))
    if missing.any():
        current_bid = np.where(missing, _bid_from_cpc(days, grouping), current_bid)
    position = placement.place(days, unit, current_bid, grouping.codes["plan"])
    scale = response_scale(days, unit, position.z0, position.sigma, current_bid).value
    position = replace(position, response_scale=scale)
    day_bid = days["bid"].to_numpy(float)
    move = np.nan_to_num(np.where(day_bid > 0, day_bid / current_bid[unit], 1.0), nan=1.0, posinf=1.0)
    # a day at today's bid (every day of a one-row report) is at factor 1 on a curve placed anywhere
    placed = (np.abs(position.z0) < 1e100) & (position.sigma != 0) & ~np.isnan(position.sigma)
    moved = (move != 1.0) | ~placed[unit]
    factor = np.ones(len(days))
    factor[moved] = auction.clicks_factor(position.z0[unit[moved]], position.sigma[unit[moved]], move[moved])
    volume_factor = np.clip(1.0 / factor ** scale, 0.25, 4.0)
    return _Today(current_bid, position, volume_factor, int(missing.sum()))


def _bid_from_cpc(days: pd.DataFrame, grouping: Grouping) -> np.ndarray:
    """Each unit's CPC / CPC_TO_BID; a unit without clicks takes its plan's median CPC, else the account's."""
    spend = np.bincount(grouping.unit, weights=np.nan_to_num(days["spend"].to_numpy(float)), minlength=grouping.count)
    clicks = np.bincount(grouping.unit, weights=np.nan_to_num(days["clicks"].to_numpy(float)), minlength=grouping.count)
    cpc = pd.Series(np.divide(spend, clicks, out=np.full(grouping.count, np.nan), where=clicks > 0))
    cpc = cpc.fillna(cpc.groupby(grouping.codes["plan"]).transform("median")).fillna(cpc.median())
    known = days["bid"].to_numpy(float)
    fallback = float(np.nanmedian(known)) if np.isfinite(known).any() else 1.0  # no bid and no click anywhere
    return (cpc / CPC_TO_BID).fillna(fallback).clip(lower=0.01).to_numpy(float)


def _weighted_sums(performance: Performance, grouping: Grouping, volume_factor: np.ndarray,
                   value_per_order: float | None) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], pd.DataFrame]:
    """The recency-weighted sums: traffic moved to today's bid, and the evidence the rates are shrunk from.

    Returns (impressions, clicks, spend) and a frame of the units' key codes with the counts
    ``imp, clk`` (traffic memory) and ``rate_clk, ords, rev`` (the longer conversion memory).
    """
    days, n_units = performance.frame, grouping.count
    weight = recency_weights(days["date"], performance.last_date)
    clicks_d = days["clicks"].to_numpy(float) * volume_factor
    cpc_d = np.divide(days["spend"].to_numpy(float), days["clicks"].to_numpy(float),
                      out=np.zeros(len(days)), where=days["clicks"].to_numpy() > 0)
    traffic = (grouping.sum(days["impressions"].to_numpy(float) * volume_factor, weight),
               grouping.sum(clicks_d, weight), grouping.sum(clicks_d * cpc_d, weight))
    # conversions are counted over a longer memory: orders are the scarcest figure, and a keyword's
    # buyers change more slowly than its traffic
    rate_weight = recency_weights(days["date"], performance.last_date, RATE_HALF_LIFE_DAYS)
    # Rates are counted as the days saw them, not moved to today's bid: a day at half today's bid
    # moved up by its volume factor would count its clicks twice as evidence (and those are the
    # keywords the plan raised because they converted well).
    raw_clicks = days["clicks"].to_numpy(float)
    has_orders = performance.has_orders
    orders_w = grouping.sum(days["orders"].to_numpy(float), rate_weight) if has_orders else np.zeros(n_units)
    if performance.has_revenue:
        revenue_w = grouping.sum(days["revenue"].to_numpy(float), rate_weight)
    elif value_per_order is not None:
        revenue_w = orders_w * value_per_order
    else:
        revenue_w = np.zeros(n_units)
    # one frame over the arrays as they are (read only): no copy of the codes and another with the counts added
    stats = pd.DataFrame({**grouping.codes, "imp": grouping.sum(days["impressions"].to_numpy(float), weight),
                          "clk": grouping.sum(raw_clicks, weight), "rate_clk": grouping.sum(raw_clicks, rate_weight),
                          "ords": orders_w, "rev": revenue_w}, copy=False)
    return traffic, stats


def _rates(performance: Performance, grouping: Grouping, stats: pd.DataFrame, today: _Today,
           observed_clicks: pd.Series, value_per_order: float | None) -> _Rates:
    """CTR, CVR and order value shrunk toward ad group, plan and account (see :mod:`optimizer.model.shrinkage`)."""
    days, n_units, keys = performance.frame, grouping.count, grouping.keys
    levels = nested_in_order(grouping, [["plan"], ["plan", "ad_group"], keys] if performance.level == "keyword"
                             else [keys])
    ctr = shrink_rate(stats["clk"], np.maximum(stats["imp"], stats["clk"]), levels, stats)
    if performance.has_orders:
        signals = conversion_signals(ctr, today.current_bid, today.position,
                                     np.nan_to_num(observed_clicks.to_numpy(float)))
        cvr, cvr_count = shrink_rate_posterior(stats["ords"], stats["rate_clk"], levels, stats, signals)
    else:
        cvr, cvr_count = np.zeros(n_units), np.full(n_units, np.inf)
    if performance.has_revenue:
        order_value, order_value_se = shrink_value(stats["rev"], stats["ords"], stats, levels,
                                                   days["revenue"].to_numpy(float), days["orders"].to_numpy(float),
                                                   grouping.unit)
    else:
        order_value, order_value_se = np.full(n_units, float(value_per_order or 0.0)), np.zeros(n_units)
    return _Rates(ctr, cvr, cvr_count, order_value, order_value_se)


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
