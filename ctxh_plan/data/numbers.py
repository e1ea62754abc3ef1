"""Parse and format numbers written the Vietnamese or the English way.

Vietnamese documents write ``.`` for thousands and ``,`` for decimals:
``49.980`` is forty-nine thousand nine hundred and eighty, ``17.316,469`` is
17316.469, ``12,5%`` is 12.5 percent. A reader that ignores this silently turns
49.980 into 49.98; this module never does.

Ambiguity rule
--------------
Only one kind of text is ambiguous: a *single* separator followed by *exactly
three* digits, with a first group that is not ``0`` (``1.234``, ``1,234``).

* ``style="vi"``: ``.`` is thousands, ``,`` is decimal → ``1.234`` = 1234, ``1,234`` = 1.234.
* ``style="en"``: ``,`` is thousands, ``.`` is decimal → ``1,234`` = 1234, ``1.234`` = 1.234.
* ``style="auto"``: Vietnamese first → ``1.234`` = 1234 and ``1,234`` = 1.234, and the
  result is marked ``ambiguous=True`` so a caller can warn. Use
  :func:`detect_number_style` on all the cells of a file to decide the style once
  and apply it to every cell (a file that also holds ``17.316,469`` or ``12,5`` is
  Vietnamese; one that holds ``1,234.5`` or ``12.5`` is English).

Everything else is decided by the text itself, whatever the style: both
separators → the last one is the decimal mark (``1.234,5`` / ``1,234.5``); a
repeated separator is a thousands separator (``1.234.567``); a separator followed
by other than three digits, or after a leading ``0``, is a decimal mark
(``12,5``, ``0.500``). Spaces may group thousands (``49 980``).

Approximate wording (``trên``, ``hơn``, ``gần``, ``khoảng``, ``xấp xỉ``, ``~``,
``about``…) keeps the number and sets ``approximate``. ``-``, ``—``, ``x``, ``..``
and the empty string mean "no figure" (``value is None``).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ctxh_plan.errors import InputError

__all__ = [
    "APPROXIMATE_WORDS",
    "MISSING_TOKENS",
    "NumberStyle",
    "ParsedNumber",
    "detect_number_style",
    "format_number",
    "parse_number",
    "round_half_up",
]

NumberStyle = Literal["auto", "vi", "en"]

#: texts that mean "no figure" (compared after strip + lower case)
MISSING_TOKENS = frozenset({"", "-", "--", "—", "–", "x", "..", "...", "…", "n/a", "na", "nan", "none", "null"})

#: leading words/signs meaning the figure is approximate (longest first when matching)
APPROXIMATE_WORDS = (
    "khoảng chừng", "xấp xỉ", "khoảng", "khoang", "gần", "gan", "trên", "tren", "hơn", "hon",
    "dưới", "duoi", "chừng", "ước", "approximately", "approx.", "approx", "about", "around",
    "nearly", "almost", "over", "more than", "less than", "under", "~", "≈", ">", "<",
)
_APPROX_RE = re.compile(
    r"^(?:" + "|".join(re.escape(w) for w in sorted(APPROXIMATE_WORDS, key=len, reverse=True)) + r")\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_BODY = re.compile(r"^[0-9.,]+$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class ParsedNumber:
    """The result of :func:`parse_number`.

    Attributes
    ----------
    value : float or None
        The number (percent as 0–100, as written); ``None`` when the text means
        "no figure" or could not be read (then ``problem`` says why).
    approximate : bool
        The text said "trên / hơn / gần / khoảng / ~ …".
    percent : bool
        The text ended with ``%``.
    ambiguous : bool
        ``style="auto"`` had to choose between thousands and decimal (``1.234``).
    text : str
        The text as given.
    problem : str or None
        Why the text is not a number (only with ``errors="return"``).
    """

    value: float | None
    approximate: bool = False
    percent: bool = False
    ambiguous: bool = False
    text: str = ""
    problem: str | None = None

    @property
    def missing(self) -> bool:
        """True when the text means "no figure" (and is not an error)."""
        return self.value is None and self.problem is None


def _fail(text: str, problem: str, errors: str) -> ParsedNumber:
    if errors == "raise":
        raise InputError(problem, value=text,
                         fix="write a number such as 49.980 or 12,5 (Vietnamese) or 49980 / 12.5")
    return ParsedNumber(None, text=text, problem=problem)


def _grouped(groups: list[str]) -> bool:
    """Whether ``groups`` (split on a thousands separator) is a valid grouping."""
    return 1 <= len(groups[0]) <= 3 and groups[0] != "" and all(len(g) == 3 for g in groups[1:])


def _parse_body(body: str, style: str) -> tuple[float, bool] | str:
    """Turn digits and separators into a float; returns (value, ambiguous) or a problem text."""
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        dec = "," if body.rfind(",") > body.rfind(".") else "."
        thou = "." if dec == "," else ","
        intpart, _, frac = body.rpartition(dec)
        if dec in intpart or not frac or not _grouped(intpart.split(thou)):
            return "separators do not form a number (thousands groups of 3, one decimal mark)"
        return float(intpart.replace(thou, "") + "." + frac), False
    if not has_dot and not has_comma:
        return float(body), False
    sep = "." if has_dot else ","
    parts = body.split(sep)
    if any(p == "" for p in parts):
        return "a separator without digits on both sides"
    if len(parts) > 2:  # repeated separator: thousands
        if not _grouped(parts):
            return "thousands groups must have 3 digits"
        return float("".join(parts)), False
    head, tail = parts
    if len(tail) != 3 or head == "0" or len(head) > 3:
        return float(head + "." + tail), False  # cannot be a thousands group: decimal mark
    thousands = {"vi": sep == ".", "en": sep == ","}.get(style, sep == ".")
    value = float(head + tail) if thousands else float(head + "." + tail)
    return value, style == "auto"


def parse_number(text: object, *, style: NumberStyle = "auto", errors: str = "raise") -> ParsedNumber:
    """Read a number written the Vietnamese or English way.

    Parameters
    ----------
    text : str, int, float or None
        Cell content. ints and floats are taken as they are (Excel numeric cells);
        ``None``/NaN is missing.
    style : {"auto", "vi", "en"}
        Which convention decides the ambiguous ``1.234`` / ``1,234`` (see the module
        docstring). Use :func:`detect_number_style` to choose it for a whole file.
    errors : {"raise", "return"}
        On text that is not a number: raise :class:`~ctxh_plan.errors.InputError`
        (value = the exact text) or return a :class:`ParsedNumber` with ``problem`` set.

    Returns
    -------
    ParsedNumber
        ``value`` in the unit written (``12,5%`` → 12.5 with ``percent=True``).

    Examples
    --------
    >>> parse_number("49.980").value
    49980.0
    >>> parse_number("17.316,469").value
    17316.469
    >>> parse_number("trên 200.000").approximate
    True
    """
    if style not in ("auto", "vi", "en"):
        raise ValueError(f"style must be 'auto', 'vi' or 'en', not {style!r}")
    if errors not in ("raise", "return"):
        raise ValueError(f"errors must be 'raise' or 'return', not {errors!r}")
    if text is None:
        return ParsedNumber(None)
    if type(text) is str and text.isdigit() and text.isascii():  # plain digits, most count cells: no rule applies
        return ParsedNumber(float(text), text=text)
    if isinstance(text, bool):
        return _fail(str(text), "a yes/no cell where a number is expected (write 1 or 0)", errors)
    if isinstance(text, (int, float)):
        value = float(text)
        if math.isnan(value):
            return ParsedNumber(None)
        if math.isinf(value):
            return _fail(str(text), "infinite number", errors)
        return ParsedNumber(value, text=str(text))
    if not isinstance(text, str):
        return _fail(str(text), f"a {type(text).__name__} where a number is expected", errors)
    raw = text
    s = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if s.lower() in MISSING_TOKENS:
        return ParsedNumber(None, text=raw)
    approximate = False
    m = _APPROX_RE.match(s)
    if m and m.end() < len(s):
        approximate, s = True, s[m.end():]
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    sign = 1.0
    if s[:1] in "+-−" and s:
        sign, s = (-1.0 if s[0] in "-−" else 1.0), s[1:].lstrip()
    if " " in s:
        if not _SPACE_GROUPED.match(s):
            return _fail(raw, "letters or symbols in a number cell", errors)
        s = s.replace(" ", "")
    if not s or not _BODY.match(s) or not any(c.isdigit() for c in s):
        return _fail(raw, "letters or symbols in a number cell", errors)
    out = _parse_body(s, style)
    if isinstance(out, str):
        return _fail(raw, out, errors)
    value, ambiguous = out
    return ParsedNumber(sign * value, approximate=approximate, percent=percent, ambiguous=ambiguous, text=raw)


def detect_number_style(texts: Iterable[object]) -> Literal["vi", "en"] | None:
    """Decide the number style of a file from the cells that are unambiguous.

    Parameters
    ----------
    texts : iterable of cell contents (non-strings are ignored).

    Returns
    -------
    "vi", "en", or None
        ``None`` when no cell decides, or when Vietnamese and English cells are mixed
        (then each cell is read by its own shape and ``auto`` for the ambiguous ones).
    """
    vi = en = 0
    for t in texts:
        if not isinstance(t, str):
            continue
        s = _SPACES.sub("", t)
        s = _APPROX_RE.sub("", s).rstrip("%").lstrip("+-−")
        if not s or not _BODY.match(s):
            continue
        if "." in s and "," in s:
            if s.rfind(",") > s.rfind("."):
                vi += 1
            else:
                en += 1
            continue
        for sep, is_vi_if_thousands in ((".", True), (",", False)):
            if sep not in s:
                continue
            parts = s.split(sep)
            if len(parts) > 2:
                vi, en = (vi + 1, en) if is_vi_if_thousands else (vi, en + 1)
            elif len(parts[1]) != 3 or parts[0] == "0" or len(parts[0]) > 3:
                # a decimal mark: "," decimal is Vietnamese, "." decimal is English
                vi, en = (vi, en + 1) if is_vi_if_thousands else (vi + 1, en)
    if vi and not en:
        return "vi"
    if en and not vi:
        return "en"
    return None


def round_half_up(x: float, decimals: int) -> float:
    """``x`` rounded to ``decimals`` digits, halves away from zero, as Excel and printed tables round
    (1.210,5 → 1.211; 2,675 → 2,68: the decimal that ``repr`` shows is rounded, not its binary neighbour)."""
    from decimal import ROUND_HALF_UP, Decimal

    if not math.isfinite(x):
        return x
    q = Decimal(1).scaleb(-int(decimals))
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def format_number(x: float | int | None, decimals: int | None = None, style: str = "vi", *,
                  percent: bool = False, missing: str = "-") -> str:
    """Write a number for a table, Vietnamese (``49.980``, ``12,5``) or English style.

    Parameters
    ----------
    x : number or None
        None/NaN gives ``missing``.
    decimals : int, optional
        Digits after the decimal mark; default 0 for whole numbers, else up to 6
        without trailing zeros.
    style : {"vi", "en"}
    percent : bool
        Append ``%``.
    """
    if style not in ("vi", "en"):
        raise ValueError(f"style must be 'vi' or 'en', not {style!r}")
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return missing
    x = float(x)
    if decimals is None:
        text = f"{x:,.6f}".rstrip("0").rstrip(".")
    else:  # halves away from zero, as Excel shows the same cell
        text = f"{round_half_up(x, int(decimals)):,.{int(decimals)}f}"
    if text in ("-0", "-0.0") or re.fullmatch(r"-0(\.0*)?", text):
        text = text[1:]
    if style == "vi":
        text = text.translate(str.maketrans(",.", ".,"))  # swap the thousands and decimal marks
    return text + ("%" if percent else "")
