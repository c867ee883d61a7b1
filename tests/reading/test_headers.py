"""Header names: normalised before matching, so "Spend ($)" and " spend " name one column."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.reading.described import describe
from optimizer.reading.headers import header_scale, normalise_header
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate


@pytest.mark.parametrize(("header", "normal"), [("Spend ($)", "spend"), (" 14 Day Total Orders (#) ", "14 day total orders"),
                                                 ("花费（元）", "花费"), ("Max.  CPC", "max. cpc"),
                                                 ("Clicks (Comparison)", "clicks (comparison)"),
                                                 ("Impr. (Change %)", "impr. (change %)"), ("点击量(环比)", "点击量(环比)")])
def test_normalise_header(header, normal):
    assert normalise_header(header) == normal

# Report kinds recognised by their headers: each fixture rebuilds a real export's structure by code.



#: The first 45 of the 85 columns of a 万相台无界 item (主体) report: direct, indirect and pre-sale sales, carts.
WANXIANGTAI = ("日期,场景名字,计划ID,计划名字,主体ID,主体类型,主体名称,展现量,点击量,花费,点击率,平均点击花费,千次展现花费,"
               "总预售成交金额,总预售成交笔数,直接预售成交金额,直接预售成交笔数,间接预售成交金额,间接预售成交笔数,"
               "直接成交金额,间接成交金额,总成交金额,总成交笔数,直接成交笔数,间接成交笔数,点击转化率,投入产出比,总成交成本,"
               "总购物车数,直接购物车数,间接购物车数,加购率,收藏宝贝数,收藏店铺数,店铺收藏成本,总收藏加购数,总收藏加购成本,"
               "宝贝收藏加购数,宝贝收藏加购成本,总收藏数,宝贝收藏成本,宝贝收藏率,加购成本,拍下订单笔数,拍下订单金额").split(",")


def wanxiangtai_items(path: Path, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range("2025-10-01", periods=14):
        for item in range(5):
            clicks = int(rng.integers(20, 80))
            direct, indirect = int(rng.binomial(clicks, 0.05)), int(rng.binomial(clicks, 0.02))
            row = dict.fromkeys(WANXIANGTAI, 0)
            row.update({"日期": f"{day:%Y-%m-%d}", "场景名字": "关键词推广", "计划ID": 100 + item % 2,
                        "计划名字": f"计划{item % 2}", "主体ID": 5000 + item, "主体类型": "商品", "主体名称": f"宝贝{item}",
                        "展现量": clicks * 30, "点击量": clicks, "花费": round(clicks * 1.3, 2),
                        "直接成交金额": direct * 89.0, "间接成交金额": indirect * 89.0, "总成交金额": (direct + indirect) * 89.0,
                        "总成交笔数": direct + indirect, "直接成交笔数": direct, "间接成交笔数": indirect,
                        "总预售成交金额": 0.0, "总购物车数": clicks // 5})
            rows.append(row)
    pd.DataFrame(rows, columns=WANXIANGTAI).to_csv(path, index=False, encoding="gb18030")
    return path


def google_rows(seed: int, devices: tuple[str, ...]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range("2025-10-01", periods=10):
        for keyword in range(4):
            for device in devices:
                clicks = int(rng.integers(1, 20))
                rows.append({"Day": f"{day:%Y-%m-%d}", "Campaign": "Brand", "Ad group": "AG", "Keyword": f"kw {keyword}",
                             "Match type": "Exact", "Device": device, "Max. CPC": "1.20", "Impr.": clicks * 20,
                             "Clicks": clicks, "Cost": round(clicks * 0.9, 2), "Conversions": int(rng.binomial(clicks, 0.1)),
                             "Conv. value": round(clicks * 3.0, 2)})
    return pd.DataFrame(rows)


def read(path: Path, period_days: int | None = None):
    report = read_report(path)
    performance = validate([report], period_days=period_days)
    return report, performance


def test_a_wanxiangtai_item_report_plans_budgets_on_its_total_sales(tmp_path):
    report, performance = read(wanxiangtai_items(tmp_path / "万相台无界_主体报表.csv"))
    assert report.headers["plan"] == "计划名字" and report.headers["ad_group"] == "主体名称"
    assert report.headers["revenue"] == "总成交金额" and report.headers["orders"] == "总成交笔数"
    frame = report.frame
    assert frame["revenue"].sum() == pytest.approx(89.0 * frame["orders"].sum())
    assert performance.level == "plan" and performance.history_days == 14
    read_as = describe(report, rows_kept=len(frame), units=2, history_days=14)
    assert "万相台" in read_as.platform and "直接成交金额" in read_as.columns_ignored


def test_a_google_keyword_report_split_by_device_sums_the_devices_to_the_keyword(tmp_path):
    frame = google_rows(2, ("Computers", "Mobile devices with full browsers", "Tablets with full browsers"))
    path = tmp_path / "Keyword report.csv"
    path.write_text('Keyword report\n"October 1, 2025 - October 10, 2025"\n' + frame.to_csv(index=False), encoding="utf-8")
    report, performance = read(path)
    units = performance.frame.groupby(["plan", "ad_group", "keyword", "match_type"], observed=True)["clicks"].sum()
    assert len(units) == 4 and units.sum() == frame["Clicks"].sum()
    assert "Device" in describe(report, rows_kept=len(report.frame), units=4, history_days=10).columns_ignored


def test_a_utf16_tab_all_time_export_asks_for_its_period_and_skips_its_total(tmp_path, capsys):
    frame = google_rows(3, ("All",)).drop(columns=["Day", "Device"])
    summed = frame.groupby(["Campaign", "Ad group", "Keyword", "Match type", "Max. CPC"], as_index=False).sum()
    total = "Total: account\t\t\t\t\t" + "\t".join(str(summed[name].sum()) for name in
                                                 ("Impr.", "Clicks", "Cost", "Conversions", "Conv. value")) + "\n"
    text = "Keyword report\nAll time\n" + summed.to_csv(index=False, sep="\t") + total
    path = tmp_path / "Keyword report.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert main(["plan", "--report", str(path), "--no-history", "--quiet", "--out", str(tmp_path / "a")]) == 2
    assert "--period-days" in capsys.readouterr().err
    report, performance = read(path, period_days=30)
    assert report.encoding == "utf-16" and len(performance.frame) == 4
    assert any("Total: account" in note for note in report.notes)


def test_a_legacy_adwords_keyword_report_reads_its_title_period_and_four_total_rows(tmp_path):
    rng = np.random.default_rng(3)
    clicks = rng.integers(5, 60, size=6)
    frame = pd.DataFrame({"Keyword state": "enabled", "Keyword": [f"[part {k}]" for k in range(6)], "Campaign": "GM",
                          "Ad group": "Chevy", "Max. CPC": "0.85", "Clicks": clicks, "Impressions": clicks * 25,
                          "Cost": np.round(clicks * 0.61, 2), "Converted clicks": rng.binomial(clicks, 0.08),
                          "Conversions": rng.binomial(clicks, 0.08), "Conv. value": np.round(clicks * 2.5, 2)})
    labels = ("Total - all but removed keywords", "Total - Search", "Total - Display Network", "Total - all keywords")
    totals = pd.DataFrame([{**dict.fromkeys(frame.columns, " --"), "Keyword state": label, "Clicks": clicks.sum()}
                           for label in labels])
    path = tmp_path / "Keyword report.csv"
    path.write_text("Keyword report (Oct 1, 2015-Oct 31, 2015)\n" + pd.concat([frame, totals]).to_csv(index=False),
                    encoding="utf-8")
    report, performance = read(path)
    assert report.period.days == 31 and len(performance.frame) == 6
    assert all(label in " ".join(report.notes) for label in labels)


def test_a_jd_express_keyword_report_reads_its_own_headers(tmp_path):
    rng = np.random.default_rng(6)
    rows = [{"日期": f"2025-10-{day:02d}", "计划名称": "京东快车-主推", "单元名称": "单元A", "关键词": f"词{k}",
             "出价": 1.5, "展现数": 300, "点击数": int(rng.integers(5, 30)), "总费用": 20.0, "总订单行": int(rng.integers(0, 3)),
             "总订单金额": 150.0} for day in range(1, 8) for k in range(3)]
    path = tmp_path / "快车关键词报表.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="gb18030")
    report, performance = read(path)
    assert performance.level == "keyword" and performance.has_bid and performance.history_days == 7
    assert {"orders": "总订单行", "revenue": "总订单金额", "spend": "总费用"}.items() <= report.headers.items()


def test_a_ztc_daily_workbook_with_a_title_row_and_a_total_row(tmp_path):
    rows = [["推广计划名称", "日期", "展现量", "点击量", "花费", "总成交笔数", "总成交金额"]]
    rows += [[f"计划{p}", f"2025-10-{day:02d}", 1000, 30 + p, 40.0, 2, 180.0] for day in range(1, 8) for p in range(3)]
    rows.append(["合计", "", 21000, 651, 840.0, 42, 3780.0])
    path = tmp_path / "直通车日报.xlsx"
    with pd.ExcelWriter(path) as writer:
        title = ["直通车计划报表 2025-10-01 至 2025-10-07"] + [None] * (len(rows[0]) - 1)   # one cell, the rest empty
        pd.DataFrame([title] + rows).to_excel(writer, index=False, header=False)
    report, performance = read(path)
    assert performance.level == "plan" and len(performance.frame) == 21 and performance.history_days == 7
    assert any("合计" in note for note in report.notes)


def test_meta_ads_plan_budgets_and_refuse_revenue_goals_without_revenue(tmp_path, capsys):
    rng = np.random.default_rng(5)
    spend = rng.uniform(5, 40, size=28)
    frame = pd.DataFrame({"Day": np.repeat(pd.date_range("2025-10-01", periods=7).strftime("%Y-%m-%d"), 4),
                          "Campaign name": [f"Prospecting {k % 2}" for k in range(28)],
                          "Ad set name": [f"Set {k % 4}" for k in range(28)], "Impressions": (spend * 120).astype(int),
                          "Link clicks": (spend * 2).astype(int), "Amount spent (USD)": spend.round(2),
                          "Purchases": rng.integers(0, 4, size=28)})
    frame["Purchases conversion value"] = frame["Purchases"] * 35.0
    path = tmp_path / "meta.csv"
    frame.to_csv(path, index=False)
    report, performance = read(path)
    assert performance.level == "plan" and performance.has_revenue
    assert describe(report, rows_kept=28, units=2, history_days=7).platform == "Meta (Facebook) ads"
    frame.drop(columns=["Purchases conversion value"]).to_csv(path, index=False)
    assert main(["plan", "--report", str(path), "--no-history", "--quiet", "--out", str(tmp_path / "o")]) == 2
    assert "--objective orders" in capsys.readouterr().err


def test_a_header_names_a_scaling_unit_only_in_its_trailing_brackets():
    assert header_scale("花费（万元）") == ("万元", 1e4) and header_scale("Cost (micros)") == ("micros", 1e-6)
    assert header_scale("点击率(%)") == ("%", 0.01) and header_scale("Spend ('000)") == ("'000", 1e3)
    assert [header_scale(header) for header in ("Spend", "Cost (CNY)", "14 Day Total Sales (₹)", "Orders (#)",
                                                "Total Advertising Cost of Sales (ACoS)")] == [None] * 5


def test_an_export_comparing_two_date_ranges_reads_the_first_ranges_columns(tmp_path):
    lines = ["Keyword report", "4 November 2025 - 10 November 2025 compared to 28 October 2025 - 3 November 2025",
             "Campaign,Ad group,Keyword,Max. CPC,Impr.,Impr. (Comparison),Clicks,Clicks (Comparison),Clicks (Change %),"
             "Cost,Cost (Comparison),Conversions,Conv. value",
             "A,G,shoe,1.00,100,80,10,8,25.00%,5.00,4.00,1,40.00", "A,G,boot,1.00,200,150,20,30,-33.33%,9.00,12.00,2,80.00"]
    path = tmp_path / "compared.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, performance = read(path)   # was refused: "Impr." and "Impr. (Comparison)" read as one column twice
    assert report.frame["impressions"].tolist() == [100, 200] and report.frame["clicks"].tolist() == [10, 20]
    assert report.frame["spend"].tolist() == [5.0, 9.0]
    assert (report.period.start, report.period.end) == (pd.Timestamp("2025-11-04"), pd.Timestamp("2025-11-10"))
    read_as = describe(report, rows_kept=2, units=2, history_days=7)
    assert {"Impr. (Comparison)", "Clicks (Change %)", "Cost (Comparison)"} <= set(read_as.columns_ignored)
