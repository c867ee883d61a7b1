"""Forecast vs actual: how the last recorded run's forecast turned out, once the reports cover its week.

A run forecasts ``period_days`` from the day after its data ends. When a later
run's reports cover some of those days, each recommendation is matched to what the
reports say happened (by plan, ad group, keyword and match type, as far as both
have them) and its forecast, pro-rated to the days covered, is set against the
actual figures per plan and in total. A bid counts as applied when the reported bid
is the recommended one to the cent (or within 2%); reports without a bid column are
judged by CPC: applied when the CPC paid is nearer the forecast CPC at the new bid
than the CPC at the old one. New keywords the run never saw are counted apart.

:func:`check` returns plain data; :func:`learned` turns it (and the checks of the runs before) into the
correction the next plan aims by (:mod:`optimizer.decisions.feedback`); the plan's summary carries it
(:meth:`optimizer.decisions.summary.Summary.with_forecast_check`) and summary.md's section is
rendered from it by :func:`optimizer.decisions.sheets.forecast_markdown`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pandas as pd

from optimizer.decisions.feedback import RUNS, Feedback, Outcome, learn
from optimizer.history.store import UNIT_KEYS, HistoryStore, Run

METRICS = ("clicks", "spend", "orders", "revenue")
#: A run is "the previous run" of these reports when at least this share of its recommendations is in them.
MIN_MATCH_SHARE = 0.5
#: A reported bid within this much of the recommendation counts as applied (platforms round to the cent).
BID_ATOL, BID_RTOL = 0.011, 0.02
SHOWN_NOT_APPLIED = 10
STATUSES = ("applied", "not_applied", "not_reported")


def against_history(store: HistoryStore, performance) -> dict | None:
    """The check of the latest run whose forecast period these reports cover, or None when there is none."""
    dates = _dates(performance.frame)
    if dates is None:
        return None
    first, last = dates.min().date(), dates.max().date()
    for run in store.candidates(after=first - timedelta(days=1), before=last):
        recommended = store.recommendations(run.id)
        keys = key_columns(recommended, performance.frame)
        seen = performance.frame[keys].drop_duplicates()
        share = len(recommended.merge(seen, on=keys)) / max(len(recommended), 1)
        if share >= MIN_MATCH_SHARE:
            return check(run, recommended, performance)
    return None


def learned(store: HistoryStore, check: dict | None) -> Feedback | None:
    """The correction the next plan aims by (:func:`optimizer.decisions.feedback.learn`): the applied bids'
    forecast beside the actual of ``check`` and of the checks the runs before it carry, newest first."""
    outcomes, seen = [], set()
    while check is not None and len(outcomes) < RUNS and check["run"] not in seen:
        applied = check["total"].get("applied")
        if applied is None:   # a check recorded before the applied bids were counted apart
            break
        outcomes.append(Outcome.of(applied["forecast"], applied["actual"]))
        seen.add(check["run"])
        check = store.run(int(check["run"])).summary.get("forecast_check")
    return learn(outcomes) if outcomes else None


def with_history(store: HistoryStore | None, scenario, prepared):
    """The reports read, aiming by what the run history teaches (:func:`learned`; unless ``[goal]
    learn_from_last_run = false``), and the check of the last run's forecast against them (None without a
    store or a run they cover): ``bidopt plan`` and the workbench plan the first and quote the second."""
    check = None if store is None else against_history(store, prepared.performance)
    if check is None or not scenario.goal.learn_from_last_run:
        return prepared, check
    return replace(prepared, feedback=learned(store, check)), check


def key_columns(recommended: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """The unit keys both sides carry: all four for keyword reports, the plan alone for plan reports."""
    return [key for key in UNIT_KEYS if key in frame and key in recommended and recommended[key].notna().all()]


def window(run: Run, frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp, int]:
    """The days of the run's forecast period that the reports cover: first, last, how many."""
    start = pd.Timestamp(run.last_date) + pd.Timedelta(days=1)
    end = min(pd.Timestamp(run.last_date) + pd.Timedelta(days=run.period_days), _dates(frame).max())
    return start, end, int((end - start).days) + 1


def match(run: Run, recommended: pd.DataFrame, performance) -> pd.DataFrame:
    """One row per recommendation: its forecast pro-rated to the days covered, what happened, and its status."""
    frame = performance.frame
    start, end, days = window(run, frame)
    keys = key_columns(recommended, frame)
    merged = recommended.rename(columns={name: f"forecast_{name}" for name in ("impressions", *METRICS)})
    for name in (*METRICS, "before_spend", "before_revenue"):
        column = name if name.startswith("before_") else f"forecast_{name}"
        merged[column] = merged[column].astype(float) * (days / run.period_days)
    merged = merged.merge(_actual(frame, keys, start, end, performance.has_bid), on=keys, how="left", indicator="found")
    reported = (merged.pop("found") == "both").to_numpy()
    for name in ("impressions", *METRICS):
        merged[f"actual_{name}"] = merged[f"actual_{name}"].fillna(0.0)
    merged["status"] = _applied(merged, reported, performance.has_bid)
    return merged


