"""The scenario file: what to read, what to aim for, and the limits bids must keep.

A scenario is TOML; report paths in it are relative to the file's folder so a
scenario and its data can be moved together. Every section is a frozen
dataclass that checks itself on creation, and loading a file reports every
problem in it at once, so a person fixes the file in one pass.
"""

from __future__ import annotations

import difflib
import numbers
import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, ClassVar

from optimizer.errors import ScenarioError

#: Tables a scenario file may hold at the top. ``extends`` (another issue) is one more name here.
TOP_LEVEL_KEYS = ("data", "goal", "bids", "plans")
OBJECTIVES = ("revenue", "orders", "clicks", "profit")
ON_BAD_ROWS = ("error", "skip")
#: Names ``[data] columns`` may map a report's headers to.
CANONICAL_COLUMNS = (
    "date", "plan", "ad_group", "keyword", "match_type", "bid", "impressions", "clicks", "spend",
    "orders", "revenue", "plan_budget", "ctr", "cpc", "roi", "acos", "cvr",
)
NO_REPORTS = "No reports to read: list them in [data] reports or pass --report FILE."


class FrozenMap(Mapping):
    """A read-only, hashable mapping, so frozen settings stay hashable and cannot change after checks."""

    def __init__(self, items: Mapping | Iterable = ()):
        self._items = dict(items)

    def __getitem__(self, key: Any) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


def _suggest(word: Any, known: Sequence[str]) -> str:
    """The ' Did you mean ...?' tail naming the nearest known name, or nothing when none is close."""
    close = difflib.get_close_matches(word, known, n=1) if isinstance(word, str) else []
    return f" Did you mean {close[0]!r}?" if close else ""


def _unknown(key: str, where: str, known: Sequence[str]) -> str:
    return f"Unknown key {key!r} {where}.{_suggest(key, known)}"


def _check_value(section: str, name: str, value: Any, rule: tuple[str, Any], optional: bool) -> list[str]:
    """Problems with one setting; ``None`` ("not set") passes only where the default is None.

    A number's ``spec`` is its interval as the message shows it, e.g. ``"[0, 1)"``, so the two cannot disagree.
    """
    kind, spec = rule
    start = f"The {name!r} parameter of {section} must be"
    if kind == "bool":
        return [] if isinstance(value, bool) else [f"{start} a bool (true or false). Got {value!r} instead."]
    if kind == "choice":
        ok = value in spec and isinstance(value, str)
        choices = ", ".join(repr(choice) for choice in spec)
        return [] if ok else [f"{start} one of {choices}. Got {value!r} instead.{_suggest(value, spec)}"]
    if value is None and optional:
        return []
    low, high = (float(bound) for bound in spec[1:-1].split(", "))
    if isinstance(value, numbers.Integral if kind == "int" else numbers.Real) and not isinstance(value, bool):
        if (low <= value if spec[0] == "[" else low < value) and (value <= high if spec[-1] == "]" else value < high):
            return []
    article = "an" if kind == "int" else "a"
    return [f"{start} {article} {kind} in the range {spec}. Got {value!r} instead."]


def _ordered(section: str, values: Mapping[str, Any], low: str, high: str) -> list[str]:
    """A lower limit above its upper limit, checked only when both are valid numbers."""
    pair = values[low], values[high]
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pair) or pair[0] <= pair[1]:
        return []
    got = f"Got {low}={pair[0]!r} and {high}={pair[1]!r} instead."
    return [f"The {low!r} parameter of {section} must be at most {high!r}. {got}"]


class _Section:
    """Checks shared by the sections: per-setting rules, then relations between settings."""

    SECTION: ClassVar[str] = ""
    RULES: ClassVar[dict[str, tuple[str, Any]]] = {}

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        problems = self.check(values, self.SECTION)
        if problems:
            raise ScenarioError(problems)
        for name, (kind, _) in self.RULES.items():
            if kind == "float" and values[name] is not None:
                object.__setattr__(self, name, float(values[name]))

    @classmethod
    def check(cls, values: Mapping[str, Any], section: str) -> list[str]:
        """Every problem with ``values``, labelled with ``section`` (the loader passes a plan's own name)."""
        optional = {f.name: f.default is None for f in fields(cls)}
        problems = [
            message for name, rule in cls.RULES.items()
            for message in _check_value(section, name, values[name], rule, optional[name])
        ]
        return problems + cls._relations(values, section)

    @classmethod
    def _relations(cls, values: Mapping[str, Any], section: str) -> list[str]:
        return []


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) and str(value) != ""


