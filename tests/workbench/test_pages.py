"""The weekly loop through the pages: upload, today's figures, the goal, the plan, its files, the history."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re

import openpyxl
import pytest

from optimizer.cli import main
from optimizer.decisions.plan import make_plan
from optimizer.scenario.scenario_file import scenario_from_reports
from optimizer.workbench.guards import CSP
from optimizer.workbench.settings import MAX_FILES
from tests.paths import SAMPLE
from tests.workbench.conftest import csrf_of, plan, settle, text_of, upload

SCRIPT = "<script>alert(1)</script>"


def rows_of(table_id: str, page: str) -> list[list[str]]:
    """The cells of a table's body rows, as text."""
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_draft_page_says_what_was_read_and_todays_figures(planned):
    _, draft, _ = planned
    assert rows_of("files", draft.text) == [["ztc_keywords.csv", "8,149", "2026-10-26", "2026-11-22"]]
    today = make_plan(scenario_from_reports([SAMPLE])).summary.today
    figures = rows_of("today", draft.text)[0]
    assert figures[0] == f"{today.spend:,.2f}" and figures[4] == f"{today.revenue:,.2f}"
    assert "300 keywords in 7 plans, 28 days of history to 2026-11-22" in text_of(draft.text)
    assert f"today: {today.spend:,.2f}" in draft.text


def test_the_plan_page_shows_the_cli_plan(planned, tmp_path, capsys):
    client, _, page = planned
    scenario = tmp_path / "weekly.toml"
    scenario.write_text(f'[data]\nreports = ["{SAMPLE.as_posix()}"]\n[bids]\nmax = 20\n', encoding="utf-8")
    assert main(["plan", str(scenario), "--budget", "25000", "--min-roi", "2.4", "--out", str(tmp_path),
                 "--no-history", "--quiet"]) == 0
    capsys.readouterr()
    expected = list(csv.DictReader(io.StringIO((tmp_path / "plans.csv").read_text(encoding="utf-8-sig"))))
    plans = rows_of("plans", page.text)
    assert [row[0] for row in plans] == [row["plan"] for row in expected]
    assert [row[2] for row in plans] == [f"{float(row['new_budget']):,.2f}" for row in expected]
    kpis = rows_of("kpis", page.text)
    assert [row[0] for row in kpis] == ["before (the reports' average 7 days)", "after (new bids)"]
    assert kpis[1][3] == "25,000.00"
    summary = (tmp_path / "summary.json").read_text(encoding="utf-8")
    binding = re.findall(r"<li>(.*?)</li>", re.search(r'<ul id="binding">(.*?)</ul>', page.text, re.S).group(1))
    assert binding[0] == "budget" and all(f'"{html.unescape(limit)}"' in summary for limit in binding)
    assert "One more unit of budget buys" in page.text


def test_the_scenario_served_opens_on_the_start_page_with_its_goal(history_store):
    from tests.paths import SCENARIOS
    from tests.workbench.conftest import make_client

    with make_client(history_store, scenario=str(SCENARIOS / "weekly.toml")) as client:
        start = client.get("/")
        link = re.search(r'<a href="(/drafts/[^"]+)" id="open-scenario">Set the goal for weekly</a>', start.text)
        assert "Opened with weekly.toml : 300 keywords in 7 plans from ztc_keywords.csv." in text_of(start.text)
        draft = client.get(link.group(1))
        assert 'value="27400.0"' in draft.text and 'value="2.5"' in draft.text and 'value="20.0"' in draft.text
        assert '<option value="revenue" selected>' in draft.text
        page = plan(client, draft, budget=27400, min_roi=2.5, bid_max=20)
        assert page.status_code == 200, text_of(page.text)
        run = client.app.state.workbench.run(int(str(page.url).rsplit("/", 1)[1]))
    assert run.result.scenario.plans["防晒霜-引流"].max_budget == 3000   # the file's [plans] kept


def test_the_keyword_table_shows_every_reason_and_filters_by_plan_and_action(planned):
    client, _, page = planned
    rows = rows_of("keywords", page.text)
    assert len(rows) == 300 and all(row[-1] for row in rows)
    run = re.search(r"/runs/(\d+)", str(page.url)).group(1)
    chosen = client.get(f"/runs/{run}", params={"plan": "防晒霜-引流", "action": "raise"})
    filtered = rows_of("keywords", chosen.text)
    assert filtered and all(row[0] == "防晒霜-引流" and row[7] == "raise" for row in filtered)
    assert f"{len(filtered)} rows match" in chosen.text
    assert '<option value="防晒霜-引流" selected>' in chosen.text


