"""Charts: axis scaled to what a reader compares (95 % band cut with a mark and a note), target line in the
legend, Vietnamese tick numbers, serif glyphs, names and ranking order in the heatmap and ranking,
PNG/SVG output, lazy imports."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from ctxh_plan.data.catalog import Indicator
from ctxh_plan.vocab import Direction, Kind

VI_IND = Indicator("CT01", "Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em — ưu tiên đặc khu",
                   "Child-friendly communes", "%", Kind.SHARE_OF_UNITS, Direction.HIGHER, unit_en="%",
                   bounds=(0.0, 100.0))
MARRIAGES = Indicator("CHILD_MARRIAGES", "Số cuộc tảo hôn", "Child marriages", "cuộc", Kind.COUNT, Direction.LOWER,
                      unit_en="marriages", decimals=0)
REACHED = Indicator("COMM_REACHED", "Số lượt người được tuyên truyền", "People reached", "lượt người", Kind.COUNT,
                    Direction.HIGHER, decimals=0)
INJURY = Indicator("CT11b", "Tỷ suất trẻ em tử vong do tai nạn thương tích", "Injury mortality", "/100.000 trẻ em",
                   Kind.RATE_100000, Direction.LOWER)


def history() -> pd.Series:
    return pd.Series({2019: 60.0, 2020: 65.0, 2021: 70.0, 2022: float("nan"), 2023: 75.0, 2024: 78.0, 2025: 80.0})


def forecast(mean=(81.0, 82.0, 83.0, 84.0, 85.0), w80=3.0, lo95=None, hi95=None) -> pd.DataFrame:
    fc = pd.DataFrame({"year": range(2026, 2031), "mean": list(mean)})
    fc = fc.assign(lo80=fc["mean"] - w80, hi80=fc["mean"] + w80)
    fc["lo95"] = fc["mean"] - 2 * w80 if lo95 is None else lo95
    fc["hi95"] = fc["mean"] + 2 * w80 if hi95 is None else hi95
    return fc


def evaluation() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_code": ["193", "193", "194", "194", "195", "195"],
        "unit_name": ["Thành phố Hạ Long"] * 2 + ["Thành phố Móng Cái"] * 2 + ["Huyện Bình Liêu"] * 2,
        "indicator_code": ["CT01", "ABUSE"] * 3,
        "indicator_name_vi": ["Tỷ lệ xã phù hợp với trẻ em", "Số vụ xâm hại trẻ em"] * 3,
        "progress_category": ["on_track", "deterioration", "acceleration_needed", "insufficient_data", "achieved",
                              "on_track"],
        "attainment": ["met", "not_met", "uncertain", "not_met", "exceeded", "met"],
    })


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _ticks(ax, axis="y") -> list[str]:
    ax.figure.canvas.draw()
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    locs = ax.get_yticks() if axis == "y" else ax.get_xticks()
    return [t.get_text() for t, v in zip(labels, locs) if lo - 1e-9 <= v <= hi + 1e-9]


def _draw_without_glyph_warnings(fig) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
    bad = [str(w.message) for w in caught if "glyph" in str(w.message).lower() or "missing from" in str(w.message)]
    assert not bad, bad


def test_plot_indicator_full_serif_vietnamese_glyphs_and_legend():
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from ctxh_plan.present import plot_indicator
    from ctxh_plan.present.charts import FONT_FAMILY

    prop = {"milestone_2026": 81, "milestone_2027": 82, "milestone_2028": 83, "milestone_2029": 84,
            "milestone_2030": 85, "target_2030": 85, "unit_code": "193"}
    fig = plot_indicator(history(), target_2025=75.0, forecast=forecast(), proposal=prop, indicator=VI_IND,
                         illustrative=True)
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert VI_IND.name_vi in " ".join(texts).replace("\n", " ") and "Dữ liệu minh họa" in texts
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Thực hiện", "Khoảng 95%", "Khoảng 80%", "Dự báo", "Chỉ tiêu 2025", "Lộ trình đề xuất"]
    # the 2025 target is a dotted line across the chart, and that line is what the legend entry shows
    target_lines = [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == ":" and
                    set(ln.get_ydata()) == {75.0}]
    assert target_lines
    entry = fig.legends[0].legend_handles[legend.index("Chỉ tiêu 2025")]
    assert any(getattr(h, "get_linestyle", lambda: "")() == ":" for h in
               (entry if isinstance(entry, tuple) else getattr(entry, "get_children", lambda: [entry])()) or [entry])
    assert FONT_FAMILY == "DejaVu Serif"
    assert {t.get_fontfamily()[0] for t in fig.findobj(Text) if t.get_text()} == {FONT_FAMILY}
    ax = fig.axes[0]
    assert ax.get_ylim()[1] <= 102.0  # bounded at 100 %
    near_full = plot_indicator(pd.Series({2020: 99.5, 2021: 99.6, 2022: 100.0}), forecast=forecast(
        mean=(99.9,) * 5, w80=0.1, lo95=[99.4] * 5, hi95=[100.0] * 5), indicator=VI_IND)
    ticks = [float(t.replace(".", "").replace(",", ".")) for t in _ticks(near_full.axes[0])]
    assert ticks and max(ticks) <= 100.0, ticks
    hist_line = ax.get_lines()[0]
    assert list(hist_line.get_xdata()) == [2019, 2020, 2021, 2023, 2024, 2025]  # NaN (suppressed) year skipped
    _draw_without_glyph_warnings(fig)


def test_plot_indicator_english_and_minimal():
    from ctxh_plan.present import plot_indicator

    fig = plot_indicator(pd.DataFrame({"year": [2021, 2022], "value": [3.0, 4.0]}), indicator=VI_IND, lang="en")
    texts = _texts(fig)
    assert "Observed" in texts and "Illustrative data" not in texts
    assert any("Child-friendly communes" in t for t in texts)
    empty = plot_indicator(pd.Series(dtype=float), lang="vi")
    assert "Không có số liệu" in _texts(empty)


def test_a_wide_95_band_is_cut_at_the_frame_with_marks_and_a_note():
    """Bình Liêu's child marriages: a history of at most 8 and a 95 % band up to 90 — the axis follows the
    history, targets, milestones and the 80 % band; the band is cut, marked and its legend says how far."""
    from ctxh_plan.present import plot_indicator

    hist = pd.Series({2019: 8.0, 2020: 0.0, 2021: 2.0, 2022: 4.0, 2023: 4.0, 2024: 1.0, 2025: 1.0})
    fc = forecast(mean=(1.0,) * 5, w80=2.0, lo95=[0.0] * 5, hi95=[20.0, 40.0, 60.0, 80.0, 90.0])
    fig = plot_indicator(hist, target_2025=0.0, forecast=fc, proposal={"milestone_2030": 0.0}, indicator=MARRIAGES)
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert low == 0.0 and 8.0 < high < 12.0, (low, high)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Khoảng 95% (vượt khung, tới 90)" in legend
    marks = [ln for ln in ax.get_lines() if ln.get_marker() == "^"]
    assert marks and all(y == pytest.approx(high) for y in marks[0].get_ydata())
    assert all(re.fullmatch(r"\d+", t) for t in _ticks(ax)), _ticks(ax)  # a count: whole ticks


def test_injury_band_from_0_to_43_over_a_history_near_11_is_cut():
    from ctxh_plan.present import plot_indicator

    hist = pd.Series({y: 11.0 - 0.05 * (y - 2019) for y in range(2019, 2026)})
    fc = forecast(mean=(10.5,) * 5, w80=1.5, lo95=[0.0] * 5, hi95=[43.0] * 5)
    fig = plot_indicator(hist, target_2025=12.0, forecast=fc, indicator=INJURY)
    high = fig.axes[0].get_ylim()[1]
    assert high < 16.0
    assert any("vượt khung" in t for t in _texts(fig))


def test_a_95_band_that_does_not_flatten_the_rest_is_drawn_in_full():
    from ctxh_plan.present import plot_indicator

    fig = plot_indicator(history(), forecast=forecast(w80=2.0), indicator=VI_IND)
    assert fig.axes[0].get_ylim()[1] >= 85.0 + 4.0  # hi95 of 2030
    assert not any("vượt khung" in t for t in _texts(fig))
    assert not [ln for ln in fig.axes[0].get_lines() if ln.get_marker() in ("^", "v")]


def test_axis_range_rules():
    from ctxh_plan.present.charts import axis_range

    r = axis_range([0, 8, 1, 2], [0, 90], bounds=(0.0, None))
    assert r.low == 0.0 and r.high < 10 and r.band95_high == 90 and r.band95_low is None and r.clipped
    r = axis_range([10, 12], [9, 13], bounds=(0.0, None))
    assert not r.clipped and r.low < 9 and r.high > 13
    r = axis_range([95, 100], [90, 100], bounds=(0.0, 100.0))
    assert 100.0 < r.high <= 100.5 and not r.clipped  # a percentage axis never shows ticks beyond 100
    r = axis_range([99.1, 99.9, 100.0], bounds=(0.0, 100.0))
    assert 100.0 < r.high < 100.1
    r = axis_range([5, 5, 5])  # a flat series still gets a range
    assert r.low < 5 < r.high


def test_tick_labels_are_written_the_vietnamese_way_and_years_plainly():
    from ctxh_plan.present import plot_indicator

    hist = pd.Series({2019: 180000.0, 2020: 210000.0, 2021: 250000.0})
    fig = plot_indicator(hist, indicator=REACHED)
    ticks = _ticks(fig.axes[0])
    assert ticks and all(re.fullmatch(r"\d{1,3}(\.\d{3})*", t) for t in ticks), ticks
    assert "250.000" in ticks or "200.000" in ticks
    years = _ticks(fig.axes[0], "x")
    assert years and all(re.fullmatch(r"20\d\d", y) for y in years), years  # 2020, not 2.020
    en = plot_indicator(hist, indicator=REACHED, lang="en")
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", t) for t in _ticks(en.axes[0]))
    small = plot_indicator(pd.Series({2020: 0.11, 2021: 0.13, 2022: 0.12}), indicator=VI_IND)
    ticks = _ticks(small.axes[0])
    assert all("," in t for t in ticks) and not any("." in t for t in ticks), ticks  # 0,12 not 0.12
    assert len({len(t.split(",")[1]) for t in ticks}) == 1  # one number of decimals on the axis


def test_missing_glyph_detection_works():
    """Sanity check of the glyph test: a glyph the font lacks does warn."""
    from ctxh_plan.present import plot_indicator

    fig = plot_indicator(history(), title="Trẻ em 𝔘")  # math fraktur: not in DejaVu Serif
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    assert any("missing" in str(w.message).lower() for w in caught)


def test_heatmap_uses_names_in_ranking_order_and_says_what_a_cell_is():
    from ctxh_plan.present import plot_status_heatmap

    heat = plot_status_heatmap(evaluation(), "vi", illustrative=True)
    ax = heat.axes[0]
    units = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    # Bình Liêu 2/2 met, Hạ Long 1/2, Móng Cái 0/2 → best on the left
    assert units == ["Huyện Bình Liêu", "Thành phố Hạ Long", "Thành phố Móng Cái"]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["Tỷ lệ xã phù hợp với trẻ em", "Số vụ xâm hại trẻ em"]  # names, better progress first
    texts = " ".join(_texts(heat))
    assert "Đúng tiến độ" in texts and "Không đủ số liệu" in texts and "Mỗi ô" in texts
    assert "CT01" not in texts
    _draw_without_glyph_warnings(heat)


def test_ranking_counts_every_target_of_a_unit_like_its_report():
    from ctxh_plan.present import plot_ranking
    from ctxh_plan.present.charts import ranking_table

    ev = evaluation()
    table = ranking_table(ev)
    assert list(table["unit_code"]) == ["195", "193", "194"]
    assert dict(zip(table["unit_code"], table["n"])) == ev.groupby("unit_code").size().to_dict()  # the report's n
    assert list(table["good"]) == [2, 1, 0] and list(table["other"]) == [0, 0, 1]
    rank = plot_ranking(ev, "vi")
    ax = rank.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ys = [t.get_position()[1] for t in ax.get_yticklabels()]
    assert [name for _, name in sorted(zip(ys, labels), reverse=True)] == \
        ["Huyện Bình Liêu", "Thành phố Hạ Long", "Thành phố Móng Cái"]  # best at the top
    texts = _texts(rank)
    assert "2/2 (100%)" in texts and "1/2 (50%)" in texts and "0/2 (0%)" in texts
    assert any("cùng mẫu số với báo cáo của đơn vị" in t.replace("\n", " ") for t in texts)
    assert {"Đạt hoặc vượt", "Chưa đạt"} <= set(texts)


def test_heatmap_needs_a_status_column():
    from ctxh_plan.errors import UsageError
    from ctxh_plan.present import plot_status_heatmap

    with pytest.raises(UsageError):
        plot_status_heatmap(pd.DataFrame({"unit_code": ["1"], "indicator_code": ["A"]}))


def test_save_figure_png_at_print_resolution_and_svg(tmp_path):
    from ctxh_plan.present import plot_indicator, save_figure
    from ctxh_plan.present.charts import PRINT_DPI

    fig = plot_indicator(history(), indicator=VI_IND)
    paths = save_figure(fig, tmp_path / "sub" / "ct01")
    assert [p.name for p in paths] == ["ct01.png", "ct01.svg"]
    head = paths[0].read_bytes()
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    import struct

    width = struct.unpack(">I", head[16:20])[0]
    assert PRINT_DPI >= 300 and width == round(fig.get_figwidth() * PRINT_DPI)
    assert "<svg" in paths[1].read_text(encoding="utf-8")[:500]
    assert not list((tmp_path / "sub").glob(".tmp-ctxh-*"))


def test_figure_svg_is_deterministic():
    from ctxh_plan.present import plot_indicator
    from ctxh_plan.present.charts import figure_svg

    a = figure_svg(plot_indicator(history(), forecast=forecast(), indicator=VI_IND))
    b = figure_svg(plot_indicator(history(), forecast=forecast(), indicator=VI_IND))
    assert a == b and a.lstrip().startswith("<?xml") and "<dc:date>" not in a


def test_import_present_is_light():
    code = ("import sys, ctxh_plan.present as p; "
            "heavy = [m for m in ('pandas', 'matplotlib', 'docx', 'openpyxl', 'numpy') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
