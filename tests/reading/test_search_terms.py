"""Search-term rows are summed to the unit that takes the bid; the query's own match type never splits a keyword."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate
from tests.paths import REAL

GOOGLE = ("Match type,Search term,Added/Excluded,Campaign,Ad group,Clicks,Impressions,CTR,Avg. CPC,Cost,"
          "Conversions,Keyword")
KEYWORDS = ("gmc parts", '"gmc parts"', "[gmc parts]", "+chevy +parts")


def google_rows(seed: int = 4) -> list[str]:
    """Each keyword matched by several queries, each query with its own match type (broad, phrase, exact, …)."""
    rng = np.random.default_rng(seed)
    rows = []
    for keyword in KEYWORDS:
        for query_match in ("broad", "phrase", "exact", "near exact", "near phrase"):
            clicks = int(rng.integers(0, 5))
            impressions = clicks + int(rng.integers(0, 20))
            quoted = keyword.replace('"', '""')
            rows.append(f'{query_match},q {query_match} {len(rows)},None,GM makes,GMC keywords,{clicks},{impressions},'
                        f'0%,0.2,{clicks * 0.2:.2f},{int(rng.integers(0, 2))},"{quoted}"')
    return rows


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_google_search_terms_sum_to_the_keyword_and_its_own_match_type(tmp_path):
    rows = google_rows()
    total = "Total, --, --, --, --,99,999,11.57%,0.22,906.69,9, --"
    report = read_report(write(tmp_path / "terms.csv", [GOOGLE, *rows, total]))
    assert report.headers.get("match_type") is None
    assert (report.headers["keyword"], report.headers["search_term"]) == ("Keyword", "Search term")
    performance = validate([report], period_days=30)
    units = performance.frame.set_index(["keyword", "match_type"])
    assert sorted(units.index) == [("+chevy +parts", "broad"), ("gmc parts", "broad"), ("gmc parts", "exact"),
                                   ("gmc parts", "phrase")]
    clicks = [int(row.split(",")[5]) for row in rows]
    assert units["clicks"].sum() == sum(clicks)
    assert units.loc[("gmc parts", "exact"), "clicks"] == sum(clicks[10:15])
    assert performance.warnings[0].startswith("terms.csv: a search-term report: its rows are summed per keyword")
    assert "skipped 1 total row" in performance.warnings[1]


def test_a_keyword_match_type_column_is_the_one_used(tmp_path):
    lines = ["Search term,Delivered match type,Bid match type,Campaign,Ad group,Keyword,Impressions,Clicks,Spend",
             "a,Exact,Phrase,C,G,shoes,10,1,0.5", "b,Broad,Phrase,C,G,shoes,10,2,0.5",
             "c,Phrase,Exact,C,G,boots,10,1,0.5"]
    report = read_report(write(tmp_path / "ms.csv", lines), {"Delivered match type": "match_type"})
    assert report.headers["match_type"] == "Bid match type"
    frame = validate([report], period_days=7).frame
    assert frame[["keyword", "match_type", "clicks"]].values.tolist() == [["boots", "exact", 1], ["shoes", "phrase", 3]]


def test_amazon_match_type_beside_the_customer_search_term_is_the_keyword_s(tmp_path):
    lines = ["Campaign Name,Ad Group Name,Targeting,Match Type,Customer Search Term,Impressions,Clicks,Spend",
             "C,G,shoes,BROAD,red shoes,10,1,1.2", "C,G,shoes,BROAD,blue shoes,20,2,2.0",
             "C,G,shoes,EXACT,shoes,30,3,3.0", "C,Auto,close-match,-,b0abc,5,1,0.5"]
    report = read_report(write(tmp_path / "amazon.csv", lines))
    assert report.headers["match_type"] == "Match Type" and report.notes == ()
    frame = validate([report], period_days=30).frame
    assert frame[["keyword", "match_type", "clicks"]].values.tolist() == [
        ["close-match", "", 1], ["shoes", "broad", 3], ["shoes", "exact", 3]]


def test_the_real_google_search_term_report_has_one_unit_per_keyword():
    path = REAL / "google_ads_2015" / "Search term report.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent: real exports are read in place, never copied")
    performance = validate([read_report(path)], period_days=30)
    units = performance.frame.groupby(["plan", "ad_group", "keyword", "match_type"]).size()
    assert units.max() == 1 and len(units) < 200
    assert performance.frame["spend"].sum() == pytest.approx(906.69, abs=0.05)
