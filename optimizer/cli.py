"""``bidopt``: parse flags, call the library, turn its typed errors into ``error: …`` and an exit code.

Exit codes: 0 done, 2 bad input or scenario, 3 limits no bids can meet.
Phase times of slow runs go to stderr (never stdout); ``--quiet`` turns them off.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from optimizer import __version__
from optimizer.errors import BidoptError

EXIT_OK, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 2, 3
#: Runs slower than this report their phase times on stderr.
SLOW_RUN_SECONDS = 2.0


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as BidoptError (exit 2, one line) instead of exiting itself."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        raise BidoptError(f"{message} (see 'bidopt {self.prog.split()[-1]} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bidopt", description="Bids and budgets for paid search, by linear programming.")
    parser.add_argument("--version", action="version", version=f"bidopt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    plan = commands.add_parser("plan", help="the weekly plan: new bids and plan budgets from last weeks' reports")
    plan.add_argument("scenario", nargs="?", type=Path, help="scenario file (TOML); optional with --report")
    plan.add_argument("--report", action="append", type=Path, default=None, metavar="FILE",
                      help="a report to read (repeatable); replaces the scenario's [data] reports")
    plan.add_argument("--budget", type=float, help="spend allowed over the planning period")
    plan.add_argument("--min-roi", type=float, help="account ROI floor (revenue / spend)")
    plan.add_argument("--objective", choices=["revenue", "orders", "clicks", "profit"])
    plan.add_argument("--out", type=Path, help="output folder (default: out/ beside the scenario)")
    plan.add_argument("--write-lp", type=Path, metavar="FILE", help="also write the LP through PuLP for audit")
    plan.add_argument("--quiet", action="store_true", help="no phase times on stderr")
    return parser


def load(args: argparse.Namespace):
    """The scenario the flags describe: the file with the flags on top, or the flags alone."""
    from optimizer.scenario import load_scenario, require_reports, scenario_from_reports

    if args.scenario is not None:
        scenario = load_scenario(args.scenario)
    elif args.report:
        scenario = scenario_from_reports(args.report)
    else:
        raise BidoptError("give a scenario file or at least one --report FILE (see 'bidopt plan --help')")
    scenario = scenario.with_overrides(reports=args.report, budget=args.budget, min_roi=args.min_roi,
                                       objective=args.objective)
    require_reports(scenario)
    return scenario


def run_plan(args: argparse.Namespace) -> int:
    from optimizer.outputs import write_all
    from optimizer.plan import make_plan
    from optimizer.solve import write_lp

    scenario = load(args)
    result = make_plan(scenario)
    if not args.quiet and sum(result.timings.values()) > SLOW_RUN_SECONDS:
        print("bidopt: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result.timings.items()),
              file=sys.stderr)
    out = args.out or ((scenario.path.parent if scenario.path else Path.cwd()) / "out")
    written = write_all(out, result.files())
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return run_plan(args)
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
