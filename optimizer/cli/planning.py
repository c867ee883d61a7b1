"""``bidopt plan``, ``compare`` and ``frontier``: the weekly plan and its what-ifs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from optimizer.cli.amazon import (
    bulk_file,
    placement_report,
    platform_options,
    prepared_with_bulk,
    with_exports,
)
from optimizer.cli.common import (
    EXIT_OK,
    REPORT_FRONTIER_POINTS,
    common_options,
    db_option,
    history_store,
    lang_option,
    language,
    load,
    out_folder,
    report_timings,
    say,
)
from optimizer.cli.progress import progress_for
from optimizer.errors import BidoptError
from optimizer.i18n import translator


def add_commands(commands) -> None:
    """Declare this module's subcommands."""
    plan = commands.add_parser("plan", help="the weekly plan: new bids and plan budgets from last weeks' reports")
    plan.add_argument("scenario", nargs="?", type=Path, help="scenario file (TOML); optional with --report")
    common_options(plan, scenario_help="scenario")
    plan.add_argument("--solver", choices=["fast", "highs", "pulp"], default="auto",
                      help="force a solver (default: the structured 'fast' one when the limits fit it, else HiGHS)")
    plan.add_argument("--write-lp", type=Path, metavar="FILE",
                      help="also write the LP through PuLP for audit, and FILE.vars.csv: each variable's keyword and bid")
    platform_options(plan)
    db_option(plan)
    plan.add_argument("--no-history", action="store_true", help="neither read nor record the run history")
    lang_option(plan)
    plan.set_defaults(handler=run_plan)

    compare = commands.add_parser("compare", help="plan several scenarios and compare them side by side")
    compare.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="scenario files (TOML)")
    common_options(compare, scenario_help="first scenario")
    platform_options(compare)
    lang_option(compare)
    compare.set_defaults(handler=run_compare)

    frontier = commands.add_parser("frontier", help="the best objective at each budget (the efficient frontier)")
    frontier.add_argument("scenario", nargs="?", type=Path, help="scenario file (TOML); optional with --report")
    common_options(frontier, scenario_help="scenario")
    frontier.add_argument("--from", dest="low", type=float, default=0.25, metavar="FACTOR",
                          help="lowest budget, as a multiple of the plan's budget (default 0.25)")
    frontier.add_argument("--to", dest="high", type=float, default=2.0, metavar="FACTOR",
                          help="highest budget, as a multiple of the plan's budget (default 2.0)")
    frontier.add_argument("--points", type=int, default=40, metavar="N",
                          help="number of budgets, evenly spaced from --from to --to (default 40)")
    lang_option(frontier)
    frontier.set_defaults(handler=run_frontier)


def run_plan(args: argparse.Namespace) -> int:
    from optimizer.decisions.plan import make_plan, prepare
    from optimizer.decisions.platform_limits import check_marketplace
    from optimizer.history.forecast_check import with_history
    from optimizer.outputs.files import csv_bytes, write_all
    from optimizer.solver.pulp_cbc import lp_names, names_file, write_lp

    lang = language(args)
    scenario = load(args, args.scenario)
    store = None if args.no_history else history_store(args)
    bulk = bulk_file(args)
    placements = placement_report(args)
    with progress_for(args) as progress:
        prepared, check = with_history(store, scenario, prepared_with_bulk(scenario, bulk) or prepare(scenario, progress))
        result = make_plan(scenario, prepared, solver=args.solver, progress=progress,
                           lang=lang, marketplace=check_marketplace(args.marketplace) if args.marketplace else None,
                           frontier_grid=(0.25, 2.0, REPORT_FRONTIER_POINTS))
        if check is not None:
            result = replace(result, summary=result.summary.with_forecast_check(check))
        progress.phase("report")
        clock = time.perf_counter()
        result, exported = with_exports(args, result, bulk, placements)
        exports = time.perf_counter() - clock
        written, run_id, timings = _published(out_folder(args, scenario), result, exported, store, progress)
        timings = {**result.timings, **timings, "report": exports + timings["report"]}
        if args.write_lp:   # the LP and the map of its names (keyword, candidate bid): both or neither
            names = csv_bytes(lp_names(result.program, result.estimates.units))
            write_all(args.write_lp.resolve().parent, {args.write_lp.name: lambda path: write_lp(result.program, path),
                                                       names_file(args.write_lp).name: names})
            written += [args.write_lp, names_file(args.write_lp)]
    report_timings(args, timings)
    after, before, t = result.summary.after, result.summary.before, translator(lang)
    say(t("cli.plan", spend=f"{before.spend:,.2f}", new_spend=f"{after.spend:,.2f}", revenue=f"{before.revenue:,.2f}",
          new_revenue=f"{after.revenue:,.2f}", roi=f"{before.roi:.2f}", new_roi=f"{after.roi:.2f}"))
    for path in written:
        say(t("cli.wrote", path=path))
    if run_id is not None:
        say(t("cli.recorded", run=run_id, store=store.location))
    return EXIT_OK


