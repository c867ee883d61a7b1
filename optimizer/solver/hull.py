"""Every unit's upper concave hull of its (spend, value) points, as vertices and increments.

Only the hull matters to the plan's LP: a point under it is never worth buying. The
hull is found for all units at once (whole-array rounds, no loop per keyword); its
increments, unit by unit, are what :mod:`optimizer.solver.increments` sorts into one path.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from optimizer.model import halves
from optimizer.model.response import Candidates


def _neighbours(alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which neighbouring points are both alive, and which rows' alive points are one run of neighbours."""
    pair = alive[:, :-1] & alive[:, 1:]
    return pair, (alive[:, 1:] & ~alive[:, :-1]).sum(axis=1) + alive[:, 0] <= 1


def _unsorted_rows(spend: np.ndarray, alive: np.ndarray, steps: np.ndarray, pair: np.ndarray,
                   one_run: np.ndarray) -> bool:
    """Whether some row's alive points do not run in order of spend."""
    if alive.all():   # the usual table: no running maximum needed to see that spend never falls
        return bool((steps < 0).any())
    if (pair & (steps < 0)).any():   # two alive neighbours out of order
        return True
    gaps = np.flatnonzero(~one_run)   # only rows with dead points between alive ones need the running maximum
    running = np.maximum.accumulate(np.where(alive[gaps], spend[gaps], -np.inf), axis=1)
    return bool(np.any(alive[gaps, 1:] & (spend[gaps, 1:] < running[:, :-1])))


