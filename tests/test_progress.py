"""The progress display: the library reports phases through a hook; the CLI shows them on stderr only."""

from __future__ import annotations

import io
import shutil

import pytest

from optimizer import cli
from optimizer.cli.progress import StderrProgress
from optimizer.decisions.plan import make_plan
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


def test_recording_the_run_is_a_phase_of_its_own_after_writing(tmp_path, capsys):
    shutil.copytree(SCENARIOS, tmp_path / "scenarios", ignore=shutil.ignore_patterns("out"))
    code = cli.main(["plan", str(tmp_path / "scenarios" / "weekly.toml"), "--out", str(tmp_path / "out"),
                     "--db", f"sqlite:///{tmp_path / 'history.sqlite'}", "--progress"])
    err = capsys.readouterr().err
    assert code == 0
    assert err.index("s  write") < err.index("s  record")
