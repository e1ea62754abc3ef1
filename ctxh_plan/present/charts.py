"""Charts for the plan: one indicator's history, forecast fan and milestones; a unit × indicator
status grid; a ranking of units.

matplotlib is imported inside the functions with the Agg backend (no display needed).
Text uses DejaVu Serif — a serif face, like the Times New Roman of the documents, that is bundled
with matplotlib (same output on every machine) and has every Vietnamese glyph. Axis numbers are
written the Vietnamese way (``250.000``, ``12,5``; English style for ``lang="en"``), years without
a separator. Figures are returned, not shown; :func:`save_figure` writes PNG (print resolution) and
SVG atomically, :func:`figure_svg` gives the deterministic SVG text shown in the HTML reports.

What a chart costs
------------------
The indicator and tracking charts are laid out once, by arithmetic on the text they hold
(:func:`fixed_layout`: title lines, the widest tick label measured with the chart's font, legend rows),
instead of matplotlib's constrained layout, which draws every text twice more to find the same
margins; the picture is the same. Every text is created in the chart's font (no pass over the figure
afterwards). A :class:`ChartCache` (one per report :class:`~ctxh_plan.reports.plan.Plan`) keeps the
last figures by what they show and their PNG/SVG bytes, so a chart shown in the HTML report and
embedded in the Word appendix is drawn once and rendered once per format.

What an indicator chart's y axis shows
--------------------------------------
The axis is scaled to what a reader compares: the history, the 2025 target, the forecast, the
80 % band and the proposed milestones. The 95 % band is drawn in full when it at most doubles that
range; a wider one would flatten everything else, so it is cut at the frame, the cut is marked
(small triangles on the edge) and its legend entry says how far it goes.
"""
from __future__ import annotations

import functools
import math
import textwrap
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ctxh_plan.present.labels import text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ctxh_plan.data.catalog import Indicator

__all__ = [
    "FONT_FAMILY",
    "KEY_INDICATORS",
    "PRINT_DPI",
    "STATUS_COLORS",
    "AxisRange",
    "Chart",
    "ChartCache",
    "axis_range",
    "central_forecast",
    "figure_png",
    "figure_svg",
    "fixed_layout",
    "plot_indicator",
    "plot_ranking",
    "plot_status_heatmap",
    "ranking_table",
    "save_figure",
    "settled_layout",
]

FONT_FAMILY = "DejaVu Serif"
#: resolution of PNG charts embedded in Word (print quality)
PRINT_DPI = 300

#: the plan's key indicators, charted in the reports and the province appendix (in this order) unless a
#: batch file or ``params/publish.yaml`` names others: under-5 mortality, stunting, injury mortality,
#: drowning deaths, child marriages, pre-school enrolment
KEY_INDICATORS: tuple[str, ...] = ("CT03c", "CT04b", "CT11b", "DROWNING_DEATHS", "CHILD_MARRIAGES", "CT16")

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

#: the 95 % band is shown in full when it widens the axis by at most this share of the core range
_BAND95_ROOM = 1.0
_PAD = 0.08  # share of the range added above and below

_BLUE_DARK, _BLUE, _BAND, _RED, _ORANGE = "#08306b", "#2171b5", "#4292c6", "#b2182b", "#d95f02"


