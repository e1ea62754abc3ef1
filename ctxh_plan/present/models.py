"""Intervention models ("mô hình") and their budget (Biểu 3a, 3b), from ``params/models/<province>.yaml``.

Per model the file says what the plan needs to print: name, objectives, activities, scope and
beneficiaries, places, lead agency, timeline (first and last year), quantity per year, the cost
basis and the sources of funds (central budget, local budget, social contributions). Every key is
declared once (:data:`MODEL_FIELDS`, :data:`COST_BASIS_FIELDS`, :data:`FUNDING_FIELDS`,
:data:`FILE_FIELDS`) and checked by the one settings checker (:mod:`ctxh_plan.io.settings`).

A model's unit cost comes from its cost basis: either a past year's quantity and budget (174
swimming classes for 2,092 million VND in 2023 → 12.02 million VND per class) or an explicit
``unit_cost``. The budget of a year is ``quantity × unit cost × (1 + rate)^(year − base year)`` with
the price index rate of ``params/publish.yaml``; it is split by the model's ``funding`` shares, or
else by the cost basis (state-funded share → local budget, the rest → social contributions).
Agency names and places are data, never logic.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.io.settings import MISSING, Field, check_mapping
from ctxh_plan.io.yamlfile import read_yaml

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COST_BASIS_FIELDS", "FILE_FIELDS", "FUNDING_FIELDS", "FUNDING_SOURCES", "MODEL_FIELDS",
           "InterventionModel", "build_budget_table", "build_models_table", "default_models_path", "load_models",
           "model_budget"]

#: sources of funds, in the order a budget table lists them
FUNDING_SOURCES = ("central", "local", "social")

_TEXTS = ("name", "objectives", "content", "scope", "places", "lead_agency", "quantity_unit")
_REQUIRED_TEXTS = ("name", "lead_agency")


def _year_map_rule(value: Any) -> str | None:
    try:
        items = {int(y): float(q) for y, q in value.items()}
    except (AttributeError, TypeError, ValueError):
        return "must map years to numbers, e.g. {2026: 180, 2027: 190}"
    if any(not math.isfinite(q) for q in items.values()):
        return "quantities must be finite numbers"
    if any(q < 0 for q in items.values()):
        return "quantities must be >= 0"
    return None


def _timeline_rule(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != {"from", "to"}:
        return "must be {from: 2026, to: 2030}"
    a, b = value["from"], value["to"]
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b)) or a > b:
        return "from and to must be years, from <= to"
    return None


#: the declared keys of one model (text keys have ``_vi`` and ``_en`` forms)
MODEL_FIELDS: tuple[Field, ...] = (
    Field("code", (str,), "a short unique code, e.g. SWIM", default=MISSING),
    *(Field(f"{k}_{lang}", (str,), f"the {k.replace('_', ' ')} ({'Vietnamese' if lang == 'vi' else 'English'})",
            default=MISSING if (k in _REQUIRED_TEXTS and lang == "vi") else "")
      for k in _TEXTS for lang in ("vi", "en")),
    Field("timeline", (dict,), "first and last year, e.g. {from: 2026, to: 2030}", default=None,
          rule=_timeline_rule),
    Field("cost_basis", (dict,), "year and either unit_cost or quantity + budget (million VND)", default=MISSING),
    Field("funding", (dict, type(None)), "shares of the budget by source: {central: 0, local: 0.8, social: 0.2}",
          default=None),
    Field("quantity_by_year", (dict,), "e.g. {2026: 180, 2027: 190}", default={}, rule=_year_map_rule),
    Field("units", (list,), "unit codes where the model runs (none = province-wide)", default=[], item_type=str),
)

#: the declared keys of a model's ``cost_basis``
COST_BASIS_FIELDS: tuple[Field, ...] = (
    Field("year", (int,), "the price year of the cost, e.g. 2023", default=MISSING, minimum=1990, maximum=2100),
    Field("unit_cost", (float,), "million VND per unit of quantity", default=None, minimum=0),
    Field("quantity", (float,), "quantity of the base year (with budget)", default=None, minimum=0),
    Field("budget", (float,), "budget of the base year, million VND (with quantity)", default=None, minimum=0),
    Field("state_quantity", (float,), "part of the base-year quantity paid by the state budget", default=None,
          minimum=0),
    Field("private_quantity", (float,), "part paid by social contributions", default=None, minimum=0),
    Field("state_share", (float,), "share (0–1) paid by the state budget", default=None, minimum=0, maximum=1),
    Field("source", (str,), "where the figures come from", default=""),
)

#: the declared keys of a model's ``funding`` (shares of each year's budget, summing to 1)
FUNDING_FIELDS: tuple[Field, ...] = tuple(
    Field(k, (float,), "a share between 0 and 1", default=0.0, minimum=0, maximum=1) for k in FUNDING_SOURCES)

#: the declared top-level keys of a models file
FILE_FIELDS: tuple[Field, ...] = (
    Field("version", (int,), "version: 1", default=1),
    Field("province_code", (str,), 'the dataset\'s province, quoted, e.g. "22"', default=""),
    Field("illustrative", (bool,), "true when the figures are illustrative", default=False),
    Field("currency_vi", (str,), "e.g. triệu đồng", default="triệu đồng"),
    Field("currency_en", (str,), "e.g. million VND", default="million VND"),
    Field("models", (list,), "the list of models", default=MISSING),
)


@dataclass(frozen=True)
class InterventionModel:
    """One intervention model of the plan.

    Attributes
    ----------
    texts : dict[str, dict[str, str]]
        ``{"name": {"vi": …, "en": …}, "objectives": …, "content": …, "scope": …, "places": …,
        "lead_agency": …, "quantity_unit": …}``.
    unit_cost : float
        Million VND per unit of quantity, in prices of ``base_year``.
    funding : dict[str, float]
        Share (0–1) of each year's budget by source (``central``, ``local``, ``social``); sums to 1.
    quantity_by_year : dict[int, float]
        Planned quantity per year (classes, communes…).
    timeline : (int, int)
        First and last year of the model in the plan.
    """

    code: str
    texts: dict
    unit_cost: float
    base_year: int
    funding: dict
    quantity_by_year: dict = field(default_factory=dict)
    timeline: tuple[int, int] = (2026, 2030)
    source: str = ""
    units: tuple[str, ...] = ()

    def text(self, attr: str, lang: str = "vi") -> str:
        """A text of the model in ``lang`` (the Vietnamese one when the English is empty)."""
        d = self.texts.get(attr, {})
        return str(d.get(lang) or d.get("vi") or "")

    @property
    def state_share(self) -> float:
        """Share of the budget from the state (central + local budgets)."""
        return self.funding["central"] + self.funding["local"]

    @property
    def lead_agency(self) -> dict:
        return self.texts["lead_agency"]

    def timeline_text(self, lang: str = "vi") -> str:
        """``"2026–2030"`` (or one year)."""
        a, b = self.timeline
        return str(a) if a == b else f"{a}–{b}"


def default_models_path(province: str = "quang_ninh") -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "models" / f"{province}.yaml"


def _unit_cost(code: str, basis: dict, src: str, section: str) -> tuple[float, float | None]:
    """(unit cost, state share or None) from a checked cost basis."""
    if basis["unit_cost"] is not None:
        return float(basis["unit_cost"]), basis["state_share"]
    if basis["quantity"] is None or basis["budget"] is None:
        raise ParameterError(f"{section}.cost_basis", "is incomplete: give unit_cost, or quantity and budget",
                             fix="e.g. {year: 2023, quantity: 174, budget: 2092}", source=src, value=basis)
    if basis["quantity"] <= 0:
        raise ParameterError(f"{section}.cost_basis.quantity", "must be > 0 (the cost is budget ÷ quantity)",
                             fix="give the base year's quantity", source=src, value=basis["quantity"])
    share = basis["state_share"]
    if basis["state_quantity"] is not None:
        share = float(basis["state_quantity"]) / float(basis["quantity"])
        if share > 1:
            raise ParameterError(f"{section}.cost_basis.state_quantity", "is more than the quantity",
                                 fix="check the figures", source=src, value=basis["state_quantity"])
    return float(basis["budget"]) / float(basis["quantity"]), share


def _parse_model(raw: Any, src: str, idx: int) -> InterventionModel:
    code = raw.get("code") if isinstance(raw, dict) else None
    section = f"models[{idx}]" + (f" ({code})" if code else "")
    kw = check_mapping(raw, MODEL_FIELDS, source=src, section=section)
    basis = check_mapping(kw["cost_basis"], COST_BASIS_FIELDS, source=src, section=f"{section}.cost_basis")
    unit_cost, state_share = _unit_cost(kw["code"], basis, src, section)
    if kw["funding"] is not None:
        funding = check_mapping(kw["funding"], FUNDING_FIELDS, source=src, section=f"{section}.funding")
        if abs(sum(funding.values()) - 1) > 1e-6:
            raise ParameterError(f"{section}.funding", "shares must add up to 1", source=src, value=kw["funding"],
                                 fix="e.g. {central: 0, local: 0.8, social: 0.2}")
    else:
        share = 1.0 if state_share is None else float(state_share)
        funding = {"central": 0.0, "local": share, "social": 1.0 - share}
    qty = {int(y): float(q) for y, q in kw["quantity_by_year"].items()}
    t = kw["timeline"] or ({"from": min(qty), "to": max(qty)} if qty else {"from": 2026, "to": 2030})
    outside = [y for y, q in qty.items() if q and not t["from"] <= y <= t["to"]]
    if outside:
        raise ParameterError(f"{section}.quantity_by_year", f"year {outside[0]} is outside the timeline "
                             f"{t['from']}–{t['to']}", fix="widen `timeline` or remove the year", source=src,
                             value=kw["quantity_by_year"])
    texts = {k: {"vi": kw[f"{k}_vi"], "en": kw[f"{k}_en"]} for k in _TEXTS}
    return InterventionModel(code=kw["code"], texts=texts, unit_cost=unit_cost, base_year=int(basis["year"]),
                             funding=funding, quantity_by_year=qty, timeline=(int(t["from"]), int(t["to"])),
                             source=str(basis["source"]), units=tuple(kw["units"]))


def load_models(path: str | Path | None = None) -> tuple[list[InterventionModel], dict]:
    """Read a models file; returns (models, file-level metadata such as ``illustrative``).

    Raises
    ------
    InputError
        File missing or not valid YAML.
    ParameterError
        An unknown or missing key, a wrong type, an incomplete cost basis, funding shares that do not add
        up to 1, a negative quantity or a year outside the model's timeline (file, key, value and fix named).
    """
    p = Path(path) if path else default_models_path()
    if not p.exists():
        raise InputError("models file not found", file=str(p), fix="check the path (params/models/<province>.yaml)")
    doc = read_yaml(p)
    meta = check_mapping(doc, FILE_FIELDS, source=str(p))
    models = [_parse_model(m, str(p), i) for i, m in enumerate(meta.pop("models"))]
    codes = [m.code for m in models]
    twice = [c for i, c in enumerate(codes) if c in codes[:i]]
    if twice:
        raise ParameterError("models.code", f"{twice[0]!r} appears twice", fix="give each model a unique code",
                             source=str(p), value=twice[0])
    meta["path"] = str(p)
    return models, meta


def model_budget(model: InterventionModel, year: int, annual_rate_percent: float) -> float:
    """Budget (million VND, all sources) of ``model`` in ``year``: quantity × unit cost × price index."""
    q = model.quantity_by_year.get(int(year), 0.0)
    return q * model.unit_cost * (1 + annual_rate_percent / 100.0) ** (int(year) - model.base_year)


def _chosen(models: Sequence[InterventionModel], unit_code: str | None) -> list[InterventionModel]:
    """Models of a unit (those listing it under ``units``) or, with ``unit_code`` None, all of them."""
    return [m for m in models if unit_code is None or unit_code in m.units]


def build_models_table(models: Sequence[InterventionModel], *, annual_rate_percent: float,
                       years: tuple[int, int] = (2026, 2030), lang: str = "vi",
                       unit_code: str | None = None) -> pd.DataFrame:
    """Biểu 3a as a frame: one row per model, what it is and what it costs over ``years``.

    Columns: ``stt, model, objectives, content, scope, places, timeline, lead_agency, quantity,
    quantity_unit, unit_cost, budget_total, budget_central, budget_local, budget_social`` (million VND,
    current prices of each year) ``, model_code, base_year``. ``unit_code``: keep only models whose
    ``units`` list contains it (models without ``units`` are province-wide and kept only when
    ``unit_code`` is None).
    """
    import pandas as pd

    y0, y1 = years
    rows = []
    for i, m in enumerate(_chosen(models, unit_code), start=1):
        total = sum(model_budget(m, y, annual_rate_percent) for y in range(y0, y1 + 1))
        rows.append({
            "stt": i, "model": m.text("name", lang), "objectives": m.text("objectives", lang),
            "content": m.text("content", lang), "scope": m.text("scope", lang), "places": m.text("places", lang),
            "timeline": m.timeline_text(lang), "lead_agency": m.text("lead_agency", lang),
            "quantity": sum(m.quantity_by_year.get(y, 0.0) for y in range(y0, y1 + 1)),
            "quantity_unit": m.text("quantity_unit", lang), "unit_cost": m.unit_cost, "budget_total": total,
            **{f"budget_{s}": total * m.funding[s] for s in FUNDING_SOURCES},
            "model_code": m.code, "base_year": m.base_year,
        })
    cols = ["stt", "model", "objectives", "content", "scope", "places", "timeline", "lead_agency", "quantity",
            "quantity_unit", "unit_cost", "budget_total", *(f"budget_{s}" for s in FUNDING_SOURCES), "model_code",
            "base_year"]
    return pd.DataFrame(rows, columns=cols)


def build_budget_table(models: Sequence[InterventionModel], *, annual_rate_percent: float,
                       years: tuple[int, int] = (2026, 2030), lang: str = "vi",
                       unit_code: str | None = None) -> pd.DataFrame:
    """Biểu 3b as a frame: per model a row with its yearly budget, then one row per source of funds;
    then the same for all models together (the total).

    Columns: ``stt, budget_item, budget_<year>…, budget_total, level`` where ``level`` is ``model``,
    ``source`` or ``total`` / ``total_source``; amounts in million VND (current prices of each year).
    """
    import pandas as pd

    from ctxh_plan.present.labels import column_label, text

    y0, y1 = years
    yrs = list(range(y0, y1 + 1))
    chosen = _chosen(models, unit_code)
    rows: list[dict] = []
    totals = {s: dict.fromkeys(yrs, 0.0) for s in FUNDING_SOURCES}

    def add(stt: str, item: str, amounts: dict[int, float], level: str) -> None:
        rows.append({"stt": stt, "budget_item": item, **{f"budget_{y}": amounts[y] for y in yrs},
                     "budget_total": sum(amounts.values()), "level": level})

    for i, m in enumerate(chosen, start=1):
        yearly = {y: model_budget(m, y, annual_rate_percent) for y in yrs}
        add(str(i), m.text("name", lang), yearly, "model")
        for s in FUNDING_SOURCES:
            part = {y: yearly[y] * m.funding[s] for y in yrs}
            for y in yrs:
                totals[s][y] += part[y]
            if any(part.values()):
                add("", "– " + column_label(f"budget_{s}", lang), part, "source")
    if chosen:
        add("", text("total", lang), {y: sum(totals[s][y] for s in FUNDING_SOURCES) for y in yrs}, "total")
        for s in FUNDING_SOURCES:
            add("", "– " + column_label(f"budget_{s}", lang), totals[s], "total_source")
    cols = ["stt", "budget_item", *(f"budget_{y}" for y in yrs), "budget_total", "level"]
    return pd.DataFrame(rows, columns=cols)
