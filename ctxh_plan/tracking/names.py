"""Match Vietnamese indicator names (analysts' own workbooks carry names, not codes) to catalogue codes.

A name is compared with every indicator's ``name_vi`` and ``synonyms`` (``params/indicators.yaml``)
through three keys, strictest first:

1. :func:`name_key` — NFC, lower case, one space between words, punctuation ignored, and the tone
   mark read per syllable wherever it sits ("hoà" = "hòa", "thuỷ" = "thủy"), so case, spacing,
   NFD/NFC and old/new tone placement do not matter;
2. :func:`fold_key` — the same without any diacritics ("so tre em tu vong do tai nan thuong tich"),
   used only when it points at a single indicator;
3. nothing else: a name that matches no key, or a key shared by several indicators, or the start of
   several names (a truncated name), is **not** matched; it becomes a problem row with the closest
   candidates (``difflib`` similarity of the folded names). A guess is never made.

Leading enumerations ("1.", "a)", "-", "II.") and a trailing unit in brackets that is the
indicator's unit ("(%)", "(‰ trẻ đẻ sống)") are ignored.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MATCH_HOW", "IndicatorMatcher", "NameMatch", "fold_key", "name_key", "post_reform"]

#: how a name was matched (``how`` column) → (vi, en)
MATCH_HOW = {
    "name": ("tên chỉ tiêu", "indicator name"),
    "synonym": ("tên gọi khác trong danh mục", "catalogue synonym"),
    "folded": ("tên không dấu", "name without diacritics"),
    "ambiguous": ("khớp nhiều chỉ tiêu", "matches several indicators"),
    "unmatched": ("không khớp chỉ tiêu nào", "matches no indicator"),
}

_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_ENUM_RE = re.compile(r"^\s*(?:[-–—•+*]+|\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]|\(?[a-zđ][.)]|[ivxlc]{1,5}[.)])\s+",
                      re.IGNORECASE)
_DIGIT_DOT_RE = re.compile(r"(?<=\d)[.,](?=\d{3}\b)")


def _words(text: Any) -> list[str]:
    s = unicodedata.normalize("NFC", str(text)).strip()
    while True:
        m = _ENUM_RE.match(s)
        if not m:
            break
        s = s[m.end():]
    s = _DIGIT_DOT_RE.sub("", s.lower())  # 1.000 = 1,000 = 1000
    s = re.sub(r"[^\w‰%]+", " ", s)
    return s.split()


def post_reform(text: str) -> str:
    """An indicator name as written after 1 July 2025: "xã, phường, đặc khu" instead of "xã, phường, thị trấn"
    (the catalogue keeps the 2021 wording of QĐ 23; the new one is among its synonyms)."""
    return text.replace("xã, phường, thị trấn", "xã, phường, đặc khu").replace(
        "Xã, phường, thị trấn", "Xã, phường, đặc khu")


def name_key(text: Any) -> str:
    """Matching key of a name: case, spacing, punctuation, NFD/NFC and tone placement ignored.

    >>> name_key("  Tỷ lệ  trẻ em được  HOÀ nhập ") == name_key("tỷ lệ trẻ em được hòa nhập")
    True
    """
    out = []
    for word in _words(text):
        decomposed = unicodedata.normalize("NFD", word)
        tones = [c for c in decomposed if c in _TONES]
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        out.append(base + ("" if not tones else _TONES[tones[-1]]))
    return " ".join(out)


def fold_key(text: Any) -> str:
    """Matching key without any diacritics (đ → d): ``"so tre em tu vong do tntt"``."""
    s = unicodedata.normalize("NFD", " ".join(_words(text))).replace("đ", "d")
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class NameMatch:
    """Result of matching one name.

    Attributes
    ----------
    name : the name as written.
    code : the catalogue code, or None when not matched.
    how : ``name``, ``synonym``, ``folded``, ``ambiguous`` or ``unmatched`` (see :data:`MATCH_HOW`).
    candidates : closest catalogue codes (best first) for a name that was not matched.
    """

    name: str
    code: str | None
    how: str
    candidates: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.code is not None


@dataclass
class IndicatorMatcher:
    """Index of the catalogue's names and synonyms; :meth:`match` one name, :meth:`match_many` several.

    A key (name or synonym) that belongs to two indicators is kept as ambiguous: such a name is never
    matched (``tests/test_tracking_names.py`` keeps the shipped catalogue free of them).
    """

    catalog: Any
    _exact: dict[str, set[tuple[str, str]]] = field(default_factory=dict, repr=False)
    _folded: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False)   # code → folded name (for candidates)
    _unit_keys: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self._unit_keys = {name_key(ind.unit_vi) for ind in self.catalog if ind.unit_vi}
        for ind in self.catalog:
            for how, name in [("name", ind.name_vi)] + [("synonym", s) for s in ind.synonyms]:
                for text in self._variant_texts(name):
                    self._exact.setdefault(name_key(text), set()).add((ind.code, how))
                    self._folded.setdefault(fold_key(text), set()).add(ind.code)
            self._names[ind.code] = fold_key(ind.name_vi)

    def clashes(self) -> dict[str, list[str]]:
        """Keys that stand for more than one indicator (should be empty for a usable catalogue)."""
        return {k: sorted({c for c, _ in v}) for k, v in self._exact.items() if len({c for c, _ in v}) > 1}

    def _variant_texts(self, text: Any) -> list[str]:
        """A name as written, and without a trailing bracket that gives a unit of measure
        ("(%)", "(‰ trẻ đẻ sống)", "(trên 1.000 trẻ đẻ sống)")."""
        name = unicodedata.normalize("NFC", str(text)).strip()
        out = [name]
        m = re.match(r"^(.*\S)\s*\(([^()]*)\)\s*$", name)
        if m:
            inner = name_key(m.group(2))
            if inner in self._unit_keys or fold_key(m.group(2)).startswith("tren ") or inner in ("%", "‰"):
                out.append(m.group(1))
        return out

    def _variants(self, text: Any) -> list[str]:
        return [name_key(t) for t in self._variant_texts(text)]

    def candidates(self, text: Any, n: int = 3) -> tuple[str, ...]:
        """The ``n`` catalogue codes whose names are closest to ``text`` (folded, difflib ratio)."""
        key = fold_key(text)
        scored = []
        for code, folded in self._names.items():
            ratio = difflib.SequenceMatcher(None, key, folded, autojunk=False).ratio()
            syn = max((difflib.SequenceMatcher(None, key, f, autojunk=False).ratio()
                       for f, codes in self._folded.items() if code in codes), default=0.0)
            scored.append((max(ratio, syn), code))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return tuple(code for _, code in scored[:n])

    def match(self, text: Any) -> NameMatch:
        """Match one name (see the module docstring for the rules)."""
        name = unicodedata.normalize("NFC", str(text)).strip()
        keys = self._variants(name)
        for key in keys:
            hits = self._exact.get(key)
            if hits:
                codes = sorted({c for c, _ in hits})
                if len(codes) == 1:
                    how = "name" if any(h == "name" for _, h in hits) else "synonym"
                    return NameMatch(name, codes[0], how)
                return NameMatch(name, None, "ambiguous", tuple(codes))
        for text in self._variant_texts(name):
            folded = fold_key(text)
            codes = sorted(self._folded.get(folded, ()))
            if len(codes) == 1:
                return NameMatch(name, codes[0], "folded")
            if len(codes) > 1:
                return NameMatch(name, None, "ambiguous", tuple(codes))
        # a truncated name: the start of several names is ambiguous, never completed
        folded = fold_key(name)
        if folded:
            starts = sorted({c for f, codes in self._folded.items() if f.startswith(folded + " ") for c in codes})
            if len(starts) > 1:
                return NameMatch(name, None, "ambiguous", tuple(starts))
        return NameMatch(name, None, "unmatched", self.candidates(name))

    def match_many(self, names: Iterable[Any]) -> list[NameMatch]:
        cache: dict[str, NameMatch] = {}
        out = []
        for n in names:
            key = str(n)
            if key not in cache:
                cache[key] = self.match(n)
            out.append(cache[key])
        return out

    def describe(self, match: NameMatch, lang: str = "vi") -> str:
        """One line for a problem row: the candidates with their names."""
        items = [f"{c} ({self.catalog[c].name_vi if lang == 'vi' else self.catalog[c].name_en})"
                 for c in match.candidates if c in self.catalog]
        return "; ".join(items)
