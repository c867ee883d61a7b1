"""How a keyword responds to its bid in a second-price auction: an S-curve, placed from the data.

Model: the best competing score (bid x quality) on a search is lognormal with spread
``sigma``. A keyword whose score is ``bid x q`` wins the impression with probability
``Phi(z)``, ``z = (log(bid q) - mu) / sigma``, and pays what it needed to win, so its
CPC over bid is::

    rho(z) = E[C | C < bid q] / (bid q) = exp(sigma^2 / 2 - sigma z) Phi(z - sigma) / Phi(z)

which falls from 1 (a keyword that barely wins pays its bid) to 0 (one that wins every
auction pays far less). Moving the bid by a factor ``m`` moves ``z`` by
``log(m) / sigma``; clicks scale with ``Phi(z)``. Where each keyword stands on its
curve (its ``z`` and ``sigma``) is read from the data by :mod:`optimizer.model.placement`.

A power law with one elasticity stretches a local slope over -50%..+100% bid moves
and so over-forecasts keywords that already win almost every auction; this curve
saturates. One more click always costs exactly the bid at the margin, which keeps
value concave in spend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from optimizer.model import halves

#: Spread of the log competing score when no bid change shows it (mid of 0.3-1.0 seen across markets).
DEFAULT_SIGMA = 0.6
#: Without a bid column a keyword is placed where its local elasticities are the documented
#: search-ads defaults (clicks +0.8% and CPC +0.6% per +1% bid): z = 0.55 on the default spread.
DEFAULT_Z0 = 0.55
RATIO_RANGE = (0.02, 0.995)
#: Below z = -1.5 a keyword wins under 7% of its auctions; CPC / bid cannot tell that apart from
#: noise, so the curve is not extrapolated steeper than there (a conservative raise).
Z_RANGE = (-1.5, 6.0)


def log_rho(z: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """log(CPC / bid) at position ``z``."""
    return 0.5 * sigma**2 - sigma * z + log_ndtr(z - sigma) - log_ndtr(z)


#: CPC / bid at the default position: today's bid is inferred as CPC / DEFAULT_RATIO without a bid column.
DEFAULT_RATIO = float(np.exp(log_rho(np.array(DEFAULT_Z0), np.array(DEFAULT_SIGMA))))


#: Bisection steps that bracket the position to 16 / 2**8 before the Newton steps polish it.
BRACKET_STEPS, NEWTON_STEPS = 8, 4
#: The bracket every position is searched in, [-BRACKET, BRACKET].
BRACKET = 8.0


def z_from_ratio(ratio: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """The position whose CPC / bid is ``ratio``: rho falls in z, so :func:`falling_root` finds it.

    ``d log rho / dz = -sigma + m(z - sigma) - m(z)`` with ``m = phi / Phi`` (the inverse Mills
    ratio); from a bracket of width 1/16 four Newton steps reach machine precision, three
    times faster than bisecting all the way (this runs on every keyword x every spread tried).
    The bisection only ever tries the 2**8 + 1 points of its grid, so where the spreads are a few
    (one per plan, or one per grid value tried) log rho is worked out once per spread and grid
    point and the bisection reads it off (:func:`bisect_on_table`), the same steps to the bit.
    """
    target = np.log(np.clip(ratio, *RATIO_RANGE))
    spread = np.broadcast_to(sigma, target.shape)

    def gap(z: np.ndarray, slope: bool) -> tuple[np.ndarray, np.ndarray | None]:
        if not slope:
            return log_rho(z, spread) - target, None
        value, derivative = log_rho_slope(z, spread)
        return value - target, derivative

    bracket = bisect_on_table(target, sigma, BRACKET_STEPS)
    if bracket is None:
        bracket = bisect(gap, target.shape, BRACKET_STEPS)
    return newton(gap, *bracket)


def falling_root(gap, shape: tuple[int, ...], bracket_steps: int) -> np.ndarray:
    """Where ``gap(z, slope)`` (value, and its derivative when ``slope``), falling in z, crosses 0 in
    [-BRACKET, BRACKET]: bisect ``bracket_steps`` times to a bracket, then NEWTON_STEPS Newton steps kept inside it.
    """
    return newton(gap, *bisect(gap, shape, bracket_steps))


def bisect(gap, shape: tuple[int, ...], steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The bracket [low, high] of ``gap``'s root after ``steps`` halvings of [-BRACKET, BRACKET]."""
    low, high = np.full(shape, -BRACKET), np.full(shape, BRACKET)
    for _ in range(steps):
        middle = 0.5 * (low + high)
        above = gap(middle, False)[0] > 0
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    return low, high


