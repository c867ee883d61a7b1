"""Where is the weekly plan's revenue gap: in the value per click or in the response curves?

    python benchmarks/gap.py [--seeds 3] [--keywords 1000] [--days 28] [--jobs 1]
                             [--family auction position saturating] [--csv FILE]

For each family, seed and goal of ``benchmarks/quality.py`` it makes the weekly plan from 28 days of
history, then re-solves bidopt's own program (same candidate bids, hold band, one-week bounds and
limits, the ROI margin included) with one part of the forecast at a time replaced:

* ``own program``: bidopt's candidates as they are (re-solved: the plan itself, as a check);
* ``own, no discount``: bidopt's curves and value without the discount past the bids seen;
* ``true value``: bidopt's clicks and spend at each candidate bid, revenue = those clicks x the
  market's true value per click at that bid (its order rate there x order value; in the saturating
  family the CVR at that bid's share of auctions);
* ``true value under 60 clicks``: the same only for keywords whose history shows fewer than
  SMALL_CLICKS clicks (bidopt's value elsewhere): the most a better prior of small keywords can bring;
* ``true response``: the market's true clicks and spend at each candidate bid, revenue = those
  clicks x bidopt's value per click (the discount past the bids seen kept as bidopt applies it);
* ``true response, no discount``: the same without that discount;
* ``true curves``: both true (``quality.py``'s diagnosis of the same name);
* ``Bayes value, true response`` and ``Bayes value, own response``: value per click as the best
  estimate any estimator of a keyword's value from its own 28 days of clicks, orders and revenue can
  make, the posterior mean under the market's TRUE prior (the CVR is Beta(120 m, 120 (1 - m)) around
  its item's CVR ``m``, the order value its item's price x (1 + |N(0, 0.08)|), the revenue per
  order lognormal with sd 0.06 per day), times the market's true shape of value per click over the
  bids (flat but in the saturating family);
* ``Bayes value and price, ...``: the same posterior with the rivals' median score joining the orders,
  known exactly (in these markets rivals bid value per click x lognormal(log 0.42, 0.25)): an upper
  bound for any estimator of value from the history, which reads that price, with error, from CPC and bid;
* ``noisy truth, true response``: the true value per click times lognormal noise of bidopt's own
  posterior sd (``value_per_click_cv``), mean one: value errors of the size bidopt says it has.

Each plan is scored on the truth: revenue / oracle and ROI / floor (``optimizer.simulation.oracle``).
Plans that end on different sides of the floor are not comparable by revenue, so each variant is
also solved ``held``: its program's ROI floor moved (x0.85..1.3, a bisection on the truth, as
``quality.held_rule_bids``) to the lowest at which its true ROI keeps the goal's floor.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.scenario.settings import Goal
from optimizer.simulation.market import CATALOGUE, VALUE_NOISE
from optimizer.simulation.oracle import bids_from_sheet, keyword_index, score, solve_oracle
from optimizer.solver import solve
from optimizer.solver.program import Program

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import GOALS, LIMITS, _main_bids, each_seed, goals, market_history, seed_options, weekly_plan  # noqa: E402, F401  (quality.py's goals, plan, bid limits; GOALS for the tests)

#: The market's prior of a keyword's CVR: Beta(CVR_PRIOR m, CVR_PRIOR (1 - m)) around its item's CVR m.
CVR_PRIOR = 120.0
#: The market's order value: the item's price x (1 + |N(0, VALUE_SPREAD)|).
VALUE_SPREAD = 0.08
#: Rivals bid a share of a click's value: their median score is value per click x lognormal(log RIVAL_SHARE, RIVAL_SPREAD).
RIVAL_SHARE, RIVAL_SPREAD = 0.42, 0.25
#: Points of the grid the CVR's posterior is taken on when the rivals' price joins the orders (log-spaced).
CVR_GRID = 400
#: Points of the grid the order value's posterior is taken on (value / price from 1 to 1 + 6 spreads).
VALUE_GRID = 241
#: The held plans' floor factors tried (lowest, highest) and bisection steps.
HELD_RANGE, HELD_STEPS = (0.85, 1.3), 12
#: Keywords whose history shows fewer clicks than this are the small ones (their prior is what they are told).
SMALL_CLICKS = 60
VARIANTS = ("own program", "own, no discount", "true value", "true value under 60 clicks", "true response",
            "true response, no discount",
            "true curves", "Bayes value, true response", "Bayes value, own response",
            "Bayes value and price, true response", "Bayes value and price, own response", "noisy truth, true response")


def item_prior(market) -> tuple[np.ndarray, np.ndarray]:
    """Each keyword's item price and item CVR, from the catalogue the market was drawn from."""
    items = {name: (price, cvr) for plan in CATALOGUE for zh, en, price, cvr in plan.items for name in (zh, en)}
    found = market.keywords["ad_group"].map(items)
    return np.array([p for p, _ in found], float), np.array([c for _, c in found], float)


