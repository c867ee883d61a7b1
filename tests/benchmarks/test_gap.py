"""benchmarks/gap.py: the value per click under the market's true prior, and the program re-solved part by part."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.simulation.families import simulate_family
from optimizer.simulation.market import make_market
from tests.paths import ROOT, script

gap = script(ROOT / "benchmarks" / "gap.py", "bench_gap")


def _log_error(market, estimate: np.ndarray) -> float:
    truth = market.cvr * market.order_value
    spend = market.expected()["spend"]
    return float(np.sqrt(np.average(np.log(truth / estimate) ** 2, weights=spend)))


def test_the_prior_is_the_one_the_market_draws_its_keywords_from():
    market = make_market(3000, seed=5)
    price, item_cvr = gap.item_prior(market)
    assert np.mean(market.cvr / item_cvr) == pytest.approx(1.0, abs=0.02)
    assert np.mean(market.order_value / price) == pytest.approx(1.0 + gap.VALUE_SPREAD * np.sqrt(2 / np.pi), abs=0.01)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_posterior_mean_is_closer_to_the_truth_than_the_history_and_the_rivals_price_closer_still(seed):
    market, history = simulate_family("auction", 600, 28, seed=seed)
    where = gap.keyword_index(market, history)
    clicks = np.bincount(where, history["clicks"].to_numpy(float), minlength=len(market))
    revenue = np.bincount(where, history["revenue"].to_numpy(float), minlength=len(market))
    raw = np.where(revenue > 0, revenue / np.maximum(clicks, 1.0), np.nan)
    seen = np.isfinite(raw)
    bayes = gap.bayes_value_per_click(market, history)
    priced = gap.bayes_value_per_click(market, history, price_known=True)
    taken = market.take(np.flatnonzero(seen))
    assert _log_error(taken, bayes[seen]) < 0.8 * _log_error(taken, raw[seen])
    assert _log_error(market, priced) < 0.8 * _log_error(market, bayes)
    truth, spend = market.cvr * market.order_value, market.expected()["spend"]
    assert np.sum(spend * truth) / np.sum(spend * bayes) == pytest.approx(1.0, abs=0.03)


def test_the_program_re_solved_as_it_is_is_the_plan_and_held_on_true_curves_keeps_the_floor(capsys):
    rows = gap.one_seed("auction", 4, 200, 28, ("own program", "true curves"))
    by = {(row["goal"], row["what"]): row for row in rows}
    for goal in gap.GOALS:
        plan, own = by[goal, "weekly plan"], by[goal, "own program"]
        assert own["revenue"] == pytest.approx(plan["revenue"], rel=0.01)
        held = by[goal, "true curves, held"]
        assert held["roi_vs_floor"] >= 1.0 and held["revenue_vs_oracle"] > 0.95
    assert gap.main(["--seeds", "1", "--keywords", "120", "--family", "position", "--variants", "true value"]) == 0
    assert "true value" in capsys.readouterr().out
