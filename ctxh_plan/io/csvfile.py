"""The one CSV reader: bytes → text (UTF-8 with or without BOM, UTF-16 with or without BOM, or a legacy
Windows-1258 file when that can be told for sure — otherwise refused with how to re-save as UTF-8),
delimiter (``,`` ``;`` or tab, or Excel's ``sep=`` hint), header row and data rows with their 1-based
line numbers as a text editor counts them. Every CSV the toolkit reads goes through
:func:`read_csv_table` (observations, targets, weights, conversion tables, forecast series).

The file is read as a stream, line by line, and kept column by column (repeated texts such as codes
and sources are stored once), so memory stays bounded: a 1,000,000-row file reads in well under
1 GB (``benchmarks/large_inputs.py``). What would otherwise be lost or crash is an
:class:`~ctxh_plan.errors.InputError` naming the file, row and column:

* a quote (``"``) that opens a cell and is never closed, or that swallows lines which look like rows
  (the row count would disagree with the file's lines): the row where the quote opened;
* NUL bytes and other control characters in a cell (a damaged file, or UTF-16 read as UTF-8);
* a cell longer than :data:`~ctxh_plan.io.limits.MAX_CELL_CHARS`, more than
  :data:`~ctxh_plan.io.limits.MAX_COLUMNS` columns, more than :data:`~ctxh_plan.io.limits.MAX_ROWS`
  rows, a file larger than :data:`~ctxh_plan.io.limits.MAX_INPUT_BYTES`.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ctxh_plan.errors import InputError
from ctxh_plan.io.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, check_input_size

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
#: control characters that have no place in a cell (tab, line feed and carriage return are fine)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: distinct texts remembered per column (codes, sources, flags repeat; values mostly do not)
_INTERN_LIMIT = 4096
_HEAD_BYTES = 65536
#: rows parsed before they are moved into columns
_CHUNK = 20_000


def decode_bytes(data: bytes, file: str | None = None) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when the
    bytes show it), or Windows-1258.

    Windows-1258 is accepted only when every non-ASCII character it gives is a
    Vietnamese letter or common punctuation and at least one is specific to
    Vietnamese; anything else is refused.

    Returns
    -------
    (text, encoding)

    Raises
    ------
    InputError
        The encoding cannot be told for sure (e.g. TCVN3/VNI fonts, Latin-1), or the UTF-8/UTF-16
        text is damaged.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"tệp có BOM UTF-8 nhưng có byte không hợp lệ ở vị trí {exc.start} / "
                             f"UTF-8 BOM but invalid bytes at offset {exc.start}", file=file, fix=_RESAVE) from None
    utf16 = _utf16_without_bom(data[:_HEAD_BYTES])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16:
        enc = utf16 or "utf-16"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise InputError(f"tệp UTF-16 bị hỏng ở vị trí {exc.start} / damaged UTF-16 text at offset {exc.start}",
                             file=file, fix=_RESAVE) from None
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


def _utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``head`` is UTF-16 text written without a BOM (every other
    byte of ASCII text is 0), else None."""
    n = len(head) // 2
    if n < 2 or b"\x00" not in head:
        return None
    even, odd = head[0:2 * n:2].count(0), head[1:2 * n:2].count(0)
    enc = "utf-16-le" if odd >= 0.3 * n and even <= 0.02 * n else \
        "utf-16-be" if even >= 0.3 * n and odd <= 0.02 * n else None
    if enc is None:
        return None
    try:
        codecs.getincrementaldecoder(enc)("strict").decode(head[:2 * n], final=False)
    except UnicodeDecodeError:
        return None
    return enc


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _nfc(v: str) -> str:
    v = v.strip()
    return v if v.isascii() else unicodedata.normalize("NFC", v)


