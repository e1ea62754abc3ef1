"""Generate the embedded illustrative Quảng Ninh dataset — DỮ LIỆU MINH HỌA (illustrative data).

What it writes (next to this file unless ``--out`` says otherwise):

``observations.csv``
    Tidy observations (columns of the *observations* frame in docs/ARCHITECTURE.md) for the
    13 former districts of Quảng Ninh (codes 193–207, as of 2025-01) for 2019–2025, plus
    province rows (unit ``22``) for the figures printed in the provincial reports
    (``data/reference/seed_facts.csv``) and for the few indicators measured only at
    province level (CT06, CT10, CT15).
``observations_wide.xlsx``
    The same observations in the wide layout departments send (one sheet per unit, indicators
    down, years across, merged title rows, notes rows, a few values written as Vietnamese text
    such as ``trên 4.500``). Numerators and denominators are not in the wide file.
``targets.csv``
    Quảng Ninh's own targets (scope ``22``), see :func:`build_province_targets`.
``dataset.yaml``
    Dataset description: province, ``illustrative: true``, file names, how it was generated.

How the numbers are made
------------------------
* One random generator, ``numpy.random.default_rng(2025)``, drawn in a fixed order: running
  the script twice gives byte-identical CSV files.
* Child population (``POP_U16``) per district from a 2024 level and a yearly growth rate
  (Bình Liêu 2024 = 9,292 and its 2,973 children under 6 are the district's published figures;
  the province has about 342,000 children under 16).
* Small counts (deaths, abuse cases, child marriages) are Poisson draws around a slowly
  falling provincial expectation, shared out by district child population times a risk
  factor (mountain and island districts have more injuries and drownings per child).
* Where a report gives a province total (seed facts: 29 and 28 injury deaths in 2019–2020,
  28 and 26 abuse cases, 30 abused children in 2020, 232 sessions / 49,980 people reached and
  109 classes / 8,641 trained in 2020, 174 swimming classes costing 2,092 million VND in 2023 of
  which 146 state-funded and 28 privately funded, 3,363 hotline calls and 423 about children in
  2023, about 2,000 sponsored children in 2023), the district values are a multinomial
  split of that total, so they add up to it exactly; a province row repeats the reported total.
* Coverage percentages are binomial draws (numerator out of a denominator) with a success
  probability rising towards, never above, 100%.
* 2025: six-month values (period ``H1``) for every count, and full-year estimates (period
  ``FY``, flag ``estimate``) for the components of the rates and a few other indicators;
  every ratio indicator has a 2025 full-year estimate.
* A few gaps (missing years) and a few approximate values (flag ``approximate``; text such as
  ``trên 4.500`` in the wide file).

Every district row has source ``dữ liệu minh họa (generate.py)``. Run from the repository
root (or anywhere)::

    .venv/bin/python data/quang_ninh/generate.py            # rewrite the committed files
    .venv/bin/python data/quang_ninh/generate.py --out /tmp/qn   # write elsewhere
"""
from __future__ import annotations

import argparse
import csv
import itertools
import math
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # allow running the script from a fresh clone without installing
    sys.path.insert(0, str(ROOT))

__all__ = [
    "ILLUSTRATIVE_SOURCE",
    "PROVINCE",
    "SEED",
    "SEED_FACT_CODES",
    "build_observations",
    "build_province_targets",
    "format_number_text",
    "generate_dataset",
    "main",
    "split_largest_remainder",
    "split_multinomial",
    "write_dataset",
]

SEED = 2025
PROVINCE = "22"
YEARS = tuple(range(2019, 2025))  # full years; 2025 is handled apart (H1 + FY estimate)
ILLUSTRATIVE_SOURCE = "dữ liệu minh họa (generate.py)"
KH52 = "Kế hoạch 52/KH-UBND ngày 08/03/2021"
QD1248 = "QĐ 1248/QĐ-TTg"
ILLUSTRATIVE_TARGET_SOURCE = "dữ liệu minh họa (mục tiêu giả định, không lấy từ văn bản)"
GUIDANCE_2025 = "Hướng dẫn công tác trẻ em năm 2025 của Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh"


# ------------------------------------------------------------------------------------------ districts
@dataclass(frozen=True)
class District:
    """A former district with the parameters of its illustrative series.

    ``pop_2024`` is the number of children under 16 in 2024, ``growth`` the yearly change of
    that number (fraction per year), ``profile`` one of city / rural / mountain / island and
    ``risk`` the relative injury risk per child.
    """

    code: str
    name: str
    short: str
    communes: int
    pop_2024: int
    growth: float
    profile: str
    risk: float


#: code → (children under 16 in 2024, yearly growth, profile, injury risk). Illustrative except
#: Bình Liêu 2024 (9,292, published). Hạ Long is the largest, Cô Tô the smallest.
_DISTRICT_PARAMS = {
    "193": (82_000, 0.010, "city", 0.80),
    "194": (27_000, 0.012, "city", 0.95),
    "195": (45_000, 0.006, "city", 0.85),
    "196": (27_500, 0.007, "city", 0.85),
    "198": (9_292, 0.004, "mountain", 1.60),
    "199": (14_000, 0.005, "rural", 1.30),
    "200": (11_500, 0.006, "rural", 1.30),
    "201": (17_500, 0.006, "rural", 1.25),
    "202": (7_000, 0.003, "mountain", 1.60),
    "203": (13_000, 0.015, "island", 1.40),
    "205": (45_000, 0.008, "rural", 1.00),
    "206": (42_000, 0.007, "rural", 1.05),
    "207": (1_600, 0.004, "island", 1.50),
}

#: published district figures used as anchors (seed_facts.csv, Bình Liêu district article 2024)
_DISTRICT_ANCHORS = {("198", "POP_U16", 2024): 9_292, ("198", "POP_U6", 2024): 2_973}


def load_districts() -> list[District]:
    """Former districts of Quảng Ninh from ``data/reference/district_units_2025-01.csv``."""
    path = ROOT / "data" / "reference" / "district_units_2025-01.csv"
    out = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["province_code"].strip() != PROVINCE:
                continue
            code = r["district_code"].strip()
            name = unicodedata.normalize("NFC", r["district_name"].strip())
            short = name
            for prefix in ("Thành phố ", "Thị xã ", "Huyện "):
                if short.startswith(prefix):
                    short = short[len(prefix):]
            pop, growth, profile, risk = _DISTRICT_PARAMS[code]
            out.append(District(code, name, short, int(r["communes_2025_01"]), pop, growth, profile, risk))
    return out


# ------------------------------------------------------------------------------------------ seed facts
@dataclass(frozen=True)
class SeedFact:
    """A province total printed in a report, the indicator it anchors and the report's wording."""

    indicator: str
    year: int
    value: float
    fact_vi: str
    source: str
    approximate: bool = False