def test_the_downloads_are_the_plans_files(planned):
    client, _, page = planned
    run = re.search(r"/runs/(\d+)", str(page.url)).group(1)
    bids = client.get(f"/runs/{run}/files/bids.csv")
    assert bids.status_code == 200 and bids.headers["content-disposition"] == f'attachment; filename="run-{run}-bids.csv"'
    sheet = list(csv.DictReader(io.StringIO(bids.content.decode("utf-8-sig"))))
    assert len(sheet) == 300 and max(float(row["new_bid"]) for row in sheet) <= 20
    assert sum(float(row["spend"]) for row in sheet) <= 25000 * 1.0001
    assert client.get(f"/runs/{run}/files/summary.md").text.startswith("#")
    report = client.get(f"/runs/{run}/files/report.html")
    assert "sandbox" in report.headers["content-security-policy"] and "Before and after" in report.text
    for name in ("../history.sqlite", "report.png", "frontier.png", "google-ads-editor.csv"):
        assert client.get(f"/runs/{run}/files/{name}").status_code == 404


def test_the_upload_files_are_plan_export_ztcs(planned, tmp_path, capsys):
    client, _, page = planned
    run = re.search(r"/runs/(\d+)", str(page.url)).group(1)
    links = re.search(r'<p class="downloads" id="upload-files">(.*?)</p>', page.text, re.S).group(1)
    assert re.findall(r'id="file-([^"]+)"', links) == ["ztc-bids.csv", "export-changes.csv"]
    scenario = tmp_path / "weekly.toml"
    scenario.write_text(f'[data]\nreports = ["{SAMPLE.as_posix()}"]\n[bids]\nmax = 20\n', encoding="utf-8")
    assert main(["plan", str(scenario), "--budget", "25000", "--min-roi", "2.4", "--export", "ztc", "--out",
                 str(tmp_path / "out"), "--no-history", "--quiet"]) == 0
    capsys.readouterr()
    for name in ("ztc-bids.csv", "export-changes.csv"):
        sheet = client.get(f"/runs/{run}/files/{name}")
        assert sheet.headers["content-disposition"] == f'attachment; filename="run-{run}-{name}"'
        assert sheet.content == (tmp_path / "out" / name).read_bytes()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    shown = [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", re.search(
        r'<ul class="warnings" id="warnings">(.*?)</ul>', page.text, re.S).group(1))]
    assert shown == summary["warnings"]


def test_an_amazon_report_and_its_bulk_file_give_the_bulk_file_back(client, tmp_path):
    from tests.bulk_fixture import bulk_from_reports
    from tests.paths import REAL

    targeting = REAL / "amazon_sp_india" / "Sponsored Products Targeting report (1).xlsx"
    if not targeting.exists():
        pytest.skip("the real Amazon exports are absent: they are read in place, never copied")
    bulk = bulk_from_reports(tmp_path / "bulk.xlsx", targeting,
                             REAL / "amazon_sp_india" / "Sponsored Products Campaign report.csv")
    csrf = csrf_of(client.get("/").text)
    draft = settle(client, client.post("/upload", data={"csrf": csrf}, files=[
        ("reports", (targeting.name, targeting.read_bytes(), "application/octet-stream")),
        ("bulk", ("my bulk.xlsx", bulk.read_bytes(), "application/octet-stream"))]))
    assert draft.status_code == 200, text_of(draft.text)
    page = plan(client, draft)
    assert page.status_code == 200, text_of(page.text)
    run = re.search(r"/runs/(\d+)", str(page.url)).group(1)
    sheet = client.get(f"/runs/{run}/files/amazon-bulk.xlsx")
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    (tmp_path / "back.xlsx").write_bytes(sheet.content)
    rows = list(openpyxl.load_workbook(tmp_path / "back.xlsx", read_only=True)["Sponsored Products Campaigns"]
                .iter_rows(values_only=True))
    assert any(row[2] == "update" for row in rows[1:])
    bad = client.post("/upload", data={"csrf": csrf}, files=[
        ("reports", (targeting.name, targeting.read_bytes(), "application/octet-stream")),
        ("bulk", ("bulk.csv", b"a,b\n", "text/csv"))])
    assert bad.status_code == 400 and "bulk.csv: the Amazon bulk file is an .xlsx workbook" in html.unescape(bad.text)


