"""The run history's database: its tables, their migrations, and the connection to SQLite or PostgreSQL.

SQLite by default, in the user's data folder (``platformdirs``), no set-up; any
SQLAlchemy URL with ``--db`` or the ``BIDOPT_DB`` variable, PostgreSQL (through
psycopg 3) when a team shares one store. The tool creates and migrates the schema
itself: ``schema_version`` holds one row per applied step of :data:`MIGRATIONS`.
SQLite takes its write lock when a transaction begins (``BEGIN IMMEDIATE``) and waits
for another writer up to ``BUSY_TIMEOUT_MS``, in WAL mode so readers never wait.
:mod:`optimizer.history.store` reads and writes runs through these tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from optimizer.errors import BidoptError

#: The variable that names the store when ``--db`` is not given (tests point it at a temporary file).
ENV_VAR = "BIDOPT_DB"
BUSY_TIMEOUT_MS = 60_000
#: A PostgreSQL advisory lock key: one process at a time creates or migrates the schema.
MIGRATION_LOCK = 7_202_607
#: Execution option of a connection that only reads (SQLite then begins without the write lock).
READ_ONLY = "bidopt_read_only"


class HistoryError(BidoptError):
    """The store cannot be opened, read or written; the message says which store and why."""


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("bidopt_version", sa.Text, nullable=False),
    sa.Column("scenario_name", sa.Text, nullable=False),
    sa.Column("scenario_path", sa.Text),
    sa.Column("scenario_toml", sa.Text),
    sa.Column("settings_json", sa.Text, nullable=False),
    sa.Column("level", sa.Text, nullable=False),
    sa.Column("objective", sa.Text, nullable=False),
    sa.Column("budget", sa.Float),
    sa.Column("min_roi", sa.Float),
    sa.Column("period_days", sa.Integer, nullable=False),
    sa.Column("first_date", sa.Date),
    sa.Column("last_date", sa.Date),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("objective_value", sa.Float),
    sa.Column("before_spend", sa.Float), sa.Column("before_revenue", sa.Float), sa.Column("before_roi", sa.Float),
    sa.Column("after_spend", sa.Float), sa.Column("after_revenue", sa.Float), sa.Column("after_roi", sa.Float),
    sa.Column("summary_json", sa.Text, nullable=False),
)
sa.Index("runs_by_data_window", runs.c.last_date, runs.c.id)

input_files = sa.Table(
    "input_files", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)

#: One row per keyword (or plan, for plan-level reports): the bid asked for and the forecast at it.
recommendations = sa.Table(
    "recommendations", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("ad_group", sa.Text), sa.Column("keyword", sa.Text), sa.Column("match_type", sa.Text),
    sa.Column("current_bid", sa.Float), sa.Column("new_bid", sa.Float), sa.Column("change_pct", sa.Float),
    sa.Column("action", sa.Text), sa.Column("reason", sa.Text),
    sa.Column("current_cpc", sa.Float),
    sa.Column("before_spend", sa.Float), sa.Column("before_revenue", sa.Float),
    sa.Column("impressions", sa.Float), sa.Column("clicks", sa.Float), sa.Column("spend", sa.Float),
    sa.Column("orders", sa.Float), sa.Column("revenue", sa.Float),
)

plan_budgets = sa.Table(
    "plan_budgets", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("plan", sa.Text, primary_key=True),
    sa.Column("current_spend", sa.Float), sa.Column("new_budget", sa.Float), sa.Column("daily_limit", sa.Float),
    sa.Column("clicks", sa.Float), sa.Column("orders", sa.Float), sa.Column("revenue", sa.Float),
    sa.Column("roi", sa.Float),
)


def _create_v1(connection: Connection) -> None:
    metadata.create_all(connection, tables=[runs, input_files, recommendations, plan_budgets])


#: Ordered schema steps: (version, what it does, the step). Append, never edit a step that has shipped;
#: a later step alters the tables with ``ALTER TABLE`` and the Table objects above follow it.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "runs, input_files, recommendations, plan_budgets", _create_v1),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def default_url() -> str:
    """The store when neither ``--db`` nor ``BIDOPT_DB`` names one: SQLite in the user's data folder."""
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('bidopt', appauthor=False)) / 'history.sqlite'}"


def resolve_url(url: str | None = None) -> str:
    """The flag wins, then ``BIDOPT_DB``, then the default."""
    return url or os.environ.get(ENV_VAR) or default_url()


def engine(url_text: str) -> Engine:
    """An engine without a pool: a run opens a handful of connections, each closed when its work is done."""
    try:
        url = make_url(url_text)
    except sa.exc.ArgumentError:
        raise HistoryError(f"--db {url_text!r} is not a database URL: give sqlite:///PATH or "
                           "postgresql://USER@HOST/DATABASE") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")   # psycopg 3, not SQLAlchemy's default psycopg2
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, poolclass=sa.pool.NullPool)
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (ImportError, sa.exc.NoSuchModuleError) as error:
        hint = " (install the driver: pip install 'bidopt[postgres]')" if url.get_backend_name() == "postgresql" else ""
        raise HistoryError(f"cannot use {url.render_as_string(hide_password=True)}: {error}{hint}") from None


def _sqlite_connect(dbapi_connection, _record) -> None:
    """WAL (readers never block the writer) and a busy timeout; transactions begun by us, not the driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Writers take the write lock up front, so two never deadlock upgrading a read; readers take none."""
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def schema_found(connection: Connection) -> int:
    """The schema version of the store, 0 when it is new."""
    if not sa.inspect(connection).has_table(schema_version.name):
        return 0
    return connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def up_to_date(connection: Connection) -> bool:
    """Whether the store's schema is this bidopt's (a new or older one needs :func:`migrate`)."""
    return schema_found(connection) == SCHEMA_VERSION


def migrate(connection: Connection) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION` inside the caller's transaction; return the version found."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    schema_version.create(connection, checkfirst=True)
    found = schema_found(connection)
    if found > SCHEMA_VERSION:
        raise HistoryError(f"the history store has schema version {found}, newer than this bidopt's "
                           f"{SCHEMA_VERSION}: upgrade bidopt or use another --db")
    for version, description, step in MIGRATIONS:
        if version > found:
            step(connection)
            connection.execute(schema_version.insert().values(
                version=version, description=description, applied_at=datetime.now(timezone.utc)))
    return found
