"""The adopted 2026–2030 plan as data: proposals (edited in Excel) → adopted-targets file, diff, floor check.

The **adopted-targets file** is a targets file (the columns of the targets frame, docs/ARCHITECTURE.md)
with one row per unit, indicator and year 2026–2030 (``target_year`` 2030 is the 2030 target, the
other years are the yearly milestones), ``kind = absolute``, plus three columns naming the deciding
document and who set the value: ``document_number``, ``document_date`` (ISO), ``set_by``. It is
checked by the same row checks as every targets file (:func:`ctxh_plan.data.checks.check_targets`),
so ``ctxh-plan validate`` reads it too.

In memory the plan is the **adopted-targets frame** (one row per unit and indicator): ``unit_code,
indicator_code, operator, milestone_2026 … milestone_2030, target_2030, document_number,
document_date, set_by, note``.

Re-importing an edited copy of the proposals gives a **diff** against the proposal as produced: one
row per changed value (what changed, from what to what, who set it) and a warning for every 2030
target weaker than the national floor — written into the plan's ``note`` and printed, never
silently accepted.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import ADOPTED_FILE_COLUMNS as FILE_COLUMNS
from ctxh_plan.data.frames import frame_records
from ctxh_plan.errors import InputError, UsageError

__all__ = [
    "ADOPTED_COLUMNS",
    "DIFF_COLUMNS",
    "FILE_COLUMNS",
    "PLAN_YEARS",
    "AdoptedPlan",
    "Adoption",
    "adopt_proposals",
    "document_text",
    "load_adopted_plan",
    "plan_to_targets",
    "raise_first_error",
    "read_proposals",
    "targets_to_plan",
    "write_adoption",
]

PLAN_YEARS = (2026, 2027, 2028, 2029, 2030)
_MILESTONES = [f"milestone_{y}" for y in PLAN_YEARS]
#: the adopted-targets frame (one row per unit and indicator)
ADOPTED_COLUMNS = ["unit_code", "indicator_code", "operator", *_MILESTONES, "target_2030", "document_number",
                   "document_date", "set_by", "note"]
#: the diff of an edited copy against the proposal (one row per changed value, or per floor warning)
DIFF_COLUMNS = ["unit_code", "indicator_code", "field", "proposed", "adopted", "change", "set_by",
                "national_floor", "weaker_than_floor", "severity", "message"]
_VALUE_FIELDS = [*_MILESTONES[:-1], "target_2030"]
PROPOSED_BY = "theo đề xuất"
_WEAKER_NOTE = "yếu hơn mức tối thiểu quốc gia {floor} / weaker than the national floor {floor}"


@dataclass
class Adoption:
    """Result of :func:`adopt_proposals`.

    Attributes
    ----------
    plan : DataFrame
        Adopted-targets frame (``ADOPTED_COLUMNS``).
    targets : DataFrame
        The same as a targets file (long, what :func:`write_adoption` writes).
    diff : DataFrame
        ``DIFF_COLUMNS``: changed values (severity ``info``) and targets weaker than the national floor
        (severity ``warning``).
    problems : DataFrame
        Row checks of the targets file (``file, sheet, row, column, value, problem, fix, severity``).
    """

    plan: Any
    targets: Any
    diff: Any
    problems: Any
    warnings: list[str] = field(default_factory=list)


@dataclass
class AdoptedPlan:
    """An adopted-targets file read back and checked: ``plan`` (wide), ``targets`` (long), ``path``."""

    plan: Any
    targets: Any
    path: Path | None = None
    problems: Any = None

    def for_unit(self, unit_code: str) -> Any:
        return self.plan[self.plan["unit_code"] == str(unit_code)].reset_index(drop=True)

    def documents(self) -> list[str]:
        """Deciding documents named in the plan, e.g. ``Quyết định số 25/QĐ-UBND ngày 20/01/2026``."""
        pairs = self.plan[["document_number", "document_date"]].drop_duplicates()
        return [document_text(n, d) for n, d in zip(pairs["document_number"], pairs["document_date"]) if n]


def document_text(number: str, date: str, lang: str = "vi") -> str:
    """``Quyết định số 25/QĐ-UBND ngày 20/01/2026`` from a number and an ISO date."""
    if not number:
        return ""
    day = ""
    if date:
        try:
            d = dt.date.fromisoformat(str(date)[:10])
            day = f" ngày {d:%d/%m/%Y}" if lang == "vi" else f" of {d:%d %B %Y}"
        except ValueError:
            day = f" {date}"
    head = "Quyết định số" if lang == "vi" and "/QĐ" in number else ("Văn bản số" if lang == "vi" else "Document")
    return f"{head} {number}{day}"


# --------------------------------------------------------------------------------------------- reading proposals

def _cell_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def read_proposals(path: str | Path) -> Any:
    """Read proposals (``ctxh-plan project`` output, possibly edited in Excel).

    ``.xlsx``: the sheet ``targets`` (or the first sheet with ``unit_code``, ``indicator_code`` and
    ``target_2030`` headers); ``.csv``: the file itself (``<name>_targets.csv``). Cells are kept as
    written (numbers or text, parsed later the Vietnamese way); every row carries ``_file``, ``_sheet``,
    ``_row`` (the row number seen in Excel).

    Raises
    ------
    InputError
        Unreadable file, no sheet with the required columns.
    """
    import pandas as pd

    p = Path(path)
    need = {"unit_code", "indicator_code", "target_2030"}
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds
            raise InputError(f"cannot open the Excel file ({type(exc).__name__}: {exc})", file=str(p),
                             fix="re-save it as .xlsx") from None
        names = ["targets"] + [n for n in wb.sheetnames if n != "targets"] if "targets" in wb.sheetnames \
            else wb.sheetnames
        for name in names:
            rows = list(wb[name].iter_rows(values_only=True))
            for i, row in enumerate(rows[:20]):
                head = [_cell_text(c) for c in row]
                if need <= set(head):
                    body = rows[i + 1:]
                    frame = pd.DataFrame([list(r) + [None] * (len(head) - len(r)) for r in body],
                                         columns=head).iloc[:, :len(head)]
                    frame = frame.loc[:, [h for h in frame.columns if h]]
                    frame["_file"], frame["_sheet"] = str(p), name
                    frame["_row"] = range(i + 2, i + 2 + len(frame))
                    wb.close()
                    return frame[frame["unit_code"].map(_cell_text) != ""].reset_index(drop=True)
        wb.close()
        raise InputError("no sheet with the columns unit_code, indicator_code, target_2030", file=str(p),
                         fix="give the workbook written by `ctxh-plan project` (sheet `targets`)")
    if p.suffix.lower() == ".csv":
        from ctxh_plan.io.csvfile import read_csv_table

        table = read_csv_table(p)
        frame = table.frame()
        if not need <= set(frame.columns):
            raise InputError(f"missing column(s) {sorted(need - set(frame.columns))}", file=str(p),
                             row=table.header_row, fix="give the <name>_targets.csv written by `ctxh-plan project`")
        frame["_file"], frame["_sheet"] = str(p), ""
        return frame
    raise InputError(f"unsupported file type {p.suffix or '(none)'}", file=str(p),
                     fix="give the .xlsx (or _targets.csv) written by `ctxh-plan project`")


def _number(v: Any) -> float:
    from ctxh_plan.data.numbers import parse_number

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return math.nan
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    parsed = parse_number(v, errors="return")
    return math.nan if parsed.value is None else float(parsed.value)


def _numbers(frame: Any, columns: list[str]) -> Any:
    out = frame.copy()
    for c in columns:
        if c in out.columns:
            out[c] = [_number(v) for v in out[c]]
    return out


# --------------------------------------------------------------------------------------------- operator and floor

def _national_2030(catalog: Any, units: Any) -> dict[str, tuple[str, float, str]]:
    """indicator → (operator, value, kind) of the national 2030 target."""
    from ctxh_plan.data.validation import check_national_targets

    nat = check_national_targets(catalog=catalog, units=units).targets
    nat = nat[nat["target_year"] == 2030]
    return {c: (o, float(v), k)
            for c, o, v, k in zip(nat["indicator_code"], nat["operator"], nat["value"], nat["kind"])}


def _operator(ind: Any, target: float, national: tuple[str, float, str] | None) -> str:
    """Operator of an adopted target: ``>=`` when higher is better, ``<=`` when lower; the national
    target's strict ``<`` / ``>`` when the target sits on the national value, ``=`` at a natural limit."""
    op = ">=" if ind.direction.value == "higher" else "<="
    if national is None or national[2] != "absolute" or math.isnan(target):
        return op
    nop, nval, _ = national
    if nop in ("<", ">") and abs(target - nval) <= 1e-9:
        return nop
    lo, hi = ind.bounds
    limit = (hi if ind.direction.value == "higher" else lo)
    if nop == "=" and limit is not None and abs(target - float(limit)) <= 1e-9:
        return "="
    return op


