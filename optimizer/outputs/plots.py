"""Figures of a plan: each takes data and an optional ``ax`` and returns the axes; none writes files.

Chinese plan and keyword names need a CJK font: :func:`use_cjk_font` registers
Noto Sans CJK from the ``noto-cjk-sans-otc`` package (a dependency, so a fresh
machine set up by ``pip install`` draws characters, not empty boxes).

Figures are made without pyplot: importing this module leaves the caller's
matplotlib backend (a notebook's, a GUI's) as it was.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

ACTION_COLOURS = {"raise": "#2a9d8f", "hold": "#8d99ae", "cut": "#f4a261", "pause": "#e63946"}
CJK_FAMILY = "Noto Sans CJK SC"


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


def new_axes(size: tuple[float, float] = (8, 4.5)):
    """Axes on a figure of their own, outside pyplot's global state (nothing to close)."""
    return Figure(figsize=size).subplots()


def _axes(ax):
    return new_axes() if ax is None else ax


def plot_frontier(points: pd.DataFrame, *, objective: str, today: dict, chosen: dict,
                  scenarios: dict[str, dict] | None = None, note: str = "", ax=None):
    """The best objective at each budget, with today's, the plan's and each scenario's point."""
    ax = _axes(ax)
    ax.plot(points["spend"], points["objective"], "-o", markersize=3, color="#264653", label="efficient frontier")
    ax.scatter([today["spend"]], [today["objective"]], marker="s", s=70, color="#e76f51", zorder=3, label="today")
    ax.scatter([chosen["spend"]], [chosen["objective"]], marker="*", s=160, color="#2a9d8f", zorder=3, label="plan")
    for name, point in (scenarios or {}).items():
        ax.scatter([point["spend"]], [point["objective"]], marker="D", s=50, zorder=3, label=name)
    ax.set_xlabel("spend over the period")
    ax.set_ylabel(objective)
    ax.set_title("What each budget buys" + (f"\n{note}" if note else ""), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_plan_budgets(plans: pd.DataFrame, ax=None):
    """Each plan's spend today and its new budget: where the money moves."""
    ax = _axes(ax)
    order = plans.sort_values("new_budget", ascending=True)
    y = np.arange(len(order))
    ax.barh(y - 0.2, order["current_spend"], height=0.4, color="#8d99ae", label="today")
    ax.barh(y + 0.2, order["new_budget"], height=0.4, color="#2a9d8f", label="plan")
    ax.set_yticks(y, order["plan"])
    ax.set_xlabel("spend over the period")
    ax.set_title("Plan budgets before and after")
    ax.legend(fontsize=8)
    return ax


def plot_forecast_check(check: dict, ax=None):
    """Last run's forecast against what the reports show, revenue per plan and in total (optimizer.history.forecast_check)."""
    ax = _axes(ax)
    rows = [(entry["plan"], entry) for entry in check["plans"]] + [("total", check["total"])]
    y = np.arange(len(rows))
    ax.barh(y - 0.2, [entry["forecast"]["revenue"] for _, entry in rows], height=0.4, color="#8d99ae", label="forecast")
    ax.barh(y + 0.2, [entry["actual"]["revenue"] for _, entry in rows], height=0.4, color="#e76f51", label="actual")
    ax.set_yticks(y, [name for name, _ in rows])
    ax.invert_yaxis()
    ax.set_xlabel("revenue")
    ax.set_title(f"Run {check['run']}: forecast vs actual")
    ax.legend(fontsize=8)
    return ax


def plot_keywords(bids: pd.DataFrame, ax=None):
    """Keywords as CTR x CVR, bubble size = spend at the new bid, colour = action."""
    ax = _axes(ax)
    size = bids["before_spend"].to_numpy(float) if "before_spend" in bids else bids["spend"].to_numpy(float)
    size = 10 + 400 * size / max(size.max(), 1e-9)
    for action, colour in ACTION_COLOURS.items():
        chosen = (bids["action"] == action).to_numpy()
        if chosen.any():
            ax.scatter(bids["ctr"][chosen] * 100, bids["cvr"][chosen] * 100, s=size[chosen], color=colour,
                       alpha=0.6, edgecolors="white", linewidths=0.5, label=f"{action} ({chosen.sum()})")
    ax.set_xlabel("CTR (%)")
    ax.set_ylabel("CVR (%)")
    ax.set_title("Keywords: raise high CTR x high conversion, cut the rest")
    legend = ax.legend(fontsize=8, title="bubble size = spend today", title_fontsize=8)
    for handle in legend.legend_handles:
        handle.set_sizes([40])
    return ax


def plot_scenarios(table: pd.DataFrame, ax=None):
    """Scenarios side by side: spend and revenue of each."""
    ax = _axes(ax)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["spend"], width=0.4, color="#8d99ae", label="spend")
    ax.bar(x + 0.2, table["revenue"], width=0.4, color="#2a9d8f", label="revenue")
    ax.set_xticks(x, table["scenario"], rotation=20)
    ax.set_title("Scenarios side by side")
    ax.legend(fontsize=8)
    return ax
