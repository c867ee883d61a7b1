"""The platform writers: golden files, rounding and clipping, changed rows only."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.platforms.uploads import AMAZON_BID_LIMITS, bid_range, upload_bids
from optimizer.scenario.settings import BidLimits
from tests.paths import GOLDEN

sys.path.insert(0, str(GOLDEN))
import regenerate  # noqa: E402


@pytest.mark.parametrize("name", ["ztc-bids.csv", "google-ads-editor.csv", "amazon-bulk.csv"])
def test_writers_match_their_golden_files(tmp_path, name):
    assert regenerate.outputs(tmp_path)[name] == (GOLDEN / name).read_bytes(), (
        f"{name} changed: if on purpose, run python tests/golden/regenerate.py")


def test_csv_writers_start_with_a_bom_and_list_changed_keywords_only(tmp_path):
    files = regenerate.outputs(tmp_path)
    ztc = files["ztc-bids.csv"].decode("utf-8")
    assert ztc.startswith("\ufeff推广计划名称,宝贝名称,关键词,匹配方式,出价,状态,日限额\n")
    assert "=裙" not in ztc and "半身裙" not in ztc          # a hold and a raise that rounds back to today's bid
    assert "计划B,宝贝2,短裙,广泛匹配,2.0,暂停," in ztc         # a pause keeps the bid; a plan with no budget: blank
    google = files["google-ads-editor.csv"].decode("utf-8")
    assert google.startswith("\ufeffCampaign,Budget,Ad group,Keyword,Criterion Type,Max CPC,Status\n")
    assert "Camp B,,Group 2,hair oil,Broad,,Paused" in google


def test_bids_are_clipped_to_the_platform_range_and_the_log_says_so():
    upload = upload_bids(regenerate.ZTC, "ztc", BidLimits())
    table = upload.table.set_index("keyword")
    assert table.loc["夏装", "upload_bid"] == 99.99 and table.loc["裙子", "upload_bid"] == 0.05
    assert table.loc["夏装", "note"] == "cut to the maximum 99.99 of 直通车 (plan 120.00)"
    assert table.loc["裙子", "note"] == "raised to the minimum 0.05 of 直通车 (plan 0.03)"
    assert upload.warnings and upload.warnings[0].startswith("ztc: 2 bids clipped to the platform's range [0.05, 99.99]")


def test_amazon_limits_follow_the_marketplace_and_bids_overrides_them():
    assert bid_range("amazon", BidLimits(), "IN")[:2] == (1.0, 5000.0)
    assert bid_range("amazon", BidLimits(), "JP")[:2] == (2.0, 100000.0)
    low, high, source = bid_range("amazon", BidLimits(min=3.0, max=40.0), "IN")
    assert (low, high) == (3.0, 40.0) and source.endswith("[bids] min, [bids] max")
    assert all(low < high for _, low, high, _ in AMAZON_BID_LIMITS.values())


def test_an_unknown_platform_is_refused():
    with pytest.raises(ValueError, match="The 'platform' parameter must be one of"):
        upload_bids(regenerate.ZTC, "tiktok", BidLimits())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 200), st.floats(0, 300)), min_size=1, max_size=20),
       st.sampled_from(["amazon", "google", "ztc"]))
def test_upload_bids_are_on_the_grid_and_inside_the_range(pairs, platform):
    current, new = np.array(pairs).T
    bids = pd.DataFrame({"plan": "p", "ad_group": "g", "keyword": [f"k{i}" for i in range(len(pairs))],
                         "match_type": "exact", "current_bid": current, "new_bid": new,
                         "action": np.where(new > current, "raise", "cut")})
    upload = upload_bids(bids, platform, BidLimits(), "US")
    low, high, _ = bid_range(platform, BidLimits(), "US")
    values = upload.table["upload_bid"].to_numpy()
    assert ((values >= low - 1e-9) & (values <= high + 1e-9)).all()
    assert np.allclose(values * 100, np.round(values * 100))


def test_ztc_bids_above_the_plan_s_daily_limit_are_cut_to_it():
    from optimizer.platforms.uploads import cap_at_daily_limit

    bids = pd.DataFrame([("计划A", "宝贝1", "连衣裙", "exact", 10.0, 45.0, "raise"),
                         ("计划A", "宝贝1", "长裙", "exact", 20.0, 20.0, "hold"),
                         ("计划B", "宝贝2", "短裙", "exact", 50.0, 60.0, "raise")], columns=regenerate.COLUMNS)
    plans = pd.DataFrame({"plan": ["计划A", "计划B"], "daily_limit": [30.456, 0.0]})   # uploaded as 30.46
    upload = cap_at_daily_limit(upload_bids(bids, "ztc", BidLimits(max=100)), plans)
    table = upload.table.set_index("keyword")
    assert table.loc["连衣裙", "upload_bid"] == 30.46 and table.loc["连衣裙", "changed"]
    assert table.loc["连衣裙", "note"] == "cut to the plan's 日限额 30.46 (直通车 takes no bid above it; plan 45.00)"
    assert table.loc["长裙", "upload_bid"] == 20.0 and not table.loc["长裙", "changed"]
    assert table.loc["短裙", "upload_bid"] == 60.0         # a plan with no budget keeps today's 日限额: no cap known
    assert upload.warnings[-1] == "ztc: 1 bids cut to their plan's 日限额 (直通车 takes no bid above it): 连衣裙 (计划A)"
