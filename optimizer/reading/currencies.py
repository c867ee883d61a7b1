"""The currency a file's money is in, and one currency for all the files of a plan.

A file says its currency in three places: a ``Currency`` column (Amazon, Microsoft Ads), a code, a sign or 元
as a money column's unit in its header ("Cost (USD)", "花费(元)") and the marks on its money cells ("$1.20", "₹5",
read by :func:`optimizer.reading.conventions.one_currency`). A mark alone names a family rather than a
currency: "$" is written for the US, Canadian, Australian, … dollar and "¥" for the yuan and the yen. So
each file gets the set of codes its money may be in; files whose sets share no code are refused, since
summing rupees and dollars into one budget gives an amount in no currency. A file that says nothing is
taken to be in the currency of the others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from optimizer.errors import SHOWN_ROWS, Problem
from optimizer.reading.conventions import MONEY
from optimizer.reading.headers import normalise_header

#: Headers of a column that names each row's currency.
CURRENCY_HEADERS = ("currency", "currency code", "币种", "货币")
#: The codes a currency found by its cells' marks may be (conventions' codes): a "$" or a "¥" is not one currency.
MARKED = {
    "USD": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN"}),
    "CNY": frozenset({"CNY", "JPY"}),
    "INR": frozenset({"INR"}), "EUR": frozenset({"EUR"}), "GBP": frozenset({"GBP"}),
}
#: A currency code or sign in brackets in a header ("Cost (USD)", "Sales (₹)").
_HEADER_CODE = re.compile(r"[(（\[]\s*([a-z]{3}|[$₹€£¥￥])\s*[)）\]]", re.IGNORECASE)
#: 元 (yuan) as a header's unit: "花费(元)", "花费（万元）", "花费/元"; not the 元 of 单元 (an ad group).
_YUAN = re.compile(r"[(（/][^()（）]*元")
_SIGNS = {"$": "USD", "₹": "INR", "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY"}
_ISO_CODES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "CNY", "RMB", "JPY", "INR", "EUR",
                        "GBP", "BRL", "KRW", "SEK", "NOK", "DKK", "CHF", "PLN", "TRY", "AED", "SAR", "ZAR", "EGP"})
#: A currency's code as a Currency column writes it.
_CODE = re.compile("[A-Z]{3}")
#: Cells of a Currency column that name no currency.
_NONE = frozenset({"", "-", "--"})
_HINT = "Export one currency per file (one account, or one currency's accounts) and plan each alone"


def column_problems(table: pd.DataFrame, rows: pd.Series, file: str) -> list[Problem]:
    """The problem of a ``Currency`` column naming more than one currency (its rows' money would be summed as one)."""
    problems = []
    for header, distinct in _currency_columns(table):
        if len(distinct) < 2:
            continue
        codes = table[header].astype(object).where(table[header].notna(), "").astype(str).str.strip().str.upper()
        named = codes[~codes.isin(_NONE)]
        commonest = named.value_counts().index[0]
        other = named[named != commonest]
        problems.append(Problem(
            f"names {named.nunique()} currencies ({', '.join(named.value_counts().index)}): {len(other)} rows are "
            f"not in {commonest}, and money in two currencies cannot be summed", file=file, column=str(header),
            rows=rows[other.index[:SHOWN_ROWS]].tolist(), values=other.head(SHOWN_ROWS).tolist(), n_rows=len(other),
            hint=_HINT))
    return problems


def of_file(table: pd.DataFrame, headers: Mapping[str, str], marked: str | None) -> dict[str, frozenset[str]]:
    """Where the file names its currency (a Currency column, a money header, its cells' marks: ``marked``, the
    code conventions read) and the codes each allows; empty when it names none."""
    said: dict[str, frozenset[str]] = {}
    for header, distinct in _currency_columns(table):
        if len(distinct) == 1 and _CODE.fullmatch(code := next(iter(distinct))):   # "US Dollar" names no code
            said[f'column "{header}"'] = frozenset({_iso(code)})
    for canonical in MONEY:
        header = str(headers.get(canonical, ""))
        found = _HEADER_CODE.search(header)
        if _YUAN.search(header):
            said[f'header "{header}"'] = frozenset({"CNY"})
        elif found and (sign := _SIGNS.get(found.group(1))):
            said[f'header "{header}"'] = MARKED[sign]
        elif found and found.group(1).upper() in _ISO_CODES:
            said[f'header "{header}"'] = frozenset({_iso(found.group(1))})
    if marked is not None:
        said["money cells' marks"] = MARKED.get(marked, frozenset({marked}))
    return said


def one_code(said: Mapping[str, frozenset[str]]) -> str | None:
    """The one currency :func:`of_file`'s findings allow together, None when they allow none or several ("$")."""
    codes = _allowed(said)
    return next(iter(codes)) if len(codes) == 1 else None


def within_file(said: Mapping[str, frozenset[str]], file: str) -> list[Problem]:
    """The problem of a file whose column, headers and marks name currencies that cannot all be one."""
    if not said or _allowed(said):
        return []
    return [Problem(f"names its currency in ways that disagree: {_listed(said)}", file=file, hint=_HINT)]


def across_files(said: Sequence[tuple[Path, Mapping[str, frozenset[str]]]]) -> list[Problem]:
    """The problem of files whose money is in currencies no one code fits: ``said`` is each file's path and
    :func:`of_file`. Files that name no currency are left out."""
    names = [path.name for path, _ in said]   # with its folder where two files share a name
    names = [str(Path(path.parent.name, name)) if names.count(name) > 1 else name for name, (path, _) in zip(names, said)]
    files = [(name, _allowed(found), " and ".join(found)) for name, (_, found) in zip(names, said) if found]
    files = [file for file in files if file[1]]   # a file disagreeing with itself is refused alone
    if len(files) < 2 or frozenset.intersection(*(codes for _, codes, _ in files)):
        return []
    each = "; ".join(f"{name}: {_named(codes)} by its {where}" for name, codes, where in files)
    return [Problem(
        f"the reports' money is in different currencies ({each}): a plan over them would sum amounts in no one "
        "currency", file=", ".join(name for name, _, _ in files),
        hint="Plan each currency's reports in a scenario of their own, or convert them to one currency first")]


def _allowed(said: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The codes every finding of a file allows (none when it names no currency, or when they disagree)."""
    return frozenset.intersection(*said.values()) if said else frozenset()


def _currency_columns(table: pd.DataFrame):
    """Each ``Currency`` column's header and the codes it names (upper case; blanks and dashes are none), each distinct
    cell looked at once."""
    for header in table.columns:
        if normalise_header(header) in CURRENCY_HEADERS:
            distinct = {str(cell).strip().upper() for cell in pd.unique(table[header]) if not pd.isna(cell)}
            yield header, distinct - _NONE


def _iso(code: str) -> str:
    return "CNY" if code.upper() == "RMB" else code.upper()


def _listed(said: Mapping[str, frozenset[str]]) -> str:
    return "; ".join(f"{where}: {_named(codes)}" for where, codes in said.items())


def _named(codes: frozenset[str]) -> str:
    return {MARKED["USD"]: "$ (a dollar)", MARKED["CNY"]: "¥ (yuan or yen)"}.get(codes, " or ".join(sorted(codes)))
