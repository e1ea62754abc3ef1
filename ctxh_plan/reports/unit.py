"""One unit's report: what ``notebooks/unit_report.ipynb`` computes and shows.

One function per section, each called from its own notebook cell: header (title, what the report
covers, the illustrative banner), data quality, the 2021–2025 evaluation (Biểu 1 as the appendix
prints it, verdicts coloured with a legend), charts of the key indicators (SVG with Vietnamese alt
text), the 2026–2030 proposals (Biểu 2: plan order, names, units of measure, each indicator's
decimals), notes, footer (the banner again, sources, the appendix files). A new section is a new
``show_…`` function and a new cell.

Displays are deterministic (no timings, no memory addresses, fixed ids, charts without dates) so a
re-run gives the same notebook.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import PROBLEM_COLUMNS
from ctxh_plan.present.charts import KEY_INDICATORS
from ctxh_plan.reports.figures import count_line, json_number
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
    status_legend_html,
    styled_table,
)
from ctxh_plan.reports.messages import collect_messages, silenced
from ctxh_plan.reports.plan import Plan, batch_store, load_plan
from ctxh_plan.reports.proposals import published_unit_proposals

__all__ = ["KEY_INDICATORS", "UnitReport", "appendix_links", "build_unit_report", "chart_alt", "evaluation_legend",
           "key_indicators_default", "published_proposals", "report_chart", "report_tables", "scenario_label",
           "show_charts",
           "show_evaluation", "show_footer", "show_header", "show_notes", "show_proposals", "show_quality",
           "show_unit_report", "unit_chart", "unit_figures", "unit_problems", "unit_summary_line"]

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
    #: appendix documents written for this report (``write_report_appendices``), relative to the run folder
    appendices: list[str] = field(default_factory=list)
    #: tracking folder of the adopted plan ("" = no "Theo dõi thực hiện" section)
    tracking_dir: str = ""
    _tables: list[Any] | None = field(default=None, repr=False)
    #: this unit's rows of the frames its charts read, split by indicator once (:func:`_by_indicator`)
    _split: dict[str, Any] | None = field(default=None, repr=False)

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
        plan = load_plan(params["dataset"], rebase_to=params["rebase_to"],
                         store=batch_store(params.get("output_dir", "")))  # a batch run: shared by its kernels
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
    keys = tuple(params.get("key_indicators") or key_indicators_default())
    unknown = [k for k in keys if k not in ds.catalog]
    if unknown:
        raise ParameterError("key_indicators", f"indicator code(s) {unknown} not in the catalogue", value=unknown[0],
                             fix="use codes of params/indicators.yaml")
    problems, other = unit_problems(ds, unit)
    rep = UnitReport(unit, plan.unit_name(unit), params["lang"], plan.illustrative, plan, ev, fc, pr,
                     problems, params["suppress_threshold"], notes, keys, other, params["scenario"])
    rep.tracking_dir = params.get("tracking_dir", "")  # section 5 "Theo dõi thực hiện" (reports.tracking)
    return rep


def key_indicators_default() -> tuple[str, ...]:
    """The plan's key indicators: ``charts.key_indicators`` of ``params/publish.yaml`` (default
    :data:`~ctxh_plan.present.charts.KEY_INDICATORS`)."""
    from ctxh_plan.present import load_publish_settings

    return tuple(load_publish_settings().key_indicators)


def scenario_label(name: str, lang: str) -> str:
    """The scenario's label from its file (``""`` = the baseline), e.g. "Cơ sở (theo xu hướng)"."""
    from ctxh_plan.targets.scenarios import load_scenario

    try:
        return load_scenario(name or "baseline").label(lang)
    except Exception:  # a report never fails on a label: the name is shown instead
        return name


def report_tables(rep: UnitReport) -> list[Any]:
    """The unit's Biểu 1 and Biểu 2 as its appendix prints them (computed once per report)."""
    if rep._tables is None:
        with collect_messages(rep.notes, f"unit {rep.unit_code}"):
            rep._tables = rep.plan.appendix_tables(rep.unit_code, scenario=rep.scenario,
                                                   threshold=rep.suppress_threshold, lang=rep.lang)
    return rep._tables


def _table(rep: UnitReport, key: str) -> Any | None:
    return next((t for t in report_tables(rep) if t.key == key), None)


