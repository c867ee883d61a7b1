"""Many accounts, each planned on its own on a Dask cluster: one folder of outputs each and one summary.

Each scenario is one account (a shop, a profile, an advertiser). Accounts share
nothing, so each is one task: read, estimate, plan and write its files into
``out/<scenario stem>/`` with :func:`optimizer.outputs.publish.publish` (all or none),
on a worker process. An account whose scenario or reports are bad (a
:class:`~optimizer.errors.BidoptError`) or whose limits cannot be met is reported
in ``batch.csv`` / ``batch.json`` with its message; the others go on. Without a
scheduler address a local cluster of processes is started for the batch and closed
after it; with one, the tasks go to that cluster (whose workers must see the same
files at the same paths).
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pandas as pd

from optimizer.errors import BidoptError, InfeasibleError, ScenarioError
from optimizer.i18n import normalise
from optimizer.outputs.files import csv_bytes, json_bytes
from optimizer.outputs.publish import publish
from optimizer.progress import SILENT, Progress

#: An account's status in the summary.
OK, BAD_INPUT, INFEASIBLE = "ok", "bad input", "infeasible"
SUMMARY_COLUMNS = ["account", "status", "spend", "revenue", "roi", "objective_value", "error", "scenario", "out"]


@dataclass(frozen=True)
class AccountOutcome:
    """One account of a batch: its plan's totals after the new bids, or why there is none."""

    account: str
    status: str
    scenario: str
    out: str
    spend: float = float("nan")
    revenue: float = float("nan")
    roi: float = float("nan")
    objective_value: float = float("nan")
    error: str = ""


@dataclass(frozen=True)
class BatchResult:
    """Every account's outcome in the order given, and the summary table."""

    outcomes: tuple[AccountOutcome, ...]

    @property
    def table(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(outcome) for outcome in self.outcomes], columns=SUMMARY_COLUMNS)

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    def files(self) -> dict[str, bytes]:
        """batch.csv and batch.json."""
        data = {"accounts": [asdict(outcome) for outcome in self.outcomes],
                "counts": {status: self.count(status) for status in (OK, BAD_INPUT, INFEASIBLE)}}
        return {"batch.csv": csv_bytes(self.table), "batch.json": json_bytes(data)}


def plan_account(scenario_path: str, out: str, lang: str = "en") -> AccountOutcome:
    """Plan one account and write its files (in ``lang``); a bad scenario or report becomes the outcome, not an
    exception.

    Runs on a Dask worker: takes and returns plain, picklable data.
    """
    from optimizer.decisions.plan import make_plan, plan_frontier
    from optimizer.outputs.html_report import plan_report
    from optimizer.scenario.scenario_file import load_scenario, require_reports

    account = Path(scenario_path).stem
    folder = Path(out) / account
    try:
        scenario = load_scenario(scenario_path)
        require_reports(scenario)
        result = make_plan(scenario, frontier_grid=(0.25, 2.0, 20), lang=lang)
        files = {**result.files(), **plan_report(result, plan_frontier(result, count=20))}
        publish(folder, files)
    except InfeasibleError as error:
        return AccountOutcome(account, INFEASIBLE, scenario_path, "", error=str(error))
    except (BidoptError, OSError) as error:
        return AccountOutcome(account, BAD_INPUT, scenario_path, "", error=str(error))
    after = result.summary.after
    return AccountOutcome(account, OK, scenario_path, str(folder), spend=after.spend, revenue=after.revenue,
                          roi=after.roi, objective_value=float(result.solution.objective))


def run_batch(scenarios: Sequence[str | Path], out: str | Path, *, scheduler: str | None = None,
              workers: int | None = None, progress: Progress = SILENT, lang: str = "en") -> BatchResult:
    """Plan every scenario as its own task and write the summary into ``out``; each account's pages in ``lang``.

    ``scheduler``: the address of a running Dask scheduler (``tcp://host:8786``); None starts a
    local cluster of ``workers`` processes (default: one per core, at most one per account).
    """
    paths = [str(Path(path).resolve()) for path in scenarios]
    _check_accounts(paths)
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    # accounts are written beside ``out`` and published with the summary in one step: a killed batch leaves the
    # previous one whole, and its hidden folder (named with its process id) is removed by the next batch
    _remove_abandoned(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.accounts-{os.getpid()}-", dir=out.parent))
    try:
        outcomes = _plan_all(paths, staging, scheduler, workers, progress, normalise(lang))
        result = BatchResult(tuple(replace(outcome, out=str(out / outcome.account)) if outcome.out else outcome
                                   for outcome in outcomes))
        publish(out, {**_moved(staging), **result.files()})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _plan_all(paths: list[str], staging: Path, scheduler: str | None, workers: int | None,
              progress: Progress, lang: str) -> tuple[AccountOutcome, ...]:
    """Every account planned as one Dask task writing into ``staging``; the outcomes in the order given."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        count = workers or max(1, min(len(paths), os.cpu_count() or 1))
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(scheduler if scheduler is not None else cluster) as client:
            progress.phase("accounts", total=len(paths))
            futures = [client.submit(plan_account, path, str(staging), lang,
                                     key=f"bidopt-plan-{index}-{Path(path).stem}", pure=False)
                       for index, path in enumerate(paths)]
            by_key = {}
            for future in as_completed(futures):
                by_key[future.key] = future.result()
                progress.advance()
            return tuple(by_key[future.key] for future in futures)
    finally:
        if cluster is not None:
            cluster.close()


def _remove_abandoned(out: Path) -> None:
    """Account folders of batches into ``out`` whose process is gone (killed before publishing)."""
    for folder in out.parent.glob(glob.escape(f".{out.name}.accounts-") + "*"):
        pid = folder.name[len(f".{out.name}.accounts-"):].split("-")[0]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass   # another user's live process


def _moved(staging: Path) -> dict[str, Callable[[Path], None]]:
    """Each file the accounts wrote, as a publish entry that moves it into the new folder."""
    return {path.relative_to(staging).as_posix(): lambda target, source=path: os.replace(source, target)
            for path in sorted(staging.rglob("*")) if path.is_file()}


def _check_accounts(paths: list[str]) -> None:
    """Each account writes into the folder named for its scenario's stem: two with one stem would collide."""
    stems = [Path(path).stem for path in paths]
    repeated = sorted({stem for stem in stems if stems.count(stem) > 1})
    if repeated:
        raise ScenarioError([f"several scenarios are named '{stem}' and would write into the same folder; "
                             "rename them so each account has its own" for stem in repeated])
    if not paths:
        raise ScenarioError(["give at least one scenario file"])
