"""When a province's relative target is also a unit's: the ``relative_targets`` section of ``params/publish.yaml``.

A relative or annual-change target ("giảm 10 % số trẻ em tử vong do đuối nước so với năm 2020",
"giảm 2–3 % số cuộc tảo hôn mỗi năm") is set for the province. A unit below it carries it only
where its own plan says so (a target row with the unit's code as ``scope``) or where its base-year
count is large enough for the change to mean something: −10 % of 1 death is no target. The
threshold is ``relative_targets.min_base`` (events in the base year, default 10: below 10 a −10 %
change is less than one whole event). The fields are declared here, once; the publishing settings
checker (:mod:`ctxh_plan.present.settings`) checks the same section with them.
"""
from __future__ import annotations

from pathlib import Path

from ctxh_plan.io.settings import Field, check_mapping
from ctxh_plan.io.yamlfile import read_yaml

__all__ = ["DEFAULT_MIN_BASE", "RELATIVE_TARGET_FIELDS", "load_relative_min_base"]

#: default of ``relative_targets.min_base``
DEFAULT_MIN_BASE = 10.0

#: the declared keys of the ``relative_targets`` section of ``params/publish.yaml``
RELATIVE_TARGET_FIELDS: tuple[Field, ...] = (
    Field("min_base", (float,), "events in the base year below which a unit does not carry the province's "
          "relative target, e.g. 10 (0 = every unit carries it)", default=DEFAULT_MIN_BASE, minimum=0),
)


def load_relative_min_base(path: str | Path | None = None) -> float:
    """``relative_targets.min_base`` of ``params/publish.yaml`` (or ``path``); the default when absent.

    Raises
    ------
    ParameterError
        An unknown key or a value that is not a number >= 0 (file, key, value and fix named).
    InputError
        The file is not valid YAML.
    """
    if path is None:
        from ctxh_plan.paths import params_dir

        path = params_dir() / "publish.yaml"
    p = Path(path)
    if not p.exists():
        return DEFAULT_MIN_BASE
    doc = read_yaml(p) or {}
    section = doc.get("relative_targets") if isinstance(doc, dict) else None
    values = check_mapping(section, RELATIVE_TARGET_FIELDS, source=str(p), section="relative_targets")
    return float(values["min_base"])
