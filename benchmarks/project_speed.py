"""Speed of `project`: the embedded province (13 former districts + province) and a synthetic
national run (3,321 units × 30 indicators, 2019–2025), in-process.

Targets: < 5 s for the province, < 60 s and < 4 GB for the national run on 2 cores.
Prints wall times and the peak resident memory (resource.getrusage). Synthetic figures are
random ("dữ liệu minh họa"); only the timings matter.

Usage::

    python benchmarks/project_speed.py [--units 3321] [--indicators 30] [--skip-province] [--counts]
        [--forecast-method theta_damped]
"""
from __future__ import annotations

import argparse
import resource
import sys
import time


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024.0 if sys.platform != "darwin" else r / 1024.0 / 1024.0


def synthetic(n_units: int, n_ind: int, seed: int = 7, counts: bool = False):
    """Catalogue, observations and national targets of a synthetic country (vectorised).

    ``counts``: rates and percentages carry their numerator and denominator (children per unit
    ~ 2,000–20,000 for rates per 100,000, 50–2,000 for percentages), so the projection forecasts the
    small ones from the count model of their numerator.
    """
    import numpy as np
    import pandas as pd

    from ctxh_plan.data.catalog import Catalog, Indicator
    from ctxh_plan.vocab import Aggregation, Direction, Kind

    rng = np.random.default_rng(seed)
    plan = [(Kind.PERCENT, Direction.HIGHER), (Kind.PERCENT, Direction.LOWER), (Kind.COUNT, Direction.LOWER),
            (Kind.COUNT, Direction.HIGHER), (Kind.RATE_100000, Direction.LOWER)]
    inds, targets = [], []
    for i in range(n_ind):
        kind, direction = plan[i % len(plan)]
        code = f"I{i:02d}"
        inds.append(Indicator(code, code, code, "", kind, direction,
                              bounds=(0.0, 100.0) if kind.is_bounded_100 else (0.0, None),
                              decimals=0 if kind is Kind.COUNT else 1,
                              aggregation=Aggregation.SUM if kind is Kind.COUNT else Aggregation.RATIO))
        if kind.is_bounded_100:
            targets.append({"scope": "national", "indicator_code": code, "target_year": 2030,
                            "operator": ">=" if direction is Direction.HIGHER else "<=",
                            "value": 95.0 if direction is Direction.HIGHER else 5.0, "value_hi": np.nan,
                            "kind": "absolute", "base_year": np.nan})
        elif kind is Kind.COUNT and direction is Direction.LOWER:
            targets.append({"scope": "national", "indicator_code": code, "target_year": 2030, "operator": "<=",
                            "value": -20.0, "value_hi": np.nan, "kind": "relative", "base_year": 2020})
    cat = Catalog(indicators={i.code: i for i in inds}, _order=tuple(i.code for i in inds))
    years = np.arange(2019, 2026)
    units = np.array([f"{i:05d}" for i in range(n_units)], dtype=object)
    u, k, y = (a.ravel() for a in np.meshgrid(np.arange(n_units), np.arange(n_ind), years, indexing="ij"))
    kinds = np.array([plan[j % len(plan)][0].value for j in range(n_ind)], dtype=object)[k]
    level = rng.uniform(0.2, 0.9, size=(n_units, n_ind))[u, k]
    trend = rng.normal(0.01, 0.02, size=(n_units, n_ind))[u, k]
    noise = rng.normal(0, 0.02, size=u.size)
    pct = np.clip((level + trend * (y - 2019) + noise) * 100, 0, 100)
    counts_ = rng.poisson(np.maximum(1.0, level * 20 * (1 + trend * (y - 2019))))
    rate = np.maximum(0.0, level * 30 + noise * 50)
    value = np.where(kinds == "percent", pct, np.where(kinds == "count", counts_, rate))
    obs = pd.DataFrame({"unit_code": units[u], "indicator_code": np.array(cat.codes(), dtype=object)[k],
                        "year": y, "period": "FY", "value": value})
    if counts:
        den_rate = rng.uniform(2000, 20000, size=n_units)[u]
        den_pct = rng.uniform(50, 2000, size=n_units)[u].round()
        num_rate = rng.poisson(rate * den_rate / 1e5).astype(float)
        num_pct = rng.binomial(den_pct.astype(int), pct / 100.0).astype(float)
        is_rate, is_pct = kinds == "rate_per_100000", kinds == "percent"
        obs["numerator"] = np.where(is_rate, num_rate, np.where(is_pct, num_pct, np.nan))
        obs["denominator"] = np.where(is_rate, den_rate, np.where(is_pct, den_pct, np.nan))
        obs["value"] = np.where(is_rate, num_rate / den_rate * 1e5, np.where(is_pct, num_pct / den_pct * 100, value))
    return cat, obs, pd.DataFrame(targets)


def cpu_s() -> float:
    """User + system CPU seconds of this process (the machine may be shared: wall > CPU)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(label: str, prepare, project) -> float:
    """Time ``project(prepare())`` (preparation not counted); print wall, CPU, steps, sizes, peak memory."""
    t0 = time.perf_counter()
    inputs = prepare()
    t1, c1 = time.perf_counter(), cpu_s()
    proj = project(inputs)
    t2, c2 = time.perf_counter(), cpu_s()
    parts = ", ".join(f"{k} {v:.2f} s" for k, v in proj.timings.items())
    print(f"{label}: prepare {t1 - t0:.2f} s (not counted); project {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU "
          f"({parts}) — {proj.forecasts['unit_code'].nunique()} units, {len(proj.proposals)} proposals, "
          f"{len(proj.forecasts)} forecast rows; peak {peak_mb():.0f} MB")
    return t2 - t1


def run_province() -> float:
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.paths import default_dataset
    from ctxh_plan.targets import project_dataset

    return timed("province (13 former districts + province)", lambda: load_dataset(default_dataset()),
                 project_dataset)


def run_national(n_units: int, n_ind: int, counts: bool = False, method: str | None = None) -> float:
    from ctxh_plan.targets import project_frames
    from ctxh_plan.targets.settings import load_settings

    def project(inputs):
        cat, obs, targets = inputs
        return project_frames(obs, cat, targets, settings=load_settings(forecast_method=method), illustrative=True)

    label = (f"national ({n_units} units × {n_ind} indicators{', rates with their counts' if counts else ''}"
             f"{', forecast_method ' + method if method else ''})")
    return timed(label, lambda: synthetic(n_units, n_ind, counts=counts), project)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=3321)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--skip-province", action="store_true")
    ap.add_argument("--counts", action="store_true",
                    help="rates and percentages carry numerator and denominator (count model on small numerators)")
    ap.add_argument("--forecast-method", default=None,
                    help="override params/projection.yaml's forecast_method (theta_damped = no count model: "
                         "the projection as before issue 17)")
    a = ap.parse_args(argv)
    ok = True
    if not a.skip_province:
        ok &= run_province() < 5.0
    ok &= run_national(a.units, a.indicators, a.counts, a.forecast_method) < 60.0
    ok &= peak_mb() < 4096
    print("OK" if ok else "TOO SLOW / TOO BIG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
