"""All or nothing: a run killed at any step leaves one whole run in its folder, and the history knows it."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
import threading

import pytest
import sqlalchemy as sa

from optimizer.cli import main
from optimizer.errors import BidoptError
from optimizer.history import store as history
from optimizer.history.database import HistoryError
from optimizer.history.store import HistoryStore
from optimizer.outputs import html_report
from optimizer.outputs import publish as publishing
from optimizer.outputs.publish import MANIFEST, publish
from tests.outputs.test_safe_text import _account
from tests.paths import ROOT

SAMPLE = ROOT / "scenarios" / "data" / "ztc_keywords.csv"


class Killed(BaseException):
    """What a kill looks like from inside: nothing after it runs (cleanups are switched off with it)."""


def _files(folder) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def _visible(parent) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if not path.name.startswith("."))


def test_publish_writes_a_new_folder_with_its_manifest_and_keeps_other_files(tmp_path):
    out = tmp_path / "out"
    assert publish(out, {"a.csv": b"1", "sub/b.csv": b"2"}) == [out / "a.csv", out / "sub" / "b.csv"]
    assert json.loads((out / MANIFEST).read_text()) == {"run": None, "files": ["a.csv", "sub/b.csv"],
                                                        "whole_folder": True}
    (out / "notes.txt").write_text("mine")
    publish(out, {"a.csv": b"3"}, before_swap=lambda staging: 7)
    assert _files(out) == {".bidopt-run.json": b'{"run": 7, "files": ["a.csv"], "whole_folder": true}\n',
                           "a.csv": b"3", "notes.txt": b"mine", "sub/b.csv": b"2"}
    assert _visible(tmp_path) == ["out"] and sorted(path.name for path in tmp_path.iterdir()) == ["out"]
    assert stat.S_IMODE(os.stat(out / "a.csv").st_mode) == 0o666 & ~publishing.current_umask()


def test_a_folder_bidopt_did_not_write_is_never_swapped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text("the user's")
    inode = os.stat(tmp_path).st_ino
    for run in (1, 2):   # the manifest of the first run does not make the folder bidopt's
        publish(tmp_path, {"bids.csv": b"%d" % run})
        assert os.stat(tmp_path).st_ino == inode and (tmp_path / "data.csv").read_text() == "the user's"
        assert (tmp_path / "bids.csv").read_bytes() == b"%d" % run
        assert json.loads((tmp_path / MANIFEST).read_text())["whole_folder"] is False


@pytest.mark.parametrize("step", ["write", "before_swap", "swap", "cleanup"])
def test_a_kill_at_any_step_leaves_one_whole_set_and_the_next_run_cleans_up(tmp_path, monkeypatch, step):
    out = tmp_path / "out"
    publish(out, {"a.csv": b"old a", "b.csv": b"old b"}, before_swap=lambda staging: 1)
    before = _files(out)

    def kill(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(publishing.shutil, "rmtree", lambda *args, **kwargs: None)   # a kill runs no cleanup
        files = {"a.csv": b"new a", "b.csv": kill if step == "write" else b"new b"}
        if step in ("swap", "cleanup"):
            original = publishing._swap
            patch.setattr(publishing, "_swap", kill if step == "swap" else
                          lambda *args: (original(*args), kill()))
        with pytest.raises(Killed):
            publish(out, files, before_swap=kill if step == "before_swap" else lambda staging: 2)
    after = _files(out)
    assert after == before or after == {".bidopt-run.json": b'{"run": 2, "files": ["a.csv", "b.csv"], '
                                                            b'"whole_folder": true}\n', "a.csv": b"new a", "b.csv": b"new b"}
    assert (after == before) == (step != "cleanup")
    assert _visible(tmp_path) == ["out"] and len(list(tmp_path.iterdir())) == 2   # one hidden leftover
    publish(out, {"a.csv": b"next"})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_a_kill_between_the_two_renames_of_the_fallback_is_repaired_by_the_next_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    publish(out, {"a.csv": b"old"})
    renames = []

    def rename(source, target):
        renames.append(target)
        if len(renames) == 2:
            raise Killed
        os.replace(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(publishing, "_exchange", lambda first, second: False)
        patch.setattr(publishing.os, "rename", rename)
        patch.setattr(publishing.shutil, "rmtree", lambda *args, **kwargs: None)
        with pytest.raises(Killed):
            publish(out, {"a.csv": b"new"})
    assert not out.exists()
    publish(out.parent / "elsewhere", {"x": b""})   # another folder's run does not touch it
    publishing._clean_leftovers(out)
    assert (out / "a.csv").read_bytes() == b"old"


def _plan(capsys, tmp_path, budget: int, *extra) -> int:
    code = main(["plan", "--report", str(SAMPLE), "--budget", str(budget), "--out", str(tmp_path / "out"), "--quiet",
                 *extra])
    capsys.readouterr()
    return code


def _known_run(tmp_path) -> int:
    run_id = json.loads((tmp_path / "out" / "summary.json").read_bytes())["run"]["id"]
    with HistoryStore() as store:
        assert run_id in store.runs(limit=None)["id"].tolist()
    return run_id


@pytest.mark.slow
@pytest.mark.parametrize("step", ["staging", "inside the transaction", "after the commit", "the swap"])
def test_a_killed_plan_leaves_the_previous_run_whole_and_known_to_the_history(tmp_path, capsys, monkeypatch, step):
    assert _plan(capsys, tmp_path, 20000) == 0
    before, first = _files(tmp_path / "out"), _known_run(tmp_path)
    record = HistoryStore.record

    def kill(*args, **kwargs):
        raise Killed

    def killed_record(store, result, before_commit=None, **options):
        return record(store, result, before_commit=lambda run_id: (before_commit(run_id), kill()), **options)

    with monkeypatch.context() as patch:
        patch.setattr(publishing.shutil, "rmtree", lambda *args, **kwargs: None)
        if step == "staging":
            patch.setattr(publishing.Path, "write_bytes", kill)
        elif step == "inside the transaction":
            patch.setattr(HistoryStore, "record", killed_record)
        elif step == "after the commit":
            patch.setattr(publishing, "_swap", kill)
        else:
            patch.setattr(publishing, "_exchange", kill)
        with pytest.raises(Killed):
            _plan(capsys, tmp_path, 15000)
    assert _files(tmp_path / "out") == before and _known_run(tmp_path) == first
    assert _visible(tmp_path) == ["history.sqlite", "out"]
    assert _plan(capsys, tmp_path, 15000) == 0
    assert _known_run(tmp_path) > first and _visible(tmp_path) == ["history.sqlite", "out"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["history.sqlite", "out"]


def test_a_run_that_cannot_record_its_history_publishes_nothing(tmp_path, capsys, monkeypatch):
    assert _plan(capsys, tmp_path, 20000) == 0
    before = _files(tmp_path / "out")

    def full(store, result, before_commit=None, **options):
        raise HistoryError(f"cannot record the run in {store.location}: database or disk is full")

    monkeypatch.setattr(HistoryStore, "record", full)
    code = main(["plan", "--report", str(SAMPLE), "--budget", "15000", "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and "cannot record the run" in capsys.readouterr().err
    assert _files(tmp_path / "out") == before and sorted(path.name for path in tmp_path.iterdir()) == [
        "history.sqlite", "out"]


def test_a_full_disk_names_the_file_and_changes_nothing(tmp_path, capsys, monkeypatch):
    assert _plan(capsys, tmp_path, 20000) == 0
    before = _files(tmp_path / "out")

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")   # as write() raises it: no file named

    monkeypatch.setattr(publishing.Path, "write_bytes", full)
    code = main(["plan", "--report", str(SAMPLE), "--budget", "15000", "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err == f"error: {tmp_path / 'out' / 'bids.csv'}: No space left on device\n"
    monkeypatch.undo()
    assert _files(tmp_path / "out") == before and _visible(tmp_path) == ["history.sqlite", "out"]


#: The report and the run's recording end, in the order named, while the other is still going (the recording
#: runs beside the report): what the user sees is what the code without the overlap shows for the first failure.
ORDERS = {
    "the report fails while the run is recorded": ("report fails", "recording", "error: the report cannot be made\n"),
    "interrupted while the run is recorded": ("interrupted", "recording", "error: interrupted; no files were written\n"),
    "the recording fails while the report is made": ("report made", "recording fails",
                                                     "error: cannot record the run in {url}: database or disk is full\n"),
    "the recording fails, then the report": ("report fails", "recording fails", "error: the report cannot be made\n"),
}


@pytest.mark.parametrize("order", ORDERS)
def test_a_report_or_a_recording_failing_beside_the_other_publishes_and_records_nothing(
        tmp_path, capsys, monkeypatch, history_store, order):
    report_ends, recording_ends, message = ORDERS[order]
    assert _plan(capsys, tmp_path, 20000) == 0
    before, first = _files(tmp_path / "out"), _known_run(tmp_path)
    inserting, insert, report, staged = threading.Event(), history.insert, html_report.plan_report, []

    def recording(connection, table, rows, until=None):
        if table is history.recommendations:
            inserting.set()
            if recording_ends == "recording fails":
                raise sa.exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
            until.wait(60)   # the rows go in for as long as the report takes
        insert(connection, table, rows, until)

    def plan_report(*args, **kwargs):
        assert inserting.wait(30), "the run is recorded while the report is made"
        for thread in threading.enumerate():
            if recording_ends == "recording fails" and thread.name == "bidopt-record":
                thread.join()   # the recording has failed before the report ends
        if report_ends == "interrupted":
            raise KeyboardInterrupt
        if report_ends == "report fails":
            raise BidoptError("the report cannot be made")
        return report(*args, **kwargs)

    monkeypatch.setattr(history, "insert", recording)
    monkeypatch.setattr(html_report, "plan_report", plan_report)
    monkeypatch.setattr(publishing, "_write", lambda *args: staged.append(args[0]))
    code = main(["plan", "--report", str(SAMPLE), "--budget", "15000", "--out", str(tmp_path / "out"), "--quiet"])
    assert (code, capsys.readouterr().err) == (130 if report_ends == "interrupted" else 2,
                                               message.format(url=history_store))
    assert staged == [] and not [thread for thread in threading.enumerate() if thread.name == "bidopt-record"]
    assert _files(tmp_path / "out") == before and _known_run(tmp_path) == first
    with HistoryStore() as store:
        assert store.runs(limit=None)["id"].tolist() == [first]
    assert _visible(tmp_path) == ["history.sqlite", "out"]


def _command(name: str, folder, out, variant: int) -> list[str]:
    """Each publishing command besides plan, its arguments varied so that a second run writes other bytes."""
    if name == "frontier":
        return ["frontier", "--report", str(SAMPLE), "--budget", str(20000 + 1000 * variant), "--points", "3",
                "--out", str(out), "--quiet"]
    if name == "simulate":
        return ["simulate", "--keywords", "30", "--days", "7", "--seed", str(variant), "--format", "ztc", "--out", str(out)]
    if name == "harvest":
        if not (folder / "search_terms.csv").exists():
            _account(folder, ["shoe", "boot", "sock", "sandal"])
        return ["harvest", "--report", str(folder / "search_terms.csv"), "--bulk", str(folder / "bulk.xlsx"),
                "--min-orders", str(1 + variant), "--out", str(out)]
    scenario = folder / "shop.toml"
    scenario.write_text(f'[data]\nreports = ["{SAMPLE.as_posix()}"]\n[goal]\nbudget = {20000 + 1000 * variant}\n',
                        encoding="utf-8")
    return ["batch", str(scenario), "--workers", "1", "--out", str(out)]


KILLS = ["staging", "the swap", "after the swap"]


@pytest.mark.slow
@pytest.mark.parametrize("step", KILLS)
@pytest.mark.parametrize("command", ["frontier", "simulate", "harvest", "batch"])
def test_every_publishing_command_killed_at_any_step_leaves_one_whole_set(tmp_path, capsys, monkeypatch, command, step):
    out, work = tmp_path / "out", tmp_path / "work"
    work.mkdir()
    assert main(_command(command, work, out, 0)) == 0
    before = _files(out)

    def kill(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(publishing.shutil, "rmtree", lambda *args, **kwargs: None)
        if step == "staging":
            patch.setattr(publishing, "_write", kill)
        else:
            swap = publishing._swap
            patch.setattr(publishing, "_swap", kill if step == "the swap" else lambda *args: (swap(*args), kill()))
        with pytest.raises(Killed):
            main(_command(command, work, out, 1))
    for folder in tmp_path.glob(".out.accounts-*"):   # a batch's accounts, as a killed process leaves them
        folder.rename(tmp_path / ".out.accounts-999999999-x")
    after = _files(out)
    assert after == before if step != "after the swap" else after != before and MANIFEST in after
    assert _visible(tmp_path) == ["history.sqlite", "out", "work"][1 - ("history.sqlite" in _visible(tmp_path)):]
    assert main(_command(command, work, out, 2)) == 0
    capsys.readouterr()
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".")]
