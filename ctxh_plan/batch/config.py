"""The batch file (``params/<name>.yaml``): its keys, their checks, and the validated :class:`BatchConfig`.

Every key is checked before anything runs; a problem is a :class:`~ctxh_plan.errors.ParameterError`
naming the file, the key, the value and the fix.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.io.settings import MISSING, Field, check_mapping
from ctxh_plan.io.yamlfile import read_yaml
from ctxh_plan.paths import display_path

__all__ = ["BATCH_KEYS", "BatchConfig", "appendix_files", "batch_base", "batch_fields", "dataset_members",
           "load_batch_config"]

#: batch-file key → {notebook: parameter it feeds}; an empty mapping = used by the batch itself
BATCH_KEYS: dict[str, dict[str, str]] = {
    "name": {},                   # run name, first part of the run id
    "dataset": {"unit_report": "dataset", "province_summary": "dataset"},
    "units": {"unit_report": "unit_code", "province_summary": "units"},  # one unit_report per code
    "scenario": {"unit_report": "scenario", "province_summary": "scenario"},
    "lang": {"unit_report": "lang", "province_summary": "lang"},
    "suppress_threshold": {"unit_report": "suppress_threshold", "province_summary": "suppress_threshold"},
    "rebase": {"unit_report": "rebase_to", "province_summary": "rebase_to"},  # {to: "2025-07-01"}
    "key_indicators": {"unit_report": "key_indicators", "province_summary": "key_indicators"},
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


def batch_base(src: Path) -> Path:
    """The folder relative paths of a batch file start from: the project root for a file in the project's
    ``params/`` folder (``params/quang_ninh.yaml`` says ``dataset: data/quang_ninh``), else the batch
    file's own folder (a batch file kept elsewhere never writes into the project's ``outputs/``)."""
    from ctxh_plan.paths import params_dir, project_root

    try:
        src.resolve().relative_to(params_dir().resolve())
        return project_root()
    except ValueError:
        return src.resolve().parent


def _candidates(value: str, base: Path) -> list[Path]:
    """Where a relative ``dataset:`` is looked for, in order: the batch file's base, the current folder,
    the project root (the embedded data); an absolute path as it is."""
    from ctxh_plan.paths import project_root

    p = Path(value).expanduser()
    if p.is_absolute():
        return [p]
    out: list[Path] = []
    for b in (base, Path.cwd(), project_root()):
        if (b / p) not in out:
            out.append(b / p)
    return out


def _is_dataset_folder(folder: Path) -> bool:
    """A folder holding a dataset; looks at the folder itself only (``dataset: /`` answers at once)."""
    if not folder.is_dir():
        return False
    try:
        return ((folder / "observations.csv").is_file() or (folder / "dataset.yaml").is_file()
                or any(p.name.startswith("observations") and p.suffix.lower() == ".xlsx"
                       for p in folder.iterdir()))
    except OSError:
        return False


def _units_rule(value: Any) -> str | None:
    if value == "all":
        return None
    if not isinstance(value, list) or not value:
        return 'must be "all" or a non-empty list of quoted codes'
    bad = [u for u in value if not isinstance(u, str)]
    if bad:
        return f"every unit code must be quoted text, got {type(bad[0]).__name__} {bad[0]!r}"
    twice = [u for i, u in enumerate(value) if u in value[:i]]
    return f"unit {twice[0]!r} is listed twice" if twice else None


def _rebase_rule(value: Any) -> str | None:
    if value is None or (isinstance(value, dict) and set(value) == {"to"} and isinstance(value["to"], str)):
        return None
    return "must be a mapping with one key `to` holding a quoted date"


def _name_rule(value: str) -> str | None:
    return "must be a short name without spaces or slashes" if not value or any(c in value for c in "/\\ \t\n") \
        else None


def batch_fields(default_name: str = "batch") -> tuple[Field, ...]:
    """The batch file's declared keys. Keys that feed a notebook parameter take that parameter's type,
    allowed values and help from the notebook's parameters cell (:func:`~ctxh_plan.batch.nbparams.notebook_params`)."""
    from ctxh_plan.batch.nbparams import notebook_params

    unit_params = {f.name: f for f in notebook_params("unit_report")}

    def fed(key: str, param: str, default: Any) -> Field:
        return dataclasses.replace(unit_params[param], name=key, default=default)

    return (
        Field("name", (str,), "a short name such as quang_ninh (first part of the run id)", default=default_name,
              rule=_name_rule),
        Field("dataset", (str,), "add `dataset: data/quang_ninh` (folder of the data files)", default=MISSING),
        Field("units", (str, list), 'units: all  or  units: ["193", "194"] (quote codes: unquoted 07 becomes 7)',
              default="all", rule=_units_rule),
        fed("scenario", "scenario", ""),
        fed("lang", "lang", "vi"),
        fed("suppress_threshold", "suppress_threshold", None),
        Field("rebase", (dict, type(None)), 'rebase: {to: "2025-07-01"}', default=None, rule=_rebase_rule),
        fed("key_indicators", "key_indicators", []),
        fed("appendices", "appendix_formats", ["docx", "xlsx"]),
        Field("output", (str,), "a folder, e.g. outputs (relative to the batch file's folder; for a file in "
              "params/, to the project root)", default="outputs"),
        Field("jobs", (int,), "a whole number of parallel kernels, e.g. jobs: 2", default=2, minimum=1),
        Field("tracking", (dict, type(None)), 'tracking: {data: "data/quang_ninh_2026", period: "2026-H1"}',
              default=None, rule=_tracking_rule),
        Field("notebooks", (dict,), "e.g. notebooks: {unit: notebooks/unit_report.ipynb}", default={},
              rule=lambda v: "must have keys unit and/or summary only" if set(v) - {"unit", "summary"} else None),
    )


