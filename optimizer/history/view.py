"""The run history as text for a terminal: ``bidopt history`` and ``bidopt history show RUN``."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import pandas as pd

from optimizer.history.store import HistoryStore
from optimizer.outputs.safe_text import terminal

#: Largest raises and largest cuts shown by ``history show``.
SHOWN_CHANGES = 5


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Plain aligned columns: text left, figures right, two spaces apart; cells without control characters."""
    header, rows = [terminal(name) for name in header], [[terminal(cell) for cell in row] for row in rows]
    widths = [max([_width(name)] + [_width(row[index]) for row in rows]) for index, name in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        pads = [" " * (width - _width(cell)) for cell, width in zip(cells, widths)]
        return "  ".join(pad + cell if align else cell + pad
                         for cell, pad, align in zip(cells, pads, right)).rstrip()

    return [line(header)] + [line(row) for row in rows]


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _money(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:,.2f}"


def _ratio(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.2f}"


def _moved(before, after, form=_money) -> str:
    return f"{form(before)} -> {form(after)}"


def runs_text(runs: pd.DataFrame, location: str) -> str:
    """One line per run, newest first."""
    if runs.empty:
        return f"no runs yet in {location}\n"
    rows = [
        [str(row.id), pd.Timestamp(row.created_at).strftime("%Y-%m-%d %H:%M"), row.scenario_name,
         _money(row.budget), "-" if pd.isna(row.min_roi) or not row.min_roi else f"{row.min_roi:g}", row.status,
         _moved(row.before_spend, row.after_spend), _moved(row.before_revenue, row.after_revenue),
         _moved(row.before_roi, row.after_roi, _ratio)]
        for row in runs.itertuples(index=False)
    ]
    header = ["run", "time (UTC)", "scenario", "budget", "min ROI", "status", "spend", "revenue", "ROI"]
    lines = table(header, rows, right=[True, False, False, True, True, False, True, True, True])
    return f"runs in {location} (newest first):\n" + "\n".join(lines) + "\n"


def run_text(store: HistoryStore, run_id: int) -> str:
    """One run: settings, inputs, before and after, plans, the largest changes and its forecast check."""
    run = store.run(run_id)
    summary = run.summary
    window = f"{run.first_date} to {run.last_date}" if run.last_date else "undated reports"
    floor = f"ROI floor {run.min_roi:g}" if run.min_roi else "no ROI floor"
    lines = [
        f"run {run.id}, {run.created_at:%Y-%m-%d %H:%M} UTC, scenario {run.scenario_name}",
        f"data {window}; objective {run.objective} over {run.period_days} days; budget {_money(run.budget)}; "
        f"{floor}; status {run.status}",
        "",
        "inputs:",
    ]
    files = store.input_files(run.id)
    lines += ["  " + line for line in table(
        ["file", "bytes", "sha256"],
        [[row.name, f"{row.size:,}", row.sha256[:16]] for row in files.itertuples(index=False)],
        right=[False, True, False])]
    before, after = summary["before"], summary["after"]
    lines += ["", "forecast at today's bids -> at the new bids:"]
    lines += ["  " + line for line in table(
        ["", "spend", "clicks", "orders", "revenue", "ROI"],
        [["before", _money(before["spend"]), f"{before['clicks']:,.0f}", f"{before['orders']:,.1f}",
          _money(before["revenue"]), _ratio(before["roi"])],
         ["after", _money(after["spend"]), f"{after['clicks']:,.0f}", f"{after['orders']:,.1f}",
          _money(after["revenue"]), _ratio(after["roi"])]],
        right=[False, True, True, True, True, True])]
    lines.append(f"binding limits: {', '.join(summary.get('binding', [])) or 'none'}")
    plans = store.plan_budgets(run.id)
    lines += ["", "plans:"]
    lines += ["  " + line for line in table(
        ["plan", "current spend", "new budget", "daily limit", "revenue", "ROI"],
        [[row.plan, _money(row.current_spend), _money(row.new_budget), _money(row.daily_limit), _money(row.revenue),
          _ratio(row.roi)] for row in plans.itertuples(index=False)],
        right=[False, True, True, True, True, True])]
    lines += _changes(store.recommendations(run.id))
    check = summary.get("forecast_check")
    if check:
        total = check["total"]
        lines += ["", f"forecast check of run {check['run']} ({check['window']['first']} to {check['window']['last']}): "
                      f"revenue {_money(total['forecast']['revenue'])} forecast, {_money(total['actual']['revenue'])} "
                      f"actual; ROI {_ratio(total['forecast']['roi'])} forecast, {_ratio(total['actual']['roi'])} actual; "
                      f"{total['bids']['applied']} bids applied, {total['bids']['not_applied']} not"]
    if summary.get("warnings"):
        lines += ["", "warnings:"] + [f"  - {warning}" for warning in summary["warnings"]]
    return "\n".join(lines) + "\n"


def _changes(recommended: pd.DataFrame) -> list[str]:
    if "keyword" not in recommended or recommended["keyword"].isna().all() or "change_pct" not in recommended:
        return []
    raises = recommended[recommended["action"] == "raise"].nlargest(SHOWN_CHANGES, "change_pct")
    cuts = recommended[recommended["action"].isin(["cut", "pause"])].nsmallest(SHOWN_CHANGES, "change_pct")
    chosen = pd.concat([raises, cuts])
    if chosen.empty:
        return ["", "no bid changes"]
    counts = recommended["action"].value_counts()
    lines = ["", "largest changes (" + ", ".join(f"{int(count)} {action}" for action, count in counts.items()) + "):"]
    lines += ["  " + line for line in table(
        ["plan", "keyword", "match", "bid", "change", "reason"],
        [[row.plan, row.keyword, row.match_type or "", _moved(row.current_bid, row.new_bid, _ratio),
          f"{row.change_pct:+.1f}%", row.reason or ""] for row in chosen.itertuples(index=False)],
        right=[False, False, False, True, True, False])]
    return lines
