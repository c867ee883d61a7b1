"""From the program's solution to decisions a person can check: actions, reasons, limits that bind.

The LP buys bid increments in order of efficiency up to a cut-off set by its
dual prices. For a unit in plan ``p`` the cut-off on marginal ROI (extra revenue
per extra unit of spend) is::

    (spend_cost + y_budget + y_cap[p] - y_floor[p] + min_roi y_roi + r_p y_roi[p])
    / (objective_per_revenue + y_roi + y_roi[p])

so a keyword is raised while its next step returns more than the cut-off and cut
when today's step returns less. Reasons quote both numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.response import STEPS, Candidates
from optimizer.solve import Limits, Solution

ACTIONS = ("raise", "cut", "hold", "pause")


@dataclass(frozen=True)
class Decisions:
    """Per unit: the bid chosen, the action, the forecast at it, and why."""

    units: pd.DataFrame
    cutoff: np.ndarray


def cutoff_roi(solution: Solution, limits: Limits, objective_per_revenue: np.ndarray, spend_cost: float) -> np.ndarray:
    """Marginal ROI each unit's next increment must beat to be bought (see the module docstring)."""
    duals = solution.duals
    plan = limits.plan_of_unit
    names = limits.plan_names
    cap = np.array([duals.get(f"plan_budget_cap[{name}]", 0.0) for name in names])[plan] if names else 0.0
    floor = np.array([duals.get(f"plan_budget_floor[{name}]", 0.0) for name in names])[plan] if names else 0.0
    plan_roi_dual = np.array([duals.get(f"plan_min_roi[{name}]", 0.0) for name in names])[plan] if names else 0.0
    plan_floor = np.nan_to_num(limits.plan_min_roi[plan]) if names else 0.0
    roi_dual = duals.get("min_roi", 0.0)
    numerator = spend_cost + duals.get("budget", 0.0) + cap - floor + (limits.min_roi or 0.0) * roi_dual + plan_floor * plan_roi_dual
    denominator = objective_per_revenue + roi_dual + plan_roi_dual
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.inf)


def decide(units: pd.DataFrame, candidates: Candidates, solution: Solution, cutoff: np.ndarray,
           *, locked: np.ndarray, level: str, history_days: int) -> Decisions:
    """Turn the LP's shares into one bid per unit, its action, forecast and reason."""
    share = solution.share
    n, n_levels = share.shape
    paused = np.clip(1.0 - share.sum(axis=1), 0.0, 1.0)
    main_level = share.argmax(axis=1)
    main_share = share[np.arange(n), main_level]
    is_pause = paused > main_share + 1e-9
    current_bid = units["current_bid"].to_numpy(float) if level == "keyword" else units["spend"].to_numpy(float)
    new_bid = np.where(is_pause, 0.0, candidates.bid[np.arange(n), main_level])
    action = np.select(
        [is_pause, main_level == STEPS, new_bid > current_bid],
        ["pause", "hold", "raise"], default="cut",
    )
    forecast = {name: (share * candidates.metric(name)).sum(axis=1) for name in ("impressions", "clicks", "spend", "orders", "revenue")}

    # marginal ROI of the step into the chosen level, and of the step beyond it
    spend, revenue, valid = candidates.spend, candidates.revenue, candidates.valid
    step_in = _slope_below(spend, revenue, valid, main_level, candidates.can_pause)
    step_out = _slope_above(spend, revenue, valid, main_level)
    lowest = np.where(valid.any(axis=1), valid.argmax(axis=1), STEPS)
    first_step = _ratio(revenue[np.arange(n), lowest], spend[np.arange(n), lowest])
    no_data = units["observed_impressions"].fillna(0).to_numpy() <= 0
    reasons = _reasons(action, step_in, step_out, first_step, cutoff, share, candidates.bid, main_level, paused,
                       locked=locked, no_data=no_data, history_days=history_days, at_top=_at_top(valid, main_level))
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(current_bid > 0, (new_bid - current_bid) / current_bid * 100.0, 0.0)
    at_top = _at_top(valid, main_level)
    table = units.assign(
        before_spend=units["spend"], before_revenue=units["revenue"], at_bid_limit=(action == "raise") & at_top,
        new_bid=new_bid, change_pct=np.round(change, 1), action=action,
        **forecast, roi=_ratio(forecast["revenue"], forecast["spend"]), reason=reasons,
    )
    return Decisions(table, cutoff)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(np.shape(num)), where=np.asarray(den) > 1e-12)