#: seed_facts.csv wording (fact_vi, year) → indicator code of the catalogue
SEED_FACT_CODES = {
    ("Số trẻ em tử vong do tai nạn thương tích", 2019): "TNTT_DEATHS",
    ("Số trẻ em tử vong do tai nạn thương tích", 2020): "TNTT_DEATHS",
    ("Số vụ xâm hại trẻ em", 2019): "ABUSE_CASES",
    ("Số vụ xâm hại trẻ em", 2020): "ABUSE_CASES",
    ("Số trẻ em bị xâm hại", 2020): "ABUSED_CHILDREN",
    ("Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp", 2020): "CT08b",
    ("Số buổi tuyên truyền trực tiếp về bảo vệ trẻ em", 2020): "COMM_SESSIONS",
    ("Số lượt người được tuyên truyền", 2020): "COMM_REACHED",
    ("Số lớp tập huấn nâng cao năng lực", 2020): "TRAINING_CLASSES",
    ("Số lượt cán bộ được tập huấn", 2020): "TRAINED_PEOPLE",
    ("Số lớp dạy bơi miễn phí cho trẻ em", 2023): "SWIM_CLASSES",
    ("Kinh phí lớp dạy bơi", 2023): "SWIM_BUDGET",
    ("Số lớp dạy bơi từ ngân sách địa phương", 2023): "SWIM_CLASSES_STATE",
    ("Số lớp dạy bơi từ nguồn xã hội hóa", 2023): "SWIM_CLASSES_PRIVATE",
    ("Số cuộc gọi tổng đài 18001769", 2023): "HOTLINE_CALLS",
    ("Số cuộc gọi liên quan đến trẻ em", 2023): "HOTLINE_CHILD_CALLS",
    ("Số trẻ em mồ côi/khó khăn được nhận đỡ đầu hàng tháng", 2023): "SPONSORED_CHILDREN",
}


def load_seed_facts() -> dict[tuple[str, int], SeedFact]:
    """Quảng Ninh province figures of ``seed_facts.csv`` that anchor the dataset, by (indicator, year)."""
    path = ROOT / "data" / "reference" / "seed_facts.csv"
    facts: dict[tuple[str, int], SeedFact] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["area"] != "Tỉnh Quảng Ninh":
                continue
            key = (unicodedata.normalize("NFC", r["fact_vi"]), int(r["year"]))
            code = SEED_FACT_CODES.get(key)
            if code is None:
                continue
            facts[(code, key[1])] = SeedFact(code, key[1], float(r["value"]), key[0], r["source_document"],
                                             approximate="approx" in r["unit"])
    missing = sorted({(c, y) for (_, y), c in SEED_FACT_CODES.items()} - set(facts))
    if missing:
        raise RuntimeError(f"seed facts not found in {path}: {missing}")
    return facts


# ------------------------------------------------------------------------------------------ helpers
def split_multinomial(rng, total: int, weights) -> list[int]:
    """Share an integer ``total`` among units at random, proportionally to ``weights``.

    The parts are a multinomial draw, so they are integers >= 0 that add up to ``total`` exactly.
    """
    import numpy as np

    w = np.asarray(weights, dtype=float)
    return [int(x) for x in rng.multinomial(int(total), w / w.sum())]


