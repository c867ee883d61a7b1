"""Plan every real export in a folder as a new user would, and check each plan against what it must never do.

    PYTHONPATH=$PWD python3 benchmarks/real_exports.py [--dir ../shared/data/real] [--period-days 30]

For each report file found under ``--dir`` (CSV, TSV, TXT, XLSX, XLS) it runs the one-liner
``bidopt plan --report FILE --min-roi R``, R being the file's own ROI (revenue / spend; no floor when the
file has no revenue), with ``--period-days`` only when the file states no period. A run either plans or
refuses with a message; a plan is then checked:

* ``finite``: every number in summary.json is finite;
* ``before``: the before-spend is the file's spend per 7 days within 5%;
* ``raise+cut``: no keyword is both raised and cut: a keyword is its plan, ad group, text and its own match
  type (a search term's match type never splits it; the same text in exact and in phrase are two keywords);
* ``waste up``: no unit that spent at least twice the account's cost per order without an order is raised;
* ``winner off``: no unit with 3+ orders at 1.5x the floor or better is paused;
* ``limits``: every new bid is inside the platform's (the marketplace's) minimum and maximum.

It prints one row per file and exits 1 when a check fails (a refusal is not a failure: its message is shown).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "real"
EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
CHECKS = ("finite", "before", "raise+cut", "waste up", "winner off", "limits")
#: How far the before-spend may stray from the file's spend per 7 days.
BEFORE_TOLERANCE = 0.05
#: A raise or cut is a budget above / below today's spend by more than this (plan-level reports).
PLAN_MOVE = 0.01


@dataclass
class Outcome:
    """One file's run: planned, refused (with the message) or crashed, and each check's verdict."""

    file: str
    status: str
    message: str = ""
    roi: float | None = None
    period: str = ""
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "crashed" or any(verdict != "ok" and verdict != "-" for verdict in self.checks.values())


def report_files(folder: Path) -> list[Path]:
    """Every export under ``folder``, in path order (SOURCES.md and other notes left out)."""
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix.lower() in EXTENSIONS)


def check_file(path: Path, period_days: int) -> Outcome:
    """Plan one file with the one-liner and check the plan."""
    from optimizer.cli import build_parser, main
    from optimizer.cli.common import load
    from optimizer.decisions.plan import read_performance
    from optimizer.errors import BidoptError
    from optimizer.reading.report_file import read_report

    name = str(path)
    argv = ["plan", "--report", str(path), "--no-history", "--quiet"]
    try:
        stated = read_report(path).period
    except BidoptError:
        stated = None
    if stated is None or stated.days is None:
        argv += ["--period-days", str(period_days)]
    try:
        with tempfile.TemporaryDirectory() as folder:
            performance = read_performance(load(build_parser().parse_args(argv + ["--out", folder])))
    except BidoptError:
        performance = None
    frame = None if performance is None else performance.frame
    roi = None
    if performance is not None and performance.has_revenue and frame["spend"].sum() > 0:
        roi = float(frame["revenue"].sum() / frame["spend"].sum())
        argv += ["--min-roi", f"{roi:.4f}"]
    errors = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        try:
            with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
                code = main(argv + ["--out", folder])
        except Exception as error:   # a traceback is a finding, not the end of the table
            return Outcome(name, "crashed", f"{type(error).__name__}: {error}", roi)
        message = " ".join(line.removeprefix("error: ") for line in errors.getvalue().splitlines()
                           if line.startswith("error:"))
        if code != 0:
            return Outcome(name, "refused", message, roi)
        outcome = Outcome(name, "planned", roi=roi, period=f"{performance.history_days} d")
        outcome.checks = plan_checks(Path(folder), path, performance, roi)
    return outcome


def plan_checks(folder: Path, path: Path, performance, roi: float | None) -> dict[str, str]:
    """Each check's verdict on the plan written in ``folder``: "ok", "-" (not applicable) or what failed."""
    from optimizer.model.estimate import unit_keys

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    frame = performance.frame
    keys = unit_keys(performance.level)
    keyword_level = performance.level == "keyword"
    table = pd.read_csv(folder / ("bids.csv" if keyword_level else "plans.csv"), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    actions = table["action"] if keyword_level else _plan_actions(table)
    history = _history(frame, keys, table)
    checks = {"finite": _finite(summary)}
    weekly = float(frame["spend"].sum()) * 7.0 / performance.history_days
    before = float(summary["before"]["spend"])
    gap = before / weekly - 1.0 if weekly > 0 else math.inf
    checks["before"] = "ok" if abs(gap) <= BEFORE_TOLERANCE else f"{gap:+.0%}"
    if keyword_level:
        moved = table.assign(action=actions).groupby(keys)["action"].agg(set)
        both = int(moved.map(lambda found: {"raise", "cut"} <= found).sum())
        checks["raise+cut"] = "ok" if both == 0 else f"{both} keywords"
    else:
        checks["raise+cut"] = "-"
    orders_total = float(frame["orders"].sum()) if "orders" in frame else 0.0
    if orders_total > 0:
        cost_per_order = float(frame["spend"].sum()) / orders_total
        wasted = (history["spend"] >= 2 * cost_per_order) & (history["orders"] <= 0) & (actions == "raise")
        checks["waste up"] = _count(wasted, history, table, keys)
    else:
        checks["waste up"] = "-"
    if roi is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            unit_roi = history["revenue"] / history["spend"]
        winners = (history["orders"] >= 3) & (unit_roi >= 1.5 * roi) & (actions == "pause")
        checks["winner off"] = _count(winners, history, table, keys)
    else:
        checks["winner off"] = "-"
    checks["limits"] = _limits(table, summary, path) if keyword_level else "-"
    return checks


def _plan_actions(plans: pd.DataFrame) -> pd.Series:
    """A plan's move as a keyword's action: pause (no budget where it spends today), raise, cut or hold."""
    today, new = plans["current_spend"].astype(float), plans["new_budget"].astype(float)
    return pd.Series(np.select([(new <= 0) & (today > 0), new > today * (1 + PLAN_MOVE), new < today * (1 - PLAN_MOVE)],
                               ["pause", "raise", "cut"], "hold"), index=plans.index)


def _history(frame: pd.DataFrame, keys: list[str], table: pd.DataFrame) -> pd.DataFrame:
    """Each row of the plan's table with its unit's spend, orders and revenue over the whole file."""
    figures = [name for name in ("spend", "orders", "revenue") if name in frame]
    named = frame[keys].astype(object).where(frame[keys].notna(), "").astype(str)
    sums = frame[figures].groupby([named[key] for key in keys], sort=False).sum()
    index = pd.MultiIndex.from_frame(table[keys].astype(str)) if len(keys) > 1 else pd.Index(table[keys[0]])
    history = sums.reindex(index).reset_index(drop=True).fillna(0.0)
    for name in ("spend", "orders", "revenue"):
        if name not in history:
            history[name] = 0.0
    return history.set_axis(table.index)


def _count(flags: pd.Series, history: pd.DataFrame, table: pd.DataFrame, keys: list[str]) -> str:
    if not flags.any():
        return "ok"
    first = table.loc[flags].iloc[0]
    return f"{int(flags.sum())} ({first[keys[2] if len(keys) > 1 else keys[0]]})"


def _finite(summary) -> str:
    """ "ok", or how many numbers of summary.json are not finite and where the first is."""
    bad: list[str] = []

    def walk(value, where: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{where}.{key}")
        elif isinstance(value, list):
            for position, inner in enumerate(value):
                walk(inner, f"{where}[{position}]")
        elif isinstance(value, float) and not math.isfinite(value):
            bad.append(where)

    walk(summary, "")
    return "ok" if not bad else f"{len(bad)} ({bad[0]})"


def _limits(bids: pd.DataFrame, summary, path: Path) -> str:
    """ "ok", or how many new bids (of units not paused) fall outside the file's platform limits."""
    from optimizer.decisions.platform_limits import for_platform

    reading = summary.get("reading") or [{}]
    limits = for_platform(reading[0].get("platform", ""), currency=reading[0].get("currency") or None)
    if limits is None:
        return "-"
    low, high = limits.min_bid, limits.max_bid
    bid = bids["new_bid"].replace("", "nan").astype(float)
    outside = (bids["action"] != "pause") & ((bid < low - 1e-9) | (bid > high + 1e-9) | bid.isna())
    return "ok" if not outside.any() else f"{int(outside.sum())} outside {low:g}-{high:g}"


def table_text(outcomes: list[Outcome], base: Path) -> str:
    """The outcomes as an aligned text table, one row per file; refusals and crashes with their message below."""
    rows = [["file", "status", "ROI", "period", *CHECKS]]
    notes = []
    for outcome in outcomes:
        shown = _short(outcome.file, base)
        rows.append([shown, outcome.status, "-" if outcome.roi is None else f"{outcome.roi:.2f}",
                     outcome.period or "-", *(outcome.checks.get(name, "-") for name in CHECKS)])
        if outcome.message:
            notes.append(f"  {shown}: {outcome.message}")
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines + ([""] + notes if notes else []))


def _short(file: str, base: Path) -> str:
    path = Path(file)
    try:
        path = path.relative_to(base)
    except ValueError:
        pass
    text = str(path)
    return text if len(text) <= 60 else text[:28] + "…" + text[-31:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of real exports (searched recursively)")
    parser.add_argument("--period-days", type=int, default=30,
                        help="days given to files that state no period (default 30)")
    args = parser.parse_args(argv)
    files = report_files(args.dir)
    if not files:
        print(f"no exports under {args.dir}", file=sys.stderr)
        return 2
    outcomes = [check_file(path, args.period_days) for path in files]
    print(table_text(outcomes, args.dir))
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
