"""The platforms' files: ``--bulk``/``--export`` options of plan, and ``bidopt harvest``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optimizer.cli.common import EXIT_OK, say


def add_commands(commands) -> None:
    """Declare this module's subcommands."""
    harvest = commands.add_parser("harvest", help="search terms to new exact keywords and negatives (Amazon bulk file)")
    harvest.add_argument("--report", type=Path, required=True, metavar="FILE", help="Sponsored Products search term report")
    harvest.add_argument("--bulk", type=Path, required=True, metavar="FILE.xlsx", help="the downloaded Amazon bulk file")
    harvest.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: ./out)")
    harvest.add_argument("--min-orders", type=float, default=2, help="orders a term needs to become a keyword (default 2)")
    harvest.add_argument("--max-acos", type=float, help="ACoS ceiling, e.g. 0.3 (default: the report's own ACoS)")
    harvest.add_argument("--marketplace", metavar="CODE", help="Amazon marketplace for bid limits (default: the report's currency)")
    harvest.set_defaults(handler=run_harvest)


def platform_options(command: argparse.ArgumentParser) -> None:
    """Upload files for the platforms (optimizer.platforms.uploads) and the Amazon bulk file (optimizer.platforms.amazon_bulk)."""
    command.add_argument("--export", action="append", choices=["amazon", "google", "ztc"], default=[],
                         help="also write the platform's upload file (repeatable): amazon-bulk.xlsx, "
                              "google-ads-editor.csv, ztc-bids.csv")
    command.add_argument("--bulk", type=Path, metavar="FILE.xlsx",
                         help="Amazon bulk file downloaded from Campaign Manager: today's bids, budgets and states")
    command.add_argument("--marketplace", metavar="CODE",
                         help="Amazon marketplace for bid limits (US, UK, DE, IN, JP, …; default: the reports' currency)")
    command.add_argument("--placements", type=Path, metavar="FILE",
                         help="Sponsored Products placement report: write placements.csv and, with --export amazon, "
                              "the campaigns' Top of search / Product pages adjustments into amazon-bulk.xlsx")


def bulk_file(args: argparse.Namespace):
    from optimizer.platforms.amazon_bulk import read_bulk

    return read_bulk(args.bulk) if getattr(args, "bulk", None) else None


def placement_report(args: argparse.Namespace):
    """The placement report of --placements, read before planning so that a bad one fails first."""
    from optimizer.platforms.placements import read_placements

    return read_placements(args.placements) if getattr(args, "placements", None) else None


def prepared_with_bulk(scenario, bulk):
    """The scenario's reports read and estimated with today's bids from the bulk file; None without one."""
    from optimizer.decisions.plan import prepare

    return None if bulk is None else prepare(scenario, bids_today=bulk.bids_today)


def with_exports(args: argparse.Namespace, result, bulk, placements_read=None):
    """The upload files asked with --export and placements.csv, and the result with their warnings in its summary.

    ``placements_read`` is the report :func:`placement_report` read; the plan's ROI floor (else the
    report's own ROI) decides the adjustments.
    """
    from dataclasses import replace

    from optimizer.decisions.platform_limits import check_marketplace, marketplace_of
    from optimizer.platforms.placements import placement_adjustments
    from optimizer.platforms.uploads import plan_exports

    files, warnings, placements = {}, [], None
    if placements_read is not None:
        placements = placement_adjustments(placements_read, min_roi=result.scenario.goal.min_roi, bulk=bulk,
                                           lang=result.lang)
        files["placements.csv"] = placements.csv()
        warnings += list(placements.warnings)
    if getattr(args, "export", None):
        marketplace = (check_marketplace(args.marketplace) if args.marketplace
                       else marketplace_of(result.performance.files))
        exported, export_warnings = plan_exports(result, args.export, bulk=bulk, marketplace=marketplace,
                                                 placements=placements)
        files.update(exported)
        warnings += export_warnings
    if not files:
        return result, {}
    return replace(result, summary=result.summary.with_warnings(warnings)), files


def run_harvest(args: argparse.Namespace) -> int:
    from collections import Counter

    from optimizer.decisions.platform_limits import check_marketplace, marketplace_for
    from optimizer.outputs.publish import publish
    from optimizer.platforms.amazon_bulk import read_bulk
    from optimizer.platforms.harvest import harvest, harvest_files, read_search_terms
    from optimizer.reading.currencies import one_code
    from optimizer.reading.report_file import read_report

    report = read_report(args.report)
    marketplace = check_marketplace(args.marketplace) if args.marketplace else marketplace_for(one_code(report.currency))
    bulk = read_bulk(args.bulk)
    result = harvest(read_search_terms(report), bulk, min_orders=args.min_orders, max_acos=args.max_acos,
                     marketplace=marketplace)
    written = publish(args.out, harvest_files(result, bulk))
    counts = Counter(result.table["decision"])
    say(f"harvest: {len(result.table)} terms, ROI floor {result.min_roi:.2f}: "
          + ", ".join(f"{count} {decision}" for decision, count in sorted(counts.items())))
    for warning in result.warnings:
        say(f"warning: {warning}", file=sys.stderr)
    for path in written:
        say(f"wrote {path}")
    return EXIT_OK
