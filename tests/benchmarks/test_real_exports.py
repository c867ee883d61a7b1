"""benchmarks/real_exports.py: every real export found plans on the first try or refuses, and no plan breaks a check."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.paths import REAL, ROOT, script

real_exports = script(ROOT / "benchmarks" / "real_exports.py", "bench_real_exports")


def test_the_checker_finds_reports_and_leaves_notes_out(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Report.CSV").write_text("x", encoding="utf-8")
    (tmp_path / "SOURCES.md").write_text("x", encoding="utf-8")
    assert [path.name for path in real_exports.report_files(tmp_path)] == ["Report.CSV"]


def test_a_plan_that_breaks_a_check_is_a_failure_and_a_refusal_is_not():
    refused = real_exports.Outcome("f.csv", "refused", "has no revenue column: pass --objective orders")
    broken = real_exports.Outcome("g.csv", "planned", checks={"finite": "ok", "before": "+28%"})
    assert not refused.failed and broken.failed
    table = real_exports.table_text([refused, broken], ROOT)
    assert "+28%" in table and "pass --objective orders" in table


def test_plan_level_moves_read_as_actions():
    plans = pd.DataFrame({"current_spend": [10.0, 10.0, 10.0, 10.0, 0.0], "new_budget": [0.0, 12.0, 8.0, 10.0, 0.0]})
    assert real_exports._plan_actions(plans).tolist() == ["pause", "raise", "cut", "hold", "hold"]


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason=f"the real exports are not here ({REAL})")
def test_every_real_export_plans_or_refuses_and_passes_every_check(capsys):
    code = real_exports.main(["--dir", str(REAL)])
    table = capsys.readouterr().out
    assert code == 0, table
