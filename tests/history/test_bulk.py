"""Rows in bulk: a frame's columns as Python values a chunk at a time, and many rows to one SQLite statement."""

from __future__ import annotations

import math
import sqlite3
import struct
import threading
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.history import bulk, database
from optimizer.history.bulk import SQLITE_PARAMETERS, Rows, insert, sqlite_null, table_rows
from optimizer.history.database import recommendations, runs


def three_rows() -> Rows:
    keyword = pd.concat([pd.Series(["连衣裙", None], dtype="str"), pd.Series(["a,b"], dtype="str")], ignore_index=True)
    return table_rows(pd.DataFrame({"keyword": keyword, "new_bid": [1.0, np.nan, 2.5]}), recommendations, 7,
                      positions=True)


def test_text_in_chunks_of_arrow_is_recorded_as_the_same_strings():
    rows = three_rows()
    assert not isinstance(rows.columns[rows.names.index("keyword")], np.ndarray)   # not a million Python strings
    assert list(rows.tuples(chunk=2)) == [(7, 0, "连衣裙", 1.0), (7, 1, None, None), (7, 2, "a,b", 2.5)]


def test_flat_lists_hold_the_rows_one_after_another_and_the_last_what_is_left():
    assert list(three_rows().flat(2, chunk=2)) == [[7, 0, "连衣裙", 1.0, 7, 1, None, None], [7, 2, "a,b", 2.5]]
    assert list(three_rows().flat(1, start=1, stop=2)) == [[7, 1, None, None]]


@settings(max_examples=40, deadline=None)
@given(count=st.integers(1, 60), per_statement=st.integers(1, 9), chunk=st.integers(1, 25), start=st.integers(0, 60))
def test_flat_lists_are_the_tuples_of_the_same_rows_in_order(count, per_statement, chunk, start):
    rng = np.random.default_rng(count)
    frame = pd.DataFrame({"keyword": pd.Series(np.char.add("词 ", np.arange(count).astype(str)), dtype="str"),
                          "new_bid": np.where(rng.random(count) < 0.3, np.nan, rng.random(count))})
    rows = table_rows(frame, recommendations, 3, positions=True)
    start = min(start, count)
    lists = list(rows.flat(per_statement, start=start, chunk=chunk))
    assert all(len(values) == per_statement * len(rows.names) for values in lists[:-1])
    assert [value for values in lists for value in values] == [
        value for row in list(rows.tuples())[start:] for value in row]


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = database.engine(f"sqlite:///{tmp_path / 'bulk.sqlite'}")
    with engine.begin() as connection:
        database.migrate(connection)
    yield engine
    engine.dispose()


def test_sqlite_takes_many_rows_to_a_statement_and_keeps_them_in_order(sqlite_engine):
    count = 1_000
    frame = pd.DataFrame({"plan": "计划", "keyword": pd.Series(np.char.add("词", np.arange(count).astype(str)),
                                                               dtype="str"),
                          "new_bid": np.where(np.arange(count) % 7 == 0, np.nan, np.arange(count) / 8)})
    statements: list[str] = []
    with sqlite_engine.begin() as connection:
        connection.connection.driver_connection.set_trace_callback(statements.append)
        run_id = connection.execute(runs.insert().values(
            created_at=pd.Timestamp("2026-03-01", tz="UTC").to_pydatetime(), bidopt_version="test",
            scenario_name="test", settings_json="{}", level="keyword", objective="revenue", period_days=7,
            status="optimal", summary_json="{}").returning(runs.c.id)).scalar_one()
        rows = table_rows(frame, recommendations, run_id, positions=True)
        insert(connection, recommendations, rows)
        connection.connection.driver_connection.set_trace_callback(None)
        stored = connection.execute(sa.select(recommendations.c.position, recommendations.c.keyword,
                                              recommendations.c.new_bid).order_by(sa.text("rowid"))).all()
    inserts = [statement for statement in statements if statement.startswith('INSERT INTO "recommendations"')]
    per_statement = SQLITE_PARAMETERS // len(rows.names)
    assert len(inserts) == -(-count // per_statement)   # a thousand rows, not a thousand statements
    assert [tuple(row) for row in stored] == [(position, keyword, None if np.isnan(bid) else bid) for
                                              position, keyword, bid in zip(range(count), frame["keyword"],
                                                                            frame["new_bid"])]


def test_an_insert_stops_at_the_next_chunk_once_its_event_is_set_and_its_transaction_rolls_back(sqlite_engine):
    count, stop, chunks = 3 * bulk.INSERT_CHUNK, threading.Event(), []
    rows = table_rows(pd.DataFrame({"plan": "计划", "new_bid": np.arange(count) / 8}), recommendations, 1,
                      positions=True)
    lists = Rows._lists

    def first_chunk_then_stop(self, start, stop_row, null=None):
        chunks.append(start)
        stop.set()   # as another thread would, while this chunk goes in
        return lists(self, start, stop_row, null)

    with mock.patch.object(Rows, "_lists", first_chunk_then_stop), pytest.raises(bulk.Stopped, match="stopped"):
        with sqlite_engine.begin() as connection:
            connection.execute(runs.insert().values(
                id=1, created_at=pd.Timestamp("2026-03-01", tz="UTC").to_pydatetime(), bidopt_version="test",
                scenario_name="test", settings_json="{}", level="keyword", objective="revenue", period_days=7,
                status="optimal", summary_json="{}"))
            insert(connection, recommendations, rows, stop)
    assert chunks == [0]
    with sqlite_engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(recommendations)).scalar_one() == 0
        assert connection.execute(sa.select(sa.func.count()).select_from(runs)).scalar_one() == 0


