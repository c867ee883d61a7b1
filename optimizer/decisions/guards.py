"""Two things a plan never does, whatever a forecast says, because the reports themselves say otherwise.

* A unit that spent at least ``WASTE_ORDERS`` times the account's cost per order without a single order
  is never raised: its forecast conversion rate is a prior borrowed from its plan, and the data disagrees.
* A unit with at least ``WINNER_ORDERS`` orders at ``WINNER_FLOOR`` times the ROI floor or better is never
  paused: it may be cut, not switched off. When running them all at their lowest bid would not fit the
  budget, or the scenario sets plan or item limits of its own, this guard is dropped rather than make
  the plan impossible or overrule those limits.

Both act on the program's candidates (:class:`optimizer.model.response.Candidates`) before the solve, so
the rest of the plan is chosen around them; the reasons of the units they hold say so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.i18n import translator
from optimizer.model.response import STEPS, Candidates
from optimizer.solver.program import Limits, Program

WASTE_ORDERS = 2.0
WINNER_ORDERS = 3.0
WINNER_FLOOR = 1.5


@dataclass(frozen=True)
class Guarded:
    """Which units the guards hold: not raised (``waste``), not paused (``winner``)."""

    waste: np.ndarray
    winner: np.ndarray
    #: Each unit's lowest allowed bid: a winner cut to it is where the guard may have held it.
    lowest_bid: np.ndarray | None = None


def guard(units: pd.DataFrame, candidates: Candidates, floor: float | None, budget: float) -> tuple[Candidates, Guarded]:
    """The candidates without raises for units that spent without an order, and without pause for winners."""
    spend = np.nan_to_num(units["observed_spend"].to_numpy(float))
    orders = np.nan_to_num(units["observed_orders"].to_numpy(float)) if "observed_orders" in units else np.zeros(len(units))
    revenue = np.nan_to_num(units["observed_revenue"].to_numpy(float)) if "observed_revenue" in units else np.zeros(len(units))
    cost_per_order = spend.sum() / orders.sum() if orders.sum() > 0 else np.inf
    waste = (spend >= WASTE_ORDERS * cost_per_order) & (orders <= 0)
    valid = candidates.valid.copy()
    valid[waste, STEPS + 1:] = False
    waste &= candidates.valid[:, STEPS + 1:].any(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(spend > 0, revenue / spend, 0.0)
    winner = ((orders >= WINNER_ORDERS) & (roi >= WINNER_FLOOR * (floor or 0.0)) & (floor is not None and floor > 0)
              & candidates.can_pause & valid.any(axis=1))
    lowest = np.where(valid, candidates.spend, np.inf).min(axis=1)
    if winner.any() and lowest[winner].sum() > budget:
        winner = np.zeros(len(units), dtype=bool)
    guarded = replace(candidates, valid=valid, can_pause=candidates.can_pause & ~winner)
    lowest_bid = np.where(valid, candidates.bid, np.inf).min(axis=1)
    return guarded, Guarded(waste, winner, lowest_bid)


def said(bids: pd.DataFrame, guarded: Guarded, lang: str = "en") -> pd.DataFrame:
    """bids with the guard that held each unit said in its reason (in ``lang``)."""
    t, reason = translator(lang), bids["reason"].astype(str)
    moving = (bids["action"] != "pause").to_numpy()   # compared as Arrow text, not as a million Python strings
    waste = guarded.waste & moving
    if waste.any():
        reason = reason.where(~waste, reason + t("reason.never_raised", factor=f"{WASTE_ORDERS:g}"))
    kept = guarded.winner & (bids["action"] == "cut").to_numpy()
    if guarded.lowest_bid is not None:   # only a winner cut as far as allowed may have been held by the guard
        kept &= bids["new_bid"].to_numpy(float) <= guarded.lowest_bid + 1e-6
    if kept.any():
        reason = reason.where(~kept, reason + t("reason.kept_running", orders=f"{WINNER_ORDERS:g}",
                                                factor=f"{WINNER_FLOOR:g}"))
    return bids.assign(reason=reason.array)   # the text as it is: no million Python strings made and read back


def program(units: pd.DataFrame, candidates: Candidates, objective: np.ndarray, limits: Limits,
            default_floor: float | None) -> tuple[Program, Guarded]:
    """The plan's program over the guarded candidates (floor: the limits' own, else the default one)."""
    guarded, held = guard(units, candidates, limits.min_roi or default_floor, limits.budget)
    if _own_limits(limits):   # plan or item limits of the scenario's may need a winner paused: they decide
        guarded, held = replace(guarded, can_pause=candidates.can_pause), replace(held, winner=held.winner & False)
    return Program(guarded, objective, limits), held


def _own_limits(limits: Limits) -> bool:
    plans = (limits.plan_min_roi, limits.plan_min_budget, limits.plan_max_budget)
    return any(np.isfinite(np.asarray(values, float)).any() for values in plans) or bool(limits.item_names)
