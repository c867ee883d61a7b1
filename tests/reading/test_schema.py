"""schema.validate: every problem in one error, skip mode, derived metrics, merging."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import IDENTITY, METRICS, OPTIONAL, display_name, validate
from tests.paths import REAL

COLUMNS = ["date", "plan", "ad_group", "keyword", "match_type", "bid", "impressions", "clicks", "spend",
           "orders", "revenue", "plan_budget", "source", "row"]
ZTC = "日期,推广计划,推广单元,关键词,匹配方式,出价,展现量,点击量,花费,总成交笔数,总成交金额"


def report(tmp_path: Path, name: str, lines: list[str], columns: dict[str, str] | None = None):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_report(path, columns)


def ztc_rows(seed: int = 3, days: int = 4) -> list[str]:
    """Seeded keyword-days that pass every check."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(1, days + 1):
        for plan, keyword in (("计划A", "裙子"), ("计划B", "衬衫")):
            impressions = int(rng.integers(500, 2000))
            clicks = int(rng.integers(20, 60))
            orders = int(rng.integers(0, 5))
            rows.append(f"2024-06-0{day},{plan},单元1,{keyword},精确匹配,1.5,{impressions},{clicks},"
                        f"{clicks * 1.2:.2f},{orders},{orders * 99}")
    return rows


def test_clean_report_merges_sorted_and_typed(tmp_path):
    performance = validate([report(tmp_path, "ztc.csv", [ZTC, *reversed(ztc_rows())])])
    frame = performance.frame
    assert list(frame.columns) == COLUMNS and len(frame) == 8
    assert frame["plan"].tolist() == ["计划A"] * 4 + ["计划B"] * 4
    assert frame["date"].is_monotonic_increasing is False and frame["date"].iloc[:4].is_monotonic_increasing
    assert frame["match_type"].eq("exact").all() and frame["row"].iloc[0] == 9
    assert all(frame[column].dtype == "float64" for column in ("bid", *METRICS, "plan_budget"))
    assert (performance.level, performance.has_bid, performance.has_orders, performance.has_revenue) == (
        "keyword", True, True, True)
    assert performance.history_days == 4 and performance.last_date == pd.Timestamp("2024-06-04")
    assert performance.warnings == () and performance.sources == ("ztc.csv",)
    assert set(IDENTITY) | set(METRICS) | set(OPTIONAL) <= set(COLUMNS)


def test_duplicates_are_summed_bid_and_budget_maxed(tmp_path):
    lines = ["日期,推广计划,关键词,出价,展现量,点击量,花费,日限额",
             "2024-06-01,A,裙子,1.0,100,5,5.0,50", "2024-06-01,A,裙子,1.4,200,7,9.0,80",
             "2024-06-01,A,衬衫,0.8,10,1,1.0,80"]
    frame = validate([report(tmp_path, "dup.csv", lines)]).frame
    assert frame["keyword"].tolist() == ["衬衫", "裙子"]
    skirt = frame.iloc[1]
    assert (skirt["impressions"], skirt["clicks"], skirt["spend"], skirt["bid"], skirt["plan_budget"], skirt["row"]) == (
        300, 12, 14, 1.4, 80, 2)
    assert np.isnan(skirt["orders"]) and skirt["ad_group"] == "" and skirt["match_type"] == ""


def test_a_few_rows_with_clicks_above_impressions_are_kept_and_counted(tmp_path):
    rows = ztc_rows()
    rows[2] = "2024-06-02,计划A,单元1,裙子,精确匹配,1.5,10,50,60,0,0"
    rows[5] = "2024-06-03,计划B,单元1,衬衫,精确匹配,1.5,3,12,14,0,0"
    performance = validate([report(tmp_path, "report.csv", [ZTC, *rows])])
    assert len(performance.frame) == 8
    assert performance.warnings == (
        "report.csv: column 点击量 (clicks): 2 rows have clicks above impressions (rows 4: 50 > 10, 7: 12 > 3). "
        "Kept: 2 of the 8 rows with clicks, attribution artefacts of the export, counted as they are "
        "(CTR at most 1).",)


