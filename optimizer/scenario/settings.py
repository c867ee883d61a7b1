"""The sections of a scenario file, each a frozen dataclass that checks itself on creation.

Checks use scikit-learn's message shape ("The 'max_cut' parameter of [bids] must be
a float in the range [0, 1). Got 1.5 instead.") and every section reports all of its
problems at once; :mod:`optimizer.scenario.scenario_file` assembles the sections into a Scenario.
"""

from __future__ import annotations

import difflib
import numbers
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from optimizer.errors import ScenarioError
from optimizer.reading.headers import ALIASES
from optimizer.reading.schema import ON_BAD_ROWS

OBJECTIVES = ("revenue", "orders", "clicks", "profit")
#: Names ``[data] columns`` may map a report's headers to: the columns the reader knows.
CANONICAL_COLUMNS = tuple(ALIASES)


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
    if kind == "names":
        ok = isinstance(value, (list, tuple)) and all(isinstance(item, str) and item for item in value)
        return [] if ok else [f"{start} a list of names or glob patterns. Got {value!r} instead."]
    if value is None and optional:
        return []
    if kind == "choice":
        ok = value in spec and isinstance(value, str)
        choices = ", ".join(repr(choice) for choice in spec)
        return [] if ok else [f"{start} one of {choices}. Got {value!r} instead.{_suggest(value, spec)}"]
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
    #: Probability with which the ROI floors must hold under the estimates' uncertainty (None: in expectation).
    min_roi_confidence: float | None = None
    #: Aim the floors and budget by how the last runs' forecasts turned out (:mod:`optimizer.decisions.feedback`).
    learn_from_last_run: bool = True

    SECTION: ClassVar[str] = "[goal]"
    RULES: ClassVar[dict] = {
        "objective": ("choice", OBJECTIVES), "budget": ("float", "(0, inf)"), "period_days": ("int", "[1, inf)"),
        "min_roi": ("float", "[0, inf)"), "margin": ("float", "(0, 1]"), "value_per_order": ("float", "(0, inf)"),
        "min_roi_confidence": ("float", "[0.5, 1)"), "learn_from_last_run": ("bool", None),
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


#: What an [adjust] entry can scale, and what it means.
ADJUSTABLE = ("cpc", "volume", "ctr", "cvr", "order_value")
ITEM_ROLES = ("traffic", "profit", "image")


@dataclass(frozen=True)
class Adjustment(_Section):
    """A what-if change to the forecast, by multipliers, for the units the filters match (all when empty).

    ``cpc`` is auction pressure (1.3 in Double 11), ``volume`` search traffic, ``ctr``,
    ``cvr`` and ``order_value`` what a promotion or a price cut does to each click.
    Filters are exact names or glob patterns (``"女装-*"``) on plan, item (ad group)
    and keyword; a unit must match every filter given.
    """

    cpc: float = 1.0
    volume: float = 1.0
    ctr: float = 1.0
    cvr: float = 1.0
    order_value: float = 1.0
    plans: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    SECTION: ClassVar[str] = "[adjust]"
    RULES: ClassVar[dict] = {
        **{name: ("float", "(0, inf)") for name in ADJUSTABLE},
        "plans": ("names", None), "items": ("names", None), "keywords": ("names", None),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("plans", "items", "keywords"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class ItemLimits(_Section):
    """Limits for one item (宝贝 / ad group) over the planning period.

    ``stock`` caps the orders the plan may buy for it (don't buy traffic for what is
    about to sell out), ``min_orders`` forces clearance of slow stock, ``min_share``
    keeps at least that share of the spend on it (an image item, 形象款).
    """

    stock: float | None = None
    min_orders: float | None = None
    role: str | None = None
    min_share: float | None = None

    SECTION: ClassVar[str] = "[items]"
    RULES: ClassVar[dict] = {
        "stock": ("float", "[0, inf)"), "min_orders": ("float", "[0, inf)"),
        "role": ("choice", ITEM_ROLES), "min_share": ("float", "[0, 1)"),
    }

    @classmethod
    def _relations(cls, values: Mapping[str, Any], section: str) -> list[str]:
        return _ordered(section, values, "min_orders", "stock")