def _published(out: Path, result, exported: dict, store, progress) -> tuple[list[Path], int | None, dict]:
    """The report and the files made, staged and swapped in while the run is recorded beside them.

    The recording (:class:`~optimizer.history.recording.Recording`) starts first, in its own thread, and
    commits once the files are staged; they are swapped in only after that. Any error (the report's, the
    files', the recording's) leaves neither a published folder nor a recorded run. The times returned:
    writing the files, the recording's own time (spent beside the report and the writing) and the wait for it.
    """
    from optimizer.decisions.plan import plan_frontier
    from optimizer.history.recording import Recording
    from optimizer.outputs.html_report import plan_report
    from optimizer.outputs.publish import publish

    clock = time.perf_counter()
    recording = None if store is None else Recording(store, result, _stamper(store.location, out))
    with store or nullcontext(), recording or nullcontext():   # the recording starts here, in its thread
        files = {**result.files(), **plan_report(result, plan_frontier(result, count=REPORT_FRONTIER_POINTS)),
                 **exported}
        timings = {"report": time.perf_counter() - clock}
        clock = time.perf_counter()
        if recording is not None:
            if recording.busy():
                progress.phase("record")
            recording.ready()   # its rows are in (or its error raised here) before the files are staged
        progress.phase("write")
        written = publish(out, files, before_swap=None if recording is None else recording.commit)
        timings["write"] = time.perf_counter() - clock
    if recording is None:
        return written, None, timings
    return written, recording.run_id, {**timings, "write": timings["write"] - recording.waited,
                                       "record (beside report and write)": recording.seconds,
                                       "wait for record": recording.waited}


def _stamper(location: str, out: Path):
    """What gives the staged summary.json the run's id, inside the history transaction (in the recording's
    thread): the files are swapped in only after the commit, so the folder and the history agree."""
    from optimizer.outputs.files import json_bytes, naming

    def stamp(run_id: int, staging: Path) -> None:
        with naming(out / "summary.json"):
            summary = staging / "summary.json"
            summary.write_bytes(json_bytes({**json.loads(summary.read_bytes()),
                                            "run": {"id": run_id, "store": location}}))

    return stamp


def run_compare(args: argparse.Namespace) -> int:
    from optimizer.decisions import compare
    from optimizer.decisions.plan import plan_frontier
    from optimizer.outputs.html_report import compare_report
    from optimizer.outputs.publish import publish

    lang = language(args)
    scenarios = [load(args, path) for path in args.scenarios]
    bulk = bulk_file(args)
    placements = placement_report(args)
    comparison = compare.compare(scenarios, bids_today=None if bulk is None else bulk.bids_today, lang=lang,
                                 frontier_grid=(0.25, 2.0, REPORT_FRONTIER_POINTS))
    first = comparison.results[0]
    front = plan_frontier(first, count=REPORT_FRONTIER_POINTS)
    points = {name: {"spend": row.spend, "objective": row.objective_value}
              for name, row in zip(comparison.table["scenario"], comparison.table.itertuples(index=False))}
    files = {**compare.files(comparison, lang),
             **compare_report(comparison.table, comparison.plan_budgets, front, points, lang)}
    warnings = []
    for name, result in zip(comparison.table["scenario"], comparison.results):
        exported_result, exported = with_exports(args, result, bulk, placements)
        files.update({f"{name}/{file}": content for file, content in exported.items()})
        warnings += [f"{name}: {translator(lang).say(warning)}" for warning in
                     exported_result.summary.warnings[len(result.summary.warnings):]]
    written = publish(out_folder(args, scenarios[0]), files)
    say(compare.markdown(comparison, lang).split("\n## ")[0].rstrip())
    for warning in warnings:
        say(f"warning: {warning}", file=sys.stderr)
    for path in written:
        say(translator(lang)("cli.wrote", path=path))
    return EXIT_OK


def run_frontier(args: argparse.Namespace) -> int:
    from optimizer.decisions.plan import make_plan, plan_frontier
    from optimizer.outputs.files import csv_bytes
    from optimizer.outputs.html_report import plots, png
    from optimizer.outputs.publish import publish

    if args.points < 2 or not 0 < args.low < args.high:
        raise BidoptError("--points must be at least 2 and 0 < --from < --to (multiples of the plan's budget)")
    lang = language(args)
    scenario = load(args, args.scenario)
    with progress_for(args) as progress:
        result = make_plan(scenario, progress=progress, frontier_grid=(args.low, args.high, args.points), lang=lang)
        progress.phase("frontier")
        front = plan_frontier(result, low=args.low, high=args.high, count=args.points)
    table = front.points.round(6)
    figure = png(lambda ax: plots.plot_frontier(front.points, objective=front.objective, today=front.today,
                                                chosen=front.chosen, note=front.note, ax=ax), lang=lang)
    written = publish(out_folder(args, scenario), {"frontier.csv": csv_bytes(table), "frontier.png": figure})
    t = translator(lang)
    say(t("cli.frontier", points=len(table), spend=f"{front.today['spend']:,.2f}", objective=t.pick(
        "objective", front.objective), value=f"{front.today['objective']:,.2f}", new_spend=f"{front.chosen['spend']:,.2f}",
        new_value=f"{front.chosen['objective']:,.2f}"))
    if front.note:
        say(t.say(front.note))
    for path in written:
        say(t("cli.wrote", path=path))
    return EXIT_OK
