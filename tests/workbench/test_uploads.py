"""Uploads: the browser's name is shown, never a path; the goal form applied as bidopt plan's flags."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData, UploadFile

from optimizer.errors import BidoptError, InputDataError, Problem, ScenarioError
from optimizer.scenario.scenario_file import Adjustment, ItemLimits, scenario_from_reports
from optimizer.workbench.uploads import (
    as_shown,
    error_as_shown,
    goal_scenario,
    save_uploads,
    shown_name,
    stored_name,
    whatif_name,
    whatif_scenario,
)
from tests.paths import SAMPLE

ITEMS = ["双面羊绒大衣女中长款高端", "法式碎花雪纺连衣裙女2026秋季新款"]


@pytest.mark.parametrize("sent, shown", [
    ("week 47.csv", "week 47.csv"), ("../../etc/passwd", "passwd"), (r"C:\Users\op\直通车.xlsx", "直通车.xlsx"),
    ("/abs/path/r.csv", "r.csv"), ("a\x00b\nc.csv", "abc.csv"), ("", "export-3"), (None, "export-3"), ("..", "export-3"),
])
def test_the_shown_name_is_the_last_part_without_control_characters(sent, shown):
    assert shown_name(sent, 3) == shown


@given(st.text(max_size=300), st.integers(1, 20))
def test_the_stored_name_is_always_our_own_plain_name(sent, position):
    stored = stored_name(shown_name(sent, position), position)
    assert stored.startswith(f"export-{position}") and "/" not in stored and "\\" not in stored
    assert len(stored) <= len(f"export-{position}") + 9 and stored.isascii()


def test_stored_names_keep_plain_extensions_only():
    assert stored_name("周报.XLSX", 1) == "export-1.xlsx"
    assert stored_name("r.csv;rm -rf", 2) == "export-2"
    assert stored_name("noext", 3) == "export-3"


def test_uploads_are_written_under_our_names_readable_by_this_user_only(tmp_path):
    uploads = [UploadFile(io.BytesIO(b"a,b\n"), filename="../x.csv"), UploadFile(io.BytesIO(b"c"), filename="y.xlsx")]
    names = save_uploads(uploads, tmp_path)
    assert names == {"export-1.csv": "x.csv", "export-2.xlsx": "y.xlsx"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export-1.csv", "export-2.xlsx"]
    assert (tmp_path / "export-1.csv").read_bytes() == b"a,b\n"
    assert (tmp_path / "export-1.csv").stat().st_mode & 0o777 == 0o600
    with pytest.raises(BidoptError, match="choose at least one export file"):
        save_uploads([], tmp_path)


def test_errors_name_the_files_as_uploaded():
    names = {"export-1.csv": "week 47.csv"}
    error = InputDataError([Problem("has no clicks column", file="export-1.csv", hint="Map it")])
    assert str(error_as_shown(error, names)) == "week 47.csv: has no clicks column. Map it."
    assert str(error_as_shown(ScenarioError(["export-1.csv: bad"]), names)) == "week 47.csv: bad"
    assert as_shown("export-1.csv, export-1.csv", names) == "week 47.csv, week 47.csv"


def test_the_goal_form_applies_like_the_plan_flags():
    scenario = scenario_from_reports([SAMPLE])
    form = FormData({"budget": "25,000", "min_roi": "2.4", "objective": "orders", "bid_max": "20", "max_raise": ""})
    goal = goal_scenario(scenario, form)
    flags = scenario.with_overrides(budget=25000, min_roi=2.4, objective="orders")
    assert goal.goal == flags.goal and goal.data == scenario.data
    assert (goal.bids.max, goal.bids.max_raise) == (20.0, scenario.bids.max_raise)
    assert goal_scenario(scenario, FormData({})) == scenario.with_overrides(objective="revenue")


def test_a_bad_goal_raises_one_scenario_error_listing_every_problem():
    scenario = scenario_from_reports([SAMPLE])
    with pytest.raises(ScenarioError, match="The 'min_roi' field must be a number. Got 'x' instead.") as caught:
        goal_scenario(scenario, FormData({"budget": "1e", "min_roi": "x"}))
    assert len(caught.value.problems) == 2
    with pytest.raises(ScenarioError, match=r"The 'budget' parameter of \[goal\] must be a float in the range"):
        goal_scenario(scenario, FormData({"budget": "-5"}))
    with pytest.raises(ScenarioError, match=r"The 'max_raise' parameter of \[bids\] must be a float"):
        goal_scenario(scenario, FormData({"max_raise": "-0.5"}))


def test_a_whatif_adds_one_adjustment_and_maybe_a_budget():
    scenario = scenario_from_reports([SAMPLE]).with_overrides(budget=20000, min_roi=2.0)
    whatif = whatif_scenario(scenario, FormData({"cpc": "1.3", "order_value": "0.85", "volume": ""}), ITEMS)
    assert whatif.adjust == (Adjustment(cpc=1.3, order_value=0.85),)
    assert whatif.goal == scenario.goal and whatif.bids == scenario.bids and whatif.items == scenario.items
    only_budget = whatif_scenario(scenario, FormData({"budget": "15000", "min_roi": "2.6"}), ITEMS)
    assert (only_budget.goal.budget, only_budget.goal.min_roi, only_budget.adjust) == (15000, 2.6, ())
    with pytest.raises(ScenarioError, match="The 'ctr' field must be a number. Got 'much' instead."):
        whatif_scenario(scenario, FormData({"ctr": "much"}), ITEMS)
    with pytest.raises(ScenarioError, match=r"The 'volume' parameter of \[adjust\] must be a float"):
        whatif_scenario(scenario, FormData({"volume": "-1"}), ITEMS)


def test_a_whatif_cuts_one_items_price_and_sells_out_another():
    scenario = replace(scenario_from_reports([SAMPLE]), items={ITEMS[0]: ItemLimits(role="image", min_share=0.05)})
    form = FormData({"order_value": "0.85", "cvr": "1.25", "adjust_item": ITEMS[1], "stock_item": ITEMS[0]})
    whatif = whatif_scenario(scenario, form, ITEMS)
    assert whatif.adjust == (Adjustment(cvr=1.25, order_value=0.85, items=(ITEMS[1],)),)
    assert whatif.items == {ITEMS[0]: ItemLimits(role="image", min_share=0.05, stock=0.0)}   # the rest kept
    assert whatif_scenario(scenario, FormData({"stock_item": ITEMS[1], "stock": "30"}), ITEMS).items[ITEMS[1]] == \
        ItemLimits(stock=30.0)
    with pytest.raises(ScenarioError, match=r"^The 'adjust_item' field must name an item of the reports\. Got "
                                            r"'elsewhere' instead\.\nThe 'stock' field needs an item \('stock_item'\) "
                                            r"whose orders it limits\.$"):
        whatif_scenario(scenario, FormData({"stock": "3", "adjust_item": "elsewhere", "cpc": "2"}), ITEMS)


def test_a_whatif_is_named_on_one_line_without_path_separators():
    assert whatif_name(FormData({"name": "  双11 / 预热\n\t"}), 3) == "双11 - 预热"
    assert whatif_name(FormData({"name": "   "}), 3) == "what-if 3"
    assert len(whatif_name(FormData({"name": "x" * 100}), 1)) == 40