def test_clicks_above_impressions_in_most_rows_is_a_misaligned_file(tmp_path):
    rows = [",".join(row.split(",")[:6] + [row.split(",")[7], row.split(",")[6]] + row.split(",")[8:])
            for row in ztc_rows()]  # impressions and clicks swapped
    with pytest.raises(InputDataError) as raised:
        validate([report(tmp_path, "swapped.csv", [ZTC, *rows])], on_bad_rows="skip")
    assert str(raised.value).startswith(
        "swapped.csv: column 点击量 (clicks): 8 of the 8 rows with clicks have clicks above impressions: the "
        "columns look misaligned (rows 2: ")
    assert str(raised.value).endswith(
        '. Check that each header names its column; '
        'name them with --columns "Your header=clicks" (or [data] columns).')


def test_missing_column_full_message(tmp_path):
    lines = ["日期,推广计划,关键词,展现量,点击数据,花费", "2024-06-01,A,裙子,100,5,5.0"]
    with pytest.raises(InputDataError, match="no clicks column") as raised:
        validate([report(tmp_path, "report.csv", lines)])
    assert str(raised.value) == (
        "report.csv: no clicks column (looked for 点击量, 点击数, 点击次数, Clicks, Link clicks, Clicks (all), Interactions). "
        'Pass --columns "Your header=clicks" (or name it in [data] columns = { "Your header" = "clicks" }).')
    performance = validate([report(tmp_path, "report.csv", lines, {"点击数据": "clicks"})])
    assert performance.frame["clicks"].tolist() == [5]


def test_every_problem_of_every_file_in_one_error(tmp_path):
    bad = [ZTC, "2024-06-01,A,U,k,精确匹配,1,100,-5,abc,0,0", "2024-06-02,A,U,k,精确匹配,1,100,5,x1,0,0",
           "someday,A,U,k,精确匹配,1,100,5,1,0,-3", ",A,U,k,精确匹配,1,100,5,1,0,0"]
    no_plan = ["Date,Impressions,Clicks", "2024-06-01,10,1"]
    empty = [ZTC]
    with pytest.raises(InputDataError, match="no plan or keyword column") as raised:
        validate([report(tmp_path, "bad.csv", bad), report(tmp_path, "noplan.csv", no_plan),
                  report(tmp_path, "empty.csv", empty)])
    messages = [str(problem) for problem in raised.value.problems]
    assert messages[:5] == [
        'bad.csv: column 日期 (date): 1 row cannot be read as a date (row 4: "someday"). '
        'Fix the export, or pass --on-bad-rows skip (on_bad_rows = "skip" in [data]).',
        'bad.csv: column 花费 (spend): 2 rows cannot be read as numbers (rows 2: "abc", 3: "x1"). '
        'Fix the export, or pass --on-bad-rows skip (on_bad_rows = "skip" in [data]).',
        'bad.csv: column 日期 (date): 1 row has no date (row 5). Fix the export, or pass --on-bad-rows skip (on_bad_rows = "skip" in [data]).',
        'bad.csv: column 点击量 (clicks): 1 row has negative clicks (row 2: -5). '
        'Fix the export, or pass --on-bad-rows skip (on_bad_rows = "skip" in [data]).',
        'bad.csv: column 总成交金额 (revenue): 1 row has negative revenue (row 4: -3). '
        'Fix the export, or pass --on-bad-rows skip (on_bad_rows = "skip" in [data]).',
    ]
    assert messages[5].startswith("noplan.csv: no spend column (looked for 花费,")
    assert messages[6].startswith("noplan.csv: no plan or keyword column (looked for 推广计划名称,")
    assert messages[7] == "empty.csv: has no data rows. Export the report again for a period with data."
    assert len(messages) == 8


def test_skip_mode_drops_rows_and_warns(tmp_path):
    rows = ztc_rows()
    rows[0] = "2024-06-01,计划A,单元1,裙子,精确匹配,1.5,10,-5,60,0,0"
    rows[3] = "2024-06-02,计划B,单元1,衬衫,精确匹配,1.5,100,5,oops,0,0"
    performance = validate([report(tmp_path, "report.csv", [ZTC, *rows])], on_bad_rows="skip")
    assert performance.warnings == ("report.csv: skipped 1 row with unreadable spend (row 5)",
                                    "report.csv: skipped 1 row with negative clicks (row 2)")
    assert len(performance.frame) == 6 and not {2, 5} & set(performance.frame["row"])


def test_orders_above_clicks_is_checked_on_unit_totals(tmp_path):
    lines = ["日期,推广计划,关键词,展现量,点击量,花费,成交笔数",
             "2024-06-01,A,k1,100,1,1,3", "2024-06-02,A,k1,100,5,1,0",  # 3 orders, 6 clicks: fine
             "2024-06-01,A,k2,100,1,1,2", "2024-06-02,A,k2,100,0,0,0"]  # 2 orders, 1 click: an artefact
    kept = validate([report(tmp_path, "r.csv", lines)])
    assert kept.frame["keyword"].tolist() == ["k1", "k1", "k2", "k2"]
    assert kept.warnings == (
        "r.csv: column 成交笔数 (orders): 1 unit has more orders than clicks in total over the report; totals "
        "shown at each unit's first row (row 4: 2 > 1). Kept: 1 of the 2 units with orders, attribution "
        "artefacts of the export, counted as they are.",)
    misaligned = lines + ["2024-06-01,A,k3,100,1,1,4"]
    with pytest.raises(InputDataError, match=r"column 成交笔数 \(orders\): 2 of the 3 units with orders have more "
                                             r"orders than clicks in total over the report: the columns look "
                                             r"misaligned; totals shown at each unit's first row "
                                             r"\(rows 4: 2 > 1, 6: 4 > 1\)\. Check that each header"):
        validate([report(tmp_path, "r.csv", misaligned)], on_bad_rows="skip")


def test_orders_above_clicks_is_a_warning_under_an_attribution_window(tmp_path):
    lines = ["Date,Campaign Name,Targeting,Impressions,Clicks,Spend,7 Day Total Orders (#)",
             "2024-06-01,A,k2,100,1,1,2"]
    performance = validate([report(tmp_path, "amazon.csv", lines)])
    assert len(performance.frame) == 1
    assert performance.warnings == (
        "amazon.csv: column 7 Day Total Orders (#) (orders): 1 unit has more orders than clicks in total over "
        "the report; totals shown at each unit's first row (row 2: 2 > 1). Kept: the orders column counts an "
        "attribution window, where one click can bring several orders.",)


def test_derived_metrics_fill_missing_ones(tmp_path):
    lines = ["Date,Campaign,Keyword,Clicks,CTR,Avg. CPC,ROAS,ACoS",
             "2024-06-01,A,k,10,5%,0.5,4,", "2024-06-02,A,k,0,0%,,,", "2024-06-03,A,k,4,2%,1,,50%"]
    frame = validate([report(tmp_path, "g.csv", lines)]).frame
    assert frame["impressions"].tolist()[::2] == [200, 200] and np.isnan(frame["impressions"].iloc[1])
    assert frame["spend"].tolist() == [5, 0, 4]
    assert frame["revenue"].iloc[0] == 20 and frame["revenue"].iloc[2] == 8


def test_clicks_come_from_ctr_and_impressions_when_a_report_has_no_clicks_column(tmp_path):
    # Google's campaign report as a shop's default columns download it: Impr. and CTR, no Clicks
    lines = ["Campaign report", "15 November 2025 - 15 November 2025",
             "Campaign status,Campaign,Budget,Campaign type,Impr.,CTR,Currency code,Cost,Conv. rate,Conversions",
             "Enabled,Sales,30.00,Search,18,16.67%,AUD,19.96,0.00%,0.00", "Enabled,Brand,10.00,Search,400,2.25%,AUD,7.20,0.00%,1.00"]
    performance = validate([report(tmp_path, "campaigns.csv", lines)])
    assert performance.frame.set_index("plan")["clicks"].to_dict() == {"Brand": 9, "Sales": 3}
    assert "CTR -> ctr" in performance.files[0].columns_used


def test_interactions_are_clicks_only_where_a_report_has_no_clicks(tmp_path):
    header = "Search term,Match type,Campaign,Ad group,Impr.,Interactions,Interaction rate,Avg. cost,Cost,Conversions"
    lines = ["Search terms report", "11 November 2025 - 11 November 2025", header,
             "red wreath,Phrase match,A,G,10,2,20.00%,1.50,3.00,0.00"]
    read = validate([report(tmp_path, "terms.csv", lines)])
    assert read.frame["clicks"].tolist() == [2] and "Interactions -> clicks" in read.files[0].columns_used
    both = lines[:2] + [header.replace("Cost,", "Cost,Clicks,"), "red wreath,Phrase match,A,G,10,3,30.00%,1.00,3.00,2,0.00"]
    read = validate([report(tmp_path, "both.csv", both)])   # a call counts as an interaction, not a click
    assert read.frame["clicks"].tolist() == [2] and "Clicks -> clicks" in read.files[0].columns_used


def test_no_date_needs_period_days_and_plan_level(tmp_path):
    lines = ["Campaign,Impressions,Clicks,Spent,Budget", "A,100,5,2.5,10", "A,50,5,2.5,12", "B,10,1,1,5"]
    with pytest.raises(InputDataError, match=r"^plan\.csv: states no period: no date column \(Date, Day, Start Date "
                                             r"and End Date, Month, Week\) and no date range in a title line\. "
                                             r"Pass --period-days N, the number of days the report covers"):
        validate([report(tmp_path, "plan.csv", lines)])
    performance = validate([report(tmp_path, "plan.csv", lines)], period_days=7)
    assert performance.level == "plan" and performance.history_days == 7 and performance.last_date is None
    assert "keyword" not in performance.frame and performance.frame["plan"].tolist() == ["A", "B"]
    assert performance.frame["plan_budget"].tolist() == [12, 5] and performance.frame["date"].isna().all()


def test_keywords_without_plan_get_all_and_mixed_levels_fail(tmp_path):
    keywords = report(tmp_path, "kw.csv", ["Day,Keyword,Impr.,Clicks,Cost", "2024-06-01,k,10,1,1"])
    assert validate([keywords]).frame["plan"].tolist() == ["(all)"]
    plans = report(tmp_path, "plans.csv", ["Day,Campaign,Impr.,Clicks,Cost", "2024-06-01,A,10,1,1"])
    with pytest.raises(InputDataError, match=r"^reports mix keyword-level files \(kw\.csv\) and plan-level "
                                             r"files \(plans\.csv\)\. Give keyword reports only"):
        validate([keywords, plans])


def test_two_files_merge_and_partial_orders_warn(tmp_path):
    first = report(tmp_path, "week1.csv", [ZTC, *ztc_rows(days=2)])
    second = report(tmp_path, "week2.csv", ["日期,推广计划,关键词,展现量,点击量,花费", "2024-06-09,计划A,裙子,100,5,5"])
    performance = validate([first, second])
    assert performance.history_days == 9 and performance.sources == ("week1.csv", "week2.csv")
    assert performance.has_orders is False and performance.has_bid is False
    assert "week2.csv: no orders column while other reports have one; orders is left unknown there" in (
        performance.warnings)


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"The 'on_bad_rows' parameter must be one of \('error', 'skip'\)\. "
                                         r"Got 'drop' instead\."):
        validate([], on_bad_rows="drop")
    with pytest.raises(ValueError, match=r"'period_days' parameter must be a positive int\. Got 0 instead\."):
        validate([], period_days=0)
    with pytest.raises(InputDataError, match="no report files given"):
        validate([])


def test_display_name():
    assert display_name("clicks", {"clicks": "点击量"}) == "点击量 (clicks)"
    assert display_name("clicks", {"clicks": "Clicks"}) == "clicks"
    assert display_name("clicks", {}) == "clicks"


def require_real() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"../shared/data/real is absent: no real exports at {REAL}")
    return REAL


def test_real_amazon_targeting_report_validates_with_a_window_warning():
    real = require_real()
    performance = validate([read_report(real / "amazon_sp_india" / "Sponsored Products Targeting report (1).xlsx")])
    assert performance.level == "keyword" and not performance.has_bid and performance.has_revenue
    assert performance.history_days == 29 and performance.last_date == pd.Timestamp("2020-02-29")
    assert len(performance.warnings) == 1 and "1 unit has more orders than clicks" in performance.warnings[0]
    frame = performance.frame
    assert (frame["clicks"].sum(), frame["orders"].sum(), round(frame["spend"].sum(), 2)) == (1955, 194, 47108.12)
    assert len(frame) == 1683 and frame.drop_duplicates(["plan", "ad_group", "keyword", "match_type"]).shape[0] == 107


def test_real_amazon_campaign_report_is_plan_level_with_budgets():
    real = require_real()
    performance = validate([read_report(real / "amazon_sp_india" / "Sponsored Products Campaign report.csv")])
    assert performance.level == "plan" and performance.frame["plan_budget"].notna().all()
    assert len(performance.frame) == 182 and performance.warnings == ()


def test_real_facebook_kag_file_needs_period_days():
    real = require_real()
    kag = read_report(real / "kaggle_fb_kag" / "KAG_conversion_data.csv")
    with pytest.raises(InputDataError, match="KAG_conversion_data.csv: states no period"):
        validate([kag])
    performance = validate([kag], period_days=30)
    assert performance.level == "plan" and performance.has_orders and not performance.has_revenue
    assert performance.frame["clicks"].tolist() == [36068, 113, 1984]


def test_an_account_total_by_day_is_refused_for_what_it_is(tmp_path):
    lines = ["Date,Clicks,Cost Per Click (CPC),Spend", "2020-02-01,40,17.83,713.36", "2020-02-02,57,19.99,1139.69"]
    with pytest.raises(InputDataError, match=r"^daily\.csv: is the account's totals by day \(no campaign, ad group or "
                                             r"keyword column\): there is nothing to divide a budget or bids among\. "
                                             r"Export the campaign report"):
        validate([report(tmp_path, "daily.csv", lines)])


def test_the_only_unit_with_orders_having_more_orders_than_clicks_is_kept_as_an_artefact(tmp_path):
    # a real 2016 AdWords keyword report: one keyword converted, 8 conversions from 2 clicks
    lines = ["日期,推广计划,关键词,展现量,点击量,花费,成交笔数",
             "2024-06-01,A,k1,100,2,1,8", "2024-06-01,A,k2,100,3,1,0", "2024-06-01,A,k3,100,1,1,0"]
    kept = validate([report(tmp_path, "r.csv", lines)])
    assert len(kept.frame) == 3
    assert kept.warnings[0].endswith("Kept: 1 of the 1 units with orders, attribution artefacts of the export, "
                                     "counted as they are.")


def test_a_performance_max_search_terms_report_is_refused_saying_what_it_is(tmp_path):
    # Google's Performance Max search terms: a title, the range, and no Campaign or Keyword column
    rng = np.random.default_rng(9)
    lines = ["Search terms report", '"January 28, 2026 - February 24, 2026"',
             "Search term,Match type,Added/Excluded,Clicks,Impr.,CTR,Currency code,Avg. CPC,Cost,Conversions"]
    lines += [f"term {k},Performance Max,None,{c},{c * 9},1.00%,USD,0.5,{c * 0.5:.2f},0.00"
              for k, c in enumerate(rng.integers(0, 5, size=6))]
    with pytest.raises(InputDataError, match="is a Performance Max search-terms report: its terms take no bids"):
        validate([report(tmp_path, "Search terms report.csv", lines)])


@given(rows=st.integers(1, 60), seed=st.integers(0, 10_000), days=st.integers(1, 4))
@settings(max_examples=40, deadline=None)
def test_rows_one_per_key_come_out_as_grouping_merges_them(rows, seed, days):
    """Rows with distinct keys skip the grouping: the same rows, values, order and types as merging them."""
    import optimizer.reading.schema as schema

    rng = np.random.default_rng(seed)
    dates = pd.to_datetime("2026-03-01") + pd.to_timedelta(rng.integers(0, days, rows), unit="D")
    frame = pd.DataFrame({
        "date": pd.Series(dates).where(rng.random(rows) > 0.1), "plan": rng.choice(["B", "a", "计划", "A"], rows),
        "ad_group": rng.choice(["g1", "g2", ""], rows), "keyword": [f"kw {index}" for index in rng.permutation(rows)],
        "match_type": rng.choice(["exact", "broad"], rows), "bid": rng.choice([0.5, 1.25, np.nan], rows),
        "impressions": rng.integers(0, 50, rows).astype(float), "clicks": rng.choice([0.0, -0.0, 2.0, np.nan], rows),
        "spend": rng.random(rows), "orders": 0.0, "revenue": rng.random(rows) * 10, "source": "r.csv",
        "row": np.arange(rows) + 2})
    distinct = schema._merge([frame], "keyword")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "_sorted_if_distinct", lambda combined, texts: None)
        merged = schema._merge([frame], "keyword")
    pd.testing.assert_frame_equal(distinct, merged, check_exact=True)   # -0.0 equals 0.0 (grouping keeps either)
