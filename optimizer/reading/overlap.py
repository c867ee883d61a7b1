"""Reports that hold the same days of the same keywords: read once, not counted twice.

Operators pass last week's export beside last month's, or the same file twice. Rows of two files with
the same keyword (or plan), the same day and the same impressions, clicks and spend are one day's
traffic exported twice: it is read once, with the larger orders and revenue of the two (attribution
only grows as late orders come in, so the larger is the later export's). Rows of the same keyword and
day whose traffic differs (a report split by device, or by placement) are parts of one day, summed as
before; a warning names them, since a re-export with changed figures would be counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from optimizer.i18n import say

#: The figures that tell one day's traffic from another's.
TRAFFIC = ("impressions", "clicks", "spend")
#: The figures a later export may have more of (late orders).
ATTRIBUTED = ("orders", "revenue")


def read_once(frames: Sequence[pd.DataFrame], keys: Sequence[str]) -> tuple[list[pd.DataFrame], tuple[str, ...]]:
    """``frames`` without the rows an earlier file holds too (that file's rows get the larger orders and revenue);
    the warnings that say so, and that name days of one keyword in several files with different traffic."""
    frames = list(frames)
    shared = [key for key in keys if all(key in frame for frame in frames)]
    if len(frames) < 2 or "date" not in shared:
        return frames, ()
    traffic = [name for name in TRAFFIC if all(name in frame for frame in frames)]
    attributed = [name for name in ATTRIBUTED if all(name in frame for frame in frames)]
    stacked = pd.concat([frame[shared + traffic + attributed].assign(_file=number, _at=np.arange(len(frame)))
                         for number, frame in enumerate(frames)], ignore_index=True).dropna(subset=["date"])
    if not stacked.duplicated(shared).any():
        return frames, ()
    day = shared + traffic
    twice = stacked[stacked.groupby(day, dropna=False, sort=False)["_file"].transform("nunique") > 1]
    warnings = _differing(stacked, shared, day, frames)
    if not len(twice):
        return frames, warnings
    same_day = twice.groupby(day, dropna=False, sort=False)
    kept = twice["_file"] == same_day["_file"].transform("min")
    largest = {name: same_day[name].transform("max") for name in attributed}
    read = [_once(frame, twice[kept & (twice["_file"] == number)], twice[~kept & (twice["_file"] == number)], largest)
            for number, frame in enumerate(frames)]
    names = [frames[number]["source"].iat[0] for number in sorted(twice["_file"].unique())]
    return read, (say("warning.read_once", files=", ".join(names), count=f"{int((~kept).sum()):,}",
                      first=f"{twice['date'].min():%Y-%m-%d}", last=f"{twice['date'].max():%Y-%m-%d}"),) + warnings


def _once(frame: pd.DataFrame, kept: pd.DataFrame, dropped: pd.DataFrame, largest: dict) -> pd.DataFrame:
    """``frame`` without its ``dropped`` rows, its ``kept`` ones with the ``largest`` orders and revenue."""
    if not len(kept) and not len(dropped):
        return frame
    frame = frame.copy()
    for name, values in largest.items():
        frame.iloc[kept["_at"].to_numpy(), frame.columns.get_loc(name)] = values[kept.index].to_numpy()
    return frame.drop(index=frame.index[dropped["_at"].to_numpy()])


def _differing(stacked: pd.DataFrame, shared: list[str], day: list[str], frames) -> tuple[str, ...]:
    """A warning naming the files that hold one keyword's day with different traffic (summed)."""
    distinct = stacked.drop_duplicates(day)
    several = distinct[distinct.duplicated(shared, keep=False)]
    several = several[several.groupby(shared, dropna=False, sort=False)["_file"].transform("nunique") > 1]
    if not len(several):
        return ()
    names = [frames[number]["source"].iat[0] for number in sorted(several["_file"].unique())]
    return (say("warning.summed_across", files=", ".join(names),
                count=f"{len(several.drop_duplicates(shared)):,}"),)