def _mpl() -> Any:
    """Import matplotlib with the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    return matplotlib


def _font_context() -> Any:
    """rcParams under which a chart is built: every text created inside is set in :data:`FONT_FAMILY` (the
    caller's rcParams do not matter)."""
    matplotlib = _mpl()
    return matplotlib.rc_context({"font.family": FONT_FAMILY, "svg.fonttype": "path"})


def _new_figure(size: tuple[float, float], *, layout: Literal["constrained"] | None = "constrained") -> Figure:
    """A figure of ``size`` inches; ``layout=None`` for the charts placed by :func:`fixed_layout`."""
    from matplotlib.figure import Figure

    with _font_context():
        fig = Figure(figsize=size, layout=layout)
    return fig


def _new_axes(fig: Figure) -> Axes:
    """The figure's one axes; tick labels made later (at draw time) use the chart's font too."""
    with _font_context():
        ax = fig.add_subplot()
    ax.tick_params(labelfontfamily=FONT_FAMILY)
    return ax


#: pickled blank charts (figure + axes in the chart's font, ticks made), by size and rcParams
_BLANKS: OrderedDict[tuple[tuple[float, float], int], bytes] = OrderedDict()
#: whether :func:`_blank_chart` copies a pickled blank chart (the same figure, drawn the same, bytes for bytes,
#: as a new one: tested) instead of building the axes and their ticks again
USE_BLANK_TEMPLATES = True


def _blank_chart(size: tuple[float, float]) -> tuple[Figure, Axes]:
    """A new figure of ``size`` with one axes for :func:`fixed_layout`: a copy of a blank chart made once per
    process (building an axes and its ticks costs several times more than unpickling a copy)."""
    import pickle

    if not USE_BLANK_TEMPLATES:
        fig = _new_figure(size, layout=None)
        return fig, _new_axes(fig)
    matplotlib = _mpl()
    key = (size, hash(repr(list(dict.items(matplotlib.rcParams)))))  # another rcParams: another blank chart
    blob = _BLANKS.get(key)
    if blob is None:
        fig = _new_figure(size, layout=None)
        ax = _new_axes(fig)
        ax.xaxis.get_major_ticks(9)  # the ticks a chart needs, made once (later settings reach them all)
        ax.yaxis.get_major_ticks(8)
        blob = _BLANKS[key] = pickle.dumps(fig)
        while len(_BLANKS) > 8:
            _BLANKS.popitem(last=False)
    fig = pickle.loads(blob)
    return fig, fig.axes[0]


def _style_text(fig: Figure) -> None:
    """Set the serif family explicitly on every text of the figure (for figures built outside
    :func:`_font_context`; the charts of this module need not call it)."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        t.set_fontfamily(FONT_FAMILY)


# --------------------------------------------------------------------------- fixed layout

#: space around and between the parts of a chart, in points (constrained layout's default pads)
_LAYOUT_PAD = 3.0


@functools.lru_cache(maxsize=4096)
def _raw_extent(text_: str, size: float) -> tuple[float, float, float]:
    """(width, height, descent) in points of one line of ``text_`` at ``size`` points in :data:`FONT_FAMILY`."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    if not text_:
        return 0.0, 0.0, 0.0
    prop = FontProperties(family=FONT_FAMILY, size=size)
    w, h, d = text_to_path.get_text_width_height_descent(text_, prop, ismath=False)
    return float(w), float(h), float(d)


def _text_width(text_: str, size: float) -> float:
    """Width in points of the widest line of ``text_``."""
    return max((_raw_extent(line, size)[0] for line in text_.split("\n")), default=0.0)


def _lines_height(text_: str, size: float, linespacing: float = 1.2) -> float:
    """Height in points of a (multi-line) text as matplotlib lays it out (``Text._get_layout``: every line at
    least as high as "lp", baselines ``linespacing`` apart)."""
    if not text_:
        return 0.0
    _w, lp_h, lp_d = _raw_extent("lp", size)
    min_dy = (lp_h - lp_d) * linespacing
    total, prev_d = 0.0, 0.0
    for i, line in enumerate(text_.split("\n")):
        _w, h, d = _raw_extent(line, size)
        h, d = max(h, lp_h), max(d, lp_d)
        total = (h - d) if i == 0 else total + prev_d + max(min_dy, (h - d) * linespacing)
        prev_d = d
    return total + prev_d


def _legend_height(rows: int, fontsize: float) -> float:
    """Height in points of a frameless legend of ``rows`` rows at ``fontsize``."""
    import matplotlib

    if rows <= 0:
        return 0.0
    rc = matplotlib.rcParams
    row = max(_lines_height("Dữ liệu", fontsize), rc["legend.handleheight"] * fontsize)
    return 2 * rc["legend.borderpad"] * fontsize + rows * row + (rows - 1) * rc["legend.labelspacing"] * fontsize


def fixed_layout(fig: Figure, ax: Axes, *, title: str = "", title_size: float = 11.0, ytick_labels: Sequence[str] = (),
                 ylabel: str = "", xlabel: str = "", last_xtick: str = "", legend_rows: int = 0,
                 legend_fontsize: float = 8.0) -> float:
    """Place ``ax`` in ``fig`` leaving room for its title, y label and tick labels, x tick labels and label, and a
    legend of ``legend_rows`` rows under everything (the margins constrained layout would find, computed from the
    texts' sizes instead of drawing them: a fraction of the cost).

    Returns
    -------
    float
        Where the legend's lower edge goes, in figure coordinates (``fig.legend(loc="lower center",
        bbox_to_anchor=(0.5, y), borderaxespad=0)``).
    """
    import matplotlib

    rc = matplotlib.rcParams
    pad = _LAYOUT_PAD
    tick_room = rc["ytick.major.size"] + rc["ytick.major.pad"]
    label_size = 10.0
    w_in, h_in = fig.get_size_inches()
    width, height = 72.0 * float(w_in), 72.0 * float(h_in)
    widest = max((_text_width(t, label_size) for t in ytick_labels), default=0.0)
    left = pad + widest + tick_room
    if ylabel:
        left += _lines_height(ylabel, label_size) + rc["axes.labelpad"]
    right = pad
    if last_xtick:  # half the last year label, less the room the x margin leaves after its tick
        lo, hi = ax.get_xlim()
        room = (hi - float(last_xtick)) / (hi - lo) * (width - left - pad) if hi > lo else 0.0
        right += max(0.0, _text_width(last_xtick, label_size) / 2.0 - room)
    top = pad + (_lines_height(title, title_size) + rc["axes.titlepad"] if title else 0.0)
    legend = _legend_height(legend_rows, legend_fontsize)
    xtick_room = rc["xtick.major.size"] + rc["xtick.major.pad"] + _lines_height("2020", label_size)
    bottom = pad + xtick_room
    if xlabel:
        bottom += rc["axes.labelpad"] + _lines_height(xlabel, label_size)
    if legend:
        bottom += pad + legend
    ax_w, ax_h = width - left - right, height - top - bottom
    ax.set_position((left / width, bottom / height, ax_w / width, ax_h / height))
    # the axis labels where matplotlib would put them, without measuring every tick label at each draw
    ax.yaxis.set_label_coords(-(widest + tick_room + rc["axes.labelpad"]) / ax_w, 0.5)
    ax.xaxis.set_label_coords(0.5, -(xtick_room + rc["axes.labelpad"]) / ax_h)
    return pad / height


def _legend_rows(n: int, ncol: int) -> int:
    return -(-n // ncol) if n else 0


def _illustrative_stamp(fig: Figure, lang: str) -> None:
    fig.text(0.995, 0.995, text("illustrative", lang), ha="right", va="top", fontsize=8,
             color=_RED, style="italic", fontfamily=FONT_FAMILY)


def _style(lang: str) -> str:
    return "vi" if lang == "vi" else "en"


def _tick_decimals(locs: Sequence[float]) -> int:
    """Fewest decimals that write every tick of ``locs`` exactly (0 for 0, 5, 10…; 1 for 2,5; 2 for 0,25)."""
    for dec in range(4):
        if all(abs(round(x, dec) - x) < 1e-9 * max(1.0, abs(x)) for x in locs):
            return dec
    return 4


def _number_formatter(lang: str) -> Any:
    """A matplotlib tick formatter writing numbers the Vietnamese (or English) way, with as many decimals
    as the ticks need (the same for every tick of the axis)."""
    from matplotlib.ticker import Formatter

    from ctxh_plan.data.numbers import format_number

    style = _style(lang)

    class _Numbers(Formatter):
        ticks: list[float] = []  # noqa: RUF012 - replaced per instance by set_locs

        def set_locs(self, locs: Sequence[float]) -> None:
            self.ticks = [float(v) for v in locs]

        def __call__(self, x: float, pos: int | None = None) -> str:
            text_ = format_number(float(x), _tick_decimals(self.ticks or [float(x)]), style=style)
            return text_.replace("-", "\u2212") if text_.startswith("-") else text_

    return _Numbers()


def _year_axis(ax: Axes) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: str(round(x))))


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
    items = dict(proposal.items() if hasattr(proposal, "items") else dict(proposal).items())
    pts: dict[int, Any] = {}
    for k, v in items.items():
        key = str(k)
        if key.startswith("milestone_") and key[10:].isdigit():
            pts[int(key[10:])] = v
        elif key.isdigit():
            pts[int(key)] = v
    if "target_2030" in items and 2030 not in pts:
        pts[2030] = items["target_2030"]
    s = pd.to_numeric(pd.Series(pts, dtype=object), errors="coerce").astype(float)
    return s.sort_index()


