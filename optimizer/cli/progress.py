"""The progress display on stderr: phase, elapsed time, and a bar where the work is counted.

It stays silent for runs shorter than :data:`DELAY_SECONDS` so quick commands print
nothing extra. On a terminal one line is redrawn in place (a ticker thread keeps the
elapsed time moving during a long phase) and cleared at the end; elsewhere (CI logs,
pipes) plain lines are written when a phase starts or a counted step is done, at most
one per :data:`LINE_EVERY_SECONDS` for steps. ``--quiet`` turns it off; ``--progress``
shows it from the start, on a terminal or not. Never written to stdout, which may be data.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from optimizer.progress import Progress

#: Runs shorter than this show no progress.
DELAY_SECONDS = 2.0
#: Plain (non-terminal) lines for counted steps are written at most this often.
LINE_EVERY_SECONDS = 2.0
BAR_WIDTH = 20


class StderrProgress(Progress):
    """Shows the library's phases on ``stream`` (stderr by default)."""

    def __init__(self, stream: TextIO | None = None, *, force: bool = False, delay: float | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = 0.0 if force else (DELAY_SECONDS if delay is None else delay)
        self.started = time.monotonic()
        self.name, self.total, self.done = "", None, 0
        self.last_line = float("-inf")
        self.width = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker = None
        if self.live:
            self.ticker = threading.Thread(target=self._tick, name="bidopt-progress", daemon=True)
            self.ticker.start()

    def phase(self, name: str, total: int | None = None) -> None:
        with self.lock:
            self.name, self.total, self.done = name, total, 0
            self._show(new_phase=True)

    def advance(self, steps: int = 1) -> None:
        with self.lock:
            self.done += steps
            self._show(new_phase=False)

    def close(self) -> None:
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            if self.live and self.width:
                self.stream.write("\r" + " " * self.width + "\r")
                self.stream.flush()
            self.width = 0

    def text(self) -> str:
        """The current line: elapsed time, phase, and the bar with its count when the phase is counted."""
        line = f"bidopt: {time.monotonic() - self.started:5.1f} s  {self.name}"
        if self.total:
            filled = round(BAR_WIDTH * min(self.done, self.total) / self.total)
            line += f"  [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total}"
        return line

    def _tick(self) -> None:
        while not self.stop.wait(0.25):
            with self.lock:
                self._show(new_phase=False, tick=True)

    def _show(self, *, new_phase: bool, tick: bool = False) -> None:
        now = time.monotonic()
        if not self.name or now - self.started < self.delay or self.stop.is_set():
            return
        line = self.text()
        if self.live:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = max(self.width, len(line))
        elif tick:
            return
        elif new_phase or self.total and (self.done >= self.total or now - self.last_line >= LINE_EVERY_SECONDS):
            self.stream.write(line + "\n")
            self.last_line = now
        self.stream.flush()


def progress_for(args) -> Progress:
    """The display the flags ask for: none with --quiet, from the start with --progress, else after a while."""
    from optimizer.progress import SILENT

    if getattr(args, "quiet", False):
        return SILENT
    return StderrProgress(force=getattr(args, "progress", False))
