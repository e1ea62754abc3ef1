"""The appendix tables (Biểu 1, 2, 3) as frames, ready for the Word and Excel writers.

Every number shown comes from the library's frames (observations, evaluation,
proposals, models) and passes through :func:`~ctxh_plan.present.suppress.suppress_small_cells`
*for all units at once* (province = sum of districts), so the province appendix and
every unit appendix hide the same cells and nothing can be recovered by subtraction.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ctxh_plan.errors import InputError
from ctxh_plan.present.labels import column_label, table_title, text
from ctxh_plan.present.suppress import suppress_small_cells, suppressed_flag_column

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ctxh_plan.present.settings import PublishSettings

__all__ = [
    "EVAL_YEARS",
    "PLAN_YEARS",
    "AppendixTable",
    "ColumnSpec",
    "build_appendix_tables",
    "build_bieu1",
    "build_bieu2",
    "build_bieu3",
    "published_proposals",
    "published_values",
    "unit_name",
]

log = logging.getLogger(__name__)

EVAL_YEARS = (2021, 2022, 2023, 2024, 2025)
PLAN_YEARS = (2026, 2027, 2028, 2029, 2030)
_VALUE_YEARS = (2020, *EVAL_YEARS)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an appendix table.

    ``kind``: ``text``, ``int`` (whole number), ``num`` (the row's indicator decimals, or ``decimals``),
    ``pct`` (a percentage, ``decimals`` digits). ``group``: label of a header cell spanning several columns.
    """

    key: str
    kind: str = "text"
    decimals: int | None = None
    group: str | None = None
    width_mm: float = 18.0


@dataclass
class AppendixTable:
    """A table of the appendix: values, what to mark, and notes.

    Attributes
    ----------
    frame : DataFrame
        One row per table row; numeric columns hold floats (NaN where empty or suppressed).
    suppressed, estimate : DataFrame of bool
        Same shape as ``frame`` (columns of ``columns``): cells to render as the suppression mark /
        cells that are year-end estimates.
    prefix : dict[str, list[str]]
        Text shown before a number (e.g. the target operator "≥ ").
    row_decimals : list[int]
        Decimals of each row's indicator, for ``num`` columns.
    """

    key: str
    number: str
    title: str
    columns: list[ColumnSpec]
    frame: pd.DataFrame
    suppressed: pd.DataFrame
    estimate: pd.DataFrame
    prefix: dict = field(default_factory=dict)
    row_decimals: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    subtitle: str = ""
    landscape: bool = True
    lang: str = "vi"
    total_row: bool = False
    mark: str = "<5"

    def label(self, key: str) -> str:
        return column_label(key, self.lang)

    def cells(self) -> list[tuple[dict, dict, dict]]:
        """Per row: (values, suppressed flags, estimate flags) as plain dicts (fast access for the writers)."""
        cache = getattr(self, "_cells", None)
        if cache is None or len(cache) != len(self.frame):
            cache = list(zip(self.frame.to_dict("records"), self.suppressed.to_dict("records"),
                             self.estimate.to_dict("records")))
            self._cells = cache
        return cache

    def decimals(self, row: int, spec: ColumnSpec) -> int:
        if spec.kind == "int":
            return 0
        if spec.decimals is not None:
            return spec.decimals
        return int(self.row_decimals[row]) if row < len(self.row_decimals) else 1


# --------------------------------------------------------------------------- helpers

def _isnan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _province_code(ds: Any) -> str:
    code = getattr(ds, "province_code", None)
    if code is None and getattr(ds, "units", None) is not None:
        code = getattr(ds.units, "province_code", None)
    return str(code) if code is not None else ""


def _parents(ds: Any, codes: Sequence[str]) -> dict[str, str | None]:
    """unit → parent for the codes; without a registry every non-province unit hangs under the province."""
    reg = getattr(ds, "units", None)
    prov = _province_code(ds)
    out: dict[str, str | None] = {}
    for c in codes:
        parent = None
        if reg is not None and c in reg:
            parent = reg.parent(c)
        elif c != prov:
            parent = prov or None
        out[c] = parent
    return out