def test_sqlite_is_sent_nan_for_a_missing_cell_only_where_it_stores_a_bound_nan_as_null():
    connection = sqlite3.connect(":memory:")
    assert math.isnan(sqlite_null(connection))   # SQLite 3.x: a bound NaN is NULL
    connection.close()

    class KeepsNaN:   # a build that would store NaN as a REAL: missing cells go as None, as they always did
        def execute(self, sql, parameters):
            return sqlite3.connect(":memory:").execute("SELECT 'real'")

    assert sqlite_null(KeepsNaN()) is None


def test_flat_lists_hold_the_null_asked_for_where_a_value_is_missing():
    nan_lists = list(three_rows().flat(3, null=math.nan))
    assert nan_lists[0][:6] == [7, 0, "连衣裙", 1.0, 7, 1] and math.isnan(nan_lists[0][6]) and math.isnan(nan_lists[0][7])
    assert list(three_rows().flat(3)) == [[7, 0, "连衣裙", 1.0, 7, 1, None, None, 7, 2, "a,b", 2.5]]


def test_a_missing_plan_still_breaks_the_not_null_rule_when_sent_as_nan(sqlite_engine):
    frame = pd.DataFrame({"plan": pd.Series(["计划", None], dtype="str"), "new_bid": [1.0, 2.0]})
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL constraint failed: recommendations.plan"):
        with sqlite_engine.begin() as connection:
            insert(connection, recommendations, table_rows(frame, recommendations, 1, positions=True))


#: Every kind of column the history's tables have, to compare the bulk path with one row per statement.
cells = sa.Table(
    "cells", sa.MetaData(),
    sa.Column("run_id", sa.Integer, primary_key=True), sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("amount", sa.Float), sa.Column("count", sa.BigInteger), sa.Column("maybe_count", sa.BigInteger),
    sa.Column("text", sa.Text), sa.Column("label", sa.Text), sa.Column("category", sa.Text),
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6) | st.sampled_from(
    ["", '"', "\\", "a\"b\\c", "\x00", "a\x00b", "\n\t\r\x1f", "😀𝔘", "连衣裙", "=SUM(A1)", "+1", "null", "1e5"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [-0.0, 0.0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, 2.0 ** 53 + 2])
INTEGERS = st.integers(-2 ** 63, 2 ** 63 - 1) | st.sampled_from([2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 63 - 1, -2 ** 63])


def stored(connection, run_id: int) -> list[tuple]:
    """Each cell's storage class and value, floats as their bits: equal lists are the same rows to the bit."""
    names = [column.name for column in cells.columns if column.name != "run_id"]
    result = connection.exec_driver_sql(
        f"SELECT {', '.join(f'typeof({name}), {name}' for name in names)} FROM cells WHERE run_id = {run_id} "
        "ORDER BY position").all()
    return [tuple(struct.pack("<d", value) if isinstance(value, float) else value for value in row) for row in result]


@settings(max_examples=30, deadline=None)
@given(data=st.data(), count=st.integers(1, 300))
def test_sqlite_stores_what_one_row_per_statement_with_none_stores(data, count, tmp_path_factory):
    rng = np.random.default_rng(count)
    missing = rng.random((4, count)) < 0.3
    amount = np.array(data.draw(st.lists(FLOATS, min_size=count, max_size=count)))
    maybe = pd.Series(data.draw(st.lists(INTEGERS, min_size=count, max_size=count)), dtype="Int64")
    text = data.draw(st.lists(TEXT, min_size=count, max_size=count))
    frame = pd.DataFrame({
        "amount": amount, "count": np.array(data.draw(st.lists(INTEGERS, min_size=count, max_size=count)), dtype=np.int64),
        "maybe_count": maybe.where(~missing[0], pd.NA), "text": pd.Series(text, dtype="str").where(~missing[1], None),
        "label": pd.Series(text[::-1], dtype=object).where(~missing[2], None),
        "category": pd.Series(pd.Categorical(rng.choice(["计划A", "plan \"B\"", ""], count))).where(~missing[3], None)})
    engine = database.engine(f"sqlite:///{tmp_path_factory.mktemp('cells') / 'cells.sqlite'}")
    with engine.begin() as connection:
        cells.create(connection)
        insert(connection, cells, table_rows(frame, cells, 1, positions=True))   # NaN for NULL, many rows a statement
        with mock.patch.object(bulk, "sqlite_null", lambda raw: None):
            insert(connection, cells, table_rows(frame, cells, 2, positions=True))   # None, as a build keeping NaN would
        rows = table_rows(frame, cells, 3, positions=True)
        connection.connection.driver_connection.executemany(   # the reference: a row at a time, None where missing
            f"INSERT INTO cells ({', '.join(rows.names)}) VALUES ({', '.join('?' * len(rows.names))})", rows.tuples())
        assert stored(connection, 1) == stored(connection, 3) == stored(connection, 2)
        assert len(stored(connection, 1)) == count
    engine.dispose()


def test_a_cell_marked_missing_is_null_whatever_its_float_holds():
    rows = Rows(["value"], [np.array([1.5, 2.5, np.nan])], [np.array([False, True, True])])
    nan_values = next(rows.flat(3, null=math.nan))
    assert nan_values[0] == 1.5 and math.isnan(nan_values[1]) and math.isnan(nan_values[2])
    assert next(rows.flat(3)) == [1.5, None, None]
