"""Figures of a plan: each takes data and an optional ``ax`` and returns the axes; none writes files.

Chinese plan and keyword names need a CJK font: :func:`use_cjk_font` registers
Noto Sans CJK from the ``noto-cjk-sans-otc`` package (a dependency, so a fresh
machine set up by ``pip install`` draws characters, not empty boxes).

Figures are made without pyplot: importing this module leaves the caller's
matplotlib backend (a notebook's, a GUI's) as it was. Their titles, axes and legends are
messages of :mod:`optimizer.i18n`, in the language :func:`speaking` sets (English otherwise).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from optimizer.i18n import Translator, translator
from optimizer.outputs.safe_text import CONTROL

ACTION_COLOURS = {"raise": "#2a9d8f", "hold": "#8d99ae", "cut": "#f4a261", "pause": "#e63946"}
CJK_FAMILY = "Noto Sans CJK SC"
#: Plans drawn by name in a chart of plans; the rest are summed in one "others" bar.
TOP_PLANS = 25
#: Keywords drawn one by one as bubbles; above this the picture is their density with the largest movers marked.
KEYWORD_POINTS = 5_000
#: Keywords marked over the density: the largest changes of spend.
KEYWORD_MOVERS = 200
#: The translator of the figures drawn now (:func:`speaking`); each thread and task starts in English.
_WORDS: ContextVar[Translator] = ContextVar("figure_words", default=translator("en"))


@contextmanager
def speaking(lang: str):
    """Figures drawn inside the block say their titles, axes and legends in ``lang``."""
    token = _WORDS.set(translator(lang))
    try:
        yield
    finally:
        _WORDS.reset(token)


def use_cjk_font() -> str | None:
    """Register the bundled CJK font once and put it first; returns the family used, or None."""
    if CJK_FAMILY in {entry.name for entry in font_manager.fontManager.ttflist}:
        _prefer(CJK_FAMILY)
        return CJK_FAMILY
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    for path in Path(noto_cjk_sans_otc.__file__).parent.glob("*.tt[cf]"):
        font_manager.fontManager.addfont(str(path))
    _prefer(CJK_FAMILY)
    return CJK_FAMILY


def _prefer(family: str) -> None:
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False


def names(values) -> list[str]:
    """Plan and scenario names as a figure draws them: control characters (no glyph, a terminal's escapes) left
    out, and every ``$`` drawn as itself: matplotlib reads the text between two as a formula, and a name such
    as ``Promo $\\frac$`` would stop the figure, ``Under $25 or $50`` come out in italics."""
    return [CONTROL.sub("", str(value)).replace("$", "\\$") for value in values]


def new_axes(size: tuple[float, float] = (8, 4.5)):
    """Axes on a figure of their own, outside pyplot's global state (nothing to close)."""
    return Figure(figsize=size).subplots()


def _axes(ax):
    return new_axes() if ax is None else ax


def plot_frontier(points: pd.DataFrame, *, objective: str, today: dict, chosen: dict,
                  scenarios: dict[str, dict] | None = None, note: str = "", ax=None):
    """The best objective at each budget, with today's, the plan's and each scenario's point."""
    ax, t = _axes(ax), _WORDS.get()
    ax.plot(points["spend"], points["objective"], "-o", markersize=3, color="#264653", label=t("figure.frontier"))
    ax.scatter([today["spend"]], [today["objective"]], marker="s", s=70, color="#e76f51", zorder=3,
               label=t("figure.today"))
    ax.scatter([chosen["spend"]], [chosen["objective"]], marker="*", s=160, color="#2a9d8f", zorder=3,
               label=t("figure.plan"))
    for name, point in (scenarios or {}).items():
        ax.scatter([point["spend"]], [point["objective"]], marker="D", s=50, zorder=3, label=names([name])[0])
    ax.set_xlabel(t("figure.spend"))
    ax.set_ylabel(t.pick("objective", objective))
    ax.set_title(t("report.frontier") + (f"\n{t.say(note)}" if note else ""), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def top_and_others(frame: pd.DataFrame, name: str, columns: list[str], move: pd.Series,
                   top: int = TOP_PLANS) -> pd.DataFrame:
    """The ``top`` rows with the largest ``move`` and one row "others (N)" summing ``columns`` of the rest.

    A frame of at most ``top + 1`` rows comes back as it is: summing a single row would hide a name.
    """
    if len(frame) <= top + 1:
        return frame
    order = (-move.abs().to_numpy()).argsort(kind="stable")   # ties keep the table's order
    shown, rest = frame.iloc[order[:top]], frame.iloc[order[top:]]
    others = pd.DataFrame([{name: _WORDS.get()("figure.others", count=f"{len(rest):,}"),
                            **{column: rest[column].sum() for column in columns}}])
    return pd.concat([shown, others], ignore_index=True)


def plot_plan_budgets(plans: pd.DataFrame, ax=None, top: int = TOP_PLANS):
    """Each plan's spend today and its new budget: where the money moves (the ``top`` largest moves and others)."""
    ax, t = _axes(ax), _WORDS.get()
    moved = top_and_others(plans, "plan", ["current_spend", "new_budget"],
                           plans["new_budget"] - plans["current_spend"], top)
    order = moved.sort_values("new_budget", ascending=True, kind="stable")
    if len(moved) < len(plans):   # the others' bar at the bottom, whatever its size
        others = moved.index[-1]
        order = pd.concat([order.loc[[others]], order.drop(index=others)])
    y = np.arange(len(order))
    ax.barh(y - 0.2, order["current_spend"], height=0.4, color="#8d99ae", label=t("figure.today"))
    ax.barh(y + 0.2, order["new_budget"], height=0.4, color="#2a9d8f", label=t("figure.plan"))
    ax.set_yticks(y, names(order["plan"]))
    ax.set_xlabel(t("figure.spend"))
    title = t("figure.plan_budgets")
    if len(moved) < len(plans):
        title += t("figure.largest_moves", top=top, count=f"{len(plans):,}")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def plot_forecast_check(check: dict, ax=None, top: int = TOP_PLANS):
    """Last run's forecast against what the reports show, revenue per plan and in total (optimizer.history.forecast_check).

    Past ``top`` plans, the ``top`` largest misses are drawn by name and the rest summed as "others".
    """
    ax, t = _axes(ax), _WORDS.get()
    plans = pd.DataFrame({"plan": [entry["plan"] for entry in check["plans"]],
                          "forecast": [entry["forecast"]["revenue"] for entry in check["plans"]],
                          "actual": [entry["actual"]["revenue"] for entry in check["plans"]]})
    shown = top_and_others(plans, "plan", ["forecast", "actual"], plans["actual"] - plans["forecast"], top)
    labels = names(shown["plan"]) + [t("figure.total")]
    y = np.arange(len(labels))
    ax.barh(y - 0.2, list(shown["forecast"]) + [check["total"]["forecast"]["revenue"]], height=0.4,
            color="#8d99ae", label=t("figure.forecast"))
    ax.barh(y + 0.2, list(shown["actual"]) + [check["total"]["actual"]["revenue"]], height=0.4,
            color="#e76f51", label=t("figure.actual"))
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(t.pick("column", "revenue"))
    title = t("figure.forecast_check", run=check["run"])
    ax.set_title(title + (t("figure.largest_misses", top=top, count=f"{len(plans):,}") if len(shown) < len(plans) else ""))
    ax.legend(fontsize=8)
    return ax


def plot_keywords(bids: pd.DataFrame, ax=None, max_points: int = KEYWORD_POINTS, movers: int = KEYWORD_MOVERS):
    """Keywords as CTR x CVR, bubble size = spend today, colour = action.

    Above ``max_points`` keywords the bubbles would be a blot: the picture is the keywords' density
    (hexagons, darker = more) with the ``movers`` largest changes of spend drawn as bubbles on it.
    """
    ax, t = _axes(ax), _WORDS.get()
    size = bids["before_spend"].to_numpy(float) if "before_spend" in bids else bids["spend"].to_numpy(float)
    size = 10 + 400 * size / max(size.max(), 1e-9)
    title = t("figure.keywords")
    shown = np.arange(len(bids))
    if len(bids) > max_points:
        ax.hexbin(bids["ctr"].to_numpy(float) * 100, bids["cvr"].to_numpy(float) * 100, gridsize=60, bins="log",
                  mincnt=1, cmap="Greys", linewidths=0, label=t("figure.density", count=f"{len(bids):,}"))
        shown = np.sort(np.argsort(-_spend_change(bids), kind="stable")[:movers])
        title = t("figure.keywords_dense", count=f"{len(bids):,}", movers=movers)
    action = bids["action"].iloc[shown].to_numpy()   # the keywords drawn only, not a million Python strings
    for name, colour in ACTION_COLOURS.items():
        chosen = action == name
        if chosen.any():
            rows = shown[chosen]
            ax.scatter(bids["ctr"].to_numpy(float)[rows] * 100, bids["cvr"].to_numpy(float)[rows] * 100,
                       s=size[rows], color=colour, alpha=0.6, edgecolors="white", linewidths=0.5,
                       label=f"{t.pick('action', name)} ({chosen.sum()})")
    ax.set_xlabel(t("figure.ctr"))
    ax.set_ylabel(t("figure.cvr"))
    ax.set_title(title, **({"fontsize": 10} if len(bids) > max_points else {}))
    legend = ax.legend(fontsize=8, title=t("figure.bubble"), title_fontsize=8)
    for handle in legend.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([40])
    return ax


def _spend_change(bids: pd.DataFrame) -> np.ndarray:
    """How far each keyword's spend moves: new spend less today's, or the bid's change where spends are absent."""
    if "before_spend" in bids and "spend" in bids:
        return np.abs(bids["spend"].to_numpy(float) - bids["before_spend"].to_numpy(float))
    return np.abs(np.nan_to_num(bids["change_pct"].to_numpy(float)))


def plot_scenarios(table: pd.DataFrame, ax=None):
    """Scenarios side by side: spend and revenue of each."""
    ax, t = _axes(ax), _WORDS.get()
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["spend"], width=0.4, color="#8d99ae", label=t.pick("column", "spend"))
    ax.bar(x + 0.2, table["revenue"], width=0.4, color="#2a9d8f", label=t.pick("column", "revenue"))
    ax.set_xticks(x, names(table["scenario"]), rotation=20)
    ax.set_title(t("report.scenarios"))   # the figure heads the report section of that name
    ax.legend(fontsize=8)
    return ax
