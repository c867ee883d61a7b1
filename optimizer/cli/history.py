"""``bidopt history`` and ``history show``: the run store."""

from __future__ import annotations

import argparse

from optimizer.cli.common import EXIT_OK, Parser, db_option, history_store, say
from optimizer.errors import BidoptError


def add_commands(commands) -> None:
    """Declare this module's subcommands."""
    history = commands.add_parser("history", help="past plan runs; 'history show RUN' for one")
    db_option(history)
    history.add_argument("--limit", type=int, default=20, help="runs to list, newest first (default 20)")
    history.set_defaults(handler=run_history)
    shown = history.add_subparsers(dest="history_command", parser_class=Parser, metavar="show",
                                   help="show one run").add_parser(
        "show", help="one run: its settings, inputs, figures and largest changes")
    shown.add_argument("run", help="run id, or 'last'")
    db_option(shown, default=argparse.SUPPRESS)
    shown.set_defaults(handler=run_history_show)


def run_history(args: argparse.Namespace) -> int:
    from optimizer.history.view import runs_text

    if args.limit < 1:
        raise BidoptError("--limit must be at least 1")
    with history_store(args) as store:
        say(runs_text(store.runs(limit=args.limit), store.location), end="")
    return EXIT_OK


def run_history_show(args: argparse.Namespace) -> int:
    from optimizer.history.view import run_text

    with history_store(args) as store:
        run_id = store.latest_id() if args.run == "last" else _run_id(args.run)
        if run_id is None:
            raise BidoptError(f"no runs yet in {store.location}")
        say(run_text(store, run_id), end="")
    return EXIT_OK


def _run_id(text: str) -> int:
    if not text.isdigit():
        raise BidoptError(f"RUN must be a run id (a number from 'bidopt history') or 'last'. Got {text!r} instead.")
    return int(text)
