"""The progress display: the library reports phases through a hook; the CLI shows them on stderr only."""

from __future__ import annotations

import io
import re
import shutil
import threading

import pytest

from optimizer import cli
from optimizer.cli.progress import StderrProgress
from optimizer.decisions.plan import make_plan
from optimizer.history import store as history
from optimizer.outputs import html_report
from optimizer.progress import Progress
from optimizer.scenario.scenario_file import load_scenario
from tests.paths import SCENARIOS


class Recorder(Progress):
    def __init__(self):
        self.events = []

    def phase(self, name, total=None):
        self.events.append(("phase", name, total))

    def advance(self, steps=1):
        self.events.append(("advance", steps))


def test_make_plan_reports_each_phase_in_order_and_prints_nothing(capsys):
    recorder = Recorder()
    make_plan(load_scenario(SCENARIOS / "weekly.toml"), progress=recorder)
    assert [name for _, name, _ in recorder.events] == ["read and validate", "estimate", "build", "solve", "explain"]
    assert capsys.readouterr() == ("", "")


def test_plain_lines_with_a_bar_for_counted_work():
    stream = io.StringIO()
    with StderrProgress(stream, force=True) as progress:
        progress.phase("estimate")
        progress.phase("accounts", total=4)
        for _ in range(4):
            progress.advance()
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("s  estimate")
    assert lines[1].endswith("accounts  [....................] 0/4")
    assert lines[-1].endswith("accounts  [####################] 4/4")


def test_quick_runs_show_nothing_unless_forced():
    stream = io.StringIO()
    with StderrProgress(stream) as progress:   # not a terminal, well under two seconds
        progress.phase("estimate")
        progress.advance()
    assert stream.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_one_line_redrawn_and_cleared():
    stream = Terminal()
    with StderrProgress(stream, force=True) as progress:
        progress.phase("solve")
        progress.phase("explain")
    text = stream.getvalue()
    assert "\n" not in text and text.count("\r") >= 3
    assert "solve" in text and "explain" in text and text.endswith("\r")


@pytest.mark.parametrize("flags, shown", [(["--progress"], True), (["--progress", "--quiet"], False), ([], False)])
def test_plan_shows_progress_on_stderr_never_on_stdout(tmp_path, capsys, flags, shown):
    shutil.copytree(SCENARIOS, tmp_path / "scenarios", ignore=shutil.ignore_patterns("out"))
    code = cli.main(["plan", str(tmp_path / "scenarios" / "weekly.toml"), "--out", str(tmp_path / "out"),
                     "--no-history", *flags])
    out, err = capsys.readouterr()
    assert code == 0
    assert "bidopt:" not in out and out.startswith("plan: spend")
    phases = ("read and validate", "estimate", "build", "solve", "explain", "report", "write")
    assert all(f"s  {phase}" in err for phase in phases) is shown


def test_the_plan_shows_record_while_it_waits_for_the_run_recorded_beside_the_report(tmp_path, capsys, monkeypatch):
    shutil.copytree(SCENARIOS, tmp_path / "scenarios", ignore=shutil.ignore_patterns("out"))
    reported, insert, report = threading.Event(), history.insert, html_report.plan_report

    def slow_insert(connection, table, rows, until=None):   # the rows go in for longer than the report takes
        if table is history.plan_budgets:
            assert reported.wait(60)
        insert(connection, table, rows, until)

    def plan_report(*args, **kwargs):
        made = report(*args, **kwargs)
        reported.set()
        return made

    monkeypatch.setattr(history, "insert", slow_insert)
    monkeypatch.setattr(html_report, "plan_report", plan_report)
    monkeypatch.setattr("optimizer.cli.common.SLOW_RUN_SECONDS", 0.0)
    code = cli.main(["plan", str(tmp_path / "scenarios" / "weekly.toml"), "--out", str(tmp_path / "out"),
                     "--db", f"sqlite:///{tmp_path / 'history.sqlite'}", "--progress"])
    err = capsys.readouterr().err
    assert code == 0
    assert err.index("s  report") < err.index("s  record") < err.index("s  write")
    assert re.search(r", report [\d.]+ s, write [\d.]+ s, record \(beside report and write\) [\d.]+ s, "
                     r"wait for record [\d.]+ s\n$", err)


def test_the_phase_clock_times_each_phase_announces_the_next_and_releases_what_it_freed(monkeypatch):
    import optimizer.progress as progress_module

    released, heard = [], []
    monkeypatch.setattr(progress_module, "release_freed", lambda: released.append(True))

    class Heard(progress_module.Progress):
        def phase(self, name, total=None):
            heard.append(name)

    timings = {}
    clock = progress_module.PhaseClock(timings, Heard())
    clock.lap("build", "solve")
    clock.lap("solve")
    assert list(timings) == ["build", "solve"] and all(seconds >= 0 for seconds in timings.values())
    assert heard == ["solve"] and len(released) == 2

