"""The files a run leaves: bids.csv, plans.csv, summary.json, summary.md — all or none.

Every file is first written to a temporary name in the output folder and only
renamed into place (``os.replace``) once all of them are written, so a run that
fails leaves no new partial files, and each file gets the permissions the user's
umask gives a new file (readable by the group where the umask says so). CSVs are
UTF-8 with a BOM so that Excel shows Chinese names; money is written to the cent
and other numbers to six significant digits; a text cell starting with
``= + - @`` (or their full-width forms, after blanks, or a tab / carriage return),
and such a header, is prefixed with ``'`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from optimizer import numtext
from optimizer.outputs import safe_text
from optimizer.text_bytes import byte_in, text_bytes

BID_COLUMNS = [
    "plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "change_pct", "action",
    "impressions", "clicks", "spend", "orders", "revenue", "roi", "reason",
]
PLAN_COLUMNS = [
    "plan", "current_spend", "new_budget", "daily_limit", "clicks", "orders", "revenue", "roi",
]
#: Columns that hold money, written to the cent (``1234.50``) in every CSV that has them.
MONEY_COLUMNS = frozenset({
    "current_bid", "new_bid", "upload_bid", "bid", "cpc", "spend", "revenue", "budget", "current_spend", "new_budget",
    "daily_limit", "before_spend", "after_spend", "before_revenue", "after_revenue", "value_per_click",
    "shrunk_value_per_click", "supported_value_per_click",
})


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells and headers that a spreadsheet would read as a formula (:func:`safe_text.cell`)."""
    out = frame.copy(deep=False)   # each column is replaced, not changed in place: no copy of the whole frame
    for column in out.columns:
        out[column] = safe_text.cells(out[column])
    return out.set_axis([safe_text.cell(column) for column in out.columns], axis=1)


def csv_bytes(frame: pd.DataFrame, money: frozenset[str] = MONEY_COLUMNS) -> bytes:
    """A CSV Excel opens correctly: UTF-8 with BOM, neutralized cells, floats in ``money`` columns to the cent."""
    frame = neutralize(frame)
    if len(frame.columns) < 2 or not all(_fast_kind(frame[column]) for column in frame.columns):
        return ("\ufeff" + _cents(frame, money).to_csv(index=False, lineterminator="\n", float_format="%.6g")
                ).encode("utf-8")
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(column) for column in frame.columns])
    if not len(frame):
        return ("\ufeff" + header.getvalue()).encode("utf-8")
    cells = [_cell_text(frame[column], cents=column in money) for column in frame.columns]
    cells = [_quoted(text) if text.type == pa.large_string() and _is_text(frame[column]) else text
             for column, text in zip(frame.columns, cells)]
    comma, newline, empty = (pa.scalar(text, pa.large_string()) for text in (",", "\n", ""))
    cells[-1] = pc.binary_join_element_wise(cells[-1], newline, empty)   # each line ends in the last cell
    lines = pc.binary_join_element_wise(*cells, comma)
    del cells   # the columns' text is in the lines now: let it go before the bytes are made
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
    body = memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]
    return b"".join([("\ufeff" + header.getvalue()).encode("utf-8"), body])


def _fast_kind(column: pd.Series) -> bool:
    """Column types :func:`_cell_text` writes exactly as pandas' ``to_csv`` would; others take pandas' path."""
    dtype = column.dtype
    return (dtype == np.float64 or dtype == bool or (dtype.kind == "i" and isinstance(dtype, np.dtype))
            or (dtype == object and column.map(type).eq(str).all()) or isinstance(dtype, pd.StringDtype))


def _is_text(column: pd.Series) -> bool:
    """Only text cells can hold a comma, a quote or a line break: numbers and booleans never need quotes."""
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)


def _cents(frame: pd.DataFrame, money: frozenset[str]) -> pd.DataFrame:
    """The frame with its float money columns as text to the cent (missing stays empty), for pandas' writer."""
    columns = [column for column in frame.columns if column in money and frame[column].dtype == np.float64]
    if not columns:
        return frame
    return frame.assign(**{column: _cell_text(frame[column], cents=True).to_pandas() for column in columns})


def _cell_text(column: pd.Series, cents: bool = False) -> pa.Array:
    """Every cell as pandas writes it with ``float_format="%.6g"`` (``"%.2f"`` for ``cents``) and ``na_rep=""``,
    as Arrow text (10^6 rows/s)."""
    dtype = column.dtype
    if dtype == np.float64:
        values = column.to_numpy()
        missing = np.isnan(values)
        known = np.where(missing, 0.0, values)
        text = numtext.fixed(known, 2) if cents else numtext.general(known)
        return pc.if_else(pa.array(missing), pa.scalar("", pa.large_string()), text) if missing.any() else text
    if dtype == bool:
        return pc.if_else(pa.array(column.to_numpy()), pa.scalar("True", pa.large_string()),
                          pa.scalar("False", pa.large_string()))
    if dtype.kind == "i":
        return pc.cast(pa.array(column.to_numpy()), pa.large_string())
    text = pc.fill_null(pc.cast(pa.array(column, from_pandas=True), pa.large_string()), "")
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text   # pandas' Arrow-backed text


