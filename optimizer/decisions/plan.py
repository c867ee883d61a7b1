"""The weekly plan, end to end: reports -> estimates -> candidates -> program -> decisions.

``make_plan`` is the library call behind ``bidopt plan``; it raises the typed errors of :mod:`optimizer.errors`
and never prints. ``PlanResult.files`` gives the bytes of every output file so
:func:`optimizer.outputs.files.write_all` can put them in place atomically.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches

import numpy as np
import pandas as pd

from optimizer.decisions import defaults, feedback, guards, platform_limits, sheets, summary
from optimizer.decisions.explain import Wording, cutoff_roi, decide
from optimizer.decisions.summary import Summary
from optimizer.errors import Conflict, InfeasibleError, InputDataError, Problem, ScenarioError
from optimizer.i18n import normalise, say
from optimizer.model.adjustments import apply_adjustments
from optimizer.model.estimate import Estimates, estimate
from optimizer.model.response import Candidates, build_candidates
from optimizer.outputs.files import csv_bytes, json_bytes
from optimizer.progress import SILENT, PhaseClock, Progress
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import Performance, validate
from optimizer.scenario.scenario_file import Scenario
from optimizer.solver import risk, solve
from optimizer.solver.feasibility import best_roi, diagnose, roi_conflict
from optimizer.solver.frontier import Frontier, budget_grid, frontier
from optimizer.solver.program import Limits, Program, Solution


@dataclass(frozen=True)
class PlanResult:
    """Everything a plan run produced, as data."""

    scenario: Scenario
    performance: Performance
    estimates: Estimates
    candidates: Candidates
    program: Program
    solution: Solution
    bids: pd.DataFrame
    plans: pd.DataFrame
    summary: Summary
    timings: dict[str, float] = field(default_factory=dict)
    #: The language of the reasons, summary.md and report.html (:data:`optimizer.i18n.LANGUAGES`).
    lang: str = "en"

    def files(self) -> dict[str, bytes]:
        """The output files' contents, by file name."""
        files = {}
        if self.estimates.level == "keyword":
            files["bids.csv"] = csv_bytes(sheets.bid_sheet(self.bids, self.estimates.bid_inferred))
        files["plans.csv"] = csv_bytes(self.plans)
        files["summary.json"] = json_bytes(self.summary.to_json())
        files["summary.md"] = sheets.markdown(self.summary, self.bids, self.plans, self.lang).encode("utf-8")
        return files


def read_performance(scenario: Scenario) -> Performance:
    """Read and validate every report of the scenario, reporting the problems of all files at once."""
    reports, problems = [], []
    for path in scenario.data.reports:
        try:
            reports.append(read_report(path, dict(scenario.data.columns)))
        except InputDataError as error:
            problems.extend(error.problems)
    if problems:
        raise InputDataError(problems)
    return validate(reports, on_bad_rows=scenario.data.on_bad_rows, period_days=scenario.data.period_days)


def check_goal_fits_data(scenario: Scenario, performance: Performance) -> None:
    """An objective or ROI floor needs the columns it is computed from."""
    goal, files = scenario.goal, ", ".join(performance.sources)
    needs_revenue = goal.objective in ("revenue", "profit") or bool(goal.min_roi) or any(
        limits.min_roi for limits in scenario.plans.values())
    problems = []
    if not performance.has_orders and (goal.objective == "orders" or needs_revenue):
        why = " (revenue is forecast from orders and order value)" if goal.objective != "orders" else ""
        problems.append(Problem(f"has no orders column, needed by objective = \"{goal.objective}\"{why}", file=files,
                                hint="Map the conversions column in [data] columns or set objective = \"clicks\""))
    elif needs_revenue and not performance.has_revenue and goal.value_per_order is None:
        problems.append(Problem(f"has no revenue column, needed by objective = \"{goal.objective}\""
                                + (" and min_roi" if goal.min_roi else ""), file=files, hint="Plan for orders: "
                                "--objective orders without --min-roi ([goal] objective = \"orders\"), or give [goal] value_per_order"))
    if problems:
        raise InputDataError(problems)


def _unknown_names(table: str, asked, known, scenario: Scenario) -> None:
    """A [plans."X"] or [items."X"] that the reports never mention is a typo until shown otherwise."""
    unknown = [name for name in asked if name not in set(known)]
    if unknown:
        raise ScenarioError([
            f"[{table}.\"{name}\"] names no {table[:-1]} in the reports."
            + (f" Did you mean '{match[0]}'?" if (match := get_close_matches(name, list(known), n=1)) else "")
            for name in unknown
        ], file=str(scenario.path) if scenario.path else None)


