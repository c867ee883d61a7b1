"""Numbers as text: byte for byte what Python's own formatting writes, for every float."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import numtext

EDGES = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-4, 9.99995e-5, 999_999.0, 999_999.5, 999_998.5, 1e6, 0.125, 1.005,
         2.675, 0.285, 1e-5, 123_456.5, 0.0001234565, 1e300, 5e-324, 99_999.95, 9.995, 10.0, 0.5, 1.5, 2.5]


def _sample(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = 20_000
    return np.concatenate([rng.lognormal(0, 4, n) * rng.choice([-1, 1], n), np.round(rng.lognormal(0, 3, n), 2),
                           np.round(rng.uniform(-1, 1, n), 3), 10.0 ** rng.integers(-6, 9, n), EDGES])


@pytest.mark.parametrize("seed", [1, 2])
def test_general_is_percent_six_g(seed):
    values = _sample(seed)
    assert numtext.general(values).to_pylist() == [format(value, ".6g") for value in values.tolist()]


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_fixed_is_f_format(decimals):
    values = _sample(3)
    assert numtext.fixed(values, decimals).to_pylist() == [f"{value:.{decimals}f}" for value in values.tolist()]


def test_fixed_takes_decimals_per_value():
    values = _sample(4)
    places = np.where(values < 10, 2, 1)
    expected = [f"{value:.2f}" if value < 10 else f"{value:.1f}" for value in values.tolist()]
    assert numtext.fixed(values, places).to_pylist() == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50))
def test_any_float_is_written_as_python_writes_it(values):
    array = np.array(values, dtype=float)
    assert numtext.general(array).to_pylist() == [format(value, ".6g") for value in values]
    assert numtext.fixed(array, 2).to_pylist() == [f"{value:.2f}" for value in values]


def test_no_values_give_no_text():
    assert numtext.general(np.zeros(0)).to_pylist() == []
    with pytest.raises(ValueError, match="could not convert string to float"):
        numtext.general(np.array(["x"]))
