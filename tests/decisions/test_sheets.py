"""bids.csv, plans.csv and summary.md: plan budgets and daily limits, the page for a person."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from optimizer.decisions.sheets import forecast_markdown, markdown, plan_table
from optimizer.decisions.summary import Kpis, ShadowPrices, Summary


def bids() -> pd.DataFrame:
    return pd.DataFrame({
        "plan": ["乙", "甲", "甲"], "keyword": ["a", "b", "c"], "spend": [70.0, 10.0, 20.001],
        "before_spend": [50.0, 20.0, 20.0], "clicks": [7.0, 1.0, 2.0], "orders": [1.0, 0.0, 1.0],
        "revenue": [210.0, 0.0, 90.0],
    })


def summary(**changes) -> Summary:
    fields = dict(
        status="optimal", solver="highs", level="plan", objective="revenue", objective_value=300.0, budget=100.0,
        budget_source="scenario", min_roi=2.0, period_days=7, history_days=14, reports=("r.csv",), units=3,
        before=Kpis.of({"impressions": 10, "clicks": 5, "spend": 90, "orders": 1, "revenue": 150}),
        after=Kpis.of({"impressions": 10, "clicks": 5, "spend": 100, "orders": 2, "revenue": 300}),
        shadow_prices=ShadowPrices(budget=1.5, min_roi=12.0, plans={}), binding=("budget",),
        actions={"raise": 1, "cut": 1, "hold": 1, "pause": 0}, elasticities={}, warnings=("check 计划甲",))
    return Summary(**{**fields, **changes})


def forecast_check() -> dict:
    figures = {"forecast": {"spend": 100.0, "clicks": 50.0, "orders": 4.0, "revenue": 300.0, "roi": 3.0},
               "actual": {"spend": 110.0, "clicks": 55.0, "orders": 3.0, "revenue": 240.0, "roi": 240 / 110},
               "error": {"spend": 0.1, "clicks": 0.1, "orders": -0.25, "revenue": -0.2, "roi": None},
               "forecast_as_applied": {"spend": 105.0, "revenue": 280.0, "roi": 280 / 105},
               "bids": {"applied": 3, "not_applied": 1, "not_reported": 0}}
    return {"run": 4, "run_created_at": "2026-11-15T08:00:00+00:00", "scenario": "weekly",
            "window": {"first": "2026-11-16", "last": "2026-11-18", "days": 3, "period_days": 7, "forecast_scale": 3 / 7},
            "bid_source": "reported bid", "total": figures, "plans": [{"plan": "甲", **figures}],
            "unmatched": {"units": 0, "spend": 0.0, "revenue": 0.0},
            "not_applied": [{"plan": "甲", "keyword": "连衣裙", "recommended_bid": 1.2, "previous_bid": 1.0,
                             "reported_bid": 1.0}]}


def test_plan_table_sums_keywords_and_rounds_the_daily_limit_up():
    table = plan_table(bids(), period_days=7)
    assert table["plan"].tolist() == ["乙", "甲"]
    assert table["current_spend"].tolist() == [50.0, 40.0]
    assert table["new_budget"].tolist() == [70.0, 30.0]
    # 30.001 / 7 = 4.28586: rounded up to the cent so the limit never stops the plan early
    assert table["daily_limit"].tolist() == [10.0, 4.29]
    assert table["roi"].tolist() == pytest.approx([3.0, 3.0], abs=1e-3)


def test_markdown_has_the_before_after_table_and_what_to_check():
    text = markdown(summary(), bids(), plan_table(bids(), 7))
    assert "| after (new bids) | 10 | 5 | 100.00 | 2.0 | 300.00 | 3.00 | 50.00% | 20.00 |" in text
    assert "One more unit of budget buys **1.50** more revenue." in text
    assert "Binding limits: budget." in text
    assert text.rstrip().endswith("- check 计划甲")
    assert "forecast vs actual" not in text


def test_markdown_in_chinese_speaks_the_operators_words_with_the_same_figures():
    english = markdown(summary(), bids(), plan_table(bids(), 7))
    text = markdown(summary(), bids(), plan_table(bids(), 7), "zh-CN")
    assert text.startswith("# 本周调价方案\n") and "状态：最优。" in text
    assert "| 调价后（新出价） | 10 | 5 | 100.00 | 2.0 | 300.00 | 3.00 | 50.00% | 20.00 |" in text
    assert "| 计划 | 当前花费 | 新预算 | 日限额 | 成交金额 | 投入产出比 |" in text
    assert "- 预算每多 1 元，多得 **1.50** 成交金额。" in text and "- 起作用的限制：总预算。" in text
    assert "## 上传前请检查" in text and text.rstrip().endswith("- check 计划甲")
    numbers = re.compile(r"\d[\d,]*\.\d\d%?")   # every figure: amounts, ratios, shares
    assert numbers.findall(text) == numbers.findall(english)


def test_markdown_ends_with_the_forecast_check_the_summary_carries():
    plain = markdown(summary(), bids(), plan_table(bids(), 7))
    text = markdown(summary(forecast_check=forecast_check()), bids(), plan_table(bids(), 7))
    assert text == plain + "\n" + forecast_markdown(forecast_check())


def test_forecast_markdown_in_chinese_has_the_same_figures():
    text = forecast_markdown(forecast_check(), "zh-CN")
    assert text.startswith("## 上次方案的预测与实际\n\n第 4 次运行（2026-11-15，weekly）预测了自 2026-11-16 起的 7 天；"
                           "报表覆盖 2026-11-16 至 2026-11-18，按报表覆盖的 3 天折算。")
    assert "| **合计** | 100.00 | 110.00 (+10%) | 50 | 55 | 4.0 | 3.0 | 300.00 | 240.00 (-20%) | 3.00 | 2.18 | 3/4 |" in text
    assert text.endswith("- 连衣裙（甲）：建议 1.20，报表中为 1.00\n")
    numbers = re.compile(r"\d[\d,]*\.\d\d%?|[+-]\d+%")
    assert numbers.findall(text) == numbers.findall(forecast_markdown(forecast_check()))


def test_forecast_markdown_gives_the_window_the_rows_and_the_bids_not_applied():
    text = forecast_markdown(forecast_check())
    assert text.startswith("## Last run's forecast vs actual\n\nRun 4 (2026-11-15, weekly) forecast 7 days from "
                           "2026-11-16; the reports cover 2026-11-16 to 2026-11-18, pro-rated to the 3 days reported.")
    assert "| **total** | 100.00 | 110.00 (+10%) | 50 | 55 | 4.0 | 3.0 | 300.00 | 240.00 (-20%) | 3.00 | 2.18 | 3/4 |" in text
    assert "revenue 280.00 (-14%), ROI 2.67." in text
    assert text.endswith("- 连衣裙 (甲): recommended 1.20, reported 1.00\n")
