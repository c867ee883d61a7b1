"""Chinese runs end to end: ``--lang zh-CN`` on every shipped scenario, real exports, compare and frontier.

summary.md, compare.md, report.html's text and bids.csv's reasons must hold none of the catalogue's
English sentences, and no run of English words other than the names the user's own files bring
(plans, ad groups, keywords, file names, column headers, scenario names).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.i18n import CATALOGUE, DEFAULT
from optimizer.outputs.safe_text import markdown as md
from tests.paths import REAL, SCENARIOS

LANG = "zh-CN"
#: Three English words in a row (letters only, one space apart): a sentence fragment, not a unit or an id.
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
#: An ASCII space between full-width punctuation and a Chinese character: a gap a Chinese reader sees as a typo.
STRAY_SPACE = re.compile(r"[（，。：；）、] (?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]) [（，。：；）、]")
#: Real exports read as plan reads them (skipped when absent): search-term reports with attribution
#: artefacts and totals, a campaign report (plans only), a targeting report with placements and upload files.
REAL_RUNS = {
    "uae-search-terms": ["--report", str(REAL / "amazon_sp_uae" / "Sponsored Products Search term report.xlsx"),
                         "--period-days", "30", "--on-bad-rows", "skip"],
    "google-search-terms": ["--report", str(REAL / "google_ads_2015" / "Search term report.csv"),
                            "--period-days", "30"],
    "india-campaigns": ["--report", str(REAL / "amazon_sp_india" / "Sponsored Products Campaign report.csv")],
    "india-targeting-placements-exports": [
        "--report", str(REAL / "amazon_sp_india" / "Sponsored Products Targeting report (1).xlsx"), "--min-roi", "2",
        "--placements", str(REAL / "amazon_sp_india" / "Sponsored Products Placement report (1).xlsx"),
        "--export", "google", "--export", "ztc"],
}


def english_fragments() -> set[str]:
    """The catalogue's English sentences: the literal parts of each English text that is not also its Chinese."""
    fragments = set()
    for texts in CATALOGUE.values():
        if texts[DEFAULT] == texts[LANG]:
            continue
        for part in PLACEHOLDER.split(texts[DEFAULT]):
            part = part.strip(" .,;:()—-#|*")
            if ENGLISH_RUN.search(part):
                fragments.add(part)
    return fragments


FRAGMENTS = sorted(english_fragments(), key=len, reverse=True)


