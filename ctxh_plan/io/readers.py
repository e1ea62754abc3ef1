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
stay strings. Text is NFC-normalised. Problems that do not stop the reading are
kept in ``frame.attrs["problems"]`` (dicts with a message ``key``, see
:mod:`ctxh_plan.io.problems`); problems that stop it raise
:class:`~ctxh_plan.errors.InputError`. Every table goes through the privacy check.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

from ctxh_plan.data.privacy import check_person_level, fold_text
from ctxh_plan.errors import InputError

__all__ = [
    "ADOPTION_COLUMNS",
    "OBSERVATION_COLUMNS",
    "PROVENANCE_COLUMNS",
    "REQUIRED_OBSERVATION_COLUMNS",
    "REQUIRED_TARGET_COLUMNS",
    "TARGET_COLUMNS",
    "decode_bytes",
    "parse_year_header",
    "read_observations",
    "read_table",
    "read_targets",
]

log = logging.getLogger(__name__)

OBSERVATION_COLUMNS = ("unit_code", "indicator_code", "year", "period", "value", "numerator", "denominator",
                       "flag", "source", "note")
REQUIRED_OBSERVATION_COLUMNS = ("unit_code", "indicator_code", "year", "value")
TARGET_COLUMNS = ("scope", "indicator_code", "target_year", "operator", "value", "value_hi", "kind", "base_year",
                  "source", "verification", "note")
REQUIRED_TARGET_COLUMNS = ("scope", "indicator_code", "target_year", "operator", "value", "kind")
#: optional columns of an adopted-targets file (``ctxh-plan adopt``): the deciding document and who set the value
ADOPTION_COLUMNS = ("document_number", "document_date", "set_by")
PROVENANCE_COLUMNS = ("_file", "_sheet", "_row", "_column")

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

_VN_VOWELS = "aăâeêioôơuưy"
_VN_CHARS = set("đĐ–—“”‘’…°•\u00a0«»")
for _v in _VN_VOWELS:
    for _tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
        for _c in (_v, _v.upper()):
            _VN_CHARS.add(unicodedata.normalize("NFC", _c + _tone))
_VN_SPECIFIC = {c for c in _VN_CHARS if c not in set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ–—“”‘’…°•\u00a0«»")}
_RESAVE = ("mở tệp trong Excel, chọn Save As → 'CSV UTF-8 (Comma delimited)' / "
           "open it in Excel and Save As 'CSV UTF-8 (Comma delimited)'")


def _nfc(v: Any) -> Any:
    return unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v


def _canonical(header: Any) -> str | None:
    return _ALIASES.get(fold_text(header)) if header is not None else None


def decode_bytes(data: bytes, file: str | None = None) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258.

    Windows-1258 is accepted only when every non-ASCII character it gives is a
    Vietnamese letter or common punctuation and at least one is specific to
    Vietnamese; anything else is refused.

    Returns
    -------
    (text, encoding)

    Raises
    ------
    InputError
        The encoding cannot be told for sure (e.g. TCVN3/VNI fonts, Latin-1).
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"tệp có BOM UTF-8 nhưng có byte không hợp lệ ở vị trí {exc.start} / "
                             f"UTF-8 BOM but invalid bytes at offset {exc.start}", file=file, fix=_RESAVE) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        bad = exc.object[exc.start:exc.start + 4]
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    non_ascii = {c for c in text if ord(c) > 127}
    if text and non_ascii and non_ascii <= _VN_CHARS and non_ascii & _VN_SPECIFIC:
        return text, "cp1258"
    raise InputError(f"tệp không phải UTF-8 và không nhận ra bảng mã (byte {bad!r} ở dòng {line}) — không đọc để "
                     f"tránh sai chữ / not UTF-8 and the encoding cannot be told (bytes {bad!r} on line {line}); "
                     f"refused rather than garbled", file=file, row=line, fix=_RESAVE)


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _pending(key: str, **kw: Any) -> dict:
    return {"key": key, **kw}


def _frame(records: list[dict], columns: list[str]):
    import pandas as pd

    cols = list(dict.fromkeys(list(columns) + list(PROVENANCE_COLUMNS)))
    df = pd.DataFrame.from_records(records, columns=cols) if records else pd.DataFrame(columns=cols)
    return df.astype(object)


