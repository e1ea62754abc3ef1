"""Generate the national illustrative dataset — DỮ LIỆU MINH HỌA (illustrative data, not official figures).

All 34 provinces after the 2025 reform with their commune-level units (3,321 in all), 2019–2025,
one dataset folder per province::

    <out>/provinces.csv              code, name, units, wards, communes, special zones, children 2024, folder
    <out>/<code>/dataset.yaml        province, illustrative: true, units_as_of: 2025-07-01, how it was made
    <out>/<code>/units.csv           the province and its units (ctxh_plan.data.units.read_units_file)
    <out>/<code>/observations.csv    tidy observations (docs/DATA_FORMATS.md), 2025 = year-end estimate

Real names and codes only where the reference files give them: Quảng Ninh (22, 54 units: 22 xã,
30 phường, 2 đặc khu — data/reference and docs) and Lào Cai (15, the province Yên Bái merged into);
the other 32 provinces are **synthetic** ("Tỉnh minh họa 01" …, 4-digit codes ``9001`` … ``9032``: official
codes have 2 digits for a province, 3 for a district, 5 for a commune). Every unit below a province is
synthetic ("Xã minh họa 17", "Phường minh họa 3"), with 5-digit codes from 90001 up, a range no
official commune code uses, so nothing collides with the real codes of data/reference (Quảng Ninh's
and Yên Bái's 04xxx–07xxx communes, districts 132–207, provinces 15 and 22).

How the numbers are drawn (``numpy.random.default_rng([seed, province index])``, so each province is
the same whatever else is generated): children under 16 per unit from a log-normal level (wards
larger, special zones small; about 24.5 million in the country in 2024) and a yearly growth; counts
as Poisson/binomial draws at the per-child rates of the Quảng Ninh illustrative generator
(data/quang_ninh/generate.py), higher in mountain and island units; coverage percentages as binomial
draws (numerator and denominator kept); the nested counts stay nested (drowning ⊂ injury deaths,
neonatal ⊂ infant ⊂ under-five deaths, supported ⊂ children in special circumstances, child-friendly
communes ≤ former communes, swimming classes = state + private). Province-only indicators (CT06,
CT10, CT15) are on the province row. Targets: the national ones (params/targets_national.csv).

Usage::

    .venv/bin/python data/national/generate.py                      # → data/national/generated/
    .venv/bin/python data/national/generate.py --out /tmp/vn --provinces 9001,22
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # allow running the script from a fresh clone without installing
    sys.path.insert(0, str(ROOT))

__all__ = ["DEFAULT_OUT", "LARGE_PROVINCE", "SEED", "TOTAL_UNITS", "Province", "build_province",
           "generate_national", "main", "national_provinces"]

SEED = 2026
TOTAL_UNITS = 3321          # commune-level units of the country from 1 July 2025 (domain reference)
DEFAULT_OUT = HERE / "generated"
YEARS = tuple(range(2019, 2026))  # 2025 = year-end estimate (flag estimate)
AS_OF = "2025-07-01"
FIRST_UNIT_CODE = 90001
SOURCE = "dữ liệu minh họa (data/national/generate.py)"
#: the synthetic province with the most units (168): the "large province" of the benchmarks
LARGE_PROVINCE = "9001"


@dataclass(frozen=True)
class Province:
    """A province of the illustrative national dataset.

    ``units`` commune-level units of which ``wards`` phường and ``zones`` đặc khu (the rest xã);
    ``children`` children under 16 in 2024; ``real`` whether code and name are the official ones.
    """

    index: int
    code: str
    name: str
    units: int
    wards: int
    zones: int
    children: int
    real: bool


def _split(total: int, weights) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights`` (integers adding up to ``total``)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    base = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))[: total - sum(base)]:
        base[i] += 1
    return base


def national_provinces(seed: int = SEED) -> list[Province]:
    """The 34 provinces: Quảng Ninh and Lào Cai with their official codes and names, 32 synthetic ones.

    Unit counts add up to 3,321 (the synthetic ones drawn between 38 and 168, the largest is
    :data:`LARGE_PROVINCE`); children under 16 add up to about 24.5 million.
    """
    import numpy as np

    rng = np.random.default_rng([seed, 0])
    fixed = [(22, "22", "Tỉnh Quảng Ninh", 54, 30, 2, 340_000), (15, "15", "Tỉnh Lào Cai", 99, 12, 0, 420_000)]
    n_syn = 34 - len(fixed)
    left = TOTAL_UNITS - sum(f[3] for f in fixed)
    sizes = np.sort(rng.lognormal(0.0, 0.38, size=n_syn))[::-1]
    counts = _split(left - 168 - 38, sizes[1:-1])
    counts = [168, *counts, 38]
    counts = [min(168, max(38, c)) for c in counts]
    counts[1] += left - sum(counts)  # keep the exact total after clipping
    out = [Province(i, code, name, n, w, z, kids, True) for i, code, name, n, w, z, kids in fixed]
    per_unit = rng.lognormal(np.log(6_500), 0.25, size=n_syn)
    for j, (n, k) in enumerate(zip(counts, per_unit), start=1):
        wards = round(float(n * rng.uniform(0.12, 0.45)))
        zones = int(rng.random() < 0.25)
        out.append(Province(100 + j, f"{9000 + j}", f"Tỉnh minh họa {j:02d}", int(n), wards, zones,
                            int(round(n * k, -3)), False))
    return sorted(out, key=lambda p: (len(p.code), p.code))


def _unit_frame(p: Province, first_code: int, rng):
    """units.csv of one province and per-unit parameters (type, profile, children 2024, growth)."""
    import numpy as np
    import pandas as pd

    n = p.units
    kinds = np.array(["phường"] * p.wards + ["đặc khu"] * p.zones + ["xã"] * (n - p.wards - p.zones), dtype=object)
    rng.shuffle(kinds)
    weight = np.where(kinds == "phường", rng.lognormal(0.35, 0.45, n),
                      np.where(kinds == "đặc khu", rng.lognormal(-1.6, 0.3, n), rng.lognormal(0.0, 0.45, n)))
    children = np.maximum(400, np.round(p.children * weight / weight.sum())).astype(int)
    mountain = (kinds == "xã") & (rng.random(n) < rng.uniform(0.05, 0.5))
    profile = np.where(kinds == "phường", "city", np.where(kinds == "đặc khu", "island",
                                                          np.where(mountain, "mountain", "rural")))
    codes = [f"{first_code + i:05d}" for i in range(n)]
    seq: dict[str, int] = {}
    names = []
    for k in kinds:
        seq[k] = seq.get(k, 0) + 1
        names.append(f"{k[0].upper()}{k[1:]} minh họa {seq[k]}")
    units = pd.DataFrame({"unit_code": [p.code, *codes], "name": [p.name, *names],
                          "level": ["province"] + ["commune"] * n, "parent_code": [""] + [p.code] * n,
                          "unit_type": ["tỉnh", *kinds], "valid_from": [""] + [AS_OF] * n, "valid_to": ""})
    params = pd.DataFrame({"unit_code": codes, "profile": profile, "children": children,
                           "growth": rng.normal(0.005, 0.006, n), "former": rng.integers(1, 5, n) +
                           (kinds == "phường").astype(int)})
    return units, params


#: percent indicators without catalogue components: code → (denominator: share of POP_U16, "births" or
#: "schools"; probability in 2019 and 2025; change for mountain units) — the levels of data/quang_ninh/generate.py
_COVERAGE = {
    "CT02": (0.50, 0.84, 0.91, -0.06), "CT04a": (0.30, 0.072, 0.058, 0.05), "CT04b": (0.30, 0.168, 0.138, 0.09),
    "CT04c": (0.30, 0.046, 0.056, -0.025), "CT05a": ("births", 0.962, 0.985, -0.02),
    "CT05b": (0.30, 0.93, 0.968, -0.03), "CT07": ("schools", 0.965, 1.0, 0.0), "CT14": (0.30, 0.981, 0.989, -0.008),
    "CT16": (0.063, 0.995, 0.999, 0.0), "CT17a": (0.062, 0.972, 0.991, -0.01), "CT17b": (0.32, 0.0013, 0.0008, 0.001),
    "CT18a": (0.062, 0.90, 0.948, -0.04), "CT18b": (0.25, 0.0026, 0.0011, 0.002),
    "CT19": ("schools", 0.62, 0.93, -0.08),
    "CT20a": ("schools", 0.36, 0.56, -0.10), "CT20b": (0.011, 0.76, 0.88, -0.06), "CT22": (0.56, 0.22, 0.295, 0.0),
    "CT23": (0.56, 0.80, 0.915, 0.0), "CT24": (0.32, 0.23, 0.32, 0.0),
}


def build_province(p: Province, first_code: int, catalog, seed: int = SEED):
    """(units frame, observations frame) of one province; observations as in docs/ARCHITECTURE.md."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, p.index + 1])
    units, prm = _unit_frame(p, first_code, rng)
    n, years = len(prm), np.array(YEARS)
    t = years - 2019                               # (7,)
    prof = prm["profile"].to_numpy()
    mountain, island, city = prof == "mountain", prof == "island", prof == "city"
    risk = np.where(mountain, 1.6, np.where(island, 1.4, np.where(city, 0.85, 1.15)))[:, None]
    prov = rng.lognormal(0.0, 0.2, size=8)          # province-wide multipliers of a few families
    vals: dict[str, tuple] = {}

    def put(code: str, value, num=None, den=None) -> None:
        vals[code] = (np.asarray(value, dtype=float), num, den)

    def pois(lam):
        return rng.poisson(np.maximum(lam, 0.0))

    def binom(k, q):
        return rng.binomial(np.asarray(k, dtype=np.int64), np.clip(q, 0.0, 1.0))

    pop = np.round(prm["children"].to_numpy()[:, None] * (1 + prm["growth"].to_numpy()[:, None]) ** (years - 2024)
                   * (1 + rng.normal(0, 0.002, (n, len(years))))).astype(np.int64)
    put("POP_U16", pop)
    put("POP_U6", np.round(pop * (np.where(mountain | island, 0.325, 0.30)[:, None] - 0.002 * t)))
    former = np.repeat(prm["former"].to_numpy()[:, None], len(years), axis=1)
    put("COMMUNES_TOTAL", former)
    births = pois(pop * np.where(mountain | island, 0.064, 0.056)[:, None] * 0.985 ** t)
    put("LIVE_BIRTHS", births)
    harsh = np.where(mountain, 1.6, np.where(city, 1.0, 1.25))[:, None] * 0.975 ** t / 1000
    nn = pois(births * 5.0 * harsh)
    inf = nn + pois(births * 3.0 * harsh)
    u5 = inf + pois(births * 3.5 * harsh)
    put("NEONATAL_DEATHS", nn), put("INFANT_DEATHS", inf), put("U5_DEATHS", u5)
    deaths = pois(pop * 8.5e-5 * risk * 0.96 ** t * prov[0])
    put("TNTT_DEATHS", deaths)
    put("DROWNING_DEATHS", binom(deaths, 0.52 - 0.1 * t / 6))
    put("TNTT_CASES", np.maximum(deaths, pois(pop * (560 - 95 * t / 6) * 1e-5 * risk * prov[1])))
    cases = pois(pop * 8.5e-5 * np.where(city, 1.1, 1.0)[:, None] * 0.96 ** t * prov[2])
    put("ABUSE_CASES", cases)
    put("ABUSED_CHILDREN", cases + binom(cases, 0.12))
    marr = np.where(mountain, 6.0, np.where(city, 0.4, np.where(island, 1.2, 1.6)))[:, None]
    put("CHILD_MARRIAGES", pois(pop * 1.0e-4 * marr * 0.95 ** t * prov[3]))
    hcdb = pois(pop * np.where(mountain, 0.05, np.where(city, 0.035, 0.042))[:, None] * 0.985 ** t)
    put("HCDB_CHILDREN", hcdb)
    put("HCDB_SUPPORTED", binom(hcdb, np.array([0.965, 0.97, 0.975, 0.98, 0.985, 0.99, 0.99])))
    put("SPONSORED_CHILDREN", binom(hcdb, 0.14 + 0.01 * t))
    cf0, pl0 = rng.uniform(0.55, 0.8, (n, 1)), rng.uniform(0.25, 0.5, (n, 1))
    cf = np.minimum(former, np.maximum.accumulate(np.round(former * np.minimum(1, cf0 + 0.035 * t)), axis=1))
    pl = np.minimum(former, np.maximum.accumulate(np.round(former * np.minimum(1, pl0 + 0.04 * t)), axis=1))
    put("CF_COMMUNES", cf), put("PLAY_COMMUNES", pl)
    sessions = pois((former + 1) * 1.3 * prov[4] * (1 + 0.03 * t))
    put("COMM_SESSIONS", sessions), put("COMM_REACHED", pois(sessions * 215))
    classes = pois(former * 0.6 * prov[5] * np.ones_like(t))
    put("TRAINING_CLASSES", classes), put("TRAINED_PEOPLE", pois(classes * 80))
    calls = pois(pop * 0.0085 * prov[6] * (1 + 0.06 * t))
    put("HOTLINE_CALLS", calls), put("HOTLINE_CHILD_CALLS", binom(calls, 0.15 - 0.005 * t))
    swim = pois(pop * 3.0e-4 * risk * prov[7] * (1 + 0.15 * t))
    state = binom(swim, 0.9 - 0.0167 * t)
    cost = 10.5 * 1.035 ** t
    budget = np.round(swim * cost * (1 + rng.normal(0, 0.04, swim.shape)))
    b_state = np.round(np.divide(budget * state, swim, out=np.zeros(swim.shape), where=swim > 0))
    put("SWIM_CLASSES", swim), put("SWIM_CLASSES_STATE", state), put("SWIM_CLASSES_PRIVATE", swim - state)
    put("SWIM_BUDGET", budget), put("SWIM_BUDGET_STATE", b_state), put("SWIM_BUDGET_PRIVATE", budget - b_state)
    put("SWIM_MODEL", (swim > 0).astype(int))
    for ind in catalog:  # ratios from their components
        if ind.kind.is_ratio and ind.numerator and ind.denominator and ind.numerator in vals:
            num, den = vals[ind.numerator][0], vals[ind.denominator][0]
            put(ind.code, np.divide(num * ind.factor, den, out=np.full(num.shape, np.nan), where=den > 0), num, den)
    schools = 3 * former + 2
    for code, (den_rule, p0, p1, mountain_adj) in _COVERAGE.items():
        den = births if den_rule == "births" else schools if den_rule == "schools" else np.round(pop * den_rule)
        q = p0 + (p1 - p0) * t / 6 + np.where(mountain, mountain_adj, 0.0)[:, None] + rng.normal(0, 0.01, (n, 1))
        num = binom(den, q)
        put(code, np.divide(num * 100.0, den, out=np.full(num.shape, np.nan), where=den > 0), num, den)

    unit_codes = prm["unit_code"].to_numpy()
    frames = []
    order = {c: i for i, c in enumerate(catalog.codes())}
    for code in sorted(vals, key=lambda c: order[c]):
        value, num, den = vals[code]
        f = pd.DataFrame({"unit_code": np.repeat(unit_codes, len(years)), "indicator_code": code,
                          "year": np.tile(years, n), "period": "FY", "value": value.ravel(),
                          "numerator": np.asarray(num, dtype=float).ravel() if num is not None else np.nan,
                          "denominator": np.asarray(den, dtype=float).ravel() if den is not None else np.nan})
        frames.append(f[f["value"].notna()])
    frames.append(_province_rows(p, rng))
    obs = pd.concat(frames, ignore_index=True)
    obs["flag"] = np.where(obs["year"] == 2025, "estimate", "")
    obs["source"] = SOURCE
    obs["note"] = ""
    obs["_u"] = obs["unit_code"].map({c: i for i, c in enumerate(units["unit_code"])})
    obs["_i"] = obs["indicator_code"].map(order)
    obs = obs.sort_values(["_u", "_i", "year"], kind="stable").drop(columns=["_u", "_i"]).reset_index(drop=True)
    return units, obs


