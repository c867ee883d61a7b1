"""The Amazon Sponsored Products bulk file: read it, use it as today's state, write it back.

Layout (Amazon Ads bulksheets 2.0, sheet ``Sponsored Products Campaigns``): one row
per entity (``Entity`` = Campaign, Bidding Adjustment, Ad Group, Product Ad,
Keyword, Negative Keyword, Product Targeting, …) with ``Operation``, the IDs
``Campaign ID``, ``Ad Group ID``, ``Keyword ID``, ``Product Targeting ID``, the
names (``Campaign Name (Informational only)``, ``Ad Group Name (Informational
only)``), ``State``, ``Daily Budget``, ``Ad Group Default Bid``, ``Bid``,
``Keyword Text``, ``Match Type``, ``Placement``, ``Percentage``, ``Product
Targeting Expression`` and the period's ``Impressions … ROAS``. The 48-column
order of a downloaded file is the one public readers of the format check against
(e.g. the ``expected_headers_bulk`` lists of open-source PPC scripts); headers are
matched here case-insensitively because Amazon has changed their capitalisation.

IDs are read as the text the file stores: a 15–18 digit ID that passed through a
float (Excel turning it into a number, ``1.23457E+17`` or ``…0.0``) has lost its
digits and is refused, never repaired. The file written back is the downloaded
workbook with only the changed cells set and ``Operation = update`` on their rows.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from optimizer.errors import SHOWN_ROWS, InputDataError, Problem
from optimizer.i18n import say
from optimizer.model.estimate import CPC_TO_BID
from optimizer.outputs import safe_text
from optimizer.reading.limits import check_file

SHEET = "Sponsored Products Campaigns"
ID_COLUMNS = ("Campaign ID", "Ad Group ID", "Keyword ID", "Product Targeting ID")
NEEDED = ("Entity", "Operation", *ID_COLUMNS, "State", "Daily Budget", "Bid", "Keyword Text", "Match Type",
          "Product Targeting Expression")
TARGETS = ("keyword", "product targeting")
OFF = ("paused", "archived")
REDOWNLOAD = ("Download the bulk file again from Campaign Manager > Bulk operations and pass it as downloaded; "
              "if it must be edited in Excel, format the ID columns as Text first")
_ID_TEXT = re.compile(r"^[0-9A-Za-z\-]+$")


def norm(values: pd.Series) -> pd.Series:
    """Names compared as a person would: spaces collapsed, case folded."""
    return values.fillna("").astype(str).str.split().str.join(" ").str.casefold()


@dataclass(frozen=True)
class Bulk:
    """The downloaded sheet as text cells, and its targets, campaigns and ad groups as tables.

    ``cells`` keeps the header's own names; ``targets`` has one row per keyword or product
    target: ``row`` (the spreadsheet row), ``campaign``, ``ad_group``, ``text``, ``match_type``,
    ``bid``, ``on`` (enabled, in an enabled ad group and campaign) and ``key``.
    """

    path: Path
    sheet: str
    header: tuple[str, ...]
    cells: pd.DataFrame
    column: dict[str, str]
    targets: pd.DataFrame
    campaigns: pd.DataFrame
    ad_groups: pd.DataFrame

    def bids_today(self, performance):
        """The validated reports with this file's bids, budgets and states (:func:`apply_bulk`), for planning."""
        return apply_bulk(performance, self)[0]


