"""The province summary: what ``notebooks/province_summary.ipynb`` computes and shows — all units side by
side (ranking, progress grid), the province's own 2021–2025 results (ratio of sums) and its 2026–2030
targets and key charts.

One function per section, each called from its own notebook cell (header, ranking, progress grid,
province results 2021–2025, province plan 2026–2030, notes, footer); a new section is a new
``show_…`` function and a new cell.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from ctxh_plan.reports.figures import count_line
from ctxh_plan.reports.html import (
    REPORT_CSS,
    appendix_table_html,
    figure_html,
    footer_html,
    illustrative_banner,
    notes_html,
    pick_lang,
    show_block,
    show_html,
)
from ctxh_plan.reports.messages import collect_messages
from ctxh_plan.reports.plan import Plan, batch_store, load_plan

__all__ = ["ProvinceSummary", "build_province_summary", "province_figures", "province_report",
           "province_summary_line", "show_heatmap", "show_province_evaluation", "show_province_footer",
           "show_province_header", "show_province_notes", "show_province_plan", "show_province_summary",
           "show_ranking"]


@dataclass
class ProvinceSummary:
    """All units side by side."""

    province_code: str
    province_name: str
    lang: str
    illustrative: bool
    units: list[str]
    plan: Plan = field(repr=False)
    evaluation: Any = field(repr=False)
    suppress_threshold: int = 0
    notes: list[str] = field(default_factory=list)
    scenario: str = ""
    key_indicators: tuple[str, ...] = ()
    #: appendix documents written for this report (``write_report_appendices``), relative to the run folder
    appendices: list[str] = field(default_factory=list)
    #: tracking folder of the adopted plan ("" = no "Theo dõi thực hiện" sections)
    tracking_dir: str = ""
    _province: Any = field(default=None, repr=False)

    @property
    def ds(self) -> Any:
        """The plan's dataset."""
        return self.plan.dataset

    @property
    def units_evaluation(self) -> Any:
        """The evaluation rows of the units (the province's own rows left out)."""
        return self.evaluation[self.evaluation["unit_code"].astype(str) != self.province_code]


def build_province_summary(params: dict[str, Any]) -> ProvinceSummary:
    """Evaluate every selected unit (and the province) from validated notebook parameters.

    Raises
    ------
    ParameterError
        A unit code that is not in the dataset, or a key indicator that is not in the catalogue.
    """
    from ctxh_plan.errors import ParameterError
    from ctxh_plan.reports.unit import key_indicators_default

    notes: list[str] = []
    with collect_messages(notes, "province summary"):
        plan = load_plan(params["dataset"], rebase_to=params["rebase_to"],
                         store=batch_store(params.get("output_dir", "")))  # a batch run: shared by its kernels
    available = plan.report_units()
    units = params["units"] or available
    missing = [u for u in units if u not in available]
    if missing:
        raise ParameterError("units", f"unit code(s) {missing} not in the dataset", value=missing[0],
                             fix=f"use codes of: {', '.join(available)}")
    keys = tuple(params.get("key_indicators") or key_indicators_default())
    unknown = [k for k in keys if k not in plan.dataset.catalog]
    if unknown:
        raise ParameterError("key_indicators", f"indicator code(s) {unknown} not in the catalogue", value=unknown[0],
                             fix="use codes of params/indicators.yaml")
    province = plan.province_code
    with collect_messages(notes, "province summary"):
        evaluation = plan.evaluation()
    evaluation = evaluation[evaluation["unit_code"].astype(str).isin(set(units) | {province})].reset_index(drop=True)
    if "unit_name" not in evaluation.columns:
        evaluation = evaluation.assign(unit_name=[plan.unit_name(c) for c in evaluation["unit_code"].astype(str)])
    return ProvinceSummary(province, plan.unit_name(province), params["lang"], plan.illustrative, list(units),
                           plan, evaluation, params["suppress_threshold"], notes, params["scenario"], keys,
                           tracking_dir=params.get("tracking_dir", ""))


def province_report(s: ProvinceSummary) -> Any:
    """The province as a :class:`~ctxh_plan.reports.unit.UnitReport` (its own evaluation rows, forecasts and
    proposals), so its tables and charts are drawn exactly like a unit's; computed once."""
    if s._province is None:
        from ctxh_plan.reports.messages import silenced
        from ctxh_plan.reports.unit import UnitReport

        code = s.province_code
        with silenced():
            proj = s.plan.projection(s.scenario)
        ev = s.evaluation[s.evaluation["unit_code"].astype(str) == code].reset_index(drop=True)
        fc = proj.forecasts[proj.forecasts["unit_code"].astype(str) == code].reset_index(drop=True)
        pr = proj.proposals[proj.proposals["unit_code"].astype(str) == code].reset_index(drop=True)
        import pandas as pd

        s._province = UnitReport(code, s.province_name, s.lang, s.illustrative, s.plan, ev, fc, pr, pd.DataFrame(),
                                 s.suppress_threshold, s.notes, s.key_indicators or (), 0, s.scenario)
    return s._province