@dataclass
class CsvTable:
    """A CSV file as text cells, kept column by column.

    Attributes
    ----------
    file : str
        The path as given.
    encoding, delimiter : str
        What was detected (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"utf-16-le"``, ``"utf-16-be"``,
        ``"cp1258"``; ``","`` ``";"`` tab).
    header : list of str
        Header cells (NFC, stripped); empty when the file has no header line.
    header_row : int
        1-based line of the header.
    columns : list of list of str
        Cells of each column (NFC, stripped), one per data row; at least as many columns as the header,
        more when a row has more cells; a short row's missing cells are ``""``.
    row_numbers : array of int
        1-based line where each data row starts.
    lengths : array of int
        Number of cells each data row really has (short rows are padded in ``columns``).
    """

    file: str
    encoding: str
    delimiter: str
    header: list[str]
    header_row: int
    columns: list[list[str]] = field(repr=False)
    row_numbers: Any = field(repr=False)
    lengths: Any = field(repr=False)

    def __len__(self) -> int:
        return len(self.row_numbers)

    @property
    def rows(self) -> list[list[str]]:
        """Data rows as lists of cells (as many as each row has)."""
        return [[col[i] for col in self.columns[:n]] for i, n in enumerate(self.lengths)]

    def records(self) -> list[dict[str, str]]:
        """Rows as ``{header: cell}`` dicts (missing trailing cells are ``""``) with ``_row``."""
        n = len(self.header)
        cols = self.columns[:n]
        return [dict(zip(self.header, (c[i] for c in cols)), _row=str(rn)) for i, rn in enumerate(self.row_numbers)]

    def frame(self) -> Any:
        """Rows as a DataFrame of text cells (columns = header) plus ``_row`` (int, 1-based line)."""
        import pandas as pd

        n = len(self.header)
        df = pd.DataFrame({j: pd.Series(self.columns[j], dtype=object) for j in range(n)}) if len(self) else \
            pd.DataFrame({j: pd.Series([], dtype=object) for j in range(n)})
        df.columns = list(self.header)
        df["_row"] = list(self.row_numbers)
        return df


class _Lines:
    """The lines of a text stream as ``csv.reader`` wants them, counting them, keeping those of the
    record being read (``buf``), and refusing control characters with their row and column."""

    def __init__(self, stream: IO[str], file: str) -> None:
        self.stream = stream
        self.file = file
        self.line_no = 0
        self.buf: list[str] = []
        self.replay: list[str] = []
        self.delimiter = ","
        self.header: list[str] = []

    def peek_first_content(self) -> str:
        """The first line that is not blank nor a ``#`` comment (kept to be read again)."""
        for line in self.stream:
            self.replay.append(line)
            if line.strip() and not line.lstrip().startswith("#"):
                return line
            if len(self.replay) > 10_000:
                break
        return ""

    def lines(self) -> Iterator[str]:
        """The lines (NFC), counted, kept in ``buf`` until the record they belong to is read."""
        buf, search, nfc = self.buf, _CONTROL.search, unicodedata.normalize
        for line in itertools.chain(self.replay, self.stream):
            if not line.isascii():
                line = nfc("NFC", line)
            self.line_no += 1
            buf.append(line)
            if search(line):
                self._refuse_control(line)
            yield line

    def _refuse_control(self, line: str) -> None:
        m = _CONTROL.search(line)
        assert m is not None
        k = line[:m.start()].count(self.delimiter)
        column = (self.header[k] if k < len(self.header) else f"#{k + 1}") if self.header else None
        char = m.group()
        what = "byte NUL (\\x00)" if char == "\x00" else f"ký tự điều khiển / control character U+{ord(char):04X}"
        raise InputError(f"ô có {what} — tệp bị hỏng hoặc lưu sai bảng mã / a cell holds {what}: the file is "
                         f"damaged or saved in another encoding (UTF-16?)", file=self.file, row=self.line_no,
                         column=column,
                         fix="mở tệp, xóa ký tự lạ ở ô này rồi lưu lại dạng CSV UTF-8 / delete the invisible "
                             "character in that cell and save as 'CSV UTF-8'")


