"""The batch: one unit report per unit plus the province summary, run with papermill-style
parameter injection on warm kernels, into ``outputs/<run id>/``.

Run id
------
``<name>-<12 hex>``: the hex is the start of a sha256 over the dataset files'
hashes, the batch parameters (after validation), the selected units, the
notebook templates' hashes and the ctxh_plan version. The same inputs give the
same run folder, so a repeated run rewrites identical files (only the
manifest's times change) and ``--resume`` knows which folder to finish.
``outputs/latest`` (symlink) and ``outputs/LATEST`` (text) point at the last run.

Layout of a run folder::

    notebooks/unit_<code>.ipynb  notebooks/province_summary.ipynb   executed notebooks
    html/unit_<code>.html        html/province_summary.html         reports without code cells
    figures/<code>.json          figures/province.json              key figures (for tests/checks)
    appendices/phu_luc_<code>.docx|.xlsx  appendices/phu_luc_<province>.docx|.xlsx  plan appendices
    appendices/charts/<province>/*.png|.svg                         charts of the province appendix
    index.html  manifest.json
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import EXIT_BAD_INPUT, EXIT_OK, InputError, ParameterError, UsageError
from ctxh_plan.io.yamlfile import read_yaml

__all__ = [
    "BATCH_KEYS",
    "PROVINCE_KEY",
    "BatchConfig",
    "BatchResult",
    "appendix_files",
    "export_html",
    "list_batch_units",
    "load_batch_config",
    "run_batch",
]

log = logging.getLogger(__name__)

PROVINCE_KEY = "province"

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

    def public(self) -> dict[str, Any]:
        """Parameters as recorded in the manifest (paths relative to the project root when inside it)."""
        return {"name": self.name, "dataset": _rel(self.dataset), "units": self.units or "all",
                "scenario": self.scenario, "lang": self.lang, "suppress_threshold": self.suppress_threshold,
                "rebase_to": self.rebase_to, "key_indicators": self.key_indicators,
                "appendices": self.appendices, "unit_notebook": _rel(self.unit_notebook),
                "summary_notebook": _rel(self.summary_notebook)}


@dataclass
class BatchResult:
    """Outcome of :func:`run_batch`.

    Attributes
    ----------
    run_id, run_dir : the run folder.
    statuses : report key (unit code or ``"province"``) → ``"ok"`` / ``"failed"`` / ``"pending"``.
    errors : key → short error text for failed reports.
    skipped : keys reused from an earlier run (``--resume``).
    seconds : wall time of the whole batch.
    """

    run_id: str
    run_dir: Path
    statuses: dict[str, str]
    errors: dict[str, str]
    skipped: list[str]
    seconds: float

    @property
    def failed(self) -> list[str]:
        return [k for k, s in self.statuses.items() if s != "ok"]

    @property
    def exit_code(self) -> int:
        return EXIT_BAD_INPUT if self.failed else EXIT_OK


def _rel(p: Path) -> str:
    from ctxh_plan.paths import project_root

    try:
        return Path(p).resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(p)


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
    return BatchConfig(source=src, name=name, dataset=dataset.resolve(), units=units, scenario=scenario,
                       lang=lang, suppress_threshold=threshold, rebase_to=rebase_to, key_indicators=keys,
                       appendices=appendices, output=output,
                       jobs=jobs, unit_notebook=templates["unit"], summary_notebook=templates["summary"])


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


def _load(cfg: BatchConfig) -> tuple[Any, list[str]]:
    """The dataset the notebooks will see (re-based when asked), and the warnings raised
    while loading it (recorded in the manifest and in every report's notes; one summary
    line on the terminal instead of hundreds)."""
    from ctxh_plan.reports.core import collect_messages, load_report_dataset

    notes: list[str] = []
    with collect_messages(notes, "dataset"):
        ds = load_report_dataset(str(cfg.dataset), rebase_to=cfg.rebase_to)
    if notes:
        log.warning("%d note(s) while loading %s (in manifest.json and in each report), first: %s",
                    len(notes), _rel(cfg.dataset), notes[0])
    return ds, notes


def list_batch_units(ds: Any) -> list[str]:
    """Units that get a report: every unit below the province with observations, sorted by code."""
    from ctxh_plan.reports.core import report_units

    return report_units(ds)


def _select_units(cfg: BatchConfig, available: list[str], override: list[str] | None) -> list[str]:
    wanted = override if override is not None else cfg.units
    if wanted is None:
        return available
    missing = [u for u in wanted if u not in available]
    if missing:
        raise ParameterError("units", f"unit code(s) {missing} not in the dataset", source=str(cfg.source),
                             value=missing[0],
                             fix=f"use codes of the dataset: {', '.join(available[:60])}")
    return list(wanted)


def _run_id(cfg: BatchConfig, ds: Any, units: list[str]) -> tuple[str, list[dict[str, str]], list[dict[str, str]]]:
    import hashlib
    import json

    from ctxh_plan import __version__
    from ctxh_plan.batch.manifest import sha256_file

    inputs = [{"path": _rel(Path(i["path"])), "sha256": i["sha256"]} for i in getattr(ds, "inputs", [])]
    extra = [cfg.source]
    cat_path = getattr(getattr(ds, "catalog", None), "path", None)
    if cat_path:
        extra.append(Path(cat_path))
    seen = {i["path"] for i in inputs}
    for p in extra:  # the batch file and the indicator catalogue are inputs too
        if _rel(p) not in seen:
            inputs.append({"path": _rel(p), "sha256": sha256_file(p)})
            seen.add(_rel(p))
    templates = [{"path": _rel(p), "sha256": sha256_file(p)} for p in (cfg.unit_notebook, cfg.summary_notebook)]
    h = hashlib.sha256(json.dumps({"inputs": sorted(i["sha256"] for i in inputs), "params": cfg.public(),
                                   "units": units, "templates": [t["sha256"] for t in templates],
                                   "version": __version__}, sort_keys=True).encode())
    return f"{cfg.name}-{h.hexdigest()[:12]}", inputs, templates


def export_html(nb: Any, path: Path, title: str, exporter: Any = None) -> Any:
    """Write ``nb`` as HTML without code cells (atomically); return the exporter for reuse."""
    from ctxh_plan.io.atomic import write_text

    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    write_text(path, body)
    return exporter


def _sweep_tmp(run_dir: Path) -> None:
    from ctxh_plan.io.atomic import TMP_PREFIX

    for p in run_dir.rglob(f"{TMP_PREFIX}*"):
        try:
            p.unlink()
        except OSError as exc:  # pragma: no cover - reported, not fatal
            log.warning("could not remove temporary file %s: %s", p, exc)


def run_batch(params_file: str | os.PathLike[str], *, jobs: int | None = None, units: list[str] | None = None,
              resume: bool = False, output: str | os.PathLike[str] | None = None,
              progress: bool = True, reuse_kernels: bool = True) -> BatchResult:
    """Run the unit notebook for each unit and the province summary.

    Parameters
    ----------
    params_file : path of the batch YAML (e.g. ``params/quang_ninh.yaml``).
    jobs : kernels running at the same time (default: the file's ``jobs``).
    units : run only these unit codes (default: the file's ``units``).
    resume : finish only what is missing or failed in this run's folder.
    output : outputs folder (default: the file's ``output``).
    progress : show a tqdm progress bar on stderr (only when stderr is a terminal).
    reuse_kernels : ``False`` starts a fresh kernel per notebook (slow; for checks).

    Returns
    -------
    BatchResult
        ``exit_code`` is 1 when any report failed. The failed notebooks are kept
        with their error visible.

    Raises
    ------
    ParameterError, InputError
        Invalid batch file, unknown unit code.
    KeyboardInterrupt
        On SIGINT/SIGTERM, after recording what finished; no partial files are left.
    """
    from ctxh_plan.batch.kernels import NotebookJob, run_jobs
    from ctxh_plan.batch.manifest import (
        package_versions,
        point_latest,
        read_manifest,
        utc_now,
        write_index,
        write_manifest,
    )

    t0 = time.perf_counter()
    cfg = load_batch_config(params_file)
    if output is not None:
        cfg.output = Path(output).resolve()
    if jobs is not None:
        if jobs < 1:
            raise UsageError("--jobs must be 1 or more — fix: e.g. --jobs 2")
        cfg.jobs = jobs
    ds, dataset_notes = _load(cfg)
    available = list_batch_units(ds)
    selected = _select_units(cfg, available, units)
    run_id, inputs, templates = _run_id(cfg, ds, selected)
    run_dir = cfg.output / run_id
    from ctxh_plan.reports.core import unit_name

    names = {u: unit_name(ds, u) for u in selected}
    illustrative = bool(getattr(ds, "illustrative", False))

    previous = read_manifest(run_dir) if resume else None
    if resume and previous is None:
        log.warning("--resume: no earlier run %s; running everything", run_id)
    reports: dict[str, dict[str, Any]] = {}
    province_code = str(getattr(ds, "province_code", "") or "")
    expected = {key: appendix_files(cfg, province_code if key == PROVINCE_KEY else key)
                for key in [PROVINCE_KEY] + selected}
    for key in [PROVINCE_KEY] + selected:
        stem = "province_summary" if key == PROVINCE_KEY else f"unit_{key}"
        reports[key] = {"key": key, "name": _province_name(ds) if key == PROVINCE_KEY else names[key],
                        "status": "pending", "notebook": f"notebooks/{stem}.ipynb", "html": f"html/{stem}.html",
                        "figures": f"figures/{key}.json", "appendices": [], "seconds": None, "error": None,
                        "worker": None}
    skipped: list[str] = []
    if previous:
        for key, old in (previous.get("reports") or {}).items():
            if key in reports and old.get("status") == "ok" and all(
                    (run_dir / old[f]).is_file() for f in ("notebook", "html")) and all(
                    (run_dir / f).is_file() for f in expected[key]):
                reports[key].update(old)
                skipped.append(key)

    params_common = {"dataset": str(cfg.dataset), "scenario": cfg.scenario, "lang": cfg.lang,
                     "rebase_to": cfg.rebase_to, "output_dir": str(run_dir / "figures"),
                     "suppress_threshold": cfg.suppress_threshold,
                     "appendix_dir": str(run_dir / "appendices") if cfg.appendices else "",
                     "appendix_formats": list(cfg.appendices)}
    jobs_list = []
    for key, rep in reports.items():
        if key in skipped:
            continue
        if key == PROVINCE_KEY:
            params = {"units": selected if cfg.units is not None or units is not None else [], **params_common}
            template = cfg.summary_notebook
        else:
            params = {"unit_code": key, **params_common, "key_indicators": cfg.key_indicators}
            template = cfg.unit_notebook
        jobs_list.append(NotebookJob(key, template, params, run_dir / rep["notebook"]))

    manifest: dict[str, Any] = {
        "run_id": run_id, "batch_file": _rel(cfg.source), "parameters": cfg.public(),
        "units": selected, "inputs": inputs, "notebooks": templates, "illustrative": illustrative,
        "packages": package_versions(), "jobs": cfg.jobs, "reuse_kernels": reuse_kernels,
        "started_at": utc_now(), "finished_at": None, "status": "running", "seconds": None,
        "resumed": bool(previous), "reports": reports, "dataset_notes": dataset_notes,
    }
    run_dir.mkdir(parents=True, exist_ok=True)
    write_manifest(run_dir, manifest)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs_list), file=sys.stderr, unit="báo cáo", desc=run_id, disable=None)
    exporter: list[Any] = [None]

    def done(res: Any) -> None:
        rep = reports[res.key]
        title = f"{rep['key']} {rep['name']}".strip()
        exporter[0] = export_html(res.nb, run_dir / rep["html"], title, exporter[0])
        rep.update(status=res.status, seconds=round(res.seconds, 3), error=res.error, worker=res.worker)
        rep["appendices"] = [f for f in expected[res.key] if (run_dir / f).is_file()]
        if res.status == "ok" and len(rep["appendices"]) < len(expected[res.key]):
            missing = sorted(set(expected[res.key]) - set(rep["appendices"]))
            rep.update(status="failed", error=f"appendix file(s) not written: {', '.join(missing)}")
        write_manifest(run_dir, manifest)
        if bar is not None:
            bar.update(1)
            if res.status != "ok":
                bar.write(f"{res.key}: {res.error}", file=sys.stderr)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    old_term = signal.getsignal(signal.SIGTERM)
    in_main = _in_main_thread()
    if in_main:
        signal.signal(signal.SIGTERM, on_term)
    try:
        from ctxh_plan.paths import notebooks_dir

        run_jobs(jobs_list, workers=cfg.jobs, on_done=done, cwd=notebooks_dir(), reuse=reuse_kernels)
        manifest["status"] = "failed" if any(r["status"] != "ok" for r in reports.values()) else "ok"
    except BaseException:
        manifest["status"] = "interrupted"
        raise
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, old_term)
        if bar is not None:
            bar.close()
        _sweep_tmp(run_dir)
        manifest["finished_at"] = utc_now()
        manifest["seconds"] = round(time.perf_counter() - t0, 3)
        write_manifest(run_dir, manifest)
        write_index(run_dir, list(reports.values()), illustrative=illustrative, lang=cfg.lang,
                    title=("Báo cáo theo đơn vị" if cfg.lang == "vi" else "Unit reports") + f" — {run_id}")
        point_latest(cfg.output, run_id)
    statuses = {k: r["status"] for k, r in reports.items()}
    errors = {k: r["error"] for k, r in reports.items() if r["error"]}
    return BatchResult(run_id, run_dir, statuses, errors, skipped, time.perf_counter() - t0)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _province_name(ds: Any) -> str:
    from ctxh_plan.reports.core import unit_name

    code = getattr(ds, "province_code", None)
    return unit_name(ds, code) if code else ""
