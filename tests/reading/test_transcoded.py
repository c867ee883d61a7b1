"""reading.transcoded: a GBK export split by pyarrow in its own bytes and transcoded column by column reads as the
whole decoded text does: the same cells, rows, notes and messages for bad rows; what it cannot read goes back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading import transcoded
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate

HEADER = "日期,推广计划名称,宝贝名称,关键词,匹配方式,出价,展现量,点击量,点击率,花费,平均点击花费,总成交笔数,总成交金额"


def daily_lines(seed: int, keywords: int = 40, days: int = 3) -> list[str]:
    """A daily 直通车 export: keywords with Chinese, quoted and ASCII names, money as "￥1,234.50", "-" cells."""
    rng = np.random.default_rng(seed)
    names = [f"关键词{index}" if index % 3 else f'"连衣裙, 夏季{index}"' for index in range(keywords)]
    names[1] = "dress 2"
    lines = []
    for day in range(1, days + 1):
        for index, name in enumerate(names):
            clicks = int(rng.integers(0, 30))
            spend = round(clicks * float(rng.uniform(0.3, 2.0)), 2)
            cpc = f"{spend / clicks:.2f}" if clicks else "-"
            lines.append(f"2024-06-0{day},计划{index % 4},宝贝{index % 7},{name},{'精确匹配' if index % 2 else '广泛匹配'},"
                         f"{rng.uniform(0.5, 3):.2f},{clicks * 20 + 3},{clicks},{clicks / (clicks * 20 + 3):.2%},"
                         f'"￥{spend:,.2f}",{cpc},{int(rng.integers(0, 3))},"￥{spend * 3:,.2f}"')
    return lines


def write(path: Path, lines: list[str], encoding: str = "gbk") -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def both(path: Path, monkeypatch) -> tuple:
    """``read_report`` of ``path`` by columns and by the whole decoded text."""
    by_columns = read_report(path)
    with monkeypatch.context() as patched:
        patched.setattr(transcoded, "BYTE_SAFE", ())
        whole = read_report(path)
    return by_columns, whole


def assert_same(one, other) -> None:
    pd.testing.assert_frame_equal(one.frame, other.frame)
    assert (one.encoding, one.headers, one.notes, one.titles, one.file_headers, one.rows_read, one.bad_cells) == \
        (other.encoding, other.headers, other.notes, other.titles, other.file_headers, other.rows_read, other.bad_cells)


def test_a_daily_gbk_export_is_read_by_columns_into_the_cells_the_decoded_text_gives(tmp_path, monkeypatch):
    lines = ["关键词报表 2024-06-01 至 2024-06-03", HEADER, *daily_lines(3), "合计,,,,,,9999,999,,,,,"]
    path = write(tmp_path / "ztc.csv", lines)
    raw = path.read_bytes()
    start = transcoded.line_end(raw, 2)
    table = transcoded.read_table(raw, start, HEADER + "\r\n", ",", "gb18030")
    assert table is not None and len(table) == 121 and list(table.columns) == HEADER.split(",")
    assert table["关键词"].iat[0] == '连衣裙, 夏季0' and table["关键词"].iat[1] == "dress 2"
    assert table["花费"].dtype == "str" and table["平均点击花费"].isin(["-"]).any()
    by_columns, whole = both(path, monkeypatch)
    assert_same(by_columns, whole)
    assert by_columns.encoding == "gb18030" and len(by_columns.frame) == 120


def test_bad_rows_of_a_gbk_export_read_by_columns_get_the_same_messages(tmp_path, monkeypatch):
    lines = [HEADER, *daily_lines(5, keywords=12)]
    lines[2] = lines[2].replace("2024-06-01", "2024-13-45", 1)   # keyword 1's row on the first day
    lines[3] = re.sub("(匹配),([0-9.]+),", r"\1,一元,", lines[3], count=1)
    path = write(tmp_path / "bad.csv", lines)
    by_columns, whole = both(path, monkeypatch)
    assert_same(by_columns, whole)
    messages = []
    for report in (by_columns, whole):
        with pytest.raises(InputDataError, match=r"bad\.csv.*(cannot be read|一元|2024-13-45)") as raised:
            validate([report])
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "2024-13-45" in messages[0] and "一元" in messages[0]


@pytest.mark.parametrize("trouble", ["ragged", "line break", "blank line", "duplicate names", "header only"])
def test_what_columns_cannot_take_goes_back_to_the_decoded_text_and_reads_the_same(tmp_path, monkeypatch, trouble):
    lines = [HEADER + (",备注,备注" if trouble == "duplicate names" else ""), *daily_lines(9, keywords=6)]
    if trouble == "duplicate names":
        lines[1:] = [line + ",a,b" for line in lines[1:]]
    if trouble == "ragged":
        lines[2] += ","
    if trouble == "line break":
        lines[3] = lines[3].replace("宝贝", '"宝\n贝"', 1)
    if trouble == "blank line":
        lines.insert(3, "")
    if trouble == "header only":
        lines = [HEADER]
    path = write(tmp_path / "odd.csv", lines)
    raw = path.read_bytes()
    table = transcoded.read_table(raw, transcoded.line_end(raw, 1), lines[0] + "\r\n", ",", "gb18030")
    assert (table is None) == (trouble in ("ragged", "line break", "header only"))   # a blank line is a row
    by_columns, whole = both(path, monkeypatch)
    assert_same(by_columns, whole)


def test_a_cell_gbk_cannot_decode_sends_the_file_to_gb18030_whole(tmp_path, monkeypatch):
    lines = [HEADER, *daily_lines(2, keywords=60)]
    lines[-1] = lines[-1].replace("关键词", "关键词€")   # "€" is 0xA2E3 in GB18030, a byte pair GBK lacks
    path = write(tmp_path / "euro.csv", lines, "gb18030")
    raw = path.read_bytes()
    assert transcoded.read_table(raw, transcoded.line_end(raw, 1), HEADER, ",", "gbk") is None
    by_columns, whole = both(path, monkeypatch)
    assert_same(by_columns, whole)


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(st.text(alphabet=st.sampled_from(list("计划宝贝关键词ab1 .-￥%,\"·é")), max_size=6),
                               min_size=3, max_size=3), min_size=1, max_size=30))
def test_any_cells_transcode_to_the_text_decoding_gives(cells):
    quoted = ['"' + cell.replace('"', '""') + '"' if set(cell) & {",", '"'} else cell for row in cells for cell in row]
    lines = [",".join(quoted[index:index + 3]) for index in range(0, len(quoted), 3)]
    raw = ("名称,数,值\r\n" + "\r\n".join(lines) + "\r\n").encode("gb18030")
    table = transcoded.read_table(raw, transcoded.line_end(raw, 1), "名称,数,值\r\n", ",", "gb18030")
    expected = pd.read_csv(io.BytesIO(raw.decode("gb18030").encode("utf-8")), engine="pyarrow",
                           dtype=str, keep_default_na=False, skip_blank_lines=False)
    pd.testing.assert_frame_equal(table, expected)