class _Columns:
    """Cells stored column by column; repeated texts of a column are kept once (up to
    ``_INTERN_LIMIT`` distinct texts per column, then that column stops remembering)."""

    def __init__(self) -> None:
        self.columns: list[list[str]] = []
        self.caches: list[dict[str, str] | None] = []
        self.n = 0

    def widen(self, width: int) -> None:
        while len(self.columns) < width:
            self.columns.append([""] * self.n)
            self.caches.append({})

    def add(self, rows: list[list[str]]) -> None:
        if not rows:
            return
        width = max(map(len, rows))
        self.widen(width)
        width = len(self.columns)
        padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
        for j, cells in enumerate(zip(*padded)):
            stripped = list(map(str.strip, cells))
            cache = self.caches[j]
            if cache is None:
                self.columns[j].extend(stripped)
                continue
            self.columns[j].extend(map(cache.setdefault, stripped, stripped))
            if len(cache) > _INTERN_LIMIT:
                self.caches[j] = None
        self.n += len(rows)


def _vi(n: int) -> str:
    """A whole number with Vietnamese thousands separators (``40.879``)."""
    return f"{n:,}".replace(",", ".")


def _column_name(header: list[str], j: int) -> str:
    return header[j] if j < len(header) and header[j] else f"#{j + 1}"