def _weaker(sign: int, target: float, floor: float, op: str, floor_op: str | None) -> bool:
    """The target is weaker than the floor in the good direction."""
    if math.isnan(target) or math.isnan(floor):
        return False
    if sign * (target - floor) < -1e-9:
        return True
    return floor_op in ("<", ">") and abs(target - floor) <= 1e-9 and op not in ("<", ">")


# --------------------------------------------------------------------------------------------- adopt

def plan_to_targets(plan: Any, *, verification: str = "") -> Any:
    """Adopted-targets frame → targets-file rows (long: one row per year 2026–2030)."""
    import pandas as pd

    rows = []
    for r in frame_records(plan):
        doc = document_text(r["document_number"], r["document_date"])
        for year in PLAN_YEARS:
            key = "target_2030" if year == 2030 else f"milestone_{year}"
            v = r.get(key)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            note = r.get("note") or ""
            rows.append({"scope": r["unit_code"], "indicator_code": r["indicator_code"], "target_year": year,
                         "operator": r["operator"], "value": float(v), "value_hi": math.nan, "kind": "absolute",
                         "base_year": pd.NA, "source": doc, "verification": verification, "note": note,
                         "document_number": r["document_number"], "document_date": r["document_date"],
                         "set_by": r["set_by"]})
    cols = ["scope", "indicator_code", "target_year", "operator", "value", "value_hi", "kind", "base_year",
            "source", "verification", "note", "document_number", "document_date", "set_by"]
    out = pd.DataFrame(rows, columns=cols)
    out["base_year"] = out["base_year"].astype("Int64")
    return out


