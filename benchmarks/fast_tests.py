"""How long does the fast subset of the tests take? (target: under 60 s of wall time on 2 cores)

Runs ``python -m pytest -q -n 2 -m "not notebooks"`` (the fast subset of docs/TESTING.md) once and reports
the wall time, the CPU time of pytest and its workers (user + system, from ``getrusage``), the load average
of the machine before and after (other jobs on a shared machine stretch the wall time, not the CPU time),
the number of tests and the slowest ones (pytest's ``--durations``).

Usage::

    .venv/bin/python benchmarks/fast_tests.py [-m "not notebooks"] [-n 2] [--slowest 15]
        [--out benchmarks/results/fast_tests.md]

Exit code 0 when the run passed and took less than ``--limit`` seconds (default 60), 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_tests(marks: str, workers: int, slowest: int) -> dict:
    """Run the tests once; wall and CPU seconds, load averages, the summary line and the slowest tests."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "-m", marks, "-p", "no:cacheprovider",
           f"--durations={slowest}"]
    env = dict(os.environ, PYTHONUTF8="1", MPLBACKEND="Agg")
    load_before = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = proc.stdout.splitlines()
    summary = next((line.strip("= ") for line in reversed(lines) if re.search(r"\d+ (passed|failed)", line)), "")
    durations = [line for line in lines if re.match(r"^\d+\.\d+s (call|setup|teardown) ", line)]
    return {"cmd": " ".join(["python"] + cmd[1:]), "returncode": proc.returncode, "wall": wall, "cpu": cpu,
            "load_before": load_before, "load_after": os.getloadavg(), "summary": summary,
            "durations": durations, "tail": "\n".join(lines[-30:]) + proc.stderr[-2000:]}


def report(r: dict, limit: float) -> str:
    ok = r["returncode"] == 0 and r["wall"] < limit
    out = [f"`{r['cmd']}`", "",
           f"- result: {r['summary'] or 'no summary line (see the output below)'} (exit {r['returncode']})",
           f"- wall time: {r['wall']:.1f} s ({'under' if r['wall'] < limit else 'OVER'} {limit:.0f} s)",
           f"- CPU time of pytest and its workers: {r['cpu']:.1f} s "
           f"(ratio CPU / wall {r['cpu'] / r['wall']:.2f} on {os.cpu_count()} cores)",
           "- load average before / after: " + " / ".join(f"{a:.2f}, {b:.2f}, {c:.2f}"
                                                           for a, b, c in (r["load_before"], r["load_after"])),
           "", "slowest tests (pytest --durations):", "", "```", *r["durations"], "```"]
    if not ok and r["returncode"] != 0:
        out += ["", "output:", "", "```", r["tail"], "```"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("-m", dest="marks", default="not notebooks", help='marker expression (default "not notebooks")')
    ap.add_argument("-n", dest="workers", type=int, default=2, help="pytest-xdist workers (default 2)")
    ap.add_argument("--slowest", type=int, default=15, help="how many of the slowest tests to list (default 15)")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds of wall time allowed (default 60)")
    ap.add_argument("--out", type=Path, default=None, help="also write the report (Markdown) to this file")
    args = ap.parse_args(argv)
    r = run_tests(args.marks, args.workers, args.slowest)
    text = report(r, args.limit)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("# Fast subset of the tests: one run\n\n" + text, encoding="utf-8")
    return 0 if r["returncode"] == 0 and r["wall"] < args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
