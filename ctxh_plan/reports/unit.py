"""One unit's report: what ``notebooks/unit_report.ipynb`` computes and shows.

Sections: data quality, the 2021–2025 evaluation, charts of the key indicators, the 2030 proposals,
notes. Displays are deterministic (no timings, no memory addresses, fixed Styler ids, PNG charts
without timestamps) so a re-run gives the same notebook; every block carries "Dữ liệu minh họa"
when the dataset is illustrative.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ctxh_plan.data.frames import PROBLEM_COLUMNS
from ctxh_plan.reports.figures import count_line, json_number
from ctxh_plan.reports.html import (
    TABLE_CSS,
    figure_png,
    illustrative_banner,
    notes_html,
    pick_lang,
    show_block,
    show_html,
    styled_table,
)
from ctxh_plan.reports.messages import collect_messages, silenced
from ctxh_plan.reports.plan import Plan, load_plan
from ctxh_plan.reports.proposals import display_proposals, published_unit_proposals

__all__ = ["KEY_INDICATORS", "UnitReport", "build_unit_report", "published_proposals", "show_charts",
           "show_evaluation", "show_header", "show_notes", "show_proposals", "show_quality", "show_unit_report",
           "unit_chart", "unit_figures", "unit_problems", "unit_summary_line"]

#: indicators charted in a unit report when the notebook parameter ``key_indicators`` is []:
#: one or two per group of the plan (mortality, nutrition, injuries, drowning, child marriage, pre-school)
KEY_INDICATORS = ("CT03c", "CT04b", "CT11b", "DROWNING_DEATHS", "CHILD_MARRIAGES", "CT16")

#: problem columns a report shows (the sheet is in the file name for reports)
_PROBLEM_COLUMNS = [c for c in PROBLEM_COLUMNS if c != "sheet"]


@dataclass
class UnitReport:
    """Everything one unit's report shows (frames are pandas DataFrames of this unit only)."""

    unit_code: str
    unit_name: str
    lang: str
    illustrative: bool
    plan: Plan = field(repr=False)
    evaluation: Any = field(repr=False)
    forecasts: Any = field(repr=False)
    proposals: Any = field(repr=False)
    problems: Any = field(repr=False)
    suppress_threshold: int = 0
    notes: list[str] = field(default_factory=list)
    key_indicators: tuple[str, ...] = KEY_INDICATORS
    other_problems: int = 0
    scenario: str = ""

    @property
    def ds(self) -> Any:
        """The plan's dataset."""
        return self.plan.dataset


def unit_problems(ds: Any, unit: str) -> tuple[Any, int]:
    """Problems of the dataset that concern ``unit`` (by a ``unit_code`` column, else by the code
    named in the problem text), and the number of other problems."""
    import pandas as pd

    pr = getattr(ds, "problems", None)
    if pr is None or not len(pr):
        return pd.DataFrame(columns=_PROBLEM_COLUMNS), 0
    if "unit_code" in pr.columns:
        mine = pr["unit_code"].astype(str) == unit
    else:
        pat = re.compile(rf"(?<![0-9A-Za-z]){re.escape(unit)}(?![0-9A-Za-z])")
        mine = pr["problem"].astype(str).map(lambda t: bool(pat.search(t)))
    return pr[mine].reset_index(drop=True), int((~mine).sum())


def build_unit_report(params: dict[str, Any]) -> UnitReport:
    """Compute one unit's report from validated notebook parameters.

    Parameters
    ----------
    params : dict
        Output of ``check_params("unit_report", globals())``: ``dataset, unit_code,
        scenario, lang, rebase_to, output_dir, suppress_threshold, key_indicators``.

    Raises
    ------
    ParameterError
        The unit code is not in the dataset, or a key indicator is not in the catalogue.
    """
    from ctxh_plan.errors import ParameterError

    unit = params["unit_code"]
    notes: list[str] = []
    with collect_messages(notes, f"unit {unit}"):
        plan = load_plan(params["dataset"], rebase_to=params["rebase_to"])
    ds = plan.dataset
    units = plan.report_units()
    if unit not in units:
        raise ParameterError("unit_code", "is not a unit of the dataset", value=unit,
                             fix=f"use one of: {', '.join(units)}")
    with collect_messages(notes, f"unit {unit}"):
        evaluation = plan.evaluation()
        ev = evaluation[evaluation["unit_code"].astype(str) == unit].reset_index(drop=True)
    with silenced():  # the all-units projection's notes concern every unit; this unit's are in its rows
        proj = plan.projection(params["scenario"])
    fc = proj.forecasts[proj.forecasts["unit_code"].astype(str) == unit].reset_index(drop=True)
    pr = proj.proposals[proj.proposals["unit_code"].astype(str) == unit].reset_index(drop=True)
    keys = tuple(params.get("key_indicators") or KEY_INDICATORS)
    unknown = [k for k in keys if k not in ds.catalog]
    if unknown:
        raise ParameterError("key_indicators", f"indicator code(s) {unknown} not in the catalogue", value=unknown[0],
                             fix="use codes of params/indicators.yaml")
    problems, other = unit_problems(ds, unit)
    rep = UnitReport(unit, plan.unit_name(unit), params["lang"], plan.illustrative, plan, ev, fc, pr,
                     problems, params["suppress_threshold"], notes, keys, other, params["scenario"])
    rep.tracking_dir = params.get("tracking_dir", "")  # section 5 "Theo dõi thực hiện" (reports.tracking)
    return rep