def unit_name(ds: Any, code: str, evaluation: pd.DataFrame | None = None) -> str:
    reg = getattr(ds, "units", None)
    if reg is not None and code in reg:
        return str(reg.name(code))
    if evaluation is not None and "unit_name" in evaluation.columns:
        m = evaluation.loc[evaluation["unit_code"].astype(str) == code, "unit_name"]
        if len(m):
            return str(m.iloc[0])
    return code


def _has_flag(flags: Any, flag: str) -> bool:
    return flag in [f.strip() for f in str(flags or "").split(";")]


def _evaluation_2025(evaluation: pd.DataFrame) -> pd.DataFrame:
    ev = evaluation.copy()
    ev["unit_code"] = ev["unit_code"].astype(str)
    ev["indicator_code"] = ev["indicator_code"].astype(str)
    if "target_year" in ev.columns and ev.duplicated(["unit_code", "indicator_code"]).any():
        ev = ev[ev["target_year"] == 2025]
    return ev.drop_duplicates(["unit_code", "indicator_code"], keep="first")


# --------------------------------------------------------------------------- published values

def _rolled_up(ds: Any) -> dict[tuple[str, str, int], tuple[float, bool, float]]:
    """Full-year values of parent units aggregated from their children (evaluate's roll-up rules).

    Only complete aggregates (every child unit reported) are used; without a registry or the
    evaluate package nothing is added (logged).
    """
    reg = getattr(ds, "units", None)
    if reg is None or ds.observations is None or not len(ds.observations):
        return {}
    try:
        from ctxh_plan.evaluate.rollup import rollup_observations
    except ImportError as exc:  # pragma: no cover - evaluate is part of the package
        log.warning("no roll-up available (%s): parent units show only their own reported figures", exc)
        return {}
    agg = rollup_observations(ds.observations, reg, ds.catalog)
    if not len(agg):
        return {}
    period = agg["period"].astype(str).str.upper() if "period" in agg.columns else None
    keep = agg["year"].astype(int).isin(_VALUE_YEARS)
    if period is not None:
        keep &= period.isin(["FY", ""])
    if "complete" in agg.columns:
        incomplete = keep & ~agg["complete"].astype(bool)
        if incomplete.any():
            log.info("%d incomplete aggregate(s) not shown (some child units did not report)", int(incomplete.sum()))
        keep &= agg["complete"].astype(bool)
    agg = agg[keep]
    flags = agg["flag"] if "flag" in agg.columns else [""] * len(agg)
    nums = agg["numerator"] if "numerator" in agg.columns else [float("nan")] * len(agg)
    return {(str(u), str(i), int(y)): (float(v), _has_flag(f, "estimate"), float(n))
            for u, i, y, v, f, n in zip(agg["unit_code"], agg["indicator_code"], agg["year"], agg["value"],
                                        flags, nums)}


