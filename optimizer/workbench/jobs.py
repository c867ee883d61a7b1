"""Work in the pool that a page can watch: reading uploads and planning, phase by phase.

The library says what it is doing through :mod:`optimizer.progress` (the hook the command
line's progress display listens to); :class:`Watched` keeps those phases for the progress
page. A request that starts a job waits for it a little (:data:`PROGRESS_AFTER_SECONDS`): a
quick job answers as before, a longer one sends the browser to its progress page, which
reloads itself until the job is done and then sends the browser on to what it made.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from optimizer.progress import Progress

#: A job still running after this long gets a progress page.
PROGRESS_AFTER_SECONDS = 1.0


class Watched(Progress):
    """Progress kept for a page: each phase with when it started, and the steps of the current one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.monotonic()
        self._phases: list[tuple[str, float, int | None]] = []
        self._steps = 0

    def phase(self, name: str, total: int | None = None) -> None:
        with self._lock:
            self._phases.append((name, time.monotonic(), total))
            self._steps = 0

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self._steps += steps

    def phases(self) -> list[dict]:
        """Each phase so far: its name, seconds taken (the last one: so far), and steps done of its total."""
        with self._lock:
            phases, steps, now = list(self._phases), self._steps, time.monotonic()
        ends = [start for _, start, _ in phases[1:]] + ([now] if phases else [])
        return [{"name": name, "seconds": end - start, "total": total, "done": steps if index == len(phases) - 1
                 else total, "current": index == len(phases) - 1}
                for index, ((name, start, total), end) in enumerate(zip(phases, ends, strict=True))]

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


def _seen(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()


@dataclass
class Job:
    """One piece of work in the pool: what it is, its progress, and the page of what it makes."""

    #: What it does, as the id of a message in :mod:`optimizer.i18n` ("workbench.job.planning").
    what: str
    future: Future
    progress: Watched
    #: The address of the page showing the job's result.
    address: Callable[[object], str]
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    async def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the job (the event loop keeps serving); whether it is done."""
        watched = asyncio.wrap_future(self.future)
        watched.add_done_callback(_seen)   # its error is the page's to show, not the event loop's to log
        try:
            await asyncio.wait_for(asyncio.shield(watched), seconds)
        except TimeoutError:
            return False
        except BaseException:   # a failed job is done: its error is raised by ``result_address``
            return True
        return True

    def result_address(self) -> str:
        """Where the finished job's result is shown; raises the job's error when it failed."""
        return self.address(self.future.result())