def targets_to_plan(targets: Any, raw: Any = None) -> Any:
    """Targets rows (long, years 2026–2030, absolute) → adopted-targets frame (wide).

    ``raw`` (the file as read, with ``document_number, document_date, set_by`` and ``_row``) supplies the
    document columns; without it they are empty.
    """

    t = targets[(targets["kind"] == "absolute") & targets["target_year"].isin(PLAN_YEARS)].copy()
    t = t.rename(columns={"scope": "unit_code"})
    extra = ["document_number", "document_date", "set_by"]
    if raw is not None and len(raw) and len(raw) == len(targets):
        for c in extra:
            t[c] = [_cell_text(v) for v in raw.loc[t.index, c]] if c in raw.columns else ""
    else:
        for c in extra:
            t[c] = ""
    t["field"] = ["target_2030" if y == 2030 else f"milestone_{y}" for y in t["target_year"]]
    keys = ["unit_code", "indicator_code"]
    wide = t.pivot_table(index=keys, columns="field", values="value", aggfunc="first").reset_index()
    for c in [*_MILESTONES, "target_2030"]:
        if c not in wide.columns:
            wide[c] = math.nan
    # the 2030 target is also the last milestone
    wide["milestone_2030"] = wide["target_2030"]
    first = t.sort_values("target_year", ascending=False).drop_duplicates(keys)
    info = first[keys + ["operator", *extra, "note"]]
    info = info.assign(note=[_plan_note(n) for n in info["note"]])
    out = wide.merge(info, on=keys, how="left")
    out = out[ADOPTED_COLUMNS]
    out.columns.name = None
    return out.reset_index(drop=True).astype({"unit_code": str, "indicator_code": str})


def _plan_note(note: str) -> str:
    parts = [p.strip() for p in str(note or "").split(";")]
    return "; ".join(p for p in parts if p)


