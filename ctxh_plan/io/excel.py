"""The Excel reader (``.xlsx``): tidy sheets, or wide sheets with indicators down and years across
(one sheet per unit or a unit column; title block with merged cells; one- or two-row header; year
headers with periods ``2025 (6 tháng)`` → H1, ``(9 tháng)`` → 9M, ``(ước)`` → estimate; notes rows at
the bottom). Cells keep their values (numbers from numeric cells, text as written, NFC).
"""
from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import OBSERVATION_COLUMNS, PROVENANCE_COLUMNS
from ctxh_plan.data.privacy import PersonScreen, fold_text
from ctxh_plan.errors import InputError
from ctxh_plan.io.headers import (
    _INDICATOR_HEADERS,
    _NOTE_STARTS,
    _SHEET_UNIT_RE,
    _UNIT_TITLE_RE,
    _WIDE_LABELS,
    _YEAR_GROUP,
    RawTable,
    canonical_column,
    nfc,
    parse_year_header,
    pending_problem,
    raw_frame_columns,
)
from ctxh_plan.io.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_CELLS,
    MAX_XLSX_MEMBER_RATIO,
    MAX_XLSX_PARTS,
    MAX_XLSX_UNPACKED_BYTES,
    check_input_size,
)

__all__ = ["read_xlsx"]

log = logging.getLogger(__name__)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return nfc(str(v)) if not isinstance(v, str) else nfc(v)


class _Out:
    """Raw observation records kept column by column (no dict per record)."""

    COLUMNS = (*OBSERVATION_COLUMNS, *PROVENANCE_COLUMNS)

    def __init__(self) -> None:
        self.data: dict[str, list[Any]] = {c: [] for c in self.COLUMNS}
        self._appends = [(c, values.append) for c, values in self.data.items()]
        self.n = 0

    def add(self, rec: dict[str, Any]) -> None:
        nan = float("nan")
        get = rec.get
        for c, append in self._appends:
            append(get(c, nan))
        self.n += 1