def read_bulk(path: str | Path) -> Bulk:
    """Read the ``Sponsored Products Campaigns`` sheet; one InputDataError lists every problem found."""
    import openpyxl

    path = Path(path)
    if not path.exists():
        raise InputDataError([Problem(f"no such file (looked for {path.resolve()})", file=path.name,
                                      hint="Pass the bulk file downloaded from Campaign Manager (.xlsx)")])
    try:
        check_file(path)   # a regular file within the size caps, before openpyxl unpacks it
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputDataError([Problem(f"cannot be read as an Excel workbook ({type(error).__name__}: {error})",
                                      file=path.name, hint=REDOWNLOAD)]) from error
    try:
        sheet = next((name for name in book.sheetnames if name.strip().casefold() == SHEET.casefold()), None)
        if sheet is None:
            raise InputDataError([Problem(
                f"has no sheet '{SHEET}' (sheets: {', '.join(book.sheetnames)})", file=path.name,
                hint="Download a Sponsored Products bulk file (bulksheets 2.0) with its campaigns sheet")])
        rows = list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()
    label = f"{path.name}: sheet {sheet}"
    header = tuple("" if cell is None else str(cell).strip() for cell in (rows[0] if rows else ()))
    lookup = {name.casefold(): name for name in reversed(header) if name}
    column = {name: lookup[name.casefold()] for name in NEEDED if name.casefold() in lookup}
    for name in ("Campaign Name", "Ad Group Name", "Campaign Name (Informational only)",
                 "Ad Group Name (Informational only)", "Campaign State (Informational only)",
                 "Ad Group State (Informational only)", "Ad Group Default Bid",
                 "Ad Group Default Bid (Informational only)"):
        if name.casefold() in lookup:
            column[name] = lookup[name.casefold()]
    problems = [Problem(f"has no column '{name}' in its header row", file=label, hint=REDOWNLOAD)
                for name in NEEDED if name not in column]
    if not any(name in column for name in ("Campaign Name", "Campaign Name (Informational only)")):
        problems.append(Problem("has no 'Campaign Name' or 'Campaign Name (Informational only)' column",
                                file=label, hint=REDOWNLOAD))
    width = len(header)
    cells = pd.DataFrame([tuple(row[:width]) + (None,) * (width - len(row)) for row in rows[1:]],
                         columns=pd.Index(range(width)), dtype=object)
    cells.columns = list(header)
    cells = cells.loc[:, ~pd.Index(header).duplicated()]
    cells.index = np.arange(len(cells)) + 2  # spreadsheet rows: header is row 1
    for name in ID_COLUMNS:
        if name in column:
            problems.extend(_mangled_ids(cells[column[name]], label, column[name]))
    if problems:
        raise InputDataError(problems)
    return _tables(path, sheet, header, cells, column)


def _mangled_ids(values: pd.Series, label: str, header: str) -> list[Problem]:
    """IDs stored as numbers or as float text lost digits: name the rows."""
    present = values.notna() & (values.astype(str).str.strip() != "")
    numeric = present & values.map(lambda cell: isinstance(cell, (int, float)))
    text = values.astype(str).str.strip()
    floaty = present & ~numeric & ~text.str.fullmatch(_ID_TEXT.pattern)
    bad = numeric | floaty
    if not bad.any():
        return []
    shown = values[bad]
    return [Problem(
        f"{int(bad.sum())} IDs are stored as numbers or in scientific notation, so their digits are lost",
        file=label, column=header, rows=shown.index[:SHOWN_ROWS].tolist(),
        values=[repr(cell) if not isinstance(cell, str) else f'"{cell}"' for cell in shown[:SHOWN_ROWS]],
        n_rows=int(bad.sum()), hint=REDOWNLOAD)]


def _text(cells: pd.DataFrame, column: dict[str, str], name: str) -> pd.Series:
    if name not in column:
        return pd.Series("", index=cells.index, dtype=object)
    return cells[column[name]].map(lambda cell: "" if cell is None else str(cell).strip())


def _number(cells: pd.DataFrame, column: dict[str, str], name: str) -> pd.Series:
    if name not in column:
        return pd.Series(np.nan, index=cells.index)
    return pd.to_numeric(cells[column[name]].map(lambda cell: cell if cell not in (None, "") else np.nan),
                         errors="coerce").astype(float)


