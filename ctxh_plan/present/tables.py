"""The appendix tables (Biểu 1, 2, 3a, 3b) as frames, ready for the Word and Excel writers.

What the tables say is decided here, in the register of a signed plan (docs/NATIVE_READER_CHECKLIST.md):

* rows grouped under the plan's section headings ("I. Mục tiêu chung", "II. …") with STT numbering
  restarting in each section (catalogue ``sections``); Biểu 2 lists only indicators a plan sets
  targets for (catalogue ``plan_target``), never numerators, case counts, hotline calls or budgets;
* Biểu 1: the official verdict (Đạt / Vượt / Chưa đạt) by the target's operator on the value at the
  indicator's decimals, TH/KH (%), the statistical judgement in its own column, "Ước thực hiện năm
  2025"; targets printed on the indicator's grid (:func:`~ctxh_plan.evaluate.verdict.target_on_grid`),
  so Word, Excel and the HTML reports print the same number; yes/no as Có/Không; a missing value "–";
* Biểu 2: the 2030 target and its yearly path beside the province's own target and the national one
  ("Chỉ tiêu quốc gia (QĐ 23)", a ceiling for lower-is-better indicators), the lead agency; the basis
  of the target and the probability of reaching it only when ``params/publish.yaml`` asks;
  2026–2030 wording ("xã, phường, đặc khu", former districts "(cũ)");
* Biểu 3a/3b: the intervention models (objectives, scope, timeline, lead agency) and their yearly
  budget 2026–2030 by source.

Every number shown comes from the library's frames (observations, evaluation, proposals, models) and
passes through :func:`~ctxh_plan.present.suppress.suppress_small_cells` *for all units at once*
(province = sum of districts), so the province appendix and every unit appendix hide the same cells
and nothing can be recovered by subtraction. A suppression mark only ever stands for a value: a
target or a percentage derived from a hidden value prints "–" (with a note), never the mark.
"""
from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.errors import InputError
from ctxh_plan.present.labels import column_label, post_reform, table_title, text
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
    "build_bieu3_budget",
    "display_unit_name",
    "format_cell",
    "issuing_body",
    "published_proposals",
    "published_values",
    "unit_name",
]

log = logging.getLogger(__name__)

EVAL_YEARS = (2021, 2022, 2023, 2024, 2025)
PLAN_YEARS = (2026, 2027, 2028, 2029, 2030)
_VALUE_YEARS = (2020, *EVAL_YEARS)
#: the first day of the 2026–2030 plan: a unit that ended before it is written with "(cũ)"
_PLAN_START = "2026-01-01"
#: the day the commune-level units of the 2025 reform started
_REFORM_DAY = "2025-07-01"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an appendix table.

    ``kind``: ``text``; ``num`` (a value: the row's indicator decimals, or ``decimals``; a hidden value
    shows the row's suppression mark); ``target`` (a target: like ``num``, but a hidden one prints "–",
    never a mark); ``pct`` (a percentage with ``decimals`` digits; hidden → "–"); ``money`` (million VND,
    ``decimals`` digits). ``group``: label of a header cell spanning several columns. ``align``:
    ``left``, ``center`` or ``right`` (default: text left, numbers right).
    """

    key: str
    kind: str = "text"
    decimals: int | None = None
    group: str | None = None
    width_mm: float = 18.0
    align: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("num", "target", "pct", "money", "int")

    def alignment(self) -> str:
        if self.align:
            return self.align
        return "right" if self.numeric else "left"


@dataclass
class AppendixTable:
    """A table of the appendix: values, what to mark, and notes.

    Attributes
    ----------
    frame : DataFrame
        One row per table row; numeric columns hold floats (NaN where empty or suppressed).
    suppressed, estimate : DataFrame of bool
        Same shape as ``frame`` (columns of ``columns``): cells hidden by suppression / cells that are
        year-end estimates (marked "ước" unless their column says so in its heading).
    prefix : dict[str, list[str]]
        Text shown before a number (the target operator "≥ ").
    row_decimals : list[int]
        Decimals of each row's indicator, for ``num`` and ``target`` columns.
    row_kind : list[str]
        ``data``, ``heading`` (a section heading: STT and name in bold), ``total`` (bold), ``sub``
        (a component line under a bold row).
    texts : dict[(int, str), str]
        Cells that print text instead of their number (Có/Không, "giảm 20% so với năm 2020", "–").
    marks : list[str]
        Per row, the text of a hidden value (the count mark "<5", or the rate mark for ratios).
    labels : dict[str, str]
        Column labels that differ from :func:`~ctxh_plan.present.labels.column_label`.
    estimate_columns : set[str]
        Columns whose heading already says "ước" (no per-cell mark).
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
    row_kind: list = field(default_factory=list)
    texts: dict = field(default_factory=dict)
    marks: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    estimate_columns: set = field(default_factory=set)

    def label(self, key: str) -> str:
        return self.labels.get(key) or column_label(key, self.lang)

    def kind_of(self, row: int) -> str:
        return self.row_kind[row] if row < len(self.row_kind) else "data"

    def mark_of(self, row: int) -> str:
        return self.marks[row] if row < len(self.marks) and self.marks[row] else self.mark

    def cells(self) -> list[tuple[dict, dict, dict]]:
        """Per row: (values, suppressed flags, estimate flags) as plain dicts (fast access for the writers)."""
        cache = getattr(self, "_cells", None)
        if cache is None or len(cache) != len(self.frame):
            cache = list(zip(frame_records(self.frame), frame_records(self.suppressed),
                             frame_records(self.estimate)))
            self._cells: list[tuple[dict, dict, dict]] | None = cache  # None: to be rebuilt
        return cache

    def decimals(self, row: int, spec: ColumnSpec) -> int:
        if spec.kind == "int":
            return 0
        if spec.decimals is not None:
            return spec.decimals
        return int(self.row_decimals[row]) if row < len(self.row_decimals) else 1


