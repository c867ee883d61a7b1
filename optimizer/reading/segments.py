"""Rows split by Google's Click type segment: each unit's impressions counted once.

Segmented by click type, a Google Ads report gives a campaign (ad group, keyword) one row per click
type: headline, sitelink, image, call, promotion. An ad shown with its headline and two sitelinks
counts one impression in each of those rows, so the rows' impressions add up to more than the ad
was shown (Google's own download leaves the sums of such a report empty for that reason), while
its clicks, cost and conversions are each counted in one row and add up. Each unit's rows of a day
become one: the impressions of its click type with the most (the headline's, shown with every
impression), every other figure summed.
"""

from __future__ import annotations

import pandas as pd

from optimizer.i18n import say

#: The canonical column of the segment.
CLICK_TYPE = "click_type"
#: Columns that tell a unit and its day apart: the rows of one unit and day differ only in their click type.
UNIT_KEYS = ("plan", "ad_group", "keyword", "match_type", "search_term", "date", "start_date", "end_date", "month",
             "week", "record_type", "state", "campaign_type", "source")
#: Figures each click type counts once: summed over a unit's rows.
SUMMED = ("clicks", "spend", "orders", "revenue")
#: Rates of a row: no rate of the unit once its rows are one (its figures give them).
RATES = ("ctr", "cpc", "cvr", "roi", "acos")


def impressions_once(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``frame`` with each unit's rows of a day, split by click type, made one; and the note that says so.

    A file without a click type column comes back as it is; one with a click type but no impressions, or one
    row per unit, without the column.
    """
    if CLICK_TYPE not in frame:
        return frame, ()
    keys = [column for column in UNIT_KEYS if column in frame]
    unit = frame.groupby(keys, dropna=False, sort=False).ngroup() if keys else pd.Series(0, index=frame.index)
    if "impressions" not in frame or not unit.duplicated().any():
        return frame.drop(columns=CLICK_TYPE), ()
    rows = frame.assign(unit=unit.to_numpy())
    grouped = rows.groupby("unit", sort=True)
    figures = {column: "sum" for column in SUMMED if column in frame}
    others = {column: "max" if pd.api.types.is_numeric_dtype(frame[column]) and column != "row" else "first"
              for column in frame.columns if column not in (*SUMMED, *RATES, CLICK_TYPE, "impressions")}
    one = grouped.agg({"impressions": "max", **figures, **others})
    for column in figures:   # a unit whose every row is missing the figure still misses it
        one[column] = one[column].where(grouped[column].count() > 0)
    one = one.sort_values("row", kind="stable").reset_index(drop=True)
    note = say("read.click_type", name=name, rows=len(frame), units=len(one))
    return one[[column for column in frame.columns if column in one]], (note,)
