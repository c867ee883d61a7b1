"""One currency: a Currency column naming one, a file's column, headers and marks agreeing, the files of a plan in
one currency, a "$" or a "¥" taken for any currency written with it."""

from __future__ import annotations

import pytest

from optimizer.errors import InputDataError
from optimizer.reading.report_file import read_report
from optimizer.reading.schema import validate
from tests.paths import REAL

HEADER = "Campaign,Keyword,Impressions,Clicks"


def _report(tmp_path, name: str, header: str, cells: list[str]):
    path = tmp_path / name
    path.write_text("\n".join([f"{HEADER},{header}"] + [f"C1,{name} {row},100,10,{cell}" for row, cell in enumerate(cells)])
                    + "\n", encoding="utf-8")
    return read_report(path)


def test_a_currency_column_naming_two_currencies_is_refused_and_one_currency_is_read(tmp_path):
    path = tmp_path / "mcc.csv"
    lines = ["Currency code,Campaign,Keyword,Impressions,Clicks,Cost"] + [
        f"{code},C{row},kw{row},100,10,5.00" for row, code in enumerate(["USD", "USD", "EUR", "USD", ""])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"mcc.csv: column Currency code: names 2 currencies \(USD, EUR\): 1 rows "
                                             r"are not in USD.*\(row 4: EUR\)"):
        read_report(path)
    path.write_text("\n".join(line.replace("EUR", "USD") for line in lines) + "\n", encoding="utf-8")
    assert read_report(path).frame["spend"].sum() == 25.0


def test_a_file_whose_column_and_header_name_different_currencies_is_refused_naming_both(tmp_path):
    with pytest.raises(InputDataError, match=r'inr.csv: names its currency in ways that disagree: column "Currency": '
                                             r'INR; header "Cost \(USD\)": USD\. Export one currency per file'):
        _report(tmp_path, "inr.csv", "Currency,Cost (USD)", ["INR,5.00", "INR,2.00"])
    assert _report(tmp_path, "usd.csv", "Currency,Cost (USD)", ["USD,5.00"]).currency == {
        'column "Currency"': {"USD"}, 'header "Cost (USD)"': {"USD"}}


def test_files_in_two_currencies_are_refused_naming_each_files_currency(tmp_path):
    dollars = _report(tmp_path, "us.csv", "Cost", ['"$1,200.00"', "$3.50"])
    rupees = _report(tmp_path, "in.csv", "Currency,Cost", ["INR,5.00", "INR,2.00"])
    unsaid = _report(tmp_path, "plain.csv", "Currency,Cost", ["US Dollar,7.00"])   # a name, not a code: says none
    with pytest.raises(InputDataError, match=r"us.csv, in.csv: the reports' money is in different currencies \(us.csv: "
                                             r"\$ \(a dollar\) by its money cells' marks; in.csv: INR by its column "
                                             r"\"Currency\"\): a plan over them would sum amounts in no one currency\. "
                                             r"Plan each currency's reports"):
        validate([dollars, unsaid, rupees], period_days=7)
    assert validate([rupees, unsaid], period_days=7).frame["spend"].sum() == 14.0   # a file naming none joins


@pytest.mark.parametrize(("marked", "named", "same"), [
    ("$3.50", "CAD", True), ("$3.50", "EUR", False), ("¥30", "JPY", True), ("¥30", "CNY", True), ("₹30", "AED", False)])
def test_a_sign_stands_for_every_currency_written_with_it(tmp_path, marked, named, same):
    signed = _report(tmp_path, "signed.csv", "Cost", [marked])
    coded = _report(tmp_path, "coded.csv", "Currency,Cost", [f"{named},2.00"])
    if same:
        assert len(validate([signed, coded], period_days=7).frame) == 2
    else:
        with pytest.raises(InputDataError, match=f"different currencies .*coded.csv: {named} by"):
            validate([signed, coded], period_days=7)


def test_yuan_in_a_header_is_not_yen(tmp_path):
    grouped = tmp_path / "group.csv"
    grouped.write_text("Campaign,Keyword,Impressions,Clicks,单元默认出价,花费\nC1,k,100,10,1.20,30\n", encoding="utf-8")
    read = read_report(grouped, {"单元默认出价": "default_bid"})
    assert read.headers["default_bid"] == "单元默认出价" and read.currency == {}   # 单元: an ad group, not yuan
    yuan = _report(tmp_path, "ztc.csv", "花费(元)", ["30"])
    yen = _report(tmp_path, "jp.csv", "Currency,Cost", ["JPY,2"])
    with pytest.raises(InputDataError, match=r'ztc.csv: CNY by its header "花费\(元\)"; jp.csv: JPY'):
        validate([yuan, yen], period_days=7)


def test_real_amazon_exports_of_india_and_the_emirates_are_not_planned_as_one():
    india = REAL / "amazon_sp_india" / "Sponsored Products Search term report.xlsx"
    emirates = REAL / "amazon_sp_uae" / "Sponsored Products Search term report.xlsx"
    if not (india.exists() and emirates.exists()):
        pytest.skip(f"../shared/data/real is absent: no real Amazon search term reports at {REAL}")
    reports = [read_report(india), read_report(emirates)]
    assert [set().union(*report.currency.values()) for report in reports] == [{"INR"}, {"AED"}]
    with pytest.raises(InputDataError, match=r"different currencies \(amazon_sp_india/Sponsored Products Search term "
                                             r"report.xlsx: INR by its column \"Currency\" and header .*; amazon_sp_uae/.*: AED"):
        validate(reports)
    assert len(validate(reports[:1]).frame)
