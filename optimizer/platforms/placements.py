"""Amazon placement bid adjustments: how much more a click on Top of search or Product pages is worth.

Amazon prices a Sponsored Products click at the keyword's bid times ``1 + Percentage``
of the placement's Bidding Adjustment (0–900 %, whole percent; Amazon Ads help "Adjust
Sponsored Products bids by placement": placement-adjusted bid = base bid × (1 + adjustment)).
The plan sets each keyword's base bid; this module sets the campaign's multipliers.

Rest of search is the reference: its adjustment is 0, so the keyword bids are its bids.
A click worth ``v_p`` in placement p against ``v_rest`` in rest of search keeps the
marginal ROI equal in both when the bid there is ``v_p / v_rest`` times as high: the
uplift is ``v_p / v_rest − 1``. It is capped where the placement's price would pass the
ROI floor: CPC grows with the adjusted bid, ``cpc_p × (1 + a) / (1 + a_today)``, and must
stay under ``v_p / min_roi``. Amazon takes no cut below 0 %, so a placement worth less
than rest of search gets 0 %.

Value per click (conversion rate × order value) is shrunk level by level, account →
campaign → rest of search → placement, with ``PRIOR_ORDERS`` pseudo-orders at each level,
and the uplift relies only on the value the data make likely with ``CONFIDENCE`` (the
lower quantile of the conversion rate's gamma posterior): an adjustment moves every
keyword of the campaign, so a placement with two clicks stays at 0 % whatever they sold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import SHOWN_ROWS, InputDataError, Problem
from optimizer.i18n import Translator, say, translator
from optimizer.outputs.files import csv_bytes
from optimizer.platforms.amazon_bulk import Bulk, norm
from optimizer.reading.report_file import read_report

#: Report headers naming the placement (the console's export, then the API's name).
PLACEMENT_HEADERS = ("Placement", "Placement Type")
#: Bulksheets 2.0 ``Placement`` values of the Bidding Adjustment rows, by placement.
BULK_PLACEMENT = {"top": "Placement Top", "product": "Placement Product Page", "rest": "Placement Rest Of Search"}
LABEL = {"top": "Top of search", "product": "Product pages", "rest": "Rest of search"}
#: Amazon's range for a placement adjustment, in percent.
MAX_PERCENT = 900
#: Pseudo-orders of the parent level each level's conversion rate and order value are shrunk with.
PRIOR_ORDERS = 5
#: How sure the data must make us of a placement's value per click before an uplift relies on it.
CONFIDENCE = 0.8
NEEDED = ("plan", "clicks", "spend", "orders", "revenue")
HINT = ("Export Sponsored Products > Placement report (Campaign Manager > Measurement & reporting > "
        "Sponsored ads reports), daily or summary, as XLSX or CSV")
#: The Amazon header each needed column is usually exported under, for the message when it is missing.
_HEADER_OF = {"plan": "Campaign Name", "clicks": "Clicks", "spend": "Spend", "orders": "7/14 Day Total Orders (#)",
              "revenue": "7/14 Day Total Sales"}
COLUMNS = ["campaign", "placement", "report_placement", "impressions", "clicks", "spend", "orders", "revenue", "roi",
           "cpc", "value_per_click", "shrunk_value_per_click", "supported_value_per_click",
           "current_percentage", "percentage", "reason"]


def placement_kind(text: pd.Series) -> np.ndarray:
    """"top", "product", "rest" or "" from the report's wording (or the bulk file's ``Placement`` value)."""
    folded = text.fillna("").astype(str).str.casefold()
    return np.select([folded.str.contains("top"), folded.str.contains("product page") | folded.str.contains("detail page"),
                      folded.str.contains("rest of search") | folded.str.contains("other on-amazon")],
                     ["top", "product", "rest"], default="")


@dataclass(frozen=True)
class PlacementReport:
    """The placement report summed per campaign and placement, and what was left out of it."""

    path: Path
    frame: pd.DataFrame
    warnings: tuple[str, ...]


def read_placements(path: str | Path) -> PlacementReport:
    """Read a Sponsored Products placement report; one InputDataError lists every problem found."""
    path = Path(path)
    report = None
    for header in PLACEMENT_HEADERS:
        try:
            report = read_report(path, {header: "keyword"})
            break
        except InputDataError as error:
            if not all(f'columns names "{header}"' in problem.message for problem in error.problems):
                raise
    if report is None:
        raise InputDataError([Problem("has no column 'Placement': not a placement report", file=path.name, hint=HINT)])
    frame = report.frame
    problems = [Problem(f"has no {name} column ({_HEADER_OF[name]})", file=path.name, hint=HINT)
                for name in NEEDED if name not in frame]
    for name, (rows, values) in report.bad_cells.items():
        if name in NEEDED or name == "impressions":
            problems.append(Problem(f"{len(rows)} cells are not numbers", file=path.name,
                                    column=report.headers[name], rows=rows[:SHOWN_ROWS],
                                    values=[f'"{value}"' for value in values[:SHOWN_ROWS]], n_rows=len(rows),
                                    hint="Export the report again without editing it"))
    if not problems:
        negative = (frame[list(NEEDED[1:])] < 0).any(axis=1)
        if negative.any():
            problems.append(Problem(f"{int(negative.sum())} rows have negative clicks, spend, orders or sales",
                                    file=path.name, rows=frame.loc[negative, "row"].tolist()[:SHOWN_ROWS],
                                    n_rows=int(negative.sum()), hint="Export the report again without editing it"))
    if problems:
        raise InputDataError(problems)
    kind = placement_kind(frame["keyword"])
    warnings = []
    if (kind == "").any():
        other = pd.unique(frame.loc[kind == "", "keyword"].astype(str))
        warnings.append(say("placements.left_out", name=path.name, count=int((kind == "").sum()), names=list(other[:5])))
    frame = frame.assign(kind=kind, impressions=frame.get("impressions", 0.0))[kind != ""]
    summed = frame.groupby(["plan", "kind"], sort=True)
    figures = summed[["impressions", "clicks", "spend", "orders", "revenue"]].sum().fillna(0.0)
    figures["report_placement"] = summed["keyword"].first()
    return PlacementReport(path, figures.reset_index(), tuple(warnings))



@dataclass(frozen=True)
class Placements:
    """Every campaign's placements with their figures, adjustment and reason; the bulk rows they update."""

    table: pd.DataFrame
    min_roi: float
    edits: tuple[tuple[int, str, object], ...]
    warnings: tuple[str, ...]

    def csv(self) -> bytes:
        """placements.csv (UTF-8 with BOM)."""
        return csv_bytes(self.table)

    @property
    def rows_updated(self) -> int:
        """Bidding Adjustment rows of the bulk file whose Percentage changes."""
        return len({row for row, _, _ in self.edits})


