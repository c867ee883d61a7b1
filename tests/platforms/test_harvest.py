"""Search-term harvesting: shrunk decisions per term, ASINs as product targets, create rows in the bulk layout."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.platforms.amazon_bulk import read_bulk
from optimizer.platforms.harvest import harvest, read_search_terms
from tests.bulk_fixture import _ad_group, _campaign, bulk_from_reports, target_row, write_bulk
from tests.platforms.test_amazon_bulk import CAMPAIGNS, TARGETING, real

SEARCH_TERMS = "Sponsored Products Search term report.xlsx"


def _terms(rows) -> pd.DataFrame:
    columns = ["plan", "ad_group", "match_type", "keyword", "impressions", "clicks", "spend", "orders", "revenue"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture
def small_bulk(tmp_path):
    rows = _campaign("Camp", 100.0, True) + _ad_group("Camp", "Group", 10.0)
    rows.append(target_row("Camp", "Group", "old winner", "exact", 5.0))
    return read_bulk(write_bulk(tmp_path / "bulk.xlsx", rows))


def test_each_term_gets_a_decision_and_a_reason(small_bulk):
    filler = [("Camp", "Group", "", f"other {i}", 100, 10, 10.0, 1, 100.0) for i in range(6)]
    terms = _terms(filler + [
        ("Camp", "Group", "", "winner", 100, 10, 10.0, 4, 400.0),       # converts well: new exact keyword
        ("Camp", "Group", "phrase", "old winner", 100, 10, 10.0, 4, 400.0),  # already exact in this ad group
        ("Camp", "Group", "", "b07b7nsllp", 100, 10, 10.0, 3, 300.0),   # an ASIN: a product target
        ("Camp", "Group", "broad", "two clicks", 20, 2, 2.0, 0, 0.0),    # two clicks decide nothing
        ("Camp", "Group", "", "waster", 500, 60, 60.0, 0, 0.0),           # many clicks, no order: negative exact
        ("Camp", "Group", "", "b0wasteasn", 500, 60, 60.0, 0, 0.0),
        ("Camp", "Group", "exact", "exact one", 500, 60, 60.0, 0, 0.0),   # an exact keyword's own term: the plan's
    ])
    result = harvest(terms, small_bulk, min_orders=2, max_acos=0.5)
    decision = dict(zip(result.table["search_term"], result.table["decision"]))
    assert decision["winner"] == "add exact keyword"
    assert decision["old winner"] == "keep (already targeted in this ad group)"
    assert decision["b07b7nsllp"] == "add product target"
    assert decision["two clicks"] == "wait"
    assert decision["waster"] == "add negative exact"
    assert decision["b0wasteasn"] == "add negative product target"
    assert decision["exact one"] == "keep (exact keyword: bidopt plan bids it)"
    reason = result.table.set_index("search_term")["reason"]
    assert reason["two clicks"].startswith("2 clicks, 2.00 spent, 0 orders; too few clicks to judge")
    entities = {(row["Entity"], row.get("Keyword Text") or row.get("Product Targeting Expression")) for row in result.creates}
    assert entities == {("Keyword", "winner"), ("Product Targeting", 'asin="B07B7NSLLP"'),
                        ("Negative Keyword", "waster"), ("Negative Product Targeting", 'asin="B0WASTEASN"')}
    assert all(row["Operation"] == "create" and len(row["Ad Group ID"]) == 18 for row in result.creates)


def test_bad_settings_are_refused(small_bulk):
    with pytest.raises(Exception, match="--min-orders must be at least 1"):
        harvest(_terms([]), small_bulk, min_orders=0)


def test_harvest_on_the_real_search_term_report(tmp_path, capsys):
    bulk = bulk_from_reports(tmp_path / "bulk.xlsx", real(TARGETING), real(CAMPAIGNS))
    out = tmp_path / "out"
    code = main(["harvest", "--report", str(real(SEARCH_TERMS)), "--bulk", str(bulk), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    table = list(csv.DictReader(io.StringIO((out / "harvest.csv").read_text("utf-8-sig"))))
    assert len(table) > 400 and all(row["decision"] and row["reason"] for row in table)
    book = openpyxl.load_workbook(out / "amazon-bulk.xlsx", read_only=True)
    rows = list(book["Sponsored Products Campaigns"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header == [cell for cell in next(openpyxl.load_workbook(bulk, read_only=True)
                                            ["Sponsored Products Campaigns"].iter_rows(values_only=True))]
    acted = [row for row in table if row["decision"].startswith("add")]
    assert len(rows) - 1 == len(acted) >= 1
    for row in rows[1:]:
        assert row[header.index("Operation")] == "create"
        assert isinstance(row[header.index("Campaign ID")], str)
        if row[header.index("Entity")] == "Keyword":
            assert row[header.index("Match Type")] == "exact" and row[header.index("Bid")] >= 1.0   # India: ≥ ₹1


def test_a_google_search_term_s_query_match_types_never_split_it(tmp_path):
    """Google's "Match type" is how the query matched: one term under one keyword is one row, the keyword's match type."""
    rng = np.random.default_rng(7)
    lines = ["Search terms report", "Oct 1, 2025 - Oct 31, 2025",
             "Match type,Search term,Campaign,Ad group,Keyword,Impressions,Clicks,Cost,Conversions,Conv. value"]
    clicks = {}
    for keyword, match in (("[gmc parts]", "exact"), ('""gmc parts""', "phrase"), ("gmc parts", "broad")):
        for term in ("gmc parts", "gmc parts online"):
            for query_match in ("exact", "near exact", "phrase", "near phrase", "broad"):
                count = int(rng.integers(1, 6))
                clicks[(match, term)] = clicks.get((match, term), 0) + count
                lines.append(f'{query_match},{term},GM,GMC,"{keyword}",{count * 3},{count},{count * 0.25:.2f},0,0')
    lines.append("Total, --, --, --, --,999,99,24.75,0,0")
    path = tmp_path / "terms.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    terms = read_search_terms(path)
    assert sorted(zip(terms["match_type"], terms["keyword"])) == sorted(clicks)
    assert dict(zip(zip(terms["match_type"], terms["keyword"]), terms["clicks"])) == clicks
    assert terms["spend"].sum() == pytest.approx(sum(clicks.values()) * 0.25)


def test_a_report_without_search_terms_is_refused(tmp_path):
    path = tmp_path / "keywords.csv"
    path.write_text("Campaign,Ad group,Keyword,Clicks,Cost,Conversions\nGM,GMC,gmc parts,3,0.75,0\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"keywords\.csv: has no search_term column: not a search term report"):
        read_search_terms(path)
