"""The history pages: runs listed with the forecast each checked; a run's page with that check per plan."""

from __future__ import annotations

import html
import re

import pandas as pd

from tests.test_make_sample import make_sample
from tests.workbench.conftest import plan, text_of, untranslated, upload
from tests.workbench.test_pages import rows_of

FIRST_AFTER = pd.Timestamp("2026-11-16")   # day 22 of a sample starting 2026-10-26


def test_last_weeks_forecast_against_what_happened_per_plan(client, tmp_path):
    sample = make_sample.make_keyword_report(120, 28, seed=5)
    weeks = [make_sample.write_ztc_csv(frame.reset_index(drop=True), tmp_path / name) for name, frame in
             (("days_1_21.csv", sample[sample["date"] < FIRST_AFTER]), ("days_1_28.csv", sample))]
    pages = [plan(client, upload(client, [(path.name, path.read_bytes())])) for path in weeks]
    first, second = (int(re.search(r"/runs/(\d+)", str(page.url)).group(1)) for page in pages)
    listed = rows_of("runs", client.get("/history").text)
    assert [row[0] for row in listed] == [f'<a href="/history/{run}">{run}</a> (<a href="/runs/{run}">plan</a>)'
                                          for run in (second, first)]
    assert listed[0][-1] == f'<a href="/history/{second}#forecast-check">run {first}</a>' and listed[1][-1] == "-"
    page = client.get(f"/history/{second}")
    check = client.app.state.workbench.store.run(second).summary["forecast_check"]
    table = rows_of("forecast-check", page.text)
    assert [row[0] for row in table] == [row["plan"] for row in check["plans"]] + ["total"]
    total = check["total"]
    assert table[-1][1:5] == [f"{total['forecast']['spend']:,.2f}", f"{total['actual']['spend']:,.2f}",
                              f"{total['forecast']['revenue']:,.2f}", f"{total['actual']['revenue']:,.2f}"]
    assert table[-1][7] == f"{total['error']['revenue']:+.1%}" and table[-1][8] == str(total["bids"]["applied"])
    assert "2026-11-16 to 2026-11-22" in text_of(page.text)
    earlier = client.get(f"/history/{first}")
    assert 'id="no-check"' in earlier.text
    assert re.search(rf'id="checked-by">This run\'s own forecast is checked by run <a href="/history/{second}">',
                     html.unescape(earlier.text))
    assert len(rows_of("history-plans", earlier.text)) == len(rows_of("plans", pages[0].text))
    chinese = {run: client.get(f"/history/{run}", headers={"accept-language": "zh-CN"}).text for run in (first, second)}
    assert [untranslated(page) for page in chinese.values()] == [[], []]
    assert f'本方案自己的预测由方案 <a href="/history/{second}">{second}</a> 核对。' in chinese[first]
    assert f'方案 <a href="/history/{first}">{first}</a>（' in chinese[second]
    assert rows_of("forecast-check", chinese[second])[-1][0] == "合计"


def test_a_run_not_held_here_opens_in_the_history(client):
    assert client.get("/history/9").status_code == 404
    response = client.get("/runs/9", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/history/9"
