"""Cost of one unit report, this version against an earlier one checked out from git, in ONE run.

    .venv/bin/python benchmarks/report_cost.py [--before dad2558] [--params params/quang_ninh_2026.yaml]
                                               [--units 12] [--rounds 2] [--batch-rounds 2] [--no-batch] [--scheduler]

What it measures (each measurement a fresh process; the earlier version is put first on the import
path, so both run the same measuring code):

1. **one unit report, in-process**: the code cells of the version's own ``notebooks/unit_report.ipynb``
   executed one after the other in one Python process, parameters injected as the batch injects them
   (charts as SVG in the HTML, the unit's Word/Excel appendix written to a temporary folder, tracking
   section, key figures JSON) for the first ``--units`` units of the batch file. The first report also
   loads the dataset (re-based), evaluates, projects and tracks for every unit; it is reported apart.
   The per-unit cost is the mean of the other reports (what every further report of a warm kernel costs).
2. **the whole batch** (unless ``--no-batch``): ``python -m ctxh_plan batch PARAMS --jobs 2`` of each
   version into a fresh temporary output folder (all 54 units + province summary on 2 local kernels),
   ``--batch-rounds`` times alternating before/now; the best run of each version counts (on a shared
   machine a whole batch varies by ±15 % from run to run, in CPU time as well as in wall time).
3. with ``--scheduler``: the batch of this version again with ``--scheduler local:2``, into the same output
   folder, and the sha256 of every file it rewrites (HTML, notebooks, appendices, figures, index; not the
   manifest) compared with those of the local pool.

The earlier version is a git worktree (``git worktree add --detach /tmp/ctxh_before <rev>``, made if
missing; no copy of old code is committed). Goals: a unit report ≤ 0.2× its earlier cost; the batch
≤ 0.35× its earlier wall time. The machine is shared: read the figures with the load average printed
beside them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
#: the commit this work branched from (main before issue #16 item 1)
DEFAULT_BEFORE = "dad2558"
ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1", "PYTHONUTF8": "1"}


# --------------------------------------------------------------------------- measuring code (worker side)

def unit_cells(root: Path) -> list[str]:
    """Source of the code cells of ``root``'s unit notebook after its parameters cell."""
    nb = json.loads((root / "notebooks" / "unit_report.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return ["".join(c["source"]) for c in cells if "parameters" not in c.get("metadata", {}).get("tags", [])]


def unit_params(cfg: Any, unit: str, out: Path) -> dict[str, Any]:
    """The parameters the batch injects into a unit notebook (``batch.run``), with ``out`` as run folder."""
    return {"unit_code": unit, "dataset": str(cfg.dataset), "scenario": cfg.scenario, "lang": cfg.lang,
            "rebase_to": cfg.rebase_to, "output_dir": str(out / "figures"),
            "suppress_threshold": cfg.suppress_threshold,
            "appendix_dir": str(out / "appendices") if cfg.appendices else "",
            "appendix_formats": list(cfg.appendices),
            "tracking_dir": str(cfg.tracking_dir) if getattr(cfg, "tracking_dir", None) else "",
            "tracking_period": getattr(cfg, "tracking_period", "") if getattr(cfg, "tracking_dir", None) else "",
            "key_indicators": list(cfg.key_indicators)}


def run_unit(cells: list[str], params: dict[str, Any]) -> None:
    """Execute a unit notebook's cells in a fresh namespace with ``params`` (what its kernel does)."""
    import contextlib
    import io

    ns: dict[str, Any] = {"__name__": "__main__", **params}
    with contextlib.redirect_stdout(io.StringIO()):  # display() outside IPython prints reprs: discard them
        for src in cells:
            exec(compile(src, "<cell>", "exec"), ns)  # the project's own notebook cells


def worker(root: Path, params_file: str, n_units: int, out: Path, fresh_charts: bool = False) -> dict[str, Any]:
    """(In the fresh process) time ``n_units`` unit reports of ``root``'s version. ``fresh_charts``: every chart is
    drawn even when an earlier report drew the same one (the communes of one former district share re-based rates,
    so their charts are often identical and this version's chart cache reuses them)."""
    t0 = time.perf_counter()
    import ctxh_plan
    from ctxh_plan.batch import load_batch_config

    if fresh_charts:
        from ctxh_plan.present.charts import ChartCache
        from ctxh_plan.reports.plan import Plan

        Plan.charts = property(lambda self: ChartCache(figures=0, renders=0))  # type: ignore[method-assign, assignment]

    if not Path(ctxh_plan.__file__).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"wrong ctxh_plan imported: {ctxh_plan.__file__} (wanted {root})")
    cfg = load_batch_config(root / params_file)
    from ctxh_plan import reports as report

    units = list(cfg.units or report.load_plan(str(cfg.dataset), rebase_to=cfg.rebase_to).report_units())
    units = units[:n_units]
    cells = unit_cells(root)
    import_s = time.perf_counter() - t0
    seconds, cpu = [], []
    for u in units:
        t, c = time.perf_counter(), time.process_time()
        run_unit(cells, unit_params(cfg, u, out))
        seconds.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return {"root": str(root), "units": units, "seconds": seconds, "cpu": cpu, "import_s": import_s, "files": files}


# --------------------------------------------------------------------------- driver side

def before_copy(rev: str, where: Path) -> Path:
    """The earlier version as a detached git worktree at ``where`` (made if missing, moved to ``rev``)."""
    sha = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    if not (where / "ctxh_plan").is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(where), sha], cwd=ROOT, check=True,
                       capture_output=True)
    else:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True,
                              check=True).stdout.strip()
        if head != sha:
            subprocess.run(["git", "checkout", "--detach", sha], cwd=where, check=True, capture_output=True)
    return where


