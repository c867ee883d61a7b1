"""benchmarks/loop.py: bidopt's closed loop alone, counted in seed-weeks within both limits."""

from __future__ import annotations

import pandas as pd

from tests.paths import ROOT, script

loop = script(ROOT / "benchmarks" / "loop.py", "bench_loop")


def test_a_seed_week_is_within_only_when_both_the_floor_and_the_budget_hold():
    weeks = pd.DataFrame({"roi_vs_floor": [1.0, 0.995, 0.989, 1.2], "spend_vs_budget": [1.0, 1.01, 0.5, 1.011]})
    assert loop._within(weeks).tolist() == [True, True, False, False]


def test_the_loop_plays_every_week_of_both_goals_and_writes_them(tmp_path, capsys):
    assert loop.main(["--keywords", "40", "--weeks", "2", "--seeds", "1", "--family", "position",
                      "--csv", str(tmp_path / "weeks.csv")]) == 0
    weeks = pd.read_csv(tmp_path / "weeks.csv")
    assert len(weeks) == 4 and set(weeks["goal"]) == set(loop.GOALS) and set(weeks["week"]) == {1, 2}
    assert "seed-weeks within both limits:" in capsys.readouterr().out


def test_the_weeks_outside_are_listed_with_the_forecast_the_report_and_the_truth():
    weeks = pd.DataFrame({"family": ["auction"], "seed": [2], "goal": ["same budget, ROI x1.15"], "week": [3],
                          "forecast_revenue": [3060.0], "forecast_spend": [1000.0], "min_roi": [3.0],
                          "reported_roi_vs_floor": [0.948], "roi_vs_floor": [0.982], "spend_vs_budget": [0.85]})
    text = loop.misses(weeks)
    assert "ROI/floor forecast" in text and "1.02" in text and "0.948" in text and "0.982" in text
    assert loop.misses(weeks.iloc[:0]).endswith("none")
