"""A simulated market's days as the exports real accounts download, and a scenario that reads them.

Three formats, each as the platform writes it, so that ``bidopt plan`` reads
them through :mod:`optimizer.reading.report_file` unchanged:

* ``ztc``: 直通车 keyword report, GBK, Chinese headers, money as "￥1,234.50", a 合计 total row;
* ``google``: Google Ads keyword report, UTF-8 CSV with two title lines and "Total: …" rows;
* ``amazon``: Sponsored Products targeting report as CSV (Amazon offers CSV beside XLSX; CSV
  keeps the same seed byte-identical, XLSX carries timestamps), no bid column.

Functions return bytes; :func:`optimizer.outputs.files.write_all` puts them in place atomically.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

FORMATS = ("ztc", "google", "amazon")
LANGUAGE = {"ztc": "zh", "google": "en", "amazon": "en"}
FILE_NAMES = {"ztc": "ztc_keywords.csv", "google": "google_keywords.csv", "amazon": "amazon_targeting.csv"}
ZTC_HEADERS = ("日期", "推广计划名称", "宝贝名称", "关键词", "匹配方式", "出价", "展现量", "点击量", "点击率", "花费",
               "平均点击花费", "总成交笔数", "总成交金额", "投入产出比")
GOOGLE_HEADERS = ("Day", "Campaign", "Ad group", "Keyword", "Match type", "Max. CPC", "Currency code", "Impr.",
                  "Clicks", "CTR", "Avg. CPC", "Cost", "Conversions", "Conv. value", "Conv. value / cost")
AMAZON_HEADERS = ("Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Targeting", "Match Type",
                  "Impressions", "Clicks", "Click-Thru Rate (CTR)", "Cost Per Click (CPC)", "Spend",
                  "Total Advertising Cost of Sales (ACOS)", "Total Return on Advertising Spend (ROAS)",
                  "7 Day Total Sales", "7 Day Total Orders (#)", "7 Day Conversion Rate")
MATCH_NAMES = {"ztc": {"exact": "精确匹配", "broad": "广泛匹配"},
               "google": {"exact": "Exact match", "broad": "Broad match"},
               "amazon": {"exact": "EXACT", "broad": "BROAD"}}


def report_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """The daily rows of ``frame`` (canonical columns, as :meth:`Market.play` gives) as one platform export."""
    if fmt not in FORMATS:
        raise ValueError(f"The 'fmt' parameter must be one of {', '.join(map(repr, FORMATS))}. Got {fmt!r} instead.")
    rows = frame.sort_values(["date", "plan", "ad_group", "keyword", "match_type"], kind="stable")
    return {"ztc": _ztc, "google": _google, "amazon": _amazon}[fmt](rows)


def _sums(rows: pd.DataFrame) -> dict[str, float]:
    return {name: float(rows[name].sum()) for name in ("impressions", "clicks", "spend", "orders", "revenue")}


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0, suffix: str = "",
           missing: str = "-") -> list[str]:
    value = np.divide(numerator.to_numpy(float) * scale, denominator.to_numpy(float),
                      out=np.full(len(numerator), np.nan), where=denominator.to_numpy(float) > 0)
    return [missing if np.isnan(v) else f"{v:.2f}{suffix}" for v in value]


def _money(values: pd.Series, sign: str = "") -> list[str]:
    return [f"{sign}{v:,.2f}" for v in values.to_numpy(float)]


def _csv(lines: list[list[str]], columns: dict[str, list], encoding: str, title: list[str] = ()) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for line in title:
        writer.writerow([line])
    writer.writerow(list(columns))
    writer.writerows(zip(*columns.values()))
    writer.writerows(lines)
    return text.getvalue().encode(encoding)


def _ztc(rows: pd.DataFrame) -> bytes:
    columns = dict(zip(ZTC_HEADERS, (
        rows["date"].dt.strftime("%Y-%m-%d").tolist(), rows["plan"].tolist(), rows["ad_group"].tolist(),
        rows["keyword"].tolist(), rows["match_type"].map(MATCH_NAMES["ztc"]).tolist(),
        [f"{v:.2f}" for v in rows["bid"]], rows["impressions"].astype(str).tolist(), rows["clicks"].astype(str).tolist(),
        _ratio(rows["clicks"], rows["impressions"], 100.0, "%"), _money(rows["spend"], "￥"),
        _ratio(rows["spend"], rows["clicks"]), rows["orders"].astype(str).tolist(), _money(rows["revenue"], "￥"),
        _ratio(rows["revenue"], rows["spend"]))))
    t = _sums(rows)
    total = ["合计", "", "", "", "", "-", f"{t['impressions']:.0f}", f"{t['clicks']:.0f}",
             _ratio(pd.Series([t["clicks"]]), pd.Series([t["impressions"]]), 100.0, "%")[0],
             f"￥{t['spend']:,.2f}", _ratio(pd.Series([t["spend"]]), pd.Series([t["clicks"]]))[0],
             f"{t['orders']:.0f}", f"￥{t['revenue']:,.2f}",
             _ratio(pd.Series([t["revenue"]]), pd.Series([t["spend"]]))[0]]
    return _csv([total], columns, "gbk")


def _google(rows: pd.DataFrame) -> bytes:
    first, last = rows["date"].min(), rows["date"].max()
    columns = dict(zip(GOOGLE_HEADERS, (
        rows["date"].dt.strftime("%Y-%m-%d").tolist(), rows["plan"].tolist(), rows["ad_group"].tolist(),
        rows["keyword"].tolist(), rows["match_type"].map(MATCH_NAMES["google"]).tolist(),
        [f"{v:.2f}" for v in rows["bid"]], ["CNY"] * len(rows), [f"{v:,}" for v in rows["impressions"]], rows["clicks"].astype(str).tolist(),
        _ratio(rows["clicks"], rows["impressions"], 100.0, "%", "--"), _ratio(rows["spend"], rows["clicks"], missing="--"),
        _money(rows["spend"]), [f"{v:.2f}" for v in rows["orders"]], _money(rows["revenue"]),
        _ratio(rows["revenue"], rows["spend"], missing="--"))))
    totals = []
    for label, part in (("Total: Keywords", rows), ("Total: Search", rows), ("Total: Account", rows)):
        t = _sums(part)
        totals.append([label, "--", "--", "--", "--", "--", "CNY", f"{t['impressions']:,.0f}", f"{t['clicks']:.0f}",
                       _ratio(pd.Series([t["clicks"]]), pd.Series([t["impressions"]]), 100.0, "%", "--")[0],
                       _ratio(pd.Series([t["spend"]]), pd.Series([t["clicks"]]), missing="--")[0],
                       f"{t['spend']:,.2f}", f"{t['orders']:.2f}", f"{t['revenue']:,.2f}",
                       _ratio(pd.Series([t["revenue"]]), pd.Series([t["spend"]]), missing="--")[0]])
    title = ["Keyword report", f"{first:%B} {first.day}, {first.year} - {last:%B} {last.day}, {last.year}"]
    return _csv(totals, columns, "utf-8", title)


def _amazon(rows: pd.DataFrame) -> bytes:
    n = len(rows)
    columns = dict(zip(AMAZON_HEADERS, (
        rows["date"].dt.strftime("%b %d, %Y").tolist(), ["Not grouped"] * n, ["USD"] * n, rows["plan"].tolist(),
        rows["ad_group"].tolist(), rows["keyword"].tolist(), rows["match_type"].map(MATCH_NAMES["amazon"]).tolist(),
        rows["impressions"].astype(str).tolist(), rows["clicks"].astype(str).tolist(),
        _ratio(rows["clicks"], rows["impressions"], 100.0, "%", ""), _ratio(rows["spend"], rows["clicks"], missing=""),
        _money(rows["spend"], "$"), _ratio(rows["spend"], rows["revenue"], 100.0, "%", ""),
        _ratio(rows["revenue"], rows["spend"], missing=""), _money(rows["revenue"], "$"),
        rows["orders"].astype(str).tolist(), _ratio(rows["orders"], rows["clicks"], 100.0, "%", ""))))
    return _csv([], columns, "utf-8")


def scenario_text(report_names: list[str], *, budget: float, min_roi: float | None, note: str = "",
                  min_roi_confidence: float | None = None) -> str:
    """A scenario TOML reading ``report_names`` (relative to the scenario's folder) with this goal."""
    reports = ", ".join(f'"{name}"' for name in report_names)
    lines = [f"# {note}" if note else "", "[data]", f"reports = [{reports}]", "", "[goal]", 'objective = "revenue"',
             f"budget = {budget:.2f}", "period_days = 7"]
    if min_roi:
        lines.append(f"min_roi = {min_roi:.4f}")
    if min_roi and min_roi_confidence:
        lines.append(f"min_roi_confidence = {min_roi_confidence:g}")
    lines += ["", "[bids]", "min = 0.05", "max = 20", "max_raise = 1.0", "max_cut = 0.5", "allow_pause = true", ""]
    return "\n".join(line for line in lines if line is not None).lstrip("\n")


def simulation_files(market, history: pd.DataFrame, fmt: str, *, command: str = "") -> tuple[dict[str, bytes], float, float]:
    """The export of ``history`` and a scenario keeping today's true weekly spend and ROI: (files, budget, min_roi)."""
    today = market.expected(days=7)
    budget = round(float(today["spend"].sum()), 2)
    min_roi = round(float(today["revenue"].sum()) / budget, 4) if budget > 0 else None
    note = f"Made by {command}: keep today's weekly spend and ROI (the market's truth)." if command else ""
    name = FILE_NAMES[fmt]
    return ({name: report_bytes(history, fmt),
             "scenario.toml": scenario_text([name], budget=budget, min_roi=min_roi, note=note).encode("utf-8")},
            budget, min_roi)