def placement_adjustments(report: PlacementReport, *, min_roi: float | None = None,
                          bulk: Bulk | None = None, lang: str = "en") -> Placements:
    """The adjustment per campaign and placement; ``min_roi`` None takes the report's own ROI as the floor.

    ``lang``: the language of the reasons (:data:`optimizer.i18n.LANGUAGES`).
    """
    frame = report.frame
    spend, revenue = float(frame["spend"].sum()), float(frame["revenue"].sum())
    if min_roi is None or min_roi <= 0:
        min_roi = revenue / spend if spend > 0 and revenue > 0 else 1.0
    value = _values(frame)
    clicks, orders = frame["clicks"].to_numpy(float), frame["orders"].to_numpy(float)
    is_rest = (frame["kind"] == "rest").to_numpy()
    raw_value = np.divide(frame["revenue"].to_numpy(float), clicks, out=np.full(len(frame), np.nan), where=clicks > 0)
    campaign = frame.groupby("plan", sort=False)
    campaign_cpc = (campaign["spend"].transform("sum").to_numpy(float)
                    / np.maximum(campaign["clicks"].transform("sum").to_numpy(float), 1e-9))
    cpc = np.where(clicks > 0, frame["spend"].to_numpy(float) / np.maximum(clicks, 1e-9), campaign_cpc)
    current = _current(frame, bulk)
    ratio = np.divide(value["low"], value["rest"], out=np.ones(len(frame)), where=value["rest"] > 0)
    headroom = np.divide((1 + np.nan_to_num(current) / 100) * value["low"], min_roi * cpc,
                         out=np.full(len(frame), np.inf), where=cpc > 0)
    wanted = np.where(is_rest, 1.0, np.minimum(ratio, headroom))
    percent = np.clip(np.round((wanted - 1) * 100), 0, MAX_PERCENT)
    reason = _reasons(frame, _Sizing(value, ratio, headroom, cpc, current, percent, min_roi), has_sales=revenue > 0,
                      t=translator(lang))
    roi = np.divide(frame["revenue"].to_numpy(float), frame["spend"].to_numpy(float), out=np.full(len(frame), np.nan),
                    where=frame["spend"].to_numpy(float) > 0)
    table = pd.DataFrame({
        "campaign": frame["plan"], "placement": frame["kind"].map(BULK_PLACEMENT), "report_placement":
        frame["report_placement"], "impressions": frame["impressions"], "clicks": clicks, "spend": frame["spend"].round(2),
        "orders": orders, "revenue": frame["revenue"].round(2), "roi": np.round(roi, 2), "cpc": np.round(cpc, 2),
        "value_per_click": np.round(raw_value, 2), "shrunk_value_per_click": np.round(value["mean"], 2),
        "supported_value_per_click": np.round(value["low"], 2), "current_percentage": current,
        "percentage": percent.astype(int), "reason": reason})[COLUMNS]
    edits, warnings = (), list(report.warnings)
    if bulk is not None:
        edits, missing = bulk_edits(table, bulk)
        if missing:
            warnings.append(say("placements.not_in_bulk", name=bulk.path.name, count=len(missing), names=list(missing[:5]),
                                more=say("read.more") if len(missing) > 5 else ""))
    return Placements(table, float(min_roi), edits, tuple(warnings))