def _province_rows(p: Province, rng):
    """Province-only indicators on the province row: CT06 (HIV transmission, %), CT10, CT15 (surveys)."""
    import numpy as np
    import pandas as pd

    scale = p.children / 340_000
    exposed = rng.poisson(24 * scale * 0.97 ** (np.array(YEARS) - 2019)) + 1
    infected = rng.binomial(exposed, 0.035 * 0.92 ** (np.array(YEARS) - 2019))
    rows = [dict(unit_code=p.code, indicator_code="CT06", year=y, period="FY", value=i / e * 100, numerator=i,
                 denominator=e) for y, e, i in zip(YEARS, exposed, infected)]
    rows += [dict(unit_code=p.code, indicator_code="CT10", year=y, period="FY", value=round(v + rng.normal(0, 0.3), 1))
             for y, v in ((2020, 3.8), (2022, 3.4), (2024, 3.1))]
    rows += [dict(unit_code=p.code, indicator_code="CT15", year=y, period="FY", value=round(v + rng.normal(0, 1.0), 1))
             for y, v in ((2021, 89.6), (2023, 90.9))]
    return pd.DataFrame(rows)


def _csv_numbers(values) -> list[str]:
    """Number text for the CSV: integers plain, others up to 6 decimals; a decimal part of exactly three
    digits is padded (``4.1230``) so it can never be read as a Vietnamese thousands separator."""
    out = []
    for v in values:
        if v != v:  # NaN
            out.append("")
        elif v == int(v):
            out.append(str(int(v)))
        else:
            s = f"{v:.6f}".rstrip("0")
            out.append(s + "0" if len(s.partition(".")[2]) == 3 else s)
    return out