def _tables(path: Path, sheet: str, header: tuple[str, ...], cells: pd.DataFrame, column: dict[str, str]) -> Bulk:
    """Campaigns, ad groups and targets with their names resolved through the IDs."""
    entity = _text(cells, column, "Entity").str.casefold()
    campaign_id, ad_group_id = _text(cells, column, "Campaign ID"), _text(cells, column, "Ad Group ID")
    informational_campaign = _text(cells, column, "Campaign Name (Informational only)")
    informational_group = _text(cells, column, "Ad Group Name (Informational only)")
    state = _text(cells, column, "State").str.casefold()
    is_campaign, is_group = entity == "campaign", entity == "ad group"
    campaign_name = _text(cells, column, "Campaign Name").where(lambda s: s != "", informational_campaign)
    group_name = _text(cells, column, "Ad Group Name").where(lambda s: s != "", informational_group)
    campaigns = pd.DataFrame({"row": cells.index[is_campaign], "id": campaign_id[is_campaign].to_numpy(),
                              "name": campaign_name[is_campaign].to_numpy(), "state": state[is_campaign].to_numpy(),
                              "daily_budget": _number(cells, column, "Daily Budget")[is_campaign].to_numpy()})
    default_bid = _number(cells, column, "Ad Group Default Bid")
    ad_groups = pd.DataFrame({"row": cells.index[is_group], "id": ad_group_id[is_group].to_numpy(),
                              "campaign_id": campaign_id[is_group].to_numpy(), "name": group_name[is_group].to_numpy(),
                              "state": state[is_group].to_numpy(), "default_bid": default_bid[is_group].to_numpy()})
    campaign_of = dict(zip(campaigns["id"], campaigns["name"]))
    campaign_state = dict(zip(campaigns["id"], campaigns["state"]))
    group_of = dict(zip(ad_groups["id"], ad_groups["name"]))
    group_state = dict(zip(ad_groups["id"], ad_groups["state"]))
    group_bid = dict(zip(ad_groups["id"], ad_groups["default_bid"]))
    is_target = entity.isin(TARGETS)
    keyword = entity == "keyword"
    text = _text(cells, column, "Keyword Text").where(keyword, _text(cells, column, "Product Targeting Expression"))
    targets = pd.DataFrame({
        "row": cells.index, "entity": entity, "campaign_id": campaign_id, "ad_group_id": ad_group_id,
        "campaign": campaign_id.map(campaign_of).fillna(informational_campaign),
        "ad_group": ad_group_id.map(group_of).fillna(informational_group),
        "text": text, "match_type": _text(cells, column, "Match Type").str.casefold().where(keyword, ""),
        # an empty Bid is the ad group's default: from the ad group's row, else the target row's own copy of it
        "bid": _number(cells, column, "Bid").fillna(ad_group_id.map(group_bid).astype(float))
        .fillna(_number(cells, column, "Ad Group Default Bid (Informational only)")),
        "state": state,
    })[is_target.to_numpy()]
    off = (targets["state"].isin(OFF) | targets["campaign_id"].map(campaign_state).isin(OFF)
           | targets["ad_group_id"].map(group_state).isin(OFF))
    targets = targets.assign(on=~off.to_numpy(), key=_key(targets["campaign"], targets["ad_group"], targets["text"],
                                                       targets["match_type"]))
    return Bulk(path, sheet, header, cells, column, targets.reset_index(drop=True), campaigns, ad_groups)


def _key(campaign: pd.Series, ad_group: pd.Series, text: pd.Series, match_type: pd.Series) -> pd.Series:
    return (norm(campaign) + "\x1f" + norm(ad_group) + "\x1f" + norm(text) + "\x1f" + norm(match_type)).to_numpy()


@dataclass(frozen=True)
class Applied:
    """What the bulk file changed in the performance: counts and names for the summary."""

    matched: int
    unmatched: tuple[str, ...]
    paused: int
    unseen: tuple[str, ...]


