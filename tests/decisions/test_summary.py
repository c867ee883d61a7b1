"""Summary figures and tables: KPIs, plan budgets and daily limits, the page for a person."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.decisions.summary import kpis, markdown, plan_table


def test_kpis_are_the_ratios_operators_read():
    figures = kpis({"impressions": 1000, "clicks": 50, "spend": 100.0, "orders": 5, "revenue": 400.0})
    assert (figures["roi"], figures["ctr"], figures["cpc"]) == (4.0, 0.05, 2.0)
    assert kpis({"impressions": 0, "clicks": 0, "spend": 0, "orders": 0, "revenue": 0})["roi"] == 0.0


def bids() -> pd.DataFrame:
    return pd.DataFrame({
        "plan": ["乙", "甲", "甲"], "keyword": ["a", "b", "c"], "spend": [70.0, 10.0, 20.001],
        "before_spend": [50.0, 20.0, 20.0], "clicks": [7.0, 1.0, 2.0], "orders": [1.0, 0.0, 1.0],
        "revenue": [210.0, 0.0, 90.0],
    })


def test_plan_table_sums_keywords_and_rounds_the_daily_limit_up():
    table = plan_table(bids(), period_days=7)
    assert table["plan"].tolist() == ["乙", "甲"]
    assert table["current_spend"].tolist() == [50.0, 40.0]
    assert table["new_budget"].tolist() == [70.0, 30.0]
    # 30.001 / 7 = 4.28586: rounded up to the cent so the limit never stops the plan early
    assert table["daily_limit"].tolist() == [10.0, 4.29]
    assert table["roi"].tolist() == pytest.approx([3.0, 3.0], abs=1e-3)


def test_markdown_has_the_before_after_table_and_what_to_check():
    summary = {
        "objective": "revenue", "period_days": 7, "budget": 100.0, "min_roi": 2.0, "status": "optimal",
        "level": "plan", "before": kpis({"impressions": 10, "clicks": 5, "spend": 90, "orders": 1, "revenue": 150}),
        "after": kpis({"impressions": 10, "clicks": 5, "spend": 100, "orders": 2, "revenue": 300}),
        "shadow_prices": {"budget": 1.5, "min_roi": 12.0}, "binding": ["budget"], "warnings": ["check 计划甲"],
    }
    text = markdown(summary, bids(), plan_table(bids(), 7))
    assert "| after (new bids) | 10 | 5 | 100.00 | 2.0 | 300.00 | 3.00 | 50.00% | 20.00 |" in text
    assert "One more unit of budget buys **1.50** more revenue." in text
    assert "Binding limits: budget." in text
    assert text.rstrip().endswith("- check 计划甲")
