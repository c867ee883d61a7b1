"""Scenarios side by side; reports read and estimated once for scenarios that share them."""

from __future__ import annotations

import pytest

from optimizer.decisions.compare import compare, files, markdown
from optimizer.model.margin import roi_error
from optimizer.progress import Progress
from optimizer.scenario.scenario_file import load_scenario, scenario_from_reports
from tests.paths import SAMPLE, SCENARIOS


@pytest.fixture(scope="module")
def comparison():
    names = ["weekly", "budget_cut", "higher_roi", "double11"]
    return compare([load_scenario(SCENARIOS / f"{name}.toml") for name in names])


def test_shared_reports_are_read_and_estimated_once(comparison):
    assert comparison.preparations == 1
    assert len(comparison.results) == 4


def test_the_table_has_every_scenario_and_its_figures(comparison):
    table = comparison.table.set_index("scenario")
    assert list(table.index) == ["weekly", "budget_cut", "higher_roi", "double11"]
    assert table.loc["budget_cut", "spend"] == pytest.approx(21920, rel=1e-6)
    higher = comparison.results[2]   # its floor 3.0 is planned above itself by what the history knows of the ROI
    margin = roi_error(higher.performance.frame, higher.performance.last_date).margin()
    assert table.loc["higher_roi", "roi"] == pytest.approx(3.0 * (1 + margin), rel=1e-6) and margin > 0
    # a higher floor or a smaller budget never buys more than the weekly plan
    assert table.loc["higher_roi", "revenue"] < table.loc["weekly", "revenue"]
    assert table.loc["budget_cut", "revenue"] < table.loc["weekly", "revenue"]


def test_plan_budgets_move_between_scenarios(comparison):
    budgets = comparison.plan_budgets.set_index("plan")
    assert list(budgets.columns) == ["weekly", "budget_cut", "higher_roi", "double11"]
    assert budgets["budget_cut"].sum() == pytest.approx(21920, rel=1e-6)
    assert budgets.loc["防晒霜-引流", "weekly"] <= 3000 + 1e-6


def test_files_and_markdown(comparison):
    written = files(comparison)
    assert set(written) == {"compare.csv", "compare.md", "plan_budgets.csv"}
    assert written["compare.csv"].decode("utf-8-sig").splitlines()[0] == (
        "scenario,objective,budget,min_roi,spend,clicks,ctr,cpc,orders,revenue,roi,objective_value")
    assert "| double11 | revenue | 55,000.00 | 2 |" in markdown(comparison)


def test_a_bulk_file_gives_every_scenario_today_s_bids_and_budgets(tmp_path):
    from dataclasses import replace

    from optimizer.platforms.amazon_bulk import read_bulk
    from optimizer.scenario.scenario_file import scenario_from_reports
    from tests.bulk_fixture import bulk_from_reports
    from tests.platforms.test_amazon_bulk import CAMPAIGNS, TARGETING, real

    bulk = read_bulk(bulk_from_reports(tmp_path / "bulk.xlsx", real(TARGETING), real(CAMPAIGNS)))
    base = replace(scenario_from_reports([real(TARGETING)]), path=tmp_path / "base.toml")
    tighter = replace(base, path=tmp_path / "tighter.toml", goal=replace(base.goal, min_roi=2.0))
    comparison = compare([base, tighter], bids_today=bulk.bids_today)
    assert comparison.preparations == 1
    for result in comparison.results:
        assert not result.estimates.bid_inferred
        assert result.estimates.units["current_daily_budget"].notna().all()


def test_a_scenario_called_plan_does_not_clash_with_the_plan_column():
    from optimizer.scenario.scenario_file import scenario_from_reports

    flags_only = scenario_from_reports([SCENARIOS / "data" / "ztc_keywords.csv"])   # named "plan", like a run from flags
    assert flags_only.name == "plan"
    comparison = compare([flags_only, flags_only.with_overrides(budget=20000.0)])
    assert list(comparison.plan_budgets.columns) == ["plan", "plan-2", "plan-3"]
    assert list(comparison.table["scenario"]) == ["plan-2", "plan-3"]


def test_progress_hears_one_reading_and_each_scenarios_plan():
    heard = []

    class Heard(Progress):
        def phase(self, name: str, total: int | None = None) -> None:
            heard.append(name)

    flags_only = scenario_from_reports([SAMPLE])
    compare([flags_only, flags_only.with_overrides(budget=20000.0)], progress=Heard())
    assert heard == ["read and validate", "estimate", "build", "solve", "explain", "build", "solve", "explain"]


def test_a_comparison_asked_for_its_frontier_grid_draws_it_without_sorting_again(comparison, monkeypatch):
    from optimizer.decisions.plan import plan_frontier
    from optimizer.solver import structured

    asked = compare([load_scenario(SCENARIOS / "weekly.toml")], frontier_grid=(0.25, 2.0, 9))
    again = plan_frontier(comparison.results[0], count=9).points

    def built_again(*args):
        raise RuntimeError("the hull was built again")

    monkeypatch.setattr(structured, "build_path", built_again)
    assert plan_frontier(asked.results[0], count=9).points.equals(again)
    with pytest.raises(RuntimeError, match="the hull was built again"):   # without the grid: sorted again
        plan_frontier(comparison.results[0], count=9)
