"""Check raw frames against the catalogue and the unit registry; collect every problem.

Nothing stops at the first problem: each check adds rows to one problems table
(``file, sheet, row, column, value, problem, fix, severity``). Rows with an
error are left out of the typed frames; :func:`ctxh_plan.data.dataset.load_dataset`
refuses the dataset when there is any error (``strict=True``).

Checks on observations: required columns, empty file / header only, unknown
unit and indicator codes, year not a year or outside the range (default
2000–2035), unknown period, text that is not a number, negative counts and
rates, values outside the indicator's bounds (percent > 100), fractional counts,
yes/no values other than 0/1, ``%`` on an indicator that is not a percentage,
numerator > denominator, zero denominators, value ≠ numerator/denominator,
duplicates (same unit, indicator, year, period) and — as warnings — gaps in the
years, ambiguous numbers read the Vietnamese way, unused columns.
Checks on targets: scope, unknown indicator, target year, operator, kind,
base year for relative and annual-change targets, bounds, duplicates.
"""

from __future__ import annotations

import difflib
import logging
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from ctxh_plan.data.frames import OBSERVATION_COLUMNS, OBSERVATION_DTYPES, TARGET_COLUMNS, TARGET_DTYPES, frame_records
from ctxh_plan.data.numbers import detect_number_style, format_number, parse_number
from ctxh_plan.data.privacy import fold_text
from ctxh_plan.io.problems import Problems
from ctxh_plan.vocab import Flag, Kind, Operator, TargetKind

__all__ = ["DEFAULT_YEARS", "PERIOD_ALIASES", "CheckResult", "check_observations", "check_targets",
           "pending_problems"]


log = logging.getLogger(__name__)


DEFAULT_YEARS = (2000, 2035)


#: folded period text → period code
PERIOD_ALIASES = {"": "FY", "fy": "FY", "ca nam": "FY", "nam": "FY", "full year": "FY", "12 thang": "FY",
                  "h1": "H1", "6 thang": "H1", "6m": "H1", "9m": "9M", "9 thang": "9M",
                  "q1": "Q1", "q2": "Q2", "q3": "Q3", "q4": "Q4", "quy 1": "Q1", "quy 2": "Q2", "quy 3": "Q3",
                  "quy 4": "Q4"}






_OPERATOR_ALIASES = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<=", "==": "="}


@dataclass
class CheckResult:
    """Typed frames and the problems found while reading and checking input files."""

    observations: Any
    targets: Any
    problems: Any
    inputs: list[dict] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return int((self.problems["severity"] == "error").sum()) if len(self.problems) else 0


