"""``bidopt``: parse flags, call the library, turn its typed errors into ``error: …`` and an exit code.

Exit codes: 0 done, 2 bad input or scenario, 3 limits no bids can meet; 141, quietly, when the reader of
stdout closes it early (``bidopt plan ... | head -1``).
Phase times of slow runs go to stderr (never stdout); ``--quiet`` turns them off.
One module per group of commands: planning (plan, compare, frontier), batch, history, market (simulate,
backtest), amazon (harvest and the platform options), workbench (serve); common holds what they share.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from optimizer import __version__
from optimizer.cli import amazon, batch, history, market, planning, workbench
from optimizer.cli.common import EXIT_BAD_INPUT, EXIT_PIPE_CLOSED, Parser, exit_code, say
from optimizer.errors import BidoptError


def build_parser() -> Parser:
    parser = Parser(prog="bidopt", description="Bids and budgets for paid search, by linear programming.")
    parser.add_argument("--version", action="version", version=f"bidopt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in (planning, batch, history, market, amazon, workbench):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        code = args.handler(args)
        sys.stdout.flush()   # a reader gone away is heard here, not in Python's own flush at exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except BidoptError as error:
        for line in str(error).splitlines():
            say(f"error: {line}", file=sys.stderr)
        return exit_code(error)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        say(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        say("error: interrupted; no files were written", file=sys.stderr)
        return 130


def _reader_gone() -> int:
    """stdout's reader closed it: stop without a message, as a Unix tool stopped by SIGPIPE does. What is
    still buffered goes to the null device, so the flush at exit does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):   # stdout is no file descriptor (an in-process caller's stream)
        pass
    return EXIT_PIPE_CLOSED
