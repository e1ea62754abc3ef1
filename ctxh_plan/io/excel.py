"""The Excel reader (``.xlsx``): tidy sheets, or wide sheets with indicators down and years across
(one sheet per unit or a unit column; title block with merged cells; one- or two-row header; year
headers with periods ``2025 (6 tháng)`` → H1, ``(9 tháng)`` → 9M, ``(ước)`` → estimate; notes rows at
the bottom). Cells keep their values (numbers from numeric cells, text as written, NFC).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import OBSERVATION_COLUMNS
from ctxh_plan.data.privacy import check_person_level, fold_text
from ctxh_plan.errors import InputError
from ctxh_plan.io.headers import (
    _INDICATOR_HEADERS,
    _NOTE_STARTS,
    _SHEET_UNIT_RE,
    _UNIT_TITLE_RE,
    _WIDE_LABELS,
    _YEAR_GROUP,
    canonical_column,
    nfc,
    parse_year_header,
    pending_problem,
    raw_frame,
)

__all__ = ["read_xlsx"]

log = logging.getLogger(__name__)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return nfc(str(v)) if not isinstance(v, str) else nfc(v)


def _sheet_grid(ws) -> list[list[Any]]:
    """Sheet cells as a list of rows (values), merged ranges not yet filled."""
    return [[nfc(c) for c in row] for row in ws.iter_rows(values_only=True)]


def _fill_merged(ws, grid: list[list[Any]], last_row: int) -> None:
    """Copy the value of each merged range into all its cells, for rows up to ``last_row`` (1-based)."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row > last_row:
            continue
        v = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
        for r in range(rng.min_row, min(rng.max_row, last_row) + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = v


def _read_sheet(ws, file: str, pending: list[dict]) -> list[dict] | None:
    """Records of one sheet (wide or tidy); None when the sheet has no header row."""
    from openpyxl.utils import get_column_letter

    sheet = ws.title
    grid = _sheet_grid(ws)
    hdr = next((i for i, row in enumerate(grid[:60])
                if any(fold_text(c) in _INDICATOR_HEADERS for c in row if isinstance(c, str))), None)
    if hdr is None:
        return None
    _fill_merged(ws, grid, hdr + 2)
    head = list(grid[hdr])
    below = list(grid[hdr + 1]) if hdr + 1 < len(grid) else []
    code_j = next(j for j, c in enumerate(head) if isinstance(c, str) and fold_text(c) in _INDICATOR_HEADERS)
    below_code = below[code_j] if code_j < len(below) else None
    # a second header row holds the years under a "Năm" cell, and no indicator code (a tidy sheet's
    # "Năm" column is followed by data rows, whose code cell is filled)
    two_row = (below_code in (None, "", head[code_j])
               and any(isinstance(c, str) and fold_text(c) in _YEAR_GROUP and j < len(below)
                       and isinstance(parse_year_header(below[j]), tuple) for j, c in enumerate(head)))
    names: list[str] = []
    years: dict[int, tuple[int, str, bool]] = {}
    for j, c in enumerate(head):
        cell = below[j] if two_row and j < len(below) and isinstance(c, str) and fold_text(c) in _YEAR_GROUP else c
        yh = parse_year_header(cell)
        letter = get_column_letter(j + 1)
        if yh == "unknown":
            pending.append(pending_problem("column_skipped", file=file, sheet=sheet, row=hdr + 1 + two_row,
                                    column=letter, value=_cell_text(cell)))
            names.append("")
        elif yh is not None:
            years[j] = yh
            names.append(f"{letter}: {_cell_text(cell)}")
        else:
            names.append(_cell_text(cell))
    data_start = hdr + 1 + (1 if two_row else 0)
    canon = [canonical_column(n) if n else None for n in names]
    code_col = canon.index("indicator_code")
    unit_col = canon.index("unit_code") if "unit_code" in canon else None
    note_col = canon.index("note") if "note" in canon else None
    source_col = canon.index("source") if "source" in canon else None
    body: list[list[Any]] = []
    body_rows: list[int] = []
    for i in range(data_start, len(grid)):
        row = grid[i]
        firsts = [c for c in row if c not in (None, "")]
        if not firsts:
            continue
        if isinstance(firsts[0], str) and fold_text(firsts[0]).startswith(_NOTE_STARTS):
            break
        body.append(row)
        body_rows.append(i + 1)
    check_person_level(names, [[c if isinstance(c, str) else None for c in r] for r in body], file=file,
                       sheet=sheet, header_row=hdr + 1, row_numbers=body_rows, skip_columns=years)
    for j, n in enumerate(names):
        if n and canon[j] is None and j not in years and fold_text(n) not in _WIDE_LABELS:
            pending.append(pending_problem("unknown_column", file=file, sheet=sheet, row=hdr + 1, column=n,
                                    known="Mã chỉ tiêu, Mã đơn vị, Ghi chú, Nguồn, <năm>"))
    tidy = not years and "year" in canon and "value" in canon
    if not years and not tidy:
        pending.append(pending_problem("no_year_columns", file=file, sheet=sheet, row=hdr + 1))
        return []
    unit = None
    if unit_col is None:
        m = _SHEET_UNIT_RE.match(sheet)
        if m:
            unit = m.group(1)
        else:
            for row in grid[:hdr]:
                for c in row:
                    mm = _UNIT_TITLE_RE.search(fold_text(c)) if isinstance(c, str) else None
                    if mm:
                        unit = mm.group(1)
                        break
                if unit:
                    break
        if unit is None:
            pending.append(pending_problem("no_unit", file=file, sheet=sheet, row=hdr + 1))
            return []
    records: list[dict] = []
    for row, rn in zip(body, body_rows):
        cells = list(row) + [None] * (len(names) - len(row))
        code = _cell_text(cells[code_col])
        base = {"unit_code": _cell_text(cells[unit_col]) if unit_col is not None else unit,
                "indicator_code": code, "note": _cell_text(cells[note_col]) if note_col is not None else "",
                "source": _cell_text(cells[source_col]) if source_col is not None else "",
                "_file": file, "_sheet": sheet, "_row": rn}
        if tidy:
            rec = {k: (_cell_text(cells[j]) if k not in ("value", "numerator", "denominator") else cells[j])
                   for j, k in enumerate(canon) if k}
            rec.update({k: v for k, v in base.items() if k.startswith("_")}, _column="")
            records.append(rec)
            continue
        filled = {j: cells[j] for j in years if cells[j] not in (None, "")}
        if not code:
            if filled:
                pending.append(pending_problem("value_without_code", file=file, sheet=sheet, row=rn, column=names[code_col]))
            continue
        for j, v in filled.items():
            year, period, estimate = years[j]
            records.append({**base, "year": str(year), "period": period, "value": v,
                            "flag": "estimate" if estimate else "", "_column": names[j]})
    return records


def _formulas_without_values(path: Path, wb) -> list[tuple[str, str, int, Any]]:
    """(sheet, column letter, row, formula) of formula cells that have no saved value.

    Workbooks written by scripts (not saved by Excel) keep formulas without their
    results; read as-is those cells would look empty and figures would be lost silently.
    """
    import zipfile

    import openpyxl

    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if not any(re.search(rb"<f[ >/]", z.read(n)) for n in names):
            return []
    formulas = openpyxl.load_workbook(path, read_only=True)
    out = []
    for ws in formulas.worksheets:
        if ws.title not in wb.sheetnames:
            continue
        values = wb[ws.title]
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "data_type", None) == "f" and values[c.coordinate].value is None:
                    out.append((ws.title, c.column_letter, c.row, c.value))
    formulas.close()
    return out


