"""The pool is bounded and frees its slots; drafts and runs are held by id; a draft's folder goes with it."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import replace

import pytest

from optimizer.decisions.plan import plan_frontier
from optimizer.errors import InputDataError
from optimizer.history.store import HistoryStore
from optimizer.i18n import CATALOGUE
from optimizer.workbench import runs
from optimizer.workbench.jobs import Watched
from optimizer.workbench.runs import Pool, Workbench, plan_draft, read_draft
from optimizer.workbench.settings import Busy, NotFound, ServeSettings
from optimizer.workbench.uploads import goal_scenario
from tests.paths import SAMPLE


def test_the_pool_takes_workers_plus_queue_jobs_then_answers_busy():
    pool, gate = Pool(workers=1, queue=1), threading.Event()
    try:
        first, second = pool.submit(gate.wait), pool.submit(gate.wait)
        with pytest.raises(Busy, match="try again in 5 seconds") as caught:
            pool.submit(gate.wait)
        assert caught.value.retry_after == 5 and caught.value.status == 503
        gate.set()
        assert first.result(timeout=5) and second.result(timeout=5)
        assert pool.submit(lambda: 7).result(timeout=5) == 7   # the slots came back
    finally:
        gate.set()
        pool.close()


def test_a_failed_job_frees_its_slot_and_raises_to_the_caller():
    pool = Pool(workers=1, queue=0)
    try:
        with pytest.raises(ZeroDivisionError):
            pool.submit(lambda: 1 / 0).result(timeout=5)
        assert pool.submit(lambda: "ok").result(timeout=5) == "ok"
    finally:
        pool.close()


def test_read_then_plan_records_the_run_with_the_cli_files(tmp_path, history_store):
    (tmp_path / "export-1.csv").write_bytes(SAMPLE.read_bytes())
    draft = read_draft(tmp_path, {"export-1.csv": "week.csv"})
    assert draft.today.keywords == 300 and draft.today.files[0]["name"] == "week.csv"
    with HistoryStore(history_store) as store:
        run = plan_draft(draft, goal_scenario(draft.scenario, {"budget": "20000"}), store)
        assert store.latest_id() == run.id
        assert store.input_files(run.id)["sha256"].tolist() == [
            hashlib.sha256(SAMPLE.read_bytes()).hexdigest()]
    assert {"bids.csv", "plans.csv", "summary.md", "summary.json", "report.html"} <= set(run.files)
    assert run.files["summary.md"] == run.result.files()["summary.md"]


def test_the_report_frontier_is_read_off_the_plans_own_solve_as_plan_draws_it(tmp_path, history_store):
    (tmp_path / "export-1.csv").write_bytes(SAMPLE.read_bytes())
    draft = read_draft(tmp_path, {"export-1.csv": "week.csv"})
    with HistoryStore(history_store) as store:
        run = plan_draft(draft, goal_scenario(draft.scenario, {"budget": "20000", "min_roi": "2"}), store)
    solved = run.result.solution
    assert len(solved.frontier) == runs.REPORT_FRONTIER_POINTS   # asked of the solve, not solved again after it
    unasked = replace(run.result, solution=replace(solved, frontier=()))
    assert run.frontier.points.equals(plan_frontier(unasked, count=runs.REPORT_FRONTIER_POINTS).points)


def test_the_work_after_the_plan_is_reported_phase_by_phase_in_both_languages(tmp_path, history_store):
    (tmp_path / "export-1.csv").write_bytes(SAMPLE.read_bytes())
    draft, watched = read_draft(tmp_path, {"export-1.csv": "week.csv"}), Watched()
    with HistoryStore(history_store) as store:
        plan_draft(draft, goal_scenario(draft.scenario, {"budget": "20000"}), store, watched)
    names = [phase["name"] for phase in watched.phases()]
    after = ["upload files", "report", "files", "sliders", "record in the history"]
    assert names[names.index("explain") + 1:] == after
    for name in after:
        assert set(CATALOGUE[f"workbench.phase.{name}"]) == {"en", "zh-CN"}
        assert re.search("[\u4e00-\u9fff]", CATALOGUE[f"workbench.phase.{name}"]["zh-CN"])


def test_a_bad_file_raises_naming_the_file_as_uploaded(tmp_path):
    (tmp_path / "export-1.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"^my week\.csv: "):
        read_draft(tmp_path, {"export-1.csv": "my week.csv"})


def test_old_drafts_are_let_go_with_their_folders(history_store, monkeypatch):
    monkeypatch.setattr(runs, "KEPT_DRAFTS", 1)
    workbench = Workbench(ServeSettings(db=history_store), HistoryStore(history_store))
    try:
        folders = []
        for name in ("a", "b"):
            folder = workbench.root / name
            folder.mkdir()
            folders.append(folder)
            workbench.hold(runs.Draft(name, folder, {}, None, None, None))
        assert not folders[0].exists() and folders[1].exists()
        with pytest.raises(NotFound, match="upload the files again"):
            workbench.draft("a")
        assert workbench.draft("b").folder == folders[1]
        assert workbench.run(1) is None
    finally:
        workbench.close()
    assert not workbench.root.exists()


def test_a_scenario_opened_at_start_is_read_as_plan_reads_it_and_kept(history_store):
    from optimizer.decisions.plan import make_plan
    from optimizer.scenario.scenario_file import load_scenario
    from tests.paths import SCENARIOS

    scenario = load_scenario(SCENARIOS / "weekly.toml")
    workbench = Workbench(ServeSettings(db=history_store), HistoryStore(history_store))
    try:
        draft = workbench.open(scenario)
        assert draft.folder is None and draft.names == {"ztc_keywords.csv": "ztc_keywords.csv"}
        assert draft.scenario.goal.budget == 27400 and draft.today.files[0]["name"] == "ztc_keywords.csv"
        for name in "abc":   # uploads come and go; the opened scenario stays
            workbench.hold(runs.Draft(name, workbench.root, {}, None, None, None))
        assert workbench.draft(draft.id) is draft
        run = plan_draft(draft, goal_scenario(draft.scenario, {}), workbench.store)
    finally:
        workbench.close()
    expected = make_plan(scenario)
    assert run.result.plans["new_budget"].tolist() == expected.plans["new_budget"].tolist()
    assert run.result.summary.after.revenue == expected.summary.after.revenue


def test_a_plan_after_a_week_under_its_forecast_aims_higher_as_bidopt_plan_does(tmp_path, history_store):
    from tests.history.test_forecast_check import FIRST_AFTER, floor_of, short_week, write_ztc
    from tests.test_make_sample import make_sample

    sample = make_sample.make_keyword_report(120, 28, seed=5)
    floor = str(floor_of(sample))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    write_ztc(sample[sample["date"] < FIRST_AFTER], first / "export-1.csv")
    with HistoryStore(history_store) as store:
        draft = read_draft(first, {"export-1.csv": "days_1_21.csv"})
        earlier = plan_draft(draft, goal_scenario(draft.scenario, {"min_roi": floor}), store)
        write_ztc(short_week(sample, store.recommendations(earlier.id), 0.3), second / "export-1.csv")
        draft = read_draft(second, {"export-1.csv": "days_1_28.csv"})
        run = plan_draft(draft, goal_scenario(draft.scenario, {"min_roi": floor}), store)
    learned = run.result.summary.feedback
    assert learned["roi_factor"] > 1.0 and run.result.summary.min_roi == float(floor)
    assert run.result.program.limits.min_roi > float(floor) * learned["roi_factor"] * (1 - 1e-9)
    assert learned["note"] in run.files["summary.md"].decode("utf-8") and run.result.summary.forecast_check["run"] == earlier.id
