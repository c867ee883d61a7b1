"""``bidopt batch``: plan many accounts independently on Dask, one folder each, one summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optimizer.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_OK,
    lang_option,
    language,
    progress_options,
    say,
)
from optimizer.cli.progress import progress_for
from optimizer.i18n import translator


def add_commands(commands) -> None:
    """Declare this module's subcommands."""
    batch = commands.add_parser("batch", help="plan many accounts (one scenario each) in parallel on Dask")
    batch.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="scenario files (TOML), one per account")
    batch.add_argument("--out", type=Path, default=Path("batch"),
                       help="output folder: one subfolder per account, batch.csv and batch.json (default: batch/)")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="address of a running Dask scheduler (default: a local cluster of processes)")
    batch.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    progress_options(batch)
    lang_option(batch)
    batch.set_defaults(handler=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    from optimizer.decisions.batch import BAD_INPUT, INFEASIBLE, OK
    from optimizer.decisions.batch import run_batch as plan_all

    lang = language(args)
    with progress_for(args) as progress:
        result = plan_all(args.scenarios, args.out, scheduler=args.scheduler, workers=args.workers, progress=progress,
                          lang=lang)
    t = translator(lang)
    for outcome in result.outcomes:
        if outcome.status == OK:
            say(t("cli.batch_ok", account=outcome.account, spend=f"{outcome.spend:,.2f}",
                  revenue=f"{outcome.revenue:,.2f}", roi=f"{outcome.roi:.2f}", out=outcome.out))
        else:
            say(f"{outcome.account}: {outcome.status}")
            for line in outcome.error.splitlines():
                say(f"error: {outcome.account}: {line}", file=sys.stderr)
    for name in ("batch.csv", "batch.json"):
        say(t("cli.wrote", path=args.out / name))
    bad, infeasible = result.count(BAD_INPUT), result.count(INFEASIBLE)
    if bad:
        say(f"error: {bad} of {len(result.outcomes)} accounts had bad input; the others were planned "
              "(see batch.csv)", file=sys.stderr)
        return EXIT_BAD_INPUT
    if infeasible:
        say(f"error: {infeasible} of {len(result.outcomes)} accounts have limits no bids can meet; the others "
              "were planned (see batch.csv)", file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK
