"""Forecast vs actual on generated reports with known truth: plan on days 1-21, then report days 22-28.

The week after the plan is what ``make_sample`` generated, with the bids of some
keywords set to the recommendations: the matching must find exactly those as
applied, and its actual figures must be the generated rows' sums.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.decisions.plan import make_plan, read_performance
from optimizer.decisions.sheets import forecast_markdown
from optimizer.history.forecast_check import against_history, check, learned, match
from optimizer.history.store import HistoryStore
from optimizer.scenario.scenario_file import scenario_from_reports
from tests.test_make_sample import make_sample

KEYS = ["plan", "ad_group", "keyword", "match_type"]
FIRST_AFTER = pd.Timestamp("2026-11-16")   # day 22 of a sample starting 2026-10-26


def write_ztc(frame: pd.DataFrame, path: Path) -> Path:
    return make_sample.write_ztc_csv(frame.reset_index(drop=True), path)


def applied_week(week: pd.DataFrame, recommended: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The week with every other raised or cut keyword's bid set to the recommendation; and those keywords."""
    changed = recommended[recommended["action"].isin(["raise", "cut"])].iloc[::2][KEYS + ["new_bid"]]
    week = week.merge(changed, on=KEYS, how="left")
    week["bid"] = np.where(week["new_bid"].notna(), week["new_bid"].round(2), week["bid"])
    return week.drop(columns="new_bid"), changed


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return make_sample.make_keyword_report(120, 28, seed=5)


@pytest.fixture(scope="module")
def recorded(sample, tmp_path_factory):
    """A run planned on days 1-21 and recorded in its own store: (url, run, recommendations)."""
    folder = tmp_path_factory.mktemp("recorded")
    report = write_ztc(sample[sample["date"] < FIRST_AFTER], folder / "days_1_21.csv")
    url = f"sqlite:///{folder / 'history.sqlite'}"
    with HistoryStore(url) as store:
        run_id = store.record(make_plan(scenario_from_reports([report])))
        return url, store.run(run_id), store.recommendations(run_id)


def performance_of(frame: pd.DataFrame, path: Path):
    return read_performance(scenario_from_reports([write_ztc(frame, path)]))


def test_actuals_are_the_reported_week_and_applied_bids_are_found(sample, recorded, tmp_path):
    url, run, recommended = recorded
    week, changed = applied_week(sample[sample["date"] >= FIRST_AFTER], recommended)
    performance = performance_of(pd.concat([sample[sample["date"] < FIRST_AFTER], week]), tmp_path / "days_1_28.csv")
    with HistoryStore(url) as store:
        result = against_history(store, performance)
    assert result["run"] == run.id
    assert result["window"] == {"first": "2026-11-16", "last": "2026-11-22", "days": 7, "period_days": 7,
                                "forecast_scale": 1.0}
    assert result["bid_source"] == "reported bid"

    matched = week.merge(recommended[KEYS], on=KEYS)
    for name in ("spend", "clicks", "orders", "revenue"):
        assert result["total"]["actual"][name] == pytest.approx(matched[name].sum())
        assert result["total"]["forecast"][name] == pytest.approx(recommended[name].sum())
    assert result["total"]["actual"]["roi"] == pytest.approx(matched["revenue"].sum() / matched["spend"].sum())
    by_plan = matched.groupby("plan")["revenue"].sum()
    assert {entry["plan"]: entry["actual"]["revenue"] for entry in result["plans"]} == pytest.approx(by_plan.to_dict())
    new_keywords = week.drop_duplicates(KEYS).merge(recommended[KEYS], on=KEYS, how="left", indicator=True)
    assert result["unmatched"]["units"] == int((new_keywords["_merge"] == "left_only").sum())

    rows = match(run, recommended, performance)
    reported = rows.merge(week[KEYS].drop_duplicates(), on=KEYS)
    was_changed = reported.merge(changed[KEYS], on=KEYS, how="left", indicator=True)["_merge"] == "both"
    assert len(reported) and was_changed.any()
    assert (reported.loc[was_changed.to_numpy(), "status"] == "applied").all()
    moved = (~was_changed.to_numpy()) & (reported["action"] != "pause").to_numpy() & (
        (reported["reported_bid"] - reported["new_bid"]).abs() > 0.05).to_numpy()
    assert moved.any() and (reported.loc[moved, "status"] == "not_applied").all()
    assert (rows.merge(week[KEYS].drop_duplicates(), on=KEYS, how="left", indicator=True)
            .query("_merge == 'left_only' and action != 'pause'")["status"] == "not_reported").all()
    counts = result["total"]["bids"]
    assert sum(counts.values()) == len(recommended)
    kept_old = rows["status"] == "not_applied"
    assert result["total"]["forecast_as_applied"]["revenue"] == pytest.approx(
        rows.loc[kept_old, "before_revenue"].sum() + rows.loc[~kept_old, "forecast_revenue"].sum())
    assert counts["applied"] == int((rows["status"] == "applied").sum())


