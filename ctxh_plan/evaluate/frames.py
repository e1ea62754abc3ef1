"""Small helpers shared by the evaluation modules: column normalisation and catalogue maps."""
from __future__ import annotations

from typing import Any

__all__ = ["OBS_COLUMNS", "add_flag", "indicator_map", "join_notes", "normalize_observations"]

OBS_COLUMNS = ("unit_code", "indicator_code", "year", "period", "value", "numerator", "denominator",
               "flag", "source", "note")


def normalize_observations(obs: Any) -> Any:
    """Copy of the observations frame with every column of the contract, typed.

    Codes become ``str``, ``year`` int, numbers float, text columns empty strings
    instead of missing; ``period`` defaults to ``FY``.
    """
    import pandas as pd

    if tuple(obs.columns[:len(OBS_COLUMNS)]) == OBS_COLUMNS and str(obs["year"].dtype) == "int64" \
            and all(str(obs[c].dtype) == "float64" for c in ("value", "numerator", "denominator")):
        return obs.copy()  # already normalised (extra columns such as estimate_method are kept)
    missing = [c for c in ("unit_code", "indicator_code", "year", "value") if c not in obs.columns]
    if missing:
        from ctxh_plan.errors import InputError

        raise InputError(f"observations frame lacks column(s) {missing}",
                         fix="build it with ctxh_plan.load_dataset or add the columns", column=missing[0])
    out = pd.DataFrame({
        "unit_code": obs["unit_code"].astype(str).to_numpy(dtype=object),
        "indicator_code": obs["indicator_code"].astype(str).to_numpy(dtype=object),
        "year": pd.to_numeric(obs["year"]).astype("int64").to_numpy(),
    })
    for col in ("value", "numerator", "denominator"):
        src = obs[col] if col in obs.columns else pd.Series(float("nan"), index=obs.index)
        out[col] = pd.to_numeric(src, errors="coerce").astype(float).to_numpy()
    for col, default in (("period", "FY"), ("flag", ""), ("source", ""), ("note", "")):
        if col in obs.columns:
            s = obs[col].astype(object).where(obs[col].notna(), default)
            out[col] = s.astype(str).replace({"": default}).to_numpy(dtype=object)
        else:
            out[col] = default
    out["period"] = out["period"].str.strip().str.upper().replace({"": "FY"})
    return out[list(OBS_COLUMNS)]


def indicator_map(catalog: Any, attr: str) -> dict[str, Any]:
    """``{code: value}`` of one Indicator attribute (enums give their ``.value``; ``factor`` allowed)."""
    out = {}
    for ind in catalog:
        v = getattr(ind, attr)
        out[ind.code] = getattr(v, "value", v)
    return out


def add_flag(flags: str, flag: str) -> str:
    """Append ``flag`` to a ``;``-joined flag string (once)."""
    parts = [p.strip() for p in str(flags or "").split(";") if p.strip()]
    if flag not in parts:
        parts.append(flag)
    return ";".join(parts)


def join_notes(*notes: str) -> str:
    """Join non-empty notes with ``; ``."""
    return "; ".join(n for n in notes if n)
