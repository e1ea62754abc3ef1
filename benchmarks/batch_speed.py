"""Speed of the batch: warm kernels vs in-process vs a plain papermill loop, in ONE run.

    .venv/bin/python benchmarks/batch_speed.py [--params params/quang_ninh.yaml] [--skip-papermill]

Three timings, each in a fresh process so that imports are counted the same way:

1. **in-process**: one Python process imports ctxh_plan and does exactly what the
   notebooks do (``ctxh_plan.reports``: load, evaluate, project, charts rendered to
   PNG, tables to HTML, the plan appendices written to a temporary folder) for every
   unit and the province summary;
2. **batch**: ``python -m ctxh_plan batch PARAMS --output <tmp>`` (warm kernels,
   executed notebooks, HTML export, manifest, index);
3. **papermill loop**: ``papermill.execute_notebook`` once per notebook, one after
   the other (a new kernel each time), writing only the executed notebooks.

Prints the three wall times and the ratio batch / in-process (the target is ≤ 2.5).
The machine is shared: run it when it is quiet, or read the figures as upper bounds.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

IN_PROCESS = r"""
import contextlib, io, json, sys, time
t0 = time.perf_counter()
from ctxh_plan import reports as report
from ctxh_plan.batch import load_batch_config
cfg = load_batch_config(sys.argv[1])
plan = report.load_plan(str(cfg.dataset), rebase_to=cfg.rebase_to)
units = cfg.units or plan.report_units()
common = dict(dataset=str(cfg.dataset), scenario=cfg.scenario, lang=cfg.lang, rebase_to=cfg.rebase_to,
              output_dir="", suppress_threshold=cfg.suppress_threshold)
sink = io.StringIO()
import tempfile
apx = tempfile.mkdtemp(prefix="ctxh-bench-apx-") if cfg.appendices else ""
with contextlib.redirect_stdout(sink):   # display() outside IPython prints reprs: discard them
    for u in units:
        rep = report.build_unit_report(dict(common, unit_code=u, key_indicators=cfg.key_indicators))
        report.unit_summary_line(rep)
        report.appendix_line(rep, report.write_report_appendices(rep, apx, cfg.appendices), apx)
        report.show_unit_report(rep)
        report.unit_figures(rep)
    s = report.build_province_summary(dict(common, units=list(units)))
    report.appendix_line(s, report.write_report_appendices(s, apx, cfg.appendices), apx)
    report.show_province_summary(s)
    report.province_figures(s)
if apx:
    import shutil; shutil.rmtree(apx)
print(json.dumps({"seconds": time.perf_counter() - t0, "units": len(units)}))
"""


def _timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False, **kw)
    return time.perf_counter() - t, proc


def time_in_process(params: str) -> float:
    wall, proc = _timed([PY, "-c", IN_PROCESS, params])
    if proc.returncode:
        sys.exit(f"in-process run failed:\n{proc.stderr[-3000:]}")
    return wall


def time_batch(params: str, out: Path, jobs: int | None) -> float:
    cmd = [PY, "-m", "ctxh_plan", "batch", params, "--output", str(out), "--no-progress"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    wall, proc = _timed(cmd)
    if proc.returncode:
        sys.exit(f"batch failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return wall


PAPERMILL_LOOP = r"""
import sys, time, json
from pathlib import Path
import papermill as pm
from ctxh_plan import reports as report
from ctxh_plan.batch import load_batch_config
cfg = load_batch_config(sys.argv[1]); out = Path(sys.argv[2])
plan = report.load_plan(str(cfg.dataset), rebase_to=cfg.rebase_to)
units = cfg.units or plan.report_units()
common = dict(dataset=str(cfg.dataset), scenario=cfg.scenario, lang=cfg.lang, rebase_to=cfg.rebase_to,
              output_dir="", suppress_threshold=cfg.suppress_threshold)
for u in units:
    pm.execute_notebook(str(cfg.unit_notebook), str(out / f"unit_{u}.ipynb"), progress_bar=False,
                        parameters=dict(common, unit_code=u, key_indicators=cfg.key_indicators))
pm.execute_notebook(str(cfg.summary_notebook), str(out / "province_summary.ipynb"), progress_bar=False,
                    parameters=dict(common, units=list(units)))
"""


def time_papermill(params: str, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    wall, proc = _timed([PY, "-c", PAPERMILL_LOOP, params, str(out)])
    if proc.returncode:
        sys.exit(f"papermill loop failed:\n{proc.stderr[-3000:]}")
    return wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--params", default="params/quang_ninh.yaml")
    ap.add_argument("--jobs", type=int, default=None, help="kernels for the batch (default: the file's jobs)")
    ap.add_argument("--skip-papermill", action="store_true", help="skip the slow plain papermill loop")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-") as tmp:
        inproc = time_in_process(args.params)
        batch = time_batch(args.params, Path(tmp) / "batch", args.jobs)
        loop = None if args.skip_papermill else time_papermill(args.params, Path(tmp) / "papermill")
    ratio = batch / inproc
    rows = [("in-process (same computations, one process)", inproc), ("batch (warm kernels)", batch)]
    if loop is not None:
        rows.append(("plain papermill loop", loop))
    print(f"{'way of running':<46} {'wall s':>8}")
    for name, sec in rows:
        print(f"{name:<46} {sec:8.1f}")
    print(f"ratio batch / in-process: {ratio:.2f} (target ≤ 2.5) — cores: {os.cpu_count()}, "
          f"load average: {os.getloadavg()[0]:.1f}")
    print(json.dumps({"in_process_s": round(inproc, 2), "batch_s": round(batch, 2),
                      "papermill_loop_s": None if loop is None else round(loop, 2), "ratio": round(ratio, 2)}))
    return 0 if ratio <= 2.5 else 1


if __name__ == "__main__":
    sys.exit(main())
