"""scenarios/make_sample.py: seeded, realistic 直通车 reports and the shipped sample they make."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.paths import ROOT, script

SAMPLE = ROOT / "scenarios" / "data" / "ztc_keywords.csv"


def _load_generator():
    return script(ROOT / "scenarios" / "make_sample.py", "make_sample")


make_sample = _load_generator()
UNIT = ["plan", "ad_group", "keyword", "match_type"]


@pytest.fixture(scope="module")
def report() -> pd.DataFrame:
    return make_sample.make_keyword_report(120, 21, seed=3)


def _records(path: Path) -> list[list[str]]:
    with open(path, encoding="gbk", newline="") as stream:
        return list(csv.reader(stream))


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    paths = []
    for name, seed in (("a.csv", 11), ("b.csv", 11), ("c.csv", 12)):
        frame = make_sample.make_keyword_report(60, 10, seed=seed)
        paths.append(make_sample.write_ztc_csv(frame, tmp_path / name))
    first, again, other = (path.read_bytes() for path in paths)
    assert first == again
    assert first != other


def test_export_is_gbk_with_chinese_headers_in_order_and_a_total_row(report, tmp_path):
    path = make_sample.write_ztc_csv(report, tmp_path / "report.csv")
    records = _records(path)
    assert records[0] == ["日期", "推广计划名称", "宝贝名称", "关键词", "匹配方式", "出价", "展现量", "点击量",
                          "点击率", "花费", "平均点击花费", "总成交笔数", "总成交金额", "投入产出比"]
    assert len(records) == len(report) + 2
    total = records[-1]
    assert total[0] == "合计"
    assert int(total[7]) == report["clicks"].sum()
    body = pd.DataFrame(records[1:-1], columns=records[0])
    assert set(body["匹配方式"]) == {"精确匹配", "广泛匹配"}
    assert body["花费"].str.fullmatch(r"￥\d{1,3}(,\d{3})*\.\d\d").all()
    assert body["点击率"].str.fullmatch(r"\d+\.\d\d%").all()
    assert body["出价"].str.fullmatch(r"\d+\.\d\d").all()
    no_clicks = body["点击量"] == "0"
    assert no_clicks.any() and (body.loc[no_clicks, ["平均点击花费", "投入产出比"]] == "-").all().all()
    assert (body.loc[~no_clicks, "平均点击花费"] != "-").all()


def test_money_is_grouped_by_thousands_and_rounded_to_fen():
    values = np.array([0.0, 0.5, 999.99, 1000.0, 1234.5, 1_000_000.0, 12_345_678.9])
    assert make_sample._money(values).tolist() == [
        "￥0.00", "￥0.50", "￥999.99", "￥1,000.00", "￥1,234.50", "￥1,000,000.00", "￥12,345,678.90"]


def test_counts_and_money_are_consistent(report):
    assert list(report.columns) == list(make_sample.COLUMNS)
    numbers = report[["bid", "impressions", "clicks", "spend", "orders", "revenue"]]
    assert (numbers >= 0).all().all()
    assert (report["impressions"] > 0).all()  # all-zero days are omitted, as the platform does
    assert (report["clicks"] <= report["impressions"]).all()
    assert (report["orders"] <= report["clicks"]).all()
    assert (report["spend"] <= report["bid"] * report["clicks"] + 1e-9).all()
    assert ((report["orders"] == 0) == (report["revenue"] == 0)).all()
    assert not report.duplicated(["date"] + UNIT).any()


def test_some_keywords_change_bids_in_the_history(report):
    bids_per_keyword = report.groupby(UNIT)["bid"].nunique()
    changed = (bids_per_keyword > 1).mean()
    assert 0.15 <= changed <= 0.45
    assert (bids_per_keyword <= 3).all()


def test_market_has_plans_that_clearly_differ():
    frame = make_sample.make_keyword_report(2000, 14, seed=5)
    by_plan = frame.groupby("plan")[["spend", "revenue", "clicks", "impressions"]].sum()
    roi = by_plan["revenue"] / by_plan["spend"]
    ctr = by_plan["clicks"] / by_plan["impressions"]
    assert 5 <= len(by_plan) <= 8
    assert roi.max() > 2 * roi.min() and ctr.max() > 2 * ctr.min()
    assert 2.0 <= frame["revenue"].sum() / frame["spend"].sum() <= 4.0


def test_bad_sizes_are_refused_with_the_parameter_named():
    with pytest.raises(ValueError,
                       match=r"The 'n_keywords' parameter must be an int in the range \[1, inf\). Got 0"):
        make_sample.make_keyword_report(0)
    with pytest.raises(ValueError, match=r"The 'days' parameter must be an int .* Got 2.5"):
        make_sample.make_keyword_report(10, 2.5)


def test_cli_writes_the_file_it_names(tmp_path, capsys):
    out = tmp_path / "nested" / "small.csv"
    assert make_sample.main(["--keywords", "25", "--days", "4", "--seed", "2", "--out", str(out)]) == 0
    assert f"wrote {out}: 25 keywords" in capsys.readouterr().out
    assert _records(out)[-1][0] == "合计"
    assert list(out.parent.iterdir()) == [out]  # no staging file left behind


def test_shipped_sample_is_what_the_generator_makes_by_default(tmp_path):
    fresh = make_sample.write_ztc_csv(make_sample.make_keyword_report(), tmp_path / "fresh.csv")
    assert SAMPLE.read_bytes() == fresh.read_bytes(), "rerun: python scenarios/make_sample.py"
    text = SAMPLE.read_bytes().decode("gbk")
    frame = pd.read_csv(io.StringIO(text), dtype=str).iloc[:-1]
    assert frame.groupby(["推广计划名称", "宝贝名称", "关键词", "匹配方式"]).ngroups == 300
    assert frame["日期"].nunique() == 28
    assert frame["推广计划名称"].nunique() >= 5


def test_shipped_sample_reads_through_the_project_reader():
    from optimizer.reading.report_file import read_report

    frame = read_report(SAMPLE).frame
    assert len(frame) == len(make_sample.make_keyword_report())
    assert set(frame["match_type"]) == {"exact", "broad"}
