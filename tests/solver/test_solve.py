"""The one way into the solvers: the name is checked, "fast" refuses what it cannot solve, "auto" picks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from optimizer.errors import ScenarioError
from optimizer.solver import SOLVERS, solve
from optimizer.solver.highs import solve_highs
from optimizer.solver.structured import unfit_reason
from tests.paths import SAMPLE
from tests.solver.test_structured import SHAPES, make_program


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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), shape=SHAPES)
def test_every_solver_quotes_the_same_prices_and_binding_limits_degenerate_programs_included(seed, shape):
    """Where the structured solver takes the program, HiGHS and CBC quote its prices: at a degenerate vertex
    the prices are not unique, and reasons and binding limits must not depend on the solver."""
    program = make_program(seed, **{**shape, "units": min(shape["units"], 30), "items": False})
    assume(unfit_reason(program) is None)
    fast = solve(program, "fast")
    for name in ("highs", "pulp"):
        other = solve(program, name)
        assert other.status == fast.status, name
        if fast.status != "optimal":
            continue
        assert other.objective == pytest.approx(fast.objective, rel=1e-6, abs=1e-6)
        assert other.duals == fast.duals and other.binding == fast.binding, name


def test_at_a_degenerate_vertex_highs_quotes_the_structured_prices_not_its_own():
    for seed in range(200):
        program = make_program(seed, units=5, levels=3, ties=True, roi_factor=1.0, budget_share=0.5)
        if unfit_reason(program) is not None:
            continue
        own, fast = solve_highs(program), solve(program, "fast")
        if own.status == "optimal" and own.duals != fast.duals:
            assert solve(program, "highs").duals == fast.duals
            return
    pytest.fail("no degenerate program among the seeds tried")
