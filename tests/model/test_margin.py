"""How well the history knows an ROI: the standard error from counting orders, checked against simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model.margin import MARGIN_Z, roi_error


def history(rng: np.random.Generator, orders_per_day: float, days: int = 28, value: float = 150.0) -> pd.DataFrame:
    """Two plans' daily rows: Poisson orders, each of its own lognormal value."""
    dates = pd.date_range("2026-09-01", periods=days, freq="D")
    rows = []
    for plan, rate in (("甲", orders_per_day), ("乙", orders_per_day / 4)):
        orders = rng.poisson(rate, days)
        revenue = np.array([rng.lognormal(np.log(value), 0.4, count).sum() for count in orders])
        rows.append(pd.DataFrame({"date": dates, "plan": plan, "orders": orders.astype(float), "revenue": revenue,
                                  "spend": 1000.0}))
    return pd.concat(rows, ignore_index=True)


def test_the_standard_error_matches_the_spread_of_revenue_over_repeated_histories():
    rng = np.random.default_rng(5)
    totals, errors = [], []
    for _ in range(400):
        frame = history(rng, 20.0)
        totals.append(frame["revenue"].sum())
        errors.append(roi_error(frame, None).account)
    spread = np.std(totals) / np.mean(totals)
    assert np.mean(errors) == pytest.approx(spread, rel=0.12)


def test_recent_days_weigh_as_the_rates_do_and_a_plan_with_fewer_orders_is_known_less():
    rng = np.random.default_rng(2)
    frame = history(rng, 30.0)
    error = roi_error(frame, frame["date"].max())
    assert error.plans["乙"] > 1.6 * error.plans["甲"]
    unweighted = roi_error(frame, None)
    assert error.account > unweighted.account   # older days count less: fewer orders in effect
    assert error.margin() == pytest.approx(MARGIN_Z * error.account)
    assert error.plan_margins(("乙", "丙")).tolist() == [pytest.approx(MARGIN_Z * error.plans["乙"]), 0.0]


def test_without_orders_there_is_no_margin():
    frame = pd.DataFrame({"date": pd.to_datetime(["2026-09-01"] * 2), "plan": ["甲", "乙"], "orders": [0.0, np.nan],
                          "revenue": [0.0, np.nan], "spend": [10.0, 5.0]})
    error = roi_error(frame, None)
    assert np.isnan(error.account) and error.margin() == 0.0
    assert error.plan_margins(("甲", "乙")).tolist() == [0.0, 0.0]


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(2.0, 200.0), scale=st.floats(0.1, 100.0), seed=st.integers(0, 1000))
def test_the_error_falls_as_one_over_root_orders_and_ignores_the_currency(rate, scale, seed):
    frame = history(np.random.default_rng(seed), rate)
    error = roi_error(frame, None).account
    rescaled = roi_error(frame.assign(revenue=frame["revenue"] * scale), None).account
    assert rescaled == pytest.approx(error, rel=1e-9)
    orders = frame["orders"].sum()
    assert 0.9 / np.sqrt(orders) <= error <= 1.5 / np.sqrt(orders)   # order values spread with sd 0.4 in logs
