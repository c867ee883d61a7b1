"""The run history against a real SQLite file and a real PostgreSQL server: records, migrations, kills, races.

The fixtures (a small report, its plan, a store on each database) are in ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from optimizer.cli import main
from optimizer.history import database as history_db
from optimizer.history.store import HistoryError, HistoryStore


def count_rows(url: str) -> dict[str, int]:
    with HistoryStore(url) as store, store.engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in history_db.metadata.sorted_tables}


# ---------------------------------------------------------------- the store

def test_a_run_is_recorded_whole_and_read_back(store_url, plan_result, small_report):
    with HistoryStore(store_url) as store:
        run_id = store.record(plan_result)
        run = store.run(run_id)
        recommended = store.recommendations(run_id)
        budgets = store.plan_budgets(run_id)
        files = store.input_files(run_id)
        listed = store.runs()
    summary = plan_result.summary
    assert (run.status, run.objective, run.period_days) == ("optimal", "revenue", 7)
    assert run.min_roi == 2.0 and run.budget == pytest.approx(summary.budget)
    assert run.summary["after"]["spend"] == pytest.approx(summary.after.spend)
    assert run.summary.keys() == summary.to_json().keys()
    assert str(run.last_date) == str(plan_result.performance.last_date.date())
    assert "min_roi = 2.0" in run.scenario_toml and run.settings["goal"]["min_roi"] == 2.0
    assert len(recommended) == len(plan_result.bids)
    assert recommended["keyword"].tolist() == plan_result.bids["keyword"].tolist()
    assert recommended["new_bid"].to_numpy() == pytest.approx(plan_result.bids["new_bid"].to_numpy())
    assert recommended["spend"].sum() == pytest.approx(summary.after.spend)
    assert budgets["plan"].tolist() == plan_result.plans["plan"].tolist()
    assert files.to_dict("records") == [{
        "name": small_report.name, "path": str(small_report.resolve()), "size": small_report.stat().st_size,
        "sha256": hashlib.sha256(small_report.read_bytes()).hexdigest()}]
    assert listed["id"].tolist() == [run_id]


def test_a_large_run_goes_in_whole_with_its_missing_values_texts_and_integers(store_url, plan_result):
    rng = np.random.default_rng(8)
    count = 60_000
    bids = pd.DataFrame({
        "plan": pd.Categorical.from_codes(rng.integers(0, 300, count), [f"计划{index}" for index in range(300)]),
        "ad_group": np.where(rng.random(count) < 0.1, None, np.char.add("组 ", rng.integers(0, 9, count).astype(str))),
        "keyword": np.char.add("词\t\\ ", np.arange(count).astype(str)), "match_type": "",
        "current_bid": np.where(rng.random(count) < 0.1, np.nan, rng.random(count)), "new_bid": rng.random(count),
        "cpc": rng.random(count), "impressions": rng.integers(0, 1000, count), "action": "raise",
        "reason": rng.choice(["", "more clicks at a good price"], count),
        "orders": pd.Series([np.float64(1.5), None, np.int64(2)] * (count // 3), dtype=object)})
    with HistoryStore(store_url) as store:
        run_id = store.record(dataclasses.replace(plan_result, bids=bids))
        recommended = store.recommendations(run_id)
    assert len(recommended) == count
    assert recommended["plan"].tolist() == bids["plan"].astype(str).tolist()
    assert recommended["ad_group"].tolist() == bids["ad_group"].tolist()    # None stays None
    assert recommended["keyword"].tolist() == bids["keyword"].tolist() and set(recommended["match_type"]) == {""}
    assert recommended["current_bid"].isna().tolist() == bids["current_bid"].isna().tolist()
    assert recommended["current_bid"].to_numpy() == pytest.approx(bids["current_bid"].to_numpy(), nan_ok=True)
    assert recommended["current_cpc"].tolist() == bids["cpc"].tolist()     # float8 both ways: the same bits
    assert recommended["impressions"].tolist() == bids["impressions"].astype(float).tolist()
    assert recommended["reason"].tolist() == bids["reason"].tolist() and recommended["spend"].isna().all()
    assert recommended["orders"].head(6).tolist() == pytest.approx([1.5, np.nan, 2.0] * 2, nan_ok=True)


def test_the_schema_is_created_once_and_versioned(store_url):
    HistoryStore(store_url).close()
    with HistoryStore(store_url) as store, store.engine.connect() as connection:
        versions = connection.execute(sa.select(history_db.schema_version.c.version)).scalars().all()
    assert versions == [history_db.SCHEMA_VERSION]


def test_a_store_from_a_newer_bidopt_is_refused(store_url):
    with HistoryStore(store_url) as store, store.engine.begin() as connection:
        connection.execute(history_db.schema_version.insert().values(
            version=history_db.SCHEMA_VERSION + 1, description="from the future", applied_at=sa.func.now()))
    with pytest.raises(HistoryError, match=r"schema version 2, newer than this bidopt's 1: upgrade bidopt"):
        HistoryStore(store_url)


def test_migrations_run_in_order_from_where_the_store_stands(history_store, monkeypatch):
    steps = []
    second = (2, "a later step", lambda connection: steps.append(2))
    HistoryStore(history_store).close()   # at version 1
    monkeypatch.setattr(history_db, "MIGRATIONS", history_db.MIGRATIONS + (second,))
    monkeypatch.setattr(history_db, "SCHEMA_VERSION", 2)
    with HistoryStore(history_store) as store, store.engine.connect() as connection:
        versions = connection.execute(sa.select(history_db.schema_version.c.version)).scalars().all()
    assert (steps, sorted(versions)) == ([2], [1, 2])


def test_a_bad_url_says_what_to_give():
    with pytest.raises(HistoryError, match=r"--db 'not a url' is not a database URL: give sqlite:///PATH"):
        HistoryStore("not a url")


def test_an_unreachable_server_is_named_without_its_password():
    with pytest.raises(HistoryError, match=r"cannot open the history store postgresql://bob:\*\*\*@127.0.0.1:1/x: connection failed"):
        HistoryStore("postgresql://bob:secret@127.0.0.1:1/x")


def test_the_default_store_is_in_the_user_data_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("BIDOPT_DB")
    folder = Path(platformdirs.user_data_dir("bidopt", appauthor=False))
    assert history_db.resolve_url() == f"sqlite:///{folder / 'history.sqlite'}"
    assert history_db.resolve_url("sqlite:///x.db") == "sqlite:///x.db"


# ---------------------------------------------------------------- the CLI

def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plan_records_each_run_and_history_lists_them(tmp_path, capsys, small_scenario, history_store):
    code, out, err = run(capsys, "plan", small_scenario, "--out", tmp_path / "out", "--quiet")
    assert code == 0 and out.endswith(f"recorded run 1 in {history_store}\n")
    run(capsys, "plan", small_scenario, "--out", tmp_path / "out", "--quiet", "--budget", "5000")
    code, out, err = run(capsys, "history")
    lines = out.splitlines()
    assert (code, err) == (0, "")
    assert lines[0] == f"runs in {history_store} (newest first):"
    assert lines[1].split() == ["run", "time", "(UTC)", "scenario", "budget", "min", "ROI", "status", "spend",
                                "revenue", "ROI"]
    assert [line.split()[0] for line in lines[2:]] == ["2", "1"]
    assert lines[2].split()[3:7] == ["weekly", "5,000.00", "2", "optimal"]


def test_history_show_gives_inputs_figures_plans_and_changes(tmp_path, capsys, small_scenario, small_report):
    run(capsys, "plan", small_scenario, "--out", tmp_path / "out", "--quiet")
    code, out, err = run(capsys, "history", "show", "last")
    assert (code, err) == (0, "")
    assert out.startswith("run 1, ")
    digest = hashlib.sha256(small_report.read_bytes()).hexdigest()[:16]
    assert f"  {small_report.name}  {small_report.stat().st_size:,}  {digest}" in out
    for heading in ("inputs:", "forecast at today's bids -> at the new bids:", "plans:", "largest changes ("):
        assert heading in out
    assert run(capsys, "history", "show", "1")[1] == out


def test_no_history_leaves_the_store_alone(tmp_path, capsys, small_scenario, history_store):
    code, out, _ = run(capsys, "plan", small_scenario, "--out", tmp_path / "out", "--quiet", "--no-history")
    assert code == 0 and "recorded run" not in out
    assert not Path(history_store.removeprefix("sqlite:///")).exists()


def test_history_errors_are_one_line_and_exit_2(capsys, history_store):
    assert run(capsys, "history") == (0, f"no runs yet in {history_store}\n", "")
    assert run(capsys, "history", "show", "last") == (2, "", f"error: no runs yet in {history_store}\n")
    assert run(capsys, "history", "show", "7") == (2, "", f"error: no run 7 in {history_store} (no runs yet)\n")
    code, _, err = run(capsys, "history", "show", "abc")
    assert (code, err) == (2, "error: RUN must be a run id (a number from 'bidopt history') or 'last'. "
                              "Got 'abc' instead.\n")


def test_db_flag_wins_over_the_variable(tmp_path, capsys, small_scenario):
    other = f"sqlite:///{tmp_path / 'team.sqlite'}"
    code, out, _ = run(capsys, "plan", small_scenario, "--out", tmp_path / "out", "--quiet", "--db", other)
    assert code == 0 and out.endswith(f"recorded run 1 in {other}\n")
    assert run(capsys, "history", "show", "last", "--db", other)[0] == 0
    assert run(capsys, "history", "--db", other)[1].splitlines()[2].split()[0] == "1"


# ---------------------------------------------------------------- killed and concurrent runs

#: What a run started by :func:`start_plan` prints once its rows are written, inside its open transaction.
PAUSE_MESSAGE = "test: paused inside the transaction"

#: ``bidopt plan`` in a child process whose last insert of a run (its plan budgets) is followed by a pause, so that
#: the test can kill it or race another run while the transaction is open. The pause is the test's own patch.
PAUSED_PLAN = """
import sys, time
from optimizer.cli import main
from optimizer.history import store