def bayes_value_per_click(market, history: pd.DataFrame, price_known: bool = False) -> np.ndarray:
    """Posterior mean of each keyword's value per click at today's bid under the market's true prior.

    ``price_known``: the rivals' median score (``competitor_mu``) joins the orders, known exactly; more than
    any estimator has, which reads it, with error, from the keyword's CPC and bid."""
    price, item_cvr = item_prior(market)
    where = keyword_index(market, history)
    n = len(market)
    sums = {name: np.bincount(where, history[name].to_numpy(float), minlength=n) for name in ("clicks", "orders", "revenue")}
    squares = np.bincount(where, history["orders"].to_numpy(float) ** 2, minlength=n)
    cvr = (CVR_PRIOR * item_cvr + sums["orders"]) / (CVR_PRIOR + sums["clicks"])
    value = _bayes_order_value(price, sums, squares)
    if price_known:
        cvr = _cvr_with_price(market, item_cvr, sums, value)
    return cvr * value


def _cvr_with_price(market, item_cvr: np.ndarray, sums: dict, value: np.ndarray) -> np.ndarray:
    """Posterior mean CVR given the orders and the rivals' median score, known exactly (log-spaced grid)."""
    c = np.exp(np.linspace(np.log(1e-4), np.log(0.5), CVR_GRID))[None, :]
    a, b = CVR_PRIOR * item_cvr[:, None], CVR_PRIOR * (1.0 - item_cvr[:, None])
    k, n = sums["orders"][:, None], sums["clicks"][:, None]
    log_post = (a + k) * np.log(c) + (b + n - k - 1.0) * np.log1p(-c)   # beta prior x binomial, grid density in log c
    signal = market.competitor_mu[:, None] - np.log(c * value[:, None] * RIVAL_SHARE)
    log_post = log_post - 0.5 * (signal / RIVAL_SPREAD) ** 2
    weight = np.exp(log_post - log_post.max(axis=1, keepdims=True))
    return (weight * c).sum(axis=1) / weight.sum(axis=1)


def _bayes_order_value(price: np.ndarray, sums: dict, squares: np.ndarray) -> np.ndarray:
    """Posterior mean order value from the history's revenue per order under the market's prior."""
    n = len(price)
    # order value / price = u: half-normal prior above 1; the history's revenue per order ~ N(u, (noise u)^2 / days)
    u = 1.0 + np.linspace(0.0, 6.0 * VALUE_SPREAD, VALUE_GRID)[None, :]
    log_post = -0.5 * ((u - 1.0) / VALUE_SPREAD) ** 2
    days = np.divide(sums["orders"] ** 2, squares, out=np.zeros(n), where=squares > 0)[:, None]
    ratio = np.divide(sums["revenue"], sums["orders"] * price, out=np.ones(n), where=sums["orders"] > 0)[:, None]
    log_post = log_post - 0.5 * days * (ratio - u) ** 2 / (VALUE_NOISE * u) ** 2 - (days > 0) * np.log(u)
    weight = np.exp(log_post - log_post.max(axis=1, keepdims=True))
    return price * (weight * u).sum(axis=1) / weight.sum(axis=1)


def variant_candidates(own, truth, value: dict[str, np.ndarray], discount: np.ndarray) -> dict:
    """Each variant's (clicks, spend, revenue) tables on bidopt's candidate bids."""
    mine, true = (own.clicks, own.spend), (truth["clicks"], truth["spend"])
    return {
        "own program": (*mine, own.revenue),
        "own, no discount": (*mine, own.clicks * value["estimate"]),
        "true value": (*mine, own.clicks * value["truth"]),
        "true value under 60 clicks": (*mine, own.clicks * value["small truth"]),
        "true response": (*true, truth["clicks"] * value["estimate"] * discount),
        "true response, no discount": (*true, truth["clicks"] * value["estimate"]),
        "true curves": (*true, truth["revenue"]),
        "Bayes value, true response": (*true, truth["clicks"] * value["bayes"]),
        "Bayes value, own response": (*mine, own.clicks * value["bayes"]),
        "Bayes value and price, true response": (*true, truth["clicks"] * value["bayes price"]),
        "Bayes value and price, own response": (*mine, own.clicks * value["bayes price"]),
        "noisy truth, true response": (*true, truth["clicks"] * value["noisy"]),
    }