def _quoted_by_csv(char: str) -> bool:
    """Whether Python's csv module (lines ending in ``\n``) quotes a cell holding ``char``: ``\r`` depends on
    the Python version."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["a" + char])
    return out.getvalue().startswith('"')


#: Cells sampled to tell a column of few distinct cells from one of mostly distinct ones.
_SAMPLE_CELLS = 4096
#: The bytes that make the csv module quote a cell (comma, quote, ``\n``, and ``\r`` where it does).
_SPECIAL_BYTES = frozenset(ord(char) for char in ',"\n\r' if _quoted_by_csv(char))


def _quoted(text: pa.Array) -> pa.Array:
    """Cells as Python's csv module writes them: one holding a :data:`_SPECIAL_BYTES` character goes in quotes,
    its quotes doubled. A long column of few distinct cells (reasons, actions) quotes each distinct cell once."""
    if len(text) > 4 * _SAMPLE_CELLS:
        sample = pc.take(text, pa.array(np.linspace(0, len(text) - 1, _SAMPLE_CELLS).astype(np.int64)))
        if pc.count_distinct(sample).as_py() < _SAMPLE_CELLS // 4:
            encoded = pc.dictionary_encode(text)
            quoted = _quoted(encoded.dictionary)
            return text if quoted is encoded.dictionary else pc.take(quoted, encoded.indices)   # none quoted: as it is
    offsets, data = text_bytes(text)
    hits = np.flatnonzero(byte_in(data[offsets[0]:offsets[-1]], _SPECIAL_BYTES)) + offsets[0]
    if not len(hits):
        return text
    special = np.zeros(len(text), bool)
    special[np.searchsorted(offsets, hits, side="right") - 1] = True   # the cell each such byte is in
    special = pa.array(special)
    quote = pa.scalar('"', pa.large_string())
    chosen = pc.replace_substring(pc.filter(text, special), '"', '""')
    quoted = pc.binary_join_element_wise(quote, chosen, quote, pa.scalar("", pa.large_string()))
    return pc.replace_with_mask(text, special, quoted)


def json_bytes(data: Mapping) -> bytes:
    """Stable JSON: sorted keys, NaN/inf as null, so the same input gives the same bytes."""
    return (json.dumps(_clean(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _clean(value):
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 6)
    if isinstance(value, Mapping):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


@contextmanager
def naming(path: Path):
    """An OSError raised inside names ``path`` when it names no file (a full disk fails a write, not an open)."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            raise OSError(error.errno, error.strerror or str(error), str(path)) from error
        raise


def write_all(folder: Path, files: Mapping[str, bytes | Callable[[Path], None]]) -> list[Path]:
    """Write every file to a temporary name, then rename them all into place.

    A value is either the file's bytes or a function that writes the file to the
    path it is given (for formats written by another library, such as XLSX). A name
    may hold a sub-folder (``weekly/ztc-bids.csv``); sub-folders made here are removed
    again when a file fails.
    """
    created = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            final = folder / name
            if ".." in Path(name).parts or Path(name).is_absolute():
                raise ValueError(f"output name {name!r} must stay inside {folder}")
            created += [parent for parent in reversed(final.parents) if not parent.exists()]
            final.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
            os.close(handle)
            temporary_path = Path(temporary)
            staged.append((temporary_path, final))
            with naming(final):
                if callable(content):
                    content(temporary_path)
                else:
                    temporary_path.write_bytes(content)
    except BaseException:
        for temporary_path, _ in staged:
            temporary_path.unlink(missing_ok=True)
        for made in sorted(set(created), key=lambda path: len(path.parts), reverse=True):
            if made.is_dir() and not any(made.iterdir()):
                made.rmdir()
        raise
    mode = new_file_mode()
    for temporary_path, final in staged:
        os.chmod(temporary_path, mode)   # mkstemp makes 0600 whatever the umask
        os.replace(temporary_path, final)
    return [final for _, final in staged]


def new_file_mode() -> int:
    """The permissions ``open()`` would give a new file under the process's umask (0644 under umask 022)."""
    return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask."""
    try:   # Linux says the umask without changing it (os.umask can only be read by setting it)
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Umask:")), 8)
    except (OSError, StopIteration, ValueError):
        umask = os.umask(0o022)
        os.umask(umask)
        return umask
