"""The plan's LP solved exactly by HiGHS, through scipy's ``linprog``.

scipy's wrapper is silent and public (highspy prints a banner on stdout when
constructed). The interior point method with crossover to a vertex is 15x faster
than dual simplex on this structure (one short row per keyword plus a few dense
coupling rows) at 10,000 keywords; where it stalls ("numerical difficulties", as it can on
an infeasible program) dual simplex decides. HiGHS's status codes and sign conventions stay in
this module: the :class:`Solution` carries our words and duals by row name.
"""

from __future__ import annotations

import numpy as np

from optimizer.solver.program import INF, Program, Solution, binding

#: scipy's linprog status codes, in our words; they never leave this module.
STATUS = {0: "optimal", 1: "iteration limit", 2: "infeasible", 3: "unbounded", 4: "numerical difficulties"}
NUMERICAL = 4


def solve_highs(program: Program, *, time_limit: float | None = None) -> Solution:
    """Solve the program with HiGHS; an infeasible one comes back with status "infeasible"."""
    # imported here, not with the module: a plan the structured solver solves never pays for scipy's LP
    import scipy.sparse as sp
    from scipy.optimize import linprog

    cand = program.candidates
    n_units, n_levels = cand.valid.shape
    columns = np.flatnonzero(cand.valid.ravel())
    unit_of_col = columns // n_levels
    coupling = program.rows()
    names = [row[0] for row in coupling]
    empty = np.zeros(cand.valid.shape)
    if len(columns) == 0:
        zero = dict.fromkeys(names, 0.0)
        return Solution("optimal", 0.0, empty, zero, zero, ())

    # choose rows: <= 1 for units that may pause, == 1 for the others
    choose = sp.csr_matrix((np.ones(len(columns)), (unit_of_col, np.arange(len(columns)))),
                           shape=(n_units, len(columns)))
    pausable = cand.can_pause
    rows, bounds = [choose[pausable]], [np.ones(pausable.sum())]
    for _, coef, lower, upper, _ in coupling:
        flat = coef.ravel()[columns]
        sign = 1.0 if upper < INF else -1.0  # a >= row enters as -a <= -lower
        rows.append(sp.csr_matrix(sign * flat[None, :]))
        bounds.append(np.array([upper if sign > 0 else -lower]))
    options = {"presolve": True, **({"time_limit": float(time_limit)} if time_limit else {})}
    problem = {"c": -program.objective.ravel()[columns], "A_ub": sp.vstack(rows, format="csr"),
               "b_ub": np.concatenate(bounds), "A_eq": choose[~pausable] if (~pausable).any() else None,
               "b_eq": np.ones((~pausable).sum()) if (~pausable).any() else None, "bounds": (0.0, 1.0)}
    result = linprog(**problem, method="highs-ipm", options=options)
    if result.status == NUMERICAL:   # the interior point method can stall on an infeasible program; simplex decides
        result = linprog(**problem, method="highs-ds", options=options)
    if result.status != 0:
        return Solution(STATUS.get(result.status, "failed"), float("nan"), empty, {}, {}, ())
    share = np.zeros(n_units * n_levels)
    share[columns] = np.clip(result.x, 0.0, 1.0)
    # linprog minimises -objective: a row's marginal is d(min)/d(b_ub) <= 0, so what loosening
    # the limit gains is minus the marginal, for <= rows and for the negated >= rows alike
    gains = -np.asarray(result.ineqlin.marginals)[int(pausable.sum()):]
    gains = np.where(np.abs(gains) > 1e-12, gains, 0.0)  # no "-0.00" for a slack limit
    objective = -float(result.fun)
    activity = [float(value) for value in (np.asarray(coef.ravel()[columns]) @ result.x for _, coef, *_ in coupling)]
    duals = dict(zip(names, gains.tolist()))
    return Solution(
        status="optimal",
        objective=objective,
        share=share.reshape(n_units, n_levels),
        duals=duals,
        activity=dict(zip(names, activity)),
        binding=binding(duals, objective),
    )
