"""Cheaper reports (issue #16 item 1): what was made cheaper still draws and writes the same things.

The SVG backend that keeps text work across charts writes matplotlib's own bytes; a blank chart copied from
a template draws like a new one; the chart cache draws a chart once per content and renders it once per
format; a Plan computes the all-units published frames once for every report and appendix and shares a
unit's tables between its HTML and its Word/Excel files; the three chart defects fixed on the way (count
forecasts drawn at their predictive mean, the 2025 target never on the frame's edge, the tracking chart's
legend under the plot with Vietnamese numbers); the benchmark runs the unit notebook's own cells.
"""
from __future__ import annotations

import gc
import io
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from ctxh_plan.data.catalog import Indicator
from ctxh_plan.vocab import Direction, Kind
from tests.present.test_present_charts import evaluation  # the same small evaluation frame

# these tests use the embedded plan (load_plan("") / the embedded_plan fixture): one worker computes it
pytestmark = pytest.mark.xdist_group("embedded_plan")

ROOT = Path(__file__).resolve().parents[2]
RATE = Indicator("CT03c", "Tỷ suất tử vong trẻ em dưới 5 tuổi (trên 1.000 trẻ đẻ sống)", "Under-5 mortality",
                 "‰ trẻ đẻ sống", Kind.RATE_1000, Direction.LOWER, unit_en="per 1,000 live births", decimals=1)
SHARE = Indicator("CT16", "Tỷ lệ huy động trẻ em 5 tuổi đi học mẫu giáo", "Pre-school enrolment", "%",
                  Kind.PERCENT, Direction.HIGHER, bounds=(0.0, 100.0), decimals=1)
DEATHS = Indicator("DROWNING_DEATHS", "Số trẻ em tử vong do đuối nước", "Drowning deaths", "trẻ em", Kind.COUNT,
                   Direction.LOWER, unit_en="children", decimals=0)
REACHED = Indicator("COMM_REACHED", "Số lượt người được tuyên truyền", "People reached", "lượt người", Kind.COUNT,
                    Direction.HIGHER, decimals=0)


def history(start: float = 15.0) -> pd.Series:
    return pd.Series({y: start - 0.5 * (y - 2019) for y in range(2019, 2026)})


def forecast(mean: float = 12.0) -> pd.DataFrame:
    years = list(range(2026, 2031))
    return pd.DataFrame({"year": years, "mean": [mean] * 5, "lo80": [mean - 2] * 5, "hi80": [mean + 2] * 5,
                         "lo95": [mean - 4] * 5, "hi95": [mean + 4] * 5})




def tracking_row() -> dict:
    return {"period": "2026-H1", "milestone_year": 2026, "value": 520.0, "year_end_estimate": 1180.0,
            "year_end_lo95": 1050.0, "year_end_hi95": 1320.0, "share_of_year": 0.45, "milestone": 1200.0}


