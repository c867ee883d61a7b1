"""The app on a real loopback port: errors as statuses, many clients at once, the weekly loop in Chromium."""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from optimizer.errors import BidoptError, Conflict, InfeasibleError, InputDataError, ScenarioError
from optimizer.history.database import HistoryError
from optimizer.i18n import translator
from optimizer.scenario.scenario_file import load_scenario
from optimizer.workbench.app import create_app, server, status_of
from optimizer.workbench.settings import Busy, CsrfRejected, NotFound, ServeSettings, Unauthorized, UploadTooLarge
from tests.browser import drawn_alone, headless_chromium, latin_only_fontconfig
from tests.paths import SAMPLE
from tests.workbench.conftest import settle

CLIENTS = 20
#: Workers plus queue: fewer than the clients, so some are told to come back (503 with Retry-After).
WORKERS, QUEUE = 2, 8


@pytest.mark.parametrize("error, status", [
    (InputDataError([]), 400), (ScenarioError(["x"]), 400), (BidoptError("x"), 400),
    (InfeasibleError([Conflict("min_roi", 9, 7, "x")]), 422), (HistoryError("x"), 500), (Unauthorized("x"), 401),
    (CsrfRejected("x"), 403), (NotFound("x"), 404), (UploadTooLarge(1), 413), (Busy(5), 503),
])
def test_each_error_has_its_status(error, status):
    assert status_of(error) == status


@pytest.fixture
def live(history_store):
    """The workbench served by uvicorn on a free loopback port, in a thread; yields (base URL, app)."""
    with served(ServeSettings(db=history_store, workers=WORKERS, queue=QUEUE)) as answer:
        yield answer


@contextmanager
def served(settings: ServeSettings):
    """The workbench of ``settings`` served by uvicorn on a free loopback port, in a thread: (base URL, app)."""
    app = create_app(settings)
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    uvicorn_server = server(settings, app)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uvicorn_server.started
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}", app
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)
        listening.close()


def _until_taken(send) -> tuple[object, int]:
    """Send until the workbench takes it: after a 503, again once Retry-After says (at most 0.5 s here)."""
    for busy in range(200):
        response = send()
        if response.status_code != 503:
            return response, busy
        assert int(response.headers["retry-after"]) > 0
        time.sleep(min(float(response.headers["retry-after"]), 0.5))
    raise AssertionError("the workbench stayed busy")


def _plan_once(base: str, budget: int) -> tuple[int, str, int]:
    """One client's weekly loop: (the plan page's status, its address, how many 503s it was answered)."""
    import httpx2

    with httpx2.Client(base_url=base, timeout=300, follow_redirects=True) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
        draft, busy_reading = _until_taken(lambda: client.post("/upload", data={"csrf": csrf}, files=[
            ("reports", ("ztc_keywords.csv", SAMPLE.read_bytes(), "text/csv"))]))
        draft = settle(client, draft)
        action = re.search(r'action="(/drafts/[^"]+/plan)"', draft.text).group(1)
        page, busy_planning = _until_taken(lambda: client.post(action, data={"csrf": csrf, "budget": str(budget)}))
        page = settle(client, page)
        return page.status_code, str(page.url), busy_reading + busy_planning


