"""ROI floors that hold with a stated probability (``[goal] min_roi_confidence``), not only in expectation.

Each keyword's value per click is known only up to its posterior (CVR from a beta
posterior, order value from its shrunk mean and standard error): its revenue at a
candidate bid has standard deviation ``cv_i * revenue`` (see
:func:`optimizer.model.shrinkage.value_per_click_cv`). The floor must hold with probability ``p``::

    P(sum revenue >= r sum spend) >= p   <=>   E[sum revenue] - z_p sd(sum revenue) >= r sum spend

(normal approximation of the sum). How the keywords' errors add up decides the
margin. Independent errors would make the account's sd vanish with many keywords;
but estimates within a plan share their shrinkage target and their auction curve,
and the keywords the program buys are those whose estimates came out high (the
winner's curse), so their errors move together. The model here: errors are
correlated fully within a plan and independent between plans, so

    sd(sum revenue) = || S ||,   S_p = sum_{i in p} cv_i revenue_i   (one term per plan).

That norm is convex, so the floor is a second-order cone. It is made linear by its
tangent at a solution, ``||S|| ~ sum_p (S*_p / ||S*||) S_p``, exact there: each
candidate's revenue counts in the ROI rows as ``revenue (1 - z_p cv_i w_p)`` with
``w_p = S*_p / ||S*||`` — the plan's share of the account's risk. The program is
solved with the floor in expectation first, then re-linearised at each solution
(``LINEARISATIONS`` times), which settles in two or three rounds. The objective keeps
the expected revenue; only the ROI rows (account and plan floors) count the haircut,
and the difference against the plan in expectation is reported as the margin's cost.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import NormalDist

import numpy as np

from optimizer.solver import solve
from optimizer.solver.program import Program, Solution

#: Re-linearisations of the cone at the last solution.
LINEARISATIONS = 3


def haircut(program: Program, share: np.ndarray, cv: np.ndarray, confidence: float) -> np.ndarray:
    """Revenue of every candidate as the ROI rows count it, linearised at ``share``."""
    cand, limits = program.candidates, program.limits
    z = NormalDist().inv_cdf(confidence)
    cv = np.nan_to_num(cv, nan=0.0)
    sd_unit = cv * (share * cand.revenue).sum(axis=1)
    plan_sd = np.bincount(limits.plan_of_unit, weights=sd_unit, minlength=len(limits.plan_names))
    norm = float(np.sqrt(np.sum(plan_sd**2)))
    # at a solution with no risk yet (nothing bought), every plan gets the weight of one of equals
    weight = plan_sd / norm if norm > 0 else np.full(len(plan_sd), 1.0 / np.sqrt(max(len(plan_sd), 1)))
    factor = np.clip(1.0 - z * cv * weight[limits.plan_of_unit], 0.0, 1.0)
    return cand.revenue * factor[:, None]


def solve_held(program: Program, cv: np.ndarray, confidence: float,
               solver: str = "auto") -> tuple[Program, Solution, dict]:
    """The program with its ROI floors held at ``confidence``: (program as last solved, solution, margin figures).

    ``solver`` is the plan's (see :func:`optimizer.solver.solve`). The figures: the objective with the floors held in
    expectation, what the margin costs, and the ROI the plan reaches at the lower bound.
    """
    expected = solve(replace(program, roi_revenue=None), solver)
    solution, held = expected, program
    for _ in range(LINEARISATIONS):
        if solution.status != "optimal":
            break
        held = replace(program, roi_revenue=haircut(program, solution.share, cv, confidence))
        solution = solve(held, solver)
    spend = float((solution.share * program.candidates.spend).sum())
    low = float((solution.share * held.revenue_in_roi_rows).sum())
    without = expected.objective if expected.status == "optimal" else float("nan")
    cost = without - solution.objective
    return held, solution, {
        "objective_without_margin": without,
        "cost": cost,
        "cost_share": cost / without if without else 0.0,
        "roi_at_lower_bound": low / spend if spend > 0 else float("nan"),
    }