def split_largest_remainder(total: int, weights) -> list[int]:
    """Share an integer ``total`` proportionally to ``weights`` (largest-remainder rounding).

    Deterministic; the integer parts add up to ``total`` exactly. Ties go to the earlier unit.
    """
    w = [float(x) for x in weights]
    s = sum(w)
    raw = [total * x / s for x in w]
    base = [math.floor(x) for x in raw]
    left = int(total - sum(base))
    order = sorted(range(len(w)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return base


def format_number_text(value: float, style: str = "vi") -> str:
    """Write an integer the Vietnamese way (``4500`` → ``4.500``) for text cells of the wide file."""
    n = round(value)
    s = f"{n:,}"
    return s.replace(",", ".") if style == "vi" else s


def _csv_number(value) -> str:
    """Number text for the tidy CSV: integers without decimals, other values with up to 6 decimals.

    A decimal part of exactly three digits (``4.123``) is padded (``4.1230``) so a reader that
    accepts Vietnamese thousands separators can never take it for ``4123``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = f"{v:.6f}".rstrip("0")
    _head, _, tail = s.partition(".")
    if len(tail) == 3:
        s += "0"
    return s


# ------------------------------------------------------------------------------------------ generation
class _Builder:
    """Collects observation rows while the series are drawn (one instance per run)."""

    def __init__(self, rng, catalog, districts: list[District], facts: dict[tuple[str, int], SeedFact]):
        self.rng = rng
        self.cat = catalog
        self.d = districts
        self.codes = [x.code for x in districts]
        self.facts = facts
        self.rows: list[dict] = []
        # values[(unit, indicator, year, period)] = number (for components of ratios)
        self.values: dict[tuple[str, str, int, str], float] = {}

    # -- recording
    def put(self, unit: str, ind: str, year: int, period: str, value: float, *, num=None, den=None,
            flags: tuple[str, ...] = (), source: str = ILLUSTRATIVE_SOURCE, note: str = "") -> None:
        if ind not in self.cat:
            raise KeyError(f"generator uses {ind!r}, which is not in the catalogue")
        self.values[(unit, ind, year, period)] = value
        self.rows.append(dict(unit_code=unit, indicator_code=ind, year=year, period=period, value=value,
                              numerator=num, denominator=den, flag=";".join(flags), source=source, note=note))

    def get(self, unit: str, ind: str, year: int, period: str = "FY") -> float:
        return self.values[(unit, ind, year, period)]

    def anchored(self, ind: str, year: int) -> SeedFact | None:
        return self.facts.get((ind, year))

    # -- shared draws
    def poisson(self, mean: float) -> int:
        return int(self.rng.poisson(max(mean, 0.0)))

    def binomial(self, n: int, p: float) -> int:
        return int(self.rng.binomial(int(n), min(max(p, 0.0), 1.0)))

    def district_counts(self, ind: str, year: int, expected_total: float, weights) -> list[int]:
        """District values of a count for a full year: a split of the seed fact when there is one,
        otherwise independent Poisson draws around ``expected_total`` shared by ``weights``."""
        fact = self.anchored(ind, year)
        if fact is not None:
            return split_multinomial(self.rng, int(fact.value), weights)
        s = float(sum(weights))
        return [self.poisson(expected_total * w / s) for w in weights]


def _trend(values: dict[int, float], year: int) -> float:
    """Linear interpolation in a small {year: value} table (flat beyond the ends)."""
    ys = sorted(values)
    if year <= ys[0]:
        return values[ys[0]]
    if year >= ys[-1]:
        return values[ys[-1]]
    for a, b in itertools.pairwise(ys):
        if a <= year <= b:
            return values[a] + (values[b] - values[a]) * (year - a) / (b - a)
    raise AssertionError  # pragma: no cover


def _put_stock(b: _Builder, unit: str, ind: str, year: int, value: float, source: str = ILLUSTRATIVE_SOURCE) -> None:
    """Record a stock (a number at a date: children, communes): FY before 2025; in 2025 the
    mid-year value (H1) and the same value as the year-end estimate (FY, flag estimate)."""
    if year < 2025:
        b.put(unit, ind, year, "FY", value, source=source)
    else:
        b.put(unit, ind, year, "H1", value, source=source)
        b.put(unit, ind, year, "FY", value, flags=("estimate",), source=source)


def _population(b: _Builder) -> None:
    """POP_U16, POP_U6, LIVE_BIRTHS, COMMUNES_TOTAL for every district and year (2025: H1 and FY)."""
    for d in b.d:
        for y in list(YEARS) + [2025]:
            pop = _DISTRICT_ANCHORS.get((d.code, "POP_U16", y))
            if pop is None:
                pop = round(d.pop_2024 * (1 + d.growth) ** (y - 2024) * (1 + b.rng.normal(0, 0.002)))
            u6_share = {"mountain": 0.325, "island": 0.31}.get(d.profile, 0.30) - 0.002 * (y - 2019)
            u6 = _DISTRICT_ANCHORS.get((d.code, "POP_U6", y)) or round(pop * u6_share)
            birth_rate = (0.064 if d.profile in ("mountain", "island") else 0.056) * (0.985 ** (y - 2019))
            src = "Bình Liêu district article (2024)" if (d.code, "POP_U16", y) in _DISTRICT_ANCHORS else \
                ILLUSTRATIVE_SOURCE
            _put_stock(b, d.code, "POP_U16", y, pop, src)
            _put_stock(b, d.code, "POP_U6", y, u6, src)
            _put_stock(b, d.code, "COMMUNES_TOTAL", y, d.communes)
            if y < 2025:
                b.put(d.code, "LIVE_BIRTHS", y, "FY", b.poisson(pop * birth_rate))
            else:
                _flow_2025(b, d.code, "LIVE_BIRTHS", pop * birth_rate, fy=True)


def _flow_2025(b: _Builder, unit: str, ind: str, annual_mean: float, *, fy: bool,
               h1_share: float = 0.5) -> tuple[int, int | None]:
    """Record a 2025 six-month value (H1) and, if ``fy``, a full-year estimate (H1 + second half)."""
    h1 = b.poisson(annual_mean * h1_share)
    b.put(unit, ind, 2025, "H1", h1)
    full = None
    if fy:
        full = h1 + b.poisson(annual_mean * (1 - h1_share))
        b.put(unit, ind, 2025, "FY", full, flags=("estimate",))
    return h1, full


def _mortality(b: _Builder) -> None:
    """NEONATAL_DEATHS ⊂ INFANT_DEATHS ⊂ U5_DEATHS per 1,000 live births, slowly falling."""
    for d in b.d:
        harsh = 1.6 if d.profile == "mountain" else (1.25 if d.profile in ("rural", "island") else 1.0)
        for y in list(YEARS) + [2025]:
            nn, inf, u5 = (r * harsh * (0.975 ** (y - 2019)) / 1000 for r in (5.0, 8.0, 11.5))
            for period in (("FY",) if y < 2025 else ("H1", "FY")):
                births = b.get(d.code, "LIVE_BIRTHS", y, period)
                a = b.poisson(births * nn)
                c = a + b.poisson(births * (inf - nn))
                e = c + b.poisson(births * (u5 - inf))
                flags = ("estimate",) if (y == 2025 and period == "FY") else ()
                b.put(d.code, "NEONATAL_DEATHS", y, period, a, flags=flags)
                b.put(d.code, "INFANT_DEATHS", y, period, c, flags=flags)
                b.put(d.code, "U5_DEATHS", y, period, e, flags=flags)


def _injuries(b: _Builder) -> None:
    """TNTT_DEATHS (anchored 2019–2020), DROWNING_DEATHS ⊂ TNTT_DEATHS, TNTT_CASES."""
    deaths_exp = {2019: 29, 2020: 28, 2021: 27, 2022: 26, 2023: 25, 2024: 24, 2025: 23}
    drown_share = {2019: 0.52, 2025: 0.42}
    case_rate = {2019: 560.0, 2025: 465.0}  # per 100,000 children
    for y in YEARS:
        w = [b.get(d.code, "POP_U16", y) * d.risk for d in b.d]
        deaths = b.district_counts("TNTT_DEATHS", y, deaths_exp[y], w)
        for d, n in zip(b.d, deaths):
            b.put(d.code, "TNTT_DEATHS", y, "FY", n, note=_note_for(b, "TNTT_DEATHS", y, " trẻ"))
            b.put(d.code, "DROWNING_DEATHS", y, "FY", b.binomial(n, _trend(drown_share, y)))
            pop = b.get(d.code, "POP_U16", y)
            b.put(d.code, "TNTT_CASES", y, "FY", max(n, b.poisson(pop * _trend(case_rate, y) * d.risk / 1e5)))
    pop25 = {d.code: b.get(d.code, "POP_U16", 2025) for d in b.d}
    wsum = sum(pop25[d.code] * d.risk for d in b.d)
    for d in b.d:
        share = pop25[d.code] * d.risk / wsum
        h1, fy = _flow_2025(b, d.code, "TNTT_DEATHS", deaths_exp[2025] * share, fy=True)
        p = _trend(drown_share, 2025)
        dh1 = b.binomial(h1, p)
        b.put(d.code, "DROWNING_DEATHS", 2025, "H1", dh1)
        b.put(d.code, "DROWNING_DEATHS", 2025, "FY", dh1 + b.binomial(fy - h1, p), flags=("estimate",))
        cases_mean = pop25[d.code] * _trend(case_rate, 2025) * d.risk / 1e5
        ch1 = max(h1, b.poisson(cases_mean / 2))
        b.put(d.code, "TNTT_CASES", 2025, "H1", ch1)
        b.put(d.code, "TNTT_CASES", 2025, "FY", max(fy, ch1 + b.poisson(cases_mean / 2)), flags=("estimate",))


def _abuse_and_marriage(b: _Builder) -> None:
    """ABUSE_CASES (anchored 2019–2020), ABUSED_CHILDREN >= cases (30 in 2020), CHILD_MARRIAGES."""
    cases_exp = {2019: 28, 2020: 26, 2021: 25, 2022: 24, 2023: 22, 2024: 21, 2025: 20}
    marr_exp = {2019: 34.0, 2025: 25.0}
    marr_risk = {"mountain": 6.0, "rural": 1.6, "island": 1.2, "city": 0.4}
    for y in YEARS:
        w = [b.get(d.code, "POP_U16", y) * (1.1 if d.profile == "city" else 1.0) for d in b.d]
        cases = b.district_counts("ABUSE_CASES", y, cases_exp[y], w)
        fact_children = b.anchored("ABUSED_CHILDREN", y)
        if fact_children is not None:  # extra children beyond one per case go where the cases are
            extra = split_multinomial(b.rng, int(fact_children.value) - sum(cases), [c + 1e-9 for c in cases])
        else:
            extra = [b.binomial(c, 0.12) for c in cases]
        for d, c, e in zip(b.d, cases, extra):
            b.put(d.code, "ABUSE_CASES", y, "FY", c, note=_note_for(b, "ABUSE_CASES", y, " vụ"))
            b.put(d.code, "ABUSED_CHILDREN", y, "FY", c + e, note=_note_for(b, "ABUSED_CHILDREN", y, " trẻ"))
        mw = [b.get(d.code, "POP_U16", y) * marr_risk[d.profile] for d in b.d]
        for d, n in zip(b.d, b.district_counts("CHILD_MARRIAGES", y, _trend(marr_exp, y), mw)):
            b.put(d.code, "CHILD_MARRIAGES", y, "FY", n)
    w = [b.get(d.code, "POP_U16", 2025) * (1.1 if d.profile == "city" else 1.0) for d in b.d]
    mw = [b.get(d.code, "POP_U16", 2025) * marr_risk[d.profile] for d in b.d]
    for d, wi, mi in zip(b.d, w, mw):
        h1, fy = _flow_2025(b, d.code, "ABUSE_CASES", cases_exp[2025] * wi / sum(w), fy=True)
        xh1 = b.binomial(h1, 0.12)
        b.put(d.code, "ABUSED_CHILDREN", 2025, "H1", h1 + xh1)
        b.put(d.code, "ABUSED_CHILDREN", 2025, "FY", fy + xh1 + b.binomial(fy - h1, 0.12), flags=("estimate",))
        _flow_2025(b, d.code, "CHILD_MARRIAGES", _trend(marr_exp, 2025) * mi / sum(mw), fy=True)


def _special_circumstances(b: _Builder) -> None:
    """HCDB_CHILDREN (about 4% of children, falling) and HCDB_SUPPORTED (all of them in 2020)."""
    supported_p = {2019: 0.965, 2020: 1.0, 2021: 0.975, 2022: 0.98, 2023: 0.985, 2024: 0.99, 2025: 0.99}
    fact = b.anchored("CT08b", 2020)
    for d in b.d:
        base = {"mountain": 0.050, "island": 0.043, "rural": 0.041}.get(d.profile, 0.035)
        for y in list(YEARS) + [2025]:
            pop = b.get(d.code, "POP_U16", y)
            n = b.poisson(pop * base * (0.985 ** (y - 2019)))
            p = supported_p[y]
            # the 2020 report: 100% of children in special circumstances supported
            sup = n if fact is not None and y == 2020 and fact.value == 100 else b.binomial(n, p)
            _put_stock(b, d.code, "HCDB_CHILDREN", y, n)
            _put_stock(b, d.code, "HCDB_SUPPORTED", y, sup)


def _communes(b: _Builder) -> None:
    """CF_COMMUNES and PLAY_COMMUNES: shares of communes rising year by year, never above all."""
    for d in b.d:
        cf0 = 0.62 + 0.16 * b.rng.random()
        pl0 = 0.30 + 0.15 * b.rng.random()
        cf_prev = pl_prev = 0
        for y in list(YEARS) + [2025]:
            t = y - 2019
            cf = max(cf_prev, min(d.communes, round(d.communes * min(1.0, cf0 + 0.035 * t))))
            pl = max(pl_prev, min(d.communes, round(d.communes * min(1.0, pl0 + 0.04 * t))))
            cf_prev, pl_prev = cf, pl
            _put_stock(b, d.code, "CF_COMMUNES", y, cf)
            _put_stock(b, d.code, "PLAY_COMMUNES", y, pl)


def _note_for(b: _Builder, ind: str, year: int, unit_word: str = "") -> str:
    fact = b.anchored(ind, year)
    if fact is None:
        return ""
    return f"phân bổ minh họa; tổng 13 huyện = {format_number_text(fact.value)}{unit_word} (báo cáo tỉnh)"


def _activities(b: _Builder) -> None:
    """Communication sessions and people reached, training classes and people trained."""
    sess_exp = {2019: 250, 2020: 232, 2021: 175, 2022: 240, 2023: 262, 2024: 275, 2025: 280}
    train_exp = {2019: 115, 2020: 109, 2021: 80, 2022: 112, 2023: 120, 2024: 124, 2025: 125}
    w = [d.communes + 3 for d in b.d]
    for y in YEARS:
        sessions = b.district_counts("COMM_SESSIONS", y, sess_exp[y], w)
        fr = b.anchored("COMM_REACHED", y)
        reached = split_multinomial(b.rng, int(fr.value), [s + 1e-9 for s in sessions]) if fr else \
            [b.poisson(s * 215) for s in sessions]
        classes = b.district_counts("TRAINING_CLASSES", y, train_exp[y], w)
        ft = b.anchored("TRAINED_PEOPLE", y)
        trained = split_multinomial(b.rng, int(ft.value), [c + 1e-9 for c in classes]) if ft else \
            [b.poisson(c * 80) for c in classes]
        for d, s, r, c, t in zip(b.d, sessions, reached, classes, trained):
            b.put(d.code, "COMM_SESSIONS", y, "FY", s, note=_note_for(b, "COMM_SESSIONS", y, " buổi"))
            b.put(d.code, "COMM_REACHED", y, "FY", r, note=_note_for(b, "COMM_REACHED", y, " lượt"))
            b.put(d.code, "TRAINING_CLASSES", y, "FY", c, note=_note_for(b, "TRAINING_CLASSES", y, " lớp"))
            b.put(d.code, "TRAINED_PEOPLE", y, "FY", t, note=_note_for(b, "TRAINED_PEOPLE", y, " lượt"))
    for d, wi in zip(b.d, w):
        s, _ = _flow_2025(b, d.code, "COMM_SESSIONS", sess_exp[2025] * wi / sum(w), fy=False)
        b.put(d.code, "COMM_REACHED", 2025, "H1", b.poisson(s * 215))
        c, _ = _flow_2025(b, d.code, "TRAINING_CLASSES", train_exp[2025] * wi / sum(w), fy=False)
        b.put(d.code, "TRAINED_PEOPLE", 2025, "H1", b.poisson(c * 80))


def _swimming(b: _Builder) -> None:
    """Free swimming classes by source of funds, their budget (million VND) and the yes/no model."""
    classes_exp = {2019: 60, 2020: 72, 2021: 68, 2022: 128, 2024: 190, 2025: 200}
    state_share = {2019: 0.9, 2020: 0.9, 2021: 0.88, 2022: 0.86, 2024: 0.82, 2025: 0.8}
    cost = {2019: 10.5, 2020: 10.8, 2021: 11.0, 2022: 11.5, 2023: 12.0, 2024: 12.4, 2025: 12.8}
    w_state = [b.get(d.code, "POP_U16", 2023) * d.risk for d in b.d]
    w_private = [b.get(d.code, "POP_U16", 2023) * (2.0 if d.profile == "city" else 0.6) for d in b.d]
    for y in YEARS:
        fs, fp = b.anchored("SWIM_CLASSES_STATE", y), b.anchored("SWIM_CLASSES_PRIVATE", y)
        if fs is not None and fp is not None:
            state = split_multinomial(b.rng, int(fs.value), w_state)
            private = split_multinomial(b.rng, int(fp.value), w_private)
        else:
            total = b.district_counts("SWIM_CLASSES", y, classes_exp[y], w_state)
            state = [b.binomial(n, state_share[y]) for n in total]
            private = [n - s for n, s in zip(total, state)]
        classes = [s + p for s, p in zip(state, private)]
        fb = b.anchored("SWIM_BUDGET", y)
        if fb is not None:  # budget shared in proportion to classes (largest remainder, whole million VND)
            budget = split_largest_remainder(int(fb.value), [c + 1e-9 for c in classes])
        else:
            budget = [round(c * cost[y] * (1 + b.rng.normal(0, 0.04))) for c in classes]
        for d, s, p, c, m in zip(b.d, state, private, classes, budget):
            m_state = round(m * s / c) if c else 0
            b.put(d.code, "SWIM_CLASSES", y, "FY", c, note=_note_for(b, "SWIM_CLASSES", y, " lớp"))
            b.put(d.code, "SWIM_CLASSES_STATE", y, "FY", s, note=_note_for(b, "SWIM_CLASSES_STATE", y, " lớp"))
            b.put(d.code, "SWIM_CLASSES_PRIVATE", y, "FY", p,
                  note=_note_for(b, "SWIM_CLASSES_PRIVATE", y, " lớp"))
            b.put(d.code, "SWIM_BUDGET", y, "FY", m, note=_note_for(b, "SWIM_BUDGET", y, " triệu đồng"))
            b.put(d.code, "SWIM_BUDGET_STATE", y, "FY", m_state)
            b.put(d.code, "SWIM_BUDGET_PRIVATE", y, "FY", m - m_state)
            b.put(d.code, "SWIM_MODEL", y, "FY", 1 if c > 0 else 0)
    for d, wi in zip(b.d, w_state):
        mean = classes_exp[2025] * wi / sum(w_state)
        h1, fy = _flow_2025(b, d.code, "SWIM_CLASSES", mean, fy=True, h1_share=0.45)
        for period, n, flags in (("H1", h1, ()), ("FY", fy, ("estimate",))):
            s = b.binomial(n, state_share[2025])
            m = round(n * cost[2025])
            m_state = round(m * s / n) if n else 0
            b.put(d.code, "SWIM_CLASSES_STATE", 2025, period, s, flags=flags)
            b.put(d.code, "SWIM_CLASSES_PRIVATE", 2025, period, n - s, flags=flags)
            b.put(d.code, "SWIM_BUDGET", 2025, period, m, flags=flags)
            b.put(d.code, "SWIM_BUDGET_STATE", 2025, period, m_state, flags=flags)
            b.put(d.code, "SWIM_BUDGET_PRIVATE", 2025, period, m - m_state, flags=flags)
        b.put(d.code, "SWIM_MODEL", 2025, "FY", 1 if fy > 0 else 0, flags=("estimate",))


def _support_services(b: _Builder) -> None:
    """Sponsored children (about 2,000 in 2023, approximate) and hotline calls (3,363 / 423 in 2023)."""
    spons_exp = {2019: 1450, 2020: 1560, 2021: 1700, 2022: 1850, 2023: 2000, 2024: 2080, 2025: 2120}
    calls_exp = {2019: 2300, 2020: 2650, 2021: 3100, 2022: 3250, 2023: 3363, 2024: 3450, 2025: 3500}
    child_share = {2019: 0.15, 2025: 0.12}
    for y in YEARS:
        w_sp = [b.get(d.code, "HCDB_CHILDREN", y) for d in b.d]
        fs = b.anchored("SPONSORED_CHILDREN", y)
        for d, n in zip(b.d, b.district_counts("SPONSORED_CHILDREN", y, spons_exp[y], w_sp)):
            flags = ("approximate",) if fs is not None and fs.approximate else ()
            b.put(d.code, "SPONSORED_CHILDREN", y, "FY", n, flags=flags,
                  note="phân bổ minh họa; tổng 13 huyện = gần 2.000 trẻ (báo cáo tỉnh)" if fs else "")
        w_calls = [b.get(d.code, "POP_U16", y) for d in b.d]
        calls = b.district_counts("HOTLINE_CALLS", y, calls_exp[y], w_calls)
        fc = b.anchored("HOTLINE_CHILD_CALLS", y)
        if fc is not None:  # an exact split that never gives a district more child calls than calls
            child = [int(x) for x in b.rng.multivariate_hypergeometric(calls, int(fc.value))]
        else:
            child = [b.binomial(c, _trend(child_share, y)) for c in calls]
        for d, c, k in zip(b.d, calls, child):
            b.put(d.code, "HOTLINE_CALLS", y, "FY", c, note=_note_for(b, "HOTLINE_CALLS", y, " cuộc gọi"))
            b.put(d.code, "HOTLINE_CHILD_CALLS", y, "FY", k,
                  note=_note_for(b, "HOTLINE_CHILD_CALLS", y, " cuộc gọi"))
    w_sp = [b.get(d.code, "HCDB_CHILDREN", 2025, "H1") for d in b.d]
    w_calls = [b.get(d.code, "POP_U16", 2025, "H1") for d in b.d]
    for d, ws, wc in zip(b.d, w_sp, w_calls):
        # a stock (children sponsored at the time), not a flow: the year-end estimate is not H1 × 2
        sp = b.poisson(spons_exp[2025] * ws / sum(w_sp))
        b.put(d.code, "SPONSORED_CHILDREN", 2025, "H1", sp)
        b.put(d.code, "SPONSORED_CHILDREN", 2025, "FY", sp + b.poisson(0.02 * sp), flags=("estimate",))
        c, _ = _flow_2025(b, d.code, "HOTLINE_CALLS", calls_exp[2025] * wc / sum(w_calls), fy=False)
        b.put(d.code, "HOTLINE_CHILD_CALLS", 2025, "H1", b.binomial(c, _trend(child_share, 2025)))


#: percent indicators without catalogue components: code → (denominator as a share of POP_U16
#: or "births"/"communes3" for schools, probability table by year, profile adjustments)
_COVERAGE = {
    "CT02": (0.50, {2019: 0.84, 2025: 0.91}, {"mountain": -0.06, "island": -0.03}),
    "CT04a": (0.30, {2019: 0.072, 2025: 0.058}, {"mountain": 0.05, "rural": 0.012}),
    "CT04b": (0.30, {2019: 0.168, 2025: 0.138}, {"mountain": 0.09, "rural": 0.02}),
    "CT04c": (0.30, {2019: 0.046, 2025: 0.056}, {"mountain": -0.025, "rural": -0.012}),
    "CT05a": ("births", {2019: 0.962, 2025: 0.985}, {"mountain": -0.02}),
    "CT05b": (0.30, {2019: 0.93, 2025: 0.968}, {"mountain": -0.03}),
    "CT07": ("schools", {2019: 0.965, 2023: 1.0}, {}),
    "CT14": (0.30, {2019: 0.981, 2025: 0.989}, {"mountain": -0.008}),
    "CT16": (0.063, {2019: 0.995, 2025: 0.999}, {}),
    "CT17a": (0.062, {2019: 0.972, 2025: 0.991}, {"mountain": -0.01}),
    "CT17b": (0.32, {2019: 0.0013, 2025: 0.0008}, {"mountain": 0.001}),
    "CT18a": (0.062, {2019: 0.90, 2025: 0.948}, {"mountain": -0.04}),
    "CT18b": (0.25, {2019: 0.0026, 2025: 0.0011}, {"mountain": 0.002}),
    "CT19": ("schools", {2019: 0.62, 2025: 0.93}, {"mountain": -0.08}),
    "CT20a": ("schools", {2019: 0.36, 2025: 0.56}, {"mountain": -0.10}),
    "CT20b": (0.011, {2019: 0.76, 2025: 0.88}, {"mountain": -0.06}),
    "CT22": (0.56, {2019: 0.22, 2025: 0.295}, {}),
    "CT23": (0.56, {2019: 0.80, 2025: 0.915}, {}),
    "CT24": (0.32, {2019: 0.23, 2025: 0.32}, {}),
}


def _ratios(b: _Builder) -> None:
    """Every ratio indicator: from its catalogue components, or as binomial coverage draws."""
    years = [(y, "FY", ()) for y in YEARS] + [(2025, "FY", ("estimate",))]
    for ind in b.cat:
        if not ind.kind.is_ratio or "district" not in ind.levels:
            continue
        if ind.numerator and ind.denominator:
            for d in b.d:
                for y, period, flags in years:
                    num = b.get(d.code, ind.numerator, y, period)
                    den = b.get(d.code, ind.denominator, y, period)
                    if den > 0:
                        b.put(d.code, ind.code, y, period, num / den * ind.factor, num=num, den=den, flags=flags)
            continue
        if ind.code in ("CT12", "CT13"):  # CT12 below; CT13 is derived from CHILD_MARRIAGES, never stored
            continue
        if ind.code not in _COVERAGE:  # the guidance's process targets (CTV_VILLAGES …): no illustrative data yet
            continue
        den_rule, ptab, adjust = _COVERAGE[ind.code]
        for d in b.d:
            for y, period, flags in years:
                if den_rule == "births":
                    den = b.get(d.code, "LIVE_BIRTHS", y, period)
                elif den_rule == "schools":
                    den = 3 * d.communes + 2
                else:
                    den = round(b.get(d.code, "POP_U16", y, period) * den_rule)
                p = min(1.0, max(0.0, _trend(ptab, y) + adjust.get(d.profile, 0.0)))
                num = b.binomial(den, p)
                b.put(d.code, ind.code, y, period, num / den * 100, num=num, den=den, flags=flags)
    _disaster_relief(b, years)


def _disaster_relief(b: _Builder, years) -> None:
    """CT12 exists only when children were hit by a disaster (2024: typhoon Yagi hit every district)."""
    for d in b.d:
        for y, period, flags in years:
            pop = b.get(d.code, "POP_U16", y, period)
            exposure = 0.06 if y == 2024 else (0.004 if d.profile in ("island", "mountain") else 0.0008)
            den = b.poisson(pop * exposure)
            if den == 0:
                continue
            num = den if b.rng.random() < 0.8 else den - b.binomial(den, 0.015)
            b.put(d.code, "CT12", y, period, num / den * 100, num=num, den=den, flags=flags)


def _province_rows(b: _Builder) -> None:
    """Province rows: the reported seed totals, and the province-only indicators (CT06, CT10, CT15)."""
    for (ind, y), fact in sorted(b.facts.items()):
        flags = ("approximate",) if fact.approximate else ()
        b.put(PROVINCE, ind, y, "FY", fact.value, flags=flags, source=fact.source, note=fact.fact_vi)
    for y in list(YEARS) + [2025]:  # HIV-exposed infants and transmissions
        exposed = b.poisson(24 * 0.97 ** (y - 2019))
        infected = b.binomial(exposed, 0.035 * 0.92 ** (y - 2019))
        flags = ("estimate",) if y == 2025 else ()
        b.put(PROVINCE, "CT06", y, "FY", infected / exposed * 100, num=infected, den=exposed, flags=flags)
    for y, v in ((2020, 3.8), (2022, 3.4), (2024, 3.1)):  # survey years only
        b.put(PROVINCE, "CT10", y, "FY", round(v + b.rng.normal(0, 0.1), 1), note="ước lượng điều tra mẫu")
    for y, v in ((2021, 89.6), (2023, 90.9)):
        b.put(PROVINCE, "CT15", y, "FY", round(v + b.rng.normal(0, 0.2), 1), note="ước lượng điều tra mẫu")


def _gaps_and_approximations(b: _Builder) -> None:
    """Remove a few non-anchored cells (missing years) and flag a few rounded values approximate."""
    protected = {(ind, y) for (ind, y) in b.facts}
    gap_pool = ["CT19", "CT20a", "CT22", "CT23", "CT24", "COMM_SESSIONS", "TRAINING_CLASSES", "HOTLINE_CALLS"]
    codes = b.codes
    drop: set[tuple[str, str, int]] = set()
    for ind in gap_pool:
        if b.rng.random() < 0.75:
            unit = codes[int(b.rng.integers(len(codes)))]
            y = int(b.rng.choice([2021, 2022]))
            if (ind, y) not in protected:
                drop.add((unit, ind, y))
    drop.add(("207", "CT22", 2021))  # Cô Tô did not report the participation indicators in 2021
    drop.add(("207", "CT23", 2021))
    drop.add(("207", "CT24", 2021))
    paired = {"COMM_SESSIONS": "COMM_REACHED", "TRAINING_CLASSES": "TRAINED_PEOPLE",
              "HOTLINE_CALLS": "HOTLINE_CHILD_CALLS"}
    for unit, ind, y in list(drop):
        if ind in paired:
            drop.add((unit, paired[ind], y))
    b.rows = [r for r in b.rows if (r["unit_code"], r["indicator_code"], r["year"]) not in drop
              or r["period"] != "FY"]
    # approximate: people reached / trained written "trên …" (rounded down to the hundred)
    cand = [r for r in b.rows if r["indicator_code"] in ("COMM_REACHED", "TRAINED_PEOPLE")
            and r["unit_code"] != PROVINCE and r["period"] == "FY" and 2021 <= r["year"] <= 2024
            and r["value"] >= 1000]
    for i in sorted(int(x) for x in b.rng.choice(len(cand), size=4, replace=False)):
        r = cand[i]
        r["value"] = float(int(r["value"]) // 100 * 100)
        r["flag"] = ";".join(filter(None, [r["flag"], "approximate"]))
        r["note"] = "báo cáo ghi 'trên …' (số gần đúng)"


def build_observations(seed: int = SEED):
    """Draw the whole dataset; returns the observations frame (sorted, values as floats)."""
    import numpy as np
    import pandas as pd

    from ctxh_plan.data.catalog import load_catalog

    cat = load_catalog()
    b = _Builder(np.random.default_rng(seed), cat, load_districts(), load_seed_facts())
    for step in (_population, _mortality, _injuries, _abuse_and_marriage, _special_circumstances,
                 _communes, _activities, _swimming, _support_services, _ratios, _province_rows,
                 _gaps_and_approximations):
        step(b)
    frame = pd.DataFrame(b.rows)
    unit_order = {c: i for i, c in enumerate([PROVINCE] + b.codes)}
    ind_order = {c: i for i, c in enumerate(cat.codes())}
    frame["_u"] = frame["unit_code"].map(unit_order)
    frame["_i"] = frame["indicator_code"].map(ind_order)
    frame["_p"] = frame["period"].map({"H1": 0, "FY": 1})
    frame = frame.sort_values(["_u", "_i", "year", "_p"], kind="stable").drop(columns=["_u", "_i", "_p"])
    frame = frame.reset_index(drop=True)
    for col in ("value", "numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["value"] = frame["value"].round(6)
    dup = frame.duplicated(["unit_code", "indicator_code", "year", "period"])
    if dup.any():
        raise AssertionError(f"duplicate observations: {frame[dup].head()}")
    return frame


# ------------------------------------------------------------------------------------------ targets
def build_province_targets():
    """Quảng Ninh's targets (scope ``22``): national values copied, a few stricter, relative ones.

    * Copies of ``params/targets_national.csv`` with source Kế hoạch 52/KH-UBND (the plan that
      adopts QĐ 23 in Quảng Ninh); the values are those of QĐ 23 — not checked against the
      plan's own text, which the ``verification`` column says.
    * A few stricter targets (CT05a, CT08b, CT11b, CT21) and process targets (swimming classes,
      swimming model, communication sessions): illustrative, not from a document.
    * Drowning deaths −10% by 2025 and −20% by 2030 against 2020 (kind ``relative``, QĐ 1248/QĐ-TTg).
    * The process targets of the 2025 guidance (collaborators in every village, monthly steering-board
      meetings, a news item a week, every child in the national database, sponsorship of every child in
      difficulty who needs it) as 2030 norms of 100 %.
    """
    import pandas as pd

    nat = pd.read_csv(ROOT / "params" / "targets_national.csv", encoding="utf-8-sig",
                      dtype={"scope": str, "indicator_code": str})
    rows = []
    for r in nat.to_dict("records"):
        r = dict(r)
        r["scope"] = PROVINCE
        r["source"] = KH52
        r["verification"] = "minh họa: giá trị chép từ QĐ 23/QĐ-TTg, chưa đối chiếu nguyên văn KH 52"
        r["note"] = ""
        if r["indicator_code"] == "CT01":
            r["verification"] = "V3: KH 52/KH-UBND chép giá trị QĐ 23 (theo ghi chú kiểm chứng của QĐ 23)"
        if r["indicator_code"] == "CHILD_MARRIAGES":
            r["note"] = "CT13: giảm 2–3% số cuộc tảo hôn mỗi năm so với năm gốc 2020"
        rows.append(r)
    stricter = {("CT05a", 2025): 98.0, ("CT05a", 2030): 99.0, ("CT08b", 2025): 95.0, ("CT08b", 2030): 98.0,
                ("CT11b", 2025): 12.0, ("CT11b", 2030): 10.0, ("CT21", 2025): 50.0, ("CT21", 2030): 60.0}
    for r in rows:
        key = (r["indicator_code"], int(r["target_year"]))
        if key in stricter:
            r["value"] = stricter[key]
            r["source"] = ILLUSTRATIVE_TARGET_SOURCE
            r["verification"] = "minh họa"
            r["note"] = "mục tiêu tỉnh chặt hơn mức quốc gia (giả định để minh họa việc ghi đè)"

    def extra(ind, year, op, value, kind="absolute", base=None, source=ILLUSTRATIVE_TARGET_SOURCE,
              verification="minh họa", note=""):
        rows.append(dict(scope=PROVINCE, indicator_code=ind, target_year=year, operator=op, value=value,
                         value_hi=float("nan"), kind=kind, base_year=base, source=source,
                         verification=verification, note=note))

    for year, pct in ((2025, -10.0), (2030, -20.0)):
        extra("DROWNING_DEATHS", year, "<=", pct, kind="relative", base=2020, source=QD1248,
              verification="V2: chương trình phòng, chống tai nạn thương tích trẻ em (QĐ 1248/QĐ-TTg)",
              note=f"giảm {abs(int(pct))}% số trẻ em tử vong do đuối nước so với năm 2020")
    extra("SWIM_CLASSES", 2025, ">=", 180.0, note="số lớp dạy bơi miễn phí mỗi năm")
    extra("SWIM_CLASSES", 2030, ">=", 220.0, note="số lớp dạy bơi miễn phí mỗi năm")
    extra("SWIM_MODEL", 2025, "=", 1.0, note="mỗi huyện ít nhất 1 xã/trường có mô hình dạy bơi an toàn")
    extra("SWIM_MODEL", 2030, "=", 1.0, note="mỗi đơn vị ít nhất 1 xã/trường có mô hình dạy bơi an toàn")
    extra("COMM_SESSIONS", 2025, ">=", 250.0, note="số buổi tuyên truyền trực tiếp mỗi năm")
    extra("COMM_SESSIONS", 2030, ">=", 300.0, note="số buổi tuyên truyền trực tiếp mỗi năm")
    # process targets of the 2025 guidance (data/reference/quang_ninh_guidance_2025.txt), carried into 2026–2030
    guidance = dict(source=GUIDANCE_2025,
                    verification="V1: văn bản hướng dẫn (data/reference/quang_ninh_guidance_2025.txt)")
    extra("CTV_VILLAGES", 2030, ">=", 100.0, note="100% thôn, bản, khu phố có cộng tác viên làm công tác trẻ em",
          **guidance)
    extra("BOARD_MEETINGS", 2030, ">=", 100.0, note="Ban VSTBCPN và BVCSTE cấp xã giao ban định kỳ hằng tháng",
          **guidance)
    extra("NEWS_WEEKLY", 2030, ">=", 100.0, note="cấp xã có ít nhất 1 tin, bài/tuần trên hệ thống thông tin cơ sở",
          **guidance)
    extra("CHILD_DATABASE", 2030, ">=", 100.0, note="100% trẻ em được cập nhật trên cơ sở dữ liệu quốc gia về trẻ em",
          **guidance)
    extra("SPONSORED_SHARE", 2030, ">=", 100.0, note="vận động, trợ giúp 100% trẻ em có hoàn cảnh khó khăn cần đỡ đầu",
          **guidance)
    frame = pd.DataFrame(rows)
    frame["base_year"] = pd.to_numeric(frame["base_year"], errors="coerce").astype("Int64")
    frame["target_year"] = frame["target_year"].astype(int)
    frame = frame.sort_values(["indicator_code", "target_year"], kind="stable").reset_index(drop=True)
    return frame[["scope", "indicator_code", "target_year", "operator", "value", "value_hi", "kind",
                  "base_year", "source", "verification", "note"]]


# ------------------------------------------------------------------------------------------ writing
def _tidy_text(frame):
    """The observations frame with numbers as text (see :func:`_csv_number`) for a stable CSV."""
    out = frame.copy()
    for col in ("value", "numerator", "denominator"):
        out[col] = [_csv_number(v) for v in frame[col]]
    out["year"] = frame["year"].astype(int)
    return out


_YEAR_COLUMNS = [(y, "FY", str(y)) for y in YEARS] + [(2025, "H1", "2025 (6 tháng)"), (2025, "FY", "2025 (ước)")]


def _cell(row) -> object:
    """A wide-file cell: the number, or Vietnamese text for approximate values."""
    v = row["value"]
    if "approximate" in str(row["flag"]).split(";"):
        word = "gần" if row["indicator_code"] == "SPONSORED_CHILDREN" else "trên"
        return f"{word} {format_number_text(v)}"
    if float(v) == int(v):
        return int(v)
    return float(v)


def write_wide_xlsx(frame, path: Path, catalog, units: dict[str, str]) -> None:
    """Write the observations in the wide layout (one sheet per unit) through an atomic path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ctxh_plan.io.atomic import atomic_path

    wb = Workbook()
    wb.remove(wb.active)
    header = ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính"] + [c[2] for c in _YEAR_COLUMNS] + ["Ghi chú"]
    ncol = len(header)
    thin = Side(style="thin", color="808080")
    box = Border(top=thin, bottom=thin, left=thin, right=thin)
    # named styles are registered once; assigning them per cell is cheap
    styles = {"text": "General", "int": "#,##0", "dec0": "0"} | {f"dec{k}": "0." + "0" * k for k in range(1, 5)}
    for name, fmt in styles.items():
        wb.add_named_style(NamedStyle(name=name, font=Font(name="Times New Roman"), border=box, number_format=fmt))
    wb.add_named_style(NamedStyle(name="head", font=Font(name="Times New Roman", bold=True), border=box,
                                  fill=PatternFill("solid", fgColor="DDEBF7"),
                                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)))
    by_unit: dict[str, dict[str, dict[tuple[int, str], dict]]] = {}
    for x in frame.to_dict("records"):
        by_unit.setdefault(x["unit_code"], {}).setdefault(x["indicator_code"], {})[(int(x["year"]), x["period"])] = x
    for unit, name in units.items():
        sub = by_unit.get(unit)
        if not sub:
            continue
        short = name
        for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Tỉnh "):
            short = short[len(prefix):] if short.startswith(prefix) else short
        ws = wb.create_sheet(f"{unit} {short}"[:31])
        titles = [
            "DỮ LIỆU MINH HỌA — illustrative data (không phải số liệu chính thức)",
            f"SỐ LIỆU CÔNG TÁC TRẺ EM GIAI ĐOẠN 2019–2025 — {name.upper()}",
            f"Mã đơn vị: {unit}",
        ]
        for i, text in enumerate(titles, start=1):
            c = ws.cell(row=i, column=1, value=text)
            c.font = Font(name="Times New Roman", bold=True, color="C00000" if i == 1 else "000000")
            c.alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncol)
        hr = 5
        for j, text in enumerate(header, start=1):
            ws.cell(row=hr, column=j, value=text).style = "head"
        r = hr
        for ind in catalog:
            by_key = sub.get(ind.code)
            if not by_key:
                continue
            r += 1
            for j, text in enumerate((ind.code, ind.name_vi, ind.unit_vi), start=1):
                ws.cell(row=r, column=j, value=text).style = "text"
            for j, (y, period, _) in enumerate(_YEAR_COLUMNS, start=4):
                x = by_key.get((y, period))
                c = ws.cell(row=r, column=j, value=None if x is None else _cell(x))
                c.style = ("int" if ind.decimals == 0 else f"dec{min(ind.decimals, 4)}") \
                    if isinstance(c.value, (int, float)) else "text"
            notes = sorted({x["note"] for x in by_key.values() if isinstance(x["note"], str) and x["note"]})
            ws.cell(row=r, column=ncol, value="; ".join(notes) or None).style = "text"
        r += 2
        for text in (
            "Ghi chú: dữ liệu minh họa sinh bởi data/quang_ninh/generate.py (numpy default_rng(2025)); "
            "không phải số liệu chính thức.",
            "Cột 2025 (6 tháng): số liệu 6 tháng đầu năm; cột 2025 (ước): ước thực hiện cả năm.",
            "Ô ghi 'trên …' / 'gần …' là số gần đúng theo cách ghi của báo cáo.",
        ):
            ws.cell(row=r, column=1, value=text).font = Font(name="Times New Roman", italic=True)
            r += 1
        widths = [14, 60, 16] + [11] * len(_YEAR_COLUMNS) + [40]
        for j, wdt in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = wdt
        ws.freeze_panes = ws.cell(row=hr + 1, column=4)
    with atomic_path(path) as tmp:
        wb.save(tmp)


