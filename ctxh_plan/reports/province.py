"""The province summary: what ``notebooks/province_summary.ipynb`` computes and shows (all units
side by side: ranking, status heatmap, province aggregates as ratio of sums)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctxh_plan.reports.figures import count_line
from ctxh_plan.reports.html import (
    TABLE_CSS,
    figure_png,
    illustrative_banner,
    notes_html,
    pick_lang,
    show_block,
    show_html,
)
from ctxh_plan.reports.messages import collect_messages
from ctxh_plan.reports.plan import Plan, load_plan

__all__ = ["ProvinceSummary", "build_province_summary", "province_figures", "province_summary_line",
           "show_province_summary"]


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

    @property
    def ds(self) -> Any:
        """The plan's dataset."""
        return self.plan.dataset


def build_province_summary(params: dict[str, Any]) -> ProvinceSummary:
    """Evaluate every selected unit (and the province) from validated notebook parameters.

    Raises
    ------
    ParameterError
        A unit code that is not in the dataset.
    """
    from ctxh_plan.errors import ParameterError

    notes: list[str] = []
    with collect_messages(notes, "province summary"):
        plan = load_plan(params["dataset"], rebase_to=params["rebase_to"])
    available = plan.report_units()
    units = params["units"] or available
    missing = [u for u in units if u not in available]
    if missing:
        raise ParameterError("units", f"unit code(s) {missing} not in the dataset", value=missing[0],
                             fix=f"use codes of: {', '.join(available)}")
    province = plan.province_code
    with collect_messages(notes, "province summary"):
        evaluation = plan.evaluation()
    evaluation = evaluation[evaluation["unit_code"].astype(str).isin(set(units) | {province})].reset_index(drop=True)
    if "unit_name" not in evaluation.columns:
        evaluation = evaluation.assign(unit_name=[plan.unit_name(c) for c in evaluation["unit_code"].astype(str)])
    return ProvinceSummary(province, plan.unit_name(province), params["lang"], plan.illustrative, list(units),
                           plan, evaluation, params["suppress_threshold"], notes, params["scenario"])


def show_province_summary(s: ProvinceSummary) -> None:
    """Header, ranking, status heatmap, province aggregates table."""
    import html

    from IPython.display import Image, display

    from ctxh_plan.present import plot_ranking, plot_status_heatmap

    lang = s.lang
    title = pick_lang(lang, "Tổng hợp toàn tỉnh", "Province summary") + f": {s.province_name} ({s.province_code})"
    show_html(f"{TABLE_CSS}<h2>{html.escape(title)}</h2>" + (illustrative_banner(lang) if s.illustrative else ""))
    units_ev = s.evaluation[s.evaluation["unit_code"].astype(str) != s.province_code]
    show_block(pick_lang(lang, "1. Xếp hạng đơn vị theo tỷ lệ chỉ tiêu đạt", "1. Units ranked by share of targets met"),
               "", s.illustrative, lang)
    display(Image(data=figure_png(plot_ranking(units_ev, lang, illustrative=s.illustrative))))
    show_block(pick_lang(lang, "2. Mức tiến độ theo đơn vị và chỉ tiêu", "2. Progress by unit and indicator"), "",
               s.illustrative, lang)
    display(Image(data=figure_png(plot_status_heatmap(units_ev, lang, illustrative=s.illustrative))))
    with collect_messages(s.notes, "province summary"):
        pub = s.plan.published_evaluation(s.suppress_threshold)
    prov = pub[pub["unit_code"].astype(str) == s.province_code].reset_index(drop=True)
    if len(prov):
        from ctxh_plan.evaluate import style_evaluation

        body = style_evaluation(prov, lang=lang).set_uuid("evprov").to_html()
    else:
        body = pick_lang(lang, "<p>Không có số liệu cấp tỉnh.</p>", "<p>No province-level figures.</p>")
    show_block(pick_lang(lang, "3. Kết quả toàn tỉnh (tỷ lệ = tổng tử số / tổng mẫu số)",
                         "3. Province aggregates (rates = ratio of sums)"), body, s.illustrative, lang)
    if s.notes:
        show_block(pick_lang(lang, "Ghi chú", "Notes"), notes_html(s.notes, lang), s.illustrative, lang)


def province_summary_line(s: ProvinceSummary) -> str:
    """One deterministic text line: province, number of units, attainment counts over all units."""
    mark = " [dữ liệu minh họa]" if s.illustrative else ""
    ev = s.evaluation[s.evaluation["unit_code"].astype(str) != s.province_code]
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
