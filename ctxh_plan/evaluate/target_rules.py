"""Which target applies to a unit, and what absolute value a relative target means.

Precedence for a (unit, indicator, target_year): the unit's own target, then its
parent's, … up to the province's, then the national target (``scope = national``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.evaluate.methods import is_missing
from ctxh_plan.vocab import Direction, TargetKind

__all__ = ["ResolvedTarget", "describe_target", "find_target", "index_targets", "normalize_targets",
           "resolve_target_value"]


@dataclass
class ResolvedTarget:
    """A target made concrete for one unit.

    Attributes
    ----------
    value : float
        Target value ``T`` in the indicator's unit at ``year`` (for ``relative`` and
        ``annual_change`` targets: computed from the base-year value).
    operator : str
        Comparison for the attainment verdict. For ``annual_change`` it applies to
        the observed average annual change (``rate_required``), not to ``value``.
    exceed_at : float
        Ambitious end of a range target (``nan`` if none), on the scale the operator
        applies to.
    rate_required, rate_ambitious : float
        For ``annual_change``: required % change a year (least demanding end) and
        the other end of the range.
    base_year, base_value : base of relative / annual-change targets.
    notes : list of str
        Problems met while resolving (duplicates, a missing base value); the evaluation words the
        target itself (:func:`describe_target`).
    """

    value: float
    operator: str
    exceed_at: float = math.nan
    rate_required: float = math.nan
    rate_ambitious: float = math.nan
    base_year: float = math.nan
    base_value: float = math.nan
    notes: list[str] | None = None


def normalize_targets(targets: Any) -> Any:
    """Targets frame with every column of the contract, typed (codes as str)."""
    import pandas as pd

    t = targets.copy()
    for col, default in (("value_hi", float("nan")), ("kind", "absolute"), ("base_year", float("nan")),
                         ("source", ""), ("verification", ""), ("note", "")):
        if col not in t.columns:
            t[col] = default
    t["scope"] = t["scope"].astype(str).str.strip()
    t["indicator_code"] = t["indicator_code"].astype(str).str.strip()
    t["target_year"] = pd.to_numeric(t["target_year"], errors="coerce")
    t["value"] = pd.to_numeric(t["value"], errors="coerce").astype(float)
    t["value_hi"] = pd.to_numeric(t["value_hi"], errors="coerce").astype(float)
    t["base_year"] = pd.to_numeric(t["base_year"], errors="coerce").astype(float)
    t["kind"] = t["kind"].astype(object).where(t["kind"].notna(), "absolute").astype(str).replace({"": "absolute"})
    t["operator"] = t["operator"].astype(object).where(t["operator"].notna(), "").astype(str).str.strip()
    for col in ("source", "verification", "note"):
        t[col] = t[col].astype(object).where(t[col].notna(), "").astype(str)
    return t


def index_targets(targets: Any, target_year: int) -> dict[tuple[str, str], dict]:
    """``{(scope, indicator_code): target row}`` for ``target_year`` (first row wins; duplicates noted)."""
    t = normalize_targets(targets)
    t = t[t["target_year"] == target_year]
    out: dict[tuple[str, str], dict] = {}
    for rec in frame_records(t):
        key = (rec["scope"], rec["indicator_code"])
        if key in out:
            out[key].setdefault("_dup", 0)
            out[key]["_dup"] += 1
            continue
        out[key] = rec
    return out


def find_target(index: dict, unit: str, indicator: str, ancestors: list[str], *,
                additive: bool = False) -> dict | None:
    """The target row for ``unit``: own scope, then each ancestor, then ``national``.

    An *absolute* target of an additive indicator (counts, money: summed over units)
    is a figure for its scope alone — a province's "200 swimming classes" is not
    every district's — so for those only the unit's own row applies. Relative and
    annual-change targets (−10% vs 2020) apply to every unit below their scope.
    """
    for scope in [unit, *ancestors, "national"]:
        rec = index.get((scope, indicator))
        if rec is None:
            continue
        if additive and scope != unit and (rec.get("kind") or "absolute") == "absolute":
            continue
        return rec
    return None


def _pct(x: float, lang: str) -> str:
    from ctxh_plan.data.numbers import format_number

    return format_number(abs(float(x)), None, "vi" if lang == "vi" else "en")


def describe_target(rec: dict, direction: Direction, lang: str = "vi") -> str:
    """A target row in words, as a plan writes it.

    ``relative`` −10 vs 2020 → "giảm 10% so với năm 2020" ("10% lower than in 2020");
    ``annual_change`` −3 … −2 from 2020 → "giảm 2–3%/năm so với năm 2020"; ``absolute`` → "≥ 65"
    (the operator and the value as given).
    """
    from ctxh_plan.vocab import Operator

    kind = TargetKind(rec.get("kind") or "absolute")
    v, v_hi = rec.get("value", math.nan), rec.get("value_hi", math.nan)
    b = rec.get("base_year", math.nan)
    base = "" if is_missing(b) else (f" so với năm {int(b)}" if lang == "vi" else f" vs {int(b)}")
    if kind is TargetKind.ABSOLUTE:
        try:
            sym = Operator(rec.get("operator") or "").vi
        except ValueError:
            sym = ""
        return f"{sym} {_pct(v, lang)}".strip()
    ends = [x for x in (v, v_hi) if not is_missing(x)]
    if kind is TargetKind.ANNUAL_CHANGE and direction is Direction.LOWER and all(x >= 0 for x in ends):
        ends = [-x for x in ends]
    down = all(x <= 0 for x in ends)
    word = ("giảm" if down else "tăng") if lang == "vi" else ("down" if down else "up")
    mags = sorted({abs(x) for x in ends})
    amount = "–".join(_pct(x, lang) for x in mags) + "%"
    if kind is TargetKind.ANNUAL_CHANGE:
        amount += "/năm" if lang == "vi" else " a year"
    return f"{word} {amount}{base}"


def resolve_target_value(rec: dict, direction: Direction, base_value_at: Any, default_base_year: int,
                         end_year: int) -> ResolvedTarget:
    """Turn a target row into an absolute target for one unit.

    Parameters
    ----------
    rec : target row (dict).
    direction : the indicator's direction.
    base_value_at : callable(year) -> float, the unit's FY value in a year (nan if none).
    default_base_year : base year when the row has none (the evaluation's baseline year).
    end_year : target year.

    Notes
    -----
    * ``absolute``: ``T = value``; with ``value_hi`` the ambitious end is ``value_hi``.
    * ``relative``: ``T = y_b × (1 + value/100)`` (−10 ⇒ 0.9 × base value).
    * ``annual_change``: ``value``/``value_hi`` are % a year; when the indicator is
      lower-is-better and both are >= 0 they are read as reductions (2…3 ⇒ −2…−3).
      Required rate = least demanding end; ``T = y_b × (1 + r/100)^(end − b)``;
      the operator (``<=`` lower-is-better, ``>=`` higher-is-better) applies to the
      observed average annual % change.
    """
    notes: list[str] = []
    if rec.get("_dup"):
        notes.append(f"{rec['_dup']} dòng chỉ tiêu trùng, dùng dòng đầu / duplicate target rows, first used")
    kind = TargetKind(rec.get("kind") or "absolute")
    op = rec.get("operator") or (">=" if direction is Direction.HIGHER else "<=")
    v, v_hi = rec["value"], rec.get("value_hi", math.nan)
    if kind is TargetKind.ABSOLUTE:
        return ResolvedTarget(value=v, operator=op, exceed_at=v_hi if not is_missing(v_hi) else math.nan,
                              notes=notes)
    b = int(rec["base_year"]) if not is_missing(rec.get("base_year")) else int(default_base_year)
    yb = base_value_at(b)
    if is_missing(yb):
        notes.append(f"thiếu số liệu năm gốc {b} của chỉ tiêu tương đối / no value in the target's base year {b}")
    if kind is TargetKind.RELATIVE:
        t_val = yb * (1 + v / 100.0) if not is_missing(yb) else math.nan
        hi = yb * (1 + v_hi / 100.0) if not (is_missing(yb) or is_missing(v_hi)) else math.nan
        return ResolvedTarget(value=t_val, operator=op, exceed_at=hi, base_year=b, base_value=yb, notes=notes)
    r1, r2 = v, (v_hi if not is_missing(v_hi) else v)
    if direction is Direction.LOWER and r1 >= 0 and r2 >= 0:
        r1, r2 = -r1, -r2
        notes.append("mức giảm hằng năm ghi số dương được hiểu là mức giảm / a positive annual reduction read as "
                     "a negative change")
    d = direction.sign
    req = min(r1, r2) if d > 0 else max(r1, r2)
    amb = max(r1, r2) if d > 0 else min(r1, r2)
    t_val = yb * (1 + req / 100.0) ** (end_year - b) if not is_missing(yb) else math.nan
    return ResolvedTarget(value=t_val, operator=">=" if d > 0 else "<=", exceed_at=amb if amb != req else math.nan,
                          rate_required=req, rate_ambitious=amb, base_year=b, base_value=yb, notes=notes)