def adopt_proposals(proposals: Any, *, catalog: Any, units: Any, document_number: str = "",
                    document_date: str = "", set_by: str = "", original: Any = None,
                    proposed_by: str = PROPOSED_BY, lang: str = "vi") -> Adoption:
    """Turn proposals into the adopted plan, with checks, the diff against ``original`` and the floor check.

    Parameters
    ----------
    proposals : DataFrame
        From :func:`read_proposals` (the copy to adopt, possibly edited). Optional per-row columns
        ``set_by``, ``document_number``, ``document_date``, ``note`` override the arguments.
    catalog, units : Catalog and UnitRegistry (units as of 2025-07-01 for the 2026–2030 plan).
    document_number, document_date : the deciding document (e.g. ``25/QĐ-UBND``, ``2026-01-20``).
    set_by : who set the values that differ from ``original`` (all values when there is no original).
    original : DataFrame, optional
        The proposal as produced (:func:`read_proposals` of the unedited file): values equal to it are
        recorded as set by ``proposed_by``, the others by ``set_by``, and listed in the diff.
    lang : language of the problems table.

    Returns
    -------
    Adoption
        Rows whose checks fail are left out of ``plan`` and reported in ``problems``.
    """
    import pandas as pd

    from ctxh_plan.data.checks import check_targets

    if document_date:
        try:
            document_date = dt.date.fromisoformat(str(document_date)).isoformat()
        except ValueError:
            raise UsageError(f"--date {document_date!r}: not a date — fix: write YYYY-MM-DD, e.g. 2026-01-20") \
                from None
    p = _numbers(proposals, [*_VALUE_FIELDS, "national_floor", "milestone_2030"])
    p["unit_code"] = p["unit_code"].map(_cell_text)
    p["indicator_code"] = p["indicator_code"].map(_cell_text)
    for c in ("set_by", "document_number", "document_date", "note"):
        p[c] = p[c].map(_cell_text) if c in p.columns else ""
    if "scenario" in p.columns and p["scenario"].nunique() > 1:
        raise InputError("the proposals hold several scenarios", file=str(p["_file"].iloc[0]), column="scenario",
                         fix="keep the rows of the scenario the plan adopts")
    national = _national_2030(catalog, units)
    o = None
    if original is not None:
        o = _numbers(original, [*_VALUE_FIELDS, "national_floor"])
        o["unit_code"] = o["unit_code"].map(_cell_text)
        o["indicator_code"] = o["indicator_code"].map(_cell_text)
        o = o.drop_duplicates(["unit_code", "indicator_code"]).set_index(["unit_code", "indicator_code"])
    records, raw_rows, diff = [], [], []
    for r in frame_records(p):
        unit, code = r["unit_code"], r["indicator_code"]
        ind = catalog.get(code)
        target = r.get("target_2030", math.nan)
        op = _operator(ind, target, national.get(code)) if ind is not None else ""
        base = o.loc[(unit, code)] if o is not None and (unit, code) in o.index else None
        changed = []
        if base is not None:
            for f in _VALUE_FIELDS:
                a, b = r.get(f, math.nan), base.get(f, math.nan) if f in base.index else math.nan
                if not (math.isnan(a) and math.isnan(b)) and not (abs(a - b) <= 1e-9):
                    changed.append((f, b, a))
        who = r["set_by"] or (set_by if (o is None or changed or base is None) else proposed_by) or proposed_by
        floor = r.get("national_floor", math.nan)
        if (floor is None or math.isnan(floor)) and base is not None and "national_floor" in base.index:
            floor = base["national_floor"]
        nat = national.get(code)
        if (floor is None or math.isnan(floor)) and nat is not None and nat[2] == "absolute":
            floor = nat[1]
        weak = ind is not None and _weaker(ind.direction.sign, target, float(floor), op, nat[0] if nat else None)
        note = r["note"]
        if weak:
            from ctxh_plan.data.numbers import format_number

            ftxt = format_number(float(floor), ind.decimals, "vi")
            note = "; ".join(x for x in (note, _WEAKER_NOTE.format(floor=ftxt)) if x)
        rec = {"unit_code": unit, "indicator_code": code, "operator": op,
               **{f: r.get(f, math.nan) for f in _VALUE_FIELDS}, "target_2030": target,
               "document_number": r["document_number"] or document_number,
               "document_date": r["document_date"] or document_date, "set_by": who, "note": note}
        rec["milestone_2030"] = target
        records.append(rec)
        raw_rows.append({"_file": r.get("_file", ""), "_sheet": r.get("_sheet", ""), "_row": r.get("_row")})
        for f, b, a in changed:
            diff.append({"unit_code": unit, "indicator_code": code, "field": f, "proposed": b, "adopted": a,
                         "change": a - b if not (math.isnan(a) or math.isnan(b)) else math.nan, "set_by": who,
                         "national_floor": floor, "weaker_than_floor": bool(weak and f == "target_2030"),
                         "severity": "info", "message": "đã sửa so với đề xuất / changed from the proposal"})
        if base is None and o is not None:
            diff.append({"unit_code": unit, "indicator_code": code, "field": "target_2030", "proposed": math.nan,
                         "adopted": target, "change": math.nan, "set_by": who, "national_floor": floor,
                         "weaker_than_floor": bool(weak), "severity": "info",
                         "message": "chỉ tiêu mới, không có trong đề xuất / not in the proposal"})
        if weak:
            diff.append({"unit_code": unit, "indicator_code": code, "field": "target_2030",
                         "proposed": base["target_2030"] if base is not None else math.nan, "adopted": target,
                         "change": math.nan, "set_by": who, "national_floor": floor, "weaker_than_floor": True,
                         "severity": "warning",
                         "message": "chỉ tiêu 2030 yếu hơn mức tối thiểu quốc gia (QĐ 23/QĐ-TTg) / "
                                    "2030 target weaker than the national floor"})
    if o is not None:
        kept = set(zip(p["unit_code"], p["indicator_code"]))
        for (unit, code) in o.index:
            if (unit, code) not in kept:
                diff.append({"unit_code": unit, "indicator_code": code, "field": "target_2030",
                             "proposed": o.loc[(unit, code), "target_2030"], "adopted": math.nan, "change": math.nan,
                             "set_by": set_by or "", "national_floor": math.nan, "weaker_than_floor": False,
                             "severity": "info", "message": "đã bỏ chỉ tiêu / dropped from the plan"})
    plan = pd.DataFrame(records, columns=ADOPTED_COLUMNS)
    long = plan_to_targets(plan, verification="đã ban hành / adopted")
    # provenance of every long row: the proposals row it came from (errors name the file and row)
    prov = pd.DataFrame(raw_rows)
    rep = long.merge(plan[["unit_code", "indicator_code"]].assign(_i=range(len(plan))),
                     left_on=["scope", "indicator_code"], right_on=["unit_code", "indicator_code"], how="left")
    raw = long.astype(object).where(long.notna(), None).copy()
    for c in ("_file", "_sheet", "_row"):
        raw[c] = prov[c].to_numpy()[rep["_i"].to_numpy()] if len(prov) else []
    raw["_column"] = ["target_2030" if y == 2030 else f"milestone_{y}" for y in long["target_year"]]
    raw["value"] = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in raw["value"]]
    checked, problems = check_targets(raw, catalog, units, years=(2000, 2035), lang=lang)
    frame = problems.frame()
    bad = frame[frame["severity"] == "error"]
    if len(bad):  # a (unit, indicator) with an error in any of its years is left out of the plan
        have = checked.groupby(["scope", "indicator_code"]).size()
        want = long.groupby(["scope", "indicator_code"]).size()
        ok = set(want.index[(have.reindex(want.index).fillna(0) == want).to_numpy()])
        keep = [(u, c) in ok for u, c in zip(plan["unit_code"], plan["indicator_code"])]
        plan = plan[keep].reset_index(drop=True)
        long = plan_to_targets(plan, verification="đã ban hành / adopted")
    d = pd.DataFrame(diff, columns=DIFF_COLUMNS)
    d = d.sort_values(["unit_code", "indicator_code", "severity", "field"], kind="stable").reset_index(drop=True)
    warnings = [f"{u}/{c}: {m} ({_fmt(a)} ≠ {_fmt(fl)})"
                for u, c, m, a, fl in zip(d["unit_code"], d["indicator_code"], d["message"], d["adopted"],
                                          d["national_floor"]) if m.startswith("chỉ tiêu 2030 yếu")]
    return Adoption(plan=plan, targets=long, diff=d, problems=frame, warnings=warnings)


