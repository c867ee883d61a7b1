"""From the program's solution to decisions a person can check: actions, reasons, limits that bind.

The LP buys bid increments in order of efficiency up to a cut-off set by its
dual prices. For a unit in plan ``p`` the cut-off on marginal ROI (extra revenue
per extra unit of spend) is::

    (spend_cost + y_budget + y_cap[p] - y_floor[p] + min_roi y_roi + r_p y_roi[p])
    / (objective_per_revenue + y_roi + y_roi[p])

so a keyword is raised while its next step returns more than the cut-off and cut
when today's step returns less. Reasons quote both numbers.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from optimizer import numtext
from optimizer.i18n import Translator, translator
from optimizer.model.response import STEPS, Candidates
from optimizer.solver.program import Limits, Solution

ACTIONS = ("raise", "cut", "hold", "pause")


@dataclass(frozen=True)
class Wording:
    """How the reasons are written: in which language, quoting how many days of history had no impressions."""

    history_days: int
    lang: str = "en"


@dataclass(frozen=True)
class Decisions:
    """Per unit: the bid chosen, the action, the forecast at it, and why."""

    units: pd.DataFrame
    cutoff: np.ndarray


#: The per-plan rows the cut-off reads, by row kind (see :meth:`Limits.row_specs`).
PLAN_ROW_KINDS = ("plan_budget_cap", "plan_budget_floor", "plan_min_roi")


def plan_duals(solution: Solution, limits: Limits) -> dict[str, np.ndarray]:
    """Each per-plan row kind's dual, by plan (0 where the plan has no such row)."""
    per_plan = {kind: np.zeros(len(limits.plan_names)) for kind in PLAN_ROW_KINDS}
    for name, kind, index in limits.row_specs():
        if kind in per_plan:
            per_plan[kind][index] = solution.duals.get(name, 0.0)
    return per_plan


def cutoff_roi(solution: Solution, limits: Limits, objective_per_revenue: np.ndarray, spend_cost: float) -> np.ndarray:
    """Marginal ROI each unit's next increment must beat to be bought (see the module docstring)."""
    duals = solution.duals
    plan = limits.plan_of_unit
    names = limits.plan_names
    per_plan = plan_duals(solution, limits)
    cap = per_plan["plan_budget_cap"][plan] if names else 0.0
    floor = per_plan["plan_budget_floor"][plan] if names else 0.0
    plan_roi_dual = per_plan["plan_min_roi"][plan] if names else 0.0
    plan_floor = np.nan_to_num(limits.plan_min_roi[plan]) if names else 0.0
    roi_dual = duals.get("min_roi", 0.0)
    numerator = spend_cost + duals.get("budget", 0.0) + cap - floor + (limits.min_roi or 0.0) * roi_dual + plan_floor * plan_roi_dual
    denominator = objective_per_revenue + roi_dual + plan_roi_dual
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.inf)


def decide(units: pd.DataFrame, candidates: Candidates, solution: Solution, cutoff: np.ndarray,
           *, locked: np.ndarray, level: str, wording: Wording) -> Decisions:
    """Turn the LP's shares into one bid per unit, its action, forecast and reason (in ``wording``'s language)."""
    share = solution.share
    n = share.shape[0]
    paused = np.clip(1.0 - share.sum(axis=1), 0.0, 1.0)
    main_level = share.argmax(axis=1)
    main_share = share[np.arange(n), main_level]
    is_pause = paused > main_share + 1e-9
    current_bid = units["current_bid"].to_numpy(float) if level == "keyword" else units["spend"].to_numpy(float)
    new_bid = np.where(is_pause, 0.0, candidates.bid[np.arange(n), main_level])
    action = np.select(
        [is_pause, main_level == STEPS, new_bid > current_bid],
        ["pause", "hold", "raise"], default="cut",
    )
    # each metric's (units, levels) product goes into the same pages, not a fresh table
    scratch = np.empty(share.shape, np.result_type(share, candidates.spend))
    forecast = {name: np.multiply(share, candidates.metric(name), out=scratch).sum(axis=1)
                for name in ("impressions", "clicks", "spend", "orders", "revenue")}
    del scratch

    # marginal ROI of the step into the chosen level, and of the step beyond it
    spend, revenue, valid = candidates.spend, candidates.revenue, candidates.valid
    step_in = _slope_below(spend, revenue, valid, main_level, candidates.can_pause)
    step_out = _slope_above(spend, revenue, valid, main_level)
    lowest = np.where(valid.any(axis=1), valid.argmax(axis=1), STEPS)
    first_step = _ratio(revenue[np.arange(n), lowest], spend[np.arange(n), lowest])
    no_data = units["observed_impressions"].fillna(0).to_numpy() <= 0
    at_top = _at_top(valid, main_level)
    choice = Choice(action, main_level, share, paused, candidates.bid, at_top,
                    {"step_in": step_in, "step_out": step_out, "first_step": first_step, "cutoff": cutoff})
    reasons = _reasons(choice, locked=locked, no_data=no_data, wording=wording)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(current_bid > 0, (new_bid - current_bid) / current_bid * 100.0, 0.0)
    table = units.assign(
        before_spend=units["spend"], before_revenue=units["revenue"], at_bid_limit=(action == "raise") & at_top,
        new_bid=new_bid, change_pct=np.round(change, 1), action=action,
        **forecast, roi=_ratio(forecast["revenue"], forecast["spend"]), reason=pd.array(reasons, dtype="str"),
    )
    return Decisions(table, cutoff)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(np.shape(num)), where=np.asarray(den) > 1e-12)


