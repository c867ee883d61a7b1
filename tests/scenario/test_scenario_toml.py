"""A scenario written as TOML reads back as the same scenario, whatever its names hold."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from optimizer.scenario.scenario_file import Adjustment, ItemLimits, PlanLimits, load_scenario
from optimizer.scenario.scenario_toml import scenario_toml
from tests.paths import SCENARIOS


@pytest.mark.parametrize("name", sorted(path.name for path in SCENARIOS.glob("*.toml")))
def test_every_shipped_scenario_reads_back_the_same(tmp_path, name):
    scenario = load_scenario(SCENARIOS / name)
    saved = tmp_path / "saved.toml"
    saved.write_text(scenario_toml(scenario), encoding="utf-8")
    assert replace(load_scenario(saved), path=None) == replace(scenario, path=None)


def test_reports_are_written_as_given_and_read_relative_to_the_file(tmp_path):
    scenario = load_scenario(SCENARIOS / "weekly.toml")
    text = scenario_toml(scenario, ["data/ztc_keywords.csv"], comment="Saved by the workbench\nfrom run 3")
    assert text.startswith("# Saved by the workbench\n# from run 3\n\n[data]\nreports = [\"data/ztc_keywords.csv\"]\n")
    (tmp_path / "weekly.toml").write_text(text, encoding="utf-8")
    assert load_scenario(tmp_path / "weekly.toml").data.reports == (tmp_path / "data" / "ztc_keywords.csv",)


NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(lambda text: text.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=NAMES, item=NAMES, pattern=NAMES, cap=st.floats(0, 1e9), stock=st.floats(0, 1e6),
       cpc=st.floats(0.01, 10), locked=st.booleans())
@example(plan="计划\x7f", item='"宝贝"\n\\', pattern="女装-*", cap=1e12, stock=0.0, cpc=1.3, locked=True)
def test_names_in_any_script_with_quotes_and_newlines_survive(tmp_path, plan, item, pattern, cap, stock, cpc, locked):
    scenario = replace(load_scenario(SCENARIOS / "weekly.toml"), plans={plan: PlanLimits(max_budget=cap, locked=locked)},
                       items={item: ItemLimits(stock=stock)}, adjust=(Adjustment(cpc=cpc, items=(pattern,)),))
    saved = tmp_path / "saved.toml"
    saved.write_text(scenario_toml(scenario), encoding="utf-8")
    assert replace(load_scenario(saved), path=None) == replace(scenario, path=None)
