"""What the last runs' forecasts say about the next one: the correction a plan applies to the floors it aims at.

An operator whose last week came in 2% under the ROI planned aims 2% higher this week. This module
does that from the run history: each past run's forecast of the bids that were applied (spend,
revenue) beside what the reports then showed (spend, revenue, orders, clicks), pooled over the last
:data:`RUNS` runs, gives the share by which the realised ROI fell short of the forecast ROI and
by which the spend overshot its forecast.

Neither figure is taken at face value. A week's revenue is a count of orders times their values,
so its relative error is about ``1 / sqrt(orders)``: a week with 100 orders knows its ROI to ±10% and
says next to nothing about a 2% bias. Each figure is shrunk towards no correction as a normal
posterior mean would shrink it, ``shortfall x PRIOR_SD^2 / (PRIOR_SD^2 + se^2)`` (``PRIOR_SD`` how
large a forecast's bias typically is), and capped at :data:`CAP`. The correction only tightens: a
forecast that came in pessimistic never takes the plan below the user's floor, and a plan that spent
less than forecast keeps the budget as given.

:func:`learn` is pure; the callers (``bidopt plan --db``, the workbench, the backtest's bidopt
policy) gather the outcomes from the run history or their own past weeks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from optimizer.decisions.defaults import Defaults, with_margin
from optimizer.i18n import Said, say
from optimizer.reading.schema import Performance
from optimizer.scenario.scenario_file import Scenario
from optimizer.solver.program import Limits

#: How many past runs are pooled, newest first.
RUNS = 4
#: The typical size of a forecast's bias (a relative error), the prior the observed one is shrunk with.
PRIOR_SD = 0.03
#: The largest correction: floors are aimed at most this much above themselves, budgets this much below.
CAP = 0.10


@dataclass(frozen=True)
class Outcome:
    """One past run's forecast of the bids applied, and what the reports showed for them (same days)."""

    forecast_spend: float
    forecast_revenue: float
    actual_spend: float
    actual_revenue: float
    actual_orders: float
    actual_clicks: float

    def __post_init__(self):
        values = asdict(self)
        bad = {name: value for name, value in values.items() if not (math.isfinite(value) and value >= 0)}
        if bad:
            raise ValueError(f"The figures of an Outcome must be finite and non-negative. Got {bad!r} instead.")

    @classmethod
    def of(cls, forecast: Mapping[str, float], actual: Mapping[str, float]) -> Outcome:
        """From forecast and actual figures by name (spend, revenue; orders and clicks on the actual side)."""
        return cls(float(forecast["spend"]), float(forecast["revenue"]), float(actual["spend"]),
                   float(actual["revenue"]), float(actual["orders"]), float(actual["clicks"]))


@dataclass(frozen=True)
class Feedback:
    """The correction learned from past runs: floors are aimed at ``floor x roi_factor``, budgets at
    ``budget / spend_factor``; both 1 when the forecasts held or the runs say too little."""

    roi_factor: float
    spend_factor: float
    #: Pooled over the runs: forecast and realised ROI, forecast and actual spend, orders and runs behind them.
    forecast_roi: float
    actual_roi: float
    forecast_spend: float
    actual_spend: float
    orders: float
    runs: int

    @property
    def active(self) -> bool:
        return self.roi_factor > 1.0 or self.spend_factor > 1.0

    def to_json(self) -> dict:
        return asdict(self)


NONE = Feedback(1.0, 1.0, float("nan"), float("nan"), 0.0, 0.0, 0.0, 0)


def shrunk(shortfall: float, standard_error: float) -> float:
    """A relative shortfall shrunk by its noise towards 0, then kept within [0, CAP]."""
    weight = PRIOR_SD ** 2 / (PRIOR_SD ** 2 + standard_error ** 2)
    return min(max(shortfall * weight, 0.0), CAP)


def learn(outcomes: Sequence[Outcome]) -> Feedback:
    """The correction from past runs' outcomes (the newest :data:`RUNS` are pooled; none gives no correction).

    Pooled sums weigh each run by its size. The ROI's shortfall ``1 - realised / forecast`` has a
    standard error of ``1 / sqrt(orders)`` (orders are Poisson), the spend's overshoot
    ``actual / forecast - 1`` of ``1 / sqrt(clicks)``; each is shrunk by :func:`shrunk` and the factors
    are ``1 / (1 - shortfall)`` and ``1 + overshoot``.
    """
    kept = list(outcomes)[:RUNS]
    forecast_spend = sum(o.forecast_spend for o in kept)
    forecast_revenue = sum(o.forecast_revenue for o in kept)
    spend, revenue = sum(o.actual_spend for o in kept), sum(o.actual_revenue for o in kept)
    orders, clicks = sum(o.actual_orders for o in kept), sum(o.actual_clicks for o in kept)
    if min(forecast_spend, forecast_revenue, spend) <= 0:
        return NONE
    forecast_roi, actual_roi = forecast_revenue / forecast_spend, revenue / spend
    roi_short = shrunk(1.0 - actual_roi / forecast_roi, 1.0 / math.sqrt(max(orders, 1.0)))
    overshoot = shrunk(spend / forecast_spend - 1.0, 1.0 / math.sqrt(max(clicks, 1.0)))
    return Feedback(min(1.0 / (1.0 - roi_short), 1.0 + CAP), 1.0 + overshoot, forecast_roi, actual_roi,
                    forecast_spend, spend, orders, len(kept))


