"""The CJK font a page carries: Noto Sans CJK SC cut down to exactly the page's characters, as a data URI.

A page naming "Noto Sans CJK SC" shows boxes (□□□) on a machine without a CJK font.
The figures draw with the font bidopt depends on (``noto-cjk-sans-otc``, see
:mod:`optimizer.outputs.plots`); pages embed the glyphs they use from the same font,
subset with fontTools (about 125 bytes of WOFF per character at a few hundred), in an ``@font-face``
rule under the family name pages already ask for first, so no style changes and a
page without Chinese text carries nothing.
"""

from __future__ import annotations

import base64
import functools
import io
from pathlib import Path

#: The face inside the font collection, and the family the rule defines (the one pages name first).
FAMILY = "Noto Sans CJK SC"
#: The first code point a page takes from the font: CJK radicals, punctuation, kana, ideographs, Hangul, full-width
#: forms and on. Below it (Latin, dashes, arrows) every system font serves.
FIRST_CJK = 0x2E80
#: Distinct character sets whose subsets are kept (the workbench renders the same pages again and again).
CACHED_SUBSETS = 32


def font_file() -> Path | None:
    """The collection of ``noto-cjk-sans-otc``, or None when the package is not installed."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    found = sorted(Path(noto_cjk_sans_otc.__file__).parent.glob("*.tt[cf]"))
    return found[0] if found else None


def page_characters(text: str) -> str:
    """The CJK characters ``text`` uses (from :data:`FIRST_CJK` on), once each, in code point order."""
    return "".join(sorted({character for character in text if ord(character) >= FIRST_CJK}))


@functools.lru_cache(maxsize=CACHED_SUBSETS)
def subset(characters: str) -> bytes:
    """WOFF bytes of Noto Sans CJK SC with the glyphs of ``characters`` only (same characters -> same bytes)."""
    from fontTools import subset as cut
    from fontTools.ttLib import TTCollection, TTFont

    path = font_file()
    with TTCollection(str(path), lazy=True) as collection:   # closed: no file handle left open per page
        number = next(index for index, face in enumerate(collection.fonts)
                      if face["name"].getDebugName(1) == FAMILY)
    options = cut.Options(flavor="woff", hinting=False, layout_features=[], name_IDs=[1, 2])
    buffer = io.BytesIO()
    with TTFont(str(path), fontNumber=number, lazy=True, recalcTimestamp=False) as font:
        subsetter = cut.Subsetter(options)
        subsetter.populate(unicodes=[ord(character) for character in characters])
        subsetter.subset(font)
        cut.save_font(font, buffer, options)
    return buffer.getvalue()


def font_face(text: str) -> str:
    """An ``@font-face`` rule carrying the glyphs of ``text``'s CJK characters; "" when there are none.

    Also "" when the font package is missing: the page then names the system's fonts, as before.
    """
    characters = page_characters(text)
    if not characters or font_file() is None:
        return ""
    encoded = base64.b64encode(subset(characters)).decode("ascii")
    return f'@font-face {{ font-family: "{FAMILY}"; src: url(data:font/woff;base64,{encoded}) format("woff"); }}\n'