def _slope_below(spend, revenue, valid, level, can_pause) -> np.ndarray:
    """Marginal ROI of the step from the next lower allowed level (or from pausing) into ``level``."""
    n, n_levels = spend.shape
    cols = _columns(n_levels)
    lower = np.where(valid & (cols < level[:, None]), cols, np.int8(-1)).max(axis=1)
    rows = np.arange(n)
    base_spend = np.where(lower >= 0, spend[rows, np.maximum(lower, 0)], 0.0)
    base_revenue = np.where(lower >= 0, revenue[rows, np.maximum(lower, 0)], 0.0)
    slope = _ratio(revenue[rows, level] - base_revenue, spend[rows, level] - base_spend)
    return np.where((lower >= 0) | can_pause, slope, np.nan)


def _slope_above(spend, revenue, valid, level) -> np.ndarray:
    """Marginal ROI of the step from ``level`` to the next higher allowed level (NaN at the top)."""
    n, n_levels = spend.shape
    cols = _columns(n_levels)
    upper = np.where(valid & (cols > level[:, None]), cols, cols.dtype.type(n_levels)).min(axis=1)
    rows = np.arange(n)
    top = upper >= n_levels
    upper = np.minimum(upper, n_levels - 1)
    slope = _ratio(revenue[rows, upper] - revenue[rows, level], spend[rows, upper] - spend[rows, level])
    return np.where(top, np.nan, slope)


def _columns(n_levels: int) -> np.ndarray:
    """Column numbers as one row, in bytes when they fit: the (units, levels) tables picked from them are small."""
    return np.arange(n_levels, dtype=np.int8 if n_levels < 127 else np.int64)[None, :]


def _at_top(valid: np.ndarray, level: np.ndarray) -> np.ndarray:
    cols = np.arange(valid.shape[1])[None, :]
    return ~(valid & (cols > level[:, None])).any(axis=1)


#: The actions whose sentence (the message ``reason.<action>``) quotes two numbers by name.
_SENTENCES = ("raise", "cut", "pause", "hold")


def _sentence_parts(t: Translator) -> dict[str, tuple[str, str, str, str, str]]:
    """Each action's sentence as (start, first number, middle, second number, end), the numbers by name."""
    parts = {}
    for action in _SENTENCES:
        pieces = [piece for literal, field, _, _ in string.Formatter().parse(t.text(f"reason.{action}"))
                  for piece in (literal, field) if piece is not None]
        parts[action] = tuple(pieces + [""] * (5 - len(pieces)))
    return parts


def _fill(template: str, values: dict[str, pa.Array]) -> pa.Array:
    """A message with its placeholders filled from per-unit texts, as one Arrow text per unit."""
    pieces = []
    for literal, field, _, _ in string.Formatter().parse(template):
        pieces += [literal] + ([values[field]] if field is not None else [])
    return _join(*pieces)


