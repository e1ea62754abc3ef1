"""National and provincial floors for the target year, as absolute values per unit.

For every (unit, indicator) the applicable target rows for the target year are
collected: the national row (``scope = national``), the province's row
(``scope = <province code>``) and the unit's own row (``scope = <unit code>``).
Each is converted to an absolute value for that unit:

* ``absolute`` — the value itself. For indicators that add up over units (counts,
  money: aggregation ``sum``) an absolute figure belongs to the unit named in
  ``scope`` only (a province's "200 swimming classes" is not every commune's).
* ``relative`` — ``base · (1 + v/100)`` with ``base`` the unit's own value in
  ``base_year`` (drowning deaths −20% vs 2020 → 0.8 × the unit's 2020 deaths).
* ``annual_change`` — ``base · (1 + v/100)^(target_year − base_year)``.

A relative or annual-change target set above a unit (the province's, the nation's) is carried by a
unit below the province only when its base-year count reaches ``relative_targets.min_base`` of
``params/publish.yaml`` (the evaluation's rule, :mod:`ctxh_plan.evaluate.settings`): −20 % of one
death is no floor. (Without ``province_code`` every unit carries them.)

A range (``value_hi``) counts by its less ambitious end (the floor). The floor
used is the strictest of the applicable rows (a province may be stricter than the
nation, never weaker); ``national_floor`` keeps the national value alone.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ctxh_plan.vocab import TargetKind

__all__ = ["base_values", "full_year", "resolve_floors"]

_FLOOR_COLS = ["unit_code", "indicator_code", "national_floor", "floor", "floor_operator", "floor_source",
               "floor_note"]


def base_values(observations: pd.DataFrame, keys: pd.DataFrame, years) -> pd.Series:
    """Full-year value of each key row's unit/indicator in the given year (NaN if missing).

    Parameters
    ----------
    observations : observations frame (``period`` FY or missing means full year)
    keys : frame with ``unit_code, indicator_code``
    years : array of years, one per key row
    """
    obs = full_year(observations)[["unit_code", "indicator_code", "year", "value"]]
    obs = obs.drop_duplicates(["unit_code", "indicator_code", "year"], keep="last")
    q = keys[["unit_code", "indicator_code"]].copy()
    q["year"] = np.asarray(years, dtype="float64")
    obs = obs.assign(year=obs["year"].astype("float64"))
    out = q.merge(obs, on=["unit_code", "indicator_code", "year"], how="left")
    return pd.Series(out["value"].to_numpy(float), index=keys.index)


def full_year(observations: pd.DataFrame) -> pd.DataFrame:
    """Rows of full-year values (``period`` FY, or no period given)."""
    if "period" in observations.columns:
        per = observations["period"]
        return observations[per.isna() | (per.astype(str) == "FY") | (per.astype(str) == "")]
    return observations


def _target_rows(targets: pd.DataFrame, target_year: int, catalog) -> pd.DataFrame:
    t = targets.copy()
    t = t[pd.to_numeric(t["target_year"], errors="coerce") == target_year]
    t = t[t["indicator_code"].isin(catalog.codes())]
    for col in ("value_hi", "base_year"):
        if col not in t.columns:
            t[col] = np.nan
    if "kind" not in t.columns:
        t["kind"] = TargetKind.ABSOLUTE.value
    t["kind"] = t["kind"].fillna(TargetKind.ABSOLUTE.value).astype(str)
    t["scope"] = t["scope"].astype(str)
    sign = t["indicator_code"].map({ind.code: ind.direction.sign for ind in catalog}).to_numpy()
    v = pd.to_numeric(t["value"], errors="coerce").to_numpy(float)
    vh = pd.to_numeric(t["value_hi"], errors="coerce").to_numpy(float)
    # less ambitious end of a range: the lower value when higher is better, the higher when lower is better
    both = np.vstack([v, np.where(np.isnan(vh), v, vh)])
    t["v"] = np.where(sign > 0, np.nanmin(both, axis=0), np.nanmax(both, axis=0))
    t["base_year"] = pd.to_numeric(t["base_year"], errors="coerce")
    return t[["scope", "indicator_code", "operator", "kind", "v", "base_year"]]


def resolve_floors(pairs: pd.DataFrame, targets: pd.DataFrame | None, observations: pd.DataFrame, catalog, *,
                   target_year: int = 2030, province_code: str | None = None,
                   relative_min_base: float | None = None) -> pd.DataFrame:
    """Floor of each (unit, indicator) for ``target_year`` as an absolute value.

    Parameters
    ----------
    pairs : frame with ``unit_code, indicator_code`` (unique rows)
    targets : targets frame (docs/ARCHITECTURE.md); None → no floors
    observations : observations frame (base values of relative targets)
    catalog : Catalog (direction, aggregation)
    target_year : year of the target
    province_code : code whose rows apply to every unit of the province
    relative_min_base : base-year count a unit needs to carry a relative target set above it
        (default ``relative_targets.min_base`` of ``params/publish.yaml``)

    Returns
    -------
    DataFrame
        ``unit_code, indicator_code, national_floor, floor, floor_operator, floor_source, floor_note``;
        NaN floors where no target applies. Units of the value: the indicator's own.
    """
    keys = pairs[["unit_code", "indicator_code"]].drop_duplicates().reset_index(drop=True)
    if targets is None or len(targets) == 0:
        out = keys.copy()
        for c in _FLOOR_COLS[2:]:
            out[c] = np.nan if c in ("national_floor", "floor") else ""
        return out
    t = _target_rows(targets, target_year, catalog)
    summed = {ind.code for ind in catalog if ind.aggregation.value == "sum"}
    cands = []
    for scope_kind, sel in (("national", t["scope"] == "national"),
                            ("province", t["scope"] == str(province_code) if province_code else None),
                            ("own", None)):
        if scope_kind == "own":
            c = keys.merge(t, left_on=["unit_code", "indicator_code"], right_on=["scope", "indicator_code"])
        elif sel is None:
            continue
        else:
            c = keys.merge(t[sel], on="indicator_code")
            # the province's own absolute count belongs to the province unit only (merged by "own" there)
            c = c[c["unit_code"] != c["scope"]]
        c = c.assign(level=scope_kind)
        cands.append(c)
    c = pd.concat(cands, ignore_index=True) if cands else keys.iloc[:0]
    if len(c) == 0:
        return resolve_floors(pairs, None, observations, catalog, target_year=target_year)
    is_abs = c["kind"] == TargetKind.ABSOLUTE.value
    # absolute figures of additive indicators apply only to the scope unit itself
    c = c[~(is_abs & c["indicator_code"].isin(summed) & (c["unit_code"] != c["scope"]))].copy()
    base = base_values(observations, c, c["base_year"].to_numpy(float)).to_numpy(float)
    n = target_year - c["base_year"].to_numpy(float)
    kind = c["kind"].to_numpy()
    v = c["v"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        val = np.where(kind == TargetKind.RELATIVE.value, base * (1 + v / 100.0),
                       np.where(kind == TargetKind.ANNUAL_CHANGE.value, base * np.power(1 + v / 100.0, n), v))
    c["abs"] = val
    if relative_min_base is None:
        from ctxh_plan.evaluate.settings import load_relative_min_base

        relative_min_base = load_relative_min_base()
    counts = {ind.code for ind in catalog if ind.kind.value == "count"} if province_code else set()
    with np.errstate(invalid="ignore"):  # without a province code no unit is known to be below the province
        small = ((kind != TargetKind.ABSOLUTE.value) & (c["level"] != "own").to_numpy()
                 & (c["unit_code"] != str(province_code)).to_numpy() & c["indicator_code"].isin(counts).to_numpy()
                 & (base < float(relative_min_base)))
    c = c[~small]
    base, kind = base[~small], kind[~small]
    note = np.where((kind != TargetKind.ABSOLUTE.value) & np.isnan(base), "no base value", "")
    c["note"] = note
    sign = c["indicator_code"].map({ind.code: ind.direction.sign for ind in catalog}).to_numpy()
    c["strict_key"] = -sign * c["abs"].to_numpy(float)  # smaller = stricter
    c = c.sort_values(["unit_code", "indicator_code", "strict_key"], na_position="last", kind="stable")
    best = c.drop_duplicates(["unit_code", "indicator_code"], keep="first")
    nat = c[c["level"] == "national"].drop_duplicates(["unit_code", "indicator_code"])
    notes = (c[c["note"] != ""].groupby(["unit_code", "indicator_code"])["note"].first()
             .rename("floor_note").reset_index())
    out = keys.merge(best[["unit_code", "indicator_code", "abs", "operator", "scope"]], how="left",
                     on=["unit_code", "indicator_code"])
    out = out.rename(columns={"abs": "floor", "operator": "floor_operator", "scope": "floor_source"})
    out = out.merge(nat[["unit_code", "indicator_code", "abs"]].rename(columns={"abs": "national_floor"}),
                    how="left", on=["unit_code", "indicator_code"])
    out = out.merge(notes, how="left", on=["unit_code", "indicator_code"])
    out["floor_operator"] = out["floor_operator"].fillna("").astype(str)
    out["floor_source"] = out["floor_source"].where(out["floor"].notna(), "").fillna("").astype(str)
    out["floor_note"] = out["floor_note"].fillna("").astype(str)
    return out[_FLOOR_COLS]
