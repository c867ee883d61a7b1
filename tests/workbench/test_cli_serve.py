"""``bidopt serve``: bad settings are exit 2 before anything listens; the server prints its URL and answers it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from optimizer.cli import main
from tests.paths import ROOT


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command in-process, on a port held busy: should it get as far as serving, it fails instead of waiting."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        argv = argv if "--port" in argv else (*argv, "--port", str(held.getsockname()[1]))
        code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_short_token_is_refused_before_listening(capsys):
    assert run(capsys, "serve", "--token", "short") == (
        2, "", "error: The 'token' parameter of serve must be at least 16 characters long.\n")


def test_bad_numbers_are_listed_at_once(capsys):
    code, out, err = run(capsys, "serve", "--port", "70000", "--max-upload-mb", "0", "--workers", "0")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: The 'port' parameter of serve must be an int in the range [0, 65535]. Got 70000 instead.",
        "error: The 'max_upload_mb' parameter of serve must be a float in the range (0, inf). Got 0.0 instead.",
        "error: The 'workers' parameter of serve must be an int in the range [1, inf). Got 0 instead.",
    ]


def test_a_history_store_that_cannot_open_is_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "serve", "--db", f"sqlite:///{tmp_path}")   # a folder, not a database file
    assert (code, out) == (2, "")
    assert err == f"error: cannot open the history store sqlite:///{tmp_path}: unable to open database file\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_prints_its_url_and_needs_the_token_it_was_given():
    import httpx2

    port, token = _free_port(), "a-token-for-this-test-0123"
    process = subprocess.Popen([sys.executable, "-m", "optimizer", "serve", "--port", str(port), "--token", token],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ)
    try:
        line = process.stdout.readline()
        assert line == f"bidopt workbench: open http://127.0.0.1:{port}/?token={token}\n"
        url = line.split("open ", 1)[1].strip()
        with httpx2.Client(timeout=30) as client:
            for _ in range(100):   # the URL is printed just before the socket listens
                try:
                    refused = client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx2.ConnectError:
                    time.sleep(0.1)
            assert refused.status_code == 401
            page = client.get(url, follow_redirects=True)
        assert page.status_code == 200 and "Plan this week" in page.text
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_scenario_that_cannot_be_read_is_exit_2_with_plans_message(capsys, tmp_path):
    scenario = tmp_path / "weekly.toml"
    scenario.write_text("[goal]\nbudjet = 5\n", encoding="utf-8")
    code, out, err = run(capsys, "serve", str(scenario))
    assert (code, out) == (2, "")
    assert main(["plan", str(scenario), "--no-history", "--quiet"]) == 2
    assert capsys.readouterr().err == err and "Did you mean 'budget'?" in err