def _finite(values: Iterable[Any]) -> list[float]:
    out = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            out.append(f)
    return out


@dataclass(frozen=True)
class AxisRange:
    """The y range of an indicator chart.

    Attributes
    ----------
    low, high : float
        Axis limits, in the indicator's unit.
    band95_low, band95_high : float or None
        Where the 95 % band really goes when it is cut at the frame (None: that side is not cut).
    """

    low: float
    high: float
    band95_low: float | None = None
    band95_high: float | None = None

    @property
    def clipped(self) -> bool:
        return self.band95_low is not None or self.band95_high is not None


def axis_range(core: Iterable[Any], band95: Iterable[Any] = (), *,
               bounds: tuple[float | None, float | None] = (None, None), min_span: float | None = None) -> AxisRange:
    """The y range of an indicator chart: the ``core`` values (history, targets, milestones, forecast and
    its 80 % band) with a margin; the ``band95`` values too when they widen that range by at most its
    own size, else the band is cut and the cut recorded. ``bounds`` (e.g. 0 and 100 for a percentage)
    limit the axis. ``min_span`` (1 for counts): the core range is at least this wide, so a count that
    stayed at 0 is drawn on a 0–1 axis, not on a sliver above 0.
    """
    lo_b, hi_b = bounds
    core_v = _finite(core)
    band_v = _finite(band95)
    if not core_v:
        core_v = band_v or [0.0, 1.0]
    c_lo, c_hi = min(core_v), max(core_v)
    if min_span is not None and c_hi - c_lo < min_span:
        grow = min_span - (c_hi - c_lo)
        c_lo, c_hi = c_lo - grow / 2.0, c_hi + grow / 2.0
        if lo_b is not None and c_lo < lo_b:
            c_lo, c_hi = lo_b, c_hi + (lo_b - c_lo)
        if hi_b is not None and c_hi > hi_b:
            c_lo, c_hi = c_lo - (c_hi - hi_b), hi_b
    span = c_hi - c_lo
    if span <= 0:
        span = max(abs(c_hi) * 0.2, 1.0)
    cut_lo = cut_hi = None
    lo, hi = c_lo, c_hi
    if band_v:
        b_lo, b_hi = min(band_v), max(band_v)
        if lo_b is not None:
            b_lo = max(b_lo, lo_b)
        if hi_b is not None:
            b_hi = min(b_hi, hi_b)
        room = _BAND95_ROOM * span
        if b_lo < lo:
            lo, cut_lo = (b_lo, None) if lo - b_lo <= room else (lo, b_lo)
        if b_hi > hi:
            hi, cut_hi = (b_hi, None) if b_hi - hi <= room else (hi, b_hi)
    pad = _PAD * max(hi - lo, span)
    low, high = lo - pad, hi + pad
    if lo_b is not None and low < lo_b:
        low = lo_b
    if hi_b is not None and high > hi_b:  # at the bound: a sliver of room for the markers, no tick beyond it
        high = hi_b + (0.03 * (hi_b - low) if hi >= hi_b else 0.0)
    if cut_lo is not None and cut_lo >= low:
        cut_lo = None
    if cut_hi is not None and cut_hi <= high:
        cut_hi = None
    return AxisRange(low, high, cut_lo, cut_hi)


def _band95_label(rng: AxisRange, lang: str) -> str:
    from ctxh_plan.data.numbers import format_number

    base = text("chart_band95", lang)
    if not rng.clipped:
        return base

    def fmt(v: float) -> str:
        return format_number(v, _tick_decimals([round(v, 1)]), style=_style(lang))

    if rng.band95_low is not None and rng.band95_high is not None:
        extent = f"{fmt(rng.band95_low)}–{fmt(rng.band95_high)}"
    elif rng.band95_high is not None:
        extent = text("chart_up_to", lang, value=fmt(rng.band95_high))
    else:
        extent = text("chart_down_to", lang, value=fmt(rng.band95_low or 0.0))
    return f"{base} ({text('chart_band95_cut', lang)}, {extent})"


def central_forecast(forecast: pd.DataFrame) -> Any:
    """The central line of a forecast (array, one value per row): the ``mean`` column, except on rows of the count
    model (``dist_mu`` set), whose ``mean`` is the predictive *median* — 0 for small expected counts — and which
    draw the predictive mean ``dist_loc + dist_scale · dist_mu`` (the count model's expected value) instead."""
    import numpy as np
    import pandas as pd

    mean = pd.to_numeric(forecast["mean"], errors="coerce").to_numpy(dtype=float) if "mean" in forecast \
        else np.full(len(forecast), np.nan)
    if "dist_mu" not in forecast.columns:
        return mean

    def col(name: str, default: float) -> Any:
        if name not in forecast.columns:
            return np.full(len(forecast), default)
        return pd.to_numeric(forecast[name], errors="coerce").to_numpy(dtype=float)

    mu, loc, scale = col("dist_mu", np.nan), col("dist_loc", 0.0), col("dist_scale", 1.0)
    loc = np.where(np.isnan(loc), 0.0, loc)
    scale = np.where(np.isnan(scale), 1.0, scale)
    expected = loc + scale * mu
    return np.where(np.isnan(mu), mean, expected)


