"""Report bytes as text: the encoding detected, else GBK (as GB18030), else UTF-8; or one message naming the line.

The encoding is detected from a byte order mark, strict UTF-8, NULs in every other byte (UTF-16 without a mark)
and charset-normalizer, which short Chinese text misleads: GBK and Big5 are told apart by the characters each
decoding makes.

A file that none of them reads whole has a line saved in another encoding or is damaged; the first line
that breaks is named, in whichever of GBK and UTF-8 reads more of the file before it, and shown when the
other encoding reads it.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from optimizer.errors import InputDataError, Problem

SAMPLE_BYTES = 256 * 1024
_GB = ("gb2312", "gbk", "cp936", "hz", "gb18030")
#: Kana, Greek, Cyrillic, box drawing and private-use characters: what a wrong Chinese decoding makes.
_ODD = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\ue000-\uf8ff]")
#: GB2312's symbols and its 3,755 commonest characters: a text whose every byte above ASCII pairs into them is Chinese
#: (Latin-1's and cp1251's lowercase letters, 0xE0 and up, are never such a pair's first byte).
_COMMON_GB = re.compile(b"[\xa1-\xa9\xb0-\xd7][\xa1-\xfe]")
_OTHER_CJK = ("cp949", "euc_kr", "johab", "euc_jp", "euc_jis_2004", "shift_jis", "cp932", "big5", "big5hkscs", "cp950",
              "iso2022_jp", "iso2022_kr")


def detect_encoding(raw: bytes) -> str:
    """BOM first, then strict UTF-8, then charset-normalizer; GBK is read as gb18030, Big5 as cp950."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            raw.decode("utf-8-sig")
            return "utf-8-sig"
        except UnicodeDecodeError:   # a GBK or Big5 file some editor gave a UTF-8 mark
            return "bom+" + detect_encoding(raw[len(codecs.BOM_UTF8):])
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):   # before UTF-16: FF FE starts both marks
        return "utf-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = raw[:SAMPLE_BYTES]
    if unmarked := _utf16(sample):
        return unmarked
    if len(raw) > SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(sample).best()
    name = codecs.lookup(best.encoding).name if best else "gb18030"
    if name in _OTHER_CJK or name in _GB:  # the detector mistakes GBK and Big5 for Korean or Japanese on short text
        return _chinese(sample) or name
    if _COMMON_GB.sub(b"", sample).isascii():  # and short GBK text ("合计", "计划A") for Latin-1
        return _chinese(sample) or name
    return name


def _utf16(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a byte order mark, else None: its headers, digits and
    separators put a NUL in every other byte, which no UTF-8 or GBK text holds (a damaged file's NULs fall on both)."""
    even, odd = sample[0:len(sample) - len(sample) % 2:2], sample[1::2]
    if len(odd) < 8:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.3 and nul_even < 0.01:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.01:
        return "utf-16-be"
    return None


def _chinese(sample: bytes) -> str | None:
    """gb18030 or cp950 (Big5), whichever decodes ``sample`` into fewer characters no Chinese report has.

    Big5 text decoded as GBK turns into kana, Greek and Cyrillic letters and box-drawing signs
    (GBK keeps them where Big5 keeps its commonest characters); GBK text rarely decodes as Big5 at all.
    """
    odd = {}
    for encoding in ("gb18030", "cp950"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        odd[encoding] = len(_ODD.findall(text))
    return min(odd, key=lambda encoding: (odd[encoding], encoding != "gb18030")) if odd else None


def decoded(raw: bytes, encoding: str, file: str) -> tuple[str, str]:
    """``raw`` as text in ``encoding``, else in gb18030 (which any GBK text is), else UTF-8; refused naming the first
    line it cannot read in whichever of GBK and UTF-8 reads more of the file before it."""
    errors = {}
    for candidate in dict.fromkeys((encoding, "gb18030", "utf-8")):
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError as error:
            errors[candidate] = error
    candidate = max(("gb18030", "utf-8"), key=lambda name: errors[name].start)
    raise _undecodable(raw, errors[candidate], candidate, file) from errors[candidate]


def _undecodable(raw: bytes, error: UnicodeDecodeError, encoding: str, file: str) -> InputDataError:
    """The first line the file's encoding cannot read, named and shown when the other common encoding reads it."""
    names = {"gb18030": "GBK", "utf-8": "UTF-8"}
    line = raw.count(b"\n", 0, error.start) + 1
    end = raw.find(b"\n", error.start)
    text = raw[raw.rfind(b"\n", 0, error.start) + 1:end if end >= 0 else len(raw)]
    other = "utf-8" if encoding == "gb18030" else "gb18030"
    try:
        shown, kind = [repr(text.decode(other).strip()[:80])], f"{names[other]} text"
    except UnicodeDecodeError:
        shown, kind = [], f"not {names[other]} text either"
    return InputDataError([Problem(
        f"line {line} is not {names.get(encoding, encoding)} like the rest of the file but {kind} (byte "
        f"0x{raw[error.start]:02x}): a line saved in another encoding, or a damaged file", file=file, rows=[line],
        values=shown, hint="Save the whole file in one encoding (UTF-8 or GBK), or export the report again")])
