"""Search-term reports: their rows are summed to the unit that takes the bid.

A search-term report has one row per customer query under each keyword. The bid belongs to the
keyword: campaign, ad group, keyword text and *the keyword's* match type. Amazon's `Match Type`
beside `Customer Search Term` is the keyword's; Google's and Microsoft's `Match type` beside
`Search term` is the query's (how it matched), and would split one keyword into up to six units.
There the keyword's match type comes from a keyword match type column, else from the keyword's
own notation: `[shoes]` exact, `"shoes"` phrase, anything else broad.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.i18n import say
from optimizer.reading.headers import normalise_header

#: Headers of the query column whose neighbouring "Match type" is the query's own (Google, Microsoft, 直通车).
QUERY_HEADERS = ("search term", "search query", "搜索词", "搜索查询词")
#: Amazon's query column: its report's "Match Type" is the keyword's.
KEYWORD_MATCH_HEADERS = ("keyword match type", "search keyword match type", "bid match type", "关键词匹配方式")


def keyword_match_type(headers: dict[str, str], file_headers: list[str], name: str) -> tuple[dict[str, str], bool, tuple[str, ...]]:
    """Headers with ``match_type`` pointing at the keyword's match type; whether to read it from the keyword text.

    Returns (headers, from_notation, notes). Files that are not search-term reports pass unchanged.
    """
    normal = {normalise_header(header): header for header in file_headers}
    query = next((normal[header] for header in QUERY_HEADERS if header in normal), None)
    matched = headers.get("match_type")
    if query is None or "keyword" not in headers or matched is None or \
            normalise_header(matched) in KEYWORD_MATCH_HEADERS:
        return headers, False, ()
    keyword_match = next((normal[header] for header in KEYWORD_MATCH_HEADERS if header in normal), None)
    if keyword_match is not None:
        return {**headers, "match_type": keyword_match}, False, (
            say("read.search_terms", name=name, matched=matched, rest=say("read.search_terms.column",
                                                                          column=keyword_match)),)
    rest = {canonical: header for canonical, header in headers.items() if canonical != "match_type"}
    return rest, True, (say("read.search_terms", name=name, matched=matched,
                            rest=say("read.search_terms.notation")),)


def from_notation(frame: pd.DataFrame) -> pd.DataFrame:
    """``match_type`` from the keyword's notation, and the keyword without its brackets or quotes."""
    keyword = frame["keyword"].astype(str).str.strip()
    exact = keyword.str.startswith("[") & keyword.str.endswith("]")
    phrase = keyword.str.startswith('"') & keyword.str.endswith('"') & (keyword.str.len() > 1)
    match = np.select([exact.to_numpy(), phrase.to_numpy()], ["exact", "phrase"],
                      np.where(keyword.to_numpy() == "", "", "broad"))
    bare = keyword.where(~(exact | phrase), keyword.str.slice(1, -1).str.strip())
    return frame.assign(keyword=bare, match_type=match)
