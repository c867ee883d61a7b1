"""Properties of the reader: whatever the title lines, total rows, column order, encoding and empty cells, the
per-keyword sums read are the table's, or the file is refused with a message; never a different number."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate

KEYWORDS = (("计划A", "连衣裙", "Exact"), ("计划A", "red shoes", "Broad"), ("Plan B", "b07b7nsllp", ""),
            ("Plan B", "连衣裙", "Phrase"))
COLUMNS = ("Campaign", "Keyword", "Match type", "Impressions", "Clicks", "Cost", "Conversions", "Conv. value")
TITLES = ("Keyword report", "", '"Campaign report (January 01, 2025 - November 18, 2025)"', "All time",
          "Request Id: 1", "统计时间：2025-10-01 至 2025-10-31", "Keyword report (Jun 14, 2016)", "1 May 2026 - 8 May 2026")
#: Total rows of every style: the cells of Campaign, Keyword and Match type (the figures are the column sums).
TOTALS = (("合计", "", ""), ("Total", "", ""), ("Total: Account", "--", "--"), ("--", "--", "--"),
          (" --", " --", " --"), ("Search total", "", ""), ("", "Total", ""))
ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "utf-16")
EMPTY = ("", "--", " ")

#: One row: which keyword, impressions (100-199: no row equals the sum of two others), clicks, cost in cents,
#: orders and order value in cents (None: an empty cell).
ROWS = st.lists(st.tuples(st.integers(0, len(KEYWORDS) - 1), st.integers(100, 199), st.integers(0, 99),
                          st.integers(0, 9999), st.one_of(st.none(), st.integers(0, 5)),
                          st.one_of(st.none(), st.integers(0, 99999))),
                min_size=1, max_size=8, unique=True)


def cells(rows: list[tuple], empty: str) -> list[dict[str, str]]:
    """Each row's cells as an export writes them; empty optional cells as ``empty``."""
    written = []
    for which, impressions, clicks, cents, orders, value in rows:
        plan, keyword, match = KEYWORDS[which]
        written.append({"Campaign": plan, "Keyword": keyword, "Match type": match or empty,
                        "Impressions": str(impressions), "Clicks": str(clicks), "Cost": f"{cents / 100:.2f}",
                        "Conversions": empty if orders is None else str(min(orders, clicks)),
                        "Conv. value": empty if value is None else f"{value / 100:.2f}"})
    return written


def total_row(rows: list[tuple], style: tuple[str, str, str]) -> dict[str, str]:
    """The column sums under a total label of ``style``."""
    plan, keyword, match = style
    return {"Campaign": plan, "Keyword": keyword, "Match type": match,
            "Impressions": str(sum(row[1] for row in rows)), "Clicks": str(sum(row[2] for row in rows)),
            "Cost": f"{sum(row[3] for row in rows) / 100:.2f}",
            "Conversions": str(sum(min(row[4] or 0, row[2]) for row in rows)),
            "Conv. value": f"{sum(row[5] or 0 for row in rows) / 100:.2f}"}


def expected(rows: list[tuple]) -> pd.DataFrame:
    """The table's own sums per unit (campaign, keyword, match type)."""
    table = pd.DataFrame([(*KEYWORDS[which], clicks, cents / 100, np.nan if orders is None else min(orders, clicks),
                           np.nan if value is None else value / 100)
                          for which, _, clicks, cents, orders, value in rows],
                         columns=["plan", "keyword", "match_type", "clicks", "spend", "orders", "revenue"])
    table["match_type"] = table["match_type"].str.lower()
    return table.groupby(["plan", "keyword", "match_type"]).sum(min_count=1)


@settings(max_examples=30, deadline=None)
@given(rows=ROWS, order=st.permutations(list(COLUMNS)), titles=st.lists(st.sampled_from(TITLES), max_size=3),
       style=st.sampled_from(TOTALS), position=st.integers(0, 8), encoding=st.sampled_from(ENCODINGS),
       delimiter=st.sampled_from([",", "\t"]), empty=st.sampled_from(EMPTY))
def test_the_reader_returns_the_table_s_sums_per_keyword_or_refuses(rows, order, titles, style, position, encoding,
                                                                     delimiter, empty):
    written = cells(rows, empty)
    written.insert(min(position, len(written)), total_row(rows, style))
    lines = [*titles, delimiter.join(order), *(delimiter.join(row[name] for name in order) for row in written)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.csv"
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        try:
            performance = validate([read_report(path)], period_days=7)
        except InputDataError as error:
            assert "report.csv" in str(error) and len(str(error)) > 40
            return
    units = performance.frame.groupby(["plan", "keyword", "match_type"])[["clicks", "spend", "orders", "revenue"]]
    read = units.sum(min_count=1)
    table = expected(rows)
    assert sorted(read.index) == sorted(table.index)
    read = read.loc[table.index]
    assert np.array_equal(read["clicks"].to_numpy(), table["clicks"].to_numpy())
    assert np.allclose(read["spend"].to_numpy(), table["spend"].to_numpy())
    for name in ("orders", "revenue"):  # an empty cell may read as 0 or stay empty, never as another number
        assert np.allclose(read[name].fillna(0).to_numpy(), table[name].fillna(0).to_numpy())
    assert any("skipped 1 total row" in warning for warning in performance.warnings)