def show_header(rep: UnitReport) -> None:
    """Title, unit, data source note."""
    import html

    title = (pick_lang(rep.lang, "Báo cáo công tác trẻ em", "Child-affairs report")
             + f": {rep.unit_name} ({rep.unit_code})")
    banner = illustrative_banner(rep.lang) if rep.illustrative else ""
    show_html(f"{TABLE_CSS}<h2>{html.escape(title)}</h2>{banner}")


def show_quality(rep: UnitReport) -> None:
    """Data-quality problems of this unit's data (or a line saying there are none)."""
    title = pick_lang(rep.lang, "1. Chất lượng số liệu", "1. Data quality")
    if not len(rep.problems):
        body = pick_lang(rep.lang, "<p>Không phát hiện vấn đề về số liệu.</p>", "<p>No data problems found.</p>")
    else:
        cols = [c for c in _PROBLEM_COLUMNS if c in rep.problems]
        shown = rep.problems[cols].copy()
        if "severity" in shown and rep.lang == "vi":
            shown["severity"] = shown["severity"].replace({"error": "lỗi", "warning": "cảnh báo"})
        if "column" in shown and rep.lang == "vi":  # a file's column named by its label ("Năm", not "year")
            from ctxh_plan.present.labels import column_label

            shown["column"] = [column_label(str(c), "vi") if isinstance(c, str) else c for c in shown["column"]]
        body = styled_table(shown, f"q{rep.unit_code}", "", rep.lang)
    if rep.other_problems:
        body += pick_lang(rep.lang,
                          f"<p>{rep.other_problems} vấn đề khác của bộ dữ liệu liên quan đến đơn vị khác "
                          "(xem <code>ctxh-plan validate</code>).</p>",
                          f"<p>{rep.other_problems} other problems of the dataset concern other units "
                          "(see <code>ctxh-plan validate</code>).</p>")
    show_block(title, body, rep.illustrative, rep.lang)


def show_evaluation(rep: UnitReport) -> None:
    """The 2021–2025 evaluation table, coloured by status (``style_evaluation``)."""
    from ctxh_plan.evaluate import style_evaluation

    title = pick_lang(rep.lang, "2. Đánh giá thực hiện chỉ tiêu 2021–2025", "2. Evaluation of the 2021–2025 targets")
    if not len(rep.evaluation):
        show_block(title, pick_lang(rep.lang, "<p>Không có chỉ tiêu được giao.</p>",
                                    "<p>No indicator with a target.</p>"), rep.illustrative, rep.lang)
        return
    with collect_messages(rep.notes, f"unit {rep.unit_code}"):
        pub = rep.plan.published_evaluation(rep.suppress_threshold)
        ev = pub[pub["unit_code"].astype(str) == rep.unit_code].reset_index(drop=True)
        styler = style_evaluation(ev, lang=rep.lang, mark=f"<{rep.suppress_threshold}").set_uuid(f"ev{rep.unit_code}")
    show_block(title, styler.to_html(), rep.illustrative, rep.lang)


def _key_indicators(rep: UnitReport) -> list[str]:
    """Indicators charted: the key indicators that have data or a proposal for this unit; with
    suppression on, sensitive indicators are not charted (a chart shows every small number)."""
    have = set(rep.evaluation["indicator_code"].astype(str)) | set(rep.proposals["indicator_code"].astype(str))
    sensitive = {c for c in rep.key_indicators if c in rep.ds.catalog and rep.ds.catalog[c].sensitive}
    if rep.suppress_threshold and sensitive & have:
        msg = f"sensitive indicator(s) {sorted(sensitive & have)} not charted (small-number protection)"
        if msg not in rep.notes:
            rep.notes.append(msg)
        have -= sensitive
    return [c for c in rep.key_indicators if c in have]


def _target_2025(rep: UnitReport, code: str) -> float | None:
    rows = rep.evaluation[rep.evaluation["indicator_code"].astype(str) == code]
    if not len(rows) or "target_value" not in rows:
        return None
    v = rows["target_value"].iloc[0]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def unit_chart(rep: UnitReport, code: str) -> Any:
    """Chart of one indicator: history, 2025 target, forecast fan, proposed milestones."""
    from ctxh_plan.present import plot_indicator

    hist = rep.ds.series(rep.unit_code, code)
    fc = rep.forecasts[rep.forecasts["indicator_code"].astype(str) == code]
    prop = rep.proposals[rep.proposals["indicator_code"].astype(str) == code]
    return plot_indicator(hist, target_2025=_target_2025(rep, code), forecast=fc if len(fc) else None,
                          proposal=prop.iloc[0].to_dict() if len(prop) else None,
                          indicator=rep.ds.catalog[code], lang=rep.lang, illustrative=rep.illustrative)