def _csv_records(text: str) -> tuple[str, list[str] | None, int, list[list[str]], list[int]]:
    """(delimiter, header, header row, data rows, their 1-based line numbers) of CSV text.

    Blank lines, ``#`` comment lines and Excel's ``sep=;`` hint before the header are skipped;
    a quoted field spanning lines is counted like a text editor counts lines.
    """
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    hint = re.fullmatch(r'"?sep=(.)"?\s*', first)
    delimiter = hint.group(1) if hint else _sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 1
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    prev = 0
    for rec in reader:
        start, prev = prev + 1, reader.line_num
        if not any(c.strip() for c in rec):
            continue
        if header is None:
            if not rec[0].lstrip().startswith(("#", "sep=")):
                header, header_row = [_nfc(c) for c in rec], start
            continue
        rows.append([_nfc(c) for c in rec])
        row_numbers.append(start)
    return delimiter, header, header_row, rows, row_numbers


def read_table(path: str | Path, *, required: tuple[str, ...] = REQUIRED_OBSERVATION_COLUMNS):
    """Read a tidy CSV/TSV file into a raw frame of text cells with provenance.

    Parameters
    ----------
    path : the file.
    required : columns a tidy table must have (missing ones are reported in
        ``attrs["problems"]``, not raised).

    Returns
    -------
    pandas.DataFrame
        Canonical column names where a header matches a known alias (Vietnamese
        or English); other columns keep their header text. All cells are str.
        ``attrs``: ``problems`` (pending problems), ``encoding``, ``delimiter``,
        ``header`` (original header cells).
    """
    p = Path(path)
    file = str(p)
    data = p.read_bytes()
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
    text, encoding = decode_bytes(data, file)
    pending: list[dict] = []
    if encoding == "cp1258":
        log.warning("%s: not UTF-8, read as Windows-1258", file)
        pending.append(_pending("legacy_encoding", file=file, encoding="Windows-1258"))
    text = unicodedata.normalize("NFC", text)
    delimiter, header, header_row, rows, row_numbers = _csv_records(text)
    if header is None:
        raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
    while header and header[-1] == "" and all(len(r) < len(header) or r[len(header) - 1] == "" for r in rows):
        header.pop()  # trailing empty header cells written by Excel
    check_person_level(header, rows, file=file, header_row=header_row, row_numbers=row_numbers)
    columns = []
    for h in header:
        canon = _canonical(h) or h
        if canon in columns:
            raise InputError(f"cột {h!r} xuất hiện hai lần / column {h!r} appears twice", file=file, row=header_row,
                             column=h, fix="xóa hoặc đổi tên một cột / delete or rename one of them")
        columns.append(canon)
    records = []
    # a short row is fine when it holds every required column (optional trailing cells left out)
    needed = max((columns.index(c) + 1 for c in required if c in columns), default=0)
    for rec, rn in zip(rows, row_numbers):
        if any(c for c in rec[len(columns):]) or len(rec) < needed:
            pending.append(_pending("field_count", file=file, row=rn, found=len(rec), expected=len(columns)))
            continue  # the cells cannot be matched to columns: the row is left out (the error says so)
        rec = (rec + [""] * len(columns))[:len(columns)]
        r = dict(zip(columns, rec))
        r.update(_file=file, _sheet="", _row=rn, _column="")
        records.append(r)
    df = _frame(records, columns)
    _check_columns(columns, required, pending, file, "", header_row)
    df.attrs.update(problems=pending, encoding=encoding, delimiter=delimiter, header=header, header_row=header_row)
    return df


def _check_columns(columns: list[str], required: tuple[str, ...], pending: list[dict], file: str, sheet: str,
                   header_row: int) -> None:
    known = (OBSERVATION_COLUMNS if "value" in required and "scope" not in required
             else TARGET_COLUMNS + ADOPTION_COLUMNS)
    for col in required:
        if col not in columns:
            pending.append(_pending("missing_column", file=file, sheet=sheet, row=header_row, column=col,
                                    required=", ".join(required)))
    for col in columns:
        if col not in known and col not in PROVENANCE_COLUMNS and fold_text(col) not in _WIDE_LABELS:
            pending.append(_pending("unknown_column", file=file, sheet=sheet, row=header_row, column=col,
                                    known=", ".join(known)))


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


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return _nfc(str(v)) if not isinstance(v, str) else _nfc(v)