@pytest.mark.slow
def test_clients_planning_at_once_are_all_answered_and_all_recorded(live):
    base, app = live
    budgets = [15000 + 1000 * client for client in range(CLIENTS)]
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as clients:
        answers = list(clients.map(lambda budget: _plan_once(base, budget), budgets))
    seconds = time.perf_counter() - started
    assert [status for status, _, _ in answers] == [200] * CLIENTS, answers
    assert sum(busy for _, _, busy in answers) > 0   # the queue was full at times: those clients came back
    runs = app.state.workbench.store.runs(limit=None)
    assert sorted(runs["budget"]) == budgets
    assert sorted(int(url.rsplit("/", 1)[1]) for _, url, _ in answers) == sorted(runs["id"])
    assert list(app.state.workbench.root.iterdir()) != []   # drafts kept for re-planning, one folder each
    assert len(list(app.state.workbench.root.iterdir())) == CLIENTS
    print(f"{CLIENTS} clients planned in {seconds:.1f} s, answered 503 {sum(busy for _, _, busy in answers)} times")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_weekly_loop_in_headless_chromium(live, tmp_path, lang):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    base, app = live
    t = translator(lang)
    downloads = tmp_path / "downloads"
    browser = headless_chromium(tmp_path / "profile", {"download.default_directory": str(downloads),
                                                        "download.prompt_for_download": False,
                                                        "intl.accept_languages": lang})
    wait = WebDriverWait(browser, 120)
    try:
        browser.get(base + "/")
        browser.find_element(By.ID, "reports").send_keys(str(SAMPLE))
        browser.find_element(By.ID, "read").click()
        wait.until(lambda page: page.find_elements(By.ID, "goal"))
        assert "ztc_keywords.csv" in browser.find_element(By.ID, "files").text
        browser.find_element(By.ID, "budget").send_keys("25000")
        browser.find_element(By.ID, "min_roi").send_keys("2.4")
        browser.find_element(By.ID, "plan").click()
        wait.until(lambda page: page.find_elements(By.ID, "kpis"))
        kpis = browser.find_element(By.ID, "kpis").text
        page_lang = browser.execute_script("return document.documentElement.lang")
        headings = [element.text for element in browser.find_elements(By.TAG_NAME, "h2")]
        wait.until(lambda page: page.find_element(By.ID, "sliders").get_attribute("data-ready"))
        at_plan = browser.find_element(By.ID, "slider-plan").text.splitlines()[1:]
        browser.find_element(By.ID, "budget-slider").send_keys(Keys.HOME)   # the lowest budget, 6,250
        for _ in range(10):   # the floor from 2.40 to 2.50
            browser.find_element(By.ID, "roi-slider").send_keys(Keys.RIGHT)
        moved = [browser.find_element(By.ID, name).text for name in ("budget-value", "roi-value", "live-spend",
                                                                    "live-revenue", "live-raise", "live-pause")]
        took = float(browser.find_element(By.ID, "sliders").get_attribute("data-replan-ms"))
        live_budgets = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#plans td.live-budget")]
        replans = {point: browser.execute_script("return window.bidoptReplan(arguments[0], arguments[1])", *point)
                   for point in ((18000, 2.6), (40000, 0), (27000, 50), (12345.6, None), (31000, 1.7), (9000, 0))}
        plans = browser.find_element(By.ID, "plans").text
        browser.find_element(By.ID, "file-bids.csv").click()
        bids = downloads / f"run-{browser.current_url.rsplit('/', 1)[1]}-bids.csv"
        wait.until(lambda _: bids.exists() and bids.stat().st_size > 0)
        browser.find_element(By.ID, "file-ztc-bids.csv").click()   # the 直通车 upload sheet
        ztc = downloads / f"run-{browser.current_url.rsplit('/', 1)[1]}-ztc-bids.csv"
        wait.until(lambda _: ztc.exists() and ztc.stat().st_size > 0)
        run_url = browser.current_url
        browser.find_element(By.ID, "whatif-name").send_keys("Double 11")
        browser.find_element(By.ID, "whatif-cpc").send_keys("1.3")
        browser.find_element(By.ID, "whatif-volume").send_keys("1.6")
        browser.find_element(By.ID, "whatif-button").click()
        compared = wait.until(lambda page: page.find_elements(By.ID, "compare"))[0].text.splitlines()[1:]
        browser.find_element(By.ID, "save-1").click()
        saved = downloads / f"run-{run_url.rsplit('/', 1)[1]}-scenario-1.toml"
        wait.until(lambda _: saved.exists() and saved.stat().st_size > 0)
        browser.find_element(By.LINK_TEXT, t("workbench.nav.history")).click()
        history = wait.until(lambda page: page.find_elements(By.ID, "runs"))[0].text
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        browser.quit()
    assert page_lang == lang and headings[:2] == [t("workbench.plan.before_after"), t("workbench.plan.binding")]
    assert t("kpi.after") in kpis and "25,000.00" in kpis
    assert "女装-连衣裙-主推" in plans
    sheet = list(csv.DictReader(io.StringIO(bids.read_text(encoding="utf-8-sig"))))
    assert len(sheet) == 300 and {"keyword", "new_bid", "reason"} <= set(sheet[0])
    chinese = [any("\u4e00" <= character <= "\u9fff" for character in row["reason"]) for row in sheet]
    assert all(chinese) if lang == "zh-CN" else not any(chinese)   # each reason in the page's language
    assert sum(float(row["spend"]) for row in sheet) <= 25000 * 1.0001
    changed = {(row["plan"], row["keyword"]): row for row in sheet if row["action"] != "hold"}
    upload = list(csv.DictReader(io.StringIO(ztc.read_text(encoding="utf-8-sig"))))
    assert list(upload[0]) == ["推广计划名称", "宝贝名称", "关键词", "匹配方式", "出价", "状态", "日限额"]
    assert {(row["推广计划名称"], row["关键词"]) for row in upload} == set(changed)
    for row in upload:
        planned = changed[row["推广计划名称"], row["关键词"]]
        assert row["状态"] == ("暂停" if planned["action"] == "pause" else "推广中")
        assert row["状态"] == "暂停" or 0.05 <= float(row["出价"]) <= 20
    run = app.state.workbench.store.latest_id()
    sliders = app.state.workbench.run(run).sliders.as_sent()   # the path the page re-plans from
    assert at_plan[0].removeprefix(t("workbench.plan.at_sliders") + " ").rsplit(" ", 2)[0] == \
        at_plan[1].removeprefix(t("workbench.plan.this_plan") + " ")
    low = sliders.at(6250, 2.5)
    assert moved == ["6,250.00", "2.50", f"{low['spend']:,.2f}", f"{low['revenue']:,.2f}",
                     str(low["actions"]["raise"]), str(low["actions"]["pause"])]
    assert live_budgets == [f"{value:,.2f}" for value in low["plan_spend"]] and took < 100
    for (budget, floor), answer in replans.items():
        expected = sliders.at(budget, floor)
        if expected is None:
            assert answer["plan"] is None
            continue
        assert answer["plan"]["spend"] == pytest.approx(expected["spend"], rel=1e-12)
        assert answer["plan"]["revenue"] == pytest.approx(expected["revenue"], rel=1e-12)
        assert answer["plan"]["planSpend"] == pytest.approx(expected["plan_spend"].tolist(), rel=1e-12)
        assert answer["plan"]["counts"] == list(expected["actions"].values())
        assert answer["plan"]["revenue"] == pytest.approx(expected["revenue"], rel=1e-12)
        assert answer["plan"]["planSpend"] == pytest.approx(list(expected["plan_spend"]), rel=1e-12)
        assert answer["plan"]["counts"] == list(expected["actions"].values()) and answer["ms"] < 100
    assert [line.split(" ")[0:2] for line in compared] == [["run", str(run)], ["Double", "11"]]
    assert "cpc × 1.30, volume × 1.60" in compared[1]
    scenario = load_scenario(saved)
    assert scenario.adjust[-1].cpc == 1.3 and scenario.goal.budget == 25000 and scenario.goal.min_roi == 2.4
    assert history.splitlines()[1].startswith(f"{run} ") and f"25,000.00 2.40 {t('status.optimal')}" in history
    assert errors == []   # no CSP violation or failed load on any page