def published_values(ds: Any, evaluation: pd.DataFrame, settings: PublishSettings) -> pd.DataFrame:
    """Long frame of every value shown for 2020–2025, all units, after suppression.

    Columns ``unit_code, indicator_code, year, value, estimate, count, suppressed__value``. Sources, in
    order: full-year observations (flag ``estimate`` → estimate); complete roll-ups of the children
    for parents without their own figure (``evaluate.rollup_observations``); the evaluation's baseline
    (year 2020) and latest value (2025, ``latest_is_estimate``) where the observations lack them.
    ``count`` is the numerator behind a ratio (the observation's ``numerator``, else the value of the
    indicator's numerator indicator): sensitive rates are hidden when that count is small.
    """
    import pandas as pd

    obs = ds.observations
    nan = float("nan")
    # (unit, indicator, year) → (value, estimate, count behind a ratio)
    rows: dict[tuple[str, str, int], tuple[float, bool, float]] = {}
    if obs is not None and len(obs):
        o = obs.copy()
        period = o["period"].astype(str).str.upper() if "period" in o.columns else pd.Series("FY", index=o.index)
        o = o[(period.isin(["FY", "", "NAN"])) & o["year"].astype(int).isin(_VALUE_YEARS)]
        flags = o["flag"] if "flag" in o.columns else pd.Series("", index=o.index)
        nums = pd.to_numeric(o["numerator"], errors="coerce") if "numerator" in o.columns else pd.Series(nan, index=o.index)
        for u, i, y, v, f, n in zip(o["unit_code"].astype(str), o["indicator_code"].astype(str),
                                    o["year"].astype(int), pd.to_numeric(o["value"], errors="coerce"), flags, nums):
            rows[(u, i, int(y))] = (float(v), _has_flag(f, "estimate"), float(n))
    for key, val in _rolled_up(ds).items():  # parents without their own figure: aggregate of their children
        rows.setdefault(key, val)
    ev = _evaluation_2025(evaluation)
    for r in ev.to_dict("records"):
        u, i = r["unit_code"], r["indicator_code"]
        by, bv = r.get("baseline_year"), r.get("baseline_value")
        if not _isnan(by) and int(by) in _VALUE_YEARS and not _isnan(bv) and (u, i, int(by)) not in rows:
            rows[(u, i, int(by))] = (float(bv), False, nan)
        ly, lv = r.get("latest_year"), r.get("latest_value")
        if not _isnan(ly) and int(ly) in _VALUE_YEARS and not _isnan(lv) and (u, i, int(ly)) not in rows:
            ln = r.get("latest_numerator", nan)
            rows[(u, i, int(ly))] = (float(lv), bool(r.get("latest_is_estimate", False)), nan if _isnan(ln) else float(ln))
    cat = ds.catalog
    records = []
    for (u, i, y), (v, e, n) in rows.items():
        ind = cat.get(i)
        if _isnan(n) and ind is not None and ind.numerator:  # count from the numerator indicator
            n = rows.get((u, ind.numerator, y), (nan, False, nan))[0]
        records.append((u, i, y, v, e, n))
    frame = pd.DataFrame(records, columns=["unit_code", "indicator_code", "year", "value", "estimate", "count"])
    parents = _parents(ds, sorted(set(frame["unit_code"])))
    return suppress_small_cells(frame, ds.catalog, settings.threshold, value_cols=["value"], group_keys=["year"],
                                parents=parents, count_col="count", mark=settings.mark).frame


def published_proposals(ds: Any, proposals: pd.DataFrame, settings: PublishSettings) -> pd.DataFrame:
    """Proposals of all units with small milestones/targets of sensitive counts suppressed (jointly)."""
    p = proposals.copy()
    p["unit_code"] = p["unit_code"].astype(str)
    p["indicator_code"] = p["indicator_code"].astype(str)
    if "scenario" in p.columns and p["scenario"].nunique(dropna=False) > 1:
        first = p["scenario"].iloc[0]
        log.info("proposals hold several scenarios: the appendix shows %r", first)
        p = p[p["scenario"] == first]
    cols = [c for c in ("value_2025", *(f"milestone_{y}" for y in PLAN_YEARS), "target_2030") if c in p.columns]
    parents = _parents(ds, sorted(set(p["unit_code"])))
    # milestones of a sensitive *rate* are targets, not counts of children: published (count 0 = nothing to hide);
    # sensitive counts follow the threshold rule
    p["_count"] = 0.0
    out = suppress_small_cells(p, ds.catalog, settings.threshold, value_cols=cols, parents=parents,
                               count_col="_count", mark=settings.mark).frame
    return out.drop(columns="_count")


# --------------------------------------------------------------------------- table builders

