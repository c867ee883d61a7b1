"""How well the history knows an ROI: the standard error of revenue per unit of spend, from counting orders.

A plan that keeps an ROI floor on its forecast keeps it in truth only as far as the forecast's
level is right, and the level of revenue is known from a finite count of orders. Orders arrive
as a Poisson count, each with its own value, so the revenue of a report's rows has variance
``sum_orders value^2``; with one value per row (its revenue / orders) that is
``sum_rows revenue^2 / orders``. Spend is counted in clicks, far more of them, and its
error is left out. Days weigh as the rates do (``0.5 ** (age / RATE_HALF_LIFE_DAYS)``,
:mod:`optimizer.model.estimate`), so::

    se(ROI) / ROI = sqrt(sum_rows w^2 revenue^2 / orders) / sum_rows w revenue

for the account and for each plan. A floor given as a number (``min_roi``) is planned at
``floor x (1 + MARGIN_Z x se / ROI)``: on an account whose ROI the history knows to ±1%, the
plan aims 1% above the floor, so that a history that happened to overstate revenue does not
carry the plan under it. The default floor (today's forecast ROI) shares the forecast's level
and needs no margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.model.estimate import RATE_HALF_LIFE_DAYS, recency_weights

#: Standard errors of the ROI estimate by which a floor given as a number is planned above itself.
MARGIN_Z = 1.0


@dataclass(frozen=True)
class RoiError:
    """Relative standard error of the ROI the history shows, for the account and per plan (NaN: no orders)."""

    account: float
    plans: pd.Series

    def margin(self) -> float:
        """The account floor's margin: MARGIN_Z standard errors, as a share of the floor."""
        return MARGIN_Z * self.account if np.isfinite(self.account) else 0.0

    def plan_margins(self, names: tuple[str, ...]) -> np.ndarray:
        """Each named plan's floor margin (0 for a plan with no orders)."""
        return MARGIN_Z * np.nan_to_num(self.plans.reindex(list(names)).to_numpy(float), nan=0.0)


def roi_error(frame: pd.DataFrame, last_date: pd.Timestamp | None) -> RoiError:
    """The relative standard error of the account's and each plan's revenue per unit spend in ``frame``.

    ``frame`` is the performance table (plan, date, orders, revenue per row); rows with no orders or no
    revenue add nothing.
    """
    weight = recency_weights(frame["date"], last_date, RATE_HALF_LIFE_DAYS) if "date" in frame else np.ones(len(frame))
    orders = np.nan_to_num(frame["orders"].to_numpy(float)) if "orders" in frame else np.zeros(len(frame))
    revenue = np.nan_to_num(frame["revenue"].to_numpy(float)) if "revenue" in frame else np.zeros(len(frame))
    counted = (orders > 0) & (revenue > 0)
    level = np.where(counted, weight * revenue, 0.0)
    variance = np.where(counted, (weight * revenue) ** 2 / np.where(counted, orders, 1.0), 0.0)
    sums = pd.DataFrame({"plan": frame["plan"].to_numpy(), "level": level, "variance": variance}).groupby(
        "plan", sort=True, observed=True)[["level", "variance"]].sum()
    plans = np.sqrt(sums["variance"]) / sums["level"].where(sums["level"] > 0)
    total = float(level.sum())
    return RoiError(float(np.sqrt(variance.sum()) / total) if total > 0 else float("nan"), plans)
