"""Which column of an export is which: every canonical column's header aliases, and the header row.

Headers are matched after :func:`normalise_header`, so "Spend ($)", "spend" and " Spend "
name one column; the header row is the first with at least two known names.
"""

from __future__ import annotations

import re
from pathlib import Path

from optimizer.errors import InputDataError, Problem

#: Canonical column -> header aliases, preferred first (a file with two headers
#: for one column keeps the earlier alias). Matched after ``normalise_header``.
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("日期", "统计日期", "Date", "Day", "Report Date"),
    "start_date": ("开始日期", "起始日期", "Start Date", "Start date"),
    "end_date": ("结束日期", "End Date", "End date"),
    "month": ("月份", "Month"),
    "week": ("周", "Week"),
    "plan": ("推广计划名称", "推广计划", "计划名称", "计划", "Campaign Name", "Campaign",
             "广告计划", "广告计划名称", "计划名字", "xyz_campaign_id"),
    "ad_group": ("推广单元名称", "推广单元", "单元名称", "宝贝名称", "商品名称", "主体名称", "广告组", "广告组名称",
                 "Ad Group Name", "Ad group", "Ad set name"),
    "keyword": ("关键词", "关键词名称", "关键字", "Keyword", "Keyword text", "Targeting", "Search keyword",
                "Keyword or Product Targeting"),
    "search_term": ("Customer Search Term", "Search term", "Search query", "搜索词", "搜索查询词"),
    "match_type": ("匹配方式", "匹配类型", "Match type", "Search keyword match type",
                   "Keyword match type"),
    "bid": ("出价", "关键词出价", "当前出价", "Bid", "Max. CPC", "Max CPC", "Max CPC bid", "Keyword bid",
            "Keyword max CPC", "Default max. CPC", "Max Bid"),
    "default_bid": ("默认出价", "Default Bid", "Ad Group Default Bid", "Ad group default bid"),
    "impressions": ("展现量", "展现数", "曝光量", "展示次数", "展示数", "Impressions", "Impr.", "Impr"),
    # Google's default columns since 2024: a Search campaign's interactions are its clicks
    "clicks": ("点击量", "点击数", "点击次数", "Clicks", "Link clicks", "Clicks (all)", "Interactions"),
    "spend": ("花费", "总花费", "总费用", "消耗", "消费", "Spend", "Cost", "Spent", "Amount spent"),
    "orders": ("总成交笔数", "成交笔数", "总订单行", "总订单数", "成交订单数", "订单数", "Orders", "Conversions", "Conv.",
               "Purchases",
               "7 Day Total Orders", "14 Day Total Orders", "1 Day Total Orders",
               "30 Day Total Orders", "Total Orders", "Approved_Conversion"),
    "revenue": ("总成交金额", "成交金额", "总订单金额", "成交额", "销售额", "GMV", "Conv. value", "Conversion value",
                "Revenue",
                "All conv. value", "Total conv. value", "7 Day Total Sales", "14 Day Total Sales",
                "1 Day Total Sales", "30 Day Total Sales", "Total Sales", "Sales", "Purchases conversion value",
                "Purchase conversion value", "Website purchases conversion value"),
    "plan_budget": ("日限额", "每日预算", "日预算", "Budget", "Daily budget", "Campaign budget",
                    "Campaign Daily Budget"),
    "record_type": ("Record Type", "Entity"),
    "state": ("状态", "State", "Status", "Keyword state", "Keyword status"),
    "campaign_type": ("推广类型", "Campaign Type", "Advertising channel type"),
    "click_type": ("Click type",),
    "ctr": ("点击率", "CTR", "Click-Thru Rate", "Click-through rate", "Interaction rate"),
    "cpc": ("平均点击花费", "平均点击成本", "Avg. CPC", "Cost Per Click", "CPC", "Avg. cost"),
    "roi": ("投入产出比", "ROI", "RoAS", "Total Return on Advertising Spend",
            "Return on Advertising Spend", "Conv. value / cost"),
    "acos": ("ACoS", "Total Advertising Cost of Sales", "Advertising Cost of Sales"),
    "cvr": ("点击转化率", "Conv. rate", "Conversion rate", "14 Day Conversion Rate",
            "7 Day Conversion Rate", "CVR"),
}
HEADER_SCAN_LINES = 30
MAP_HINT = 'Pass --columns "Your header={canonical}" (or name it in [data] columns = {{ "Your header" = "{canonical}" }})'
_PAREN_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
#: Trailing brackets that name another period's figure, not a unit: "Clicks (Comparison)", "Impressions (Change %)"
#: (an export comparing two date ranges), "点击量(环比)". Such a header stays whole: no column of the plan.
_COMPARED = re.compile(r"[(（]\s*(?:comparison|compared?|change|change\s*%|%\s*change|difference|diff\.?|previous"
                       r"(?: period)?|prior period|环比|同比|对比|变化|上期)\s*[)）]\s*$")