@dataclass(frozen=True)
class DataSettings(_Section):
    """Which reports to read and how; ``columns`` maps a report's own headers to canonical names."""

    reports: tuple[Path, ...] = ()
    period_days: int | None = None
    columns: Mapping[str, str] = field(default_factory=FrozenMap)
    on_bad_rows: str = "error"

    SECTION: ClassVar[str] = "[data]"
    RULES: ClassVar[dict] = {"period_days": ("int", "[1, inf)"), "on_bad_rows": ("choice", ON_BAD_ROWS)}

    def __post_init__(self) -> None:
        super().__post_init__()
        reports = [self.reports] if _is_path(self.reports) else self.reports
        object.__setattr__(self, "reports", tuple(Path(report) for report in reports))
        object.__setattr__(self, "columns", FrozenMap(self.columns))

    @classmethod
    def _relations(cls, values: Mapping[str, Any], section: str) -> list[str]:
        problems = []
        reports, columns = values["reports"], values["columns"]
        listed = isinstance(reports, (list, tuple)) and all(_is_path(report) for report in reports)
        if not (listed or _is_path(reports)):
            problems.append(
                f"The 'reports' parameter of {section} must be a list of file paths. Got {reports!r} instead."
            )
        if not isinstance(columns, Mapping) or not all(isinstance(header, str) for header in columns):
            table = "a table of header = canonical name"
            return problems + [f"The 'columns' parameter of {section} must be {table}. Got {columns!r} instead."]
        for header, target in columns.items():
            if target not in CANONICAL_COLUMNS or not isinstance(target, str):
                hint = _suggest(target, CANONICAL_COLUMNS) or f" Canonical names: {', '.join(CANONICAL_COLUMNS)}."
                problems.append(
                    f"The 'columns' parameter of {section} maps {header!r} to {target!r}, "
                    f"which is not a canonical column name.{hint}"
                )
        return problems


@dataclass(frozen=True)
class Goal(_Section):
    """What the plan maximises and the account-wide limits; ``budget`` None keeps today's forecast spend."""

    objective: str = "revenue"
    budget: float | None = None
    period_days: int = 7
    min_roi: float | None = None
    margin: float | None = None
    value_per_order: float | None = None

    SECTION: ClassVar[str] = "[goal]"
    RULES: ClassVar[dict] = {
        "objective": ("choice", OBJECTIVES), "budget": ("float", "(0, inf)"), "period_days": ("int", "[1, inf)"),
        "min_roi": ("float", "[0, inf)"), "margin": ("float", "(0, 1]"), "value_per_order": ("float", "(0, inf)"),
    }

    @classmethod
    def _relations(cls, values: Mapping[str, Any], section: str) -> list[str]:
        if values["objective"] != "profit" or values["margin"] is not None:
            return []
        return [
            f"The 'margin' parameter of {section} is needed when objective is 'profit': "
            "set the gross margin on revenue, e.g. margin = 0.3."
        ]


@dataclass(frozen=True)
class BidLimits(_Section):
    """How far bids may move in one run, so a plan never swings an account further than a person would."""

    min: float = 0.05
    max: float = 99.0
    max_raise: float = 1.0
    max_cut: float = 0.5
    allow_pause: bool = True
    hold_within: float = 0.05
    increment: float = 0.01

    SECTION: ClassVar[str] = "[bids]"
    RULES: ClassVar[dict] = {
        "min": ("float", "(0, inf)"), "max": ("float", "(0, inf)"), "max_raise": ("float", "[0, inf)"),
        "max_cut": ("float", "[0, 1)"), "allow_pause": ("bool", None), "hold_within": ("float", "[0, 1)"),
        "increment": ("float", "(0, inf)"),
    }

    @classmethod
    def _relations(cls, values: Mapping[str, Any], section: str) -> list[str]:
        return _ordered(section, values, "min", "max")