def _values(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Value per click of each row: posterior ``mean``, the ``low`` bound it passes with CONFIDENCE, and ``rest``.

    Conversion rate and order value are shrunk account → campaign → rest of search → placement with
    PRIOR_ORDERS pseudo-orders; the placement's conversion rate is a gamma posterior (orders as Poisson
    counts of clicks), whose lower quantile is what an uplift may rely on. ``rest`` is the campaign's
    rest-of-search value per click (posterior mean), the reference of every ratio.
    """
    clicks, revenue = frame["clicks"].to_numpy(float), frame["revenue"].to_numpy(float)
    orders = frame["orders"].to_numpy(float)
    total_clicks, total_orders = clicks.sum(), orders.sum()
    if total_orders <= 0 or total_clicks <= 0:
        zero = np.zeros(len(frame))
        return {"mean": zero, "low": zero, "rest": zero}
    prior_clicks = PRIOR_ORDERS * total_clicks / total_orders
    plan = frame["plan"].to_numpy()
    is_rest = (frame["kind"] == "rest").to_numpy()

    def per_campaign(values: np.ndarray) -> np.ndarray:
        return pd.Series(values).groupby(plan, sort=False).transform("sum").to_numpy(float)

    campaign_cvr = (per_campaign(orders) + prior_clicks * total_orders / total_clicks) / (per_campaign(clicks) + prior_clicks)
    campaign_aov = (per_campaign(revenue) + PRIOR_ORDERS * revenue.sum() / total_orders) / (per_campaign(orders) + PRIOR_ORDERS)
    rest_orders, rest_clicks = per_campaign(np.where(is_rest, orders, 0.0)), per_campaign(np.where(is_rest, clicks, 0.0))
    rest_cvr = (rest_orders + prior_clicks * campaign_cvr) / (rest_clicks + prior_clicks)
    rest_aov = (per_campaign(np.where(is_rest, revenue, 0.0)) + PRIOR_ORDERS * campaign_aov) / (rest_orders + PRIOR_ORDERS)
    shape, rate = orders + prior_clicks * rest_cvr, clicks + prior_clicks
    aov = (revenue + PRIOR_ORDERS * rest_aov) / (orders + PRIOR_ORDERS)
    # imported here, not with the module: only a run with a placement report pays for scipy.stats
    from scipy.stats import gamma

    low_cvr = gamma.ppf(1 - CONFIDENCE, shape, scale=1 / rate)
    rest = rest_cvr * rest_aov
    return {"mean": np.where(is_rest, rest, shape / rate * aov), "low": np.where(is_rest, rest, low_cvr * aov),
            "rest": rest}


def _adjustment_rows(bulk: Bulk) -> pd.DataFrame:
    """The bulk file's Bidding Adjustment rows: spreadsheet row, campaign (by its ID's name) and placement kind."""
    lookup = {name.casefold(): name for name in reversed(bulk.header) if name}
    cells = bulk.cells
    entity = cells[bulk.column["Entity"]].fillna("").astype(str).str.strip().str.casefold()
    rows = cells[entity == "bidding adjustment"]
    placement = rows[lookup["placement"]] if "placement" in lookup else pd.Series("", index=rows.index)
    percent = (pd.to_numeric(rows[lookup["percentage"]], errors="coerce") if "percentage" in lookup
               else pd.Series(np.nan, index=rows.index))
    names = dict(zip(bulk.campaigns["id"], bulk.campaigns["name"]))
    campaign = rows[bulk.column["Campaign ID"]].fillna("").astype(str).str.strip().map(names)
    return pd.DataFrame({"row": rows.index, "campaign": norm(campaign.fillna("")).to_numpy(),
                         "kind": placement_kind(placement), "percentage": percent.to_numpy(float),
                         "percentage_header": lookup.get("percentage", "Percentage")})


def _current(frame: pd.DataFrame, bulk: Bulk | None) -> np.ndarray:
    """Today's adjustment of each row from the bulk file; NaN without one."""
    if bulk is None:
        return np.full(len(frame), np.nan)
    rows = _adjustment_rows(bulk).drop_duplicates(["campaign", "kind"])
    today = pd.Series(rows["percentage"].to_numpy(), index=rows["campaign"] + "\x1f" + rows["kind"])
    return (norm(frame["plan"]) + "\x1f" + frame["kind"]).map(today).fillna(np.nan).to_numpy(float)


