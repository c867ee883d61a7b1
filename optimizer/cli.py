"""``bidopt``: parse flags, call the library, turn its typed errors into ``error: …`` and an exit code.

Exit codes: 0 done, 2 bad input or scenario, 3 limits no bids can meet.
Phase times of slow runs go to stderr (never stdout); ``--quiet`` turns them off.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from optimizer import __version__
from optimizer.errors import BidoptError

EXIT_OK, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 2, 3
#: Runs slower than this report their phase times on stderr.
SLOW_RUN_SECONDS = 2.0
#: Budgets on the frontier drawn in report.html (bidopt frontier takes --points).
REPORT_FRONTIER_POINTS = 20


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as BidoptError (exit 2, one line) instead of exiting itself."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        raise BidoptError(f"{message} (see 'bidopt {self.prog.split()[-1]} --help')")


def _common(command: argparse.ArgumentParser, *, scenario_help: str) -> None:
    """The options every planning command shares, declared once."""
    command.add_argument("--report", action="append", type=Path, default=None, metavar="FILE",
                         help="a report to read (repeatable); replaces the scenarios' [data] reports")
    command.add_argument("--budget", type=float, help="spend allowed over the planning period")
    command.add_argument("--min-roi", type=float, help="account ROI floor (revenue / spend)")
    command.add_argument("--objective", choices=["revenue", "orders", "clicks", "profit"])
    command.add_argument("--out", type=Path, help=f"output folder (default: out/ beside the {scenario_help})")
    command.add_argument("--quiet", action="store_true", help="no phase times on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bidopt", description="Bids and budgets for paid search, by linear programming.")
    parser.add_argument("--version", action="version", version=f"bidopt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    plan = commands.add_parser("plan", help="the weekly plan: new bids and plan budgets from last weeks' reports")
    plan.add_argument("scenario", nargs="?", type=Path, help="scenario file (TOML); optional with --report")
    _common(plan, scenario_help="scenario")
    plan.add_argument("--solver", choices=["fast", "highs", "pulp"], default="auto",
                      help="force a solver (default: the structured 'fast' one when the limits fit it, else HiGHS)")
    plan.add_argument("--write-lp", type=Path, metavar="FILE", help="also write the LP through PuLP for audit")
    _platform_options(plan)
    _db_option(plan)
    plan.add_argument("--no-history", action="store_true", help="neither read nor record the run history")
    plan.set_defaults(handler=run_plan)

    history = commands.add_parser("history", help="past plan runs; 'history show RUN' for one")
    _db_option(history)
    history.add_argument("--limit", type=int, default=20, help="runs to list, newest first (default 20)")
    history.set_defaults(handler=run_history)
    shown = history.add_subparsers(dest="history_command", parser_class=_Parser).add_parser(
        "show", help="one run: its settings, inputs, figures and largest changes")
    shown.add_argument("run", help="run id, or 'last'")
    _db_option(shown, default=argparse.SUPPRESS)
    shown.set_defaults(handler=run_history_show)

    compare = commands.add_parser("compare", help="plan several scenarios and compare them side by side")
    compare.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="scenario files (TOML)")
    _common(compare, scenario_help="first scenario")
    compare.set_defaults(handler=run_compare)

    frontier = commands.add_parser("frontier", help="the best objective at each budget (the efficient frontier)")
    frontier.add_argument("scenario", nargs="?", type=Path, help="scenario file (TOML); optional with --report")
    _common(frontier, scenario_help="scenario")
    frontier.add_argument("--from", dest="low", type=float, default=0.25, help="lowest budget, x the plan's")
    frontier.add_argument("--to", dest="high", type=float, default=2.0, help="highest budget, x the plan's")
    frontier.add_argument("--points", type=int, default=40, help="number of budgets")
    frontier.set_defaults(handler=run_frontier)

    simulate = commands.add_parser("simulate", help="a market with known truth: its reports, a scenario, the oracle")
    _market_options(simulate)
    simulate.add_argument("--out", type=Path, required=True, help="folder for the reports and scenario.toml")
    simulate.add_argument("--score", type=Path, metavar="BIDS_CSV", help="also score a bid sheet on the true curves")
    simulate.set_defaults(handler=run_simulate)

    backtest = commands.add_parser("backtest", help="weekly closed loop of keep / operator / bidopt on a simulated market")
    _market_options(backtest)
    backtest.add_argument("--weeks", type=int, default=8, help="weeks to play (default 8)")
    backtest.add_argument("--budget-factor", type=float, default=1.0, help="weekly budget, x today's true spend")
    backtest.add_argument("--roi-factor", type=float, default=1.0, help="ROI floor, x today's true ROI")
    backtest.add_argument("--out", type=Path, required=True, help="folder for backtest.csv/.md/.png and bidopt's reports")
    backtest.set_defaults(handler=run_backtest)

    harvest = commands.add_parser("harvest", help="search terms to new exact keywords and negatives (Amazon bulk file)")
    harvest.add_argument("--report", type=Path, required=True, metavar="FILE", help="Sponsored Products search term report")
    harvest.add_argument("--bulk", type=Path, required=True, metavar="FILE.xlsx", help="the downloaded Amazon bulk file")
    harvest.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: ./out)")
    harvest.add_argument("--min-orders", type=float, default=2, help="orders a term needs to become a keyword (default 2)")
    harvest.add_argument("--max-acos", type=float, help="ACoS ceiling, e.g. 0.3 (default: the report's own ACoS)")
    harvest.add_argument("--marketplace", metavar="CODE", help="Amazon marketplace for bid limits (default: the report's currency)")
    harvest.set_defaults(handler=run_harvest)
    return parser


def _db_option(command: argparse.ArgumentParser, default=None) -> None:
    command.add_argument("--db", metavar="URL", default=default,
                         help="history store: sqlite:///PATH or postgresql://USER@HOST/DB (default: $BIDOPT_DB, "
                              "else SQLite in the user's data folder)")


def _market_options(command: argparse.ArgumentParser) -> None:
    """The simulated market's size, history, seed and export format, shared by simulate and backtest."""
    command.add_argument("--keywords", type=int, default=300, help="keywords (default 300)")
    command.add_argument("--days", type=int, default=28, help="days of history (default 28)")
    command.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    command.add_argument("--format", choices=["ztc", "google", "amazon"], default="ztc", help="export format")


