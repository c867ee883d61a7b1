"""The second-price auction curve: the position of a CPC / bid, and the response of clicks and CPC to a bid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import log_ndtr

from optimizer.model import auction
from optimizer.model import halves as halves_module
from optimizer.model.placement import SIGMA_GRID


@settings(max_examples=200, deadline=None)
@given(z=st.floats(-4.0, 5.0), sigma=st.sampled_from(list(SIGMA_GRID)))
def test_the_position_is_found_back_from_its_cpc_to_bid_ratio(z, sigma):
    ratio = np.exp(auction.log_rho(np.array([z]), np.array([sigma])))
    if not auction.RATIO_RANGE[0] < ratio[0] < auction.RATIO_RANGE[1]:
        return
    assert auction.z_from_ratio(ratio, np.array([sigma]))[0] == pytest.approx(z, abs=1e-9)


def test_a_higher_ratio_is_a_lower_position_and_the_range_is_clipped():
    ratio = np.linspace(0.0, 1.2, 400)
    z = auction.z_from_ratio(ratio, np.full(len(ratio), 0.6))
    assert np.all(np.diff(z) <= 1e-12)
    assert np.all((-8.0 <= z) & (z <= 8.0))
    # outside RATIO_RANGE the ratio is clipped: the same position as at the range's ends
    assert z[0] == pytest.approx(auction.z_from_ratio(np.array([auction.RATIO_RANGE[0]]), np.array([0.6]))[0])
    assert z[-1] == pytest.approx(auction.z_from_ratio(np.array([auction.RATIO_RANGE[1]]), np.array([0.6]))[0])


def test_a_raise_buys_more_clicks_at_a_higher_cpc_never_above_the_bid():
    z0, sigma = np.array([-1.0, 0.5, 3.0]), np.full(3, 0.6)
    more = auction.clicks_factor(z0, sigma, np.full(3, 1.5))
    assert np.all(more > 1.0) and more[0] > more[1] > more[2]   # the keyword that barely wins gains most
    assert np.all(auction.cpc_factor(z0, sigma, np.full(3, 1.5)) > 1.0)
    assert np.all(auction.cpc_ratio(z0, sigma, np.full(3, 1.5)) < 1.0)


def _mills(x: np.ndarray) -> np.ndarray:
    """phi(x) / Phi(x) on its own, one log_ndtr per call: what the curve's slope was before it shared them."""
    return np.exp(-0.5 * x**2 - 0.5 * np.log(2 * np.pi) - log_ndtr(x))


def _bisected_everywhere(ratio: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """z_from_ratio as it is written: every bisection step evaluates the curve at every keyword."""
    target = np.log(np.clip(ratio, *auction.RATIO_RANGE))
    sigma = np.broadcast_to(sigma, target.shape)

    def gap(z, slope):
        value = auction.log_rho(z, sigma) - target
        return value, (-sigma + _mills(z - sigma) - _mills(z)) if slope else None

    return auction.falling_root(gap, target.shape, auction.BRACKET_STEPS)


@pytest.mark.parametrize("spreads", [(0.6,), (0.2, 0.6, 1.3, 2.0)])
def test_positions_read_off_the_table_of_spreads_are_the_same_to_the_bit(spreads):
    rng = np.random.default_rng(3)
    ratio = np.concatenate([rng.uniform(0.0, 1.1, 5_000), [np.nan, 0.02, 0.995, 1.0, 0.0]])
    sigma = rng.choice(spreads, len(ratio))
    assert auction.bisect_on_table(np.log(np.clip(ratio, *auction.RATIO_RANGE)), sigma, 8) is not None
    np.testing.assert_array_equal(auction.z_from_ratio(ratio, sigma), _bisected_everywhere(ratio, sigma))
    grid = np.array(spreads)[:, None]   # one spread per row, as the spreads tried are
    wide = np.broadcast_to(ratio, (len(spreads), len(ratio)))
    np.testing.assert_array_equal(auction.z_from_ratio(wide, grid), _bisected_everywhere(wide, grid))


def test_many_spreads_or_unusable_ones_are_bisected_point_by_point():
    target = np.zeros(100)
    assert auction.bisect_on_table(target, np.linspace(0.1, 2.0, 100), 8) is None   # a table dearer than a step
    assert auction.bisect_on_table(target, np.full(100, np.nan), 8) is None
    ratio, sigma = np.linspace(0.05, 0.99, 100), np.geomspace(0.2, 2.0, 100)
    np.testing.assert_array_equal(auction.z_from_ratio(ratio, sigma), _bisected_everywhere(ratio, sigma))


def test_log_rho_and_its_slope_from_one_log_ndtr_each_are_the_same_numbers():
    z, sigma = np.linspace(-8, 8, 301), np.geomspace(0.2, 2.0, 301)
    value, slope = auction.log_rho_slope(z, sigma)
    np.testing.assert_array_equal(value, auction.log_rho(z, sigma))
    np.testing.assert_array_equal(slope, -sigma + _mills(z - sigma) - _mills(z))


def test_local_elasticities_are_the_curves_own_central_differences():
    z0, sigma, step = np.linspace(-1.5, 6.0, 200), np.full(200, 0.6), 1e-3
    up, down = np.exp(step), np.exp(-step)
    clicks, cpc = auction.local_elasticities(z0, sigma)
    np.testing.assert_array_equal(clicks, (np.log(auction.clicks_factor(z0, sigma, up))
                                           - np.log(auction.clicks_factor(z0, sigma, down))) / (2 * step))
    np.testing.assert_array_equal(cpc, 1 + (np.log(auction.cpc_ratio(z0, sigma, up))
                                            - np.log(auction.cpc_ratio(z0, sigma, down))) / (2 * step))


def test_the_candidate_tables_response_is_each_factor_to_the_bit():
    rng = np.random.default_rng(5)
    z0, sigma = rng.uniform(-1.5, 6.0, (300, 1)), rng.choice([0.2, 0.6, 2.0], (300, 1))
    multiplier = rng.uniform(0.3, 2.5, (300, 13))
    clicks, cpc = auction.response_factors(z0, sigma, multiplier)
    np.testing.assert_array_equal(clicks, auction.clicks_factor(z0, sigma, multiplier))
    np.testing.assert_array_equal(cpc, auction.cpc_factor(z0, sigma, multiplier))


def test_a_large_table_s_two_halves_give_each_cell_the_same_bits_as_one_pass(monkeypatch):
    rng = np.random.default_rng(11)
    z0, sigma = rng.uniform(-1.5, 6.0, (501, 1)), rng.choice([0.2, 0.6, 2.0], (501, 1))
    multiplier = rng.uniform(0.3, 2.5, (501, 13))
    whole = auction.response_factors(z0, sigma, multiplier)
    monkeypatch.setattr(halves_module, "SPLIT_CELLS", 64)
    monkeypatch.setattr(halves_module.os, "cpu_count", lambda: 2)
    halves = auction.response_factors(z0, sigma, multiplier)
    flat = auction.response_factors(z0[:, 0], sigma[:, 0], multiplier[:, 3])   # one column, rows split as well
    for split, one in zip(halves, whole):
        np.testing.assert_array_equal(split, one)
    np.testing.assert_array_equal(flat[0], whole[0][:, 3])
    np.testing.assert_array_equal(flat[1], whole[1][:, 3])