_DATASET_YAML = """\
# Bộ dữ liệu minh họa tỉnh Quảng Ninh — DỮ LIỆU MINH HỌA (illustrative data, not official figures).
# Written by data/quang_ninh/generate.py (keys read by ctxh_plan.io.layout); see README.md here.
province: "22"
title: "Quảng Ninh — dữ liệu minh họa công tác trẻ em 2019–2025"
illustrative: true
source: "dữ liệu minh họa (generate.py); tổng tỉnh neo theo data/reference/seed_facts.csv"
description: >-
  Sinh bởi data/quang_ninh/generate.py với numpy default_rng({seed}) — generated with seeded random
  draws: child population per district from a 2024 level and a growth rate (Bình Liêu 2024 = 9,292
  children under 16, published); small counts as Poisson draws around slowly falling expectations;
  coverage percentages as binomial draws; district values of the years a provincial report gives a
  total (seed_facts.csv) are a multinomial split of that total and add up to it exactly, and a
  province row (unit 22) repeats the reported figure. 2025 = six months (H1) for counts plus
  full-year estimates (FY, flag estimate).
note: >-
  Files: observations.csv (tidy), observations_wide.xlsx (same observations, wide layout, one sheet
  per unit, without numerators/denominators), targets.csv (Quảng Ninh targets, scope 22). Units:
  former districts 193–207 as of 2025-01 and the province (22). Regenerate with
  `.venv/bin/python data/quang_ninh/generate.py`.
"""


