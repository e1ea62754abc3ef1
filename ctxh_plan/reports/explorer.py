"""The scenario explorer behind ``notebooks/scenario_explorer.ipynb``: ipywidgets to choose unit, indicator,
scenario and target method; the chart, the milestones and the probability of meeting the 2030 target
update live. Needs a Jupyter front end for the widgets.

What a reader sees follows the reports: Vietnamese labels for methods, scenarios and the rule that
decided a target (the vocabulary's labels), full indicator names, each indicator's decimals (counts
whole), small counts of sensitive indicators hidden at the publishing threshold of
``params/publish.yaml`` (no chart, marks in the table, no probability), and a line saying why when
a choice gives the same targets as the default.
"""
from __future__ import annotations

import html
from typing import Any

from ctxh_plan.data.numbers import format_number
from ctxh_plan.reports.html import (
    REPORT_CSS,
    figure_html,
    illustrative_banner,
    notes_html,
    pick_lang,
    styled_table,
)
from ctxh_plan.reports.messages import collect_messages, silenced
from ctxh_plan.reports.plan import Plan, load_plan
from ctxh_plan.reports.unit import UnitReport, chart_alt, unit_chart, unit_problems

__all__ = ["build_explorer", "explain_no_change", "explorer_table"]

#: proposal columns the explorer's table shows
_COLUMNS = ("indicator_code", "value_2025", "milestone_2026", "milestone_2027", "milestone_2028", "milestone_2029",
            "milestone_2030", "target_2030", "national_floor", "target_method", "binding")
_SAME = ("target_2030", "milestone_2026", "milestone_2027", "milestone_2028", "milestone_2029", "milestone_2030")


def _same_targets(a: Any, b: Any) -> bool:
    """Whether two proposal rows give the same 2030 target and milestones (to 6 decimals)."""
    import math

    for c in _SAME:
        x, y = a.get(c), b.get(c)
        xf = float(x) if isinstance(x, (int, float)) else math.nan
        yf = float(y) if isinstance(y, (int, float)) else math.nan
        if (math.isnan(xf) != math.isnan(yf)) or (not math.isnan(xf) and round(xf, 6) != round(yf, 6)):
            return False
    return True


def _scenario_touches(name: str, catalog: Any) -> list[str]:
    """Codes of the indicators the scenario ``name`` adjusts."""
    from ctxh_plan.targets.scenarios import _selected, load_scenario

    touched: list[str] = []
    for adj in load_scenario(name).adjustments:
        touched += [c for c in _selected(adj, catalog) if c not in touched]
    return touched


def explain_no_change(chosen: Any, default_method: Any, baseline: Any, *, method: str, scenario: str, code: str,
                      catalog: Any, lang: str) -> list[str]:
    """Lines saying why the chosen method or scenario gives the same targets as the default.

    Parameters
    ----------
    chosen, default_method, baseline : mapping or None
        Proposal rows of the indicator: as chosen; with the automatic method (same scenario); in the
        baseline scenario (same method). None when there is no proposal.
    method, scenario : str
        The choices (``"auto"`` / ``"baseline"`` are the defaults and need no explanation).
    """
    from ctxh_plan.targets.scenarios import load_scenario
    from ctxh_plan.vocab import Binding, TargetMethod

    out: list[str] = []
    if chosen is None:
        return out

    def binding_label(row: Any) -> str:
        try:
            return Binding(str(row.get("binding"))).label(lang)
        except ValueError:
            return str(row.get("binding"))

    if method != TargetMethod.AUTO.value and default_method is not None and _same_targets(chosen, default_method):
        name = TargetMethod(method).label(lang)
        if str(chosen.get("binding")) != Binding.METHOD.value:
            out.append(pick_lang(lang, f"Phương pháp «{name}» cho cùng chỉ tiêu với cách chọn tự động: chỉ tiêu 2030 "
                                       f"do «{binding_label(chosen)}» quyết định, không phụ thuộc phương pháp.",
                                 f"Method “{name}” gives the same targets as the automatic choice: the 2030 target "
                                 f"is decided by “{binding_label(chosen)}”, whatever the method."))
        else:
            out.append(pick_lang(lang, f"Phương pháp «{name}» cho cùng chỉ tiêu với cách chọn tự động: cách chọn tự "
                                       "động cũng dùng phương pháp này cho chỉ tiêu này.",
                                 f"Method “{name}” gives the same targets as the automatic choice, which picks this "
                                 "method for this indicator too."))
    if scenario and scenario != "baseline" and baseline is not None and _same_targets(chosen, baseline):
        sc = load_scenario(scenario)
        touched = _scenario_touches(scenario, catalog)
        if code not in touched:
            names = ", ".join(catalog[c].name(lang) for c in touched if c in catalog) or "–"
            out.append(pick_lang(lang, f"Kịch bản «{sc.label(lang)}» không điều chỉnh chỉ tiêu này "
                                       f"(kịch bản chỉ điều chỉnh: {names}).",
                                 f"Scenario “{sc.label(lang)}” does not adjust this indicator (it adjusts: {names})."))
        elif str(chosen.get("binding")) != Binding.METHOD.value:
            out.append(pick_lang(lang, f"Kịch bản «{sc.label(lang)}» thay đổi dự báo của chỉ tiêu này nhưng không "
                                       f"thay đổi chỉ tiêu 2030: chỉ tiêu do «{binding_label(chosen)}» quyết định.",
                                 f"Scenario “{sc.label(lang)}” changes this indicator's forecast but not its 2030 "
                                 f"target, which is decided by “{binding_label(chosen)}”."))
        else:
            out.append(pick_lang(lang, f"Kịch bản «{sc.label(lang)}» thay đổi dự báo của chỉ tiêu này nhưng chưa đủ "
                                       "để thay đổi chỉ tiêu 2030 và lộ trình (sau khi làm tròn theo đơn vị tính).",
                                 f"Scenario “{sc.label(lang)}” changes this indicator's forecast, but not enough to "
                                 "change the 2030 target and milestones (after rounding to the unit of measure)."))
    return out