def _fmt(v: Any) -> str:
    from ctxh_plan.data.numbers import format_number

    try:
        return "–" if v is None or math.isnan(float(v)) else format_number(float(v), None, "vi")
    except (TypeError, ValueError):
        return str(v)


def write_adoption(adoption: Adoption, path: str | Path, *, diff_path: str | Path | None = None) -> list[Path]:
    """Write the adopted-targets file (CSV, UTF-8 with BOM; atomic) and, when asked, the diff (.csv/.xlsx)."""
    from ctxh_plan.io.atomic import write_frame

    out = Path(path)
    if out.suffix.lower() != ".csv":
        raise UsageError(f"-o {out}: the adopted-targets file is a CSV — fix: use a .csv file name "
                         f"(e.g. adopted_targets.csv)")
    t = adoption.targets[list(FILE_COLUMNS)].copy()
    t["value"] = [_csv_number(v) for v in t["value"]]
    written = [write_frame(t, out)]  # formula-like text stays text (io.cells)
    if diff_path:
        written.append(write_frame(adoption.diff, Path(diff_path), sheet_name="chenh_lech"))
    return written


def _csv_number(v: Any) -> str:
    """A value as CSV text that every reader takes the same way (no thousands ambiguity: ``4.1230``)."""
    v = float(v)
    if v.is_integer():
        return str(int(v))
    s = f"{v:.6f}".rstrip("0")
    if len(s.partition(".")[2]) == 3:
        s += "0"
    return s


