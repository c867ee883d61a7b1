"""The structured solver's one global order: keys ascending, equal keys by index, the same on every machine.

numpy's default argsort is not stable, and on machines with AVX-512 it is a SIMD sort whose
order among equal keys depends on the CPU. Where a plan's cut falls among equal efficiencies
(keywords with the same curve), that order decides which keyword is bought, so it is made
canonical here: exactly ``np.argsort(keys, kind="stable")`` (NaN last, ``-0.0 == 0.0``), from the
default sort's work plus about an eighth, on both cores where a second one is free.

A large array is split around a sampled median into the keys below it and the rest; each part
is sorted in its own thread (numpy's sort lets go of the interpreter), and within each run of
equal keys the indices are then put in ascending order (a small sort over the tied ones only).
The result does not depend on the split, the threads or the CPU.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from optimizer.model.halves import at_once, two_cores

#: Keys from which the two parts are sorted at once; below it one sort is quicker than two threads.
SPLIT_SIZE = 1 << 18
#: About how many keys the pivot is the median of (an even stride through the array, no random draw).
SAMPLE_SIZE = 1 << 13


def descending_order(values: np.ndarray) -> np.ndarray:
    """Indices of ``values`` from the largest down, equal values by index ascending, NaN last: exactly
    ``np.argsort(-values, kind="stable")``."""
    return ascending_order(np.negative(values))


def ascending_order(keys: np.ndarray, spare: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Exactly ``np.argsort(keys, kind="stable")`` for a 1-d float array, on two cores when it is large.

    ``spare``: two float64 arrays of at least ``len(keys)`` entries whose contents may be overwritten (the
    parts' keys, their sorted copies and sorted indices go there instead of into fresh arrays; used for
    float64 keys); ``keys`` is left as it was.
    """
    keys = np.asarray(keys)
    size = len(keys)
    if spare is not None and (keys.dtype != np.float64 or any(
            len(buffer) < size or buffer.dtype != np.float64 for buffer in spare)):
        spare = None   # too small or of another type: fresh arrays instead
    order = np.empty(size, np.intp)
    split = _split(keys)
    if split is None:
        _sort_part(keys, None, order, None if spare is None else (spare[0][:size], spare[1][:size]))
        return order
    below, count = split
    parts = ((below, slice(0, count)), (None, slice(count, size)))
    at_once(*(partial(_sort_part, keys, (mask, below), order[where],
                      None if spare is None else (spare[0][where], spare[1][where])) for mask, where in parts))
    return order


def _split(keys: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Which keys go to the lower part (below a sampled median) and how many, or None when one sort is quicker."""
    size = len(keys)
    if size < SPLIT_SIZE or not two_cores():
        return None
    sample = np.sort(keys[::max(1, size // SAMPLE_SIZE)])
    pivot = sample[len(sample) // 2]
    below = keys < pivot   # NaN is never below: every NaN goes to the upper part, and sorts last there
    count = int(np.count_nonzero(below))
    if count < size // 4:   # many keys equal to the pivot: they join the lower part instead
        below = keys <= pivot
        count = int(np.count_nonzero(below))
    return (below, count) if 0 < count < size else None


def _sort_part(keys: np.ndarray, select: tuple[np.ndarray | None, np.ndarray] | None, out: np.ndarray,
               spare: tuple[np.ndarray, np.ndarray] | None) -> None:
    """Write into ``out`` the indices of the selected keys (all when ``select`` is None; ``(None, below)``:
    those not below) in canonical ascending order."""
    work = (None, None) if spare is None else spare
    part = keys
    if select is not None:
        mask, below = select
        out[:] = np.flatnonzero(mask if mask is not None else ~below)   # the part's indices, until sorted
        part = keys.take(out, out=work[0], mode="clip")
    rank = np.argsort(part)
    # the indices run upward, so rank's ascending order within a run of equal keys is theirs
    canonical_ties(part.take(rank, out=work[1], mode="clip"), rank)
    if select is None:
        out[:] = rank
        return
    # the part's keys are read no more: their buffer takes the sorted indices before they go to ``out``
    out[:] = np.take(out, rank, out=None if spare is None else spare[0].view(np.intp), mode="clip")


def canonical_ties(ranked: np.ndarray, rank: np.ndarray) -> None:
    """Within every run of equal ``ranked`` keys (NaNs, all at the end, are one run) sort ``rank`` ascending,
    in place; ``ranked`` is the keys in the order ``rank`` lists them."""
    size = len(ranked)
    if size < 2:
        return
    tied = ranked[1:] == ranked[:-1]   # tied[i]: entries i and i + 1 are one run
    if np.isnan(ranked[-1]):
        first_nan = int(np.searchsorted(ranked, np.nan))   # NaN sorts last, in searchsorted as in sort
        tied[first_nan:] = True
    pair = np.flatnonzero(tied)   # entries pair[j] and pair[j] + 1 are equal
    if not len(pair):
        return
    # the tied entries, run by run: each run's pairs, then the entry after its last pair
    begins = np.ones(len(pair), bool)
    begins[1:] = pair[1:] != pair[:-1] + 1
    run_of_pair = np.cumsum(begins) - 1
    last = np.ones(len(pair), bool)
    last[:-1] = begins[1:]
    slot = np.arange(len(pair)) + run_of_pair   # each earlier run's closing entry comes before
    end_slot = slot[last] + 1
    position, run = np.empty(len(pair) + int(last.sum()), np.intp), np.empty(len(pair) + int(last.sum()), np.int64)
    position[slot], position[end_slot] = pair, pair[last] + 1
    run[slot], run[end_slot] = run_of_pair, run_of_pair[last]
    members = rank[position]
    if size < 2**31:
        # one integer key per tied entry, run first then index: runs keep their place, indices go up
        joined = np.sort(run * size + members)
        rank[position] = joined % size
    else:
        rank[position] = members[np.lexsort((members, run))]