def _is_count_forecast(forecast: pd.DataFrame) -> bool:
    import pandas as pd

    return "dist_mu" in forecast.columns and bool(pd.to_numeric(forecast["dist_mu"], errors="coerce").notna().any())


#: share of the axis height kept between the 2025 target (line and marker) and the top or bottom of the frame
_TARGET_ROOM = 0.05


def _room_for(value: float, rng: AxisRange, bounds: tuple[float | None, float | None] = (None, None)) -> AxisRange:
    """``rng`` widened so that ``value`` (the 2025 target) sits at least :data:`_TARGET_ROOM` of the axis height
    inside the frame: a target above (below) everything else is never drawn on the edge, half cut. At a bound the
    axis stops there (0) or runs a sliver past it (100 %), as :func:`axis_range` does."""
    low, high = rng.low, rng.high
    span = high - low
    if span <= 0:
        return rng
    lo_b, hi_b = bounds
    room = _TARGET_ROOM * span
    if value > high - room:
        high = value + room
        if hi_b is not None:
            high = min(high, max(rng.high, hi_b + 0.03 * (hi_b - low)))
    if value < low + room:
        low = value - room
        if lo_b is not None:
            low = max(low, min(rng.low, lo_b))
    return AxisRange(low, high, rng.band95_low, rng.band95_high)


def _value_axes(ax: Axes, *, is_count: bool, bounds: tuple[float | None, float | None], lang: str) -> tuple[Any, Any]:
    """Y ticks of a chart of values (whole numbers for counts, never past the indicator's bounds, Vietnamese
    number format) and the year axis; returns (locator, formatter) for the layout."""
    from matplotlib.ticker import MaxNLocator

    locator = _bounded_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=is_count,
                                           min_n_ticks=1 if is_count else 3), bounds)
    formatter = _number_formatter(lang)
    ax.yaxis.set_major_locator(locator)
    ax.yaxis.set_major_formatter(formatter)
    _year_axis(ax)
    return locator, formatter


def _bounded_locator(inner: Any, bounds: tuple[float | None, float | None]) -> Any:
    """A y locator keeping only the ticks of ``inner`` inside the indicator's ``bounds`` (an axis may run a sliver
    past 100 % to give a marker room, never a tick beyond it)."""
    from matplotlib.ticker import Locator

    class _Bounded(Locator):
        def __call__(self) -> Any:
            assert self.axis is not None  # set by the axis that uses the locator
            vmin, vmax = self.axis.get_view_interval()
            return self.tick_values(vmin, vmax)

        def tick_values(self, vmin: float, vmax: float) -> Any:
            import numpy as np

            inner.set_axis(self.axis)
            ticks = np.asarray(inner.tick_values(vmin, vmax), dtype=float)
            lo_b, hi_b = bounds
            keep = np.ones(len(ticks), dtype=bool)
            if lo_b is not None:
                keep &= ticks >= lo_b - 1e-9
            if hi_b is not None:
                keep &= ticks <= hi_b + 1e-9
            return ticks[keep]

    return _Bounded()


def _y_ticks(ax: Axes, locator: Any, formatter: Any, low: float, high: float) -> list[str]:
    """The y tick labels the axis will show between ``low`` and ``high`` (to size the left margin)."""
    locator.set_axis(ax.yaxis)
    locs = [float(v) for v in locator.tick_values(low, high) if low - 1e-9 <= v <= high + 1e-9]
    formatter.set_locs(locs)
    return [formatter(v) for v in locs]


def plot_indicator(history: Any, *, target_2025: float | None = None, forecast: pd.DataFrame | None = None,
                   proposal: Any = None, indicator: Indicator | None = None, lang: str = "vi",
                   illustrative: bool = False, title: str | None = None) -> Figure:
    """Chart of one indicator for one unit.

    Parameters
    ----------
    history : Series (index = year) or frame with ``year, value``
        Observed values in the indicator's unit (percent as 0–100). NaN years (e.g. suppressed) are skipped.
    target_2025 : float, optional
        The 2021–2025 plan's target, drawn as a dotted line with a marker at 2025 (one legend entry); the axis
        keeps room around it.
    forecast : DataFrame, optional
        Rows ``year, mean, lo80, hi80, lo95, hi95`` (forecasts frame of one unit and indicator). Rows of the
        count model (``dist_mu, dist_loc, dist_scale`` set) draw their predictive mean (expected value), not
        their median (:func:`central_forecast`).
    proposal : mapping, optional
        A proposals row (``milestone_2026…2030``, ``target_2030``) or ``{year: value}``.
    indicator : Indicator, optional
        For the title, unit of measure (y axis), bounds and whether values are counts (whole ticks).
    lang : "vi" or "en"
    illustrative : bool
        Stamp "Dữ liệu minh họa" / "Illustrative data" on the chart.
    title : str, optional
        Default: the indicator's name.

    Returns
    -------
    matplotlib.figure.Figure
        The y axis is scaled as :func:`axis_range` says; the legend sits under the plot; the layout is fixed
        (:func:`fixed_layout`).
    """
    with _font_context():
        return _plot_indicator(history, target_2025=target_2025, forecast=forecast, proposal=proposal,
                               indicator=indicator, lang=lang, illustrative=illustrative, title=title)