insert = store.insert

def insert_then_pause(connection, table, rows, *options):
    insert(connection, table, rows, *options)
    if table is store.plan_budgets:
        print({message!r}, file=sys.stderr, flush=True)
        time.sleep({seconds!r})

store.insert = insert_then_pause
sys.exit(main(sys.argv[1:]))
"""


def start_plan(scenario: Path, out: Path, url: str, pause: float) -> subprocess.Popen:
    code = PAUSED_PLAN.format(message=PAUSE_MESSAGE, seconds=float(pause))
    return subprocess.Popen([sys.executable, "-c", code, "plan", str(scenario), "--out", str(out), "--quiet"],
                            env={**os.environ, "BIDOPT_DB": url}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for_pause(process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Read the run's stderr until it says it sits inside its transaction."""
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        if line.strip() == PAUSE_MESSAGE:
            return
        assert time.monotonic() < deadline, "the run never reached its transaction"
    raise AssertionError(f"the run ended before its transaction (exit {process.wait()}): {process.stdout.read()}")


@pytest.mark.slow
def test_a_run_killed_inside_its_transaction_leaves_the_store_consistent(store_url, plan_result, small_scenario,
                                                                         tmp_path):
    with HistoryStore(store_url) as store:
        kept = store.record(plan_result)
    process = start_plan(small_scenario, tmp_path / "out", store_url, pause=60)
    wait_for_pause(process)
    clock = time.monotonic()
    with HistoryStore(store_url) as store:   # readers neither wait for the run nor see it
        assert store.runs()["id"].tolist() == [kept]
    assert time.monotonic() - clock < 10
    process.send_signal(signal.SIGKILL)
    process.communicate()
    counts = count_rows(store_url)
    assert counts["runs"] == 1 and counts["input_files"] == 1
    assert counts["recommendations"] == len(plan_result.bids) and counts["plan_budgets"] == len(plan_result.plans)
    if store_url.startswith("sqlite"):
        with sa.create_engine(store_url).connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    with HistoryStore(store_url) as store:   # and the store takes the next run
        assert store.record(plan_result) == kept + 1 + (0 if store_url.startswith("sqlite") else 1)
        assert len(store.runs()) == 2


