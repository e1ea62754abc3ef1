"""Re-allocate observations and targets from former units to the units of 1 July 2025
(:func:`rebase_observations`), by each indicator's aggregation rule:

* ``sum`` — integer counts by largest-remainder rounding (the pieces of each former unit sum back to
  its figure exactly), other values (money, estimates with decimals) proportionally;
* ``ratio`` — numerator and denominator re-allocated in fractional parts and the rate rebuilt as a
  ratio of sums (rounding both parts would make small units' rates noise; fallback when a former
  unit has no numerator/denominator: mean of the former rates weighted by the allocation weights,
  flagged ``approximate``);
* ``share_of_units`` — units meeting the standard and all units (and their component counts)
  re-allocated in fractional parts by *count of former communes* (a district's share is applied to
  each of its communes, an expected value);
* ``all`` — a new unit meets the standard only if every contributing former unit did;
* ``none`` — not re-based (listed in ``skipped``).

Every re-based row carries the flag ``rebased`` and a note with the method, weight sources and the
former units it comes from.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ctxh_plan.data.frames import OBSERVATION_COLUMNS, SKIPPED_COLUMNS, coerce_observations, frame_records
from ctxh_plan.data.units import LAST_DAY_BEFORE_REFORM, REFORM_DATE, UnitRegistry
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.rebase.allocation import allocate_fractional, allocate_integer
from ctxh_plan.rebase.crosswalk import build_district_crosswalk

__all__ = ["REBASE_NOTE_VI", "RebaseResult", "rebase_observations", "rebase_targets"]


log = logging.getLogger(__name__)








@dataclass(frozen=True)
class RebaseResult:
    """Output of :func:`rebase_frames`.

    Attributes
    ----------
    observations : DataFrame
        Tidy observations on the new units (plus province rows passed through).
    crosswalk : DataFrame
        ``level, old_code, old_name, new_code, new_name, relation, weight, weight_source``
        for communes and (when district data were re-based) districts.
    skipped : DataFrame
        ``unit_code, indicator_code, year, period, reason`` — rows not re-based and why.
    units : UnitRegistry
        Registry as of ``to``.
    to : str
        ISO date of the new units.
    """

    observations: Any
    crosswalk: Any
    skipped: Any
    units: UnitRegistry
    to: str

    @property
    def weight_sources(self) -> list[str]:
        """Weight sources used: those of the commune rows, and how districts were shared among communes."""
        cw = self.crosswalk
        if not len(cw):
            return []
        out = set(cw.loc[cw["level"] == "commune", "weight_source"])
        out |= {s.split(";")[0] for s in cw.loc[cw["level"] == "district", "weight_source"]}
        return sorted(out)


def _flags(*flag_strings: str, add: Iterable[str] = ()) -> str:
    out = set(add)
    for s in flag_strings:
        out.update(f for f in str(s or "").split(";") if f)
    return ";".join(sorted(out))


def _is_int(v: float) -> bool:
    return math.isfinite(v) and abs(v - round(v)) < 1e-9


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def _fill_components(obs, catalog) -> Any:
    """Fill missing numerator/denominator of ratio rows from component count indicators."""
    idx = {(r["unit_code"], r["indicator_code"], r["year"], r["period"]): r["value"]
           for r in frame_records(obs[["unit_code", "indicator_code", "year", "period", "value"]])}
    num, den = obs["numerator"].to_numpy(dtype=float).copy(), obs["denominator"].to_numpy(dtype=float).copy()
    for i, r in enumerate(obs[["unit_code", "indicator_code", "year", "period"]].itertuples(index=False)):
        ind = catalog.get(r.indicator_code)
        if ind is None or not ind.kind.is_ratio or not (ind.numerator and ind.denominator):
            continue
        if math.isnan(num[i]) or math.isnan(den[i]):
            n = idx.get((r.unit_code, ind.numerator, r.year, r.period))
            d = idx.get((r.unit_code, ind.denominator, r.year, r.period))
            if n is not None and d is not None and not (math.isnan(_num(n)) or math.isnan(_num(d))):
                num[i], den[i] = float(n), float(d)
    obs = obs.copy()
    obs["numerator"], obs["denominator"] = num, den
    return obs


def rebase_observations(observations: Any, catalog: Any, crosswalk: Any, *, province: str,
                        old_units: UnitRegistry, to: str = REFORM_DATE, weights: Any = None,
                        counts: str = "integer", province_kept: bool = True) -> tuple[Any, Any, Any]:
    """Re-allocate observations of former districts/communes onto new units.

    Parameters
    ----------
    observations : DataFrame
        Tidy observations (docs/ARCHITECTURE.md) by former units.
    catalog : Catalog
        Decides each indicator's aggregation and kind.
    crosswalk : DataFrame
        Commune crosswalk from :func:`build_crosswalk`.
    province : str
        Province code; its own rows pass through unchanged when ``province_kept``.
    old_units : UnitRegistry
        Registry with former districts and communes (``include_communes=True``).
    to : str
        Date of the new units (for the notes).
    weights : DataFrame, optional
        From :func:`read_weights` (district shares).
    counts : "integer" or "fractional"
        Integer counts by largest remainder (default) or proportional fractional parts.
    province_kept : bool
        Pass the province's own rows through (False when the code names another
        province after the reform, e.g. 15 Yên Bái → Lào Cai).

    Returns
    -------
    (observations, district_crosswalk, skipped) : tuple of DataFrames
    """
    if counts not in ("integer", "fractional"):
        raise ParameterError("counts", "must be 'integer' or 'fractional'", value=counts)
    import pandas as pd

    obs = _fill_components(coerce_observations(observations), catalog)
    old_day = LAST_DAY_BEFORE_REFORM
    old_at = old_units.at(old_day)
    level_of: dict[str, str] = {}
    unknown = []
    for code in obs["unit_code"].unique():
        if code == province:
            level_of[code] = "province"
        elif code in old_at and old_at.level(code) in ("district", "commune"):
            level_of[code] = old_at.level(code)
        else:
            unknown.append(code)
    if unknown:
        raise InputError(f"unit code(s) {', '.join(sorted(unknown)[:10])} are not former units of province "
                         f"{province}", column="unit_code", value=sorted(unknown)[0],
                         fix="re-base data reported by the former districts/communes (valid until 2025-06-30)")
    for code in sorted(set(obs["indicator_code"])):
        if code not in catalog:
            raise InputError(f"indicator {code!r} is not in the catalogue", column="indicator_code", value=code,
                             fix="add it to params/indicators.yaml or pass the right catalogue")
    district_of = {c: old_at.parent(c) for c, lv in level_of.items() if lv == "commune"}
    communes_of = {d: old_at.children(d) for d in old_at.codes("district")}
    present_d = {c for c, lv in level_of.items() if lv == "district"}
    xw_pop = build_district_crosswalk(crosswalk, weights=weights, by="population", districts=present_d)
    xw_cnt = build_district_crosswalk(crosswalk, weights=None, by="units", districts=present_d)
    maps = {"commune": _pieces(crosswalk), "district": _pieces(xw_pop), "district_units": _pieces(xw_cnt)}
    # counts of units (e.g. communes meeting a standard) follow the count of former communes, not population
    unit_counts = {code for ind in catalog if _method(ind) == "share_of_units"
                   for code in (ind.numerator, ind.denominator) if code}
    need: dict[str, set] = {}  # new unit → former communes that give it children
    for c, pieces in maps["commune"].items():
        for n, w, _ in pieces:
            if w > 0:
                need.setdefault(n, set()).add(c)

    out_rows: list[dict] = []
    skipped: list[dict] = []
    groups: dict[tuple, dict[str, dict]] = {}
    for r in frame_records(obs):
        rows = groups.setdefault((r["indicator_code"], r["year"], r["period"]), {})
        if r["unit_code"] in rows:
            raise InputError(f"unit {r['unit_code']} has two rows for {r['indicator_code']} {r['year']} "
                             f"{r['period']}", column="unit_code", value=r["unit_code"],
                             fix="keep one row per unit, indicator, year and period")
        rows[r["unit_code"]] = r
    for (ind_code, year, period), rows in sorted(groups.items()):
        ind = catalog[ind_code]
        for code, r in rows.items():
            if level_of[code] == "province":
                if province_kept:
                    out_rows.append({k: r[k] for k in OBSERVATION_COLUMNS})
                else:
                    skipped.append(dict(unit_code=code, indicator_code=ind_code, year=year, period=period,
                                        reason="the province code names a different province after the reform"))
        sources = _choose_sources(rows, level_of, district_of, communes_of, ind_code, year, period, skipped)
        if not sources:
            continue
        if _method(ind) == "none":
            for u in sources:
                skipped.append(dict(unit_code=u, indicator_code=ind_code, year=year, period=period,
                                    reason="indicator is not aggregated (aggregation: none): not re-based"))
            continue
        covered = set()
        for u in sources:
            covered.update(communes_of.get(u, []) if level_of[u] == "district" else [u])
        key = "district_units" if (_method(ind) == "share_of_units" or ind_code in unit_counts) else "district"
        contrib: dict[str, list] = {}
        for u in sources:
            pieces = maps["commune"][u] if level_of[u] == "commune" else maps[key][u]
            contrib_u = _allocate_source(ind, rows[u], pieces, level_of[u], len(communes_of.get(u, [])) or 1,
                                         "fractional" if ind_code in unit_counts else counts)
            for n, part in contrib_u:
                contrib.setdefault(n, []).append(part)
        for n, parts in contrib.items():
            missing = sorted(need.get(n, set()) - covered)
            if missing:
                dists = sorted({old_at.parent(c) or "?" for c in missing})
                skipped.append(dict(unit_code=n, indicator_code=ind_code, year=year, period=period,
                                    reason="no data for former commune(s) " + ", ".join(missing[:8])
                                           + (" …" if len(missing) > 8 else "")
                                           + f" (former district {', '.join(dists)}) that form this unit"))
                continue
            row = _combine(ind, n, year, period, parts, to)
            if row is None:
                skipped.append(dict(unit_code=n, indicator_code=ind_code, year=year, period=period,
                                    reason="denominator is 0 for this unit: no rate"))
                continue
            out_rows.append(row)
    result = pd.DataFrame(out_rows, columns=list(OBSERVATION_COLUMNS))
    result = result.sort_values(["indicator_code", "unit_code", "year", "period"], kind="stable").reset_index(
        drop=True)
    return result, xw_pop, pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS))


def _pieces(cw) -> dict[str, list[tuple[str, float, str]]]:
    out: dict[str, list] = {}
    for r in frame_records(cw):
        out.setdefault(r["old_code"], []).append((r["new_code"], float(r["weight"]), r["weight_source"]))
    return out


def _choose_sources(rows, level_of, district_of, communes_of, ind_code, year, period, skipped) -> list[str]:
    """Former units whose rows are re-based: commune detail when complete, else the district row."""
    by_d: dict[str, list[str]] = {}
    for code, lv in level_of.items():
        if lv == "commune" and code in rows:
            by_d.setdefault(district_of[code], []).append(code)
    chosen = []
    districts = {c for c in rows if level_of[c] == "district"} | set(by_d)
    for d in sorted(districts):
        comms = by_d.get(d, [])
        if comms and len(comms) == len(communes_of.get(d, [])):
            chosen.extend(comms)
            if d in rows:
                skipped.append(dict(unit_code=d, indicator_code=ind_code, year=year, period=period,
                                    reason="district total not used: commune detail is complete"))
        elif d in rows:
            chosen.append(d)
            for c in comms:
                skipped.append(dict(unit_code=c, indicator_code=ind_code, year=year, period=period,
                                    reason="commune detail incomplete: district total re-based instead"))
        else:
            chosen.extend(comms)
    return chosen


def _allocate_source(ind, row: dict, pieces, level: str, n_communes: int,
                     counts: str) -> list[tuple[str, dict]]:
    """Pieces (new_code, part) of one former unit's row. ``part`` holds value/numerator/denominator shares."""
    pos = [(n, w, s) for n, w, s in pieces if w > 0]
    ws = [w for _, w, _ in pos]
    agg = _method(ind)
    v, num, den = row["value"], row["numerator"], row["denominator"]
    base = {"flag": row["flag"], "source": row["source"], "from": row["unit_code"]}

    def split(x: float, code: str) -> tuple[list[float], str]:
        if counts == "integer" and _is_int(x):
            key = f"{row['unit_code']}|{code}|{row['year']}|{row['period']}"
            return [float(p) for p in allocate_integer(round(x), ws, tie_key=key)], "largest_remainder"
        return allocate_fractional(x, ws), "proportional"

    if math.isnan(v) and agg != "ratio":
        return []
    if agg == "sum":
        if ind.kind.value == "count" and v < 0:
            raise InputError("a count is negative", column="value", value=v,
                             fix=f"check {ind.code} for unit {row['unit_code']} in {row['year']}")
        vals, how = split(v, ind.code) if ind.kind.value == "count" else (allocate_fractional(v, ws), "proportional")
        return [(n, dict(base, value=x, w=w, wsrc=s, how=how)) for (n, w, s), x in zip(pos, vals)]
    if agg == "ratio":
        if not (math.isnan(num) or math.isnan(den)):  # fractional: rounding both parts would add noise
            nums, dens, how = allocate_fractional(num, ws), allocate_fractional(den, ws), "proportional"
            return [(n, dict(base, num=a, den=b, w=w, wsrc=s, how=how))
                    for (n, w, s), a, b in zip(pos, nums, dens)]
        if math.isnan(v):
            return []
        return [(n, dict(base, rate=v, w=w, wsrc=s, how="weighted_mean")) for n, w, s in pos]
    if agg == "share_of_units":
        if math.isnan(num) or math.isnan(den):
            if math.isnan(v):
                return []
            den = float(n_communes if level == "district" else 1)
            num = v / ind.factor * den
        ks, ds = allocate_fractional(num, ws), allocate_fractional(den, ws)
        return [(n, dict(base, num=a, den=b, w=w, wsrc=s, how="expected_share"))
                for (n, w, s), a, b in zip(pos, ks, ds)]
    if agg == "all":
        return [(n, dict(base, value=v, w=w, wsrc=s, how="all_must_meet")) for n, w, s in pos]
    return []