def _parse(stream: IO[str], file: str, encoding: str, require_header: bool) -> CsvTable:
    """Parse CSV text from ``stream`` (see the module docstring for what is refused)."""
    lines = _Lines(stream, file)
    first = lines.peek_first_content()
    hint = re.fullmatch(r'"?sep=(.)"?\s*', first)
    delimiter = hint.group(1) if hint else _sniff_delimiter(first)
    lines.delimiter = delimiter
    reader = csv.reader(lines.lines(), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 1
    store = _Columns()
    chunk: list[list[str]] = []
    row_numbers = array("q")
    lengths = array("l")
    suspect: tuple[int, int] | None = None  # (row, column) of a multi-line cell with an odd number of quotes
    prev = 0
    n_rows = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = prev + 1
            if "field larger than field limit" in str(exc):
                if lines.line_no > start and '"' in lines.buf[0]:
                    raise _unclosed_quote(file, start, lines.line_no, header, None) from None
                problem = (f"một ô dài quá {_vi(csv.field_size_limit())} ký tự / a cell is longer than "
                           f"{csv.field_size_limit():,} characters")
            else:
                problem = f"không đọc được dòng CSV / the CSV row cannot be read ({exc})"
            raise InputError(problem, file=file, row=start,
                             fix="đóng ngoặc kép hoặc rút ngắn ô / close the quote or shorten the cell") from None
        start, prev = prev + 1, reader.line_num
        if prev > start:  # a quoted cell spans lines
            suspect = _check_multiline(rec, lines.buf, start, prev, header, delimiter, file)
        elif suspect is not None:
            suspect = None
        lines.buf.clear()
        if not "".join(rec).strip():
            continue
        if header is None:
            if not rec[0].lstrip().startswith(("#", "sep=")):
                header, header_row = [_nfc(c) for c in rec], start
                lines.header = header
                if len(header) > MAX_COLUMNS:
                    raise InputError(f"tiêu đề có {len(header)} cột, quá giới hạn {MAX_COLUMNS} / the header has "
                                     f"{len(header)} columns, more than the limit of {MAX_COLUMNS}", file=file,
                                     row=start, fix="xóa các cột thừa / delete the extra columns")
                store.widen(len(header))
            continue
        n = len(rec)
        if n > MAX_COLUMNS:
            raise InputError(f"dòng có {n} ô, quá giới hạn {MAX_COLUMNS} / the row has {n} cells, more than the "
                             f"limit of {MAX_COLUMNS}", file=file, row=start,
                             fix="kiểm tra dấu phân cách / check the delimiter")
        longest = max(map(len, rec))
        if longest > MAX_CELL_CHARS:
            j = next(j for j, c in enumerate(rec) if len(c) == longest)
            if suspect is not None and suspect[0] == start:
                raise _unclosed_quote(file, start, prev, header, j)
            raise InputError(f"ô dài {_vi(longest)} ký tự, quá giới hạn {_vi(MAX_CELL_CHARS)} / the cell has "
                             f"{longest:,} characters, more than the limit of {MAX_CELL_CHARS:,}", file=file,
                             row=start, column=_column_name(header, j),
                             fix="rút ngắn ô (ghi chú chỉ mô tả số liệu) / shorten the cell")
        n_rows += 1
        if n_rows > MAX_ROWS:
            raise InputError(f"tệp có hơn {_vi(MAX_ROWS)} dòng số liệu / more than {MAX_ROWS:,} data rows", file=file,
                             row=start, fix="tách tệp theo năm hoặc theo đơn vị / split the file by year or by unit")
        chunk.append(rec)
        row_numbers.append(start)
        lengths.append(n)
        if len(chunk) >= _CHUNK:
            store.add(chunk)
            chunk = []
    store.add(chunk)
    if suspect is not None:
        raise _unclosed_quote(file, suspect[0], prev, header, suspect[1])
    if header is None and require_header:
        raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
    return CsvTable(file, encoding, delimiter, header or [], header_row, store.columns, row_numbers, lengths)


def _unclosed_quote(file: str, row: int, end: int, header: list[str] | None, j: int | None) -> InputError:
    return InputError(f"dấu ngoặc kép (\") mở ở dòng {row} không được đóng: {end - row} dòng sau đó bị đọc thành "
                      f"một ô / a quote (\") opened on row {row} is never closed: the {end - row} line(s) after it "
                      f"would be read as one cell and lost as rows", file=file, row=row,
                      column=None if j is None else _column_name(header or [], j),
                      fix="đóng hoặc xóa dấu ngoặc kép ở ô đó / close or delete the quote in that cell")


def _check_multiline(rec: list[str], raw: list[str], start: int, end: int, header: list[str] | None,
                     delimiter: str, file: str) -> tuple[int, int] | None:
    """A record read from several lines (a quoted cell holds line breaks): an error when the lines inside
    the cell look like data rows (a stray quote swallowed them); ``(row, column)`` when the quotes do not
    pair up (a quote never closed, if this is the last record)."""
    j = next((j for j, c in enumerate(rec) if "\n" in c or "\r" in c), 0)
    if "".join(raw).count('"') % 2:
        return start, j
    need = max(2, (len(header) if header else len(rec)) - 1)
    cell = rec[j] if j < len(rec) else ""
    inner = cell.splitlines()[1:]
    rowlike = [ln for ln in inner if ln.count(delimiter) >= need]
    if rowlike:
        raise InputError(f"dấu ngoặc kép (\") mở ở dòng {start} chỉ đóng ở dòng {end}: {len(rowlike)} dòng số liệu ở "
                         f"giữa bị đọc thành một ô / a quote (\") opened on row {start} closes only on row {end}: "
                         f"{len(rowlike)} data row(s) in between would be read as one cell (the row count would not "
                         f"match the file's lines)", file=file, row=start, column=_column_name(header or [], j),
                         fix="xóa dấu ngoặc kép thừa ở ô đó, hoặc đặt cả ô trong ngoặc kép / delete the stray quote "
                             "in that cell, or quote the whole cell")
    return None


def read_csv_table(path: str | Path, *, require_header: bool = True) -> CsvTable:
    """Read a CSV/TSV file as text cells (see the module docstring).

    Raises
    ------
    InputError
        Empty file, undecodable text (with how to re-save it), no header line, a quote never closed,
        control characters, a file, row or cell over the limits (:mod:`ctxh_plan.io.limits`).
    """
    p = Path(path)
    file = str(p)
    check_input_size(p)
    with open(p, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if len(head) < _HEAD_BYTES and not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError("tệp rỗng / empty file", file=file, fix="điền số liệu / fill in the data")
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(head) or "utf-8"
    try:
        with open(p, "rb") as raw, io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="") as stream:
            return _parse(stream, file, encoding, require_header)
    except UnicodeDecodeError:
        pass
    # not UTF-8 (or damaged): decide on the whole file (legacy Windows-1258 when that can be told for sure)
    text, encoding = decode_bytes(p.read_bytes(), file)
    return _parse(io.StringIO(unicodedata.normalize("NFC", text), newline=""), file, encoding, require_header)
