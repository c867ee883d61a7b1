"""Upload files for the platforms: bids rounded and clipped to each platform's rules, changed rows only.

``upload_bids`` turns the plan's bids into the bids a platform accepts: rounded to
the increment (0.01) and clipped to the platform's minimum and maximum, with a
note on every bid that was clipped. The writers then lay those out as each
platform's import file:

* ``ztc-bids.csv`` for 直通车 / 京东快车 (UTF-8 with BOM): 推广计划名称, 宝贝名称,
  关键词, 出价, 状态 and the plan's 日限额;
* ``google-ads-editor.csv`` for Google Ads Editor (UTF-8 with BOM); columns as
  documented in "Import a CSV file in Google Ads Editor — CSV file columns"
  (https://support.google.com/google-ads/editor/answer/57747): ``Campaign``,
  ``Ad group``, ``Keyword``, ``Criterion Type``, ``Max CPC``, ``Status``, and
  ``Budget`` on campaign rows (headers in English; a blank cell changes nothing);
* ``amazon-bulk.xlsx`` is written by :mod:`optimizer.platforms.amazon_bulk`, from the bulk file
  the user downloaded.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.decisions import platform_limits
from optimizer.errors import BidoptError
from optimizer.i18n import say
from optimizer.outputs.files import csv_bytes
from optimizer.scenario.settings import BidLimits

PLATFORMS = ("amazon", "google", "ztc")

#: The platforms' limits live in one table, :mod:`optimizer.decisions.platform_limits`; the plan keeps them
#: already, and the upload files clip to the same figures (a scenario's [bids] min / max may narrow them).
AMAZON_BID_LIMITS = platform_limits.AMAZON
CURRENCY_MARKETPLACE = platform_limits.CURRENCY_MARKETPLACE
GOOGLE_MATCH = {"exact": "Exact", "phrase": "Phrase", "broad": "Broad"}
CHANGED = ("raise", "cut", "pause")


@dataclass(frozen=True)
class Upload:
    """The bids of one platform: every keyword with its upload bid, whether it changed, and notes."""

    platform: str
    table: pd.DataFrame
    warnings: tuple[str, ...]

    @property
    def changed(self) -> pd.DataFrame:
        return self.table[self.table["changed"]]


def bid_range(platform: str, limits: BidLimits, marketplace: str | None = None) -> tuple[float, float, str]:
    """The platform's (min, max) bid and where it comes from; a scenario's [bids] min / max override it."""
    if platform == "amazon":
        found = platform_limits.amazon(marketplace)
        source = f"{found.name} ({found.currency})"
    else:
        found = platform_limits.GOOGLE if platform == "google" else platform_limits.ZTC
        source = found.name
    low, high = found.min_bid, found.max_bid
    defaults = BidLimits()
    if limits.min != defaults.min:
        low, source = limits.min, source + ", [bids] min"
    if limits.max != defaults.max:
        high, source = limits.max, source + ", [bids] max"
    return float(low), float(high), source


def upload_bids(bids: pd.DataFrame, platform: str, limits: BidLimits, marketplace: str | None = None) -> Upload:
    """Round each new bid to the increment, clip it to the platform's range, and mark the rows that change.

    A paused keyword keeps its bid and gets ``paused``; a bid that rounds back to today's is no change.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"The 'platform' parameter must be one of {PLATFORMS}. Got {platform!r} instead.")
    low, high, source = bid_range(platform, limits, marketplace)
    step = limits.increment
    rounded = np.round(np.round(bids["new_bid"].to_numpy(float) / step) * step, 6)
    upload = np.clip(rounded, low, high)
    current = np.round(np.round(bids["current_bid"].to_numpy(float) / step) * step, 6)
    pause = (bids["action"] == "pause").to_numpy()
    upload = np.where(pause, np.clip(np.nan_to_num(current, nan=low), low, high), upload)
    clipped = ~pause & (np.abs(upload - rounded) > 1e-9)
    changed = pause | ((bids["action"].isin(CHANGED)).to_numpy() & (np.abs(upload - current) > 1e-9))
    note = np.full(len(bids), "", dtype=object)
    said = np.vectorize(lambda raised, bid, planned: say("upload.raised" if raised else "upload.cut", bid=f"{bid:.2f}",
                                                         source=source, planned=f"{planned:.2f}"), otypes=[object])
    if clipped.any():
        note[clipped] = said(upload[clipped] > rounded[clipped], upload[clipped], rounded[clipped])
    table = bids[["plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "action"]].assign(
        upload_bid=upload, changed=changed, clipped=clipped, status=np.where(pause, "paused", "enabled"), note=note)
    warnings = []
    if clipped.any():
        shown = functools.reduce(lambda first, rest: say("upload.then", first=first, rest=rest),
                                 [say("upload.clipped_bid", keyword=row.keyword, plan=row.plan, note=row.note)
                                  for row in table[clipped].head(3).itertuples()])
        warnings.append(say("upload.clipped", platform=platform, count=int(clipped.sum()), low=f"{low:g}",
                            high=f"{high:g}", source=source, shown=shown, more="; …" if clipped.sum() > 3 else ""))
    return Upload(platform, table, tuple(warnings))


def cap_at_daily_limit(upload: Upload, plans: pd.DataFrame) -> Upload:
    """直通车 refuses a keyword bid above its plan's 日限额: cut such bids to it (to the fen) and say so."""
    daily = _daily_limits(plans).groupby(level=0).first()
    limit = np.floor(daily.reindex(upload.table["plan"]).to_numpy(float) * 100 + 1e-6) / 100
    over = (np.nan_to_num(limit, nan=np.inf) < upload.table["upload_bid"].to_numpy(float)) & (
        upload.table["status"] != "paused").to_numpy()
    if not over.any():
        return upload
    table = upload.table.copy()
    note = np.vectorize(lambda bid, cap: say("upload.ztc_cut", limit=f"{cap:.2f}", planned=f"{bid:.2f}"),
                        otypes=[object])
    table.loc[over, "note"] = note(table.loc[over, "upload_bid"].to_numpy(float), limit[over])
    table.loc[over, "upload_bid"] = limit[over]
    table.loc[over, "clipped"] = True
    table.loc[over, "changed"] = (np.abs(limit[over] - table.loc[over, "current_bid"].to_numpy(float)) > 1e-9) | (
        table.loc[over, "current_bid"].isna().to_numpy())
    warning = say("upload.ztc_cuts", count=int(over.sum()), more="; …" if over.sum() > 3 else "",
                  names="; ".join(f"{row.keyword} ({row.plan})" for row in table[over].head(3).itertuples()))
    return Upload(upload.platform, table, upload.warnings + (warning,))


def _daily_limits(plans: pd.DataFrame) -> pd.Series:
    """Each plan's daily limit to the cent; a plan the plan gives nothing keeps today's budget (blank)."""
    daily = np.round(plans["daily_limit"].to_numpy(float), 2)
    return pd.Series(np.where(daily > 0, daily, np.nan), index=plans["plan"].to_numpy())


def ztc_csv(upload: Upload, plans: pd.DataFrame) -> bytes:
    """ztc-bids.csv: one row per changed keyword with its plan's 日限额 (UTF-8 with BOM)."""
    rows = upload.changed
    daily = _daily_limits(plans)
    frame = pd.DataFrame({
        "推广计划名称": rows["plan"].to_numpy(), "宝贝名称": rows["ad_group"].to_numpy(),
        "关键词": rows["keyword"].to_numpy(), "匹配方式": rows["match_type"].map(_ztc_match).to_numpy(),
        "出价": np.round(rows["upload_bid"].to_numpy(float), 2),
        "状态": np.where(rows["status"] == "paused", "暂停", "推广中"),
        "日限额": daily.reindex(rows["plan"]).to_numpy(),
    })
    return csv_bytes(frame.astype(object).where(frame.notna(), ""))


def _ztc_match(match_type: str) -> str:
    return {"exact": "精确匹配", "phrase": "短语匹配", "broad": "广泛匹配"}.get(str(match_type), str(match_type))


def google_csv(upload: Upload, plans: pd.DataFrame) -> bytes:
    """google-ads-editor.csv: a campaign row with its Budget per plan, then one row per changed keyword.

    A paused keyword gets ``Status = Paused`` and a blank ``Max CPC`` (blank = no change, per Editor's
    CSV rules).
    """
    rows = upload.changed
    campaigns = pd.DataFrame({"Campaign": plans["plan"].to_numpy(), "Budget": _daily_limits(plans).to_numpy()})
    campaigns = campaigns[campaigns["Budget"].notna()]
    paused = (rows["status"] == "paused").to_numpy()
    keywords = pd.DataFrame({
        "Campaign": rows["plan"].to_numpy(), "Ad group": rows["ad_group"].to_numpy(),
        "Keyword": rows["keyword"].to_numpy(),
        "Criterion Type": rows["match_type"].map(lambda value: GOOGLE_MATCH.get(str(value), "Broad")).to_numpy(),
        "Max CPC": np.where(paused, np.nan, np.round(rows["upload_bid"].to_numpy(float), 2)),
        "Status": np.where(paused, "Paused", "Enabled"),
    })
    columns = ["Campaign", "Budget", "Ad group", "Keyword", "Criterion Type", "Max CPC", "Status"]
    frame = pd.concat([campaigns, keywords], ignore_index=True).reindex(columns=columns)
    return csv_bytes(frame.astype(object).where(frame.notna(), ""))


def changes_csv(uploads: list[Upload]) -> bytes:
    """export-changes.csv: the change log of every export: plan bid, upload bid, and why they differ."""
    tables = [upload.changed.assign(platform=upload.platform) for upload in uploads]
    columns = ["platform", "plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "upload_bid",
               "action", "status", "note"]
    frame = pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)
    return csv_bytes(frame.round({"current_bid": 2, "new_bid": 2, "upload_bid": 2}))


