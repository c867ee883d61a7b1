"""Candidate bids per unit and what each buys: the points the linear program mixes.

Every unit gets the same layout of ``2 * STEPS + 1`` columns: STEPS cuts (lowest
first), today's bid in the middle column ``STEPS``, STEPS raises. A column that
the bounds rule out is marked invalid. Cuts and raises smaller than
``hold_within`` are left out, so a change within noise is never proposed.
Pausing is the point (0, 0) and needs no column: it is the slack of the unit's
``choose`` row.

At a bid ``b = b0 * m`` a keyword moves along its second-price auction curve
(:mod:`optimizer.model.auction`): clicks scale with ``Phi(z0 + log(m) / sigma) / Phi(z0)``
and CPC moves from today's as ``b * rho(z)`` does, never above the bid; orders and revenue follow clicks at
the unit's shrunk CVR and order value. For a plan-level unit the "bid" is its spend:
spend scales with ``m`` and clicks with ``m ** clicks_elasticity``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.model import auction, halves
from optimizer.scenario.scenario_file import BidLimits

#: Candidate levels on each side of today's bid.
STEPS = 6
#: The share of the revenue a raise past the highest bid the history has seen adds that the plan does not count
#: on (:func:`_distrust_beyond_seen`).
BEYOND_SEEN_DISCOUNT = 0.15
METRICS = ("impressions", "clicks", "spend", "orders", "revenue")


@dataclass(frozen=True)
class Candidates:
    """Dense ``(units, levels)`` arrays of candidate bids and their forecasts."""

    bid: np.ndarray
    impressions: np.ndarray
    clicks: np.ndarray
    spend: np.ndarray
    orders: np.ndarray
    revenue: np.ndarray
    valid: np.ndarray
    can_pause: np.ndarray
    #: Today's forecast (multiplier 1), valid or not: the "before" of the summary.
    current: dict[str, np.ndarray]

    @property
    def current_level(self) -> int:
        return STEPS

    def metric(self, name: str) -> np.ndarray:
        return getattr(self, name)


def bid_grid(current_bid: np.ndarray, bids: BidLimits, locked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate bids per unit (cuts, today, raises) on the increment grid, and which are allowed.

    Bounds are rounded inward (a cut never goes below the allowed floor, a raise never
    above the cap) and the hold band outward, so no rounded candidate breaks a limit
    or moves the bid by less than ``hold_within``.
    """
    step = bids.increment
    today = np.round(current_bid / step) * step
    low = np.ceil(np.clip(current_bid * (1 - bids.max_cut), bids.min, bids.max) / step - 1e-9) * step
    high = np.floor(np.clip(current_bid * (1 + bids.max_raise), bids.min, bids.max) / step + 1e-9) * step
    near_low = np.minimum(np.floor(current_bid * (1 - bids.hold_within) / step + 1e-9) * step, high)
    near_high = np.maximum(np.ceil(current_bid * (1 + bids.hold_within) / step - 1e-9) * step, low)
    fractions = np.linspace(0.0, 1.0, STEPS)[None, :]
    cuts = _geometric(low, np.maximum(near_low, low), fractions)
    raises = _geometric(np.minimum(near_high, high), high, fractions)
    grid = np.concatenate([cuts, today[:, None], raises], axis=1)
    grid /= step   # rounded to the increment in place: the (units, levels) table is made once
    np.round(grid, out=grid)
    grid *= step
    cuts, raises = grid[:, :STEPS], grid[:, STEPS + 1:]
    valid = np.ones_like(grid, dtype=bool)
    # a duplicate after rounding keeps the copy nearest today's bid
    valid[:, :STEPS] = ((near_low >= low - 1e-9)[:, None] & (cuts < today[:, None] - 1e-9)
                        & (cuts < np.concatenate([cuts[:, 1:], np.full((len(grid), 1), np.inf)], axis=1) - 1e-9))
    valid[:, STEPS + 1:] = ((near_high <= high + 1e-9)[:, None] & (raises > today[:, None] + 1e-9)
                            & (raises > np.concatenate([np.full((len(grid), 1), -np.inf), raises[:, :-1]], axis=1) + 1e-9))
    valid[:, STEPS] = (current_bid >= bids.min - 1e-9) & (current_bid <= bids.max + 1e-9)
    valid &= np.isfinite(grid) & (grid > 0)
    valid[locked] = False
    valid[locked, STEPS] = True
    return grid, valid