def _isnan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def format_cell(table: AppendixTable, row: int, key: str, lang: str | None = None) -> str:
    """The text of one cell as every format prints it (Word writes it; Excel shows the same through
    its number formats; the tests compare both with the HTML reports).

    Numbers in the Vietnamese (or English) style with the row's decimals, halves rounded away from zero;
    a target with its operator ("≤ 13"); an estimate outside the "Ước thực hiện" column marked "ước";
    a hidden value the row's suppression mark; a hidden target or percentage and a missing value "–".
    """
    lang = lang or table.lang
    cells = table.cells()
    memo: dict[tuple[int, str, str], str] | None = getattr(table, "_formatted", None)
    if memo is None or getattr(table, "_formatted_for", None) is not cells:
        # every writer (HTML, Word, Excel widths and cells) asks for the same cells: format each once
        memo = {}
        table._formatted = memo  # type: ignore[attr-defined]
        table._formatted_for = cells  # type: ignore[attr-defined]
    got = memo.get((row, key, lang))
    if got is None:
        got = memo[(row, key, lang)] = _format_cell(table, row, key, lang)
    return got


def _format_cell(table: AppendixTable, row: int, key: str, lang: str) -> str:
    from ctxh_plan.data.numbers import format_number

    spec = next(c for c in table.columns if c.key == key)
    if (row, key) in table.texts:
        return table.texts[(row, key)]
    values, hidden, estimate = table.cells()[row]
    kind = table.kind_of(row)
    v: Any = values.get(key)  # number, text, None or NaN
    if spec.kind == "text":
        return "" if _isnan(v) else str(v)
    if kind == "heading":
        return ""
    if hidden.get(key):
        return text("missing", lang) if spec.kind in ("target", "pct") else table.mark_of(row)
    if _isnan(v):
        return text("missing", lang)
    s = format_number(float(v), table.decimals(row, spec), "vi" if lang == "vi" else "en")
    pre = table.prefix.get(key)
    if pre and pre[row]:
        s = pre[row] + s
    if estimate.get(key) and key not in table.estimate_columns:
        s += " " + text("estimate_mark", lang)
    return s


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
    """The unit's official name (registry, else the evaluation's ``unit_name``, else the code)."""
    reg = getattr(ds, "units", None)
    if reg is not None and code in reg:
        return str(reg.name(code))
    if evaluation is not None and "unit_name" in evaluation.columns:
        m = evaluation.loc[evaluation["unit_code"].astype(str) == code, "unit_name"]
        if len(m):
            return str(m.iloc[0])
    return code


def _registry_row(ds: Any, code: str) -> dict:
    reg = getattr(ds, "units", None)
    if reg is None or code not in reg:
        return {}
    f = reg.frame
    rows = f[f["unit_code"].astype(str) == code]
    return rows.iloc[0].to_dict() if len(rows) else {}


def display_unit_name(ds: Any, code: str, evaluation: pd.DataFrame | None = None, lang: str = "vi") -> str:
    """The unit's name as a 2026–2030 document writes it: a unit that ended before the plan (a former
    district) carries "(cũ)" — "Huyện Bình Liêu (cũ)"."""
    name = unit_name(ds, code, evaluation)
    end = str(_registry_row(ds, code).get("valid_to") or "")
    if end and end < _PLAN_START:
        return f"{name} {text('former', lang)}"
    return name


def issuing_body(ds: Any, code: str, settings: PublishSettings, lang: str = "vi") -> str:
    """Who issues the plan the appendix is attached to: a commune-level unit of the 2025 reform issues its
    own ("Ủy ban nhân dân phường Bãi Cháy"); the province and its former districts are covered by the
    province's plan (``document.issuing_body`` of ``params/publish.yaml``)."""
    row = _registry_row(ds, code)
    if row.get("level") == "commune" and str(row.get("valid_from") or "") >= _REFORM_DAY:
        name = str(row.get("name") or code)
        kind = str(row.get("unit_type") or "")
        if kind and name.lower().startswith(kind.lower()):
            name = kind.lower() + name[len(kind):]
        return text("people_committee", lang, unit=name)
    return settings.doc("issuing_body", lang)


def _has_flag(flags: Any, flag: str) -> bool:
    return flag in [f.strip() for f in str(flags or "").split(";")]


#: the last result of a helper that depends only on the frames it is given: (inputs, result) by helper name
_LAST: dict[str, tuple[tuple[Any, ...], Any]] = {}


def _for_inputs(name: str, inputs: tuple[Any, ...], make: Any) -> Any:
    """``make()``, or its result for the very same input objects as last time (``is``, the inputs kept alive):
    the tables of one unit after another read the same all-units frames, which need preparing only once.
    The result is read, never changed, by the callers."""
    got = _LAST.get(name)
    if got is not None and len(got[0]) == len(inputs) and all(a is b for a, b in zip(got[0], inputs)):
        return got[1]
    value = make()
    _LAST[name] = (inputs, value)
    return value


def _evaluation_2025(evaluation: pd.DataFrame) -> pd.DataFrame:
    """The evaluation rows of the 2025 targets, one per (unit, indicator), codes as text (prepared once per
    evaluation frame)."""
    return _for_inputs("evaluation_2025", (evaluation,), lambda: _prepare_evaluation_2025(evaluation))