def _drop_round(spend: np.ndarray, value: np.ndarray, alive: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One round of :func:`_hull` on ``rows``: drops their non-vertices from ``alive``; the rows left to check."""
    width = spend.shape[1]
    columns = np.arange(width)
    sub_alive, sub_spend, sub_value = alive[rows], spend[rows], value[rows]
    prev = np.maximum.accumulate(np.where(sub_alive, columns, -1), axis=1)
    prev = np.concatenate([np.full((len(rows), 1), -1), prev[:, :-1]], axis=1)
    nxt = np.minimum.accumulate(np.where(sub_alive, columns, width)[:, ::-1], axis=1)[:, ::-1]
    nxt = np.concatenate([nxt[:, 1:], np.full((len(rows), 1), width)], axis=1)
    has_prev, has_next = prev >= 0, nxt < width
    p, q = np.maximum(prev, 0), np.minimum(nxt, width - 1)
    sp, vp = np.take_along_axis(sub_spend, p, 1), np.take_along_axis(sub_value, p, 1)
    sq, vq = np.take_along_axis(sub_spend, q, 1), np.take_along_axis(sub_value, q, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # the same division as the final efficiencies, so kept vertices have strictly falling slopes
        slope_in = (sub_value - vp) / (sub_spend - sp)
        slope_out = (vq - sub_value) / (sq - sub_spend)
    # of points at one spend only the best stays (the first of equals)
    same_next = has_next & (sq == sub_spend) & (vq > sub_value)
    same_prev = has_prev & (sp == sub_spend) & (vp >= sub_value)
    inner = has_prev & has_next & (sp < sub_spend) & (sq > sub_spend)
    drop = sub_alive & (same_next | same_prev | (inner & ~(slope_in > slope_out)))
    if not drop.any():
        return rows[:0]
    sub_alive &= ~drop
    alive[rows] = sub_alive
    return rows[sub_alive.sum(axis=1) >= 2]


def _concave_rows(steps: np.ndarray, slopes: np.ndarray, pair: np.ndarray, one_run: np.ndarray) -> np.ndarray:
    """The usual rows: their alive points one run of neighbours (all of them, or the first ones a cut keeps),
    spend rising and slopes falling along it. Each is its own hull: the rounds of :func:`_hull` would drop
    nothing (``slopes`` are the same divisions they make)."""
    triple = pair[:, :-1] & pair[:, 1:]
    rising = ~(pair & ~(steps > 0)).any(axis=1)
    return one_run & rising & ~(triple & ~(slopes[:, :-1] > slopes[:, 1:])).any(axis=1)


def _hull(spend: np.ndarray, value: np.ndarray, alive: np.ndarray, steps: np.ndarray | None = None,
          slopes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Mask of each row's upper concave hull vertices, from its lowest spend to its highest value; and the sort.

    Rows are points; a row whose points do not run in order of spend is sorted first
    (the permutation comes back, else None). Dominated points go first (no more value
    for at least the spend), then rounds drop every point whose incoming slope is not
    above its outgoing one, all rows at once. ``steps``: ``np.diff`` of spend along the
    rows, and ``slopes`` the rises over them, when the caller has them.
    """
    width = spend.shape[1]
    perm = None
    steps = np.diff(spend, axis=1) if steps is None else steps
    pair, one_run = _neighbours(alive)
    if _unsorted_rows(spend, alive, steps, pair, one_run):
        perm = np.argsort(np.where(alive, spend, np.inf), axis=1, kind="stable")
        spend, value, alive = (np.take_along_axis(a, perm, axis=1) for a in (spend, value, alive))
    rows = np.flatnonzero(alive.sum(axis=1) >= 2)
    if perm is None and width > 2:
        if slopes is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                slopes = np.diff(value, axis=1) / steps
        rows = rows[~_concave_rows(steps, slopes, pair, one_run)[rows]]
    while rows.size:
        rows = _drop_round(spend, value, alive, rows)
    if perm is not None:
        unsorted = np.empty_like(alive)
        np.put_along_axis(unsorted, perm, alive, axis=1)
        return unsorted, perm
    return alive, None


@dataclass(frozen=True)
class UnitIncrements:
    """Every unit's hull as vertices and increments (unit-major), before any plan limit."""

    vertex_column: np.ndarray
    vertex_start: np.ndarray
    base_spend_unit: np.ndarray
    base_value_unit: np.ndarray
    feasible: bool
    inc_unit: np.ndarray
    inc_spend: np.ndarray
    #: None when no increment is free: the gains are not read again and their pages are ``spare_gain``.
    inc_gain: np.ndarray | None
    inc_eff: np.ndarray
    free: np.ndarray
    any_free: bool
    # the point tables' pages (touched already), for the gathers in sorted order at the end
    spare_spend: np.ndarray
    spare_value: np.ndarray
    spare_gain: np.ndarray | None


def _point_tables(cand: Candidates, value: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(units, levels + 1)`` spend and value tables with the paused point (0, 0) in column 0, and which are alive."""
    n, width = cand.valid.shape
    alive = np.concatenate([cand.can_pause[:, None], cand.valid], axis=1)
    spend, points = np.zeros((n, width + 1)), np.zeros((n, width + 1))   # invalid points at 0
    np.copyto(spend[:, 1:], cand.spend, where=cand.valid)
    np.copyto(points[:, 1:], value, where=cand.valid)
    return spend, points, alive


def _hulled_tables(cand: Candidates, value: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`_point_tables`, their differences along the rows (``steps``, ``rises``) and ``slopes`` (rises over
    steps), the hull's mask, and whether some row had to be sorted by spend to find it.

    Each unit's hull reads its own row only: a large table's two halves of rows are worked at once, into
    tables made for the whole (:mod:`optimizer.model.halves`).
    """
    n, width = cand.valid.shape
    spend, points = np.zeros((n, width + 1)), np.zeros((n, width + 1))   # invalid points at 0
    hull = np.empty((n, width + 1), bool)   # first which points are alive
    steps, rises, slopes = np.empty((n, width)), np.empty((n, width)), np.empty((n, width))
    resorted = []

    def block(rows: slice) -> None:
        valid = cand.valid[rows]
        hull[rows, 0], hull[rows, 1:] = cand.can_pause[rows], valid
        np.copyto(spend[rows, 1:], cand.spend[rows], where=valid)
        np.copyto(points[rows, 1:], value[rows], where=valid)
        np.subtract(spend[rows, 1:], spend[rows, :-1], out=steps[rows])   # np.diff's subtraction
        np.subtract(points[rows, 1:], points[rows, :-1], out=rises[rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            # _hull's concavity test, and the increments' efficiencies when every point is a vertex
            np.divide(rises[rows], steps[rows], out=slopes[rows])
        # the hull drops points from its rows of the alive mask in place, or comes back apart when it sorted them
        block_hull, perm = _hull(spend[rows], points[rows], hull[rows], steps[rows], slopes[rows])
        if perm is not None:
            hull[rows] = block_hull
        resorted.append(perm is not None)

    halves.by_halves(n, spend.size, block)
    return spend, points, steps, rises, slopes, hull, any(resorted)


def _vertices(spend: np.ndarray, points: np.ndarray, hull: np.ndarray, resorted: bool):
    """The hull's vertices unit by unit in order of spend: (column, count per unit, spend, value); ``resorted``:
    whether some row's points do not run in order of spend."""
    n, columns = hull.shape
    if resorted:
        # vertices must run in order of spend within a unit: sort each row's kept columns by spend
        by_spend = np.argsort(np.where(hull, spend, np.inf), axis=1, kind="stable")
        counts = hull.sum(axis=1)
        vertex_column = by_spend[np.arange(columns)[None, :] < counts[:, None]]
        vertex_unit = np.repeat(np.arange(n), counts)
        return vertex_column, counts, spend[vertex_unit, vertex_column], points[vertex_unit, vertex_column]
    if hull.all():
        vertex_column = np.tile(np.arange(columns, dtype=np.int16), n)   # small: it lives as long as the path
        return vertex_column, np.full(n, columns), spend.ravel(), points.ravel()
    # the mask picks the vertices row by row (the order of np.flatnonzero) without their flat index
    vertex_column = np.broadcast_to(np.arange(columns, dtype=np.int16), hull.shape)[hull]   # small, as above
    return vertex_column, np.count_nonzero(hull, axis=1), spend[hull], points[hull]


def unit_increments(cand: Candidates, value: np.ndarray) -> UnitIncrements:
    """Hull every unit's points and list its increments, with the efficiency of each."""
    n, width = cand.valid.shape
    spend, points, steps, rises, slopes, hull, resorted = _hulled_tables(cand, value)
    every = not resorted and hull.all()
    if not every:   # the differences along the rows are read no more: their pages go back before the vertices
        steps = rises = slopes = None
    vertex_column, counts, v_spend, v_value = _vertices(spend, points, hull, resorted)
    del hull
    has_point = counts > 0
    vertex_start = np.concatenate([[0], np.cumsum(counts)])
    first = vertex_start[:-1][has_point]
    base_spend_unit, base_value_unit = np.zeros(n), np.zeros(n)
    base_spend_unit[has_point] = v_spend[first]
    base_value_unit[has_point] = v_value[first]
    if every:
        # every point of every unit is a vertex: the increments are the table's differences along a row
        inc_unit = np.repeat(np.arange(n), width)
        inc_spend, inc_gain = steps.ravel(), rises.ravel()
    else:
        # every vertex but a unit's first (its base) ends an increment from the vertex before it
        inc_unit = np.repeat(np.arange(n), np.maximum(counts - 1, 0))
        ends_inc = np.ones(len(vertex_column), bool)
        ends_inc[first] = False
        ends_inc = ends_inc[1:]   # vertex 0 is always a first: the differences below start at vertex 1
        inc_spend = np.diff(v_spend)[ends_inc]
        inc_gain = np.diff(v_value)[ends_inc]
        del ends_inc, v_spend, v_value
    free = inc_spend <= 0
    any_free = bool(free.any())
    spare_gain = None
    if every and not any_free:
        # every increment is paid: its efficiency is the table's slope, divided already; the gains are not
        # read again when nothing is free, and their pages (touched already) take the running ROI
        inc_eff, spare_gain, inc_gain = slopes.reshape(-1), inc_gain, None
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            paid = inc_spend > 0
            inc_eff = (inc_gain / inc_spend if paid.all()
                       else np.divide(inc_gain, inc_spend, out=np.full(len(inc_spend), np.inf), where=paid))
        if not any_free:   # here too the gains are not read again: their pages take the running ROI
            spare_gain, inc_gain = inc_gain, None
    return UnitIncrements(vertex_column, vertex_start, base_spend_unit, base_value_unit,
                 feasible=bool(np.all(has_point | cand.can_pause)), inc_unit=inc_unit, inc_spend=inc_spend,
                 inc_gain=inc_gain, inc_eff=inc_eff, free=free, any_free=any_free,
                 spare_spend=spend.reshape(-1), spare_value=points.reshape(-1), spare_gain=spare_gain)


def within_marginal_roi(cand: Candidates, ratio: float) -> np.ndarray:
    """Which candidates stay allowed when no increment returning less than ``ratio`` revenue per spend may be bought.

    Each unit's (spend, revenue) hull, from pausing (or its lowest bid when it may not pause), has falling
    slopes; the unit keeps every candidate up to the spend of the last hull vertex reached by increments
    of at least ``ratio``. The hull of what is kept is the first part of the unit's hull, so a program over
    the kept candidates buys exactly the increments of at least ``ratio`` and no others: the cut is exact,
    touches no row, and keeps every program the structured solver takes.
    """
    kept = np.empty(cand.valid.shape, bool)

    def block(rows: slice) -> None:   # each unit's cut reads its own row only: a large table's halves at once
        kept[rows] = _within(_rows(cand, rows), ratio)

    halves.by_halves(len(kept), kept.size, block)
    return kept


def _rows(cand: Candidates, rows: slice) -> Candidates:
    """The candidates of a block of units (views of the tables, nothing copied)."""
    return Candidates(**{field.name: getattr(cand, field.name)[rows] for field in fields(Candidates)
                         if field.name != "current"}, current={name: values[rows] for name, values in cand.current.items()})


def _within(cand: Candidates, ratio: float) -> np.ndarray:
    """:func:`within_marginal_roi` of one block of units."""
    spend, points, alive = _point_tables(cand, cand.revenue)
    steps = np.diff(spend, axis=1)
    slopes = np.diff(points, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes /= steps
    hull, perm = _hull(spend, points, alive, steps, slopes)
    del steps
    # each row's vertices in order of spend, the other points after them: only rows not so already are sorted
    unsorted = _vertices_not_first(spend, hull, perm)
    if unsorted.size:
        order = np.argsort(np.where(hull[unsorted], spend[unsorted], np.inf), axis=1, kind="stable")
        for table in (spend, points, hull):
            table[unsorted] = np.take_along_axis(table[unsorted], order, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            slopes[unsorted] = np.diff(points[unsorted], axis=1) / np.diff(spend[unsorted], axis=1)
    reached = hull.copy()   # the lowest vertex is the unit's base; hull slopes fall, so the rest is a prefix
    reached[:, 1:] &= slopes >= ratio * (1 - 1e-12)
    reach = np.max(spend, axis=1, where=reached, initial=-np.inf)
    return cand.valid & (cand.spend <= reach[:, None] + 1e-12 * np.abs(reach[:, None]))


def _vertices_not_first(spend: np.ndarray, hull: np.ndarray, perm: np.ndarray | None) -> np.ndarray:
    """The rows whose hull vertices, in order of spend, are not the first columns.

    When every row's live points run in order of spend (``perm`` None) and are finite, so do its vertices, one
    per spend: they come first exactly when no vertex follows a column that is not one.
    """
    if perm is None and np.isfinite(spend).all():
        return np.flatnonzero((hull[:, 1:] & ~hull[:, :-1]).any(axis=1))
    keys = np.where(hull, spend, np.inf)
    return np.flatnonzero(~(keys[:, 1:] >= keys[:, :-1]).all(axis=1))
