"""The one way into the solvers: the name is checked, "fast" refuses what it cannot solve, "auto" picks."""

from __future__ import annotations

import pytest

from optimizer.errors import ScenarioError
from optimizer.solver import SOLVERS, solve
from optimizer.solver.highs import solve_highs
from tests.paths import SAMPLE
from tests.solver.test_structured import make_program


def test_an_unknown_solver_names_the_allowed_ones():
    with pytest.raises(ScenarioError, match=r"The 'solver' parameter must be one of auto, fast, highs, pulp\. "
                                            r"Got 'cplex' instead\."):
        solve(make_program(1), "cplex")
    assert SOLVERS == ("auto", "fast", "highs", "pulp")


def test_auto_takes_the_structured_solver_when_the_program_fits_it_else_highs():
    assert solve(make_program(1)).solver == "fast"
    assert solve(make_program(1, items=True)).solver == "highs"
    assert solve(make_program(1, objective="orders", roi_factor=1.0), "auto").solver == "highs"


def test_each_name_runs_its_solver():
    program = make_program(4, units=12, plans=2, caps=True, roi_factor=1.1)
    reference = solve_highs(program)
    for name in ("fast", "highs", "pulp"):
        solution = solve(program, name)
        assert solution.solver == name
        assert solution.objective == pytest.approx(reference.objective, rel=1e-6)


def test_fast_refuses_a_program_outside_its_structure():
    with pytest.raises(ScenarioError, match=r"solver 'fast' cannot plan this scenario: item limits .*; "
                                            r"use --solver highs"):
        solve(make_program(1, items=True), "fast")


def _scenario(tmp_path, body: str):
    path = tmp_path / "weekly.toml"
    path.write_text(f'[data]\nreports = ["{SAMPLE.as_posix()}"]\n{body}', encoding="utf-8")
    return path


def test_cli_solver_flag_picks_the_solver_and_summary_names_it(tmp_path, capsys):
    import json

    from optimizer.cli import main

    path = _scenario(tmp_path, "[goal]\nbudget = 20000\nmin_roi = 2.4\n[plans.\"防晒霜-引流\"]\nmax_budget = 3000\n")
    objectives = {}
    for solver in ("auto", "fast", "highs"):
        flags = [] if solver == "auto" else ["--solver", solver]
        assert main(["plan", str(path), "--out", str(tmp_path / solver), "--quiet", *flags]) == 0
        written = json.loads((tmp_path / solver / "summary.json").read_text(encoding="utf-8"))
        objectives[solver] = written["objective_value"]
        assert written["solver"] == ("fast" if solver == "auto" else solver)
    assert objectives["fast"] == pytest.approx(objectives["highs"], rel=1e-7)
    assert (tmp_path / "fast" / "bids.csv").read_bytes() == (tmp_path / "highs" / "bids.csv").read_bytes()
    capsys.readouterr()


def test_cli_fast_solver_refuses_a_scenario_outside_its_structure(tmp_path, capsys):
    from optimizer.cli import main

    path = _scenario(tmp_path, '[goal]\nobjective = "orders"\nbudget = 20000\nmin_roi = 2.0\n')
    assert main(["plan", str(path), "--out", str(tmp_path / "out"), "--quiet", "--solver", "fast"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: solver 'fast' cannot plan this scenario: an ROI floor with an objective")
    assert err.rstrip().endswith("use --solver highs")
    assert not (tmp_path / "out").exists()
