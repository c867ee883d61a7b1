"""The period a report covers, from the file itself: a title line's date range, Start/End Date
columns, or Month and Week rows spread over their days.

A report with a date column is daily and needs none of this. A summary report states its range
in a title line ("Campaign report (January 01, 2025 - November 18, 2025)", "2025-10-01 至
2025-10-31") or in Start Date / End Date columns; a report by month or week gives each row a
period start, and a month's figures are spread evenly over that month's days (clipped to the
title's range, so a partial last month counts only the days reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.i18n import say
from optimizer.reading.cells import DATE_COLUMNS

#: Figures that add up over days: spread over a month's days; rates, bids and budgets are not.
ADDITIVE = ("impressions", "clicks", "spend", "orders", "revenue")
_DATE = (r"(?:[A-Za-z]{3,9}\.? [0-9]{1,2}, [0-9]{4}|[0-9]{1,2} [A-Za-z]{3,9}\.? [0-9]{4}"
         r"|[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})")
_RANGE = re.compile(rf"({_DATE})\s*(?:-|–|—|~|～|至|到|to)\s*({_DATE})", re.IGNORECASE)
#: A title line's one date is the day it reports ("Keyword report (Jun 14, 2016)") unless it says when it was made.
_ONE_DAY = re.compile(rf"(?<![0-9A-Za-z])({_DATE})(?![0-9])")
_MADE = re.compile(r"generated|downloaded|created|exported|run on|as of|生成|下载|导出|创建", re.IGNORECASE)
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/[0-9]{4}")
_ALL_TIME = re.compile(r"\ball time\b|全部时间|所有时间", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """The days a report covers, and where that was read; ``start`` and ``end`` None: "All time"."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    source: str

    @property
    def days(self) -> int | None:
        """Days from start to end, both counted; None when the file states no bounded range."""
        if self.start is None or self.end is None:
            return None
        return int((self.end - self.start).days) + 1

    def describe(self) -> str:
        if self.days is None:
            return say("read.period.unbounded", source=self.source)
        return say("read.period.stated", first=f"{self.start:%Y-%m-%d}", last=f"{self.end:%Y-%m-%d}", days=self.days,
                   source=self.source)


def title_period(titles: list[str]) -> Period | None:
    """The first date range, single day or "All time" in the lines above the header."""
    for line in titles:
        found = _dates(line)
        if found:
            order = _slash_order(found)
            if order is None:
                return Period(None, None, say("read.period.title_ambiguous", line=_shown(line)))
            start, end = (pd.to_datetime(_normal(text), errors="coerce", dayfirst=order) for text in found)
            if pd.notna(start) and pd.notna(end) and start <= end:
                return Period(start.normalize(), end.normalize(), say("read.period.title", line=_shown(line)))
        if _ALL_TIME.search(line):
            return Period(None, None, say("read.period.title", line=_shown(line)))
    return None


def _dates(line: str) -> tuple[str, str] | None:
    """The texts of the line's first and last day: its range, else its only date (unless it says when it was made)."""
    found = _RANGE.search(line)
    if found:
        return found.group(1), found.group(2)
    days = _ONE_DAY.findall(line)
    return (days[0], days[0]) if len(days) == 1 and not _MADE.search(line) else None


def _slash_order(texts: tuple[str, ...]) -> bool | None:
    """dayfirst for pandas: False unless a slashed date has a day above 12 first; None when both orders read
    the range differently (01/03/2026 - 07/03/2026: a week of March, or half a year)."""
    parts = [tuple(map(int, match.groups())) for match in map(_SLASHED.fullmatch, texts) if match]
    if any(first > 12 for first, second in parts):
        return True
    if any(second > 12 for first, second in parts) or all(first == second for first, second in parts):
        return False
    return None


def _shown(line: str) -> str:
    return line.replace("\ufeff", "").strip().strip('"').strip()[:80]


def _normal(text: str) -> str:
    """"2025年10月1日" -> "2025-10-1", "Sept. 3, 2025" -> "Sep 3, 2025" and "3 Sept. 2025" -> "3 Sep 2025", for pandas' parser."""
    text = re.sub(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日", r"\1-\2-\3", text)
    return re.sub(r"(?<![A-Za-z])([A-Za-z]{3})[A-Za-z]*\.?", r"\1", text)


def with_dates(frame: pd.DataFrame, title: Period | None) -> tuple[pd.DataFrame, Period | None]:
    """The frame with one ``date`` per row where the file dates its rows, and the period it covers.

    A date column wins; Month or Week rows become daily rows; Start/End Date columns give the
    period of an undated summary; otherwise the title's range (or None: the file does not say).
    """
    spans = [name for name in DATE_COLUMNS[1:] if name in frame]
    if "date" in frame or not spans:
        return frame.drop(columns=spans), title
    if "month" in frame or "week" in frame:
        column = "month" if "month" in frame else "week"
        return _spread(frame, column, title).drop(columns=spans), title
    starts = frame.get("start_date", frame.get("end_date"))
    ends = frame.get("end_date", starts)
    if starts.notna().any() and ends.notna().any():
        found = Period(starts.min().normalize(), ends.max().normalize(), say("read.period.start_end"))
        return frame.drop(columns=spans), found
    return frame.drop(columns=spans), title


def _spread(frame: pd.DataFrame, column: str, title: Period | None) -> pd.DataFrame:
    """Each month's (or week's) row as one row per day, its additive figures divided evenly."""
    first = frame[column].dt.normalize()
    if column == "month":
        first = first.dt.to_period("M").dt.start_time
        last = first + pd.offsets.MonthEnd(0)
    else:
        last = first + pd.Timedelta(days=6)
    if title is not None and title.days is not None:
        first, last = first.clip(lower=title.start), last.clip(upper=title.end)
    days = ((last - first).dt.days + 1).fillna(1).clip(lower=1).astype("int64").to_numpy()
    row = np.repeat(np.arange(len(frame)), days)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(days) - days, days)
    daily = frame.iloc[row].reset_index(drop=True)
    daily["date"] = first.to_numpy()[row] + pd.to_timedelta(offset, unit="D")
    for name in ADDITIVE:
        if name in daily:
            daily[name] = daily[name] / days[row]
    return daily