def _masks(frame: pd.DataFrame, columns: list[ColumnSpec], supp: Sequence[dict] = (), est: Sequence[dict] = ()):
    """(suppressed, estimate) boolean frames shaped like the table, set from per-row ``{column: flag}`` dicts."""
    import pandas as pd

    keys = [c.key for c in columns]
    out = []
    for rows in (supp, est):
        flags = [{k: bool(r.get(k, False)) for k in keys} for r in rows] or None
        out.append(pd.DataFrame(flags, index=frame.index, columns=keys) if flags
                   else pd.DataFrame(False, index=frame.index, columns=keys))
    return out[0], out[1]


def _indicator_order(catalog: Any, codes: Sequence[str]) -> list[str]:
    order = {c: k for k, c in enumerate(catalog.codes())} if catalog is not None else {}
    return sorted(dict.fromkeys(codes), key=lambda c: (order.get(c, len(order)), c))


def _op_symbol(op: Any) -> str:
    from ctxh_plan.vocab import Operator

    try:
        return Operator(str(op)).vi + " "
    except ValueError:
        return ""


def _label(value: Any, lang: str) -> str:
    """vi/en label of a vocabulary value (attainment, progress, target method…); unknown values pass through."""
    from ctxh_plan.vocab import label

    if _isnan(value) or value == "":
        return ""
    try:
        from ctxh_plan.targets.terms import TargetMethod

        return TargetMethod(str(value)).label(lang)
    except (ImportError, ValueError):
        return label(str(value), lang)


#: notes the table already shows with a mark or a fixed note (illustrative data, year-end estimate)
_MARKED_NOTES = ("dữ liệu minh họa", "illustrative data", "ước thực hiện", "estimate")


def _note_parts(raw: Any, lang: str) -> list[str]:
    """Split a ``;``-joined bilingual note ("vi / en; vi / en") into the parts to show in ``lang``.

    Parts that repeat what the table marks anyway (illustrative data, estimates) are dropped; personal
    data (names, ID or phone numbers, dates of birth) is hidden (:func:`~ctxh_plan.data.privacy.redact_personal_data`).
    """
    if _isnan(raw) or not str(raw).strip() or str(raw) == "nan":
        return []
    from ctxh_plan.data.privacy import redact_personal_data

    out = []
    for part in redact_personal_data(str(raw)).split(";"):  # a published note never names a person
        part = part.strip()
        if not part:
            continue
        if " / " in part:
            vi, en = part.split(" / ", 1)
            part = vi.strip() if lang == "vi" else en.strip()
        if part.lower() in _MARKED_NOTES:
            continue
        if part not in out:
            out.append(part)
    return out


def _truthy(value: Any) -> bool:
    """True only for a real true value (NA, None and NaN are not true)."""
    try:
        return bool(value) and not _isnan(value)
    except TypeError:  # pandas.NA
        return False


