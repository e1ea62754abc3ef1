"""The one CSV reader: bytes → text (UTF-8 with or without BOM, UTF-16 with BOM, or a legacy
Windows-1258 file when that can be told for sure — otherwise refused with how to re-save as
UTF-8), delimiter (``,`` ``;`` or tab, or Excel's ``sep=`` hint), header row and data rows with
their 1-based line numbers as a text editor counts them. Every CSV the toolkit reads goes through
:func:`read_csv_table` (observations, targets, weights, conversion tables, forecast series).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError

__all__ = ["CsvTable", "decode_bytes", "read_csv_table"]

_VN_VOWELS = "aăâeêioôơuưy"
_VN_CHARS = set("đĐ–—“”‘’…°•\u00a0«»")
for _v in _VN_VOWELS:
    for _tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
        for _c in (_v, _v.upper()):
            _VN_CHARS.add(unicodedata.normalize("NFC", _c + _tone))
_VN_SPECIFIC = {c for c in _VN_CHARS if c not in set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ–—“”‘’…°•\u00a0«»")}
_RESAVE = ("mở tệp trong Excel, chọn Save As → 'CSV UTF-8 (Comma delimited)' / "
           "open it in Excel and Save As 'CSV UTF-8 (Comma delimited)'")


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


def _nfc(v: str) -> str:
    return unicodedata.normalize("NFC", v).strip()


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


@dataclass
class CsvTable:
    """A CSV file as text cells.

    Attributes
    ----------
    file : str
        The path as given.
    encoding, delimiter : str
        What was detected (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"cp1258"``; ``","`` ``";"`` tab).
    header : list of str
        Header cells (NFC, stripped); empty when the file has no header line.
    header_row : int
        1-based line of the header.
    rows : list of list of str
        Data rows (NFC, stripped); blank lines and ``#`` comment lines before the header skipped.
    row_numbers : list of int
        1-based line where each data row starts.
    """

    file: str
    encoding: str
    delimiter: str
    header: list[str]
    header_row: int
    rows: list[list[str]] = field(repr=False)
    row_numbers: list[int] = field(repr=False)

    def records(self) -> list[dict[str, str]]:
        """Rows as ``{header: cell}`` dicts (missing trailing cells are ``""``) with ``_row``."""
        n = len(self.header)
        return [dict(zip(self.header, (r + [""] * n)[:n]), _row=str(rn))
                for r, rn in zip(self.rows, self.row_numbers)]

    def frame(self) -> Any:
        """Rows as a DataFrame of text cells (columns = header) plus ``_row`` (int, 1-based line)."""
        import pandas as pd

        n = len(self.header)
        df = pd.DataFrame([(r + [""] * n)[:n] for r in self.rows], columns=self.header, dtype=object)
        df["_row"] = self.row_numbers
        return df


def read_csv_table(path: str | Path, *, require_header: bool = True) -> CsvTable:
    """Read a CSV/TSV file as text cells (see the module docstring).

    Raises
    ------
    InputError
        Empty file, undecodable text (with how to re-save it), no header line.
    """
    p = Path(path)
    file = str(p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("không tìm thấy tệp / file not found", file=file, fix="kiểm tra đường dẫn / check the path") from None
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
    text, encoding = decode_bytes(data, file)
    text = unicodedata.normalize("NFC", text)
    delimiter, header, header_row, rows, row_numbers = _csv_records(text)
    if header is None and require_header:
        raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
    return CsvTable(file, encoding, delimiter, header or [], header_row, rows, row_numbers)