def test_a_partial_week_prorates_the_forecast(sample, recorded, tmp_path):
    url, run, recommended = recorded
    performance = performance_of(sample[sample["date"] < FIRST_AFTER + pd.Timedelta(days=3)], tmp_path / "d24.csv")
    result = check(run, recommended, performance)
    assert result["window"]["days"] == 3 and result["window"]["last"] == "2026-11-18"
    assert result["total"]["forecast"]["spend"] == pytest.approx(recommended["spend"].sum() * 3 / 7)
    assert "pro-rated to the 3 days reported" in forecast_markdown(result)


def test_without_a_bid_column_the_cpc_paid_tells_what_was_applied(sample, recorded, tmp_path):
    url, run, recommended = recorded
    week, changed = applied_week(sample[sample["date"] >= FIRST_AFTER], recommended)
    forecast_cpc = recommended.assign(forecast_cpc=recommended["spend"] / recommended["clicks"])[KEYS + ["forecast_cpc"]]
    week = week.merge(forecast_cpc.merge(changed[KEYS], on=KEYS), on=KEYS, how="left")
    week["spend"] = np.where(week["forecast_cpc"].notna(), (week["clicks"] * week["forecast_cpc"]).round(2),
                             week["spend"])
    frame = pd.concat([sample[sample["date"] < FIRST_AFTER], week.drop(columns="forecast_cpc")])
    frame["match_type"] = frame["match_type"].map(make_sample.MATCH_NAMES)
    headers = {"date": "日期", "plan": "推广计划名称", "ad_group": "宝贝名称", "keyword": "关键词", "match_type": "匹配方式",
               "impressions": "展现量", "clicks": "点击量", "spend": "花费", "orders": "总成交笔数", "revenue": "总成交金额"}
    path = tmp_path / "no_bid.csv"
    frame[list(headers)].rename(columns=headers).to_csv(path, index=False, encoding="utf-8")
    performance = read_performance(scenario_from_reports([path]))
    assert not performance.has_bid
    rows = match(run, recommended, performance)
    clicked = rows[rows["actual_clicks"] > 0]
    was_changed = clicked.merge(changed[KEYS], on=KEYS, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    assert was_changed.any() and (clicked.loc[was_changed, "status"] == "applied").all()
    assert check(run, recommended, performance)["bid_source"] == "CPC (the reports have no bid column)"


def test_the_latest_run_of_this_account_is_the_one_checked(sample, recorded, tmp_path, history_store):
    _, run, _ = recorded
    before = sample[sample["date"] < FIRST_AFTER]
    report = write_ztc(before, tmp_path / "a.csv")
    other = before.assign(plan="其他店铺-" + before["plan"])
    other_report = write_ztc(other, tmp_path / "other.csv")
    with HistoryStore(history_store) as store:
        performance = performance_of(sample, tmp_path / "all.csv")
        assert against_history(store, performance) is None      # an empty store: nothing to check
        first = store.record(make_plan(scenario_from_reports([report])))
        second = store.record(make_plan(scenario_from_reports([report]).with_overrides(budget=1000.0)))
        store.record(make_plan(scenario_from_reports([other_report])))   # another shop, same days, newest
        assert (first, against_history(store, performance)["run"]) == (1, second)
        assert against_history(store, performance_of(before, tmp_path / "same.csv")) is None   # no new days


def test_the_next_plan_shows_last_weeks_forecast_vs_actual(sample, tmp_path, capsys):
    first = write_ztc(sample[sample["date"] < FIRST_AFTER], tmp_path / "days_1_21.csv")
    second = write_ztc(sample, tmp_path / "days_1_28.csv")
    assert main(["plan", "--report", str(first), "--out", str(tmp_path / "week3"), "--quiet"]) == 0
    assert main(["plan", "--report", str(second), "--out", str(tmp_path / "week4"), "--quiet"]) == 0
    capsys.readouterr()
    summary = json.loads((tmp_path / "week4" / "summary.json").read_text(encoding="utf-8"))
    assert summary["forecast_check"]["run"] == 1
    assert summary["forecast_check"]["window"]["first"] == "2026-11-16"
    assert "forecast_check" not in json.loads((tmp_path / "week3" / "summary.json").read_text(encoding="utf-8"))
    text = (tmp_path / "week4" / "summary.md").read_text(encoding="utf-8")
    assert "## Last run's forecast vs actual" in text
    assert text.count("| **total** |") == 1
    assert main(["history", "show", "2"]) == 0
    assert "forecast check of run 1 (2026-11-16 to 2026-11-22)" in capsys.readouterr().out
    page = (tmp_path / "week4" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Last run's forecast vs actual (run 1)</h2>" in page and 'alt="forecast vs actual"' in page
    total = summary["forecast_check"]["total"]
    assert f"<td>total</td><td>{total['forecast']['spend']:,.2f}</td><td>{total['actual']['spend']:,.2f}</td>" in page
    assert (tmp_path / "week4" / "forecast_check.png").stat().st_size > 0
    assert not (tmp_path / "week3" / "forecast_check.png").exists()


def short_week(sample: pd.DataFrame, recommended: pd.DataFrame, shortfall: float) -> pd.DataFrame:
    """Days 1-28 with every recommendation applied in days 22-28 and their revenue ``shortfall`` under the sample's."""
    week = sample[sample["date"] >= FIRST_AFTER].merge(recommended[KEYS + ["new_bid"]], on=KEYS, how="left")
    week["bid"] = np.where(week["new_bid"].notna(), week["new_bid"].round(2), week["bid"])
    week["revenue"] = (week["revenue"] * (1.0 - shortfall)).round(2)
    return pd.concat([sample[sample["date"] < FIRST_AFTER], week.drop(columns="new_bid")], ignore_index=True)


def test_the_applied_bids_are_counted_apart_and_learned_from(sample, recorded, tmp_path):
    url, run, recommended = recorded
    performance = performance_of(short_week(sample, recommended, 0.3), tmp_path / "days_1_28.csv")
    with HistoryStore(url) as store:
        result = against_history(store, performance)
        learned_now = learned(store, result)
    applied = match(run, recommended, performance)
    applied = applied[applied["status"] == "applied"]
    assert result["total"]["applied"]["actual"]["revenue"] == pytest.approx(applied["actual_revenue"].sum())
    assert result["total"]["applied"]["forecast"]["spend"] == pytest.approx(applied["forecast_spend"].sum())
    assert learned_now.runs == 1 and learned_now.roi_factor > 1.0
    assert learned_now.actual_roi < 0.8 * learned_now.forecast_roi
    assert learned(HistoryStore(url), None) is None


def floor_of(sample: pd.DataFrame) -> float:
    """A floor a little over the sample's ROI: reachable by cutting."""
    return round(1.05 * float(sample["revenue"].sum() / sample["spend"].sum()), 2)


def scenario_file(folder: Path, report: Path, floor: float, learn: bool) -> Path:
    path = folder / f"learn_{str(learn).lower()}.toml"
    path.write_text(f'[data]\nreports = ["{report.as_posix()}"]\n\n[goal]\nmin_roi = {floor}\n'
                    f"learn_from_last_run = {str(learn).lower()}\n", encoding="utf-8")
    return path


def week_after_first_plan(sample, folder: Path, *floor: str) -> Path:
    """Plan days 1-21 (recorded in the default store), then write days 1-28 whose last week came in 30% short."""
    first = write_ztc(sample[sample["date"] < FIRST_AFTER], folder / "days_1_21.csv")
    assert main(["plan", "--report", str(first), *floor, "--out", str(folder / "w3"), "--quiet"]) == 0
    with HistoryStore() as store:
        recommended = store.recommendations(1)
    return write_ztc(short_week(sample, recommended, 0.3), folder / "days_1_28.csv")


def test_a_plan_after_a_forecast_that_came_in_high_aims_higher_and_says_so(sample, tmp_path, capsys):
    floor = floor_of(sample)
    second = week_after_first_plan(sample, tmp_path, "--min-roi", str(floor))
    probe = ["plan", str(scenario_file(tmp_path, second, floor, True)), "--no-history", "--out", str(tmp_path / "probe")]
    assert main([*probe, "--quiet"]) == 0   # the floor then set at the ROI this plan reaches: it binds
    floor = round(json.loads((tmp_path / "probe" / "summary.json").read_text(encoding="utf-8"))["after"]["roi"], 2)
    plans = {}
    for name, argv in (("learned", [str(scenario_file(tmp_path, second, floor, True))]),
                       ("off", [str(scenario_file(tmp_path, second, floor, False))]),
                       ("no history", [str(scenario_file(tmp_path, second, floor, True)), "--no-history"])):
        assert main(["plan", *argv, "--out", str(tmp_path / name), "--quiet"]) == 0
        plans[name] = {file: (tmp_path / name / file).read_text(encoding="utf-8")
                       for file in ("bids.csv", "summary.json", "summary.md", "report.html")}
    capsys.readouterr()
    summary = json.loads(plans["learned"]["summary.json"])
    learned_now = summary["feedback"]
    assert learned_now["roi_factor"] > 1.0 and learned_now["runs"] == 1 and summary["min_roi"] == floor
    assert f"this plan aims at ROI floor {floor:g} at " in learned_now["note"]
    assert learned_now["note"] in plans["learned"]["summary.md"]
    assert "this plan aims at ROI floor" in plans["learned"]["report.html"]
    assert summary["after"]["roi"] >= floor * learned_now["roi_factor"] * (1 - 1e-6) and "min_roi" in summary["binding"]
    assert plans["learned"]["bids.csv"] != plans["no history"]["bids.csv"]
    assert plans["off"]["bids.csv"] == plans["no history"]["bids.csv"]
    assert "feedback" not in json.loads(plans["off"]["summary.json"]) and "aims at" not in plans["off"]["summary.md"]


def test_the_sentence_is_said_in_chinese(sample, tmp_path, capsys):
    floor = floor_of(sample)
    second = week_after_first_plan(sample, tmp_path, "--min-roi", str(floor))
    assert main(["plan", "--report", str(second), "--min-roi", str(floor), "--out", str(tmp_path / "w4"),
                 "--lang", "zh-CN", "--quiet"]) == 0
    capsys.readouterr()
    for page in ("summary.md", "report.html"):
        assert f"本方案按 投入产出比下限 {floor:g} 按 " in (tmp_path / "w4" / page).read_text(encoding="utf-8")


def test_limits_out_of_reach_once_corrected_are_aimed_at_as_given_and_exit_3_names_the_users(sample, tmp_path, capsys):
    second = week_after_first_plan(sample, tmp_path)
    capsys.readouterr()
    assert main(["plan", "--report", str(second), "--min-roi", "500", "--out", str(tmp_path / "no"), "--quiet"]) == 3
    error = capsys.readouterr().err
    assert error.startswith("error: min_roi 500 cannot be met: the highest ROI any bids reach is ")
    best = float(re.search(r"the highest ROI any bids reach is ([0-9.]+)", error).group(1))
    floor = round(0.99 * best, 2)   # within reach as given, out of reach 7% higher
    assert main(["plan", "--report", str(second), "--min-roi", str(floor), "--out", str(tmp_path / "w4"), "--quiet"]) == 0
    summary = json.loads((tmp_path / "w4" / "summary.json").read_text(encoding="utf-8"))
    assert summary["min_roi"] == floor and summary["after"]["roi"] >= floor * (1 - 1e-6)
    assert "are out of reach: this plan aims at the limits as given" in summary["feedback"]["note"]
    assert summary["feedback"]["note"] in (tmp_path / "w4" / "summary.md").read_text(encoding="utf-8")
    assert summary["forecast_check"]["run"] == 1
