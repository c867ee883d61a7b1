"""`bidopt plan` in-process: files, exit codes, exact messages, nothing half-written."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.cli.common import exit_code
from optimizer.errors import BidoptError, Conflict, InfeasibleError, InputDataError, Problem, ScenarioError
from tests.paths import ROOT

SAMPLE = ROOT / "scenarios" / "data" / "ztc_keywords.csv"
REAL = ROOT.parent / "shared" / "data" / "real"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))

BID_HEADER = ["plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "change_pct", "action",
              "impressions", "clicks", "spend", "orders", "revenue", "roi", "reason"]


def needs_real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"../shared/data/real is absent ({path} not found): real exports are read in place, never copied")
    return path


def scenario(tmp_path: Path, body: str, report: Path = SAMPLE) -> Path:
    path = tmp_path / "weekly.toml"
    path.write_text(f'[data]\nreports = ["{report.as_posix()}"]\n{body}', encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff"), "CSV must carry a BOM so Excel shows Chinese"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_weekly_plan_writes_every_file_and_keeps_the_limits(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nbudget = 25000\nmin_roi = 2.4\n[bids]\nmax = 20\n")
    code, out, err = run(capsys, "plan", path, "--out", tmp_path / "out", "--quiet")
    assert (code, err) == (0, "")
    assert out.startswith("plan: spend ")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".bidopt-run.json", "bids.csv", "frontier.png", "keywords.png", "plan_budgets.png", "plans.csv", "report.html", "summary.json",
        "summary.md"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["after"]["spend"] <= 25000 * (1 + 1e-9)
    assert summary["after"]["roi"] >= 2.4 - 1e-6
    assert set(summary["before"]) == {"impressions", "clicks", "spend", "orders", "revenue", "roi", "ctr", "cpc"}
    assert summary["shadow_prices"].keys() >= {"budget", "min_roi"}
    bids = read_csv(tmp_path / "out" / "bids.csv")
    assert list(bids[0]) == BID_HEADER
    assert {row["action"] for row in bids} <= {"raise", "cut", "hold", "pause"}
    assert all(row["reason"] for row in bids)
    for row in bids:
        if row["action"] != "pause":
            assert 0.05 - 1e-9 <= float(row["new_bid"]) <= 20 + 1e-9
    plans = read_csv(tmp_path / "out" / "plans.csv")
    assert list(plans[0]) == ["plan", "current_spend", "new_budget", "daily_limit", "clicks", "orders", "revenue", "roi"]
    assert sum(float(row["new_budget"]) for row in plans) == pytest.approx(summary["after"]["spend"], rel=1e-4)


def test_the_same_input_gives_the_same_bytes(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nmin_roi = 2.2\n")
    for folder in ("a", "b"):
        assert run(capsys, "plan", path, "--out", tmp_path / folder, "--quiet")[0] == 0
    for name in ("bids.csv", "plans.csv", "summary.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    first, second = (json.loads((tmp_path / folder / "summary.json").read_bytes()) for folder in ("a", "b"))
    assert (first.pop("run")["id"], second.pop("run")["id"]) == (1, 2)   # each file names its own run
    assert first == second


def test_plan_in_chinese_writes_the_summary_report_and_reasons_in_chinese(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BIDOPT_LANG", raising=False)
    assert run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path / "en", "--no-history", "--quiet")[0] == 0
    assert run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path / "zh", "--no-history", "--quiet",
               "--lang", "zh-CN")[0] == 0
    summary = (tmp_path / "zh" / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# 本周调价方案\n") and "## 计划" in summary and "日限额" in summary
    assert "## 上传前请检查" in summary and "Weekly plan" not in summary
    report = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert "调价前后" in report and "<th>投入产出比</th>" in report and "@font-face" in report
    chinese, english = read_csv(tmp_path / "zh" / "bids.csv"), read_csv(tmp_path / "en" / "bids.csv")
    assert all(re.search("门槛|无展现|锁定", row["reason"]) for row in chinese)
    assert not any(re.search("cut-off|ROI|week", row["reason"]) for row in chinese)
    assert [{**row, "reason": ""} for row in chinese] == [{**row, "reason": ""} for row in english]
    assert (tmp_path / "zh" / "plans.csv").read_bytes() == (tmp_path / "en" / "plans.csv").read_bytes()


def test_the_language_comes_from_bidopt_lang_and_english_is_the_default(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BIDOPT_LANG", raising=False)
    run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path / "default", "--no-history", "--quiet")
    run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path / "en", "--no-history", "--quiet", "--lang", "en")
    monkeypatch.setenv("BIDOPT_LANG", "zh_CN.UTF-8")
    run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path / "env", "--no-history", "--quiet")
    for name in ("summary.md", "report.html", "bids.csv"):
        assert (tmp_path / "default" / name).read_bytes() == (tmp_path / "en" / name).read_bytes(), name
    assert (tmp_path / "env" / "summary.md").read_text(encoding="utf-8").startswith("# 本周调价方案")
    assert (tmp_path / "default" / "summary.md").read_text(encoding="utf-8").startswith("# Weekly plan")


def test_plan_says_its_figures_and_files_on_the_terminal_in_its_language(tmp_path, capsys):
    code, out, _ = run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path, "--no-history", "--quiet", "--lang", "zh-CN")
    assert code == 0
    first, *wrote = out.splitlines()
    assert re.fullmatch(r"方案：花费 [\d,.]+ -> [\d,.]+，成交金额 [\d,.]+ -> [\d,.]+，投入产出比 [\d.]+ -> [\d.]+", first)
    assert f"已写入 {tmp_path / 'summary.md'}" in wrote


def test_frontier_draws_in_the_language_of_lang_or_bidopt_lang(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BIDOPT_LANG", raising=False)
    weekly = ROOT / "scenarios" / "weekly.toml"
    said = {}
    for name, flags in (("en", ()), ("zh", ("--lang", "zh-CN")), ("env", ())):
        if name == "env":
            monkeypatch.setenv("BIDOPT_LANG", "zh-CN")
        code, said[name], _ = run(capsys, "frontier", weekly, "--points", "4", "--out", tmp_path / name, "--quiet", *flags)
        assert code == 0
    assert "points; today: spend " in said["en"] and f"wrote {tmp_path / 'en' / 'frontier.png'}" in said["en"]
    assert "个点；当前：花费 " in said["zh"] and "投入产出比下限为 2.5（按 " in said["zh"]
    assert f"已写入 {tmp_path / 'zh' / 'frontier.png'}" in said["zh"] and said["env"] == said["zh"].replace("/zh/", "/env/")
    figure = {name: (tmp_path / name / "frontier.png").read_bytes() for name in ("en", "zh", "env")}
    assert figure["zh"] == figure["env"] != figure["en"]
    assert (tmp_path / "zh" / "frontier.csv").read_bytes() == (tmp_path / "en" / "frontier.csv").read_bytes()


@pytest.mark.parametrize("command", [("batch", "--out", "unused"), ("frontier",), ("compare",)])
def test_batch_frontier_and_compare_refuse_a_language_from_the_flag_or_bidopt_lang(command, tmp_path, capsys,
                                                                                  monkeypatch):
    weekly = str(ROOT / "scenarios" / "weekly.toml")
    message = "language 'fr' is not one of en, zh-CN: pass --lang en or --lang zh-CN"
    monkeypatch.chdir(tmp_path)
    assert run(capsys, command[0], weekly, *command[1:], "--lang", "fr") == (2, "", f"error: {message}\n")
    monkeypatch.setenv("BIDOPT_LANG", "fr")
    assert run(capsys, command[0], weekly, *command[1:]) == (2, "", f"error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_language_bidopt_does_not_speak_exits_2_and_writes_nothing(tmp_path, capsys):
    code, _, err = run(capsys, "plan", SCENARIOS[-1], "--out", tmp_path / "out", "--no-history", "--lang", "fr")
    assert code == 2
    assert err == "error: language 'fr' is not one of en, zh-CN: pass --lang en or --lang zh-CN\n"
    assert not (tmp_path / "out").exists()


def test_flags_override_the_scenario(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nbudget = 20000\n")
    code, _, _ = run(capsys, "plan", path, "--budget", "15000", "--min-roi", "2.3", "--objective", "orders",
                     "--out", tmp_path / "out", "--quiet")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert code == 0
    assert (summary["budget"], summary["min_roi"], summary["objective"]) == (15000, 2.3, "orders")


def test_a_report_alone_is_enough(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "plan", "--report", SAMPLE, "--quiet")
    assert code == 0
    assert (tmp_path / "out" / "bids.csv").exists()


def test_an_unreachable_roi_floor_exits_3_with_what_is_reachable(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nmin_roi = 500\n[bids]\nallow_pause = false\n")
    code, out, err = run(capsys, "plan", path, "--out", tmp_path / "out")
    assert code == 3
    assert out == ""
    assert err.startswith("error: min_roi 500 cannot be met: the highest ROI any bids reach is ")
    assert not (tmp_path / "out").exists()


def test_a_min_budget_above_the_budget_exits_3(tmp_path, capsys):
    path = scenario(tmp_path, '[goal]\nbudget = 1000\n[plans."女装-连衣裙-主推"]\nmin_budget = 5000\n')
    code, _, err = run(capsys, "plan", path, "--out", tmp_path / "out")
    assert code == 3
    assert err == ("error: budget 1,000.00 is below the 5,000.00 that plan minimum budgets and keywords that may "
                   "not pause must spend; raise the budget or lower those minimums\n")


def test_impossible_rows_exit_2_with_one_message_and_no_files(tmp_path, capsys):
    report = tmp_path / "report.csv"
    report.write_text(
        "日期,推广计划名称,关键词,出价,展现量,点击量,花费,总成交笔数,总成交金额\n"
        "2026-11-01,计划A,连衣裙,1.00,100,nan,20.00,1,100\n"
        "2026-11-01,计划A,半身裙,1.00,100,5,-3.00,0,0\n"
        "2026-11-02,计划A,连衣裙,1.00,100,5,4.00,0,0\n",
        encoding="gbk",
    )
    (tmp_path / "out").mkdir()
    code, out, err = run(capsys, "plan", "--report", report, "--out", tmp_path / "out")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert all(line.startswith("error: report.csv: column ") for line in lines)
    assert any("点击量 (clicks)" in line and 'row 2: "nan"' in line for line in lines)
    assert any("花费 (spend)" in line and "row 3: -3" in line for line in lines)
    assert "Traceback" not in err
    assert list((tmp_path / "out").iterdir()) == []


def test_an_unknown_scenario_key_suggests_the_nearest(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nbudjet = 100\n")
    code, _, err = run(capsys, "plan", path)
    assert code == 2
    assert "Unknown key 'budjet' in [goal]. Did you mean 'budget'?" in err


def test_a_plan_the_reports_do_not_have_is_named(tmp_path, capsys):
    path = scenario(tmp_path, '[plans."女装-连衣裙-主退"]\nlocked = true\n')
    code, _, err = run(capsys, "plan", path)
    assert code == 2
    assert "[plans.\"女装-连衣裙-主退\"] names no plan in the reports. Did you mean '女装-连衣裙-主推'?" in err


def test_no_scenario_and_no_report_is_a_usage_error(capsys):
    code, _, err = run(capsys, "plan")
    assert code == 2
    assert err == "error: give a scenario file or at least one --report FILE (see 'bidopt plan --help')\n"


def test_locked_plan_keeps_its_bids(tmp_path, capsys):
    path = scenario(tmp_path, '[goal]\nmin_roi = 2.4\n[plans."女装-连衣裙-主推"]\nlocked = true\n')
    assert run(capsys, "plan", path, "--out", tmp_path / "out", "--quiet")[0] == 0
    rows = [row for row in read_csv(tmp_path / "out" / "bids.csv") if row["plan"] == "女装-连衣裙-主推"]
    assert rows and all(row["action"] == "hold" and row["new_bid"] == row["current_bid"] for row in rows)


def test_write_lp_exports_the_same_model(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nmin_roi = 2.4\n")
    code, out, _ = run(capsys, "plan", path, "--out", tmp_path / "out", "--write-lp", tmp_path / "plan.lp", "--quiet")
    assert code == 0
    text = (tmp_path / "plan.lp").read_text()
    assert "Maximize" in text and "min_roi:" in text and "budget:" in text
    assert f"wrote {tmp_path / 'plan.lp'}" in out


def test_write_lp_names_the_keyword_and_bid_of_every_variable(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nmin_roi = 2.4\n")
    code, out, _ = run(capsys, "plan", path, "--out", tmp_path / "out", "--write-lp", tmp_path / "plan.lp", "--quiet")
    assert code == 0
    assert f"wrote {tmp_path / 'plan.lp.vars.csv'}" in out
    names = read_csv(tmp_path / "plan.lp.vars.csv")
    assert list(names[0]) == ["lp_name", "plan", "ad_group", "keyword", "match_type", "bid"]
    lp = (tmp_path / "plan.lp").read_text()
    in_lp = set(re.findall(r"\b(?:share_\d+_\d+|choose_\d+)\b", lp))
    assert {row["lp_name"] for row in names} == in_lp
    bids = {(row["plan"], row["ad_group"], row["keyword"], row["match_type"]): row for row in read_csv(
        tmp_path / "out" / "bids.csv")}
    today = [row for row in names if re.fullmatch(r"share_\d+_6", row["lp_name"])]   # the middle one: today's bid
    assert today and all(float(row["bid"]) == pytest.approx(float(bids[
        row["plan"], row["ad_group"], row["keyword"], row["match_type"]]["current_bid"]), abs=0.006) for row in today)
    assert all(row["bid"] == "" for row in names if row["lp_name"].startswith("choose_"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_every_shipped_scenario_plans(path, tmp_path, capsys):
    code, _, err = run(capsys, "plan", path, "--out", tmp_path / "out", "--quiet")
    assert (code, err) == (0, "")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["after"]["spend"] <= summary["budget"] * (1 + 1e-9)
    if summary["min_roi"]:
        assert summary["after"]["roi"] >= summary["min_roi"] - 1e-6
    if "min_roi_confidence" in summary:   # sure_roi.toml: the floor holds at the lower bound too
        assert summary["min_roi_confidence"]["roi_at_lower_bound"] >= summary["min_roi"] - 1e-6
        assert summary["min_roi_confidence"]["cost"] > 0


def test_the_real_amazon_targeting_report_plans(tmp_path, capsys):
    report = needs_real("amazon_sp_india/Sponsored Products Targeting report (1).xlsx")
    code, _, err = run(capsys, "plan", "--report", report, "--min-roi", "2", "--out", tmp_path / "out", "--quiet")
    assert (code, err) == (0, "")
    bids = read_csv(tmp_path / "out" / "bids.csv")
    assert len(bids) == 107
    assert {row["bid_source"] for row in bids} == {"inferred from CPC"}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert any("inferred as CPC" in warning for warning in summary["warnings"])
    assert summary["after"]["roi"] >= 2 - 1e-6


def test_the_real_amazon_campaign_report_plans_budgets_only(tmp_path, capsys):
    report = needs_real("amazon_sp_india/Sponsored Products Campaign report.csv")
    code, _, _ = run(capsys, "plan", "--report", report, "--out", tmp_path / "out", "--quiet")
    assert code == 0
    assert not (tmp_path / "out" / "bids.csv").exists()
    plans = read_csv(tmp_path / "out" / "plans.csv")
    assert len(plans) == 10
    assert "current_daily_budget" in plans[0]


def test_the_real_facebook_file_plans_orders(tmp_path, capsys):
    report = needs_real("kaggle_fb_kag/KAG_conversion_data.csv")
    path = scenario(tmp_path, '[goal]\nobjective = "orders"\n', report).read_text(encoding="utf-8")
    path = path.replace("[goal]", "period_days = 14\n[goal]")
    (tmp_path / "fb.toml").write_text(path, encoding="utf-8")
    code, _, _ = run(capsys, "plan", tmp_path / "fb.toml", "--out", tmp_path / "out", "--quiet")
    assert code == 0
    assert [row["plan"] for row in read_csv(tmp_path / "out" / "plans.csv")] == ["1178", "916", "936"]


def test_the_facebook_file_without_revenue_cannot_chase_revenue(tmp_path, capsys):
    report = needs_real("kaggle_fb_kag/KAG_conversion_data.csv")
    path = scenario(tmp_path, "period_days = 14\n[goal]\nmin_roi = 2\n", report)
    code, _, err = run(capsys, "plan", path, "--out", tmp_path / "out")
    assert code == 2
    assert err == ('error: KAG_conversion_data.csv: has no revenue column, needed by objective = "revenue" and '
                   'min_roi. Plan for orders: --objective orders without --min-roi ([goal] objective = "orders"), '
                   'or give [goal] value_per_order.\n')


def test_a_sold_out_item_buys_no_more_orders_than_its_stock(tmp_path, capsys):
    item = "法式碎花雪纺连衣裙女2026秋季新款"
    path = scenario(tmp_path, f'[goal]\nmin_roi = 2.2\n[items."{item}"]\nstock = 5\n')
    assert run(capsys, "plan", path, "--out", tmp_path / "out", "--quiet")[0] == 0
    rows = [row for row in read_csv(tmp_path / "out" / "bids.csv") if row["ad_group"] == item]
    assert rows and sum(float(row["orders"]) for row in rows) <= 5 + 0.05 * len(rows)  # orders rounded to 0.1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert f"item_stock[{item}]" in summary["binding"]


def test_an_unknown_item_is_named(tmp_path, capsys):
    path = scenario(tmp_path, '[items."法式碎花雪纺连衣裙"]\nstock = 5\n')
    code, _, err = run(capsys, "plan", path)
    assert code == 2
    assert "[items.\"法式碎花雪纺连衣裙\"] names no item in the reports. Did you mean '法式碎花雪纺连衣裙女2026秋季新款'?" in err


def test_plan_writes_the_report_and_its_figures(tmp_path, capsys):
    path = scenario(tmp_path, "[goal]\nmin_roi = 2.4\n")
    assert run(capsys, "plan", path, "--out", tmp_path / "out", "--quiet")[0] == 0
    for name in ("report.html", "frontier.png", "plan_budgets.png", "keywords.png"):
        assert (tmp_path / "out" / name).stat().st_size > 1000, name


def test_compare_writes_the_table_and_reads_shared_reports_once(tmp_path, capsys):
    shipped = ROOT / "scenarios"
    code, out, _ = run(capsys, "compare", shipped / "weekly.toml", shipped / "budget_cut.toml", "--out", tmp_path)
    assert code == 0
    assert out.startswith("# Scenarios compared")
    assert "| budget_cut | revenue | 21,920.00 |" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".bidopt-run.json", "compare.csv", "compare.md", "frontier.png", "plan_budgets.csv", "report.html", "scenarios.png"]


def test_frontier_command_writes_points_and_says_where_the_floor_binds(tmp_path, capsys):
    code, out, _ = run(capsys, "frontier", ROOT / "scenarios" / "weekly.toml", "--from", "0.5", "--to", "2.0",
                       "--points", "7", "--out", tmp_path)
    assert code == 0
    assert re.search(r"the ROI floor 2\.5 \(planned at 2\.\d{3}\) binds from a budget of", out), out
    rows = read_csv(tmp_path / "frontier.csv")
    assert list(rows[0]) == ["budget", "objective", "spend", "revenue", "roi", "marginal", "binding"]
    objectives = [float(row["objective"]) for row in rows]
    assert objectives == sorted(objectives)


def test_frontier_rejects_a_bad_range(capsys):
    code, _, err = run(capsys, "frontier", ROOT / "scenarios" / "weekly.toml", "--from", "2", "--to", "1")
    assert code == 2
    assert err == "error: --points must be at least 2 and 0 < --from < --to (multiples of the plan's budget)\n"


def test_compare_runs_on_the_real_amazon_export(tmp_path, capsys):
    report = needs_real("amazon_sp_india/Sponsored Products Targeting report (1).xlsx")
    base = tmp_path / "base.toml"
    base.write_text(f'[data]\nreports = ["{report.as_posix()}"]\n[goal]\nmin_roi = 2.0\n', encoding="utf-8")
    (tmp_path / "promo.toml").write_text('extends = "base.toml"\n[adjust]\ncpc = 1.2\nvolume = 1.5\n', encoding="utf-8")
    code, out, _ = run(capsys, "compare", base, tmp_path / "promo.toml", "--out", tmp_path / "out", "--quiet")
    assert code == 0 and "| promo |" in out


def test_compare_export_writes_each_scenario_s_upload_files_in_its_own_folder(tmp_path, capsys):
    shipped = ROOT / "scenarios"
    code, _, err = run(capsys, "compare", shipped / "weekly.toml", shipped / "budget_cut.toml", "--export", "ztc",
                       "--out", tmp_path / "out")
    assert code == 0, err
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.csv")) == [
        "budget_cut/export-changes.csv", "budget_cut/ztc-bids.csv", "compare.csv", "plan_budgets.csv",
        "weekly/export-changes.csv", "weekly/ztc-bids.csv"]
    weekly, cut = (read_csv(tmp_path / "out" / name / "ztc-bids.csv") for name in ("weekly", "budget_cut"))
    assert weekly != cut
    # each folder holds what `bidopt plan SCENARIO --export ztc` writes for that scenario
    code, _, _ = run(capsys, "plan", shipped / "budget_cut.toml", "--export", "ztc", "--out", tmp_path / "plan",
                     "--no-history", "--quiet")
    assert code == 0
    assert (tmp_path / "plan" / "ztc-bids.csv").read_bytes() == (tmp_path / "out" / "budget_cut" / "ztc-bids.csv").read_bytes()


def test_compare_export_amazon_without_a_bulk_file_writes_nothing(tmp_path, capsys):
    shipped = ROOT / "scenarios"
    code, _, err = run(capsys, "compare", shipped / "weekly.toml", shipped / "budget_cut.toml", "--export", "amazon",
                       "--out", tmp_path / "out")
    assert code == 2 and err.startswith("error: --export amazon needs --bulk FILE.xlsx")
    assert not (tmp_path / "out").exists()


def test_compare_placements_follow_each_scenario_s_roi_floor(tmp_path, capsys):
    report = needs_real("amazon_sp_india/Sponsored Products Targeting report (1).xlsx")
    placements = needs_real("amazon_sp_india/Sponsored Products Placement report (1).xlsx")
    for name, floor in (("loose", 0.5), ("strict", 3.0)):
        (tmp_path / f"{name}.toml").write_text(f'[data]\nreports = ["{report.as_posix()}"]\n[goal]\nmin_roi = {floor}\n',
                                              encoding="utf-8")
    code, _, err = run(capsys, "compare", tmp_path / "loose.toml", tmp_path / "strict.toml", "--placements", placements,
                       "--out", tmp_path / "out", "--quiet")
    assert code == 0, err
    loose, strict = (read_csv(tmp_path / "out" / name / "placements.csv") for name in ("loose", "strict"))
    assert [row["campaign"] for row in loose] == [row["campaign"] for row in strict]
    assert all(int(a["percentage"]) >= int(b["percentage"]) for a, b in zip(loose, strict))
    assert any(int(a["percentage"]) > int(b["percentage"]) for a, b in zip(loose, strict))


def test_only_the_command_line_picks_exit_codes():
    assert exit_code(InfeasibleError([Conflict("budget", 1.0, 2.0, "budget 1 cannot be met")])) == 3
    assert exit_code(ScenarioError(["one"])) == exit_code(InputDataError([Problem("x")])) == 2
    assert not any(hasattr(error, "exit_code") for error in (BidoptError, InfeasibleError))



def test_usage_errors_name_the_command_whose_help_to_read(capsys):
    assert run(capsys) == (2, "", "error: the following arguments are required: command (see 'bidopt --help')\n")
    code, _, err = run(capsys, "plan", "--budget", "x")
    assert (code, err) == (2, "error: argument --budget: invalid float value: 'x' (see 'bidopt plan --help')\n")


def test_every_option_of_every_command_says_what_it_does():
    from optimizer.cli import build_parser

    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command").choices
    silent = [f"bidopt {name} {action.option_strings[-1] if action.option_strings else action.dest}"
              for name, command in commands.items() for action in command._actions if not action.help]
    assert silent == []


_HEADER = "日期,推广计划,关键词,出价,展现量,点击量,花费,成交金额"


def _keyword_days(**cells: str) -> bytes:
    """Three keywords over three days; ``cells`` replaces a column everywhere (or, as "row:value", in one row)."""
    lines = [_HEADER]
    for index, (day, keyword) in enumerate((day, keyword) for day in (1, 2, 3) for keyword in range(3)):
        values = {"日期": f"2026-03-0{day}", "推广计划": "A", "关键词": f"kw{keyword}", "出价": "1.20",
                  "展现量": "1000", "点击量": "50", "花费": "36.50", "成交金额": "300.00"}
        for column, value in cells.items():
            row, _, text = value.rpartition(":") if value.count(":") and value.split(":")[0].isdigit() else ("", "", value)
            if not row or int(row) == index:
                values[column] = text
        lines.append(",".join(f'"{value}"' if "," in value else value for value in values.values()))
    return ("\n".join(lines) + "\n").encode("utf-8")


#: Files a careful tester wrote to be misread, and what the run must say instead of planning on them.
HOSTILE_REPORTS = {
    "decimal comma beside decimal point": (_keyword_days(花费="0:36,50"), r"1 cell read only with a decimal comma, "
                                           r'while other cells of the file use a decimal point \(row 2: "36,50"\)'),
    "thousands or decimal comma": (_keyword_days(花费="1,234", 成交金额="300", 出价="1"), r"could be read with a comma "
                                   r"between thousands"),
    "day/month among ISO dates": (_keyword_days(日期="0:03/11/2026"), r"could be day/month/year or month/day/year"),
    "day first and month first": (_keyword_days(日期="0:13/03/2026") + b"03/14/2026,A,kw9,1,1,1,1,1\n",
                                  r"has the day first, while other dates have the month first"),
    "keywords all placeholders": (_keyword_days(关键词="-"), r"column 关键词 \(keyword\): has no values"),
    "spend all placeholders": (_keyword_days(花费="-"), r"column 花费 \(spend\): has no values"),
    "bid all placeholders": (_keyword_days(出价="--"), r"column 出价 \(bid\): has no values"),
    "revenue 1e300": (_keyword_days(成交金额="4:1e300"), r"revenue above 10\^12, beyond any account \(row 6: 1e\+300\)"),
    "nan clicks": (_keyword_days(点击量="2:nan"), r'点击量 \(clicks\): 1 row cannot be read as a number \(row 4: "nan"\)'),
    "1e400 impressions": (_keyword_days(展现量="2:1e400"), r'1 row cannot be read as a number \(row 4: "1e400"\)'),
    "inf impressions": (_keyword_days(展现量="2:inf"), r'1 row cannot be read as a number \(row 4: "inf"\)'),
    "empty file": (b"", r"the file is empty"),
    "blank lines only": (b"\n\n \n", r"the file holds only blank lines"),
    "a header named twice": (f"{_HEADER},点击量\n2026-03-01,A,kw,1,100,5,6,7,8\n".encode(),
                             r"column 点击量 appears twice \(columns 6 and 9\)"),
}


@pytest.mark.parametrize("case", list(HOSTILE_REPORTS))
def test_a_report_made_to_be_misread_exits_2_naming_what_and_writes_nothing(tmp_path, capsys, case):
    content, message = HOSTILE_REPORTS[case]
    (tmp_path / "hostile.csv").write_bytes(content)
    code, out, err = run(capsys, "plan", "--report", tmp_path / "hostile.csv", "--out", tmp_path / "out", "--quiet")
    assert code == 2 and out == "" and re.search(r"^error: hostile\.csv: .*" + message, err, re.MULTILINE), err
    assert not (tmp_path / "out").exists()


class _ClosedPipe(io.StringIO):
    """stdout whose reader has gone away, as ``| head -1`` leaves it once head has its line."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_stops_the_cli_quietly_with_141(tmp_path, capsys, monkeypatch):
    path = scenario(tmp_path, "[goal]\nbudget = 25000\n")
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = main(["plan", str(path), "--out", str(tmp_path / "out"), "--quiet", "--no-history"])
    assert (code, capsys.readouterr().err) == (141, "")
    assert (tmp_path / "out" / "bids.csv").exists()   # the files were written before the lines that said so


def test_bidopt_plan_into_a_pipe_closed_early_exits_141_without_a_message(tmp_path):
    path = scenario(tmp_path, "[goal]\nbudget = 25000\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, "-m", "optimizer", "plan", str(path), "--out", str(tmp_path / "out"),
                              "--quiet", "--no-history"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    child.stdout.close()   # the reader is gone before the plan says a word
    err = child.stderr.read()
    assert (child.wait(timeout=300), err) == (141, b"")
