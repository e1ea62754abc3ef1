"""Excel appendix (openpyxl): the same tables with real numbers.

* One sheet per table (``Bieu1``, ``Bieu2``, ``Bieu3a``, ``Bieu3b``), then the sources sheet; the
  workbook opens on Biểu 1. Title rows, two header rows, frozen panes below the header, A4
  landscape print set-up with the header rows repeated and the columns fitted to the page width.
* Numeric cells hold numbers with ``number_format`` ``#,##0`` / ``#,##0.0`` / ``#,##0.00`` (the row's
  indicator decimals): Excel displays them with the separators of the user's regional settings
  (Vietnamese Windows shows 1.234,5) and rounds halves away from zero, as the Word appendix prints.
  Targets carry their operator in the format (``"≥ "#,##0.0``) and estimates a suffix
  (``#,##0.0" ước"``) so the cell stays a number. Yes/no values, targets in words and missing values
  ("–") are text.
* Row heights fit the wrapped names (LibreOffice does not grow rows by itself); section headings are
  bold rows; notes are merged across the table width and wrapped; the last printed page always
  holds some rows of the table with the notes (never the repeated header alone).
* A suppressed cell holds the mark text ("<5"), never the number; no hidden column keeps it.
* The sources sheet names files relative to the dataset folder (no machine path) and has its own
  print set-up.

How it is written, in one pass: each cell gets its value, its formula guard (text from data never becomes a
formula: :mod:`ctxh_plan.io.cells`) and its whole look at once, from a style made once per workbook for each
combination of font, alignment, border and number format (openpyxl would otherwise hash every font and
border object again for every cell); merged ranges are recorded as such (every cell of them already has its
borders); the workbook goes into one deterministic zip (no second rewrite of the file).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctxh_plan.present.labels import table_title, text
from ctxh_plan.present.tables import format_cell

if TYPE_CHECKING:  # pragma: no cover
    from ctxh_plan.present.tables import AppendixTable

__all__ = ["HEADER_FIRST_ROW", "SHEET_NAMES", "number_format", "write_xlsx"]

FONT = "Times New Roman"
#: table key → sheet name (ASCII, ≤ 31 characters)
SHEET_NAMES = {"bieu1": "Bieu1", "bieu2": "Bieu2", "bieu3": "Bieu3a", "bieu3_budget": "Bieu3b"}
#: first header row of a table sheet (rows above: number, title, unit, blank)
HEADER_FIRST_ROW = 5
#: points per line of 10 pt Times New Roman text in a cell (with the cell's padding)
_LINE_PT = 13.0
#: millimetres per unit of Excel column width (the width of one "0" of the default font, plus padding)
_MM_PER_CHAR = 2.0
#: average width of a character of 10 pt Times New Roman, in units of Excel column width (measured on
#: LibreOffice renders of the appendix: about 46 characters on a line of a 28-unit column)
_CHAR_W = 0.65
#: A4 landscape printable area in mm, with the margins below
_PAGE_W_MM, _PAGE_H_MM = 297.0, 210.0
_MARGIN_IN = {"left": 1.18, "right": 0.59, "top": 0.79, "bottom": 0.79}  # 30, 15, 20, 20 mm


def number_format(decimals: int, *, prefix: str = "", suffix: str = "") -> str:
    """Excel number format with thousands grouping and ``decimals`` digits, optional literal prefix/suffix."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    pre = f'"{prefix}"' if prefix else ""
    post = f'"{suffix}"' if suffix else ""
    return f"{pre}{body}{post}"


@functools.lru_cache(maxsize=64)
def _font(bold: bool = False, italic: bool = False, size: float = 11, color: str | None = None) -> Any:
    """A shared Font object (openpyxl hashes styles per assignment: reusing objects is much faster)."""
    from openpyxl.styles import Font

    return Font(name=FONT, bold=bold, italic=italic, size=size, color=color)


@functools.lru_cache(maxsize=64)
def _align(horizontal: str | None = None, wrap: bool = False, vertical: str = "center") -> Any:
    from openpyxl.styles import Alignment

    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


@functools.lru_cache(maxsize=1)
def _thin_border() -> Any:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


#: a cell's look: (font (bold, italic, size, colour), alignment (horizontal, wrap, vertical), bordered, number format)
Look = tuple[tuple[bool, bool, float, "str | None"], "tuple[str | None, bool, str] | None", bool, "str | None"]


