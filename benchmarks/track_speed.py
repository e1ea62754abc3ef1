"""Time `track` over the 54 units + the province for one period, in-process.

Usage: ``.venv/bin/python benchmarks/track_speed.py [--period 2026-H1] [--repeat 3] [--data DIR]``.

What is timed (goal < 2 s): tracking one period from an opened tracking folder — reading every form
received for the period (53 Excel files of the embedded data), checking them, the submission table, the
re-based history's forecasts (the first run; later runs reuse them, as a batch kernel does), the year-end
estimates, the province roll-up and check, the probabilities and statuses, trend, causes. Opening the
folder (loading and re-basing the 2019–2025 history, checking the adopted plan) happens once per session
and is reported apart, like ``benchmarks/evaluate_speed.py`` leaves out loading the dataset. The whole
``ctxh-plan track`` command in a fresh process (imports and loading included) is timed too, for reference.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2026-H1")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=str(ROOT / "data" / "quang_ninh_2026"))
    ap.add_argument("--skip-cli", action="store_true", help="do not time the command in a fresh process")
    args = ap.parse_args(argv)

    import logging

    logging.getLogger("ctxh_plan").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    from ctxh_plan.tracking.run import open_tracking, run_tracking

    ctx = open_tracking(args.data)
    t_open = time.perf_counter() - t0
    cold, cpu_cold = [], []
    warm, cpu_warm = [], []
    for k in range(args.repeat):
        ctx.forecasts = None  # cold: the forecasts of the history are computed inside the timed call
        c0, p0 = time.perf_counter(), time.process_time()
        run = run_tracking(ctx, args.period)
        cold.append(time.perf_counter() - c0)
        cpu_cold.append(time.process_time() - p0)
        if k == 0:
            steps = {key: round(v, 3) for key, v in run.timings.items()}
        c0, p0 = time.perf_counter(), time.process_time()
        run = run_tracking(ctx, args.period)  # warm: forecasts kept (a batch kernel's case)
        warm.append(time.perf_counter() - c0)
        cpu_warm.append(time.process_time() - p0)
    t = run.tracking.table
    a = run.tracking.submissions.summary()
    best = min(cold)
    print(f"track {args.period}: {len(t)} rows, {t['unit_code'].nunique()} units (54 + province), "
          f"{a['n_received']}/{a['n_expected']} forms read")
    print(f"  opening the folder (history load + re-base + plan check, once): {t_open:.2f} s")
    print(f"  in-process, forecasts included: best of {args.repeat} {best:.3f} s "
          f"(median {sorted(cold)[len(cold) // 2]:.3f} s, CPU {min(cpu_cold):.3f} s) "
          f"({'OK' if best < 2 else 'SLOW'}: goal < 2 s)")
    print(f"  in-process, forecasts reused: best {min(warm):.3f} s (CPU {min(cpu_warm):.3f} s)")
    print(f"  steps of the first (cold) run, wall s: {steps}")
    if not args.skip_cli:
        env = dict(os.environ, PYTHONUTF8="1", MPLBACKEND="Agg")
        c0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "ctxh_plan", "track", "--data", args.data, "--period",
                               args.period], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - c0
        print(f"  `ctxh-plan track` in a fresh process (imports, loading, re-base, printing): {wall:.1f} s "
              f"(exit {proc.returncode})")
    print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; Python {sys.version.split()[0]}")
    return 0 if best < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