def _prepare_evaluation_2025(evaluation: pd.DataFrame) -> pd.DataFrame:
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
        nums = (pd.to_numeric(o["numerator"], errors="coerce") if "numerator" in o.columns
                else pd.Series(nan, index=o.index))
        for u, i, y, v, f, n in zip(o["unit_code"].astype(str), o["indicator_code"].astype(str),
                                    o["year"].astype(int), pd.to_numeric(o["value"], errors="coerce"), flags, nums):
            rows[(u, i, int(y))] = (float(v), _has_flag(f, "estimate"), float(n))
    for key, val in _rolled_up(ds).items():  # parents without their own figure: aggregate of their children
        rows.setdefault(key, val)
    ev = _evaluation_2025(evaluation)
    for r in frame_records(ev):
        u, i = r["unit_code"], r["indicator_code"]
        by, bv = r.get("baseline_year"), r.get("baseline_value")
        if not _isnan(by) and int(by) in _VALUE_YEARS and not _isnan(bv) and (u, i, int(by)) not in rows:
            rows[(u, i, int(by))] = (float(bv), False, nan)
        ly, lv = r.get("latest_year"), r.get("latest_value")
        if not _isnan(ly) and int(ly) in _VALUE_YEARS and not _isnan(lv) and (u, i, int(ly)) not in rows:
            ln = r.get("latest_numerator", nan)
            rows[(u, i, int(ly))] = (float(lv), bool(r.get("latest_is_estimate", False)),
                                     nan if _isnan(ln) else float(ln))
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


def _op_symbol(op: Any) -> str:
    from ctxh_plan.vocab import Operator

    try:
        return Operator(str(op)).vi + " "
    except ValueError:
        return ""


def _label(value: Any, lang: str) -> str:
    """vi/en label of a vocabulary value (attainment, certainty, progress, target method…)."""
    from ctxh_plan.vocab import TargetMethod, label

    if _isnan(value) or value == "":
        return ""
    try:
        return TargetMethod(str(value)).label(lang)
    except ValueError:
        return label(str(value), lang)


#: note parts the tables say otherwise: with a mark, a column heading, a fixed note, or a column
_MARKED_NOTES = ("dữ liệu minh họa", "illustrative data", "ước thực hiện", "estimate")
_GENERAL_NOTES = ("khoảng tin cậy", "interval straddles")


def _is_rebase_note(part: str) -> bool:
    """A re-based row's provenance note (said once under the table, not per row)."""
    from ctxh_plan.rebase.reallocate import REBASE_NOTE_VI

    folded = part.strip().casefold()
    return folded.startswith((REBASE_NOTE_VI, "rebased to units"))


def _has_rebase_note(raw: Any) -> bool:
    return not _isnan(raw) and any(_is_rebase_note(p) for p in str(raw).split(";"))


def _note_parts(raw: Any, lang: str, *, drop: Sequence[str] = ()) -> list[str]:
    """Split a ``;``-joined bilingual note ("vi / en; vi / en") into the parts to show in ``lang``.

    Parts that repeat what the table shows anyway (illustrative data, estimates, the statistical column,
    targets not carried) or start with one of ``drop`` are left out. Personal data (names, ID or phone
    numbers, dates of birth) is hidden (:func:`~ctxh_plan.data.privacy.redact_personal_data`). The same note
    recurs in every unit's tables: each distinct note is split and screened once.
    """
    if _isnan(raw) or not str(raw).strip() or str(raw) == "nan":
        return []
    return list(_split_note(str(raw), lang, tuple(drop)))


@functools.lru_cache(maxsize=4096)
def _split_note(raw: str, lang: str, drop: tuple[str, ...]) -> tuple[str, ...]:
    from ctxh_plan.data.privacy import redact_personal_data

    out = []
    for part in redact_personal_data(str(raw)).split(";"):  # a published note never names a person
        part = part.strip()
        if not part:
            continue
        if any(g in part for g in _GENERAL_NOTES) or _is_rebase_note(part):
            continue
        if " / " in part:
            vi, en = part.split(" / ", 1)
            part = vi.strip() if lang == "vi" else en.strip()
        if part.lower() in _MARKED_NOTES or any(part.startswith(d) for d in drop):
            continue
        if part not in out:
            out.append(part)
    return tuple(out)


def _truthy(value: Any) -> bool:
    """True only for a real true value (NA, None and NaN are not true)."""
    try:
        return bool(value) and not _isnan(value)
    except TypeError:  # pandas.NA
        return False


def _yes_no(value: Any, lang: str) -> str:
    return text("missing", lang) if _isnan(value) else text("yes" if float(value) >= 0.5 else "no", lang)


class _Notes:
    """Numbered notes under a table: fixed ones first, then row notes referenced "(n)" from the Ghi chú column."""

    def __init__(self, fixed: Sequence[str]) -> None:
        self.items: list[str] = [n for n in fixed if n]

    def ref(self, note: str) -> str:
        note = note[:1].upper() + note[1:]
        if note not in self.items:
            self.items.append(note)
        return f"({self.items.index(note) + 1})"


def _sections(cat: Any, codes: Sequence[str], lang: str) -> list[tuple[str, str, list[str]]]:
    """[(section code, heading name, indicator codes in plan order)] for the codes, sections as listed in the
    catalogue; indicators without a section come last under "Chỉ tiêu khác"."""
    ordered = cat.plan_order(codes) if hasattr(cat, "plan_order") else list(codes)
    out: list[tuple[str, str, list[str]]] = []
    for code in ordered:
        ind = cat.get(code)
        sec = getattr(ind, "section", "") if ind is not None else ""
        section = cat.section(sec) if sec and hasattr(cat, "section") else None
        key = section.code if section else ""
        if not out or out[-1][0] != key:
            out.append((key, section.name(lang) if section else text("other_section", lang), []))
        out[-1][2].append(code)
    if len(out) == 1 and not out[0][0]:  # a catalogue without sections: no heading at all
        return [("", "", out[0][2])]
    return out


def _agency_codes(cat: Any, codes: Sequence[str], agency: str | None) -> list[str]:
    if not agency:
        return list(codes)
    return [c for c in codes if cat.get(c) is not None and getattr(cat[c], "lead_agency", "") == agency]


def _agency_name(cat: Any, code: str, lang: str) -> str:
    agency = cat.agency(code) if code and hasattr(cat, "agency") else None
    return agency.name(lang) if agency else ""