def _sheet_grid(ws) -> list[list[Any]]:
    """Sheet cells as a list of rows (values), merged ranges not yet filled."""
    return [[_nfc(c) for c in row] for row in ws.iter_rows(values_only=True)]


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
            pending.append(_pending("column_skipped", file=file, sheet=sheet, row=hdr + 1 + two_row,
                                    column=letter, value=_cell_text(cell)))
            names.append("")
        elif yh is not None:
            years[j] = yh
            names.append(f"{letter}: {_cell_text(cell)}")
        else:
            names.append(_cell_text(cell))
    data_start = hdr + 1 + (1 if two_row else 0)
    canon = [_canonical(n) if n else None for n in names]
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
            pending.append(_pending("unknown_column", file=file, sheet=sheet, row=hdr + 1, column=n,
                                    known="Mã chỉ tiêu, Mã đơn vị, Ghi chú, Nguồn, <năm>"))
    tidy = not years and "year" in canon and "value" in canon
    if not years and not tidy:
        pending.append(_pending("no_year_columns", file=file, sheet=sheet, row=hdr + 1))
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
            pending.append(_pending("no_unit", file=file, sheet=sheet, row=hdr + 1))
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
                pending.append(_pending("value_without_code", file=file, sheet=sheet, row=rn, column=names[code_col]))
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


def _read_xlsx(path: Path):
    import openpyxl

    file = str(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise InputError(f"không mở được tệp Excel / cannot open the Excel file ({type(exc).__name__}: {exc})",
                         file=file, fix="mở và lưu lại bằng Excel dạng .xlsx / re-save it as .xlsx") from None
    pending: list[dict] = [_pending("formula_no_value", file=file, sheet=sheet, row=row, column=col, value=f)
                           for sheet, col, row, f in _formulas_without_values(path, wb)]
    records: list[dict] = []
    found = False
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            log.warning("%s: hidden sheet %r not read", file, ws.title)
            pending.append(_pending("hidden_sheet", file=file, sheet=ws.title))
            continue
        recs = _read_sheet(ws, file, pending)
        if recs is None:
            if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value is not None:
                pending.append(_pending("sheet_skipped", file=file, sheet=ws.title))
            continue
        found = True
        records.extend(recs)
    if not found:
        if all(ws.max_row <= 1 and ws.cell(1, 1).value is None for ws in wb.worksheets):
            raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
        pending = [p for p in pending if p["key"] != "sheet_skipped"]
        pending.append(_pending("no_header", file=file))
    df = _frame(records, list(OBSERVATION_COLUMNS))
    df.attrs.update(problems=pending, encoding="xlsx", header=list(OBSERVATION_COLUMNS), header_row=None,
                    layout="xlsx")
    return df


def read_observations(path: str | Path):
    """Read an observations file (tidy ``.csv``/``.tsv``/``.txt`` or tidy/wide ``.xlsx``) into a raw frame.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    pandas.DataFrame
        Columns of the observations frame that the file has (as text / Excel
        cells, not yet checked) plus ``_file, _sheet, _row, _column``. For wide
        Excel sheets ``year``, ``period`` and the ``estimate`` flag come from the
        year headers. ``attrs["problems"]`` lists problems found while reading.

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
        return _read_xlsx(p)
    raise InputError(f"kiểu tệp {suffix or '(none)'} không hỗ trợ / unsupported file type {suffix or '(none)'}",
                     file=str(p), fix="dùng .csv hoặc .xlsx (lưu .xls thành .xlsx) / use .csv or .xlsx")


def read_targets(path: str | Path):
    """Read a targets CSV (columns of the targets frame) into a raw frame with provenance."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise InputError(f"tệp mục tiêu phải là CSV / a targets file must be CSV ({p.suffix})", file=str(p),
                         fix="lưu thành .csv / save it as .csv")
    return read_table(p, required=REQUIRED_TARGET_COLUMNS)
