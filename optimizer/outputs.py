"""The files a run leaves: bids.csv, plans.csv, summary.json, summary.md — all or none.

Every file is first written to a temporary name in the output folder and only
renamed into place (``os.replace``) once all of them are written, so a run that
fails leaves no new partial files. CSVs are UTF-8 with a BOM so that Excel shows
Chinese names; a text cell starting with ``= + - @`` (or a tab / carriage return)
is prefixed with ``'`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

BID_COLUMNS = [
    "plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "change_pct", "action",
    "impressions", "clicks", "spend", "orders", "revenue", "roi", "reason",
]
PLAN_COLUMNS = [
    "plan", "current_spend", "new_budget", "daily_limit", "clicks", "orders", "revenue", "roi",
]


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype(str)
            risky = text.str.startswith(FORMULA_START)
            out[column] = text.where(~risky, "'" + text)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV Excel opens correctly: UTF-8 with BOM, neutralized cells, fixed float formatting."""
    text = neutralize(frame).to_csv(index=False, lineterminator="\n", float_format="%.6g")
    return ("\ufeff" + text).encode("utf-8")


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
    for temporary_path, final in staged:
        os.replace(temporary_path, final)
    return [final for _, final in staged]