class _Rows:
    """Collects the rows of a table: values, flags, prefixes, texts, kinds, marks, decimals."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.supp: list[dict] = []
        self.est: list[dict] = []
        self.prefix: dict[str, list[str]] = {}
        self.texts: dict[tuple[int, str], str] = {}
        self.kinds: list[str] = []
        self.marks: list[str] = []
        self.decimals: list[int] = []

    def heading(self, code: str, name: str) -> None:
        self.add({"stt": code, "indicator": name}, kind="heading")

    def add(self, rec: dict, *, kind: str = "data", supp: dict | None = None, est: dict | None = None,
            mark: str = "", decimals: int = 1, prefix: dict | None = None, texts: dict | None = None) -> int:
        i = len(self.records)
        self.records.append(rec)
        self.supp.append(supp or {})
        self.est.append(est or {})
        self.kinds.append(kind)
        self.marks.append(mark)
        self.decimals.append(decimals)
        for k in prefix or {}:
            self.prefix.setdefault(k, [])
        for k in self.prefix:
            self.prefix[k].extend([""] * (i + 1 - len(self.prefix[k])))
            if prefix and k in prefix:
                self.prefix[k][i] = prefix[k]
        for k, v in (texts or {}).items():
            self.texts[(i, k)] = v
        return i

    def table(self, key: str, columns: list[ColumnSpec], lang: str, notes: list[str], **kw: Any) -> AppendixTable:
        import pandas as pd

        frame = pd.DataFrame(self.records, columns=[c.key for c in columns] + ["indicator_code"])
        s_mask, e_mask = _masks(frame, columns, self.supp, self.est)
        for k in self.prefix:
            self.prefix[k].extend([""] * (len(self.records) - len(self.prefix[k])))
        number, title = table_title(key, lang)
        return AppendixTable(key, number, title, columns, frame, s_mask, e_mask, prefix=self.prefix,
                             row_decimals=self.decimals, notes=notes, lang=lang, row_kind=self.kinds,
                             texts=self.texts, marks=self.marks, **kw)


def _row_mark(ind: Any, settings: PublishSettings) -> str:
    """The text of a hidden value in this indicator's row: the count mark, or the rate mark for ratios."""
    return settings.rate_mark if ind is not None and ind.kind.is_ratio else settings.mark


