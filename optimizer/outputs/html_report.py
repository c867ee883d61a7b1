"""report.html and its figures as PNG: the only module that renders plots to files' bytes.

The page is self-contained (images embedded as data URIs, no scripts, no network),
so it opens from a mail attachment. Contents are returned as bytes for
:func:`optimizer.outputs.files.write_all`, which puts them in place atomically.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Callable

import pandas as pd

from optimizer.outputs import plots
from optimizer.solver.frontier import Frontier

STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 1em 0; }
.note { color: #555; }
"""


def png(draw: Callable, size: tuple[float, float] = (9, 5)) -> bytes:
    """Render one figure drawn by ``draw(ax)`` to PNG bytes."""
    plots.use_cjk_font()
    ax = plots.new_axes(size)
    draw(ax)
    ax.figure.tight_layout()
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def _image(name: str, data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{html.escape(name)}" src="data:image/png;base64,{encoded}">'


def _table(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            text = formats[column].format(value) if column in formats and isinstance(value, (int, float)) else value
            cells.append(f"<td>{html.escape(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _page(title: str, sections: list[str]) -> bytes:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>" + "\n".join(sections) + "</body></html>\n").encode("utf-8")


def kpi_table(summary) -> pd.DataFrame:
    """Before and after, one row each, the figures operators read (a :class:`~optimizer.decisions.summary.Summary`)."""
    names = ["impressions", "clicks", "spend", "orders", "revenue", "roi", "ctr", "cpc"]
    rows = [{"": label, **{name: getattr(figures, name) for name in names}}
            for label, figures in ((f"before (the reports' average {summary.period_days} days)", summary.before),
                                   ("after (new bids)", summary.after))]
    return pd.DataFrame(rows)


KPI_FORMATS = {"impressions": "{:,.0f}", "clicks": "{:,.0f}", "spend": "{:,.2f}", "orders": "{:,.1f}",
               "revenue": "{:,.2f}", "roi": "{:.2f}", "ctr": "{:.2%}", "cpc": "{:.2f}"}


FORECAST_FORMATS = {f"{name} {kind}": fmt for name, fmt in (("spend", "{:,.2f}"), ("revenue", "{:,.2f}"), ("roi", "{:.2f}"))
                    for kind in ("forecast", "actual")}


def forecast_table(check: dict) -> pd.DataFrame:
    """Per plan and in total: spend, revenue and ROI forecast and actual, and the bids applied."""
    rows = [(entry["plan"], entry) for entry in check["plans"]] + [("total", check["total"])]
    return pd.DataFrame([
        {"plan": name, **{f"{metric} {kind}": entry[kind][metric] for metric in ("spend", "revenue", "roi")
                          for kind in ("forecast", "actual")},
         "bids applied": f"{entry['bids']['applied']}/{entry['bids']['applied'] + entry['bids']['not_applied']}"}
        for name, entry in rows])


PLAN_FORMATS = {"current_spend": "{:,.2f}", "new_budget": "{:,.2f}", "daily_limit": "{:,.2f}", "revenue": "{:,.2f}",
                "roi": "{:.2f}"}


def plans_table(plans: pd.DataFrame) -> list[str]:
    """The plans of the budgets chart: every plan, or past :data:`plots.TOP_PLANS` the largest moves and others."""
    columns = ["current_spend", "new_budget", "daily_limit", "revenue"]
    shown = plots.top_and_others(plans[["plan", *columns, "roi"]], "plan", columns,
                                 plans["new_budget"] - plans["current_spend"])
    if len(shown) == len(plans):
        return [_table(shown, PLAN_FORMATS)]
    others = shown.index[-1]
    shown.loc[others, "roi"] = shown.loc[others, "revenue"] / shown.loc[others, "new_budget"] \
        if shown.loc[others, "new_budget"] > 0 else 0.0
    return [_table(shown, PLAN_FORMATS),
            f"<p class=\"note\">The {plots.TOP_PLANS} largest moves of {len(plans):,} plans; every plan is in "
            "plans.csv.</p>"]


def plan_report(result, front: Frontier) -> dict[str, bytes]:
    """report.html and frontier.png, plan_budgets.png (and keywords.png) for one plan."""
    figures = {
        "frontier.png": png(lambda ax: plots.plot_frontier(front.points, objective=front.objective, today=front.today,
                                                            chosen=front.chosen, note=front.note, ax=ax)),
        "plan_budgets.png": png(lambda ax: plots.plot_plan_budgets(result.plans, ax=ax),
                                size=(9, 1.5 + 0.4 * min(len(result.plans), plots.TOP_PLANS + 1))),
    }
    if result.estimates.level == "keyword":
        figures["keywords.png"] = png(lambda ax: plots.plot_keywords(result.bids, ax=ax))
    summary = result.summary
    objective = html.escape(summary.objective)
    sections = [
        f"<p>Objective <b>{objective}</b> over {summary.period_days} days, budget "
        f"{summary.budget:,.2f}" + (f", ROI floor {summary.min_roi:g}" if summary.min_roi else "") + ".</p>",
        "<h2>Before and after</h2>", _table(kpi_table(summary), KPI_FORMATS),
        f"<p>One more unit of budget buys {summary.shadow_prices.budget:.2f} {objective}; "
        f"+0.1 of ROI floor costs {summary.shadow_prices.min_roi:,.2f}. Binding: "
        f"{html.escape(', '.join(summary.binding) or 'none')}.</p>",
        "<h2>What each budget buys</h2>", _image("frontier", figures["frontier.png"]),
        f"<p class=\"note\">{html.escape(front.note)}</p>" if front.note else "",
        "<h2>Where the money moves</h2>", _image("plan budgets", figures["plan_budgets.png"]),
        *plans_table(result.plans),
    ]
    if held := summary.min_roi_confidence:
        sections.append(f"<p>The ROI floors hold with {held.confidence:.0%} confidence (ROI {held.roi_at_lower_bound:.2f} "
                        f"at the lower bound of value per click); the margin costs {held.cost:,.2f} "
                        f"{objective} ({held.cost_share:.1%}).</p>")
    if check := summary.forecast_check:   # the run history's check of the last run (optimizer.history.forecast_check)
        figures["forecast_check.png"] = png(lambda ax: plots.plot_forecast_check(check, ax=ax),
                                            size=(9, 1.5 + 0.4 * (min(len(check["plans"]), plots.TOP_PLANS + 1) + 1)))
        sections += [f"<h2>Last run's forecast vs actual (run {check['run']})</h2>",
                     _image("forecast vs actual", figures["forecast_check.png"]),
                     _table(forecast_table(check), FORECAST_FORMATS)]
    if "keywords.png" in figures:
        bids = result.bids
        top = lambda frame: frame[["keyword", "plan", "current_bid", "new_bid", "reason"]]  # noqa: E731
        sections += [
            "<h2>Keywords</h2>", _image("keywords", figures["keywords.png"]),
            "<h3>Largest raises</h3>", _table(top(bids[bids["action"] == "raise"].nlargest(10, "change_pct")),
                                              {"current_bid": "{:.2f}", "new_bid": "{:.2f}"}),
            "<h3>Largest cuts</h3>", _table(top(bids[bids["action"].isin(["cut", "pause"])].nsmallest(10, "change_pct")),
                                            {"current_bid": "{:.2f}", "new_bid": "{:.2f}"}),
        ]
    if summary.warnings:
        sections += ["<h2>Check before uploading</h2><ul>"
                     + "".join(f"<li>{html.escape(w)}</li>" for w in summary.warnings) + "</ul>"]
    return {"report.html": _page(f"bidopt plan — {result.scenario.name}", sections), **figures}


def compare_report(table: pd.DataFrame, plan_budgets: pd.DataFrame, front: Frontier,
                   points: dict[str, dict]) -> dict[str, bytes]:
    """report.html and figures for a comparison of scenarios."""
    figures = {
        "frontier.png": png(lambda ax: plots.plot_frontier(front.points, objective=front.objective, today=front.today,
                                                            chosen=front.chosen, scenarios=points, note=front.note,
                                                            ax=ax)),
        "scenarios.png": png(lambda ax: plots.plot_scenarios(table, ax=ax)),
    }
    formats = {column: "{:,.2f}" for column in table.columns if column != "scenario"}
    sections = [
        "<h2>Scenarios side by side</h2>", _table(table, formats), _image("scenarios", figures["scenarios.png"]),
        "<h2>Plan budgets in each scenario</h2>",
        _table(plan_budgets, {column: "{:,.2f}" for column in plan_budgets.columns if column != "plan"}),
        "<h2>What each budget buys (first scenario)</h2>", _image("frontier", figures["frontier.png"]),
    ]
    return {"report.html": _page("bidopt compare", sections), **figures}
