"""Charts for the plan: one indicator's history, forecast fan and milestones; a unit × indicator
status heatmap; a ranking of units.

matplotlib is imported inside the functions with the Agg backend (no display needed).
Text uses DejaVu Sans, bundled with matplotlib, which has every Vietnamese glyph.
Figures are returned, not shown; :func:`save_figure` writes PNG and SVG atomically.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctxh_plan.present.labels import text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

    from ctxh_plan.data.catalog import Indicator

__all__ = [
    "FONT_FAMILY",
    "STATUS_COLORS",
    "plot_indicator",
    "plot_ranking",
    "plot_status_heatmap",
    "save_figure",
]

FONT_FAMILY = "DejaVu Sans"

#: progress / attainment category value → colour (colour-blind friendly, green → red)
STATUS_COLORS: dict[str, str] = {
    "achieved": "#1a9850",
    "exceeded": "#1a9850",
    "met": "#66bd63",
    "on_track": "#66bd63",
    "acceleration_needed": "#fee08b",
    "limited_progress": "#fdae61",
    "uncertain": "#fdae61",
    "stagnation_or_regression": "#d73027",
    "deterioration": "#d73027",
    "not_met": "#d73027",
    "insufficient_data": "#d9d9d9",
}
_STATUS_ORDER = ["achieved", "exceeded", "met", "on_track", "acceleration_needed", "limited_progress",
                 "uncertain", "stagnation_or_regression", "deterioration", "not_met", "insufficient_data"]


def _mpl():
    """Import matplotlib with the Agg backend and DejaVu Sans as the font."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # noqa: F401  (pyplot-free figures below; import sets defaults)
    from matplotlib.figure import Figure

    return matplotlib, Figure


def _new_figure(size: tuple[float, float]) -> Figure:
    matplotlib, Figure = _mpl()
    with matplotlib.rc_context({"font.family": FONT_FAMILY}):
        fig = Figure(figsize=size, layout="constrained")
    return fig