@pytest.mark.slow
def test_two_runs_at_once_both_land(store_url, small_scenario, tmp_path):
    HistoryStore(store_url).close()   # the schema exists; the race is on the run itself
    processes = [start_plan(small_scenario, tmp_path / f"out{index}", store_url, pause=1.5) for index in range(2)]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    counts = count_rows(store_url)
    with HistoryStore(store_url) as store:
        ids = sorted(store.runs()["id"].tolist())
        assert all(len(store.recommendations(run_id)) == counts["recommendations"] // 2 for run_id in ids)
    assert counts["runs"] == 2 and len(set(ids)) == 2


#: ``bidopt plan`` whose report waits for the file named by ``BIDOPT_TEST_GO`` (when set) and says when it is made.
HELD_REPORT_PLAN = PAUSED_PLAN.replace("store.insert = insert_then_pause", """store.insert = insert_then_pause
import os
from pathlib import Path
from optimizer.outputs import html_report

report = html_report.plan_report

def held_report(*args, **kwargs):
    while os.environ.get("BIDOPT_TEST_GO") and not Path(os.environ["BIDOPT_TEST_GO"]).exists():
        time.sleep(0.05)
    made = report(*args, **kwargs)
    print("test: report made", file=sys.stderr, flush=True)
    return made

html_report.plan_report = held_report""")


@pytest.mark.slow
def test_two_runs_into_one_folder_do_not_wait_on_each_other(history_store, small_scenario, tmp_path):
    """A holds the store's write lock while its report is held; B's report is made meanwhile. B must not take
    the output folder's lock before its own rows are in, or A (waiting for that lock) and B's recording
    (waiting for A's commit) would wait on each other until SQLite's busy timeout failed B."""
    go = tmp_path / "go"
    code = HELD_REPORT_PLAN.format(message=PAUSE_MESSAGE, seconds=0.0)

    def start(out: str, held: bool) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", code, "plan", str(small_scenario), "--out", str(tmp_path / out),
                                 "--quiet"], env={**os.environ, "BIDOPT_DB": history_store,
                                                  "BIDOPT_TEST_GO": str(go) if held else ""},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    first = start("first", held=True)
    wait_for_pause(first)   # its rows are in: it holds the store's write lock, its report waits
    second = start("second", held=False)
    for line in second.stderr:
        if line.strip() == "test: report made":
            break
    time.sleep(1.0)   # the second run goes on to its files
    go.touch()
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    assert count_rows(history_store)["runs"] == 2


@pytest.mark.slow
def test_two_new_stores_opened_at_once_migrate_once(store_url):
    """Two first runs against an empty store: one creates the schema, the other waits and finds it."""
    code = (f"import sys; from optimizer.history.store import HistoryStore; HistoryStore({store_url!r}).close()")
    processes = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    with HistoryStore(store_url) as store, store.engine.connect() as connection:
        assert connection.execute(sa.select(history_db.schema_version.c.version)).scalars().all() == [1]
