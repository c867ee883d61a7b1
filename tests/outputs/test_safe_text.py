"""Hostile text in, harmless text out: every cell, header, page and printed line of every command that writes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from optimizer.cli import main
from optimizer.outputs.safe_text import XLSX_ILLEGAL, cell, cells, formula_like, markdown, terminal, xlsx_cell
from optimizer.simulation.market import simulate
from optimizer.simulation.market_exports import report_bytes
from tests.bulk_fixture import COLUMNS, _ad_group, _campaign, target_row

#: How a hostile name may start: formula characters (ASCII and full-width, after blanks), tab/CR, markup, escapes.
PREFIXES = ["=", "+", "-", "@", "\t=", "\r+", "＝", "＋", "－", "＠", " =", "<script>", "\x1b]0;owned\x07",
            "\x1b[2J", "\u202e", "\x9b31m"]
BODIES = ["cmd|' /C calc'!A1", "HYPERLINK(\"http://x\")", "SUM(1+1)", "alert(1)</script>", "1+1", "a|b",
          "Sale $\\frac$ now"]   # a figure's formula syntax
hostile = st.builds(lambda prefix, body, tail: prefix + body + tail, st.sampled_from(PREFIXES),
                    st.sampled_from(BODIES), st.text(alphabet="abc xyz=+-@<>|\x1b\x07", max_size=6))
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What the reader refuses in a name (C0 controls but tab and line ends; DEL): no platform writes one.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def test_formula_cells_get_a_quote_and_everything_else_is_left_as_it_is():
    for text in ["=1+1", "+1", "-x", "@A1", "\tx", "\r=1", "＝1", "  =1", "\u3000＋1"]:
        assert formula_like(text) and cell(text) == "'" + text
    for text in ["1-2", "a=b", "'=1", "连衣裙", "", 5, None]:
        assert not formula_like(text) and cell(text) == text
    column = pd.Series(["=1", 5, None, "ok", -3.0], dtype=object)
    assert cells(column).tolist() == ["'=1", 5, None, "ok", -3.0]
    assert cells(pd.Series(pd.Categorical(["=a", "b", None]))).tolist()[:2] == ["'=a", "b"]
    assert cells(pd.Series([-1.5, 2.0])).tolist() == [-1.5, 2.0]


# beside the risky characters, some that share their first UTF-8 byte (\xa1, 、, Ａ) and some that share none
@given(st.lists(st.text(alphabet=" \t\r\n\xa0\u3000\u2003=+-@＝＋－＠a1'\xa1\u3001\uff21", max_size=5), min_size=1, max_size=20))
def test_a_whole_column_is_neutralized_as_each_of_its_cells(texts):
    assert cells(pd.Series(texts, dtype=object)).tolist() == [cell(text) for text in texts]


def test_markdown_escapes_html_and_table_pipes():
    assert markdown("<script>alert('x')</script> a|b & c\\") == "&lt;script>alert('x')&lt;/script> a\\|b &amp; c\\\\"
    assert markdown("two\nlines\x1b[2J") == "two lines[2J"


def test_terminal_drops_control_characters_and_keeps_lines():
    assert terminal("\x1b]0;owned\x07title\x1b[2J\ttab\r\nnext\rover\u202eevil\x9b") == "]0;ownedtitle[2J tab\nnext overevil"


def test_xlsx_cell_keeps_a_formula_looking_value_as_text(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for column, value in enumerate(["=cmd|' /C calc'!A1", "plain", 3, "+1\x1b"], start=1):
        xlsx_cell(sheet.cell(row=1, column=column), value)
    book.save(tmp_path / "a.xlsx")
    cells_read = openpyxl.load_workbook(tmp_path / "a.xlsx")["Sheet"][1]
    assert [(c.value, c.data_type) for c in cells_read] == [("=cmd|' /C calc'!A1", "s"), ("plain", "s"), (3, "n"),
                                                          ("+1", "s")]
    assert cells_read[0].quotePrefix and not cells_read[1].quotePrefix


def _account(folder: Path, names: list[str]) -> tuple[Path, Path, Path]:
    """An Amazon targeting report, its bulk file and a search term report whose names are ``names``."""
    _, history = simulate(24, 28, seed=7, language="en")
    plans = sorted(history["plan"].unique())
    keywords = sorted(history["keyword"].unique())
    campaign = XLSX_ILLEGAL.sub("", names[0])   # a campaign is in the bulk file too, which cannot hold controls
    history = history.assign(plan=history["plan"].map(dict(zip(plans, [campaign, *plans[1:]]))),
                             keyword=history["keyword"].map(dict(zip(keywords, names[1:] + keywords[len(names) - 1:]))))
    report = folder / "targeting.csv"
    report.write_bytes(report_bytes(history, "amazon"))
    rows: list[dict] = []
    for plan, of_plan in history.groupby("plan", sort=True):
        rows += _campaign(plan, 500.0, False)
        for group, of_group in of_plan.groupby("ad_group", sort=True):
            rows += _ad_group(plan, group, 1.0)
            rows += [target_row(plan, group, keyword, match, float(of_key["bid"].iloc[-1]))
                     for (keyword, match), of_key in of_group.groupby(["keyword", "match_type"], sort=True)]
    bulk = _bulk(folder / "bulk.xlsx", rows)
    terms = history.groupby(["plan", "ad_group", "keyword"], sort=True)[["impressions", "clicks", "spend", "orders",
                                                                           "revenue"]].sum().reset_index()
    terms = terms.assign(search=[f"{name} term" if i % 2 else name for i, name in enumerate(terms["keyword"])])
    search = folder / "search_terms.csv"
    search.write_text(pd.DataFrame({
        "Campaign Name": terms["plan"], "Ad Group Name": terms["ad_group"], "Targeting": terms["keyword"],
        "Match Type": "BROAD", "Customer Search Term": terms["search"], "Impressions": terms["impressions"],
        "Clicks": terms["clicks"] * 3, "Spend": terms["spend"] * 3, "7 Day Total Orders (#)": terms["orders"] * 3,
        "7 Day Total Sales ": terms["revenue"] * 3}).to_csv(index=False), encoding="utf-8")
    return report, bulk, search


def _bulk(path: Path, rows: list[dict]) -> Path:
    """The bulk file as Amazon writes it: names are text cells, never formulas."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sponsored Products Campaigns"
    for row_number, row in enumerate([dict(zip(COLUMNS, COLUMNS)), *rows], start=1):
        for column_number, name in enumerate(COLUMNS, start=1):
            xlsx_cell(sheet.cell(row=row_number, column=column_number), row.get(name))
    book.save(path)
    return path


