"""What every ``bidopt`` command shares: exit codes, the argparse that raises, scenario loading, options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optimizer.errors import BidoptError, InfeasibleError

#: The exit codes, here and nowhere else: done, bad input or scenario, limits no bids can meet.
EXIT_OK, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 2, 3
#: stdout's reader closed it (``bidopt plan ... | head -1``): 128 + SIGPIPE, as a shell reports a tool it stopped.
EXIT_PIPE_CLOSED = 141
#: Runs slower than this report their phase times on stderr.
SLOW_RUN_SECONDS = 2.0
#: Budgets on the frontier drawn in report.html (bidopt frontier takes --points).
REPORT_FRONTIER_POINTS = 20


def exit_code(error: BidoptError) -> int:
    """The exit code of a library error: 3 when the limits conflict, 2 for bad input or scenario."""
    return EXIT_INFEASIBLE if isinstance(error, InfeasibleError) else EXIT_BAD_INPUT


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as BidoptError (exit 2, one line) instead of exiting itself."""

    def error(self, message: str):
        raise BidoptError(f"{message} (see '{self.prog} --help')")


def common_options(command: argparse.ArgumentParser, *, scenario_help: str) -> None:
    """The options every planning command shares, declared once."""
    command.add_argument("--report", action="append", type=Path, default=None, metavar="FILE",
                         help="a report to read (repeatable); replaces the scenarios' [data] reports")
    command.add_argument("--budget", type=float, metavar="AMOUNT",
                         help="spend allowed over the planning period (default: the scenario's, else today's spend)")
    command.add_argument("--min-roi", type=float, metavar="RATIO", help="account ROI floor (revenue / spend)")
    command.add_argument("--objective", choices=["revenue", "orders", "clicks", "profit"],
                         help="what to maximise (default: the scenario's, else revenue); profit needs [goal] margin")
    command.add_argument("--out", type=Path, help=f"output folder (default: out/ beside the {scenario_help})")
    data_options(command)
    progress_options(command)


def data_options(command: argparse.ArgumentParser) -> None:
    """How to read the reports: each of ``[data]``'s settings as a flag, so a one-liner needs no scenario file."""
    command.add_argument("--period-days", type=int, metavar="DAYS",
                         help="days the reports cover, for reports that state no period ([data] period_days)")
    command.add_argument("--columns", action="append", type=column_mapping, default=None,
                         metavar='"HEADER=NAME"',
                         help='read the report\'s column HEADER as the canonical column NAME, e.g. '
                              '--columns "Conv.=orders" (repeatable; adds to [data] columns)')
    command.add_argument("--on-bad-rows", choices=["error", "skip"],
                         help="rows with unreadable or impossible values: stop with an error (default) or skip "
                              "them and say so ([data] on_bad_rows)")


def column_mapping(text: str) -> tuple[str, str]:
    """ "Their header=canonical" as (header, canonical); the last "=" splits, so a header may hold one."""
    header, equals, canonical = text.rpartition("=")
    if not equals or not header.strip() or not canonical.strip():
        raise argparse.ArgumentTypeError(f'{text!r} is not HEADER=NAME, e.g. "Conv.=orders"')
    return header.strip(), canonical.strip()


def progress_options(command: argparse.ArgumentParser) -> None:
    """--quiet and --progress: what long runs show on stderr (never on stdout)."""
    command.add_argument("--quiet", action="store_true", help="no progress display and no phase times on stderr")
    command.add_argument("--progress", action="store_true",
                         help="show the progress on stderr from the start, even when stderr is not a terminal")


def lang_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lang", metavar="LANG",
                         help="language of what the command writes and prints (report.html, summary.md, "
                              "compare.md, figures, the reasons): en or zh-CN (default: $BIDOPT_LANG, else en)")


def language(args: argparse.Namespace) -> str:
    """The language the flags ask for: --lang, else $BIDOPT_LANG, else English (a BidoptError for others)."""
    from optimizer.i18n import from_environment

    return from_environment(args.lang)


def db_option(command: argparse.ArgumentParser, default=None) -> None:
    command.add_argument("--db", metavar="URL", default=default,
                         help="history store: sqlite:///PATH or postgresql://USER@HOST/DB (default: $BIDOPT_DB, "
                              "else SQLite in the user's data folder)")


def load(args: argparse.Namespace, path: Path | None = None):
    """The scenario the flags describe: the file with the flags on top, or the flags alone."""
    from optimizer.scenario.scenario_file import load_scenario, require_reports, scenario_from_reports

    if path is not None:
        scenario = load_scenario(path)
    elif args.report:
        scenario = scenario_from_reports(args.report)
    else:
        raise BidoptError(f"give a scenario file or at least one --report FILE (see 'bidopt {args.command} --help')")
    scenario = scenario.with_overrides(reports=args.report, budget=args.budget, min_roi=args.min_roi,
                                       objective=args.objective, period_days=args.period_days,
                                       columns=None if args.columns is None else dict(args.columns),
                                       on_bad_rows=args.on_bad_rows)
    require_reports(scenario)
    return scenario


def out_folder(args: argparse.Namespace, scenario) -> Path:
    return args.out or ((scenario.path.parent if scenario.path else Path.cwd()) / "out")


def say(text: object = "", *, file=None, end: str = "\n") -> None:
    """Print a line that may carry text from the user's files, without its control characters (escape
    sequences could retitle or clear the terminal): every line a command prints goes through here."""
    from optimizer.outputs.safe_text import terminal

    print(terminal(text), file=file if file is not None else sys.stdout, end=end)


def report_timings(args: argparse.Namespace, timings: dict[str, float]) -> None:
    if not args.quiet and sum(timings.values()) > SLOW_RUN_SECONDS:
        say("bidopt: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in timings.items()), file=sys.stderr)


def history_store(args: argparse.Namespace):
    from optimizer.history.store import HistoryStore

    return HistoryStore(args.db)
