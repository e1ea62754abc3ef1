"""Refuse person-level (case) data: the toolkit takes aggregates only.

A file is refused with :class:`~ctxh_plan.errors.PersonLevelDataError` when it
has a column that looks like names, dates of birth, personal ID numbers,
addresses or free-text case descriptions, or a text column whose values are
mostly 9- or 12-digit ID-like strings (CMND / CCCD numbers). The readers call
:func:`check_person_level` on every table they read, before anything else is
done with it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from ctxh_plan.errors import PersonLevelDataError

__all__ = ["check_person_level", "fold_text", "person_level_reason"]

# Column names are compared after folding (lower case, accents removed, đ → d,
# punctuation → space). Each entry: (folded pattern, what it is, exact match only).
_NAME = ("ho ten", "ho va ten", "ho ten tre", "ten tre", "ten tre em", "ten nguoi", "name", "full name",
         "fullname", "child name", "first name", "last name", "surname", "ten hoc sinh", "student name")
_DOB = ("ngay sinh", "ngay thang nam sinh", "nam sinh", "dob", "date of birth", "birth date", "birthdate",
        "sinh ngay")
_ID = ("cccd", "cmnd", "cmt", "so dinh danh", "ma dinh danh", "dinh danh ca nhan", "can cuoc", "can cuoc cong dan",
       "chung minh nhan dan", "national id", "id number", "passport", "ho chieu", "so bhxh", "ma so bhxh",
       "so the bhyt", "ssn")
_TEXT = ("mo ta", "mo ta vu viec", "dien bien", "dien bien vu viec", "tom tat vu viec", "noi dung vu viec",
         "chi tiet vu viec", "tinh tiet", "case description", "description", "narrative", "case notes",
         "dia chi", "noi o", "address", "ho ten cha", "ho ten me", "phu huynh", "parent name")

#: patterns that only match a whole header ("indicator name", "unit name" are fine)
_EXACT_ONLY = {"name", "description", "ten nguoi"}
_KINDS = (
    (_NAME, "họ tên / names"),
    (_DOB, "ngày sinh / dates of birth"),
    (_ID, "số định danh (CCCD/CMND) / personal ID numbers"),
    (_TEXT, "mô tả vụ việc, địa chỉ / case descriptions or addresses"),
)
_ID_VALUE = re.compile(r"^\d{9}$|^\d{12}$")
#: columns whose values are figures, codes or free notes about aggregates — not checked for ID-like values
_VALUE_COLUMNS = {"value", "numerator", "denominator", "year", "unit_code", "indicator_code", "period",
                  "source", "note", "flag", "target_year", "base_year", "value_hi"}


def fold_text(text: object) -> str:
    """Lower-case, accent-free, single-spaced form of a header (for matching only)."""
    s = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()


def _column_kind(name: object) -> str | None:
    folded = fold_text(name)
    if not folded:
        return None
    for patterns, what in _KINDS:
        for p in patterns:
            if folded == p or (p not in _EXACT_ONLY and (folded.startswith(p + " ") or f" {p} " in f" {folded} ")):
                return what
    return None


def person_level_reason(columns: Sequence[object], rows: Iterable[Sequence[object]] = (),
                        *, skip_columns: Iterable[int] = ()) -> tuple[int, str, int | None, object] | None:
    """Find the first sign of person-level data.

    Parameters
    ----------
    columns : header cells, in order.
    rows : data rows (sequences aligned with ``columns``).
    skip_columns : positions holding figures (year columns of a wide sheet) — not
        checked for ID-like values.

    Returns
    -------
    (column position, what, data-row index or None, value) or None
        The data-row index is 0-based within ``rows``.
    """
    for i, col in enumerate(columns):
        what = _column_kind(col)
        if what:
            return i, what, None, col
    skip = set(skip_columns)
    candidates = [i for i, c in enumerate(columns) if i not in skip and str(c).strip() not in _VALUE_COLUMNS]
    if not candidates:
        return None
    hits: dict[int, list[tuple[int, object]]] = {i: [] for i in candidates}
    filled = dict.fromkeys(candidates, 0)
    for r, row in enumerate(rows):
        for i in candidates:
            v = row[i] if i < len(row) else None
            if v is None or not isinstance(v, str) or not v.strip():
                continue
            filled[i] += 1
            if _ID_VALUE.match(v.strip()):
                hits[i].append((r, v))
    for i in candidates:
        n = len(hits[i])
        if n and (n >= 3 or n * 2 >= filled[i]):
            r, v = hits[i][0]
            return i, "số định danh (CCCD/CMND) / personal ID numbers", r, v
    for i in candidates:  # long free text in a column that is not a note column
        if fold_text(columns[i]) in ("ten chi tieu", "chi tieu", "indicator", "indicator name", "ten don vi",
                                     "unit name", "name vi", "name en"):
            continue
        lengths = [len(row[i]) for row in rows if i < len(row) and isinstance(row[i], str) and row[i].strip()]
        if lengths and sum(lengths) / len(lengths) > 150:
            return i, "mô tả vụ việc dạng văn bản dài / long free-text case descriptions", None, columns[i]
    return None


def check_person_level(columns: Sequence[object], rows: Sequence[Sequence[object]] = (), *,
                       file: str | None = None, sheet: str | None = None, header_row: int | None = 1,
                       row_numbers: Sequence[int] | None = None, skip_columns: Iterable[int] = ()) -> None:
    """Raise :class:`PersonLevelDataError` when the table looks like person-level data.

    Parameters
    ----------
    columns, rows, skip_columns : as in :func:`person_level_reason`.
    file, sheet : where the table comes from (for the message).
    header_row : 1-based row number of the header line.
    row_numbers : 1-based row numbers of ``rows`` (for the message).
    """
    rows = list(rows)
    found = person_level_reason(columns, rows, skip_columns=skip_columns)
    if found is None:
        return
    i, what, r, value = found
    row = header_row if r is None else (row_numbers[r] if row_numbers is not None else None)
    raise PersonLevelDataError(
        f"dữ liệu cá nhân ({what}) — công cụ chỉ nhận số liệu tổng hợp / "
        f"person-level data; the toolkit takes aggregates only",
        fix="xóa cột này và chỉ gửi số liệu tổng hợp theo đơn vị, chỉ tiêu, năm / "
            "remove the column and send totals per unit, indicator and year",
        file=file, sheet=sheet, row=row, column=str(columns[i]), value=value if r is not None else None)
