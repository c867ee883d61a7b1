"""Numbers as text for a million rows at once, byte for byte what Python's own formatting writes.

Python formats one float per call (~0.4 µs; pandas' CSV writer ~2 µs with its checks);
at 10^6 keywords times a dozen columns that was the slowest step of a plan. Here the
digits come from integer arithmetic on whole arrays and land in an Arrow string array.
A value whose correctly rounded digits cannot be told apart from the float product (a
near tie), or that lies outside the plain range (NaN, inf, very large or small), is
formatted by Python itself, so the text is always identical to ``f"{v:.2f}"`` or
``"%.6g" % v``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_POW10 = 10 ** np.arange(19, dtype=np.int64)
#: Rows formatted per block: bounds the (rows, characters) scratch arrays to a few tens of MiB.
_BLOCK = 1 << 18
#: Distance from a rounding tie below which Python decides (the float product is off by ~1e-16 relative).
_TIE_TOL = 1e-7


#: '0000' .. '9999' as ASCII: four digits per lookup instead of one division per digit.
_FOUR_DIGITS = np.frombuffer("".join(f"{number:04d}" for number in range(10_000)).encode(), dtype=np.uint32)
#: Magnitudes from here on (12 digits) are left to Python.
_MAX_MAGNITUDE = 10**12
#: For each six-digit number (and 0), how many of its last five digits are trailing zeros: one lookup, not five divisions.
_TRAILING_ZEROS = np.zeros(10**6, np.uint8)
for _places in range(1, 6):
    _TRAILING_ZEROS[::10**_places] += 1


def _assemble(magnitude: np.ndarray, decimals: np.ndarray, negative: np.ndarray) -> pa.LargeStringArray:
    """``-`` when negative, then ``magnitude / 10**decimals`` with exactly ``decimals`` digits after the point.

    The twelve digits of each magnitude, right-aligned, get the point inserted and the
    sign put in front in a (rows, 13) byte table; the cells that belong to the text are
    then taken row by row, which lays the strings one after another as Arrow wants them.
    """
    count = len(magnitude)
    high, low = np.divmod(magnitude, 10_000)
    groups = np.stack([high // 10_000, high % 10_000, low], axis=1)
    digits = _FOUR_DIGITS[groups].view(np.uint8).reshape(count, 12)
    # the integer part has the magnitude's digits less the decimals (at least one, the 0 of 0.25)
    int_digits = np.maximum(np.searchsorted(_POW10, magnitude, side="right") - decimals, 1)
    length = negative + int_digits + np.where(decimals > 0, decimals + 1, 0)
    chars = np.empty((count, 13), np.uint8)
    chars[:, 0] = 48
    chars[:, 1:] = digits   # digits moved right by one: a point goes where the gap opens
    rows = np.arange(count)
    if count and (decimals == decimals[0]).all():   # one number of decimals for all (money): columns, no masks
        if decimals[0] > 0:
            chars[:, :12 - decimals[0]] = digits[:, :12 - decimals[0]]
            chars[:, 12 - decimals[0]] = ord(".")
    elif count:
        point_at = np.where(decimals > 0, 12 - decimals, -1)
        np.copyto(chars[:, :12], digits, where=np.arange(12)[None, :] < point_at[:, None])
        pointed = point_at >= 0
        chars.reshape(-1)[rows[pointed] * 13 + point_at[pointed]] = ord(".")
    start = 13 - length
    chars.reshape(-1)[rows[negative] * 13 + start[negative]] = ord("-")
    data = chars[np.arange(13)[None, :] >= start[:, None]]   # row by row: the strings one after another
    offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int64)
    return pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))


def _blocks(magnitude, decimals, negative) -> pa.LargeStringArray:
    parts = [_assemble(magnitude[start:start + _BLOCK], decimals[start:start + _BLOCK], negative[start:start + _BLOCK])
             for start in range(0, len(magnitude), _BLOCK)]
    return pa.concat_arrays(parts) if parts else pa.array([], pa.large_string())


def _with_python(fast: pa.LargeStringArray, values: np.ndarray, slow: np.ndarray, pattern: str, decimals=None):
    """Replace the cells ``slow`` marks by Python's own text."""
    if not slow.any():
        return fast
    if decimals is None:
        texts = [pattern % value for value in values[slow].tolist()]
    else:
        texts = [pattern % (places, value) for places, value in zip(decimals[slow].tolist(), values[slow].tolist())]
    return pc.replace_with_mask(fast, pa.array(slow), pa.array(texts, pa.large_string()))


def fixed(values: np.ndarray, decimals: int | np.ndarray) -> pa.LargeStringArray:
    """``f"{value:.{decimals}f}"`` of every value (``decimals`` one for all or one per value, 0-9)."""
    values = np.asarray(values, dtype=float)
    decimals = np.broadcast_to(np.asarray(decimals, dtype=np.int64), values.shape)
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = magnitude * _POW10[decimals]
        slow = ~(scaled < _MAX_MAGNITUDE - 1) | (np.abs(scaled - np.floor(scaled) - 0.5) < _TIE_TOL * np.maximum(scaled, 1.0))
    whole = np.rint(np.where(slow, 0.0, scaled)).astype(np.int64)
    fast = _blocks(whole, decimals, np.signbit(values) & ~np.isnan(values))
    return _with_python(fast, values, slow, "%.*f", decimals)


def general(values: np.ndarray) -> pa.LargeStringArray:
    """``"%.6g" % value`` of every value: six significant digits, trailing zeros dropped."""
    values = np.asarray(values, dtype=float)
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        plain = (magnitude >= 1e-4) & (magnitude < 999_999)
        exponent = np.where(plain, np.floor(np.log10(np.where(plain, magnitude, 1.0))), 0).astype(np.int64)
        for _ in range(2):   # log10 can miss by one next to a power of ten
            scaled = magnitude * _POW10[np.clip(5 - exponent, 0, 18)]
            exponent += np.where(plain & (scaled >= 999_999.5), 1, 0) - np.where(plain & (scaled < 99_999.5), 1, 0)
            exponent = np.clip(exponent, -4, 5)
        scaled = magnitude * _POW10[5 - exponent]
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < _TIE_TOL * scaled
        # ... or next to the tie that decides the exponent (99999.95 is 99999.9, not 100000)
        near_tie |= np.abs(magnitude * _POW10[6 - exponent] - 999_999.5) < _TIE_TOL * 1e6
        slow = (~plain & (magnitude != 0)) | (plain & (near_tie | (scaled >= 999_999.5) | (scaled < 99_999.5)))
    digits = np.rint(np.where(plain & ~slow, scaled, 0.0)).astype(np.int64)
    decimals = np.where(plain, 5 - exponent, 0)
    # %g drops trailing zeros after the point (at most five of six digits are zeros); digits are 0 or six long
    trailing = _TRAILING_ZEROS[digits]
    dropped = np.minimum(trailing, decimals)
    digits, decimals = digits // _POW10[dropped], decimals - dropped
    fast = _blocks(digits, decimals, np.signbit(values) & ~np.isnan(values))
    return _with_python(fast, values, slow, "%.6g")
