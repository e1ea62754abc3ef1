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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctxh_plan.batch.config import BatchConfig, appendix_files, load_batch_config
from ctxh_plan.batch.lock import acquire_run_lock
from ctxh_plan.errors import EXIT_BAD_INPUT, EXIT_OK, ParameterError, UsageError
from ctxh_plan.paths import display_path
from ctxh_plan.reports.plan import Plan, load_plan

__all__ = ["PROVINCE_KEY", "BatchResult", "export_html", "run_batch"]


log = logging.getLogger(__name__)


PROVINCE_KEY = "province"


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


def _load(cfg: BatchConfig) -> tuple[Plan, list[str]]:
    """The dataset the notebooks will see (re-based when asked), and the warnings raised
    while loading it (recorded in the manifest and in every report's notes; one summary
    line on the terminal instead of hundreds)."""
    from ctxh_plan.reports.messages import collect_messages

    notes: list[str] = []
    with collect_messages(notes, "dataset"):
        plan = load_plan(str(cfg.dataset), rebase_to=cfg.rebase_to)
    if notes:
        log.warning("%d note(s) while loading %s (in manifest.json and in each report), first: %s",
                    len(notes), display_path(cfg.dataset), notes[0])
    return plan, notes


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
    from ctxh_plan.io.digest import sha256_file

    inputs = [{"path": display_path(Path(i["path"])), "sha256": i["sha256"]} for i in getattr(ds, "inputs", [])]
    extra = [cfg.source]
    cat_path = getattr(getattr(ds, "catalog", None), "path", None)
    if cat_path:
        extra.append(Path(cat_path))
    seen = {i["path"] for i in inputs}
    for p in extra:  # the batch file and the indicator catalogue are inputs too
        if display_path(p) not in seen:
            inputs.append({"path": display_path(p), "sha256": sha256_file(p)})
            seen.add(display_path(p))
    templates = [{"path": display_path(p), "sha256": sha256_file(p)} for p in (cfg.unit_notebook, cfg.summary_notebook)]
    h = hashlib.sha256(json.dumps({"inputs": sorted(i["sha256"] for i in inputs), "params": cfg.public(),
                                   "units": units, "templates": [t["sha256"] for t in templates],
                                   "version": __version__}, sort_keys=True).encode())
    return f"{cfg.name}-{h.hexdigest()[:12]}", inputs, templates


def export_html(nb: Any, path: Path, title: str, exporter: Any = None) -> Any:
    """Write ``nb`` as HTML without code cells (atomically), with the Content-Security-Policy that
    forbids scripts; return the exporter for reuse."""
    from ctxh_plan.io.atomic import write_text
    from ctxh_plan.reports.html import add_security_policy

    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    write_text(path, add_security_policy(body))  # no script runs in a published report
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

    A run folder takes one batch at a time (:func:`~ctxh_plan.batch.lock.acquire_run_lock`); temporary
    files of a killed run are swept first; reports finished by an earlier run of the same folder stay
    on show in the index and manifest until this run replaces them (an interrupted re-run never turns
    them into "not run").

    Raises
    ------
    ParameterError, InputError
        Invalid batch file, unknown unit code.
    UsageError
        Another batch is writing into the same run folder; the output folder is inside the dataset.
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
    from ctxh_plan.commands.guard import refuse_overwriting_inputs

    refuse_overwriting_inputs([("output", cfg.output, "folder")],  # never into the dataset or the project's data
                              [cfg.dataset, cfg.source, cfg.unit_notebook, cfg.summary_notebook],
                              writes=("latest", "LATEST", f"{cfg.name}-*"))
    plan, dataset_notes = _load(cfg)
    ds = plan.dataset
    available = plan.report_units()
    selected = _select_units(cfg, available, units)
    run_id, inputs, templates = _run_id(cfg, ds, selected)
    run_dir = cfg.output / run_id
    lock = acquire_run_lock(run_dir)  # one batch at a time in this folder (released in the `finally` below)
    _sweep_tmp(run_dir)  # temporary files of a run that was killed
    names = {u: plan.unit_name(u) for u in selected}
    illustrative = bool(getattr(ds, "illustrative", False))

    earlier = read_manifest(run_dir)
    previous = earlier if resume else None
    if resume and previous is None:
        log.warning("--resume: no earlier run %s; running everything", run_id)
    reports: dict[str, dict[str, Any]] = {}
    province_code = str(getattr(ds, "province_code", "") or "")
    expected = {key: appendix_files(cfg, province_code if key == PROVINCE_KEY else key)
                for key in [PROVINCE_KEY] + selected}
    for key in [PROVINCE_KEY] + selected:
        stem = "province_summary" if key == PROVINCE_KEY else f"unit_{key}"
        reports[key] = {"key": key, "name": plan.unit_name(plan.province_code) if key == PROVINCE_KEY else names[key],
                        "status": "pending", "notebook": f"notebooks/{stem}.ipynb", "html": f"html/{stem}.html",
                        "figures": f"figures/{key}.json", "appendices": [], "seconds": None, "error": None,
                        "worker": None}
    skipped: list[str] = []
    if earlier:  # finished reports stay on show (index, manifest) until this run replaces them
        for key, old in (earlier.get("reports") or {}).items():
            if key not in reports or not all((run_dir / str(old.get(f))).is_file() for f in ("notebook", "html")):
                continue
            if old.get("status") == "ok" and all((run_dir / f).is_file() for f in expected[key]):
                reports[key].update(old)
                if resume:
                    skipped.append(key)
            elif old.get("status") == "failed":
                reports[key].update(old)  # still failed until this run says otherwise

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
        "run_id": run_id, "batch_file": display_path(cfg.source), "parameters": cfg.public(),
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
        # an interrupted re-run of a finished run keeps its status: every report on show is still complete
        done_before = all(r["status"] == "ok" for r in reports.values())
        manifest["status"] = (earlier or {}).get("status", "ok") if done_before else "interrupted"
        manifest["last_attempt"] = "interrupted"
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
        lock.release()
    statuses = {k: r["status"] for k, r in reports.items()}
    errors = {k: r["error"] for k, r in reports.items() if r["error"]}
    return BatchResult(run_id, run_dir, statuses, errors, skipped, time.perf_counter() - t0)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()

