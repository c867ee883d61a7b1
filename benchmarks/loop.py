"""bidopt's closed loop alone, week by week: how many seed-weeks keep the budget and the ROI floor in truth.

    python benchmarks/loop.py [--keywords 300] [--weeks 8] [--seeds 5] [--family auction position saturating]
                              [--csv PATH] [--no-learning]

For each market family and seed (:func:`optimizer.simulation.families.simulate_family`, 28 days of
history) and both goals of ``benchmarks/quality.py`` ("1.6x budget, same ROI" and "same budget, ROI
x1.15"), bidopt plans every week on the reports so far and the market plays the week
(:func:`optimizer.simulation.backtest.run_backtest` with bidopt alone). A seed-week keeps the limits when
its true ROI is at least ROI_TOLERANCE x the floor and its true spend at most SPEND_TOLERANCE x the
budget (:mod:`optimizer.simulation.oracle`). Prints one line per seed and goal, then per family and goal:
the share of seed-weeks within, the lowest true ROI / floor, the highest spend / budget and objective /
oracle on the mean; then each seed-week outside, its ROI / floor as the plan forecast it, as the played
week's report showed it and in truth (the score is the truth; the report is a draw, which the next plans
learn from).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from optimizer.simulation.backtest import Loop, run_backtest
from optimizer.simulation.families import FAMILIES, simulate_family
from optimizer.simulation.oracle import ROI_TOLERANCE, SPEND_TOLERANCE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import GOALS, LIMITS, goals  # noqa: E402, F401  (the weekly plan's goals and bid limits, as quality.py plays them; GOALS for the tests)


def one_market(family: str, seed: int, keywords: int, weeks: int, learn: bool = True) -> list[pd.DataFrame]:
    """bidopt's weeks on one market, for both goals: the backtest's table with family, seed and goal."""
    market, history = simulate_family(family, keywords, 28, seed=seed)
    played = []
    for label, goal in goals(market).items():
        clock = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            loop = Loop(replace(goal, learn_from_last_run=learn), LIMITS, weeks, Path(folder), policies=("bidopt",))
            table = run_backtest(market, history, loop).table
        weeks_played = table[~table["week"].isin([0, "total"])].assign(family=family, seed=seed, goal=label)
        within = _within(weeks_played)
        print(f"{family} {seed} {label}: ROI / floor " + " ".join(f"{x:.3f}" for x in weeks_played["roi_vs_floor"])
              + f" | spend / budget max {weeks_played['spend_vs_budget'].max():.3f} | within {within.sum()} of "
              f"{len(within)} | {time.perf_counter() - clock:.0f} s", flush=True)
        played.append(weeks_played)
    return played


def _within(weeks: pd.DataFrame) -> pd.Series:
    return (weeks["roi_vs_floor"] >= ROI_TOLERANCE) & (weeks["spend_vs_budget"] <= SPEND_TOLERANCE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--family", nargs="+", choices=FAMILIES, default=list(FAMILIES))
    parser.add_argument("--csv", type=Path, help="also write every seed-week here")
    parser.add_argument("--no-learning", action="store_true",
                        help="plan without the correction learned from the last weeks' forecasts")
    args = parser.parse_args(argv)
    weeks = pd.concat([table for family in args.family for seed in range(1, args.seeds + 1)
                       for table in one_market(family, seed, args.keywords, args.weeks, not args.no_learning)], ignore_index=True)
    if args.csv:
        weeks.to_csv(args.csv, index=False)
    within = _within(weeks)
    summary = weeks.assign(within=within).groupby(["family", "goal"], sort=False).agg(
        within=("within", "sum"), weeks=("within", "size"), roi_min=("roi_vs_floor", "min"),
        spend_max=("spend_vs_budget", "max"), objective=("objective_vs_oracle", "mean"))
    print("\n" + summary.round(3).to_string())
    print(f"\nseed-weeks within both limits: {within.sum()} of {len(within)} ({within.mean():.1%})")
    print(misses(weeks[~within]))
    return 0


def misses(weeks: pd.DataFrame) -> str:
    """The seed-weeks outside the limits: ROI / floor forecast, reported and true, and spend / budget."""
    forecast = weeks["forecast_revenue"] / weeks["forecast_spend"] / weeks["min_roi"]
    table = pd.DataFrame({"family": weeks["family"], "seed": weeks["seed"], "goal": weeks["goal"], "week": weeks["week"],
                          "ROI/floor forecast": forecast, "reported": weeks["reported_roi_vs_floor"],
                          "true": weeks["roi_vs_floor"], "spend/budget": weeks["spend_vs_budget"]})
    return "\noutside the limits:\n" + (table.round(3).to_string(index=False) if len(table) else "none")


if __name__ == "__main__":
    sys.exit(main())
