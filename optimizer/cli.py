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
    plan.add_argument("--write-lp", type=Path, metavar="FILE", help="also write the LP through PuLP for audit")
    plan.set_defaults(handler=run_plan)

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
    return parser


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
    result = make_plan(scenario)
    clock = time.perf_counter()
    files = {**result.files(), **plan_report(result, plan_frontier(result, count=REPORT_FRONTIER_POINTS))}
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
    return EXIT_OK


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