def explorer_table(plan: Plan, unit: str, proposals: Any, evaluation: Any, *, lang: str, threshold: int,
                   scenario: str) -> Any:
    """The indicator's proposal row as shown (text, ready for :func:`styled_table`) and the published frame
    behind it: small sensitive counts marked at ``threshold``, each indicator's decimals, labels for the
    method and the deciding rule."""
    from ctxh_plan.reports.proposals import display_proposals, published_unit_proposals

    shown = published_unit_proposals(plan, unit, proposals, evaluation, lang=lang, threshold=threshold,
                                     scenario="" if scenario == "baseline" else scenario)
    cols = [c for c in ("indicator_name", *_COLUMNS[1:]) if c in shown.columns]
    table = display_proposals(shown, plan.dataset.catalog, lang)
    return table[cols], shown


def build_explorer(params: dict[str, Any]) -> Any:
    """An ipywidgets box: choose unit, indicator, scenario, target method; the chart,
    milestones and probability of meeting the 2030 target update live.

    Parameters
    ----------
    params : dict
        Output of ``check_params("scenario_explorer", globals())``.

    Raises
    ------
    ParameterError
        A starting unit, indicator, scenario or method that does not exist.
    """
    import ipywidgets as w
    from IPython.display import HTML, display

    from ctxh_plan.errors import ParameterError
    from ctxh_plan.present import load_publish_settings
    from ctxh_plan.present.suppress import suppressed_flag_column
    from ctxh_plan.targets import TargetMethod, list_scenarios, load_settings, project_dataset
    from ctxh_plan.targets.scenarios import load_scenario

    plan = load_plan(params["dataset"], rebase_to=params["rebase_to"])
    ds = plan.dataset
    lang = params["lang"]
    threshold = load_publish_settings().threshold  # what may be shown follows the published tables
    units = plan.report_units()
    scenarios = list_scenarios()
    methods = [m.value for m in TargetMethod.choosable()]
    codes = ds.catalog.codes()
    for key, value, allowed in (("unit_code", params["unit_code"], units),
                                ("indicator_code", params["indicator_code"], codes),
                                ("scenario", params["scenario"], scenarios),
                                ("target_method", params["target_method"], methods)):
        if value and value not in allowed:
            raise ParameterError(key, "is not a known choice", value=value, fix=f"use one of: {', '.join(allowed)}")
    wide = w.Layout(width="48em")
    style = {"description_width": "7em"}
    unit_w = w.Dropdown(options=[(plan.unit_name(u), u) for u in units], value=params["unit_code"] or units[0],
                        description=pick_lang(lang, "Đơn vị", "Unit"), style=style)
    ind_w = w.Dropdown(options=[(f"{ds.catalog[c].name(lang)} ({ds.catalog[c].unit(lang)})", c) for c in codes],
                       value=params["indicator_code"] or codes[0], description=pick_lang(lang, "Chỉ tiêu", "Indicator"),
                       layout=wide, style=style)
    scen_w = w.Dropdown(options=[(load_scenario(s).label(lang), s) for s in scenarios],
                        value=params["scenario"] or scenarios[0], description=pick_lang(lang, "Kịch bản", "Scenario"),
                        style=style)
    meth_w = w.Dropdown(options=[(m.label(lang), m.value) for m in TargetMethod.choosable()],
                        value=params["target_method"] or TargetMethod.AUTO.value,
                        description=pick_lang(lang, "Phương pháp", "Method"), layout=w.Layout(width="30em"),
                        style=style)
    out = w.Output()
    cache: dict[tuple[str, str, str], tuple[Any, list[str]]] = {}

    def projection(unit: str, scenario: str, method: str) -> tuple[Any, list[str]]:
        """(forecasts and proposals of ``unit``, notes): the plan's all-units projection for the automatic
        method, else one unit projected with the chosen method; kept for the session."""
        key = (unit, scenario, method)
        if key not in cache:
            notes: list[str] = []
            sc = "" if scenario == "baseline" else scenario
            with collect_messages(notes, f"explorer {unit}"):
                ev = plan.evaluation()
                ev = ev[ev["unit_code"].astype(str) == unit]
                if method == TargetMethod.AUTO.value:
                    with silenced():
                        proj = plan.projection(sc)
                else:
                    proj = project_dataset(ds, units=[unit], scenario=scenario, evaluation=ev,
                                           settings=load_settings().with_(method=method))
            fc = proj.forecasts[proj.forecasts["unit_code"].astype(str) == unit].reset_index(drop=True)
            pr = proj.proposals[proj.proposals["unit_code"].astype(str) == unit].reset_index(drop=True)
            cache[key] = ((fc, pr), notes)
        return cache[key]

    def row(proposals: Any, code: str) -> Any:
        sel = proposals[proposals["indicator_code"].astype(str) == code]
        return sel.iloc[0].to_dict() if len(sel) else None

    def update(*_: Any) -> None:
        unit, code, scenario, method = unit_w.value, ind_w.value, scen_w.value, meth_w.value
        (fc, pr), notes = projection(unit, scenario, method)
        notes = list(notes)
        ev = plan.evaluation()
        ev = ev[ev["unit_code"].astype(str) == unit].reset_index(drop=True)
        rep = UnitReport(unit, plan.unit_name(unit), lang, plan.illustrative, plan, ev, fc, pr,
                         unit_problems(ds, unit)[0], suppress_threshold=threshold, notes=notes,
                         scenario="" if scenario == "baseline" else scenario)
        ind = ds.catalog[code]
        _settings, values, _props = plan.published_tables("", threshold)
        mine = values[(values["unit_code"].astype(str) == unit) & (values["indicator_code"].astype(str) == code)]
        hidden = bool(ind.sensitive and mine[suppressed_flag_column("value")].astype(bool).any())
        chosen = row(pr, code)
        why = explain_no_change(chosen, row(projection(unit, scenario, TargetMethod.AUTO.value)[0][1], code),
                                row(projection(unit, "baseline", method)[0][1], code), method=method,
                                scenario=scenario, code=code, catalog=ds.catalog, lang=lang)
        parts = [REPORT_CSS]
        if plan.illustrative:
            parts.append(illustrative_banner(lang))
        if hidden:
            parts.append("<p>" + html.escape(pick_lang(
                lang, f"Không vẽ biểu đồ: {ind.name(lang)} là chỉ tiêu nhạy cảm và có số nhỏ hơn {threshold} "
                      "(ẩn để bảo vệ trẻ em, như trong các biểu công bố).",
                f"No chart: {ind.name(lang)} is a sensitive indicator with numbers below {threshold} "
                "(hidden to protect children, as in the published tables).")) + "</p>")
        else:
            parts.append(figure_html(unit_chart(rep, code), chart_alt(rep, code)))
        if chosen is not None:
            sel = pr[pr["indicator_code"].astype(str) == code].reset_index(drop=True)
            table, shown = explorer_table(plan, unit, sel, ev, lang=lang, threshold=threshold, scenario=scenario)
            prob = shown["feasibility"].iloc[0] if "feasibility" in shown.columns else None
            if isinstance(prob, (int, float)) and prob == prob:
                parts.append("<p><b>" + html.escape(pick_lang(lang, "Xác suất đạt chỉ tiêu 2030",
                                                              "Probability of meeting the 2030 target"))
                             + f":</b> {format_number(float(prob), 0, style='vi' if lang == 'vi' else 'en')}%</p>")
            parts.append(styled_table(table, "explorer", "", lang))
        else:
            parts.append(pick_lang(lang, "<p>Không có đề xuất cho chỉ tiêu này.</p>",
                                   "<p>No proposal for this indicator.</p>"))
        parts += [f"<p><i>{html.escape(line)}</i></p>" for line in why]
        if notes:
            parts.append(notes_html(notes, lang))
        out.clear_output(wait=True)
        with out:
            display(HTML("".join(parts)))

    for widget in (unit_w, ind_w, scen_w, meth_w):
        widget.observe(update, names="value")
    update()
    return w.VBox([w.HBox([unit_w, scen_w]), ind_w, meth_w, out])
