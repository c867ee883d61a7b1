"""benchmarks/calibration.py: the slope of truth on estimate, and one small market's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import ROOT, script

calibration = script(ROOT / "benchmarks" / "calibration.py", "bench_calibration")


@settings(max_examples=30, deadline=None)
@given(true_slope=st.floats(0.2, 2.0), seed=st.integers(0, 2**16))
def test_the_slope_recovers_how_the_truth_follows_the_estimate(true_slope, seed):
    rng = np.random.default_rng(seed)
    estimate = rng.lognormal(1.0, 0.5, 4000)
    truth = 3.0 + true_slope * (estimate - 3.0) + rng.normal(0.0, 0.05, 4000)
    weight = rng.uniform(0.5, 2.0, 4000)
    assert calibration.slope(truth, estimate, weight) == pytest.approx(true_slope, abs=0.02)


def test_an_over_shrunk_estimate_reads_as_a_slope_above_one_and_its_level_as_the_ratio_of_means():
    rng = np.random.default_rng(4)
    truth = rng.gamma(4.0, 1.0, 5000)
    shrunk = 0.5 * truth + 0.5 * truth.mean()   # halfway to the mean: truth moves twice as far
    assert calibration.slope(truth, shrunk, np.ones(5000)) == pytest.approx(2.0)
    assert calibration.level(truth, 0.8 * truth, np.ones(5000)) == pytest.approx(1.25)


def test_a_small_market_gives_every_figure_per_seed_and_every_bid_move(capsys):
    table = calibration.keyword_table("auction", 3, 120, 28)
    assert set(table["move"]) <= {"pause", "cut", "hold", "raise"}
    assert set(table["oracle_move"]) <= {"pause", "cut", "hold", "raise"}
    found = calibration.figures(table)
    assert list(found["figure"]) == list(calibration.FIGURES)
    assert found[["slope", "truth / estimate"]].notna().all().all()
    clicks = calibration.by_clicks(table)
    assert clicks["share of spend"].sum() == pytest.approx(1.0)
    assert isinstance(calibration.by_move(table), pd.DataFrame)
    assert calibration.main(["--seeds", "1", "--keywords", "120", "--family", "position"]) == 0
    assert "Value per click by the clicks the history shows" in capsys.readouterr().out


def test_the_read_price_is_set_beside_the_rivals_true_median_score(capsys):
    table = calibration.price_table("auction", 3, 120, 28)
    assert table["change_days"].between(0, 28).all()
    assert (table["change_days"] == 0).any() and (table["change_days"] > 0).any()
    spent = table[table["spend"] > 0]
    assert np.corrcoef(spent["read_price"], spent["true_price"])[0, 1] > 0.5   # the price is read, with error
    errors = calibration.price_errors(table)
    bands = errors.index.get_level_values("band")
    for band in ("clicks_seen", "change_days"):
        assert errors.loc[bands.str.startswith(band), "share of spend"].sum() == pytest.approx(1.0)
    assert errors.loc[bands == "all", ["price_error sd", "sigma_error sd"]].gt(0).all().all()
    assert calibration.main(["--price", "--seeds", "1", "--keywords", "120", "--family", "saturating"]) == 0
    assert "price_error sd" in capsys.readouterr().out