def _plot_indicator(history: Any, *, target_2025: float | None, forecast: pd.DataFrame | None, proposal: Any,
                    indicator: Indicator | None, lang: str, illustrative: bool, title: str | None) -> Figure:
    import numpy as np

    fig, ax = _blank_chart((7.5, 4.4))
    hist = _as_year_series(history).dropna()
    target = None
    if target_2025 is not None and not (isinstance(target_2025, float) and math.isnan(target_2025)):
        target = float(target_2025)
    pts = _proposal_points(proposal).dropna()
    fc = forecast.sort_values("year") if forecast is not None and len(forecast) else None
    central = central_forecast(fc) if fc is not None else None
    core: list[Any] = [*hist.values, *pts.values, *([target] if target is not None else [])]
    band95: list[Any] = []
    if fc is not None and central is not None:
        core += [*central, *fc.get("lo80", []), *fc.get("hi80", [])]
        band95 = [*fc.get("lo95", []), *fc.get("hi95", [])]
    bounds: tuple[float | None, float | None] = (None, None)
    is_count = indicator is not None and indicator.kind.value in ("count", "yes_no")
    if indicator is not None:
        bounds = (indicator.bounds[0], indicator.bounds[1])
    rng = axis_range(core, band95, bounds=bounds, min_span=1.0 if is_count else None)
    if target is not None:
        rng = _room_for(target, rng, bounds)
    handles: list[Any] = []
    labels: list[str] = []
    if len(hist):
        (h,) = ax.plot(hist.index, hist.values, marker="o", color=_BLUE_DARK, lw=2, clip_on=False, zorder=4)
        handles.append(h)
        labels.append(text("chart_history", lang))
    if fc is not None and central is not None:
        years = fc["year"].astype(int).to_numpy()
        for lo, hi, alpha, key in (("lo95", "hi95", 0.18, "band95"), ("lo80", "hi80", 0.32, "band80")):
            if lo in fc and hi in fc:
                band = ax.fill_between(years, fc[lo].astype(float).clip(rng.low, rng.high),
                                       fc[hi].astype(float).clip(rng.low, rng.high), color=_BAND, alpha=alpha, lw=0)
                handles.append(band)
                labels.append(_band95_label(rng, lang) if key == "band95" else text("chart_band80", lang))
        if rng.clipped and {"lo95", "hi95"} <= set(fc.columns):
            for col, edge, symbol in (("hi95", rng.high, "^"), ("lo95", rng.low, "v")):
                over = fc[col].astype(float) > edge if symbol == "^" else fc[col].astype(float) < edge
                if over.any():
                    ax.plot(years[over.to_numpy()], [edge] * int(over.sum()), ls="none", marker=symbol, ms=6,
                            color=_BAND, clip_on=False, zorder=5)
        if "mean" in fc or "dist_mu" in fc:
            xs, ys = years, central
            if len(hist):  # join the forecast to the last observation
                xs, ys = np.r_[hist.index[-1], xs], np.r_[hist.values[-1], ys]
            (h,) = ax.plot(xs, ys, color=_BLUE, ls="--", lw=1.8)
            handles.append(h)
            labels.append(text("chart_forecast_mean" if _is_count_forecast(fc) else "chart_forecast", lang))
    if target is not None:
        line = ax.axhline(target, color=_RED, ls=":", lw=1.4)
        (mark,) = ax.plot([2025], [target], marker="D", color=_RED, ls="none", clip_on=False, zorder=5)
        handles.append((line, mark))
        labels.append(text("chart_target_2025", lang))
    if len(pts):
        (h,) = ax.plot(pts.index, pts.values, marker="s", color=_ORANGE, lw=1.4, ms=5, clip_on=False, zorder=4)
        handles.append(h)
        labels.append(text("chart_milestones", lang))
    if not len(hist) and fc is None and not len(pts):
        ax.text(0.5, 0.5, text("chart_no_data", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_ylim(rng.low, rng.high)
    locator, formatter = _value_axes(ax, is_count=is_count, bounds=bounds, lang=lang)
    ylabel = ""
    if indicator is not None:
        ylabel = indicator.unit(lang)
        ax.set_ylabel(ylabel)
        title = title or indicator.name(lang)
    title_text = "\n".join(textwrap.wrap(title, 80)) if title else ""
    if title_text:  # y given: no search for tick labels above the frame at each draw
        ax.set_title(title_text, fontsize=11, loc="left", y=1.0)
    ax.set_xlabel(text("chart_year", lang))
    ax.grid(True, color="#e0e0e0", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ncol = 3
    legend_at = fixed_layout(fig, ax, title=title_text, ytick_labels=_y_ticks(ax, locator, formatter, rng.low,
                                                                                  rng.high),
                               ylabel=ylabel, xlabel=text("chart_year", lang), last_xtick=_last_year(ax),
                               legend_rows=_legend_rows(len(handles), ncol))
    if handles:
        from matplotlib.legend_handler import HandlerTuple

        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, legend_at), ncol=ncol, fontsize=8,
                   frameon=False, borderaxespad=0.0, handler_map={tuple: HandlerTuple(ndivide=None)})
    if illustrative:
        _illustrative_stamp(fig, lang)
    return fig


def _last_year(ax: Axes) -> str:
    """The rightmost year tick label (half of it may stand out of the frame on the right)."""
    lo, hi = ax.get_xlim()
    locs = [v for v in ax.xaxis.get_major_locator().tick_values(lo, hi) if lo - 1e-9 <= v <= hi + 1e-9]
    return str(round(max(locs))) if locs else ""


def _status_column(evaluation: pd.DataFrame, status: str | None) -> str:
    for col in ([status] if status else ["progress_category", "attainment", "unsd_category"]):
        if col in evaluation.columns:
            return col
    from ctxh_plan.errors import UsageError

    raise UsageError("the evaluation frame has no progress_category / attainment column to colour by")


def _names(evaluation: pd.DataFrame, key: str, name_col: str, codes: Sequence[str]) -> list[str]:
    """Names for ``codes`` from ``name_col`` of the frame (the code when a name is missing)."""
    if name_col not in evaluation.columns:
        return list(codes)
    names = evaluation.drop_duplicates(key).set_index(key)[name_col]
    out = []
    for c in codes:
        n = names.get(c)
        out.append(str(n) if isinstance(n, str) and n.strip() else c)
    return out


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


_GOOD = ("met", "exceeded")


def ranking_table(evaluation: pd.DataFrame, *, exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Per unit: targets evaluated (``n``: every row of the unit, as its report counts them), met or
    exceeded (``good``), not met (``not_met``), the rest (``other``: not concluded, insufficient data),
    and ``share`` = good / n × 100; best first (ties: more targets met, then unit code).
    """
    import pandas as pd

    if "attainment" not in evaluation.columns:
        from ctxh_plan.errors import UsageError

        raise UsageError("the ranking needs an 'attainment' column in the evaluation frame")
    ev = evaluation[~evaluation["unit_code"].astype(str).isin(set(exclude))]
    att = ev["attainment"].astype(str)
    g = pd.DataFrame({"unit_code": ev["unit_code"].astype(str), "good": att.isin(_GOOD),
                      "not_met": att == "not_met"})
    out = g.groupby("unit_code", sort=False).agg(n=("good", "size"), good=("good", "sum"), not_met=("not_met", "sum"))
    out["other"] = out["n"] - out["good"] - out["not_met"]
    out["share"] = 100.0 * out["good"] / out["n"]
    out = out.reset_index()
    return out.sort_values(["share", "good", "unit_code"], ascending=[False, False, True]).reset_index(drop=True)


def _with_chart_font(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the chart under :func:`_font_context` (every text in the chart's font, no pass afterwards)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with _font_context():
            return func(*args, **kwargs)

    return wrapper


@_with_chart_font
def plot_status_heatmap(evaluation: pd.DataFrame, lang: str = "vi", *, status: str | None = None,
                        illustrative: bool = False, title: str | None = None) -> Figure:
    """Indicator (rows) × unit (columns) grid coloured by the progress category of each target.

    Rows carry the indicators' names, columns the units' names. Units are in the order of the
    ranking (:func:`ranking_table`: share of targets met, best at the left); indicators by how
    well the units do on them (best at the top). The subtitle says what a cell is.

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
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ctxh_plan.vocab import label

    col = _status_column(evaluation, status)
    ev = evaluation.assign(unit_code=evaluation["unit_code"].astype(str),
                           indicator_code=evaluation["indicator_code"].astype(str))
    units = list(ranking_table(ev)["unit_code"]) if "attainment" in ev.columns else list(dict.fromkeys(ev["unit_code"]))
    rank = {s: k for k, s in enumerate(_STATUS_ORDER)}
    score = ev.assign(_r=[rank.get(str(s), len(rank)) for s in ev[col]])
    first = {c: k for k, c in enumerate(dict.fromkeys(ev["indicator_code"]))}
    mean = score.groupby("indicator_code")["_r"].mean()
    inds = sorted(first, key=lambda c: (mean.get(c, len(rank)), first[c]))
    present = [s for s in _STATUS_ORDER if s in set(ev[col].astype(str))]
    extra = sorted(set(ev[col].dropna().astype(str)) - set(_STATUS_ORDER))
    cats = present + extra
    code = {c: i for i, c in enumerate(cats)}
    grid = np.full((len(inds), len(units)), np.nan)
    ui = {u: j for j, u in enumerate(units)}
    ii = {c: i for i, c in enumerate(inds)}
    for u, i, s in zip(ev["unit_code"], ev["indicator_code"], ev[col]):
        if isinstance(s, str) and u in ui:
            grid[ii[i], ui[u]] = code[s]
    name_col = "indicator_name_vi" if lang == "vi" else "indicator_name_en"
    row_labels = [_wrap(n, 66) for n in _names(ev, "indicator_code", name_col, inds)]
    col_labels = [_wrap(n, 18) for n in _names(ev, "unit_code", "unit_name", units)]
    lines = sum(lbl.count("\n") + 1 for lbl in row_labels)
    height = 0.17 * lines + 0.07 * len(inds) + 2.8
    width = min(13.0, 5.0 + 0.45 * len(units))
    fig = _new_figure((width, max(3.5, height)))
    ax = _new_axes(fig)
    colors = [STATUS_COLORS.get(c, "#969696") for c in cats] or ["#d9d9d9"]
    cmap = ListedColormap(colors).with_extremes(bad="white")
    # one colour per cell, never resampled: sharp cells at any size, an SVG that does not depend on the resolution
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5, vmax=len(colors) - 0.5, aspect="auto",
              interpolation="none")
    ax.set_yticks(range(len(inds)), row_labels, fontsize=8)
    ax.set_xticks(range(len(units)), col_labels, rotation=45, ha="left", rotation_mode="anchor", fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_xticks(np.arange(-0.5, len(units)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(inds)), minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="both", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=STATUS_COLORS.get(c, "#969696"), label=label(c, lang)) for c in cats]
    # the legend carries the note saying what a cell is (the layout makes room for both)
    fig.legend(handles=handles, loc="outside lower center", ncol=max(1, min(4, len(handles))), fontsize=8,
               frameon=False, title=_wrap(text("chart_heatmap_note", lang), int(width * 12)), title_fontsize=8,
               alignment="left")
    fig.suptitle(title or text("chart_heatmap_title", lang), fontsize=11, x=0.01, ha="left")
    if illustrative:
        _illustrative_stamp(fig, lang)
    return fig


@_with_chart_font
def plot_ranking(evaluation: pd.DataFrame, lang: str = "vi", *, illustrative: bool = False,
                 exclude: Iterable[str] = (), title: str | None = None) -> Figure:
    """Units ranked by the share (%) of their targets that are met or exceeded, best at the top.

    The denominator is every target of the unit's evaluation — the number its own report gives —
    so a bar reads "k/n" with the same n as the unit report; the bar is split into met or exceeded,
    not met, and not concluded (or without enough data). Units in ``exclude`` (e.g. the province
    itself) are left out.
    """
    from matplotlib.patches import Patch

    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.vocab import label

    summary = ranking_table(evaluation, exclude=exclude)
    names = _names(evaluation.assign(unit_code=evaluation["unit_code"].astype(str)), "unit_code", "unit_name",
                   list(summary["unit_code"]))
    fig = _new_figure((7.5, max(3.2, 0.34 * len(summary) + 2.0)))
    ax = _new_axes(fig)
    ys = list(range(len(summary)))[::-1]  # best at the top
    n = summary["n"].clip(lower=1).astype(float)
    parts = (("good", "#1a9850", text("chart_ranking_good", lang)), ("not_met", "#d73027", label("not_met", lang)),
             ("other", "#bdbdbd", text("chart_ranking_other", lang)))
    left = [0.0] * len(summary)
    for col, colour, _key in parts:
        widths = (100.0 * summary[col] / n).tolist()
        ax.barh(ys, widths, left=left, color=colour, height=0.7, edgecolor="white", lw=0.5)
        left = [a + b for a, b in zip(left, widths)]
    for y, good, total, share in zip(ys, summary["good"], summary["n"], summary["share"]):
        ax.text(101.5, y, f"{int(good)}/{int(total)} ({format_number(share, 0, style=_style(lang))}%)",
                va="center", fontsize=8)
    ax.set_yticks(ys, names, fontsize=8.5)
    top = len(summary) - 0.4
    ax.set_ylim(top - max(len(summary), 4), top)  # with few units the bars keep their thickness, at the top
    ax.set_xlim(0, 122)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(_number_formatter(lang))
    ax.set_xlabel(text("chart_ranking_axis", lang))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    fig.suptitle(title or text("chart_ranking_title", lang), fontsize=11, x=0.01, ha="left")
    ax.set_title(_wrap(text("chart_ranking_note", lang), 110), fontsize=8, loc="left", color="#404040")
    handles = [Patch(color=colour, label=name) for _col, colour, name in parts]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    if not len(summary):
        ax.text(0.5, 0.5, text("chart_no_data", lang), ha="center", va="center", transform=ax.transAxes)
    if illustrative:
        _illustrative_stamp(fig, lang)
    return fig


def figure_svg(fig: Figure, dpi: float | None = None) -> str:
    """SVG text of ``fig`` that depends only on the figure (fixed element ids, no date), for HTML and the
    appendix's ``.svg`` files. ``dpi`` matters only for raster parts (the heatmap's cells)."""
    import io

    matplotlib = _mpl()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "ctxh_plan", "svg.fonttype": "path"}):
        # matplotlib's SVG, with text sizes and glyph outlines computed once per process (same bytes)
        fig.savefig(buf, format="svg", dpi=dpi or fig.dpi, metadata={"Date": None, "Creator": None},
                    backend="module://ctxh_plan.present.svg_backend")
    return buf.getvalue()


