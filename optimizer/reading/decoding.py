"""Report bytes as text: the encoding detected, else GBK (as GB18030), else UTF-8; or one message naming the line.

A file that none of them reads whole has a line saved in another encoding or is damaged; the first line
that breaks is named, in whichever of GBK and UTF-8 reads more of the file before it, and shown when the
other encoding reads it.
"""

from __future__ import annotations

from optimizer.errors import InputDataError, Problem


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