def build_bieu1(ds: Any, evaluation: pd.DataFrame, values: pd.DataFrame, unit_code: str, *,
                lang: str = "vi") -> AppendixTable:
    """Biểu 1 — evaluation of the 2021–2025 targets for one unit (rows: indicators with a target)."""
    import pandas as pd

    cat = ds.catalog
    ev = _evaluation_2025(evaluation)
    ev = ev[ev["unit_code"] == unit_code].set_index("indicator_code")
    vals = values[values["unit_code"] == unit_code]
    lookup = {(i, int(y)): (v, e, s) for i, y, v, e, s in zip(vals["indicator_code"], vals["year"], vals["value"],
                                                           vals["estimate"], vals[suppressed_flag_column("value")])}
    grp = column_label("values_2021_2025", lang)
    columns = [ColumnSpec("stt", "int", width_mm=12), ColumnSpec("indicator", "text", width_mm=48),
               ColumnSpec("unit_of_measure", "text", width_mm=15), ColumnSpec("baseline_2020", "num", width_mm=17),
               ColumnSpec("target_2025", "num", width_mm=17)]
    columns += [ColumnSpec(f"value_{y}", "num", group=grp, width_mm=18 if y == EVAL_YEARS[-1] else 15)
                for y in EVAL_YEARS]
    columns += [ColumnSpec("attainment", "text", width_mm=18), ColumnSpec("planned_change_share", "pct", 1),
                ColumnSpec("progress_category", "text", width_mm=20), ColumnSpec("note", "text", width_mm=16)]
    records, supp, est, prefix, decimals = [], [], [], [], []
    row_notes: dict[str, int] = {}
    notes_col = next((c for c in ("notes", "note") if c in ev.columns), None)
    for k, code in enumerate(_indicator_order(cat, list(ev.index)), start=1):
        r = ev.loc[code]
        ind = cat.get(code)
        rec = {"stt": k, "indicator": ind.name(lang) if ind else str(r.get(f"indicator_name_{lang}", code)),
               "unit_of_measure": ind.unit(lang) if ind else "", "indicator_code": code}
        s_row, e_row = {}, {}
        for y in _VALUE_YEARS:
            key = "baseline_2020" if y == 2020 else f"value_{y}"
            v, e, s = lookup.get((code, y), (float("nan"), False, False))
            rec[key], s_row[key], e_row[key] = v, bool(s), bool(e) and not s
        rec["target_2025"] = float(r.get("target_value", float("nan")))
        share = r.get("planned_change_share", float("nan"))
        rec["planned_change_share"] = float("nan") if _isnan(share) else 100.0 * float(share)
        hidden_inputs = s_row["baseline_2020"] or any(s_row[f"value_{y}"] for y in EVAL_YEARS)
        if ind is not None and ind.sensitive and hidden_inputs:
            # a relative target or the share of change would let a reader rebuild a hidden count
            for key in ("target_2025", "planned_change_share"):
                s_row[key] = not _isnan(rec[key])
                rec[key] = float("nan")
        rec["attainment"] = _label(r.get("attainment"), lang)
        rec["progress_category"] = _label(r.get("progress_category"), lang)
        parts = _note_parts(r.get(notes_col), lang) if notes_col else []
        if not _isnan(r.get("baseline_year")) and int(r.get("baseline_year")) != 2020:
            parts.append(f"{column_label('baseline_year', lang)}: {int(r['baseline_year'])}")
        refs = []
        for part in parts:  # long notes go under the table, numbered; the cell holds the numbers
            if part not in row_notes:
                row_notes[part] = len(row_notes) + 2  # (1) is the method note
            refs.append(f"({row_notes[part]})")
        rec["note"] = ", ".join(refs)
        records.append(rec)
        supp.append(s_row)
        est.append(e_row)
        prefix.append("" if _isnan(rec["target_2025"]) else _op_symbol(r.get("target_operator")))
        decimals.append(ind.decimals if ind else 1)
    frame = pd.DataFrame(records, columns=[c.key for c in columns] + ["indicator_code"])
    s_mask, e_mask = _masks(frame, columns, supp, est)
    number, title = table_title("bieu1", lang)
    return AppendixTable("bieu1", number, title, columns, frame, s_mask, e_mask, prefix={"target_2025": prefix},
                         row_decimals=decimals, notes=[text("method_note_bieu1", lang), *row_notes], lang=lang)