def build_bieu1(ds: Any, evaluation: pd.DataFrame, values: pd.DataFrame, unit_code: str, *,
                lang: str = "vi", settings: PublishSettings | None = None, agency: str | None = None) -> AppendixTable:
    """Biểu 1 — evaluation of the 2021–2025 targets for one unit (rows: indicators with a target, by section).

    Columns: STT, indicator, unit of measure, baseline 2020, 2025 target (on the indicator's grid, with its
    operator), results 2021–2024 and "Ước thực hiện năm 2025", TH/KH (%), the official verdict, the
    statistical check, notes; the share of planned change and the progress category when
    ``settings.show_progress``. ``agency``: only the indicators that agency chairs.
    """
    from ctxh_plan.evaluate.verdict import percent_of_target, target_on_grid
    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.vocab import Attainment, Certainty, Kind

    settings = settings or load_publish_settings()
    cat = ds.catalog
    ev = _evaluation_2025(evaluation)
    ev = ev[ev["unit_code"] == unit_code].set_index("indicator_code")
    vals = values[values["unit_code"] == unit_code]
    lookup = {(i, int(y)): (v, e, s) for i, y, v, e, s in zip(vals["indicator_code"], vals["year"], vals["value"],
                                                           vals["estimate"], vals[suppressed_flag_column("value")])}
    codes = _agency_codes(cat, list(ev.index), agency)
    any_estimate_2025 = any(bool(lookup.get((c, 2025), (0, False, False))[1]) for c in codes)
    grp = column_label("values_2021_2025", lang)
    columns = [ColumnSpec("stt", "text", width_mm=10, align="center"),
               ColumnSpec("indicator", "text", width_mm=56),
               ColumnSpec("unit_of_measure", "text", width_mm=17, align="center"),
               ColumnSpec("baseline_2020", "num", width_mm=15),
               ColumnSpec("target_2025", "target", width_mm=16)]
    columns += [ColumnSpec(f"value_{y}", "num", group=grp, width_mm=18 if y == EVAL_YEARS[-1] else 14)
                for y in EVAL_YEARS]
    columns += [ColumnSpec("percent_of_target", "pct", 1, width_mm=14),
                ColumnSpec("attainment", "text", width_mm=16, align="center"),
                ColumnSpec("certainty", "text", width_mm=17, align="center")]
    if settings.show_progress:
        columns += [ColumnSpec("planned_change_share", "pct", 1, width_mm=16),
                    ColumnSpec("progress_category", "text", width_mm=18, align="center")]
    columns += [ColumnSpec("note", "text", width_mm=13, align="center")]
    fixed = [text("verdict_note", lang), text("percent_of_target_note", lang)]
    notes = _Notes(fixed)
    rows = _Rows()
    notes_col = next((c for c in ("notes", "note") if c in ev.columns), None)
    drop = () if settings.show_progress else ("chỉ tiêu đã đạt từ năm gốc", "target already met at baseline")
    seen_certainty = seen_not_applicable = seen_rebased = False
    for sec_code, sec_name, sec_codes in _sections(cat, codes, lang):
        if sec_code:
            rows.heading(sec_code, sec_name)
        for k, code in enumerate(sec_codes, start=1):
            r = ev.loc[code]
            ind = cat.get(code)
            kind = ind.kind if ind is not None else None
            dec = int(r.get("decimals")) if not _isnan(r.get("decimals")) else (ind.decimals if ind else 1)
            rec = {"stt": str(k), "indicator": ind.name(lang) if ind else str(r.get(f"indicator_name_{lang}", code)),
                   "unit_of_measure": ind.unit(lang) if ind else "", "indicator_code": code}
            s_row: dict[str, bool] = {}
            e_row: dict[str, bool] = {}
            texts: dict[str, str] = {}
            for y in _VALUE_YEARS:
                key = "baseline_2020" if y == 2020 else f"value_{y}"
                v, e, s = lookup.get((code, y), (float("nan"), False, False))
                rec[key], s_row[key], e_row[key] = v, bool(s), bool(e) and not s
                if kind is Kind.YES_NO and not s:
                    texts[key] = _yes_no(v, lang)
            att = str(r.get("attainment") or "")
            op = r.get("target_operator")
            t_exact = r.get("target_value", float("nan"))
            shown = r.get("target_shown") if "target_shown" in r.index else float("nan")
            if _isnan(shown) and not _isnan(t_exact):
                shown = target_on_grid(float(t_exact), str(op), dec)
            rec["target_2025"] = float("nan") if _isnan(shown) else float(shown)
            pot = r.get("percent_of_target") if "percent_of_target" in r.index else float("nan")
            if _isnan(pot) and not _isnan(t_exact):
                pot = percent_of_target(r.get("latest_value"), float(t_exact), str(op), dec)
            rec["percent_of_target"] = float("nan") if _isnan(pot) else float(pot)
            share = r.get("planned_change_share", float("nan"))
            rec["planned_change_share"] = float("nan") if _isnan(share) else 100.0 * float(share)
            hidden_inputs = s_row["baseline_2020"] or any(s_row[f"value_{y}"] for y in EVAL_YEARS)
            target_kind = str(r.get("target_kind") or "absolute")
            if ind is not None and ind.sensitive and hidden_inputs:
                # a relative target, TH/KH or the share of change would let a reader rebuild a hidden count:
                # they print "–" (never the mark); an absolute target is public and stays
                for key in ("percent_of_target", "planned_change_share") + (
                        ("target_2025",) if target_kind != "absolute" else ()):
                    s_row[key] = not _isnan(rec[key])
                    rec[key] = float("nan")
            if kind is Kind.YES_NO and not _isnan(rec["target_2025"]):
                texts["target_2025"] = _yes_no(rec["target_2025"], lang)
            rec["attainment"] = _label(att, lang)
            cert = str(r.get("certainty") or "")
            rec["certainty"] = text("missing", lang) if cert in ("", Certainty.NOT_TESTED.value, "nan") \
                else _label(cert, lang)
            seen_certainty |= cert == Certainty.UNSURE.value
            seen_not_applicable |= att == Attainment.NOT_APPLICABLE.value
            rec["progress_category"] = _label(r.get("progress_category"), lang)
            parts = _note_parts(r.get(notes_col), lang, drop=drop) if notes_col else []
            seen_rebased |= bool(notes_col) and _has_rebase_note(r.get(notes_col))
            if hidden_inputs and ind is not None and ind.sensitive and target_kind != "absolute":
                parts.append(text("suppressed_rate_note", lang, mark=text("missing", lang),
                                  threshold=settings.threshold))
            rec["note"] = ", ".join(notes.ref(p) for p in parts)
            rows.add(rec, supp=s_row, est=e_row, mark=_row_mark(ind, settings), decimals=dec, texts=texts,
                     prefix={"target_2025": "" if _isnan(rec["target_2025"]) or kind is Kind.YES_NO
                             else _op_symbol(op)})
    tail = []
    if seen_certainty:
        tail.append(text("certainty_note", lang))
    if seen_not_applicable:
        from ctxh_plan.data.numbers import format_number

        tail.append(text("not_applicable_note", lang, min_base=format_number(settings.relative_min_base, None,
                                                                              "vi" if lang == "vi" else "en")))
    if any_estimate_2025:
        tail.append(text("estimate_column_note", lang))
    if seen_rebased:
        tail.append(text("rebased_note", lang))
    if settings.show_progress:
        tail.append(text("method_note_bieu1", lang))
    notes.items[len(fixed):len(fixed)] = tail  # fixed notes first, then the row notes they precede
    table = rows.table("bieu1", columns, lang, notes.items)
    _renumber_notes(table, len(fixed), len(tail))
    if any_estimate_2025:
        table.labels["value_2025"] = column_label("estimate_2025", lang)
        table.estimate_columns.add("value_2025")
    return table


def _renumber_notes(table: AppendixTable, first: int, inserted: int) -> None:
    """Row notes were numbered before ``inserted`` general notes went in at position ``first``: shift them."""
    import re

    if not inserted or "note" not in table.frame.columns:
        return

    def shift(m: re.Match) -> str:
        n = int(m.group(1))
        return f"({n + inserted})" if n > first else m.group(0)

    table.frame["note"] = [re.sub(r"\((\d+)\)", shift, str(v)) if isinstance(v, str) else v
                           for v in table.frame["note"]]
    table._cells = None


def _target_rows(ds: Any, year: int) -> Any:
    """Targets of ``year`` indexed by (scope, indicator) (the evaluation's rules), or {} without targets.

    The dataset's effective targets (the province's rows and the national rows it does not override) plus
    every national row (``Dataset.national_targets``): the national target is shown beside the province's.
    """
    import pandas as pd

    from ctxh_plan.evaluate.target_rules import index_targets

    frames = [f for f in (getattr(ds, "targets", None), getattr(ds, "national_targets", None))
              if f is not None and len(f)]
    if not frames:
        return {}
    return _for_inputs(f"target_rows_{year}", tuple(frames),
                       lambda: index_targets(pd.concat(frames, ignore_index=True), year))


def _target_cell(rec: dict | None, ind: Any, lang: str) -> tuple[float, str, str]:
    """(number, operator prefix, text) of a target row as Biểu 2 prints it: an absolute target as a number
    with its operator; a relative or annual-change one in words ("giảm 20% so với năm 2020"); a yes/no one
    as Có/Không. Missing → (nan, "", "–")."""
    from ctxh_plan.evaluate.target_rules import describe_target
    from ctxh_plan.evaluate.verdict import target_on_grid
    from ctxh_plan.vocab import Direction, Kind

    if rec is None or _isnan(rec.get("value")):
        return float("nan"), "", text("missing", lang)
    direction = ind.direction if ind is not None else Direction.HIGHER
    if (rec.get("kind") or "absolute") != "absolute":
        return float("nan"), "", describe_target(rec, direction, lang)
    dec = ind.decimals if ind is not None else 1
    v = target_on_grid(float(rec["value"]), str(rec.get("operator") or ">="), dec)
    if ind is not None and ind.kind is Kind.YES_NO:
        return v, "", _yes_no(v, lang)
    return v, _op_symbol(rec.get("operator")), ""


