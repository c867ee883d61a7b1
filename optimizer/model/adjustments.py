"""What-if changes to the forecast: a promotion, auction pressure, a price cut.

Each ``[adjust]`` entry scales the estimated week of the units its filters match
(every unit when it has none); entries that match the same unit multiply. The
estimates themselves are not touched, so scenarios that share reports share one
estimation and differ only here.
"""

from __future__ import annotations

import fnmatch
import re

import numpy as np
import pandas as pd

from optimizer.model import auction
from optimizer.scenario.settings import Adjustment


def matches(names: pd.Series, patterns: tuple[str, ...]) -> np.ndarray:
    """Which names equal one of the patterns or match it as a glob (``*``, ``?``, ``[...]``)."""
    if not patterns:
        return np.ones(len(names), dtype=bool)
    expression = "|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns)
    return names.astype(str).str.match(re.compile(expression)).to_numpy(dtype=bool)


def apply_adjustments(units: pd.DataFrame, adjustments: tuple[Adjustment, ...]) -> pd.DataFrame:
    """The units' forecast after every adjustment; CPC stays under today's bid."""
    if not adjustments:
        return units
    factors = {name: np.ones(len(units)) for name in ("cpc", "volume", "ctr", "cvr", "order_value")}
    for entry in adjustments:
        hit = matches(units["plan"], entry.plans)
        if entry.items:
            hit &= matches(units["ad_group"], entry.items) if "ad_group" in units else False
        if entry.keywords:
            hit &= matches(units["keyword"], entry.keywords) if "keyword" in units else False
        for name in factors:
            factors[name] = np.where(hit, factors[name] * getattr(entry, name), factors[name])
    out = units.copy()
    out["impressions"] = units["impressions"] * factors["volume"]
    out["clicks"] = units["clicks"] * factors["volume"] * factors["ctr"]
    out["ctr"] = units["ctr"] * factors["ctr"]
    if "z0" in units:
        # auction pressure: competitors' scores rise by the factor, so today's bid wins fewer auctions
        # and the same traffic costs that much more (a bid raised by the factor buys it back)
        out["z0"] = units["z0"] - np.log(factors["cpc"]) / units["sigma"]
        # at today's bid the keyword now stands where a bid 1/factor as high stood before
        volume = auction.clicks_factor(units["z0"].to_numpy(), units["sigma"].to_numpy(), 1.0 / factors["cpc"])
        out["impressions"] *= volume
        out["clicks"] *= volume
        sigma = units["sigma"].to_numpy()
        shift = np.exp(auction.log_rho(out["z0"].to_numpy(), sigma) - auction.log_rho(units["z0"].to_numpy(), sigma))
        out["cpc"] = np.minimum(units["cpc"] * shift, units["current_bid"])
    else:  # plan-level units: no auction position, the price simply scales (never past a known bid)
        cpc = units["cpc"] * factors["cpc"]
        if "current_bid" in units:
            cpc = np.minimum(cpc, units["current_bid"].fillna(np.inf))
        out["cpc"] = cpc
    out["cvr"] = units["cvr"] * factors["cvr"]
    out["value_per_order"] = units["value_per_order"] * factors["order_value"]
    out["value_per_click"] = out["cvr"] * out["value_per_order"]
    out["spend"] = out["clicks"] * out["cpc"]
    out["orders"] = out["clicks"] * out["cvr"]
    out["revenue"] = out["orders"] * out["value_per_order"]
    return out
