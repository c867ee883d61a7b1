"""What-if adjustments scale the forecast of the units they match, and only those."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.model.adjustments import apply_adjustments, matches
from optimizer.scenario.settings import Adjustment


def units() -> pd.DataFrame:
    return pd.DataFrame({
        "plan": ["女装-连衣裙-主推", "女装-连衣裙-引流", "防晒霜-引流"],
        "ad_group": ["连衣裙A", "连衣裙B", "防晒喷雾"],
        "keyword": ["连衣裙", "碎花裙", "防晒"],
        "current_bid": [2.0, 1.0, 1.0],
        "impressions": [1000.0, 500.0, 800.0], "clicks": [30.0, 10.0, 40.0], "ctr": [0.03, 0.02, 0.05],
        "cpc": [1.0, 0.9, 0.5], "cvr": [0.05, 0.02, 0.1], "value_per_order": [200.0, 150.0, 69.0],
    }).assign(value_per_click=lambda f: f.cvr * f.value_per_order, spend=lambda f: f.clicks * f.cpc,
              orders=lambda f: f.clicks * f.cvr, revenue=lambda f: f.clicks * f.cvr * f.value_per_order)


def test_globs_and_exact_names_match():
    names = pd.Series(["女装-连衣裙-主推", "女装-连衣裙-引流", "防晒霜-引流"])
    assert matches(names, ("女装-*",)).tolist() == [True, True, False]
    assert matches(names, ("防晒霜-引流",)).tolist() == [False, False, True]
    assert matches(names, ()).tolist() == [True, True, True]


def test_double_11_scales_traffic_and_price_everywhere_but_cpc_stays_under_the_bid():
    out = apply_adjustments(units(), (Adjustment(cpc=1.3, volume=1.6),))
    assert out["clicks"].tolist() == pytest.approx([48.0, 16.0, 64.0])
    assert out["cpc"].tolist() == pytest.approx([1.3, 1.0, 0.65])  # 0.9 x 1.3 = 1.17 is above the 1.00 bid
    assert out["spend"].tolist() == pytest.approx((out["clicks"] * out["cpc"]).tolist())


def test_a_price_cut_on_one_item_changes_only_that_item():
    out = apply_adjustments(units(), (Adjustment(items=("连衣裙A",), cvr=1.25, order_value=0.8),))
    assert out["revenue"].tolist() == pytest.approx([30 * 0.0625 * 160, 10 * 0.02 * 150, 40 * 0.1 * 69])
    assert out["value_per_click"][0] == pytest.approx(0.0625 * 160)
    pd.testing.assert_frame_equal(out.iloc[1:], units().iloc[1:])


def test_entries_that_match_the_same_unit_multiply():
    out = apply_adjustments(units(), (Adjustment(volume=2.0), Adjustment(plans=("防晒*",), volume=0.5)))
    assert out["impressions"].tolist() == pytest.approx([2000.0, 1000.0, 800.0])


def test_auction_pressure_costs_traffic_at_todays_bid_and_a_raise_buys_it_back():
    """cpc = 1.3 on a keyword placed on its auction curve: competitors score 30% higher."""
    from optimizer.model import auction

    sigma = np.array([0.6])
    z0 = auction.z_from_ratio(np.array([0.7]), sigma)
    keyword = units().iloc[:1].assign(sigma=sigma, z0=z0, cpc=2.0 * 0.7)
    out = apply_adjustments(keyword, (Adjustment(cpc=1.3),))
    assert out["clicks"].iloc[0] < keyword["clicks"].iloc[0]
    assert out["cpc"].iloc[0] < 2.0  # never above today's bid
    # raising the bid 30% restores the position: the same clicks at 30% more per click
    back = auction.clicks_factor(out["z0"].to_numpy(), sigma, 1.3)[0] * out["clicks"].iloc[0]
    assert back == pytest.approx(keyword["clicks"].iloc[0], rel=1e-9)
    assert 1.3 * 2.0 * auction.cpc_ratio(out["z0"].to_numpy(), sigma, 1.3)[0] == pytest.approx(1.3 * 1.4, rel=1e-9)