def build_bieu2(ds: Any, proposals: pd.DataFrame, values: pd.DataFrame, unit_code: str, *,
                lang: str = "vi") -> AppendixTable:
    """Biểu 2 — proposed 2026–2030 targets for one unit (rows: indicators with a proposal)."""
    import pandas as pd

    cat = ds.catalog
    p = proposals[proposals["unit_code"] == unit_code].drop_duplicates("indicator_code").set_index("indicator_code")
    vals = values[(values["unit_code"] == unit_code) & (values["year"] == 2025)]
    base = {i: (v, e, s) for i, v, e, s in zip(vals["indicator_code"], vals["value"], vals["estimate"],
                                               vals[suppressed_flag_column("value")])}
    grp = column_label("milestones", lang)
    columns = [ColumnSpec("stt", "int", width_mm=12), ColumnSpec("indicator", "text", width_mm=66),
               ColumnSpec("unit_of_measure", "text", width_mm=15), ColumnSpec("baseline_2025", "num")]
    columns += [ColumnSpec(f"milestone_{y}", "num", group=grp, width_mm=15) for y in PLAN_YEARS]
    columns += [ColumnSpec("target_2030", "num"), ColumnSpec("national_floor", "num"),
                ColumnSpec("target_method", "text", width_mm=30), ColumnSpec("feasibility", "pct", 0, width_mm=16)]
    records, supp, est, decimals = [], [], [], []
    for k, code in enumerate(_indicator_order(cat, list(p.index)), start=1):
        r = p.loc[code]
        ind = cat.get(code)
        v, e, s = base.get(code, (float("nan"), False, False))
        if _isnan(v) and not s and "value_2025" in r.index and not (ind is not None and ind.sensitive):
            # the projection's own 2025 level (only for non-sensitive indicators: its count is unknown here)
            v, s = r["value_2025"], bool(r.get(suppressed_flag_column("value_2025"), False))
        rec = {"stt": k, "indicator": ind.name(lang) if ind else code, "unit_of_measure": ind.unit(lang) if ind else "",
               "baseline_2025": v, "indicator_code": code}
        s_row = {"baseline_2025": bool(s)}
        for key in (*(f"milestone_{y}" for y in PLAN_YEARS), "target_2030", "national_floor"):
            rec[key] = float(r[key]) if key in r.index and not _isnan(r[key]) else float("nan")
            fc = suppressed_flag_column(key)
            s_row[key] = bool(r[fc]) if fc in r.index else False
        if s and ind is not None and ind.sensitive:  # a path from a hidden 2025 level gives it away
            for key in (*(f"milestone_{y}" for y in PLAN_YEARS), "target_2030"):
                s_row[key], rec[key] = True, float("nan")
        rec["target_method"] = _label(r.get("target_method"), lang)
        if _truthy(r.get("stretch", False)):
            rec["target_method"] = f"{rec['target_method']} ({column_label('stretch', lang).lower()})".strip()
        feas = r.get("feasibility")
        if isinstance(feas, (int, float)) and not _isnan(feas):
            if not 0 <= float(feas) <= 1:
                raise InputError(f"feasibility {feas!r} of {unit_code}/{code} is not a probability (0–1)",
                                 column="feasibility", value=feas, fix="check the proposals frame")
            rec["feasibility"] = 100.0 * float(feas)
        else:
            rec["feasibility"] = float("nan")
        records.append(rec)
        supp.append(s_row)
        est.append({"baseline_2025": bool(e) and not s})
        decimals.append(ind.decimals if ind else 1)
    frame = pd.DataFrame(records, columns=[c.key for c in columns] + ["indicator_code"])
    s_mask, e_mask = _masks(frame, columns, supp, est)
    number, title = table_title("bieu2", lang)
    return AppendixTable("bieu2", number, title, columns, frame, s_mask, e_mask, row_decimals=decimals,
                         notes=[text("method_note_bieu2", lang)], lang=lang)


