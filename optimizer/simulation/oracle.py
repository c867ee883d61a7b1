"""The best any bids can do in a known market, and the true score of a bid sheet.

The oracle is the weekly program of :mod:`optimizer.solver.program` (same rows: budget,
ROI floor, pausing) built on the market's *true* expected curves at a fine grid
of bids inside the same bounds, and solved exactly by HiGHS. Mixing two
neighbouring bids is a time split of the week, so on the concave true curves the
oracle is the best objective any bids reach, up to the grid's fineness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import Conflict, InfeasibleError
from optimizer.model.response import Candidates
from optimizer.scenario.settings import BidLimits, Goal
from optimizer.simulation.market import METRICS, Market
from optimizer.solver import solve
from optimizer.solver.program import Limits, Program

#: Bids per keyword on the oracle's grid (geometric between the bounds).
GRID_LEVELS = 48
#: A bid sheet keeps the limits in truth when its true spend is at most SPEND_TOLERANCE x the budget
#: and its true ROI at least ROI_TOLERANCE x the floor: a plan is made on forecasts, so it is held to
#: the limits with this much room (the tolerances of the quality benchmark's goals).
SPEND_TOLERANCE, ROI_TOLERANCE = 1.01, 0.99
KEYS = ["plan", "ad_group", "keyword", "match_type"]
#: Figures under TINY x the largest of their kind count as zero when HiGHS finds the program numerically hard.
TINY = 1e-12


@dataclass(frozen=True)
class Oracle:
    """The best objective under the limits, what it spends and earns, and its main bid per keyword."""

    objective: float
    spend: float
    revenue: float
    budget: float
    min_roi: float | None
    bid: np.ndarray


def bid_bounds(market: Market, bids: BidLimits, relative: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest bid per keyword: [bids] min/max, and max_cut/max_raise around today's bid if ``relative``.

    Above the bid at which the keyword wins every auction nothing changes, so the grid stops there.
    """
    low = np.full(len(market), bids.min)
    high = np.full(len(market), bids.max)
    if relative:
        low = np.maximum(low, market.bid * (1.0 - bids.max_cut))
        high = np.minimum(high, market.bid * (1.0 + bids.max_raise))
    saturated = market.top_bid()
    high = np.maximum(low, np.minimum(high, saturated))
    return low, high


def objective_of(goal: Goal, figures: dict[str, np.ndarray]) -> np.ndarray:
    """The goal's objective from expected figures (any shape)."""
    if goal.objective == "profit":
        return goal.margin * figures["revenue"] - figures["spend"]
    return figures[goal.objective]


def today_budget(market: Market, goal: Goal, period_days: int | None = None) -> float:
    """The goal's budget, or today's true spend over the period when the goal sets none."""
    days = period_days or goal.period_days
    return float(goal.budget) if goal.budget is not None else float(market.expected(days=days)["spend"].sum())


def solve_oracle(market: Market, goal: Goal, bids: BidLimits, *, relative: bool = True,
                 levels: int = GRID_LEVELS) -> Oracle:
    """The best objective any bids within the bounds reach on the true curves, under the goal's budget and ROI floor."""
    low, high = bid_bounds(market, bids, relative)
    fractions = np.linspace(0.0, 1.0, levels)[None, :]
    grid = np.exp(np.log(low)[:, None] + fractions * (np.log(high) - np.log(low))[:, None])
    figures = market.expected(grid, days=goal.period_days)
    today = market.expected(days=goal.period_days)
    candidates = Candidates(bid=grid, valid=np.ones(grid.shape, dtype=bool),
                            can_pause=np.full(len(market), bids.allow_pause), current=today,
                            **{name: figures[name] for name in METRICS})
    plan_codes, plan_names = pd.factorize(market.keywords["plan"], sort=True)
    no_limit = np.full(len(plan_names), np.nan)
    budget = today_budget(market, goal)
    limits = Limits(budget=budget, min_roi=goal.min_roi or None, plan_of_unit=plan_codes,
                    plan_names=tuple(plan_names), plan_max_budget=no_limit, plan_min_budget=no_limit,
                    plan_min_roi=no_limit)
    solution = solve(Program(candidates, objective_of(goal, figures), limits), "highs")
    if solution.status not in ("optimal", "infeasible"):   # figures of 1e-100 next to 1e4 trouble HiGHS: drop them
        figures = {name: np.where(values < TINY * values.max(), 0.0, values) for name, values in figures.items()}
        candidates = replace(candidates, **figures)
        solution = solve(Program(candidates, objective_of(goal, figures), limits), "highs")
    if solution.status != "optimal":
        raise InfeasibleError([Conflict("oracle", float("nan"), float("nan"),
                                        f"the oracle's program is {solution.status}")])
    share = solution.share
    main = np.where(share.sum(axis=1) > 0.5, grid[np.arange(len(market)), share.argmax(axis=1)], 0.0)
    return Oracle(objective=solution.objective, spend=float((share * figures["spend"]).sum()),
                  revenue=float((share * figures["revenue"]).sum()), budget=budget,
                  min_roi=goal.min_roi or None, bid=main)