def dataset_members(folder: Path) -> list[Path] | None:
    """The dataset folders of a collection, or None when ``folder`` is a dataset folder itself.

    A collection (e.g. ``data/national/generated``: one folder per province) has no observations of
    its own; its sub-folders holding a dataset (``observations.csv``, ``observations*.xlsx`` or
    ``dataset.yaml``) are its members, in code order.
    """
    folder = Path(folder)
    if not folder.is_dir() or _is_dataset_folder(folder):
        return None
    try:
        members = sorted((d for d in folder.iterdir() if d.is_dir() and _is_dataset_folder(d)),
                         key=lambda d: (len(d.name), d.name))
    except OSError:
        return None
    return members or None


def load_batch_config(path: str | os.PathLike[str]) -> BatchConfig:
    """Read and validate a batch file (YAML) with the one settings checker.

    Relative paths (``dataset``, ``output``) start from :func:`batch_base`: the batch file's folder, or
    the project root for a batch file in ``params/``; a ``dataset`` not found there is looked for in the
    current folder, then in the project root.

    Raises
    ------
    ParameterError
        Unknown key, wrong type, duplicate unit, missing dataset folder or a folder that holds no dataset
        (``dataset: /``), unknown language; each message names the file, the key, the value and the fix.
    InputError
        The file is missing or not valid YAML.
    """
    from ctxh_plan.paths import notebooks_dir, project_root, resolve

    src = resolve(path)
    if not src.is_file():
        raise InputError("batch file not found", file=str(src),
                         fix="give the path of a YAML file such as params/quang_ninh.yaml")
    doc = read_yaml(src)
    if not isinstance(doc, dict):
        raise InputError("a batch file must be a mapping of keys to values", file=str(src),
                         fix="see params/quang_ninh.yaml for the layout")
    v = check_mapping(doc, batch_fields(src.stem), source=str(src))

    def fail(key: str, problem: str, fix: str, value: Any = None) -> ParameterError:
        return ParameterError(key, problem, fix=fix, source=str(src), value=value)

    base = batch_base(src)
    dataset_s = v["dataset"]
    tried = _candidates(dataset_s, base)
    dataset = next((p for p in tried if p.exists()), tried[0])
    if not dataset.exists():
        raise fail("dataset", "folder not found", _missing_dataset_fix(dataset, tried), dataset_s)
    if not _is_dataset_folder(dataset) and dataset_members(dataset) is None:
        raise fail("dataset", "not a dataset folder (no observations.csv, observations*.xlsx nor dataset.yaml in it)",
                   "give the folder that holds observations.csv, e.g. data/quang_ninh", dataset_s)
    if v["scenario"]:  # checked now, not by every notebook: a wrong name fails before any kernel starts
        from ctxh_plan.targets import load_scenario

        try:
            load_scenario(v["scenario"])
        except InputError as exc:
            raise fail("scenario", exc.problem, exc.fix, v["scenario"]) from None
    threshold = v["suppress_threshold"]
    if threshold is None:  # the published threshold lives in params/publish.yaml
        from ctxh_plan.present import load_publish_settings

        threshold = load_publish_settings().threshold
    output = Path(v["output"]).expanduser()
    output = output if output.is_absolute() else base / output  # like `dataset:`, from the batch file's base
    templates = {}
    for k, default in (("unit", "unit_report.ipynb"), ("summary", "province_summary.ipynb")):
        p = Path(v["notebooks"][k]) if k in v["notebooks"] else notebooks_dir() / default
        p = p if p.is_absolute() else project_root() / p
        if not p.is_file():
            raise fail("notebooks", f"{k} notebook not found", "give the path of an .ipynb file", str(p))
        templates[k] = p
    tracking_dir, tracking_period = _check_tracking(str(src), v["tracking"])
    return BatchConfig(source=src, name=v["name"], dataset=dataset.resolve(),
                       units=None if v["units"] == "all" else list(v["units"]), scenario=v["scenario"],
                       lang=v["lang"], suppress_threshold=threshold,
                       rebase_to=(v["rebase"] or {}).get("to", ""), key_indicators=list(v["key_indicators"]),
                       appendices=list(v["appendices"]), output=output.resolve(), jobs=v["jobs"],
                       unit_notebook=templates["unit"], summary_notebook=templates["summary"],
                       tracking_dir=tracking_dir, tracking_period=tracking_period)


