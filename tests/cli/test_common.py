"""The options every planning command shares: the data settings as flags, so a one-liner needs no file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from optimizer.cli import main
from tests.paths import ROOT


def undated_report(path: Path, seed: int = 5) -> Path:
    """A campaign report without a date column, its conversions under a header no alias knows, one bad row."""
    rng = np.random.default_rng(seed)
    lines = ["Campaign,Impressions,Clicks,Cost,Buys,Revenue"]
    for plan in range(6):
        clicks = int(rng.integers(50, 400))
        orders = int(rng.integers(1, 20))
        lines.append(f"Plan {plan},{clicks * 30},{clicks},{clicks * 0.8:.2f},{orders},{orders * 40.0:.2f}")
    lines.append("Plan 9,100,5,oops,0,0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", ["plan", "frontier"])
def test_every_data_setting_is_a_flag(command, tmp_path, capsys):
    report = undated_report(tmp_path / "campaigns.csv")
    extra = ["--no-history"] if command == "plan" else ["--points", "3"]
    code, _, err = run(capsys, command, "--report", report, "--period-days", "28", "--columns", "Buys=orders",
                       "--on-bad-rows", "skip", "--out", tmp_path / "out", "--quiet", *extra)
    assert code == 0, err
    if command == "plan":
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        assert summary["history_days"] == 28
        assert any("skipped 1 row with unreadable spend (row 8)" in warning for warning in summary["warnings"])


def test_compare_takes_the_data_flags_for_every_scenario(tmp_path, capsys):
    report = undated_report(tmp_path / "campaigns.csv")
    scenarios = []
    for name, budget in (("low", 300), ("high", 600)):
        path = tmp_path / f"{name}.toml"
        path.write_text(f"[goal]\nbudget = {budget}\n", encoding="utf-8")
        scenarios.append(path)
    code, out, err = run(capsys, "compare", *scenarios, "--report", report, "--period-days", "28", "--columns",
                         "Buys=orders", "--on-bad-rows", "skip", "--out", tmp_path / "out")
    assert code == 0, err
    assert "low" in out and "high" in out and (tmp_path / "out" / "compare.csv").exists()


def test_without_the_flags_the_message_names_them(tmp_path, capsys):
    report = undated_report(tmp_path / "campaigns.csv")
    code, out, err = run(capsys, "plan", "--report", report, "--out", tmp_path / "out", "--no-history")
    assert code == 2 and out == ""
    assert "--period-days" in err and "--on-bad-rows skip" in err
    assert not (tmp_path / "out").exists()


def test_a_column_flag_without_equals_is_a_usage_error(tmp_path, capsys):
    report = undated_report(tmp_path / "campaigns.csv")
    code, _, err = run(capsys, "plan", "--report", report, "--columns", "Buys")
    assert code == 2
    assert err.startswith("error: argument --columns: 'Buys' is not HEADER=NAME, e.g. \"Conv.=orders\"")


def test_a_column_flag_naming_no_header_of_the_file_names_the_headers(tmp_path, capsys):
    report = undated_report(tmp_path / "campaigns.csv")
    code, _, err = run(capsys, "plan", "--report", report, "--period-days", "7", "--columns", "Sales=revenue",
                       "--out", tmp_path / "out", "--no-history")
    assert code == 2
    assert 'campaigns.csv: --columns or [data] columns names "Sales", which is not a column of this file' in err


def test_a_slow_run_prints_its_phase_times_on_stderr_unless_quiet(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("optimizer.cli.common.SLOW_RUN_SECONDS", 0.0)
    monkeypatch.setattr("optimizer.cli.progress.DELAY_SECONDS", 0.0)
    out = tmp_path / "out"
    assert main(["plan", str(ROOT / "scenarios" / "weekly.toml"), "--out", str(out), "--no-history"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^bidopt: +\d+\.\d s +write$", err, flags=re.M), err
    assert re.search(r"^bidopt: read and validate \d+\.\d s, .* s$", err, flags=re.M), err
    assert main(["plan", str(ROOT / "scenarios" / "weekly.toml"), "--out", str(out), "--no-history", "--quiet"]) == 0
    assert "bidopt:" not in capsys.readouterr().err
