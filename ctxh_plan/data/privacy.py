"""Refuse person-level (case) data: the toolkit takes aggregates only.

Two screens, used by every reader before anything is kept, and again on every note that reaches a
published document:

* **headers**: a column that names people, dates of birth, personal ID numbers, phone numbers,
  addresses or free-text case descriptions is refused. Headers are compared after folding
  (:func:`fold_header`: lower case, no diacritics, ``đ`` → ``d``, letters of other scripts that look
  like Latin ones — Cyrillic ``о``, Greek ``Η``, full-width ``Ｈ`` — read as those, invisible
  characters dropped), written apart or run together (``Họ và tên``, ``HO VA TEN``, ``hovaten``,
  ``HoTen``, ``so_cccd``).
* **cells** (:func:`find_personal_data`): every free-text cell (``note``, ``source``, ``flag``, codes,
  any extra column) is searched for

  - ID numbers: a run of 9–12 digits (CMND 9, CCCD 12, or an 11/10-digit CCCD that lost its leading
    0 in Excel), groups that start with ``0`` or ``+84`` written with spaces, dots or dashes
    (``0223 0900 1234``, ``022-309-001-234``, ``0912.345.678``), any digits after a prefix
    (``CCCD:``, ``số định danh``, ``CMND số``, ``SĐT``, ``ĐT``, ``phone``), and Excel's scientific
    form of such a number (``2,23091E+11``);
  - phone numbers (the same digit rules: Vietnamese numbers have 10 or 11 digits);
  - names: a common Vietnamese family name followed by two or more capitalised words
    (``Nguyễn Văn Bình``, ``TRẦN THỊ B``, ``Nguyen Minh Anh``), a capitalised word + ``Văn``/``Thị``
    + a capitalised word, or a word that announces a person (``cháu``, ``em``, ``học sinh``,
    ``nạn nhân``, ``họ tên``…) followed by a capitalised word — except after a place or school word
    (``phường Trần Hưng Đạo``, ``trường THCS Lê Lợi``);
  - dates of birth (``sinh ngày 12/03/2015``, ``ngày sinh: 12-03-2015``, ``DOB 2015-03-12``).

  Figure columns (value, numerator, denominator, years) are searched for names, prefixed numbers and
  dates of birth only: a 12-digit budget in VND is a figure. Numbers stored as Excel numbers in a
  free-text column are IDs when they have 9–12 digits.

A table is refused with :class:`~ctxh_plan.errors.PersonLevelDataError` naming the file, sheet, row
and column; the message shows the cell with the personal part hidden (never the value itself).
:func:`redact_personal_data` hides the same things in text about to be published.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ctxh_plan.errors import PersonLevelDataError

__all__ = [
    "FIGURE_COLUMNS",
    "REDACTED",
    "PersonScreen",
    "PersonalHit",
    "check_person_level",
    "check_person_level_columns",
    "find_personal_data",
    "fold_header",
    "fold_text",
    "person_level_reason",
    "person_level_reason_columns",
    "redact_personal_data",
]

#: text shown instead of personal data in published notes and in error messages
REDACTED = "[đã ẩn / hidden]"

# Column names are compared after folding (lower case, accents removed, đ → d,
# punctuation → space). Each entry: (folded pattern, what it is, exact match only).
_NAME = ("ho ten", "ho va ten", "ho ten tre", "ten tre", "ten tre em", "ten nguoi", "name", "full name",
         "fullname", "child name", "first name", "last name", "surname", "ten hoc sinh", "student name",
         "ho ten hoc sinh", "ho ten nan nhan", "ten nan nhan", "victim name", "ho ten doi tuong", "given name")
_DOB = ("ngay sinh", "ngay thang nam sinh", "nam sinh", "dob", "date of birth", "birth date", "birthdate",
        "sinh ngay", "ngay sinh cua tre")
_ID = ("cccd", "cmnd", "cmt", "so dinh danh", "ma dinh danh", "dinh danh ca nhan", "can cuoc", "can cuoc cong dan",
       "chung minh nhan dan", "chung minh thu", "national id", "id number", "id card", "passport", "ho chieu",
       "so bhxh", "ma so bhxh", "so the bhyt", "ma the bhyt", "ssn", "ma so dinh danh")
_PHONE = ("so dien thoai", "dien thoai", "sdt", "so dt", "dt lien he", "phone", "phone number", "mobile",
          "telephone", "tel", "so di dong", "di dong", "zalo", "email", "e mail")
_TEXT = ("mo ta", "mo ta vu viec", "dien bien", "dien bien vu viec", "tom tat vu viec", "noi dung vu viec",
         "chi tiet vu viec", "tinh tiet", "case description", "description", "narrative", "case notes",
         "dia chi", "noi o", "address", "ho ten cha", "ho ten me", "phu huynh", "parent name", "cho o",
         "que quan", "noi cu tru", "thuong tru", "tam tru")

#: patterns that only match a whole header ("indicator name", "unit name" are fine)
_EXACT_ONLY = {"name", "description", "ten nguoi", "tel", "mobile", "phone", "di dong", "dien thoai", "cmt",
               "ssn", "mo ta", "dob", "nam sinh", "given name"}
_KINDS = (
    (_NAME, "họ tên / names"),
    (_DOB, "ngày sinh / dates of birth"),
    (_ID, "số định danh (CCCD/CMND) / personal ID numbers"),
    (_PHONE, "số điện thoại, liên lạc cá nhân / phone numbers or personal contacts"),
    (_TEXT, "mô tả vụ việc, địa chỉ / case descriptions or addresses"),
)
#: headers of aggregate tables that contain a person-level word but are not person-level
_AGGREGATE_HEADERS = {"ten chi tieu", "chi tieu", "indicator", "indicator name", "ten don vi", "unit name",
                      "name vi", "name en", "unit name vi", "ten tinh", "ten huyen", "ten xa", "ten mo hinh",
                      "model name", "ten co quan", "agency name", "ten chuong trinh", "programme name"}
#: columns whose values are figures: searched for names, prefixed numbers and dates of birth only
FIGURE_COLUMNS = frozenset({"value", "numerator", "denominator", "year", "target_year", "base_year", "value_hi"})
#: columns that hold free notes about aggregates: not subject to the long-text rule
_NOTE_COLUMNS = {"note", "source", "flag", "verification"}
#: a cell of a figure column made only of digits, separators and signs: no name or prefix can hide in it
_PLAIN_FIGURE = re.compile(r"[\d\s.,%+\-~<>≈()]*")

_WHAT = {
    "id": "số định danh (CCCD/CMND) / personal ID numbers",
    "phone": "số điện thoại / phone numbers",
    "name": "họ tên / names",
    "dob": "ngày sinh / dates of birth",
}

# --------------------------------------------------------------------------- folding

#: letters of other scripts that look like Latin letters (as they appear in copied or spoofed headers)
_CONFUSABLES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
    "ԛ": "q", "ԝ": "w", "ѵ": "v",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Һ": "H", "Ӏ": "I",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin look-alikes of đ/Đ and dotless i
    "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d", "ı": "i",
})


def fold_text(text: object) -> str:
    """Lower-case, accent-free, single-spaced form of a header (for matching only)."""
    s = text if type(text) is str else str(text)
    return _fold_short(s) if len(s) <= _FOLD_REMEMBERED else _fold(s)


#: strings up to this length are remembered by :func:`_fold_short` (words, headers, short cells; a long free-text
#: cell is folded each time, so the memory held stays small: at most 16,384 × 256 characters)
_FOLD_REMEMBERED = 256


@functools.lru_cache(maxsize=16384)
def _fold_short(text: str) -> str:
    """:func:`_fold`, remembered: the same words and headers are folded again and again (every word of every
    free-text cell is folded when screening for names)."""
    return _fold(text)


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()


def fold_header(text: object) -> str:
    """:func:`fold_text` after reading compatibility forms (full-width letters), letters of other scripts
    that look like Latin letters, and dropping invisible characters (zero-width spaces, soft hyphens).
    A lower-to-upper case change inside a word starts a new word (``HoVaTen`` → ``ho va ten``)."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_CONFUSABLES)
    s = "".join(c for c in s if unicodedata.category(c) != "Cf")
    s = re.sub(r"(?<=[a-zà-ỹđ])(?=[A-ZÀ-ỸĐ])", " ", s)
    return fold_text(s)


