"""Aggregation of unit values up the hierarchy (commune → district → province).

Rules come from the catalogue's ``aggregation``:

* ``sum`` – counts and money are summed;
* ``ratio`` – Σ numerators / Σ denominators × factor (never the mean of rates);
* ``share_of_units`` – Σ units meeting / Σ units (a child row with numerator and
  denominator contributes them; a child reporting 100 or 0 counts as 1 unit
  meeting or not);
* ``all`` – yes/no: yes only when every child unit says yes;
* ``none`` – not aggregated.

A ratio row without numerator/denominator takes them from the component
indicators named in the catalogue (``Indicator.numerator`` / ``.denominator``)
when those are present for the same unit, year and period.
When a parent reports its own value, the reported value is kept and used further
up; :func:`compare_reported` puts the computed aggregate beside it.
"""
from __future__ import annotations

from typing import Any

from ctxh_plan.data.frames import OBSERVATION_COLUMNS, OBSERVATION_KEYS, coerce_observations
from ctxh_plan.evaluate.frames import indicator_map, join_notes

__all__ = ["compare_reported", "fill_components", "registry_frame", "rollup_observations"]

_KEYS = list(OBSERVATION_KEYS)


def registry_frame(units: Any) -> Any:
    """The units frame of a :class:`~ctxh_plan.data.units.UnitRegistry` (or a units frame itself)."""
    frame = getattr(units, "frame", units)
    out = frame[["unit_code", "parent_code"] + [c for c in ("name", "level") if c in frame.columns]].copy()
    out["unit_code"] = out["unit_code"].astype(str)
    out["parent_code"] = out["parent_code"].fillna("").astype(str)
    return out


def fill_components(obs: Any, catalog: Any) -> Any:
    """Fill missing numerator/denominator of ratio rows from component indicators.

    Parameters
    ----------
    obs : observations frame (normalised or not).
    catalog : Catalog

    Returns
    -------
    A new observations frame; rows whose numerator/denominator were filled say so
    in ``note``, and their ``value`` is recomputed when it was missing.
    """
    import numpy as np

    out = coerce_observations(obs)
    num_of = {i.code: i.numerator for i in catalog if i.kind.is_ratio and i.numerator}
    den_of = {i.code: i.denominator for i in catalog if i.kind.is_ratio and i.denominator}
    if not (num_of or den_of):
        return out
    comp = out[_KEYS + ["value"]].drop_duplicates(_KEYS).rename(columns={"indicator_code": "_code"})
    filled = np.zeros(len(out), dtype=bool)
    for col, mapping in (("numerator", num_of), ("denominator", den_of)):
        code = out["indicator_code"].map(mapping)
        need = (out[col].isna() & code.notna()).to_numpy()
        if not need.any():
            continue
        ask = out.loc[need, ["unit_code", "year", "period"]].assign(_code=code[need].to_numpy())
        vals = ask.merge(comp, on=["unit_code", "_code", "year", "period"], how="left")["value"].to_numpy()
        out.loc[need, col] = vals
        filled |= need & ~np.isnan(out[col].to_numpy(dtype=float))
    if filled.any():
        factor = out["indicator_code"].map(indicator_map(catalog, "factor")).astype(float)
        recompute = filled & out["value"].isna().to_numpy() & (out["denominator"] > 0).to_numpy()
        out.loc[recompute, "value"] = (out["numerator"] / out["denominator"] * factor)[recompute]
        out.loc[filled, "note"] = out.loc[filled, "note"].map(
            lambda n: join_notes(n, "tử số/mẫu số lấy từ chỉ tiêu thành phần / numerator-denominator from components"))
    return _add_component_rows(out, catalog)


