"""The UTF-8 bytes of an Arrow text column, for screens that look at every byte of a million cells at once.

A question about single characters (does any cell start with ``=``, hold a comma, hold anything but a
digit?) is answered by one table lookup per byte of the column's data buffer, without a Python object
per cell; only the few cells it marks go on to the slower, exact check.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def text_bytes(text: pa.LargeStringArray | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The cells' UTF-8 bytes (without a copy where the text is in one chunk): cell ``i`` is
    ``data[offsets[i]:offsets[i + 1]]``."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    data = text.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def byte_in(values: np.ndarray, chosen: frozenset[int]) -> np.ndarray:
    """Which of the bytes ``values`` are among ``chosen``: one lookup per byte."""
    table = np.zeros(256, bool)
    table[list(chosen)] = True
    return table[values]