def _slope_below(spend, revenue, valid, level, can_pause) -> np.ndarray:
    """Marginal ROI of the step from the next lower allowed level (or from pausing) into ``level``."""
    n, n_levels = spend.shape
    cols = np.arange(n_levels)[None, :]
    lower = np.where(valid & (cols < level[:, None]), cols, -1).max(axis=1)
    rows = np.arange(n)
    base_spend = np.where(lower >= 0, spend[rows, np.maximum(lower, 0)], 0.0)
    base_revenue = np.where(lower >= 0, revenue[rows, np.maximum(lower, 0)], 0.0)
    slope = _ratio(revenue[rows, level] - base_revenue, spend[rows, level] - base_spend)
    return np.where((lower >= 0) | can_pause, slope, np.nan)


def _slope_above(spend, revenue, valid, level) -> np.ndarray:
    """Marginal ROI of the step from ``level`` to the next higher allowed level (NaN at the top)."""
    n, n_levels = spend.shape
    cols = np.arange(n_levels)[None, :]
    upper = np.where(valid & (cols > level[:, None]), cols, n_levels).min(axis=1)
    rows = np.arange(n)
    top = upper >= n_levels
    upper = np.minimum(upper, n_levels - 1)
    slope = _ratio(revenue[rows, upper] - revenue[rows, level], spend[rows, upper] - spend[rows, level])
    return np.where(top, np.nan, slope)


def _at_top(valid: np.ndarray, level: np.ndarray) -> np.ndarray:
    cols = np.arange(valid.shape[1])[None, :]
    return ~(valid & (cols > level[:, None])).any(axis=1)


def _reasons(action, step_in, step_out, first_step, cutoff, share, bids, level, paused, *, locked, no_data,
             history_days, at_top) -> np.ndarray:
    """One short sentence per unit; vectorised string assembly over a few cases."""
    fmt = np.vectorize(lambda value: "-" if not np.isfinite(value) else f"{value:.2f}" if value < 10 else f"{value:.1f}",
                       otypes=[object])
    cut_s, in_s, out_s, first_s = fmt(cutoff), fmt(step_in), fmt(step_out), fmt(first_step)
    raise_text = "marginal ROI " + in_s + " above the " + cut_s + " cut-off: raised to buy more clicks"
    raise_text = np.where(at_top, raise_text + " (as far as the bid limits allow)", raise_text)
    cut_text = "marginal ROI " + out_s + " below the " + cut_s + " cut-off at a higher bid: cut to where the last click pays"
    hold_text = "already at the best bid for the " + cut_s + " cut-off (next step up returns " + out_s + ")"
    pause_text = "even the lowest bid returns ROI " + first_s + ", below the " + cut_s + " cut-off: paused"
    reasons = np.select([action == "raise", action == "cut", action == "pause"], [raise_text, cut_text, pause_text],
                        default=hold_text).astype(object)
    # a unit that mixes two bids runs each for part of the week (a time split)
    n = len(action)
    order = np.argsort(-share, axis=1)
    second = order[:, 1]
    second_share = share[np.arange(n), second]
    split = (second_share > 1e-6) & (action != "pause")
    if split.any():
        main_share = share[np.arange(n), level]
        text = (" — time split: " + fmt(main_share * 100) + "% of the week at " + fmt(bids[np.arange(n), level])
                + ", " + fmt(second_share * 100) + "% at " + fmt(bids[np.arange(n), second]))
        reasons[split] = reasons[split] + text[split]
    part_paused = (paused > 1e-6) & (action != "pause")
    reasons[part_paused] = reasons[part_paused] + " — paused " + fmt(paused * 100)[part_paused] + "% of the week"
    reasons[no_data] = f"no impressions in the last {history_days} days (无展现词): kept; check its relevance or test a higher bid"
    reasons[locked] = "plan locked: bid kept as it is"
    return reasons