def _post_reform_communes(ds: Any) -> int:
    """Number of commune-level units of the province after the 2025 reform (0 when unknown)."""
    reg = getattr(ds, "units", None)
    try:
        if reg is not None and len(reg.codes(level="commune")) and all(
                str(_registry_row(ds, c).get("valid_from") or "") >= _REFORM_DAY for c in reg.codes(level="commune")):
            return len(reg.codes(level="commune"))
        from ctxh_plan.data.units import load_units

        return len(load_units(_province_code(ds), as_of=_REFORM_DAY).codes(level="commune"))
    except Exception as exc:  # a registry we cannot read only loses the note
        log.info("post-reform commune count unknown: %s", exc)
        return 0


def build_bieu2(ds: Any, proposals: pd.DataFrame, values: pd.DataFrame, unit_code: str, *,
                lang: str = "vi", settings: PublishSettings | None = None, agency: str | None = None,
                min_reduction: float = 2.0) -> AppendixTable:
    """Biểu 2 — targets for 2026–2030 for one unit: the indicators a plan sets targets for, by section.

    Columns: STT, indicator (2026–2030 wording), unit of measure, "Ước thực hiện năm 2025", the yearly path
    2026–2029, the 2030 target, the province's own 2030 target, the national target (QĐ 23) with its
    operator, the lead agency, notes; the basis of the target and the probability of reaching it when
    ``settings`` asks. Indicators with a 2030 norm target but no data (the guidance's process targets)
    show the norm every year.
    """
    from ctxh_plan.evaluate.target_rules import find_target
    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.vocab import Kind, TargetMethod

    settings = settings or load_publish_settings()
    cat = ds.catalog
    p = proposals[proposals["unit_code"] == unit_code].drop_duplicates("indicator_code").set_index("indicator_code")
    vals = values[(values["unit_code"] == unit_code) & (values["year"] == 2025)]
    base = {i: (v, e, s) for i, v, e, s in zip(vals["indicator_code"], vals["value"], vals["estimate"],
                                               vals[suppressed_flag_column("value")])}
    province = _province_code(ds)
    t2030 = _target_rows(ds, 2030)
    reg = getattr(ds, "units", None)
    ancestors: list[str] = []
    known = reg is not None and unit_code in reg
    cur = reg.parent(unit_code) if known and reg is not None else (province if unit_code != province else None)
    while cur:
        ancestors.append(cur)
        cur = reg.parent(cur) if reg is not None and cur in reg else None
    # rows: indicators with a proposal, and indicators whose 2030 norm applies to the unit
    codes = [c for c in p.index if cat.get(c) is None or getattr(cat[c], "plan_target", True)]
    norms: dict[str, dict] = {}
    for ind in cat:
        if ind.code in p.index or not getattr(ind, "plan_target", True):
            continue
        rec = find_target(t2030, unit_code, ind.code, ancestors, additive=ind.aggregation.value == "sum") \
            if t2030 else None
        if rec is not None and (rec.get("kind") or "absolute") == "absolute" and not _isnan(rec.get("value")) \
                and (ind.kind.is_bounded_100 or ind.kind is Kind.YES_NO) \
                and (unit_code == province or "commune" in ind.levels or "district" in ind.levels):
            norms[ind.code] = rec
            codes.append(ind.code)
    codes = _agency_codes(cat, codes, agency)
    grp = column_label("milestones", lang)
    columns = [ColumnSpec("stt", "text", width_mm=10, align="center"),
               ColumnSpec("indicator", "text", width_mm=62),
               ColumnSpec("unit_of_measure", "text", width_mm=17, align="center"),
               ColumnSpec("baseline_2025", "num", width_mm=17)]
    columns += [ColumnSpec(f"milestone_{y}", "target", group=grp, width_mm=14) for y in PLAN_YEARS[:-1]]
    columns += [ColumnSpec("target_2030", "target", width_mm=16),
                ColumnSpec("province_target", "target", width_mm=20),
                ColumnSpec("national_target", "target", width_mm=17),
                ColumnSpec("lead_agency", "text", width_mm=22, align="center")]
    if settings.show_method:
        columns.append(ColumnSpec("target_method", "text", width_mm=28))
    if settings.show_feasibility:
        columns.append(ColumnSpec("feasibility", "pct", 0, width_mm=14))
    columns.append(ColumnSpec("note", "text", width_mm=13, align="center"))
    fixed = [text("method_note_bieu2", lang, min_reduction=_num(min_reduction, lang))]
    if settings.show_method:
        fixed.append(text("method_basis_note", lang))
    if settings.show_feasibility:
        fixed.append(text("feasibility_note", lang))
    notes = _Notes(fixed)
    rows = _Rows()
    any_estimate = False
    n_communes = 0
    for sec_code, sec_name, sec_codes in _sections(cat, codes, lang):
        if sec_code:
            rows.heading(sec_code, post_reform(sec_name))
        for k, code in enumerate(sec_codes, start=1):
            ind = cat.get(code)
            dec = ind.decimals if ind is not None else 1
            kind = ind.kind if ind is not None else None
            rec = {"stt": str(k), "indicator": post_reform(ind.name(lang)) if ind else code,
                   "unit_of_measure": ind.unit(lang) if ind else "", "indicator_code": code,
                   "lead_agency": _agency_name(cat, getattr(ind, "lead_agency", ""), lang)}
            s_row: dict[str, bool] = {}
            texts: dict[str, str] = {}
            prefix: dict[str, str] = {}
            refs: list[str] = []
            if code in norms:
                v, e, s = base.get(code, (float("nan"), False, False))  # the 2025 level when there is one
                norm = float(norms[code]["value"])
                for y in PLAN_YEARS[:-1]:
                    rec[f"milestone_{y}"] = norm
                rec["target_2030"] = norm
                rec["target_method"] = TargetMethod.NORM.label(lang)
                rec["feasibility"] = float("nan")
                refs.append(text("norm_note", lang))
            else:
                r = p.loc[code]
                v, e, s = base.get(code, (float("nan"), False, False))
                if _isnan(v) and not s and "value_2025" in r.index and not (ind is not None and ind.sensitive):
                    # the projection's own 2025 level (only for non-sensitive indicators: its count is unknown here)
                    v, s = r["value_2025"], bool(r.get(suppressed_flag_column("value_2025"), False))
                for key in (*(f"milestone_{y}" for y in PLAN_YEARS[:-1]), "target_2030"):
                    rec[key] = float(r[key]) if key in r.index and not _isnan(r[key]) else float("nan")
                    fc = suppressed_flag_column(key)
                    s_row[key] = bool(r[fc]) if fc in r.index else False
                if s and ind is not None and ind.sensitive:  # a path from a hidden 2025 level gives it away
                    for key in (*(f"milestone_{y}" for y in PLAN_YEARS[:-1]), "target_2030"):
                        s_row[key], rec[key] = True, float("nan")
                    refs.append(text("suppressed_rate_note", lang, mark=text("missing", lang),
                                     threshold=settings.threshold))
                method = _label(r.get("target_method"), lang)
                if _truthy(r.get("stretch", False)):
                    method = f"{method} ({column_label('stretch', lang).lower()})".strip()
                rec["target_method"] = method
                feas = r.get("feasibility")
                if isinstance(feas, (int, float)) and not _isnan(feas):
                    if not 0 <= float(feas) <= 1:
                        raise InputError(f"feasibility {feas!r} of {unit_code}/{code} is not a probability (0–1)",
                                         column="feasibility", value=feas, fix="check the proposals frame")
                    rec["feasibility"] = 100.0 * float(feas)
                else:
                    rec["feasibility"] = float("nan")
            rec["baseline_2025"] = v
            s_row["baseline_2025"] = bool(s)
            any_estimate |= bool(e) and not s
            if kind is Kind.YES_NO:
                for key in ("baseline_2025", *(f"milestone_{y}" for y in PLAN_YEARS[:-1]), "target_2030"):
                    if not s_row.get(key) and not _isnan(rec.get(key)):
                        texts[key] = _yes_no(rec[key], lang)
            # the province's own 2030 target and the national one (QĐ 23), as the plan prints them
            prov_rec = t2030.get((province, code)) if t2030 and province else None
            nat_rec = t2030.get(("national", code)) if t2030 else None
            additive = ind is not None and ind.aggregation.value == "sum"
            if additive and unit_code != province and prov_rec is not None \
                    and (prov_rec.get("kind") or "absolute") == "absolute":
                prov_rec = None  # the province's 220 swimming classes are not a district's figure
            for key, trec in (("province_target", prov_rec), ("national_target", nat_rec)):
                num, pre, txt = _target_cell(trec, ind, lang)
                rec[key] = num
                if txt:
                    texts[key] = txt
                prefix[key] = pre
            if nat_rec is not None and str(nat_rec.get("verification", "")).strip().upper().startswith("V1") \
                    and not str(nat_rec.get("verification", "")).strip().upper().startswith("V1+"):
                refs.append(text("unconfirmed_note", lang))
            if kind is not None and kind is Kind.SHARE_OF_UNITS and unit_code == province \
                    and not _isnan(rec.get("target_2030")):
                n_communes = n_communes or _post_reform_communes(ds)
                if n_communes:
                    pct = float(rec["target_2030"])
                    k_units = math.ceil(pct / 100.0 * n_communes - 1e-9)
                    refs.append(text("communes_note", lang, n=n_communes, k=k_units, pct=_num(pct, lang, dec)))
            rec["note"] = ", ".join(notes.ref(x) for x in refs)
            rows.add(rec, supp=s_row, est={"baseline_2025": bool(e) and not s}, mark=_row_mark(ind, settings),
                     decimals=dec, texts=texts, prefix=prefix)
    tail = [text("estimate_column_note", lang)] if any_estimate else []
    notes.items[len(fixed):len(fixed)] = tail
    table = rows.table("bieu2", columns, lang, notes.items)
    _renumber_notes(table, len(fixed), len(tail))
    table.estimate_columns.add("baseline_2025")
    return table


