"""Error messages: one line per problem, pandera-style, the rows and values shown."""

from __future__ import annotations

import pytest

from optimizer.errors import Conflict, InfeasibleError, InputDataError, Problem, ScenarioError


def test_a_problem_names_file_column_rows_values_and_what_to_do():
    problem = Problem("3 rows have clicks above impressions", file="report.csv", column="点击量 (clicks)",
                      rows=[14, 88, 203], values=["50 > 10", "12 > 3", "7 > 1"], hint="Fix the export")
    assert str(problem) == ("report.csv: column 点击量 (clicks): 3 rows have clicks above impressions "
                            "(rows 14: 50 > 10, 88: 12 > 3, 203: 7 > 1). Fix the export.")


def test_more_than_five_rows_are_cut_with_an_ellipsis():
    problem = Problem("7 rows are negative", file="a.csv", rows=range(2, 9), values=[str(-v) for v in range(2, 9)])
    assert str(problem) == "a.csv: 7 rows are negative (rows 2: -2, 3: -3, 4: -4, 5: -5, 6: -6, …)."


def test_errors_carry_every_problem_and_what_is_reachable():
    error = InputDataError([Problem("first", file="a.csv"), Problem("second", file="b.csv")])
    assert str(error) == "a.csv: first.\nb.csv: second."
    with pytest.raises(ScenarioError, match=r"^s\.toml: one\ns\.toml: two$"):
        raise ScenarioError(["one", "two"], file="s.toml")
    infeasible = InfeasibleError([Conflict("min_roi", 9.0, 7.4, "min_roi 9 cannot be met")])
    assert infeasible.conflicts[0].reachable == 7.4

