"""The scenario file: what to read, what to aim for, and the limits bids must keep.

A scenario is TOML; report paths in it are relative to the file's folder so a
scenario and its data can be moved together. Every section is a frozen
dataclass that checks itself on creation, and loading a file reports every
problem in it at once, so a person fixes the file in one pass.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from optimizer.errors import InputDataError, ScenarioError
from optimizer.reading.limits import read_bytes
from optimizer.scenario.settings import (  # noqa: F401  (re-exported: the sections are part of a scenario's API)
    ADJUSTABLE,
    CANONICAL_COLUMNS,
    OBJECTIVES,
    ON_BAD_ROWS,
    Adjustment,
    BidLimits,
    DataSettings,
    FrozenMap,
    Goal,
    ItemLimits,
    PlanLimits,
    _is_path,
    _Section,
    _unknown,
)

#: Keys a scenario file may hold at the top.
TOP_LEVEL_KEYS = ("extends", "data", "goal", "bids", "plans", "items", "adjust")
NO_REPORTS = "No reports to read: list them in [data] reports or pass --report FILE."


def _gather(build, problems: list[str]) -> Any:
    """Run ``build``; on a ScenarioError keep its problems and return None, so checking goes on."""
    try:
        return build()
    except ScenarioError as error:
        problems.extend(error.problems)
        return None


@dataclass(frozen=True)
class Scenario:
    """One run's settings: the sections, limits per plan by name, and the file they came from."""

    data: DataSettings = field(default_factory=DataSettings)
    goal: Goal = field(default_factory=Goal)
    bids: BidLimits = field(default_factory=BidLimits)
    plans: Mapping[str, PlanLimits] = field(default_factory=FrozenMap)
    path: Path | None = None
    items: Mapping[str, ItemLimits] = field(default_factory=FrozenMap)
    adjust: tuple[Adjustment, ...] = ()

    def __post_init__(self) -> None:
        kinds = {"data": DataSettings, "goal": Goal, "bids": BidLimits}
        problems = [
            f"The {name!r} parameter of Scenario must be a {kind.__name__}. Got {getattr(self, name)!r} instead."
            for name, kind in kinds.items() if not isinstance(getattr(self, name), kind)
        ]
        plans = self.plans
        named = isinstance(plans, Mapping) and all(isinstance(n, str) and n for n in plans)
        if not (named and all(isinstance(limits, PlanLimits) for limits in plans.values())):
            problems.append(
                f"The 'plans' parameter of Scenario must map plan names to PlanLimits. Got {plans!r} instead."
            )
        if not all(isinstance(limits, ItemLimits) for limits in dict(self.items).values()):
            problems.append(f"The 'items' parameter of Scenario must map item names to ItemLimits. Got {self.items!r} instead.")
        if not all(isinstance(entry, Adjustment) for entry in self.adjust):
            problems.append(f"The 'adjust' parameter of Scenario must be Adjustments. Got {self.adjust!r} instead.")
        if problems:
            raise ScenarioError(problems)
        object.__setattr__(self, "items", FrozenMap(self.items))
        object.__setattr__(self, "adjust", tuple(self.adjust))
        object.__setattr__(self, "plans", FrozenMap(plans))
        object.__setattr__(self, "path", None if self.path is None else Path(self.path))

    @property
    def name(self) -> str:
        """A label for outputs: the scenario file's stem, or "plan" when run from flags alone."""
        return self.path.stem if self.path is not None else "plan"

    def with_overrides(
        self, *, reports: Sequence[str | Path] | None = None, budget: float | None = None,
        min_roi: float | None = None, objective: str | None = None, period_days: int | None = None,
        columns: Mapping[str, str] | None = None, on_bad_rows: str | None = None,
    ) -> Scenario:
        """A checked copy with command-line flags applied: flags win, ``reports`` replaces the file's list.

        ``columns`` adds to the file's ``[data] columns`` (a header named in both takes the flag's name).
        """
        problems: list[str] = []
        reading = {"reports": reports, "period_days": period_days, "on_bad_rows": on_bad_rows,
                   "columns": None if columns is None else {**self.data.columns, **columns}}
        reading = {name: value for name, value in reading.items() if value is not None}
        data = _gather(lambda: replace(self.data, **reading), problems) if reading else self.data
        flags = {"budget": budget, "min_roi": min_roi, "objective": objective}
        changes = {name: value for name, value in flags.items() if value is not None}
        goal = _gather(lambda: replace(self.goal, **changes), problems)
        if problems:
            raise ScenarioError(problems)
        return replace(self, data=data, goal=goal)


def require_reports(scenario: Scenario) -> tuple[Path, ...]:
    """The reports to read, or a ScenarioError when neither the file nor the flags name any."""
    if not scenario.data.reports:
        raise ScenarioError([NO_REPORTS], file=None if scenario.path is None else str(scenario.path))
    return scenario.data.reports


