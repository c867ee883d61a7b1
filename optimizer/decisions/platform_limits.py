"""Each platform's and marketplace's minimum and maximum bid and minimum daily budget, in one table.

The plan keeps these limits itself (:func:`optimizer.decisions.plan.make_plan` builds its candidate bids
inside them), so bids.csv and plans.csv hold values the platform accepts; the upload files
(:mod:`optimizer.platforms.uploads`) read the same table. The platform is the one the report was
recognised as (:mod:`optimizer.reading.described`); the marketplace comes from ``--marketplace``, else
from the currency the reports name (:mod:`optimizer.reading.currencies`). Sources of every figure are in docs/formats.md ("Platform limits").

* Amazon Sponsored Products: Amazon Ads API "Limits, constraints, and quotas" (bid constraints and
  budget constraints by marketplace), as mirrored in github.com/idealerror/amazon-ads-api-docs
  ``en-us/reference/concepts/limits.md`` (commit 08dc185c).
* Microsoft Advertising: "Bid and Budget Currencies" (learn.microsoft.com/advertising/guides/currencies;
  github.com/MicrosoftDocs/Advertising ``advertising/bingads-13/guides/currencies.md``, commit a21125df).
* Google Ads: no platform maximum on a manual CPC bid; one cent (the billable unit) at least.
* 直通车: keyword bids 0.05 to 99.99 元 (taobao.simba.keywords.pricevon.set) and a 日限额 of at least 30 元
  (taobao.simba.campaign.budget.update, CampaignBudget.budget "日限额，单位是元，不得小于30"), both as
  quoted in github.com/bububa/opentaobao (model/simba). 京东快车 / 京准通: not found in any source
  searched; 直通车's figures are applied, unverified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.errors import BidoptError
from optimizer.i18n import translator
from optimizer.scenario.settings import BidLimits


@dataclass(frozen=True)
class PlatformLimits:
    """What a platform accepts: bids from ``min_bid`` to ``max_bid``, daily budgets from ``min_daily_budget``."""

    name: str
    currency: str
    min_bid: float
    max_bid: float
    min_daily_budget: float

    def __post_init__(self):
        if not 0 < self.min_bid < self.max_bid or not self.min_daily_budget >= 0:
            raise ValueError(f"The limits of {self.name!r} must have 0 < min_bid < max_bid and min_daily_budget >= 0.")


#: Amazon Sponsored Products by marketplace: (currency, min bid, max bid, min daily budget).
AMAZON: dict[str, tuple[str, float, float, float]] = {
    "US": ("USD", 0.02, 1000.0, 1.0),
    "CA": ("CAD", 0.02, 1000.0, 1.0),
    "MX": ("MXN", 0.10, 20000.0, 1.0),
    "BR": ("BRL", 0.07, 3700.0, 1.32),
    "UK": ("GBP", 0.02, 1000.0, 1.0),
    "DE": ("EUR", 0.02, 1000.0, 1.0),
    "FR": ("EUR", 0.02, 1000.0, 1.0),
    "ES": ("EUR", 0.02, 1000.0, 1.0),
    "IT": ("EUR", 0.02, 1000.0, 1.0),
    "NL": ("EUR", 0.02, 1000.0, 1.0),
    "SE": ("SEK", 0.18, 9300.0, 9.0),
    "PL": ("PLN", 0.04, 2000.0, 2.0),
    "TR": ("TRY", 0.05, 2500.0, 2.0),
    "JP": ("JPY", 2.0, 100000.0, 100.0),
    "AU": ("AUD", 0.02, 1410.0, 1.4),
    "SG": ("SGD", 0.02, 1100.0, 1.39),
    "AE": ("AED", 0.24, 184.0, 4.0),
    "SA": ("SAR", 0.10, 3670.0, 4.0),
    "IN": ("INR", 1.0, 5000.0, 50.0),
}
#: A report's Currency column names its marketplace (EUR: the EU marketplaces share limits).
CURRENCY_MARKETPLACE = {currency: code for code, (currency, *_rest) in reversed(AMAZON.items())}
#: Microsoft Advertising by account currency: (min bid, max bid, min daily budget).
MICROSOFT: dict[str, tuple[float, float, float]] = {
    "USD": (0.05, 1000.0, 0.05), "GBP": (0.05, 1000.0, 0.05), "EUR": (0.05, 1000.0, 0.05),
    "CAD": (0.05, 1000.0, 0.05), "AUD": (0.01, 1000.0, 0.05), "INR": (0.50, 60000.0, 0.82),
    "CNY": (0.01, 6000.0, 30.0),
}
GOOGLE = PlatformLimits("Google Ads", "", 0.01, math.inf, 0.01)
ZTC = PlatformLimits("直通车", "CNY", 0.05, 99.99, 30.0)
JD = PlatformLimits("京东快车 (直通车's limits, unverified)", "CNY", 0.05, 99.99, 30.0)


def amazon(marketplace: str | None) -> PlatformLimits:
    code = marketplace or "US"
    currency, low, high, budget = AMAZON[code]
    return PlatformLimits(f"Amazon {code}", currency, low, high, budget)


def microsoft(currency: str | None) -> PlatformLimits:
    code = currency if currency in MICROSOFT else "USD"
    return PlatformLimits("Microsoft Advertising", code, *MICROSOFT[code])


def for_platform(platform: str, *, marketplace: str | None = None, currency: str | None = None) -> PlatformLimits | None:
    """The limits of a platform as :mod:`optimizer.reading.described` names it; None when not recognised."""
    if platform.startswith("Amazon") or marketplace:
        return amazon(marketplace or CURRENCY_MARKETPLACE.get(currency or ""))
    if platform.startswith("Microsoft"):
        return microsoft(currency)
    if platform.startswith("Google"):
        return GOOGLE
    if platform.startswith("京东"):
        return JD
    if platform.startswith("直通车"):
        return ZTC
    return None


def check_marketplace(code: str) -> str:
    """An upper-case Amazon marketplace code of the table, or a BidoptError naming the known ones."""
    code = code.strip().upper()
    if code not in AMAZON:
        raise BidoptError(f"--marketplace must be one of {', '.join(AMAZON)}. Got {code!r} instead.")
    return code


def currency_of(files) -> str | None:
    """The currency the reports name (:attr:`~optimizer.reading.described.FileRead.currency`, the first file's that
    names one), None when none does."""
    return next((read.currency for read in files if read.currency), None)


def marketplace_of(files) -> str | None:
    """The Amazon marketplace of the currency the reports name (INR -> IN), None when they name none."""
    return marketplace_for(currency_of(files))


def marketplace_for(currency: str | None) -> str | None:
    """The Amazon marketplace of a currency (INR -> IN), None for none or one Amazon has no marketplace in."""
    return CURRENCY_MARKETPLACE.get(currency or "")


def of_performance(performance, marketplace: str | None = None) -> PlatformLimits | None:
    """The limits of the platform the reports were recognised as (the first that is), None when none is."""
    currency = currency_of(performance.files)
    for read in performance.files:
        found = for_platform(read.platform, marketplace=marketplace, currency=currency)
        if found is not None:
            return found
    return for_platform("", marketplace=marketplace) if marketplace else None


def with_platform(bids: BidLimits, limits: PlatformLimits | None) -> tuple[BidLimits, str]:
    """The scenario's [bids] inside the platform's range: its min / max where set, else the platform's.

    Also says where the range came from, for the reasons of clipped bids.
    """
    if limits is None:
        return bids, "[bids] min / max"
    defaults, changes, source = BidLimits(), {}, limits.name
    changes["min"] = max(bids.min, limits.min_bid) if bids.min != defaults.min else limits.min_bid
    changes["max"] = min(bids.max, limits.max_bid) if bids.max != defaults.max or math.isinf(limits.max_bid) \
        else limits.max_bid
    if changes["min"] >= changes["max"]:
        raise BidoptError(f"[bids] min {changes['min']:g} and max {changes['max']:g} leave no bid inside "
                          f"{limits.name}'s range {limits.min_bid:g} to {limits.max_bid:g}")
    if bids.min != defaults.min or bids.max != defaults.max:
        source += " and [bids] min / max"
    return replace(bids, **changes), source


def said_clipped(bids: pd.DataFrame, limits: PlatformLimits | None, kept: BidLimits, lang: str = "en") -> pd.DataFrame:
    """bids with a note in each reason whose new bid sits at the platform's minimum or maximum bid (in ``lang``)."""
    if limits is None or bids.empty:
        return bids
    new = bids["new_bid"].to_numpy(float)
    moving = (bids["action"] != "pause").to_numpy()
    low = moving & (new <= kept.min + 1e-9) & (kept.min == limits.min_bid)
    high = moving & (new >= kept.max - 1e-9) & (kept.max == limits.max_bid)
    t, reason = translator(lang), bids["reason"].astype(str)
    if low.any():
        reason = reason.where(~low, reason + t("reason.platform_min", platform=limits.name, bid=f"{limits.min_bid:g}"))
    if high.any():
        reason = reason.where(~high, reason + t("reason.platform_max", platform=limits.name, bid=f"{limits.max_bid:g}"))
    return bids.assign(reason=reason.array)   # the text as it is: no million Python strings made and read back


