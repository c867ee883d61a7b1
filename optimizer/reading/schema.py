"""Check reports against the canonical schema and merge them into one table.

Validation is lazy, pandera-style: every problem in every file is collected,
then one ``InputDataError`` lists them all, so a user fixes an export once
instead of once per problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from optimizer.errors import SHOWN_ROWS, InputDataError, Problem
from optimizer.i18n import say
from optimizer.reading.artefacts import (
    artefact_rows,
    count_text,
    display_name,
    number_text,
    orders_above_clicks,
    rows_text,
    unit_codes,
)
from optimizer.reading.currencies import across_files
from optimizer.reading.described import FileRead, describe
from optimizer.reading.headers import ALIASES, MAP_HINT
from optimizer.reading.overlap import read_once
from optimizer.reading.plausible import (
    acos_as_percents,
    beyond_any_account,
    control_characters,
    per_click_outliers,
    placeholder_columns,
)
from optimizer.reading.report_file import Report
from optimizer.reading.units import AUTOMATIC

IDENTITY = ("date", "plan", "ad_group", "keyword", "match_type")
METRICS = ("impressions", "clicks", "spend", "orders", "revenue")
OPTIONAL = ("bid", "plan_budget")
#: Without these the optimizer has nothing to work on; plan or keyword is checked apart.
REQUIRED = ("impressions", "clicks", "spend")
UNIT = ("plan", "ad_group", "keyword", "match_type")
ON_BAD_ROWS = ("error", "skip")
SKIP_HINT = 'Fix the export, or pass --on-bad-rows skip (on_bad_rows = "skip" in [data])'
NO_PLAN = "(all)"
PERIOD_UNKNOWN = ("states no period: no date column (Date, Day, Start Date and End Date, Month, Week) and no "
                  "date range in a title line")
PERIOD_HINT = "Pass --period-days N, the number of days the report covers (or set [data] period_days = N)"


@dataclass(frozen=True)
class Performance:
    """Validated performance, one row per (date, plan, ad_group, keyword, match_type).

    ``history_days`` is the span the data covers (or ``period_days`` when the
    reports have no date); ``warnings`` say what was skipped or kept on purpose.
    """

    frame: pd.DataFrame
    level: str
    has_bid: bool
    has_revenue: bool
    has_orders: bool
    history_days: int
    last_date: pd.Timestamp | None
    warnings: tuple[str, ...]
    sources: tuple[str, ...]
    #: How each file was read: platform, kind, period, rows kept, columns used and ignored.
    files: tuple[FileRead, ...] = ()


def validate(reports: Sequence[Report], *, on_bad_rows: str = "error",
             period_days: int | None = None) -> Performance:
    """Check every report, then merge them; raise one ``InputDataError`` listing all problems.

    ``on_bad_rows="skip"`` drops rows with bad cells or impossible numbers and
    says so in ``warnings``; missing columns are always errors.
    """
    if on_bad_rows not in ON_BAD_ROWS:
        raise ValueError(f"The 'on_bad_rows' parameter must be one of {ON_BAD_ROWS}. "
                         f"Got {on_bad_rows!r} instead.")
    if period_days is not None and (not isinstance(period_days, (int, np.integer)) or period_days < 1):
        raise ValueError(f"The 'period_days' parameter must be a positive int. Got {period_days!r} instead.")
    if not reports:
        raise InputDataError([Problem("no report files given", hint="Name at least one report in [data]")])
    problems: list[Problem] = []
    warnings: list[str] = []
    frames: list[pd.DataFrame] = []
    kept: dict[str, tuple[pd.DataFrame, int]] = {}
    for report in reports:
        checked = _check_report(report, on_bad_rows == "skip", period_days, problems, warnings)
        if checked is not None:
            frames.append(checked[0])
            kept[report.path.name] = checked
    levels = {report.path.name: "keyword" if "keyword" in report.frame else "plan" for report in reports
              if {"plan", "keyword"} & set(report.frame)}
    problems.extend(across_files([(report.path, report.currency) for report in reports]))
    if len(set(levels.values())) > 1:
        by_level = {level: ", ".join(name for name, found in levels.items() if found == level)
                    for level in ("keyword", "plan")}
        problems.append(Problem(
            f"reports mix keyword-level files ({by_level['keyword']}) and plan-level files "
            f"({by_level['plan']})", hint="Give keyword reports only, or plan/campaign reports only"))
    if problems:
        raise InputDataError(problems)
    if not any(len(frame) for frame in frames):
        raise InputDataError([Problem("no rows left after skipping bad rows", hint="Fix the export")])
    level = "keyword" if "keyword" in levels.values() else "plan"
    has = {name: all(name in frame for frame in frames) for name in ("bid", "orders", "revenue")}
    for name in ("bid", "orders", "revenue"):
        lacking = [frame["source"].iat[0] for frame in frames if name not in frame and len(frame)]
        if lacking and len(lacking) < len(frames):
            warnings.append(say("warning.column_lacking", files=lacking, column=name))
    frames, overlaps = read_once(frames, ["date", *(UNIT if level == "keyword" else ("plan",))])
    warnings.extend(overlaps)
    merged = _merge(frames, level)
    dates = merged["date"].dropna()
    stated = [report.period.days for report in reports if report.period is not None and report.period.days]
    history_days = int((dates.max() - dates.min()).days + 1) if len(dates) else int(period_days or max(stated))
    return Performance(
        frame=merged, level=level, has_bid=has["bid"], has_revenue=has["revenue"],
        has_orders=has["orders"], history_days=history_days,
        last_date=dates.max() if len(dates) else None, warnings=tuple(warnings),
        sources=tuple(report.path.name for report in reports),
        files=tuple(_described(report, kept.get(report.path.name), level, history_days, warnings) for report in reports))


def _described(report: Report, kept: tuple[pd.DataFrame, int] | None, level: str, history_days: int,
               warnings: list[str]) -> FileRead:
    """How ``report`` was read (with the warnings about it), its kept rows counted once however many days a month
    row was spread over; ``kept``: its rows kept and their keyword units (:func:`_check_report`)."""
    frame, units = kept if kept is not None else (report.frame.iloc[:0], 0)
    if level != "keyword":
        units = len(frame.drop_duplicates("plan")) if "plan" in frame and len(frame) else 0
    described = describe(report, rows_kept=int(frame["row"].nunique()) if "row" in frame else 0, units=units,
                         history_days=history_days)
    said = tuple(warning for warning in warnings if warning.startswith(f"{report.path.name}: "))
    return replace(described, notes=tuple(dict.fromkeys(described.notes + said)))


def _check_report(report: Report, skip: bool, period_days: int | None,
                  problems: list[Problem], warnings: list[str]) -> tuple[pd.DataFrame, int] | None:
    """Fill derived metrics, add this file's problems; return its usable rows and how many units they hold."""
    warnings.extend(report.notes)
    frame, used = _fill_derived(report.frame.copy())
    _check_columns(frame, report, period_days, problems)
    problems.extend(placeholder_columns(report) + acos_as_percents(report))
    frame = _without_idle_rows(frame, report, warnings)
    if frame.empty:
        problems.append(Problem("has no data rows", file=report.path.name,
                                hint="Export the report again for a period with data"))
        return None
    drop = _report_rows(frame, report, _row_checks(frame, report, used), skip, problems, warnings)
    frame = frame[~drop]
    artefact_rows(frame, report, problems, warnings)
    warnings.extend(per_click_outliers(frame, report))
    keys = [key for key in UNIT if key in frame]
    units = unit_codes(frame, keys) if keys else None
    orders_above_clicks(frame, report, units, problems, warnings)
    return frame, int(units.max(initial=-1)) + 1 if units is not None else 0