def _tracking_rule(value: Any) -> str | None:
    if value is None or (isinstance(value, dict) and set(value) == {"data", "period"}
                         and all(isinstance(x, str) for x in value.values())):
        return None
    return "must be a mapping with `data` (folder) and `period` (quoted)"


def _check_tracking(source: str, value: dict[str, str] | None) -> tuple[Path | None, str]:
    """The ``tracking`` key: ``{data: <tracking folder>, period: "2026-H1"}`` (absent = no tracking section)."""
    if value is None:
        return None, ""
    fix = 'tracking: {data: "data/quang_ninh_2026", period: "2026-H1"}'
    from ctxh_plan.paths import project_root
    from ctxh_plan.tracking.periods import parse_period

    folder = Path(value["data"]) if Path(value["data"]).is_absolute() else project_root() / value["data"]
    if not (folder / "tracking.yaml").is_file():
        raise ParameterError("tracking", "folder has no tracking.yaml", fix=fix, source=source, value=value["data"])
    try:
        period = str(parse_period(value["period"]))
    except ParameterError as exc:
        raise ParameterError("tracking", exc.problem, fix=exc.fix, source=source, value=value["period"]) from None
    return folder.resolve(), period


def _missing_dataset_fix(dataset: Path, tried: list[Path]) -> str:
    """How to get a missing dataset folder: run the ``generate.py`` of the nearest existing parent
    folder when there is one (generated data such as data/national/generated is not committed)."""
    for parent in dataset.parents:
        if parent.is_dir():
            script = parent / "generate.py"
            if script.is_file():
                return f"generate it first: .venv/bin/python {display_path(script)}"
            break
    return ("give a path relative to the batch file's folder (or, for a file in params/, the project root), "
            f"relative to the current folder, or absolute (looked in: {', '.join(map(str, tried))})")


def appendix_files(cfg: BatchConfig, code: str) -> list[str]:
    """Appendix documents a report writes, relative to the run folder (``appendices/phu_luc_<code>.docx`` …)."""
    from ctxh_plan.present.appendices import appendix_stem

    return [f"appendices/{appendix_stem(code, cfg.lang)}.{fmt}" for fmt in cfg.appendices]
