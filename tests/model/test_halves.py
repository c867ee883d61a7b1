"""Two halves of rows at once: the same bits as one pass, split only where it pays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model import halves


def _row_work(table: np.ndarray, out: np.ndarray):
    """A row-independent step of the kind the candidate tables take: ufuncs, a sort and running sums per row."""
    def work(rows: slice) -> None:
        block = np.sort(np.log1p(np.abs(table[rows])), axis=1, kind="stable")
        out[rows] = np.cumsum(block, axis=1) / (1.0 + block.max(axis=1, initial=0.0))[:, None]
    return work


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 41), columns=st.integers(1, 7), seed=st.integers(0, 10_000))
def test_the_two_halves_give_every_cell_the_same_bits_as_one_pass(rows, columns, seed):
    table = np.random.default_rng(seed).normal(0.0, 3.0, (rows, columns))
    whole, split = np.empty_like(table), np.empty_like(table)
    halves.by_halves(rows, table.size, _row_work(table, whole))   # below the threshold: one pass
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(halves, "SPLIT_CELLS", 1)
        patch.setattr(halves.os, "cpu_count", lambda: 2)
        blocks = halves.halves(rows, table.size)
        halves.by_halves(rows, table.size, _row_work(table, split))
    assert whole.tobytes() == split.tobytes()
    # the blocks cover every row once, in order: two halves from two rows on, one block of a single row
    assert [block.indices(rows) for block in blocks] == (
        [(0, rows // 2, 1), (rows // 2, rows, 1)] if rows >= 2 else [(0, rows, 1)])


def test_a_table_is_split_only_from_the_threshold_and_on_two_cores(monkeypatch):
    assert halves.halves(1000, halves.SPLIT_CELLS - 1) == (slice(0, 1000),)
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 2)
    assert halves.halves(1001, halves.SPLIT_CELLS) == (slice(0, 500), slice(500, 1001))
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 1)
    assert halves.halves(1001, halves.SPLIT_CELLS) == (slice(0, 1001),)
    monkeypatch.setattr(halves.os, "cpu_count", lambda: None)
    assert halves.halves(1001, halves.SPLIT_CELLS) == (slice(0, 1001),)


def test_an_error_in_either_half_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(halves, "SPLIT_CELLS", 1)
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 2)

    def work(rows: slice) -> None:
        if rows.start:
            raise ValueError(f"rows from {rows.start}")

    with pytest.raises(ValueError, match="rows from 5"):
        halves.by_halves(10, 10, work)