def show_charts(rep: UnitReport) -> None:
    """One chart per key indicator (PNG)."""
    from IPython.display import Image, display

    title = pick_lang(rep.lang, "3. Diễn biến, dự báo và lộ trình 2026–2030",
                      "3. History, forecast and 2026–2030 path")
    show_block(title, pick_lang(rep.lang, "<p>Các chỉ tiêu chính; các chỉ tiêu khác xem bảng ở mục 2 và 4.</p>",
                                "<p>Key indicators; the others are in the tables of sections 2 and 4.</p>"),
               rep.illustrative, rep.lang)
    for code in _key_indicators(rep):
        display(Image(data=figure_png(unit_chart(rep, code))))


def _scenario_key(rep: UnitReport) -> str:
    """The scenario of the all-units projection that matches this report's proposals."""
    scenario = ""
    if "scenario" in rep.proposals.columns and len(rep.proposals):
        scenario = str(rep.proposals["scenario"].iloc[0])
    return "" if scenario in ("", "baseline", "nan") else scenario


def published_proposals(rep: UnitReport) -> Any:
    """The unit's proposals as published (see :func:`~ctxh_plan.reports.proposals.published_unit_proposals`)."""
    return published_unit_proposals(rep.plan, rep.unit_code, rep.proposals, rep.evaluation, lang=rep.lang,
                                    threshold=rep.suppress_threshold, scenario=_scenario_key(rep))


def show_proposals(rep: UnitReport) -> None:
    """Proposed 2030 targets with milestones and feasibility."""
    title = pick_lang(rep.lang, "4. Đề xuất chỉ tiêu 2030 và lộ trình", "4. Proposed 2030 targets and milestones")
    if not len(rep.proposals):
        show_block(title, pick_lang(rep.lang, "<p>Không có đề xuất.</p>", "<p>No proposal.</p>"),
                   rep.illustrative, rep.lang)
        return
    with collect_messages(rep.notes, f"unit {rep.unit_code}"):
        table = display_proposals(published_proposals(rep), rep.ds.catalog, rep.lang)
    show_block(title, styled_table(table, f"pr{rep.unit_code}", "", rep.lang), rep.illustrative, rep.lang)


def show_notes(rep: UnitReport) -> None:
    """Notes: fallbacks and warnings recorded while computing, methods used."""
    n = 6 if getattr(rep, "tracking_dir", "") else 5  # after the tracking section when there is one
    title = pick_lang(rep.lang, f"{n}. Ghi chú", f"{n}. Notes")
    items = list(rep.notes)
    for frame in (rep.evaluation, rep.forecasts):
        if "note" in frame.columns:
            items += sorted({str(n) for n in frame["note"].dropna() if str(n).strip()})
    items.append(pick_lang(rep.lang, "Phương pháp: tỷ lệ đạt, tỷ số tiến độ Open SDG, biểu đồ tiến độ UNSD (2023); "
                                     "dự báo kết hợp với khoảng tin cậy 80%/95%.",
                           "Methods: attainment, Open SDG progress ratio, UNSD progress chart (2023); "
                           "combined forecasts with 80%/95% intervals."))
    show_block(title, notes_html(list(dict.fromkeys(items)), rep.lang), rep.illustrative, rep.lang)


def show_unit_report(rep: UnitReport) -> None:
    """All sections of the unit report in order."""
    show_header(rep)
    show_quality(rep)
    show_evaluation(rep)
    show_charts(rep)
    show_proposals(rep)
    show_notes(rep)


def unit_summary_line(rep: UnitReport) -> str:
    """One deterministic text line: unit, number of evaluated targets, attainment counts."""
    mark = " [dữ liệu minh họa]" if rep.illustrative else ""
    n = len(rep.evaluation)
    return (f"{rep.unit_code} {rep.unit_name}: {n} "
            + pick_lang(rep.lang, "chỉ tiêu được đánh giá", "indicators with a target")
            + f" ({count_line(rep.evaluation.get('attainment', []), rep.lang)}); "
            + f"{len(rep.proposals)} " + pick_lang(rep.lang, "đề xuất 2030", "2030 proposals") + mark)


def unit_figures(rep: UnitReport) -> dict[str, Any]:
    """Key figures of the report (what the golden test checks)."""
    out: dict[str, Any] = {"unit_code": rep.unit_code, "unit_name": rep.unit_name,
                           "illustrative": rep.illustrative, "indicators": {}}
    text_keys = ("attainment", "progress_category")
    for _, r in rep.evaluation.iterrows():
        out["indicators"][str(r["indicator_code"])] = {
            k: json_number(r.get(k)) if k not in text_keys else (None if r.get(k) is None else str(r.get(k)))
            for k in ("latest_year", "latest_value", "target_value", *text_keys)}
    for _, r in rep.proposals.iterrows():
        d = out["indicators"].setdefault(str(r["indicator_code"]), {})
        d["target_2030"] = json_number(r.get("target_2030"))
    counts: dict[str, int] = {}
    if "attainment" in rep.evaluation:
        for a in rep.evaluation["attainment"].astype(str):
            counts[a] = counts.get(a, 0) + 1
    out["attainment_counts"] = dict(sorted(counts.items()))
    return out
