"""Only regular files, within caps the user can raise: FIFOs, /dev/zero and XLSX bombs exit 2 at once."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
import zipfile

import pytest

from optimizer.cli import main
from optimizer.errors import InputDataError
from optimizer.reading.limits import ReadLimits, check_zipped
from optimizer.reading.report_file import read_report
from tests.paths import ROOT

SAMPLE = ROOT / "scenarios" / "data" / "ztc_keywords.csv"
ROW = b"<row>" + b"".join(b'<c r="A1" t="s"><v>0</v></c>' for _ in range(50)) + b"</row>"


def _xlsx(path, xml_mb: float):
    """An archive shaped like an XLSX whose one sheet unpacks to ``xml_mb`` MB of cells (a few MB packed)."""
    chunk = ROW * 4000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < xml_mb * (1 << 20):
                sheet.write(chunk)
                written += len(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return _xlsx(tmp_path_factory.mktemp("bomb") / "report.xlsx", 600)


def _run(capsys, *argv):
    started = time.monotonic()
    code = main([str(arg) for arg in argv])
    return code, capsys.readouterr().err, time.monotonic() - started


def test_a_fifo_report_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    fifo = tmp_path / "report.csv"
    os.mkfifo(fifo)
    code, err, seconds = _run(capsys, "plan", "--report", fifo, "--out", tmp_path / "out", "--quiet")
    assert code == 2 and seconds < 15
    assert err.startswith("error: report.csv: is a FIFO (named pipe), not a regular file")
    assert not (tmp_path / "out").exists()


def test_a_device_behind_a_report_name_is_refused(tmp_path):
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    with pytest.raises(InputDataError, match=r"zero.csv: is a device, not a regular file"):
        read_report(tmp_path / "zero.csv")


def test_a_scenario_extending_dev_zero_exits_2_at_once(tmp_path, capsys):
    scenario = tmp_path / "weekly.toml"
    scenario.write_text('extends = "/dev/zero"\n', encoding="utf-8")
    code, err, seconds = _run(capsys, "plan", scenario, "--quiet")
    assert code == 2 and seconds < 15
    assert err == "error: /dev/zero: is a device, not a regular file: bidopt reads only regular files. " \
                  "Give the path of a file saved on disk.\n"


def test_a_report_past_the_size_cap_names_the_cap_and_how_to_raise_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BIDOPT_MAX_REPORT_MB", "0.01")
    code, err, _ = _run(capsys, "plan", "--report", SAMPLE, "--out", tmp_path / "out", "--quiet")
    assert code == 2 and not (tmp_path / "out").exists()
    assert re.match(r"error: ztc_keywords.csv: is [\d.]+ MB, larger than the 0.01 MB limit\. If the file is right, "
                    r"raise the cap: set BIDOPT_MAX_REPORT_MB \(for example BIDOPT_MAX_REPORT_MB=0.02\)\.", err)
    monkeypatch.setenv("BIDOPT_MAX_REPORT_MB", "10")
    assert _run(capsys, "plan", "--report", SAMPLE, "--out", tmp_path / "out", "--quiet", "--no-history")[0] == 0


def test_a_large_scenario_file_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BIDOPT_MAX_SCENARIO_MB", "0.001")
    scenario = tmp_path / "weekly.toml"
    scenario.write_text(f'[data]\nreports = ["{SAMPLE.as_posix()}"]\n' + "# padding\n" * 200, encoding="utf-8")
    code, err, _ = _run(capsys, "plan", scenario, "--quiet")
    assert code == 2 and err.startswith(f"error: {scenario}: is 2,0")
    assert "bytes, larger than the 0.001 MB limit. If the file is right, raise the cap: set BIDOPT_MAX_SCENARIO_MB" in err


def test_a_bad_cap_is_named():
    with pytest.raises(InputDataError, match=r"BIDOPT_MAX_XLSX_CELLS must be a positive number. Got -1 instead"):
        ReadLimits(max_xlsx_cells=-1)


def test_an_xlsx_with_too_many_cells_is_refused_before_parsing(tmp_path):
    path = _xlsx(tmp_path / "report.xlsx", 1)
    with pytest.raises(InputDataError, match=r"report.xlsx: holds more than 1,000 cells, the limit for spreadsheets. "
                                             r"If the file is right, raise the cap: set BIDOPT_MAX_XLSX_CELLS"):
        check_zipped(path, ReadLimits(max_xlsx_cells=1000))
    check_zipped(path, ReadLimits())


@pytest.mark.slow
def test_an_xlsx_bomb_exits_2_in_seconds_and_under_1_gib(bomb, tmp_path):
    # the child's own peak, its VmHWM (Linux): its ru_maxrss keeps the high-water mark of the test worker it was
    # forked from, which the exec does not reset
    code = ("import re, sys\nfrom optimizer.cli import main\ncode = main(sys.argv[1:])\n"
            "status = open('/proc/self/status').read()\n"
            "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\nsys.exit(code)\n")
    started = time.monotonic()
    child = subprocess.run([sys.executable, "-c", code, "plan", "--report", str(bomb), "--out", str(tmp_path / "out"),
                            "--quiet", "--no-history"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    seconds = time.monotonic() - started
    lines = child.stderr.splitlines()
    assert child.returncode == 2, child.stderr
    assert re.match(r"error: report.xlsx: unpacks to 60\d MB of XML, above the 512 MB limit for spreadsheets\. If "
                    r"the file is right, raise the cap: set BIDOPT_MAX_XLSX_MB \(for example BIDOPT_MAX_XLSX_MB=1024\)",
                    lines[0])
    peak_kib = int(lines[-1])
    assert seconds < 30 and peak_kib < (1 << 20), (seconds, peak_kib)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_harvest_refuses_a_fifo_before_looking_for_its_currency(tmp_path, capsys):
    fifo = tmp_path / "terms.csv"
    os.mkfifo(fifo)
    code, err, seconds = _run(capsys, "harvest", "--report", fifo, "--bulk", tmp_path / "bulk.xlsx", "--out",
                              tmp_path / "out")
    assert code == 2 and seconds < 15
    assert err.startswith("error: terms.csv: is a FIFO (named pipe), not a regular file")