def apply_bulk(performance, bulk: Bulk):
    """Today's bids, budgets and states from the bulk file, put into the validated performance.

    Returns ``(performance, applied)``: matched keywords take the bulk ``Bid`` (blank: the ad
    group's default bid); paused or archived ones leave the plan; the others are inferred from
    CPC as without a bulk file; enabled keywords of the report's campaigns that the report never
    mentions join with zero rows (无展现词) so the plan keeps and lists them.
    """
    frame = performance.frame.copy()
    label = f"{bulk.path.name}: sheet {bulk.sheet}"
    report_campaigns = pd.unique(frame["plan"].astype(str))
    known = set(norm(bulk.campaigns["name"]))
    missing = [name for name in report_campaigns if norm(pd.Series([name])).iloc[0] not in known]
    if missing:
        shown = ", ".join(f'"{name}"' for name in missing[:SHOWN_ROWS]) + (", …" if len(missing) > SHOWN_ROWS else "")
        raise InputDataError([Problem(
            f"{len(missing)} campaigns of the report are not in the bulk file ({shown})", file=label,
            column=bulk.column.get("Campaign Name", "Campaign Name (Informational only)"),
            hint="Download the bulk file for the same account and period as the report, with every campaign")])
    targets = bulk.targets.drop_duplicates("key")
    key = _key(frame["plan"], frame["ad_group"], frame["keyword"], frame["match_type"])
    position = pd.Index(targets["key"]).get_indexer(key)
    found = position >= 0
    off = np.zeros(len(frame), bool)
    off[found] = ~targets["on"].to_numpy()[position[found]]
    bid = np.full(len(frame), np.nan)
    bid[found] = targets["bid"].to_numpy()[position[found]]
    grouped = frame.groupby(key, sort=False)
    cpc = (grouped["spend"].transform("sum") / grouped["clicks"].transform("sum").replace(0, np.nan)).to_numpy(float)
    bid = np.where(np.isfinite(bid) & (bid > 0), bid, cpc / CPC_TO_BID)
    bid = pd.Series(bid).fillna(pd.Series(bid).groupby(frame["plan"].to_numpy()).transform("median"))
    bid = bid.fillna(bid.median()).fillna(1.0)
    budgets = dict(zip(norm(bulk.campaigns["name"]), bulk.campaigns["daily_budget"]))
    frame["bid"] = bid.to_numpy()
    frame["plan_budget"] = norm(frame["plan"]).map(budgets).astype(float).to_numpy()
    unmatched = pd.unique(pd.Series(key)[~found].map(lambda text: " / ".join(text.split("\x1f")[2:])))
    paused_units = len(set(key[off]))
    frame = frame[~off]
    seen = set(key)
    report_keys = set(norm(pd.Series(report_campaigns)))
    unseen = targets[targets["on"] & ~targets["key"].isin(seen) & norm(targets["campaign"]).isin(report_keys)]
    if len(unseen):
        frame = pd.concat([frame, _zero_rows(unseen, frame, performance, budgets)], ignore_index=True)
    warnings = list(performance.warnings)
    if paused_units:
        warnings.append(say("bulk.paused", name=bulk.path.name, count=paused_units))
    if len(unmatched):
        warnings.append(say("bulk.unmatched", name=bulk.path.name, count=len(unmatched), names=_few(unmatched),
                            ratio=CPC_TO_BID))
    if len(unseen):
        warnings.append(say("bulk.unseen", name=bulk.path.name, count=len(unseen), names=_few(unseen["text"].tolist())))
    performance = replace(performance, frame=frame.reset_index(drop=True), has_bid=True, warnings=tuple(warnings))
    return performance, Applied(int(found.sum()), tuple(unmatched), paused_units, tuple(unseen["text"]))


def _few(names, count: int = 5) -> str:
    names = list(names)
    return ", ".join(str(name) for name in names[:count]) + (", …" if len(names) > count else "")