def _check_columns(frame: pd.DataFrame, report: Report, period_days: int | None, problems: list[Problem]) -> None:
    """The columns a report cannot do without: the required metrics, a plan or keyword, a date or a period."""
    name = report.path.name
    if "plan" not in frame and "keyword" not in frame and {"date", "clicks", "spend"} <= set(frame):
        problems.append(Problem(
            "is the account's totals by day (no campaign, ad group or keyword column): there is nothing to divide "
            "a budget or bids among", file=name, hint="Export the campaign report (budgets per campaign) or the "
            "keyword / targeting report (bids per keyword) for the same days"))
        return
    missing = [column for column in REQUIRED if column not in frame]
    for column in missing:
        problems.append(Problem(f"no {column} column (looked for {_looked_for(column)})", file=name,
                                hint=MAP_HINT.format(canonical=column)))
    automatic = "match_type" in frame and frame["match_type"].astype(str).str.contains(AUTOMATIC).any()
    if "plan" not in frame and "keyword" not in frame and automatic:
        problems.append(Problem(
            "is a Performance Max search-terms report: its terms take no bids and it names no campaign to budget",
            file=name, hint="Plan Performance Max by budget from a campaign report, and Search campaigns from a "
            "keyword or search-terms report with Campaign and Ad group columns"))
    elif "plan" not in frame and "keyword" not in frame:
        problems.append(Problem(
            f"no plan or keyword column (looked for {_looked_for('plan')}, {_looked_for('keyword')})",
            file=name, hint=MAP_HINT.format(canonical="plan")))
    stated = report.period is not None and report.period.days is not None
    if "date" not in frame and period_days is None and not stated:
        unknown = PERIOD_UNKNOWN if report.period is None else f"states no bounded period: {report.period.describe()}"
        problems.append(Problem(unknown, file=name, hint=PERIOD_HINT))