def _actual(frame: pd.DataFrame, keys: list[str], start: pd.Timestamp, end: pd.Timestamp, has_bid: bool) -> pd.DataFrame:
    """What the reports say happened per unit in [start, end]; the bid standing on the last day reported."""
    rows = frame[(frame["date"] >= start) & (frame["date"] <= end)].sort_values("date", kind="stable")
    grouped = rows.groupby(keys, sort=False, observed=True)
    actual = grouped[["impressions", *METRICS]].sum().add_prefix("actual_")
    if has_bid:
        actual["reported_bid"] = grouped["bid"].last()
    return actual.reset_index()


def check(run: Run, recommended: pd.DataFrame, performance) -> dict:
    """Forecast (pro-rated to the days covered) vs actual, per plan and in total, and which bids were applied."""
    frame = performance.frame
    start, end, days = window(run, frame)
    keys = key_columns(recommended, frame)
    merged = match(run, recommended, performance)
    unmatched = _actual(frame, keys, start, end, False).merge(
        recommended[keys].drop_duplicates(), on=keys, how="left", indicator="found")
    unmatched = unmatched[unmatched["found"] == "left_only"]
    plans = [{"plan": plan, **_figures(rows)} for plan, rows in merged.groupby("plan", sort=True, observed=True)]
    shown = merged[merged["status"] == "not_applied"].nlargest(SHOWN_NOT_APPLIED, "forecast_spend")
    return {
        "run": run.id,
        "run_created_at": run.created_at.isoformat(timespec="seconds"),
        "scenario": run.scenario_name,
        "window": {"first": start.date().isoformat(), "last": end.date().isoformat(), "days": days,
                   "period_days": run.period_days, "forecast_scale": days / run.period_days},
        "bid_source": "reported bid" if performance.has_bid else "CPC (the reports have no bid column)",
        "total": _figures(merged),
        "plans": plans,
        "unmatched": {"units": len(unmatched), "spend": float(unmatched["actual_spend"].sum()),
                      "revenue": float(unmatched["actual_revenue"].sum())},
        "not_applied": [
            {**{key: row[key] for key in keys}, "recommended_bid": row["new_bid"], "previous_bid": row["current_bid"],
             "reported_bid": row.get("reported_bid", np.nan)}
            for row in shown.to_dict("records")
        ],
    }


def _applied(merged: pd.DataFrame, reported: np.ndarray, has_bid: bool) -> np.ndarray:
    """applied / not_applied / not_reported per recommendation, vectorised."""
    paused = (merged["action"] == "pause").to_numpy() if "action" in merged else np.zeros(len(merged), bool)
    new_bid = merged["new_bid"].astype(float).to_numpy()
    if has_bid:
        reported_bid = merged["reported_bid"].astype(float).to_numpy()
        applied = np.isclose(reported_bid, np.round(new_bid, 2), atol=BID_ATOL, rtol=BID_RTOL)
        known = reported & np.isfinite(reported_bid) & np.isfinite(new_bid)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            paid = merged["actual_spend"].to_numpy() / merged["actual_clicks"].to_numpy()
            at_new = merged["forecast_spend"].to_numpy() / merged["forecast_clicks"].to_numpy()
        at_old = merged["current_cpc"].astype(float).to_numpy()
        applied = np.abs(paid - at_new) <= np.abs(paid - at_old)
        known = reported & np.isfinite(paid) & np.isfinite(at_new) & np.isfinite(at_old)
    status = np.where(known, np.where(applied, "applied", "not_applied"), "not_reported")
    # a paused keyword shows no rows: that is the pause applied; rows with impressions mean it ran on
    no_show = ~reported | (merged["actual_impressions"].to_numpy() <= 0)
    return np.where(paused, np.where(no_show, "applied", "not_applied"), status)


def _kpis(rows: pd.DataFrame, side: str) -> dict[str, float]:
    out = {name: float(rows[f"{side}_{name}"].sum()) for name in METRICS}
    out["roi"] = out["revenue"] / out["spend"] if out["spend"] > 0 else 0.0
    return out


def _figures(rows: pd.DataFrame) -> dict:
    """Forecast, actual and their error; and the forecast as applied: at the old bid where the new one was not."""
    forecast, actual = _kpis(rows, "forecast"), _kpis(rows, "actual")
    error = {name: (actual[name] / forecast[name] - 1.0) if forecast[name] > 0 else None for name in forecast}
    counts = rows["status"].value_counts()
    kept_old = (rows["status"] == "not_applied").to_numpy()
    as_applied = {name: float(np.where(kept_old, rows[f"before_{name}"], rows[f"forecast_{name}"]).sum())
                  for name in ("spend", "revenue")}
    as_applied["roi"] = as_applied["revenue"] / as_applied["spend"] if as_applied["spend"] > 0 else 0.0
    applied = rows[(rows["status"] == "applied").to_numpy()]
    return {"forecast": forecast, "actual": actual, "error": error, "forecast_as_applied": as_applied,
            "applied": {"forecast": _kpis(applied, "forecast"), "actual": _kpis(applied, "actual")},
            "bids": {status: int(counts.get(status, 0)) for status in STATUSES}}


def _dates(frame: pd.DataFrame) -> pd.Series | None:
    dates = frame["date"].dropna() if "date" in frame else pd.Series([], dtype="datetime64[ns]")
    return dates if len(dates) else None
