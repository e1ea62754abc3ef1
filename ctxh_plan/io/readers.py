"""Read observation and target files into *raw* frames (nothing interpreted yet).

* tidy CSV (``,`` ``;`` or tab separated; UTF-8 with/without BOM, UTF-16, or a
  legacy Windows-1258 file when that can be told for sure — otherwise refused
  with a message saying how to re-save as UTF-8);
* tidy or wide Excel (``.xlsx``): indicators down, years across, one sheet per
  unit or a unit column, title block with merged cells, one- or two-row header,
  year headers with periods (``2025 (6 tháng)`` → H1, ``(9 tháng)`` → 9M,
  ``(ước)`` → estimate), notes rows at the bottom.

Every raw row carries provenance: ``_file``, ``_sheet``, ``_row`` (1-based row
as seen in Excel or a text editor) and ``_column`` (the cell's column for wide
sheets). Cells stay as written (text, or numbers from Excel numeric cells); codes
stay strings. Text is NFC-normalised. Each reader returns a :class:`~ctxh_plan.io.headers.RawTable`: the frame,
and the problems that do not stop the reading (dicts with a message ``key``, see
:mod:`ctxh_plan.io.problems`); problems that stop it raise
:class:`~ctxh_plan.errors.InputError`. Every table goes through the privacy check.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ctxh_plan.data.frames import (
    ADOPTION_COLUMNS,
    OBSERVATION_COLUMNS,
    PROVENANCE_COLUMNS,
    REQUIRED_OBSERVATION_COLUMNS,
    REQUIRED_TARGET_COLUMNS,
    TARGET_COLUMNS,
)
from ctxh_plan.data.privacy import check_person_level_columns, fold_text
from ctxh_plan.errors import InputError
from ctxh_plan.io.csvfile import read_csv_table
from ctxh_plan.io.excel import read_xlsx
from ctxh_plan.io.headers import _WIDE_LABELS, RawTable, canonical_column, pending_problem, raw_frame_columns

__all__ = ["RawTable", "read_observations", "read_table", "read_targets"]

log = logging.getLogger(__name__)


def read_table(path: str | Path, *, required: tuple[str, ...] = REQUIRED_OBSERVATION_COLUMNS) -> RawTable:
    """Read a tidy CSV/TSV file into a raw frame of text cells with provenance.

    Parameters
    ----------
    path : the file.
    required : columns a tidy table must have (missing ones are reported in
        ``problems``, not raised).

    Returns
    -------
    RawTable
        ``frame``: canonical column names where a header matches a known alias (Vietnamese
        or English); other columns keep their header text. All cells are str. ``problems`` (pending
        problems), ``encoding``, ``delimiter``, ``header`` (original header cells), ``header_row``.
    """
    table = read_csv_table(path)
    file, encoding, delimiter = table.file, table.encoding, table.delimiter
    header, header_row, cols, row_numbers = table.header, table.header_row, table.columns, table.row_numbers
    pending: list[dict] = []
    if encoding == "cp1258":
        log.warning("%s: not UTF-8, read as Windows-1258", file)
        pending.append(pending_problem("legacy_encoding", file=file, encoding="Windows-1258"))
    while header and header[-1] == "" and all(v == "" for v in cols[len(header) - 1]):
        header.pop()  # trailing empty header cells written by Excel
    names = header + [""] * (len(cols) - len(header))
    check_person_level_columns(names, cols, file=file, header_row=header_row, row_numbers=row_numbers)
    columns = []
    for h in header:
        canon = canonical_column(h) or h
        if canon in columns:
            raise InputError(f"cột {h!r} xuất hiện hai lần / column {h!r} appears twice", file=file, row=header_row,
                             column=h, fix="xóa hoặc đổi tên một cột / delete or rename one of them")
        columns.append(canon)
    # a short row is fine when it holds every required column (optional trailing cells left out)
    needed = max((columns.index(c) + 1 for c in required if c in columns), default=0)
    extra = cols[len(columns):]
    bad = [i for i, n in enumerate(table.lengths)
           if n < needed or (n > len(columns) and any(c[i] for c in extra))]
    for i in bad:  # the cells cannot be matched to columns: the row is left out (the error says so)
        pending.append(pending_problem("field_count", file=file, row=row_numbers[i], found=table.lengths[i],
                                       expected=len(columns)))
    keep = None
    if bad:
        dropped = set(bad)
        keep = [i for i in range(len(table)) if i not in dropped]
    data = {c: (cols[j] if keep is None else [cols[j][i] for i in keep]) for j, c in enumerate(columns)}
    rows = list(row_numbers) if keep is None else [row_numbers[i] for i in keep]
    df = raw_frame_columns(data, rows, file=file)
    _check_columns(columns, required, pending, file, "", header_row)
    return RawTable(df, pending, encoding=encoding, delimiter=delimiter, header=header, header_row=header_row)


def _check_columns(columns: list[str], required: tuple[str, ...], pending: list[dict], file: str, sheet: str,
                   header_row: int) -> None:
    known = (OBSERVATION_COLUMNS if "value" in required and "scope" not in required
             else TARGET_COLUMNS + ADOPTION_COLUMNS)
    for col in required:
        if col not in columns:
            pending.append(pending_problem("missing_column", file=file, sheet=sheet, row=header_row, column=col,
                                    required=", ".join(required)))
    for col in columns:
        if col not in known and col not in PROVENANCE_COLUMNS and fold_text(col) not in _WIDE_LABELS:
            pending.append(pending_problem("unknown_column", file=file, sheet=sheet, row=header_row, column=col,
                                    known=", ".join(known)))


def read_observations(path: str | Path) -> RawTable:
    """Read an observations file (tidy ``.csv``/``.tsv``/``.txt`` or tidy/wide ``.xlsx``) into a raw frame.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    RawTable
        ``frame``: the columns of the observations frame that the file has (as text / Excel
        cells, not yet checked) plus ``_file, _sheet, _row, _column``. For wide
        Excel sheets ``year``, ``period`` and the ``estimate`` flag come from the
        year headers. ``problems`` lists problems found while reading.

    Raises
    ------
    InputError
        Empty file, undecodable text, unreadable workbook, unsupported suffix.
    PersonLevelDataError
        The file holds person-level data.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return read_table(p, required=REQUIRED_OBSERVATION_COLUMNS)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p)
    raise InputError(f"kiểu tệp {suffix or '(none)'} không hỗ trợ / unsupported file type {suffix or '(none)'}",
                     file=str(p), fix="dùng .csv hoặc .xlsx (lưu .xls thành .xlsx) / use .csv or .xlsx")


def read_targets(path: str | Path) -> RawTable:
    """Read a targets CSV (columns of the targets frame) into a :class:`RawTable` (raw frame with provenance)."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise InputError(f"tệp mục tiêu phải là CSV / a targets file must be CSV ({p.suffix})", file=str(p),
                         fix="lưu thành .csv / save it as .csv")
    return read_table(p, required=REQUIRED_TARGET_COLUMNS)
