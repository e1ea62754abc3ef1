"""Where one unit report spends its time: cProfile over the unit notebook's cells, top entries by cumulative time.

    .venv/bin/python benchmarks/profile_report.py [--unit 06652] [--params params/quang_ninh_2026.yaml]
                                                  [--top 40] [--cold] [--sort cumulative|tottime] [--root DIR]

The cells of ``notebooks/unit_report.ipynb`` run in this process exactly as ``benchmarks/report_cost.py``
runs them (parameters injected as the batch injects them, appendix and figures into a temporary folder).
By default another unit's report runs first, unprofiled, so the profile shows what every further report
of a warm kernel costs; ``--cold`` profiles the first report (dataset loaded, re-based, evaluated,
projected and tracked for all units). ``--root`` profiles another checkout (e.g. ``/tmp/ctxh_before``),
first on the import path. cProfile is in the standard library.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unit", default="", help="unit code (default: the second unit of the batch file)")
    ap.add_argument("--params", default="params/quang_ninh_2026.yaml", help="batch file, relative to the project")
    ap.add_argument("--top", type=int, default=40, help="entries printed")
    ap.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    ap.add_argument("--cold", action="store_true", help="profile the first report (plan loaded and computed)")
    ap.add_argument("--root", default=str(HERE.parent), help="checkout to profile (first on the import path)")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(HERE))
    import report_cost as rc

    import ctxh_plan
    from ctxh_plan import reports as report
    from ctxh_plan.batch import load_batch_config

    print(f"ctxh_plan from {Path(ctxh_plan.__file__).parent}", flush=True)
    cfg = load_batch_config(root / args.params)
    units = list(cfg.units or report.load_plan(str(cfg.dataset), rebase_to=cfg.rebase_to).report_units())
    unit = args.unit or units[1]
    cells = rc.unit_cells(root)
    with tempfile.TemporaryDirectory(prefix="ctxh-profile-") as tmp:
        out = Path(tmp)
        if not args.cold:
            warm = next(u for u in units if u != unit)
            t = time.perf_counter()
            rc.run_unit(cells, rc.unit_params(cfg, warm, out))
            print(f"warm-up report {warm}: {time.perf_counter() - t:.2f} s (not profiled)", flush=True)
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        rc.run_unit(cells, rc.unit_params(cfg, unit, out))
        prof.disable()
        wall = time.perf_counter() - t
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(f"report {unit}: {wall:.2f} s under the profiler ({'cold' if args.cold else 'warm'} kernel)")
    print(buf.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
