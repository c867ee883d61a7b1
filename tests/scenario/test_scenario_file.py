"""Scenario files: loading, one error listing every problem, overrides, and immutability."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.errors import ScenarioError
from optimizer.scenario.scenario_file import (
    NO_REPORTS,
    TOP_LEVEL_KEYS,
    Adjustment,
    BidLimits,
    DataSettings,
    Goal,
    PlanLimits,
    Scenario,
    load_scenario,
    require_reports,
    scenario_from_reports,
)

FULL = """
[data]
reports = ["data/report.csv", "data/第二周.xlsx"]
period_days = 7
columns = { "Amount" = "revenue", "点击量" = "clicks" }
on_bad_rows = "skip"

[goal]
objective = "profit"
budget = 50000
period_days = 14
min_roi = 3.0
margin = 0.3
value_per_order = 250.0

[bids]
min = 0.1
max = 20
max_raise = 0.5
max_cut = 0.4
allow_pause = false
hold_within = 0.1
increment = 0.05

[plans."计划A"]
min_budget = 1000
max_budget = 8000
min_roi = 2.0

[plans."Brand plan"]
locked = true
"""


def write(folder: Path, text: str, name: str = "spring.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problem(path: Path, message: str) -> str:
    """The exact text of an error holding one problem, as a regex for ``match``."""
    return "^" + re.escape(f"{path}: {message}") + "$"


def test_full_file_loads_every_setting(tmp_path):
    scenario = load_scenario(write(tmp_path, FULL))

    assert scenario.name == "spring"
    assert scenario.data == DataSettings(
        reports=(tmp_path / "data/report.csv", tmp_path / "data/第二周.xlsx"),
        period_days=7,
        columns={"Amount": "revenue", "点击量": "clicks"},
        on_bad_rows="skip",
    )
    assert scenario.goal == Goal("profit", 50000.0, 14, 3.0, 0.3, 250.0)
    assert scenario.bids == BidLimits(0.1, 20.0, 0.5, 0.4, False, 0.1, 0.05)
    assert dict(scenario.plans) == {
        "计划A": PlanLimits(min_budget=1000, max_budget=8000, min_roi=2.0),
        "Brand plan": PlanLimits(locked=True),
    }
    assert isinstance(scenario.goal.budget, float)
    assert hash(scenario) == hash(load_scenario(tmp_path / "spring.toml"))


def test_empty_file_gives_defaults(tmp_path):
    scenario = load_scenario(write(tmp_path, ""))

    assert scenario == Scenario(path=tmp_path / "spring.toml")
    assert scenario.goal == Goal(objective="revenue", budget=None, period_days=7)
    assert scenario.bids == BidLimits(min=0.05, max=99.0, max_raise=1.0, max_cut=0.5, allow_pause=True)
    assert scenario.data.reports == () and scenario.plans == {}


def test_report_paths_are_relative_to_the_scenario_folder(tmp_path, monkeypatch):
    folder = tmp_path / "scenarios" / "spring"
    folder.mkdir(parents=True)
    write(folder, f'[data]\nreports = ["report.csv", "../shared/b.csv", "{tmp_path.as_posix()}/abs.csv"]')
    monkeypatch.chdir(tmp_path)

    scenario = load_scenario("scenarios/spring/spring.toml")

    assert scenario.data.reports == (
        Path("scenarios/spring/report.csv"),
        Path("scenarios/spring/../shared/b.csv"),
        tmp_path / "abs.csv",
    )


def test_a_single_report_string_is_one_report(tmp_path):
    scenario = load_scenario(write(tmp_path, '[data]\nreports = "report.csv"'))

    assert scenario.data.reports == (tmp_path / "report.csv",)


def test_missing_reports_are_not_checked_here(tmp_path):
    scenario = load_scenario(write(tmp_path, '[data]\nreports = ["nowhere.csv"]'))

    assert require_reports(scenario) == (tmp_path / "nowhere.csv",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[bids]\nmax_cut = 1.5", "The 'max_cut' parameter of [bids] must be a float in the range [0, 1). Got 1.5 instead."),
        ('[bids]\nmax_cut = "0.5"', "The 'max_cut' parameter of [bids] must be a float in the range [0, 1). Got '0.5' instead."),
        ("[bids]\nmin = 0", "The 'min' parameter of [bids] must be a float in the range (0, inf). Got 0 instead."),
        ("[bids]\nmax_raise = -0.1", "The 'max_raise' parameter of [bids] must be a float in the range [0, inf). Got -0.1 instead."),
        ("[bids]\nhold_within = nan", "The 'hold_within' parameter of [bids] must be a float in the range [0, 1). Got nan instead."),
        ("[bids]\nincrement = 0", "The 'increment' parameter of [bids] must be a float in the range (0, inf). Got 0 instead."),
        ('[bids]\nallow_pause = "yes"', "The 'allow_pause' parameter of [bids] must be a bool (true or false). Got 'yes' instead."),
        ("[bids]\nallow_pause = 1", "The 'allow_pause' parameter of [bids] must be a bool (true or false). Got 1 instead."),
        ("[bids]\nmin = 5\nmax = 1", "The 'min' parameter of [bids] must be at most 'max'. Got min=5 and max=1 instead."),
        (
            '[goal]\nobjective = "revenu"',
            "The 'objective' parameter of [goal] must be one of 'revenue', 'orders', 'clicks', 'profit'. "
            "Got 'revenu' instead. Did you mean 'revenue'?",
        ),
        (
            '[goal]\nobjective = "awareness"',
            "The 'objective' parameter of [goal] must be one of 'revenue', 'orders', 'clicks', 'profit'. Got 'awareness' instead.",
        ),
        ("[goal]\nbudget = 0", "The 'budget' parameter of [goal] must be a float in the range (0, inf). Got 0 instead."),
        ('[goal]\nbudget = "50000"', "The 'budget' parameter of [goal] must be a float in the range (0, inf). Got '50000' instead."),
        ("[goal]\nbudget = inf", "The 'budget' parameter of [goal] must be a float in the range (0, inf). Got inf instead."),
        ("[goal]\nperiod_days = 0", "The 'period_days' parameter of [goal] must be an int in the range [1, inf). Got 0 instead."),
        ("[goal]\nperiod_days = 7.5", "The 'period_days' parameter of [goal] must be an int in the range [1, inf). Got 7.5 instead."),
        ("[goal]\nmin_roi = -1", "The 'min_roi' parameter of [goal] must be a float in the range [0, inf). Got -1 instead."),
        ("[goal]\nmargin = 0", "The 'margin' parameter of [goal] must be a float in the range (0, 1]. Got 0 instead."),
        ("[goal]\nmargin = 1.2", "The 'margin' parameter of [goal] must be a float in the range (0, 1]. Got 1.2 instead."),
        (
            '[goal]\nobjective = "profit"',
            "The 'margin' parameter of [goal] is needed when objective is 'profit': "
            "set the gross margin on revenue, e.g. margin = 0.3.",
        ),
        ("[goal]\nvalue_per_order = -5", "The 'value_per_order' parameter of [goal] must be a float in the range (0, inf). Got -5 instead."),
        ("[data]\nperiod_days = 0", "The 'period_days' parameter of [data] must be an int in the range [1, inf). Got 0 instead."),
        (
            '[data]\non_bad_rows = "skipp"',
            "The 'on_bad_rows' parameter of [data] must be one of 'error', 'skip'. Got 'skipp' instead. Did you mean 'skip'?",
        ),
        ("[data]\nreports = [3]", "The 'reports' parameter of [data] must be a list of file paths. Got [3] instead."),
        ('[data]\nreports = [""]', "The 'reports' parameter of [data] must be a list of file paths. Got [''] instead."),
        (
            '[data]\ncolumns = { "Amount" = "revenu" }',
            "The 'columns' parameter of [data] maps 'Amount' to 'revenu', which is not a canonical column name. "
            "Did you mean 'revenue'?",
        ),
        (
            '[data]\ncolumns = { "花费" = "kosten" }',
            "The 'columns' parameter of [data] maps '花费' to 'kosten', which is not a canonical column name. "
            "Canonical names: date, start_date, end_date, month, week, plan, ad_group, keyword, search_term, match_type, "
            "bid, default_bid, impressions, clicks, spend, orders, revenue, plan_budget, record_type, state, "
            "campaign_type, click_type, ctr, cpc, roi, acos, cvr.",
        ),
        (
            '[data]\ncolumns = "Amount"',
            "The 'columns' parameter of [data] must be a table of header = canonical name. Got 'Amount' instead.",
        ),
        (
            '[plans."计划A"]\nmin_budget = 9000\nmax_budget = 8000',
            "The 'min_budget' parameter of [plans.\"计划A\"] must be at most 'max_budget'. "
            "Got min_budget=9000 and max_budget=8000 instead.",
        ),
        ('[plans."计划A"]\nlocked = "no"', "The 'locked' parameter of [plans.\"计划A\"] must be a bool (true or false). Got 'no' instead."),
        ('[plans."B"]\nmin_roi = -2', "The 'min_roi' parameter of [plans.\"B\"] must be a float in the range [0, inf). Got -2 instead."),
        ("[plans]\nmin_budget = 5", "[plans] holds one table per name, like [plans.\"Name\"]. Got 'min_budget' = 5 instead."),
        ('[plans.""]\nlocked = true', "Names in [plans] must not be empty."),
        ("goal = 3", "[goal] must be a table. Got 3 instead."),
        ("plans = [1]", "[plans] must be a table. Got [1] instead."),
    ],
)
def test_each_bad_setting_has_its_own_message(tmp_path, text, message):
    path = write(tmp_path, text)

    with pytest.raises(ScenarioError, match=problem(path, message)) as caught:
        load_scenario(path)

    assert caught.value.problems == [message]
    assert caught.value.file == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[goal]\nbudjet = 5", "Unknown key 'budjet' in [goal]. Did you mean 'budget'?"),
        ("[goal]\nlearn_from_last_runs = false",
         "Unknown key 'learn_from_last_runs' in [goal]. Did you mean 'learn_from_last_run'?"),
        ("[goal]\nlearn_from_last_run = 0",
         "The 'learn_from_last_run' parameter of [goal] must be a bool (true or false). Got 0 instead."),
        ("[data]\nreport = []", "Unknown key 'report' in [data]. Did you mean 'reports'?"),
        ("[bids]\nmax_rise = 0.2", "Unknown key 'max_rise' in [bids]. Did you mean 'max_raise'?"),
        ("[bids]\ncolour = 1", "Unknown key 'colour' in [bids]."),
        ('[plans."计划A"]\nlockd = true', "Unknown key 'lockd' in [plans.\"计划A\"]. Did you mean 'locked'?"),
        ("[goals]\nbudget = 5", "Unknown key 'goals' at the top of the file. Did you mean 'goal'?"),
        ('extend = "base.toml"', "Unknown key 'extend' at the top of the file. Did you mean 'extends'?"),
    ],
)
def test_unknown_keys_suggest_the_nearest_known_one(tmp_path, text, message):
    path = write(tmp_path, text)

    with pytest.raises(ScenarioError, match=problem(path, message)):
        load_scenario(path)


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = """
dat = 1
[data]
on_bad_rows = "skipp"
[goal]
budjet = 5
objective = "profit"
[bids]
max_cut = 1.5
allow_pause = "yes"
[plans."计划A"]
min_budget = 9000
max_budget = 8000
"""
    path = write(tmp_path, text)

    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)

    assert caught.value.problems == [
        "Unknown key 'dat' at the top of the file. Did you mean 'data'?",
        "The 'on_bad_rows' parameter of [data] must be one of 'error', 'skip'. Got 'skipp' instead. Did you mean 'skip'?",
        "Unknown key 'budjet' in [goal]. Did you mean 'budget'?",
        "The 'margin' parameter of [goal] is needed when objective is 'profit': "
        "set the gross margin on revenue, e.g. margin = 0.3.",
        "The 'max_cut' parameter of [bids] must be a float in the range [0, 1). Got 1.5 instead.",
        "The 'allow_pause' parameter of [bids] must be a bool (true or false). Got 'yes' instead.",
        "The 'min_budget' parameter of [plans.\"计划A\"] must be at most 'max_budget'. "
        "Got min_budget=9000 and max_budget=8000 instead.",
    ]
    assert str(caught.value).splitlines() == [f"{path}: {line}" for line in caught.value.problems]


def test_toml_syntax_error_names_the_file_and_position(tmp_path):
    path = write(tmp_path, "[goal]\nbudget = = 5\n")

    with pytest.raises(ScenarioError, match=problem(path, "Not valid TOML: Invalid value (at line 2, column 10).")):
        load_scenario(path)


def test_missing_file_says_so(tmp_path):
    path = tmp_path / "nope.toml"

    with pytest.raises(ScenarioError, match=problem(path, "Scenario file not found.")):
        load_scenario(path)


def test_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes('[plans."计划A"]\nlocked = true\n'.encode("gbk"))

    with pytest.raises(ScenarioError, match=problem(path, "The scenario file is not UTF-8 text: save it as UTF-8.")):
        load_scenario(path)


def test_utf8_with_bom_is_read(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes('[plans."计划A"]\nlocked = true\n'.encode("utf-8-sig"))

    assert load_scenario(path).plans["计划A"].locked is True


def test_overrides_replace_file_settings(tmp_path):
    scenario = load_scenario(write(tmp_path, FULL))

    changed = scenario.with_overrides(reports=["flag.csv"], budget=900, min_roi=0, objective="orders")

    assert changed.data.reports == (Path("flag.csv"),)
    assert changed.goal == dataclasses.replace(scenario.goal, budget=900.0, min_roi=0.0, objective="orders")
    assert changed.bids == scenario.bids and changed.plans == scenario.plans and changed.path == scenario.path
    assert scenario.goal.budget == 50000.0  # the original is untouched
    assert scenario.with_overrides() == scenario


def test_overrides_are_checked_together(tmp_path):
    scenario = load_scenario(write(tmp_path, "[goal]\nbudget = 100"))

    with pytest.raises(ScenarioError) as caught:
        scenario.with_overrides(reports=[3], budget=-1, objective="profit")

    assert caught.value.problems == [
        "The 'reports' parameter of [data] must be a list of file paths. Got [3] instead.",
        "The 'budget' parameter of [goal] must be a float in the range (0, inf). Got -1 instead.",
        "The 'margin' parameter of [goal] is needed when objective is 'profit': "
        "set the gross margin on revenue, e.g. margin = 0.3.",
    ]


def test_data_flags_override_the_file_and_add_columns(tmp_path):
    scenario = load_scenario(write(tmp_path, FULL))

    changed = scenario.with_overrides(period_days=30, columns={"Conv.": "orders", "Amount": "spend"},
                                      on_bad_rows="error")

    assert changed.data.period_days == 30 and changed.data.on_bad_rows == "error"
    assert dict(changed.data.columns) == {"Amount": "spend", "点击量": "clicks", "Conv.": "orders"}
    assert changed.data.reports == scenario.data.reports and changed.goal == scenario.goal


def test_data_flags_are_checked_like_the_file(tmp_path):
    scenario = load_scenario(write(tmp_path, "[goal]\nbudget = 100"))

    with pytest.raises(ScenarioError) as caught:
        scenario.with_overrides(period_days=0, columns={"Conv.": "order"}, on_bad_rows="ignore")

    assert caught.value.problems == [
        "The 'period_days' parameter of [data] must be an int in the range [1, inf). Got 0 instead.",
        "The 'on_bad_rows' parameter of [data] must be one of 'error', 'skip'. Got 'ignore' instead.",
        "The 'columns' parameter of [data] maps 'Conv.' to 'order', which is not a canonical column name. "
        "Did you mean 'orders'?",
    ]


def test_scenario_from_reports_uses_defaults():
    scenario = scenario_from_reports(["a.csv", Path("b.xlsx")])

    assert scenario == Scenario(data=DataSettings(reports=(Path("a.csv"), Path("b.xlsx"))))
    assert scenario.name == "plan" and scenario.path is None


def test_require_reports(tmp_path):
    with pytest.raises(ScenarioError, match="^" + re.escape(NO_REPORTS) + "$"):
        require_reports(scenario_from_reports([]))
    path = write(tmp_path, "")
    with pytest.raises(ScenarioError, match=problem(path, NO_REPORTS)):
        require_reports(load_scenario(path))
    assert NO_REPORTS == "No reports to read: list them in [data] reports or pass --report FILE."
    assert require_reports(load_scenario(path).with_overrides(reports=["x.csv"])) == (Path("x.csv"),)


def test_settings_are_frozen_and_hashable(tmp_path):
    scenario = load_scenario(write(tmp_path, FULL))

    for target, name, value in [
        (scenario, "goal", Goal()),
        (scenario.goal, "budget", 1.0),
        (scenario.bids, "max_cut", 0.1),
        (scenario.data, "reports", ()),
        (scenario.plans["计划A"], "locked", True),
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(target, name, value)
    with pytest.raises(TypeError):
        scenario.plans["计划A"] = PlanLimits()  # type: ignore[index]
    with pytest.raises(TypeError):
        scenario.data.columns["Amount"] = "spend"  # type: ignore[index]
    assert len({scenario, dataclasses.replace(scenario)}) == 1


def test_dataclasses_check_themselves_when_built_in_python():
    with pytest.raises(ScenarioError, match=re.escape("The 'max_cut' parameter of [bids] must be a float in the range [0, 1). Got 1.5 instead.")):
        BidLimits(max_cut=1.5)
    with pytest.raises(ScenarioError, match=re.escape("The 'max' parameter of [bids] must be a float in the range (0, inf). Got None instead.")):
        BidLimits(max=None)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=re.escape("The 'period_days' parameter of [goal] must be an int in the range [1, inf). Got None instead.")):
        Goal(period_days=None)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=re.escape("The 'min_roi_confidence' parameter of [goal] must be a float in the range [0.5, 1). Got 1.0 instead.")):
        Goal(min_roi_confidence=1.0)
    assert Goal(min_roi_confidence=0.8).min_roi_confidence == 0.8
    with pytest.raises(ScenarioError, match=re.escape("The 'reports' parameter of [data] must be a list of file paths. Got [None] instead.")):
        scenario_from_reports([None])  # type: ignore[list-item]
    with pytest.raises(ScenarioError, match=re.escape("The 'goal' parameter of Scenario must be a Goal. Got {} instead.")):
        Scenario(goal={})  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=re.escape("The 'plans' parameter of Scenario must map plan names to PlanLimits.")):
        Scenario(plans={"A": {"locked": True}})  # type: ignore[dict-item]


def test_top_level_keys_live_in_one_place():
    assert TOP_LEVEL_KEYS == ("extends", "data", "goal", "bids", "plans", "items", "adjust")


def test_a_scenario_extends_another_and_overrides_key_by_key(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "weekly.toml").write_text(
        '[data]\nreports = ["data/r.csv"]\n[goal]\nbudget = 1000\nmin_roi = 3.0\n[plans."计划A"]\nmax_budget = 500\n',
        encoding="utf-8")
    (tmp_path / "double11.toml").write_text(
        'extends = "base/weekly.toml"\n[goal]\nbudget = 2000\n[plans."计划A"]\nmin_roi = 2.0\n'
        '[adjust]\ncpc = 1.3\nvolume = 1.6\n', encoding="utf-8")
    scenario = load_scenario(tmp_path / "double11.toml")
    assert scenario.data.reports == (tmp_path / "base" / "data" / "r.csv",)
    assert (scenario.goal.budget, scenario.goal.min_roi) == (2000.0, 3.0)
    assert scenario.plans["计划A"] == PlanLimits(max_budget=500, min_roi=2.0)
    assert scenario.adjust == (Adjustment(cpc=1.3, volume=1.6),)
    assert scenario.name == "double11"


def test_extends_may_not_loop(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"b\.toml: 'extends' loops back to a\.toml\."):
        load_scenario(tmp_path / "a.toml")


def test_adjustments_and_items_are_checked(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[[adjust]]\nitems = ["羊绒*"]\norder_value = 0.8\ncvr = 1.25\n[[adjust]]\ncpc = -1\n'
        '[items."羊绒大衣"]\nstock = 10\nmin_orders = 20\nrole = "imag"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert error.value.problems == [
        "The 'role' parameter of [items.\"羊绒大衣\"] must be one of 'traffic', 'profit', 'image'. Got 'imag' instead. Did you mean 'image'?",
        "The 'min_orders' parameter of [items.\"羊绒大衣\"] must be at most 'stock'. Got min_orders=20 and stock=10 instead.",
        "The 'cpc' parameter of [adjust] must be a float in the range (0, inf). Got -1 instead.",
    ]


@given(st.floats(min_value=0, max_value=1, exclude_max=True))
def test_any_valid_max_cut_round_trips_through_a_file(tmp_path_factory, max_cut):
    path = write(tmp_path_factory.mktemp("cut"), f"[bids]\nmax_cut = {max_cut!r}")

    assert load_scenario(path).bids.max_cut == max_cut
    assert BidLimits(max_cut=max_cut).max_cut == max_cut


@given(st.floats(max_value=0, exclude_max=True) | st.floats(min_value=1) | st.just(math.nan) | st.text() | st.booleans())
def test_any_max_cut_outside_zero_to_one_is_rejected(max_cut):
    message = f"The 'max_cut' parameter of [bids] must be a float in the range [0, 1). Got {max_cut!r} instead."

    with pytest.raises(ScenarioError) as caught:
        BidLimits(max_cut=max_cut)

    assert caught.value.problems == [message]
