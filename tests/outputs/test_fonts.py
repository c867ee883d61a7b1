"""The CJK font a page carries: the glyphs of its characters, no more, the same bytes each time."""

from __future__ import annotations

import base64
import io
import re

from fontTools.ttLib import TTFont

from optimizer.outputs import fonts


def test_the_characters_are_the_cjk_ones_once_each_in_order():
    assert fonts.page_characters("计划 A — plan → 关键词，计划") == "关划计词键，"


def test_a_page_without_chinese_carries_no_font():
    assert fonts.font_face("bidopt plan — weekly: 1,234.00 → 2,000.00") == ""


def test_the_subset_maps_exactly_the_page_characters():
    data = fonts.subset("出价日限额投入产出比")
    font = TTFont(io.BytesIO(data))
    assert data[:4] == b"wOFF" and font["name"].getDebugName(1) == fonts.FAMILY
    assert {chr(code) for code in font.getBestCmap()} == set("出价日限额投入产出比")


def test_the_rule_embeds_the_subset_as_a_data_uri_and_is_the_same_each_time():
    rule = fonts.font_face("<td>女装-连衣裙-主推</td>")
    encoded = re.fullmatch(r'@font-face \{ font-family: "Noto Sans CJK SC"; '
                           r'src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) format\("woff"\); \}\n', rule).group(1)
    fonts.subset.cache_clear()
    assert fonts.font_face("<td>女装-连衣裙-主推</td>") == rule
    assert base64.b64decode(encoded) == fonts.subset("主女推衣装裙连")


def test_a_character_costs_a_few_hundred_bytes():
    characters = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 400))
    assert len(fonts.subset(characters)) < 400 * 300


def test_making_a_subset_leaves_no_font_file_open():
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always", ResourceWarning)
        fonts.subset("计划关键词出价")
        gc.collect()
    assert not [str(warning.message) for warning in heard if issubclass(warning.category, ResourceWarning)]
