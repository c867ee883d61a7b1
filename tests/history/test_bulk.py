"""Rows in bulk: a frame's columns as Python values a chunk at a time, and many rows to one SQLite statement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.history import database
from optimizer.history.bulk import SQLITE_PARAMETERS, Rows, insert, table_rows
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
