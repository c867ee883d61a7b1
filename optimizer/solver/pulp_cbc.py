"""The plan's LP as a PuLP model: the ``--write-lp`` file a person can audit, and a solve with CBC.

Variable ``share_<unit>_<level>`` is the part of the period unit ``unit`` runs at
candidate ``level`` (today's bid is the middle level), row ``choose_<unit>`` keeps a
unit's shares at most 1; :func:`lp_names` says which keyword and bid each name
stands for. PuLP needs one Python object per variable, so this is for audit and for
checking the other solvers, not for the hot path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.solver.program import INF, Program, Solution, binding

#: The columns of the units table that name a unit, as far as it has them.
UNIT_KEYS = ("plan", "ad_group", "keyword", "match_type")
#: CBC's status codes, in our words.
STATUS = {1: "optimal", -1: "infeasible", -2: "unbounded", 0: "not solved"}


def _label(row: str) -> str:
    """A coupling row's name as an LP-safe constraint name (``plan_budget_cap[A]`` -> ``plan_budget_cap_A``)."""
    return row.replace("[", "_").replace("]", "")


def _share_names(unit: np.ndarray, level: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(np.char.add("share_", unit.astype(str)), "_"), level.astype(str))


def _choose_names(unit: np.ndarray) -> np.ndarray:
    return np.char.add("choose_", unit.astype(str))


def pulp_model(program: Program):
    """The program as a PuLP model, constraints named as in :meth:`Program.rows`."""
    import pulp

    cand = program.candidates
    n_units, n_levels = cand.valid.shape
    columns = np.flatnonzero(cand.valid.ravel())
    unit_of_col, level = np.divmod(columns, n_levels)
    model = pulp.LpProblem("bidopt_plan", pulp.LpMaximize)
    variables = {int(col): model.add_variable(str(name), lowBound=0, upBound=1)
                 for col, name in zip(columns, _share_names(unit_of_col, level))}

    def expression(coef: np.ndarray) -> pulp.LpAffineExpression:
        flat = coef.ravel()
        return pulp.LpAffineExpression([(variables[int(col)], float(flat[col])) for col in columns if flat[col] != 0])

    model += expression(program.objective), "objective"
    starts = np.searchsorted(unit_of_col, np.arange(n_units + 1))
    with_shares = np.flatnonzero(starts[1:] > starts[:-1])
    for unit, name in zip(with_shares, _choose_names(with_shares)):
        total = pulp.lpSum([variables[int(col)] for col in columns[starts[unit]:starts[unit + 1]]])
        model += (total <= 1 if cand.can_pause[unit] else total == 1), str(name)
    for name, coef, lower, upper, _ in program.rows():
        if upper < INF:
            model += expression(coef) <= upper, _label(name)
        else:
            model += expression(coef) >= lower, _label(name)
    return model


def write_lp(program: Program, path) -> None:
    """Write the program as an LP file a person can audit (see :func:`pulp_model` and :func:`lp_names`)."""
    pulp_model(program).writeLP(str(path))


def names_file(lp: Path) -> Path:
    """Where :func:`lp_names` goes beside the LP file: its name with ``.vars.csv`` added (``plan.lp.vars.csv``)."""
    return lp.with_name(lp.name + ".vars.csv")


def lp_names(program: Program, units: pd.DataFrame) -> pd.DataFrame:
    """Which unit and candidate bid each name in the LP file stands for, a row per name, unit by unit.

    ``lp_name`` is a unit's ``choose_<unit>`` row (no bid) followed by its
    ``share_<unit>_<level>`` variables; ``units`` is the units table the program was
    built from (row ``unit``), whose key columns name the unit.
    """
    cand = program.candidates
    columns = np.flatnonzero(cand.valid.ravel())
    unit_of_col, level = np.divmod(columns, cand.valid.shape[1])
    with_shares = np.unique(unit_of_col)
    unit = np.concatenate([with_shares, unit_of_col])
    level = np.concatenate([np.full(len(with_shares), -1), level])
    order = np.lexsort((level, unit))   # unit by unit, its choose row first
    unit, level = unit[order], level[order]
    is_share = level >= 0
    name = np.where(is_share, _share_names(unit, level), _choose_names(unit))
    frame = pd.DataFrame({"lp_name": name})
    for key in UNIT_KEYS:
        if key in units.columns:
            frame[key] = units[key].to_numpy()[unit]
    frame["bid"] = np.where(is_share, cand.bid[unit, np.maximum(level, 0)], np.nan)
    return frame


def solve_pulp(program: Program) -> Solution:
    """Solve with PuLP's bundled CBC on the :func:`pulp_model` model (slow: one object per variable)."""
    import pulp

    shape = program.candidates.valid.shape
    model = pulp_model(program)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    status = STATUS.get(model.status, "failed")
    if status != "optimal":
        return Solution(status, float("nan"), np.zeros(shape), {}, {}, (), solver="pulp")
    share = np.zeros(shape)
    for variable in model.variables():
        if variable.name.startswith("share_"):
            _, unit, level = variable.name.split("_")
            share[int(unit), int(level)] = variable.value() or 0.0
    duals, activity = {}, {}
    constraints = {c.name: c for c in model.constraints.values()} if not callable(model.constraints) else {
        c.name: c for c in model.constraints()}
    for name, coef, _, upper, _ in program.rows():
        constraint = constraints.get(_label(name))
        pi = constraint.pi if constraint is not None and constraint.pi is not None else 0.0
        # CBC's pi is d objective / d right-hand side of the row as written (<= upper, or >= lower)
        duals[name] = float(pi if upper < INF else -pi)
        activity[name] = float((coef * share).sum())
    objective = float((share * program.objective).sum())
    return Solution("optimal", objective, share, duals, activity, binding(duals, objective), solver="pulp")