def _compact(folded: str) -> str:
    return folded.replace(" ", "")


_PATTERNS: list[tuple[str, str, bool]] = [(p, what, p in _EXACT_ONLY) for patterns, what in _KINDS
                                          for p in patterns]
_COMPACT_PATTERNS = [(_compact(p), what, exact) for p, what, exact in _PATTERNS]


def _column_kind(name: object) -> str | None:
    folded = fold_header(name)
    if not folded or folded in _AGGREGATE_HEADERS:
        return None
    for p, what, exact in _PATTERNS:
        if folded == p or (not exact and (folded.startswith(p + " ") or f" {p} " in f" {folded} ")):
            return what
    compact = _compact(folded)
    if compact in {_compact(h) for h in _AGGREGATE_HEADERS}:
        return None
    for p, what, exact in _COMPACT_PATTERNS:  # written run together: "hovaten", "SoCCCD", "ngaysinh"
        if compact == p or (not exact and len(p) >= 5 and p in compact):
            return what
    return None


# --------------------------------------------------------------------------- cells

@dataclass(frozen=True)
class PersonalHit:
    """Personal data found in a text: ``kind`` (``id``, ``phone``, ``name``, ``dob``) and where."""

    kind: str
    start: int
    end: int

    @property
    def what(self) -> str:
        return _WHAT[self.kind]