def _add_component_rows(out: Any, catalog: Any) -> Any:
    """Create ratio rows where only the two component indicators are reported."""
    import pandas as pd

    pairs = pd.DataFrame([(i.code, i.numerator, i.denominator, i.factor) for i in catalog
                          if i.kind.is_ratio and i.numerator and i.denominator],
                         columns=["code", "num", "den", "factor"])
    if pairs.empty:
        return out
    ykeys = ["unit_code", "year", "period"]
    base = out.loc[out["indicator_code"].isin(set(pairs["num"]) | set(pairs["den"])),
                   ykeys + ["indicator_code", "value", "flag"]]
    n = base.merge(pairs, left_on="indicator_code", right_on="num")
    dn = base.merge(pairs[["code", "den"]], left_on="indicator_code", right_on="den").drop(columns="den")
    both = n.merge(dn, on=ykeys + ["code"], suffixes=("_n", "_d")).drop_duplicates(ykeys + ["code"])
    both = both[both["value_n"].notna() & (both["value_d"] > 0)]
    if both.empty:
        return out
    have = set(zip(*(out[c].tolist() for c in _KEYS)))
    both = both[[k not in have for k in zip(*(both[c].tolist() for c in ("unit_code", "code", "year", "period")))]]
    if both.empty:
        return out
    new = pd.DataFrame({
        "unit_code": both["unit_code"], "indicator_code": both["code"], "year": both["year"],
        "period": both["period"], "value": both["value_n"] / both["value_d"] * both["factor"],
        "numerator": both["value_n"], "denominator": both["value_d"],
        "flag": [_union_flags([a, b]) for a, b in zip(both["flag_n"], both["flag_d"])],
        "source": "tính từ " + both["num"] + "/" + both["den"] + " / computed from components",
        "note": "tính từ chỉ tiêu thành phần / computed from component indicators"})
    return pd.concat([out, new], ignore_index=True)


def _group_flags(rows: Any, keys: list[str]) -> Any:
    """Union of the ``;``-joined flags per group (a Series indexed by ``keys``; groups without flags absent)."""
    flagged = rows[rows["flag"].astype(str) != ""]
    return flagged.groupby(keys, sort=False)["flag"].agg(_union_flags)


def _union_flags(flags: Any) -> str:
    parts = sorted({p.strip() for f in flags for p in str(f).split(";") if p.strip()})
    return ";".join(parts)


def _aggregate_level(rows: Any, catalog: Any, expected: dict[str, int]) -> Any:
    """Aggregate child rows (with a ``parent`` column) to their parents for one level."""
    import numpy as np
    import pandas as pd

    agg_of = indicator_map(catalog, "aggregation")
    factor_of = indicator_map(catalog, "factor")
    rows = rows.assign(agg=rows["indicator_code"].map(agg_of).fillna("none"))
    keys = ["parent", "indicator_code", "year", "period"]
    parts = []

    s = rows[rows["agg"] == "sum"]
    if len(s):
        g = s.groupby(keys, sort=False)
        p = g["value"].sum(min_count=1).to_frame("value")
        p["n_units"] = g["value"].count()
        p["numerator"] = np.nan
        p["denominator"] = np.nan
        p["flag"] = _group_flags(s, keys).reindex(p.index).fillna("")
        parts.append(p.reset_index().assign(aggregation="sum"))

    r = rows[rows["agg"].isin(["ratio", "share_of_units"])].copy()
    if len(r):
        share = (r["agg"] == "share_of_units") & (r["numerator"].isna() | r["denominator"].isna())
        yes_no = share & r["value"].isin([0.0, 100.0])
        r.loc[yes_no, "numerator"] = r.loc[yes_no, "value"] / 100.0
        r.loc[yes_no, "denominator"] = 1.0
        r = r[r["numerator"].notna() & r["denominator"].notna()]
        if len(r):
            g = r.groupby(keys, sort=False)
            p = g[["numerator", "denominator"]].sum()
            p["n_units"] = g["numerator"].count()
            p["flag"] = _group_flags(r, keys).reindex(p.index).fillna("")
            p["aggregation"] = g["agg"].first()
            p = p.reset_index()
            fac = p["indicator_code"].map(factor_of).astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                p["value"] = np.where(p["denominator"] > 0, p["numerator"] / p["denominator"] * fac, np.nan)
            parts.append(p)

    a = rows[rows["agg"] == "all"]
    if len(a):
        g = a.groupby(keys, sort=False)
        p = g["value"].agg(n_units="count", yes="max")
        p["any_no"] = a.assign(no=a["value"] <= 0).groupby(keys, sort=False)["no"].any()
        p["flag"] = _group_flags(a, keys).reindex(p.index).fillna("")
        p = p.reset_index()
        exp = p["parent"].map(expected).fillna(0)
        p["value"] = np.where(p["any_no"], 0.0, np.where(p["n_units"] >= exp, p["yes"], np.nan))
        p["numerator"] = np.nan
        p["denominator"] = np.nan
        parts.append(p.drop(columns=["any_no", "yes"]).assign(aggregation="all"))

    cols = ["unit_code", "indicator_code", "year", "period", "value", "numerator", "denominator", "n_units",
            "n_units_expected", "complete", "aggregation", "flag", "source", "note", "value_source"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True).rename(columns={"parent": "unit_code"})
    out["n_units_expected"] = out["unit_code"].map(expected).fillna(0).astype("int64")
    out["n_units"] = out["n_units"].astype("int64")
    out["complete"] = out["n_units"] >= out["n_units_expected"]
    out["source"] = "tổng hợp từ đơn vị cấp dưới / aggregated from child units"
    out["note"] = np.where(out["complete"], "",
                           out["n_units"].astype(str) + "/" + out["n_units_expected"].astype(str)
                           + " đơn vị có số liệu / units with data")
    out["value_source"] = "aggregated"
    return out[cols]


