"""The units numbered once: the same numbers, key codes and levels as grouping the report's text gives."""

import numpy as np
import pandas as pd
import pytest

from optimizer.model.grouping import _count_on, group_units, nested_in_order, nesting

KEYS = ["plan", "ad_group", "keyword", "match_type"]
LEVELS = [["plan"], ["plan", "ad_group"], KEYS]


def _days(seed: int, rows: int, shuffle: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"plan": rng.choice(["Brand", "Generic", "Ä plan", "b"], rows),
                          "ad_group": rng.choice(["g1", "g10", "g2", "宝贝"], rows),
                          "keyword": rng.choice([f"kw {n}" for n in range(40)], rows),
                          "match_type": rng.choice(["exact", "broad"], rows), "clicks": rng.integers(0, 9, rows)})
    frame = frame.sort_values(KEYS, kind="stable").reset_index(drop=True)   # the order reading leaves
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True) if shuffle else frame


def _expected(days: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    unit = days.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    first_row = pd.Series(np.arange(len(days))).groupby(unit).first().to_numpy()
    return unit, days.iloc[first_row][keys].reset_index(drop=True)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_units_and_levels_are_those_of_grouping_the_text(seed, shuffle):
    days = _days(seed, 300, shuffle)
    grouping = group_units(days, KEYS)
    unit, units = _expected(days, KEYS)
    np.testing.assert_array_equal(grouping.unit, unit)
    pd.testing.assert_frame_equal(grouping.units, units)
    assert grouping.count == len(units)
    expected = nesting(units, LEVELS)
    found = nested_in_order(grouping, LEVELS)
    for got, want in zip(found.groups + found.firsts, expected.groups + expected.firsts):
        np.testing.assert_array_equal(got, want)
    plans = pd.factorize(units["plan"])[0]
    np.testing.assert_array_equal(pd.factorize(grouping.codes["plan"])[0], plans)


@pytest.mark.parametrize("dtype", ["category", object])
def test_categorical_and_python_text_keys_group_as_grouping_does(dtype):
    days = _days(7, 200, shuffle=False).astype({"plan": dtype, "ad_group": dtype})
    grouping = group_units(days, KEYS)
    unit, units = _expected(days, KEYS)
    np.testing.assert_array_equal(grouping.unit, unit)
    pd.testing.assert_frame_equal(grouping.units, units)


def test_a_plan_level_report_and_an_empty_one():
    days = _days(3, 50, shuffle=False)
    grouping = group_units(days, ["plan"])
    np.testing.assert_array_equal(grouping.unit, _expected(days, ["plan"])[0])
    np.testing.assert_array_equal(grouping.codes["plan"], np.arange(grouping.count))
    empty = group_units(days.iloc[:0], KEYS)
    assert empty.count == 0 and len(empty.unit) == 0 and len(empty.units) == 0


def test_running_counts_are_the_cumulative_sums_of_the_starts():
    starts = np.random.default_rng(8).random(10_000) < 0.3
    counted = _count_on(starts)
    np.testing.assert_array_equal(counted, np.cumsum(starts))
    assert counted.dtype == np.cumsum(starts).dtype