def _number_text(values: np.ndarray) -> pa.Array:
    """A number as a reason quotes it: two decimals below 10, one from 10, "-" when not finite."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    text = numtext.fixed(np.where(finite, values, 0.0), np.where(values < 10, 2, 1))
    return text if finite.all() else pc.if_else(pa.array(finite), text, _text("-"))


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*(_text(part) if isinstance(part, str) else part for part in parts), _text(""))


@dataclass(frozen=True)
class Choice:
    """Per unit: the level the program chose and how it mixes levels, and the marginal ROIs a reason quotes."""

    action: np.ndarray
    #: The level run most of the period, its neighbours' shares and pause, and the candidate bids (units, levels).
    level: np.ndarray
    share: np.ndarray
    paused: np.ndarray
    bids: np.ndarray
    #: No allowed level above the chosen one: a raise went as far as the bid limits allow.
    at_top: np.ndarray
    #: "step_in", "step_out", "first_step" and "cutoff", as the sentences of _SENTENCES name them.
    marginal: dict[str, np.ndarray]


def _reasons(choice: Choice, *, locked: np.ndarray, no_data: np.ndarray, wording: Wording) -> pa.Array:
    """One short sentence per unit, assembled as Arrow text from a few cases (10^6 units in about a second).

    What a sentence adds at its end (the bid limit, the time split, the paused part) is joined onto the few
    units that have it, which go back into the whole column at once: one pass over 10^6 texts, not one each.
    """
    t = translator(wording.lang)
    reasons = _sentences(choice, t)
    at_limit = (choice.action == "raise") & choice.at_top
    split, split_text = _time_split(choice, t)
    part_paused = (choice.paused > 1e-6) & (choice.action != "pause")
    extended = at_limit | split | part_paused
    if extended.any():
        rows = np.flatnonzero(extended)
        tail = _appended(pc.filter(reasons, pa.array(extended)), at_limit[rows], _text(t("reason.at_bid_limit")))
        tail = _appended(tail, split[rows], split_text)
        paused_text = _fill(t.text("reason.part_paused"), {"share": _number_text(choice.paused[part_paused] * 100)})
        tail = _appended(tail, part_paused[rows], paused_text)
        reasons = pc.replace_with_mask(reasons, pa.array(extended), tail)
    for unit_has, text in ((no_data, t("reason.no_data", days=wording.history_days)), (locked, t("reason.locked"))):
        unit_has = np.asarray(unit_has, bool)
        if unit_has.any():   # the later one wins, as it is written over the earlier
            reasons = pc.if_else(pa.array(unit_has), _text(text), reasons)
    return reasons


def _appended(texts: pa.Array, chosen: np.ndarray, ending: pa.Array | pa.Scalar | None) -> pa.Array:
    """``texts`` with ``ending`` (one text, or one per chosen text) joined onto the ``chosen`` ones."""
    if not chosen.any():
        return texts
    if chosen.all():
        return _join(texts, ending)
    mask = pa.array(chosen)
    return pc.replace_with_mask(texts, mask, _join(pc.filter(texts, mask), ending))


def _sentences(choice: Choice, t: Translator) -> pa.Array:
    """Each unit's sentence of _SENTENCES, with its numbers."""
    action, n = choice.action, len(choice.action)
    kind = np.zeros(n, dtype=np.int64)   # position of each unit's action in _SENTENCES
    for position, name in enumerate(_SENTENCES):
        kind[action == name] = position
    sentences = list(_sentence_parts(t).values())

    def choose(position: int):
        pieces = [sentence[position] for sentence in sentences]
        if position in (1, 3):   # a number, picked per unit from the one its sentence quotes
            return _number_text(np.choose(kind, [np.broadcast_to(choice.marginal[name], (n,)) for name in pieces]))
        return pc.take(pa.array(pieces, pa.large_string()), pa.array(kind))

    return _join(*(choose(position) for position in range(5)))


def _time_split(choice: Choice, t: Translator) -> tuple[np.ndarray, pa.Array | None]:
    """A unit that mixes two bids runs each for part of the week (a time split): which units, and what to say of
    each of them (which bids, and how long)."""
    share, level, bids = choice.share, choice.level, choice.bids
    rows = np.arange(len(level))
    second, second_share = level, share[rows, level]
    if share.shape[1] > 1:   # only a unit with another level above a trace can mix: the rest's table is not copied
        some = share > 1e-6
        mixing = np.flatnonzero(some.sum(axis=1) - some[rows, level] > 0)
        others = share[mixing]
        others[np.arange(len(mixing)), level[mixing]] = -np.inf
        second, second_share = level.copy(), np.zeros(len(level))
        second[mixing] = others.argmax(axis=1)
        second_share[mixing] = share[mixing, second[mixing]]
    split = (second_share > 1e-6) & (choice.action != "pause")
    if not split.any():
        return split, None
    chosen = np.flatnonzero(split)
    return split, _fill(t.text("reason.time_split"), {
        "share": _number_text(share[chosen, level[chosen]] * 100), "bid": _number_text(bids[chosen, level[chosen]]),
        "second_share": _number_text(second_share[chosen] * 100), "second_bid": _number_text(bids[chosen, second[chosen]])})