def keyword_index(market: Market, frame: pd.DataFrame) -> np.ndarray:
    """Each row of ``frame`` (its KEYS columns) as a position among the market's keywords; -1 where it has none."""
    return pd.MultiIndex.from_frame(market.keywords[KEYS]).get_indexer(pd.MultiIndex.from_frame(frame[KEYS].astype(str)))


def bids_from_sheet(market: Market, sheet: pd.DataFrame | str | Path) -> np.ndarray:
    """The market's bids after a bid sheet (bids.csv): its new_bid where it names a keyword, today's elsewhere.

    A paused keyword bids 0. Keywords the sheet does not name (no impressions in the reports) keep today's bid.
    """
    if not isinstance(sheet, pd.DataFrame):
        sheet = pd.read_csv(sheet, encoding="utf-8-sig", dtype={key: str for key in KEYS}, keep_default_na=False)
    keys = pd.MultiIndex.from_frame(market.keywords[KEYS].astype(str))
    named = pd.MultiIndex.from_frame(sheet[KEYS].astype(str))
    new_bid = pd.to_numeric(sheet["new_bid"], errors="coerce").to_numpy(float)
    if "action" in sheet:
        new_bid = np.where(sheet["action"].astype(str).to_numpy() == "pause", 0.0, new_bid)
    position = named.get_indexer(keys)
    found = position >= 0
    bids = market.bid.copy()
    bids[found] = np.nan_to_num(new_bid[position[found]], nan=market.bid[found])
    return bids


def plan_goal(summary: Mapping, fallback: Goal) -> tuple[Goal, str]:
    """The goal a plan was made for, from its summary.json, and where it came from; ``fallback`` without one.

    A bid sheet is scored against the budget, floor, objective and period its plan used, never another
    goal's. summary.json has no margin, so a profit plan is scored on revenue (the reason says so).
    """
    if not summary:
        return fallback, "the simulation's own goal: no summary.json beside the bid sheet"
    objective = summary.get("objective", "revenue")
    note = "the plan's summary.json"
    if objective == "profit":
        objective, note = "revenue", note + " (a profit plan, scored on revenue: summary.json has no margin)"
    goal = Goal(objective=objective, budget=summary.get("budget"), period_days=int(summary.get("period_days", 7)),
                min_roi=summary.get("min_roi") or None)
    return goal, note


def score(market: Market, bids: np.ndarray, goal: Goal, oracle: Oracle) -> dict[str, float]:
    """True expected figures of ``bids`` over the goal's period and how they compare with the oracle and limits.

    ``within_limits``: true spend and ROI within the limits, up to SPEND_TOLERANCE and ROI_TOLERANCE.
    A sheet outside them may earn more than the oracle, which keeps the limits exactly: its
    objective / oracle is no measure of how close it got, and it beats no sheet within them.
    """
    figures = {name: float(values.sum()) for name, values in market.expected(bids, days=goal.period_days).items()}
    objective = float(objective_of(goal, figures))
    roi = figures["revenue"] / figures["spend"] if figures["spend"] > 0 else float("nan")
    within = figures["spend"] <= SPEND_TOLERANCE * oracle.budget and (
        not oracle.min_roi or (figures["spend"] > 0 and roi >= ROI_TOLERANCE * oracle.min_roi))
    return {
        **figures, "roi": roi, "objective": objective, "oracle": oracle.objective,
        "objective_vs_oracle": objective / oracle.objective if oracle.objective else float("nan"),
        "revenue_vs_oracle": figures["revenue"] / oracle.revenue if oracle.revenue else float("nan"),
        "budget": oracle.budget, "spend_vs_budget": figures["spend"] / oracle.budget,
        "min_roi": oracle.min_roi or float("nan"),
        "roi_vs_floor": roi / oracle.min_roi if oracle.min_roi else float("nan"),
        "within_limits": bool(within),
    }
