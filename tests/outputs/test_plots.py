"""Figures checked by content: axes, labels, number of points and bars; Chinese names as characters."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg

from optimizer.outputs import plots


def test_the_cjk_font_is_found_and_draws_chinese_without_missing_glyphs():
    assert plots.use_cjk_font() == "Noto Sans CJK SC"
    ax = plots.new_axes()
    ax.set_title("女装-连衣裙-主推")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        FigureCanvasAgg(ax.figure).draw()


def test_importing_the_figures_leaves_the_callers_backend_alone():
    code = "import matplotlib; matplotlib.use('svg'); import optimizer.outputs.plots; print(matplotlib.get_backend())"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "svg\n"


def test_frontier_has_its_points_and_markers():
    points = pd.DataFrame({"spend": [1.0, 2.0, 3.0], "objective": [5.0, 8.0, 9.0]})
    ax = plots.plot_frontier(points, objective="revenue", today={"spend": 2.5, "objective": 6.0},
                             chosen={"spend": 3.0, "objective": 9.0}, scenarios={"双11": {"spend": 4, "objective": 10}})
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [1.0, 2.0, 3.0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("spend over the period", "revenue")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["efficient frontier", "today", "plan", "双11"]


def test_plan_budgets_has_two_bars_per_plan():
    plans = pd.DataFrame({"plan": ["甲", "乙", "丙"], "current_spend": [3.0, 1.0, 2.0], "new_budget": [1.0, 4.0, 2.0]})
    ax = plots.plot_plan_budgets(plans)
    widths = [patch.get_width() for patch in ax.patches]
    assert len(widths) == 6
    assert sorted(widths[3:]) == [1.0, 2.0, 4.0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["甲", "丙", "乙"]


def test_keywords_are_bubbles_coloured_by_action():
    rng = np.random.default_rng(1)
    bids = pd.DataFrame({"ctr": rng.uniform(0, 0.1, 20), "cvr": rng.uniform(0, 0.1, 20),
                         "before_spend": rng.uniform(1, 100, 20),
                         "action": ["raise"] * 8 + ["cut"] * 7 + ["pause"] * 5})
    ax = plots.plot_keywords(bids)
    counts = [len(collection.get_offsets()) for collection in ax.collections]
    assert counts == [8, 7, 5]
    assert ax.get_xlabel() == "CTR (%)" and ax.get_ylabel() == "CVR (%)"


def test_scenarios_side_by_side():
    table = pd.DataFrame({"scenario": ["weekly", "double11"], "spend": [1.0, 2.0], "revenue": [3.0, 5.0]})
    ax = plots.plot_scenarios(table)
    assert [patch.get_height() for patch in ax.patches] == [1.0, 2.0, 3.0, 5.0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["weekly", "double11"]


def test_forecast_check_has_forecast_and_actual_bars_per_plan_and_total():
    def entry(forecast, actual):
        return {"forecast": {"revenue": forecast}, "actual": {"revenue": actual}}

    check = {"run": 3, "plans": [{"plan": "计划A", **entry(100.0, 80.0)}, {"plan": "计划B", **entry(50.0, 60.0)}],
             "total": entry(150.0, 140.0)}
    ax = plots.plot_forecast_check(check)
    widths = sorted(round(patch.get_width()) for patch in ax.patches)
    assert widths == [50, 60, 80, 100, 140, 150]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["计划A", "计划B", "total"]
    assert ax.get_title() == "Run 3: forecast vs actual"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["forecast", "actual"]


def _plans(count: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    today = rng.uniform(10, 1000, count)
    return pd.DataFrame({"plan": [f"计划{index:03d}" for index in range(count)], "current_spend": today,
                         "new_budget": today * rng.uniform(0.2, 2.0, count)})


def test_many_plans_show_the_largest_moves_and_one_others_bar_summing_the_rest():
    plans = _plans(40)
    ax = plots.plot_plan_budgets(plans, top=25)
    move = (plans["new_budget"] - plans["current_spend"]).abs()
    largest, rest = plans.loc[move.nlargest(25).index], plans.loc[move.nsmallest(15).index]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert len(ax.patches) == 2 * 26
    assert labels[0] == "others (15)" and set(labels[1:]) == set(largest["plan"])
    today, planned = ax.patches[0].get_width(), ax.patches[26].get_width()
    assert (today, planned) == pytest.approx((rest["current_spend"].sum(), rest["new_budget"].sum()))
    assert ax.get_title() == "Plan budgets before and after: the 25 largest moves of 40 plans"


def test_up_to_one_more_plan_than_the_top_every_plan_is_drawn_by_name():
    plans = _plans(26)
    ax = plots.plot_plan_budgets(plans, top=25)
    assert sorted(label.get_text() for label in ax.get_yticklabels()) == sorted(plans["plan"])
    assert ax.get_title() == "Plan budgets before and after"


def test_many_keywords_are_a_density_with_the_largest_changes_of_spend_marked():
    rng = np.random.default_rng(4)
    count = 6_000
    bids = pd.DataFrame({"ctr": rng.uniform(0, 0.1, count), "cvr": rng.uniform(0, 0.1, count),
                         "before_spend": rng.uniform(1, 100, count), "spend": rng.uniform(0, 150, count),
                         "action": rng.choice(["raise", "hold", "cut", "pause"], count)})
    ax = plots.plot_keywords(bids, max_points=5_000, movers=200)
    density, *bubbles = ax.collections
    assert density.get_array().sum() == count   # every keyword is in one hexagon
    marked = np.concatenate([bubble.get_offsets()[:, 0] for bubble in bubbles]) / 100
    largest = (bids["spend"] - bids["before_spend"]).abs().nlargest(200).index
    assert sorted(marked) == pytest.approx(sorted(bids.loc[largest, "ctr"]))
    counts = bids.loc[largest, "action"].value_counts()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["all 6,000 keywords (density)"] + [f"{action} ({counts[action]})" for action in
                                                        plots.ACTION_COLOURS if action in counts]
    assert ax.get_title().startswith("6,000 keywords (density") and (ax.get_xlabel(), ax.get_ylabel()) == (
        "CTR (%)", "CVR (%)")


def test_a_forecast_check_of_many_plans_shows_the_largest_misses_others_and_the_total():
    def entry(forecast, actual):
        return {"forecast": {"revenue": forecast}, "actual": {"revenue": actual}}

    plans = [{"plan": f"计划{index}", **entry(100.0, 100.0 + index)} for index in range(30)]
    check = {"run": 2, "plans": plans, "total": entry(3000.0, 3435.0)}
    ax = plots.plot_forecast_check(check, top=25)
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == [f"计划{index}" for index in range(29, 4, -1)] + ["others (5)", "total"]
    widths = [patch.get_width() for patch in ax.patches]
    assert (widths[25], widths[27 + 25]) == (500.0, 510.0)   # forecast and actual of the five smallest misses
    assert ax.get_title() == "Run 2: forecast vs actual (the 25 largest misses of 30 plans)"


def _texts(ax) -> list[str]:
    """Every word a figure shows: title, axis labels, tick labels, legend title and entries."""
    legend = ax.get_legend()
    shown = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    shown += [label.get_text() for label in ax.get_xticklabels() + ax.get_yticklabels()]
    if legend is not None:
        shown += [legend.get_title().get_text()] + [text.get_text() for text in legend.get_texts()]
    return [text for text in shown if text]


def test_figures_speak_chinese_inside_speaking_and_draw_every_glyph():
    plots.use_cjk_font()
    rng = np.random.default_rng(5)
    count = 6_000
    bids = pd.DataFrame({"ctr": rng.uniform(0, 0.1, count), "cvr": rng.uniform(0, 0.1, count),
                         "before_spend": rng.uniform(1, 100, count), "spend": rng.uniform(0, 150, count),
                         "action": rng.choice(["raise", "hold", "cut", "pause"], count)})
    check = {"run": 2, "total": {"forecast": {"revenue": 3000.0}, "actual": {"revenue": 3400.0}},
             "plans": [{"plan": f"计划{index}", "forecast": {"revenue": 100.0}, "actual": {"revenue": 100.0 + index}}
                       for index in range(30)]}
    points = pd.DataFrame({"spend": [1.0, 2.0, 3.0], "objective": [5.0, 8.0, 9.0]})
    with plots.speaking("zh-CN"):
        axes = [plots.plot_frontier(points, objective="revenue", today={"spend": 2.5, "objective": 6.0},
                                    chosen={"spend": 3.0, "objective": 9.0}, note="预算达到 3.00 起"),
                plots.plot_plan_budgets(_plans(40), top=25), plots.plot_keywords(bids, max_points=5_000),
                plots.plot_forecast_check(check, top=25),
                plots.plot_scenarios(pd.DataFrame({"scenario": ["双11"], "spend": [1.0], "revenue": [3.0]}))]
    texts = [text for ax in axes for text in _texts(ax)]
    assert {"每档预算能买到什么\n预算达到 3.00 起", "成交金额", "周期花费", "有效前沿", "当前", "方案", "其他（15）",
            "调价前后的计划预算：40 个计划中变动最大的 25 个", "点击率 (%)", "转化率 (%)", "气泡大小 = 当前花费",
            "合计", "预测", "实际", "方案对比", "花费"} <= set(texts)
    assert [text for text in texts if re.search(r"[A-Za-z]{3,}", text)] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font is a warning (and a box in the picture)
        for ax in axes:
            FigureCanvasAgg(ax.figure).draw()


def test_figures_speak_english_again_after_speaking():
    with plots.speaking("zh-CN"):
        pass
    ax = plots.plot_scenarios(pd.DataFrame({"scenario": ["a"], "spend": [1.0], "revenue": [3.0]}))
    assert ax.get_title() == "Scenarios side by side"


NAMES_WITH_DOLLARS = ["Promo $\\frac$ x", "Under $25 or $50", "a $^$ b", "\x9b31mred\x1b[0m", "plain"]


@pytest.mark.parametrize("draw", ["plan_budgets", "scenarios", "frontier", "forecast_check"])
def test_names_are_drawn_as_typed_never_as_formulas_or_control_characters(draw):
    shown = ["Promo $\\frac$ x", "Under $25 or $50", "a $^$ b", "31mred[0m", "plain"]
    rows = len(NAMES_WITH_DOLLARS)
    if draw == "plan_budgets":
        ax = plots.plot_plan_budgets(pd.DataFrame({"plan": NAMES_WITH_DOLLARS, "current_spend": [1.0] * rows,
                                                   "new_budget": np.arange(1.0, rows + 1)}))
    elif draw == "scenarios":
        ax = plots.plot_scenarios(pd.DataFrame({"scenario": NAMES_WITH_DOLLARS, "spend": [1.0] * rows,
                                                "revenue": [2.0] * rows}))
    elif draw == "frontier":
        ax = plots.plot_frontier(pd.DataFrame({"spend": [1.0, 2.0], "objective": [2.0, 3.0]}), objective="revenue",
                                 today={"spend": 1, "objective": 2}, chosen={"spend": 2, "objective": 3},
                                 scenarios={name: {"spend": 1.5, "objective": 2.5} for name in NAMES_WITH_DOLLARS})
    else:
        entries = [{"plan": name, "forecast": {"revenue": 1.0}, "actual": {"revenue": 1.0}} for name in NAMES_WITH_DOLLARS]
        ax = plots.plot_forecast_check({"run": 1, "plans": entries, "total": entries[0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no formula parsed (a ValueError for the first name), no glyph missing
        FigureCanvasAgg(ax.figure).draw()
    texts = {"plan_budgets": ax.get_yticklabels, "scenarios": ax.get_xticklabels,
             "forecast_check": ax.get_yticklabels, "frontier": lambda: ax.get_legend().get_texts()}[draw]()
    assert set(shown) <= {text.get_text().replace("\\$", "$") for text in texts}   # "\\$" is drawn as "$"
    assert not any(cbook.is_math_text(text.get_text()) for text in texts)   # none read as a formula
