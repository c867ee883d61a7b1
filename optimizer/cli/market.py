"""``bidopt simulate`` and ``backtest``: the market with known truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from optimizer.cli.common import EXIT_OK, say
from optimizer.errors import BidoptError


def add_commands(commands) -> None:
    """Declare this module's subcommands."""
    simulate = commands.add_parser("simulate", help="a market with known truth: its reports, a scenario, the oracle")
    market_options(simulate)
    simulate.add_argument("--out", type=Path, required=True,
                          help="folder for the reports and scenario.toml (with --score nothing is written)")
    simulate.add_argument("--score", type=Path, metavar="BIDS_CSV",
                          help="score a bid sheet on the true curves against its plan's goal (the summary.json "
                               "beside it), writing nothing")
    simulate.set_defaults(handler=run_simulate)

    backtest = commands.add_parser("backtest", help="weekly closed loop of keep / operator / roi_ratio / bidopt on a simulated market")
    market_options(backtest)
    backtest.add_argument("--weeks", type=int, default=8, help="weeks to play (default 8)")
    backtest.add_argument("--budget-factor", type=float, default=1.0, help="weekly budget, x today's true spend")
    backtest.add_argument("--roi-factor", type=float, default=1.0, help="ROI floor, x today's true ROI")
    backtest.add_argument("--min-roi-confidence", type=float, metavar="P",
                          help="bidopt holds the ROI floor with this probability (as [goal] min_roi_confidence)")
    backtest.add_argument("--out", type=Path, required=True, help="folder for backtest.csv/.md/.png and bidopt's reports")
    backtest.set_defaults(handler=run_backtest)


def market_options(command: argparse.ArgumentParser) -> None:
    """The simulated market's size, history, seed and export format, shared by simulate and backtest."""
    command.add_argument("--keywords", type=int, default=300, help="keywords (default 300)")
    command.add_argument("--days", type=int, default=28, help="days of history (default 28)")
    command.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    command.add_argument("--format", choices=["ztc", "google", "amazon"], default="ztc", help="export format")
    command.add_argument("--family", choices=["auction", "position", "saturating"], default="auction",
                         help="the market: one slot in a second-price auction (default), ranked ad slots "
                              "against rivals that follow the bid, or heavy-tailed rivals with conversion "
                              "that falls as the ad wins more")


def _simulated(args: argparse.Namespace):
    from optimizer.simulation.families import simulate_family
    from optimizer.simulation.market_exports import LANGUAGE

    if args.keywords < 1 or args.days < 1:
        raise BidoptError("--keywords and --days must be at least 1")
    return simulate_family(args.family, args.keywords, args.days, seed=args.seed, language=LANGUAGE[args.format])


def run_simulate(args: argparse.Namespace) -> int:
    from optimizer.outputs.files import json_bytes
    from optimizer.outputs.publish import publish
    from optimizer.scenario.settings import BidLimits, Goal
    from optimizer.simulation.market_exports import simulation_files
    from optimizer.simulation.oracle import score, solve_oracle

    market, history = _simulated(args)
    flags = " ".join(f"--{name} {getattr(args, name)}" for name in ("keywords", "days", "seed", "format"))
    flags += f" --family {args.family}" if args.family != "auction" else ""
    files, budget, min_roi = simulation_files(market, history, args.format, command=f"bidopt simulate {flags}")
    goal, limits = Goal(budget=budget, min_roi=min_roi), BidLimits(max=20.0)
    if args.score:
        return _score(args, market, goal, limits)
    oracle = solve_oracle(market, goal, limits)
    files["oracle.json"] = json_bytes({"budget": budget, "min_roi": min_roi, "oracle_revenue": oracle.revenue,
                                       "oracle_spend": oracle.spend, "today": score(market, market.bid, goal, oracle)})
    for path in publish(args.out, files):
        say(f"wrote {path}")
    say(f"oracle: revenue {oracle.revenue:,.2f} at spend {oracle.spend:,.2f} (budget {budget:,.2f}, ROI floor {min_roi:g})")
    return EXIT_OK


def _score(args: argparse.Namespace, market, fallback, limits) -> int:
    """``simulate --score``: the sheet's true figures against its own plan's goal; nothing is written."""
    import json

    from optimizer.simulation.oracle import bids_from_sheet, plan_goal, score, solve_oracle

    if not args.score.is_file():
        raise BidoptError(f"--score {args.score}: no such file; give the bids.csv a plan wrote")
    beside = args.score.parent / "summary.json"
    summary = json.loads(beside.read_text(encoding="utf-8")) if beside.is_file() else {}
    goal, source = plan_goal(summary, fallback)
    oracle = solve_oracle(market, goal, limits)
    scored = score(market, bids_from_sheet(market, args.score), goal, oracle)
    floor = f"ROI floor {goal.min_roi:g}" if goal.min_roi else "no ROI floor"
    say(f"goal: {goal.objective}, budget {oracle.budget:,.2f}, {floor} ({source})")
    say(f"oracle: {goal.objective} {oracle.objective:,.2f} at spend {oracle.spend:,.2f}")
    say(f"{args.score}: revenue / oracle {scored['revenue_vs_oracle']:.3f}, {goal.objective} / oracle "
          f"{scored['objective_vs_oracle']:.3f}, spend / budget {scored['spend_vs_budget']:.3f}, ROI / floor "
          f"{scored['roi_vs_floor']:.3f} (true expected figures)")
    return EXIT_OK


def run_backtest(args: argparse.Namespace) -> int:
    from optimizer.scenario.settings import BidLimits, Goal
    from optimizer.simulation.backtest import Loop, markdown, write_backtest
    from optimizer.simulation.backtest import run_backtest as play

    if args.weeks < 1 or args.budget_factor <= 0 or args.roi_factor < 0:
        raise BidoptError("--weeks must be at least 1, --budget-factor above 0 and --roi-factor at least 0")
    market, history = _simulated(args)
    today = market.expected(days=7)
    spend = float(today["spend"].sum())
    goal = Goal(budget=args.budget_factor * spend, min_roi=args.roi_factor * float(today["revenue"].sum()) / spend,
                min_roi_confidence=args.min_roi_confidence)
    result = play(market, history, Loop(goal, BidLimits(max=20.0), weeks=args.weeks, folder=args.out / "reports",
                                         fmt=args.format))
    say(markdown(result.table).rstrip())
    for path in write_backtest(args.out, result):
        say(f"wrote {path}")
    return EXIT_OK
