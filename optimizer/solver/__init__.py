"""The solver: the linear program, its limits and its solvers (structured, HiGHS, PuLP); the frontier, feasibility and risk."""