@dataclass(frozen=True)
class PlanLimits(_Section):
    """Limits for one plan over the planning period; ``locked`` keeps every bid in it as it is."""

    min_budget: float | None = None
    max_budget: float | None = None
    min_roi: float | None = None
    locked: bool = False

    SECTION: ClassVar[str] = "[plans]"
    RULES: ClassVar[dict] = {
        "min_budget": ("float", "[0, inf)"), "max_budget": ("float", "[0, inf)"),
        "min_roi": ("float", "[0, inf)"), "locked": ("bool", None),
    }

    @classmethod
    def _relations(cls, values: Mapping[str, Any], section: str) -> list[str]:
        return _ordered(section, values, "min_budget", "max_budget")


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
        if problems:
            raise ScenarioError(problems)
        object.__setattr__(self, "plans", FrozenMap(plans))
        object.__setattr__(self, "path", None if self.path is None else Path(self.path))

    @property
    def name(self) -> str:
        """A label for outputs: the scenario file's stem, or "plan" when run from flags alone."""
        return self.path.stem if self.path is not None else "plan"

    def with_overrides(
        self, *, reports: Sequence[str | Path] | None = None, budget: float | None = None,
        min_roi: float | None = None, objective: str | None = None,
    ) -> Scenario:
        """A checked copy with command-line flags applied: flags win, ``reports`` replaces the file's list."""
        problems: list[str] = []
        data = self.data if reports is None else _gather(lambda: replace(self.data, reports=reports), problems)
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


def _section(cls: type[_Section], raw: Any, section: str, problems: list[str], folder: Path | None = None) -> Any:
    """Build one section from its TOML table, adding its problems (unknown keys and values) to ``problems``."""
    if not isinstance(raw, dict):
        problems.append(f"{section} must be a table. Got {raw!r} instead.")
        return None
    defaults = cls()
    known = [f.name for f in fields(cls)]
    problems.extend(_unknown(key, f"in {section}", known) for key in raw if key not in known)
    values = {name: raw.get(name, getattr(defaults, name)) for name in known}
    if folder is not None:  # reports are relative to the scenario's folder, so the two move together
        reports = [values["reports"]] if _is_path(values["reports"]) else values["reports"]
        if isinstance(reports, list) and all(_is_path(report) for report in reports):
            values["reports"] = [folder / Path(report).expanduser() for report in reports]
    found = cls.check(values, section)
    problems.extend(found)
    return None if found else cls(**values)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file, raising one ScenarioError that lists every problem in it."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_bytes().decode("utf-8-sig"))  # -sig: Notepad saves a BOM
    except FileNotFoundError:
        raise ScenarioError(["Scenario file not found."], file=str(path)) from None
    except OSError as error:
        raise ScenarioError([f"Cannot read the scenario file: {error.strerror}."], file=str(path)) from None
    except UnicodeDecodeError:
        raise ScenarioError(["The scenario file is not UTF-8 text: save it as UTF-8."], file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([f"Not valid TOML: {error}."], file=str(path)) from None
    unknown = [key for key in document if key not in TOP_LEVEL_KEYS]
    problems = [_unknown(key, "at the top of the file", TOP_LEVEL_KEYS) for key in unknown]
    data = _section(DataSettings, document.get("data", {}), "[data]", problems, folder=path.parent)
    goal = _section(Goal, document.get("goal", {}), "[goal]", problems)
    bids = _section(BidLimits, document.get("bids", {}), "[bids]", problems)
    plans = {}
    raw_plans = document.get("plans", {})
    if not isinstance(raw_plans, dict):
        problems.append(f"[plans] must be a table. Got {raw_plans!r} instead.")
        raw_plans = {}
    for name, raw in raw_plans.items():
        if not isinstance(raw, dict):
            shape = '[plans] holds one table per plan, like [plans."Plan name"].'
            problems.append(f"{shape} Got {name!r} = {raw!r} instead.")
        elif not name:
            problems.append("Plan names in [plans] must not be empty.")
        else:
            plans[name] = _section(PlanLimits, raw, f'[plans."{name}"]', problems)
    if problems:
        raise ScenarioError(problems, file=str(path))
    return Scenario(data=data, goal=goal, bids=bids, plans=plans, path=path)