def scenario_from_reports(reports: Sequence[str | Path]) -> Scenario:
    """A scenario with defaults everywhere, for a run given only ``--report`` flags."""
    return Scenario(data=DataSettings(reports=reports))


def _section(cls: type[_Section], raw: Any, section: str, problems: list[str]) -> Any:
    """Build one section from its TOML table, adding its problems (unknown keys and values) to ``problems``."""
    if not isinstance(raw, dict):
        problems.append(f"{section} must be a table. Got {raw!r} instead.")
        return None
    defaults = cls()
    known = [f.name for f in fields(cls)]
    problems.extend(_unknown(key, f"in {section}", known) for key in raw if key not in known)
    values = {name: raw.get(name, getattr(defaults, name)) for name in known}
    found = cls.check(values, section)
    problems.extend(found)
    return None if found else cls(**values)


def read_document(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """The TOML of a scenario with its ``extends`` chain merged in, report paths made relative to each file.

    A file that extends another overrides it key by key: tables merge, anything else
    (numbers, lists) replaces. The chain may not loop.
    """
    try:
        document = tomllib.loads(_bounded_text(path))
    except FileNotFoundError:
        raise ScenarioError(["Scenario file not found."], file=str(path)) from None
    except OSError as error:
        raise ScenarioError([f"Cannot read the scenario file: {error.strerror}."], file=str(path)) from None
    except UnicodeDecodeError:
        raise ScenarioError(["The scenario file is not UTF-8 text: save it as UTF-8."], file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([f"Not valid TOML: {error}."], file=str(path)) from None
    data = document.get("data")
    if isinstance(data, dict) and "reports" in data:  # reports are relative to the file that names them
        reports = [data["reports"]] if _is_path(data["reports"]) else data["reports"]
        if isinstance(reports, list) and all(_is_path(report) for report in reports):
            data["reports"] = [str(path.parent / Path(report).expanduser()) for report in reports]
    base = document.pop("extends", None)
    if base is None:
        return document
    if not isinstance(base, str) or not base:
        raise ScenarioError([f"'extends' must name another scenario file. Got {base!r} instead."], file=str(path))
    base_path = (path.parent / base).resolve()
    if base_path in seen + (path.resolve(),):
        raise ScenarioError([f"'extends' loops back to {base}."], file=str(path))
    return _merge(read_document(base_path, seen + (path.resolve(),)), document)


def _bounded_text(path: Path) -> str:
    """A regular file within BIDOPT_MAX_SCENARIO_MB, as text (``extends = "/dev/zero"`` is refused at once)."""
    try:
        raw = read_bytes(path, "max_scenario_mb")
    except InputDataError as error:
        raise ScenarioError([str(problem).removeprefix(f"{path.name}: ") for problem in error.problems],
                            file=str(path)) from None
    return raw.decode("utf-8-sig")   # -sig: Notepad saves a BOM


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _named_tables(cls: type[_Section], raw: Any, table: str, problems: list[str]) -> dict:
    """``[plans."X"]`` / ``[items."X"]``: one section per name."""
    if not isinstance(raw, dict):
        problems.append(f"[{table}] must be a table. Got {raw!r} instead.")
        return {}
    built = {}
    for name, values in raw.items():
        if not isinstance(values, dict):
            problems.append(f'[{table}] holds one table per name, like [{table}."Name"]. Got {name!r} = {values!r} instead.')
        elif not name:
            problems.append(f"Names in [{table}] must not be empty.")
        else:
            built[name] = _section(cls, values, f'[{table}."{name}"]', problems)
    return built


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file (and what it extends), raising one ScenarioError listing every problem."""
    path = Path(path)
    document = read_document(path)
    unknown = [key for key in document if key not in TOP_LEVEL_KEYS]
    problems = [_unknown(key, "at the top of the file", TOP_LEVEL_KEYS) for key in unknown]
    data = _section(DataSettings, document.get("data", {}), "[data]", problems)
    goal = _section(Goal, document.get("goal", {}), "[goal]", problems)
    bids = _section(BidLimits, document.get("bids", {}), "[bids]", problems)
    plans = _named_tables(PlanLimits, document.get("plans", {}), "plans", problems)
    items = _named_tables(ItemLimits, document.get("items", {}), "items", problems)
    raw_adjust = document.get("adjust", [])
    entries = [raw_adjust] if isinstance(raw_adjust, dict) else raw_adjust
    if not isinstance(entries, list):
        problems.append(f"[adjust] must be a table or a list of tables. Got {raw_adjust!r} instead.")
        entries = []
    adjust = [_section(Adjustment, entry, "[adjust]", problems) for entry in entries]
    if problems:
        raise ScenarioError(problems, file=str(path))
    return Scenario(data=data, goal=goal, bids=bids, plans=plans, path=path, items=items, adjust=tuple(adjust))