def show_header(rep: UnitReport) -> None:
    """The report's style sheet, title, what it covers (unit, dataset, scenario) and the banner."""
    lang = rep.lang
    title = pick_lang(lang, "Báo cáo công tác trẻ em", "Child-affairs report") + f": {rep.unit_name}"
    lead = [pick_lang(lang, f"Mã đơn vị: {rep.unit_code}", f"Unit code: {rep.unit_code}"),
            pick_lang(lang, "Giai đoạn đánh giá: 2021–2025; đề xuất chỉ tiêu: 2026–2030",
                      "Evaluation: 2021–2025; proposed targets: 2026–2030"),
            pick_lang(lang, "Kịch bản: ", "Scenario: ") + scenario_label(rep.scenario, lang)]
    banner = illustrative_banner(lang) if rep.illustrative else ""
    show_html(f"{REPORT_CSS}<h2>{html.escape(title)}</h2>"
              f'<p class="ctxh-lead">{html.escape(" · ".join(lead))}</p>{banner}')


def show_quality(rep: UnitReport) -> None:
    """Data-quality problems of this unit's data (or a line saying there are none)."""
    from ctxh_plan.present.labels import column_label

    lang = rep.lang
    title = pick_lang(lang, "1. Chất lượng số liệu", "1. Data quality")
    if not len(rep.problems):
        body = pick_lang(lang, "<p>Không phát hiện vấn đề về số liệu.</p>", "<p>No data problems found.</p>")
    else:
        shown = rep.problems[[c for c in _PROBLEM_COLUMNS if c in rep.problems]].copy()
        if "file" in shown:  # a file name, never a machine path
            shown["file"] = [Path(str(f)).name if isinstance(f, str) and f else "" for f in shown["file"]]
        if "column" in shown:
            shown["column"] = [column_label(str(c), lang) if isinstance(c, str) else c for c in shown["column"]]
        if "severity" in shown and lang == "vi":
            shown["severity"] = shown["severity"].replace({"error": "lỗi", "warning": "cảnh báo"})
        empty = [c for c in shown.columns
                 if all(v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("", "<NA>", "nan")
                        for v in shown[c])]
        shown = shown.drop(columns=empty)
        if "column" in shown and lang == "vi":  # a file's column named by its label ("Năm", not "year")
            from ctxh_plan.present.labels import column_label

            shown["column"] = [column_label(str(c), "vi") if isinstance(c, str) else c for c in shown["column"]]
        order = [c for c in ("severity", "problem", "fix", "column", "value", "file", "row") if c in shown.columns]
        body = styled_table(shown[order].astype(object), f"q{rep.unit_code}", "", lang)
    if rep.other_problems:
        body += pick_lang(lang, f"<p>Bộ dữ liệu còn {rep.other_problems} vấn đề khác, thuộc các đơn vị khác.</p>",
                          f"<p>The dataset has {rep.other_problems} other problems, concerning other units.</p>")
    show_block(title, body)


def evaluation_legend(codes: Any, lang: str) -> str:
    """Legend of the verdict colours used for ``codes`` (attainment values), in the vocabulary's order."""
    from ctxh_plan.evaluate.style import ATTAINMENT_COLOURS
    from ctxh_plan.vocab import label

    present = {str(c) for c in codes}
    order = list(ATTAINMENT_COLOURS) + sorted(present - set(ATTAINMENT_COLOURS))
    items = [(ATTAINMENT_COLOURS.get(c, "#ffffff"), label(c, lang)) for c in order if c in present]
    return status_legend_html(items, pick_lang(lang, "Màu cột Đánh giá:", "Colours of the verdict column:"))


def _verdict_colours(table: Any, evaluation: Any) -> list[str]:
    """One background colour per row of Biểu 1, from the row's attainment value."""
    from ctxh_plan.evaluate.style import ATTAINMENT_COLOURS

    att = dict(zip(evaluation["indicator_code"].astype(str), evaluation["attainment"].astype(str)))
    return [ATTAINMENT_COLOURS.get(att.get(str(c), ""), "") for c in table.frame["indicator_code"]]