def load(args: argparse.Namespace, path: Path | None = None):
    """The scenario the flags describe: the file with the flags on top, or the flags alone."""
    from optimizer.scenario import load_scenario, require_reports, scenario_from_reports

    if path is not None:
        scenario = load_scenario(path)
    elif args.report:
        scenario = scenario_from_reports(args.report)
    else:
        raise BidoptError(f"give a scenario file or at least one --report FILE (see 'bidopt {args.command} --help')")
    scenario = scenario.with_overrides(reports=args.report, budget=args.budget, min_roi=args.min_roi,
                                       objective=args.objective)
    require_reports(scenario)
    return scenario


def _out(args: argparse.Namespace, scenario) -> Path:
    return args.out or ((scenario.path.parent if scenario.path else Path.cwd()) / "out")


def _timings(args: argparse.Namespace, timings: dict[str, float]) -> None:
    if not args.quiet and sum(timings.values()) > SLOW_RUN_SECONDS:
        print("bidopt: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in timings.items()), file=sys.stderr)


def run_plan(args: argparse.Namespace) -> int:
    from optimizer.frontier import plan_frontier
    from optimizer.outputs import write_all
    from optimizer.plan import make_plan
    from optimizer.report import plan_report
    from optimizer.solve import write_lp

    scenario = load(args, args.scenario)
    store = None if args.no_history else _store(args)
    bulk = _bulk(args)
    result = make_plan(scenario, _prepared(scenario, bulk), solver=args.solver)
    if store is not None:
        result = _with_forecast_check(store, result)
    clock = time.perf_counter()
    result, exported = _exports(args, result, bulk)
    files = {**result.files(), **plan_report(result, plan_frontier(result, count=REPORT_FRONTIER_POINTS)), **exported}
    _timings(args, {**result.timings, "report": time.perf_counter() - clock})
    written = write_all(_out(args, scenario), files)
    if args.write_lp:
        handle, temporary = tempfile.mkstemp(suffix=".lp", dir=args.write_lp.resolve().parent)
        os.close(handle)
        write_lp(result.program, temporary)
        os.replace(temporary, args.write_lp)
        written.append(args.write_lp)
    after, before = result.summary["after"], result.summary["before"]
    print(f"plan: spend {before['spend']:,.2f} -> {after['spend']:,.2f}, revenue {before['revenue']:,.2f} -> "
          f"{after['revenue']:,.2f}, ROI {before['roi']:.2f} -> {after['roi']:.2f}")
    for path in written:
        print(f"wrote {path}")
    if store is not None:
        with store:
            print(f"recorded run {store.record(result)} in {store.location}")
    return EXIT_OK


def _platform_options(command: argparse.ArgumentParser) -> None:
    """Upload files for the platforms (optimizer.exports) and the Amazon bulk file (optimizer.bulk)."""
    command.add_argument("--export", action="append", choices=["amazon", "google", "ztc"], default=[],
                         help="also write the platform's upload file (repeatable): amazon-bulk.xlsx, "
                              "google-ads-editor.csv, ztc-bids.csv")
    command.add_argument("--bulk", type=Path, metavar="FILE.xlsx",
                         help="Amazon bulk file downloaded from Campaign Manager: today's bids, budgets and states")
    command.add_argument("--marketplace", metavar="CODE",
                         help="Amazon marketplace for bid limits (US, UK, DE, IN, JP, …; default: the reports' currency)")


def _bulk(args: argparse.Namespace):
    from optimizer.bulk import read_bulk

    return read_bulk(args.bulk) if getattr(args, "bulk", None) else None


def _prepared(scenario, bulk):
    from optimizer.bulk import prepare_with_bulk

    return None if bulk is None else prepare_with_bulk(scenario, bulk)


def _exports(args: argparse.Namespace, result, bulk):
    """The upload files asked with --export, and the result with their warnings in its summary."""
    from dataclasses import replace

    from optimizer.exports import check_marketplace, marketplace_from_reports, plan_exports

    if not getattr(args, "export", None):
        return result, {}
    marketplace = (check_marketplace(args.marketplace) if args.marketplace
                   else marketplace_from_reports(result.scenario.data.reports))
    files, warnings = plan_exports(result, args.export, bulk=bulk, marketplace=marketplace)
    summary = {**result.summary, "warnings": list(result.summary["warnings"]) + warnings}
    return replace(result, summary=summary), files


def _store(args: argparse.Namespace):
    from optimizer.history import HistoryStore

    return HistoryStore(args.db)


def _with_forecast_check(store, result):
    from dataclasses import replace

    from optimizer.forecast_check import against_history

    check = against_history(store, result.performance)
    return result if check is None else replace(result, summary={**result.summary, "forecast_check": check})


def run_history(args: argparse.Namespace) -> int:
    from optimizer.history_view import runs_text

    if args.limit < 1:
        raise BidoptError("--limit must be at least 1")
    with _store(args) as store:
        print(runs_text(store.runs(limit=args.limit), store.location), end="")
    return EXIT_OK


def run_history_show(args: argparse.Namespace) -> int:
    from optimizer.history_view import run_text

    with _store(args) as store:
        run_id = store.latest_id() if args.run == "last" else _run_id(args.run)
        if run_id is None:
            raise BidoptError(f"no runs yet in {store.location}")
        print(run_text(store, run_id), end="")
    return EXIT_OK


def _run_id(text: str) -> int:
    if not text.isdigit():
        raise BidoptError(f"RUN must be a run id (a number from 'bidopt history') or 'last'. Got {text!r} instead.")
    return int(text)


def run_compare(args: argparse.Namespace) -> int:
    from optimizer import compare
    from optimizer.frontier import plan_frontier
    from optimizer.outputs import write_all
    from optimizer.report import compare_report

    scenarios = [load(args, path) for path in args.scenarios]
    comparison = compare.compare(scenarios)
    first = comparison.results[0]
    front = plan_frontier(first, count=REPORT_FRONTIER_POINTS)
    points = {name: {"spend": row.spend, "objective": row.objective_value}
              for name, row in zip(comparison.table["scenario"], comparison.table.itertuples(index=False))}
    files = {**compare.files(comparison), **compare_report(comparison.table, comparison.plan_budgets, front, points)}
    written = write_all(_out(args, scenarios[0]), files)
    print(compare.markdown(comparison).split("\n## Plan budgets")[0].rstrip())
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def run_frontier(args: argparse.Namespace) -> int:
    from optimizer import outputs
    from optimizer.frontier import plan_frontier
    from optimizer.plan import make_plan
    from optimizer.report import plots, png

    if args.points < 2 or not 0 < args.low < args.high:
        raise BidoptError("--points must be at least 2 and 0 < --from < --to (multiples of the plan's budget)")
    scenario = load(args, args.scenario)
    result = make_plan(scenario)
    front = plan_frontier(result, low=args.low, high=args.high, count=args.points)
    table = front.points.round(6)
    figure = png(lambda ax: plots.plot_frontier(front.points, objective=front.objective, today=front.today,
                                                chosen=front.chosen, note=front.note, ax=ax))
    written = outputs.write_all(_out(args, scenario), {"frontier.csv": outputs.csv_bytes(table), "frontier.png": figure})
    print(f"{len(table)} points; today: spend {front.today['spend']:,.2f}, {front.objective} "
          f"{front.today['objective']:,.2f}; plan: spend {front.chosen['spend']:,.2f}, {front.objective} "
          f"{front.chosen['objective']:,.2f}")
    if front.note:
        print(front.note)
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _simulated(args: argparse.Namespace):
    from optimizer.market import simulate
    from optimizer.market_reports import LANGUAGE

    if args.keywords < 1 or args.days < 1:
        raise BidoptError("--keywords and --days must be at least 1")
    return simulate(args.keywords, args.days, seed=args.seed, language=LANGUAGE[args.format])


def run_simulate(args: argparse.Namespace) -> int:
    from optimizer.market_reports import simulation_files
    from optimizer.oracle import bids_from_sheet, score, solve_oracle
    from optimizer.outputs import json_bytes, write_all
    from optimizer.settings import BidLimits, Goal

    market, history = _simulated(args)
    flags = " ".join(f"--{name} {getattr(args, name)}" for name in ("keywords", "days", "seed", "format"))
    files, budget, min_roi = simulation_files(market, history, args.format, command=f"bidopt simulate {flags}")
    goal, limits = Goal(budget=budget, min_roi=min_roi), BidLimits(max=20.0)
    oracle = solve_oracle(market, goal, limits)
    files["oracle.json"] = json_bytes({"budget": budget, "min_roi": min_roi, "oracle_revenue": oracle.revenue,
                                       "oracle_spend": oracle.spend, "today": score(market, market.bid, goal, oracle)})
    for path in write_all(args.out, files):
        print(f"wrote {path}")
    print(f"oracle: revenue {oracle.revenue:,.2f} at spend {oracle.spend:,.2f} (budget {budget:,.2f}, ROI floor {min_roi:g})")
    if args.score:
        scored = score(market, bids_from_sheet(market, args.score), goal, oracle)
        print(f"{args.score}: revenue / oracle {scored['revenue_vs_oracle']:.3f}, spend / budget "
              f"{scored['spend_vs_budget']:.3f}, ROI / floor {scored['roi_vs_floor']:.3f} (true expected figures)")
    return EXIT_OK


def run_backtest(args: argparse.Namespace) -> int:
    from optimizer.backtest import markdown, run_backtest as play, write_backtest
    from optimizer.settings import BidLimits, Goal

    if args.weeks < 1 or args.budget_factor <= 0 or args.roi_factor < 0:
        raise BidoptError("--weeks must be at least 1, --budget-factor above 0 and --roi-factor at least 0")
    market, history = _simulated(args)
    today = market.expected(days=7)
    spend = float(today["spend"].sum())
    goal = Goal(budget=args.budget_factor * spend, min_roi=args.roi_factor * float(today["revenue"].sum()) / spend)
    result = play(market, history, goal, BidLimits(max=20.0), weeks=args.weeks, folder=args.out / "reports",
                  fmt=args.format)
    print(markdown(result.table).rstrip())
    for path in write_backtest(args.out, result):
        print(f"wrote {path}")
    return EXIT_OK


def run_harvest(args: argparse.Namespace) -> int:
    from collections import Counter

    from optimizer.bulk import read_bulk
    from optimizer.exports import check_marketplace, marketplace_from_reports
    from optimizer.harvest import harvest, harvest_files, read_search_terms
    from optimizer.outputs import write_all

    marketplace = check_marketplace(args.marketplace) if args.marketplace else marketplace_from_reports([args.report])
    bulk = read_bulk(args.bulk)
    result = harvest(read_search_terms(args.report), bulk, min_orders=args.min_orders, max_acos=args.max_acos,
                     marketplace=marketplace)
    written = write_all(args.out, harvest_files(result, bulk))
    counts = Counter(result.table["decision"])
    print(f"harvest: {len(result.table)} terms, ROI floor {result.min_roi:.2f}: "
          + ", ".join(f"{count} {decision}" for decision, count in sorted(counts.items())))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except BidoptError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return error.exit_code
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted; no files were written", file=sys.stderr)
        return 130