def aimed(limits: Limits, feedback: Feedback | None, given: Limits) -> tuple[Limits, tuple[Said, ...]]:
    """The limits the plan aims at with the correction, and the sentence that says it (none without feedback).

    ``limits`` are the limits as planned so far (floors perhaps already above themselves,
    :func:`optimizer.decisions.defaults.with_margin`), ``given`` the user's: the sentence names both.
    Floors (the account's and the plans') are aimed at ``x roi_factor``, the budget at ``/ spend_factor``.
    """
    if feedback is None or feedback.runs == 0:
        return limits, ()
    held = replace(limits, min_roi=limits.min_roi * feedback.roi_factor if limits.min_roi else limits.min_roi,
                   plan_min_roi=limits.plan_min_roi * feedback.roi_factor,
                   budget=limits.budget / feedback.spend_factor if limits.budget else limits.budget)
    figures = {"runs": str(feedback.runs), "forecast_roi": f"{feedback.forecast_roi:.2f}",
               "actual_roi": f"{feedback.actual_roi:.2f}", "forecast_spend": f"{feedback.forecast_spend:,.2f}",
               "actual_spend": f"{feedback.actual_spend:,.2f}", "orders": f"{feedback.orders:,.0f}"}
    if not feedback.active:
        return limits, (say("feedback.held", **figures),)
    aims = []
    if feedback.roi_factor > 1.0 and given.min_roi:
        aims.append(say("feedback.floor", floor=f"{given.min_roi:g}", aimed=f"{held.min_roi:.3f}",
                        factor=f"{feedback.roi_factor - 1.0:.1%}"))
    if feedback.roi_factor > 1.0 and (given.plan_min_roi > 0).any():
        aims.append(say("feedback.plan_floors", factor=f"{feedback.roi_factor - 1.0:.1%}"))
    if feedback.spend_factor > 1.0 and given.budget:
        aims.append(say("feedback.budget", budget=f"{given.budget:,.2f}", aimed=f"{held.budget:,.2f}"))
    if not aims:
        return limits, (say("feedback.held", **figures),)
    return held, (say("feedback.aimed", aims=aims, **figures),)


def aim(scenario: Scenario, limits: Limits, performance: Performance,
        feedback: Feedback | None) -> tuple[Limits, tuple[Said, ...]]:
    """The limits a plan aims at, and the notes that say why: floors above themselves by their noise
    (:func:`optimizer.decisions.defaults.with_margin`), then by how the last runs' forecasts turned out
    (:func:`aimed`), unless ``[goal] learn_from_last_run = false``."""
    held, notes = with_margin(scenario, limits, performance)
    if not scenario.goal.learn_from_last_run:
        return held, notes
    corrected, said = aimed(held, feedback, limits)
    return corrected, notes + said


def said(feedback: Feedback | None, notes: Sequence[str]) -> dict | None:
    """summary.json's ``feedback``: the correction's figures and the sentence the plan said of it, when the
    plan aimed by it (none when learning was off, or the corrected limits were out of reach)."""
    note = _learned_note(notes)
    return None if feedback is None or note is None else {**feedback.to_json(), "note": note}


def out_of_reach(chosen: Defaults, notes: Sequence[str]) -> Defaults:
    """The defaults of a plan whose corrected limits were out of reach, so it aimed at them as given: the
    sentence says so instead of the correction (none when the plan had no correction to say)."""
    learned = _learned_note(notes)
    if learned is None:
        return chosen
    return chosen.with_note(say("feedback.out_of_reach", **{name: learned.values[name] for name in (
        "runs", "forecast_roi", "actual_roi", "forecast_spend", "actual_spend", "orders")}))


def _learned_note(notes: Sequence[str]) -> Said | None:
    """The sentence :func:`aimed` said among a plan's notes (None when it said none)."""
    return next((note for note in notes if getattr(note, "message", "").startswith("feedback.")), None)