def _per_name(settings: list, attribute: str) -> np.ndarray:
    return np.array([np.nan if s is None or getattr(s, attribute) is None else float(getattr(s, attribute))
                     for s in settings], dtype=float)


def plan_limits(scenario: Scenario, estimates: Estimates, before_spend: float) -> tuple[Limits, np.ndarray]:
    """The program's limits and the locked units, from the scenario's [goal], [plans] and [items]."""
    units = estimates.units
    plan_codes, plan_names = pd.factorize(units["plan"], sort=True)
    _unknown_names("plans", scenario.plans, plan_names, scenario)
    plans = [scenario.plans.get(name) for name in plan_names]
    items: dict = {}
    if scenario.items:
        item_column = units["ad_group"] if "ad_group" in units else pd.Series([""] * len(units))
        _unknown_names("items", scenario.items, sorted(set(item_column) - {""}), scenario)
        item_names = tuple(scenario.items)
        codes = pd.Index(item_names).get_indexer(item_column.astype(str)).astype(int)  # -1: no limit
        settings = [scenario.items[name] for name in item_names]
        items = {"item_of_unit": codes, "item_names": item_names, "item_stock": _per_name(settings, "stock"),
                     "item_min_orders": _per_name(settings, "min_orders"), "item_min_share": _per_name(settings, "min_share")}
    locked_plans = np.array([bool(s and s.locked) for s in plans], dtype=bool)
    budget = scenario.goal.budget if scenario.goal.budget is not None else before_spend
    limits = Limits(
        budget=float(budget), min_roi=scenario.goal.min_roi or None,
        plan_of_unit=plan_codes, plan_names=tuple(plan_names),
        plan_max_budget=_per_name(plans, "max_budget"), plan_min_budget=_per_name(plans, "min_budget"),
        plan_min_roi=_per_name(plans, "min_roi"), **items,
    )
    return limits, locked_plans[plan_codes] if len(plan_names) else np.zeros(0, bool)


def objective_coefficients(scenario: Scenario, candidates: Candidates) -> tuple[np.ndarray, np.ndarray, float]:
    """Objective per candidate, objective per unit of revenue per unit, and the objective's cost per unit spend."""
    goal = scenario.goal
    revenue = candidates.revenue
    if goal.objective == "revenue":
        return revenue, np.ones(len(revenue)), 0.0
    if goal.objective == "profit":
        return goal.margin * revenue - candidates.spend, np.full(len(revenue), goal.margin), 1.0
    volume = candidates.orders if goal.objective == "orders" else candidates.clicks
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(volume > 0, revenue / volume, 0.0).max(axis=1)
    return volume, _inverse(per_unit), 0.0


def _inverse(values: np.ndarray) -> np.ndarray:
    return np.divide(1.0, values, out=np.full(len(values), np.inf), where=values > 0)


@dataclass(frozen=True)
class Prepared:
    """What a scenario's reports say, read and estimated once; scenarios sharing reports share it."""

    performance: Performance
    estimates: Estimates
    timings: dict[str, float]
    feedback: feedback.Feedback | None = None   #: how the last runs' forecasts turned out (feedback.learn)


def prepare(scenario: Scenario, progress: Progress = SILENT, *,
            bids_today: Callable[[Performance], Performance] | None = None) -> Prepared:
    """Read, validate and estimate a scenario's reports.

    ``bids_today`` puts today's bids, budgets and states from another source into the validated
    reports before estimation (the Amazon bulk file: :meth:`optimizer.platforms.amazon_bulk.Bulk.bids_today`).
    """
    clock = time.perf_counter()
    progress.phase("read and validate")
    performance = read_performance(scenario)
    if bids_today is not None:
        performance = bids_today(performance)
    read_seconds = time.perf_counter() - clock
    check_goal_fits_data(scenario, performance)
    progress.phase("estimate")
    estimates = estimate(performance, period_days=scenario.goal.period_days, value_per_order=scenario.goal.value_per_order)
    timings = {"read and validate": read_seconds, "estimate": time.perf_counter() - clock - read_seconds}
    return Prepared(performance, estimates, timings)


def data_key(scenario: Scenario) -> tuple:
    """Scenarios with equal keys read and estimate the same thing (see :func:`prepare`)."""
    data, goal = scenario.data, scenario.goal
    return (data.reports, tuple(sorted(data.columns.items())), data.period_days, data.on_bad_rows,
            goal.period_days, goal.value_per_order)