def figure_png(fig: Figure, dpi: float = 90) -> bytes:
    """PNG bytes of ``fig`` at ``dpi``, without the software stamp (the same bytes on every run)."""
    import io

    _mpl()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


class Chart:
    """A chart known by what it shows (``key``) and how to draw it (``make``): drawn when a format is first asked
    for, each format rendered once (the bytes are kept by its :class:`ChartCache`)."""

    def __init__(self, cache: ChartCache, key: str, make: Callable[[], Figure], *, raster: bool = False) -> None:
        self.cache = cache
        self.key = key
        self.make = make
        #: whether the figure has raster parts (the heatmap's cells): its SVG then depends on the resolution
        self.raster = raster

    @property
    def figure(self) -> Figure:
        """The matplotlib figure (drawn once while the cache keeps it)."""
        return self.cache._figure(self.key, self.make)

    def svg(self, dpi: float | None = None) -> str:
        """:func:`figure_svg` of the chart (a vector chart's SVG does not depend on ``dpi``)."""
        res = (dpi or 100.0) if self.raster else 0.0
        out: str = self.cache._rendered((self.key, "svg", float(res)), lambda: figure_svg(self.figure, dpi))
        return out

    def png(self, dpi: float = PRINT_DPI) -> bytes:
        """:func:`figure_png` of the chart at ``dpi``."""
        out: bytes = self.cache._rendered((self.key, "png", float(dpi)), lambda: figure_png(self.figure, dpi))
        return out