def _env(root: Path) -> dict[str, str]:
    return dict(os.environ, **ENV, PYTHONPATH=str(root))


def measure_reports(root: Path, params: str, n_units: int, fresh_charts: bool = False) -> dict[str, Any]:
    """Run :func:`worker` for ``root`` in a fresh process (``root`` first on the import path)."""
    with tempfile.TemporaryDirectory(prefix="ctxh-cost-") as tmp:
        here = str(ROOT / "benchmarks")
        code = (f"import sys, json; sys.path.insert(0, {str(root)!r}); sys.path.insert(0, {here!r})\n"
                "import report_cost as rc\nfrom pathlib import Path\n"
                f"print('RESULT ' + json.dumps(rc.worker(Path({str(root)!r}), {params!r}, {n_units}, "
                f"Path({tmp!r}), {fresh_charts!r})))")
        proc = subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=root, env=_env(root), check=False)
    if proc.returncode:
        raise SystemExit(f"measuring {root} failed:\n{proc.stderr[-3000:]}")
    line = next(s for s in proc.stdout.splitlines() if s.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[len("RESULT "):])
    return result


def hashes(run_dir: Path) -> dict[str, str]:
    """sha256 of every file of a run folder but its manifest (relative POSIX path → hex)."""
    return {p.relative_to(run_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run_dir.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def time_batch(root: Path, params: str, out: Path, flags: list[str]) -> tuple[float, Path]:
    """``python -m ctxh_plan batch`` of ``root``'s version in a fresh process; (wall seconds, run folder)."""
    cmd = [PY, "-m", "ctxh_plan", "batch", str(root / params), "--no-progress", "--output", str(out), *flags]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env=_env(root), check=False)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"batch of {root} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, (out / "latest").resolve()


def _per_unit(res: dict[str, Any], key: str = "seconds") -> float:
    """Mean cost of the reports after the first (a warm kernel's further reports)."""
    rest = res[key][1:] or res[key]
    return float(sum(rest) / len(rest))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default=DEFAULT_BEFORE, help="git revision of the earlier version")
    ap.add_argument("--before-dir", default="/tmp/ctxh_before", help="where its worktree is (made if missing)")
    ap.add_argument("--params", default="params/quang_ninh_2026.yaml", help="batch file, relative to the project")
    ap.add_argument("--units", type=int, default=12, help="unit reports timed in-process per version")
    ap.add_argument("--rounds", type=int, default=2,
                    help="measurements per version, alternating before/now; the best round of each counts")
    ap.add_argument("--no-batch", action="store_true", help="skip the whole-batch timings")
    ap.add_argument("--batch-rounds", type=int, default=2,
                    help="whole batches per version, alternating before/now; the best of each counts")
    ap.add_argument("--scheduler", action="store_true",
                    help="also run this version's batch on --scheduler local:2 and compare the files")
    args = ap.parse_args(argv)

    before = before_copy(args.before, Path(args.before_dir))
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=before, capture_output=True, text=True,
                         check=True).stdout.strip()
    now = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.strip()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine {platform.machine()} "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; before = {sha}, now = {now}"
          f"{' + uncommitted changes' if dirty else ''}; {args.params}; {args.units} unit reports per measurement",
          flush=True)
    rows: dict[str, dict[str, Any]] = {}
    for k in range(args.rounds):
        for label, root in (("before", before), ("now", ROOT)):
            load = os.getloadavg()[0]
            res = measure_reports(root, args.params, args.units)
            res["load"] = load
            print(f"  round {k + 1} {label:>6}: first report {res['seconds'][0]:6.2f} s (loads and computes the plan), "
                  f"each further report {_per_unit(res):5.2f} s wall / {_per_unit(res, 'cpu'):5.2f} s CPU "
                  f"(mean of {len(res['seconds']) - 1}); load average {load:.1f}", flush=True)
            if label not in rows or _per_unit(res, "cpu") < _per_unit(rows[label], "cpu"):
                rows[label] = res
    load = os.getloadavg()[0]
    fresh = measure_reports(ROOT, args.params, args.units, fresh_charts=True)
    fresh_ratio = _per_unit(fresh, "cpu") / _per_unit(rows["before"], "cpu")
    print(f"  now, every chart drawn (no reuse of an identical chart): each further report {_per_unit(fresh):5.2f} s "
          f"wall / {_per_unit(fresh, 'cpu'):5.2f} s CPU; load average {load:.1f}", flush=True)
    ratio = _per_unit(rows["now"]) / _per_unit(rows["before"])
    cpu_ratio = _per_unit(rows["now"], "cpu") / _per_unit(rows["before"], "cpu")
    first = rows["now"]["seconds"][0] / rows["before"]["seconds"][0]
    print(f"unit report now / before (best rounds): {cpu_ratio:.2f}× CPU, {ratio:.2f}× wall (goal ≤ 0.2); "
          f"every chart drawn: {fresh_ratio:.2f}× CPU; first report {first:.2f}× wall", flush=True)
    summary: dict[str, Any] = {"report_before_s": round(_per_unit(rows["before"]), 3),
                               "report_now_s": round(_per_unit(rows["now"]), 3), "report_ratio": round(ratio, 3),
                               "report_before_cpu_s": round(_per_unit(rows["before"], "cpu"), 3),
                               "report_now_cpu_s": round(_per_unit(rows["now"], "cpu"), 3),
                               "report_cpu_ratio": round(cpu_ratio, 3),
                               "report_fresh_charts_cpu_s": round(_per_unit(fresh, "cpu"), 3),
                               "report_fresh_charts_cpu_ratio": round(fresh_ratio, 3),
                               "first_before_s": round(rows["before"]["seconds"][0], 2),
                               "first_now_s": round(rows["now"]["seconds"][0], 2)}
    ok = cpu_ratio <= 0.2
    if not args.no_batch:
        with tempfile.TemporaryDirectory(prefix="ctxh-cost-batch-") as tmp:
            walls: dict[str, list[float]] = {"before": [], "now": []}
            for k in range(args.batch_rounds):
                for label, root in (("before", before), ("now", ROOT)):
                    load = os.getloadavg()[0]
                    out = Path(tmp) / label
                    shutil.rmtree(out, ignore_errors=True)  # every round a fresh output folder
                    wall, run_dir = time_batch(root, args.params, out, ["--jobs", "2"])
                    walls[label].append(wall)
                    print(f"  batch round {k + 1} {label:>6} (2 local kernels): {wall:6.1f} s wall, "
                          f"{len(hashes(run_dir))} files; load average at start {load:.1f}", flush=True)
            best = {label: min(w) for label, w in walls.items()}
            bratio = best["now"] / best["before"]
            print(f"batch now / before (best rounds): {bratio:.2f}× (goal ≤ 0.35); every round: "
                  + ", ".join(f"{n / b:.2f}×" for b, n in zip(walls["before"], walls["now"])), flush=True)
            summary.update(batch_before_s=round(best["before"], 1), batch_now_s=round(best["now"], 1),
                           batch_ratio=round(bratio, 3),
                           batch_rounds={label: [round(w, 1) for w in ws] for label, ws in walls.items()})
            ok = ok and bratio <= 0.35
            if args.scheduler:
                local = hashes((Path(tmp) / "now" / "latest").resolve())
                load = os.getloadavg()[0]
                # the same output folder (the notebooks hold their absolute output paths; a re-run keeps the run's
                # creation date): every file is rewritten by the dask engine and must come out the same
                wall, run_dir = time_batch(ROOT, args.params, Path(tmp) / "now", ["--scheduler", "local:2"])
                same = hashes(run_dir) == local
                print(f"  batch    now (--scheduler local:2): {wall:6.1f} s wall; files identical to the local "
                      f"pool: {same}; load average at start {load:.1f}", flush=True)
                summary.update(dask_s=round(wall, 1), dask_identical=same)
                ok = ok and same
    print(json.dumps(summary))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
