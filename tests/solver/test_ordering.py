"""The global order is exactly numpy's stable argsort: ties by index, NaN last, split or not, spare buffers or not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from optimizer.solver import ordering
from optimizer.solver.ordering import ascending_order, canonical_ties, descending_order

# a few values, so that most keys tie; the ends and NaN included (inc_eff holds +inf for free increments)
FEW_VALUES = st.sampled_from([0.0, -0.0, 1.5, -2.25, 3.0, 1e-300, np.inf, -np.inf, np.nan])
KEYS = hnp.arrays(np.float64, st.integers(0, 300), elements=FEW_VALUES | st.floats(-5, 5, width=16))


@pytest.fixture
def split_small(monkeypatch):
    """The two-part sort from 32 keys on (as on two cores), so that small arrays take that path."""
    monkeypatch.setattr(ordering, "SPLIT_SIZE", 32)
    monkeypatch.setattr(ordering, "two_cores", lambda: True)


def many_ties(size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(np.array([2.0, -1.0, 0.5, 7.0, np.nan, np.inf]), size) + rng.integers(0, 3, size)


@given(KEYS)
@settings(max_examples=300, deadline=None)
def test_one_sort_is_numpys_stable_argsort(keys):
    assert np.array_equal(ascending_order(keys), np.argsort(keys, kind="stable"))
    assert np.array_equal(descending_order(keys), np.argsort(-keys, kind="stable"))


@given(KEYS)
@settings(max_examples=300, deadline=None)
def test_two_parts_are_numpys_stable_argsort(keys):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ordering, "SPLIT_SIZE", 32)
        patch.setattr(ordering, "two_cores", lambda: True)
        assert np.array_equal(ascending_order(keys), np.argsort(keys, kind="stable"))
        assert np.array_equal(descending_order(keys), np.argsort(-keys, kind="stable"))


@pytest.mark.parametrize("offset", [-1, 0, 1, 1000])
def test_sizes_around_the_split(offset):
    keys = many_ties(ordering.SPLIT_SIZE + offset, seed=offset + 5)
    assert np.array_equal(descending_order(keys), np.argsort(-keys, kind="stable"))


def test_ties_are_in_index_order_where_the_default_sort_is_not():
    keys = many_ties(5000, seed=1)
    stable = np.argsort(keys, kind="stable")
    assert np.array_equal(ascending_order(keys), stable)
    order = ascending_order(keys)
    sorted_keys = keys[order]
    equal = sorted_keys[1:] == sorted_keys[:-1]
    assert np.all(order[1:][equal] > order[:-1][equal])


@pytest.mark.parametrize("keys", [np.zeros(0), np.array([3.0]), np.array([np.nan]), np.array([np.nan, np.nan]),
                                  np.array([1.0, 1.0]), np.array([-0.0, 0.0, -0.0])])
def test_empty_and_tiny_arrays(keys):
    order = ascending_order(keys)
    assert order.dtype == np.intp and np.array_equal(order, np.argsort(keys, kind="stable"))


def test_nan_or_one_value_throughout(split_small):
    for keys in (np.full(100, np.nan), np.full(100, 4.0), np.r_[np.full(99, 4.0), np.nan]):
        assert np.array_equal(ascending_order(keys), np.arange(100))


def test_spare_buffers_take_the_working_copies_and_keys_stay(split_small):
    keys = many_ties(400, seed=3)
    before = keys.copy()
    spare = (np.full(500, -7.0), np.full(450, -7.0))
    assert np.array_equal(ascending_order(keys, spare=spare), np.argsort(before, kind="stable"))
    assert np.array_equal(keys, before, equal_nan=True)
    assert not np.all(spare[0] == -7.0) and not np.all(spare[1] == -7.0)


def test_unfit_spare_buffers_are_left_alone(split_small):
    keys = many_ties(400, seed=4)
    short, ints = (np.full(10, -7.0), np.full(400, -7.0)), (np.zeros(400, np.int64), np.zeros(400, np.int64))
    for spare in (short, ints):
        assert np.array_equal(ascending_order(keys, spare=spare), np.argsort(keys, kind="stable"))
    assert np.all(short[0] == -7.0) and not np.any(ints[0])


def test_canonical_ties_sorts_indices_within_each_run_only():
    ranked = np.array([1.0, 1.0, 1.0, 2.0, 3.0, 3.0, np.nan, np.nan, np.nan])
    rank = np.array([5, 2, 8, 0, 7, 1, 6, 3, 4])
    canonical_ties(ranked, rank)
    assert rank.tolist() == [2, 5, 8, 0, 1, 7, 3, 4, 6]