def newton(gap, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """NEWTON_STEPS Newton steps on ``gap`` from the middle of each bracket, kept inside it."""
    z = 0.5 * (low + high)
    for _ in range(NEWTON_STEPS):
        value, slope = gap(z, True)
        z = np.clip(z - value / np.minimum(slope, -1e-12), low, high)
    return z


def bisect_on_table(target: np.ndarray, sigma: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`bisect` of ``log_rho(z, sigma) - target`` with log rho read off a table: one row per distinct spread,
    one column per point of the bisection's grid; the same comparisons of the same numbers, so the same bracket.

    None when the spreads are not all positive and finite, or too many for the table to cost less than a step.
    """
    sigma = np.asarray(sigma, dtype=float)
    points = 2**steps + 1
    if sigma.size == 0 or not (np.isfinite(sigma).all() and (sigma > 0).all()):
        return None
    codes, spreads = pd.factorize(sigma.reshape(-1))
    if len(spreads) * points > target.size:
        return None
    spreads = np.asarray(spreads, dtype=float)
    grid = -BRACKET + np.arange(points) * (2 * BRACKET / 2**steps)   # every middle the bisection can try, exactly
    table = log_rho(np.tile(grid, len(spreads)), np.repeat(spreads, points))
    base = np.broadcast_to((codes * points).reshape(sigma.shape), target.shape)
    low, high = np.zeros(target.shape, dtype=np.int64), np.full(target.shape, points - 1, dtype=np.int64)
    for _ in range(steps):
        middle = (low + high) >> 1
        above = table[base + middle] - target > 0
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    return grid[low], grid[high]


def log_rho_slope(z: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`log_rho` and its derivative in ``z``, ``-sigma + m(z - sigma) - m(z)``: the same numbers as those
    functions give, from one ``log_ndtr`` of each point instead of two."""
    shifted = z - sigma
    log_phi, log_phi_shifted = log_ndtr(z), log_ndtr(shifted)
    value = 0.5 * sigma**2 - sigma * z + log_phi_shifted - log_phi
    return value, -sigma + _mills(shifted, log_phi_shifted) - _mills(z, log_phi)


def _mills(x: np.ndarray, log_phi: np.ndarray) -> np.ndarray:
    """phi(x) / Phi(x) given ``log_phi = log_ndtr(x)``, computed in logs so it stays finite far in the left tail."""
    return np.exp(-0.5 * x**2 - 0.5 * np.log(2 * np.pi) - log_phi)


def clicks_factor(z0: np.ndarray, sigma: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """Clicks (and impressions) at ``multiplier`` x today's bid, relative to today's."""
    return np.exp(log_ndtr(z0 + np.log(multiplier) / sigma) - log_ndtr(z0))


def cpc_ratio(z0: np.ndarray, sigma: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """CPC / bid at ``multiplier`` x today's bid."""
    return np.exp(log_rho(z0 + np.log(multiplier) / sigma, sigma))


def cpc_factor(z0: np.ndarray, sigma: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """CPC at ``multiplier`` x today's bid relative to today's CPC: the curve's shape, anchored on the data."""
    return multiplier * np.exp(log_rho(z0 + np.log(multiplier) / sigma, sigma) - log_rho(z0, sigma))


def response_factors(z0: np.ndarray, sigma: np.ndarray, multiplier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``clicks_factor`` and ``cpc_factor`` at once, the same numbers from one position and one ``log_ndtr`` of it.

    The candidate tables are (units x levels); each evaluation of the curve there is the
    bulk of building them, so the shared parts are computed once and the rest in place,
    a large table's two halves of rows side by side (:mod:`optimizer.model.halves`).
    """
    z0, sigma, multiplier = np.asarray(z0), np.asarray(sigma), np.asarray(multiplier)
    shape = np.broadcast_shapes(z0.shape, sigma.shape, multiplier.shape)
    clicks, cpc = np.empty(shape), np.empty(shape)
    if not shape:
        _factors_into(z0, sigma, multiplier, clicks, cpc)
        return clicks, cpc

    def half(rows: slice) -> None:
        # an input spans the table's rows when it has their axis (not broadcast along it)
        z0_rows, sigma_rows, multiplier_rows = (
            a[rows] if a.ndim == len(shape) and a.shape[0] == shape[0] else a for a in (z0, sigma, multiplier))
        _factors_into(z0_rows, sigma_rows, multiplier_rows, clicks[rows], cpc[rows])

    halves.by_halves(shape[0], int(np.prod(shape)), half)
    return clicks, cpc


def _factors_into(z0: np.ndarray, sigma: np.ndarray, multiplier: np.ndarray, clicks: np.ndarray,
                  cpc: np.ndarray) -> None:
    """:func:`response_factors` of one block of rows, into ``clicks`` and ``cpc``."""
    z = np.log(np.broadcast_to(multiplier, clicks.shape))
    z /= sigma
    z += z0
    log_phi = log_ndtr(z, out=clicks)   # log Phi(z), in the clicks table's pages
    np.multiply(sigma, z, out=cpc)   # log_rho(z, sigma), term by term in its order, in place
    np.subtract(0.5 * sigma**2, cpc, out=cpc)
    z -= sigma
    cpc += log_ndtr(z, out=z)
    cpc -= log_phi
    cpc -= log_rho(z0, sigma)
    np.exp(cpc, out=cpc)
    cpc *= multiplier
    log_phi -= log_ndtr(z0)   # log Phi(z) is read no more: the clicks factor takes its place
    np.exp(log_phi, out=log_phi)


def local_elasticities(z0: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d log clicks / d log bid and d log CPC / d log bid at today's bid, for the summary."""
    step = 1e-3
    log_phi = log_ndtr(z0)
    moved = []   # clicks_factor and cpc_ratio a step up and down, each point's log_ndtr taken once
    for multiplier in (np.exp(step), np.exp(-step)):
        z = z0 + np.log(multiplier) / sigma
        log_phi_moved = log_ndtr(z)
        log_ratio = 0.5 * sigma**2 - sigma * z + log_ndtr(z - sigma) - log_phi_moved
        moved.append((np.exp(log_phi_moved - log_phi), np.exp(log_ratio)))
    (clicks_up, ratio_up), (clicks_down, ratio_down) = moved
    clicks = (np.log(clicks_up) - np.log(clicks_down)) / (2 * step)
    cpc = 1 + (np.log(ratio_up) - np.log(ratio_down)) / (2 * step)
    return clicks, cpc


@dataclass(frozen=True)
class Position:
    """Each unit's place on its auction curve: spread and position at today's bid."""

    sigma: np.ndarray
    #: position at today's bid, kept inside Z_RANGE (the shape of the response)
    z0: np.ndarray
    #: CPC / bid at today's bid, from the data (the level of the response)
    ratio: np.ndarray
    sigma_source: str
    #: The share of each curve's log clicks response the history's bid changes bear out (at most 1)
    response_scale: float = 1.0
