"""Is each keyword's value per click calibrated against the truth of a simulated market?

    python benchmarks/calibration.py [--seeds 3] [--keywords 1000] [--days 28] [--jobs 1]
                                     [--family auction position saturating] [--price]

The plan ranks keywords by their shrunk estimates (:mod:`optimizer.model.shrinkage`). If the
estimates were shrunk too little, the truth regressed on the estimate would have a slope under 1:
the plan would cut keywords that looked bad by luck and raise those that looked good by luck (the
optimizer's curse on the selection). For each family and seed it plans the week of "same budget,
ROI floor 1.15 x today's" from 28 days of history and sets each keyword's estimates at today's bid
beside the market's truth there (value per click = the order rate at today's bid x order value):

* the slope of the truth on the estimate and the truth / estimate level, weighted by the plan's
  forecast spend (a weight the plan knows; the true spend would favour keywords whose rivals bid
  up a high true value), for value per click, CVR, order value, CTR and CPC, over all keywords and
  within ad groups (both demeaned by ad group);
* the same for value per click by the clicks the history shows (with each bin's share of the
  forecast spend and of the revenue the oracle earns above the plan), and ``z``, the error in units of
  the posterior standard deviation the plan's ROI margins use (``value_per_click_cv``): its
  standard deviation is 1 where that uncertainty is honest;
* by the plan's bid move at its main level (cut, hold, raise, pause): truth / estimate;
* among keywords the plan cuts where the oracle (:mod:`optimizer.simulation.oracle`) raises them:
  how many, truth / estimate, and the mean ``z``.

With ``--price`` it shows instead how well the plan reads each keyword's market price, the log of the
bid that would win half its auctions, ``log(bid) - sigma z0`` (the CVR prior's price column), against
the market's truth, the rivals' median score in bid units (``competitor_mu - log(quality)``), and the
spread it uses against the rivals' true spread (``competitor_sigma``; in the position family that is
the day-to-day shock of the ladder, not a spread of one rival): the error's mean and standard deviation,
weighted by forecast spend, by the clicks the history shows and by the days the keyword's bid differed
from today's (the evidence a spread per keyword has).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.simulation.families import simulate_family
from optimizer.simulation.oracle import KEYS, keyword_index, solve_oracle

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import LIMITS, each_seed, goals, market_history, seed_options, weekly_plan  # noqa: E402  (the weekly plan's goals and bid limits, as quality.py plays them)

#: The goal whose plan is set beside the truth.
GOAL = "same budget, ROI x1.15"
#: Bins of the clicks each keyword's history shows.
CLICK_BINS = [-1, 5, 20, 60, 200, np.inf]
#: A bid moved by less than this (in log) is held.
HOLD = 0.05
#: Bins of the days a keyword's bid differed from today's.
CHANGE_BINS = [-1, 0, 3, 7, 14, np.inf]
FIGURES = {"value per click": ("t_vpc", "value_per_click"), "CVR": ("t_cvr", "cvr"),
           "order value": ("t_value", "value_per_order"), "CTR": ("t_ctr", "ctr"), "CPC": ("t_cpc", "cpc")}


def keyword_table(family: str, seed: int, keywords: int, days: int) -> pd.DataFrame:
    """One row per keyword: the plan's estimates, the truth at today's bid, the plan's and the oracle's moves."""
    with market_history(family, keywords, days, seed) as (market, history, folder):
        goal = goals(market)[GOAL]
        result = weekly_plan(folder, goal)
    units = result.estimates.units
    index = keyword_index(market, units)
    truth_market = market.take(index)
    bid = units["current_bid"].to_numpy(float)
    truth = truth_market.expected(bid, days=7)
    share = result.solution.share
    main = share.argmax(axis=1)
    planned = np.where(share.sum(axis=1) < 0.5, 0.0, result.candidates.bid[np.arange(len(main)), main])
    rate = np.asarray(truth_market.order_rate(bid), dtype=float)
    oracle = solve_oracle(market, goal, LIMITS).bid[index]
    gap = truth_market.expected(oracle, days=7)["revenue"] - truth_market.expected(planned, days=7)["revenue"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table = units.assign(
            family=family, seed=seed, group=units["plan"].astype(str) + "|" + units["ad_group"].astype(str),
            t_cvr=rate, t_value=truth_market.order_value, t_vpc=rate * truth_market.order_value,
            t_ctr=np.where(truth["impressions"] > 0, truth["clicks"] / truth["impressions"], np.nan),
            t_cpc=np.where(truth["clicks"] > 0, truth["spend"] / truth["clicks"], np.nan),
            move=_move(planned, bid), oracle_move=_move(oracle, bid), gap=gap)
        return table.assign(z=(table["t_vpc"] - table["value_per_click"])
                            / (table["value_per_click"] * table["value_per_click_cv"]))


def _move(bids: np.ndarray, today: np.ndarray) -> np.ndarray:
    """pause / cut / hold / raise of ``bids`` against today's."""
    step = np.log(np.where(bids > 0, bids, 1.0) / today)
    return np.select([bids <= 0, step < -HOLD, step <= HOLD], ["pause", "cut", "hold"], "raise")