def _merged_ranges(wb: Any, ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the merged ranges of a sheet, read from its XML in chunks
    (a read-only workbook does not give them; the element sits after the cells, so the part is scanned)."""
    from openpyxl.utils.cell import range_boundaries

    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(wb, "_archive", None)
    if path is None or archive is None:
        return []
    out = []
    for data in _scan_part(archive, path, overlap=200):
        for m in _MERGE_RE.finditer(data):
            with contextlib.suppress(ValueError, TypeError):
                c1, r1, c2, r2 = range_boundaries(m.group(1).decode("ascii"))
                out.append((r1, c1, r2, c2))
    return sorted(set(out))


def _scan_part(archive: Any, name: str, *, overlap: int) -> Iterator[bytes]:
    """A zip part of a workbook in 1 MB pieces, each starting with the last ``overlap`` bytes of the
    one before (a pattern cut by a piece boundary is still found; one found twice is found again)."""
    tail = b""
    with archive.open(name) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return
            data = tail + chunk
            yield data
            tail = data[-overlap:]


def _fill_merged(ranges: list[tuple[int, int, int, int]], grid: list[list[Any]], last_row: int) -> None:
    """Copy the value of each merged range into all its cells, for rows up to ``last_row`` (1-based)."""
    for r1, c1, r2, c2 in ranges:
        if r1 > last_row or r1 - 1 >= len(grid):
            continue
        v = grid[r1 - 1][c1 - 1] if c1 - 1 < len(grid[r1 - 1]) else None
        for r in range(r1, min(r2, last_row) + 1):
            for c in range(c1, c2 + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = v


class _Budget:
    """Rows and cells read so far from a workbook, against the limits."""

    def __init__(self, file: str) -> None:
        self.file, self.rows, self.cells = file, 0, 0

    def take(self, row: tuple[Any, ...], sheet: str, row_number: int) -> None:
        self.rows += 1
        self.cells += len(row)
        if self.rows > MAX_ROWS or self.cells > MAX_XLSX_CELLS:
            what = (f"hơn {MAX_ROWS:,} dòng / more than {MAX_ROWS:,} rows" if self.rows > MAX_ROWS else
                    f"hơn {MAX_XLSX_CELLS:,} ô / more than {MAX_XLSX_CELLS:,} cells")
            raise InputError(f"tệp Excel quá lớn: {what}", file=self.file, sheet=sheet, row=row_number,
                             fix="tách tệp theo năm hoặc theo đơn vị, xóa các hàng/cột trống đã định dạng / split "
                                 "the workbook, delete formatted empty rows and columns")


def _read_sheet(wb: Any, ws: Any, file: str, pending: list[dict], out: _Out, budget: _Budget) -> bool | None:
    """Read one sheet (wide or tidy) into ``out``, streaming its rows.

    Returns None when the sheet has no header row (and holds something), False when it is empty,
    True when it was read.
    """
    from openpyxl.utils import get_column_letter

    sheet = ws.title
    width = ws.max_column if isinstance(ws.max_column, int) else None
    if width is not None and width > MAX_COLUMNS:
        raise InputError(f"trang tính dùng {width:,} cột, quá giới hạn {MAX_COLUMNS:,} / the sheet uses {width:,} "
                         f"columns, more than the limit of {MAX_COLUMNS:,}", file=file, sheet=sheet,
                         fix="xóa các cột trống đã định dạng bên phải bảng / delete the formatted empty columns to "
                             "the right of the table")
    rows = ws.iter_rows(values_only=True)
    grid: list[list[Any]] = []
    hdr = None
    filled = False
    for row_number, row in enumerate(rows, start=1):
        budget.take(row, sheet, row_number)
        cells = [nfc(c) for c in row]
        filled = filled or any(c not in (None, "") for c in cells)
        grid.append(cells)
        if hdr is None and any(isinstance(c, str) and fold_text(c) in _INDICATOR_HEADERS for c in cells):
            hdr = row_number - 1
        if hdr is not None and row_number >= hdr + 2:
            break
        if hdr is None and row_number >= 60:
            break
    if hdr is None:
        return None if filled else False
    _fill_merged(_merged_ranges(wb, ws), grid, hdr + 2)
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
        elif isinstance(yh, tuple):
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
    screen = PersonScreen(names, file=file, sheet=sheet, header_row=hdr + 1, skip_columns=years)
    for j, n in enumerate(names):
        if n and canon[j] is None and j not in years and fold_text(n) not in _WIDE_LABELS:
            pending.append(pending_problem("unknown_column", file=file, sheet=sheet, row=hdr + 1, column=n,
                                           known="Mã chỉ tiêu, Mã đơn vị, Ghi chú, Nguồn, <năm>"))
    tidy = not years and "year" in canon and "value" in canon
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
    problem = None
    if not years and not tidy:
        problem = pending_problem("no_year_columns", file=file, sheet=sheet, row=hdr + 1)
    elif unit_col is None and unit is None:
        problem = pending_problem("no_unit", file=file, sheet=sheet, row=hdr + 1)
    emit = problem is None
    n_names = len(names)

    def body() -> Any:
        for i in range(data_start, len(grid)):
            yield i + 1, grid[i]
        for row_number, row in enumerate(rows, start=len(grid) + 1):
            budget.take(row, sheet, row_number)
            yield row_number, [nfc(c) for c in row]

    for rn, row in body():
        firsts = [c for c in row if c not in (None, "")]
        if not firsts:
            continue
        if isinstance(firsts[0], str) and fold_text(firsts[0]).startswith(_NOTE_STARTS):
            break
        screen.row(row, rn)
        if not emit:
            continue
        cells = list(row) + [None] * (n_names - len(row))
        code = _cell_text(cells[code_col])
        base = {"unit_code": _cell_text(cells[unit_col]) if unit_col is not None else unit,
                "indicator_code": code, "note": _cell_text(cells[note_col]) if note_col is not None else "",
                "source": _cell_text(cells[source_col]) if source_col is not None else "",
                "_file": file, "_sheet": sheet, "_row": rn}
        if tidy:
            rec = {k: (_cell_text(cells[j]) if k not in ("value", "numerator", "denominator") else cells[j])
                   for j, k in enumerate(canon) if k}
            rec.update({k: v for k, v in base.items() if k.startswith("_")}, _column="")
            out.add(rec)
            continue
        filled_years = {j: cells[j] for j in years if cells[j] not in (None, "")}
        if not code:
            if filled_years:
                pending.append(pending_problem("value_without_code", file=file, sheet=sheet, row=rn,
                                               column=names[code_col]))
            continue
        for j, v in filled_years.items():
            year, period, estimate = years[j]
            out.add({**base, "year": str(year), "period": period, "value": v,
                     "flag": "estimate" if estimate else "", "_column": names[j]})
    screen.finish()
    if problem is not None:
        pending.append(problem)
    return True


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Za-z]+\d+:[A-Za-z]+\d+)\"")
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[ >/]")


def _check_zip(path: Path, file: str) -> None:
    """Refuse a workbook whose parts would unpack to more than the limits (a "zip bomb")."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"không mở được tệp Excel / cannot open the Excel file ({type(exc).__name__}: {exc})",
                         file=file, fix="mở và lưu lại bằng Excel dạng .xlsx / re-save it as .xlsx") from None
    fix = "mở và lưu lại bằng Excel, hoặc tách tệp / re-save it in Excel, or split it"
    if len(infos) > MAX_XLSX_PARTS:
        raise InputError(f"tệp Excel có {len(infos):,} phần, quá giới hạn {MAX_XLSX_PARTS:,} / the workbook has "
                         f"{len(infos):,} parts, more than the limit of {MAX_XLSX_PARTS:,}", file=file, fix=fix)
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise InputError(f"tệp Excel giải nén ra {total / 2**20:,.0f} MB, quá giới hạn "
                         f"{MAX_XLSX_UNPACKED_BYTES / 2**20:,.0f} MB / the workbook unpacks to {total / 2**20:,.0f} "
                         f"MB, more than the limit of {MAX_XLSX_UNPACKED_BYTES / 2**20:,.0f} MB", file=file, fix=fix)
    for i in infos:
        if i.file_size > 2**20 and i.file_size > MAX_XLSX_MEMBER_RATIO * max(i.compress_size, 1):
            raise InputError(f"phần {i.filename!r} của tệp Excel nén {i.file_size // max(i.compress_size, 1):,} lần "
                             f"(quá {MAX_XLSX_MEMBER_RATIO} lần: tệp bất thường) / part {i.filename!r} is compressed "
                             f"{i.file_size // max(i.compress_size, 1):,} times (over {MAX_XLSX_MEMBER_RATIO}: not a "
                             f"normal workbook)", file=file, fix=fix)


