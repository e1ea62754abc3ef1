"""Crosswalks from former units to the units of 1 July 2025, with weights.

* :func:`build_crosswalk` — one row per (former commune, new unit) of the official conversion table;
  whole mergers weigh 1, area-only transfers 0 (the table says which unit takes the whole
  population), split communes by child population, explicit weights or equal shares (named in
  ``weight_source``); the weights of each former commune sum to 1.
* :func:`build_district_crosswalk` — district figures go district → its former communes (shares by
  child population when known for every commune, else equal shares) → new units.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.data.units import Relation
from ctxh_plan.errors import InputError

__all__ = ["WEIGHT_SOURCES", "build_crosswalk", "build_district_crosswalk"]

log = logging.getLogger(__name__)

#: weights of one former unit must sum to 1 within this tolerance
WEIGHT_TOLERANCE = 1e-6


#: weight_source values of the crosswalk
WEIGHT_SOURCES = {
    "whole": "merged whole (Nhập toàn bộ / Giữ nguyên): weight 1",
    "population_note": "conversion table note 'toàn bộ dân số': whole population to that unit, area-only parts 0",
    "child_population": "child population of each part (weights file)",
    "weights_file": "explicit weights (weights file)",
    "equal_shares": "equal shares (no population or weights given)",
    "single_part": "only one part listed in the table: weight 1",
}


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
    wrows = _group(frame_records(weights) if weights is not None else [], "old_code")
    if weights is not None:
        for r in frame_records(weights):
            if r["old_code"] in old_codes and r["new_code"] and (r["old_code"], r["new_code"]) not in pairs:
                raise InputError(f"former commune {r['old_code']} did not go to {r['new_code']} in the conversion "
                                 "table", file=r["file"], row=r["row"], column="new_code", value=r["new_code"],
                                 fix="use a new unit listed for that commune in the conversion table")
    out = []
    for old, g in _group(frame_records(conversion), "old_code").items():
        rel = [Relation(x["relation"]) for x in g]
        given = [r for r in wrows.get(old, []) if r["new_code"]]
        if len(g) == 1 and rel[0].is_whole:
            ws, src = [1.0], "whole"
            bad = [r for r in given if not math.isnan(r["weight"]) and abs(r["weight"] - 1) > WEIGHT_TOLERANCE]
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
    if abs(math.fsum(ws) - 1) > WEIGHT_TOLERANCE:
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
    wrows = _group(frame_records(weights) if weights is not None else [], "old_code")
    keep = set(districts) if districts is not None else None
    out = []
    for d, group in _group(frame_records(cw), "old_district_code").items():
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
    rows = [r for r in frame_records(weights) if not math.isnan(r["child_population"])]
    totals = {r["old_code"]: r["child_population"] for r in rows if not r["new_code"]}
    parts: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["new_code"]:
            parts.setdefault(r["old_code"], {})[r["new_code"]] = r["child_population"]
    for c, group in _group(frame_records(cw), "old_code").items():
        news = [r["new_code"] for r in group]
        if c in totals:
            pops[c] = totals[c]
        elif c in parts and set(news) <= set(parts[c]):
            pops[c] = sum(parts[c][n] for n in news)
    return pops


def _explicit_district(d: str, rows: list[dict], group: list[dict]) -> list[dict]:
    reachable = {r["new_code"]: r["new_name"] for r in group}
    ws = [r["weight"] for r in rows]
    if any(math.isnan(w) for w in ws) or abs(math.fsum(ws) - 1) > WEIGHT_TOLERANCE:
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
