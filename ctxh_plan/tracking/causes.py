"""Causes and solutions ("nguyên nhân", "giải pháp") that analysts keep for targets behind their path.

A sheet (``.xlsx`` or ``.csv``) with one row per unit, indicator and period: ``Mã đơn vị``, ``Mã chỉ tiêu``
(or the indicator's name, matched like the forms' names), ``Kỳ báo cáo`` (``2026-H1``, ``2026``),
``Nguyên nhân``, ``Giải pháp`` (English headers ``unit_code, indicator_code, period, cause, solution``
work too). They flow into the tracking table, the Word report and Biểu 1 of the report as columns.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ctxh_plan.data.privacy import fold_text
from ctxh_plan.errors import InputError

__all__ = ["CAUSE_COLUMNS", "read_causes"]

CAUSE_COLUMNS = ["unit_code", "indicator_code", "period", "cause", "solution"]
_HEADERS = {
    "ma don vi": "unit_code", "unit code": "unit_code", "unit_code": "unit_code",
    "ma chi tieu": "indicator_code", "indicator code": "indicator_code", "indicator_code": "indicator_code",
    "chi tieu": "indicator_name", "ten chi tieu": "indicator_name", "indicator": "indicator_name",
    "ky bao cao": "period", "ky": "period", "period": "period",
    "nguyen nhan": "cause", "cause": "cause", "causes": "cause",
    "giai phap": "solution", "solution": "solution", "solutions": "solution",
}


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip()


def read_causes(path: str | Path, *, catalog: Any, units: Any = None) -> tuple[Any, list[dict]]:
    """Read the causes-and-solutions sheet.

    Returns
    -------
    (DataFrame, problems)
        ``CAUSE_COLUMNS`` (periods normalised to ``2026-H1`` / ``2026``); problems are warning rows of the
        problems table (a row whose indicator or unit cannot be told is left out, never guessed).

    Raises
    ------
    InputError
        Unreadable file, or no header row with ``Mã đơn vị``, an indicator column and ``Nguyên nhân``.
    """
    import pandas as pd

    from ctxh_plan.tracking.names import IndicatorMatcher
    from ctxh_plan.tracking.periods import parse_period

    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds
            raise InputError(f"cannot open the Excel file ({type(exc).__name__})", file=str(p),
                             fix="re-save it as .xlsx") from None
        grid = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    elif p.suffix.lower() == ".csv":
        from ctxh_plan.io.csvfile import read_csv_table

        table = read_csv_table(p)
        grid = [list(table.header)] + [list(r) for r in table.rows]
    else:
        raise InputError(f"unsupported file type {p.suffix}", file=str(p), fix="use .xlsx or .csv")
    hdr, cols = None, {}
    for i, row in enumerate(grid[:20]):
        m = {j: _HEADERS.get(fold_text(c)) for j, c in enumerate(row) if c is not None}
        m = {j: v for j, v in m.items() if v}
        if "unit_code" in m.values() and ("indicator_code" in m.values() or "indicator_name" in m.values()) \
                and "cause" in m.values():
            hdr, cols = i, {v: j for j, v in m.items()}
            break
    if hdr is None:
        raise InputError("no header row with Mã đơn vị, Mã chỉ tiêu (or Chỉ tiêu) and Nguyên nhân", file=str(p),
                         fix="columns: Mã đơn vị | Mã chỉ tiêu | Kỳ báo cáo | Nguyên nhân | Giải pháp")
    matcher = None
    rows, problems = [], []
    for i in range(hdr + 1, len(grid)):
        cells = grid[i] + [None] * 10

        def get(key: str, cells: list = cells) -> str:
            return _text(cells[cols[key]]) if key in cols else ""

        unit, code, name = get("unit_code"), get("indicator_code"), get("indicator_name")
        if not (unit or code or name):
            continue
        where = {"file": str(p), "sheet": "", "row": i + 1, "severity": "warning"}
        if units is not None and unit not in units and unit.zfill(5) in units:
            unit = unit.zfill(5)
        if units is not None and unit not in units:
            problems.append({**where, "column": "Mã đơn vị", "value": unit, "problem": "mã đơn vị không có / unknown "
                             "unit code; row left out", "fix": "dùng mã đơn vị chính thức / use the official code"})
            continue
        if not code and name:
            matcher = matcher or IndicatorMatcher(catalog)
            found = matcher.match(name)
            code = found.code or ""
            if not code:
                problems.append({**where, "column": "Chỉ tiêu", "value": name,
                                 "problem": "tên chỉ tiêu không khớp danh mục; dòng bị bỏ qua / indicator name not "
                                            "matched; row left out",
                                 "fix": f"ghi mã chỉ tiêu; gần nhất: {matcher.describe(found)} / write the code"})
                continue
        if code not in catalog:
            problems.append({**where, "column": "Mã chỉ tiêu", "value": code, "problem": "mã chỉ tiêu không có / "
                             "unknown indicator code; row left out", "fix": "dùng mã trong params/indicators.yaml"})
            continue
        try:
            period = str(parse_period(get("period"))) if get("period") else ""
        except Exception:  # ParameterError: recorded, row kept for every period
            problems.append({**where, "column": "Kỳ báo cáo", "value": get("period"),
                             "problem": "kỳ báo cáo không đọc được; áp dụng cho mọi kỳ / period not read; applies "
                                        "to every period", "fix": "ghi 2026-H1 hoặc 2026"})
            period = ""
        rows.append({"unit_code": unit, "indicator_code": code, "period": period, "cause": get("cause"),
                     "solution": get("solution")})
    frame = pd.DataFrame(rows, columns=CAUSE_COLUMNS)
    return frame, problems