def _has_formulas(wb: Any) -> bool:
    """Whether any sheet part holds a formula (``<f>``), scanning the parts in chunks."""
    archive = getattr(wb, "_archive", None)
    if archive is None:
        return True
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        if any(_FORMULA_RE.search(data) for data in _scan_part(archive, name, overlap=16)):
            return True
    return False


def _formulas_without_values(path: Path, wb: Any) -> list[tuple[str, str, int, Any]]:
    """(sheet, column letter, row, formula) of formula cells that have no saved value.

    Workbooks written by scripts (not saved by Excel) keep formulas without their
    results; read as-is those cells would look empty and figures would be lost silently.
    The formulas and the saved values are read side by side, row by row (both streamed).
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    if not _has_formulas(wb):
        return []
    formulas = openpyxl.load_workbook(path, read_only=True)
    out = []
    try:
        for ws in formulas.worksheets:
            if ws.title not in wb.sheetnames or ws.sheet_state != "visible":
                continue
            values = wb[ws.title].iter_rows(values_only=True)
            for rn, row in enumerate(ws.iter_rows(values_only=True), start=1):
                saved = next(values, ())
                for j, v in enumerate(row):
                    if isinstance(v, str) and v.startswith("=") and (j >= len(saved) or saved[j] is None):
                        out.append((ws.title, get_column_letter(j + 1), rn, v))
                if len(out) > 1000:
                    return out
    finally:
        formulas.close()
    return out


def read_xlsx(path: Path) -> RawTable:
    """Read an Excel workbook (``.xlsx``) into a :class:`~ctxh_plan.io.headers.RawTable` of raw observations
    (see the module docstring).

    The workbook is checked against the limits first (file size, unpacked size, compression ratio,
    rows, columns, cells: :mod:`ctxh_plan.io.limits`), then read in read-only mode, sheet by sheet
    and row by row: memory grows with the observations kept, not with the workbook.

    Raises
    ------
    InputError
        The file cannot be opened as a workbook, is empty, or is over a limit.
    PersonLevelDataError
        A sheet holds person-level data.
    """
    import openpyxl

    file = str(path)
    check_input_size(path)
    _check_zip(path, file)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise InputError(f"không mở được tệp Excel / cannot open the Excel file ({type(exc).__name__}: {exc})",
                         file=file, fix="mở và lưu lại bằng Excel dạng .xlsx / re-save it as .xlsx") from None
    try:
        return _read_workbook(path, wb, file)
    except (InputError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # a damaged part found while streaming (bad XML, a missing shared string …)
        raise InputError(f"tệp Excel bị hỏng / the Excel file is damaged ({type(exc).__name__}: {exc})",
                         file=file, fix="mở và lưu lại bằng Excel dạng .xlsx / re-save it as .xlsx") from None
    finally:
        wb.close()


def _read_workbook(path: Path, wb: Any, file: str) -> Any:
    pending: list[dict] = [pending_problem("formula_no_value", file=file, sheet=sheet, row=row, column=col, value=f)
                           for sheet, col, row, f in _formulas_without_values(path, wb)]
    out = _Out()
    budget = _Budget(file)
    found = False
    any_content = False
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            log.warning("%s: hidden sheet %r not read", file, ws.title)
            pending.append(pending_problem("hidden_sheet", file=file, sheet=ws.title))
            continue
        read = _read_sheet(wb, ws, file, pending, out, budget)
        if read is None:
            any_content = True
            pending.append(pending_problem("sheet_skipped", file=file, sheet=ws.title))
            continue
        if read:
            found = any_content = True
    if not found:
        if not any_content:
            raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
        pending = [p for p in pending if p["key"] != "sheet_skipped"]
        pending.append(pending_problem("no_header", file=file))
    data = {c: out.data[c] for c in OBSERVATION_COLUMNS}
    df = raw_frame_columns(data, out.data["_row"], file=file, sheet=out.data["_sheet"], column=out.data["_column"])
    return RawTable(df, pending, encoding="xlsx", header=list(OBSERVATION_COLUMNS))