def with_budget_floor(plans: pd.DataFrame, limits: PlatformLimits | None, lang: str = "en") -> pd.DataFrame:
    """plans with each daily limit that is above 0 but under the platform's minimum daily budget raised to it.

    The plan's budget (``new_budget``, what its bids spend) stays; a ``note`` column says which limits were
    raised (in ``lang``), and is there only when one was.
    """
    if limits is None or plans.empty or limits.min_daily_budget <= 0:
        return plans
    daily = plans["daily_limit"].to_numpy(float)
    short = (daily > 0) & (daily < limits.min_daily_budget - 1e-9)
    if not short.any():
        return plans
    note = pd.Series("", index=plans.index, dtype=object)
    t = translator(lang)
    note[short] = [t("plans.daily_limit_raised", limit=f"{value:.2f}", platform=limits.name,
                     budget=f"{limits.min_daily_budget:g}") for value in daily[short]]
    return plans.assign(daily_limit=np.where(short, limits.min_daily_budget, daily), note=note)


def kept(units: pd.DataFrame, plan_table, period_days: int, limits: PlatformLimits | None,
         bid_range: BidLimits, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan's bids and plans tables with the platform's limits said (bids, in ``lang``) and kept (daily limits)."""
    bids = said_clipped(units, limits, bid_range, lang)
    return bids, with_budget_floor(plan_table(bids, period_days), limits, lang)
