"""What to check before uploading: forecasts far from the history, bids far outside those seen, no data."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from optimizer.decisions.checks import check, moved, outside_bids, without_data
from optimizer.decisions.plan import make_plan
from optimizer.scenario.scenario_file import load_scenario
from tests.paths import SCENARIOS

KEYS = ["plan", "ad_group", "keyword", "match_type"]


def table(rows: list[tuple]) -> pd.DataFrame:
    """Decided units: (plan, keyword, history spend, history revenue, today's spend, new spend, new revenue, clicks)."""
    frame = pd.DataFrame(rows, columns=["plan", "keyword", "observed_spend", "observed_revenue", "before_spend",
                                        "spend", "revenue", "observed_clicks"])
    return frame.assign(ad_group="g", match_type="exact", before_revenue=frame["observed_revenue"] / 4,
                        current_bid=1.0, new_bid=1.2, action="raise")


def test_a_plan_whose_forecast_moves_past_twice_its_history_is_listed():
    bids = table([("甲", "a", 400.0, 800.0, 100.0, 100.0, 200.0, 50), ("乙", "b", 400.0, 800.0, 100.0, 300.0, 900.0, 50),
                  ("丙", "c", 400.0, 800.0, 100.0, 40.0, 60.0, 50)])
    found = moved(bids, ["plan"], per_period=0.25, has_revenue=True)   # 28 days of history, a 7-day plan
    assert found["name"].tolist() == ["乙", "丙"]    # x4.5 revenue, then x0.3
    assert found["factor"].tolist() == pytest.approx([4.5, 0.3])


def test_small_keywords_are_left_out_of_the_keyword_list():
    bids = table([("甲", "big", 400.0, 800.0, 100.0, 1000.0, 2000.0, 50), ("甲", "tiny", 1.0, 2.0, 0.25, 1.0, 2.0, 1)])
    found = moved(bids, KEYS, per_period=0.25, has_revenue=True)
    assert found["name"].tolist() == ["big (甲)"]


def test_bids_beyond_what_the_history_saw_are_listed():
    bids = table([("甲", "a", 1, 1, 1, 1, 1, 1), ("甲", "b", 1, 1, 1, 1, 1, 1), ("甲", "c", 1, 1, 1, 1, 1, 1)])
    bids["new_bid"] = [1.2, 1.6, 0.7]
    bids["observed_lowest_bid"], bids["observed_highest_bid"] = [0.9, 1.0, 1.0], [1.0, 1.0, 1.0]
    assert outside_bids(bids)["name"].tolist() == ["b (甲)"]
    bids.loc[2, "action"] = "cut"
    bids["new_bid"] = [1.2, 1.2, 0.6]
    assert outside_bids(bids)["name"].tolist() == ["c (甲)"]
    assert outside_bids(bids.assign(observed_lowest_bid=np.nan, observed_highest_bid=np.nan)).empty   # none seen


def test_spend_on_keywords_without_clicks_is_listed_and_summed():
    bids = table([("甲", "a", 0.0, 0.0, 0.0, 3.0, 0.0, 0), ("甲", "b", 10.0, 20.0, 2.0, 2.0, 4.0, 5),
                  ("甲", "c", 0.0, 0.0, 0.0, 0.0, 0.0, 0)])
    assert without_data(bids)["name"].tolist() == ["a (甲)"]
    performance = SimpleNamespace(history_days=28, has_revenue=True, has_bid=False, frame=pd.DataFrame())
    checks, sentences = check(bids, performance, "keyword", 7)
    assert checks["spend_without_data"] == {"count": 1, "listed": [{"name": "a (甲)", "spend": 3.0}]}
    assert sentences[-1].startswith("1 keywords with no clicks in the history are forecast to spend 3.00")


def test_the_plan_lists_what_to_check_in_every_output():
    result = make_plan(load_scenario(SCENARIOS / "weekly.toml"))
    checks = json.loads(result.files()["summary.json"])["checks"]
    assert set(checks) == {"plans_moved", "keywords_moved", "bids_outside_history", "spend_without_data"}
    markdown = result.files()["summary.md"].decode()
    for kind, start in (("plans_moved", " plans forecast more than 2x"),
                        ("bids_outside_history", " keywords bid more than 1.5x beyond the bids their history saw")):
        assert checks[kind]["count"] > 0 and f"- {checks[kind]['count']}{start}" in markdown