_DATASET_YAML = """\
# {name} — DỮ LIỆU MINH HỌA (illustrative data, not official figures).
# Written by data/national/generate.py (seed {seed}); see data/national/README.md.
province: "{code}"
title: "{name} — dữ liệu minh họa quốc gia, {units} đơn vị cấp xã, 2019–2025 (illustrative data)"
illustrative: true
units_as_of: "{as_of}"
source: "dữ liệu minh họa (data/national/generate.py)"
description: >-
  {what} Đơn vị cấp xã tổng hợp (tên, mã 9xxxx không trùng mã chính thức) — synthetic commune-level
  units ({wards} phường, {zones} đặc khu, {xa} xã); children under 16 about {children} in 2024; counts and
  percentages drawn with numpy default_rng([{seed}, {index}]); 2025 = year-end estimate (flag estimate).
note: >-
  Files: observations.csv (tidy), units.csv (units of {as_of}). Targets: the national ones
  (params/targets_national.csv). Regenerate with `.venv/bin/python data/national/generate.py`.
"""


def generate_national(out_dir: str | Path | None = None, *, seed: int = SEED,
                      provinces: list[str] | None = None) -> list[Path]:
    """Write the national dataset (one folder per province, ``provinces.csv``) atomically.

    Parameters
    ----------
    out_dir : default ``data/national/generated`` (not committed: about 90 MB).
    provinces : codes to write (default all 34); unit codes do not depend on this choice.

    Returns
    -------
    list of Path
        The province folders written.
    """
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.io.atomic import write_frame, write_text

    out = Path(out_dir) if out_dir else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    cat = load_catalog()
    provs = national_provinces(seed)
    unknown = sorted(set(provinces or []) - {p.code for p in provs})
    if unknown:
        raise SystemExit(f"unknown province code(s) {unknown}; codes: {', '.join(p.code for p in provs)}")
    written, rows, first = [], [], FIRST_UNIT_CODE
    for p in provs:
        folder = out / p.code
        rows.append({"code": p.code, "name": p.name, "units": p.units, "wards": p.wards, "special_zones": p.zones,
                     "communes": p.units - p.wards - p.zones, "children_2024": p.children,
                     "official_name": "yes" if p.real else "no (synthetic)", "folder": p.code,
                     "first_unit_code": f"{first:05d}"})
        if provinces is None or p.code in provinces:
            units, obs = build_province(p, first, cat, seed)
            for col in ("value", "numerator", "denominator"):
                obs[col] = _csv_numbers(obs[col].to_numpy(dtype=float))
            write_frame(units, folder / "units.csv")
            write_frame(obs, folder / "observations.csv")
            what = ("Tên và mã tỉnh chính thức." if p.real else "Tỉnh tổng hợp (tên và mã 90xx không có thật).")
            write_text(folder / "dataset.yaml", _DATASET_YAML.format(
                name=p.name, code=p.code, units=p.units, seed=seed, as_of=AS_OF, what=what, wards=p.wards,
                zones=p.zones, xa=p.units - p.wards - p.zones, children=f"{p.children:,}".replace(",", "."),
                index=p.index + 1))
            written.append(folder)
        first += p.units
    import pandas as pd

    write_frame(pd.DataFrame(rows), out / "provinces.csv")
    return written


def read_provinces(out_dir: str | Path | None = None) -> list[dict[str, str]]:
    """Rows of ``provinces.csv`` of a generated folder."""
    with open(Path(out_dir or DEFAULT_OUT) / "provinces.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sinh bộ dữ liệu minh họa toàn quốc (34 tỉnh, 3.321 đơn vị cấp xã) / "
                                                 "generate the national illustrative dataset.")
    parser.add_argument("--out", default=None, help="thư mục ghi / output folder (default: data/national/generated)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--provinces", default=None, help="only these province codes, comma-separated (e.g. 9001,22)")
    args = parser.parse_args(argv)
    wanted = [c.strip() for c in args.provinces.split(",") if c.strip()] if args.provinces else None
    for folder in generate_national(args.out, seed=args.seed, provinces=wanted):
        print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
