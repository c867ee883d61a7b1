"""The runs: a bounded worker pool, the drafts being read, and the plans held for download.

Reading and planning are the command line's library calls (``scenario_from_reports``,
``prepare``, ``make_plan``, ``plan_frontier``, ``PlanResult.files``, ``plan_report``,
``HistoryStore.record``), run in a pool of a few threads so the pages stay
responsive; when every worker is taken and the queue is full, :class:`Busy`.
Each upload gets a private folder (mode 0700) that goes when its draft goes.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from optimizer.decisions.plan import PlanResult, Prepared, make_plan, plan_frontier, prepare
from optimizer.errors import BidoptError
from optimizer.history.forecast_check import with_history
from optimizer.history.store import HistoryStore
from optimizer.outputs.html_report import plan_report
from optimizer.platforms.amazon_bulk import Bulk, read_bulk
from optimizer.progress import SILENT, Progress
from optimizer.scenario.scenario_file import Scenario, require_reports, scenario_from_reports
from optimizer.solver.frontier import Frontier
from optimizer.workbench.exports import platform_files
from optimizer.workbench.jobs import Job, Watched
from optimizer.workbench.settings import Busy, NotFound, ServeSettings
from optimizer.workbench.sliders import SliderPath, slider_path
from optimizer.workbench.uploads import (
    Today,
    error_as_shown,
    goal_scenario,
    save_bulk,
    save_uploads,
    today,
    whatif_name,
    whatif_scenario,
)
from optimizer.workbench.whatifs import WhatIfs, compare_whatifs, named, saved_toml

#: Drafts (uploads read, not yet planned) and planned runs kept in memory; older ones are let go.
KEPT_DRAFTS, KEPT_RUNS = 32, 64
#: Budgets on the frontier drawn in report.html, as ``bidopt plan`` draws it.
REPORT_FRONTIER_POINTS = 20
RETRY_AFTER_SECONDS = 5


class Pool:
    """A thread pool with at most ``workers + queue`` jobs in it; one more raises :class:`Busy`."""

    def __init__(self, workers: int, queue: int):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bidopt-plan")
        self._slots = threading.BoundedSemaphore(workers + queue)

    def submit(self, work, *args) -> Future:
        if not self._slots.acquire(blocking=False):
            raise Busy(RETRY_AFTER_SECONDS)
        try:
            future = self._executor.submit(work, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Draft:
    """Uploaded exports, read and estimated, waiting for a goal."""

    id: str
    #: The private folder of the uploads (None for the scenario ``bidopt serve`` was started with).
    folder: Path | None
    names: dict[str, str]
    scenario: Scenario
    prepared: Prepared
    today: Today
    #: The Amazon bulk file uploaded with the reports, written back as amazon-bulk.xlsx.
    bulk: Bulk | None = None


@dataclass(frozen=True)
class HeldRun:
    """A planned run, recorded in the history, its files held for download."""

    id: int
    result: PlanResult
    files: dict[str, bytes]
    names: dict[str, str]
    #: The best objective at each budget around the plan's (the curve in report.html), for the budget slider.
    frontier: Frontier
    #: The draft it was planned from, so the page can plan it again at another budget.
    draft_id: str
    #: The sorted increments the budget and ROI-floor sliders re-plan from (None, and why, when the plan has none).
    sliders: SliderPath | None = None
    sliders_note: str = ""


def read_draft(folder: Path, names: dict[str, str], bulk_name: str | None = None,
               progress: Progress = SILENT) -> Draft:
    """Read the saved exports (and bulk file) as ``bidopt plan --report ... --bulk`` would; errors name the files
    as uploaded."""
    scenario = scenario_from_reports([folder / stored for stored in names if stored != bulk_name])
    try:
        bulk = read_bulk(folder / bulk_name) if bulk_name else None
        prepared = prepare(scenario, progress, bids_today=bulk.bids_today if bulk else None)
    except BidoptError as error:
        raise error_as_shown(error, names) from None
    return Draft(secrets.token_urlsafe(12), folder, names, scenario, prepared, today(prepared, names), bulk)


def scenario_draft(scenario: Scenario) -> Draft:
    """The reports of a scenario file read as ``bidopt plan SCENARIO`` reads them, its goal kept for the form."""
    reports = require_reports(scenario)
    names = {path.name: path.name for path in reports}
    prepared = prepare(scenario)
    return Draft(secrets.token_urlsafe(12), None, names, scenario, prepared, today(prepared, names))


def plan_draft(draft: Draft, scenario: Scenario, store: HistoryStore, progress: Progress = SILENT,
               lang: str = "en") -> HeldRun:
    """Plan, check last week's forecast, make the files (upload files too) and record the run, as ``bidopt plan``
    does; errors name the files as uploaded."""
    prepared, check = with_history(store, scenario, draft.prepared)   # aims by how the last forecasts turned out
    try:
        result = make_plan(scenario, prepared, progress=progress, lang=lang,
                           frontier_grid=(0.25, 2.0, REPORT_FRONTIER_POINTS))   # report.html's, read off the solve
        progress.phase("upload files")
        uploads, warnings = platform_files(result, draft.bulk)
    except BidoptError as error:
        raise error_as_shown(error, draft.names) from None
    if check is not None:
        result = replace(result, summary=result.summary.with_forecast_check(check))
    if warnings:
        result = replace(result, summary=result.summary.with_warnings(warnings))
    progress.phase("report")   # each part of the work after the plan is a phase of its own on the progress page
    front = plan_frontier(result, count=REPORT_FRONTIER_POINTS)
    report = plan_report(result, front)
    progress.phase("files")
    files = {**result.files(), **report, **uploads}
    progress.phase("sliders")
    sliders, note = slider_path(result)
    progress.phase("record in the history")
    return HeldRun(store.record(result), result, files, draft.names, front, draft.id, sliders, note)


class Workbench:
    """The registry behind the pages: the store, the pool, drafts and runs by id, the private upload folders."""

    def __init__(self, settings: ServeSettings, store: HistoryStore):
        self.settings, self.store = settings, store
        self.pool = Pool(settings.workers, settings.queue)
        self.root = Path(tempfile.mkdtemp(prefix="bidopt-workbench-"))   # mkdtemp: mode 0700, this user only
        self._lock = threading.Lock()
        self._drafts: OrderedDict[str, Draft] = OrderedDict()
        self._runs: OrderedDict[int, HeldRun] = OrderedDict()
        self._whatifs: OrderedDict[int, WhatIfs] = OrderedDict()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        #: Drafts of the scenario files the workbench was started with: kept while it runs.
        self.opened: dict[str, Draft] = {}

    def open(self, scenario: Scenario) -> Draft:
        """Read a scenario file's reports now (a bad file stops the start) and keep them for planning."""
        draft = scenario_draft(scenario)
        self.opened[draft.id] = draft
        return draft

    def start_upload(self, uploads, bulk=None) -> Job:
        """Save the uploads (and an Amazon bulk file) in a new private folder and start reading them; a bad file
        leaves nothing behind."""
        folder, progress = Path(tempfile.mkdtemp(dir=self.root)), Watched()

        def work() -> Draft:
            try:
                return self.hold(read_draft(folder, names, bulk_name, progress))
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise

        try:
            names = save_uploads(uploads, folder)
            bulk_name = save_bulk(bulk, folder, names) if bulk is not None else None
            future = self.pool.submit(work)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self._watch(Job("workbench.job.reading", future, progress, lambda draft: f"/drafts/{draft.id}"))

    def hold(self, draft: Draft) -> Draft:
        """Keep a draft for planning; the oldest past :data:`KEPT_DRAFTS` goes, with its folder."""
        self._keep(self._drafts, draft.id, draft, KEPT_DRAFTS, lambda old: shutil.rmtree(old.folder, True))
        return draft

    def start_plan(self, draft_id: str, form, lang: str = "en") -> Job:
        """Start planning a draft with the goal form (a bad goal is refused at once); the run is held when done."""
        draft, progress = self.draft(draft_id), Watched()
        scenario = goal_scenario(draft.scenario, form)

        def work() -> HeldRun:
            run = plan_draft(draft, scenario, self.store, progress, lang)
            self._keep(self._runs, run.id, run, KEPT_RUNS)
            return run

        return self._watch(Job("workbench.job.planning", self.pool.submit(work), progress,
                               lambda run: f"/runs/{run.id}"))

    def _watch(self, job: Job) -> Job:
        self._keep(self._jobs, job.id, job, KEPT_RUNS)
        return job

    def job(self, job_id: str) -> Job:
        with self._lock:
            if job_id not in self._jobs:
                raise NotFound("no such job here (the workbench keeps the latest ones)")
            return self._jobs[job_id]

    def start_whatif(self, run_id: int, form, lang: str = "en") -> Job:
        """Start planning one more what-if of the run beside the run and its earlier what-ifs, as ``bidopt compare``
        plans them (a bad form is refused at once); a what-if that cannot be planned is not kept."""
        run, progress = self.held(run_id), Watched()
        draft = self.draft(run.draft_id)   # its files must still be here: compare reads them
        earlier = self.whatifs(run_id)
        scenarios = list(earlier.scenarios) if earlier else [named(run.result.scenario, f"run {run_id}")]
        items = sorted(set(run.result.bids["ad_group"].astype(str))) if "ad_group" in run.result.bids else []
        added = whatif_scenario(scenarios[0], form, items)
        scenarios.append(named(added, whatif_name(form, len(scenarios))))

        def work() -> WhatIfs:
            whatifs = compare_whatifs(scenarios, draft.names, draft.bulk, lang, progress)
            self._keep(self._whatifs, run_id, whatifs, KEPT_RUNS)
            return whatifs

        return self._watch(Job("workbench.job.comparing", self.pool.submit(work), progress,
                               lambda _: f"/runs/{run_id}/whatif"))

    def whatifs(self, run_id: int) -> WhatIfs | None:
        with self._lock:
            return self._whatifs.get(run_id)

    def saved_scenario(self, run_id: int, number: int) -> str:
        """Scenario ``number`` of the run (0: the run's own, then its what-ifs) as a scenario file."""
        run = self.held(run_id)
        whatifs = self.whatifs(run_id)
        scenarios = whatifs.scenarios if whatifs else (named(run.result.scenario, f"run {run_id}"),)
        if not 0 <= number < len(scenarios):
            raise NotFound(f"run {run_id} has no scenario {number}")
        return saved_toml(self.draft(run.draft_id), run_id, scenarios[number])

    def held(self, run_id: int) -> HeldRun:
        """A run held here, or NotFound."""
        run = self.run(run_id)
        if run is None:
            raise NotFound(f"run {run_id} is not held here any more: plan it again to compare what-ifs")
        return run

    def draft(self, draft_id: str) -> Draft:
        if draft_id in self.opened:
            return self.opened[draft_id]
        with self._lock:
            if draft_id not in self._drafts:
                raise NotFound("no such upload here (the workbench keeps the latest ones): upload the files again")
            return self._drafts[draft_id]

    def run(self, run_id: int) -> HeldRun | None:
        """A run planned since the workbench started, or None (older runs are in the history only)."""
        with self._lock:
            return self._runs.get(run_id)

    def _keep(self, table: OrderedDict, key, value, kept: int, let_go=None) -> None:
        with self._lock:
            table[key] = value
            while len(table) > kept:
                _, old = table.popitem(last=False)
                if let_go:
                    let_go(old)

    def close(self) -> None:
        self.pool.close()
        self.store.close()
        shutil.rmtree(self.root, ignore_errors=True)
