"""Intervention models and their budget (Biểu 3), from ``params/models/<province>.yaml``.

A model's unit cost comes from its cost basis: either a past year's quantity and
budget (e.g. 174 swimming classes for 2,092 million VND in 2023 → 12.02 million
VND per class) or an explicit ``unit_cost``. Budgets for 2026–2030 are
``quantity × unit cost × (1 + rate)^(year − base year)`` with the price index rate
of ``params/publish.yaml``; the split by source (state budget / private
contributions) keeps the base year's shares. Agency names and places are data.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ctxh_plan.errors import InputError
from ctxh_plan.io.yamlfile import read_yaml

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["InterventionModel", "build_models_table", "default_models_path", "load_models", "model_budget"]


@dataclass(frozen=True)
class InterventionModel:
    """One intervention model of the plan.

    Attributes
    ----------
    unit_cost : float
        Million VND per unit of quantity, in prices of ``base_year``.
    state_share : float
        Share (0–1) of the budget paid by the state budget; the rest is private contributions.
    quantity_by_year : dict[int, float]
        Planned quantity per year (classes, communes…).
    """

    code: str
    names: dict
    content: dict
    places: dict
    lead_agency: dict
    quantity_unit: dict
    unit_cost: float
    base_year: int
    state_share: float
    quantity_by_year: dict = field(default_factory=dict)
    source: str = ""
    units: tuple[str, ...] = ()

    def text(self, attr: str, lang: str = "vi") -> str:
        d = getattr(self, attr)
        return str(d.get(lang) or d.get("vi") or "")


def default_models_path(province: str = "quang_ninh") -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "models" / f"{province}.yaml"


def _bilingual(raw: dict, key: str, where: dict, required: bool = True) -> dict:
    vi = raw.get(f"{key}_vi", raw.get(key))
    if required and (vi is None or str(vi).strip() == ""):
        raise InputError(f"model {raw.get('code')!r} has no {key}_vi", column=f"{key}_vi",
                         fix=f"add `{key}_vi:` (and `{key}_en:`)", **where)
    return {"vi": "" if vi is None else str(vi), "en": str(raw.get(f"{key}_en", "") or "")}


def _parse_model(raw: dict, path: Path, idx: int) -> InterventionModel:
    where = dict(file=str(path), row=idx + 1)
    if not isinstance(raw, dict) or not raw.get("code"):
        raise InputError("each model needs a `code:` and its fields", fix="see params/models/quang_ninh.yaml",
                         value=raw if not isinstance(raw, dict) else None, **where)
    code = str(raw["code"])
    basis = raw.get("cost_basis") or {}
    try:
        year = int(basis["year"])
        if "unit_cost" in basis:
            unit_cost = float(basis["unit_cost"])
            state_share = float(basis.get("state_share", 1.0))
        else:
            quantity, budget = float(basis["quantity"]), float(basis["budget"])
            if quantity <= 0:
                raise ValueError("quantity must be > 0")
            unit_cost = budget / quantity
            if "state_quantity" in basis:
                state_share = float(basis["state_quantity"]) / quantity
            else:
                state_share = float(basis.get("state_share", 1.0))
        if not all(math.isfinite(v) for v in (unit_cost, state_share)):
            raise ValueError("figures must be finite numbers")
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, ZeroDivisionError) as exc:
        raise InputError(f"model {code!r}: cost_basis is incomplete or not numeric ({exc})", column="cost_basis",
                         fix="give `year` and either `unit_cost` or `quantity` + `budget` (million VND)",
                         value=basis, **where) from None
    if unit_cost < 0 or not 0 <= state_share <= 1:
        raise InputError(f"model {code!r}: unit cost must be >= 0 and the state share within 0–1",
                         column="cost_basis", value=basis, fix="check the cost basis figures", **where)
    qty = raw.get("quantity_by_year") or {}
    try:
        qty = {int(y): float(q) for y, q in qty.items()}
    except (AttributeError, TypeError, ValueError):
        raise InputError(f"model {code!r}: quantity_by_year must map years to numbers", column="quantity_by_year",
                         value=raw.get("quantity_by_year"), fix="e.g. {2026: 180, 2027: 190}", **where) from None
    if any(not q >= 0 or not math.isfinite(q) for q in qty.values()):
        raise InputError(f"model {code!r}: quantities must be finite numbers >= 0", column="quantity_by_year",
                         value=qty, fix="remove negative or non-numeric quantities", **where)
    units = raw.get("units", []) or []
    if not isinstance(units, list):
        raise InputError(f"model {code!r}: units must be a list of unit codes", column="units", value=units,
                         fix='e.g. units: ["193", "194"]', **where)
    return InterventionModel(
        code=code, names=_bilingual(raw, "name", where), content=_bilingual(raw, "content", where, False),
        places=_bilingual(raw, "places", where, False), lead_agency=_bilingual(raw, "lead_agency", where),
        quantity_unit=_bilingual(raw, "quantity_unit", where, False), unit_cost=unit_cost, base_year=year,
        state_share=state_share, quantity_by_year=qty, source=str(basis.get("source", "")),
        units=tuple(str(u) for u in units),
    )


def load_models(path: str | Path | None = None) -> tuple[list[InterventionModel], dict]:
    """Read a models file; returns (models, file-level metadata such as ``illustrative``).

    Raises
    ------
    InputError
        File missing, invalid YAML, or a model with an incomplete cost basis.
    """
    p = Path(path) if path else default_models_path()
    if not p.exists():
        raise InputError("models file not found", file=str(p), fix="check the path (params/models/<province>.yaml)")
    doc = read_yaml(p) or {}
    if not isinstance(doc, dict):
        raise InputError("the models file must be a mapping with a `models:` list", file=str(p),
                         fix="see params/models/quang_ninh.yaml")
    raw_models = doc.get("models")
    if not isinstance(raw_models, list):
        raise InputError("the models file needs a top-level `models:` list", file=str(p),
                         fix="see params/models/quang_ninh.yaml")
    meta = {k: v for k, v in doc.items() if k != "models"}
    meta["path"] = str(p)
    return [_parse_model(m, p, i) for i, m in enumerate(raw_models)], meta


def model_budget(model: InterventionModel, year: int, annual_rate_percent: float) -> float:
    """Budget (million VND, all sources) of ``model`` in ``year``: quantity × unit cost × price index."""
    q = model.quantity_by_year.get(int(year), 0.0)
    return q * model.unit_cost * (1 + annual_rate_percent / 100.0) ** (int(year) - model.base_year)


def build_models_table(models: Sequence[InterventionModel], *, annual_rate_percent: float,
                       years: tuple[int, int] = (2026, 2030), lang: str = "vi",
                       unit_code: str | None = None) -> pd.DataFrame:
    """Biểu 3 as a frame: one row per model with quantity and budget by source over ``years``.

    Columns: ``stt, model, content, places, lead_agency, quantity, quantity_unit, unit_cost,
    budget_total, budget_state, budget_private`` (budgets in million VND, current prices of each year).
    ``unit_code``: keep only models whose ``units`` list contains it (models without ``units`` are
    province-wide and kept only when ``unit_code`` is None).
    """
    import pandas as pd

    rows = []
    y0, y1 = years
    chosen = [m for m in models if (unit_code is None or unit_code in m.units)]
    for i, m in enumerate(chosen, start=1):
        total = sum(model_budget(m, y, annual_rate_percent) for y in range(y0, y1 + 1))
        rows.append({
            "stt": i,
            "model": m.text("names", lang),
            "content": m.text("content", lang),
            "places": m.text("places", lang),
            "lead_agency": m.text("lead_agency", lang),
            "quantity": sum(m.quantity_by_year.get(y, 0.0) for y in range(y0, y1 + 1)),
            "quantity_unit": m.text("quantity_unit", lang),
            "unit_cost": m.unit_cost,
            "budget_total": total,
            "budget_state": total * m.state_share,
            "budget_private": total * (1 - m.state_share),
            "model_code": m.code,
            "base_year": m.base_year,
        })
    cols = ["stt", "model", "content", "places", "lead_agency", "quantity", "quantity_unit", "unit_cost",
            "budget_total", "budget_state", "budget_private", "model_code", "base_year"]
    return pd.DataFrame(rows, columns=cols)
