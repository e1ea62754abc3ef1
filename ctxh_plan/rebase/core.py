"""Re-base 2021–2025 history onto the commune-level units of 1 July 2025.

Design (see docs/REBASE.md for the worked examples):

1. **Commune crosswalk** (:func:`build_crosswalk`): one row per (former commune,
   new unit) of the official conversion table with a weight. Whole mergers
   ("Nhập toàn bộ", "Giữ nguyên") weigh 1. For an area-only transfer the table
   says which new unit takes the *whole population* ("…, toàn bộ dân số"): it
   weighs 1, the area-only rows weigh 0 (no child moves with bare land). Split
   communes ("Nhập một phần") are weighted by child population of each part
   (weights file column ``child_population``), else by an explicit weight
   (column ``weight``), else by equal shares. The source is named in
   ``weight_source``; the weights of each former commune sum to 1.
2. **District crosswalk** (:func:`build_district_crosswalk`): district-level
   figures go district → its former communes (shares by child population when the
   weights file gives it for every commune, else equal shares) → new units.
3. **Re-allocation** (:func:`rebase_observations`), by the indicator's aggregation:
   ``sum`` — integer counts by largest-remainder rounding (the pieces of each
   former unit sum back to its figure exactly), other values (money, estimates
   with decimals) proportionally; ``ratio`` — numerator and denominator
   re-allocated in fractional parts and the rate rebuilt as a ratio of sums
   (rounding both parts would make small units' rates noise; fallback when a
   former unit has no numerator/denominator: mean of the former rates weighted by
   the allocation weights, flagged ``approximate``); ``share_of_units`` — units
   meeting the standard and all units (and their component counts) re-allocated
   in fractional parts by *count of former communes* (a district's share is
   applied to each of its communes, an expected value);
   ``all`` — a new unit meets the standard only if every contributing former unit
   did; ``none`` — not re-based (listed in ``skipped``).

Every re-based row carries the flag ``rebased`` and a note with the method,
weight sources and the former units it comes from.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctxh_plan.data.units import LAST_DAY_BEFORE_REFORM, REFORM_DATE, Relation, UnitRegistry, load_units, parse_date
from ctxh_plan.errors import InputError, ParameterError

__all__ = [
    "WEIGHT_SOURCES",
    "RebaseResult",
    "allocate_fractional",
    "allocate_integer",
    "build_crosswalk",
    "build_district_crosswalk",
    "load_registry",
    "read_weights",
    "rebase_dataset",
    "rebase_frames",
    "rebase_observations",
    "rebase_targets",
]

log = logging.getLogger(__name__)

#: weight_source values of the crosswalk
WEIGHT_SOURCES = {
    "whole": "merged whole (Nhập toàn bộ / Giữ nguyên): weight 1",
    "population_note": "conversion table note 'toàn bộ dân số': whole population to that unit, area-only parts 0",
    "child_population": "child population of each part (weights file)",
    "weights_file": "explicit weights (weights file)",
    "equal_shares": "equal shares (no population or weights given)",
    "single_part": "only one part listed in the table: weight 1",
}
OBS_COLUMNS = ["unit_code", "indicator_code", "year", "period", "value", "numerator", "denominator", "flag",
               "source", "note"]
SKIPPED_COLUMNS = ["unit_code", "indicator_code", "year", "period", "reason"]
_TOL = 1e-6


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


# ---------------------------------------------------------------------------------------------- allocation


def allocate_integer(total: int, weights: Sequence[float], *, tie_key: str = "") -> list[int]:
    """Split a non-negative integer ``total`` by ``weights`` with largest-remainder rounding.

    The parts are integers, each within 1 of ``total * w / sum(w)``, and sum to
    ``total`` exactly. Zero weights get 0. Equal remainders (common with equal
    shares) are ordered by a fixed pseudo-random rank derived from ``tie_key``
    (e.g. unit, indicator and year), so that the same part does not get every
    extra child year after year; the same inputs always give the same result.

    Raises
    ------
    ValueError
        Negative total, negative weights, or all weights zero with a non-zero total.
    """
    total = int(total)
    if total < 0:
        raise ValueError(f"cannot allocate a negative count ({total})")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    wsum = math.fsum(weights)
    if wsum <= 0:
        if total:
            raise ValueError("all weights are zero")
        return [0] * len(weights)
    quotas = [total * w / wsum for w in weights]
    parts = [math.floor(q) for q in quotas]
    rest = total - sum(parts)
    order = sorted((i for i, w in enumerate(weights) if w > 0),
                   key=lambda i: (-(quotas[i] - parts[i]), _tie_rank(tie_key, i)))
    for i in order[:max(rest, 0)]:
        parts[i] += 1
    while rest < 0:  # float fuzz pushed a floor above its quota: take back from the smallest remainder
        i = min((i for i in order if parts[i] > 0), key=lambda i: quotas[i] - parts[i])
        parts[i] -= 1
        rest += 1
    return parts


def _tie_rank(key: str, i: int) -> bytes:
    return hashlib.blake2b(f"{key}|{i}".encode(), digest_size=8).digest() if key else i.to_bytes(8, "big")


def allocate_fractional(total: float, weights: Sequence[float]) -> list[float]:
    """Split ``total`` proportionally to ``weights``; the largest part absorbs float rounding
    so that ``math.fsum(parts) == total`` up to one unit in the last place."""
    wsum = math.fsum(weights)
    if wsum <= 0:
        raise ValueError("all weights are zero")
    parts = [total * w / wsum for w in weights]
    k = max(range(len(weights)), key=lambda i: weights[i])
    parts[k] = total - math.fsum(p for i, p in enumerate(parts) if i != k)
    return parts


# ------------------------------------------------------------------------------------------------ weights


def read_weights(weights: Any) -> Any:
    """Read a weights table (path to CSV, or a DataFrame).

    Columns: ``old_code`` (former commune or former district), ``new_code`` (new
    unit; empty on a row that only gives a former commune's child population) and
    ``child_population`` and/or ``weight``. ``,`` or ``;`` separated, UTF-8.

    Returns
    -------
    DataFrame with ``old_code, new_code, weight, child_population, file, row``.

    Raises
    ------
    InputError
        Missing columns, negative or non-numeric values — naming file and row.
    """
    import pandas as pd

    if isinstance(weights, pd.DataFrame):
        frame, fname = weights.copy(), "<weights frame>"
    else:
        p = Path(weights)
        if not p.exists():
            raise InputError("weights file not found", file=str(p), fix="check the path")
        text = p.read_text(encoding="utf-8-sig")
        sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        frame = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        fname = str(p)
    frame.columns = [str(c).strip() for c in frame.columns]
    if "old_code" not in frame.columns or not ({"weight", "child_population"} & set(frame.columns)):
        raise InputError("a weights file needs old_code and weight and/or child_population columns", file=fname,
                         row=1, fix="columns: old_code,new_code,weight (or child_population)")
    out = pd.DataFrame({"old_code": frame["old_code"].astype(str).str.strip(),
                        "new_code": frame.get("new_code", pd.Series([""] * len(frame))).fillna("").astype(str)
                        .str.strip()})
    for col in ("weight", "child_population"):
        vals = []
        for i, raw in enumerate(frame[col] if col in frame.columns else [""] * len(frame)):
            s = str(raw).strip().replace(",", ".") if raw is not None else ""
            if s in ("", "nan", "NaN", "<NA>", "None"):
                vals.append(math.nan)
                continue
            try:
                v = float(s)
            except ValueError:
                raise InputError("not a number", file=fname, row=i + 2, column=col, value=raw,
                                 fix="write a number (e.g. 0.6 or 1250)") from None
            if not math.isfinite(v) or v < 0:
                raise InputError("weights and populations must be finite and >= 0", file=fname, row=i + 2,
                                 column=col, value=raw, fix="use a value >= 0")
            vals.append(v)
        out[col] = vals
    for i, code in enumerate(out["old_code"]):
        if not code.isdigit():
            raise InputError("old_code must be an official code (digits, with leading zeros)", file=fname,
                             row=i + 2, column="old_code", value=code, fix="e.g. 06655 or 193")
    out["file"] = fname
    out["row"] = range(2, len(out) + 2)
    return out


def _group(records: Iterable[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in records:
        out.setdefault(r[key], []).append(r)
    return out


def build_crosswalk(conversion: Any, *, weights: Any = None) -> Any:
    """Commune crosswalk former commune → new unit with weights.

    Parameters
    ----------
    conversion : DataFrame
        From :func:`ctxh_plan.data.units.load_conversion`.
    weights : DataFrame, optional
        From :func:`read_weights`.

    Returns
    -------
    DataFrame
        ``level`` ("commune"), ``old_code, old_name, old_district_code, new_code,
        new_name, relation, weight, weight_source``; the weights of each former
        commune sum to 1.

    Raises
    ------
    InputError
        A weights row for a pair not in the conversion table, explicit weights of a
        former commune that do not sum to 1, or weights that miss a part — naming
        the weights file and row.
    """
    import pandas as pd

    pairs = set(zip(conversion["old_code"], conversion["new_code"]))
    old_codes = set(conversion["old_code"])
    wrows = _group(weights.to_dict("records") if weights is not None else [], "old_code")
    if weights is not None:
        for r in weights.to_dict("records"):
            if r["old_code"] in old_codes and r["new_code"] and (r["old_code"], r["new_code"]) not in pairs:
                raise InputError(f"former commune {r['old_code']} did not go to {r['new_code']} in the conversion "
                                 "table", file=r["file"], row=r["row"], column="new_code", value=r["new_code"],
                                 fix="use a new unit listed for that commune in the conversion table")
    out = []
    for old, g in _group(conversion.to_dict("records"), "old_code").items():
        rel = [Relation(x["relation"]) for x in g]
        given = [r for r in wrows.get(old, []) if r["new_code"]]
        if len(g) == 1 and rel[0].is_whole:
            ws, src = [1.0], "whole"
            bad = [r for r in given if not math.isnan(r["weight"]) and abs(r["weight"] - 1) > _TOL]
            if bad:
                raise InputError(f"former commune {old} was merged whole into {g[0]['new_code']}: its weight is 1",
                                 file=bad[0]["file"], row=bad[0]["row"], column="weight", value=bad[0]["weight"],
                                 fix="remove the row or write weight 1")
        elif given:
            ws, src = _given_weights(old, g, given)
            if Relation.AREA_ALL_POPULATION in rel:
                log.warning("former commune %s: weights file overrides the conversion note 'toàn bộ dân số'", old)
                src += " (overrides note 'toàn bộ dân số')"
        elif Relation.AREA_ALL_POPULATION in rel:
            ws = [1.0 if x is Relation.AREA_ALL_POPULATION else 0.0 for x in rel]
            src = "population_note"
        elif len(g) == 1:
            log.warning("former commune %s: only one part listed (%s); weight 1", old, g[0]["note"])
            ws, src = [1.0], "single_part"
        else:
            ws, src = [1.0 / len(g)] * len(g), "equal_shares"
        for x, w in zip(g, ws):
            out.append({"level": "commune", "old_code": old, "old_name": x["old_name"],
                        "old_district_code": x["old_district_code"], "new_code": x["new_code"],
                        "new_name": x["new_name"], "relation": x["relation"], "weight": float(w),
                        "weight_source": src})
    return pd.DataFrame(out)


def _given_weights(old: str, g: list[dict], given: list[dict]) -> tuple[list[float], str]:
    by_new = {r["new_code"]: r for r in given}
    first = given[0]
    missing = [x["new_code"] for x in g if x["new_code"] not in by_new]
    if missing:
        raise InputError(f"weights for former commune {old} miss its part(s) going to {', '.join(missing)}",
                         file=first["file"], row=first["row"], column="new_code", value=old,
                         fix="give one row per part listed in the conversion table")
    pops = [by_new[x["new_code"]]["child_population"] for x in g]
    if not any(math.isnan(p) for p in pops) and sum(pops) > 0:
        return [p / sum(pops) for p in pops], "child_population"
    ws = [by_new[x["new_code"]]["weight"] for x in g]
    if any(math.isnan(w) for w in ws):
        raise InputError(f"former commune {old}: give child_population or weight for every part", file=first["file"],
                         row=first["row"], column="weight", value=old, fix="fill the weight column for each part")
    if abs(math.fsum(ws) - 1) > _TOL:
        raise InputError(f"weights of former commune {old} sum to {math.fsum(ws):g}, not 1", file=first["file"],
                         row=first["row"], column="weight", value=[round(w, 6) for w in ws],
                         fix="make the weights of one former commune add up to 1")
    return ws, "weights_file"


def build_district_crosswalk(crosswalk: Any, *, weights: Any = None, by: str = "population",
                             districts: Iterable[str] | None = None) -> Any:
    """District crosswalk former district → new unit, through the commune crosswalk.

    Parameters
    ----------
    crosswalk : DataFrame from :func:`build_crosswalk`.
    weights : DataFrame from :func:`read_weights`, optional. Rows with a former
        district in ``old_code`` give explicit district → new unit weights (must sum
        to 1); rows giving a former commune's ``child_population`` decide the commune
        shares of its district.
    by : "population" or "units"
        ``units``: each former commune counts 1 (share-of-units indicators).
    districts : restrict to these former districts.

    Returns
    -------
    DataFrame with the columns of :func:`build_crosswalk`, ``level`` "district".
    """
    import pandas as pd

    cw = crosswalk
    pops = _commune_population(cw, weights)
    wrows = _group(weights.to_dict("records") if weights is not None else [], "old_code")
    keep = set(districts) if districts is not None else None
    out = []
    for d, group in _group(cw.to_dict("records"), "old_district_code").items():
        if keep is not None and d not in keep:
            continue
        explicit = wrows.get(d, []) if by == "population" else []
        if explicit:
            out.extend(_explicit_district(d, explicit, group))
            continue
        communes = list(dict.fromkeys(r["old_code"] for r in group))
        known = [c for c in communes if c in pops]
        if by == "population" and len(known) == len(communes) and sum(pops[c] for c in communes) > 0:
            tot = sum(pops[c] for c in communes)
            share, ssrc = {c: pops[c] / tot for c in communes}, "child_population"
        else:
            if by == "population" and known:
                log.warning("former district %s: child population given for %d of %d communes; equal shares used",
                            d, len(known), len(communes))
            share = {c: 1 / len(communes) for c in communes}
            ssrc = "equal_shares" if by == "population" else "count_of_communes"
            if by == "population" and known:
                ssrc += f" (population missing for {len(communes) - len(known)} communes)"
        acc: dict[str, float] = {}
        srcs: dict[str, set] = {}
        for r in group:
            acc[r["new_code"]] = acc.get(r["new_code"], 0.0) + share[r["old_code"]] * r["weight"]
            srcs.setdefault(r["new_code"], set()).add(r["weight_source"])
        names = {r["new_code"]: r["new_name"] for r in group}
        for n, w in acc.items():
            out.append({"level": "district", "old_code": d, "old_name": "", "old_district_code": d, "new_code": n,
                        "new_name": names[n], "relation": "via_communes", "weight": w,
                        "weight_source": f"communes by {ssrc}; parts by {'+'.join(sorted(srcs[n]))}"})
    return pd.DataFrame(out, columns=list(cw.columns))


def _commune_population(cw, weights) -> dict[str, float]:
    if weights is None:
        return {}
    pops: dict[str, float] = {}
    rows = [r for r in weights.to_dict("records") if not math.isnan(r["child_population"])]
    totals = {r["old_code"]: r["child_population"] for r in rows if not r["new_code"]}
    parts: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["new_code"]:
            parts.setdefault(r["old_code"], {})[r["new_code"]] = r["child_population"]
    for c, group in _group(cw.to_dict("records"), "old_code").items():
        news = [r["new_code"] for r in group]
        if c in totals:
            pops[c] = totals[c]
        elif c in parts and set(news) <= set(parts[c]):
            pops[c] = sum(parts[c][n] for n in news)
    return pops


def _explicit_district(d: str, rows: list[dict], group: list[dict]) -> list[dict]:
    reachable = {r["new_code"]: r["new_name"] for r in group}
    ws = [r["weight"] for r in rows]
    if any(math.isnan(w) for w in ws) or abs(math.fsum(ws) - 1) > _TOL:
        r = rows[0]
        raise InputError(f"weights of former district {d} sum to {math.fsum(ws):g}, not 1", file=r["file"],
                         row=r["row"], column="weight", value=d, fix="make the weights of one district add up to 1")
    out = []
    for r in rows:
        if r["new_code"] not in reachable:
            raise InputError(f"former district {d} has no commune that went to {r['new_code']}", file=r["file"],
                             row=r["row"], column="new_code", value=r["new_code"],
                             fix=f"use one of {', '.join(sorted(reachable))}")
        out.append({"level": "district", "old_code": d, "old_name": "", "old_district_code": d,
                    "new_code": r["new_code"], "new_name": reachable[r["new_code"]], "relation": "explicit",
                    "weight": r["weight"], "weight_source": "weights_file"})
    return out


# --------------------------------------------------------------------------------------------- re-basing


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
           for r in obs[["unit_code", "indicator_code", "year", "period", "value"]].to_dict("records")}
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


def _cell_float(v: Any, col: str, i: int) -> float:
    if v is None or (isinstance(v, str) and not v.strip()):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InputError("not a number (parse the file with ctxh_plan.io readers first)", row=i + 2, column=col,
                         value=v, fix="give numeric values in the observations frame") from None


def _normalise_obs(observations) -> Any:
    import pandas as pd

    obs = observations.copy()
    for col in OBS_COLUMNS:
        if col not in obs.columns:
            obs[col] = math.nan if col in ("numerator", "denominator") else ("FY" if col == "period" else "")
    obs["unit_code"] = obs["unit_code"].astype(str).str.strip()
    obs["indicator_code"] = obs["indicator_code"].astype(str)
    obs["year"] = pd.to_numeric(obs["year"]).astype(int)
    obs["period"] = obs["period"].fillna("FY").replace("", "FY").astype(str)
    for col in ("value", "numerator", "denominator"):
        obs[col] = [_cell_float(v, col, i) for i, v in enumerate(obs[col])]
    for col in ("flag", "source", "note"):
        obs[col] = obs[col].fillna("").astype(str)
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

    obs = _fill_components(_normalise_obs(observations), catalog)
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
    for r in obs.to_dict("records"):
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
                    out_rows.append({k: r[k] for k in OBS_COLUMNS})
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
                dists = sorted({old_at.parent(c) for c in missing})
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
    result = pd.DataFrame(out_rows, columns=OBS_COLUMNS)
    result = result.sort_values(["indicator_code", "unit_code", "year", "period"], kind="stable").reset_index(
        drop=True)
    return result, xw_pop, pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)


def _pieces(cw) -> dict[str, list[tuple[str, float, str]]]:
    out: dict[str, list] = {}
    for r in cw.to_dict("records"):
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
    note = (f"quy đổi về đơn vị từ {to} / rebased to units of {to}: "
            f"{'; '.join(_METHOD_NOTE[h] for h in sorted(hows))}; weights: {wsrc}; from {froms}")
    return {"unit_code": new_code, "indicator_code": ind.code, "year": year, "period": period, "value": value,
            "numerator": num, "denominator": den, "flag": _flags(*(p["flag"] for p in parts), add=extra),
            "source": "; ".join(dict.fromkeys(p["source"] for p in parts if p["source"])), "note": note}


# ------------------------------------------------------------------------------------------------ targets


def rebase_targets(targets: Any, province: str) -> tuple[Any, Any]:
    """Keep national and province-scope targets; district targets do not carry over.

    Returns
    -------
    (kept, dropped) : DataFrames with the targets columns.
    """
    scope = targets["scope"].astype(str).str.strip()
    keep = scope.isin(["national", str(province)])
    return targets[keep].reset_index(drop=True), targets[~keep].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- front doors


def rebase_frames(observations: Any, catalog: Any, *, province: str = "22", to: str = REFORM_DATE,
                  weights: Any = None, counts: str = "integer", conversion: Any = None) -> RebaseResult:
    """Re-base tidy observations of former units of ``province`` onto the units valid on ``to``.

    Parameters
    ----------
    observations : DataFrame (tidy, docs/ARCHITECTURE.md)
    catalog : Catalog
    province : str
        Official province code.
    to : str or date
        Day of the new units, on or after 2025-07-01.
    weights : path or DataFrame, optional
        Weights file (see :func:`read_weights`).
    counts : "integer" (largest remainder, default) or "fractional".
    conversion : optional path(s) of conversion tables.

    Returns
    -------
    RebaseResult
    """
    import pandas as pd

    day = parse_date(to, key="to")
    if day < REFORM_DATE:
        raise ParameterError("to", f"the new units start on {REFORM_DATE}", value=to,
                             fix=f"use --to {REFORM_DATE} (or a later date)")
    province = str(province)
    w = read_weights(weights) if weights is not None else None
    old_units = _full_registry(province) if conversion is None else load_units(province, include_communes=True,
                                                                               conversion=conversion)
    new_units = old_units.at(day)
    conv = old_units.conversion
    conv = conv[conv["old_province_code"] == province]
    if not len(conv):
        raise InputError(f"no conversion rows for province {province}", value=province, column="province",
                         fix="add the province's official conversion table to data/reference/")
    cw = build_crosswalk(conv, weights=w)
    old_name = old_units.name(province, as_of=LAST_DAY_BEFORE_REFORM)
    new_name = new_units.name(province) if province in new_units else None
    obs, dxw, skipped = rebase_observations(observations, catalog, cw, province=province, old_units=old_units,
                                            to=day, weights=w, counts=counts,
                                            province_kept=(new_name == old_name))
    crosswalk = pd.concat([cw, dxw], ignore_index=True) if len(dxw) else cw
    for r in skipped.head(20).to_dict("records"):
        log.warning("rebase skipped %s %s %s %s: %s", r["unit_code"], r["indicator_code"], r["year"], r["period"],
                    r["reason"])
    return RebaseResult(observations=obs, crosswalk=crosswalk, skipped=skipped, units=new_units, to=day)


def rebase_dataset(ds: Any, *, to: str = REFORM_DATE, weights: Any = None, counts: str = "integer") -> Any:
    """A new Dataset whose observations are on the units valid on ``to``.

    Observations are re-based with :func:`rebase_frames`; ``units`` becomes the
    registry as of ``to``; district-scope targets are dropped; skipped rows are
    appended to ``problems`` as warnings.

    Parameters
    ----------
    ds : Dataset
    to : str, the day of the new units (>= 2025-07-01)
    weights : path or DataFrame, optional (see :func:`read_weights`)
    counts : "integer" (largest remainder, default) or "fractional"
    """
    import pandas as pd

    res = rebase_frames(ds.observations, ds.catalog, province=ds.province_code, to=to, weights=weights,
                        counts=counts)
    targets, _dropped = rebase_targets(ds.targets, ds.province_code)
    changes: dict[str, Any] = {"observations": res.observations, "units": res.units, "targets": targets}
    problems = getattr(ds, "problems", None)
    if problems is not None and len(res.skipped):
        extra = pd.DataFrame({
            "file": "", "sheet": "", "row": pd.NA, "column": "unit_code", "value": res.skipped["unit_code"],
            "problem": "not re-based: " + res.skipped["reason"] + " (" + res.skipped["indicator_code"] + " "
                       + res.skipped["year"].astype(str) + ")",
            "fix": "", "severity": "warning"})
        changes["problems"] = pd.concat([problems, extra[[c for c in extra.columns if c in problems.columns
                                                          or not len(problems.columns)]]], ignore_index=True)
    if callable(getattr(ds, "replace", None)):  # ctxh_plan.data.dataset.Dataset: frames behind properties
        return ds.replace(**changes)
    names = {f.name for f in dataclasses.fields(ds)}
    return dataclasses.replace(ds, **{k: v for k, v in changes.items() if k in names})


@functools.lru_cache(maxsize=8)
def _full_registry_cached(province: str, stamp: tuple) -> UnitRegistry:
    return load_units(province, include_communes=True)


def _full_registry(province: str) -> UnitRegistry:
    """The full registry of the reference tables, cached while the files do not change."""
    from ctxh_plan.paths import reference_dir

    files = sorted(reference_dir().glob("admin_conversion_2025_*.csv")) + [reference_dir() /
                                                                          "district_units_2025-01.csv"]
    stamp = tuple((str(p), p.stat().st_mtime) for p in files if p.exists())
    return _full_registry_cached(province, stamp)


def load_registry(province: str = "22") -> UnitRegistry:
    """The full time-aware registry of a province: former districts and communes and the
    new units, each with validity dates (lookups of shared codes need ``as_of``)."""
    return load_units(province, include_communes=True)
