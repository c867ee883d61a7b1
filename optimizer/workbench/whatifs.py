"""What-ifs of a run: scenarios derived from it, planned side by side, each saved as a scenario file.

A run's what-ifs accumulate: each one the form adds is planned with the run's scenario and
the earlier ones, as ``bidopt compare`` plans several scenario files (reports read and
estimated once). Any of them, the run's own scenario too, downloads as a TOML scenario file
that ``bidopt plan`` reads unchanged, its reports named as the person knows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from optimizer.decisions.compare import Comparison, compare
from optimizer.errors import BidoptError
from optimizer.progress import SILENT, Progress
from optimizer.scenario.scenario_file import Scenario
from optimizer.scenario.scenario_toml import scenario_toml
from optimizer.workbench.uploads import error_as_shown


@dataclass(frozen=True)
class WhatIfs:
    """The run's scenario first, then its what-ifs in the order they were added, and their comparison."""

    scenarios: tuple[Scenario, ...]
    comparison: Comparison


def named(scenario: Scenario, name: str) -> Scenario:
    """The scenario labelled ``name`` in the comparison (a scenario's name is its file's stem)."""
    return replace(scenario, path=Path(f"{name}.toml"))


def compare_whatifs(scenarios: list[Scenario], names: dict[str, str], bulk=None, lang: str = "en",
                    progress: Progress = SILENT) -> WhatIfs:
    """Plan every scenario side by side (today's bids from the bulk file, when one came with the reports)."""
    try:
        comparison = compare(scenarios, bids_today=bulk.bids_today if bulk is not None else None, lang=lang,
                             progress=progress)
    except BidoptError as error:
        raise error_as_shown(error, names) from None
    return WhatIfs(tuple(scenarios), comparison)


def report_names(draft) -> list[str]:
    """The draft's reports as a scenario file beside them names them: the uploaded names, or the paths relative to
    the scenario file the workbench was started with."""
    reports = draft.scenario.data.reports
    if draft.folder is not None:
        return [draft.names.get(path.name, path.name) for path in reports]
    home = draft.scenario.path.resolve().parent if draft.scenario.path is not None else Path.cwd()
    return [Path(os.path.relpath(path.resolve(), home)).as_posix() for path in reports]


def saved_toml(draft, run_id: int, scenario: Scenario) -> str:
    """The scenario file of one of the run's scenarios, with a comment on where it goes."""
    reports = report_names(draft)
    beside = (f"the reports ({', '.join(reports)})" if draft.folder is not None
              else f"the scenario file it came from ({draft.scenario.path.name if draft.scenario.path else 'flags'})")
    comment = (f"{scenario.name}: saved by bidopt serve from run {run_id}.\n"
               f"Report paths are relative to this file: keep it beside {beside}.\n"
               "Plan it with: bidopt plan THIS_FILE.toml")
    return scenario_toml(scenario, reports, comment)
