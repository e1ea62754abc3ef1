"""Header cells of input tables: Vietnamese and English aliases of the frame columns, the labels of
wide sheets, and year headers such as ``2025 (6 tháng)``. Shared by the CSV and Excel readers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ctxh_plan.data.frames import PROVENANCE_COLUMNS
from ctxh_plan.data.privacy import fold_text

__all__ = ["RawTable", "canonical_column", "parse_year_header", "pending_problem", "raw_frame", "raw_frame_columns"]


@dataclass
class RawTable:
    """A file as read, before any check: its rows and what reading it found.

    Attributes
    ----------
    frame : pandas.DataFrame
        Text cells (or Excel numbers) under canonical column names, plus the provenance columns
        ``_file, _sheet, _row, _column``.
    problems : list of dict
        Problems that did not stop the reading (message keys of :mod:`ctxh_plan.io.problems`), for the checks
        to add to their problems table (:func:`ctxh_plan.data.checks.pending_problems`).
    encoding : str
        ``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1258`` … or ``xlsx``.
    delimiter : str
        Of a text file (``""`` for a workbook).
    header : list of str
        The header cells as written.
    header_row : int or None
        1-based row of the header (None for a workbook: one per sheet).
    """

    frame: Any
    problems: list[dict[str, Any]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    header: list[str] = field(default_factory=list)
    header_row: int | None = None

    def __len__(self) -> int:
        """Rows read."""
        return len(self.frame)

#: folded header text → canonical column
_ALIASES: dict[str, str] = {
    "unit code": "unit_code", "ma don vi": "unit_code", "ma dv": "unit_code", "ma dvhc": "unit_code",
    "indicator code": "indicator_code", "ma chi tieu": "indicator_code", "ma ct": "indicator_code",
    "year": "year", "nam": "year",
    "period": "period", "ky": "period", "ky bao cao": "period",
    "value": "value", "gia tri": "value", "so lieu": "value",
    "numerator": "numerator", "tu so": "numerator",
    "denominator": "denominator", "mau so": "denominator",
    "flag": "flag", "co": "flag", "danh dau": "flag",
    "source": "source", "nguon": "source", "nguon so lieu": "source",
    "note": "note", "ghi chu": "note",
    "scope": "scope", "pham vi": "scope",
    "target year": "target_year", "nam muc tieu": "target_year",
    "operator": "operator", "toan tu": "operator",
    "value hi": "value_hi", "gia tri tren": "value_hi",
    "kind": "kind", "loai muc tieu": "kind",
    "base year": "base_year", "nam goc": "base_year",
    "verification": "verification", "kiem chung": "verification",
    "document number": "document_number", "so van ban": "document_number", "so quyet dinh": "document_number",
    "document date": "document_date", "ngay van ban": "document_date", "ngay ban hanh": "document_date",
    "set by": "set_by", "nguoi dat": "set_by", "don vi dat": "set_by", "co quan dat": "set_by",
}
#: wide sheets: header cells that are labels, not data
_WIDE_LABELS = {"stt", "tt", "so tt", "ten chi tieu", "chi tieu", "indicator", "indicator name", "name",
                "don vi tinh", "dvt", "unit", "unit of measure", "ten don vi", "unit name", "nhom", "group"}
_YEAR_GROUP = {"nam", "year", "cac nam", "so lieu cac nam", "nam thuc hien", "years"}
_NOTE_STARTS = ("ghi chu", "nguon", "note", "source", "chu thich")
_INDICATOR_HEADERS = {"ma chi tieu", "indicator code"}
_YEAR_RE = re.compile(r"^\s*(?:năm|nam|year)?\s*(\d{4})(?!\d)\s*(?:\((.*)\))?\s*(.*?)\s*$", re.IGNORECASE)
_UNIT_TITLE_RE = re.compile(r"(?:ma don vi|unit code)\s*(\d{2,5})\b")
_SHEET_UNIT_RE = re.compile(r"^\s*(\d{2,5})\b")


def nfc(v: Any) -> Any:
    """NFC-normalised, stripped text; other values unchanged."""
    return unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v


def canonical_column(header: Any) -> str | None:
    """The frame column a header cell names (Vietnamese or English, any case or accents), or None."""
    return _ALIASES.get(fold_text(header)) if header is not None else None


def pending_problem(key: str, **kw: Any) -> dict:
    """A problem found while reading, to be turned into a problems-table row by the validation."""
    return {"key": key, **kw}


def raw_frame(records: list[dict], columns: list[str]) -> Any:
    """A raw frame (object cells) with ``columns`` then the provenance columns."""
    import pandas as pd

    cols = list(dict.fromkeys(list(columns) + list(PROVENANCE_COLUMNS)))
    df = pd.DataFrame.from_records(records, columns=cols) if records else pd.DataFrame(columns=cols)
    return df.astype(object)


def raw_frame_columns(data: dict[str, list[Any]], rows: Any, *, file: str, sheet: str | list[str] = "",
                      column: str | list[str] = "") -> Any:
    """A raw frame (object cells) from columns of cells, then the provenance columns (``_row`` = ``rows``;
    ``sheet`` and ``column`` one text for every row, or one per row).

    Built column by column (no dict per row): a million-row table costs one pointer per cell.
    """
    import numpy as np
    import pandas as pd

    n = len(rows)
    cols: dict[str, Any] = {}
    for c, values in data.items():
        arr = np.empty(n, dtype=object)
        arr[:] = values
        cols[c] = arr
    for c, v in (("_file", file), ("_sheet", sheet), ("_column", column)):
        arr = np.empty(n, dtype=object)
        arr[:] = v
        cols[c] = arr
    rarr = np.empty(n, dtype=object)
    rarr[:] = rows
    cols["_row"] = rarr
    order = list(dict.fromkeys(list(data) + list(PROVENANCE_COLUMNS)))
    return pd.DataFrame(cols, columns=order, copy=False)


def parse_year_header(cell: Any) -> tuple[int, str, bool] | str | None:
    """Read a year column header.

    Returns
    -------
    (year, period, estimate), ``"unknown"`` for a year with an unknown qualifier
    (e.g. ``2025 (kế hoạch)``), or None when the cell is not a year header.

    Examples
    --------
    ``2019`` / ``Năm 2019`` → (2019, "FY", False); ``2025 (6 tháng)`` → (2025, "H1", False);
    ``2025 (9 tháng)`` → (2025, "9M", False); ``2025 (ước)`` → (2025, "FY", True).
    """
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        return (int(cell), "FY", False) if float(cell).is_integer() and 1000 <= cell <= 9999 else None
    m = _YEAR_RE.match(unicodedata.normalize("NFC", str(cell)))
    if not m:
        return None
    year = int(m.group(1))
    qual = fold_text(" ".join(x for x in (m.group(2), m.group(3)) if x))
    if not qual:
        return year, "FY", False
    period, estimate, rest = "FY", False, qual
    for pat, per in ((r"\b(6 thang|sau thang|h1|6 months|6m)\b", "H1"), (r"\b(9 thang|chin thang|9m|9 months)\b", "9M"),
                     (r"\b(?:quy|q|quarter)\s*([1-4])\b", "Q")):
        mm = re.search(pat, rest)
        if mm:
            period = "Q" + mm.group(1) if per == "Q" else per
            rest = rest.replace(mm.group(0), " ")
    mm = re.search(r"\b(uoc thuc hien|uoc th|uoc|estimate|est|estimated)\b", rest)
    if mm:
        estimate, rest = True, rest.replace(mm.group(0), " ")
    if re.sub(r"\b(ca nam|full year|fy|nam)\b", " ", rest).strip():
        return "unknown"
    return year, period, estimate