def make_plan(scenario: Scenario, prepared: Prepared | None = None, *, solver: str = "auto",
              progress: Progress = SILENT, lang: str = "en", marketplace: str | None = None,
              frontier_grid: tuple[float, float, int] | None = None) -> PlanResult:
    """The weekly plan of a scenario; pass ``prepared`` to reuse another scenario's reading and estimates.

    ``solver``: "auto" (the structured solver when the program fits it, else HiGHS), "fast", "highs" or "pulp".
    ``progress`` hears the start of each phase (:mod:`optimizer.progress`); ``lang`` is the reasons' and
    pages' language ("en" or "zh-CN"). Bids and daily limits stay inside the platform's limits
    (:mod:`optimizer.decisions.platform_limits`), the Amazon ``marketplace``'s when given. ``frontier_grid``:
    the ``(low, high, count)`` :func:`plan_frontier` will be asked for, read off the solve's own sorted
    increments, not sorted again.
    """
    lang = normalise(lang)   # a language bidopt does not speak stops the run before it starts
    if prepared is None:
        prepared = prepare(scenario, progress)
    else:
        check_goal_fits_data(scenario, prepared.performance)
    performance, estimates = prepared.performance, prepared.estimates
    timings: dict[str, float] = dict(prepared.timings)
    lap = PhaseClock(timings, progress).lap
    progress.phase("build")
    units = apply_adjustments(estimates.units, scenario.adjust)
    before_spend = float(units["spend"].sum())
    limits, locked = plan_limits(scenario, estimates, before_spend)
    no_data = units["observed_impressions"].fillna(0).to_numpy() <= 0
    platform, bid_limits = _platform(scenario, performance, marketplace)
    candidates = build_candidates(units, bid_limits, locked | no_data, estimates.level)
    objective, per_revenue, spend_cost = objective_coefficients(scenario, candidates)
    has_revenue = defaults.forecasts_revenue(scenario, performance)
    chosen = defaults.choose(scenario, has_revenue, before_spend, float(units["revenue"].sum()))
    allowed, chosen, subject = defaults.cut_candidates(candidates, chosen, limits)
    program, guarded = guards.program(units, allowed, objective, limits, chosen.floor)
    lap("build", "solve")
    confidence, held = scenario.goal.min_roi_confidence, feedback.aim(scenario, limits, performance, prepared.feedback)
    budgets = None if frontier_grid is None else budget_grid(limits.budget, *frontier_grid)
    program, solution, margin, chosen = _solve_with_margin(program, held, chosen, scenario, units, solver, budgets)
    if solution.status == "infeasible":
        raise InfeasibleError(diagnose(program, confidence=confidence))
    if solution.status != "optimal":
        raise InfeasibleError([Conflict("solver", float("nan"), float("nan"), f"the solver stopped: {solution.status}")])
    spent = float((solution.share * candidates.spend).sum())
    # nothing spent: the floor's fault when no bids reach it (a budget too small to buy a click is a plan)
    if scenario.goal.min_roi and spent <= 1e-6 * before_spend and not (best := best_roi(program)) >= limits.min_roi:
        raise InfeasibleError([roi_conflict(limits.min_roi, best, confidence=confidence)])
    lap("solve", "explain")
    cutoff = cutoff_roi(solution, program.limits, per_revenue, spend_cost)
    quoted = _as_given(program, limits) if held[0] is not limits else program
    if chosen.break_even is not None:   # the cut is a limit of its own on every unit it applies to
        cutoff = np.where(subject, np.maximum(cutoff, chosen.break_even), cutoff)
    decisions = decide(units, candidates, solution, cutoff, locked=locked, level=estimates.level,
                       wording=Wording(performance.history_days, lang))
    bids, plans = platform_limits.kept(guards.said(decisions.units, guarded, lang), sheets.plan_table,
                                       scenario.goal.period_days, platform, bid_limits, lang)
    cutoffs = cutoff[~(locked | no_data) & candidates.valid.any(axis=1) & np.isfinite(cutoff)]
    result_summary = replace(summary.build(scenario, prepared, quoted, solution, bids, safety=margin, defaults=chosen),
                             marginal_cutoff=float(cutoffs.min()) if len(cutoffs) and has_revenue else None,
                             feedback=feedback.said(prepared.feedback, chosen.notes))
    lap("explain")
    return PlanResult(scenario, performance, estimates, candidates, program, solution, bids, plans,
                      result_summary, timings, lang)


def _as_given(program: Program, given: Limits) -> Program:
    """The program with the floors and budget as given, as the summary quotes them (the result keeps the aimed ones)."""
    quoted = {name: getattr(given, name) for name in ("min_roi", "plan_min_roi", "budget")}
    return replace(program, limits=replace(program.limits, **quoted))


