"""How a file was read, said to the user: platform, kind of report, period, rows kept and skipped, columns.

The platform and kind are recognised from the headers a file has (``Customer Search Term`` is Amazon's,
``Conv. value`` Google's, ``Request Id`` above the header Microsoft's, Chinese headers 直通车's or
京东's); they describe the reading and never change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from optimizer.reading.headers import normalise_header
from optimizer.reading.report_file import Report

_MARKERS = (
    ("Amazon Ads", ("customer search term", "targeting", "7 day total sales", "14 day total sales", "record type",
                    "ad group default bid", "keyword or product targeting", "portfolio name", "entity")),
    ("Microsoft Advertising", ("bid match type", "delivered match type", "return on ad spend", "budget type")),
    ("Google Ads", ("conv. value", "avg. cpc", "conv. value / cost", "search keyword", "all conv. value",
                    "added/excluded", "cost / conv.")),
    ("Meta (Facebook) ads", ("amount spent", "xyz_campaign_id", "fb_campaign_id", "reach", "spent")),
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUERIES = ("search term", "customer search term", "search query", "搜索词", "搜索查询词")


@dataclass(frozen=True)
class FileRead:
    """One file as it was read: what it is, the days it covers, what was kept and why, which columns counted."""

    name: str
    platform: str
    kind: str
    period: str
    rows_read: int
    rows_kept: int
    units: int
    columns_used: tuple[str, ...]
    columns_ignored: tuple[str, ...]
    notes: tuple[str, ...]

    def to_json(self) -> dict:
        return {"file": self.name, "platform": self.platform, "kind": self.kind, "period": self.period,
                "rows_read": self.rows_read, "rows_kept": self.rows_kept, "units": self.units,
                "columns_used": list(self.columns_used), "columns_ignored": list(self.columns_ignored),
                "notes": list(self.notes)}


def describe(report: Report, *, rows_kept: int, units: int, history_days: int) -> FileRead:
    """The reading of ``report``: ``rows_kept`` of its rows went into ``units`` units over ``history_days``."""
    normal = {normalise_header(header) for header in report.file_headers}
    used = set(report.headers.values())
    return FileRead(
        name=report.path.name, platform=_platform(normal, report.titles), kind=_kind(report, normal),
        period=_period(report, history_days), rows_read=report.rows_read, rows_kept=rows_kept, units=units,
        columns_used=tuple(f"{header} -> {canonical}" for canonical, header in report.headers.items()),
        columns_ignored=tuple(header for header in report.file_headers
                              if header not in used and not header.startswith("Unnamed: ")),
        notes=report.notes)


def _platform(normal: set[str], titles: tuple[str, ...]) -> str:
    if any(_CJK.search(header) for header in normal):
        return "直通车 / 京东快车 / 万相台 (Chinese headers)"
    if any("request id" in line.lower() for line in titles):
        return "Microsoft Advertising"
    for platform, markers in _MARKERS:
        if normal & set(markers):
            return platform
    return "not recognised (read by its column names)"


def _kind(report: Report, normal: set[str]) -> str:
    columns = set(report.headers)
    if "record_type" in columns:
        kind = "bulk file"
    elif normal & set(_QUERIES):
        kind = "search term report"
    elif "keyword" in columns:
        kind = "keyword / targeting report"
    elif "ad_group" in columns:
        kind = "ad group / item report"
    elif "plan" in columns:
        kind = "campaign report"
    else:
        kind = "account totals"
    rows = next((f"by {name}" for name in ("date", "week", "month") if name in columns), "summary over a period")
    return f"{kind}, {'by day' if rows == 'by date' else rows}"


def _period(report: Report, history_days: int) -> str:
    frame = report.frame
    if "date" in frame and frame["date"].notna().any():
        first, last = frame["date"].min(), frame["date"].max()
        origin = "its month rows" if "month" in report.headers else (
            "its week rows" if "week" in report.headers else "its date column")
        return f"{first:%Y-%m-%d} to {last:%Y-%m-%d} ({origin})"
    if report.period is not None and report.period.days is not None:
        return report.period.describe()
    return f"{history_days} days (given by --period-days / [data] period_days)"
