"""Uploads and the goal form: files kept under names of our own, fields checked into a Scenario.

The name a browser sends is shown (escaped by the templates) and never used as a
path: each file is written as ``export-N`` plus its extension, in a private folder
made for the run. Messages about a file name the file as the person knows it, so a
bad file reads on the page exactly as the command line says it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from optimizer.errors import BidoptError, InputDataError, ScenarioError
from optimizer.scenario.scenario_file import ADJUSTABLE, OBJECTIVES, Adjustment, BidLimits, ItemLimits, Scenario

#: The goal form's fields: the [goal] flags of ``bidopt plan``, and two of [bids].
NUMBER_FIELDS = ("budget", "min_roi", "bid_max", "max_raise")
#: Our own name for an uploaded Amazon bulk file.
BULK_NAME = "bulk.xlsx"
_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_name(sent: str | None, position: int) -> str:
    """The file's name as a person knows it: the last part of what the browser sent, without control characters."""
    text = _CONTROL.sub("", str(sent or ""))
    name = PureWindowsPath(PurePosixPath(text).name).name.strip()[:200]
    return name if name.strip(".") else f"export-{position}"


def stored_name(shown: str, position: int) -> str:
    """Our own name for the file: ``export-N`` and the extension the reader goes by, when it is a plain one."""
    suffix = PurePosixPath(shown).suffix.lower()
    return f"export-{position}{suffix if _SUFFIX.fullmatch(suffix) else ''}"


def save_uploads(uploads, folder: Path) -> dict[str, str]:
    """Write each uploaded file (Starlette ``UploadFile``) into ``folder``; return stored name -> shown name."""
    names = {}
    for position, upload in enumerate(uploads, start=1):
        shown = shown_name(upload.filename, position)
        stored = stored_name(shown, position)
        handle = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as target:
            upload.file.seek(0)
            shutil.copyfileobj(upload.file, target)
        names[stored] = shown
    if not names:
        raise BidoptError("choose at least one export file (CSV or XLSX) to plan from")
    return names


def save_bulk(upload, folder: Path, names: dict[str, str]) -> str:
    """Write the Amazon bulk file as ``bulk.xlsx`` in ``folder``, its shown name added to ``names``; its name."""
    shown = shown_name(upload.filename, len(names) + 1)
    if PurePosixPath(shown).suffix.lower() != ".xlsx":
        raise BidoptError(f"{shown}: the Amazon bulk file is an .xlsx workbook: download it again from Campaign "
                          "Manager > Bulk operations and upload it as downloaded")
    handle = os.open(folder / BULK_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as target:
        upload.file.seek(0)
        shutil.copyfileobj(upload.file, target)
    names[BULK_NAME] = shown
    return BULK_NAME


def as_shown(text: str, names: dict[str, str]) -> str:
    """A message with our stored file names replaced by the names the person uploaded."""
    for stored, shown in names.items():
        text = text.replace(stored, shown)
    return text


def error_as_shown(error: BidoptError, names: dict[str, str]) -> BidoptError:
    """The same error naming the files as uploaded (problems keep their fields, so the message is the CLI's)."""
    if isinstance(error, InputDataError):
        return InputDataError([replace(problem, file=problem.file and as_shown(problem.file, names),
                                       message=as_shown(problem.message, names)) for problem in error.problems])
    if isinstance(error, ScenarioError):
        return ScenarioError([as_shown(problem, names) for problem in error.problems], file=error.file)
    return type(error)(as_shown(str(error), names)) if type(error) is BidoptError else error


def _number(form, name: str, problems: list[str]) -> float | None:
    text = str(form.get(name) or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        problems.append(f"The {name!r} field must be a number. Got {text!r} instead.")
        return None


def goal_scenario(scenario: Scenario, form) -> Scenario:
    """The scenario with the goal form applied, as ``bidopt plan`` applies its flags; one error lists every problem."""
    problems: list[str] = []
    values = {name: _number(form, name, problems) for name in NUMBER_FIELDS}
    objective = str(form.get("objective") or "revenue")
    if objective not in OBJECTIVES:
        problems.append(f"The 'objective' field must be one of {', '.join(OBJECTIVES)}. Got {objective!r} instead.")
    if problems:
        raise ScenarioError(problems)
    changed = scenario.with_overrides(budget=values["budget"], min_roi=values["min_roi"], objective=objective)
    bids = {key: values[name] for key, name in (("max", "bid_max"), ("max_raise", "max_raise"))
            if values[name] is not None}
    return replace(changed, bids=replace(changed.bids, **bids)) if bids else changed


def whatif_scenario(scenario: Scenario, form, items: Sequence[str]) -> Scenario:
    """The scenario with the what-if form applied: one more [adjust] entry (multipliers given, for one item or all),
    an item's stock (0: sold out) in [items], and a budget and ROI floor; one error lists every problem."""
    problems: list[str] = []
    factors = {name: value for name in ADJUSTABLE if (value := _number(form, name, problems)) is not None}
    budget, min_roi, stock = (_number(form, name, problems) for name in ("budget", "min_roi", "stock"))
    adjust_item, stock_item = (str(form.get(name) or "") for name in ("adjust_item", "stock_item"))
    for name, chosen in (("adjust_item", adjust_item), ("stock_item", stock_item)):
        if chosen and chosen not in items:
            problems.append(f"The {name!r} field must name an item of the reports. Got {chosen!r} instead.")
    if stock is not None and not stock_item:
        problems.append("The 'stock' field needs an item ('stock_item') whose orders it limits.")
    if problems:
        raise ScenarioError(problems)
    changed = scenario.with_overrides(budget=budget, min_roi=min_roi)
    adjust = (Adjustment(**factors, items=(adjust_item,) if adjust_item else ()),) if factors else ()
    limits = dict(changed.items)
    if stock_item:
        limits[stock_item] = replace(limits.get(stock_item, ItemLimits()), stock=0.0 if stock is None else stock)
    return replace(changed, adjust=changed.adjust + adjust, items=limits)


def whatif_name(form, number: int) -> str:
    """The what-if's name from the form (one line, no path separators), else "what-if N"."""
    text = _CONTROL.sub("", str(form.get("name") or "")).replace("/", "-").replace("\\", "-").strip()[:40]
    return text or f"what-if {number}"


@dataclass(frozen=True)
class Today:
    """What the reports say before any plan: today's figures over the planning period, and each file's rows."""

    keywords: int
    plans: int
    history_days: int
    last_date: str
    figures: dict[str, float]
    files: list[dict]


def today(prepared, names: dict[str, str]) -> Today:
    """Today's figures from :class:`optimizer.decisions.plan.Prepared`: the forecast at today's bids, and the files."""
    units, frame = prepared.estimates.units, prepared.performance.frame
    sums = {name: float(units[name].sum()) for name in ("impressions", "clicks", "spend", "orders", "revenue")}
    sums["roi"] = sums["revenue"] / sums["spend"] if sums["spend"] > 0 else 0.0
    dates = frame["date"] if "date" in frame else pd.Series(pd.NaT, index=frame.index)
    files = [{"name": names.get(source, source), "rows": int(len(rows)),
              "first": _day(dates[rows.index].min()), "last": _day(dates[rows.index].max())}
             for source, rows in frame.groupby("source", sort=False)]
    last = prepared.performance.last_date
    return Today(keywords=len(units), plans=int(units["plan"].nunique()),
                 history_days=prepared.performance.history_days, last_date=_day(last), figures=sums, files=files)


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def default_bids() -> BidLimits:
    """The bid limits a plan keeps unless the form changes them (shown beside the fields)."""
    return BidLimits()