def build_bieu3(models_frame: pd.DataFrame, settings: PublishSettings, *, lang: str = "vi") -> AppendixTable:
    """Biểu 3 — intervention models and budget 2026–2030 with a total row (budgets in million VND)."""
    import pandas as pd

    grp = column_label("budget", lang)
    columns = [ColumnSpec("stt", "int", width_mm=12), ColumnSpec("model", "text", width_mm=36),
               ColumnSpec("content", "text", width_mm=43), ColumnSpec("places", "text", width_mm=34),
               ColumnSpec("lead_agency", "text", width_mm=26), ColumnSpec("quantity", "int", width_mm=17),
               ColumnSpec("quantity_unit", "text", width_mm=19), ColumnSpec("unit_cost", "num", 2, width_mm=16),
               ColumnSpec("budget_total", "num", 1, group=grp, width_mm=22),
               ColumnSpec("budget_state", "num", 1, group=grp, width_mm=22),
               ColumnSpec("budget_private", "num", 1, group=grp, width_mm=20)]
    keys = [c.key for c in columns]
    frame = models_frame.reindex(columns=keys).copy()
    if len(frame):
        total = {k: float("nan") for k in keys}
        total.update({"model": "Tổng cộng" if lang == "vi" else "Total", "stt": float("nan")})
        for k in ("budget_total", "budget_state", "budget_private"):
            total[k] = float(frame[k].sum())
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.astype({k: object for k in keys if k in ("stt",)})
    s_mask, e_mask = _masks(frame, columns)
    base_years = sorted(set(models_frame["base_year"].astype(int))) if len(models_frame) else []
    from ctxh_plan.data.numbers import format_number

    note = text("method_note_bieu3", lang, rate=format_number(settings.annual_rate_percent, 1, lang),
                base_year="/".join(map(str, base_years)) or "—")
    number, title = table_title("bieu3", lang)
    return AppendixTable("bieu3", number, title, columns, frame, s_mask, e_mask, notes=[note], lang=lang,
                         total_row=bool(len(frame)))


def build_appendix_tables(ds: Any, evaluation: pd.DataFrame, projection: Any, unit_code: str, *,
                          lang: str = "vi", settings: PublishSettings | None = None,
                          models_frame: pd.DataFrame | None = None,
                          values: pd.DataFrame | None = None,
                          proposals: pd.DataFrame | None = None) -> list[AppendixTable]:
    """Biểu 1, 2 (and 3 when models apply) for one unit, with suppression applied across all units.

    Parameters
    ----------
    ds : Dataset
        Needs ``observations``, ``catalog``, ``units`` (registry or None), ``province_code``, ``illustrative``.
    evaluation : DataFrame
        Evaluation frame (all units, so suppression can see every group).
    projection : Projection or None
        ``projection.proposals`` (all units); None → no Biểu 2.
    unit_code : str
        The unit (or the province) whose tables to build.
    values, proposals : DataFrame, optional
        Precomputed :func:`published_values` / :func:`published_proposals` (the writer passes them to avoid
        recomputing per unit).
    models_frame : DataFrame, optional
        :func:`~ctxh_plan.present.models.build_models_table` output for Biểu 3 (None or empty → no Biểu 3).
    """
    from ctxh_plan.present.settings import load_publish_settings

    settings = settings or load_publish_settings()
    unit_code = str(unit_code)
    if values is None:
        values = published_values(ds, evaluation, settings)
    tables = [build_bieu1(ds, evaluation, values, unit_code, lang=lang)]
    props = getattr(projection, "proposals", None) if projection is not None else None
    if props is not None and proposals is None:
        proposals = published_proposals(ds, props, settings)
    if proposals is not None and (proposals["unit_code"] == unit_code).any():
        tables.append(build_bieu2(ds, proposals, values, unit_code, lang=lang))
    if models_frame is not None and len(models_frame):
        tables.append(build_bieu3(models_frame, settings, lang=lang))
    name = unit_name(ds, unit_code, evaluation)
    for t in tables:
        t.subtitle = text("for_unit", lang, name=name)
        t.mark = settings.mark
        if t.suppressed.to_numpy().any():
            t.notes.append(text("suppressed_note", lang, mark=settings.mark, threshold=settings.threshold)
                           + " " + text("zero_not_suppressed", lang))
        if t.estimate.to_numpy().any():
            t.notes.append(text("estimate_note", lang))
        if getattr(ds, "illustrative", False):
            t.notes.append(text("illustrative_note", lang))
    return tables