def page_text(path: Path) -> str:
    """report.html as a reader sees it: no styles, no images, no tags."""
    page = re.sub(r"<style.*?</style>|<img[^>]*>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def users_names(folder: Path) -> list[str]:
    """Every name a run's files took from the user's: plans, ad groups, keywords, files, headers, scenarios
    (bids.csv and plans.csv hold the names as the files had them)."""
    names = {path.stem for path in SCENARIOS.glob("*.toml")}
    for placements in folder.rglob("placements.csv"):
        names.update(pd.read_csv(placements, dtype=str)["campaign"])
    for table in [*folder.rglob("bids.csv"), *folder.rglob("plans.csv")]:
        frame = pd.read_csv(table, dtype=str, keep_default_na=False)
        names.update(*(frame[column] for column in ("plan", "ad_group", "keyword", "match_type") if column in frame))
    for summary in folder.rglob("summary.json"):
        data = json.loads(summary.read_text(encoding="utf-8"))
        for read in data.get("reading", []):
            names.update((read["file"], Path(read["file"]).stem))
            names.update(header for used in read["columns_used"] for header in used.split(" -> "))
            names.update(read["columns_ignored"])
    for compare in folder.rglob("compare.csv"):
        names.update(pd.read_csv(compare, dtype=str)["scenario"])
    names |= {md(name) for name in names}   # as summary.md and compare.md quote them
    return sorted((name for name in names if name), key=len, reverse=True)


def outputs(folder: Path) -> dict[str, str]:
    """The texts a person reads: summary.md, compare.md, report.html's text, bids.csv's and placements.csv's reasons."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.name in ("summary.md", "compare.md"):
            texts[name] = path.read_text(encoding="utf-8")
        elif path.name == "report.html":
            texts[name] = page_text(path)
        elif path.name in ("bids.csv", "placements.csv"):
            texts[name] = "\n".join(pd.read_csv(path, dtype=str, keep_default_na=False)["reason"])
    return texts


def english_in(folder: Path) -> list[tuple[str, str]]:
    """(file, English found): catalogue sentences, then English word runs left once the user's names are out."""
    names = users_names(folder)
    found = []
    for name, text in outputs(folder).items():
        found += [(name, fragment) for fragment in FRAGMENTS if fragment in text]
        for own in names:
            text = text.replace(own, " ")
        found += [(name, run) for run in ENGLISH_RUN.findall(text)]
    return found


def run(*args: str) -> int:
    return main([*args, "--lang", LANG, "--quiet"])


def test_the_catalogue_has_english_sentences_to_look_for():
    assert "check today's bids and the data before uploading" in FRAGMENTS
    assert "skipped" not in FRAGMENTS   # one word is no sentence


def test_finding_english_finds_a_catalogue_sentence_and_a_stray_run_but_not_the_users_names(tmp_path):
    frame = pd.DataFrame({"plan": ["Hair Oil || SP || Generic"], "ad_group": ["g"], "keyword": ["joint pain oil"],
                          "match_type": ["exact"], "reason": ["提价 (at the plan's limit)"]})
    frame.to_csv(tmp_path / "bids.csv", index=False)
    (tmp_path / "summary.md").write_text("- joint pain oil（Hair Oil || SP || Generic）：提价\n- 2 keywords forecast "
                                         "more than 2x: check today's bids and the data before uploading\n",
                                         encoding="utf-8")
    found = english_in(tmp_path)
    assert ("summary.md", "check today's bids and the data before uploading") in found
    assert ("bids.csv", "at the plan") in found
    assert not [text for _, text in found if "joint pain" in text or "Hair Oil" in text]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(path.stem for path in SCENARIOS.glob("*.toml")))
def test_a_chinese_plan_of_each_shipped_scenario_speaks_chinese(scenario, tmp_path):
    assert run("plan", str(SCENARIOS / f"{scenario}.toml"), "--out", str(tmp_path), "--no-history") == 0
    assert {"summary.md", "report.html", "bids.csv"} <= {path.name for path in tmp_path.iterdir()}
    assert english_in(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("export", sorted(REAL_RUNS))
def test_a_chinese_plan_of_a_real_export_speaks_chinese(export, tmp_path):
    if not Path(REAL_RUNS[export][1]).exists():
        pytest.skip(f"real export absent: {REAL_RUNS[export][1]}")
    assert run("plan", *REAL_RUNS[export], "--out", str(tmp_path), "--no-history") == 0
    assert english_in(tmp_path) == []


@pytest.mark.slow
def test_a_chinese_comparison_and_frontier_speak_chinese(tmp_path, capsys):
    scenarios = [str(SCENARIOS / name) for name in ("weekly.toml", "double11.toml", "sold_out.toml")]
    assert run("compare", *scenarios, "--out", str(tmp_path / "compare")) == 0
    assert main(["frontier", scenarios[0], "--out", str(tmp_path / "frontier"), "--points", "6", "--lang", LANG]) == 0
    assert (tmp_path / "compare" / "compare.md").read_text(encoding="utf-8").startswith("# 方案对比")
    assert english_in(tmp_path) == []
    said = capsys.readouterr().out
    assert "投入产出比下限" in said   # the frontier's note on where the floor binds
    assert STRAY_SPACE.findall(said) == []
    assert not [text for text in outputs(tmp_path).values() if STRAY_SPACE.search(text)]
