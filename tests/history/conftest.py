"""The run-history tests' fixtures: a small report and its plan, and every store test on SQLite and PostgreSQL.

PostgreSQL: ``BIDOPT_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one from the
system's packages); without it the tests start their own with ``.ci/postgres`` and skip,
saying why, only where that cannot be done. Under CI (``CI`` set) a missing server fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from optimizer.decisions.plan import make_plan
from optimizer.scenario.scenario_file import load_scenario
from tests.paths import ROOT
from tests.test_make_sample import make_sample

POSTGRES_SCRIPT = ROOT / ".ci" / "postgres"


@pytest.fixture(scope="module")
def small_report(tmp_path_factory) -> Path:
    """A small 直通车 report (80 keywords, 21 days) so that subprocess runs stay quick."""
    path = tmp_path_factory.mktemp("data") / "ztc_small.csv"
    make_sample.write_ztc_csv(make_sample.make_keyword_report(80, 21, seed=11), path)
    return path


@pytest.fixture(scope="module")
def small_scenario(small_report) -> Path:
    path = small_report.parent / "weekly.toml"
    path.write_text(f'[data]\nreports = ["{small_report.as_posix()}"]\n[goal]\nmin_roi = 2.0\n[bids]\nmax = 20\n',
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def plan_result(small_scenario):
    return make_plan(load_scenario(small_scenario))


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a PostgreSQL server's maintenance database."""
    url = os.environ.get("BIDOPT_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="bidopt-pg-")
    started = subprocess.run(["bash", str(POSTGRES_SCRIPT), "start", folder], capture_output=True, text=True)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        reason = f"no PostgreSQL server could be started: {started.stderr.strip() or started.stdout.strip()}"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must run these tests: .ci/run starts the server)")
        pytest.skip(reason)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop", folder], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the server for one test, dropped afterwards."""
    name = f"bidopt_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, history_store) -> str:
    """Every store test runs against a SQLite file and against PostgreSQL."""
    return history_store if request.param == "sqlite" else request.getfixturevalue("postgres_url")
