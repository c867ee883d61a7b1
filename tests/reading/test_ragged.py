"""reading.ragged: rows of another width than the header's are cut, padded or refused, never dropped."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.errors import InputDataError
from optimizer.reading.ragged import rectangular
from optimizer.reading.report_file import read_report

OPTIONS = dict(sep=",", header=0, dtype=str, keep_default_na=False, skip_blank_lines=False)
HEADER = "日期,推广计划名称,关键词,出价,展现量,点击量,花费"


def write(path, text: str, encoding: str = "gbk"):
    path.write_bytes(text.encode(encoding))
    return path


def test_a_name_with_an_unquoted_separator_is_refused_with_its_rows(tmp_path):
    # pandas' own fallback dropped such rows without a word (a quote in mid-cell); the spend in them was lost
    lines = [HEADER, "2024-06-01,计划A,连衣裙,1.20,500,10,12.00",
             '2024-06-01,计划A,=HYPERLINK("http://x","y"),1.20,500,10,12.00',
             "2024-06-02,计划A,裙子,夏季,1.20,500,10,12.00",
             "2024-06-02,计划A,连衣裙,1.30,600,12,15.00"]
    with pytest.raises(InputDataError, match=r"ragged\.csv: 2 rows have more cells than the header's 7: a cell holds "
                       r"a comma without quotes.*\(rows 3: 8 cells, 4: 8 cells\)\. Put that cell in double quotes"):
        read_report(write(tmp_path / "ragged.csv", "\n".join(lines) + "\n"))


def test_a_tab_separated_report_names_the_tab(tmp_path):
    lines = [HEADER.replace(",", "\t"), "2024-06-01\t计划A\t连衣裙\t1.20\t500\t10\t12.00\textra"]
    with pytest.raises(InputDataError, match=r"1 row has more cells than the header's 7: a cell holds a tab.*row 2: 8"):
        read_report(write(tmp_path / "tabs.txt", "\n".join(lines) + "\n"))


def test_a_file_cut_short_in_its_last_row_is_refused(tmp_path):
    lines = [HEADER, "2024-06-01,计划A,连衣裙,1.20,500,10,12.00", "2024-06-02,计划A,连衣裙,1.3"]
    with pytest.raises(InputDataError, match=r"cut\.csv: the file ends in the middle of a row \(4 of 7 cells\): it "
                       r"looks cut short \(row 3: '1\.3'\)\. Download or export the report again"):
        read_report(write(tmp_path / "cut.csv", "\n".join(lines)))


def test_short_rows_that_end_their_line_are_padded_as_missing_figures(tmp_path):
    lines = [HEADER, "2024-06-01,计划A,连衣裙,1.20,500,10,12.00", "2024-06-02,计划A,连衣裙,1.30,600,12", "注: 数据"]
    report = read_report(write(tmp_path / "short.csv", "\n".join(lines)))   # no line end, but one cell: a note
    assert report.frame["row"].tolist()[:2] == [2, 3]
    assert report.frame["spend"].iloc[0] == 12.0 and pd.isna(report.frame["spend"].iloc[1])


def test_empty_trailing_cells_are_cut(tmp_path):
    lines = [HEADER + ",", "2024-06-01,计划A,连衣裙,1.20,500,10,12.00,,,", "2024-06-02,计划A,连衣裙,1.30,600,12,15.00,"]
    report = read_report(write(tmp_path / "trailing.csv", "\n".join(lines) + "\n"))
    assert report.frame["spend"].tolist() == [12.0, 15.0] and report.frame["row"].tolist() == [2, 3]


cells = st.text(st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5).flatmap(lambda width: st.lists(st.lists(cells, min_size=width, max_size=width),
                                                        min_size=1, max_size=8)))
def test_a_rectangular_report_reads_as_pyarrow_reads_it(records):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    text = buffer.getvalue()
    expected = pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", **OPTIONS)
    pd.testing.assert_frame_equal(rectangular(text, ",", "r.csv", 2, OPTIONS), expected)