def slope(truth: np.ndarray, estimate: np.ndarray, weight: np.ndarray) -> float:
    """Weighted least-squares slope of ``truth`` on ``estimate``."""
    keep = np.isfinite(truth) & np.isfinite(estimate) & (weight > 0)
    truth, estimate, weight = truth[keep], estimate[keep], weight[keep]
    centred = estimate - np.average(estimate, weights=weight)
    return float(np.average(centred * (truth - np.average(truth, weights=weight)), weights=weight)
                 / np.average(centred**2, weights=weight))


def level(truth: np.ndarray, estimate: np.ndarray, weight: np.ndarray) -> float:
    """Weighted mean truth / weighted mean estimate."""
    keep = np.isfinite(truth) & np.isfinite(estimate)
    return float(np.sum(weight[keep] * truth[keep]) / np.sum(weight[keep] * estimate[keep]))


def _demeaned(table: pd.DataFrame, column: str) -> np.ndarray:
    """``column`` less its forecast-spend-weighted mean within the keyword's ad group."""
    weighted = (table[column] * table["spend"]).groupby(table["group"]).transform("sum")
    return (table[column] - weighted / table["spend"].groupby(table["group"]).transform("sum")).to_numpy(float)


def figures(table: pd.DataFrame) -> pd.DataFrame:
    """Per family and seed: slope (all, within ad groups) and level of each figure, weighted by forecast spend."""
    rows = []
    for (family, seed), part in table.groupby(["family", "seed"], sort=False):
        part = part[part["spend"] > 0]
        weight = part["spend"].to_numpy(float)
        for name, (true_column, estimate_column) in FIGURES.items():
            truth, estimate = part[true_column].to_numpy(float), part[estimate_column].to_numpy(float)
            rows.append({"family": family, "seed": seed, "figure": name, "slope": slope(truth, estimate, weight),
                         "slope within ad groups": slope(_demeaned(part, true_column),
                                                         _demeaned(part, estimate_column), weight),
                         "truth / estimate": level(truth, estimate, weight)})
    return pd.DataFrame(rows)


def by_clicks(table: pd.DataFrame) -> pd.DataFrame:
    """Value per click by the clicks the history shows, all seeds of a family together."""
    table = table[table["spend"] > 0].assign(clicks_seen=pd.cut(table["observed_clicks"], CLICK_BINS))

    def one(part: pd.DataFrame) -> pd.Series:
        weight = part["spend"].to_numpy(float)
        truth, estimate = part["t_vpc"].to_numpy(float), part["value_per_click"].to_numpy(float)
        z = part["z"][np.isfinite(part["z"])]
        return pd.Series({"keywords": len(part), "share of spend": weight.sum(),
                          "slope": slope(truth, estimate, weight), "truth / estimate": level(truth, estimate, weight),
                          "z mean": z.mean(), "z sd": z.std(), "|z| < 1.96": (z.abs() < 1.96).mean()})

    found = table.groupby(["family", "clicks_seen"], observed=True).apply(one)
    found["share of spend"] /= found.groupby(level=0)["share of spend"].transform("sum")
    found["share of the gap"] = table.groupby(["family", "clicks_seen"], observed=True)["gap"].sum()
    found["share of the gap"] /= found.groupby(level=0)["share of the gap"].transform("sum")
    return found


