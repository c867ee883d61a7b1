"""The plan's LP as a PuLP model: the ``--write-lp`` file a person can audit, and a solve with CBC.

Variable ``share_<unit>_<level>`` is the part of the period unit ``unit`` runs at
candidate ``level`` (today's bid is the middle level), row ``choose_<unit>`` keeps a
unit's shares at most 1; :func:`lp_names` says which keyword and bid each name
stands for. PuLP needs one Python object per variable, so this is for audit and for
checking the other solvers, not for the hot path.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.solver.program import INF, Program, Solution, binding

#: The columns of the units table that name a unit, as far as it has them.
UNIT_KEYS = ("plan", "ad_group", "keyword", "match_type")
#: CBC's status codes, in our words.
STATUS = {1: "optimal", -1: "infeasible", -2: "unbounded", 0: "not solved"}


def _labels(rows: list[str]) -> list[str]:
    """The coupling rows' names as LP-safe constraint names, each its own (``plan_budget_cap[A-1]`` ->
    ``plan_budget_cap_A_1``; a name another row has already taken gets its position added)."""
    labels, taken = [], set()
    for position, row in enumerate(rows):
        label = re.sub(r"\W", "_", row.replace("]", ""))
        label = label if label not in taken else f"{label}_{position}"
        taken.add(label)
        labels.append(label)
    return labels


def _share_names(unit: np.ndarray, level: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(np.char.add("share_", unit.astype(str)), "_"), level.astype(str))


def _choose_names(unit: np.ndarray) -> np.ndarray:
    return np.char.add("choose_", unit.astype(str))


def pulp_model(program: Program):
    """The program as a PuLP model, constraints named as in :meth:`Program.rows`."""
    return _build(program)[0]


def _build(program: Program):
    """The PuLP model, its variables by flat candidate index, and its coupling constraints by row name."""
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
    rows = program.rows()
    constraints = {}
    for (name, coef, lower, upper, _), label in zip(rows, _labels([row[0] for row in rows])):
        constraints[name] = expression(coef) <= upper if upper < INF else expression(coef) >= lower
        model.addConstraint(constraints[name], label)
    return model, variables, constraints


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
    model, variables, constraints = _build(program)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    status = STATUS.get(model.status, "failed")
    if status != "optimal":
        return Solution(status, float("nan"), np.zeros(shape), {}, {}, (), solver="pulp")
    share = np.zeros(shape)
    if variables:
        columns = np.fromiter(variables, dtype=np.int64, count=len(variables))
        share.ravel()[columns] = [variable.value() or 0.0 for variable in variables.values()]
    duals, activity = {}, {}
    for name, coef, _, upper, _ in program.rows():
        pi = float(constraints[name].pi or 0.0)
        # CBC's pi is d objective / d right-hand side of the row as written (<= upper, or >= lower);
        # no "-0.00" for a slack limit
        duals[name] = (pi if upper < INF else -pi) if abs(pi) > 1e-12 else 0.0
        activity[name] = float((coef * share).sum())
    objective = float((share * program.objective).sum())
    return Solution("optimal", objective, share, duals, activity, binding(duals, objective), solver="pulp")