def decompose(market, history, result, goal: Goal, oracle, rng: np.random.Generator,
              variants: tuple[str, ...] = VARIANTS) -> dict[str, dict]:
    """Score bidopt's program re-solved with each variant's figures."""
    units = result.estimates.units
    index = keyword_index(market, units)
    own = result.candidates
    bids = np.where(own.valid, own.bid, market.bid[index][:, None])
    taken = market.take(index)
    truth = taken.expected(bids, days=goal.period_days)
    shape = np.asarray(taken.order_rate(bids), float) / np.asarray(taken.order_rate(taken.bid), float)[:, None]
    true_value = np.asarray(taken.order_rate(bids), float) * taken.order_value[:, None]
    estimate = units["value_per_click"].to_numpy(float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        discount = np.nan_to_num(np.where(own.valid & (own.clicks > 0), own.revenue / (own.clicks * estimate), 1.0),
                                 nan=1.0, posinf=1.0)
    cv = np.nan_to_num(units["value_per_click_cv"].to_numpy(float), nan=1.0)[:, None]
    noise = np.exp(cv * rng.standard_normal((len(units), 1)) - 0.5 * cv**2)
    small = (units["observed_clicks"].fillna(0.0).to_numpy(float) < SMALL_CLICKS)[:, None]
    value = {"estimate": estimate, "truth": true_value, "noisy": true_value * noise,
             "small truth": np.where(small, true_value, estimate * discount),
             "bayes": bayes_value_per_click(market, history)[index][:, None] * shape,
             "bayes price": bayes_value_per_click(market, history, price_known=True)[index][:, None] * shape}
    found = {}
    for name, (clicks, spend, revenue) in variant_candidates(own, truth, value, discount).items():
        if name not in variants:
            continue
        keep = own.valid
        candidates = replace(own, clicks=np.where(keep, clicks, 0.0), spend=np.where(keep, spend, 0.0),
                             revenue=np.where(keep, revenue, 0.0))
        program = Program(candidates, candidates.revenue, result.program.limits)
        found[name] = held_score(market, program, (index, own), goal, oracle, factor=1.0)
        found[f"{name}, held"] = held_score(market, program, (index, own), goal, oracle)
    return found


def held_score(market, program: Program, where: tuple, goal: Goal, oracle, factor: float | None = None) -> dict:
    """The true score of ``program`` solved with its ROI floor x ``factor``; by default x the lowest factor in
    HELD_RANGE whose plan keeps the goal's floor in truth (the highest when none does)."""
    def played(times: float) -> dict:
        limits = program.limits
        solution = solve(replace(program, limits=replace(limits, min_roi=limits.min_roi * times)), "highs")
        return {**score(market, _main_bids(market, *where, solution.share), goal, oracle), "floor_factor": times}

    if factor is not None:
        return played(factor)
    low, high = HELD_RANGE
    best = played(high)
    for _ in range(HELD_STEPS):
        middle = 0.5 * (low + high)
        tried = played(middle)
        low, high, best = (low, middle, tried) if tried["roi_vs_floor"] >= 1.0 else (middle, high, best)
    return best


def one_seed(family: str, seed: int, keywords: int, days: int, variants: tuple[str, ...] = VARIANTS) -> list[dict]:
    """Every variant's true figures for one market seed and both goals."""
    rows = []
    with market_history(family, keywords, days, seed) as (market, history, folder):
        for label, goal in goals(market).items():
            result = weekly_plan(folder, goal)
            oracle = solve_oracle(market, goal, LIMITS)
            rows.append({"what": "weekly plan", "goal": label,
                         **score(market, bids_from_sheet(market, result.bids), goal, oracle)})
            found = decompose(market, history, result, goal, oracle, np.random.default_rng([seed, 7]), variants)
            rows += [{"what": name, "goal": label, **figures} for name, figures in found.items()]
    return [{"family": family, "seed": seed, **row} for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seed_options(parser, seeds=3, keywords=1000)
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--csv", type=Path, help="also write every row here")
    args = parser.parse_args(argv)
    work = [(family, seed, args.keywords, args.days, tuple(args.variants)) for family in args.family for seed in range(1, args.seeds + 1)]
    rows = pd.DataFrame([row for result in each_seed(one_seed, work, args.jobs) for row in result])
    if args.csv:
        rows.to_csv(args.csv, index=False)
    print(f"{args.seeds} seeds x {args.keywords:,} keywords, {args.days} days of history\n")
    print("| family | goal | plan made with | revenue / oracle | true ROI / floor | held: revenue / oracle | "
          "held: floor factor |")
    print("|---|---|---|---:|---:|---:|---:|")
    rows["variant"] = rows["what"].str.removesuffix(", held")
    rows["held"] = rows["what"].str.endswith(", held")
    for (family, goal, what), part in rows.groupby(["family", "goal", "variant"], sort=False):
        plain, held = part[~part["held"]], part[part["held"]]
        cells = [f"{plain[m].mean():.3f} ({plain[m].min():.3f})" for m in ("revenue_vs_oracle", "roi_vs_floor")]
        if len(held):
            cells += [f"{held['revenue_vs_oracle'].mean():.3f} ({held['revenue_vs_oracle'].min():.3f})",
                      f"{held['floor_factor'].mean():.3f}"]
        else:
            cells += ["", ""]
        print(f"| {family} | {goal} | {what} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
