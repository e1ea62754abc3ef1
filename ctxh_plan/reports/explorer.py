"""The scenario explorer behind ``notebooks/scenario_explorer.ipynb``: ipywidgets to choose
unit, indicator, scenario and target method; the chart, milestones and the probability of
meeting the 2030 target update live. Needs a Jupyter front end for the widgets.
"""
from __future__ import annotations

from typing import Any

from ctxh_plan.reports.html import figure_png, format_value, illustrative_banner, notes_html, pick_lang, styled_table
from ctxh_plan.reports.messages import collect_messages
from ctxh_plan.reports.plan import load_plan
from ctxh_plan.reports.unit import UnitReport, unit_chart, unit_problems

__all__ = ["build_explorer"]


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
    from IPython.display import HTML, Image, display

    from ctxh_plan.errors import ParameterError
    from ctxh_plan.targets import TargetMethod, list_scenarios, load_settings, project_dataset

    plan = load_plan(params["dataset"], rebase_to=params["rebase_to"])
    ds = plan.dataset
    lang = params["lang"]
    units = plan.report_units()
    scenarios = list_scenarios()
    methods = [m.value for m in TargetMethod.choosable()]
    codes = ds.catalog.codes()
    for key, value, allowed in (("unit_code", params["unit_code"], units), ("indicator_code", params["indicator_code"], codes),
                                ("scenario", params["scenario"], scenarios), ("target_method", params["target_method"], methods)):
        if value and value not in allowed:
            raise ParameterError(key, "is not a known choice", value=value, fix=f"use one of: {', '.join(allowed)}")
    unit_w = w.Dropdown(options=[(f"{u} {plan.unit_name(u)}", u) for u in units],
                        value=params["unit_code"] or units[0], description=pick_lang(lang, "Đơn vị", "Unit"))
    ind_w = w.Dropdown(options=[(f"{c} {ds.catalog[c].name(lang)}"[:70], c) for c in codes],
                       value=params["indicator_code"] or codes[0], description=pick_lang(lang, "Chỉ tiêu", "Indicator"))
    scen_w = w.Dropdown(options=scenarios, value=params["scenario"] or scenarios[0],
                        description=pick_lang(lang, "Kịch bản", "Scenario"))
    meth_w = w.Dropdown(options=[(m.label(lang), m.value) for m in TargetMethod.choosable()],
                        value=params["target_method"] or TargetMethod.AUTO.value,
                        description=pick_lang(lang, "Phương pháp", "Method"))
    out = w.Output()

    def update(*_: Any) -> None:
        unit = unit_w.value
        notes: list[str] = []
        with collect_messages(notes, f"explorer {unit}"):
            ev = plan.evaluation()
            ev = ev[ev["unit_code"].astype(str) == unit]
            proj = project_dataset(ds, units=[unit], scenario=scen_w.value, evaluation=ev,
                                   settings=load_settings().with_(method=meth_w.value))
        rep = UnitReport(unit, plan.unit_name(unit), lang, plan.illustrative, plan,
                         ev[ev["unit_code"].astype(str) == unit], proj.forecasts, proj.proposals,
                         unit_problems(ds, unit)[0], notes=notes)
        prop = proj.proposals[(proj.proposals["unit_code"].astype(str) == unit)
                              & (proj.proposals["indicator_code"].astype(str) == ind_w.value)]
        out.clear_output(wait=True)
        with out:
            if ds.illustrative:
                display(HTML(illustrative_banner(lang)))
            display(Image(data=figure_png(unit_chart(rep, ind_w.value))))
            if len(prop):
                p = prop.iloc[0]
                prob = p.get("feasibility")
                display(HTML("<p><b>" + pick_lang(lang, "Xác suất đạt chỉ tiêu 2030", "Probability of meeting the 2030 target")
                             + f":</b> {format_value(100 * float(prob), 0)}%</p>" if prob is not None and prob == prob else ""))
                cols = [c for c in prop.columns if c.startswith("milestone_") or c in ("target_2030", "target_method",
                                                                                      "binding", "national_floor")]
                display(HTML(styled_table(prop[cols], "explorer", "", lang)))
            else:
                display(HTML(pick_lang(lang, "<p>Không có đề xuất cho chỉ tiêu này.</p>", "<p>No proposal for this indicator.</p>")))
            if notes:
                display(HTML(notes_html(notes, lang)))

    for widget in (unit_w, ind_w, scen_w, meth_w):
        widget.observe(update, names="value")
    update()
    return w.VBox([w.HBox([unit_w, ind_w]), w.HBox([scen_w, meth_w]), out])
