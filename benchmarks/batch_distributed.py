"""The batch on dask.distributed: one large province's communes on ``local:1`` and ``local:2``, in ONE run.

    .venv/bin/python benchmarks/batch_distributed.py [--units 24|all] [--params params/national_large_province.yaml]
                                                     [--local-pool]

What it does (each batch a fresh ``python -m ctxh_plan batch`` process, the same output folder):

1. generates the national illustrative data if ``data/national/generated`` is missing;
2. runs the batch of ``--params`` (default: the 168 communes of "Tỉnh minh họa 01", code 9001) for
   the first ``--units`` units plus the province summary with ``--scheduler local:1``, then with
   ``--scheduler local:2`` (optionally also the default local kernel pool, ``--local-pool``);
3. reports the wall times, the speed-up local:1 → local:2 (goal ≥ 1.7 on a 2-core machine), the
   seconds per report and the projected time of the national run (3,321 units + 34 province
   summaries) per number of workers, assuming the measured per-worker efficiency;
4. checks that every engine wrote byte-identical notebooks, HTML, figures and appendices (sha256
   of every file but manifest.json).

A full province (``--units all``) takes well over 10 minutes per engine on this machine, hence the
subset by default; the per-report cost of a subset is that of the full province, because every
report evaluates, projects and suppresses over all units of its province. The machine is shared:
read the figures with the load average printed beside them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
NATIONAL_UNITS, NATIONAL_PROVINCES = 3321, 34


def hashes(run_dir: Path) -> dict[str, str]:
    """sha256 of every file of a run folder but its manifest (relative POSIX path → hex)."""
    return {p.relative_to(run_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run_dir.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def run(params: Path, units: list[str] | None, out: Path, engine: list[str]) -> tuple[float, Path]:
    """One batch in a fresh process; returns (wall seconds, run folder)."""
    cmd = [PY, "-m", "ctxh_plan", "batch", str(params), "--no-progress", "--output", str(out), *engine]
    if units:
        cmd += ["--units", ",".join(units)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PYTHONUTF8="1"),
                         check=False)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"batch failed ({' '.join(engine) or 'local pool'}): {res.stderr.strip()[-2000:]}")
    return wall, (out / "latest").resolve()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--params", default=str(ROOT / "params" / "national_large_province.yaml"))
    ap.add_argument("--units", default="24", help="how many units of the province (first in code order), or all")
    ap.add_argument("--local-pool", action="store_true", help="also time the default engine (2 warm kernels)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from ctxh_plan.batch import load_batch_config
    from ctxh_plan.data.units import read_units_file

    params = Path(args.params).resolve()
    if not (ROOT / "data" / "national" / "generated").exists():
        print("generating data/national/generated …", flush=True)
        subprocess.run([PY, str(ROOT / "data" / "national" / "generate.py")], check=True, capture_output=True)
    cfg = load_batch_config(params)
    reg = read_units_file(cfg.dataset / "units.csv")
    all_units = reg.codes(level="commune")
    units = None if args.units == "all" else all_units[: int(args.units)]
    n = len(units or all_units)
    engines = [("local:1", ["--scheduler", "local:1"]), ("local:2", ["--scheduler", "local:2"])]
    if args.local_pool:
        engines.append(("local pool, 2 kernels", ["--jobs", "2"]))
    print(f"{reg.name(reg.province_code)} ({reg.province_code}): {n} of {len(all_units)} units + province summary; "
          f"machine {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-dist-") as tmp:
        out = Path(tmp) / "out"
        first: dict[str, str] | None = None
        for label, flags in engines:
            load0 = os.getloadavg()[0]
            wall, run_dir = run(params, units, out, flags)
            h = hashes(run_dir)
            same = first is None or h == first
            first = first or h
            man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
            busy = sum(r["seconds"] or 0 for r in man["reports"].values())
            results[label] = {"wall": wall, "busy": busy, "same": same, "files": len(h), "load": load0}
            print(f"  {label:>22}: {wall:7.1f} s wall, {busy:7.1f} s in notebooks, {len(h)} files, "
                  f"identical to the first engine: {same}, load average at start {load0:.1f}", flush=True)
    w1, w2 = results["local:1"]["wall"], results["local:2"]["wall"]
    speedup = w1 / w2
    efficiency = speedup / 2
    per_report = results["local:1"]["busy"] / (n + 1)        # seconds of one report on one worker
    start = max(0.0, w1 - results["local:1"]["busy"])      # start-up: cluster, kernels, dataset in the driver
    reports = NATIONAL_UNITS + NATIONAL_PROVINCES
    print(f"speed-up local:1 → local:2: {speedup:.2f}× (goal ≥ 1.7), efficiency per worker {efficiency:.0%}")
    print(f"one report on one worker: {per_report:.2f} s (first report of a worker included); start-up {start:.0f} s")
    print(f"projected national run ({NATIONAL_UNITS} units + {NATIONAL_PROVINCES} summaries; upper bound: the "
          "largest province's cost per report; efficiency per worker as measured):")
    for workers in (1, 2, 4, 8, 16, 32):
        eff = 1.0 if workers == 1 else efficiency
        hours = (start + reports * per_report / (workers * eff)) / 3600
        print(f"  {workers:>3} worker(s): {hours:6.2f} h")
    ok = all(r["same"] for r in results.values())
    print(f"identical outputs across engines: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
