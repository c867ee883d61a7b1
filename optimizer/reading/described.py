"""How a file was read, said to the user: platform, kind of report, period, rows kept and skipped, columns.

The platform and kind are recognised from the headers a file has (``Customer Search Term`` is Amazon's,
``Conv. value`` Google's, ``Request Id`` above the header Microsoft's, Chinese headers 直通车's or
京东's); they describe the reading and never change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from optimizer.i18n import say
from optimizer.reading.currencies import one_code
from optimizer.reading.headers import normalise_header
from optimizer.reading.report_file import Report

_MARKERS = (
    ("amazon", ("customer search term", "targeting", "7 day total sales", "14 day total sales", "record type",
                    "ad group default bid", "keyword or product targeting", "portfolio name", "entity")),
    ("microsoft", ("bid match type", "delivered match type", "return on ad spend", "budget type")),
    ("google", ("conv. value", "avg. cpc", "conv. value / cost", "search keyword", "all conv. value",
                    "added/excluded", "cost / conv.", "optimisation score", "optimization score", "interactions",
                    "interaction rate", "search impr. share", "search top is", "search lost is", "status reasons")),
    ("meta", ("amount spent", "xyz_campaign_id", "fb_campaign_id", "reach", "spent")),
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
    #: The currency the file names (:func:`optimizer.reading.currencies.one_code`), "" when it names none or a sign only.
    currency: str = ""

    def to_json(self) -> dict:
        return {"file": self.name, "platform": self.platform, "kind": self.kind, "period": self.period,
                "rows_read": self.rows_read, "rows_kept": self.rows_kept, "units": self.units,
                "columns_used": list(self.columns_used), "columns_ignored": list(self.columns_ignored),
                "notes": list(self.notes), "currency": self.currency}


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
        notes=report.notes, currency=one_code(report.currency) or "")


def _platform(normal: set[str], titles: tuple[str, ...]) -> str:
    if any(_CJK.search(header) for header in normal):
        return say("read.platform.chinese")
    if any("request id" in line.lower() for line in titles):
        return say("read.platform.microsoft")
    # the platform whose own headers the file has most of: a header two platforms write ("Budget type") decides
    # nothing against two of one platform's own; max keeps the first of equal counts (_MARKERS' order)
    found = {platform: len(normal.intersection(markers)) for platform, markers in _MARKERS}
    platform = max(found, key=found.get)
    return say(f"read.platform.{platform}" if found[platform] else "read.platform.unknown")


def _kind(report: Report, normal: set[str]) -> str:
    columns = set(report.headers)
    if "record_type" in columns:
        kind = "bulk"
    elif normal & set(_QUERIES):
        kind = "search_terms"
    elif "keyword" in columns:
        kind = "keyword"
    elif "ad_group" in columns:
        kind = "ad_group"
    elif "plan" in columns:
        kind = "plan"
    else:
        kind = "account"
    rows = next((name for name in ("date", "week", "month") if name in columns), "summary")
    return say("read.kind", kind=say(f"read.kind.{kind}"), rows=say(f"read.rows.{rows}"))


def _period(report: Report, history_days: int) -> str:
    frame = report.frame
    if "date" in frame and frame["date"].notna().any():
        first, last = frame["date"].min(), frame["date"].max()
        origin = "month" if "month" in report.headers else ("week" if "week" in report.headers else "date")
        return say("read.period.dates", first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}",
                   origin=say(f"read.period.{origin}"))
    if report.period is not None and report.period.days is not None:
        return report.period.describe()
    return say("read.period.given", days=history_days)
