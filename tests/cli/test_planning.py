"""cli.planning: what ``bidopt plan`` loads; its flags and messages are tested end to end in tests/test_cli.py."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import ROOT, SCENARIOS


def test_a_plan_without_a_run_history_never_imports_the_history_store(tmp_path):
    """SQLAlchemy takes a few tenths of a second to import: a run with --no-history goes without it."""
    code = ("import sys; from optimizer.cli import main; "
            f"code = main(['plan', {str(SCENARIOS / 'weekly.toml')!r}, '--out', {str(tmp_path / 'out')!r}, "
            "'--no-history']); print(code, 'sqlalchemy' in sys.modules, 'optimizer.history.store' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 False False"
    assert (tmp_path / "out" / "bids.csv").exists()