def _style_text(fig: Figure) -> None:
    """Set DejaVu Sans explicitly on every text of the figure."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        t.set_fontfamily(FONT_FAMILY)


def _illustrative_stamp(fig: Figure, lang: str) -> None:
    fig.text(0.995, 0.995, text("illustrative", lang), ha="right", va="top", fontsize=8,
             color="#b2182b", style="italic", fontfamily=FONT_FAMILY)


def _as_year_series(history: Any) -> pd.Series:
    """History as a float Series indexed by int year (accepts Series, mapping, or frame with year/value)."""
    import pandas as pd

    if isinstance(history, pd.DataFrame):
        if not {"year", "value"} <= set(history.columns):
            from ctxh_plan.errors import UsageError

            raise UsageError("plot_indicator: history frame needs columns 'year' and 'value'")
        s = history.set_index("year")["value"]
    elif isinstance(history, pd.Series):
        s = history
    else:
        s = pd.Series(dict(history or {}))
    s = pd.to_numeric(s, errors="coerce").astype(float)
    s.index = [int(y) for y in s.index]
    return s.sort_index()


def _proposal_points(proposal: Any) -> pd.Series:
    """Milestones by year from a proposals row (milestone_YYYY / target_2030) or a year → value mapping."""
    import pandas as pd

    if proposal is None:
        return pd.Series(dtype=float)
    items = proposal.items() if hasattr(proposal, "items") else dict(proposal).items()
    pts: dict[int, float] = {}
    for k, v in items:
        key = str(k)
        if key.startswith("milestone_") and key[10:].isdigit():
            pts[int(key[10:])] = v
        elif key.isdigit():
            pts[int(key)] = v
    if "target_2030" in dict(items) and 2030 not in pts:
        pts[2030] = dict(items)["target_2030"]
    s = pd.to_numeric(pd.Series(pts, dtype=object), errors="coerce").astype(float)
    return s.sort_index()


def plot_indicator(history: Any, *, target_2025: float | None = None, forecast: pd.DataFrame | None = None,
                   proposal: Any = None, indicator: Indicator | None = None, lang: str = "vi",
                   illustrative: bool = False, title: str | None = None) -> Figure:
    """Chart of one indicator for one unit.

    Parameters
    ----------
    history : Series (index = year) or frame with ``year, value``
        Observed values in the indicator's unit (percent as 0–100). NaN years (e.g. suppressed) are skipped.
    target_2025 : float, optional
        The 2021–2025 plan's target, drawn as a marker at 2025 and a dotted line.
    forecast : DataFrame, optional
        Rows ``year, mean, lo80, hi80, lo95, hi95`` (forecasts frame of one unit and indicator).
    proposal : mapping, optional
        A proposals row (``milestone_2026…2030``, ``target_2030``) or ``{year: value}``.
    indicator : Indicator, optional
        For the title, unit of measure (y axis) and bounds.
    lang : "vi" or "en"
    illustrative : bool
        Stamp "Dữ liệu minh họa" / "Illustrative data" on the chart.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    fig = _new_figure((7.5, 4.2))
    ax = fig.add_subplot()
    hist = _as_year_series(history).dropna()
    if len(hist):
        ax.plot(hist.index, hist.values, marker="o", color="#08306b", lw=2, label=text("chart_history", lang))
    if forecast is not None and len(forecast):
        fc = forecast.sort_values("year")
        years = fc["year"].astype(int).to_numpy()
        for lo, hi, alpha, key in (("lo95", "hi95", 0.18, "chart_band95"), ("lo80", "hi80", 0.32, "chart_band80")):
            if lo in fc and hi in fc:
                ax.fill_between(years, fc[lo].astype(float), fc[hi].astype(float), color="#4292c6", alpha=alpha,
                                lw=0, label=text(key, lang))
        if "mean" in fc:
            xs, ys = years, fc["mean"].astype(float).to_numpy()
            if len(hist):  # join the forecast to the last observation
                xs, ys = np.r_[hist.index[-1], xs], np.r_[hist.values[-1], ys]
            ax.plot(xs, ys, color="#2171b5", ls="--", lw=1.8, label=text("chart_forecast", lang))
    if target_2025 is not None and not (isinstance(target_2025, float) and math.isnan(target_2025)):
        ax.axhline(float(target_2025), color="#b2182b", ls=":", lw=1.2)
        ax.plot([2025], [float(target_2025)], marker="D", color="#b2182b", ls="none",
                label=text("chart_target_2025", lang))
    pts = _proposal_points(proposal).dropna()
    if len(pts):
        ax.plot(pts.index, pts.values, marker="s", color="#d95f02", lw=1.2, ms=5,
                label=text("chart_milestones", lang))
    if not len(hist) and forecast is None and not len(pts):
        ax.text(0.5, 0.5, text("chart_no_data", lang), ha="center", va="center", transform=ax.transAxes)
    if indicator is not None:
        lo, hi = indicator.bounds
        ymin, ymax = ax.get_ylim()
        ax.set_ylim(max(ymin, lo) if lo is not None else ymin, min(ymax, hi * 1.02) if hi is not None else ymax)
        ax.set_ylabel(indicator.unit(lang))
        title = title or indicator.name(lang)
    if title:
        ax.set_title(title, fontsize=11, loc="left", wrap=True)
    ax.set_xlabel(text("chart_year", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, color="#e0e0e0", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="best")
    if illustrative:
        _illustrative_stamp(fig, lang)
    _style_text(fig)
    return fig


def _status_column(evaluation: pd.DataFrame, status: str | None) -> str:
    for col in ([status] if status else ["progress_category", "attainment", "unsd_category"]):
        if col in evaluation.columns:
            return col
    from ctxh_plan.errors import UsageError

    raise UsageError("the evaluation frame has no progress_category / attainment column to colour by")


def _indicator_labels(evaluation: pd.DataFrame, codes: Sequence[str], lang: str) -> list[str]:
    name_col = "indicator_name_vi" if lang == "vi" else "indicator_name_en"
    if name_col in evaluation.columns:
        names = evaluation.drop_duplicates("indicator_code").set_index("indicator_code")[name_col]
        out = []
        for c in codes:
            name = str(names.get(c, "") or "")
            out.append(f"{c} {name[:28] + '…' if len(name) > 29 else name}".strip())
        return out
    return list(codes)


def _unit_labels(evaluation: pd.DataFrame, codes: Sequence[str]) -> list[str]:
    if "unit_name" in evaluation.columns:
        names = evaluation.drop_duplicates("unit_code").set_index("unit_code")["unit_name"]
        return [str(names.get(c, c)) for c in codes]
    return list(codes)


def plot_status_heatmap(evaluation: pd.DataFrame, lang: str = "vi", *, status: str | None = None,
                        illustrative: bool = False, title: str | None = None) -> Figure:
    """Unit (rows) × indicator (columns) grid coloured by progress category.

    Parameters
    ----------
    evaluation : DataFrame
        Evaluation frame (``unit_code, indicator_code`` and ``progress_category`` or ``attainment``;
        ``unit_name`` and ``indicator_name_vi/_en`` are used for labels when present).
    lang : "vi" or "en"
    status : str, optional
        Column to colour by (default: ``progress_category``, else ``attainment``).
    illustrative : bool
        Stamp "Dữ liệu minh họa".
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ctxh_plan.vocab import label

    col = _status_column(evaluation, status)
    units = list(dict.fromkeys(evaluation["unit_code"].astype(str)))
    inds = list(dict.fromkeys(evaluation["indicator_code"].astype(str)))
    present = [s for s in _STATUS_ORDER if s in set(evaluation[col].astype(str))]
    extra = sorted(set(evaluation[col].dropna().astype(str)) - set(_STATUS_ORDER))
    cats = present + extra
    code = {c: i for i, c in enumerate(cats)}
    import numpy as np

    grid = np.full((len(units), len(inds)), np.nan)
    for u, i, s in zip(evaluation["unit_code"].astype(str), evaluation["indicator_code"].astype(str),
                       evaluation[col]):
        if isinstance(s, str) or (s is not None and not (isinstance(s, float) and math.isnan(s))):
            grid[units.index(u), inds.index(i)] = code[str(s)]
    many = len(inds) > 12  # long names do not fit: label by code (the tables give the names)
    fig = _new_figure((min(13.0, max(6.0, (0.3 if many else 0.45) * len(inds) + 3.5)),
                       max(3.0, 0.38 * len(units) + (1.5 if many else 2.5))))
    ax = fig.add_subplot()
    colors = [STATUS_COLORS.get(c, "#969696") for c in cats] or ["#d9d9d9"]
    cmap = ListedColormap(colors).with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5, vmax=len(colors) - 0.5, aspect="auto")
    if many:
        ax.set_xticks(range(len(inds)), inds, rotation=90, fontsize=7)
    else:
        ax.set_xticks(range(len(inds)), _indicator_labels(evaluation, inds, lang), rotation=60, ha="right",
                      fontsize=7)
    ax.set_yticks(range(len(units)), _unit_labels(evaluation, units), fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(inds)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(units)), minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(color=STATUS_COLORS.get(c, "#969696"), label=label(c, lang)) for c in cats]
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)), fontsize=8,
                   frameon=False)
    ax.set_title(title or text("chart_heatmap_title", lang), fontsize=11, loc="left")
    if illustrative:
        _illustrative_stamp(fig, lang)
    _style_text(fig)
    return fig


def plot_ranking(evaluation: pd.DataFrame, lang: str = "vi", *, illustrative: bool = False,
                 exclude: Iterable[str] = (), title: str | None = None) -> Figure:
    """Units ranked by the share (%) of their evaluated targets that are met or exceeded.

    Only rows with a conclusive attainment (met, exceeded, not met) count; the bar label
    shows "k/n". Units in ``exclude`` (e.g. the province itself) are left out.
    """
    import pandas as pd

    if "attainment" not in evaluation.columns:
        from ctxh_plan.errors import UsageError

        raise UsageError("plot_ranking needs an 'attainment' column in the evaluation frame")
    ev = evaluation[~evaluation["unit_code"].astype(str).isin(set(exclude))]
    att = ev["attainment"].astype(str)
    conclusive = att.isin(["met", "exceeded", "not_met"])
    g = pd.DataFrame({"unit_code": ev["unit_code"].astype(str), "ok": att.isin(["met", "exceeded"]),
                      "n": conclusive})[conclusive]
    summary = g.groupby("unit_code").agg(ok=("ok", "sum"), n=("n", "sum"))
    summary["share"] = 100.0 * summary["ok"] / summary["n"]
    summary = summary.sort_values(["share", "ok"], ascending=[True, True])
    fig = _new_figure((7.0, max(3.0, 0.35 * len(summary) + 1.5)))
    ax = fig.add_subplot()
    labels = _unit_labels(ev, list(summary.index))
    bars = ax.barh(labels, summary["share"], color="#2171b5")
    for bar, ok, n in zip(bars, summary["ok"], summary["n"]):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{int(ok)}/{int(n)}", va="center",
                fontsize=8)
    ax.set_xlim(0, 110)
    ax.set_xlabel(text("chart_ranking_axis", lang))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title or text("chart_ranking_title", lang), fontsize=11, loc="left")
    if not len(summary):
        ax.text(0.5, 0.5, text("chart_no_data", lang), ha="center", va="center", transform=ax.transAxes)
    if illustrative:
        _illustrative_stamp(fig, lang)
    _style_text(fig)
    return fig


def save_figure(fig: Figure, stem: str | Path, formats: Sequence[str] = ("png", "svg"), *,
                dpi: int = 150) -> list[Path]:
    """Write ``fig`` as ``stem.png`` / ``stem.svg`` (atomic writes); returns the paths written."""
    from ctxh_plan.io.atomic import atomic_path

    paths = []
    for fmt in formats:
        p = Path(f"{stem}.{fmt}")
        with atomic_path(p) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi)
        paths.append(p)
    return paths