def plan_exports(result, platforms, *, bulk=None, marketplace: str | None = None, placements=None):
    """The upload files of a plan for each platform asked, and the warnings they add to the summary.

    Returns ``(files, warnings)``; ``files`` maps file names to bytes or to a function writing
    the file (amazon-bulk.xlsx), ready for :func:`optimizer.outputs.files.write_all`. ``placements``
    (:class:`optimizer.platforms.placements.Placements`) adds its Bidding Adjustment updates to amazon-bulk.xlsx.
    """
    platforms = list(dict.fromkeys(platforms))
    if not platforms:
        return {}, []
    if result.estimates.level != "keyword":
        raise BidoptError("--export needs a keyword-level report (a plan-level report has no bids to upload)")
    if "amazon" in platforms and bulk is None:
        raise BidoptError("--export amazon needs --bulk FILE.xlsx: the bulk file downloaded from Campaign Manager "
                          "(Sponsored ads > Bulk operations), which amazon-bulk.xlsx is written back into")
    files, warnings, uploads = {}, [], []
    for platform in platforms:
        upload = upload_bids(result.bids, platform, result.scenario.bids, marketplace)
        if platform == "ztc":
            upload = cap_at_daily_limit(upload, result.plans)
        uploads.append(upload)
        warnings.extend(upload.warnings)
        if platform == "ztc":
            files["ztc-bids.csv"] = ztc_csv(upload, result.plans)
        elif platform == "google":
            files["google-ads-editor.csv"] = google_csv(upload, result.plans)
        else:
            from optimizer.platforms.amazon_bulk import WriteBack, plan_edits

            back = plan_edits(bulk, upload, result.plans)
            adjusted = placements.rows_updated if placements is not None else 0
            if adjusted:
                back = WriteBack(back.edits + placements.edits, back.unmatched, back.rows_updated + adjusted)
            files["amazon-bulk.xlsx"] = back.writer(bulk)
            warnings.append(say("upload.bulk_updated", count=back.rows_updated,
                                adjusted=say("upload.placements_adjusted", count=adjusted) if adjusted else ""))
            if back.unmatched:
                warnings.append(say("upload.bulk_unmatched", count=len(back.unmatched), names="; ".join(back.unmatched[:5]),
                                    more="; …" if len(back.unmatched) > 5 else ""))
    if not marketplace and "amazon" in platforms:
        warnings.append(say("upload.no_currency"))
    idle = result.plans.loc[np.round(result.plans["daily_limit"].to_numpy(float), 2) <= 0, "plan"].tolist()
    if idle:
        warnings.append(say("upload.no_budget", count=len(idle), names=[str(name) for name in idle[:5]],
                            more=say("read.more") if len(idle) > 5 else ""))
    files["export-changes.csv"] = changes_csv(uploads)
    return files, warnings
