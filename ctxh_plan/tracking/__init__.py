"""Tracking the adopted 2026–2030 plan through its reporting cycle: adopt → form → collect → track → report.

Modules, one concern each: ``periods`` (periods ``2026-H1``/``2026-9M``/``2026`` and the reporting calendar),
``settings`` (``params/tracking.yaml``), ``adopt`` (proposals → adopted-targets file, diff, floor check),
``names`` (Vietnamese indicator names → catalogue codes), ``forms`` (the Excel form; reading filled forms),
``submissions`` (completeness and timeliness), ``causes`` (causes and solutions sheet), ``probability`` (the
one probability function), ``track`` (the tracking frame), ``folder`` (a tracking folder's layout),
``output`` (the tracking workbook), ``report_doc`` (the Word draft of the 6-month / annual report).

Nothing heavy is imported here; the public names load from their modules on first use.
"""
from __future__ import annotations

import importlib
from typing import Any

_HOME: dict[str, str] = {
    "Period": "periods", "parse_period": "periods", "load_calendar": "periods", "Calendar": "periods",
    "load_tracking_settings": "settings", "TrackingSettings": "settings",
    "read_proposals": "adopt", "adopt_proposals": "adopt", "load_adopted_plan": "adopt", "write_adoption": "adopt",
    "IndicatorMatcher": "names", "name_key": "names",
    "write_forms": "forms", "read_form": "forms", "collect_forms": "forms", "form_indicators": "forms",
    "submission_table": "submissions", "read_causes": "causes",
    "probability_of_meeting": "probability",
    "track_period": "track", "Tracking": "track",
    "read_tracking_folder": "folder", "load_history": "folder",
    "run_tracking": "run", "TrackingRun": "run",
    "write_report": "report_doc",
}

#: the public names (an explicit list, so that tools can read it without running the module)
__all__ = [
    "Calendar",
    "IndicatorMatcher",
    "Period",
    "Tracking",
    "TrackingRun",
    "TrackingSettings",
    "adopt_proposals",
    "collect_forms",
    "form_indicators",
    "load_adopted_plan",
    "load_calendar",
    "load_history",
    "load_tracking_settings",
    "name_key",
    "parse_period",
    "probability_of_meeting",
    "read_causes",
    "read_form",
    "read_proposals",
    "read_tracking_folder",
    "run_tracking",
    "submission_table",
    "track_period",
    "write_adoption",
    "write_forms",
    "write_report",
]

#: public name → submodule that defines it: ``_HOME`` restricted to ``__all__`` (a public name without
#: a home fails here, at import; a home without a public name is not served)
_LAZY: dict[str, str] = {name: _HOME[name] for name in __all__}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ctxh_plan.tracking' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ctxh_plan.tracking.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