_SPACES = re.compile(r"\s+")
#: A header's trailing unit that scales its figures (lowercased) and the factor making them whole units:
#: "花费(万元)" holds ten-thousands of yuan, "Cost (micros)" millionths, "点击率(%)" percents.
SCALES = {"万元": 1e4, "万": 1e4, "千元": 1e3, "千": 1e3, "百万": 1e6, "k": 1e3, "000": 1e3, "'000": 1e3,
          "thousands": 1e3, "mn": 1e6, "millions": 1e6, "micros": 1e-6, "分": 0.01, "cents": 0.01, "%": 0.01}


def normalise_header(header: object) -> str:
    """Lowercase, strip, collapse spaces and drop a trailing unit like "(元)" or "(#)" (not "(Comparison)": another
    period's figure).

    Both the file's headers and the aliases go through this, so "Spend ($)",
    "spend" and " Spend " all name one column.
    """
    text = _SPACES.sub(" ", str(header).replace("\ufeff", "")).strip().lower()
    if _COMPARED.search(text):
        return text
    return _PAREN_UNIT.sub("", text).strip() or text


def header_scale(header: object) -> tuple[str, float] | None:
    """The unit a header's trailing brackets name and its factor, when the unit scales the figures (see
    :data:`SCALES`); None for a header without one ("Spend", "Cost (CNY)", "Sales (₹)")."""
    found = _PAREN_UNIT.search(str(header).replace("\ufeff", "").strip())
    unit = found.group(0).strip()[1:-1].strip().lower() if found else ""
    return (unit, SCALES[unit]) if unit in SCALES else None


_LOOKUP: dict[str, tuple[str, int]] = {}
for _canonical, _names in ALIASES.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(normalise_header(_name), (_canonical, _rank))
#: Every alias, normalised: the headers a report's columns are recognised by.
KNOWN = frozenset(_LOOKUP)


def find_header(records: list[list[object]], user_headers: set[str]) -> tuple[int, int] | None:
    """First record where at least two cells are known headers: (index, matches)."""
    for index, record in enumerate(records[:HEADER_SCAN_LINES]):
        names = {normalise_header(cell) for cell in record if str(cell).strip()}
        matches = sum(name in _LOOKUP or name in user_headers for name in names)
        if matches >= 2:
            return index, matches
    return None


def no_header(path: Path) -> InputDataError:
    """The error of a file in which :func:`find_header` found no header row."""
    return InputDataError([Problem(
        f"no header row found in the first {HEADER_SCAN_LINES} lines (looked for at least two "
        "known column names such as 日期, 点击量, 花费, Date, Clicks, Impressions, Cost)",
        file=path.name, hint=MAP_HINT.format(canonical="clicks"))])


def map_headers(file_headers: list[str], columns: dict[str, str], file: str) -> dict[str, str]:
    """Canonical -> original header: the user's mapping first, then the best alias."""
    problems, headers = [], {}
    by_normal = {}
    for header in file_headers:
        by_normal.setdefault(normalise_header(header), header)
    for user_header, canonical in columns.items():
        found = user_header if user_header in file_headers else by_normal.get(normalise_header(user_header))
        if canonical not in ALIASES:
            problems.append(Problem(f'--columns or [data] columns maps "{user_header}" to unknown column "{canonical}"',
                                    file=file, hint=f"Use one of: {', '.join(ALIASES)}"))
        elif found is None:
            shown = ", ".join(f'"{header}"' for header in file_headers[:12])
            problems.append(Problem(f'--columns or [data] columns names "{user_header}", which is not a column of '
                                    "this file", file=file, hint=f"Use one of its headers: {shown}"))
        else:
            headers[canonical] = found
    if problems:
        raise InputDataError(problems)
    taken = set(headers.values())
    ranked: dict[str, tuple[int, str]] = {}
    for header in file_headers:
        canonical, rank = _LOOKUP.get(normalise_header(header), (None, 0))
        if canonical and canonical not in headers and header not in taken:
            if canonical not in ranked or rank < ranked[canonical][0]:
                ranked[canonical] = (rank, header)
    headers.update({canonical: header for canonical, (_, header) in ranked.items()})
    return {canonical: headers[canonical] for canonical in ALIASES if canonical in headers}