class ChartCache:
    """Charts keyed by what they show, the last figures drawn and their rendered bytes per format and resolution.

    A report shows a chart in HTML (SVG) and its appendix embeds the same chart in Word (PNG) and writes its
    ``.svg`` beside it: with one cache for both, the figure is drawn once and rendered once per format. Charts are
    keyed by their inputs (:func:`indicator_key` normalises them: the same history, target, forecast, milestones,
    indicator, language and stamp give the same key however the frames were sliced), so two callers that build
    their inputs differently still share a chart when it would look the same — and two units whose charts are
    identical (communes sharing a former district's re-based rates) share one drawing.

    Only the last ``figures`` figures are kept (a figure holds thousands of Python objects the garbage collector
    walks) and the last ``renders`` rendered files (plain bytes); ``0`` keeps nothing. ``shared``: a folder where
    the processes of one batch run (its kernels) leave their rendered files for each other, by key — a chart
    another kernel already rendered is read, not drawn.
    """

    def __init__(self, figures: int = 2, renders: int = 64, *, shared: str | Path | None = None) -> None:
        self.max_figures = figures
        self.max_renders = renders
        self.shared = Path(shared) if shared else None
        self._figures: OrderedDict[str, Any] = OrderedDict()
        self._bytes: OrderedDict[tuple[str, str, float], Any] = OrderedDict()
        self.draws = 0
        self.renders = 0

    def chart(self, key: str, make: Callable[[], Figure], *, raster: bool = False) -> Chart:
        """The chart ``key`` drawn by ``make`` (nothing is drawn yet)."""
        return Chart(self, key, make, raster=raster)

    def _figure(self, key: str, make: Callable[[], Figure]) -> Figure:
        fig = self._figures.get(key)
        if fig is not None:
            self._figures.move_to_end(key)
            return fig
        fig = make()
        self.draws += 1
        if self.max_figures:
            self._figures[key] = fig
            while len(self._figures) > self.max_figures:
                self._figures.popitem(last=False)
        return fig

    def _rendered(self, key: tuple[str, str, float], render: Callable[[], Any]) -> Any:
        out = self._bytes.get(key)
        if out is not None:
            self._bytes.move_to_end(key)
            return out
        out = self._read_shared(key)
        if out is None:
            out = render()
            self.renders += 1
            self._write_shared(key, out)
        if self.max_renders:
            self._bytes[key] = out
            while len(self._bytes) > self.max_renders:
                self._bytes.popitem(last=False)
        return out

    def forget_figures(self) -> None:
        """Drop the figures kept (their rendered bytes stay)."""
        self._figures.clear()

    def _shared_path(self, key: tuple[str, str, float]) -> Path | None:
        if self.shared is None:
            return None
        import hashlib

        chart, fmt, dpi = key
        return self.shared / f"{hashlib.sha256(f'{chart}|{dpi!r}'.encode()).hexdigest()[:40]}.{fmt}"

    def _read_shared(self, key: tuple[str, str, float]) -> Any:
        path = self._shared_path(key)
        if path is None or not path.is_file():
            return None
        try:
            data = path.read_bytes()  # written whole by another kernel (atomic rename)
        except OSError:
            return None
        return data.decode("utf-8") if key[1] == "svg" else data

    def _write_shared(self, key: tuple[str, str, float], out: Any) -> None:
        path = self._shared_path(key)
        if path is None:
            return
        import os
        import tempfile

        from ctxh_plan.io.atomic import TMP_PREFIX

        try:  # whole or not at all (rename), but no fsync: a cache for this run, not an output
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(out.encode("utf-8") if isinstance(out, str) else out)
            os.replace(tmp, path)
        except OSError:  # the run's shared folder is a help, never a condition
            pass

    def indicator(self, history: Any, **kwargs: Any) -> Chart:
        """:func:`plot_indicator` (same arguments) as a :class:`Chart`."""
        return self.chart(indicator_key(history, **kwargs), lambda: plot_indicator(history, **kwargs))

    def heatmap(self, evaluation: pd.DataFrame, lang: str = "vi", **kwargs: Any) -> Chart:
        """:func:`plot_status_heatmap` (same arguments) as a :class:`Chart`."""
        name_col = "indicator_name_vi" if lang == "vi" else "indicator_name_en"
        cols = ["unit_code", "indicator_code", "progress_category", "attainment", "unsd_category", "unit_name",
                name_col, str(kwargs.get("status") or "")]
        key = "heatmap:" + _frame_key(evaluation, cols) + repr((lang, sorted(kwargs.items())))
        return self.chart(key, lambda: settled_layout(plot_status_heatmap(evaluation, lang, **kwargs)))

    def ranking(self, evaluation: pd.DataFrame, lang: str = "vi", **kwargs: Any) -> Chart:
        """:func:`plot_ranking` (same arguments) as a :class:`Chart`."""
        kw = {k: (sorted(v) if k == "exclude" else v) for k, v in kwargs.items()}
        key = "ranking:" + _frame_key(evaluation, ["unit_code", "attainment", "unit_name"]) + repr(
            (lang, sorted(kw.items())))
        return self.chart(key, lambda: settled_layout(plot_ranking(evaluation, lang, **kwargs)))


