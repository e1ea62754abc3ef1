"""Excel appendix (openpyxl): the same tables with real numbers.

* First sheet: sources and methods (dataset, input files with SHA-256, methods, suppression
  rule, number formats, the illustrative label).
* One sheet per table (``Bieu1``, ``Bieu2``, ``Bieu3``), title rows, two header rows, frozen
  panes below the header, A4 landscape print setup with the header rows repeated.
* Numeric cells hold numbers with ``number_format`` ``#,##0`` / ``#,##0.0`` / ``#,##0.00``:
  Excel displays them with the separators of the user's regional settings (Vietnamese
  Windows shows 1.234,5). Targets carry their operator in the format (``"≥ "#,##0.0``) and
  estimates a suffix (``#,##0.0" (ư)"``) so the cell stays a number.
* A suppressed cell holds the mark text ("<5"), never the number; no hidden column keeps it.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ctxh_plan.present.labels import table_title, text

if TYPE_CHECKING:  # pragma: no cover
    from ctxh_plan.present.tables import AppendixTable

__all__ = ["HEADER_FIRST_ROW", "SHEET_NAMES", "number_format", "write_xlsx"]

FONT = "Times New Roman"
#: table key → sheet name (ASCII, ≤ 31 characters)
SHEET_NAMES = {"bieu1": "Bieu1", "bieu2": "Bieu2", "bieu3": "Bieu3"}
#: first header row of a table sheet (rows above: number, title, unit, blank)
HEADER_FIRST_ROW = 5


def number_format(decimals: int, *, prefix: str = "", suffix: str = "") -> str:
    """Excel number format with thousands grouping and ``decimals`` digits, optional literal prefix/suffix."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    pre = f'"{prefix}"' if prefix else ""
    post = f'"{suffix}"' if suffix else ""
    return f"{pre}{body}{post}"


@functools.lru_cache(maxsize=64)
def _font(bold: bool = False, italic: bool = False, size: float = 11, color: str | None = None):
    """A shared Font object (openpyxl hashes styles per assignment: reusing objects is much faster)."""
    from openpyxl.styles import Font

    return Font(name=FONT, bold=bold, italic=italic, size=size, color=color)


@functools.lru_cache(maxsize=64)
def _align(horizontal: str | None = None, wrap: bool = False):
    from openpyxl.styles import Alignment

    return Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)


def _sources_sheet(wb, lang: str, sources: dict) -> None:
    from openpyxl.styles import Alignment

    ws = wb.active
    ws.title = text("sheet_sources", lang)
    _no, title = table_title("sources", lang)
    ws["A1"] = title.upper()
    ws["A1"].font = _font(bold=True, size=13)
    r = 3
    if sources.get("illustrative"):
        ws.cell(r, 1, text("illustrative", lang).upper()).font = _font(bold=True, color="B2182B")
        ws.cell(r, 2, text("illustrative_note", lang)).font = _font(italic=True)
        r += 2
    for key, value in sources.get("items", []):
        ws.cell(r, 1, key).font = _font(bold=True)
        c = ws.cell(r, 2, value)
        c.font = _font()
        c.alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 120


def _table_sheet(wb, table: AppendixTable, lang: str, illustrative: bool) -> None:
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(SHEET_NAMES.get(table.key, table.key)[:31])
    cols = table.columns
    n = len(cols)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(1, 1, table.number).font = _font(bold=True, size=12)
    ws.cell(2, 1, table.title.upper()).font = _font(bold=True, size=12)
    sub = table.subtitle + (f" — {text('illustrative', lang)}" if illustrative else "")
    ws.cell(3, 1, sub).font = _font(italic=True)
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    h0 = HEADER_FIRST_ROW
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    j = 0
    while j < n:
        c = cols[j]
        if c.group:
            k = j
            while k + 1 < n and cols[k + 1].group == c.group:
                k += 1
            ws.cell(h0, j + 1, c.group)
            ws.merge_cells(start_row=h0, start_column=j + 1, end_row=h0, end_column=k + 1)
            for m in range(j, k + 1):
                ws.cell(h0 + 1, m + 1, table.label(cols[m].key))
            j = k + 1
        else:
            ws.cell(h0, j + 1, table.label(c.key))
            ws.merge_cells(start_row=h0, start_column=j + 1, end_row=h0 + 1, end_column=j + 1)
            j += 1
    for r in (h0, h0 + 1):
        for m in range(1, n + 1):
            cell = ws.cell(r, m)
            cell.font = _font(bold=True, size=10)
            cell.alignment = head_align
            cell.border = border
    first = h0 + 2
    last_row = len(table.frame) - 1
    for i, (values, hidden, estimate) in enumerate(table.cells()):
        is_total = table.total_row and i == last_row
        for j, spec in enumerate(cols):
            cell = ws.cell(first + i, j + 1)
            cell.border = border
            cell.font = _font(size=10, bold=is_total)
            v = values[spec.key]
            if hidden[spec.key]:
                cell.value = table.mark
                cell.alignment = _align("right")
                continue
            if spec.kind == "text":
                cell.value = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                cell.alignment = _align(None, True)
                continue
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            cell.value = int(v) if spec.kind == "int" else float(v)
            pre = table.prefix[spec.key][i] if spec.key in table.prefix else ""
            post = " " + text("estimate_mark", lang) if estimate[spec.key] else ""
            cell.number_format = number_format(table.decimals(i, spec), prefix=pre, suffix=post)
            cell.alignment = _align("center" if spec.key == "stt" else "right")
    r = first + len(table.frame) + 1
    if table.notes:
        ws.cell(r, 1, text("notes", lang) + ":").font = _font(bold=True, italic=True, size=10)
        for k, note in enumerate(table.notes, start=1):
            ws.cell(r + k, 1, f"({k}) {note}").font = _font(italic=True, size=10)
    for j, spec in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(6.0, spec.width_mm / 2.0)
    ws.freeze_panes = ws.cell(first, 3)
    ws.print_title_rows = f"{h0}:{h0 + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_xlsx(tables: Sequence[AppendixTable], path: str | Path, *, lang: str = "vi",
               sources: dict | None = None) -> Path:
    """Write the Excel appendix (atomic write). ``sources``: ``{"illustrative": bool, "items": [(key, text)]}``.

    The file is deterministic: fixed core-properties dates and zip entry times
    (:func:`~ctxh_plan.present.docx_writer.normalize_ooxml`).
    """
    from openpyxl import Workbook

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.io.cells import mark_text_cells

    sources = sources or {}
    wb = Workbook()
    _sources_sheet(wb, lang, sources)
    for table in tables:
        _table_sheet(wb, table, lang, bool(sources.get("illustrative")))
    import datetime as dt

    from ctxh_plan.present.docx_writer import FIXED_DATE, normalize_ooxml

    wb.properties.created = dt.datetime(*FIXED_DATE)
    mark_text_cells(wb)  # text from data (notes, names, sources) stays text, never a formula
    with atomic_path(path) as tmp:
        wb.save(str(tmp))  # openpyxl stamps `modified` with the current time: normalize_ooxml fixes it
        normalize_ooxml(tmp)
    return Path(path)
