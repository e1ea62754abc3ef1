"""The 10,000-example fuzzing run: every fuzz target of ``tests/reliability/test_reliability_fuzz.py`` (CSV and
Excel readers, the number parser, every YAML file type) tries ``--examples`` inputs; an internal error (anything but
a ``ctxh_plan.errors.CtxhError``) fails the target and hypothesis prints the smallest input that shows it.

Usage::

    .venv/bin/python benchmarks/fuzz_inputs.py [--examples 10000] [-k EXPR] [--jobs 2]
        [--out benchmarks/results/fuzz_inputs.md]

The normal test command runs the same targets with a few hundred examples each (40 for the slow Excel ones).
Hypothesis counts valid examples: a target whose input space is smaller stops when it is exhausted.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=10_000, help="examples per fuzz target (default 10,000)")
    ap.add_argument("-k", default=None, help="only the targets matching this pytest expression")
    ap.add_argument("--jobs", type=int, default=1, help="pytest-xdist workers (default 1)")
    ap.add_argument("--out", default=None, help="write the results as Markdown here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "fuzz.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "tests/reliability/test_reliability_fuzz.py", f"--junitxml={report}", "-p", "no:warnings",
               "--hypothesis-show-statistics"]
        if args.k:
            cmd += ["-k", args.k]
        if args.jobs > 1:
            cmd += ["-n", str(args.jobs)]
        env = dict(os.environ, CTXH_FUZZ_EXAMPLES=str(args.examples))
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - t0
        cases = ET.parse(report).getroot().iter("testcase") if report.exists() else []
        rows = []
        for case in cases:
            failed = case.find("failure") is not None or case.find("error") is not None
            result = "FAILED" if failed else "no internal error"
            rows.append((case.get("name", "?"), float(case.get("time", 0)), result))
    lines = ["| fuzz target | examples | time (s) | result |", "|---|---:|---:|---|"]
    lines += [f"| `{name}` | {args.examples:,} | {t:.0f} | {res} |" for name, t, res in rows]
    print("\n".join(lines))
    print(f"total {seconds / 60:.1f} min, pytest exit {proc.returncode}")
    if proc.returncode:
        print(proc.stdout[-6000:], proc.stderr[-2000:], sep="\n")
    if args.out:
        head = (f"# Fuzzing run (`benchmarks/fuzz_inputs.py --examples {args.examples}`)\n\n"
                f"One run, {time.strftime('%Y-%m-%d')}, {seconds / 60:.0f} min on a shared 2-core machine; "
                f"pytest exit {proc.returncode}.\n\n")
        Path(args.out).write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
