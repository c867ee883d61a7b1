"""Fixtures every test shares: the run history never touches the real user data folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def history_store(tmp_path, monkeypatch) -> str:
    """Point the run history (``BIDOPT_DB``) at a SQLite file in the test's own folder; return its URL."""
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    monkeypatch.setenv("BIDOPT_DB", url)
    return url
