"""reading.artefacts.unit_codes: each row's unit as the codes grouping by the unit's columns gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.reading.artefacts import unit_codes

KEYS = ["plan", "ad_group", "keyword", "match_type"]


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["A", "B", ""]), st.sampled_from(["g1", "g2", None]),
                               st.sampled_from(["x", "y", "z", "计划"]), st.sampled_from(["exact", "broad"])),
                     min_size=0, max_size=50))
def test_unit_codes_number_the_units_in_order_of_first_appearance_as_grouping_does(rows):
    frame = pd.DataFrame(rows, columns=KEYS, dtype="str")
    codes = unit_codes(frame, KEYS)
    expected = frame.groupby(KEYS, sort=False, dropna=False).ngroup().to_numpy()
    assert np.array_equal(codes, expected)
    assert len(np.unique(codes)) == len(frame.drop_duplicates(KEYS))


def test_a_million_rows_of_large_codes_do_not_overflow():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({key: rng.integers(0, 10**6, 10**6).astype(str) for key in KEYS[:3]})
    codes = unit_codes(frame, KEYS[:3])
    assert codes.max() + 1 == len(frame.drop_duplicates(KEYS[:3])) and codes.min() == 0
