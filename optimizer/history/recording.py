"""A plan run recorded in a worker thread while its report and files are made and staged.

Once a plan is made, ``bidopt plan`` has three independent things left to do: record the run,
make the report, make the files' text. Recording is mostly the database's own work (SQLite's
``sqlite3_step`` and the WAL writes, PostgreSQL's COPY), which runs without holding Python's GIL,
so it goes on the second core. The worker opens its own connection and transaction (it alone uses
them), inserts the run's rows, and then waits inside the open transaction until the caller hands
it the staged output folder (:meth:`Recording.commit`): ``stamp(run_id, staging)`` gives the staged
files the run's id, the transaction commits, and only then does the caller swap the files in.

Every other ending rolls the run back: the caller's own error, Ctrl-C or :meth:`Recording.cancel`
set the stop event, which ends the inserts at the next chunk or the wait at once; leaving the
``with`` block joins the thread, so none is left running. A recording that fails while the
report is being made keeps its error; the caller raises it at :meth:`Recording.ready` (called before
the files are staged) or :meth:`Recording.commit`, before anything is published.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from optimizer.history.bulk import Stopped


class Recording:
    """``store.record(result)`` in a worker thread, committed when the caller's files are staged.

    ``seconds`` is the recording's own time (inserts, stamp and commit, not its wait for the files);
    ``waited`` the caller's time blocked in :meth:`ready` and :meth:`commit` until the recording was done.
    """

    def __init__(self, store, result, stamp: Callable[[int, Path], None]):
        self.store, self.result, self.stamp = store, result, stamp
        self.run_id: int | None = None
        self.error: BaseException | None = None
        self.seconds = self.waited = 0.0
        self._staging: Path | None = None
        self._handed = threading.Event()   # the caller has given the staged folder, or given up
        self._stop = threading.Event()
        self._rows_in = threading.Event()   # the worker waits for the staged folder, or has ended
        # joined on every way out of the ``with`` block; a daemon only so that a second Ctrl-C, given while
        # the run waits for another run's write lock, still ends the process (the run is then not committed)
        self._thread = threading.Thread(target=self._work, name="bidopt-record", daemon=True)

    def __enter__(self) -> Recording:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()

    def busy(self) -> bool:
        """Whether the rows are still going in (the caller would wait in :meth:`ready`)."""
        return not self._rows_in.is_set()

    def ready(self) -> None:
        """Wait until the run's rows are in, or raise the recording's error: call it before taking the output
        folder's lock. The worker holds the store's write lock (SQLite's) from its first row to its commit, so
        every run takes the two in one order, that lock first: two runs into one folder never wait on each other."""
        clock = time.perf_counter()
        self._rows_in.wait()
        self.waited += time.perf_counter() - clock
        if self.error is not None:
            raise self.error

    def commit(self, staging: Path) -> int:
        """Hand over the staged folder and wait for the commit; the run's id, or the recording's error."""
        self._staging = staging
        self._handed.set()
        clock = time.perf_counter()
        self._thread.join()
        self.waited += time.perf_counter() - clock
        if self.error is not None:
            raise self.error
        return self.run_id

    def cancel(self) -> None:
        """Roll the run back unless it has committed, and wait for the thread to end."""
        self._stop.set()
        self._handed.set()
        if self._thread.is_alive():
            self._thread.join()

    def _work(self) -> None:
        clock, idle = time.perf_counter(), 0.0

        def stamp(run_id: int) -> None:
            nonlocal idle
            self._rows_in.set()
            waiting = time.perf_counter()
            self._handed.wait()
            idle = time.perf_counter() - waiting
            if self._stop.is_set():
                raise Stopped("the run was not published")
            self.stamp(run_id, self._staging)

        try:
            self.run_id = self.store.record(self.result, before_commit=stamp, until=self._stop)
        except Stopped:
            pass
        except BaseException as error:   # raised again in the caller's thread, where it is reported
            self.error = error
        finally:
            self.seconds = time.perf_counter() - clock - idle
            self._rows_in.set()
