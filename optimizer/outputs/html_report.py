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

from optimizer.i18n import Translator, translator
from optimizer.outputs import fonts, plots
from optimizer.solver.frontier import Frontier

ENGLISH = translator("en")
STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 1em 0; }
.note { color: #555; }
"""


def png(draw: Callable, size: tuple[float, float] = (9, 5), lang: str = "en") -> bytes:
    """Render one figure drawn by ``draw(ax)`` to PNG bytes, its words in ``lang``."""
    plots.use_cjk_font()
    ax = plots.new_axes(size)
    with plots.speaking(lang):
        draw(ax)
    ax.figure.tight_layout()
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def _image(name: str, data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{html.escape(name)}" src="data:image/png;base64,{encoded}">'


def _table(frame: pd.DataFrame, formats: dict[str, str] | None = None, t: Translator = ENGLISH) -> str:
    formats = formats or {}
    head = "".join(f"<th>{html.escape(t.pick('column', str(column)))}</th>" for column in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            text = formats[column].format(value) if column in formats and isinstance(value, (int, float)) else value
            cells.append(f"<td>{html.escape(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _page(title: str, sections: list[str]) -> bytes:
    body = f"<h1>{html.escape(title)}</h1>" + "\n".join(sections)
    style = fonts.font_face(title + body) + STYLE   # the glyphs of its Chinese text, for machines without a CJK font
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{style}</style></head><body>"
            + body + "</body></html>\n").encode("utf-8")


def kpi_table(summary, t: Translator = ENGLISH) -> pd.DataFrame:
    """Before and after, one row each, the figures operators read (a :class:`~optimizer.decisions.summary.Summary`)."""
    names = ["impressions", "clicks", "spend", "orders", "revenue", "roi", "ctr", "cpc"]
    rows = [{"": label, **{name: getattr(figures, name) for name in names}}
            for label, figures in ((t("kpi.before", days=summary.period_days), summary.before),
                                   (t("kpi.after"), summary.after))]
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


def plans_table(plans: pd.DataFrame, t: Translator = ENGLISH) -> list[str]:
    """The plans of the budgets chart: every plan, or past :data:`plots.TOP_PLANS` the largest moves and others."""
    columns = ["current_spend", "new_budget", "daily_limit", "revenue"]
    with plots.speaking(t.lang):
        shown = plots.top_and_others(plans[["plan", *columns, "roi"]], "plan", columns,
                                     plans["new_budget"] - plans["current_spend"])
    if len(shown) == len(plans):
        return [_table(shown, PLAN_FORMATS, t)]
    others = shown.index[-1]
    shown.loc[others, "roi"] = shown.loc[others, "revenue"] / shown.loc[others, "new_budget"] \
        if shown.loc[others, "new_budget"] > 0 else 0.0
    return [_table(shown, PLAN_FORMATS, t),
            f"<p class=\"note\">{t('report.top_plans', top=plots.TOP_PLANS, count=f'{len(plans):,}')}</p>"]


def plan_report(result, front: Frontier) -> dict[str, bytes]:
    """report.html and frontier.png, plan_budgets.png (and keywords.png) for one plan."""
    figures = {
        "frontier.png": png(lambda ax: plots.plot_frontier(front.points, objective=front.objective, today=front.today,
                                                            chosen=front.chosen, note=front.note, ax=ax),
                            lang=result.lang),
        "plan_budgets.png": png(lambda ax: plots.plot_plan_budgets(result.plans, ax=ax),
                                size=(9, 1.5 + 0.4 * min(len(result.plans), plots.TOP_PLANS + 1)), lang=result.lang),
    }
    if result.estimates.level == "keyword":
        figures["keywords.png"] = png(lambda ax: plots.plot_keywords(result.bids, ax=ax), lang=result.lang)
    summary, t = result.summary, translator(result.lang)
    objective = html.escape(t.pick("objective", summary.objective))
    floor = t("report.floor", floor=f"{summary.min_roi:g}") if summary.min_roi else ""
    binding = html.escape(", ".join(map(t.limit, summary.binding)) or t("report.none"))
    sections = [
        "<p>" + t("report.objective", objective=objective, days=summary.period_days, budget=f"{summary.budget:,.2f}",
                  floor=floor) + "</p>",
        f"<h2>{t('report.before_after')}</h2>", _table(kpi_table(summary, t), KPI_FORMATS, t),
        "<p>" + t("report.shadow_prices", budget_price=f"{summary.shadow_prices.budget:.2f}", objective=objective,
                  roi_price=f"{summary.shadow_prices.min_roi:,.2f}", binding=binding) + "</p>",
        f"<h2>{t('report.frontier')}</h2>", _image("frontier", figures["frontier.png"]),
        f"<p class=\"note\">{html.escape(t.say(front.note))}</p>" if front.note else "",
        f"<h2>{t('report.money_moves')}</h2>", _image("plan budgets", figures["plan_budgets.png"]),
        *plans_table(result.plans, t),
    ]
    if held := summary.min_roi_confidence:
        sections.append("<p>" + t("report.held_floors", confidence=f"{held.confidence:.0%}", objective=objective,
                                  roi=f"{held.roi_at_lower_bound:.2f}", cost=f"{held.cost:,.2f}",
                                  share=f"{held.cost_share:.1%}") + "</p>")
    if learned := summary.feedback:   # what the last runs' forecasts taught the plan to aim at
        sections.append(f"<p>{html.escape(t.say(learned['note']))}</p>")
    if check := summary.forecast_check:   # the run history's check of the last run (optimizer.history.forecast_check)
        figures["forecast_check.png"] = png(lambda ax: plots.plot_forecast_check(check, ax=ax),
                                            size=(9, 1.5 + 0.4 * (min(len(check["plans"]), plots.TOP_PLANS + 1) + 1)),
                                            lang=result.lang)
        sections += [f"<h2>{t('report.forecast_check', run=check['run'])}</h2>",
                     _image("forecast vs actual", figures["forecast_check.png"]),
                     _table(forecast_table(check), FORECAST_FORMATS, t)]
    if "keywords.png" in figures:
        bids = result.bids
        top = lambda frame: frame[["keyword", "plan", "current_bid", "new_bid", "reason"]]  # noqa: E731
        sections += [
            f"<h2>{t('report.keywords')}</h2>", _image("keywords", figures["keywords.png"]),
            f"<h3>{t('report.largest_raises')}</h3>",
            _table(top(bids[bids["action"] == "raise"].nlargest(10, "change_pct")),
                   {"current_bid": "{:.2f}", "new_bid": "{:.2f}"}, t),
            f"<h3>{t('report.largest_cuts')}</h3>",
            _table(top(bids[bids["action"].isin(["cut", "pause"])].nsmallest(10, "change_pct")),
                   {"current_bid": "{:.2f}", "new_bid": "{:.2f}"}, t),
        ]
    if summary.warnings:
        sections += [f"<h2>{t('report.check')}</h2><ul>"
                     + "".join(f"<li>{html.escape(t.say(w))}</li>" for w in summary.warnings) + "</ul>"]
    return {"report.html": _page(t("report.title.plan", name=result.scenario.name), sections), **figures}


def compare_report(table: pd.DataFrame, plan_budgets: pd.DataFrame, front: Frontier,
                   points: dict[str, dict], lang: str = "en") -> dict[str, bytes]:
    """report.html and figures for a comparison of scenarios, in ``lang``."""
    t = translator(lang)
    figures = {
        "frontier.png": png(lambda ax: plots.plot_frontier(front.points, objective=front.objective, today=front.today,
                                                            chosen=front.chosen, scenarios=points, note=front.note,
                                                            ax=ax), lang=lang),
        "scenarios.png": png(lambda ax: plots.plot_scenarios(table, ax=ax), lang=lang),
    }
    formats = {column: "{:,.2f}" for column in table.columns if column != "scenario"}
    sections = [
        f"<h2>{t('report.scenarios')}</h2>",
        _table(table.assign(objective=[t.pick("objective", name) for name in table["objective"]]), formats, t),
        _image("scenarios", figures["scenarios.png"]),
        f"<h2>{t('report.scenario_budgets')}</h2>",
        _table(plan_budgets, {column: "{:,.2f}" for column in plan_budgets.columns if column != "plan"}, t),
        f"<h2>{t('report.frontier_first')}</h2>", _image("frontier", figures["frontier.png"]),
    ]
    return {"report.html": _page(t("report.title.compare"), sections), **figures}
