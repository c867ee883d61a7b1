"""The simulated market: closed-form truth, exports read back unchanged, the oracle against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.decisions.plan import make_plan
from optimizer.outputs.files import write_all
from optimizer.scenario.scenario_file import load_scenario
from optimizer.scenario.settings import BidLimits, Goal
from optimizer.simulation.market import make_market, simulate
from optimizer.simulation.market_exports import FILE_NAMES, LANGUAGE, report_bytes, simulation_files
from optimizer.simulation.oracle import bid_bounds, bids_from_sheet, score, solve_oracle


def test_expected_curves_are_the_auction_in_closed_form():
    market = make_market(40, seed=3)
    rng = np.random.default_rng(0)
    bids = market.bid * 1.3
    draws = np.exp(market.competitor_mu + market.competitor_sigma * rng.standard_normal((200_000, 1)))
    win = draws < bids * market.quality
    per_search = market.per_search(bids)
    np.testing.assert_allclose(win.mean(axis=0), per_search["impressions"], atol=4e-3)
    paid = np.where(win, draws / market.quality, 0.0).mean(axis=0) * market.ctr
    np.testing.assert_allclose(paid, per_search["spend"], rtol=0.03, atol=1e-5)


def test_response_is_an_s_curve_whose_marginal_click_costs_the_bid():
    market = make_market(30, seed=5)
    scale = np.exp(market.competitor_mu) / market.quality  # the bid that wins half the auctions
    bids = scale[:, None] * np.exp(market.competitor_sigma[:, None] * np.linspace(-5.0, 5.0, 400)[None, :])
    clicks = market.expected(bids)["clicks"]
    spend = market.expected(bids)["spend"]
    log_slope = np.diff(np.log(clicks + 1e-300), axis=1) / np.diff(np.log(bids), axis=1)
    assert (log_slope[:, -1] < 0.05).all(), "clicks saturate: winning every auction buys nothing more"
    assert (np.diff(clicks, axis=1) >= 0).all() and (clicks[:, 0] < 0.01 * clicks[:, -1]).all()
    marginal = np.diff(spend, axis=1) / np.maximum(np.diff(clicks, axis=1), 1e-300)
    middle = (np.diff(clicks, axis=1) > 1e-6 * clicks[:, -1:])
    within = (marginal >= bids[:, :-1] * (1 - 1e-6)) & (marginal <= bids[:, 1:] * (1 + 1e-6))
    assert within[middle].all()


def test_quality_rises_with_ctr_and_lowers_the_cpc():
    market = make_market(500, seed=2)
    assert (np.diff(market.quality[np.argsort(market.ctr)]) > 0).all()
    better = market.__class__(**{**market.__dict__, "quality": market.quality * 1.5})
    same_bid = market.bid
    cpc = market.expected(same_bid)["spend"] / market.expected(same_bid)["clicks"]
    cpc_better = better.expected(same_bid)["spend"] / better.expected(same_bid)["clicks"]
    win, win_better = market.per_search(same_bid)["impressions"], better.per_search(same_bid)["impressions"]
    assert (win_better >= win).all()
    # at the same win probability (bid / 1.5) the better keyword pays 1/1.5 as much per click
    cpc_same_win = better.expected(same_bid / 1.5)["spend"] / better.expected(same_bid / 1.5)["clicks"]
    np.testing.assert_allclose(cpc_same_win, cpc / 1.5, rtol=1e-9)
    assert np.isfinite(cpc_better).all()


@pytest.mark.parametrize("fmt", ["ztc", "google", "amazon"])
def test_each_format_is_read_by_plan_unchanged(fmt, tmp_path):
    market, history = simulate(60, 14, seed=11, language=LANGUAGE[fmt])
    files, budget, min_roi = simulation_files(market, history, fmt)
    write_all(tmp_path, files)
    result = make_plan(load_scenario(tmp_path / "scenario.toml"))
    units = result.estimates.units
    assert len(units) == history[["plan", "ad_group", "keyword", "match_type"]].drop_duplicates().shape[0]
    assert result.performance.has_bid == (fmt != "amazon")
    reported = result.performance.frame
    for column in ("impressions", "clicks", "orders"):
        assert reported[column].sum() == history[column].sum()
    assert reported["spend"].sum() == pytest.approx(history["spend"].sum(), abs=0.01)
    assert reported["revenue"].sum() == pytest.approx(history["revenue"].sum(), abs=0.01)
    assert result.summary.after.spend <= budget * (1 + 1e-9)
    bids = bids_from_sheet(market, result.bids)
    assert ((bids == 0) | (bids >= 0.05)).all()


def test_the_same_seed_gives_the_same_bytes(tmp_path, capsys):
    for folder in ("first", "second"):
        assert main(["simulate", "--keywords", "50", "--days", "7", "--seed", "4", "--format", "ztc",
                     "--out", str(tmp_path / folder)]) == 0
    first = {path.name: path.read_bytes() for path in (tmp_path / "first").iterdir()}
    second = {path.name: path.read_bytes() for path in (tmp_path / "second").iterdir()}
    assert sorted(first) == [".bidopt-run.json", "oracle.json", "scenario.toml", FILE_NAMES["ztc"]] and first == second
    assert first[FILE_NAMES["ztc"]].decode("gbk").splitlines()[-1].startswith("合计,")
    other = report_bytes(simulate(50, 7, seed=5)[1], "ztc")
    assert other != first[FILE_NAMES["ztc"]]
    assert "oracle: revenue" in capsys.readouterr().out


def _brute_force(market, goal, limits, points):
    """Best single bid per keyword (or pause) over a fine grid, every combination tried."""
    low, high = bid_bounds(market, limits)
    grids = [np.r_[0.0, np.geomspace(lo, hi, points)] for lo, hi in zip(low, high)]
    per_keyword = []
    for i, grid in enumerate(grids):
        bids = np.tile(market.bid, (len(grid), 1))
        bids[:, i] = grid
        values = market.expected(bids.T, days=goal.period_days)
        per_keyword.append({name: values[name][i] for name in ("spend", "revenue")})
    best = 0.0
    for combo in itertools.product(*(range(len(grid)) for grid in grids)):
        spend = sum(per_keyword[i]["spend"][k] for i, k in enumerate(combo))
        revenue = sum(per_keyword[i]["revenue"][k] for i, k in enumerate(combo))
        if spend <= goal.budget * (1 + 1e-12) and revenue >= (goal.min_roi or 0) * spend - 1e-9:
            best = max(best, revenue)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_oracle_matches_brute_force_on_tiny_markets(seed):
    market = make_market(2, seed=seed)
    today = market.expected()
    spend, roi = float(today["spend"].sum()), float(today["revenue"].sum() / today["spend"].sum())
    limits = BidLimits(max=20.0)
    goal = Goal(budget=spend * 1.2, min_roi=roi * 1.05)
    oracle = solve_oracle(market, goal, limits, levels=200)
    brute = _brute_force(market, goal, limits, points=400)
    # mixing bids is a time split, so the LP may beat a single bid, but only by the grid's and the split's worth
    assert brute <= oracle.revenue * (1 + 1e-6)
    assert oracle.revenue <= brute * 1.01
    assert oracle.spend <= goal.budget * (1 + 1e-6) and oracle.revenue >= goal.min_roi * oracle.spend * (1 - 1e-6)


def test_score_of_today_and_of_a_sheet():
    market = make_market(80, seed=8)
    goal = Goal(budget=float(market.expected()["spend"].sum()))
    oracle = solve_oracle(market, goal, BidLimits())
    today = score(market, market.bid, goal, oracle)
    assert today["spend_vs_budget"] == pytest.approx(1.0) and today["objective_vs_oracle"] <= 1.0 + 1e-9
    sheet = market.keywords.assign(new_bid=market.bid * 2, action="raise")
    sheet.loc[0, "action"] = "pause"
    bids = bids_from_sheet(market, sheet.iloc[:-1])
    assert bids[0] == 0 and bids[-1] == market.bid[-1] and np.allclose(bids[1:-1], market.bid[1:-1] * 2)
    assert today["within_limits"] and not score(market, market.bid * 2, goal, oracle)["within_limits"]


def test_a_sheet_keeps_the_limits_within_the_tolerances():
    market = make_market(80, seed=8)
    today = market.expected()
    spend, roi = float(today["spend"].sum()), float(today["revenue"].sum() / today["spend"].sum())
    for budget_x, roi_x, within in ((1 / 1.009, 1.0, True), (1 / 1.011, 1.0, False),
                                    (1.0, 1 / 0.991, True), (1.0, 1 / 0.989, False)):
        goal = Goal(budget=spend * budget_x, min_roi=roi * roi_x)
        figures = score(market, market.bid, goal, solve_oracle(market, goal, BidLimits()))
        assert figures["within_limits"] is within, (budget_x, roi_x)


def test_bad_sizes_say_so():
    with pytest.raises(ValueError, match="The 'n_keywords' parameter must be an int in the range"):
        make_market(0, seed=1)
    with pytest.raises(ValueError, match="The 'days' parameter must be an int"):
        simulate(10, 0, seed=1)
    with pytest.raises(ValueError, match="The 'fmt' parameter must be one of"):
        report_bytes(pd.DataFrame(), "bing")


def test_score_writes_nothing_and_scores_against_the_plan_s_own_goal(tmp_path, capsys):
    import re

    market_flags = ["--keywords", "60", "--days", "14", "--seed", "6", "--format", "ztc"]
    folder = tmp_path / "sim"
    assert main(["simulate", *market_flags, "--out", str(folder)]) == 0
    scenario = folder / "scenario.toml"
    text = scenario.read_text(encoding="utf-8")
    budget = float(re.search(r"budget = ([\d.]+)", text).group(1))
    edited = re.sub(r"budget = [\d.]+", f"budget = {budget * 1.5:.2f}", text)   # the user's own goal
    scenario.write_text(edited, encoding="utf-8")
    assert main(["plan", str(scenario), "--out", str(folder / "out"), "--no-history", "--quiet"]) == 0
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    capsys.readouterr()
    assert main(["simulate", *market_flags, "--out", str(folder), "--score", str(folder / "out" / "bids.csv")]) == 0
    after = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    assert after == before and scenario.read_text(encoding="utf-8") == edited
    out = capsys.readouterr().out
    assert f"budget {budget * 1.5:,.2f}" in out and "(the plan's summary.json)" in out
    assert "wrote" not in out and "revenue / oracle" in out


def test_score_without_the_plan_s_summary_says_which_goal_it_used(tmp_path, capsys):
    folder = tmp_path / "sim"
    flags = ["--keywords", "40", "--days", "7", "--seed", "2", "--format", "ztc"]
    assert main(["simulate", *flags, "--out", str(folder)]) == 0
    sheet = tmp_path / "sheet" / "bids.csv"
    sheet.parent.mkdir()
    market, _ = simulate(40, 7, seed=2, language=LANGUAGE["ztc"])
    market.keywords.assign(new_bid=market.bid, action="hold").to_csv(sheet, index=False)
    capsys.readouterr()
    assert main(["simulate", *flags, "--out", str(folder), "--score", str(sheet)]) == 0
    assert "the simulation's own goal: no summary.json beside the bid sheet" in capsys.readouterr().out
    assert not any(path.parent == sheet.parent and path != sheet for path in sheet.parent.iterdir())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_market_larger_than_the_catalogue_s_phrases_gets_long_tail_variants(language):
    market = make_market(20_000, seed=1, language=language)
    keys = market.keywords[["plan", "ad_group", "keyword", "match_type"]]
    assert len(keys) == 20_000 and not keys.duplicated().any()
    variant = "号" if language == "zh" else " no. "
    assert keys["keyword"].str.contains(variant, regex=False).sum() > 0
    assert make_market(300, seed=1, language=language).keywords["keyword"].str.contains(variant, regex=False).sum() == 0
