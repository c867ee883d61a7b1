"""Output files: Excel-safe CSV, stable JSON, all-or-nothing writes."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.outputs.files import csv_bytes, json_bytes, neutralize, write_all


def test_formula_cells_are_neutralized_and_numbers_left_alone():
    frame = pd.DataFrame({"keyword": ["=HYPERLINK(\"x\")", "+cmd", "-3 days", "@sum", "连衣裙"], "change_pct": [-50.0, 1, 2, 3, 4]})
    out = neutralize(frame)
    assert out["keyword"].tolist() == ["'=HYPERLINK(\"x\")", "'+cmd", "'-3 days", "'@sum", "连衣裙"]
    assert out["change_pct"].tolist() == [-50.0, 1, 2, 3, 4]
    assert frame["keyword"].iloc[0] == "=HYPERLINK(\"x\")"   # the frame given is left as it was


def test_csv_has_a_bom_and_reads_back_in_chinese():
    data = csv_bytes(pd.DataFrame({"plan": ["女装-主推"], "new_bid": [1.25]}))
    assert data.startswith("\ufeff".encode("utf-8"))
    assert data.decode("utf-8-sig").splitlines() == ["plan,new_bid", "女装-主推,1.25"]


def test_json_is_stable_and_has_no_nan():
    first = json_bytes({"b": float("nan"), "a": 1 / 3, "c": [float("inf")]})
    assert first == json_bytes({"a": 1 / 3, "c": [float("inf")], "b": float("nan")})
    assert json.loads(first) == {"a": 0.333333, "b": None, "c": [None]}


def test_write_all_puts_every_file_in_place(tmp_path):
    written = write_all(tmp_path / "out", {"a.csv": b"1", "b.json": b"{}"})
    assert [path.name for path in written] == ["a.csv", "b.json"]
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["a.csv", "b.json"]


def test_a_failing_write_leaves_no_new_files(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old")

    def broken(path):
        path.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_all(tmp_path, {"a.csv": b"new", "b.xlsx": broken})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.csv"]
    assert (tmp_path / "a.csv").read_bytes() == b"old"


def test_write_all_makes_sub_folders_for_names_that_hold_them(tmp_path):
    written = write_all(tmp_path / "out", {"weekly/ztc-bids.csv": b"1", "budget_cut/ztc-bids.csv": b"2", "a.csv": b"3"})
    assert [path.relative_to(tmp_path / "out").as_posix() for path in written] == [
        "weekly/ztc-bids.csv", "budget_cut/ztc-bids.csv", "a.csv"]
    assert (tmp_path / "out" / "budget_cut" / "ztc-bids.csv").read_bytes() == b"2"


def test_a_failing_write_removes_the_folders_it_made(tmp_path):
    def broken(path):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_all(tmp_path / "out", {"weekly/a.csv": b"1", "double11/b.xlsx": broken})
    assert list(tmp_path.iterdir()) == []


def test_names_may_not_leave_the_output_folder(tmp_path):
    with pytest.raises(ValueError, match=r"output name '../x.csv' must stay inside"):
        write_all(tmp_path / "out", {"../x.csv": b"1"})
    assert list(tmp_path.iterdir()) == []


def test_csv_of_a_large_frame_is_what_pandas_writes():
    """csv_bytes assembles big CSVs itself (Arrow text, numtext); the bytes must equal pandas' to_csv."""
    rng = np.random.default_rng(7)
    n = 5_000
    frame = pd.DataFrame({
        "plan": pd.Categorical(rng.choice(["a,b", "女装", "=sum", 'q"x', "plain"], n)),
        "keyword": pd.Series(np.char.add("kw ", rng.integers(0, 1000, n).astype(str))),
        "reason": np.array(["x", "-y", "a\rb", "c\nd", "@z"] * (n // 5), dtype=object),
        "spend": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(0, 3, n) * rng.choice([-1, 1], n)),
        "roi": np.round(rng.lognormal(0, 3, n), 2), "units": rng.integers(-5, 10**9, n), "paused": rng.random(n) < 0.5,
    })
    frame.loc[:4, "spend"] = [np.inf, -0.0, 1e300, 5e-324, 999_999.5]
    frame["policy"] = pd.concat([pd.Series(["keep"] * (n // 2)), pd.Series(["bidopt,v2"] * (n - n // 2))],
                                ignore_index=True)   # Arrow-backed text in chunks
    expected = "\ufeff" + neutralize(frame).to_csv(index=False, lineterminator="\n", float_format="%.6g")
    assert csv_bytes(frame, money=frozenset()) == expected.encode("utf-8")
    in_cents = neutralize(frame).assign(spend=[f"{v:.2f}" if v == v else "" for v in frame["spend"]])
    expected = "\ufeff" + in_cents.to_csv(index=False, lineterminator="\n", float_format="%.6g")
    assert csv_bytes(frame) == expected.encode("utf-8")
    assert csv_bytes(frame.iloc[:0]).decode("utf-8-sig") == "plan,keyword,reason,spend,roi,units,paused,policy\n"


@given(st.lists(st.text(alphabet=',"\r\n a=女\u3000', max_size=4), min_size=1, max_size=30))
def test_text_cells_are_quoted_as_pandas_quotes_them(texts):
    frame = pd.DataFrame({"keyword": pd.Series(texts, dtype="string[pyarrow]"), "note": pd.Series(texts, dtype=object)})
    expected = "\ufeff" + neutralize(frame).to_csv(index=False, lineterminator="\n")
    assert csv_bytes(frame) == expected.encode("utf-8")


def test_a_long_column_of_few_distinct_cells_is_quoted_as_pandas_quotes_it():
    reasons = np.array(['raise: ROI 2.1, above the floor', 'hold', 'cut "waste"', None, "=sum(1)", "a\nb"], dtype=object)
    frame = pd.DataFrame({"reason": np.random.default_rng(3).choice(reasons, 20_000), "n": np.arange(20_000)})
    expected = "\ufeff" + neutralize(frame).to_csv(index=False, lineterminator="\n")
    assert csv_bytes(frame) == expected.encode("utf-8")
    assert csv_bytes(frame.astype({"reason": "string[pyarrow]"})) == expected.encode("utf-8")


def test_money_is_written_to_the_cent_and_counts_to_six_digits():
    frame = pd.DataFrame({"plan": ["a", "b", "c"], "spend": [12527.1234, 104245.0, np.nan],
                          "new_budget": [0.5, 1e7 / 3, 2.0], "clicks": [104245.4, 3.0, 0.125]})
    assert csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "plan,spend,new_budget,clicks", "a,12527.12,0.50,104245", "b,104245.00,3333333.33,3", "c,,2.00,0.125"]
    one_column = pd.DataFrame({"revenue": [104245.0]})   # pandas' own writer takes frames of one column
    assert csv_bytes(one_column).decode("utf-8-sig").splitlines() == ["revenue", "104245.00"]


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_written_files_get_the_permissions_the_umask_gives(tmp_path, umask):
    previous = os.umask(umask)
    try:
        written = write_all(tmp_path / "out", {"a.csv": b"1", "sub/b.json": b"{}"})
    finally:
        os.umask(previous)
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o666 & ~umask}
