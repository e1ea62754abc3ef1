"""Publishing settings from ``params/publish.yaml``: suppression threshold and mark, price index, document header."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.io.yamlfile import read_yaml

__all__ = ["PublishSettings", "default_publish_path", "load_publish_settings"]


@dataclass(frozen=True)
class PublishSettings:
    """Settings for published tables.

    Attributes
    ----------
    threshold : int
        Sensitive counts with ``0 < value < threshold`` are suppressed (0 is published).
    mark_template : str
        Text shown instead of a suppressed number; ``{threshold}`` is substituted.
    annual_rate_percent : float
        Price index: percent per year (compound) moving unit costs forward from their base year.
    document : dict
        Header fields of the appendix (issuing body, plan number and date, appendix number and title).
    max_indicator_charts : int
        Indicator charts embedded per Word appendix.
    dpi : int
        Resolution of PNG charts.
    """

    threshold: int = 5
    mark_template: str = "<{threshold}"
    annual_rate_percent: float = 4.0
    document: dict = field(default_factory=dict)
    max_indicator_charts: int = 6
    dpi: int = 150
    path: Path | None = None

    @property
    def mark(self) -> str:
        return self.mark_template.format(threshold=self.threshold)

    def doc(self, key: str, lang: str = "vi", default: str = "") -> str:
        """Document header field ``key`` in ``lang`` (``key_vi`` / ``key_en``, or plain ``key``)."""
        d = self.document
        return str(d.get(f"{key}_{lang}", d.get(f"{key}_vi", d.get(key, default))))


def default_publish_path() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "publish.yaml"


def _number(section: dict, key: str, default: Any, source: str, *, minimum: float = 0) -> Any:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value == value \
            or abs(value) == float("inf") or value < minimum:  # NaN and infinity are not settings
        raise ParameterError(key, f"must be a number >= {minimum}", value=value, source=source,
                             fix=f"write e.g. `{key}: {default}`")
    return value


def load_publish_settings(path: str | Path | None = None) -> PublishSettings:
    """Read ``params/publish.yaml`` (or ``path``); missing keys take the defaults of :class:`PublishSettings`.

    Raises
    ------
    InputError
        The file is not valid YAML.
    ParameterError
        A value has the wrong type or is out of range (threshold < 1, negative rate…).
    """
    p = Path(path) if path else default_publish_path()
    if not p.exists():
        if path is not None:
            raise InputError("publishing settings file not found", file=str(p), fix="check the path")
        return PublishSettings()
    doc = read_yaml(p) or {}
    src = str(p)
    if not isinstance(doc, dict):
        raise InputError("publishing settings must be a mapping of sections (suppression, price_index, document, "
                         "charts)", file=src, fix="see params/publish.yaml for the layout")
    for section in ("suppression", "price_index", "document", "charts"):
        if doc.get(section) is not None and not isinstance(doc[section], dict):
            raise ParameterError(section, "must be a mapping of keys to values", value=doc[section], source=src,
                                 fix=f"write `{section}:` followed by indented keys, as in params/publish.yaml")
    sup = doc.get("suppression") or {}
    price = doc.get("price_index") or {}
    charts = doc.get("charts") or {}
    threshold = _number(sup, "threshold", 5, src, minimum=1)
    if int(threshold) != threshold:
        raise ParameterError("threshold", "must be a whole number", value=threshold, source=src, fix="e.g. 5")
    mark = sup.get("mark", "<{threshold}")
    if not isinstance(mark, str) or not mark.strip():
        raise ParameterError("mark", "must be a non-empty text", value=mark, source=src, fix='e.g. "<{threshold}" or "*"')
    return PublishSettings(
        threshold=int(threshold),
        mark_template=mark,
        annual_rate_percent=float(_number(price, "annual_rate_percent", 4.0, src, minimum=-50)),
        document=dict(doc.get("document") or {}),
        max_indicator_charts=int(_number(charts, "max_indicator_charts", 6, src)),
        dpi=int(_number(charts, "dpi", 150, src, minimum=50)),
        path=p,
    )
