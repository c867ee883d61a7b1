"""Read one platform export (CSV/TSV/TXT or XLSX/XLS) into canonical columns.

Exports from 直通车, 京东快车, Amazon Ads, Google Ads and Facebook differ in
encoding, delimiter, title lines, header names, number formats and total rows.
This module hides all of that: every report comes back with the same column
names, numbers as floats, dates as datetime64, and the spreadsheet row number
of each record so that later messages can point at the cell a person sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineError

from optimizer.errors import InputDataError, Problem

#: Canonical column -> header aliases, preferred first (a file with two headers
#: for one column keeps the earlier alias). Matched after ``normalise_header``.
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("日期", "统计日期", "Date", "Day", "Report Date"),
    "plan": ("推广计划名称", "推广计划", "计划名称", "计划", "Campaign Name", "Campaign",
             "广告计划", "广告计划名称", "xyz_campaign_id"),
    "ad_group": ("推广单元名称", "推广单元", "单元名称", "宝贝名称", "商品名称", "广告组", "广告组名称",
                 "Ad Group Name", "Ad group"),
    "keyword": ("关键词", "关键词名称", "关键字", "Keyword", "Keyword text", "Targeting", "Search keyword"),
    "match_type": ("匹配方式", "匹配类型", "Match type", "Search keyword match type",
                   "Keyword match type"),
    "bid": ("出价", "关键词出价", "当前出价", "Bid", "Max. CPC", "Max CPC", "Max CPC bid", "Keyword bid",
            "Keyword max CPC", "Default max. CPC"),
    "impressions": ("展现量", "展现数", "曝光量", "展示次数", "展示数", "Impressions", "Impr.", "Impr"),
    "clicks": ("点击量", "点击数", "点击次数", "Clicks"),
    "spend": ("花费", "总花费", "总费用", "消耗", "消费", "Spend", "Cost", "Spent", "Amount spent"),
    "orders": ("总成交笔数", "成交笔数", "总订单行", "总订单数", "成交订单数", "订单数", "Orders", "Conversions",
               "Purchases",
               "7 Day Total Orders", "14 Day Total Orders", "1 Day Total Orders",
               "30 Day Total Orders", "Total Orders", "Approved_Conversion"),
    "revenue": ("总成交金额", "成交金额", "总订单金额", "成交额", "销售额", "GMV", "Conv. value", "Conversion value",
                "Revenue",
                "All conv. value", "Total conv. value", "7 Day Total Sales", "14 Day Total Sales",
                "1 Day Total Sales", "30 Day Total Sales", "Total Sales", "Sales"),
    "plan_budget": ("日限额", "每日预算", "日预算", "Budget", "Daily budget", "Campaign budget"),
    "ctr": ("点击率", "CTR", "Click-Thru Rate", "Click-through rate"),
    "cpc": ("平均点击花费", "平均点击成本", "Avg. CPC", "Cost Per Click", "CPC"),
    "roi": ("投入产出比", "ROI", "RoAS", "Total Return on Advertising Spend",
            "Return on Advertising Spend", "Conv. value / cost"),
    "acos": ("ACoS", "Total Advertising Cost of Sales", "Advertising Cost of Sales"),
    "cvr": ("点击转化率", "Conv. rate", "Conversion rate", "14 Day Conversion Rate",
            "7 Day Conversion Rate", "CVR"),
}
TEXT_COLUMNS = ("plan", "ad_group", "keyword", "match_type")
NUMBER_COLUMNS = tuple(name for name in ALIASES if name != "date" and name not in TEXT_COLUMNS)
HEADER_SCAN_LINES = 30
SAMPLE_BYTES = 256 * 1024
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
DELIMITERS = (",", "\t", ";")
MISSING_TOKENS = ("", "-", "--", "—", "–", "n/a", "na", "nan", "null", "none", "nat")
MAP_HINT = 'Name it in [data] columns, e.g. columns = {{ "Your header" = "{canonical}" }}'
_PAREN_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_SPACES = re.compile(r"\s+")
# Patterns for pandas .str are plain strings without \s or \d: pyarrow then runs them in C (RE2).
_TOTAL_PREFIXES = ("合计", "总计", "汇总", "total:", "total :", "total：")  # on lowercased text
_TOTAL_CELLS = ("total", "totals")
_WINDOW = re.compile(r"^\s*\d+\s*day\b|\d+\s*天", re.IGNORECASE)
_NOISE = r"rs\.?|inr|usd|us\$|rmb|cny|[¥￥$₹€£元,% ]"  # currency, thousands separators, percent
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?"
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%b %d, %Y",
                 "%B %d, %Y", "%d %b %Y", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d", "%m/%d/%Y")
_OTHER_CJK = ("cp949", "euc_kr", "johab", "euc_jp", "euc_jis_2004", "shift_jis", "cp932", "big5",
              "big5hkscs", "cp950", "iso2022_jp", "iso2022_kr")
MATCH_TYPES = {"精确匹配": "exact", "精准匹配": "exact", "精确": "exact", "exact match": "exact",
               "广泛匹配": "broad", "广泛": "broad", "broad match": "broad",
               "短语匹配": "phrase", "中心词匹配": "phrase", "phrase match": "phrase",
               "-": "", "--": ""}


def normalise_header(header: object) -> str:
    """Lowercase, strip, collapse spaces and drop a trailing unit like "(元)" or "(#)".

    Both the file's headers and the aliases go through this, so "Spend ($)",
    "spend" and " Spend " all name one column.
    """
    text = _SPACES.sub(" ", str(header).replace("\ufeff", "")).strip().lower()
    return _PAREN_UNIT.sub("", text).strip() or text


_LOOKUP: dict[str, tuple[str, int]] = {}
for _canonical, _names in ALIASES.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(normalise_header(_name), (_canonical, _rank))


@dataclass(frozen=True)
class Report:
    """One export in canonical columns, plus what was learned reading it.

    ``frame`` holds the canonical columns found, ``row`` (the spreadsheet row
    number) and ``source`` (the file name); ``bad_cells`` maps a canonical
    column to the row numbers and raw texts that could not be parsed.
    """

    path: Path
    frame: pd.DataFrame
    headers: dict[str, str]
    encoding: str | None
    bad_cells: dict[str, tuple[list[int], list[str]]] = field(default_factory=dict)
    attribution_window: bool = False


def read_report(path: str | Path, columns: Mapping[str, str] | None = None) -> Report:
    """Read one export; ``columns`` maps the file's headers to canonical names first.

    Raises ``InputDataError`` when the file cannot be read, has no recognisable
    header row, or ``columns`` names a header the file does not have.
    """
    path = Path(path)
    columns = dict(columns or {})
    suffix = path.suffix.lower()
    if suffix not in TEXT_EXTENSIONS + EXCEL_EXTENSIONS:
        raise InputDataError([Problem(
            f"cannot read files ending in '{suffix or '(none)'}'", file=path.name,
            hint="Export the report as CSV or XLSX")])
    if not path.is_file():
        raise InputDataError([Problem(
            f"no such file (looked for {path.resolve()})", file=path.name,
            hint="Check the path: report paths in a scenario are relative to the scenario file")])
    user_headers = {normalise_header(header) for header in columns}
    try:
        if suffix in TEXT_EXTENSIONS:
            table, header_row, encoding = _read_text(path, user_headers)
        else:
            (table, header_row), encoding = _read_excel(path, user_headers), None
    except (OSError, ValueError, csv.Error, UnicodeDecodeError, zipfile.BadZipFile,
            CalamineError) as error:
        raise InputDataError([Problem(
            f"cannot be read ({type(error).__name__}: {error})", file=path.name,
            hint="Check the path, or export the report again as CSV or XLSX")]) from error
    headers = _map_headers(list(table.columns), columns, path.name)
    rows = pd.Series(np.arange(len(table), dtype=np.int64) + header_row + 1, index=table.index)
    raw = table[list(headers.values())].set_axis(list(headers), axis=1)
    keep = ~_total_or_blank(raw, table.iloc[:, 0] if len(table.columns) else None)
    raw, rows = raw[keep], rows[keep]
    frame, bad_cells = _parse(raw, rows, from_excel=suffix not in TEXT_EXTENSIONS)
    frame["source"] = path.name
    frame["row"] = rows.to_numpy()
    orders_header = headers.get("orders", "")
    return Report(path=path, frame=frame.reset_index(drop=True), headers=headers, encoding=encoding,
                  bad_cells=bad_cells, attribution_window=bool(_WINDOW.search(orders_header)))


def _detect_encoding(raw: bytes) -> str:
    """BOM first, then strict UTF-8, then charset-normalizer; GBK is read as gb18030."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = raw[:SAMPLE_BYTES]
    if len(raw) > SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(sample).best()
    name = codecs.lookup(best.encoding).name if best else "gb18030"
    if name in _OTHER_CJK:  # the detector mistakes GBK for Korean or Japanese on short, repetitive text
        try:
            sample.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            return name
    return "gb18030" if name in ("gb2312", "gbk", "cp936", "hz", "gb18030") else name