def _platform(scenario: Scenario, performance: Performance, marketplace: str | None):
    """The platform's limits (None when the reports' platform is not known) and the bid range they leave."""
    platform = platform_limits.of_performance(performance, marketplace)
    return platform, platform_limits.with_platform(scenario.bids, platform)[0]


def _solve_with_margin(program: Program, margin: tuple[Limits, tuple[str, ...]], chosen: defaults.Defaults,
                       scenario: Scenario, units: pd.DataFrame, solver: str,
                       budgets: np.ndarray | None) -> tuple[Program, Solution, dict | None, defaults.Defaults]:
    """The program solved at the limits aimed at (``margin``: the limits and the notes that say why,
    :func:`optimizer.decisions.feedback.aim`); where that is out of reach or spends next to nothing, as given."""
    held, notes = margin
    if held is program.limits:   # notes that change nothing (the forecasts held) are said all the same
        chosen = replace(chosen, notes=chosen.notes + notes)
    else:
        solved = _solve(replace(program, limits=held), replace(chosen, notes=chosen.notes + notes), scenario, units,
                        solver, budgets)
        spent = float((solved[1].share * program.candidates.spend).sum()) if solved[1].status == "optimal" else 0.0
        if solved[1].status != "infeasible" and spent > 1e-6 * float(program.candidates.current["spend"].sum()):
            return solved
        chosen = feedback.out_of_reach(chosen, notes)
    return _solve(program, chosen, scenario, units, solver, budgets)


def _solve(program: Program, chosen: defaults.Defaults, scenario: Scenario, units: pd.DataFrame,
           solver: str, budgets: np.ndarray | None = None) -> tuple[Program, Solution, dict | None, defaults.Defaults]:
    """The program solved (ROI floors held at min_roi_confidence when set), with the default ROI floor if any;
    ``budgets``: account budgets whose frontier points the solve also reads off its path (see :func:`make_plan`).

    The default floor enters only when the plan without it would break it (exact: a plan that meets the
    floor is the optimum with it too); under min_roi_confidence it is always a row. When today's ROI is
    out of reach under the cut and the scenario's limits, the floor falls to the best ROI they allow.
    """
    confidence = scenario.goal.min_roi_confidence
    cv = units["value_per_click_cv"].to_numpy(float)

    def run(prog: Program) -> tuple[Program, Solution, dict | None]:
        if confidence is not None and prog.limits.has_roi_rows():
            return risk.solve_held(prog, cv, confidence, solver)
        return prog, solve(prog, solver, budgets), None

    def floored(floor: float) -> Program:
        return replace(program, limits=replace(program.limits, min_roi=floor))

    floor = chosen.floor
    if floor is None:
        return (*run(program), chosen)
    if confidence is None:
        first = run(program)
        share, cand = first[1].share, program.candidates
        spend, revenue = float((share * cand.spend).sum()), float((share * cand.revenue).sum())
        if first[1].status != "optimal" or revenue >= floor * spend * (1 - 1e-9) and spend > 0:
            return (*first, chosen)
    try:
        held = run(floored(floor))
    except ScenarioError as error:   # --solver fast, and the default floor takes the program out of its reach
        raise ScenarioError([f"{problem} (the ROI floor is the default, today's ROI {floor:.2f}: set min_roi, or "
                             "min_roi = 0 to turn the defaults off)" for problem in error.problems], error.file) from error
    if held[1].status != "infeasible":
        return (*held, chosen)
    best = best_roi(program)
    if not best > 0:
        return (*run(program), chosen.with_note(say("default.out_of_reach", floor=f"{floor:.2f}"), floor=None))
    lowered = chosen.with_note(say("default.lowered", floor=f"{floor:.2f}", best=f"{best:.2f}"), floor=best)
    return (*run(floored(best * (1 - 1e-9))), lowered)


def plan_frontier(result: PlanResult, *, low: float = 0.25, high: float = 2.0, count: int = 40) -> Frontier:
    """The frontier of a finished plan, with today's point and the plan's own."""
    summary, goal = result.summary, result.scenario.goal
    today = {"spend": summary.today.spend, "objective": summary.today.objective(goal.objective, goal.margin)}
    chosen = {"spend": summary.after.spend, "objective": summary.objective_value}
    budgets = budget_grid(result.program.limits.budget, low, high, count)
    return frontier(result.program, objective=goal.objective, today=today, chosen=chosen, budgets=budgets,
                    solved=result.solution, floor_given=summary.min_roi)