def _num(x: float, lang: str, decimals: int | None = None) -> str:
    from ctxh_plan.data.numbers import format_number

    return format_number(float(x), decimals, "vi" if lang == "vi" else "en")


def build_bieu3(models_frame: pd.DataFrame, settings: PublishSettings, *, lang: str = "vi") -> AppendixTable:
    """Biểu 3a — the intervention models of 2026–2030: objectives, activities, scope, places, timeline,
    lead agency, quantity (:func:`~ctxh_plan.present.models.build_models_table`)."""
    columns = [ColumnSpec("stt", "text", width_mm=10, align="center"), ColumnSpec("model", "text", width_mm=32),
               ColumnSpec("objectives", "text", width_mm=38), ColumnSpec("content", "text", width_mm=44),
               ColumnSpec("scope", "text", width_mm=36), ColumnSpec("places", "text", width_mm=32),
               ColumnSpec("timeline", "text", width_mm=16, align="center"),
               ColumnSpec("lead_agency", "text", width_mm=24, align="center"),
               ColumnSpec("quantity", "int", width_mm=15),
               ColumnSpec("quantity_unit", "text", width_mm=15, align="center")]
    rows = _Rows()
    for r in frame_records(models_frame):
        rec = {c.key: r.get(c.key) for c in columns}
        rec["stt"] = str(r.get("stt", ""))
        for key in ("model", "objectives", "content", "scope", "places", "lead_agency"):
            rec[key] = post_reform(str(rec.get(key) or ""))
        rec["indicator_code"] = r.get("model_code", "")
        rows.add(rec, decimals=0)
    return rows.table("bieu3", columns, lang, [])


