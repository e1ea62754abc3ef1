"""Publishing settings from ``params/publish.yaml``: suppression threshold and marks, price index, document
header, which analysts' columns the signed appendix shows, and when a unit carries a province's relative target."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ctxh_plan.errors import InputError
from ctxh_plan.io.settings import Field, check_mapping
from ctxh_plan.io.yamlfile import read_yaml

__all__ = ["PUBLISH_FIELDS", "PublishSettings", "default_publish_path", "load_publish_settings"]


def _default_key_indicators() -> tuple[str, ...]:
    from ctxh_plan.present.charts import KEY_INDICATORS

    return KEY_INDICATORS


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
        Resolution of PNG charts (300: print quality).
    rate_mark : str
        Text shown instead of a hidden rate (a rate resting on a small count): a count mark such as "<5" in
        a percent row would read as "below 5 %".
    show_feasibility, show_method, show_progress : bool
        Analysts' columns in the signed appendix: the probability of reaching the 2030 target and the basis
        of each target (Biểu 2), the share of planned change and the Open SDG progress category (Biểu 1).
        Off by default: the working tables (HTML reports, ``ctxh-plan project``) always have them.
    relative_min_base : float
        A unit carries a province's relative target on a count only with at least this many events in the
        base year (``relative_targets.min_base``; the evaluation reads the same key).
    key_indicators : tuple of str
        The plan's key indicators, charted first (in this order) in the province appendix and in the reports.
    """

    threshold: int = 5
    mark_template: str = "<{threshold}"
    annual_rate_percent: float = 4.0
    document: dict = field(default_factory=dict)
    max_indicator_charts: int = 6
    dpi: int = 300
    key_indicators: tuple[str, ...] = field(default_factory=_default_key_indicators)
    path: Path | None = None
    rate_mark: str = "x"
    show_feasibility: bool = False
    show_method: bool = False
    show_progress: bool = False
    relative_min_base: float = 10.0

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


def _mark_rule(mark: str) -> str | None:
    """A suppression mark is text that cannot be read as a number and has no format field but
    ``{threshold}`` (``"{0}"`` or ``"{threshold:>99999}"`` would break or bloat every table)."""
    import string

    if not mark.strip():
        return "must be a non-empty text"
    try:
        fields = [f for _, f, spec, conv in string.Formatter().parse(mark) if f is not None]
        specs = [spec for _, f, spec, conv in string.Formatter().parse(mark) if f is not None and (spec or conv)]
    except ValueError as exc:
        return f"is not a valid mark ({exc})"
    if any(f != "threshold" for f in fields) or specs:
        return "may hold only the field {threshold}, without format options"
    shown = mark.replace("{threshold}", "5")
    from ctxh_plan.data.numbers import parse_number

    parsed = parse_number(shown, errors="return")
    if parsed.value is not None and not parsed.approximate:  # "<5" is a bound, "5" or "0" a value
        return "must not read as a plain number (a reader would take it for a value)"
    return None


_SUPPRESSION = (
    Field("threshold", (int,), "a whole number >= 1, e.g. threshold: 5", default=5, minimum=1),
    Field("mark", (str,), 'text shown instead of a hidden number, e.g. "<{threshold}" or "*"', default="<{threshold}",
          rule=_mark_rule),
    Field("rate_mark", (str,), 'text shown instead of a hidden rate, e.g. "x"', default="x", rule=_mark_rule),
)
_APPENDIX = (
    Field("show_feasibility", (bool,), "true or false: Biểu 2 shows the probability of reaching each target",
          default=False),
    Field("show_method", (bool,), "true or false: Biểu 2 shows the basis of each target", default=False),
    Field("show_progress", (bool,), "true or false: Biểu 1 shows the share of planned change and the progress "
          "category", default=False),
)
_PRICE = (Field("annual_rate_percent", (float,), "percent per year, e.g. 4.0", default=4.0, minimum=-50,
                maximum=100),)
_CHARTS = (
    Field("max_indicator_charts", (int,), "a whole number >= 0, e.g. 6", default=6, minimum=0),
    Field("dpi", (int,), "a whole number >= 50, e.g. 300", default=300, minimum=50, maximum=1200),
    Field("key_indicators", (list,), "a list of quoted indicator codes, e.g. [\"CT03c\", \"CT11b\"]", default=None,
          item_type=str),
)
_DOCUMENT_KEYS = ("issuing_body", "plan_number", "plan_date", "appendix_number", "appendix_title")
_DOCUMENT = tuple(Field(f"{k}{suffix}", (str,), "text of the appendix heading", default=None)
                  for k in _DOCUMENT_KEYS for suffix in ("", "_vi", "_en"))
#: the declared sections of ``params/publish.yaml``
PUBLISH_FIELDS: tuple[Field, ...] = (
    Field("suppression", (dict,), "a mapping: threshold, mark", default={}),
    Field("price_index", (dict,), "a mapping: annual_rate_percent", default={}),
    Field("document", (dict,), "a mapping of heading fields", default={}),
    Field("charts", (dict,), "a mapping: max_indicator_charts, dpi", default={}),
    Field("appendix", (dict,), "a mapping: show_feasibility, show_method, show_progress", default={}),
    Field("relative_targets", (dict,), "a mapping: min_base", default={}),
)


def load_publish_settings(path: str | Path | None = None) -> PublishSettings:
    """Read ``params/publish.yaml`` (or ``path``) with the one settings checker; missing keys take the
    defaults of :class:`PublishSettings`.

    Raises
    ------
    InputError
        The file is not valid YAML, or a key is written twice.
    ParameterError
        An unknown section or key (``treshold`` would otherwise leave the default in force), a value
        of the wrong type or out of range (threshold < 1, negative dpi, NaN), a mark that reads as a
        number or holds another format field.
    """
    p = Path(path) if path else default_publish_path()
    if not p.exists():
        if path is not None:
            raise InputError("publishing settings file not found", file=str(p), fix="check the path")
        return PublishSettings()
    src = str(p)
    doc = read_yaml(p)
    top = check_mapping(doc, PUBLISH_FIELDS, source=src, ignore=("version",))
    sup = check_mapping(top["suppression"], _SUPPRESSION, source=src, section="suppression")
    price = check_mapping(top["price_index"], _PRICE, source=src, section="price_index")
    charts = check_mapping(top["charts"], _CHARTS, source=src, section="charts")
    document = check_mapping(top["document"], _DOCUMENT, source=src, section="document")
    appendix = check_mapping(top["appendix"], _APPENDIX, source=src, section="appendix")
    from ctxh_plan.evaluate.settings import RELATIVE_TARGET_FIELDS

    relative = check_mapping(top["relative_targets"], RELATIVE_TARGET_FIELDS, source=src, section="relative_targets")
    return PublishSettings(
        threshold=int(sup["threshold"]),
        mark_template=sup["mark"],
        annual_rate_percent=float(price["annual_rate_percent"]),
        document={k: v for k, v in document.items() if v is not None},
        max_indicator_charts=int(charts["max_indicator_charts"]),
        dpi=int(charts["dpi"]),
        key_indicators=(tuple(charts["key_indicators"]) if charts["key_indicators"] is not None
                        else _default_key_indicators()),
        path=p,
        rate_mark=sup["rate_mark"].format(threshold=int(sup["threshold"])),
        show_feasibility=bool(appendix["show_feasibility"]),
        show_method=bool(appendix["show_method"]),
        show_progress=bool(appendix["show_progress"]),
        relative_min_base=float(relative["min_base"]),
    )