def _stock_svg(fig, dpi=None) -> str:
    """The SVG matplotlib's own backend writes with the settings of ``figure_svg``."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "ctxh_plan", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", dpi=dpi or fig.dpi, metadata={"Date": None, "Creator": None})
    return buf.getvalue()


# --------------------------------------------------------------------------- the same pictures, cheaper

def test_svg_backend_writes_the_bytes_of_matplotlibs_own_svg():
    from ctxh_plan.present.charts import figure_svg, plot_indicator, plot_ranking, plot_status_heatmap

    makers = [lambda: plot_indicator(history(), target_2025=18.5, forecast=forecast(), indicator=RATE,
                                     illustrative=True),
              lambda: plot_status_heatmap(evaluation(), "vi", illustrative=True),
              lambda: plot_ranking(evaluation(), "en")]
    for make in makers:
        for dpi in (None, None, 300):  # the second time, the text work comes from the process-wide cache
            assert figure_svg(make(), dpi) == _stock_svg(make(), dpi)


def test_a_blank_chart_copied_from_its_template_draws_like_a_new_one(monkeypatch):
    import ctxh_plan.present.charts as charts
    from ctxh_plan.present.tracking_chart import plot_tracking

    def draw() -> list:
        fig = charts.plot_indicator(history(), target_2025=9.0, forecast=forecast(), indicator=RATE,
                                    proposal={"milestone_2030": 10.0}, illustrative=True)
        track = plot_tracking(history(900.0), tracking_row(), {2026: 1200.0, 2030: 1000.0}, indicator=REACHED)
        return [charts.figure_svg(fig), charts.figure_png(fig, 90), charts.figure_svg(track)]

    monkeypatch.setattr(charts, "USE_BLANK_TEMPLATES", False)
    fresh = draw()
    monkeypatch.setattr(charts, "USE_BLANK_TEMPLATES", True)
    assert draw() == fresh and draw() == fresh  # the template made, then copied


def test_the_chart_cache_draws_a_chart_once_per_content_and_renders_it_once_per_format():
    from ctxh_plan.present.charts import ChartCache, figure_svg, plot_indicator

    cache = ChartCache()
    fc = forecast()
    a = cache.indicator(history(), forecast=fc, indicator=RATE, target_2025=18.5)
    # the same content from frames sliced another way (other columns, index, order) is the same chart
    shuffled = fc.assign(unit_code="06652", method="default").iloc[::-1].set_index(pd.Index(range(10, 15)))
    b = cache.indicator(history().to_frame("value").rename_axis("year").reset_index(), forecast=shuffled,
                        indicator=RATE, target_2025=18.5)
    c = cache.indicator(history(), forecast=fc, indicator=RATE, target_2025=17.0)
    assert a.key == b.key != c.key
    svg = a.svg()
    assert b.svg() is svg and b.png(300) == a.png(300) and a.svg(300) is svg  # vector SVG: any resolution
    assert cache.draws == 1 and cache.renders == 2
    assert svg == figure_svg(plot_indicator(history(), forecast=fc, indicator=RATE, target_2025=18.5))
    c.svg()
    assert cache.draws == 2
    # a layout-engine chart is settled once: the same bytes whatever format is rendered first
    one, two = ChartCache(), ChartCache()
    h1, h2 = one.heatmap(evaluation(), "vi"), two.heatmap(evaluation(), "vi")
    p1, s1 = h1.png(120), h1.svg()
    s2, p2 = h2.svg(), h2.png(120)
    assert (p1, s1) == (p2, s2)


def test_nothing_cached_when_the_cache_keeps_nothing():
    from ctxh_plan.present.charts import ChartCache

    cache = ChartCache(figures=0, renders=0)
    chart = cache.indicator(history(), indicator=RATE)
    assert chart.svg() == chart.svg() and cache.draws == 2 and not cache._bytes and not cache._figures


# --------------------------------------------------------------------------- the chart defects

def test_count_model_rows_draw_the_predictive_mean_not_a_median_of_zero():
    from ctxh_plan.present.charts import central_forecast, plot_indicator

    fc = forecast(0.0).assign(lo80=0.0, hi80=1.0, lo95=0.0, hi95=2.0, dist_mu=[0.30, 0.28, 0.26, 0.24, 0.22],
                              dist_disp=0.1, dist_loc=0.0, dist_scale=1.0)
    assert central_forecast(fc).tolist() == pytest.approx([0.30, 0.28, 0.26, 0.24, 0.22])
    # a rate forecast by the count model: value = loc + scale · count
    rate = fc.assign(dist_scale=100000 / 25000)
    assert central_forecast(rate).tolist() == pytest.approx([1.2, 1.12, 1.04, 0.96, 0.88])
    fig = plot_indicator(pd.Series({2023: 0.0, 2024: 1.0, 2025: 0.0}), forecast=fc, indicator=DEATHS)
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == "--")
    assert list(line.get_ydata())[1:] == pytest.approx([0.30, 0.28, 0.26, 0.24, 0.22])
    assert "Dự báo (giá trị kỳ vọng)" in [t.get_text() for t in fig.legends[0].get_texts()]
    # rows without a predictive distribution keep their mean
    assert central_forecast(forecast(12.0).assign(dist_mu=float("nan"))).tolist() == [12.0] * 5


def test_the_2025_target_above_everything_else_sits_inside_the_frame():
    from ctxh_plan.present.charts import plot_indicator

    fig = plot_indicator(pd.Series({2021: 8.0, 2022: 7.0, 2023: 6.5}), target_2025=20.0, indicator=RATE)
    low, high = fig.axes[0].get_ylim()
    assert high - 20.0 >= 0.04 * (high - low)
    # a percentage target near 100: room above it, a sliver past 100 at most, no tick beyond 100
    fig = plot_indicator(pd.Series({2021: 40.0, 2022: 45.0, 2023: 50.0}), target_2025=99.5, indicator=SHARE)
    low, high = fig.axes[0].get_ylim()
    ticks = [v for v in fig.axes[0].yaxis.get_major_locator()() if low <= v <= high]
    assert 99.5 + 0.02 * (high - low) <= high <= 100.0 + 0.03 * (100.0 - low) + 1e-9 and max(ticks) <= 100.0
    # a count that stayed at 0 is drawn on a 0–1 axis, not on a sliver above 0
    fig = plot_indicator(pd.Series(dict.fromkeys(range(2019, 2026), 0.0)), indicator=DEATHS)
    assert fig.axes[0].get_ylim()[0] == 0.0 and fig.axes[0].get_ylim()[1] >= 1.0


def test_the_tracking_chart_has_its_legend_under_the_plot_and_vietnamese_numbers():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ctxh_plan.present.tracking_chart import plot_tracking

    fig = plot_tracking(history(900.0), tracking_row(), {2026: 1200.0, 2030: 1000.0}, indicator=REACHED,
                        illustrative=True)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    legend_box = fig.legends[0].get_window_extent(renderer)
    axes_box = ax.get_tightbbox(renderer)  # the frame with its tick labels and axis labels
    assert legend_box.y1 <= axes_box.y0 + 1  # under everything the axes draws: never over the data
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d{1,3}(\.\d{3})*", t) for t in labels), labels  # 1.200, not 1,200
    assert any("." in t for t in labels)


# --------------------------------------------------------------------------- nothing computed twice

def test_a_plan_publishes_once_and_a_units_tables_are_shown_and_written_from_the_same_objects(monkeypatch, tmp_path):
    import ctxh_plan.present.tables as tables
    import ctxh_plan.reports.unit as unit
    from ctxh_plan import reports as report
    from ctxh_plan.reports.plan import Plan, load_plan

    plan = Plan(load_plan("").dataset)  # a new plan: nothing computed yet
    monkeypatch.setattr(unit, "load_plan", lambda *a, **k: plan)
    calls = {"values": 0, "proposals": 0}
    real_values, real_proposals = tables.published_values, tables.published_proposals

    def values(*a, **k):
        calls["values"] += 1
        return real_values(*a, **k)

    def proposals(*a, **k):
        calls["proposals"] += 1
        return real_proposals(*a, **k)

    monkeypatch.setattr(tables, "published_values", values)
    monkeypatch.setattr(tables, "published_proposals", proposals)
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: None)
    apx = tmp_path / "appendices"
    params = {"dataset": "", "scenario": "", "lang": "vi", "rebase_to": "", "output_dir": "", "suppress_threshold": 5,
              "appendix_dir": str(apx), "appendix_formats": ["docx", "xlsx"], "key_indicators": []}
    for code in ("193", "198"):
        rep = report.build_unit_report(dict(params, unit_code=code))
        report.write_report_appendices(rep, str(apx), ["docx", "xlsx"])
        report.show_unit_report(rep)
        # the HTML's Biểu 1–2 are the appendix's objects (built once, formatted once)
        assert report.report_tables(rep) is plan.unit_tables(code, "", plan.publish_settings(), "vi")
    assert calls == {"values": 1, "proposals": 1}  # all units, once, for both reports and both appendices
    assert sorted(p.name for p in apx.glob("phu_luc_*")) == ["phu_luc_193.docx", "phu_luc_193.xlsx",
                                                             "phu_luc_198.docx", "phu_luc_198.xlsx"]


def test_a_loaded_plan_is_out_of_the_garbage_collectors_way():
    from ctxh_plan.reports.plan import load_plan

    plan = load_plan("")
    plan.evaluation()
    assert gc.get_freeze_count() > 0
    assert not any(o is plan for o in gc.get_objects())  # frozen: full collections no longer walk it


# --------------------------------------------------------------------------- the benchmark

def test_the_benchmark_runs_the_unit_notebooks_own_cells_with_the_batchs_parameters(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import report_cost
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from ctxh_plan.batch import load_batch_config
    from ctxh_plan.batch.nbparams import notebook_params

    cells = report_cost.unit_cells(ROOT)
    assert any("build_unit_report" in c for c in cells) and not any("unit_code: str =" in c for c in cells)
    cfg = load_batch_config(ROOT / "params" / "quang_ninh_2026.yaml")
    params = report_cost.unit_params(cfg, "06652", tmp_path)
    assert set(params) == {f.name for f in notebook_params("unit_report")}
    assert params["tracking_period"] == "2026-H1" and params["appendix_formats"] == ["docx", "xlsx"]


# --------------------------------------------------------------------------- one computation per batch run

def _store_worker(folder: str, marks: str) -> str:
    """(In another process) a plan-wide result through the store; every computation leaves a mark."""
    import os
    import time

    from ctxh_plan.reports.plan import PlanStore

    def make() -> str:
        with open(marks, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(0.5)  # the other process asks meanwhile: it waits, then reads
        return "evaluation of all units"

    return str(PlanStore(folder).get(("plan", ("evaluation", None)), make))


def test_the_processes_of_a_batch_run_compute_a_plan_wide_result_once(tmp_path):
    import multiprocessing

    folder, marks = tmp_path / "run" / ".plan-store", tmp_path / "marks.txt"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        got = pool.starmap(_store_worker, [(str(folder), str(marks))] * 2)
    assert got == ["evaluation of all units"] * 2
    assert len(marks.read_text(encoding="utf-8").split()) == 1  # one process computed, the other read


def test_a_plan_store_only_inside_a_batch_run_folder(tmp_path):
    from ctxh_plan.reports.plan import PLAN_STORE, batch_store

    assert batch_store("") is None
    assert batch_store(str(tmp_path / "figures")) is None  # a notebook's own output folder: nothing left behind
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    assert batch_store(str(tmp_path / "figures")) == tmp_path / PLAN_STORE


def test_kernels_of_a_run_read_the_charts_another_kernel_rendered(tmp_path):
    from ctxh_plan.present.charts import ChartCache

    first, second = ChartCache(shared=tmp_path / "charts"), ChartCache(shared=tmp_path / "charts")
    svg = first.indicator(history(), forecast=forecast(), indicator=RATE).svg()
    png = first.indicator(history(), forecast=forecast(), indicator=RATE).png(100)
    again = second.indicator(history(), forecast=forecast(), indicator=RATE)
    assert again.svg() == svg and again.png(100) == png and second.draws == 0 and second.renders == 0
    assert not list((tmp_path / "charts").glob(".tmp-ctxh-*"))


def test_the_batch_leaves_no_plan_store_behind(tmp_path):
    from ctxh_plan.batch.run import _sweep_tmp
    from ctxh_plan.reports.plan import PLAN_STORE, Plan, load_plan

    plan = load_plan("")
    Plan(plan.dataset, identity=plan.identity).share_dataset(tmp_path / PLAN_STORE)
    assert list((tmp_path / PLAN_STORE).glob("*.pickle"))
    _sweep_tmp(tmp_path)  # at the start and at the end of every run
    assert not (tmp_path / PLAN_STORE).exists()