#: how every re-based row's note starts (``"quy đổi về đơn vị từ 2025-07-01 / rebased to units of …"``)
REBASE_NOTE_VI = "quy đổi về đơn vị từ"

_METHOD_NOTE = {
    "largest_remainder": "counts split by largest remainder (integers, totals kept)",
    "proportional": "split in proportion (fractional values, totals kept)",
    "ratio_of_sums": "rate = re-allocated numerator / denominator (fractional parts, ratio of sums)",
    "weighted_mean": "APPROXIMATE: no numerator/denominator, mean of former rates weighted by allocation weights",
    "expected_share": "share of former communes meeting the standard (district share applied to its communes)",
    "all_must_meet": "met only if every contributing former unit met it",
}


def _method(ind) -> str:
    """Re-basing method of an indicator: its aggregation, except that a share-of-units kind always
    re-allocates by count of former communes."""
    from ctxh_plan.vocab import Kind

    return "share_of_units" if ind.kind is Kind.SHARE_OF_UNITS else ind.aggregation.value


def _combine(ind, new_code: str, year: int, period: str, parts: list[dict], to: str) -> dict | None:
    """One re-based row of a new unit from its parts; None when a ratio has a zero denominator."""
    agg = _method(ind)
    num = den = math.nan
    extra: set[str] = {"rebased"}
    hows = {p["how"] for p in parts}
    if agg == "sum":
        value = math.fsum(p["value"] for p in parts)
    elif agg == "ratio" and all("num" in p for p in parts):
        num, den = math.fsum(p["num"] for p in parts), math.fsum(p["den"] for p in parts)
        value = ind.factor * num / den if den > 0 else math.nan
        hows = {"ratio_of_sums"}
    elif agg == "ratio":
        rated = [p for p in parts if "rate" in p] + [dict(p, rate=ind.factor * p["num"] / p["den"]) for p in parts
                                                      if "num" in p and p["den"] > 0]
        wsum = math.fsum(p["w"] for p in rated)
        value = math.fsum(p["rate"] * p["w"] for p in rated) / wsum if wsum > 0 else math.nan
        hows, extra = {"weighted_mean"}, extra | {"approximate"}
    elif agg == "share_of_units":
        num, den = math.fsum(p["num"] for p in parts), math.fsum(p["den"] for p in parts)
        value = ind.factor * num / den if den > 0 else math.nan
    else:  # all
        value = min(p["value"] for p in parts)
    if agg in ("ratio", "share_of_units") and math.isnan(value):
        return None
    froms = ", ".join(f"{p['from']}×{p['w']:.4g}" for p in parts)
    wsrc = " | ".join(sorted({p["wsrc"] for p in parts}))
    # one note part (no "; " inside): reports show "quy đổi …" once for the table, not per row
    detail = " — ".join([*(_METHOD_NOTE[h] for h in sorted(hows)), f"weights: {wsrc.replace('; ', ', ')}",
                         f"from {froms}"])
    note = f"{REBASE_NOTE_VI} {to} / rebased to units of {to} ({detail})"
    return {"unit_code": new_code, "indicator_code": ind.code, "year": year, "period": period, "value": value,
            "numerator": num, "denominator": den, "flag": _flags(*(p["flag"] for p in parts), add=extra),
            "source": "; ".join(dict.fromkeys(p["source"] for p in parts if p["source"])), "note": note}


def rebase_targets(targets: Any, province: str) -> tuple[Any, Any]:
    """Keep national and province-scope targets; district targets do not carry over.

    Returns
    -------
    (kept, dropped) : DataFrames with the targets columns.
    """
    scope = targets["scope"].astype(str).str.strip()
    keep = scope.isin(["national", str(province)])
    return targets[keep].reset_index(drop=True), targets[~keep].reset_index(drop=True)