def _without_idle_rows(frame: pd.DataFrame, report: Report, warnings: list[str]) -> pd.DataFrame:
    """Rows without a date and without any traffic (a campaign idle all period, "-" in its Month) are no data."""
    if "date" not in frame:
        return frame
    figures = frame[[name for name in METRICS if name in frame]].fillna(0.0)
    unread = frame["row"].isin(report.bad_cells.get("date", ([], []))[0])
    idle = frame["date"].isna() & ~unread & (figures == 0).all(axis=1)
    if idle.any():
        warnings.append(say("warning.idle_rows", name=report.path.name, count=int(idle.sum()),
                            noun=say("read.row" if idle.sum() == 1 else "read.rows"), rows=rows_text(frame["row"][idle])))
    return frame[~idle]


def _row_checks(frame: pd.DataFrame, report: Report, used: set[str]) -> list[tuple]:
    """Each check of the rows: (column, mask of failing rows, phrase for warnings, values shown, noun when unreadable)."""
    rows = frame["row"]
    checks = []
    for column, (bad_rows, raw_values) in report.bad_cells.items():
        if column in IDENTITY + METRICS + OPTIONAL or column in used:
            mask = rows.isin(bad_rows)
            values = [f'"{value}"' for value in raw_values]
            checks.append((column, mask, say("rows.unreadable", column=column), values,
                           "date" if column == "date" else "number"))
    if "date" in frame:
        mask = frame["date"].isna() & ~rows.isin(report.bad_cells.get("date", ([], []))[0])
        checks.append(("date", mask, say("rows.no_date"), None, None))
    for column in METRICS + OPTIONAL:
        if column in frame:
            mask = frame[column] < 0
            values = [number_text(value) for value in frame[column][mask][:SHOWN_ROWS]]
            checks.append((column, mask, say("rows.negative", column=column), values, None))
    return checks + beyond_any_account(frame) + control_characters(frame)


def _report_rows(frame: pd.DataFrame, report: Report, checks: list[tuple], skip: bool,
                 problems: list[Problem], warnings: list[str]) -> pd.Series:
    """One problem per failing check, or with ``skip`` one warning; returns the rows skipped."""
    name, rows = report.path.name, frame["row"]
    drop = pd.Series(False, index=frame.index)
    for column, mask, phrase, values, unreadable in checks:
        count = int(mask.sum())
        if not count:
            continue
        verb = "has" if count == 1 else "have"
        message = f"{verb} {phrase}"
        if unreadable:
            message = f"cannot be read as {'a ' + unreadable if count == 1 else unreadable + 's'}"
        if skip:
            drop |= mask
            warnings.append(say("warning.skipped_rows", name=name, count=count, phrase=phrase,
                                noun=say("read.row" if count == 1 else "read.rows"), rows=rows_text(rows[mask])))
        else:
            problems.append(Problem(
                f"{count_text(count, 'row')} {message}",
                file=name, column=display_name(column, report.headers), rows=rows[mask][:SHOWN_ROWS].tolist(),
                values=values or (), hint=SKIP_HINT, n_rows=count))
    return drop