_DIGIT_SEP = r"[ \u00a0.\-/]"
#: numbers after a prefix that announces an ID or a phone
_PREFIX_RE = re.compile(
    r"(?<![^\W\d_])(?P<prefix>cccd|cmnd|cmt|căn\s*cước(?:\s*công\s*dân)?|can\s*cuoc|chứng\s*minh(?:\s*nhân\s*dân|\s*thư)?"
    r"|(?:số|mã|so|ma)?\s*định\s*danh|(?:so|ma)?\s*dinh\s*danh|id(?:\s*(?:number|no|card))?|passport|hộ\s*chiếu"
    r"|ho\s*chieu|bhxh|bhyt|sđt|sdt|đt|dt|điện\s*thoại|dien\s*thoai|di\s*động|di\s*dong|phone|tel|mobile|zalo)"
    r"(?![^\W\d_])[\s:.#№=\-]*(?:(?:số|so|no|number)\.?[\s:.#=\-]*)?(?P<num>\+?\d(?:" + _DIGIT_SEP + r"?\d){7,13})",
    re.IGNORECASE)
_PHONE_PREFIXES = {"sdt", "dt", "dien thoai", "di dong", "phone", "tel", "mobile", "zalo"}
#: 9–12 digits in a row (not part of a longer number or of a number with separators)
_RUN_RE = re.compile(r"(?<![\d.,])\d{9,12}(?![\d]|[.,]\d)")
#: groups of digits starting with 0 or +84 written with spaces, dots or dashes: 0223 0900 1234, +84 912 345 678
_GROUPED_RE = re.compile(r"(?<![\d.,])(?:\+84[ .\-]?|0)\d{1,4}(?:[ \u00a0.\-]\d{2,4}){1,4}(?![\d]|[.,]\d)")
#: an ID stored as a number and written by Excel in scientific form: 2,23091E+11
_SCI_RE = re.compile(r"(?<![\d.,])\d[.,]\d+\s*[eE]\+?0?(?:8|9|10|11)(?!\d)")
#: a money or unit word after a number: a 12-digit budget in đồng is a figure, not an ID
_MONEY_AFTER = re.compile(r"\s*(?:đồng|dong|đ\b|vnđ|vnd|usd|\$|triệu|trieu|tỷ|ty\b|nghìn|ngàn|lượt|người|trẻ)",
                          re.IGNORECASE)
_DATE = r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}"
_DOB_RE = re.compile(r"(?<![^\W\d_])(?:sinh(?:\s*ngày|\s*ngay)?|ngày\s*sinh|ngay\s*sinh|d\.?o\.?b\.?|born(?:\s*on)?"
                     r"|date\s*of\s*birth)[\s:,]*(?P<date>" + _DATE + ")", re.IGNORECASE)

def _word_set(words: str, key: Any = None) -> frozenset[str]:
    """The words of a space-separated list, folded (``key``, default :func:`fold_text`)."""
    return frozenset(map(key or fold_text, words.split()))


