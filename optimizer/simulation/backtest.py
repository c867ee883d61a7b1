"""Closed-loop backtests: each week a policy sets bids from the reports so far, the market plays the week.

Four policies side by side, each in its own copy of the market (the same
random draws every week, so differences come from the bids, not the luck):

* ``keep``: today's bids, unchanged;
* ``operator``: the operators' rule: raise bids in plans whose CTR last week beat
  the account's, cut the rest, then scale every bid so that last week's spend,
  assumed to follow the bid, lands on the budget;
* ``roi_ratio``: the PPC manager's rule most bid tools apply by hand: new bid = bid x keyword ROI /
  target ROI (the floor, else the account's ROI) for keywords with 10+ clicks and an order in the last
  two weeks, -30% for 10+ clicks and none, moves within x0.5..x2; the budget plays no part;
* ``bidopt``: :func:`optimizer.decisions.plan.make_plan` on a scenario reading every report
  the policy has exported so far (with the goal's ``min_roi_confidence``, if any).
  Its own forecast of the week is kept beside the truth: ``forecast_error`` is
  forecast / true expected revenue - 1 (``spend_forecast_error`` likewise for spend),
  which falls as the loop's own bid changes teach the estimates how the auction responds.

Each week is scored on the market's true expected curves (not on the week's report, which the
policies see; ``reported_spend``, ``reported_revenue`` and ``reported_roi_vs_floor`` show it beside:
its ROI is a draw off the truth by about ``1 / sqrt(orders)``) against the oracle over
any bids in [bids] min..max (not only those one week's max_raise/max_cut reach):
where the loop should converge. A policy does better than another in a week when it
keeps the limits in truth (``within_limits``, see :func:`optimizer.simulation.oracle.score`) and
the other does not, or both keep them and its objective is higher: revenue bought by
breaking the ROI floor is not what the goal asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from optimizer.errors import InfeasibleError
from optimizer.outputs.files import csv_bytes, write_all
from optimizer.scenario.settings import BidLimits, Goal
from optimizer.simulation.market import Market
from optimizer.simulation.market_exports import report_bytes, scenario_text
from optimizer.simulation.oracle import ROI_TOLERANCE, SPEND_TOLERANCE, Oracle, bids_from_sheet, score, solve_oracle

POLICIES = ("keep", "operator", "roi_ratio", "bidopt")
#: How far the operators' rule moves a plan's bids in one week.
OPERATOR_STEP = 0.10
#: The ROI-ratio rule: keywords with RULE_CLICKS clicks in the last RULE_DAYS days move; without an order they
#: are cut by RULE_NO_ORDER_CUT; every move stays within RULE_RANGE of today's bid.
RULE_CLICKS, RULE_DAYS, RULE_NO_ORDER_CUT, RULE_RANGE = 10, 14, 0.30, (0.5, 2.0)
COLUMNS = ["policy", "week", "objective_vs_oracle", "spend_vs_budget", "roi_vs_floor", "objective", "oracle",
           "spend", "budget", "revenue", "roi", "min_roi", "forecast_revenue", "forecast_error", "forecast_spend",
           "spend_forecast_error", "reported_spend", "reported_revenue", "reported_roi_vs_floor", "within_limits", "note"]


@dataclass(frozen=True)
class Backtest:
    """One row per policy and week (week 0 is today's bids), plus a ``total`` row per policy."""

    table: pd.DataFrame
    oracle: Oracle


def keep_bids(market: Market, history: pd.DataFrame, goal: Goal, limits: BidLimits) -> np.ndarray:
    """Today's bids."""
    return market.bid.copy()


def operator_bids(market: Market, history: pd.DataFrame, goal: Goal, limits: BidLimits) -> np.ndarray:
    """Raise plans whose CTR beats the account's, cut the rest, scale to the budget (spend assumed to follow the bid)."""
    last = history[history["date"] > history["date"].max() - pd.Timedelta(days=goal.period_days)]
    by_plan = last.groupby("plan")[["impressions", "clicks"]].sum()
    account_ctr = by_plan["clicks"].sum() / max(by_plan["impressions"].sum(), 1.0)
    plan_ctr = by_plan["clicks"] / by_plan["impressions"].where(by_plan["impressions"] > 0)
    step = np.where(plan_ctr > account_ctr, 1.0 + OPERATOR_STEP, 1.0 - OPERATOR_STEP)
    factor = pd.Series(step, index=by_plan.index).reindex(market.keywords["plan"]).fillna(1.0).to_numpy()
    keys = ["plan", "ad_group", "keyword", "match_type"]
    spend = last.groupby(keys)["spend"].sum()
    spent = spend.reindex(pd.MultiIndex.from_frame(market.keywords[keys])).fillna(0.0).to_numpy()
    planned = float((spent * factor).sum())
    scale = goal.budget / planned if planned > 0 and goal.budget else 1.0
    return _within(market.bid * factor * scale, market.bid, limits)


def roi_ratio_bids(market: Market, history: pd.DataFrame, goal: Goal, limits: BidLimits) -> np.ndarray:
    """bid x keyword ROI / target ROI for keywords with 10+ clicks and an order, -30% for 10+ clicks and none."""
    last = history[history["date"] > history["date"].max() - pd.Timedelta(days=RULE_DAYS)]
    keys = ["plan", "ad_group", "keyword", "match_type"]
    sums = last.groupby(keys)[["clicks", "orders", "spend", "revenue"]].sum().reindex(
        pd.MultiIndex.from_frame(market.keywords[keys])).fillna(0.0)
    target = goal.min_roi or float(last["revenue"].sum()) / max(float(last["spend"].sum()), 1e-9)
    clicks, orders = sums["clicks"].to_numpy(float), sums["orders"].to_numpy(float)
    roi = sums["revenue"].to_numpy(float) / np.maximum(sums["spend"].to_numpy(float), 1e-9)
    factor = np.where(clicks >= RULE_CLICKS, np.where(orders > 0, roi / target, 1.0 - RULE_NO_ORDER_CUT), 1.0)
    return _within(market.bid * np.clip(factor, *RULE_RANGE), market.bid, limits)


def _within(bids: np.ndarray, today: np.ndarray, limits: BidLimits) -> np.ndarray:
    """Bids kept within one week's moves and [bids] min..max, on the cent."""
    bids = np.clip(bids, today * (1.0 - limits.max_cut), today * (1.0 + limits.max_raise))
    return np.round(np.clip(bids, limits.min, limits.max), 2)


class BidoptPolicy:
    """``bidopt plan`` on the reports exported so far: one file per week in ``folder``, read by a scenario."""

    def __init__(self, folder: Path, fmt: str):
        self.folder, self.fmt, self.files, self.note = Path(folder), fmt, [], ""
        self.forecast_revenue = self.forecast_spend = float("nan")
        self._exported_until = pd.Timestamp.min
        #: The weeks played so far, newest first: the plan's forecast beside the week's report (not the truth).
        self.outcomes: list = []

    def __call__(self, market: Market, history: pd.DataFrame, goal: Goal, limits: BidLimits) -> np.ndarray:
        from optimizer.decisions.feedback import learn
        from optimizer.decisions.plan import make_plan, prepare
        from optimizer.scenario.scenario_file import load_scenario

        new = history[history["date"] >= self._exported_until]
        self._played(new)
        name = f"week_{len(self.files):02d}.csv"
        self.files.append(name)
        self._exported_until = history["date"].max() + pd.Timedelta(days=1)
        scenario_file = self.folder / "scenario.toml"
        text = scenario_text(self.files, budget=goal.budget, min_roi=goal.min_roi,
                             min_roi_confidence=goal.min_roi_confidence).encode("utf-8")
        write_all(self.folder, {name: report_bytes(new, self.fmt), "scenario.toml": text})
        scenario = load_scenario(scenario_file)
        try:
            learned = learn(self.outcomes) if self.outcomes and goal.learn_from_last_run else None
            result = make_plan(scenario, replace(prepare(scenario), feedback=learned))
        except InfeasibleError as error:
            self.note = f"infeasible, bids kept: {error}"
            self.forecast_revenue = self.forecast_spend = float("nan")
            return market.bid.copy()
        self.note = ""
        self.forecast_revenue, self.forecast_spend = float(result.bids["revenue"].sum()), float(result.bids["spend"].sum())
        return bids_from_sheet(market, result.bids)

    def _played(self, week: pd.DataFrame) -> None:
        """The week just played beside the forecast made for it, as the run history would match them."""
        from optimizer.decisions.feedback import Outcome

        if np.isfinite(self.forecast_spend) and len(week):
            actual = week[["spend", "revenue", "orders", "clicks"]].sum()
            forecast = {"spend": self.forecast_spend, "revenue": self.forecast_revenue}
            self.outcomes.insert(0, Outcome.of(forecast, actual.to_dict()))


@dataclass(frozen=True)
class Loop:
    """The settings of a closed loop: what it aims for, how far bids may move, how long it runs and who plays.

    ``folder`` holds the reports bidopt exports each week, in ``fmt``; checked on creation.
    """

    goal: Goal
    limits: BidLimits
    weeks: int
    folder: Path
    fmt: str = "ztc"
    policies: tuple[str, ...] = POLICIES

    def __post_init__(self):
        if self.goal.budget is None:
            raise ValueError("The 'budget' parameter of the goal must be set for a backtest. Got None instead.")
        unknown = [name for name in self.policies if name not in POLICIES]
        if unknown:
            raise ValueError(f"The 'policies' parameter must name policies among {', '.join(POLICIES)}. "
                             f"Got {unknown!r} instead.")


def run_backtest(market: Market, history: pd.DataFrame, loop: Loop) -> Backtest:
    """Play ``loop.weeks`` weeks for each policy from the same market and history."""
    goal, limits = loop.goal, loop.limits
    oracle = solve_oracle(market, goal, limits, relative=False)
    rows = [{"policy": name, "week": 0, **_row(market, market.bid, goal, oracle)} for name in loop.policies]
    for name in loop.policies:
        policy: Callable = ({"keep": keep_bids, "operator": operator_bids, "roi_ratio": roi_ratio_bids}.get(name)
                            or BidoptPolicy(loop.folder / name, loop.fmt))
        state, past = market, history
        for week in range(1, loop.weeks + 1):
            bids = policy(state, past, goal, limits)
            state = state.with_bids(bids, today=state.today + pd.Timedelta(days=7))
            rng = np.random.default_rng([market.seed, 7, week])  # the same draws for every policy
            report = state.play(bids, state.today - pd.Timedelta(days=7), 7, rng)
            past = pd.concat([past, report], ignore_index=True)
            row = _row(state, bids, goal, oracle) | _reported(report, oracle)
            forecast = getattr(policy, "forecast_revenue", float("nan"))
            forecast_spend = getattr(policy, "forecast_spend", float("nan"))
            rows.append({"policy": name, "week": week, **row, "forecast_revenue": forecast,
                         "forecast_error": forecast / row["revenue"] - 1.0 if row["revenue"] > 0 else float("nan"),
                         "forecast_spend": forecast_spend,
                         "spend_forecast_error": forecast_spend / row["spend"] - 1.0 if row["spend"] > 0 else float("nan"),
                         "note": getattr(policy, "note", "")})
    table = pd.DataFrame(rows)
    return Backtest(_with_totals(table, goal, oracle)[COLUMNS], oracle)


def _row(market: Market, bids: np.ndarray, goal: Goal, oracle: Oracle) -> dict:
    figures = score(market, bids, goal, oracle)
    return {key: figures[key] for key in ("objective_vs_oracle", "spend_vs_budget", "roi_vs_floor", "objective",
                                          "oracle", "spend", "budget", "revenue", "roi", "min_roi",
                                          "within_limits")} | {
        "forecast_revenue": float("nan"), "forecast_error": float("nan"), "forecast_spend": float("nan"),
        "spend_forecast_error": float("nan"), "reported_spend": float("nan"), "reported_revenue": float("nan"),
        "reported_roi_vs_floor": float("nan"), "note": ""}


def _reported(report: pd.DataFrame, oracle: Oracle) -> dict:
    """The played week's report, as the policies see it: its spend, revenue and ROI / floor (the draw, not the truth)."""
    spend, revenue = float(report["spend"].sum()), float(report["revenue"].sum())
    roi = revenue / spend if spend > 0 else float("nan")
    return {"reported_spend": spend, "reported_revenue": revenue,
            "reported_roi_vs_floor": roi / oracle.min_roi if oracle.min_roi else float("nan")}


def _with_totals(table: pd.DataFrame, goal: Goal, oracle: Oracle) -> pd.DataFrame:
    played = table[table["week"] > 0]
    totals = played.groupby("policy", sort=False)[["objective", "oracle", "spend", "budget", "revenue",
                                                   "reported_spend", "reported_revenue"]].sum()
    totals = totals.assign(week="total", objective_vs_oracle=totals["objective"] / totals["oracle"],
                           spend_vs_budget=totals["spend"] / totals["budget"],
                           roi=totals["revenue"] / totals["spend"], min_roi=oracle.min_roi or np.nan, note="")
    totals["roi_vs_floor"] = totals["roi"] / totals["min_roi"]
    totals["reported_roi_vs_floor"] = totals["reported_revenue"] / totals["reported_spend"] / totals["min_roi"]
    totals["within_limits"] = (totals["spend_vs_budget"] <= SPEND_TOLERANCE) & ~(totals["roi_vs_floor"] < ROI_TOLERANCE)
    for error in ("forecast_error", "spend_forecast_error"):   # the total row: median absolute weekly error
        totals[error] = played.groupby("policy", sort=False)[error].apply(lambda errors: errors.abs().median())
    return pd.concat([table.astype({"week": object}), totals.reset_index()], ignore_index=True)


def better(row: pd.Series, other: pd.Series) -> bool:
    """``row`` did better on the goal than ``other``: within the limits where the other is not, or higher objective."""
    return bool(row["within_limits"]) and (not other["within_limits"] or row["objective"] > other["objective"])


def weeks_won(table: pd.DataFrame, policy: str = "bidopt") -> tuple[int, int]:
    """Weeks (after week 0) in which ``policy`` did better than every other policy, and the weeks played."""
    weekly = table[~table["week"].isin([0, "total"])]
    won = 0
    for _, rows in weekly.groupby("week", sort=False):
        mine = rows[rows["policy"] == policy].iloc[0]
        won += all(better(mine, other) for _, other in rows[rows["policy"] != policy].iterrows())
    return won, weekly["week"].nunique()


def markdown(table: pd.DataFrame) -> str:
    """Weeks down, policies across: objective / oracle, true spend / budget, true ROI / floor.

    A policy outside the limits in truth has its objective marked, and the last line counts
    the weeks bidopt did better on the goal than every other policy.
    """
    policies = list(dict.fromkeys(table["policy"]))
    forecasts = "bidopt" in policies
    header = "| week | " + " | ".join(f"{p}: obj/oracle | spend/budget | ROI/floor" for p in policies)
    header += " | bidopt: revenue forecast error |" if forecasts else " |"
    lines = [header, "|---|" + "---:|" * (3 * len(policies) + forecasts)]
    for week in dict.fromkeys(table["week"]):
        cells = []
        for policy in policies:
            row = table[(table["policy"] == policy) & (table["week"] == week)].iloc[0]
            cells += [f"{row[c]:.3f}" if np.isfinite(row[c]) else "-"
                      for c in ("objective_vs_oracle", "spend_vs_budget", "roi_vs_floor")]
            cells[-3] += "" if row["within_limits"] else " ✗"
        if forecasts:   # signed per week; the total row: the median absolute error
            error = table[(table["policy"] == "bidopt") & (table["week"] == week)]["forecast_error"].iloc[0]
            cells.append(f"{error:+.1%}" if np.isfinite(error) and week != "total" else
                         f"{error:.1%} (median abs.)" if np.isfinite(error) else "-")
        lines.append(f"| {week} | " + " | ".join(cells) + " |")
    lines.append(f"\n✗ outside the limits in truth (spend > {SPEND_TOLERANCE:g} x budget or ROI < "
                 f"{ROI_TOLERANCE:g} x floor): more objective than the oracle, which keeps them, is possible there.")
    if forecasts and len(policies) > 1:
        won, played = weeks_won(table)
        lines.append(f"bidopt did better on the goal than every other policy in {won} of {played} weeks "
                     "(within the limits where the other is not, else a higher objective).")
    return "\n".join(lines) + "\n"


def plot_backtest(table: pd.DataFrame, ax=None):
    """Objective / oracle by week, one line per policy; the oracle is the line at 1."""
    from optimizer.outputs.plots import new_axes

    ax = new_axes() if ax is None else ax
    weekly = table[table["week"] != "total"]
    for policy, rows in weekly.groupby("policy", sort=False):
        ax.plot(rows["week"].astype(int), rows["objective_vs_oracle"], "-o", markersize=4, label=policy)
    ax.axhline(1.0, color="#264653", linestyle="--", linewidth=1, label="oracle")
    ax.set_xlabel("week (0 = today's bids)")
    ax.set_ylabel("true objective / oracle")
    ax.set_title("Closed-loop backtest")
    ax.legend(loc="lower right")
    return ax


def write_backtest(folder: Path, backtest: Backtest) -> list[Path]:
    """backtest.csv, backtest.md and backtest.png, all or none: the only function here that writes files."""
    from optimizer.outputs.html_report import png

    return write_all(Path(folder), {
        "backtest.csv": csv_bytes(backtest.table),
        "backtest.md": markdown(backtest.table).encode("utf-8"),
        "backtest.png": png(lambda ax: plot_backtest(backtest.table, ax=ax)),
    })