def _fill_derived(frame: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """Fill a missing metric from rates: clicks = ctr × impressions, spend = cpc × clicks, impressions = clicks / ctr,
    …"""
    used: set[str] = set()

    def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
        return (numerator / denominator.where(denominator > 0)).astype("float64")

    if "clicks" not in frame and {"ctr", "impressions"} <= set(frame):   # Google's campaign report may have only CTR
        frame["clicks"] = (frame["ctr"] * frame["impressions"]).round()
        used.add("ctr")
    if "spend" not in frame and {"cpc", "clicks"} <= set(frame):
        frame["spend"] = (frame["cpc"] * frame["clicks"]).where(frame["clicks"] != 0, 0.0)
        used.add("cpc")
    if "impressions" not in frame and {"ctr", "clicks"} <= set(frame):
        frame["impressions"] = ratio(frame["clicks"], frame["ctr"]).round()
        used.add("ctr")
    if "revenue" not in frame and "spend" in frame and ({"roi", "acos"} & set(frame)):
        revenue = pd.Series(np.nan, index=frame.index)
        if "roi" in frame:
            revenue = frame["roi"] * frame["spend"]
            used.add("roi")
        if "acos" in frame:
            revenue = revenue.fillna(ratio(frame["spend"], frame["acos"]))
            used.add("acos")
        frame["revenue"] = revenue
    if "orders" not in frame and {"cvr", "clicks"} <= set(frame):
        frame["orders"] = (frame["cvr"] * frame["clicks"]).round()
        used.add("cvr")
    return frame, used


def _merge(frames: list[pd.DataFrame], level: str) -> pd.DataFrame:
    """Canonical columns, then one row per key: metrics summed, bid and budget maxed."""
    texts = ["plan", "ad_group"] + (["keyword"] if level == "keyword" else []) + ["match_type"]
    columns = ["date"] + texts + ["bid", *METRICS, "plan_budget", "source", "row"]
    defaults = {"date": pd.NaT, "plan": NO_PLAN, "ad_group": "", "match_type": ""}
    standard = []
    for frame in frames:
        frame = frame.assign(**{column: defaults.get(column, np.nan)
                                for column in columns if column not in frame})
        standard.append(frame[columns])
    combined = pd.concat(standard, ignore_index=True)
    combined["date"] = pd.to_datetime(combined["date"]).astype("datetime64[ns]")
    for column in ("bid", *METRICS, "plan_budget"):
        combined[column] = combined[column].astype("float64")
    for column in texts:
        combined[column] = combined[column].astype(str)
    order = _sorted_if_distinct(combined, texts)
    if order is not None:   # no two rows share a key: the rows as they are, in the order grouping puts them
        merged = combined.take(order).reset_index(drop=True)
        merged["row"] = merged["row"].astype("int64")
        return merged[columns]
    for column in texts:
        combined[column] = combined[column].astype("category")
    grouped = combined.groupby(texts + ["date"], observed=True, sort=True, dropna=False)
    merged = pd.concat([grouped[list(METRICS)].sum(min_count=1),
                        grouped[["bid", "plan_budget"]].max(),
                        grouped[["source", "row"]].first()], axis=1).reset_index()
    for column in texts:  # back from categorical by taking from the categories: no object round trip
        codes = merged[column].cat.codes.to_numpy()
        merged[column] = pd.Series(merged[column].cat.categories.array.take(codes), index=merged.index)
    merged["row"] = merged["row"].astype("int64")
    return merged[columns]


def _sorted_if_distinct(combined: pd.DataFrame, texts: list[str]) -> np.ndarray | None:
    """The rows' order by their texts (each sorted as grouping sorts it) and date (missing last), or None when two
    rows share all of them. A report holds one row per key more often than not: then there is nothing to merge."""
    dates = combined["date"]
    day = np.where(dates.isna().to_numpy(), np.iinfo(np.int64).max, dates.to_numpy().view(np.int64))
    keys = [day, *(pd.factorize(combined[column], sort=True)[0] for column in reversed(texts))]
    order = np.lexsort(keys)
    if len(order) > 1 and np.logical_and.reduce([key[order][1:] == key[order][:-1] for key in keys]).any():
        return None
    return order


def _looked_for(canonical: str) -> str:
    return ", ".join(ALIASES[canonical])
