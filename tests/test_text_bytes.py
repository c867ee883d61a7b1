"""The bytes of Arrow text: each cell's bytes found through the offsets, slices and chunks included."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from optimizer.text_bytes import byte_in, text_bytes


@given(st.lists(st.text(alphabet='a,"女\n=', max_size=4), min_size=1, max_size=20), st.integers(0, 5))
def test_each_cells_bytes_are_found_in_a_slice_and_in_chunks(texts, start):
    whole = pa.array(texts, pa.large_string())
    for text in (whole.slice(min(start, len(texts))), pa.chunked_array([whole[:1], whole[1:]])):
        offsets, data = text_bytes(text)
        cells = text.to_pylist() if isinstance(text, pa.Array) else text.combine_chunks().to_pylist()
        assert [bytes(data[offsets[i]:offsets[i + 1]]).decode() for i in range(len(cells))] == cells


def test_bytes_among_the_chosen_are_marked():
    assert byte_in(np.frombuffer(b"a,b=", np.uint8), frozenset(b",=")).tolist() == [False, True, False, True]
    offsets, data = text_bytes(pa.array(["", ""], pa.large_string()))
    assert offsets.tolist() == [0, 0, 0] and len(data) == 0
