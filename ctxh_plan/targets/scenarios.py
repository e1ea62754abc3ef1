"""Scenarios: named, declarative adjustments on top of the forecast.

A scenario file ``params/scenarios/<name>.yaml``::

    name: accelerated
    label_vi: Tăng tốc
    label_en: Accelerated
    description: Đuối nước giảm 10%/năm …
    adjustments:
      - indicator: TNTT_DROWN_DEATHS   # code or list of codes; or select by group / kind / direction
        operation: annual_pct          # annual_pct | annual_points | set | multiply
        value: -10
        from_year: 2026
        max: 100                       # optional cap (catalogue bounds always apply)

Operations, for years >= ``from_year`` (anchor = the level in ``from_year − 1``: the
full-year observation, else the forecast, else the latest earlier observation):

* ``annual_pct``    — ``anchor · (1 + value/100)^k``, k years after the anchor;
* ``annual_points`` — ``anchor + value · k`` (percentage points for percentages);
* ``set``           — ``value``;
* ``multiply``      — the forecast × ``value``.

Interval bounds move with the centre: scaled by the same ratio for ``annual_pct`` and
``multiply`` (shifted when the forecast is 0), shifted by the same amount for
``annual_points`` and ``set``; then clipped to the bounds. Adjustments apply in
file order; a later one works on the result of the earlier ones.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.io.settings import MISSING, Field, check_mapping
from ctxh_plan.targets.space import clip_bounds
from ctxh_plan.targets.terms import ScenarioOperation

__all__ = [
    "BASELINE",
    "Adjustment",
    "Scenario",
    "apply_scenario",
    "list_scenarios",
    "load_scenario",
    "parse_scenario",
    "scenarios_dir",
]

log = logging.getLogger(__name__)

BASELINE = "baseline"



@dataclass(frozen=True)
class Adjustment:
    """One adjustment of a scenario (selectors are combined with AND)."""

    operation: str
    value: float
    from_year: int
    indicators: tuple[str, ...] | None = None
    group: str | None = None
    kind: str | None = None
    direction: str | None = None
    min: float | None = None
    max: float | None = None
    note: str = ""
    where: str = ""

    def describe(self) -> str:
        sel = ",".join(self.indicators) if self.indicators else (self.group or self.kind or self.direction or "")
        return f"{sel}: {self.operation} {self.value:g} từ {self.from_year}"


@dataclass(frozen=True)
class Scenario:
    """A named set of adjustments on top of the forecast (``baseline`` has none)."""

    name: str
    label_vi: str = ""
    label_en: str = ""
    description: str = ""
    adjustments: tuple[Adjustment, ...] = field(default=())
    path: Path | None = None

    def label(self, lang: str = "vi") -> str:
        return (self.label_vi if lang == "vi" else self.label_en) or self.name


def scenarios_dir() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "scenarios"


def list_scenarios(folder: str | Path | None = None) -> list[str]:
    """Names of the scenario files in ``params/scenarios`` (``baseline`` first)."""
    d = Path(folder) if folder else scenarios_dir()
    names = sorted(p.stem for p in d.glob("*.yaml"))
    if BASELINE in names:
        names.remove(BASELINE)
    return [BASELINE] + names


def _scenario_fields() -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    """(top-level fields, fields of one adjustment) of a scenario file."""
    from ctxh_plan.vocab import Direction, Kind

    top = (
        Field("name", (str,), "add `name: <short_name>`", default=""),
        Field("label_vi", (str,), "Vietnamese label", default=""),
        Field("label_en", (str,), "English label", default=""),
        Field("description", (str,), "one sentence", default=""),
        Field("adjustments", (list, type(None)), "write each adjustment as `- indicator: …`", default=[]),
    )
    adj = (
        Field("operation", (str,), f"use one of {[o.value for o in ScenarioOperation]}", default=MISSING,
              choices=tuple(o.value for o in ScenarioOperation)),
        Field("value", (float,), "a number, e.g. `value: -10`", default=MISSING),
        Field("from_year", (int,), "e.g. `from_year: 2026`", default=2026, minimum=1990, maximum=2100),
        Field("indicator", (str, list), "`indicator: CODE` or a list of codes", default=None, item_type=str),
        Field("group", (str,), "a group name of params/indicators.yaml", default=None),
        Field("kind", (str,), f"use one of {[k.value for k in Kind]}", default=None,
              choices=tuple(k.value for k in Kind)),
        Field("direction", (str,), "higher or lower", default=None, choices=tuple(d.value for d in Direction)),
        Field("min", (float,), "a lower bound, e.g. `min: 0`", default=None),
        Field("max", (float,), "an upper bound, e.g. `max: 100`", default=None),
        Field("note", (str,), "free text", default=""),
    )
    return top, adj


def parse_scenario(doc: Any, source: str = "<scenario>", name: str | None = None) -> Scenario:
    """Validate a scenario document (already parsed YAML) with the one settings checker and build a
    :class:`Scenario`.

    Raises
    ------
    ParameterError
        Naming the file, the key (``adjustments[1].operation``), the value and the fix: an unknown
        key, a missing operation or value, a value that is not a finite number, a yearly change of
        −100 % or less, a negative multiplier, min above max, no indicator selected.
    """
    top_fields, adj_fields = _scenario_fields()
    top = check_mapping(doc, top_fields, source=source, ignore=("version",))
    sname = top["name"] or name or ""
    if not sname:
        raise ParameterError("name", "the scenario has no name", fix="add `name: <short_name>`", source=source)
    adjs = []
    for i, raw in enumerate(top["adjustments"] or []):
        where = f"adjustments[{i}]"
        a = check_mapping(raw, adj_fields, source=source, section=where)

        def fail(key: str, problem: str, fix: str, value: Any = None, where: str = where) -> ParameterError:
            return ParameterError(f"{where}.{key}" if key else where, problem, fix=fix, source=source, value=value)

        if not any(a[k] for k in ("indicator", "group", "kind", "direction")):
            raise fail("", "no indicator selected",
                       "add `indicator: CODE` (or a list), `group:`, `kind:` or `direction:`")
        op, value = a["operation"], float(a["value"])
        if op == ScenarioOperation.ANNUAL_PCT.value and value <= -100:
            raise fail("value", "a yearly change of −100% or less is impossible", "use a value above −100, e.g. -10",
                       value)
        if op == ScenarioOperation.MULTIPLY.value and value < 0:
            raise fail("value", "a multiplier must be >= 0", "e.g. 0.9", value)
        from ctxh_plan.io.limits import MAX_SCENARIO_FACTOR, MAX_SCENARIO_PCT

        if op == ScenarioOperation.ANNUAL_PCT.value and value > MAX_SCENARIO_PCT:
            raise fail("value", f"a yearly change above {MAX_SCENARIO_PCT:g}% is not a scenario", "e.g. -10", value)
        if op == ScenarioOperation.MULTIPLY.value and value > MAX_SCENARIO_FACTOR:
            raise fail("value", f"a multiplier above {MAX_SCENARIO_FACTOR:g} is not a scenario", "e.g. 0.9", value)
        lo = None if a["min"] is None else float(a["min"])
        hi = None if a["max"] is None else float(a["max"])
        if lo is not None and hi is not None and lo > hi:
            raise fail("min", "min is above max", "swap min and max", lo)
        ind = a["indicator"]
        inds = None if ind is None else tuple(str(x) for x in (ind if isinstance(ind, list) else [ind]))
        adjs.append(Adjustment(op, value, a["from_year"], inds, a["group"], a["kind"], a["direction"], lo, hi,
                               a["note"], f"{source}: {where}"))
    return Scenario(sname, top["label_vi"], top["label_en"], top["description"], tuple(adjs), None)


def load_scenario(name_or_path: str | Path, folder: str | Path | None = None) -> Scenario:
    """Load ``params/scenarios/<name>.yaml`` (or a path to a YAML file).

    ``baseline`` without a file is the plain forecast (no adjustments).
    """
    from ctxh_plan.io.yamlfile import read_yaml

    p = Path(name_or_path)
    if p.suffix.lower() not in (".yaml", ".yml"):
        p = (Path(folder) if folder else scenarios_dir()) / f"{name_or_path}.yaml"
    if not p.exists():
        if str(name_or_path) == BASELINE:
            return Scenario(BASELINE, "Cơ sở (theo xu hướng)", "Baseline (trend)")
        raise InputError(f"scenario {str(name_or_path)!r} not found", file=str(p),
                         fix=f"use one of {list_scenarios(folder)} or give a path to a .yaml file")
    sc = parse_scenario(read_yaml(p), str(p), name=p.stem)
    return Scenario(sc.name, sc.label_vi, sc.label_en, sc.description, sc.adjustments, p)


def _selected(adj: Adjustment, catalog) -> list[str]:
    codes = []
    if adj.indicators:
        for c in adj.indicators:
            if c not in catalog:
                raise InputError(f"indicator {c!r} is not in the catalogue", file=adj.where.split(": ")[0],
                                 column=adj.where.split(": ")[-1] + ".indicator", value=c,
                                 fix="use a code from params/indicators.yaml")
    for ind in catalog:
        if adj.indicators and ind.code not in adj.indicators:
            continue
        if adj.group and ind.group != adj.group:
            continue
        if adj.kind and ind.kind.value != adj.kind:
            continue
        if adj.direction and ind.direction.value != adj.direction:
            continue
        codes.append(ind.code)
    return codes


def _check_bounds(adj: Adjustment, codes: list[str], catalog: Any) -> None:
    """An adjustment that selects no indicator, sets a value outside an indicator's bounds, or caps outside
    them, is an error (it would otherwise be emptied or clipped without a word)."""
    file, where = adj.where.split(": ")[0], adj.where.split(": ")[-1]
    if not codes:
        raise InputError(f"scenario adjustment {adj.describe()!r} selects no indicator of the catalogue", file=file,
                         column=where, fix="check indicator, group, kind and direction against params/indicators.yaml")
    for code in codes:
        lo, hi = catalog[code].bounds
        lo = -math.inf if lo is None else float(lo)
        hi = math.inf if hi is None else float(hi)
        checks = [("min", adj.min), ("max", adj.max)]
        if adj.operation == ScenarioOperation.SET.value:
            checks.append(("value", adj.value))
        for key, v in checks:
            if v is not None and not lo <= v <= hi:
                shown = f"[{lo:g}, {hi:g}]".replace("inf", "∞")
                raise InputError(f"{key} {v:g} is outside the bounds {shown} of indicator {code}", file=file,
                                 column=f"{where}.{key}", value=v,
                                 fix=f"use a value within {shown} (the indicator's unit), or select other indicators")


def _adjust_count_rows(out, m, sub, new, missing, op: str, value: float, ivl, lo, hi) -> None:
    """Count-model rows (``dist_*`` set): the scenario moves the *expected* value of the count's
    distribution (``multiply`` multiplies it; the other operations set it to the scenario's level),
    the dispersion is kept, and ``mean`` (the median) and the interval bounds are read again from the
    moved distribution — whole counts stay whole counts."""
    import numpy as np

    from ctxh_plan.forecast.counts import CountPredictive
    from ctxh_plan.targets.space import clip_bounds

    mu = sub["dist_mu"].to_numpy(float)
    has = np.isfinite(mu) & ~missing
    if not has.any():
        return
    loc, scale = sub["dist_loc"].to_numpy(float)[has], sub["dist_scale"].to_numpy(float)[has]
    if op == ScenarioOperation.MULTIPLY.value:
        mu_new = mu[has] * value
    else:
        mu_new = (new[has] - loc) / np.where(scale == 0, 1.0, scale)
    mu_new = np.maximum(mu_new, 0.0)
    pred = CountPredictive(mu_new, sub["dist_disp"].to_numpy(float)[has], loc, scale)
    idx = out.index[np.flatnonzero(m)[has]]
    levels = sorted(int(c[2:]) for c in ivl if c.startswith("lo"))
    bounds = pred.intervals(levels)
    lo_h, hi_h = np.asarray(lo, float)[has], np.asarray(hi, float)[has]
    out.loc[idx, "mean"] = clip_bounds(pred.median(), lo_h, hi_h)
    for lv in levels:
        out.loc[idx, f"lo{lv}"] = clip_bounds(bounds[lv][0], lo_h, hi_h)
        out.loc[idx, f"hi{lv}"] = clip_bounds(bounds[lv][1], lo_h, hi_h)
    out.loc[idx, "dist_mu"] = mu_new


def apply_scenario(forecasts, scenario: Scenario | str, catalog, *, observations=None):
    """Apply a scenario to a forecasts frame.

    Parameters
    ----------
    forecasts : DataFrame
        ``unit_code, indicator_code, year, mean, lo80, hi80, lo95, hi95[, note]`` (indicator units).
    scenario : Scenario or str
        A scenario or the name of a file in ``params/scenarios``.
    catalog : Catalog
        Selects indicators (code, group, kind, direction) and gives bounds.
    observations : DataFrame, optional
        Observed full-year values for the anchors of ``annual_*`` operations.

    Returns
    -------
    DataFrame
        A copy with a ``scenario`` column and adjusted ``mean``/interval columns; ``note`` says
        which adjustment applied. Count-model rows (``dist_*`` columns) move their distribution's
        expected value instead and read ``mean`` and the bounds from it (whole counts).
    """
    import numpy as np
    import pandas as pd

    from ctxh_plan.targets.floors import full_year

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    out = forecasts.copy().reset_index(drop=True)
    out["scenario"] = sc.name
    if "note" not in out.columns:
        out["note"] = ""
    out["note"] = out["note"].fillna("").astype(str)
    ivl = [c for c in out.columns if c[:2] in ("lo", "hi") and c[2:].isdigit()]
    bounds = {ind.code: ind.bounds for ind in catalog}
    for adj in sc.adjustments:
        codes = _selected(adj, catalog)
        _check_bounds(adj, codes, catalog)
        m = (out["indicator_code"].isin(codes) & (out["year"] >= adj.from_year)).to_numpy()
        if not m.any():
            if len(out):
                log.warning("scenario %s: %s changes no forecast row (no forecast from %d on)", sc.name,
                            adj.describe(), adj.from_year)
            continue
        sub = out.loc[m]
        old = sub["mean"].to_numpy(float)
        op = adj.operation
        if op in (ScenarioOperation.ANNUAL_PCT.value, ScenarioOperation.ANNUAL_POINTS.value):
            a = adj.from_year - 1
            parts = []
            if observations is not None and len(observations):
                o = full_year(observations)
                o = o[(o["year"] <= a) & o["indicator_code"].isin(codes) & o["value"].notna()]
                parts.append(o[["unit_code", "indicator_code", "year", "value"]].assign(src=1))
            f = out[(out["year"] <= a) & out["indicator_code"].isin(codes) & out["mean"].notna()]
            parts.append(f[["unit_code", "indicator_code", "year", "mean"]].rename(columns={"mean": "value"})
                         .assign(src=0))
            anc = pd.concat(parts, ignore_index=True).sort_values(["year", "src"], kind="stable")
            anc = anc.drop_duplicates(["unit_code", "indicator_code"], keep="last")
            anc = anc.rename(columns={"year": "a_year", "value": "a_value"})[
                ["unit_code", "indicator_code", "a_year", "a_value"]]
            j = sub[["unit_code", "indicator_code", "year"]].merge(anc, how="left", on=["unit_code", "indicator_code"])
            k = j["year"].to_numpy(float) - j["a_year"].to_numpy(float)
            base = j["a_value"].to_numpy(float)
            if op == ScenarioOperation.ANNUAL_PCT.value:
                new = base * np.power(1 + adj.value / 100.0, k)
            else:
                new = base + adj.value * k
            missing = np.isnan(base)
            new = np.where(missing, old, new)  # no anchor: keep the forecast, say so
        elif op == ScenarioOperation.SET.value:
            new, missing = np.full(len(sub), adj.value), np.zeros(len(sub), bool)
        else:
            new, missing = old * adj.value, np.zeros(len(sub), bool)
        lo = sub["indicator_code"].map(lambda c: bounds[c][0]).to_numpy(float)
        hi = sub["indicator_code"].map(lambda c: np.nan if bounds[c][1] is None else bounds[c][1]).to_numpy(float)
        if adj.min is not None:
            lo = np.fmax(lo, adj.min)
        if adj.max is not None:
            hi = np.fmin(hi, adj.max)
        if missing.any():
            log.warning("scenario %s: %d forecast rows have no anchor level before %d; forecast kept",
                        sc.name, int(missing.sum()), adj.from_year)
        bad = ~np.isfinite(new) & ~np.isnan(old)
        if bad.any():
            file, where = adj.where.split(": ")[0], adj.where.split(": ")[-1]
            raise InputError(f"scenario {sc.name}: the adjustment gives values that are not finite numbers (overflow)",
                             file=file, column=f"{where}.value", value=adj.value,
                             fix="use a smaller yearly change or multiplier")
        new = clip_bounds(new, lo, hi)
        multiplicative = op in (ScenarioOperation.ANNUAL_PCT.value, ScenarioOperation.MULTIPLY.value)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(old > 0, new / np.where(old > 0, old, 1.0), np.nan)
        for c in ivl:
            v = sub[c].to_numpy(float)
            moved = np.where(multiplicative & (old > 0), v * ratio, v + (new - old))
            out.loc[m, c] = clip_bounds(moved, lo, hi)
        out.loc[m, "mean"] = new
        if "dist_mu" in out.columns:
            _adjust_count_rows(out, m, sub, new, missing, op, adj.value, ivl, lo, hi)
        text = f"kịch bản {sc.name}: {adj.describe()}"
        note = out.loc[m, "note"].to_numpy(object)
        note = np.where(note == "", text, note + "; " + text)
        note = np.where(missing, note + " (không có mức neo, giữ dự báo / no anchor: forecast kept)", note)
        out.loc[m, "note"] = note
    return out
