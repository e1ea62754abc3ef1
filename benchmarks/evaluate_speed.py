"""Time a full evaluation of the embedded dataset (13 former districts + province, all indicators).

Usage: ``.venv/bin/python benchmarks/evaluate_speed.py [--repeat 3] [--data DIR]``.
The evaluation (roll-up, estimates, every method) is timed in-process after one warm-up run (imports of
pandas/scipy are not counted). Goal: < 1 s wall time (CPU time is printed too: on a shared machine wall
time is noisy). Also printed, not part of the goal: loading the dataset (``load_dataset``: read, check,
assemble), and walking the rows of its raw observations file with ``DataFrame.to_dict("records")`` against
``ctxh_plan.data.frames.frame_records``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def best_of(repeat: int, work) -> float:
    """Best wall time of ``repeat`` runs of ``work()``, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return min(times)


def report_loading(data: Path, repeat: int) -> None:
    """Print the time of ``load_dataset`` and of walking the raw observations' rows both ways."""
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.data.frames import frame_records
    from ctxh_plan.io.layout import find_dataset_files
    from ctxh_plan.io.readers import read_observations

    print(f"load_dataset: best of {repeat}: {best_of(repeat, lambda: load_dataset(data)):.3f} s")
    raw = read_observations(find_dataset_files(Path(data)).observations[0]).frame
    pandas_s = best_of(repeat, lambda: raw.to_dict("records"))
    ours_s = best_of(repeat, lambda: frame_records(raw))
    print(f"rows of the raw observations ({len(raw)} × {raw.shape[1]}): to_dict('records') {pandas_s * 1000:.1f} ms, "
          f"frame_records {ours_s * 1000:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=None, help="dataset folder (default: the embedded data/quang_ninh)")
    args = ap.parse_args(argv)

    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.evaluate import evaluate_dataset
    from ctxh_plan.paths import default_dataset

    ds = load_dataset(args.data or default_dataset())
    frame = evaluate_dataset(ds).table  # warm-up (imports, caches)
    report_loading(args.data or default_dataset(), args.repeat)
    times, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        frame = evaluate_dataset(ds).table
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    n_units = frame["unit_code"].nunique()
    n_inds = frame["indicator_code"].nunique()
    best = min(times)
    print(f"evaluate_dataset: {len(frame)} rows ({n_units} units × {n_inds} indicators with targets); "
          f"best of {args.repeat}: {best:.3f} s, median {sorted(times)[len(times) // 2]:.3f} s, "
          f"CPU {min(cpu):.3f} s "
          f"({'OK' if best < 1 else 'SLOW'}: goal < 1 s)")
    print("attainment:", frame["attainment"].value_counts().to_dict())
    return 0 if best < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
