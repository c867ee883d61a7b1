"""The second-price auction curve: the position of a CPC / bid, and the response of clicks and CPC to a bid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model import auction
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