class _Cells:
    """Writes cells of one workbook: value, formula guard and look in one go; each look's openpyxl style is
    registered once and copied to the next cells that have it."""

    def __init__(self) -> None:
        self._styles: dict[Look, Any] = {}

    def put(self, ws: Any, row: int, col: int, value: Any = None, *, font: tuple[bool, bool, float, str | None] = (
            False, False, 11, None), align: tuple[str | None, bool, str] | None = None, border: bool = False,
            number_format: str | None = None) -> Any:
        """Cell (``row``, ``col``) of ``ws`` with ``value`` (None: left empty) and its look."""
        from copy import copy

        from ctxh_plan.io.cells import is_formula_like

        cell = ws.cell(row, col)
        if value is not None:
            cell.value = value
            if isinstance(value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text from data stays text, never a formula
        key: Look = (font, align, border, number_format)
        style = self._styles.get(key)
        if style is None:
            cell.font = _font(*font)
            if align is not None:
                cell.alignment = _align(*align)
            if border:
                cell.border = _thin_border()
            if number_format is not None:
                cell.number_format = number_format
            self._styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel keeps it as text when the cell is edited
        return cell


def _merge(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Merge a range whose cells already carry their borders (openpyxl's ``merge_cells`` would rebuild them)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    ws.merged_cells.add(MergedCellRange(ws, ref))


def _lines(txt: str, width_chars: float) -> int:
    """Lines a wrapped text needs in a column ``width_chars`` wide (word wrap, a little slack)."""
    if not txt:
        return 1
    room = max(1.0, width_chars - 1.0) / _CHAR_W
    n = 0
    for para in str(txt).split("\n"):
        line, count = 0.0, 1
        for word in para.split():
            w = len(word)
            if line and line + 1 + w > room:
                count += 1
                line = w
            else:
                line = line + (1 if line else 0) + w
            while line > room:  # a word longer than the column
                count += 1
                line -= room
        n += count
    return n


def _print_setup(ws: Any, lang: str, *, landscape: bool = True, title_rows: str | None = None) -> None:
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=_MARGIN_IN["left"], right=_MARGIN_IN["right"], top=_MARGIN_IN["top"],
                                  bottom=_MARGIN_IN["bottom"], header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = f"{text('page', lang)} &P/&N"
    ws.oddFooter.center.font = FONT
    if title_rows:
        ws.print_title_rows = title_rows


def _sources_sheet(wb: Any, cells: _Cells, lang: str, sources: dict) -> None:
    ws = wb.create_sheet(text("sheet_sources", lang))
    _no, title = table_title("sources", lang)
    cells.put(ws, 1, 1, title.upper(), font=(True, False, 13, None))
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    r = 3
    rows: list[tuple[str, str]] = []
    if sources.get("illustrative"):
        rows.append((text("illustrative", lang).upper(), text("illustrative_note", lang)))
    rows += [(str(k), str(v)) for k, v in sources.get("items", [])]
    for key, value in rows:
        flag = key == text("illustrative", lang).upper()
        cells.put(ws, r, 1, key, font=(True, False, 11, "B2182B" if flag else None), align=("left", True, "top"))
        cells.put(ws, r, 2, value, font=(False, flag, 11, None), align=("left", True, "top"))
        ws.row_dimensions[r].height = max(_lines(value, 100), _lines(key, 28)) * 15.0
        r += 1
    _print_setup(ws, lang, landscape=False)


def _widths(table: AppendixTable, lang: str) -> list[float]:
    """Column widths (Excel units): the table's proportions, widened so that no word of a cell and no
    heading word is cut (verdicts such as "Chưa đủ chắc chắn" fit on at most two lines)."""
    out = []
    for j, spec in enumerate(table.columns):
        w = spec.width_mm / _MM_PER_CHAR
        words = [len(x) for x in table.label(spec.key).split()]
        for i in range(len(table.frame)):
            if table.kind_of(i) == "heading" and j > 0:
                continue
            cell = format_cell(table, i, spec.key, lang)
            is_number = spec.numeric and (i, spec.key) not in table.texts
            words += [len(cell)] if is_number else [len(x) for x in cell.split()]
        w = max(w, (max(words) if words else 1) * _CHAR_W + 1.5)
        out.append(round(w, 1))
    return out


def _table_sheet(wb: Any, cells: _Cells, table: AppendixTable, lang: str, illustrative: bool) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    ws = wb.create_sheet(SHEET_NAMES.get(table.key, table.key)[:31])
    cols = table.columns
    n = len(cols)
    widths = _widths(table, lang)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    total_w = sum(widths)
    sub = table.subtitle + (f" — {text('illustrative', lang)}" if illustrative else "")
    titles = ((1, table.number, (True, False, 12, None)), (2, table.title.upper(), (True, False, 12, None)),
              (3, sub, (False, True, 11, None)))
    for r, value, font in titles:
        cells.put(ws, r, 1, value, font=font, align=("center", True, "center"))
        _merge(ws, r, 1, r, n)
        ws.row_dimensions[r].height = 18.0
    ws.row_dimensions[4].height = 8.0
    h0 = HEADER_FIRST_ROW
    head: dict[tuple[int, int], str] = {}
    j = 0
    while j < n:
        c = cols[j]
        if c.group:
            k = j
            while k + 1 < n and cols[k + 1].group == c.group:
                k += 1
            head[(h0, j + 1)] = c.group
            _merge(ws, h0, j + 1, h0, k + 1)
            for m in range(j, k + 1):
                head[(h0 + 1, m + 1)] = table.label(cols[m].key)
            j = k + 1
        else:
            head[(h0, j + 1)] = table.label(c.key)
            _merge(ws, h0, j + 1, h0 + 1, j + 1)
            j += 1
    for r in (h0, h0 + 1):
        for m in range(1, n + 1):
            cells.put(ws, r, m, head.get((r, m)), font=(True, False, 10, None), align=("center", True, "center"),
                      border=True)
    head_lines = max(_lines(table.label(c.key), widths[k]) for k, c in enumerate(cols))
    group_lines = max((_lines(c.group, widths[k] * 3) for k, c in enumerate(cols) if c.group), default=1)
    ws.row_dimensions[h0].height = max(group_lines, 1) * _LINE_PT + 4
    ws.row_dimensions[h0 + 1].height = max(head_lines - group_lines, 1) * _LINE_PT + 4
    first = h0 + 2
    heights: list[float] = []
    keys = [c.key for c in cols]
    name_at = keys.index("indicator") if "indicator" in keys else (1 if n > 1 else 0)
    for i, (values, hidden, estimate) in enumerate(table.cells()):
        row = first + i
        kind = table.kind_of(i)
        lines = 1
        for j, spec in enumerate(cols):
            font_key = (kind in ("total", "heading"), kind == "sub" and not spec.numeric, 10.0, None)
            shown = format_cell(table, i, spec.key, lang)
            if kind == "heading":
                cells.put(ws, row, j + 1, shown if j in (0, name_at) else None, font=font_key,
                          align=("center" if j == 0 else "left", True, "center"), border=True)
                continue
            v = values[spec.key]
            numeric = (spec.numeric and (i, spec.key) not in table.texts and not hidden.get(spec.key)
                       and not (v is None or (isinstance(v, float) and math.isnan(v))))
            if not numeric:
                stt: int | str = int(shown) if spec.key == "stt" and shown.isdigit() else shown  # STT: a number
                cells.put(ws, row, j + 1, stt, font=font_key, align=(spec.alignment(), True, "center"), border=True)
                lines = max(lines, _lines(shown, widths[j]))
                continue
            pre = table.prefix[spec.key][i] if spec.key in table.prefix else ""
            post = " " + text("estimate_mark", lang) if estimate[spec.key] and spec.key not in table.estimate_columns \
                else ""
            cells.put(ws, row, j + 1, int(v) if spec.kind == "int" else float(v), font=font_key,
                      align=(spec.alignment(), False, "center"), border=True,
                      number_format=number_format(table.decimals(i, spec), prefix=pre, suffix=post))
        if kind == "heading" and name_at < n - 1:
            _merge(ws, row, name_at + 1, row, n)
            lines = _lines(format_cell(table, i, keys[name_at], lang), sum(widths[name_at:]))
        ws.row_dimensions[row].height = lines * _LINE_PT + 3
        heights.append(lines * _LINE_PT + 3)
    # notes: merged across the table, wrapped, each row as high as its text
    r = first + len(table.frame) + 1
    note_rows: list[float] = []
    if table.notes:
        items = [text("notes", lang) + ":"] + [f"({k}) {note}" for k, note in enumerate(table.notes, start=1)]
        for k, note in enumerate(items):
            cells.put(ws, r + k, 1, note, font=(k == 0, True, 10, None), align=("left", True, "top"))
            _merge(ws, r + k, 1, r + k, n)
            h = _lines(note, total_w) * _LINE_PT + 2
            ws.row_dimensions[r + k].height = h
            note_rows.append(h)
    ws.freeze_panes = f"C{first}"
    _print_setup(ws, lang, landscape=table.landscape, title_rows=f"{h0}:{h0 + 1}")
    for brk in _page_breaks(total_w, [ws.row_dimensions[x].height or 15.0 for x in range(1, first)], heights,
                            [table.kind_of(i) for i in range(len(heights))], [_LINE_PT] + note_rows):
        ws.row_breaks.append(Break(id=first + brk - 1))


def _page_breaks(total_w: float, top: list[float], rows: list[float], kinds: list[str],
                 notes: list[float]) -> list[int]:
    """Indices of the data rows that start a printed page, chosen so that a section heading is never the
    last row of a page and the notes never print on a page holding only the repeated header rows.

    Every break is set by hand (a little earlier than the printer would break), so LibreOffice and Excel
    print the pages planned here: fit to the page width (``fitToWidth``), the header rows (the last two of
    ``top``) repeated on every page, row heights as set.
    """
    pt_per_mm = 72 / 25.4
    usable_w = (_PAGE_W_MM - 25.4 * (_MARGIN_IN["left"] + _MARGIN_IN["right"])) * pt_per_mm
    scale = min(1.0, usable_w / (total_w * _MM_PER_CHAR * pt_per_mm))
    usable_h = (_PAGE_H_MM - 25.4 * (_MARGIN_IN["top"] + _MARGIN_IN["bottom"])) * pt_per_mm * 0.97 / scale
    header = sum(top[-2:])
    breaks: list[int] = []
    used = sum(top)
    i = 0
    while i < len(rows):
        if used + rows[i] > usable_h and i > (breaks[-1] if breaks else 0):
            k = i
            while k - 1 > (breaks[-1] if breaks else 0) and kinds[k - 1] == "heading":
                k -= 1  # a heading goes to the next page with its first row
            breaks.append(k)
            used = header + sum(rows[k:i])
        used += rows[i]
        i += 1
    if notes and used + sum(notes) > usable_h and len(rows) >= 3:
        # the notes would start a page of their own: the last rows go with them
        start = breaks[-1] if breaks else 0
        room = usable_h - header - sum(notes)
        k, taken = len(rows), 0.0
        while k - 1 > start and taken + rows[k - 1] <= room and len(rows) - k < 3:
            k -= 1
            taken += rows[k]
        while k - 1 > start and kinds[k - 1] == "heading":
            k -= 1
        if k < len(rows):
            breaks.append(k)
    return breaks


def write_xlsx(tables: Sequence[AppendixTable], path: str | Path, *, lang: str = "vi",
               sources: dict | None = None) -> Path:
    """Write the Excel appendix (atomic write). ``sources``: ``{"illustrative": bool, "items": [(key, text)]}``.

    The workbook opens on the first table (Biểu 1); the sources sheet is last. The file is deterministic:
    fixed core-properties dates and zip entry times (:func:`~ctxh_plan.present.docx_writer.normalize_ooxml`).
    """
    from openpyxl import Workbook

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.io.cells import mark_text_cells

    sources = sources or {}
    wb = Workbook()
    wb.remove(wb.active)
    cells = _Cells()
    for table in tables:
        _table_sheet(wb, cells, table, lang, bool(sources.get("illustrative")))
    _sources_sheet(wb, cells, lang, sources)
    wb.active = 0
    for k, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = k == 0
    import datetime as dt

    from ctxh_plan.present.docx_writer import FIXED_DATE, save_ooxml

    wb.properties.created = dt.datetime(*FIXED_DATE)
    mark_text_cells(wb)  # the guard of every workbook the toolkit writes (cells above were guarded as written)
    with atomic_path(path) as tmp:
        # openpyxl stamps `modified` with the current time: save_ooxml fixes it while writing the zip once
        save_ooxml(lambda archive: _save_workbook(wb, archive), tmp, into_archive=True)
    return Path(path)


def _save_workbook(wb: Any, archive: Any) -> None:
    """openpyxl's ``Workbook.save`` into an open zip archive."""
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, archive).save()
