"""The run's figures as one typed value, :class:`Summary`, written as summary.json.

Before is what the reports say an average planning period spent and earned (their sums spread over
their days), the figure an operator compares a plan against; the pace is the model's forecast at today's
bids (recent days weigh more), the starting point of the program and of a budget left unset; after is the
forecast at the new bids; shadow prices come from the
LP's duals (see :mod:`optimizer.solver.program` for their sign). A summary is built
once, by :func:`build`; later stages add to it (:meth:`Summary.with_warnings`,
:meth:`Summary.with_forecast_check`) and get a new value back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from optimizer.decisions.checks import check
from optimizer.decisions.defaults import Defaults
from optimizer.i18n import say
from optimizer.model.estimate import Elasticity
from optimizer.reading.described import FileRead
from optimizer.scenario.scenario_file import Scenario
from optimizer.solver.feasibility import best_roi, only_rows
from optimizer.solver.program import Limits, Program, Solution

KPI_METRICS = ("impressions", "clicks", "spend", "orders", "revenue")
ACTIONS = ("raise", "cut", "hold", "pause")
#: A binding ROI floor that leaves less than this share of today's spend is worth a warning.
SMALL_SPEND_SHARE = 0.05
#: Per-plan rows whose duals are shadow prices, by row kind (see :meth:`Limits.row_specs`), and their key.
PLAN_SHADOW_KEYS = {"plan_budget_cap": "max_budget", "plan_budget_floor": "min_budget", "plan_min_roi": "min_roi"}


@dataclass(frozen=True)
class Kpis:
    """Sums over the period plus the ratios operators read: ROI, CTR, CPC."""

    impressions: float
    clicks: float
    spend: float
    orders: float
    revenue: float
    roi: float
    ctr: float
    cpc: float

    def objective(self, objective: str, margin: float | None = None) -> float:
        """The objective's value over these figures (profit: margin x revenue - spend)."""
        if objective == "profit":
            return (margin or 0.0) * self.revenue - self.spend
        return float(getattr(self, objective))

    @classmethod
    def of(cls, totals: Mapping[str, float]) -> Kpis:
        """The ratios from the sums; a zero denominator gives 0."""
        sums = {name: float(totals[name]) for name in KPI_METRICS}
        return cls(**sums, roi=sums["revenue"] / sums["spend"] if sums["spend"] > 0 else 0.0,
                   ctr=sums["clicks"] / sums["impressions"] if sums["impressions"] > 0 else 0.0,
                   cpc=sums["spend"] / sums["clicks"] if sums["clicks"] > 0 else 0.0)

    def to_json(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class ShadowPrices:
    """What loosening each limit gains: budget per unit, ROI floors per 0.1, and per plan (plans with a limit)."""

    budget: float
    min_roi: float
    plans: Mapping[str, Mapping[str, float]]

    def to_json(self) -> dict:
        plans = {"plans": {name: dict(entry) for name, entry in self.plans.items()}} if self.plans else {}
        return {"budget": self.budget, "min_roi": self.min_roi, **plans}


@dataclass(frozen=True)
class HeldFloors:
    """What holding the ROI floors at a confidence costs (:func:`optimizer.solver.risk.solve_held`)."""

    confidence: float
    objective_without_margin: float
    cost: float
    cost_share: float
    roi_at_lower_bound: float

    def to_json(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Summary:
    """The run's figures: goal and limits, before and after, shadow prices, actions, what to check."""

    status: str
    solver: str
    level: str
    objective: str
    objective_value: float
    budget: float | None
    budget_source: str
    min_roi: float | None
    period_days: int
    history_days: int
    reports: tuple[str, ...]
    units: int
    before: Kpis
    after: Kpis
    shadow_prices: ShadowPrices
    binding: tuple[str, ...]
    actions: Mapping[str, int]
    elasticities: Mapping[str, Elasticity]
    warnings: tuple[str, ...]
    min_roi_confidence: HeldFloors | None = None
    #: Last run's forecast against what the reports say happened (:mod:`optimizer.history.forecast_check`).
    forecast_check: Mapping | None = None
    #: How each report was read: platform, kind, period, rows kept and skipped, columns used and ignored.
    reading: tuple[FileRead, ...] = ()
    #: The limits bidopt set itself (:mod:`optimizer.decisions.defaults`): floor, break-even, what applied.
    defaults: Defaults | None = None
    #: The lowest marginal ROI cut-off the reasons quote: no increment returning less was bought.
    marginal_cutoff: float | None = None
    #: What to check before uploading, by kind, each with its count and the largest listed
    #: (:mod:`optimizer.decisions.checks`).
    checks: Mapping | None = None
    #: The forecast at today's bids (recent days weigh more): the program's starting point; None: as before.
    pace: Kpis | None = None
    #: The correction learned from the last runs' forecasts and the sentence saying what the plan aimed at
    #: (:mod:`optimizer.decisions.feedback`); None when the plan had none to learn from or learning is off.
    feedback: Mapping | None = None

    @property
    def today(self) -> Kpis:
        """The forecast at today's bids, where the plan starts from (the pace, else before)."""
        return self.pace if self.pace is not None else self.before

    def with_warnings(self, warnings: Iterable[str]) -> Summary:
        """The same summary with ``warnings`` added after its own."""
        return replace(self, warnings=self.warnings + tuple(warnings))

    def with_forecast_check(self, check: Mapping) -> Summary:
        """The same summary carrying the forecast check of the last recorded run."""
        return replace(self, forecast_check=check)

    def to_json(self) -> dict:
        """summary.json's content: plain dicts, lists and numbers."""
        optional = {name: value for name, value in (
            ("min_roi_confidence", self.min_roi_confidence and self.min_roi_confidence.to_json()),
            ("defaults", self.defaults and self.defaults.to_json()),
            ("checks", self.checks),
            ("forecast_check", self.forecast_check), ("feedback", self.feedback)) if value}
        return {
            "reading": [read.to_json() for read in self.reading],
            "status": self.status, "solver": self.solver, "level": self.level, "objective": self.objective,
            "objective_value": self.objective_value, "budget": self.budget, "budget_source": self.budget_source,
            "min_roi": self.min_roi, "period_days": self.period_days, "history_days": self.history_days,
            "reports": list(self.reports), "units": self.units,
            "before": self.before.to_json(), "pace": self.today.to_json(), "after": self.after.to_json(),
            "shadow_prices": self.shadow_prices.to_json(), "binding": list(self.binding),
            "actions": dict(self.actions),
            "elasticities": {name: {"value": figure.value, "source": figure.source}
                             for name, figure in self.elasticities.items()},
            "warnings": list(self.warnings), "marginal_cutoff": self.marginal_cutoff,
            **optional,
        }


def build(scenario: Scenario, prepared, program: Program, solution: Solution, bids: pd.DataFrame, *,
          safety: Mapping[str, float] | None = None, defaults: Defaults | None = None) -> Summary:
    """The summary of a solved plan.

    ``prepared`` (:class:`optimizer.decisions.plan.Prepared`) gives the reports' performance and estimates;
    ``bids`` is the decided table; ``safety`` what the ROI floors' confidence costs
    (:func:`optimizer.solver.risk.solve_held`); ``defaults`` the limits bidopt set itself. The plan adds the
    marginal cut-off (``replace(summary, marginal_cutoff=...)``).
    """
    performance, estimates, limits = prepared.performance, prepared.estimates, program.limits
    goal = scenario.goal
    pace = Kpis.of({name: program.candidates.current[name].sum() for name in KPI_METRICS})
    before = average_period(estimates.units, performance.history_days, goal.period_days)
    after = Kpis.of({name: bids[name].sum() for name in KPI_METRICS})
    checks, to_check = check(bids, performance, estimates.level, goal.period_days)
    return Summary(
        status=solution.status, solver=solution.solver, level=estimates.level, objective=goal.objective,
        objective_value=solution.objective, budget=limits.budget,
        budget_source="scenario" if goal.budget is not None else "today's forecast spend (no budget given)",
        min_roi=limits.min_roi or (defaults.floor if defaults else None), period_days=goal.period_days, history_days=performance.history_days,
        reports=tuple(performance.sources), units=len(bids), before=before, after=after,
        shadow_prices=shadow_prices(solution, limits, bids),
        binding=_binding(solution, bids, estimates.level),
        actions={action: int((bids["action"] == action).sum()) for action in ACTIONS},
        elasticities={"clicks": estimates.clicks_elasticity, "cpc": estimates.cpc_elasticity},
        warnings=_warnings(prepared, bids, solution, limits, (pace, after)) + paused_by_floor(program, bids)
        + to_check,
        min_roi_confidence=HeldFloors(goal.min_roi_confidence, **safety) if safety else None,
        reading=tuple(performance.files),
        defaults=defaults if defaults and defaults.notes else None, checks=checks, pace=pace,
    )


def average_period(units: pd.DataFrame, history_days: int, period_days: int) -> Kpis:
    """What the reports spent and earned in an average planning period: their sums over their days."""
    scale = period_days / max(history_days, 1)
    return Kpis.of({name: float(np.nansum(units[f"observed_{name}"].to_numpy(float))) * scale
                    for name in KPI_METRICS})


def shadow_prices(solution: Solution, limits: Limits, bids: pd.DataFrame) -> ShadowPrices:
    """The duals as prices: per unit of budget, per 0.1 of ROI floor (scaled by the spend it applies to)."""
    duals = solution.duals
    plans: dict[str, dict[str, float]] = {}
    plan_spend = None
    for row, kind, index in limits.row_specs():
        if kind not in PLAN_SHADOW_KEYS or row not in duals:
            continue
        name, price = limits.plan_names[index], duals[row]
        if kind == "plan_min_roi":
            plan_spend = plan_spend or spend_by_plan(bids)
            price = 0.1 * price * plan_spend(name)
        plans.setdefault(name, {})[PLAN_SHADOW_KEYS[kind]] = price
    return ShadowPrices(budget=duals.get("budget", 0.0),
                        min_roi=0.1 * duals.get("min_roi", 0.0) * float(bids["spend"].sum()), plans=plans)


def spend_by_plan(bids: pd.DataFrame):
    """A plan's spend, ``name -> float``, from one stable sort of the plans: each plan's rows in table order.

    The sum of a plan's slice is the sum of its rows taken from the table by name (the same numbers
    in the same order), with one pass over the table however many plans ask.
    """
    codes, names = pd.factorize(bids["plan"], sort=False)
    order = np.argsort(codes, kind="stable")
    spend = bids["spend"].to_numpy(float)[order]
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    where = {name: code for code, name in enumerate(names)}

    def of(name: str) -> float:
        code = where.get(name)
        return 0.0 if code is None else float(np.nansum(spend[bounds[code]:bounds[code + 1]]))
    return of


def _binding(solution: Solution, bids: pd.DataFrame, level: str) -> tuple[str, ...]:
    """The binding rows, and the bid limit when it stopped raises."""
    binding = list(solution.binding)
    if "at_bid_limit" in bids and bids["at_bid_limit"].any():
        what = "keywords" if level == "keyword" else "plans"
        binding.append(f"max_raise ({int(bids['at_bid_limit'].sum())} {what} raised as far as allowed)")
    return tuple(binding)


def _warnings(prepared, bids: pd.DataFrame, solution: Solution, limits: Limits,
              before_after: tuple[Kpis, Kpis]) -> tuple[str, ...]:
    """The reading's and estimation's warnings, keywords without data, and an ROI floor that leaves little to spend."""
    performance, (before, after) = prepared.performance, before_after
    warnings = list(performance.warnings) + list(prepared.estimates.warnings)
    no_data = int((bids["observed_impressions"].fillna(0) <= 0).sum())
    if no_data:
        warnings.append(say("warning.no_impressions", count=no_data, days=performance.history_days))
    if limits.min_roi and "min_roi" in solution.binding and after.spend < SMALL_SPEND_SHARE * before.spend:
        warnings.append(say("warning.floor_leaves_little", floor=f"{limits.min_roi:g}", spend=f"{after.spend:,.2f}",
                            share=f"{after.spend / before.spend:.1%}", today=f"{before.spend:,.2f}"))
    return tuple(warnings)


def paused_by_floor(program: Program, bids: pd.DataFrame) -> tuple[str, ...]:
    """Plans whose own ROI floor left them nothing to spend where they spent today, by name, with what is reachable."""
    limits = program.limits
    floors = np.nan_to_num(limits.plan_min_roi, nan=0.0)
    if not limits.plan_names or not (floors > 0).any():
        return ()
    count = len(limits.plan_names)
    today = np.bincount(limits.plan_of_unit, weights=bids["before_spend"].to_numpy(float), minlength=count)
    after = np.bincount(limits.plan_of_unit, weights=bids["spend"].to_numpy(float), minlength=count)
    warnings = []
    for p in np.flatnonzero((floors > 0) & (today > 0) & (after <= 1e-6 * today)):
        name, floor = limits.plan_names[p], floors[p]
        best = best_roi(replace(program, limits=only_rows(limits, ())), limits.plan_of_unit == p)
        why = (say("warning.plan_floor_unreachable", best=f"{best:.2f}") if best < floor - 1e-9
               else say("warning.plan_floor_cheaper"))
        warnings.append(say("warning.plan_paused_by_floor", name=name, floor=f"{floor:g}", why=why,
                            today=f"{today[p]:,.2f}"))
    return tuple(warnings)
