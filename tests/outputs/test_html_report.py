"""report.html: self-contained, every image loads in a real browser, the page is not blank."""

from __future__ import annotations

import base64
import re
from dataclasses import replace

import pandas as pd
import pytest

from optimizer.decisions.plan import make_plan, plan_frontier
from optimizer.outputs.html_report import plan_report
from optimizer.scenario.scenario_file import load_scenario
from tests.browser import drawn_alone, headless_chromium, latin_only_fontconfig
from tests.paths import SCENARIOS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report_files():
    result = make_plan(load_scenario(SCENARIOS / "weekly.toml"))
    return result, plan_report(result, plan_frontier(result, count=8))


def test_the_page_embeds_every_figure_and_needs_no_network(report_files):
    result, files = report_files
    assert set(files) == {"report.html", "frontier.png", "plan_budgets.png", "keywords.png"}
    page = files["report.html"].decode("utf-8")
    images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)">', page)
    assert len(images) == 3
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert "<script" not in page
    assert all(f"<td>{plan}</td>" in page for plan in result.plans["plan"])
    assert "Largest raises" in page and "Before and after" in page


@pytest.mark.slow
def test_report_opens_in_headless_chromium_with_every_image_loaded(report_files, tmp_path):
    page = tmp_path / "report.html"
    page.write_bytes(report_files[1]["report.html"])
    browser_session = headless_chromium(tmp_path / "profile")
    try:
        browser_session.get(page.as_uri())
        images = browser_session.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        text = browser_session.execute_script("return document.body.innerText")
        height = browser_session.execute_script("return document.body.scrollHeight")
        shot = browser_session.get_screenshot_as_png()
    finally:
        browser_session.quit()
    assert len(images) == 3
    assert all(complete and width > 300 and height_ > 100 for complete, width, height_ in images)
    assert "Before and after" in text and "女装-连衣裙-主推" in text
    assert height > 1000
    assert shot.startswith(PNG_MAGIC) and len(shot) > 20_000  # a blank page compresses to a few kB


def test_the_page_in_chinese_has_the_same_figures_in_the_operators_words(report_files):
    result, files = report_files
    chinese = plan_report(replace(result, lang="zh-CN"), plan_frontier(result, count=8))["report.html"].decode("utf-8")
    english = files["report.html"].decode("utf-8")
    for words in ("调价前后", "<th>展现量</th>", "<th>点击率</th>", "<th>花费</th>", "<th>成交金额</th>",
                  "<th>投入产出比</th>", "<th>日限额</th>", "<th>关键词</th>", "<th>新出价</th>",
                  "上传前请检查", "bidopt 调价方案 — "):
        assert words in chinese, words
    for words in ("Before and after", "Largest raises", "Objective", "<th>daily_limit</th>"):
        assert words not in chinese, words
    figures = re.compile(r"<td>([\d,.%-]+)</td>")
    assert figures.findall(chinese) == figures.findall(english)


@pytest.mark.slow
def test_chinese_names_render_as_glyphs_on_a_machine_without_a_cjk_font(report_files, tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", latin_only_fontconfig(tmp_path))   # no CJK font for Chromium to find
    page = report_files[1]["report.html"].decode("utf-8")
    plan = report_files[0].plans["plan"].iloc[0]
    characters = [character for character in dict.fromkeys(plan) if ord(character) >= 0x2E80][:2]
    without_font = re.sub(r"@font-face \{[^}]*\}", "", page)
    pictures = {}
    browser_session = headless_chromium(tmp_path / "profile")
    try:
        for name, text in (("with", page), ("without", without_font)):
            (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
            browser_session.get((tmp_path / f"{name}.html").as_uri())
            pictures[name] = drawn_alone(browser_session, characters)
    finally:
        browser_session.quit()
    assert len(characters) == 2 and without_font != page
    assert pictures["without"][0] == pictures["without"][1], "the test machine has a CJK font: the check proves nothing"
    assert pictures["with"][0] != pictures["with"][1], "Chinese text shows as boxes"


def test_a_report_of_many_plans_tables_the_largest_moves_and_others_and_points_to_plans_csv():
    from optimizer.outputs.html_report import plans_table
    from optimizer.outputs.plots import TOP_PLANS

    count = TOP_PLANS + 10
    plans = pd.DataFrame({"plan": [f"计划{index}" for index in range(count)],
                          "current_spend": [100.0] * count, "new_budget": [100.0 + index for index in range(count)],
                          "daily_limit": [15.0] * count, "revenue": [300.0] * count, "roi": [2.5] * count})
    table, note = plans_table(plans)
    rows = re.findall(r"<tr><td>([^<]*)</td>(.*?)</tr>", table)
    assert [name for name, _ in rows] == [f"计划{index}" for index in range(count - 1, 9, -1)] + ["others (10)"]
    others = re.findall(r"<td>([^<]*)</td>", rows[-1][1])
    assert others == ["1,000.00", "1,045.00", "150.00", "3,000.00", f"{3000 / 1045:.2f}"]
    assert note == f'<p class="note">The {TOP_PLANS} largest moves of {count} plans; every plan is in plans.csv.</p>'
    assert len(plans_table(plans.head(TOP_PLANS + 1))) == 1


def test_a_plan_named_with_figure_formula_syntax_gets_its_report(report_files):
    result, _ = report_files
    first = result.plans["plan"].iloc[0]
    named = {first: "Promo $\\frac$ x"}   # matplotlib reads text between two "$" as a formula, and stops at \frac
    renamed = replace(result, plans=result.plans.assign(plan=result.plans["plan"].replace(named)),
                      bids=result.bids.assign(plan=result.bids["plan"].replace(named)))
    page = plan_report(renamed, plan_frontier(result, count=4))["report.html"].decode("utf-8")
    assert "<td>Promo $\\frac$ x</td>" in page and page.count("data:image/png;base64,") == 3
