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

from ctxh_plan.batch.config import BatchConfig, appendix_files, dataset_members, load_batch_config
from ctxh_plan.batch.engines import Engine, LocalEngine, parse_scheduler
from ctxh_plan.batch.export import export_html
from ctxh_plan.batch.lock import acquire_run_lock
from ctxh_plan.errors import EXIT_BAD_INPUT, EXIT_OK, ParameterError, UsageError
from ctxh_plan.paths import display_path, notebooks_dir
from ctxh_plan.reports.plan import Plan, load_plan

__all__ = ["PROVINCE_KEY", "BatchResult", "dataset_members", "keep_finished", "make_engine", "run_batch"]


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
    if cfg.tracking_dir is not None:  # the plan, the forms received, the causes: a new form gives a new run
        extra += sorted(p for p in cfg.tracking_dir.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
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


def keep_finished(previous: dict[str, Any] | None, reports: dict[str, dict[str, Any]], run_dir: Path,
                  expected: dict[str, list[str]]) -> list[str]:
    """Copy into ``reports`` the entries of an earlier run of the same inputs (``previous`` manifest, same run
    folder) that finished with all their files present; return their keys.

    A re-run lists them (and the index links them) until it rewrites them — same inputs, same files —
    so an interrupted re-run never turns finished reports into "not run" rows; ``--resume`` skips them.
    A report that failed earlier stays "failed" (not "not run") until this run rewrites it.
    """
    kept: list[str] = []
    for key, old in ((previous or {}).get("reports") or {}).items():
        if key not in reports or not all((run_dir / str(old.get(f))).is_file() for f in ("notebook", "html")):
            continue
        if old.get("status") == "ok" and all((run_dir / f).is_file() for f in expected.get(key, [])):
            reports[key].update(old)
            kept.append(key)
        elif old.get("status") == "failed":
            reports[key].update(old)  # still failed until this run says otherwise
    return kept


def _sweep_tmp(run_dir: Path) -> None:
    import shutil

    from ctxh_plan.io.atomic import TMP_PREFIX
    from ctxh_plan.reports.plan import PLAN_STORE

    shutil.rmtree(run_dir / PLAN_STORE, ignore_errors=True)  # the kernels' shared plan results: this run's only
    for p in run_dir.rglob(f"{TMP_PREFIX}*"):
        try:
            p.unlink()
        except OSError as exc:  # pragma: no cover - reported, not fatal
            log.warning("could not remove temporary file %s: %s", p, exc)


def make_engine(scheduler: str | None = None, *, jobs: int = 2) -> Engine:
    """The engine for a ``--scheduler`` value (``None`` = the local kernel pool with ``jobs`` kernels).

    Raises
    ------
    UsageError
        A bad ``--scheduler`` value (see :func:`parse_scheduler`).
    """
    if scheduler is None:
        return LocalEngine(jobs)
    spec = parse_scheduler(scheduler)
    from ctxh_plan.batch.dask_engine import DaskEngine

    return DaskEngine(spec)


def run_batch(params_file: str | os.PathLike[str], *, jobs: int | None = None, units: list[str] | None = None,
              resume: bool = False, output: str | os.PathLike[str] | None = None,
              progress: bool = True, reuse_kernels: bool = True, scheduler: str | None = None,
              engine: Engine | None = None) -> BatchResult:
    """Run the unit notebook for each unit and the province summary.

    Parameters
    ----------
    params_file : path of the batch YAML (e.g. ``params/quang_ninh.yaml``).
    jobs : kernels running at the same time (default: the file's ``jobs``; local engine only).
    units : run only these unit codes (default: the file's ``units``).
    resume : finish only what is missing or failed in this run's folder.
    output : outputs folder (default: the file's ``output``).
    progress : show a tqdm progress bar on stderr (only when stderr is a terminal).
    reuse_kernels : ``False`` starts a fresh kernel per notebook (slow; for checks).
    scheduler : ``None`` = the local kernel pool; ``"local:N"`` = a dask LocalCluster of N worker
        processes; ``"tcp://host:port"`` = a running dask scheduler (see :mod:`ctxh_plan.batch.engines`).
        The run id and every file written are the same whichever engine runs the notebooks.
    engine : an already built :class:`~ctxh_plan.batch.engines.Engine` (instead of ``scheduler``).

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
        A bad ``scheduler`` value, or no dask scheduler/worker reachable there; another batch is writing
        into the same run folder; the output folder is inside the dataset.
    KeyboardInterrupt
        On SIGINT/SIGTERM, after recording what finished; no partial files are left.
    """
    t0 = time.perf_counter()
    if scheduler is not None:
        parse_scheduler(scheduler)  # a bad value fails first, as a usage error
        if jobs is not None:
            raise UsageError("--jobs sets the local kernels and --scheduler the dask cluster; give one of them — "
                             "fix: --scheduler local:N for N local worker processes")
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
    if engine is None:
        engine = make_engine(scheduler, jobs=cfg.jobs)
    old_term = signal.getsignal(signal.SIGTERM)
    in_main = _in_main_thread()
    if in_main:  # SIGTERM = Ctrl-C from here on (a cluster started for the run is closed on the way out)
        signal.signal(signal.SIGTERM, _on_term)
    try:
        engine.start(cwd=notebooks_dir(), reuse=reuse_kernels)  # a cluster warms its kernels while we load
        members = dataset_members(cfg.dataset)
        if members is not None:
            return _run_collection(cfg, members, engine, t0, units=units, resume=resume, progress=progress,
                                   reuse_kernels=reuse_kernels)
        return _run(cfg, engine, t0, units=units, resume=resume, progress=progress, reuse_kernels=reuse_kernels)
    finally:
        engine.close()
        if in_main:
            signal.signal(signal.SIGTERM, old_term)


def _on_term(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


class _Part:
    """One dataset's share of a run: its reports, jobs, manifest and index (the whole run for a
    dataset folder; one province of a collection)."""

    def __init__(self, cfg: BatchConfig, engine: Engine, *, reuse_kernels: bool, prefix: str = "") -> None:
        self.cfg, self.engine, self.reuse_kernels, self.prefix = cfg, engine, reuse_kernels, prefix
        self.skipped: list[str] = []
        self.exporter: Any = None
        self.plan: Plan | None = None  # set by load(), dropped at the end of prepare()

    def load(self, units: list[str] | None, *, among: list[str] | None = None) -> bool:
        """Load the dataset; choose the units; compute the run id.

        ``among``: the codes wanted over a whole collection — this part takes those it has, and
        returns False when it has none (the part is then left out).
        """
        self.plan, self.dataset_notes = _load(self.cfg)
        if among is not None:
            have = set(self.plan.report_units())
            units = [u for u in among if u in have]
            if not units:
                return False
        self.selected = _select_units(self.cfg, self.plan.report_units(), units)
        self.units_override = units
        self.run_id, self.inputs, self.templates = _run_id(self.cfg, self.plan.dataset, self.selected)
        return True

    def prepare(self, run_dir: Path, *, resume: bool) -> list[Any]:
        """The reports of this part (reusing finished ones on ``resume``), its notebook jobs, and its
        first manifest."""
        from ctxh_plan.batch.kernels import NotebookJob
        from ctxh_plan.batch.manifest import package_versions, read_manifest, utc_now, write_manifest

        cfg, plan, selected = self.cfg, self.plan, self.selected
        if plan is None:
            raise UsageError("_Part.prepare() called before load() — fix: call load() first")
        ds = plan.dataset
        self.run_dir = run_dir
        self.lock = acquire_run_lock(run_dir)  # one batch at a time in this folder (released by `finish`)
        _sweep_tmp(run_dir)  # temporary files of a run that was killed
        self.illustrative = bool(getattr(ds, "illustrative", False))
        previous = read_manifest(run_dir)  # an earlier run of the same inputs (same run id)
        self.earlier_status = (previous or {}).get("status")
        if resume and previous is None:
            log.warning("--resume: no earlier run %s; running everything", run_dir.name)
        province_code = str(getattr(ds, "province_code", "") or "")
        self.expected = {key: appendix_files(cfg, province_code if key == PROVINCE_KEY else key)
                         for key in [PROVINCE_KEY] + selected}
        reports: dict[str, dict[str, Any]] = {}
        for key in [PROVINCE_KEY] + selected:
            stem = "province_summary" if key == PROVINCE_KEY else f"unit_{key}"
            reports[key] = {"key": key, "name": plan.unit_name(plan.province_code if key == PROVINCE_KEY else key),
                            "status": "pending", "notebook": f"notebooks/{stem}.ipynb", "html": f"html/{stem}.html",
                            "figures": f"figures/{key}.json", "appendices": [], "seconds": None, "error": None,
                            "worker": None, "attempts": None}
        finished = keep_finished(previous, reports, run_dir, self.expected)
        self.skipped = finished if resume else []
        self.reports = reports
        common = {"dataset": str(cfg.dataset), "scenario": cfg.scenario, "lang": cfg.lang,
                  "rebase_to": cfg.rebase_to, "output_dir": str(run_dir / "figures"),
                  "suppress_threshold": cfg.suppress_threshold,
                  "appendix_dir": str(run_dir / "appendices") if cfg.appendices else "",
                  "appendix_formats": list(cfg.appendices),
                  "tracking_dir": str(cfg.tracking_dir) if cfg.tracking_dir else "",
                  "tracking_period": cfg.tracking_period if cfg.tracking_dir else ""}
        jobs = []
        for key, rep in reports.items():
            if key in self.skipped:
                continue
            if key == PROVINCE_KEY:
                chosen = cfg.units is not None or self.units_override is not None
                params = {"units": selected if chosen else [], **common, "key_indicators": cfg.key_indicators}
                template = cfg.summary_notebook
            else:
                params = {"unit_code": key, **common, "key_indicators": cfg.key_indicators}
                template = cfg.unit_notebook
            jobs.append(NotebookJob(self.prefix + key, template, params, run_dir / rep["notebook"]))
        self.manifest: dict[str, Any] = {
            "run_id": self.run_id, "batch_file": display_path(cfg.source), "parameters": cfg.public(),
            "units": selected, "inputs": self.inputs, "notebooks": self.templates, "illustrative": self.illustrative,
            "packages": package_versions(), "jobs": cfg.jobs, "reuse_kernels": self.reuse_kernels,
            "engine": self.engine.describe(),
            "started_at": utc_now(), "finished_at": None, "status": "running", "seconds": None,
            "resumed": bool(resume and previous), "reports": reports, "dataset_notes": self.dataset_notes,
        }
        self.manifest["created_at"] = (previous or {}).get("created_at") or self.manifest["started_at"]
        run_dir.mkdir(parents=True, exist_ok=True)
        write_manifest(run_dir, self.manifest)
        if jobs:  # the kernels read the dataset loaded here instead of loading and re-basing it again
            from ctxh_plan.reports.plan import PLAN_STORE

            plan.share_dataset(run_dir / PLAN_STORE)
        self.province_name = plan.unit_name(plan.province_code)
        self.dataset_title = str(getattr(ds, "title", "") or "")
        self.plan = None  # names are in the reports; a collection must not hold 34 datasets in the driver
        return jobs

    def done(self, res: Any) -> None:
        """A notebook of this part is written: HTML, appendix check, manifest."""
        from ctxh_plan.batch.manifest import write_manifest

        key = res.key[len(self.prefix):]
        rep = self.reports[key]
        title = rep["name"] if key == PROVINCE_KEY else f"{rep['name']} ({rep['key']})"  # the page's title
        self.exporter = export_html(res.nb, self.run_dir / rep["html"], title, self.exporter, lang=self.cfg.lang)
        rep.update(status=res.status, seconds=round(res.seconds, 3), error=res.error, worker=res.worker,
                   attempts=res.attempts)
        rep["appendices"] = [f for f in self.expected[key] if (self.run_dir / f).is_file()]
        if res.status == "ok" and len(rep["appendices"]) < len(self.expected[key]):
            missing = sorted(set(self.expected[key]) - set(rep["appendices"]))
            rep.update(status="failed", error=f"appendix file(s) not written: {', '.join(missing)}")
        self.manifest["engine"] = self.engine.describe()
        write_manifest(self.run_dir, self.manifest)

    def finish(self, interrupted: bool, t0: float) -> None:
        """Final manifest (status, times), index.html; no temporary file left."""
        from ctxh_plan.batch.manifest import utc_now, write_manifest, write_run_index

        if interrupted:
            # an interrupted re-run of a finished run keeps its status: every report on show is still complete
            complete = all(r["status"] == "ok" for r in self.reports.values())
            self.manifest["status"] = (self.earlier_status or "ok") if complete else "interrupted"
            self.manifest["last_attempt"] = "interrupted"
        else:
            self.manifest["status"] = "failed" if any(r["status"] != "ok" for r in self.reports.values()) else "ok"
        _sweep_tmp(self.run_dir)
        self.manifest["engine"] = self.engine.describe()
        self.manifest["finished_at"] = utc_now()
        self.manifest["seconds"] = round(time.perf_counter() - t0, 3)
        write_manifest(self.run_dir, self.manifest)
        write_run_index(self.run_dir, self.manifest, province_name=self.province_name,
                        dataset_title=self.dataset_title)
        self.lock.release()


def _execute(parts: list[_Part], jobs: list[Any], engine: Engine, *, progress: bool, reuse_kernels: bool,
             t0: float, label: str, after: Any = None) -> None:
    """Run every part's jobs on the engine (one pool for all); finish every part, also when interrupted."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), file=sys.stderr, unit="báo cáo", desc=label, disable=None)
    owner = {job.key: part for part in parts for job in jobs if job.key.startswith(part.prefix)} if len(parts) > 1 \
        else {job.key: parts[0] for job in jobs}

    def done(res: Any) -> None:
        owner[res.key].done(res)
        if bar is not None:
            bar.update(1)
            if res.status != "ok":
                bar.write(f"{res.key}: {res.error}", file=sys.stderr)

    interrupted = True
    try:
        engine.run(jobs, on_done=done, cwd=notebooks_dir(), reuse=reuse_kernels)
        interrupted = False
    finally:
        if bar is not None:
            bar.close()
        for part in parts:
            part.finish(interrupted, t0)
        if after is not None:
            after(interrupted)


def _run(cfg: BatchConfig, engine: Engine, t0: float, *, units: list[str] | None, resume: bool, progress: bool,
         reuse_kernels: bool) -> BatchResult:
    """The run of one dataset folder once the engine is ready (see :func:`run_batch`)."""
    from ctxh_plan.batch.manifest import point_latest

    part = _Part(cfg, engine, reuse_kernels=reuse_kernels)
    part.load(units)
    jobs = part.prepare(cfg.output / part.run_id, resume=resume)
    _execute([part], jobs, engine, progress=progress, reuse_kernels=reuse_kernels, t0=t0, label=part.run_id,
             after=lambda _: point_latest(cfg.output, part.run_id))
    statuses = {k: r["status"] for k, r in part.reports.items()}
    errors = {k: r["error"] for k, r in part.reports.items() if r["error"]}
    return BatchResult(part.run_id, part.run_dir, statuses, errors, part.skipped, time.perf_counter() - t0)


def _run_collection(cfg: BatchConfig, members: list[Path], engine: Engine, t0: float, *, units: list[str] | None,
                    resume: bool, progress: bool, reuse_kernels: bool) -> BatchResult:
    """A collection (one dataset folder per province): every province's reports in one pool.

    Layout: ``outputs/<name>-<hash>/<province folder>/`` is each province's run folder (its own
    notebooks, HTML, figures, appendices, manifest.json, index.html, run id as when run alone);
    ``outputs/<name>-<hash>/index.html`` links them and ``manifest.json`` sums them up.
    """
    import dataclasses
    import hashlib
    import json

    from ctxh_plan.batch.manifest import point_latest, utc_now, write_collection_index, write_manifest

    wanted = units if units is not None else cfg.units
    parts: list[_Part] = []
    loading = members
    if progress:
        from tqdm import tqdm

        loading = tqdm(members, file=sys.stderr, unit="tỉnh", desc="đọc dữ liệu / loading", disable=None)
    for folder in loading:
        part = _Part(dataclasses.replace(cfg, dataset=folder.resolve()), engine, reuse_kernels=reuse_kernels,
                     prefix=f"{folder.name}/")
        if part.load(None, among=wanted) if wanted is not None else part.load(None):
            parts.append(part)
    if wanted is not None:
        found = {u for part in parts for u in part.selected}
        missing = [u for u in wanted if u not in found]
        if missing:
            raise ParameterError("units", f"unit code(s) {missing} in none of the {len(members)} datasets of "
                                 f"{display_path(cfg.dataset)}", source=str(cfg.source), value=missing[0],
                                 fix="use unit codes of the collection's datasets (their units.csv)")
    digest = hashlib.sha256(json.dumps([p.run_id for p in parts]).encode()).hexdigest()[:12]
    run_id = f"{cfg.name}-{digest}"
    top = cfg.output / run_id
    jobs = [job for part in parts for job in part.prepare(top / Path(part.cfg.dataset).name, resume=resume)]
    started = utc_now()

    def after(interrupted: bool) -> None:
        entries = []
        for part in parts:
            st = [r["status"] for r in part.reports.values()]
            entries.append({"key": Path(part.cfg.dataset).name, "name": part.province_name, "run_id": part.run_id,
                            "folder": Path(part.cfg.dataset).name, "status": part.manifest["status"],
                            "reports": len(st), "ok": st.count("ok"), "failed": st.count("failed"),
                            "pending": st.count("pending")})
        manifest: dict[str, Any] = {
            "run_id": run_id, "batch_file": display_path(cfg.source), "parameters": cfg.public(),
            "collection": entries, "engine": engine.describe(), "started_at": started,
            "finished_at": utc_now(), "seconds": round(time.perf_counter() - t0, 3),
            "status": "interrupted" if interrupted else
            ("failed" if any(e["status"] != "ok" for e in entries) else "ok"),
            "illustrative": any(p.illustrative for p in parts)}
        write_manifest(top, manifest)
        write_collection_index(top, entries, title=("Báo cáo theo tỉnh" if cfg.lang == "vi" else "Reports by "
                                                    "province") + f" — {run_id}",
                               illustrative=manifest["illustrative"], lang=cfg.lang)
        point_latest(cfg.output, run_id)

    _execute(parts, jobs, engine, progress=progress, reuse_kernels=reuse_kernels, t0=t0, label=run_id, after=after)
    statuses = {part.prefix + k: r["status"] for part in parts for k, r in part.reports.items()}
    errors = {part.prefix + k: r["error"] for part in parts for k, r in part.reports.items() if r["error"]}
    skipped = [part.prefix + k for part in parts for k in part.skipped]
    return BatchResult(run_id, top, statuses, errors, skipped, time.perf_counter() - t0)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()

