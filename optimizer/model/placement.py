"""Where each keyword stands on its auction curve, from its CPC / bid and the history's bid changes.

Two things place a keyword on its curve (:mod:`optimizer.model.auction`), both observed
in every report with a bid column:

* its CPC / bid ratio gives ``z`` at today's bid (shrunk toward its plan's, since the
  ratio of a keyword with three clicks is mostly noise; a keyword whose bid moved is
  placed where its curve pays what it paid on every day);
* the spread ``sigma`` is fitted per plan to how impressions and CPC moved after bid
  changes, with a documented default when the history has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from optimizer.model.auction import (
    BRACKET_STEPS,
    DEFAULT_RATIO,
    DEFAULT_SIGMA,
    RATIO_RANGE,
    Z_RANGE,
    Position,
    falling_root,
    log_rho,
    log_rho_slope,
    z_from_ratio,
)

#: The spreads tried when fitting one to the history's bid changes.
SIGMA_GRID = np.geomspace(0.2, 2.0, 17)
#: No day's log impressions or log CPC is trusted to better than 3%: a near-exact series (a CPC
#: that barely moves) cannot outvote the other one by more than its real noise allows.
NOISE_FLOOR = 0.03
#: A plan fits its own spread only with at least this many keyword-days after bid changes.
MIN_PLAN_DAYS = 150


@dataclass(frozen=True)
class Ratios:
    """Each unit's CPC / bid over its history, shrunk toward its plan's."""

    #: the shrunk ratio, click-weighted over the unit's days (whatever their bids)
    shrunk: np.ndarray
    #: the click-weighted mean log bid those days were paid at
    mean_log_bid: np.ndarray
    #: the plan's ratio each unit is shrunk toward, and the prior's weight in clicks
    prior: np.ndarray
    strength: float


def shrunk_ratio(days: pd.DataFrame, unit: np.ndarray, plan_of_unit: np.ndarray, n_units: int) -> Ratios:
    """Each unit's CPC / bid (click-weighted over its days), shrunk toward its plan's, and its mean log bid.

    The prior strength (in clicks) is fitted like order value's: day-to-day spread of
    the ratio within units is noise, the spread between units beyond it is signal.
    """
    clicks = days["clicks"].to_numpy(float)
    bid = days["bid"].to_numpy(float)
    seen = (clicks > 0) & (bid > 0)
    paid = np.where(seen, clicks * bid, 0.0)
    spend = np.where(seen, days["spend"].to_numpy(float), 0.0)
    unit_paid = np.bincount(unit, weights=paid, minlength=n_units)
    unit_spend = np.bincount(unit, weights=spend, minlength=n_units)
    unit_clicks = np.bincount(unit, weights=np.where(seen, clicks, 0.0), minlength=n_units)
    plan_codes, _ = pd.factorize(plan_of_unit)
    plan_paid = np.bincount(plan_codes, weights=unit_paid)
    plan_ratio = np.divide(np.bincount(plan_codes, weights=unit_spend), plan_paid,
                           out=np.full(len(plan_paid), DEFAULT_RATIO), where=plan_paid > 0)
    account = unit_spend.sum() / unit_paid.sum() if unit_paid.sum() > 0 else DEFAULT_RATIO
    plan_ratio = np.where(plan_paid > 0, plan_ratio, account)
    prior = np.clip(plan_ratio[plan_codes], *RATIO_RANGE)
    raw = np.divide(unit_spend, unit_paid, out=prior.copy(), where=unit_paid > 0)
    day_ratio = np.divide(spend, paid, out=np.zeros(len(spend)), where=paid > 0)
    within = np.sum(clicks[seen] * (day_ratio[seen] - raw[unit[seen]]) ** 2) / max(seen.sum() - (unit_clicks > 0).sum(), 1)
    has = unit_clicks > 0
    between = (np.average((raw[has] - prior[has]) ** 2, weights=unit_clicks[has]) - within * has.sum() / unit_clicks[has].sum()
               if has.sum() > 2 else 0.0)
    strength = float(np.clip(within / between, 1.0, 1e4)) if between > 0 else 1e4
    ratio = (unit_clicks * raw + strength * prior) / (unit_clicks + strength)
    log_bid = np.divide(np.bincount(unit, weights=np.where(seen, clicks * np.log(np.where(bid > 0, bid, 1.0)), 0.0),
                                    minlength=n_units), unit_clicks, out=np.full(n_units, np.nan), where=has)
    return Ratios(np.clip(ratio, *RATIO_RANGE), log_bid, prior, strength)


@dataclass(frozen=True)
class MovedDays:
    """The keyword-days a spread is fitted to: log impressions and log CPC / bid, each with its weights."""

    #: each row's unit, numbered over these rows, and its plan-day (the effects removed with the unit's)
    row_unit: np.ndarray
    dense_unit: np.ndarray
    plan_day: np.ndarray
    plan_codes: np.ndarray
    plan_names: pd.Index
    #: log(day's bid / today's bid)
    moves: np.ndarray
    log_impressions: np.ndarray
    log_ratio: np.ndarray
    impressions_weight: np.ndarray
    cpc_weight: np.ndarray


def moved_days(days: pd.DataFrame, unit: np.ndarray, current_bid: np.ndarray, rows: np.ndarray,
               plan_of_unit: np.ndarray) -> MovedDays:
    """The ``rows`` (days of units whose bid moved) in logs, weighed by their counts and their keyword's spend.

    Each keyword's days weigh by the keyword's spend per day: keywords differ in spread, and
    one spread per plan is a compromise that should serve where the money is. Counted keyword
    by keyword, the many small keywords (whose positions rest on a few clicks) pulled the fit a
    grid step too wide, and a raise's spend was forecast 5-13% high.
    """
    impressions = days["impressions"].to_numpy(float)[rows]
    clicks = days["clicks"].to_numpy(float)[rows]
    spend = days["spend"].to_numpy(float)[rows]
    bid = days["bid"].to_numpy(float)[rows]
    impressions_weight = impressions / (impressions + 20.0)
    paid = (clicks > 0) & (spend > 0)
    log_ratio = np.log(np.divide(spend, clicks * bid, out=np.ones(len(spend)), where=paid))
    cpc_weight = np.where(paid, clicks / (clicks + 5.0), 0.0)
    row_unit = unit[rows]
    focus = _spend_focus(spend, row_unit, len(current_bid))
    plan_codes, plan_names = pd.factorize(plan_of_unit[row_unit])
    plan_day = pd.factorize(pd.Series(plan_codes).astype(str) + "|"
                            + pd.Series(days["date"].to_numpy()[rows]).astype(str))[0]
    return MovedDays(row_unit, pd.factorize(row_unit)[0], plan_day, plan_codes, plan_names,
                      np.log(bid / current_bid[row_unit]), np.log(impressions), log_ratio,
                      impressions_weight * focus, cpc_weight * focus)


def fit_spreads(moved: MovedDays, ratios: Ratios, current_bid: np.ndarray) -> tuple[float, dict]:
    """The spread that best explains how impressions and CPC moved with the bid: for the account and each plan.

    Both follow from the spread: impressions as ``Phi(z)``, CPC / bid as ``rho(z)``, with
    ``z`` moving by ``log(bid move) / sigma``. Each is fitted in logs, keyword and plan-day
    effects removed; the two residual sums are combined by their concentrated likelihood,
    ``n_imp log SSE_imp + n_cpc log SSE_cpc``, so each counts by its own noise (a day's CPC
    is far steadier than its impressions, which swing with search volume); neither is
    trusted to better than NOISE_FLOOR. Every grid value is placed and scored in one pass
    over the rows, so the account and all plans cost one fit. Returns the account's spread
    and those of plans with enough evidence.
    """
    n_plans = len(moved.plan_names)
    squares = _squares_on_grid(moved, ratios, current_bid)
    series_weights = (moved.impressions_weight, moved.cpc_weight)
    counts = np.stack([np.bincount(moved.plan_codes, weights=(w > 0).astype(float), minlength=n_plans)
                       for w in series_weights])
    weights = np.stack([np.bincount(moved.plan_codes, weights=w, minlength=n_plans) for w in series_weights])
    account = _best_spread(squares.sum(axis=2), counts.sum(axis=1), weights.sum(axis=1))
    evidence = np.bincount(moved.plan_codes, minlength=n_plans)
    plans = {name: _best_spread(squares[:, :, p], counts[:, p], weights[:, p])
             for p, name in enumerate(moved.plan_names) if evidence[p] >= MIN_PLAN_DAYS}
    return account, plans


def _squares_on_grid(moved: MovedDays, ratios: Ratios, current_bid: np.ndarray) -> np.ndarray:
    """Weighted squared residuals of both series per spread of SIGMA_GRID and plan: (2, grid, plans)."""
    grid = SIGMA_GRID[:, None]
    shift = np.where(np.isfinite(ratios.mean_log_bid), np.log(current_bid) - ratios.mean_log_bid, 0.0)
    ratio = ratios.shrunk
    z_today = z_from_ratio(np.broadcast_to(ratio, (len(SIGMA_GRID), len(ratio))), grid) + shift / grid
    squares = np.zeros((2, len(SIGMA_GRID), len(moved.plan_names)))
    totals = [_group_totals(weight, moved.dense_unit, moved.plan_day)
              for weight in (moved.impressions_weight, moved.cpc_weight)]   # the same for every spread
    for g, sigma in enumerate(SIGMA_GRID):
        z = z_today[g, moved.row_unit] + moved.moves / sigma
        for k, (observed, curve, weight) in enumerate(((moved.log_impressions, log_ndtr(z), moved.impressions_weight),
                                                       (moved.log_ratio, log_rho(z, sigma), moved.cpc_weight))):
            residual = _demeaned(observed - curve, weight, totals[k])
            squares[k, g] = np.bincount(moved.plan_codes, weights=weight * residual**2,
                                        minlength=len(moved.plan_names))
    return squares


def _best_spread(sums: np.ndarray, n: np.ndarray, total: np.ndarray) -> float:
    """The grid spread of least concentrated loss; sums: (2, grid); n, total: (2,)."""
    used = total > 0
    variance = sums[used] / total[used, None] + NOISE_FLOOR**2   # the weighted mean square
    loss = (n[used, None] * np.log(variance)).sum(axis=0)
    return float(SIGMA_GRID[int(np.argmin(loss))])


def _spend_focus(spend: np.ndarray, row_unit: np.ndarray, n_units: int) -> np.ndarray:
    """Each row's keyword's spend per day, relative to the mean over the rows of keywords that spent."""
    per_day = np.bincount(row_unit, weights=spend, minlength=n_units) / np.maximum(
        np.bincount(row_unit, minlength=n_units), 1)
    focus = per_day[row_unit]
    spent = focus > 0
    return focus / focus[spent].mean() if spent.any() else np.ones(len(focus))


def _group_totals(weight: np.ndarray, unit: np.ndarray, day: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each grouping (unit, then plan-day) with its weights' sum per group (1 where none), for :func:`_demeaned`."""
    return [(group, np.where(total > 0, total, 1.0)) for group in (unit, day)
            for total in (np.bincount(group, weights=weight),)]


