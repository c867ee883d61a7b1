"""Only units that take a bid are planned; a unit without its own bid takes its ad group's default.

A bulk file lists campaigns and ad groups beside the keywords (``Record Type`` / ``Entity``);
reports and bulk files list negative keywords and archived ones. None of them take a bid. A
keyword's empty ``Bid`` in an Amazon file means the ad group's default bid applies: from a
``Default Bid`` column, else from the ad group's own row. Performance Max campaigns take no
keyword bids at all: their rows are planned by budget only, or left out of a keyword plan.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from optimizer.i18n import say
from optimizer.reading.cells import each_distinct

#: Record types (lowercased) that are units of a keyword plan.
KEYWORD_RECORDS = ("keyword", "product targeting", "product target", "targeting", "audience targeting",
                   "contextual targeting", "关键词")
AD_GROUP_RECORDS = ("ad group", "adgroup", "推广单元")
#: States (lowercased) of rows that can no longer be bid on.
GONE_STATES = ("archived", "removed", "deleted", "已删除", "已归档", "删除")
NEGATIVE = "negative|否定"
AUTOMATIC = "performance max|pmax"


def bid_units(frame: pd.DataFrame, name: str, titles: list[str]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The rows that are units of the plan, bids filled from ad group defaults, and what was left out and why."""
    frame, filled = _default_bids(frame)
    notes: list[str] = []
    keyword_level = "keyword" in frame
    left_out = {
        "bulk": _where(frame, "record_type", lambda text: ~text.isin(KEYWORD_RECORDS + ("",))) & keyword_level,
        "negative": (_where(frame, "match_type", lambda text: text.str.contains(NEGATIVE))
                     | _where(frame, "record_type", lambda text: text.str.contains(NEGATIVE))),
        "gone": _where(frame, "state", lambda text: text.isin(GONE_STATES)),
    }
    automatic = _where(frame, "campaign_type", lambda text: text.str.contains(AUTOMATIC))
    titled = any("performance max" in line.lower() for line in titles)
    if keyword_level and (automatic.any() or titled):
        left_out["pmax"] = automatic | titled
    elif automatic.any() or titled:
        notes.append(say("read.pmax", name=name))
    dropped = pd.Series(False, index=frame.index)
    for why, mask in left_out.items():
        mask = mask & ~dropped
        if mask.any():
            notes.append(say("read.left_out", name=name, count=int(mask.sum()), why=say(f"read.left_out.{why}"),
                             noun=say("read.row" if mask.sum() == 1 else "read.rows")))
            dropped |= mask
    filled &= ~dropped
    if filled.any():
        notes.insert(0, say("read.default_bids", name=name, count=int(filled.sum()),
                            noun=say("read.row" if filled.sum() == 1 else "read.rows")))
    extra = [column for column in ("record_type", "state", "campaign_type", "default_bid") if column in frame]
    return frame[~dropped].drop(columns=extra), tuple(notes)


def _where(frame: pd.DataFrame, name: str, test: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``test`` of a text column stripped and lowercased, each distinct cell once; False where the file has none."""
    if name not in frame:
        return pd.Series(False, index=frame.index)
    return each_distinct(frame[name], lambda cells: (test(cells.astype(str).str.strip().str.lower()),))[0]


def _default_bids(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """An empty ``bid`` is the ad group's default: its ``default_bid`` cell, else its ad group row's bid.

    Returns the frame and the rows whose bid was filled so.
    """
    if "bid" not in frame or not frame["bid"].isna().any():
        return frame, pd.Series(False, index=frame.index)
    default = frame["default_bid"] if "default_bid" in frame else pd.Series(float("nan"), index=frame.index)
    keys = [key for key in ("plan", "ad_group") if key in frame]
    group_rows = _where(frame, "record_type", lambda text: text.isin(AD_GROUP_RECORDS))
    if group_rows.any() and keys:
        by_group = frame[group_rows].groupby(keys, sort=False)["bid"].max()
        index = pd.MultiIndex.from_frame(frame[keys]) if len(keys) > 1 else pd.Index(frame[keys[0]])
        default = default.fillna(pd.Series(by_group.reindex(index).to_numpy(), index=frame.index))
    filled = frame["bid"].isna() & default.notna() & ~group_rows
    return frame.assign(bid=frame["bid"].fillna(default)), filled