def _read_text(path: Path, user_headers: set[str]) -> tuple[pd.DataFrame, int, str]:
    """Decode, find the header line and delimiter, then read every cell as text."""
    raw = path.read_bytes()
    encoding = _detect_encoding(raw)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "gb18030"
        text = raw.decode(encoding)
    head = text[: _nth_line_end(text, HEADER_SCAN_LINES)]
    best: tuple[int, int, str, int] | None = None  # (-matches, record, delimiter, lines before)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(head), delimiter=delimiter)
        lines_before, records = 0, []
        try:
            for record in reader:
                records.append((record, lines_before))
                lines_before = reader.line_num
        except csv.Error:
            pass
        found = _find_header([record for record, _ in records], user_headers)
        if found is not None:
            candidate = (-found[1], found[0], delimiter, records[found[0]][1])
            best = candidate if best is None or candidate[0] < best[0] else best
    if best is None:
        raise _no_header(path)
    _, header_index, delimiter, lines_before = best
    body = text[_nth_line_end(text, lines_before):].encode("utf-8")
    options = dict(sep=delimiter, header=0, dtype=str, keep_default_na=False, skip_blank_lines=False)
    try:
        table = pd.read_csv(io.BytesIO(body), engine="pyarrow", **options)
    except (pd.errors.ParserError, ValueError):
        # Ragged rows (trailing separators): the python engine can cut them to the header.
        width = len(next(csv.reader(io.StringIO(body[:65536].decode("utf-8", "ignore")),
                                    delimiter=delimiter)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            table = pd.read_csv(io.BytesIO(body), engine="python", index_col=False,
                                on_bad_lines=lambda cells: cells[:width], **options)
    return table, header_index + 1, encoding


def _nth_line_end(text: str, count: int) -> int:
    """Offset just after the ``count``-th newline (or the text's end)."""
    position = 0
    for _ in range(count):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position


def _read_excel(path: Path, user_headers: set[str]) -> tuple[pd.DataFrame, int]:
    """Pick the sheet whose header looks most like a report; cells keep their Excel types."""
    with pd.ExcelFile(path, engine="calamine") as book:
        best: tuple[int, str, int] | None = None
        for sheet in book.sheet_names:
            head = pd.read_excel(book, sheet_name=sheet, header=None, nrows=HEADER_SCAN_LINES)
            found = _find_header(head.astype(object).where(head.notna(), "").values.tolist(), user_headers)
            if found is not None and (best is None or found[1] > best[0]):
                best = (found[1], sheet, found[0])
        if best is None:
            raise _no_header(path)
        _, sheet, header_index = best
        sheet_table = pd.read_excel(book, sheet_name=sheet, header=None)
    names = [str(name) if pd.notna(name) else f"Unnamed: {position}"
             for position, name in enumerate(sheet_table.iloc[header_index])]
    table = sheet_table.iloc[header_index + 1:].set_axis(names, axis=1).reset_index(drop=True)
    return table.infer_objects(), header_index + 1


def _find_header(records: list[list[object]], user_headers: set[str]) -> tuple[int, int] | None:
    """First record where at least two cells are known headers: (index, matches)."""
    for index, record in enumerate(records[:HEADER_SCAN_LINES]):
        names = {normalise_header(cell) for cell in record if str(cell).strip()}
        matches = sum(name in _LOOKUP or name in user_headers for name in names)
        if matches >= 2:
            return index, matches
    return None


def _no_header(path: Path) -> InputDataError:
    return InputDataError([Problem(
        f"no header row found in the first {HEADER_SCAN_LINES} lines (looked for at least two "
        "known column names such as 日期, 点击量, 花费, Date, Clicks, Impressions, Cost)",
        file=path.name, hint=MAP_HINT.format(canonical="clicks"))])


def _map_headers(file_headers: list[str], columns: dict[str, str], file: str) -> dict[str, str]:
    """Canonical -> original header: the user's mapping first, then the best alias."""
    problems, headers = [], {}
    by_normal = {}
    for header in file_headers:
        by_normal.setdefault(normalise_header(header), header)
    for user_header, canonical in columns.items():
        found = user_header if user_header in file_headers else by_normal.get(normalise_header(user_header))
        if canonical not in ALIASES:
            problems.append(Problem(f'[data] columns maps "{user_header}" to unknown column "{canonical}"',
                                    file=file, hint=f"Use one of: {', '.join(ALIASES)}"))
        elif found is None:
            shown = ", ".join(f'"{header}"' for header in file_headers[:12])
            problems.append(Problem(f'[data] columns names "{user_header}", which is not a column of '
                                    "this file", file=file, hint=f"Use one of its headers: {shown}"))
        else:
            headers[canonical] = found
    if problems:
        raise InputDataError(problems)
    taken = set(headers.values())
    ranked: dict[str, tuple[int, str]] = {}
    for header in file_headers:
        canonical, rank = _LOOKUP.get(normalise_header(header), (None, 0))
        if canonical and canonical not in headers and header not in taken:
            if canonical not in ranked or rank < ranked[canonical][0]:
                ranked[canonical] = (rank, header)
    headers.update({canonical: header for canonical, (_, header) in ranked.items()})
    return {canonical: headers[canonical] for canonical in ALIASES if canonical in headers}


def _cell_text(column: pd.Series) -> pd.Series:
    """Each cell as stripped text, missing cells as ""."""
    if not pd.api.types.is_string_dtype(column) or column.dtype == object:
        column = column.astype(object).where(column.notna(), "").astype(str)
    return column.fillna("").str.strip()


def _total_or_blank(raw: pd.DataFrame, first_column: pd.Series | None) -> pd.Series:
    """Rows to drop: totals (合计, Total: Account …) and rows with every cell blank."""
    texts = {name: _cell_text(raw[name]) for name in raw.columns}
    total = pd.Series(False, index=raw.index)
    identity = [texts[name] for name in ("date", "plan", "ad_group", "keyword") if name in texts]
    if first_column is not None:
        identity.append(_cell_text(first_column))
    for text in identity:
        lowered = text.str.lower()
        total |= lowered.str.startswith(_TOTAL_PREFIXES) | lowered.isin(_TOTAL_CELLS)
    blank = pd.Series(True, index=raw.index)
    for text in texts.values():
        blank &= text.str.lower().isin(MISSING_TOKENS)
    return total | blank


def _parse(raw: pd.DataFrame, rows: pd.Series, from_excel: bool):
    """Parse every canonical column; unparseable cells go to ``bad_cells``."""
    parsed, bad_cells = {}, {}
    for name in raw.columns:
        column = raw[name]
        if name in TEXT_COLUMNS:
            text = _cell_text(column)
            if from_excel:
                text = text.str.replace(r"^(-?[0-9]+)\.0$", r"\1", regex=True)
            if name == "match_type":
                lowered = text.str.lower()
                text = lowered.map(MATCH_TYPES).fillna(lowered).astype(str)
            parsed[name] = text
            continue
        values, bad = _parse_dates(column) if name == "date" else _parse_numbers(column)
        parsed[name] = values
        if bad.any():
            bad_cells[name] = (rows[bad].tolist(), _cell_text(column[bad]).tolist())
    return pd.DataFrame(parsed, index=raw.index), bad_cells


def _parse_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """"¥1,234.50", "Rs.201.68", "9.09%" (-> 0.0909), "-" (-> NaN); numbers pass through."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype("float64"), pd.Series(False, index=column.index)
    lowered = _cell_text(column).str.lower()
    missing = lowered.isin(MISSING_TOKENS)
    cleaned = lowered
    valid = cleaned.str.fullmatch(_NUMBER).fillna(False).astype(bool) & ~missing
    noisy = ~valid & ~missing
    if noisy.any():  # only cells like "¥1,234.50" pay for the regex
        cleaned = cleaned.where(~noisy, lowered[noisy].str.replace(_NOISE, "", regex=True))
        valid |= noisy & cleaned.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    # pyarrow's cast parses a million numbers in milliseconds; invalid cells are nulls by then
    parsed = pc.cast(pa.array(cleaned.where(valid), type=pa.string()), pa.float64())
    values = pd.Series(parsed.to_numpy(zero_copy_only=False), index=column.index, dtype="float64")
    values = values.where(~lowered.str.endswith("%"), values / 100.0)
    return values, ~valid & ~missing


def _parse_dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates in the usual export formats, Excel datetimes and Excel serial numbers."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.astype("datetime64[ns]"), pd.Series(False, index=column.index)
    text = _cell_text(column).str.replace(r"^([0-9]{8})\.0$", r"\1", regex=True)
    missing = text.str.lower().isin(MISSING_TOKENS)
    dates = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
    for date_format in _DATE_FORMATS:
        todo = dates.isna() & ~missing
        if not todo.any():
            break
        dates[todo] = pd.to_datetime(text[todo], format=date_format, errors="coerce")
    serial = pd.to_numeric(text.where(dates.isna() & ~missing, ""), errors="coerce")
    serial = serial.where((serial > 20000) & (serial < 80000))
    if serial.notna().any():
        excel = pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
        dates = dates.where(dates.notna(), excel.dt.floor("D"))
    return dates, dates.isna() & ~missing
