"""The batch file (``params/<name>.yaml``): its keys, their checks, and the validated :class:`BatchConfig`.

Every key is checked before anything runs; a problem is a :class:`~ctxh_plan.errors.ParameterError`
naming the file, the key, the value and the fix.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.io.yamlfile import read_yaml
from ctxh_plan.paths import display_path

__all__ = ["BATCH_KEYS", "BatchConfig", "appendix_files", "load_batch_config"]

#: batch-file key → {notebook: parameter it feeds}; an empty mapping = used by the batch itself
BATCH_KEYS: dict[str, dict[str, str]] = {
    "name": {},                   # run name, first part of the run id
    "dataset": {"unit_report": "dataset", "province_summary": "dataset"},
    "units": {"unit_report": "unit_code", "province_summary": "units"},  # one unit_report per code
    "scenario": {"unit_report": "scenario", "province_summary": "scenario"},
    "lang": {"unit_report": "lang", "province_summary": "lang"},
    "suppress_threshold": {"unit_report": "suppress_threshold", "province_summary": "suppress_threshold"},
    "rebase": {"unit_report": "rebase_to", "province_summary": "rebase_to"},  # {to: "2025-07-01"}
    "key_indicators": {"unit_report": "key_indicators"},
    "appendices": {"unit_report": "appendix_formats", "province_summary": "appendix_formats"},  # [] = none
    "output": {},                 # outputs folder (a run folder is created inside)
    "jobs": {},                   # kernels running at the same time
    "notebooks": {},              # optional {unit: path, summary: path} templates
    # {data: tracking folder, period: "2026-H1"}: the "Theo dõi thực hiện" sections (also feeds tracking_period)
    "tracking": {"unit_report": "tracking_dir", "province_summary": "tracking_dir"},
}


@dataclass
class BatchConfig:
    """A validated batch file. Paths are absolute."""

    source: Path
    name: str
    dataset: Path
    units: list[str] | None          # None = all units of the dataset
    scenario: str = ""
    lang: str = "vi"
    suppress_threshold: int = 0
    rebase_to: str = ""
    key_indicators: list[str] = field(default_factory=list)
    appendices: list[str] = field(default_factory=lambda: ["docx", "xlsx"])
    output: Path = field(default_factory=lambda: Path("outputs"))
    jobs: int = 2
    unit_notebook: Path = field(default_factory=Path)
    summary_notebook: Path = field(default_factory=Path)
    tracking_dir: Path | None = None   # tracking folder (tracking.yaml) of the adopted plan, or None
    tracking_period: str = ""          # period tracked, e.g. "2026-H1"

    def public(self) -> dict[str, Any]:
        """Parameters as recorded in the manifest (paths relative to the project root when inside it)."""
        return {"name": self.name, "dataset": display_path(self.dataset), "units": self.units or "all",
                "scenario": self.scenario, "lang": self.lang, "suppress_threshold": self.suppress_threshold,
                "rebase_to": self.rebase_to, "key_indicators": self.key_indicators,
                "appendices": self.appendices, "unit_notebook": display_path(self.unit_notebook),
                "summary_notebook": display_path(self.summary_notebook),
                **({"tracking": {"data": display_path(self.tracking_dir), "period": self.tracking_period}}
                   if self.tracking_dir else {})}


def _fail(src: Path, key: str, problem: str, fix: str, value: Any = None) -> ParameterError:
    return ParameterError(key, problem, fix=fix, source=str(src), value=value)


def load_batch_config(path: str | os.PathLike[str]) -> BatchConfig:
    """Read and validate a batch file (YAML).

    Raises
    ------
    ParameterError
        Unknown key, wrong type, duplicate unit, missing dataset folder, unknown
        language; each message names the file, the key, the value and the fix.
    InputError
        The file is missing or not valid YAML.
    """
    from ctxh_plan.batch.nbparams import LANGS
    from ctxh_plan.paths import notebooks_dir, project_root, resolve

    src = resolve(path)
    if not src.is_file():
        raise InputError("batch file not found", file=str(src), fix="give the path of a YAML file such as params/quang_ninh.yaml")
    doc = read_yaml(src)
    if not isinstance(doc, dict):
        raise InputError("a batch file must be a mapping of keys to values", file=str(src),
                         fix="see params/quang_ninh.yaml for the layout")
    unknown = sorted(set(doc) - set(BATCH_KEYS))
    if unknown:
        raise _fail(src, unknown[0], "unknown key", f"use only: {', '.join(BATCH_KEYS)}", doc[unknown[0]])

    def get(key: str, types: tuple[type, ...], default: Any, fix: str) -> Any:
        value = doc.get(key, default)
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise _fail(src, key, f"must be {' or '.join(t.__name__ for t in types)}, got {type(value).__name__}",
                        fix, value)
        return value

    name = get("name", (str,), src.stem, "a short name such as quang_ninh")
    if not name or any(c in name for c in "/\\ \t\n"):
        raise _fail(src, "name", "must be a short name without spaces or slashes", "e.g. quang_ninh", name)
    if "dataset" not in doc:
        raise _fail(src, "dataset", "is missing", "add `dataset: data/quang_ninh` (folder of the data files)")
    dataset_s = get("dataset", (str,), None, "a folder path, e.g. data/quang_ninh")
    dataset = Path(dataset_s) if Path(dataset_s).is_absolute() else (src.parent.parent / dataset_s)
    if not dataset.exists():
        alt = project_root() / dataset_s
        dataset = alt if alt.exists() else dataset
    if not dataset.exists():
        raise _fail(src, "dataset", "folder not found", "give a path relative to the project root or an absolute path",
                    dataset_s)
    raw_units = doc.get("units", "all")
    units: list[str] | None
    if raw_units == "all":
        units = None
    elif isinstance(raw_units, list) and raw_units:
        units = []
        for u in raw_units:
            if not isinstance(u, str) or isinstance(u, bool):
                raise _fail(src, "units", f"every unit code must be quoted text, got {type(u).__name__} {u!r}",
                            "quote the codes: units: [\"193\", \"194\"] (unquoted 07 becomes the number 7)", u)
            if u in units:
                raise _fail(src, "units", f"unit {u!r} is listed twice", "list each unit once", u)
            units.append(u)
    else:
        raise _fail(src, "units", "must be \"all\" or a non-empty list of quoted codes",
                    "e.g. units: all  or  units: [\"193\", \"194\"]", raw_units)
    scenario = get("scenario", (str,), "", "a scenario name from params/scenarios/ or \"\" for the baseline")
    if scenario:  # checked now, not by every notebook: a wrong name fails before any kernel starts
        from ctxh_plan.targets import load_scenario

        try:
            load_scenario(scenario)
        except InputError as exc:
            raise _fail(src, "scenario", exc.problem, exc.fix, scenario) from None
    lang = get("lang", (str,), "vi", "vi or en")
    if lang not in LANGS:
        raise _fail(src, "lang", f"must be one of {list(LANGS)}", "vi or en", lang)
    if "suppress_threshold" in doc:
        threshold = get("suppress_threshold", (int,), 0, "a whole number, 0 for no suppression")
    else:  # the published threshold lives in params/publish.yaml
        from ctxh_plan.present import load_publish_settings

        threshold = load_publish_settings().threshold
    if threshold < 0:
        raise _fail(src, "suppress_threshold", "must be 0 or more", "0 turns suppression off", threshold)
    rebase = doc.get("rebase")
    rebase_to = ""
    if rebase is not None:
        if not isinstance(rebase, dict) or set(rebase) != {"to"} or not isinstance(rebase["to"], str):
            raise _fail(src, "rebase", "must be a mapping with one key `to` holding a quoted date",
                        "rebase: {to: \"2025-07-01\"}", rebase)
        rebase_to = rebase["to"]
    keys = get("key_indicators", (list,), [], "a list of quoted indicator codes, e.g. [\"CT11b\", \"CT16\"]")
    if not all(isinstance(k, str) for k in keys):
        raise _fail(src, "key_indicators", "every code must be quoted text", "e.g. [\"CT11b\", \"CT16\"]", keys)
    appendices = _check_appendices(src, doc.get("appendices", ["docx", "xlsx"]))
    output_s = get("output", (str,), "outputs", "a folder, e.g. outputs")
    output = Path(output_s) if Path(output_s).is_absolute() else project_root() / output_s
    jobs = get("jobs", (int,), 2, "a whole number of parallel kernels, e.g. 2")
    if jobs < 1:
        raise _fail(src, "jobs", "must be 1 or more", "e.g. jobs: 2", jobs)
    nbs = doc.get("notebooks") or {}
    if not isinstance(nbs, dict) or set(nbs) - {"unit", "summary"}:
        raise _fail(src, "notebooks", "must be a mapping with keys unit and/or summary",
                    "e.g. notebooks: {unit: notebooks/unit_report.ipynb}", nbs)
    templates = {}
    for k, default in (("unit", "unit_report.ipynb"), ("summary", "province_summary.ipynb")):
        p = Path(nbs[k]) if k in nbs else notebooks_dir() / default
        p = p if p.is_absolute() else project_root() / p
        if not p.is_file():
            raise _fail(src, "notebooks", f"{k} notebook not found", "give the path of an .ipynb file", str(p))
        templates[k] = p
    tracking_dir, tracking_period = _check_tracking(src, doc.get("tracking"))
    return BatchConfig(source=src, name=name, dataset=dataset.resolve(), units=units, scenario=scenario,
                       lang=lang, suppress_threshold=threshold, rebase_to=rebase_to, key_indicators=keys,
                       appendices=appendices, output=output,
                       jobs=jobs, unit_notebook=templates["unit"], summary_notebook=templates["summary"],
                       tracking_dir=tracking_dir, tracking_period=tracking_period)


def _check_tracking(src: Path, value: Any) -> tuple[Path | None, str]:
    """The ``tracking`` key: ``{data: <tracking folder>, period: "2026-H1"}`` (absent = no tracking section)."""
    if value is None:
        return None, ""
    fix = 'tracking: {data: "data/quang_ninh_2026", period: "2026-H1"}'
    if not isinstance(value, dict) or set(value) != {"data", "period"} or not all(
            isinstance(v, str) for v in value.values()):
        raise _fail(src, "tracking", "must be a mapping with `data` (folder) and `period` (quoted)", fix, value)
    from ctxh_plan.paths import project_root
    from ctxh_plan.tracking.periods import parse_period

    folder = Path(value["data"]) if Path(value["data"]).is_absolute() else project_root() / value["data"]
    if not (folder / "tracking.yaml").is_file():
        raise _fail(src, "tracking", "folder has no tracking.yaml", fix, value["data"])
    try:
        period = str(parse_period(value["period"]))
    except ParameterError as exc:
        raise _fail(src, "tracking", exc.problem, exc.fix, value["period"]) from None
    return folder.resolve(), period


def _check_appendices(src: Path, value: Any) -> list[str]:
    """The ``appendices`` key: a list of formats among docx/xlsx, each once (``[]`` = no appendix)."""
    from ctxh_plan.batch.nbparams import APPENDIX_FORMATS

    fix = f"a list of formats among {list(APPENDIX_FORMATS)}, e.g. appendices: [\"docx\", \"xlsx\"] ([] = none)"
    if not isinstance(value, list):
        raise _fail(src, "appendices", f"must be a list, got {type(value).__name__}", fix, value)
    seen: list[str] = []
    for v in value:
        if not isinstance(v, str) or v not in APPENDIX_FORMATS:
            raise _fail(src, "appendices", f"unknown appendix format {v!r}", fix, v)
        if v in seen:
            raise _fail(src, "appendices", f"format {v!r} is listed twice", "list each format once", v)
        seen.append(v)
    return seen


def appendix_files(cfg: BatchConfig, code: str) -> list[str]:
    """Appendix documents a report writes, relative to the run folder (``appendices/phu_luc_<code>.docx`` …)."""
    from ctxh_plan.present.appendices import appendix_stem

    return [f"appendices/{appendix_stem(code, cfg.lang)}.{fmt}" for fmt in cfg.appendices]
