"""benchmarks/plan_end_to_end.py: a generated 直通车 report planned in a child process, phase by phase, with its peak."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from tests.paths import ROOT, script

end_to_end = script(ROOT / "benchmarks" / "plan_end_to_end.py", "plan_end_to_end_benchmark")


@pytest.mark.slow
def test_the_plan_is_timed_by_phase_and_its_peak_is_its_own_not_the_generators(monkeypatch, capsys):
    """The child is forked from this process: its getrusage peak would be this process's GiB; VmHWM is its own."""
    held = np.ones(2**27)   # 1 GiB in this process, the generator's side
    monkeypatch.setattr(sys, "argv", ["plan_end_to_end.py", "--keywords", "120", "--days", "7"])
    end_to_end.main()
    out = capsys.readouterr().out
    assert re.search(r"planned 1\d\d keywords from [\d,]+ rows: optimal", out)
    for phase in ("read and validate", "estimate", "solve", "write", "total", "process (wall)"):
        assert re.search(rf"^  {re.escape(phase)} +[\d.]+ s", out, re.MULTILINE), phase
    peak_mib = float(re.search(r"peak memory \(RSS\) ([\d,]+) MiB", out).group(1).replace(",", ""))
    assert 50 < peak_mib < 0.5 * held.nbytes / 2**20