def _demeaned(values: np.ndarray, weight: np.ndarray, totals: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """``values`` less their weighted unit and plan-day effects, three rounds of alternating demeaning."""
    residual = values.copy()
    for _ in range(3):
        for group, total in totals:
            residual = residual - (np.bincount(group, weights=weight * residual) / total)[group]
    return residual


def place(days: pd.DataFrame, unit: np.ndarray, current_bid: np.ndarray, plan_of_unit: np.ndarray) -> Position:
    """Spread per plan and position at today's bid per unit, from CPC / bid and the bid changes."""
    n_units = len(current_bid)
    ratios = shrunk_ratio(days, unit, plan_of_unit, n_units)
    bid = days["bid"].to_numpy(float)
    has_bid = bid > 0
    low, high = _bid_range(bid, has_bid, unit, n_units)
    moved_unit = high > low * (1 + 1e-9)
    rows = has_bid & (days["impressions"].to_numpy(float) > 0) & moved_unit[unit]
    sigma = np.full(n_units, DEFAULT_SIGMA)
    source = f"default {DEFAULT_SIGMA} (no bid changes in the history)"
    if rows.sum() >= 20:
        account, plans = fit_spreads(moved_days(days, unit, current_bid, rows, plan_of_unit), ratios, current_bid)
        sigma = pd.Series(plan_of_unit).map(plans).fillna(account).to_numpy(float)
        source = f"fitted to {int(rows.sum())} keyword-days after bid changes"
    z_mean = z_from_ratio(ratios.shrunk, sigma)
    shift = np.where(np.isfinite(ratios.mean_log_bid), np.log(current_bid) - ratios.mean_log_bid, 0.0)
    z_today = z_mean + shift / sigma
    if moved_unit.any():
        z_today[moved_unit] = anchor_moved(days, unit, current_bid, sigma, ratios, moved_unit)
    # today's CPC / bid stays what the data say; only the shape of the response is kept from
    # extrapolating beyond Z_RANGE. A ratio under the curve's reach at z = 8 (a CPC far under
    # the bid: the top slot of a ranked page pays the rival below) is kept as the data's, not
    # raised to the curve's floor (up to 3x today's CPC on head terms of a spread of 0.2)
    log_mean = log_rho(z_mean, sigma)
    log_today = log_mean.copy()   # where today's bid is the one the ratio was paid at, the same number
    moved_today = z_today != z_mean
    log_today[moved_today] = log_rho(z_today[moved_today], sigma[moved_today])
    ratio_today = ratios.shrunk * np.exp(log_today - log_mean)
    return Position(sigma, np.clip(z_today, *Z_RANGE), ratio_today, source)


def _bid_range(bid: np.ndarray, has_bid: np.ndarray, unit: np.ndarray, n_units: int) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's lowest and highest bid (inf and -inf without one): read off where the units change when the
    rows are in unit order (minima and maxima are exact, so the same numbers), else grouped."""
    low, high = np.where(has_bid, bid, np.inf), np.where(has_bid, bid, -np.inf)
    steps = np.diff(unit)
    if len(unit) and unit[0] == 0 and unit[-1] == n_units - 1 and ((steps == 0) | (steps == 1)).all():
        starts = np.flatnonzero(np.diff(unit, prepend=-1))
        return np.minimum.reduceat(low, starts), np.maximum.reduceat(high, starts)
    return (pd.Series(low).groupby(unit).min().reindex(range(n_units)).to_numpy(),
            pd.Series(high).groupby(unit).max().reindex(range(n_units)).to_numpy())


def anchor_moved(days: pd.DataFrame, unit: np.ndarray, current_bid: np.ndarray, sigma: np.ndarray,
                 ratios: Ratios, moved: np.ndarray) -> np.ndarray:
    """Today's position of each unit whose bid moved in the history: the one whose curve pays what it paid.

    A ratio averaged over days at different bids is no ratio at any one bid (rho is not
    linear in the bid), and after a doubled bid the average understates today's CPC.
    Instead ``z`` solves ``sum_d clicks_d bid_d rho(z + log(bid_d / bid) / sigma) + k bid
    rho(z) = spend + k bid prior``: every day's clicks priced at that day's bid on one
    curve, plus the plan's ratio as ``k`` pseudo-clicks at today's bid. The left side
    falls in ``z``: :func:`falling_root`.
    """
    index = np.flatnonzero(moved)
    local = np.full(len(moved), -1)
    local[index] = np.arange(len(index))
    bid = days["bid"].to_numpy(float)
    clicks = days["clicks"].to_numpy(float)
    rows = (local[unit] >= 0) & (bid > 0) & (clicks > 0)
    row_unit = local[unit[rows]]
    paid = clicks[rows] * bid[rows]
    today_bid, unit_sigma = current_bid[index], sigma[index]
    row_sigma = unit_sigma[row_unit]
    offset = np.log(bid[rows] / today_bid[row_unit]) / row_sigma
    pseudo = ratios.strength * today_bid
    target = (np.bincount(row_unit, weights=days["spend"].to_numpy(float)[rows], minlength=len(index))
              + pseudo * ratios.prior[index])

    def gap(z: np.ndarray, slope: bool) -> tuple[np.ndarray, np.ndarray | None]:   # model spend - target
        row_z = z[row_unit] + offset
        if not slope:
            row_rho, rho = np.exp(log_rho(row_z, row_sigma)), np.exp(log_rho(z, unit_sigma))
            return np.bincount(row_unit, weights=paid * row_rho, minlength=len(index)) + pseudo * rho - target, None
        (row_log, row_dlog), (log, dlog) = log_rho_slope(row_z, row_sigma), log_rho_slope(z, unit_sigma)
        row_rho, rho = np.exp(row_log), np.exp(log)
        value = np.bincount(row_unit, weights=paid * row_rho, minlength=len(index)) + pseudo * rho - target
        return value, (np.bincount(row_unit, weights=paid * (row_rho * row_dlog), minlength=len(index))
                       + pseudo * rho * dlog)

    return falling_root(gap, (len(index),), BRACKET_STEPS + 4)