def read_xlsx(path: Path):
    import openpyxl

    file = str(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise InputError(f"không mở được tệp Excel / cannot open the Excel file ({type(exc).__name__}: {exc})",
                         file=file, fix="mở và lưu lại bằng Excel dạng .xlsx / re-save it as .xlsx") from None
    pending: list[dict] = [pending_problem("formula_no_value", file=file, sheet=sheet, row=row, column=col, value=f)
                           for sheet, col, row, f in _formulas_without_values(path, wb)]
    records: list[dict] = []
    found = False
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            log.warning("%s: hidden sheet %r not read", file, ws.title)
            pending.append(pending_problem("hidden_sheet", file=file, sheet=ws.title))
            continue
        recs = _read_sheet(ws, file, pending)
        if recs is None:
            if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value is not None:
                pending.append(pending_problem("sheet_skipped", file=file, sheet=ws.title))
            continue
        found = True
        records.extend(recs)
    if not found:
        if all(ws.max_row <= 1 and ws.cell(1, 1).value is None for ws in wb.worksheets):
            raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
        pending = [p for p in pending if p["key"] != "sheet_skipped"]
        pending.append(pending_problem("no_header", file=file))
    df = raw_frame(records, list(OBSERVATION_COLUMNS))
    df.attrs.update(problems=pending, encoding="xlsx", header=list(OBSERVATION_COLUMNS), header_row=None,
                    layout="xlsx")
    return df
