"""How long does `import ctxh_plan` take? (target: < 0.5 s)

Runs ``python -X importtime -c "import ctxh_plan"`` once to list the slowest
imports, then times 5 plain runs (wall clock, includes interpreter start-up,
which is measured separately and subtracted). Timings are noisy on a shared
machine; the deterministic check — no pandas/numpy on import — is in
tests/core/test_dataset_import.py.

Usage: .venv/bin/python benchmarks/import_time.py
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

LIMIT_S = 0.5


def _wall(code: str, runs: int = 5) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        out.append(time.perf_counter() - t0)
    return out


def slowest_imports(n: int = 8) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the slowest imports under ``import ctxh_plan``."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import ctxh_plan"],
                          capture_output=True, text=True, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cum_us, name = (x.strip() for x in line[len("import time:"):].split("|"))
        rows.append((int(cum_us), name))
    return sorted(rows, reverse=True)[:n]


def main() -> int:
    print("slowest imports under `import ctxh_plan` (cumulative):")
    for us, name in slowest_imports():
        print(f"  {us / 1000:8.1f} ms  {name}")
    base = _wall("pass")
    pkg = _wall("import ctxh_plan")
    net = [p - statistics.median(base) for p in pkg]
    med = statistics.median(net)
    print(f"interpreter start-up: median {statistics.median(base) * 1000:.0f} ms")
    print(f"import ctxh_plan: median {med * 1000:.0f} ms over {len(net)} runs "
          f"(min {min(net) * 1000:.0f}, max {max(net) * 1000:.0f}) — "
          + ("OK, under 0.5 s" if med < LIMIT_S else "TOO SLOW, over 0.5 s"))
    return 0 if med < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