_SURNAMES_TEXT = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh Trương Đinh Lâm "
    "Phùng Mai Tô Hà Tạ Lưu Chu Cao Lương Kiều Thái Triệu Hứa Quách Âu Từ Châu Giang Mạc Nông Lò Lục Đàm Sầm "
    "Bàn Chíu Lỷ Tăng Khổng Thân Tôn Ninh Vi Hầu Kim Doãn Quan Mã Viên Diệp Ông Nghiêm Phí Lại Khúc Bạch Cù Đồng "
    "Tống Thạch Lã Giáp Ma Sùng Vàng Thào Giàng Lầu")
_SURNAMES = _word_set(_SURNAMES_TEXT)
#: words after which capitalised words are a place, a school or an organisation, not a person
_PLACE_WORDS = _word_set(
    "đường phố phường xã huyện quận tỉnh thôn bản khu tổ ấp xóm trường THCS THPT TH MN mầm tiểu học cầu chợ "
    "bệnh viện trạm đảo đặc khu thị trấn thành TP Tp tp. số nhà ngõ ngách hẻm làng đội phòng sở ban hội đoàn "
    "UBND HĐND viện trung tâm công ty quỹ đền chùa nhà văn hóa tượng lăng quảng trường đại lộ")
#: capitalised words that end a name (organisations, places, documents …) — never part of a person's name
#: (family names are taken out of this list: "Đoàn", "Hà", "Mã" are names too)
_NOT_NAME_WORDS = frozenset(w for w in _word_set(
    "UBND HĐND Sở Phòng Ban Hội Trường Trung Tâm Bệnh Viện Xã Phường Huyện Quận Tỉnh Trấn Phố Quảng "
    "Nội Kế Hoạch Báo Cáo Quyết Định Nghị Chương Trình Bộ Cục Công Tòa Kiểm Sát Hóa Hoá Thể Thao Giáo Dục "
    "Tạo Động Tế Tháng Năm Quý Ghi Chú Nguồn Số Liệu Mẫu Biểu Phụ Lục Tổng Cộng Trẻ Em Niên Nữ Hiệp Đội Tổ Quốc "
    "Mặt Trận Liên Đảng Ủy Khu Bản Thôn THCS THPT TH MN PTDTBT PTDTNT GDTX LĐTBXH BVCSTE TNTT XHTD HCĐB CTV TE "
    "MTTQ LHPN ĐTN BCH CSGT CA VKS TAND TTYT", str.casefold) if fold_text(w) not in _SURNAMES)

