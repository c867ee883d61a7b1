"""reports.read_report: encodings, title lines, aliases, value formats, totals, row numbers."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading.report_file import read_report
from tests.paths import REAL

ZTC_HEADER = "日期,推广计划名称,宝贝名称,关键词,匹配方式,出价,展现量,点击量,点击率,花费,平均点击花费,总成交笔数,总成交金额"


def ztc_lines(seed: int = 7, days: int = 3) -> list[str]:
    """A small 直通车 keyword report, seeded, with money as "￥1,234.50" and rates as "1.50%"."""
    rng = np.random.default_rng(seed)
    lines = []
    for day in range(1, days + 1):
        for keyword, match in (("连衣裙", "精确匹配"), ("夏季连衣裙", "广泛匹配")):
            impressions = int(rng.integers(1000, 5000))
            clicks = int(rng.integers(10, 100))
            spend = round(clicks * float(rng.uniform(0.5, 2.0)), 2)
            lines.append(f'2024-06-0{day},计划A,宝贝1,{keyword},{match},￥1.20,"{impressions:,}",{clicks},'
                         f'{clicks / impressions:.2%},"￥{spend:,.2f}",￥{spend / clicks:.2f},3,"￥1,234.50"')
    return lines


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def require_real() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"../shared/data/real is absent: no real exports at {REAL}")
    return REAL


def test_gbk_csv_with_title_line_and_total_row(tmp_path):
    lines = ["关键词报表 2024-06-01 至 2024-06-03", ZTC_HEADER, *ztc_lines(), "合计,,,,,,9999,999,,,,,"]
    report = read_report(write(tmp_path / "ztc.csv", lines, "gbk"))
    assert report.encoding == "gb18030"
    assert report.headers["orders"] == "总成交笔数" and report.headers["ad_group"] == "宝贝名称"
    assert len(report.frame) == 6 and report.frame["row"].tolist() == [3, 4, 5, 6, 7, 8]
    assert report.frame["keyword"].iloc[0] == "连衣裙"
    assert report.frame["match_type"].tolist()[:2] == ["exact", "broad"]
    assert report.frame["revenue"].iloc[0] == 1234.5 and report.frame["bid"].iloc[0] == 1.2
    assert report.frame["date"].dt.day.tolist() == [1, 1, 2, 2, 3, 3]
    assert report.bad_cells == {} and not report.attribution_window


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_utf8_with_and_without_bom(tmp_path, encoding, expected):
    report = read_report(write(tmp_path / "ztc.csv", [ZTC_HEADER, *ztc_lines()], encoding))
    assert report.encoding == expected
    assert report.headers["date"] == "日期"  # no BOM left on the first header
    assert report.frame["row"].iloc[0] == 2 and report.frame["date"].notna().all()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_without_a_byte_order_mark_and_utf32_are_read_like_excels_unicode_text(tmp_path, encoding):
    lines = ["Date\tCampaign\tKeyword\tImpressions\tClicks\tSpend", "2024-06-01\tC1\tred dress\t1200\t35\t$1,234.50",
             "2024-06-01\tC1\tdress\t100\t5\t6.5"]
    path = tmp_path / "ztc.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    report = read_report(path)   # UTF-32 with its byte order mark: Python's "utf-32" writes one
    assert report.encoding == encoding and report.frame["keyword"].tolist() == ["red dress", "dress"]
    assert report.frame[["impressions", "clicks", "spend"]].sum().tolist() == [1300, 40, 1241.0]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_lines_ended_by_a_lone_carriage_return_as_excel_for_mac_saves_them_are_read(tmp_path, encoding):
    lines = ["Date,Campaign,Keyword,Impressions,Clicks,Spend", "2024-06-01,计划A,red dress,1200,35,\"$1,234.50\"",
             "2024-06-02,计划A,dress,100,5,6.5"]
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(lines).encode(encoding))
    report = read_report(path)
    assert report.frame["keyword"].tolist() == ["red dress", "dress"] and report.frame["row"].tolist() == [2, 3]
    assert report.frame[["impressions", "clicks", "spend"]].sum().tolist() == [1300, 40, 1241.0]


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_and_semicolon_are_sniffed(tmp_path, separator):
    lines = [line.replace(",", separator) for line in ["日期,推广计划,关键词,展现量,点击量,花费",
                                                      "2024-06-01,计划A,裙子,100,5,6.5"]]
    report = read_report(write(tmp_path / "ztc.tsv", lines))
    assert report.frame[["impressions", "clicks", "spend"]].iloc[0].tolist() == [100, 5, 6.5]


def test_google_ads_title_lines_and_total_rows(tmp_path):
    lines = [
        "Keyword report",
        '"June 1, 2024 - June 2, 2024"',
        "Day,Campaign,Ad group,Keyword,Match type,Max. CPC,Impr.,Clicks,CTR,Cost,Avg. CPC,Conversions,"
        "All conv. value,Conv. value",
        '2024-06-01,Shoes,Running,running shoes,Exact match,1.50,"1,200",40,3.33%,"1,050.00",26.25,2.00,99,80.5',
        "2024-06-02,Shoes,Running,running shoes,Phrase match,1.50,900,30,3.33%,45.00,1.50,1.00,50,40",
        "Total: Account,--,--,--,--,--,2100,70,3.33%,1095.00,15.64,3.00,149,120.5",
        "Total: Search,--,--,--,--,--,2100,70,3.33%,1095.00,15.64,3.00,149,120.5",
    ]
    report = read_report(write(tmp_path / "google.csv", lines))
    assert report.headers["revenue"] == "Conv. value" and report.headers["bid"] == "Max. CPC"
    assert report.frame["row"].tolist() == [4, 5]
    assert report.frame["impressions"].tolist() == [1200, 900] and report.frame["spend"].iloc[0] == 1050
    assert report.frame["revenue"].tolist() == [80.5, 40] and report.frame["match_type"].tolist() == ["exact", "phrase"]
    assert report.frame["ctr"].iloc[0] == pytest.approx(0.0333)


def test_value_formats_and_bad_cells(tmp_path):
    blanks = ["-", "--", "", "N/A", " ", "abc"]
    for money, expected in ((["¥1,234.50", "￥12", "12元"], [1234.5, 12, 12]), (["$6.25"], [6.25]),
                            (["Rs.201.68", "₹5"], [201.68, 5])):
        lines = ["date,keyword,impressions,clicks,spend,ctr"]
        lines += [f'2024-06-01,k{i},100,1,"{spend}",9.09%' for i, spend in enumerate(money + blanks)]
        report = read_report(write(tmp_path / "values.csv", lines))
        spend = report.frame["spend"].tolist()
        assert spend[:len(money)] == expected and np.isnan(spend[len(money):]).all()
        assert report.bad_cells == {"spend": ([len(money) + len(blanks) + 1], ["abc"])}
        assert report.frame["ctr"].iloc[0] == pytest.approx(0.0909)
    lines = ["date,keyword,clicks,spend"] + [f'2024-06-01,k{i},1,"{spend}"' for i, spend in enumerate(["¥1", "$6.25", "¥2"])]
    with pytest.raises(InputDataError, match=r'column spend: 1 cell in USD, while most money cells of the file are in '
                                             r'CNY \(row 3: "\$6.25"\)'):
        read_report(write(tmp_path / "mixed.csv", lines))


def test_date_formats(tmp_path):
    dates = ["2020-02-01", "2020/2/1", '"Feb 1, 2020"', "20200201", "2020年2月1日", "someday"]
    lines = ["date,keyword,clicks"] + [f"{date},k,1" for date in dates]
    report = read_report(write(tmp_path / "dates.csv", lines))
    assert (report.frame["date"].iloc[:5] == pd.Timestamp("2020-02-01")).all()
    assert report.bad_cells == {"date": ([7], ["someday"])}


def test_blank_trailing_columns_blank_lines_and_ragged_rows(tmp_path):
    lines = ["Date,Campaign,Clicks,Spend,,", "2024-06-01,A,3,1.5,,", "", ",,,,,", "2024-06-02,A,4,2.0,,,,"]
    report = read_report(write(tmp_path / "ragged.csv", lines))
    assert list(report.frame.columns) == ["date", "plan", "clicks", "spend", "source", "row"]
    assert report.frame["row"].tolist() == [2, 5] and report.frame["clicks"].tolist() == [3, 4]


def test_xlsx_picks_the_report_sheet_and_keeps_numbers(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "本表由系统导出"
    sheet = book.create_sheet("数据")
    sheet.append(["关键词报表"])
    sheet.append(["日期", "推广计划", "关键词", "匹配方式", "展现量", "点击量", "花费", "点击率", None])
    sheet.append([dt.datetime(2024, 6, 1), "计划A", "裙子", "短语匹配", 100, 5, 6.5, 0.05, None])
    sheet.append([dt.datetime(2024, 6, 2), "计划A", "裙子", "-", 80, "-", "¥3.00", "2.5%", None])
    sheet.append(["合计", None, None, None, 180, 5, 9.5, None, None])
    path = tmp_path / "ztc.xlsx"
    book.save(path)
    report = read_report(path)
    assert report.encoding is None and report.frame["row"].tolist() == [3, 4]
    assert report.frame["date"].tolist() == [pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-02")]
    assert report.frame["match_type"].tolist() == ["phrase", ""]
    assert report.frame["spend"].tolist() == [6.5, 3.0] and report.frame["ctr"].tolist() == [0.05, 0.025]
    assert np.isnan(report.frame["clicks"].iloc[1])


def test_preferred_alias_wins(tmp_path):
    lines = ["日期,计划名称,直接成交笔数,成交笔数,总成交笔数,点击量,Customer Search Term,Targeting",
             "2024-06-01,A,1,2,3,9,red shoe,shoes"]
    report = read_report(write(tmp_path / "prefer.csv", lines))
    assert report.headers["orders"] == "总成交笔数" and report.frame["orders"].iloc[0] == 3
    assert report.headers["keyword"] == "Targeting" and report.frame["keyword"].iloc[0] == "shoes"


def test_attribution_window_from_orders_header(tmp_path):
    lines = ["Date,Campaign Name,Clicks,14 Day Total Orders (#),14 Day Total Sales (₹)", "2020-02-01,A,1,2,Rs.5"]
    report = read_report(write(tmp_path / "amazon.csv", lines))
    assert report.attribution_window and report.frame["revenue"].iloc[0] == 5


def test_user_columns_take_precedence(tmp_path):
    lines = ["Day,Campaign,Clicks,Cost,Conv. value,Shop revenue", "2024-06-01,A,3,1.5,9,12"]
    report = read_report(write(tmp_path / "mapped.csv", lines), {"Shop revenue": "revenue", " day ": "date"})
    assert report.headers["revenue"] == "Shop revenue" and report.frame["revenue"].iloc[0] == 12
    assert report.headers["date"] == "Day"


def test_user_columns_naming_absent_header_or_unknown_column(tmp_path):
    path = write(tmp_path / "mapped.csv", ["Day,Campaign,Clicks,Cost", "2024-06-01,A,3,1.5"])
    with pytest.raises(InputDataError, match=r'mapped\.csv: --columns or \[data\] columns names "Umsatz", which is not a '
                                             r'column of this file\. Use one of its headers: "Day", "Campaign"'):
        read_report(path, {"Umsatz": "revenue"})
    with pytest.raises(InputDataError, match=r'maps "Cost" to unknown column "money"'):
        read_report(path, {"Cost": "money"})


def test_unknown_extension_unreadable_file_and_no_header(tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputDataError, match=r"report\.pdf: cannot read files ending in '\.pdf'\. Export the report as CSV or XLSX\."):
        read_report(tmp_path / "report.pdf")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(InputDataError, match=r"broken\.xlsx: cannot be read \(.*\)\. Check the path"):
        read_report(tmp_path / "broken.xlsx")
    with pytest.raises(InputDataError, match=r"missing\.csv: no such file \(looked for .*missing\.csv\)\. Check the path"):
        read_report(tmp_path / "missing.csv")
    write(tmp_path / "notes.csv", ["hello,world", "1,2"])
    with pytest.raises(InputDataError, match=r"notes\.csv: no header row found in the first 30 lines"):
        read_report(tmp_path / "notes.csv")


@settings(max_examples=15, deadline=None)
@given(st.decimals(min_value=0, max_value=10**7, places=2), st.sampled_from(["¥", "￥", "$", "Rs.", "₹", ""]))
def test_money_round_trips(tmp_path_factory, amount, currency):
    path = tmp_path_factory.mktemp("money") / "money.csv"
    write(path, ["date,keyword,spend", f'2024-06-01,k,"{currency}{amount:,}"'])
    assert read_report(path).frame["spend"].iloc[0] == pytest.approx(float(amount))


def test_real_amazon_targeting_report():
    report = read_report(require_real() / "amazon_sp_india" / "Sponsored Products Targeting report (1).xlsx")
    frame = report.frame
    assert len(frame) == 1683 and report.attribution_window and report.bad_cells == {}
    assert report.headers["keyword"] == "Targeting" and "bid" not in frame
    assert set(frame["match_type"]) == {"phrase", "exact", ""}
    assert frame["row"].iloc[0] == 2 and frame["date"].min() == pd.Timestamp("2020-02-01")
    assert int((frame["orders"] > frame["clicks"]).sum()) == 5


def test_real_amazon_campaign_report():
    report = read_report(require_real() / "amazon_sp_india" / "Sponsored Products Campaign report.csv")
    frame = report.frame
    assert len(frame) == 182 and "keyword" not in frame and report.bad_cells == {}
    assert report.headers["plan_budget"] == "Budget" and report.headers["date"] == "Date"
    assert frame[["spend", "plan_budget", "ctr"]].iloc[0].tolist() == pytest.approx([201.68, 1000.0, 0.0166])


def test_real_facebook_kag_file():
    report = read_report(require_real() / "kaggle_fb_kag" / "KAG_conversion_data.csv")
    assert report.encoding == "utf-8-sig" and len(report.frame) == 1143
    assert report.headers == {"plan": "xyz_campaign_id", "impressions": "Impressions", "clicks": "Clicks",
                              "spend": "Spent", "orders": "Approved_Conversion"}
    assert sorted(set(report.frame["plan"])) == ["1178", "916", "936"]


_COLUMNS = {"Campaign": "plan", "Keyword": "keyword", "Impressions": "impressions", "Clicks": "clicks",
            "Cost": "spend", "Conversions": "orders"}
_TITLES = ["Keyword report", '"Campaign report (January 01, 2025 - January 31, 2025)"', "Request Id: 42", "",
           "All time", "统计时间：2025-01-01 至 2025-01-31"]
_TOTALS = ["Total", "合计", "Total: Account", "Overall total"]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(1000, 1999), st.integers(0, 99), st.integers(0, 9999),
                               st.one_of(st.none(), st.integers(0, 5))), min_size=3, max_size=12),
       order=st.permutations(list(_COLUMNS)), titles=st.lists(st.sampled_from(_TITLES), max_size=3),
       total=st.tuples(st.sampled_from(_TOTALS), st.integers(0, 12)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]), delimiter=st.sampled_from([",", "\t"]))
def test_the_reader_keeps_exactly_the_data_rows(rows, order, titles, total, encoding, delimiter):
    """Any column order, title lines, encoding, delimiter, empty cells and a total row anywhere: the data rows, summed right."""
    cells = [{"Campaign": f"计划{index % 3}", "Keyword": f"kw {index}", "Impressions": str(impressions),
              "Clicks": str(clicks), "Cost": f"{cost / 100:.2f}", "Conversions": "" if orders is None else str(orders)}
             for index, (impressions, clicks, cost, orders) in enumerate(rows)]
    label, position = total
    sums = {"Campaign": label, "Keyword": "", "Impressions": str(sum(row[0] for row in rows)),
            "Clicks": str(sum(row[1] for row in rows)), "Cost": f"{sum(row[2] for row in rows) / 100:.2f}",
            "Conversions": ""}
    cells.insert(min(position, len(cells)), sums)
    lines = [*titles, delimiter.join(order), *(delimiter.join(row[name] for name in order) for row in cells)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.csv"
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        report = read_report(path)
    frame = report.frame
    assert frame["keyword"].tolist() == [f"kw {index}" for index in range(len(rows))]
    assert frame["clicks"].sum() == sum(row[1] for row in rows)
    assert frame["spend"].sum() == pytest.approx(sum(row[2] for row in rows) / 100)
    assert frame["orders"].isna().tolist() == [row[3] is None for row in rows]
    assert len(report.notes) == 1 and report.notes[0].startswith("report.csv: skipped 1 total row")
    ranged = [title for title in titles if title and title[0] in '"统']
    stated = next((title for title in titles if title in ranged or title == "All time"), None)
    if stated is None:
        assert report.period is None
    else:
        assert report.period.days == (None if stated == "All time" else 31)


def test_big5_is_read_as_big5_and_gbk_behind_a_utf8_mark_as_gbk(tmp_path):
    lines = ["Date,Campaign,Ad group,Keyword,Impressions,Clicks,Cost"]
    lines += [f"2026-03-0{day},計劃甲,單元,關鍵詞{day}號,1000,50,36.50" for day in range(1, 4)]
    big5 = read_report(write(tmp_path / "big5.csv", lines, "big5"))
    assert big5.encoding == "cp950" and big5.frame["keyword"].tolist() == ["關鍵詞1號", "關鍵詞2號", "關鍵詞3號"]
    path = tmp_path / "gbk.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join([ZTC_HEADER, *ztc_lines()]).encode("gbk"))
    gbk = read_report(path)
    assert gbk.encoding == "gb18030" and gbk.headers["date"] == "日期" and gbk.frame["keyword"].iat[0] == "连衣裙"


@pytest.mark.parametrize(("content", "message"), [(b"", "the file is empty"), (b"\xef\xbb\xbf\n \r\n\n",
                                                                                  "the file holds only blank lines")])
def test_an_empty_file_is_called_empty(tmp_path, content, message):
    (tmp_path / "empty.csv").write_bytes(content)
    with pytest.raises(InputDataError, match=rf"^empty\.csv: {message}\. Export the report again\.$"):
        read_report(tmp_path / "empty.csv")


def test_a_header_named_twice_is_refused_naming_both_columns(tmp_path):
    write(tmp_path / "twice.csv", ["日期,关键词,点击量,花费,备注,备注,点击量", "2026-03-01,a,1,2,x,y,3"])
    with pytest.raises(InputDataError, match=r"^twice\.csv: column 点击量 appears twice \(columns 3 and 7\)\. "
                       r"Delete or rename all but one of them\.$"):
        read_report(tmp_path / "twice.csv")
    book = openpyxl.Workbook()
    book.active.append(["日期", "关键词", "点击量", "花费", "点击量"])
    book.active.append(["2026-03-01", "a", 1, 2, 3])
    book.save(tmp_path / "twice.xlsx")
    with pytest.raises(InputDataError, match=r"twice\.xlsx: column 点击量 appears twice \(columns 3 and 5\)"):
        read_report(tmp_path / "twice.xlsx")


def test_decimal_commas_and_day_first_dates_are_read_from_the_whole_file(tmp_path):
    lines = ["日期;关键词;展现量;点击量;花费;成交金额"]
    lines += [f"{day:02d}/03/2026;kw;1.234;10;36,50;1.234,50" for day in (2, 13)]
    frame = read_report(write(tmp_path / "de.csv", lines)).frame
    assert frame["spend"].tolist() == [36.5, 36.5] and frame["revenue"].tolist() == [1234.5, 1234.5]
    assert frame["impressions"].tolist() == [1234, 1234] and frame["date"].dt.month.tolist() == [3, 3]
    write(tmp_path / "us.csv", ["Date,Keyword,Clicks,Cost", "03/11/2026,kw,10,36.50", "2026-03-01,kw,10,1.5"])
    with pytest.raises(InputDataError, match=r'us\.csv: column date: 1 cell could be day/month/year or month/day/year'):
        read_report(tmp_path / "us.csv")


def test_a_line_exported_twice_is_read_once_and_said(tmp_path):
    lines = [ZTC_HEADER, *ztc_lines()]
    report = read_report(write(tmp_path / "twice.csv", lines + lines[1:3]))
    assert len(report.frame) == 6 and report.frame["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert report.notes == ("twice.csv: skipped 2 rows repeating an earlier row cell for cell (the same line exported "
                            "twice; rows 8 = 2, 9 = 3)",)


def test_rows_alike_cell_for_cell_are_kept_when_the_export_s_own_total_counts_them(tmp_path):
    lines = ["Campaign,Keyword,Impressions,Clicks,Cost", "合计,,300,0,0.02", "Plan,kw,100,0,0.00", "Plan,kw,100,0,0.01",
             "Plan,kw,100,0,0.01"]
    report = read_report(write(tmp_path / "counted.csv", lines))
    assert report.frame["spend"].sum() == pytest.approx(0.02) and report.frame["row"].tolist() == [3, 4, 5]
    assert not any("repeating" in note for note in report.notes)
    report = read_report(write(tmp_path / "twice.csv", ["Campaign,Keyword,Impressions,Clicks,Cost",
                                                        "合计,,200,0,0.01", *lines[2:]]))
    assert report.frame["row"].tolist() == [3, 4] and any("repeating" in note for note in report.notes)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_short_gbk_file_a_detector_takes_for_latin_1_is_read_as_chinese(tmp_path, encoding):
    lines = ["Keyword report", "Keyword report",
             "Campaign,Keyword,Match type,Impressions,Clicks,Cost,Conversions,Conv. value",
             "合计,,,200,10,0.00,0,0.00", "计划A,red shoes,Broad,100,10,0.00,,", "Plan B,b07b7nsllp,,100,0,0.00,,"]
    report = read_report(write(tmp_path / "short.csv", lines, encoding))
    assert report.encoding == "gb18030" and report.frame["plan"].tolist() == ["计划A", "Plan B"]
    assert report.notes == ('short.csv: skipped 1 total row (the export\'s own sums; row 4: "合计")',)


def test_latin_1_accents_stay_latin_1(tmp_path):
    lines = ["Campaign,Keyword,Impressions,Clicks,Cost", "Été,café,100,10,1.00", "Noël,schön,50,5,0.50"]
    report = read_report(write(tmp_path / "latin.csv", lines, "latin-1"))
    assert report.encoding != "gb18030" and report.frame["keyword"].tolist() == ["café", "schön"]


@pytest.mark.parametrize(("most", "other", "named"), [("gbk", "utf-8", "not GBK like the rest of the file but UTF-8"),
                                                      ("utf-8", "gbk", "not UTF-8 like the rest of the file but GBK")])
def test_a_line_in_another_encoding_is_refused_by_its_line(tmp_path, most, other, named):
    lines = [ZTC_HEADER, *ztc_lines(days=3)]
    data = [line.encode(other if number == 4 else most) for number, line in enumerate(lines, start=1)]
    (tmp_path / "mixed.csv").write_bytes(b"\n".join(data) + b"\n")
    with pytest.raises(InputDataError, match=rf"mixed\.csv: line 4 is {named} text \(byte 0x[0-9a-f]{{2}}\): a line "
                       rf"saved in another encoding, or a damaged file \(row 4: '{re.escape(lines[3][:40])}"):
        read_report(tmp_path / "mixed.csv")


def test_a_swiss_export_with_apostrophes_between_thousands_reads_its_figures(tmp_path):
    lines = ["Day,Campaign,Ad group,Keyword,Max. CPC,Impr.,Clicks,Cost,Conversions,Conv. value",
             "2026-11-01,A,G,shoe,1.20,12'345,1'020,1'234.50,20,2'400.00",
             "2026-11-01,A,G,sock,0.80,1\u2019900,40,31.00,1,1\u2019090.00"]   # Windows' Swiss locale types ’
    report = read_report(write(tmp_path / "ch.csv", lines))
    assert report.frame["impressions"].tolist() == [12345, 1900] and report.frame["clicks"].tolist() == [1020, 40]
    assert report.frame["spend"].tolist() == [1234.5, 31.0] and report.frame["revenue"].tolist() == [2400.0, 1090.0]