@pytest.mark.slow
def test_chinese_pages_draw_glyphs_under_their_csp_on_a_machine_without_a_cjk_font(live, tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", latin_only_fontconfig(tmp_path))   # no CJK font for Chromium to find
    base, _ = live
    pictures, languages = {}, {}
    for lang in ("zh-CN", "en"):
        browser = headless_chromium(tmp_path / f"profile-{lang}", {"intl.accept_languages": lang})
        try:
            browser.get(base + "/")
            languages[lang] = browser.execute_script("return document.documentElement.lang")
            pictures[lang] = drawn_alone(browser, ["本", "周"])
            errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        finally:
            browser.quit()
        assert errors == [], errors   # a style or font the CSP refused would be reported here
    assert languages == {"zh-CN": "zh-CN", "en": "en"}
    assert pictures["en"][0] == pictures["en"][1], "the test machine has a CJK font: the check proves nothing"
    assert pictures["zh-CN"][0] != pictures["zh-CN"][1], "Chinese text shows as boxes"


@pytest.mark.slow
def test_plan_at_this_budget_and_floor_plans_what_the_sliders_show_when_no_floor_was_given(history_store, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    scenario = tmp_path / "margin.toml"   # break-even 1 / 0.25 = 4, over today's ROI of about 2.3; no floor given
    scenario.write_text(f'[data]\nreports = ["{SAMPLE.as_posix()}"]\n[goal]\nbudget = 27400\nmargin = 0.25\n'
                        '[bids]\nmax = 20\n', encoding="utf-8")
    with served(ServeSettings(db=history_store, scenario=str(scenario))) as (base, app):
        browser = headless_chromium(tmp_path / "profile")
        wait = WebDriverWait(browser, 120)
        try:
            browser.get(base + "/")
            browser.find_element(By.ID, "open-scenario").click()
            wait.until(lambda page: page.find_elements(By.ID, "goal"))[0].find_element(By.ID, "plan").click()
            wait.until(lambda page: page.find_element(By.ID, "sliders").get_attribute("data-ready"))
            first = int(browser.current_url.rsplit("/", 1)[1])
            shown = browser.find_element(By.ID, "live-revenue").text
            browser.find_element(By.ID, "replan-button").click()
            wait.until(lambda page: page.current_url.endswith(f"/runs/{first + 1}")
                       and page.find_elements(By.ID, "kpis"))
        finally:
            browser.quit()
        sliders = app.state.workbench.run(first).sliders
        replanned = app.state.workbench.run(first + 1).result
    default = sliders.at(27400, None)
    assert sliders.default_floor < sliders.break_even == 4
    assert sliders.at(27400, sliders.default_floor)["revenue"] != pytest.approx(default["revenue"], rel=1e-6)
    assert replanned.scenario.goal.min_roi is None and shown == f"{default['revenue']:,.2f}"
    assert replanned.summary.after.revenue == pytest.approx(default["revenue"], rel=1e-9)
