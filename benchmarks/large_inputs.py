"""Peak memory and time of reading large inputs: a 1,000,000-row tidy CSV and a large wide Excel workbook.

Usage::

    .venv/bin/python benchmarks/large_inputs.py [--rows 1000000] [--xlsx-rows 150000] [--validate]
        [--keep DIR] [--out benchmarks/results/large_inputs.md] [--before DIR]

The files are generated (seeded, "dữ liệu minh họa": random figures for the 13 former districts of
Quảng Ninh and the province, 7 indicators); each measurement runs in a fresh Python process that
reports its own peak resident memory (``resource.getrusage``, the whole process: interpreter, pandas
and the data). Measured: ``read_observations`` (the reader: streaming, column store, privacy screen,
provenance) on the CSV and on the workbook; with ``--validate`` also ``ctxh-plan validate`` on the CSV
(reading + every row check + the problems table). Goal: under 1 GB for the 1,000,000-row file.

``--before DIR`` also measures the reader of another copy of the package (a folder holding ``ctxh_plan/``),
e.g. the one before the streaming readers: ``git archive 2845e26 ctxh_plan | tar -x -C /tmp/before``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = ["22"] + [str(c) for c in range(193, 206)]
INDICATORS = ["CT06", "CT09", "ABUSE_CASES", "CT11b", "DROWNING_DEATHS", "CT16", "CHILD_MARRIAGES"]
GOAL_MB = 1024.0

_MEASURE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from ctxh_plan.io.readers import read_observations
frame = read_observations(sys.argv[1])
seconds = time.perf_counter() - t0
problems = len(frame.problems) if hasattr(frame, "problems") else len(frame.attrs.get("problems", []))  # before: attrs
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({"rows": len(frame), "seconds": seconds, "peak_mb": peak, "problems": problems}))
"""


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """A tidy observations CSV with ``rows`` data rows (values with decimals, numerators, sources)."""
    import random

    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("unit_code,indicator_code,year,period,value,numerator,denominator,flag,source,note\n")
        for i in range(rows):
            fh.write(f"{UNITS[i % 14]},{INDICATORS[(i // 14) % 7]},{2000 + (i // 98) % 36},FY,"
                     f"{rng.random() * 100:.3f},{rng.randint(0, 99)},{rng.randint(100, 9999)},,"
                     f"dữ liệu minh họa (large_inputs.py),\n")


