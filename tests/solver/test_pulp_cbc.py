"""The PuLP model: the LP file names its rows, the map names its variables, CBC agrees with HiGHS."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.solver.highs import solve_highs
from optimizer.solver.pulp_cbc import lp_names, names_file, solve_pulp, write_lp
from optimizer.solver.structured import solve_structured, unfit_reason
from tests.solver.test_program import concave_candidates, limits, program
from tests.solver.test_structured import SHAPES, dual_bound, make_program


def test_write_lp_names_the_rows(tmp_path):
    cand = concave_candidates(np.random.default_rng(7), 3, levels=3)
    path = tmp_path / "plan.lp"
    write_lp(program(cand, limits(3, budget=100.0, min_roi=2.0, cap=50.0)), path)
    text = path.read_text()
    for name in ("budget", "min_roi", "choose_0", "share_2_2"):
        assert name in text
    assert "plan_budget_cap_" in text


def test_lp_names_map_every_name_to_its_unit_and_bid(tmp_path):
    cand = concave_candidates(np.random.default_rng(7), 3, levels=3)
    valid = cand.valid.copy()
    valid[1] = False   # a unit without candidates: neither variables nor a choose row
    valid[2, 0] = False
    lp_program = program(replace(cand, valid=valid), limits(3, budget=100.0))
    units = pd.DataFrame({"plan": ["A", "B", "C"], "keyword": ["red shoes", "blue", "=1+1"], "spend": [1.0, 2, 3]})
    names = lp_names(lp_program, units)
    assert list(names.columns) == ["lp_name", "plan", "keyword", "bid"]
    assert names["lp_name"].tolist() == ["choose_0", "share_0_0", "share_0_1", "share_0_2",
                                         "choose_2", "share_2_1", "share_2_2"]
    assert names["keyword"].tolist() == ["red shoes"] * 4 + ["=1+1"] * 3
    assert names["bid"].iloc[[1, 2, 3, 5, 6]].tolist() == [cand.bid[0, 0], cand.bid[0, 1], cand.bid[0, 2],
                                                          cand.bid[2, 1], cand.bid[2, 2]]
    assert names["bid"].iloc[[0, 4]].isna().all()
    path = tmp_path / "plan.lp"
    write_lp(lp_program, path)
    written = path.read_text()
    assert all(name in written for name in names["lp_name"])
    assert "share_1_" not in written and "choose_1" not in written


def test_names_file_sits_beside_the_lp():
    assert names_file(Path("out/plan.lp")) == Path("out/plan.lp.vars.csv")
    assert names_file(Path("weekly")) == Path("weekly.vars.csv")


def test_cbc_agrees_with_highs():
    program_ = make_program(5, units=12, plans=2, caps=True, roi_factor=1.1)
    cbc, reference = solve_pulp(program_), solve_highs(program_)
    assert cbc.solver == "pulp"
    assert cbc.objective == pytest.approx(reference.objective, rel=1e-6)
    assert set(cbc.binding) == set(reference.binding)


def test_a_plan_whose_name_the_lp_format_rewrites_keeps_its_price():
    """PuLP rewrites '-' and spaces in constraint names: the price must still come back under the row's name."""
    cand = concave_candidates(np.random.default_rng(8), 8)
    lim = limits(8, budget=1e6, cap=40.0)
    lim = replace(lim, plan_names=("防晒霜-引流 A", "防晒霜_引流_A"))   # two names that read the same in LP
    cbc, reference = solve_pulp(program(cand, lim)), solve_highs(program(cand, lim))
    assert reference.duals["plan_budget_cap[防晒霜-引流 A]"] > 0
    assert cbc.duals["plan_budget_cap[防晒霜-引流 A]"] == pytest.approx(reference.duals["plan_budget_cap[防晒霜-引流 A]"],
                                                                   rel=1e-6)
    assert set(cbc.binding) == set(reference.binding)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), shape=SHAPES)
def test_the_three_solvers_agree(seed, shape):
    """Same status and objective; prices that prove the optimum; where the prices are unique, the same ones.

    At a degenerate vertex (ties, a limit landing on a breakpoint) the prices are not unique: each solver's
    must then prove the optimum (their Lagrangian bound is the objective), which is what makes its reasons true.
    """
    shape = {**shape, "units": min(shape["units"], 30)}
    program_ = make_program(seed, **shape)
    reference, cbc = solve_highs(program_), solve_pulp(program_)
    solvers = [cbc] + ([solve_structured(program_)] if unfit_reason(program_) is None else [])
    for other in solvers:
        assert other.status == reference.status
        if reference.status != "optimal":
            continue
        scale = max(1.0, abs(reference.objective))
        assert other.objective == pytest.approx(reference.objective, rel=1e-6, abs=1e-6)
        # CBC writes its prices with 6 decimals: the bound they give is exact to 1e-6 x each row's largest terms
        rounding = 1e-6 * sum(np.abs(coef).max(axis=1).sum() for _, coef, *_ in program_.rows()) \
            if other.solver == "pulp" else 0.0
        assert dual_bound(program_, other.duals) == pytest.approx(reference.objective, rel=1e-6,
                                                                  abs=1e-6 * scale + rounding)
        prices = max([1.0] + [abs(value) for value in reference.duals.values()])
        if all(abs(other.duals[name] - reference.duals[name]) <= 1e-6 * prices for name in reference.duals):
            assert set(other.binding) == set(reference.binding)