def show_evaluation(rep: UnitReport) -> None:
    """The 2021–2025 evaluation: how many targets reached each verdict, then Biểu 1 with the verdict
    cells coloured and a legend of the colours."""
    from ctxh_plan.present.labels import text

    lang = rep.lang
    title = pick_lang(lang, "2. Đánh giá thực hiện chỉ tiêu 2021–2025", "2. Evaluation of the 2021–2025 targets")
    table = _table(rep, "bieu1")
    if not len(rep.evaluation) or table is None or not len(table.frame):
        show_block(title, pick_lang(lang, "<p>Không có chỉ tiêu nào có chỉ tiêu 2025.</p>",
                                    "<p>No indicator with a 2025 target.</p>"))
        return
    n = len(rep.evaluation)
    lead = (pick_lang(lang, f"{n} chỉ tiêu được đánh giá: ", f"{n} targets evaluated: ")
            + count_line(rep.evaluation.get("attainment", []), lang) + ".")
    body = (f'<p class="ctxh-lead">{html.escape(lead)}</p>'
            + evaluation_legend(rep.evaluation["attainment"], lang)
            + appendix_table_html(table, lang, colours={"attainment": _verdict_colours(table, rep.evaluation)},
                                  skip_notes=[text("illustrative_note", lang)]))
    show_block(title, body)


def _hidden_charts(rep: UnitReport) -> set[str]:
    """Key indicators not charted: sensitive ones with a value hidden in the published tables (a chart
    shows every small number)."""
    if not rep.suppress_threshold:
        return set()
    from ctxh_plan.present.suppress import suppressed_flag_column

    _settings, values, _props = rep.plan.published_tables(rep.scenario, rep.suppress_threshold)
    mine = values[values["unit_code"].astype(str) == rep.unit_code]
    flag = suppressed_flag_column("value")
    hidden = set(mine.loc[mine[flag].astype(bool), "indicator_code"].astype(str))
    return {c for c in rep.key_indicators if c in hidden and c in rep.ds.catalog and rep.ds.catalog[c].sensitive}


def _key_indicators(rep: UnitReport) -> list[str]:
    """Indicators charted: the key indicators that have data or a proposal for this unit, less the
    sensitive ones whose small numbers are hidden (a note says which)."""
    have = set(rep.evaluation["indicator_code"].astype(str)) | set(rep.proposals["indicator_code"].astype(str))
    hidden = _hidden_charts(rep) & have
    if hidden:
        names = ", ".join(rep.ds.catalog[c].name(rep.lang) for c in sorted(hidden))
        msg = pick_lang(rep.lang, f"Không vẽ biểu đồ chỉ tiêu nhạy cảm có số nhỏ được ẩn (bảo vệ trẻ em): {names}.",
                        f"Sensitive indicators with hidden small numbers are not charted (child protection): {names}.")
        if msg not in rep.notes:
            rep.notes.append(msg)
    return [c for c in rep.key_indicators if c in have and c not in hidden]


def _target_2025(rep: UnitReport, code: str) -> float | None:
    rows = rep.evaluation[rep.evaluation["indicator_code"].astype(str) == code]
    if not len(rows) or "target_value" not in rows:
        return None
    v = rows["target_value"].iloc[0]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _by_indicator(rep: UnitReport) -> dict[str, Any]:
    """This unit's own full-year observations, published values (at the report's threshold), forecasts and
    proposals, each split by indicator code once per report (the charts and their alt texts read them)."""
    if rep._split is None:
        from ctxh_plan.present.suppress import suppressed_flag_column

        obs = rep.ds.observations
        own = obs[(obs["unit_code"].astype(str) == rep.unit_code) & (obs["period"].astype(str) == "FY")]
        _settings, values, _props = rep.plan.published_tables(rep.scenario, rep.suppress_threshold)
        mine = values[values["unit_code"].astype(str) == rep.unit_code]
        shown = mine[~mine[suppressed_flag_column("value")].astype(bool)].dropna(subset=["value"])
        rep._split = {
            "own": dict(tuple(own.groupby(own["indicator_code"].astype(str), sort=False))),
            "published": dict(tuple(shown.groupby(shown["indicator_code"].astype(str), sort=False))),
            "forecasts": dict(tuple(rep.forecasts.groupby(rep.forecasts["indicator_code"].astype(str), sort=False))),
            "proposals": dict(tuple(rep.proposals.groupby(rep.proposals["indicator_code"].astype(str), sort=False))),
        }
    return rep._split