def bulk_edits(table: pd.DataFrame, bulk: Bulk) -> tuple[tuple[tuple[int, str, object], ...], list[str]]:
    """``Percentage`` and ``Operation = update`` on the Bidding Adjustment rows whose value changes.

    Returns the edits and the report's campaigns that have no Bidding Adjustment row for a placement.
    """
    rows = _adjustment_rows(bulk).drop_duplicates(["campaign", "kind"])
    key = pd.Index(rows["campaign"] + "\x1f" + rows["kind"])
    position = key.get_indexer(norm(table["campaign"]) + "\x1f" + table["placement"].map(
        {text: kind for kind, text in BULK_PLACEMENT.items()}))
    found = position >= 0
    missing = list(pd.unique(table.loc[~found, "campaign"].astype(str)))
    new = table["percentage"].to_numpy(float)[found]
    today = rows["percentage"].to_numpy(float)[position[found]]
    changed = ~(np.isfinite(today) & (np.abs(today - new) < 0.5))
    spreadsheet_rows = rows["row"].to_numpy()[position[found]][changed]
    header = rows["percentage_header"].iloc[0] if len(rows) else "Percentage"
    edits = [(int(row), header, int(value)) for row, value in zip(spreadsheet_rows, new[changed])]
    edits += [(int(row), bulk.column["Operation"], "update") for row in spreadsheet_rows]
    return tuple(edits), missing


@dataclass(frozen=True)
class _Sizing:
    """Per placement row, what sized its adjustment: the figures a reason quotes."""

    #: Value per click: "mean" (shrunk), "low" (at CONFIDENCE) and "rest" (rest of search's), see _values.
    value: dict[str, np.ndarray]
    #: low value per click over rest of search's, and the multiple of today's price the ROI floor allows.
    ratio: np.ndarray
    headroom: np.ndarray
    cpc: np.ndarray
    #: Today's percentage (NaN without a bulk file) and the new one.
    current: np.ndarray
    percent: np.ndarray
    min_roi: float


def _reasons(frame: pd.DataFrame, sizing: _Sizing, *, has_sales: bool, t: Translator) -> np.ndarray:
    """One sentence per row (in ``t``'s language): the figures, the reference, and which limit decided."""
    value, ratio, headroom, cpc = sizing.value, sizing.ratio, sizing.headroom, sizing.cpc
    current, percent, min_roi = sizing.current, sizing.percent, sizing.min_roi
    money = np.vectorize(lambda number: f"{number:.2f}", otypes=[object])
    count = np.vectorize(lambda number: f"{number:g}", otypes=[object])
    whole = np.vectorize(lambda number: f"{number:.0f}", otypes=[object])

    def each(message: str, **columns) -> np.ndarray:
        """The message per row, its placeholders filled from ``columns`` (arrays, or one value for every row)."""
        filled = {name: np.broadcast_to(np.asarray(column, dtype=object), (len(frame),))
                  for name, column in columns.items()}
        return np.array([t(message, **{name: values[row] for name, values in filled.items()})
                         for row in range(len(frame))], dtype=object)

    kind = frame["kind"].to_numpy()
    figures = each("placement.figures", clicks=count(frame["clicks"].to_numpy(float)), confidence=f"{CONFIDENCE:.0%}",
                   orders=count(frame["orders"].to_numpy(float)), mean=money(value["mean"]), low=money(value["low"]))
    versus = each("placement.versus", figures=figures, times=money(ratio), rest=money(value["rest"]))
    today = np.where(np.isnan(current), t("placement.today_unknown"),
                     each("placement.today", percent=whole(np.nan_to_num(current))))
    price_cap = each("placement.price_cap", cap=money(value["low"] / min_roi), floor=f"{min_roi:.2f}", cpc=money(cpc),
                     today=today)
    reasons = np.select(
        [kind == "rest", np.full(len(frame), not has_sales), ratio <= 1, headroom <= 1, percent >= MAX_PERCENT,
         headroom < ratio],
        [each("placement.reference", rest=money(value["rest"])), each("placement.no_sales"),
         each("placement.below_zero", versus=versus), each("placement.dearer", versus=versus, cap=price_cap),
         each("placement.max", versus=versus, percent=MAX_PERCENT),
         each("placement.capped", versus=versus, percent=whole(percent), cap=price_cap)],
        default=each("placement.uplift", versus=versus, percent=whole(percent)))
    return reasons.astype(object)
