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
