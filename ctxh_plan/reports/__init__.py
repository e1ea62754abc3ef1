"""What the notebooks show: one unit's report, the province summary, their plan appendices and the
scenario explorer, computed from one :class:`Plan` (dataset → evaluation, projection, published frames).

Modules: ``plan`` (the Plan and its per-process cache), ``messages`` (warnings into a report's notes),
``html`` (escaping, banner, tables, PNG), ``unit``, ``province``, ``proposals``, ``figures`` (key
figures JSON), ``appendix`` (a report's Word/Excel appendix), ``explorer`` (widgets), ``tracking``
(the "Theo dõi thực hiện" sections of the adopted 2026–2030 plan).

Notebooks use ``from ctxh_plan import reports`` and call the names below; they load on first use
(importing this package loads neither pandas nor matplotlib).
"""
from __future__ import annotations

import importlib
from typing import Any

_HOME: dict[str, str] = {
    "Plan": "plan", "load_plan": "plan", "unit_name": "plan",
    "collect_messages": "messages",
    "UnitReport": "unit", "KEY_INDICATORS": "unit", "build_unit_report": "unit", "show_unit_report": "unit",
    "show_header": "unit", "show_quality": "unit", "show_evaluation": "unit", "show_charts": "unit",
    "show_proposals": "unit", "show_notes": "unit", "show_footer": "unit", "unit_summary_line": "unit",
    "unit_figures": "unit", "unit_chart": "unit", "chart_alt": "unit", "published_proposals": "unit",
    "report_tables": "unit",
    "ProvinceSummary": "province", "build_province_summary": "province", "show_province_summary": "province",
    "show_province_header": "province", "show_ranking": "province", "show_heatmap": "province",
    "show_province_evaluation": "province", "show_province_plan": "province", "show_province_notes": "province",
    "show_province_footer": "province", "province_summary_line": "province", "province_figures": "province",
    "display_proposals": "proposals",
    "record_figures": "figures",
    "write_report_appendices": "appendix", "appendix_line": "appendix",
    "build_explorer": "explorer",
    "plan_tracking": "tracking", "show_unit_tracking": "tracking", "show_province_tracking": "tracking",
    "tracking_line": "tracking", "province_tracking_figures": "tracking",
}

#: the public names (an explicit list, so that tools can read it without running the module)
__all__ = [
    "KEY_INDICATORS",
    "Plan",
    "ProvinceSummary",
    "UnitReport",
    "appendix_line",
    "build_explorer",
    "build_province_summary",
    "build_unit_report",
    "chart_alt",
    "collect_messages",
    "display_proposals",
    "load_plan",
    "plan_tracking",
    "province_figures",
    "province_summary_line",
    "province_tracking_figures",
    "published_proposals",
    "record_figures",
    "report_tables",
    "show_charts",
    "show_evaluation",
    "show_footer",
    "show_header",
    "show_heatmap",
    "show_notes",
    "show_proposals",
    "show_province_evaluation",
    "show_province_footer",
    "show_province_header",
    "show_province_notes",
    "show_province_plan",
    "show_province_summary",
    "show_province_tracking",
    "show_quality",
    "show_ranking",
    "show_unit_report",
    "show_unit_tracking",
    "tracking_line",
    "unit_chart",
    "unit_figures",
    "unit_name",
    "unit_summary_line",
    "write_report_appendices",
]

#: public name → submodule that defines it: ``_HOME`` restricted to ``__all__`` (a public name without
#: a home fails here, at import; a home without a public name is not served)
_LAZY: dict[str, str] = {name: _HOME[name] for name in __all__}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ctxh_plan.reports' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ctxh_plan.reports.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