def _units_phrase(s: ProvinceSummary) -> str:
    """"54 đơn vị hành chính cấp xã" after the reform, "13 đơn vị cấp huyện (cũ)" before it."""
    n = len(s.units)
    reg = getattr(s.ds, "units", None)
    try:
        levels = {reg.level(u) for u in s.units} if reg is not None else {"district"}
    except (KeyError, AttributeError):
        levels = {"district"}
    if levels == {"commune"}:
        return pick_lang(s.lang, f"{n} đơn vị hành chính cấp xã (xã, phường, đặc khu)", f"{n} commune-level units")
    return pick_lang(s.lang, f"{n} đơn vị cấp huyện (cũ)", f"{n} former districts")


def show_province_header(s: ProvinceSummary) -> None:
    """Style sheet, title, what the summary covers, the banner."""
    from ctxh_plan.reports.unit import scenario_label

    lang = s.lang
    title = pick_lang(lang, "Tổng hợp toàn tỉnh", "Province summary") + f": {s.province_name}"
    lead = [_units_phrase(s),
            pick_lang(lang, "đánh giá 2021–2025 và chỉ tiêu 2026–2030", "evaluation 2021–2025 and targets 2026–2030"),
            pick_lang(lang, "Kịch bản: ", "Scenario: ") + scenario_label(s.scenario, lang)]
    banner = illustrative_banner(lang) if s.illustrative else ""
    show_html(f"{REPORT_CSS}<h2>{html.escape(title)}</h2>"
              f'<p class="ctxh-lead">{html.escape(" · ".join(lead))}</p>{banner}')


def _ranking_alt(s: ProvinceSummary) -> str:
    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.present.charts import ranking_table

    table = ranking_table(s.units_evaluation)
    lang = s.lang
    style = "vi" if lang == "vi" else "en"
    if not len(table):
        return pick_lang(lang, "Biểu đồ xếp hạng: không có số liệu.", "Ranking chart: no data.")

    def row(k: int) -> str:
        r = table.iloc[k]
        return (f"{s.plan.unit_name(str(r['unit_code']))} {int(r['good'])}/{int(r['n'])} "
                f"({format_number(float(r['share']), 0, style=style)}%)")

    return pick_lang(lang, f"Biểu đồ xếp hạng {len(table)} đơn vị theo tỷ lệ chỉ tiêu đạt hoặc vượt: "
                           f"cao nhất {row(0)}, thấp nhất {row(len(table) - 1)}.",
                     f"Ranking of {len(table)} units by share of targets met or exceeded: "
                     f"highest {row(0)}, lowest {row(len(table) - 1)}.")


def show_ranking(s: ProvinceSummary) -> None:
    """1. Units ranked by the share of their targets met or exceeded (denominators as in the unit reports)."""
    lang = s.lang
    fig = s.plan.charts.ranking(s.units_evaluation, lang, illustrative=s.illustrative)  # shared with the appendix
    show_block(pick_lang(lang, "1. Xếp hạng đơn vị theo tỷ lệ chỉ tiêu đạt", "1. Units ranked by share of targets met"),
               figure_html(fig, _ranking_alt(s)))


def show_heatmap(s: ProvinceSummary) -> None:
    """2. Progress category of every indicator in every unit (names, in ranking order)."""
    lang = s.lang
    ev = s.units_evaluation
    name_col = f"indicator_name_{lang}"
    if name_col not in ev.columns:
        ev = ev.assign(**{name_col: [s.ds.catalog[c].name(lang) if c in s.ds.catalog else c
                                     for c in ev["indicator_code"].astype(str)]})
    fig = s.plan.charts.heatmap(ev, lang, illustrative=s.illustrative)  # shared with the appendix
    alt = pick_lang(lang, f"Bảng màu mức tiến độ 2021–2025 của {ev['indicator_code'].nunique()} chỉ tiêu tại "
                          f"{ev['unit_code'].nunique()} đơn vị; "
                          + count_line(ev.get("progress_category", []), lang) + ".",
                    f"Grid of the 2021–2025 progress of {ev['indicator_code'].nunique()} indicators in "
                    f"{ev['unit_code'].nunique()} units; " + count_line(ev.get("progress_category", []), lang) + ".")
    show_block(pick_lang(lang, "2. Mức tiến độ theo đơn vị và chỉ tiêu", "2. Progress by unit and indicator"),
               figure_html(fig, alt))


