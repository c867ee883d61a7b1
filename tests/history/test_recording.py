"""A run recorded in a worker thread: committed once the files are staged, rolled back on any other ending."""

from __future__ import annotations

import threading

import pytest

from optimizer.history import store as history_store_module
from optimizer.history.database import HistoryError
from optimizer.history.recording import Recording
from optimizer.history.store import HistoryStore
from tests.history.test_store import count_rows


def _threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name == "bidopt-record"]


def _stamps(seen: list):
    def stamp(run_id, staging):
        seen.append((run_id, staging, threading.current_thread().name))
    return stamp


def test_the_run_commits_once_the_staged_folder_is_handed_over_and_is_stamped_in_the_worker(
        store_url, plan_result, tmp_path):
    seen: list = []
    with HistoryStore(store_url) as store, Recording(store, plan_result, _stamps(seen)) as recording:
        run_id = recording.commit(tmp_path)
        assert store.runs()["id"].tolist() == [run_id] and recording.run_id == run_id
    assert seen == [(run_id, tmp_path, "bidopt-record")]   # the connection and the stamp: the worker's alone
    assert recording.seconds > 0 and recording.waited >= 0 and _threads() == []
    assert count_rows(store_url)["recommendations"] == len(plan_result.bids)


def test_a_recording_left_without_its_folder_rolls_back_and_ends_its_thread(store_url, plan_result):
    seen: list = []
    with HistoryStore(store_url) as store:
        with pytest.raises(ValueError, match="the report failed"), Recording(store, plan_result, _stamps(seen)):
            raise ValueError("the report failed")
    assert seen == [] and _threads() == []
    assert count_rows(store_url)["runs"] == 0 and count_rows(store_url)["recommendations"] == 0


def test_a_cancel_stops_the_inserts_at_the_next_chunk(store_url, plan_result, monkeypatch):
    """The worker is held inside its inserts until the caller gives up: the next chunk ends them."""
    inside, insert = threading.Event(), history_store_module.insert
    chunks: list[int] = []

    def held_insert(connection, table, rows, until=None):
        if table is history_store_module.recommendations:
            inside.set()
            until.wait(60)
            chunks.append(len(rows))
        insert(connection, table, rows, until)

    monkeypatch.setattr(history_store_module, "insert", held_insert)
    with HistoryStore(store_url) as store:
        recording = Recording(store, plan_result, _stamps([]))
        with recording:
            assert inside.wait(60)
            assert recording.busy()
        assert _threads() == [] and recording.error is None and recording.run_id is None
    assert chunks == [len(plan_result.bids)] and count_rows(store_url)["recommendations"] == 0


def test_a_failed_recording_is_raised_in_the_caller_before_the_files_are_staged_and_at_the_commit(store_url, plan_result, monkeypatch,
                                                                              tmp_path):
    def full(connection, table, rows, until=None):
        raise HistoryError("cannot record the run: database or disk is full")

    monkeypatch.setattr(history_store_module, "insert", full)
    with HistoryStore(store_url) as store, Recording(store, plan_result, _stamps([])) as recording:
        recording._thread.join()   # the recording has failed while the caller was busy
        assert not recording.busy()
        with pytest.raises(HistoryError, match="disk is full"):
            recording.ready()
        with pytest.raises(HistoryError, match="disk is full"):
            recording.commit(tmp_path)
    assert count_rows(store_url)["runs"] == 0 and _threads() == []