def write_xlsx(path: Path, rows: int, seed: int = 7) -> None:
    """A wide workbook: one sheet, a unit column, indicators down, years 2019–2025 across."""
    import random

    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Số liệu")
    ws.append(["Biểu số liệu minh họa (dữ liệu minh họa)"])
    ws.append([])
    ws.append(["Mã đơn vị", "Mã chỉ tiêu", "Tên chỉ tiêu"] + [str(y) for y in range(2019, 2026)])
    for i in range(rows):
        ws.append([UNITS[i % 14], INDICATORS[(i // 14) % 7], "chỉ tiêu minh họa"]
                  + [round(rng.random() * 100, 2) for _ in range(7)])
    wb.save(path)


def measure(path: Path, code: Path | None = None) -> dict:
    """Read ``path`` in a fresh process (with the package in ``code`` when given); rows, seconds, peak MB."""
    import os

    env = dict(os.environ, PYTHONPATH=str(code)) if code else None
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=False,
                          cwd=code or ROOT, env=env)  # -c puts the working folder first on sys.path
    if proc.returncode:
        raise SystemExit(f"reading {path} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


_VALIDATE = r"""
import contextlib, io, json, resource, sys, time
t0 = time.perf_counter()
from ctxh_plan.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["validate", sys.argv[1], "--max-rows", "3"])
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
last = out.getvalue().strip().splitlines()[-1]
print(json.dumps({"seconds": seconds, "peak_mb": peak, "exit": code, "summary": last}))
"""


def measure_validate(path: Path) -> dict:
    """``ctxh-plan validate`` on ``path`` in a fresh process (its wall time and its own peak memory)."""
    proc = subprocess.run([sys.executable, "-c", _VALIDATE, str(path)], capture_output=True, text=True, check=False,
                          cwd=ROOT)
    if not proc.stdout.strip():
        raise SystemExit(f"validate failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="data rows of the CSV (default 1,000,000)")
    ap.add_argument("--xlsx-rows", type=int, default=150_000,
                    help="rows of the wide workbook (7 years each: 150,000 rows → 1,050,000 observations)")
    ap.add_argument("--validate", action="store_true", help="also time `ctxh-plan validate` on the CSV")
    ap.add_argument("--keep", default=None, help="folder to keep the generated files in (default: a temp folder)")
    ap.add_argument("--out", default=None, help="write the results as Markdown here")
    ap.add_argument("--before", default=None, help="a folder holding another ctxh_plan/ to compare the reader with")
    args = ap.parse_args(argv)

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ctxh-large-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / "observations_large.csv", folder / "observations_large.xlsx"
    t0 = time.perf_counter()
    if not csv_path.exists():
        write_csv(csv_path, args.rows)
    if args.xlsx_rows and not xlsx_path.exists():
        write_xlsx(xlsx_path, args.xlsx_rows)
    print(f"files ready in {time.perf_counter() - t0:.1f} s: {csv_path} ({csv_path.stat().st_size / 2**20:.0f} MB)"
          + (f", {xlsx_path} ({xlsx_path.stat().st_size / 2**20:.0f} MB)" if args.xlsx_rows else ""))
    lines = ["| input | rows read | time (s) | peak memory (MB) | goal < 1 GB |", "|---|---:|---:|---:|---|"]
    results = {}
    r = measure(csv_path)
    results["csv"] = r
    def add_row(label: str, r: dict, rows: int | None = None) -> None:
        verdict = "met" if r["peak_mb"] < GOAL_MB else "MISSED"
        lines.append(f"| {label} | {r['rows'] if rows is None else rows:,} | {r['seconds']:.1f} | "
                     f"{r['peak_mb']:.0f} | {verdict} |")
        print(lines[-1])

    add_row(f"CSV, {args.rows:,} rows ({csv_path.stat().st_size / 2**20:.0f} MB), `read_observations`", r)
    if args.xlsx_rows:
        r = measure(xlsx_path)
        results["xlsx"] = r
        add_row(f"Excel, wide, {args.xlsx_rows:,} rows × 7 years ({xlsx_path.stat().st_size / 2**20:.0f} MB), "
                "`read_observations`", r)
    if args.before:
        for label, path in (("CSV", csv_path), ("Excel", xlsx_path if args.xlsx_rows else None)):
            if path is None:
                continue
            r = measure(path, Path(args.before))
            results[f"before_{label}"] = r
            add_row(f"{label}, same file, `read_observations` of `{args.before}` (before)", r)
    if args.validate:
        r = measure_validate(csv_path)
        results["validate"] = r
        add_row(f"CSV, {args.rows:,} rows, `ctxh-plan validate` (exit {r['exit']})", r, rows=args.rows)
        print("  validate said:", r["summary"])
        lines.append("")
        lines.append(f"`validate` said: {r['summary']} (the synthetic rows repeat keys and hold fractional counts, so "
                     "nearly every row is a problem: the problems table, not the reader, holds the memory).")
    if args.out:
        import platform

        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
        head = (f"# Large inputs (`benchmarks/large_inputs.py`)\n\nOne run, {time.strftime('%Y-%m-%d')}, "
                f"Python {platform.python_version()}, {platform.machine()}, load average {load} "
                f"(shared machine: times are noisy). Peak memory is the whole reading process.\n\n")
        Path(args.out).write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    ok = all(v["peak_mb"] < GOAL_MB for k, v in results.items() if k in ("csv", "xlsx"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