def load_adopted_plan(path: str | Path, *, catalog: Any, units: Any, lang: str = "vi") -> AdoptedPlan:
    """Read and check an adopted-targets file (``ctxh-plan adopt`` output, or one edited by hand).

    Raises
    ------
    InputError
        The first error of the checks (file, row, column, value, fix), with the number of further errors.
    """
    from ctxh_plan.data.checks import check_targets, pending_problems
    from ctxh_plan.io.problems import Problems
    from ctxh_plan.io.readers import read_targets

    p = Path(path)
    if not p.is_file():
        raise InputError("adopted-targets file not found", file=str(p),
                         fix="give the file written by `ctxh-plan adopt` "
                             "(e.g. data/quang_ninh_2026/adopted_targets.csv)")
    table = read_targets(p)
    problems = Problems(lang)
    pending_problems(table, problems)
    raw = table.frame
    targets, problems = check_targets(raw, catalog, units, years=(2000, 2035), problems=problems)
    frame = problems.frame()
    raise_first_error(frame, what="adopted-targets file")
    # without errors check_targets keeps every row in order: the document columns come from the same rows
    aligned = raw.reset_index(drop=True) if len(targets) == len(raw) else None
    plan = targets_to_plan(targets, aligned)
    if aligned is not None and "document_number" in aligned.columns:
        docs = [document_text(_cell_text(n), _cell_text(d)) for n, d in
                zip(aligned["document_number"], aligned.get("document_date", [""] * len(aligned)))]
        targets = targets.assign(source=[s or d for s, d in zip(targets["source"], docs)])
    return AdoptedPlan(plan=plan, targets=targets, path=p, problems=frame)


def raise_first_error(problems: Any, *, what: str) -> None:
    """Raise the first error row of a problems table as an :class:`InputError` (no-op without errors)."""
    errs = problems[problems["severity"] == "error"] if len(problems) else problems
    if not len(errs):
        return
    r = errs.iloc[0]
    more = f" (+{len(errs) - 1} more errors; run `ctxh-plan validate` on the file)" if len(errs) > 1 else ""
    row = r["row"]
    raise InputError(f"{what}: {r['problem']}{more}", file=r["file"] or None, sheet=r["sheet"] or None,
                     row=None if row is None or (isinstance(row, float) and math.isnan(row)) else int(row),
                     column=r["column"] or None, value=r["value"] or None, fix=r["fix"])