def _check_files(folder: Path) -> int:
    """Every written cell, header, page: no formula a spreadsheet would run, no raw markup; the number checked."""
    checked = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))):
                for value in row:
                    assert not formula_like(value) or _number(value), f"{path.name}: formula cell {value!r}"
                    checked += 1
        elif path.suffix == ".xlsx":
            for row in openpyxl.load_workbook(path).worksheets[0].iter_rows():
                for sheet_cell in row:
                    assert sheet_cell.data_type != "f", f"{path.name}: formula cell {sheet_cell.value!r}"
                    checked += 1
        elif path.suffix in (".md", ".html"):
            text = path.read_text(encoding="utf-8")
            assert "<script" not in text.lower(), f"{path.name}: raw markup"
            if path.suffix == ".md":
                assert not re.search(r"<[A-Za-z/!?]", text) and not CONTROL.search(text), f"{path.name}: raw markup"
            checked += 1
    return checked


def _number(text: str) -> bool:
    try:
        return np.isfinite(float(text))
    except ValueError:
        return False


def _run(capsys, *argv) -> str:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    printed = captured.out + captured.err
    assert not CONTROL.search(printed), f"control characters printed: {printed!r}"
    return captured.out


def _refused_harmlessly(capsys, folder: Path, names: list[str]) -> None:
    """A report whose names hold a control character is refused: exit 2, a message without it, nothing written."""
    folder.mkdir()
    report, _, _ = _account(folder, names)
    code = main(["plan", "--report", str(report), "--out", str(folder / "plan"), "--quiet", "--no-history"])
    captured = capsys.readouterr()
    assert code == 2 and "control character" in captured.err, captured.err
    assert not CONTROL.search(captured.out + captured.err) and not (folder / "plan").exists()


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(hostile, min_size=4, max_size=4, unique_by=lambda name: terminal(name).strip().lower()))
@example(names=["=cmd|' /C calc'!A1", "\r+cmd|' /C calc'!A1", "\x1b[2JSUM(1+1)\x07", "\u202ea|b"])
def test_hostile_names_come_out_harmless_from_every_command(names, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("hostile")
    if any(REFUSED.search(name) for name in names[1:]):   # names[0] is a campaign, cleaned as the bulk file is
        _refused_harmlessly(capsys, folder / "refused", names)
        names = [REFUSED.sub("", name) for name in names]
    report, bulk, search = _account(folder, names)
    out = _run(capsys, "plan", "--report", report, "--export", "ztc", "--export", "google", "--export", "amazon",
               "--bulk", bulk, "--out", folder / "plan", "--quiet", "--db", f"sqlite:///{folder / 'runs.sqlite'}")
    run_id = re.search(r"recorded run (\d+)", out).group(1)
    _run(capsys, "history", "show", run_id, "--db", f"sqlite:///{folder / 'runs.sqlite'}")
    _run(capsys, "history", "--db", f"sqlite:///{folder / 'runs.sqlite'}")
    first, second = folder / f"{terminal(names[0]).replace('/', '_')}.toml", folder / "=cmd|calc.toml"
    first.write_text(f'[data]\nreports = ["{report.as_posix()}"]\n', encoding="utf-8")
    second.write_text(f'extends = {json.dumps(first.name)}\n[goal]\nbudget = 100\n', encoding="utf-8")
    _run(capsys, "compare", first, second, "--export", "ztc", "--out", folder / "compare", "--quiet")
    _run(capsys, "harvest", "--report", search, "--bulk", bulk, "--out", folder / "harvest", "--min-orders", "1")
    assert _check_files(folder / "plan") > 1000
    assert _check_files(folder / "compare") and _check_files(folder / "harvest")
    plan_budgets = (folder / "compare" / "plan_budgets.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert "'=cmd|calc" in plan_budgets
