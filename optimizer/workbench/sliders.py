"""The budget and ROI-floor sliders: the plan's sorted increments, sent to the browser to re-plan as they move.

The structured solver's optimum at any budget and account ROI floor is a prefix of the
same hull increments sorted by efficiency (:mod:`optimizer.solver.structured`): moving
either slider only moves where the prefix ends. :func:`slider_path` takes that path from
the plan's own program, with per increment its spend, revenue and objective gain, its
keyword and the part of the keyword's hull step it is; per keyword the hull vertices'
actions (raise, cut, hold, pause). :meth:`SliderPath.at` is the re-plan; ``static/sliders.js``
runs the same steps on the same arrays in the browser (:meth:`SliderPath.to_bytes`).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, replace

import numpy as np

from optimizer.decisions.defaults import Defaults, choose, forecasts_revenue
from optimizer.decisions.summary import ACTIONS
from optimizer.i18n import say
from optimizer.model.margin import roi_error
from optimizer.model.response import STEPS
from optimizer.solver.hull import within_marginal_roi
from optimizer.solver.increments import build_path
from optimizer.solver.program import FEAS_TOL, Program
from optimizer.solver.structured import check

#: Objectives whose increments are sorted by revenue per spend, so an ROI floor only cuts the path.
ROI_OBJECTIVES = ("revenue", "profit")
PAUSE = ACTIONS.index("pause")
#: The arrays sent, in order, with their types (little-endian, as typed arrays read them). The increments' spend,
#: revenue and value go as float32 (:meth:`SliderPath.as_sent`), ``value`` only when it is not the revenue; a step
#: only where a plan limit cut it (``step_at``, ``step_part``), the others are 1.
ARRAYS = {"spend": "<f4", "revenue": "<f4", "value": "<f4", "unit": "<i4", "step_at": "<i4", "step_part": "<f8",
          "base_steps": "<f8", "vertex_start": "<i4", "vertex_action": "u1", "plan_of_unit": "<i4",
          "base_plan_spend": "<f8", "base_plan_revenue": "<f8"}


@dataclass(frozen=True)
class SliderPath:
    """The plan's optional increments in order of efficiency, and what each keyword's hull vertices mean."""

    spend: np.ndarray
    revenue: np.ndarray
    value: np.ndarray
    unit: np.ndarray
    #: The part of its keyword's hull step each increment is (1 unless a plan limit cut it).
    step: np.ndarray
    #: Hull steps each keyword has taken at the start (its base vertex plus increments forced by plan floors).
    base_steps: np.ndarray
    vertex_start: np.ndarray
    #: Per hull vertex, the index in ACTIONS of the action that choosing it is.
    vertex_action: np.ndarray
    plan_of_unit: np.ndarray
    base_plan_spend: np.ndarray
    base_plan_revenue: np.ndarray
    base: dict[str, float]
    #: How many increments still raise the objective (the path past them only costs).
    rising: int
    tol: float
    #: Whether the ROI floor may move (the objective is revenue or profit).
    roi: bool
    #: What bidopt sets itself without a min_roi (:mod:`optimizer.decisions.defaults`): the floor (today's ROI)
    #: and the break-even under which no increment is bought (None: no revenue, no defaults).
    default_floor: float | None
    break_even: float | None
    #: Increments at or above break-even: the path's length under the break-even cut.
    above_break_even: int
    #: A floor given as a number is planned this much above itself (:func:`optimizer.decisions.defaults.with_margin`),
    #: or as given where that is out of reach.
    floor_factor: float = 1.0

    def limits(self, min_roi: float | None, factor: float = 1.0) -> tuple[float, int]:
        """The account floor (planned at ``factor`` times itself) and the increments the path may use for
        ``--min-roi min_roi`` (None: not given)."""
        if min_roi is None:
            return self.default_floor or 0.0, self.above_break_even if self.break_even else len(self.spend)
        cut = self.break_even is not None and min_roi > 0 and min_roi >= self.break_even
        return min_roi * factor, self.above_break_even if cut else len(self.spend)

    def position(self, budget: float, min_roi: float | None) -> float | None:
        """Where the plan for ``budget`` and ``min_roi`` (as ``--min-roi``; None: not given, the defaults) cuts the
        path (increments + fraction), None if nowhere: at the floor planned above itself, else as given."""
        found = self._position(budget, min_roi, self.floor_factor)
        if found is None and self.floor_factor != 1.0:
            found = self._position(budget, min_roi, 1.0)
        return found

    def _position(self, budget: float, min_roi: float | None, factor: float) -> float | None:
        min_roi, usable = self.limits(min_roi, factor)
        cum_spend = np.concatenate([[0.0], np.cumsum(self.spend)])
        room = budget - self.base["spend"]
        if room < -self.tol:
            return None
        upper = _reach(cum_spend, max(room, 0.0), self.spend)
        low = 0.0
        if min_roi > 0:
            found = _roi_range(self, cum_spend, min_roi)
            if found is None:
                return None
            low, high = found
            upper = min(upper, high)
        upper = min(upper, float(usable))
        if low > upper + 1e-9:
            return None
        return min(max(float(self.rising), low), upper)

    def at(self, budget: float, min_roi: float | None) -> dict | None:
        """The plan at ``budget`` and ``min_roi`` (see :meth:`position`): totals, per plan spend and revenue, action
        counts; None if none."""
        position = self.position(budget, min_roi)
        if position is None:
            return None
        full = int(np.floor(position))
        part = position - full
        taken = np.zeros(len(self.spend))
        taken[:full] = 1.0
        if full < len(taken):
            taken[full] = part
        steps = self.base_steps + np.bincount(self.unit, weights=taken * self.step, minlength=len(self.base_steps))
        plans = len(self.base_plan_spend)
        plan_of = self.plan_of_unit[self.unit]
        plan_spend = self.base_plan_spend + np.bincount(plan_of, weights=taken * self.spend, minlength=plans)
        plan_revenue = self.base_plan_revenue + np.bincount(plan_of, weights=taken * self.revenue, minlength=plans)
        spend, revenue = plan_spend.sum(), plan_revenue.sum()
        if self.limits(min_roi)[0] > 0 and spend <= 1e-6 * self.base["today_spend"]:
            return None   # as make_plan: a floor met only by spending nothing is not met
        return {"spend": spend, "revenue": revenue, "objective": self.base["value"] + float(taken @ self.value),
                "roi": revenue / spend if spend > 0 else 0.0, "plan_spend": plan_spend, "plan_revenue": plan_revenue,
                "actions": dict(zip(ACTIONS, self.actions(steps).tolist(), strict=True))}

    def actions(self, steps: np.ndarray) -> np.ndarray:
        """How many keywords raise, cut, hold and pause after ``steps`` hull steps each (the vertex with most share)."""
        whole = np.floor(steps + 1e-12).astype(np.int64)
        part = np.clip(steps - whole, 0.0, 1.0)
        counts = np.diff(self.vertex_start)
        has = counts > 0
        low = self.vertex_start[:-1] + np.minimum(whole, np.maximum(counts - 1, 0))
        high = np.minimum(low + 1, self.vertex_start[1:] - 1)
        chosen = np.where(part > 0.5, high, low)[has]
        action = self.vertex_action[chosen]
        return np.bincount(action, minlength=len(ACTIONS)) + np.eye(len(ACTIONS), dtype=int)[PAUSE] * int((~has).sum())

    @property
    def step_at(self) -> np.ndarray:
        """The increments a plan limit cut to part of their hull step."""
        return np.flatnonzero(self.step != 1.0)

    @property
    def step_part(self) -> np.ndarray:
        return self.step[self.step_at]

    def as_sent(self) -> SliderPath:
        """The path :meth:`to_bytes` sends and ``sliders.js`` re-plans from: the increments' spend, revenue and value
        rounded to float32 (both sum them in float64), each within 6e-8 of itself, so its plans are :meth:`at`'s
        to about 1e-8 of spend and revenue."""
        spend, revenue, value = (_float32(table) for table in (self.spend, self.revenue, self.value))
        return replace(self, spend=spend, revenue=revenue, value=value,
                       above_break_even=_above(revenue, spend, self.break_even))

    def sent(self) -> list[str]:
        """The arrays :meth:`to_bytes` sends: all of :data:`ARRAYS` but ``value`` when it is the revenue."""
        same = np.array_equal(self.value, self.revenue)
        return [name for name in ARRAYS if not (name == "value" and same)]

    def to_bytes(self) -> bytes:
        """:meth:`as_sent` for ``sliders.js``: a uint32 header length, a JSON header, then each array, 8-byte
        aligned."""
        sent = self.as_sent()
        names = sent.sent()
        header = {"base": sent.base, "rising": sent.rising, "tol": sent.tol, "roi": sent.roi, "actions": ACTIONS,
                  "default_floor": sent.default_floor, "break_even": sent.break_even,
                  "above_break_even": sent.above_break_even, "floor_factor": sent.floor_factor,
                  "arrays": [[name, ARRAYS[name], int(len(getattr(sent, name)))] for name in names]}
        text = json.dumps(header).encode("utf-8")
        text += b" " * (-(len(text) + 4) % 8)
        parts = [struct.pack("<I", len(text)), text]
        for name in names:
            data = np.ascontiguousarray(getattr(sent, name), dtype=ARRAYS[name]).tobytes()
            parts += [data, b"\0" * (-len(data) % 8)]
        return b"".join(parts)


def _reach(cumulative: np.ndarray, target: float, increments: np.ndarray) -> float:
    """Where the running total (``cumulative`` starts at 0) reaches ``target``: full increments + fraction."""
    k = int(np.searchsorted(cumulative[1:], target, side="right"))
    if k >= len(increments):
        return float(len(increments))
    return k + float(np.clip((target - cumulative[k]) / increments[k], 0.0, 1.0))


def _roi_range(path: SliderPath, cum_spend: np.ndarray, rho: float) -> tuple[float, float] | None:
    """The positions between which revenue >= rho spend holds (it is concave along the path); None if nowhere."""
    cum_revenue = np.concatenate([[0.0], np.cumsum(path.revenue)])
    activity = (path.base["revenue"] - rho * path.base["spend"]) + (cum_revenue - rho * cum_spend)
    step = path.revenue - rho * path.spend
    count, tol = len(step), path.tol
    low, high = 0.0, float(count)
    if activity[0] < -tol:
        hits = np.flatnonzero(activity[1:] >= -tol)
        if not hits.size:
            return None
        k = int(hits[0])
        low = k + float(np.clip(-activity[k] / step[k], 0.0, 1.0)) if step[k] > 0 else float(k + 1)
    falls = np.flatnonzero((step < 0) & (activity[1:] < -tol))
    if falls.size:
        k = int(falls[0])
        high = k + float(np.clip(activity[k] / -step[k], 0.0, 1.0))
    return low, high


def _above(revenue: np.ndarray, spend: np.ndarray, break_even: float | None) -> int:
    """How many increments (in order of efficiency) return at least ``break_even``, as the cut keeps them."""
    if break_even is None:
        return len(spend)
    below = np.flatnonzero(revenue < break_even * (1 - 1e-12) * spend)
    return int(below[0]) if below.size else len(spend)


def _vertex_actions(result, vertex_column: np.ndarray, vertex_unit: np.ndarray) -> np.ndarray:
    """Per hull vertex the action choosing it is, as ``decide`` names it (column 0 is pausing)."""
    bids = result.bids
    current = (bids["current_bid"] if result.estimates.level == "keyword" else bids["before_spend"]).to_numpy(float)
    column = vertex_column.astype(np.int64) - 1
    bid = result.candidates.bid[vertex_unit, np.maximum(column, 0)]
    action = np.where(bid > current[vertex_unit], ACTIONS.index("raise"), ACTIONS.index("cut"))
    action = np.where(column == STEPS, ACTIONS.index("hold"), action)
    return np.where(column < 0, PAUSE, action).astype(np.uint8)


def _uncut(result) -> tuple[Program | None, str, Defaults]:
    """The plan's program before the break-even cut (the sliders cut it themselves, as ``--min-roi`` asks), the
    defaults a plan without min_roi gets; no program, and why, when the cut is not one for every keyword."""
    scenario, bids = result.scenario, result.bids
    unset = choose(replace(scenario, goal=replace(scenario.goal, min_roi=None)),
                   forecasts_revenue(scenario, result.performance),
                   float(bids["before_spend"].sum()), float(bids["before_revenue"].sum()))
    cand, planned = result.candidates, result.program.candidates.valid   # the plan's: guarded, maybe cut
    used = result.summary.defaults.break_even if result.summary.defaults else None
    if used is not None:   # the cut put back: what it alone removed (the guards' removals stay removed)
        within = within_marginal_roi(cand, used)
        if (planned & ~within).any():
            return None, say("sliders.exempt"), unset
        planned = planned | (cand.valid & ~within)
    return replace(result.program, candidates=replace(cand, valid=planned)), "", unset


def slider_path(result) -> tuple[SliderPath | None, str]:
    """The sliders' path of a :class:`optimizer.decisions.plan.PlanResult`, or None and why it has none."""
    program, reason, unset = _uncut(result)
    roi = result.scenario.goal.objective in ROI_OBJECTIVES
    if not roi and result.scenario.goal.min_roi is None and unset.floor:
        reason = say("sliders.default_floor", objective=say(f"objective.{result.scenario.goal.objective}"))
    if program is not None and not reason:
        reason, fit = check(program)
    if reason:
        return None, say("sliders.unfit", reason=reason)
    path = build_path(program, fit)
    cand, n = program.candidates, len(path.vertex_start) - 1
    counts = np.diff(path.vertex_start)
    vertex_unit = np.repeat(np.arange(n), counts)
    is_increment = np.ones(len(vertex_unit), bool)
    is_increment[path.vertex_start[:-1][counts > 0]] = False
    to_vertex = np.flatnonzero(is_increment)

    column = path.vertex_column.astype(np.int64) - 1
    on = column >= 0

    def points(table: np.ndarray) -> np.ndarray:   # per vertex (pausing: 0)
        at_vertex = np.zeros(len(vertex_unit))
        at_vertex[on] = table[vertex_unit[on], column[on]]
        return at_vertex

    spend_points, revenue_points, value_points = (points(np.where(cand.valid, table, 0.0))
                                                  for table in (cand.spend, cand.revenue, program.objective))
    revenue, value = (table[to_vertex] - table[to_vertex - 1] for table in (revenue_points, value_points))
    paid = path.inc_spend > 0
    forced = np.where(paid, np.divide(path.forced, path.inc_spend, out=np.zeros(len(paid)), where=paid), 1.0)
    has = counts > 0
    base_vertex = path.vertex_start[:-1][has]
    base_unit_spend, base_unit_revenue = np.zeros(n), np.zeros(n)
    base_unit_spend[has], base_unit_revenue[has] = spend_points[base_vertex], revenue_points[base_vertex]
    base_unit_spend += np.bincount(path.inc_unit, weights=forced * path.inc_spend, minlength=n)
    base_unit_revenue += np.bincount(path.inc_unit, weights=forced * revenue, minlength=n)
    plan = np.asarray(program.limits.plan_of_unit, np.int64)
    plans = len(program.limits.plan_names)
    order = path.order
    step = np.divide(path.opt_spend, path.inc_spend[order], out=np.ones(len(order)), where=paid[order])
    base = {"spend": float(base_unit_spend.sum()), "revenue": float(base_unit_revenue.sum()),
            "value": float(value_points[base_vertex].sum() + (forced * value).sum()),
            "today_spend": float(result.bids["before_spend"].sum())}
    sliders = SliderPath(
        spend=path.opt_spend.copy(), revenue=revenue[order] * step, value=value[order] * step,
        unit=path.inc_unit[order].astype(np.int32), step=step,
        base_steps=np.bincount(path.inc_unit, weights=forced, minlength=n), vertex_start=path.vertex_start,
        vertex_action=_vertex_actions(result, path.vertex_column, vertex_unit), plan_of_unit=plan.astype(np.int32),
        base_plan_spend=np.bincount(plan, weights=base_unit_spend, minlength=plans),
        base_plan_revenue=np.bincount(plan, weights=base_unit_revenue, minlength=plans), base=base,
        rising=int(np.count_nonzero(value[order] > 0)), tol=FEAS_TOL * path.scale,
        roi=roi, default_floor=unset.floor, break_even=unset.break_even,
        above_break_even=_above(revenue[order] * step, path.opt_spend, unset.break_even),
        floor_factor=_floor_factor(result))
    return sliders, ""


def _float32(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to float32, kept as float64 (sums stay float64; sending them as float32 loses nothing)."""
    return values.astype(np.float32).astype(np.float64)


def _floor_factor(result) -> float:
    """How far above itself a floor given as a number is planned (1 under min_roi_confidence, which has its own)."""
    if result.scenario.goal.min_roi_confidence is not None:
        return 1.0
    return 1.0 + roi_error(result.performance.frame, result.performance.last_date).margin()
