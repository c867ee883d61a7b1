"""The limits bidopt sets itself when the scenario gives no account ROI floor.

With no ``min_roi`` (flag or ``[goal]``), a plan keeps the account's ROI at least today's
forecast ROI; and it buys no bid increment whose marginal ROI is under break-even, ``1 / margin``
when ``[goal] margin`` is known, else 1.0 (one unit of revenue back for each unit spent), unless
the ``min_roi`` given is itself under break-even. ``min_roi = 0`` (``--min-roi 0``) turns both off.

The break-even cut enters the program as fewer candidates
(:func:`optimizer.solver.hull.within_marginal_roi`), which is exact and keeps the structured
solver. The floor enters only when the plan without it would break it: a solution that meets
the floor is the optimum with it too (its row is slack, its price zero), so most plans never
carry the row and keep whichever solver fits them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from optimizer.i18n import say
from optimizer.model.margin import MARGIN_Z, roi_error
from optimizer.model.response import Candidates
from optimizer.reading.schema import Performance
from optimizer.scenario.scenario_file import Scenario
from optimizer.solver.hull import within_marginal_roi
from optimizer.solver.program import Limits

#: Break-even marginal ROI when no margin is known: one unit of revenue back per unit of spend.
BREAK_EVEN = 1.0


@dataclass(frozen=True)
class Defaults:
    """Which default limits apply to a plan, and in words, why."""

    #: Account ROI floor set by default (today's forecast ROI), None when none applies.
    floor: float | None
    #: No increment under this marginal ROI is bought; None when the cut is off.
    break_even: float | None
    #: What applied, in sentences for summary.md and summary.json.
    notes: tuple[str, ...]

    @property
    def active(self) -> bool:
        return self.floor is not None or self.break_even is not None

    def with_note(self, note: str, **changes) -> Defaults:
        return replace(self, notes=self.notes + (note,), **changes)

    def to_json(self) -> dict:
        return {"min_roi": self.floor, "break_even_roi": self.break_even, "notes": list(self.notes)}


def forecasts_revenue(scenario: Scenario, performance: Performance) -> bool:
    """Whether the plan forecasts revenue: orders, and revenue or ``[goal] value_per_order`` to value them."""
    return performance.has_orders and (performance.has_revenue or scenario.goal.value_per_order is not None)


def choose(scenario: Scenario, has_revenue: bool, today_spend: float, today_revenue: float) -> Defaults:
    """The defaults of a scenario, given whether revenue is known and today's forecast spend and revenue.

    The floor applies when no ``min_roi`` is given; the break-even cut also under a given floor at or above
    break-even (a floor bounds the average ROI, the cut each increment's). A floor under break-even says
    that increments at a loss are wanted, so it turns the cut off, as ``min_roi = 0`` turns off both.
    """
    goal = scenario.goal
    if goal.min_roi == 0:
        return Defaults(None, None, (say("default.off"),))
    if not has_revenue:
        return Defaults(None, None, () if goal.min_roi else (say("default.no_revenue"),))
    break_even = 1.0 / goal.margin if goal.margin else BREAK_EVEN
    if goal.min_roi is not None and goal.min_roi < break_even:
        return Defaults(None, None, (say("default.no_cut", floor=f"{goal.min_roi:g}", break_even=f"{break_even:.2f}"),))
    source = say("default.margin", margin=f"{goal.margin:g}") if goal.margin else say("default.no_margin")
    notes = [say("default.cut", break_even=f"{break_even:.2f}", source=source)]
    floor = today_revenue / today_spend if goal.min_roi is None and today_spend > 0 and today_revenue > 0 else None
    if floor is not None:
        notes.insert(0, say("default.floor", floor=f"{floor:.2f}"))
    return Defaults(floor, break_even, tuple(notes))


def cut_candidates(candidates: Candidates, defaults: Defaults,
                   limits: Limits) -> tuple[Candidates, Defaults, np.ndarray]:
    """The candidates the program may buy under the break-even cut, the defaults with what it exempted, and
    which units the cut applies to.

    Units whose limits force spend are exempt: plans whose ``min_budget`` is beyond what their
    keywords spend at break-even, and items with ``min_orders`` or ``min_share``: a limit the user
    wrote wins over a default.
    """
    if defaults.break_even is None:
        return candidates, defaults, np.zeros(len(candidates.valid), bool)
    kept = within_marginal_roi(candidates, defaults.break_even)
    exempt = np.zeros(len(kept), bool)
    if limits.plan_names:
        reach = np.where(kept, candidates.spend, 0.0).max(axis=1, initial=0.0)
        plan_reach = np.bincount(limits.plan_of_unit, weights=reach, minlength=len(limits.plan_names))
        short = np.nan_to_num(limits.plan_min_budget, nan=0.0) > plan_reach + 1e-9
        exempt |= short[limits.plan_of_unit]
        for name in np.asarray(limits.plan_names)[short]:
            defaults = defaults.with_note(say("default.plan_budget", name=name))
    if limits.item_names:
        forcing = (np.nan_to_num(limits.item_min_orders) > 0) | (np.nan_to_num(limits.item_min_share) > 0)
        inside = limits.item_of_unit >= 0
        exempt[inside] |= forcing[limits.item_of_unit[inside]]
        for name in np.asarray(limits.item_names)[forcing]:
            defaults = defaults.with_note(say("default.item", name=name))
    kept[exempt] = candidates.valid[exempt]
    return replace(candidates, valid=kept), defaults, ~exempt


def with_margin(scenario: Scenario, limits: Limits, performance: Performance) -> tuple[Limits, tuple[str, ...]]:
    """The limits with each ROI floor given as a number planned above itself by what the history knows of it.

    A floor of ``r`` is planned at ``r (1 + MARGIN_Z se)``, ``se`` the relative standard error of the
    account's (or the plan's) ROI from its orders (:mod:`optimizer.model.margin`), and the notes that say
    so. Floors held with a probability (``min_roi_confidence``) carry their own margin and are left as they are.
    """
    has_floor = bool(limits.min_roi) or bool(np.any(np.nan_to_num(limits.plan_min_roi) > 0))
    if not has_floor or scenario.goal.min_roi_confidence is not None:
        return limits, ()
    error = roi_error(performance.frame, performance.last_date)
    margin, plan_margins = error.margin(), error.plan_margins(limits.plan_names)
    held = replace(limits, min_roi=limits.min_roi * (1.0 + margin) if limits.min_roi else limits.min_roi,
                   plan_min_roi=limits.plan_min_roi * (1.0 + plan_margins))
    notes = []
    if limits.min_roi and margin > 0:
        notes.append(say("default.held", floor=f"{limits.min_roi:g}", held=f"{held.min_roi:.3f}", margin=f"{margin:.1%}",
                         error=f"{error.account:.1%}", z=f"{MARGIN_Z:g}"))
    named = np.nan_to_num(limits.plan_min_roi) > 0
    if named.any() and plan_margins[named].max() > 0:
        notes.append(say("default.plans_held", margin=f"{plan_margins[named].max():.1%}"))
    return held, tuple(notes)
