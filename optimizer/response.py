"""Candidate bids per unit and what each buys: the points the linear program mixes.

Every unit gets the same layout of ``2 * STEPS + 1`` columns: STEPS cuts (lowest
first), today's bid in the middle column ``STEPS``, STEPS raises. A column that
the bounds rule out is marked invalid. Cuts and raises smaller than
``hold_within`` are left out, so a change within noise is never proposed.
Pausing is the point (0, 0) and needs no column: it is the slack of the unit's
``choose`` row.

At a bid ``b = b0 * m`` a keyword buys ``clicks0 * m ** clicks_elasticity``
clicks at a CPC of ``min(b, cpc0 * m ** cpc_elasticity)``; orders and revenue
follow clicks at the unit's shrunk CVR and order value. For a plan-level unit
the "bid" is its spend: spend scales with ``m`` and clicks with
``m ** clicks_elasticity``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.scenario import BidLimits

#: Candidate levels on each side of today's bid.
STEPS = 6
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
    """Candidate bids per unit (cuts, today, raises), rounded to the increment, and which are allowed."""
    b0 = current_bid[:, None]
    low = np.clip(current_bid * (1 - bids.max_cut), bids.min, bids.max)[:, None]
    high = np.clip(current_bid * (1 + bids.max_raise), bids.min, bids.max)[:, None]
    near_low = np.minimum(current_bid * (1 - bids.hold_within), bids.max)[:, None]
    near_high = np.maximum(current_bid * (1 + bids.hold_within), bids.min)[:, None]
    steps = np.linspace(0.0, 1.0, STEPS)[None, :]
    # geometric spacing: equal steps in log bid, the scale on which response curves bend
    cuts = np.exp(np.log(low) + steps * (np.log(np.maximum(near_low, low)) - np.log(low)))
    raises = np.exp(np.log(np.minimum(near_high, high)) + steps * (np.log(high) - np.log(np.minimum(near_high, high))))
    grid = np.concatenate([cuts, b0, raises], axis=1)
    grid = np.round(grid / bids.increment) * bids.increment
    valid = np.ones_like(grid, dtype=bool)
    valid[:, :STEPS] = (cuts <= near_low + 1e-12) & (near_low >= low - 1e-12)
    valid[:, STEPS + 1:] = (raises >= near_high - 1e-12) & (near_high <= high + 1e-12)
    # rounding can make neighbours equal: keep the one nearest today's bid
    valid[:, :STEPS] &= grid[:, :STEPS] < np.concatenate([grid[:, 1:STEPS], b0], axis=1) - 1e-12
    valid[:, STEPS + 1:] &= grid[:, STEPS + 1:] > np.concatenate([b0, grid[:, STEPS + 1:-1]], axis=1) + 1e-12
    valid[:, :STEPS] &= grid[:, :STEPS] < b0[:, 0:1] - 1e-12
    valid[:, STEPS + 1:] &= grid[:, STEPS + 1:] > b0[:, 0:1] + 1e-12
    inside = (current_bid >= bids.min - 1e-12) & (current_bid <= bids.max + 1e-12)
    valid[:, STEPS] = inside | locked
    valid[locked, :STEPS] = False
    valid[locked, STEPS + 1:] = False
    valid &= np.isfinite(grid) & (grid > 0)
    valid[locked, STEPS] = True
    return grid, valid


def build_candidates(units: pd.DataFrame, bids: BidLimits, locked: np.ndarray, level: str) -> Candidates:
    """Forecast every candidate level of every unit from the unit's estimates."""
    n = len(units)
    alpha = units["clicks_elasticity"].to_numpy(float)[:, None]
    gamma = units["cpc_elasticity"].to_numpy(float)[:, None]
    clicks0 = units["clicks"].to_numpy(float)[:, None]
    impressions0 = units["impressions"].to_numpy(float)[:, None]
    cpc0 = units["cpc"].to_numpy(float)[:, None]
    if level == "keyword":
        current_bid = units["current_bid"].to_numpy(float)
        grid, valid = bid_grid(current_bid, bids, locked)
        multiplier = grid / np.where(current_bid > 0, current_bid, 1.0)[:, None]
        cpc = np.minimum(grid, cpc0 * multiplier**gamma)
    else:
        spend0 = units["spend"].to_numpy(float)
        multiplier = np.concatenate([
            np.linspace(1 - bids.max_cut, 1 - bids.hold_within, STEPS),
            [1.0],
            np.linspace(1 + bids.hold_within, 1 + bids.max_raise, STEPS),
        ])[None, :].repeat(n, axis=0)
        grid = spend0[:, None] * multiplier
        valid = np.ones_like(grid, dtype=bool)
        valid[locked] = False
        valid[:, STEPS] = True
        cpc = cpc0 * multiplier**gamma
    clicks = clicks0 * multiplier**alpha
    impressions = impressions0 * multiplier**alpha
    value_per_click = units["value_per_click"].to_numpy(float)[:, None]
    cvr = units["cvr"].to_numpy(float)[:, None]
    spend = clicks * cpc
    arrays = {
        "impressions": impressions, "clicks": clicks, "spend": spend,
        "orders": clicks * cvr, "revenue": clicks * value_per_click,
    }
    for name, values in arrays.items():
        arrays[name] = np.where(valid, np.nan_to_num(values), 0.0)
    current = {name: units[name].to_numpy(float).copy() for name in METRICS}
    can_pause = np.full(n, bids.allow_pause) & ~locked
    return Candidates(bid=np.where(valid, grid, np.nan), valid=valid, can_pause=can_pause, current=current, **arrays)
