"""A GBK export's cells read without decoding the whole file: pyarrow splits the bytes, each column is transcoded once.

A daily 直通车 export holds millions of rows in GBK. Decoding the whole file to text and encoding it again as UTF-8
for the CSV parser costs more than parsing it. In GBK and GB18030 no byte of a two- or four-byte character is a
delimiter, a quote or a line end (their second and fourth bytes are 0x30 and up), so pyarrow can split the file's
own bytes into cells; each column's cells are then decoded in one call, and columns of ASCII cells (dates,
numbers) need no decoding at all. The cells come out as ``pd.read_csv(..., engine="pyarrow", dtype=str)`` gives
them from the decoded text; whatever this reading cannot take (ragged rows, a line break inside a cell, a byte
that does not decode) returns None, and the caller decodes the whole file as before.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv

#: Encodings (as ``codecs.lookup`` names them) whose multibyte characters never hold a delimiter, quote or line end.
BYTE_SAFE = ("gb2312", "gbk", "gb18030")
_BLOCK = 1 << 24   # bytes pyarrow parses at a time: fewer, larger column chunks to transcode
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)   # the "str" dtype read_csv gives text cells


def line_end(raw: bytes, count: int) -> int:
    """Offset just after the ``count``-th line end of ``raw`` (or its end)."""
    position = 0
    for _ in range(count):
        found = raw.find(b"\n", position)
        if found < 0:
            return len(raw)
        position = found + 1
    return position


def read_table(raw: bytes, start: int, header_line: str, delimiter: str, encoding: str) -> pd.DataFrame | None:
    """The rows of ``raw`` from byte ``start`` on under ``header_line``'s names, every cell as text; None when they
    cannot be read this way."""
    try:
        names = pd.read_csv(io.BytesIO(header_line.encode("utf-8")), engine="pyarrow", sep=delimiter, header=0,
                            dtype=str, keep_default_na=False, skip_blank_lines=False).columns
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(raw)[start:]),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={f"f{index}": pa.large_binary() for index in range(len(names))},
                                                 strings_can_be_null=False))
        if table.num_columns != len(names):
            return None
        columns = {name: pd.Series(_transcoded(table.column(index), encoding), dtype=_TEXT)
                   for index, name in enumerate(names)}
    except (pa.ArrowException, UnicodeDecodeError, ValueError):   # ValueError: pandas' ParserError and EmptyDataError
        return None
    return pd.DataFrame(columns, columns=names)


def _transcoded(column: pa.ChunkedArray, encoding: str) -> pa.ChunkedArray:
    """A column of cells in ``encoding`` as UTF-8 text: ASCII cells as they are, the others decoded in one call."""
    return pa.chunked_array([_chunk(chunk, encoding) for chunk in column.chunks], type=pa.large_string())


def _chunk(cells: pa.LargeBinaryArray, encoding: str) -> pa.LargeStringArray:
    """One block of a column: its bytes decoded in one call with a line end after each cell (no cell holds one
    here), then split at the line ends again by their positions."""
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int64, count=len(cells) + 1, offset=8 * cells.offset)
    data = cells.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8)[offsets[0]:offsets[-1]] if data is not None else np.zeros(0, np.uint8)
    if not np.any(data >= 0x80):
        return cells.view(pa.large_string())
    if np.any(data == 0x0A):   # a line break inside a quoted cell
        raise pa.ArrowInvalid("a cell holds a line break")
    joined = np.insert(data, offsets[1:] - offsets[0], 0x0A).tobytes()
    utf8 = np.frombuffer(joined.decode(encoding).encode("utf-8"), dtype=np.uint8)
    breaks = np.flatnonzero(utf8 == 0x0A)
    new_offsets = np.zeros(len(cells) + 1, dtype=np.int64)
    new_offsets[1:] = breaks - np.arange(len(cells))
    return pa.LargeStringArray.from_buffers(len(cells), pa.py_buffer(new_offsets), pa.py_buffer(np.delete(utf8, breaks)))