def test_the_run_is_in_the_history(planned):
    client, _, page = planned
    run = re.search(r"/runs/(\d+)", str(page.url)).group(1)
    runs = rows_of("runs", client.get("/history").text)
    assert [row[0] for row in runs] == [f'<a href="/history/{run}">{run}</a> (<a href="/runs/{run}">plan</a>)']
    assert runs[0][3:6] == ["25,000.00", "2.40", "optimal"]
    assert client.app.state.workbench.store.run(int(run)).summary["budget"] == 25000


def test_a_keyword_named_like_a_script_stays_text(client):
    text = SAMPLE.read_bytes().decode("gb18030")
    keyword = text.splitlines()[1].split(",")[3]
    hostile = text.replace(keyword, SCRIPT).encode("gb18030")
    name = "<img src=x onerror=alert(1)>.csv"
    draft = upload(client, [(name, hostile)])
    assert html.escape(name) in draft.text and "<img" not in draft.text
    page = plan(client, draft, budget=20000)
    assert page.status_code == 200
    assert SCRIPT not in page.text and page.text.count("<script") == 1   # the slider's own, from /static
    assert html.escape(SCRIPT) in page.text
    assert [row[2] for row in rows_of("keywords", page.text)].count(SCRIPT) >= 1


def test_a_bad_file_gets_the_clis_message_with_400_and_nothing_is_saved(client, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,推广计划名称,关键词,出价,展现量,点击量,花费,成交笔数,成交金额\n"
                   "2026-11-01,A,kw1,1.0,10,xx,5,0,0\n2026-11-02,A,kw1,1.0,100,5,5,0,0\n", encoding="utf-8")
    assert main(["plan", "--report", str(bad), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    cli_lines = capsys.readouterr().err.splitlines()
    response = upload(client, [("bad.csv", bad.read_bytes())])
    assert response.status_code == 400
    shown = [html.unescape(line) for line in re.findall(r'<li class="error">(.*?)</li>', response.text, re.S)]
    assert ["error: " + line for line in shown] == cli_lines
    assert 'row 2: "xx"' in cli_lines[0]
    workbench = client.app.state.workbench
    assert list(workbench.root.iterdir()) == [] and workbench.store.runs().empty


def test_a_file_the_reader_cannot_take_is_named_as_uploaded_never_as_a_path(client, tmp_path, capsys):
    response = upload(client, [("../../etc/report.pdf", b"%PDF-1.4")])
    assert response.status_code == 400
    shown = [html.unescape(line) for line in re.findall(r'<li class="error">(.*?)</li>', response.text, re.S)]
    assert shown == ["report.pdf: cannot read files ending in '.pdf'. Export the report as CSV or XLSX."]
    assert list(client.app.state.workbench.root.iterdir()) == []


def test_limits_no_bids_can_meet_answer_422_with_the_clis_message(client, capsys):
    draft = upload(client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
    response = plan(client, draft, min_roi=50)
    assert response.status_code == 422
    assert main(["plan", "--report", str(SAMPLE), "--min-roi", "50", "--no-history", "--quiet"]) == 3
    cli = capsys.readouterr().err.splitlines()
    assert ["error: " + html.unescape(line) for line in re.findall(r'<li class="error">(.*?)</li>', response.text)] == cli
    assert client.app.state.workbench.store.runs().empty


def test_a_bad_goal_lists_every_problem_with_400(client):
    draft = upload(client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
    response = plan(client, draft, budget="lots", bid_max="-1", objective="fame")
    assert response.status_code == 400
    lines = [html.unescape(line) for line in re.findall(r'<li class="error">(.*?)</li>', response.text)]
    assert lines == ["The 'budget' field must be a number. Got 'lots' instead.",
                     "The 'objective' field must be one of revenue, orders, clicks, profit. Got 'fame' instead."]
    response = plan(client, draft, bid_max="-1")
    assert response.status_code == 400
    assert "The 'max' parameter of [bids] must be a float in the range (0, inf). Got -1.0 instead." in html.unescape(
        response.text)


def test_a_full_queue_answers_503_with_retry_after(history_store):
    from tests.workbench.conftest import make_client, one_worker_busy

    with make_client(history_store, workers=1, queue=0) as busy:
        with one_worker_busy(busy):
            response = upload(busy, [("ztc_keywords.csv", SAMPLE.read_bytes())])
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
        assert "try again in 5 seconds" in response.text
        assert list(busy.app.state.workbench.root.iterdir()) == []
        assert upload(busy, [("ztc_keywords.csv", SAMPLE.read_bytes())]).status_code == 200


def test_unknown_drafts_and_runs_answer_404(client):
    assert client.get("/drafts/no-such-draft").status_code == 404
    response = client.get("/runs/7")
    assert response.status_code == 404 and "no run 7" in text_of(response.text)


def test_the_sliders_get_the_plans_path_and_plan_again_at_their_budget_and_floor(planned):
    client, _, page = planned
    run = int(re.search(r"/runs/(\d+)", str(page.url)).group(1))
    held = client.app.state.workbench.run(run)
    assert f'<section id="sliders" data-src="/runs/{run}/sliders.bin" data-min-roi="2.4">' in page.text
    budget = re.search(r'<input type="range" id="budget-slider" name="budget" min="([^"]+)" max="([^"]+)"\s+'
                       r'step="any" value="([^"]+)">', page.text)
    assert [float(value) for value in budget.groups()] == [6250, 50000, 25000]
    roi = re.search(r'<input type="range" id="roi-slider" name="min_roi" min="0" max="([^"]+)" step="0.01" '
                    r'value="([^"]+)">', page.text)
    assert float(roi.group(2)) == 2.4 and float(roi.group(1)) >= 1.5 * held.result.summary.after.roi
    path = client.get(f"/runs/{run}/sliders.bin")
    assert path.status_code == 200 and path.content == held.sliders.to_bytes()
    assert path.headers["content-type"] == "application/octet-stream"
    assert client.get("/runs/999/sliders.bin").status_code == 404
    assert len(re.findall(r'<td class="live-budget" data-plan="\d+"></td>', page.text)) == 7
    assert '<script src="/static/sliders.js"></script>' in page.text and page.text.count("<script") == 1
    script = client.get("/static/sliders.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    form = re.search(r'<form method="post" action="(/drafts/[^"]+/plan)" id="replan">(.*?)</form>', page.text, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    again = settle(client, client.post(form.group(1), data={**fields, "budget": "20000", "min_roi": "2.6"}))
    assert again.status_code == 200 and str(again.url).endswith(f"/runs/{run + 1}")
    replanned = client.app.state.workbench.run(run + 1).result
    assert (replanned.scenario.goal.budget, replanned.scenario.goal.min_roi, replanned.scenario.bids.max) == (20000, 2.6, 20)
    assert rows_of("kpis", again.text)[1][3] == "20,000.00"
    expected = held.sliders.at(20000, 2.6)
    assert replanned.summary.after.revenue == pytest.approx(expected["revenue"], rel=1e-9)


def test_a_plan_the_sliders_cannot_follow_says_why(client):
    draft = upload(client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
    page = plan(client, draft, budget=20000, objective="orders", min_roi=2)
    assert page.status_code == 200, text_of(page.text)
    assert '<section id="sliders" data-min-roi="2.0">' in page.text and 'id="slider-plan"' not in page.text
    assert "Figures follow the sliders once planned: the sliders need plans the structured solver takes: an ROI " \
           "floor with an objective" in text_of(page.text)


def whatif_csrf(page: str) -> str:
    return re.search(r'id="whatif">\s*<input type="hidden" name="csrf" value="([^"]+)"', page).group(1)


def test_whatifs_add_up_side_by_side_as_compare_plans_them(planned):
    client, _, page = planned
    run = int(re.search(r"/runs/(\d+)", str(page.url)).group(1))
    held = client.app.state.workbench.run(run)
    items = sorted(set(held.result.bids["ad_group"]))
    assert f'<option value="{html.escape(items[0])}">' in page.text
    first = settle(client, client.post(f"/runs/{run}/whatif", data={
        "csrf": whatif_csrf(page.text), "name": "Double 11", "cpc": "1.3", "volume": "1.6", "cvr": "", "budget": "40000"}))
    assert first.status_code == 200 and str(first.url).endswith(f"/runs/{run}/whatif"), text_of(first.text)
    second = settle(client, client.post(f"/runs/{run}/whatif", data={
        "csrf": whatif_csrf(first.text), "stock_item": items[0], "order_value": "0.85", "cvr": "1.25",
        "adjust_item": items[1]}))
    assert second.status_code == 200, text_of(second.text)
    table = rows_of("compare", second.text)
    summary = held.result.summary
    assert [row[0] for row in table] == [f"run {run}", "Double 11", "what-if 2"]
    assert table[0][1] == "the run" and table[1][1] == "cpc × 1.30, volume × 1.60"
    assert table[2][1] == f"cvr × 1.25, order_value × 0.85 for {items[1]}; {items[0]}: at most 0 orders (sold out)"
    assert table[0][5] == f"{summary.after.spend:,.2f}" and table[0][10] == f"{summary.after.revenue:,.2f}"
    assert table[1][3] == "40,000.00" and table[2][3] == "25,000.00"
    whatifs = client.app.state.workbench.whatifs(run)
    sold_out = whatifs.comparison.results[2].bids
    assert sold_out.loc[sold_out["ad_group"] == items[0], "spend"].sum() == 0
    assert len(rows_of("compare-budgets", second.text)) == 7 and "what-if 3" in second.text
    assert client.get(f"/runs/{run}/whatif").text == second.text


def test_each_scenario_saves_as_toml_that_plan_reads_into_the_same_plan(planned, tmp_path, capsys):
    client, _, page = planned
    run = int(re.search(r"/runs/(\d+)", str(page.url)).group(1))
    if client.app.state.workbench.whatifs(run) is None:
        settle(client, client.post(f"/runs/{run}/whatif", data={"csrf": whatif_csrf(page.text), "cpc": "1.3",
                                                                "volume": "1.6"}))
    whatifs = client.app.state.workbench.whatifs(run)
    (tmp_path / "ztc_keywords.csv").write_bytes(SAMPLE.read_bytes())   # as uploaded: the file's name
    for number, result in enumerate(whatifs.comparison.results):
        saved = client.get(f"/runs/{run}/scenarios/{number}.toml")
        assert saved.headers["content-disposition"] == f'attachment; filename="run-{run}-scenario-{number}.toml"'
        assert 'reports = ["ztc_keywords.csv"]' in saved.text
        (tmp_path / f"{number}.toml").write_bytes(saved.content)
        out = tmp_path / f"out-{number}"
        assert main(["plan", str(tmp_path / f"{number}.toml"), "--out", str(out), "--no-history", "--quiet"]) == 0
        capsys.readouterr()
        assert (out / "plans.csv").read_bytes() == result.files()["plans.csv"]
        assert (out / "bids.csv").read_bytes() == result.files()["bids.csv"]
    assert client.get(f"/runs/{run}/scenarios/{len(whatifs.scenarios)}.toml").status_code == 404


def test_a_bad_whatif_says_what_is_wrong_with_400(planned):
    client, _, page = planned
    run = int(re.search(r"/runs/(\d+)", str(page.url)).group(1))
    csrf = re.search(r'id="whatif">\s*<input type="hidden" name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post(f"/runs/{run}/whatif", data={"csrf": csrf, "cpc": "0"})
    assert response.status_code == 400
    assert "The 'cpc' parameter of [adjust] must be a float in the range (0, inf). Got 0.0 instead." in html.unescape(
        response.text)
    response = client.post(f"/runs/{run}/whatif", data={"csrf": csrf, "stock_item": "no such item", "stock": "5x"})
    assert [html.unescape(line) for line in re.findall(r'<li class="error">(.*?)</li>', response.text)] == [
        "The 'stock' field must be a number. Got '5x' instead.",
        "The 'stock_item' field must name an item of the reports. Got 'no such item' instead."]
    assert client.post(f"/runs/{run}/whatif", data={"cpc": "2"}).status_code == 403
    assert client.post("/runs/999/whatif", data={"csrf": csrf}).status_code == 404


def test_the_layout_speaks_the_browsers_language(client):
    chinese = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"}).text
    assert '<html lang="zh-CN">' in chinese and ">本周调价</a>" in chinese and ">历史记录</a>" in chinese
    english = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in english and ">Plan this week</a>" in english and ">History</a>" in english


def test_a_page_with_chinese_carries_its_glyphs_under_a_csp_that_names_that_style(client):
    response = client.get("/", headers={"accept-language": "zh-CN"})
    style = re.search(r"<style>(@font-face .*?)</style>", response.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    policy = response.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy and "font-src 'self' data:" in policy
    assert "'unsafe-inline'" not in policy
    english = client.get("/", headers={"accept-language": "en"})
    assert "<style>" not in english.text and english.headers["content-security-policy"] == CSP


def test_the_plan_page_speaks_the_browsers_language(planned):
    from optimizer.i18n import translator

    client, _, page = planned
    chinese = client.get(str(page.url), headers={"accept-language": "zh-CN,zh;q=0.9"}).text
    t = translator("zh-CN")
    headings = [html.unescape(text) for text in re.findall(r"<h2>(.*?)</h2>", chinese)]
    assert headings[:3] == [t("workbench.plan.before_after"), t("workbench.plan.binding"), t("workbench.plan.sliders")]
    assert rows_of("kpis", chinese)[1][0] == t("kpi.after") and f">{t('column.spend')}</th>" in chinese
    assert f'<option value="raise">{t("action.raise")}</option>' in chinese   # the value stays the data's
    assert ">Download:" not in chinese and f'{t("workbench.plan.download")}' in chinese
    english = [html.unescape(text) for text in re.findall(r"<h2>(.*?)</h2>", page.text)]
    assert english[:3] == ["Before and after", "Limits that bind, and what relaxing each buys",
                           "Move the budget and the ROI floor"]


def test_every_page_of_the_chinese_walk_shows_no_english_sentence_of_the_catalogue(history_store):
    from tests.paths import SCENARIOS
    from tests.workbench.conftest import make_client, untranslated

    with make_client(history_store, scenario=str(SCENARIOS / "weekly.toml")) as client:
        client.headers["accept-language"] = "zh-CN,zh;q=0.9"
        start = client.get("/")
        link = re.search(r'<a href="(/drafts/[^"]+)" id="open-scenario">', start.text).group(1)
        draft = client.get(link)
        page = plan(client, draft, budget=27400, min_roi=2.5, bid_max=20)
        run = int(re.search(r"/runs/(\d+)", str(page.url)).group(1))
        items = sorted(set(client.app.state.workbench.run(run).result.bids["ad_group"]))
        whatif = settle(client, client.post(f"/runs/{run}/whatif", data={
            "csrf": whatif_csrf(page.text), "cpc": "1.3", "adjust_item": items[1], "stock_item": items[0]}))
        walk = {"start": start, "draft": draft, "plan": page, "what-if": whatif, "start again": client.get("/"),
                "history": client.get("/history"), "history run": client.get(f"/history/{run}")}
        english = client.get(f"/history/{run}", headers={"accept-language": "en"})
    assert {name: response.status_code for name, response in walk.items()} == dict.fromkeys(walk, 200)
    assert {name: untranslated(response.text) for name, response in walk.items()} == dict.fromkeys(walk, [])
    assert untranslated(english.text) != []   # the check sees English where it is
    said = text_of(walk["what-if"].text)
    assert f"cpc × 1.30，仅用于 {html.escape(items[1])}; {html.escape(items[0])}：最多 0 笔（售罄）" in said
    assert "已打开 weekly.toml ：来自 ztc_keywords.csv 的 7 个计划、300 个关键词。" in text_of(walk["start"].text)
    assert f"最多 {MAX_FILES} 个文件" in text_of(walk["start"].text)
    assert 'data-none="无"' in page.text and 'data-no-plan="在此预算下没有出价能满足这个下限"' in page.text   # for sliders.js


def test_the_progress_page_names_each_phase_the_library_reports_in_the_pages_language():
    from types import SimpleNamespace

    from optimizer.i18n import CATALOGUE, translator
    from optimizer.progress import Progress
    from optimizer.workbench.jobs import Watched
    from optimizer.workbench.pages import templates, with_markup

    class Heard(Progress):
        def __init__(self):
            self.names = []

        def phase(self, name, total=None):
            self.names.append(name)

    heard = Heard()
    make_plan(scenario_from_reports([SAMPLE]), progress=heard)
    assert {"read and validate", "estimate", "build", "solve", "explain"} <= set(heard.names)
    watched = Watched()
    for name in [*heard.names, "report", "write", "upload files", "files", "sliders", "record in the history"]:
        watched.phase(name, total=4)
    t = translator("zh-CN")
    page = templates.get_template("progress.html").render(
        t=t, tm=with_markup(t), lang="zh-CN", job=SimpleNamespace(what="workbench.job.planning", progress=watched),
        phases=watched.phases())
    names = [html.unescape(row[0]) for row in rows_of("progress", page)]
    assert names == [CATALOGUE[f"workbench.phase.{name}"]["zh-CN"] for name in
                     [*heard.names, "report", "write", "upload files", "files", "sliders", "record in the history"]]
    assert all(re.search("[\u4e00-\u9fff]", name) for name in names) and rows_of("progress", page)[-1][2] == "0 / 4"