def write_dataset(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Generate and write the four files into ``out_dir`` (atomically); returns their paths."""
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.io.atomic import write_frame, write_text

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = build_observations(seed)
    paths = [write_frame(_tidy_text(frame), out_dir / "observations.csv")]
    targets = build_province_targets()
    paths.append(write_frame(targets, out_dir / "targets.csv"))
    units = {PROVINCE: "Tỉnh Quảng Ninh"} | {d.code: d.name for d in load_districts()}
    write_wide_xlsx(frame, out_dir / "observations_wide.xlsx", load_catalog(), units)
    paths.append(out_dir / "observations_wide.xlsx")
    paths.append(write_text(out_dir / "dataset.yaml", _DATASET_YAML.format(seed=seed)))
    return paths


def generate_dataset(out_dir: str | Path | None = None, seed: int = SEED) -> list[Path]:
    """Public entry point: write the dataset to ``out_dir`` (default: this folder)."""
    return write_dataset(Path(out_dir) if out_dir else HERE, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sinh bộ dữ liệu minh họa Quảng Ninh / generate the "
                                                 "illustrative Quảng Ninh dataset.")
    parser.add_argument("--out", default=None, help="thư mục ghi / output folder (default: data/quang_ninh)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    for p in generate_dataset(args.out, args.seed):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
