"""The solver: the linear program, its limits and its solvers (structured, HiGHS, PuLP); the frontier, feasibility and risk.

:func:`solve` is the one way in: every caller names a solver (or leaves "auto") and
gets a :class:`~optimizer.solver.program.Solution` back; each solver's own function
(``solve_structured``, ``solve_highs``, ``solve_pulp``) is for tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.errors import ScenarioError
from optimizer.solver.highs import solve_highs
from optimizer.solver.program import Program, Solution, binding
from optimizer.solver.pulp_cbc import solve_pulp
from optimizer.solver.structured import check, solve_structured

#: The solvers :func:`solve` knows: "auto" (structured when the program fits it, else HiGHS), "fast" (the
#: structured one), "highs", "pulp" (CBC).
SOLVERS = ("auto", "fast", "highs", "pulp")


def solve(program: Program, solver: str = "auto", budgets=None) -> Solution:
    """Solve the program with the named solver; an unknown name, or "fast" on a program outside its
    structure, is a :class:`~optimizer.errors.ScenarioError`.

    ``budgets``: account budgets whose optimum the structured solver also reads off its path
    (``Solution.frontier``); the other solvers leave them to :func:`optimizer.solver.frontier.frontier`.
    """
    if solver not in SOLVERS:
        raise ScenarioError([f"The 'solver' parameter must be one of {', '.join(SOLVERS)}. Got {solver!r} instead."])
    if solver in ("highs", "pulp"):
        solution = (solve_highs if solver == "highs" else solve_pulp)(program)
        return canonical_prices(program, solution)
    checked = check(program)
    if checked[0] is None:
        return solve_structured(program, checked, budgets)
    if solver == "fast":
        raise ScenarioError([f"solver 'fast' cannot plan this scenario: {checked[0]}; use --solver highs"])
    return solve_highs(program)


def canonical_prices(program: Program, solution: Solution) -> Solution:
    """The solution with the structured solver's prices, where that solver takes the program and finds the same optimum.

    At a degenerate vertex (ties, a limit met exactly at a breakpoint) the prices are not unique, and HiGHS
    or CBC may quote another set that proves the same optimum: then reasons, cut-offs and binding limits
    would differ by solver. Every optimal set of prices is optimal with every optimal solution, so each
    solver quotes the structured solver's (the canonical ones); outside its reach, each quotes its own.
    """
    if solution.status != "optimal":
        return solution
    checked = check(program)
    if checked[0] is not None:
        return solution
    fast = solve_structured(program, checked)
    scale = max(1.0, abs(solution.objective))
    if fast.status != "optimal" or abs(fast.objective - solution.objective) > 1e-6 * scale:
        return solution
    return replace(solution, duals=dict(fast.duals), binding=binding(fast.duals, solution.objective))
