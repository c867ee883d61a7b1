"""The platforms' upload files of a plan, made by the writers of ``bidopt plan --export``.

Which platforms a plan is uploaded to follows from how its reports were read: Chinese
headers (直通车 / 京东快车) get ``ztc-bids.csv``, Amazon reports get ``amazon-bulk.xlsx`` when a
bulk file came with them, every other keyword report ``google-ads-editor.csv`` (Google Ads
Editor; Microsoft Advertising Editor imports it too). Their warnings join the plan's
"check before uploading", as they do for ``--export``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from optimizer.decisions.platform_limits import marketplace_of
from optimizer.platforms.uploads import plan_exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Upload files a run may have, with the media type each is sent as.
UPLOAD_FILES = {"ztc-bids.csv": "text/csv; charset=utf-8", "google-ads-editor.csv": "text/csv; charset=utf-8",
                "amazon-bulk.xlsx": XLSX, "export-changes.csv": "text/csv; charset=utf-8"}


def platforms_of(result, bulk=None) -> list[str]:
    """The platforms the plan's reports come from, as ``--export`` names them (none for plan-level reports)."""
    if result.estimates.level != "keyword":
        return []
    read = [file.platform for file in result.summary.reading] or [""]
    platforms = []
    for platform in read:
        if platform.startswith("直通车"):
            platforms.append("ztc")
        elif platform == "Amazon Ads":
            platforms += ["amazon"] if bulk is not None else []
        else:
            platforms.append("google")
    if bulk is not None:
        platforms.append("amazon")
    return list(dict.fromkeys(platforms))


def platform_files(result, bulk=None) -> tuple[dict[str, bytes], list[str]]:
    """The upload files of the plan (name -> bytes) and the warnings they add to its summary."""
    platforms = platforms_of(result, bulk)
    if not platforms:
        return {}, []
    files, warnings = plan_exports(result, platforms, bulk=bulk,
                                   marketplace=marketplace_of(result.performance.files))
    return {name: _as_bytes(content) for name, content in files.items()}, warnings


def _as_bytes(content) -> bytes:
    """A file's bytes; a writer (amazon-bulk.xlsx is written by openpyxl) writes into a private folder first."""
    if not callable(content):
        return content
    with tempfile.TemporaryDirectory(prefix="bidopt-upload-") as folder:
        target = Path(folder) / "upload.xlsx"
        content(target)
        return target.read_bytes()