def _zero_rows(unseen: pd.DataFrame, frame: pd.DataFrame, performance, budgets: dict) -> pd.DataFrame:
    """One zero-impression row per bulk target the report never mentions, dated the report's last day."""
    spelled = dict(zip(norm(frame["plan"]), frame["plan"]))
    groups = dict(zip(norm(frame["plan"]) + "\x1f" + norm(frame["ad_group"]), frame["ad_group"]))
    plan = norm(unseen["campaign"]).map(spelled)
    group_key = norm(unseen["campaign"]) + "\x1f" + norm(unseen["ad_group"])
    zero = {name: 0.0 for name in ("impressions", "clicks", "spend", "orders", "revenue")}
    return pd.DataFrame({
        "date": performance.last_date, "plan": plan.to_numpy(),
        "ad_group": group_key.map(groups).fillna(unseen["ad_group"]).to_numpy(),
        "keyword": unseen["text"].to_numpy(), "match_type": unseen["match_type"].to_numpy(),
        "bid": unseen["bid"].to_numpy(float), **zero,
        "plan_budget": norm(unseen["campaign"]).map(budgets).astype(float).to_numpy(),
        "source": "bulk file (无展现词)", "row": unseen["row"].to_numpy(),
    })[frame.columns]


@dataclass(frozen=True)
class WriteBack:
    """The cells to change (spreadsheet row, header, value) and the plan rows that found no bulk row."""

    edits: tuple[tuple[int, str, object], ...]
    unmatched: tuple[str, ...]
    rows_updated: int

    def writer(self, bulk: Bulk) -> Callable[[Path], None]:
        """A function writing amazon-bulk.xlsx: the downloaded workbook with only these cells changed."""
        return lambda target: write_edits(bulk, self.edits, target)


def plan_edits(bulk: Bulk, upload, plans: pd.DataFrame) -> WriteBack:
    """Bid, State and Daily Budget edits for changed keywords, targets and campaign budgets."""
    edits: list[tuple[int, str, object]] = []
    rows = upload.changed
    targets = bulk.targets.drop_duplicates("key")
    key = _key(rows["plan"], rows["ad_group"], rows["keyword"], rows["match_type"])
    position = pd.Index(targets["key"]).get_indexer(key)
    found = position >= 0
    bulk_rows = targets["row"].to_numpy()[position[found]]
    for row, bid, status in zip(bulk_rows, rows["upload_bid"].to_numpy(float)[found], rows["status"].to_numpy()[found]):
        if status == "paused":
            edits.append((int(row), bulk.column["State"], "paused"))
        else:
            edits.append((int(row), bulk.column["Bid"], round(float(bid), 2)))
    campaigns = bulk.campaigns.assign(key=norm(bulk.campaigns["name"]))
    daily = pd.Series(np.round(plans["daily_limit"].to_numpy(float), 2), index=norm(plans["plan"]).to_numpy())
    for row, name_key, today in zip(campaigns["row"], campaigns["key"], campaigns["daily_budget"]):
        budget = daily.get(name_key, 0.0)
        if budget > 0 and not (np.isfinite(today) and abs(budget - today) < 0.005):
            edits.append((int(row), bulk.column["Daily Budget"], float(budget)))
    touched = sorted({row for row, _, _ in edits})
    edits += [(row, bulk.column["Operation"], "update") for row in touched]
    unmatched = tuple(f"{plan} / {group} / {keyword} / {match or '-'}" for plan, group, keyword, match in
                      rows[~found][["plan", "ad_group", "keyword", "match_type"]].itertuples(index=False))
    return WriteBack(tuple(edits), unmatched, len(touched))


def write_edits(bulk: Bulk, edits, target: Path) -> None:
    """Open the downloaded workbook, set the edited cells of the campaigns sheet, save as ``target``."""
    import openpyxl

    book = openpyxl.load_workbook(bulk.path)
    sheet = book[bulk.sheet]
    position = {name: index + 1 for index, name in reversed(list(enumerate(bulk.header)))}
    for row, header, value in edits:
        safe_text.xlsx_cell(sheet.cell(row=row, column=position[header]), value)
    book.save(target)
