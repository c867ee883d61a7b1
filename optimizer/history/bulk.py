"""Many rows into the run history at once: a table's columns from a frame, sent in bulk.

A million recommendations are turned into Python values a chunk at a time and go in as binary
``COPY`` on PostgreSQL and as multi-row ``INSERT`` statements on SQLite (as many rows to a statement
as its parameters allow), inside the caller's transaction. On SQLite a missing cell is sent as a float
NaN, which SQLite stores as NULL: the driver binds a float directly, where ``None`` first goes through
its adapter look-up, which doubled the time of a table with many missing cells. An ``until`` event
(a recording cancelled from another thread) ends the insert at the next chunk with :class:`Stopped`.
"""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from optimizer.history.database import recommendations

INSERT_CHUNK = 5_000
#: Parameters of one SQLite statement: no build allows fewer (999 before SQLite 3.32). A run's rows go in
#: as many to a statement as fit, which costs SQLite a third less than one statement per row.
SQLITE_PARAMETERS = 999
#: Recommendation columns taken from the plan's bids table (the table's own name where it differs).
RECOMMENDATION_SOURCES = {"current_cpc": "cpc"}


class Stopped(Exception):
    """An insert ended early because its ``until`` event was set; the caller's transaction rolls back."""


@dataclasses.dataclass(frozen=True)
class Rows:
    """Rows to insert, column by column: names, each column's values as an array and where values are missing.

    :meth:`tuples` (a row at a time, for COPY) and :meth:`flat` (many rows to a list, for a multi-row
    INSERT) turn them into plain Python values a chunk at a time, so a million rows never stand in
    memory as Python objects all at once.
    """

    names: list[str]
    #: numpy arrays, or Arrow text (made Python strings a chunk at a time, like the rest)
    columns: list[np.ndarray | pa.Array]
    missing: list[np.ndarray | None]

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def tuples(self, chunk: int = INSERT_CHUNK, until: threading.Event | None = None):
        for start in range(0, len(self), chunk):
            _go_on(until)
            yield from zip(*self._lists(start, start + chunk))

    def flat(self, per_statement: int, start: int = 0, stop: int | None = None, chunk: int = INSERT_CHUNK,
             null: float | None = None, until: threading.Event | None = None):
        """The values of rows ``start`` to ``stop`` row after row in one list per ``per_statement`` rows (the
        parameters of a multi-row INSERT), ``null`` where a value is missing; the last list holds what is left.
        Each chunk raises :class:`Stopped` first if ``until`` is set."""
        stop = len(self) if stop is None else stop
        width, step = len(self.columns), per_statement * max(1, chunk // per_statement)
        for first in range(start, stop, step):
            _go_on(until)
            lists = self._lists(first, min(first + step, stop), null)
            values = [None] * (len(lists[0]) * width)
            for position, column in enumerate(lists):
                values[position::width] = column
            for begin in range(0, len(values), per_statement * width):
                yield values[begin:begin + per_statement * width]

    def _lists(self, start: int, stop: int, null: float | None = None) -> list[list]:
        return [_python(values[start:stop], None if missing is None else missing[start:stop], null)
                for values, missing in zip(self.columns, self.missing)]


def _go_on(until: threading.Event | None) -> None:
    if until is not None and until.is_set():
        raise Stopped("the recording was stopped")


def _python(values: np.ndarray | pa.Array, missing: np.ndarray | None, null: float | None = None) -> list:
    """Plain Python values of a slice of a column, ``null`` (None or NaN) where missing, without a loop per cell."""
    if missing is None:
        return values.to_pylist() if isinstance(values, pa.Array) else values.tolist()
    if (isinstance(values, np.ndarray) and values.dtype.kind == "f" and null is not None and math.isnan(null)
            and np.isnan(values[missing]).all()):
        return values.tolist()   # a float column is NaN where it is missing already
    if isinstance(values, pa.Array):
        plain = values.to_numpy(zero_copy_only=False, writable=True)   # objects: None where null
    else:
        plain = values.astype(object)   # a copy: the column itself stays as it is
    plain[missing] = null
    return plain.tolist()


def table_rows(frame: pd.DataFrame, table: sa.Table, run_id: int, positions: bool = False) -> Rows:
    """The table's columns from a frame, as arrays of the columns' types, vectorised per column."""
    count = len(frame)
    columns = {"run_id": (np.full(count, run_id, dtype=np.int64), None)}
    if positions:
        columns["position"] = (np.arange(count, dtype=np.int64), None)
    for column in table.columns:
        source = RECOMMENDATION_SOURCES.get(column.name, column.name) if table is recommendations else column.name
        if column.name in ("run_id", "position") or source not in frame:
            continue
        columns[column.name] = _array(frame[source], column)
    return Rows(list(columns), [values for values, _ in columns.values()], [missing for _, missing in columns.values()])


def _array(values: pd.Series, column: sa.Column) -> tuple[np.ndarray, np.ndarray | None]:
    """A column's values as an array (floats for a Float column, numbers as numbers, else objects) and its gaps."""
    missing = values.isna().to_numpy()
    if isinstance(column.type, sa.Float) and values.dtype.kind in "fiub":
        array = values.to_numpy(dtype=float, na_value=np.nan)
    elif values.dtype.kind in "iub" and not missing.any():
        array = values.to_numpy()
    elif isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        array = pa.array(values)   # the text as it is: a million Python strings never stand at once
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    elif pd.api.types.is_string_dtype(values) or (isinstance(values.dtype, pd.CategoricalDtype)
                                                   and pd.api.types.is_string_dtype(values.dtype.categories)):
        array = values.astype(object).to_numpy()   # Python str already (inferred, for an object column)
    else:   # numbers among objects: numpy scalars become Python ones
        array = np.array([value.item() if hasattr(value, "item") else value for value in values.astype(object)],
                         dtype=object)
    return array, missing if missing.any() else None


def insert(connection: Connection, table: sa.Table, rows: Rows, until: threading.Event | None = None) -> None:
    """Insert in bulk on the transaction's own connection: COPY on PostgreSQL, executemany of tuples on SQLite;
    :class:`Stopped` between two chunks once ``until`` is set."""
    if not len(rows):
        return
    raw = connection.connection.driver_connection
    names = ", ".join(f'"{name}"' for name in rows.names)
    if connection.dialect.name == "postgresql":   # binary COPY: no number is formatted as text and parsed back
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)') as copy:
            copy.set_types([_copy_type(table.c[name]) for name in rows.names])
            for row in rows.tuples(until=until):
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        per_statement = max(1, SQLITE_PARAMETERS // len(rows.names))
        whole = len(rows) - len(rows) % per_statement
        insert = f'INSERT INTO "{table.name}" ({names}) VALUES '
        null = sqlite_null(raw)
        cursor = raw.cursor()
        try:
            if whole:
                cursor.executemany(insert + _marks(len(rows.names), per_statement),
                                   rows.flat(per_statement, stop=whole, null=null, until=until))
            if whole < len(rows):
                left = len(rows) - whole
                cursor.execute(insert + _marks(len(rows.names), left), next(rows.flat(left, start=whole, null=null)))
        finally:
            cursor.close()
    else:
        chunk: list[dict] = []
        for row in rows.tuples(until=until):
            chunk.append(dict(zip(rows.names, row)))
            if len(chunk) == INSERT_CHUNK:
                connection.execute(table.insert(), chunk)
                chunk = []
        if chunk:
            connection.execute(table.insert(), chunk)


def sqlite_null(raw) -> float | None:
    """What a missing cell is sent as: NaN where this SQLite stores a bound NaN as NULL (every build we know),
    else ``None``, which the driver binds as NULL after looking for an adapter, at twice the cost of the float."""
    cursor = raw.execute("SELECT typeof(?)", (math.nan,))
    try:
        return math.nan if cursor.fetchone()[0] == "null" else None
    finally:
        cursor.close()


def _marks(width: int, count: int) -> str:
    """``(?, ?), (?, ?)``: the placeholders of ``count`` rows of ``width`` values."""
    return ", ".join(["(" + ", ".join("?" * width) + ")"] * count)


def _copy_type(column: sa.Column) -> str:
    """The PostgreSQL type a column's values are sent as in a binary COPY."""
    kind = column.type
    if isinstance(kind, sa.Float):
        return "float8"
    if isinstance(kind, sa.BigInteger):
        return "int8"
    if isinstance(kind, sa.Integer):
        return "int4"
    if isinstance(kind, sa.String):   # Text is a String
        return "text"
    raise TypeError(f"no COPY type for column {column.name} ({kind})")
