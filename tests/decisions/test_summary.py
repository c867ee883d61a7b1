"""The typed summary: its figures, the JSON it writes, and what later stages add to it."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from optimizer.decisions import summary
from optimizer.decisions.plan import make_plan
from optimizer.decisions.summary import Kpis, Summary
from optimizer.scenario.scenario_file import load_scenario
from tests.paths import SCENARIOS

#: summary.json's keys, in the order written, for every run (min_roi_confidence, defaults, checks and forecast_check only
#: when set).
KEYS = ["reading", "status", "solver", "level", "objective", "objective_value", "budget", "budget_source", "min_roi",
        "period_days", "history_days", "reports", "units", "before", "pace", "after", "shadow_prices", "binding", "actions",
        "elasticities", "warnings", "marginal_cutoff"]


@pytest.fixture(scope="module")
def held():
    """sure_roi.toml: plan budgets and ROI floors held at a confidence, so every optional part is present."""
    return make_plan(load_scenario(SCENARIOS / "sure_roi.toml"))


def _as_written(value):
    """A JSON value as json_bytes writes it: floats to six decimals, tuples as lists."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_written(item) for item in value]
    return value


def test_kpis_are_the_ratios_operators_read():
    figures = Kpis.of({"impressions": 1000, "clicks": 50, "spend": 100.0, "orders": 5, "revenue": 400.0})
    assert (figures.roi, figures.ctr, figures.cpc) == (4.0, 0.05, 2.0)
    assert Kpis.of({"impressions": 0, "clicks": 0, "spend": 0, "orders": 0, "revenue": 0}).roi == 0.0
    assert list(figures.to_json()) == ["impressions", "clicks", "spend", "orders", "revenue", "roi", "ctr", "cpc"]


def test_to_json_is_the_written_summary_json(held):
    written = json.loads(held.files()["summary.json"])
    data = held.summary.to_json()
    assert list(data) == KEYS + ["min_roi_confidence", "defaults", "checks"]
    assert written == _as_written(data)
    assert list(data["shadow_prices"]) == ["budget", "min_roi", "plans"]
    assert list(data["elasticities"]) == ["clicks", "cpc"] and list(data["elasticities"]["cpc"]) == ["value", "source"]
    assert list(data["min_roi_confidence"]) == ["confidence", "objective_without_margin", "cost", "cost_share",
                                                "roi_at_lower_bound"]


def test_figures_are_attributes(held):
    summary, data = held.summary, held.summary.to_json()
    assert isinstance(summary, Summary) and summary.status == "optimal"
    assert summary.after.spend == data["after"]["spend"] == pytest.approx(held.bids["spend"].sum())
    assert summary.before.roi == data["before"]["roi"]
    assert summary.shadow_prices.plans == data["shadow_prices"]["plans"]
    assert summary.min_roi_confidence.confidence == 0.8 == data["min_roi_confidence"]["confidence"]
    assert summary.elasticities["clicks"].source == data["elasticities"]["clicks"]["source"]
    assert sum(summary.actions.values()) == summary.units == len(held.bids)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'warnings'"):
        summary.warnings = ()


def test_with_warnings_adds_after_its_own_and_leaves_the_summary_as_it_was(held):
    summary = dataclasses.replace(held.summary, warnings=("from the reports",))
    added = summary.with_warnings(["from the upload"])
    assert added.warnings == ("from the reports", "from the upload")
    assert summary.warnings == ("from the reports",)
    assert added.to_json()["warnings"] == ["from the reports", "from the upload"]
    assert dataclasses.replace(added, warnings=summary.warnings) == summary


def test_the_forecast_check_is_written_last_only_when_there_is_one(held):
    check = {"run": 1, "window": {"first": "2026-11-16"}}
    checked = held.summary.with_forecast_check(check)
    assert held.summary.forecast_check is None and "forecast_check" not in held.summary.to_json()
    assert list(checked.to_json())[-1] == "forecast_check" and checked.to_json()["forecast_check"] == check


def test_a_plans_spend_is_the_sum_of_its_rows_to_the_last_bit_for_every_plan_from_one_sort():
    rng = np.random.default_rng(12)
    count, plans = 100_000, 300
    names = np.array([f"计划{index}" for index in range(plans)])
    bids = pd.DataFrame({"plan": pd.Categorical(names[rng.integers(0, plans, count)]),
                         "spend": np.where(rng.random(count) < 0.01, np.nan, rng.lognormal(2.0, 1.5, count))})
    spend_of = summary.spend_by_plan(bids)
    for name in names[:: 7]:
        assert spend_of(name) == float(bids.loc[bids["plan"] == name, "spend"].sum())
    assert spend_of("no such plan") == 0.0