def _depths(reg: Any) -> dict[str, int]:
    parent = dict(zip(reg["unit_code"], reg["parent_code"]))
    depth: dict[str, int] = {}
    for code in parent:
        d, cur, seen = 0, code, set()
        while parent.get(cur) and parent[cur] in parent and cur not in seen:
            seen.add(cur)
            cur = parent[cur]
            d += 1
        depth[code] = d
    return depth


def rollup_observations(obs: Any, units: Any, catalog: Any, *, components_filled: bool = False) -> Any:
    """Aggregate observations to every parent unit, bottom-up, by the catalogue's rule.

    Parameters
    ----------
    obs : observations frame (see docs/ARCHITECTURE.md); rows of unknown units are ignored.
    units : UnitRegistry or units frame (``unit_code``, ``parent_code``).
    catalog : Catalog
    components_filled : bool
        ``obs`` already went through :func:`fill_components` (skips that step).

    Returns
    -------
    DataFrame
        One row per (parent unit, indicator, year, period) that could be computed:
        the observation columns plus ``n_units`` (child units with data),
        ``n_units_expected`` (child units in the registry), ``complete``,
        ``aggregation`` (rule used) and ``value_source = "aggregated"``. A parent's
        own reported value is *not* replaced here; one level up, the reported value
        of a parent is used in preference to its computed aggregate.
    """
    import pandas as pd

    reg = registry_frame(units)
    parent = dict(zip(reg["unit_code"], reg["parent_code"]))
    expected = reg[reg["parent_code"] != ""].groupby("parent_code")["unit_code"].count().to_dict()
    depth = _depths(reg)
    current = (coerce_observations(obs) if components_filled else fill_components(obs, catalog))
    current = current[list(OBSERVATION_COLUMNS)]
    current = current[current["unit_code"].isin(parent.keys())]
    results = []
    for d in sorted({v for v in depth.values() if v > 0}, reverse=True):
        rows = current[current["unit_code"].map(depth) == d]
        if rows.empty:
            continue
        rows = rows.assign(parent=rows["unit_code"].map(parent))
        agg = _aggregate_level(rows, catalog, expected)
        if agg.empty:
            continue
        results.append(agg)
        have = pd.MultiIndex.from_frame(current[_KEYS])
        new = ~pd.MultiIndex.from_frame(agg[_KEYS]).isin(have)
        current = pd.concat([current, agg.loc[new, current.columns]], ignore_index=True)
    if not results:
        return _aggregate_level(current.iloc[:0].assign(parent=[]), catalog, expected)
    return pd.concat(results, ignore_index=True)


def compare_reported(obs: Any, aggregated: Any) -> Any:
    """Consistency table: each computed aggregate beside the parent's own reported value.

    Returns
    -------
    DataFrame
        ``unit_code, indicator_code, year, period, reported_value, aggregated_value,
        difference`` (reported − aggregated, in the indicator's unit),
        ``relative_difference`` (difference ÷ aggregated, fraction), ``n_units``,
        ``n_units_expected``, ``complete``. Aggregates without a reported value have
        ``reported_value`` NaN.
    """
    import numpy as np

    rep = coerce_observations(obs)[_KEYS + ["value"]].drop_duplicates(_KEYS).rename(
        columns={"value": "reported_value"})
    agg = aggregated[_KEYS + ["value", "n_units", "n_units_expected", "complete"]].rename(
        columns={"value": "aggregated_value"})
    out = agg.merge(rep, on=_KEYS, how="left")
    out["difference"] = out["reported_value"] - out["aggregated_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_difference"] = np.where(out["aggregated_value"] != 0,
                                              out["difference"] / out["aggregated_value"], np.nan)
    return out[_KEYS + ["reported_value", "aggregated_value", "difference", "relative_difference",
                        "n_units", "n_units_expected", "complete"]]
