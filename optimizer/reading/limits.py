"""What bidopt agrees to read: regular files only, and none larger than a cap the user can raise.

A FIFO or ``/dev/zero`` never ends and an XLSX of a few MB can unpack to gigabytes of XML
(a "zip bomb"); both would fill the memory before any check on the data runs. Reports and
scenario files are refused above a size cap, and an XLSX above a cap on its unpacked XML
and on its number of cells, each checked before anything is parsed. The caps come from
environment variables, so that one large account can raise them without a code change::

    BIDOPT_MAX_REPORT_MB=4096 bidopt plan weekly.toml
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

from optimizer.errors import InputDataError, Problem

MB = 1 << 20
#: Bytes unpacked at a time while counting an XLSX's XML: memory stays at a few of these.
CHUNK = 1 << 22
#: How a cell starts in a sheet's XML (``<c r="A1" ...>``; some writers use an ``x:`` prefix).
CELL_STARTS = (b"<c ", b"<c>", b"<x:c ")
ZIPPED = (".xlsx", ".xlsm", ".ods")


@dataclass(frozen=True)
class ReadLimits:
    """The caps, each named after the environment variable that sets it."""

    max_report_mb: float = 2048.0
    max_scenario_mb: float = 4.0
    max_xlsx_mb: float = 512.0
    max_xlsx_cells: float = 10_000_000

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if not value > 0:
                raise InputDataError([Problem(f"{_variable(field.name)} must be a positive number. Got {value!r} "
                                              "instead.")])

    @classmethod
    def from_environment(cls) -> ReadLimits:
        values = {}
        for field in fields(cls):
            text = os.environ.get(_variable(field.name))
            if text is not None:
                try:
                    values[field.name] = float(text)
                except ValueError:
                    raise InputDataError([Problem(f"{_variable(field.name)} must be a positive number. Got "
                                                  f"{text!r} instead.")]) from None
        return cls(**values)


def _variable(name: str) -> str:
    return "BIDOPT_" + name.upper()


def _refuse(path: Path, message: str, setting: str | None = None) -> InputDataError:
    hint = (f"If the file is right, raise the cap: set {_variable(setting)} (for example "
            f"{_variable(setting)}={2 * getattr(ReadLimits.from_environment(), setting):g})") if setting else (
        "Give the path of a file saved on disk")
    return InputDataError([Problem(message, file=path.name, hint=hint)])


def read_bytes(path: Path, setting: str = "max_report_mb") -> bytes:
    """The bytes of a regular file no larger than its cap (``setting`` names it); else an InputDataError."""
    limit_mb = getattr(ReadLimits.from_environment(), setting)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))   # a FIFO must not block the open
    with os.fdopen(descriptor, "rb") as handle:
        _check_regular(path, os.fstat(handle.fileno()), limit_mb, setting)
        data = handle.read(int(limit_mb * MB) + 1)
    if len(data) > limit_mb * MB:
        raise _refuse(path, f"is larger than the {limit_mb:g} MB limit", setting)
    return data


def check_file(path: Path, setting: str = "max_report_mb") -> None:
    """Refuse what is not a regular file, or is past its size cap; for XLSX/ODS, past the unpacked caps."""
    limits = ReadLimits.from_environment()
    _check_regular(path, os.stat(path), getattr(limits, setting), setting)
    if path.suffix.lower() in ZIPPED:
        check_zipped(path, limits)


def _check_regular(path: Path, status: os.stat_result, limit_mb: float, setting: str) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise _refuse(path, "is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(status.st_mode) else "a device" if (
            stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode)) else "a socket"
        raise _refuse(path, f"is {kind}, not a regular file: bidopt reads only regular files")
    if status.st_size > limit_mb * MB:
        size = f"{status.st_size / MB:,.1f} MB" if status.st_size >= MB / 10 else f"{status.st_size:,} bytes"
        raise _refuse(path, f"is {size}, larger than the {limit_mb:g} MB limit", setting)


def check_zipped(path: Path, limits: ReadLimits) -> None:
    """An XLSX (a zip of XML) whose declared and actual unpacked size and cell count are within the caps.

    The declared sizes are read first (free); then the XML is unpacked a chunk at a time and
    counted, since a crafted archive can declare less than it holds. Nothing is kept.
    """
    cap, cells_cap = int(limits.max_xlsx_mb * MB), int(limits.max_xlsx_cells)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return   # not a zip after all: the reader says what is wrong with it
    with archive:
        declared = sum(info.file_size for info in archive.infolist())
        if declared > cap:
            raise _refuse(path, f"unpacks to {declared / MB:,.0f} MB of XML, above the {limits.max_xlsx_mb:g} MB limit "
                                "for spreadsheets", "max_xlsx_mb")
        unpacked, cells = 0, 0
        for info in archive.infolist():
            sheet = info.filename.startswith("xl/worksheets/")
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > cap:
                        raise _refuse(path, f"unpacks to more than the {limits.max_xlsx_mb:g} MB limit for spreadsheets",
                                      "max_xlsx_mb")
                    cells += sum(chunk.count(start) for start in CELL_STARTS) if sheet else 0
                    if cells > cells_cap:
                        raise _refuse(path, f"holds more than {cells_cap:,} cells, the limit for spreadsheets",
                                      "max_xlsx_cells")