def settled_layout(fig: Figure) -> Figure:
    """``fig`` with its layout engine run once and then switched off: every rendering (PNG, SVG, any resolution)
    draws the same positions. (An engine runs again at each rendering, starting from where the previous one left
    the figure, so a figure rendered twice would not be drawn the same twice.)"""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


def _frame_key(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    """A digest of ``frame``'s ``columns`` (those present), in row order."""
    import hashlib

    cols = [c for c in dict.fromkeys(columns) if c and c in frame.columns]
    body = repr((cols, frame[cols].astype(object).where(frame[cols].notna(), None).to_numpy().tolist()))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def indicator_key(history: Any, *, target_2025: float | None = None, forecast: pd.DataFrame | None = None,
                  proposal: Any = None, indicator: Indicator | None = None, lang: str = "vi",
                  illustrative: bool = False, title: str | None = None) -> str:
    """What :func:`plot_indicator` draws from its arguments, as a key: the history's (year, value) points, the
    target, the forecast's years, central line and bands, the milestones, the indicator, language, stamp and
    title (a frame's other columns, index or order do not matter)."""
    import hashlib

    hist = _as_year_series(history).dropna()
    fc: list[Any] = []
    if forecast is not None and len(forecast):
        f = forecast.sort_values("year")
        cols = [c for c in ("lo80", "hi80", "lo95", "hi95") if c in f.columns]
        fc = [cols, f["year"].astype(int).tolist(), [round(float(v), 12) for v in central_forecast(f)],
              f[cols].astype(float).round(12).to_numpy().tolist(), _is_count_forecast(f)]
    pts = _proposal_points(proposal).dropna()
    target = None if target_2025 is None or (isinstance(target_2025, float) and math.isnan(target_2025)) \
        else round(float(target_2025), 12)
    body = repr((list(zip(hist.index.tolist(), [round(float(v), 12) for v in hist.values])), target, fc,
                 list(zip(pts.index.tolist(), [round(float(v), 12) for v in pts.values])),
                 repr(indicator) if indicator is not None else None, lang, bool(illustrative), title))
    return "indicator:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def save_figure(fig: Figure | Chart, stem: str | Path, formats: Sequence[str] = ("png", "svg"), *,
                dpi: int = PRINT_DPI) -> list[Path]:
    """Write ``fig`` (a figure, or a :class:`Chart` whose bytes may be rendered already) as ``stem.png`` (``dpi``,
    print resolution by default) / ``stem.svg`` (atomic writes); returns the paths written."""
    from ctxh_plan.io.atomic import write_bytes

    paths = []
    for fmt in formats:
        p = Path(f"{stem}.{fmt}")
        if fmt == "png":
            data: bytes = fig.png(dpi) if isinstance(fig, Chart) else figure_png(fig, dpi)
        elif fmt == "svg":
            data = (fig.svg(dpi) if isinstance(fig, Chart) else figure_svg(fig, dpi)).encode("utf-8")
        else:
            import io

            buf = io.BytesIO()
            (fig.figure if isinstance(fig, Chart) else fig).savefig(buf, format=fmt, dpi=dpi)
            data = buf.getvalue()
        write_bytes(p, data)
        paths.append(p)
    return paths