def build_bieu3_budget(budget_frame: pd.DataFrame, models_frame: pd.DataFrame, settings: PublishSettings, *,
                       lang: str = "vi") -> AppendixTable:
    """Biểu 3b — the yearly budget 2026–2030 of each model by source of funds (central budget, local budget,
    social contributions), with the total (:func:`~ctxh_plan.present.models.build_budget_table`; million VND)."""
    grp = column_label("budget", lang)
    years = [c for c in budget_frame.columns if c.startswith("budget_") and c[7:].isdigit()]
    columns = [ColumnSpec("stt", "text", width_mm=10, align="center"),
               ColumnSpec("budget_item", "text", width_mm=80)]
    columns += [ColumnSpec(y, "money", 1, group=grp, width_mm=22) for y in years]
    columns += [ColumnSpec("budget_total", "money", 1, group=grp, width_mm=26)]
    rows = _Rows()
    kinds = {"model": "total", "total": "total", "source": "sub", "total_source": "sub"}
    for r in frame_records(budget_frame):
        rec = {c.key: r.get(c.key) for c in columns}
        rec["budget_item"] = post_reform(str(rec.get("budget_item") or ""))
        rows.add(rec, kind=kinds.get(str(r.get("level")), "data"), decimals=1)
    base_years = sorted(set(models_frame["base_year"].astype(int))) if len(models_frame) else []
    note = text("method_note_bieu3", lang, rate=_num(settings.annual_rate_percent, lang, 1),
                base_year="/".join(map(str, base_years)) or "—")
    return rows.table("bieu3_budget", columns, lang, [note])


def build_appendix_tables(ds: Any, evaluation: pd.DataFrame, projection: Any, unit_code: str, *,
                          lang: str = "vi", settings: PublishSettings | None = None,
                          models_frame: pd.DataFrame | None = None,
                          budget_frame: pd.DataFrame | None = None,
                          values: pd.DataFrame | None = None,
                          proposals: pd.DataFrame | None = None,
                          agency: str | None = None) -> list[AppendixTable]:
    """Biểu 1, 2 (and 3a, 3b when models apply) for one unit, with suppression applied across all units.

    Parameters
    ----------
    ds : Dataset
        Needs ``observations``, ``catalog``, ``units`` (registry or None), ``province_code``, ``illustrative``
        (and ``targets`` for the province's and the national targets of Biểu 2).
    evaluation : DataFrame
        Evaluation frame (all units, so suppression can see every group).
    projection : Projection or None
        ``projection.proposals`` (all units); None → no Biểu 2.
    unit_code : str
        The unit (or the province) whose tables to build.
    values, proposals : DataFrame, optional
        Precomputed :func:`published_values` / :func:`published_proposals` (the writer passes them to avoid
        recomputing per unit).
    models_frame, budget_frame : DataFrame, optional
        :func:`~ctxh_plan.present.models.build_models_table` and
        :func:`~ctxh_plan.present.models.build_budget_table` output for Biểu 3a/3b (None or empty → none).
    agency : str, optional
        Code of a lead agency (catalogue ``agencies``): Biểu 1–2 keep only the indicators it chairs and
        Biểu 3 is left out.
    """
    from ctxh_plan.present.settings import load_publish_settings

    settings = settings or load_publish_settings()
    unit_code = str(unit_code)
    if values is None:
        values = published_values(ds, evaluation, settings)
    tables = [build_bieu1(ds, evaluation, values, unit_code, lang=lang, settings=settings, agency=agency)]
    props = getattr(projection, "proposals", None) if projection is not None else None
    if props is not None and proposals is None:
        proposals = published_proposals(ds, props, settings)
    if proposals is not None and (proposals["unit_code"] == unit_code).any():
        min_reduction = getattr(getattr(projection, "settings", None), "min_reduction_percent", 2.0)
        tables.append(build_bieu2(ds, proposals, values, unit_code, lang=lang, settings=settings, agency=agency,
                                  min_reduction=float(min_reduction)))
    if models_frame is not None and len(models_frame) and not agency:
        tables.append(build_bieu3(models_frame, settings, lang=lang))
        if budget_frame is not None and len(budget_frame):
            tables.append(build_bieu3_budget(budget_frame, models_frame, settings, lang=lang))
    name = display_unit_name(ds, unit_code, evaluation, lang)
    agency_line = ""
    if agency:
        agency_line = "; " + text("for_agency", lang, name=_agency_name(ds.catalog, agency, lang) or agency)
    for t in tables:
        t.subtitle = text("for_unit", lang, name=name) + agency_line
        t.mark = settings.mark
        hidden = [i for i in range(len(t.frame)) if t.suppressed.iloc[i].to_numpy().any()]
        mark_rows = [i for i in hidden if any(
            t.suppressed.iloc[i][c.key] and c.kind == "num" for c in t.columns)]
        if any(t.mark_of(i) == settings.mark for i in mark_rows):
            t.notes.append(text("suppressed_note", lang, mark=settings.mark, threshold=settings.threshold)
                           + " " + text("zero_not_suppressed", lang))
        if any(t.mark_of(i) == settings.rate_mark and settings.rate_mark != settings.mark for i in mark_rows):
            t.notes.append(text("suppressed_rate_note", lang, mark=settings.rate_mark, threshold=settings.threshold))
        est_cells = t.estimate.drop(columns=[c for c in t.estimate_columns if c in t.estimate.columns])
        if est_cells.to_numpy().any():
            t.notes.append(text("estimate_note", lang))
        if getattr(ds, "illustrative", False):
            t.notes.append(text("illustrative_note", lang))
    return tables
