"""Text from data written to Excel or CSV stays text (no formula injection).

A cell of an input file may hold ``=HYPERLINK(...)``, ``+cmd|'/c calc'!A1``, ``-2+3`` or ``@SUM(...)``.
Written as it is, Excel would run it as a formula when the output is opened (OWASP "CSV injection").
Every writer of the toolkit goes through this module:

* CSV (:func:`csv_safe_frame`, used by :func:`ctxh_plan.io.atomic.write_frame`): a text cell that
  starts with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return gets a leading apostrophe ``'`` (the
  OWASP advice; Excel shows the text, does not run it). Plain numbers written as text (``-5``,
  ``+3``, ``-1.234,5``) and a lone character (``-`` for no data, the operator ``=``) are left alone.
* Excel (:func:`mark_text_cells`, used by :func:`excel_writer`, ``write_frame`` and the appendix writer):
  a text cell is stored as text, never as a formula, and one that starts with those characters is
  marked "quote prefix" so that Excel keeps it as text even when the cell is edited.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["FORMULA_STARTS", "csv_safe", "csv_safe_frame", "excel_writer", "is_formula_like", "mark_text_cells"]

#: first characters that make spreadsheet software read a text as a formula (OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+\-]?\s*\d[\d\s.,]*%?")


def is_formula_like(text: Any) -> bool:
    """Whether ``text`` would be read as a formula by a spreadsheet (plain numbers and one character alone are not)."""
    if not isinstance(text, str) or not text.startswith(FORMULA_STARTS):
        return False
    return not (len(text) == 1 or _PLAIN_NUMBER.fullmatch(text))


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text gets a leading ``'``; anything else is unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_safe_frame(frame: Any) -> Any:
    """A copy of ``frame`` whose text cells and column names are safe for CSV (``frame`` when nothing changes)."""
    out = frame
    for j in range(frame.shape[1]):
        s = frame.iloc[:, j]
        if s.dtype != object and str(s.dtype) not in ("string", "str"):
            continue
        mask = s.map(is_formula_like)
        if bool(mask.any()):
            if out is frame:
                out = frame.copy()
            out.iloc[:, j] = s.where(~mask, "'" + s.astype(str))
    names = [csv_safe(c) for c in frame.columns]
    if names != list(frame.columns):
        if out is frame:
            out = frame.copy()
        out.columns = names
    return out


def mark_text_cells(workbook: Any) -> int:
    """Make every formula-like text cell of an openpyxl workbook a text cell; return how many were changed.

    openpyxl stores a value starting with ``=`` as a formula: such cells go back to text. Text that
    starts with ``=`` ``+`` ``-`` ``@`` is marked "quote prefix" (Excel keeps it as text when edited).
    The toolkit never writes formulas, so every formula cell comes from data.
    """
    changed = 0
    for ws in workbook.worksheets:
        # the cells that exist (``iter_rows`` would create empty ones and change the file)
        for cell in list(getattr(ws, "_cells", {}).values()):
            v = cell.value
            if not isinstance(v, str) or not v.startswith(FORMULA_STARTS):
                continue
            if cell.data_type == "f":
                cell.data_type = "s"
            if is_formula_like(v):
                cell.quotePrefix = True
                changed += 1
    return changed


@contextlib.contextmanager
def excel_writer(path: str | Path) -> Iterator[Any]:
    """``pandas.ExcelWriter`` (openpyxl) whose text cells stay text (:func:`mark_text_cells` before saving).

    Use it wherever frames are written to a workbook::

        with atomic_path(out) as tmp, excel_writer(tmp) as xw:
            frame.to_excel(xw, sheet_name="data", index=False)
    """
    import pandas as pd

    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        yield xw
        mark_text_cells(xw.book)
