"""Positions along the increment path: running totals read a chunk at a time, one reach for many budgets."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.solver import along
from optimizer.solver.increments import build_path
from optimizer.solver.structured import check
from tests.solver.test_structured import make_program


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_running_totals_read_in_chunks_are_the_floats_of_one_cumsum(monkeypatch, chunk):
    monkeypatch.setattr(along, "_CHUNK", chunk)
    steps = np.random.default_rng(3).lognormal(0.0, 3.0, 500)
    whole = np.concatenate([[0.0], np.cumsum(steps)])
    indices = np.array([0, 1, 6, 7, 8, 63, 64, 65, 250, 499, 500, 7, 0])
    found = along._running_at(lambda i, j: steps[i:j], len(steps), indices)
    assert found.tolist() == whole[indices].tolist()   # equal to the bit, repeated indices included


def test_running_totals_of_an_empty_path_are_zero():
    assert along._running_at(lambda i, j: np.zeros(j - i), 0, np.array([0, 0])).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("roi_factor", [None, 1.1])
def test_one_reach_for_every_budget_locates_as_each_budget_alone(roi_factor):
    program = make_program(5, units=80, roi_factor=roi_factor)
    path = build_path(program, check(program)[1])
    with_roi = program.limits.has_roi_rows()
    known = along.reach(path, with_roi)
    for budget in np.linspace(0.05, 1.6, 15) * program.limits.budget:
        assert along.locate(path, float(budget), with_roi, known) == along.locate(path, float(budget), with_roi)
