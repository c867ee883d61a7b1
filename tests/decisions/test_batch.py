"""bidopt batch: accounts planned on a real Dask cluster of processes; one bad account does not stop the others."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from optimizer import cli
from optimizer.decisions.batch import BAD_INPUT, OK, plan_account, run_batch
from optimizer.errors import ScenarioError
from tests.paths import SCENARIOS

PLAN_FILES = {"bids.csv", "plans.csv", "summary.json", "summary.md", "report.html"}


@pytest.fixture
def accounts(tmp_path):
    """Two good shipped scenarios and one whose report is corrupt."""
    folder = tmp_path / "accounts"
    shutil.copytree(SCENARIOS, folder, ignore=shutil.ignore_patterns("out"))
    (folder / "data" / "broken.csv").write_text("日期,点击量,花费\n2025-11-01,lots,¥12\n2025-11-02,3,x\n", encoding="utf-8")
    (folder / "broken.toml").write_text('[data]\nreports = ["data/broken.csv"]\n[goal]\nbudget = 100\n', encoding="utf-8")
    return [folder / "weekly.toml", folder / "budget_cut.toml", folder / "broken.toml"]


@pytest.mark.slow
def test_batch_on_a_process_cluster_plans_the_good_accounts_and_reports_the_bad(tmp_path, accounts, capsys):
    from dask.distributed import LocalCluster

    out = tmp_path / "batch"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code = cli.main(["batch", *map(str, accounts), "--out", str(out), "--scheduler", cluster.scheduler_address])
    stdout, stderr = capsys.readouterr()
    assert code == 2
    assert "error: 1 of 3 accounts had bad input" in stderr
    assert "error: broken: data/broken.csv" in stderr or "error: broken: broken.csv" in stderr
    for account in ("weekly", "budget_cut"):
        assert PLAN_FILES <= {path.name for path in (out / account).iterdir()}
        assert f"{account}: ok, spend" in stdout
    assert not (out / "broken").exists()
    rows = {row["account"]: row for row in csv.DictReader((out / "batch.csv").read_text("utf-8-sig").splitlines())}
    assert [rows[name]["status"] for name in ("weekly", "budget_cut", "broken")] == ["ok", "ok", "bad input"]
    weekly = json.loads((out / "weekly" / "summary.json").read_text("utf-8"))
    assert float(rows["weekly"]["spend"]) == pytest.approx(weekly["after"]["spend"], rel=1e-5)
    assert float(rows["budget_cut"]["spend"]) < float(rows["weekly"]["spend"])
    assert "clicks" in rows["broken"]["error"] and rows["broken"]["spend"] == ""
    summary = json.loads((out / "batch.json").read_text("utf-8"))
    assert summary["counts"] == {"ok": 2, "bad input": 1, "infeasible": 0}


def test_a_bad_account_becomes_its_outcome_not_an_exception(tmp_path, accounts):
    outcome = plan_account(str(accounts[2]), str(tmp_path))
    assert outcome.status == BAD_INPUT and "broken.csv" in outcome.error
    missing = plan_account(str(tmp_path / "nowhere.toml"), str(tmp_path))
    assert missing.status == BAD_INPUT and "nowhere.toml" in missing.error


def test_an_account_is_planned_in_the_language_asked(tmp_path, accounts):
    assert plan_account(str(accounts[0]), str(tmp_path), "zh-CN").status == OK
    assert (tmp_path / "weekly" / "summary.md").read_text(encoding="utf-8").startswith("# 本周调价方案")
    assert "调价前后" in (tmp_path / "weekly" / "report.html").read_text(encoding="utf-8")


def test_two_accounts_with_one_name_are_refused_before_any_work(tmp_path, accounts):
    twin = tmp_path / "other" / "weekly.toml"
    twin.parent.mkdir()
    shutil.copy(accounts[0], twin)
    with pytest.raises(ScenarioError, match="several scenarios are named 'weekly'"):
        run_batch([accounts[0], twin], tmp_path / "out")


@pytest.mark.slow
def test_a_local_cluster_is_started_when_no_scheduler_is_given(tmp_path, accounts):
    result = run_batch(accounts[:1], tmp_path / "out", workers=1)
    assert [outcome.status for outcome in result.outcomes] == [OK]
    assert (tmp_path / "out" / "batch.json").exists() and (tmp_path / "out" / "weekly" / "bids.csv").exists()