#: words that announce a person; a capitalised word right after one is a name ("cháu Bình", "em Lan")
_CUES = re.compile(
    r"(?<![^\W\d_])(?:cháu|chau|(?<!trẻ )(?<!tre )(?<!các )(?<!cac )em|bé|học\s*sinh|hoc\s*sinh|nạn\s*nhân|nan\s*nhan"
    r"|bị\s*hại|bi\s*hai|đối\s*tượng|doi\s*tuong|họ\s*(?:và\s*)?tên|ho\s*(?:va\s*)?ten|tên\s*là|ten\s*la|child"
    r"|victim|student|named)(?![^\W\d_])[\s:.,\-]*",
    re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")


#: the family names as written (with their diacritics), lower case
_SURNAMES_WRITTEN = frozenset(w.casefold() for w in _SURNAMES_TEXT.split())


def _is_surname(lower: str, folded: str) -> bool:
    """A family name: written with its own diacritics ("TỬ" in "TỬ VONG" is not "Từ"), or without any
    ("Nguyen", "TU")."""
    return lower in _SURNAMES_WRITTEN if lower != folded else folded in _SURNAMES


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _names(text: str) -> Iterable[tuple[int, int]]:
    """Spans of person names (see the module docstring)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    folded = [fold_text(w) for _, _, w in words]
    lower = [w.casefold() for _, _, w in words]

    def adjacent(i: int) -> bool:  # words i and i+1 are separated by spaces only
        return i + 1 < len(words) and not text[words[i][1]:words[i + 1][0]].strip()

    def capitalised_run(i: int) -> int:
        """Index after the run of capitalised name words starting at i (at most 4 words)."""
        j = i
        while j < len(words) and j - i < 4 and _is_cap(words[j][2]) and lower[j] not in _NOT_NAME_WORDS:
            if j > i and not adjacent(j - 1):
                break
            j += 1
        return j

    def after_place(i: int) -> bool:
        return i > 0 and folded[i - 1] in _PLACE_WORDS and adjacent(i - 1)

    # in a text written all in capitals (a heading: "TRUYỀN THÔNG, NÂNG CAO NHẬN THỨC") every word is
    # capitalised, so a family name alone ("CAO") proves nothing: only the middle names Văn/Thị count there
    shouting = all(w.isupper() for _, _, w in words if len(w) > 1) and len(words) > 1
    for i, (start, _end, word) in enumerate(words):
        if not _is_cap(word) or after_place(i):
            continue
        j = capitalised_run(i)
        n = j - i
        if n >= 3 and ((_is_surname(lower[i], folded[i]) and not shouting) or folded[i + 1] in ("van", "thi")):
            yield start, words[j - 1][1]
    for m in _CUES.finditer(text):
        k = next((i for i, (s, _, _) in enumerate(words) if s >= m.end()), None)
        if k is None or words[k][0] != m.end() or not _is_cap(words[k][2]) or lower[k] in _NOT_NAME_WORDS:
            continue
        j = capitalised_run(k)
        # a capitalised cue opens a sentence or a title ("Em Bình Liêu" is rare, "Bé Ngoan" a programme):
        # then the name needs two words
        if j - k >= (2 if m.group()[:1].isupper() else 1):
            yield m.start(), words[j - 1][1]


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def find_personal_data(text: Any, *, figures: bool = False) -> list[PersonalHit]:
    """Every piece of personal data in ``text`` (empty list when there is none).

    Parameters
    ----------
    text : str (other values are read as their text)
    figures : bool
        The text is a cell of a figure column (value, numerator, …): bare digit runs are figures
        there, so only names, prefixed numbers and dates of birth count.
    """
    if text is None:
        return []
    s = str(text)
    if not s or (s.isascii() and s.isdigit() and len(s) < 9):
        return []
    has_digit = any(c.isdigit() for c in s)
    hits: list[PersonalHit] = []
    if has_digit:
        for m in _PREFIX_RE.finditer(s):
            num = m.group("num")
            if fold_text(m.group("prefix")) in _PHONE_PREFIXES:
                if re.match(r"\+?(?:84|0)", num) and _digits(num) >= 9:
                    hits.append(PersonalHit("phone", m.start("num"), m.end("num")))
            elif _digits(num) >= 8:
                hits.append(PersonalHit("id", m.start("num"), m.end("num")))
        for m in _DOB_RE.finditer(s):
            hits.append(PersonalHit("dob", m.start("date"), m.end("date")))
        if not figures:
            for rx in (_RUN_RE, _GROUPED_RE, _SCI_RE):
                for m in rx.finditer(s):
                    n = _digits(m.group())
                    if rx is _GROUPED_RE and not 9 <= n <= 12:
                        continue
                    if rx is _RUN_RE and _MONEY_AFTER.match(s, m.end()):
                        continue
                    kind = "phone" if (n in (10, 11) and re.match(r"\+?(?:84|0)[35789]", m.group())) else "id"
                    hits.append(PersonalHit(kind, m.start(), m.end()))
    if any(c.isupper() for c in s):
        hits.extend(PersonalHit("name", a, b) for a, b in _names(s))
    hits.sort(key=lambda h: (h.start, -h.end))
    out: list[PersonalHit] = []
    for h in hits:  # drop hits inside an earlier one
        if out and h.start < out[-1].end:
            if h.end > out[-1].end:
                out[-1] = PersonalHit(out[-1].kind, out[-1].start, h.end)
            continue
        out.append(h)
    return out


def _number_is_id(value: Any) -> bool:
    """A number cell (Excel) of a free-text column that is an ID or a phone number stored as a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        if isinstance(value, float) and not value.is_integer():
            return False
        n = abs(int(value))
    except (OverflowError, ValueError):
        return False
    return 10 ** 8 <= n < 10 ** 12


def redact_personal_data(text: Any, mark: str = REDACTED) -> str:
    """``text`` with every piece of personal data replaced by ``mark`` (used on notes before they are
    published, and on values quoted in error messages)."""
    s = "" if text is None else str(text)
    hits = find_personal_data(s)
    for h in reversed(hits):
        s = s[:h.start] + mark + s[h.end:]
    return s


# --------------------------------------------------------------------------- tables

def _cell_reason(value: Any, figures: bool) -> PersonalHit | None:
    if value is None:
        return None
    if isinstance(value, str):
        hits = find_personal_data(value, figures=figures)
        return hits[0] if hits else None
    if not figures and _number_is_id(value):
        return PersonalHit("id", 0, len(str(value)))
    return None


def person_level_reason_columns(columns: Sequence[object], cells: Sequence[Sequence[object]],
                                *, skip_columns: Iterable[int] = ()) -> tuple[int, str, int | None, object] | None:
    """Find the first sign of person-level data in a table given column by column.

    Parameters
    ----------
    columns : header cells, in order.
    cells : one sequence of cells per column (aligned with ``columns``; shorter sequences are fine).
    skip_columns : positions holding figures (year columns of a wide sheet): treated as figure columns.

    Returns
    -------
    (column position, what, data-row index or None, value shown in messages) or None
        The data-row index is 0-based; the value has its personal part hidden.
    """
    for i, col in enumerate(columns):
        what = _column_kind(col)
        if what:
            return i, what, None, col
    skip = set(skip_columns)
    found: tuple[int, int, PersonalHit, object] | None = None  # (row, column, hit, value)
    for i, col in enumerate(columns):
        if i >= len(cells):
            break
        figures = i in skip or str(col).strip() in FIGURE_COLUMNS
        column = cells[i]
        try:
            distinct: Iterable[Any] = dict.fromkeys(column)
        except TypeError:  # unhashable cells: look at each
            distinct = column
        for v in distinct:
            if v is None or v == "" or (figures and isinstance(v, str) and _PLAIN_FIGURE.fullmatch(v)):
                continue
            hit = _cell_reason(v, figures)
            if hit is not None:
                r = list(column).index(v)
                if found is None or r < found[0]:
                    found = (r, i, hit, v)
                break
    if found is not None:
        r, i, hit, v = found
        shown = redact_personal_data(v) if isinstance(v, str) else REDACTED
        if isinstance(v, str) and shown == v:
            shown = REDACTED
        return i, hit.what, r, shown[:80]
    for i, col in enumerate(columns):  # long free text in a column that is not a note column
        name = str(col).strip()
        if (i in skip or i >= len(cells) or name in _NOTE_COLUMNS or name in FIGURE_COLUMNS
                or fold_header(col) in _AGGREGATE_HEADERS):
            continue
        texts = [v for v in cells[i] if isinstance(v, str)]
        filled = len(texts) - texts.count("")
        if filled and sum(map(len, texts)) / filled > 150:
            return i, "mô tả vụ việc dạng văn bản dài / long free-text case descriptions", None, columns[i]
    return None


def person_level_reason(columns: Sequence[object], rows: Iterable[Sequence[object]] = (),
                        *, skip_columns: Iterable[int] = ()) -> tuple[int, str, int | None, object] | None:
    """:func:`person_level_reason_columns` for a table given row by row."""
    rows = list(rows)
    n = len(columns)
    cells = [[row[i] if i < len(row) else None for row in rows] for i in range(n)]
    return person_level_reason_columns(columns, cells, skip_columns=skip_columns)


def _raise(found: tuple[int, str, int | None, object], columns: Sequence[object], *, file: str | None,
           sheet: str | None, header_row: int | None, row_numbers: Sequence[int] | None) -> None:
    i, what, r, value = found
    row = header_row if r is None else (row_numbers[r] if row_numbers is not None else None)
    in_cell = r is not None
    raise PersonLevelDataError(
        f"dữ liệu cá nhân ({what}{' trong ô / in a cell' if in_cell else ''}) — công cụ chỉ nhận số liệu tổng hợp / "
        f"person-level data; the toolkit takes aggregates only",
        fix=("xóa thông tin cá nhân khỏi ô này (ghi chú chỉ mô tả số liệu, không nêu tên, số định danh, số điện "
             "thoại của người nào) / remove the personal data from this cell: notes describe figures, never people"
             if in_cell else
             "xóa cột này và chỉ gửi số liệu tổng hợp theo đơn vị, chỉ tiêu, năm / "
             "remove the column and send totals per unit, indicator and year"),
        file=file, sheet=sheet, row=row, column=str(columns[i]), value=value if in_cell else None)


def check_person_level(columns: Sequence[object], rows: Sequence[Sequence[object]] = (), *,
                       file: str | None = None, sheet: str | None = None, header_row: int | None = 1,
                       row_numbers: Sequence[int] | None = None, skip_columns: Iterable[int] = ()) -> None:
    """Raise :class:`PersonLevelDataError` when the table (row by row) looks like person-level data.

    Parameters
    ----------
    columns, rows, skip_columns : as in :func:`person_level_reason`.
    file, sheet : where the table comes from (for the message).
    header_row : 1-based row number of the header line.
    row_numbers : 1-based row numbers of ``rows`` (for the message).
    """
    found = person_level_reason(columns, list(rows), skip_columns=skip_columns)
    if found is not None:
        _raise(found, columns, file=file, sheet=sheet, header_row=header_row, row_numbers=row_numbers)


def check_person_level_columns(columns: Sequence[object], cells: Sequence[Sequence[object]], *,
                               file: str | None = None, sheet: str | None = None, header_row: int | None = 1,
                               row_numbers: Sequence[int] | None = None, skip_columns: Iterable[int] = ()) -> None:
    """:func:`check_person_level` for a table given column by column (the CSV reader's layout)."""
    found = person_level_reason_columns(columns, cells, skip_columns=skip_columns)
    if found is not None:
        _raise(found, columns, file=file, sheet=sheet, header_row=header_row, row_numbers=row_numbers)


class PersonScreen:
    """The screen of :func:`check_person_level` for a table read row by row (the Excel reader streams
    big sheets): the header is checked at once, each row as it comes, the long-text rule at
    :meth:`finish`. Raises :class:`PersonLevelDataError` like :func:`check_person_level`.

    Parameters
    ----------
    columns : header cells, in order.
    skip_columns : positions holding figures (year columns of a wide sheet).
    file, sheet, header_row : where the table comes from (for the message).
    """

    #: distinct values remembered per column (already screened)
    MEMORY = 50_000

    def __init__(self, columns: Sequence[object], *, skip_columns: Iterable[int] = (), file: str | None = None,
                 sheet: str | None = None, header_row: int | None = 1) -> None:
        self.columns = list(columns)
        self.file, self.sheet, self.header_row = file, sheet, header_row
        for i, col in enumerate(self.columns):
            what = _column_kind(col)
            if what:
                _raise((i, what, None, col), self.columns, row_numbers=None, file=file, sheet=sheet,
                       header_row=header_row)
        skip = set(skip_columns)
        self.figures = [i in skip or str(c).strip() in FIGURE_COLUMNS for i, c in enumerate(self.columns)]
        self.long_rule = [not (self.figures[i] or str(c).strip() in _NOTE_COLUMNS
                               or fold_header(c) in _AGGREGATE_HEADERS) for i, c in enumerate(self.columns)]
        self.seen: list[set[object]] = [set() for _ in self.columns]
        self.chars = [0] * len(self.columns)
        self.filled = [0] * len(self.columns)

    def row(self, cells: Sequence[object], row_number: int) -> None:
        """Screen one data row (cells aligned with the columns; extra cells are ignored)."""
        for i, v in enumerate(cells[:len(self.columns)]):
            if v is None or v == "":
                continue
            figures = self.figures[i]
            if isinstance(v, str):
                if self.long_rule[i]:
                    self.chars[i] += len(v)
                    self.filled[i] += 1
                if figures and _PLAIN_FIGURE.fullmatch(v):
                    continue
            elif figures:
                continue
            seen = self.seen[i]
            if v in seen:
                continue
            hit = _cell_reason(v, figures)
            if hit is not None:
                shown = redact_personal_data(v) if isinstance(v, str) else REDACTED
                shown = REDACTED if shown == v else shown
                _raise((i, hit.what, 0, shown[:80]), self.columns, row_numbers=[row_number], file=self.file,
                       sheet=self.sheet, header_row=self.header_row)
            if len(seen) >= self.MEMORY:
                seen.clear()
            seen.add(v)

    def finish(self) -> None:
        """The long-text rule, once every row was screened."""
        for i, col in enumerate(self.columns):
            if self.long_rule[i] and self.filled[i] and self.chars[i] / self.filled[i] > 150:
                _raise((i, "mô tả vụ việc dạng văn bản dài / long free-text case descriptions", None, col),
                       self.columns, row_numbers=None, file=self.file, sheet=self.sheet, header_row=self.header_row)