def unit_history(rep: UnitReport, code: str) -> Any:
    """Observed yearly values of ``code`` for the report's unit: its own figures, completed with the
    published values (a province's roll-up of its units, the evaluation's baseline and latest values);
    for a sensitive indicator under suppression, only the published values that are not hidden."""
    import pandas as pd

    split = _by_indicator(rep)
    rows = split["own"].get(code)
    own = pd.Series(dtype="float64") if rows is None else pd.Series(
        rows["value"].to_numpy(dtype=float), index=pd.Index(rows["year"].to_numpy(), name="year"), name=code,
        dtype="float64").sort_index().dropna()
    shown = split["published"].get(code)
    if shown is None:
        extra = pd.Series(dtype="float64")
    else:
        extra = pd.Series(shown["value"].astype(float).to_numpy(), index=shown["year"].astype(int).to_numpy())
    if rep.suppress_threshold and code in rep.ds.catalog and rep.ds.catalog[code].sensitive:
        return extra.sort_index()  # only what the published tables show
    return own.combine_first(extra[~extra.index.isin(own.index)]).sort_index()


def report_chart(rep: UnitReport, code: str) -> Any:
    """Chart of one indicator as a :class:`~ctxh_plan.present.charts.Chart` of the plan's chart cache (drawn and
    rendered once for the same content: the province's charts are shared with its appendix, identical charts
    of two units are drawn once)."""
    split = _by_indicator(rep)
    fc = split["forecasts"].get(code)
    prop = split["proposals"].get(code)
    return rep.plan.charts.indicator(unit_history(rep, code), target_2025=_target_2025(rep, code),
                                     forecast=fc if fc is not None and len(fc) else None,
                                     proposal=prop.iloc[0].to_dict() if prop is not None and len(prop) else None,
                                     indicator=rep.ds.catalog[code], lang=rep.lang, illustrative=rep.illustrative)


def unit_chart(rep: UnitReport, code: str) -> Any:
    """Chart of one indicator: history, 2025 target, forecast fan, proposed milestones (a matplotlib figure)."""
    return report_chart(rep, code).figure


def chart_alt(rep: UnitReport, code: str) -> str:
    """Alt text of an indicator chart, in the report's language: what it shows and its key numbers
    (last observed value, 2025 target, proposed 2030 target), written with the indicator's decimals."""
    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.vocab import Operator

    lang = rep.lang
    ind = rep.ds.catalog[code]
    dec = 0 if ind.kind.value in ("count", "yes_no") else int(ind.decimals)
    style = "vi" if lang == "vi" else "en"
    unit = ind.unit(lang)

    def num(v: Any) -> str:
        return f"{format_number(float(v), dec, style=style)} {unit}".strip()

    hist = unit_history(rep, code)
    parts = [pick_lang(lang, f"Biểu đồ {ind.name(lang)} của {rep.unit_name}",
                       f"Chart of {ind.name(lang)} for {rep.unit_name}")]
    if len(hist):
        y0, y1 = int(hist.index.min()), int(hist.index.max())
        parts.append(pick_lang(lang, f"số liệu thực hiện {y0}–{y1}, năm {y1}: {num(hist.iloc[-1])}",
                               f"observed {y0}–{y1}, {y1}: {num(hist.iloc[-1])}"))
    target = _target_2025(rep, code)
    if target is not None:
        rows = rep.evaluation[rep.evaluation["indicator_code"].astype(str) == code]
        try:
            op = Operator(str(rows["target_operator"].iloc[0])).label("vi") + " "
        except (KeyError, ValueError):
            op = ""
        parts.append(pick_lang(lang, f"chỉ tiêu 2025: {op}{num(target)}", f"2025 target: {op}{num(target)}"))
    prop = _by_indicator(rep)["proposals"].get(code)
    if prop is not None and len(prop) and json_number(prop["target_2030"].iloc[0]) is not None:
        parts.append(pick_lang(lang, f"dự báo, khoảng dự báo 80% và 95%, lộ trình đề xuất đến chỉ tiêu 2030: "
                                     f"{num(prop['target_2030'].iloc[0])}",
                               f"forecast with 80% and 95% intervals, proposed path to the 2030 target: "
                               f"{num(prop['target_2030'].iloc[0])}"))
    return "; ".join(parts) + "."