def _geometric(start: np.ndarray, stop: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Points from start to stop with equal steps in log: the scale on which response curves bend."""
    log_start = np.log(np.maximum(start, 1e-12))[:, None]
    points = fractions * (np.log(np.maximum(stop, 1e-12))[:, None] - log_start)
    points += log_start
    return np.exp(points, out=points)


def _spend_multipliers(n: int, bids: BidLimits, locked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plan-level candidates: multiples of today's spend within max_cut / max_raise, outside the hold band."""
    cuts = np.linspace(1 - bids.max_cut, 1 - bids.hold_within, STEPS)
    raises = np.linspace(1 + bids.hold_within, 1 + bids.max_raise, STEPS)
    multiplier = np.concatenate([cuts, [1.0], raises])[None, :].repeat(n, axis=0)
    valid = np.ones_like(multiplier, dtype=bool)
    valid[:, :STEPS] = bids.max_cut >= bids.hold_within
    valid[:, STEPS + 1:] = bids.max_raise >= bids.hold_within
    valid &= multiplier > 0
    valid[locked] = False
    valid[:, STEPS] = True
    return multiplier, valid


def _keyword_curve(units: pd.DataFrame, multiplier: np.ndarray, bid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Volume (x today's) and CPC at ``bid`` = today's x ``multiplier`` on each keyword's auction curve."""
    z0, sigma = units["z0"].to_numpy(float)[:, None], units["sigma"].to_numpy(float)[:, None]
    volume, cpc = auction.response_factors(z0, sigma, multiplier)
    if "response_scale" in units:   # the share of the curve's response the history's bid changes bear out
        scale = units["response_scale"].to_numpy(float)
        if not (scale == 1.0).all():   # x ** 1 is x: the whole curve borne out needs no power of the table
            volume **= scale[:, None]
    cpc *= units["cpc"].to_numpy(float)[:, None]
    np.minimum(bid, cpc, out=cpc)
    return volume, cpc


def _distrust_beyond_seen(arrays: dict[str, np.ndarray], grid: np.ndarray, units: pd.DataFrame) -> None:
    """Credit a raise past the highest bid the history has seen with 1 - BEYOND_SEEN_DISCOUNT of the revenue and
    orders its curve adds past that bid, in place.

    The curve is placed from where a keyword stands today, not from how its auction answers a move; the
    history's own bids bear it out up to the highest it shows, and past it the plan buys exactly the raises
    whose curves promise most (the optimizer's curse). Spend stays the curve's, so such a raise's ROI is
    worse than the curve says and the plan takes fewer of them; each week's bids join the history, so the
    discounted stretch moves up as the account is played.
    """
    highest = units["highest_bid_seen"].to_numpy(float)[:, None]
    up = grid > highest + 1e-9
    if not up.any():
        return
    current_bid = units["current_bid"].to_numpy(float)[:, None]
    volume, _ = _keyword_curve(units, highest / current_bid, highest)   # one point per unit: at its highest bid
    clicks = units["clicks"].to_numpy(float)[:, None] * volume
    for name, rate in (("revenue", "value_per_click"), ("orders", "cvr")):
        at_seen = clicks * units[rate].to_numpy(float)[:, None]
        # at_seen + (value - at_seen) x (1 - discount), in place and only where the bid is past the highest seen
        values = arrays[name]
        np.subtract(values, at_seen, out=values, where=up)
        np.multiply(values, 1.0 - BEYOND_SEEN_DISCOUNT, out=values, where=up)
        np.add(values, at_seen, out=values, where=up)


def _forecasts(units: pd.DataFrame, curve: tuple[np.ndarray, np.ndarray], invalid: np.ndarray,
               grid: np.ndarray | None) -> dict[str, np.ndarray]:
    """Impressions, clicks, spend, orders and revenue at each candidate from its volume (x today's) and CPC
    (``curve``), 0 where ``invalid``; a raise past the highest bid seen distrusted when the keyword ``grid`` comes.

    The forecasts take the pages of the volume and CPC tables, read no more, where they can; each unit's
    row reads its own only, so a large table's two halves of rows are worked at once
    (:mod:`optimizer.model.halves`).
    """
    volume, cpc = curve
    columns = {name: units[name].to_numpy(float)[:, None]
               for name in ("impressions", "clicks", "cvr", "value_per_click")}
    arrays = {"impressions": np.empty_like(volume), "clicks": volume, "spend": cpc,
              "orders": np.empty_like(volume), "revenue": np.empty_like(volume)}

    def block(rows: slice) -> None:
        out = {name: values[rows] for name, values in arrays.items()}
        np.multiply(columns["impressions"][rows], volume[rows], out=out["impressions"])
        clicks = np.multiply(columns["clicks"][rows], volume[rows], out=out["clicks"])
        np.multiply(clicks, cpc[rows], out=out["spend"])
        np.multiply(clicks, columns["cvr"][rows], out=out["orders"])
        np.multiply(clicks, columns["value_per_click"][rows], out=out["revenue"])
        if grid is not None:
            _distrust_beyond_seen(out, grid[rows], units.iloc[rows])
        for values in out.values():   # each a fresh (units, levels) array: cleaned in place
            if not np.isfinite(values).all():
                np.nan_to_num(values, copy=False)
            np.copyto(values, 0.0, where=invalid[rows])

    halves.by_halves(len(volume), volume.size, block)
    return arrays


def build_candidates(units: pd.DataFrame, bids: BidLimits, locked: np.ndarray, level: str) -> Candidates:
    """Forecast every candidate level of every unit from the unit's estimates."""
    n = len(units)
    alpha = units["clicks_elasticity"].to_numpy(float)[:, None]
    gamma = units["cpc_elasticity"].to_numpy(float)[:, None]
    cpc0 = units["cpc"].to_numpy(float)[:, None]
    if level == "keyword":
        current_bid = units["current_bid"].to_numpy(float)
        grid, valid = bid_grid(current_bid, bids, locked)
        multiplier = grid / np.where(current_bid > 0, current_bid, 1.0)[:, None]
        np.copyto(multiplier, 1.0, where=~(valid & (multiplier > 0)))
        volume, cpc = _keyword_curve(units, multiplier, grid)
    else:
        multiplier, valid = _spend_multipliers(n, bids, locked)
        grid = units["spend"].to_numpy(float)[:, None] * multiplier
        cpc = cpc0 * multiplier**gamma
        volume = multiplier**alpha
    invalid = ~valid
    arrays = _forecasts(units, (volume, cpc), invalid,
                        grid if level == "keyword" and "highest_bid_seen" in units else None)
    current = {name: units[name].to_numpy(float).copy() for name in METRICS}
    can_pause = np.full(n, bids.allow_pause) & ~locked
    np.copyto(grid, np.nan, where=invalid)
    return Candidates(bid=grid, valid=valid, can_pause=can_pause, current=current, **arrays)
