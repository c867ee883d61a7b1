"""The solver: the linear program, its limits and its solvers (structured, HiGHS, PuLP); the frontier, feasibility and risk.

:func:`solve` is the one way in: every caller names a solver (or leaves "auto") and
gets a :class:`~optimizer.solver.program.Solution` back; each solver's own function
(``solve_structured``, ``solve_highs``, ``solve_pulp``) is for tests and benchmarks.
"""

from __future__ import annotations

from optimizer.errors import ScenarioError
from optimizer.solver.highs import solve_highs
from optimizer.solver.program import Program, Solution
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
    if solver == "highs":
        return solve_highs(program)
    if solver == "pulp":
        return solve_pulp(program)
    checked = check(program)
    if checked[0] is None:
        return solve_structured(program, checked, budgets)
    if solver == "fast":
        raise ScenarioError([f"solver 'fast' cannot plan this scenario: {checked[0]}; use --solver highs"])
    return solve_highs(program)
