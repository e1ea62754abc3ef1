"""Chart of one indicator against its adopted path: history, the milestones 2026–2030, and the year being
tracked (the period's figure, its year-end estimate with the Poisson range of a small count).

Uses the look of :mod:`ctxh_plan.present.charts` (DejaVu Serif, Vietnamese tick numbers, the legend under the
plot, the illustrative stamp, the fixed layout, no display needed).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ctxh_plan.present.charts import (
    _as_year_series,
    _blank_chart,
    _font_context,
    _illustrative_stamp,
    _last_year,
    _legend_rows,
    _value_axes,
    _y_ticks,
    fixed_layout,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_tracking", "tracking_key"]

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


#: the fields of a tracking row the chart draws
_ROW_FIELDS = ("milestone_year", "year_end_estimate", "year_end_lo95", "year_end_hi95", "share_of_year", "period",
               "value")


def tracking_key(history: Any, row: dict, milestones: dict[int, float], *, indicator: Any = None, lang: str = "vi",
                 illustrative: bool = False, title: str | None = None) -> str:
    """What :func:`plot_tracking` draws from its arguments, as a key (for a
    :class:`~ctxh_plan.present.charts.ChartCache`): the history's points, the row's fields it draws, the
    milestones, the indicator, language, stamp and title."""
    import hashlib

    hist = _as_year_series(history).dropna()
    fields = [(k, None if _nan(row.get(k)) else repr(row.get(k))) for k in _ROW_FIELDS]
    body = repr((list(zip(hist.index.tolist(), [round(float(v), 12) for v in hist.values])), fields,
                 sorted((int(y), None if _nan(v) else round(float(v), 12)) for y, v in milestones.items()),
                 repr(indicator) if indicator is not None else None, lang, bool(illustrative), title))
    return "tracking:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


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

    The legend sits under the plot (never over the data), the y axis is written the Vietnamese way
    (``1.250``, ``2,5``) and a count axis has whole ticks.
    """
    with _font_context():
        return _plot_tracking(history, row, milestones, indicator=indicator, lang=lang, illustrative=illustrative,
                              title=title)


def _plot_tracking(history: Any, row: dict, milestones: dict[int, float], *, indicator: Any, lang: str,
                   illustrative: bool, title: str | None) -> Figure:
    import textwrap


    fig, ax = _blank_chart((7.5, 4.0))
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
    bounds: tuple[float | None, float | None] = (None, None)
    ylabel = ""
    if indicator is not None:
        lo_b, hi_b = indicator.bounds
        bounds = (lo_b, hi_b)
        ymin, ymax = ax.get_ylim()
        ax.set_ylim(max(ymin, lo_b) if lo_b is not None else ymin, min(ymax, hi_b * 1.02) if hi_b is not None else ymax)
        ylabel = indicator.unit(lang)
        ax.set_ylabel(ylabel)
        title = title or indicator.name(lang)
    title_text = "\n".join(textwrap.wrap(title, 80)) if title else ""
    if title_text:
        ax.set_title(title_text, fontsize=11, loc="left", y=1.0)
    ax.set_xlabel(_t("year", lang))
    is_count = indicator is not None and indicator.kind.value in ("count", "yes_no")
    locator, formatter = _value_axes(ax, is_count=is_count, bounds=bounds, lang=lang)
    ax.grid(True, color="#e0e0e0", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    ncol = 3
    low, high = ax.get_ylim()
    legend_at = fixed_layout(fig, ax, title=title_text, ytick_labels=_y_ticks(ax, locator, formatter, low, high),
                             ylabel=ylabel, xlabel=_t("year", lang), last_xtick=_last_year(ax),
                             legend_rows=_legend_rows(len(handles), ncol))
    if handles:  # under the plot: a legend inside the frame covers the year tracked
        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, legend_at), ncol=ncol, fontsize=8,
                   frameon=False, borderaxespad=0.0)
    if illustrative:
        _illustrative_stamp(fig, lang)
    return fig