def show_province_evaluation(s: ProvinceSummary) -> None:
    """3. The province's own 2021–2025 results (rates as ratio of sums): its Biểu 1, verdicts coloured."""
    from ctxh_plan.present.labels import text
    from ctxh_plan.reports.unit import _table, _verdict_colours, evaluation_legend

    lang = s.lang
    title = pick_lang(lang, "3. Kết quả toàn tỉnh 2021–2025 (tỷ lệ = tổng tử số / tổng mẫu số)",
                      "3. Province results 2021–2025 (rates = ratio of sums)")
    prov = province_report(s)
    table = _table(prov, "bieu1")
    if table is None or not len(table.frame):
        show_block(title, pick_lang(lang, "<p>Không có số liệu cấp tỉnh.</p>", "<p>No province-level figures.</p>"))
        return
    lead = (pick_lang(lang, f"{len(prov.evaluation)} chỉ tiêu được đánh giá: ",
                      f"{len(prov.evaluation)} targets evaluated: ")
            + count_line(prov.evaluation.get("attainment", []), lang) + ".")
    body = (f'<p class="ctxh-lead">{html.escape(lead)}</p>' + evaluation_legend(prov.evaluation["attainment"], lang)
            + appendix_table_html(table, lang, colours={"attainment": _verdict_colours(table, prov.evaluation)},
                                  skip_notes=[text("illustrative_note", lang)]))
    show_block(title, body)


def show_province_plan(s: ProvinceSummary) -> None:
    """4. The province's 2026–2030 targets and milestones (its Biểu 2) and the charts of the key indicators."""
    from ctxh_plan.present.labels import text
    from ctxh_plan.reports.unit import _key_indicators, _table, chart_alt, report_chart

    lang = s.lang
    title = pick_lang(lang, "4. Chỉ tiêu toàn tỉnh giai đoạn 2026–2030", "4. Province targets 2026–2030")
    prov = province_report(s)
    table = _table(prov, "bieu2")
    if table is None or not len(table.frame):
        body = pick_lang(lang, "<p>Không có đề xuất cấp tỉnh.</p>", "<p>No province-level proposal.</p>")
    else:
        body = appendix_table_html(table, lang, skip_notes=[text("illustrative_note", lang)])
    codes = _key_indicators(prov)
    if codes:
        body += "<h4>" + html.escape(pick_lang(lang, "Diễn biến, dự báo và lộ trình các chỉ tiêu chính",
                                               "History, forecast and path of the key indicators")) + "</h4>"
        body += "".join(figure_html(report_chart(prov, code), chart_alt(prov, code)) for code in codes)
    show_block(title, body)


def show_province_notes(s: ProvinceSummary) -> None:
    """Notes recorded while computing (nothing when there are none)."""
    if s.notes:
        n = 8 if s.tracking_dir else 5  # after the three tracking sections when there are some
        show_block(pick_lang(s.lang, f"{n}. Ghi chú", f"{n}. Notes"), notes_html(list(dict.fromkeys(s.notes)), s.lang))


def show_province_footer(s: ProvinceSummary) -> None:
    """The footer: the banner again, the data source, the appendix documents."""
    from ctxh_plan.reports.unit import _source_line, appendix_links

    lines = [line for line in (_source_line(s.ds, s.lang), appendix_links(s.appendices, s.lang, province=True))
             if line]
    show_html(footer_html(lines, s.illustrative, s.lang))


def show_province_summary(s: ProvinceSummary) -> None:
    """Every section of the summary in order."""
    show_province_header(s)
    show_ranking(s)
    show_heatmap(s)
    show_province_evaluation(s)
    show_province_plan(s)
    show_province_notes(s)
    show_province_footer(s)


def province_summary_line(s: ProvinceSummary) -> str:
    """One deterministic text line: province, number of units, attainment counts over all units."""
    mark = " [dữ liệu minh họa]" if s.illustrative else ""
    ev = s.units_evaluation
    return (f"{s.province_code} {s.province_name}: {len(s.units)} " + pick_lang(s.lang, "đơn vị", "units")
            + f" ({count_line(ev['attainment'], s.lang)})" + mark)


def province_figures(s: ProvinceSummary) -> dict[str, Any]:
    """Key figures of the summary: attainment counts per unit."""
    per: dict[str, dict[str, int]] = {}
    for u, a in zip(s.evaluation["unit_code"].astype(str), s.evaluation["attainment"].astype(str)):
        per.setdefault(u, {})
        per[u][a] = per[u].get(a, 0) + 1
    return {"province_code": s.province_code, "illustrative": s.illustrative, "units": s.units,
            "attainment_counts": {u: dict(sorted(c.items())) for u, c in sorted(per.items())}}
