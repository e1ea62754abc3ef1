"""Evaluation of 2021–2025 achievement: one row per (unit, indicator) with a target.

Works on frames (observations, targets, units, catalogue; columns in
docs/ARCHITECTURE.md). :func:`evaluate_dataset` is the thin wrapper over a
:class:`~ctxh_plan.data.dataset.Dataset`. Methods and thresholds: docs/EVALUATION.md.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ctxh_plan.data.frames import EVALUATION_COLUMNS
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.evaluate import methods as m
from ctxh_plan.evaluate.frames import join_notes
from ctxh_plan.evaluate.nowcast import estimate_year_end
from ctxh_plan.evaluate.poisson import POISSON_METHOD, garwood_interval, pooled_interval, rate_interval
from ctxh_plan.evaluate.rollup import compare_reported, fill_components, registry_frame, rollup_observations
from ctxh_plan.evaluate.target_rules import describe_target, find_target, index_targets, resolve_target_value
from ctxh_plan.evaluate.verdict import assess_certainty, official_verdict, percent_of_target, target_on_grid
from ctxh_plan.vocab import Aggregation, Attainment, Certainty, Direction, Kind

__all__ = ["EVALUATION_COLUMNS", "METHOD_NAMES", "Evaluation", "evaluate_dataset", "evaluate_frames", "parse_period"]

log = logging.getLogger(__name__)

METHOD_NAMES = {
    "attainment": ("official verdict: the target's operator on the reported/estimated value at the indicator's "
                   "decimals; Vượt = strictly better than the target"),
    "progress": "Open SDG / Statistics Canada CAGR progress ratio",
    "unsd": "UNSD progress chart 2023 (CAGR extrapolation)",
    "escap": "ESCAP current status + time-weighted regression",
    "aarr": "UNICEF AARR (log-linear slope)",
}



@dataclass(frozen=True)
class Evaluation:
    """The result of an evaluation.

    Attributes
    ----------
    table : DataFrame
        One row per (unit, indicator) with a target (columns :data:`EVALUATION_COLUMNS`).
    consistency : DataFrame
        Reported province/district figures against the sum (or ratio of sums) of their units:
        ``unit_code, indicator_code, year, period, reported_value, aggregated_value, difference, n_units …``.
    period : (int, int)
        First and last year of the plan period evaluated.
    """

    table: Any
    consistency: Any
    period: tuple[int, int]


def parse_period(period: Any) -> tuple[int, int]:
    """``(2021, 2025)`` from a tuple or a string ``"2021-2025"`` / ``"2021–2025"``.

    Raises
    ------
    ParameterError
        Not two years, or the start after the end.
    """
    try:
        if isinstance(period, str):
            parts = period.replace("–", "-").split("-")
            if len(parts) != 2:
                raise ValueError
            start, end = int(parts[0]), int(parts[1])
        else:
            start, end = (int(x) for x in period)
    except (TypeError, ValueError, IndexError):
        raise ParameterError("period", "must be two years", fix="write e.g. 2021-2025", value=period) from None
    if start > end:
        raise ParameterError("period", "start year is after end year", fix="write e.g. 2021-2025", value=period)
    return start, end


def _needs_interval(kind: Kind, direction: Direction, value: float) -> bool:
    """Small-number events: adverse counts, rates per 1,000/100,000, rare-event (≤ 10 %) lower-is-better percents."""
    if kind is Kind.COUNT:
        return direction is Direction.LOWER
    if kind in (Kind.RATE_1000, Kind.RATE_100000):
        return True
    return kind is Kind.PERCENT and direction is Direction.LOWER and not m.is_missing(value) and value <= 10


def _interval(kind: Kind, value: float, num: float, den: float, level: float) -> tuple[float, float]:
    if kind is Kind.COUNT:
        return garwood_interval(value, level) if not m.is_missing(value) else (math.nan, math.nan)
    if m.is_missing(num) or m.is_missing(den):
        return math.nan, math.nan
    return rate_interval(num, den, kind.factor, level)


def _vi_number(x: float, decimals: int | None = None) -> str:
    """A number for a Vietnamese note (``1.234,5``); whole numbers without decimals by default."""
    from ctxh_plan.data.numbers import format_number

    if decimals is None:
        decimals = 0 if float(x) == int(x) else 1
    return format_number(float(x), decimals, "vi")


def _carried(ctx: dict, unit: str, ind: Any, rec: dict, base_value: float) -> bool:
    """Whether ``unit`` carries the target row ``rec``.

    Absolute targets are always carried (those of additive indicators only by their own scope, see
    :func:`find_target`). A relative or annual-change target set for a larger unit (the province, or the
    nation) is carried by the province itself, by a unit whose own plan sets it (``scope`` = the unit),
    and, for counts, by a unit whose base-year value reaches ``min_base`` (``relative_targets.min_base``
    of ``params/publish.yaml``): −10 % of one death is no target.
    """
    if (rec.get("kind") or "absolute") == "absolute" or rec["scope"] == unit:
        return True
    if ctx["levels"].get(unit) == "province" or not ctx["parent"].get(unit):
        return True
    if ind.kind is not Kind.COUNT or m.is_missing(base_value):
        return True
    return float(base_value) >= ctx["min_base"]


def _label(member: Any, lang: str) -> str:
    return member.label(lang) if member is not None else ""


def _combined_series(obs: Any, agg: Any, end: int) -> Any:
    """FY rows: reported where present, else the computed aggregate."""
    import pandas as pd

    rep = obs[(obs["period"] == "FY") & (obs["year"] <= end)].copy()
    rep["value_source"] = "reported"
    keys = ["unit_code", "indicator_code", "year"]
    rep = rep.sort_values(keys).drop_duplicates(keys, keep="first")
    a = agg[(agg["period"] == "FY") & (agg["year"] <= end)]
    a = a[~pd.MultiIndex.from_frame(a[keys]).isin(pd.MultiIndex.from_frame(rep[keys]))]
    cols = keys + ["value", "numerator", "denominator", "flag", "note", "value_source"]
    out = pd.concat([rep[cols], a[cols]], ignore_index=True)
    out = out[out["value"].notna()]
    return out.sort_values(keys, ignore_index=True)


def _pick_baseline(years: Sequence[int], baseline_year: int) -> tuple[int | None, str]:
    if baseline_year in years:
        return baseline_year, ""
    if not len(years):
        return None, "không có số liệu năm gốc / no baseline value"
    best = min(years, key=lambda y: (abs(y - baseline_year), y))
    return int(best), (f"năm gốc {baseline_year} thiếu số liệu, dùng năm gần nhất {best} / baseline "
                       f"{baseline_year} missing, nearest year {best} used")


def _window(series: dict, years: Iterable[int], kind: Kind) -> tuple[list, list | None] | None:
    """Counts (and denominators for rates) of every year of a pooling window, or None if one is missing."""
    ks, dens = [], []
    for y in years:
        if y not in series:
            return None
        v, num, den = series[y]
        if kind is Kind.COUNT:
            ks.append(v)
        else:
            if m.is_missing(num) or m.is_missing(den):
                return None
            ks.append(num)
            dens.append(den)
    return ks, (None if kind is Kind.COUNT else dens)


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}"


def _evaluate_pair(ctx: dict, unit: str, ind: Any, rec: dict, arr: dict | None) -> dict:
    """All columns for one (unit, indicator)."""
    start, end, base_year = ctx["start"], ctx["end"], ctx["baseline_year"]
    kind, direction = ind.kind, ind.direction
    d = direction.sign
    notes: list[str] = []
    row: dict[str, Any] = dict.fromkeys(EVALUATION_COLUMNS, math.nan)
    row.update(unit_code=unit, unit_name=ctx["names"].get(unit, ""), unit_level=ctx["levels"].get(unit, ""),
               indicator_code=ind.code, indicator_name_vi=ind.name_vi, indicator_name_en=ind.name_en,
               indicator_unit_vi=ind.unit_vi, kind=kind.value, direction=direction.value,
               target_scope=rec["scope"], target_kind=rec.get("kind") or "absolute", target_year=end,
               target_value_hi=rec.get("value_hi", math.nan), target_source=rec.get("source", ""),
               attainment_method=METHOD_NAMES["attainment"], progress_method=METHOD_NAMES["progress"],
               unsd_method=METHOD_NAMES["unsd"], escap_method=METHOD_NAMES["escap"], latest_is_estimate=False,
               illustrative=ctx["illustrative"], value_source="", progress_basis="value",
               interval_method="", aarr_method="", pool_latest_years="", pool_baseline_years="",
               attainment_pooled="", aggregate_units="", n_points=0)
    years = [int(y) for y in arr["year"]] if arr else []
    series = {int(y): (v, n, dn) for y, v, n, dn in zip(arr["year"], arr["value"], arr["numerator"],
                                                      arr["denominator"])} if arr else {}
    if ctx["illustrative"] or (arr and any("illustrative" in str(f) for f in arr["flag"])):
        row["illustrative"] = True
        notes.append("dữ liệu minh họa / illustrative data")

    b_year, b_note = _pick_baseline([y for y in years if y <= end], base_year)
    if b_note and b_year is not None:
        log.info("%s %s: baseline %s missing, year %s used", unit, ind.code, base_year, b_year)
    notes.append(b_note)
    y0 = series[b_year][0] if b_year is not None else math.nan
    in_period = [y for y in years if start <= y <= end]
    t = max(in_period) if in_period else None
    if t is None:
        notes.append(f"không có số liệu trong giai đoạn {start}–{end} / no value in {start}–{end}")
    yt, num_t, den_t = series[t] if t is not None else (math.nan, math.nan, math.nan)
    if t is not None and arr is not None:  # a latest year t comes from arr
        i = years.index(t)
        row["latest_is_estimate"] = "estimate" in str(arr["flag"][i])
        row["value_source"] = arr["value_source"][i]
        if row["latest_is_estimate"]:
            notes.append(str(arr["note"][i]) or "ước thực hiện / estimate")
        if t < end:
            notes.append(f"số liệu mới nhất năm {t} / latest value is for {t}")
    if b_year is not None and t is not None and b_year >= t:
        notes.append("chỉ có một điểm số liệu, không tính tiến độ / a single data point: no progress measure")
    row.update(baseline_year=b_year if b_year is not None else math.nan, baseline_value=y0,
               latest_year=t if t is not None else math.nan, latest_value=yt, latest_numerator=num_t,
               latest_denominator=den_t)
    row["n_points"] = len([y for y in years if (b_year or start) <= y <= (t or 0)])

    tgt = resolve_target_value(rec, direction, lambda y: series.get(int(y), (math.nan,))[0], base_year, end)
    notes.extend(tgt.notes or [])
    T, op = tgt.value, tgt.operator
    dec = int(ind.decimals)
    carried = _carried(ctx, unit, ind, rec, tgt.base_value)
    if not carried:
        owner = "cả nước" if rec["scope"] == "national" else ctx["names"].get(rec["scope"], rec["scope"])
        unit_vi = f" {ind.unit_vi}" if ind.unit_vi else ""
        notes.append(f"chỉ tiêu {describe_target(rec, direction, 'vi')} là chỉ tiêu của {owner}, không giao cho "
                     f"địa phương (năm {int(tgt.base_year)} có {_vi_number(tgt.base_value)}{unit_vi}, dưới ngưỡng "
                     f"{_vi_number(ctx['min_base'])}) / {describe_target(rec, direction, 'en')} is the target of "
                     f"{rec['scope']}, not carried by the unit ({tgt.base_value:g} in {int(tgt.base_year)}, below "
                     f"{ctx['min_base']:g})")
        T = math.nan
    row.update(target_operator=op, target_value=T, decimals=dec,
               target_shown=target_on_grid(T, op, dec) if carried else math.nan)
    if carried and (rec.get("kind") or "absolute") != "absolute" and not m.is_missing(T):
        bound = ("không quá", "at most") if d < 0 else ("không dưới", "at least")
        unit_vi = f" {ind.unit_vi}" if kind is Kind.COUNT and ind.unit_vi else ""
        notes.append(f"chỉ tiêu {describe_target(rec, direction, 'vi')}: năm {int(tgt.base_year)} có "
                     f"{_vi_number(tgt.base_value)}{unit_vi} nên năm {end} {bound[0]} "
                     f"{_vi_number(row['target_shown'], dec)}{unit_vi} / target "
                     f"{describe_target(rec, direction, 'en')}: {tgt.base_value:g} in {int(tgt.base_year)}, so "
                     f"{bound[1]} {row['target_shown']:g} in {end}")
    if m.is_missing(T) and carried:
        notes.append("chưa có giá trị chỉ tiêu / no target value")

    lo = hi = math.nan
    if t is not None and _needs_interval(kind, direction, yt):
        lo, hi = _interval(kind, yt, num_t, den_t, ctx["level"])
        if not m.is_missing(lo):
            row.update(interval_lo=lo, interval_hi=hi,
                       interval_method=f"{POISSON_METHOD} {round(ctx['level'] * 100)}%")
    is_rate_target = not m.is_missing(tgt.rate_required)
    exceed_at = tgt.exceed_at
    if is_rate_target:
        b = int(tgt.base_year)
        obs_rate = m.compute_cagr(tgt.base_value, b, yt, t) * 100 if t is not None and t > b else math.nan
        if not m.is_missing(tgt.base_value) and tgt.base_value == 0:
            obs_rate = math.nan  # no rate of change from zero
        row.update(observed_annual_change=obs_rate, required_annual_change=tgt.rate_required)
        # judged on the count the required rate allows in the target year (what the table prints);
        # "Vượt" = better than the count the ambitious end of the range allows
        exceed_at = (tgt.base_value * (1 + tgt.rate_ambitious / 100.0) ** (end - b)
                     if not m.is_missing(tgt.rate_ambitious) and tgt.rate_ambitious != tgt.rate_required else math.nan)
    if not carried:
        att = Attainment.NOT_APPLICABLE
    else:
        att = official_verdict(yt, T, op, direction, dec, exceed_at=exceed_at)
        if not m.is_missing(tgt.base_value) and tgt.base_value == 0 and not m.is_missing(T):
            notes.append(f"năm gốc {int(tgt.base_year)} bằng 0: chỉ tiêu giảm nghĩa là giữ ở mức 0 / base year "
                         f"{int(tgt.base_year)} is 0: a reduction target means staying at 0")
    certainty = assess_certainty(att, lo, hi, T, op)
    if certainty is Certainty.UNSURE:
        span = _vi_number(lo, max(dec, 1)) + "–" + _vi_number(hi, max(dec, 1))
        notes.append(f"khoảng tin cậy {round(ctx['level'] * 100)}% của số liệu ({span}) chứa "
                     f"chỉ tiêu: đánh giá chưa đủ chắc chắn vì số nhỏ / the {round(ctx['level'] * 100)}% interval "
                     f"straddles the target: not conclusive (small numbers)")
    met = att in (Attainment.MET, Attainment.EXCEEDED)
    share = m.compute_planned_change_share(y0, yt, T)
    if not (m.is_missing(y0) or m.is_missing(T)) and d * (T - y0) <= 0:
        share = math.nan
        notes.append("chỉ tiêu đã đạt từ năm gốc: không tính tỷ lệ thay đổi theo kế hoạch / target already met at "
                     "baseline: no planned change")
    row.update(attainment=att.value, attainment_vi=att.vi, attainment_en=att.en, planned_change_share=share,
               percent_of_target=percent_of_target(yt, T, op, dec) if carried else math.nan,
               certainty=certainty.value)

    # CAGR methods: near 100 % work on the shortfall (100 − p)
    cy0, cyt, cT, cdir = y0, yt, T, direction
    if kind.is_bounded_100 and d > 0 and not m.is_missing(T) and T >= 50:
        cy0, cyt, cT, cdir = 100 - y0, 100 - yt, 100 - T, Direction.LOWER
        row["progress_basis"] = "shortfall (100 − p)"
    t0 = b_year if b_year is not None else math.nan
    tt = t if t is not None else math.nan
    ratio, pcat, cobs, creq = m.compute_opensdg_progress(cy0, t0, cyt, tt, cT, end, cdir, met=met)
    score, ucat = m.compute_unsd_progress(cy0, t0, cyt, tt, cT, end, met=met)
    if b_year is not None and t is not None and b_year >= t:
        pcat = pcat if met else type(pcat).INSUFFICIENT
    row.update(progress_ratio=ratio, progress_category=pcat.value, progress_category_vi=pcat.vi,
               progress_category_en=pcat.en, cagr_observed=cobs, cagr_required=creq,
               unsd_score=score, unsd_category=ucat.value, unsd_category_vi=ucat.vi, unsd_category_en=ucat.en)

    cs, cs_exp = m.compute_escap_status(y0, t0, yt, tt, T, end, direction)
    fit_years = [y for y in years if b_year is not None and t is not None and b_year <= y <= t]
    pred, aratio, acat = m.compute_escap_anticipated(fit_years, [series[y][0] for y in fit_years], T, end, op,
                                                     direction, y0=y0, bounds=ind.bounds)
    row.update(escap_current_status=cs, escap_expected_status=cs_exp, escap_predicted=pred,
               escap_anticipated_ratio=aratio, escap_anticipated=acat)

    if cdir is Direction.LOWER and kind is not Kind.YES_NO:
        vals = [(100 - series[y][0]) if row["progress_basis"] != "value" else series[y][0] for y in fit_years]
        row["aarr_observed"] = m.compute_aarr(fit_years, vals)
        if t is not None and end > t:
            row["aarr_required"] = m.compute_required_aarr(cyt, t, cT, end)
            row["aarr_method"] = METHOD_NAMES["aarr"] + "; required from latest year"
        else:
            row["aarr_required"] = m.compute_required_aarr(cy0, t0, cT, end)
            row["aarr_method"] = METHOD_NAMES["aarr"] + "; required over the whole period from the base year"
        if met:
            row["aarr_on_track"] = True  # target already met: on track whatever the rates
        elif not (m.is_missing(row["aarr_observed"]) or m.is_missing(row["aarr_required"])):
            row["aarr_on_track"] = bool(row["aarr_observed"] >= row["aarr_required"])

    pool = ctx["pool"]
    if pool and t is not None and b_year is not None and _needs_interval(kind, direction, yt):
        if is_rate_target:
            notes.append("gộp năm không áp dụng cho chỉ tiêu %/năm / pooling not used for annual-change targets")
        else:
            lw = list(range(t - pool + 1, t + 1))
            bw = list(range(b_year - (pool - 1) // 2, b_year - (pool - 1) // 2 + pool))
            wl, wb = _window(series, lw, kind), _window(series, bw, kind)
            row.update(pool_latest_years=_span(lw), pool_baseline_years=_span(bw))
            if wl is None or wb is None:
                notes.append("gộp năm: thiếu năm trong cửa sổ / pooling: a year of the window is missing")
            else:
                pv, plo, phi = pooled_interval(wl[0], wl[1], kind.factor, ctx["level"])
                pb = pooled_interval(wb[0], wb[1], kind.factor, ctx["level"])[0]
                patt = m.assess_attainment(pv, T, op, direction, baseline=pb, lo=plo, hi=phi,
                                           exceed_margin=ctx["exceed_margin"])
                row.update(pooled_latest=pv, pooled_lo=plo, pooled_hi=phi, pooled_baseline=pb,
                           attainment_pooled=patt.value)

    cons = ctx["consistency"].get((unit, ind.code, t)) if t is not None else None
    if cons is not None:
        rep, aggv, diff, n, n_exp = cons
        row.update(province_reported=rep, aggregated_value=aggv, aggregate_difference=diff,
                   aggregate_units=f"{n}/{n_exp}")
        if not m.is_missing(diff) and abs(diff) > 1e-9 * max(1.0, abs(aggv)):
            signed = ("+" if diff > 0 else "") + _vi_number(diff, max(dec, 1))
            notes.append(f"số báo cáo khác số tổng hợp từ đơn vị cấp dưới {signed} / reported "
                         f"differs from the aggregate by {diff:+.6g}")
    row["notes"] = join_notes(*dict.fromkeys(n for n in notes if n))
    return row


def evaluate_frames(observations: Any, targets: Any, units: Any, catalog: Any, *,
                    period: Any = (2021, 2025), baseline_year: int = 2020, unit_codes: Iterable[str] | None = None,
                    pool: int | None = None, illustrative: bool = False, level: float = 0.95,
                    exceed_margin: float = m.EXCEED_MARGIN, relative_min_base: float | None = None) -> Any:
    """Evaluate achievement of the period's targets for every (unit, indicator).

    Parameters
    ----------
    observations, targets : frames as in docs/ARCHITECTURE.md.
    units : UnitRegistry (or units frame with ``unit_code, parent_code, name, level``).
    catalog : Catalog.
    period : (start, end) or ``"2021-2025"``; the targets of the end year are used.
    baseline_year : base year ``t0``; the nearest year with data is used (and noted) when missing.
    unit_codes : evaluate only these units (default: every unit of the registry).
    pool : pool this many years (e.g. 3 → 2023–2025 vs 2019–2021) for counts and rates;
        result in ``attainment_pooled``.
    illustrative : mark every row as illustrative data ("dữ liệu minh họa").
    level : confidence level of the exact Poisson intervals.
    exceed_margin : "exceeded" threshold of the pooled statistical check ``attainment_pooled`` as a share
        of the planned change (0.10 = 110 %); the official verdict has no margin.
    relative_min_base : a unit below the province carries a province's (or the nation's) relative or
        annual-change target on a count only when its base-year value reaches this; default
        ``relative_targets.min_base`` of ``params/publish.yaml`` (10).

    Returns
    -------
    Evaluation
        ``table``: one row per (unit, indicator) with a target, columns :data:`EVALUATION_COLUMNS`;
        ``consistency``: the full reported-vs-aggregated table; ``period``: (start, end).
    """
    import pandas as pd

    start, end = parse_period(period)
    if pool is not None and (int(pool) < 2 or int(pool) > 10):
        raise ParameterError("pool", "must be a number of years between 2 and 10", fix="e.g. pool=3", value=pool)
    reg = registry_frame(units)
    # components first (rates from counts), then year-end estimates, then components again so that
    # rates built on estimated counts exist too (fill_components only adds what is missing)
    obs = fill_components(estimate_year_end(fill_components(observations, catalog), catalog), catalog)
    obs = obs[obs["indicator_code"].isin(catalog.codes())]
    agg = rollup_observations(obs, units, catalog, components_filled=True)
    consistency = compare_reported(obs, agg)
    cons_fy = consistency[consistency["period"] == "FY"]
    cons_map = {(u, i, int(y)): (r, a, df, n, e) for u, i, y, r, a, df, n, e in zip(*(cons_fy[c].tolist() for c in (
        "unit_code", "indicator_code", "year", "reported_value", "aggregated_value", "difference", "n_units",
        "n_units_expected")))}
    series = _combined_series(obs, agg, end)
    groups = series.groupby(["unit_code", "indicator_code"], sort=False).indices
    cols = {c: series[c].to_numpy(dtype=object if c in ("flag", "note", "value_source") else None)
            for c in ("year", "value", "numerator", "denominator", "flag", "note", "value_source")}

    codes = list(reg["unit_code"])
    if unit_codes is not None:
        wanted = [str(u).strip() for u in unit_codes]
        unknown = [u for u in wanted if u not in codes]
        if unknown:
            raise InputError(f"unknown unit code(s) {unknown}", column="unit_code", value=unknown[0],
                             fix=f"use codes of the registry, e.g. {', '.join(codes[:5])}")
        codes = [u for u in codes if u in wanted]
    parent = dict(zip(reg["unit_code"], reg["parent_code"]))
    tindex = index_targets(targets, end)
    if relative_min_base is None:
        from ctxh_plan.evaluate.settings import load_relative_min_base

        relative_min_base = load_relative_min_base()
    ctx: dict[str, Any] = dict(start=start, end=end, baseline_year=int(baseline_year), level=level,
                               exceed_margin=exceed_margin,
               pool=int(pool) if pool else None, illustrative=bool(illustrative), consistency=cons_map,
               parent=parent, min_base=float(relative_min_base),
               names=dict(zip(reg["unit_code"], reg["name"])) if "name" in reg else {},
               levels=dict(zip(reg["unit_code"], reg["level"])) if "level" in reg else {})
    targeted = {i for (_, i) in tindex}
    rows = []
    for unit in codes:
        ancestors, cur = [], parent.get(unit)
        while cur:
            ancestors.append(cur)
            cur = parent.get(cur)
        for ind in catalog:
            if ind.code not in targeted:
                continue
            rec = find_target(tindex, unit, ind.code, ancestors,
                              additive=ind.aggregation is Aggregation.SUM)
            if rec is None:
                continue
            pos = groups.get((unit, ind.code))
            if pos is None and ctx["levels"].get(unit) not in ind.levels:
                continue
            arr = {c: v[pos] for c, v in cols.items()} if pos is not None else None
            rows.append(_evaluate_pair(ctx, unit, ind, rec, arr))
    return Evaluation(pd.DataFrame(rows, columns=list(EVALUATION_COLUMNS)), consistency, (start, end))


def evaluate_dataset(ds: Any, *, period: Any = (2021, 2025), baseline_year: int = 2020,
                     units: Iterable[str] | None = None, pool: int | None = None, **kwargs: Any) -> Evaluation:
    """Evaluate a :class:`~ctxh_plan.data.dataset.Dataset` (thin wrapper over :func:`evaluate_frames`).

    ``units`` restricts the units evaluated (codes); other keywords go to :func:`evaluate_frames`.
    """
    return evaluate_frames(ds.observations, ds.targets, ds.units, ds.catalog, period=period,
                           baseline_year=baseline_year, unit_codes=units, pool=pool,
                           illustrative=bool(getattr(ds, "illustrative", False)), **kwargs)