def by_move(table: pd.DataFrame) -> pd.DataFrame:
    """Value per click's truth / estimate by the plan's bid move, and where the plan cuts and the oracle raises."""
    table = table[table["spend"] > 0]
    crossed = table[(table["move"] == "cut") & (table["oracle_move"] == "raise")]
    rows = {}
    for family, part in table.groupby("family", sort=False):
        row = {move: level(moved["t_vpc"].to_numpy(float), moved["value_per_click"].to_numpy(float),
                           moved["spend"].to_numpy(float)) for move, moved in part.groupby("move")}
        mine = crossed[crossed["family"] == family]
        row |= {"cut, oracle raises: per seed": len(mine) / part["seed"].nunique(),
                "share of the gap": mine["gap"].sum() / part["gap"].sum(),
                "its truth / estimate": level(mine["t_vpc"].to_numpy(float), mine["value_per_click"].to_numpy(float),
                                              mine["spend"].to_numpy(float)),
                "its z mean": mine["z"].mean()}
        rows[family] = row
    return pd.DataFrame(rows).T


def price_table(family: str, seed: int, keywords: int, days: int) -> pd.DataFrame:
    """:func:`keyword_table` with the market's true price and spread and the days each keyword's bid moved."""
    table = keyword_table(family, seed, keywords, days)
    market, history = simulate_family(family, keywords, days, seed=seed)
    truth = market.take(keyword_index(market, table))
    today = history.groupby(KEYS, sort=False)["bid"].transform("last")
    changed = (history["bid"] != today).groupby([history[key] for key in KEYS], sort=False).sum()
    change_days = changed.reindex(pd.MultiIndex.from_frame(table[KEYS].astype(str))).fillna(0).to_numpy()
    return table.assign(true_price=truth.competitor_mu - np.log(truth.quality), true_sigma=truth.competitor_sigma,
                        read_price=np.log(table["current_bid"]) - table["sigma"] * table["z0"],
                        change_days=change_days)


def price_errors(table: pd.DataFrame) -> pd.DataFrame:
    """The read price's and spread's log errors (spend-weighted mean and sd) by clicks and by bid-change days."""
    table = table[table["spend"] > 0].assign(
        clicks_seen=pd.cut(table["observed_clicks"], CLICK_BINS), change_days=pd.cut(table["change_days"], CHANGE_BINS),
        price_error=table["read_price"] - table["true_price"], sigma_error=np.log(table["sigma"] / table["true_sigma"]))

    def one(part: pd.DataFrame) -> pd.Series:
        weight = part["spend"].to_numpy(float)
        row = {"keywords": len(part) / part["seed"].nunique(), "share of spend": weight.sum()}
        for name in ("price_error", "sigma_error"):
            error = part[name].to_numpy(float)
            mean = np.average(error, weights=weight)
            row |= {f"{name} mean": mean, f"{name} sd": np.sqrt(np.average((error - mean) ** 2, weights=weight))}
        return pd.Series(row)

    frames = []
    for band in ("clicks_seen", "change_days"):
        found = table.groupby(["family", band], observed=True).apply(one)
        found["share of spend"] /= found.groupby(level=0)["share of spend"].transform("sum")
        frames.append(found.rename_axis(["family", "band"]).rename(index=lambda b: f"{band} {b}", level=1))
    overall = table.groupby("family").apply(one).assign(band="all").set_index("band", append=True)
    return pd.concat(frames + [overall.assign(**{"share of spend": 1.0})])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seed_options(parser, seeds=3, keywords=1000)
    parser.add_argument("--price", action="store_true", help="the read market price and spread against the truth")
    args = parser.parse_args(argv)
    work = [(family, seed, args.keywords, args.days) for family in args.family for seed in range(1, args.seeds + 1)]
    table = pd.concat(each_seed(price_table if args.price else keyword_table, work, args.jobs), ignore_index=True)
    pd.set_option("display.width", 200)
    print(f"{args.seeds} seeds x {args.keywords:,} keywords, {args.days} days of history\n")
    if args.price:
        print(price_errors(table).round(3).to_string())
        return 0
    summary = figures(table).groupby(["family", "figure"], sort=False)
    print(summary[["slope", "slope within ad groups", "truth / estimate"]].agg(["min", "max"]).round(3).to_string())
    print("\nValue per click by the clicks the history shows (all seeds):\n")
    print(by_clicks(table).round(3).to_string())
    print("\nValue per click, truth / estimate, by the plan's bid move:\n")
    print(by_move(table).round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