def _s(v: Any) -> str:
    """Cell as trimmed text ('' for None/NaN)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _where(rec: dict, column: str) -> dict:
    col = rec.get("_column") if column == "value" and rec.get("_column") else column
    return {"file": rec.get("_file"), "sheet": rec.get("_sheet") or None, "row": rec.get("_row"), "column": col}


def _fmt(v: float | None) -> str:
    return "" if v is None else format_number(v, None, "vi")


class _Collapse:
    """Report a repeated problem (same key, file, sheet, value) once, with the number of rows."""

    def __init__(self) -> None:
        self.seen: dict[tuple, dict] = {}

    def add(self, key: str, rec: dict, column: str, value: str, **fmt: Any) -> None:
        k = (key, rec.get("_file"), rec.get("_sheet"), value)
        if k in self.seen:
            self.seen[k]["n"] += 1
        else:
            self.seen[k] = {"key": key, "where": _where(rec, column), "value": value, "fmt": fmt, "n": 1}

    def flush(self, problems: Problems) -> None:
        for item in self.seen.values():
            problems.add(item["key"], value=item["value"], **item["where"], **item["fmt"])
            if item["n"] > 1:
                extra = item["n"] - 1
                problems.rows[-1]["problem"] += (f" (+{extra} dòng khác)" if problems.lang == "vi"
                                                 else f" (+{extra} more rows)")


def _indicator(rec: dict, catalog: Any, problems: Problems, collapse: _Collapse) -> tuple[str, Any]:
    """(code, Indicator or None); an empty or unknown code is recorded (close codes suggested)."""
    code = _s(rec.get("indicator_code"))
    if not code:
        problems.add("missing_code", **_where(rec, "indicator_code"))
        return code, None
    if code not in catalog:
        close = difflib.get_close_matches(code, catalog.codes(), n=3)
        collapse.add("unknown_indicator", rec, "indicator_code", code,
                     suggest=f" ({', '.join(close)}?)" if close else "")
        return code, None
    return code, catalog[code]


def _resolve_unit(code: str, units: Any) -> str | None:
    """Official code for ``code``; restores leading zeros lost by Excel (returns None if unknown)."""
    if code in units:
        return code
    if code.isdigit():
        for width in (2, 3, 5):
            cand = code.zfill(width)
            if cand != code and cand in units:
                return cand
    return None


def _number(rec: dict, column: str, style: Literal["vi", "en"] | None, problems: Problems,
            ambiguous: list) -> tuple[Any, bool]:
    """Parse one number cell; (ParsedNumber or None, ok)."""
    if column not in rec:
        return None, True
    cell = rec.get(column)
    parsed = parse_number(cell if not isinstance(cell, float) or not math.isnan(cell) else None,
                          style=style or "auto", errors="return")
    if parsed.problem:
        problems.add("not_number", value=_s(cell), reason=parsed.problem, **_where(rec, column))
        return None, False
    if parsed.ambiguous and style is None:
        ambiguous.append((rec, column, parsed))
    if parsed.value is None:
        return None, True
    if abs(parsed.value) >= 1e15:  # the frame contract's bound: say so on the row, not as an internal error
        problems.add("too_large", value=_s(cell)[:40], **_where(rec, column))
        return None, False
    return parsed, True


def _check_value(ind: Any, parsed: Any, rec: dict, column: str, problems: Problems, *,
                 rebased: bool = False) -> bool:
    """Kind and bound checks of one value against its indicator; True when fine.

    Bounds allow floating-point noise (1e-9: a ratio of sums may give 100.00000000000001).
    A count flagged ``rebased`` may be fractional: it was re-allocated by weights
    (see docs/REBASE.md), and its note names the method.
    """
    v = parsed.value
    ok = True
    where = _where(rec, column)
    shown = parsed.text or _fmt(v)
    if parsed.percent and not ind.kind.is_bounded_100:
        problems.add("percent_sign", value=shown, indicator=ind.code, **where)
        ok = False
    lo, hi = ind.bounds
    if v < 0 and (lo is None or lo >= 0):
        problems.add("negative", value=shown, indicator=ind.code, kind=ind.kind.label(problems.lang), **where)
        return False
    if lo is not None and v < lo - 1e-9 * max(1.0, abs(lo)):
        problems.add("below_bound", value=shown, indicator=ind.code, lo=_fmt(lo), **where)
        ok = False
    if hi is not None and v > hi + 1e-9 * max(1.0, abs(hi)):
        problems.add("above_bound", value=shown, indicator=ind.code, hi=_fmt(hi), **where)
        ok = False
    if ind.kind is Kind.COUNT and not rebased and abs(v - round(v)) > 1e-9:
        problems.add("fractional_count", value=shown, indicator=ind.code, **where)
        ok = False
    if ind.kind is Kind.YES_NO and v not in (0.0, 1.0):
        problems.add("yes_no", value=shown, indicator=ind.code, **where)
        ok = False
    return ok


def _flags(text: str, rec: dict, problems: Problems) -> list[str]:
    out = []
    for f in (t.strip() for t in text.replace(",", ";").split(";")):
        if not f:
            continue
        try:
            out.append(Flag(f).value)
        except ValueError:
            problems.add("unknown_flag", value=f, known=", ".join(x.value for x in Flag), **_where(rec, "flag"))
    return out


def pending_problems(raw: Any, problems: Problems) -> bool:
    """Add the problems a reader found (``raw``: its :class:`~ctxh_plan.io.headers.RawTable`); True when the frame
    has its required columns."""
    pending = raw.problems
    problems.add_pending(pending)
    return not any(p["key"] in ("missing_column", "no_header", "no_unit", "no_year_columns") for p in pending)


def _unit(rec: dict, units: Any, problems: Problems, collapse: _Collapse) -> tuple[str, str | None]:
    """(code as written, official code or None); empty and unknown codes are recorded."""
    text = _s(rec.get("unit_code"))
    if not text:
        problems.add("missing_code", **_where(rec, "unit_code"))
        return text, None
    unit = _resolve_unit(text, units)
    if unit is None:
        collapse.add("unknown_unit", rec, "unit_code", text, province=units.province_code,
                     examples=", ".join(units.codes()[:4]))
    elif unit != text:
        collapse.add("unit_zero_restored", rec, "unit_code", text, code=unit)
    return text, unit


def _year(rec: dict, column: str, years: tuple[int, int], problems: Problems) -> int | None:
    """The year in ``column`` or None (not a whole number, or outside ``years``: recorded)."""
    text = _s(rec.get(column))
    try:
        year = int(text)
    except ValueError:
        problems.add("bad_year", value=text, **_where(rec, column))
        return None
    if not years[0] <= year <= years[1]:
        problems.add("year_range", value=text, lo=years[0], hi=years[1], **_where(rec, column))
        return None
    return year


def _period(rec: dict, problems: Problems) -> str | None:
    """Period code (FY when empty) or None (unknown: recorded)."""
    text = _s(rec.get("period"))
    period = PERIOD_ALIASES.get(fold_text(text), text.upper() if text.upper() in PERIOD_ALIASES.values() else None)
    if period is None:
        problems.add("bad_period", value=text, **_where(rec, "period"))
    return period


def _ratio_checks(ind: Any, rec: dict, value: Any, num: Any, den: Any, problems: Problems) -> tuple[bool, Any]:
    """Numerator/denominator checks; (ok, value — computed from them when the value cell is empty)."""
    ok = True
    for col, x in (("numerator", num), ("denominator", den)):
        if x is not None and x.value < 0:
            problems.add("negative", value=x.text or _fmt(x.value), indicator=ind.code,
                         kind=ind.kind.label(problems.lang), **_where(rec, col))
            ok = False
    if not ok or num is None or den is None:
        return ok, value
    nv, dv = num.value, den.value
    if dv == 0 and (nv > 0 or value is None):
        problems.add("den_zero", value=den.text, **_where(rec, "denominator"))
        return False, value
    if ind.kind.is_ratio and nv > dv:
        problems.add("num_gt_den", value=num.text or _fmt(nv), numerator=_fmt(nv), denominator=_fmt(dv),
                     **_where(rec, "numerator"))
        return False, value
    if not ind.kind.is_ratio or dv == 0:
        return ok, value
    computed = nv / dv * ind.factor
    if value is None:
        return ok, parse_number(computed)
    if not value.approximate and abs(value.value - computed) > max(0.5 * 10 ** -ind.decimals, 0.01 * abs(computed)):
        problems.add("value_mismatch", value=value.text or _fmt(value.value), factor=_fmt(ind.factor),
                     computed=format_number(computed, ind.decimals + 1, "vi"), **_where(rec, "value"))
    return ok, value


def check_observations(raw: Any, catalog: Any, units: Any, *, years: tuple[int, int] = DEFAULT_YEARS,
                       problems: Problems | None = None, lang: str = "vi"):
    """Check a raw observations frame and build the typed observations frame.

    Parameters
    ----------
    raw : pandas.DataFrame
        The ``frame`` of :func:`ctxh_plan.io.readers.read_observations` (one or several files
        concatenated; the ``problems`` of each file's :class:`~ctxh_plan.io.headers.RawTable` added to
        ``problems`` first with :func:`pending_problems` — see :func:`ctxh_plan.data.validation.check_files`).
    catalog : Catalog
    units : UnitRegistry
    years : (first, last) allowed years, inclusive.
    problems : Problems, optional
        Collector to add to (a new one in ``lang`` when None).

    Returns
    -------
    (observations frame, Problems)
        The frame holds the rows without errors; columns as in docs/ARCHITECTURE.md.
    """
    import pandas as pd

    problems = problems if problems is not None else Problems(lang)
    collapse = _Collapse()
    styles = {}
    for f, grp in (raw.groupby("_file", sort=False) if len(raw) else ()):
        cells = [c for col in ("value", "numerator", "denominator") if col in grp for c in grp[col].tolist()]
        styles[f] = detect_number_style(cells)
    ambiguous: list = []
    out: list[dict] = []
    first_seen: dict[tuple, dict] = {}
    for rec in frame_records(raw):
        style = styles.get(rec.get("_file"))
        unit_text, unit = _unit(rec, units, problems, collapse)
        code, ind = _indicator(rec, catalog, problems, collapse)
        year = _year(rec, "year", years, problems)
        period = _period(rec, problems)
        value, ok_v = _number(rec, "value", style, problems, ambiguous)
        num, ok_n = _number(rec, "numerator", style, problems, ambiguous)
        den, ok_d = _number(rec, "denominator", style, problems, ambiguous)
        flags = _flags(_s(rec.get("flag")), rec, problems)
        bad = None in (unit, ind, year, period) or not (ok_v and ok_n and ok_d)
        nv = num.value if num else None
        dv = den.value if den else None
        if ind is not None:
            ok, value = _ratio_checks(ind, rec, value, num, den, problems)
            bad = bad or not ok
            if value is not None and not _check_value(ind, value, rec, "value", problems,
                                                      rebased=Flag.REBASED.value in flags):
                bad = True
        if value is None:
            if ok_v and not _s(rec.get("value")) and nv is None:
                problems.add("no_value", **_where(rec, "value"))
            continue
        if bad:
            continue
        key = (unit, code, year, period)
        if key in first_seen:
            f = first_seen[key]
            same_file = f.get("_file") == rec.get("_file")
            first = (("dòng" if problems.lang == "vi" else "row") + f" {f.get('_row')}"
                     + (f" ({f.get('_sheet')})" if f.get("_sheet") else "")
                     + ("" if same_file else f" {f.get('_file')}"))
            problems.add("duplicate", value=f"{unit_text}/{code}/{year}/{period}", first=first,
                         **_where(rec, "indicator_code"))
            continue
        first_seen[key] = rec
        if value.approximate:
            flags.append(Flag.APPROXIMATE.value)
        out.append({"unit_code": unit, "indicator_code": code, "year": year, "period": period,
                    "value": float(value.value), "numerator": nv, "denominator": dv,
                    "flag": ";".join(dict.fromkeys(flags)), "source": _s(rec.get("source")),
                    "note": _s(rec.get("note"))})
    collapse.flush(problems)
    _ambiguous_warnings(ambiguous, problems)
    obs = pd.DataFrame(out, columns=list(OBSERVATION_COLUMNS))
    obs = obs.astype(OBSERVATION_DTYPES)
    _gap_warnings(obs, problems)
    return obs, problems


def _ambiguous_warnings(ambiguous: list, problems: Problems) -> None:
    """One warning per file about numbers like 49.980 read the Vietnamese way."""
    by_file: dict[str, list] = {}
    for rec, col, parsed in ambiguous:
        by_file.setdefault(rec.get("_file"), []).append((rec, col, parsed))
    for items in by_file.values():
        rec, col, parsed = items[0]
        problems.add("ambiguous_numbers", value=parsed.text, count=len(items),
                     read=format_number(parsed.value, None, "en").replace(",", ""), **_where(rec, col))


def _gap_warnings(obs: Any, problems: Problems) -> None:
    """One warning per (unit, indicator) whose full-year series misses a year between its first and last."""
    fy = obs.loc[obs["period"] == "FY", ["unit_code", "indicator_code", "year"]]
    span = fy.groupby(["unit_code", "indicator_code"], sort=True)["year"].agg(["min", "max", "nunique"])
    holed = span[span["max"] - span["min"] + 1 > span["nunique"]]  # only these series are looked at year by year
    if not len(holed):
        return
    years = fy.merge(holed.index.to_frame(index=False), on=["unit_code", "indicator_code"])
    for (unit, code), grp in years.groupby(["unit_code", "indicator_code"], sort=True):
        ys = set(grp["year"].tolist())
        missing = [y for y in range(min(ys), max(ys) + 1) if y not in ys]
        if missing:
            problems.add("gap", column="year", value=",".join(map(str, missing)),
                         years=", ".join(map(str, missing)), unit=unit, indicator=code)


def check_targets(raw: Any, catalog: Any, units: Any, *, years: tuple[int, int] = DEFAULT_YEARS,
                  problems: Problems | None = None, lang: str = "vi"):
    """Check a raw targets frame and build the typed targets frame.

    Returns
    -------
    (targets frame, Problems)
        Columns as in docs/ARCHITECTURE.md; rows with errors are left out.
    """
    import pandas as pd

    problems = problems if problems is not None else Problems(lang)
    collapse = _Collapse()
    out: list[dict] = []
    seen: dict[tuple, dict] = {}
    for rec in frame_records(raw):
        bad = False
        scope = _s(rec.get("scope")) or "national"
        if scope.lower() in ("national", "quốc gia", "quoc gia"):
            scope = "national"
        else:
            resolved = _resolve_unit(scope, units)
            if resolved is None:
                problems.add("unknown_scope", value=scope, **_where(rec, "scope"))
                bad = True
            scope = resolved or scope
        code, ind = _indicator(rec, catalog, problems, collapse)
        bad = bad or ind is None
        ty = _year(rec, "target_year", years, problems)
        bad = bad or ty is None
        op = _s(rec.get("operator"))
        op = _OPERATOR_ALIASES.get(op, op)
        if op not in {o.value for o in Operator}:
            problems.add("bad_operator", value=op, **_where(rec, "operator"))
            bad = True
        kind = _s(rec.get("kind")) or "absolute"
        if kind not in {k.value for k in TargetKind}:
            problems.add("bad_target_kind", value=kind, **_where(rec, "kind"))
            bad = True
        base = None
        if _s(rec.get("base_year")):
            base = _year(rec, "base_year", years, problems)
            bad = bad or base is None
        elif kind in ("relative", "annual_change"):
            problems.add("missing_base_year", kind=kind, **_where(rec, "base_year"))
            bad = True
        value = parse_number(rec.get("value"), errors="return")
        if value.problem or value.value is None:
            problems.add("not_number", value=_s(rec.get("value")), reason=value.problem or "empty",
                         **_where(rec, "value"))
            bad = True
        hi = parse_number(rec.get("value_hi"), errors="return") if "value_hi" in rec else parse_number(None)
        if hi.problem:
            problems.add("not_number", value=_s(rec.get("value_hi")), reason=hi.problem, **_where(rec, "value_hi"))
            bad = True
        if not bad and hi.value is not None and value.value is not None and hi.value < value.value:
            problems.add("range_order", value=hi.text, **_where(rec, "value_hi"))
            bad = True
        if not bad and ind is not None and kind == "absolute" and not _check_value(ind, value, rec, "value",
                                                                                    problems):
            bad = True
        if bad or value.value is None:  # (a missing value is bad already)
            continue
        key = (scope, code, ty)
        if key in seen:
            problems.add("duplicate", value=f"{scope}/{code}/{ty}",
                         first=("dòng" if problems.lang == "vi" else "row") + f" {seen[key].get('_row')}",
                         **_where(rec, "indicator_code"))
            continue
        seen[key] = rec
        out.append({"scope": scope, "indicator_code": code, "target_year": ty, "operator": op,
                    "value": float(value.value), "value_hi": hi.value, "kind": kind, "base_year": base,
                    "source": _s(rec.get("source")), "verification": _s(rec.get("verification")),
                    "note": _s(rec.get("note"))})
    collapse.flush(problems)
    tg = pd.DataFrame(out, columns=list(TARGET_COLUMNS))
    tg = tg.astype(TARGET_DTYPES)
    return tg, problems