def show_charts(rep: UnitReport) -> None:
    """One chart per key indicator (SVG, with alt text)."""
    lang = rep.lang
    title = pick_lang(lang, "3. Diễn biến, dự báo và lộ trình 2026–2030", "3. History, forecast and 2026–2030 path")
    codes = _key_indicators(rep)
    intro = pick_lang(lang, "<p>Các chỉ tiêu chính của kế hoạch; các chỉ tiêu khác xem Biểu 1 và Biểu 2.</p>",
                      "<p>The plan's key indicators; the others are in Tables 1 and 2.</p>")
    figures = "".join(figure_html(report_chart(rep, code), chart_alt(rep, code)) for code in codes)
    if not codes:
        figures = pick_lang(lang, "<p>Không có chỉ tiêu chính nào có số liệu.</p>",
                            "<p>No key indicator has data.</p>")
    show_block(title, intro + figures)


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
    """Proposed 2030 targets with yearly milestones: Biểu 2 as the appendix prints it."""
    from ctxh_plan.present.labels import text

    lang = rep.lang
    title = pick_lang(lang, "4. Đề xuất chỉ tiêu 2030 và lộ trình", "4. Proposed 2030 targets and milestones")
    table = _table(rep, "bieu2")
    if table is None or not len(table.frame):
        show_block(title, pick_lang(lang, "<p>Không có đề xuất.</p>", "<p>No proposal.</p>"))
        return
    show_block(title, appendix_table_html(table, lang, skip_notes=[text("illustrative_note", lang)]))


def show_notes(rep: UnitReport) -> None:
    """Notes: fallbacks and warnings recorded while computing, methods used."""
    from ctxh_plan.present.tables import _note_parts  # one home for reading "vi / en; vi / en" notes

    n = 6 if rep.tracking_dir else 5  # after the tracking section when there is one
    title = pick_lang(rep.lang, f"{n}. Ghi chú", f"{n}. Notes")
    items = list(rep.notes)
    for frame in (rep.evaluation, rep.forecasts):
        if "note" in frame.columns:
            items += sorted({part for n in frame["note"].dropna() for part in _note_parts(n, rep.lang)})
    items.append(pick_lang(rep.lang, "Phương pháp: tỷ lệ đạt, tỷ số tiến độ Open SDG, biểu đồ tiến độ UNSD (2023); "
                                     "dự báo kết hợp với khoảng dự báo 80% và 95%.",
                           "Methods: attainment, Open SDG progress ratio, UNSD progress chart (2023); "
                           "combined forecasts with 80% and 95% intervals."))
    show_block(title, notes_html(list(dict.fromkeys(items)), rep.lang))


def appendix_links(names: list[str], lang: str, *, province: bool = False) -> str:
    """HTML line linking the appendix documents (paths relative to the run folder, linked from the
    report's sibling folders ``html/`` and ``notebooks/``) and saying what they hold, or ``""``."""
    from ctxh_plan.present.labels import text

    if not names:
        return ""
    kinds = {".docx": "Word", ".xlsx": "Excel"}
    links = ", ".join(f'<a href="../{html.escape(n)}">{html.escape(Path(n).name)}</a>'
                      f" ({kinds.get(Path(n).suffix, Path(n).suffix)})" for n in names)
    holds = text("appendix_contents_province" if province else "appendix_contents_unit", lang)
    return (pick_lang(lang, "Phụ lục kế hoạch kèm theo: ", "Plan appendix: ") + links
            + f" — {html.escape(holds)}.")


def _source_line(ds: Any, lang: str) -> str:
    title = str(getattr(ds, "title", "") or "")
    return html.escape(pick_lang(lang, "Nguồn số liệu: ", "Data: ") + title) if title else ""


def show_footer(rep: UnitReport) -> None:
    """The footer: the illustrative banner again, the data source and the appendix documents."""
    lines = [line for line in (_source_line(rep.ds, rep.lang), appendix_links(rep.appendices, rep.lang)) if line]
    show_html(footer_html(lines, rep.illustrative, rep.lang))


def show_unit_report(rep: UnitReport) -> None:
    """All sections of the unit report in order."""
    show_header(rep)
    show_quality(rep)
    show_evaluation(rep)
    show_charts(rep)
    show_proposals(rep)
    show_notes(rep)
    show_footer(rep)


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
