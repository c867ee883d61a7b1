"""The run history: every ``bidopt plan`` run, its inputs, recommendations and figures, in one database.

SQLite by default, in the user's data folder, PostgreSQL when a team shares one store.

A run is written in one transaction, so a run killed at any point leaves either
all of it or nothing. The tables, migrations and connections are in
:mod:`optimizer.history.database`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

from optimizer import __version__
from optimizer.history.bulk import insert, table_rows
from optimizer.history.database import (
    READ_ONLY,
    HistoryError,
    engine,
    input_files,
    migrate,
    plan_budgets,
    recommendations,
    resolve_url,
    runs,
    up_to_date,
)

UNIT_KEYS = ("plan", "ad_group", "keyword", "match_type")


@dataclasses.dataclass(frozen=True)
class Run:
    """One recorded run: the ``runs`` row, with its summary parsed."""

    id: int
    created_at: datetime
    scenario_name: str
    level: str
    objective: str
    budget: float | None
    min_roi: float | None
    period_days: int
    first_date: date | None
    last_date: date | None
    status: str
    #: summary.json as recorded: plain JSON, so runs of older versions read back as they were written.
    summary: dict
    scenario_toml: str | None
    settings: dict


class HistoryStore:
    """The run history behind one URL; creates and migrates its schema on opening."""

    def __init__(self, url: str | None = None):
        self.url = resolve_url(url)
        self.engine = engine(self.url)
        try:
            with self._read() as connection:
                current = up_to_date(connection)
            if not current:   # a new or older store: migrate under the write lock (it checks again there)
                with self.engine.begin() as connection:
                    migrate(connection)
        except sa.exc.SQLAlchemyError as error:
            self.engine.dispose()
            raise HistoryError(f"cannot open the history store {self.location}: {_reason(error)}") from None

    @property
    def location(self) -> str:
        """The URL as a person may see it: no password."""
        return make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def record(self, result, before_commit: Callable[[int], None] | None = None,
               until: threading.Event | None = None) -> int:
        """Write one plan run (a :class:`optimizer.decisions.plan.PlanResult`) in one transaction; return its id.

        ``before_commit(run_id)`` runs inside the transaction, last: if it raises, nothing is recorded
        (the output files are published only once it returns, so the folder and the history agree).
        Once ``until`` is set (from another thread) the inserts stop with
        :class:`optimizer.history.bulk.Stopped` and nothing is recorded.
        """
        scenario, summary = result.scenario, result.summary
        dates = result.performance.frame["date"].dropna() if "date" in result.performance.frame else pd.Series([])
        row = {
            "created_at": datetime.now(timezone.utc), "bidopt_version": __version__,
            "scenario_name": scenario.name, "scenario_path": None if scenario.path is None else str(scenario.path),
            "scenario_toml": _read_text(scenario.path), "settings_json": json.dumps(_jsonable(scenario), ensure_ascii=False),
            "level": summary.level, "objective": summary.objective, "budget": summary.budget,
            "min_roi": summary.min_roi, "period_days": summary.period_days,
            "first_date": dates.min().date() if len(dates) else None,
            "last_date": dates.max().date() if len(dates) else None,
            "status": summary.status, "objective_value": summary.objective_value,
            **{f"{side}_{name}": getattr(figures, name) for side, figures in (("before", summary.before),
                                                                               ("after", summary.after))
               for name in ("spend", "revenue", "roi")},
            "summary_json": json.dumps(_jsonable(summary.to_json()), ensure_ascii=False, sort_keys=True),
        }
        files = [dict(position=position, **fingerprint(path)) for position, path in enumerate(scenario.data.reports)]
        try:
            with self.engine.begin() as connection:
                run_id = connection.execute(runs.insert().values(**row).returning(runs.c.id)).scalar_one()
                insert(connection, input_files, table_rows(pd.DataFrame(files), input_files, run_id, positions=True),
                       until)
                insert(connection, recommendations, table_rows(result.bids, recommendations, run_id, positions=True),
                       until)
                insert(connection, plan_budgets, table_rows(result.plans, plan_budgets, run_id), until)
                if before_commit is not None:
                    before_commit(int(run_id))
        except sa.exc.SQLAlchemyError as error:
            raise HistoryError(f"cannot record the run in {self.location}: {_reason(error)}") from None
        return int(run_id)

    def runs(self, limit: int | None = 50) -> pd.DataFrame:
        """The latest runs, newest first, with the figures ``bidopt history`` lists."""
        columns = [runs.c[name] for name in (
            "id", "created_at", "scenario_name", "budget", "min_roi", "status", "before_spend", "after_spend",
            "before_revenue", "after_revenue", "before_roi", "after_roi")]
        query = sa.select(*columns).order_by(runs.c.id.desc()).limit(limit)
        return self._frame(query)

    def run(self, run_id: int) -> Run:
        """One run; a HistoryError naming the known range when there is no such run."""
        with self._read() as connection:
            row = connection.execute(sa.select(runs).where(runs.c.id == int(run_id))).mappings().first()
            if row is None:
                low, high = connection.execute(sa.select(sa.func.min(runs.c.id), sa.func.max(runs.c.id))).one()
                known = f"runs {low} to {high}" if low is not None else "no runs yet"
                raise HistoryError(f"no run {run_id} in {self.location} ({known})")
        return _run(row)

    def latest_id(self) -> int | None:
        with self._read() as connection:
            return connection.execute(sa.select(sa.func.max(runs.c.id))).scalar()

    def candidates(self, after: date, before: date, limit: int = 20) -> list[Run]:
        """Runs whose data ended on a day in [after, before), latest data window first, then latest run."""
        query = (sa.select(runs).where(runs.c.last_date >= after, runs.c.last_date < before)
                 .order_by(runs.c.last_date.desc(), runs.c.id.desc()).limit(limit))
        with self._read() as connection:
            return [_run(row) for row in connection.execute(query).mappings()]

    def recommendations(self, run_id: int) -> pd.DataFrame:
        query = (sa.select(recommendations).where(recommendations.c.run_id == int(run_id))
                 .order_by(recommendations.c.position))
        return self._frame(query).drop(columns=["run_id", "position"])

    def plan_budgets(self, run_id: int) -> pd.DataFrame:
        query = sa.select(plan_budgets).where(plan_budgets.c.run_id == int(run_id)).order_by(plan_budgets.c.plan)
        return self._frame(query).drop(columns=["run_id"])

    def input_files(self, run_id: int) -> pd.DataFrame:
        query = sa.select(input_files).where(input_files.c.run_id == int(run_id)).order_by(input_files.c.position)
        return self._frame(query).drop(columns=["run_id", "position"])

    def _read(self) -> Connection:
        """A connection for reading: on SQLite it never waits for a run being written."""
        return self.engine.connect().execution_options(**{READ_ONLY: True})

    def _frame(self, query) -> pd.DataFrame:
        try:
            with self._read() as connection:
                result = connection.execute(query)
                return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        except sa.exc.SQLAlchemyError as error:
            raise HistoryError(f"cannot read the history store {self.location}: {_reason(error)}") from None


def fingerprint(path: str | Path) -> dict[str, Any]:
    """Name, path, size and SHA-256 of an input file, read in blocks."""
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"name": path.name, "path": str(path.resolve()), "size": path.stat().st_size, "sha256": digest.hexdigest()}


def _run(row: Mapping) -> Run:
    created = row["created_at"]
    if created.tzinfo is None:   # SQLite gives back naive datetimes; they were written in UTC
        created = created.replace(tzinfo=timezone.utc)
    return Run(id=int(row["id"]), created_at=created, scenario_name=row["scenario_name"], level=row["level"],
               objective=row["objective"], budget=row["budget"], min_roi=row["min_roi"],
               period_days=int(row["period_days"]), first_date=row["first_date"], last_date=row["last_date"],
               status=row["status"], summary=json.loads(row["summary_json"]), scenario_toml=row["scenario_toml"],
               settings=json.loads(row["settings_json"]))


def _jsonable(value: Any) -> Any:
    """Settings and summaries as JSON values: dataclasses as objects, paths as text, NaN as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _read_text(path: Path | None) -> str | None:
    try:
        return None if path is None else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _reason(error: sa.exc.SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original or error).strip().splitlines()[0]
