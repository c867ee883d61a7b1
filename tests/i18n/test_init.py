"""The catalogue: every message in every language with the same placeholders; picking a language."""

from __future__ import annotations

import re

import pytest

from optimizer import i18n
from optimizer.errors import BidoptError
from optimizer.i18n import (
    CATALOGUE,
    SECTIONS,
    from_accept_language,
    from_environment,
    problems,
    translator,
)
from tests.paths import ROOT


def test_every_message_is_written_in_every_language_with_the_same_placeholders():
    assert problems() == []


def test_a_missing_or_mismatched_translation_is_found():
    broken = {**CATALOGUE, "report.only_english": {"en": "only English"},
              "report.empty": {"en": "empty", "zh-CN": " "},
              "report.other_number": {"en": "{count} plans", "zh-CN": "{total} 个计划"}}
    assert problems(broken) == ["report.only_english: no zh-CN text", "report.empty: no zh-CN text",
                                "report.other_number: the languages fill different placeholders"]


def test_a_message_id_is_defined_once():
    ids = [message for section in SECTIONS for message in section.MESSAGES]
    assert len(ids) == len(set(ids)) == len(CATALOGUE)


def test_a_translator_fills_placeholders_in_its_language():
    assert translator("zh-CN")("report.floor", floor=3) == "，投入产出比下限 3"
    assert translator("en")("report.floor", floor=3) == ", ROI floor 3"
    assert translator()("report.before_after") == "Before and after"


def test_an_unknown_message_names_itself():
    with pytest.raises(KeyError, match="no message 'report.nowhere' in language 'zh-CN'"):
        translator("zh-CN")("report.nowhere")


def test_pick_words_a_value_from_the_data_or_leaves_it():
    t = translator("zh-CN")
    assert (t.pick("action", "raise"), t.pick("column", "daily_limit"), t.pick("column", "unknown")) == \
        ("提价", "日限额", "unknown")
    assert translator("en").pick("column", "daily_limit") == "daily_limit"


@pytest.mark.parametrize(("tag", "lang"), [("zh", "zh-CN"), ("zh_CN.UTF-8", "zh-CN"), ("zh-Hans", "zh-CN"),
                                           ("ZH-cn", "zh-CN"), ("en-US", "en"), ("en", "en"), (None, "en"), ("", "en")])
def test_language_tags_are_read_as_bidopt_names_them(tag, lang):
    assert i18n.normalise(tag) == lang


def test_a_language_bidopt_does_not_speak_is_refused():
    with pytest.raises(BidoptError, match="language 'fr' is not one of en, zh-CN"):
        translator("fr")


def test_the_flag_wins_over_the_environment_which_wins_over_english():
    assert from_environment("en", {"BIDOPT_LANG": "zh-CN"}) == "en"
    assert from_environment(None, {"BIDOPT_LANG": "zh-CN"}) == "zh-CN"
    assert from_environment(None, {}) == "en"


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
    ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,zh-TW;q=0.7,en;q=0.5", "zh-CN"),
    ("en;q=0.3,zh;q=0.6", "zh-CN"),
    ("de, *;q=0.1", "en"),
    ("zh;q=0, en", "en"),
    ("zh;q=abc, en", "en"),
    ("", "en"),
    (None, "en"),
])
def test_the_browser_language_is_the_first_bidopt_speaks(header, lang):
    assert from_accept_language(header) == lang


ROWS = ["budget", "min_roi", "plan_budget_cap[女装-连衣裙-主推]", "plan_budget_floor[a]b]", "plan_min_roi[{x}]",
        "item_stock[法式碎花*]", "item_min_orders[甲]", "item_min_share[乙]",
        "max_raise (33 keywords raised as far as allowed)", "max_raise (2 plans raised as far as allowed)",
        "plan_budget_cap[unclosed", "something else"]


def test_limits_are_worded_in_chinese_and_left_as_they_are_in_english():
    t = translator("zh-CN")
    assert [t.limit(row) for row in ROWS] == [
        "总预算", "投入产出比下限", "计划预算上限[女装-连衣裙-主推]", "计划预算下限[a]b]", "计划投入产出比下限[{x}]",
        "库存[法式碎花*]", "宝贝最少成交笔数[甲]", "宝贝最低花费占比[乙]", "提价上限（33 个关键词已提到上限）",
        "提价上限（2 个计划已提到上限）", "plan_budget_cap[unclosed", "something else"]
    assert [translator("en").limit(row) for row in ROWS] == ROWS


PACKAGE = ROOT / "optimizer"
#: A message asked for by a literal id: t("id"), t('id', ...), t.text("id"), in code and in templates.
ASKED = re.compile(r"""\bt(?:\.text)?\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_message_the_code_and_templates_ask_for_is_in_the_catalogue():
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]
    asked = {(path.relative_to(PACKAGE).as_posix(), message) for path in files
             for message in ASKED.findall(path.read_text(encoding="utf-8"))}
    assert {message for _, message in asked} >= {"report.before_after", "summary.title", "workbench.nav.plan"}
    assert sorted((path, message) for path, message in asked if message not in CATALOGUE) == []


def test_a_note_is_said_in_english_and_again_in_chinese_with_its_notes_and_lists():
    from optimizer.i18n import Said, say

    note = say("check.bids_outside", count=3, factor="1.5", names=["甲 (A)", "乙 (B)"],
               more=say("check.more", count=1))
    assert isinstance(note, Said) and isinstance(note, str)
    assert note == "3 keywords bid more than 1.5x beyond the bids their history saw, where the forecast " \
                   "extrapolates: 甲 (A), 乙 (B) and 1 more"
    assert translator("zh-CN").say(note) == "3 个关键词的出价超出历史出价范围 1.5 倍以上，预测为外推值：甲 (A)，乙 (B) 等，另有 1 个"
    assert translator("en").say(note) is note
    assert translator("zh-CN").say("text no catalogue said") == "text no catalogue said"


def test_a_note_keeps_what_it_says_through_copies_and_pickles():
    import copy
    import pickle

    from optimizer.i18n import say

    note = say("read.note", name="a.csv", note=say("warning.repeated_rows", count=2, noun=say("read.rows"),
                                                   shown="4 = 3, 5 = 3", more=""))
    for again in (pickle.loads(pickle.dumps(note)), copy.deepcopy(note)):
        assert again == note
        assert translator("zh-CN").say(again) == "a.csv：跳过 2 行与前面某行完全相同的数据（同一行导出了两次；行号 4 = 3, 5 = 3）"
