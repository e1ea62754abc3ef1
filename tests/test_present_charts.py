"""Charts: figures, Vietnamese glyphs, illustrative stamp, PNG/SVG output, lazy imports."""
from __future__ import annotations

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


def history() -> pd.Series:
    return pd.Series({2019: 60.0, 2020: 65.0, 2021: 70.0, 2022: float("nan"), 2023: 75.0, 2024: 78.0, 2025: 80.0})


def forecast() -> pd.DataFrame:
    fc = pd.DataFrame({"year": range(2026, 2031), "mean": [81.0, 82.0, 83.0, 84.0, 85.0]})
    return fc.assign(lo80=fc["mean"] - 3, hi80=fc["mean"] + 3, lo95=fc["mean"] - 6, hi95=fc["mean"] + 6)


def evaluation() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_code": ["193", "193", "194", "194", "195", "195"],
        "unit_name": ["Thành phố Hạ Long"] * 2 + ["Thành phố Móng Cái"] * 2 + ["Huyện Bình Liêu"] * 2,
        "indicator_code": ["CT01", "ABUSE"] * 3,
        "indicator_name_vi": ["Tỷ lệ xã phù hợp với trẻ em", "Số vụ xâm hại trẻ em"] * 3,
        "progress_category": ["on_track", "deterioration", "acceleration_needed", "insufficient_data", "achieved",
                              "on_track"],
        "attainment": ["met", "not_met", "not_met", "insufficient_data", "exceeded", "met"],
    })


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _draw_without_glyph_warnings(fig) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
        import io

        fig.savefig(io.BytesIO(), format="png")
    bad = [str(w.message) for w in caught if "glyph" in str(w.message).lower() or "missing from" in str(w.message)]
    assert not bad, bad


def test_plot_indicator_full_and_vietnamese_glyphs():
    from matplotlib.figure import Figure

    from ctxh_plan.present import plot_indicator

    prop = {"milestone_2026": 81, "milestone_2027": 82, "milestone_2028": 83, "milestone_2029": 84,
            "milestone_2030": 85, "target_2030": 85, "unit_code": "193"}
    fig = plot_indicator(history(), target_2025=75.0, forecast=forecast(), proposal=prop, indicator=VI_IND,
                         illustrative=True)
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert VI_IND.name_vi in texts and "Dữ liệu minh họa" in texts
    assert {"Thực hiện", "Dự báo", "Khoảng 80%", "Khoảng 95%", "Chỉ tiêu 2025", "Lộ trình đề xuất"} <= set(texts)
    from matplotlib.text import Text

    assert {t.get_fontfamily()[0] for t in fig.findobj(Text) if t.get_text()} == {"DejaVu Sans"}
    ax = fig.axes[0]
    assert ax.get_ylim()[1] <= 102.0  # bounded at 100 %
    hist_line = ax.get_lines()[0]
    assert list(hist_line.get_xdata()) == [2019, 2020, 2021, 2023, 2024, 2025]  # NaN (suppressed) year skipped
    _draw_without_glyph_warnings(fig)


def test_plot_indicator_english_and_minimal():
    from ctxh_plan.present import plot_indicator

    fig = plot_indicator(pd.DataFrame({"year": [2021, 2022], "value": [3.0, 4.0]}), indicator=VI_IND, lang="en")
    texts = _texts(fig)
    assert "Child-friendly communes" in texts and "Observed" in texts and "Illustrative data" not in texts
    empty = plot_indicator(pd.Series(dtype=float), lang="vi")
    assert "Không có số liệu" in _texts(empty)


def test_missing_glyph_detection_works():
    """Sanity check of the glyph test: a font without Vietnamese glyphs does warn."""
    from matplotlib import font_manager

    from ctxh_plan.present import plot_indicator

    names = {f.name for f in font_manager.fontManager.ttflist}
    if "DejaVu Sans Mono" not in names:  # pragma: no cover
        pytest.skip("no second font to compare with")
    fig = plot_indicator(history(), title="Trẻ em 𝔘")  # a glyph DejaVu Sans lacks (math fraktur)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import io

        fig.savefig(io.BytesIO(), format="png")
    assert any("missing" in str(w.message).lower() for w in caught)


def test_status_heatmap_and_ranking():
    from ctxh_plan.present import plot_ranking, plot_status_heatmap

    ev = evaluation()
    heat = plot_status_heatmap(ev, "vi", illustrative=True)
    texts = _texts(heat)
    assert "Thành phố Móng Cái" in texts and "Đúng tiến độ" in texts and "Không đủ số liệu" in texts
    assert any(t.startswith("CT01 Tỷ lệ xã") for t in texts)
    _draw_without_glyph_warnings(heat)
    rank = plot_ranking(ev, "en")
    ax = rank.axes[0]
    widths = [b.get_width() for b in ax.patches]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # Bình Liêu 2/2, Hạ Long 1/2, Móng Cái 0/1 → ascending bars, best at the top
    assert widths == [0.0, 50.0, 100.0]
    assert labels == ["Thành phố Móng Cái", "Thành phố Hạ Long", "Huyện Bình Liêu"]
    assert "1/2" in _texts(rank)


def test_heatmap_needs_a_status_column():
    from ctxh_plan.errors import UsageError
    from ctxh_plan.present import plot_status_heatmap

    with pytest.raises(UsageError):
        plot_status_heatmap(pd.DataFrame({"unit_code": ["1"], "indicator_code": ["A"]}))


def test_save_figure_png_and_svg(tmp_path):
    from ctxh_plan.present import plot_indicator, save_figure

    paths = save_figure(plot_indicator(history(), indicator=VI_IND), tmp_path / "sub" / "ct01")
    assert [p.name for p in paths] == ["ct01.png", "ct01.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in paths[1].read_text(encoding="utf-8")[:500]
    assert not list((tmp_path / "sub").glob(".tmp-ctxh-*"))


def test_import_present_is_light():
    code = ("import sys, ctxh_plan.present as p; "
            "heavy = [m for m in ('pandas', 'matplotlib', 'docx', 'openpyxl', 'numpy') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
