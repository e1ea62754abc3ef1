"""Chart of one indicator against its adopted path: history, the milestones 2026–2030, and the year being
tracked (the period's figure, its year-end estimate with the Poisson range of a small count).

Uses the look of :mod:`ctxh_plan.present.charts` (DejaVu Sans, the illustrative stamp, no display needed).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ctxh_plan.present.charts import _as_year_series, _illustrative_stamp, _new_figure, _style_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_tracking"]

_TEXT = {
    "history": ("Thực hiện các năm", "Observed"),
    "path": ("Lộ trình đã ban hành", "Adopted milestones"),
    "period": ("Số kỳ báo cáo", "Figure of the period"),
    "estimate": ("Ước cả năm", "Year-end estimate"),
    "range": ("Khoảng Poisson 95%", "95% Poisson range"),
    "year": ("Năm", "Year"),
}


def _t(key: str, lang: str) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def plot_tracking(history: Any, row: dict, milestones: dict[int, float], *, indicator: Any = None, lang: str = "vi",
                  illustrative: bool = False, title: str | None = None) -> Figure:
    """Actual against the milestone path for one unit and indicator.

    Parameters
    ----------
    history : Series (index = year) or frame with ``year, value`` — full-year values before the plan.
    row : a row of the tracking frame (``period``, ``milestone_year``, ``value``, ``year_end_estimate``,
        ``year_end_lo95``, ``year_end_hi95``, ``status_vs_milestone``, ``share_of_year``).
    milestones : year → milestone (``milestone_2026`` … and the 2030 target).
    indicator : Indicator (title, unit of measure, bounds).
    """
    from matplotlib.ticker import MaxNLocator

    fig = _new_figure((7.5, 4.0))
    ax = fig.add_subplot()
    hist = _as_year_series(history).dropna()
    if len(hist):
        ax.plot(hist.index, hist.values, marker="o", color="#08306b", lw=2, label=_t("history", lang))
    pts = {int(y): float(v) for y, v in milestones.items() if not _nan(v)}
    if pts:
        ys = sorted(pts)
        xs = ys
        vs = [pts[y] for y in ys]
        if len(hist) and hist.index[-1] < ys[0]:  # start the path at the last observed year
            xs, vs = [int(hist.index[-1])] + ys, [float(hist.values[-1])] + vs
        ax.plot(xs, vs, marker="s", color="#d95f02", lw=1.4, ms=5, ls="--", label=_t("path", lang))
    year = int(row.get("milestone_year") or 0)
    ye = row.get("year_end_estimate", math.nan)
    if year and not _nan(ye):
        lo, hi = row.get("year_end_lo95", math.nan), row.get("year_end_hi95", math.nan)
        if not (_nan(lo) or _nan(hi)):
            ax.errorbar([year], [ye], yerr=[[max(ye - lo, 0.0)], [max(hi - ye, 0.0)]], fmt="none", ecolor="#1b7837",
                        elinewidth=1.2, capsize=4, label=_t("range", lang))
        share = row.get("share_of_year", math.nan)
        partial = str(row.get("period", "")).endswith(("H1", "9M"))
        ax.plot([year], [ye], marker="D", ms=8, color="#1b7837", ls="none",
                label=_t("estimate", lang) if partial else _t("period", lang))
        v = row.get("value", math.nan)
        if partial and not _nan(v) and not _nan(share) and share < 0.95:
            ax.plot([year], [v], marker="v", ms=7, color="#74c476", ls="none",
                    label=f"{_t('period', lang)} ({row.get('period')})")
    if indicator is not None:
        lo_b, hi_b = indicator.bounds
        ymin, ymax = ax.get_ylim()
        ax.set_ylim(max(ymin, lo_b) if lo_b is not None else ymin, min(ymax, hi_b * 1.02) if hi_b is not None else ymax)
        ax.set_ylabel(indicator.unit(lang))
        title = title or indicator.name(lang)
    if title:
        ax.set_title(title, fontsize=11, loc="left", wrap=True)
    ax.set_xlabel(_t("year", lang))
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    ax.grid(True, color="#e0e0e0", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="best")
    if illustrative:
        _illustrative_stamp(fig, lang)
    _style_text(fig)
    return fig
